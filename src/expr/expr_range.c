/* Range analysis (DESIGN.md §6): decides from what is known about a part of a dataset — a
 * partition's exact column values, or a row group's or page's min/max/null counts — whether
 * a predicate can hold for none, some or all of its rows, so that partitions, files and row
 * groups are skipped without reading them.
 *
 * It is an abstract interpretation of the typed tree. Every value node gets an abstract
 * value: whether it may be NULL, whether it may be non-NULL, and, when known, an interval
 * [lo, hi] in the node's type (in DuckDB's total order, so NaN is the largest double).
 * Every predicate node gets the set of truth values it may take (TRUE, FALSE, NULL).
 * Subtrees whose columns all have exact values are simply evaluated on a one-row batch, so
 * any function of partition columns (year(date) = 2025) is decided exactly. Casts that
 * preserve order map intervals; comparisons, IN, BETWEEN, IS NULL, AND/OR/NOT combine them;
 * everything else is "anything". The result is sound by construction: each step
 * over-approximates the values a row could produce.
 *
 * Conservative corners: a float column may hold NaN unless nan_count is 0 (NaN sorts above
 * every bound); a truncated string max only bounds values below its prefix successor; NaN
 * bounds and INT96 statistics are ignored; a failing evaluation gives "anything". */
#include "expr/expr_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct r_val {
    bool may_null;
    bool may_value;           /* some non-NULL value is possible */
    bool may_true, may_false; /* predicates: possible non-NULL truth values */
    bool has_range;
    x_scalar lo, hi;
    bool hi_exclusive;
} r_val;

typedef struct r_ctx {
    ff_expr *expr;
    const ff_column_facts *facts;
    const ff_type *field_types;
    int32_t num_fields;
    int64_t num_rows;
    ff_batch batch; /* one row of exact values */
    bool *is_exact;
    x_heap *heap;
} r_ctx;

static r_val anything(void) {
    r_val v;
    memset(&v, 0, sizeof v);
    v.may_null = v.may_value = v.may_true = v.may_false = true;
    return v;
}

/* True when every column under node has an exact value (and there is at least one). */
static bool all_exact(const r_ctx *ctx, const x_node *node, bool *any_column) {
    if (node->op == XN_COLUMN) {
        *any_column = true;
        return node->column_idx < ctx->num_fields && ctx->is_exact[node->column_idx];
    }
    for (int32_t k = 0; k < node->num_args; k++)
        if (!all_exact(ctx, node->args[k], any_column))
            return false;
    return true;
}

static r_val from_scalar(const x_scalar *s, uint8_t kind) {
    r_val v;
    memset(&v, 0, sizeof v);
    if (s->is_null) {
        v.may_null = true;
        return v;
    }
    v.may_value = true;
    v.has_range = true;
    v.lo = v.hi = *s;
    if (kind == XK_BOOL) {
        v.may_true = s->v.b != 0;
        v.may_false = s->v.b == 0;
    }
    return v;
}

/* Writes one ff_scalar into slot 0 of a one-row vector of the column's type. */
static bool scalar_to_vector(const ff_scalar *s, const ff_type *type, ff_vector *vec,
                             ff_error *err) {
    ff_vector_init(vec, type);
    size_t bytes = type->physical == FF_PHYSICAL_BYTE_ARRAY && !s->is_null ? s->len : 0;
    if (ff_vector_reserve(vec, 1, bytes, s->is_null, err) != FF_OK)
        return false;
    vec->length = 1;
    if (s->is_null) {
        vec->validity[0] = 0;
        vec->null_count = 1;
        int32_t width = ff_type_value_width(type);
        if (width > 0)
            memset(vec->values, 0, (size_t)width);
        else
            vec->offsets[1] = 0;
        return true;
    }
    switch (type->physical) {
    case FF_PHYSICAL_BOOLEAN:
        vec->values[0] = s->b ? 1 : 0;
        return true;
    case FF_PHYSICAL_INT32: {
        int32_t v = (int32_t)s->i64;
        memcpy(vec->values, &v, 4);
        return true;
    }
    case FF_PHYSICAL_INT64:
        memcpy(vec->values, &s->i64, 8);
        return true;
    case FF_PHYSICAL_FLOAT: {
        float f = (float)s->f64;
        memcpy(vec->values, &f, 4);
        return true;
    }
    case FF_PHYSICAL_DOUBLE:
        memcpy(vec->values, &s->f64, 8);
        return true;
    case FF_PHYSICAL_BYTE_ARRAY:
        if (s->len && !s->bytes)
            return false;
        if (s->len)
            memcpy(vec->values, s->bytes, s->len);
        vec->offsets[0] = 0;
        vec->offsets[1] = (int64_t)s->len;
        vec->values_len = s->len;
        return true;
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
    case FF_PHYSICAL_INT96:
        if ((int32_t)s->len != ff_type_value_width(type) || !s->bytes)
            return false;
        memcpy(vec->values, s->bytes, s->len);
        return true;
    }
    return false;
}

