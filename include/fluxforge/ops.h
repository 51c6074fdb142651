/* FluxForge row-level operations: delete, update, upsert and dedup (DESIGN.md §2, §5-§7).
 *
 * Parquet files are immutable, so each operation is a read-modify-write of exactly the files
 * that hold affected rows. All four share one rewrite engine: a plan picks the files (and row
 * groups) that can hold affected rows, using partition values and row-group statistics; the
 * engine reads only the columns that decide whether a row is affected until a file is known
 * to hold such a row, then streams that file's row groups through the operation's per-batch
 * step (rows to keep, values that change, the partition each row belongs to) into new files
 * staged through a dataset transaction. Files without affected rows are never opened beyond
 * their footer and stay byte for byte as they were; a file whose rows all go away is removed,
 * never rewritten empty. Rewritten files keep the source's schema and key-value metadata
 * (plus any added column).
 *
 * Every function here opens the dataset itself (taking the write lock and running recovery,
 * or, for a dry run, reading only), commits in groups of partitions (each group one
 * transaction, validated by row counts), and fills an ff_ops_stats. On failure nothing that
 * was not already committed by an earlier group changes, and the message names the file,
 * column or position at fault. A run that finds nothing to change commits nothing.
 *
 * All option strings and arrays are borrowed for the call. */
#ifndef FLUXFORGE_OPS_H
#define FLUXFORGE_OPS_H

#include <fluxforge/dataset.h>
#include <fluxforge/error.h>
#include <fluxforge/io.h>
#include <fluxforge/reader.h>
#include <fluxforge/writer.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What an operation did (or, for a dry run, would do). Counters that do not apply to an
 * operation stay 0. */
typedef struct ff_ops_stats {
    bool is_dry_run;
    int64_t rows_scanned;   /* rows of files whose affected rows were looked for */
    int64_t rows_deleted;   /* delete */
    int64_t rows_updated;   /* update, upsert */
    int64_t rows_inserted;  /* upsert */
    int64_t rows_unchanged; /* upsert: matched keys whose values were already equal */
    int64_t rows_removed;   /* dedup */
    int64_t rows_moved;     /* update of a partition column: rows now in another directory */
    int64_t files_scanned;  /* files opened beyond partition pruning */
    int64_t files_rewritten;
    int64_t files_removed;      /* files whose rows all went away */
    int64_t files_added;        /* new files written (rewrites and inserts) */
    int64_t row_groups_skipped; /* by statistics */
    int64_t partitions_touched;
    int64_t bytes_before;        /* size of the files replaced or removed */
    int64_t bytes_after;         /* size of the files written (estimated in a dry run) */
    int64_t transactions;        /* commits */
    int64_t files_validated;     /* written files read back and matched (validate) */
    int64_t files_before;        /* compact, repartition: data files of the dataset before */
    int64_t files_after;         /* compact, repartition: data files it has (would have) after */
    int64_t partitions_after;    /* repartition: partitions of the new layout */
    char last_txid[FF_TXID_CAP]; /* the last commit's id ("" when nothing was committed) */
} ff_ops_stats;

/* Progress: files_done of files_total examined. user is the options' progress_user. */
typedef void (*ff_ops_progress_fn)(void *user, const char *op, int64_t files_done,
                                   int64_t files_total);

/* The memory budget of an operation given no --memory-limit. */
#define FF_OPS_DEFAULT_MEMORY_LIMIT (128ll << 20)

/* Options every operation takes. */
typedef struct ff_ops_options {
    bool dry_run;           /* plan and count, write nothing (the dataset is opened read-only) */
    bool wait_for_lock;     /* wait for another writer instead of failing */
    bool no_backup;         /* drop the backup each commit leaves */
    const char *backup_dir; /* copies of replaced files go to DIR/<txid>/ (NULL: hard links) */
    ff_compression compression; /* default ZSTD */
    int compression_level;      /* -1: codec default */
    /* Columns an operation leaves unchanged, in row groups whose rows all stay, keep their
     * encoded pages (and so their codec) unless this is set; then every column written is
     * encoded with `compression`. The command line sets it with --compression. */
    bool recompress;
    bool check_row_counts; /* validate rows in/out before each commit (default true) */
    /* Before each commit, read every written file back and compare its content fingerprint
     * with the rows meant for it. Every column is then decoded and encoded (no column keeps
     * its encoded pages), so this costs a read of the output and the pass-through. */
    bool validate;
    int64_t partitions_per_commit; /* partitions per transaction; default 1024 */
    /* Restricts the operation to partitions whose directory values equal these "K=V" pairs
     * (decoded values; all pairs must match). */
    const char *const *partitions;
    int32_t num_partitions;
    int32_t threads; /* workers; 0: one per core (at most 8) */
    /* Bytes the operation plans its memory by (0: FF_OPS_DEFAULT_MEMORY_LIMIT). Streaming
     * operations hold a row group per worker whatever it is; what would otherwise grow with
     * the data, an upsert's input, is set aside on disk beyond a quarter of it. */
    int64_t memory_limit;
    ff_io *io;                   /* NULL: plain I/O */
    ff_ops_progress_fn progress; /* NULL: silent */
    void *progress_user;
} ff_ops_options;

