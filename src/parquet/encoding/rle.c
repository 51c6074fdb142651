/* The RLE/bit-packed hybrid encoding (Encodings.md, "Run Length Encoding / Bit-Packing
 * Hybrid") for levels, dictionary indices and RLE booleans, and the deprecated BIT_PACKED
 * level encoding.
 *
 * Hybrid layout: a sequence of runs, each opening with a ULEB128 varint header.
 *   - header & 1 == 0: an RLE run of (header >> 1) copies of one value, stored in
 *     ceil(bit_width / 8) little-endian bytes.
 *   - header & 1 == 1: a bit-packed run of (header >> 1) groups of 8 values, packed LSB first
 *     at bit_width bits each, so (header >> 1) * bit_width bytes. The last group of a stream
 *     may be padded; the reader knows how many values it wants.
 * The 4-byte length prefix (data page v1 levels, RLE booleans) and the 1-byte bit width
 * (dictionary indices) are framing that callers strip before handing bytes here.
 *
 * BIT_PACKED (deprecated, levels only) has no runs: n values packed MSB first, the first
 * value in the high bits of byte 0, ceil(n * bit_width / 8) bytes in all.
 *
 * Reading is lenient where writers are known to differ and strict where memory is at stake:
 * a final bit-packed run whose bytes stop short is accepted for the values its bytes do hold,
 * while every value handed out is backed by input bytes. */
#include "parquet/encoding/encoding.h"

#include "parquet/encoding/bit_packing.h"
#include "util/bytes.h"
#include "util/check.h"

#include <string.h>

ff_status ff_rle_decoder_init(ff_rle_decoder *dec, const uint8_t *data, size_t len, int bit_width,
                              ff_error *err) {
    memset(dec, 0, sizeof *dec);
    FF_RETURN_ERROR_IF(bit_width < 0 || bit_width > 32, err, FF_ERR_CORRUPT,
                       "RLE bit width %d is outside 0..32", bit_width);
    dec->pos = data;
    dec->end = data + len;
    dec->bit_width = bit_width;
    return FF_OK;
}

/* Reads the next run header and sets up the run. Zero-length runs are legal and simply
 * lead to the next header. */
static ff_status rle_next_run(ff_rle_decoder *dec, ff_error *err) {
    uint64_t header = 0;
    int shift = 0;
    for (;;) {
        FF_RETURN_ERROR_IF(dec->pos >= dec->end, err, FF_ERR_CORRUPT,
                           "RLE data ends before all values were read");
        uint8_t byte = *dec->pos++;
        FF_RETURN_ERROR_IF(shift == 63 && (byte & 0x7e), err, FF_ERR_CORRUPT,
                           "RLE run header overflows 64 bits");
        header |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            break;
        shift += 7;
        FF_RETURN_ERROR_IF(shift > 63, err, FF_ERR_CORRUPT,
                           "RLE run header is longer than 10 bytes");
    }
    const int bw = dec->bit_width;
    size_t avail = (size_t)(dec->end - dec->pos);
    if (header & 1) {
        uint64_t groups = header >> 1;
        FF_RETURN_ERROR_IF(groups > UINT32_MAX / 8, err, FF_ERR_CORRUPT,
                           "bit-packed run of %llu groups is too long", (unsigned long long)groups);
        uint64_t count = groups * 8;
        uint64_t run_bytes = groups * (uint64_t)bw;
        if (run_bytes > avail) {
            /* A truncated final run: hand out only the values whose bits are present. */
            count = (uint64_t)avail * 8 / (uint64_t)bw;
            run_bytes = avail;
            FF_RETURN_ERROR_IF(count == 0, err, FF_ERR_CORRUPT,
                               "bit-packed run of %llu values needs %llu bytes but %zu remain",
                               (unsigned long long)(groups * 8),
                               (unsigned long long)(groups * (uint64_t)bw), avail);
        }
        dec->run_is_literal = true;
        dec->run_remaining = (uint32_t)count;
        dec->literal_pos = dec->pos;
        dec->literal_buffered = 0;
        dec->pos += run_bytes;
    } else {
        uint64_t count = header >> 1;
        FF_RETURN_ERROR_IF(count > UINT32_MAX, err, FF_ERR_CORRUPT,
                           "RLE run of %llu values is too long", (unsigned long long)count);
        size_t value_bytes = (size_t)(bw + 7) / 8;
        FF_RETURN_ERROR_IF(value_bytes > avail, err, FF_ERR_CORRUPT,
                           "RLE run value needs %zu bytes but %zu remain", value_bytes, avail);
        uint32_t value = 0;
        for (size_t byte_idx = 0; byte_idx < value_bytes; byte_idx++)
            value |= (uint32_t)dec->pos[byte_idx] << (8 * byte_idx);
        FF_RETURN_ERROR_IF(bw < 32 && (value >> bw) != 0, err, FF_ERR_CORRUPT,
                           "RLE run value %u does not fit in bit width %d", value, bw);
        dec->pos += value_bytes;
        dec->run_is_literal = false;
        dec->run_remaining = (uint32_t)count;
        dec->run_value = value;
    }
    return FF_OK;
}

