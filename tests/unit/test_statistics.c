/* Unit tests for the writer's statistics (src/parquet/column/statistics.c): the sort order per
 * type, NaN and signed zeros, unsigned integers, byte strings, decimals in bytes, FLOAT16,
 * truncation, merging, and which Thrift fields get written. */
#include "ff_test.h"

#include "parquet/column/statistics.h"
#include "util/bytes.h"

#include <math.h>

static ff_type make_type(ff_physical_type physical, ff_logical_kind logical) {
    ff_type type = {.physical = physical, .logical = logical};
    return type;
}

static ff_dense_values fixed_values(const void *data, int64_t count, int32_t width) {
    ff_dense_values vals = {.count = count, .width = width, .fixed = data};
    return vals;
}

FF_TEST(sort_order_follows_logical_type) {
    ff_type t = make_type(FF_PHYSICAL_INT32, FF_LOGICAL_NONE);
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_INT32);
    t.logical = FF_LOGICAL_INT;
    t.int_bit_width = 16;
    t.int_is_signed = false;
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_UINT32);
    t = make_type(FF_PHYSICAL_INT64, FF_LOGICAL_INT);
    t.int_is_signed = false;
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_UINT64);
    t = make_type(FF_PHYSICAL_INT64, FF_LOGICAL_TIMESTAMP);
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_INT64);
    t = make_type(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, FF_LOGICAL_DECIMAL);
    t.type_length = 9;
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_DECIMAL_BYTES);
    t = make_type(FF_PHYSICAL_BYTE_ARRAY, FF_LOGICAL_DECIMAL);
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_DECIMAL_BYTES);
    t = make_type(FF_PHYSICAL_INT32, FF_LOGICAL_DECIMAL);
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_INT32);
    t = make_type(FF_PHYSICAL_BYTE_ARRAY, FF_LOGICAL_STRING);
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_BYTES);
    t = make_type(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, FF_LOGICAL_FLOAT16);
    t.type_length = 2;
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_FLOAT16);
    t = make_type(FF_PHYSICAL_INT96, FF_LOGICAL_NONE);
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_NONE);
    t = make_type(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, FF_LOGICAL_INTERVAL);
    t.type_length = 12;
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_NONE);
    t = make_type(FF_PHYSICAL_BOOLEAN, FF_LOGICAL_NONE);
    EXPECT_EQ_INT(ff_sort_order_of(&t), FF_SORT_BOOLEAN);
}

FF_TEST(signed_and_unsigned_int32_bounds_differ) {
    const int32_t values[] = {5, -1, 0, 7, -3};
    ff_dense_values vals = fixed_values(values, 5, 4);
    ff_error err;
    ff_type t = make_type(FF_PHYSICAL_INT32, FF_LOGICAL_NONE);
    ff_stats stats;
    ff_stats_init(&stats, &t);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_TRUE(stats.has_min_max);
    EXPECT_EQ_INT((int32_t)ff_load_le32(stats.min.data), -3);
    EXPECT_EQ_INT((int32_t)ff_load_le32(stats.max.data), 7);
    ff_stats_free(&stats);

    t.logical = FF_LOGICAL_INT;
    t.int_bit_width = 32;
    t.int_is_signed = false;
    ff_stats_init(&stats, &t);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_EQ_U64(ff_load_le32(stats.min.data), 0);
    EXPECT_EQ_U64(ff_load_le32(stats.max.data), 0xffffffff);
    ff_stats_free(&stats);
}

FF_TEST(random_int64_bounds_match_naive_scan) {
    uint64_t seed = 12345;
    int64_t values[1000];
    for (int round = 0; round < 20; round++) {
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        uint64_t ulo = UINT64_MAX, uhi = 0;
        for (int i = 0; i < 1000; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            values[i] = (int64_t)(seed >> (round % 64));
            lo = values[i] < lo ? values[i] : lo;
            hi = values[i] > hi ? values[i] : hi;
            ulo = (uint64_t)values[i] < ulo ? (uint64_t)values[i] : ulo;
            uhi = (uint64_t)values[i] > uhi ? (uint64_t)values[i] : uhi;
        }
        ff_error err;
        ff_type t = make_type(FF_PHYSICAL_INT64, FF_LOGICAL_NONE);
        ff_stats stats;
        ff_stats_init(&stats, &t);
        /* In two runs, to exercise the carried-over bounds. */
        ff_dense_values a = fixed_values(values, 400, 8), b = fixed_values(values + 400, 600, 8);
        EXPECT_OK(ff_stats_update(&stats, &a, &err), &err);
        EXPECT_OK(ff_stats_update(&stats, &b, &err), &err);
        EXPECT_EQ_INT((int64_t)ff_load_le64(stats.min.data), lo);
        EXPECT_EQ_INT((int64_t)ff_load_le64(stats.max.data), hi);
        ff_stats_free(&stats);
        t.logical = FF_LOGICAL_INT;
        t.int_bit_width = 64;
        t.int_is_signed = false;
        ff_stats_init(&stats, &t);
        EXPECT_OK(ff_stats_update(&stats, &a, &err), &err);
        EXPECT_OK(ff_stats_update(&stats, &b, &err), &err);
        EXPECT_EQ_U64(ff_load_le64(stats.min.data), ulo);
        EXPECT_EQ_U64(ff_load_le64(stats.max.data), uhi);
        ff_stats_free(&stats);
    }
}

