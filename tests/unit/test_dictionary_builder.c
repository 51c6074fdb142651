/* Unit tests for the dictionary builder (src/parquet/column/dictionary_builder.c): first-seen
 * indices, byte equality (signed zeros stay apart), the size limit, growth over many
 * entries, and every value width. */
#include "ff_test.h"

#include "parquet/column/dictionary_builder.h"

#include <math.h>

static ff_type make_type(ff_physical_type physical, int32_t type_length) {
    ff_type type = {.physical = physical, .type_length = type_length};
    return type;
}

/* Every input value must equal the dictionary entry its index names. */
static int check_mapping(const ff_dict_builder *dict, const ff_dense_values *vals,
                         const uint32_t *indices, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        size_t len, entry_len;
        const uint8_t *value = ff_dense_value(vals, i, &len);
        if ((int64_t)indices[i] >= dict->num_entries)
            return 0;
        const uint8_t *entry = ff_dict_builder_value(dict, indices[i], &entry_len);
        if (len != entry_len || (len && memcmp(value, entry, len) != 0))
            return 0;
    }
    return 1;
}

FF_TEST(int64_values_get_first_seen_indices) {
    ff_type t = make_type(FF_PHYSICAL_INT64, 0);
    ff_dict_builder dict;
    ff_dict_builder_init(&dict, &t);
    const int64_t values[] = {7, 3, 7, 7, -1, 3};
    ff_dense_values vals = {.count = 6, .width = 8, .fixed = (const uint8_t *)values};
    uint32_t indices[6];
    int64_t consumed = 0;
    ff_error err;
    EXPECT_OK(ff_dict_builder_insert(&dict, &vals, SIZE_MAX, indices, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, 6);
    EXPECT_EQ_INT(dict.num_entries, 3);
    EXPECT_EQ_INT(dict.plain_bytes, 24);
    const uint32_t expected[] = {0, 1, 0, 0, 2, 1};
    for (int i = 0; i < 6; i++)
        EXPECT_EQ_INT(indices[i], expected[i]);
    EXPECT_TRUE(check_mapping(&dict, &vals, indices, 6));
    ff_dict_builder_reset(&dict);
    EXPECT_EQ_INT(dict.num_entries, 0);
    EXPECT_OK(ff_dict_builder_insert(&dict, &vals, SIZE_MAX, indices, &consumed, &err), &err);
    EXPECT_EQ_INT(dict.num_entries, 3);
    ff_dict_builder_free(&dict);
}

FF_TEST(strings_including_empty) {
    ff_type t = make_type(FF_PHYSICAL_BYTE_ARRAY, 0);
    ff_dict_builder dict;
    ff_dict_builder_init(&dict, &t);
    const char *strings[] = {"buy", "", "sell", "buy", "", "sell", "buyer"};
    ff_span spans[7];
    for (int i = 0; i < 7; i++) {
        spans[i].data = (const uint8_t *)strings[i];
        spans[i].len = (uint32_t)strlen(strings[i]);
    }
    ff_dense_values vals = {.count = 7, .spans = spans};
    uint32_t indices[7];
    int64_t consumed = 0;
    ff_error err;
    EXPECT_OK(ff_dict_builder_insert(&dict, &vals, SIZE_MAX, indices, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, 7);
    EXPECT_EQ_INT(dict.num_entries, 4);
    EXPECT_EQ_INT(dict.plain_bytes, 4 * 4 + 3 + 0 + 4 + 5);
    EXPECT_TRUE(check_mapping(&dict, &vals, indices, 7));
    EXPECT_EQ_INT(dict.values.length, 4);
    EXPECT_EQ_INT(dict.values.offsets[4], 12);
    ff_dict_builder_free(&dict);
}

FF_TEST(double_signed_zeros_stay_distinct) {
    ff_type t = make_type(FF_PHYSICAL_DOUBLE, 0);
    ff_dict_builder dict;
    ff_dict_builder_init(&dict, &t);
    const double values[] = {0.0, -0.0, NAN, NAN, 0.0};
    ff_dense_values vals = {.count = 5, .width = 8, .fixed = (const uint8_t *)values};
    uint32_t indices[5];
    int64_t consumed = 0;
    ff_error err;
    EXPECT_OK(ff_dict_builder_insert(&dict, &vals, SIZE_MAX, indices, &consumed, &err), &err);
    EXPECT_EQ_INT(dict.num_entries, 3);
    EXPECT_TRUE(indices[0] != indices[1]);
    EXPECT_EQ_INT(indices[2], indices[3]);
    EXPECT_TRUE(check_mapping(&dict, &vals, indices, 5));
    ff_dict_builder_free(&dict);
}

FF_TEST(limit_stops_before_the_first_entry_that_does_not_fit) {
    ff_type t = make_type(FF_PHYSICAL_INT32, 0);
    ff_dict_builder dict;
    ff_dict_builder_init(&dict, &t);
    /* A 12-byte limit holds three INT32 entries. */
    const int32_t values[] = {1, 2, 1, 3, 2, 4, 1};
    ff_dense_values vals = {.count = 7, .width = 4, .fixed = (const uint8_t *)values};
    uint32_t indices[7];
    int64_t consumed = 0;
    ff_error err;
    EXPECT_OK(ff_dict_builder_insert(&dict, &vals, 12, indices, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, 5);
    EXPECT_EQ_INT(dict.num_entries, 3);
    EXPECT_TRUE(dict.plain_bytes <= 12);
    EXPECT_TRUE(check_mapping(&dict, &vals, indices, 5));
    /* Values already in the dictionary still map after the limit is reached. */
    ff_dense_values again = {.count = 3, .width = 4, .fixed = (const uint8_t *)values};
    EXPECT_OK(ff_dict_builder_insert(&dict, &again, 12, indices, &consumed, &err), &err);
    EXPECT_EQ_INT(consumed, 3);
    ff_dict_builder_free(&dict);
}

FF_TEST(many_entries_survive_table_growth) {
    ff_error err;
    int32_t widths[] = {3, 4, 8, 12, 16};
    for (int w = 0; w < 5; w++) {
        int32_t width = widths[w];
        ff_type t = width == 4    ? make_type(FF_PHYSICAL_INT32, 0)
                    : width == 8  ? make_type(FF_PHYSICAL_INT64, 0)
                    : width == 12 ? make_type(FF_PHYSICAL_INT96, 12)
                                  : make_type(FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, width);
        ff_dict_builder dict;
        ff_dict_builder_init(&dict, &t);
        int64_t n = 50000;
        uint8_t *data = calloc((size_t)n, (size_t)width);
        uint32_t *indices = calloc((size_t)n, sizeof(uint32_t));
        uint64_t seed = 99;
        for (int64_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            uint32_t key = (uint32_t)((seed >> 33) % 5000);
            memcpy(data + i * width, &key, width < 4 ? (size_t)width : 4);
        }
        ff_dense_values vals = {.count = n, .width = width, .fixed = data};
        int64_t consumed = 0;
        EXPECT_OK(ff_dict_builder_insert(&dict, &vals, SIZE_MAX, indices, &consumed, &err), &err);
        EXPECT_EQ_INT(consumed, n);
        EXPECT_TRUE(dict.num_entries <= 5000 && dict.num_entries > 4900);
        EXPECT_TRUE(check_mapping(&dict, &vals, indices, n));
        EXPECT_EQ_INT(dict.plain_bytes, dict.num_entries * width);
        free(data);
        free(indices);
        ff_dict_builder_free(&dict);
    }
}

FF_TEST_MAIN(FF_CASE(int64_values_get_first_seen_indices), FF_CASE(strings_including_empty),
             FF_CASE(double_signed_zeros_stay_distinct),
             FF_CASE(limit_stops_before_the_first_entry_that_does_not_fit),
             FF_CASE(many_entries_survive_table_growth))
