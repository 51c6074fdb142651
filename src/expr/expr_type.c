/* Name resolution and type checking (DESIGN.md §6): turns the parser's untyped tree into a
 * typed one in which every operator sees operands of one internal type, by inserting
 * implicit casts and folding constants.
 *
 * Rules, after DuckDB:
 *   - numbers promote INT -> DECIMAL -> DOUBLE; integer arithmetic is BIGINT; `/` is DOUBLE;
 *   - a string literal that meets another type is read as that type at compile time (so
 *     date = '2025-11-26' compares DATEs, and a bad literal is an error pointing at it);
 *   - DATE meets TIMESTAMP as TIMESTAMP; timestamps of different units meet at the finer;
 *   - a string column that meets a DATE/TIMESTAMP/number is cast per value at run time.
 * Simple CASE (CASE x WHEN v ...) and NULLIF are rewritten into searched CASE here, so the
 * evaluator has fewer shapes to know. */
#include "expr/expr_internal.h"
#include "util/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct typer {
    const ff_table_schema *schema;
    ff_arena *arena;
    const char *text;
    ff_error *err;
    x_heap heap; /* for constant folding */
} typer;

static x_type tk(x_kind kind) {
    x_type t;
    memset(&t, 0, sizeof t);
    t.kind = (uint8_t)kind;
    if (kind == XK_INT)
        t.int_bits = 64;
    if (kind == XK_TIMESTAMP || kind == XK_TIME)
        t.unit = FF_TIME_MICROS;
    return t;
}

static const char *tname(const x_type *t, char *buf) {
    x_type_name(t, buf, 48);
    return buf;
}

static bool is_numeric(uint8_t kind) {
    return kind == XK_INT || kind == XK_DEC || kind == XK_DOUBLE;
}

/* Digits an integer type needs as a DECIMAL. */
static int int_digits(const x_type *t) {
    return t->int_bits == 8    ? 3
           : t->int_bits == 16 ? 5
           : t->int_bits == 32 ? 10
           : t->is_unsigned    ? 20
                               : 19;
}

static x_type as_decimal(const x_type *t) {
    if (t->kind == XK_DEC)
        return *t;
    x_type d = tk(XK_DEC);
    d.precision = (uint8_t)int_digits(t);
    if (d.precision > 38)
        d.precision = 38;
    return d;
}

static x_type dec_type(int precision, int scale) {
    x_type d = tk(XK_DEC);
    if (scale > 38)
        scale = 38;
    if (precision > 38)
        precision = 38;
    if (precision < scale)
        precision = scale;
    if (precision < 1)
        precision = 1;
    d.precision = (uint8_t)precision;
    d.scale = (uint8_t)scale;
    return d;
}

static int dec_int_part(const x_type *d) {
    return d->precision - d->scale;
}

/* The common type of two operands for comparisons, IN, CASE, COALESCE; false if none. */
static bool common_type(const x_type *a, const x_type *b, x_type *out) {
    if (a->kind == XK_NULL) {
        *out = *b;
        return true;
    }
    if (b->kind == XK_NULL) {
        *out = *a;
        return true;
    }
    if (a->kind == b->kind) {
        *out = *a;
        switch ((x_kind)a->kind) {
        case XK_INT:
            if (!x_type_equal(a, b))
                *out = tk(XK_INT);
            break;
        case XK_DEC: {
            int scale = a->scale > b->scale ? a->scale : b->scale;
            int ip = dec_int_part(a) > dec_int_part(b) ? dec_int_part(a) : dec_int_part(b);
            *out = dec_type(ip + scale, scale);
            break;
        }
        case XK_DOUBLE:
            out->is_float32 = a->is_float32 && b->is_float32;
            break;
        case XK_TIMESTAMP:
        case XK_TIME:
            out->unit = a->unit > b->unit ? a->unit : b->unit;
            out->is_utc = a->is_utc || b->is_utc;
            break;
        default:
            break;
        }
        return true;
    }
    if (is_numeric(a->kind) && is_numeric(b->kind)) {
        if (a->kind == XK_DOUBLE || b->kind == XK_DOUBLE) {
            *out = tk(XK_DOUBLE);
            return true;
        }
        x_type da = as_decimal(a), db = as_decimal(b);
        return common_type(&da, &db, out);
    }
    if ((a->kind == XK_DATE && b->kind == XK_TIMESTAMP) ||
        (a->kind == XK_TIMESTAMP && b->kind == XK_DATE)) {
        *out = a->kind == XK_TIMESTAMP ? *a : *b;
        return true;
    }
    if ((a->kind == XK_STRING && b->kind == XK_BINARY) ||
        (a->kind == XK_BINARY && b->kind == XK_STRING)) {
        *out = tk(XK_BINARY);
        return true;
    }
    /* A string column meeting a number or a date is refused rather than cast per row:
     * the comparison would fail on the first value that does not parse. String literals
     * never get here; they adapt to the other side before. */
    return false;
}

bool x_cast_supported(const x_type *from, const x_type *to) {
    if (from->kind == XK_NULL || x_type_equal(from, to))
        return true;
    if (to->kind == XK_STRING)
        return from->kind != XK_BINARY || true;
    if (from->kind == XK_STRING)
        return to->kind != XK_NULL;
    switch ((x_kind)to->kind) {
    case XK_BOOL:
    case XK_INT:
    case XK_DEC:
    case XK_DOUBLE:
        return is_numeric(from->kind) || from->kind == XK_BOOL;
    case XK_BINARY:
        return from->kind == XK_BINARY;
    case XK_DATE:
    case XK_TIMESTAMP:
        return from->kind == XK_DATE || from->kind == XK_TIMESTAMP;
    case XK_TIME:
        return from->kind == XK_TIME || from->kind == XK_TIMESTAMP;
    case XK_INTERVAL:
        return from->kind == XK_INTERVAL;
    default:
        return false;
    }
}

