/* Vector, key and value helpers of the row-level operations: gathering selected rows into
 * output vectors, merging updated values into a column, comparing and hashing key values
 * across files whose types drifted (INT32 next to INT64), turning values into partition
 * directory text and back into typed scalars for range analysis, and a byte-keyed hash map.
 * Flat vectors only (table.h): nested columns never reach these functions. */
#include "ops/ops_internal.h"

#include "parquet/file/value_text.h"
#include "util/check.h"
#include "util/hash.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void set_valid_bit(uint8_t *bits, int64_t idx, bool is_valid) {
    if (is_valid)
        bits[idx >> 3] |= (uint8_t)(1u << (idx & 7));
    else
        bits[idx >> 3] &= (uint8_t) ~(1u << (idx & 7));
}

/* Gives dst a validity bitmap with every existing slot valid, room for `length` slots. */
static ff_status ensure_validity(ff_vector *dst, int64_t length, ff_error *err) {
    bool had = dst->validity != NULL;
    ff_status status = ff_vector_reserve(dst, length, dst->values_len, true, err);
    if (status != FF_OK)
        return status;
    if (!had)
        memset(dst->validity, 0xff, dst->validity_cap);
    return FF_OK;
}

ff_status ops_vector_append(ff_vector *dst, const ff_vector *src, const uint32_t *rows,
                            int64_t num_rows, ff_error *err) {
    if (dst->length == 0) {
        dst->type = src->type;
        dst->null_count = 0;
    }
    int64_t base = dst->length;
    int64_t total = base + num_rows;
    bool is_bytes = src->type.physical == FF_PHYSICAL_BYTE_ARRAY;
    size_t add_bytes = 0;
    if (is_bytes) {
        if (!rows) {
            add_bytes = (size_t)(src->offsets[num_rows] - src->offsets[0]);
        } else {
            for (int64_t idx = 0; idx < num_rows; idx++)
                add_bytes += (size_t)(src->offsets[rows[idx] + 1] - src->offsets[rows[idx]]);
        }
    }
    /* Trust the bitmap rather than null_count: reused vectors may keep one with no nulls. */
    bool src_has_nulls = src->validity != NULL;
    ff_status status = ff_vector_reserve(dst, total, dst->values_len + add_bytes, false, err);
    if (status != FF_OK)
        return status;
    if (src_has_nulls || dst->validity) {
        status = ensure_validity(dst, total, err);
        if (status != FF_OK)
            return status;
    }
    if (is_bytes) {
        int64_t *offsets = dst->offsets;
        if (base == 0)
            offsets[0] = 0;
        size_t pos = (size_t)offsets[base];
        if (!rows) {
            /* A whole vector is one run of bytes: one copy, and offsets moved by one amount. */
            if (add_bytes)
                memcpy(dst->values + pos, src->values + src->offsets[0], add_bytes);
            int64_t shift = (int64_t)pos - src->offsets[0];
            for (int64_t idx = 0; idx < num_rows; idx++)
                offsets[base + idx + 1] = src->offsets[idx + 1] + shift;
            pos += add_bytes;
        } else {
            for (int64_t idx = 0; idx < num_rows; idx++) {
                int64_t row = rows[idx];
                size_t len = (size_t)(src->offsets[row + 1] - src->offsets[row]);
                if (len)
                    memcpy(dst->values + pos, src->values + src->offsets[row], len);
                pos += len;
                offsets[base + idx + 1] = (int64_t)pos;
            }
        }
        dst->values_len = pos;
    } else {
        size_t width = (size_t)ff_type_value_width(&src->type);
        uint8_t *out = dst->values + (size_t)base * width;
        if (!rows) {
            if (num_rows > 0)
                memcpy(out, src->values, (size_t)num_rows * width);
        } else if (width == 8) {
            const uint64_t *in = (const uint64_t *)(const void *)src->values;
            uint64_t *o = (uint64_t *)(void *)out;
            for (int64_t idx = 0; idx < num_rows; idx++)
                memcpy(&o[idx], &in[rows[idx]], 8);
        } else if (width == 4) {
            const uint32_t *in = (const uint32_t *)(const void *)src->values;
            uint32_t *o = (uint32_t *)(void *)out;
            for (int64_t idx = 0; idx < num_rows; idx++)
                memcpy(&o[idx], &in[rows[idx]], 4);
        } else {
            for (int64_t idx = 0; idx < num_rows; idx++)
                memcpy(out + (size_t)idx * width, src->values + (size_t)rows[idx] * width, width);
        }
        dst->values_len = (size_t)total * width;
    }
    if (dst->validity) {
        int64_t nulls = 0;
        int64_t done = 0;
        if (!rows && (base & 7) == 0) {
            /* Byte-aligned: whole bitmap bytes copy over, and their zero bits are the nulls. */
            size_t full = (size_t)(num_rows >> 3);
            uint8_t *out = dst->validity + (base >> 3);
            if (src->validity) {
                memcpy(out, src->validity, full);
                for (size_t byte = 0; byte < full; byte++)
                    nulls += 8 - __builtin_popcount(out[byte]);
            } else {
                memset(out, 0xff, full);
            }
            done = (int64_t)full * 8;
        }
        for (int64_t idx = done; idx < num_rows; idx++) {
            int64_t row = rows ? rows[idx] : idx;
            bool is_valid = !ff_vector_is_null(src, row);
            nulls += !is_valid;
            set_valid_bit(dst->validity, base + idx, is_valid);
        }
        dst->null_count += nulls;
    }
    dst->length = total;
    return FF_OK;
}