FF_TEST(double_bounds_skip_nan_and_sign_zeros) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_type t = make_type(FF_PHYSICAL_DOUBLE, FF_LOGICAL_NONE);
    ff_stats stats;
    ff_stats_init(&stats, &t);

    const double only_nan[] = {NAN, NAN};
    ff_dense_values vals = fixed_values(only_nan, 2, 8);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_TRUE(!stats.has_min_max);
    ff_pq_statistics out;
    EXPECT_OK(ff_stats_to_thrift(&stats, 64, &arena, &out, &err), &err);
    EXPECT_TRUE(!out.has_min_value && !out.has_max_value && out.has_null_count);

    const double zeros[] = {NAN, 0.0, -0.0, NAN};
    vals = fixed_values(zeros, 4, 8);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_OK(ff_stats_to_thrift(&stats, 64, &arena, &out, &err), &err);
    EXPECT_TRUE(out.has_min_value && out.has_max_value);
    double min, max;
    memcpy(&min, out.min_value.data, 8);
    memcpy(&max, out.max_value.data, 8);
    EXPECT_TRUE(min == 0.0 && signbit(min));
    EXPECT_TRUE(max == 0.0 && !signbit(max));
    /* Deprecated fields agree with the signed order for DOUBLE, so they are written. */
    EXPECT_TRUE(out.has_min && out.has_max);

    const double more[] = {1.5, NAN, -2.25, INFINITY};
    vals = fixed_values(more, 4, 8);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_OK(ff_stats_to_thrift(&stats, 64, &arena, &out, &err), &err);
    memcpy(&min, out.min_value.data, 8);
    memcpy(&max, out.max_value.data, 8);
    EXPECT_TRUE(min == -2.25);
    EXPECT_TRUE(isinf(max) && max > 0);
    ff_stats_free(&stats);
    ff_arena_free(&arena);
}

FF_TEST(float_bounds_from_negative_values) {
    ff_error err;
    ff_type t = make_type(FF_PHYSICAL_FLOAT, FF_LOGICAL_NONE);
    ff_stats stats;
    ff_stats_init(&stats, &t);
    const float values[] = {-1.0f, -0.5f, NAN, -7.0f};
    ff_dense_values vals = fixed_values(values, 4, 4);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    float min, max;
    memcpy(&min, stats.min.data, 4);
    memcpy(&max, stats.max.data, 4);
    EXPECT_TRUE(min == -7.0f);
    EXPECT_TRUE(max == -0.5f);
    ff_stats_free(&stats);
}

FF_TEST(float16_compares_as_half_floats) {
    EXPECT_TRUE(ff_half_to_float(0x3c00) == 1.0f);
    EXPECT_TRUE(ff_half_to_float(0xc000) == -2.0f);
    EXPECT_TRUE(ff_half_to_float(0x0001) == ldexpf(1.0f, -24));
    EXPECT_TRUE(ff_half_to_float(0x7bff) == 65504.0f);
    EXPECT_TRUE(isinf(ff_half_to_float(0x7c00)));
    EXPECT_TRUE(isnan(ff_half_to_float(0x7e00)));

    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_type t = make_type(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, FF_LOGICAL_FLOAT16);
    t.type_length = 2;
    ff_stats stats;
    ff_stats_init(&stats, &t);
    /* 1.0, -2.0, NaN, 0.5, -0.0: as unsigned bytes -2.0 (0xc000) would be the max. */
    const uint16_t halves[] = {0x3c00, 0xc000, 0x7e00, 0x3800, 0x8000};
    uint8_t bytes[10];
    for (int i = 0; i < 5; i++) {
        bytes[2 * i] = (uint8_t)halves[i];
        bytes[2 * i + 1] = (uint8_t)(halves[i] >> 8);
    }
    ff_dense_values vals = fixed_values(bytes, 5, 2);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    ff_pq_statistics out;
    EXPECT_OK(ff_stats_to_thrift(&stats, 64, &arena, &out, &err), &err);
    EXPECT_EQ_U64(ff_load_le16(out.min_value.data), 0xc000);
    EXPECT_EQ_U64(ff_load_le16(out.max_value.data), 0x3c00);
    EXPECT_TRUE(!out.has_min && !out.has_max);
    ff_stats_free(&stats);

    /* A zero maximum is written as +0, a zero minimum as -0. */
    ff_stats_init(&stats, &t);
    const uint8_t zeros[] = {0x00, 0x80, 0x00, 0x00};
    vals = fixed_values(zeros, 2, 2);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_OK(ff_stats_to_thrift(&stats, 64, &arena, &out, &err), &err);
    EXPECT_EQ_U64(ff_load_le16(out.min_value.data), 0x8000);
    EXPECT_EQ_U64(ff_load_le16(out.max_value.data), 0x0000);
    ff_stats_free(&stats);
    ff_arena_free(&arena);
}

