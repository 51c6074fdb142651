/* SNAPPY page compression through libsnappy's C API. Parquet stores a bare snappy block (no
 * framing format); its length header must agree with the page's uncompressed size before
 * anything is decoded. */
#include "parquet/compress/codec_internal.h"

#include "util/check.h"

#include <snappy-c.h>

ff_status ff_codec_snappy_decompress(const uint8_t *src, size_t src_len, uint8_t *dst,
                                     size_t dst_len, ff_error *err) {
    size_t expected = 0;
    FF_RETURN_ERROR_IF(snappy_uncompressed_length((const char *)src, src_len, &expected) !=
                           SNAPPY_OK,
                       err, FF_ERR_CORRUPT, "SNAPPY: bad length header");
    FF_RETURN_ERROR_IF(expected != dst_len, err, FF_ERR_CORRUPT,
                       "SNAPPY data decompresses to %zu bytes, expected %zu", expected, dst_len);
    char dummy;
    size_t produced = dst_len;
    FF_RETURN_ERROR_IF(snappy_uncompress((const char *)src, src_len, dst_len ? (char *)dst : &dummy,
                                         &produced) != SNAPPY_OK,
                       err, FF_ERR_CORRUPT, "SNAPPY: corrupt compressed data");
    FF_RETURN_ERROR_IF(produced != dst_len, err, FF_ERR_CORRUPT,
                       "SNAPPY data decompressed to %zu bytes, expected %zu", produced, dst_len);
    return FF_OK;
}

ff_status ff_codec_snappy_compress(const uint8_t *src, size_t src_len, ff_buf *out, ff_error *err) {
    size_t bound = snappy_max_compressed_length(src_len);
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, bound, err));
    size_t produced = bound;
    char dummy = 0;
    FF_RETURN_ERROR_IF(snappy_compress(src_len ? (const char *)src : &dummy, src_len,
                                       (char *)out->data + out->len, &produced) != SNAPPY_OK,
                       err, FF_ERR_INTERNAL, "SNAPPY compression failed");
    out->len += produced;
    return FF_OK;
}