void ff_ops_options_init(ff_ops_options *options);

/* ---- footers of many files ------------------------------------------------------------ */

/* Called by ff_read_footers for each file in index order; reader is borrowed for the call.
 * A non-OK status ends the walk and is returned. */
typedef ff_status (*ff_footer_fn)(void *user, size_t file_idx, ff_reader *reader, ff_error *err);

/* Opens paths[0..num_paths) (borrowed for the call) on up to `threads` threads (0: one per
 * core, at most 8), a window of files at a time, and calls fn for each in index order. What
 * fn sees, and the error returned — the first file in index order that fails to open, or the
 * first failure of fn — are the same for any number of threads.
 * @return FF_OK; the first error in index order. */
ff_status ff_read_footers(const char *const *paths, size_t num_paths, int32_t threads,
                          ff_footer_fn fn, void *user, ff_error *err);

/* ---- delete --------------------------------------------------------------------------- */

typedef struct ff_delete_options {
    ff_ops_options common;
    const char *where; /* required: rows where it is TRUE are deleted (NULL keeps the row) */
} ff_delete_options;

void ff_delete_options_init(ff_delete_options *options);

/* Deletes the rows matching options->where from the dataset at root.
 * @return FF_OK; FF_ERR_EXPR_SYNTAX / FF_ERR_EXPR_TYPE for a bad predicate ("at N: ...");
 *         FF_ERR_CONFLICT when the dataset is locked or a file changed meanwhile;
 *         FF_ERR_SCHEMA for incompatible file schemas; I/O errors naming the file. */
ff_status ff_dataset_delete(const char *root, const ff_delete_options *options, ff_ops_stats *stats,
                            ff_error *err);

/* ---- update --------------------------------------------------------------------------- */

typedef struct ff_assignment {
    const char *column;
    const char *expr;
} ff_assignment;

typedef struct ff_update_options {
    ff_ops_options common;
    const ff_assignment *assignments;
    int32_t num_assignments;
    const char *where; /* NULL: every row */
    bool add_columns;  /* allow assigning a column that does not exist yet */
} ff_update_options;

void ff_update_options_init(ff_update_options *options);

/* Sets columns of the rows matching where; all assignments see the row's old values. A
 * result is cast to the column's type or refused (FF_ERR_EXPR_TYPE) before anything is
 * written. Assigning a partition column moves the row into its new value's directory. */
ff_status ff_dataset_update(const char *root, const ff_update_options *options, ff_ops_stats *stats,
                            ff_error *err);

/* ---- upsert --------------------------------------------------------------------------- */

typedef enum ff_dedup_input {
    FF_DEDUP_INPUT_ERROR = 0, /* duplicate keys in the input are an error naming the key */
    FF_DEDUP_INPUT_FIRST = 1, /* keep the first row of each key */
    FF_DEDUP_INPUT_LAST = 2,  /* keep the last */
} ff_dedup_input;

typedef struct ff_upsert_options {
    ff_ops_options common;
    const char *from_path; /* a Parquet file or a dataset directory; NULL: from_data */
    const void *from_data; /* a whole Parquet file in memory (stdin) */
    size_t from_len;
    const char *const *keys;
    int32_t num_keys;
    const char *const *partition_by; /* for a dataset without partitions yet; else must match */
    int32_t num_partition_by;
    const char *const *update_columns; /* NULL: every non-key column of the input */
    int32_t num_update_columns;
    ff_dedup_input dedup_input;
    bool add_columns; /* allow input columns the dataset lacks */
} ff_upsert_options;

void ff_upsert_options_init(ff_upsert_options *options);

/* Merges the input rows into the dataset: rows whose key exists in their partition update
 * the matching rows, the others are inserted into (possibly new) partitions. */
