/* The Parquet file reader (include/fluxforge/reader.h): mapping, footer and magic checks,
 * schema, row group reads through the column chunk reader, statistics, page indexes, bloom
 * filters and the content fingerprint.
 *
 * File layout (parquet-format README): "PAR1", column chunks, optional page indexes and
 * bloom filters, the Thrift FileMetaData, its 4-byte little-endian length, "PAR1". Files
 * with an encrypted footer end in "PARE" instead; files with a plaintext footer but
 * encrypted columns carry encryption_algorithm or per-column crypto metadata. Both are
 * refused by name. The file is mapped read-only, so reading a subset of columns touches
 * only their pages; every offset the footer gives is checked against the mapping. */
#include "parquet/file/file_reader.h"

#include "parquet/column/column_reader.h"
#include "parquet/file/row_text.h"
#include "parquet/schema/schema.h"
#include "util/bytes.h"
#include "util/check.h"
#include "util/cursor.h"
#include "util/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Smallest possible file: magic, footer length, magic, and at least a one-byte footer. */
#define FF_MIN_FILE_SIZE 13

struct ff_reader {
    char *name; /* the path as given, for messages */
    const uint8_t *data;
    size_t len;
    void *map;     /* non-NULL when the reader mapped the file itself */
    uint8_t *tail; /* footer-only readers: the file's last bytes, read with pread */
    size_t map_len;
    size_t data_end; /* start of the footer */
    ff_reader_options options;
    ff_arena footer_arena;
    ff_pq_file_metadata metadata;
    ff_schema *schema;
    int64_t num_rows;
    ff_column_scratch scratch;
};

void ff_reader_options_init(ff_reader_options *options) {
    memset(options, 0, sizeof *options);
    options->verify_crc = true;
    options->max_chunk_bytes = (size_t)64 << 30;
}

void ff_reader_free(ff_reader *reader) {
    if (!reader)
        return;
    ff_column_scratch_free(&reader->scratch);
    ff_schema_free(reader->schema);
    ff_arena_free(&reader->footer_arena);
    if (reader->map)
        munmap(reader->map, reader->map_len);
    free(reader->tail);
    free(reader->name);
    free(reader);
}

/* Whether any column chunk says it is encrypted. */
static bool has_encrypted_columns(const ff_pq_file_metadata *md) {
    for (int32_t rg_idx = 0; rg_idx < md->num_row_groups; rg_idx++) {
        const ff_pq_row_group *rg = &md->row_groups[rg_idx];
        for (int32_t col_idx = 0; col_idx < rg->num_columns; col_idx++)
            if (rg->columns[col_idx].has_crypto_metadata ||
                rg->columns[col_idx].has_encrypted_column_metadata)
                return true;
    }
    return false;
}

/* Footer, schema and row group shape; called once the bytes are in place. */
/* The checks on a file's first four and last eight bytes, and the footer's length. */
static ff_status check_ends(const uint8_t *head, const uint8_t *end, size_t len,
                            uint32_t *footer_len, ff_error *err) {
    if (len >= 4 && !memcmp(end - 4, "PARE", 4))
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "encrypted Parquet files are not supported");
    if (len < FF_MIN_FILE_SIZE)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "file of %zu bytes is too small to be a Parquet file", len);
    if (memcmp(end - 4, "PAR1", 4) != 0)
        return ff_error_set(err, FF_ERR_CORRUPT, "not a Parquet file (no PAR1 magic at the end)");
    if (memcmp(head, "PAR1", 4) != 0)
        return ff_error_set(err, FF_ERR_CORRUPT, "not a Parquet file (no PAR1 magic at the start)");
    *footer_len = ff_load_le32(end - 8);
    if (*footer_len == 0 || (size_t)*footer_len > len - 12)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "footer length %u does not fit in a file of %zu bytes", *footer_len,
                            len);
    return FF_OK;
}

/* Decodes the footer that ends at `end` (one past the file's last byte, in memory). */
static ff_status decode_footer_at(ff_reader *reader, const uint8_t *end, uint32_t footer_len,
                                  ff_error *err);

