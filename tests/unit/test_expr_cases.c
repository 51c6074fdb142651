/* Table-driven expression tests: every .txt file under tests/data/expr declares small typed tables
 * and, for each expression, the expected value of every row (or the filter's selected rows,
 * or the error code and message with its offset). The format:
 *
 *   # comment
 *   table                              starts a new table
 *   column NAME TYPE [not null]        TYPE: bool int8 int16 int32 int64 uint8 uint16 uint32
 *                                      uint64 float double string binary date time_ms time_us
 *                                      ts_ms ts_us ts_ns ts_us_utc int96 decimal(p,s)[:int32|
 *                                      int64|flba|bytes] fixed(n)
 *   row V | V | ...                    NULL, numbers, nan/inf, dates, 'quoted strings'
 *   EXPR => [TYPE] V | V | ...         value per row; [TYPE] optional
 *   filter EXPR => R R ...             indices of rows where EXPR is TRUE ("none" for none)
 *   EXPR => error CODE MESSAGE         compile or evaluation error, exact message
 *   set COL = EXPR => V | V | ...      assignment: EXPR converted to COL's type
 *
 * Setting FF_EXPR_CASES_PRINT=1 prints the actual result of every case in the same format,
 * for writing new cases. */
#include "ff_test.h"

#include <fluxforge/expr.h>

#include <dirent.h>
#include <math.h>
#include <stdbool.h>

#define MAX_COLS 32
#define MAX_ROWS 64
#define LINE_CAP 8192

typedef struct table {
    int32_t num_cols;
    char names[MAX_COLS][64];
    ff_field fields[MAX_COLS];
    ff_batch batch;
    int64_t num_rows;
} table;

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

static int64_t per_second(ff_time_unit unit) {
    return unit == FF_TIME_MILLIS ? 1000 : unit == FF_TIME_MICROS ? 1000000 : 1000000000;
}

static bool parse_type(const char *s, ff_type *t) {
    memset(t, 0, sizeof *t);
    int p = 0, sc = 0, n = 0;
    char storage[16] = "";
    if (!strcmp(s, "bool")) {
        t->physical = FF_PHYSICAL_BOOLEAN;
    } else if (!strcmp(s, "int8") || !strcmp(s, "int16") || !strcmp(s, "uint8") ||
               !strcmp(s, "uint16") || !strcmp(s, "uint32")) {
        t->physical = FF_PHYSICAL_INT32;
        t->logical = FF_LOGICAL_INT;
        t->int_is_signed = s[0] != 'u';
        t->int_bit_width = (int8_t)atoi(s + (s[0] == 'u' ? 4 : 3));
    } else if (!strcmp(s, "int32")) {
        t->physical = FF_PHYSICAL_INT32;
    } else if (!strcmp(s, "int64")) {
        t->physical = FF_PHYSICAL_INT64;
    } else if (!strcmp(s, "uint64")) {
        t->physical = FF_PHYSICAL_INT64;
        t->logical = FF_LOGICAL_INT;
        t->int_bit_width = 64;
    } else if (!strcmp(s, "float")) {
        t->physical = FF_PHYSICAL_FLOAT;
    } else if (!strcmp(s, "double")) {
        t->physical = FF_PHYSICAL_DOUBLE;
    } else if (!strcmp(s, "string")) {
        t->physical = FF_PHYSICAL_BYTE_ARRAY;
        t->logical = FF_LOGICAL_STRING;
    } else if (!strcmp(s, "binary")) {
        t->physical = FF_PHYSICAL_BYTE_ARRAY;
    } else if (!strcmp(s, "date")) {
        t->physical = FF_PHYSICAL_INT32;
        t->logical = FF_LOGICAL_DATE;
    } else if (!strcmp(s, "time_ms") || !strcmp(s, "time_us")) {
        t->physical = s[5] == 'm' ? FF_PHYSICAL_INT32 : FF_PHYSICAL_INT64;
        t->logical = FF_LOGICAL_TIME;
        t->unit = s[5] == 'm' ? FF_TIME_MILLIS : FF_TIME_MICROS;
    } else if (!strncmp(s, "ts_", 3)) {
        t->physical = FF_PHYSICAL_INT64;
        t->logical = FF_LOGICAL_TIMESTAMP;
        t->unit = s[3] == 'm'                  ? FF_TIME_MILLIS
                  : s[4] == 's' && s[3] == 'u' ? FF_TIME_MICROS
                                               : FF_TIME_NANOS;
        t->is_adjusted_to_utc = strstr(s, "_utc") != NULL;
    } else if (!strcmp(s, "int96")) {
        t->physical = FF_PHYSICAL_INT96;
        t->type_length = 12;
    } else if (sscanf(s, "fixed(%d)", &n) == 1) {
        t->physical = FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
        t->type_length = n;
    } else if (sscanf(s, "decimal(%d,%d):%15s", &p, &sc, storage) >= 2) {
        t->logical = FF_LOGICAL_DECIMAL;
        t->precision = p;
        t->scale = sc;
        if (!storage[0])
            strcpy(storage, p <= 9 ? "int32" : p <= 18 ? "int64" : "flba");
        if (!strcmp(storage, "int32")) {
            t->physical = FF_PHYSICAL_INT32;
        } else if (!strcmp(storage, "int64")) {
            t->physical = FF_PHYSICAL_INT64;
        } else if (!strcmp(storage, "bytes")) {
            t->physical = FF_PHYSICAL_BYTE_ARRAY;
        } else {
            t->physical = FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
            t->type_length = 16;
        }
    } else {
        return false;
    }
    return true;
}

