/* The rewrite engine shared by delete, update, upsert, dedup, compact and repartition
 * (DESIGN.md §2, §9).
 *
 * For each file the step's plan selects, the engine streams row groups through the step into
 * writers staged in a dataset transaction, then removes the source in the same transaction.
 * Work is skipped at three levels before any data page is read: partitions (the directory's
 * values as exact facts), files (the step looks at the footer) and row groups (column chunk
 * statistics through the same range analysis); then only the probe columns are decoded
 * until a row group is known to hold affected rows. A file with no affected row is closed
 * without having been written: it stays byte for byte as it was, inode included.
 *
 * Work is split by partition directory: one worker per core takes directories in path order,
 * each with its own reader, scratch and writers, so files of different directories are
 * rewritten at the same time; the transaction, the set of touched directories and the first
 * error are shared under a mutex, and each worker's counts are folded into the caller's when
 * the group's workers are joined. The rewritten files of one directory share their outputs
 * (one per schema and metadata), so a partition becomes one new file and one fsync, not one
 * per source file.
 *
 * Memory: per worker, one row group of the source plus its outputs' buffered row group; a
 * worker closes its outputs before it takes the next directory. Partitions commit in groups
 * (ff_ops_options.partitions_per_commit), each group one transaction validated by row counts
 * (rows in - rows removed + rows added == rows out). */
#include "ops/ops_internal.h"

#include "parquet/file/file_reader.h"
#include "parquet/file/row_text.h"

#include "util/check.h"
#include "util/fileio.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One output file being written. */
/* Rows gathered into one contiguous batch per write when an output takes a selection. */
#define OPS_GATHER_ROWS 8192

typedef struct ops_out {
    char *dir;
    char *signature;   /* schema and key-value metadata: outputs are shared only when equal */
    ff_writer *writer; /* NULL in a dry run */
    int64_t num_rows;
    /* Source bytes of the rows taken, for ops_engine_config.output_target_bytes. */
    int64_t input_bytes;
    ff_batch gather;
    /* With ops_engine_config.sort_by: the rows held until close, and the column of each sort
     * key in them (-1: the output lacks it). */
    ff_batch held;
    int32_t *sort_cols;
    /* With options->validate: the fingerprint of the rows handed to the writer, to compare
     * with the staged file's once it is closed. */
    const char *stage_path; /* owned by the transaction */
    struct ops_check *check;
} ops_out;

/* Heap-allocated so that the sink's error pointer stays put when the outputs array grows. */
typedef struct ops_check {
    ff_schema *tree; /* the output's schema (a copy) */
    ff_row_cursor cursor;
    ff_text_sink sink;
    ff_error sink_err;
    uint64_t expected;
} ops_check;

typedef struct ops_outs {
    ops_out *items;
    size_t count, cap;
} ops_outs;

/* What every worker of one run shares. Fields below `mutex` are guarded by it while workers
 * run; the rest is written only by the main thread, before or after them. */
typedef struct ops_shared {
    ops_engine_config cfg;
    const ff_ops_options *opts;
    ff_dataset *ds;
    ff_dataset *out_ds; /* the dataset outputs are committed to when cfg.output_root is set */
    ff_discovery *discovery;
    ops_schema global;
    bool has_union;
    int32_t *partition_fields;
    ops_outs new_outs; /* inserts, per directory, until the commit */
    ff_schema *new_tree;
    pthread_mutex_t mutex;
    ff_txn *txn;
    ops_keymap touched;
    /* The partitions of the current group, handed to workers in order. */
    size_t *unit_first, *unit_end; /* file index ranges, one directory each */
    size_t num_units, next_unit;
    int64_t files_done;
    ff_status status; /* the first failure of a worker */
    ff_error error;
} ops_shared;

/* An engine handle: the main one (statistics go straight to the caller's) or a worker's
 * (statistics and group counters kept locally, merged when the workers are joined). Steps get
 * whichever runs them; per-file scratch lives here, so workers never share buffers. */
struct ops_engine {
    ops_shared *sh;
    bool owns_shared;
    int worker_index; /* 0 .. OPS_MAX_WORKERS - 1; 0 for the engine that runs the steps' hooks */
    ff_ops_stats *stats;
    ff_ops_stats local_stats;
    /* The current group's row counts, for validation. */
    int64_t group_rows_in, group_rows_out, group_rows_removed, group_rows_added;
    bool group_has_changes;
    /* Outputs of rewritten files, shared by the files of one directory with the same schema
     * and metadata so that a partition's rewrite becomes one file, not one per source; closed
     * when the walk leaves the directory or the group commits. */
    ops_outs part_outs;
    const char *outs_dir;     /* the directory part_outs belong to */
    ff_buf file_signature;    /* the current file's output signature */
    ff_schema *file_out_tree; /* the current file's output schema when it has extras */
    bool has_file_out_tree;
    int64_t file_rows_out; /* rows the current file emitted */
    /* Scratch reused from file to file. */
    ff_batch probe_batch, full_batch, view, out_view;
    ff_vector *null_columns; /* per eval column of the current file */
    int32_t num_null_columns;
    ff_buf path_buf;
    int64_t file_rows, file_bytes; /* current source, for dry-run estimates */
    /* Pass-through (DESIGN §9): while copy_active, each emit writes the current row group
     * with the columns marked in copy_mask copied from the source as encoded bytes. */
    bool copy_active;
    int32_t copy_row_group;
    bool *copy_mask, *read_mask, *write_mask; /* per file column */
    int32_t copy_mask_cap;
    int32_t *decode_cols;
    /* The scan's last row group stays decoded in probe_batch (probe_cols[i] is the file column
     * of its column i), so a rewrite of that row group does not decode those columns again. */
    int32_t probe_rg; /* -1: none */
    int32_t *probe_cols, num_probe_cols, probe_cols_cap;
    bool *probe_mask; /* per file column: in probe_batch */
    int32_t *read_list;
};

void ff_ops_options_init(ff_ops_options *options) {
    memset(options, 0, sizeof *options);
    options->compression = FF_COMPRESSION_ZSTD;
    options->compression_level = -1;
    options->check_row_counts = true;
    options->partitions_per_commit = 1024;
}

const ff_discovery *ops_engine_discovery(const ops_engine *engine) {
    return engine->sh->discovery;
}
ops_schema *ops_engine_schema(ops_engine *engine) {
    return &engine->sh->global;
}
bool ops_engine_has_union(const ops_engine *engine) {
    return engine->sh->has_union;
}
const int32_t *ops_engine_partition_fields(const ops_engine *engine) {
    return engine->sh->partition_fields;
}
bool ops_engine_is_dry_run(const ops_engine *engine) {
    return engine->sh->opts->dry_run;
}
const char *ops_engine_root(const ops_engine *engine) {
    return engine->sh->cfg.root;
}
ff_compression ops_engine_compression(const ops_engine *engine) {
    return engine->sh->opts->compression;
}

static void map_partition_fields(ops_engine *engine) {
    for (size_t idx = 0; idx < engine->sh->discovery->num_partition_columns; idx++)
        engine->sh->partition_fields[idx] =
            ops_schema_find(&engine->sh->global, engine->sh->discovery->partition_columns[idx]);
}

static ff_status full_path(ops_engine *engine, const char *rel, ff_error *err) {
    ff_buf_reset(&engine->path_buf);
    ff_status status = ff_buf_printf(&engine->path_buf, err, "%s/%s", engine->sh->cfg.root, rel);
    return status;
}

/* Merges one file's schema into the global schema. */
static ff_status merge_file(ops_engine *engine, const ff_dataset_file *file, ff_error *err) {
    ff_reader *reader = NULL;
    FF_FORWARD_IF_ERROR(full_path(engine, file->rel_path, err));
    ff_status status = ff_reader_open((const char *)engine->path_buf.data, NULL, &reader, err);
    if (status == FF_OK)
        status =
            ops_schema_merge(&engine->sh->global, ff_reader_schema(reader), file->rel_path, err);
    ff_reader_free(reader);
    return status;
}

ff_status ops_engine_load_union(ops_engine *engine, ff_error *err) {
    if (engine->sh->has_union)
        return FF_OK;
    /* Keep fields a step added (they come after the files' columns). */
    ops_schema added;
    ops_schema_init(&added);
    ff_status status = FF_OK;
    for (int32_t idx = 0; idx < engine->sh->global.num_fields && status == FF_OK; idx++)
        if (!strcmp(engine->sh->global.sources[idx], "(added)"))
            status = ops_schema_add(&added, engine->sh->global.fields[idx].name,
                                    &engine->sh->global.fields[idx].type, err);
    ops_schema_free(&engine->sh->global);
    ops_schema_init(&engine->sh->global);
    if (status == FF_OK)
        status = ops_merge_footers(engine->sh->cfg.root, engine->sh->discovery,
                                   ops_footer_threads(engine->sh->opts->threads),
                                   &engine->sh->global, err);
    for (int32_t idx = 0; idx < added.num_fields && status == FF_OK; idx++)
        if (ops_schema_find(&engine->sh->global, added.fields[idx].name) < 0)
            status = ops_schema_add(&engine->sh->global, added.fields[idx].name,
                                    &added.fields[idx].type, err);
    ops_schema_free(&added);
    if (status == FF_OK) {
        engine->sh->has_union = true;
        map_partition_fields(engine);
    }
    return status;
}

