/* Encoders for the parquet.thrift structs declared in metadata.h, in compact protocol.
 *
 * Each encoder writes the fields that are set, in field-id order (the comments quote the
 * IDL). Required fields are always written. Inputs are checked where a mistake would
 * produce a footer other readers choke on: negative counts, missing arrays, missing
 * required strings are FF_ERR_INVALID_ARGUMENT. Union members this version does not know
 * (FF_LT_FUTURE, unknown ColumnOrder kinds, unknown time units) are written back as the
 * empty member they were read as, so a rewrite preserves them as far as it can. Encryption
 * structures are never written: encrypted files are refused before anything is rewritten. */
#include "parquet/thrift/compact_writer.h"
#include "parquet/thrift/metadata.h"

#include "util/check.h"

#include <string.h>

static ff_status me_bad_list(const char *what, int32_t count, ff_error *err) {
    return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "cannot encode %s: %d elements with no array",
                        what, count);
}

/* Checks a count + array pair before it is written. */
static ff_status me_check_list(const char *what, int32_t count, const void *array, ff_error *err) {
    if (count < 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "cannot encode %s: negative count %d",
                            what, count);
    if (count > 0 && !array)
        return me_bad_list(what, count, err);
    return FF_OK;
}

static ff_status me_check_bytes(const char *what, const ff_pq_bytes *bytes, ff_error *err) {
    if (bytes->len < 0 || (bytes->len > 0 && !bytes->data))
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "cannot encode %s: %lld bytes with no data", what,
                            (long long)bytes->len);
    return FF_OK;
}

static ff_status me_bytes_field(ff_buf *out, int16_t *last_id, int16_t id, const char *what,
                                const ff_pq_bytes *bytes, ff_error *err) {
    FF_FORWARD_IF_ERROR(me_check_bytes(what, bytes, err));
    return ff_tcw_field_binary(out, last_id, id, bytes->data, (size_t)bytes->len, err);
}

static ff_status me_required_string(ff_buf *out, int16_t *last_id, int16_t id, const char *what,
                                    const char *value, ff_error *err) {
    if (!value)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "cannot encode %s: it is NULL", what);
    return ff_tcw_field_string(out, last_id, id, value, err);
}

/* A field holding a union whose members are empty structs; member 0 writes no member. */
static ff_status me_empty_union_field(ff_buf *out, int16_t *last_id, int16_t id, int32_t member_id,
                                      ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, last_id, id, err));
    if (member_id > 0 && member_id <= INT16_MAX) {
        int16_t member_last = 0;
        FF_FORWARD_IF_ERROR(ff_tcw_field_empty_struct(out, &member_last, (int16_t)member_id, err));
    }
    return ff_tcw_stop(out, err);
}

/* ---- LogicalType ------------------------------------------------------------------------ */

