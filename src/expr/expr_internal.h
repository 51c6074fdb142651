/* Internals shared by the expression compiler's files: the internal type system, the typed
 * tree, the scalar helpers (date/time arithmetic, decimal text) and the evaluator's entry
 * points that the range analysis reuses to fold exact partition values.
 *
 * Every value inside an expression has one of a few storage classes, independent of how the
 * column that produced it was stored:
 *   BOOL                       uint8_t 0/1
 *   INT DATE TIME TIMESTAMP    int64_t (days for DATE, the type's unit for TIME/TIMESTAMP,
 *   INTERVAL NULL              microseconds for INTERVAL)
 *   DECIMAL                    __int128 unscaled value
 *   DOUBLE                     double (FLOAT columns widen exactly)
 *   STRING BINARY              x_str: pointer + length into a column or the string heap
 * Columns whose storage already matches (INT64, DOUBLE, BOOLEAN) are read in place; others
 * are converted a block of rows at a time into per-node scratch. */
#ifndef FF_EXPR_INTERNAL_H
#define FF_EXPR_INTERNAL_H

#include <fluxforge/expr.h>

#include "util/mem.h"

#include <stdbool.h>
#include <stdint.h>

/* Rows per evaluation block: small enough that every intermediate vector stays in cache,
 * and a multiple of 8 so that a block starts on a validity byte. */
#define X_BLOCK 2048

typedef __int128 x_i128;

typedef enum x_kind {
    XK_NULL = 0,
    XK_BOOL,
    XK_INT,
    XK_DEC,
    XK_DOUBLE,
    XK_STRING,
    XK_BINARY,
    XK_DATE,
    XK_TIME,
    XK_TIMESTAMP,
    XK_INTERVAL,
} x_kind;

typedef struct x_type {
    uint8_t kind;             /* x_kind */
    uint8_t int_bits;         /* XK_INT: 8, 16, 32, 64 (declared width; storage is always 64) */
    bool is_unsigned;         /* XK_INT */
    bool is_float32;          /* XK_DOUBLE holding FLOAT values */
    uint8_t precision, scale; /* XK_DEC */
    uint8_t unit;             /* XK_TIME, XK_TIMESTAMP: ff_time_unit */
    bool is_utc;              /* XK_TIMESTAMP */
} x_type;

typedef struct x_str {
    const uint8_t *ptr;
    int64_t len;
} x_str;

/* A value of some x_type. Strings are borrowed from the tree's arena or the heap. */
typedef struct x_scalar {
    bool is_null;
    union {
        uint8_t b;
        int64_t i;
        double d;
        x_i128 dec;
        x_str s;
    } v;
} x_scalar;

typedef enum x_op {
    XN_CONST = 0,
    XN_COLUMN,
    XN_CAST,
    XN_NEG,
    XN_NOT,
    XN_AND,
    XN_OR,
    XN_ADD,
    XN_SUB,
    XN_MUL,
    XN_DIV,
    XN_MOD,
    XN_CONCAT,
    XN_EQ,
    XN_NE,
    XN_LT,
    XN_LE,
    XN_GT,
    XN_GE,
    XN_DISTINCT,     /* IS DISTINCT FROM */
    XN_NOT_DISTINCT, /* IS NOT DISTINCT FROM */
    XN_IS_NULL,      /* negated: IS NOT NULL */
    XN_IN,           /* args: x, items...; negated: NOT IN */
    XN_BETWEEN,      /* args: x, lo, hi; negated */
    XN_LIKE,         /* args: x, pattern [, escape]; negated; is_icase */
    XN_CASE,         /* args: (when, then)*, [else]; has_else */
    XN_FUNC,         /* fn */
    XN_OP_COUNT
} x_op;

typedef enum x_fn {
    XF_NONE = 0,
    XF_COALESCE,
    XF_NULLIF,
    XF_ABS,
    XF_ROUND,
    XF_FLOOR,
    XF_CEIL,
    XF_SQRT,
    XF_LN,
    XF_EXP,
    XF_POWER,
    XF_LEAST,
    XF_GREATEST,
    XF_LOWER,
    XF_UPPER,
    XF_LENGTH,
    XF_TRIM,
    XF_LTRIM,
    XF_RTRIM,
    XF_SUBSTR,
    XF_REPLACE,
    XF_STARTS_WITH,
    XF_ENDS_WITH,
    XF_CONTAINS,
    XF_CONCAT,
    XF_YEAR,
    XF_QUARTER,
    XF_MONTH,
    XF_DAY,
    XF_HOUR,
    XF_MINUTE,
    XF_SECOND,
    XF_DAYOFWEEK,
    XF_DATE,
    XF_DATE_TRUNC,
    XF_STRFTIME,
    XF_EPOCH_MS,
} x_fn;