ff_status ops_vector_append_nulls(ff_vector *dst, int64_t num_rows, ff_error *err) {
    int64_t base = dst->length;
    int64_t total = base + num_rows;
    ff_status status = ff_vector_reserve(dst, total, dst->values_len, false, err);
    if (status == FF_OK)
        status = ensure_validity(dst, total, err);
    if (status != FF_OK)
        return status;
    if (dst->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        if (base == 0)
            dst->offsets[0] = 0;
        for (int64_t idx = 0; idx < num_rows; idx++)
            dst->offsets[base + idx + 1] = dst->offsets[base];
    } else {
        size_t width = (size_t)ff_type_value_width(&dst->type);
        memset(dst->values + (size_t)base * width, 0, (size_t)num_rows * width);
        dst->values_len = (size_t)total * width;
    }
    for (int64_t idx = 0; idx < num_rows; idx++)
        set_valid_bit(dst->validity, base + idx, false);
    dst->null_count += num_rows;
    dst->length = total;
    return FF_OK;
}

ff_status ops_vector_merge(ff_vector *dst, const ff_vector *old_vec, const ff_vector *new_vec,
                           const uint32_t *rows, int64_t num_rows, ff_error *err) {
    ff_vector_reset(dst);
    dst->type = old_vec->type;
    dst->null_count = 0;
    ff_status status = FF_OK;
    int64_t next = 0; /* next old row not yet copied */
    for (int64_t idx = 0; idx < num_rows && status == FF_OK; idx++) {
        uint32_t row = rows[idx];
        /* Copy the unchanged run before this row in one go. */
        if ((int64_t)row > next) {
            uint32_t start = (uint32_t)next;
            if (old_vec->type.physical == FF_PHYSICAL_BYTE_ARRAY || old_vec->validity) {
                for (uint32_t r = start; r < row && status == FF_OK; r++)
                    status = ops_vector_append(dst, old_vec, &r, 1, err);
            } else {
                size_t width = (size_t)ff_type_value_width(&old_vec->type);
                ff_vector view = *old_vec;
                view.values = old_vec->values + (size_t)start * width;
                status = ops_vector_append(dst, &view, NULL, (int64_t)(row - start), err);
            }
        }
        uint32_t j = (uint32_t)idx;
        if (status == FF_OK)
            status = ops_vector_append(dst, new_vec, &j, 1, err);
        next = (int64_t)row + 1;
    }
    for (int64_t r = next; r < old_vec->length && status == FF_OK; r++) {
        uint32_t row = (uint32_t)r;
        status = ops_vector_append(dst, old_vec, &row, 1, err);
    }
    return status;
}

