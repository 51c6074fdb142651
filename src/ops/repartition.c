/* REPARTITION: lays a dataset out by other partition columns, optionally derived by
 * expressions (DESIGN.md §7, the Repartitioner of docs/repartition.md).
 *
 * Every file of the source goes through the rewrite engine whole (OPS_FILE_ALL). The per-batch
 * step evaluates the derived columns (appended to the file's columns, or replacing a column
 * of that name), computes each row's directory from the `by` columns and emits the rows of
 * each directory together. Two targets:
 *  - a new dataset DST: the engine commits the outputs to DST (ops_engine_config.output_root)
 *    as one transaction and keeps the sources; DST must be absent or empty, and a failed run
 *    removes the tool state it created there, so DST ends up as it was or complete;
 *  - in place: one transaction adds the new layout and removes every source file (kept as a
 *    backup), so readers see the old layout or the new one, never a mix.
 * A dry run (--estimate) walks and evaluates everything and writes nothing.
 *
 * Left out: source files that do not store their partition columns (the values would be
 * lost) are refused rather than filled from the directory names. */
#include "ops/ops_internal.h"

#include "util/check.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct repart_derived {
    const char *name;
    const char *text;
    int32_t global_idx;
} repart_derived;

typedef struct repart_ctx {
    const ff_repartition_options *options;
    repart_derived *derived;
    int32_t num_derived;
    int32_t *by_derived; /* per by column: the derived column it is, or -1 */
    int64_t num_files;
    /* Distinct target directories over every worker, for partitions_after. */
    pthread_mutex_t mutex;
    ops_keymap dirs;
} repart_ctx;

/* Per file (and so per worker). */
typedef struct repart_file {
    ff_expr **exprs;    /* per derived column */
    ff_vector *results; /* per derived column */
    int32_t *out_idx;   /* per derived column: its column in the output view */
    int32_t *by_eval;   /* per by column: eval column, or -1 when derived */
    const ff_vector **by_cols;
    ops_keymap groups;   /* directory -> group, per batch */
    ops_keymap seen;     /* directories this file already counted */
    ff_buf dir, dirs;    /* scratch: one directory; every group's, NUL-terminated */
    size_t *dir_off;     /* per group: offset in dirs */
    int64_t *group_len;  /* per group: rows */
    int64_t *group_pos;  /* per group: next slot in order */
    uint32_t *row_group; /* per row: its group */
    uint32_t *order;     /* rows sorted by group */
    size_t rows_cap, groups_cap;
} repart_file;

void ff_repartition_options_init(ff_repartition_options *options) {
    memset(options, 0, sizeof *options);
    ff_ops_options_init(&options->common);
}

static ff_status repart_prepare(void *user, ops_engine *engine, ff_error *err) {
    repart_ctx *ctx = user;
    const ff_repartition_options *options = ctx->options;
    ctx->num_files = (int64_t)ops_engine_discovery(engine)->num_files;
    /* Every file's columns: a `by` column or an expression may name one only some files have. */
    FF_FORWARD_IF_ERROR(ops_engine_load_union(engine, err));
    ops_schema *global = ops_engine_schema(engine);
    ff_expr_options eopts;
    for (int32_t idx = 0; idx < ctx->num_derived; idx++) {
        repart_derived *derived = &ctx->derived[idx];
        for (int32_t prev = 0; prev < idx; prev++)
            if (!strcmp(ctx->derived[prev].name, derived->name))
                return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                    "--derive %s: column derived twice", derived->name);
        ff_expr_options_init(&eopts);
        int32_t existing = ops_schema_find(global, derived->name);
        ff_type target;
        if (existing >= 0) {
            target = global->fields[existing].type;
            eopts.target_type = &target;
            eopts.target_name = derived->name;
        }
        ff_expr *expr = NULL;
        ff_table_schema table = ops_schema_table(global);
        ff_status status = ff_expr_compile(derived->text, &table, &eopts, &expr, err);
        if (status != FF_OK)
            return ff_error_prefix(err, "--derive %s", derived->name);
        ff_type type = *ff_expr_result_type(expr);
        ff_expr_free(expr);
        if (existing < 0) {
            if (type.logical == FF_LOGICAL_NULL)
                return ff_error_set(err, FF_ERR_EXPR_TYPE,
                                    "--derive %s: cannot infer the column's type from NULL; use "
                                    "CAST(NULL AS type)",
                                    derived->name);
            FF_FORWARD_IF_ERROR(ops_schema_add(global, derived->name, &type, err));
        }
    }
    /* Derived columns refer to each other only through the source's columns: they are compiled
     * against the schema before any was added, so look indices up once all are in. */
    for (int32_t idx = 0; idx < ctx->num_derived; idx++)
        ctx->derived[idx].global_idx = ops_schema_find(global, ctx->derived[idx].name);
    for (int32_t by_idx = 0; by_idx < options->num_by; by_idx++) {
        const char *name = options->by[by_idx];
        for (int32_t prev = 0; prev < by_idx; prev++)
            if (!strcmp(options->by[prev], name))
                return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "--by %s: column named twice",
                                    name);
        ctx->by_derived[by_idx] = -1;
        for (int32_t idx = 0; idx < ctx->num_derived; idx++)
            if (!strcmp(ctx->derived[idx].name, name))
                ctx->by_derived[by_idx] = idx;
        if (ctx->by_derived[by_idx] < 0 && ops_schema_find(global, name) < 0)
            return ff_error_set(err, FF_ERR_SCHEMA,
                                "--by %s: no such column in %s (nor a --derive NAME)", name,
                                ops_engine_root(engine));
    }
    return FF_OK;
}

