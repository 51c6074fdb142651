/* The Parquet file writer (include/fluxforge/writer.h): file layout, row groups and footer.
 *
 *   "PAR1"
 *   row group 0: column chunk 0 (dictionary page, data pages), chunk 1, ...
 *                bloom filters of row group 0 (BloomFilterHeader + bitset each)
 *   row group 1: ...
 *   ColumnIndex of every chunk that has one, row group by row group
 *   OffsetIndex of every chunk
 *   FileMetaData (Thrift compact), its length (4 bytes LE), "PAR1"
 *
 * Bloom filters go right after their row group, so a filter never waits in memory for the
 * whole file; the page index goes at the end, where parquet-format's PageIndex.md places it
 * and where readers look for it. Each column chunk is buffered by its column writer until the
 * row group is cut, then written in one piece. A row group can also take some of its chunks
 * from another file as encoded bytes (ff_writer_write_row_group_copy, chunk_copy.h). */
#include <fluxforge/writer.h>

#include "parquet/column/column_writer.h"
#include "parquet/file/chunk_copy.h"
#include "parquet/file/file_reader.h"
#include "parquet/column/page_writer.h"
#include "parquet/schema/schema.h"
#include "parquet/thrift/metadata.h"
#include "util/bytes.h"
#include "util/check.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FF_WRITER_CREATED_BY "fluxforge version 0.1.0"

/* Rows in the first piece of a row group, before a bytes-per-row estimate exists, and in any
 * piece: the row group byte limit is checked between pieces. */
#define FF_WRITER_FIRST_PIECE_ROWS 1024
#define FF_WRITER_MAX_PIECE_ROWS   65536

struct ff_writer {
    char *path;
    int fd;
    int64_t offset; /* bytes written */
    bool failed;
    bool closed;
    ff_schema *schema;
    ff_writer_options opts; /* borrowed pointers cleared */
    ff_page_scratch scratch;
    int32_t num_columns;
    ff_column_writer **columns;
    ff_arena md_arena; /* footer metadata: row groups, statistics, paths, key-values */
    ff_pq_key_value *key_values;
    int32_t num_key_values;
    ff_pq_row_group *row_groups;
    int32_t num_row_groups, row_groups_cap;
    int64_t rg_rows;    /* rows in the open row group */
    int64_t total_rows; /* rows in written row groups */
    ff_buf column_index_blob, offset_index_blob, bloom_buf, footer_buf;
};

void ff_writer_options_init(ff_writer_options *options) {
    memset(options, 0, sizeof *options);
    options->compression = FF_COMPRESSION_ZSTD;
    options->compression_level = -1;
    options->data_page_version = 1;
    options->row_group_bytes = (int64_t)128 * 1024 * 1024;
    options->row_group_rows = 1024 * 1024;
    options->page_bytes = 1024 * 1024;
    options->page_rows = 0;
    options->use_dictionary = true;
    options->dictionary_page_bytes = 1024 * 1024;
    options->write_statistics = true;
    options->write_page_index = true;
    options->write_page_crc = true;
    options->statistics_truncate_bytes = 64;
    options->bloom_filter_fpp = 0.01;
}

int64_t ff_writer_num_rows(const ff_writer *writer) {
    return writer->total_rows + writer->rg_rows;
}

int64_t ff_writer_bytes_written(const ff_writer *writer) {
    return writer->offset;
}

/* ---- file output ---- */

static ff_status write_all(ff_writer *w, const void *data, size_t len, ff_error *err) {
    const uint8_t *pos = data;
    while (len > 0) {
        ssize_t written = write(w->fd, pos, len);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            return ff_error_set(
                err, saved == ENOSPC || saved == EDQUOT ? FF_ERR_NO_SPACE : FF_ERR_IO,
                "write at offset %lld failed: %s", (long long)w->offset, strerror(saved));
        }
        pos += written;
        len -= (size_t)written;
        w->offset += written;
    }
    return FF_OK;
}

/* ---- options and schema ---- */

