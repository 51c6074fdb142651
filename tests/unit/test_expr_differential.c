/* Differential test of the expression evaluator against DuckDB: a fixed-seed generator builds
 * a random typed table (every flat type the language reads, with NULLs, NaN, ±0, ±Infinity
 * and extreme values) and several hundred random well-typed expressions; FluxForge evaluates
 * them, and DuckDB (tests/interop/expr_oracle.mjs, run with node) evaluates the same SQL over
 * the same rows. Values must agree row for row (doubles within 1e-12 relative), and an error
 * in one must be an error in the other. Boolean expressions are also run as filters, whose
 * selection must be exactly the rows that evaluate to TRUE.
 *
 * DuckDB keeps narrow integer types where FluxForge computes in BIGINT, so the DuckDB table
 * declares integer columns BIGINT and FLOAT columns DOUBLE (their values are exact there);
 * literals stay small so that DuckDB's INTEGER literal arithmetic cannot overflow first.
 * The test is skipped (and passes) when node or the pinned DuckDB package is missing. */
#include "ff_test.h"

#include <fluxforge/expr.h>

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#define NUM_ROWS  120
#define NUM_EXPRS 700
#define SEED      0x5eed2025u

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t next_u64(rng *r) {
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * 0x2545F4914F6CDD1DULL;
}
static int64_t rand_range(rng *r, int64_t lo, int64_t hi) {
    return lo + (int64_t)(next_u64(r) % (uint64_t)(hi - lo + 1));
}
static bool chance(rng *r, int percent) {
    return (int)(next_u64(r) % 100) < percent;
}

/* ---- columns ---- */

typedef enum cls { C_INT, C_DEC, C_DBL, C_STR, C_BOOL, C_DATE, C_TS, C_COUNT } cls;

typedef struct col_def {
    const char *name;
    const char *duck_type;
    cls klass;
    ff_type type;
    bool arith; /* usable in arithmetic (no extreme values) */
} col_def;

enum {
    COL_RID,
    COL_I32,
    COL_I64,
    COL_I16,
    COL_U32,
    COL_IBIG,
    COL_F64,
    COL_F32,
    COL_D9,
    COL_D18,
    COL_D30,
    COL_S,
    COL_S2,
    COL_DT,
    COL_TS,
    COL_TMS,
    COL_B,
    NUM_COLS
};

static col_def cols[NUM_COLS];

static void define_columns(void) {
    memset(cols, 0, sizeof cols);
#define DEF(idx, n, duck, k, phys, ar)                                                             \
    cols[idx].name = n;                                                                            \
    cols[idx].duck_type = duck;                                                                    \
    cols[idx].klass = k;                                                                           \
    cols[idx].type.physical = phys;                                                                \
    cols[idx].arith = ar
    DEF(COL_RID, "rid", "INTEGER", C_INT, FF_PHYSICAL_INT32, false);
    DEF(COL_I32, "i32", "BIGINT", C_INT, FF_PHYSICAL_INT32, true);
    DEF(COL_I64, "i64", "BIGINT", C_INT, FF_PHYSICAL_INT64, true);
    DEF(COL_I16, "i16", "BIGINT", C_INT, FF_PHYSICAL_INT32, true);
    cols[COL_I16].type.logical = FF_LOGICAL_INT;
    cols[COL_I16].type.int_bit_width = 16;
    cols[COL_I16].type.int_is_signed = true;
    DEF(COL_U32, "u32", "BIGINT", C_INT, FF_PHYSICAL_INT32, true);
    cols[COL_U32].type.logical = FF_LOGICAL_INT;
    cols[COL_U32].type.int_bit_width = 32;
    cols[COL_U32].type.int_is_signed = false;
    DEF(COL_IBIG, "ibig", "BIGINT", C_INT, FF_PHYSICAL_INT64, false);
    DEF(COL_F64, "f64", "DOUBLE", C_DBL, FF_PHYSICAL_DOUBLE, true);
    DEF(COL_F32, "f32", "DOUBLE", C_DBL, FF_PHYSICAL_FLOAT, true);
    DEF(COL_D9, "d9", "DECIMAL(9,2)", C_DEC, FF_PHYSICAL_INT32, true);
    cols[COL_D9].type.logical = FF_LOGICAL_DECIMAL;
    cols[COL_D9].type.precision = 9;
    cols[COL_D9].type.scale = 2;
    DEF(COL_D18, "d18", "DECIMAL(18,4)", C_DEC, FF_PHYSICAL_INT64, true);
    cols[COL_D18].type.logical = FF_LOGICAL_DECIMAL;
    cols[COL_D18].type.precision = 18;
    cols[COL_D18].type.scale = 4;
    DEF(COL_D30, "d30", "DECIMAL(30,5)", C_DEC, FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY, true);
    cols[COL_D30].type.logical = FF_LOGICAL_DECIMAL;
    cols[COL_D30].type.precision = 30;
    cols[COL_D30].type.scale = 5;
    cols[COL_D30].type.type_length = 13;
    DEF(COL_S, "s", "VARCHAR", C_STR, FF_PHYSICAL_BYTE_ARRAY, true);
    cols[COL_S].type.logical = FF_LOGICAL_STRING;
    DEF(COL_S2, "s2", "VARCHAR", C_STR, FF_PHYSICAL_BYTE_ARRAY, true);
    cols[COL_S2].type.logical = FF_LOGICAL_STRING;
    DEF(COL_DT, "dt", "DATE", C_DATE, FF_PHYSICAL_INT32, true);
    cols[COL_DT].type.logical = FF_LOGICAL_DATE;
    DEF(COL_TS, "ts", "TIMESTAMP", C_TS, FF_PHYSICAL_INT64, true);
    cols[COL_TS].type.logical = FF_LOGICAL_TIMESTAMP;
    cols[COL_TS].type.unit = FF_TIME_MICROS;
    cols[COL_TS].type.is_adjusted_to_utc = true;
    DEF(COL_TMS, "tms", "TIMESTAMP", C_TS, FF_PHYSICAL_INT64, true);
    cols[COL_TMS].type.logical = FF_LOGICAL_TIMESTAMP;
    cols[COL_TMS].type.unit = FF_TIME_MILLIS;
    DEF(COL_B, "b", "BOOLEAN", C_BOOL, FF_PHYSICAL_BOOLEAN, true);
#undef DEF
}