ff_status ops_engine_open(const ops_engine_config *config, ops_engine **out, ff_error *err) {
    ff_status status = FF_OK;
    ops_engine *engine = ff_calloc(1, sizeof *engine, "engine", err);
    if (!engine)
        return FF_ERR_NO_MEMORY;
    engine->sh = ff_calloc(1, sizeof *engine->sh, "engine", err);
    if (!engine->sh) {
        free(engine);
        return FF_ERR_NO_MEMORY;
    }
    engine->owns_shared = true;
    pthread_mutex_init(&engine->sh->mutex, NULL);
    engine->stats = config->stats;
    engine->sh->cfg = *config;
    engine->sh->opts = config->options;
    ops_schema_init(&engine->sh->global);
    ops_keymap_init(&engine->sh->touched);
    ff_buf_init(&engine->path_buf, 0);
    ff_buf_init(&engine->file_signature, 0);
    memset(config->stats, 0, sizeof *config->stats);
    config->stats->is_dry_run = engine->sh->opts->dry_run;
    ff_dataset_options dopts;
    ff_dataset_options_init(&dopts);
    dopts.mode = engine->sh->opts->dry_run ? FF_DATASET_READ : FF_DATASET_WRITE;
    dopts.wait_for_lock = engine->sh->opts->wait_for_lock;
    dopts.backup_dir = engine->sh->opts->backup_dir;
    dopts.io = engine->sh->opts->io;
    dopts.create_if_missing = config->create_if_missing && !engine->sh->opts->dry_run;
    /* Limited to some partitions: discovery locks only those and lists only their files. */
    dopts.lock_scope = engine->sh->opts->num_partitions > 0 ? FF_LOCK_PARTITIONS : FF_LOCK_DATASET;
    dopts.partitions = engine->sh->opts->partitions;
    dopts.num_partitions = (size_t)engine->sh->opts->num_partitions;
    if (engine->sh->opts->dry_run && config->create_if_missing && !ff_io_exists(config->root)) {
        /* A dry run into a dataset that does not exist yet: plan against nothing. */
        static const ff_discovery empty = {0};
        engine->sh->discovery = ff_calloc(1, sizeof *engine->sh->discovery, "discovery", err);
        if (!engine->sh->discovery) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        *engine->sh->discovery = empty;
        engine->sh->has_union = true;
        *out = engine;
        return FF_OK;
    }
    FF_CHECK_GOTO(status, ff_dataset_open(config->root, &dopts, &engine->sh->ds, err), cleanup);
    FF_CHECK_GOTO(status, ff_dataset_discover(engine->sh->ds, &engine->sh->discovery, err),
                  cleanup);
    if (config->output_root && !engine->sh->opts->dry_run) {
        ff_dataset_options oopts;
        ff_dataset_options_init(&oopts);
        oopts.mode = FF_DATASET_WRITE;
        oopts.wait_for_lock = engine->sh->opts->wait_for_lock;
        oopts.io = engine->sh->opts->io;
        oopts.create_if_missing = true;
        FF_CHECK_GOTO(status,
                      ff_dataset_open(config->output_root, &oopts, &engine->sh->out_ds, err),
                      cleanup);
    }
    engine->sh->partition_fields = ff_calloc(engine->sh->discovery->num_partition_columns + 1,
                                             sizeof(int32_t), "partition fields", err);
    if (!engine->sh->partition_fields) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    if (engine->sh->discovery->num_files > 0)
        FF_CHECK_GOTO(status, merge_file(engine, &engine->sh->discovery->files[0], err), cleanup);
    else
        engine->sh->has_union = true;
    map_partition_fields(engine);
    *out = engine;
    return FF_OK;
cleanup:
    ops_engine_free(engine);
    return status;
}

static void outs_free(ops_outs *outs) {
    for (size_t idx = 0; idx < outs->count; idx++) {
        free(outs->items[idx].dir);
        free(outs->items[idx].signature);
        ff_writer_free(outs->items[idx].writer);
        ff_batch_free(&outs->items[idx].gather);
        ff_batch_free(&outs->items[idx].held);
        free(outs->items[idx].sort_cols);
        ops_check *check = outs->items[idx].check;
        if (check) {
            ff_row_cursor_free(&check->cursor);
            ff_text_sink_free(&check->sink);
            ff_schema_free(check->tree);
            free(check);
        }
    }
    free(outs->items);
    memset(outs, 0, sizeof *outs);
}

static void free_null_columns(ops_engine *engine) {
    for (int32_t idx = 0; idx < engine->num_null_columns; idx++)
        ff_vector_free(&engine->null_columns[idx]);
    free(engine->null_columns);
    engine->null_columns = NULL;
    engine->num_null_columns = 0;
}

/* Releases a worker's (or the main engine's) own scratch. */
static void engine_scratch_free(ops_engine *engine) {
    outs_free(&engine->part_outs);
    ff_buf_free(&engine->file_signature);
    ff_schema_free(engine->file_out_tree);
    engine->file_out_tree = NULL;
    ff_buf_free(&engine->path_buf);
    ff_batch_free(&engine->probe_batch);
    ff_batch_free(&engine->full_batch);
    free(engine->view.columns);
    free(engine->out_view.columns);
    free_null_columns(engine);
    free(engine->copy_mask);
    free(engine->read_mask);
    free(engine->write_mask);
    free(engine->decode_cols);
    free(engine->probe_cols);
    free(engine->probe_mask);
    free(engine->read_list);
    engine->copy_mask = engine->read_mask = engine->write_mask = engine->probe_mask = NULL;
    engine->decode_cols = engine->probe_cols = engine->read_list = NULL;
    engine->copy_mask_cap = engine->probe_cols_cap = 0;
}

void ops_engine_free(ops_engine *engine) {
    if (!engine)
        return;
    engine_scratch_free(engine);
    if (engine->owns_shared) {
        ops_shared *sh = engine->sh;
        outs_free(&sh->new_outs);
        ff_txn_free(sh->txn);
        ff_discovery_free(sh->ds ? sh->discovery : NULL);
        if (!sh->ds)
            free(sh->discovery);
        ff_dataset_close(sh->ds);
        ff_dataset_close(sh->out_ds);
        ops_schema_free(&sh->global);
        ops_keymap_free(&sh->touched);
        free(sh->partition_fields);
        ff_schema_free(sh->new_tree);
        free(sh->unit_first);
        free(sh->unit_end);
        pthread_mutex_destroy(&sh->mutex);
        free(sh);
    }
    free(engine);
}

ff_status ops_engine_touch(ops_engine *engine, const char *dir, ff_error *err) {
    ops_keymap_entry *entry;
    bool is_new;
    pthread_mutex_lock(&engine->sh->mutex);
    ff_status status = ops_keymap_upsert(&engine->sh->touched, (const uint8_t *)dir, strlen(dir),
                                         &entry, &is_new, err);
    if (status == FF_OK && is_new)
        engine->sh->cfg.stats->partitions_touched++;
    pthread_mutex_unlock(&engine->sh->mutex);
    return status;
}

int ops_engine_worker_index(const ops_engine *engine) {
    return engine->worker_index;
}

ff_ops_stats *ops_engine_stats(ops_engine *engine) {
    return engine->stats;
}

void ops_engine_count(ops_engine *engine, int64_t rows_removed, int64_t rows_added) {
    engine->group_rows_removed += rows_removed;
    engine->group_rows_added += rows_added;
}

/* Begins the group's transaction on first use. The caller holds the mutex. */
static ff_status ensure_txn_locked(ops_engine *engine, ff_error *err) {
    if (engine->sh->opts->dry_run || engine->sh->txn)
        return FF_OK;
    return ff_txn_begin(engine->sh->out_ds ? engine->sh->out_ds : engine->sh->ds,
                        engine->sh->cfg.step->op, &engine->sh->txn, err);
}

/* Stages a new file of dir: *stage_path is owned by the transaction. */
static ff_status txn_add(ops_engine *engine, const char *dir, const char **stage_path,
                         ff_error *err) {
    pthread_mutex_lock(&engine->sh->mutex);
    ff_status status = ensure_txn_locked(engine, err);
    if (status == FF_OK)
        status = ff_txn_add_file(engine->sh->txn, dir, stage_path, NULL, err);
    pthread_mutex_unlock(&engine->sh->mutex);
    return status;
}

static ff_status txn_remove(ops_engine *engine, const ff_dataset_file *file, ff_error *err) {
    pthread_mutex_lock(&engine->sh->mutex);
    ff_status status = ensure_txn_locked(engine, err);
    if (status == FF_OK)
        status = ff_txn_remove_file(engine->sh->txn, file->rel_path, &file->identity, err);
    pthread_mutex_unlock(&engine->sh->mutex);
    return status;
}

/* ---- Outputs ----------------------------------------------------------------------------- */

static ff_status out_find(ops_engine *engine, ops_outs *outs, const char *dir,
                          const char *signature, const ff_schema *tree, const ff_reader *source,
                          ops_out **out, ff_error *err) {
    for (size_t idx = 0; idx < outs->count; idx++) {
        if (!strcmp(outs->items[idx].dir, dir) && !strcmp(outs->items[idx].signature, signature)) {
            *out = &outs->items[idx];
            return FF_OK;
        }
    }
    if (outs->count == outs->cap) {
        size_t cap = outs->cap ? outs->cap * 2 : 4;
        ops_out *items = ff_realloc(outs->items, cap * sizeof *items, "outputs", err);
        if (!items)
            return FF_ERR_NO_MEMORY;
        outs->items = items;
        outs->cap = cap;
    }
    ops_out *item = &outs->items[outs->count];
    memset(item, 0, sizeof *item);
    item->dir = ff_strndup(dir, strlen(dir), err);
    item->signature = item->dir ? ff_strndup(signature, strlen(signature), err) : NULL;
    if (!item->dir || !item->signature) {
        free(item->dir);
        return FF_ERR_NO_MEMORY;
    }
    outs->count++;
    FF_FORWARD_IF_ERROR(ops_engine_touch(engine, dir, err));
    *out = item;
    if (engine->sh->opts->dry_run)
        return FF_OK;
    const char *stage_path = NULL;
    FF_FORWARD_IF_ERROR(txn_add(engine, dir, &stage_path, err));
    engine->group_has_changes = true;
    ff_writer_options wopts;
    ff_writer_options_init(&wopts);
    wopts.compression = engine->sh->opts->compression;
    wopts.compression_level = engine->sh->opts->compression_level;
    /* Bounded memory: a writer buffers one row group, so row groups are cut at 64Ki rows (about
     * 15 MB of buffered pages for a dozen columns per worker) or 32 MiB of encoded data. */
    wopts.row_group_bytes = 32ll << 20;
    wopts.row_group_rows = 65536;
    ff_key_value *kvs = NULL;
    ff_status status = FF_OK;
    if (source) {
        int32_t num_kv = ff_reader_num_key_values(source);
        if (num_kv > 0) {
            kvs = ff_calloc((size_t)num_kv, sizeof *kvs, "key-value metadata", err);
            if (!kvs)
                return FF_ERR_NO_MEMORY;
            for (int32_t kv_idx = 0; kv_idx < num_kv; kv_idx++) {
                const uint8_t *value;
                size_t value_len;
                ff_reader_key_value(source, kv_idx, &kvs[kv_idx].key, &value, &value_len);
                kvs[kv_idx].value = (const char *)value;
            }
            wopts.key_value_metadata = kvs;
            wopts.num_key_value_metadata = num_kv;
            wopts.metadata_source_schema = ff_reader_schema(source);
        }
    }
    status = ff_writer_open(stage_path, tree, &wopts, &item->writer, err);
    free(kvs);
    item->stage_path = stage_path;
    if (status == FF_OK && engine->sh->opts->validate) {
        ops_check *check = ff_calloc(1, sizeof *check, "validation", err);
        if (!check)
            return FF_ERR_NO_MEMORY;
        item->check = check;
        ff_text_sink_init(&check->sink, FF_SINK_HASH, &check->sink_err);
        FF_FORWARD_IF_ERROR(ff_schema_clone(tree, &check->tree, err));
        status = ff_row_cursor_init(&check->cursor, check->tree, NULL, -1, err);
    }
    return status;
}