static ff_status check_options(const ff_writer_options *o, ff_error *err) {
    switch (o->compression) {
    case FF_COMPRESSION_UNCOMPRESSED:
    case FF_COMPRESSION_SNAPPY:
    case FF_COMPRESSION_GZIP:
    case FF_COMPRESSION_BROTLI:
    case FF_COMPRESSION_ZSTD:
    case FF_COMPRESSION_LZ4_RAW:
        break;
    default:
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "unsupported compression codec %d",
                            (int)o->compression);
    }
    if (o->data_page_version != 1 && o->data_page_version != 2)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "data page version %d is not 1 or 2",
                            o->data_page_version);
    if (o->value_encoding != FF_VALUE_ENCODING_AUTO && o->value_encoding != FF_VALUE_ENCODING_PLAIN)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "unknown value encoding choice %d",
                            (int)o->value_encoding);
    if (o->row_group_bytes <= 0 || o->row_group_rows <= 0 || o->page_bytes <= 0 ||
        o->page_rows < 0 || o->dictionary_page_bytes < 0 || o->statistics_truncate_bytes < 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "row group and page sizes must be positive");
    if (o->num_bloom_filter_columns > 0 &&
        !(o->bloom_filter_fpp > 0.0 && o->bloom_filter_fpp < 1.0))
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "bloom filter false-positive probability %g is not in (0, 1)",
                            o->bloom_filter_fpp);
    if (o->num_key_value_metadata < 0 || o->num_bloom_filter_columns < 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "negative list length");
    return FF_OK;
}

static bool optional_str_equal(const char *a, const char *b) {
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Two schema elements say the same thing: name, type, repetition, annotations, field id. */
static bool elements_equal(const ff_pq_schema_element *a, const ff_pq_schema_element *b) {
    if (!optional_str_equal(a->name, b->name) || a->has_type != b->has_type ||
        a->has_type_length != b->has_type_length ||
        a->has_repetition_type != b->has_repetition_type ||
        a->has_num_children != b->has_num_children ||
        a->has_converted_type != b->has_converted_type || a->has_scale != b->has_scale ||
        a->has_precision != b->has_precision || a->has_field_id != b->has_field_id ||
        a->has_logical_type != b->has_logical_type)
        return false;
    if ((a->has_type && a->type != b->type) ||
        (a->has_type_length && a->type_length != b->type_length) ||
        (a->has_repetition_type && a->repetition_type != b->repetition_type) ||
        (a->has_num_children && a->num_children != b->num_children) ||
        (a->has_converted_type && a->converted_type != b->converted_type) ||
        (a->has_scale && a->scale != b->scale) ||
        (a->has_precision && a->precision != b->precision) ||
        (a->has_field_id && a->field_id != b->field_id))
        return false;
    if (a->has_logical_type) {
        const ff_pq_logical_type *x = &a->logical_type, *y = &b->logical_type;
        if (x->kind != y->kind || x->unknown_field_id != y->unknown_field_id ||
            x->decimal_scale != y->decimal_scale || x->decimal_precision != y->decimal_precision ||
            x->time_is_adjusted_to_utc != y->time_is_adjusted_to_utc ||
            x->time_unit != y->time_unit || x->int_bit_width != y->int_bit_width ||
            x->int_is_signed != y->int_is_signed)
            return false;
    }
    return true;
}

static bool schemas_equal(const ff_schema *a, const ff_schema *b) {
    if (a->num_nodes != b->num_nodes)
        return false;
    for (int32_t node_idx = 1; node_idx < a->num_nodes; node_idx++)
        if (!elements_equal(&a->nodes[node_idx].element, &b->nodes[node_idx].element))
            return false;
    return true;
}

/* Key-value pairs that describe the schema: stale as soon as the schema changes. */
static bool key_describes_schema(const char *key) {
    static const char *const keys[] = {"ARROW:schema", "pandas",
                                       "org.apache.spark.sql.parquet.row.metadata"};
    for (size_t key_idx = 0; key_idx < sizeof keys / sizeof keys[0]; key_idx++)
        if (strcmp(key, keys[key_idx]) == 0)
            return true;
    return false;
}

static ff_status copy_key_values(ff_writer *w, const ff_writer_options *o, ff_error *err) {
    if (o->num_key_value_metadata == 0)
        return FF_OK;
    if (!o->key_value_metadata)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "key-value metadata list is NULL");
    bool keep_schema_keys =
        o->metadata_source_schema && schemas_equal(o->metadata_source_schema, w->schema);
    w->key_values = ff_arena_array(&w->md_arena, (size_t)o->num_key_value_metadata,
                                   sizeof(ff_pq_key_value), err);
    if (!w->key_values)
        return FF_ERR_NO_MEMORY;
    for (int32_t kv_idx = 0; kv_idx < o->num_key_value_metadata; kv_idx++) {
        const ff_key_value *kv = &o->key_value_metadata[kv_idx];
        if (!kv->key)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "key-value pair %d has no key",
                                kv_idx);
        if (!keep_schema_keys && key_describes_schema(kv->key))
            continue;
        ff_pq_key_value *dst = &w->key_values[w->num_key_values];
        dst->key = ff_arena_strndup(&w->md_arena, kv->key, strlen(kv->key), err);
        if (!dst->key)
            return FF_ERR_NO_MEMORY;
        if (kv->value) {
            size_t len = strlen(kv->value);
            char *value = ff_arena_strndup(&w->md_arena, kv->value, len, err);
            if (!value)
                return FF_ERR_NO_MEMORY;
            dst->has_value = true;
            dst->value.data = (const uint8_t *)value;
            dst->value.len = (int64_t)len;
        }
        w->num_key_values++;
    }
    return FF_OK;
}

