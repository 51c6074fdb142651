/* Column chunk writer (see column_writer.h): levels, values, dictionary with fallback,
 * statistics, page index and bloom filter of one leaf column.
 *
 * Work is done a mini-batch at a time (at most FF_MINI_BATCH_ROWS rows): the mini-batch's
 * levels are appended to the open page, its non-null values are viewed densely (the batch's
 * own memory when there are no nulls; gathered otherwise), and that dense run goes through
 * the statistics loop, the dictionary or the PLAIN append, and the bloom filter hash set. The
 * page-size check runs between mini-batches, never per value. */
#include "parquet/column/column_writer.h"

#include "parquet/column/bloom_filter.h"
#include "parquet/column/column_values.h"
#include "parquet/column/dictionary_builder.h"
#include "parquet/column/page_index.h"
#include "parquet/column/statistics.h"
#include "parquet/encoding/encoding.h"
#include "util/bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows handled between two page-size checks: small enough that a page overshoots its target
 * by little, large enough that the per-mini-batch work is negligible. */
#define FF_MINI_BATCH_ROWS 1024

/* The dictionary is judged once per chunk, after this many values (or at the first page,
 * whichever comes first): it stays only when at most 1 in FF_DICT_MAX_DISTINCT_SHARE values
 * is distinct. With more distinct values, general-purpose compression of PLAIN values beats
 * bit-packed indices plus a dictionary page (measured on the trades data: prices with 40 %
 * distinct values come out 10-25 % smaller as PLAIN under ZSTD); DuckDB draws its line at
 * 10 % of a row group. */
#define FF_DICT_PROBE_VALUES       16384
#define FF_DICT_MAX_DISTINCT_SHARE 5
/* An earlier look, after the first mini-batch: when over half of the values seen so far are
 * distinct, the share at FF_DICT_PROBE_VALUES is all but certain to fail the test too, and
 * hashing the 15,000 values in between is the writer's largest cost on such columns
 * (measurements, prices, ids). */
#define FF_DICT_EARLY_VALUES 1024

/* The value encoding of a chunk's pages without dictionary is chosen once, on the first such
 * page: its first FF_ENCODING_SAMPLE_BYTES of PLAIN values are encoded the alternative way
 * (DELTA_BINARY_PACKED for integers, BYTE_STREAM_SPLIT for floats), both are compressed with
 * the chunk's codec, and the alternative is taken when it saves at least
 * 1/FF_ENCODING_MIN_SAVING. Calibrated on DuckDB-written trades of eight products (chunks of
 * 25,000 to 90,000 values), compressed size alternative / PLAIN with ZSTD 3, 16 KiB sample
 * and whole chunk:
 *   trade_id    INT64, +1 steps                 0.015        0.0003-0.0013   DELTA
 *   time        INT64 microseconds, rising      0.75-0.83    0.75-0.83       DELTA
 *   size        DOUBLE, 8 random digits         0.93-0.96    0.90-0.94       BYTE_STREAM_SPLIT
 *   spread_bps  DOUBLE, computed (BTC, ETH)     0.95-0.97    0.91-0.94       BYTE_STREAM_SPLIT
 *   price, bid, ask, mid: DOUBLE on a cent grid 1.31-3.65    1.25-4.0        PLAIN
 * A cent grid leaves a double's low-order mantissa bytes only a hundred patterns, which ZSTD
 * matches whole in PLAIN values but BYTE_STREAM_SPLIT scatters over five streams; random
 * digits have no such patterns, and splitting off the sign, exponent and leading mantissa
 * bytes lets them compress. The sample errs towards 1 (it is small), hence the small margin;
 * it costs two compressions of 16 KiB per chunk. */
#define FF_ENCODING_SAMPLE_BYTES (16 * 1024)
#define FF_ENCODING_MIN_SAVING   64

struct ff_column_writer {
    const ff_schema_node *leaf;
    ff_type type;
    int32_t width; /* bytes per value, 0 for BYTE_ARRAY */
    int16_t max_def, max_rep;
    int def_bit_width, rep_bit_width;
    ff_column_writer_options opts;
    ff_page_scratch *scratch;
    char path[256];

    /* The batch being written. */
    const ff_vector *vec;
    bool is_nested;
    int64_t batch_rows, row_pos, level_pos, value_pos;

    /* The open page. */
    int16_t *page_def, *page_rep;
    size_t levels_cap;
    int64_t page_levels; /* level entries == values including nulls */
    /* While true, every definition level of the open page is max_def and page_def is not
     * filled: the common no-null page costs no level array and encodes as one RLE run. */
    bool page_def_uniform;
    uint32_t *page_indices;
    size_t indices_cap;
    int64_t page_num_indices;
    ff_buf page_values; /* PLAIN bytes; BOOLEAN one byte per value until the flush packs them */
    int64_t page_num_values; /* non-null values */
    int64_t page_rows;
    int64_t page_plain_bytes; /* PLAIN size of the page's values, whatever the encoding */
    ff_stats page_stats;
    ff_arena page_arena; /* the page header's statistics bytes */

    /* Dense views of a mini-batch with nulls. */
    uint8_t *gather;
    size_t gather_cap;
    ff_span *spans;
    size_t spans_cap;

    /* Statistics over the dictionary entries a mini-batch uses (stats_from_indices). */
    uint8_t *seen; /* per entry, 1 while it is in `touched` */
    size_t seen_cap;
    uint32_t *touched;
    size_t touched_cap;
    ff_span *entry_spans;
    size_t entry_spans_cap;
    uint8_t *entry_values;
    size_t entry_values_cap;

    /* The open chunk. */
    bool dict_mode;
    bool has_dict_pages; /* a data page referring to the dictionary has been flushed */
    bool dict_judged;    /* the distinct-share test has run for this chunk */
    int64_t dict_values; /* values mapped through the dictionary in this chunk */
    ff_dict_builder dict;
    ff_buf data_pages;
    ff_buf dict_page;
    int64_t chunk_levels, chunk_rows;
    int64_t data_uncompressed, data_compressed; /* page headers included */
    int64_t dict_uncompressed, dict_compressed;
    /* FF_ENC_PLAIN, FF_ENC_DELTA_BINARY_PACKED or FF_ENC_BYTE_STREAM_SPLIT for the chunk's
     * pages with values but no dictionary; -1 until the first such page is flushed. */
    int32_t value_encoding;
    /* Data pages by value encoding (pages without values count as PLAIN). */
    int32_t num_plain_pages, num_dict_data_pages, num_delta_pages, num_split_pages;
    ff_stats chunk_stats;
    ff_page_index_builder page_index;
    ff_hash_set bloom_set;
};

const char *ff_column_writer_path(const ff_column_writer *cw) {
    return cw->path;
}

