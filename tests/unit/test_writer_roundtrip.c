/* Write→read round trips of the Parquet writer (include/fluxforge/writer.h), read back with the
 * reader (include/fluxforge/reader.h).
 *
 * Each case generates a table holding every leaf type the data model has (all logical types
 * of DESIGN.md §3 on their physical forms: signed and unsigned integers, dates, times and
 * timestamps in every unit with and without UTC adjustment, decimals on INT32, INT64,
 * BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY, INT96, FLOAT16, UUID, strings long and short, binary)
 * plus nested shapes (lists, structs, maps, lists of lists, a legacy repeated field), with
 * random null fractions (0, 25 or 100 %), random cardinality (so some chunks stay dictionary-
 * encoded and some fall back), NaN and signed zeros, ordered integer series and high-entropy
 * floats (so chunks without dictionary also come out DELTA_BINARY_PACKED and
 * BYTE_STREAM_SPLIT), and writes it in several batches. The
 * matrix runs every codec × data page v1/v2 × dictionary on/off, then edge cases: tiny pages,
 * a tiny dictionary limit, row groups that cut across batches (by rows and by bytes), empty
 * and one-row tables, all-null columns, long strings with truncated statistics.
 *
 * What is checked, value for value: levels (definition, repetition) and values as bytes (so
 * NaN payloads and -0.0 survive), the schema elements (names, types, annotations, field ids),
 * key-value metadata (ARROW:schema dropped when the schema is not known to be unchanged),
 * created_by, chunk statistics against bounds computed here from the data with a separate
 * implementation of each sort order, the page index against the pages it points at, the
 * chunk's encodings and encoding_stats against its page headers, and that every value of a
 * bloom-filtered chunk is found in its filter. */
#include "ff_test.h"
#include "ff_test_rng.h"

#include <fluxforge/reader.h>
#include <fluxforge/writer.h>

#include "parquet/column/bloom_filter.h"
#include "parquet/schema/schema.h"
#include "parquet/thrift/metadata.h"
#include "util/bytes.h"
#include "util/cursor.h"
#include "util/mem.h"

#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- random numbers ---- */

static int64_t rnd_range(rng *r, int64_t lo, int64_t hi) {
    return lo + (int64_t)(rnd(r) % (uint64_t)(hi - lo + 1));
}

/* ---- leaf kinds ---- */

enum gen_kind {
    GEN_BOOL,
    GEN_I32,
    GEN_I8,
    GEN_U16,
    GEN_U32,
    GEN_DATE,
    GEN_TIME_MS,
    GEN_DEC9,
    GEN_I64,
    GEN_U64,
    GEN_TS,
    GEN_DEC18,
    GEN_TIME_US,
    GEN_TIME_NS,
    GEN_INT96,
    GEN_FLOAT,
    GEN_DOUBLE,
    GEN_STRING,
    GEN_LONG_STRING,
    GEN_BINARY,
    GEN_DEC_BYTES,
    GEN_JSON,
    GEN_UUID,
    GEN_DEC_FLBA,
    GEN_FLOAT16,
    GEN_FLBA5,
    GEN_SEQ_I32,   /* rising by 0..3, with rare jumps to the type's ends (wrapping deltas) */
    GEN_SEQ_I64,   /* timestamps rising by up to 0.2 s, with rare jumps to the ends */
    GEN_NOISE_F32, /* all mantissa bits random, some NaN, infinities and zeros */
    GEN_NOISE_F64,
};

typedef struct leaf_kind {
    const char *name;
    enum gen_kind gen;
    int32_t physical, type_length;
    ff_pq_logical_kind logical;
    int32_t converted; /* -1: none */
    int32_t precision, scale;
    int32_t unit; /* TIME/TIMESTAMP: 0 ms, 1 us, 2 ns */
    bool utc;
    int8_t bit_width;
    bool is_signed;
} leaf_kind;

#define LK(n, g, phys, len, lt, conv)                                                              \
    .name = n, .gen = g, .physical = phys, .type_length = len, .logical = lt, .converted = conv

static const leaf_kind flat_kinds[] = {
    {LK("b", GEN_BOOL, FF_PHYSICAL_BOOLEAN, 0, FF_LT_NONE, -1)},
    {LK("i32", GEN_I32, FF_PHYSICAL_INT32, 0, FF_LT_NONE, -1)},
    {LK("i8", GEN_I8, FF_PHYSICAL_INT32, 0, FF_LT_INTEGER, FF_CT_INT_8), .bit_width = 8,
     .is_signed = true},
    {LK("u16", GEN_U16, FF_PHYSICAL_INT32, 0, FF_LT_INTEGER, FF_CT_UINT_16), .bit_width = 16},
    {LK("u32", GEN_U32, FF_PHYSICAL_INT32, 0, FF_LT_INTEGER, FF_CT_UINT_32), .bit_width = 32},
    {LK("date", GEN_DATE, FF_PHYSICAL_INT32, 0, FF_LT_DATE, FF_CT_DATE)},
    {LK("time_ms", GEN_TIME_MS, FF_PHYSICAL_INT32, 0, FF_LT_TIME, FF_CT_TIME_MILLIS), .unit = 0,
     .utc = true},
    {LK("dec9", GEN_DEC9, FF_PHYSICAL_INT32, 0, FF_LT_DECIMAL, FF_CT_DECIMAL), .precision = 9,
     .scale = 2},
    {LK("i64", GEN_I64, FF_PHYSICAL_INT64, 0, FF_LT_NONE, -1)},
    {LK("u64", GEN_U64, FF_PHYSICAL_INT64, 0, FF_LT_INTEGER, FF_CT_UINT_64), .bit_width = 64},
    {LK("ts_ms_utc", GEN_TS, FF_PHYSICAL_INT64, 0, FF_LT_TIMESTAMP, FF_CT_TIMESTAMP_MILLIS),
     .unit = 0, .utc = true},
    {LK("ts_ms", GEN_TS, FF_PHYSICAL_INT64, 0, FF_LT_TIMESTAMP, -1), .unit = 0, .utc = false},
    {LK("ts_us_utc", GEN_TS, FF_PHYSICAL_INT64, 0, FF_LT_TIMESTAMP, FF_CT_TIMESTAMP_MICROS),
     .unit = 1, .utc = true},
    {LK("ts_us", GEN_TS, FF_PHYSICAL_INT64, 0, FF_LT_TIMESTAMP, -1), .unit = 1, .utc = false},
    {LK("ts_ns_utc", GEN_TS, FF_PHYSICAL_INT64, 0, FF_LT_TIMESTAMP, -1), .unit = 2, .utc = true},
    {LK("ts_ns", GEN_TS, FF_PHYSICAL_INT64, 0, FF_LT_TIMESTAMP, -1), .unit = 2, .utc = false},
    {LK("dec18", GEN_DEC18, FF_PHYSICAL_INT64, 0, FF_LT_DECIMAL, FF_CT_DECIMAL), .precision = 18,
     .scale = 3},
    {LK("time_us", GEN_TIME_US, FF_PHYSICAL_INT64, 0, FF_LT_TIME, FF_CT_TIME_MICROS), .unit = 1,
     .utc = true},
    {LK("time_ns", GEN_TIME_NS, FF_PHYSICAL_INT64, 0, FF_LT_TIME, -1), .unit = 2, .utc = false},
    {LK("int96", GEN_INT96, FF_PHYSICAL_INT96, 0, FF_LT_NONE, -1)},
    {LK("f32", GEN_FLOAT, FF_PHYSICAL_FLOAT, 0, FF_LT_NONE, -1)},
    {LK("f64", GEN_DOUBLE, FF_PHYSICAL_DOUBLE, 0, FF_LT_NONE, -1)},
    {LK("str", GEN_STRING, FF_PHYSICAL_BYTE_ARRAY, 0, FF_LT_STRING, FF_CT_UTF8)},
    {LK("long_str", GEN_LONG_STRING, FF_PHYSICAL_BYTE_ARRAY, 0, FF_LT_STRING, FF_CT_UTF8)},
    {LK("bin", GEN_BINARY, FF_PHYSICAL_BYTE_ARRAY, 0, FF_LT_NONE, -1)},
    {LK("dec_bytes", GEN_DEC_BYTES, FF_PHYSICAL_BYTE_ARRAY, 0, FF_LT_DECIMAL, FF_CT_DECIMAL),
     .precision = 30, .scale = 4},
    {LK("json", GEN_JSON, FF_PHYSICAL_BYTE_ARRAY, 0, FF_LT_JSON, FF_CT_JSON)},
    {LK("enum", GEN_STRING, FF_PHYSICAL_BYTE_ARRAY, 0, FF_LT_ENUM, FF_CT_ENUM)},
    {LK("uuid", GEN_UUID, FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 16, FF_LT_UUID, -1)},
    {LK("dec_flba", GEN_DEC_FLBA, FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 9, FF_LT_DECIMAL,
        FF_CT_DECIMAL),
     .precision = 20, .scale = 2},
    {LK("f16", GEN_FLOAT16, FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 2, FF_LT_FLOAT16, -1)},
    {LK("flba5", GEN_FLBA5, FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 5, FF_LT_NONE, -1)},
    {LK("seq_i32", GEN_SEQ_I32, FF_PHYSICAL_INT32, 0, FF_LT_NONE, -1)},
    {LK("seq_ts", GEN_SEQ_I64, FF_PHYSICAL_INT64, 0, FF_LT_TIMESTAMP, FF_CT_TIMESTAMP_MICROS),
     .unit = 1, .utc = true},
    {LK("noise_f32", GEN_NOISE_F32, FF_PHYSICAL_FLOAT, 0, FF_LT_NONE, -1)},
    {LK("noise_f64", GEN_NOISE_F64, FF_PHYSICAL_DOUBLE, 0, FF_LT_NONE, -1)},
};
#define NUM_FLAT_KINDS ((int)(sizeof flat_kinds / sizeof flat_kinds[0]))

static const leaf_kind kind_i32 = {LK("element", GEN_I32, FF_PHYSICAL_INT32, 0, FF_LT_NONE, -1)};
static const leaf_kind kind_i64 = {LK("a", GEN_I64, FF_PHYSICAL_INT64, 0, FF_LT_NONE, -1)};
static const leaf_kind kind_str = {
    LK("element", GEN_STRING, FF_PHYSICAL_BYTE_ARRAY, 0, FF_LT_STRING, FF_CT_UTF8)};

/* ---- schema construction ---- */

typedef struct schema_builder {
    ff_pq_schema_element elements[256];
    int32_t count;
} schema_builder;

