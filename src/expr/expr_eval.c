/* The vectorized evaluator (DESIGN.md §6, §9): runs a typed tree over a block of up to
 * X_BLOCK rows, one operator at a time, each operator a tight loop over typed arrays.
 *
 * Every node writes its result into its own scratch (allocated once at compile time and
 * reused for every block), as a byte-per-row null mask plus a value array in the storage
 * class of its type (see expr_internal.h). A node only computes the rows of the selection it
 * is given: AND hands its right side only the rows its left side did not already make
 * FALSE, CASE hands each THEN only the rows its WHEN selected, so guarded expressions never
 * fail on rows they do not produce. Predicates also have a selection form (x_select) that
 * narrows a list of row indices without materializing booleans; comparisons of a column with
 * a constant read the column's own storage there (int32, int64, double, length+memcmp for
 * strings), which is the hot path of a filter.
 *
 * Three-valued logic: a null mask byte of 1 means NULL; AND/OR follow SQL (FALSE AND NULL is
 * FALSE, TRUE OR NULL is TRUE). Errors (integer overflow, failed casts) carry the offset of
 * the operator that raised them. */
#include "expr/expr_internal.h"
#include "util/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t null_flag_one = 1;

/* ---- string heap ---------------------------------------------------------------------- */

struct x_heap_block {
    x_heap_block *next;
    size_t used, cap;
    uint8_t data[];
};

uint8_t *x_heap_alloc(x_heap *heap, size_t len, ff_error *err) {
    x_heap_block *block = heap->head;
    if (!block || block->cap - block->used < len) {
        size_t max = heap->max_total ? heap->max_total : ((size_t)1 << 30);
        if (heap->used_total + len > max) {
            ff_error_set(err, FF_ERR_LIMIT,
                         "strings built by the expression exceed %zu bytes in one block of rows",
                         max);
            return NULL;
        }
        /* Reuse a later block with room (blocks are kept across resets). */
        size_t cap = len > 65536 ? len : 65536;
        x_heap_block *fresh = ff_malloc(sizeof *fresh + cap, "expression strings", err);
        if (!fresh)
            return NULL;
        fresh->used = 0;
        fresh->cap = cap;
        fresh->next = heap->head;
        heap->head = fresh;
        block = fresh;
    }
    uint8_t *out = block->data + block->used;
    block->used += len;
    heap->used_total += len;
    return out;
}

void x_heap_reset(x_heap *heap) {
    /* Keep the newest block (usually the only one) for reuse; release the rest. */
    x_heap_block *block = heap->head;
    if (block) {
        x_heap_block *rest = block->next;
        while (rest) {
            x_heap_block *next = rest->next;
            free(rest);
            rest = next;
        }
        block->next = NULL;
        block->used = 0;
    }
    heap->used_total = 0;
}

void x_heap_free(x_heap *heap) {
    x_heap_block *block = heap->head;
    while (block) {
        x_heap_block *next = block->next;
        free(block);
        block = next;
    }
    heap->head = NULL;
    heap->used_total = 0;
}

/* ---- storage classes ------------------------------------------------------------------ */

typedef enum x_storage { XS_BOOL, XS_I64, XS_F64, XS_DEC, XS_STR } x_storage;

static x_storage storage_of(uint8_t kind) {
    switch ((x_kind)kind) {
    case XK_BOOL:
        return XS_BOOL;
    case XK_DOUBLE:
        return XS_F64;
    case XK_DEC:
        return XS_DEC;
    case XK_STRING:
    case XK_BINARY:
        return XS_STR;
    default:
        return XS_I64;
    }
}

static size_t storage_width(x_storage s) {
    switch (s) {
    case XS_BOOL:
        return 1;
    case XS_I64:
    case XS_F64:
        return 8;
    case XS_DEC:
    case XS_STR:
        return 16;
    }
    return 16;
}

static bool needs_sel_scratch(const x_node *node) {
    return node->op == XN_AND || node->op == XN_OR || node->op == XN_CASE || node->op == XN_NOT ||
           node->op == XN_IN || node->op == XN_FUNC;
}

ff_status x_alloc_scratch(x_node *node, ff_error *err) {
    for (int32_t k = 0; k < node->num_args; k++)
        FF_FORWARD_IF_ERROR(x_alloc_scratch(node->args[k], err));
    if (node->op == XN_CONST || node->scratch.nulls)
        return FF_OK;
    x_scratch *s = &node->scratch;
    s->nulls = ff_malloc(X_BLOCK, "expression scratch", err);
    s->data = ff_malloc(X_BLOCK * storage_width(storage_of(node->type.kind)) + 16,
                        "expression scratch", err);
    if (!s->nulls || !s->data)
        return FF_ERR_NO_MEMORY;
    if (needs_sel_scratch(node)) {
        s->sel_a = ff_malloc(X_BLOCK * sizeof(uint32_t), "selection scratch", err);
        s->sel_b = ff_malloc(X_BLOCK * sizeof(uint32_t), "selection scratch", err);
        s->sel_c = ff_malloc(X_BLOCK * sizeof(uint32_t), "selection scratch", err);
        s->mask = ff_malloc(X_BLOCK, "selection scratch", err);
        if (!s->sel_a || !s->sel_b || !s->sel_c || !s->mask)
            return FF_ERR_NO_MEMORY;
    }
    return FF_OK;
}

void x_free_scratch(x_node *node) {
    if (!node)
        return;
    for (int32_t k = 0; k < node->num_args; k++)
        x_free_scratch(node->args[k]);
    x_scratch *s = &node->scratch;
    free(s->nulls);
    free(s->data);
    free(s->sel_a);
    free(s->sel_b);
    free(s->sel_c);
    free(s->mask);
    memset(s, 0, sizeof *s);
}