void ff_column_writer_reset_chunk(ff_column_writer *cw) {
    cw->dict_mode = cw->opts.use_dictionary && cw->type.physical != FF_PHYSICAL_BOOLEAN;
    cw->has_dict_pages = false;
    cw->dict_judged = false;
    cw->dict_values = 0;
    ff_dict_builder_reset(&cw->dict);
    ff_buf_reset(&cw->data_pages);
    ff_buf_reset(&cw->dict_page);
    cw->chunk_levels = cw->chunk_rows = 0;
    cw->data_uncompressed = cw->data_compressed = 0;
    cw->dict_uncompressed = cw->dict_compressed = 0;
    cw->value_encoding = -1;
    cw->num_plain_pages = cw->num_dict_data_pages = cw->num_delta_pages = cw->num_split_pages = 0;
    ff_stats_reset(&cw->chunk_stats);
    ff_page_index_reset(&cw->page_index);
    ff_hash_set_clear(&cw->bloom_set);
}

ff_status ff_column_writer_create(const ff_schema_node *leaf, const ff_column_writer_options *opts,
                                  ff_page_scratch *scratch, ff_column_writer **out, ff_error *err) {
    *out = NULL;
    ff_column_writer *cw = ff_calloc(1, sizeof *cw, "column writer", err);
    if (!cw)
        return FF_ERR_NO_MEMORY;
    cw->leaf = leaf;
    cw->type = leaf->type;
    cw->width = ff_type_value_width(&leaf->type);
    cw->max_def = leaf->max_def;
    cw->max_rep = leaf->max_rep;
    cw->def_bit_width = ff_bit_width_u64((uint64_t)leaf->max_def);
    cw->rep_bit_width = ff_bit_width_u64((uint64_t)leaf->max_rep);
    cw->opts = *opts;
    cw->scratch = scratch;
    ff_schema_node_path(leaf, cw->path, sizeof cw->path);
    ff_buf_init(&cw->page_values, 0);
    ff_stats_init(&cw->page_stats, &leaf->type);
    ff_arena_init(&cw->page_arena, 0);
    ff_dict_builder_init(&cw->dict, &leaf->type);
    ff_buf_init(&cw->data_pages, 0);
    ff_buf_init(&cw->dict_page, 0);
    ff_stats_init(&cw->chunk_stats, &leaf->type);
    if (opts->truncate_len > 0)
        cw->page_stats.keep_len = cw->chunk_stats.keep_len = opts->truncate_len + 1;
    ff_page_index_init(&cw->page_index);
    ff_hash_set_init(&cw->bloom_set);
    ff_column_writer_reset_chunk(cw);
    cw->page_def_uniform = true;
    *out = cw;
    return FF_OK;
}

void ff_column_writer_free(ff_column_writer *cw) {
    if (!cw)
        return;
    free(cw->page_def);
    free(cw->page_rep);
    free(cw->page_indices);
    ff_buf_free(&cw->page_values);
    ff_stats_free(&cw->page_stats);
    ff_arena_free(&cw->page_arena);
    free(cw->gather);
    free(cw->spans);
    free(cw->seen);
    free(cw->touched);
    free(cw->entry_spans);
    free(cw->entry_values);
    ff_dict_builder_free(&cw->dict);
    ff_buf_free(&cw->data_pages);
    ff_buf_free(&cw->dict_page);
    ff_stats_free(&cw->chunk_stats);
    ff_page_index_free(&cw->page_index);
    ff_hash_set_free(&cw->bloom_set);
    free(cw);
}

/* Grows *array to hold at least `needed` elements, doubling. */
static ff_status grow(void **array, size_t *cap, size_t needed, size_t elem_size, const char *what,
                      ff_error *err) {
    if (needed <= *cap)
        return FF_OK;
    size_t new_cap = *cap ? *cap : 1024;
    while (new_cap < needed)
        new_cap *= 2;
    size_t bytes;
    if (!ff_size_mul(new_cap, elem_size, &bytes))
        return ff_error_set(err, FF_ERR_LIMIT, "%s: %zu entries are too many", what, needed);
    void *grown = ff_realloc(*array, bytes, what, err);
    if (!grown)
        return FF_ERR_NO_MEMORY;
    *array = grown;
    *cap = new_cap;
    return FF_OK;
}

static ff_status reserve_levels(ff_column_writer *cw, int64_t additional, ff_error *err) {
    size_t needed = (size_t)(cw->page_levels + additional);
    size_t cap = cw->levels_cap;
    ff_status status = FF_OK;
    if (cw->max_def > 0)
        status =
            grow((void **)&cw->page_def, &cap, needed, sizeof(int16_t), "definition levels", err);
    if (status == FF_OK && cw->max_rep > 0) {
        cap = cw->levels_cap;
        status =
            grow((void **)&cw->page_rep, &cap, needed, sizeof(int16_t), "repetition levels", err);
    }
    if (status == FF_OK && cap > cw->levels_cap)
        cw->levels_cap = cap;
    return status;
}

/* Writes out the definition levels a uniform page has so far, before a level that differs. */
static void materialize_def_levels(ff_column_writer *cw) {
    if (!cw->page_def_uniform)
        return;
    for (int64_t i = 0; i < cw->page_levels; i++)
        cw->page_def[i] = cw->max_def;
    cw->page_def_uniform = false;
}

/* ---- batch validation ---- */

ff_status ff_column_writer_begin_batch(ff_column_writer *cw, const ff_vector *vec, int64_t num_rows,
                                       ff_error *err) {
    cw->vec = vec;
    cw->batch_rows = num_rows;
    cw->row_pos = cw->level_pos = cw->value_pos = 0;
    if (vec->type.physical != cw->type.physical ||
        (cw->type.physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY &&
         vec->type.type_length != cw->type.type_length))
        return ff_error_set(err, FF_ERR_SCHEMA,
                            "vector has physical type %d (length %d), the column %d (length %d)",
                            (int)vec->type.physical, (int)vec->type.type_length,
                            (int)cw->type.physical, (int)cw->type.type_length);
    if (vec->length < 0 ||
        (vec->length > 0 && !vec->values && vec->type.physical != FF_PHYSICAL_BYTE_ARRAY) ||
        (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY && vec->length > 0 && !vec->offsets))
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "vector of %lld values has no buffers",
                            (long long)vec->length);
    cw->is_nested = vec->def_levels != NULL || vec->rep_levels != NULL;
    if (!cw->is_nested) {
        if (cw->max_rep > 0)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "repeated column needs repetition and definition levels");
        if (vec->length != num_rows)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "vector has %lld slots for a batch of %lld rows",
                                (long long)vec->length, (long long)num_rows);
        return FF_OK;
    }
    if (!vec->def_levels && cw->max_def > 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "nested vector lacks definition levels");
    if (cw->max_rep > 0 && !vec->rep_levels)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "nested vector lacks repetition levels");
    /* One pass over the levels: in range, rows and present values add up. */
    int64_t rows = 0, present = 0;
    for (int64_t level_idx = 0; level_idx < vec->num_levels; level_idx++) {
        int16_t def = vec->def_levels ? vec->def_levels[level_idx] : 0;
        int16_t rep = cw->max_rep > 0 ? vec->rep_levels[level_idx] : 0;
        if (def < 0 || def > cw->max_def || rep < 0 || rep > cw->max_rep)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "level %lld: definition %d / repetition %d outside 0..%d / 0..%d",
                                (long long)level_idx, def, rep, cw->max_def, cw->max_rep);
        if (level_idx == 0 && rep != 0)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "first repetition level is %d, not 0",
                                rep);
        rows += rep == 0;
        present += def == cw->max_def;
    }
    if (rows != num_rows || present != vec->length)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "levels describe %lld rows and %lld values; the batch has %lld rows "
                            "and the vector %lld values",
                            (long long)rows, (long long)present, (long long)num_rows,
                            (long long)vec->length);
    return FF_OK;
}

