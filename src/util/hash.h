/* Hash functions with fixed, documented outputs:
 *  - FNV-1a 64, the row hash of the content fingerprint (../shared/corpus/README.md),
 *  - XXH64 with seed 0, the hash Parquet's split-block bloom filters are defined over,
 *  - a fast 64-bit mixer for in-memory hash tables (not stable across versions). */
#ifndef FF_UTIL_HASH_H
#define FF_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FF_FNV1A64_INIT 0xcbf29ce484222325ULL

static inline uint64_t ff_fnv1a64_update(uint64_t h, const void *data, size_t len) {
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
static inline uint64_t ff_fnv1a64(const void *data, size_t len) {
    return ff_fnv1a64_update(FF_FNV1A64_INIT, data, len);
}

/* XXH64(data, len, seed), bit-exact with the reference implementation. */
uint64_t ff_xxh64(const void *data, size_t len, uint64_t seed);

static inline uint64_t ff_hash_mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif
