/* Tokenizer and recursive-descent parser for the expression language (DESIGN.md §6): text in,
 * untyped tree out, every node stamped with its byte offset so that later errors point at
 * the right place. Literals are decoded here (numbers, strings with '' escapes, DATE,
 * TIMESTAMP and INTERVAL literals, CAST type names); names are resolved and types checked in
 * expr_type.c. Precedence, lowest first: OR, AND, NOT, comparison (= <> < IS IN BETWEEN
 * LIKE), ||, + -, * / %, unary minus, :: casts. Nesting is limited so that hostile input
 * cannot exhaust the stack. */
#include "expr/expr_internal.h"
#include "util/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define X_MAX_DEPTH 200

ff_status x_error_at(ff_error *err, ff_status code, int32_t pos, const char *fmt, ...) {
    char detail[FF_ERROR_MESSAGE_CAP];
    va_list args;
    va_start(args, fmt);
    vsnprintf(detail, sizeof detail, fmt, args);
    va_end(args);
    return ff_error_set(err, code, "at %d: %s", (int)pos, detail);
}

typedef enum tok_kind {
    TK_EOF = 0,
    TK_INT,    /* digits */
    TK_NUM,    /* digits with a '.' */
    TK_FLOAT,  /* with an exponent */
    TK_STRING, /* '...' */
    TK_IDENT,
    TK_QIDENT, /* "..." */
    TK_SYM,    /* operator or punctuation; text in sym */
} tok_kind;

typedef struct token {
    tok_kind kind;
    int32_t pos;
    int32_t len; /* bytes of source text */
    char sym[3];
} token;

typedef struct parser {
    const char *text;
    size_t len;
    size_t cur; /* next unread byte */
    token tok;  /* current token */
    ff_arena *arena;
    int depth;
    ff_error *err;
} parser;

static bool is_ident_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
static bool is_ident_char(unsigned char c) {
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}
static bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

/* Reads the next token into p->tok. Skips whitespace and -- comments. */
static ff_status lex(parser *p) {
    const char *s = p->text;
    size_t i = p->cur;
    for (;;) {
        while (i < p->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                              s[i] == '\f' || s[i] == '\v'))
            i++;
        if (i + 1 < p->len && s[i] == '-' && s[i + 1] == '-') {
            while (i < p->len && s[i] != '\n')
                i++;
            continue;
        }
        break;
    }
    token *t = &p->tok;
    memset(t, 0, sizeof *t);
    t->pos = (int32_t)i;
    if (i >= p->len) {
        t->kind = TK_EOF;
        p->cur = i;
        return FF_OK;
    }
    unsigned char c = (unsigned char)s[i];
    size_t start = i;
    if (c == 0)
        return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, t->pos, "unexpected NUL byte");
    if (is_digit(c) || (c == '.' && i + 1 < p->len && is_digit((unsigned char)s[i + 1]))) {
        t->kind = TK_INT;
        while (i < p->len && is_digit((unsigned char)s[i]))
            i++;
        if (i < p->len && s[i] == '.') {
            t->kind = TK_NUM;
            i++;
            while (i < p->len && is_digit((unsigned char)s[i]))
                i++;
        }
        if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
            size_t j = i + 1;
            if (j < p->len && (s[j] == '+' || s[j] == '-'))
                j++;
            if (j < p->len && is_digit((unsigned char)s[j])) {
                t->kind = TK_FLOAT;
                i = j;
                while (i < p->len && is_digit((unsigned char)s[i]))
                    i++;
            }
        }
        if (i < p->len && is_ident_start((unsigned char)s[i]))
            return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, (int32_t)i,
                              "unexpected character after number");
    } else if (c == '\'') {
        t->kind = TK_STRING;
        i++;
        for (;;) {
            if (i >= p->len)
                return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, t->pos,
                                  "unterminated string literal");
            if (s[i] == '\'') {
                if (i + 1 < p->len && s[i + 1] == '\'') {
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            i++;
        }
    } else if (c == '"') {
        t->kind = TK_QIDENT;
        i++;
        for (;;) {
            if (i >= p->len)
                return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, t->pos,
                                  "unterminated quoted identifier");
            if (s[i] == '"') {
                if (i + 1 < p->len && s[i + 1] == '"') {
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            i++;
        }
        if (i - start == 2)
            return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, t->pos, "empty quoted identifier");
    } else if (is_ident_start(c)) {
        t->kind = TK_IDENT;
        while (i < p->len && is_ident_char((unsigned char)s[i]))
            i++;
    } else {
        static const char *const two[] = {"<>", "!=", "<=", ">=", "||", "::", "==", NULL};
        t->kind = TK_SYM;
        for (int k = 0; two[k]; k++) {
            if (i + 1 < p->len && s[i] == two[k][0] && s[i + 1] == two[k][1]) {
                t->sym[0] = two[k][0];
                t->sym[1] = two[k][1];
                i += 2;
                goto done;
            }
        }
        if (strchr("()+-*/%,=<>", c)) {
            t->sym[0] = (char)c;
            i++;
        } else {
            return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, t->pos, "unexpected character '%c'",
                              c >= 0x20 && c < 0x7f ? c : '?');
        }
    }
done:
    t->len = (int32_t)(i - start);
    p->cur = i;
    return FF_OK;
}

static bool tok_is_sym(const parser *p, const char *sym) {
    return p->tok.kind == TK_SYM && strcmp(p->tok.sym, sym) == 0;
}

static bool tok_is_kw(const parser *p, const char *kw) {
    size_t n = strlen(kw);
    return p->tok.kind == TK_IDENT && (size_t)p->tok.len == n &&
           strncasecmp(p->text + p->tok.pos, kw, n) == 0;
}

/* Peeks at the token after the current one without consuming anything. */
static ff_status peek_next(parser *p, token *out) {
    size_t saved_cur = p->cur;
    token saved = p->tok;
    ff_status status = lex(p);
    *out = p->tok;
    p->cur = saved_cur;
    p->tok = saved;
    return status;
}

