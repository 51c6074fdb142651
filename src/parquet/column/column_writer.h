/* The writer of one leaf column: turns the column's vectors, batch after batch, into the
 * pages of a column chunk, buffered in memory until the file writer closes the row group.
 *
 * Values arrive in the layout of include/fluxforge/table.h: a flat vector is spaced, with a
 * validity bitmap, and its definition levels follow from it (a valid slot is max_def, a null
 * one max_def - 1); a nested vector is dense and brings its own levels. The writer keeps
 * one page open, cuts it at about page_bytes of encoded data or page_rows rows, and always
 * at a row boundary (repetition level 0), which the page index and data page v2 require.
 *
 * Values are dictionary-encoded (RLE_DICTIONARY, PLAIN dictionary page) while the dictionary's
 * PLAIN size stays within dictionary_bytes, and without the dictionary after that: the page
 * being filled is re-expanded to PLAIN values from the dictionary, and the rest of the chunk
 * does without. When the chunk's first values (or first page) show too many distinct values,
 * or a dictionary plus indices no smaller than the PLAIN values, the chunk has no dictionary
 * page at all. Pages without the dictionary hold PLAIN values until they are flushed, and
 * are then written in the chunk's value encoding: PLAIN, or, with auto_value_encoding,
 * DELTA_BINARY_PACKED (INT32, INT64) or BYTE_STREAM_SPLIT (FLOAT, DOUBLE) when a sample of
 * the first such page compresses clearly smaller that way (see choose_value_encoding).
 * Pages are cut by their PLAIN size whatever the encoding, so a page covers the same rows.
 * Statistics are kept per page (page header, ColumnIndex) and per chunk (ColumnMetaData); a
 * bloom filter collects the chunk's distinct hashes when asked for. */
#ifndef FF_PARQUET_COLUMN_WRITER_H
#define FF_PARQUET_COLUMN_WRITER_H

#include "parquet/column/page_writer.h"
#include "parquet/schema/schema.h"
#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct ff_column_writer_options {
    int32_t codec;        /* ff_pq_codec */
    int codec_level;      /* -1: the codec's default */
    int32_t page_version; /* 1 or 2 */
    int64_t page_bytes;   /* target encoded size of a data page */
    int64_t page_rows;    /* rows per page at most; 0 = no limit */
    bool use_dictionary;
    int64_t dictionary_bytes; /* PLAIN size at which the chunk stops using the dictionary */
    bool auto_value_encoding; /* choose DELTA_BINARY_PACKED / BYTE_STREAM_SPLIT over PLAIN */
    bool write_statistics;    /* chunk and page statistics, ColumnIndex */
    bool write_page_index;    /* ColumnIndex + OffsetIndex */
    bool write_page_crc;
    int32_t truncate_len; /* byte-string bounds; 0 = never truncate */
    bool bloom_filter;
    double bloom_fpp;
} ff_column_writer_options;

typedef struct ff_column_writer ff_column_writer;

/* A writer for `leaf` (borrowed until ff_column_writer_free; it must outlive the writer),
 * compressing through `scratch` (borrowed likewise). Caller owns *out; free with
 * ff_column_writer_free(). */
ff_status ff_column_writer_create(const ff_schema_node *leaf, const ff_column_writer_options *opts,
                                  ff_page_scratch *scratch, ff_column_writer **out, ff_error *err);
void ff_column_writer_free(ff_column_writer *cw);

/* Starts a batch: checks that vec (borrowed until the next begin_batch or finish) has the
 * column's type and holds num_rows rows, and that its levels are well formed. */
ff_status ff_column_writer_begin_batch(ff_column_writer *cw, const ff_vector *vec, int64_t num_rows,
                                       ff_error *err);
/* Writes the next num_rows rows of the current batch. */
ff_status ff_column_writer_write_rows(ff_column_writer *cw, int64_t num_rows, ff_error *err);

/* Encoded, uncompressed bytes the open chunk holds so far (pages, open page, dictionary):
 * what the row group size limit is measured in. */
int64_t ff_column_writer_buffered_bytes(const ff_column_writer *cw);

/* Closes the chunk: flushes the open page and encodes the dictionary page. The chunk's bytes
 * are then *dict_page followed by *data_pages (both owned by cw, valid until
 * ff_column_writer_reset_chunk). */
ff_status ff_column_writer_finish_chunk(ff_column_writer *cw, const ff_buf **dict_page,
                                        const ff_buf **data_pages, ff_error *err);

/* Describes the finished chunk written at file_offset: fills *out (strings and arrays in
 * arena) and appends its ColumnIndex and OffsetIndex to the two blobs, recording their
 * offsets within the blobs in out->column_index_offset / offset_index_offset (the file
 * writer adds the blobs' file offsets later). */
ff_status ff_column_writer_describe_chunk(ff_column_writer *cw, int64_t file_offset,
                                          ff_arena *arena, ff_pq_column_chunk *out,
                                          ff_buf *column_index_blob, ff_buf *offset_index_blob,
                                          ff_error *err);

/* Appends the chunk's bloom filter (header + bitset) when the column has one; *written says
 * whether it did. */
ff_status ff_column_writer_write_bloom_filter(ff_column_writer *cw, ff_buf *out, bool *written,
                                              ff_error *err);

/* Prepares for the next chunk, keeping memory. */
void ff_column_writer_reset_chunk(ff_column_writer *cw);

/* The column's dotted path, for messages. */
const char *ff_column_writer_path(const ff_column_writer *cw);

#endif