/* Reads a fixed-width slot as a wide integer or double, so INT32 and INT64 (FLOAT and DOUBLE)
 * compare equal when their values do. */
static bool slot_is_float(const ff_type *type) {
    return type->physical == FF_PHYSICAL_FLOAT || type->physical == FF_PHYSICAL_DOUBLE;
}
static bool slot_is_int(const ff_type *type) {
    return type->physical == FF_PHYSICAL_INT32 || type->physical == FF_PHYSICAL_INT64;
}
static int64_t slot_int(const ff_vector *vec, int64_t row) {
    if (vec->type.physical == FF_PHYSICAL_INT32) {
        int32_t v;
        memcpy(&v, vec->values + row * 4, 4);
        /* Unsigned 32-bit values widen without sign extension. */
        if (vec->type.logical == FF_LOGICAL_INT && !vec->type.int_is_signed)
            return (int64_t)(uint32_t)v;
        return v;
    }
    int64_t v;
    memcpy(&v, vec->values + row * 8, 8);
    return v;
}
static double slot_double(const ff_vector *vec, int64_t row) {
    if (vec->type.physical == FF_PHYSICAL_FLOAT) {
        float v;
        memcpy(&v, vec->values + row * 4, 4);
        return v;
    }
    double v;
    memcpy(&v, vec->values + row * 8, 8);
    return v;
}

bool ops_vector_slot_equal(const ff_vector *a, int64_t a_row, const ff_vector *b, int64_t b_row) {
    bool a_null = ff_vector_is_null(a, a_row), b_null = ff_vector_is_null(b, b_row);
    if (a_null || b_null)
        return a_null == b_null;
    if (slot_is_int(&a->type) && slot_is_int(&b->type))
        return slot_int(a, a_row) == slot_int(b, b_row);
    if (slot_is_float(&a->type) && slot_is_float(&b->type)) {
        double x = slot_double(a, a_row), y = slot_double(b, b_row);
        return x == y || (isnan(x) && isnan(y));
    }
    if (a->type.physical != b->type.physical)
        return false;
    if (a->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        int64_t a_len = a->offsets[a_row + 1] - a->offsets[a_row];
        int64_t b_len = b->offsets[b_row + 1] - b->offsets[b_row];
        /* Empty strings may come without a bytes buffer at all. */
        return a_len == b_len &&
               (a_len == 0 || !memcmp(a->values + a->offsets[a_row], b->values + b->offsets[b_row],
                                      (size_t)a_len));
    }
    size_t width = (size_t)ff_type_value_width(&a->type);
    if (width != (size_t)ff_type_value_width(&b->type))
        return false;
    return !memcmp(a->values + (size_t)a_row * width, b->values + (size_t)b_row * width, width);
}

/* A 64-bit finalizer (splitmix64): cheap, and every input bit reaches every output bit. */
static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void ops_key_hash_column(const ff_vector *vec, int64_t num_rows, uint64_t *hashes, bool is_first) {
    const ff_type *type = &vec->type;
    const uint64_t null_hash = 0x6a09e667f3bcc909ULL;
    bool is_int = slot_is_int(type), is_float = slot_is_float(type);
    size_t width = type->physical == FF_PHYSICAL_BYTE_ARRAY || is_int || is_float
                       ? 0
                       : (size_t)ff_type_value_width(type);
    for (int64_t row = 0; row < num_rows; row++) {
        uint64_t h;
        if (ff_vector_is_null(vec, row)) {
            h = null_hash;
        } else if (is_int) {
            h = mix64((uint64_t)slot_int(vec, row) ^ 0x1ULL);
        } else if (is_float) {
            double v = slot_double(vec, row);
            uint64_t bits;
            if (isnan(v))
                bits = 0x7ff8000000000000ULL;
            else {
                if (v == 0)
                    v = 0;
                memcpy(&bits, &v, 8);
            }
            h = mix64(bits ^ 0x2ULL);
        } else if (type->physical == FF_PHYSICAL_BYTE_ARRAY) {
            int64_t len = vec->offsets[row + 1] - vec->offsets[row];
            h = len ? ff_xxh64(vec->values + vec->offsets[row], (size_t)len, 3) : 3;
        } else {
            h = ff_xxh64(vec->values + (size_t)row * width, width, 4);
        }
        hashes[row] = is_first ? h : mix64(hashes[row] * 0x9e3779b97f4a7c15ULL ^ h);
    }
}