/* ---- a growable string ---- */

typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
    for (;;) {
        va_list args;
        va_start(args, fmt);
        int n =
            vsnprintf(b->data ? b->data + b->len : NULL, b->data ? b->cap - b->len : 0, fmt, args);
        va_end(args);
        if (b->data && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        b->data = realloc(b->data, cap);
        b->cap = cap;
    }
}

/* ---- table data ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static const char *const string_pool[] = {
    "BTC-USD", "ETH-USD",     "abc",  "ABC", "a_c", "a%c", "",   " pad ",     "it's",
    "x",       "hello world", "Zeta", "zz",  "b",   "ab",  "10", "2025-11-26"};

typedef struct cell {
    bool is_null;
    int64_t i;
    double d;
    __int128 dec;
    char s[32];
} cell;

static cell data[NUM_ROWS][NUM_COLS];

static void random_string(rng *r, char *out) {
    if (chance(r, 60)) {
        snprintf(
            out, 32, "%s",
            string_pool[rand_range(r, 0, (int64_t)(sizeof string_pool / sizeof *string_pool) - 1)]);
        return;
    }
    static const char alphabet[] = "abcAB -_%'xyz019";
    int len = (int)rand_range(r, 0, 8);
    for (int k = 0; k < len; k++)
        out[k] = alphabet[rand_range(r, 0, (int64_t)sizeof alphabet - 2)];
    out[len] = 0;
}

static double random_double(rng *r) {
    switch (rand_range(r, 0, 19)) {
    case 0:
        return NAN;
    case 1:
        return -0.0;
    case 2:
        return 0.0;
    case 3:
        return INFINITY;
    case 4:
        return -INFINITY;
    case 5:
        return 1e300;
    case 6:
        return -5e-324;
    default:
        return (double)rand_range(r, -2000000, 2000000) / (double)(1 << rand_range(r, 0, 10));
    }
}

static void generate_table(rng *r) {
    for (int row = 0; row < NUM_ROWS; row++) {
        for (int c = 0; c < NUM_COLS; c++) {
            cell *x = &data[row][c];
            memset(x, 0, sizeof *x);
            x->is_null = c != COL_RID && chance(r, 12);
            switch (c) {
            case COL_RID:
                x->i = row;
                break;
            case COL_I32:
                x->i = chance(r, 10) ? (chance(r, 50) ? INT32_MAX : INT32_MIN)
                                     : rand_range(r, -1000, 1000);
                break;
            case COL_I64:
                x->i = chance(r, 10) ? rand_range(r, -4000000000000LL, 4000000000000LL)
                                     : rand_range(r, -100000, 100000);
                break;
            case COL_I16:
                x->i = rand_range(r, -32768, 32767);
                break;
            case COL_U32:
                x->i = chance(r, 10) ? 4294967295LL : rand_range(r, 0, 100000);
                break;
            case COL_IBIG:
                x->i =
                    chance(r, 20) ? (chance(r, 50) ? INT64_MAX : INT64_MIN) : (int64_t)next_u64(r);
                break;
            case COL_F64:
                x->d = random_double(r);
                break;
            case COL_F32:
                x->d = (float)random_double(r);
                break;
            case COL_D9:
                x->dec = rand_range(r, -999999999, 999999999);
                break;
            case COL_D18:
                x->dec = rand_range(r, -99999999999999LL, 99999999999999LL);
                break;
            case COL_D30:
                x->dec = (__int128)rand_range(r, -999999999999999LL, 999999999999999LL) * 1000000 +
                         rand_range(r, 0, 999999);
                break;
            case COL_S:
            case COL_S2:
                random_string(r, x->s);
                break;
            case COL_DT:
                x->i = rand_range(r, days_from_civil(1950, 1, 1), days_from_civil(2050, 12, 31));
                break;
            case COL_TS:
                x->i = rand_range(r, days_from_civil(1950, 1, 1), days_from_civil(2050, 1, 1)) *
                           86400000000LL +
                       rand_range(r, 0, 86399999999LL);
                break;
            case COL_TMS:
                x->i = rand_range(r, days_from_civil(1950, 1, 1), days_from_civil(2050, 1, 1)) *
                           86400000LL +
                       rand_range(r, 0, 86399999LL);
                break;
            case COL_B:
                x->i = chance(r, 50);
                break;
            }
        }
    }
}

static void format_dec(__int128 v, int scale, char *out) {
    char digits[64];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n <= scale)
        digits[n++] = '0';
    size_t w = 0;
    if (neg)
        out[w++] = '-';
    for (int k = n - 1; k >= 0; k--) {
        out[w++] = digits[k];
        if (k == scale && scale > 0)
            out[w++] = '.';
    }
    out[w] = 0;
}

static void format_ts(int64_t v, int64_t per_second, char *out) {
    int64_t secs = v >= 0 ? v / per_second : -((-v + per_second - 1) / per_second);
    int64_t frac = v - secs * per_second;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 64, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%0*lld", (long long)y, m, d,
             (long long)(rem / 3600), (long long)(rem / 60 % 60), (long long)(rem % 60),
             per_second == 1000 ? 3 : 6, (long long)frac);
}

static void sql_string(sbuf *b, const char *s) {
    sb_printf(b, "'");
    for (const char *p = s; *p; p++)
        sb_printf(b, *p == '\'' ? "''" : "%c", *p);
    sb_printf(b, "'");
}

static void write_table_sql(sbuf *b) {
    sb_printf(b, "CREATE TABLE t (");
    for (int c = 0; c < NUM_COLS; c++)
        sb_printf(b, "%s%s %s", c ? ", " : "", cols[c].name, cols[c].duck_type);
    sb_printf(b, ");\nINSERT INTO t VALUES ");
    for (int row = 0; row < NUM_ROWS; row++) {
        sb_printf(b, "%s(", row ? ",\n" : "");
        for (int c = 0; c < NUM_COLS; c++) {
            const cell *x = &data[row][c];
            if (c)
                sb_printf(b, ", ");
            if (x->is_null) {
                sb_printf(b, "NULL");
                continue;
            }
            char buf[96];
            switch (cols[c].klass) {
            case C_INT:
                sb_printf(b, "%lld", (long long)x->i);
                break;
            case C_DBL:
                if (isnan(x->d))
                    sb_printf(b, "'nan'::DOUBLE");
                else if (isinf(x->d))
                    sb_printf(b, "'%sinf'::DOUBLE", x->d < 0 ? "-" : "");
                else
                    sb_printf(b, "'%.17g'::DOUBLE", x->d);
                break;
            case C_DEC:
                format_dec(x->dec, cols[c].type.scale, buf);
                sb_printf(b, "'%s'::%s", buf, cols[c].duck_type);
                break;
            case C_STR:
                sql_string(b, x->s);
                break;
            case C_DATE: {
                int64_t y;
                unsigned m, d;
                civil_from_days(x->i, &y, &m, &d);
                sb_printf(b, "DATE '%04lld-%02u-%02u'", (long long)y, m, d);
                break;
            }
            case C_TS:
                format_ts(x->i, cols[c].type.unit == FF_TIME_MILLIS ? 1000 : 1000000, buf);
                sb_printf(b, "TIMESTAMP '%s'", buf);
                break;
            case C_BOOL:
                sb_printf(b, "%s", x->i ? "true" : "false");
                break;
            default:
                break;
            }
        }
        sb_printf(b, ")");
    }
    sb_printf(b, ";\n");
}

static void build_batch(ff_batch *batch) {
    ff_error err;
    ff_batch_init(batch, NUM_COLS, &err);
    batch->num_rows = NUM_ROWS;
    for (int c = 0; c < NUM_COLS; c++) {
        ff_vector *vec = &batch->columns[c];
        ff_vector_init(vec, &cols[c].type);
        ff_vector_reserve(vec, NUM_ROWS, NUM_ROWS * 32, true, &err);
        int32_t width = ff_type_value_width(&cols[c].type);
        for (int row = 0; row < NUM_ROWS; row++) {
            const cell *x = &data[row][c];
            uint8_t *dst = width ? vec->values + row * width : NULL;
            if (x->is_null) {
                vec->validity[row >> 3] &= (uint8_t) ~(1u << (row & 7));
                vec->null_count++;
                if (dst)
                    memset(dst, 0, (size_t)width);
                else
                    vec->offsets[row + 1] = (int64_t)vec->values_len;
                continue;
            }
            switch (cols[c].type.physical) {
            case FF_PHYSICAL_BOOLEAN:
                *dst = (uint8_t)x->i;
                break;
            case FF_PHYSICAL_INT32: {
                int32_t v = cols[c].klass == C_DEC ? (int32_t)x->dec : (int32_t)(uint32_t)x->i;
                memcpy(dst, &v, 4);
                break;
            }
            case FF_PHYSICAL_INT64: {
                int64_t v = cols[c].klass == C_DEC ? (int64_t)x->dec : x->i;
                memcpy(dst, &v, 8);
                break;
            }
            case FF_PHYSICAL_FLOAT: {
                float f = (float)x->d;
                memcpy(dst, &f, 4);
                break;
            }
            case FF_PHYSICAL_DOUBLE:
                memcpy(dst, &x->d, 8);
                break;
            case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY: {
                __int128 v = x->dec;
                for (int k = width - 1; k >= 0; k--) {
                    dst[k] = (uint8_t)(v & 0xff);
                    v >>= 8;
                }
                break;
            }
            case FF_PHYSICAL_BYTE_ARRAY: {
                size_t len = strlen(x->s);
                memcpy(vec->values + vec->values_len, x->s, len);
                vec->values_len += len;
                vec->offsets[row + 1] = (int64_t)vec->values_len;
                break;
            }
            default:
                break;
            }
        }
        vec->length = NUM_ROWS;
    }
}

/* ---- expression generator ---- */