static void type_name(const ff_type *t, char *buf, size_t cap) {
    static const char *const units[] = {"MILLIS", "MICROS", "NANOS"};
    switch (t->logical) {
    case FF_LOGICAL_NULL:
        snprintf(buf, cap, "NULL");
        return;
    case FF_LOGICAL_STRING:
        snprintf(buf, cap, "STRING");
        return;
    case FF_LOGICAL_DATE:
        snprintf(buf, cap, "DATE");
        return;
    case FF_LOGICAL_DECIMAL:
        snprintf(buf, cap, "DECIMAL(%d,%d)", t->precision, t->scale);
        return;
    case FF_LOGICAL_TIMESTAMP:
        snprintf(buf, cap, "TIMESTAMP(%s%s)", units[t->unit], t->is_adjusted_to_utc ? ",UTC" : "");
        return;
    case FF_LOGICAL_TIME:
        snprintf(buf, cap, "TIME(%s)", units[t->unit]);
        return;
    case FF_LOGICAL_INT:
        snprintf(buf, cap, "%sINT%d", t->int_is_signed ? "" : "U", t->int_bit_width);
        return;
    default:
        break;
    }
    static const char *const phys[] = {"BOOLEAN", "INT32",  "INT64",  "INT96",
                                       "FLOAT",   "DOUBLE", "BINARY", "FIXED"};
    snprintf(buf, cap, "%s", phys[t->physical]);
}

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* Splits on '|' outside single quotes. */
static int split_cells(char *s, char **cells, int max) {
    int n = 0;
    bool quoted = false;
    cells[n++] = s;
    for (char *p = s; *p; p++) {
        if (*p == '\'')
            quoted = !quoted;
        else if (*p == '|' && !quoted && n < max) {
            *p = 0;
            cells[n++] = p + 1;
        }
    }
    for (int k = 0; k < n; k++)
        cells[k] = trim(cells[k]);
    return n;
}

/* Unquotes 'a''b' into buf; returns length, or copies unquoted text. */
static size_t unquote(const char *s, char *buf) {
    size_t len = strlen(s), n = 0;
    if (len >= 2 && s[0] == '\'' && s[len - 1] == '\'') {
        for (size_t k = 1; k + 1 < len; k++) {
            buf[n++] = s[k];
            if (s[k] == '\'')
                k++;
        }
    } else {
        memcpy(buf, s, len);
        n = len;
    }
    buf[n] = 0;
    return n;
}