static ff_status decode_footer(ff_reader *reader, ff_error *err) {
    const uint8_t *data = reader->data;
    size_t len = reader->len;
    uint32_t footer_len = 0;
    FF_FORWARD_IF_ERROR(check_ends(data, data + len, len, &footer_len, err));
    return decode_footer_at(reader, data + len, footer_len, err);
}

static ff_status decode_footer_at(ff_reader *reader, const uint8_t *end, uint32_t footer_len,
                                  ff_error *err) {
    size_t len = reader->len;
    reader->data_end = len - 8 - footer_len;
    /* The decoded footer is larger than its encoding, but within a small factor; the cap
     * keeps a hostile list count from claiming memory the bytes cannot back. */
    size_t arena_cap = (size_t)footer_len * 256 + ((size_t)64 << 20);
    ff_arena_init(&reader->footer_arena, arena_cap);
    ff_pq_file_metadata *md = &reader->metadata;
    ff_status status = ff_thrift_decode_file_metadata(end - 8 - footer_len, footer_len,
                                                      &reader->footer_arena, md, err);
    if (status != FF_OK)
        return ff_error_prefix(err, "footer");
    if (md->has_encryption_algorithm || has_encrypted_columns(md))
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "encrypted Parquet files are not supported");
    status = ff_schema_from_thrift(md->schema, md->num_schema, &reader->schema, err);
    if (status != FF_OK)
        return ff_error_prefix(err, "schema");
    int64_t total_rows = 0;
    for (int32_t rg_idx = 0; rg_idx < md->num_row_groups; rg_idx++) {
        const ff_pq_row_group *rg = &md->row_groups[rg_idx];
        if (rg->num_columns != reader->schema->num_leaves)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "row group %d has %d column chunks but the schema has %d "
                                "columns",
                                rg_idx, rg->num_columns, reader->schema->num_leaves);
        if (rg->num_rows < 0 || __builtin_add_overflow(total_rows, rg->num_rows, &total_rows))
            return ff_error_set(err, FF_ERR_CORRUPT, "row group %d has an invalid row count %lld",
                                rg_idx, (long long)rg->num_rows);
    }
    reader->num_rows = total_rows;
    return ff_column_scratch_init(&reader->scratch, err);
}

/* Allocates the handle and copies the options and name. */
static ff_reader *reader_new(const char *name, const ff_reader_options *options, ff_error *err) {
    ff_reader *reader = ff_calloc(1, sizeof *reader, "reader", err);
    if (!reader)
        return NULL;
    if (options)
        reader->options = *options;
    else
        ff_reader_options_init(&reader->options);
    if (reader->options.max_chunk_bytes == 0)
        reader->options.max_chunk_bytes = SIZE_MAX;
    ff_arena_init(&reader->footer_arena, 0);
    reader->name = ff_strndup(name, strlen(name), err);
    if (!reader->name) {
        free(reader);
        return NULL;
    }
    return reader;
}

ff_status ff_reader_open_memory(const void *data, size_t len, const char *name,
                                const ff_reader_options *options, ff_reader **out, ff_error *err) {
    *out = NULL;
    ff_reader *reader = reader_new(name ? name : "<memory>", options, err);
    if (!reader)
        return FF_ERR_NO_MEMORY;
    reader->data = data;
    reader->len = len;
    ff_status status = decode_footer(reader, err);
    if (status != FF_OK) {
        ff_error_prefix(err, "%s", reader->name);
        ff_reader_free(reader);
        return status;
    }
    *out = reader;
    return FF_OK;
}

/* The end of both opens: the reader to *out, or freed with the error naming the file. */
static ff_status finish_open(ff_reader *reader, const char *path, ff_status status, ff_reader **out,
                             ff_error *err) {
    if (status != FF_OK) {
        ff_error_prefix(err, "%s", path);
        ff_reader_free(reader);
        return status;
    }
    *out = reader;
    return FF_OK;
}