static int pick_column(rng *r, cls klass, bool for_arith) {
    int candidates[NUM_COLS], n = 0;
    for (int c = 1; c < NUM_COLS; c++)
        if (cols[c].klass == klass && (!for_arith || cols[c].arith))
            candidates[n++] = c;
    return n ? candidates[rand_range(r, 0, n - 1)] : -1;
}

static void gen(rng *r, sbuf *b, cls klass, int depth);

static void gen_literal(rng *r, sbuf *b, cls klass) {
    char buf[96];
    switch (klass) {
    case C_INT:
        sb_printf(b, "%lld", (long long)rand_range(r, -50, 50));
        break;
    case C_DEC:
        sb_printf(b, "%lld.%02lld", (long long)rand_range(r, -99, 99),
                  (long long)rand_range(r, 0, 99));
        break;
    case C_DBL: {
        static const char *const lits[] = {"1.5e0",  "-2.25e1",       "0e0", "1e3",
                                           "3.0e-2", "'nan'::DOUBLE", "-1e0"};
        sb_printf(b, "%s", lits[rand_range(r, 0, 6)]);
        break;
    }
    case C_STR: {
        char s[32];
        random_string(r, s);
        sql_string(b, s);
        break;
    }
    case C_BOOL:
        sb_printf(b, chance(r, 50) ? "TRUE" : "FALSE");
        break;
    case C_DATE: {
        int64_t y;
        unsigned m, d;
        civil_from_days(rand_range(r, days_from_civil(1950, 1, 1), days_from_civil(2050, 1, 1)), &y,
                        &m, &d);
        sb_printf(b, "DATE '%04lld-%02u-%02u'", (long long)y, m, d);
        break;
    }
    case C_TS:
        format_ts(rand_range(r, days_from_civil(1950, 1, 1), days_from_civil(2050, 1, 1)) *
                          86400000000LL +
                      rand_range(r, 0, 86399) * 1000000LL,
                  1000000, buf);
        sb_printf(b, "TIMESTAMP '%s'", buf);
        break;
    default:
        sb_printf(b, "NULL");
    }
}