static void repart_file_free(repart_file *state, int32_t num_derived) {
    if (!state)
        return;
    for (int32_t idx = 0; state->exprs && idx < num_derived; idx++)
        ff_expr_free(state->exprs[idx]);
    for (int32_t idx = 0; state->results && idx < num_derived; idx++)
        ff_vector_free(&state->results[idx]);
    free(state->exprs);
    free(state->results);
    free(state->out_idx);
    free(state->by_eval);
    free(state->by_cols);
    ops_keymap_free(&state->groups);
    ops_keymap_free(&state->seen);
    ff_buf_free(&state->dir);
    ff_buf_free(&state->dirs);
    free(state->dir_off);
    free(state->group_len);
    free(state->group_pos);
    free(state->row_group);
    free(state->order);
    free(state);
}

static ff_status repart_file_open(void *user, ops_engine *engine, ops_file *file,
                                  ops_file_plan *plan, ff_error *err) {
    repart_ctx *ctx = user;
    const ff_repartition_options *options = ctx->options;
    ops_schema *global = ops_engine_schema(engine);
    const ff_discovery *discovery = ops_engine_discovery(engine);
    const int32_t *part_fields = ops_engine_partition_fields(engine);
    for (size_t col = 0; col < discovery->num_partition_columns; col++)
        if (part_fields[col] < 0 ||
            file->global_to_eval[part_fields[col]] >= file->num_file_columns)
            return ff_error_set(err, FF_ERR_UNSUPPORTED,
                                "partition column '%s' is not stored in the file; repartitioning "
                                "would lose its values",
                                discovery->partition_columns[col]);
    repart_file *state = ff_calloc(1, sizeof *state, "repartition", err);
    if (!state)
        return FF_ERR_NO_MEMORY;
    file->step_state = state;
    ops_keymap_init(&state->groups);
    ops_keymap_init(&state->seen);
    ff_buf_init(&state->dir, 0);
    ff_buf_init(&state->dirs, 0);
    size_t n = (size_t)ctx->num_derived + 1;
    state->exprs = ff_calloc(n, sizeof *state->exprs, "repartition", err);
    state->results = ff_calloc(n, sizeof *state->results, "repartition", err);
    state->out_idx = ff_calloc(n, sizeof *state->out_idx, "repartition", err);
    state->by_eval = ff_calloc((size_t)options->num_by + 1, sizeof(int32_t), "repartition", err);
    state->by_cols =
        ff_calloc((size_t)options->num_by + 1, sizeof *state->by_cols, "repartition", err);
    if (!state->exprs || !state->results || !state->out_idx || !state->by_eval || !state->by_cols)
        return FF_ERR_NO_MEMORY;
    for (int32_t idx = 0; idx < ctx->num_derived; idx++) {
        const repart_derived *derived = &ctx->derived[idx];
        int32_t eval_idx = file->global_to_eval[derived->global_idx];
        if (eval_idx < file->num_file_columns) {
            state->out_idx[idx] = eval_idx;
        } else {
            state->out_idx[idx] = file->num_file_columns + file->num_out_extra;
            file->out_extra[file->num_out_extra++] = derived->global_idx;
        }
        ff_expr_options eopts;
        ff_expr_options_init(&eopts);
        eopts.target_type = &global->fields[derived->global_idx].type;
        eopts.target_name = derived->name;
        ff_vector_init(&state->results[idx], &global->fields[derived->global_idx].type);
        ff_status status =
            ff_expr_compile(derived->text, &file->eval_table, &eopts, &state->exprs[idx], err);
        if (status != FF_OK)
            return ff_error_prefix(err, "--derive %s", derived->name);
    }
    for (int32_t by_idx = 0; by_idx < options->num_by; by_idx++)
        state->by_eval[by_idx] =
            ctx->by_derived[by_idx] >= 0
                ? -1
                : file->global_to_eval[ops_schema_find(global, options->by[by_idx])];
    *plan = OPS_FILE_ALL;
    return FF_OK;
}