/* Writes batch to out's file, adding its rows to the expected fingerprint when validating. */
static ff_status out_write_batch(ops_out *out, const ff_batch *batch, ff_error *err) {
    if (out->check)
        FF_FORWARD_IF_ERROR(ff_row_fingerprint_batch(&out->check->cursor, &out->check->sink, batch,
                                                     &out->check->expected, err));
    return ff_writer_write_batch(out->writer, batch, err);
}

/* Reads a closed output back and compares it with what was written to it. */
static ff_status out_validate(ops_engine *engine, ops_out *out, ff_error *err) {
    ff_reader *reader = NULL;
    uint64_t got = 0;
    int64_t rows = 0;
    ff_status status = ff_reader_open(out->stage_path, NULL, &reader, err);
    if (status == FF_OK)
        status = ff_reader_fingerprint(reader, &got, &rows, err);
    ff_reader_free(reader);
    if (status != FF_OK)
        return ff_error_prefix(err, "validation: the written file cannot be read back");
    if (got != out->check->expected || rows != out->num_rows)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "validation: the written file holds %lld rows with fingerprint "
                            "%016llx, but %lld rows with fingerprint %016llx were written to it",
                            (long long)rows, (unsigned long long)got, (long long)out->num_rows,
                            (unsigned long long)out->check->expected);
    engine->stats->files_validated++;
    return FF_OK;
}

static ff_status out_write(ops_out *out, const ff_batch *batch, const uint32_t *rows,
                           int64_t num_rows, ff_error *err) {
    out->num_rows += num_rows;
    if (!out->writer || num_rows == 0)
        return FF_OK;
    if (!rows && num_rows == batch->num_rows)
        return out_write_batch(out, batch, err);
    if (out->gather.num_columns != batch->num_columns) {
        ff_batch_free(&out->gather);
        FF_FORWARD_IF_ERROR(ff_batch_init(&out->gather, batch->num_columns, err));
    }
    /* Gathered a slice at a time, so the copy stays small next to the row group it comes
     * from (memory is per worker, and the writer cuts pages and row groups by itself). */
    int64_t slice = rows ? OPS_GATHER_ROWS : num_rows; /* no selection: a prefix, in one go */
    for (int64_t first = 0; first < num_rows; first += slice) {
        int64_t count = num_rows - first < slice ? num_rows - first : slice;
        ff_batch_reset(&out->gather);
        for (int32_t col = 0; col < batch->num_columns; col++) {
            ff_vector *dst = &out->gather.columns[col];
            dst->type = batch->columns[col].type;
            FF_FORWARD_IF_ERROR(ops_vector_append(dst, &batch->columns[col],
                                                  rows ? rows + first : NULL, count, err));
        }
        out->gather.num_rows = count;
        FF_FORWARD_IF_ERROR(out_write_batch(out, &out->gather, err));
    }
    return FF_OK;
}

/* ---- Sorted outputs (compact --sort-by) --------------------------------------------------- */

typedef struct sort_keys {
    const ff_batch *held;
    const int32_t *cols;
    int32_t num_cols;
} sort_keys;

static int sort_keys_compare(const sort_keys *keys, uint32_t a, uint32_t b) {
    for (int32_t idx = 0; idx < keys->num_cols; idx++) {
        if (keys->cols[idx] < 0)
            continue;
        int c = ops_vector_compare(&keys->held->columns[keys->cols[idx]], a, b);
        if (c)
            return c;
    }
    return 0;
}

/* Stable bottom-up merge sort of rows[0..count) (C11 has no qsort with a context). */
static ff_status sort_rows(const sort_keys *keys, uint32_t *rows, size_t count, ff_error *err) {
    uint32_t *scratch = ff_calloc(count + 1, sizeof *scratch, "sort", err);
    if (!scratch)
        return FF_ERR_NO_MEMORY;
    uint32_t *src = rows, *dst = scratch;
    for (size_t width = 1; width < count; width *= 2) {
        for (size_t lo = 0; lo < count; lo += 2 * width) {
            size_t mid = lo + width < count ? lo + width : count;
            size_t hi = lo + 2 * width < count ? lo + 2 * width : count;
            size_t left = lo, right = mid, out = lo;
            while (left < mid && right < hi)
                dst[out++] =
                    sort_keys_compare(keys, src[right], src[left]) < 0 ? src[right++] : src[left++];
            while (left < mid)
                dst[out++] = src[left++];
            while (right < hi)
                dst[out++] = src[right++];
        }
        uint32_t *tmp = src;
        src = dst;
        dst = tmp;
    }
    if (src != rows)
        memcpy(rows, src, count * sizeof *rows);
    free(scratch);
    return FF_OK;
}

/* Holds rows of an output whose rows are sorted at close; resolves the sort columns in the
 * output's schema on first use. */
static ff_status out_hold(ops_engine *engine, ops_out *out, const ff_schema *tree,
                          const ff_batch *batch, const uint32_t *rows, int64_t num_rows,
                          ff_error *err) {
    const ops_engine_config *cfg = &engine->sh->cfg;
    if (!out->sort_cols) {
        out->sort_cols = ff_calloc((size_t)cfg->num_sort_by + 1, sizeof(int32_t), "sort", err);
        if (!out->sort_cols)
            return FF_ERR_NO_MEMORY;
        for (int32_t key = 0; key < cfg->num_sort_by; key++) {
            out->sort_cols[key] = -1;
            for (int32_t col = 0; col < tree->root->num_children; col++)
                if (!strcmp(tree->root->children[col]->name, cfg->sort_by[key]))
                    out->sort_cols[key] = col;
        }
    }
    if (out->held.num_columns != batch->num_columns) {
        ff_batch_free(&out->held);
        FF_FORWARD_IF_ERROR(ff_batch_init(&out->held, batch->num_columns, err));
    }
    for (int32_t col = 0; col < batch->num_columns; col++) {
        ff_vector *dst = &out->held.columns[col];
        dst->type = batch->columns[col].type;
        FF_FORWARD_IF_ERROR(ops_vector_append(dst, &batch->columns[col], rows, num_rows, err));
    }
    out->held.num_rows += num_rows;
    out->num_rows += num_rows;
    if (out->held.num_rows > (int64_t)UINT32_MAX)
        return ff_error_set(err, FF_ERR_LIMIT, "--sort-by: more than 2^32 rows in one output");
    return FF_OK;
}

/* Writes the held rows in sort order, a row group's worth at a time. */
static ff_status out_flush_held(ops_engine *engine, ops_out *out, ff_error *err) {
    int64_t count = out->held.num_rows;
    if (!out->writer || count == 0)
        return FF_OK;
    uint32_t *order = ff_calloc((size_t)count + 1, sizeof *order, "sort", err);
    if (!order)
        return FF_ERR_NO_MEMORY;
    for (int64_t row = 0; row < count; row++)
        order[row] = (uint32_t)row;
    sort_keys keys = {&out->held, out->sort_cols, engine->sh->cfg.num_sort_by};
    ff_status status = sort_rows(&keys, order, (size_t)count, err);
    for (int64_t first = 0; first < count && status == FF_OK; first += 65536) {
        int64_t chunk = count - first < 65536 ? count - first : 65536;
        out->num_rows -= chunk; /* out_write counts them again */
        status = out_write(out, &out->held, order + first, chunk, err);
    }
    free(order);
    ff_batch_free(&out->held);
    return status;
}

/* Sends rows to an output: written now, or held for sorting. */
static ff_status out_take(ops_engine *engine, ops_out *out, const ff_schema *tree,
                          const ff_batch *batch, const uint32_t *rows, int64_t num_rows,
                          ff_error *err) {
    if (engine->sh->cfg.num_sort_by > 0 && out->writer && num_rows > 0)
        return out_hold(engine, out, tree, batch, rows, num_rows, err);
    return out_write(out, batch, rows, num_rows, err);
}

/* Completes out's file: held rows written, footer, writeback started, validation, bytes
 * counted. Errors name the output's directory. */
static ff_status out_finish_file(ops_engine *engine, ops_out *out, ff_error *err) {
    ff_status status = out_flush_held(engine, out, err);
    if (status == FF_OK)
        status = ff_writer_close(out->writer, err);
    /* The commit fsyncs every staged file; writing back now overlaps that I/O with the rest of
     * the work instead of waiting for all of it at the end. */
    if (status == FF_OK)
        ff_io_start_writeback(out->stage_path);
    if (status == FF_OK && out->check)
        status = out_validate(engine, out, err);
    if (status == FF_OK)
        engine->stats->bytes_after += ff_writer_bytes_written(out->writer);
    else
        ff_error_prefix(err, "%s", out->dir[0] ? out->dir : "(root)");
    return status;
}

