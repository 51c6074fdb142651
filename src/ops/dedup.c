/* DEDUP: leaves one row per key, per partition or across the dataset.
 *
 * The plan reads the key and order-by columns of every file in scope once and keeps, per key,
 * the winning row: "first" is the smallest (order_by ascending with NULLs last, then file name,
 * then row position), "last" the largest order_by (NULLs still lose), then the last file name
 * and row position; NaN sorts above every number, as in DuckDB. Files are visited in path
 * order and rows in file order, so file name and position break ties without being stored.
 * The per-batch step then keeps the rows that are their key's winner; files holding no loser
 * are left untouched. The winners' map holds one entry per distinct key. */
#include "ops/ops_internal.h"

#include "util/check.h"
#include "util/fileio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct dedup_candidate {
    int64_t file_idx;
    int64_t row;
    bool is_null;
    int64_t i64;
    double f64;
    size_t bytes_off, bytes_len;
} dedup_candidate;

typedef enum order_kind {
    ORDER_NONE,
    ORDER_INT,
    ORDER_FLOAT,
    ORDER_BYTES,
    ORDER_SIGNED_BE
} order_kind;

typedef struct dedup_ctx {
    const ff_dedup_options *options;
    ff_ops_stats *stats;
    int32_t *key_global;
    int32_t order_global; /* -1 without --order-by */
    ops_keymap winners;   /* (partition,) key -> candidate index in a */
    dedup_candidate *cands;
    size_t num_cands, cap_cands;
    ff_buf order_bytes;
    ff_buf key; /* scratch of the planning, on the main thread */
} dedup_ctx;

typedef struct dedup_file {
    int32_t *key_eval;
    ff_buf prefix;
    /* Scratch: per file, so that files on different workers never share it. */
    ff_buf key;
    uint32_t *keep;
    size_t keep_cap;
} dedup_file;

void ff_dedup_options_init(ff_dedup_options *options) {
    memset(options, 0, sizeof *options);
    ff_ops_options_init(&options->common);
}

static order_kind kind_of(const ff_type *type) {
    switch (type->physical) {
    case FF_PHYSICAL_BOOLEAN:
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_INT64:
        return ORDER_INT;
    case FF_PHYSICAL_FLOAT:
    case FF_PHYSICAL_DOUBLE:
        return ORDER_FLOAT;
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
    case FF_PHYSICAL_BYTE_ARRAY:
        return type->logical == FF_LOGICAL_DECIMAL ? ORDER_SIGNED_BE : ORDER_BYTES;
    default:
        return ORDER_BYTES;
    }
}

/* Reads the order value of slot row into cand (bytes appended to ctx->order_bytes). */
static ff_status load_order(dedup_ctx *ctx, const ff_vector *vec, int64_t row,
                            dedup_candidate *cand, ff_error *err) {
    cand->is_null = ff_vector_is_null(vec, row);
    if (cand->is_null)
        return FF_OK;
    switch (vec->type.physical) {
    case FF_PHYSICAL_BOOLEAN:
        cand->i64 = vec->values[row] != 0;
        return FF_OK;
    case FF_PHYSICAL_INT32: {
        int32_t v;
        memcpy(&v, vec->values + row * 4, 4);
        cand->i64 = (vec->type.logical == FF_LOGICAL_INT && !vec->type.int_is_signed)
                        ? (int64_t)(uint32_t)v
                        : v;
        return FF_OK;
    }
    case FF_PHYSICAL_INT64:
        memcpy(&cand->i64, vec->values + row * 8, 8);
        return FF_OK;
    case FF_PHYSICAL_FLOAT: {
        float v;
        memcpy(&v, vec->values + row * 4, 4);
        cand->f64 = v;
        return FF_OK;
    }
    case FF_PHYSICAL_DOUBLE:
        memcpy(&cand->f64, vec->values + row * 8, 8);
        return FF_OK;
    case FF_PHYSICAL_BYTE_ARRAY:
        cand->bytes_off = ctx->order_bytes.len;
        cand->bytes_len = (size_t)(vec->offsets[row + 1] - vec->offsets[row]);
        return ff_buf_append(&ctx->order_bytes, vec->values + vec->offsets[row], cand->bytes_len,
                             err);
    default: {
        size_t width = (size_t)ff_type_value_width(&vec->type);
        cand->bytes_off = ctx->order_bytes.len;
        cand->bytes_len = width;
        return ff_buf_append(&ctx->order_bytes, vec->values + (size_t)row * width, width, err);
    }
    }
}