static x_node *alloc_node(typer *t, x_op op, int32_t pos, int32_t num_args) {
    x_node *node = ff_arena_alloc(t->arena, sizeof *node, t->err);
    if (!node)
        return NULL;
    node->op = (uint8_t)op;
    node->pos = pos;
    node->num_args = num_args;
    if (num_args) {
        node->args = ff_arena_array(t->arena, (size_t)num_args, sizeof(x_node *), t->err);
        if (!node->args)
            return NULL;
    }
    return node;
}

ff_status x_make_cast(x_node **node, const x_type *to, ff_arena *arena, ff_error *err) {
    if (x_type_equal(&(*node)->type, to))
        return FF_OK;
    x_node *cast = ff_arena_alloc(arena, sizeof *cast, err);
    if (!cast)
        return FF_ERR_NO_MEMORY;
    cast->args = ff_arena_array(arena, 1, sizeof(x_node *), err);
    if (!cast->args)
        return FF_ERR_NO_MEMORY;
    cast->op = XN_CAST;
    cast->pos = (*node)->pos;
    cast->num_args = 1;
    cast->args[0] = *node;
    cast->type = *to;
    *node = cast;
    return FF_OK;
}

/* Deep copy of an untyped subtree, for the rewrites that use an operand twice. */
static x_node *clone_tree(typer *t, const x_node *src) {
    x_node *node = ff_arena_alloc(t->arena, sizeof *node, t->err);
    if (!node)
        return NULL;
    *node = *src;
    if (src->num_args) {
        node->args = ff_arena_array(t->arena, (size_t)src->num_args, sizeof(x_node *), t->err);
        if (!node->args)
            return NULL;
        for (int32_t k = 0; k < src->num_args; k++) {
            node->args[k] = clone_tree(t, src->args[k]);
            if (!node->args[k])
                return NULL;
        }
    }
    return node;
}

/* Folds a node whose operands are all constants into a constant. A failure leaves the node
 * as it is (the error then happens, with its position, if a row ever evaluates it), except
 * for casts of string literals, which are reported now: that literal is a typo. */
static ff_status fold(typer *t, x_node **slot) {
    x_node *node = *slot;
    if (node->op == XN_CONST || node->op == XN_COLUMN)
        return FF_OK;
    for (int32_t k = 0; k < node->num_args; k++)
        if (node->args[k]->op != XN_CONST)
            return FF_OK;
    x_scalar value;
    ff_error fold_err;
    ff_error_clear(&fold_err);
    x_heap_reset(&t->heap);
    ff_status status = x_eval_scalar(node, &t->heap, t->text, &value, &fold_err);
    if (status == FF_ERR_NO_MEMORY)
        return ff_error_set(t->err, status, "%s", fold_err.message);
    if (status != FF_OK) {
        if (node->op == XN_CAST && node->args[0]->is_string_literal) {
            char tb[48];
            const x_str *s = &node->args[0]->value.v.s;
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->args[0]->pos,
                              "cannot read '%.*s' as %s", (int)(s->len > 60 ? 60 : s->len),
                              (const char *)s->ptr, tname(&node->type, tb));
        }
        return FF_OK;
    }
    x_node *c = alloc_node(t, XN_CONST, node->pos, 0);
    if (!c)
        return FF_ERR_NO_MEMORY;
    c->type = node->type;
    c->value = value;
    c->is_parenthesized = node->is_parenthesized;
    if (!value.is_null && (node->type.kind == XK_STRING || node->type.kind == XK_BINARY)) {
        uint8_t *copy = ff_arena_alloc(t->arena, (size_t)value.v.s.len + 1, t->err);
        if (!copy)
            return FF_ERR_NO_MEMORY;
        if (value.v.s.len)
            memcpy(copy, value.v.s.ptr, (size_t)value.v.s.len);
        c->value.v.s.ptr = copy;
    }
    *slot = c;
    return FF_OK;
}

/* Casts operand `slot` to `to`, folding when it is a constant. */
static ff_status coerce(typer *t, x_node **slot, const x_type *to) {
    if (x_type_equal(&(*slot)->type, to))
        return FF_OK;
    if ((*slot)->type.kind == XK_NULL && (*slot)->op == XN_CONST) {
        (*slot)->type = *to;
        return FF_OK;
    }
    FF_FORWARD_IF_ERROR(x_make_cast(slot, to, t->arena, t->err));
    return fold(t, slot);
}

static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            char ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca = (char)(ca + 32);
            if (cb >= 'A' && cb <= 'Z')
                cb = (char)(cb + 32);
            size_t best = prev + (ca != cb);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

static ff_status resolve_column(typer *t, x_node *node) {
    const ff_table_schema *schema = t->schema;
    int32_t found = -1, matches = 0;
    for (int32_t k = 0; k < schema->num_fields; k++)
        if (schema->fields[k].name && strcmp(schema->fields[k].name, node->name) == 0)
            found = k;
    if (found < 0 && !node->fn_param) {
        for (int32_t k = 0; k < schema->num_fields; k++)
            if (schema->fields[k].name && strcasecmp(schema->fields[k].name, node->name) == 0) {
                found = k;
                matches++;
            }
        if (matches > 1)
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                              "column name '%s' is ambiguous; quote it (\"...\") to pick one",
                              node->name);
    }
    if (found < 0) {
        int32_t best = -1;
        size_t best_dist = 0;
        for (int32_t k = 0; k < schema->num_fields; k++) {
            if (!schema->fields[k].name)
                continue;
            size_t d = edit_distance(node->name, schema->fields[k].name);
            if (best < 0 || d < best_dist) {
                best = k;
                best_dist = d;
            }
        }
        size_t name_len = strlen(node->name);
        if (best >= 0 && best_dist <= (name_len < 4 ? 1 : name_len / 2 + 1))
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                              "unknown column '%s', did you mean '%s'?", node->name,
                              schema->fields[best].name);
        return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos, "unknown column '%s'", node->name);
    }
    const char *why = NULL;
    if (!x_type_from_ff(&schema->fields[found].type, &node->type, &why))
        return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos, "column '%s' is %s",
                          schema->fields[found].name, why);
    node->column_idx = found;
    return FF_OK;
}

