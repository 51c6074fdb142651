/* The PLAIN encoding (Encodings.md, "Plain"), decoder and encoder.
 *
 * Layout per physical type, values back to back with no padding:
 *   BOOLEAN               bit-packed, LSB first: value i is bit i%8 of byte i/8
 *   INT32 / FLOAT         4 bytes little-endian
 *   INT64 / DOUBLE        8 bytes little-endian
 *   INT96                 12 bytes
 *   FIXED_LEN_BYTE_ARRAY  type_length bytes
 *   BYTE_ARRAY            4-byte little-endian length, then that many bytes
 * The vector layout (table.h) matches the fixed-width forms byte for byte, so those decode and
 * encode as one copy per call (per run of non-null slots on the write side). */
#include "parquet/encoding/encoding.h"

#include "parquet/encoding/bit_packing.h"
#include "util/bytes.h"
#include "util/check.h"

#include <string.h>

void ff_plain_decoder_init(ff_plain_decoder *dec, const uint8_t *data, size_t len) {
    dec->pos = data;
    dec->end = data + len;
    dec->bit_offset = 0;
}

static ff_status plain_decode_booleans(ff_plain_decoder *dec, int64_t n, ff_vector *out,
                                       ff_error *err) {
    size_t avail_bits = (size_t)(dec->end - dec->pos) * 8 - (size_t)dec->bit_offset;
    FF_RETURN_ERROR_IF((uint64_t)n > avail_bits, err, FF_ERR_CORRUPT,
                       "PLAIN BOOLEAN: %lld values need %lld bits but %zu remain", (long long)n,
                       (long long)n, avail_bits);
    FF_FORWARD_IF_ERROR(ff_vector_reserve(out, out->length + n, 0, false, err));
    uint8_t *dst = out->values + out->length;
    const uint8_t *src = dec->pos;
    int64_t bit = dec->bit_offset;
    int64_t idx = 0;
    /* Unaligned head, then whole bytes eight values at a time, then the tail. */
    for (; idx < n && (bit & 7); idx++, bit++)
        dst[idx] = (src[bit >> 3] >> (bit & 7)) & 1;
    for (; idx + 8 <= n; idx += 8, bit += 8) {
        uint8_t byte = src[bit >> 3];
        for (int k = 0; k < 8; k++)
            dst[idx + k] = (byte >> k) & 1;
    }
    for (; idx < n; idx++, bit++)
        dst[idx] = (src[bit >> 3] >> (bit & 7)) & 1;
    dec->pos += bit >> 3;
    dec->bit_offset = (int)(bit & 7);
    out->length += n;
    return FF_OK;
}

enum { PLAIN_COPY_SLACK = 16 };

/* One bounds check per value (the length prefix) and one memcpy per value. The values
 * buffer is reserved up front for everything the input could hold, so the loop never grows
 * it: n values need 4n length bytes, leaving at most remaining - 4n bytes of strings. */
static ff_status plain_decode_byte_arrays(ff_plain_decoder *dec, int64_t n, ff_vector *out,
                                          ff_error *err) {
    size_t avail = (size_t)(dec->end - dec->pos);
    FF_RETURN_ERROR_IF((uint64_t)n > avail / 4, err, FF_ERR_CORRUPT,
                       "PLAIN BYTE_ARRAY: %lld values need at least %llu bytes but %zu remain",
                       (long long)n, (unsigned long long)n * 4, avail);
    size_t max_bytes = avail - (size_t)n * 4;
    size_t values_cap;
    FF_RETURN_ERROR_IF(!ff_size_add(out->values_len, max_bytes + PLAIN_COPY_SLACK, &values_cap),
                       err, FF_ERR_LIMIT, "string buffer too large");
    FF_FORWARD_IF_ERROR(ff_vector_reserve(out, out->length + n, values_cap, false, err));
    const uint8_t *p = dec->pos;
    const uint8_t *end = dec->end;
    uint8_t *values = out->values;
    int64_t *offsets = out->offsets + out->length;
    int64_t cur = offsets[0];
    for (int64_t idx = 0; idx < n; idx++) {
        FF_RETURN_ERROR_IF((size_t)(end - p) < 4 * (size_t)(n - idx), err, FF_ERR_CORRUPT,
                           "PLAIN BYTE_ARRAY: value %lld: length prefix runs past the end",
                           (long long)idx);
        uint32_t value_len = ff_load_le32(p);
        p += 4;
        FF_RETURN_ERROR_IF(value_len > INT32_MAX, err, FF_ERR_CORRUPT,
                           "PLAIN BYTE_ARRAY: value %lld has negative length %d", (long long)idx,
                           (int32_t)value_len);
        /* The bytes left once the remaining values' length prefixes are set aside: this
         * keeps the copy inside both the input and the reserved values buffer. */
        size_t budget = (size_t)(end - p) - 4 * (size_t)(n - idx - 1);
        FF_RETURN_ERROR_IF(value_len > budget, err, FF_ERR_CORRUPT,
                           "PLAIN BYTE_ARRAY: value %lld of %u bytes runs past the end "
                           "(%zu remain)",
                           (long long)idx, value_len, (size_t)(end - p));
        /* Short values (the common case) are copied as one fixed 16-byte move when the
         * input has 16 bytes left; the excess lands in the slack reserved above and is
         * overwritten by the next value. */
        if (value_len <= PLAIN_COPY_SLACK && (size_t)(end - p) >= PLAIN_COPY_SLACK)
            memcpy(values + cur, p, PLAIN_COPY_SLACK);
        else
            ff_enc_copy(values + cur, p, value_len);
        p += value_len;
        cur += value_len;
        offsets[idx + 1] = cur;
    }
    dec->pos = p;
    out->length += n;
    out->values_len = (size_t)cur;
    return FF_OK;
}

