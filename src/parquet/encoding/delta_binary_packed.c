/* DELTA_BINARY_PACKED (Encodings.md, "Delta Encoding") for INT32 and INT64, decoder and
 * encoder.
 *
 * Layout:
 *   header:  <block size in values> <miniblocks per block> <total value count> <first value>
 *            (ULEB128 varints; the first value zigzag-encoded)
 *   blocks:  <min delta (zigzag varint)> <one bit-width byte per miniblock> <miniblocks>
 * A block holds block_size deltas (a multiple of 128) split into miniblocks of a multiple of
 * 32 values. Each miniblock stores (delta - min_delta) bit-packed LSB first at its own bit
 * width. The last block may hold fewer deltas: miniblocks it does not need have width bytes
 * (of arbitrary value, which readers must ignore) but no bodies, and its last used miniblock
 * is padded to full size. A stream of one value (or none) has no blocks at all.
 *
 * Deltas and sums are computed modulo 2^64 (modulo 2^32 for INT32, by truncation), matching
 * writers that let deltas overflow. The writer here uses blocks of 128 values in 4 miniblocks
 * of 32, as parquet-mr and Arrow do. */
#include "parquet/encoding/delta_internal.h"
#include "parquet/encoding/encoding.h"

#include "parquet/encoding/bit_packing.h"
#include "util/bytes.h"
#include "util/check.h"
#include "util/cursor.h"

#include <string.h>

ff_status ff_dbp_reader_init(ff_dbp_reader *reader, const uint8_t *data, size_t len,
                             ff_error *err) {
    memset(reader, 0, sizeof *reader);
    ff_cursor cur;
    ff_cursor_init(&cur, data, len);
    uint64_t block_size, num_miniblocks, total;
    int64_t first;
    ff_status status = ff_cursor_uvarint(&cur, &block_size, err);
    if (status == FF_OK)
        status = ff_cursor_uvarint(&cur, &num_miniblocks, err);
    if (status == FF_OK)
        status = ff_cursor_uvarint(&cur, &total, err);
    if (status == FF_OK)
        status = ff_cursor_zigzag(&cur, &first, err);
    if (status != FF_OK)
        return ff_error_prefix(err, "DELTA_BINARY_PACKED header");
    FF_RETURN_ERROR_IF(block_size == 0 || block_size % 128 != 0 || block_size > UINT32_MAX, err,
                       FF_ERR_CORRUPT,
                       "DELTA_BINARY_PACKED block size %llu is not a positive multiple of 128",
                       (unsigned long long)block_size);
    FF_RETURN_ERROR_IF(num_miniblocks == 0 || block_size % num_miniblocks != 0 ||
                           (block_size / num_miniblocks) % 32 != 0,
                       err, FF_ERR_CORRUPT,
                       "DELTA_BINARY_PACKED: %llu miniblocks do not split a block of %llu values "
                       "into multiples of 32",
                       (unsigned long long)num_miniblocks, (unsigned long long)block_size);
    FF_RETURN_ERROR_IF(total > INT64_MAX, err, FF_ERR_CORRUPT,
                       "DELTA_BINARY_PACKED value count %llu is too large",
                       (unsigned long long)total);
    reader->start = data;
    reader->pos = cur.pos;
    reader->end = cur.end;
    reader->values_per_block = block_size;
    reader->num_miniblocks = num_miniblocks;
    reader->values_per_miniblock = block_size / num_miniblocks;
    reader->total = total;
    reader->first = (uint64_t)first;
    return FF_OK;
}