static bool parse_timestamp(const char *s, ff_time_unit unit, int64_t *out) {
    int y, mo, d, h = 0, mi = 0, sec = 0;
    char frac[16] = "";
    int n = sscanf(s, "%d-%d-%d %d:%d:%d.%15[0-9]", &y, &mo, &d, &h, &mi, &sec, frac);
    if (n < 3)
        return false;
    int64_t f = 0;
    int digits = unit == FF_TIME_MILLIS ? 3 : unit == FF_TIME_MICROS ? 6 : 9;
    for (int k = 0; k < digits; k++)
        f = f * 10 + (k < (int)strlen(frac) ? frac[k] - '0' : 0);
    *out = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) *
               per_second(unit) +
           f;
    return true;
}

static void put_be(const char *text, int scale, uint8_t *dst, size_t len) {
    /* decimal text -> unscaled 128-bit big-endian */
    __int128 v = 0;
    bool neg = text[0] == '-';
    int frac = -1;
    for (const char *p = text + (neg || text[0] == '+'); *p; p++) {
        if (*p == '.') {
            frac = 0;
            continue;
        }
        v = v * 10 + (*p - '0');
        if (frac >= 0)
            frac++;
    }
    for (int k = frac < 0 ? 0 : frac; k < scale; k++)
        v *= 10;
    if (neg)
        v = -v;
    for (size_t k = 0; k < len; k++) {
        dst[len - 1 - k] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static __int128 dec_value(const char *text, int scale) {
    uint8_t be[16];
    put_be(text, scale, be, 16);
    unsigned __int128 v = 0;
    for (int k = 0; k < 16; k++)
        v = (v << 8) | be[k];
    return (__int128)v;
}

static bool set_cell(ff_vector *vec, int64_t row, const char *text) {
    const ff_type *t = &vec->type;
    char buf[LINE_CAP];
    int32_t width = ff_type_value_width(t);
    if (!strcmp(text, "NULL")) {
        vec->validity[row >> 3] &= (uint8_t) ~(1u << (row & 7));
        vec->null_count++;
        if (width)
            memset(vec->values + row * width, 0, (size_t)width);
        else
            vec->offsets[row + 1] = (int64_t)vec->values_len;
        return true;
    }
    uint8_t *dst = width ? vec->values + row * width : NULL;
    if (t->logical == FF_LOGICAL_DECIMAL) {
        __int128 v = dec_value(text, t->scale);
        if (t->physical == FF_PHYSICAL_INT32) {
            int32_t x = (int32_t)v;
            memcpy(dst, &x, 4);
        } else if (t->physical == FF_PHYSICAL_INT64) {
            int64_t x = (int64_t)v;
            memcpy(dst, &x, 8);
        } else if (t->physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY) {
            put_be(text, t->scale, dst, (size_t)width);
        } else {
            uint8_t be[16];
            put_be(text, t->scale, be, 16);
            memcpy(vec->values + vec->values_len, be + 8, 8); /* 8 bytes suffice here */
            vec->values_len += 8;
            vec->offsets[row + 1] = (int64_t)vec->values_len;
        }
        return true;
    }
    switch (t->physical) {
    case FF_PHYSICAL_BOOLEAN:
        *dst = !strcmp(text, "true");
        return true;
    case FF_PHYSICAL_INT32: {
        int32_t v;
        if (t->logical == FF_LOGICAL_DATE) {
            int y, m, d;
            if (sscanf(text, "%d-%d-%d", &y, &m, &d) != 3)
                return false;
            v = (int32_t)days_from_civil(y, (unsigned)m, (unsigned)d);
        } else if (t->logical == FF_LOGICAL_TIME) {
            int h, m, s, ms = 0;
            sscanf(text, "%d:%d:%d.%d", &h, &m, &s, &ms);
            v = ((h * 60 + m) * 60 + s) * 1000 + ms;
        } else {
            v = (int32_t)strtoll(text, NULL, 10);
        }
        memcpy(dst, &v, 4);
        return true;
    }
    case FF_PHYSICAL_INT64: {
        int64_t v;
        if (t->logical == FF_LOGICAL_TIMESTAMP) {
            if (!parse_timestamp(text, t->unit, &v))
                return false;
        } else if (t->logical == FF_LOGICAL_TIME) {
            int h, m, s, us = 0;
            sscanf(text, "%d:%d:%d.%d", &h, &m, &s, &us);
            v = (((int64_t)h * 60 + m) * 60 + s) * 1000000 + us;
        } else if (t->logical == FF_LOGICAL_INT && !t->int_is_signed) {
            v = (int64_t)strtoull(text, NULL, 10);
        } else {
            v = strtoll(text, NULL, 10);
        }
        memcpy(dst, &v, 8);
        return true;
    }
    case FF_PHYSICAL_INT96: {
        int64_t nanos;
        if (!parse_timestamp(text, FF_TIME_NANOS, &nanos))
            return false;
        int64_t day = nanos >= 0 ? nanos / 86400000000000LL
                                 : -((-nanos + 86399999999999LL) / 86400000000000LL);
        uint64_t in_day = (uint64_t)(nanos - day * 86400000000000LL);
        uint32_t julian = (uint32_t)(day + 2440588);
        memcpy(dst, &in_day, 8);
        memcpy(dst + 8, &julian, 4);
        return true;
    }
    case FF_PHYSICAL_FLOAT: {
        float f = strtof(text, NULL);
        memcpy(dst, &f, 4);
        return true;
    }
    case FF_PHYSICAL_DOUBLE: {
        double d = strtod(text, NULL);
        memcpy(dst, &d, 8);
        return true;
    }
    case FF_PHYSICAL_BYTE_ARRAY: {
        size_t len = unquote(text, buf);
        memcpy(vec->values + vec->values_len, buf, len);
        vec->values_len += len;
        vec->offsets[row + 1] = (int64_t)vec->values_len;
        return true;
    }
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY: {
        size_t len = unquote(text, buf);
        if ((int32_t)len != width)
            return false;
        memcpy(dst, buf, len);
        return true;
    }
    }
    return false;
}

static void render_value(const ff_vector *vec, int64_t row, char *out, size_t cap) {
    const ff_type *t = &vec->type;
    if (ff_vector_is_null(vec, row)) {
        snprintf(out, cap, "NULL");
        return;
    }
    int32_t width = ff_type_value_width(t);
    const uint8_t *p = width ? vec->values + row * width : NULL;
    if (t->logical == FF_LOGICAL_DECIMAL) {
        __int128 v = 0;
        if (t->physical == FF_PHYSICAL_INT32) {
            int32_t x;
            memcpy(&x, p, 4);
            v = x;
        } else if (t->physical == FF_PHYSICAL_INT64) {
            int64_t x;
            memcpy(&x, p, 8);
            v = x;
        } else {
            const uint8_t *b = p;
            size_t len = (size_t)width;
            if (!b) {
                b = vec->values + vec->offsets[row];
                len = (size_t)(vec->offsets[row + 1] - vec->offsets[row]);
            }
            v = (len && (b[0] & 0x80)) ? -1 : 0;
            for (size_t k = 0; k < len; k++)
                v = (__int128)(((unsigned __int128)v << 8) | b[k]);
        }
        char digits[64];
        int n = 0;
        bool neg = v < 0;
        unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
        do {
            digits[n++] = (char)('0' + (int)(u % 10));
            u /= 10;
        } while (u);
        while (n <= t->scale)
            digits[n++] = '0';
        size_t w = 0;
        if (neg)
            out[w++] = '-';
        for (int k = n - 1; k >= 0; k--) {
            out[w++] = digits[k];
            if (k == t->scale && t->scale > 0)
                out[w++] = '.';
        }
        out[w] = 0;
        return;
    }
    switch (t->physical) {
    case FF_PHYSICAL_BOOLEAN:
        snprintf(out, cap, "%s", *p ? "true" : "false");
        return;
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_INT64: {
        int64_t v;
        if (t->physical == FF_PHYSICAL_INT32) {
            int32_t x;
            memcpy(&x, p, 4);
            v = t->logical == FF_LOGICAL_INT && !t->int_is_signed ? (int64_t)(uint32_t)x : x;
        } else {
            memcpy(&v, p, 8);
        }
        if (t->logical == FF_LOGICAL_DATE) {
            int64_t y;
            unsigned m, d;
            civil_from_days(v, &y, &m, &d);
            snprintf(out, cap, "%04lld-%02u-%02u", (long long)y, m, d);
        } else if (t->logical == FF_LOGICAL_TIMESTAMP || t->logical == FF_LOGICAL_TIME) {
            int64_t ps = per_second(t->unit);
            int64_t secs = v >= 0 ? v / ps : -((-v + ps - 1) / ps);
            int64_t frac = v - secs * ps;
            int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
            int64_t rem = secs - days * 86400;
            char fb[16] = "";
            if (frac) {
                int digits = t->unit == FF_TIME_MILLIS ? 3 : t->unit == FF_TIME_MICROS ? 6 : 9;
                snprintf(fb, sizeof fb, ".%0*lld", digits, (long long)frac);
                size_t fl = strlen(fb);
                while (fb[fl - 1] == '0')
                    fb[--fl] = 0;
            }
            if (t->logical == FF_LOGICAL_TIME) {
                snprintf(out, cap, "%02lld:%02lld:%02lld%s", (long long)(rem / 3600),
                         (long long)(rem / 60 % 60), (long long)(rem % 60), fb);
            } else {
                int64_t y;
                unsigned m, d;
                civil_from_days(days, &y, &m, &d);
                snprintf(out, cap, "%04lld-%02u-%02u %02lld:%02lld:%02lld%s", (long long)y, m, d,
                         (long long)(rem / 3600), (long long)(rem / 60 % 60), (long long)(rem % 60),
                         fb);
            }
        } else {
            snprintf(out, cap, "%lld", (long long)v);
        }
        return;
    }
    case FF_PHYSICAL_FLOAT:
    case FF_PHYSICAL_DOUBLE: {
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
        } else if (isinf(d)) {
            snprintf(out, cap, d < 0 ? "-inf" : "inf");
        } else {
            for (int digits = 1; digits <= 17; digits++) {
                snprintf(out, cap, "%.*g", digits, d);
                if (strtod(out, NULL) == d)
                    break;
            }
        }
        return;
    }
    case FF_PHYSICAL_BYTE_ARRAY:
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY: {
        const uint8_t *b = p;
        size_t len = (size_t)width;
        if (!b) {
            b = vec->values + vec->offsets[row];
            len = (size_t)(vec->offsets[row + 1] - vec->offsets[row]);
        }
        size_t w = 0;
        out[w++] = '\'';
        for (size_t k = 0; k < len && w + 4 < cap; k++) {
            if (b[k] == '\'')
                out[w++] = '\'';
            out[w++] = (char)b[k];
        }
        out[w++] = '\'';
        out[w] = 0;
        return;
    }
    default:
        snprintf(out, cap, "?");
    }
}

typedef struct stats {
    int cases, failures;
    bool print;
} stats;

static void table_free(table *tb) {
    ff_batch_free(&tb->batch);
    memset(tb, 0, sizeof *tb);
}

static bool table_finish_row(table *tb, char *line, const char *where) {
    char *cells[MAX_COLS + 1];
    int n = split_cells(line, cells, MAX_COLS + 1);
    if (n != tb->num_cols) {
        fprintf(stderr, "  %s: row has %d cells, table %d columns\n", where, n, tb->num_cols);
        return false;
    }
    if (tb->num_rows >= MAX_ROWS)
        return false;
    ff_error err;
    for (int c = 0; c < n; c++) {
        ff_vector *vec = &tb->batch.columns[c];
        if (ff_vector_reserve(vec, tb->num_rows + 1, vec->values_len + strlen(cells[c]) + 16, true,
                              &err) != FF_OK)
            return false;
        if (!set_cell(vec, tb->num_rows, cells[c])) {
            fprintf(stderr, "  %s: cannot read '%s' as column %s\n", where, cells[c], tb->names[c]);
            return false;
        }
        vec->length = tb->num_rows + 1;
    }
    tb->num_rows++;
    tb->batch.num_rows = tb->num_rows;
    return true;
}

static void run_case(table *tb, char *line, const char *where, stats *st) {
    char *arrow = NULL;
    for (char *p = strstr(line, "=>"); p; p = strstr(p + 2, "=>"))
        arrow = p;
    if (!arrow) {
        fprintf(stderr, "  %s: no '=>'\n", where);
        st->failures++;
        return;
    }
    *arrow = 0;
    char *expr_text = trim(line);
    char *expected = trim(arrow + 2);
    bool is_filter = false;
    const char *target_col = NULL;
    ff_type target_type;
    if (!strncmp(expr_text, "filter ", 7)) {
        is_filter = true;
        expr_text = trim(expr_text + 7);
    } else if (!strncmp(expr_text, "set ", 4)) {
        char *eq = strchr(expr_text + 4, '=');
        if (!eq) {
            st->failures++;
            return;
        }
        *eq = 0;
        target_col = trim(expr_text + 4);
        expr_text = trim(eq + 1);
        bool found = false;
        for (int c = 0; c < tb->num_cols; c++)
            if (!strcmp(tb->names[c], target_col)) {
                target_type = tb->fields[c].type;
                found = true;
            }
        if (!found) {
            fprintf(stderr, "  %s: no column %s\n", where, target_col);
            st->failures++;
            return;
        }
    }
    st->cases++;
    ff_table_schema schema = {tb->num_cols, tb->fields};
    ff_expr_options options;
    ff_expr_options_init(&options);
    options.kind = is_filter ? FF_EXPR_PREDICATE : FF_EXPR_VALUE;
    if (target_col) {
        options.target_type = &target_type;
        options.target_name = target_col;
    }
    ff_error err;
    ff_error_clear(&err);
    ff_expr *expr = NULL;
    char actual[LINE_CAP];
    size_t w = 0;
    ff_status status = ff_expr_compile(expr_text, &schema, &options, &expr, &err);
    ff_vector out;
    ff_vector_init(&out, NULL);
    ff_selection sel;
    ff_selection_init(&sel);
    if (status == FF_OK) {
        if (is_filter)
            status = ff_expr_filter(expr, &tb->batch, &sel, &err);
        else
            status = ff_expr_evaluate(expr, &tb->batch, &out, &err);
    }
    if (status != FF_OK) {
        snprintf(actual, sizeof actual, "error %s %s", ff_status_name(status), err.message);
    } else if (is_filter) {
        if (sel.num_rows == 0)
            w += (size_t)snprintf(actual, sizeof actual, "none");
        for (int64_t k = 0; k < sel.num_rows; k++)
            w += (size_t)snprintf(actual + w, sizeof actual - w, "%s%u", k ? " " : "", sel.rows[k]);
    } else {
        bool with_type = expected[0] == '[';
        if (with_type || st->print) {
            char tn[64];
            type_name(ff_expr_result_type(expr), tn, sizeof tn);
            w += (size_t)snprintf(actual + w, sizeof actual - w, "[%s] ", tn);
        }
        for (int64_t r = 0; r < out.length && w < sizeof actual - 256; r++) {
            char cell[512];
            render_value(&out, r, cell, sizeof cell);
            w += (size_t)snprintf(actual + w, sizeof actual - w, "%s%s", r ? " | " : "", cell);
        }
    }
    if (st->print) {
        printf("%s%s%s%s => %s\n",
               is_filter    ? "filter "
               : target_col ? "set "
                            : "",
               target_col ? target_col : "", target_col ? " = " : "", expr_text, actual);
    } else {
        /* Without an expected type, compare only the values. */
        const char *got = actual;
        if (expected[0] != '[' && actual[0] == '[' && strchr(actual, ']'))
            got = strchr(actual, ']') + 2;
        if (strcmp(got, expected) != 0) {
            fprintf(stderr, "  %s: %s\n    got      %s\n    expected %s\n", where, expr_text, got,
                    expected);
            st->failures++;
        }
    }
    ff_vector_free(&out);
    ff_selection_free(&sel);
    ff_expr_free(expr);
}

static void run_file(const char *path, stats *st) {
    FILE *file = fopen(path, "r");
    if (!file) {
        fprintf(stderr, "  cannot open %s\n", path);
        st->failures++;
        return;
    }
    table tb;
    memset(&tb, 0, sizeof tb);
    char line[LINE_CAP];
    int line_no = 0;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    while (fgets(line, sizeof line, file)) {
        line_no++;
        char where[300];
        snprintf(where, sizeof where, "%s:%d", base, line_no);
        char *s = trim(line);
        if (st->print && *s == '#')
            printf("%s\n", s);
        if (!*s || *s == '#')
            continue;
        if (st->print && strncmp(s, "filter ", 7) && strncmp(s, "set ", 4) && !strstr(s, "=>"))
            printf("%s\n", s);
        if (!strcmp(s, "table")) {
            table_free(&tb);
            continue;
        }
        if (!strncmp(s, "column ", 7)) {
            char name[64], type[64], extra[32] = "";
            if (sscanf(s + 7, "%63s %63s %31s", name, type, extra) < 2 || tb.num_cols >= MAX_COLS) {
                fprintf(stderr, "  %s: bad column line\n", where);
                st->failures++;
                continue;
            }
            ff_field *f = &tb.fields[tb.num_cols];
            snprintf(tb.names[tb.num_cols], sizeof tb.names[0], "%s", name);
            for (char *c = tb.names[tb.num_cols]; *c; c++)
                if (*c == '~')
                    *c = ' ';
            f->name = tb.names[tb.num_cols];
            f->is_nullable = strcmp(extra, "not") != 0;
            if (!parse_type(type, &f->type)) {
                fprintf(stderr, "  %s: unknown type %s\n", where, type);
                st->failures++;
                continue;
            }
            tb.num_cols++;
            ff_batch_free(&tb.batch);
            ff_error err;
            ff_batch_init(&tb.batch, tb.num_cols, &err);
            for (int c = 0; c < tb.num_cols; c++)
                ff_vector_init(&tb.batch.columns[c], &tb.fields[c].type);
            continue;
        }
        if (!strncmp(s, "row ", 4) || !strcmp(s, "row")) {
            if (!table_finish_row(&tb, s + 3, where))
                st->failures++;
            continue;
        }
        run_case(&tb, s, where, st);
    }
    table_free(&tb);
    fclose(file);
}

FF_TEST(expression_case_files) {
    const char *source = getenv("FF_SOURCE_DIR");
    char dir_path[4096];
    snprintf(dir_path, sizeof dir_path, "%s/tests/data/expr", source ? source : ".");
    DIR *dir = opendir(dir_path);
    if (!dir) {
        FF_FAIL_AT("cannot open %s", dir_path);
        return;
    }
    stats st = {0, 0, getenv("FF_EXPR_CASES_PRINT") != NULL};
    char names[64][256];
    int num_files = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) && num_files < 64) {
        size_t len = strlen(entry->d_name);
        if (len > 4 && !strcmp(entry->d_name + len - 4, ".txt"))
            snprintf(names[num_files++], sizeof names[0], "%s", entry->d_name);
    }
    closedir(dir);
    qsort(names, (size_t)num_files, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    for (int k = 0; k < num_files; k++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir_path, names[k]);
        if (st.print)
            printf("### %s\n", names[k]);
        run_file(path, &st);
    }
    printf("%d expression cases in %d files, %d failed\n", st.cases, num_files, st.failures);
    EXPECT_TRUE(st.cases >= 1);
    *ff_test_failures += st.failures;
}

FF_TEST_MAIN(FF_CASE(expression_case_files))