typedef struct fn_entry {
    const char *name;
    uint8_t fn;
    int8_t min_args, max_args; /* max -1: any */
} fn_entry;

static const fn_entry fn_table[] = {
    {"coalesce", XF_COALESCE, 1, -1},
    {"nullif", XF_NULLIF, 2, 2},
    {"abs", XF_ABS, 1, 1},
    {"round", XF_ROUND, 1, 2},
    {"floor", XF_FLOOR, 1, 1},
    {"ceil", XF_CEIL, 1, 1},
    {"ceiling", XF_CEIL, 1, 1},
    {"sqrt", XF_SQRT, 1, 1},
    {"ln", XF_LN, 1, 1},
    {"exp", XF_EXP, 1, 1},
    {"power", XF_POWER, 2, 2},
    {"pow", XF_POWER, 2, 2},
    {"least", XF_LEAST, 1, -1},
    {"greatest", XF_GREATEST, 1, -1},
    {"lower", XF_LOWER, 1, 1},
    {"lcase", XF_LOWER, 1, 1},
    {"upper", XF_UPPER, 1, 1},
    {"ucase", XF_UPPER, 1, 1},
    {"length", XF_LENGTH, 1, 1},
    {"char_length", XF_LENGTH, 1, 1},
    {"trim", XF_TRIM, 1, 2},
    {"ltrim", XF_LTRIM, 1, 2},
    {"rtrim", XF_RTRIM, 1, 2},
    {"substr", XF_SUBSTR, 2, 3},
    {"substring", XF_SUBSTR, 2, 3},
    {"replace", XF_REPLACE, 3, 3},
    {"starts_with", XF_STARTS_WITH, 2, 2},
    {"ends_with", XF_ENDS_WITH, 2, 2},
    {"suffix", XF_ENDS_WITH, 2, 2},
    {"prefix", XF_STARTS_WITH, 2, 2},
    {"contains", XF_CONTAINS, 2, 2},
    {"concat", XF_CONCAT, 1, -1},
    {"year", XF_YEAR, 1, 1},
    {"quarter", XF_QUARTER, 1, 1},
    {"month", XF_MONTH, 1, 1},
    {"day", XF_DAY, 1, 1},
    {"dayofmonth", XF_DAY, 1, 1},
    {"hour", XF_HOUR, 1, 1},
    {"minute", XF_MINUTE, 1, 1},
    {"second", XF_SECOND, 1, 1},
    {"dayofweek", XF_DAYOFWEEK, 1, 1},
    {"date", XF_DATE, 1, 1},
    {"date_trunc", XF_DATE_TRUNC, 2, 2},
    {"datetrunc", XF_DATE_TRUNC, 2, 2},
    {"strftime", XF_STRFTIME, 2, 2},
    {"epoch_ms", XF_EPOCH_MS, 1, 1},
    {NULL, 0, 0, 0},
};

/* date_trunc parts; fn_param holds the index. */
static const char *const trunc_parts[] = {"microsecond", "millisecond", "second", "minute",
                                          "hour",        "day",         "week",   "month",
                                          "quarter",     "year",        NULL};

static ff_status type_node(typer *t, x_node **slot, int depth);

static ff_status require_bool(typer *t, x_node **slot, const char *what) {
    x_node *node = *slot;
    if (node->type.kind == XK_BOOL)
        return FF_OK;
    if (node->type.kind == XK_NULL) {
        x_type b = tk(XK_BOOL);
        return coerce(t, slot, &b);
    }
    if (node->is_string_literal) {
        x_type b = tk(XK_BOOL);
        return coerce(t, slot, &b);
    }
    char tb[48];
    return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos, "%s must be BOOLEAN, found %s", what,
                      tname(&node->type, tb));
}

/* Unifies args[from..to) to one common type; `what` names the construct for messages. */
static ff_status unify_args(typer *t, x_node *node, int32_t from, int32_t to, int32_t step,
                            x_type *out, const char *what) {
    x_type common = tk(XK_NULL);
    bool have = false;
    /* Non-literal operands decide the type; string literals then adapt to it. */
    for (int pass = 0; pass < 2; pass++) {
        for (int32_t k = from; k < to; k += step) {
            x_node *arg = node->args[k];
            if ((pass == 0) == arg->is_string_literal)
                continue;
            if (!have) {
                common = arg->type;
                have = true;
                continue;
            }
            x_type next;
            if (pass == 1 && common.kind != XK_NULL)
                continue;
            if (!common_type(&common, &arg->type, &next)) {
                char ta[48], tb[48];
                return x_error_at(t->err, FF_ERR_EXPR_TYPE, arg->pos,
                                  "%s: cannot combine %s with %s", what, tname(&common, ta),
                                  tname(&arg->type, tb));
            }
            common = next;
        }
    }
    for (int32_t k = from; k < to; k += step)
        FF_FORWARD_IF_ERROR(coerce(t, &node->args[k], &common));
    *out = common;
    return FF_OK;
}

