/* Value and level encodings (DESIGN.md §4), one file per encoding, decoder and encoder
 * together: plain.c, rle.c (RLE/bit-packed hybrid and legacy BIT_PACKED), dictionary.c,
 * delta_binary_packed.c, delta_length_byte_array.c, delta_byte_array.c,
 * byte_stream_split.c.
 *
 * Decoders read untrusted page bytes and append DENSE values (no null slots) to an
 * ff_vector whose type is already set; the column reader spaces them out around nulls.
 * Every decoder checks lengths before reading, reports FF_ERR_CORRUPT with what was wrong,
 * and never reads past `len`. Encoders append to an ff_buf. */
#ifndef FF_PARQUET_ENCODING_H
#define FF_PARQUET_ENCODING_H

#include "util/mem.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- RLE / bit-packed hybrid (levels, dictionary indices, RLE booleans) ---- */

typedef struct ff_rle_decoder {
    const uint8_t *pos;
    const uint8_t *end;
    int bit_width;          /* 0..32 */
    uint32_t run_remaining; /* values left in the current run */
    bool run_is_literal;
    uint32_t run_value;         /* RLE run: the repeated value */
    const uint8_t *literal_pos; /* bit-packed run: next group's bytes */
    uint32_t literal_buffer[8]; /* one unpacked group of 8 */
    int literal_buffered;       /* values left in literal_buffer */
} ff_rle_decoder;

/* bit_width above 32 is FF_ERR_CORRUPT. */
ff_status ff_rle_decoder_init(ff_rle_decoder *dec, const uint8_t *data, size_t len, int bit_width,
                              ff_error *err);
/* Decodes exactly n values; running out of input is FF_ERR_CORRUPT. */
ff_status ff_rle_decode_u32(ff_rle_decoder *dec, uint32_t *out, int64_t n, ff_error *err);
ff_status ff_rle_decode_levels(ff_rle_decoder *dec, int16_t *out, int64_t n, ff_error *err);
/* Legacy BIT_PACKED levels (MSB-first packing, deprecated). Reads ceil(n*bit_width/8) bytes. */
ff_status ff_bit_packed_decode_levels(const uint8_t *data, size_t len, int bit_width, int16_t *out,
                                      int64_t n, ff_error *err);

ff_status ff_rle_encode_u32(const uint32_t *values, int64_t n, int bit_width, ff_buf *out,
                            ff_error *err);
ff_status ff_rle_encode_levels(const int16_t *levels, int64_t n, int bit_width, ff_buf *out,
                               ff_error *err);

/* ---- PLAIN ---- */

/* Appends num_values dense values; *consumed gets the bytes read (BOOLEAN: bit-packed LSB
 * first, so the caller passing more values later must use ff_plain_decoder instead). */
ff_status ff_plain_decode(const uint8_t *data, size_t len, int64_t num_values, ff_vector *out,
                          size_t *consumed, ff_error *err);
/* Streaming PLAIN decoding of one page in several calls (the column reader decoding a page
 * batch by batch). Keeps the bit position for BOOLEAN, whose values do not end on byte
 * boundaries. data is borrowed until the decoder is no longer used. */
typedef struct ff_plain_decoder {
    const uint8_t *pos;
    const uint8_t *end;
    int bit_offset; /* BOOLEAN: bits of *pos already consumed (0..7) */
} ff_plain_decoder;

void ff_plain_decoder_init(ff_plain_decoder *dec, const uint8_t *data, size_t len);
/* Appends the next num_values values to out; running out of input is FF_ERR_CORRUPT. */
ff_status ff_plain_decoder_next(ff_plain_decoder *dec, int64_t num_values, ff_vector *out,
                                ff_error *err);
/* Appends PLAIN bytes for the non-null slots [offset, offset + count) of vec (all of them for
 * a dense nested vector). */
ff_status ff_plain_encode(const ff_vector *vec, int64_t offset, int64_t count, ff_buf *out,
                          ff_error *err);

/* ---- dictionary ---- */

/* Appends dict[indices[i]] for i < n to out; an index >= dict->length is FF_ERR_CORRUPT. */
ff_status ff_dict_gather(const ff_vector *dict, const uint32_t *indices, int64_t n, ff_vector *out,
                         ff_error *err);

/* ---- DELTA_BINARY_PACKED (INT32, INT64) ---- */
ff_status ff_delta_binary_packed_decode(const uint8_t *data, size_t len, int64_t num_values,
                                        ff_vector *out, size_t *consumed, ff_error *err);
/* Encodes int32 or int64 values (per `is_int64`). */
ff_status ff_delta_binary_packed_encode(const void *values, bool is_int64, int64_t n, ff_buf *out,
                                        ff_error *err);

/* ---- DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY (BYTE_ARRAY, FLBA for the latter) ---- */
ff_status ff_delta_length_byte_array_decode(const uint8_t *data, size_t len, int64_t num_values,
                                            ff_vector *out, ff_error *err);
ff_status ff_delta_byte_array_decode(const uint8_t *data, size_t len, int64_t num_values,
                                     ff_vector *out, ff_error *err);
ff_status ff_delta_length_byte_array_encode(const ff_vector *vec, int64_t offset, int64_t count,
                                            ff_buf *out, ff_error *err);
ff_status ff_delta_byte_array_encode(const ff_vector *vec, int64_t offset, int64_t count,
                                     ff_buf *out, ff_error *err);

/* ---- BYTE_STREAM_SPLIT (FLOAT, DOUBLE, INT32, INT64, FLBA) ---- */
ff_status ff_byte_stream_split_decode(const uint8_t *data, size_t len, int64_t num_values,
                                      ff_vector *out, ff_error *err);
ff_status ff_byte_stream_split_encode(const ff_vector *vec, int64_t offset, int64_t count,
                                      ff_buf *out, ff_error *err);

#endif