/* ---- dense views ---- */

/* Spans for the BYTE_ARRAY values at slots (or dense positions) [first, first + n), skipping
 * nulls when `validity` is given. Offsets are checked, since a bad one would read outside
 * the batch. */
static ff_status build_spans(ff_column_writer *cw, const uint8_t *validity, int64_t first,
                             int64_t n, int64_t num_valid, int64_t *plain_bytes, ff_error *err) {
    ff_status status = grow((void **)&cw->spans, &cw->spans_cap, (size_t)num_valid + 1,
                            sizeof(ff_span), "string spans", err);
    if (status != FF_OK)
        return status;
    const ff_vector *vec = cw->vec;
    const int64_t *offsets = vec->offsets;
    int64_t out_idx = 0, bytes = 0;
    for (int64_t i = first; i < first + n; i++) {
        if (validity && !ff_bitmap_get(validity, i))
            continue;
        int64_t start = offsets[i], len = offsets[i + 1] - offsets[i];
        if (start < 0 || len < 0 || (uint64_t)(start + len) > vec->values_len || len > INT32_MAX)
            return ff_error_set(
                err, FF_ERR_INVALID_ARGUMENT,
                "value %lld: offsets %lld..%lld outside the %zu bytes of the vector "
                "or longer than 2 GiB",
                (long long)i, (long long)start, (long long)(start + len), vec->values_len);
        cw->spans[out_idx].data = vec->values + start;
        cw->spans[out_idx].len = (uint32_t)len;
        bytes += 4 + len;
        out_idx++;
    }
    *plain_bytes = bytes;
    return FF_OK;
}

/* Gathers the valid fixed-width slots of [first, first + n) into the gather buffer. */
static ff_status gather_fixed(ff_column_writer *cw, int64_t first, int64_t n, int64_t num_valid,
                              ff_error *err) {
    size_t width = (size_t)cw->width;
    ff_status status = grow((void **)&cw->gather, &cw->gather_cap, (size_t)num_valid * width + 1, 1,
                            "gather", err);
    if (status != FF_OK)
        return status;
    const uint8_t *validity = cw->vec->validity;
    const uint8_t *src = cw->vec->values;
    uint8_t *dst = cw->gather;
    switch (width) {
    case 4:
        for (int64_t i = first; i < first + n; i++)
            if (ff_bitmap_get(validity, i)) {
                memcpy(dst, src + (size_t)i * 4, 4);
                dst += 4;
            }
        break;
    case 8:
        for (int64_t i = first; i < first + n; i++)
            if (ff_bitmap_get(validity, i)) {
                memcpy(dst, src + (size_t)i * 8, 8);
                dst += 8;
            }
        break;
    default:
        for (int64_t i = first; i < first + n; i++)
            if (ff_bitmap_get(validity, i)) {
                memcpy(dst, src + (size_t)i * width, width);
                dst += width;
            }
        break;
    }
    return FF_OK;
}

/* ---- values ---- */

static ff_status append_plain(ff_column_writer *cw, const ff_dense_values *vals, ff_error *err) {
    if (vals->count == 0)
        return FF_OK;
    if (!vals->spans) {
        size_t bytes = (size_t)vals->count * (size_t)vals->width;
        if (cw->type.physical != FF_PHYSICAL_BOOLEAN)
            return ff_buf_append(&cw->page_values, vals->fixed, bytes, err);
        ff_status status = ff_buf_reserve(&cw->page_values, bytes, err);
        if (status != FF_OK)
            return status;
        uint8_t *dst = cw->page_values.data + cw->page_values.len;
        for (int64_t i = 0; i < vals->count; i++)
            dst[i] = vals->fixed[i] != 0;
        cw->page_values.len += bytes;
        return FF_OK;
    }
    size_t bytes = 0;
    for (int64_t i = 0; i < vals->count; i++)
        bytes += 4 + (size_t)vals->spans[i].len;
    ff_status status = ff_buf_reserve(&cw->page_values, bytes, err);
    if (status != FF_OK)
        return status;
    uint8_t *dst = cw->page_values.data + cw->page_values.len;
    for (int64_t i = 0; i < vals->count; i++) {
        ff_store_le32(dst, vals->spans[i].len);
        if (vals->spans[i].len)
            memcpy(dst + 4, vals->spans[i].data, vals->spans[i].len);
        dst += 4 + vals->spans[i].len;
    }
    cw->page_values.len += bytes;
    return FF_OK;
}

static int dict_index_bit_width(const ff_column_writer *cw) {
    int bit_width = ff_bit_width_u64((uint64_t)(cw->dict.num_entries - 1));
    /* Width 0 (a one-entry dictionary) is legal but not every reader accepts it. */
    return bit_width < 1 ? 1 : bit_width;
}

/* Leaves dictionary encoding for the rest of the chunk: the open page's indices become PLAIN
 * values. When no page has used the dictionary yet it is dropped, so the chunk gets no
 * dictionary page. */
static ff_status fall_back_to_plain(ff_column_writer *cw, ff_error *err) {
    size_t bytes = 0;
    for (int64_t i = 0; i < cw->page_num_indices; i++) {
        size_t len;
        ff_dict_builder_value(&cw->dict, cw->page_indices[i], &len);
        bytes += len + (cw->width ? 0 : 4);
    }
    ff_status status = ff_buf_reserve(&cw->page_values, bytes, err);
    if (status != FF_OK)
        return status;
    uint8_t *dst = cw->page_values.data + cw->page_values.len;
    for (int64_t i = 0; i < cw->page_num_indices; i++) {
        size_t len;
        const uint8_t *value = ff_dict_builder_value(&cw->dict, cw->page_indices[i], &len);
        if (!cw->width) {
            ff_store_le32(dst, (uint32_t)len);
            dst += 4;
        }
        if (len)
            memcpy(dst, value, len);
        dst += len;
    }
    cw->page_values.len += bytes;
    cw->page_num_indices = 0;
    cw->dict_mode = false;
    if (!cw->has_dict_pages)
        ff_dict_builder_reset(&cw->dict);
    return FF_OK;
}

