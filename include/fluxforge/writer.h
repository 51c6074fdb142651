/* FluxForge Parquet writer.
 *
 * A writer turns batches (include/fluxforge/table.h) into one Parquet file that DuckDB,
 * Polars, PyArrow, Spark and Trino read back with the same values, types and nulls
 * (DESIGN.md §4). It is what every operation ends with, so it favours fidelity first and
 * then compact, fast-to-query output:
 *
 *  - The schema is a schema tree (src/parquet/schema/schema.h), usually the one a reader
 *    returned: names, order, physical and logical types, field ids and repetition are
 *    written back exactly, nested groups included.
 *  - Batch columns are the schema's leaf columns in leaf order. A flat column is spaced with
 *    a validity bitmap; a nested leaf (repeated, or under an optional group) is dense and
 *    carries its definition and repetition levels, as table.h describes.
 *  - Values are dictionary-encoded (RLE_DICTIONARY with a PLAIN dictionary page) until a
 *    chunk's dictionary grows past dictionary_page_bytes; a chunk whose first values are more
 *    than one in five distinct has no dictionary at all. The data pages that do not use the
 *    dictionary take one value encoding per chunk (value_encoding, FF_VALUE_ENCODING_AUTO by
 *    default): INT32 and INT64 columns (dates, timestamps, integer decimals included)
 *    DELTA_BINARY_PACKED, FLOAT and DOUBLE columns BYTE_STREAM_SPLIT, each only when a sample
 *    of the chunk's first such page comes out clearly smaller that way than PLAIN once
 *    compressed with the file's codec; PLAIN otherwise, and always for the other types.
 *    Levels are RLE. Data pages are v1 unless v2 is asked for. Pages hold about page_bytes of
 *    values as PLAIN would store them; row groups are cut at row_group_bytes of encoded,
 *    uncompressed data or row_group_rows rows, whichever comes first, and a batch may be
 *    split over row groups.
 *  - Chunk and page statistics (min/max in each type's sort order, null counts), the page
 *    index (ColumnIndex and OffsetIndex of every chunk with more than one page, after the row
 *    groups, before the footer), page CRCs
 *    and, for the columns named in bloom_filter_columns, split-block bloom filters.
 *  - created_by is "fluxforge version 0.1.0".
 *
 * Key-value metadata: the pairs in the options are written as given, except the ones that
 * describe a schema (ARROW:schema, pandas, org.apache.spark.sql.parquet.row.metadata): those
 * are kept only when metadata_source_schema is given and is identical to the schema being
 * written, because after any schema change they would describe columns that no longer exist
 * or have other types, and readers trust them over the Parquet schema.
 *
 * The writer writes to the path it is given, creating or truncating it; writing to a
 * temporary name and renaming is the dataset layer's job. Column chunks are buffered in
 * memory until their row group is complete, so memory is about one row group of compressed
 * data. Errors name the path ("out.parquet: row group 3: column 'price': ..."); a full disk
 * is FF_ERR_NO_SPACE. After an error the writer only accepts ff_writer_free(), and the file
 * is left incomplete for the caller to remove.
 *
 * One writer is used by one thread at a time. */
#ifndef FLUXFORGE_WRITER_H
#define FLUXFORGE_WRITER_H

#include <fluxforge/error.h>
#include <fluxforge/reader.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The schema tree of src/parquet/schema/schema.h. */
typedef struct ff_schema ff_schema;

typedef struct ff_writer ff_writer;

/* Compression codecs; values are parquet.thrift's CompressionCodec wire values. */
typedef enum ff_compression {
    FF_COMPRESSION_UNCOMPRESSED = 0,
    FF_COMPRESSION_SNAPPY = 1,
    FF_COMPRESSION_GZIP = 2,
    FF_COMPRESSION_BROTLI = 4,
    FF_COMPRESSION_ZSTD = 6,
    FF_COMPRESSION_LZ4_RAW = 7,
} ff_compression;

/* How the values of data pages that do not use the dictionary are encoded. */
typedef enum ff_value_encoding {
    /* Per column chunk, PLAIN or the type's alternative, whichever is smaller: the first
     * 16 KiB of the chunk's first page without dictionary are encoded both ways and
     * compressed with the file's codec, and the alternative must come out at least 1/64
     * smaller. The alternative is DELTA_BINARY_PACKED for INT32 and INT64, which stores
     * ordered series (ids, timestamps) in the bits of their steps, and BYTE_STREAM_SPLIT
     * for FLOAT and DOUBLE, which wins on measurements whose low-order digits look random
     * (trade sizes, ratios) and compresses several times faster there; prices on a tick grid
     * stay PLAIN, as their repeating low-order bytes compress better whole. Without
     * compression only DELTA_BINARY_PACKED can win. */
    FF_VALUE_ENCODING_AUTO = 0,
    /* Always PLAIN, for readers without DELTA_BINARY_PACKED or BYTE_STREAM_SPLIT (older
     * releases of some, such as Polars before mid-2024 for BYTE_STREAM_SPLIT). */
    FF_VALUE_ENCODING_PLAIN = 1,
} ff_value_encoding;

/* One key-value metadata pair; value may be NULL (a key without a value). */
typedef struct ff_key_value {
    const char *key;
    const char *value;
} ff_key_value;