static ff_status me_logical_type(ff_buf *out, const ff_pq_logical_type *lt, ff_error *err) {
    int16_t last = 0;
    switch (lt->kind) {
    case FF_LT_NONE:
        break;
    case FF_LT_DECIMAL: { /* 5: DecimalType DECIMAL { 1: scale, 2: precision } */
        FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, &last, FF_LT_DECIMAL, err));
        int16_t inner = 0;
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 1, lt->decimal_scale, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 2, lt->decimal_precision, err));
        FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
        break;
    }
    case FF_LT_TIME:        /* 7: TimeType TIME */
    case FF_LT_TIMESTAMP: { /* 8: TimestampType TIMESTAMP { 1: isAdjustedToUTC, 2: unit } */
        FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, &last, (int16_t)lt->kind, err));
        int16_t inner = 0;
        FF_FORWARD_IF_ERROR(ff_tcw_field_bool(out, &inner, 1, lt->time_is_adjusted_to_utc, err));
        /* union TimeUnit { 1: MILLIS, 2: MICROS, 3: NANOS }; a unit that was absent on read
         * (-1) stays absent. */
        if (lt->time_unit >= 0)
            FF_FORWARD_IF_ERROR(me_empty_union_field(out, &inner, 2, lt->time_unit + 1, err));
        FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
        break;
    }
    case FF_LT_INTEGER: { /* 10: IntType INTEGER { 1: i8 bitWidth, 2: bool isSigned } */
        FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, &last, FF_LT_INTEGER, err));
        int16_t inner = 0;
        FF_FORWARD_IF_ERROR(ff_tcw_field_i8(out, &inner, 1, lt->int_bit_width, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_bool(out, &inner, 2, lt->int_is_signed, err));
        FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
        break;
    }
    case FF_LT_FUTURE: /* an unknown member, preserved as the empty struct it was read as */
        if (lt->unknown_field_id <= 0 || lt->unknown_field_id > INT16_MAX)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "cannot encode LogicalType member id %d", lt->unknown_field_id);
        FF_FORWARD_IF_ERROR(
            ff_tcw_field_empty_struct(out, &last, (int16_t)lt->unknown_field_id, err));
        break;
    default:
        /* 1 STRING, 2 MAP, 3 LIST, 4 ENUM, 6 DATE, 11 UNKNOWN, 12 JSON, 13 BSON, 14 UUID,
         * 15 FLOAT16, 16 VARIANT, 17 GEOMETRY, 18 GEOGRAPHY: empty structs (the optional
         * members of the last three are not kept). */
        if (lt->kind < FF_LT_STRING || lt->kind > FF_LT_GEOGRAPHY || lt->kind == 9)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "cannot encode LogicalType kind %d",
                                (int)lt->kind);
        FF_FORWARD_IF_ERROR(ff_tcw_field_empty_struct(out, &last, (int16_t)lt->kind, err));
    }
    return ff_tcw_stop(out, err);
}

/* ---- schema, key-value, statistics ------------------------------------------------------ */

static ff_status me_schema_element(ff_buf *out, const ff_pq_schema_element *el, ff_error *err) {
    int16_t last = 0;
    if (el->has_type) /* 1: optional Type type */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 1, el->type, err));
    if (el->has_type_length) /* 2: optional i32 type_length */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 2, el->type_length, err));
    if (el->has_repetition_type) /* 3: optional FieldRepetitionType repetition_type */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 3, el->repetition_type, err));
    /* 4: required string name */
    FF_FORWARD_IF_ERROR(me_required_string(out, &last, 4, "SchemaElement.name", el->name, err));
    if (el->has_num_children) /* 5: optional i32 num_children */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 5, el->num_children, err));
    if (el->has_converted_type) /* 6: optional ConvertedType converted_type */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 6, el->converted_type, err));
    if (el->has_scale) /* 7: optional i32 scale */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 7, el->scale, err));
    if (el->has_precision) /* 8: optional i32 precision */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 8, el->precision, err));
    if (el->has_field_id) /* 9: optional i32 field_id */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 9, el->field_id, err));
    /* 10: optional LogicalType logicalType; a union with no member is not written, since
     * some readers refuse an empty LogicalType. */
    if (el->has_logical_type && el->logical_type.kind != FF_LT_NONE) {
        FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, &last, 10, err));
        FF_FORWARD_IF_ERROR(me_logical_type(out, &el->logical_type, err));
    }
    return ff_tcw_stop(out, err);
}

static ff_status me_key_value_list(ff_buf *out, int16_t *last_id, int16_t id, int32_t count,
                                   const ff_pq_key_value *kvs, ff_error *err) {
    FF_FORWARD_IF_ERROR(me_check_list("key_value_metadata", count, kvs, err));
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, last_id, id, FF_TC_STRUCT, count, err));
    for (int32_t kv_idx = 0; kv_idx < count; kv_idx++) {
        const ff_pq_key_value *kv = &kvs[kv_idx];
        int16_t last = 0;
        /* 1: required string key */
        FF_FORWARD_IF_ERROR(me_required_string(out, &last, 1, "KeyValue.key", kv->key, err));
        if (kv->has_value) /* 2: optional string value */
            FF_FORWARD_IF_ERROR(me_bytes_field(out, &last, 2, "KeyValue.value", &kv->value, err));
        FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
    }
    return FF_OK;
}