static void gen_leaf(rng *r, sbuf *b, cls klass, bool for_arith) {
    int c = pick_column(r, klass, for_arith);
    if (c >= 0 && chance(r, 75))
        sb_printf(b, "%s", cols[c].name);
    else
        gen_literal(r, b, klass);
}

/* A comparison of two values of one class. */
static void gen_compare(rng *r, sbuf *b, int depth) {
    static const char *const ops[] = {
        "=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"};
    cls k = (cls)rand_range(r, 0, C_COUNT - 1);
    if (k == C_BOOL)
        k = C_INT;
    if (k == C_INT && chance(r, 15)) {
        /* extreme values only ever meet comparisons */
        sb_printf(b, "(ibig %s ", ops[rand_range(r, 0, 7)]);
        gen(r, b, C_INT, depth + 1);
        sb_printf(b, ")");
        return;
    }
    sb_printf(b, "(");
    gen(r, b, k, depth + 1);
    sb_printf(b, " %s ", ops[rand_range(r, 0, 7)]);
    /* numbers of different classes meet too */
    cls other = k;
    if ((k == C_INT || k == C_DEC || k == C_DBL) && chance(r, 30))
        other = (cls)rand_range(r, C_INT, C_DBL);
    if (k == C_TS && chance(r, 20))
        other = C_DATE;
    if (k == C_DATE && chance(r, 20)) {
        /* a string literal compared with a date reads as a date */
        int64_t y;
        unsigned m, d;
        civil_from_days(rand_range(r, days_from_civil(1950, 1, 1), days_from_civil(2050, 1, 1)), &y,
                        &m, &d);
        sb_printf(b, "'%04lld-%02u-%02u')", (long long)y, m, d);
        return;
    }
    gen(r, b, other, depth + 1);
    sb_printf(b, ")");
}

