/* Page index builder (see page_index.h): per-page arrays grown by doubling, bounds copied into
 * one buffer, the boundary order worked out when the ColumnIndex is written. */
#include "parquet/column/page_index.h"

#include <stdlib.h>
#include <string.h>

void ff_page_index_init(ff_page_index_builder *builder) {
    memset(builder, 0, sizeof *builder);
    builder->has_column_index = true;
    ff_buf_init(&builder->bounds, 0);
    ff_arena_init(&builder->scratch, 0);
}

void ff_page_index_reset(ff_page_index_builder *builder) {
    builder->num_pages = 0;
    builder->has_column_index = true;
    ff_buf_reset(&builder->bounds);
}

void ff_page_index_free(ff_page_index_builder *builder) {
    if (!builder)
        return;
    free(builder->null_pages);
    free(builder->null_counts);
    free(builder->min_offsets);
    free(builder->max_offsets);
    free(builder->min_lens);
    free(builder->max_lens);
    free(builder->page_offsets);
    free(builder->page_sizes);
    free(builder->first_rows);
    ff_buf_free(&builder->bounds);
    ff_arena_free(&builder->scratch);
    memset(builder, 0, sizeof *builder);
}

static ff_status grow_array(void **array, int32_t new_cap, size_t elem_size, ff_error *err) {
    void *grown = ff_realloc(*array, (size_t)new_cap * elem_size, "page index", err);
    if (!grown)
        return FF_ERR_NO_MEMORY;
    *array = grown;
    return FF_OK;
}

static ff_status page_index_reserve(ff_page_index_builder *builder, ff_error *err) {
    if (builder->num_pages < builder->cap)
        return FF_OK;
    if (builder->cap > INT32_MAX / 2)
        return ff_error_set(err, FF_ERR_LIMIT, "too many pages in one column chunk");
    int32_t new_cap = builder->cap ? builder->cap * 2 : 16;
    ff_status status = grow_array((void **)&builder->null_pages, new_cap, sizeof(bool), err);
    if (status == FF_OK)
        status = grow_array((void **)&builder->null_counts, new_cap, sizeof(int64_t), err);
    if (status == FF_OK)
        status = grow_array((void **)&builder->min_offsets, new_cap, sizeof(int64_t), err);
    if (status == FF_OK)
        status = grow_array((void **)&builder->max_offsets, new_cap, sizeof(int64_t), err);
    if (status == FF_OK)
        status = grow_array((void **)&builder->min_lens, new_cap, sizeof(int32_t), err);
    if (status == FF_OK)
        status = grow_array((void **)&builder->max_lens, new_cap, sizeof(int32_t), err);
    if (status == FF_OK)
        status = grow_array((void **)&builder->page_offsets, new_cap, sizeof(int64_t), err);
    if (status == FF_OK)
        status = grow_array((void **)&builder->page_sizes, new_cap, sizeof(int32_t), err);
    if (status == FF_OK)
        status = grow_array((void **)&builder->first_rows, new_cap, sizeof(int64_t), err);
    if (status == FF_OK)
        builder->cap = new_cap;
    return status;
}

ff_status ff_page_index_add_page(ff_page_index_builder *builder, const ff_stats *stats,
                                 int64_t num_values, int32_t truncate_len, int64_t rel_offset,
                                 int32_t page_size, int64_t first_row, ff_error *err) {
    ff_status status = page_index_reserve(builder, err);
    if (status != FF_OK)
        return status;
    int32_t page_idx = builder->num_pages;
    bool is_null_page = stats->null_count >= num_values;
    builder->null_pages[page_idx] = is_null_page;
    builder->null_counts[page_idx] = stats->null_count;
    builder->page_offsets[page_idx] = rel_offset;
    builder->page_sizes[page_idx] = page_size;
    builder->first_rows[page_idx] = first_row;
    builder->min_offsets[page_idx] = builder->max_offsets[page_idx] = (int64_t)builder->bounds.len;
    builder->min_lens[page_idx] = builder->max_lens[page_idx] = 0;
    builder->num_pages++;
    if (is_null_page || !builder->has_column_index)
        return FF_OK;
    if (!stats->has_min_max || stats->order == FF_SORT_NONE) {
        builder->has_column_index = false;
        return FF_OK;
    }
    ff_pq_bytes min, max;
    bool min_exact, max_exact, has_bounds;
    status = ff_stats_bounds(stats, truncate_len, &builder->scratch, &min, &min_exact, &max,
                             &max_exact, &has_bounds, err);
    if (status == FF_OK && !has_bounds)
        builder->has_column_index = false;
    if (status == FF_OK && has_bounds) {
        builder->min_offsets[page_idx] = (int64_t)builder->bounds.len;
        builder->min_lens[page_idx] = (int32_t)min.len;
        status = ff_buf_append(&builder->bounds, min.data, (size_t)min.len, err);
    }
    if (status == FF_OK && has_bounds) {
        builder->max_offsets[page_idx] = (int64_t)builder->bounds.len;
        builder->max_lens[page_idx] = (int32_t)max.len;
        status = ff_buf_append(&builder->bounds, max.data, (size_t)max.len, err);
    }
    /* The scratch arena only ever holds one page's bounds. */
    ff_arena_free(&builder->scratch);
    return status;
}

