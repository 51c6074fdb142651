/* Unit tests for src/util: errors, cursor, buffers, arenas, hashes. */
#include "ff_test.h"

#include "util/cursor.h"
#include "util/hash.h"
#include "util/mem.h"

FF_TEST(error_prefix_reads_outermost_first) {
    ff_error err;
    ff_error_clear(&err);
    ff_error_set(&err, FF_ERR_CORRUPT, "RLE bit width %d exceeds 32", 254);
    ff_error_prefix(&err, "page %d", 5);
    ff_error_prefix(&err, "column '%s'", "price");
    EXPECT_EQ_INT(err.code, FF_ERR_CORRUPT);
    EXPECT_EQ_STR(err.message, "column 'price': page 5: RLE bit width 254 exceeds 32");
    EXPECT_EQ_STR(ff_status_name(FF_ERR_CORRUPT), "FF_ERR_CORRUPT");
}

FF_TEST(cursor_reports_offset_on_overrun) {
    const uint8_t bytes[] = {0x96, 0x01, 0x03};
    ff_cursor cur;
    ff_cursor_init(&cur, bytes, sizeof bytes);
    ff_error err;
    uint64_t value = 0;
    EXPECT_OK(ff_cursor_uvarint(&cur, &value, &err), &err);
    EXPECT_EQ_INT(value, 150);
    int64_t signed_value = 0;
    EXPECT_OK(ff_cursor_zigzag(&cur, &signed_value, &err), &err);
    EXPECT_EQ_INT(signed_value, -2);
    uint32_t word;
    EXPECT_STATUS(ff_cursor_le32(&cur, &word, &err), FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "offset 3") != NULL);
}

FF_TEST(cursor_rejects_overlong_varint) {
    uint8_t bytes[11];
    memset(bytes, 0xff, sizeof bytes);
    ff_cursor cur;
    ff_cursor_init(&cur, bytes, sizeof bytes);
    ff_error err;
    uint64_t value;
    EXPECT_STATUS(ff_cursor_uvarint(&cur, &value, &err), FF_ERR_CORRUPT);
}

FF_TEST(buffer_respects_cap) {
    ff_buf buf;
    ff_buf_init(&buf, 16);
    ff_error err;
    EXPECT_OK(ff_buf_append(&buf, "0123456789", 10, &err), &err);
    EXPECT_STATUS(ff_buf_append(&buf, "0123456789", 10, &err), FF_ERR_LIMIT);
    EXPECT_EQ_INT(buf.len, 10);
    EXPECT_OK(ff_buf_printf(&buf, &err, "%d", 42), &err);
    EXPECT_EQ_INT(buf.len, 12);
    ff_buf_free(&buf);
}

FF_TEST(arena_allocates_aligned_zeroed_memory) {
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_error err;
    for (int i = 0; i < 1000; i++) {
        uint64_t *p = ff_arena_alloc(&arena, 24 + (size_t)i, &err);
        EXPECT_TRUE(p != NULL);
        EXPECT_EQ_INT(((uintptr_t)p) % 16, 0);
        EXPECT_EQ_INT(p[0] | p[1] | p[2], 0);
        p[0] = ~0ull;
    }
    char *s = ff_arena_strndup(&arena, "hello world", 5, &err);
    EXPECT_EQ_STR(s, "hello");
    ff_arena_free(&arena);
    ff_arena limited;
    ff_arena_init(&limited, 1024);
    EXPECT_TRUE(ff_arena_alloc(&limited, 1 << 20, &err) == NULL);
    EXPECT_EQ_INT(err.code, FF_ERR_LIMIT);
    ff_arena_free(&limited);
}

FF_TEST(fnv_matches_corpus_readme_vectors) {
    EXPECT_EQ_U64(ff_fnv1a64("", 0), 0xcbf29ce484222325ULL);
    EXPECT_EQ_U64(ff_fnv1a64("[]", 2), 0x09612b07b5ecb5a5ULL);
    EXPECT_EQ_U64(ff_fnv1a64("[1,\"a\",null]", 12), 0x0008a8266bfd485cULL);
    uint64_t sum = ff_fnv1a64("[1]", 3) + ff_fnv1a64("[2]", 3);
    EXPECT_EQ_U64(sum, 0xb8daec3441c6cb83ULL);
}

FF_TEST(xxh64_matches_reference_vectors) {
    /* Reference values from the xxHash project's sanity checks. */
    EXPECT_EQ_U64(ff_xxh64("", 0, 0), 0xEF46DB3751D8E999ULL);
    EXPECT_EQ_U64(ff_xxh64("a", 1, 0), 0xD24EC4F1A98C6E5BULL);
    EXPECT_EQ_U64(ff_xxh64("abc", 3, 0), 0x44BC2CF5AD770999ULL);
    const char *long_text = "Nobody inspects the spammish repetition";
    EXPECT_EQ_U64(ff_xxh64(long_text, strlen(long_text), 0), 0xFBCEA83C8A378BF1ULL);
}

FF_TEST_MAIN(FF_CASE(error_prefix_reads_outermost_first), FF_CASE(cursor_reports_offset_on_overrun),
             FF_CASE(cursor_rejects_overlong_varint), FF_CASE(buffer_respects_cap),
             FF_CASE(arena_allocates_aligned_zeroed_memory),
             FF_CASE(fnv_matches_corpus_readme_vectors), FF_CASE(xxh64_matches_reference_vectors))