/* Runs `body` for every selected row index `i`. */
#define ROWS(sel, n, ...)                                                                          \
    do {                                                                                           \
        if (sel) {                                                                                 \
            for (uint32_t k_ = 0; k_ < (n); k_++) {                                                \
                uint32_t i = (sel)[k_];                                                            \
                __VA_ARGS__;                                                                       \
            }                                                                                      \
        } else {                                                                                   \
            for (uint32_t i = 0; i < (n); i++) {                                                   \
                __VA_ARGS__;                                                                       \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static inline bool vnull(const x_vec *v, uint32_t i) {
    return v->nulls && v->nulls[v->is_const ? 0 : i];
}
static inline uint32_t vidx(const x_vec *v, uint32_t i) {
    return v->is_const ? 0 : i;
}

/* Reads row i of v as a scalar. */
static void vget(const x_vec *v, x_storage st, uint32_t i, x_scalar *out) {
    uint32_t j = vidx(v, i);
    out->is_null = v->nulls && v->nulls[j];
    switch (st) {
    case XS_BOOL:
        out->v.b = ((const uint8_t *)v->data)[j];
        break;
    case XS_I64:
        out->v.i = ((const int64_t *)v->data)[j];
        break;
    case XS_F64:
        out->v.d = ((const double *)v->data)[j];
        break;
    case XS_DEC:
        memcpy(&out->v.dec, (const uint8_t *)v->data + (size_t)j * 16, 16);
        break;
    case XS_STR:
        out->v.s = ((const x_str *)v->data)[j];
        break;
    }
}

/* Writes a scalar into row i of a node's scratch. */
static void sput(x_node *node, x_storage st, uint32_t i, const x_scalar *s) {
    node->scratch.nulls[i] = s->is_null;
    if (s->is_null) {
        if (st == XS_STR)
            ((x_str *)node->scratch.data)[i] = (x_str){NULL, 0};
        return;
    }
    switch (st) {
    case XS_BOOL:
        ((uint8_t *)node->scratch.data)[i] = s->v.b;
        break;
    case XS_I64:
        ((int64_t *)node->scratch.data)[i] = s->v.i;
        break;
    case XS_F64:
        ((double *)node->scratch.data)[i] = s->v.d;
        break;
    case XS_DEC:
        memcpy((uint8_t *)node->scratch.data + (size_t)i * 16, &s->v.dec, 16);
        break;
    case XS_STR:
        ((x_str *)node->scratch.data)[i] = s->v.s;
        break;
    }
}

static void out_scratch(x_node *node, x_vec *out, bool has_nulls) {
    out->nulls = has_nulls ? node->scratch.nulls : NULL;
    out->data = node->scratch.data;
    out->is_const = false;
}

/* Merges the null masks of a and b into the node's scratch; returns whether any exist. */
static bool merge_nulls(x_node *node, const x_vec *a, const x_vec *b, const uint32_t *sel,
                        uint32_t n) {
    uint8_t *out = node->scratch.nulls;
    bool an = a && a->nulls, bn = b && b->nulls;
    if (!an && !bn)
        return false;
    if (an && bn) {
        ROWS(sel, n, out[i] = a->nulls[vidx(a, i)] | b->nulls[vidx(b, i)]);
    } else {
        const x_vec *v = an ? a : b;
        ROWS(sel, n, out[i] = v->nulls[vidx(v, i)]);
    }
    return true;
}

static void clear_nulls(x_node *node, const uint32_t *sel, uint32_t n) {
    if (!sel)
        memset(node->scratch.nulls, 0, n);
    else
        ROWS(sel, n, node->scratch.nulls[i] = 0);
}

static ff_status eval_error(x_ctx *ctx, x_node *node, ff_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ff_status eval_error(x_ctx *ctx, x_node *node, ff_error *err, const char *fmt, ...) {
    char detail[300];
    va_list args;
    va_start(args, fmt);
    vsnprintf(detail, sizeof detail, fmt, args);
    va_end(args);
    (void)ctx;
    return x_error_at(err, FF_ERR_EXPR_TYPE, node->pos, "%s", detail);
}

/* ---- column loading ------------------------------------------------------------------- */

static int64_t be_to_i128_checked(const uint8_t *bytes, size_t len, x_i128 *out) {
    if (len > 16)
        return 0;
    x_i128 v = (len && (bytes[0] & 0x80)) ? -1 : 0;
    for (size_t k = 0; k < len; k++)
        v = (x_i128)(((unsigned __int128)v << 8) | bytes[k]);
    *out = v;
    return 1;
}

static double half_to_double(uint16_t h) {
    int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    double v;
    if (exponent == 0)
        v = ldexp(mantissa, -24);
    else if (exponent == 31)
        v = mantissa ? NAN : INFINITY;
    else
        v = ldexp(mantissa + 1024, exponent - 25);
    return sign ? -v : v;
}

/* INT96: 8 bytes little-endian nanoseconds of the day, then 4 bytes little-endian Julian day. */
static int64_t int96_to_nanos(const uint8_t *p) {
    uint64_t nanos;
    uint32_t julian;
    memcpy(&nanos, p, 8);
    memcpy(&julian, p + 8, 4);
    return ((int64_t)julian - 2440588) * 86400000000000LL + (int64_t)nanos;
}

ff_status x_load_scalar(const ff_vector *vec, const x_type *type, int64_t row, x_scalar *out,
                        ff_error *err) {
    memset(out, 0, sizeof *out);
    if (ff_vector_is_null(vec, row) || type->kind == XK_NULL) {
        out->is_null = true;
        return FF_OK;
    }
    const ff_type *ft = &vec->type;
    const uint8_t *values = vec->values;
    switch (ft->physical) {
    case FF_PHYSICAL_BOOLEAN:
        out->v.b = values[row] ? 1 : 0;
        return FF_OK;
    case FF_PHYSICAL_INT32: {
        int32_t v;
        memcpy(&v, values + row * 4, 4);
        int64_t wide = type->kind == XK_INT && type->is_unsigned ? (int64_t)(uint32_t)v : v;
        if (type->kind == XK_INT && type->is_unsigned && type->int_bits < 32)
            wide &= (int64_t)((1u << type->int_bits) - 1);
        if (type->kind == XK_DEC)
            out->v.dec = wide;
        else
            out->v.i = wide;
        return FF_OK;
    }
    case FF_PHYSICAL_INT64: {
        int64_t v;
        memcpy(&v, values + row * 8, 8);
        if (type->kind == XK_DEC) {
            out->v.dec = v;
        } else {
            if (type->kind == XK_INT && type->is_unsigned && v < 0)
                return ff_error_set(err, FF_ERR_EXPR_TYPE,
                                    "UBIGINT value %llu exceeds the BIGINT range expressions "
                                    "compute in",
                                    (unsigned long long)(uint64_t)v);
            out->v.i = v;
        }
        return FF_OK;
    }
    case FF_PHYSICAL_INT96:
        out->v.i = int96_to_nanos(values + row * 12);
        return FF_OK;
    case FF_PHYSICAL_FLOAT: {
        float f;
        memcpy(&f, values + row * 4, 4);
        out->v.d = f;
        return FF_OK;
    }
    case FF_PHYSICAL_DOUBLE:
        memcpy(&out->v.d, values + row * 8, 8);
        return FF_OK;
    case FF_PHYSICAL_BYTE_ARRAY: {
        const uint8_t *p = (values ? values : (const uint8_t *)"") + vec->offsets[row];
        int64_t len = vec->offsets[row + 1] - vec->offsets[row];
        if (type->kind == XK_DEC) {
            if (!be_to_i128_checked(p, (size_t)len, &out->v.dec))
                return ff_error_set(err, FF_ERR_CORRUPT, "decimal of %lld bytes", (long long)len);
            return FF_OK;
        }
        out->v.s.ptr = p;
        out->v.s.len = len;
        return FF_OK;
    }
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY: {
        size_t width = (size_t)ft->type_length;
        const uint8_t *p = values + (size_t)row * width;
        if (type->kind == XK_DEC) {
            if (!be_to_i128_checked(p, width, &out->v.dec))
                return ff_error_set(err, FF_ERR_CORRUPT, "decimal of %zu bytes", width);
            return FF_OK;
        }
        if (type->kind == XK_DOUBLE) {
            out->v.d = half_to_double((uint16_t)(p[0] | (p[1] << 8)));
            return FF_OK;
        }
        out->v.s.ptr = p;
        out->v.s.len = (int64_t)width;
        return FF_OK;
    }
    }
    return ff_error_set(err, FF_ERR_INTERNAL, "unknown physical type");
}

/* Byte-per-row nulls from the column's validity bitmap, for the selected rows. */
static bool load_nulls(x_node *node, const ff_vector *vec, int64_t base, const uint32_t *sel,
                       uint32_t n) {
    if (!vec->validity)
        return false;
    const uint8_t *bits = vec->validity + base / 8; /* base is a multiple of 8 */
    uint8_t *out = node->scratch.nulls;
    ROWS(sel, n, out[i] = !((bits[i >> 3] >> (i & 7)) & 1));
    return true;
}

static ff_status eval_column(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                             ff_error *err) {
    const ff_batch *batch = ctx->batch;
    if (node->column_idx >= batch->num_columns)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "batch has %d columns, expression reads column %d",
                            (int)batch->num_columns, (int)node->column_idx);
    const ff_vector *vec = &batch->columns[node->column_idx];
    const x_type *type = &node->type;
    int64_t base = ctx->base;
    if (type->kind == XK_NULL) {
        out->is_const = true;
        out->nulls = &null_flag_one;
        out->data = node->scratch.data;
        return FF_OK;
    }
    bool has_nulls = load_nulls(node, vec, base, sel, n);
    out->nulls = has_nulls ? node->scratch.nulls : NULL;
    out->is_const = false;
    const ff_type *ft = &vec->type;
    /* Storage that already matches is read in place. */
    if ((ft->physical == FF_PHYSICAL_INT64 && storage_of(type->kind) == XS_I64 &&
         !(type->kind == XK_INT && type->is_unsigned)) ||
        (ft->physical == FF_PHYSICAL_DOUBLE) || (ft->physical == FF_PHYSICAL_BOOLEAN)) {
        out->data = vec->values + base * (ft->physical == FF_PHYSICAL_BOOLEAN ? 1 : 8);
        return FF_OK;
    }
    out->data = node->scratch.data;
    if (ft->physical == FF_PHYSICAL_INT32 && storage_of(type->kind) == XS_I64) {
        const int32_t *src = (const int32_t *)(const void *)vec->values + base;
        int64_t *dst = node->scratch.data;
        if (type->kind == XK_INT && type->is_unsigned) {
            uint32_t mask = type->int_bits < 32 ? (1u << type->int_bits) - 1 : 0xffffffffu;
            ROWS(sel, n, dst[i] = (int64_t)((uint32_t)src[i] & mask));
        } else {
            ROWS(sel, n, dst[i] = src[i]);
        }
        return FF_OK;
    }
    if (ft->physical == FF_PHYSICAL_FLOAT) {
        const float *src = (const float *)(const void *)vec->values + base;
        double *dst = node->scratch.data;
        ROWS(sel, n, dst[i] = src[i]);
        return FF_OK;
    }
    if (ft->physical == FF_PHYSICAL_BYTE_ARRAY && storage_of(type->kind) == XS_STR) {
        const int64_t *off = vec->offsets + base;
        x_str *dst = node->scratch.data;
        /* A column of empty strings may have no byte buffer at all. */
        const uint8_t *bytes = vec->values ? vec->values : (const uint8_t *)"";
        ROWS(sel, n, dst[i].ptr = bytes + off[i]; dst[i].len = off[i + 1] - off[i]);
        return FF_OK;
    }
    /* Everything else (decimals, INT96, unsigned BIGINT, fixed binary) row by row. */
    x_storage st = storage_of(type->kind);
    ff_status status = FF_OK;
    ROWS(sel, n, {
        x_scalar s;
        if (has_nulls && node->scratch.nulls[i]) {
            s.is_null = true;
        } else {
            status = x_load_scalar(vec, type, base + i, &s, err);
            if (status != FF_OK)
                return x_error_at(err, status, node->pos, "column '%s': %s", node->name,
                                  err->message);
        }
        sput(node, st, i, &s);
    });
    out->nulls = has_nulls ? node->scratch.nulls : NULL;
    return status;
}

/* ---- casts ---------------------------------------------------------------------------- */

static bool ascii_ieq(const uint8_t *s, size_t len, const char *word) {
    size_t wl = strlen(word);
    if (len != wl)
        return false;
    for (size_t k = 0; k < len; k++) {
        uint8_t c = s[k];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        if (c != (uint8_t)word[k])
            return false;
    }
    return true;
}

static void trim_spaces(const uint8_t **s, size_t *len) {
    while (*len && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\n' ||
                    (*s)[*len - 1] == '\r'))
        (*len)--;
}

static bool parse_double_text(const uint8_t *s, size_t len, double *out) {
    trim_spaces(&s, &len);
    char buf[128];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = 0;
    const char *p = buf[0] == '+' || buf[0] == '-' ? buf + 1 : buf;
    if (ascii_ieq((const uint8_t *)p, strlen(p), "nan")) {
        *out = NAN;
        return true;
    }
    if (ascii_ieq((const uint8_t *)p, strlen(p), "inf") ||
        ascii_ieq((const uint8_t *)p, strlen(p), "infinity")) {
        *out = buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    for (const char *c = p; *c; c++)
        if (!strchr("0123456789.eE+-", *c))
            return false;
    char *end;
    *out = strtod(buf, &end);
    return end == buf + len && end != buf;
}

static bool int_in_range(int64_t v, const x_type *to) {
    if (to->is_unsigned) {
        if (v < 0)
            return false;
        return to->int_bits >= 63 || v < ((int64_t)1 << to->int_bits);
    }
    if (to->int_bits >= 64)
        return true;
    int64_t lim = (int64_t)1 << (to->int_bits - 1);
    return v >= -lim && v < lim;
}

static size_t format_scalar(const x_scalar *in, const x_type *from, char *buf) {
    switch ((x_kind)from->kind) {
    case XK_BOOL:
        return (size_t)snprintf(buf, 64, "%s", in->v.b ? "true" : "false");
    case XK_INT:
        return (size_t)snprintf(buf, 64, "%lld", (long long)in->v.i);
    case XK_DEC:
        return x_format_decimal(in->v.dec, from->scale, buf);
    case XK_DOUBLE:
        if (from->is_float32) {
            /* Shortest text that reads back as the same float. */
            float f = (float)in->v.d;
            if (isnan(f) || isinf(f))
                return x_format_double(f, buf);
            for (int digits = 1; digits <= 9; digits++) {
                snprintf(buf, 64, "%.*g", digits, (double)f);
                if (strtof(buf, NULL) == f)
                    break;
            }
            if (!strpbrk(buf, ".en"))
                strcat(buf, ".0");
            return strlen(buf);
        }
        return x_format_double(in->v.d, buf);
    case XK_DATE:
        return x_format_date(in->v.i, buf);
    case XK_TIME:
        return x_format_time(in->v.i, from->unit, buf);
    case XK_TIMESTAMP:
        return x_format_timestamp(in->v.i, from->unit, buf);
    case XK_INTERVAL:
        return x_format_interval(in->v.i, buf);
    default:
        return 0;
    }
}

/* Converts one timestamp value between units; coarser units floor. false on overflow. */
static bool ts_convert(int64_t v, uint8_t from, uint8_t to, int64_t *out) {
    if (from == to) {
        *out = v;
        return true;
    }
    int64_t f = x_unit_per_second(from), t = x_unit_per_second(to);
    if (t > f)
        return !__builtin_mul_overflow(v, t / f, out);
    *out = x_floor_div(v, f / t);
    return true;
}

ff_status x_cast_scalar(const x_scalar *in, const x_type *from, const x_type *to, x_heap *heap,
                        x_scalar *out, int32_t pos, ff_error *err) {
    char tb_from[48], tb_to[48];
    memset(out, 0, sizeof *out);
    if (in->is_null || from->kind == XK_NULL) {
        out->is_null = true;
        return FF_OK;
    }
    const uint8_t *s = NULL;
    size_t slen = 0;
    if (from->kind == XK_STRING || from->kind == XK_BINARY) {
        s = in->v.s.ptr;
        slen = (size_t)in->v.s.len;
    }
    switch ((x_kind)to->kind) {
    case XK_NULL:
        out->is_null = true;
        return FF_OK;
    case XK_BOOL:
        switch ((x_kind)from->kind) {
        case XK_BOOL:
            out->v.b = in->v.b;
            return FF_OK;
        case XK_INT:
            out->v.b = in->v.i != 0;
            return FF_OK;
        case XK_DEC:
            out->v.b = in->v.dec != 0;
            return FF_OK;
        case XK_DOUBLE:
            out->v.b = in->v.d != 0;
            return FF_OK;
        case XK_STRING:
            trim_spaces(&s, &slen);
            if (ascii_ieq(s, slen, "true") || ascii_ieq(s, slen, "t") ||
                ascii_ieq(s, slen, "yes") || ascii_ieq(s, slen, "y") || ascii_ieq(s, slen, "1")) {
                out->v.b = 1;
                return FF_OK;
            }
            if (ascii_ieq(s, slen, "false") || ascii_ieq(s, slen, "f") ||
                ascii_ieq(s, slen, "no") || ascii_ieq(s, slen, "n") || ascii_ieq(s, slen, "0")) {
                out->v.b = 0;
                return FF_OK;
            }
            goto bad_string;
        default:
            goto unsupported;
        }
    case XK_INT: {
        int64_t v;
        switch ((x_kind)from->kind) {
        case XK_BOOL:
            v = in->v.b;
            break;
        case XK_INT:
            v = in->v.i;
            break;
        case XK_DEC: {
            x_i128 r;
            x_rescale(in->v.dec, from->scale, 0, &r);
            if (r > INT64_MAX || r < INT64_MIN)
                goto out_of_range;
            v = (int64_t)r;
            break;
        }
        case XK_DOUBLE: {
            double d = nearbyint(in->v.d);
            if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
                goto out_of_range;
            v = (int64_t)d;
            break;
        }
        case XK_STRING: {
            x_i128 r;
            if (!x_parse_decimal(s, slen, 38, 0, &r))
                goto bad_string;
            if (r > INT64_MAX || r < INT64_MIN)
                goto out_of_range;
            v = (int64_t)r;
            break;
        }
        default:
            goto unsupported;
        }
        if (!int_in_range(v, to))
            goto out_of_range;
        out->v.i = v;
        return FF_OK;
    }
    case XK_DEC: {
        x_i128 v;
        switch ((x_kind)from->kind) {
        case XK_BOOL:
        case XK_INT: {
            x_i128 whole = from->kind == XK_BOOL ? in->v.b : in->v.i;
            if (!x_rescale(whole, 0, to->scale, &v))
                goto out_of_range;
            break;
        }
        case XK_DEC:
            if (!x_rescale(in->v.dec, from->scale, to->scale, &v))
                goto out_of_range;
            break;
        case XK_DOUBLE: {
            double d = in->v.d * (double)x_pow10(to->scale);
            if (!(fabs(d) < 1e38))
                goto out_of_range;
            d = round(d); /* half away from zero */
            v = (x_i128)d;
            break;
        }
        case XK_STRING:
            if (!x_parse_decimal(s, slen, 38, to->scale, &v))
                goto bad_string;
            break;
        default:
            goto unsupported;
        }
        if (!x_dec_fits(v, to->precision))
            goto out_of_range;
        out->v.dec = v;
        return FF_OK;
    }
    case XK_DOUBLE: {
        double d;
        switch ((x_kind)from->kind) {
        case XK_BOOL:
            d = in->v.b;
            break;
        case XK_INT:
            d = (double)in->v.i;
            break;
        case XK_DEC:
            d = (double)in->v.dec / (double)x_pow10(from->scale);
            break;
        case XK_DOUBLE:
            d = in->v.d;
            break;
        case XK_STRING:
            if (!parse_double_text(s, slen, &d))
                goto bad_string;
            break;
        default:
            goto unsupported;
        }
        if (to->is_float32) {
            if (!isinf(d) && !isnan(d) && fabs(d) > 3.4028234663852886e38)
                goto out_of_range;
            d = (float)d;
        }
        out->v.d = d;
        return FF_OK;
    }
    case XK_STRING:
    case XK_BINARY: {
        if (from->kind == XK_STRING || from->kind == XK_BINARY) {
            out->v.s = in->v.s;
            return FF_OK;
        }
        char buf[96];
        size_t len = format_scalar(in, from, buf);
        uint8_t *copy = x_heap_alloc(heap, len, err);
        if (!copy && len)
            return ff_error_prefix(err, "at %d", (int)pos);
        if (len)
            memcpy(copy, buf, len);
        out->v.s.ptr = copy;
        out->v.s.len = (int64_t)len;
        return FF_OK;
    }
    case XK_DATE:
        switch ((x_kind)from->kind) {
        case XK_DATE:
            out->v.i = in->v.i;
            return FF_OK;
        case XK_TIMESTAMP:
            out->v.i = x_floor_div(in->v.i, x_unit_per_day(from->unit));
            return FF_OK;
        case XK_STRING:
            if (!x_parse_date(s, slen, &out->v.i))
                goto bad_string;
            return FF_OK;
        default:
            goto unsupported;
        }
    case XK_TIMESTAMP:
        switch ((x_kind)from->kind) {
        case XK_DATE:
            if (__builtin_mul_overflow(in->v.i, x_unit_per_day(to->unit), &out->v.i))
                goto out_of_range;
            return FF_OK;
        case XK_TIMESTAMP:
            if (!ts_convert(in->v.i, from->unit, to->unit, &out->v.i))
                goto out_of_range;
            return FF_OK;
        case XK_STRING:
            if (!x_parse_timestamp(s, slen, to->unit, &out->v.i))
                goto bad_string;
            return FF_OK;
        default:
            goto unsupported;
        }
    case XK_TIME:
        switch ((x_kind)from->kind) {
        case XK_TIME:
            if (!ts_convert(in->v.i, from->unit, to->unit, &out->v.i))
                goto out_of_range;
            return FF_OK;
        case XK_TIMESTAMP: {
            int64_t rem = x_floor_mod(in->v.i, x_unit_per_day(from->unit));
            ts_convert(rem, from->unit, to->unit, &out->v.i);
            return FF_OK;
        }
        case XK_STRING:
            if (!x_parse_time(s, slen, to->unit, &out->v.i))
                goto bad_string;
            return FF_OK;
        default:
            goto unsupported;
        }
    case XK_INTERVAL:
        if (from->kind == XK_INTERVAL) {
            out->v.i = in->v.i;
            return FF_OK;
        }
        goto unsupported;
    }
unsupported:
    return x_error_at(err, FF_ERR_EXPR_TYPE, pos, "cannot CAST %s to %s",
                      (x_type_name(from, tb_from, sizeof tb_from), tb_from),
                      (x_type_name(to, tb_to, sizeof tb_to), tb_to));
bad_string:
    return x_error_at(err, FF_ERR_EXPR_TYPE, pos, "cannot convert '%.*s' to %s",
                      (int)(slen > 60 ? 60 : slen), (const char *)s,
                      (x_type_name(to, tb_to, sizeof tb_to), tb_to));
out_of_range : {
    char vb[96];
    size_t len = from->kind == XK_STRING
                     ? (size_t)snprintf(vb, sizeof vb, "'%.*s'", (int)(slen > 60 ? 60 : slen),
                                        (const char *)s)
                     : format_scalar(in, from, vb);
    (void)len;
    return x_error_at(err, FF_ERR_EXPR_TYPE, pos, "value %s is out of range for %s", vb,
                      (x_type_name(to, tb_to, sizeof tb_to), tb_to));
}
}

/* A widening integer cast changes nothing in storage. */
static bool cast_is_noop(const x_type *from, const x_type *to) {
    if (from->kind == XK_INT && to->kind == XK_INT)
        return to->int_bits == 64 && !to->is_unsigned &&
               (from->int_bits < 64 || !from->is_unsigned);
    if (from->kind == XK_DOUBLE && to->kind == XK_DOUBLE)
        return !to->is_float32;
    return x_type_equal(from, to);
}

static ff_status eval_cast(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                           ff_error *err) {
    x_vec a;
    const x_type *from = &node->args[0]->type, *to = &node->type;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    if (cast_is_noop(from, to)) {
        *out = a;
        return FF_OK;
    }
    bool has_nulls = a.nulls != NULL;
    if (a.nulls)
        ROWS(sel, n, node->scratch.nulls[i] = a.nulls[vidx(&a, i)]);
    /* Fast loops for the numeric widenings that comparisons insert. */
    if (from->kind == XK_INT && to->kind == XK_DOUBLE && !to->is_float32) {
        const int64_t *src = a.data;
        double *dst = node->scratch.data;
        ROWS(sel, n, dst[i] = (double)src[vidx(&a, i)]);
        out_scratch(node, out, has_nulls);
        return FF_OK;
    }
    if (from->kind == XK_INT && to->kind == XK_DEC && to->scale == 0 && to->precision >= 19) {
        const int64_t *src = a.data;
        x_i128 *dst = node->scratch.data;
        ROWS(sel, n, dst[i] = src[vidx(&a, i)]);
        out_scratch(node, out, has_nulls);
        return FF_OK;
    }
    if (from->kind == XK_DATE && to->kind == XK_TIMESTAMP) {
        const int64_t *src = a.data;
        int64_t *dst = node->scratch.data;
        int64_t per_day = x_unit_per_day(to->unit);
        ROWS(sel, n, {
            if (!(has_nulls && node->scratch.nulls[i]) &&
                __builtin_mul_overflow(src[vidx(&a, i)], per_day, &dst[i]))
                return eval_error(ctx, node, err, "DATE out of range for TIMESTAMP");
        });
        out_scratch(node, out, has_nulls);
        return FF_OK;
    }
    x_storage sf = storage_of(from->kind), stt = storage_of(to->kind);
    ROWS(sel, n, {
        x_scalar in, res;
        vget(&a, sf, i, &in);
        if (in.is_null) {
            res.is_null = true;
        } else {
            FF_FORWARD_IF_ERROR(x_cast_scalar(&in, from, to, ctx->heap, &res, node->pos, err));
        }
        sput(node, stt, i, &res);
    });
    out_scratch(node, out, true);
    return FF_OK;
}

/* ---- arithmetic ----------------------------------------------------------------------- */

static ff_status eval_arith(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                            ff_error *err) {
    x_vec a, b;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[1], sel, n, &b, err));
    bool has_nulls = merge_nulls(node, &a, &b, sel, n);
    uint8_t *nulls = node->scratch.nulls;
    x_op op = (x_op)node->op;
    uint8_t ka = node->args[0]->type.kind, kb = node->args[1]->type.kind;
    uint8_t kind = node->type.kind;
    size_t sa = a.is_const ? 0 : 1, sb = b.is_const ? 0 : 1;
#define IS_NULL_ROW(i) (has_nulls && nulls[i])
    if (kind == XK_DOUBLE) {
        const double *x = a.data, *y = b.data;
        double *r = node->scratch.data;
        switch (op) {
        case XN_ADD:
            ROWS(sel, n, r[i] = x[i * sa] + y[i * sb]);
            break;
        case XN_SUB:
            ROWS(sel, n, r[i] = x[i * sa] - y[i * sb]);
            break;
        case XN_MUL:
            ROWS(sel, n, r[i] = x[i * sa] * y[i * sb]);
            break;
        case XN_DIV:
            ROWS(sel, n, r[i] = x[i * sa] / y[i * sb]);
            break;
        case XN_MOD:
            ROWS(sel, n, r[i] = fmod(x[i * sa], y[i * sb]));
            break;
        default:
            break;
        }
        out_scratch(node, out, has_nulls);
        return FF_OK;
    }
    if (kind == XK_DEC) {
        const x_i128 *x = a.data, *y = b.data;
        x_i128 *r = node->scratch.data;
        x_i128 limit = x_pow10(node->type.precision);
        bool made_nulls = false;
        ROWS(sel, n, {
            if (IS_NULL_ROW(i))
                continue;
            x_i128 u = x[i * sa], v = y[i * sb], res = 0;
            bool overflow = false;
            switch (op) {
            case XN_ADD:
                overflow = __builtin_add_overflow(u, v, &res);
                break;
            case XN_SUB:
                overflow = __builtin_sub_overflow(u, v, &res);
                break;
            case XN_MUL:
                overflow = __builtin_mul_overflow(u, v, &res);
                break;
            case XN_MOD:
                if (v == 0) {
                    if (!made_nulls && !has_nulls)
                        clear_nulls(node, sel, n);
                    made_nulls = true;
                    nulls[i] = 1;
                    continue;
                }
                res = u % v;
                break;
            default:
                break;
            }
            if (overflow || res >= limit || res <= -limit) {
                char ta[64], tb2[64];
                x_format_decimal(u, node->args[0]->type.scale, ta);
                x_format_decimal(v, node->args[1]->type.scale, tb2);
                return eval_error(ctx, node, err, "DECIMAL overflow in %s %c %s", ta,
                                  op == XN_ADD   ? '+'
                                  : op == XN_SUB ? '-'
                                                 : '*',
                                  tb2);
            }
            r[i] = res;
        });
        out_scratch(node, out, has_nulls || made_nulls);
        return FF_OK;
    }
    /* 64-bit integer storage: INT, DATE (+/- days), TIMESTAMP +/- INTERVAL, ... */
    const int64_t *x = a.data, *y = b.data;
    int64_t *r = node->scratch.data;
    int64_t scale_b = 1, scale_a = 1;
    if (kind == XK_TIMESTAMP && kb == XK_INTERVAL)
        scale_b = node->type.unit == FF_TIME_NANOS ? 1000 : 1;
    if (kind == XK_TIMESTAMP && ka == XK_INTERVAL)
        scale_a = node->type.unit == FF_TIME_NANOS ? 1000 : 1;
    int64_t interval_div = 1;
    if (kind == XK_INTERVAL && ka == XK_TIMESTAMP)
        interval_div = node->args[0]->type.unit == FF_TIME_NANOS    ? 1000
                       : node->args[0]->type.unit == FF_TIME_MILLIS ? -1000
                                                                    : 1;
    bool made_nulls = false;
    ROWS(sel, n, {
        if (IS_NULL_ROW(i)) {
            r[i] = 0;
            continue;
        }
        int64_t u = x[i * sa], v = y[i * sb], res = 0;
        bool overflow = false;
        if (scale_a != 1)
            overflow |= __builtin_mul_overflow(u, scale_a, &u);
        if (scale_b != 1)
            overflow |= __builtin_mul_overflow(v, scale_b, &v);
        switch (op) {
        case XN_ADD:
            overflow |= __builtin_add_overflow(u, v, &res);
            break;
        case XN_SUB:
            overflow |= __builtin_sub_overflow(u, v, &res);
            break;
        case XN_MUL:
            overflow |= __builtin_mul_overflow(u, v, &res);
            break;
        case XN_MOD:
            if (v == 0) {
                if (!made_nulls && !has_nulls)
                    clear_nulls(node, sel, n);
                made_nulls = true;
                nulls[i] = 1;
                continue;
            }
            res = v == -1 ? 0 : u % v;
            break;
        default:
            break;
        }
        if (interval_div > 1)
            res /= interval_div;
        else if (interval_div < 0)
            overflow |= __builtin_mul_overflow(res, -interval_div, &res);
        if (overflow)
            return eval_error(ctx, node, err, "integer overflow in %lld %s %lld", (long long)u,
                              op == XN_ADD   ? "+"
                              : op == XN_SUB ? "-"
                                             : "*",
                              (long long)v);
        r[i] = res;
    });
#undef IS_NULL_ROW
    out_scratch(node, out, has_nulls || made_nulls);
    return FF_OK;
}

static ff_status eval_neg(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                          ff_error *err) {
    x_vec a;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    bool has_nulls = merge_nulls(node, &a, NULL, sel, n);
    size_t sa = a.is_const ? 0 : 1;
    switch (storage_of(node->type.kind)) {
    case XS_F64: {
        const double *x = a.data;
        double *r = node->scratch.data;
        ROWS(sel, n, r[i] = -x[i * sa]);
        break;
    }
    case XS_DEC: {
        const x_i128 *x = a.data;
        x_i128 *r = node->scratch.data;
        ROWS(sel, n, r[i] = -x[i * sa]);
        break;
    }
    default: {
        const int64_t *x = a.data;
        int64_t *r = node->scratch.data;
        ROWS(sel, n, {
            if (x[i * sa] == INT64_MIN && !(has_nulls && node->scratch.nulls[i]))
                return eval_error(ctx, node, err, "integer overflow in -(%lld)",
                                  (long long)x[i * sa]);
            r[i] = x[i * sa] == INT64_MIN ? 0 : -x[i * sa];
        });
        break;
    }
    }
    out_scratch(node, out, has_nulls);
    return FF_OK;
}

/* ---- comparisons ---------------------------------------------------------------------- */

static inline bool d_lt(double a, double b) {
    return isnan(b) ? !isnan(a) : a < b;
}
static inline bool d_eq(double a, double b) {
    return a == b || (isnan(a) && isnan(b));
}

static inline int str_cmp(const x_str *a, const x_str *b) {
    int64_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->ptr, b->ptr, (size_t)n) : 0;
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

int x_scalar_cmp(const x_scalar *a, const x_scalar *b, const x_type *type) {
    switch (storage_of(type->kind)) {
    case XS_BOOL:
        return (a->v.b > b->v.b) - (a->v.b < b->v.b);
    case XS_I64:
        return (a->v.i > b->v.i) - (a->v.i < b->v.i);
    case XS_F64:
        return d_lt(a->v.d, b->v.d) ? -1 : d_eq(a->v.d, b->v.d) ? 0 : 1;
    case XS_DEC:
        return (a->v.dec > b->v.dec) - (a->v.dec < b->v.dec);
    case XS_STR:
        return str_cmp(&a->v.s, &b->v.s);
    }
    return 0;
}

/* Maps a three-way comparison result to the truth of op. */
static inline bool cmp_holds(x_op op, int c) {
    switch (op) {
    case XN_EQ:
    case XN_NOT_DISTINCT:
        return c == 0;
    case XN_NE:
    case XN_DISTINCT:
        return c != 0;
    case XN_LT:
        return c < 0;
    case XN_LE:
        return c <= 0;
    case XN_GT:
        return c > 0;
    case XN_GE:
        return c >= 0;
    default:
        return false;
    }
}

/* Computes the comparison into r[i] (0/1) for every selected row (null rows unspecified). */
#define CMP_LOOP(T, LT, EQ)                                                                        \
    do {                                                                                           \
        const T *x = a->data, *y = b->data;                                                        \
        switch (op) {                                                                              \
        case XN_EQ:                                                                                \
        case XN_NOT_DISTINCT:                                                                      \
            ROWS(sel, n, r[i] = EQ(x[i * sa], y[i * sb]));                                         \
            break;                                                                                 \
        case XN_NE:                                                                                \
        case XN_DISTINCT:                                                                          \
            ROWS(sel, n, r[i] = !EQ(x[i * sa], y[i * sb]));                                        \
            break;                                                                                 \
        case XN_LT:                                                                                \
            ROWS(sel, n, r[i] = LT(x[i * sa], y[i * sb]));                                         \
            break;                                                                                 \
        case XN_LE:                                                                                \
            ROWS(sel, n, r[i] = !LT(y[i * sb], x[i * sa]));                                        \
            break;                                                                                 \
        case XN_GT:                                                                                \
            ROWS(sel, n, r[i] = LT(y[i * sb], x[i * sa]));                                         \
            break;                                                                                 \
        case XN_GE:                                                                                \
            ROWS(sel, n, r[i] = !LT(x[i * sa], y[i * sb]));                                        \
            break;                                                                                 \
        default:                                                                                   \
            break;                                                                                 \
        }                                                                                          \
    } while (0)

#define PLAIN_LT(u, v) ((u) < (v))
#define PLAIN_EQ(u, v) ((u) == (v))
#define STR_LT(u, v)   (str_cmp(&(u), &(v)) < 0)
#define STR_EQ(u, v)                                                                               \
    ((u).len == (v).len && ((u).len == 0 || memcmp((u).ptr, (v).ptr, (size_t)(u).len) == 0))

static void compare_rows(x_op op, x_storage st, const x_vec *a, const x_vec *b, const uint32_t *sel,
                         uint32_t n, uint8_t *r) {
    size_t sa = a->is_const ? 0 : 1, sb = b->is_const ? 0 : 1;
    switch (st) {
    case XS_BOOL:
        CMP_LOOP(uint8_t, PLAIN_LT, PLAIN_EQ);
        break;
    case XS_I64:
        CMP_LOOP(int64_t, PLAIN_LT, PLAIN_EQ);
        break;
    case XS_F64:
        CMP_LOOP(double, d_lt, d_eq);
        break;
    case XS_DEC:
        CMP_LOOP(x_i128, PLAIN_LT, PLAIN_EQ);
        break;
    case XS_STR:
        CMP_LOOP(x_str, STR_LT, STR_EQ);
        break;
    }
}

static ff_status eval_compare(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                              ff_error *err) {
    x_vec a, b;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[1], sel, n, &b, err));
    x_op op = (x_op)node->op;
    uint8_t *r = node->scratch.data;
    compare_rows(op, storage_of(node->args[0]->type.kind), &a, &b, sel, n, r);
    if (op == XN_DISTINCT || op == XN_NOT_DISTINCT) {
        if (a.nulls || b.nulls) {
            bool want_distinct = op == XN_DISTINCT;
            ROWS(sel, n, {
                bool an = vnull(&a, i), bn = vnull(&b, i);
                if (an || bn)
                    r[i] = (an != bn) == want_distinct;
            });
        }
        out_scratch(node, out, false);
        return FF_OK;
    }
    out_scratch(node, out, merge_nulls(node, &a, &b, sel, n));
    return FF_OK;
}