/* ASCENDING (1) when both the mins and the maxes of the non-null pages never decrease,
 * DESCENDING (2) when they never increase, else UNORDERED (0). */
static int32_t boundary_order(const ff_page_index_builder *builder, ff_sort_order order) {
    bool ascending = true, descending = true;
    int32_t prev = -1;
    const uint8_t *base = builder->bounds.data;
    for (int32_t page_idx = 0; page_idx < builder->num_pages; page_idx++) {
        if (builder->null_pages[page_idx])
            continue;
        if (prev >= 0) {
            int min_cmp = ff_stats_compare(
                order, base + builder->min_offsets[prev], (size_t)builder->min_lens[prev],
                base + builder->min_offsets[page_idx], (size_t)builder->min_lens[page_idx]);
            int max_cmp = ff_stats_compare(
                order, base + builder->max_offsets[prev], (size_t)builder->max_lens[prev],
                base + builder->max_offsets[page_idx], (size_t)builder->max_lens[page_idx]);
            if (min_cmp > 0 || max_cmp > 0)
                ascending = false;
            if (min_cmp < 0 || max_cmp < 0)
                descending = false;
        }
        prev = page_idx;
    }
    return ascending ? 1 : descending ? 2 : 0;
}

ff_status ff_page_index_write_column_index(const ff_page_index_builder *builder,
                                           ff_sort_order order, ff_buf *out, ff_error *err) {
    if (!builder->has_column_index || builder->num_pages == 0)
        return FF_OK;
    ff_status status = FF_OK;
    int32_t n = builder->num_pages;
    ff_pq_bytes *mins = ff_calloc((size_t)n, sizeof(ff_pq_bytes), "column index", err);
    ff_pq_bytes *maxs = ff_calloc((size_t)n, sizeof(ff_pq_bytes), "column index", err);
    if (!mins || !maxs) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (int32_t page_idx = 0; page_idx < n; page_idx++) {
        mins[page_idx].data = builder->bounds.data + builder->min_offsets[page_idx];
        mins[page_idx].len = builder->min_lens[page_idx];
        maxs[page_idx].data = builder->bounds.data + builder->max_offsets[page_idx];
        maxs[page_idx].len = builder->max_lens[page_idx];
    }
    ff_pq_column_index index = {
        .num_pages = n,
        .null_pages = builder->null_pages,
        .min_values = mins,
        .max_values = maxs,
        .boundary_order = boundary_order(builder, order),
        .has_null_counts = true,
        .null_counts = builder->null_counts,
    };
    status = ff_thrift_encode_column_index(&index, out, err);
cleanup:
    free(mins);
    free(maxs);
    return status;
}

ff_status ff_page_index_write_offset_index(const ff_page_index_builder *builder,
                                           int64_t base_offset, ff_buf *out, ff_error *err) {
    if (builder->num_pages == 0)
        return FF_OK;
    ff_pq_page_location *locations =
        ff_calloc((size_t)builder->num_pages, sizeof(ff_pq_page_location), "offset index", err);
    if (!locations)
        return FF_ERR_NO_MEMORY;
    for (int32_t page_idx = 0; page_idx < builder->num_pages; page_idx++) {
        locations[page_idx].offset = base_offset + builder->page_offsets[page_idx];
        locations[page_idx].compressed_page_size = builder->page_sizes[page_idx];
        locations[page_idx].first_row_index = builder->first_rows[page_idx];
    }
    ff_pq_offset_index index = {.num_pages = builder->num_pages, .page_locations = locations};
    ff_status status = ff_thrift_encode_offset_index(&index, out, err);
    free(locations);
    return status;
}