/* Moves to the next miniblock, reading a new block header when the block is used up. */
static ff_status dbp_next_miniblock(ff_dbp_reader *reader, ff_error *err) {
    if (!reader->in_block || reader->miniblock_idx + 1 >= reader->num_miniblocks) {
        ff_cursor cur;
        ff_cursor_init(&cur, reader->pos, (size_t)(reader->end - reader->pos));
        int64_t min_delta;
        if (ff_cursor_zigzag(&cur, &min_delta, err) != FF_OK)
            return ff_error_prefix(err, "DELTA_BINARY_PACKED block min delta");
        FF_RETURN_ERROR_IF(reader->num_miniblocks > ff_cursor_remaining(&cur), err, FF_ERR_CORRUPT,
                           "DELTA_BINARY_PACKED block needs %llu bit widths but %zu bytes remain",
                           (unsigned long long)reader->num_miniblocks, ff_cursor_remaining(&cur));
        reader->min_delta = (uint64_t)min_delta;
        reader->widths = cur.pos;
        reader->pos = cur.pos + reader->num_miniblocks;
        reader->miniblock_idx = 0;
        reader->in_block = true;
    } else {
        reader->miniblock_idx++;
    }
    int bw = reader->widths[reader->miniblock_idx];
    FF_RETURN_ERROR_IF(bw > 64, err, FF_ERR_CORRUPT,
                       "DELTA_BINARY_PACKED miniblock bit width %d exceeds 64", bw);
    reader->bit_width = bw;
    reader->miniblock_left = reader->values_per_miniblock;
    return FF_OK;
}

/* Bytes the next `values` values of the current miniblock take, rounded up to whole groups
 * of 32 (never more than the miniblock holds). */
static uint64_t dbp_group_bytes(const ff_dbp_reader *reader, uint64_t values) {
    return (values + 31) / 32 * 4 * (uint64_t)reader->bit_width;
}

/* Loads the next group of up to 32 deltas into buf. A group cut short by the end of the
 * input is accepted when the deltas actually needed are all present (writers differ on
 * whether the last miniblock's padding is written). */
static ff_status dbp_load_group(ff_dbp_reader *reader, ff_error *err) {
    if (reader->miniblock_left == 0)
        FF_FORWARD_IF_ERROR(dbp_next_miniblock(reader, err));
    uint64_t deltas_left = reader->total - 1 - reader->deltas_unpacked;
    int real = deltas_left < 32 ? (int)deltas_left : 32;
    size_t group_bytes = 4 * (size_t)reader->bit_width;
    size_t avail = (size_t)(reader->end - reader->pos);
    if (avail >= group_bytes) {
        ff_unpack32_u64(reader->pos, reader->buf, reader->bit_width);
        reader->pos += group_bytes;
    } else {
        FF_RETURN_ERROR_IF(
            (uint64_t)real * (uint64_t)reader->bit_width > (uint64_t)avail * 8, err, FF_ERR_CORRUPT,
            "DELTA_BINARY_PACKED miniblock needs %zu bytes but %zu remain", group_bytes, avail);
        uint8_t padded[4 * 64];
        memset(padded, 0, group_bytes);
        ff_enc_copy(padded, reader->pos, avail);
        ff_unpack32_u64(padded, reader->buf, reader->bit_width);
        reader->pos = reader->end;
    }
    reader->miniblock_left -= 32;
    reader->deltas_unpacked += (uint64_t)real;
    reader->buf_pos = 0;
    reader->buf_len = real;
    return FF_OK;
}

ff_status ff_dbp_reader_read(ff_dbp_reader *reader, int64_t n, int64_t *out64, int32_t *out32,
                             ff_error *err) {
    FF_RETURN_ERROR_IF(n < 0, err, FF_ERR_INVALID_ARGUMENT, "negative value count");
    FF_RETURN_ERROR_IF((uint64_t)n > reader->total - reader->produced, err, FF_ERR_CORRUPT,
                       "DELTA_BINARY_PACKED stream holds %llu values, %lld more were expected",
                       (unsigned long long)(reader->total - reader->produced), (long long)n);
    int64_t idx = 0;
    if (n > 0 && reader->produced == 0) {
        reader->last = reader->first;
        if (out64)
            out64[0] = (int64_t)reader->last;
        else
            out32[0] = (int32_t)(uint32_t)reader->last;
        idx = 1;
    }
    uint64_t last = reader->last;
    while (idx < n) {
        if (reader->buf_pos == reader->buf_len) {
            reader->last = last;
            FF_FORWARD_IF_ERROR(dbp_load_group(reader, err));
        }
        int64_t take = reader->buf_len - reader->buf_pos;
        if (take > n - idx)
            take = n - idx;
        const uint64_t *deltas = reader->buf + reader->buf_pos;
        const uint64_t min_delta = reader->min_delta;
        if (out64) {
            int64_t *dst = out64 + idx;
            for (int64_t i = 0; i < take; i++) {
                last += min_delta + deltas[i];
                dst[i] = (int64_t)last;
            }
        } else {
            int32_t *dst = out32 + idx;
            for (int64_t i = 0; i < take; i++) {
                last += min_delta + deltas[i];
                dst[i] = (int32_t)(uint32_t)last;
            }
        }
        reader->buf_pos += (int)take;
        idx += take;
    }
    reader->last = last;
    reader->produced += (uint64_t)n;
    return FF_OK;
}

