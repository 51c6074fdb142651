/* One stable LSD radix sort for the row-level operations' arrays of records keyed by an
 * unsigned integer: row numbers, integer key values, key hashes. Byte-wide passes; a pass
 * whose byte is the same in every record is skipped, so narrow keys cost few passes.
 *
 * The counts of every pass come from one read of the records, and the passes move records
 * back and forth between the array and one scratch copy, so each pass costs a single
 * scatter. Records of 4, 8 and 16 bytes (the callers' sizes) are moved by fixed-size copies
 * the compiler turns into plain loads and stores. */
#include "ops/ops_internal.h"

#include <stdlib.h>
#include <string.h>

/* The key of a record: key_bytes (4 or 8) at key_offset, as the host stores it. */
static inline uint64_t record_key(const uint8_t *record, size_t key_offset, size_t key_bytes) {
    if (key_bytes == 4) {
        uint32_t key;
        memcpy(&key, record + key_offset, 4);
        return key;
    }
    uint64_t key;
    memcpy(&key, record + key_offset, 8);
    return key;
}

/* One pass: moves every record of `from` to its digit's next place in `to`. Inlined with a
 * constant size for the common record sizes. */
static inline void scatter(const uint8_t *from, uint8_t *to, size_t count, size_t size,
                           size_t key_offset, size_t key_bytes, size_t shift, size_t *next) {
    for (size_t idx = 0; idx < count; idx++) {
        const uint8_t *record = from + idx * size;
        size_t digit = (record_key(record, key_offset, key_bytes) >> shift) & 0xff;
        memcpy(to + next[digit]++ * size, record, size);
    }
}

ff_status ops_radix_sort(void *records, size_t count, size_t size, size_t key_offset,
                         size_t key_bytes, void *scratch, ff_error *err) {
    if (count < 2)
        return FF_OK;
    uint8_t *owned = scratch ? NULL : ff_malloc(count * size, "sort", err);
    if (!scratch && !owned)
        return FF_ERR_NO_MEMORY;
    uint8_t *tmp = scratch ? scratch : owned;
    size_t counts[8][256];
    memset(counts, 0, sizeof counts);
    uint8_t *from = records, *to = tmp;
    for (size_t idx = 0; idx < count; idx++) {
        uint64_t key = record_key(from + idx * size, key_offset, key_bytes);
        for (size_t byte = 0; byte < key_bytes; byte++)
            counts[byte][(key >> (byte * 8)) & 0xff]++;
    }
    for (size_t byte = 0; byte < key_bytes; byte++) {
        size_t *next = counts[byte];
        bool is_constant = false;
        size_t pos = 0;
        for (int digit = 0; digit < 256; digit++) {
            size_t n = next[digit];
            is_constant = is_constant || n == count;
            next[digit] = pos;
            pos += n;
        }
        if (is_constant)
            continue;
        size_t shift = byte * 8;
        switch (size) {
        case 4:
            scatter(from, to, count, 4, key_offset, key_bytes, shift, next);
            break;
        case 8:
            scatter(from, to, count, 8, key_offset, key_bytes, shift, next);
            break;
        case 16:
            scatter(from, to, count, 16, key_offset, key_bytes, shift, next);
            break;
        default:
            scatter(from, to, count, size, key_offset, key_bytes, shift, next);
            break;
        }
        uint8_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != (uint8_t *)records)
        memcpy(records, from, count * size);
    free(owned);
    return FF_OK;
}
