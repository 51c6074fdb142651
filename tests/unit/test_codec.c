/* Unit tests for src/parquet/compress: round trips of every codec (empty, tiny, 1 MiB random
 * and compressible), exact-size enforcement, the LZ4 Hadoop framing and its raw-block
 * fallback, concatenated gzip members and zlib input, zero-byte pages with non-empty frames,
 * truncated input at many cut points, name parsing and the page CRC. */
#include "ff_test.h"

#include "parquet/compress/codec.h"

#include <zlib.h>

static const ff_pq_codec all_codecs[] = {FF_CODEC_UNCOMPRESSED, FF_CODEC_SNAPPY, FF_CODEC_GZIP,
                                         FF_CODEC_BROTLI,       FF_CODEC_LZ4,    FF_CODEC_ZSTD,
                                         FF_CODEC_LZ4_RAW};
#define NUM_CODECS (sizeof all_codecs / sizeof all_codecs[0])

static uint8_t *make_data(size_t len, bool compressible) {
    uint8_t *data = malloc(len ? len : 1);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < len; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data[i] = compressible ? (uint8_t)("price,size,side\n"[i % 16] + (state % 4 == 0))
                               : (uint8_t)state;
    }
    return data;
}

FF_TEST(codec_round_trips) {
    static const size_t sizes[] = {0, 1, 100, 65536 + 3, 1 << 20};
    ff_codec_ctx *ctx = NULL;
    ff_error err;
    EXPECT_OK(ff_codec_ctx_create(&ctx, &err), &err);
    for (size_t codec_idx = 0; codec_idx < NUM_CODECS; codec_idx++) {
        ff_pq_codec codec = all_codecs[codec_idx];
        for (size_t size_idx = 0; size_idx < 5; size_idx++) {
            for (int compressible = 0; compressible < 2; compressible++) {
                size_t len = sizes[size_idx];
                uint8_t *data = make_data(len, compressible);
                ff_buf buf;
                ff_buf_init(&buf, 0);
                EXPECT_OK(ff_codec_compress(ctx, codec, -1, data, len, &buf, &err), &err);
                if (compressible && len == (1 << 20) && codec != FF_CODEC_UNCOMPRESSED &&
                    buf.len > len / 2)
                    FF_FAIL_AT("%s compressed 1 MiB only to %zu bytes", ff_codec_name(codec),
                               buf.len);
                uint8_t *back = malloc(len + 1);
                ff_status status =
                    ff_codec_decompress(ctx, codec, buf.data, buf.len, back, len, &err);
                if (status != FF_OK)
                    FF_FAIL_AT("%s len %zu: %s", ff_codec_name(codec), len, err.message);
                else if (len && memcmp(back, data, len) != 0)
                    FF_FAIL_AT("%s len %zu: bytes differ", ff_codec_name(codec), len);
                /* One byte more or less than the page claims is corrupt. */
                EXPECT_STATUS(
                    ff_codec_decompress(ctx, codec, buf.data, buf.len, back, len + 1, &err),
                    FF_ERR_CORRUPT);
                if (len > 0)
                    EXPECT_STATUS(
                        ff_codec_decompress(ctx, codec, buf.data, buf.len, back, len - 1, &err),
                        FF_ERR_CORRUPT);
                /* Truncated compressed data fails without crashing. (An empty page has
                 * prefixes that are legitimately empty pages too.) */
                if (codec != FF_CODEC_UNCOMPRESSED && len > 0) {
                    for (size_t cut = 0; cut < buf.len; cut += 1 + buf.len / 30) {
                        status = ff_codec_decompress(ctx, codec, buf.data, cut, back, len, &err);
                        if (status != FF_ERR_CORRUPT)
                            FF_FAIL_AT("%s len %zu cut %zu: %s", ff_codec_name(codec), len, cut,
                                       ff_status_name(status));
                    }
                }
                free(back);
                free(data);
                ff_buf_free(&buf);
            }
        }
    }
    ff_codec_ctx_free(ctx);
}

