/* libFuzzer target for the value and level decoders (src/parquet/encoding) and the page
 * codecs (src/parquet/compress). The first five bytes choose what to run:
 *   byte 0  decoder: RLE u32, RLE levels, BIT_PACKED levels, PLAIN (one call and streamed),
 *           dictionary gather, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 *           DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, codec decompression
 *   byte 1  physical type (or codec)
 *   byte 2  bit width, or FIXED_LEN_BYTE_ARRAY length
 *   byte 3-4 value count (little-endian; the output size for codecs)
 * and the rest is the untrusted payload. Any status is fine; the sanitizers judge. */
#include "parquet/compress/codec.h"
#include "parquet/encoding/encoding.h"

#include <stdlib.h>
#include <string.h>

static void fuzz_dictionary(const uint8_t *payload, size_t len, ff_type type, int64_t n) {
    ff_error err;
    ff_vector dict, out;
    ff_vector_init(&dict, &type);
    ff_vector_init(&out, &type);
    size_t consumed = 0;
    /* The dictionary: the first few PLAIN values; the indices: RLE after them. */
    if (ff_plain_decode(payload, len, n % 16, &dict, &consumed, &err) == FF_OK && consumed < len) {
        int bw = payload[consumed] % 34;
        ff_rle_decoder dec;
        uint32_t *indices = malloc((size_t)n * sizeof *indices + 1);
        if (indices &&
            ff_rle_decoder_init(&dec, payload + consumed + 1, len - consumed - 1, bw, &err) ==
                FF_OK &&
            ff_rle_decode_u32(&dec, indices, n, &err) == FF_OK)
            (void)ff_dict_gather(&dict, indices, n, &out, &err);
        free(indices);
    }
    ff_vector_free(&dict);
    ff_vector_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 5)
        return 0;
    int which = data[0] % 10;
    int physical = data[1] % 8;
    int width = data[2];
    int64_t n = data[3] | (data[4] << 8);
    const uint8_t *payload = data + 5;
    size_t len = size - 5;
    ff_error err;
    ff_type type;
    memset(&type, 0, sizeof type);
    type.physical = (ff_physical_type)physical;
    if (physical == FF_PHYSICAL_INT96)
        type.type_length = 12;
    if (physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY)
        type.type_length = width % 20 + 1;
    ff_vector out;
    ff_vector_init(&out, &type);
    switch (which) {
    case 0:
    case 1: {
        ff_rle_decoder dec;
        void *values = malloc((size_t)n * 4 + 1);
        if (values && ff_rle_decoder_init(&dec, payload, len, width % 40, &err) == FF_OK) {
            /* Two calls, so state carried between calls is exercised. */
            int64_t first = n / 3;
            if (which == 0) {
                if (ff_rle_decode_u32(&dec, values, first, &err) == FF_OK)
                    (void)ff_rle_decode_u32(&dec, (uint32_t *)values + first, n - first, &err);
            } else {
                if (ff_rle_decode_levels(&dec, values, first, &err) == FF_OK)
                    (void)ff_rle_decode_levels(&dec, (int16_t *)values + first, n - first, &err);
            }
        }
        free(values);
        break;
    }
    case 2: {
        int16_t *levels = malloc((size_t)n * 2 + 1);
        if (levels)
            (void)ff_bit_packed_decode_levels(payload, len, width % 20, levels, n, &err);
        free(levels);
        break;
    }
    case 3: {
        size_t consumed;
        (void)ff_plain_decode(payload, len, n, &out, &consumed, &err);
        ff_vector_reset(&out);
        ff_plain_decoder dec;
        ff_plain_decoder_init(&dec, payload, len);
        for (int64_t done = 0; done < n; done += 7)
            if (ff_plain_decoder_next(&dec, n - done < 7 ? n - done : 7, &out, &err) != FF_OK)
                break;
        break;
    }
    case 4:
        fuzz_dictionary(payload, len, type, n);
        break;
    case 5: {
        size_t consumed;
        type.physical = physical % 2 ? FF_PHYSICAL_INT64 : FF_PHYSICAL_INT32;
        ff_vector_init(&out, &type);
        (void)ff_delta_binary_packed_decode(payload, len, n, &out, &consumed, &err);
        break;
    }
    case 6:
        type.physical = FF_PHYSICAL_BYTE_ARRAY;
        ff_vector_init(&out, &type);
        (void)ff_delta_length_byte_array_decode(payload, len, n, &out, &err);
        break;
    case 7:
        if (physical % 2 == 0) {
            type.physical = FF_PHYSICAL_BYTE_ARRAY;
            type.type_length = 0;
        } else {
            type.physical = FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
            type.type_length = width % 20 + 1;
        }
        ff_vector_init(&out, &type);
        (void)ff_delta_byte_array_decode(payload, len, n, &out, &err);
        break;
    case 8:
        (void)ff_byte_stream_split_decode(payload, len, n, &out, &err);
        break;
    default: {
        ff_codec_ctx *ctx = NULL;
        size_t out_len = (size_t)n * 16;
        uint8_t *dst = malloc(out_len + 1);
        if (dst && ff_codec_ctx_create(&ctx, &err) == FF_OK)
            (void)ff_codec_decompress(ctx, data[1] % 9, payload, len, dst, out_len, &err);
        ff_codec_ctx_free(ctx);
        free(dst);
        break;
    }
    }
    ff_vector_free(&out);
    return 0;
}
