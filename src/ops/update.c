/* UPDATE: sets columns of the rows a predicate selects (every row without one).
 *
 * All assignments are compiled up front against the dataset schema with the column's type as
 * target, so a result that cannot be cast is refused before anything is written; each file
 * then compiles them against its own schema (its column may be INT32 where the dataset's is
 * INT64, and narrowing is checked value by value). Every assignment is evaluated on the
 * selected rows' old values, then merged into the column. Assigning a column a file lacks
 * appends it to that file's schema (NULL in the rows not selected); a column no file has is
 * added only with add_columns. Assigning a partition column routes each selected row to the
 * directory of its new value. Otherwise rows stay in place, and the columns no assignment
 * touches keep their encoded pages (rewrite.c). */
#include "ops/ops_internal.h"

#include "util/check.h"

#include <stdlib.h>
#include <string.h>

typedef struct update_assign {
    const char *column;
    const char *text;
    int32_t global_idx;
    int32_t partition_idx; /* position among the partition columns, or -1 */
} update_assign;

/* Per-file state. */
typedef struct update_file {
    ff_expr *where;
    ff_expr **exprs;    /* one per assignment */
    int32_t *out_idx;   /* output column of each assignment */
    int32_t *eval_idx;  /* eval column of each assignment */
    int32_t *read_cols; /* eval columns the assignments read */
    int32_t num_read_cols;
    /* Scratch: per file, so that files on different workers never share it. */
    ff_selection sel;
    ff_batch sub;       /* selected rows of the columns the assignments read */
    ff_vector *results; /* per assignment */
    ff_vector *merged;  /* per assignment */
    ff_buf dir, text;
    uint32_t *home_rows;
    size_t home_cap;
} update_file;

typedef struct update_ctx {
    const ff_update_options *options;
    update_assign *assigns;
    int32_t num_assigns;
    bool moves_rows;
    ff_expr *global_where;
} update_ctx;

void ff_update_options_init(ff_update_options *options) {
    memset(options, 0, sizeof *options);
    ff_ops_options_init(&options->common);
}

static ff_status update_prepare(void *user, ops_engine *engine, ff_error *err) {
    update_ctx *ctx = user;
    const ff_update_options *options = ctx->options;
    ff_expr_options eopts;
    ff_expr_options_init(&eopts);
    if (options->where) {
        eopts.kind = FF_EXPR_PREDICATE;
        ff_status status =
            ops_compile_global(engine, options->where, &eopts, &ctx->global_where, err);
        if (status != FF_OK)
            return ff_error_prefix(err, "--where");
    }
    ops_schema *global = ops_engine_schema(engine);
    bool had_union = ops_engine_has_union(engine);
    for (int32_t idx = 0; idx < ctx->num_assigns; idx++) {
        update_assign *assign = &ctx->assigns[idx];
        for (int32_t prev = 0; prev < idx; prev++)
            if (!strcmp(ctx->assigns[prev].column, assign->column))
                return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "--set %s: column assigned twice",
                                    assign->column);
        assign->global_idx = ops_schema_find(global, assign->column);
        if (assign->global_idx < 0 && !ops_engine_has_union(engine)) {
            FF_FORWARD_IF_ERROR(ops_engine_load_union(engine, err));
            assign->global_idx = ops_schema_find(global, assign->column);
        }
        ff_expr *expr = NULL;
        ff_expr_options_init(&eopts);
        if (assign->global_idx < 0) {
            if (!options->add_columns)
                return ff_error_set(err, FF_ERR_SCHEMA,
                                    "--set %s: no such column (use --add-columns to add it)",
                                    assign->column);
            ff_status status = ops_compile_global(engine, assign->text, &eopts, &expr, err);
            if (status != FF_OK)
                return ff_error_prefix(err, "--set %s", assign->column);
            ff_type type = *ff_expr_result_type(expr);
            ff_expr_free(expr);
            expr = NULL;
            if (type.logical == FF_LOGICAL_NULL)
                return ff_error_set(err, FF_ERR_EXPR_TYPE,
                                    "--set %s: cannot infer the new column's type from NULL; "
                                    "use CAST(NULL AS type)",
                                    assign->column);
            FF_FORWARD_IF_ERROR(ops_schema_add(global, assign->column, &type, err));
            assign->global_idx = global->num_fields - 1;
        }
        /* A copy: compiling may reload the global schema (the union over every file). */
        ff_type target = global->fields[assign->global_idx].type;
        eopts.target_type = &target;
        eopts.target_name = assign->column;
        ff_status status = ops_compile_global(engine, assign->text, &eopts, &expr, err);
        ff_expr_free(expr);
        if (status != FF_OK)
            return ff_error_prefix(err, "--set %s", assign->column);
    }
    for (int32_t idx = 0; idx < ctx->num_assigns; idx++)
        ctx->assigns[idx].global_idx = ops_schema_find(global, ctx->assigns[idx].column);
    if (options->where && ops_engine_has_union(engine) != had_union) {
        /* The schema the predicate was compiled against was replaced by the union. */
        ff_expr_free(ctx->global_where);
        ctx->global_where = NULL;
        ff_expr_options_init(&eopts);
        eopts.kind = FF_EXPR_PREDICATE;
        FF_FORWARD_IF_ERROR(
            ops_compile_global(engine, options->where, &eopts, &ctx->global_where, err));
    }
    /* Partition columns: an assignment to one moves rows. */
    const ff_discovery *discovery = ops_engine_discovery(engine);
    for (int32_t idx = 0; idx < ctx->num_assigns; idx++) {
        ctx->assigns[idx].partition_idx = -1;
        for (size_t col = 0; col < discovery->num_partition_columns; col++)
            if (!strcmp(discovery->partition_columns[col], ctx->assigns[idx].column)) {
                ctx->assigns[idx].partition_idx = (int32_t)col;
                ctx->moves_rows = true;
            }
    }
    return FF_OK;
}