FF_TEST(codec_levels) {
    static const struct {
        ff_pq_codec codec;
        int level;
    } cases[] = {{FF_CODEC_ZSTD, 1}, {FF_CODEC_ZSTD, 19},    {FF_CODEC_GZIP, 1},
                 {FF_CODEC_GZIP, 9}, {FF_CODEC_BROTLI, 0},   {FF_CODEC_BROTLI, 9},
                 {FF_CODEC_LZ4, 9},  {FF_CODEC_LZ4_RAW, 12}, {FF_CODEC_GZIP, 6}};
    ff_codec_ctx *ctx = NULL;
    ff_error err;
    EXPECT_OK(ff_codec_ctx_create(&ctx, &err), &err);
    uint8_t *data = make_data(200000, true);
    uint8_t *back = malloc(200000);
    for (size_t idx = 0; idx < sizeof cases / sizeof cases[0]; idx++) {
        ff_buf buf;
        ff_buf_init(&buf, 0);
        EXPECT_OK(
            ff_codec_compress(ctx, cases[idx].codec, cases[idx].level, data, 200000, &buf, &err),
            &err);
        EXPECT_OK(ff_codec_decompress(ctx, cases[idx].codec, buf.data, buf.len, back, 200000, &err),
                  &err);
        EXPECT_TRUE(memcmp(back, data, 200000) == 0);
        ff_buf_free(&buf);
    }
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_STATUS(ff_codec_compress(ctx, FF_CODEC_ZSTD, 99, data, 10, &buf, &err),
                  FF_ERR_INVALID_ARGUMENT);
    EXPECT_STATUS(ff_codec_compress(ctx, FF_CODEC_SNAPPY, 3, data, 10, &buf, &err),
                  FF_ERR_INVALID_ARGUMENT);
    ff_buf_free(&buf);
    free(data);
    free(back);
    ff_codec_ctx_free(ctx);
}

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

FF_TEST(lz4_hadoop_framing_and_raw_fallback) {
    ff_codec_ctx *ctx = NULL;
    ff_error err;
    EXPECT_OK(ff_codec_ctx_create(&ctx, &err), &err);
    uint8_t *data = make_data(5000, true);
    uint8_t back[5000];
    /* Writing LZ4 produces one Hadoop frame: sizes big-endian, then the block. */
    ff_buf framed, raw;
    ff_buf_init(&framed, 0);
    ff_buf_init(&raw, 0);
    EXPECT_OK(ff_codec_compress(ctx, FF_CODEC_LZ4, -1, data, 5000, &framed, &err), &err);
    EXPECT_OK(ff_codec_compress(ctx, FF_CODEC_LZ4_RAW, -1, data, 5000, &raw, &err), &err);
    EXPECT_EQ_INT(framed.len, raw.len + 8);
    EXPECT_EQ_INT(
        framed.data[0] << 24 | framed.data[1] << 16 | framed.data[2] << 8 | framed.data[3], 5000);
    EXPECT_EQ_INT(framed.data[4] << 24 | framed.data[5] << 16 | framed.data[6] << 8 |
                      framed.data[7],
                  raw.len);
    EXPECT_TRUE(memcmp(framed.data + 8, raw.data, raw.len) == 0);
    /* A raw block under the LZ4 codec id (old parquet-cpp) decodes through the fallback. */
    EXPECT_OK(ff_codec_decompress(ctx, FF_CODEC_LZ4, raw.data, raw.len, back, 5000, &err), &err);
    EXPECT_TRUE(memcmp(back, data, 5000) == 0);
    /* But LZ4_RAW does not accept Hadoop frames. */
    EXPECT_STATUS(
        ff_codec_decompress(ctx, FF_CODEC_LZ4_RAW, framed.data, framed.len, back, 5000, &err),
        FF_ERR_CORRUPT);
    /* Two Hadoop frames in a row. */
    ff_buf first, second, two;
    ff_buf_init(&first, 0);
    ff_buf_init(&second, 0);
    ff_buf_init(&two, 0);
    EXPECT_OK(ff_codec_compress(ctx, FF_CODEC_LZ4_RAW, -1, data, 3000, &first, &err), &err);
    EXPECT_OK(ff_codec_compress(ctx, FF_CODEC_LZ4_RAW, -1, data + 3000, 2000, &second, &err), &err);
    uint8_t header[8];
    put_be32(header, 3000);
    put_be32(header + 4, (uint32_t)first.len);
    ff_buf_append(&two, header, 8, &err);
    ff_buf_append(&two, first.data, first.len, &err);
    put_be32(header, 2000);
    put_be32(header + 4, (uint32_t)second.len);
    ff_buf_append(&two, header, 8, &err);
    ff_buf_append(&two, second.data, second.len, &err);
    memset(back, 0, sizeof back);
    EXPECT_OK(ff_codec_decompress(ctx, FF_CODEC_LZ4, two.data, two.len, back, 5000, &err), &err);
    EXPECT_TRUE(memcmp(back, data, 5000) == 0);
    /* A frame whose stated size disagrees with its block is not Hadoop and not raw. */
    put_be32(two.data, 2999);
    EXPECT_STATUS(ff_codec_decompress(ctx, FF_CODEC_LZ4, two.data, two.len, back, 5000, &err),
                  FF_ERR_CORRUPT);
    ff_buf_free(&framed);
    ff_buf_free(&raw);
    ff_buf_free(&first);
    ff_buf_free(&second);
    ff_buf_free(&two);
    free(data);
    ff_codec_ctx_free(ctx);
}