ff_status ff_dbp_reader_finish(ff_dbp_reader *reader, size_t *consumed, ff_error *err) {
    uint64_t remaining = reader->total ? reader->total - 1 - reader->deltas_unpacked : 0;
    while (remaining > 0) {
        if (reader->miniblock_left == 0)
            FF_FORWARD_IF_ERROR(dbp_next_miniblock(reader, err));
        uint64_t take = remaining < reader->miniblock_left ? remaining : reader->miniblock_left;
        uint64_t bytes = dbp_group_bytes(reader, take);
        size_t avail = (size_t)(reader->end - reader->pos);
        if (bytes > avail) {
            FF_RETURN_ERROR_IF(
                take * (uint64_t)reader->bit_width > (uint64_t)avail * 8 || take < remaining, err,
                FF_ERR_CORRUPT, "DELTA_BINARY_PACKED miniblock needs %llu bytes but %zu remain",
                (unsigned long long)bytes, avail);
            bytes = avail;
        }
        reader->pos += bytes;
        reader->miniblock_left -= (take + 31) / 32 * 32;
        remaining -= take;
    }
    /* The padding of the last miniblock, where present. */
    uint64_t padding = dbp_group_bytes(reader, reader->miniblock_left);
    size_t avail = (size_t)(reader->end - reader->pos);
    reader->pos += padding < avail ? padding : avail;
    reader->miniblock_left = 0;
    reader->deltas_unpacked = reader->total ? reader->total - 1 : 0;
    reader->buf_pos = reader->buf_len = 0;
    reader->produced = reader->total;
    *consumed = (size_t)(reader->pos - reader->start);
    return FF_OK;
}

ff_status ff_delta_binary_packed_decode(const uint8_t *data, size_t len, int64_t num_values,
                                        ff_vector *out, size_t *consumed, ff_error *err) {
    FF_RETURN_ERROR_IF(num_values < 0, err, FF_ERR_INVALID_ARGUMENT, "negative value count");
    bool is_int64 = out->type.physical == FF_PHYSICAL_INT64;
    FF_RETURN_ERROR_IF(!is_int64 && out->type.physical != FF_PHYSICAL_INT32, err, FF_ERR_CORRUPT,
                       "DELTA_BINARY_PACKED is only defined for INT32 and INT64, not physical "
                       "type %d",
                       (int)out->type.physical);
    ff_dbp_reader reader;
    FF_FORWARD_IF_ERROR(ff_dbp_reader_init(&reader, data, len, err));
    FF_RETURN_ERROR_IF((uint64_t)num_values > reader.total, err, FF_ERR_CORRUPT,
                       "DELTA_BINARY_PACKED stream holds %llu values but the page has %lld",
                       (unsigned long long)reader.total, (long long)num_values);
    FF_FORWARD_IF_ERROR(ff_vector_reserve(out, out->length + num_values, 0, false, err));
    if (is_int64)
        FF_FORWARD_IF_ERROR(ff_dbp_reader_read(
            &reader, num_values, (int64_t *)(void *)out->values + out->length, NULL, err));
    else
        FF_FORWARD_IF_ERROR(ff_dbp_reader_read(&reader, num_values, NULL,
                                               (int32_t *)(void *)out->values + out->length, err));
    size_t stream_len;
    FF_FORWARD_IF_ERROR(ff_dbp_reader_finish(&reader, &stream_len, err));
    out->length += num_values;
    if (consumed)
        *consumed = stream_len;
    return FF_OK;
}