static ff_pq_schema_element *add_element(schema_builder *b, const char *name, int32_t repetition) {
    ff_pq_schema_element *e = &b->elements[b->count];
    memset(e, 0, sizeof *e);
    e->name = name;
    e->has_repetition_type = true;
    e->repetition_type = repetition;
    e->has_field_id = true;
    e->field_id = b->count;
    b->count++;
    return e;
}

static void add_group(schema_builder *b, const char *name, int32_t repetition, int32_t children,
                      ff_pq_logical_kind logical, int32_t converted) {
    ff_pq_schema_element *e = add_element(b, name, repetition);
    e->has_num_children = true;
    e->num_children = children;
    if (logical != FF_LT_NONE) {
        e->has_logical_type = true;
        e->logical_type.kind = logical;
    }
    if (converted >= 0) {
        e->has_converted_type = true;
        e->converted_type = converted;
    }
}

static void add_leaf(schema_builder *b, const leaf_kind *k, const char *name, int32_t repetition) {
    ff_pq_schema_element *e = add_element(b, name, repetition);
    e->has_type = true;
    e->type = k->physical;
    if (k->type_length) {
        e->has_type_length = true;
        e->type_length = k->type_length;
    }
    if (k->logical != FF_LT_NONE) {
        e->has_logical_type = true;
        ff_pq_logical_type *lt = &e->logical_type;
        lt->kind = k->logical;
        lt->decimal_precision = k->precision;
        lt->decimal_scale = k->scale;
        lt->time_unit = k->unit;
        lt->time_is_adjusted_to_utc = k->utc;
        lt->int_bit_width = k->bit_width;
        lt->int_is_signed = k->is_signed;
    }
    if (k->converted >= 0) {
        e->has_converted_type = true;
        e->converted_type = k->converted;
    }
    if (k->logical == FF_LT_DECIMAL) {
        e->has_precision = e->has_scale = true;
        e->precision = k->precision;
        e->scale = k->scale;
    }
}

/* Nested shapes, each a top-level field. */
enum shape {
    SHAPE_LIST_I32, /* optional group (LIST) { repeated group list { optional int32 } } */
    SHAPE_STRUCT,   /* optional group { optional int64 a; required string b } */
    SHAPE_LIST_STR, /* required group (LIST) { repeated group list { optional string } } */
    SHAPE_MAP, /* optional group (MAP) { repeated key_value { required key; optional value } } */
    SHAPE_LIST_LIST,       /* optional list of optional lists of optional int64 */
    SHAPE_LEGACY_REPEATED, /* repeated int32 */
    NUM_SHAPES
};

static void add_shape(schema_builder *b, enum shape shape) {
    switch (shape) {
    case SHAPE_LIST_I32:
        add_group(b, "list_i32", FF_PQ_OPTIONAL, 1, FF_LT_LIST, FF_CT_LIST);
        add_group(b, "list", FF_PQ_REPEATED, 1, FF_LT_NONE, -1);
        add_leaf(b, &kind_i32, "element", FF_PQ_OPTIONAL);
        break;
    case SHAPE_STRUCT:
        add_group(b, "struct", FF_PQ_OPTIONAL, 2, FF_LT_NONE, -1);
        add_leaf(b, &kind_i64, "a", FF_PQ_OPTIONAL);
        add_leaf(b, &kind_str, "b", FF_PQ_REQUIRED);
        break;
    case SHAPE_LIST_STR:
        add_group(b, "list_str", FF_PQ_REQUIRED, 1, FF_LT_LIST, FF_CT_LIST);
        add_group(b, "list", FF_PQ_REPEATED, 1, FF_LT_NONE, -1);
        add_leaf(b, &kind_str, "element", FF_PQ_OPTIONAL);
        break;
    case SHAPE_MAP:
        add_group(b, "map", FF_PQ_OPTIONAL, 1, FF_LT_MAP, FF_CT_MAP);
        add_group(b, "key_value", FF_PQ_REPEATED, 2, FF_LT_NONE, -1);
        add_leaf(b, &kind_str, "key", FF_PQ_REQUIRED);
        add_leaf(b, &kind_i32, "value", FF_PQ_OPTIONAL);
        break;
    case SHAPE_LIST_LIST:
        add_group(b, "list_list", FF_PQ_OPTIONAL, 1, FF_LT_LIST, FF_CT_LIST);
        add_group(b, "list", FF_PQ_REPEATED, 1, FF_LT_NONE, -1);
        add_group(b, "element", FF_PQ_OPTIONAL, 1, FF_LT_LIST, FF_CT_LIST);
        add_group(b, "list", FF_PQ_REPEATED, 1, FF_LT_NONE, -1);
        add_leaf(b, &kind_i64, "element", FF_PQ_OPTIONAL);
        break;
    case SHAPE_LEGACY_REPEATED:
        add_leaf(b, &kind_i32, "legacy", FF_PQ_REPEATED);
        break;
    default:
        break;
    }
}

/* ---- value generation ---- */

/* Per-leaf generation state: the kind, and for low-cardinality columns a pool of values. */
typedef struct leaf_gen {
    const leaf_kind *kind;
    int32_t width;   /* 0 for BYTE_ARRAY */
    double null_pct; /* flat leaves */
    bool is_required;
    bool drop_validity; /* hand over no bitmap when a batch has no nulls */
    int32_t pool_size;  /* 0: every value fresh */
    ff_buf pool;        /* pool values: u32 length + bytes each */
    int64_t *pool_offsets;
    int64_t last; /* GEN_SEQ_*: the previous value */
} leaf_gen;

static const char *const vocabulary[] = {
    "BTC-USD", "ETH-USD",   "", "sell", "buy", "\xc3\xa9t\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",
    "a\"b\\c", "tab\there", "z"};

/* Appends a fresh value of the kind's type to out (BYTE_ARRAY: any length). */
static void fresh_value(const leaf_kind *k, rng *r, ff_buf *out, ff_error *err) {
    uint8_t bytes[32];
    size_t len = 0;
    switch (k->gen) {
    case GEN_BOOL:
        bytes[0] = (uint8_t)(rnd(r) & 1);
        len = 1;
        break;
    case GEN_I32:
    case GEN_U32: {
        uint32_t v = (uint32_t)rnd(r);
        if (rnd_unit(r) < 0.1)
            v = rnd(r) & 1 ? 0x80000000u : 0x7fffffffu;
        ff_store_le32(bytes, v);
        len = 4;
        break;
    }
    case GEN_I8:
        ff_store_le32(bytes, (uint32_t)(int32_t)rnd_range(r, -128, 127));
        len = 4;
        break;
    case GEN_U16:
        ff_store_le32(bytes, (uint32_t)rnd_range(r, 0, 65535));
        len = 4;
        break;
    case GEN_DATE:
        ff_store_le32(bytes, (uint32_t)(int32_t)rnd_range(r, -719528, 2932896));
        len = 4;
        break;
    case GEN_TIME_MS:
        ff_store_le32(bytes, (uint32_t)rnd_range(r, 0, 86399999));
        len = 4;
        break;
    case GEN_DEC9:
        ff_store_le32(bytes, (uint32_t)(int32_t)rnd_range(r, -999999999, 999999999));
        len = 4;
        break;
    case GEN_I64:
    case GEN_U64: {
        uint64_t v = rnd(r);
        if (rnd_unit(r) < 0.1)
            v = rnd(r) & 1 ? 0x8000000000000000ULL : 0x7fffffffffffffffULL;
        ff_store_le64(bytes, v);
        len = 8;
        break;
    }
    case GEN_TS: {
        int64_t seconds = rnd_range(r, -2208988800LL, 4102444800LL); /* 1900..2100 */
        int64_t v = k->unit == 0   ? seconds * 1000 + rnd_range(r, 0, 999)
                    : k->unit == 1 ? seconds * 1000000 + rnd_range(r, 0, 999999)
                                   : seconds * 1000000000 + rnd_range(r, 0, 999999999);
        ff_store_le64(bytes, (uint64_t)v);
        len = 8;
        break;
    }
    case GEN_DEC18:
        ff_store_le64(bytes, (uint64_t)rnd_range(r, -999999999999999999LL, 999999999999999999LL));
        len = 8;
        break;
    case GEN_TIME_US:
        ff_store_le64(bytes, (uint64_t)rnd_range(r, 0, 86399999999LL));
        len = 8;
        break;
    case GEN_TIME_NS:
        ff_store_le64(bytes, (uint64_t)rnd_range(r, 0, 86399999999999LL));
        len = 8;
        break;
    case GEN_INT96:
        ff_store_le64(bytes, (uint64_t)rnd_range(r, 0, 86399999999999LL));
        ff_store_le32(bytes + 8, (uint32_t)rnd_range(r, 2400000, 2500000));
        len = 12;
        break;
    case GEN_FLOAT: {
        static const float specials[] = {0.0f, -0.0f, NAN, INFINITY, -INFINITY, 1.5f};
        float v = rnd_unit(r) < 0.15 ? specials[rnd(r) % 6]
                                     : (float)((rnd_unit(r) - 0.5) * pow(10, rnd_range(r, -5, 8)));
        memcpy(bytes, &v, 4);
        len = 4;
        break;
    }
    case GEN_DOUBLE: {
        static const double specials[] = {0.0, -0.0, NAN, INFINITY, -INFINITY, 5e-324};
        double v = rnd_unit(r) < 0.15 ? specials[rnd(r) % 6]
                                      : (rnd_unit(r) - 0.5) * pow(10, rnd_range(r, -30, 30));
        memcpy(bytes, &v, 8);
        len = 8;
        break;
    }
    case GEN_STRING: {
        const char *s = vocabulary[rnd(r) % (sizeof vocabulary / sizeof vocabulary[0])];
        if (rnd_unit(r) < 0.5) {
            char text[32];
            int n =
                snprintf(text, sizeof text, "%s-%llu", s, (unsigned long long)(rnd(r) % 100000));
            uint8_t prefix[4];
            ff_store_le32(prefix, (uint32_t)n);
            ff_buf_append(out, prefix, 4, err);
            ff_buf_append(out, text, (size_t)n, err);
            return;
        }
        uint8_t prefix[4];
        ff_store_le32(prefix, (uint32_t)strlen(s));
        ff_buf_append(out, prefix, 4, err);
        ff_buf_append(out, s, strlen(s), err);
        return;
    }
    case GEN_LONG_STRING: {
        size_t n =
            rnd_unit(r) < 0.02 ? (size_t)rnd_range(r, 60000, 80000) : (size_t)rnd_range(r, 0, 300);
        uint8_t prefix[4];
        ff_store_le32(prefix, (uint32_t)n);
        ff_buf_append(out, prefix, 4, err);
        ff_buf_reserve(out, n, err);
        /* Mostly ASCII, with some two-byte characters; the bytes stay valid UTF-8. */
        size_t pos = 0;
        while (pos < n) {
            if (pos + 2 <= n && rnd(r) % 8 == 0) {
                out->data[out->len++] = 0xc3;
                out->data[out->len++] = (uint8_t)(0x80 + rnd(r) % 64);
                pos += 2;
            } else {
                out->data[out->len++] = (uint8_t)('a' + rnd(r) % 26);
                pos++;
            }
        }
        return;
    }
    case GEN_BINARY: {
        size_t n = (size_t)rnd_range(r, 0, 20);
        for (size_t i = 0; i < n; i++)
            bytes[i] = (uint8_t)rnd(r);
        uint8_t prefix[4];
        ff_store_le32(prefix, (uint32_t)n);
        ff_buf_append(out, prefix, 4, err);
        ff_buf_append(out, bytes, n, err);
        return;
    }
    case GEN_DEC_BYTES: {
        /* A minimal big-endian two's complement of |v| < 10^29. */
        __int128 v = ((__int128)(rnd(r) >> 11) << 40) | (rnd(r) >> 24);
        v %= (__int128)1000000000000000LL * 100000000000000LL;
        if (rnd(r) & 1)
            v = -v;
        uint8_t be[16];
        for (int i = 0; i < 16; i++)
            be[15 - i] = (uint8_t)(v >> (8 * i));
        int start = 0;
        while (start < 15 && ((be[start] == 0x00 && !(be[start + 1] & 0x80)) ||
                              (be[start] == 0xff && (be[start + 1] & 0x80))))
            start++;
        uint8_t prefix[4];
        ff_store_le32(prefix, (uint32_t)(16 - start));
        ff_buf_append(out, prefix, 4, err);
        ff_buf_append(out, be + start, (size_t)(16 - start), err);
        return;
    }
    case GEN_JSON: {
        char text[48];
        int n = snprintf(text, sizeof text, "{\"k\":%llu}", (unsigned long long)(rnd(r) % 1000));
        uint8_t prefix[4];
        ff_store_le32(prefix, (uint32_t)n);
        ff_buf_append(out, prefix, 4, err);
        ff_buf_append(out, text, (size_t)n, err);
        return;
    }
    case GEN_UUID:
    case GEN_FLBA5:
        len = (size_t)k->type_length;
        for (size_t i = 0; i < len; i++)
            bytes[i] = (uint8_t)rnd(r);
        break;
    case GEN_DEC_FLBA: {
        /* |v| < 10^20 < 2^67 in 9 bytes, sign-extended. */
        __int128 v = ((__int128)(rnd(r) % 5421010862ULL) << 64 | rnd(r)) %
                     ((__int128)100000000000LL * 1000000000LL);
        if (rnd(r) & 1)
            v = -v;
        for (int i = 0; i < 9; i++)
            bytes[8 - i] = (uint8_t)(v >> (8 * i));
        len = 9;
        break;
    }
    case GEN_NOISE_F32: {
        static const float specials[] = {0.0f, -0.0f, NAN, INFINITY, -INFINITY};
        uint32_t bits = 0x3f800000u | (uint32_t)(rnd(r) & 0x7fffff); /* [1, 2) */
        float v;
        memcpy(&v, &bits, 4);
        if (rnd_unit(r) < 0.03)
            v = specials[rnd(r) % 5];
        memcpy(bytes, &v, 4);
        len = 4;
        break;
    }
    case GEN_NOISE_F64: {
        static const double specials[] = {0.0, -0.0, NAN, INFINITY, -INFINITY};
        uint64_t bits = 0x3ff0000000000000ULL | (rnd(r) & 0xfffffffffffffULL); /* [1, 2) */
        double v;
        memcpy(&v, &bits, 8);
        v *= 1000.0;
        if (rnd_unit(r) < 0.03)
            v = specials[rnd(r) % 5];
        memcpy(bytes, &v, 8);
        len = 8;
        break;
    }
    case GEN_SEQ_I32:
    case GEN_SEQ_I64: /* stateful: next_value makes these */
        break;
    case GEN_FLOAT16: {
        static const uint16_t specials[] = {0x0000, 0x8000, 0x7e00, 0x7c00, 0xfc00, 0x0001};
        uint16_t v = rnd_unit(r) < 0.2 ? specials[rnd(r) % 6] : (uint16_t)rnd(r);
        if ((v & 0x7c00) == 0x7c00 && (v & 0x3ff))
            v = 0x7e00; /* one NaN pattern */
        bytes[0] = (uint8_t)v;
        bytes[1] = (uint8_t)(v >> 8);
        len = 2;
        break;
    }
    }
    ff_buf_append(out, bytes, len, err);
}