/* Byte-string statistics of dictionary-encoded values: each distinct entry a run of indices
 * uses is compared once, rather than every value (strings compare through memcmp, and a
 * dictionary column repeats its few values many times). */
static ff_status stats_from_indices(ff_column_writer *cw, const uint32_t *indices, int64_t n,
                                    ff_error *err) {
    size_t num_entries = (size_t)cw->dict.num_entries;
    if (num_entries > cw->seen_cap) {
        size_t old_cap = cw->seen_cap;
        ff_status status =
            grow((void **)&cw->seen, &cw->seen_cap, num_entries, 1, "dictionary entry marks", err);
        if (status != FF_OK)
            return status;
        memset(cw->seen + old_cap, 0, cw->seen_cap - old_cap);
    }
    ff_status status = grow((void **)&cw->touched, &cw->touched_cap, (size_t)n, sizeof(uint32_t),
                            "dictionary entries in use", err);
    if (status != FF_OK)
        return status;
    int64_t num_touched = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t idx = indices[i];
        if (!cw->seen[idx]) {
            cw->seen[idx] = 1;
            cw->touched[num_touched++] = idx;
        }
    }
    ff_dense_values distinct = {.count = num_touched, .width = cw->width};
    if (cw->width == 0) {
        status = grow((void **)&cw->entry_spans, &cw->entry_spans_cap, (size_t)num_touched,
                      sizeof(ff_span), "dictionary entry spans", err);
        for (int64_t k = 0; status == FF_OK && k < num_touched; k++) {
            size_t len;
            cw->entry_spans[k].data = ff_dict_builder_value(&cw->dict, cw->touched[k], &len);
            cw->entry_spans[k].len = (uint32_t)len;
        }
        distinct.spans = cw->entry_spans;
    } else {
        status = grow((void **)&cw->entry_values, &cw->entry_values_cap,
                      (size_t)num_touched * (size_t)cw->width, 1, "dictionary entry values", err);
        for (int64_t k = 0; status == FF_OK && k < num_touched; k++) {
            size_t len;
            const uint8_t *value = ff_dict_builder_value(&cw->dict, cw->touched[k], &len);
            memcpy(cw->entry_values + (size_t)k * len, value, len);
        }
        distinct.fixed = cw->entry_values;
    }
    if (status == FF_OK)
        status = ff_stats_update(&cw->page_stats, &distinct, err);
    for (int64_t k = 0; k < num_touched; k++)
        cw->seen[cw->touched[k]] = 0;
    return status;
}

/* The once-per-chunk dictionary test (see FF_DICT_PROBE_VALUES): too many distinct values,
 * or a dictionary plus indices no smaller than the PLAIN values, and the chunk goes PLAIN. */
static ff_status judge_dictionary(ff_column_writer *cw, ff_error *err) {
    cw->dict_judged = true;
    bool too_distinct = cw->dict.num_entries * FF_DICT_MAX_DISTINCT_SHARE > cw->dict_values;
    int64_t index_bytes = (cw->page_num_indices * dict_index_bit_width(cw) + 7) / 8 + 1;
    bool too_large =
        !cw->has_dict_pages && (int64_t)cw->dict.plain_bytes + index_bytes >= cw->page_plain_bytes;
    if (too_distinct || too_large)
        return fall_back_to_plain(cw, err);
    return FF_OK;
}

static ff_status append_values(ff_column_writer *cw, const ff_dense_values *vals,
                               int64_t plain_bytes, ff_error *err) {
    ff_status status;
    if (vals->count == 0)
        return FF_OK;
    /* Numbers go through the typed loops directly; byte strings in dictionary mode are
     * measured on the dictionary entries they map to. */
    ff_sort_order order = cw->page_stats.order;
    bool stats_via_dict =
        cw->opts.write_statistics && cw->dict_mode &&
        (order == FF_SORT_BYTES || order == FF_SORT_DECIMAL_BYTES || order == FF_SORT_FLOAT16);
    if (cw->opts.write_statistics && !stats_via_dict) {
        status = ff_stats_update(&cw->page_stats, vals, err);
        if (status != FF_OK)
            return status;
    }
    cw->page_num_values += vals->count;
    cw->page_plain_bytes += plain_bytes;
    ff_dense_values rest = *vals;
    if (cw->dict_mode) {
        status = grow((void **)&cw->page_indices, &cw->indices_cap,
                      (size_t)(cw->page_num_indices + vals->count), sizeof(uint32_t),
                      "dictionary indices", err);
        if (status != FF_OK)
            return status;
        int64_t old_entries = cw->dict.num_entries, consumed = 0;
        status = ff_dict_builder_insert(&cw->dict, vals, (size_t)cw->opts.dictionary_bytes,
                                        cw->page_indices + cw->page_num_indices, &consumed, err);
        if (status != FF_OK)
            return status;
        if (stats_via_dict) {
            status = stats_from_indices(cw, cw->page_indices + cw->page_num_indices, consumed, err);
            if (status != FF_OK)
                return status;
        }
        cw->page_num_indices += consumed;
        if (cw->opts.bloom_filter) {
            /* In dictionary mode each distinct value is hashed once, when it is added. */
            for (int64_t entry_idx = old_entries; entry_idx < cw->dict.num_entries; entry_idx++) {
                size_t len;
                const uint8_t *value = ff_dict_builder_value(&cw->dict, (uint32_t)entry_idx, &len);
                status = ff_hash_set_insert(&cw->bloom_set, ff_bloom_hash(value, len), err);
                if (status != FF_OK)
                    return status;
            }
        }
        cw->dict_values += consumed;
        if (consumed == vals->count) {
            if (!cw->dict_judged && cw->dict_values >= FF_DICT_PROBE_VALUES)
                return judge_dictionary(cw, err);
            if (!cw->dict_judged && cw->dict_values >= FF_DICT_EARLY_VALUES &&
                cw->dict.num_entries * 2 > cw->dict_values)
                return judge_dictionary(cw, err);
            return FF_OK;
        }
        status = fall_back_to_plain(cw, err);
        if (status != FF_OK)
            return status;
        rest.count -= consumed;
        if (rest.spans)
            rest.spans += consumed;
        else
            rest.fixed += (size_t)consumed * (size_t)rest.width;
        if (stats_via_dict) {
            status = ff_stats_update(&cw->page_stats, &rest, err);
            if (status != FF_OK)
                return status;
        }
    }
    if (cw->opts.bloom_filter) {
        status = ff_hash_set_insert_values(&cw->bloom_set, &rest, err);
        if (status != FF_OK)
            return status;
    }
    return append_plain(cw, &rest, err);
}

