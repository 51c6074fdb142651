/* Column statistics for the writer: min, max and null count of a page or a column chunk,
 * compared in the sort order parquet-format's ColumnOrder (TypeDefinedOrder) assigns to each
 * type, and turned into the Thrift Statistics struct and the ColumnIndex bounds.
 *
 * Sort orders (LogicalTypes.md, "Sort order"):
 *   BOOLEAN                          false < true
 *   INT32/INT64, DATE, TIME, TIMESTAMP, DECIMAL on INT32/INT64, signed INT   signed
 *   INT32/INT64 with unsigned INT (UINT_8..UINT_64)                          unsigned
 *   FLOAT, DOUBLE, FLOAT16           numeric; NaN never becomes a bound; a zero min is written
 *                                    as -0.0 and a zero max as +0.0, so that readers that
 *                                    compare either zero against the bounds stay correct
 *   BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY (strings, enums, JSON, BSON, UUID, plain binary)
 *                                    unsigned lexicographic bytes
 *   DECIMAL on BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY   signed big-endian two's complement
 *   INT96, INTERVAL, the NULL type, GEOMETRY, GEOGRAPHY, unknown logical types   undefined:
 *                                    only the null count is written
 *
 * The deprecated Statistics.min/max (fields 1 and 2, defined with signed comparison) are
 * written only for BOOLEAN, signed integers, FLOAT and DOUBLE, where the old order and the
 * type's order agree; for every other type they are left out, so an old reader never sees a
 * bound that means something else to it.
 *
 * Long byte-string bounds are truncated (arrow-rs and parquet-mr do the same, so page headers
 * and the page index stay small): the min becomes a prefix, the max a prefix whose last byte
 * is incremented, and is_{min,max}_value_exact say so. STRING values are cut at a UTF-8
 * character boundary and their max is rounded up by a whole character, so bounds stay valid
 * UTF-8. Decimal bytes are never truncated. */
#ifndef FF_PARQUET_COLUMN_STATISTICS_H
#define FF_PARQUET_COLUMN_STATISTICS_H

#include "parquet/column/column_values.h"
#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ff_sort_order {
    FF_SORT_NONE = 0, /* undefined order: null count only */
    FF_SORT_BOOLEAN,
    FF_SORT_INT32,
    FF_SORT_UINT32,
    FF_SORT_INT64,
    FF_SORT_UINT64,
    FF_SORT_FLOAT,
    FF_SORT_DOUBLE,
    FF_SORT_FLOAT16,       /* FIXED_LEN_BYTE_ARRAY(2), little-endian IEEE half */
    FF_SORT_BYTES,         /* unsigned lexicographic */
    FF_SORT_DECIMAL_BYTES, /* signed big-endian two's complement, any length */
} ff_sort_order;

/* The sort order of a leaf type. */
ff_sort_order ff_sort_order_of(const ff_type *type);

/* Compares two PLAIN-form values (no length prefix) in `order`: <0, 0 or >0. For FLOAT,
 * DOUBLE and FLOAT16 the caller excludes NaN; -0.0 and +0.0 compare equal. FF_SORT_NONE
 * compares everything equal. */
int ff_stats_compare(ff_sort_order order, const uint8_t *a, size_t a_len, const uint8_t *b,
                     size_t b_len);

typedef struct ff_stats {
    ff_sort_order order;
    bool is_utf8; /* STRING/ENUM/JSON: truncate at character boundaries */
    /* FF_SORT_BYTES: keep only this many leading bytes of the bounds (0 = all). Truncation is
     * monotone (a <= b implies prefix(a) <= prefix(b)), so the smallest prefix is the prefix
     * of the smallest value: with truncate_len + 1 bytes kept, ff_stats_bounds still writes
     * exactly what it would from the full values, and a 1 GiB string costs 65 bytes here. */
    int32_t keep_len;
    bool has_min_max;   /* at least one non-null, non-NaN value was seen */
    int64_t null_count; /* maintained by the caller; merged and written here */
    ff_buf min;         /* PLAIN bytes of the smallest value so far (owned) */
    ff_buf max;
} ff_stats;

/* No allocation until the first value. Byte-string bounds are kept whole; see keep_len. */
void ff_stats_init(ff_stats *stats, const ff_type *type);
/* Forgets the values, keeps the memory and the type. */
void ff_stats_reset(ff_stats *stats);
void ff_stats_free(ff_stats *stats);

/* Widens min/max with `vals` (borrowed for the call). Typed loops per order. */
ff_status ff_stats_update(ff_stats *stats, const ff_dense_values *vals, ff_error *err);

/* Folds src (a page) into dst (its chunk): bounds and null count. */
ff_status ff_stats_merge(ff_stats *dst, const ff_stats *src, ff_error *err);

/* The bounds as written: zeros signed per the float rule, long byte strings truncated to
 * truncate_len bytes (0 = never). Only when stats->has_min_max. The bytes live in `arena`.
 * *has_bounds is false in the one case no valid bound exists: a kept prefix of the maximum
 * that cannot be rounded up (every byte 0xff, or every character U+10FFFF). */
ff_status ff_stats_bounds(const ff_stats *stats, int32_t truncate_len, ff_arena *arena,
                          ff_pq_bytes *min, bool *min_exact, ff_pq_bytes *max, bool *max_exact,
                          bool *has_bounds, ff_error *err);

/* Fills a Thrift Statistics struct (see the file comment for which fields); bytes live in
 * `arena`. */
ff_status ff_stats_to_thrift(const ff_stats *stats, int32_t truncate_len, ff_arena *arena,
                             ff_pq_statistics *out, ff_error *err);

/* IEEE half (binary16, as stored by FLOAT16) to float, exactly. */
float ff_half_to_float(uint16_t half);

#endif