ff_status ff_reader_open(const char *path, const ff_reader_options *options, ff_reader **out,
                         ff_error *err) {
    ff_status status = FF_OK;
    int fd = -1;
    *out = NULL;
    ff_reader *reader = reader_new(path, options, err);
    if (!reader)
        return FF_ERR_NO_MEMORY;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        status = ff_error_set(err, errno == ENOENT ? FF_ERR_NOT_FOUND : FF_ERR_IO,
                              "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        status = ff_error_set(err, FF_ERR_IO, "cannot stat: %s", strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "not a regular file");
        goto cleanup;
    }
    reader->len = (size_t)st.st_size;
    if (reader->len > 0) {
        void *map = mmap(NULL, reader->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            status = ff_error_set(err, FF_ERR_IO, "cannot map %zu bytes: %s", reader->len,
                                  strerror(errno));
            goto cleanup;
        }
        reader->map = map;
        reader->map_len = reader->len;
        reader->data = map;
    } else {
        reader->data = (const uint8_t *)"";
    }
    status = decode_footer(reader, err);
cleanup:
    if (fd >= 0)
        close(fd);
    return finish_open(reader, path, status, out, err);
}

/* Reads len bytes at offset, all of them or an error. */
static ff_status pread_all(int fd, void *out, size_t len, int64_t offset, ff_error *err) {
    for (size_t done = 0; done < len;) {
        ssize_t got = pread(fd, (uint8_t *)out + done, len - done, (off_t)offset + (off_t)done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return ff_error_set(err, FF_ERR_IO, "cannot read: %s",
                                got < 0 ? strerror(errno) : "file shrank while being read");
        done += (size_t)got;
    }
    return FF_OK;
}

ff_status ff_reader_open_footer(const char *path, const ff_reader_options *options, ff_reader **out,
                                ff_error *err) {
    /* Most footers fit in the first read; a longer one takes a second. */
    enum { TAIL_GUESS = 8 << 10 };
    *out = NULL;
    ff_reader *reader = reader_new(path, options, err);
    if (!reader)
        return FF_ERR_NO_MEMORY;
    ff_status status = FF_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        status = ff_error_set(err, errno == ENOENT ? FF_ERR_NOT_FOUND : FF_ERR_IO,
                              "cannot open: %s", strerror(errno));
    } else if (fstat(fd, &st) != 0) {
        status = ff_error_set(err, FF_ERR_IO, "cannot stat: %s", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "not a regular file");
    }
    uint8_t head[4] = {0};
    uint32_t footer_len = 0;
    size_t tail_len = 0;
    if (status == FF_OK) {
        reader->len = (size_t)st.st_size;
        tail_len = reader->len < TAIL_GUESS ? reader->len : TAIL_GUESS;
        reader->tail = ff_malloc(tail_len + 1, "footer", err);
        if (!reader->tail)
            status = FF_ERR_NO_MEMORY;
    }
    if (status == FF_OK && reader->len >= 4)
        status = pread_all(fd, head, 4, 0, err);
    if (status == FF_OK)
        status = pread_all(fd, reader->tail, tail_len, (int64_t)(reader->len - tail_len), err);
    if (status == FF_OK)
        status = check_ends(head, reader->tail + tail_len, reader->len, &footer_len, err);
    if (status == FF_OK && (size_t)footer_len + 8 > tail_len) {
        tail_len = (size_t)footer_len + 8;
        uint8_t *grown = ff_realloc(reader->tail, tail_len, "footer", err);
        if (!grown)
            status = FF_ERR_NO_MEMORY;
        else
            reader->tail = grown;
        if (status == FF_OK)
            status = pread_all(fd, reader->tail, tail_len, (int64_t)(reader->len - tail_len), err);
    }
    /* No page of data is reachable: chunk reads find an empty data section and fail. */
    reader->data = (const uint8_t *)"";
    if (status == FF_OK)
        status = decode_footer_at(reader, reader->tail + tail_len, footer_len, err);
    reader->data_end = 0;
    if (fd >= 0)
        close(fd);
    return finish_open(reader, path, status, out, err);
}