static ff_dense_values span_values(ff_span *spans, const char *const *strings, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        spans[i].data = (const uint8_t *)strings[i];
        spans[i].len = (uint32_t)strlen(strings[i]);
    }
    ff_dense_values vals = {.count = count, .spans = spans};
    return vals;
}

FF_TEST(strings_compare_as_unsigned_bytes) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_type t = make_type(FF_PHYSICAL_BYTE_ARRAY, FF_LOGICAL_STRING);
    ff_stats stats;
    ff_stats_init(&stats, &t);
    const char *strings[] = {"abc", "\xc3\xa9t\xc3\xa9", "ab", "", "zz"};
    ff_span spans[5];
    ff_dense_values vals = span_values(spans, strings, 5);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    ff_pq_statistics out;
    EXPECT_OK(ff_stats_to_thrift(&stats, 64, &arena, &out, &err), &err);
    EXPECT_EQ_INT(out.min_value.len, 0);
    EXPECT_EQ_INT(out.max_value.len, 5);
    EXPECT_TRUE(memcmp(out.max_value.data, "\xc3\xa9t\xc3\xa9", 5) == 0);
    /* The signed-byte deprecated fields would disagree for é; they are left out. */
    EXPECT_TRUE(!out.has_min && !out.has_max);
    EXPECT_TRUE(out.is_min_value_exact && out.is_max_value_exact);
    ff_stats_free(&stats);
    ff_arena_free(&arena);
}