/* Marks the leaves named by the bloom filter option: a leaf's dotted path or a top-level
 * field (all its leaves). */
static ff_status select_bloom_columns(const ff_schema *schema, const ff_writer_options *o,
                                      bool *selected, ff_error *err) {
    for (int32_t name_idx = 0; name_idx < o->num_bloom_filter_columns; name_idx++) {
        const char *name = o->bloom_filter_columns ? o->bloom_filter_columns[name_idx] : NULL;
        if (!name)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "bloom filter column %d is NULL",
                                name_idx);
        bool found = false;
        const ff_schema_node *top = ff_schema_find_top(schema, name);
        for (int32_t leaf_idx = 0; leaf_idx < schema->num_leaves; leaf_idx++) {
            char path[1024];
            ff_schema_node_path(schema->leaves[leaf_idx], path, sizeof path);
            bool under_top = top && leaf_idx >= top->first_leaf_idx &&
                             leaf_idx < top->first_leaf_idx + top->num_leaves;
            if (under_top || strcmp(path, name) == 0) {
                if (schema->leaves[leaf_idx]->type.physical == FF_PHYSICAL_BOOLEAN)
                    return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                        "bloom filter column '%s' is BOOLEAN", path);
                selected[leaf_idx] = true;
                found = true;
            }
        }
        if (!found)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "bloom filter column '%s' is not in the schema", name);
    }
    return FF_OK;
}

/* ---- open ---- */

ff_status ff_writer_open(const char *path, const ff_schema *schema,
                         const ff_writer_options *options, ff_writer **out, ff_error *err) {
    *out = NULL;
    ff_writer_options defaults;
    if (!options) {
        ff_writer_options_init(&defaults);
        options = &defaults;
    }
    ff_status status = check_options(options, err);
    if (status != FF_OK)
        return ff_error_prefix(err, "%s", path);
    if (!schema || schema->num_leaves == 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: schema has no columns", path);

    bool *bloom = NULL;
    ff_writer *w = ff_calloc(1, sizeof *w, "writer", err);
    if (!w)
        return FF_ERR_NO_MEMORY;
    w->fd = -1;
    ff_arena_init(&w->md_arena, 0);
    ff_buf_init(&w->column_index_blob, 0);
    ff_buf_init(&w->offset_index_blob, 0);
    ff_buf_init(&w->bloom_buf, 0);
    ff_buf_init(&w->footer_buf, 0);
    w->opts = *options;
    w->opts.bloom_filter_columns = NULL;
    w->opts.key_value_metadata = NULL;
    w->opts.metadata_source_schema = NULL;
    FF_CHECK_GOTO(status, ff_page_scratch_init(&w->scratch, err), fail);
    w->path = ff_strndup(path, strlen(path), err);
    if (!w->path) {
        status = FF_ERR_NO_MEMORY;
        goto fail;
    }
    FF_CHECK_GOTO(status, ff_schema_clone(schema, &w->schema, err), fail);
    FF_CHECK_GOTO(status, copy_key_values(w, options, err), fail);

    bloom = ff_calloc((size_t)w->schema->num_leaves, sizeof(bool), "bloom filter columns", err);
    if (!bloom) {
        status = FF_ERR_NO_MEMORY;
        goto fail;
    }
    FF_CHECK_GOTO(status, select_bloom_columns(w->schema, options, bloom, err), fail);

    ff_column_writer_options col_opts = {
        .codec = (int32_t)options->compression,
        .codec_level = options->compression_level,
        .page_version = options->data_page_version,
        .page_bytes = options->page_bytes,
        .page_rows = options->page_rows,
        .use_dictionary = options->use_dictionary,
        .dictionary_bytes = options->dictionary_page_bytes,
        .auto_value_encoding = options->value_encoding == FF_VALUE_ENCODING_AUTO,
        .write_statistics = options->write_statistics,
        .write_page_index = options->write_page_index,
        .write_page_crc = options->write_page_crc,
        .truncate_len = options->statistics_truncate_bytes,
        .bloom_fpp = options->bloom_filter_fpp,
    };
    w->num_columns = w->schema->num_leaves;
    w->columns =
        ff_calloc((size_t)w->num_columns, sizeof(ff_column_writer *), "column writers", err);
    if (!w->columns) {
        status = FF_ERR_NO_MEMORY;
        goto fail;
    }
    for (int32_t col_idx = 0; col_idx < w->num_columns; col_idx++) {
        col_opts.bloom_filter = bloom[col_idx];
        FF_CHECK_GOTO(status,
                      ff_column_writer_create(w->schema->leaves[col_idx], &col_opts, &w->scratch,
                                              &w->columns[col_idx], err),
                      fail);
    }

    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        int saved = errno;
        status = ff_error_set(err, saved == ENOSPC || saved == EDQUOT ? FF_ERR_NO_SPACE : FF_ERR_IO,
                              "cannot create: %s", strerror(saved));
        goto fail;
    }
    FF_CHECK_GOTO(status, write_all(w, "PAR1", 4, err), fail);
    free(bloom);
    *out = w;
    return FF_OK;
fail:
    free(bloom);
    ff_writer_free(w);
    return ff_error_prefix(err, "%s", path);
}

