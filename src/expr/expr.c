/* The public face of the expression language (include/fluxforge/expr.h): compiling text into
 * a typed tree with its scratch, the assignment rules of updates (which conversions into a
 * column type are safe), running filters and value expressions over a batch a block of
 * rows at a time, and the --explain rendering of the typed tree. */
#include <fluxforge/expr.h>

#include "expr/expr_internal.h"
#include "util/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ff_expr {
    ff_arena arena;
    char *text;
    x_node *root;
    ff_type result_type;
    x_type result_xtype;
    ff_table_schema schema; /* borrowed field types are copied into field_types */
    ff_type *field_types;
    int32_t num_fields;
    int32_t *columns;
    int32_t num_columns;
    char *explain;
    x_heap heap;
    uint32_t *block_sel;
    bool is_predicate;
};

void ff_expr_options_init(ff_expr_options *options) {
    memset(options, 0, sizeof *options);
    options->kind = FF_EXPR_VALUE;
}

void ff_selection_init(ff_selection *sel) {
    memset(sel, 0, sizeof *sel);
}

void ff_selection_free(ff_selection *sel) {
    if (!sel)
        return;
    free(sel->rows);
    memset(sel, 0, sizeof *sel);
}

/* Whether a value of `from` may be stored into a column of `to` without an explicit CAST;
 * on refusal writes why into buf. */
static bool assignable(const x_node *root, const x_type *from, const x_type *to, char *buf,
                       size_t cap) {
    char tf[48], tt[48];
    x_type_name(from, tf, sizeof tf);
    x_type_name(to, tt, sizeof tt);
    if (from->kind == XK_NULL || root->is_string_literal || x_type_equal(from, to))
        return true;
    switch ((x_kind)to->kind) {
    case XK_INT:
        if (from->kind == XK_INT)
            return true; /* range-checked per value */
        if (from->kind == XK_DEC && from->scale == 0)
            return true;
        snprintf(buf, cap,
                 "storing %s into %s would drop the fraction; write round(...) or "
                 "CAST(... AS %s)",
                 tf, tt, tt);
        return false;
    case XK_DEC:
        if (from->kind == XK_INT)
            return true;
        if (from->kind == XK_DEC && from->scale <= to->scale)
            return true;
        if (from->kind == XK_DEC) {
            snprintf(buf, cap,
                     "storing %s into %s would round to %d decimal places; write "
                     "round(..., %d) or CAST(... AS %s)",
                     tf, tt, to->scale, to->scale, tt);
            return false;
        }
        snprintf(buf, cap, "storing %s into %s would round; write CAST(... AS %s)", tf, tt, tt);
        return false;
    case XK_DOUBLE:
        if (from->kind == XK_INT || from->kind == XK_DEC || from->kind == XK_DOUBLE)
            return true;
        break;
    case XK_BINARY:
        if (from->kind == XK_STRING)
            return true;
        break;
    case XK_TIMESTAMP:
        if (from->kind == XK_DATE)
            return true;
        if (from->kind == XK_TIMESTAMP) {
            if (to->unit >= from->unit)
                return true;
            snprintf(buf, cap,
                     "storing %s into %s would drop sub-unit precision; write "
                     "date_trunc(...) or CAST(... AS %s)",
                     tf, tt, tt);
            return false;
        }
        break;
    case XK_TIME:
        if (from->kind == XK_TIME && to->unit >= from->unit)
            return true;
        break;
    case XK_DATE:
        if (from->kind == XK_TIMESTAMP) {
            snprintf(buf, cap, "storing %s into DATE would drop the time of day; write date(...)",
                     tf);
            return false;
        }
        break;
    default:
        break;
    }
    snprintf(buf, cap, "cannot store %s into %s; write CAST(... AS %s)", tf, tt, tt);
    return false;
}

static ff_status collect_columns(ff_expr *expr, const x_node *node, uint8_t *seen, ff_error *err) {
    if (node->op == XN_COLUMN && !seen[node->column_idx]) {
        seen[node->column_idx] = 1;
        expr->num_columns++;
    }
    for (int32_t k = 0; k < node->num_args; k++)
        FF_FORWARD_IF_ERROR(collect_columns(expr, node->args[k], seen, err));
    return FF_OK;
}

/* ---- explain -------------------------------------------------------------------------- */