/* Closes every output of outs, adding to the statistics; est_bytes_per_row estimates the
 * size of what a dry run would have written (0: the caller estimates). */
static ff_status outs_close(ops_engine *engine, ops_outs *outs, double est_bytes_per_row,
                            int64_t *rows_written, ff_error *err) {
    ff_status status = FF_OK;
    ff_ops_stats *stats = engine->stats;
    for (size_t idx = 0; idx < outs->count; idx++) {
        ops_out *out = &outs->items[idx];
        if (out->writer && status == FF_OK) {
            status = out_finish_file(engine, out, err);
        } else if (!out->writer) {
            stats->bytes_after += (int64_t)(est_bytes_per_row * (double)out->num_rows);
        }
        if (out->num_rows > 0 || out->writer)
            stats->files_added++;
        *rows_written += out->num_rows;
    }
    outs_free(outs);
    return status;
}

/* Closes the shared outputs of rewritten files (leaving a directory, or committing). */
static ff_status close_part_outs(ops_engine *engine, ff_error *err) {
    int64_t rows_written = 0;
    ff_status status = outs_close(engine, &engine->part_outs, 0, &rows_written, err);
    engine->group_rows_out += rows_written;
    engine->outs_dir = NULL;
    return status;
}

/* What makes two outputs shareable: the schema tree, node by node, and the key-value
 * metadata of the source. */
static ff_status output_signature(const ff_schema *tree, const ff_reader *source, ff_buf *out,
                                  ff_error *err) {
    ff_buf_reset(out);
    for (int32_t idx = 0; idx < tree->num_nodes; idx++) {
        const ff_schema_node *node = &tree->nodes[idx];
        const ff_pq_schema_element *el = &node->element;
        FF_FORWARD_IF_ERROR(ff_buf_printf(
            out, err, "%s|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d;",
            idx == 0 ? "" : node->name, /* the root's name means nothing to readers */
            node->repetition, node->num_children, el->has_type ? el->type : -1, el->type_length,
            el->has_converted_type ? el->converted_type : -1, el->scale, el->precision,
            el->has_field_id ? el->field_id : -1, (int)el->logical_type.kind,
            el->logical_type.decimal_scale, el->logical_type.decimal_precision,
            el->logical_type.time_unit * 2 + el->logical_type.time_is_adjusted_to_utc,
            el->logical_type.int_bit_width * 2 + el->logical_type.int_is_signed));
    }
    for (int32_t kv_idx = 0; source && kv_idx < ff_reader_num_key_values(source); kv_idx++) {
        const char *key;
        const uint8_t *value;
        size_t value_len;
        ff_reader_key_value(source, kv_idx, &key, &value, &value_len);
        FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, "|kv:%zu:%s=%zu:", strlen(key), key,
                                          value ? value_len : (size_t)-1));
        if (value)
            FF_FORWARD_IF_ERROR(ff_buf_append(out, value, value_len, err));
    }
    /* NUL bytes in metadata would cut the comparison short: signatures are compared as C
     * strings, so replace them. */
    for (size_t pos = 0; pos < out->len; pos++)
        if (!out->data[pos])
            out->data[pos] = 1;
    FF_FORWARD_IF_ERROR(ff_buf_append_byte(out, 0, err));
    out->len--;
    return FF_OK;
}

static ff_status build_new_tree(ops_engine *engine, ff_error *err) {
    int32_t *indices =
        ff_calloc((size_t)engine->sh->global.num_fields + 1, sizeof *indices, "schema", err);
    if (!indices)
        return FF_ERR_NO_MEMORY;
    for (int32_t idx = 0; idx < engine->sh->global.num_fields; idx++)
        indices[idx] = idx;
    ff_status status = ops_schema_tree(NULL, &engine->sh->global, indices,
                                       engine->sh->global.num_fields, &engine->sh->new_tree, err);
    free(indices);
    return status;
}

/* The schema of inserted rows, built once; workers may ask at the same time. */
static ff_status ensure_new_tree(ops_engine *engine, ff_error *err) {
    pthread_mutex_lock(&engine->sh->mutex);
    ff_status status = FF_OK;
    if (!engine->sh->new_tree)
        status = build_new_tree(engine, err);
    pthread_mutex_unlock(&engine->sh->mutex);
    return status;
}

ff_status ops_emit_new(ops_engine *engine, const ff_batch *batch, const uint32_t *rows,
                       int64_t num_rows, const char *dir, ff_error *err) {
    if (num_rows == 0)
        return FF_OK;
    FF_FORWARD_IF_ERROR(ensure_new_tree(engine, err));
    ops_out *out = NULL;
    FF_FORWARD_IF_ERROR(
        out_find(engine, &engine->sh->new_outs, dir, "", engine->sh->new_tree, NULL, &out, err));
    return out_write(out, batch, rows, num_rows, err);
}

ff_status ops_emit_new_here(ops_engine *engine, const ff_batch *batch, const uint32_t *rows,
                            int64_t num_rows, const char *dir, ff_error *err) {
    if (num_rows == 0)
        return FF_OK;
    FF_FORWARD_IF_ERROR(ensure_new_tree(engine, err));
    /* Under the signature the rewritten files' output would have when its schema is the
     * dataset's and it carries no metadata: the inserts then join that file instead of
     * starting one more. */
    ff_buf signature;
    ff_buf_init(&signature, 0);
    ops_out *out = NULL;
    ff_status status = output_signature(engine->sh->new_tree, NULL, &signature, err);
    if (status == FF_OK)
        status = out_find(engine, &engine->part_outs, dir, (const char *)signature.data,
                          engine->sh->new_tree, NULL, &out, err);
    ff_buf_free(&signature);
    return status == FF_OK ? out_write(out, batch, rows, num_rows, err) : status;
}

/* Closes a full output of the walk's shared outputs and drops it from the list (its rows count
 * as written), so that the next out_find starts a new file. */
static ff_status out_retire(ops_engine *engine, ops_out *out, ff_error *err) {
    ff_status status = FF_OK;
    if (out->writer)
        status = out_finish_file(engine, out, err);
    if (out->num_rows > 0 || out->writer)
        engine->stats->files_added++;
    engine->group_rows_out += out->num_rows;
    free(out->dir);
    free(out->signature);
    ff_writer_free(out->writer);
    ff_batch_free(&out->gather);
    ff_batch_free(&out->held);
    free(out->sort_cols);
    if (out->check) {
        ff_row_cursor_free(&out->check->cursor);
        ff_text_sink_free(&out->check->sink);
        ff_schema_free(out->check->tree);
        free(out->check);
    }
    ops_outs *outs = &engine->part_outs;
    size_t idx = (size_t)(out - outs->items);
    outs->items[idx] = outs->items[outs->count - 1];
    outs->count--;
    return status;
}

/* Writes rows to outputs of dir that each take about cfg.output_target_bytes of source bytes
 * (the source file's bytes per row): measuring input rather than output makes a dry run cut
 * exactly where the real run does, and a directory whose input is below the target one file. */
static ff_status emit_cut(ops_engine *engine, ops_file *file, const ff_schema *tree, ops_out *out,
                          const char *dir, const ff_batch *batch, const uint32_t *rows,
                          int64_t num_rows, ff_error *err) {
    int64_t target = engine->sh->cfg.output_target_bytes;
    double per_row =
        engine->file_rows > 0 ? (double)engine->file_bytes / (double)engine->file_rows : 1.0;
    if (per_row <= 0)
        per_row = 1.0;
    uint32_t *iota = NULL;
    ff_status status = FF_OK;
    for (int64_t done = 0; done < num_rows && status == FF_OK;) {
        if (out->num_rows > 0 && out->input_bytes >= target) {
            status = out_retire(engine, out, err);
            if (status == FF_OK)
                status = out_find(engine, &engine->part_outs, dir,
                                  (const char *)engine->file_signature.data, tree, file->reader,
                                  &out, err);
            if (status != FF_OK)
                break;
        }
        double room = ((double)target - (double)out->input_bytes) / per_row;
        int64_t take = room < 1                            ? 1
                       : room >= (double)(num_rows - done) ? num_rows - done
                                                           : (int64_t)room + 1;
        const uint32_t *part = rows ? rows + done : NULL;
        if (!rows && done > 0) {
            /* out_write takes the first rows when given none: later slices need indices. */
            if (!iota) {
                iota = ff_calloc((size_t)num_rows, sizeof *iota, "rows", err);
                if (!iota)
                    return FF_ERR_NO_MEMORY;
                for (int64_t row = 0; row < num_rows; row++)
                    iota[row] = (uint32_t)row;
            }
            part = iota + done;
        }
        status = out_take(engine, out, tree, batch, part, take, err);
        out->input_bytes += (int64_t)((double)take * per_row);
        done += take;
    }
    free(iota);
    return status;
}

