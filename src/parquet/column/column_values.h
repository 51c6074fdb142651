/* A dense, borrowed view of column values without nulls: the form in which the writer's
 * statistics, dictionary builder and bloom filter see a run of values.
 *
 * Fixed-width physical types (BOOLEAN as one byte per value, INT32, INT64, INT96, FLOAT,
 * DOUBLE, FIXED_LEN_BYTE_ARRAY) are `count` values of `width` bytes, back to back, in their
 * PLAIN byte form. BYTE_ARRAY values are spans into the batch's bytes, so a run of strings is
 * viewed without copying them. The view borrows everything it points to. */
#ifndef FF_PARQUET_COLUMN_VALUES_H
#define FF_PARQUET_COLUMN_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* One BYTE_ARRAY value. Parquet stores lengths as 32-bit, so a longer value cannot be written. */
typedef struct ff_span {
    const uint8_t *data;
    uint32_t len;
} ff_span;

typedef struct ff_dense_values {
    int64_t count;
    int32_t width;        /* bytes per value for fixed-width types; 0 for BYTE_ARRAY */
    const uint8_t *fixed; /* fixed-width: count * width bytes */
    const ff_span *spans; /* BYTE_ARRAY: count spans */
} ff_dense_values;

/* Bytes of value i in PLAIN form without the BYTE_ARRAY length prefix: what statistics store
 * and what the bloom filter hashes. */
static inline const uint8_t *ff_dense_value(const ff_dense_values *vals, int64_t i, size_t *len) {
    if (vals->spans) {
        *len = vals->spans[i].len;
        return vals->spans[i].data;
    }
    *len = (size_t)vals->width;
    return vals->fixed + (size_t)i * (size_t)vals->width;
}

#endif