/* Unpacks 32 values starting at the current literal position. Reads 4*bit_width bytes when
 * the input has them, else a zero-padded copy of what is left (only values backed by real
 * bits are ever handed out, see rle_next_run). */
static void rle_unpack_from_literal(const ff_rle_decoder *dec, uint32_t *out) {
    size_t group_bytes = 4 * (size_t)dec->bit_width;
    size_t avail = (size_t)(dec->end - dec->literal_pos);
    if (avail >= group_bytes) {
        ff_unpack32_u32(dec->literal_pos, out, dec->bit_width);
        return;
    }
    uint8_t padded[4 * 32];
    memset(padded, 0, group_bytes);
    ff_enc_copy(padded, dec->literal_pos, avail);
    ff_unpack32_u32(padded, out, dec->bit_width);
}

static void rle_advance_literal(ff_rle_decoder *dec, size_t bytes) {
    size_t avail = (size_t)(dec->end - dec->literal_pos);
    dec->literal_pos += bytes < avail ? bytes : avail;
}

/* The shared decode loop: exactly one of out32 / out16 is non-NULL. Work is done a run or a
 * 32-value group at a time; the output type is chosen per run, never per value. */
static ff_status rle_decode(ff_rle_decoder *dec, uint32_t *out32, int16_t *out16, int64_t n,
                            ff_error *err) {
    const int bw = dec->bit_width;
    int64_t done = 0;
    while (done < n) {
        if (dec->run_remaining == 0) {
            dec->literal_buffered = 0;
            FF_FORWARD_IF_ERROR(rle_next_run(dec, err));
            continue;
        }
        int64_t want = n - done;
        if (!dec->run_is_literal) {
            int64_t take = want < (int64_t)dec->run_remaining ? want : (int64_t)dec->run_remaining;
            if (out32) {
                uint32_t value = dec->run_value;
                uint32_t *dst = out32 + done;
                for (int64_t i = 0; i < take; i++)
                    dst[i] = value;
            } else {
                int16_t value = (int16_t)dec->run_value;
                int16_t *dst = out16 + done;
                for (int64_t i = 0; i < take; i++)
                    dst[i] = value;
            }
            done += take;
            dec->run_remaining -= (uint32_t)take;
            continue;
        }
        if (dec->literal_buffered > 0) {
            int64_t take = dec->literal_buffered;
            if (take > (int64_t)dec->run_remaining)
                take = dec->run_remaining;
            if (take > want)
                take = want;
            const uint32_t *src = dec->literal_buffer + (8 - dec->literal_buffered);
            for (int64_t i = 0; i < take; i++) {
                if (out32)
                    out32[done + i] = src[i];
                else
                    out16[done + i] = (int16_t)src[i];
            }
            done += take;
            dec->literal_buffered -= (int)take;
            dec->run_remaining -= (uint32_t)take;
            continue;
        }
        /* Whole groups of 32 straight into the output; run_remaining >= 32 guarantees the
         * 4*bw bytes are inside the run. */
        while (want >= 32 && dec->run_remaining >= 32) {
            if (out32) {
                ff_unpack32_u32(dec->literal_pos, out32 + done, bw);
            } else {
                uint32_t tmp[32];
                ff_unpack32_u32(dec->literal_pos, tmp, bw);
                for (int i = 0; i < 32; i++)
                    out16[done + i] = (int16_t)tmp[i];
            }
            dec->literal_pos += 4 * (size_t)bw;
            done += 32;
            want -= 32;
            dec->run_remaining -= 32;
        }
        if (want > 0 && dec->run_remaining > 0) {
            /* A tail: unpack one group of 8 into the decoder's buffer. */
            uint32_t tmp[32];
            rle_unpack_from_literal(dec, tmp);
            memcpy(dec->literal_buffer, tmp, sizeof dec->literal_buffer);
            dec->literal_buffered = 8;
            rle_advance_literal(dec, (size_t)bw);
        }
    }
    return FF_OK;
}