const char *ff_reader_name(const ff_reader *reader) {
    return reader->name;
}
int64_t ff_reader_file_size(const ff_reader *reader) {
    return (int64_t)reader->len;
}
int32_t ff_reader_num_row_groups(const ff_reader *reader) {
    return reader->metadata.num_row_groups;
}
int64_t ff_reader_num_rows(const ff_reader *reader) {
    return reader->num_rows;
}
int64_t ff_reader_row_group_num_rows(const ff_reader *reader, int32_t row_group_idx) {
    if (row_group_idx < 0 || row_group_idx >= reader->metadata.num_row_groups)
        return -1;
    return reader->metadata.row_groups[row_group_idx].num_rows;
}
int32_t ff_reader_num_columns(const ff_reader *reader) {
    return reader->schema->num_leaves;
}
const ff_schema *ff_reader_schema(const ff_reader *reader) {
    return reader->schema;
}
const ff_pq_file_metadata *ff_reader_metadata(const ff_reader *reader) {
    return &reader->metadata;
}
const char *ff_reader_created_by(const ff_reader *reader) {
    return reader->metadata.created_by;
}
int32_t ff_reader_num_key_values(const ff_reader *reader) {
    return reader->metadata.num_key_value_metadata;
}

bool ff_reader_key_value(const ff_reader *reader, int32_t kv_idx, const char **key,
                         const uint8_t **value, size_t *value_len) {
    if (kv_idx < 0 || kv_idx >= reader->metadata.num_key_value_metadata)
        return false;
    const ff_pq_key_value *kv = &reader->metadata.key_value_metadata[kv_idx];
    *key = kv->key;
    *value = kv->has_value ? kv->value.data : NULL;
    *value_len = kv->has_value ? (size_t)kv->value.len : 0;
    if (kv->has_value && !*value)
        *value = (const uint8_t *)"";
    return true;
}

const ff_pq_column_chunk *ff_reader_column_chunk(const ff_reader *reader, int32_t row_group_idx,
                                                 int32_t column_idx) {
    if (row_group_idx < 0 || row_group_idx >= reader->metadata.num_row_groups)
        return NULL;
    const ff_pq_row_group *rg = &reader->metadata.row_groups[row_group_idx];
    if (column_idx < 0 || column_idx >= rg->num_columns)
        return NULL;
    return &rg->columns[column_idx];
}

/* Whether the deprecated min/max fields (written in signed order by old writers) can be
 * trusted for this type: only where signed order is the type's order. */
static bool legacy_order_is_valid(const ff_type *type) {
    switch (type->physical) {
    case FF_PHYSICAL_BOOLEAN:
    case FF_PHYSICAL_FLOAT:
    case FF_PHYSICAL_DOUBLE:
        return true;
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_INT64:
        return !(type->logical == FF_LOGICAL_INT && !type->int_is_signed);
    default:
        return false;
    }
}

ff_status ff_reader_column_stats(const ff_reader *reader, int32_t row_group_idx, int32_t column_idx,
                                 ff_column_stats *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    const ff_pq_column_chunk *chunk = ff_reader_column_chunk(reader, row_group_idx, column_idx);
    if (!chunk)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "no column %d in row group %d",
                            column_idx, row_group_idx);
    if (!chunk->has_meta_data || !chunk->meta_data.has_statistics)
        return FF_OK;
    const ff_pq_statistics *stats = &chunk->meta_data.statistics;
    if (stats->has_min_value && stats->has_max_value) {
        out->has_min_max = true;
        out->min = stats->min_value.data;
        out->min_len = (size_t)stats->min_value.len;
        out->max = stats->max_value.data;
        out->max_len = (size_t)stats->max_value.len;
    } else if (stats->has_min && stats->has_max &&
               legacy_order_is_valid(&reader->schema->leaves[column_idx]->type)) {
        out->has_min_max = true;
        out->min = stats->min.data;
        out->min_len = (size_t)stats->min.len;
        out->max = stats->max.data;
        out->max_len = (size_t)stats->max.len;
    }
    if (out->has_min_max) {
        if (!out->min)
            out->min = (const uint8_t *)"";
        if (!out->max)
            out->max = (const uint8_t *)"";
    }
    out->has_null_count = stats->has_null_count;
    out->null_count = stats->null_count;
    out->has_distinct_count = stats->has_distinct_count;
    out->distinct_count = stats->distinct_count;
    return FF_OK;
}

