/* Decoders for the parquet.thrift structs declared in metadata.h: FileMetaData and everything
 * under it (SchemaElement, LogicalType, RowGroup, ColumnChunk, ColumnMetaData, Statistics,
 * KeyValue, SortingColumn, PageEncodingStats, ColumnOrder), PageHeader and its three page
 * headers, ColumnIndex, OffsetIndex and BloomFilterHeader.
 *
 * Each decoder follows the IDL field by field (the case comments quote it). Fields this
 * version does not know, and known fields that arrive with a wire type other than the IDL's,
 * are skipped, as Thrift's generated readers do. Required fields that a reader cannot do
 * without are checked; the rest default to zero so that files from writers that leave them
 * out (several do) still open. Enum values are kept as raw integers: the layers that use
 * them validate them. Size statistics, geospatial statistics, level histograms and NaN
 * counts are skipped; encryption structures only set a flag so that encrypted files can be
 * refused by name. */
#include "parquet/thrift/compact_reader.h"
#include "parquet/thrift/metadata.h"

#include "util/check.h"

#include <string.h>

typedef ff_status (*md_decode_fn)(ff_tc_reader *r, void *out, ff_error *err);

static ff_status md_missing(const char *strct, int field_id, const char *field_name, size_t offset,
                            ff_error *err) {
    return ff_error_set(err, FF_ERR_CORRUPT, "%s at offset %zu lacks required field %d (%s)", strct,
                        offset, field_id, field_name);
}

/* ---- lists ------------------------------------------------------------------------------ */

static ff_status md_i32_list(ff_tc_reader *r, const ff_tc_field *f, int32_t **out, int32_t *count,
                             bool *is_set, ff_error *err) {
    uint8_t elem_type;
    int32_t n;
    bool is_list;
    FF_FORWARD_IF_ERROR(ff_tc_field_list(r, f, FF_TC_ELEM_INT, &elem_type, &n, &is_list, err));
    if (is_set)
        *is_set = is_list;
    if (!is_list)
        return FF_OK;
    ff_status status = FF_OK;
    int32_t *values = NULL;
    if (n > 0 && !(values = ff_arena_array(r->arena, (size_t)n, sizeof *values, err)))
        status = err ? err->code : FF_ERR_NO_MEMORY;
    for (int32_t elem_idx = 0; elem_idx < n && status == FF_OK; elem_idx++) {
        int64_t value;
        status = ff_tc_read_int(r, elem_type, INT32_MIN, INT32_MAX, &value, err);
        if (status == FF_OK)
            values[elem_idx] = (int32_t)value;
    }
    ff_tc_list_end(r);
    if (status == FF_OK) {
        *out = values;
        *count = n;
    }
    return status;
}

static ff_status md_i64_list(ff_tc_reader *r, const ff_tc_field *f, int64_t **out, int32_t *count,
                             bool *is_set, ff_error *err) {
    uint8_t elem_type;
    int32_t n;
    bool is_list;
    FF_FORWARD_IF_ERROR(ff_tc_field_list(r, f, FF_TC_ELEM_INT, &elem_type, &n, &is_list, err));
    if (is_set)
        *is_set = is_list;
    if (!is_list)
        return FF_OK;
    ff_status status = FF_OK;
    int64_t *values = NULL;
    if (n > 0 && !(values = ff_arena_array(r->arena, (size_t)n, sizeof *values, err)))
        status = err ? err->code : FF_ERR_NO_MEMORY;
    for (int32_t elem_idx = 0; elem_idx < n && status == FF_OK; elem_idx++)
        status = ff_tc_read_int(r, elem_type, INT64_MIN, INT64_MAX, &values[elem_idx], err);
    ff_tc_list_end(r);
    if (status == FF_OK) {
        *out = values;
        *count = n;
    }
    return status;
}

static ff_status md_bool_list(ff_tc_reader *r, const ff_tc_field *f, bool **out, int32_t *count,
                              bool *is_set, ff_error *err) {
    uint8_t elem_type;
    int32_t n;
    bool is_list;
    FF_FORWARD_IF_ERROR(ff_tc_field_list(r, f, FF_TC_ELEM_BOOL, &elem_type, &n, &is_list, err));
    if (is_set)
        *is_set = is_list;
    if (!is_list)
        return FF_OK;
    ff_status status = FF_OK;
    bool *values = NULL;
    if (n > 0 && !(values = ff_arena_array(r->arena, (size_t)n, sizeof *values, err)))
        status = err ? err->code : FF_ERR_NO_MEMORY;
    for (int32_t elem_idx = 0; elem_idx < n && status == FF_OK; elem_idx++)
        status = ff_tc_read_bool_elem(r, &values[elem_idx], err);
    ff_tc_list_end(r);
    if (status == FF_OK) {
        *out = values;
        *count = n;
    }
    return status;
}