FF_TEST(gzip_concatenated_members_and_zlib) {
    ff_codec_ctx *ctx = NULL;
    ff_error err;
    EXPECT_OK(ff_codec_ctx_create(&ctx, &err), &err);
    ff_buf both;
    ff_buf_init(&both, 0);
    EXPECT_OK(ff_codec_compress(ctx, FF_CODEC_GZIP, -1, (const uint8_t *)"hello ", 6, &both, &err),
              &err);
    EXPECT_EQ_INT(both.data[0], 0x1f);
    EXPECT_EQ_INT(both.data[1], 0x8b);
    EXPECT_OK(ff_codec_compress(ctx, FF_CODEC_GZIP, 9, (const uint8_t *)"world", 5, &both, &err),
              &err);
    char back[12] = {0};
    EXPECT_OK(
        ff_codec_decompress(ctx, FF_CODEC_GZIP, both.data, both.len, (uint8_t *)back, 11, &err),
        &err);
    EXPECT_EQ_STR(back, "hello world");
    /* Only the first member's worth of output is too little. */
    EXPECT_STATUS(
        ff_codec_decompress(ctx, FF_CODEC_GZIP, both.data, both.len, (uint8_t *)back, 6, &err),
        FF_ERR_CORRUPT);
    /* Garbage after the members. */
    ff_buf_append(&both, "xyz", 3, &err);
    EXPECT_STATUS(
        ff_codec_decompress(ctx, FF_CODEC_GZIP, both.data, both.len, (uint8_t *)back, 11, &err),
        FF_ERR_CORRUPT);
    /* A zlib stream is accepted too. */
    uint8_t zlib_data[64];
    uLongf zlib_len = sizeof zlib_data;
    EXPECT_EQ_INT(compress2(zlib_data, &zlib_len, (const Bytef *)"hello world", 11, 6), Z_OK);
    memset(back, 0, sizeof back);
    EXPECT_OK(
        ff_codec_decompress(ctx, FF_CODEC_GZIP, zlib_data, zlib_len, (uint8_t *)back, 11, &err),
        &err);
    EXPECT_EQ_STR(back, "hello world");
    ff_buf_free(&both);
    ff_codec_ctx_free(ctx);
}

FF_TEST(zero_length_pages) {
    ff_codec_ctx *ctx = NULL;
    ff_error err;
    EXPECT_OK(ff_codec_ctx_create(&ctx, &err), &err);
    for (size_t codec_idx = 0; codec_idx < NUM_CODECS; codec_idx++) {
        ff_pq_codec codec = all_codecs[codec_idx];
        /* No bytes in, no bytes out: fine without the library. */
        EXPECT_OK(ff_codec_decompress(ctx, codec, NULL, 0, NULL, 0, &err), &err);
        /* A non-empty frame of empty content (zstd writes one) must decode to 0 bytes. */
        ff_buf buf;
        ff_buf_init(&buf, 0);
        EXPECT_OK(ff_codec_compress(ctx, codec, -1, NULL, 0, &buf, &err), &err);
        if (codec != FF_CODEC_UNCOMPRESSED)
            EXPECT_TRUE(buf.len > 0);
        EXPECT_OK(ff_codec_decompress(ctx, codec, buf.data, buf.len, NULL, 0, &err), &err);
        uint8_t one;
        if (codec != FF_CODEC_UNCOMPRESSED) {
            EXPECT_STATUS(ff_codec_decompress(ctx, codec, buf.data, buf.len, &one, 1, &err),
                          FF_ERR_CORRUPT);
            EXPECT_STATUS(ff_codec_decompress(ctx, codec, NULL, 0, &one, 1, &err), FF_ERR_CORRUPT);
        }
        ff_buf_free(&buf);
    }
    ff_codec_ctx_free(ctx);
}

