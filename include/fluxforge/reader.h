/* The Parquet file reader (DESIGN.md §4).
 *
 * A reader is an open Parquet file: its footer decoded, its schema built, and its bytes
 * mapped (or borrowed from memory). Nothing past the footer is read at open; row groups,
 * column chunks, statistics, page indexes and bloom filters are read when asked for, so a
 * caller that wants two columns of one row group touches only those two chunks.
 *
 * Reading a row group fills an ff_batch with one vector per selected leaf column, in the
 * layout of <fluxforge/table.h>: flat columns as Arrow-style slots with a validity bitmap,
 * nested leaves as dense values plus repetition/definition levels. The batch and the
 * reader's scratch buffers are reused from one row group to the next, so a scan allocates
 * per row group at most, never per value.
 *
 * Everything in the file is untrusted: offsets and sizes are checked against the file and
 * each other, counts against the footer, levels against the schema, dictionary indices
 * against the dictionary, and page CRCs when the writer stored them. Errors name the file
 * and where in it the problem is, outermost first:
 *
 *     part-1.parquet: row group 2: column 'price': page 5: RLE bit width 254 exceeds 32
 *
 * Encrypted files (PARE magic, or a plaintext footer with encryption metadata) are refused
 * with FF_ERR_UNSUPPORTED. One reader is used by one thread at a time. */
#ifndef FLUXFORGE_READER_H
#define FLUXFORGE_READER_H

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ff_reader ff_reader;
/* The schema tree and the decoded footer; their layouts are internal to the library
 * (src/parquet/schema/schema.h, src/parquet/thrift/metadata.h). */
typedef struct ff_schema ff_schema;
typedef struct ff_pq_file_metadata ff_pq_file_metadata;

typedef struct ff_reader_options {
    /* Check page CRCs where the writer stored them (default true). A mismatch is
     * FF_ERR_CORRUPT "page N: CRC mismatch". */
    bool verify_crc;
    /* Upper bound on the memory one column chunk may decode to (values, offsets, levels)
     * and on one page's uncompressed size; beyond it reading fails with FF_ERR_LIMIT rather
     * than allocating. Default 64 GiB, i.e. what the machine has. */
    size_t max_chunk_bytes;
} ff_reader_options;

/* Fills the defaults. */
void ff_reader_options_init(ff_reader_options *options);

/* Opens and maps the file at `path` (borrowed for the call) and decodes its footer.
 * options may be NULL for the defaults. Caller owns *out; free with ff_reader_free().
 * @return FF_OK; FF_ERR_IO when the file cannot be opened or mapped; FF_ERR_CORRUPT when it
 *         is not a well-formed Parquet file; FF_ERR_UNSUPPORTED when it is encrypted. */
ff_status ff_reader_open(const char *path, const ff_reader_options *options, ff_reader **out,
                         ff_error *err);

/* Like ff_reader_open() over a whole Parquet file already in memory. `data` is borrowed
 * until ff_reader_free(); `name` (borrowed for the call) is used in error messages. */
ff_status ff_reader_open_memory(const void *data, size_t len, const char *name,
                                const ff_reader_options *options, ff_reader **out, ff_error *err);

/* Unmaps the file and releases everything the reader owns. Accepts NULL. */
void ff_reader_free(ff_reader *reader);

/* The name errors use: the path's last component. Owned by the reader. */
const char *ff_reader_name(const ff_reader *reader);
/* Size of the file in bytes. */
int64_t ff_reader_file_size(const ff_reader *reader);
int32_t ff_reader_num_row_groups(const ff_reader *reader);
/* Rows in the file: the sum over the row groups (FileMetaData.num_rows is not trusted;
 * some writers leave it 0). */
int64_t ff_reader_num_rows(const ff_reader *reader);
/* Rows in one row group; -1 for an index out of range. */
int64_t ff_reader_row_group_num_rows(const ff_reader *reader, int32_t row_group_idx);
/* Leaf columns of the schema (the columns of each row group). */
int32_t ff_reader_num_columns(const ff_reader *reader);
/* The schema tree. Owned by the reader. */
const ff_schema *ff_reader_schema(const ff_reader *reader);
/* The decoded footer. Owned by the reader. */
const ff_pq_file_metadata *ff_reader_metadata(const ff_reader *reader);
/* FileMetaData.created_by, or NULL. Owned by the reader. */
const char *ff_reader_created_by(const ff_reader *reader);

/* File-level key/value metadata. *key and *value are owned by the reader; *value is NULL
 * for a key stored without value. @return false for an index out of range. */
int32_t ff_reader_num_key_values(const ff_reader *reader);
bool ff_reader_key_value(const ff_reader *reader, int32_t kv_idx, const char **key,
                         const uint8_t **value, size_t *value_len);

/* Statistics of one column chunk, as stored. min/max are PLAIN-encoded values (for
 * BYTE_ARRAY, the bytes without length prefix) owned by the reader; has_min_max is false
 * when the writer stored none, or stored only the deprecated signed-order min/max for a
 * type whose order is unsigned (they cannot be trusted then). */
typedef struct ff_column_stats {
    bool has_min_max;
    const uint8_t *min;
    size_t min_len;
    const uint8_t *max;
    size_t max_len;
    bool has_null_count;
    int64_t null_count;
    bool has_distinct_count;
    int64_t distinct_count;
} ff_column_stats;

/* @return FF_ERR_INVALID_ARGUMENT for an index out of range. */
ff_status ff_reader_column_stats(const ff_reader *reader, int32_t row_group_idx, int32_t column_idx,
                                 ff_column_stats *out, ff_error *err);

/* Reads the chosen leaf columns (indices into the schema's leaves, in the order given;
 * NULL with num_columns -1 means all) of one row group into `out`. `out` must have been
 * initialised (ff_batch_init, or zeroed); its vectors are reused when the column count
 * matches and replaced otherwise. Columns not chosen are not read.
 * On failure `out` holds no rows and the error names file, row group, column and page. */
ff_status ff_reader_read_row_group(ff_reader *reader, int32_t row_group_idx, const int32_t *columns,
                                   int32_t num_columns, ff_batch *out, ff_error *err);

/* The content fingerprint of ../shared/corpus/README.md: the wrapping sum over all rows of
 * FNV-1a 64 of each row's canonical text. *num_rows gets the rows summed (may be NULL). */
ff_status ff_reader_fingerprint(ff_reader *reader, uint64_t *fingerprint, int64_t *num_rows,
                                ff_error *err);

#ifdef __cplusplus
}
#endif
#endif