/* ---- row groups ---- */

static int64_t buffered_bytes(const ff_writer *w) {
    int64_t total = 0;
    for (int32_t col_idx = 0; col_idx < w->num_columns; col_idx++)
        total += ff_column_writer_buffered_bytes(w->columns[col_idx]);
    return total;
}

static ff_status copy_chunk(ff_writer *w, const ff_reader *source, int32_t row_group_idx,
                            int32_t col_idx, ff_pq_column_chunk *out, ff_error *err);
static ff_status copy_bloom_filter(ff_writer *w, const ff_reader *source, int32_t row_group_idx,
                                   int32_t col_idx, ff_pq_column_metadata *md, ff_error *err);

/* Writes a row group of num_rows rows: every chunk (copied from the source's row group
 * source_rg where copy[i] is set, from the column writers otherwise; copy may be NULL), then
 * the bloom filters; records its metadata. */
static ff_status write_row_group(ff_writer *w, int64_t num_rows, const ff_reader *source,
                                 int32_t source_rg, const bool *copy, ff_error *err) {
    if (w->num_row_groups == w->row_groups_cap) {
        int32_t new_cap = w->row_groups_cap ? w->row_groups_cap * 2 : 8;
        ff_pq_row_group *grown =
            ff_realloc(w->row_groups, (size_t)new_cap * sizeof *grown, "row groups", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        w->row_groups = grown;
        w->row_groups_cap = new_cap;
    }
    ff_pq_row_group *rg = &w->row_groups[w->num_row_groups];
    memset(rg, 0, sizeof *rg);
    rg->columns =
        ff_arena_array(&w->md_arena, (size_t)w->num_columns, sizeof(ff_pq_column_chunk), err);
    if (!rg->columns)
        return FF_ERR_NO_MEMORY;
    rg->num_columns = w->num_columns;
    rg->num_rows = num_rows;
    rg->has_file_offset = true;
    rg->file_offset = w->offset;
    ff_status status = FF_OK;
    int64_t uncompressed = 0, compressed = 0;
    int32_t col_idx = 0;
    for (col_idx = 0; col_idx < w->num_columns; col_idx++) {
        ff_pq_column_chunk *chunk = &rg->columns[col_idx];
        if (copy && copy[col_idx]) {
            FF_CHECK_GOTO(status, copy_chunk(w, source, source_rg, col_idx, chunk, err),
                          column_failed);
        } else {
            ff_column_writer *cw = w->columns[col_idx];
            const ff_buf *dict_page, *data_pages;
            int64_t chunk_offset = w->offset;
            FF_CHECK_GOTO(status, ff_column_writer_finish_chunk(cw, &dict_page, &data_pages, err),
                          column_failed);
            FF_CHECK_GOTO(status, write_all(w, dict_page->data, dict_page->len, err),
                          column_failed);
            FF_CHECK_GOTO(status, write_all(w, data_pages->data, data_pages->len, err),
                          column_failed);
            FF_CHECK_GOTO(status,
                          ff_column_writer_describe_chunk(cw, chunk_offset, &w->md_arena, chunk,
                                                          &w->column_index_blob,
                                                          &w->offset_index_blob, err),
                          column_failed);
        }
        uncompressed += chunk->meta_data.total_uncompressed_size;
        compressed += chunk->meta_data.total_compressed_size;
    }
    for (col_idx = 0; col_idx < w->num_columns; col_idx++) {
        ff_pq_column_metadata *md = &rg->columns[col_idx].meta_data;
        if (copy && copy[col_idx]) {
            FF_CHECK_GOTO(status, copy_bloom_filter(w, source, source_rg, col_idx, md, err),
                          column_failed);
            continue;
        }
        bool written = false;
        ff_buf_reset(&w->bloom_buf);
        FF_CHECK_GOTO(
            status,
            ff_column_writer_write_bloom_filter(w->columns[col_idx], &w->bloom_buf, &written, err),
            column_failed);
        if (!written)
            continue;
        md->has_bloom_filter_offset = md->has_bloom_filter_length = true;
        md->bloom_filter_offset = w->offset;
        md->bloom_filter_length = (int32_t)w->bloom_buf.len;
        FF_CHECK_GOTO(status, write_all(w, w->bloom_buf.data, w->bloom_buf.len, err),
                      column_failed);
    }
    for (col_idx = 0; col_idx < w->num_columns; col_idx++)
        if (!copy || !copy[col_idx])
            ff_column_writer_reset_chunk(w->columns[col_idx]);
    rg->total_byte_size = uncompressed;
    rg->has_total_compressed_size = true;
    rg->total_compressed_size = compressed;
    if (w->num_row_groups <= INT16_MAX) {
        rg->has_ordinal = true;
        rg->ordinal = (int16_t)w->num_row_groups;
    }
    w->num_row_groups++;
    w->total_rows += num_rows;
    return FF_OK;
column_failed:
    return ff_error_prefix(err, "row group %d: column '%s'", w->num_row_groups,
                           ff_column_writer_path(w->columns[col_idx]));
}

/* Writes the open row group, made of the rows ff_writer_write_batch buffered. */
static ff_status flush_row_group(ff_writer *w, ff_error *err) {
    if (w->rg_rows == 0)
        return FF_OK;
    FF_FORWARD_IF_ERROR(write_row_group(w, w->rg_rows, NULL, 0, NULL, err));
    w->rg_rows = 0;
    return FF_OK;
}

ff_status ff_writer_write_batch(ff_writer *w, const ff_batch *batch, ff_error *err) {
    if (w->failed || w->closed)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: writer is %s", w->path,
                            w->closed ? "closed" : "in a failed state");
    ff_status status = FF_OK;
    int32_t col_idx = 0;
    if (batch->num_columns != w->num_columns) {
        status = ff_error_set(err, FF_ERR_SCHEMA, "batch has %d columns, the schema %d leaves",
                              batch->num_columns, w->num_columns);
        goto fail;
    }
    if (batch->num_rows == 0)
        return FF_OK;
    for (col_idx = 0; col_idx < w->num_columns; col_idx++) {
        status = ff_column_writer_begin_batch(w->columns[col_idx], &batch->columns[col_idx],
                                              batch->num_rows, err);
        if (status != FF_OK) {
            ff_error_prefix(err, "column '%s'", ff_column_writer_path(w->columns[col_idx]));
            /* Nothing of this batch has been written yet: the writer stays usable. */
            return ff_error_prefix(err, "%s", w->path);
        }
    }
    int64_t row_pos = 0;
    while (row_pos < batch->num_rows) {
        int64_t piece = batch->num_rows - row_pos;
        if (piece > w->opts.row_group_rows - w->rg_rows)
            piece = w->opts.row_group_rows - w->rg_rows;
        if (w->rg_rows == 0) {
            if (piece > FF_WRITER_FIRST_PIECE_ROWS)
                piece = FF_WRITER_FIRST_PIECE_ROWS;
        } else {
            /* Aim at the byte limit from the row group's bytes per row so far. */
            int64_t buffered = buffered_bytes(w);
            int64_t per_row = buffered / w->rg_rows;
            if (per_row < 1)
                per_row = 1;
            int64_t fit = (w->opts.row_group_bytes - buffered) / per_row;
            if (fit < 1)
                fit = 1;
            if (piece > fit)
                piece = fit;
        }
        if (piece > FF_WRITER_MAX_PIECE_ROWS)
            piece = FF_WRITER_MAX_PIECE_ROWS;
        for (col_idx = 0; col_idx < w->num_columns; col_idx++) {
            status = ff_column_writer_write_rows(w->columns[col_idx], piece, err);
            if (status != FF_OK) {
                ff_error_prefix(err, "row group %d: column '%s'", w->num_row_groups,
                                ff_column_writer_path(w->columns[col_idx]));
                goto fail;
            }
        }
        w->rg_rows += piece;
        row_pos += piece;
        if (w->rg_rows >= w->opts.row_group_rows || buffered_bytes(w) >= w->opts.row_group_bytes) {
            status = flush_row_group(w, err);
            if (status != FF_OK)
                goto fail;
        }
    }
    return FF_OK;
fail:
    w->failed = true;
    return ff_error_prefix(err, "%s", w->path);
}

