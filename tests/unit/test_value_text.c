/* Unit tests for src/parquet/file/value_text.c: the canonical text of single values and the
 * hashing sink, against the examples and test vectors of ../shared/corpus/README.md. */
#include "ff_test.h"

#include "parquet/file/value_text.h"

#include <math.h>

/* Renders through `render` into a buffer sink and returns the NUL-terminated text in buf. */
#define RENDER(text_buf, stmt)                                                                     \
    do {                                                                                           \
        ff_error render_err_;                                                                      \
        ff_text_sink sink_;                                                                        \
        ff_text_sink_init(&sink_, FF_SINK_BUFFER, &render_err_);                                   \
        ff_text_sink *sink = &sink_;                                                               \
        stmt;                                                                                      \
        size_t n_ = sink_.buf.len < sizeof(text_buf) - 1 ? sink_.buf.len : sizeof(text_buf) - 1;   \
        if (n_)                                                                                    \
            memcpy(text_buf, sink_.buf.data, n_);                                                  \
        text_buf[n_] = '\0';                                                                       \
        ff_text_sink_free(&sink_);                                                                 \
    } while (0)

static const char *dbl(char *out, double value) {
    char text[64];
    RENDER(text, ff_text_double(sink, value));
    strcpy(out, text);
    return out;
}