FF_TEST(long_strings_are_truncated_as_bounds) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_type t = make_type(FF_PHYSICAL_BYTE_ARRAY, FF_LOGICAL_STRING);
    ff_stats stats;
    ff_stats_init(&stats, &t);
    char low[101], high[101];
    memset(low, 'a', 100);
    low[100] = 0;
    memset(high, 'q', 100);
    high[100] = 0;
    const char *strings[] = {high, low};
    ff_span spans[2];
    ff_dense_values vals = span_values(spans, strings, 2);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    ff_pq_statistics out;
    EXPECT_OK(ff_stats_to_thrift(&stats, 10, &arena, &out, &err), &err);
    EXPECT_EQ_INT(out.min_value.len, 10);
    EXPECT_TRUE(memcmp(out.min_value.data, "aaaaaaaaaa", 10) == 0);
    EXPECT_EQ_INT(out.max_value.len, 10);
    EXPECT_TRUE(memcmp(out.max_value.data, "qqqqqqqqqr", 10) == 0);
    EXPECT_TRUE(!out.is_min_value_exact && !out.is_max_value_exact);
    ff_stats_free(&stats);

    /* Two-byte characters: the cut lands on a character boundary, and the max rounds up by
     * a whole character (e-acute becomes e-circumflex), so both stay valid UTF-8. */
    ff_stats_init(&stats, &t);
    char wide[41];
    for (int i = 0; i < 20; i++)
        memcpy(wide + 2 * i, "\xc3\xa9", 2);
    wide[40] = 0;
    const char *wide_strings[] = {wide};
    vals = span_values(spans, wide_strings, 1);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_OK(ff_stats_to_thrift(&stats, 11, &arena, &out, &err), &err);
    EXPECT_EQ_INT(out.min_value.len, 10);
    EXPECT_EQ_INT(out.max_value.len, 10);
    EXPECT_TRUE(memcmp(out.max_value.data, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xaa", 10) == 0);
    EXPECT_TRUE(!out.is_max_value_exact && !out.is_min_value_exact);
    ff_stats_free(&stats);

    /* Rounding carries into the character before: U+007F becomes U+0080 (two bytes). */
    ff_stats_init(&stats, &t);
    const char *del_strings[] = {"ab\x7f\x7fzzzz"};
    vals = span_values(spans, del_strings, 1);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_OK(ff_stats_to_thrift(&stats, 4, &arena, &out, &err), &err);
    EXPECT_EQ_INT(out.max_value.len, 5);
    EXPECT_TRUE(memcmp(out.max_value.data, "ab\x7f\xc2\x80", 5) == 0);
    ff_stats_free(&stats);

    /* Nothing to round up: the whole value when it was kept whole, no bounds otherwise. */
    ff_type binary = make_type(FF_PHYSICAL_BYTE_ARRAY, FF_LOGICAL_NONE);
    ff_stats_init(&stats, &binary);
    const char *ff_strings[] = {"\xff\xff\xff\xff\xff\xff"};
    vals = span_values(spans, ff_strings, 1);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_OK(ff_stats_to_thrift(&stats, 3, &arena, &out, &err), &err);
    EXPECT_TRUE(out.has_max_value && out.max_value.len == 6 && out.is_max_value_exact);
    ff_stats_free(&stats);
    ff_stats_init(&stats, &binary);
    stats.keep_len = 4;
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_OK(ff_stats_to_thrift(&stats, 3, &arena, &out, &err), &err);
    EXPECT_TRUE(!out.has_max_value && !out.has_min_value && out.has_null_count);
    ff_stats_free(&stats);
    ff_arena_free(&arena);
}

/* Keeping truncate_len + 1 bytes of the bounds writes the same bounds as keeping them whole. */
FF_TEST(kept_prefixes_give_the_same_truncated_bounds) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_type t = make_type(FF_PHYSICAL_BYTE_ARRAY, FF_LOGICAL_NONE);
    uint64_t seed = 5;
    char strings[200][40];
    const char *pointers[200];
    for (int i = 0; i < 200; i++) {
        int len = (int)(seed % 39);
        for (int j = 0; j < len; j++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            strings[i][j] = (char)('a' + (seed >> 60) % 3);
        }
        strings[i][len] = 0;
        pointers[i] = strings[i];
    }
    ff_span spans[200];
    ff_dense_values vals = span_values(spans, pointers, 200);
    for (int32_t truncate = 1; truncate < 12; truncate++) {
        ff_stats full, kept;
        ff_stats_init(&full, &t);
        ff_stats_init(&kept, &t);
        kept.keep_len = truncate + 1;
        EXPECT_OK(ff_stats_update(&full, &vals, &err), &err);
        EXPECT_OK(ff_stats_update(&kept, &vals, &err), &err);
        ff_pq_statistics a, b;
        EXPECT_OK(ff_stats_to_thrift(&full, truncate, &arena, &a, &err), &err);
        EXPECT_OK(ff_stats_to_thrift(&kept, truncate, &arena, &b, &err), &err);
        EXPECT_EQ_INT(a.min_value.len, b.min_value.len);
        EXPECT_EQ_INT(a.max_value.len, b.max_value.len);
        EXPECT_TRUE(!memcmp(a.min_value.data, b.min_value.data, (size_t)a.min_value.len));
        EXPECT_TRUE(!memcmp(a.max_value.data, b.max_value.data, (size_t)a.max_value.len));
        EXPECT_EQ_INT(a.is_min_value_exact, b.is_min_value_exact);
        EXPECT_EQ_INT(a.is_max_value_exact, b.is_max_value_exact);
        ff_stats_free(&full);
        ff_stats_free(&kept);
    }
    ff_arena_free(&arena);
}

FF_TEST(decimal_bytes_compare_signed_big_endian) {
    EXPECT_TRUE(ff_stats_compare(FF_SORT_DECIMAL_BYTES, (const uint8_t *)"\xff", 1,
                                 (const uint8_t *)"\x00\x01", 2) < 0);
    EXPECT_TRUE(ff_stats_compare(FF_SORT_DECIMAL_BYTES, (const uint8_t *)"\xff\xff", 2,
                                 (const uint8_t *)"\xff", 1) == 0);
    EXPECT_TRUE(ff_stats_compare(FF_SORT_DECIMAL_BYTES, (const uint8_t *)"\x80", 1,
                                 (const uint8_t *)"\xff\x7f", 2) > 0);
    ff_error err;
    ff_type t = make_type(FF_PHYSICAL_BYTE_ARRAY, FF_LOGICAL_DECIMAL);
    ff_stats stats;
    ff_stats_init(&stats, &t);
    /* 255, -1, -128, 127, 256, -129 */
    ff_span spans[6] = {{(const uint8_t *)"\x00\xff", 2}, {(const uint8_t *)"\xff", 1},
                        {(const uint8_t *)"\x80", 1},     {(const uint8_t *)"\x7f", 1},
                        {(const uint8_t *)"\x01\x00", 2}, {(const uint8_t *)"\xff\x7f", 2}};
    ff_dense_values vals = {.count = 6, .spans = spans};
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_EQ_INT(stats.min.len, 2);
    EXPECT_TRUE(memcmp(stats.min.data, "\xff\x7f", 2) == 0);
    EXPECT_EQ_INT(stats.max.len, 2);
    EXPECT_TRUE(memcmp(stats.max.data, "\x01\x00", 2) == 0);
    ff_stats_free(&stats);
}