/* ---- row groups with copied chunks ---- */

bool ff_writer_can_copy_column(const ff_reader *source, int32_t row_group_idx, int32_t column_idx) {
    bool ok = false;
    ff_chunk_extent extent;
    ff_error ignored;
    return ff_chunk_check_copyable(source, row_group_idx, column_idx, &ok, &extent, &ignored) ==
               FF_OK &&
           ok;
}

static ff_status check_copy_schema(const ff_writer *w, const ff_schema *src, ff_error *err) {
    if (src->num_leaves != w->num_columns)
        return ff_error_set(err, FF_ERR_SCHEMA,
                            "source has %d columns where the file has %d; chunks cannot be copied",
                            src->num_leaves, w->num_columns);
    for (int32_t col_idx = 0; col_idx < w->num_columns; col_idx++) {
        const ff_schema_node *a = w->schema->leaves[col_idx], *b = src->leaves[col_idx];
        if (!elements_equal(&a->element, &b->element) || a->max_def != b->max_def ||
            a->max_rep != b->max_rep)
            return ff_error_set(err, FF_ERR_SCHEMA,
                                "column '%s' is described differently in the source; its chunks "
                                "cannot be copied",
                                ff_column_writer_path(w->columns[col_idx]));
    }
    return FF_OK;
}