ff_status ops_key_append(ff_buf *key, const ff_vector *vec, int64_t row, ff_error *err) {
    if (ff_vector_is_null(vec, row))
        return ff_buf_append_byte(key, 0, err);
    const ff_type *type = &vec->type;
    if (slot_is_int(type) && type->logical != FF_LOGICAL_DECIMAL) {
        int64_t v = slot_int(vec, row);
        uint8_t tagged[9] = {1};
        memcpy(tagged + 1, &v, 8);
        return ff_buf_append(key, tagged, sizeof tagged, err);
    }
    if (slot_is_float(type)) {
        double v = slot_double(vec, row);
        if (isnan(v))
            v = NAN;
        if (v == 0)
            v = 0; /* -0.0 keys like 0.0 */
        uint8_t tagged[9] = {2};
        memcpy(tagged + 1, &v, 8);
        return ff_buf_append(key, tagged, sizeof tagged, err);
    }
    const uint8_t *bytes;
    uint64_t len;
    if (type->physical == FF_PHYSICAL_BYTE_ARRAY) {
        bytes = vec->values + vec->offsets[row];
        len = (uint64_t)(vec->offsets[row + 1] - vec->offsets[row]);
    } else {
        size_t width = (size_t)ff_type_value_width(type);
        bytes = vec->values + (size_t)row * width;
        len = width;
    }
    uint8_t header[9] = {3};
    memcpy(header + 1, &len, 8);
    ff_status status = ff_buf_append(key, header, sizeof header, err);
    if (status == FF_OK && len > 0)
        status = ff_buf_append(key, bytes, (size_t)len, err);
    return status;
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day) {
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (*month <= 2);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

ff_status ops_partition_text(const ff_vector *vec, int64_t row, ff_buf *out, bool *is_null,
                             ff_error *err) {
    ff_buf_reset(out);
    *is_null = ff_vector_is_null(vec, row);
    if (*is_null)
        return FF_OK;
    const ff_type *type = &vec->type;
    if (type->physical == FF_PHYSICAL_BYTE_ARRAY &&
        (type->logical == FF_LOGICAL_STRING || type->logical == FF_LOGICAL_NONE ||
         type->logical == FF_LOGICAL_ENUM || type->logical == FF_LOGICAL_JSON))
        return ff_buf_append(out, vec->values + vec->offsets[row],
                             (size_t)(vec->offsets[row + 1] - vec->offsets[row]), err);
    if (slot_is_int(type) && type->logical == FF_LOGICAL_DATE) {
        int64_t year;
        unsigned month, day;
        civil_from_days(slot_int(vec, row), &year, &month, &day);
        return ff_buf_printf(out, err, "%04lld-%02u-%02u", (long long)year, month, day);
    }
    if (slot_is_int(type) &&
        (type->logical == FF_LOGICAL_NONE || type->logical == FF_LOGICAL_INT)) {
        if (type->physical == FF_PHYSICAL_INT64 && type->logical == FF_LOGICAL_INT &&
            !type->int_is_signed)
            return ff_buf_printf(out, err, "%llu", (unsigned long long)slot_int(vec, row));
        return ff_buf_printf(out, err, "%lld", (long long)slot_int(vec, row));
    }
    if (type->physical == FF_PHYSICAL_BOOLEAN)
        return ff_buf_printf(out, err, "%s", vec->values[row] ? "true" : "false");
    /* Everything else in its canonical text, quotes dropped. */
    ff_text_sink sink;
    ff_text_sink_init(&sink, FF_SINK_BUFFER, err);
    size_t width = (size_t)ff_type_value_width(type);
    const uint8_t *value = type->physical == FF_PHYSICAL_BYTE_ARRAY
                               ? vec->values + vec->offsets[row]
                               : vec->values + (size_t)row * width;
    size_t len = type->physical == FF_PHYSICAL_BYTE_ARRAY
                     ? (size_t)(vec->offsets[row + 1] - vec->offsets[row])
                     : width;
    ff_text_value(&sink, type, value, len);
    ff_status status = sink.status;
    if (status == FF_OK) {
        const uint8_t *text = sink.buf.data;
        size_t text_len = sink.buf.len;
        if (text_len >= 2 && text[0] == '"' && text[text_len - 1] == '"') {
            text++;
            text_len -= 2;
        }
        status = ff_buf_append(out, text, text_len, err);
    }
    ff_text_sink_free(&sink);
    return status;
}

bool ops_partition_scalar(const ff_type *type, const ff_partition_value *value, ff_scalar *out) {
    memset(out, 0, sizeof *out);
    if (value->is_null) {
        out->is_null = true;
        return true;
    }
    const char *text = (const char *)value->bytes;
    if (type->physical == FF_PHYSICAL_BYTE_ARRAY &&
        (type->logical == FF_LOGICAL_STRING || type->logical == FF_LOGICAL_NONE)) {
        out->bytes = value->bytes;
        out->len = value->len;
        return true;
    }
    if (!slot_is_int(type) || value->len == 0 || strlen(text) != value->len)
        return false;
    if (type->logical == FF_LOGICAL_DATE) {
        int64_t year;
        unsigned month, day;
        char tail;
        long long y;
        if (sscanf(text, "%lld-%u-%u%c", &y, &month, &day, &tail) != 3 || month < 1 || month > 12 ||
            day < 1 || day > 31)
            return false;
        year = y;
        out->i64 = days_from_civil(year, month, day);
        return true;
    }
    if (type->logical != FF_LOGICAL_NONE &&
        !(type->logical == FF_LOGICAL_INT && type->int_is_signed))
        return false;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (!end || *end)
        return false;
    if (type->physical == FF_PHYSICAL_INT32 && (v < INT32_MIN || v > INT32_MAX))
        return false;
    out->i64 = v;
    return true;
}

/* Reads a PLAIN-encoded statistic value into a scalar. */
static bool scalar_from_plain(const ff_type *type, const uint8_t *bytes, size_t len,
                              ff_scalar *out) {
    memset(out, 0, sizeof *out);
    switch (type->physical) {
    case FF_PHYSICAL_BOOLEAN:
        if (len < 1)
            return false;
        out->b = bytes[0] != 0;
        return true;
    case FF_PHYSICAL_INT32: {
        int32_t v;
        if (len != 4)
            return false;
        memcpy(&v, bytes, 4);
        out->i64 = v;
        return true;
    }
    case FF_PHYSICAL_INT64:
        if (len != 8)
            return false;
        memcpy(&out->i64, bytes, 8);
        return true;
    case FF_PHYSICAL_FLOAT: {
        float v;
        if (len != 4)
            return false;
        memcpy(&v, bytes, 4);
        out->f64 = v;
        return !isnan(out->f64);
    }
    case FF_PHYSICAL_DOUBLE:
        if (len != 8)
            return false;
        memcpy(&out->f64, bytes, 8);
        return !isnan(out->f64);
    default:
        out->bytes = bytes;
        out->len = len;
        return true;
    }
}

void ops_facts_from_stats(const ff_type *type, const ff_column_stats *stats, int64_t num_rows,
                          ff_column_facts *facts) {
    ff_column_facts_init(facts);
    if (stats->has_null_count) {
        facts->null_count = stats->null_count;
        if (stats->null_count == num_rows && num_rows > 0) {
            facts->is_exact = true;
            facts->value.is_null = true;
            return;
        }
    }
    if (!stats->has_min_max)
        return;
    if (!scalar_from_plain(type, stats->min, stats->min_len, &facts->min) ||
        !scalar_from_plain(type, stats->max, stats->max_len, &facts->max))
        return;
    facts->has_min_max = true;
    /* Byte strings may be truncated by the writer; fixed-width bounds are exact. */
    bool is_exact = type->physical != FF_PHYSICAL_BYTE_ARRAY;
    facts->is_min_exact = is_exact;
    facts->is_max_exact = is_exact;
}

/* ---- Key map ----------------------------------------------------------------------------- */

void ops_keymap_init(ops_keymap *map) {
    memset(map, 0, sizeof *map);
    ff_buf_init(&map->keys, 0);
}

void ops_keymap_free(ops_keymap *map) {
    ff_buf_free(&map->keys);
    free(map->entries);
    free(map->tags);
    free(map->slot_entry);
    free(map->filter);
    memset(map, 0, sizeof *map);
}

/* The filter's two bits of a hash, from bits the slot index (the low ones) does not use. */
static inline void filter_bits(const ops_keymap *map, uint64_t hash, size_t *a, size_t *b) {
    size_t mask = map->cap * 8 - 1;
    *a = (size_t)(hash >> 40) & mask;
    *b = (size_t)((hash >> 20) ^ (hash >> 52)) & mask;
}

static inline bool filter_may_hold(const ops_keymap *map, uint64_t hash) {
    size_t a, b;
    filter_bits(map, hash, &a, &b);
    return (map->filter[a >> 3] >> (a & 7) & 1) && (map->filter[b >> 3] >> (b & 7) & 1);
}

static inline void filter_add(ops_keymap *map, uint64_t hash) {
    size_t a, b;
    filter_bits(map, hash, &a, &b);
    map->filter[a >> 3] |= (uint8_t)(1u << (a & 7));
    map->filter[b >> 3] |= (uint8_t)(1u << (b & 7));
}

static uint64_t key_hash(const uint8_t *key, size_t len) {
    return ff_xxh64(key, len, 0x9e3779b97f4a7c15ULL);
}

/* The slot of key: its entry's, or the free slot where it would go. */
static size_t probe(const ops_keymap *map, uint64_t hash, const uint8_t *key, size_t len) {
    size_t mask = map->cap - 1;
    uint64_t tag = hash | 1;
    for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
        uint64_t slot_tag = map->tags[pos];
        if (slot_tag == 0)
            return pos;
        if (slot_tag != tag)
            continue;
        const ops_keymap_entry *entry = &map->entries[map->slot_entry[pos]];
        if (entry->hash == hash && entry->key_len == len &&
            (len == 0 || !memcmp(map->keys.data + entry->key_off, key, len)))
            return pos;
    }
}

