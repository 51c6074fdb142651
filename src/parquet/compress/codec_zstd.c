/* ZSTD page compression with contexts reused from page to page. Decompression accepts any
 * number of concatenated frames (and skippable frames), as ZSTD_decompressDCtx does; a frame
 * whose content is empty is a valid payload for a zero-byte page. */
#include "parquet/compress/codec_internal.h"

#include "util/check.h"

ff_status ff_codec_zstd_decompress(ff_codec_ctx *ctx, const uint8_t *src, size_t src_len,
                                   uint8_t *dst, size_t dst_len, ff_error *err) {
    if (!ctx->zstd_dctx) {
        ctx->zstd_dctx = ZSTD_createDCtx();
        FF_RETURN_ERROR_IF(!ctx->zstd_dctx, err, FF_ERR_NO_MEMORY, "cannot create a ZSTD context");
    }
    uint8_t dummy;
    size_t produced =
        ZSTD_decompressDCtx(ctx->zstd_dctx, dst_len ? dst : &dummy, dst_len, src, src_len);
    FF_RETURN_ERROR_IF(ZSTD_isError(produced), err, FF_ERR_CORRUPT, "ZSTD: %s",
                       ZSTD_getErrorName(produced));
    FF_RETURN_ERROR_IF(produced != dst_len, err, FF_ERR_CORRUPT,
                       "ZSTD data decompressed to %zu bytes, expected %zu", produced, dst_len);
    return FF_OK;
}

ff_status ff_codec_zstd_compress(ff_codec_ctx *ctx, int level, const uint8_t *src, size_t src_len,
                                 ff_buf *out, ff_error *err) {
    if (!ctx->zstd_cctx) {
        ctx->zstd_cctx = ZSTD_createCCtx();
        FF_RETURN_ERROR_IF(!ctx->zstd_cctx, err, FF_ERR_NO_MEMORY, "cannot create a ZSTD context");
    }
    size_t bound = ZSTD_compressBound(src_len);
    FF_RETURN_ERROR_IF(ZSTD_isError(bound), err, FF_ERR_LIMIT, "ZSTD page too large");
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, bound, err));
    size_t produced =
        ZSTD_compressCCtx(ctx->zstd_cctx, out->data + out->len, bound, src, src_len, level);
    FF_RETURN_ERROR_IF(ZSTD_isError(produced), err, FF_ERR_INTERNAL, "ZSTD: %s",
                       ZSTD_getErrorName(produced));
    out->len += produced;
    return FF_OK;
}