/* Copies one chunk's bytes to the file and describes it in *out. */
static ff_status copy_chunk(ff_writer *w, const ff_reader *source, int32_t row_group_idx,
                            int32_t col_idx, ff_pq_column_chunk *out, ff_error *err) {
    bool ok = false;
    ff_chunk_extent extent;
    FF_FORWARD_IF_ERROR(ff_chunk_check_copyable(source, row_group_idx, col_idx, &ok, &extent, err));
    if (!ok)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "the source chunk cannot be copied as it is");
    const uint8_t *bytes = NULL;
    FF_FORWARD_IF_ERROR(
        ff_reader_region(source, extent.start, extent.len, "column chunk", &bytes, err));
    int64_t shift = w->offset - extent.start;
    const ff_pq_column_chunk *src = ff_reader_column_chunk(source, row_group_idx, col_idx);
    /* This file declares the type's order for every column; the source's value statistics
     * and ColumnIndex only follow it when the source said so too. */
    bool typed_order = ff_reader_has_type_order(source, col_idx);
    FF_FORWARD_IF_ERROR(ff_chunk_copy_metadata(src, shift, typed_order, &w->md_arena, out, err));
    FF_FORWARD_IF_ERROR(write_all(w, bytes, (size_t)extent.len, err));
    if (typed_order && src->has_column_index && src->column_index_length > 0) {
        const uint8_t *index = NULL;
        ff_error ignored;
        if (ff_reader_region(source, src->column_index_offset, src->column_index_length,
                             "column index", &index, &ignored) == FF_OK) {
            out->has_column_index = true;
            out->column_index_offset = (int64_t)w->column_index_blob.len;
            out->column_index_length = src->column_index_length;
            FF_FORWARD_IF_ERROR(
                ff_buf_append(&w->column_index_blob, index, (size_t)src->column_index_length, err));
        }
    }
    bool has_offset_index = false;
    int64_t blob_offset = 0;
    int32_t blob_len = 0;
    FF_FORWARD_IF_ERROR(ff_chunk_copy_offset_index(source, row_group_idx, col_idx, shift,
                                                   &w->offset_index_blob, &has_offset_index,
                                                   &blob_offset, &blob_len, err));
    if (has_offset_index) {
        out->has_offset_index = true;
        out->offset_index_offset = blob_offset;
        out->offset_index_length = blob_len;
    }
    return FF_OK;
}