static ff_status repart_count(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                              int64_t first_row, const ff_batch *batch, int64_t *num_affected,
                              ff_error *err) {
    (void)user, (void)engine, (void)file, (void)rg, (void)first_row, (void)err;
    *num_affected = batch->num_rows;
    return FF_OK;
}

static ff_status grow_rows(repart_file *state, size_t rows, ff_error *err) {
    if (state->rows_cap >= rows)
        return FF_OK;
    uint32_t *row_group = ff_realloc(state->row_group, rows * sizeof *row_group, "rows", err);
    if (!row_group)
        return FF_ERR_NO_MEMORY;
    state->row_group = row_group;
    uint32_t *order = ff_realloc(state->order, rows * sizeof *order, "rows", err);
    if (!order)
        return FF_ERR_NO_MEMORY;
    state->order = order;
    state->rows_cap = rows;
    return FF_OK;
}

static ff_status add_group(repart_file *state, size_t group, ff_error *err) {
    if (group >= state->groups_cap) {
        size_t cap = state->groups_cap ? state->groups_cap * 2 : 16;
        size_t *dir_off = ff_realloc(state->dir_off, cap * sizeof *dir_off, "groups", err);
        if (!dir_off)
            return FF_ERR_NO_MEMORY;
        state->dir_off = dir_off;
        int64_t *len = ff_realloc(state->group_len, cap * sizeof *len, "groups", err);
        if (!len)
            return FF_ERR_NO_MEMORY;
        state->group_len = len;
        int64_t *pos = ff_realloc(state->group_pos, cap * sizeof *pos, "groups", err);
        if (!pos)
            return FF_ERR_NO_MEMORY;
        state->group_pos = pos;
        state->groups_cap = cap;
    }
    state->dir_off[group] = state->dirs.len;
    state->group_len[group] = 0;
    FF_FORWARD_IF_ERROR(ff_buf_append(&state->dirs, state->dir.data, state->dir.len, err));
    return ff_buf_append_byte(&state->dirs, 0, err);
}

/* Counts a target directory once over the whole run. */
static ff_status note_dir(repart_ctx *ctx, repart_file *state, const char *dir, ff_error *err) {
    ops_keymap_entry *entry;
    bool is_new;
    size_t len = strlen(dir);
    FF_FORWARD_IF_ERROR(
        ops_keymap_upsert(&state->seen, (const uint8_t *)dir, len, &entry, &is_new, err));
    if (!is_new)
        return FF_OK;
    pthread_mutex_lock(&ctx->mutex);
    ff_status status =
        ops_keymap_upsert(&ctx->dirs, (const uint8_t *)dir, len, &entry, &is_new, err);
    pthread_mutex_unlock(&ctx->mutex);
    return status;
}