static const char *const reserved_words[] = {
    "and",  "or",   "not", "is",   "in",   "between", "like",  "ilike",  "case", "when",
    "then", "else", "end", "cast", "null", "true",    "false", "escape", NULL};

static bool tok_is_reserved(const parser *p) {
    for (int k = 0; reserved_words[k]; k++)
        if (tok_is_kw(p, reserved_words[k]))
            return true;
    return false;
}

/* Describes the current token for "expected X, found Y" messages. */
static void describe_tok(const parser *p, char *buf, size_t cap) {
    if (p->tok.kind == TK_EOF) {
        snprintf(buf, cap, "end of expression");
        return;
    }
    int len = p->tok.len > 24 ? 24 : p->tok.len;
    snprintf(buf, cap, "'%.*s%s'", len, p->text + p->tok.pos, p->tok.len > 24 ? "..." : "");
}

static ff_status expected(parser *p, const char *what) {
    char found[64];
    describe_tok(p, found, sizeof found);
    return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, p->tok.pos, "expected %s, found %s", what, found);
}

static ff_status expect_sym(parser *p, const char *sym, const char *what) {
    if (!tok_is_sym(p, sym))
        return expected(p, what);
    return lex(p);
}

static x_node *new_node(parser *p, x_op op, int32_t pos, int32_t num_args) {
    x_node *node = ff_arena_alloc(p->arena, sizeof *node, p->err);
    if (!node)
        return NULL;
    node->op = (uint8_t)op;
    node->pos = pos;
    node->num_args = num_args;
    if (num_args > 0) {
        node->args = ff_arena_array(p->arena, (size_t)num_args, sizeof(x_node *), p->err);
        if (!node->args)
            return NULL;
    }
    return node;
}

/* A growable list of nodes for argument lists; copied into the arena when done. */
typedef struct node_list {
    x_node **items;
    int32_t count, cap;
} node_list;

static ff_status list_push(node_list *list, x_node *node, ff_error *err) {
    if (list->count == list->cap) {
        if (list->cap >= (1 << 20))
            return ff_error_set(err, FF_ERR_LIMIT, "expression list has too many items");
        int32_t cap = list->cap ? list->cap * 2 : 8;
        x_node **grown = ff_realloc(list->items, (size_t)cap * sizeof *grown, "node list", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        list->items = grown;
        list->cap = cap;
    }
    list->items[list->count++] = node;
    return FF_OK;
}

static x_node *list_to_node(parser *p, node_list *list, x_op op, int32_t pos) {
    x_node *node = new_node(p, op, pos, list->count);
    if (node && list->count)
        memcpy(node->args, list->items, (size_t)list->count * sizeof(x_node *));
    return node;
}

static ff_status parse_expr(parser *p, x_node **out);
static ff_status parse_concat(parser *p, x_node **out);

/* Decodes the current string token ('' -> ') into the arena. */
static ff_status string_token_value(parser *p, x_str *out) {
    const char *s = p->text + p->tok.pos + 1;
    size_t raw = (size_t)p->tok.len - 2;
    uint8_t *buf = ff_arena_alloc(p->arena, raw + 1, p->err);
    if (!buf)
        return FF_ERR_NO_MEMORY;
    size_t n = 0;
    for (size_t i = 0; i < raw; i++) {
        buf[n++] = (uint8_t)s[i];
        if (s[i] == '\'')
            i++;
    }
    out->ptr = buf;
    out->len = (int64_t)n;
    return FF_OK;
}

/* Decodes the current quoted identifier ("" -> ") into the arena. */
static ff_status qident_value(parser *p, const char **out) {
    const char *s = p->text + p->tok.pos + 1;
    size_t raw = (size_t)p->tok.len - 2;
    char *buf = ff_arena_alloc(p->arena, raw + 1, p->err);
    if (!buf)
        return FF_ERR_NO_MEMORY;
    size_t n = 0;
    for (size_t i = 0; i < raw; i++) {
        buf[n++] = s[i];
        if (s[i] == '"')
            i++;
    }
    buf[n] = 0;
    *out = buf;
    return FF_OK;
}

static x_type mk_type(x_kind kind) {
    x_type t;
    memset(&t, 0, sizeof t);
    t.kind = (uint8_t)kind;
    if (kind == XK_INT)
        t.int_bits = 64;
    if (kind == XK_TIMESTAMP || kind == XK_TIME)
        t.unit = FF_TIME_MICROS;
    return t;
}

/* Numeric literal: BIGINT when it fits, else DECIMAL up to 38 digits, else DOUBLE. */
static ff_status parse_number(parser *p, x_node **out) {
    const char *s = p->text + p->tok.pos;
    size_t len = (size_t)p->tok.len;
    x_node *node = new_node(p, XN_CONST, p->tok.pos, 0);
    if (!node)
        return FF_ERR_NO_MEMORY;
    if (p->tok.kind == TK_INT || p->tok.kind == TK_NUM) {
        size_t dot = len;
        for (size_t i = 0; i < len; i++)
            if (s[i] == '.')
                dot = i;
        int scale = dot < len ? (int)(len - dot - 1) : 0;
        /* Count significant digits: leading zeros of the integer part do not count. */
        size_t first = 0;
        while (first < dot && s[first] == '0')
            first++;
        int int_digits = (int)(dot - first);
        int precision = int_digits + scale;
        if (precision < 1)
            precision = 1;
        if (precision <= 38 && scale <= 38) {
            x_i128 value;
            if (x_parse_decimal((const uint8_t *)s, len, 38, scale, &value)) {
                if (scale == 0 && value <= INT64_MAX) {
                    node->type = mk_type(XK_INT);
                    node->value.v.i = (int64_t)value;
                } else {
                    node->type = mk_type(XK_DEC);
                    node->type.precision = (uint8_t)(precision < scale ? scale : precision);
                    node->type.scale = (uint8_t)scale;
                    node->value.v.dec = value;
                }
                *out = node;
                return lex(p);
            }
        }
    }
    char buf[512];
    if (len >= sizeof buf)
        return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, p->tok.pos, "numeric literal too long");
    memcpy(buf, s, len);
    buf[len] = 0;
    node->type = mk_type(XK_DOUBLE);
    node->value.v.d = strtod(buf, NULL);
    *out = node;
    return lex(p);
}