/* Copies a chunk's bloom filter (header and bitset) after the row group's chunks. */
static ff_status copy_bloom_filter(ff_writer *w, const ff_reader *source, int32_t row_group_idx,
                                   int32_t col_idx, ff_pq_column_metadata *md, ff_error *err) {
    const ff_pq_column_chunk *src = ff_reader_column_chunk(source, row_group_idx, col_idx);
    if (!src->meta_data.has_bloom_filter_offset)
        return FF_OK;
    ff_bloom_filter filter;
    bool present = false;
    ff_error ignored;
    const uint8_t *start = NULL;
    /* A filter this reader cannot use is left out, which only costs readers a lookup. */
    if (ff_reader_read_bloom_filter(source, row_group_idx, col_idx, &filter, &present, &ignored) !=
            FF_OK ||
        !present ||
        ff_reader_region(source, src->meta_data.bloom_filter_offset, 0, "bloom filter", &start,
                         &ignored) != FF_OK)
        return FF_OK;
    size_t len = (size_t)(filter.bitset - start) + filter.num_bytes;
    if (len > INT32_MAX)
        return FF_OK;
    md->has_bloom_filter_offset = md->has_bloom_filter_length = true;
    md->bloom_filter_offset = w->offset;
    md->bloom_filter_length = (int32_t)len;
    return write_all(w, start, len, err);
}

ff_status ff_writer_write_row_group_copy(ff_writer *w, const ff_reader *source,
                                         int32_t row_group_idx, const bool *copy,
                                         const ff_batch *batch, ff_error *err) {
    if (w->failed || w->closed)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: writer is %s", w->path,
                            w->closed ? "closed" : "in a failed state");
    ff_status status = FF_OK;
    int32_t col_idx = 0;
    int64_t num_rows = ff_reader_row_group_num_rows(source, row_group_idx);
    bool encodes = false;
    for (col_idx = 0; col_idx < w->num_columns; col_idx++)
        encodes |= !copy[col_idx];
    if (row_group_idx < 0 || row_group_idx >= ff_reader_num_row_groups(source) || num_rows < 0) {
        status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "no row group %d in %s", row_group_idx,
                              ff_reader_name(source));
        return ff_error_prefix(err, "%s", w->path);
    }
    status = check_copy_schema(w, ff_reader_schema(source), err);
    if (status == FF_OK && encodes &&
        (!batch || batch->num_columns != w->num_columns || batch->num_rows != num_rows))
        status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                              "the batch does not hold the %lld rows of row group %d of %s",
                              (long long)num_rows, row_group_idx, ff_reader_name(source));
    if (status != FF_OK)
        return ff_error_prefix(err, "%s", w->path);
    if (num_rows == 0)
        return FF_OK;
    FF_CHECK_GOTO(status, flush_row_group(w, err), fail);
    for (col_idx = 0; col_idx < w->num_columns; col_idx++) {
        if (copy[col_idx])
            continue;
        status = ff_column_writer_begin_batch(w->columns[col_idx], &batch->columns[col_idx],
                                              num_rows, err);
        if (status != FF_OK) {
            /* Nothing of this row group has been written yet: the writer stays usable. */
            ff_error_prefix(err, "column '%s'", ff_column_writer_path(w->columns[col_idx]));
            return ff_error_prefix(err, "%s", w->path);
        }
    }
    for (int64_t row_pos = 0; row_pos < num_rows;) {
        int64_t piece = num_rows - row_pos;
        if (piece > FF_WRITER_MAX_PIECE_ROWS)
            piece = FF_WRITER_MAX_PIECE_ROWS;
        for (col_idx = 0; col_idx < w->num_columns; col_idx++) {
            if (copy[col_idx])
                continue;
            status = ff_column_writer_write_rows(w->columns[col_idx], piece, err);
            if (status != FF_OK) {
                ff_error_prefix(err, "row group %d: column '%s'", w->num_row_groups,
                                ff_column_writer_path(w->columns[col_idx]));
                goto fail;
            }
        }
        row_pos += piece;
    }
    FF_CHECK_GOTO(status, write_row_group(w, num_rows, source, row_group_idx, copy, err), fail);
    return FF_OK;