static void leaf_gen_init(leaf_gen *g, const leaf_kind *k, rng *r, ff_error *err) {
    memset(g, 0, sizeof *g);
    g->kind = k;
    ff_type t = {.physical = k->physical, .type_length = k->type_length};
    if (k->physical == FF_PHYSICAL_INT96)
        t.type_length = 12;
    g->width = ff_type_value_width(&t);
    ff_buf_init(&g->pool, 0);
    bool is_series = k->gen == GEN_SEQ_I32 || k->gen == GEN_SEQ_I64 || k->gen == GEN_NOISE_F32 ||
                     k->gen == GEN_NOISE_F64;
    g->last = k->gen == GEN_SEQ_I64 ? 1709251200000000LL + rnd_range(r, 0, 1000000)
                                    : rnd_range(r, -1000, 1000);
    if (!is_series && rnd_unit(r) < 0.6) {
        g->pool_size = (int32_t)rnd_range(r, 1, 40);
        g->pool_offsets = calloc((size_t)g->pool_size + 1, sizeof(int64_t));
        for (int32_t i = 0; i < g->pool_size; i++) {
            g->pool_offsets[i] = (int64_t)g->pool.len;
            if (g->width) {
                uint8_t prefix[4];
                ff_store_le32(prefix, (uint32_t)g->width);
                ff_buf_append(&g->pool, prefix, 4, err);
            }
            fresh_value(k, r, &g->pool, err);
        }
        g->pool_offsets[g->pool_size] = (int64_t)g->pool.len;
    }
}

static void leaf_gen_free(leaf_gen *g) {
    ff_buf_free(&g->pool);
    free(g->pool_offsets);
}

/* One value as (pointer, length) in scratch or the pool. */
static const uint8_t *next_value(leaf_gen *g, rng *r, ff_buf *scratch, size_t *len, ff_error *err) {
    if (g->pool_size) {
        const uint8_t *entry = g->pool.data + g->pool_offsets[rnd(r) % (uint64_t)g->pool_size];
        *len = ff_load_le32(entry);
        return entry + 4;
    }
    ff_buf_reset(scratch);
    if (g->kind->gen == GEN_SEQ_I32 || g->kind->gen == GEN_SEQ_I64) {
        bool is_i64 = g->kind->gen == GEN_SEQ_I64;
        double p = rnd_unit(r);
        if (p < 0.002)
            g->last = is_i64 ? INT64_MAX : INT32_MAX;
        else if (p < 0.004)
            g->last = is_i64 ? INT64_MIN : INT32_MIN;
        else
            g->last = (int64_t)((uint64_t)g->last + (uint64_t)rnd_range(r, 0, is_i64 ? 200000 : 3));
        if (!is_i64)
            g->last = (int32_t)(uint32_t)(uint64_t)g->last;
        uint8_t bytes[8];
        ff_store_le64(bytes, (uint64_t)g->last);
        ff_buf_append(scratch, bytes, (size_t)g->width, err);
        *len = (size_t)g->width;
        return scratch->data;
    }
    if (g->width) {
        fresh_value(g->kind, r, scratch, err);
        *len = (size_t)g->width;
        return scratch->data;
    }
    fresh_value(g->kind, r, scratch, err);
    *len = ff_load_le32(scratch->data);
    return scratch->data + 4;
}

/* ---- vectors ---- */

static void vec_push(ff_vector *vec, const uint8_t *value, size_t len, bool is_null, bool spaced,
                     ff_error *err) {
    int64_t n = vec->length;
    if (is_null && !spaced)
        return;
    bool has_validity = spaced;
    ff_vector_reserve(vec, n + 1, vec->values_len + len, has_validity, err);
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        if (!is_null && len) {
            memcpy(vec->values + vec->values_len, value, len);
            vec->values_len += len;
        }
        vec->offsets[n + 1] = (int64_t)vec->values_len;
    } else {
        size_t width = (size_t)ff_type_value_width(&vec->type);
        if (is_null)
            memset(vec->values + (size_t)n * width, 0, width);
        else
            memcpy(vec->values + (size_t)n * width, value, width);
        vec->values_len += width;
    }
    if (has_validity) {
        if (is_null) {
            ff_bitmap_clear(vec->validity, n);
            vec->null_count++;
        } else {
            ff_bitmap_set(vec->validity, n);
        }
    }
    vec->length = n + 1;
}

static void vec_push_level(ff_vector *vec, int16_t def, int16_t rep, bool has_rep) {
    if ((size_t)vec->num_levels == vec->levels_cap) {
        size_t cap = vec->levels_cap ? vec->levels_cap * 2 : 64;
        vec->def_levels = realloc(vec->def_levels, cap * sizeof(int16_t));
        if (has_rep)
            vec->rep_levels = realloc(vec->rep_levels, cap * sizeof(int16_t));
        vec->levels_cap = cap;
    }
    vec->def_levels[vec->num_levels] = def;
    if (has_rep)
        vec->rep_levels[vec->num_levels] = rep;
    vec->num_levels++;
}

/* ---- table generation ---- */

typedef struct table_spec {
    int32_t num_flat;
    int32_t num_leaves;
    leaf_gen gens[64];
    enum shape shapes[NUM_SHAPES];
    int32_t num_shapes;
    double shape_null_pct[NUM_SHAPES];
    ff_schema *schema;
} table_spec;

static double pick_null_pct(rng *r) {
    double choices[] = {0.0, 0.25, 1.0};
    return choices[rnd(r) % 3];
}