/* Once chunks are decoded their mapped pages are dropped from the process (they stay in the
 * page cache, and come back on a later touch), so resident memory follows the row group being
 * read rather than growing to the whole file. One call per read: each madvise costs a TLB
 * shootdown on every thread. */
static void release_chunks(const ff_reader *reader, const ff_pq_row_group *rg,
                           const int32_t *columns, int32_t num_columns) {
    /* A small file is unmapped whole soon enough; only a large one is worth the shootdowns. */
    enum { RELEASE_MIN_FILE = 16 << 20 };
    if (!reader->map || num_columns <= 0 || reader->map_len < RELEASE_MIN_FILE)
        return;
    int64_t lo = INT64_MAX, hi = 0;
    for (int32_t col_pos = 0; col_pos < num_columns; col_pos++) {
        const ff_pq_column_chunk *chunk = &rg->columns[columns ? columns[col_pos] : col_pos];
        if (!chunk->has_meta_data)
            continue;
        const ff_pq_column_metadata *meta = &chunk->meta_data;
        int64_t start = meta->data_page_offset;
        if (meta->has_dictionary_page_offset && meta->dictionary_page_offset > 0 &&
            meta->dictionary_page_offset < start)
            start = meta->dictionary_page_offset;
        int64_t end;
        if (start < 0 || __builtin_add_overflow(start, meta->total_compressed_size, &end))
            continue;
        lo = start < lo ? start : lo;
        hi = end > hi ? end : hi;
    }
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0 || hi <= lo || (uint64_t)hi > reader->map_len)
        return;
    uintptr_t base = (uintptr_t)reader->map;
    uintptr_t first = (base + (uintptr_t)lo + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t last = (base + (uintptr_t)hi) & ~((uintptr_t)page - 1);
    if (last > first)
        (void)madvise((void *)first, last - first, MADV_DONTNEED);
}

ff_status ff_reader_read_row_group(ff_reader *reader, int32_t row_group_idx, const int32_t *columns,
                                   int32_t num_columns, ff_batch *out, ff_error *err) {
    ff_status status = FF_OK;
    const ff_schema *schema = reader->schema;
    if (row_group_idx < 0 || row_group_idx >= reader->metadata.num_row_groups)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: no row group %d (the file has %d)",
                            reader->name, row_group_idx, reader->metadata.num_row_groups);
    if (!columns)
        num_columns = schema->num_leaves;
    if (num_columns < 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "negative column count");
    for (int32_t col_pos = 0; columns && col_pos < num_columns; col_pos++)
        if (columns[col_pos] < 0 || columns[col_pos] >= schema->num_leaves)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: no column %d (the file has %d)",
                                reader->name, columns[col_pos], schema->num_leaves);
    if (out->num_columns != num_columns) {
        ff_batch_free(out);
        FF_FORWARD_IF_ERROR(ff_batch_init(out, num_columns, err));
    }
    const ff_pq_row_group *rg = &reader->metadata.row_groups[row_group_idx];
    out->num_rows = 0;
    for (int32_t col_pos = 0; col_pos < num_columns; col_pos++) {
        int32_t column_idx = columns ? columns[col_pos] : col_pos;
        const ff_schema_node *leaf = schema->leaves[column_idx];
        ff_column_chunk_ref ref = {
            .file = reader->data,
            .data_end = reader->data_end,
            .chunk = &rg->columns[column_idx],
            .leaf = leaf,
            .num_rows = rg->num_rows,
            .verify_crc = reader->options.verify_crc,
            .max_bytes = reader->options.max_chunk_bytes,
        };
        status = ff_column_read_chunk(&ref, &reader->scratch, &out->columns[col_pos], err);
        if (status != FF_OK) {
            char path[256];
            ff_schema_node_path(leaf, path, sizeof path);
            ff_error_prefix(err, "%s: row group %d: column '%s'", reader->name, row_group_idx,
                            path);
            ff_batch_reset(out);
            return status;
        }
    }
    out->num_rows = rg->num_rows;
    release_chunks(reader, rg, columns, num_columns);
    return FF_OK;
}

