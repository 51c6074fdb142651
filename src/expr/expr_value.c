/* Scalar helpers of the expression language: the proleptic Gregorian calendar (days from
 * civil dates and back, after Howard Hinnant's algorithms), parsing and formatting of DATE,
 * TIME and TIMESTAMP text in the forms DuckDB reads and prints, exact decimal text and
 * rescaling on 128-bit integers, the total order of doubles, and the mapping between column
 * types (ff_type) and the evaluator's internal types. Everything here is pure and works in
 * UTC; no time zone database is consulted. */
#include "expr/expr_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t x_days_from_civil(int64_t year, unsigned month, unsigned day) {
    year -= month <= 2;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yoe = (unsigned)(year - era * 400);
    const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void x_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day) {
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = (unsigned)(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (*month <= 2);
}

int64_t x_unit_per_second(uint8_t unit) {
    return unit == FF_TIME_MILLIS ? 1000 : unit == FF_TIME_MICROS ? 1000000 : 1000000000;
}

int64_t x_unit_per_day(uint8_t unit) {
    return x_unit_per_second(unit) * 86400;
}

static bool is_leap(int64_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned days_in_month(int64_t year, unsigned month) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Reads exactly `width` digits (or 1..width when width_is_max) at *i. */
static bool read_digits(const uint8_t *s, size_t len, size_t *i, int min_width, int max_width,
                        int64_t *out) {
    int64_t value = 0;
    int n = 0;
    while (*i < len && n < max_width && s[*i] >= '0' && s[*i] <= '9') {
        value = value * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    *out = value;
    return n >= min_width;
}

static void skip_spaces(const uint8_t *s, size_t len, size_t *i) {
    while (*i < len && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
}

/* YYYY-MM-DD at *i (years 1..9999 written with 4 digits; a leading '-' is refused). */
static bool parse_date_part(const uint8_t *s, size_t len, size_t *i, int64_t *days) {
    int64_t year, month, day;
    if (!read_digits(s, len, i, 4, 6, &year) || *i >= len || s[*i] != '-')
        return false;
    (*i)++;
    if (!read_digits(s, len, i, 1, 2, &month) || *i >= len || s[*i] != '-')
        return false;
    (*i)++;
    if (!read_digits(s, len, i, 1, 2, &day))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > (int64_t)days_in_month(year, (unsigned)month))
        return false;
    *days = x_days_from_civil(year, (unsigned)month, (unsigned)day);
    return true;
}

bool x_parse_date(const uint8_t *s, size_t len, int64_t *days) {
    size_t i = 0;
    skip_spaces(s, len, &i);
    if (!parse_date_part(s, len, &i, days))
        return false;
    skip_spaces(s, len, &i);
    return i == len;
}

/* HH:MM[:SS[.fffffffff]] at *i into nanoseconds of the day. */
static bool parse_time_part(const uint8_t *s, size_t len, size_t *i, int64_t *nanos) {
    int64_t hour, minute, second = 0, frac = 0;
    if (!read_digits(s, len, i, 1, 2, &hour) || *i >= len || s[*i] != ':')
        return false;
    (*i)++;
    if (!read_digits(s, len, i, 2, 2, &minute))
        return false;
    if (*i < len && s[*i] == ':') {
        (*i)++;
        if (!read_digits(s, len, i, 2, 2, &second))
            return false;
        if (*i < len && s[*i] == '.') {
            (*i)++;
            int digits = 0;
            while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
                if (digits < 9) {
                    frac = frac * 10 + (s[*i] - '0');
                    digits++;
                }
                (*i)++;
            }
            if (digits == 0)
                return false;
            for (; digits < 9; digits++)
                frac *= 10;
        }
    }
    if (hour > 24 || minute > 59 || second > 59 || (hour == 24 && (minute || second || frac)))
        return false;
    *nanos = ((hour * 60 + minute) * 60 + second) * 1000000000LL + frac;
    return true;
}

static int64_t nanos_to_unit(int64_t nanos, uint8_t unit) {
    return unit == FF_TIME_NANOS ? nanos : unit == FF_TIME_MICROS ? nanos / 1000 : nanos / 1000000;
}

bool x_parse_timestamp(const uint8_t *s, size_t len, uint8_t unit, int64_t *out) {
    size_t i = 0;
    int64_t days, nanos = 0, offset_minutes = 0;
    skip_spaces(s, len, &i);
    if (!parse_date_part(s, len, &i, &days))
        return false;
    if (i < len && (s[i] == ' ' || s[i] == 'T' || s[i] == 't')) {
        size_t save = i;
        i++;
        skip_spaces(s, len, &i);
        if (i < len && s[i] >= '0' && s[i] <= '9') {
            if (!parse_time_part(s, len, &i, &nanos))
                return false;
        } else {
            i = save;
        }
    }
    skip_spaces(s, len, &i);
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        bool negative = s[i] == '-';
        int64_t hours, minutes = 0;
        i++;
        if (!read_digits(s, len, &i, 1, 2, &hours))
            return false;
        if (i < len && s[i] == ':')
            i++;
        if (i < len && s[i] >= '0' && s[i] <= '9' && !read_digits(s, len, &i, 2, 2, &minutes))
            return false;
        offset_minutes = (hours * 60 + minutes) * (negative ? -1 : 1);
    } else if (i + 3 <= len && (s[i] == 'U' || s[i] == 'u') &&
               (s[i + 1] == 'T' || s[i + 1] == 't') && (s[i + 2] == 'C' || s[i + 2] == 'c')) {
        i += 3;
    }
    skip_spaces(s, len, &i);
    if (i != len)
        return false;
    int64_t per_day = x_unit_per_day(unit);
    int64_t value;
    if (__builtin_mul_overflow(days, per_day, &value) ||
        __builtin_add_overflow(value, nanos_to_unit(nanos, unit), &value) ||
        __builtin_sub_overflow(value, offset_minutes * 60 * x_unit_per_second(unit), &value))
        return false;
    *out = value;
    return true;
}

bool x_parse_time(const uint8_t *s, size_t len, uint8_t unit, int64_t *out) {
    size_t i = 0;
    int64_t nanos;
    skip_spaces(s, len, &i);
    if (!parse_time_part(s, len, &i, &nanos))
        return false;
    skip_spaces(s, len, &i);
    if (i != len)
        return false;
    *out = nanos_to_unit(nanos, unit);
    return true;
}

size_t x_format_date(int64_t days, char *buf) {
    int64_t year;
    unsigned month, day;
    x_civil_from_days(days, &year, &month, &day);
    if (year <= 0)
        return (size_t)snprintf(buf, 64, "%04lld-%02u-%02u (BC)", (long long)(1 - year), month,
                                day);
    return (size_t)snprintf(buf, 64, "%04lld-%02u-%02u", (long long)year, month, day);
}

/* Appends ".fff" with trailing zeros removed, as DuckDB prints fractional seconds. */
static size_t format_fraction(int64_t frac, uint8_t unit, char *buf) {
    if (frac == 0)
        return 0;
    int digits = unit == FF_TIME_MILLIS ? 3 : unit == FF_TIME_MICROS ? 6 : 9;
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%0*lld", digits, (long long)frac);
    int n = digits;
    while (n > 0 && tmp[n - 1] == '0')
        n--;
    buf[0] = '.';
    memcpy(buf + 1, tmp, (size_t)n);
    buf[n + 1] = 0;
    return (size_t)n + 1;
}

size_t x_format_time(int64_t value, uint8_t unit, char *buf) {
    int64_t per_second = x_unit_per_second(unit);
    int64_t seconds = x_floor_div(value, per_second);
    int64_t frac = x_floor_mod(value, per_second);
    size_t n = (size_t)snprintf(buf, 64, "%02lld:%02lld:%02lld", (long long)(seconds / 3600),
                                (long long)(seconds / 60 % 60), (long long)(seconds % 60));
    return n + format_fraction(frac, unit, buf + n);
}

size_t x_format_timestamp(int64_t value, uint8_t unit, char *buf) {
    int64_t per_day = x_unit_per_day(unit);
    int64_t days = x_floor_div(value, per_day);
    int64_t rem = x_floor_mod(value, per_day);
    size_t n = x_format_date(days, buf);
    buf[n++] = ' ';
    return n + x_format_time(rem, unit, buf + n);
}

size_t x_format_interval(int64_t micros, char *buf) {
    int64_t days = micros / 86400000000LL;
    int64_t rem = micros % 86400000000LL;
    size_t n = 0;
    if (days)
        n += (size_t)snprintf(buf, 64, "%lld day%s", (long long)days,
                              days == 1 || days == -1 ? "" : "s");
    if (rem || !days) {
        if (n)
            buf[n++] = ' ';
        if (rem < 0) {
            buf[n++] = '-';
            rem = -rem;
        }
        n += x_format_time(rem, FF_TIME_MICROS, buf + n);
    }
    return n;
}

x_i128 x_pow10(int n) {
    x_i128 v = 1;
    for (int k = 0; k < n; k++)
        v *= 10;
    return v;
}

bool x_dec_fits(x_i128 value, int precision) {
    x_i128 limit = x_pow10(precision);
    return value < limit && value > -limit;
}

size_t x_format_decimal(x_i128 value, int scale, char *buf) {
    char digits[48];
    int n = 0;
    bool negative = value < 0;
    unsigned __int128 u =
        negative ? (unsigned __int128)(-(value + 1)) + 1 : (unsigned __int128)value;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n <= scale)
        digits[n++] = '0';
    size_t len = 0;
    if (negative)
        buf[len++] = '-';
    for (int k = n - 1; k >= 0; k--) {
        buf[len++] = digits[k];
        if (k == scale && scale > 0)
            buf[len++] = '.';
    }
    buf[len] = 0;
    return len;
}