static bool update_partition_may_match(void *user, const ff_column_facts *facts) {
    update_ctx *ctx = user;
    return !ctx->global_where || ops_may_match(ctx->global_where, facts, -1);
}

static void update_file_free(update_file *state, int32_t num_assigns) {
    if (!state)
        return;
    ff_expr_free(state->where);
    for (int32_t idx = 0; state->exprs && idx < num_assigns; idx++)
        ff_expr_free(state->exprs[idx]);
    free(state->exprs);
    free(state->out_idx);
    free(state->eval_idx);
    free(state->read_cols);
    ff_selection_free(&state->sel);
    ff_batch_free(&state->sub);
    for (int32_t idx = 0; state->results && idx < num_assigns; idx++) {
        ff_vector_free(&state->results[idx]);
        ff_vector_free(&state->merged[idx]);
    }
    free(state->results);
    free(state->merged);
    free(state->home_rows);
    ff_buf_free(&state->dir);
    ff_buf_free(&state->text);
    free(state);
}

static ff_status update_file_open(void *user, ops_engine *engine, ops_file *file,
                                  ops_file_plan *plan, ff_error *err) {
    update_ctx *ctx = user;
    (void)engine;
    update_file *state = ff_calloc(1, sizeof *state, "update", err);
    if (!state)
        return FF_ERR_NO_MEMORY;
    file->step_state = state;
    ff_selection_init(&state->sel);
    ff_buf_init(&state->dir, 0);
    ff_buf_init(&state->text, 0);
    size_t n = (size_t)ctx->num_assigns + 1;
    state->results = ff_calloc(n, sizeof(ff_vector), "update", err);
    state->merged = ff_calloc(n, sizeof(ff_vector), "update", err);
    if (!state->results || !state->merged)
        return FF_ERR_NO_MEMORY;
    state->exprs = ff_calloc(n, sizeof *state->exprs, "update", err);
    state->out_idx = ff_calloc(n, sizeof(int32_t), "update", err);
    state->eval_idx = ff_calloc(n, sizeof(int32_t), "update", err);
    state->read_cols = ff_calloc((size_t)file->eval.num_fields + 1, sizeof(int32_t), "update", err);
    if (!state->exprs || !state->out_idx || !state->eval_idx || !state->read_cols)
        return FF_ERR_NO_MEMORY;
    ff_expr_options eopts;
    ff_expr_options_init(&eopts);
    *plan = OPS_FILE_ALL;
    if (ctx->options->where) {
        eopts.kind = FF_EXPR_PREDICATE;
        FF_FORWARD_IF_ERROR(
            ff_expr_compile(ctx->options->where, &file->eval_table, &eopts, &state->where, err));
        int32_t num_cols = 0;
        const int32_t *cols = ff_expr_columns(state->where, &num_cols);
        memcpy(file->probe, cols, (size_t)num_cols * sizeof *cols);
        file->num_probe = num_cols;
        *plan = OPS_FILE_SCAN;
    }
    bool *reads = ff_calloc((size_t)file->eval.num_fields + 1, sizeof(bool), "update", err);
    if (!reads)
        return FF_ERR_NO_MEMORY;
    ff_status status = FF_OK;
    for (int32_t idx = 0; idx < ctx->num_assigns && status == FF_OK; idx++) {
        int32_t eval_idx = file->global_to_eval[ctx->assigns[idx].global_idx];
        state->eval_idx[idx] = eval_idx;
        if (eval_idx < file->num_file_columns) {
            state->out_idx[idx] = eval_idx;
        } else {
            state->out_idx[idx] = file->num_file_columns + file->num_out_extra;
            file->out_extra[file->num_out_extra++] = ctx->assigns[idx].global_idx;
        }
        ff_expr_options_init(&eopts);
        eopts.target_type = &file->eval.fields[eval_idx].type;
        eopts.target_name = ctx->assigns[idx].column;
        status = ff_expr_compile(ctx->assigns[idx].text, &file->eval_table, &eopts,
                                 &state->exprs[idx], err);
        if (status != FF_OK) {
            ff_error_prefix(err, "--set %s", ctx->assigns[idx].column);
            break;
        }
        int32_t num_cols = 0;
        const int32_t *cols = ff_expr_columns(state->exprs[idx], &num_cols);
        for (int32_t col = 0; col < num_cols; col++)
            reads[cols[col]] = true;
    }
    for (int32_t col = 0; col < file->eval.num_fields; col++)
        if (reads[col])
            state->read_cols[state->num_read_cols++] = col;
    free(reads);
    return status;
}

