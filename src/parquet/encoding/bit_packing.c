/* LSB-first bit packing and unpacking of 32-value groups (see bit_packing.h), used by the
 * RLE/bit-packed hybrid (rle.c) and DELTA_BINARY_PACKED (delta_binary_packed.c).
 *
 * A group of 32 values of width w is exactly w 32-bit little-endian words. Value i starts at
 * bit i*w: word (i*w)/32, shift (i*w)%32, and spills into the next word (or, for widths above
 * 32, the next two) when shift + w exceeds the word. With w a compile-time constant in each
 * switch case, the unrolled loop reduces to fixed loads, shifts and masks, and only words
 * that hold bits of some value are read. */
#include "parquet/encoding/bit_packing.h"

#include "util/bytes.h"

#define FF_BITS_UNROLL _Pragma("GCC unroll 32")

static inline __attribute__((always_inline)) void unpack32_u32_width(const uint8_t *in,
                                                                     uint32_t *out, const int bw) {
    const uint32_t mask = bw == 32 ? 0xffffffffu : ((1u << (bw & 31)) - 1u);
    FF_BITS_UNROLL
    for (int i = 0; i < 32; i++) {
        const int bit = i * bw;
        const int word = bit >> 5;
        const int shift = bit & 31;
        uint32_t v = ff_load_le32(in + 4 * word) >> shift;
        if (shift + bw > 32)
            v |= ff_load_le32(in + 4 * word + 4) << ((32 - shift) & 31);
        out[i] = v & mask;
    }
}

static inline __attribute__((always_inline)) void unpack32_u64_width(const uint8_t *in,
                                                                     uint64_t *out, const int bw) {
    const uint64_t mask = bw == 64 ? ~(uint64_t)0 : (((uint64_t)1 << (bw & 63)) - 1u);
    FF_BITS_UNROLL
    for (int i = 0; i < 32; i++) {
        const int bit = i * bw;
        const int word = bit >> 5;
        const int shift = bit & 31;
        uint64_t v = (uint64_t)ff_load_le32(in + 4 * word) >> shift;
        if (shift + bw > 32)
            v |= (uint64_t)ff_load_le32(in + 4 * word + 4) << (32 - shift);
        if (shift + bw > 64)
            v |= (uint64_t)ff_load_le32(in + 4 * word + 8) << ((64 - shift) & 63);
        out[i] = v & mask;
    }
}

/* The case lists are laid out by hand: clang-format does not settle on one layout for them. */
/* clang-format off */
#define FF_BITS_CASES_1_32(X)                                                                      \
    X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12)                                 \
    X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24)                        \
    X(25) X(26) X(27) X(28) X(29) X(30) X(31) X(32)
#define FF_BITS_CASES_33_64(X)                                                                     \
    X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) X(41) X(42) X(43) X(44)                        \
    X(45) X(46) X(47) X(48) X(49) X(50) X(51) X(52) X(53) X(54) X(55) X(56)                        \
    X(57) X(58) X(59) X(60) X(61) X(62) X(63) X(64)
/* clang-format on */

void ff_unpack32_u32(const uint8_t *in, uint32_t *out, int bit_width) {
    switch (bit_width) {
#define FF_BITS_CASE(k)                                                                            \
    case k:                                                                                        \
        unpack32_u32_width(in, out, k);                                                            \
        return;
        FF_BITS_CASES_1_32(FF_BITS_CASE)
#undef FF_BITS_CASE
    default:
        memset(out, 0, 32 * sizeof *out);
        return;
    }
}

void ff_unpack32_u64(const uint8_t *in, uint64_t *out, int bit_width) {
    switch (bit_width) {
#define FF_BITS_CASE(k)                                                                            \
    case k:                                                                                        \
        unpack32_u64_width(in, out, k);                                                            \
        return;
        FF_BITS_CASES_1_32(FF_BITS_CASE)
        FF_BITS_CASES_33_64(FF_BITS_CASE)
#undef FF_BITS_CASE
    default:
        memset(out, 0, 32 * sizeof *out);
        return;
    }
}

/* Packing runs on the write path, where a simple accumulator loop is fast enough: the
 * accumulator holds fewer than 8 pending bits plus at most 32 new ones. */
static void pack_bits_u32(const uint32_t *in, int count, uint8_t **out, int bw, uint64_t *acc,
                          int *pending) {
    const uint64_t mask = bw == 32 ? 0xffffffffu : (((uint64_t)1 << bw) - 1);
    for (int i = 0; i < count; i++) {
        *acc |= ((uint64_t)in[i] & mask) << *pending;
        *pending += bw;
        while (*pending >= 8) {
            *(*out)++ = (uint8_t)*acc;
            *acc >>= 8;
            *pending -= 8;
        }
    }
}

void ff_pack32_u32(const uint32_t *in, uint8_t *out, int bit_width) {
    if (bit_width <= 0)
        return;
    uint64_t acc = 0;
    int pending = 0;
    pack_bits_u32(in, 32, &out, bit_width, &acc, &pending);
}

void ff_pack32_u64(const uint64_t *in, uint8_t *out, int bit_width) {
    if (bit_width <= 0)
        return;
    if (bit_width <= 32) {
        uint32_t narrow[32];
        for (int i = 0; i < 32; i++)
            narrow[i] = (uint32_t)in[i];
        ff_pack32_u32(narrow, out, bit_width);
        return;
    }
    /* The low 32 bits and then the high bit_width-32 bits of each value, in stream order:
     * the same bits an LSB-first packer of the whole value would write. */
    uint64_t acc = 0;
    int pending = 0;
    for (int i = 0; i < 32; i++) {
        uint32_t low = (uint32_t)in[i];
        uint32_t high = (uint32_t)(in[i] >> 32);
        pack_bits_u32(&low, 1, &out, 32, &acc, &pending);
        pack_bits_u32(&high, 1, &out, bit_width - 32, &acc, &pending);
    }
}

ff_status ff_enc_put_uvarint(ff_buf *out, uint64_t value, ff_error *err) {
    uint8_t bytes[10];
    size_t n = 0;
    while (value >= 0x80) {
        bytes[n++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    bytes[n++] = (uint8_t)value;
    return ff_buf_append(out, bytes, n, err);
}