/* A Statistics struct as field `id`. */
static ff_status me_statistics_field(ff_buf *out, int16_t *last_id, int16_t id,
                                     const ff_pq_statistics *st, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, last_id, id, err));
    int16_t last = 0;
    if (st->has_max) /* 1: optional binary max */
        FF_FORWARD_IF_ERROR(me_bytes_field(out, &last, 1, "Statistics.max", &st->max, err));
    if (st->has_min) /* 2: optional binary min */
        FF_FORWARD_IF_ERROR(me_bytes_field(out, &last, 2, "Statistics.min", &st->min, err));
    if (st->has_null_count) /* 3: optional i64 null_count */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 3, st->null_count, err));
    if (st->has_distinct_count) /* 4: optional i64 distinct_count */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 4, st->distinct_count, err));
    if (st->has_max_value) /* 5: optional binary max_value */
        FF_FORWARD_IF_ERROR(
            me_bytes_field(out, &last, 5, "Statistics.max_value", &st->max_value, err));
    if (st->has_min_value) /* 6: optional binary min_value */
        FF_FORWARD_IF_ERROR(
            me_bytes_field(out, &last, 6, "Statistics.min_value", &st->min_value, err));
    if (st->has_is_max_value_exact) /* 7: optional bool is_max_value_exact */
        FF_FORWARD_IF_ERROR(ff_tcw_field_bool(out, &last, 7, st->is_max_value_exact, err));
    if (st->has_is_min_value_exact) /* 8: optional bool is_min_value_exact */
        FF_FORWARD_IF_ERROR(ff_tcw_field_bool(out, &last, 8, st->is_min_value_exact, err));
    return ff_tcw_stop(out, err);
}

/* ---- column chunks and row groups ------------------------------------------------------- */

static ff_status me_column_metadata(ff_buf *out, const ff_pq_column_metadata *cm, ff_error *err) {
    int16_t last = 0;
    /* 1: required Type type */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 1, cm->type, err));
    /* 2: required list<Encoding> encodings */
    FF_FORWARD_IF_ERROR(me_check_list("encodings", cm->num_encodings, cm->encodings, err));
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 2, FF_TC_I32, cm->num_encodings, err));
    for (int32_t enc_idx = 0; enc_idx < cm->num_encodings; enc_idx++)
        FF_FORWARD_IF_ERROR(ff_tcw_zigzag(out, cm->encodings[enc_idx], err));
    /* 3: required list<string> path_in_schema */
    FF_FORWARD_IF_ERROR(me_check_list("path_in_schema", cm->path_len, cm->path_in_schema, err));
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 3, FF_TC_BINARY, cm->path_len, err));
    for (int32_t part_idx = 0; part_idx < cm->path_len; part_idx++) {
        const char *part = cm->path_in_schema[part_idx];
        if (!part)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "cannot encode path_in_schema[%d]: it is NULL", part_idx);
        FF_FORWARD_IF_ERROR(ff_tcw_binary(out, part, strlen(part), err));
    }
    /* 4: required CompressionCodec codec */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 4, cm->codec, err));
    /* 5: required i64 num_values */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 5, cm->num_values, err));
    /* 6: required i64 total_uncompressed_size */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 6, cm->total_uncompressed_size, err));
    /* 7: required i64 total_compressed_size */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 7, cm->total_compressed_size, err));
    /* 8: optional list<KeyValue> key_value_metadata */
    if (cm->num_key_value_metadata > 0 || cm->key_value_metadata)
        FF_FORWARD_IF_ERROR(me_key_value_list(out, &last, 8, cm->num_key_value_metadata,
                                              cm->key_value_metadata, err));
    /* 9: required i64 data_page_offset */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 9, cm->data_page_offset, err));
    if (cm->has_index_page_offset) /* 10: optional i64 index_page_offset */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 10, cm->index_page_offset, err));
    if (cm->has_dictionary_page_offset) /* 11: optional i64 dictionary_page_offset */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 11, cm->dictionary_page_offset, err));
    if (cm->has_statistics) /* 12: optional Statistics statistics */
        FF_FORWARD_IF_ERROR(me_statistics_field(out, &last, 12, &cm->statistics, err));
    /* 13: optional list<PageEncodingStats> encoding_stats */
    if (cm->num_encoding_stats > 0 || cm->encoding_stats) {
        FF_FORWARD_IF_ERROR(
            me_check_list("encoding_stats", cm->num_encoding_stats, cm->encoding_stats, err));
        FF_FORWARD_IF_ERROR(
            ff_tcw_field_list(out, &last, 13, FF_TC_STRUCT, cm->num_encoding_stats, err));
        for (int32_t stat_idx = 0; stat_idx < cm->num_encoding_stats; stat_idx++) {
            const ff_pq_page_encoding_stats *pes = &cm->encoding_stats[stat_idx];
            int16_t inner = 0;
            /* 1: required PageType page_type, 2: required Encoding encoding,
             * 3: required i32 count */
            FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 1, pes->page_type, err));
            FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 2, pes->encoding, err));
            FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 3, pes->count, err));
            FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
        }
    }
    if (cm->has_bloom_filter_offset) /* 14: optional i64 bloom_filter_offset */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 14, cm->bloom_filter_offset, err));
    if (cm->has_bloom_filter_length) /* 15: optional i32 bloom_filter_length */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 15, cm->bloom_filter_length, err));
    return ff_tcw_stop(out, err);
}