/* Compares non-null order values: <0, 0, >0. */
static int compare_order(const dedup_ctx *ctx, order_kind kind, const dedup_candidate *a,
                         const dedup_candidate *b) {
    switch (kind) {
    case ORDER_INT:
        return (a->i64 > b->i64) - (a->i64 < b->i64);
    case ORDER_FLOAT: {
        bool a_nan = isnan(a->f64), b_nan = isnan(b->f64);
        if (a_nan || b_nan)
            return (int)a_nan - (int)b_nan;
        return (a->f64 > b->f64) - (a->f64 < b->f64);
    }
    case ORDER_SIGNED_BE: {
        const uint8_t *x = ctx->order_bytes.data + a->bytes_off;
        const uint8_t *y = ctx->order_bytes.data + b->bytes_off;
        if (a->bytes_len != b->bytes_len || a->bytes_len == 0)
            return (a->bytes_len > b->bytes_len) - (a->bytes_len < b->bytes_len);
        bool x_neg = x[0] & 0x80, y_neg = y[0] & 0x80;
        if (x_neg != y_neg)
            return x_neg ? -1 : 1;
        int c = memcmp(x, y, a->bytes_len);
        return (c > 0) - (c < 0);
    }
    default: {
        size_t len = a->bytes_len < b->bytes_len ? a->bytes_len : b->bytes_len;
        int c = len ? memcmp(ctx->order_bytes.data + a->bytes_off,
                             ctx->order_bytes.data + b->bytes_off, len)
                    : 0;
        if (c)
            return (c > 0) - (c < 0);
        return (a->bytes_len > b->bytes_len) - (a->bytes_len < b->bytes_len);
    }
    }
}

/* Does the new candidate beat the current winner? Candidates arrive in file and row order. */
static bool beats(const dedup_ctx *ctx, order_kind kind, const dedup_candidate *fresh,
                  const dedup_candidate *best) {
    bool keep_last = ctx->options->keep_last;
    if (kind == ORDER_NONE)
        return keep_last;
    if (fresh->is_null || best->is_null) {
        if (fresh->is_null && best->is_null)
            return keep_last; /* tie */
        return best->is_null; /* a NULL order value never beats a value */
    }
    int c = compare_order(ctx, kind, fresh, best);
    if (c == 0)
        return keep_last;
    return keep_last ? c > 0 : c < 0;
}

/* The map key prefix of a file: its partition values, unless deduplicating across. */
static ff_status file_prefix(const dedup_ctx *ctx, const ff_discovery *discovery,
                             const ff_dataset_file *file, ff_buf *out, ff_error *err) {
    ff_buf_reset(out);
    if (ctx->options->across_partitions)
        return FF_OK;
    for (size_t col = 0; col < discovery->num_partition_columns; col++) {
        const ff_partition_value *value = &file->values[col];
        uint8_t header[9] = {value->is_null ? 0 : 1};
        uint64_t len = value->is_null ? 0 : value->len;
        memcpy(header + 1, &len, 8);
        FF_FORWARD_IF_ERROR(ff_buf_append(out, header, sizeof header, err));
        if (len)
            FF_FORWARD_IF_ERROR(ff_buf_append(out, value->bytes, (size_t)len, err));
    }
    return FF_OK;
}