/* A constant LIKE pattern, classified so that the common shapes avoid the general matcher. */
typedef enum x_like_shape {
    XL_GENERAL = 0,
    XL_EXACT,    /* no wildcard */
    XL_PREFIX,   /* abc% */
    XL_SUFFIX,   /* %abc */
    XL_CONTAINS, /* %abc% */
} x_like_shape;

/* Per-node evaluation scratch, sized for one block. */
typedef struct x_scratch {
    uint8_t *nulls;                  /* X_BLOCK bytes: 1 = null */
    void *data;                      /* X_BLOCK slots of the node's storage class */
    uint32_t *sel_a, *sel_b, *sel_c; /* selection scratch for logical nodes */
    uint8_t *mask;                   /* X_BLOCK bytes */
} x_scratch;

typedef struct x_node x_node;
struct x_node {
    uint8_t op; /* x_op */
    uint8_t fn; /* x_fn for XN_FUNC */
    bool is_negated;
    bool is_icase;
    bool has_else;
    bool is_string_literal; /* an untyped '...' literal: reads as the type it meets */
    bool is_parenthesized;
    int32_t pos; /* byte offset into the text */
    x_type type;
    int32_t num_args;
    x_node **args;
    x_scalar value;     /* XN_CONST */
    int32_t column_idx; /* XN_COLUMN */
    const char *name;   /* XN_COLUMN (as written), XN_FUNC (lowercased) */
    uint8_t like_shape; /* XN_LIKE with a constant pattern */
    x_str like_needle;
    int32_t fn_param; /* date_trunc part, round digits when constant */
    x_scratch scratch;
};

/* ---- scalar helpers (expr_value.c) ---- */

int64_t x_days_from_civil(int64_t year, unsigned month, unsigned day);
void x_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);
int64_t x_unit_per_second(uint8_t unit);
int64_t x_unit_per_day(uint8_t unit);
/* Floor division and modulo (result sign of divisor) for time arithmetic. */
static inline int64_t x_floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}
static inline int64_t x_floor_mod(int64_t a, int64_t b) {
    return a - x_floor_div(a, b) * b;
}
bool x_parse_date(const uint8_t *s, size_t len, int64_t *days);
/* Parses 'YYYY-MM-DD[ T]HH:MM[:SS[.fffffffff]][Z|±HH[:MM]]' or a bare date. */
bool x_parse_timestamp(const uint8_t *s, size_t len, uint8_t unit, int64_t *out);
bool x_parse_time(const uint8_t *s, size_t len, uint8_t unit, int64_t *out);
/* Formats into buf (at least 64 bytes); returns the length. */
size_t x_format_date(int64_t days, char *buf);
size_t x_format_timestamp(int64_t value, uint8_t unit, char *buf);
size_t x_format_time(int64_t value, uint8_t unit, char *buf);
size_t x_format_decimal(x_i128 value, int scale, char *buf);
size_t x_format_double(double value, char *buf);
size_t x_format_interval(int64_t micros, char *buf);
/* 10^n for n in 0..38. */
x_i128 x_pow10(int n);
/* Parses decimal text (optional sign, digits, '.', digits, optional exponent) into an
 * unscaled value at `scale`, rounding half away from zero. false on syntax or overflow of
 * `precision` digits. */
bool x_parse_decimal(const uint8_t *s, size_t len, int precision, int scale, x_i128 *out);
/* Rescales an unscaled decimal, rounding half away from zero; false on overflow. */
bool x_rescale(x_i128 value, int from_scale, int to_scale, x_i128 *out);
bool x_dec_fits(x_i128 value, int precision);
/* Maps a double to a signed key in DuckDB's total order: -0 == 0, every NaN equal and
 * greater than +Infinity. */
int64_t x_double_key(double d);