size_t x_format_double(double value, char *buf) {
    if (isnan(value))
        return (size_t)snprintf(buf, 64, "nan");
    if (isinf(value))
        return (size_t)snprintf(buf, 64, value < 0 ? "-inf" : "inf");
    /* The shortest text that reads back as the same double, like DuckDB's. */
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, 64, "%.*g", digits, value);
        if (strtod(buf, NULL) == value)
            break;
    }
    /* Whole numbers print with ".0", as DuckDB does. */
    if (!strpbrk(buf, ".en")) {
        size_t len = strlen(buf);
        memcpy(buf + len, ".0", 3);
    }
    return strlen(buf);
}

bool x_parse_decimal(const uint8_t *s, size_t len, int precision, int scale, x_i128 *out) {
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    bool negative = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        negative = s[i] == '-';
        i++;
    }
    /* value = D * 10^e, D the significant digits (leading zeros dropped). */
    uint8_t digits[200];
    int num_digits = 0;
    int64_t e = 0;
    bool any = false, seen_point = false;
    for (; i < len; i++) {
        uint8_t c = s[i];
        if (c == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (c < '0' || c > '9')
            break;
        any = true;
        if (num_digits == 0 && c == '0') {
            if (seen_point)
                e--;
            continue;
        }
        if (num_digits == (int)sizeof digits)
            return false;
        digits[num_digits++] = (uint8_t)(c - '0');
        if (seen_point)
            e--;
    }
    if (!any)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool exp_negative = false;
        int64_t exponent = 0;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            exp_negative = s[i] == '-';
            i++;
        }
        if (i >= len || s[i] < '0' || s[i] > '9')
            return false;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (exponent < 100000)
                exponent = exponent * 10 + (s[i] - '0');
            i++;
        }
        e += exp_negative ? -exponent : exponent;
    }
    if (i != len)
        return false;
    /* Wanted: round(D * 10^(e + scale)), half away from zero. */
    int64_t k = e + scale;
    int64_t keep = num_digits + k; /* digits of the result before rounding */
    if (keep > 38)
        return false;
    x_i128 value = 0;
    for (int64_t d = 0; d < keep; d++)
        value = value * 10 + (d < num_digits ? digits[d] : 0);
    if (keep < num_digits && keep >= 0 && digits[keep] >= 5)
        value++;
    if (!x_dec_fits(value, precision))
        return false;
    *out = negative ? -value : value;
    return true;
}

