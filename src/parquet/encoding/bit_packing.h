/* Bit packing shared by the encodings (internal to src/parquet/encoding/).
 *
 * Parquet packs values LSB first: value i of a run with bit width w occupies bits
 * [i*w, (i+1)*w) of the byte stream, bit 0 being the least significant bit of byte 0. This is
 * the packing of the RLE/bit-packed hybrid's literal runs and of DELTA_BINARY_PACKED's
 * miniblocks (Encodings.md). The legacy BIT_PACKED level encoding packs MSB first and lives in
 * rle.c instead.
 *
 * The routines work on groups of 32 values, which occupy exactly 4*w bytes, so a group can be
 * read as w little-endian 32-bit words with no byte beyond the group touched. Each bit width
 * has its own fully unrolled body (selected once per group by a switch), so the shifts and
 * masks are constants. Also here: small helpers for varints and copies that every encoding
 * file needs. */
#ifndef FF_PARQUET_ENCODING_BIT_PACKING_H
#define FF_PARQUET_ENCODING_BIT_PACKING_H

#include "util/mem.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Unpacks 32 values of bit_width (0..32) from exactly 4*bit_width bytes at in. */
void ff_unpack32_u32(const uint8_t *in, uint32_t *out, int bit_width);
/* Unpacks 32 values of bit_width (0..64) from exactly 4*bit_width bytes at in. */
void ff_unpack32_u64(const uint8_t *in, uint64_t *out, int bit_width);
/* Packs 32 values into exactly 4*bit_width bytes at out; bits above bit_width are ignored. */
void ff_pack32_u32(const uint32_t *in, uint8_t *out, int bit_width);
void ff_pack32_u64(const uint64_t *in, uint8_t *out, int bit_width);

/* Appends an unsigned LEB128 varint. */
ff_status ff_enc_put_uvarint(ff_buf *out, uint64_t value, ff_error *err);
/* Appends a zigzag varint of a signed 64-bit value. */
static inline ff_status ff_enc_put_zigzag(ff_buf *out, int64_t value, ff_error *err) {
    uint64_t bits = (uint64_t)value;
    return ff_enc_put_uvarint(out, (bits << 1) ^ (0 - (bits >> 63)), err);
}

/* memcpy that tolerates n == 0 with NULL pointers (the sanitizers reject memcpy(NULL, .., 0),
 * and an empty vector or buffer has NULL storage). */
static inline void ff_enc_copy(void *dst, const void *src, size_t n) {
    if (n)
        memcpy(dst, src, n);
}

/* Finds the next run of non-null slots in [idx, end): returns its first slot (end when there
 * is none) and sets *run_end one past its last. A NULL bitmap means every slot is valid. Whole
 * bitmap bytes of 0x00 or 0xff are stepped over at once. */
static inline int64_t ff_enc_valid_run(const uint8_t *validity, int64_t idx, int64_t end,
                                       int64_t *run_end) {
    if (!validity) {
        *run_end = end;
        return idx;
    }
    while (idx < end && !((validity[idx >> 3] >> (idx & 7)) & 1))
        idx += ((idx & 7) == 0 && idx + 8 <= end && validity[idx >> 3] == 0) ? 8 : 1;
    int64_t stop = idx;
    while (stop < end && ((validity[stop >> 3] >> (stop & 7)) & 1))
        stop += ((stop & 7) == 0 && stop + 8 <= end && validity[stop >> 3] == 0xff) ? 8 : 1;
    *run_end = stop;
    return idx;
}

/* Gathers the byte lengths of the non-null slots [offset, offset + count) of a BYTE_ARRAY
 * vector into a new array (caller owns; free with free()) and sets *num_present. A value
 * longer than INT32_MAX bytes is FF_ERR_LIMIT. Defined in delta_length_byte_array.c. */
ff_status ff_enc_gather_lengths(const ff_vector *vec, int64_t offset, int64_t count,
                                int32_t **lengths_out, int64_t *num_present, ff_error *err);

/* Checks that [offset, offset + count) lies inside vec. */
static inline ff_status ff_enc_check_range(const ff_vector *vec, int64_t offset, int64_t count,
                                           ff_error *err) {
    if (offset < 0 || count < 0 || offset > vec->length || count > vec->length - offset)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "slots [%lld, %lld) are outside a vector of %lld", (long long)offset,
                            (long long)offset + count, (long long)vec->length);
    return FF_OK;
}

#endif