static void table_spec_build(table_spec *spec, rng *r, double forced_null_pct,
                             int *ff_test_failures) {
    memset(spec, 0, sizeof *spec);
    ff_error err;
    schema_builder b;
    b.count = 0;
    add_group(&b, "schema", FF_PQ_REQUIRED, 0, FF_LT_NONE, -1);
    b.elements[0].has_repetition_type = false;
    b.elements[0].has_field_id = false;
    int32_t top = 0;
    for (int kind_idx = 0; kind_idx < NUM_FLAT_KINDS; kind_idx++) {
        leaf_gen *g = &spec->gens[spec->num_leaves++];
        leaf_gen_init(g, &flat_kinds[kind_idx], r, &err);
        g->null_pct = forced_null_pct >= 0 ? forced_null_pct : pick_null_pct(r);
        g->is_required = g->null_pct == 0.0 && rnd(r) % 3 == 0;
        g->drop_validity = rnd(r) & 1;
        add_leaf(&b, &flat_kinds[kind_idx], flat_kinds[kind_idx].name,
                 g->is_required ? FF_PQ_REQUIRED : FF_PQ_OPTIONAL);
        top++;
    }
    spec->num_flat = spec->num_leaves;
    for (int shape = 0; shape < NUM_SHAPES; shape++) {
        spec->shapes[spec->num_shapes] = (enum shape)shape;
        spec->shape_null_pct[spec->num_shapes] =
            forced_null_pct >= 0 ? forced_null_pct : pick_null_pct(r);
        spec->num_shapes++;
        add_shape(&b, (enum shape)shape);
        top++;
        const leaf_kind *leaves[2];
        int n = 0;
        switch (shape) {
        case SHAPE_LIST_I32:
        case SHAPE_LEGACY_REPEATED:
            leaves[n++] = &kind_i32;
            break;
        case SHAPE_STRUCT:
            leaves[n++] = &kind_i64;
            leaves[n++] = &kind_str;
            break;
        case SHAPE_LIST_STR:
            leaves[n++] = &kind_str;
            break;
        case SHAPE_MAP:
            leaves[n++] = &kind_str;
            leaves[n++] = &kind_i32;
            break;
        case SHAPE_LIST_LIST:
            leaves[n++] = &kind_i64;
            break;
        }
        for (int i = 0; i < n; i++)
            leaf_gen_init(&spec->gens[spec->num_leaves++], leaves[i], r, &err);
    }
    b.elements[0].has_num_children = true;
    b.elements[0].num_children = top;
    EXPECT_OK(ff_schema_from_thrift(b.elements, b.count, &spec->schema, &err), &err);
}

static void table_spec_free(table_spec *spec) {
    for (int32_t i = 0; i < spec->num_leaves; i++)
        leaf_gen_free(&spec->gens[i]);
    ff_schema_free(spec->schema);
}

/* Appends a present value, or nothing, to a nested (dense) leaf. */
static void nested_value(ff_vector *vec, leaf_gen *g, rng *r, ff_buf *scratch, int16_t def,
                         int16_t max_def, int16_t rep, bool has_rep, ff_error *err) {
    vec_push_level(vec, def, rep, has_rep);
    if (def == max_def) {
        size_t len;
        const uint8_t *value = next_value(g, r, scratch, &len, err);
        vec_push(vec, value, len, false, false, err);
    }
}

/* Fills one batch of num_rows rows. */
static void generate_batch(table_spec *spec, rng *r, int64_t num_rows, ff_batch *batch,
                           int *ff_test_failures) {
    ff_error err;
    EXPECT_OK(ff_batch_init(batch, spec->num_leaves, &err), &err);
    batch->num_rows = num_rows;
    ff_buf scratch;
    ff_buf_init(&scratch, 0);
    for (int32_t col = 0; col < spec->num_leaves; col++)
        ff_vector_init(&batch->columns[col], &spec->schema->leaves[col]->type);
    for (int32_t col = 0; col < spec->num_flat; col++) {
        leaf_gen *g = &spec->gens[col];
        ff_vector *vec = &batch->columns[col];
        ff_vector_reserve(vec, 0, 0, !g->is_required, &err);
        for (int64_t row = 0; row < num_rows; row++) {
            bool is_null = !g->is_required && rnd_unit(r) < g->null_pct;
            size_t len = 0;
            const uint8_t *value = is_null ? NULL : next_value(g, r, &scratch, &len, &err);
            vec_push(vec, value, len, is_null, true, &err);
        }
        if (!g->is_required && vec->null_count == 0 && g->drop_validity) {
            free(vec->validity);
            vec->validity = NULL;
            vec->validity_cap = 0;
        }
        if (g->is_required) {
            free(vec->validity);
            vec->validity = NULL;
            vec->validity_cap = 0;
        }
    }
    int32_t col = spec->num_flat;
    for (int32_t shape_idx = 0; shape_idx < spec->num_shapes; shape_idx++) {
        double null_pct = spec->shape_null_pct[shape_idx];
        ff_vector *v0 = &batch->columns[col];
        ff_vector *v1 = col + 1 < spec->num_leaves ? &batch->columns[col + 1] : NULL;
        leaf_gen *g0 = &spec->gens[col],
                 *g1 = col + 1 < spec->num_leaves ? &spec->gens[col + 1] : NULL;
        switch (spec->shapes[shape_idx]) {
        case SHAPE_LIST_I32: /* max_def 3, max_rep 1 */
            for (int64_t row = 0; row < num_rows; row++) {
                double p = rnd_unit(r);
                if (p < null_pct)
                    vec_push_level(v0, 0, 0, true);
                else if (p < null_pct + 0.1)
                    vec_push_level(v0, 1, 0, true);
                else
                    for (int64_t k = 0, n = rnd_range(r, 1, 4); k < n; k++)
                        nested_value(v0, g0, r, &scratch, rnd_unit(r) < 0.2 ? 2 : 3, 3, k ? 1 : 0,
                                     true, &err);
            }
            col += 1;
            break;
        case SHAPE_STRUCT: /* a: max_def 2; b: max_def 1 */
            for (int64_t row = 0; row < num_rows; row++) {
                if (rnd_unit(r) < null_pct) {
                    vec_push_level(v0, 0, 0, false);
                    vec_push_level(v1, 0, 0, false);
                } else {
                    nested_value(v0, g0, r, &scratch, rnd_unit(r) < 0.25 ? 1 : 2, 2, 0, false,
                                 &err);
                    nested_value(v1, g1, r, &scratch, 1, 1, 0, false, &err);
                }
            }
            col += 2;
            break;
        case SHAPE_LIST_STR: /* required list: max_def 2, max_rep 1 */
            for (int64_t row = 0; row < num_rows; row++) {
                if (rnd_unit(r) < fmin(null_pct, 0.3) + 0.05)
                    vec_push_level(v0, 0, 0, true);
                else
                    for (int64_t k = 0, n = rnd_range(r, 1, 3); k < n; k++)
                        nested_value(v0, g0, r, &scratch, rnd_unit(r) < null_pct * 0.5 ? 1 : 2, 2,
                                     k ? 1 : 0, true, &err);
            }
            col += 1;
            break;
        case SHAPE_MAP: /* key: max_def 2; value: max_def 3; max_rep 1 */
            for (int64_t row = 0; row < num_rows; row++) {
                double p = rnd_unit(r);
                if (p < null_pct || p < null_pct + 0.1) {
                    int16_t def = p < null_pct ? 0 : 1;
                    vec_push_level(v0, def, 0, true);
                    vec_push_level(v1, def, 0, true);
                } else {
                    for (int64_t k = 0, n = rnd_range(r, 1, 3); k < n; k++) {
                        nested_value(v0, g0, r, &scratch, 2, 2, k ? 1 : 0, true, &err);
                        nested_value(v1, g1, r, &scratch, rnd_unit(r) < 0.3 ? 2 : 3, 3, k ? 1 : 0,
                                     true, &err);
                    }
                }
            }
            col += 2;
            break;
        case SHAPE_LIST_LIST: /* max_def 5, max_rep 2 */
            for (int64_t row = 0; row < num_rows; row++) {
                double p = rnd_unit(r);
                if (p < null_pct) {
                    vec_push_level(v0, 0, 0, true);
                    continue;
                }
                if (p < null_pct + 0.1) {
                    vec_push_level(v0, 1, 0, true);
                    continue;
                }
                for (int64_t j = 0, outer = rnd_range(r, 1, 3); j < outer; j++) {
                    int16_t rep = j ? 1 : 0;
                    double q = rnd_unit(r);
                    if (q < 0.15) {
                        vec_push_level(v0, 2, rep, true);
                    } else if (q < 0.3) {
                        vec_push_level(v0, 3, rep, true);
                    } else {
                        for (int64_t i = 0, inner = rnd_range(r, 1, 3); i < inner; i++)
                            nested_value(v0, g0, r, &scratch, rnd_unit(r) < 0.2 ? 4 : 5, 5,
                                         i ? 2 : rep, true, &err);
                    }
                }
            }
            col += 1;
            break;
        case SHAPE_LEGACY_REPEATED: /* max_def 1, max_rep 1: zero or more values */
            for (int64_t row = 0; row < num_rows; row++) {
                int64_t n = rnd_unit(r) < fmax(null_pct, 0.2) ? 0 : rnd_range(r, 1, 3);
                if (n == 0)
                    vec_push_level(v0, 0, 0, true);
                for (int64_t k = 0; k < n; k++)
                    nested_value(v0, g0, r, &scratch, 1, 1, k ? 1 : 0, true, &err);
            }
            col += 1;
            break;
        default:
            break;
        }
    }
    /* A nested vector always has its level arrays, even with no rows. */
    for (int32_t c = spec->num_flat; c < spec->num_leaves; c++) {
        ff_vector *vec = &batch->columns[c];
        if (!vec->def_levels)
            vec->def_levels = malloc(sizeof(int16_t));
        if (spec->schema->leaves[c]->max_rep > 0 && !vec->rep_levels)
            vec->rep_levels = malloc(sizeof(int16_t));
        if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY && !vec->offsets)
            ff_vector_reserve(vec, 0, 0, false, &err);
    }
    ff_buf_free(&scratch);
}

/* ---- traces: a column as level pairs and value bytes, comparable across batch splits ---- */

typedef struct trace {
    int64_t num_levels;
    int16_t *def, *rep;
    size_t cap;
    ff_buf values; /* u32 length + bytes per present value */
    int64_t num_values;
} trace;

static void trace_push_level(trace *t, int16_t def, int16_t rep) {
    if ((size_t)t->num_levels == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->def = realloc(t->def, t->cap * sizeof(int16_t));
        t->rep = realloc(t->rep, t->cap * sizeof(int16_t));
    }
    t->def[t->num_levels] = def;
    t->rep[t->num_levels] = rep;
    t->num_levels++;
}

