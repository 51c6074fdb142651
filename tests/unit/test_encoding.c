/* Unit tests for src/parquet/encoding: the worked examples of Encodings.md, encode -> decode
 * round trips of every encoding over random and extreme data, and hostile inputs (truncated
 * at every cut point, mutated, or built to lie about lengths and widths) that must fail with
 * FF_ERR_CORRUPT and never read out of bounds. */
#include "ff_test.h"

#include "parquet/encoding/encoding.h"

#include <stdint.h>

/* ---- helpers ---- */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t rng_next(rng *r) {
    /* xorshift64*: deterministic, good enough for test data. */
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * 0x2545F4914F6CDD1DULL;
}

static ff_type type_of(ff_physical_type physical, int32_t type_length) {
    ff_type type;
    memset(&type, 0, sizeof type);
    type.physical = physical;
    type.type_length = type_length;
    return type;
}

static void vector_append_bytes(ff_vector *vec, const void *bytes, size_t len) {
    ff_error err;
    int32_t width = ff_type_value_width(&vec->type);
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        ff_vector_reserve(vec, vec->length + 1, vec->values_len + len, false, &err);
        if (len)
            memcpy(vec->values + vec->values_len, bytes, len);
        vec->values_len += len;
        vec->offsets[vec->length + 1] = (int64_t)vec->values_len;
    } else {
        ff_vector_reserve(vec, vec->length + 1, 0, false, &err);
        memcpy(vec->values + (size_t)vec->length * (size_t)width, bytes, (size_t)width);
    }
    vec->length++;
}

static void vector_set_null(ff_vector *vec, int64_t idx) {
    ff_error err;
    if (!vec->validity)
        ff_vector_reserve(vec, vec->length, vec->values_len, true, &err);
    vec->validity[idx >> 3] &= (uint8_t) ~(1u << (idx & 7));
    vec->null_count++;
}

/* Value i of a vector as a byte span (for comparisons). */
static const uint8_t *vector_value(const ff_vector *vec, int64_t idx, size_t *len) {
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        *len = (size_t)(vec->offsets[idx + 1] - vec->offsets[idx]);
        return vec->values + vec->offsets[idx];
    }
    *len = (size_t)ff_type_value_width(&vec->type);
    return vec->values + (size_t)idx * *len;
}

/* True when dense equals the non-null slots of src, in order. */
static bool dense_equals_non_null(const ff_vector *dense, const ff_vector *src) {
    int64_t dense_idx = 0;
    for (int64_t idx = 0; idx < src->length; idx++) {
        if (ff_vector_is_null(src, idx))
            continue;
        if (dense_idx >= dense->length)
            return false;
        size_t a_len, b_len;
        const uint8_t *a = vector_value(dense, dense_idx, &a_len);
        const uint8_t *b = vector_value(src, idx, &b_len);
        if (a_len != b_len || (a_len && memcmp(a, b, a_len) != 0))
            return false;
        dense_idx++;
    }
    return dense_idx == dense->length;
}

static bool vectors_equal(const ff_vector *a, const ff_vector *b) {
    return a->length == b->length && dense_equals_non_null(a, b);
}

/* Random vector of a type: n slots, roughly null_pct percent null. */
static void random_vector(ff_vector *vec, const ff_type *type, int64_t n, int null_pct, rng *r) {
    ff_vector_init(vec, type);
    uint8_t bytes[64];
    for (int64_t idx = 0; idx < n; idx++) {
        if (type->physical == FF_PHYSICAL_BYTE_ARRAY) {
            size_t len = rng_next(r) % 4 == 0 ? 0 : rng_next(r) % 24;
            for (size_t k = 0; k < len; k++)
                bytes[k] = (uint8_t)('a' + rng_next(r) % 3);
            vector_append_bytes(vec, bytes, len);
        } else if (type->physical == FF_PHYSICAL_BOOLEAN) {
            bytes[0] = (uint8_t)(rng_next(r) & 1);
            vector_append_bytes(vec, bytes, 1);
        } else {
            for (int k = 0; k < 64; k++)
                bytes[k] = (uint8_t)rng_next(r);
            vector_append_bytes(vec, bytes, 0);
        }
    }
    for (int64_t idx = 0; idx < n; idx++)
        if (null_pct && (int)(rng_next(r) % 100) < null_pct)
            vector_set_null(vec, idx);
}

/* ---- RLE / bit-packed hybrid ---- */

