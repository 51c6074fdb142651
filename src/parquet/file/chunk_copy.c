/* Column chunks copied as encoded bytes (chunk_copy.h): the checks that make a chunk safe to
 * copy, and the footer entries that move with it. */
#include "parquet/file/chunk_copy.h"

#include "parquet/file/file_reader.h"
#include "util/check.h"
#include "util/cursor.h"

#include <string.h>

/* The chunk starts at its dictionary page when there is one. Some writers store
 * dictionary_page_offset = 0 without a dictionary; only an offset before the first data page
 * can be a dictionary page (the column reader reads chunks the same way). */
static int64_t chunk_start(const ff_pq_column_metadata *meta) {
    int64_t start = meta->data_page_offset;
    if (meta->has_dictionary_page_offset && meta->dictionary_page_offset > 0 &&
        meta->dictionary_page_offset < start)
        start = meta->dictionary_page_offset;
    return start;
}

ff_status ff_chunk_check_copyable(const ff_reader *reader, int32_t row_group_idx,
                                  int32_t column_idx, bool *ok, ff_chunk_extent *extent,
                                  ff_error *err) {
    *ok = false;
    const ff_pq_column_chunk *chunk = ff_reader_column_chunk(reader, row_group_idx, column_idx);
    if (!chunk || !chunk->has_meta_data || chunk->file_path || chunk->has_crypto_metadata ||
        chunk->has_encrypted_column_metadata)
        return FF_OK;
    const ff_pq_column_metadata *meta = &chunk->meta_data;
    if (meta->num_values <= 0 || meta->total_compressed_size <= 0)
        return FF_OK;
    int64_t start = chunk_start(meta);
    const uint8_t *bytes = NULL;
    ff_error ignored;
    if (ff_reader_region(reader, start, meta->total_compressed_size, "column chunk", &bytes,
                         &ignored) != FF_OK)
        return FF_OK;
    /* Page headers only: the decoded statistics land in a small arena, dropped at the end. */
    ff_arena arena;
    ff_arena_init(&arena, (size_t)16 << 20);
    ff_cursor cur;
    ff_cursor_init(&cur, bytes, (size_t)meta->total_compressed_size);
    int64_t values = 0;
    bool well_formed = true;
    bool saw_data = false;
    while (ff_cursor_remaining(&cur) > 0 && well_formed) {
        ff_pq_page_header header;
        memset(&header, 0, sizeof header);
        if (ff_thrift_decode_page_header(&cur, &arena, &header, &ignored) != FF_OK ||
            header.compressed_page_size < 0 ||
            (size_t)header.compressed_page_size > ff_cursor_remaining(&cur)) {
            well_formed = false;
            break;
        }
        if (header.has_data_page_header) {
            values += header.data_page_header.num_values;
            saw_data = true;
        } else if (header.has_data_page_header_v2) {
            values += header.data_page_header_v2.num_values;
            saw_data = true;
        } else if (saw_data && header.has_dictionary_page_header) {
            well_formed = false; /* a dictionary must come first */
        }
        cur.pos += header.compressed_page_size;
    }
    ff_arena_free(&arena);
    (void)err;
    if (!well_formed || values != meta->num_values)
        return FF_OK;
    *ok = true;
    extent->start = start;
    extent->len = meta->total_compressed_size;
    return FF_OK;
}

static ff_status copy_bytes(ff_arena *arena, const ff_pq_bytes *src, ff_pq_bytes *dst,
                            ff_error *err) {
    dst->len = src->len;
    dst->data = NULL;
    if (src->len <= 0)
        return FF_OK;
    uint8_t *copy = ff_arena_alloc(arena, (size_t)src->len, err);
    if (!copy)
        return FF_ERR_NO_MEMORY;
    memcpy(copy, src->data, (size_t)src->len);
    dst->data = copy;
    return FF_OK;
}

static ff_status copy_statistics(const ff_pq_statistics *src, int32_t physical,
                                 bool keep_value_stats, ff_arena *arena, ff_pq_statistics *dst,
                                 ff_error *err) {
    memset(dst, 0, sizeof *dst);
    dst->has_null_count = src->has_null_count;
    dst->null_count = src->null_count;
    dst->has_distinct_count = src->has_distinct_count;
    dst->distinct_count = src->distinct_count;
    /* Signed order, which the deprecated fields use, is the order of these types only. */
    bool legacy_ok = physical == FF_PHYSICAL_BOOLEAN || physical == FF_PHYSICAL_INT32 ||
                     physical == FF_PHYSICAL_INT64 || physical == FF_PHYSICAL_FLOAT ||
                     physical == FF_PHYSICAL_DOUBLE;
    if (legacy_ok) {
        dst->has_min = src->has_min;
        dst->has_max = src->has_max;
        if (src->has_min)
            FF_FORWARD_IF_ERROR(copy_bytes(arena, &src->min, &dst->min, err));
        if (src->has_max)
            FF_FORWARD_IF_ERROR(copy_bytes(arena, &src->max, &dst->max, err));
    }
    if (keep_value_stats) {
        dst->has_min_value = src->has_min_value;
        dst->has_max_value = src->has_max_value;
        if (src->has_min_value)
            FF_FORWARD_IF_ERROR(copy_bytes(arena, &src->min_value, &dst->min_value, err));
        if (src->has_max_value)
            FF_FORWARD_IF_ERROR(copy_bytes(arena, &src->max_value, &dst->max_value, err));
        dst->has_is_min_value_exact = src->has_is_min_value_exact;
        dst->is_min_value_exact = src->is_min_value_exact;
        dst->has_is_max_value_exact = src->has_is_max_value_exact;
        dst->is_max_value_exact = src->is_max_value_exact;
    }
    return FF_OK;
}