static ff_status arith_type(typer *t, x_node *node) {
    x_node **a = &node->args[0], **b = &node->args[1];
    x_type ta = (*a)->type, tb = (*b)->type;
    char na[48], nb[48];
    x_op op = (x_op)node->op;
    /* String literals in arithmetic read as the other operand's type. */
    if ((*a)->is_string_literal && !(*b)->is_string_literal && tb.kind != XK_STRING &&
        tb.kind != XK_NULL) {
        FF_FORWARD_IF_ERROR(coerce(t, a, &tb));
        ta = tb;
    } else if ((*b)->is_string_literal && !(*a)->is_string_literal && ta.kind != XK_STRING &&
               ta.kind != XK_NULL) {
        x_type want = tb;
        want = ta.kind == XK_DATE || ta.kind == XK_TIMESTAMP ? tk(XK_INTERVAL) : ta;
        if (ta.kind == XK_DATE && (op == XN_SUB))
            want = ta;
        if (want.kind == XK_INTERVAL) {
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, (*b)->pos,
                              "write INTERVAL '...' HOUR (or DAY, MINUTE, SECOND) to add time");
        }
        FF_FORWARD_IF_ERROR(coerce(t, b, &want));
        tb = want;
    }
    if (ta.kind == XK_NULL && tb.kind == XK_NULL) {
        node->type = tk(XK_INT);
        FF_FORWARD_IF_ERROR(coerce(t, a, &node->type));
        return coerce(t, b, &node->type);
    }
    if (ta.kind == XK_NULL) {
        FF_FORWARD_IF_ERROR(coerce(t, a, &tb));
        ta = tb;
    }
    if (tb.kind == XK_NULL) {
        FF_FORWARD_IF_ERROR(coerce(t, b, &ta));
        tb = ta;
    }
    /* Date and time arithmetic. */
    if (op == XN_ADD || op == XN_SUB) {
        if ((ta.kind == XK_TIMESTAMP || ta.kind == XK_DATE) && tb.kind == XK_INTERVAL) {
            x_type ts = ta.kind == XK_TIMESTAMP ? ta : tk(XK_TIMESTAMP);
            if (ts.unit == FF_TIME_MILLIS)
                ts.unit = FF_TIME_MICROS; /* intervals carry microseconds */
            FF_FORWARD_IF_ERROR(coerce(t, a, &ts));
            node->type = ts;
            return FF_OK;
        }
        if (op == XN_ADD && ta.kind == XK_INTERVAL &&
            (tb.kind == XK_TIMESTAMP || tb.kind == XK_DATE)) {
            x_type ts = tb.kind == XK_TIMESTAMP ? tb : tk(XK_TIMESTAMP);
            if (ts.unit == FF_TIME_MILLIS)
                ts.unit = FF_TIME_MICROS;
            FF_FORWARD_IF_ERROR(coerce(t, b, &ts));
            node->type = ts;
            return FF_OK;
        }
        if (ta.kind == XK_INTERVAL && tb.kind == XK_INTERVAL) {
            node->type = ta;
            return FF_OK;
        }
        if (ta.kind == XK_DATE && tb.kind == XK_INT) {
            x_type i = tk(XK_INT);
            FF_FORWARD_IF_ERROR(coerce(t, b, &i));
            node->type = ta;
            return FF_OK;
        }
        if (op == XN_ADD && ta.kind == XK_INT && tb.kind == XK_DATE) {
            x_type i = tk(XK_INT);
            FF_FORWARD_IF_ERROR(coerce(t, a, &i));
            node->type = tb;
            return FF_OK;
        }
        if (op == XN_SUB && ta.kind == XK_DATE && tb.kind == XK_DATE) {
            node->type = tk(XK_INT);
            node->fn_param = 1; /* date difference in days */
            return FF_OK;
        }
        if (op == XN_SUB && (ta.kind == XK_TIMESTAMP || ta.kind == XK_DATE) &&
            (tb.kind == XK_TIMESTAMP || tb.kind == XK_DATE)) {
            x_type common;
            common_type(&ta, &tb, &common);
            FF_FORWARD_IF_ERROR(coerce(t, a, &common));
            FF_FORWARD_IF_ERROR(coerce(t, b, &common));
            node->type = tk(XK_INTERVAL);
            return FF_OK;
        }
    }
    if (!is_numeric(ta.kind) || !is_numeric(tb.kind)) {
        static const char *const names[] = {
            [XN_ADD] = "+", [XN_SUB] = "-", [XN_MUL] = "*", [XN_DIV] = "/", [XN_MOD] = "%"};
        return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                          "operator %s cannot be applied to %s and %s (expected numbers)",
                          names[op], tname(&ta, na), tname(&tb, nb));
    }
    x_type result;
    if (op == XN_DIV || ta.kind == XK_DOUBLE || tb.kind == XK_DOUBLE) {
        result = tk(XK_DOUBLE);
    } else if (ta.kind == XK_INT && tb.kind == XK_INT) {
        result = tk(XK_INT);
    } else {
        x_type da = as_decimal(&ta), db = as_decimal(&tb);
        int scale, precision;
        if (op == XN_MUL) {
            scale = da.scale + db.scale;
            precision = da.precision + db.precision;
            if (scale > 38)
                return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                                  "DECIMAL product would need scale %d (at most 38); CAST an "
                                  "operand to DOUBLE",
                                  scale);
        } else {
            scale = da.scale > db.scale ? da.scale : db.scale;
            int ip = dec_int_part(&da) > dec_int_part(&db) ? dec_int_part(&da) : dec_int_part(&db);
            precision = ip + scale + (op == XN_MOD ? 0 : 1);
        }
        result = dec_type(precision, scale);
        /* Operands are rescaled to the result scale for + - %, kept for *. */
        if (op != XN_MUL) {
            x_type oa = dec_type(38, scale);
            oa.precision = 38;
            FF_FORWARD_IF_ERROR(coerce(t, a, &oa));
            FF_FORWARD_IF_ERROR(coerce(t, b, &oa));
        } else {
            FF_FORWARD_IF_ERROR(coerce(t, a, &da));
            FF_FORWARD_IF_ERROR(coerce(t, b, &db));
        }
        node->type = result;
        return FF_OK;
    }
    FF_FORWARD_IF_ERROR(coerce(t, a, &result));
    FF_FORWARD_IF_ERROR(coerce(t, b, &result));
    node->type = result;
    return FF_OK;
}