/* Loads a facts scalar as an x_scalar of the column's x_type (strings borrow from vec). */
static bool load_fact(const ff_scalar *s, const ff_type *ft, const x_type *xt, ff_vector *vec,
                      x_scalar *out) {
    ff_error err;
    if (!scalar_to_vector(s, ft, vec, &err))
        return false;
    return x_load_scalar(vec, xt, 0, out, &err) == FF_OK;
}

/* The successor of all strings starting with s: s with its last non-0xff byte incremented
 * and what follows dropped; false when s is all 0xff (no upper bound). */
static bool prefix_successor(x_str *s, x_heap *heap) {
    int64_t len = s->len;
    while (len > 0 && s->ptr[len - 1] == 0xff)
        len--;
    if (len == 0)
        return false;
    ff_error err;
    uint8_t *copy = x_heap_alloc(heap, (size_t)len, &err);
    if (!copy)
        return false;
    memcpy(copy, s->ptr, (size_t)len);
    copy[len - 1]++;
    s->ptr = copy;
    s->len = len;
    return true;
}

typedef struct r_scratch {
    ff_vector lo_vec, hi_vec;
} r_scratch;

static r_val analyze_column(r_ctx *ctx, const x_node *node, r_scratch *scratch) {
    r_val v = anything();
    v.may_true = v.may_false = node->type.kind == XK_BOOL;
    if (!ctx->facts || node->column_idx >= ctx->num_fields)
        return v;
    const ff_column_facts *f = &ctx->facts[node->column_idx];
    const ff_type *ft = &ctx->field_types[node->column_idx];
    if (f->null_count == 0)
        v.may_null = false;
    if (ctx->num_rows >= 0 && f->null_count >= 0 && f->null_count >= ctx->num_rows) {
        v.may_value = v.may_true = v.may_false = false;
        v.may_null = true;
        return v;
    }
    if (!f->has_min_max || ft->physical == FF_PHYSICAL_INT96 || f->min.is_null || f->max.is_null)
        return v;
    x_scalar lo, hi;
    if (!load_fact(&f->min, ft, &node->type, &scratch->lo_vec, &lo) ||
        !load_fact(&f->max, ft, &node->type, &scratch->hi_vec, &hi))
        return v;
    if (node->type.kind == XK_DOUBLE) {
        if (isnan(lo.v.d) || isnan(hi.v.d))
            return v;
        if (f->nan_count != 0)
            hi.v.d = NAN; /* NaN sorts above every value */
    }
    if (x_scalar_cmp(&lo, &hi, &node->type) > 0)
        return v; /* inconsistent statistics: trust nothing */
    if ((node->type.kind == XK_STRING || node->type.kind == XK_BINARY) && !f->is_max_exact) {
        if (!prefix_successor(&hi.v.s, ctx->heap))
            return v;
        v.hi_exclusive = true;
    }
    v.has_range = true;
    v.lo = lo;
    v.hi = hi;
    if (node->type.kind == XK_BOOL) {
        v.may_true = hi.v.b != 0;
        v.may_false = lo.v.b == 0;
    }
    return v;
}