ff_status ff_chunk_copy_metadata(const ff_pq_column_chunk *src, int64_t shift,
                                 bool keep_value_stats, ff_arena *arena, ff_pq_column_chunk *dst,
                                 ff_error *err) {
    const ff_pq_column_metadata *sm = &src->meta_data;
    memset(dst, 0, sizeof *dst);
    dst->has_meta_data = true;
    ff_pq_column_metadata *dm = &dst->meta_data;
    dm->type = sm->type;
    dm->codec = sm->codec;
    dm->num_values = sm->num_values;
    dm->total_uncompressed_size = sm->total_uncompressed_size;
    dm->total_compressed_size = sm->total_compressed_size;
    dm->data_page_offset = sm->data_page_offset + shift;
    if (sm->has_dictionary_page_offset && sm->dictionary_page_offset > 0 &&
        sm->dictionary_page_offset < sm->data_page_offset) {
        dm->has_dictionary_page_offset = true;
        dm->dictionary_page_offset = sm->dictionary_page_offset + shift;
    }
    dst->file_offset =
        dm->has_dictionary_page_offset ? dm->dictionary_page_offset : dm->data_page_offset;
    if (sm->num_encodings > 0) {
        dm->encodings = ff_arena_array(arena, (size_t)sm->num_encodings, sizeof(int32_t), err);
        if (!dm->encodings)
            return FF_ERR_NO_MEMORY;
        memcpy(dm->encodings, sm->encodings, (size_t)sm->num_encodings * sizeof(int32_t));
        dm->num_encodings = sm->num_encodings;
    }
    if (sm->path_len > 0) {
        dm->path_in_schema = ff_arena_array(arena, (size_t)sm->path_len, sizeof(char *), err);
        if (!dm->path_in_schema)
            return FF_ERR_NO_MEMORY;
        for (int32_t idx = 0; idx < sm->path_len; idx++) {
            const char *part = sm->path_in_schema[idx] ? sm->path_in_schema[idx] : "";
            dm->path_in_schema[idx] = ff_arena_strndup(arena, part, strlen(part), err);
            if (!dm->path_in_schema[idx])
                return FF_ERR_NO_MEMORY;
        }
        dm->path_len = sm->path_len;
    }
    if (sm->num_key_value_metadata > 0) {
        dm->key_value_metadata =
            ff_arena_array(arena, (size_t)sm->num_key_value_metadata, sizeof(ff_pq_key_value), err);
        if (!dm->key_value_metadata)
            return FF_ERR_NO_MEMORY;
        for (int32_t idx = 0; idx < sm->num_key_value_metadata; idx++) {
            const ff_pq_key_value *kv = &sm->key_value_metadata[idx];
            ff_pq_key_value *out = &dm->key_value_metadata[idx];
            const char *key = kv->key ? kv->key : "";
            out->key = ff_arena_strndup(arena, key, strlen(key), err);
            if (!out->key)
                return FF_ERR_NO_MEMORY;
            out->has_value = kv->has_value;
            if (kv->has_value) {
                /* Values are read as NUL-terminated copies; keep them so. */
                char *value =
                    ff_arena_strndup(arena, kv->value.data ? (const char *)kv->value.data : "",
                                     kv->value.data ? (size_t)kv->value.len : 0, err);
                if (!value)
                    return FF_ERR_NO_MEMORY;
                out->value.data = (const uint8_t *)value;
                out->value.len = kv->value.data ? kv->value.len : 0;
            }
        }
        dm->num_key_value_metadata = sm->num_key_value_metadata;
    }
    if (sm->has_statistics) {
        dm->has_statistics = true;
        FF_FORWARD_IF_ERROR(copy_statistics(&sm->statistics, sm->type, keep_value_stats, arena,
                                            &dm->statistics, err));
    }
    if (sm->num_encoding_stats > 0) {
        dm->encoding_stats = ff_arena_array(arena, (size_t)sm->num_encoding_stats,
                                            sizeof(ff_pq_page_encoding_stats), err);
        if (!dm->encoding_stats)
            return FF_ERR_NO_MEMORY;
        memcpy(dm->encoding_stats, sm->encoding_stats,
               (size_t)sm->num_encoding_stats * sizeof(ff_pq_page_encoding_stats));
        dm->num_encoding_stats = sm->num_encoding_stats;
    }
    return FF_OK;
}

ff_status ff_chunk_copy_offset_index(const ff_reader *reader, int32_t row_group_idx,
                                     int32_t column_idx, int64_t shift, ff_buf *offset_index_blob,
                                     bool *present, int64_t *blob_offset, int32_t *len,
                                     ff_error *err) {
    *present = false;
    ff_arena arena;
    ff_arena_init(&arena, (size_t)64 << 20);
    ff_pq_offset_index index;
    memset(&index, 0, sizeof index);
    bool found = false;
    ff_error ignored;
    /* An unreadable index is left out rather than failing the copy: readers do without. */
    if (ff_reader_read_offset_index(reader, row_group_idx, column_idx, &arena, &index, &found,
                                    &ignored) != FF_OK ||
        !found) {
        ff_arena_free(&arena);
        return FF_OK;
    }
    for (int32_t page = 0; page < index.num_pages; page++)
        index.page_locations[page].offset += shift;
    size_t before = offset_index_blob->len;
    ff_status status = ff_thrift_encode_offset_index(&index, offset_index_blob, err);
    ff_arena_free(&arena);
    FF_FORWARD_IF_ERROR(status);
    if (offset_index_blob->len - before > INT32_MAX) {
        offset_index_blob->len = before;
        return FF_OK;
    }
    *present = true;
    *blob_offset = (int64_t)before;
    *len = (int32_t)(offset_index_blob->len - before);
    return FF_OK;
}
