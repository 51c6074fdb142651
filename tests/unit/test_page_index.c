/* Unit tests for the page index builder (src/parquet/column/page_index.c): null pages, bounds,
 * boundary order, offsets made absolute, and chunks whose pages cannot all be described. */
#include "ff_test.h"

#include "parquet/column/page_index.h"
#include "util/bytes.h"

#include <math.h>

static void add_int_page(ff_page_index_builder *builder, const ff_type *type, const int32_t *values,
                         int64_t count, int64_t nulls, int64_t offset, int64_t first_row,
                         int *ff_test_failures) {
    ff_stats stats;
    ff_stats_init(&stats, type);
    ff_error err;
    ff_dense_values vals = {.count = count, .width = 4, .fixed = (const uint8_t *)values};
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    stats.null_count = nulls;
    EXPECT_OK(
        ff_page_index_add_page(builder, &stats, count + nulls, 64, offset, 100, first_row, &err),
        &err);
    ff_stats_free(&stats);
}

static int32_t decoded_boundary_order(const ff_page_index_builder *builder, int *ff_test_failures) {
    ff_buf out;
    ff_buf_init(&out, 0);
    ff_error err;
    EXPECT_OK(ff_page_index_write_column_index(builder, FF_SORT_INT32, &out, &err), &err);
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_pq_column_index index;
    memset(&index, 0, sizeof index);
    EXPECT_OK(ff_thrift_decode_column_index(out.data, out.len, &arena, &index, &err), &err);
    int32_t order = index.boundary_order;
    ff_arena_free(&arena);
    ff_buf_free(&out);
    return order;
}

FF_TEST(column_index_and_offset_index_round_trip) {
    ff_type type = {.physical = FF_PHYSICAL_INT32};
    ff_page_index_builder builder;
    ff_page_index_init(&builder);
    const int32_t first[] = {3, 1, 10}, third[] = {5, 20};
    add_int_page(&builder, &type, first, 3, 1, 0, 0, ff_test_failures);
    add_int_page(&builder, &type, NULL, 0, 4, 100, 4, ff_test_failures);
    add_int_page(&builder, &type, third, 2, 0, 200, 8, ff_test_failures);
    EXPECT_TRUE(builder.has_column_index);

    ff_buf out;
    ff_buf_init(&out, 0);
    ff_error err;
    EXPECT_OK(ff_page_index_write_column_index(&builder, FF_SORT_INT32, &out, &err), &err);
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_pq_column_index index;
    memset(&index, 0, sizeof index);
    EXPECT_OK(ff_thrift_decode_column_index(out.data, out.len, &arena, &index, &err), &err);
    EXPECT_EQ_INT(index.num_pages, 3);
    EXPECT_TRUE(!index.null_pages[0] && index.null_pages[1] && !index.null_pages[2]);
    EXPECT_EQ_INT((int32_t)ff_load_le32(index.min_values[0].data), 1);
    EXPECT_EQ_INT((int32_t)ff_load_le32(index.max_values[0].data), 10);
    EXPECT_EQ_INT(index.min_values[1].len, 0);
    EXPECT_EQ_INT((int32_t)ff_load_le32(index.min_values[2].data), 5);
    EXPECT_EQ_INT((int32_t)ff_load_le32(index.max_values[2].data), 20);
    EXPECT_EQ_INT(index.boundary_order, 1);
    EXPECT_TRUE(index.has_null_counts);
    EXPECT_EQ_INT(index.null_counts[0], 1);
    EXPECT_EQ_INT(index.null_counts[1], 4);
    EXPECT_EQ_INT(index.null_counts[2], 0);

    ff_buf_reset(&out);
    EXPECT_OK(ff_page_index_write_offset_index(&builder, 1000, &out, &err), &err);
    ff_pq_offset_index offsets;
    memset(&offsets, 0, sizeof offsets);
    EXPECT_OK(ff_thrift_decode_offset_index(out.data, out.len, &arena, &offsets, &err), &err);
    EXPECT_EQ_INT(offsets.num_pages, 3);
    EXPECT_EQ_INT(offsets.page_locations[0].offset, 1000);
    EXPECT_EQ_INT(offsets.page_locations[1].offset, 1100);
    EXPECT_EQ_INT(offsets.page_locations[2].offset, 1200);
    EXPECT_EQ_INT(offsets.page_locations[2].compressed_page_size, 100);
    EXPECT_EQ_INT(offsets.page_locations[1].first_row_index, 4);
    EXPECT_EQ_INT(offsets.page_locations[2].first_row_index, 8);
    ff_arena_free(&arena);
    ff_buf_free(&out);
    ff_page_index_free(&builder);
}

FF_TEST(boundary_order_descending_and_unordered) {
    ff_type type = {.physical = FF_PHYSICAL_INT32};
    ff_page_index_builder builder;
    ff_page_index_init(&builder);
    const int32_t a[] = {50, 60}, b[] = {10, 40}, c[] = {30, 35};
    add_int_page(&builder, &type, a, 2, 0, 0, 0, ff_test_failures);
    add_int_page(&builder, &type, b, 2, 0, 100, 2, ff_test_failures);
    EXPECT_EQ_INT(decoded_boundary_order(&builder, ff_test_failures), 2);
    add_int_page(&builder, &type, c, 2, 0, 200, 4, ff_test_failures);
    EXPECT_EQ_INT(decoded_boundary_order(&builder, ff_test_failures), 0);
    ff_page_index_reset(&builder);
    EXPECT_EQ_INT(builder.num_pages, 0);
    add_int_page(&builder, &type, a, 2, 0, 0, 0, ff_test_failures);
    add_int_page(&builder, &type, a, 2, 0, 100, 2, ff_test_failures);
    EXPECT_EQ_INT(decoded_boundary_order(&builder, ff_test_failures), 1);
    ff_page_index_free(&builder);
}

FF_TEST(page_without_bounds_drops_the_column_index) {
    ff_type type = {.physical = FF_PHYSICAL_DOUBLE};
    ff_page_index_builder builder;
    ff_page_index_init(&builder);
    ff_stats stats;
    ff_stats_init(&stats, &type);
    ff_error err;
    const double nans[] = {NAN, NAN};
    ff_dense_values vals = {.count = 2, .width = 8, .fixed = (const uint8_t *)nans};
    EXPECT_OK(ff_stats_update(&stats, &vals, &err), &err);
    EXPECT_OK(ff_page_index_add_page(&builder, &stats, 2, 64, 0, 10, 0, &err), &err);
    EXPECT_TRUE(!builder.has_column_index);
    ff_buf out;
    ff_buf_init(&out, 0);
    EXPECT_OK(ff_page_index_write_column_index(&builder, FF_SORT_DOUBLE, &out, &err), &err);
    EXPECT_EQ_INT(out.len, 0);
    /* The offset index does not depend on bounds. */
    EXPECT_OK(ff_page_index_write_offset_index(&builder, 4, &out, &err), &err);
    EXPECT_TRUE(out.len > 0);
    ff_buf_free(&out);
    ff_stats_free(&stats);
    ff_page_index_free(&builder);
}

FF_TEST_MAIN(FF_CASE(column_index_and_offset_index_round_trip),
             FF_CASE(boundary_order_descending_and_unordered),
             FF_CASE(page_without_bounds_drops_the_column_index))