static void trace_push_value(trace *t, const uint8_t *value, size_t len, ff_error *err) {
    if (t->values.max_cap == 0) /* zero-initialised trace */
        ff_buf_init(&t->values, 0);
    uint8_t prefix[4];
    ff_store_le32(prefix, (uint32_t)len);
    ff_buf_append(&t->values, prefix, 4, err);
    ff_buf_append(&t->values, value, len, err);
    t->num_values++;
}

static const uint8_t *vec_value(const ff_vector *vec, int64_t i, size_t *len) {
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        *len = (size_t)(vec->offsets[i + 1] - vec->offsets[i]);
        return vec->values + vec->offsets[i];
    }
    *len = (size_t)ff_type_value_width(&vec->type);
    return vec->values + (size_t)i * *len;
}

/* A flat vector is traced as a top-level leaf would be stored: def max or max - 1. */
static void trace_append_vector(trace *t, const ff_vector *vec, const ff_schema_node *leaf,
                                ff_error *err) {
    if (!vec->def_levels && !vec->rep_levels) {
        for (int64_t i = 0; i < vec->length; i++) {
            bool is_null = ff_vector_is_null(vec, i);
            trace_push_level(t, (int16_t)(is_null ? leaf->max_def - 1 : leaf->max_def), 0);
            if (!is_null) {
                size_t len;
                const uint8_t *value = vec_value(vec, i, &len);
                trace_push_value(t, value, len, err);
            }
        }
        return;
    }
    for (int64_t i = 0; i < vec->num_levels; i++)
        trace_push_level(t, vec->def_levels ? vec->def_levels[i] : 0,
                         vec->rep_levels ? vec->rep_levels[i] : 0);
    for (int64_t i = 0; i < vec->length; i++) {
        size_t len;
        const uint8_t *value = vec_value(vec, i, &len);
        trace_push_value(t, value, len, err);
    }
}

static void trace_free(trace *t) {
    free(t->def);
    free(t->rep);
    ff_buf_free(&t->values);
    memset(t, 0, sizeof *t);
}

static int trace_compare(const trace *expected, const trace *actual, const char *column,
                         const char *label) {
    if (expected->num_levels != actual->num_levels || expected->num_values != actual->num_values) {
        fprintf(stderr, "  %s: column %s: %lld levels / %lld values, expected %lld / %lld\n", label,
                column, (long long)actual->num_levels, (long long)actual->num_values,
                (long long)expected->num_levels, (long long)expected->num_values);
        return 1;
    }
    for (int64_t i = 0; i < expected->num_levels; i++)
        if (expected->def[i] != actual->def[i] || expected->rep[i] != actual->rep[i]) {
            fprintf(stderr, "  %s: column %s: level %lld is (%d,%d), expected (%d,%d)\n", label,
                    column, (long long)i, actual->def[i], actual->rep[i], expected->def[i],
                    expected->rep[i]);
            return 1;
        }
    if (expected->values.len != actual->values.len ||
        (expected->values.len &&
         memcmp(expected->values.data, actual->values.data, expected->values.len) != 0)) {
        size_t pos = 0;
        int64_t value_idx = 0;
        while (pos < expected->values.len && pos < actual->values.len &&
               expected->values.data[pos] == actual->values.data[pos])
            pos++;
        /* Find which value holds the first differing byte. */
        size_t walk = 0;
        while (walk < expected->values.len) {
            size_t next = walk + 4 + ff_load_le32(expected->values.data + walk);
            if (next > pos)
                break;
            walk = next;
            value_idx++;
        }
        fprintf(stderr, "  %s: column %s: value %lld differs (byte %zu)\n", label, column,
                (long long)value_idx, pos);
        return 1;
    }
    return 0;
}

/* ---- independent sort orders for the statistics check ---- */

static double half_to_double(uint16_t h) {
    int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0)
        return sign * ldexp(mantissa, -24);
    if (exponent == 31)
        return mantissa ? NAN : sign * INFINITY;
    return sign * ldexp(mantissa + 1024, exponent - 25);
}

static __int128 decimal_bytes_value(const uint8_t *p, size_t len) {
    /* Accumulate unsigned, then sign-extend from the value's own width (len <= 16). */
    unsigned __int128 u = 0;
    for (size_t i = 0; i < len; i++)
        u = (u << 8) | p[i];
    if (len > 0 && len < 16 && (p[0] & 0x80))
        u |= ~(unsigned __int128)0 << (8 * len);
    return (__int128)u;
}

typedef enum check_order {
    ORDER_NONE,
    ORDER_SIGNED,
    ORDER_UNSIGNED,
    ORDER_FLOAT,
    ORDER_BYTES,
    ORDER_DECIMAL,
    ORDER_HALF,
    ORDER_BOOL
} check_order;

static check_order order_for(const ff_schema_node *leaf) {
    const ff_type *t = &leaf->type;
    if (t->physical == FF_PHYSICAL_INT96 || t->logical == FF_LOGICAL_INTERVAL)
        return ORDER_NONE;
    if (t->logical == FF_LOGICAL_FLOAT16)
        return ORDER_HALF;
    if (t->logical == FF_LOGICAL_DECIMAL &&
        (t->physical == FF_PHYSICAL_BYTE_ARRAY || t->physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY))
        return ORDER_DECIMAL;
    if (t->logical == FF_LOGICAL_INT && !t->int_is_signed)
        return ORDER_UNSIGNED;
    switch (t->physical) {
    case FF_PHYSICAL_BOOLEAN:
        return ORDER_BOOL;
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_INT64:
        return ORDER_SIGNED;
    case FF_PHYSICAL_FLOAT:
    case FF_PHYSICAL_DOUBLE:
        return ORDER_FLOAT;
    default:
        return ORDER_BYTES;
    }
}

static double as_double(const uint8_t *p, size_t len) {
    if (len == 4) {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
    double d;
    memcpy(&d, p, 8);
    return d;
}

/* <0, 0, >0 in the order; NaN-free values. */
static int check_compare(check_order order, const uint8_t *a, size_t a_len, const uint8_t *b,
                         size_t b_len) {
    switch (order) {
    case ORDER_BOOL:
        return (int)a[0] - (int)b[0];
    case ORDER_SIGNED: {
        int64_t x = a_len == 4 ? (int32_t)ff_load_le32(a) : (int64_t)ff_load_le64(a);
        int64_t y = b_len == 4 ? (int32_t)ff_load_le32(b) : (int64_t)ff_load_le64(b);
        return x < y ? -1 : x > y;
    }
    case ORDER_UNSIGNED: {
        uint64_t x = a_len == 4 ? ff_load_le32(a) : ff_load_le64(a);
        uint64_t y = b_len == 4 ? ff_load_le32(b) : ff_load_le64(b);
        return x < y ? -1 : x > y;
    }
    case ORDER_FLOAT: {
        double x = as_double(a, a_len), y = as_double(b, b_len);
        return x < y ? -1 : x > y;
    }
    case ORDER_HALF: {
        double x = half_to_double(ff_load_le16(a)), y = half_to_double(ff_load_le16(b));
        return x < y ? -1 : x > y;
    }
    case ORDER_DECIMAL: {
        __int128 x = decimal_bytes_value(a, a_len), y = decimal_bytes_value(b, b_len);
        return x < y ? -1 : x > y;
    }
    case ORDER_BYTES: {
        size_t n = a_len < b_len ? a_len : b_len;
        int c = n ? memcmp(a, b, n) : 0;
        return c ? c : (a_len < b_len ? -1 : a_len > b_len);
    }
    case ORDER_NONE:
        break;
    }
    return 0;
}

static bool is_nan_value(check_order order, const uint8_t *p, size_t len) {
    if (order == ORDER_FLOAT)
        return isnan(as_double(p, len));
    if (order == ORDER_HALF)
        return isnan(half_to_double(ff_load_le16(p)));
    return false;
}

/* Checks a chunk's statistics against the values of the row group (a trace segment). */
static int check_chunk_stats(const ff_column_stats *stats, const trace *t, int16_t max_def,
                             const ff_schema_node *leaf, const char *label) {
    int failures = 0;
    int64_t nulls = 0;
    for (int64_t i = 0; i < t->num_levels; i++)
        nulls += t->def[i] < max_def;
    if (!stats->has_null_count || stats->null_count != nulls) {
        fprintf(stderr, "  %s: null_count %lld, expected %lld\n", label,
                (long long)stats->null_count, (long long)nulls);
        failures++;
    }
    check_order order = order_for(leaf);
    const uint8_t *lo = NULL, *hi = NULL;
    size_t lo_len = 0, hi_len = 0;
    size_t pos = 0;
    for (int64_t i = 0; i < t->num_values; i++) {
        size_t len = ff_load_le32(t->values.data + pos);
        const uint8_t *v = t->values.data + pos + 4;
        pos += 4 + len;
        if (order == ORDER_NONE || is_nan_value(order, v, len))
            continue;
        if (!lo || check_compare(order, v, len, lo, lo_len) < 0) {
            lo = v;
            lo_len = len;
        }
        if (!hi || check_compare(order, v, len, hi, hi_len) > 0) {
            hi = v;
            hi_len = len;
        }
    }
    if (!lo) {
        if (stats->has_min_max) {
            fprintf(stderr, "  %s: has min/max but no comparable values\n", label);
            failures++;
        }
        return failures;
    }
    if (!stats->has_min_max) {
        fprintf(stderr, "  %s: no min/max\n", label);
        return failures + 1;
    }
    bool exact_lo = lo_len <= 64 || order != ORDER_BYTES,
         exact_hi = hi_len <= 64 || order != ORDER_BYTES;
    int c_lo = check_compare(order, stats->min, stats->min_len, lo, lo_len);
    int c_hi = check_compare(order, stats->max, stats->max_len, hi, hi_len);
    if ((exact_lo && c_lo != 0) || (!exact_lo && c_lo > 0) || (exact_hi && c_hi != 0) ||
        (!exact_hi && c_hi < 0)) {
        fprintf(stderr, "  %s: min/max do not match the data (%d, %d)\n", label, c_lo, c_hi);
        failures++;
    }
    if (order == ORDER_FLOAT && as_double(lo, lo_len) == 0.0 &&
        !signbit(as_double(stats->min, stats->min_len))) {
        fprintf(stderr, "  %s: zero minimum written as +0\n", label);
        failures++;
    }
    if (order == ORDER_FLOAT && as_double(hi, hi_len) == 0.0 &&
        signbit(as_double(stats->max, stats->max_len))) {
        fprintf(stderr, "  %s: zero maximum written as -0\n", label);
        failures++;
    }
    return failures;
}

/* ---- file-level checks on the raw bytes: page index and bloom filters ---- */

static uint8_t *read_whole_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size + 1);
    *len = fread(data, 1, (size_t)size, f);
    fclose(f);
    return data;
}