/* ---- logic ---------------------------------------------------------------------------- */

/* Copies into dst the rows of sel (or 0..n-1) for which keep[i] holds; returns the count. */
#define FILTER_SEL(sel, n, dst, cond)                                                              \
    ({                                                                                             \
        uint32_t m_ = 0;                                                                           \
        ROWS(sel, n, {                                                                             \
            (dst)[m_] = i;                                                                         \
            m_ += (cond) ? 1 : 0;                                                                  \
        });                                                                                        \
        m_;                                                                                        \
    })

static ff_status eval_and_or(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                             ff_error *err) {
    bool is_and = node->op == XN_AND;
    x_vec a, b;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    uint8_t *r = node->scratch.data, *nulls = node->scratch.nulls;
    const uint8_t *x = a.data;
    /* Rows the left side decides alone (FALSE for AND, TRUE for OR) skip the right side. */
    uint8_t decided = is_and ? 0 : 1;
    uint32_t *rest = node->scratch.sel_a;
    uint32_t m = FILTER_SEL(sel, n, rest, vnull(&a, i) || x[vidx(&a, i)] != decided);
    ROWS(sel, n, {
        r[i] = x[vidx(&a, i)];
        nulls[i] = vnull(&a, i);
    });
    if (m > 0) {
        FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[1], rest, m, &b, err));
        const uint8_t *y = b.data;
        for (uint32_t k = 0; k < m; k++) {
            uint32_t i = rest[k];
            bool an = nulls[i], bn = vnull(&b, i);
            uint8_t bv = y[vidx(&b, i)];
            if (!bn && bv == decided) {
                r[i] = decided;
                nulls[i] = 0;
            } else if (an || bn) {
                nulls[i] = 1;
            } else {
                r[i] = bv;
            }
        }
    }
    out_scratch(node, out, true);
    return FF_OK;
}