FF_TEST(rle_spec_bit_packed_example) {
    /* Encodings.md: 0..7 at bit width 3 bit-packed are 10001000 11000110 11111010. */
    static const uint8_t expected[] = {0x03, 0x88, 0xC6, 0xFA};
    uint32_t values[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    ff_error err;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(ff_rle_encode_u32(values, 8, 3, &buf, &err), &err);
    EXPECT_EQ_INT(buf.len, sizeof expected);
    EXPECT_TRUE(buf.len == sizeof expected && memcmp(buf.data, expected, sizeof expected) == 0);
    ff_rle_decoder dec;
    uint32_t decoded[8];
    EXPECT_OK(ff_rle_decoder_init(&dec, expected, sizeof expected, 3, &err), &err);
    EXPECT_OK(ff_rle_decode_u32(&dec, decoded, 8, &err), &err);
    for (int i = 0; i < 8; i++)
        EXPECT_EQ_INT(decoded[i], i);
    ff_buf_free(&buf);
}

FF_TEST(bit_packed_legacy_spec_example) {
    /* Encodings.md: 0..7 at bit width 3, MSB first: 00000101 00111001 01110111. */
    static const uint8_t bytes[] = {0x05, 0x39, 0x77};
    int16_t levels[8];
    ff_error err;
    EXPECT_OK(ff_bit_packed_decode_levels(bytes, sizeof bytes, 3, levels, 8, &err), &err);
    for (int i = 0; i < 8; i++)
        EXPECT_EQ_INT(levels[i], i);
    EXPECT_STATUS(ff_bit_packed_decode_levels(bytes, 2, 3, levels, 8, &err), FF_ERR_CORRUPT);
    EXPECT_STATUS(ff_bit_packed_decode_levels(bytes, 3, 16, levels, 1, &err), FF_ERR_CORRUPT);
}

FF_TEST(rle_repeated_run_bytes) {
    /* 100 copies of 5 at width 3: header 200 (varint C8 01) and one value byte. */
    static const uint8_t expected[] = {0xC8, 0x01, 0x05};
    uint32_t values[100];
    for (int i = 0; i < 100; i++)
        values[i] = 5;
    ff_error err;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(ff_rle_encode_u32(values, 100, 3, &buf, &err), &err);
    EXPECT_TRUE(buf.len == sizeof expected && memcmp(buf.data, expected, sizeof expected) == 0);
    ff_rle_decoder dec;
    uint32_t decoded[100];
    EXPECT_OK(ff_rle_decoder_init(&dec, expected, sizeof expected, 3, &err), &err);
    EXPECT_OK(ff_rle_decode_u32(&dec, decoded, 100, &err), &err);
    EXPECT_EQ_INT(decoded[99], 5);
    EXPECT_STATUS(ff_rle_decode_u32(&dec, decoded, 1, &err), FF_ERR_CORRUPT);
    ff_buf_free(&buf);
}

/* Values with long runs, short runs and noise, all below 2^bw. */
static void rle_random_values(uint32_t *values, int64_t n, int bw, rng *r) {
    uint32_t mask = bw == 32 ? 0xffffffffu : (uint32_t)((1ull << bw) - 1);
    int64_t idx = 0;
    while (idx < n) {
        int64_t run = (int64_t)(rng_next(r) % 4 == 0 ? rng_next(r) % 70 : 1);
        uint32_t value = (uint32_t)rng_next(r) & mask;
        for (int64_t k = 0; k < run && idx < n; k++)
            values[idx++] = value;
    }
}

FF_TEST(rle_round_trip_all_widths) {
    static const int64_t sizes[] = {0, 1, 7, 8, 9, 31, 32, 33, 100, 1000, 4099};
    rng r = {0x1234};
    uint32_t *values = malloc(4099 * sizeof *values);
    uint32_t *decoded = malloc(4099 * sizeof *decoded);
    for (int bw = 0; bw <= 32; bw++) {
        for (size_t size_idx = 0; size_idx < sizeof sizes / sizeof sizes[0]; size_idx++) {
            int64_t n = sizes[size_idx];
            rle_random_values(values, n, bw, &r);
            ff_error err;
            ff_buf buf;
            ff_buf_init(&buf, 0);
            EXPECT_OK(ff_rle_encode_u32(values, n, bw, &buf, &err), &err);
            /* Decode in uneven pieces so runs and groups straddle calls. */
            ff_rle_decoder dec;
            EXPECT_OK(ff_rle_decoder_init(&dec, buf.data, buf.len, bw, &err), &err);
            int64_t done = 0;
            while (done < n) {
                int64_t piece = 1 + (int64_t)(rng_next(&r) % 50);
                if (piece > n - done)
                    piece = n - done;
                ff_status status = ff_rle_decode_u32(&dec, decoded + done, piece, &err);
                if (status != FF_OK) {
                    FF_FAIL_AT("bw %d n %lld: %s", bw, (long long)n, err.message);
                    break;
                }
                done += piece;
            }
            if (done == n && n && memcmp(values, decoded, (size_t)n * 4) != 0)
                FF_FAIL_AT("bw %d n %lld: values differ", bw, (long long)n);
            /* Every truncation either fails or yields the right prefix. */
            for (size_t cut = 0; cut < buf.len; cut += 1 + buf.len / 64) {
                EXPECT_OK(ff_rle_decoder_init(&dec, buf.data, cut, bw, &err), &err);
                ff_status status = ff_rle_decode_u32(&dec, decoded, n, &err);
                if (status == FF_OK && n && memcmp(values, decoded, (size_t)n * 4) != 0)
                    FF_FAIL_AT("bw %d n %lld cut %zu: wrong values", bw, (long long)n, cut);
                if (status != FF_OK && status != FF_ERR_CORRUPT)
                    FF_FAIL_AT("bw %d cut %zu: status %s", bw, cut, ff_status_name(status));
            }
            ff_buf_free(&buf);
        }
    }
    free(values);
    free(decoded);
}

FF_TEST(rle_levels_round_trip) {
    rng r = {99};
    int16_t levels[3000], decoded[3000];
    for (int bw = 0; bw <= 15; bw++) {
        for (int i = 0; i < 3000; i++)
            levels[i] = (int16_t)(i % 100 < 60 ? (1 << bw) - 1 : (int)(rng_next(&r) % (1u << bw)));
        ff_error err;
        ff_buf buf;
        ff_buf_init(&buf, 0);
        EXPECT_OK(ff_rle_encode_levels(levels, 3000, bw, &buf, &err), &err);
        ff_rle_decoder dec;
        EXPECT_OK(ff_rle_decoder_init(&dec, buf.data, buf.len, bw, &err), &err);
        EXPECT_OK(ff_rle_decode_levels(&dec, decoded, 1000, &err), &err);
        EXPECT_OK(ff_rle_decode_levels(&dec, decoded + 1000, 2000, &err), &err);
        EXPECT_TRUE(memcmp(levels, decoded, sizeof levels) == 0);
        ff_buf_free(&buf);
    }
}

FF_TEST(rle_hostile_input) {
    ff_error err;
    ff_rle_decoder dec;
    uint32_t out[16];
    static const uint8_t any[] = {0x02, 0x01};
    EXPECT_STATUS(ff_rle_decoder_init(&dec, any, sizeof any, 33, &err), FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "33") != NULL);
    EXPECT_STATUS(ff_rle_decoder_init(&dec, any, sizeof any, -1, &err), FF_ERR_CORRUPT);
    /* RLE run value 9 does not fit in 3 bits. */
    static const uint8_t too_wide[] = {0x04, 0x09};
    EXPECT_OK(ff_rle_decoder_init(&dec, too_wide, sizeof too_wide, 3, &err), &err);
    EXPECT_STATUS(ff_rle_decode_u32(&dec, out, 2, &err), FF_ERR_CORRUPT);
    /* A header that never ends. */
    static const uint8_t endless[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    EXPECT_OK(ff_rle_decoder_init(&dec, endless, sizeof endless, 3, &err), &err);
    EXPECT_STATUS(ff_rle_decode_u32(&dec, out, 2, &err), FF_ERR_CORRUPT);
    /* A bit-packed run claiming 2^31 groups with 3 bytes of data. */
    static const uint8_t huge_literal[] = {0x81, 0x80, 0x80, 0x80, 0x10, 0xaa, 0xbb, 0xcc};
    EXPECT_OK(ff_rle_decoder_init(&dec, huge_literal, sizeof huge_literal, 8, &err), &err);
    EXPECT_STATUS(ff_rle_decode_u32(&dec, out, 16, &err), FF_ERR_CORRUPT);
    /* Same run at a reasonable count: the 3 present bytes serve 3 values, no more. */
    static const uint8_t short_literal[] = {0x03, 0xaa, 0xbb, 0xcc};
    EXPECT_OK(ff_rle_decoder_init(&dec, short_literal, sizeof short_literal, 8, &err), &err);
    EXPECT_OK(ff_rle_decode_u32(&dec, out, 3, &err), &err);
    EXPECT_EQ_INT(out[2], 0xcc);
    EXPECT_STATUS(ff_rle_decode_u32(&dec, out, 1, &err), FF_ERR_CORRUPT);
    /* Levels wider than int16 can hold are refused. */
    EXPECT_OK(ff_rle_decoder_init(&dec, any, sizeof any, 20, &err), &err);
    int16_t levels[2];
    EXPECT_STATUS(ff_rle_decode_levels(&dec, levels, 1, &err), FF_ERR_CORRUPT);
    /* Encoder rejects values wider than the bit width. */
    ff_buf buf;
    ff_buf_init(&buf, 0);
    uint32_t wide[1] = {8};
    EXPECT_STATUS(ff_rle_encode_u32(wide, 1, 3, &buf, &err), FF_ERR_INVALID_ARGUMENT);
    ff_buf_free(&buf);
}

/* ---- PLAIN ---- */

static const ff_physical_type all_physical[] = {
    FF_PHYSICAL_BOOLEAN,    FF_PHYSICAL_INT32,
    FF_PHYSICAL_INT64,      FF_PHYSICAL_INT96,
    FF_PHYSICAL_FLOAT,      FF_PHYSICAL_DOUBLE,
    FF_PHYSICAL_BYTE_ARRAY, FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY,
};

FF_TEST(plain_round_trip_all_types) {
    rng r = {7};
    static const int64_t sizes[] = {0, 1, 9, 100, 2049};
    for (size_t type_idx = 0; type_idx < 8; type_idx++) {
        ff_physical_type physical = all_physical[type_idx];
        ff_type type = type_of(physical, physical == FF_PHYSICAL_INT96                  ? 12
                                         : physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY ? 5
                                                                                        : 0);
        for (size_t size_idx = 0; size_idx < 5; size_idx++) {
            for (int null_pct = 0; null_pct <= 100; null_pct += 25) {
                ff_vector src, dense;
                random_vector(&src, &type, sizes[size_idx], null_pct, &r);
                ff_error err;
                ff_buf buf;
                ff_buf_init(&buf, 0);
                EXPECT_OK(ff_plain_encode(&src, 0, src.length, &buf, &err), &err);
                int64_t present = src.length - src.null_count;
                ff_vector_init(&dense, &type);
                size_t consumed = 0;
                EXPECT_OK(ff_plain_decode(buf.data, buf.len, present, &dense, &consumed, &err),
                          &err);
                EXPECT_EQ_INT(consumed, buf.len);
                if (!dense_equals_non_null(&dense, &src))
                    FF_FAIL_AT("type %d n %lld nulls %d%%: values differ", (int)physical,
                               (long long)src.length, null_pct);
                /* Streaming in odd pieces gives the same values. */
                ff_vector streamed;
                ff_vector_init(&streamed, &type);
                ff_plain_decoder dec;
                ff_plain_decoder_init(&dec, buf.data, buf.len);
                for (int64_t done = 0; done < present;) {
                    int64_t piece = present - done < 3 ? present - done : 3;
                    EXPECT_OK(ff_plain_decoder_next(&dec, piece, &streamed, &err), &err);
                    done += piece;
                }
                EXPECT_TRUE(vectors_equal(&streamed, &dense));
                /* Truncations fail or (for BOOLEAN padding) decode the same. */
                for (size_t cut = 0; cut < buf.len; cut += 1 + buf.len / 50) {
                    ff_vector part;
                    ff_vector_init(&part, &type);
                    ff_status status = ff_plain_decode(buf.data, cut, present, &part, NULL, &err);
                    EXPECT_TRUE(status == FF_ERR_CORRUPT);
                    ff_vector_free(&part);
                }
                /* A sub-range encodes just those slots. */
                if (src.length > 4) {
                    ff_buf_reset(&buf);
                    EXPECT_OK(ff_plain_encode(&src, 2, 2, &buf, &err), &err);
                    int64_t sub_present = !ff_vector_is_null(&src, 2) + !ff_vector_is_null(&src, 3);
                    ff_vector_reset(&dense);
                    EXPECT_OK(
                        ff_plain_decode(buf.data, buf.len, sub_present, &dense, &consumed, &err),
                        &err);
                    EXPECT_EQ_INT(consumed, buf.len);
                }
                ff_vector_free(&src);
                ff_vector_free(&dense);
                ff_vector_free(&streamed);
                ff_buf_free(&buf);
            }
        }
    }
}

FF_TEST(plain_boolean_bits_lsb_first) {
    static const uint8_t bytes[] = {0x05, 0x01}; /* 1,0,1,0,0,0,0,0, 1 */
    ff_type type = type_of(FF_PHYSICAL_BOOLEAN, 0);
    ff_vector vec;
    ff_vector_init(&vec, &type);
    ff_error err;
    size_t consumed = 0;
    EXPECT_OK(ff_plain_decode(bytes, sizeof bytes, 9, &vec, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, 2);
    EXPECT_EQ_INT(vec.values[0], 1);
    EXPECT_EQ_INT(vec.values[1], 0);
    EXPECT_EQ_INT(vec.values[2], 1);
    EXPECT_EQ_INT(vec.values[8], 1);
    EXPECT_STATUS(ff_plain_decode(bytes, sizeof bytes, 17, &vec, &consumed, &err), FF_ERR_CORRUPT);
    ff_vector_free(&vec);
}

FF_TEST(plain_byte_array_hostile_lengths) {
    ff_type type = type_of(FF_PHYSICAL_BYTE_ARRAY, 0);
    ff_vector vec;
    ff_vector_init(&vec, &type);
    ff_error err;
    static const uint8_t negative[] = {0xff, 0xff, 0xff, 0xff, 'a'};
    EXPECT_STATUS(ff_plain_decode(negative, sizeof negative, 1, &vec, NULL, &err), FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "negative") != NULL);
    static const uint8_t too_long[] = {0x05, 0, 0, 0, 'a', 'b'};
    EXPECT_STATUS(ff_plain_decode(too_long, sizeof too_long, 1, &vec, NULL, &err), FF_ERR_CORRUPT);
    /* A billion values promised by 8 bytes is refused before any allocation. */
    EXPECT_STATUS(ff_plain_decode(too_long, sizeof too_long, 1000000000, &vec, NULL, &err),
                  FF_ERR_CORRUPT);
    static const uint8_t two[] = {0x01, 0, 0, 0, 'x', 0, 0, 0, 0};
    EXPECT_OK(ff_plain_decode(two, sizeof two, 2, &vec, NULL, &err), &err);
    EXPECT_EQ_INT(vec.length, 2);
    EXPECT_EQ_INT(vec.offsets[1], 1);
    EXPECT_EQ_INT(vec.offsets[2], 1);
    ff_vector_free(&vec);
}

/* ---- dictionary ---- */

FF_TEST(dict_gather_fixed_and_strings) {
    rng r = {3};
    ff_type types[] = {type_of(FF_PHYSICAL_INT32, 0), type_of(FF_PHYSICAL_DOUBLE, 0),
                       type_of(FF_PHYSICAL_BYTE_ARRAY, 0), type_of(FF_PHYSICAL_BOOLEAN, 0),
                       type_of(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 3)};
    for (size_t type_idx = 0; type_idx < 5; type_idx++) {
        ff_vector dict, out;
        random_vector(&dict, &types[type_idx], 50, 0, &r);
        ff_vector_init(&out, &types[type_idx]);
        uint32_t indices[500];
        for (int i = 0; i < 500; i++)
            indices[i] = (uint32_t)(rng_next(&r) % 50);
        ff_error err;
        EXPECT_OK(ff_dict_gather(&dict, indices, 300, &out, &err), &err);
        EXPECT_OK(ff_dict_gather(&dict, indices + 300, 200, &out, &err), &err);
        EXPECT_EQ_INT(out.length, 500);
        for (int i = 0; i < 500; i++) {
            size_t a_len, b_len;
            const uint8_t *a = vector_value(&out, i, &a_len);
            const uint8_t *b = vector_value(&dict, indices[i], &b_len);
            if (a_len != b_len || (a_len && memcmp(a, b, a_len)))
                FF_FAIL_AT("type %zu index %d differs", type_idx, i);
        }
        indices[7] = 50;
        EXPECT_STATUS(ff_dict_gather(&dict, indices, 10, &out, &err), FF_ERR_CORRUPT);
        EXPECT_TRUE(strstr(err.message, "position 7") != NULL);
        ff_vector_free(&dict);
        ff_vector_free(&out);
    }
}

/* ---- DELTA_BINARY_PACKED ---- */

FF_TEST(delta_spec_example_constant_deltas) {
    /* Encodings.md example 1 (1, 2, 3, 4, 5) with the smallest legal block: 128 values in 4
     * miniblocks. All deltas are 1, so the block is min delta 1 and four zero widths. */
    static const uint8_t bytes[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    ff_type type = type_of(FF_PHYSICAL_INT32, 0);
    ff_vector vec;
    ff_vector_init(&vec, &type);
    ff_error err;
    size_t consumed = 0;
    EXPECT_OK(ff_delta_binary_packed_decode(bytes, sizeof bytes, 5, &vec, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, sizeof bytes);
    for (int i = 0; i < 5; i++)
        EXPECT_EQ_INT(((int32_t *)(void *)vec.values)[i], i + 1);
    int32_t values[5] = {1, 2, 3, 4, 5};
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(ff_delta_binary_packed_encode(values, false, 5, &buf, &err), &err);
    EXPECT_TRUE(buf.len == sizeof bytes && memcmp(buf.data, bytes, sizeof bytes) == 0);
    ff_buf_free(&buf);
    ff_vector_free(&vec);
}

FF_TEST(delta_spec_example_mixed_deltas) {
    /* Encodings.md example 2: 7, 5, 3, 1, 2, 3, 4, 5. Deltas -2 -2 -2 1 1 1 1, min delta -2,
     * relative deltas 0 0 0 3 3 3 3 at bit width 2: bytes 0xC0 0x3F, then padding to 32
     * values. Unused miniblocks' width bytes are arbitrary and must be ignored. */
    uint8_t bytes[] = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00,
                       0x00, 0xC0, 0x3F, 0,    0,    0,    0,    0,    0};
    static const int32_t expected[] = {7, 5, 3, 1, 2, 3, 4, 5};
    ff_error err;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(ff_delta_binary_packed_encode(expected, false, 8, &buf, &err), &err);
    EXPECT_TRUE(buf.len == sizeof bytes && memcmp(buf.data, bytes, sizeof bytes) == 0);
    bytes[7] = 0xff;
    bytes[9] = 0x41;
    ff_type type = type_of(FF_PHYSICAL_INT32, 0);
    ff_vector vec;
    ff_vector_init(&vec, &type);
    size_t consumed = 0;
    EXPECT_OK(ff_delta_binary_packed_decode(bytes, sizeof bytes, 8, &vec, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, sizeof bytes);
    EXPECT_TRUE(memcmp(vec.values, expected, sizeof expected) == 0);
    /* Asking for fewer values still reports the whole stream as consumed. */
    ff_vector_reset(&vec);
    EXPECT_OK(ff_delta_binary_packed_decode(bytes, sizeof bytes, 3, &vec, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, sizeof bytes);
    /* More values than the stream holds. */
    EXPECT_STATUS(ff_delta_binary_packed_decode(bytes, sizeof bytes, 9, &vec, &consumed, &err),
                  FF_ERR_CORRUPT);
    ff_buf_free(&buf);
    ff_vector_free(&vec);
}

static void delta_round_trip(int *ff_test_failures, const void *values, bool is_int64, int64_t n,
                             const char *what) {
    ff_error err;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(ff_delta_binary_packed_encode(values, is_int64, n, &buf, &err), &err);
    /* Trailing bytes must not be counted as part of the stream. */
    size_t stream_len = buf.len;
    ff_buf_append(&buf, "tail", 4, &err);
    ff_type type = type_of(is_int64 ? FF_PHYSICAL_INT64 : FF_PHYSICAL_INT32, 0);
    ff_vector vec;
    ff_vector_init(&vec, &type);
    size_t consumed = 0;
    EXPECT_OK(ff_delta_binary_packed_decode(buf.data, buf.len, n, &vec, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, stream_len);
    size_t width = is_int64 ? 8 : 4;
    if (vec.length != n || (n && memcmp(vec.values, values, (size_t)n * width) != 0))
        FF_FAIL_AT("%s: n %lld: values differ", what, (long long)n);
    for (size_t cut = 0; cut < stream_len; cut += 1 + stream_len / 40) {
        ff_vector_reset(&vec);
        ff_status status = ff_delta_binary_packed_decode(buf.data, cut, n, &vec, NULL, &err);
        if (status == FF_OK && n && memcmp(vec.values, values, (size_t)n * width) != 0)
            FF_FAIL_AT("%s: cut %zu: wrong values", what, cut);
        if (status != FF_OK && status != FF_ERR_CORRUPT)
            FF_FAIL_AT("%s: cut %zu: %s", what, cut, ff_status_name(status));
    }
    ff_vector_free(&vec);
    ff_buf_free(&buf);
}

FF_TEST(delta_round_trip_widths_and_extremes) {
    rng r = {0xdead};
    static const int64_t sizes[] = {0, 1, 2, 31, 32, 33, 127, 128, 129, 130, 257, 1000, 4097};
    int64_t *v64 = malloc(4097 * sizeof *v64);
    int32_t *v32 = malloc(4097 * sizeof *v32);
    for (int bw = 0; bw <= 64; bw++) {
        for (size_t size_idx = 0; size_idx < sizeof sizes / sizeof sizes[0]; size_idx++) {
            int64_t n = sizes[size_idx];
            uint64_t mask = bw == 64 ? ~0ull : ((1ull << bw) - 1);
            uint64_t acc = rng_next(&r);
            for (int64_t i = 0; i < n; i++) {
                acc += rng_next(&r) & mask;
                v64[i] = (int64_t)acc;
                v32[i] = (int32_t)(uint32_t)acc;
            }
            delta_round_trip(ff_test_failures, v64, true, n, "int64");
            if (bw <= 33)
                delta_round_trip(ff_test_failures, v32, false, n, "int32");
        }
    }
    /* Alternating extremes: deltas of +-2^64 - 1 wrap. */
    for (int64_t i = 0; i < 300; i++) {
        v64[i] = i % 2 ? INT64_MAX : INT64_MIN;
        v32[i] = i % 3 ? INT32_MAX : INT32_MIN;
    }
    delta_round_trip(ff_test_failures, v64, true, 300, "int64 extremes");
    delta_round_trip(ff_test_failures, v32, false, 300, "int32 extremes");
    for (int64_t i = 0; i < 300; i++)
        v64[i] = (int64_t)((uint64_t)(i % 2 ? INT64_MAX : INT64_MIN) + rng_next(&r) % 3 - 1);
    delta_round_trip(ff_test_failures, v64, true, 300, "int64 near extremes");
    free(v64);
    free(v32);
}

FF_TEST(delta_hostile_headers) {
    ff_type type = type_of(FF_PHYSICAL_INT64, 0);
    ff_vector vec;
    ff_vector_init(&vec, &type);
    ff_error err;
    /* Block size 100 is not a multiple of 128. */
    static const uint8_t bad_block[] = {0x64, 0x04, 0x02, 0x00, 0x00, 0x00, 0, 0, 0, 0};
    EXPECT_STATUS(ff_delta_binary_packed_decode(bad_block, sizeof bad_block, 2, &vec, NULL, &err),
                  FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "block size 100") != NULL);
    /* 8 miniblocks of 16 values. */
    static const uint8_t bad_mini[] = {0x80, 0x01, 0x08, 0x02, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_STATUS(ff_delta_binary_packed_decode(bad_mini, sizeof bad_mini, 2, &vec, NULL, &err),
                  FF_ERR_CORRUPT);
    /* 3 miniblocks do not divide 128. */
    static const uint8_t odd_mini[] = {0x80, 0x01, 0x03, 0x02, 0x00, 0x00, 0, 0, 0};
    EXPECT_STATUS(ff_delta_binary_packed_decode(odd_mini, sizeof odd_mini, 2, &vec, NULL, &err),
                  FF_ERR_CORRUPT);
    /* Zero miniblocks. */
    static const uint8_t no_mini[] = {0x80, 0x01, 0x00, 0x02, 0x00, 0x00};
    EXPECT_STATUS(ff_delta_binary_packed_decode(no_mini, sizeof no_mini, 2, &vec, NULL, &err),
                  FF_ERR_CORRUPT);
    /* Bit width 65 in a used miniblock. */
    uint8_t wide[200] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 65, 0, 0, 0};
    EXPECT_STATUS(ff_delta_binary_packed_decode(wide, sizeof wide, 2, &vec, NULL, &err),
                  FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "65") != NULL);
    /* Missing width bytes. */
    static const uint8_t no_widths[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0x00};
    EXPECT_STATUS(ff_delta_binary_packed_decode(no_widths, sizeof no_widths, 2, &vec, NULL, &err),
                  FF_ERR_CORRUPT);
    /* A huge value count with no blocks: only as many as requested are decoded, and a
     * request past the data fails without allocating for the claimed count. */
    static const uint8_t huge_count[] = {0x80, 0x01, 0x04, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};
    EXPECT_STATUS(
        ff_delta_binary_packed_decode(huge_count, sizeof huge_count, 1000, &vec, NULL, &err),
        FF_ERR_CORRUPT);
    /* Wrong physical type. */
    ff_type bad_type = type_of(FF_PHYSICAL_DOUBLE, 0);
    ff_vector dvec;
    ff_vector_init(&dvec, &bad_type);
    EXPECT_STATUS(ff_delta_binary_packed_decode(bad_block, sizeof bad_block, 1, &dvec, NULL, &err),
                  FF_ERR_CORRUPT);
    ff_vector_free(&vec);
}

/* ---- DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY ---- */

static void string_vector(ff_vector *vec, const char *const *strings, int n) {
    ff_type type = type_of(FF_PHYSICAL_BYTE_ARRAY, 0);
    ff_vector_init(vec, &type);
    for (int i = 0; i < n; i++)
        vector_append_bytes(vec, strings[i], strlen(strings[i]));
}

FF_TEST(delta_length_spec_example) {
    static const char *const strings[] = {"Hello", "World", "Foobar", "ABCDEF"};
    ff_vector src, out;
    string_vector(&src, strings, 4);
    ff_error err;
    ff_buf buf, lengths;
    ff_buf_init(&buf, 0);
    ff_buf_init(&lengths, 0);
    EXPECT_OK(ff_delta_length_byte_array_encode(&src, 0, 4, &buf, &err), &err);
    int32_t lens[4] = {5, 5, 6, 6};
    EXPECT_OK(ff_delta_binary_packed_encode(lens, false, 4, &lengths, &err), &err);
    EXPECT_OK(ff_buf_append(&lengths, "HelloWorldFoobarABCDEF", 22, &err), &err);
    EXPECT_TRUE(buf.len == lengths.len && memcmp(buf.data, lengths.data, buf.len) == 0);
    ff_vector_init(&out, &src.type);
    EXPECT_OK(ff_delta_length_byte_array_decode(buf.data, buf.len, 4, &out, &err), &err);
    EXPECT_TRUE(vectors_equal(&out, &src));
    /* Negative length. */
    ff_buf_reset(&lengths);
    int32_t negative[2] = {2, -1};
    EXPECT_OK(ff_delta_binary_packed_encode(negative, false, 2, &lengths, &err), &err);
    EXPECT_OK(ff_buf_append(&lengths, "abcdef", 6, &err), &err);
    ff_vector_reset(&out);
    EXPECT_STATUS(ff_delta_length_byte_array_decode(lengths.data, lengths.len, 2, &out, &err),
                  FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "negative") != NULL);
    /* Lengths larger than the remaining bytes. */
    ff_buf_reset(&lengths);
    int32_t big[2] = {2, 1000};
    EXPECT_OK(ff_delta_binary_packed_encode(big, false, 2, &lengths, &err), &err);
    EXPECT_OK(ff_buf_append(&lengths, "abcdef", 6, &err), &err);
    EXPECT_STATUS(ff_delta_length_byte_array_decode(lengths.data, lengths.len, 2, &out, &err),
                  FF_ERR_CORRUPT);
    ff_vector_free(&src);
    ff_vector_free(&out);
    ff_buf_free(&buf);
    ff_buf_free(&lengths);
}

FF_TEST(delta_byte_array_spec_example) {
    /* Encodings.md: axis, axle, babble, babyhood -> prefixes 0 2 0 3, suffixes "axis", "le",
     * "babble", "yhood". */
    static const char *const strings[] = {"axis", "axle", "babble", "babyhood"};
    ff_vector src, out;
    string_vector(&src, strings, 4);
    ff_error err;
    ff_buf buf, expected;
    ff_buf_init(&buf, 0);
    ff_buf_init(&expected, 0);
    EXPECT_OK(ff_delta_byte_array_encode(&src, 0, 4, &buf, &err), &err);
    int32_t prefixes[4] = {0, 2, 0, 3}, suffixes[4] = {4, 2, 6, 5};
    EXPECT_OK(ff_delta_binary_packed_encode(prefixes, false, 4, &expected, &err), &err);
    EXPECT_OK(ff_delta_binary_packed_encode(suffixes, false, 4, &expected, &err), &err);
    EXPECT_OK(ff_buf_append(&expected, "axislebabbleyhood", 17, &err), &err);
    EXPECT_TRUE(buf.len == expected.len && memcmp(buf.data, expected.data, buf.len) == 0);
    ff_vector_init(&out, &src.type);
    EXPECT_OK(ff_delta_byte_array_decode(buf.data, buf.len, 4, &out, &err), &err);
    EXPECT_TRUE(vectors_equal(&out, &src));
    /* A prefix longer than the previous value. */
    ff_buf_reset(&expected);
    int32_t bad_prefixes[2] = {0, 5}, bad_suffixes[2] = {2, 0};
    EXPECT_OK(ff_delta_binary_packed_encode(bad_prefixes, false, 2, &expected, &err), &err);
    EXPECT_OK(ff_delta_binary_packed_encode(bad_suffixes, false, 2, &expected, &err), &err);
    EXPECT_OK(ff_buf_append(&expected, "ab", 2, &err), &err);
    ff_vector_reset(&out);
    EXPECT_STATUS(ff_delta_byte_array_decode(expected.data, expected.len, 2, &out, &err),
                  FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "prefix length 5") != NULL);
    /* A first value with a prefix. */
    ff_buf_reset(&expected);
    int32_t first_prefix[1] = {1}, one_suffix[1] = {1};
    EXPECT_OK(ff_delta_binary_packed_encode(first_prefix, false, 1, &expected, &err), &err);
    EXPECT_OK(ff_delta_binary_packed_encode(one_suffix, false, 1, &expected, &err), &err);
    EXPECT_OK(ff_buf_append(&expected, "a", 1, &err), &err);
    EXPECT_STATUS(ff_delta_byte_array_decode(expected.data, expected.len, 1, &out, &err),
                  FF_ERR_CORRUPT);
    ff_vector_free(&src);
    ff_vector_free(&out);
    ff_buf_free(&buf);
    ff_buf_free(&expected);
}

typedef ff_status (*vec_encode_fn)(const ff_vector *, int64_t, int64_t, ff_buf *, ff_error *);
typedef ff_status (*vec_decode_fn)(const uint8_t *, size_t, int64_t, ff_vector *, ff_error *);

static void vector_codec_round_trip(int *ff_test_failures, const ff_vector *src,
                                    vec_encode_fn encode, vec_decode_fn decode, const char *what) {
    ff_error err;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(encode(src, 0, src->length, &buf, &err), &err);
    int64_t present = src->length - src->null_count;
    ff_vector out;
    ff_vector_init(&out, &src->type);
    EXPECT_OK(decode(buf.data, buf.len, present, &out, &err), &err);
    if (!dense_equals_non_null(&out, src))
        FF_FAIL_AT("%s: n %lld nulls %lld: values differ", what, (long long)src->length,
                   (long long)src->null_count);
    for (size_t cut = 0; cut < buf.len; cut += 1 + buf.len / 40) {
        ff_vector_reset(&out);
        ff_status status = decode(buf.data, cut, present, &out, &err);
        if (status == FF_OK && !dense_equals_non_null(&out, src))
            FF_FAIL_AT("%s: cut %zu: wrong values", what, cut);
        if (status != FF_OK && status != FF_ERR_CORRUPT)
            FF_FAIL_AT("%s: cut %zu: %s", what, cut, ff_status_name(status));
    }
    ff_vector_free(&out);
    ff_buf_free(&buf);
}

FF_TEST(byte_array_deltas_round_trip) {
    rng r = {42};
    static const int64_t sizes[] = {0, 1, 2, 127, 128, 129, 1000};
    ff_type type = type_of(FF_PHYSICAL_BYTE_ARRAY, 0);
    for (size_t size_idx = 0; size_idx < sizeof sizes / sizeof sizes[0]; size_idx++) {
        for (int null_pct = 0; null_pct <= 100; null_pct += 50) {
            ff_vector src;
            random_vector(&src, &type, sizes[size_idx], null_pct, &r);
            vector_codec_round_trip(ff_test_failures, &src, ff_delta_length_byte_array_encode,
                                    ff_delta_length_byte_array_decode, "DLBA");
            vector_codec_round_trip(ff_test_failures, &src, ff_delta_byte_array_encode,
                                    ff_delta_byte_array_decode, "DBA");
            ff_vector_free(&src);
        }
    }
    /* Long strings sharing long prefixes, and empty ones in between. */
    ff_vector src;
    ff_vector_init(&src, &type);
    char *long_value = malloc(100000);
    for (int i = 0; i < 100000; i++)
        long_value[i] = (char)('a' + i % 26);
    for (int i = 0; i < 20; i++) {
        size_t len = i % 3 == 0 ? 0 : 100000 - (size_t)i * 1000;
        vector_append_bytes(&src, long_value, len);
    }
    vector_codec_round_trip(ff_test_failures, &src, ff_delta_length_byte_array_encode,
                            ff_delta_length_byte_array_decode, "DLBA long");
    vector_codec_round_trip(ff_test_failures, &src, ff_delta_byte_array_encode,
                            ff_delta_byte_array_decode, "DBA long");
    free(long_value);
    ff_vector_free(&src);
    /* FIXED_LEN_BYTE_ARRAY through DELTA_BYTE_ARRAY. */
    ff_type flba = type_of(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 6);
    ff_vector fixed;
    ff_vector_init(&fixed, &flba);
    for (int i = 0; i < 300; i++) {
        char value[6] = {
            'k', 'e', 'y', (char)('0' + i / 100), (char)('0' + i / 10 % 10), (char)('0' + i % 10)};
        vector_append_bytes(&fixed, value, 6);
        if (i % 7 == 0)
            vector_set_null(&fixed, i);
    }
    vector_codec_round_trip(ff_test_failures, &fixed, ff_delta_byte_array_encode,
                            ff_delta_byte_array_decode, "DBA FLBA");
    /* Decoding into the wrong width fails. */
    ff_error err;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(ff_delta_byte_array_encode(&fixed, 0, fixed.length, &buf, &err), &err);
    ff_type wrong = type_of(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 5);
    ff_vector out;
    ff_vector_init(&out, &wrong);
    EXPECT_STATUS(
        ff_delta_byte_array_decode(buf.data, buf.len, fixed.length - fixed.null_count, &out, &err),
        FF_ERR_CORRUPT);
    ff_buf_free(&buf);
    ff_vector_free(&out);
    ff_vector_free(&fixed);
}

/* ---- BYTE_STREAM_SPLIT ---- */

FF_TEST(byte_stream_split_layout) {
    /* Two INT32 values 0x04030201 and 0x08070605: streams 01 05 | 02 06 | 03 07 | 04 08. */
    static const uint8_t expected[] = {1, 5, 2, 6, 3, 7, 4, 8};
    ff_type type = type_of(FF_PHYSICAL_INT32, 0);
    ff_vector src, out;
    ff_vector_init(&src, &type);
    uint32_t a = 0x04030201, b = 0x08070605;
    vector_append_bytes(&src, &a, 4);
    vector_append_bytes(&src, &b, 4);
    ff_error err;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(ff_byte_stream_split_encode(&src, 0, 2, &buf, &err), &err);
    EXPECT_TRUE(buf.len == 8 && memcmp(buf.data, expected, 8) == 0);
    ff_vector_init(&out, &type);
    EXPECT_OK(ff_byte_stream_split_decode(expected, 8, 2, &out, &err), &err);
    EXPECT_TRUE(vectors_equal(&out, &src));
    /* Fewer values than the page holds keeps the page's stride. */
    ff_vector_reset(&out);
    EXPECT_OK(ff_byte_stream_split_decode(expected, 8, 1, &out, &err), &err);
    EXPECT_EQ_U64(((uint32_t *)(void *)out.values)[0], 0x04030201);
    EXPECT_STATUS(ff_byte_stream_split_decode(expected, 7, 1, &out, &err), FF_ERR_CORRUPT);
    EXPECT_STATUS(ff_byte_stream_split_decode(expected, 8, 3, &out, &err), FF_ERR_CORRUPT);
    ff_type boolean = type_of(FF_PHYSICAL_BOOLEAN, 0);
    ff_vector bvec;
    ff_vector_init(&bvec, &boolean);
    EXPECT_STATUS(ff_byte_stream_split_decode(expected, 8, 1, &bvec, &err), FF_ERR_CORRUPT);
    ff_vector_free(&src);
    ff_vector_free(&out);
    ff_buf_free(&buf);
}

/* Width 8 is encoded eight values at a time (a byte transpose) plus a tail: the streams must
 * hold byte k of every present value in order, whatever the runs between nulls. */
FF_TEST(byte_stream_split_layout_width_8) {
    rng r = {8};
    ff_type type = type_of(FF_PHYSICAL_DOUBLE, 0);
    static const int64_t sizes[] = {7, 8, 9, 16, 23, 61};
    for (size_t size_idx = 0; size_idx < sizeof sizes / sizeof sizes[0]; size_idx++)
        for (int null_pct = 0; null_pct <= 30; null_pct += 30) {
            ff_vector src;
            random_vector(&src, &type, sizes[size_idx], null_pct, &r);
            int64_t present = src.length - src.null_count;
            uint8_t expected[61 * 8];
            int64_t out_idx = 0;
            for (int64_t idx = 0; idx < src.length; idx++) {
                if (ff_vector_is_null(&src, idx))
                    continue;
                for (int k = 0; k < 8; k++)
                    expected[k * present + out_idx] = src.values[idx * 8 + k];
                out_idx++;
            }
            ff_error err;
            ff_buf buf;
            ff_buf_init(&buf, 0);
            EXPECT_OK(ff_byte_stream_split_encode(&src, 0, src.length, &buf, &err), &err);
            if (buf.len != (size_t)present * 8 || (present && memcmp(buf.data, expected, buf.len)))
                FF_FAIL_AT("%lld doubles, %lld nulls: streams differ from byte k of each value",
                           (long long)src.length, (long long)src.null_count);
            ff_buf_free(&buf);
            ff_vector_free(&src);
        }
}

FF_TEST(byte_stream_split_round_trip) {
    rng r = {5};
    ff_type types[] = {type_of(FF_PHYSICAL_FLOAT, 0),
                       type_of(FF_PHYSICAL_DOUBLE, 0),
                       type_of(FF_PHYSICAL_INT32, 0),
                       type_of(FF_PHYSICAL_INT64, 0),
                       type_of(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 2),
                       type_of(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 3),
                       type_of(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, 16)};
    static const int64_t sizes[] = {0, 1, 17, 1000};
    for (size_t type_idx = 0; type_idx < sizeof types / sizeof types[0]; type_idx++)
        for (size_t size_idx = 0; size_idx < 4; size_idx++)
            for (int null_pct = 0; null_pct <= 100; null_pct += 50) {
                ff_vector src;
                random_vector(&src, &types[type_idx], sizes[size_idx], null_pct, &r);
                vector_codec_round_trip(ff_test_failures, &src, ff_byte_stream_split_encode,
                                        ff_byte_stream_split_decode, "BSS");
                ff_vector_free(&src);
            }
}

/* ---- mutation: random byte flips must never crash any decoder ---- */

FF_TEST(decoders_survive_mutations) {
    rng r = {77};
    ff_type str_type = type_of(FF_PHYSICAL_BYTE_ARRAY, 0);
    ff_vector src;
    random_vector(&src, &str_type, 500, 10, &r);
    int64_t present = src.length - src.null_count;
    vec_encode_fn encoders[] = {ff_delta_length_byte_array_encode, ff_delta_byte_array_encode,
                                ff_plain_encode};
    ff_error err;
    for (int enc_idx = 0; enc_idx < 3; enc_idx++) {
        ff_buf buf;
        ff_buf_init(&buf, 0);
        EXPECT_OK(encoders[enc_idx](&src, 0, src.length, &buf, &err), &err);
        for (int round = 0; round < 300; round++) {
            uint8_t *copy = malloc(buf.len);
            memcpy(copy, buf.data, buf.len);
            for (int flips = 0; flips < 3; flips++)
                copy[rng_next(&r) % buf.len] ^= (uint8_t)(1u << (rng_next(&r) % 8));
            ff_vector out;
            ff_vector_init(&out, &str_type);
            ff_status status;
            if (enc_idx == 0)
                status = ff_delta_length_byte_array_decode(copy, buf.len, present, &out, &err);
            else if (enc_idx == 1)
                status = ff_delta_byte_array_decode(copy, buf.len, present, &out, &err);
            else
                status = ff_plain_decode(copy, buf.len, present, &out, NULL, &err);
            EXPECT_TRUE(status == FF_OK || status == FF_ERR_CORRUPT || status == FF_ERR_LIMIT);
            ff_vector_free(&out);
            free(copy);
        }
        ff_buf_free(&buf);
    }
    /* RLE and DELTA_BINARY_PACKED from random bytes. */
    for (int round = 0; round < 2000; round++) {
        uint8_t bytes[64];
        for (int i = 0; i < 64; i++)
            bytes[i] = (uint8_t)rng_next(&r);
        size_t len = rng_next(&r) % 64;
        ff_rle_decoder dec;
        uint32_t values[256];
        if (ff_rle_decoder_init(&dec, bytes, len, (int)(rng_next(&r) % 33), &err) == FF_OK)
            (void)ff_rle_decode_u32(&dec, values, 256, &err);
        bytes[0] = 0x80;
        bytes[1] = 0x01;
        bytes[2] = 0x04;
        ff_type type = type_of(round % 2 ? FF_PHYSICAL_INT64 : FF_PHYSICAL_INT32, 0);
        ff_vector out;
        ff_vector_init(&out, &type);
        (void)ff_delta_binary_packed_decode(bytes, len, (int64_t)(rng_next(&r) % 300), &out, NULL,
                                            &err);
        ff_vector_free(&out);
    }
    ff_vector_free(&src);
}

FF_TEST_MAIN(FF_CASE(rle_spec_bit_packed_example), FF_CASE(bit_packed_legacy_spec_example),
             FF_CASE(rle_repeated_run_bytes), FF_CASE(rle_round_trip_all_widths),
             FF_CASE(rle_levels_round_trip), FF_CASE(rle_hostile_input),
             FF_CASE(plain_round_trip_all_types), FF_CASE(plain_boolean_bits_lsb_first),
             FF_CASE(plain_byte_array_hostile_lengths), FF_CASE(dict_gather_fixed_and_strings),
             FF_CASE(delta_spec_example_constant_deltas), FF_CASE(delta_spec_example_mixed_deltas),
             FF_CASE(delta_round_trip_widths_and_extremes), FF_CASE(delta_hostile_headers),
             FF_CASE(delta_length_spec_example), FF_CASE(delta_byte_array_spec_example),
             FF_CASE(byte_array_deltas_round_trip), FF_CASE(byte_stream_split_layout),
             FF_CASE(byte_stream_split_layout_width_8), FF_CASE(byte_stream_split_round_trip),
             FF_CASE(decoders_survive_mutations))
