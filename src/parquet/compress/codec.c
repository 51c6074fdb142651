/* Codec dispatch (DESIGN.md §4): the codec context, codec names and CLI parsing, the
 * UNCOMPRESSED pass-through, and the page CRC. Each real codec family has its own file
 * (codec_snappy.c, codec_gzip.c, codec_zstd.c, codec_lz4.c, codec_brotli.c). LZO is
 * recognised and refused: no maintained writer produces it and no system library is linked.
 *
 * Levels: ZSTD 1..22 (default 3), GZIP 0..9 (default 6), BROTLI 0..11 (default 4, see
 * codec_internal.h), LZ4 and LZ4_RAW 1..12 (1, the default, is the fast compressor; 2 and
 * above select LZ4HC at that level; either way readers see ordinary LZ4 blocks). SNAPPY and
 * UNCOMPRESSED take no level. */
#include "parquet/compress/codec_internal.h"

#include "util/check.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

ff_status ff_codec_ctx_create(ff_codec_ctx **out, ff_error *err) {
    *out = ff_calloc(1, sizeof **out, "codec context", err);
    return *out ? FF_OK : FF_ERR_NO_MEMORY;
}

void ff_codec_ctx_free(ff_codec_ctx *ctx) {
    if (!ctx)
        return;
    ZSTD_freeDCtx(ctx->zstd_dctx);
    ZSTD_freeCCtx(ctx->zstd_cctx);
    ff_codec_gzip_release(ctx);
    free(ctx->lz4_state);
    free(ctx);
}

static const char *const codec_names[] = {
    "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW",
};

const char *ff_codec_name(int32_t codec) {
    if (codec < 0 || codec >= (int32_t)(sizeof codec_names / sizeof codec_names[0]))
        return NULL;
    return codec_names[codec];
}

typedef struct codec_spelling {
    const char *name;
    ff_pq_codec codec;
    int min_level, max_level; /* max_level < 0: no level accepted */
} codec_spelling;

static const codec_spelling codec_spellings[] = {
    {"none", FF_CODEC_UNCOMPRESSED, 0, -1}, {"uncompressed", FF_CODEC_UNCOMPRESSED, 0, -1},
    {"snappy", FF_CODEC_SNAPPY, 0, -1},     {"gzip", FF_CODEC_GZIP, 0, 9},
    {"zstd", FF_CODEC_ZSTD, 1, 22},         {"lz4", FF_CODEC_LZ4, 1, 12},
    {"lz4_raw", FF_CODEC_LZ4_RAW, 1, 12},   {"lz4-raw", FF_CODEC_LZ4_RAW, 1, 12},
    {"brotli", FF_CODEC_BROTLI, 0, 11},     {"lzo", FF_CODEC_LZO, 0, -1},
};

static const codec_spelling *codec_spelling_of(int32_t codec) {
    for (size_t idx = 0; idx < sizeof codec_spellings / sizeof codec_spellings[0]; idx++)
        if ((int32_t)codec_spellings[idx].codec == codec)
            return &codec_spellings[idx];
    return NULL;
}

ff_status ff_codec_parse(const char *text, ff_pq_codec *codec, int *level, ff_error *err) {
    const char *colon = strchr(text, ':');
    size_t name_len = colon ? (size_t)(colon - text) : strlen(text);
    const codec_spelling *found = NULL;
    for (size_t idx = 0; idx < sizeof codec_spellings / sizeof codec_spellings[0]; idx++) {
        const codec_spelling *candidate = &codec_spellings[idx];
        if (strlen(candidate->name) == name_len &&
            strncasecmp(candidate->name, text, name_len) == 0) {
            found = candidate;
            break;
        }
    }
    FF_RETURN_ERROR_IF(!found, err, FF_ERR_INVALID_ARGUMENT,
                       "unknown compression '%.*s' (expected none, snappy, gzip, zstd, lz4, "
                       "lz4_raw or brotli)",
                       (int)name_len, text);
    FF_RETURN_ERROR_IF(found->codec == FF_CODEC_LZO, err, FF_ERR_UNSUPPORTED,
                       "LZO compression is not supported");
    int parsed_level = -1;
    if (colon) {
        const char *digits = colon + 1;
        FF_RETURN_ERROR_IF(found->max_level < 0, err, FF_ERR_INVALID_ARGUMENT,
                           "compression '%s' takes no level", found->name);
        FF_RETURN_ERROR_IF(*digits == '\0', err, FF_ERR_INVALID_ARGUMENT,
                           "missing level after '%s:'", found->name);
        long value = 0;
        for (const char *p = digits; *p; p++) {
            FF_RETURN_ERROR_IF(*p < '0' || *p > '9' || value > 1000, err, FF_ERR_INVALID_ARGUMENT,
                               "bad compression level '%s'", digits);
            value = value * 10 + (*p - '0');
        }
        FF_RETURN_ERROR_IF(value < found->min_level || value > found->max_level, err,
                           FF_ERR_INVALID_ARGUMENT, "%s level %ld is outside %d..%d", found->name,
                           value, found->min_level, found->max_level);
        parsed_level = (int)value;
    }
    *codec = found->codec;
    *level = parsed_level;
    return FF_OK;
}

