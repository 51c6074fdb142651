/* LZ4 and LZ4_RAW page compression.
 *
 * LZ4_RAW is a bare LZ4 block. The deprecated LZ4 codec is the Hadoop framing: a sequence of
 * [4-byte big-endian uncompressed size][4-byte big-endian compressed size][LZ4 block], which
 * parquet-mr and Arrow write (Arrow as one frame per page). Old parquet-cpp wrote bare blocks
 * under the same codec id, so a payload that does not parse exactly as Hadoop frames (sizes
 * consistent, every block decoding to its stated size, input and output used up) is decoded
 * again as a bare block. Writing always uses the Hadoop framing with a single frame. */
#include "parquet/compress/codec_internal.h"

#include "util/bytes.h"
#include "util/check.h"

#include <limits.h>
#include <lz4.h>
#include <lz4hc.h>
#include <stdlib.h>

/* True when src is a well-formed sequence of Hadoop frames that fills dst exactly. */
static bool lz4_try_hadoop(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len) {
    size_t in_pos = 0, out_pos = 0;
    uint8_t dummy;
    while (src_len - in_pos >= 8) {
        uint32_t frame_out = ff_load_be32(src + in_pos);
        uint32_t frame_in = ff_load_be32(src + in_pos + 4);
        in_pos += 8;
        if (frame_in > src_len - in_pos || frame_out > dst_len - out_pos || frame_in > INT_MAX ||
            frame_out > INT_MAX)
            return false;
        int produced = LZ4_decompress_safe((const char *)src + in_pos,
                                           frame_out ? (char *)dst + out_pos : (char *)&dummy,
                                           (int)frame_in, (int)frame_out);
        if (produced < 0 || (uint32_t)produced != frame_out)
            return false;
        in_pos += frame_in;
        out_pos += frame_out;
    }
    return in_pos == src_len && out_pos == dst_len;
}

ff_status ff_codec_lz4_decompress(bool is_hadoop, const uint8_t *src, size_t src_len, uint8_t *dst,
                                  size_t dst_len, ff_error *err) {
    if (is_hadoop && lz4_try_hadoop(src, src_len, dst, dst_len))
        return FF_OK;
    const char *name = is_hadoop ? "LZ4" : "LZ4_RAW";
    FF_RETURN_ERROR_IF(src_len > INT_MAX || dst_len > INT_MAX, err, FF_ERR_LIMIT,
                       "%s page larger than 2 GiB", name);
    uint8_t dummy;
    int produced = LZ4_decompress_safe((const char *)src, dst_len ? (char *)dst : (char *)&dummy,
                                       (int)src_len, (int)dst_len);
    FF_RETURN_ERROR_IF(produced < 0, err, FF_ERR_CORRUPT, "%s: corrupt compressed data", name);
    FF_RETURN_ERROR_IF((size_t)produced != dst_len, err, FF_ERR_CORRUPT,
                       "%s data decompressed to %d bytes, expected %zu", name, produced, dst_len);
    return FF_OK;
}

ff_status ff_codec_lz4_compress(ff_codec_ctx *ctx, bool is_hadoop, int level, const uint8_t *src,
                                size_t src_len, ff_buf *out, ff_error *err) {
    FF_RETURN_ERROR_IF(src_len > LZ4_MAX_INPUT_SIZE, err, FF_ERR_LIMIT,
                       "LZ4 page of %zu bytes is too large", src_len);
    int bound = LZ4_compressBound((int)src_len);
    size_t header = is_hadoop ? 8 : 0;
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, header + (size_t)bound, err));
    char *dst = (char *)out->data + out->len + header;
    char dummy = 0;
    const char *input = src_len ? (const char *)src : &dummy;
    int produced;
    if (level >= 2) {
        produced = LZ4_compress_HC(input, dst, (int)src_len, bound, level);
    } else {
        if (!ctx->lz4_state) {
            ctx->lz4_state = ff_malloc((size_t)LZ4_sizeofState(), "LZ4 state", err);
            if (!ctx->lz4_state)
                return FF_ERR_NO_MEMORY;
        }
        produced = LZ4_compress_fast_extState(ctx->lz4_state, input, dst, (int)src_len, bound, 1);
    }
    FF_RETURN_ERROR_IF(produced <= 0, err, FF_ERR_INTERNAL, "LZ4 compression failed");
    if (is_hadoop) {
        uint8_t *frame = out->data + out->len;
        uint32_t sizes[2] = {(uint32_t)src_len, (uint32_t)produced};
        for (int idx = 0; idx < 2; idx++) {
            frame[4 * idx + 0] = (uint8_t)(sizes[idx] >> 24);
            frame[4 * idx + 1] = (uint8_t)(sizes[idx] >> 16);
            frame[4 * idx + 2] = (uint8_t)(sizes[idx] >> 8);
            frame[4 * idx + 3] = (uint8_t)sizes[idx];
        }
    }
    out->len += header + (size_t)produced;
    return FF_OK;
}
