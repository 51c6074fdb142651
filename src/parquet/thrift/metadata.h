/* Parquet metadata structures, as parquet.thrift defines them, and their compact-protocol
 * encoding and decoding.
 *
 * These are the wire structs: field for field what the IDL says, with `has_` flags for
 * optional fields and pointer+count pairs for lists. They are private to src/parquet; the
 * schema layer converts them to the public model at one boundary (src/parquet/schema/).
 * Field comments give the IDL field id, so a reader can check them against
 * parquet-format's src/main/thrift/parquet.thrift.
 *
 * Decoding copies every string and binary field into a caller-supplied arena, so the
 * decoded struct is independent of the input bytes and dies with the arena. Unknown fields
 * are skipped; nesting deeper than FF_THRIFT_MAX_DEPTH, lists longer than what remains in
 * the input, and enum values outside the known range where the spec forbids them are
 * reported as FF_ERR_CORRUPT with the offset. Encoding writes the fields that are set, in
 * field-id order. Encryption structures are recognised only so that encrypted files can be
 * refused by name. */
#ifndef FF_PARQUET_THRIFT_METADATA_H
#define FF_PARQUET_THRIFT_METADATA_H

#include "util/cursor.h"
#include "util/mem.h"

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stdint.h>

#define FF_THRIFT_MAX_DEPTH 64

/* A byte string owned by the arena the struct was decoded into (or by whoever filled it
 * for encoding). data may be NULL when len == 0. */
typedef struct ff_pq_bytes {
    const uint8_t *data;
    int64_t len;
} ff_pq_bytes;

/* Enum wire values (parquet.thrift). */
enum {
    FF_PQ_REQUIRED = 0,
    FF_PQ_OPTIONAL = 1,
    FF_PQ_REPEATED = 2,
};

typedef enum ff_pq_encoding {
    FF_ENC_PLAIN = 0,
    FF_ENC_PLAIN_DICTIONARY = 2,
    FF_ENC_RLE = 3,
    FF_ENC_BIT_PACKED = 4,
    FF_ENC_DELTA_BINARY_PACKED = 5,
    FF_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    FF_ENC_DELTA_BYTE_ARRAY = 7,
    FF_ENC_RLE_DICTIONARY = 8,
    FF_ENC_BYTE_STREAM_SPLIT = 9,
} ff_pq_encoding;

typedef enum ff_pq_codec {
    FF_CODEC_UNCOMPRESSED = 0,
    FF_CODEC_SNAPPY = 1,
    FF_CODEC_GZIP = 2,
    FF_CODEC_LZO = 3,
    FF_CODEC_BROTLI = 4,
    FF_CODEC_LZ4 = 5, /* deprecated Hadoop-framed LZ4 (or, from old writers, raw blocks) */
    FF_CODEC_ZSTD = 6,
    FF_CODEC_LZ4_RAW = 7,
} ff_pq_codec;

typedef enum ff_pq_page_type {
    FF_PAGE_DATA = 0,
    FF_PAGE_INDEX = 1,
    FF_PAGE_DICTIONARY = 2,
    FF_PAGE_DATA_V2 = 3,
} ff_pq_page_type;

/* ConvertedType wire values (legacy annotations). */
typedef enum ff_pq_converted_type {
    FF_CT_UTF8 = 0,
    FF_CT_MAP = 1,
    FF_CT_MAP_KEY_VALUE = 2,
    FF_CT_LIST = 3,
    FF_CT_ENUM = 4,
    FF_CT_DECIMAL = 5,
    FF_CT_DATE = 6,
    FF_CT_TIME_MILLIS = 7,
    FF_CT_TIME_MICROS = 8,
    FF_CT_TIMESTAMP_MILLIS = 9,
    FF_CT_TIMESTAMP_MICROS = 10,
    FF_CT_UINT_8 = 11,
    FF_CT_UINT_16 = 12,
    FF_CT_UINT_32 = 13,
    FF_CT_UINT_64 = 14,
    FF_CT_INT_8 = 15,
    FF_CT_INT_16 = 16,
    FF_CT_INT_32 = 17,
    FF_CT_INT_64 = 18,
    FF_CT_JSON = 19,
    FF_CT_BSON = 20,
    FF_CT_INTERVAL = 21,
} ff_pq_converted_type;