ff_status ops_emit(ops_engine *engine, ops_file *file, const ff_batch *batch, const uint32_t *rows,
                   int64_t num_rows, const char *dir, ff_error *err) {
    /* No output for no rows: a file that loses every row is removed, not rewritten empty. */
    if (num_rows == 0)
        return FF_OK;
    if (!dir)
        dir = file->entry->partition_dir;
    if (!engine->has_file_out_tree) {
        /* The first rows of this file: its output schema and signature. */
        if (file->num_out_extra > 0)
            FF_FORWARD_IF_ERROR(ops_schema_tree(file->tree, &engine->sh->global, file->out_extra,
                                                file->num_out_extra, &engine->file_out_tree, err));
        const ff_schema *tree = engine->file_out_tree ? engine->file_out_tree : file->tree;
        FF_FORWARD_IF_ERROR(output_signature(tree, file->reader, &engine->file_signature, err));
        engine->has_file_out_tree = true;
    }
    const ff_schema *tree = engine->file_out_tree ? engine->file_out_tree : file->tree;
    ops_out *out = NULL;
    FF_FORWARD_IF_ERROR(out_find(engine, &engine->part_outs, dir,
                                 (const char *)engine->file_signature.data, tree, file->reader,
                                 &out, err));
    engine->file_rows_out += num_rows;
    if (!engine->copy_active) {
        if (engine->sh->cfg.output_target_bytes > 0)
            return emit_cut(engine, file, tree, out, dir, batch, rows, num_rows, err);
        return out_take(engine, out, tree, batch, rows, num_rows, err);
    }
    /* A step that keeps rows in place emits each row group whole, to its own directory. */
    if (rows || num_rows != ff_reader_row_group_num_rows(file->reader, engine->copy_row_group) ||
        strcmp(dir, file->entry->partition_dir) != 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "row group %d: rows left their place while its columns were being "
                            "copied",
                            engine->copy_row_group);
    out->num_rows += num_rows;
    if (!out->writer)
        return FF_OK;
    return ff_writer_write_row_group_copy(out->writer, file->reader, engine->copy_row_group,
                                          engine->copy_mask, batch, err);
}

/* ---- Files ------------------------------------------------------------------------------- */

static bool file_is_flat(const ff_schema *tree) {
    if (tree->num_leaves != tree->root->num_children)
        return false;
    for (int32_t idx = 0; idx < tree->root->num_children; idx++)
        if (!tree->root->children[idx]->is_leaf ||
            tree->root->children[idx]->repetition == FF_PQ_REPEATED)
            return false;
    return true;
}

/* Builds the eval schema of a file: its columns, then the global ones it lacks. */
static ff_status build_eval(ops_engine *engine, ops_file *file, ff_error *err) {
    ops_schema_init(&file->eval);
    const ff_schema *tree = file->tree;
    for (int32_t idx = 0; idx < tree->root->num_children; idx++) {
        const ff_schema_node *node = tree->root->children[idx];
        /* Nested columns get a placeholder so indices stay aligned with the leaves of flat
         * files; such files are refused before they are rewritten. */
        ff_type type = node->is_leaf ? node->type : (ff_type){.physical = FF_PHYSICAL_BYTE_ARRAY};
        FF_FORWARD_IF_ERROR(ops_schema_add(&file->eval, node->name, &type, err));
        file->eval.fields[idx].is_nullable = node->repetition != FF_PQ_REQUIRED;
    }
    file->num_file_columns = tree->root->num_children;
    file->global_to_eval =
        ff_calloc((size_t)engine->sh->global.num_fields + 1, sizeof(int32_t), "columns", err);
    if (!file->global_to_eval)
        return FF_ERR_NO_MEMORY;
    for (int32_t g = 0; g < engine->sh->global.num_fields; g++) {
        int32_t idx = ops_schema_find(&file->eval, engine->sh->global.fields[g].name);
        if (idx < 0) {
            FF_FORWARD_IF_ERROR(ops_schema_add(&file->eval, engine->sh->global.fields[g].name,
                                               &engine->sh->global.fields[g].type, err));
            idx = file->eval.num_fields - 1;
        }
        file->global_to_eval[g] = idx;
    }
    file->eval_table = ops_schema_table(&file->eval);
    int32_t room = file->eval.num_fields + engine->sh->global.num_fields + 1;
    file->probe = ff_calloc((size_t)room, sizeof(int32_t), "columns", err);
    file->out_extra = ff_calloc((size_t)room, sizeof(int32_t), "columns", err);
    if (!file->probe || !file->out_extra)
        return FF_ERR_NO_MEMORY;
    return FF_OK;
}

static void file_release(ops_engine *engine, ops_file *file) {
    if (file->step_state && engine->sh->cfg.step->file_close)
        engine->sh->cfg.step->file_close(engine->sh->cfg.user, file);
    ff_reader_free(file->reader);
    ops_schema_free(&file->eval);
    free(file->global_to_eval);
    free(file->probe);
    free(file->out_extra);
    memset(file, 0, sizeof *file);
}

/* Fills the eval view: columns read into `read` (at positions given by cols, or all file
 * columns when cols is NULL) and NULL vectors for eval columns the file lacks. */
static ff_status build_view(ops_engine *engine, ops_file *file, const ff_batch *read,
                            const int32_t *cols, int32_t num_cols, int64_t num_rows,
                            ff_error *err) {
    int32_t num_eval = file->eval.num_fields;
    if (engine->view.num_columns < num_eval) {
        free(engine->view.columns);
        engine->view.columns = ff_calloc((size_t)num_eval, sizeof(ff_vector), "view", err);
        if (!engine->view.columns)
            return FF_ERR_NO_MEMORY;
    }
    engine->view.num_columns = num_eval;
    engine->view.num_rows = num_rows;
    for (int32_t idx = 0; idx < num_eval; idx++)
        ff_vector_init(&engine->view.columns[idx], &file->eval.fields[idx].type);
    if (engine->num_null_columns < num_eval) {
        free_null_columns(engine);
        engine->null_columns = ff_calloc((size_t)num_eval, sizeof(ff_vector), "nulls", err);
        if (!engine->null_columns)
            return FF_ERR_NO_MEMORY;
        engine->num_null_columns = num_eval;
    }
    for (int32_t idx = file->num_file_columns; idx < num_eval; idx++) {
        ff_vector *nulls = &engine->null_columns[idx];
        ff_vector_reset(nulls);
        nulls->type = file->eval.fields[idx].type;
        FF_FORWARD_IF_ERROR(ops_vector_append_nulls(nulls, num_rows, err));
        engine->view.columns[idx] = *nulls;
    }
    if (!cols) {
        for (int32_t idx = 0; idx < file->num_file_columns; idx++)
            engine->view.columns[idx] = read->columns[idx];
    } else {
        for (int32_t idx = 0; idx < num_cols; idx++)
            engine->view.columns[cols[idx]] = read->columns[idx];
    }
    return FF_OK;
}

ff_status ops_output_view(ops_engine *engine, ops_file *file, const ff_batch *eval_batch,
                          ff_batch **out, ff_error *err) {
    int32_t num_out = file->num_file_columns + file->num_out_extra;
    if (engine->out_view.num_columns < num_out || !engine->out_view.columns) {
        free(engine->out_view.columns);
        engine->out_view.columns =
            ff_calloc((size_t)num_out + 1, sizeof(ff_vector), "output view", err);
        if (!engine->out_view.columns)
            return FF_ERR_NO_MEMORY;
    }
    engine->out_view.num_columns = num_out;
    engine->out_view.num_rows = eval_batch->num_rows;
    for (int32_t idx = 0; idx < file->num_file_columns; idx++)
        engine->out_view.columns[idx] = eval_batch->columns[idx];
    for (int32_t idx = 0; idx < file->num_out_extra; idx++)
        engine->out_view.columns[file->num_file_columns + idx] =
            eval_batch->columns[file->global_to_eval[file->out_extra[idx]]];
    *out = &engine->out_view;
    return FF_OK;
}

/* Facts for a row group: statistics of the file's columns, "all NULL" for the ones it lacks. */
static ff_status row_group_facts(ops_file *file, int32_t rg, int64_t num_rows,
                                 ff_column_facts *facts, ff_error *err) {
    return ops_row_group_facts(file->reader, rg, num_rows, file->eval.fields, file->eval.num_fields,
                               NULL, file->num_file_columns, facts, err);
}

/* Notes which file columns probe_batch holds for row group rg (see load_view). */
static ff_status remember_probe(ops_engine *engine, ops_file *file, int32_t rg, const int32_t *cols,
                                int32_t num_cols, ff_error *err) {
    if (engine->probe_cols_cap < file->num_file_columns + 1) {
        free(engine->probe_cols);
        free(engine->probe_mask);
        engine->probe_cols_cap = 0;
        engine->probe_cols =
            ff_calloc((size_t)file->num_file_columns + 1, sizeof(int32_t), "columns", err);
        engine->probe_mask =
            ff_calloc((size_t)file->num_file_columns + 1, sizeof(bool), "columns", err);
        if (!engine->probe_cols || !engine->probe_mask)
            return FF_ERR_NO_MEMORY;
        engine->probe_cols_cap = file->num_file_columns + 1;
    }
    memset(engine->probe_mask, 0, (size_t)file->num_file_columns * sizeof(bool));
    engine->num_probe_cols = 0;
    for (int32_t idx = 0; idx < num_cols && idx < file->num_file_columns; idx++) {
        engine->probe_cols[engine->num_probe_cols++] = cols[idx];
        engine->probe_mask[cols[idx]] = true;
    }
    engine->probe_rg = rg;
    return FF_OK;
}