static ff_status const_string_arg(typer *t, x_node *arg, const char *what, x_str *out) {
    if (arg->op != XN_CONST || arg->type.kind != XK_STRING || arg->value.is_null)
        return x_error_at(t->err, FF_ERR_EXPR_TYPE, arg->pos, "%s must be a constant string", what);
    *out = arg->value.v.s;
    return FF_OK;
}

static ff_status const_int_arg(typer *t, x_node *arg, const char *what, int64_t *out) {
    if (arg->op != XN_CONST || arg->type.kind != XK_INT || arg->value.is_null)
        return x_error_at(t->err, FF_ERR_EXPR_TYPE, arg->pos, "%s must be a constant integer",
                          what);
    *out = arg->value.v.i;
    return FF_OK;
}

static ff_status expect_kind(typer *t, x_node **slot, x_kind kind, const char *what) {
    x_type want = tk(kind);
    x_node *arg = *slot;
    if (arg->type.kind == kind)
        return FF_OK;
    if (arg->type.kind == XK_NULL || arg->is_string_literal ||
        (kind == XK_DOUBLE && is_numeric(arg->type.kind)) ||
        (kind == XK_INT && arg->type.kind == XK_INT) ||
        (kind == XK_STRING && arg->type.kind == XK_BINARY && false))
        return coerce(t, slot, &want);
    char tb[48];
    return x_error_at(t->err, FF_ERR_EXPR_TYPE, arg->pos, "%s expects %s, found %s", what,
                      kind == XK_STRING   ? "VARCHAR"
                      : kind == XK_INT    ? "an integer"
                      : kind == XK_DOUBLE ? "a number"
                                          : "a value of another type",
                      tname(&arg->type, tb));
}

/* date/time functions take DATE or TIMESTAMP (TIME for hour/minute/second). */
static ff_status expect_temporal(typer *t, x_node **slot, const char *what, bool allow_time) {
    x_node *arg = *slot;
    if (arg->type.kind == XK_DATE || arg->type.kind == XK_TIMESTAMP ||
        (allow_time && arg->type.kind == XK_TIME))
        return FF_OK;
    if (arg->is_string_literal || arg->type.kind == XK_NULL) {
        x_type ts = tk(XK_TIMESTAMP);
        return coerce(t, slot, &ts);
    }
    char tb[48];
    return x_error_at(t->err, FF_ERR_EXPR_TYPE, arg->pos,
                      "%s expects a DATE or TIMESTAMP, found %s", what, tname(&arg->type, tb));
}

