/* The column chunk reader: all pages of one column in one row group into one ff_vector.
 *
 * Flat columns (no repetition, no optional ancestor group) come out as Arrow-style slots:
 * one slot per row, a validity bitmap built from the definition levels, values placed in
 * their slots. Each page's values are decoded dense at the end of the vector and then
 * spread backwards in place, so no value is copied twice and no per-value call is made.
 * Nested leaves keep the dense values and their repetition/definition levels (table.h).
 *
 * Everything is checked against the footer and the schema: the chunk's byte range against
 * the file, page sizes against the chunk (leniently for a last page that overruns the
 * declared chunk size, which real writers produce and DuckDB accepts), value counts against
 * ColumnMetaData.num_values and the row group's rows, levels against their maxima, and
 * dictionary indices against the dictionary. Errors carry "page N: " for page problems; the
 * file reader adds file, row group and column. */
#ifndef FF_PARQUET_COLUMN_READER_H
#define FF_PARQUET_COLUMN_READER_H

#include "parquet/compress/codec.h"
#include "parquet/schema/schema.h"
#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buffers reused from chunk to chunk; one per thread. */
typedef struct ff_column_scratch {
    ff_codec_ctx *codec_ctx; /* owned */
    ff_buf page_buf;         /* decompressed page */
    ff_vector dict;          /* the current chunk's dictionary */
    size_t dict_max_len;     /* longest BYTE_ARRAY dictionary entry */
    uint32_t *indices;       /* dictionary indices / RLE booleans of one page */
    size_t indices_cap;      /* entries */
    int16_t *levels;         /* flat columns: definition levels of one page */
    size_t levels_cap;       /* entries */
} ff_column_scratch;

/* Caller owns the scratch; release with ff_column_scratch_free(). */
ff_status ff_column_scratch_init(ff_column_scratch *scratch, ff_error *err);
void ff_column_scratch_free(ff_column_scratch *scratch);

/* Where a chunk is and how to read it; every pointer is borrowed for the call. */
typedef struct ff_column_chunk_ref {
    const uint8_t *file; /* the whole file */
    size_t data_end;     /* start of the footer: pages must end before it */
    const ff_pq_column_chunk *chunk;
    const ff_schema_node *leaf;
    int64_t num_rows; /* the row group's rows */
    bool verify_crc;
    size_t max_bytes; /* decoded size limit (ff_reader_options.max_chunk_bytes) */
} ff_column_chunk_ref;

/* True when the leaf is stored flat (slots + validity) rather than dense with levels. */
bool ff_column_is_flat(const ff_schema_node *leaf);

/* Reads the chunk into `out` (emptied first, buffers kept). On failure `out` is emptied. */
ff_status ff_column_read_chunk(const ff_column_chunk_ref *ref, ff_column_scratch *scratch,
                               ff_vector *out, ff_error *err);

#endif