static ff_status scan_file(ops_engine *engine, ops_file *file, int64_t *affected, int64_t *total,
                           ff_error *err) {
    const ops_step *step = engine->sh->cfg.step;
    int32_t num_rg = ff_reader_num_row_groups(file->reader);
    ff_column_facts *facts =
        ff_calloc((size_t)file->eval.num_fields + 1, sizeof *facts, "facts", err);
    int32_t *read_cols = ff_calloc((size_t)file->num_probe + 1, sizeof(int32_t), "columns", err);
    int32_t *view_cols = ff_calloc((size_t)file->num_probe + 1, sizeof(int32_t), "columns", err);
    ff_status status = FF_OK;
    if (!facts || !read_cols || !view_cols) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    int32_t num_read = 0;
    for (int32_t idx = 0; idx < file->num_probe; idx++) {
        if (file->probe[idx] < file->num_file_columns) {
            read_cols[num_read] = file->probe[idx];
            view_cols[num_read] = file->probe[idx];
            num_read++;
        }
    }
    int64_t first_row = 0;
    *total = 0;
    for (int32_t rg = 0; rg < num_rg; rg++) {
        int64_t rows = ff_reader_row_group_num_rows(file->reader, rg);
        affected[rg] = 0;
        file->row_group_idx = rg;
        if (rows > 0 && step->row_group_may_match) {
            FF_CHECK_GOTO(status, row_group_facts(file, rg, rows, facts, err), cleanup);
            if (!step->row_group_may_match(engine->sh->cfg.user, file, facts, rows)) {
                engine->stats->row_groups_skipped++;
                first_row += rows;
                continue;
            }
            if (step->row_group_drops_all &&
                step->row_group_drops_all(engine->sh->cfg.user, file, facts, rows)) {
                affected[rg] = -1; /* all of it, known without reading */
                *total += rows;
                first_row += rows;
                continue;
            }
        }
        if (rows > 0) {
            if (engine->probe_batch.columns == NULL)
                FF_CHECK_GOTO(status, ff_batch_init(&engine->probe_batch, 0, err), cleanup);
            engine->probe_rg = -1;
            FF_CHECK_GOTO(status,
                          ff_reader_read_row_group(file->reader, rg, read_cols, num_read,
                                                   &engine->probe_batch, err),
                          cleanup);
            FF_CHECK_GOTO(status, remember_probe(engine, file, rg, read_cols, num_read, err),
                          cleanup);
            FF_CHECK_GOTO(
                status,
                build_view(engine, file, &engine->probe_batch, view_cols, num_read, rows, err),
                cleanup);
            FF_CHECK_GOTO(status,
                          step->count(engine->sh->cfg.user, engine, file, rg, first_row,
                                      &engine->view, &affected[rg], err),
                          cleanup);
        }
        *total += affected[rg];
        first_row += rows;
    }
cleanup:
    free(facts);
    free(read_cols);
    free(view_cols);
    return status;
}

/* Room for the pass-through masks of a file's columns. */
static ff_status ensure_copy_masks(ops_engine *engine, int32_t num_columns, ff_error *err) {
    if (engine->copy_mask_cap >= num_columns + 1)
        return FF_OK;
    free(engine->copy_mask);
    free(engine->read_mask);
    free(engine->write_mask);
    free(engine->decode_cols);
    free(engine->read_list);
    engine->copy_mask_cap = 0;
    size_t n = (size_t)num_columns + 1;
    engine->copy_mask = ff_calloc(n, sizeof(bool), "columns", err);
    engine->read_mask = ff_calloc(n, sizeof(bool), "columns", err);
    engine->write_mask = ff_calloc(n, sizeof(bool), "columns", err);
    engine->decode_cols = ff_calloc(n, sizeof(int32_t), "columns", err);
    engine->read_list = ff_calloc(n, sizeof(int32_t), "columns", err);
    if (!engine->copy_mask || !engine->read_mask || !engine->write_mask || !engine->decode_cols ||
        !engine->read_list)
        return FF_ERR_NO_MEMORY;
    engine->copy_mask_cap = num_columns + 1;
    return FF_OK;
}

/* Decodes the file columns `need` (all of the file's when NULL) of row group rg into the eval
 * view, taking the ones the scan already decoded for this row group from probe_batch. */
static ff_status load_view(ops_engine *engine, ops_file *file, int32_t rg, int64_t rows,
                           const int32_t *need, int32_t num_need, ff_error *err) {
    bool cached = engine->probe_rg == rg;
    if (!need)
        num_need = file->num_file_columns;
    int32_t num_read = 0;
    for (int32_t idx = 0; idx < num_need; idx++) {
        int32_t col = need ? need[idx] : idx;
        if (!cached || !engine->probe_mask[col])
            engine->read_list[num_read++] = col;
    }
    if (num_read > 0)
        FF_FORWARD_IF_ERROR(ff_reader_read_row_group(file->reader, rg, engine->read_list, num_read,
                                                     &engine->full_batch, err));
    FF_FORWARD_IF_ERROR(
        build_view(engine, file, &engine->full_batch, engine->read_list, num_read, rows, err));
    if (cached) {
        for (int32_t idx = 0; idx < num_need; idx++) {
            int32_t col = need ? need[idx] : idx;
            if (!engine->probe_mask[col])
                continue;
            for (int32_t pos = 0; pos < engine->num_probe_cols; pos++)
                if (engine->probe_cols[pos] == col)
                    engine->view.columns[col] = engine->probe_batch.columns[pos];
        }
    }
    return FF_OK;
}

/* Marks the columns of row group rg to copy as encoded bytes: every column the step does not
 * write (all of them when writes is NULL) whose chunk can be copied, in the codec asked for
 * when the user asked for one. Returns how many columns must be decoded, listed in
 * engine->decode_cols: the ones the step reads, and the ones not copied. */
static int32_t plan_copy(ops_engine *engine, ops_file *file, int32_t rg, const bool *reads,
                         const bool *writes) {
    const ff_ops_options *opts = engine->sh->opts;
    int32_t num_decode = 0;
    for (int32_t col = 0; col < file->num_file_columns; col++) {
        bool copy = !writes || !writes[col];
        if (copy && opts->recompress) {
            const ff_pq_column_chunk *chunk = ff_reader_column_chunk(file->reader, rg, col);
            copy = chunk && chunk->meta_data.codec == (int32_t)opts->compression;
        }
        copy = copy && ff_writer_can_copy_column(file->reader, rg, col);
        engine->copy_mask[col] = copy;
        if (!copy || (reads && reads[col]))
            engine->decode_cols[num_decode++] = col;
    }
    return num_decode;
}

/* One row group of a file the step keeps in place (or an unaffected row group of any file
 * whose schema does not grow): the columns plan_copy chose are copied, the rest decoded and
 * handed to the step (or emitted as they are when nothing in it is affected). */
static ff_status rewrite_row_group_copying(ops_engine *engine, ops_file *file, int32_t rg,
                                           int64_t rows, int64_t first_row, bool affected,
                                           ff_error *err) {
    const ops_step *step = engine->sh->cfg.step;
    int32_t num_decode = affected
                             ? plan_copy(engine, file, rg, engine->read_mask, engine->write_mask)
                             : plan_copy(engine, file, rg, NULL, NULL);
    FF_FORWARD_IF_ERROR(load_view(engine, file, rg, rows, engine->decode_cols, num_decode, err));
    engine->copy_active = true;
    engine->copy_row_group = rg;
    ff_status status;
    if (!affected) {
        ff_batch *out = NULL;
        status = ops_output_view(engine, file, &engine->view, &out, err);
        if (status == FF_OK)
            status = ops_emit(engine, file, out, NULL, rows, NULL, err);
    } else {
        status =
            step->transform(engine->sh->cfg.user, engine, file, rg, first_row, &engine->view, err);
    }
    engine->copy_active = false;
    return status;
}

static ff_status rewrite_file(ops_engine *engine, ops_file *file, const int64_t *affected,
                              ff_error *err) {
    const ops_step *step = engine->sh->cfg.step;
    ff_ops_stats *stats = engine->stats;
    int32_t num_rg = ff_reader_num_row_groups(file->reader);
    int64_t first_row = 0;
    if (!file_is_flat(file->tree))
        return ff_error_set(err, FF_ERR_UNSUPPORTED,
                            "holds nested columns, which row-level operations cannot rewrite yet");
    FF_FORWARD_IF_ERROR(ops_engine_touch(engine, file->entry->partition_dir, err));
    if (engine->full_batch.columns == NULL)
        FF_FORWARD_IF_ERROR(ff_batch_init(&engine->full_batch, 0, err));
    FF_FORWARD_IF_ERROR(ensure_copy_masks(engine, file->num_file_columns, err));
    /* Rows that stay where they are under the file's own schema can keep their encoded
     * columns: all of them in unaffected row groups, the ones the step does not touch in the
     * others when it keeps every row in place. */
    /* Validation compares decoded rows with what was written, so it decodes every column. */
    /* Outputs cut by size or sorted take rows, not row groups. */
    bool same_schema = file->num_out_extra == 0 && !engine->sh->opts->validate &&
                       engine->sh->cfg.output_target_bytes == 0 && engine->sh->cfg.num_sort_by == 0;
    memset(engine->read_mask, 0, (size_t)file->num_file_columns * sizeof(bool));
    memset(engine->write_mask, 0, (size_t)file->num_file_columns * sizeof(bool));
    bool in_place = same_schema && step->keeps_rows_in_place &&
                    step->keeps_rows_in_place(engine->sh->cfg.user, file, engine->read_mask,
                                              engine->write_mask);
    for (int32_t rg = 0; rg < num_rg; rg++) {
        int64_t rows = ff_reader_row_group_num_rows(file->reader, rg);
        if (rows <= 0)
            continue;
        if (affected[rg] < 0) {
            step->drop_row_group(engine->sh->cfg.user, engine, file, rows);
            first_row += rows;
            continue;
        }
        if (in_place || (same_schema && affected[rg] == 0)) {
            FF_FORWARD_IF_ERROR(rewrite_row_group_copying(engine, file, rg, rows, first_row,
                                                          affected[rg] != 0, err));
            first_row += rows;
            continue;
        }
        FF_FORWARD_IF_ERROR(load_view(engine, file, rg, rows, NULL, 0, err));
        if (affected[rg] == 0) {
            ff_batch *out = NULL;
            FF_FORWARD_IF_ERROR(ops_output_view(engine, file, &engine->view, &out, err));
            FF_FORWARD_IF_ERROR(ops_emit(engine, file, out, NULL, rows, NULL, err));
        } else {
            FF_FORWARD_IF_ERROR(step->transform(engine->sh->cfg.user, engine, file, rg, first_row,
                                                &engine->view, err));
        }
        first_row += rows;
    }
    engine->group_rows_in += engine->file_rows;
    stats->bytes_before += engine->file_bytes;
    if (engine->sh->opts->dry_run && engine->file_rows > 0)
        stats->bytes_after += (int64_t)((double)engine->file_bytes * (double)engine->file_rows_out /
                                        (double)engine->file_rows);
    if (engine->file_rows_out == 0)
        stats->files_removed++;
    else
        stats->files_rewritten++;
    engine->group_has_changes = true;
    if (!engine->sh->opts->dry_run && !engine->sh->cfg.output_root)
        FF_FORWARD_IF_ERROR(txn_remove(engine, file->entry, err));
    return FF_OK;
}