static ff_status type_func(typer *t, x_node **slot, int depth) {
    x_node *node = *slot;
    const fn_entry *entry = NULL;
    for (int k = 0; fn_table[k].name; k++)
        if (strcmp(fn_table[k].name, node->name) == 0)
            entry = &fn_table[k];
    if (!entry) {
        const char *best = NULL;
        size_t best_dist = 0;
        for (int k = 0; fn_table[k].name; k++) {
            size_t d = edit_distance(node->name, fn_table[k].name);
            if (!best || d < best_dist) {
                best = fn_table[k].name;
                best_dist = d;
            }
        }
        if (best && best_dist <= 2)
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                              "unknown function '%s', did you mean '%s'?", node->name, best);
        return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos, "unknown function '%s'", node->name);
    }
    if (node->num_args < entry->min_args ||
        (entry->max_args >= 0 && node->num_args > entry->max_args)) {
        if (entry->min_args == entry->max_args)
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                              "%s() takes %d argument%s, found %d", node->name, entry->min_args,
                              entry->min_args == 1 ? "" : "s", node->num_args);
        if (entry->max_args < 0)
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                              "%s() takes at least %d argument%s, found %d", node->name,
                              entry->min_args, entry->min_args == 1 ? "" : "s", node->num_args);
        return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                          "%s() takes %d to %d arguments, found %d", node->name, entry->min_args,
                          entry->max_args, node->num_args);
    }
    node->fn = entry->fn;
    if (entry->fn == XF_NULLIF) {
        /* NULLIF(a, b) = CASE WHEN a = b THEN NULL ELSE a END */
        x_node *c = alloc_node(t, XN_CASE, node->pos, 3);
        x_node *eq = alloc_node(t, XN_EQ, node->pos, 2);
        x_node *null = alloc_node(t, XN_CONST, node->pos, 0);
        if (!c || !eq || !null)
            return FF_ERR_NO_MEMORY;
        eq->args[0] = node->args[0];
        eq->args[1] = node->args[1];
        null->value.is_null = true;
        null->type = tk(XK_NULL);
        c->args[0] = eq;
        c->args[1] = null;
        c->args[2] = clone_tree(t, node->args[0]);
        if (!c->args[2])
            return FF_ERR_NO_MEMORY;
        c->has_else = true;
        *slot = c;
        return type_node(t, slot, depth);
    }
    for (int32_t k = 0; k < node->num_args; k++)
        FF_FORWARD_IF_ERROR(type_node(t, &node->args[k], depth + 1));
    x_node **args = node->args;
    char tb[48];
    switch ((x_fn)entry->fn) {
    case XF_COALESCE:
    case XF_LEAST:
    case XF_GREATEST:
        return unify_args(t, node, 0, node->num_args, 1, &node->type, node->name);
    case XF_ABS:
    case XF_FLOOR:
    case XF_CEIL:
    case XF_ROUND: {
        if (args[0]->is_string_literal || args[0]->type.kind == XK_NULL) {
            x_type d = tk(XK_DOUBLE);
            FF_FORWARD_IF_ERROR(coerce(t, &args[0], &d));
        }
        if (!is_numeric(args[0]->type.kind))
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, args[0]->pos,
                              "%s() expects a number, found %s", node->name,
                              tname(&args[0]->type, tb));
        x_type at = args[0]->type;
        if (at.kind == XK_INT) {
            at = tk(XK_INT);
            FF_FORWARD_IF_ERROR(coerce(t, &args[0], &at));
        }
        if (at.kind == XK_DOUBLE && at.is_float32) {
            at = tk(XK_DOUBLE);
            FF_FORWARD_IF_ERROR(coerce(t, &args[0], &at));
        }
        node->type = at;
        if (entry->fn == XF_ROUND) {
            int64_t digits = 0;
            if (node->num_args == 2)
                FF_FORWARD_IF_ERROR(const_int_arg(t, args[1], "round() digits", &digits));
            if (digits < -38 || digits > 38)
                return x_error_at(t->err, FF_ERR_EXPR_TYPE, args[1]->pos,
                                  "round() digits must be between -38 and 38");
            node->fn_param = (int32_t)digits;
            if (at.kind == XK_DEC && digits < at.scale)
                node->type = dec_type(at.precision, digits < 0 ? 0 : (int)digits);
        } else if ((entry->fn == XF_FLOOR || entry->fn == XF_CEIL) && at.kind == XK_DEC) {
            node->type = dec_type(at.precision, 0);
        }
        return FF_OK;
    }
    case XF_SQRT:
    case XF_LN:
    case XF_EXP:
    case XF_POWER:
        for (int32_t k = 0; k < node->num_args; k++)
            FF_FORWARD_IF_ERROR(expect_kind(t, &args[k], XK_DOUBLE, node->name));
        node->type = tk(XK_DOUBLE);
        return FF_OK;
    case XF_LOWER:
    case XF_UPPER:
    case XF_TRIM:
    case XF_LTRIM:
    case XF_RTRIM:
        for (int32_t k = 0; k < node->num_args; k++)
            FF_FORWARD_IF_ERROR(expect_kind(t, &args[k], XK_STRING, node->name));
        node->type = tk(XK_STRING);
        return FF_OK;
    case XF_LENGTH:
        FF_FORWARD_IF_ERROR(expect_kind(t, &args[0], XK_STRING, node->name));
        node->type = tk(XK_INT);
        return FF_OK;
    case XF_SUBSTR:
        FF_FORWARD_IF_ERROR(expect_kind(t, &args[0], XK_STRING, node->name));
        for (int32_t k = 1; k < node->num_args; k++)
            FF_FORWARD_IF_ERROR(expect_kind(t, &args[k], XK_INT, node->name));
        node->type = tk(XK_STRING);
        return FF_OK;
    case XF_REPLACE:
        for (int32_t k = 0; k < 3; k++)
            FF_FORWARD_IF_ERROR(expect_kind(t, &args[k], XK_STRING, node->name));
        node->type = tk(XK_STRING);
        return FF_OK;
    case XF_STARTS_WITH:
    case XF_ENDS_WITH:
    case XF_CONTAINS:
        for (int32_t k = 0; k < 2; k++)
            FF_FORWARD_IF_ERROR(expect_kind(t, &args[k], XK_STRING, node->name));
        node->type = tk(XK_BOOL);
        return FF_OK;
    case XF_CONCAT: {
        x_type s = tk(XK_STRING);
        for (int32_t k = 0; k < node->num_args; k++)
            FF_FORWARD_IF_ERROR(coerce(t, &args[k], &s));
        node->type = s;
        return FF_OK;
    }
    case XF_YEAR:
    case XF_QUARTER:
    case XF_MONTH:
    case XF_DAY:
    case XF_DAYOFWEEK:
        FF_FORWARD_IF_ERROR(expect_temporal(t, &args[0], node->name, false));
        node->type = tk(XK_INT);
        return FF_OK;
    case XF_HOUR:
    case XF_MINUTE:
    case XF_SECOND:
        FF_FORWARD_IF_ERROR(expect_temporal(t, &args[0], node->name, true));
        node->type = tk(XK_INT);
        return FF_OK;
    case XF_DATE: {
        x_type d = tk(XK_DATE);
        if (args[0]->type.kind == XK_STRING || args[0]->type.kind == XK_NULL ||
            args[0]->type.kind == XK_TIMESTAMP || args[0]->type.kind == XK_DATE) {
            FF_FORWARD_IF_ERROR(coerce(t, &args[0], &d));
            node->type = d;
            /* date(x) is the cast itself. */
            *slot = args[0];
            return FF_OK;
        }
        return x_error_at(t->err, FF_ERR_EXPR_TYPE, args[0]->pos,
                          "date() expects a TIMESTAMP, DATE or VARCHAR, found %s",
                          tname(&args[0]->type, tb));
    }
    case XF_DATE_TRUNC: {
        x_str part = {0};
        FF_FORWARD_IF_ERROR(const_string_arg(t, args[0], "date_trunc() part", &part));
        int idx = -1;
        for (int k = 0; trunc_parts[k]; k++)
            if ((size_t)part.len == strlen(trunc_parts[k]) &&
                strncasecmp((const char *)part.ptr, trunc_parts[k], (size_t)part.len) == 0)
                idx = k;
        if (idx < 0)
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, args[0]->pos,
                              "unknown date_trunc() part '%.*s' (expected year, quarter, "
                              "month, week, day, hour, minute, second, millisecond, "
                              "microsecond)",
                              (int)(part.len > 30 ? 30 : part.len), (const char *)part.ptr);
        node->fn_param = idx;
        FF_FORWARD_IF_ERROR(expect_temporal(t, &args[1], node->name, false));
        x_type ts = args[1]->type.kind == XK_TIMESTAMP ? args[1]->type : tk(XK_TIMESTAMP);
        FF_FORWARD_IF_ERROR(coerce(t, &args[1], &ts));
        node->type = ts;
        return FF_OK;
    }
    case XF_STRFTIME: {
        if (args[0]->is_string_literal && !args[1]->is_string_literal) {
            x_node *swap = args[0];
            args[0] = args[1];
            args[1] = swap;
        }
        x_str fmt = {0};
        FF_FORWARD_IF_ERROR(const_string_arg(t, args[1], "strftime() format", &fmt));
        for (int64_t k = 0; k < fmt.len; k++) {
            if (fmt.ptr[k] != '%')
                continue;
            if (k + 1 >= fmt.len || !strchr("YmdHMSfjaAbByIpwu%", fmt.ptr[k + 1]))
                return x_error_at(t->err, FF_ERR_EXPR_TYPE, args[1]->pos,
                                  "strftime() format has an unsupported specifier at byte %lld "
                                  "(supported: %%Y %%m %%d %%H %%M %%S %%f %%j %%a %%A %%b "
                                  "%%B %%y %%p %%I %%w %%u %%%%)",
                                  (long long)k);
            k++;
        }
        FF_FORWARD_IF_ERROR(expect_temporal(t, &args[0], node->name, false));
        node->type = tk(XK_STRING);
        return FF_OK;
    }
    case XF_EPOCH_MS:
        if (args[0]->type.kind == XK_INT) {
            x_type i = tk(XK_INT);
            FF_FORWARD_IF_ERROR(coerce(t, &args[0], &i));
            node->type = tk(XK_TIMESTAMP);
            node->type.unit = FF_TIME_MILLIS;
            node->fn_param = 1; /* integer -> timestamp */
            return FF_OK;
        }
        FF_FORWARD_IF_ERROR(expect_temporal(t, &args[0], node->name, false));
        node->type = tk(XK_INT);
        return FF_OK;
    default:
        break;
    }
    return x_error_at(t->err, FF_ERR_INTERNAL, node->pos, "function '%s' has no typing rule",
                      node->name);
}

