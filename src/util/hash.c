/* XXH64, written from the xxHash specification (doc/xxhash_spec.md): 32-byte stripes over
 * four accumulators, then the tail in 8-, 4- and 1-byte steps, then the avalanche. */
#include "util/hash.h"

#include "util/bytes.h"

#define XXH_PRIME64_1 0x9E3779B185EBCA87ULL
#define XXH_PRIME64_2 0xC2B2AE3D27D4EB4FULL
#define XXH_PRIME64_3 0x165667B19E3779F9ULL
#define XXH_PRIME64_4 0x85EBCA77C2B2AE63ULL
#define XXH_PRIME64_5 0x27D4EB2F165667C5ULL

static inline uint64_t xxh_rotl64(uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}
static inline uint64_t xxh_round(uint64_t acc, uint64_t lane) {
    acc += lane * XXH_PRIME64_2;
    acc = xxh_rotl64(acc, 31);
    return acc * XXH_PRIME64_1;
}
static inline uint64_t xxh_merge(uint64_t acc, uint64_t val) {
    acc ^= xxh_round(0, val);
    return acc * XXH_PRIME64_1 + XXH_PRIME64_4;
}

uint64_t ff_xxh64(const void *data, size_t len, uint64_t seed) {
    const uint8_t *p = data;
    const uint8_t *end = p + len;
    uint64_t h;
    if (len >= 32) {
        uint64_t v1 = seed + XXH_PRIME64_1 + XXH_PRIME64_2;
        uint64_t v2 = seed + XXH_PRIME64_2;
        uint64_t v3 = seed;
        uint64_t v4 = seed - XXH_PRIME64_1;
        const uint8_t *limit = end - 32;
        do {
            v1 = xxh_round(v1, ff_load_le64(p));
            v2 = xxh_round(v2, ff_load_le64(p + 8));
            v3 = xxh_round(v3, ff_load_le64(p + 16));
            v4 = xxh_round(v4, ff_load_le64(p + 24));
            p += 32;
        } while (p <= limit);
        h = xxh_rotl64(v1, 1) + xxh_rotl64(v2, 7) + xxh_rotl64(v3, 12) + xxh_rotl64(v4, 18);
        h = xxh_merge(h, v1);
        h = xxh_merge(h, v2);
        h = xxh_merge(h, v3);
        h = xxh_merge(h, v4);
    } else {
        h = seed + XXH_PRIME64_5;
    }
    h += (uint64_t)len;
    while (end - p >= 8) {
        h ^= xxh_round(0, ff_load_le64(p));
        h = xxh_rotl64(h, 27) * XXH_PRIME64_1 + XXH_PRIME64_4;
        p += 8;
    }
    if (end - p >= 4) {
        h ^= (uint64_t)ff_load_le32(p) * XXH_PRIME64_1;
        h = xxh_rotl64(h, 23) * XXH_PRIME64_2 + XXH_PRIME64_3;
        p += 4;
    }
    while (p < end) {
        h ^= (*p) * XXH_PRIME64_5;
        h = xxh_rotl64(h, 11) * XXH_PRIME64_1;
        p++;
    }
    h ^= h >> 33;
    h *= XXH_PRIME64_2;
    h ^= h >> 29;
    h *= XXH_PRIME64_3;
    h ^= h >> 32;
    return h;
}