static ff_status eval_not(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                          ff_error *err) {
    x_vec a;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    const uint8_t *x = a.data;
    uint8_t *r = node->scratch.data;
    size_t sa = a.is_const ? 0 : 1;
    ROWS(sel, n, r[i] = !x[i * sa]);
    out_scratch(node, out, merge_nulls(node, &a, NULL, sel, n));
    return FF_OK;
}

static ff_status eval_is_null(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                              ff_error *err) {
    x_vec a;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    uint8_t *r = node->scratch.data;
    bool neg = node->is_negated;
    ROWS(sel, n, r[i] = vnull(&a, i) != neg);
    out_scratch(node, out, false);
    return FF_OK;
}

static ff_status eval_in(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                         ff_error *err) {
    x_vec a, b;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    uint8_t *r = node->scratch.data, *nulls = node->scratch.nulls;
    uint8_t *hit = node->scratch.mask;
    x_storage st = storage_of(node->args[0]->type.kind);
    /* r: found; nulls: some item was NULL (or x is NULL). */
    ROWS(sel, n, {
        r[i] = 0;
        nulls[i] = vnull(&a, i);
    });
    for (int32_t item = 1; item < node->num_args; item++) {
        FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[item], sel, n, &b, err));
        compare_rows(XN_EQ, st, &a, &b, sel, n, hit);
        ROWS(sel, n, {
            if (vnull(&b, i))
                nulls[i] = 1;
            else
                r[i] |= hit[i];
        });
    }
    bool neg = node->is_negated;
    ROWS(sel, n, {
        if (vnull(&a, i)) {
            nulls[i] = 1;
        } else if (r[i]) {
            nulls[i] = 0;
        }
        r[i] = r[i] != neg;
    });
    out_scratch(node, out, true);
    return FF_OK;
}

