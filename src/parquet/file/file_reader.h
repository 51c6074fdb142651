/* Library-internal parts of the file reader (the public API is include/fluxforge/reader.h):
 * page indexes and bloom filters, read on demand from the locations the footer gives.
 *
 * Both live outside the column chunks, usually between the last row group and the footer.
 * Their offsets and lengths are checked against the file's data section before anything is
 * decoded. Split-block bloom filters are probed with the XXH64 of a value's PLAIN bytes
 * (parquet-format BloomFilter.md). */
#ifndef FF_PARQUET_FILE_READER_INTERNAL_H
#define FF_PARQUET_FILE_READER_INTERNAL_H

#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/reader.h>

#include <stdbool.h>
#include <stdint.h>

/* Opens the file at path for its footer only, read with pread instead of a mapping of the
 * whole file: the metadata accessors (schema, row groups, statistics, key-value metadata)
 * work, while anything that reads pages finds an empty data section and fails with
 * FF_ERR_CORRUPT. For walking thousands of footers, where mapping and unmapping each file
 * costs more than the read. */
ff_status ff_reader_open_footer(const char *path, const ff_reader_options *options, ff_reader **out,
                                ff_error *err);

/* The column chunk's footer entry; NULL for indices out of range. Owned by the reader. */
const ff_pq_column_chunk *ff_reader_column_chunk(const ff_reader *reader, int32_t row_group_idx,
                                                 int32_t column_idx);

/* Reads the ColumnIndex / OffsetIndex of a chunk into `arena` (caller-owned). *present is
 * false, and *out untouched, when the writer stored none. */
ff_status ff_reader_read_column_index(const ff_reader *reader, int32_t row_group_idx,
                                      int32_t column_idx, ff_arena *arena, ff_pq_column_index *out,
                                      bool *present, ff_error *err);
ff_status ff_reader_read_offset_index(const ff_reader *reader, int32_t row_group_idx,
                                      int32_t column_idx, ff_arena *arena, ff_pq_offset_index *out,
                                      bool *present, ff_error *err);

/* The file's bytes [offset, offset + len), checked to lie in the data section (before the
 * footer); borrowed from the reader. `what` names the region in the error. */
ff_status ff_reader_region(const ff_reader *reader, int64_t offset, int64_t len, const char *what,
                           const uint8_t **out, ff_error *err);

/* Whether the file says min_value/max_value (and the ColumnIndex) of column_idx follow the
 * type's defined sort order (a TYPE_ORDER column order). */
bool ff_reader_has_type_order(const ff_reader *reader, int32_t column_idx);

/* A split-block bloom filter: the bitset is borrowed from the reader's file bytes. */
typedef struct ff_bloom_filter {
    const uint8_t *bitset;
    size_t num_bytes; /* a multiple of 32 (one block = eight 32-bit words) */
} ff_bloom_filter;

/* Locates and checks a chunk's bloom filter. *present is false when there is none. */
ff_status ff_reader_read_bloom_filter(const ff_reader *reader, int32_t row_group_idx,
                                      int32_t column_idx, ff_bloom_filter *out, bool *present,
                                      ff_error *err);

/* False only when the value with this XXH64 hash is certainly absent. */
bool ff_bloom_filter_might_contain(const ff_bloom_filter *filter, uint64_t hash);
/* The same for a value given by its PLAIN bytes (BYTE_ARRAY: without length prefix). */
bool ff_bloom_filter_might_contain_value(const ff_bloom_filter *filter, const void *value,
                                         size_t len);

#endif