static const char *op_text(x_op op) {
    switch (op) {
    case XN_AND:
        return "AND";
    case XN_OR:
        return "OR";
    case XN_ADD:
        return "+";
    case XN_SUB:
        return "-";
    case XN_MUL:
        return "*";
    case XN_DIV:
        return "/";
    case XN_MOD:
        return "%";
    case XN_CONCAT:
        return "||";
    case XN_EQ:
        return "=";
    case XN_NE:
        return "<>";
    case XN_LT:
        return "<";
    case XN_LE:
        return "<=";
    case XN_GT:
        return ">";
    case XN_GE:
        return ">=";
    case XN_DISTINCT:
        return "IS DISTINCT FROM";
    case XN_NOT_DISTINCT:
        return "IS NOT DISTINCT FROM";
    default:
        return "?";
    }
}

static ff_status render(ff_buf *buf, const x_node *node, ff_error *err) {
    char tb[64];
    switch ((x_op)node->op) {
    case XN_CONST: {
        if (node->value.is_null)
            return ff_buf_printf(buf, err, "NULL");
        char vb[128];
        switch ((x_kind)node->type.kind) {
        case XK_BOOL:
            return ff_buf_printf(buf, err, "%s", node->value.v.b ? "TRUE" : "FALSE");
        case XK_INT:
            return ff_buf_printf(buf, err, "%lld", (long long)node->value.v.i);
        case XK_DEC:
            x_format_decimal(node->value.v.dec, node->type.scale, vb);
            return ff_buf_printf(buf, err, "%s", vb);
        case XK_DOUBLE:
            x_format_double(node->value.v.d, vb);
            return ff_buf_printf(buf, err, "%s", vb);
        case XK_DATE:
            x_format_date(node->value.v.i, vb);
            return ff_buf_printf(buf, err, "DATE '%s'", vb);
        case XK_TIMESTAMP:
            x_format_timestamp(node->value.v.i, node->type.unit, vb);
            return ff_buf_printf(buf, err, "TIMESTAMP '%s'", vb);
        case XK_TIME:
            x_format_time(node->value.v.i, node->type.unit, vb);
            return ff_buf_printf(buf, err, "TIME '%s'", vb);
        case XK_INTERVAL:
            x_format_interval(node->value.v.i, vb);
            return ff_buf_printf(buf, err, "INTERVAL '%s'", vb);
        case XK_STRING:
        case XK_BINARY: {
            FF_FORWARD_IF_ERROR(ff_buf_append_byte(buf, '\'', err));
            for (int64_t k = 0; k < node->value.v.s.len; k++) {
                uint8_t c = node->value.v.s.ptr[k];
                if (c == '\'')
                    FF_FORWARD_IF_ERROR(ff_buf_append_byte(buf, '\'', err));
                FF_FORWARD_IF_ERROR(ff_buf_append_byte(buf, c, err));
            }
            return ff_buf_append_byte(buf, '\'', err);
        }
        default:
            return ff_buf_printf(buf, err, "NULL");
        }
    }
    case XN_COLUMN:
        return ff_buf_printf(buf, err, "%s", node->name);
    case XN_CAST:
        x_type_name(&node->type, tb, sizeof tb);
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "CAST("));
        FF_FORWARD_IF_ERROR(render(buf, node->args[0], err));
        return ff_buf_printf(buf, err, " AS %s)", tb);
    case XN_NEG:
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "(-"));
        FF_FORWARD_IF_ERROR(render(buf, node->args[0], err));
        return ff_buf_printf(buf, err, ")");
    case XN_NOT:
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "(NOT "));
        FF_FORWARD_IF_ERROR(render(buf, node->args[0], err));
        return ff_buf_printf(buf, err, ")");
    case XN_IS_NULL:
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "("));
        FF_FORWARD_IF_ERROR(render(buf, node->args[0], err));
        return ff_buf_printf(buf, err, " IS %sNULL)", node->is_negated ? "NOT " : "");
    case XN_IN:
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "("));
        FF_FORWARD_IF_ERROR(render(buf, node->args[0], err));
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " %sIN (", node->is_negated ? "NOT " : ""));
        for (int32_t k = 1; k < node->num_args; k++) {
            if (k > 1)
                FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, ", "));
            FF_FORWARD_IF_ERROR(render(buf, node->args[k], err));
        }
        return ff_buf_printf(buf, err, "))");
    case XN_BETWEEN:
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "("));
        FF_FORWARD_IF_ERROR(render(buf, node->args[0], err));
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " %sBETWEEN ", node->is_negated ? "NOT " : ""));
        FF_FORWARD_IF_ERROR(render(buf, node->args[1], err));
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " AND "));
        FF_FORWARD_IF_ERROR(render(buf, node->args[2], err));
        return ff_buf_printf(buf, err, ")");
    case XN_LIKE:
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "("));
        FF_FORWARD_IF_ERROR(render(buf, node->args[0], err));
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " %s%s ", node->is_negated ? "NOT " : "",
                                          node->is_icase ? "ILIKE" : "LIKE"));
        FF_FORWARD_IF_ERROR(render(buf, node->args[1], err));
        if (node->num_args == 3) {
            FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " ESCAPE "));
            FF_FORWARD_IF_ERROR(render(buf, node->args[2], err));
        }
        return ff_buf_printf(buf, err, ")");
    case XN_CASE: {
        int32_t pairs = (node->num_args - (node->has_else ? 1 : 0)) / 2;
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "CASE"));
        for (int32_t k = 0; k < pairs; k++) {
            FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " WHEN "));
            FF_FORWARD_IF_ERROR(render(buf, node->args[2 * k], err));
            FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " THEN "));
            FF_FORWARD_IF_ERROR(render(buf, node->args[2 * k + 1], err));
        }
        if (node->has_else) {
            FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " ELSE "));
            FF_FORWARD_IF_ERROR(render(buf, node->args[node->num_args - 1], err));
        }
        return ff_buf_printf(buf, err, " END");
    }
    case XN_FUNC:
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "%s(", node->name));
        for (int32_t k = 0; k < node->num_args; k++) {
            if (k)
                FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, ", "));
            FF_FORWARD_IF_ERROR(render(buf, node->args[k], err));
        }
        return ff_buf_printf(buf, err, ")");
    default:
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, "("));
        FF_FORWARD_IF_ERROR(render(buf, node->args[0], err));
        FF_FORWARD_IF_ERROR(ff_buf_printf(buf, err, " %s ", op_text((x_op)node->op)));
        FF_FORWARD_IF_ERROR(render(buf, node->args[1], err));
        return ff_buf_printf(buf, err, ")");
    }
}