/* Interval units in microseconds. */
static int64_t interval_unit(const char *s, size_t len) {
    static const struct {
        const char *name;
        int64_t micros;
    } units[] = {{"microsecond", 1},       {"microseconds", 1},       {"us", 1},
                 {"millisecond", 1000},    {"milliseconds", 1000},    {"ms", 1000},
                 {"second", 1000000},      {"seconds", 1000000},      {"s", 1000000},
                 {"minute", 60000000},     {"minutes", 60000000},     {"m", 60000000},
                 {"hour", 3600000000LL},   {"hours", 3600000000LL},   {"h", 3600000000LL},
                 {"day", 86400000000LL},   {"days", 86400000000LL},   {"d", 86400000000LL},
                 {"week", 604800000000LL}, {"weeks", 604800000000LL}, {NULL, 0}};
    for (int k = 0; units[k].name; k++)
        if (strlen(units[k].name) == len && strncasecmp(units[k].name, s, len) == 0)
            return units[k].micros;
    return 0;
}

static bool is_month_unit(const char *s, size_t len) {
    static const char *const names[] = {"month",   "months",   "year", "years",
                                        "quarter", "quarters", NULL};
    for (int k = 0; names[k]; k++)
        if (strlen(names[k]) == len && strncasecmp(names[k], s, len) == 0)
            return true;
    return false;
}

/* INTERVAL '2' HOUR | INTERVAL 2 HOURS | INTERVAL '2 hours' | INTERVAL '-1' DAY */
static ff_status parse_interval(parser *p, int32_t pos, x_node **out) {
    ff_status status;
    const char *num_text = NULL;
    size_t num_len = 0;
    int32_t num_pos = p->tok.pos;
    bool negative = false;
    int64_t unit_micros = 0;
    if (tok_is_sym(p, "-")) {
        negative = true;
        FF_FORWARD_IF_ERROR(lex(p));
        num_pos = p->tok.pos;
    }
    if (p->tok.kind == TK_STRING) {
        num_text = p->text + p->tok.pos + 1;
        num_len = (size_t)p->tok.len - 2;
        /* '2 hours': the unit may be inside the string. */
        size_t i = 0;
        while (i < num_len && num_text[i] == ' ')
            i++;
        if (i < num_len && (num_text[i] == '-' || num_text[i] == '+')) {
            negative = negative != (num_text[i] == '-');
            i++;
        }
        size_t digits = i;
        while (digits < num_len && is_digit((unsigned char)num_text[digits]))
            digits++;
        size_t unit_start = digits;
        while (unit_start < num_len && num_text[unit_start] == ' ')
            unit_start++;
        size_t unit_end = num_len;
        while (unit_end > unit_start && num_text[unit_end - 1] == ' ')
            unit_end--;
        if (digits == i)
            return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, num_pos,
                              "expected a whole number of units in the INTERVAL literal");
        if (unit_end > unit_start) {
            if (is_month_unit(num_text + unit_start, unit_end - unit_start))
                return x_error_at(p->err, FF_ERR_EXPR_TYPE, num_pos,
                                  "INTERVAL in months or years has no fixed length; use "
                                  "days, hours, minutes or seconds");
            unit_micros = interval_unit(num_text + unit_start, unit_end - unit_start);
            if (!unit_micros)
                return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, num_pos,
                                  "unknown INTERVAL unit '%.*s'", (int)(unit_end - unit_start),
                                  num_text + unit_start);
        }
        num_text += i;
        num_len = digits - i;
    } else if (p->tok.kind == TK_INT) {
        num_text = p->text + p->tok.pos;
        num_len = (size_t)p->tok.len;
    } else {
        return expected(p, "a number or string after INTERVAL");
    }
    FF_FORWARD_IF_ERROR(lex(p));
    if (!unit_micros) {
        if (p->tok.kind != TK_IDENT)
            return expected(p, "an INTERVAL unit (DAY, HOUR, MINUTE, SECOND)");
        const char *u = p->text + p->tok.pos;
        if (is_month_unit(u, (size_t)p->tok.len))
            return x_error_at(p->err, FF_ERR_EXPR_TYPE, p->tok.pos,
                              "INTERVAL in months or years has no fixed length; use days, "
                              "hours, minutes or seconds");
        unit_micros = interval_unit(u, (size_t)p->tok.len);
        if (!unit_micros)
            return expected(p, "an INTERVAL unit (DAY, HOUR, MINUTE, SECOND)");
        FF_FORWARD_IF_ERROR(lex(p));
    }
    int64_t count = 0;
    for (size_t i = 0; i < num_len; i++) {
        if (__builtin_mul_overflow(count, 10, &count) ||
            __builtin_add_overflow(count, num_text[i] - '0', &count))
            return x_error_at(p->err, FF_ERR_EXPR_TYPE, num_pos, "INTERVAL out of range");
    }
    int64_t micros;
    if (__builtin_mul_overflow(count, unit_micros, &micros))
        return x_error_at(p->err, FF_ERR_EXPR_TYPE, num_pos, "INTERVAL out of range");
    x_node *node = new_node(p, XN_CONST, pos, 0);
    if (!node)
        return FF_ERR_NO_MEMORY;
    node->type = mk_type(XK_INTERVAL);
    node->value.v.i = negative ? -micros : micros;
    *out = node;
    status = FF_OK;
    return status;
}

/* Parses a CAST target type name: INTEGER, DECIMAL(10,2), DOUBLE PRECISION, TIMESTAMP WITH
 * TIME ZONE, ... */