static bool file_in_scope(const ff_ops_options *options, const ff_discovery *discovery,
                          const ff_dataset_file *file) {
    for (int32_t idx = 0; idx < options->num_partitions; idx++) {
        const char *pair = options->partitions[idx];
        const char *eq = strchr(pair, '=');
        bool ok = false;
        for (size_t col = 0; eq && col < discovery->num_partition_columns; col++) {
            const char *name = discovery->partition_columns[col];
            if (strlen(name) != (size_t)(eq - pair) || memcmp(name, pair, (size_t)(eq - pair)))
                continue;
            const ff_partition_value *value = &file->values[col];
            if (!strcmp(eq + 1, FF_HIVE_DEFAULT_PARTITION))
                ok = value->is_null;
            else
                ok = !value->is_null && value->len == strlen(eq + 1) &&
                     !memcmp(value->bytes, eq + 1, value->len);
        }
        if (!ok)
            return false;
    }
    return true;
}

/* Looks a top-level column up in a file: its leaf index, or -1. */
static int32_t file_column(const ff_schema *tree, const char *name) {
    const ff_schema_node *node = ff_schema_find_top(tree, name);
    return node && node->is_leaf ? node->leaf_idx : -1;
}

/* Reads one file's keys and order values into the winners' map. */
static ff_status scan_winners(dedup_ctx *ctx, ops_engine *engine, size_t file_idx, ff_batch *batch,
                              ff_vector *null_vec, ff_error *err) {
    const ff_discovery *discovery = ops_engine_discovery(engine);
    const ops_schema *global = ops_engine_schema(engine);
    const ff_dataset_file *file = &discovery->files[file_idx];
    int32_t num_keys = ctx->options->num_keys;
    char path[FF_PATH_CAP];
    ff_reader *reader = NULL;
    int32_t cols[66], positions[66];
    ff_buf prefix;
    ff_buf_init(&prefix, 0);
    ff_status status = ff_path_join(path, ops_engine_root(engine), file->rel_path, err);
    if (status == FF_OK)
        status = ff_reader_open(path, NULL, &reader, err);
    if (status == FF_OK)
        status = file_prefix(ctx, discovery, file, &prefix, err);
    if (status != FF_OK)
        goto cleanup;
    const ff_schema *tree = ff_reader_schema(reader);
    int32_t num_cols = 0;
    for (int32_t k = 0; k <= num_keys; k++) {
        int32_t g = k < num_keys ? ctx->key_global[k] : ctx->order_global;
        positions[k] = -1;
        if (g < 0)
            continue;
        int32_t leaf = file_column(tree, global->fields[g].name);
        if (leaf < 0)
            continue;
        positions[k] = num_cols;
        cols[num_cols++] = leaf;
    }
    order_kind kind =
        ctx->order_global < 0 ? ORDER_NONE : kind_of(&global->fields[ctx->order_global].type);
    int64_t first_row = 0;
    for (int32_t rg = 0; rg < ff_reader_num_row_groups(reader); rg++) {
        int64_t rows = ff_reader_row_group_num_rows(reader, rg);
        if (rows <= 0)
            continue;
        FF_CHECK_GOTO(status, ff_reader_read_row_group(reader, rg, cols, num_cols, batch, err),
                      cleanup);
        ff_vector_reset(null_vec);
        FF_CHECK_GOTO(status, ops_vector_append_nulls(null_vec, rows, err), cleanup);
        for (int64_t row = 0; row < rows; row++) {
            ff_buf_reset(&ctx->key);
            FF_CHECK_GOTO(status, ff_buf_append(&ctx->key, prefix.data, prefix.len, err), cleanup);
            for (int32_t k = 0; k < num_keys; k++) {
                const ff_vector *vec = positions[k] >= 0 ? &batch->columns[positions[k]] : null_vec;
                FF_CHECK_GOTO(status, ops_key_append(&ctx->key, vec, row, err), cleanup);
            }
            dedup_candidate fresh = {.file_idx = (int64_t)file_idx, .row = first_row + row};
            if (kind != ORDER_NONE) {
                const ff_vector *vec =
                    positions[num_keys] >= 0 ? &batch->columns[positions[num_keys]] : null_vec;
                FF_CHECK_GOTO(status, load_order(ctx, vec, row, &fresh, err), cleanup);
            }
            ops_keymap_entry *entry = NULL;
            bool is_new = false;
            FF_CHECK_GOTO(
                status,
                ops_keymap_upsert(&ctx->winners, ctx->key.data, ctx->key.len, &entry, &is_new, err),
                cleanup);
            if (is_new) {
                if (ctx->num_cands == ctx->cap_cands) {
                    size_t cap = ctx->cap_cands ? ctx->cap_cands * 2 : 1024;
                    dedup_candidate *grown =
                        ff_realloc(ctx->cands, cap * sizeof *grown, "dedup winners", err);
                    if (!grown) {
                        status = FF_ERR_NO_MEMORY;
                        goto cleanup;
                    }
                    ctx->cands = grown;
                    ctx->cap_cands = cap;
                }
                entry->a = (int64_t)ctx->num_cands;
                ctx->cands[ctx->num_cands++] = fresh;
            } else if (beats(ctx, kind, &fresh, &ctx->cands[entry->a])) {
                ctx->cands[entry->a] = fresh;
            }
        }
        first_row += rows;
    }
cleanup:
    if (status != FF_OK)
        ff_error_prefix(err, "%s", file->rel_path);
    ff_reader_free(reader);
    ff_buf_free(&prefix);
    return status;
}