static ff_status md_binary_list(ff_tc_reader *r, const ff_tc_field *f, ff_pq_bytes **out,
                                int32_t *count, bool *is_set, ff_error *err) {
    uint8_t elem_type;
    int32_t n;
    bool is_list;
    FF_FORWARD_IF_ERROR(ff_tc_field_list(r, f, FF_TC_ELEM_BINARY, &elem_type, &n, &is_list, err));
    if (is_set)
        *is_set = is_list;
    if (!is_list)
        return FF_OK;
    ff_status status = FF_OK;
    ff_pq_bytes *values = NULL;
    if (n > 0 && !(values = ff_arena_array(r->arena, (size_t)n, sizeof *values, err)))
        status = err ? err->code : FF_ERR_NO_MEMORY;
    for (int32_t elem_idx = 0; elem_idx < n && status == FF_OK; elem_idx++)
        status = ff_tc_read_binary(r, &values[elem_idx], err);
    ff_tc_list_end(r);
    if (status == FF_OK) {
        *out = values;
        *count = n;
    }
    return status;
}

static ff_status md_string_list(ff_tc_reader *r, const ff_tc_field *f, const char ***out,
                                int32_t *count, bool *is_set, ff_error *err) {
    uint8_t elem_type;
    int32_t n;
    bool is_list;
    FF_FORWARD_IF_ERROR(ff_tc_field_list(r, f, FF_TC_ELEM_BINARY, &elem_type, &n, &is_list, err));
    if (is_set)
        *is_set = is_list;
    if (!is_list)
        return FF_OK;
    ff_status status = FF_OK;
    const char **values = NULL;
    if (n > 0 && !(values = ff_arena_array(r->arena, (size_t)n, sizeof *values, err)))
        status = err ? err->code : FF_ERR_NO_MEMORY;
    for (int32_t elem_idx = 0; elem_idx < n && status == FF_OK; elem_idx++)
        status = ff_tc_read_string(r, &values[elem_idx], err);
    ff_tc_list_end(r);
    if (status == FF_OK) {
        *out = values;
        *count = n;
    }
    return status;
}

/* A list<Struct>: allocates count elements of elem_size and decodes each with `decode`.
 * `what` names the list in error messages ("row_groups[3]: ..."). */
static ff_status md_struct_list(ff_tc_reader *r, const ff_tc_field *f, size_t elem_size,
                                md_decode_fn decode, const char *what, void **out, int32_t *count,
                                bool *is_set, ff_error *err) {
    uint8_t elem_type;
    int32_t n;
    bool is_list;
    FF_FORWARD_IF_ERROR(ff_tc_field_list(r, f, FF_TC_ELEM_STRUCT, &elem_type, &n, &is_list, err));
    if (is_set)
        *is_set = is_list;
    if (!is_list)
        return FF_OK;
    ff_status status = FF_OK;
    uint8_t *values = NULL;
    if (n > 0 && !(values = ff_arena_array(r->arena, (size_t)n, elem_size, err)))
        status = err ? err->code : FF_ERR_NO_MEMORY;
    for (int32_t elem_idx = 0; elem_idx < n && status == FF_OK; elem_idx++) {
        status = decode(r, values + (size_t)elem_idx * elem_size, err);
        if (status != FF_OK)
            ff_error_prefix(err, "%s[%d]", what, elem_idx);
    }
    ff_tc_list_end(r);
    if (status == FF_OK) {
        *out = values;
        *count = n;
    }
    return status;
}

/* Skips the contents of a struct-typed field and reports it was there; for unions whose
 * members are empty structs and for structures only recognised, never read. */
static ff_status md_struct_present(ff_tc_reader *r, const ff_tc_field *f, bool *present,
                                   ff_error *err) {
    if (f->type == FF_TC_STRUCT)
        *present = true;
    return ff_tc_skip_field(r, f, err);
}

/* A union whose members are all empty structs (TimeUnit, ColumnOrder, the bloom filter
 * unions): *member_id is the id of the member that was set, 0 when none. */