FF_TEST(merge_and_thrift_fields) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_type t = make_type(FF_PHYSICAL_INT32, FF_LOGICAL_NONE);
    ff_stats page1, page2, chunk;
    ff_stats_init(&page1, &t);
    ff_stats_init(&page2, &t);
    ff_stats_init(&chunk, &t);
    const int32_t a[] = {10, 20}, b[] = {-5, 15};
    ff_dense_values va = fixed_values(a, 2, 4), vb = fixed_values(b, 2, 4);
    EXPECT_OK(ff_stats_update(&page1, &va, &err), &err);
    page1.null_count = 3;
    EXPECT_OK(ff_stats_update(&page2, &vb, &err), &err);
    page2.null_count = 1;
    EXPECT_OK(ff_stats_merge(&chunk, &page1, &err), &err);
    EXPECT_OK(ff_stats_merge(&chunk, &page2, &err), &err);
    ff_pq_statistics out;
    EXPECT_OK(ff_stats_to_thrift(&chunk, 64, &arena, &out, &err), &err);
    EXPECT_EQ_INT(out.null_count, 4);
    EXPECT_EQ_INT((int32_t)ff_load_le32(out.min_value.data), -5);
    EXPECT_EQ_INT((int32_t)ff_load_le32(out.max_value.data), 20);
    EXPECT_TRUE(out.has_min && out.has_max);
    EXPECT_EQ_INT((int32_t)ff_load_le32(out.min.data), -5);

    /* INT96 has no defined order: only the null count. */
    ff_type int96 = make_type(FF_PHYSICAL_INT96, FF_LOGICAL_NONE);
    int96.type_length = 12;
    ff_stats none;
    ff_stats_init(&none, &int96);
    uint8_t raw[24] = {1, 2, 3};
    ff_dense_values v96 = fixed_values(raw, 2, 12);
    EXPECT_OK(ff_stats_update(&none, &v96, &err), &err);
    none.null_count = 2;
    EXPECT_OK(ff_stats_to_thrift(&none, 64, &arena, &out, &err), &err);
    EXPECT_TRUE(!out.has_min_value && !out.has_max_value && !out.has_min && !out.has_max);
    EXPECT_EQ_INT(out.null_count, 2);

    ff_stats_free(&page1);
    ff_stats_free(&page2);
    ff_stats_free(&chunk);
    ff_stats_free(&none);
    ff_arena_free(&arena);
}

FF_TEST(boolean_bounds) {
    ff_error err;
    ff_type t = make_type(FF_PHYSICAL_BOOLEAN, FF_LOGICAL_NONE);
    ff_stats stats;
    ff_stats_init(&stats, &t);
    const uint8_t trues[] = {1, 1, 1};
    ff_dense_values vals = fixed_values(trues, 3, 1);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_EQ_INT(stats.min.data[0], 1);
    EXPECT_EQ_INT(stats.max.data[0], 1);
    const uint8_t mixed[] = {1, 0};
    vals = fixed_values(mixed, 2, 1);
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_EQ_INT(stats.min.data[0], 0);
    EXPECT_EQ_INT(stats.max.data[0], 1);
    ff_stats_free(&stats);
}

FF_TEST_MAIN(FF_CASE(sort_order_follows_logical_type),
             FF_CASE(signed_and_unsigned_int32_bounds_differ),
             FF_CASE(random_int64_bounds_match_naive_scan),
             FF_CASE(double_bounds_skip_nan_and_sign_zeros),
             FF_CASE(float_bounds_from_negative_values), FF_CASE(float16_compares_as_half_floats),
             FF_CASE(strings_compare_as_unsigned_bytes),
             FF_CASE(long_strings_are_truncated_as_bounds),
             FF_CASE(kept_prefixes_give_the_same_truncated_bounds),
             FF_CASE(decimal_bytes_compare_signed_big_endian), FF_CASE(merge_and_thrift_fields),
             FF_CASE(boolean_bounds))