uint64_t ops_keymap_hash(const uint8_t *key, size_t len) {
    return key_hash(key, len);
}

ops_keymap_entry *ops_keymap_find(ops_keymap *map, const uint8_t *key, size_t len) {
    return ops_keymap_find_hashed(map, key, len, key_hash(key, len));
}

ops_keymap_entry *ops_keymap_find_hashed(ops_keymap *map, const uint8_t *key, size_t len,
                                         uint64_t hash) {
    if (!map->cap)
        return NULL;
    if (!filter_may_hold(map, hash))
        return NULL;
    size_t pos = probe(map, hash, key, len);
    return map->tags[pos] ? &map->entries[map->slot_entry[pos]] : NULL;
}

/* A new slot table of new_cap slots (a power of two), filled from the entries. */
static ff_status resize(ops_keymap *map, size_t new_cap, ff_error *err) {
    uint64_t *tags = ff_calloc(new_cap, sizeof *tags, "key map", err);
    uint32_t *slot_entry = tags ? ff_malloc(new_cap * sizeof *slot_entry, "key map", err) : NULL;
    uint8_t *filter = slot_entry ? ff_calloc(new_cap, 1, "key map", err) : NULL;
    if (!filter) {
        free(tags);
        free(slot_entry);
        return FF_ERR_NO_MEMORY;
    }
    free(map->tags);
    free(map->slot_entry);
    free(map->filter);
    map->tags = tags;
    map->slot_entry = slot_entry;
    map->filter = filter;
    map->cap = new_cap;
    size_t mask = new_cap - 1;
    for (size_t idx = 0; idx < map->count; idx++) {
        uint64_t hash = map->entries[idx].hash;
        size_t pos = hash & mask;
        while (tags[pos])
            pos = (pos + 1) & mask;
        tags[pos] = hash | 1;
        slot_entry[pos] = (uint32_t)idx;
        filter_add(map, hash);
    }
    return FF_OK;
}