bool x_rescale(x_i128 value, int from_scale, int to_scale, x_i128 *out) {
    if (to_scale >= from_scale) {
        x_i128 factor = x_pow10(to_scale - from_scale);
        x_i128 limit = x_pow10(38);
        if (value > limit / factor || value < -limit / factor)
            return false;
        *out = value * factor;
        return true;
    }
    x_i128 divisor = x_pow10(from_scale - to_scale);
    x_i128 q = value / divisor, r = value % divisor;
    if (r * 2 >= divisor)
        q++;
    else if (r * 2 <= -divisor)
        q--;
    *out = q;
    return true;
}

int64_t x_double_key(double d) {
    if (isnan(d))
        return INT64_MAX;
    if (d == 0)
        d = 0; /* -0 == 0 */
    int64_t bits;
    memcpy(&bits, &d, sizeof bits);
    /* Flip negative numbers so that integer order matches numeric order. */
    return bits < 0 ? bits ^ INT64_MAX : bits;
}

size_t x_type_name(const x_type *type, char *buf, size_t cap) {
    static const char *const units[] = {"MILLIS", "MICROS", "NANOS"};
    switch ((x_kind)type->kind) {
    case XK_NULL:
        return (size_t)snprintf(buf, cap, "NULL");
    case XK_BOOL:
        return (size_t)snprintf(buf, cap, "BOOLEAN");
    case XK_INT: {
        static const char *const names[] = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT"};
        int idx = type->int_bits == 8 ? 0 : type->int_bits == 16 ? 1 : type->int_bits == 32 ? 2 : 3;
        return (size_t)snprintf(buf, cap, "%s%s", type->is_unsigned ? "U" : "", names[idx]);
    }
    case XK_DEC:
        return (size_t)snprintf(buf, cap, "DECIMAL(%d,%d)", type->precision, type->scale);
    case XK_DOUBLE:
        return (size_t)snprintf(buf, cap, "%s", type->is_float32 ? "FLOAT" : "DOUBLE");
    case XK_STRING:
        return (size_t)snprintf(buf, cap, "VARCHAR");
    case XK_BINARY:
        return (size_t)snprintf(buf, cap, "BLOB");
    case XK_DATE:
        return (size_t)snprintf(buf, cap, "DATE");
    case XK_TIME:
        return (size_t)snprintf(buf, cap, "TIME(%s)", units[type->unit % 3]);
    case XK_TIMESTAMP:
        return (size_t)snprintf(buf, cap, "TIMESTAMP(%s%s)", units[type->unit % 3],
                                type->is_utc ? ", UTC" : "");
    case XK_INTERVAL:
        return (size_t)snprintf(buf, cap, "INTERVAL");
    }
    return (size_t)snprintf(buf, cap, "?");
}

