/* Little-endian loads and stores and small bit helpers. memcpy-based, so they are safe at
 * any alignment and compile to single moves on x86-64. */
#ifndef FF_UTIL_BYTES_H
#define FF_UTIL_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint16_t ff_load_le16(const uint8_t *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t ff_load_le32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline uint64_t ff_load_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static inline void ff_store_le32(uint8_t *p, uint32_t v) {
    memcpy(p, &v, 4);
}
static inline void ff_store_le64(uint8_t *p, uint64_t v) {
    memcpy(p, &v, 8);
}
static inline uint32_t ff_load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Number of bits needed to represent v (0 for 0). */
static inline int ff_bit_width_u64(uint64_t v) {
    return v ? 64 - __builtin_clzll(v) : 0;
}

/* Validity bitmaps, Arrow layout: bit i of byte i/8, LSB first, 1 = valid. */
static inline int ff_bitmap_get(const uint8_t *bitmap, int64_t i) {
    return (bitmap[i >> 3] >> (i & 7)) & 1;
}
static inline void ff_bitmap_set(uint8_t *bitmap, int64_t i) {
    bitmap[i >> 3] |= (uint8_t)(1u << (i & 7));
}
static inline void ff_bitmap_clear(uint8_t *bitmap, int64_t i) {
    bitmap[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

#endif