static ff_status type_case(typer *t, x_node **slot, int depth) {
    x_node *node = *slot;
    if (node->fn_param == 1) {
        /* Simple CASE x WHEN v THEN r ...: rewrite into searched form with x = v. */
        x_node *operand = node->args[0];
        int32_t rest = node->num_args - 1;
        x_node *c = alloc_node(t, XN_CASE, node->pos, rest);
        if (!c)
            return FF_ERR_NO_MEMORY;
        c->has_else = node->has_else;
        int32_t pairs = (rest - (node->has_else ? 1 : 0)) / 2;
        for (int32_t k = 0; k < pairs; k++) {
            x_node *eq = alloc_node(t, XN_EQ, node->args[1 + 2 * k]->pos, 2);
            if (!eq)
                return FF_ERR_NO_MEMORY;
            eq->args[0] = k == 0 ? operand : clone_tree(t, operand);
            if (!eq->args[0])
                return FF_ERR_NO_MEMORY;
            eq->args[1] = node->args[1 + 2 * k];
            c->args[2 * k] = eq;
            c->args[2 * k + 1] = node->args[2 + 2 * k];
        }
        if (node->has_else)
            c->args[rest - 1] = node->args[node->num_args - 1];
        node = c;
        *slot = c;
    }
    int32_t pairs = (node->num_args - (node->has_else ? 1 : 0)) / 2;
    for (int32_t k = 0; k < node->num_args; k++)
        FF_FORWARD_IF_ERROR(type_node(t, &node->args[k], depth + 1));
    for (int32_t k = 0; k < pairs; k++)
        FF_FORWARD_IF_ERROR(require_bool(t, &node->args[2 * k], "a WHEN condition"));
    /* Result type: THEN values and ELSE. */
    x_type common = tk(XK_NULL);
    bool have = false;
    for (int pass = 0; pass < 2; pass++) {
        for (int32_t k = 0; k <= pairs; k++) {
            int32_t idx = k < pairs ? 2 * k + 1 : (node->has_else ? node->num_args - 1 : -1);
            if (idx < 0)
                continue;
            x_node *arg = node->args[idx];
            if ((pass == 0) == arg->is_string_literal)
                continue;
            if (pass == 1 && have && common.kind != XK_NULL)
                continue;
            if (!have) {
                common = arg->type;
                have = true;
                continue;
            }
            x_type next;
            if (!common_type(&common, &arg->type, &next)) {
                char ta[48], tb[48];
                return x_error_at(t->err, FF_ERR_EXPR_TYPE, arg->pos, "CASE results mix %s and %s",
                                  tname(&common, ta), tname(&arg->type, tb));
            }
            common = next;
        }
    }
    for (int32_t k = 0; k <= pairs; k++) {
        int32_t idx = k < pairs ? 2 * k + 1 : (node->has_else ? node->num_args - 1 : -1);
        if (idx >= 0)
            FF_FORWARD_IF_ERROR(coerce(t, &node->args[idx], &common));
    }
    node->type = common;
    return FF_OK;
}