/* Casts whose value order is preserved (non-decreasing), so intervals map bound by bound. */
static bool cast_is_monotonic(const x_type *from, const x_type *to) {
    switch ((x_kind)from->kind) {
    case XK_INT:
        return to->kind == XK_INT || to->kind == XK_DEC || to->kind == XK_DOUBLE;
    case XK_DEC:
        return (to->kind == XK_DEC && to->scale >= from->scale) || to->kind == XK_DOUBLE;
    case XK_DOUBLE:
        return to->kind == XK_DOUBLE && !to->is_float32;
    case XK_DATE:
        return to->kind == XK_TIMESTAMP;
    case XK_TIMESTAMP:
        return to->kind == XK_TIMESTAMP || to->kind == XK_DATE;
    case XK_STRING:
        return to->kind == XK_BINARY;
    default:
        return false;
    }
}

static r_val analyze(r_ctx *ctx, x_node *node);

/* Which of <, =, > can hold between a value of a and a value of b. */
static void order_possibilities(const r_val *a, const r_val *b, const x_type *type, bool *lt,
                                bool *eq, bool *gt) {
    *lt = *eq = *gt = true;
    if (!a->has_range || !b->has_range)
        return;
    int c1 = x_scalar_cmp(&a->lo, &b->hi, type); /* a.lo vs b.hi */
    int c2 = x_scalar_cmp(&a->hi, &b->lo, type); /* a.hi vs b.lo */
    *lt = c1 < 0;
    *gt = c2 > 0;
    bool overlap = c1 <= 0 && c2 >= 0;
    if (c1 == 0 && b->hi_exclusive)
        overlap = false;
    if (c2 == 0 && a->hi_exclusive)
        overlap = false;
    *eq = overlap;
    /* Both exact and equal: never < or >. */
    if (!a->hi_exclusive && !b->hi_exclusive && x_scalar_cmp(&a->lo, &a->hi, type) == 0 &&
        x_scalar_cmp(&b->lo, &b->hi, type) == 0 && c1 == 0) {
        *lt = *gt = false;
    }
}

static r_val truth(bool t, bool f, bool n) {
    r_val v;
    memset(&v, 0, sizeof v);
    v.may_true = t;
    v.may_false = f;
    v.may_null = n;
    v.may_value = t || f;
    return v;
}

static r_val compare(x_op op, const r_val *a, const r_val *b, const x_type *type) {
    bool both = a->may_value && b->may_value;
    bool any_null = a->may_null || b->may_null;
    if (op == XN_DISTINCT || op == XN_NOT_DISTINCT) {
        bool lt, eq, gt;
        order_possibilities(a, b, type, &lt, &eq, &gt);
        bool same = (both && eq) || (a->may_null && b->may_null);
        bool differ =
            (both && (lt || gt)) || (a->may_null && b->may_value) || (a->may_value && b->may_null);
        return op == XN_NOT_DISTINCT ? truth(same, differ, false) : truth(differ, same, false);
    }
    if (!both)
        return truth(false, false, any_null);
    bool lt, eq, gt;
    order_possibilities(a, b, type, &lt, &eq, &gt);
    switch (op) {
    case XN_EQ:
        return truth(eq, lt || gt, any_null);
    case XN_NE:
        return truth(lt || gt, eq, any_null);
    case XN_LT:
        return truth(lt, eq || gt, any_null);
    case XN_LE:
        return truth(lt || eq, gt, any_null);
    case XN_GT:
        return truth(gt, lt || eq, any_null);
    case XN_GE:
        return truth(gt || eq, lt, any_null);
    default:
        return anything();
    }
}

static r_val and3(const r_val *a, const r_val *b) {
    return truth(a->may_true && b->may_true, a->may_false || b->may_false,
                 (a->may_null && (b->may_true || b->may_null)) ||
                     (b->may_null && (a->may_true || a->may_null)));
}

static r_val or3(const r_val *a, const r_val *b) {
    return truth(a->may_true || b->may_true, a->may_false && b->may_false,
                 (a->may_null && (b->may_false || b->may_null)) ||
                     (b->may_null && (a->may_false || a->may_null)));
}

static r_val not3(const r_val *a) {
    return truth(a->may_false, a->may_true, a->may_null);
}