static ff_status process_file(ops_engine *engine, size_t file_idx, ff_error *err) {
    const ops_step *step = engine->sh->cfg.step;
    ops_file file;
    memset(&file, 0, sizeof file);
    file.file_idx = file_idx;
    file.entry = &engine->sh->discovery->files[file_idx];
    file.stats = engine->stats;
    engine->probe_rg = -1;
    int64_t *affected = NULL;
    ff_status status = full_path(engine, file.entry->rel_path, err);
    char *path = NULL;
    if (status == FF_OK) {
        path = ff_strndup((const char *)engine->path_buf.data, engine->path_buf.len, err);
        if (!path)
            status = FF_ERR_NO_MEMORY;
    }
    file.path = path;
    if (status == FF_OK)
        status = ff_reader_open(path, NULL, &file.reader, err);
    if (status != FF_OK)
        goto cleanup;
    file.tree = ff_reader_schema(file.reader);
    FF_CHECK_GOTO(status, build_eval(engine, &file, err), cleanup);
    ops_file_plan plan = OPS_FILE_SKIP;
    FF_CHECK_GOTO(status, step->file_open(engine->sh->cfg.user, engine, &file, &plan, err),
                  cleanup);
    if (plan == OPS_FILE_SKIP)
        goto cleanup;
    engine->file_rows = ff_reader_num_rows(file.reader);
    engine->file_rows_out = 0;
    engine->file_bytes = ff_reader_file_size(file.reader);
    engine->stats->files_scanned++;
    engine->stats->rows_scanned += engine->file_rows;
    int32_t num_rg = ff_reader_num_row_groups(file.reader);
    affected = ff_calloc((size_t)num_rg + 1, sizeof *affected, "row groups", err);
    if (!affected) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    int64_t total = 0;
    if (plan == OPS_FILE_SCAN) {
        FF_CHECK_GOTO(status, scan_file(engine, &file, affected, &total, err), cleanup);
    } else {
        for (int32_t rg = 0; rg < num_rg; rg++) {
            affected[rg] = ff_reader_row_group_num_rows(file.reader, rg);
            total += affected[rg];
        }
    }
    if (total > 0)
        status = rewrite_file(engine, &file, affected, err);
cleanup:
    if (status != FF_OK && file.entry)
        ff_error_prefix(err, "%s", file.entry->rel_path);
    ff_schema_free(engine->file_out_tree);
    engine->file_out_tree = NULL;
    engine->has_file_out_tree = false;
    file_release(engine, &file);
    free(affected);
    free(path);
    return status;
}

/* ---- Groups and commits ------------------------------------------------------------------ */

static ff_status commit_group(ops_engine *engine, ff_error *err) {
    ff_ops_stats *stats = engine->stats;
    int64_t rows_written = 0;
    double per_row = stats->rows_scanned > 0
                         ? (double)stats->bytes_before / (double)(stats->rows_scanned + 1)
                         : 64.0;
    FF_FORWARD_IF_ERROR(close_part_outs(engine, err));
    FF_FORWARD_IF_ERROR(outs_close(engine, &engine->sh->new_outs, per_row, &rows_written, err));
    engine->group_rows_out += rows_written;
    ff_status status = FF_OK;
    if (engine->sh->txn && engine->group_has_changes) {
        ff_commit_options copts;
        ff_commit_options_init(&copts);
        copts.check_row_counts = engine->sh->opts->check_row_counts;
        copts.rows_in = engine->group_rows_in;
        copts.rows_removed = engine->group_rows_removed;
        copts.rows_added = engine->group_rows_added;
        copts.rows_out = engine->group_rows_out;
        char json[2048];
        ff_ops_stats_json(stats, engine->sh->cfg.step->op, json, sizeof json);
        copts.stats_json = json;
        char txid[FF_TXID_CAP];
        snprintf(txid, sizeof txid, "%s", ff_txn_id(engine->sh->txn));
        status = ff_txn_commit(engine->sh->txn, &copts, err);
        if (status == FF_OK) {
            stats->transactions++;
            snprintf(stats->last_txid, sizeof stats->last_txid, "%s", txid);
            if (engine->sh->opts->no_backup) {
                ff_error drop_err;
                ff_error_clear(&drop_err);
                (void)ff_dataset_backup_drop(
                    engine->sh->out_ds ? engine->sh->out_ds : engine->sh->ds, txid, &drop_err);
            }
        }
    }
    ff_txn_free(engine->sh->txn);
    engine->sh->txn = NULL;
    engine->group_rows_in = engine->group_rows_out = 0;
    engine->group_rows_removed = engine->group_rows_added = 0;
    engine->group_has_changes = false;
    return status;
}

/* Does the file's partition match every --partition K=V? */
static bool partition_filter(const ops_engine *engine, const ff_dataset_file *file) {
    const ff_ops_options *opts = engine->sh->opts;
    for (int32_t idx = 0; idx < opts->num_partitions; idx++) {
        const char *pair = opts->partitions[idx];
        const char *eq = strchr(pair, '=');
        if (!eq)
            return false;
        size_t name_len = (size_t)(eq - pair);
        bool found = false;
        for (size_t col = 0; col < engine->sh->discovery->num_partition_columns; col++) {
            const char *name = engine->sh->discovery->partition_columns[col];
            if (strlen(name) != name_len || memcmp(name, pair, name_len))
                continue;
            found = true;
            const ff_partition_value *value = &file->values[col];
            const char *want = eq + 1;
            bool want_null = !strcmp(want, FF_HIVE_DEFAULT_PARTITION);
            if (want_null ? !value->is_null
                          : (value->is_null || value->len != strlen(want) ||
                             memcmp(value->bytes, want, value->len)))
                return false;
        }
        if (!found)
            return false;
    }
    return true;
}

static bool partition_may_match(ops_engine *engine, const ff_dataset_file *file,
                                ff_column_facts *facts) {
    if (!engine->sh->cfg.step->partition_may_match)
        return true;
    for (int32_t idx = 0; idx < engine->sh->global.num_fields; idx++)
        ff_column_facts_init(&facts[idx]);
    ops_partition_facts(engine->sh->global.fields, engine->sh->partition_fields,
                        engine->sh->discovery, file, facts);
    return engine->sh->cfg.step->partition_may_match(engine->sh->cfg.user, facts);
}

static void merge_stats(ff_ops_stats *into, ff_ops_stats *from) {
    into->rows_scanned += from->rows_scanned;
    into->rows_deleted += from->rows_deleted;
    into->rows_updated += from->rows_updated;
    into->rows_inserted += from->rows_inserted;
    into->rows_unchanged += from->rows_unchanged;
    into->rows_removed += from->rows_removed;
    into->rows_moved += from->rows_moved;
    into->files_scanned += from->files_scanned;
    into->files_rewritten += from->files_rewritten;
    into->files_removed += from->files_removed;
    into->files_added += from->files_added;
    into->row_groups_skipped += from->row_groups_skipped;
    into->bytes_before += from->bytes_before;
    into->bytes_after += from->bytes_after;
    into->files_validated += from->files_validated;
    memset(from, 0, sizeof *from);
}

/* One directory's files on one worker; its outputs are closed when it is done. */
static ff_status run_unit(ops_engine *engine, size_t first, size_t end, ff_error *err) {
    ff_status status = FF_OK;
    for (size_t file_idx = first; file_idx < end && status == FF_OK; file_idx++)
        status = process_file(engine, file_idx, err);
    const ops_step *step = engine->sh->cfg.step;
    if (status == FF_OK && step->unit_end && first < end)
        status = step->unit_end(engine->sh->cfg.user, engine, &engine->sh->discovery->files[first],
                                end - first, err);
    if (status == FF_OK)
        status = close_part_outs(engine, err);
    return status;
}

/* A worker takes the next directory of the group until none is left or one has failed. */
static void *worker_main(void *arg) {
    ops_engine *engine = arg;
    ops_shared *sh = engine->sh;
    ff_error err;
    ff_error_clear(&err);
    for (;;) {
        pthread_mutex_lock(&sh->mutex);
        bool is_done = sh->status != FF_OK || sh->next_unit >= sh->num_units;
        size_t unit = sh->next_unit++;
        pthread_mutex_unlock(&sh->mutex);
        if (is_done)
            break;
        ff_status status = run_unit(engine, sh->unit_first[unit], sh->unit_end[unit], &err);
        pthread_mutex_lock(&sh->mutex);
        if (status != FF_OK && sh->status == FF_OK) {
            sh->status = status;
            sh->error = err;
        }
        sh->files_done += (int64_t)(sh->unit_end[unit] - sh->unit_first[unit]);
        if (sh->opts->progress)
            sh->opts->progress(sh->opts->progress_user, sh->cfg.step->op, sh->files_done,
                               (int64_t)sh->discovery->num_files);
        pthread_mutex_unlock(&sh->mutex);
    }
    return NULL;
}

/* Runs units [first_unit, end_unit) on the workers and folds their counts into engine. */
static ff_status run_group(ops_engine *engine, ops_engine **workers, int num_workers,
                           size_t first_unit, size_t end_unit, ff_error *err) {
    ops_shared *sh = engine->sh;
    sh->next_unit = first_unit;
    sh->num_units = end_unit;
    sh->status = FF_OK;
    pthread_t threads[OPS_MAX_WORKERS];
    int num_threads = 0;
    if (end_unit - first_unit > 1) {
        for (int idx = 1; idx < num_workers; idx++) {
            if (pthread_create(&threads[num_threads], NULL, worker_main, workers[idx]) != 0)
                break;
            num_threads++;
        }
    }
    worker_main(workers[0]);
    for (int idx = 0; idx < num_threads; idx++)
        pthread_join(threads[idx], NULL);
    for (int idx = 0; idx < num_workers; idx++) {
        ops_engine *worker = workers[idx];
        engine->group_rows_in += worker->group_rows_in;
        engine->group_rows_out += worker->group_rows_out;
        engine->group_rows_removed += worker->group_rows_removed;
        engine->group_rows_added += worker->group_rows_added;
        engine->group_has_changes = engine->group_has_changes || worker->group_has_changes;
        worker->group_rows_in = worker->group_rows_out = 0;
        worker->group_rows_removed = worker->group_rows_added = 0;
        worker->group_has_changes = false;
        merge_stats(engine->stats, &worker->local_stats);
    }
    if (sh->status != FF_OK) {
        *err = sh->error;
        return sh->status;
    }
    return FF_OK;
}

