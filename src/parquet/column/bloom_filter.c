/* Split-block bloom filters as parquet-format's BloomFilter.md specifies them (block
 * insert/check with the eight salts, block selection from the hash's upper half, sizing
 * formula), the hash set that collects a chunk's distinct hashes, and the on-disk form
 * (BloomFilterHeader + bitset). See bloom_filter.h. */
#include "parquet/column/bloom_filter.h"

#include "parquet/thrift/metadata.h"
#include "util/bytes.h"
#include "util/hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t bloom_salts[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                        0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

size_t ff_bloom_optimal_bytes(uint64_t ndv, double fpp) {
    if (!(fpp > 0.0 && fpp < 1.0))
        fpp = 0.01;
    double bits = -8.0 * (double)ndv / log(1.0 - pow(fpp, 1.0 / 8.0));
    double bytes = ceil(bits / 8.0);
    size_t size = FF_BLOOM_MIN_BYTES;
    while (size < FF_BLOOM_MAX_BYTES && (double)size < bytes)
        size *= 2;
    return size;
}

ff_status ff_bloom_filter_init(ff_bloom_filter *filter, size_t num_bytes, ff_error *err) {
    filter->words = NULL;
    filter->num_blocks = 0;
    if (num_bytes < FF_BLOOM_MIN_BYTES || num_bytes > FF_BLOOM_MAX_BYTES ||
        (num_bytes & (num_bytes - 1)))
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "bloom filter size %zu is not a power of two in [%d, %d]", num_bytes,
                            FF_BLOOM_MIN_BYTES, FF_BLOOM_MAX_BYTES);
    filter->words = ff_calloc(num_bytes / 4, 4, "bloom filter", err);
    if (!filter->words)
        return FF_ERR_NO_MEMORY;
    filter->num_blocks = (int64_t)(num_bytes / 32);
    return FF_OK;
}

void ff_bloom_filter_free(ff_bloom_filter *filter) {
    if (!filter)
        return;
    free(filter->words);
    filter->words = NULL;
    filter->num_blocks = 0;
}

static inline uint32_t *bloom_block(const ff_bloom_filter *filter, uint64_t hash) {
    uint64_t block_idx = ((hash >> 32) * (uint64_t)filter->num_blocks) >> 32;
    return filter->words + block_idx * 8;
}

void ff_bloom_filter_insert(ff_bloom_filter *filter, uint64_t hash) {
    uint32_t *block = bloom_block(filter, hash);
    uint32_t key = (uint32_t)hash;
    for (int word_idx = 0; word_idx < 8; word_idx++)
        block[word_idx] |= 1u << ((key * bloom_salts[word_idx]) >> 27);
}

bool ff_bloom_filter_check(const ff_bloom_filter *filter, uint64_t hash) {
    const uint32_t *block = bloom_block(filter, hash);
    uint32_t key = (uint32_t)hash;
    for (int word_idx = 0; word_idx < 8; word_idx++)
        if (!(block[word_idx] & (1u << ((key * bloom_salts[word_idx]) >> 27))))
            return false;
    return true;
}

uint64_t ff_bloom_hash(const uint8_t *data, size_t len) {
    return ff_xxh64(data, len, 0);
}

ff_status ff_bloom_filter_write(const ff_bloom_filter *filter, ff_buf *out, ff_error *err) {
    size_t num_bytes = (size_t)filter->num_blocks * 32;
    ff_pq_bloom_filter_header header = {
        .num_bytes = (int32_t)num_bytes,
        .algorithm_kind = 1,   /* BLOCK */
        .hash_kind = 1,        /* XXHASH */
        .compression_kind = 1, /* UNCOMPRESSED */
    };
    ff_status status = ff_thrift_encode_bloom_filter_header(&header, out, err);
    if (status != FF_OK)
        return status;
    status = ff_buf_reserve(out, num_bytes, err);
    if (status != FF_OK)
        return status;
    uint8_t *dst = out->data + out->len;
    for (size_t word_idx = 0; word_idx < num_bytes / 4; word_idx++)
        ff_store_le32(dst + word_idx * 4, filter->words[word_idx]);
    out->len += num_bytes;
    return FF_OK;
}

void ff_hash_set_init(ff_hash_set *set) {
    memset(set, 0, sizeof *set);
}

static ff_status hash_set_grow(ff_hash_set *set, ff_error *err) {
    size_t new_slots = set->num_slots ? set->num_slots * 2 : 1024;
    uint64_t *slots = ff_calloc(new_slots, sizeof(uint64_t), "bloom filter hash set", err);
    if (!slots)
        return FF_ERR_NO_MEMORY;
    size_t mask = new_slots - 1;
    for (size_t slot_idx = 0; slot_idx < set->num_slots; slot_idx++) {
        uint64_t hash = set->slots[slot_idx];
        if (!hash)
            continue;
        size_t pos = (size_t)ff_hash_mix64(hash) & mask;
        while (slots[pos])
            pos = (pos + 1) & mask;
        slots[pos] = hash;
    }
    free(set->slots);
    set->slots = slots;
    set->num_slots = new_slots;
    return FF_OK;
}

ff_status ff_hash_set_insert(ff_hash_set *set, uint64_t hash, ff_error *err) {
    if (hash == 0) {
        set->count += !set->has_zero;
        set->has_zero = true;
        return FF_OK;
    }
    /* Keep the load factor at or below one half. */
    if ((set->count + 1) * 2 > set->num_slots) {
        ff_status status = hash_set_grow(set, err);
        if (status != FF_OK)
            return status;
    }
    size_t mask = set->num_slots - 1;
    /* XXH64 output is already well mixed, but re-mixing keeps the table independent of the
     * bits the bloom filter itself uses for block selection. */
    size_t pos = (size_t)ff_hash_mix64(hash) & mask;
    while (set->slots[pos]) {
        if (set->slots[pos] == hash)
            return FF_OK;
        pos = (pos + 1) & mask;
    }
    set->slots[pos] = hash;
    set->count++;
    return FF_OK;
}

ff_status ff_hash_set_insert_values(ff_hash_set *set, const ff_dense_values *vals, ff_error *err) {
    for (int64_t i = 0; i < vals->count; i++) {
        size_t len;
        const uint8_t *value = ff_dense_value(vals, i, &len);
        ff_status status = ff_hash_set_insert(set, ff_bloom_hash(value, len), err);
        if (status != FF_OK)
            return status;
    }
    return FF_OK;
}

void ff_hash_set_clear(ff_hash_set *set) {
    if (set->slots)
        memset(set->slots, 0, set->num_slots * sizeof(uint64_t));
    set->count = 0;
    set->has_zero = false;
}

void ff_hash_set_free(ff_hash_set *set) {
    if (!set)
        return;
    free(set->slots);
    memset(set, 0, sizeof *set);
}

ff_status ff_bloom_filter_from_set(const ff_hash_set *set, double fpp, ff_bloom_filter *filter,
                                   ff_error *err) {
    ff_status status = ff_bloom_filter_init(filter, ff_bloom_optimal_bytes(set->count, fpp), err);
    if (status != FF_OK)
        return status;
    if (set->has_zero)
        ff_bloom_filter_insert(filter, 0);
    for (size_t slot_idx = 0; slot_idx < set->num_slots; slot_idx++)
        if (set->slots[slot_idx])
            ff_bloom_filter_insert(filter, set->slots[slot_idx]);
    return FF_OK;
}