/* Flat mini-batch: slots [first, first + n) of a spaced vector. */
static ff_status write_flat(ff_column_writer *cw, int64_t first, int64_t n, ff_error *err) {
    const ff_vector *vec = cw->vec;
    ff_status status = reserve_levels(cw, n, err);
    if (status != FF_OK)
        return status;
    const uint8_t *validity = vec->validity;
    int64_t num_valid = n;
    if (validity) {
        num_valid = 0;
        for (int64_t i = 0; i < n; i++)
            num_valid += ff_bitmap_get(validity, first + i);
        if (num_valid != n && cw->max_def == 0)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "required column has %lld nulls",
                                (long long)(n - num_valid));
        if (num_valid == n)
            validity = NULL;
    }
    if (validity) {
        materialize_def_levels(cw);
        int16_t *def = cw->page_def + cw->page_levels;
        int16_t present = cw->max_def, absent = (int16_t)(cw->max_def - 1);
        for (int64_t i = 0; i < n; i++)
            def[i] = ff_bitmap_get(validity, first + i) ? present : absent;
    } else if (cw->max_def > 0 && !cw->page_def_uniform) {
        int16_t *def = cw->page_def + cw->page_levels;
        for (int64_t i = 0; i < n; i++)
            def[i] = cw->max_def;
    }
    cw->page_levels += n;
    cw->page_rows += n;
    cw->page_stats.null_count += n - num_valid;

    ff_dense_values dense = {.count = num_valid, .width = cw->width};
    int64_t plain_bytes = 0;
    if (cw->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        status = build_spans(cw, validity, first, n, num_valid, &plain_bytes, err);
        dense.spans = cw->spans;
    } else if (!validity) {
        dense.fixed = vec->values + (size_t)first * (size_t)cw->width;
        plain_bytes = num_valid * cw->width;
    } else {
        status = gather_fixed(cw, first, n, num_valid, err);
        dense.fixed = cw->gather;
        plain_bytes = num_valid * cw->width;
    }
    if (status != FF_OK)
        return status;
    return append_values(cw, &dense, plain_bytes, err);
}

/* The level entries of the next `rows` rows of a nested batch: they end before the
 * (rows + 1)-th repetition level 0 from the current position. */
static int64_t nested_end_level(const ff_column_writer *cw, int64_t rows) {
    const ff_vector *vec = cw->vec;
    if (cw->max_rep == 0)
        return cw->level_pos + rows;
    int64_t end_level = cw->level_pos, seen = 0;
    while (end_level < vec->num_levels) {
        if (vec->rep_levels[end_level] == 0) {
            if (seen == rows)
                break;
            seen++;
        }
        end_level++;
    }
    return end_level;
}

/* Nested mini-batch: the next `rows` rows, as level entries and dense values. */
static ff_status write_nested(ff_column_writer *cw, int64_t rows, ff_error *err) {
    const ff_vector *vec = cw->vec;
    int64_t first_level = cw->level_pos, end_level = nested_end_level(cw, rows);
    int64_t n = end_level - first_level;
    ff_status status = reserve_levels(cw, n, err);
    if (status != FF_OK)
        return status;
    int64_t num_values = 0;
    if (cw->max_def > 0) {
        materialize_def_levels(cw);
        int16_t *def = cw->page_def + cw->page_levels;
        memcpy(def, vec->def_levels + first_level, (size_t)n * sizeof(int16_t));
        for (int64_t i = 0; i < n; i++)
            num_values += def[i] == cw->max_def;
    } else {
        num_values = n;
    }
    if (cw->max_rep > 0)
        memcpy(cw->page_rep + cw->page_levels, vec->rep_levels + first_level,
               (size_t)n * sizeof(int16_t));
    cw->page_levels += n;
    cw->page_rows += rows;
    cw->page_stats.null_count += n - num_values;

    int64_t first_value = cw->value_pos;
    cw->level_pos = end_level;
    cw->value_pos += num_values;
    ff_dense_values dense = {.count = num_values, .width = cw->width};
    int64_t plain_bytes = num_values * cw->width;
    if (cw->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        status = build_spans(cw, NULL, first_value, num_values, num_values, &plain_bytes, err);
        dense.spans = cw->spans;
    } else {
        dense.fixed = vec->values + (size_t)first_value * (size_t)cw->width;
    }
    if (status != FF_OK)
        return status;
    return append_values(cw, &dense, plain_bytes, err);
}

/* ---- pages ---- */

static int64_t page_estimated_bytes(const ff_column_writer *cw) {
    int64_t level_bits = (int64_t)(cw->max_def > 0 ? cw->def_bit_width : 0) +
                         (cw->max_rep > 0 ? cw->rep_bit_width : 0);
    int64_t bytes = (cw->page_levels * level_bits + 7) / 8;
    if (cw->dict_mode)
        bytes += (cw->page_num_indices * dict_index_bit_width(cw) + 7) / 8;
    else if (cw->type.physical == FF_PHYSICAL_BOOLEAN)
        bytes += (int64_t)(cw->page_values.len + 7) / 8;
    else
        bytes += (int64_t)cw->page_values.len;
    return bytes;
}

/* v1 levels: RLE/bit-packed hybrid preceded by its byte length (4 bytes, little-endian). */
static ff_status encode_levels_v1(const int16_t *levels, int64_t n, int bit_width, ff_buf *out,
                                  ff_error *err) {
    size_t length_pos = out->len;
    uint8_t zero[4] = {0};
    ff_status status = ff_buf_append(out, zero, 4, err);
    if (status == FF_OK)
        status = ff_rle_encode_levels(levels, n, bit_width, out, err);
    if (status == FF_OK)
        ff_store_le32(out->data + length_pos, (uint32_t)(out->len - length_pos - 4));
    return status;
}

/* The open page's definition levels in RLE/bit-packed hybrid form; a uniform page is a
 * single RLE run: varint(count << 1), then the value in ceil(bit_width / 8) bytes. */
static ff_status encode_def_levels(ff_column_writer *cw, ff_buf *out, ff_error *err) {
    if (!cw->page_def_uniform)
        return ff_rle_encode_levels(cw->page_def, cw->page_levels, cw->def_bit_width, out, err);
    uint8_t run[16];
    size_t len = 0;
    uint64_t header = (uint64_t)cw->page_levels << 1;
    do {
        run[len++] = (uint8_t)((header & 0x7f) | (header > 0x7f ? 0x80 : 0));
        header >>= 7;
    } while (header);
    run[len++] = (uint8_t)cw->max_def; /* levels are below 256: one value byte */
    return ff_buf_append(out, run, len, err);
}

/* v1 definition levels: as encode_def_levels, preceded by their byte length. */
static ff_status encode_def_levels_v1(ff_column_writer *cw, ff_buf *out, ff_error *err) {
    size_t length_pos = out->len;
    uint8_t zero[4] = {0};
    ff_status status = ff_buf_append(out, zero, 4, err);
    if (status == FF_OK)
        status = encode_def_levels(cw, out, err);
    if (status == FF_OK)
        ff_store_le32(out->data + length_pos, (uint32_t)(out->len - length_pos - 4));
    return status;
}