ff_status ff_expr_compile(const char *text, const ff_table_schema *schema,
                          const ff_expr_options *options, ff_expr **out, ff_error *err) {
    ff_status status = FF_OK;
    ff_expr_options defaults;
    ff_buf explain;
    ff_buf_init(&explain, 1u << 20);
    uint8_t *seen = NULL;
    *out = NULL;
    if (!options) {
        ff_expr_options_init(&defaults);
        options = &defaults;
    }
    if (!text || !schema)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "expression text and schema required");
    ff_expr *expr = ff_calloc(1, sizeof *expr, "expression", err);
    if (!expr)
        return FF_ERR_NO_MEMORY;
    ff_arena_init(&expr->arena, 0);
    expr->heap.max_total = options->max_string_bytes;
    expr->is_predicate = options->kind == FF_EXPR_PREDICATE;
    expr->text = ff_arena_strndup(&expr->arena, text, strlen(text), err);
    if (!expr->text) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    FF_CHECK_GOTO(status, x_parse(expr->text, &expr->arena, &expr->root, err), cleanup);
    FF_CHECK_GOTO(status, x_type_tree(&expr->root, schema, &expr->arena, expr->text, err), cleanup);
    x_node *root = expr->root;
    if (options->kind == FF_EXPR_PREDICATE) {
        if (root->type.kind == XK_NULL && root->op == XN_CONST) {
            root->type.kind = XK_BOOL;
        } else if (root->type.kind != XK_BOOL) {
            char tb[48];
            x_type_name(&root->type, tb, sizeof tb);
            status = x_error_at(err, FF_ERR_EXPR_TYPE, root->pos,
                                "expected a condition (BOOLEAN), found %s", tb);
            goto cleanup;
        }
    }
    if (options->target_type) {
        x_type target;
        const char *why = NULL;
        const char *name = options->target_name ? options->target_name : "target";
        if (!x_type_from_ff(options->target_type, &target, &why) ||
            (options->target_type->logical == FF_LOGICAL_FLOAT16)) {
            status = ff_error_set(err, FF_ERR_EXPR_TYPE, "column '%s' is %s", name,
                                  why ? why : "FLOAT16, which expressions cannot write");
            goto cleanup;
        }
        char why_buf[256];
        if (!assignable(root, &root->type, &target, why_buf, sizeof why_buf)) {
            status = x_error_at(err, FF_ERR_EXPR_TYPE, root->pos, "column '%s': %s", name, why_buf);
            goto cleanup;
        }
        if (!x_type_equal(&root->type, &target)) {
            bool was_literal = root->is_string_literal;
            FF_CHECK_GOTO(status, x_make_cast(&expr->root, &target, &expr->arena, err), cleanup);
            if (was_literal || expr->root->args[0]->op == XN_CONST) {
                /* Fold now so that a bad literal is reported at compile time. */
                x_scalar value;
                ff_error fold_err;
                x_heap_reset(&expr->heap);
                if (x_eval_scalar(expr->root, &expr->heap, expr->text, &value, &fold_err) !=
                    FF_OK) {
                    /* Keep the offset first: "at N: column 'dt': cannot convert ...". */
                    const char *detail = strstr(fold_err.message, ": ");
                    status = x_error_at(err, FF_ERR_EXPR_TYPE, root->pos, "column '%s': %s", name,
                                        detail ? detail + 2 : fold_err.message);
                    goto cleanup;
                }
            }
        }
        expr->result_type = *options->target_type;
        expr->result_xtype = target;
    } else {
        if (expr->root->type.kind == XK_INTERVAL) {
            status = x_error_at(err, FF_ERR_EXPR_TYPE, expr->root->pos,
                                "an INTERVAL cannot be stored in a Parquet column; add it to a "
                                "TIMESTAMP");
            goto cleanup;
        }
        expr->result_xtype = expr->root->type;
        x_type_to_ff(&expr->root->type, &expr->result_type);
    }
    FF_CHECK_GOTO(status, x_alloc_scratch(expr->root, err), cleanup);
    expr->block_sel = ff_malloc(X_BLOCK * sizeof(uint32_t), "selection", err);
    if (!expr->block_sel) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    /* Referenced columns, and the field types they were compiled against. */
    expr->num_fields = schema->num_fields;
    if (schema->num_fields > 0) {
        seen = ff_calloc((size_t)schema->num_fields, 1, "column set", err);
        expr->field_types =
            ff_arena_array(&expr->arena, (size_t)schema->num_fields, sizeof(ff_type), err);
        if (!seen || !expr->field_types) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        for (int32_t k = 0; k < schema->num_fields; k++)
            expr->field_types[k] = schema->fields[k].type;
        FF_CHECK_GOTO(status, collect_columns(expr, expr->root, seen, err), cleanup);
        expr->columns =
            ff_arena_array(&expr->arena, (size_t)expr->num_columns + 1, sizeof(int32_t), err);
        if (!expr->columns) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        int32_t w = 0;
        for (int32_t k = 0; k < schema->num_fields; k++)
            if (seen[k])
                expr->columns[w++] = k;
    }
    FF_CHECK_GOTO(status, render(&explain, expr->root, err), cleanup);
    expr->explain = ff_arena_strndup(&expr->arena, explain.data ? (const char *)explain.data : "",
                                     explain.len, err);
    if (!expr->explain) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    *out = expr;