static ff_status reserve_entries(ops_keymap *map, size_t count, bool exact, ff_error *err) {
    if (count <= map->entries_cap)
        return FF_OK;
    size_t new_cap = exact ? count : map->entries_cap ? map->entries_cap * 2 : 512;
    if (new_cap < count)
        new_cap = count;
    ops_keymap_entry *entries = ff_realloc(map->entries, new_cap * sizeof *entries, "key map", err);
    if (!entries)
        return FF_ERR_NO_MEMORY;
    map->entries = entries;
    map->entries_cap = new_cap;
    return FF_OK;
}

ff_status ops_keymap_reserve(ops_keymap *map, size_t count, ff_error *err) {
    if (count >= UINT32_MAX - 1)
        return ff_error_set(err, FF_ERR_LIMIT, "key map of %zu keys is too large", count);
    size_t cap = map->cap ? map->cap : 1024;
    while (cap < 2 * (count + 1))
        cap *= 2;
    FF_FORWARD_IF_ERROR(reserve_entries(map, count, true, err));
    return cap == map->cap ? FF_OK : resize(map, cap, err);
}

ff_status ops_keymap_upsert(ops_keymap *map, const uint8_t *key, size_t len, ops_keymap_entry **out,
                            bool *is_new, ff_error *err) {
    /* At most half full: an absent key then ends its probe within a slot or two. */
    if ((map->count + 1) * 2 > map->cap) {
        if (map->count + 1 >= UINT32_MAX - 1)
            return ff_error_set(err, FF_ERR_LIMIT, "key map of %zu keys is too large",
                                map->count + 1);
        FF_FORWARD_IF_ERROR(resize(map, map->cap ? map->cap * 2 : 1024, err));
    }
    if (len > UINT32_MAX)
        return ff_error_set(err, FF_ERR_LIMIT, "key of %zu bytes is too large", len);
    uint64_t hash = key_hash(key, len);
    size_t pos = probe(map, hash, key, len);
    *is_new = map->tags[pos] == 0;
    if (*is_new) {
        FF_FORWARD_IF_ERROR(reserve_entries(map, map->count + 1, false, err));
        size_t off = map->keys.len;
        FF_FORWARD_IF_ERROR(ff_buf_append(&map->keys, key, len, err));
        map->tags[pos] = hash | 1;
        map->slot_entry[pos] = (uint32_t)map->count;
        filter_add(map, hash);
        ops_keymap_entry *entry = &map->entries[map->count++];
        entry->hash = hash;
        entry->key_off = off;
        entry->key_len = (uint32_t)len;
        entry->a = entry->b = 0;
    }
    *out = &map->entries[map->slot_entry[pos]];
    return FF_OK;
}