/* Evaluates a subtree whose columns are all exact on the one-row batch. */
static bool eval_exact(r_ctx *ctx, x_node *node, r_val *out) {
    x_ctx ec = {.batch = &ctx->batch,
                .base = 0,
                .len = 1,
                .heap = ctx->heap,
                .text = x_expr_text(ctx->expr)};
    ff_error err;
    x_vec v;
    if (x_eval(&ec, node, NULL, 1, &v, &err) != FF_OK)
        return false;
    x_scalar s;
    memset(&s, 0, sizeof s);
    s.is_null = v.nulls && v.nulls[0];
    if (!s.is_null) {
        switch (node->type.kind) {
        case XK_BOOL:
            s.v.b = ((const uint8_t *)v.data)[0];
            break;
        case XK_DOUBLE:
            s.v.d = ((const double *)v.data)[0];
            break;
        case XK_DEC:
            memcpy(&s.v.dec, v.data, 16);
            break;
        case XK_STRING:
        case XK_BINARY:
            s.v.s = ((const x_str *)v.data)[0];
            break;
        default:
            s.v.i = ((const int64_t *)v.data)[0];
            break;
        }
    }
    *out = from_scalar(&s, node->type.kind);
    return true;
}

static r_val analyze(r_ctx *ctx, x_node *node) {
    if (node->op == XN_CONST)
        return from_scalar(&node->value, node->type.kind);
    bool any_column = false;
    if (all_exact(ctx, node, &any_column) && any_column) {
        r_val v;
        if (eval_exact(ctx, node, &v))
            return v;
        return anything();
    }
    switch ((x_op)node->op) {
    case XN_COLUMN: {
        r_scratch scratch;
        memset(&scratch, 0, sizeof scratch);
        r_val v = analyze_column(ctx, node, &scratch);
        /* Strings loaded from the facts point into the scratch vectors; copy them to the
         * heap, which lives until the analysis ends. */
        if (v.has_range && (node->type.kind == XK_STRING || node->type.kind == XK_BINARY)) {
            ff_error err;
            for (int side = 0; side < 2; side++) {
                x_str *s = side ? &v.hi.v.s : &v.lo.v.s;
                if (s->len == 0)
                    continue;
                uint8_t *copy = x_heap_alloc(ctx->heap, (size_t)s->len, &err);
                if (!copy) {
                    v.has_range = false;
                    break;
                }
                memcpy(copy, s->ptr, (size_t)s->len);
                s->ptr = copy;
            }
        }
        ff_vector_free(&scratch.lo_vec);
        ff_vector_free(&scratch.hi_vec);
        return v;
    }
    case XN_CAST: {
        r_val a = analyze(ctx, node->args[0]);
        r_val v = a;
        if (node->type.kind == XK_BOOL) {
            r_val u = anything();
            u.may_null = a.may_null;
            u.may_true = u.may_false = u.may_value = a.may_value;
            return u;
        }
        if (!a.has_range || !cast_is_monotonic(&node->args[0]->type, &node->type)) {
            v.has_range = false;
            v.hi_exclusive = false;
            return v;
        }
        ff_error err;
        x_scalar lo, hi;
        if (x_cast_scalar(&a.lo, &node->args[0]->type, &node->type, ctx->heap, &lo, node->pos,
                          &err) != FF_OK ||
            x_cast_scalar(&a.hi, &node->args[0]->type, &node->type, ctx->heap, &hi, node->pos,
                          &err) != FF_OK) {
            v.has_range = false;
            v.hi_exclusive = false;
            return v;
        }
        v.lo = lo;
        v.hi = hi;
        /* An exclusive bound stays a valid (inclusive) bound after a monotonic map. */
        v.hi_exclusive = false;
        return v;
    }
    case XN_NOT: {
        r_val a = analyze(ctx, node->args[0]);
        return not3(&a);
    }
    case XN_AND:
    case XN_OR: {
        r_val a = analyze(ctx, node->args[0]);
        r_val b = analyze(ctx, node->args[1]);
        return node->op == XN_AND ? and3(&a, &b) : or3(&a, &b);
    }
    case XN_EQ:
    case XN_NE:
    case XN_LT:
    case XN_LE:
    case XN_GT:
    case XN_GE:
    case XN_DISTINCT:
    case XN_NOT_DISTINCT: {
        r_val a = analyze(ctx, node->args[0]);
        r_val b = analyze(ctx, node->args[1]);
        return compare((x_op)node->op, &a, &b, &node->args[0]->type);
    }
    case XN_IS_NULL: {
        r_val a = analyze(ctx, node->args[0]);
        return node->is_negated ? truth(a.may_value, a.may_null, false)
                                : truth(a.may_null, a.may_value, false);
    }
    case XN_IN: {
        r_val x = analyze(ctx, node->args[0]);
        r_val acc = truth(false, true, false);
        for (int32_t k = 1; k < node->num_args; k++) {
            r_val item = analyze(ctx, node->args[k]);
            r_val eq = compare(XN_EQ, &x, &item, &node->args[0]->type);
            acc = or3(&acc, &eq);
        }
        return node->is_negated ? not3(&acc) : acc;
    }
    case XN_BETWEEN: {
        r_val x = analyze(ctx, node->args[0]);
        r_val lo = analyze(ctx, node->args[1]);
        r_val hi = analyze(ctx, node->args[2]);
        r_val ge = compare(XN_GE, &x, &lo, &node->args[0]->type);
        r_val le = compare(XN_LE, &x, &hi, &node->args[0]->type);
        r_val both = and3(&ge, &le);
        return node->is_negated ? not3(&both) : both;
    }
    case XN_LIKE:
        if (node->like_shape == XL_PREFIX || node->like_shape == XL_EXACT) {
            /* x LIKE 'abc%' implies 'abc' <= x < successor('abc'). */
            r_val x = analyze(ctx, node->args[0]);
            if (!x.may_value)
                return truth(false, false, x.may_null);
            r_val range = x;
            range.has_range = true;
            range.hi_exclusive = true;
            range.lo.is_null = false;
            range.lo.v.s = node->like_needle;
            range.hi = range.lo;
            if (!prefix_successor(&range.hi.v.s, ctx->heap))
                return anything();
            bool lt, eq, gt;
            order_possibilities(&x, &range, &node->args[0]->type, &lt, &eq, &gt);
            r_val v = truth(eq, true, x.may_null);
            return node->is_negated ? not3(&v) : v;
        }
        return anything();
    default:
        break;
    }
    r_val v = anything();
    v.may_true = v.may_false = node->type.kind == XK_BOOL;
    return v;
}