/* Type names as SQL writes them ("BIGINT", "DECIMAL(10,2)", "TIMESTAMP(MICROS, UTC)"). */
size_t x_type_name(const x_type *type, char *buf, size_t cap);
/* Maps a column type to an x_type; false (with a reason) for types expressions cannot read. */
bool x_type_from_ff(const ff_type *ff, x_type *out, const char **why);
/* The ff_type that holds values of an x_type. */
void x_type_to_ff(const x_type *type, ff_type *out);
bool x_type_equal(const x_type *a, const x_type *b);

/* ---- parser (expr_parse.c) ---- */

typedef struct x_parser_ctx {
    const char *text;
    size_t text_len;
    ff_arena *arena;
} x_parser_ctx;

ff_status x_parse(const char *text, ff_arena *arena, x_node **out, ff_error *err);

/* ---- typing (expr_type.c) ---- */

ff_status x_type_tree(x_node **root, const ff_table_schema *schema, ff_arena *arena,
                      const char *text, ff_error *err);
/* Wraps *node in a cast to `to`; kind of cast (implicit/assignment) checked by the caller. */
ff_status x_make_cast(x_node **node, const x_type *to, ff_arena *arena, ff_error *err);
/* True when values of `from` may be converted to `to` by CAST at all. */
bool x_cast_supported(const x_type *from, const x_type *to);

/* ---- evaluation (expr_eval.c) ---- */

/* A node's result over a block: nulls NULL means no nulls; is_const means slot 0 holds the
 * value of every row. */
typedef struct x_vec {
    const uint8_t *nulls;
    const void *data;
    bool is_const;
} x_vec;

/* Growable blocks for strings produced while evaluating one block; reset per block. */
typedef struct x_heap_block x_heap_block;
typedef struct x_heap {
    x_heap_block *head;
    size_t used_total;
    size_t max_total;
} x_heap;

/* What evaluation of one block sees. */
typedef struct x_ctx {
    const ff_batch *batch;
    int64_t base; /* first row of the block in the batch */
    uint32_t len; /* rows in the block */
    x_heap *heap;
    const char *text;
} x_ctx;

void x_heap_reset(x_heap *heap);
void x_heap_free(x_heap *heap);
uint8_t *x_heap_alloc(x_heap *heap, size_t len, ff_error *err);

/* Allocates scratch for every node of the tree. */
ff_status x_alloc_scratch(x_node *node, ff_error *err);
void x_free_scratch(x_node *node);
ff_status x_eval(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                 ff_error *err);
/* Rows of sel (or 0..n-1) where the predicate is TRUE, into out_sel; count in *out_n. */
ff_status x_select(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, uint32_t *out_sel,
                   uint32_t *out_n, ff_error *err);
/* Evaluates a tree with no column references into one scalar. String results point into
 * the heap (valid until it is reset) or the tree. */
ff_status x_eval_scalar(x_node *node, x_heap *heap, const char *text, x_scalar *out, ff_error *err);
/* Converts one scalar of type `from` to `to` as CAST does. Strings produced are allocated in
 * the heap. */
ff_status x_cast_scalar(const x_scalar *in, const x_type *from, const x_type *to, x_heap *heap,
                        x_scalar *out, int32_t pos, ff_error *err);
/* Loads slot `row` of a column vector into a scalar of the column's x_type (strings
 * borrowed from the vector). */
ff_status x_load_scalar(const ff_vector *vec, const x_type *type, int64_t row, x_scalar *out,
                        ff_error *err);
/* Writes block results of type `from` into `out` (an ff_vector of type out->type), appending
 * rows [out->length, out->length + n). */
ff_status x_store_block(const x_vec *v, const x_type *from, uint32_t n, ff_vector *out, int32_t pos,
                        const char *text, ff_error *err);

/* Compares two non-null scalars of the same type: <0, 0, >0 (DuckDB's total order). */
int x_scalar_cmp(const x_scalar *a, const x_scalar *b, const x_type *type);

/* ---- accessors of the compiled expression (expr.c), for the range analysis ---- */
x_node *x_expr_root(ff_expr *expr);
x_heap *x_expr_heap(ff_expr *expr);
const char *x_expr_text(const ff_expr *expr);
const ff_type *x_expr_field_types(const ff_expr *expr, int32_t *num_fields);

/* ---- misc ---- */
ff_status x_error_at(ff_error *err, ff_status code, int32_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
