/* DELETE: removes the rows where a predicate is TRUE (SQL: NULL keeps the row).
 *
 * The plan is the predicate itself: analysed against partition values it prunes
 * directories, against row-group statistics it prunes row groups, and evaluated over the
 * predicate's columns alone it counts the rows a file would lose. The per-batch step keeps
 * the complement of the selection. A file that loses every row is removed, not rewritten. */
#include "ops/ops_internal.h"

#include "util/check.h"

#include <stdlib.h>
#include <string.h>

typedef struct delete_ctx {
    const ff_delete_options *options;
    ff_expr *global; /* compiled against the global schema, for partition pruning */
} delete_ctx;

/* Per file (and so per worker): the predicate compiled for the file's schema, and scratch. */
typedef struct delete_file {
    ff_expr *expr;
    ff_selection sel;
    uint32_t *keep;
    size_t keep_cap;
} delete_file;

void ff_delete_options_init(ff_delete_options *options) {
    memset(options, 0, sizeof *options);
    ff_ops_options_init(&options->common);
}

static ff_status delete_prepare(void *user, ops_engine *engine, ff_error *err) {
    delete_ctx *ctx = user;
    ff_expr_options eopts;
    ff_expr_options_init(&eopts);
    eopts.kind = FF_EXPR_PREDICATE;
    ff_status status = ops_compile_global(engine, ctx->options->where, &eopts, &ctx->global, err);
    if (status != FF_OK)
        ff_error_prefix(err, "--where");
    return status;
}

static bool delete_partition_may_match(void *user, const ff_column_facts *facts) {
    delete_ctx *ctx = user;
    return ops_may_match(ctx->global, facts, -1);
}

static ff_status delete_file_open(void *user, ops_engine *engine, ops_file *file,
                                  ops_file_plan *plan, ff_error *err) {
    (void)engine;
    delete_ctx *ctx = user;
    ff_expr_options eopts;
    ff_expr_options_init(&eopts);
    eopts.kind = FF_EXPR_PREDICATE;
    delete_file *state = ff_calloc(1, sizeof *state, "delete", err);
    if (!state)
        return FF_ERR_NO_MEMORY;
    ff_selection_init(&state->sel);
    file->step_state = state;
    FF_FORWARD_IF_ERROR(
        ff_expr_compile(ctx->options->where, &file->eval_table, &eopts, &state->expr, err));
    int32_t num_cols = 0;
    const int32_t *cols = ff_expr_columns(state->expr, &num_cols);
    memcpy(file->probe, cols, (size_t)num_cols * sizeof *cols);
    file->num_probe = num_cols;
    *plan = OPS_FILE_SCAN;
    return FF_OK;
}

static bool delete_row_group_may_match(void *user, ops_file *file, const ff_column_facts *facts,
                                       int64_t num_rows) {
    (void)user;
    delete_file *state = file->step_state;
    return ops_may_match(state->expr, facts, num_rows);
}

static bool delete_row_group_drops_all(void *user, ops_file *file, const ff_column_facts *facts,
                                       int64_t num_rows) {
    (void)user;
    delete_file *state = file->step_state;
    return ff_expr_analyze(state->expr, facts, num_rows) == FF_EXPR_ALWAYS_TRUE;
}

static void delete_drop_row_group(void *user, ops_engine *engine, ops_file *file,
                                  int64_t num_rows) {
    (void)user;
    file->stats->rows_deleted += num_rows;
    ops_engine_count(engine, num_rows, 0);
}

static ff_status delete_count(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                              int64_t first_row, const ff_batch *batch, int64_t *num_affected,
                              ff_error *err) {
    (void)user, (void)engine, (void)rg, (void)first_row;
    delete_file *ctx = file->step_state;
    FF_FORWARD_IF_ERROR(ff_expr_filter(ctx->expr, batch, &ctx->sel, err));
    *num_affected = ctx->sel.num_rows;
    return FF_OK;
}

static ff_status delete_transform(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                                  int64_t first_row, const ff_batch *batch, ff_error *err) {
    (void)user, (void)rg, (void)first_row;
    delete_file *ctx = file->step_state;
    FF_FORWARD_IF_ERROR(ff_expr_filter(ctx->expr, batch, &ctx->sel, err));
    size_t rows = (size_t)batch->num_rows;
    if (ctx->keep_cap < rows) {
        uint32_t *grown = ff_realloc(ctx->keep, rows * sizeof *grown, "selection", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        ctx->keep = grown;
        ctx->keep_cap = rows;
    }
    int64_t num_keep = 0, sel_idx = 0;
    for (uint32_t row = 0; row < rows; row++) {
        if (sel_idx < ctx->sel.num_rows && ctx->sel.rows[sel_idx] == row)
            sel_idx++;
        else
            ctx->keep[num_keep++] = row;
    }
    file->stats->rows_deleted += ctx->sel.num_rows;
    ops_engine_count(engine, ctx->sel.num_rows, 0);
    ff_batch *out = NULL;
    FF_FORWARD_IF_ERROR(ops_output_view(engine, file, batch, &out, err));
    return ops_emit(engine, file, out, ctx->keep, num_keep, NULL, err);
}

static void delete_file_close(void *user, ops_file *file) {
    (void)user;
    delete_file *state = file->step_state;
    if (state) {
        ff_expr_free(state->expr);
        ff_selection_free(&state->sel);
        free(state->keep);
        free(state);
    }
    file->step_state = NULL;
}

ff_status ff_dataset_delete(const char *root, const ff_delete_options *options, ff_ops_stats *stats,
                            ff_error *err) {
    if (!options->where || !*options->where)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "delete needs a --where predicate");
    delete_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.options = options;
    static const ops_step step = {
        .op = "delete",
        .partition_may_match = delete_partition_may_match,
        .file_open = delete_file_open,
        .row_group_may_match = delete_row_group_may_match,
        .row_group_drops_all = delete_row_group_drops_all,
        .drop_row_group = delete_drop_row_group,
        .count = delete_count,
        .transform = delete_transform,
        .file_close = delete_file_close,
    };
    ff_status status =
        ops_run_step(root, &options->common, &step, &ctx, false, false, delete_prepare, stats, err);
    ff_expr_free(ctx.global);
    return status;
}