static ff_status eval_between(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                              ff_error *err) {
    x_vec a, lo, hi;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[1], sel, n, &lo, err));
    uint8_t *r = node->scratch.data, *nulls = node->scratch.nulls;
    x_storage st = storage_of(node->args[0]->type.kind);
    compare_rows(XN_GE, st, &a, &lo, sel, n, r);
    /* nulls: 1 = NULL. ge_null tracks "a >= lo" unknown. */
    ROWS(sel, n, nulls[i] = vnull(&a, i) || vnull(&lo, i));
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[2], sel, n, &hi, err));
    bool neg = node->is_negated;
    ROWS(sel, n, {
        bool ge_null = nulls[i], ge = r[i];
        bool le_null = vnull(&a, i) || vnull(&hi, i);
        bool le_v = false;
        if (!le_null) {
            x_scalar u, v;
            vget(&a, st, i, &u);
            vget(&hi, st, i, &v);
            le_v = x_scalar_cmp(&u, &v, &node->args[0]->type) <= 0;
        }
        /* AND of two three-valued results. */
        bool f = (!ge_null && !ge) || (!le_null && !le_v);
        if (f) {
            r[i] = neg;
            nulls[i] = 0;
        } else if (ge_null || le_null) {
            nulls[i] = 1;
        } else {
            r[i] = !neg;
            nulls[i] = 0;
        }
    });
    out_scratch(node, out, true);
    return FF_OK;
}

/* ---- LIKE ----------------------------------------------------------------------------- */

static inline uint8_t fold_ascii(uint8_t c) {
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static size_t utf8_char_len(uint8_t c) {
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* SQL LIKE with % and _ (one code point), an optional escape byte, optional ASCII case
 * folding. Iterative with one backtrack point, which is enough for '%' semantics. */
static bool like_match(const uint8_t *s, int64_t slen, const uint8_t *p, int64_t plen, int esc,
                       bool icase) {
    int64_t si = 0, pi = 0, star_p = -1, star_s = 0;
    while (si < slen) {
        if (pi < plen && p[pi] == '%') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < plen) {
            uint8_t pc = p[pi];
            bool literal = false;
            if (esc >= 0 && pc == (uint8_t)esc && pi + 1 < plen) {
                pc = p[pi + 1];
                literal = true;
            }
            if (!literal && pc == '_') {
                size_t cl = utf8_char_len(s[si]);
                si += (int64_t)cl;
                if (si > slen)
                    si = slen;
                pi++;
                continue;
            }
            uint8_t sc = s[si];
            if (icase ? fold_ascii(sc) == fold_ascii(pc) : sc == pc) {
                si++;
                pi += literal ? 2 : 1;
                continue;
            }
        }
        if (star_p < 0)
            return false;
        pi = star_p;
        si = ++star_s;
        /* keep code points whole after a '%' retry */
        while (si < slen && (s[si] & 0xc0) == 0x80)
            si = ++star_s;
    }
    while (pi < plen && p[pi] == '%')
        pi++;
    return pi == plen;
}

static inline bool like_shape_match(const x_node *node, const x_str *s) {
    const x_str *nd = &node->like_needle;
    switch ((x_like_shape)node->like_shape) {
    case XL_EXACT:
        return STR_EQ(*s, *nd);
    case XL_PREFIX:
        return s->len >= nd->len && memcmp(s->ptr, nd->ptr, (size_t)nd->len) == 0;
    case XL_SUFFIX:
        return s->len >= nd->len &&
               memcmp(s->ptr + s->len - nd->len, nd->ptr, (size_t)nd->len) == 0;
    case XL_CONTAINS:
        return s->len >= nd->len &&
               memmem(s->ptr, (size_t)s->len, nd->ptr, (size_t)nd->len) != NULL;
    default:
        return false;
    }
}

static ff_status eval_like(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                           ff_error *err) {
    x_vec a, p;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[1], sel, n, &p, err));
    int esc = -1;
    if (node->num_args == 3 && !node->args[2]->value.is_null)
        esc = node->args[2]->value.v.s.ptr[0];
    const x_str *x = a.data, *y = p.data;
    uint8_t *r = node->scratch.data;
    bool neg = node->is_negated;
    if (node->like_shape != XL_GENERAL) {
        ROWS(sel, n, r[i] = like_shape_match(node, &x[vidx(&a, i)]) != neg);
    } else {
        ROWS(sel, n, {
            const x_str *s = &x[vidx(&a, i)], *pat = &y[vidx(&p, i)];
            r[i] = like_match(s->ptr, s->len, pat->ptr, pat->len, esc, node->is_icase) != neg;
        });
    }
    out_scratch(node, out, merge_nulls(node, &a, &p, sel, n));
    return FF_OK;
}

/* ---- CASE and friends ----------------------------------------------------------------- */

static void copy_rows(x_node *node, x_storage st, const x_vec *v, const uint32_t *rows,
                      uint32_t m) {
    uint8_t *nulls = node->scratch.nulls;
    size_t sv = v->is_const ? 0 : 1;
    switch (st) {
    case XS_BOOL: {
        const uint8_t *src = v->data;
        uint8_t *dst = node->scratch.data;
        ROWS(rows, m, dst[i] = src[i * sv]);
        break;
    }
    case XS_I64:
    case XS_F64: {
        const int64_t *src = v->data;
        int64_t *dst = node->scratch.data;
        ROWS(rows, m, dst[i] = src[i * sv]);
        break;
    }
    case XS_DEC:
    case XS_STR: {
        const uint8_t *src = v->data;
        uint8_t *dst = node->scratch.data;
        ROWS(rows, m, memcpy(dst + (size_t)i * 16, src + i * sv * 16, 16));
        break;
    }
    }
    if (v->nulls)
        ROWS(rows, m, nulls[i] = v->nulls[i * sv]);
    else
        ROWS(rows, m, nulls[i] = 0);
}

static ff_status eval_case(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                           ff_error *err) {
    int32_t pairs = (node->num_args - (node->has_else ? 1 : 0)) / 2;
    x_storage st = storage_of(node->type.kind);
    /* remaining rows start as sel; each WHEN splits them into taken and the rest. */
    uint32_t *remaining = node->scratch.sel_a, *taken = node->scratch.sel_b;
    uint32_t m = n;
    if (sel)
        memcpy(remaining, sel, n * sizeof *sel);
    else
        for (uint32_t i = 0; i < n; i++)
            remaining[i] = i;
    for (int32_t k = 0; k < pairs && m > 0; k++) {
        uint32_t t = 0;
        FF_FORWARD_IF_ERROR(x_select(ctx, node->args[2 * k], remaining, m, taken, &t, err));
        if (t > 0) {
            x_vec v;
            FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[2 * k + 1], taken, t, &v, err));
            copy_rows(node, st, &v, taken, t);
            /* remaining -= taken (both ascending) */
            uint32_t w = 0, j = 0;
            for (uint32_t q = 0; q < m; q++) {
                if (j < t && taken[j] == remaining[q]) {
                    j++;
                    continue;
                }
                remaining[w++] = remaining[q];
            }
            m = w;
        }
    }
    if (m > 0) {
        if (node->has_else) {
            x_vec v;
            FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[node->num_args - 1], remaining, m, &v, err));
            copy_rows(node, st, &v, remaining, m);
        } else {
            ROWS(remaining, m, node->scratch.nulls[i] = 1);
            if (st == XS_STR)
                ROWS(remaining, m, ((x_str *)node->scratch.data)[i] = (x_str){NULL, 0});
        }
    }
    out_scratch(node, out, true);
    return FF_OK;
}

/* COALESCE / LEAST / GREATEST: fold arguments left to right into the node's scratch. */
static ff_status eval_fold_args(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n,
                                x_vec *out, ff_error *err) {
    x_storage st = storage_of(node->type.kind);
    uint8_t *nulls = node->scratch.nulls;
    ROWS(sel, n, nulls[i] = 1);
    if (st == XS_STR)
        ROWS(sel, n, ((x_str *)node->scratch.data)[i] = (x_str){NULL, 0});
    uint32_t *pending = node->scratch.sel_a;
    uint32_t m = n;
    const uint32_t *rows = sel;
    for (int32_t k = 0; k < node->num_args && m > 0; k++) {
        x_vec v;
        FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[k], rows, m, &v, err));
        if (node->fn == XF_COALESCE) {
            /* Only rows still NULL evaluate the next argument. */
            uint32_t w = 0;
            for (uint32_t q = 0; q < m; q++) {
                uint32_t i = rows ? rows[q] : q;
                if (vnull(&v, i)) {
                    pending[w++] = i;
                    continue;
                }
                x_scalar s;
                vget(&v, st, i, &s);
                sput(node, st, i, &s);
            }
            m = w;
            rows = pending;
            continue;
        }
        bool greatest = node->fn == XF_GREATEST;
        ROWS(rows, m, {
            if (vnull(&v, i))
                continue;
            x_scalar s, cur;
            vget(&v, st, i, &s);
            if (!nulls[i]) {
                x_vec self = {nulls, node->scratch.data, false};
                vget(&self, st, i, &cur);
                int c = x_scalar_cmp(&s, &cur, &node->type);
                if (greatest ? c <= 0 : c >= 0)
                    continue;
            }
            sput(node, st, i, &s);
        });
    }
    out_scratch(node, out, true);
    return FF_OK;
}

/* ---- scalar functions ----------------------------------------------------------------- */

/* Splits a DATE or TIMESTAMP value into days since the epoch and the unit within the day. */
static void split_temporal(const x_type *t, int64_t v, int64_t *days, int64_t *rem,
                           int64_t *per_second) {
    if (t->kind == XK_DATE) {
        *days = v;
        *rem = 0;
        *per_second = 1;
        return;
    }
    if (t->kind == XK_TIME) {
        *days = 0;
        *rem = v;
        *per_second = x_unit_per_second(t->unit);
        return;
    }
    int64_t per_day = x_unit_per_day(t->unit);
    *days = x_floor_div(v, per_day);
    *rem = x_floor_mod(v, per_day);
    *per_second = x_unit_per_second(t->unit);
}

static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

static ff_status str_result(x_ctx *ctx, x_node *node, const uint8_t *bytes, size_t len,
                            x_scalar *out, ff_error *err) {
    uint8_t *copy = len ? x_heap_alloc(ctx->heap, len, err) : NULL;
    if (len && !copy)
        return ff_error_prefix(err, "at %d", (int)node->pos);
    if (len)
        memcpy(copy, bytes, len);
    out->v.s.ptr = copy;
    out->v.s.len = (int64_t)len;
    return FF_OK;
}

