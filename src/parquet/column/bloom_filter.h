/* Split-block bloom filters (parquet-format BloomFilter.md): the filter a column chunk may
 * carry so that a reader probing for a key (an upsert looking up its keys) can skip chunks
 * that cannot hold it.
 *
 * Layout: z blocks of 256 bits, each eight 32-bit little-endian words. A value's hash h is
 * XXH64 (seed 0) of its PLAIN bytes (BYTE_ARRAY without the length prefix). The block is
 * ((h >> 32) * z) >> 32; within it, word i gets bit ((uint32)h * SALT[i]) >> 27. On disk the
 * bitset follows a Thrift BloomFilterHeader (SPLIT_BLOCK, XXHASH, UNCOMPRESSED).
 *
 * The writer does not know how many distinct values a chunk holds until it ends, so it
 * collects the distinct hashes of a chunk in an ff_hash_set and sizes the filter from their
 * count and the target false-positive probability when the chunk is finished. */
#ifndef FF_PARQUET_COLUMN_BLOOM_FILTER_H
#define FF_PARQUET_COLUMN_BLOOM_FILTER_H

#include "parquet/column/column_values.h"
#include "util/mem.h"

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Smallest and largest bitsets, in bytes (one block; the 128 MiB Arrow and parquet-mr cap). */
#define FF_BLOOM_MIN_BYTES 32
#define FF_BLOOM_MAX_BYTES (128 * 1024 * 1024)

typedef struct ff_bloom_filter {
    uint32_t *words; /* num_blocks * 8, owned */
    int64_t num_blocks;
} ff_bloom_filter;

/* Bitset size for ndv distinct values at false-positive probability fpp (0 < fpp < 1):
 * m = -8 ndv / ln(1 - fpp^(1/8)) bits, rounded up to a power of two and clamped to
 * [FF_BLOOM_MIN_BYTES, FF_BLOOM_MAX_BYTES]. */
size_t ff_bloom_optimal_bytes(uint64_t ndv, double fpp);

/* An empty filter of num_bytes (a power of two, at least 32). Caller owns; release with
 * ff_bloom_filter_free(). */
ff_status ff_bloom_filter_init(ff_bloom_filter *filter, size_t num_bytes, ff_error *err);
void ff_bloom_filter_free(ff_bloom_filter *filter);

void ff_bloom_filter_insert(ff_bloom_filter *filter, uint64_t hash);
bool ff_bloom_filter_check(const ff_bloom_filter *filter, uint64_t hash);

/* XXH64 of a value's PLAIN bytes, the hash the filter is defined over. */
uint64_t ff_bloom_hash(const uint8_t *data, size_t len);

/* Appends the BloomFilterHeader and the bitset. */
ff_status ff_bloom_filter_write(const ff_bloom_filter *filter, ff_buf *out, ff_error *err);

/* A set of 64-bit hashes (open addressing, linear probing): the distinct values of a chunk.
 * The zero hash is tracked by a flag, so the table can use 0 as its empty marker. */
typedef struct ff_hash_set {
    uint64_t *slots;
    size_t num_slots; /* power of two, or 0 before the first insert */
    size_t count;     /* distinct hashes, the zero hash included */
    bool has_zero;
} ff_hash_set;

void ff_hash_set_init(ff_hash_set *set);
ff_status ff_hash_set_insert(ff_hash_set *set, uint64_t hash, ff_error *err);
/* Hashes every value of vals (borrowed for the call) into the set. */
ff_status ff_hash_set_insert_values(ff_hash_set *set, const ff_dense_values *vals, ff_error *err);
/* Empties the set and keeps its memory. */
void ff_hash_set_clear(ff_hash_set *set);
void ff_hash_set_free(ff_hash_set *set);

/* Builds a filter sized for the set's count at fpp and inserts every hash. */
ff_status ff_bloom_filter_from_set(const ff_hash_set *set, double fpp, ff_bloom_filter *filter,
                                   ff_error *err);

#endif
