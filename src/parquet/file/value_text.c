/* Canonical text of single values (../shared/corpus/README.md, "Canonical row text") and the
 * text sink. See value_text.h for the sink's modes.
 *
 * Numbers: integers beyond +-(2^53 - 1) become strings so JSON readers do not round them;
 * doubles use the shortest digit string that reads back to the same double, laid out as
 * ECMAScript's Number.prototype.toString. Calendar: days since 1970-01-01 are converted with
 * the era-based civil-from-days algorithm, valid for any 64-bit day count, so the overflowed
 * INT96 values real writers produce still render exactly. */
#include "parquet/file/value_text.h"

#include "util/bytes.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define FF_MAX_SAFE_INTEGER 9007199254740991LL /* 2^53 - 1 */

/* The two byte loops below run over every byte of every string a fingerprint covers (2 GiB
 * for the corpus's largest file). Unoptimised debug builds, which run the test suite, would
 * spend a minute there, so GCC is asked to optimise just these loops whatever the build
 * type; release builds are unaffected. */
#if defined(__GNUC__) && !defined(__clang__)
#define FF_HOT_LOOP __attribute__((optimize("O2")))
#else
#define FF_HOT_LOOP
#endif

/* FNV-1a 64 (util/hash.h) over a long span. */
FF_HOT_LOOP static uint64_t hash_span(uint64_t hash, const uint8_t *bytes, size_t len) {
    size_t byte_idx = 0;
    /* One load per eight bytes (little-endian, so the bytes come out in order). */
    for (; byte_idx + 8 <= len; byte_idx += 8) {
        uint64_t word;
        memcpy(&word, bytes + byte_idx, 8);
        for (int shift = 0; shift < 64; shift += 8) {
            hash ^= (word >> shift) & 0xff;
            hash *= 0x100000001b3ULL;
        }
    }
    for (; byte_idx < len; byte_idx++) {
        hash ^= bytes[byte_idx];
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

/* Length of the prefix of bytes that a JSON string takes unescaped: no control character,
 * quote or backslash. Eight bytes at a time with the classic "has a byte less than n" and
 * "has a zero byte" word tricks; a hit is settled byte by byte. */
FF_HOT_LOOP static size_t unescaped_prefix(const uint8_t *bytes, size_t len) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t pos = 0;
    while (pos + 8 <= len) {
        uint64_t word;
        memcpy(&word, bytes + pos, 8); /* not ff_load_le64: that would not be inlined here */
        uint64_t quote = word ^ (ones * '"'), backslash = word ^ (ones * '\\');
        uint64_t special = ((word - ones * 0x20) & ~word) | ((quote - ones) & ~quote) |
                           ((backslash - ones) & ~backslash);
        if (special & highs)
            break;
        pos += 8;
    }
    while (pos < len && bytes[pos] >= 0x20 && bytes[pos] != '"' && bytes[pos] != '\\')
        pos++;
    return pos;
}

void ff_text_sink_init(ff_text_sink *sink, ff_text_sink_mode mode, ff_error *err) {
    memset(sink, 0, sizeof *sink);
    sink->mode = mode;
    ff_buf_init(&sink->buf, 0);
    sink->hash = FF_FNV1A64_INIT;
    sink->err = err;
}

void ff_text_sink_free(ff_text_sink *sink) {
    if (!sink)
        return;
    ff_buf_free(&sink->buf);
}

void ff_text_sink_reset(ff_text_sink *sink) {
    ff_buf_reset(&sink->buf);
    sink->hash = FF_FNV1A64_INIT;
}

uint64_t ff_text_sink_hash(ff_text_sink *sink) {
    if (sink->buf.len) {
        sink->hash = hash_span(sink->hash, sink->buf.data, sink->buf.len);
        ff_buf_reset(&sink->buf);
    }
    return sink->hash;
}

void ff_text_sink_put_slow(ff_text_sink *sink, const void *bytes, size_t len) {
    if (sink->status != FF_OK || sink->mode == FF_SINK_DISCARD || len == 0)
        return;
    if (sink->mode == FF_SINK_HASH) {
        /* Fold pending text first so bytes are hashed in order; a large piece is hashed
         * straight from the caller's memory instead of being copied. */
        if (sink->buf.len + len > FF_SINK_HASH_CHUNK)
            ff_text_sink_hash(sink);
        if (len >= FF_SINK_HASH_CHUNK) {
            sink->hash = hash_span(sink->hash, bytes, len);
            return;
        }
    }
    ff_status status = ff_buf_append(&sink->buf, bytes, len, sink->err);
    if (status != FF_OK)
        sink->status = status;
}

/* ---- numbers ---- */

/* Decimal digits of v into out (no NUL); returns their count. printf costs more than the
 * rest of a row's rendering, and fingerprints render every value of a dataset. */
static int format_u64(char *out, uint64_t v) {
    char reversed[20];
    int len = 0;
    do {
        reversed[len++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int digit_idx = 0; digit_idx < len; digit_idx++)
        out[digit_idx] = reversed[len - 1 - digit_idx];
    return len;
}

/* Exactly `width` digits of v (v < 10^width), zero-padded. */
static void format_fixed(char *out, uint64_t v, int width) {
    for (int digit_idx = width - 1; digit_idx >= 0; digit_idx--) {
        out[digit_idx] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* A number, or a quoted string of its digits beyond the safe integer range. */
static void put_integer(ff_text_sink *sink, bool negative, uint64_t magnitude) {
    char text[24];
    int used = 0;
    bool quoted = magnitude > (uint64_t)FF_MAX_SAFE_INTEGER;
    if (quoted)
        text[used++] = '"';
    if (negative)
        text[used++] = '-';
    used += format_u64(text + used, magnitude);
    if (quoted)
        text[used++] = '"';
    ff_text_sink_put(sink, text, (size_t)used);
}

void ff_text_int(ff_text_sink *sink, int64_t value) {
    put_integer(sink, value < 0, value < 0 ? 0 - (uint64_t)value : (uint64_t)value);
}

void ff_text_uint(ff_text_sink *sink, uint64_t value) {
    put_integer(sink, false, value);
}

/* Digits of a decimal candidate: p significant digits and the exponent of the first. */
typedef struct decimal_digits {
    char digits[24];
    int num_digits;
    int exponent10; /* value = d1.d2d3... x 10^exponent10 */
} decimal_digits;

/* Parses printf's "d[.ddd]e[+-]xx" for a positive value. */
static void parse_exponential(const char *text, decimal_digits *out) {
    out->num_digits = 0;
    const char *p = text;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && out->num_digits < 23)
            out->digits[out->num_digits++] = *p;
    out->exponent10 = *p == 'e' ? atoi(p + 1) : 0;
}

/* The correctly rounded p-digit decimal of the value whose 17-digit form is d17. Rounding
 * the 17 digits gives the same result as rounding the value itself unless the dropped
 * digits are exactly a half (the 17-digit form may then itself be a rounding); that case
 * asks printf for the p digits directly. */
static void round_digits(const decimal_digits *d17, double value, int p, decimal_digits *out) {
    bool exact_half = d17->digits[p] == '5';
    for (int digit_idx = p + 1; exact_half && digit_idx < 17; digit_idx++)
        exact_half = d17->digits[digit_idx] == '0';
    if (exact_half) {
        char text[40];
        snprintf(text, sizeof text, "%.*e", p - 1, value);
        parse_exponential(text, out);
        return;
    }
    memcpy(out->digits, d17->digits, (size_t)p);
    out->num_digits = p;
    out->exponent10 = d17->exponent10;
    if (d17->digits[p] >= '5') {
        int digit_idx = p - 1;
        while (digit_idx >= 0 && out->digits[digit_idx] == '9')
            out->digits[digit_idx--] = '0';
        if (digit_idx >= 0) {
            out->digits[digit_idx]++;
        } else { /* 99..9 rounded up to 100..0 */
            out->digits[0] = '1';
            out->exponent10++;
        }
    }
}

/* Whether the decimal reads back as `value`. Up to 15 digits with a power of ten up to
 * 10^22 this is one correctly rounded IEEE multiplication or division of two exact values
 * (Clinger's fast path), the same result strtod gives; anything else goes to strtod. */
static bool reads_back(const decimal_digits *candidate, double value) {
    static const double powers[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    int scale = candidate->exponent10 - (candidate->num_digits - 1);
    if (candidate->num_digits <= 15 && scale >= -22 && scale <= 22) {
        int64_t mantissa = 0;
        for (int digit_idx = 0; digit_idx < candidate->num_digits; digit_idx++)
            mantissa = mantissa * 10 + (candidate->digits[digit_idx] - '0');
        double back =
            scale >= 0 ? (double)mantissa * powers[scale] : (double)mantissa / powers[-scale];
        return back == value;
    }
    char text[48];
    snprintf(text, sizeof text, "%.*se%d", candidate->num_digits, candidate->digits, scale);
    return strtod(text, NULL) == value;
}

/* ---- shortest digits, exactly, for the common range ----
 *
 * For a double m x 2^e with e < 0 and a decimal exponent E10 in [-3, 16], the value scaled
 * by 10^s (s = 16 - E10, at most 19) is N / 2^shift with N = m x 10^s < 2^117: a 17-digit
 * integer part q and an exact binary fraction. Every p-digit candidate is q rounded at
 * digit p (ties to even, decided exactly), and whether a candidate reads back as the
 * double is a comparison of its distance to N with half the gap to the neighbouring
 * doubles, all in 128-bit integers. No printf, no strtod; values outside the range (tiny,
 * huge, subnormal, large integers) take the printf path above. */

typedef unsigned __int128 u128;

static const uint64_t pow10_u64[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};

typedef struct exact_double {
    uint64_t mantissa; /* m, 53 bits with the implicit one */
    int shift;         /* value x 10^s = n / 2^shift */
    int s;
    u128 n;
    uint64_t q;     /* n >> shift: 17 digits */
    u128 rem;       /* n mod 2^shift */
    int exponent10; /* of q's first digit */
} exact_double;

static bool exact_decompose(double value, exact_double *out) {
    uint64_t bits;
    memcpy(&bits, &value, 8);
    int biased = (int)((bits >> 52) & 0x7ff);
    if (biased == 0 || biased == 0x7ff)
        return false;
    out->mantissa = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
    int e = biased - 1075;
    if (e >= 0)
        return false;
    out->shift = -e;
    int exponent10 = (int)floor(log10(value));
    for (int attempt = 0; attempt < 3; attempt++) {
        int s = 16 - exponent10;
        if (s < 0 || s > 19 || out->shift >= 128)
            return false;
        u128 n = (u128)out->mantissa * pow10_u64[s];
        u128 q = n >> out->shift;
        if (q >= (u128)pow10_u64[17]) {
            exponent10++;
            continue;
        }
        if (q < (u128)pow10_u64[16]) {
            exponent10--;
            continue;
        }
        out->s = s;
        out->n = n;
        out->q = (uint64_t)q;
        out->rem = n & (((u128)1 << out->shift) - 1);
        out->exponent10 = exponent10;
        return true;
    }
    return false;
}

/* q rounded to p digits, kept at q's scale (a multiple of 10^(17-p), up to 10^17). */
static uint64_t exact_round(const exact_double *x, int p) {
    uint64_t div = pow10_u64[17 - p];
    uint64_t kept = x->q / div, dropped = x->q % div;
    int cmp; /* the dropped part against half a unit of the last kept digit */
    if (2 * dropped > div) {
        cmp = 1;
    } else if (2 * dropped + 2 <= div) {
        cmp = -1;
    } else if (2 * dropped == div) {
        cmp = x->rem != 0;
    } else { /* div == 1: only the binary fraction is dropped */
        u128 twice = x->rem << 1, unit = (u128)1 << x->shift;
        cmp = twice > unit ? 1 : twice < unit ? -1 : 0;
    }
    if (cmp > 0 || (cmp == 0 && (kept & 1)))
        kept++;
    return kept * div;
}

/* Whether the candidate (at q's scale) reads back as the double: strictly inside half the
 * gap to either neighbour, or on the boundary when the mantissa is even (ties to even). The
 * gap below is half as wide when the mantissa is a power of two. */
static bool exact_reads_back(const exact_double *x, uint64_t candidate) {
    u128 scaled = (u128)candidate << x->shift;
    u128 limit = pow10_u64[x->s];
    bool even = (x->mantissa & 1) == 0;
    u128 distance;
    if (scaled >= x->n) {
        distance = (scaled - x->n) << 1;
    } else {
        distance = (x->n - scaled) << (x->mantissa == (1ULL << 52) ? 2 : 1);
    }
    return distance < limit || (distance == limit && even);
}

static int exact_shortest(const exact_double *x, char digits[24], int *exponent10) {
    int lo = 1, hi = 17;
    uint64_t best = exact_round(x, 17); /* 17 digits always read back */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        uint64_t candidate = exact_round(x, mid);
        if (exact_reads_back(x, candidate)) {
            hi = mid;
            best = candidate;
        } else {
            lo = mid + 1;
        }
    }
    *exponent10 = x->exponent10;
    if (best == pow10_u64[17]) { /* rounding carried into an 18th digit */
        best = pow10_u64[16];
        (*exponent10)++;
    }
    char text[24];
    int len = format_u64(text, best);
    while (len > 1 && text[len - 1] == '0')
        len--;
    memcpy(digits, text, (size_t)len);
    digits[len] = '\0';
    return len;
}

/* Writes the shortest round-trip digits of a finite, positive value into digits (no
 * trailing zeros) and returns their count; *exponent10 is the exponent of the first digit.
 * Round-tripping is monotonic in the number of digits (the correctly rounded p+1 digit
 * string is at least as close as the p digit one), so a binary search over 1..17 finds
 * the shortest. */
static int shortest_digits(double value, char digits[24], int *exponent10) {
    exact_double exact;
    if (exact_decompose(value, &exact))
        return exact_shortest(&exact, digits, exponent10);
    char text[40];
    decimal_digits d17, candidate, best;
    snprintf(text, sizeof text, "%.16e", value);
    parse_exponential(text, &d17);
    best = d17;
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        round_digits(&d17, value, mid, &candidate);
        if (reads_back(&candidate, value)) {
            hi = mid;
            best = candidate;
        } else {
            lo = mid + 1;
        }
    }
    int num_digits = best.num_digits;
    while (num_digits > 1 && best.digits[num_digits - 1] == '0')
        num_digits--;
    memcpy(digits, best.digits, (size_t)num_digits);
    digits[num_digits] = '\0';
    *exponent10 = best.exponent10;
    return num_digits;
}

void ff_text_double(ff_text_sink *sink, double value) {
    if (isnan(value)) {
        ff_text_sink_puts(sink, "\"NaN\"");
        return;
    }
    if (isinf(value)) {
        ff_text_sink_puts(sink, value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    if (value == 0) {
        ff_text_sink_puts(sink, signbit(value) ? "-0" : "0");
        return;
    }
    if (value < 0) {
        ff_text_sink_putc(sink, '-');
        value = -value;
    }
    char digits[24];
    int exponent10;
    int k = shortest_digits(value, digits, &exponent10);
    int n = exponent10 + 1; /* ECMAScript's n: value = s x 10^(n - k) */
    if (k <= n && n <= 21) {
        ff_text_sink_put(sink, digits, (size_t)k);
        for (int zero_idx = 0; zero_idx < n - k; zero_idx++)
            ff_text_sink_putc(sink, '0');
    } else if (0 < n && n <= 21) {
        ff_text_sink_put(sink, digits, (size_t)n);
        ff_text_sink_putc(sink, '.');
        ff_text_sink_put(sink, digits + n, (size_t)(k - n));
    } else if (-6 < n && n <= 0) {
        ff_text_sink_put(sink, "0.", 2);
        for (int zero_idx = 0; zero_idx < -n; zero_idx++)
            ff_text_sink_putc(sink, '0');
        ff_text_sink_put(sink, digits, (size_t)k);
    } else {
        ff_text_sink_putc(sink, digits[0]);
        if (k > 1) {
            ff_text_sink_putc(sink, '.');
            ff_text_sink_put(sink, digits + 1, (size_t)(k - 1));
        }
        char exponent[16];
        int exponent_len =
            snprintf(exponent, sizeof exponent, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
        ff_text_sink_put(sink, exponent, (size_t)exponent_len);
    }
}

double ff_half_to_double(uint16_t bits) {
    int sign = bits >> 15;
    int exponent = (bits >> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    double magnitude;
    if (exponent == 0)
        magnitude = ldexp((double)mantissa, -24); /* subnormal */
    else if (exponent == 31)
        magnitude = mantissa ? NAN : INFINITY;
    else
        magnitude = ldexp((double)(mantissa | 0x400), exponent - 25);
    return sign ? -magnitude : magnitude;
}

/* ---- strings and bytes ---- */

void ff_text_json_string(ff_text_sink *sink, const uint8_t *bytes, size_t len) {
    static const char hex[] = "0123456789abcdef";
    ff_text_sink_putc(sink, '"');
    size_t pos = 0;
    for (; len > 0;) {
        size_t run_len = unescaped_prefix(bytes + pos, len - pos);
        ff_text_sink_put(sink, bytes + pos, run_len);
        pos += run_len;
        if (pos == len)
            break;
        uint8_t byte = bytes[pos++];
        char escape[6] = {'\\', 0, 0, 0, 0, 0};
        size_t escape_len = 2;
        switch (byte) {
        case '"':
            escape[1] = '"';
            break;
        case '\\':
            escape[1] = '\\';
            break;
        case '\b':
            escape[1] = 'b';
            break;
        case '\t':
            escape[1] = 't';
            break;
        case '\n':
            escape[1] = 'n';
            break;
        case '\f':
            escape[1] = 'f';
            break;
        case '\r':
            escape[1] = 'r';
            break;
        default:
            memcpy(escape + 1, "u00", 3);
            escape[4] = hex[byte >> 4];
            escape[5] = hex[byte & 15];
            escape_len = 6;
            break;
        }
        ff_text_sink_put(sink, escape, escape_len);
    }
    ff_text_sink_putc(sink, '"');
}

void ff_text_hex(ff_text_sink *sink, const uint8_t *bytes, size_t len) {
    static const char hex[] = "0123456789abcdef";
    char chunk[256];
    ff_text_sink_put(sink, "\"0x", 3);
    size_t chunk_len = 0;
    for (size_t byte_idx = 0; byte_idx < len; byte_idx++) {
        chunk[chunk_len++] = hex[bytes[byte_idx] >> 4];
        chunk[chunk_len++] = hex[bytes[byte_idx] & 15];
        if (chunk_len == sizeof chunk) {
            ff_text_sink_put(sink, chunk, chunk_len);
            chunk_len = 0;
        }
    }
    ff_text_sink_put(sink, chunk, chunk_len);
    ff_text_sink_putc(sink, '"');
}

/* ---- decimals ---- */

/* Writes a quoted decimal from its magnitude's decimal digits. */
static void put_decimal_digits(ff_text_sink *sink, bool negative, const char *digits,
                               size_t num_digits, int32_t scale) {
    ff_text_sink_putc(sink, '"');
    if (negative)
        ff_text_sink_putc(sink, '-');
    if (scale <= 0) {
        ff_text_sink_put(sink, digits, num_digits);
    } else if ((size_t)scale >= num_digits) {
        ff_text_sink_put(sink, "0.", 2);
        for (size_t zero_idx = num_digits; zero_idx < (size_t)scale; zero_idx++)
            ff_text_sink_putc(sink, '0');
        ff_text_sink_put(sink, digits, num_digits);
    } else {
        ff_text_sink_put(sink, digits, num_digits - (size_t)scale);
        ff_text_sink_putc(sink, '.');
        ff_text_sink_put(sink, digits + num_digits - (size_t)scale, (size_t)scale);
    }
    ff_text_sink_putc(sink, '"');
}

void ff_text_decimal_i64(ff_text_sink *sink, int64_t unscaled, int32_t scale) {
    bool negative = unscaled < 0;
    uint64_t magnitude = negative ? 0 - (uint64_t)unscaled : (uint64_t)unscaled;
    char digits[32];
    int num_digits = snprintf(digits, sizeof digits, "%" PRIu64, magnitude);
    put_decimal_digits(sink, negative && magnitude != 0, digits, (size_t)num_digits, scale);
}

void ff_text_decimal_be(ff_text_sink *sink, const uint8_t *bytes, size_t len, int32_t scale) {
    if (len <= 8) {
        /* Sign-extend into an int64: the common case, no big arithmetic. */
        uint64_t bits = len && (bytes[0] & 0x80) ? UINT64_MAX : 0;
        for (size_t byte_idx = 0; byte_idx < len; byte_idx++)
            bits = (bits << 8) | bytes[byte_idx];
        ff_text_decimal_i64(sink, (int64_t)bits, scale);
        return;
    }
    /* Big magnitude: little-endian base-2^32 limbs, negated when the sign bit is set, then
     * repeated division by 10^9. Quadratic in the length, which is bounded by the value. */
    bool negative = (bytes[0] & 0x80) != 0;
    size_t num_limbs = (len + 3) / 4;
    uint32_t limb_stack[16];
    char digit_stack[160];
    uint32_t *limbs = num_limbs <= 16 ? limb_stack : malloc(num_limbs * sizeof *limbs);
    size_t digits_cap = num_limbs * 10 + 1;
    char *digits = digits_cap <= sizeof digit_stack ? digit_stack : malloc(digits_cap);
    if (!limbs || !digits) {
        if (sink->status == FF_OK)
            sink->status = ff_error_set(sink->err, FF_ERR_NO_MEMORY, "out of memory");
        goto cleanup;
    }
    for (size_t limb_idx = 0; limb_idx < num_limbs; limb_idx++) {
        uint32_t limb = 0;
        for (int byte_in_limb = 3; byte_in_limb >= 0; byte_in_limb--) {
            size_t from_end = limb_idx * 4 + (size_t)byte_in_limb;
            uint8_t byte = from_end < len ? bytes[len - 1 - from_end] : (negative ? 0xff : 0);
            limb = (limb << 8) | byte;
        }
        limbs[limb_idx] = limb;
    }
    if (negative) {
        uint64_t carry = 1;
        for (size_t limb_idx = 0; limb_idx < num_limbs; limb_idx++) {
            uint64_t sum = (uint64_t)(uint32_t)~limbs[limb_idx] + carry;
            limbs[limb_idx] = (uint32_t)sum;
            carry = sum >> 32;
        }
    }
    /* Digits come out least significant first, nine at a time. */
    size_t num_digits = 0;
    size_t top = num_limbs;
    while (top > 0 && limbs[top - 1] == 0)
        top--;
    while (top > 0) {
        uint64_t remainder = 0;
        for (size_t limb_idx = top; limb_idx-- > 0;) {
            uint64_t current = (remainder << 32) | limbs[limb_idx];
            limbs[limb_idx] = (uint32_t)(current / 1000000000u);
            remainder = current % 1000000000u;
        }
        while (top > 0 && limbs[top - 1] == 0)
            top--;
        for (int digit_idx = 0; digit_idx < 9 && (top > 0 || remainder > 0); digit_idx++) {
            digits[num_digits++] = (char)('0' + remainder % 10);
            remainder /= 10;
        }
    }
    if (num_digits == 0)
        digits[num_digits++] = '0';
    for (size_t left = 0, right = num_digits - 1; left < right; left++, right--) {
        char swap = digits[left];
        digits[left] = digits[right];
        digits[right] = swap;
    }
    put_decimal_digits(sink, negative, digits, num_digits, scale);
cleanup:
    if (limbs != limb_stack)
        free(limbs);
    if (digits != digit_stack)
        free(digits);
}

/* ---- dates and times ---- */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* a - floor_div(a, b) * b for b > 0, without the product (which overflows for a near the
 * ends of the range). */
static int64_t floor_mod(int64_t a, int64_t b) {
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/* Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days,
 * with 400-year eras so any 64-bit count within +-2^60 works). */
static void civil_from_days(int64_t days, int64_t *year, int *month, int *day) {
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

/* "YYYY" for years 0..9999, else a sign and at least six digits (toISOString's form). */
static int format_year(char *out, int64_t year) {
    if (year >= 0 && year <= 9999) {
        format_fixed(out, (uint64_t)year, 4);
        return 4;
    }
    uint64_t magnitude = year < 0 ? 0 - (uint64_t)year : (uint64_t)year;
    out[0] = year < 0 ? '-' : '+';
    if (magnitude < 1000000) {
        format_fixed(out + 1, magnitude, 6);
        return 7;
    }
    return 1 + format_u64(out + 1, magnitude);
}

/* Writes "-MM-DD" after the year. */
static int format_month_day(char *out, int month, int day) {
    out[0] = '-';
    format_fixed(out + 1, (uint64_t)month, 2);
    out[3] = '-';
    format_fixed(out + 4, (uint64_t)day, 2);
    return 6;
}

void ff_text_date(ff_text_sink *sink, int64_t days) {
    char text[48];
    int64_t year;
    int month, day;
    /* Keep the arithmetic in range for hostile day counts; no real date is this far out. */
    if (days > (INT64_C(1) << 60) || days < -(INT64_C(1) << 60)) {
        ff_text_int(sink, days);
        return;
    }
    civil_from_days(days, &year, &month, &day);
    int used = 0;
    text[used++] = '"';
    used += format_year(text + used, year);
    used += format_month_day(text + used, month, day);
    text[used++] = '"';
    ff_text_sink_put(sink, text, (size_t)used);
}

void ff_text_timestamp_parts(ff_text_sink *sink, int64_t days, int64_t nanos_of_day,
                             int frac_digits) {
    char text[64];
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    int64_t seconds = nanos_of_day / 1000000000;
    int64_t fraction = nanos_of_day % 1000000000;
    for (int digit_idx = frac_digits; digit_idx < 9; digit_idx++)
        fraction /= 10;
    int used = 0;
    text[used++] = '"';
    used += format_year(text + used, year);
    used += format_month_day(text + used, month, day);
    text[used++] = 'T';
    format_fixed(text + used, (uint64_t)(seconds / 3600), 2);
    text[used + 2] = ':';
    format_fixed(text + used + 3, (uint64_t)(seconds / 60 % 60), 2);
    text[used + 5] = ':';
    format_fixed(text + used + 6, (uint64_t)(seconds % 60), 2);
    text[used + 8] = '.';
    used += 9;
    format_fixed(text + used, (uint64_t)fraction, frac_digits);
    used += frac_digits;
    text[used++] = 'Z';
    text[used++] = '"';
    ff_text_sink_put(sink, text, (size_t)used);
}

/* Units per second of a TIME/TIMESTAMP unit and the fractional digits it shows. */
static int64_t unit_per_second(ff_time_unit unit, int *frac_digits) {
    switch (unit) {
    case FF_TIME_MILLIS:
        *frac_digits = 3;
        return 1000;
    case FF_TIME_MICROS:
        *frac_digits = 6;
        return 1000000;
    case FF_TIME_NANOS:
        break;
    }
    *frac_digits = 9;
    return 1000000000;
}

static void put_timestamp(ff_text_sink *sink, int64_t value, ff_time_unit unit) {
    int frac_digits;
    int64_t per_second = unit_per_second(unit, &frac_digits);
    int64_t per_day = per_second * 86400;
    int64_t days = floor_div(value, per_day);
    int64_t within_day = floor_mod(value, per_day);
    ff_text_timestamp_parts(sink, days, within_day * (1000000000 / per_second), frac_digits);
}

static void put_time(ff_text_sink *sink, int64_t value, ff_time_unit unit) {
    int frac_digits;
    int64_t per_second = unit_per_second(unit, &frac_digits);
    int64_t seconds = floor_div(value, per_second);
    int64_t fraction = floor_mod(value, per_second);
    char text[80];
    int text_len =
        snprintf(text, sizeof text, "\"%02" PRId64 ":%02d:%02d.%0*" PRId64 "\"", seconds / 3600,
                 (int)(seconds / 60 % 60), (int)(seconds % 60), frac_digits, fraction);
    ff_text_sink_put(sink, text, (size_t)text_len);
}

static void put_int96(ff_text_sink *sink, const uint8_t *value) {
    const int64_t nanos_per_day = INT64_C(86400000000000);
    int64_t nanos = (int64_t)ff_load_le64(value);
    int64_t julian_day = (int32_t)ff_load_le32(value + 8);
    int64_t day_carry = floor_div(nanos, nanos_per_day);
    int64_t days = julian_day - 2440588 + day_carry;
    ff_text_timestamp_parts(sink, days, floor_mod(nanos, nanos_per_day), 9);
}

static void put_uuid(ff_text_sink *sink, const uint8_t *value) {
    static const char hex[] = "0123456789abcdef";
    char text[40];
    size_t used = 0;
    text[used++] = '"';
    for (int byte_idx = 0; byte_idx < 16; byte_idx++) {
        if (byte_idx == 4 || byte_idx == 6 || byte_idx == 8 || byte_idx == 10)
            text[used++] = '-';
        text[used++] = hex[value[byte_idx] >> 4];
        text[used++] = hex[value[byte_idx] & 15];
    }
    text[used++] = '"';
    ff_text_sink_put(sink, text, used);
}

static void put_interval(ff_text_sink *sink, const uint8_t *value) {
    char text[96];
    int text_len = snprintf(text, sizeof text,
                            "{\"months\":%" PRIu32 ",\"days\":%" PRIu32 ",\"millis\":%" PRIu32 "}",
                            ff_load_le32(value), ff_load_le32(value + 4), ff_load_le32(value + 8));
    ff_text_sink_put(sink, text, (size_t)text_len);
}

static bool is_string_kind(ff_logical_kind kind) {
    return kind == FF_LOGICAL_STRING || kind == FF_LOGICAL_ENUM || kind == FF_LOGICAL_JSON;
}

static void render_value(ff_text_sink *sink, const ff_type *type, const uint8_t *value, size_t len);

void ff_text_value(ff_text_sink *sink, const ff_type *type, const uint8_t *value, size_t len) {
    size_t start = sink->buf.len;
    render_value(sink, type, value, len);
    /* Display mode shows scalars without JSON quotes: strings are written bare already;
     * hex, decimals, dates and times are quoted JSON strings without escapes inside. */
    if (sink->bare_strings && sink->mode == FF_SINK_BUFFER && sink->status == FF_OK &&
        !is_string_kind(type->logical) && sink->buf.len >= start + 2 &&
        sink->buf.data[start] == '"' && sink->buf.data[sink->buf.len - 1] == '"') {
        memmove(sink->buf.data + start, sink->buf.data + start + 1, sink->buf.len - start - 2);
        sink->buf.len -= 2;
    }
}

static void render_value(ff_text_sink *sink, const ff_type *type, const uint8_t *value,
                         size_t len) {
    if (type->logical == FF_LOGICAL_NULL) {
        sink->wrote_null = sink->bare_strings;
        ff_text_sink_put(sink, "null", 4);
        return;
    }
    switch (type->physical) {
    case FF_PHYSICAL_BOOLEAN:
        if (len < 1)
            break;
        ff_text_sink_puts(sink, value[0] ? "true" : "false");
        return;
    case FF_PHYSICAL_INT32: {
        if (len < 4)
            break;
        int32_t v = (int32_t)ff_load_le32(value);
        if (type->logical == FF_LOGICAL_DECIMAL)
            ff_text_decimal_i64(sink, v, type->scale);
        else if (type->logical == FF_LOGICAL_DATE)
            ff_text_date(sink, v);
        else if (type->logical == FF_LOGICAL_TIME)
            put_time(sink, v, type->unit);
        else if (type->logical == FF_LOGICAL_TIMESTAMP)
            put_timestamp(sink, v, type->unit);
        else if (type->logical == FF_LOGICAL_INT && !type->int_is_signed)
            ff_text_uint(sink, (uint32_t)v);
        else
            ff_text_int(sink, v);
        return;
    }
    case FF_PHYSICAL_INT64: {
        if (len < 8)
            break;
        int64_t v = (int64_t)ff_load_le64(value);
        if (type->logical == FF_LOGICAL_DECIMAL)
            ff_text_decimal_i64(sink, v, type->scale);
        else if (type->logical == FF_LOGICAL_TIMESTAMP)
            put_timestamp(sink, v, type->unit);
        else if (type->logical == FF_LOGICAL_TIME)
            put_time(sink, v, type->unit);
        else if (type->logical == FF_LOGICAL_DATE)
            ff_text_date(sink, v);
        else if (type->logical == FF_LOGICAL_INT && !type->int_is_signed)
            ff_text_uint(sink, (uint64_t)v);
        else
            ff_text_int(sink, v);
        return;
    }
    case FF_PHYSICAL_INT96:
        if (len < 12)
            break;
        put_int96(sink, value);
        return;
    case FF_PHYSICAL_FLOAT: {
        if (len < 4)
            break;
        float f;
        memcpy(&f, value, 4);
        ff_text_double(sink, (double)f);
        return;
    }
    case FF_PHYSICAL_DOUBLE: {
        if (len < 8)
            break;
        double d;
        memcpy(&d, value, 8);
        ff_text_double(sink, d);
        return;
    }
    case FF_PHYSICAL_BYTE_ARRAY:
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
        if (is_string_kind(type->logical)) {
            if (sink->bare_strings)
                ff_text_sink_put(sink, value, len);
            else
                ff_text_json_string(sink, value, len);
            return;
        }
        if (type->logical == FF_LOGICAL_DECIMAL) {
            ff_text_decimal_be(sink, value, len, type->scale);
            return;
        }
        if (type->logical == FF_LOGICAL_FLOAT16 && len == 2) {
            ff_text_double(sink, ff_half_to_double(ff_load_le16(value)));
            return;
        }
        if (type->logical == FF_LOGICAL_UUID && len == 16) {
            put_uuid(sink, value);
            return;
        }
        if (type->logical == FF_LOGICAL_INTERVAL && len == 12) {
            put_interval(sink, value);
            return;
        }
        break;
    }
    ff_text_hex(sink, value, len);
}