static int check_page_index(const uint8_t *file, size_t file_len, const ff_pq_column_chunk *chunk,
                            int64_t rg_rows, const char *label) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    int failures = 0;
    if (!chunk->has_offset_index) {
        /* Only a chunk of a single data page goes without a page index. */
        const ff_pq_column_metadata *md = &chunk->meta_data;
        int64_t start =
            md->has_dictionary_page_offset ? md->dictionary_page_offset : md->data_page_offset;
        ff_cursor cur;
        ff_cursor_init(&cur, file + start, (size_t)md->total_compressed_size);
        int data_pages = 0;
        while (ff_cursor_remaining(&cur) > 0) {
            ff_pq_page_header header;
            if (ff_thrift_decode_page_header(&cur, &arena, &header, &err) != FF_OK ||
                ff_cursor_skip(&cur, (size_t)header.compressed_page_size, &err) != FF_OK)
                break;
            data_pages += header.type != FF_PAGE_DICTIONARY;
        }
        if (data_pages != 1 || chunk->has_column_index) {
            fprintf(stderr, "  %s: no offset index for a chunk of %d data pages\n", label,
                    data_pages);
            failures++;
        }
        goto done;
    }
    ff_pq_offset_index oi;
    memset(&oi, 0, sizeof oi);
    if ((uint64_t)chunk->offset_index_offset + (uint64_t)chunk->offset_index_length > file_len ||
        ff_thrift_decode_offset_index(file + chunk->offset_index_offset,
                                      (size_t)chunk->offset_index_length, &arena, &oi,
                                      &err) != FF_OK) {
        fprintf(stderr, "  %s: offset index unreadable\n", label);
        failures++;
        goto done;
    }
    int64_t prev_row = -1, values = 0;
    for (int32_t page_idx = 0; page_idx < oi.num_pages; page_idx++) {
        const ff_pq_page_location *loc = &oi.page_locations[page_idx];
        ff_cursor cur;
        ff_cursor_init(&cur, file + loc->offset, (size_t)loc->compressed_page_size);
        ff_pq_page_header header;
        if (ff_thrift_decode_page_header(&cur, &arena, &header, &err) != FF_OK ||
            (header.type != FF_PAGE_DATA && header.type != FF_PAGE_DATA_V2) ||
            ff_cursor_offset(&cur) + (size_t)header.compressed_page_size !=
                (size_t)loc->compressed_page_size) {
            fprintf(stderr, "  %s: page %d location does not hold one data page\n", label,
                    page_idx);
            failures++;
            goto done;
        }
        if (loc->first_row_index <= prev_row || (page_idx == 0 && loc->first_row_index != 0)) {
            fprintf(stderr, "  %s: page %d first row %lld\n", label, page_idx,
                    (long long)loc->first_row_index);
            failures++;
        }
        if (header.type == FF_PAGE_DATA_V2 && page_idx + 1 < oi.num_pages &&
            oi.page_locations[page_idx + 1].first_row_index - loc->first_row_index !=
                header.data_page_header_v2.num_rows) {
            fprintf(stderr, "  %s: page %d rows disagree with the offset index\n", label, page_idx);
            failures++;
        }
        values += header.type == FF_PAGE_DATA ? header.data_page_header.num_values
                                              : header.data_page_header_v2.num_values;
        prev_row = loc->first_row_index;
    }
    if (values != chunk->meta_data.num_values || prev_row >= rg_rows) {
        fprintf(stderr, "  %s: pages hold %lld values, chunk %lld\n", label, (long long)values,
                (long long)chunk->meta_data.num_values);
        failures++;
    }
    if (chunk->has_column_index) {
        ff_pq_column_index ci;
        memset(&ci, 0, sizeof ci);
        if (ff_thrift_decode_column_index(file + chunk->column_index_offset,
                                          (size_t)chunk->column_index_length, &arena, &ci,
                                          &err) != FF_OK ||
            ci.num_pages != oi.num_pages) {
            fprintf(stderr, "  %s: column index unreadable or page count differs\n", label);
            failures++;
            goto done;
        }
        int64_t nulls = 0;
        for (int32_t page_idx = 0; page_idx < ci.num_pages; page_idx++)
            nulls += ci.has_null_counts ? ci.null_counts[page_idx] : 0;
        if (chunk->meta_data.has_statistics && nulls != chunk->meta_data.statistics.null_count) {
            fprintf(stderr, "  %s: page null counts sum to %lld, chunk says %lld\n", label,
                    (long long)nulls, (long long)chunk->meta_data.statistics.null_count);
            failures++;
        }
    }
done:
    ff_arena_free(&arena);
    return failures;
}

/* The chunk's encodings list and encoding_stats against its page headers: encoding_stats
 * counts exactly the pages of each (page type, encoding); every encoding a page uses is
 * listed, and every listed encoding but RLE (which levels use) is used by a page. */
static int check_chunk_encodings(const uint8_t *file, size_t file_len,
                                 const ff_pq_column_chunk *chunk, const char *label) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    const ff_pq_column_metadata *md = &chunk->meta_data;
    int64_t start =
        md->has_dictionary_page_offset ? md->dictionary_page_offset : md->data_page_offset;
    int failures = 0;
    if (start < 0 || (uint64_t)start + (uint64_t)md->total_compressed_size > file_len) {
        fprintf(stderr, "  %s: chunk lies outside the file\n", label);
        return 1;
    }
    enum { MAX_KINDS = 16 };
    int32_t kinds[MAX_KINDS][3]; /* page type, encoding, pages */
    int num_kinds = 0;
    ff_cursor cur;
    ff_cursor_init(&cur, file + start, (size_t)md->total_compressed_size);
    while (ff_cursor_remaining(&cur) > 0) {
        ff_pq_page_header header;
        if (ff_thrift_decode_page_header(&cur, &arena, &header, &err) != FF_OK ||
            ff_cursor_skip(&cur, (size_t)header.compressed_page_size, &err) != FF_OK) {
            fprintf(stderr, "  %s: page headers unreadable: %s\n", label, err.message);
            failures++;
            break;
        }
        int32_t encoding = header.type == FF_PAGE_DATA ? header.data_page_header.encoding
                           : header.type == FF_PAGE_DATA_V2
                               ? header.data_page_header_v2.encoding
                               : header.dictionary_page_header.encoding;
        int kind_idx = 0;
        while (kind_idx < num_kinds &&
               (kinds[kind_idx][0] != header.type || kinds[kind_idx][1] != encoding))
            kind_idx++;
        if (kind_idx == num_kinds && num_kinds < MAX_KINDS) {
            kinds[num_kinds][0] = header.type;
            kinds[num_kinds][1] = encoding;
            kinds[num_kinds++][2] = 0;
        }
        if (kind_idx < MAX_KINDS)
            kinds[kind_idx][2]++;
    }
    if (md->num_encoding_stats != num_kinds) {
        fprintf(stderr, "  %s: %d encoding_stats entries, pages show %d (page type, encoding)\n",
                label, md->num_encoding_stats, num_kinds);
        failures++;
    }
    for (int kind_idx = 0; kind_idx < num_kinds; kind_idx++) {
        bool counted = false, listed = false;
        for (int32_t stat_idx = 0; stat_idx < md->num_encoding_stats; stat_idx++) {
            const ff_pq_page_encoding_stats *st = &md->encoding_stats[stat_idx];
            if (st->page_type == kinds[kind_idx][0] && st->encoding == kinds[kind_idx][1] &&
                st->count == kinds[kind_idx][2])
                counted = true;
        }
        for (int32_t enc_idx = 0; enc_idx < md->num_encodings; enc_idx++)
            listed |= md->encodings[enc_idx] == kinds[kind_idx][1];
        if (!counted || !listed) {
            fprintf(stderr, "  %s: %d pages of type %d in encoding %d are %s\n", label,
                    kinds[kind_idx][2], kinds[kind_idx][0], kinds[kind_idx][1],
                    !listed ? "not in the encodings list" : "not counted in encoding_stats");
            failures++;
        }
    }
    for (int32_t enc_idx = 0; enc_idx < md->num_encodings; enc_idx++) {
        bool used = md->encodings[enc_idx] == FF_ENC_RLE;
        for (int kind_idx = 0; kind_idx < num_kinds; kind_idx++)
            used |= kinds[kind_idx][1] == md->encodings[enc_idx];
        if (!used) {
            fprintf(stderr, "  %s: encoding %d is listed but no page uses it\n", label,
                    md->encodings[enc_idx]);
            failures++;
        }
    }
    ff_arena_free(&arena);
    return failures;
}

static int check_bloom_filter(const uint8_t *file, size_t file_len, const ff_pq_column_chunk *chunk,
                              const trace *t, const char *label) {
    const ff_pq_column_metadata *md = &chunk->meta_data;
    if (!md->has_bloom_filter_offset || !md->has_bloom_filter_length ||
        (uint64_t)md->bloom_filter_offset + (uint64_t)md->bloom_filter_length > file_len) {
        fprintf(stderr, "  %s: no bloom filter\n", label);
        return 1;
    }
    ff_cursor cur;
    ff_cursor_init(&cur, file + md->bloom_filter_offset, (size_t)md->bloom_filter_length);
    ff_pq_bloom_filter_header header;
    ff_error err;
    if (ff_thrift_decode_bloom_filter_header(&cur, &header, &err) != FF_OK ||
        (size_t)header.num_bytes != ff_cursor_remaining(&cur)) {
        fprintf(stderr, "  %s: bloom filter header unreadable\n", label);
        return 1;
    }
    ff_bloom_filter filter;
    if (ff_bloom_filter_init(&filter, (size_t)header.num_bytes, &err) != FF_OK)
        return 1;
    for (int32_t word_idx = 0; word_idx < header.num_bytes / 4; word_idx++)
        filter.words[word_idx] = ff_load_le32(cur.pos + 4 * word_idx);
    int failures = 0;
    size_t pos = 0;
    for (int64_t i = 0; i < t->num_values; i++) {
        size_t len = ff_load_le32(t->values.data + pos);
        if (!ff_bloom_filter_check(&filter, ff_bloom_hash(t->values.data + pos + 4, len)))
            failures = 1;
        pos += 4 + len;
    }
    if (failures)
        fprintf(stderr, "  %s: a written value is missing from the bloom filter\n", label);
    ff_bloom_filter_free(&filter);
    return failures;
}

