/* GZIP page compression through zlib. Output is a single gzip member (RFC 1952), which is
 * what parquet-mr, Arrow and others write. Input may be gzip or zlib (RFC 1950): zlib's
 * header auto-detection handles both, as some writers emitted zlib streams under this codec.
 * Concatenated gzip members (written by tools that compress in chunks) are decoded one after
 * another into the same output. The z_streams live in the codec context and are reset, not
 * reallocated, between pages. */
#include "parquet/compress/codec_internal.h"

#include "util/check.h"

#include <limits.h>
#include <string.h>

void ff_codec_gzip_release(ff_codec_ctx *ctx) {
    if (ctx->has_inflater)
        inflateEnd(&ctx->inflater);
    if (ctx->has_deflater)
        deflateEnd(&ctx->deflater);
    ctx->has_inflater = false;
    ctx->has_deflater = false;
}

ff_status ff_codec_gzip_decompress(ff_codec_ctx *ctx, const uint8_t *src, size_t src_len,
                                   uint8_t *dst, size_t dst_len, ff_error *err) {
    FF_RETURN_ERROR_IF(src_len > UINT_MAX || dst_len > UINT_MAX, err, FF_ERR_LIMIT,
                       "GZIP page larger than 4 GiB");
    z_stream *zs = &ctx->inflater;
    if (!ctx->has_inflater) {
        memset(zs, 0, sizeof *zs);
        /* 15 window bits, +32: detect a gzip or zlib header automatically. */
        FF_RETURN_ERROR_IF(inflateInit2(zs, 15 + 32) != Z_OK, err, FF_ERR_NO_MEMORY,
                           "GZIP: cannot initialise zlib");
        ctx->has_inflater = true;
    } else {
        inflateReset(zs);
    }
    uint8_t dummy;
    zs->next_in = (Bytef *)src;
    zs->avail_in = (uInt)src_len;
    zs->next_out = dst_len ? dst : &dummy;
    zs->avail_out = (uInt)dst_len;
    for (;;) {
        int ret = inflate(zs, Z_NO_FLUSH);
        if (ret == Z_STREAM_END) {
            if (zs->avail_in == 0)
                break;
            /* Another gzip member follows. */
            inflateReset(zs);
            continue;
        }
        if (ret == Z_OK)
            continue;
        if (ret == Z_BUF_ERROR) {
            FF_RETURN_ERROR_IF(zs->avail_out == 0, err, FF_ERR_CORRUPT,
                               "GZIP data decompresses to more than %zu bytes", dst_len);
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "GZIP data is truncated after %zu of %zu bytes",
                                dst_len - zs->avail_out, dst_len);
        }
        return ff_error_set(err, FF_ERR_CORRUPT, "GZIP: %s",
                            zs->msg ? zs->msg : "corrupt compressed data");
    }
    FF_RETURN_ERROR_IF(zs->avail_out != 0, err, FF_ERR_CORRUPT,
                       "GZIP data decompressed to %zu bytes, expected %zu", dst_len - zs->avail_out,
                       dst_len);
    return FF_OK;
}

ff_status ff_codec_gzip_compress(ff_codec_ctx *ctx, int level, const uint8_t *src, size_t src_len,
                                 ff_buf *out, ff_error *err) {
    FF_RETURN_ERROR_IF(src_len > UINT_MAX / 2, err, FF_ERR_LIMIT, "GZIP page larger than 2 GiB");
    z_stream *zs = &ctx->deflater;
    if (ctx->has_deflater && ctx->deflater_level != level) {
        deflateEnd(zs);
        ctx->has_deflater = false;
    }
    if (!ctx->has_deflater) {
        memset(zs, 0, sizeof *zs);
        /* 15 window bits, +16: write a gzip header and trailer. */
        FF_RETURN_ERROR_IF(deflateInit2(zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
                               Z_OK,
                           err, FF_ERR_NO_MEMORY, "GZIP: cannot initialise zlib");
        ctx->has_deflater = true;
        ctx->deflater_level = level;
    } else {
        deflateReset(zs);
    }
    uLong bound = deflateBound(zs, (uLong)src_len);
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, bound, err));
    uint8_t dummy = 0;
    zs->next_in = src_len ? (Bytef *)src : &dummy;
    zs->avail_in = (uInt)src_len;
    zs->next_out = out->data + out->len;
    zs->avail_out = (uInt)bound;
    int ret = deflate(zs, Z_FINISH);
    FF_RETURN_ERROR_IF(ret != Z_STREAM_END, err, FF_ERR_INTERNAL, "GZIP compression failed (%d)",
                       ret);
    out->len += bound - zs->avail_out;
    return FF_OK;
}
