/* Column chunks copied from one Parquet file into another as their encoded bytes: the
 * pass-through of DESIGN.md §9, so that a column an operation does not change keeps its pages
 * (dictionary, data pages, CRCs) instead of being decoded and encoded again.
 *
 * A chunk's pages do not refer to their own file offsets, so the bytes move as they are and
 * only the footer entries that hold offsets change: the chunk's page offsets, its OffsetIndex
 * page locations and its bloom filter offset. The ColumnIndex holds no offsets and is copied
 * as it is. The file writer (ff_writer_write_row_group_copy) assembles whole row groups from
 * such chunks and freshly encoded ones. */
#ifndef FF_PARQUET_FILE_CHUNK_COPY_H
#define FF_PARQUET_FILE_CHUNK_COPY_H

#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/reader.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stdint.h>

/* Where a chunk's bytes are: [start, start + len) of the source file. */
typedef struct ff_chunk_extent {
    int64_t start;
    int64_t len;
} ff_chunk_extent;

/* Whether column column_idx of row group row_group_idx can be copied byte for byte: it has
 * metadata, lives in this file, and its page headers, walked from the chunk's start, cover
 * exactly total_compressed_size bytes and num_values values (so a writer's wrong sizes or
 * offsets cannot carry over into the copy). *ok is false, and not an error, otherwise. */
ff_status ff_chunk_check_copyable(const ff_reader *reader, int32_t row_group_idx,
                                  int32_t column_idx, bool *ok, ff_chunk_extent *extent,
                                  ff_error *err);

/* Fills *dst with a deep copy of the source chunk's footer entry (strings and arrays in
 * arena), its page offsets moved by `shift` (new start - old start). The page index and bloom
 * filter locations are cleared; the caller re-adds them where it writes them. min_value and
 * max_value are kept only when keep_value_stats (the source declares the type's sort order,
 * which the destination declares for every column); the deprecated min/max only for types
 * whose order they can express (not byte strings). */
ff_status ff_chunk_copy_metadata(const ff_pq_column_chunk *src, int64_t shift,
                                 bool keep_value_stats, ff_arena *arena, ff_pq_column_chunk *dst,
                                 ff_error *err);

/* Appends the chunk's OffsetIndex to offset_index_blob with every page location moved by
 * shift; *present is false when the source has none (or an unreadable one). *blob_offset and
 * *len locate the entry in the blob. */
ff_status ff_chunk_copy_offset_index(const ff_reader *reader, int32_t row_group_idx,
                                     int32_t column_idx, int64_t shift, ff_buf *offset_index_blob,
                                     bool *present, int64_t *blob_offset, int32_t *len,
                                     ff_error *err);

#endif