static void gen(rng *r, sbuf *b, cls klass, int depth) {
    if (depth >= 3 || chance(r, 25)) {
        gen_leaf(r, b, klass, true);
        return;
    }
    switch (klass) {
    case C_INT:
        switch (rand_range(r, 0, 11)) {
        case 0:
        case 1: {
            static const char *const ops[] = {"+", "-", "*", "%"};
            sb_printf(b, "(");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, " %s ", ops[rand_range(r, 0, 3)]);
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ")");
            break;
        }
        case 2:
            sb_printf(b, "abs(");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ")");
            break;
        case 3:
            sb_printf(b, "length(");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ")");
            break;
        case 4: {
            static const char *const fns[] = {"year",   "month",  "day",       "hour",
                                              "minute", "second", "dayofweek", "quarter"};
            sb_printf(b, "%s(", fns[rand_range(r, 0, 7)]);
            gen(r, b, chance(r, 50) ? C_TS : C_DATE, depth + 1);
            sb_printf(b, ")");
            break;
        }
        case 5:
            sb_printf(b, "CASE WHEN ");
            gen(r, b, C_BOOL, depth + 1);
            sb_printf(b, " THEN ");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, " ELSE ");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, " END");
            break;
        case 6:
            sb_printf(b, "coalesce(");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ", ");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ")");
            break;
        case 7:
            sb_printf(b, "%s(", chance(r, 50) ? "least" : "greatest");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ", ");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ")");
            break;
        case 8:
            sb_printf(b, "nullif(");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ", ");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ")");
            break;
        case 9:
            sb_printf(b, "epoch_ms(");
            gen(r, b, C_TS, depth + 1);
            sb_printf(b, ")");
            break;
        case 10:
            sb_printf(b, "(");
            gen(r, b, C_DATE, depth + 1);
            sb_printf(b, " - ");
            gen(r, b, C_DATE, depth + 1);
            sb_printf(b, ")");
            break;
        default:
            sb_printf(b, "CAST(");
            gen(r, b, C_DEC, depth + 1);
            sb_printf(b, " AS BIGINT)");
            break;
        }
        return;
    case C_DEC:
        switch (rand_range(r, 0, 6)) {
        case 0:
        case 1: {
            static const char *const ops[] = {"+", "-", "%"};
            sb_printf(b, "(");
            gen(r, b, C_DEC, depth + 1);
            sb_printf(b, " %s ", ops[rand_range(r, 0, 2)]);
            gen(r, b, chance(r, 30) ? C_INT : C_DEC, depth + 1);
            sb_printf(b, ")");
            break;
        }
        case 2:
            /* DuckDB multiplies two decimals of up to 18 digits in 64 bits and fails where
             * FluxForge computes the exact product, so one factor stays a literal. */
            sb_printf(b, "(");
            gen_leaf(r, b, C_DEC, true);
            sb_printf(b, " * ");
            gen_literal(r, b, chance(r, 50) ? C_INT : C_DEC);
            sb_printf(b, ")");
            break;
        case 3:
            sb_printf(b, "round(");
            gen(r, b, C_DEC, depth + 1);
            sb_printf(b, ", %d)", (int)rand_range(r, 0, 2));
            break;
        case 4:
            sb_printf(b, "%s(", chance(r, 50) ? "floor" : "ceil");
            gen(r, b, C_DEC, depth + 1);
            sb_printf(b, ")");
            break;
        case 5:
            sb_printf(b, "abs(");
            gen(r, b, C_DEC, depth + 1);
            sb_printf(b, ")");
            break;
        default:
            sb_printf(b, "CAST(");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, " AS DECIMAL(24,3))");
            break;
        }
        return;
    case C_DBL:
        switch (rand_range(r, 0, 7)) {
        case 0:
        case 1: {
            static const char *const ops[] = {"+", "-", "*", "/", "%"};
            sb_printf(b, "(");
            gen(r, b, C_DBL, depth + 1);
            sb_printf(b, " %s ", ops[rand_range(r, 0, 4)]);
            gen(r, b, chance(r, 30) ? (cls)rand_range(r, C_INT, C_DEC) : C_DBL, depth + 1);
            sb_printf(b, ")");
            break;
        }
        case 2:
            sb_printf(b, "(");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, " / ");
            gen(r, b, C_INT, depth + 1);
            sb_printf(b, ")");
            break;
        case 3:
            sb_printf(b, "sqrt(abs(");
            gen(r, b, C_DBL, depth + 1);
            sb_printf(b, "))");
            break;
        case 4:
            sb_printf(b, "round(");
            gen(r, b, C_DBL, depth + 1);
            sb_printf(b, ", %d)", (int)rand_range(r, 0, 3));
            break;
        case 5:
            sb_printf(b, "%s(", chance(r, 50) ? "floor" : "ceil");
            gen(r, b, C_DBL, depth + 1);
            sb_printf(b, ")");
            break;
        case 6:
            sb_printf(b, "CAST(");
            gen(r, b, chance(r, 50) ? C_INT : C_DEC, depth + 1);
            sb_printf(b, " AS DOUBLE)");
            break;
        default:
            sb_printf(b, "power(");
            gen_leaf(r, b, C_DBL, true);
            sb_printf(b, ", %d)", (int)rand_range(r, 0, 3));
            break;
        }
        return;
    case C_STR:
        switch (rand_range(r, 0, 8)) {
        case 0:
            sb_printf(b, "(");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, " || ");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ")");
            break;
        case 1:
            sb_printf(b, "%s(", chance(r, 50) ? "lower" : "upper");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ")");
            break;
        case 2:
            sb_printf(b, "trim(");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ")");
            break;
        case 3:
            sb_printf(b, "substr(");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ", %d", (int)rand_range(r, -4, 4));
            if (chance(r, 60))
                sb_printf(b, ", %d", (int)rand_range(r, -2, 4));
            sb_printf(b, ")");
            break;
        case 4:
            sb_printf(b, "replace(");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ", ");
            gen_literal(r, b, C_STR);
            sb_printf(b, ", ");
            gen_literal(r, b, C_STR);
            sb_printf(b, ")");
            break;
        case 5:
            sb_printf(b, "CAST(");
            gen(r, b, chance(r, 50) ? C_INT : C_DATE, depth + 1);
            sb_printf(b, " AS VARCHAR)");
            break;
        case 6:
            sb_printf(b, "CASE WHEN ");
            gen(r, b, C_BOOL, depth + 1);
            sb_printf(b, " THEN ");
            gen(r, b, C_STR, depth + 1);
            if (chance(r, 70)) {
                sb_printf(b, " ELSE ");
                gen(r, b, C_STR, depth + 1);
            }
            sb_printf(b, " END");
            break;
        case 7:
            sb_printf(b, "coalesce(");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ", ");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ")");
            break;
        default:
            sb_printf(b, "concat(");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ", ");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ")");
            break;
        }
        return;
    case C_BOOL:
        switch (rand_range(r, 0, 9)) {
        case 0:
        case 1:
        case 2:
            gen_compare(r, b, depth);
            break;
        case 3:
            sb_printf(b, "(");
            gen(r, b, C_BOOL, depth + 1);
            sb_printf(b, chance(r, 50) ? " AND " : " OR ");
            gen(r, b, C_BOOL, depth + 1);
            sb_printf(b, ")");
            break;
        case 4:
            sb_printf(b, "(NOT ");
            gen(r, b, C_BOOL, depth + 1);
            sb_printf(b, ")");
            break;
        case 5: {
            cls k = (cls)rand_range(r, 0, C_COUNT - 1);
            sb_printf(b, "(");
            gen(r, b, k, depth + 1);
            sb_printf(b, chance(r, 50) ? " IS NULL)" : " IS NOT NULL)");
            break;
        }
        case 6: {
            cls k = chance(r, 50) ? C_INT : C_STR;
            sb_printf(b, "(");
            gen(r, b, k, depth + 1);
            sb_printf(b, chance(r, 30) ? " NOT IN (" : " IN (");
            int items = (int)rand_range(r, 1, 4);
            for (int k2 = 0; k2 < items; k2++) {
                if (k2)
                    sb_printf(b, ", ");
                if (chance(r, 10))
                    sb_printf(b, "NULL");
                else
                    gen_leaf(r, b, k, true);
            }
            sb_printf(b, "))");
            break;
        }
        case 7: {
            cls k = (cls)rand_range(r, 0, 2);
            if (chance(r, 30))
                k = C_TS;
            sb_printf(b, "(");
            gen(r, b, k, depth + 1);
            sb_printf(b, chance(r, 30) ? " NOT BETWEEN " : " BETWEEN ");
            gen_leaf(r, b, k, true);
            sb_printf(b, " AND ");
            gen_leaf(r, b, k, true);
            sb_printf(b, ")");
            break;
        }
        case 8: {
            static const char *const pats[] = {"'a%'", "'%c'",   "'%b%'", "'a_c'", "'_'",
                                               "'%'",  "'BTC%'", "'%-%'", "'A%'",  "''"};
            sb_printf(b, "(");
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, " %s%s %s)", chance(r, 20) ? "NOT " : "", chance(r, 30) ? "ILIKE" : "LIKE",
                      pats[rand_range(r, 0, 9)]);
            break;
        }
        default: {
            static const char *const fns[] = {"starts_with", "ends_with", "contains"};
            sb_printf(b, "%s(", fns[rand_range(r, 0, 2)]);
            gen(r, b, C_STR, depth + 1);
            sb_printf(b, ", ");
            gen_literal(r, b, C_STR);
            sb_printf(b, ")");
            break;
        }
        }
        return;
    case C_DATE:
        switch (rand_range(r, 0, 2)) {
        case 0:
            sb_printf(b, "date(");
            gen(r, b, C_TS, depth + 1);
            sb_printf(b, ")");
            break;
        case 1:
            sb_printf(b, "(");
            gen(r, b, C_DATE, depth + 1);
            sb_printf(b, " + %d)", (int)rand_range(r, -400, 400));
            break;
        default:
            sb_printf(b, "CAST(");
            gen(r, b, C_TS, depth + 1);
            sb_printf(b, " AS DATE)");
            break;
        }
        return;
    case C_TS:
        switch (rand_range(r, 0, 3)) {
        case 0: {
            static const char *const units[] = {"HOUR", "MINUTE", "DAY", "SECOND"};
            sb_printf(b, "(");
            gen(r, b, C_TS, depth + 1);
            sb_printf(b, " %s INTERVAL %d %s)", chance(r, 50) ? "+" : "-",
                      (int)rand_range(r, 0, 100), units[rand_range(r, 0, 3)]);
            break;
        }
        case 1: {
            static const char *const parts[] = {"year", "quarter", "month",  "week",
                                                "day",  "hour",    "minute", "second"};
            sb_printf(b, "date_trunc('%s', ", parts[rand_range(r, 0, 7)]);
            gen(r, b, chance(r, 70) ? C_TS : C_DATE, depth + 1);
            sb_printf(b, ")");
            break;
        }
        case 2:
            sb_printf(b, "CAST(");
            gen(r, b, C_DATE, depth + 1);
            sb_printf(b, " AS TIMESTAMP)");
            break;
        default:
            sb_printf(b, "%s(", chance(r, 50) ? "least" : "greatest");
            gen(r, b, C_TS, depth + 1);
            sb_printf(b, ", ");
            gen(r, b, C_TS, depth + 1);
            sb_printf(b, ")");
            break;
        }
        return;
    default:
        gen_leaf(r, b, klass, true);
    }
}