static ff_status parse_type_name(parser *p, x_type *out) {
    if (p->tok.kind != TK_IDENT && p->tok.kind != TK_QIDENT)
        return expected(p, "a type name");
    int32_t pos = p->tok.pos;
    char name[40];
    int len = p->tok.len;
    if (len >= (int)sizeof name)
        return x_error_at(p->err, FF_ERR_EXPR_TYPE, pos, "unknown type '%.*s'", len, p->text + pos);
    for (int i = 0; i < len; i++) {
        char c = p->text[pos + i];
        name[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    name[len] = 0;
    FF_FORWARD_IF_ERROR(lex(p));
    static const struct {
        const char *name;
        uint8_t kind, bits;
        bool is_unsigned, is_float32;
        uint8_t unit;
        bool utc;
    } names[] = {
        {"boolean", XK_BOOL, 0, 0, 0, 0, 0},
        {"bool", XK_BOOL, 0, 0, 0, 0, 0},
        {"tinyint", XK_INT, 8, 0, 0, 0, 0},
        {"int1", XK_INT, 8, 0, 0, 0, 0},
        {"smallint", XK_INT, 16, 0, 0, 0, 0},
        {"int2", XK_INT, 16, 0, 0, 0, 0},
        {"short", XK_INT, 16, 0, 0, 0, 0},
        {"integer", XK_INT, 32, 0, 0, 0, 0},
        {"int", XK_INT, 32, 0, 0, 0, 0},
        {"int4", XK_INT, 32, 0, 0, 0, 0},
        {"signed", XK_INT, 32, 0, 0, 0, 0},
        {"bigint", XK_INT, 64, 0, 0, 0, 0},
        {"int8", XK_INT, 64, 0, 0, 0, 0},
        {"long", XK_INT, 64, 0, 0, 0, 0},
        {"utinyint", XK_INT, 8, 1, 0, 0, 0},
        {"usmallint", XK_INT, 16, 1, 0, 0, 0},
        {"uinteger", XK_INT, 32, 1, 0, 0, 0},
        {"ubigint", XK_INT, 64, 1, 0, 0, 0},
        {"real", XK_DOUBLE, 0, 0, 1, 0, 0},
        {"float", XK_DOUBLE, 0, 0, 1, 0, 0},
        {"float4", XK_DOUBLE, 0, 0, 1, 0, 0},
        {"double", XK_DOUBLE, 0, 0, 0, 0, 0},
        {"float8", XK_DOUBLE, 0, 0, 0, 0, 0},
        {"varchar", XK_STRING, 0, 0, 0, 0, 0},
        {"text", XK_STRING, 0, 0, 0, 0, 0},
        {"string", XK_STRING, 0, 0, 0, 0, 0},
        {"char", XK_STRING, 0, 0, 0, 0, 0},
        {"bpchar", XK_STRING, 0, 0, 0, 0, 0},
        {"blob", XK_BINARY, 0, 0, 0, 0, 0},
        {"bytea", XK_BINARY, 0, 0, 0, 0, 0},
        {"binary", XK_BINARY, 0, 0, 0, 0, 0},
        {"varbinary", XK_BINARY, 0, 0, 0, 0, 0},
        {"date", XK_DATE, 0, 0, 0, 0, 0},
        {"time", XK_TIME, 0, 0, 0, FF_TIME_MICROS, 0},
        {"timestamp", XK_TIMESTAMP, 0, 0, 0, FF_TIME_MICROS, 0},
        {"datetime", XK_TIMESTAMP, 0, 0, 0, FF_TIME_MICROS, 0},
        {"timestamp_us", XK_TIMESTAMP, 0, 0, 0, FF_TIME_MICROS, 0},
        {"timestamptz", XK_TIMESTAMP, 0, 0, 0, FF_TIME_MICROS, 1},
        {"timestamp_ms", XK_TIMESTAMP, 0, 0, 0, FF_TIME_MILLIS, 0},
        {"timestamp_ns", XK_TIMESTAMP, 0, 0, 0, FF_TIME_NANOS, 0},
        {"decimal", XK_DEC, 0, 0, 0, 0, 0},
        {"numeric", XK_DEC, 0, 0, 0, 0, 0},
        {NULL, 0, 0, 0, 0, 0, 0},
    };
    int found = -1;
    for (int k = 0; names[k].name; k++)
        if (strcmp(names[k].name, name) == 0)
            found = k;
    if (found < 0)
        return x_error_at(p->err, FF_ERR_EXPR_TYPE, pos,
                          "unknown type '%s' (expected BOOLEAN, INTEGER, BIGINT, DOUBLE, "
                          "DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP, ...)",
                          name);
    x_type t = mk_type((x_kind)names[found].kind);
    if (t.kind == XK_INT) {
        t.int_bits = names[found].bits;
        t.is_unsigned = names[found].is_unsigned;
    }
    t.is_float32 = names[found].is_float32;
    if (t.kind == XK_TIMESTAMP || t.kind == XK_TIME) {
        t.unit = names[found].unit;
        t.is_utc = names[found].utc;
    }
    if (strcmp(name, "double") == 0 && tok_is_kw(p, "precision"))
        FF_FORWARD_IF_ERROR(lex(p));
    if ((strcmp(name, "varchar") == 0 || strcmp(name, "char") == 0) && tok_is_sym(p, "(")) {
        /* VARCHAR(n): the length is accepted and ignored, as DuckDB does. */
        FF_FORWARD_IF_ERROR(lex(p));
        if (p->tok.kind != TK_INT)
            return expected(p, "a length");
        FF_FORWARD_IF_ERROR(lex(p));
        FF_FORWARD_IF_ERROR(expect_sym(p, ")", "')'"));
    }
    if (t.kind == XK_TIMESTAMP && tok_is_kw(p, "with")) {
        FF_FORWARD_IF_ERROR(lex(p));
        if (!tok_is_kw(p, "time"))
            return expected(p, "TIME ZONE");
        FF_FORWARD_IF_ERROR(lex(p));
        if (!tok_is_kw(p, "zone"))
            return expected(p, "ZONE");
        FF_FORWARD_IF_ERROR(lex(p));
        t.is_utc = true;
    }
    if (t.kind == XK_DEC) {
        int precision = 18, scale = 3; /* DuckDB's default DECIMAL */
        if (tok_is_sym(p, "(")) {
            FF_FORWARD_IF_ERROR(lex(p));
            if (p->tok.kind != TK_INT || p->tok.len > 3)
                return expected(p, "a precision");
            precision = atoi(p->text + p->tok.pos);
            scale = 0;
            FF_FORWARD_IF_ERROR(lex(p));
            if (tok_is_sym(p, ",")) {
                FF_FORWARD_IF_ERROR(lex(p));
                if (p->tok.kind != TK_INT || p->tok.len > 3)
                    return expected(p, "a scale");
                scale = atoi(p->text + p->tok.pos);
                FF_FORWARD_IF_ERROR(lex(p));
            }
            FF_FORWARD_IF_ERROR(expect_sym(p, ")", "')'"));
        }
        if (precision < 1 || precision > 38 || scale > precision)
            return x_error_at(p->err, FF_ERR_EXPR_TYPE, pos,
                              "DECIMAL(%d,%d) is invalid: precision must be 1..38 and scale "
                              "at most the precision",
                              precision, scale);
        t.precision = (uint8_t)precision;
        t.scale = (uint8_t)scale;
    }
    *out = t;
    return FF_OK;
}

static ff_status parse_case(parser *p, int32_t pos, x_node **out) {
    ff_status status = FF_OK;
    node_list list = {0};
    x_node *operand = NULL;
    bool has_else = false;
    if (!tok_is_kw(p, "when")) {
        FF_CHECK_GOTO(status, parse_expr(p, &operand), cleanup);
        FF_CHECK_GOTO(status, list_push(&list, operand, p->err), cleanup);
    }
    if (!tok_is_kw(p, "when")) {
        status = expected(p, "WHEN");
        goto cleanup;
    }
    while (tok_is_kw(p, "when")) {
        x_node *when = NULL, *then = NULL;
        FF_CHECK_GOTO(status, lex(p), cleanup);
        FF_CHECK_GOTO(status, parse_expr(p, &when), cleanup);
        if (!tok_is_kw(p, "then")) {
            status = expected(p, "THEN");
            goto cleanup;
        }
        FF_CHECK_GOTO(status, lex(p), cleanup);
        FF_CHECK_GOTO(status, parse_expr(p, &then), cleanup);
        FF_CHECK_GOTO(status, list_push(&list, when, p->err), cleanup);
        FF_CHECK_GOTO(status, list_push(&list, then, p->err), cleanup);
    }
    if (tok_is_kw(p, "else")) {
        x_node *other = NULL;
        FF_CHECK_GOTO(status, lex(p), cleanup);
        FF_CHECK_GOTO(status, parse_expr(p, &other), cleanup);
        FF_CHECK_GOTO(status, list_push(&list, other, p->err), cleanup);
        has_else = true;
    }
    if (!tok_is_kw(p, "end")) {
        status = expected(p, has_else ? "END" : "WHEN, ELSE or END");
        goto cleanup;
    }
    FF_CHECK_GOTO(status, lex(p), cleanup);
    x_node *node = list_to_node(p, &list, XN_CASE, pos);
    if (!node) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    node->has_else = has_else;
    /* A simple CASE (CASE x WHEN v ...) keeps x as an extra first argument; typing rewrites
     * it into searched form (x = v). fn_param marks it. */
    node->fn_param = operand ? 1 : 0;
    *out = node;
cleanup:
    free(list.items);
    return status;
}

static ff_status parse_call(parser *p, int32_t pos, const char *name, x_node **out) {
    ff_status status = FF_OK;
    node_list list = {0};
    FF_CHECK_GOTO(status, lex(p), cleanup); /* '(' */
    if (!tok_is_sym(p, ")")) {
        for (;;) {
            x_node *arg = NULL;
            FF_CHECK_GOTO(status, parse_expr(p, &arg), cleanup);
            FF_CHECK_GOTO(status, list_push(&list, arg, p->err), cleanup);
            if (tok_is_sym(p, ",")) {
                FF_CHECK_GOTO(status, lex(p), cleanup);
                continue;
            }
            break;
        }
    }
    if (!tok_is_sym(p, ")")) {
        status = expected(p, "',' or ')'");
        goto cleanup;
    }
    FF_CHECK_GOTO(status, lex(p), cleanup);
    x_node *node = list_to_node(p, &list, XN_FUNC, pos);
    if (!node) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    node->name = name;
    *out = node;
cleanup:
    free(list.items);
    return status;
}

static ff_status parse_primary(parser *p, x_node **out) {
    int32_t pos = p->tok.pos;
    switch (p->tok.kind) {
    case TK_EOF:
        return expected(p, "an expression");
    case TK_INT:
    case TK_NUM:
    case TK_FLOAT:
        return parse_number(p, out);
    case TK_STRING: {
        x_node *node = new_node(p, XN_CONST, pos, 0);
        if (!node)
            return FF_ERR_NO_MEMORY;
        node->type = mk_type(XK_STRING);
        node->is_string_literal = true;
        FF_FORWARD_IF_ERROR(string_token_value(p, &node->value.v.s));
        *out = node;
        return lex(p);
    }
    case TK_QIDENT: {
        x_node *node = new_node(p, XN_COLUMN, pos, 0);
        if (!node)
            return FF_ERR_NO_MEMORY;
        FF_FORWARD_IF_ERROR(qident_value(p, &node->name));
        node->is_string_literal = false;
        node->fn_param = 1; /* quoted: match exactly */
        *out = node;
        return lex(p);
    }
    case TK_SYM:
        if (tok_is_sym(p, "(")) {
            FF_FORWARD_IF_ERROR(lex(p));
            FF_FORWARD_IF_ERROR(parse_expr(p, out));
            (*out)->is_parenthesized = true;
            return expect_sym(p, ")", "')'");
        }
        return expected(p, "an expression");
    case TK_IDENT:
        break;
    }
    if (tok_is_kw(p, "null") || tok_is_kw(p, "true") || tok_is_kw(p, "false")) {
        x_node *node = new_node(p, XN_CONST, pos, 0);
        if (!node)
            return FF_ERR_NO_MEMORY;
        if (tok_is_kw(p, "null")) {
            node->type = mk_type(XK_NULL);
            node->value.is_null = true;
        } else {
            node->type = mk_type(XK_BOOL);
            node->value.v.b = tok_is_kw(p, "true");
        }
        *out = node;
        return lex(p);
    }
    if (tok_is_kw(p, "case")) {
        FF_FORWARD_IF_ERROR(lex(p));
        return parse_case(p, pos, out);
    }
    if (tok_is_kw(p, "cast")) {
        FF_FORWARD_IF_ERROR(lex(p));
        FF_FORWARD_IF_ERROR(expect_sym(p, "(", "'(' after CAST"));
        x_node *node = new_node(p, XN_CAST, pos, 1);
        if (!node)
            return FF_ERR_NO_MEMORY;
        FF_FORWARD_IF_ERROR(parse_expr(p, &node->args[0]));
        if (!tok_is_kw(p, "as"))
            return expected(p, "AS");
        FF_FORWARD_IF_ERROR(lex(p));
        FF_FORWARD_IF_ERROR(parse_type_name(p, &node->type));
        node->fn_param = 1; /* explicit */
        *out = node;
        return expect_sym(p, ")", "')'");
    }
    if (tok_is_reserved(p))
        return expected(p, "an expression");
    token next;
    FF_FORWARD_IF_ERROR(peek_next(p, &next));
    /* DATE '...', TIMESTAMP '...', TIME '...': typed literals. The same words are also
     * common column names (date, time), so they are keywords only before a string. */
    if (next.kind == TK_STRING && (tok_is_kw(p, "date") || tok_is_kw(p, "timestamp") ||
                                   tok_is_kw(p, "timestamptz") || tok_is_kw(p, "time"))) {
        x_type t = mk_type(tok_is_kw(p, "date")   ? XK_DATE
                           : tok_is_kw(p, "time") ? XK_TIME
                                                  : XK_TIMESTAMP);
        t.is_utc = tok_is_kw(p, "timestamptz");
        FF_FORWARD_IF_ERROR(lex(p));
        x_str text;
        int32_t lit_pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(string_token_value(p, &text));
        x_node *node = new_node(p, XN_CONST, pos, 0);
        if (!node)
            return FF_ERR_NO_MEMORY;
        node->type = t;
        bool ok = t.kind == XK_DATE ? x_parse_date(text.ptr, (size_t)text.len, &node->value.v.i)
                  : t.kind == XK_TIME
                      ? x_parse_time(text.ptr, (size_t)text.len, t.unit, &node->value.v.i)
                      : x_parse_timestamp(text.ptr, (size_t)text.len, t.unit, &node->value.v.i);
        if (!ok)
            return x_error_at(p->err, FF_ERR_EXPR_TYPE, lit_pos,
                              "cannot read '%.*s' as %s (expected %s)",
                              (int)(text.len > 40 ? 40 : text.len), (const char *)text.ptr,
                              t.kind == XK_DATE   ? "DATE"
                              : t.kind == XK_TIME ? "TIME"
                                                  : "TIMESTAMP",
                              t.kind == XK_DATE   ? "YYYY-MM-DD"
                              : t.kind == XK_TIME ? "HH:MM:SS"
                                                  : "YYYY-MM-DD HH:MM:SS[.ffffff]");
        *out = node;
        return lex(p);
    }
    if (tok_is_kw(p, "interval") && (next.kind == TK_STRING || next.kind == TK_INT ||
                                     (next.kind == TK_SYM && strcmp(next.sym, "-") == 0))) {
        FF_FORWARD_IF_ERROR(lex(p));
        return parse_interval(p, pos, out);
    }
    /* Function call or column name. */
    char *name = ff_arena_strndup(p->arena, p->text + pos, (size_t)p->tok.len, p->err);
    if (!name)
        return FF_ERR_NO_MEMORY;
    if (next.kind == TK_SYM && strcmp(next.sym, "(") == 0) {
        for (char *c = name; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c + 32);
        FF_FORWARD_IF_ERROR(lex(p));
        return parse_call(p, pos, name, out);
    }
    x_node *node = new_node(p, XN_COLUMN, pos, 0);
    if (!node)
        return FF_ERR_NO_MEMORY;
    node->name = name;
    *out = node;
    return lex(p);
}

static ff_status parse_postfix(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(parse_primary(p, out));
    while (tok_is_sym(p, "::")) {
        int32_t pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(lex(p));
        x_node *node = new_node(p, XN_CAST, pos, 1);
        if (!node)
            return FF_ERR_NO_MEMORY;
        node->args[0] = *out;
        FF_FORWARD_IF_ERROR(parse_type_name(p, &node->type));
        node->fn_param = 1;
        *out = node;
    }
    return FF_OK;
}

static ff_status enter(parser *p) {
    if (++p->depth > X_MAX_DEPTH)
        return x_error_at(p->err, FF_ERR_EXPR_SYNTAX, p->tok.pos,
                          "expression nests more than %d levels deep", X_MAX_DEPTH);
    return FF_OK;
}

static ff_status parse_unary(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(enter(p));
    ff_status status;
    if (tok_is_sym(p, "-") || tok_is_sym(p, "+")) {
        bool is_minus = tok_is_sym(p, "-");
        int32_t pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(lex(p));
        x_node *arg = NULL;
        status = parse_unary(p, &arg);
        if (status != FF_OK)
            return status;
        if (!is_minus) {
            *out = arg;
        } else if (arg->op == XN_CONST && !arg->is_parenthesized &&
                   (arg->type.kind == XK_INT || arg->type.kind == XK_DEC ||
                    arg->type.kind == XK_DOUBLE || arg->type.kind == XK_INTERVAL)) {
            /* Negative literals are literals, so that -9223372036854775808 is a BIGINT. */
            arg->pos = pos;
            if (arg->type.kind == XK_DOUBLE) {
                arg->value.v.d = -arg->value.v.d;
            } else if (arg->type.kind == XK_DEC) {
                arg->value.v.dec = -arg->value.v.dec;
                if (arg->type.scale == 0 && arg->value.v.dec >= INT64_MIN) {
                    int64_t v = (int64_t)arg->value.v.dec;
                    memset(&arg->type, 0, sizeof arg->type);
                    arg->type.kind = XK_INT;
                    arg->type.int_bits = 64;
                    arg->value.v.i = v;
                }
            } else if (arg->value.v.i == INT64_MIN) {
                x_i128 v = -(x_i128)arg->value.v.i;
                memset(&arg->type, 0, sizeof arg->type);
                arg->type.kind = XK_DEC;
                arg->type.precision = 19;
                arg->value.v.dec = v;
            } else {
                arg->value.v.i = -arg->value.v.i;
            }
            *out = arg;
        } else {
            x_node *node = new_node(p, XN_NEG, pos, 1);
            if (!node)
                return FF_ERR_NO_MEMORY;
            node->args[0] = arg;
            *out = node;
        }
    } else {
        status = parse_postfix(p, out);
        if (status != FF_OK)
            return status;
    }
    p->depth--;
    return FF_OK;
}

static ff_status binary(parser *p, x_op op, int32_t pos, x_node *left, x_node *right,
                        x_node **out) {
    x_node *node = new_node(p, op, pos, 2);
    if (!node)
        return FF_ERR_NO_MEMORY;
    node->args[0] = left;
    node->args[1] = right;
    *out = node;
    return FF_OK;
}

static ff_status parse_mul(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(parse_unary(p, out));
    for (;;) {
        x_op op = tok_is_sym(p, "*")   ? XN_MUL
                  : tok_is_sym(p, "/") ? XN_DIV
                  : tok_is_sym(p, "%") ? XN_MOD
                                       : XN_OP_COUNT;
        if (op == XN_OP_COUNT)
            return FF_OK;
        int32_t pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(lex(p));
        x_node *right = NULL;
        FF_FORWARD_IF_ERROR(parse_unary(p, &right));
        FF_FORWARD_IF_ERROR(binary(p, op, pos, *out, right, out));
    }
}

static ff_status parse_add(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(parse_mul(p, out));
    for (;;) {
        x_op op = tok_is_sym(p, "+") ? XN_ADD : tok_is_sym(p, "-") ? XN_SUB : XN_OP_COUNT;
        if (op == XN_OP_COUNT)
            return FF_OK;
        int32_t pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(lex(p));
        x_node *right = NULL;
        FF_FORWARD_IF_ERROR(parse_mul(p, &right));
        FF_FORWARD_IF_ERROR(binary(p, op, pos, *out, right, out));
    }
}

static ff_status parse_concat(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(enter(p));
    FF_FORWARD_IF_ERROR(parse_add(p, out));
    while (tok_is_sym(p, "||")) {
        int32_t pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(lex(p));
        x_node *right = NULL;
        FF_FORWARD_IF_ERROR(parse_add(p, &right));
        FF_FORWARD_IF_ERROR(binary(p, XN_CONCAT, pos, *out, right, out));
    }
    p->depth--;
    return FF_OK;
}

static ff_status parse_comparison(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(parse_concat(p, out));
    for (;;) {
        int32_t pos = p->tok.pos;
        x_op op = XN_OP_COUNT;
        if (tok_is_sym(p, "=") || tok_is_sym(p, "=="))
            op = XN_EQ;
        else if (tok_is_sym(p, "<>") || tok_is_sym(p, "!="))
            op = XN_NE;
        else if (tok_is_sym(p, "<"))
            op = XN_LT;
        else if (tok_is_sym(p, "<="))
            op = XN_LE;
        else if (tok_is_sym(p, ">"))
            op = XN_GT;
        else if (tok_is_sym(p, ">="))
            op = XN_GE;
        if (op != XN_OP_COUNT) {
            FF_FORWARD_IF_ERROR(lex(p));
            x_node *right = NULL;
            FF_FORWARD_IF_ERROR(parse_concat(p, &right));
            FF_FORWARD_IF_ERROR(binary(p, op, pos, *out, right, out));
            continue;
        }
        if (tok_is_kw(p, "is")) {
            FF_FORWARD_IF_ERROR(lex(p));
            bool negated = false;
            if (tok_is_kw(p, "not")) {
                negated = true;
                FF_FORWARD_IF_ERROR(lex(p));
            }
            if (tok_is_kw(p, "null")) {
                FF_FORWARD_IF_ERROR(lex(p));
                x_node *node = new_node(p, XN_IS_NULL, pos, 1);
                if (!node)
                    return FF_ERR_NO_MEMORY;
                node->args[0] = *out;
                node->is_negated = negated;
                *out = node;
                continue;
            }
            if (tok_is_kw(p, "distinct")) {
                FF_FORWARD_IF_ERROR(lex(p));
                if (!tok_is_kw(p, "from"))
                    return expected(p, "FROM");
                FF_FORWARD_IF_ERROR(lex(p));
                x_node *right = NULL;
                FF_FORWARD_IF_ERROR(parse_concat(p, &right));
                FF_FORWARD_IF_ERROR(
                    binary(p, negated ? XN_NOT_DISTINCT : XN_DISTINCT, pos, *out, right, out));
                continue;
            }
            if (tok_is_kw(p, "true") || tok_is_kw(p, "false")) {
                /* x IS [NOT] TRUE: TRUE/FALSE exactly, never NULL. */
                x_node *lit = new_node(p, XN_CONST, p->tok.pos, 0);
                if (!lit)
                    return FF_ERR_NO_MEMORY;
                lit->type = mk_type(XK_BOOL);
                lit->value.v.b = tok_is_kw(p, "true");
                FF_FORWARD_IF_ERROR(lex(p));
                FF_FORWARD_IF_ERROR(
                    binary(p, negated ? XN_DISTINCT : XN_NOT_DISTINCT, pos, *out, lit, out));
                continue;
            }
            return expected(p, "NULL, NOT NULL, TRUE, FALSE or DISTINCT FROM after IS");
        }
        bool negated = false;
        if (tok_is_kw(p, "not")) {
            token next;
            FF_FORWARD_IF_ERROR(peek_next(p, &next));
            const char *w = p->text + next.pos;
            bool follows =
                next.kind == TK_IDENT && ((next.len == 2 && strncasecmp(w, "in", 2) == 0) ||
                                          (next.len == 7 && strncasecmp(w, "between", 7) == 0) ||
                                          (next.len == 4 && strncasecmp(w, "like", 4) == 0) ||
                                          (next.len == 5 && strncasecmp(w, "ilike", 5) == 0));
            if (!follows)
                return FF_OK;
            negated = true;
            FF_FORWARD_IF_ERROR(lex(p));
        }
        if (tok_is_kw(p, "in")) {
            FF_FORWARD_IF_ERROR(lex(p));
            FF_FORWARD_IF_ERROR(expect_sym(p, "(", "'(' after IN"));
            node_list list = {0};
            ff_status status = list_push(&list, *out, p->err);
            while (status == FF_OK) {
                x_node *item = NULL;
                status = parse_expr(p, &item);
                if (status == FF_OK)
                    status = list_push(&list, item, p->err);
                if (status != FF_OK || !tok_is_sym(p, ","))
                    break;
                status = lex(p);
            }
            if (status == FF_OK && !tok_is_sym(p, ")"))
                status = expected(p, "',' or ')'");
            if (status == FF_OK)
                status = lex(p);
            x_node *node = status == FF_OK ? list_to_node(p, &list, XN_IN, pos) : NULL;
            free(list.items);
            if (status != FF_OK)
                return status;
            if (!node)
                return FF_ERR_NO_MEMORY;
            node->is_negated = negated;
            *out = node;
            continue;
        }
        if (tok_is_kw(p, "between")) {
            FF_FORWARD_IF_ERROR(lex(p));
            x_node *node = new_node(p, XN_BETWEEN, pos, 3);
            if (!node)
                return FF_ERR_NO_MEMORY;
            node->args[0] = *out;
            FF_FORWARD_IF_ERROR(parse_concat(p, &node->args[1]));
            if (!tok_is_kw(p, "and"))
                return expected(p, "AND in BETWEEN");
            FF_FORWARD_IF_ERROR(lex(p));
            FF_FORWARD_IF_ERROR(parse_concat(p, &node->args[2]));
            node->is_negated = negated;
            *out = node;
            continue;
        }
        if (tok_is_kw(p, "like") || tok_is_kw(p, "ilike")) {
            bool icase = tok_is_kw(p, "ilike");
            FF_FORWARD_IF_ERROR(lex(p));
            x_node *pattern = NULL, *escape = NULL;
            FF_FORWARD_IF_ERROR(parse_concat(p, &pattern));
            if (tok_is_kw(p, "escape")) {
                FF_FORWARD_IF_ERROR(lex(p));
                FF_FORWARD_IF_ERROR(parse_concat(p, &escape));
            }
            x_node *node = new_node(p, XN_LIKE, pos, escape ? 3 : 2);
            if (!node)
                return FF_ERR_NO_MEMORY;
            node->args[0] = *out;
            node->args[1] = pattern;
            if (escape)
                node->args[2] = escape;
            node->is_negated = negated;
            node->is_icase = icase;
            *out = node;
            continue;
        }
        return FF_OK;
    }
}

static ff_status parse_not(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(enter(p));
    if (tok_is_kw(p, "not")) {
        int32_t pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(lex(p));
        x_node *node = new_node(p, XN_NOT, pos, 1);
        if (!node)
            return FF_ERR_NO_MEMORY;
        FF_FORWARD_IF_ERROR(parse_not(p, &node->args[0]));
        *out = node;
    } else {
        FF_FORWARD_IF_ERROR(parse_comparison(p, out));
    }
    p->depth--;
    return FF_OK;
}

static ff_status parse_and(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(parse_not(p, out));
    while (tok_is_kw(p, "and")) {
        int32_t pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(lex(p));
        x_node *right = NULL;
        FF_FORWARD_IF_ERROR(parse_not(p, &right));
        FF_FORWARD_IF_ERROR(binary(p, XN_AND, pos, *out, right, out));
    }
    return FF_OK;
}

static ff_status parse_expr(parser *p, x_node **out) {
    FF_FORWARD_IF_ERROR(enter(p));
    FF_FORWARD_IF_ERROR(parse_and(p, out));
    while (tok_is_kw(p, "or")) {
        int32_t pos = p->tok.pos;
        FF_FORWARD_IF_ERROR(lex(p));
        x_node *right = NULL;
        FF_FORWARD_IF_ERROR(parse_and(p, &right));
        FF_FORWARD_IF_ERROR(binary(p, XN_OR, pos, *out, right, out));
    }
    p->depth--;
    return FF_OK;
}

ff_status x_parse(const char *text, ff_arena *arena, x_node **out, ff_error *err) {
    parser p;
    memset(&p, 0, sizeof p);
    p.text = text;
    p.len = strlen(text);
    p.arena = arena;
    p.err = err;
    FF_FORWARD_IF_ERROR(lex(&p));
    if (p.tok.kind == TK_EOF)
        return x_error_at(err, FF_ERR_EXPR_SYNTAX, 0, "expected an expression, found nothing");
    FF_FORWARD_IF_ERROR(parse_expr(&p, out));
    if (p.tok.kind != TK_EOF) {
        if (tok_is_sym(&p, ")"))
            return x_error_at(err, FF_ERR_EXPR_SYNTAX, p.tok.pos, "unbalanced ')'");
        return expected(&p, "an operator or end of expression");
    }
    return FF_OK;
}