static ff_status do_strftime(x_ctx *ctx, x_node *node, const x_type *t, int64_t v, const x_str *fmt,
                             x_scalar *out, ff_error *err) {
    int64_t days, rem, per_second;
    split_temporal(t, v, &days, &rem, &per_second);
    int64_t year;
    unsigned month, day;
    x_civil_from_days(days, &year, &month, &day);
    int64_t secs = rem / per_second, frac = rem % per_second;
    int64_t micros =
        per_second >= 1000000 ? frac / (per_second / 1000000) : frac * (1000000 / per_second);
    int dow = (int)x_floor_mod(days + 4, 7);
    int64_t yday = days - x_days_from_civil(year, 1, 1) + 1;
    char buf[512];
    size_t len = 0;
    for (int64_t k = 0; k < fmt->len && len < sizeof buf - 64; k++) {
        uint8_t c = fmt->ptr[k];
        if (c != '%' || k + 1 >= fmt->len) {
            buf[len++] = (char)c;
            continue;
        }
        c = fmt->ptr[++k];
        int w = 0;
        switch (c) {
        case 'Y':
            w = snprintf(buf + len, 64, "%lld", (long long)year);
            break;
        case 'y':
            w = snprintf(buf + len, 64, "%02lld", (long long)x_floor_mod(year, 100));
            break;
        case 'm':
            w = snprintf(buf + len, 64, "%02u", month);
            break;
        case 'd':
            w = snprintf(buf + len, 64, "%02u", day);
            break;
        case 'H':
            w = snprintf(buf + len, 64, "%02lld", (long long)(secs / 3600));
            break;
        case 'I': {
            int64_t h = secs / 3600 % 12;
            w = snprintf(buf + len, 64, "%02lld", (long long)(h ? h : 12));
            break;
        }
        case 'p':
            w = snprintf(buf + len, 64, "%s", secs / 3600 < 12 ? "AM" : "PM");
            break;
        case 'M':
            w = snprintf(buf + len, 64, "%02lld", (long long)(secs / 60 % 60));
            break;
        case 'S':
            w = snprintf(buf + len, 64, "%02lld", (long long)(secs % 60));
            break;
        case 'f':
            w = snprintf(buf + len, 64, "%06lld", (long long)micros);
            break;
        case 'j':
            w = snprintf(buf + len, 64, "%03lld", (long long)yday);
            break;
        case 'a':
            w = snprintf(buf + len, 64, "%.3s", day_names[dow]);
            break;
        case 'A':
            w = snprintf(buf + len, 64, "%s", day_names[dow]);
            break;
        case 'b':
            w = snprintf(buf + len, 64, "%.3s", month_names[month - 1]);
            break;
        case 'B':
            w = snprintf(buf + len, 64, "%s", month_names[month - 1]);
            break;
        case 'w':
            w = snprintf(buf + len, 64, "%d", dow);
            break;
        case 'u':
            w = snprintf(buf + len, 64, "%d", dow ? dow : 7);
            break;
        default:
            buf[len] = (char)c;
            w = 1;
            break;
        }
        len += (size_t)w;
    }
    return str_result(ctx, node, (const uint8_t *)buf, len, out, err);
}

/* Truncates a timestamp to a date_trunc part; false when the result leaves the int64 range
 * (only for values near its ends). */
static bool trunc_temporal(const x_type *t, int64_t v, int part, int64_t *out) {
    /* parts: 0 us, 1 ms, 2 s, 3 min, 4 h, 5 day, 6 week, 7 month, 8 quarter, 9 year */
    int64_t per_second = x_unit_per_second(t->unit);
    if (part <= 4) {
        int64_t step = part == 0   ? per_second / 1000000
                       : part == 1 ? per_second / 1000
                       : part == 2 ? per_second
                       : part == 3 ? per_second * 60
                                   : per_second * 3600;
        if (step <= 1) {
            *out = v;
            return true;
        }
        return !__builtin_mul_overflow(x_floor_div(v, step), step, out);
    }
    int64_t per_day = x_unit_per_day(t->unit);
    int64_t days = x_floor_div(v, per_day);
    if (part == 6) {
        days -= x_floor_mod(days + 3, 7); /* Monday */
    } else if (part >= 7) {
        int64_t year;
        unsigned month, day;
        x_civil_from_days(days, &year, &month, &day);
        if (part == 8)
            month = (month - 1) / 3 * 3 + 1;
        else if (part == 9)
            month = 1;
        days = x_days_from_civil(year, month, 1);
    }
    return !__builtin_mul_overflow(days, per_day, out);
}

static bool utf8_is_ascii(const uint8_t *s, int64_t len) {
    for (int64_t k = 0; k < len; k++)
        if (s[k] & 0x80)
            return false;
    return true;
}

static int64_t utf8_length(const uint8_t *s, int64_t len) {
    int64_t count = 0;
    for (int64_t k = 0; k < len; k++)
        count += (s[k] & 0xc0) != 0x80;
    return count;
}

/* Byte offset of code point `cp` (clamped to the end). */
static int64_t utf8_offset(const uint8_t *s, int64_t len, int64_t cp) {
    int64_t count = 0;
    for (int64_t k = 0; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80) {
            if (count == cp)
                return k;
            count++;
        }
    }
    return len;
}

static ff_status eval_function_row(x_ctx *ctx, x_node *node, const x_scalar *args, x_scalar *out,
                                   ff_error *err) {
    x_node *const *an = node->args;
    memset(out, 0, sizeof *out);
    switch ((x_fn)node->fn) {
    case XF_ABS:
        switch (storage_of(node->type.kind)) {
        case XS_F64:
            out->v.d = fabs(args[0].v.d);
            break;
        case XS_DEC:
            out->v.dec = args[0].v.dec < 0 ? -args[0].v.dec : args[0].v.dec;
            break;
        default:
            if (args[0].v.i == INT64_MIN)
                return eval_error(ctx, node, err, "integer overflow in abs(%lld)",
                                  (long long)args[0].v.i);
            out->v.i = args[0].v.i < 0 ? -args[0].v.i : args[0].v.i;
            break;
        }
        return FF_OK;
    case XF_ROUND:
    case XF_FLOOR:
    case XF_CEIL: {
        int digits = node->fn == XF_ROUND ? node->fn_param : 0;
        const x_type *at = &an[0]->type;
        if (at->kind == XK_DOUBLE) {
            double x = args[0].v.d;
            if (node->fn == XF_FLOOR) {
                out->v.d = floor(x);
            } else if (node->fn == XF_CEIL) {
                out->v.d = ceil(x);
            } else if (digits == 0) {
                out->v.d = round(x);
            } else if (isinf(x) || isnan(x)) {
                out->v.d = x;
            } else {
                /* DuckDB: round(x * 10^d) / 10^d, keeping x when the scaling overflows. */
                double m = pow(10.0, digits);
                double scaled = x * m;
                out->v.d = isinf(scaled) ? x : round(scaled) / m;
            }
            return FF_OK;
        }
        if (at->kind == XK_INT) {
            int64_t x = args[0].v.i;
            if (digits >= 0) {
                out->v.i = x;
                return FF_OK;
            }
            x_i128 r;
            x_rescale(x, -digits, 0, &r);
            r *= x_pow10(-digits);
            if (r > INT64_MAX || r < INT64_MIN)
                return eval_error(ctx, node, err, "integer overflow in round(%lld, %d)",
                                  (long long)x, digits);
            out->v.i = (int64_t)r;
            return FF_OK;
        }
        /* DECIMAL */
        x_i128 x = args[0].v.dec;
        int scale = at->scale;
        int out_scale = node->type.scale;
        if (node->fn == XF_ROUND) {
            if (digits >= scale) {
                out->v.dec = x;
                return FF_OK;
            }
            x_i128 r;
            int target = digits;
            if (target >= 0) {
                x_rescale(x, scale, target, &r);
                out->v.dec = r; /* node scale == digits */
            } else {
                x_rescale(x, scale + (-target), 0, &r);
                out->v.dec = r * x_pow10(-target);
            }
            (void)out_scale;
            return FF_OK;
        }
        x_i128 divisor = x_pow10(scale);
        x_i128 q = x / divisor, rem = x % divisor;
        if (node->fn == XF_FLOOR && rem < 0)
            q--;
        if (node->fn == XF_CEIL && rem > 0)
            q++;
        out->v.dec = q;
        return FF_OK;
    }
    case XF_SQRT:
        if (args[0].v.d < 0)
            return eval_error(ctx, node, err, "cannot take the square root of a negative number");
        out->v.d = sqrt(args[0].v.d);
        return FF_OK;
    case XF_LN:
        if (args[0].v.d == 0)
            return eval_error(ctx, node, err, "cannot take the logarithm of zero");
        if (args[0].v.d < 0)
            return eval_error(ctx, node, err, "cannot take the logarithm of a negative number");
        out->v.d = log(args[0].v.d);
        return FF_OK;
    case XF_EXP:
        out->v.d = exp(args[0].v.d);
        return FF_OK;
    case XF_POWER:
        out->v.d = pow(args[0].v.d, args[1].v.d);
        return FF_OK;
    case XF_LOWER:
    case XF_UPPER: {
        const x_str *s = &args[0].v.s;
        uint8_t *buf = s->len ? x_heap_alloc(ctx->heap, (size_t)s->len, err) : NULL;
        if (s->len && !buf)
            return FF_ERR_NO_MEMORY;
        for (int64_t k = 0; k < s->len; k++) {
            uint8_t c = s->ptr[k];
            if (node->fn == XF_LOWER && c >= 'A' && c <= 'Z')
                c = (uint8_t)(c + 32);
            else if (node->fn == XF_UPPER && c >= 'a' && c <= 'z')
                c = (uint8_t)(c - 32);
            buf[k] = c;
        }
        out->v.s.ptr = buf;
        out->v.s.len = s->len;
        return FF_OK;
    }
    case XF_LENGTH:
        out->v.i = utf8_length(args[0].v.s.ptr, args[0].v.s.len);
        return FF_OK;
    case XF_TRIM:
    case XF_LTRIM:
    case XF_RTRIM: {
        x_str s = args[0].v.s;
        const uint8_t *set = (const uint8_t *)" ";
        int64_t set_len = 1;
        if (node->num_args == 2) {
            set = args[1].v.s.ptr;
            set_len = args[1].v.s.len;
        }
        if (node->fn != XF_RTRIM)
            while (s.len && set_len && memchr(set, s.ptr[0], (size_t)set_len)) {
                s.ptr++;
                s.len--;
            }
        if (node->fn != XF_LTRIM)
            while (s.len && set_len && memchr(set, s.ptr[s.len - 1], (size_t)set_len))
                s.len--;
        out->v.s = s;
        return FF_OK;
    }
    case XF_SUBSTR: {
        const x_str *s = &args[0].v.s;
        bool ascii = utf8_is_ascii(s->ptr, s->len);
        int64_t size = ascii ? s->len : utf8_length(s->ptr, s->len);
        int64_t offset = args[1].v.i;
        int64_t start = offset > 0 ? offset - 1 : offset < 0 ? size + offset : -1;
        int64_t end;
        if (node->num_args == 3) {
            int64_t length = args[2].v.i;
            if (length >= 0) {
                if (__builtin_add_overflow(start, length, &end))
                    end = INT64_MAX;
            } else {
                end = start;
                if (__builtin_add_overflow(start, length, &start))
                    start = INT64_MIN;
            }
        } else {
            end = size;
        }
        if (start < 0)
            start = 0;
        if (end > size)
            end = size;
        if (start >= end) {
            out->v.s = (x_str){s->ptr, 0};
            return FF_OK;
        }
        int64_t b0 = ascii ? start : utf8_offset(s->ptr, s->len, start);
        int64_t b1 = ascii ? end : utf8_offset(s->ptr, s->len, end);
        out->v.s = (x_str){s->ptr + b0, b1 - b0};
        return FF_OK;
    }
    case XF_REPLACE: {
        const x_str *s = &args[0].v.s, *from = &args[1].v.s, *to = &args[2].v.s;
        if (from->len == 0 || s->len < from->len) {
            out->v.s = *s;
            return FF_OK;
        }
        int64_t count = 0;
        for (int64_t k = 0; k + from->len <= s->len;) {
            if (memcmp(s->ptr + k, from->ptr, (size_t)from->len) == 0) {
                count++;
                k += from->len;
            } else {
                k++;
            }
        }
        if (count == 0) {
            out->v.s = *s;
            return FF_OK;
        }
        size_t total = (size_t)(s->len + count * (to->len - from->len));
        uint8_t *buf = total ? x_heap_alloc(ctx->heap, total, err) : NULL;
        if (total && !buf)
            return FF_ERR_NO_MEMORY;
        size_t w = 0;
        for (int64_t k = 0; k < s->len;) {
            if (k + from->len <= s->len && memcmp(s->ptr + k, from->ptr, (size_t)from->len) == 0) {
                if (to->len)
                    memcpy(buf + w, to->ptr, (size_t)to->len);
                w += (size_t)to->len;
                k += from->len;
            } else {
                buf[w++] = s->ptr[k++];
            }
        }
        out->v.s = (x_str){buf, (int64_t)total};
        return FF_OK;
    }
    case XF_STARTS_WITH:
        out->v.b = args[0].v.s.len >= args[1].v.s.len &&
                   (args[1].v.s.len == 0 ||
                    memcmp(args[0].v.s.ptr, args[1].v.s.ptr, (size_t)args[1].v.s.len) == 0);
        return FF_OK;
    case XF_ENDS_WITH:
        out->v.b =
            args[0].v.s.len >= args[1].v.s.len &&
            (args[1].v.s.len == 0 || memcmp(args[0].v.s.ptr + args[0].v.s.len - args[1].v.s.len,
                                            args[1].v.s.ptr, (size_t)args[1].v.s.len) == 0);
        return FF_OK;
    case XF_CONTAINS:
        out->v.b =
            args[1].v.s.len == 0 || (args[0].v.s.len >= args[1].v.s.len &&
                                     memmem(args[0].v.s.ptr, (size_t)args[0].v.s.len,
                                            args[1].v.s.ptr, (size_t)args[1].v.s.len) != NULL);
        return FF_OK;
    case XF_YEAR:
    case XF_QUARTER:
    case XF_MONTH:
    case XF_DAY:
    case XF_HOUR:
    case XF_MINUTE:
    case XF_SECOND:
    case XF_DAYOFWEEK: {
        int64_t days, rem, per_second;
        split_temporal(&an[0]->type, args[0].v.i, &days, &rem, &per_second);
        int64_t secs = rem / per_second;
        int64_t year;
        unsigned month, day;
        x_civil_from_days(days, &year, &month, &day);
        switch ((x_fn)node->fn) {
        case XF_YEAR:
            out->v.i = year;
            break;
        case XF_QUARTER:
            out->v.i = (month - 1) / 3 + 1;
            break;
        case XF_MONTH:
            out->v.i = month;
            break;
        case XF_DAY:
            out->v.i = day;
            break;
        case XF_HOUR:
            out->v.i = secs / 3600;
            break;
        case XF_MINUTE:
            out->v.i = secs / 60 % 60;
            break;
        case XF_SECOND:
            out->v.i = secs % 60;
            break;
        default:
            out->v.i = x_floor_mod(days + 4, 7);
            break;
        }
        return FF_OK;
    }
    case XF_DATE_TRUNC:
        if (!trunc_temporal(&node->type, args[1].v.i, node->fn_param, &out->v.i))
            return eval_error(ctx, node, err, "date_trunc() result is out of range");
        return FF_OK;
    case XF_STRFTIME:
        return do_strftime(ctx, node, &an[0]->type, args[0].v.i, &args[1].v.s, out, err);
    case XF_EPOCH_MS:
        if (node->fn_param == 1) {
            out->v.i = args[0].v.i;
            return FF_OK;
        }
        if (an[0]->type.kind == XK_DATE) {
            if (__builtin_mul_overflow(args[0].v.i, 86400000LL, &out->v.i))
                return eval_error(ctx, node, err, "integer overflow in epoch_ms");
        } else {
            int64_t per_ms = x_unit_per_second(an[0]->type.unit) / 1000;
            out->v.i = args[0].v.i / per_ms;
        }
        return FF_OK;
    case XF_CONCAT: {
        size_t total = 0;
        for (int32_t k = 0; k < node->num_args; k++)
            if (!args[k].is_null)
                total += (size_t)args[k].v.s.len;
        uint8_t *buf = total ? x_heap_alloc(ctx->heap, total, err) : NULL;
        if (total && !buf)
            return FF_ERR_NO_MEMORY;
        size_t w = 0;
        for (int32_t k = 0; k < node->num_args; k++) {
            if (args[k].is_null || !args[k].v.s.len)
                continue;
            memcpy(buf + w, args[k].v.s.ptr, (size_t)args[k].v.s.len);
            w += (size_t)args[k].v.s.len;
        }
        out->v.s = (x_str){buf, (int64_t)total};
        return FF_OK;
    }
    default:
        break;
    }
    return eval_error(ctx, node, err, "function %s cannot be evaluated", node->name);
}