/* ---- canonical rendering of our results ---- */

static char kind_of(const ff_type *t) {
    switch (t->logical) {
    case FF_LOGICAL_DECIMAL:
        return 'd';
    case FF_LOGICAL_STRING:
        return 's';
    case FF_LOGICAL_DATE:
        return 'D';
    case FF_LOGICAL_TIMESTAMP:
        return 'T';
    case FF_LOGICAL_NONE:
    case FF_LOGICAL_INT:
        break;
    default:
        return 0;
    }
    switch (t->physical) {
    case FF_PHYSICAL_BOOLEAN:
        return 'b';
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_INT64:
        return 'i';
    case FF_PHYSICAL_FLOAT:
    case FF_PHYSICAL_DOUBLE:
        return 'f';
    default:
        return 0;
    }
}

/* Drops trailing zeros of a decimal fraction ("1.500" -> "1.5", "2.00" -> "2"), so that
 * decimals of different scales compare by value. */
static void strip_zeros(char *s) {
    if (!strchr(s, '.'))
        return;
    size_t n = strlen(s);
    while (n && s[n - 1] == '0')
        s[--n] = 0;
    if (n && s[n - 1] == '.')
        s[--n] = 0;
    if (!strcmp(s, "-0"))
        strcpy(s, "0");
}

/* Renders row `row` of vec canonically (see expr_oracle.mjs); false for NULL. */
static bool render(const ff_vector *vec, int64_t row, char kind, char *out, size_t cap) {
    if (ff_vector_is_null(vec, row))
        return false;
    const ff_type *t = &vec->type;
    int32_t width = ff_type_value_width(t);
    const uint8_t *p = width ? vec->values + row * width : NULL;
    int64_t iv = 0;
    if (t->physical == FF_PHYSICAL_INT32) {
        int32_t x;
        memcpy(&x, p, 4);
        iv = t->logical == FF_LOGICAL_INT && !t->int_is_signed ? (int64_t)(uint32_t)x : x;
    } else if (t->physical == FF_PHYSICAL_INT64) {
        memcpy(&iv, p, 8);
    }
    switch (kind) {
    case 'b':
        snprintf(out, cap, "%s", *p ? "true" : "false");
        return true;
    case 'i':
        snprintf(out, cap, "%lld", (long long)iv);
        return true;
    case 'f': {
        double d;
        if (t->physical == FF_PHYSICAL_FLOAT) {
            float f;
            memcpy(&f, p, 4);
            d = f;
        } else {
            memcpy(&d, p, 8);
        }
        if (isnan(d)) {
            snprintf(out, cap, "nan");
        } else {
            uint64_t bits;
            memcpy(&bits, &d, 8);
            snprintf(out, cap, "%016llx", (unsigned long long)bits);
        }
        return true;
    }
    case 'd': {
        __int128 v = iv;
        if (t->physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY ||
            t->physical == FF_PHYSICAL_BYTE_ARRAY) {
            const uint8_t *b = p;
            size_t len = (size_t)width;
            if (!b) {
                b = vec->values + vec->offsets[row];
                len = (size_t)(vec->offsets[row + 1] - vec->offsets[row]);
            }
            unsigned __int128 u = (len && (b[0] & 0x80)) ? ~(unsigned __int128)0 : 0;
            for (size_t k = 0; k < len; k++)
                u = (u << 8) | b[k];
            v = (__int128)u;
        }
        format_dec(v, t->scale, out);
        strip_zeros(out);
        return true;
    }
    case 's': {
        size_t len = (size_t)(vec->offsets[row + 1] - vec->offsets[row]);
        if (len >= cap)
            len = cap - 1;
        if (len)
            memcpy(out, vec->values + vec->offsets[row], len);
        out[len] = 0;
        return true;
    }
    case 'D': {
        int64_t y;
        unsigned m, d;
        civil_from_days(iv, &y, &m, &d);
        snprintf(out, cap, "%04lld-%02u-%02u", (long long)y, m, d);
        return true;
    }
    case 'T': {
        int64_t us = t->unit == FF_TIME_MILLIS  ? iv * 1000
                     : t->unit == FF_TIME_NANOS ? iv / 1000
                                                : iv;
        snprintf(out, cap, "%lld", (long long)us);
        return true;
    }
    default:
        return false;
    }
}

