/* Unit tests for split-block bloom filters (src/parquet/column/bloom_filter.c): the block
 * layout of BloomFilter.md, sizing, no false negatives, a false-positive rate near the
 * target, the hash set, and the on-disk header. */
#include "ff_test.h"

#include "parquet/column/bloom_filter.h"
#include "parquet/thrift/metadata.h"
#include "util/bytes.h"
#include "util/cursor.h"

static uint64_t next_random(uint64_t *state) {
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t x = *state;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ULL;
    return x ^ (x >> 32);
}

FF_TEST(one_insert_sets_one_bit_per_word_of_one_block) {
    ff_bloom_filter filter;
    ff_error err;
    EXPECT_OK(ff_bloom_filter_init(&filter, 1024, &err), &err);
    EXPECT_EQ_INT(filter.num_blocks, 32);
    uint64_t hash = ff_bloom_hash((const uint8_t *)"BTC-USD", 7);
    ff_bloom_filter_insert(&filter, hash);
    uint64_t block = ((hash >> 32) * 32) >> 32;
    static const uint32_t salts[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                      0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};
    for (int64_t word_idx = 0; word_idx < filter.num_blocks * 8; word_idx++) {
        uint32_t expected = 0;
        if ((uint64_t)word_idx / 8 == block)
            expected = 1u << (((uint32_t)hash * salts[word_idx % 8]) >> 27);
        EXPECT_EQ_U64(filter.words[word_idx], expected);
    }
    EXPECT_TRUE(ff_bloom_filter_check(&filter, hash));
    ff_bloom_filter_free(&filter);
}

FF_TEST(sizing_follows_the_spec_formula) {
    EXPECT_EQ_INT(ff_bloom_optimal_bytes(0, 0.01), 32);
    EXPECT_EQ_INT(ff_bloom_optimal_bytes(1, 0.01), 32);
    /* 1M values at 1 %: -8e6 / ln(1 - 0.01^(1/8)) = 9.59e6 bits = 1.2 MB -> 2 MiB. */
    EXPECT_EQ_INT(ff_bloom_optimal_bytes(1000000, 0.01), 2 * 1024 * 1024);
    EXPECT_EQ_INT(ff_bloom_optimal_bytes(UINT64_MAX / 2, 0.01), FF_BLOOM_MAX_BYTES);
    size_t bytes = ff_bloom_optimal_bytes(10000, 0.05);
    EXPECT_TRUE(bytes >= 8192 && bytes <= 16384 && (bytes & (bytes - 1)) == 0);
}

FF_TEST(inserted_values_are_found_and_false_positives_are_near_target) {
    double targets[] = {0.01, 0.05};
    for (int target_idx = 0; target_idx < 2; target_idx++) {
        double fpp = targets[target_idx];
        ff_hash_set set;
        ff_hash_set_init(&set);
        ff_error err;
        uint64_t state = 42 + (uint64_t)target_idx;
        int64_t inserted = 20000;
        for (int64_t i = 0; i < inserted; i++) {
            int64_t key = (int64_t)(next_random(&state) >> 1);
            EXPECT_OK(ff_hash_set_insert(&set, ff_bloom_hash((const uint8_t *)&key, 8), &err),
                      &err);
        }
        EXPECT_EQ_INT(set.count, inserted);
        ff_bloom_filter filter;
        EXPECT_OK(ff_bloom_filter_from_set(&set, fpp, &filter, &err), &err);
        state = 42 + (uint64_t)target_idx;
        int64_t missing = 0;
        for (int64_t i = 0; i < inserted; i++) {
            int64_t key = (int64_t)(next_random(&state) >> 1);
            missing += !ff_bloom_filter_check(&filter, ff_bloom_hash((const uint8_t *)&key, 8));
        }
        EXPECT_EQ_INT(missing, 0);
        /* Negative keys never collide with the inserted non-negative ones. */
        int64_t probes = 200000, positives = 0;
        for (int64_t i = 0; i < probes; i++) {
            int64_t key = -(int64_t)(next_random(&state) >> 1) - 1;
            positives += ff_bloom_filter_check(&filter, ff_bloom_hash((const uint8_t *)&key, 8));
        }
        double rate = (double)positives / (double)probes;
        /* Rounding the size up to a power of two only lowers the rate. */
        if (!(rate <= fpp * 1.3 && rate >= fpp / 20))
            FF_FAIL_AT("false-positive rate %.4f for target %.2f", rate, fpp);
        ff_bloom_filter_free(&filter);
        ff_hash_set_free(&set);
    }
}

FF_TEST(hash_set_counts_distinct_hashes_including_zero) {
    ff_hash_set set;
    ff_hash_set_init(&set);
    ff_error err;
    for (int round = 0; round < 3; round++)
        for (uint64_t h = 0; h < 5000; h++)
            EXPECT_OK(ff_hash_set_insert(&set, h * 0x9e3779b97f4a7c15ULL, &err), &err);
    EXPECT_EQ_INT(set.count, 5000);
    EXPECT_TRUE(set.has_zero);
    ff_hash_set_clear(&set);
    EXPECT_EQ_INT(set.count, 0);
    const char *strings[] = {"a", "b", "a"};
    ff_span spans[3];
    for (int i = 0; i < 3; i++) {
        spans[i].data = (const uint8_t *)strings[i];
        spans[i].len = 1;
    }
    ff_dense_values vals = {.count = 3, .spans = spans};
    EXPECT_OK(ff_hash_set_insert_values(&set, &vals, &err), &err);
    EXPECT_EQ_INT(set.count, 2);
    ff_hash_set_free(&set);
}

FF_TEST(written_filter_has_header_and_little_endian_bitset) {
    ff_bloom_filter filter;
    ff_error err;
    EXPECT_OK(ff_bloom_filter_init(&filter, 64, &err), &err);
    ff_bloom_filter_insert(&filter, 0x0123456789abcdefULL);
    ff_buf out;
    ff_buf_init(&out, 0);
    EXPECT_OK(ff_bloom_filter_write(&filter, &out, &err), &err);
    ff_cursor cur;
    ff_cursor_init(&cur, out.data, out.len);
    ff_pq_bloom_filter_header header;
    EXPECT_OK(ff_thrift_decode_bloom_filter_header(&cur, &header, &err), &err);
    EXPECT_EQ_INT(header.num_bytes, 64);
    EXPECT_EQ_INT(header.algorithm_kind, 1);
    EXPECT_EQ_INT(header.hash_kind, 1);
    EXPECT_EQ_INT(header.compression_kind, 1);
    EXPECT_EQ_INT(ff_cursor_remaining(&cur), 64);
    for (int word_idx = 0; word_idx < 16; word_idx++)
        EXPECT_EQ_U64(ff_load_le32(cur.pos + 4 * word_idx), filter.words[word_idx]);
    ff_buf_free(&out);
    ff_bloom_filter_free(&filter);
    EXPECT_STATUS(ff_bloom_filter_init(&filter, 48, &err), FF_ERR_INVALID_ARGUMENT);
}

FF_TEST_MAIN(FF_CASE(one_insert_sets_one_bit_per_word_of_one_block),
             FF_CASE(sizing_follows_the_spec_formula),
             FF_CASE(inserted_values_are_found_and_false_positives_are_near_target),
             FF_CASE(hash_set_counts_distinct_hashes_including_zero),
             FF_CASE(written_filter_has_header_and_little_endian_bitset))