#define X_MAX_FN_ARGS 8

static ff_status eval_function(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n,
                               x_vec *out, ff_error *err) {
    if (node->fn == XF_COALESCE || node->fn == XF_LEAST || node->fn == XF_GREATEST)
        return eval_fold_args(ctx, node, sel, n, out, err);
    x_vec av[X_MAX_FN_ARGS];
    int32_t num = node->num_args;
    if (num > X_MAX_FN_ARGS && node->fn != XF_CONCAT)
        return eval_error(ctx, node, err, "too many arguments");
    if (node->fn == XF_CONCAT && num > X_MAX_FN_ARGS) {
        /* concat with many arguments: evaluated pairwise through the heap. */
        return eval_error(ctx, node, err, "concat() takes at most %d arguments", X_MAX_FN_ARGS);
    }
    /* Arguments are evaluated one after another; each node owns its scratch, so earlier
     * results stay valid. */
    for (int32_t k = 0; k < num; k++)
        FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[k], sel, n, &av[k], err));
    x_storage st = storage_of(node->type.kind);
    bool nulls_pass = node->fn == XF_CONCAT; /* concat skips NULLs */
    ROWS(sel, n, {
        x_scalar args[X_MAX_FN_ARGS], res;
        bool any_null = false;
        for (int32_t k = 0; k < num; k++) {
            vget(&av[k], storage_of(node->args[k]->type.kind), i, &args[k]);
            any_null |= args[k].is_null;
        }
        if (any_null && !nulls_pass) {
            res.is_null = true;
        } else {
            FF_FORWARD_IF_ERROR(eval_function_row(ctx, node, args, &res, err));
            res.is_null = false;
        }
        sput(node, st, i, &res);
    });
    out_scratch(node, out, true);
    return FF_OK;
}

static ff_status eval_concat(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                             ff_error *err) {
    x_vec a, b;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[0], sel, n, &a, err));
    FF_FORWARD_IF_ERROR(x_eval(ctx, node->args[1], sel, n, &b, err));
    bool has_nulls = merge_nulls(node, &a, &b, sel, n);
    const x_str *x = a.data, *y = b.data;
    x_str *r = node->scratch.data;
    ROWS(sel, n, {
        if (has_nulls && node->scratch.nulls[i]) {
            r[i] = (x_str){NULL, 0};
            continue;
        }
        const x_str *u = &x[vidx(&a, i)], *v = &y[vidx(&b, i)];
        size_t total = (size_t)(u->len + v->len);
        uint8_t *buf = total ? x_heap_alloc(ctx->heap, total, err) : NULL;
        if (total && !buf)
            return FF_ERR_NO_MEMORY;
        if (u->len)
            memcpy(buf, u->ptr, (size_t)u->len);
        if (v->len)
            memcpy(buf + u->len, v->ptr, (size_t)v->len);
        r[i] = (x_str){buf, (int64_t)total};
    });
    out_scratch(node, out, has_nulls);
    return FF_OK;
}

ff_status x_eval(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, x_vec *out,
                 ff_error *err) {
    switch ((x_op)node->op) {
    case XN_CONST:
        out->is_const = true;
        out->nulls = node->value.is_null ? &null_flag_one : NULL;
        out->data = &node->value.v;
        return FF_OK;
    case XN_COLUMN:
        return eval_column(ctx, node, sel, n, out, err);
    case XN_CAST:
        return eval_cast(ctx, node, sel, n, out, err);
    case XN_NEG:
        return eval_neg(ctx, node, sel, n, out, err);
    case XN_NOT:
        return eval_not(ctx, node, sel, n, out, err);
    case XN_AND:
    case XN_OR:
        return eval_and_or(ctx, node, sel, n, out, err);
    case XN_ADD:
    case XN_SUB:
    case XN_MUL:
    case XN_DIV:
    case XN_MOD:
        return eval_arith(ctx, node, sel, n, out, err);
    case XN_CONCAT:
        return eval_concat(ctx, node, sel, n, out, err);
    case XN_EQ:
    case XN_NE:
    case XN_LT:
    case XN_LE:
    case XN_GT:
    case XN_GE:
    case XN_DISTINCT:
    case XN_NOT_DISTINCT:
        return eval_compare(ctx, node, sel, n, out, err);
    case XN_IS_NULL:
        return eval_is_null(ctx, node, sel, n, out, err);
    case XN_IN:
        return eval_in(ctx, node, sel, n, out, err);
    case XN_BETWEEN:
        return eval_between(ctx, node, sel, n, out, err);
    case XN_LIKE:
        return eval_like(ctx, node, sel, n, out, err);
    case XN_CASE:
        return eval_case(ctx, node, sel, n, out, err);
    case XN_FUNC:
        return eval_function(ctx, node, sel, n, out, err);
    default:
        break;
    }
    return ff_error_set(err, FF_ERR_INTERNAL, "unknown expression node %d", node->op);
}

/* ---- selection ------------------------------------------------------------------------ */

/* Sees through casts that do not change storage, to find a column read in place. */
static const x_node *plain_column(const x_node *node) {
    while (node->op == XN_CAST && cast_is_noop(&node->args[0]->type, &node->type))
        node = node->args[0];
    return node->op == XN_COLUMN ? node : NULL;
}

static x_op flip_op(x_op op) {
    switch (op) {
    case XN_LT:
        return XN_GT;
    case XN_LE:
        return XN_GE;
    case XN_GT:
        return XN_LT;
    case XN_GE:
        return XN_LE;
    default:
        return op;
    }
}

#define SEL_CMP(T, LOAD, LT, EQ)                                                                   \
    do {                                                                                           \
        const T *col_ = (const T *)(const void *)vec->values + ctx->base;                          \
        uint32_t m_ = 0;                                                                           \
        switch (op) {                                                                              \
        case XN_EQ:                                                                                \
            ROWS(sel, n, {                                                                         \
                out_sel[m_] = i;                                                                   \
                m_ += EQ(LOAD(col_[i]), c) && VALID(i);                                            \
            });                                                                                    \
            break;                                                                                 \
        case XN_NE:                                                                                \
            ROWS(sel, n, {                                                                         \
                out_sel[m_] = i;                                                                   \
                m_ += !EQ(LOAD(col_[i]), c) && VALID(i);                                           \
            });                                                                                    \
            break;                                                                                 \
        case XN_LT:                                                                                \
            ROWS(sel, n, {                                                                         \
                out_sel[m_] = i;                                                                   \
                m_ += LT(LOAD(col_[i]), c) && VALID(i);                                            \
            });                                                                                    \
            break;                                                                                 \
        case XN_LE:                                                                                \
            ROWS(sel, n, {                                                                         \
                out_sel[m_] = i;                                                                   \
                m_ += !LT(c, LOAD(col_[i])) && VALID(i);                                           \
            });                                                                                    \
            break;                                                                                 \
        case XN_GT:                                                                                \
            ROWS(sel, n, {                                                                         \
                out_sel[m_] = i;                                                                   \
                m_ += LT(c, LOAD(col_[i])) && VALID(i);                                            \
            });                                                                                    \
            break;                                                                                 \
        case XN_GE:                                                                                \
            ROWS(sel, n, {                                                                         \
                out_sel[m_] = i;                                                                   \
                m_ += !LT(LOAD(col_[i]), c) && VALID(i);                                           \
            });                                                                                    \
            break;                                                                                 \
        default:                                                                                   \
            break;                                                                                 \
        }                                                                                          \
        *out_n = m_;                                                                               \
    } while (0)

#define ID(x)      (x)
#define WIDEN_D(x) ((double)(x))