ff_status ff_rle_decode_u32(ff_rle_decoder *dec, uint32_t *out, int64_t n, ff_error *err) {
    FF_RETURN_ERROR_IF(n < 0, err, FF_ERR_INVALID_ARGUMENT, "negative RLE value count");
    return rle_decode(dec, out, NULL, n, err);
}

ff_status ff_rle_decode_levels(ff_rle_decoder *dec, int16_t *out, int64_t n, ff_error *err) {
    FF_RETURN_ERROR_IF(n < 0, err, FF_ERR_INVALID_ARGUMENT, "negative RLE level count");
    /* A level is at most the nesting depth, so its bit width is far below 16; anything wider
     * could not round-trip through int16_t. */
    FF_RETURN_ERROR_IF(dec->bit_width > 15, err, FF_ERR_CORRUPT, "level bit width %d exceeds 15",
                       dec->bit_width);
    return rle_decode(dec, NULL, out, n, err);
}

ff_status ff_bit_packed_decode_levels(const uint8_t *data, size_t len, int bit_width, int16_t *out,
                                      int64_t n, ff_error *err) {
    FF_RETURN_ERROR_IF(bit_width < 0 || bit_width > 15, err, FF_ERR_CORRUPT,
                       "BIT_PACKED level bit width %d is outside 0..15", bit_width);
    FF_RETURN_ERROR_IF(n < 0, err, FF_ERR_INVALID_ARGUMENT, "negative level count");
    if (bit_width == 0) {
        for (int64_t i = 0; i < n; i++)
            out[i] = 0;
        return FF_OK;
    }
    /* n * bit_width bits must fit in len bytes; compare in bits without overflow. */
    FF_RETURN_ERROR_IF((uint64_t)n > ((uint64_t)len * 8) / (uint64_t)bit_width, err, FF_ERR_CORRUPT,
                       "BIT_PACKED levels: %lld values of %d bits need %llu bytes "
                       "but %zu remain",
                       (long long)n, bit_width,
                       (unsigned long long)(((uint64_t)n * (uint64_t)bit_width + 7) / 8), len);
    const uint32_t mask = (1u << bit_width) - 1u;
    uint64_t acc = 0;
    int bits = 0;
    const uint8_t *p = data;
    for (int64_t i = 0; i < n; i++) {
        while (bits < bit_width) {
            acc = (acc << 8) | *p++;
            bits += 8;
        }
        bits -= bit_width;
        out[i] = (int16_t)((acc >> bits) & mask);
    }
    return FF_OK;
}

/* ---- encoder ---- */

/* The encoder reads either uint32 values or int16 levels; one accessor keeps a single copy
 * of the run logic (the branch is the same for every value, so it predicts perfectly). */
typedef struct rle_input {
    const uint32_t *v32;
    const int16_t *v16;
} rle_input;

static inline uint32_t rle_get(const rle_input *in, int64_t idx) {
    return in->v32 ? in->v32[idx] : (uint32_t)(uint16_t)in->v16[idx];
}

/* Appends a bit-packed run of the values [start, start + count) where count is a multiple of
 * 8; values at or beyond `end` are zero padding (only at the end of the stream). */