/* The directories to work on, in path order: files that pass --partition and partition
 * pruning, cut into runs of one directory. */
static ff_status plan_units(ops_engine *engine, ff_error *err) {
    ops_shared *sh = engine->sh;
    const ff_discovery *discovery = sh->discovery;
    ff_column_facts *facts =
        ff_calloc((size_t)sh->global.num_fields + 1, sizeof *facts, "facts", err);
    sh->unit_first = ff_calloc(discovery->num_files + 1, sizeof(size_t), "units", err);
    sh->unit_end = ff_calloc(discovery->num_files + 1, sizeof(size_t), "units", err);
    if (!facts || !sh->unit_first || !sh->unit_end) {
        free(facts);
        return FF_ERR_NO_MEMORY;
    }
    size_t num_units = 0;
    for (size_t file_idx = 0; file_idx < discovery->num_files; file_idx++) {
        const ff_dataset_file *file = &discovery->files[file_idx];
        if (!partition_filter(engine, file) || !partition_may_match(engine, file, facts))
            continue;
        if (sh->cfg.step->file_may_match && !sh->cfg.step->file_may_match(sh->cfg.user, file))
            continue;
        if (num_units > 0 && sh->unit_end[num_units - 1] == file_idx &&
            !strcmp(discovery->files[file_idx - 1].partition_dir, file->partition_dir)) {
            sh->unit_end[num_units - 1] = file_idx + 1;
            continue;
        }
        sh->unit_first[num_units] = file_idx;
        sh->unit_end[num_units] = file_idx + 1;
        num_units++;
    }
    sh->num_units = num_units;
    free(facts);
    return FF_OK;
}

static int worker_count(const ff_ops_options *opts) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int count = opts->threads > 0 ? opts->threads : (int)(cores > 0 ? cores : 1);
    return count < 1 ? 1 : count > OPS_MAX_WORKERS ? OPS_MAX_WORKERS : count;
}

ff_status ops_engine_run(ops_engine *engine, ff_error *err) {
    ops_shared *sh = engine->sh;
    ops_engine *workers[OPS_MAX_WORKERS] = {NULL};
    int num_workers = worker_count(sh->opts);
    ff_status status = plan_units(engine, err);
    size_t total_units = sh->num_units;
    for (int idx = 0; idx < num_workers && status == FF_OK; idx++) {
        workers[idx] = ff_calloc(1, sizeof *workers[idx], "worker", err);
        if (!workers[idx]) {
            status = FF_ERR_NO_MEMORY;
            break;
        }
        workers[idx]->sh = sh;
        workers[idx]->worker_index = idx;
        workers[idx]->stats = &workers[idx]->local_stats;
        ff_buf_init(&workers[idx]->path_buf, 0);
        ff_buf_init(&workers[idx]->file_signature, 0);
    }
    if (status != FF_OK)
        goto cleanup;
    int64_t per_commit = sh->cfg.single_transaction || sh->opts->partitions_per_commit <= 0
                             ? INT64_MAX
                             : sh->opts->partitions_per_commit;
    for (size_t first = 0; first < total_units;) {
        size_t end =
            (int64_t)(total_units - first) > per_commit ? first + (size_t)per_commit : total_units;
        FF_CHECK_GOTO(status, run_group(engine, workers, num_workers, first, end, err), cleanup);
        first = end;
        if (first < total_units && engine->group_has_changes)
            FF_CHECK_GOTO(status, commit_group(engine, err), cleanup);
    }
    if (sh->opts->progress && sh->discovery->num_files > 0 &&
        sh->files_done < (int64_t)sh->discovery->num_files)
        sh->opts->progress(sh->opts->progress_user, sh->cfg.step->op,
                           (int64_t)sh->discovery->num_files, (int64_t)sh->discovery->num_files);
    /* The workers' decoded row groups are not needed any more: give their memory back before
     * the finish step (inserts) allocates its own. */
    for (int idx = 0; idx < num_workers; idx++) {
        ff_batch_free(&workers[idx]->probe_batch);
        ff_batch_free(&workers[idx]->full_batch);
    }
    if (sh->cfg.step->finish)
        FF_CHECK_GOTO(status, sh->cfg.step->finish(sh->cfg.user, engine, err), cleanup);
    status = commit_group(engine, err);
cleanup:
    for (int idx = 0; idx < num_workers; idx++) {
        if (workers[idx]) {
            engine_scratch_free(workers[idx]);
            free(workers[idx]);
        }
    }
    return status;
}

/* ---- Partition directories --------------------------------------------------------------- */

ff_status ops_partition_dir(const char *const *names, size_t num_names,
                            const ff_vector *const *columns, int64_t row, ff_buf *out,
                            ff_error *err) {
    ff_buf_reset(out);
    ff_buf text;
    ff_buf_init(&text, 0);
    ff_status status = FF_OK;
    char segment[FF_PARTITION_SEGMENT_MAX + 1];
    for (size_t col = 0; col < num_names && status == FF_OK; col++) {
        bool is_null = false;
        status = ops_partition_text(columns[col], row, &text, &is_null, err);
        size_t seg_len = 0;
        if (status == FF_OK)
            status = ff_partition_segment_encode(
                names[col], text.data ? text.data : (const uint8_t *)"", text.len, is_null, segment,
                sizeof segment, &seg_len, err);
        if (status == FF_OK && col > 0)
            status = ff_buf_append_byte(out, '/', err);
        if (status == FF_OK)
            status = ff_buf_append(out, segment, seg_len, err);
    }
    if (status == FF_OK)
        status = ff_buf_append_byte(out, 0, err);
    if (status == FF_OK)
        out->len--;
    ff_buf_free(&text);
    return status;
}

/* ---- Statistics -------------------------------------------------------------------------- */

size_t ff_ops_stats_json(const ff_ops_stats *stats, const char *op, char *buf, size_t cap) {
    int len = snprintf(
        buf, cap,
        "{\"op\":\"%s\",\"dry_run\":%s,\"rows_scanned\":%" PRId64 ",\"rows_deleted\":%" PRId64
        ",\"rows_updated\":%" PRId64 ",\"rows_inserted\":%" PRId64 ",\"rows_unchanged\":%" PRId64
        ",\"rows_removed\":%" PRId64 ",\"rows_moved\":%" PRId64 ",\"files_scanned\":%" PRId64
        ",\"files_rewritten\":%" PRId64 ",\"files_removed\":%" PRId64 ",\"files_added\":%" PRId64
        ",\"row_groups_skipped\":%" PRId64 ",\"partitions_touched\":%" PRId64
        ",\"bytes_before\":%" PRId64 ",\"bytes_after\":%" PRId64 ",\"transactions\":%" PRId64
        ",\"files_validated\":%" PRId64 ",\"files_before\":%" PRId64 ",\"files_after\":%" PRId64
        ",\"partitions_after\":%" PRId64 ",\"txid\":\"%s\"}",
        op, stats->is_dry_run ? "true" : "false", stats->rows_scanned, stats->rows_deleted,
        stats->rows_updated, stats->rows_inserted, stats->rows_unchanged, stats->rows_removed,
        stats->rows_moved, stats->files_scanned, stats->files_rewritten, stats->files_removed,
        stats->files_added, stats->row_groups_skipped, stats->partitions_touched,
        stats->bytes_before, stats->bytes_after, stats->transactions, stats->files_validated,
        stats->files_before, stats->files_after, stats->partitions_after, stats->last_txid);
    return len < 0 ? 0 : (size_t)len;
}

/* ---- Shared step plumbing ---------------------------------------------------------------- */

ff_status ops_compile_global(ops_engine *engine, const char *text, const ff_expr_options *options,
                             ff_expr **out, ff_error *err) {
    ff_table_schema table = ops_schema_table(&engine->sh->global);
    ff_status status = ff_expr_compile(text, &table, options, out, err);
    if (status == FF_OK || engine->sh->has_union ||
        (status != FF_ERR_EXPR_TYPE && status != FF_ERR_EXPR_SYNTAX))
        return status;
    /* A column may exist only in files other than the first. */
    ff_error_clear(err);
    FF_FORWARD_IF_ERROR(ops_engine_load_union(engine, err));
    table = ops_schema_table(&engine->sh->global);
    return ff_expr_compile(text, &table, options, out, err);
}

bool ops_may_match(ff_expr *expr, const ff_column_facts *facts, int64_t num_rows) {
    return ff_expr_analyze(expr, facts, num_rows) != FF_EXPR_ALWAYS_FALSE;
}

ff_status ops_run_step(const char *root, const ff_ops_options *options, const ops_step *step,
                       void *user, bool single_transaction, bool create_if_missing,
                       ff_status (*prepare)(void *user, ops_engine *engine, ff_error *err),
                       ff_ops_stats *stats, ff_error *err) {
    ops_engine_config config;
    memset(&config, 0, sizeof config);
    config.root = root;
    config.options = options;
    config.step = step;
    config.user = user;
    config.stats = stats;
    config.single_transaction = single_transaction;
    config.create_if_missing = create_if_missing;
    return ops_run_config(&config, prepare, err);
}

ff_status ops_run_config(const ops_engine_config *config,
                         ff_status (*prepare)(void *user, ops_engine *engine, ff_error *err),
                         ff_error *err) {
    ops_engine *engine = NULL;
    ff_status status = ops_engine_open(config, &engine, err);
    if (status == FF_OK && prepare)
        status = prepare(config->user, engine, err);
    if (status == FF_OK)
        status = ops_engine_run(engine, err);
    ops_engine_free(engine);
    return status;
}