/* ---- schema comparison ---- */

static int compare_schemas(const ff_schema *expected, const ff_schema *actual) {
    if (expected->num_nodes != actual->num_nodes) {
        fprintf(stderr, "  schema has %d nodes, expected %d\n", actual->num_nodes,
                expected->num_nodes);
        return 1;
    }
    for (int32_t i = 1; i < expected->num_nodes; i++) {
        const ff_pq_schema_element *a = &expected->nodes[i].element, *b = &actual->nodes[i].element;
        bool same =
            !strcmp(a->name, b->name) && a->has_type == b->has_type && a->type == b->type &&
            a->type_length == b->type_length && a->repetition_type == b->repetition_type &&
            a->num_children == b->num_children && a->has_converted_type == b->has_converted_type &&
            (!a->has_converted_type || a->converted_type == b->converted_type) &&
            a->has_field_id == b->has_field_id && a->field_id == b->field_id &&
            a->has_logical_type == b->has_logical_type &&
            a->logical_type.kind == b->logical_type.kind && a->scale == b->scale &&
            a->precision == b->precision &&
            a->logical_type.time_unit == b->logical_type.time_unit &&
            a->logical_type.time_is_adjusted_to_utc == b->logical_type.time_is_adjusted_to_utc &&
            a->logical_type.int_bit_width == b->logical_type.int_bit_width &&
            a->logical_type.int_is_signed == b->logical_type.int_is_signed &&
            a->logical_type.decimal_precision == b->logical_type.decimal_precision &&
            a->logical_type.decimal_scale == b->logical_type.decimal_scale;
        if (!same) {
            fprintf(stderr, "  schema element %d ('%s') differs\n", i, a->name);
            return 1;
        }
    }
    return 0;
}

/* ---- one round trip ---- */

typedef struct trip {
    const char *label;
    uint64_t seed;
    ff_writer_options options;
    int64_t batch_rows[6]; /* rows per batch; a zero-terminated list (-1 for an empty batch) */
    double null_pct;       /* < 0: random per column */
    const char *bloom[3];
} trip;

static char scratch_dir[256];

/* The scratch folder (made on first use) where every case writes its files. */
static const char *scratch(void) {
    if (!scratch_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(scratch_dir, sizeof scratch_dir, "%s/ff-writer-XXXXXX", tmp ? tmp : "/tmp");
        if (!mkdtemp(scratch_dir))
            snprintf(scratch_dir, sizeof scratch_dir, "/tmp");
    }
    return scratch_dir;
}

static void run_trip(const trip *tr, int *ff_test_failures) {
    ff_error err;
    ff_error_clear(&err);
    rng r = {tr->seed};
    table_spec spec;
    table_spec_build(&spec, &r, tr->null_pct, ff_test_failures);
    if (!spec.schema)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/%s.parquet", scratch(), tr->label);

    ff_writer_options options = tr->options;
    int32_t num_bloom = 0;
    while (num_bloom < 3 && tr->bloom[num_bloom])
        num_bloom++;
    options.bloom_filter_columns = tr->bloom;
    options.num_bloom_filter_columns = num_bloom;
    const ff_key_value kvs[] = {
        {"origin", "round trip"}, {"ARROW:schema", "stale"}, {"empty", NULL}};
    options.key_value_metadata = kvs;
    options.num_key_value_metadata = 3;

    trace *expected = calloc((size_t)spec.num_leaves, sizeof(trace));
    trace *actual = calloc((size_t)spec.num_leaves, sizeof(trace));
    ff_writer *writer = NULL;
    EXPECT_OK(ff_writer_open(path, spec.schema, &options, &writer, &err), &err);
    int64_t total_rows = 0;
    for (int batch_idx = 0; writer && batch_idx < 6 && tr->batch_rows[batch_idx]; batch_idx++) {
        int64_t rows = tr->batch_rows[batch_idx] < 0 ? 0 : tr->batch_rows[batch_idx];
        ff_batch batch;
        generate_batch(&spec, &r, rows, &batch, ff_test_failures);
        for (int32_t col = 0; col < spec.num_leaves; col++)
            trace_append_vector(&expected[col], &batch.columns[col], spec.schema->leaves[col],
                                &err);
        EXPECT_OK(ff_writer_write_batch(writer, &batch, &err), &err);
        total_rows += rows;
        ff_batch_free(&batch);
    }
    if (writer) {
        EXPECT_EQ_INT(ff_writer_num_rows(writer), total_rows);
        EXPECT_OK(ff_writer_close(writer, &err), &err);
    }
    ff_writer_free(writer);

    ff_reader *reader = NULL;
    EXPECT_OK(ff_reader_open(path, NULL, &reader, &err), &err);
    size_t file_len = 0;
    uint8_t *file = read_whole_file(path, &file_len);
    if (reader && file) {
        if (compare_schemas(spec.schema, ff_reader_schema(reader)))
            FF_FAIL_AT("%s: schema differs", tr->label);
        EXPECT_EQ_INT(ff_reader_num_rows(reader), total_rows);
        EXPECT_EQ_STR(ff_reader_created_by(reader), "fluxforge version 0.1.0");
        /* ARROW:schema came without a source schema, so it is dropped; the others stay. */
        EXPECT_EQ_INT(ff_reader_num_key_values(reader), 2);
        const char *key;
        const uint8_t *value;
        size_t value_len;
        if (ff_reader_key_value(reader, 0, &key, &value, &value_len)) {
            EXPECT_EQ_STR(key, "origin");
            EXPECT_TRUE(value && value_len == 10 && !memcmp(value, "round trip", 10));
        }
        if (ff_reader_key_value(reader, 1, &key, &value, &value_len)) {
            EXPECT_EQ_STR(key, "empty");
            EXPECT_TRUE(value == NULL);
        }
        const ff_pq_file_metadata *md = ff_reader_metadata(reader);
        ff_batch batch;
        memset(&batch, 0, sizeof batch);
        for (int32_t rg_idx = 0; rg_idx < ff_reader_num_row_groups(reader); rg_idx++) {
            int64_t rg_rows = ff_reader_row_group_num_rows(reader, rg_idx);
            if (tr->options.row_group_rows > 0 && rg_rows > tr->options.row_group_rows)
                FF_FAIL_AT("%s: row group %d has %lld rows, limit %lld", tr->label, rg_idx,
                           (long long)rg_rows, (long long)tr->options.row_group_rows);
            EXPECT_OK(ff_reader_read_row_group(reader, rg_idx, NULL, -1, &batch, &err), &err);
            for (int32_t col = 0; col < spec.num_leaves && col < batch.num_columns; col++) {
                const ff_schema_node *leaf = spec.schema->leaves[col];
                trace segment;
                memset(&segment, 0, sizeof segment);
                trace_append_vector(&segment, &batch.columns[col], leaf, &err);
                trace_append_vector(&actual[col], &batch.columns[col], leaf, &err);
                char label[256];
                snprintf(label, sizeof label, "%s: row group %d: column %s", tr->label, rg_idx,
                         leaf->name);
                if (tr->options.write_statistics) {
                    ff_column_stats stats;
                    EXPECT_OK(ff_reader_column_stats(reader, rg_idx, col, &stats, &err), &err);
                    *ff_test_failures +=
                        check_chunk_stats(&stats, &segment, leaf->max_def, leaf, label);
                }
                const ff_pq_column_chunk *chunk = &md->row_groups[rg_idx].columns[col];
                if (tr->options.write_page_index)
                    *ff_test_failures += check_page_index(file, file_len, chunk, rg_rows, label);
                *ff_test_failures += check_chunk_encodings(file, file_len, chunk, label);
                for (int b = 0; b < num_bloom; b++)
                    if (!strcmp(tr->bloom[b], leaf->name))
                        *ff_test_failures +=
                            check_bloom_filter(file, file_len, chunk, &segment, label);
                trace_free(&segment);
            }
        }
        ff_batch_free(&batch);
        for (int32_t col = 0; col < spec.num_leaves; col++) {
            char column[64];
            ff_schema_node_path(spec.schema->leaves[col], column, sizeof column);
            *ff_test_failures += trace_compare(&expected[col], &actual[col], column, tr->label);
        }
    }
    free(file);
    ff_reader_free(reader);
    for (int32_t col = 0; col < spec.num_leaves; col++) {
        trace_free(&expected[col]);
        trace_free(&actual[col]);
    }
    free(expected);
    free(actual);
    table_spec_free(&spec);
    unlink(path);
}

/* ---- cases ---- */

static const ff_compression all_codecs[] = {FF_COMPRESSION_UNCOMPRESSED, FF_COMPRESSION_SNAPPY,
                                            FF_COMPRESSION_GZIP,         FF_COMPRESSION_BROTLI,
                                            FF_COMPRESSION_ZSTD,         FF_COMPRESSION_LZ4_RAW};

FF_TEST(codecs_page_versions_and_dictionary_matrix) {
    for (int codec_idx = 0; codec_idx < 6; codec_idx++)
        for (int version = 1; version <= 2; version++)
            for (int dict = 0; dict <= 1; dict++) {
                trip tr;
                memset(&tr, 0, sizeof tr);
                char label[64];
                snprintf(label, sizeof label, "matrix-codec%d-v%d-dict%d",
                         (int)all_codecs[codec_idx], version, dict);
                tr.label = label;
                tr.seed = 1000 + (uint64_t)(codec_idx * 4 + (version - 1) * 2 + dict);
                ff_writer_options_init(&tr.options);
                tr.options.compression = all_codecs[codec_idx];
                tr.options.data_page_version = version;
                tr.options.use_dictionary = dict;
                tr.options.page_rows = 300;
                tr.options.row_group_rows = 700;
                tr.batch_rows[0] = 500;
                tr.batch_rows[1] = 900;
                tr.batch_rows[2] = 1;
                tr.null_pct = -1;
                tr.bloom[0] = "i64";
                tr.bloom[1] = "str";
                run_trip(&tr, ff_test_failures);
            }
}

static trip edge_trip(const char *label, uint64_t seed) {
    trip tr;
    memset(&tr, 0, sizeof tr);
    tr.label = label;
    tr.seed = seed;
    ff_writer_options_init(&tr.options);
    tr.null_pct = -1;
    tr.batch_rows[0] = 800;
    tr.batch_rows[1] = 450;
    return tr;
}