/* LogicalType union: `kind` is the id of the union member that was set (0 = none). */
typedef enum ff_pq_logical_kind {
    FF_LT_NONE = 0,
    FF_LT_STRING = 1,
    FF_LT_MAP = 2,
    FF_LT_LIST = 3,
    FF_LT_ENUM = 4,
    FF_LT_DECIMAL = 5,
    FF_LT_DATE = 6,
    FF_LT_TIME = 7,
    FF_LT_TIMESTAMP = 8,
    /* 9 is reserved (INTERVAL) */
    FF_LT_INTEGER = 10,
    FF_LT_UNKNOWN = 11, /* the NULL type */
    FF_LT_JSON = 12,
    FF_LT_BSON = 13,
    FF_LT_UUID = 14,
    FF_LT_FLOAT16 = 15,
    FF_LT_VARIANT = 16,
    FF_LT_GEOMETRY = 17,
    FF_LT_GEOGRAPHY = 18,
    FF_LT_FUTURE = 1000, /* a member id this version does not know */
} ff_pq_logical_kind;

typedef struct ff_pq_logical_type {
    ff_pq_logical_kind kind;
    int32_t unknown_field_id; /* FF_LT_FUTURE: the id that was set */
    int32_t decimal_scale;    /* DecimalType 1: scale, 2: precision */
    int32_t decimal_precision;
    bool time_is_adjusted_to_utc; /* TimeType/TimestampType 1: isAdjustedToUTC */
    int32_t time_unit;    /* 2: unit; 0 MILLIS, 1 MICROS, 2 NANOS (TimeUnit member id - 1) */
    int8_t int_bit_width; /* IntType 1: bitWidth */
    bool int_is_signed;   /* IntType 2: isSigned */
} ff_pq_logical_type;

/* SchemaElement */
typedef struct ff_pq_schema_element {
    bool has_type;
    int32_t type; /* 1: Type (ff_physical_type) */
    bool has_type_length;
    int32_t type_length; /* 2 */
    bool has_repetition_type;
    int32_t repetition_type; /* 3: FieldRepetitionType */
    const char *name;        /* 4: required */
    bool has_num_children;
    int32_t num_children; /* 5 */
    bool has_converted_type;
    int32_t converted_type; /* 6 */
    bool has_scale;
    int32_t scale; /* 7 */
    bool has_precision;
    int32_t precision; /* 8 */
    bool has_field_id;
    int32_t field_id; /* 9 */
    bool has_logical_type;
    ff_pq_logical_type logical_type; /* 10 */
} ff_pq_schema_element;

/* KeyValue */
typedef struct ff_pq_key_value {
    const char *key;   /* 1 */
    bool has_value;    /* a key without value is legal */
    ff_pq_bytes value; /* 2: a UTF-8 string on the wire, kept as bytes (NUL-terminated copy) */
} ff_pq_key_value;

/* Statistics */
typedef struct ff_pq_statistics {
    bool has_max, has_min, has_null_count, has_distinct_count, has_max_value, has_min_value;
    bool has_is_max_value_exact, has_is_min_value_exact;
    ff_pq_bytes max;         /* 1: deprecated, signed sort order */
    ff_pq_bytes min;         /* 2: deprecated */
    int64_t null_count;      /* 3 */
    int64_t distinct_count;  /* 4 */
    ff_pq_bytes max_value;   /* 5: the column order's sort order */
    ff_pq_bytes min_value;   /* 6 */
    bool is_max_value_exact; /* 7 */
    bool is_min_value_exact; /* 8 */
} ff_pq_statistics;

/* PageEncodingStats */
typedef struct ff_pq_page_encoding_stats {
    int32_t page_type; /* 1 */
    int32_t encoding;  /* 2 */
    int32_t count;     /* 3 */
} ff_pq_page_encoding_stats;