static ff_status dedup_prepare(void *user, ops_engine *engine, ff_error *err) {
    dedup_ctx *ctx = user;
    const ff_dedup_options *options = ctx->options;
    FF_FORWARD_IF_ERROR(ops_engine_load_union(engine, err));
    const ops_schema *global = ops_engine_schema(engine);
    if (options->num_keys > 64)
        return ff_error_set(err, FF_ERR_LIMIT, "--key: more than 64 columns");
    ctx->key_global = ff_calloc((size_t)options->num_keys + 1, sizeof(int32_t), "keys", err);
    if (!ctx->key_global)
        return FF_ERR_NO_MEMORY;
    for (int32_t k = 0; k < options->num_keys; k++) {
        ctx->key_global[k] = ops_schema_find(global, options->keys[k]);
        if (ctx->key_global[k] < 0)
            return ff_error_set(err, FF_ERR_SCHEMA, "--key %s: no such column", options->keys[k]);
    }
    ctx->order_global = -1;
    if (options->order_by) {
        ctx->order_global = ops_schema_find(global, options->order_by);
        if (ctx->order_global < 0)
            return ff_error_set(err, FF_ERR_SCHEMA, "--order-by %s: no such column",
                                options->order_by);
    }
    const ff_discovery *discovery = ops_engine_discovery(engine);
    ff_batch batch;
    ff_status status = ff_batch_init(&batch, 0, err);
    ff_vector null_vec;
    ff_vector_init(&null_vec, &(ff_type){.physical = FF_PHYSICAL_INT32});
    for (size_t file_idx = 0; file_idx < discovery->num_files && status == FF_OK; file_idx++) {
        if (!file_in_scope(&options->common, discovery, &discovery->files[file_idx]))
            continue;
        status = scan_winners(ctx, engine, file_idx, &batch, &null_vec, err);
    }
    ff_batch_free(&batch);
    ff_vector_free(&null_vec);
    return status;
}

static ff_status dedup_file_open(void *user, ops_engine *engine, ops_file *file,
                                 ops_file_plan *plan, ff_error *err) {
    dedup_ctx *ctx = user;
    dedup_file *state = ff_calloc(1, sizeof *state, "dedup", err);
    if (!state)
        return FF_ERR_NO_MEMORY;
    file->step_state = state;
    ff_buf_init(&state->prefix, 0);
    ff_buf_init(&state->key, 0);
    state->key_eval = ff_calloc((size_t)ctx->options->num_keys + 1, sizeof(int32_t), "dedup", err);
    if (!state->key_eval)
        return FF_ERR_NO_MEMORY;
    for (int32_t k = 0; k < ctx->options->num_keys; k++) {
        state->key_eval[k] = file->global_to_eval[ctx->key_global[k]];
        file->probe[file->num_probe++] = state->key_eval[k];
    }
    FF_FORWARD_IF_ERROR(
        file_prefix(ctx, ops_engine_discovery(engine), file->entry, &state->prefix, err));
    *plan = OPS_FILE_SCAN;
    return FF_OK;
}

