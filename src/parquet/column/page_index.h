/* The page index of one column chunk as the writer builds it (parquet-format PageIndex.md):
 * a ColumnIndex (per data page: null_pages, min/max bounds, null count, and the boundary
 * order of the bounds) and an OffsetIndex (per data page: file offset, size including the
 * header, first row).
 *
 * Pages are added as they are flushed; the builder copies each page's bounds. A chunk whose
 * pages cannot all be described (a page with values but no bounds: INT96, an undefined sort
 * order, a page of only NaN) gets no ColumnIndex, as Arrow does, because a missing bound
 * cannot be written and an invented one would make readers skip pages wrongly. The
 * OffsetIndex is always possible. Offsets are recorded relative to the first data page and
 * made absolute when the chunk's place in the file is known. */
#ifndef FF_PARQUET_COLUMN_PAGE_INDEX_H
#define FF_PARQUET_COLUMN_PAGE_INDEX_H

#include "parquet/column/statistics.h"
#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct ff_page_index_builder {
    int32_t num_pages, cap;
    bool has_column_index; /* false once a page could not be described */
    bool *null_pages;
    int64_t *null_counts;
    int64_t *min_offsets, *max_offsets; /* into bounds */
    int32_t *min_lens, *max_lens;
    int64_t *page_offsets; /* relative to the first data page */
    int32_t *page_sizes;   /* header + data */
    int64_t *first_rows;   /* within the chunk */
    ff_buf bounds;         /* concatenated bound bytes */
    ff_arena scratch;      /* truncated bounds of the page being added */
} ff_page_index_builder;

void ff_page_index_init(ff_page_index_builder *builder);
/* Adds one data page: its statistics (borrowed for the call; bounds truncated to
 * truncate_len as in the page header), its relative offset and size, and its first row. */
ff_status ff_page_index_add_page(ff_page_index_builder *builder, const ff_stats *stats,
                                 int64_t num_values, int32_t truncate_len, int64_t rel_offset,
                                 int32_t page_size, int64_t first_row, ff_error *err);
/* Appends the Thrift ColumnIndex (only when builder->has_column_index and there are pages). */
ff_status ff_page_index_write_column_index(const ff_page_index_builder *builder,
                                           ff_sort_order order, ff_buf *out, ff_error *err);
/* Appends the Thrift OffsetIndex, adding base_offset (the file offset of the first data
 * page) to every page offset. */
ff_status ff_page_index_write_offset_index(const ff_page_index_builder *builder,
                                           int64_t base_offset, ff_buf *out, ff_error *err);
/* Forgets the pages, keeps the memory. */
void ff_page_index_reset(ff_page_index_builder *builder);
void ff_page_index_free(ff_page_index_builder *builder);

#endif
