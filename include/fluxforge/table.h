/* The in-memory data model: column types, column vectors and batches (DESIGN.md §3).
 *
 * A vector stores values in the Arrow memory layout, with the storage width of the Parquet
 * physical type, so a column goes from page to vector to page without conversion:
 *
 *   physical type         values buffer                        offsets
 *   BOOLEAN               1 byte per slot (0 or 1)             -
 *   INT32 / FLOAT         4 bytes per slot, little-endian      -
 *   INT64 / DOUBLE        8 bytes per slot                     -
 *   INT96                 12 bytes per slot                    -
 *   FIXED_LEN_BYTE_ARRAY  type_length bytes per slot           -
 *   BYTE_ARRAY            concatenated bytes                   int64, length + 1 entries
 *
 * Booleans take a byte per slot rather than Arrow's bit because every consumer here (the
 * evaluator, the encoders) wants them addressable; the Arrow C Data export packs them.
 * Offsets are 64-bit (Arrow's "large" string/binary) because a single Parquet column chunk
 * may hold more than 2 GiB of strings.
 *
 * Validity is a bitmap, bit i of byte i/8, LSB first, 1 = valid; NULL when the vector has no
 * nulls. A null slot's value bytes are unspecified (zero for fixed width, empty for
 * BYTE_ARRAY) but always present, so slot i is at values + i * width.
 *
 * Nested leaf columns (any repetition level above 0, or a leaf under an optional group)
 * additionally carry their repetition and definition levels: then the vector is "dense":
 * `length` counts only the leaf values that are present (def level == max), validity is
 * NULL, and `num_levels` counts the level entries. Flat columns have no levels. */
#ifndef FLUXFORGE_TABLE_H
#define FLUXFORGE_TABLE_H

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Parquet physical types; values are parquet.thrift's Type wire values. */
typedef enum ff_physical_type {
    FF_PHYSICAL_BOOLEAN = 0,
    FF_PHYSICAL_INT32 = 1,
    FF_PHYSICAL_INT64 = 2,
    FF_PHYSICAL_INT96 = 3,
    FF_PHYSICAL_FLOAT = 4,
    FF_PHYSICAL_DOUBLE = 5,
    FF_PHYSICAL_BYTE_ARRAY = 6,
    FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY = 7,
} ff_physical_type;

/* What the stored values mean. Parquet's LogicalType union and the legacy ConvertedType
 * both map onto this one list (see src/parquet/schema/). */
typedef enum ff_logical_kind {
    FF_LOGICAL_NONE = 0, /* plain physical values: un-annotated INT32/INT64/..., binary */
    FF_LOGICAL_STRING,   /* UTF8 / STRING */
    FF_LOGICAL_ENUM,
    FF_LOGICAL_JSON,
    FF_LOGICAL_BSON,
    FF_LOGICAL_UUID,
    FF_LOGICAL_INT,     /* bit_width + is_signed */
    FF_LOGICAL_DECIMAL, /* precision + scale */
    FF_LOGICAL_DATE,
    FF_LOGICAL_TIME,      /* unit + is_adjusted_to_utc */
    FF_LOGICAL_TIMESTAMP, /* unit + is_adjusted_to_utc */
    FF_LOGICAL_INTERVAL,
    FF_LOGICAL_FLOAT16,
    FF_LOGICAL_NULL, /* the UNKNOWN / NULL logical type: always null */
    FF_LOGICAL_GEOMETRY,
    FF_LOGICAL_GEOGRAPHY,
    FF_LOGICAL_UNKNOWN, /* a logical type id this version does not know: treated as binary */
    FF_LOGICAL_LIST,    /* group annotations */
    FF_LOGICAL_MAP,
    FF_LOGICAL_VARIANT,
} ff_logical_kind;

typedef enum ff_time_unit {
    FF_TIME_MILLIS = 0,
    FF_TIME_MICROS = 1,
    FF_TIME_NANOS = 2,
} ff_time_unit;

/* A leaf type: storage plus meaning. Zero-initialised means BOOLEAN with no annotation. */
typedef struct ff_type {
    ff_physical_type physical;
    int32_t type_length; /* FIXED_LEN_BYTE_ARRAY width; 12 for INT96; else 0 */
    ff_logical_kind logical;
    int8_t int_bit_width; /* FF_LOGICAL_INT: 8, 16, 32, 64 */
    bool int_is_signed;
    int32_t precision; /* FF_LOGICAL_DECIMAL */
    int32_t scale;
    ff_time_unit unit; /* FF_LOGICAL_TIME, FF_LOGICAL_TIMESTAMP */
    bool is_adjusted_to_utc;
} ff_type;

/* Bytes per slot of a fixed-width physical type; 0 for BYTE_ARRAY. */
int32_t ff_type_value_width(const ff_type *type);

/* A column of values. See the file comment for the layout. All buffers are malloc'ed and
 * owned by the vector; capacities let a vector be refilled without reallocating. */
typedef struct ff_vector {
    ff_type type;
    int64_t length;     /* slots (flat), or present leaf values (nested, dense) */
    int64_t null_count; /* flat vectors only */
    uint8_t *validity;  /* NULL when every slot is valid */
    uint8_t *values;
    int64_t *offsets;    /* BYTE_ARRAY: length + 1 entries, offsets[0] == 0 */
    size_t values_len;   /* bytes used in values (BYTE_ARRAY: offsets[length]) */
    int16_t *def_levels; /* nested only: num_levels entries; NULL for flat vectors */
    int16_t *rep_levels; /* nested only; NULL when max repetition level is 0 */
    int64_t num_levels;
    size_t validity_cap, values_cap, offsets_cap, levels_cap; /* in bytes / entries */
} ff_vector;

/* Zeroes the vector and sets its type; no allocation. */
void ff_vector_init(ff_vector *vec, const ff_type *type);
/* Makes room for `length` slots of fixed width (or `length` offsets and `values_len` bytes for
 * BYTE_ARRAY), keeps existing contents, and allocates a validity bitmap when with_validity. */
ff_status ff_vector_reserve(ff_vector *vec, int64_t length, size_t values_len, bool with_validity,
                            ff_error *err);
/* Empties the vector (length 0), keeping its memory for reuse. */
void ff_vector_reset(ff_vector *vec);
/* Releases every buffer; the vector is empty afterwards. Accepts NULL. */
void ff_vector_free(ff_vector *vec);
/* True when slot i is null (flat vectors). */
static inline bool ff_vector_is_null(const ff_vector *vec, int64_t i) {
    return vec->validity && !((vec->validity[i >> 3] >> (i & 7)) & 1);
}

/* A field of a flat table schema: what expressions bind names to. */
typedef struct ff_field {
    const char *name; /* borrowed from whoever owns the schema */
    ff_type type;
    bool is_nullable;
} ff_field;

typedef struct ff_table_schema {
    int32_t num_fields;
    const ff_field *fields; /* borrowed */
} ff_table_schema;

/* A batch: equally long columns, in the order of some ff_table_schema. The batch owns the
 * array of vectors and each vector's buffers. */
typedef struct ff_batch {
    int64_t num_rows;
    int32_t num_columns;
    ff_vector *columns;
} ff_batch;

ff_status ff_batch_init(ff_batch *batch, int32_t num_columns, ff_error *err);
void ff_batch_reset(ff_batch *batch);
void ff_batch_free(ff_batch *batch);

#ifdef __cplusplus
}
#endif
#endif