FF_TEST(codec_garbage_input) {
    ff_codec_ctx *ctx = NULL;
    ff_error err;
    EXPECT_OK(ff_codec_ctx_create(&ctx, &err), &err);
    uint8_t garbage[512];
    uint64_t state = 12345;
    uint8_t *out = malloc(1 << 16);
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof garbage; i++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            garbage[i] = (uint8_t)(state >> 56);
        }
        for (size_t codec_idx = 1; codec_idx < NUM_CODECS; codec_idx++) {
            size_t len = (size_t)(state >> 8) % sizeof garbage + 1;
            size_t out_len = (size_t)(state >> 20) % (1 << 16);
            ff_status status =
                ff_codec_decompress(ctx, all_codecs[codec_idx], garbage, len, out, out_len, &err);
            EXPECT_TRUE(status == FF_ERR_CORRUPT || status == FF_OK);
        }
    }
    free(out);
    ff_codec_ctx_free(ctx);
}

FF_TEST(codec_unsupported_and_names) {
    ff_codec_ctx *ctx = NULL;
    ff_error err;
    EXPECT_OK(ff_codec_ctx_create(&ctx, &err), &err);
    uint8_t byte = 0;
    EXPECT_STATUS(ff_codec_decompress(ctx, FF_CODEC_LZO, &byte, 1, &byte, 1, &err),
                  FF_ERR_UNSUPPORTED);
    EXPECT_EQ_STR(err.message, "LZO compression is not supported");
    EXPECT_STATUS(ff_codec_decompress(ctx, 42, &byte, 1, &byte, 1, &err), FF_ERR_UNSUPPORTED);
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_STATUS(ff_codec_compress(ctx, FF_CODEC_LZO, -1, &byte, 1, &buf, &err),
                  FF_ERR_UNSUPPORTED);
    ff_buf_free(&buf);
    EXPECT_EQ_STR(ff_codec_name(FF_CODEC_ZSTD), "ZSTD");
    EXPECT_EQ_STR(ff_codec_name(FF_CODEC_LZ4_RAW), "LZ4_RAW");
    EXPECT_TRUE(ff_codec_name(8) == NULL);
    EXPECT_TRUE(ff_codec_name(-1) == NULL);
    ff_codec_ctx_free(ctx);
    ff_codec_ctx_free(NULL);
}

FF_TEST(codec_parse_strings) {
    static const struct {
        const char *text;
        ff_pq_codec codec;
        int level;
    } good[] = {{"zstd", FF_CODEC_ZSTD, -1},
                {"ZSTD:9", FF_CODEC_ZSTD, 9},
                {"snappy", FF_CODEC_SNAPPY, -1},
                {"gzip:6", FF_CODEC_GZIP, 6},
                {"lz4_raw", FF_CODEC_LZ4_RAW, -1},
                {"brotli:5", FF_CODEC_BROTLI, 5},
                {"none", FF_CODEC_UNCOMPRESSED, -1},
                {"Uncompressed", FF_CODEC_UNCOMPRESSED, -1},
                {"lz4", FF_CODEC_LZ4, -1}};
    ff_error err;
    for (size_t idx = 0; idx < sizeof good / sizeof good[0]; idx++) {
        ff_pq_codec codec = FF_CODEC_UNCOMPRESSED;
        int level = 0;
        EXPECT_OK(ff_codec_parse(good[idx].text, &codec, &level, &err), &err);
        EXPECT_EQ_INT(codec, good[idx].codec);
        EXPECT_EQ_INT(level, good[idx].level);
    }
    static const char *const bad[] = {"zip",      "zstd:", "zstd:x",  "zstd:23",         "gzip:10",
                                      "snappy:1", "",      "zstd:-1", "zstd:99999999999"};
    for (size_t idx = 0; idx < sizeof bad / sizeof bad[0]; idx++) {
        ff_pq_codec codec;
        int level;
        EXPECT_STATUS(ff_codec_parse(bad[idx], &codec, &level, &err), FF_ERR_INVALID_ARGUMENT);
    }
    ff_pq_codec codec;
    int level;
    EXPECT_STATUS(ff_codec_parse("lzo", &codec, &level, &err), FF_ERR_UNSUPPORTED);
}

FF_TEST(crc32_check_value) {
    EXPECT_EQ_U64(ff_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
    EXPECT_EQ_U64(ff_crc32(NULL, 0), 0);
}

FF_TEST_MAIN(FF_CASE(codec_round_trips), FF_CASE(codec_levels),
             FF_CASE(lz4_hadoop_framing_and_raw_fallback),
             FF_CASE(gzip_concatenated_members_and_zlib), FF_CASE(zero_length_pages),
             FF_CASE(codec_garbage_input), FF_CASE(codec_unsupported_and_names),
             FF_CASE(codec_parse_strings), FF_CASE(crc32_check_value))