/* Appends the first num_values values of the open page (PLAIN in page_values) to out as
 * FF_ENC_DELTA_BINARY_PACKED (INT32, INT64) or FF_ENC_BYTE_STREAM_SPLIT (FLOAT, DOUBLE). */
static ff_status encode_values(ff_column_writer *cw, int32_t encoding, int64_t num_values,
                               ff_buf *out, ff_error *err) {
    if (encoding == FF_ENC_DELTA_BINARY_PACKED)
        return ff_delta_binary_packed_encode(
            cw->page_values.data, cw->type.physical == FF_PHYSICAL_INT64, num_values, out, err);
    ff_vector view;
    ff_vector_init(&view, &cw->type);
    view.length = num_values;
    view.values = cw->page_values.data;
    view.values_len = (size_t)num_values * (size_t)cw->width;
    return ff_byte_stream_split_encode(&view, 0, num_values, out, err);
}

/* Sets the chunk's value encoding from the open page, which has values and no dictionary
 * (see FF_ENCODING_SAMPLE_BYTES). Uses scratch->body and scratch->compressed, so it runs
 * before the page is assembled in them. */
static ff_status choose_value_encoding(ff_column_writer *cw, ff_error *err) {
    cw->value_encoding = FF_ENC_PLAIN;
    int32_t alternative;
    switch (cw->type.physical) {
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_INT64:
        alternative = FF_ENC_DELTA_BINARY_PACKED;
        break;
    case FF_PHYSICAL_FLOAT:
    case FF_PHYSICAL_DOUBLE:
        alternative = FF_ENC_BYTE_STREAM_SPLIT;
        break;
    default:
        return FF_OK;
    }
    if (!cw->opts.auto_value_encoding)
        return FF_OK;
    int64_t sample = FF_ENCODING_SAMPLE_BYTES / cw->width;
    if (sample > cw->page_num_values)
        sample = cw->page_num_values;
    ff_buf *encoded = &cw->scratch->body, *compressed = &cw->scratch->compressed;
    ff_buf_reset(encoded);
    ff_status status = encode_values(cw, alternative, sample, encoded, err);
    if (status != FF_OK)
        return status;
    size_t plain_len = (size_t)sample * (size_t)cw->width, alternative_len = encoded->len;
    if (cw->opts.codec != FF_CODEC_UNCOMPRESSED) {
        ff_buf_reset(compressed);
        status = ff_codec_compress(cw->scratch->codec_ctx, cw->opts.codec, cw->opts.codec_level,
                                   cw->page_values.data, plain_len, compressed, err);
        plain_len = compressed->len;
        ff_buf_reset(compressed);
        if (status == FF_OK)
            status = ff_codec_compress(cw->scratch->codec_ctx, cw->opts.codec, cw->opts.codec_level,
                                       encoded->data, encoded->len, compressed, err);
        alternative_len = compressed->len;
        if (status != FF_OK)
            return status;
    }
    if ((uint64_t)alternative_len * FF_ENCODING_MIN_SAVING <=
        (uint64_t)plain_len * (FF_ENCODING_MIN_SAVING - 1))
        cw->value_encoding = alternative;
    return FF_OK;
}

/* Encodes and compresses the open page into the chunk. is_last says the chunk ends with it:
 * a chunk's only page carries no statistics in its header, since the chunk's say the same. */
static ff_status flush_page(ff_column_writer *cw, bool is_last, ff_error *err) {
    if (cw->page_levels == 0)
        return FF_OK;
    ff_status status = FF_OK;
    ff_page_scratch *scratch = cw->scratch;
    if (cw->page_levels > INT32_MAX || cw->page_rows > INT32_MAX)
        return ff_error_set(err, FF_ERR_LIMIT, "page of %lld values is too large",
                            (long long)cw->page_levels);
    if (cw->dict_mode && !cw->dict_judged && cw->page_num_indices > 0) {
        status = judge_dictionary(cw, err);
        if (status != FF_OK)
            return status;
    }
    int32_t encoding = FF_ENC_PLAIN;
    if (cw->page_num_values > 0 && cw->dict_mode) {
        encoding = FF_ENC_RLE_DICTIONARY;
    } else if (cw->page_num_values > 0) {
        /* Before the body is assembled: the choice borrows the scratch buffers. */
        if (cw->value_encoding < 0) {
            status = choose_value_encoding(cw, err);
            if (status != FF_OK)
                return status;
        }
        encoding = cw->value_encoding;
    }
    bool is_v2 = cw->opts.page_version == 2;
    ff_buf *body = &scratch->body;
    ff_buf_reset(body);
    ff_buf_reset(&scratch->levels);
    int32_t rep_len = 0, def_len = 0;
    if (is_v2) {
        if (cw->max_rep > 0)
            status = ff_rle_encode_levels(cw->page_rep, cw->page_levels, cw->rep_bit_width,
                                          &scratch->levels, err);
        rep_len = (int32_t)scratch->levels.len;
        if (status == FF_OK && cw->max_def > 0)
            status = encode_def_levels(cw, &scratch->levels, err);
        def_len = (int32_t)scratch->levels.len - rep_len;
    } else {
        if (cw->max_rep > 0)
            status = encode_levels_v1(cw->page_rep, cw->page_levels, cw->rep_bit_width, body, err);
        if (status == FF_OK && cw->max_def > 0)
            status = encode_def_levels_v1(cw, body, err);
    }
    if (status != FF_OK)
        return status;

    if (encoding == FF_ENC_RLE_DICTIONARY) {
        int bit_width = dict_index_bit_width(cw);
        status = ff_buf_append_byte(body, (uint8_t)bit_width, err);
        if (status == FF_OK)
            status =
                ff_rle_encode_u32(cw->page_indices, cw->page_num_indices, bit_width, body, err);
    } else if (cw->type.physical == FF_PHYSICAL_BOOLEAN) {
        ff_vector packed;
        ff_vector_init(&packed, &cw->type);
        packed.length = (int64_t)cw->page_values.len;
        packed.values = cw->page_values.data;
        packed.values_len = cw->page_values.len;
        status = ff_plain_encode(&packed, 0, packed.length, body, err);
    } else if (encoding == FF_ENC_PLAIN) {
        status = ff_buf_append(body, cw->page_values.data, cw->page_values.len, err);
    } else {
        status = encode_values(cw, encoding, cw->page_num_values, body, err);
    }
    if (status != FF_OK)
        return status;

    ff_pq_statistics page_statistics;
    bool only_page = is_last && cw->num_plain_pages + cw->num_dict_data_pages +
                                        cw->num_delta_pages + cw->num_split_pages ==
                                    0;
    bool header_statistics = cw->opts.write_statistics && !only_page;
    if (header_statistics) {
        status = ff_stats_to_thrift(&cw->page_stats, cw->opts.truncate_len, &cw->page_arena,
                                    &page_statistics, err);
        if (status != FF_OK)
            goto cleanup;
    }
    ff_page_spec spec = {
        .page_type = is_v2 ? FF_PAGE_DATA_V2 : FF_PAGE_DATA,
        .codec = cw->opts.codec,
        .codec_level = cw->opts.codec_level,
        .write_crc = cw->opts.write_page_crc,
        .encoding = encoding,
        .num_values = (int32_t)cw->page_levels,
        .num_nulls = (int32_t)(cw->page_levels - cw->page_num_values),
        .num_rows = (int32_t)cw->page_rows,
        .levels = scratch->levels.data,
        .rep_levels_len = rep_len,
        .def_levels_len = def_len,
        .body = body->data,
        .body_len = body->len,
        .statistics = header_statistics ? &page_statistics : NULL,
    };
    int64_t rel_offset = (int64_t)cw->data_pages.len, page_len = 0, uncompressed_len = 0;
    status = ff_page_write(scratch, &spec, &cw->data_pages, &page_len, &uncompressed_len, err);
    if (status != FF_OK)
        goto cleanup;
    if (cw->opts.write_page_index) {
        status = ff_page_index_add_page(&cw->page_index, &cw->page_stats, cw->page_levels,
                                        cw->opts.write_statistics ? cw->opts.truncate_len : 0,
                                        rel_offset, (int32_t)page_len, cw->chunk_rows, err);
        if (status != FF_OK)
            goto cleanup;
        if (!cw->opts.write_statistics)
            cw->page_index.has_column_index = false;
    }
    status = ff_stats_merge(&cw->chunk_stats, &cw->page_stats, err);
    if (status != FF_OK)
        goto cleanup;

    cw->chunk_levels += cw->page_levels;
    cw->chunk_rows += cw->page_rows;
    cw->data_uncompressed += uncompressed_len;
    cw->data_compressed += page_len;
    switch (encoding) {
    case FF_ENC_RLE_DICTIONARY:
        cw->num_dict_data_pages++;
        cw->has_dict_pages = true;
        break;
    case FF_ENC_DELTA_BINARY_PACKED:
        cw->num_delta_pages++;
        break;
    case FF_ENC_BYTE_STREAM_SPLIT:
        cw->num_split_pages++;
        break;
    default:
        cw->num_plain_pages++;
        break;
    }
    cw->page_levels = cw->page_rows = 0;
    cw->page_def_uniform = true;
    cw->page_num_indices = cw->page_num_values = cw->page_plain_bytes = 0;
    ff_buf_reset(&cw->page_values);
    ff_stats_reset(&cw->page_stats);
cleanup:
    ff_arena_free(&cw->page_arena);
    return status;
}

