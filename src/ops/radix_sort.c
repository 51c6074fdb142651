/* One stable LSD radix sort for the row-level operations' arrays of records keyed by an
 * unsigned integer: row numbers, integer key values, key hashes. Byte-wide passes; a pass
 * whose byte is the same in every record is skipped, so narrow keys cost few passes. */
#include "ops/ops_internal.h"

#include <stdlib.h>
#include <string.h>

/* The key of a record: key_bytes (4 or 8) at key_offset, as the host stores it. */
static uint64_t record_key(const uint8_t *record, size_t key_offset, size_t key_bytes) {
    if (key_bytes == 4) {
        uint32_t key;
        memcpy(&key, record + key_offset, 4);
        return key;
    }
    uint64_t key;
    memcpy(&key, record + key_offset, 8);
    return key;
}

ff_status ops_radix_sort(void *records, size_t count, size_t size, size_t key_offset,
                         size_t key_bytes, ff_error *err) {
    if (count < 2)
        return FF_OK;
    uint8_t *base = records;
    uint8_t *tmp = ff_malloc(count * size, "sort", err);
    if (!tmp)
        return FF_ERR_NO_MEMORY;
    size_t counts[256];
    for (size_t shift = 0; shift < key_bytes * 8; shift += 8) {
        memset(counts, 0, sizeof counts);
        for (size_t idx = 0; idx < count; idx++)
            counts[(record_key(base + idx * size, key_offset, key_bytes) >> shift) & 0xff]++;
        if (counts[(record_key(base, key_offset, key_bytes) >> shift) & 0xff] == count)
            continue;
        size_t pos = 0;
        for (int digit = 0; digit < 256; digit++) {
            size_t n = counts[digit];
            counts[digit] = pos;
            pos += n;
        }
        for (size_t idx = 0; idx < count; idx++) {
            size_t digit = (record_key(base + idx * size, key_offset, key_bytes) >> shift) & 0xff;
            memcpy(tmp + counts[digit]++ * size, base + idx * size, size);
        }
        memcpy(base, tmp, count * size);
    }
    free(tmp);
    return FF_OK;
}