/* Parses one JSON string literal at *p (after the opening quote) into out. */
static const char *json_string(const char *p, char *out, size_t cap) {
    size_t w = 0;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            char e = *p++;
            switch (e) {
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case 'r':
                c = '\r';
                break;
            case 'b':
                c = '\b';
                break;
            case 'f':
                c = '\f';
                break;
            case 'u': {
                unsigned code = (unsigned)strtoul((char[]){p[0], p[1], p[2], p[3], 0}, NULL, 16);
                p += 4;
                if (code < 0x80) {
                    c = (char)code;
                } else if (code < 0x800) {
                    if (w + 2 < cap) {
                        out[w++] = (char)(0xc0 | (code >> 6));
                        out[w++] = (char)(0x80 | (code & 0x3f));
                    }
                    continue;
                } else {
                    if (w + 3 < cap) {
                        out[w++] = (char)(0xe0 | (code >> 12));
                        out[w++] = (char)(0x80 | ((code >> 6) & 0x3f));
                        out[w++] = (char)(0x80 | (code & 0x3f));
                    }
                    continue;
                }
                break;
            }
            default:
                c = e;
            }
        }
        if (w + 1 < cap)
            out[w++] = c;
    }
    out[w] = 0;
    return *p == '"' ? p + 1 : p;
}

static bool doubles_agree(const char *a, const char *b) {
    if (!strcmp(a, b))
        return true;
    if (!strcmp(a, "nan") || !strcmp(b, "nan"))
        return false;
    uint64_t ba = strtoull(a, NULL, 16), bb = strtoull(b, NULL, 16);
    double x, y;
    memcpy(&x, &ba, 8);
    memcpy(&y, &bb, 8);
    if (x == y)
        return true; /* includes -0 == 0 */
    if (isinf(x) || isinf(y))
        return false;
    return fabs(x - y) <= 1e-12 * fmax(fabs(x), fabs(y));
}