/* ---- page index and bloom filters ---- */

/* Checks that [offset, offset + len) lies in the data section. */
static ff_status check_region(const ff_reader *reader, int64_t offset, int64_t len,
                              const char *what, ff_error *err) {
    int64_t end;
    if (offset < 4 || len < 0 || __builtin_add_overflow(offset, len, &end) ||
        (uint64_t)end > reader->data_end)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "%s at offset %lld of %lld bytes lies outside the data section", what,
                            (long long)offset, (long long)len);
    return FF_OK;
}

ff_status ff_reader_region(const ff_reader *reader, int64_t offset, int64_t len, const char *what,
                           const uint8_t **out, ff_error *err) {
    *out = NULL;
    FF_FORWARD_IF_ERROR(check_region(reader, offset, len, what, err));
    *out = reader->data + offset;
    return FF_OK;
}

bool ff_reader_has_type_order(const ff_reader *reader, int32_t column_idx) {
    const ff_pq_file_metadata *md = &reader->metadata;
    return column_idx >= 0 && column_idx < md->num_column_orders &&
           md->column_orders[column_idx].kind == 1;
}

ff_status ff_reader_read_column_index(const ff_reader *reader, int32_t row_group_idx,
                                      int32_t column_idx, ff_arena *arena, ff_pq_column_index *out,
                                      bool *present, ff_error *err) {
    *present = false;
    const ff_pq_column_chunk *chunk = ff_reader_column_chunk(reader, row_group_idx, column_idx);
    if (!chunk)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "no column %d in row group %d",
                            column_idx, row_group_idx);
    if (!chunk->has_column_index)
        return FF_OK;
    FF_FORWARD_IF_ERROR(check_region(reader, chunk->column_index_offset, chunk->column_index_length,
                                     "column index", err));
    FF_FORWARD_IF_ERROR(ff_thrift_decode_column_index(reader->data + chunk->column_index_offset,
                                                      (size_t)chunk->column_index_length, arena,
                                                      out, err));
    *present = true;
    return FF_OK;
}

ff_status ff_reader_read_offset_index(const ff_reader *reader, int32_t row_group_idx,
                                      int32_t column_idx, ff_arena *arena, ff_pq_offset_index *out,
                                      bool *present, ff_error *err) {
    *present = false;
    const ff_pq_column_chunk *chunk = ff_reader_column_chunk(reader, row_group_idx, column_idx);
    if (!chunk)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "no column %d in row group %d",
                            column_idx, row_group_idx);
    if (!chunk->has_offset_index)
        return FF_OK;
    FF_FORWARD_IF_ERROR(check_region(reader, chunk->offset_index_offset, chunk->offset_index_length,
                                     "offset index", err));
    FF_FORWARD_IF_ERROR(ff_thrift_decode_offset_index(reader->data + chunk->offset_index_offset,
                                                      (size_t)chunk->offset_index_length, arena,
                                                      out, err));
    *present = true;
    return FF_OK;
}