static ff_status repart_transform(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                                  int64_t first_row, const ff_batch *batch, ff_error *err) {
    (void)rg, (void)first_row;
    repart_ctx *ctx = user;
    repart_file *state = file->step_state;
    const ff_repartition_options *options = ctx->options;
    int64_t rows = batch->num_rows;
    ff_batch *out = NULL;
    FF_FORWARD_IF_ERROR(ops_output_view(engine, file, batch, &out, err));
    ops_schema *global = ops_engine_schema(engine);
    for (int32_t idx = 0; idx < ctx->num_derived; idx++) {
        ff_status status = ff_expr_evaluate(state->exprs[idx], batch, &state->results[idx], err);
        if (status != FF_OK)
            return ff_error_prefix(err, "--derive %s", ctx->derived[idx].name);
        state->results[idx].type = global->fields[ctx->derived[idx].global_idx].type;
        out->columns[state->out_idx[idx]] = state->results[idx];
    }
    for (int32_t by_idx = 0; by_idx < options->num_by; by_idx++)
        state->by_cols[by_idx] = ctx->by_derived[by_idx] >= 0
                                     ? &state->results[ctx->by_derived[by_idx]]
                                     : &batch->columns[state->by_eval[by_idx]];
    FF_FORWARD_IF_ERROR(grow_rows(state, (size_t)rows + 1, err));
    ops_keymap_free(&state->groups);
    ops_keymap_init(&state->groups);
    ff_buf_reset(&state->dirs);
    size_t num_groups = 0;
    for (int64_t row = 0; row < rows; row++) {
        /* Rows usually come in runs of one directory (files are written in time order):
         * compare with the previous row before formatting the directory. */
        bool same = row > 0;
        for (int32_t by_idx = 0; same && by_idx < options->num_by; by_idx++)
            same =
                ops_vector_slot_equal(state->by_cols[by_idx], row, state->by_cols[by_idx], row - 1);
        if (same) {
            state->row_group[row] = state->row_group[row - 1];
            state->group_len[state->row_group[row]]++;
            continue;
        }
        FF_FORWARD_IF_ERROR(ops_partition_dir(options->by, (size_t)options->num_by, state->by_cols,
                                              row, &state->dir, err));
        ops_keymap_entry *entry;
        bool is_new;
        FF_FORWARD_IF_ERROR(ops_keymap_upsert(&state->groups, state->dir.data, state->dir.len,
                                              &entry, &is_new, err));
        if (is_new) {
            entry->a = (int64_t)num_groups;
            FF_FORWARD_IF_ERROR(add_group(state, num_groups, err));
            num_groups++;
        }
        state->row_group[row] = (uint32_t)entry->a;
        state->group_len[entry->a]++;
    }
    int64_t pos = 0;
    for (size_t group = 0; group < num_groups; group++) {
        state->group_pos[group] = pos;
        pos += state->group_len[group];
    }
    for (int64_t row = 0; row < rows; row++)
        state->order[state->group_pos[state->row_group[row]]++] = (uint32_t)row;
    pos = 0;
    for (size_t group = 0; group < num_groups; group++) {
        const char *dir = (const char *)state->dirs.data + state->dir_off[group];
        FF_FORWARD_IF_ERROR(note_dir(ctx, state, dir, err));
        FF_FORWARD_IF_ERROR(
            ops_emit(engine, file, out, state->order + pos, state->group_len[group], dir, err));
        pos += state->group_len[group];
    }
    return FF_OK;
}

static void repart_file_close(void *user, ops_file *file) {
    repart_ctx *ctx = user;
    repart_file_free(file->step_state, ctx->num_derived);
    file->step_state = NULL;
}

/* ---- The target directory ---------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int find_data_file(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)ftw;
    size_t len = strlen(path);
    if (flag == FTW_F && len > 8 && !strcmp(path + len - 8, ".parquet") &&
        !strstr(path, "/_fluxforge/"))
        return 1;
    return 0;
}

/* dst must not exist, or be an empty directory, and must not be src or lie inside it. */
static ff_status check_target(const char *src, const char *dst, bool *exists, ff_error *err) {
    char src_real[PATH_MAX], dst_real[PATH_MAX];
    if (!realpath(src, src_real))
        return ff_error_set(err, FF_ERR_NOT_FOUND, "%s: %s", src, strerror(errno));
    struct stat st;
    *exists = stat(dst, &st) == 0;
    if (*exists) {
        if (!S_ISDIR(st.st_mode))
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s exists and is not a directory",
                                dst);
        if (!realpath(dst, dst_real))
            return ff_error_set(err, FF_ERR_IO, "%s: %s", dst, strerror(errno));
    } else {
        /* The parent must exist; the new directory is its child. */
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", dst);
        size_t len = strlen(parent);
        while (len > 1 && parent[len - 1] == '/')
            parent[--len] = 0;
        char *slash = strrchr(parent, '/');
        const char *base = slash ? slash + 1 : parent;
        char parent_dir[PATH_MAX];
        snprintf(parent_dir, sizeof parent_dir, "%.*s",
                 slash ? (int)(slash - parent) + (slash == parent) : 1, slash ? parent : ".");
        char parent_real[PATH_MAX];
        if (!realpath(parent_dir, parent_real))
            return ff_error_set(err, FF_ERR_NOT_FOUND, "%s: parent directory: %s", dst,
                                strerror(errno));
        if ((size_t)snprintf(dst_real, sizeof dst_real, "%s/%s", parent_real, base) >=
            sizeof dst_real)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: path too long", dst);
    }
    size_t src_len = strlen(src_real);
    if (!strcmp(src_real, dst_real) ||
        (!strncmp(dst_real, src_real, src_len) && dst_real[src_len] == '/'))
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "%s is %s or inside it; use --in-place to repartition in place", dst,
                            src);
    if (*exists) {
        /* Empty, or holding only the tool state a failed or rolled-back run leaves. */
        DIR *dir = opendir(dst);
        if (!dir)
            return ff_error_set(err, FF_ERR_IO, "%s: %s", dst, strerror(errno));
        bool is_empty = true;
        for (struct dirent *entry; (entry = readdir(dir)) != NULL;)
            if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..") &&
                strcmp(entry->d_name, "_fluxforge"))
                is_empty = false;
        closedir(dir);
        if (!is_empty)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "%s exists and is not empty; repartition writes a new dataset "
                                "there (or use --in-place)",
                                dst);
    }
    return FF_OK;
}