static ff_status me_column_chunk(ff_buf *out, const ff_pq_column_chunk *cc, ff_error *err) {
    if (cc->has_crypto_metadata || cc->has_encrypted_column_metadata)
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "cannot encode an encrypted column chunk");
    int16_t last = 0;
    if (cc->file_path) /* 1: optional string file_path */
        FF_FORWARD_IF_ERROR(ff_tcw_field_string(out, &last, 1, cc->file_path, err));
    /* 2: required i64 file_offset = 0 */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 2, cc->file_offset, err));
    if (cc->has_meta_data) { /* 3: optional ColumnMetaData meta_data */
        FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, &last, 3, err));
        FF_FORWARD_IF_ERROR(me_column_metadata(out, &cc->meta_data, err));
    }
    if (cc->has_offset_index) {
        /* 4: optional i64 offset_index_offset, 5: optional i32 offset_index_length */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 4, cc->offset_index_offset, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 5, cc->offset_index_length, err));
    }
    if (cc->has_column_index) {
        /* 6: optional i64 column_index_offset, 7: optional i32 column_index_length */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 6, cc->column_index_offset, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 7, cc->column_index_length, err));
    }
    return ff_tcw_stop(out, err);
}

static ff_status me_row_group(ff_buf *out, const ff_pq_row_group *rg, ff_error *err) {
    int16_t last = 0;
    /* 1: required list<ColumnChunk> columns */
    FF_FORWARD_IF_ERROR(me_check_list("RowGroup.columns", rg->num_columns, rg->columns, err));
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 1, FF_TC_STRUCT, rg->num_columns, err));
    for (int32_t col_idx = 0; col_idx < rg->num_columns; col_idx++) {
        ff_status status = me_column_chunk(out, &rg->columns[col_idx], err);
        if (status != FF_OK)
            return ff_error_prefix(err, "columns[%d]", col_idx);
    }
    /* 2: required i64 total_byte_size */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 2, rg->total_byte_size, err));
    /* 3: required i64 num_rows */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 3, rg->num_rows, err));
    /* 4: optional list<SortingColumn> sorting_columns */
    if (rg->num_sorting_columns > 0 || rg->sorting_columns) {
        FF_FORWARD_IF_ERROR(
            me_check_list("sorting_columns", rg->num_sorting_columns, rg->sorting_columns, err));
        FF_FORWARD_IF_ERROR(
            ff_tcw_field_list(out, &last, 4, FF_TC_STRUCT, rg->num_sorting_columns, err));
        for (int32_t sort_idx = 0; sort_idx < rg->num_sorting_columns; sort_idx++) {
            const ff_pq_sorting_column *sc = &rg->sorting_columns[sort_idx];
            int16_t inner = 0;
            /* 1: required i32 column_idx, 2: required bool descending,
             * 3: required bool nulls_first */
            FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 1, sc->column_idx, err));
            FF_FORWARD_IF_ERROR(ff_tcw_field_bool(out, &inner, 2, sc->descending, err));
            FF_FORWARD_IF_ERROR(ff_tcw_field_bool(out, &inner, 3, sc->nulls_first, err));
            FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
        }
    }
    if (rg->has_file_offset) /* 5: optional i64 file_offset */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 5, rg->file_offset, err));
    if (rg->has_total_compressed_size) /* 6: optional i64 total_compressed_size */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 6, rg->total_compressed_size, err));
    if (rg->has_ordinal) /* 7: optional i16 ordinal */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i16(out, &last, 7, rg->ordinal, err));
    return ff_tcw_stop(out, err);
}