/* Tries the column-versus-constant fast path; *done false when it does not apply. */
static bool select_column_const(x_ctx *ctx, const x_node *node, const uint32_t *sel, uint32_t n,
                                uint32_t *out_sel, uint32_t *out_n) {
    x_op op = (x_op)node->op;
    if (op < XN_EQ || op > XN_GE)
        return false;
    const x_node *col = plain_column(node->args[0]);
    const x_node *cst = node->args[1];
    if (!col || cst->op != XN_CONST) {
        col = plain_column(node->args[1]);
        cst = node->args[0];
        if (!col || cst->op != XN_CONST)
            return false;
        op = flip_op(op);
    }
    if (col->column_idx >= ctx->batch->num_columns)
        return false;
    const ff_vector *vec = &ctx->batch->columns[col->column_idx];
    if (cst->value.is_null) {
        *out_n = 0;
        return true;
    }
    const x_type *ct = &col->type;
    const uint8_t *bits = vec->validity ? vec->validity + ctx->base / 8 : NULL;
#define VALID(i) (!bits || ((bits[(i) >> 3] >> ((i)&7)) & 1))
    switch (vec->type.physical) {
    case FF_PHYSICAL_INT32:
        if (ct->kind == XK_DEC || (ct->kind == XK_INT && ct->is_unsigned) ||
            storage_of(cst->type.kind) != XS_I64)
            return false;
        {
            int64_t c = cst->value.v.i;
            SEL_CMP(int32_t, (int64_t), PLAIN_LT, PLAIN_EQ);
        }
        return true;
    case FF_PHYSICAL_INT64:
        if (ct->kind == XK_DEC || (ct->kind == XK_INT && ct->is_unsigned) ||
            storage_of(cst->type.kind) != XS_I64)
            return false;
        {
            int64_t c = cst->value.v.i;
            SEL_CMP(int64_t, ID, PLAIN_LT, PLAIN_EQ);
        }
        return true;
    case FF_PHYSICAL_DOUBLE:
        if (cst->type.kind != XK_DOUBLE)
            return false;
        {
            double c = cst->value.v.d;
            SEL_CMP(double, ID, d_lt, d_eq);
        }
        return true;
    case FF_PHYSICAL_FLOAT:
        if (cst->type.kind != XK_DOUBLE)
            return false;
        {
            double c = cst->value.v.d;
            SEL_CMP(float, WIDEN_D, d_lt, d_eq);
        }
        return true;
    case FF_PHYSICAL_BYTE_ARRAY: {
        if (storage_of(ct->kind) != XS_STR || storage_of(cst->type.kind) != XS_STR)
            return false;
        const int64_t *off = vec->offsets + ctx->base;
        const uint8_t *bytes = vec->values ? vec->values : (const uint8_t *)"";
        const x_str c = cst->value.v.s;
        uint32_t m = 0;
        if (op == XN_EQ || op == XN_NE) {
            bool want = op == XN_EQ;
            ROWS(sel, n, {
                out_sel[m] = i;
                int64_t len = off[i + 1] - off[i];
                bool eq =
                    len == c.len && (len == 0 || memcmp(bytes + off[i], c.ptr, (size_t)len) == 0);
                m += (eq == want) && VALID(i);
            });
        } else {
            ROWS(sel, n, {
                out_sel[m] = i;
                x_str s = {bytes + off[i], off[i + 1] - off[i]};
                m += cmp_holds(op, str_cmp(&s, &c)) && VALID(i);
            });
        }
        *out_n = m;
        return true;
    }
    default:
        return false;
    }
#undef VALID
}

ff_status x_select(x_ctx *ctx, x_node *node, const uint32_t *sel, uint32_t n, uint32_t *out_sel,
                   uint32_t *out_n, ff_error *err) {
    switch ((x_op)node->op) {
    case XN_AND: {
        /* Narrow: the right side sees only rows the left side kept. */
        uint32_t m = 0;
        FF_FORWARD_IF_ERROR(x_select(ctx, node->args[0], sel, n, out_sel, &m, err));
        if (m == 0) {
            *out_n = 0;
            return FF_OK;
        }
        uint32_t *tmp = node->scratch.sel_a;
        memcpy(tmp, out_sel, m * sizeof *tmp);
        return x_select(ctx, node->args[1], tmp, m, out_sel, out_n, err);
    }
    case XN_OR: {
        uint32_t *left = node->scratch.sel_a, *rest = node->scratch.sel_b,
                 *right = node->scratch.sel_c;
        uint32_t nl = 0, nr = 0, m = 0;
        FF_FORWARD_IF_ERROR(x_select(ctx, node->args[0], sel, n, left, &nl, err));
        /* rest = sel - left */
        uint32_t j = 0;
        ROWS(sel, n, {
            if (j < nl && left[j] == i)
                j++;
            else
                rest[m++] = i;
        });
        if (m > 0)
            FF_FORWARD_IF_ERROR(x_select(ctx, node->args[1], rest, m, right, &nr, err));
        /* merge left and right, both ascending and disjoint */
        uint32_t a = 0, b = 0, w = 0;
        while (a < nl || b < nr) {
            if (b >= nr || (a < nl && left[a] < right[b]))
                out_sel[w++] = left[a++];
            else
                out_sel[w++] = right[b++];
        }
        *out_n = w;
        return FF_OK;
    }
    case XN_CONST:
        if (!node->value.is_null && node->value.v.b) {
            uint32_t m = 0;
            ROWS(sel, n, out_sel[m++] = i);
            *out_n = m;
        } else {
            *out_n = 0;
        }
        return FF_OK;
    default:
        break;
    }
    if (select_column_const(ctx, node, sel, n, out_sel, out_n))
        return FF_OK;
    x_vec v;
    FF_FORWARD_IF_ERROR(x_eval(ctx, node, sel, n, &v, err));
    const uint8_t *r = v.data;
    if (v.is_const) {
        bool keep = !(v.nulls && v.nulls[0]) && r[0];
        uint32_t m = 0;
        ROWS(sel, n, out_sel[m++] = i);
        *out_n = keep ? m : 0;
        return FF_OK;
    }
    if (v.nulls)
        *out_n = FILTER_SEL(sel, n, out_sel, r[i] && !v.nulls[i]);
    else
        *out_n = FILTER_SEL(sel, n, out_sel, r[i]);
    return FF_OK;
}

/* ---- scalar evaluation and output ----------------------------------------------------- */

ff_status x_eval_scalar(x_node *node, x_heap *heap, const char *text, x_scalar *out,
                        ff_error *err) {
    ff_status status = x_alloc_scratch(node, err);
    if (status == FF_OK) {
        ff_batch empty = {0};
        x_ctx ctx = {.batch = &empty, .base = 0, .len = 1, .heap = heap, .text = text};
        x_vec v;
        status = x_eval(&ctx, node, NULL, 1, &v, err);
        if (status == FF_OK)
            vget(&v, storage_of(node->type.kind), 0, out);
    }
    x_free_scratch(node);
    return status;
}

static void put_be(x_i128 v, uint8_t *dst, size_t len) {
    for (size_t k = 0; k < len; k++) {
        dst[len - 1 - k] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

/* Minimal big-endian two's complement length of v. */
static size_t be_len(x_i128 v) {
    size_t len = 16;
    while (len > 1) {
        x_i128 shifted = v >> (8 * (len - 1) - 1);
        if (shifted != 0 && shifted != -1)
            break;
        len--;
    }
    return len;
}

ff_status x_store_block(const x_vec *v, const x_type *from, uint32_t n, ff_vector *out, int32_t pos,
                        const char *text, ff_error *err) {
    (void)text;
    const ff_type *ft = &out->type;
    int64_t start = out->length;
    x_storage st = storage_of(from->kind);
    bool any_null = false;
    if (v->nulls) {
        for (uint32_t i = 0; i < n && !any_null; i++)
            any_null = v->nulls[vidx(v, i)];
    }
    bool with_validity = any_null || out->validity != NULL;
    size_t extra_bytes = 0;
    if (ft->physical == FF_PHYSICAL_BYTE_ARRAY) {
        for (uint32_t i = 0; i < n; i++) {
            if (vnull(v, i))
                continue;
            if (st == XS_STR)
                extra_bytes += (size_t)((const x_str *)v->data)[vidx(v, i)].len;
            else
                extra_bytes += 16;
        }
    }
    if (with_validity && !out->validity && start > 0) {
        /* Earlier blocks had no nulls: give them an all-valid bitmap first. */
        FF_FORWARD_IF_ERROR(ff_vector_reserve(out, start, out->values_len, true, err));
    }
    FF_FORWARD_IF_ERROR(
        ff_vector_reserve(out, start + n, out->values_len + extra_bytes, with_validity, err));
    int32_t width = ff_type_value_width(ft);
    for (uint32_t k = 0; k < n; k++) {
        int64_t row = start + k;
        x_scalar s;
        vget(v, st, k, &s);
        if (s.is_null) {
            out->null_count++;
            out->validity[row >> 3] &= (uint8_t) ~(1u << (row & 7));
            if (width > 0)
                memset(out->values + (size_t)row * (size_t)width, 0, (size_t)width);
            else
                out->offsets[row + 1] = (int64_t)out->values_len;
            continue;
        }
        if (out->validity)
            out->validity[row >> 3] |= (uint8_t)(1u << (row & 7));
        uint8_t *dst = width > 0 ? out->values + (size_t)row * (size_t)width : NULL;
        switch (ft->physical) {
        case FF_PHYSICAL_BOOLEAN:
            *dst = s.v.b ? 1 : 0;
            break;
        case FF_PHYSICAL_INT32: {
            int64_t wide = st == XS_DEC ? (int64_t)s.v.dec : s.v.i;
            if (from->kind == XK_TIME && ft->logical == FF_LOGICAL_TIME)
                wide = s.v.i;
            if (wide < INT32_MIN || wide > (int64_t)UINT32_MAX ||
                (wide > INT32_MAX && !(from->kind == XK_INT && from->is_unsigned)))
                return x_error_at(err, FF_ERR_EXPR_TYPE, pos,
                                  "value %lld does not fit a 32-bit column", (long long)wide);
            int32_t narrow = (int32_t)(uint32_t)wide;
            memcpy(dst, &narrow, 4);
            break;
        }
        case FF_PHYSICAL_INT64: {
            int64_t wide = st == XS_DEC ? (int64_t)s.v.dec : s.v.i;
            memcpy(dst, &wide, 8);
            break;
        }
        case FF_PHYSICAL_FLOAT: {
            float f = (float)s.v.d;
            memcpy(dst, &f, 4);
            break;
        }
        case FF_PHYSICAL_DOUBLE:
            memcpy(dst, &s.v.d, 8);
            break;
        case FF_PHYSICAL_INT96: {
            int64_t nanos = s.v.i;
            int64_t days = x_floor_div(nanos, 86400000000000LL);
            uint64_t in_day = (uint64_t)x_floor_mod(nanos, 86400000000000LL);
            uint32_t julian = (uint32_t)(days + 2440588);
            memcpy(dst, &in_day, 8);
            memcpy(dst + 8, &julian, 4);
            break;
        }
        case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
            if (st == XS_DEC) {
                put_be(s.v.dec, dst, (size_t)width);
            } else if (st == XS_F64) {
                return x_error_at(err, FF_ERR_UNSUPPORTED, pos, "FLOAT16 output");
            } else {
                if (s.v.s.len != width)
                    return x_error_at(err, FF_ERR_EXPR_TYPE, pos,
                                      "value of %lld bytes does not fit FIXED_LEN_BYTE_ARRAY(%d)",
                                      (long long)s.v.s.len, (int)width);
                memcpy(dst, s.v.s.ptr, (size_t)width);
            }
            break;
        case FF_PHYSICAL_BYTE_ARRAY:
            if (st == XS_DEC) {
                size_t len = be_len(s.v.dec);
                put_be(s.v.dec, out->values + out->values_len, len);
                out->values_len += len;
            } else {
                if (s.v.s.len)
                    memcpy(out->values + out->values_len, s.v.s.ptr, (size_t)s.v.s.len);
                out->values_len += (size_t)s.v.s.len;
            }
            out->offsets[row + 1] = (int64_t)out->values_len;
            break;
        }
    }
    out->length = start + n;
    return FF_OK;
}
