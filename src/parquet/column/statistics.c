/* Writer statistics: typed min/max loops per sort order, merging page statistics into chunk
 * statistics, and the bounds as written (float zeros, truncation). See statistics.h for the
 * orders and the rules; parquet-format's parquet.thrift (Statistics, ColumnOrder) and
 * LogicalTypes.md define them. */
#include "parquet/column/statistics.h"

#include "util/bytes.h"

#include <math.h>
#include <string.h>

ff_sort_order ff_sort_order_of(const ff_type *type) {
    switch (type->logical) {
    case FF_LOGICAL_NULL:
    case FF_LOGICAL_INTERVAL:
    case FF_LOGICAL_GEOMETRY:
    case FF_LOGICAL_GEOGRAPHY:
    case FF_LOGICAL_UNKNOWN:
    case FF_LOGICAL_VARIANT:
        return FF_SORT_NONE;
    case FF_LOGICAL_INT:
        if (!type->int_is_signed) {
            if (type->physical == FF_PHYSICAL_INT32)
                return FF_SORT_UINT32;
            if (type->physical == FF_PHYSICAL_INT64)
                return FF_SORT_UINT64;
        }
        break;
    case FF_LOGICAL_DECIMAL:
        if (type->physical == FF_PHYSICAL_BYTE_ARRAY ||
            type->physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY)
            return FF_SORT_DECIMAL_BYTES;
        break;
    case FF_LOGICAL_FLOAT16:
        if (type->physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY && type->type_length == 2)
            return FF_SORT_FLOAT16;
        return FF_SORT_NONE;
    default:
        break;
    }
    switch (type->physical) {
    case FF_PHYSICAL_BOOLEAN:
        return FF_SORT_BOOLEAN;
    case FF_PHYSICAL_INT32:
        return FF_SORT_INT32;
    case FF_PHYSICAL_INT64:
        return FF_SORT_INT64;
    case FF_PHYSICAL_FLOAT:
        return FF_SORT_FLOAT;
    case FF_PHYSICAL_DOUBLE:
        return FF_SORT_DOUBLE;
    case FF_PHYSICAL_BYTE_ARRAY:
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
        return FF_SORT_BYTES;
    case FF_PHYSICAL_INT96:
        return FF_SORT_NONE;
    }
    return FF_SORT_NONE;
}

float ff_half_to_float(uint16_t half) {
    uint32_t sign = (uint32_t)(half >> 15) << 31;
    uint32_t exponent = (half >> 10) & 0x1f;
    uint32_t mantissa = half & 0x3ff;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        /* Subnormal half: a normal float. Shift the mantissa up until its leading 1 reaches
         * the implicit bit, lowering the exponent by one per shift. */
        int32_t shift = 0;
        while (!(mantissa & 0x400)) {
            mantissa <<= 1;
            shift++;
        }
        mantissa &= 0x3ff;
        bits = sign | ((uint32_t)(113 - shift) << 23) | (mantissa << 13);
    }
    float value;
    memcpy(&value, &bits, 4);
    return value;
}

static bool half_is_nan(const uint8_t *p) {
    uint16_t half = ff_load_le16(p);
    return (half & 0x7c00) == 0x7c00 && (half & 0x3ff) != 0;
}

/* Signed big-endian two's complement of any lengths: equal-sign values compare as unsigned
 * bytes after sign-extending the shorter one. */