/* ---- FileMetaData ----------------------------------------------------------------------- */

static ff_status me_file_metadata(const ff_pq_file_metadata *md, ff_buf *out, ff_error *err) {
    if (md->has_encryption_algorithm)
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "cannot encode an encrypted file's footer");
    int16_t last = 0;
    /* 1: required i32 version */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 1, md->version, err));
    /* 2: required list<SchemaElement> schema */
    FF_FORWARD_IF_ERROR(me_check_list("schema", md->num_schema, md->schema, err));
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 2, FF_TC_STRUCT, md->num_schema, err));
    for (int32_t el_idx = 0; el_idx < md->num_schema; el_idx++) {
        ff_status status = me_schema_element(out, &md->schema[el_idx], err);
        if (status != FF_OK)
            return ff_error_prefix(err, "schema[%d]", el_idx);
    }
    /* 3: required i64 num_rows */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &last, 3, md->num_rows, err));
    /* 4: required list<RowGroup> row_groups */
    FF_FORWARD_IF_ERROR(me_check_list("row_groups", md->num_row_groups, md->row_groups, err));
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 4, FF_TC_STRUCT, md->num_row_groups, err));
    for (int32_t rg_idx = 0; rg_idx < md->num_row_groups; rg_idx++) {
        ff_status status = me_row_group(out, &md->row_groups[rg_idx], err);
        if (status != FF_OK)
            return ff_error_prefix(err, "row_groups[%d]", rg_idx);
    }
    /* 5: optional list<KeyValue> key_value_metadata */
    if (md->num_key_value_metadata > 0 || md->key_value_metadata)
        FF_FORWARD_IF_ERROR(me_key_value_list(out, &last, 5, md->num_key_value_metadata,
                                              md->key_value_metadata, err));
    if (md->created_by) /* 6: optional string created_by */
        FF_FORWARD_IF_ERROR(ff_tcw_field_string(out, &last, 6, md->created_by, err));
    /* 7: optional list<ColumnOrder> column_orders (union: 1 TYPE_ORDER, ...) */
    if (md->num_column_orders > 0 || md->column_orders) {
        FF_FORWARD_IF_ERROR(
            me_check_list("column_orders", md->num_column_orders, md->column_orders, err));
        FF_FORWARD_IF_ERROR(
            ff_tcw_field_list(out, &last, 7, FF_TC_STRUCT, md->num_column_orders, err));
        for (int32_t order_idx = 0; order_idx < md->num_column_orders; order_idx++) {
            int32_t kind = md->column_orders[order_idx].kind;
            if (kind > 0 && kind <= INT16_MAX) {
                int16_t inner = 0;
                FF_FORWARD_IF_ERROR(ff_tcw_field_empty_struct(out, &inner, (int16_t)kind, err));
            }
            FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
        }
    }
    return ff_tcw_stop(out, err);
}

ff_status ff_thrift_encode_file_metadata(const ff_pq_file_metadata *md, ff_buf *out,
                                         ff_error *err) {
    ff_status status = me_file_metadata(md, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "FileMetaData");
    return status;
}

/* ---- page headers ----------------------------------------------------------------------- */