FF_TEST(doubles_use_ecmascript_layout) {
    char out[64];
    EXPECT_EQ_STR(dbl(out, 100), "100");
    EXPECT_EQ_STR(dbl(out, 1e20), "100000000000000000000");
    EXPECT_EQ_STR(dbl(out, 1e21), "1e+21");
    EXPECT_EQ_STR(dbl(out, 10.1), "10.1");
    EXPECT_EQ_STR(dbl(out, (double)1.1f), "1.100000023841858");
    EXPECT_EQ_STR(dbl(out, 0.5), "0.5");
    EXPECT_EQ_STR(dbl(out, 0.000001), "0.000001");
    EXPECT_EQ_STR(dbl(out, 1.5e-7), "1.5e-7");
    EXPECT_EQ_STR(dbl(out, 5e-324), "5e-324");
    EXPECT_EQ_STR(dbl(out, 1.7976931348623157e308), "1.7976931348623157e+308");
    EXPECT_EQ_STR(dbl(out, -0.0), "-0");
    EXPECT_EQ_STR(dbl(out, 0.0), "0");
    EXPECT_EQ_STR(dbl(out, NAN), "\"NaN\"");
    EXPECT_EQ_STR(dbl(out, -INFINITY), "\"-Infinity\"");
    EXPECT_EQ_STR(dbl(out, -42.25), "-42.25");
    EXPECT_EQ_STR(dbl(out, 0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ_STR(dbl(out, 123456789012345680000.0), "123456789012345680000");
}

/* The slow reference: the first precision whose printf output reads back. */
static void reference_shortest(double value, char *out) {
    char text[40];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*e", precision - 1, value);
        if (strtod(text, NULL) == value)
            break;
    }
    strcpy(out, text);
}

/* Canonical double text rebuilt from the reference digits, to compare whole outputs. */
static void reference_text(double value, char *out) {
    char text[40];
    reference_shortest(fabs(value), text);
    char digits[24];
    int num_digits = 0;
    const char *p = text;
    for (; *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[num_digits++] = *p;
    while (num_digits > 1 && digits[num_digits - 1] == '0')
        num_digits--;
    int n = atoi(p + 1) + 1, k = num_digits;
    char *o = out;
    if (value < 0)
        *o++ = '-';
    if (k <= n && n <= 21) {
        memcpy(o, digits, (size_t)k);
        o += k;
        for (int i = 0; i < n - k; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, digits + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)k);
        o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(k - 1));
            o += k - 1;
        }
        o += sprintf(o, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
    *o = '\0';
}

FF_TEST(doubles_match_the_slow_reference) {
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    int mismatches = 0;
    /* Boundaries first: powers of two (the gap below is half as wide) and of ten, and their
     * neighbours, across the range the exact path covers and beyond it. */
    for (int exponent = -40; exponent <= 70 && mismatches < 5; exponent++) {
        double bases[2] = {ldexp(1.0, exponent), pow(10.0, exponent / 3)};
        for (int base_idx = 0; base_idx < 2; base_idx++) {
            double around[3] = {nextafter(bases[base_idx], 0), bases[base_idx],
                                nextafter(bases[base_idx], INFINITY)};
            for (int near_idx = 0; near_idx < 3; near_idx++) {
                char got[64], want[64];
                dbl(got, around[near_idx]);
                reference_text(around[near_idx], want);
                if (strcmp(got, want)) {
                    FF_FAIL_AT("%.17g renders as %s, expected %s", around[near_idx], got, want);
                    mismatches++;
                }
            }
        }
    }
    for (int sample = 0; sample < 60000 && mismatches < 5; sample++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        double value;
        switch (sample % 4) {
        case 0: /* any bit pattern */
            memcpy(&value, &state, 8);
            break;
        case 1: /* a float widened */
        {
            uint32_t bits = (uint32_t)state;
            float f;
            memcpy(&f, &bits, 4);
            value = f;
            break;
        }
        case 2: /* prices and other short decimals */
            value = (double)(int64_t)(state % 100000000) / 100.0;
            break;
        default: /* small and large magnitudes */
            value = ldexp((double)(state >> 11), (int)(state % 200) - 100);
            break;
        }
        if (isnan(value) || isinf(value) || value == 0)
            continue;
        char got[64], want[64];
        dbl(got, value);
        reference_text(value, want);
        if (strcmp(got, want)) {
            FF_FAIL_AT("%.17g renders as %s, expected %s", value, got, want);
            mismatches++;
        }
    }
}

FF_TEST(integers_beyond_2_pow_53_are_strings) {
    char text[64];
    RENDER(text, ff_text_int(sink, -42));
    EXPECT_EQ_STR(text, "-42");
    RENDER(text, ff_text_int(sink, INT64_MIN));
    EXPECT_EQ_STR(text, "\"-9223372036854775808\"");
    RENDER(text, ff_text_uint(sink, UINT64_MAX));
    EXPECT_EQ_STR(text, "\"18446744073709551615\"");
    RENDER(text, ff_text_int(sink, 9007199254740991LL));
    EXPECT_EQ_STR(text, "9007199254740991");
    RENDER(text, ff_text_int(sink, 9007199254740992LL));
    EXPECT_EQ_STR(text, "\"9007199254740992\"");
}

FF_TEST(strings_escape_controls_only) {
    char text[128];
    const uint8_t raw[] = "a\"b\\c\b\t\n\f\r\x01\x1f/\x7f\xc3\xa9";
    RENDER(text, ff_text_json_string(sink, raw, sizeof raw - 1));
    EXPECT_EQ_STR(text, "\"a\\\"b\\\\c\\b\\t\\n\\f\\r\\u0001\\u001f/\x7f\xc3\xa9\"");
    const uint8_t bin[] = {0x00, 0xab, 0x10};
    RENDER(text, ff_text_hex(sink, bin, 3));
    EXPECT_EQ_STR(text, "\"0x00ab10\"");
    RENDER(text, ff_text_hex(sink, bin, 0));
    EXPECT_EQ_STR(text, "\"0x\"");
}

FF_TEST(decimals_from_every_width) {
    char text[128];
    RENDER(text, ff_text_decimal_i64(sink, 100, 2));
    EXPECT_EQ_STR(text, "\"1.00\"");
    RENDER(text, ff_text_decimal_i64(sink, -5, 2));
    EXPECT_EQ_STR(text, "\"-0.05\"");
    RENDER(text, ff_text_decimal_i64(sink, 0, 3));
    EXPECT_EQ_STR(text, "\"0.000\"");
    RENDER(text, ff_text_decimal_i64(sink, 1003858, 3));
    EXPECT_EQ_STR(text, "\"1003.858\"");
    RENDER(text, ff_text_decimal_i64(sink, 42, 0));
    EXPECT_EQ_STR(text, "\"42\"");
    const uint8_t be_neg[] = {0xff, 0xfb}; /* -5 */
    RENDER(text, ff_text_decimal_be(sink, be_neg, 2, 2));
    EXPECT_EQ_STR(text, "\"-0.05\"");
    /* 2^64 = 18446744073709551616 in 11 bytes, and its negation. */
    const uint8_t big[11] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    RENDER(text, ff_text_decimal_be(sink, big, 11, 2));
    EXPECT_EQ_STR(text, "\"184467440737095516.16\"");
    const uint8_t big_neg[11] = {0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
    RENDER(text, ff_text_decimal_be(sink, big_neg, 11, 0));
    EXPECT_EQ_STR(text, "\"-18446744073709551616\"");
    const uint8_t ten_pow_9[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0x00};
    RENDER(text, ff_text_decimal_be(sink, ten_pow_9, 12, 0));
    EXPECT_EQ_STR(text, "\"1000000000\"");
}

FF_TEST(dates_and_timestamps_with_big_years) {
    char text[128];
    RENDER(text, ff_text_date(sink, 0));
    EXPECT_EQ_STR(text, "\"1970-01-01\"");
    RENDER(text, ff_text_date(sink, -719529)); /* 0000-12-31 minus a year: -0001-12-31 */
    EXPECT_EQ_STR(text, "\"-000001-12-31\"");
    RENDER(text, ff_text_date(sink, 2932896)); /* 9999-12-31 */
    EXPECT_EQ_STR(text, "\"9999-12-31\"");
    RENDER(text, ff_text_date(sink, 2932897));
    EXPECT_EQ_STR(text, "\"+010000-01-01\"");
    ff_type ts = {
        .physical = FF_PHYSICAL_INT64, .logical = FF_LOGICAL_TIMESTAMP, .unit = FF_TIME_MILLIS};
    int64_t ms = -1;
    RENDER(text, ff_text_value(sink, &ts, (const uint8_t *)&ms, 8));
    EXPECT_EQ_STR(text, "\"1969-12-31T23:59:59.999Z\"");
    /* INT96 from the README: nanos negative, Julian day -105862232 ... checked in the
     * conformance test; here a plain one: 2009-03-01T00:00:00 = JD 2454892. */
    uint8_t int96[12] = {0};
    int32_t jd = 2454892;
    memcpy(int96 + 8, &jd, 4);
    ff_type i96 = {.physical = FF_PHYSICAL_INT96, .type_length = 12};
    RENDER(text, ff_text_value(sink, &i96, int96, 12));
    EXPECT_EQ_STR(text, "\"2009-03-01T00:00:00.000000000Z\"");
    ff_type time_us = {
        .physical = FF_PHYSICAL_INT64, .logical = FF_LOGICAL_TIME, .unit = FF_TIME_MICROS};
    int64_t us = 3723000004LL;
    RENDER(text, ff_text_value(sink, &time_us, (const uint8_t *)&us, 8));
    EXPECT_EQ_STR(text, "\"01:02:03.000004\"");
    /* The ends of the 64-bit range: no intermediate product may overflow. INT64_MIN
     * nanoseconds is 1677-09-21T00:12:43.145224192Z, INT64_MIN milliseconds about 292 million
     * years before 1970. */
    int64_t min_nanos = INT64_MIN;
    jd = 2440588; /* 1970-01-01 */
    memcpy(int96, &min_nanos, 8);
    memcpy(int96 + 8, &jd, 4);
    RENDER(text, ff_text_value(sink, &i96, int96, 12));
    EXPECT_EQ_STR(text, "\"1677-09-21T00:12:43.145224192Z\"");
    ff_type ts_ns = {
        .physical = FF_PHYSICAL_INT64, .logical = FF_LOGICAL_TIMESTAMP, .unit = FF_TIME_NANOS};
    RENDER(text, ff_text_value(sink, &ts_ns, (const uint8_t *)&min_nanos, 8));
    EXPECT_EQ_STR(text, "\"1677-09-21T00:12:43.145224192Z\"");
    RENDER(text, ff_text_value(sink, &ts, (const uint8_t *)&min_nanos, 8));
    EXPECT_TRUE(strncmp(text, "\"-292275055-05-16T16:47:04.192Z\"", 40) == 0);
    ff_type time_ns = {
        .physical = FF_PHYSICAL_INT64, .logical = FF_LOGICAL_TIME, .unit = FF_TIME_NANOS};
    RENDER(text, ff_text_value(sink, &time_ns, (const uint8_t *)&min_nanos, 8));
    EXPECT_TRUE(text[0] == '"'); /* out of a day's range: rendered without overflow */
}

FF_TEST(half_floats_widen_exactly) {
    EXPECT_TRUE(ff_half_to_double(0x3c00) == 1.0);
    EXPECT_TRUE(ff_half_to_double(0xc000) == -2.0);
    EXPECT_TRUE(signbit(ff_half_to_double(0x8000)));
    EXPECT_TRUE(isnan(ff_half_to_double(0x7e00)));
    EXPECT_TRUE(ff_half_to_double(0x0001) == ldexp(1, -24));
    EXPECT_TRUE(ff_half_to_double(0x7bff) == 65504.0);
}

FF_TEST(hash_sink_matches_readme_vectors) {
    ff_error err;
    ff_text_sink sink;
    ff_text_sink_init(&sink, FF_SINK_HASH, &err);
    EXPECT_EQ_U64(ff_text_sink_hash(&sink), 0xcbf29ce484222325ULL);
    ff_text_sink_reset(&sink);
    ff_text_sink_puts(&sink, "[]");
    EXPECT_EQ_U64(ff_text_sink_hash(&sink), 0x09612b07b5ecb5a5ULL);
    ff_text_sink_reset(&sink);
    ff_text_sink_puts(&sink, "[1,\"a\",null]");
    EXPECT_EQ_U64(ff_text_sink_hash(&sink), 0x0008a8266bfd485cULL);
    ff_text_sink_reset(&sink);
    ff_text_sink_putc(&sink, '[');
    ff_text_double(&sink, NAN);
    ff_text_sink_putc(&sink, ',');
    ff_text_double(&sink, -0.0);
    ff_text_sink_putc(&sink, ',');
    ff_text_double(&sink, (double)1.1f);
    ff_text_sink_putc(&sink, ']');
    EXPECT_EQ_U64(ff_text_sink_hash(&sink), 0x1da4856e8ec02bceULL);
    /* A text far larger than the hash chunk hashes the same as in one piece. */
    size_t big_len = 3 * FF_SINK_HASH_CHUNK + 17;
    uint8_t *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (uint8_t)('a' + i % 26);
    ff_text_sink_reset(&sink);
    ff_text_sink_putc(&sink, '[');
    ff_text_json_string(&sink, big, big_len);
    ff_text_sink_putc(&sink, ']');
    uint64_t chunked = ff_text_sink_hash(&sink);
    uint64_t whole = ff_fnv1a64("[\"", 2);
    whole = ff_fnv1a64_update(whole, big, big_len);
    whole = ff_fnv1a64_update(whole, "\"]", 2);
    EXPECT_EQ_U64(chunked, whole);
    free(big);
    ff_text_sink_free(&sink);
}

FF_TEST(short_values_render_as_hex) {
    char text[64];
    ff_type i64 = {.physical = FF_PHYSICAL_INT64};
    const uint8_t three[] = {1, 2, 3};
    RENDER(text, ff_text_value(sink, &i64, three, 3));
    EXPECT_EQ_STR(text, "\"0x010203\"");
    ff_type uuid = {.physical = FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY,
                    .type_length = 16,
                    .logical = FF_LOGICAL_UUID};
    uint8_t id[16];
    for (int i = 0; i < 16; i++)
        id[i] = (uint8_t)(i * 17);
    RENDER(text, ff_text_value(sink, &uuid, id, 16));
    EXPECT_EQ_STR(text, "\"00112233-4455-6677-8899-aabbccddeeff\"");
}

FF_TEST_MAIN(FF_CASE(doubles_use_ecmascript_layout), FF_CASE(doubles_match_the_slow_reference),
             FF_CASE(integers_beyond_2_pow_53_are_strings), FF_CASE(strings_escape_controls_only),
             FF_CASE(decimals_from_every_width), FF_CASE(dates_and_timestamps_with_big_years),
             FF_CASE(half_floats_widen_exactly), FF_CASE(hash_sink_matches_readme_vectors),
             FF_CASE(short_values_render_as_hex))