ff_status ops_quote_name(const char *name, ff_buf *out, ff_error *err) {
    ff_buf_reset(out);
    ff_status status = ff_buf_append_byte(out, '"', err);
    for (const char *p = name; *p && status == FF_OK; p++) {
        if (*p == '"')
            status = ff_buf_append_byte(out, '"', err);
        if (status == FF_OK)
            status = ff_buf_append_byte(out, (uint8_t)*p, err);
    }
    if (status == FF_OK)
        status = ff_buf_append(out, "\"", 2, err); /* the NUL terminates the text */
    if (status == FF_OK)
        out->len--;
    return status;
}

/* Signed big-endian two's complement integers of any lengths (Parquet decimals). */
static int compare_big_endian(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
    bool a_neg = a_len > 0 && (a[0] & 0x80), b_neg = b_len > 0 && (b[0] & 0x80);
    if (a_neg != b_neg)
        return a_neg ? -1 : 1;
    /* Same sign: sign-extend the shorter one byte by byte while comparing. */
    size_t len = a_len > b_len ? a_len : b_len;
    uint8_t fill = a_neg ? 0xff : 0x00;
    for (size_t idx = 0; idx < len; idx++) {
        uint8_t x = idx + a_len >= len ? a[idx + a_len - len] : fill;
        uint8_t y = idx + b_len >= len ? b[idx + b_len - len] : fill;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

int ops_vector_compare(const ff_vector *vec, int64_t a_row, int64_t b_row) {
    bool a_null = ff_vector_is_null(vec, a_row), b_null = ff_vector_is_null(vec, b_row);
    if (a_null || b_null)
        return a_null == b_null ? 0 : a_null ? 1 : -1;
    const ff_type *type = &vec->type;
    bool is_decimal = type->logical == FF_LOGICAL_DECIMAL;
    if (type->physical == FF_PHYSICAL_INT64 && type->logical == FF_LOGICAL_INT &&
        !type->int_is_signed) {
        uint64_t x, y;
        memcpy(&x, vec->values + a_row * 8, 8);
        memcpy(&y, vec->values + b_row * 8, 8);
        return x < y ? -1 : x > y;
    }
    if (slot_is_int(type)) {
        int64_t x = slot_int(vec, a_row), y = slot_int(vec, b_row);
        return x < y ? -1 : x > y;
    }
    if (slot_is_float(type)) {
        double x = slot_double(vec, a_row), y = slot_double(vec, b_row);
        if (isnan(x) || isnan(y))
            return isnan(x) == isnan(y) ? 0 : isnan(x) ? 1 : -1; /* NaN after numbers */
        return x < y ? -1 : x > y;
    }
    if (type->physical == FF_PHYSICAL_BYTE_ARRAY) {
        int64_t a_len = vec->offsets[a_row + 1] - vec->offsets[a_row];
        int64_t b_len = vec->offsets[b_row + 1] - vec->offsets[b_row];
        const uint8_t *x = vec->values ? vec->values + vec->offsets[a_row] : NULL;
        const uint8_t *y = vec->values ? vec->values + vec->offsets[b_row] : NULL;
        if (is_decimal)
            return compare_big_endian(x, (size_t)a_len, y, (size_t)b_len);
        int64_t common = a_len < b_len ? a_len : b_len;
        int c = common > 0 ? memcmp(x, y, (size_t)common) : 0;
        return c ? (c < 0 ? -1 : 1) : a_len < b_len ? -1 : a_len > b_len;
    }
    size_t width = (size_t)ff_type_value_width(type);
    const uint8_t *x = vec->values + (size_t)a_row * width;
    const uint8_t *y = vec->values + (size_t)b_row * width;
    if (type->physical == FF_PHYSICAL_INT96) {
        /* Nanoseconds of the day (little-endian int64), then the Julian day (int32). */
        int32_t x_day, y_day;
        int64_t x_ns, y_ns;
        memcpy(&x_day, x + 8, 4);
        memcpy(&y_day, y + 8, 4);
        if (x_day != y_day)
            return x_day < y_day ? -1 : 1;
        memcpy(&x_ns, x, 8);
        memcpy(&y_ns, y, 8);
        return x_ns < y_ns ? -1 : x_ns > y_ns;
    }
    if (is_decimal)
        return compare_big_endian(x, width, y, width);
    int c = memcmp(x, y, width);
    return c < 0 ? -1 : c > 0;
}
