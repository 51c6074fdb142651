/* COMPACT: merges the small files of a partition into files of about a target size (DESIGN.md
 * §7, the ParquetCompactor of docs/compact.md).
 *
 * The plan is made from the discovery alone, without opening a file: a file is small when its
 * size is below max_file_size, and a partition qualifies when it holds at least min_files small
 * files. The per-batch step passes every row of a selected file through unchanged; the rewrite
 * engine streams the row groups of the partition's small files into shared outputs, which it
 * cuts once they took target_size bytes of source files (ops_engine_config.output_target_bytes),
 * and removes the sources in the same transaction. Files that are not selected are never
 * opened, so they keep their bytes and inode. Row order inside an output follows the sources
 * in path order, or the --sort-by columns: the engine then holds each output's rows (bounded
 * by the target size) and writes them sorted when the output is closed. */
#include "ops/ops_internal.h"

#include "util/check.h"

#include <stdlib.h>
#include <string.h>

typedef struct compact_ctx {
    const ff_compact_options *options;
    bool *selected; /* per discovery file */
    int64_t num_files;
} compact_ctx;

void ff_compact_options_init(ff_compact_options *options) {
    memset(options, 0, sizeof *options);
    ff_ops_options_init(&options->common);
    options->target_size = 100ll << 20;
    options->min_files = 5;
    options->max_file_size = 20ll << 20;
}

static bool is_small(const ff_compact_options *options, const ff_dataset_file *file) {
    return options->max_file_size <= 0 || file->identity.size < options->max_file_size;
}

/* Marks the small files of every partition that has at least min_files of them. Files of one
 * directory are adjacent in the discovery (sorted by path). Merging a single file would only
 * rewrite it, so at least two are needed whatever min_files says. */
static ff_status compact_prepare(void *user, ops_engine *engine, ff_error *err) {
    compact_ctx *ctx = user;
    const ff_discovery *discovery = ops_engine_discovery(engine);
    if (ctx->options->num_sort_by > 0 && discovery->num_files > 0) {
        /* A sort column may exist only in some files; none having it is a typo. */
        FF_FORWARD_IF_ERROR(ops_engine_load_union(engine, err));
        for (int32_t idx = 0; idx < ctx->options->num_sort_by; idx++)
            if (ops_schema_find(ops_engine_schema(engine), ctx->options->sort_by[idx]) < 0)
                return ff_error_set(err, FF_ERR_SCHEMA, "--sort-by %s: no such column in %s",
                                    ctx->options->sort_by[idx], ops_engine_root(engine));
    }
    ctx->num_files = (int64_t)discovery->num_files;
    ctx->selected = ff_calloc(discovery->num_files + 1, sizeof *ctx->selected, "compact", err);
    if (!ctx->selected)
        return FF_ERR_NO_MEMORY;
    int64_t min_files = ctx->options->min_files < 2 ? 2 : ctx->options->min_files;
    for (size_t first = 0; first < discovery->num_files;) {
        size_t end = first + 1;
        while (end < discovery->num_files &&
               !strcmp(discovery->files[end].partition_dir, discovery->files[first].partition_dir))
            end++;
        int64_t num_small = 0;
        for (size_t idx = first; idx < end; idx++)
            num_small += is_small(ctx->options, &discovery->files[idx]);
        if (num_small >= min_files)
            for (size_t idx = first; idx < end; idx++)
                ctx->selected[idx] = is_small(ctx->options, &discovery->files[idx]);
        first = end;
    }
    return FF_OK;
}

/* True when every column is a top-level primitive one: the engine cannot rewrite others. */
static bool is_flat(const ff_schema *tree) {
    if (tree->num_leaves != tree->root->num_children)
        return false;
    for (int32_t idx = 0; idx < tree->root->num_children; idx++)
        if (!tree->root->children[idx]->is_leaf ||
            tree->root->children[idx]->repetition == FF_PQ_REPEATED)
            return false;
    return true;
}

/* Selected files are merged whole; a file with nested columns stays as it is rather than
 * failing the whole run. */
static ff_status compact_file_open(void *user, ops_engine *engine, ops_file *file,
                                   ops_file_plan *plan, ff_error *err) {
    (void)engine, (void)err;
    compact_ctx *ctx = user;
    *plan = ctx->selected[file->file_idx] && is_flat(file->tree) ? OPS_FILE_ALL : OPS_FILE_SKIP;
    return FF_OK;
}

/* Never called (every selected file is OPS_FILE_ALL); the engine's table wants one. */
static ff_status compact_count(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                               int64_t first_row, const ff_batch *batch, int64_t *num_affected,
                               ff_error *err) {
    (void)user, (void)engine, (void)file, (void)rg, (void)first_row, (void)err;
    *num_affected = batch->num_rows;
    return FF_OK;
}

static ff_status compact_transform(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                                   int64_t first_row, const ff_batch *batch, ff_error *err) {
    (void)user, (void)rg, (void)first_row;
    ff_batch *out = NULL;
    FF_FORWARD_IF_ERROR(ops_output_view(engine, file, batch, &out, err));
    return ops_emit(engine, file, out, NULL, batch->num_rows, NULL, err);
}

static void compact_file_close(void *user, ops_file *file) {
    (void)user, (void)file;
}

ff_status ff_dataset_compact(const char *root, const ff_compact_options *options,
                             ff_ops_stats *stats, ff_error *err) {
    if (options->target_size < 1)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "--target-size must be at least 1 byte");
    if (options->min_files < 1)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "--min-files must be at least 1");
    if (options->max_file_size < 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "--max-file-size must not be negative");
    compact_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.options = options;
    static const ops_step step = {
        .op = "compact",
        .file_open = compact_file_open,
        .count = compact_count,
        .transform = compact_transform,
        .file_close = compact_file_close,
    };
    ops_engine_config config;
    memset(&config, 0, sizeof config);
    config.root = root;
    config.options = &options->common;
    config.step = &step;
    config.user = &ctx;
    config.stats = stats;
    config.output_target_bytes = options->target_size;
    config.sort_by = options->sort_by;
    config.num_sort_by = options->num_sort_by;
    ff_status status = ops_run_config(&config, compact_prepare, err);
    if (status == FF_OK) {
        stats->files_before = ctx.num_files;
        stats->files_after =
            ctx.num_files - stats->files_rewritten - stats->files_removed + stats->files_added;
    }
    free(ctx.selected);
    return status;
}