/* Was there tool state in dst before this run? Then it belongs to an earlier run or to another
 * writer, and a failed run leaves it for `recover`. */
static bool has_tool_state(const char *dst) {
    char state[PATH_MAX];
    struct stat st;
    return (size_t)snprintf(state, sizeof state, "%s/_fluxforge", dst) < sizeof state &&
           stat(state, &st) == 0;
}

/* After a failed run into dst: removes the tool state the run created (and dst itself when it
 * did not exist), unless data files are there, which only a rollback that itself failed
 * leaves; those stay for `fluxforge recover`. */
static void undo_target(const char *dst, bool existed) {
    if (nftw(dst, find_data_file, 16, FTW_PHYS) == 1)
        return;
    char state[PATH_MAX];
    if ((size_t)snprintf(state, sizeof state, "%s/_fluxforge", dst) >= sizeof state)
        return;
    (void)nftw(existed ? state : dst, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

ff_status ff_dataset_repartition(const char *src, const char *dst,
                                 const ff_repartition_options *options, ff_ops_stats *stats,
                                 ff_error *err) {
    if (options->num_by <= 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "repartition needs --by with at least one column");
    if (!options->in_place && (!dst || !*dst))
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "repartition needs a target directory or --in-place");
    if (options->in_place && options->common.num_partitions > 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "repartition --in-place applies to the whole dataset: --partition "
                            "would leave two layouts side by side");
    if (options->in_place && dst)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "repartition --in-place takes no target directory");
    for (int32_t idx = 0; idx < options->num_derived; idx++)
        if (!options->derived[idx].name || !*options->derived[idx].name ||
            !options->derived[idx].expr || !*options->derived[idx].expr)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "--derive wants NAME=EXPR");
    bool dst_existed = false, had_state = false;
    if (!options->in_place) {
        FF_FORWARD_IF_ERROR(check_target(src, dst, &dst_existed, err));
        had_state = dst_existed && has_tool_state(dst);
    }
    repart_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.options = options;
    ctx.num_derived = options->num_derived;
    pthread_mutex_init(&ctx.mutex, NULL);
    ops_keymap_init(&ctx.dirs);
    ff_status status = FF_OK;
    ctx.derived = ff_calloc((size_t)ctx.num_derived + 1, sizeof *ctx.derived, "repartition", err);
    ctx.by_derived =
        ff_calloc((size_t)options->num_by + 1, sizeof *ctx.by_derived, "repartition", err);
    if (!ctx.derived || !ctx.by_derived) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (int32_t idx = 0; idx < ctx.num_derived; idx++) {
        ctx.derived[idx].name = options->derived[idx].name;
        ctx.derived[idx].text = options->derived[idx].expr;
    }
    static const ops_step step = {
        .op = "repartition",
        .file_open = repart_file_open,
        .count = repart_count,
        .transform = repart_transform,
        .file_close = repart_file_close,
    };
    ops_engine_config config;
    memset(&config, 0, sizeof config);
    config.root = src;
    config.options = &options->common;
    config.step = &step;
    config.user = &ctx;
    config.stats = stats;
    /* One transaction: a reader of either dataset never sees half of the new layout. */
    config.single_transaction = true;
    config.output_root = options->in_place ? NULL : dst;
    status = ops_run_config(&config, repart_prepare, err);
    if (status == FF_OK) {
        stats->files_before = ctx.num_files;
        stats->files_after = stats->files_added;
        stats->partitions_after = (int64_t)ctx.dirs.count;
        if (!options->in_place) {
            /* The sources were only read: the partitions touched are the new ones. */
            stats->files_rewritten = 0;
            stats->partitions_touched = stats->partitions_after;
        }
    } else if (!options->in_place && !options->common.dry_run && !had_state &&
               status != FF_ERR_CONFLICT) {
        /* Not on a conflict: the state may be another writer's, created after the check. */
        undo_target(dst, dst_existed);
    }
cleanup:
    free(ctx.derived);
    free(ctx.by_derived);
    ops_keymap_free(&ctx.dirs);
    pthread_mutex_destroy(&ctx.mutex);
    return status;
}