/* ColumnMetaData */
typedef struct ff_pq_column_metadata {
    int32_t type;          /* 1 */
    int32_t num_encodings; /* 2: list<Encoding> */
    int32_t *encodings;
    int32_t path_len; /* 3: list<string> path_in_schema */
    const char **path_in_schema;
    int32_t codec;                   /* 4 */
    int64_t num_values;              /* 5 */
    int64_t total_uncompressed_size; /* 6 */
    int64_t total_compressed_size;   /* 7 */
    int32_t num_key_value_metadata;  /* 8 */
    ff_pq_key_value *key_value_metadata;
    int64_t data_page_offset; /* 9 */
    bool has_index_page_offset;
    int64_t index_page_offset; /* 10 */
    bool has_dictionary_page_offset;
    int64_t dictionary_page_offset; /* 11 */
    bool has_statistics;
    ff_pq_statistics statistics; /* 12 */
    int32_t num_encoding_stats;  /* 13 */
    ff_pq_page_encoding_stats *encoding_stats;
    bool has_bloom_filter_offset;
    int64_t bloom_filter_offset; /* 14 */
    bool has_bloom_filter_length;
    int32_t bloom_filter_length; /* 15 */
    /* 16 size_statistics and 17 geospatial_statistics are skipped on read, never written. */
} ff_pq_column_metadata;

/* ColumnChunk */
typedef struct ff_pq_column_chunk {
    const char *file_path; /* 1: NULL when absent (data in this file) */
    int64_t file_offset;   /* 2 */
    bool has_meta_data;
    ff_pq_column_metadata meta_data; /* 3 */
    bool has_offset_index;
    int64_t offset_index_offset; /* 4 */
    int32_t offset_index_length; /* 5 */
    bool has_column_index;
    int64_t column_index_offset;        /* 6 */
    int32_t column_index_length;        /* 7 */
    bool has_crypto_metadata;           /* 8: ColumnCryptoMetaData present: encrypted column */
    bool has_encrypted_column_metadata; /* 9 */
} ff_pq_column_chunk;

/* SortingColumn */
typedef struct ff_pq_sorting_column {
    int32_t column_idx; /* 1 */
    bool descending;    /* 2 */
    bool nulls_first;   /* 3 */
} ff_pq_sorting_column;

/* RowGroup */
typedef struct ff_pq_row_group {
    int32_t num_columns; /* 1: list<ColumnChunk> */
    ff_pq_column_chunk *columns;
    int64_t total_byte_size;     /* 2 */
    int64_t num_rows;            /* 3 */
    int32_t num_sorting_columns; /* 4 */
    ff_pq_sorting_column *sorting_columns;
    bool has_file_offset;
    int64_t file_offset; /* 5 */
    bool has_total_compressed_size;
    int64_t total_compressed_size; /* 6 */
    bool has_ordinal;
    int16_t ordinal; /* 7 */
} ff_pq_row_group;

/* ColumnOrder union: 1 TYPE_ORDER, anything else unknown. */
typedef struct ff_pq_column_order {
    int32_t kind; /* the member id that was set; 0 when none */
} ff_pq_column_order;

/* FileMetaData */
typedef struct ff_pq_file_metadata {
    int32_t version;    /* 1 */
    int32_t num_schema; /* 2: list<SchemaElement>, depth-first */
    ff_pq_schema_element *schema;
    int64_t num_rows;       /* 3 */
    int32_t num_row_groups; /* 4 */
    ff_pq_row_group *row_groups;
    int32_t num_key_value_metadata; /* 5 */
    ff_pq_key_value *key_value_metadata;
    const char *created_by;    /* 6: NULL when absent */
    int32_t num_column_orders; /* 7 */
    ff_pq_column_order *column_orders;
    bool has_encryption_algorithm; /* 8: plaintext footer of an encrypted file */
} ff_pq_file_metadata;

/* DataPageHeader */
typedef struct ff_pq_data_page_header {
    int32_t num_values;                /* 1 */
    int32_t encoding;                  /* 2 */
    int32_t definition_level_encoding; /* 3 */
    int32_t repetition_level_encoding; /* 4 */
    bool has_statistics;
    ff_pq_statistics statistics; /* 5 */
} ff_pq_data_page_header;

/* DictionaryPageHeader */
typedef struct ff_pq_dictionary_page_header {
    int32_t num_values; /* 1 */
    int32_t encoding;   /* 2 */
    bool has_is_sorted;
    bool is_sorted; /* 3 */
} ff_pq_dictionary_page_header;

/* DataPageHeaderV2 */
typedef struct ff_pq_data_page_header_v2 {
    int32_t num_values;                    /* 1 */
    int32_t num_nulls;                     /* 2 */
    int32_t num_rows;                      /* 3 */
    int32_t encoding;                      /* 4 */
    int32_t definition_levels_byte_length; /* 5 */
    int32_t repetition_levels_byte_length; /* 6 */
    bool is_compressed;                    /* 7: defaults to true when absent */
    bool has_statistics;
    ff_pq_statistics statistics; /* 8 */
} ff_pq_data_page_header_v2;