ff_status ff_plain_decoder_next(ff_plain_decoder *dec, int64_t num_values, ff_vector *out,
                                ff_error *err) {
    FF_RETURN_ERROR_IF(num_values < 0, err, FF_ERR_INVALID_ARGUMENT, "negative value count");
    switch (out->type.physical) {
    case FF_PHYSICAL_BOOLEAN:
        return plain_decode_booleans(dec, num_values, out, err);
    case FF_PHYSICAL_BYTE_ARRAY:
        return plain_decode_byte_arrays(dec, num_values, out, err);
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_INT64:
    case FF_PHYSICAL_INT96:
    case FF_PHYSICAL_FLOAT:
    case FF_PHYSICAL_DOUBLE:
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
        break;
    default:
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "unknown physical type %d",
                            (int)out->type.physical);
    }
    int32_t width = ff_type_value_width(&out->type);
    FF_RETURN_ERROR_IF(width <= 0, err, FF_ERR_INVALID_ARGUMENT,
                       "FIXED_LEN_BYTE_ARRAY type_length %d is not positive", width);
    size_t avail = (size_t)(dec->end - dec->pos);
    FF_RETURN_ERROR_IF((uint64_t)num_values > avail / (size_t)width, err, FF_ERR_CORRUPT,
                       "PLAIN: %lld values of %d bytes need %llu bytes but %zu remain",
                       (long long)num_values, width,
                       (unsigned long long)num_values * (unsigned long long)width, avail);
    size_t bytes = (size_t)num_values * (size_t)width;
    FF_FORWARD_IF_ERROR(ff_vector_reserve(out, out->length + num_values, 0, false, err));
    ff_enc_copy(out->values + (size_t)out->length * (size_t)width, dec->pos, bytes);
    dec->pos += bytes;
    out->length += num_values;
    return FF_OK;
}

ff_status ff_plain_decode(const uint8_t *data, size_t len, int64_t num_values, ff_vector *out,
                          size_t *consumed, ff_error *err) {
    ff_plain_decoder dec;
    ff_plain_decoder_init(&dec, data, len);
    FF_FORWARD_IF_ERROR(ff_plain_decoder_next(&dec, num_values, out, err));
    if (consumed)
        *consumed = (size_t)(dec.pos - data) + (dec.bit_offset ? 1 : 0);
    return FF_OK;
}

/* ---- encoder ---- */

static ff_status plain_encode_booleans(const ff_vector *vec, int64_t offset, int64_t count,
                                       ff_buf *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, (size_t)count / 8 + 1, err));
    uint8_t *dst = out->data + out->len;
    uint8_t byte = 0;
    int bits = 0;
    size_t written = 0;
    int64_t end = offset + count;
    int64_t run_end;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        for (int64_t slot = idx; slot < run_end; slot++) {
            byte |= (uint8_t)((vec->values[slot] ? 1u : 0u) << bits);
            if (++bits == 8) {
                dst[written++] = byte;
                byte = 0;
                bits = 0;
            }
        }
    }
    if (bits)
        dst[written++] = byte;
    out->len += written;
    return FF_OK;
}

static ff_status plain_encode_byte_arrays(const ff_vector *vec, int64_t offset, int64_t count,
                                          ff_buf *out, ff_error *err) {
    int64_t end = offset + count;
    int64_t run_end;
    /* Size everything first so the buffer grows once. */
    size_t total = 0;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        for (int64_t slot = idx; slot < run_end; slot++) {
            int64_t value_len = vec->offsets[slot + 1] - vec->offsets[slot];
            FF_RETURN_ERROR_IF(value_len > INT32_MAX, err, FF_ERR_LIMIT,
                               "value of %lld bytes exceeds Parquet's 2 GiB limit",
                               (long long)value_len);
        }
        size_t run_bytes = (size_t)(vec->offsets[run_end] - vec->offsets[idx]);
        size_t run_prefixes = (size_t)(run_end - idx) * 4;
        FF_RETURN_ERROR_IF(!ff_size_add(total, run_bytes + run_prefixes, &total), err, FF_ERR_LIMIT,
                           "PLAIN page too large");
    }
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, total, err));
    uint8_t *dst = out->data + out->len;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        for (int64_t slot = idx; slot < run_end; slot++) {
            uint32_t value_len = (uint32_t)(vec->offsets[slot + 1] - vec->offsets[slot]);
            ff_store_le32(dst, value_len);
            ff_enc_copy(dst + 4, vec->values + vec->offsets[slot], value_len);
            dst += 4 + (size_t)value_len;
        }
    }
    out->len += total;
    return FF_OK;
}

ff_status ff_plain_encode(const ff_vector *vec, int64_t offset, int64_t count, ff_buf *out,
                          ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_enc_check_range(vec, offset, count, err));
    if (vec->type.physical == FF_PHYSICAL_BOOLEAN)
        return plain_encode_booleans(vec, offset, count, out, err);
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY)
        return plain_encode_byte_arrays(vec, offset, count, out, err);
    int32_t width = ff_type_value_width(&vec->type);
    FF_RETURN_ERROR_IF(width <= 0, err, FF_ERR_INVALID_ARGUMENT, "PLAIN: type with value width %d",
                       width);
    size_t bytes;
    FF_RETURN_ERROR_IF(!ff_size_mul((size_t)count, (size_t)width, &bytes), err, FF_ERR_LIMIT,
                       "PLAIN page too large");
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, bytes, err));
    int64_t end = offset + count;
    int64_t run_end;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        size_t run_bytes = (size_t)(run_end - idx) * (size_t)width;
        ff_enc_copy(out->data + out->len, vec->values + (size_t)idx * (size_t)width, run_bytes);
        out->len += run_bytes;
    }
    return FF_OK;
}