FF_TEST(tiny_pages) {
    for (int version = 1; version <= 2; version++) {
        trip tr = edge_trip(version == 1 ? "tiny-pages-v1" : "tiny-pages-v2", 77 + version);
        tr.options.page_rows = 7;
        tr.options.page_bytes = 100;
        tr.options.data_page_version = version;
        run_trip(&tr, ff_test_failures);
    }
}

FF_TEST(tiny_dictionary_limit_falls_back_to_plain) {
    for (int version = 1; version <= 2; version++) {
        trip tr = edge_trip("tiny-dictionary", 90 + version);
        tr.options.dictionary_page_bytes = 40;
        tr.options.page_rows = 50;
        tr.options.data_page_version = version;
        run_trip(&tr, ff_test_failures);
    }
}

FF_TEST(row_groups_cross_batch_boundaries) {
    trip tr = edge_trip("row-groups-by-rows", 5);
    tr.options.row_group_rows = 333;
    tr.batch_rows[0] = 100;
    tr.batch_rows[1] = 1000;
    tr.batch_rows[2] = 333;
    tr.batch_rows[3] = 2;
    run_trip(&tr, ff_test_failures);
    trip by_bytes = edge_trip("row-groups-by-bytes", 6);
    by_bytes.options.row_group_bytes = 20000;
    by_bytes.batch_rows[0] = 3000;
    by_bytes.batch_rows[1] = 1500;
    run_trip(&by_bytes, ff_test_failures);
}

FF_TEST(empty_and_one_row_tables) {
    trip empty = edge_trip("empty", 11);
    empty.batch_rows[0] = -1;
    empty.batch_rows[1] = 0;
    run_trip(&empty, ff_test_failures);
    trip none = edge_trip("no-batches", 12);
    none.batch_rows[0] = 0;
    run_trip(&none, ff_test_failures);
    trip one = edge_trip("one-row", 13);
    one.batch_rows[0] = 1;
    one.batch_rows[1] = 0;
    run_trip(&one, ff_test_failures);
}

FF_TEST(all_null_and_no_null_columns) {
    for (int v = 1; v <= 2; v++) {
        trip all_null = edge_trip("all-null", 20 + v);
        all_null.null_pct = 1.0;
        all_null.options.data_page_version = v;
        all_null.bloom[0] = "str";
        run_trip(&all_null, ff_test_failures);
        trip no_null = edge_trip("no-null", 30 + v);
        no_null.null_pct = 0.0;
        no_null.options.data_page_version = v;
        run_trip(&no_null, ff_test_failures);
    }
}

FF_TEST(options_without_statistics_index_or_crc) {
    trip tr = edge_trip("bare", 40);
    tr.options.write_statistics = false;
    tr.options.write_page_index = false;
    tr.options.write_page_crc = false;
    tr.options.statistics_truncate_bytes = 0;
    run_trip(&tr, ff_test_failures);
    trip untruncated = edge_trip("untruncated", 41);
    untruncated.options.statistics_truncate_bytes = 0;
    run_trip(&untruncated, ff_test_failures);
}

FF_TEST(schema_keys_survive_an_unchanged_schema) {
    ff_error err;
    rng r = {7};
    table_spec spec;
    table_spec_build(&spec, &r, 0.0, ff_test_failures);
    char path[512];
    snprintf(path, sizeof path, "%s/kv.parquet", scratch());
    const ff_key_value kvs[] = {{"ARROW:schema", "abc"}, {"pandas", "{}"}};
    ff_writer_options options;
    ff_writer_options_init(&options);
    options.key_value_metadata = kvs;
    options.num_key_value_metadata = 2;
    options.metadata_source_schema = spec.schema;
    ff_writer *writer = NULL;
    EXPECT_OK(ff_writer_open(path, spec.schema, &options, &writer, &err), &err);
    if (writer)
        EXPECT_OK(ff_writer_close(writer, &err), &err);
    ff_writer_free(writer);
    ff_reader *reader = NULL;
    EXPECT_OK(ff_reader_open(path, NULL, &reader, &err), &err);
    if (reader) {
        EXPECT_EQ_INT(ff_reader_num_key_values(reader), 2);
        EXPECT_EQ_INT(ff_reader_num_rows(reader), 0);
    }
    ff_reader_free(reader);
    table_spec_free(&spec);
    unlink(path);
}

FF_TEST(bad_input_is_refused) {
    ff_error err;
    rng r = {8};
    table_spec spec;
    table_spec_build(&spec, &r, 0.0, ff_test_failures);
    char path[512];
    snprintf(path, sizeof path, "%s/bad.parquet", scratch());
    ff_writer_options options;
    ff_writer_options_init(&options);
    options.data_page_version = 3;
    ff_writer *writer = NULL;
    EXPECT_STATUS(ff_writer_open(path, spec.schema, &options, &writer, &err),
                  FF_ERR_INVALID_ARGUMENT);
    ff_writer_options_init(&options);
    const char *missing[] = {"no_such_column"};
    options.bloom_filter_columns = missing;
    options.num_bloom_filter_columns = 1;
    EXPECT_STATUS(ff_writer_open(path, spec.schema, &options, &writer, &err),
                  FF_ERR_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "no_such_column") != NULL);
    EXPECT_STATUS(ff_writer_open("/nonexistent-dir/x.parquet", spec.schema, NULL, &writer, &err),
                  FF_ERR_IO);
    EXPECT_TRUE(strstr(err.message, "/nonexistent-dir/x.parquet") != NULL);

    EXPECT_OK(ff_writer_open(path, spec.schema, NULL, &writer, &err), &err);
    ff_batch batch;
    generate_batch(&spec, &r, 10, &batch, ff_test_failures);
    /* A null in a required column. */
    int32_t required_col = -1;
    for (int32_t col = 0; col < spec.num_flat; col++)
        if (spec.gens[col].is_required)
            required_col = col;
    if (required_col < 0)
        required_col = 0;
    ff_vector *vec = &batch.columns[required_col];
    uint8_t *saved = vec->validity;
    uint8_t validity[2] = {0xfe, 0xff};
    vec->validity = validity;
    if (spec.gens[required_col].is_required) {
        EXPECT_STATUS(ff_writer_write_batch(writer, &batch, &err), FF_ERR_INVALID_ARGUMENT);
        EXPECT_TRUE(strstr(err.message, path) != NULL);
    }
    vec->validity = saved;
    ff_writer_free(writer);

    /* Levels that do not add up to the batch's rows. */
    EXPECT_OK(ff_writer_open(path, spec.schema, NULL, &writer, &err), &err);
    batch.num_rows = 11;
    batch.columns[spec.num_flat].length = 11;
    EXPECT_TRUE(ff_writer_write_batch(writer, &batch, &err) != FF_OK);
    ff_writer_free(writer);
    ff_batch_free(&batch);
    table_spec_free(&spec);
    unlink(path);
}

/* Zero bounds in a written file: a zero minimum reads back as -0.0, a zero maximum as +0.0,
 * and NaN never becomes a bound (parquet-format's float rules). */
FF_TEST(float_zero_bounds_in_file) {
    ff_error err;
    static const leaf_kind f64_kind = {
        LK("f64", GEN_DOUBLE, FF_PHYSICAL_DOUBLE, 0, FF_LT_NONE, -1)};
    schema_builder b;
    b.count = 0;
    add_group(&b, "schema", FF_PQ_REQUIRED, 1, FF_LT_NONE, -1);
    add_leaf(&b, &f64_kind, "f64", FF_PQ_OPTIONAL);
    ff_schema *schema = NULL;
    EXPECT_OK(ff_schema_from_thrift(b.elements, b.count, &schema, &err), &err);
    if (!schema)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/zeros.parquet", scratch());
    ff_writer_options options;
    ff_writer_options_init(&options);
    options.row_group_rows = 3;
    const double values[] = {0.0, 3.5, NAN, -2.0, -0.0, NAN};
    ff_writer *writer = NULL;
    EXPECT_OK(ff_writer_open(path, schema, &options, &writer, &err), &err);
    ff_batch batch;
    EXPECT_OK(ff_batch_init(&batch, 1, &err), &err);
    ff_vector_init(&batch.columns[0], &schema->leaves[0]->type);
    EXPECT_OK(ff_vector_reserve(&batch.columns[0], 6, 0, false, &err), &err);
    memcpy(batch.columns[0].values, values, sizeof values);
    batch.columns[0].length = 6;
    batch.num_rows = 6;
    if (writer) {
        EXPECT_OK(ff_writer_write_batch(writer, &batch, &err), &err);
        EXPECT_OK(ff_writer_close(writer, &err), &err);
    }
    ff_writer_free(writer);
    ff_batch_free(&batch);
    ff_reader *reader = NULL;
    EXPECT_OK(ff_reader_open(path, NULL, &reader, &err), &err);
    if (reader && ff_reader_num_row_groups(reader) == 2) {
        ff_column_stats stats;
        double min, max;
        EXPECT_OK(ff_reader_column_stats(reader, 0, 0, &stats, &err), &err);
        EXPECT_TRUE(stats.has_min_max && stats.min_len == 8 && stats.max_len == 8);
        memcpy(&min, stats.min, 8);
        memcpy(&max, stats.max, 8);
        EXPECT_TRUE(min == 0.0 && signbit(min));
        EXPECT_TRUE(max == 3.5);
        EXPECT_OK(ff_reader_column_stats(reader, 1, 0, &stats, &err), &err);
        memcpy(&min, stats.min, 8);
        memcpy(&max, stats.max, 8);
        EXPECT_TRUE(min == -2.0);
        EXPECT_TRUE(max == 0.0 && !signbit(max));
    } else {
        FF_FAIL_AT("expected a file with two row groups");
    }
    ff_reader_free(reader);
    ff_schema_free(schema);
    unlink(path);
}

/* Last case: removes the (by then empty) scratch folder. */
FF_TEST(remove_scratch_folder) {
    (void)ff_test_failures;
    if (scratch_dir[0] && strcmp(scratch_dir, "/tmp") != 0)
        rmdir(scratch_dir);
}

FF_TEST_MAIN(FF_CASE(codecs_page_versions_and_dictionary_matrix), FF_CASE(tiny_pages),
             FF_CASE(tiny_dictionary_limit_falls_back_to_plain),
             FF_CASE(row_groups_cross_batch_boundaries), FF_CASE(empty_and_one_row_tables),
             FF_CASE(all_null_and_no_null_columns),
             FF_CASE(options_without_statistics_index_or_crc),
             FF_CASE(schema_keys_survive_an_unchanged_schema), FF_CASE(bad_input_is_refused),
             FF_CASE(float_zero_bounds_in_file), FF_CASE(remove_scratch_folder))