ff_status ff_reader_read_bloom_filter(const ff_reader *reader, int32_t row_group_idx,
                                      int32_t column_idx, ff_bloom_filter *out, bool *present,
                                      ff_error *err) {
    *present = false;
    const ff_pq_column_chunk *chunk = ff_reader_column_chunk(reader, row_group_idx, column_idx);
    if (!chunk)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "no column %d in row group %d",
                            column_idx, row_group_idx);
    const ff_pq_column_metadata *meta = &chunk->meta_data;
    if (!chunk->has_meta_data || !meta->has_bloom_filter_offset)
        return FF_OK;
    int64_t offset = meta->bloom_filter_offset;
    /* Without bloom_filter_length (older writers) the filter extends as far as its header
     * says, which is checked against the data section below. */
    int64_t region_len = meta->has_bloom_filter_length
                             ? meta->bloom_filter_length
                             : (offset >= 0 && (uint64_t)offset < reader->data_end
                                    ? (int64_t)reader->data_end - offset
                                    : 0);
    FF_FORWARD_IF_ERROR(check_region(reader, offset, region_len, "bloom filter", err));
    ff_cursor cur;
    ff_cursor_init(&cur, reader->data + offset, (size_t)region_len);
    ff_pq_bloom_filter_header header;
    memset(&header, 0, sizeof header);
    ff_status status = ff_thrift_decode_bloom_filter_header(&cur, &header, err);
    if (status != FF_OK)
        return ff_error_prefix(err, "bloom filter header");
    if (header.algorithm_kind != 1 || header.hash_kind != 1 || header.compression_kind != 1)
        return ff_error_set(err, FF_ERR_UNSUPPORTED,
                            "bloom filter with algorithm %d, hash %d, compression %d",
                            header.algorithm_kind, header.hash_kind, header.compression_kind);
    if (header.num_bytes <= 0 || header.num_bytes % 32 != 0 ||
        (size_t)header.num_bytes > ff_cursor_remaining(&cur))
        return ff_error_set(err, FF_ERR_CORRUPT, "bloom filter bitset of %d bytes is invalid",
                            header.num_bytes);
    out->bitset = cur.pos;
    out->num_bytes = (size_t)header.num_bytes;
    *present = true;
    return FF_OK;
}

bool ff_bloom_filter_might_contain(const ff_bloom_filter *filter, uint64_t hash) {
    /* BloomFilter.md: the upper 32 bits pick a block, the lower 32 bits set one bit in each
     * of its eight words through eight odd salts. */
    static const uint32_t salt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                     0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};
    uint64_t num_blocks = filter->num_bytes / 32;
    uint64_t block_idx = ((hash >> 32) * num_blocks) >> 32;
    const uint8_t *block = filter->bitset + block_idx * 32;
    uint32_t key = (uint32_t)hash;
    for (int word_idx = 0; word_idx < 8; word_idx++) {
        uint32_t mask = 1U << ((key * salt[word_idx]) >> 27);
        if (!(ff_load_le32(block + word_idx * 4) & mask))
            return false;
    }
    return true;
}

bool ff_bloom_filter_might_contain_value(const ff_bloom_filter *filter, const void *value,
                                         size_t len) {
    return ff_bloom_filter_might_contain(filter, ff_xxh64(value, len, 0));
}

/* ---- fingerprint ---- */

ff_status ff_reader_fingerprint(ff_reader *reader, uint64_t *fingerprint, int64_t *num_rows,
                                ff_error *err) {
    ff_status status = FF_OK;
    ff_row_cursor cursor;
    ff_batch batch = {0};
    ff_text_sink sink;
    uint64_t sum = 0;
    int64_t rows = 0;
    memset(&cursor, 0, sizeof cursor); /* so the one cleanup path can free it */
    ff_text_sink_init(&sink, FF_SINK_HASH, err);
    FF_CHECK_GOTO(status, ff_row_cursor_init(&cursor, reader->schema, NULL, -1, err), cleanup);
    for (int32_t rg_idx = 0; rg_idx < reader->metadata.num_row_groups; rg_idx++) {
        FF_CHECK_GOTO(status,
                      ff_reader_read_row_group(reader, rg_idx, cursor.leaf_columns,
                                               cursor.num_leaf_columns, &batch, err),
                      cleanup);
        FF_CHECK_GOTO(status, ff_row_cursor_bind(&cursor, &batch, err), cleanup);
        /* With no leaf columns at all, rows still exist and render as "[]". */
        for (int64_t row_idx = 0; row_idx < batch.num_rows; row_idx++) {
            ff_text_sink_reset(&sink);
            status = ff_row_cursor_render_row(&cursor, &sink, err);
            if (status != FF_OK) {
                ff_error_prefix(err, "%s: row group %d", reader->name, rg_idx);
                goto cleanup;
            }
            sum += ff_text_sink_hash(&sink);
        }
        rows += batch.num_rows;
    }
    *fingerprint = sum;
    if (num_rows)
        *num_rows = rows;
cleanup:
    ff_row_cursor_free(&cursor);
    ff_batch_free(&batch);
    ff_text_sink_free(&sink);
    return status;
}