bool x_type_equal(const x_type *a, const x_type *b) {
    if (a->kind != b->kind)
        return false;
    switch ((x_kind)a->kind) {
    case XK_INT:
        return a->int_bits == b->int_bits && a->is_unsigned == b->is_unsigned;
    case XK_DEC:
        return a->precision == b->precision && a->scale == b->scale;
    case XK_DOUBLE:
        return a->is_float32 == b->is_float32;
    case XK_TIME:
        return a->unit == b->unit;
    case XK_TIMESTAMP:
        return a->unit == b->unit && a->is_utc == b->is_utc;
    default:
        return true;
    }
}

bool x_type_from_ff(const ff_type *ff, x_type *out, const char **why) {
    x_type t;
    memset(&t, 0, sizeof t);
    *why = NULL;
    switch (ff->logical) {
    case FF_LOGICAL_NULL:
        t.kind = XK_NULL;
        *out = t;
        return true;
    case FF_LOGICAL_LIST:
    case FF_LOGICAL_MAP:
    case FF_LOGICAL_VARIANT:
        *why = "a nested column; expressions read top-level primitive columns";
        return false;
    case FF_LOGICAL_INTERVAL:
        *why = "a Parquet INTERVAL column, which expressions cannot read";
        return false;
    default:
        break;
    }
    switch (ff->physical) {
    case FF_PHYSICAL_BOOLEAN:
        t.kind = XK_BOOL;
        break;
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_INT64:
        if (ff->logical == FF_LOGICAL_DECIMAL) {
            if (ff->precision < 1 || ff->precision > 38 || ff->scale < 0 ||
                ff->scale > ff->precision) {
                *why = "a DECIMAL with an invalid precision or scale";
                return false;
            }
            t.kind = XK_DEC;
            t.precision = (uint8_t)ff->precision;
            t.scale = (uint8_t)ff->scale;
        } else if (ff->logical == FF_LOGICAL_DATE && ff->physical == FF_PHYSICAL_INT32) {
            t.kind = XK_DATE;
        } else if (ff->logical == FF_LOGICAL_TIMESTAMP && ff->physical == FF_PHYSICAL_INT64) {
            t.kind = XK_TIMESTAMP;
            t.unit = (uint8_t)ff->unit;
            t.is_utc = ff->is_adjusted_to_utc;
        } else if (ff->logical == FF_LOGICAL_TIME) {
            t.kind = XK_TIME;
            t.unit = (uint8_t)ff->unit;
        } else {
            t.kind = XK_INT;
            t.int_bits = ff->physical == FF_PHYSICAL_INT32 ? 32 : 64;
            if (ff->logical == FF_LOGICAL_INT) {
                t.int_bits = (uint8_t)ff->int_bit_width;
                t.is_unsigned = !ff->int_is_signed;
                if (t.int_bits != 8 && t.int_bits != 16 && t.int_bits != 32 && t.int_bits != 64)
                    t.int_bits = ff->physical == FF_PHYSICAL_INT32 ? 32 : 64;
            }
        }
        break;
    case FF_PHYSICAL_INT96:
        t.kind = XK_TIMESTAMP;
        t.unit = FF_TIME_NANOS;
        t.is_utc = true;
        break;
    case FF_PHYSICAL_FLOAT:
        t.kind = XK_DOUBLE;
        t.is_float32 = true;
        break;
    case FF_PHYSICAL_DOUBLE:
        t.kind = XK_DOUBLE;
        break;
    case FF_PHYSICAL_BYTE_ARRAY:
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
        if (ff->logical == FF_LOGICAL_DECIMAL) {
            if (ff->precision < 1 || ff->precision > 38 || ff->scale < 0 ||
                ff->scale > ff->precision) {
                *why = "a DECIMAL with an invalid precision or scale, or wider than 38 digits";
                return false;
            }
            t.kind = XK_DEC;
            t.precision = (uint8_t)ff->precision;
            t.scale = (uint8_t)ff->scale;
        } else if (ff->logical == FF_LOGICAL_FLOAT16 &&
                   ff->physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY && ff->type_length == 2) {
            t.kind = XK_DOUBLE;
            t.is_float32 = true;
        } else if (ff->physical == FF_PHYSICAL_BYTE_ARRAY &&
                   (ff->logical == FF_LOGICAL_STRING || ff->logical == FF_LOGICAL_ENUM ||
                    ff->logical == FF_LOGICAL_JSON)) {
            t.kind = XK_STRING;
        } else {
            t.kind = XK_BINARY;
        }
        break;
    default:
        *why = "of an unknown physical type";
        return false;
    }
    *out = t;
    return true;
}