static bool update_row_group_may_match(void *user, ops_file *file, const ff_column_facts *facts,
                                       int64_t num_rows) {
    (void)user;
    update_file *state = file->step_state;
    return !state->where || ops_may_match(state->where, facts, num_rows);
}

/* Rows stay in place unless a partition column is assigned, and the schema stays unless the
 * file lacks an assigned column: then only the columns the predicate and the assignments read,
 * and the assigned ones (whose old values the unselected rows keep), need decoding, and only
 * the assigned ones encoding. */
static bool update_keeps_rows_in_place(void *user, ops_file *file, bool *reads, bool *writes) {
    update_ctx *ctx = user;
    update_file *state = file->step_state;
    if (ctx->moves_rows || file->num_out_extra > 0)
        return false;
    if (state->where) {
        int32_t num_cols = 0;
        const int32_t *cols = ff_expr_columns(state->where, &num_cols);
        for (int32_t idx = 0; idx < num_cols; idx++)
            if (cols[idx] < file->num_file_columns)
                reads[cols[idx]] = true;
    }
    for (int32_t idx = 0; idx < state->num_read_cols; idx++)
        if (state->read_cols[idx] < file->num_file_columns)
            reads[state->read_cols[idx]] = true;
    for (int32_t idx = 0; idx < ctx->num_assigns; idx++)
        reads[state->eval_idx[idx]] = writes[state->eval_idx[idx]] = true;
    return true;
}