/* Fills the file's keep list with the winners of a batch; *num_keep gets their count. */
static ff_status winners_of(dedup_ctx *ctx, ops_file *file, int64_t first_row,
                            const ff_batch *batch, int64_t *num_keep, ff_error *err) {
    dedup_file *state = file->step_state;
    size_t rows = (size_t)batch->num_rows;
    if (state->keep_cap < rows) {
        uint32_t *grown = ff_realloc(state->keep, rows * sizeof *grown, "dedup", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        state->keep = grown;
        state->keep_cap = rows;
    }
    *num_keep = 0;
    for (size_t row = 0; row < rows; row++) {
        ff_buf_reset(&state->key);
        FF_FORWARD_IF_ERROR(ff_buf_append(&state->key, state->prefix.data, state->prefix.len, err));
        for (int32_t k = 0; k < ctx->options->num_keys; k++)
            FF_FORWARD_IF_ERROR(ops_key_append(&state->key, &batch->columns[state->key_eval[k]],
                                               (int64_t)row, err));
        ops_keymap_entry *entry = ops_keymap_find(&ctx->winners, state->key.data, state->key.len);
        /* A key the plan never saw (the file changed since) keeps its rows; the commit's
         * identity check refuses the change anyway. */
        const dedup_candidate *cand = entry ? &ctx->cands[entry->a] : NULL;
        if (!cand ||
            (cand->file_idx == (int64_t)file->file_idx && cand->row == first_row + (int64_t)row))
            state->keep[(*num_keep)++] = (uint32_t)row;
    }
    return FF_OK;
}

static ff_status dedup_count(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                             int64_t first_row, const ff_batch *batch, int64_t *num_affected,
                             ff_error *err) {
    (void)engine, (void)rg;
    int64_t num_keep = 0;
    FF_FORWARD_IF_ERROR(winners_of(user, file, first_row, batch, &num_keep, err));
    *num_affected = batch->num_rows - num_keep;
    return FF_OK;
}

static ff_status dedup_transform(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                                 int64_t first_row, const ff_batch *batch, ff_error *err) {
    (void)rg;
    dedup_ctx *ctx = user;
    int64_t num_keep = 0;
    FF_FORWARD_IF_ERROR(winners_of(ctx, file, first_row, batch, &num_keep, err));
    int64_t removed = batch->num_rows - num_keep;
    file->stats->rows_removed += removed;
    ops_engine_count(engine, removed, 0);
    ff_batch *out = NULL;
    FF_FORWARD_IF_ERROR(ops_output_view(engine, file, batch, &out, err));
    dedup_file *state = file->step_state;
    return ops_emit(engine, file, out, state->keep, num_keep, NULL, err);
}

static void dedup_file_close(void *user, ops_file *file) {
    (void)user;
    dedup_file *state = file->step_state;
    if (state) {
        free(state->key_eval);
        ff_buf_free(&state->prefix);
        ff_buf_free(&state->key);
        free(state->keep);
        free(state);
    }
    file->step_state = NULL;
}

ff_status ff_dataset_dedup(const char *root, const ff_dedup_options *options, ff_ops_stats *stats,
                           ff_error *err) {
    if (options->num_keys <= 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "dedup needs --key");
    dedup_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.options = options;
    ctx.stats = stats;
    ops_keymap_init(&ctx.winners);
    ff_buf_init(&ctx.order_bytes, 0);
    ff_buf_init(&ctx.key, 0);
    static const ops_step step = {
        .op = "dedup",
        .file_open = dedup_file_open,
        .count = dedup_count,
        .transform = dedup_transform,
        .file_close = dedup_file_close,
    };
    /* Across partitions, a key's rows may sit in several groups: commit them together. */
    ff_status status = ops_run_step(root, &options->common, &step, &ctx, options->across_partitions,
                                    false, dedup_prepare, stats, err);
    ops_keymap_free(&ctx.winners);
    free(ctx.cands);
    free(ctx.key_global);
    ff_buf_free(&ctx.order_bytes);
    ff_buf_free(&ctx.key);
    return status;
}