FF_TEST(differential_against_duckdb) {
    const char *source = getenv("FF_SOURCE_DIR");
    if (!source) {
        printf("skipped: FF_SOURCE_DIR not set\n");
        return;
    }
    char oracle[4096], modules[4200];
    snprintf(oracle, sizeof oracle, "%s/tests/interop/expr_oracle.mjs", source);
    snprintf(modules, sizeof modules, "%s/tests/interop/node_modules/@duckdb/node-api", source);
    struct stat st;
    if (stat(modules, &st) != 0 || system("node --version >/dev/null 2>&1") != 0) {
        printf("skipped: node or the pinned @duckdb/node-api is not installed\n");
        return;
    }
    define_columns();
    rng r = {SEED};
    generate_table(&r);

    char dir[] = "/tmp/ff_expr_diff_XXXXXX";
    if (!mkdtemp(dir)) {
        FF_FAIL_AT("mkdtemp failed");
        return;
    }
    sbuf table_sql = {0}, exprs = {0};
    write_table_sql(&table_sql);

    ff_field fields[NUM_COLS];
    for (int c = 0; c < NUM_COLS; c++) {
        fields[c].name = cols[c].name;
        fields[c].type = cols[c].type;
        fields[c].is_nullable = true;
    }
    ff_table_schema schema = {NUM_COLS, fields};
    ff_batch batch;
    build_batch(&batch);

    /* Generate, compile and evaluate; keep our canonical results per expression. */
    static char texts[NUM_EXPRS][1024];
    static char kinds[NUM_EXPRS];
    static bool ours_error[NUM_EXPRS];
    static char ours_message[NUM_EXPRS][FF_ERROR_MESSAGE_CAP];
    static char *ours[NUM_EXPRS][NUM_ROWS];
    int num = 0, compile_errors = 0;
    for (int attempt = 0; num < NUM_EXPRS && attempt < NUM_EXPRS * 4; attempt++) {
        sbuf e = {0};
        cls klass = (cls)rand_range(&r, 0, C_COUNT - 1);
        if (chance(&r, 30))
            klass = C_BOOL;
        gen(&r, &e, klass, 0);
        if (e.len >= sizeof texts[0]) {
            free(e.data);
            continue;
        }
        ff_error err;
        ff_expr *expr = NULL;
        if (ff_expr_compile(e.data, &schema, NULL, &expr, &err) != FF_OK) {
            /* The generator only builds well-typed SQL; a refusal is a bug worth seeing. */
            fprintf(stderr, "  compile error: %s\n    %s\n", e.data, err.message);
            compile_errors++;
            free(e.data);
            continue;
        }
        char kind = kind_of(ff_expr_result_type(expr));
        if (!kind) {
            ff_expr_free(expr);
            free(e.data);
            continue;
        }
        snprintf(texts[num], sizeof texts[0], "%s", e.data);
        kinds[num] = kind;
        ff_vector out;
        ff_vector_init(&out, NULL);
        ff_status status = ff_expr_evaluate(expr, &batch, &out, &err);
        ours_error[num] = status != FF_OK;
        if (status != FF_OK) {
            snprintf(ours_message[num], sizeof ours_message[0], "%s", err.message);
        } else {
            for (int row = 0; row < NUM_ROWS; row++) {
                char buf[512];
                ours[num][row] = render(&out, row, kind, buf, sizeof buf) ? strdup(buf) : NULL;
            }
            if (kind == 'b') {
                /* The filter must select exactly the TRUE rows. */
                ff_selection sel;
                ff_selection_init(&sel);
                ff_expr *pred = NULL;
                ff_expr_options options;
                ff_expr_options_init(&options);
                options.kind = FF_EXPR_PREDICATE;
                EXPECT_OK(ff_expr_compile(e.data, &schema, &options, &pred, &err), &err);
                if (pred && ff_expr_filter(pred, &batch, &sel, &err) == FF_OK) {
                    int64_t k = 0;
                    bool same = true;
                    for (int row = 0; row < NUM_ROWS; row++) {
                        bool is_true = ours[num][row] && !strcmp(ours[num][row], "true");
                        bool selected = k < sel.num_rows && sel.rows[k] == (uint32_t)row;
                        if (selected)
                            k++;
                        if (is_true != selected)
                            same = false;
                    }
                    if (!same || k != sel.num_rows)
                        FF_FAIL_AT("filter and evaluate disagree on %s", e.data);
                } else if (pred) {
                    FF_FAIL_AT("filter failed where evaluate succeeded: %s: %s", e.data,
                               err.message);
                }
                ff_expr_free(pred);
                ff_selection_free(&sel);
            }
        }
        ff_vector_free(&out);
        ff_expr_free(expr);
        sb_printf(&exprs, "%c\t%s\n", kind, e.data);
        free(e.data);
        num++;
    }

    char path[4200];
    snprintf(path, sizeof path, "%s/table.sql", dir);
    FILE *f = fopen(path, "w");
    fwrite(table_sql.data, 1, table_sql.len, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/exprs.tsv", dir);
    f = fopen(path, "w");
    fwrite(exprs.data, 1, exprs.len, f);
    fclose(f);

    char cmd[8600];
    snprintf(cmd, sizeof cmd, "cd '%s/tests/interop' && node expr_oracle.mjs '%s'", source, dir);
    int rc = system(cmd);
    EXPECT_EQ_INT(rc, 0);

    snprintf(path, sizeof path, "%s/results.jsonl", dir);
    f = fopen(path, "r");
    int compared = 0, agreed_values = 0, agreed_errors = 0, mismatches = 0, rows_compared = 0;
    static char line[1 << 20];
    for (int idx = 0; f && idx < num && fgets(line, sizeof line, f); idx++) {
        compared++;
        bool theirs_error = line[0] == '{';
        if (theirs_error || ours_error[idx]) {
            if (theirs_error && ours_error[idx]) {
                agreed_errors++;
                continue;
            }
            if (mismatches++ < 15)
                fprintf(stderr, "  MISMATCH %s\n    ours:   %s\n    duckdb: %.300s", texts[idx],
                        ours_error[idx] ? ours_message[idx] : "(values)",
                        theirs_error ? line : "(values)\n");
            continue;
        }
        const char *p = line + 1;
        bool same = true;
        for (int row = 0; row < NUM_ROWS; row++) {
            while (*p == ',' || *p == ' ')
                p++;
            char theirs[1024];
            bool theirs_null = false;
            if (!strncmp(p, "null", 4)) {
                theirs_null = true;
                p += 4;
            } else if (*p == '"') {
                p = json_string(p + 1, theirs, sizeof theirs);
                if (kinds[idx] == 'd')
                    strip_zeros(theirs);
            } else {
                same = false;
                break;
            }
            const char *mine = ours[idx][row];
            bool row_same = theirs_null         ? mine == NULL
                            : !mine             ? false
                            : kinds[idx] == 'f' ? doubles_agree(mine, theirs)
                                                : !strcmp(mine, theirs);
            rows_compared++;
            if (!row_same) {
                if (mismatches < 15)
                    fprintf(stderr, "  MISMATCH %s\n    row %d: ours %s, duckdb %s\n", texts[idx],
                            row, mine ? mine : "NULL", theirs_null ? "NULL" : theirs);
                same = false;
                break;
            }
        }
        if (same)
            agreed_values++;
        else
            mismatches++;
    }
    if (f)
        fclose(f);
    printf("differential: %d expressions generated, %d compared with DuckDB (%d rows each): "
           "%d agree on values, %d agree on an error, %d mismatches, %d refused to compile\n",
           num, compared, NUM_ROWS, agreed_values, agreed_errors, mismatches, compile_errors);
    EXPECT_EQ_INT(compared, num);
    EXPECT_EQ_INT(mismatches, 0);
    EXPECT_EQ_INT(compile_errors, 0);
    EXPECT_TRUE(agreed_values > num / 2);

    for (int idx = 0; idx < num; idx++)
        for (int row = 0; row < NUM_ROWS; row++)
            free(ours[idx][row]);
    free(table_sql.data);
    free(exprs.data);
    ff_batch_free(&batch);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "  could not remove %s\n", dir);
}

FF_TEST_MAIN(FF_CASE(differential_against_duckdb))