typedef struct ff_writer_options {
    ff_compression compression;    /* default FF_COMPRESSION_ZSTD */
    int compression_level;         /* -1: the codec's default (ZSTD 3); default -1 */
    int data_page_version;         /* 1 (default) or 2 */
    int64_t row_group_bytes;       /* encoded, uncompressed bytes per row group; default 128 MiB */
    int64_t row_group_rows;        /* rows per row group at most; default 1,048,576 */
    int64_t page_bytes;            /* target encoded size of a data page; default 1 MiB */
    int64_t page_rows;             /* rows per data page at most; 0 (default): no limit,
                                      pages are cut by page_bytes only */
    bool use_dictionary;           /* default true */
    int64_t dictionary_page_bytes; /* dictionary size that ends the dictionary; default 1 MiB */
    bool write_statistics;         /* chunk and page min/max/null_count; default true */
    bool write_page_index;         /* ColumnIndex + OffsetIndex; default true */
    bool write_page_crc;           /* CRC-32 in every page header; default true */
    int32_t statistics_truncate_bytes; /* byte-string bounds longer than this are truncated
                                          (not exact); 0 = never; default 64 */
    /* Encoding of the values of pages without dictionary; default FF_VALUE_ENCODING_AUTO. */
    ff_value_encoding value_encoding;
    /* Columns that get a bloom filter: top-level names or dotted leaf paths ("a.b.c").
     * Borrowed for the call of ff_writer_open. */
    const char *const *bloom_filter_columns;
    int32_t num_bloom_filter_columns;
    double bloom_filter_fpp; /* target false-positive probability; default 0.01 */
    /* Key-value metadata to write, usually the source file's (see the file comment).
     * Borrowed for the call of ff_writer_open. */
    const ff_key_value *key_value_metadata;
    int32_t num_key_value_metadata;
    /* The schema the metadata above came with; NULL when unknown. Borrowed for the call. */
    const ff_schema *metadata_source_schema;
} ff_writer_options;

/* Fills *options with the defaults listed above. */
void ff_writer_options_init(ff_writer_options *options);

/* Creates (or truncates) the file at path and prepares to write batches of `schema`.
 * path, schema and options are borrowed for the call (the writer keeps copies).
 * @return FF_OK; FF_ERR_INVALID_ARGUMENT for bad options or an unknown bloom filter column;
 * FF_ERR_IO / FF_ERR_NO_SPACE when the file cannot be created. Caller owns *out; free with
 * ff_writer_free(). */
ff_status ff_writer_open(const char *path, const ff_schema *schema,
                         const ff_writer_options *options, ff_writer **out, ff_error *err);

/* Appends the rows of batch (borrowed for the call): one column per leaf of the schema, in
 * leaf order, each with the leaf's physical type. Completed row groups are written out.
 * @return FF_OK; FF_ERR_SCHEMA when a column's type does not match; FF_ERR_INVALID_ARGUMENT
 * for inconsistent vectors (lengths, levels, nulls in a required column); FF_ERR_IO /
 * FF_ERR_NO_SPACE on write errors; FF_ERR_LIMIT for values Parquet cannot hold. */
ff_status ff_writer_write_batch(ff_writer *writer, const ff_batch *batch, ff_error *err);

/* Writes one row group whose columns come from two places: the columns with copy[i] true are
 * copied from row group row_group_idx of `source` as their encoded bytes (pages, statistics,
 * page index, bloom filter; the source's codec and encodings are kept), the others are
 * encoded from batch->columns[i], which must hold the source row group's number of rows
 * (batch may be NULL when every column is copied; the copied columns' vectors are not read).
 * Rows buffered by earlier ff_writer_write_batch calls are flushed first as their own row
 * group. Leaf i of the source schema must be described exactly like leaf i of the writer's.
 * Only copy columns that ff_writer_can_copy_column() accepted.
 * @return FF_OK; FF_ERR_SCHEMA when the schemas' leaves differ; the errors of
 * ff_writer_write_batch. */
ff_status ff_writer_write_row_group_copy(ff_writer *writer, const ff_reader *source,
                                         int32_t row_group_idx, const bool *copy,
                                         const ff_batch *batch, ff_error *err);

/* Whether column column_idx of the source's row group can be copied by
 * ff_writer_write_row_group_copy: its pages are in the file and their headers agree with the
 * chunk's sizes and value count. False is not an error: such a column is encoded instead. */
bool ff_writer_can_copy_column(const ff_reader *source, int32_t row_group_idx, int32_t column_idx);

/* Writes the last row group, the bloom filters, the page index and the footer, and closes
 * the file. A writer without rows writes a valid file with no row groups.
 * @return FF_OK, or the write error. */
ff_status ff_writer_close(ff_writer *writer, ff_error *err);

/* Rows written so far (buffered ones included). */
int64_t ff_writer_num_rows(const ff_writer *writer);

/* Bytes written to the file so far; after a successful close, the file size. */
int64_t ff_writer_bytes_written(const ff_writer *writer);

/* Releases the writer; closes the file if still open (without writing a footer). Accepts NULL. */
void ff_writer_free(ff_writer *writer);

/* Rewrites the Parquet file at src_path into dst_path through the reader and a writer: the
 * same schema, rows in the same order and the source's key-value metadata (all of it, as the
 * schema does not change), with the codec, page and row-group settings of options (NULL for
 * the defaults; its key_value_metadata and metadata_source_schema are ignored). Reads one
 * row group at a time. Paths are borrowed for the call. dst_path must not name the source.
 * *num_rows (may be NULL) gets the rows copied. On failure dst_path may hold a partial file.
 * @return FF_OK, or the reader's or the writer's error. */
ff_status ff_writer_copy_file(const char *src_path, const char *dst_path,
                              const ff_writer_options *options, int64_t *num_rows, ff_error *err);

#ifdef __cplusplus
}
#endif
#endif
