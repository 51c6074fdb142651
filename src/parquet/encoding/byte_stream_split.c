/* BYTE_STREAM_SPLIT (Encodings.md, "Byte Stream Split") for FLOAT, DOUBLE, INT32, INT64 and
 * FIXED_LEN_BYTE_ARRAY (FLOAT16 is FLBA of width 2), decoder and encoder.
 *
 * Layout: for values of K bytes and N values, K streams of N bytes each; stream k holds byte k
 * of every value, in value order. The page's byte count fixes N (= len / K), so the streams
 * are len / K apart even when the caller asks for fewer values; a length that is not a
 * multiple of K is corrupt. Widths 4 and 8 have their own loops with constant strides. */
#include "parquet/encoding/encoding.h"

#include "parquet/encoding/bit_packing.h"
#include "util/bytes.h"
#include "util/check.h"

#include <string.h>

/* Bytes per value for the types BYTE_STREAM_SPLIT is defined on; 0 for the others. */
static int32_t bss_width(const ff_type *type) {
    switch (type->physical) {
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_FLOAT:
        return 4;
    case FF_PHYSICAL_INT64:
    case FF_PHYSICAL_DOUBLE:
        return 8;
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
        return type->type_length > 0 ? type->type_length : 0;
    default:
        return 0;
    }
}

static inline __attribute__((always_inline)) void
bss_gather(const uint8_t *src, size_t stride, uint8_t *dst, int64_t n, const size_t width) {
    for (int64_t i = 0; i < n; i++)
        for (size_t k = 0; k < width; k++)
            dst[(size_t)i * width + k] = src[k * stride + (size_t)i];
}

static inline __attribute__((always_inline)) void
bss_scatter(const uint8_t *src, uint8_t *dst, size_t stride, int64_t n, const size_t width) {
    for (int64_t i = 0; i < n; i++)
        for (size_t k = 0; k < width; k++)
            dst[k * stride + (size_t)i] = src[(size_t)i * width + k];
}

/* Swaps the bit groups selected by mask between a (shifted down) and b: one step of a
 * transpose by block swaps. */
#define BSS_SWAP(a, b, mask, shift)                                                                \
    do {                                                                                           \
        uint64_t swap_bits = (((a) >> (shift)) ^ (b)) & (mask);                                    \
        (b) ^= swap_bits;                                                                          \
        (a) ^= swap_bits << (shift);                                                               \
    } while (0)

/* Width 8, which compilers do not vectorize as they do width 4: eight values at a time form
 * an 8x8 byte matrix (one little-endian word per value), transposed in three rounds of block
 * swaps (4x4, 2x2, 1x1 blocks), after which word k holds byte k of the eight values, in
 * order: eight bytes for stream k. The tail goes byte by byte. */
static void bss_scatter8(const uint8_t *src, uint8_t *dst, size_t stride, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w[8];
        for (int k = 0; k < 8; k++)
            w[k] = ff_load_le64(src + ((size_t)i + (size_t)k) * 8);
        for (int k = 0; k < 4; k++)
            BSS_SWAP(w[k], w[k + 4], 0x00000000ffffffffULL, 32);
        for (int k = 0; k < 8; k += (k & 1) ? 3 : 1)
            BSS_SWAP(w[k], w[k + 2], 0x0000ffff0000ffffULL, 16);
        for (int k = 0; k < 8; k += 2)
            BSS_SWAP(w[k], w[k + 1], 0x00ff00ff00ff00ffULL, 8);
        for (int k = 0; k < 8; k++)
            ff_store_le64(dst + (size_t)k * stride + (size_t)i, w[k]);
    }
    bss_scatter(src + (size_t)i * 8, dst + i, stride, n - i, 8);
}

ff_status ff_byte_stream_split_decode(const uint8_t *data, size_t len, int64_t num_values,
                                      ff_vector *out, ff_error *err) {
    FF_RETURN_ERROR_IF(num_values < 0, err, FF_ERR_INVALID_ARGUMENT, "negative value count");
    int32_t width = bss_width(&out->type);
    FF_RETURN_ERROR_IF(width == 0, err, FF_ERR_CORRUPT,
                       "BYTE_STREAM_SPLIT is not defined for physical type %d",
                       (int)out->type.physical);
    FF_RETURN_ERROR_IF(len % (size_t)width != 0, err, FF_ERR_CORRUPT,
                       "BYTE_STREAM_SPLIT data of %zu bytes is not a multiple of the %d-byte "
                       "value width",
                       len, width);
    size_t stride = len / (size_t)width;
    FF_RETURN_ERROR_IF((uint64_t)num_values > stride, err, FF_ERR_CORRUPT,
                       "BYTE_STREAM_SPLIT data holds %zu values but %lld were expected", stride,
                       (long long)num_values);
    FF_FORWARD_IF_ERROR(ff_vector_reserve(out, out->length + num_values, 0, false, err));
    uint8_t *dst = out->values + (size_t)out->length * (size_t)width;
    switch (width) {
    case 2:
        bss_gather(data, stride, dst, num_values, 2);
        break;
    case 4:
        bss_gather(data, stride, dst, num_values, 4);
        break;
    case 8:
        bss_gather(data, stride, dst, num_values, 8);
        break;
    default:
        bss_gather(data, stride, dst, num_values, (size_t)width);
        break;
    }
    out->length += num_values;
    return FF_OK;
}

ff_status ff_byte_stream_split_encode(const ff_vector *vec, int64_t offset, int64_t count,
                                      ff_buf *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_enc_check_range(vec, offset, count, err));
    int32_t width = bss_width(&vec->type);
    FF_RETURN_ERROR_IF(width == 0, err, FF_ERR_INVALID_ARGUMENT,
                       "BYTE_STREAM_SPLIT is not defined for physical type %d",
                       (int)vec->type.physical);
    int64_t end = offset + count;
    int64_t run_end;
    int64_t present = 0;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end))
        present += run_end - idx;
    size_t bytes;
    FF_RETURN_ERROR_IF(!ff_size_mul((size_t)present, (size_t)width, &bytes), err, FF_ERR_LIMIT,
                       "BYTE_STREAM_SPLIT page too large");
    FF_FORWARD_IF_ERROR(ff_buf_reserve(out, bytes, err));
    uint8_t *base = out->data + out->len;
    size_t stride = (size_t)present;
    int64_t written = 0;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        const uint8_t *src = vec->values + (size_t)idx * (size_t)width;
        uint8_t *dst = base + written;
        int64_t run = run_end - idx;
        switch (width) {
        case 2:
            bss_scatter(src, dst, stride, run, 2);
            break;
        case 4:
            bss_scatter(src, dst, stride, run, 4);
            break;
        case 8:
            bss_scatter8(src, dst, stride, run);
            break;
        default:
            bss_scatter(src, dst, stride, run, (size_t)width);
            break;
        }
        written += run;
    }
    out->len += bytes;
    return FF_OK;
}