fail:
    w->failed = true;
    return ff_error_prefix(err, "%s", w->path);
}

/* ---- footer ---- */

static ff_status write_footer(ff_writer *w, ff_error *err) {
    /* The page index: all ColumnIndexes, then all OffsetIndexes; chunk offsets so far are
     * relative to the blobs. */
    int64_t column_index_base = w->offset;
    FF_FORWARD_IF_ERROR(write_all(w, w->column_index_blob.data, w->column_index_blob.len, err));
    int64_t offset_index_base = w->offset;
    FF_FORWARD_IF_ERROR(write_all(w, w->offset_index_blob.data, w->offset_index_blob.len, err));
    for (int32_t rg_idx = 0; rg_idx < w->num_row_groups; rg_idx++) {
        for (int32_t col_idx = 0; col_idx < w->num_columns; col_idx++) {
            ff_pq_column_chunk *chunk = &w->row_groups[rg_idx].columns[col_idx];
            if (chunk->has_column_index)
                chunk->column_index_offset += column_index_base;
            if (chunk->has_offset_index)
                chunk->offset_index_offset += offset_index_base;
        }
    }

    ff_pq_file_metadata md;
    memset(&md, 0, sizeof md);
    md.version = w->opts.data_page_version == 2 ? 2 : 1;
    FF_FORWARD_IF_ERROR(
        ff_schema_to_thrift(w->schema, &w->md_arena, &md.schema, &md.num_schema, err));
    md.num_rows = w->total_rows;
    md.num_row_groups = w->num_row_groups;
    md.row_groups = w->row_groups;
    md.num_key_value_metadata = w->num_key_values;
    md.key_value_metadata = w->key_values;
    md.created_by = FF_WRITER_CREATED_BY;
    /* TYPE_DEFINED_ORDER for every column: the min_value/max_value written follow it. */
    md.column_orders =
        ff_arena_array(&w->md_arena, (size_t)w->num_columns, sizeof(ff_pq_column_order), err);
    if (!md.column_orders)
        return FF_ERR_NO_MEMORY;
    md.num_column_orders = w->num_columns;
    for (int32_t col_idx = 0; col_idx < w->num_columns; col_idx++)
        md.column_orders[col_idx].kind = 1;

    ff_buf_reset(&w->footer_buf);
    FF_FORWARD_IF_ERROR(ff_thrift_encode_file_metadata(&md, &w->footer_buf, err));
    if (w->footer_buf.len > UINT32_MAX)
        return ff_error_set(err, FF_ERR_LIMIT, "footer of %zu bytes is too large",
                            w->footer_buf.len);
    uint8_t tail[8];
    ff_store_le32(tail, (uint32_t)w->footer_buf.len);
    memcpy(tail + 4, "PAR1", 4);
    FF_FORWARD_IF_ERROR(write_all(w, w->footer_buf.data, w->footer_buf.len, err));
    return write_all(w, tail, sizeof tail, err);
}

ff_status ff_writer_close(ff_writer *w, ff_error *err) {
    if (w->failed || w->closed)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: writer is %s", w->path,
                            w->closed ? "closed" : "in a failed state");
    ff_status status = flush_row_group(w, err);
    if (status == FF_OK)
        status = write_footer(w, err);
    if (status == FF_OK) {
        int fd = w->fd;
        w->fd = -1;
        if (close(fd) != 0) {
            int saved = errno;
            status =
                ff_error_set(err, saved == ENOSPC || saved == EDQUOT ? FF_ERR_NO_SPACE : FF_ERR_IO,
                             "close failed: %s", strerror(saved));
        }
    }
    if (status != FF_OK) {
        w->failed = true;
        return ff_error_prefix(err, "%s", w->path);
    }
    w->closed = true;
    return FF_OK;
}

void ff_writer_free(ff_writer *w) {
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->columns)
        for (int32_t col_idx = 0; col_idx < w->num_columns; col_idx++)
            ff_column_writer_free(w->columns[col_idx]);
    free(w->columns);
    ff_schema_free(w->schema);
    ff_page_scratch_free(&w->scratch);
    ff_arena_free(&w->md_arena);
    free(w->row_groups);
    ff_buf_free(&w->column_index_blob);
    ff_buf_free(&w->offset_index_blob);
    ff_buf_free(&w->bloom_buf);
    ff_buf_free(&w->footer_buf);
    free(w->path);
    free(w);
}