ff_status ff_codec_decompress(ff_codec_ctx *ctx, int32_t codec, const uint8_t *src, size_t src_len,
                              uint8_t *dst, size_t dst_len, ff_error *err) {
    switch (codec) {
    case FF_CODEC_UNCOMPRESSED:
        FF_RETURN_ERROR_IF(src_len != dst_len, err, FF_ERR_CORRUPT,
                           "uncompressed page holds %zu bytes, expected %zu", src_len, dst_len);
        if (dst_len)
            memcpy(dst, src, dst_len);
        return FF_OK;
    case FF_CODEC_LZO:
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "LZO compression is not supported");
    case FF_CODEC_SNAPPY:
    case FF_CODEC_GZIP:
    case FF_CODEC_BROTLI:
    case FF_CODEC_LZ4:
    case FF_CODEC_ZSTD:
    case FF_CODEC_LZ4_RAW:
        break;
    default:
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "unknown compression codec %d", codec);
    }
    if (src_len == 0) {
        /* Nothing to run the library on; only an empty page is consistent with that. */
        FF_RETURN_ERROR_IF(dst_len != 0, err, FF_ERR_CORRUPT,
                           "%s: empty compressed data cannot hold %zu bytes", ff_codec_name(codec),
                           dst_len);
        return FF_OK;
    }
    ff_status status;
    switch (codec) {
    case FF_CODEC_SNAPPY:
        status = ff_codec_snappy_decompress(src, src_len, dst, dst_len, err);
        break;
    case FF_CODEC_GZIP:
        status = ff_codec_gzip_decompress(ctx, src, src_len, dst, dst_len, err);
        break;
    case FF_CODEC_BROTLI:
        status = ff_codec_brotli_decompress(src, src_len, dst, dst_len, err);
        break;
    case FF_CODEC_LZ4:
    case FF_CODEC_LZ4_RAW:
        status = ff_codec_lz4_decompress(codec == FF_CODEC_LZ4, src, src_len, dst, dst_len, err);
        break;
    default:
        status = ff_codec_zstd_decompress(ctx, src, src_len, dst, dst_len, err);
        break;
    }
    return status;
}

ff_status ff_codec_compress(ff_codec_ctx *ctx, int32_t codec, int level, const uint8_t *src,
                            size_t src_len, ff_buf *out, ff_error *err) {
    const codec_spelling *spelling = codec_spelling_of(codec);
    FF_RETURN_ERROR_IF(!spelling, err, FF_ERR_INVALID_ARGUMENT, "unknown compression codec %d",
                       codec);
    FF_RETURN_ERROR_IF(codec == FF_CODEC_LZO, err, FF_ERR_UNSUPPORTED,
                       "LZO compression is not supported");
    FF_RETURN_ERROR_IF(level != -1 && (spelling->max_level < 0 || level < spelling->min_level ||
                                       level > spelling->max_level),
                       err, FF_ERR_INVALID_ARGUMENT, "%s level %d is not supported",
                       ff_codec_name(codec), level);
    switch (codec) {
    case FF_CODEC_UNCOMPRESSED:
        return ff_buf_append(out, src, src_len, err);
    case FF_CODEC_SNAPPY:
        return ff_codec_snappy_compress(src, src_len, out, err);
    case FF_CODEC_GZIP:
        return ff_codec_gzip_compress(ctx, level < 0 ? FF_CODEC_GZIP_DEFAULT_LEVEL : level, src,
                                      src_len, out, err);
    case FF_CODEC_BROTLI:
        return ff_codec_brotli_compress(level < 0 ? FF_CODEC_BROTLI_DEFAULT_LEVEL : level, src,
                                        src_len, out, err);
    case FF_CODEC_LZ4:
    case FF_CODEC_LZ4_RAW:
        return ff_codec_lz4_compress(ctx, codec == FF_CODEC_LZ4, level, src, src_len, out, err);
    default:
        return ff_codec_zstd_compress(ctx, level < 0 ? FF_CODEC_ZSTD_DEFAULT_LEVEL : level, src,
                                      src_len, out, err);
    }
}

uint32_t ff_crc32(const uint8_t *data, size_t len) {
    uLong crc = crc32(0L, Z_NULL, 0);
    /* zlib takes 32-bit lengths. */
    while (len > 0) {
        uInt chunk = len > (1u << 30) ? (1u << 30) : (uInt)len;
        crc = crc32(crc, data, chunk);
        data += chunk;
        len -= chunk;
    }
    return (uint32_t)crc;
}