cleanup:
    free(seen);
    ff_buf_free(&explain);
    if (status != FF_OK)
        ff_expr_free(expr);
    return status;
}

void ff_expr_free(ff_expr *expr) {
    if (!expr)
        return;
    if (expr->root)
        x_free_scratch(expr->root);
    x_heap_free(&expr->heap);
    free(expr->block_sel);
    ff_arena_free(&expr->arena);
    free(expr);
}

const ff_type *ff_expr_result_type(const ff_expr *expr) {
    return &expr->result_type;
}

const int32_t *ff_expr_columns(const ff_expr *expr, int32_t *num_columns) {
    *num_columns = expr->num_columns;
    return expr->columns;
}

const char *ff_expr_explain(const ff_expr *expr) {
    return expr->explain;
}

/* Checks that the batch has the columns the expression reads, with the compiled types. */
static ff_status check_batch(const ff_expr *expr, const ff_batch *batch, ff_error *err) {
    if (batch->num_rows < 0 || batch->num_rows > (int64_t)UINT32_MAX)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "batch of %lld rows: expressions take at most 2^32-1 rows at once",
                            (long long)batch->num_rows);
    for (int32_t k = 0; k < expr->num_columns; k++) {
        int32_t idx = expr->columns[k];
        if (idx >= batch->num_columns)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "batch has %d columns; the expression reads column %d",
                                (int)batch->num_columns, (int)idx);
        const ff_vector *vec = &batch->columns[idx];
        if (vec->def_levels || vec->rep_levels)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "column %d is nested; expressions read flat columns", (int)idx);
        if (vec->length != batch->num_rows)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "column %d has %lld values, the batch %lld rows", (int)idx,
                                (long long)vec->length, (long long)batch->num_rows);
        const ff_type *want = &expr->field_types[idx];
        if (vec->type.physical != want->physical ||
            (want->physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY &&
             vec->type.type_length != want->type_length))
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "column %d has another physical type than the schema the "
                                "expression was compiled against",
                                (int)idx);
        if (want->physical == FF_PHYSICAL_BYTE_ARRAY && vec->length > 0 && !vec->offsets)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "column %d has no offsets", (int)idx);
    }
    return FF_OK;
}