/* PageHeader */
typedef struct ff_pq_page_header {
    int32_t type;                   /* 1: PageType */
    int32_t uncompressed_page_size; /* 2 */
    int32_t compressed_page_size;   /* 3 */
    bool has_crc;
    int32_t crc; /* 4: CRC-32 (gzip polynomial) of the page data after the header */
    bool has_data_page_header;
    ff_pq_data_page_header data_page_header; /* 5 */
    bool has_index_page_header;              /* 6: empty struct */
    bool has_dictionary_page_header;
    ff_pq_dictionary_page_header dictionary_page_header; /* 7 */
    bool has_data_page_header_v2;
    ff_pq_data_page_header_v2 data_page_header_v2; /* 8 */
} ff_pq_page_header;

/* ColumnIndex */
typedef struct ff_pq_column_index {
    int32_t num_pages;
    bool *null_pages;        /* 1: list<bool> */
    ff_pq_bytes *min_values; /* 2: list<binary> */
    ff_pq_bytes *max_values; /* 3: list<binary> */
    int32_t boundary_order;  /* 4: 0 UNORDERED, 1 ASCENDING, 2 DESCENDING */
    bool has_null_counts;
    int64_t *null_counts; /* 5: list<i64>, num_pages entries when present */
    /* 6 repetition_level_histograms, 7 definition_level_histograms: skipped */
} ff_pq_column_index;

/* PageLocation */
typedef struct ff_pq_page_location {
    int64_t offset;               /* 1 */
    int32_t compressed_page_size; /* 2 */
    int64_t first_row_index;      /* 3 */
} ff_pq_page_location;

/* OffsetIndex */
typedef struct ff_pq_offset_index {
    int32_t num_pages; /* 1: list<PageLocation> */
    ff_pq_page_location *page_locations;
    /* 2 unencoded_byte_array_data_bytes: skipped */
} ff_pq_offset_index;

/* BloomFilterHeader: only SPLIT_BLOCK / XXHASH / UNCOMPRESSED exist in the spec. */
typedef struct ff_pq_bloom_filter_header {
    int32_t num_bytes;        /* 1 */
    int32_t algorithm_kind;   /* 2: union member id; 1 BLOCK */
    int32_t hash_kind;        /* 3: union member id; 1 XXHASH */
    int32_t compression_kind; /* 4: union member id; 1 UNCOMPRESSED */
} ff_pq_bloom_filter_header;

/* Decoders. `data`/`cur` are borrowed for the call; results live in `arena`. A decoder
 * consumes exactly one struct; for the ones that take a cursor, the cursor ends after it
 * (which is how a page's data offset is found after its header). */
ff_status ff_thrift_decode_file_metadata(const uint8_t *data, size_t len, ff_arena *arena,
                                         ff_pq_file_metadata *out, ff_error *err);
ff_status ff_thrift_decode_page_header(ff_cursor *cur, ff_arena *arena, ff_pq_page_header *out,
                                       ff_error *err);
ff_status ff_thrift_decode_column_index(const uint8_t *data, size_t len, ff_arena *arena,
                                        ff_pq_column_index *out, ff_error *err);
ff_status ff_thrift_decode_offset_index(const uint8_t *data, size_t len, ff_arena *arena,
                                        ff_pq_offset_index *out, ff_error *err);
ff_status ff_thrift_decode_bloom_filter_header(ff_cursor *cur, ff_pq_bloom_filter_header *out,
                                               ff_error *err);

/* Encoders: append one struct in compact protocol to `out`. */
ff_status ff_thrift_encode_file_metadata(const ff_pq_file_metadata *md, ff_buf *out, ff_error *err);
ff_status ff_thrift_encode_page_header(const ff_pq_page_header *header, ff_buf *out, ff_error *err);
ff_status ff_thrift_encode_column_index(const ff_pq_column_index *index, ff_buf *out,
                                        ff_error *err);
ff_status ff_thrift_encode_offset_index(const ff_pq_offset_index *index, ff_buf *out,
                                        ff_error *err);
ff_status ff_thrift_encode_bloom_filter_header(const ff_pq_bloom_filter_header *header, ff_buf *out,
                                               ff_error *err);

#endif