static int compare_decimal_bytes(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
    bool a_negative = a_len > 0 && (a[0] & 0x80);
    bool b_negative = b_len > 0 && (b[0] & 0x80);
    if (a_negative != b_negative)
        return a_negative ? -1 : 1;
    uint8_t pad = a_negative ? 0xff : 0x00;
    size_t len = a_len > b_len ? a_len : b_len;
    for (size_t i = 0; i < len; i++) {
        uint8_t x = i + a_len < len ? pad : a[i + a_len - len];
        uint8_t y = i + b_len < len ? pad : b[i + b_len - len];
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

static int compare_bytes(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
    size_t len = a_len < b_len ? a_len : b_len;
    int c = len ? memcmp(a, b, len) : 0;
    if (c != 0)
        return c;
    return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

#define FF_CMP(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

int ff_stats_compare(ff_sort_order order, const uint8_t *a, size_t a_len, const uint8_t *b,
                     size_t b_len) {
    switch (order) {
    case FF_SORT_NONE:
        return 0;
    case FF_SORT_BOOLEAN:
        return FF_CMP(a[0] != 0, b[0] != 0);
    case FF_SORT_INT32:
        return FF_CMP((int32_t)ff_load_le32(a), (int32_t)ff_load_le32(b));
    case FF_SORT_UINT32:
        return FF_CMP(ff_load_le32(a), ff_load_le32(b));
    case FF_SORT_INT64:
        return FF_CMP((int64_t)ff_load_le64(a), (int64_t)ff_load_le64(b));
    case FF_SORT_UINT64:
        return FF_CMP(ff_load_le64(a), ff_load_le64(b));
    case FF_SORT_FLOAT: {
        float x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return FF_CMP(x, y);
    }
    case FF_SORT_DOUBLE: {
        double x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return FF_CMP(x, y);
    }
    case FF_SORT_FLOAT16: {
        float x = ff_half_to_float(ff_load_le16(a)), y = ff_half_to_float(ff_load_le16(b));
        return FF_CMP(x, y);
    }
    case FF_SORT_BYTES:
        return compare_bytes(a, a_len, b, b_len);
    case FF_SORT_DECIMAL_BYTES:
        return compare_decimal_bytes(a, a_len, b, b_len);
    }
    return 0;
}

void ff_stats_init(ff_stats *stats, const ff_type *type) {
    memset(stats, 0, sizeof *stats);
    stats->order = ff_sort_order_of(type);
    stats->is_utf8 = type->logical == FF_LOGICAL_STRING || type->logical == FF_LOGICAL_ENUM ||
                     type->logical == FF_LOGICAL_JSON;
    ff_buf_init(&stats->min, 0);
    ff_buf_init(&stats->max, 0);
}

void ff_stats_reset(ff_stats *stats) {
    stats->has_min_max = false;
    stats->null_count = 0;
    ff_buf_reset(&stats->min);
    ff_buf_reset(&stats->max);
}

void ff_stats_free(ff_stats *stats) {
    if (!stats)
        return;
    ff_buf_free(&stats->min);
    ff_buf_free(&stats->max);
    stats->has_min_max = false;
}

static ff_status set_bound(ff_buf *bound, const void *data, size_t len, ff_error *err) {
    ff_buf_reset(bound);
    if (len == 0)
        return ff_buf_reserve(bound, 1, err); /* data != NULL marks "set" for empty strings */
    return ff_buf_append(bound, data, len, err);
}

static ff_status set_bounds(ff_stats *stats, const void *lo, size_t lo_len, const void *hi,
                            size_t hi_len, ff_error *err) {
    ff_status status = set_bound(&stats->min, lo, lo_len, err);
    if (status == FF_OK)
        status = set_bound(&stats->max, hi, hi_len, err);
    if (status == FF_OK)
        stats->has_min_max = true;
    return status;
}

/* Integer loops: load the current bounds into registers, scan, store back once. */
#define FF_STATS_INT_LOOP(name, ctype, load)                                                       \
    static ff_status name(ff_stats *stats, const uint8_t *p, int64_t n, ff_error *err) {           \
        if (n == 0)                                                                                \
            return FF_OK;                                                                          \
        ctype lo, hi;                                                                              \
        int64_t i = 0;                                                                             \
        if (stats->has_min_max) {                                                                  \
            lo = (ctype)load(stats->min.data);                                                     \
            hi = (ctype)load(stats->max.data);                                                     \
        } else {                                                                                   \
            lo = hi = (ctype)load(p);                                                              \
            i = 1;                                                                                 \
        }                                                                                          \
        for (; i < n; i++) {                                                                       \
            ctype v = (ctype)load(p + (size_t)i * sizeof(ctype));                                  \
            lo = v < lo ? v : lo;                                                                  \
            hi = v > hi ? v : hi;                                                                  \
        }                                                                                          \
        return set_bounds(stats, &lo, sizeof lo, &hi, sizeof hi, err);                             \
    }

FF_STATS_INT_LOOP(update_int32, int32_t, ff_load_le32)
FF_STATS_INT_LOOP(update_uint32, uint32_t, ff_load_le32)
FF_STATS_INT_LOOP(update_int64, int64_t, ff_load_le64)
FF_STATS_INT_LOOP(update_uint64, uint64_t, ff_load_le64)

static inline float load_float(const uint8_t *p) {
    float v;
    memcpy(&v, p, 4);
    return v;
}
static inline double load_double(const uint8_t *p) {
    double v;
    memcpy(&v, p, 8);
    return v;
}

/* Float loops skip NaN; a run of only NaN leaves the bounds unset. */
#define FF_STATS_FLOAT_LOOP(name, ctype, load)                                                     \
    static ff_status name(ff_stats *stats, const uint8_t *p, int64_t n, ff_error *err) {           \
        bool has = stats->has_min_max;                                                             \
        ctype lo = 0, hi = 0;                                                                      \
        if (has) {                                                                                 \
            lo = load(stats->min.data);                                                            \
            hi = load(stats->max.data);                                                            \
        }                                                                                          \
        for (int64_t i = 0; i < n; i++) {                                                          \
            ctype v = load(p + (size_t)i * sizeof(ctype));                                         \
            if (isnan(v))                                                                          \
                continue;                                                                          \
            if (!has) {                                                                            \
                lo = hi = v;                                                                       \
                has = true;                                                                        \
                continue;                                                                          \
            }                                                                                      \
            lo = v < lo ? v : lo;                                                                  \
            hi = v > hi ? v : hi;                                                                  \
        }                                                                                          \
        if (!has)                                                                                  \
            return FF_OK;                                                                          \
        return set_bounds(stats, &lo, sizeof lo, &hi, sizeof hi, err);                             \
    }

FF_STATS_FLOAT_LOOP(update_float, float, load_float)
FF_STATS_FLOAT_LOOP(update_double, double, load_double)

static ff_status update_boolean(ff_stats *stats, const uint8_t *p, int64_t n, ff_error *err) {
    if (n == 0)
        return FF_OK;
    uint8_t lo = 1, hi = 0;
    if (stats->has_min_max) {
        lo = stats->min.data[0];
        hi = stats->max.data[0];
    }
    for (int64_t i = 0; i < n && (lo || !hi); i++) {
        uint8_t v = p[i] != 0;
        lo &= v;
        hi |= v;
    }
    return set_bounds(stats, &lo, 1, &hi, 1, err);
}

/* Everything compared through ff_stats_compare: byte strings, decimals in bytes, FLOAT16.
 * The running bounds point into the input while scanning and are copied once at the end. */
static ff_status update_generic(ff_stats *stats, const ff_dense_values *vals, ff_error *err) {
    const uint8_t *lo = NULL, *hi = NULL;
    size_t lo_len = 0, hi_len = 0;
    bool has = stats->has_min_max;
    if (has) {
        lo = stats->min.data;
        lo_len = stats->min.len;
        hi = stats->max.data;
        hi_len = stats->max.len;
    }
    bool changed = false;
    size_t keep =
        stats->order == FF_SORT_BYTES && stats->keep_len > 0 ? (size_t)stats->keep_len : SIZE_MAX;
    for (int64_t i = 0; i < vals->count; i++) {
        size_t len;
        const uint8_t *v = ff_dense_value(vals, i, &len);
        if (len > keep)
            len = keep;
        if (stats->order == FF_SORT_FLOAT16 && half_is_nan(v))
            continue;
        if (!has) {
            lo = hi = v;
            lo_len = hi_len = len;
            has = changed = true;
            continue;
        }
        if (ff_stats_compare(stats->order, v, len, lo, lo_len) < 0) {
            lo = v;
            lo_len = len;
            changed = true;
        } else if (ff_stats_compare(stats->order, v, len, hi, hi_len) > 0) {
            hi = v;
            hi_len = len;
            changed = true;
        }
    }
    if (!changed)
        return FF_OK;
    /* lo or hi may still point into the bound buffers themselves; copy through scratch
     * storage only when it does not (set_bound on its own data would be a self-copy). */
    ff_status status = FF_OK;
    if (lo != stats->min.data)
        status = set_bound(&stats->min, lo, lo_len, err);
    if (status == FF_OK && hi != stats->max.data)
        status = set_bound(&stats->max, hi, hi_len, err);
    if (status == FF_OK)
        stats->has_min_max = true;
    return status;
}

ff_status ff_stats_update(ff_stats *stats, const ff_dense_values *vals, ff_error *err) {
    if (vals->count == 0)
        return FF_OK;
    switch (stats->order) {
    case FF_SORT_NONE:
        return FF_OK;
    case FF_SORT_BOOLEAN:
        return update_boolean(stats, vals->fixed, vals->count, err);
    case FF_SORT_INT32:
        return update_int32(stats, vals->fixed, vals->count, err);
    case FF_SORT_UINT32:
        return update_uint32(stats, vals->fixed, vals->count, err);
    case FF_SORT_INT64:
        return update_int64(stats, vals->fixed, vals->count, err);
    case FF_SORT_UINT64:
        return update_uint64(stats, vals->fixed, vals->count, err);
    case FF_SORT_FLOAT:
        return update_float(stats, vals->fixed, vals->count, err);
    case FF_SORT_DOUBLE:
        return update_double(stats, vals->fixed, vals->count, err);
    case FF_SORT_FLOAT16:
    case FF_SORT_BYTES:
    case FF_SORT_DECIMAL_BYTES:
        return update_generic(stats, vals, err);
    }
    return FF_OK;
}

ff_status ff_stats_merge(ff_stats *dst, const ff_stats *src, ff_error *err) {
    dst->null_count += src->null_count;
    if (!src->has_min_max)
        return FF_OK;
    if (!dst->has_min_max)
        return set_bounds(dst, src->min.data, src->min.len, src->max.data, src->max.len, err);
    ff_status status = FF_OK;
    if (ff_stats_compare(dst->order, src->min.data, src->min.len, dst->min.data, dst->min.len) < 0)
        status = set_bound(&dst->min, src->min.data, src->min.len, err);
    if (status == FF_OK &&
        ff_stats_compare(dst->order, src->max.data, src->max.len, dst->max.data, dst->max.len) > 0)
        status = set_bound(&dst->max, src->max.data, src->max.len, err);
    return status;
}

static ff_status arena_bytes(ff_arena *arena, const uint8_t *data, size_t len, ff_pq_bytes *out,
                             ff_error *err) {
    uint8_t *copy = ff_arena_alloc(arena, len ? len : 1, err);
    if (!copy)
        return FF_ERR_NO_MEMORY;
    if (len)
        memcpy(copy, data, len);
    out->data = copy;
    out->len = (int64_t)len;
    return FF_OK;
}

/* The longest prefix of at most `cap` bytes that does not split a UTF-8 character. */
static size_t utf8_prefix_len(const uint8_t *data, size_t len, size_t cap) {
    if (len <= cap)
        return len;
    size_t cut = cap;
    while (cut > 0 && (data[cut] & 0xc0) == 0x80)
        cut--;
    return cut;
}

/* Binary round-up: the prefix up to the last byte below 0xff, with that byte incremented.
 * Returns the new length, 0 when every byte is 0xff. Works in place on buf. */
static size_t round_up_binary(uint8_t *buf, size_t len) {
    while (len > 0 && buf[len - 1] == 0xff)
        len--;
    if (len > 0)
        buf[len - 1]++;
    return len;
}

/* UTF-8 round-up: the prefix up to the last character that has a successor, that character
 * replaced by its successor (skipping the surrogate range), so the result stays valid UTF-8
 * and sorts above every string starting with the prefix. buf has room for 4 more bytes.
 * Returns the new length, 0 when every character is U+10FFFF. */
static size_t round_up_utf8(uint8_t *buf, size_t len) {
    size_t end = len;
    while (end > 0) {
        size_t start = end - 1;
        while (start > 0 && (buf[start] & 0xc0) == 0x80)
            start--;
        uint32_t cp;
        size_t n = end - start;
        if (n == 1)
            cp = buf[start];
        else if (n == 2)
            cp = ((uint32_t)(buf[start] & 0x1f) << 6) | (buf[start + 1] & 0x3f);
        else if (n == 3)
            cp = ((uint32_t)(buf[start] & 0x0f) << 12) | ((uint32_t)(buf[start + 1] & 0x3f) << 6) |
                 (buf[start + 2] & 0x3f);
        else
            cp = ((uint32_t)(buf[start] & 0x07) << 18) | ((uint32_t)(buf[start + 1] & 0x3f) << 12) |
                 ((uint32_t)(buf[start + 2] & 0x3f) << 6) | (buf[start + 3] & 0x3f);
        cp++;
        if (cp == 0xd800)
            cp = 0xe000;
        if (cp <= 0x10ffff) {
            uint8_t *out = buf + start;
            if (cp < 0x80) {
                out[0] = (uint8_t)cp;
                return start + 1;
            }
            if (cp < 0x800) {
                out[0] = (uint8_t)(0xc0 | (cp >> 6));
                out[1] = (uint8_t)(0x80 | (cp & 0x3f));
                return start + 2;
            }
            if (cp < 0x10000) {
                out[0] = (uint8_t)(0xe0 | (cp >> 12));
                out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
                out[2] = (uint8_t)(0x80 | (cp & 0x3f));
                return start + 3;
            }
            out[0] = (uint8_t)(0xf0 | (cp >> 18));
            out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
            out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            out[3] = (uint8_t)(0x80 | (cp & 0x3f));
            return start + 4;
        }
        end = start;
    }
    return 0;
}

ff_status ff_stats_bounds(const ff_stats *stats, int32_t truncate_len, ff_arena *arena,
                          ff_pq_bytes *min, bool *min_exact, ff_pq_bytes *max, bool *max_exact,
                          bool *has_bounds, ff_error *err) {
    *min_exact = *max_exact = true;
    *has_bounds = true;
    const uint8_t *lo = stats->min.data, *hi = stats->max.data;
    size_t lo_len = stats->min.len, hi_len = stats->max.len;
    ff_status status;
    switch (stats->order) {
    case FF_SORT_FLOAT: {
        static const uint8_t neg_zero[4] = {0, 0, 0, 0x80}, pos_zero[4] = {0, 0, 0, 0};
        if (load_float(lo) == 0.0f)
            lo = neg_zero;
        if (load_float(hi) == 0.0f)
            hi = pos_zero;
        break;
    }
    case FF_SORT_DOUBLE: {
        static const uint8_t neg_zero[8] = {0, 0, 0, 0, 0, 0, 0, 0x80}, pos_zero[8] = {0};
        if (load_double(lo) == 0.0)
            lo = neg_zero;
        if (load_double(hi) == 0.0)
            hi = pos_zero;
        break;
    }
    case FF_SORT_FLOAT16: {
        static const uint8_t neg_zero[2] = {0, 0x80}, pos_zero[2] = {0, 0};
        if ((ff_load_le16(lo) & 0x7fff) == 0)
            lo = neg_zero;
        if ((ff_load_le16(hi) & 0x7fff) == 0)
            hi = pos_zero;
        break;
    }
    case FF_SORT_BYTES:
        if (truncate_len > 0 && lo_len > (size_t)truncate_len) {
            lo_len = stats->is_utf8 ? utf8_prefix_len(lo, lo_len, (size_t)truncate_len)
                                    : (size_t)truncate_len;
            *min_exact = false;
        }
        if (truncate_len > 0 && hi_len > (size_t)truncate_len) {
            size_t cut = stats->is_utf8 ? utf8_prefix_len(hi, hi_len, (size_t)truncate_len)
                                        : (size_t)truncate_len;
            uint8_t *rounded = ff_arena_alloc(arena, cut + 4, err);
            if (!rounded)
                return FF_ERR_NO_MEMORY;
            memcpy(rounded, hi, cut);
            size_t rounded_len =
                stats->is_utf8 ? round_up_utf8(rounded, cut) : round_up_binary(rounded, cut);
            if (rounded_len > 0) {
                max->data = rounded;
                max->len = (int64_t)rounded_len;
                *max_exact = false;
                return arena_bytes(arena, lo, lo_len, min, err);
            }
            /* Nothing to round up (all 0xff bytes, or U+10FFFF characters): the whole value
             * is the only upper bound, and only a value kept whole can give it. */
            if (stats->keep_len > 0 && hi_len >= (size_t)stats->keep_len) {
                *has_bounds = false;
                return FF_OK;
            }
        }
        break;
    default:
        break;
    }
    status = arena_bytes(arena, lo, lo_len, min, err);
    if (status == FF_OK)
        status = arena_bytes(arena, hi, hi_len, max, err);
    return status;
}

ff_status ff_stats_to_thrift(const ff_stats *stats, int32_t truncate_len, ff_arena *arena,
                             ff_pq_statistics *out, ff_error *err) {
    memset(out, 0, sizeof *out);
    out->has_null_count = true;
    out->null_count = stats->null_count;
    if (!stats->has_min_max || stats->order == FF_SORT_NONE)
        return FF_OK;
    bool min_exact, max_exact, has_bounds;
    ff_status status = ff_stats_bounds(stats, truncate_len, arena, &out->min_value, &min_exact,
                                       &out->max_value, &max_exact, &has_bounds, err);
    if (status != FF_OK || !has_bounds)
        return status;
    out->has_min_value = out->has_max_value = true;
    out->has_is_min_value_exact = out->has_is_max_value_exact = true;
    out->is_min_value_exact = min_exact;
    out->is_max_value_exact = max_exact;
    switch (stats->order) {
    case FF_SORT_BOOLEAN:
    case FF_SORT_INT32:
    case FF_SORT_INT64:
    case FF_SORT_FLOAT:
    case FF_SORT_DOUBLE:
        out->has_min = out->has_max = true;
        out->min = out->min_value;
        out->max = out->max_value;
        break;
    default:
        break;
    }
    return FF_OK;
}