static ff_status type_node(typer *t, x_node **slot, int depth) {
    x_node *node = *slot;
    char ta[48], tb[48];
    switch ((x_op)node->op) {
    case XN_CONST:
        return FF_OK;
    case XN_COLUMN:
        return resolve_column(t, node);
    case XN_FUNC:
        return type_func(t, slot, depth);
    case XN_CASE:
        FF_FORWARD_IF_ERROR(type_case(t, slot, depth));
        return fold(t, slot);
    default:
        break;
    }
    for (int32_t k = 0; k < node->num_args; k++)
        FF_FORWARD_IF_ERROR(type_node(t, &node->args[k], depth + 1));
    x_node **args = node->args;
    switch ((x_op)node->op) {
    case XN_CAST: {
        x_type from = args[0]->type;
        if (!x_cast_supported(&from, &node->type))
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos, "cannot CAST %s to %s",
                              tname(&from, ta), tname(&node->type, tb));
        if (x_type_equal(&from, &node->type) && !args[0]->is_string_literal) {
            args[0]->is_parenthesized = true;
            *slot = args[0];
            return FF_OK;
        }
        break;
    }
    case XN_NEG:
        if (args[0]->type.kind == XK_NULL || args[0]->is_string_literal) {
            x_type d = tk(XK_DOUBLE);
            FF_FORWARD_IF_ERROR(coerce(t, &args[0], &d));
        }
        if (!is_numeric(args[0]->type.kind) && args[0]->type.kind != XK_INTERVAL)
            return x_error_at(t->err, FF_ERR_EXPR_TYPE, node->pos,
                              "unary - expects a number, found %s", tname(&args[0]->type, ta));
        node->type = args[0]->type;
        if (node->type.kind == XK_INT && node->type.int_bits != 64) {
            node->type = tk(XK_INT);
            FF_FORWARD_IF_ERROR(coerce(t, &args[0], &node->type));
        }
        if (node->type.kind == XK_DOUBLE && node->type.is_float32) {
            node->type.is_float32 = false;
            FF_FORWARD_IF_ERROR(coerce(t, &args[0], &node->type));
        }
        break;
    case XN_NOT:
        FF_FORWARD_IF_ERROR(require_bool(t, &args[0], "the operand of NOT"));
        node->type = tk(XK_BOOL);
        break;
    case XN_AND:
    case XN_OR:
        FF_FORWARD_IF_ERROR(
            require_bool(t, &args[0], node->op == XN_AND ? "an AND operand" : "an OR operand"));
        FF_FORWARD_IF_ERROR(
            require_bool(t, &args[1], node->op == XN_AND ? "an AND operand" : "an OR operand"));
        node->type = tk(XK_BOOL);
        break;
    case XN_ADD:
    case XN_SUB:
    case XN_MUL:
    case XN_DIV:
    case XN_MOD:
        FF_FORWARD_IF_ERROR(arith_type(t, node));
        break;
    case XN_CONCAT: {
        x_type s = tk(XK_STRING);
        if (args[0]->type.kind == XK_BINARY && args[1]->type.kind == XK_BINARY)
            s = tk(XK_BINARY);
        FF_FORWARD_IF_ERROR(coerce(t, &args[0], &s));
        FF_FORWARD_IF_ERROR(coerce(t, &args[1], &s));
        node->type = s;
        break;
    }
    case XN_EQ:
    case XN_NE:
    case XN_LT:
    case XN_LE:
    case XN_GT:
    case XN_GE:
    case XN_DISTINCT:
    case XN_NOT_DISTINCT: {
        x_type common;
        FF_FORWARD_IF_ERROR(unify_args(t, node, 0, 2, 1, &common, "comparison"));
        if (common.kind == XK_INTERVAL && node->op != XN_EQ && node->op != XN_NE &&
            node->op != XN_DISTINCT && node->op != XN_NOT_DISTINCT && false)
            return FF_OK;
        node->type = tk(XK_BOOL);
        break;
    }
    case XN_IS_NULL:
        node->type = tk(XK_BOOL);
        break;
    case XN_IN: {
        x_type common;
        FF_FORWARD_IF_ERROR(unify_args(t, node, 0, node->num_args, 1, &common, "IN"));
        node->type = tk(XK_BOOL);
        break;
    }
    case XN_BETWEEN: {
        x_type common;
        FF_FORWARD_IF_ERROR(unify_args(t, node, 0, 3, 1, &common, "BETWEEN"));
        node->type = tk(XK_BOOL);
        break;
    }
    case XN_LIKE: {
        for (int32_t k = 0; k < node->num_args; k++)
            FF_FORWARD_IF_ERROR(
                expect_kind(t, &args[k], XK_STRING, node->is_icase ? "ILIKE" : "LIKE"));
        if (node->num_args == 3) {
            x_str esc;
            FF_FORWARD_IF_ERROR(const_string_arg(t, args[2], "ESCAPE", &esc));
            if (esc.len != 1)
                return x_error_at(t->err, FF_ERR_EXPR_TYPE, args[2]->pos,
                                  "ESCAPE must be a single character");
        }
        node->type = tk(XK_BOOL);
        break;
    }
    default:
        return x_error_at(t->err, FF_ERR_INTERNAL, node->pos, "unexpected node");
    }
    return fold(t, slot);
}

/* Classifies a constant LIKE pattern so that common shapes use memcmp/memmem. */
static void classify_like(x_node *node) {
    if (node->op != XN_LIKE || node->args[1]->op != XN_CONST || node->args[1]->value.is_null ||
        node->num_args == 3 || node->is_icase)
        return;
    x_str p = node->args[1]->value.v.s;
    int64_t lead = 0, trail = 0;
    while (lead < p.len && p.ptr[lead] == '%')
        lead++;
    if (lead == p.len)
        return; /* all '%': general matcher handles it */
    while (trail < p.len - lead && p.ptr[p.len - 1 - trail] == '%')
        trail++;
    for (int64_t k = lead; k < p.len - trail; k++)
        if (p.ptr[k] == '%' || p.ptr[k] == '_')
            return;
    if (lead > 1 || trail > 1)
        return;
    node->like_needle.ptr = p.ptr + lead;
    node->like_needle.len = p.len - lead - trail;
    node->like_shape = (uint8_t)(lead && trail ? XL_CONTAINS
                                 : lead        ? XL_SUFFIX
                                 : trail       ? XL_PREFIX
                                               : XL_EXACT);
}

static void post_pass(x_node *node) {
    for (int32_t k = 0; k < node->num_args; k++)
        post_pass(node->args[k]);
    classify_like(node);
}

ff_status x_type_tree(x_node **root, const ff_table_schema *schema, ff_arena *arena,
                      const char *text, ff_error *err) {
    typer t;
    memset(&t, 0, sizeof t);
    t.schema = schema;
    t.arena = arena;
    t.text = text;
    t.err = err;
    t.heap.max_total = 64u << 20;
    ff_status status = type_node(&t, root, 0);
    x_heap_free(&t.heap);
    if (status == FF_OK)
        post_pass(*root);
    return status;
}