/* Bytes of the smallest FIXED_LEN_BYTE_ARRAY that holds `precision` decimal digits. */
static int32_t decimal_flba_len(int precision) {
    for (int32_t bytes = 1; bytes < 16; bytes++) {
        /* Largest positive value of a two's complement of `bytes` bytes: 2^(8*bytes-1) - 1. */
        x_i128 max = ((x_i128)1 << (8 * bytes - 1)) - 1;
        if (max >= x_pow10(precision) - 1)
            return bytes;
    }
    return 16;
}

void x_type_to_ff(const x_type *type, ff_type *out) {
    memset(out, 0, sizeof *out);
    switch ((x_kind)type->kind) {
    case XK_NULL:
        out->physical = FF_PHYSICAL_INT32;
        out->logical = FF_LOGICAL_NULL;
        break;
    case XK_BOOL:
        out->physical = FF_PHYSICAL_BOOLEAN;
        break;
    case XK_INT:
        out->physical = type->int_bits <= 32 ? FF_PHYSICAL_INT32 : FF_PHYSICAL_INT64;
        if (type->int_bits < 32 || type->is_unsigned) {
            out->logical = FF_LOGICAL_INT;
            out->int_bit_width = (int8_t)type->int_bits;
            out->int_is_signed = !type->is_unsigned;
        }
        break;
    case XK_DEC:
        out->logical = FF_LOGICAL_DECIMAL;
        out->precision = type->precision;
        out->scale = type->scale;
        if (type->precision <= 9) {
            out->physical = FF_PHYSICAL_INT32;
        } else if (type->precision <= 18) {
            out->physical = FF_PHYSICAL_INT64;
        } else {
            out->physical = FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
            out->type_length = decimal_flba_len(type->precision);
        }
        break;
    case XK_DOUBLE:
        out->physical = type->is_float32 ? FF_PHYSICAL_FLOAT : FF_PHYSICAL_DOUBLE;
        break;
    case XK_STRING:
        out->physical = FF_PHYSICAL_BYTE_ARRAY;
        out->logical = FF_LOGICAL_STRING;
        break;
    case XK_BINARY:
        out->physical = FF_PHYSICAL_BYTE_ARRAY;
        break;
    case XK_DATE:
        out->physical = FF_PHYSICAL_INT32;
        out->logical = FF_LOGICAL_DATE;
        break;
    case XK_TIME:
        out->physical = type->unit == FF_TIME_MILLIS ? FF_PHYSICAL_INT32 : FF_PHYSICAL_INT64;
        out->logical = FF_LOGICAL_TIME;
        out->unit = (ff_time_unit)type->unit;
        out->is_adjusted_to_utc = true;
        break;
    case XK_TIMESTAMP:
        out->physical = FF_PHYSICAL_INT64;
        out->logical = FF_LOGICAL_TIMESTAMP;
        out->unit = (ff_time_unit)type->unit;
        out->is_adjusted_to_utc = type->is_utc;
        break;
    case XK_INTERVAL:
        /* Not storable; the compiler refuses INTERVAL results before this is used. */
        out->physical = FF_PHYSICAL_INT64;
        break;
    }
}