static ff_status me_page_header(const ff_pq_page_header *ph, ff_buf *out, ff_error *err) {
    int16_t last = 0;
    /* 1: required PageType type, 2: required i32 uncompressed_page_size,
     * 3: required i32 compressed_page_size */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 1, ph->type, err));
    FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 2, ph->uncompressed_page_size, err));
    FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 3, ph->compressed_page_size, err));
    if (ph->has_crc) /* 4: optional i32 crc */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 4, ph->crc, err));
    if (ph->has_data_page_header) { /* 5: optional DataPageHeader data_page_header */
        const ff_pq_data_page_header *dph = &ph->data_page_header;
        FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, &last, 5, err));
        int16_t inner = 0;
        /* 1: num_values, 2: encoding, 3: definition_level_encoding,
         * 4: repetition_level_encoding (all required), 5: optional statistics */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 1, dph->num_values, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 2, dph->encoding, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 3, dph->definition_level_encoding, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 4, dph->repetition_level_encoding, err));
        if (dph->has_statistics)
            FF_FORWARD_IF_ERROR(me_statistics_field(out, &inner, 5, &dph->statistics, err));
        FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
    }
    if (ph->has_index_page_header) /* 6: optional IndexPageHeader (empty struct) */
        FF_FORWARD_IF_ERROR(ff_tcw_field_empty_struct(out, &last, 6, err));
    if (ph->has_dictionary_page_header) { /* 7: optional DictionaryPageHeader */
        const ff_pq_dictionary_page_header *dict = &ph->dictionary_page_header;
        FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, &last, 7, err));
        int16_t inner = 0;
        /* 1: required i32 num_values, 2: required Encoding encoding,
         * 3: optional bool is_sorted */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 1, dict->num_values, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 2, dict->encoding, err));
        if (dict->has_is_sorted)
            FF_FORWARD_IF_ERROR(ff_tcw_field_bool(out, &inner, 3, dict->is_sorted, err));
        FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
    }
    if (ph->has_data_page_header_v2) { /* 8: optional DataPageHeaderV2 */
        const ff_pq_data_page_header_v2 *v2 = &ph->data_page_header_v2;
        FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, &last, 8, err));
        int16_t inner = 0;
        /* 1: num_values, 2: num_nulls, 3: num_rows, 4: encoding,
         * 5: definition_levels_byte_length, 6: repetition_levels_byte_length (required) */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 1, v2->num_values, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 2, v2->num_nulls, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 3, v2->num_rows, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 4, v2->encoding, err));
        FF_FORWARD_IF_ERROR(
            ff_tcw_field_i32(out, &inner, 5, v2->definition_levels_byte_length, err));
        FF_FORWARD_IF_ERROR(
            ff_tcw_field_i32(out, &inner, 6, v2->repetition_levels_byte_length, err));
        /* 7: optional bool is_compressed = true; written always, so no reader has to
         * remember the default */
        FF_FORWARD_IF_ERROR(ff_tcw_field_bool(out, &inner, 7, v2->is_compressed, err));
        if (v2->has_statistics) /* 8: optional Statistics statistics */
            FF_FORWARD_IF_ERROR(me_statistics_field(out, &inner, 8, &v2->statistics, err));
        FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
    }
    return ff_tcw_stop(out, err);
}

ff_status ff_thrift_encode_page_header(const ff_pq_page_header *header, ff_buf *out,
                                       ff_error *err) {
    ff_status status = me_page_header(header, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "PageHeader");
    return status;
}

/* ---- page index ------------------------------------------------------------------------- */