ff_status ff_expr_filter(ff_expr *expr, const ff_batch *batch, ff_selection *sel, ff_error *err) {
    if (expr->root->type.kind != XK_BOOL)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "ff_expr_filter needs a predicate (BOOLEAN expression)");
    FF_FORWARD_IF_ERROR(check_batch(expr, batch, err));
    sel->num_rows = 0;
    size_t need = (size_t)batch->num_rows;
    if (need > sel->rows_cap) {
        uint32_t *grown = ff_realloc(sel->rows, need * sizeof *grown, "selection", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        sel->rows = grown;
        sel->rows_cap = need;
    }
    x_ctx ctx = {.batch = batch, .heap = &expr->heap, .text = expr->text};
    for (int64_t base = 0; base < batch->num_rows; base += X_BLOCK) {
        uint32_t len =
            (uint32_t)(batch->num_rows - base < X_BLOCK ? batch->num_rows - base : X_BLOCK);
        ctx.base = base;
        ctx.len = len;
        x_heap_reset(&expr->heap);
        uint32_t m = 0;
        FF_FORWARD_IF_ERROR(x_select(&ctx, expr->root, NULL, len, expr->block_sel, &m, err));
        uint32_t *dst = sel->rows + sel->num_rows;
        for (uint32_t k = 0; k < m; k++)
            dst[k] = (uint32_t)base + expr->block_sel[k];
        sel->num_rows += m;
    }
    return FF_OK;
}

ff_status ff_expr_evaluate(ff_expr *expr, const ff_batch *batch, ff_vector *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(check_batch(expr, batch, err));
    ff_vector_reset(out);
    out->type = expr->result_type;
    x_ctx ctx = {.batch = batch, .heap = &expr->heap, .text = expr->text};
    FF_FORWARD_IF_ERROR(ff_vector_reserve(out, batch->num_rows, 0, false, err));
    for (int64_t base = 0; base < batch->num_rows; base += X_BLOCK) {
        uint32_t len =
            (uint32_t)(batch->num_rows - base < X_BLOCK ? batch->num_rows - base : X_BLOCK);
        ctx.base = base;
        ctx.len = len;
        x_heap_reset(&expr->heap);
        x_vec v;
        FF_FORWARD_IF_ERROR(x_eval(&ctx, expr->root, NULL, len, &v, err));
        FF_FORWARD_IF_ERROR(
            x_store_block(&v, &expr->result_xtype, len, out, expr->root->pos, expr->text, err));
    }
    return FF_OK;
}

/* Accessors the range analysis needs; ff_expr stays private to this file. */

x_node *x_expr_root(ff_expr *expr) {
    return expr->root;
}
x_heap *x_expr_heap(ff_expr *expr) {
    return &expr->heap;
}
const char *x_expr_text(const ff_expr *expr) {
    return expr->text;
}
const ff_type *x_expr_field_types(const ff_expr *expr, int32_t *num_fields) {
    *num_fields = expr->num_fields;
    return expr->field_types;
}