/* ---- encoder ---- */

enum { DBP_BLOCK = 128, DBP_MINIBLOCKS = 4, DBP_MINIBLOCK = 32 };

static inline uint64_t dbp_value(const void *values, bool is_int64, int64_t idx) {
    if (is_int64) {
        int64_t v;
        memcpy(&v, (const uint8_t *)values + 8 * idx, 8);
        return (uint64_t)v;
    }
    int32_t v;
    memcpy(&v, (const uint8_t *)values + 4 * idx, 4);
    return (uint64_t)(int64_t)v;
}

ff_status ff_delta_binary_packed_encode(const void *values, bool is_int64, int64_t n, ff_buf *out,
                                        ff_error *err) {
    FF_RETURN_ERROR_IF(n < 0, err, FF_ERR_INVALID_ARGUMENT, "negative value count");
    FF_FORWARD_IF_ERROR(ff_enc_put_uvarint(out, DBP_BLOCK, err));
    FF_FORWARD_IF_ERROR(ff_enc_put_uvarint(out, DBP_MINIBLOCKS, err));
    FF_FORWARD_IF_ERROR(ff_enc_put_uvarint(out, (uint64_t)n, err));
    uint64_t prev = n > 0 ? dbp_value(values, is_int64, 0) : 0;
    FF_FORWARD_IF_ERROR(ff_enc_put_zigzag(out, (int64_t)prev, err));
    for (int64_t block_start = 1; block_start < n; block_start += DBP_BLOCK) {
        int64_t block_len = n - block_start < DBP_BLOCK ? n - block_start : DBP_BLOCK;
        uint64_t deltas[DBP_BLOCK];
        int64_t min_delta = INT64_MAX;
        for (int64_t i = 0; i < block_len; i++) {
            uint64_t value = dbp_value(values, is_int64, block_start + i);
            uint64_t delta = value - prev;
            /* INT32 deltas wrap at 32 bits, so every delta and every delta - min_delta fits
             * in 32 bits, as readers that decode in 32-bit arithmetic expect. */
            if (!is_int64)
                delta = (uint64_t)(int64_t)(int32_t)(uint32_t)delta;
            deltas[i] = delta;
            if ((int64_t)delta < min_delta)
                min_delta = (int64_t)delta;
            prev = value;
        }
        uint8_t widths[DBP_MINIBLOCKS] = {0};
        for (int64_t i = 0; i < block_len; i++)
            deltas[i] -= (uint64_t)min_delta;
        for (int64_t i = block_len; i < DBP_BLOCK; i++)
            deltas[i] = 0;
        int used = (int)((block_len + DBP_MINIBLOCK - 1) / DBP_MINIBLOCK);
        for (int mb = 0; mb < used; mb++) {
            uint64_t all_bits = 0;
            for (int i = 0; i < DBP_MINIBLOCK; i++)
                all_bits |= deltas[mb * DBP_MINIBLOCK + i];
            widths[mb] = (uint8_t)ff_bit_width_u64(all_bits);
        }
        FF_FORWARD_IF_ERROR(ff_enc_put_zigzag(out, min_delta, err));
        FF_FORWARD_IF_ERROR(ff_buf_append(out, widths, sizeof widths, err));
        for (int mb = 0; mb < used; mb++) {
            size_t bytes = 4 * (size_t)widths[mb];
            FF_FORWARD_IF_ERROR(ff_buf_reserve(out, bytes, err));
            ff_pack32_u64(deltas + mb * DBP_MINIBLOCK, out->data + out->len, widths[mb]);
            out->len += bytes;
        }
    }
    return FF_OK;
}
