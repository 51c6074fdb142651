/* BROTLI page compression through the one-shot libbrotli calls (the library keeps no state
 * worth reusing between pages). Default quality 4 with the library's default 4 MiB window;
 * see codec_internal.h for why. */
#include "parquet/compress/codec_internal.h"

#include "util/check.h"

#include <brotli/decode.h>
#include <brotli/encode.h>

ff_status ff_codec_brotli_decompress(const uint8_t *src, size_t src_len, uint8_t *dst,
                                     size_t dst_len, ff_error *err) {
    uint8_t dummy;
    size_t produced = dst_len;
    BrotliDecoderResult result =
        BrotliDecoderDecompress(src_len, src, &produced, dst_len ? dst : &dummy);
    FF_RETURN_ERROR_IF(result != BROTLI_DECODER_RESULT_SUCCESS, err, FF_ERR_CORRUPT,
                       "BROTLI: corrupt compressed data or more than %zu bytes", dst_len);
    FF_RETURN_ERROR_IF(produced != dst_len, err, FF_ERR_CORRUPT,
                       "BROTLI data decompressed to %zu bytes, expected %zu", produced, dst_len);
    return FF_OK;
}

ff_status ff_codec_brotli_compress(int level, const uint8_t *src, size_t src_len, ff_buf *out,
                                   ff_error *err) {
    size_t bound = BrotliEncoderMaxCompressedSize(src_len);
    FF_RETURN_ERROR_IF(bound == 0 && src_len > 0, err, FF_ERR_LIMIT, "BROTLI page too large");
    if (bound < 16)
        bound = 16;
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, bound, err));
    size_t produced = bound;
    uint8_t dummy = 0;
    BROTLI_BOOL ok =
        BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, src_len,
                              src_len ? src : &dummy, &produced, out->data + out->len);
    FF_RETURN_ERROR_IF(!ok, err, FF_ERR_INTERNAL, "BROTLI compression failed");
    out->len += produced;
    return FF_OK;
}