static ff_status update_count(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                              int64_t first_row, const ff_batch *batch, int64_t *num_affected,
                              ff_error *err) {
    (void)user, (void)engine, (void)rg, (void)first_row;
    update_file *state = file->step_state;
    FF_FORWARD_IF_ERROR(ff_expr_filter(state->where, batch, &state->sel, err));
    *num_affected = state->sel.num_rows;
    return FF_OK;
}

/* True when the partition values of the output row equal the file's directory. */
static ff_status row_is_home(update_file *state, const ff_discovery *discovery, ops_file *file,
                             const ff_vector *const *part_cols, int64_t row, bool *is_home,
                             ff_error *err) {
    *is_home = true;
    for (size_t col = 0; col < discovery->num_partition_columns && *is_home; col++) {
        bool is_null = false;
        FF_FORWARD_IF_ERROR(ops_partition_text(part_cols[col], row, &state->text, &is_null, err));
        const ff_partition_value *home = &file->entry->values[col];
        if (is_null || home->is_null)
            *is_home = is_null == home->is_null;
        else
            *is_home = home->len == state->text.len &&
                       (!home->len || !memcmp(home->bytes, state->text.data, home->len));
    }
    return FF_OK;
}

static ff_status update_transform(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                                  int64_t first_row, const ff_batch *batch, ff_error *err) {
    (void)rg, (void)first_row;
    update_ctx *ctx = user;
    update_file *state = file->step_state;
    int64_t rows = batch->num_rows;
    ff_selection *sel = &state->sel;
    if (state->where) {
        FF_FORWARD_IF_ERROR(ff_expr_filter(state->where, batch, sel, err));
    } else {
        if (sel->rows_cap < (size_t)rows) {
            uint32_t *grown = ff_realloc(sel->rows, (size_t)rows * sizeof *grown, "selection", err);
            if (!grown)
                return FF_ERR_NO_MEMORY;
            sel->rows = grown;
            sel->rows_cap = (size_t)rows;
        }
        for (int64_t row = 0; row < rows; row++)
            sel->rows[row] = (uint32_t)row;
        sel->num_rows = rows;
    }
    ff_batch *out = NULL;
    FF_FORWARD_IF_ERROR(ops_output_view(engine, file, batch, &out, err));
    int64_t num_sel = sel->num_rows;
    if (num_sel == 0)
        return ops_emit(engine, file, out, NULL, rows, NULL, err);
    /* The assignments see only the selected rows, so rows the WHERE excludes cannot fail a
     * cast or an overflow. */
    const ff_batch *input = batch;
    if (num_sel < rows) {
        if (state->sub.num_columns != batch->num_columns) {
            ff_batch_free(&state->sub);
            FF_FORWARD_IF_ERROR(ff_batch_init(&state->sub, batch->num_columns, err));
        }
        for (int32_t col = 0; col < batch->num_columns; col++) {
            ff_vector_reset(&state->sub.columns[col]);
            state->sub.columns[col].type = batch->columns[col].type;
        }
        for (int32_t idx = 0; idx < state->num_read_cols; idx++) {
            int32_t col = state->read_cols[idx];
            FF_FORWARD_IF_ERROR(ops_vector_append(&state->sub.columns[col], &batch->columns[col],
                                                  sel->rows, num_sel, err));
        }
        state->sub.num_rows = num_sel;
        input = &state->sub;
    }
    for (int32_t idx = 0; idx < ctx->num_assigns; idx++) {
        ff_status status = ff_expr_evaluate(state->exprs[idx], input, &state->results[idx], err);
        if (status != FF_OK)
            return ff_error_prefix(err, "--set %s", ctx->assigns[idx].column);
    }
    for (int32_t idx = 0; idx < ctx->num_assigns; idx++) {
        const ff_vector *old_vec = &batch->columns[state->eval_idx[idx]];
        if (num_sel == rows) {
            /* Every row changes: the result is the column. */
            ff_vector tmp = state->merged[idx];
            state->merged[idx] = state->results[idx];
            state->results[idx] = tmp;
        } else {
            FF_FORWARD_IF_ERROR(ops_vector_merge(&state->merged[idx], old_vec, &state->results[idx],
                                                 sel->rows, num_sel, err));
        }
        state->merged[idx].type = old_vec->type;
        out->columns[state->out_idx[idx]] = state->merged[idx];
    }
    file->stats->rows_updated += num_sel;
    if (!ctx->moves_rows)
        return ops_emit(engine, file, out, NULL, rows, NULL, err);
    /* Route rows whose partition values changed. */
    const ff_discovery *discovery = ops_engine_discovery(engine);
    const int32_t *part_fields = ops_engine_partition_fields(engine);
    const ff_vector *part_cols[64];
    if (discovery->num_partition_columns > 64)
        return ff_error_set(err, FF_ERR_LIMIT, "more than 64 partition columns");
    for (size_t col = 0; col < discovery->num_partition_columns; col++) {
        int32_t eval_idx = file->global_to_eval[part_fields[col]];
        part_cols[col] = &batch->columns[eval_idx];
        for (int32_t idx = 0; idx < ctx->num_assigns; idx++)
            if (state->eval_idx[idx] == eval_idx)
                part_cols[col] = &out->columns[state->out_idx[idx]];
    }
    if (state->home_cap < (size_t)rows) {
        uint32_t *grown = ff_realloc(state->home_rows, (size_t)rows * sizeof *grown, "rows", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        state->home_rows = grown;
        state->home_cap = (size_t)rows;
    }
    int64_t num_home = 0;
    for (int64_t row = 0; row < rows; row++) {
        bool is_home = true;
        FF_FORWARD_IF_ERROR(row_is_home(state, discovery, file, part_cols, row, &is_home, err));
        if (is_home) {
            state->home_rows[num_home++] = (uint32_t)row;
            continue;
        }
        /* Rows move one at a time; partition updates are rare and per-file outputs are
         * reused by directory, so the files written stay one per target. */
        FF_FORWARD_IF_ERROR(ops_partition_dir(discovery->partition_columns,
                                              discovery->num_partition_columns, part_cols, row,
                                              &state->dir, err));
        uint32_t one = (uint32_t)row;
        FF_FORWARD_IF_ERROR(
            ops_emit(engine, file, out, &one, 1, (const char *)state->dir.data, err));
        file->stats->rows_moved++;
    }
    return ops_emit(engine, file, out, state->home_rows, num_home, NULL, err);
}

static void update_file_close(void *user, ops_file *file) {
    update_ctx *ctx = user;
    update_file_free(file->step_state, ctx->num_assigns);
    file->step_state = NULL;
}

ff_status ff_dataset_update(const char *root, const ff_update_options *options, ff_ops_stats *stats,
                            ff_error *err) {
    if (options->num_assignments <= 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "update needs at least one --set");
    update_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.options = options;
    ctx.num_assigns = options->num_assignments;
    ff_status status = FF_OK;
    ctx.assigns = ff_calloc((size_t)ctx.num_assigns, sizeof *ctx.assigns, "assignments", err);
    if (!ctx.assigns)
        return FF_ERR_NO_MEMORY;
    for (int32_t idx = 0; idx < ctx.num_assigns; idx++) {
        ctx.assigns[idx].column = options->assignments[idx].column;
        ctx.assigns[idx].text = options->assignments[idx].expr;
        if (!ctx.assigns[idx].column || !*ctx.assigns[idx].column || !ctx.assigns[idx].text) {
            status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "--set wants COL=EXPR");
            goto cleanup;
        }
    }
    static const ops_step step = {
        .op = "update",
        .partition_may_match = update_partition_may_match,
        .file_open = update_file_open,
        .row_group_may_match = update_row_group_may_match,
        .keeps_rows_in_place = update_keeps_rows_in_place,
        .count = update_count,
        .transform = update_transform,
        .file_close = update_file_close,
    };
    status =
        ops_run_step(root, &options->common, &step, &ctx, false, false, update_prepare, stats, err);
cleanup:
    ff_expr_free(ctx.global_where);
    free(ctx.assigns);
    return status;
}