ff_status ff_dataset_upsert(const char *root, const ff_upsert_options *options, ff_ops_stats *stats,
                            ff_error *err);

/* ---- dedup ---------------------------------------------------------------------------- */

typedef struct ff_dedup_options {
    ff_ops_options common;
    const char *const *keys;
    int32_t num_keys;
    bool keep_last;         /* keep the last row of each key instead of the first */
    const char *order_by;   /* NULL: file name and row position only */
    bool across_partitions; /* one row per key in the dataset, not per partition */
} ff_dedup_options;

void ff_dedup_options_init(ff_dedup_options *options);

/* Leaves one row per key. "First" is the smallest (order_by ascending, NULLs last; then file
 * name; then row position); "last" is the largest order_by (NULLs still lose), then the last
 * file name and row position. */
ff_status ff_dataset_dedup(const char *root, const ff_dedup_options *options, ff_ops_stats *stats,
                           ff_error *err);

/* ---- compact -------------------------------------------------------------------------- */

typedef struct ff_compact_options {
    ff_ops_options common;
    int64_t target_size;   /* bytes of source files per output file; default 100 MiB */
    int64_t min_files;     /* a partition is compacted when it has this many small files; 5 */
    int64_t max_file_size; /* files smaller than this are small; default 20 MiB, 0: every file */
    /* Sort the rows of each new file by these columns (ascending, NULLs last); each output's
     * rows are then held in memory until it is written (about target_size of source). */
    const char *const *sort_by;
    int32_t num_sort_by;
} ff_compact_options;

void ff_compact_options_init(ff_compact_options *options);

/* Merges the small files of each partition that has at least min_files of them into files
 * of about target_size source bytes (one file when their total is below it), streaming row
 * groups, never a whole partition in memory. Other files, and every file of other partitions,
 * stay byte for byte as they were. Files of one partition with different schemas go to
 * separate outputs. Statistics: files_rewritten (small files merged), files_added, files_before,
 * files_after, partitions_touched, bytes_before, bytes_after.
 * @return FF_OK; FF_ERR_INVALID_ARGUMENT for a target_size or min_files below 1;
 *         FF_ERR_SCHEMA for a sort_by column no file has;
 *         FF_ERR_CONFLICT when the dataset is locked or a file changed meanwhile; I/O errors
 *         naming the file. */
ff_status ff_dataset_compact(const char *root, const ff_compact_options *options,
                             ff_ops_stats *stats, ff_error *err);

/* ---- repartition ---------------------------------------------------------------------- */

typedef struct ff_derived_column {
    const char *name;
    const char *expr; /* an expression over the source's columns ("hour(time)") */
} ff_derived_column;

typedef struct ff_repartition_options {
    ff_ops_options common;
    const char *const *by; /* the new partition columns, outermost first (source or derived) */
    int32_t num_by;
    const ff_derived_column *derived; /* appended to the schema (or replacing a column) */
    int32_t num_derived;
    bool in_place; /* replace the source's content instead of writing dst */
} ff_repartition_options;

void ff_repartition_options_init(ff_repartition_options *options);

/* Writes every row of the dataset at src, with the derived columns, into the layout of the
 * `by` columns: a new dataset at dst (which must be absent or an empty directory; dst is NULL
 * with in_place), committed as one transaction, so that after a crash and `recover` dst holds
 * either no data file or all of them; or, with in_place, one transaction that replaces every
 * file of src. A dry run (`--estimate`) counts the partitions (partitions_after), files
 * (files_added) and bytes it would write. Source partition columns stay ordinary columns.
 * @return FF_OK; FF_ERR_INVALID_ARGUMENT for a missing `by`, a dst that is not empty, inside
 *         src, or equal to it; FF_ERR_SCHEMA for a `by` column that neither the source nor a
 *         derived column has; FF_ERR_EXPR_SYNTAX / FF_ERR_EXPR_TYPE for a bad expression;
 *         FF_ERR_UNSUPPORTED for files without their partition columns stored inside. */
ff_status ff_dataset_repartition(const char *src, const char *dst,
                                 const ff_repartition_options *options, ff_ops_stats *stats,
                                 ff_error *err);

/* ---- statistics as JSON --------------------------------------------------------------- */

/* Writes the statistics as one JSON object ({"op":"delete","dry_run":false,...}) into buf
 * (cap bytes, NUL-terminated, cut if too small). @return the length it needed. */
size_t ff_ops_stats_json(const ff_ops_stats *stats, const char *op, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