/* String bytes of the next `rows` rows: one subtraction of offsets, after a level scan for
 * nested columns. */
static int64_t string_bytes_of_rows(const ff_column_writer *cw, int64_t rows) {
    const ff_vector *vec = cw->vec;
    if (!vec->offsets) /* a nested vector without present values may have no offsets */
        return 0;
    if (!cw->is_nested)
        return vec->offsets[cw->row_pos + rows] - vec->offsets[cw->row_pos];
    int64_t end_level = nested_end_level(cw, rows), num_values = 0;
    for (int64_t level_idx = cw->level_pos; level_idx < end_level; level_idx++)
        num_values += cw->max_def == 0 || vec->def_levels[level_idx] == cw->max_def;
    return vec->offsets[cw->value_pos + num_values] - vec->offsets[cw->value_pos];
}

/* Long strings: the row-count estimate does not see a single huge value coming, so shrink
 * the mini-batch until its string bytes fit the page's remaining budget, and give a row that
 * does not fit even alone a page of its own. Pages must stay below 2 GiB. */
static ff_status fit_string_bytes(ff_column_writer *cw, int64_t *rows, ff_error *err) {
    int64_t budget = cw->opts.page_bytes - page_estimated_bytes(cw);
    int64_t bytes = string_bytes_of_rows(cw, *rows);
    while (*rows > 1 && bytes > budget) {
        *rows /= 2;
        bytes = string_bytes_of_rows(cw, *rows);
    }
    if (bytes > budget && cw->page_rows > 0)
        return flush_page(cw, false, err);
    return FF_OK;
}

ff_status ff_column_writer_write_rows(ff_column_writer *cw, int64_t num_rows, ff_error *err) {
    if (num_rows < 0 || cw->row_pos + num_rows > cw->batch_rows)
        return ff_error_set(err, FF_ERR_INTERNAL, "write of %lld rows past the batch's %lld",
                            (long long)num_rows, (long long)cw->batch_rows);
    while (num_rows > 0) {
        int64_t mini = num_rows < FF_MINI_BATCH_ROWS ? num_rows : FF_MINI_BATCH_ROWS;
        if (cw->opts.page_rows > 0 && mini > cw->opts.page_rows - cw->page_rows)
            mini = cw->opts.page_rows - cw->page_rows;
        if (cw->page_rows > 0) {
            /* Aim at the byte target from the page's bytes per row so far. */
            int64_t estimate = page_estimated_bytes(cw);
            int64_t per_row = estimate / cw->page_rows;
            if (per_row > 0) {
                int64_t fit = (cw->opts.page_bytes - estimate) / per_row;
                if (fit < 1)
                    fit = 1;
                if (mini > fit)
                    mini = fit;
            }
        }
        ff_status status;
        if (cw->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
            status = fit_string_bytes(cw, &mini, err);
            if (status != FF_OK)
                return status;
        }
        status =
            cw->is_nested ? write_nested(cw, mini, err) : write_flat(cw, cw->row_pos, mini, err);
        if (status != FF_OK)
            return status;
        cw->row_pos += mini;
        num_rows -= mini;
        if ((cw->opts.page_rows > 0 && cw->page_rows >= cw->opts.page_rows) ||
            page_estimated_bytes(cw) >= cw->opts.page_bytes) {
            status = flush_page(cw, false, err);
            if (status != FF_OK)
                return status;
        }
    }
    return FF_OK;
}

int64_t ff_column_writer_buffered_bytes(const ff_column_writer *cw) {
    int64_t dict_bytes = cw->dict_mode || cw->has_dict_pages ? (int64_t)cw->dict.plain_bytes : 0;
    return cw->data_uncompressed + page_estimated_bytes(cw) + dict_bytes;
}

ff_status ff_column_writer_finish_chunk(ff_column_writer *cw, const ff_buf **dict_page,
                                        const ff_buf **data_pages, ff_error *err) {
    ff_status status = flush_page(cw, true, err);
    if (status != FF_OK)
        return status;
    ff_buf_reset(&cw->dict_page);
    if (cw->has_dict_pages) {
        ff_buf *body = &cw->scratch->body;
        ff_buf_reset(body);
        status = ff_plain_encode(&cw->dict.values, 0, cw->dict.num_entries, body, err);
        if (status != FF_OK)
            return status;
        ff_page_spec spec = {
            .page_type = FF_PAGE_DICTIONARY,
            .codec = cw->opts.codec,
            .codec_level = cw->opts.codec_level,
            .write_crc = cw->opts.write_page_crc,
            .encoding = FF_ENC_PLAIN,
            .num_values = (int32_t)cw->dict.num_entries,
            .body = body->data,
            .body_len = body->len,
        };
        status = ff_page_write(cw->scratch, &spec, &cw->dict_page, &cw->dict_compressed,
                               &cw->dict_uncompressed, err);
        if (status != FF_OK)
            return status;
    }
    *dict_page = &cw->dict_page;
    *data_pages = &cw->data_pages;
    return FF_OK;
}