static ff_status rle_put_literal(const rle_input *in, int64_t start, int64_t count, int64_t end,
                                 int bw, ff_buf *out, ff_error *err) {
    uint64_t groups = (uint64_t)count / 8;
    FF_FORWARD_IF_ERROR(ff_enc_put_uvarint(out, (groups << 1) | 1, err));
    size_t bytes = (size_t)groups * (size_t)bw;
    /* Packing works on 32-value groups; the slack absorbs the last one's unused bytes. */
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, bytes + 4 * 32, err));
    uint8_t *dst = out->data + out->len;
    for (int64_t idx = 0; idx < count; idx += 32) {
        uint32_t tmp[32];
        for (int i = 0; i < 32; i++) {
            int64_t pos = start + idx + i;
            tmp[i] = idx + i < count && pos < end ? rle_get(in, pos) : 0;
        }
        ff_pack32_u32(tmp, dst, bw);
        dst += 4 * (size_t)bw;
    }
    out->len += bytes;
    return FF_OK;
}

static ff_status rle_put_repeat(uint32_t value, int64_t count, int bw, ff_buf *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_enc_put_uvarint(out, (uint64_t)count << 1, err));
    size_t value_bytes = (size_t)(bw + 7) / 8;
    uint8_t bytes[4];
    for (size_t byte_idx = 0; byte_idx < value_bytes; byte_idx++)
        bytes[byte_idx] = (uint8_t)(value >> (8 * byte_idx));
    return ff_buf_append(out, bytes, value_bytes, err);
}

/* Runs of 8 or more equal values become RLE runs; everything else is gathered into bit-packed
 * runs. A bit-packed run must hold a multiple of 8 values unless it ends the stream, so a
 * pending literal stretch borrows values from the front of the following repeat to round up. */
static ff_status rle_encode(const rle_input *in, int64_t n, int bw, ff_buf *out, ff_error *err) {
    FF_RETURN_ERROR_IF(bw < 0 || bw > 32, err, FF_ERR_INVALID_ARGUMENT,
                       "RLE bit width %d is outside 0..32", bw);
    FF_RETURN_ERROR_IF(n < 0, err, FF_ERR_INVALID_ARGUMENT, "negative RLE value count");
    uint32_t all_bits = 0;
    for (int64_t i = 0; i < n; i++)
        all_bits |= rle_get(in, i);
    FF_RETURN_ERROR_IF(bw < 32 && (all_bits >> bw) != 0, err, FF_ERR_INVALID_ARGUMENT,
                       "RLE value does not fit in bit width %d", bw);
    int64_t literal_start = 0;
    int64_t idx = 0;
    while (idx < n) {
        uint32_t value = rle_get(in, idx);
        int64_t run_end = idx + 1;
        while (run_end < n && rle_get(in, run_end) == value)
            run_end++;
        int64_t run = run_end - idx;
        int64_t pending = idx - literal_start;
        int64_t borrow = (8 - pending % 8) % 8;
        if (run - borrow >= 8) {
            if (pending + borrow > 0)
                FF_FORWARD_IF_ERROR(
                    rle_put_literal(in, literal_start, pending + borrow, n, bw, out, err));
            FF_FORWARD_IF_ERROR(rle_put_repeat(value, run - borrow, bw, out, err));
            literal_start = run_end;
        }
        idx = run_end;
    }
    int64_t pending = n - literal_start;
    if (pending > 0)
        FF_FORWARD_IF_ERROR(
            rle_put_literal(in, literal_start, (pending + 7) / 8 * 8, n, bw, out, err));
    return FF_OK;
}

ff_status ff_rle_encode_u32(const uint32_t *values, int64_t n, int bit_width, ff_buf *out,
                            ff_error *err) {
    rle_input in = {values, NULL};
    return rle_encode(&in, n, bit_width, out, err);
}

ff_status ff_rle_encode_levels(const int16_t *levels, int64_t n, int bit_width, ff_buf *out,
                               ff_error *err) {
    for (int64_t i = 0; i < n; i++)
        FF_RETURN_ERROR_IF(levels[i] < 0, err, FF_ERR_INVALID_ARGUMENT, "negative level %d",
                           levels[i]);
    rle_input in = {NULL, levels};
    return rle_encode(&in, n, bit_width, out, err);
}