void ff_column_facts_init(ff_column_facts *facts) {
    memset(facts, 0, sizeof *facts);
    facts->null_count = -1;
    facts->nan_count = -1;
}

const char *ff_expr_truth_name(ff_expr_truth truth) {
    switch (truth) {
    case FF_EXPR_ALWAYS_FALSE:
        return "ALWAYS_FALSE";
    case FF_EXPR_ALWAYS_TRUE:
        return "ALWAYS_TRUE";
    default:
        return "MAYBE";
    }
}

ff_expr_truth ff_expr_analyze(ff_expr *expr, const ff_column_facts *facts, int64_t num_rows) {
    if (num_rows == 0)
        return FF_EXPR_ALWAYS_FALSE;
    x_node *root = x_expr_root(expr);
    if (root->type.kind != XK_BOOL)
        return FF_EXPR_MAYBE;
    r_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.expr = expr;
    ctx.facts = facts;
    ctx.num_rows = num_rows;
    ctx.heap = x_expr_heap(expr);
    ctx.field_types = x_expr_field_types(expr, &ctx.num_fields);
    x_heap_reset(ctx.heap);
    ff_expr_truth result = FF_EXPR_MAYBE;
    ff_error err;
    if (ctx.num_fields > 0) {
        ctx.is_exact = calloc((size_t)ctx.num_fields, sizeof(bool));
        if (!ctx.is_exact || ff_batch_init(&ctx.batch, ctx.num_fields, &err) != FF_OK)
            goto cleanup;
        ctx.batch.num_rows = 1;
        for (int32_t k = 0; facts && k < ctx.num_fields; k++) {
            if (!facts[k].is_exact)
                continue;
            if (scalar_to_vector(&facts[k].value, &ctx.field_types[k], &ctx.batch.columns[k], &err))
                ctx.is_exact[k] = true;
        }
    }
    r_val v = analyze(&ctx, root);
    if (!v.may_true)
        result = FF_EXPR_ALWAYS_FALSE;
    else if (!v.may_false && !v.may_null)
        result = FF_EXPR_ALWAYS_TRUE;
cleanup:
    ff_batch_free(&ctx.batch);
    free(ctx.is_exact);
    x_heap_reset(ctx.heap);
    return result;
}