static ff_status me_column_index(const ff_pq_column_index *ci, ff_buf *out, ff_error *err) {
    int32_t n = ci->num_pages;
    FF_FORWARD_IF_ERROR(me_check_list("null_pages", n, ci->null_pages, err));
    FF_FORWARD_IF_ERROR(me_check_list("min_values", n, ci->min_values, err));
    FF_FORWARD_IF_ERROR(me_check_list("max_values", n, ci->max_values, err));
    if (ci->has_null_counts)
        FF_FORWARD_IF_ERROR(me_check_list("null_counts", n, ci->null_counts, err));
    int16_t last = 0;
    /* 1: required list<bool> null_pages */
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 1, FF_TC_BOOL_TRUE, n, err));
    for (int32_t page_idx = 0; page_idx < n; page_idx++)
        FF_FORWARD_IF_ERROR(ff_tcw_bool_elem(out, ci->null_pages[page_idx], err));
    /* 2: required list<binary> min_values */
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 2, FF_TC_BINARY, n, err));
    for (int32_t page_idx = 0; page_idx < n; page_idx++) {
        FF_FORWARD_IF_ERROR(me_check_bytes("min_values", &ci->min_values[page_idx], err));
        FF_FORWARD_IF_ERROR(ff_tcw_binary(out, ci->min_values[page_idx].data,
                                          (size_t)ci->min_values[page_idx].len, err));
    }
    /* 3: required list<binary> max_values */
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 3, FF_TC_BINARY, n, err));
    for (int32_t page_idx = 0; page_idx < n; page_idx++) {
        FF_FORWARD_IF_ERROR(me_check_bytes("max_values", &ci->max_values[page_idx], err));
        FF_FORWARD_IF_ERROR(ff_tcw_binary(out, ci->max_values[page_idx].data,
                                          (size_t)ci->max_values[page_idx].len, err));
    }
    /* 4: required BoundaryOrder boundary_order */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 4, ci->boundary_order, err));
    if (ci->has_null_counts) { /* 5: optional list<i64> null_counts */
        FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 5, FF_TC_I64, n, err));
        for (int32_t page_idx = 0; page_idx < n; page_idx++)
            FF_FORWARD_IF_ERROR(ff_tcw_zigzag(out, ci->null_counts[page_idx], err));
    }
    return ff_tcw_stop(out, err);
}

ff_status ff_thrift_encode_column_index(const ff_pq_column_index *index, ff_buf *out,
                                        ff_error *err) {
    ff_status status = me_column_index(index, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "ColumnIndex");
    return status;
}

static ff_status me_offset_index(const ff_pq_offset_index *oi, ff_buf *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(me_check_list("page_locations", oi->num_pages, oi->page_locations, err));
    int16_t last = 0;
    /* 1: required list<PageLocation> page_locations */
    FF_FORWARD_IF_ERROR(ff_tcw_field_list(out, &last, 1, FF_TC_STRUCT, oi->num_pages, err));
    for (int32_t page_idx = 0; page_idx < oi->num_pages; page_idx++) {
        const ff_pq_page_location *loc = &oi->page_locations[page_idx];
        int16_t inner = 0;
        /* 1: required i64 offset, 2: required i32 compressed_page_size,
         * 3: required i64 first_row_index */
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &inner, 1, loc->offset, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &inner, 2, loc->compressed_page_size, err));
        FF_FORWARD_IF_ERROR(ff_tcw_field_i64(out, &inner, 3, loc->first_row_index, err));
        FF_FORWARD_IF_ERROR(ff_tcw_stop(out, err));
    }
    return ff_tcw_stop(out, err);
}

ff_status ff_thrift_encode_offset_index(const ff_pq_offset_index *index, ff_buf *out,
                                        ff_error *err) {
    ff_status status = me_offset_index(index, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "OffsetIndex");
    return status;
}

/* ---- bloom filter ----------------------------------------------------------------------- */

ff_status ff_thrift_encode_bloom_filter_header(const ff_pq_bloom_filter_header *header, ff_buf *out,
                                               ff_error *err) {
    int16_t last = 0;
    /* 1: required i32 numBytes */
    FF_FORWARD_IF_ERROR(ff_tcw_field_i32(out, &last, 1, header->num_bytes, err));
    /* 2: required BloomFilterAlgorithm algorithm (1: BLOCK) */
    FF_FORWARD_IF_ERROR(me_empty_union_field(out, &last, 2, header->algorithm_kind, err));
    /* 3: required BloomFilterHash hash (1: XXHASH) */
    FF_FORWARD_IF_ERROR(me_empty_union_field(out, &last, 3, header->hash_kind, err));
    /* 4: required BloomFilterCompression compression (1: UNCOMPRESSED) */
    FF_FORWARD_IF_ERROR(me_empty_union_field(out, &last, 4, header->compression_kind, err));
    return ff_tcw_stop(out, err);
}