ff_status ff_column_writer_describe_chunk(ff_column_writer *cw, int64_t file_offset,
                                          ff_arena *arena, ff_pq_column_chunk *out,
                                          ff_buf *column_index_blob, ff_buf *offset_index_blob,
                                          ff_error *err) {
    memset(out, 0, sizeof *out);
    out->file_offset = file_offset;
    out->has_meta_data = true;
    ff_pq_column_metadata *md = &out->meta_data;
    md->type = cw->type.physical;
    md->codec = cw->opts.codec;
    md->num_values = cw->chunk_levels;
    md->total_uncompressed_size = cw->dict_uncompressed + cw->data_uncompressed;
    md->total_compressed_size = cw->dict_compressed + cw->data_compressed;
    md->data_page_offset = file_offset + (int64_t)cw->dict_page.len;
    if (cw->dict_page.len > 0) {
        md->has_dictionary_page_offset = true;
        md->dictionary_page_offset = file_offset;
    }

    /* Encodings in use, each once, in parquet.thrift order: PLAIN (values or dictionary page),
     * RLE (levels), DELTA_BINARY_PACKED, RLE_DICTIONARY (indices), BYTE_STREAM_SPLIT. */
    md->encodings = ff_arena_array(arena, 5, sizeof(int32_t), err);
    if (!md->encodings)
        return FF_ERR_NO_MEMORY;
    if (cw->num_plain_pages > 0 || cw->dict_page.len > 0)
        md->encodings[md->num_encodings++] = FF_ENC_PLAIN;
    if (cw->max_def > 0 || cw->max_rep > 0)
        md->encodings[md->num_encodings++] = FF_ENC_RLE;
    if (cw->num_delta_pages > 0)
        md->encodings[md->num_encodings++] = FF_ENC_DELTA_BINARY_PACKED;
    if (cw->num_dict_data_pages > 0)
        md->encodings[md->num_encodings++] = FF_ENC_RLE_DICTIONARY;
    if (cw->num_split_pages > 0)
        md->encodings[md->num_encodings++] = FF_ENC_BYTE_STREAM_SPLIT;

    md->encoding_stats = ff_arena_array(arena, 5, sizeof(ff_pq_page_encoding_stats), err);
    if (!md->encoding_stats)
        return FF_ERR_NO_MEMORY;
    int32_t data_page_type = cw->opts.page_version == 2 ? FF_PAGE_DATA_V2 : FF_PAGE_DATA;
    if (cw->dict_page.len > 0)
        md->encoding_stats[md->num_encoding_stats++] =
            (ff_pq_page_encoding_stats){FF_PAGE_DICTIONARY, FF_ENC_PLAIN, 1};
    if (cw->num_dict_data_pages > 0)
        md->encoding_stats[md->num_encoding_stats++] = (ff_pq_page_encoding_stats){
            data_page_type, FF_ENC_RLE_DICTIONARY, cw->num_dict_data_pages};
    if (cw->num_plain_pages > 0)
        md->encoding_stats[md->num_encoding_stats++] =
            (ff_pq_page_encoding_stats){data_page_type, FF_ENC_PLAIN, cw->num_plain_pages};
    if (cw->num_delta_pages > 0)
        md->encoding_stats[md->num_encoding_stats++] = (ff_pq_page_encoding_stats){
            data_page_type, FF_ENC_DELTA_BINARY_PACKED, cw->num_delta_pages};
    if (cw->num_split_pages > 0)
        md->encoding_stats[md->num_encoding_stats++] = (ff_pq_page_encoding_stats){
            data_page_type, FF_ENC_BYTE_STREAM_SPLIT, cw->num_split_pages};

    /* path_in_schema: the names from below the root down to the leaf. */
    int32_t depth = cw->leaf->depth;
    md->path_in_schema = ff_arena_array(arena, (size_t)depth, sizeof(char *), err);
    if (!md->path_in_schema)
        return FF_ERR_NO_MEMORY;
    md->path_len = depth;
    const ff_schema_node *node = cw->leaf;
    for (int32_t level = depth - 1; level >= 0; level--, node = node->parent) {
        md->path_in_schema[level] = ff_arena_strndup(arena, node->name, strlen(node->name), err);
        if (!md->path_in_schema[level])
            return FF_ERR_NO_MEMORY;
    }

    ff_status status;
    if (cw->opts.write_statistics) {
        status = ff_stats_to_thrift(&cw->chunk_stats, cw->opts.truncate_len, arena, &md->statistics,
                                    err);
        if (status != FF_OK)
            return status;
        md->has_statistics = true;
    }
    /* A chunk of one data page gets no page index: its ColumnIndex would repeat the chunk
     * statistics and its OffsetIndex the chunk's offsets, and small files (a partition of a
     * few thousand rows) would carry the bytes for nothing. */
    if (cw->opts.write_page_index && cw->page_index.num_pages > 1) {
        size_t before = column_index_blob->len;
        if (cw->opts.write_statistics) {
            status = ff_page_index_write_column_index(&cw->page_index, cw->chunk_stats.order,
                                                      column_index_blob, err);
            if (status != FF_OK)
                return status;
        }
        if (column_index_blob->len > before) {
            out->has_column_index = true;
            out->column_index_offset = (int64_t)before;
            out->column_index_length = (int32_t)(column_index_blob->len - before);
        }
        before = offset_index_blob->len;
        status = ff_page_index_write_offset_index(&cw->page_index, md->data_page_offset,
                                                  offset_index_blob, err);
        if (status != FF_OK)
            return status;
        if (offset_index_blob->len > before) {
            out->has_offset_index = true;
            out->offset_index_offset = (int64_t)before;
            out->offset_index_length = (int32_t)(offset_index_blob->len - before);
        }
    }
    return FF_OK;
}

ff_status ff_column_writer_write_bloom_filter(ff_column_writer *cw, ff_buf *out, bool *written,
                                              ff_error *err) {
    *written = false;
    if (!cw->opts.bloom_filter)
        return FF_OK;
    ff_bloom_filter filter;
    ff_status status = ff_bloom_filter_from_set(&cw->bloom_set, cw->opts.bloom_fpp, &filter, err);
    if (status != FF_OK)
        return status;
    status = ff_bloom_filter_write(&filter, out, err);
    ff_bloom_filter_free(&filter);
    *written = status == FF_OK;
    return status;
}