static ff_status md_empty_union(ff_tc_reader *r, int32_t *member_id, ff_error *err) {
    *member_id = 0;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        if (f.type == FF_TC_STRUCT)
            *member_id = f.id;
        status = ff_tc_skip_field(r, &f, err);
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

/* A struct-typed field holding an empty-member union; other wire types are skipped. */
static ff_status md_union_field(ff_tc_reader *r, const ff_tc_field *f, int32_t *member_id,
                                bool *is_set, ff_error *err) {
    if (f->type != FF_TC_STRUCT) {
        if (is_set)
            *is_set = false;
        return ff_tc_skip_field(r, f, err);
    }
    if (is_set)
        *is_set = true;
    return md_empty_union(r, member_id, err);
}

/* ---- LogicalType ------------------------------------------------------------------------ */

static ff_status md_decimal_type(ff_tc_reader *r, ff_pq_logical_type *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i32 scale */
            status = ff_tc_field_i32(r, &f, &out->decimal_scale, NULL, err);
            break;
        case 2: /* 2: required i32 precision */
            status = ff_tc_field_i32(r, &f, &out->decimal_precision, NULL, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

/* TimeType and TimestampType share their layout. */
static ff_status md_time_type(ff_tc_reader *r, ff_pq_logical_type *out, ff_error *err) {
    out->time_unit = -1; /* absent unit: the schema layer treats it as unknown */
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required bool isAdjustedToUTC */
            status = ff_tc_field_bool(r, &f, &out->time_is_adjusted_to_utc, NULL, err);
            break;
        case 2: { /* 2: required TimeUnit unit (union: 1 MILLIS, 2 MICROS, 3 NANOS) */
            int32_t member_id = 0;
            bool is_set = false;
            status = md_union_field(r, &f, &member_id, &is_set, err);
            if (status == FF_OK && is_set)
                out->time_unit = member_id - 1;
            break;
        }
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

static ff_status md_int_type(ff_tc_reader *r, ff_pq_logical_type *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i8 bitWidth */
            status = ff_tc_field_i8(r, &f, &out->int_bit_width, NULL, err);
            break;
        case 2: /* 2: required bool isSigned */
            status = ff_tc_field_bool(r, &f, &out->int_is_signed, NULL, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

/* union LogicalType: every member is a struct; the last member set wins. */
static ff_status md_logical_type(ff_tc_reader *r, ff_pq_logical_type *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        if (f.type != FF_TC_STRUCT) {
            status = ff_tc_skip_field(r, &f, err);
            if (status != FF_OK)
                break;
            continue;
        }
        memset(out, 0, sizeof *out);
        switch (f.id) {
        case FF_LT_DECIMAL: /* 5: DecimalType DECIMAL */
            status = md_decimal_type(r, out, err);
            out->kind = FF_LT_DECIMAL;
            break;
        case FF_LT_TIME:      /* 7: TimeType TIME */
        case FF_LT_TIMESTAMP: /* 8: TimestampType TIMESTAMP */
            status = md_time_type(r, out, err);
            out->kind = (ff_pq_logical_kind)f.id;
            break;
        case FF_LT_INTEGER: /* 10: IntType INTEGER */
            status = md_int_type(r, out, err);
            out->kind = FF_LT_INTEGER;
            break;
        case FF_LT_STRING:    /* 1: StringType STRING */
        case FF_LT_MAP:       /* 2: MapType MAP */
        case FF_LT_LIST:      /* 3: ListType LIST */
        case FF_LT_ENUM:      /* 4: EnumType ENUM */
        case FF_LT_DATE:      /* 6: DateType DATE */
        case FF_LT_UNKNOWN:   /* 11: NullType UNKNOWN */
        case FF_LT_JSON:      /* 12: JsonType JSON */
        case FF_LT_BSON:      /* 13: BsonType BSON */
        case FF_LT_UUID:      /* 14: UUIDType UUID */
        case FF_LT_FLOAT16:   /* 15: Float16Type FLOAT16 */
        case FF_LT_VARIANT:   /* 16: VariantType VARIANT (specification_version skipped) */
        case FF_LT_GEOMETRY:  /* 17: GeometryType GEOMETRY (crs skipped) */
        case FF_LT_GEOGRAPHY: /* 18: GeographyType GEOGRAPHY (crs, algorithm skipped) */
            status = ff_tc_skip(r, FF_TC_STRUCT, err);
            out->kind = (ff_pq_logical_kind)f.id;
            break;
        default: /* 9 (reserved), 19 FILE and later members */
            status = ff_tc_skip(r, FF_TC_STRUCT, err);
            out->kind = FF_LT_FUTURE;
            out->unknown_field_id = f.id;
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

/* ---- schema and key-value --------------------------------------------------------------- */

static ff_status md_schema_element(ff_tc_reader *r, void *dst, ff_error *err) {
    ff_pq_schema_element *out = dst;
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_name = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: optional Type type */
            status = ff_tc_field_i32(r, &f, &out->type, &out->has_type, err);
            break;
        case 2: /* 2: optional i32 type_length */
            status = ff_tc_field_i32(r, &f, &out->type_length, &out->has_type_length, err);
            break;
        case 3: /* 3: optional FieldRepetitionType repetition_type */
            status = ff_tc_field_i32(r, &f, &out->repetition_type, &out->has_repetition_type, err);
            break;
        case 4: /* 4: required string name */
            status = ff_tc_field_string(r, &f, &out->name, &has_name, err);
            break;
        case 5: /* 5: optional i32 num_children */
            status = ff_tc_field_i32(r, &f, &out->num_children, &out->has_num_children, err);
            break;
        case 6: /* 6: optional ConvertedType converted_type */
            status = ff_tc_field_i32(r, &f, &out->converted_type, &out->has_converted_type, err);
            break;
        case 7: /* 7: optional i32 scale */
            status = ff_tc_field_i32(r, &f, &out->scale, &out->has_scale, err);
            break;
        case 8: /* 8: optional i32 precision */
            status = ff_tc_field_i32(r, &f, &out->precision, &out->has_precision, err);
            break;
        case 9: /* 9: optional i32 field_id */
            status = ff_tc_field_i32(r, &f, &out->field_id, &out->has_field_id, err);
            break;
        case 10: /* 10: optional LogicalType logicalType */
            if (f.type == FF_TC_STRUCT) {
                out->has_logical_type = true;
                status = md_logical_type(r, &out->logical_type, err);
            } else {
                status = ff_tc_skip_field(r, &f, err);
            }
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status == FF_OK && !has_name)
        return md_missing("SchemaElement", 4, "name", offset, err);
    return status;
}

static ff_status md_key_value(ff_tc_reader *r, void *dst, ff_error *err) {
    ff_pq_key_value *out = dst;
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_key = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required string key */
            status = ff_tc_field_string(r, &f, &out->key, &has_key, err);
            break;
        case 2: /* 2: optional string value */
            status = ff_tc_field_binary(r, &f, &out->value, &out->has_value, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status == FF_OK && !has_key)
        return md_missing("KeyValue", 1, "key", offset, err);
    return status;
}

/* ---- statistics ------------------------------------------------------------------------- */

static ff_status md_statistics(ff_tc_reader *r, ff_pq_statistics *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: optional binary max */
            status = ff_tc_field_binary(r, &f, &out->max, &out->has_max, err);
            break;
        case 2: /* 2: optional binary min */
            status = ff_tc_field_binary(r, &f, &out->min, &out->has_min, err);
            break;
        case 3: /* 3: optional i64 null_count */
            status = ff_tc_field_i64(r, &f, &out->null_count, &out->has_null_count, err);
            break;
        case 4: /* 4: optional i64 distinct_count */
            status = ff_tc_field_i64(r, &f, &out->distinct_count, &out->has_distinct_count, err);
            break;
        case 5: /* 5: optional binary max_value */
            status = ff_tc_field_binary(r, &f, &out->max_value, &out->has_max_value, err);
            break;
        case 6: /* 6: optional binary min_value */
            status = ff_tc_field_binary(r, &f, &out->min_value, &out->has_min_value, err);
            break;
        case 7: /* 7: optional bool is_max_value_exact */
            status = ff_tc_field_bool(r, &f, &out->is_max_value_exact, &out->has_is_max_value_exact,
                                      err);
            break;
        case 8: /* 8: optional bool is_min_value_exact */
            status = ff_tc_field_bool(r, &f, &out->is_min_value_exact, &out->has_is_min_value_exact,
                                      err);
            break;
        default: /* 9: nan_count and later */
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

/* A struct-typed Statistics field; other wire types are skipped. */
static ff_status md_statistics_field(ff_tc_reader *r, const ff_tc_field *f, ff_pq_statistics *out,
                                     bool *is_set, ff_error *err) {
    if (f->type != FF_TC_STRUCT) {
        *is_set = false;
        return ff_tc_skip_field(r, f, err);
    }
    *is_set = true;
    ff_status status = md_statistics(r, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "statistics");
    return status;
}

static ff_status md_page_encoding_stats(ff_tc_reader *r, void *dst, ff_error *err) {
    ff_pq_page_encoding_stats *out = dst;
    memset(out, 0, sizeof *out);
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required PageType page_type */
            status = ff_tc_field_i32(r, &f, &out->page_type, NULL, err);
            break;
        case 2: /* 2: required Encoding encoding */
            status = ff_tc_field_i32(r, &f, &out->encoding, NULL, err);
            break;
        case 3: /* 3: required i32 count */
            status = ff_tc_field_i32(r, &f, &out->count, NULL, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

/* ---- column chunks and row groups ------------------------------------------------------- */

static ff_status md_column_metadata(ff_tc_reader *r, ff_pq_column_metadata *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_type = false, has_path = false, has_codec = false, has_num_values = false;
    bool has_compressed = false, has_data_page_offset = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required Type type */
            status = ff_tc_field_i32(r, &f, &out->type, &has_type, err);
            break;
        case 2: /* 2: required list<Encoding> encodings */
            status = md_i32_list(r, &f, &out->encodings, &out->num_encodings, NULL, err);
            break;
        case 3: /* 3: required list<string> path_in_schema */
            status = md_string_list(r, &f, &out->path_in_schema, &out->path_len, &has_path, err);
            break;
        case 4: /* 4: required CompressionCodec codec */
            status = ff_tc_field_i32(r, &f, &out->codec, &has_codec, err);
            break;
        case 5: /* 5: required i64 num_values */
            status = ff_tc_field_i64(r, &f, &out->num_values, &has_num_values, err);
            break;
        case 6: /* 6: required i64 total_uncompressed_size */
            status = ff_tc_field_i64(r, &f, &out->total_uncompressed_size, NULL, err);
            break;
        case 7: /* 7: required i64 total_compressed_size */
            status = ff_tc_field_i64(r, &f, &out->total_compressed_size, &has_compressed, err);
            break;
        case 8: /* 8: optional list<KeyValue> key_value_metadata */
            status = md_struct_list(r, &f, sizeof(ff_pq_key_value), md_key_value,
                                    "key_value_metadata", (void **)&out->key_value_metadata,
                                    &out->num_key_value_metadata, NULL, err);
            break;
        case 9: /* 9: required i64 data_page_offset */
            status = ff_tc_field_i64(r, &f, &out->data_page_offset, &has_data_page_offset, err);
            break;
        case 10: /* 10: optional i64 index_page_offset */
            status =
                ff_tc_field_i64(r, &f, &out->index_page_offset, &out->has_index_page_offset, err);
            break;
        case 11: /* 11: optional i64 dictionary_page_offset */
            status = ff_tc_field_i64(r, &f, &out->dictionary_page_offset,
                                     &out->has_dictionary_page_offset, err);
            break;
        case 12: /* 12: optional Statistics statistics */
            status = md_statistics_field(r, &f, &out->statistics, &out->has_statistics, err);
            break;
        case 13: /* 13: optional list<PageEncodingStats> encoding_stats */
            status = md_struct_list(
                r, &f, sizeof(ff_pq_page_encoding_stats), md_page_encoding_stats, "encoding_stats",
                (void **)&out->encoding_stats, &out->num_encoding_stats, NULL, err);
            break;
        case 14: /* 14: optional i64 bloom_filter_offset */
            status = ff_tc_field_i64(r, &f, &out->bloom_filter_offset,
                                     &out->has_bloom_filter_offset, err);
            break;
        case 15: /* 15: optional i32 bloom_filter_length */
            status = ff_tc_field_i32(r, &f, &out->bloom_filter_length,
                                     &out->has_bloom_filter_length, err);
            break;
        default: /* 16: size_statistics, 17: geospatial_statistics, and later */
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status != FF_OK)
        return status;
    if (!has_type)
        return md_missing("ColumnMetaData", 1, "type", offset, err);
    if (!has_path)
        return md_missing("ColumnMetaData", 3, "path_in_schema", offset, err);
    if (!has_codec)
        return md_missing("ColumnMetaData", 4, "codec", offset, err);
    if (!has_num_values)
        return md_missing("ColumnMetaData", 5, "num_values", offset, err);
    if (!has_compressed)
        return md_missing("ColumnMetaData", 7, "total_compressed_size", offset, err);
    if (!has_data_page_offset)
        return md_missing("ColumnMetaData", 9, "data_page_offset", offset, err);
    return FF_OK;
}

static ff_status md_column_chunk(ff_tc_reader *r, void *dst, ff_error *err) {
    ff_pq_column_chunk *out = dst;
    memset(out, 0, sizeof *out);
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: optional string file_path */
            status = ff_tc_field_string(r, &f, &out->file_path, NULL, err);
            break;
        case 2: /* 2: required i64 file_offset = 0 */
            status = ff_tc_field_i64(r, &f, &out->file_offset, NULL, err);
            break;
        case 3: /* 3: optional ColumnMetaData meta_data */
            if (f.type == FF_TC_STRUCT) {
                out->has_meta_data = true;
                status = md_column_metadata(r, &out->meta_data, err);
                if (status != FF_OK)
                    ff_error_prefix(err, "meta_data");
            } else {
                status = ff_tc_skip_field(r, &f, err);
            }
            break;
        case 4: /* 4: optional i64 offset_index_offset */
            status = ff_tc_field_i64(r, &f, &out->offset_index_offset, &out->has_offset_index, err);
            break;
        case 5: /* 5: optional i32 offset_index_length */
            status = ff_tc_field_i32(r, &f, &out->offset_index_length, NULL, err);
            break;
        case 6: /* 6: optional i64 column_index_offset */
            status = ff_tc_field_i64(r, &f, &out->column_index_offset, &out->has_column_index, err);
            break;
        case 7: /* 7: optional i32 column_index_length */
            status = ff_tc_field_i32(r, &f, &out->column_index_length, NULL, err);
            break;
        case 8: /* 8: optional ColumnCryptoMetaData crypto_metadata: recognised, not read */
            status = md_struct_present(r, &f, &out->has_crypto_metadata, err);
            break;
        case 9: /* 9: optional binary encrypted_column_metadata: recognised, not read */
            if (f.type == FF_TC_BINARY)
                out->has_encrypted_column_metadata = true;
            status = ff_tc_skip_field(r, &f, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

static ff_status md_sorting_column(ff_tc_reader *r, void *dst, ff_error *err) {
    ff_pq_sorting_column *out = dst;
    memset(out, 0, sizeof *out);
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i32 column_idx */
            status = ff_tc_field_i32(r, &f, &out->column_idx, NULL, err);
            break;
        case 2: /* 2: required bool descending (some writers omit it: false) */
            status = ff_tc_field_bool(r, &f, &out->descending, NULL, err);
            break;
        case 3: /* 3: required bool nulls_first */
            status = ff_tc_field_bool(r, &f, &out->nulls_first, NULL, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    return status;
}

static ff_status md_row_group(ff_tc_reader *r, void *dst, ff_error *err) {
    ff_pq_row_group *out = dst;
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_columns = false, has_num_rows = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required list<ColumnChunk> columns */
            status = md_struct_list(r, &f, sizeof(ff_pq_column_chunk), md_column_chunk, "columns",
                                    (void **)&out->columns, &out->num_columns, &has_columns, err);
            break;
        case 2: /* 2: required i64 total_byte_size */
            status = ff_tc_field_i64(r, &f, &out->total_byte_size, NULL, err);
            break;
        case 3: /* 3: required i64 num_rows */
            status = ff_tc_field_i64(r, &f, &out->num_rows, &has_num_rows, err);
            break;
        case 4: /* 4: optional list<SortingColumn> sorting_columns */
            status = md_struct_list(r, &f, sizeof(ff_pq_sorting_column), md_sorting_column,
                                    "sorting_columns", (void **)&out->sorting_columns,
                                    &out->num_sorting_columns, NULL, err);
            break;
        case 5: /* 5: optional i64 file_offset */
            status = ff_tc_field_i64(r, &f, &out->file_offset, &out->has_file_offset, err);
            break;
        case 6: /* 6: optional i64 total_compressed_size */
            status = ff_tc_field_i64(r, &f, &out->total_compressed_size,
                                     &out->has_total_compressed_size, err);
            break;
        case 7: /* 7: optional i16 ordinal */
            status = ff_tc_field_i16(r, &f, &out->ordinal, &out->has_ordinal, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status != FF_OK)
        return status;
    if (!has_columns)
        return md_missing("RowGroup", 1, "columns", offset, err);
    if (!has_num_rows)
        return md_missing("RowGroup", 3, "num_rows", offset, err);
    return FF_OK;
}

static ff_status md_column_order(ff_tc_reader *r, void *dst, ff_error *err) {
    ff_pq_column_order *out = dst;
    /* union ColumnOrder: 1 TYPE_ORDER, 2 IEEE_754_TOTAL_ORDER, 3 INT96_TIMESTAMP_ORDER; a
     * union with no member set is tolerated (kind 0). */
    return md_empty_union(r, &out->kind, err);
}

/* ---- FileMetaData ----------------------------------------------------------------------- */

static ff_status md_file_metadata(ff_tc_reader *r, ff_pq_file_metadata *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_schema = false, has_num_rows = false, has_row_groups = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i32 version */
            status = ff_tc_field_i32(r, &f, &out->version, NULL, err);
            break;
        case 2: /* 2: required list<SchemaElement> schema */
            status =
                md_struct_list(r, &f, sizeof(ff_pq_schema_element), md_schema_element, "schema",
                               (void **)&out->schema, &out->num_schema, &has_schema, err);
            break;
        case 3: /* 3: required i64 num_rows */
            status = ff_tc_field_i64(r, &f, &out->num_rows, &has_num_rows, err);
            break;
        case 4: /* 4: required list<RowGroup> row_groups */
            status = md_struct_list(r, &f, sizeof(ff_pq_row_group), md_row_group, "row_groups",
                                    (void **)&out->row_groups, &out->num_row_groups,
                                    &has_row_groups, err);
            break;
        case 5: /* 5: optional list<KeyValue> key_value_metadata */
            status = md_struct_list(r, &f, sizeof(ff_pq_key_value), md_key_value,
                                    "key_value_metadata", (void **)&out->key_value_metadata,
                                    &out->num_key_value_metadata, NULL, err);
            break;
        case 6: /* 6: optional string created_by */
            status = ff_tc_field_string(r, &f, &out->created_by, NULL, err);
            break;
        case 7: /* 7: optional list<ColumnOrder> column_orders */
            status =
                md_struct_list(r, &f, sizeof(ff_pq_column_order), md_column_order, "column_orders",
                               (void **)&out->column_orders, &out->num_column_orders, NULL, err);
            break;
        case 8: /* 8: optional EncryptionAlgorithm encryption_algorithm: recognised only */
            status = md_struct_present(r, &f, &out->has_encryption_algorithm, err);
            break;
        default: /* 9: footer_signing_key_metadata, and later */
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status != FF_OK)
        return status;
    if (!has_schema)
        return md_missing("FileMetaData", 2, "schema", offset, err);
    if (!has_num_rows)
        return md_missing("FileMetaData", 3, "num_rows", offset, err);
    if (!has_row_groups)
        return md_missing("FileMetaData", 4, "row_groups", offset, err);
    return FF_OK;
}

ff_status ff_thrift_decode_file_metadata(const uint8_t *data, size_t len, ff_arena *arena,
                                         ff_pq_file_metadata *out, ff_error *err) {
    ff_cursor cur;
    ff_cursor_init(&cur, data, len);
    ff_tc_reader r;
    ff_tc_reader_init(&r, &cur, arena);
    ff_status status = md_file_metadata(&r, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "FileMetaData");
    return status;
}

/* ---- page headers ----------------------------------------------------------------------- */

static ff_status md_data_page_header(ff_tc_reader *r, ff_pq_data_page_header *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_num_values = false, has_encoding = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i32 num_values */
            status = ff_tc_field_i32(r, &f, &out->num_values, &has_num_values, err);
            break;
        case 2: /* 2: required Encoding encoding */
            status = ff_tc_field_i32(r, &f, &out->encoding, &has_encoding, err);
            break;
        case 3: /* 3: required Encoding definition_level_encoding */
            status = ff_tc_field_i32(r, &f, &out->definition_level_encoding, NULL, err);
            break;
        case 4: /* 4: required Encoding repetition_level_encoding */
            status = ff_tc_field_i32(r, &f, &out->repetition_level_encoding, NULL, err);
            break;
        case 5: /* 5: optional Statistics statistics */
            status = md_statistics_field(r, &f, &out->statistics, &out->has_statistics, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status != FF_OK)
        return status;
    if (!has_num_values)
        return md_missing("DataPageHeader", 1, "num_values", offset, err);
    if (!has_encoding)
        return md_missing("DataPageHeader", 2, "encoding", offset, err);
    return FF_OK;
}

static ff_status md_dictionary_page_header(ff_tc_reader *r, ff_pq_dictionary_page_header *out,
                                           ff_error *err) {
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_num_values = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i32 num_values */
            status = ff_tc_field_i32(r, &f, &out->num_values, &has_num_values, err);
            break;
        case 2: /* 2: required Encoding encoding */
            status = ff_tc_field_i32(r, &f, &out->encoding, NULL, err);
            break;
        case 3: /* 3: optional bool is_sorted */
            status = ff_tc_field_bool(r, &f, &out->is_sorted, &out->has_is_sorted, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status == FF_OK && !has_num_values)
        return md_missing("DictionaryPageHeader", 1, "num_values", offset, err);
    return status;
}

static ff_status md_data_page_header_v2(ff_tc_reader *r, ff_pq_data_page_header_v2 *out,
                                        ff_error *err) {
    memset(out, 0, sizeof *out);
    out->is_compressed = true; /* 7: optional bool is_compressed = true */
    size_t offset = ff_cursor_offset(r->cur);
    bool has[7] = {false};
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i32 num_values */
            status = ff_tc_field_i32(r, &f, &out->num_values, &has[1], err);
            break;
        case 2: /* 2: required i32 num_nulls */
            status = ff_tc_field_i32(r, &f, &out->num_nulls, &has[2], err);
            break;
        case 3: /* 3: required i32 num_rows */
            status = ff_tc_field_i32(r, &f, &out->num_rows, &has[3], err);
            break;
        case 4: /* 4: required Encoding encoding */
            status = ff_tc_field_i32(r, &f, &out->encoding, &has[4], err);
            break;
        case 5: /* 5: required i32 definition_levels_byte_length */
            status = ff_tc_field_i32(r, &f, &out->definition_levels_byte_length, &has[5], err);
            break;
        case 6: /* 6: required i32 repetition_levels_byte_length */
            status = ff_tc_field_i32(r, &f, &out->repetition_levels_byte_length, &has[6], err);
            break;
        case 7: /* 7: optional bool is_compressed = true */
            status = ff_tc_field_bool(r, &f, &out->is_compressed, NULL, err);
            break;
        case 8: /* 8: optional Statistics statistics */
            status = md_statistics_field(r, &f, &out->statistics, &out->has_statistics, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status != FF_OK)
        return status;
    static const char *const names[7] = {"",
                                         "num_values",
                                         "num_nulls",
                                         "num_rows",
                                         "encoding",
                                         "definition_levels_byte_length",
                                         "repetition_levels_byte_length"};
    for (int field_id = 1; field_id <= 6; field_id++)
        if (!has[field_id])
            return md_missing("DataPageHeaderV2", field_id, names[field_id], offset, err);
    return FF_OK;
}

static ff_status md_page_header(ff_tc_reader *r, ff_pq_page_header *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_type = false, has_uncompressed = false, has_compressed = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required PageType type */
            status = ff_tc_field_i32(r, &f, &out->type, &has_type, err);
            break;
        case 2: /* 2: required i32 uncompressed_page_size */
            status = ff_tc_field_i32(r, &f, &out->uncompressed_page_size, &has_uncompressed, err);
            break;
        case 3: /* 3: required i32 compressed_page_size */
            status = ff_tc_field_i32(r, &f, &out->compressed_page_size, &has_compressed, err);
            break;
        case 4: /* 4: optional i32 crc */
            status = ff_tc_field_i32(r, &f, &out->crc, &out->has_crc, err);
            break;
        case 5: /* 5: optional DataPageHeader data_page_header */
            if (f.type == FF_TC_STRUCT) {
                out->has_data_page_header = true;
                status = md_data_page_header(r, &out->data_page_header, err);
            } else {
                status = ff_tc_skip_field(r, &f, err);
            }
            break;
        case 6: /* 6: optional IndexPageHeader index_page_header (empty struct) */
            status = md_struct_present(r, &f, &out->has_index_page_header, err);
            break;
        case 7: /* 7: optional DictionaryPageHeader dictionary_page_header */
            if (f.type == FF_TC_STRUCT) {
                out->has_dictionary_page_header = true;
                status = md_dictionary_page_header(r, &out->dictionary_page_header, err);
            } else {
                status = ff_tc_skip_field(r, &f, err);
            }
            break;
        case 8: /* 8: optional DataPageHeaderV2 data_page_header_v2 */
            if (f.type == FF_TC_STRUCT) {
                out->has_data_page_header_v2 = true;
                status = md_data_page_header_v2(r, &out->data_page_header_v2, err);
            } else {
                status = ff_tc_skip_field(r, &f, err);
            }
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status != FF_OK)
        return status;
    if (!has_type)
        return md_missing("PageHeader", 1, "type", offset, err);
    if (!has_uncompressed)
        return md_missing("PageHeader", 2, "uncompressed_page_size", offset, err);
    if (!has_compressed)
        return md_missing("PageHeader", 3, "compressed_page_size", offset, err);
    return FF_OK;
}

ff_status ff_thrift_decode_page_header(ff_cursor *cur, ff_arena *arena, ff_pq_page_header *out,
                                       ff_error *err) {
    ff_tc_reader r;
    ff_tc_reader_init(&r, cur, arena);
    ff_status status = md_page_header(&r, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "PageHeader");
    return status;
}

/* ---- page index ------------------------------------------------------------------------- */

static ff_status md_column_index(ff_tc_reader *r, ff_pq_column_index *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_null_pages = false, has_min = false, has_max = false, has_order = false;
    int32_t num_null_pages = 0, num_min = 0, num_max = 0, num_null_counts = 0;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required list<bool> null_pages */
            status = md_bool_list(r, &f, &out->null_pages, &num_null_pages, &has_null_pages, err);
            break;
        case 2: /* 2: required list<binary> min_values */
            status = md_binary_list(r, &f, &out->min_values, &num_min, &has_min, err);
            break;
        case 3: /* 3: required list<binary> max_values */
            status = md_binary_list(r, &f, &out->max_values, &num_max, &has_max, err);
            break;
        case 4: /* 4: required BoundaryOrder boundary_order */
            status = ff_tc_field_i32(r, &f, &out->boundary_order, &has_order, err);
            break;
        case 5: /* 5: optional list<i64> null_counts */
            status =
                md_i64_list(r, &f, &out->null_counts, &num_null_counts, &out->has_null_counts, err);
            break;
        default: /* 6, 7: level histograms, 8: nan_counts, and later */
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status != FF_OK)
        return status;
    if (!has_null_pages)
        return md_missing("ColumnIndex", 1, "null_pages", offset, err);
    if (!has_min)
        return md_missing("ColumnIndex", 2, "min_values", offset, err);
    if (!has_max)
        return md_missing("ColumnIndex", 3, "max_values", offset, err);
    if (!has_order)
        return md_missing("ColumnIndex", 4, "boundary_order", offset, err);
    if (num_min != num_null_pages || num_max != num_null_pages ||
        (out->has_null_counts && num_null_counts != num_null_pages))
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "ColumnIndex at offset %zu has lists of different lengths: "
                            "null_pages %d, min_values %d, max_values %d, null_counts %d",
                            offset, num_null_pages, num_min, num_max,
                            out->has_null_counts ? num_null_counts : num_null_pages);
    out->num_pages = num_null_pages;
    return FF_OK;
}

ff_status ff_thrift_decode_column_index(const uint8_t *data, size_t len, ff_arena *arena,
                                        ff_pq_column_index *out, ff_error *err) {
    ff_cursor cur;
    ff_cursor_init(&cur, data, len);
    ff_tc_reader r;
    ff_tc_reader_init(&r, &cur, arena);
    ff_status status = md_column_index(&r, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "ColumnIndex");
    return status;
}

static ff_status md_page_location(ff_tc_reader *r, void *dst, ff_error *err) {
    ff_pq_page_location *out = dst;
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has[4] = {false};
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i64 offset */
            status = ff_tc_field_i64(r, &f, &out->offset, &has[1], err);
            break;
        case 2: /* 2: required i32 compressed_page_size */
            status = ff_tc_field_i32(r, &f, &out->compressed_page_size, &has[2], err);
            break;
        case 3: /* 3: required i64 first_row_index */
            status = ff_tc_field_i64(r, &f, &out->first_row_index, &has[3], err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status != FF_OK)
        return status;
    if (!has[1])
        return md_missing("PageLocation", 1, "offset", offset, err);
    if (!has[2])
        return md_missing("PageLocation", 2, "compressed_page_size", offset, err);
    if (!has[3])
        return md_missing("PageLocation", 3, "first_row_index", offset, err);
    return FF_OK;
}

static ff_status md_offset_index(ff_tc_reader *r, ff_pq_offset_index *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_locations = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required list<PageLocation> page_locations */
            status = md_struct_list(r, &f, sizeof(ff_pq_page_location), md_page_location,
                                    "page_locations", (void **)&out->page_locations,
                                    &out->num_pages, &has_locations, err);
            break;
        default: /* 2: unencoded_byte_array_data_bytes, and later */
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status == FF_OK && !has_locations)
        return md_missing("OffsetIndex", 1, "page_locations", offset, err);
    return status;
}

ff_status ff_thrift_decode_offset_index(const uint8_t *data, size_t len, ff_arena *arena,
                                        ff_pq_offset_index *out, ff_error *err) {
    ff_cursor cur;
    ff_cursor_init(&cur, data, len);
    ff_tc_reader r;
    ff_tc_reader_init(&r, &cur, arena);
    ff_status status = md_offset_index(&r, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "OffsetIndex");
    return status;
}

/* ---- bloom filter ----------------------------------------------------------------------- */

static ff_status md_bloom_filter_header(ff_tc_reader *r, ff_pq_bloom_filter_header *out,
                                        ff_error *err) {
    memset(out, 0, sizeof *out);
    size_t offset = ff_cursor_offset(r->cur);
    bool has_num_bytes = false;
    FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
    int16_t last_id = 0;
    ff_status status;
    for (;;) {
        ff_tc_field f;
        status = ff_tc_field_next(r, &last_id, &f, err);
        if (status != FF_OK || f.type == FF_TC_STOP)
            break;
        switch (f.id) {
        case 1: /* 1: required i32 numBytes */
            status = ff_tc_field_i32(r, &f, &out->num_bytes, &has_num_bytes, err);
            break;
        case 2: /* 2: required BloomFilterAlgorithm algorithm (1: BLOCK) */
            status = md_union_field(r, &f, &out->algorithm_kind, NULL, err);
            break;
        case 3: /* 3: required BloomFilterHash hash (1: XXHASH) */
            status = md_union_field(r, &f, &out->hash_kind, NULL, err);
            break;
        case 4: /* 4: required BloomFilterCompression compression (1: UNCOMPRESSED) */
            status = md_union_field(r, &f, &out->compression_kind, NULL, err);
            break;
        default:
            status = ff_tc_skip_field(r, &f, err);
        }
        if (status != FF_OK)
            break;
    }
    ff_tc_struct_end(r);
    if (status == FF_OK && !has_num_bytes)
        return md_missing("BloomFilterHeader", 1, "numBytes", offset, err);
    return status;
}

ff_status ff_thrift_decode_bloom_filter_header(ff_cursor *cur, ff_pq_bloom_filter_header *out,
                                               ff_error *err) {
    ff_tc_reader r;
    ff_tc_reader_init(&r, cur, NULL); /* no strings or binaries in this struct */
    ff_status status = md_bloom_filter_header(&r, out, err);
    if (status != FF_OK)
        ff_error_prefix(err, "BloomFilterHeader");
    return status;
}
