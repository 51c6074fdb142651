/* FluxForge datasets: Hive-partitioned Parquet directories and the safe way to change them.
 *
 * A dataset is a directory tree (DESIGN.md §1):
 *
 *     DATASET/product_id=BTC-USD/date=2025-11-26/part-<txid>-00000.parquet
 *     DATASET/_fluxforge/{lock, journal/, stage/, backups/, history.jsonl}
 *
 * This header covers five things.
 *
 * Partition paths. A directory segment is `name=value`, both percent-encoded: bytes outside
 * [A-Za-z0-9._~-] become %XX (upper-case hex), so `BTC-USD`, `2025-11-26` and `13` stay
 * readable while `/`, `\`, `=`, `%`, control and non-UTF-8 bytes cannot form a second segment
 * or leave the root. NULL is `__HIVE_DEFAULT_PARTITION__`; the empty string is the empty
 * segment value `name=` (DuckDB and Polars both read `k=` as '' and the sentinel as NULL, so
 * the two stay distinct for them too). The string "__HIVE_DEFAULT_PARTITION__" itself is
 * written `%5F_HIVE_DEFAULT_PARTITION__`: FluxForge and DuckDB decode it back to the string,
 * Polars reads it as NULL. Column names are encoded the same way, and a leading `_` or `.` is
 * escaped so discovery does not skip the directory.
 *
 * Discovery. ff_dataset_discover walks the tree (not following symbolic links), skips names
 * starting with `_` or `.`, and lists every `.parquet` file with its decoded partition values
 * and identity (size, mtime, inode) — the identity a commit later checks before replacing the
 * file. What it cannot interpret (stray files, directories that are not `name=value`,
 * inconsistent partition columns) it reports rather than guesses.
 *
 * Locks. A writer locks the whole dataset, or (FF_LOCK_PARTITIONS) shares it with other such
 * writers and locks only the partition directories it changes, so that writers of disjoint
 * partitions — in several processes or on several machines sharing the file system — run at
 * once; recovery never touches a transaction whose writer is alive.
 *
 * Transactions. Every change is an ff_txn (DESIGN.md §5): begin, stage new files (the caller
 * writes them at the staged path), declare removals, commit. Commit validates, checks that
 * the files to remove are unchanged, writes a write-ahead journal, backs up what it removes,
 * renames the new files into place without ever overwriting a name, fsyncs the directories,
 * marks the journal done and appends to history.jsonl. A crash at any instant leaves a state
 * that ff_dataset_recover (run by every writer on open) turns into exactly the state before or
 * exactly the state after; an error inside commit rolls back before returning. Work spanning
 * many partitions commits in groups — several transactions in a row on one open dataset — so
 * an interrupted run keeps the groups it finished.
 *
 * Maintenance. ff_dataset_verify checks the structure (and calls a hook per file for the
 * checks that need the Parquet reader); the backup functions list, restore, drop and prune
 * the backups commits leave behind. See docs/commit-protocol.md for the protocol itself. */
#ifndef FLUXFORGE_DATASET_H
#define FLUXFORGE_DATASET_H

#include <fluxforge/error.h>
#include <fluxforge/io.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Partition paths ------------------------------------------------------------------ */

/* The directory value Hive and every engine use for NULL. */
#define FF_HIVE_DEFAULT_PARTITION "__HIVE_DEFAULT_PARTITION__"

/* Longest directory name the encoder produces (NAME_MAX on Linux). */
#define FF_PARTITION_SEGMENT_MAX 255

/* Encodes one `name=value` segment into out (out_cap bytes, NUL-terminated), *out_len set to
 * its length. value is value_len arbitrary bytes (NUL included); is_null selects NULL and
 * ignores value. name and value are borrowed for the call.
 * @return FF_OK; FF_ERR_INVALID_ARGUMENT for an empty name; FF_ERR_LIMIT when the segment
 *         would exceed FF_PARTITION_SEGMENT_MAX or out_cap (the message names the column). */
ff_status ff_partition_segment_encode(const char *name, const void *value, size_t value_len,
                                      bool is_null, char *out, size_t out_cap, size_t *out_len,
                                      ff_error *err);

/* Decodes a segment of segment_len bytes. name_out and value_out must each hold segment_len + 1
 * bytes; both are NUL-terminated (value may contain NUL bytes: use *value_len). Malformed
 * escapes (`%` not followed by two hex digits) are kept literally, as DuckDB and Polars do.
 * @return FF_OK; FF_ERR_INVALID_ARGUMENT when the segment has no `=` or an empty name. */
ff_status ff_partition_segment_decode(const char *segment, size_t segment_len, char *name_out,
                                      size_t *name_len, uint8_t *value_out, size_t *value_len,
                                      bool *is_null, ff_error *err);

/* One partition value: bytes (NUL-terminated; may contain NUL bytes, see len) or NULL. */
typedef struct ff_partition_value {
    const uint8_t *bytes;
    size_t len;
    bool is_null;
} ff_partition_value;

/* Encodes a whole partition directory "n1=v1/n2=v2/..." (num_columns segments; "" for none)
 * into out (out_cap bytes, NUL-terminated), the form ff_txn_add_file takes. names and values
 * are borrowed for the call (values[i].bytes may be NULL when len is 0 or is_null is set).
 * @return FF_OK; the errors of ff_partition_segment_encode; FF_ERR_LIMIT if out is too small. */
ff_status ff_partition_dir_encode(const char *const *names, const ff_partition_value *values,
                                  size_t num_columns, char *out, size_t out_cap, size_t *out_len,
                                  ff_error *err);

/* ---- Opening a dataset ---------------------------------------------------------------- */

typedef struct ff_dataset ff_dataset;

typedef enum ff_dataset_mode {
    FF_DATASET_READ = 0,  /* no lock, no writes: discovery only */
    FF_DATASET_WRITE = 1, /* takes the dataset lock; transactions, recover, backups */
} ff_dataset_mode;

/* What a writer locks (DESIGN.md §5 step 1, §8; docs/commit-protocol.md). */
typedef enum ff_lock_scope {
    /* The whole dataset, exclusively: no other writer runs meanwhile. */
    FF_LOCK_DATASET = 0,
    /* The dataset lock shared with other such writers, plus an exclusive lock on each
     * partition directory the writer changes: ff_dataset_lock_partitions before planning,
     * and transactions lock the directories they add to or remove from on first use. */
    FF_LOCK_PARTITIONS = 1,
} ff_lock_scope;

typedef struct ff_dataset_options {
    ff_dataset_mode mode;
    /* Writers only; FF_LOCK_DATASET unless set. */
    ff_lock_scope lock_scope;
    /* With FF_LOCK_PARTITIONS: the partitions the writer works on, as "K=V" pairs (decoded
     * values, "__HIVE_DEFAULT_PARTITION__" for NULL) that must all match; none selects every
     * partition. ff_dataset_discover locks the matching directories and lists only their
     * files (see ff_dataset_discover_partitions). Borrowed until ff_dataset_close. */
    const char *const *partitions;
    size_t num_partitions;
    /* Block until the lock is free instead of failing with "dataset in use by pid N". */
    bool wait_for_lock;
    /* Create DATASET if it does not exist (writers only). */
    bool create_if_missing;
    /* Writers run ff_dataset_recover on open unless this is set (the `recover` and `verify`
     * commands want to report instead). */
    bool skip_recover;
    /* Where commits keep the files they remove: NULL keeps hard links under
     * _fluxforge/backups/<txid>/; a directory keeps copies under DIR/<txid>/. Borrowed until
     * ff_dataset_close. */
    const char *backup_dir;
    /* The I/O context every mutating step goes through; NULL means plain I/O without faults.
     * Borrowed until ff_dataset_close. */
    ff_io *io;
} ff_dataset_options;

/* Fills opts with the defaults: a reader, no waiting, no backup directory, plain I/O. */
void ff_dataset_options_init(ff_dataset_options *opts);

/* Opens the dataset at root (borrowed for the call). A writer creates _fluxforge/ if needed,
 * takes the lock (_fluxforge/lock, flock, holder's pid written in it) and recovers; with
 * FF_LOCK_PARTITIONS it takes the lock shared and recovers in ff_dataset_lock_partitions.
 * Caller owns *out; free with ff_dataset_close().
 * @return FF_OK; FF_ERR_NOT_FOUND if root does not exist; FF_ERR_CONFLICT "dataset in use by
 *         pid N" when another writer holds the lock and wait_for_lock is false; FF_ERR_IO /
 *         FF_ERR_NO_SPACE from the file system; any error of ff_dataset_recover. */
ff_status ff_dataset_open(const char *root, const ff_dataset_options *opts, ff_dataset **out,
                          ff_error *err);

/* Locks the partition directories dirs (encoded and relative, e.g. "product_id=BTC-USD/
 * date=2025-11-26"; borrowed for the call) for a writer opened with FF_LOCK_PARTITIONS, then
 * runs ff_dataset_recover (unless skip_recover) so that the partitions are planned from a
 * clean state; a FF_LOCK_DATASET writer already holds everything and returns FF_OK. The
 * first call may wait (wait_for_lock), taking the locks in a fixed order; later calls only
 * try, and with wait_for_lock retry for a bounded time, so that two writers can never wait
 * for each other. Locks are held until ff_dataset_close. num_dirs may be 0 (recover only).
 * @return FF_OK; FF_ERR_CONFLICT "partition D in use by pid N"; FF_ERR_INVALID_ARGUMENT for
 *         an unsafe directory or a reader; any error of ff_dataset_recover. */
ff_status ff_dataset_lock_partitions(ff_dataset *ds, const char *const *dirs, size_t num_dirs,
                                     ff_error *err);

/* Releases the lock and frees the handle. Accepts NULL. */
void ff_dataset_close(ff_dataset *ds);

/* The root path as given to ff_dataset_open. Owned by ds. */
const char *ff_dataset_root(const ff_dataset *ds);

/* The I/O context of ds (NULL for plain I/O): writers of staged files use it so that their
 * steps are counted and faults reach them. Borrowed until ff_dataset_close. */
ff_io *ff_dataset_io(const ff_dataset *ds);

/* ---- Recovery ------------------------------------------------------------------------- */

typedef struct ff_recover_report {
    size_t num_rolled_forward; /* journaled commits completed */
    size_t num_rolled_back;    /* commits whose in-process rollback was interrupted, finished */
    size_t num_finished;       /* commits that were done but not yet cleaned up */
    size_t num_leftovers;      /* unjournaled stage dirs, temp journals, partial backups removed */
} ff_recover_report;

/* Finishes or undoes whatever a crash left in _fluxforge/ (see docs/commit-protocol.md).
 * Idempotent: running it twice, or being interrupted and rerun, is safe. ds must be a writer.
 * report may be NULL.
 * @return FF_OK; FF_ERR_CORRUPT for a journal that does not parse (left in place, named);
 *         FF_ERR_CONFLICT when a file a journal names was changed by someone else. */
ff_status ff_dataset_recover(ff_dataset *ds, ff_recover_report *report, ff_error *err);

/* ---- Discovery ------------------------------------------------------------------------ */

/* What identifies a file's version: a commit replaces a file only if these still match. */
typedef struct ff_file_identity {
    int64_t size;
    int64_t mtime_ns;
    uint64_t inode;
    uint64_t device;
} ff_file_identity;

typedef struct ff_dataset_file {
    const char *rel_path;      /* "k=v/part-x.parquet", relative to the root */
    const char *partition_dir; /* "k=v" ("" for a file at the root) */
    ff_file_identity identity;
    const ff_partition_value *values; /* one per partition column */
} ff_dataset_file;

/* Everything in a discovery (strings, arrays) is owned by it; free with ff_discovery_free(). */
typedef struct ff_discovery {
    size_t num_files;
    const ff_dataset_file *files; /* sorted by rel_path */
    size_t num_partition_columns;
    const char *const *partition_columns; /* decoded names, outermost first */
    /* Entries discovery skipped that a tidy dataset does not have: files not ending in
     * .parquet, directories that are not name=value, symbolic links, partition columns that
     * differ between directories. One message each, naming the path. */
    size_t num_problems;
    const char *const *problems;
} ff_discovery;

/* Walks the dataset. Works in either mode; for a FF_LOCK_PARTITIONS writer it is
 * ff_dataset_discover_partitions with the options' selection. Caller owns *out; free with
 * ff_discovery_free().
 * @return FF_OK (problems are reported in the result, not as errors); FF_ERR_IO. */
ff_status ff_dataset_discover(ff_dataset *ds, ff_discovery **out, ff_error *err);

/* Discovery for a writer limited to some partitions: locks (ff_dataset_lock_partitions) the
 * directories whose partition values equal every pair ("K=V", V decoded, or
 * "__HIVE_DEFAULT_PARTITION__" for NULL; borrowed for the call), recovers, and discovers
 * again until no new matching directory appears, so the caller plans against partitions it
 * holds. The result lists only the files of those directories (other partitions change under
 * their own writers meanwhile); partition columns and problems are those of the whole walk.
 * With no pairs every directory matches. Caller owns *out; free with ff_discovery_free().
 * @return FF_OK; the errors of ff_dataset_discover and ff_dataset_lock_partitions. */
ff_status ff_dataset_discover_partitions(ff_dataset *ds, const char *const *pairs, size_t num_pairs,
                                         ff_discovery **out, ff_error *err);

/* Frees a discovery and every string and array it holds. Accepts NULL. */
void ff_discovery_free(ff_discovery *discovery);

/* ---- Transactions --------------------------------------------------------------------- */

typedef struct ff_txn ff_txn;

/* Starts a transaction on a writer. op names it in history.jsonl ("delete", "compact", ...;
 * borrowed for the call). Creates _fluxforge/stage/<txid>/. Only one transaction at a time per
 * ds. Caller owns *out; free with ff_txn_free().
 * @return FF_OK; FF_ERR_INVALID_ARGUMENT if ds is not a writer or a transaction is open. */
ff_status ff_txn_begin(ff_dataset *ds, const char *op, ff_txn **out, ff_error *err);

/* The transaction id: sortable by start time, unique ("20251126T101500123456-1a2b3c4d").
 * Owned by txn. */
const char *ff_txn_id(const ff_txn *txn);

/* Reserves the next new file of partition_dir (relative and encoded, e.g.
 * "product_id=BTC-USD/date=2025-11-26", "" for the root; borrowed for the call). The caller
 * creates and writes the file at *stage_path (owned by txn); commit fsyncs it and renames it
 * to partition_dir/part-<txid>-<n>.parquet. *final_rel_path (owned by txn; may be NULL) is the
 * name it will have.
 * A FF_LOCK_PARTITIONS writer locks partition_dir here if it does not hold it yet (without
 * waiting, or for a bounded time with wait_for_lock: see ff_dataset_lock_partitions).
 * @return FF_OK; FF_ERR_INVALID_ARGUMENT for a directory that is absolute, contains "." or
 *         ".." segments, or a segment that is not name=value or starts with '_' or '.';
 *         FF_ERR_CONFLICT "partition D in use by pid N". */
ff_status ff_txn_add_file(ff_txn *txn, const char *partition_dir, const char **stage_path,
                          const char **final_rel_path, ff_error *err);

/* ff_txn_add_file, then writes len bytes there (through the dataset's ff_io) and fsyncs. */
ff_status ff_txn_write_file(ff_txn *txn, const char *partition_dir, const void *data, size_t len,
                            ff_error *err);

/* Declares that rel_path (a .parquet file relative to the root, borrowed for the call) is
 * removed by this transaction. expected is the identity the caller planned against (from
 * ff_dataset_discover); NULL takes the file's identity now. The file's directory is locked
 * as in ff_txn_add_file.
 * @return FF_OK; FF_ERR_NOT_FOUND; FF_ERR_INVALID_ARGUMENT for an unsafe path or a file
 *         declared twice; FF_ERR_CONFLICT when another writer holds its partition. */
ff_status ff_txn_remove_file(ff_txn *txn, const char *rel_path, const ff_file_identity *expected,
                             ff_error *err);

/* The validation a commit runs before anything becomes visible. */
typedef struct ff_commit_options {
    /* When set, commit refuses unless rows_in - rows_removed + rows_added == rows_out. */
    bool check_row_counts;
    int64_t rows_in, rows_removed, rows_added, rows_out;
    /* Optional extra check (e.g. the --validate content fingerprint): called after staging,
     * before the journal; a non-OK status aborts the commit. user is passed back. */
    ff_status (*validate)(void *user, const ff_txn *txn, ff_error *err);
    void *validate_user;
    /* Optional JSON object text with the operation's statistics, stored under "stats" in the
     * history line (borrowed for the call). */
    const char *stats_json;
} ff_commit_options;

/* Fills opts with the defaults: no row-count check, no hook, no statistics. */
void ff_commit_options_init(ff_commit_options *opts);

/* Commits (DESIGN.md §5 steps 4-8). On success the staged files are in place and the removed
 * ones are gone (kept as backups). On failure nothing changed: before the journal the stage is
 * discarded; after it the commit is rolled back. Either way the transaction is over; free it
 * with ff_txn_free(). opts may be NULL.
 * @return FF_OK; FF_ERR_CONFLICT if a file to remove changed since it was planned (named);
 *         FF_ERR_INTERNAL for failed row-count validation; FF_ERR_NO_SPACE / FF_ERR_IO. If a
 *         rollback itself fails the message says to run `fluxforge recover`. */
ff_status ff_txn_commit(ff_txn *txn, const ff_commit_options *opts, ff_error *err);

/* Discards an uncommitted transaction (its staged files) and frees it. Accepts NULL. Cleanup
 * that fails is left for the next recover. */
void ff_txn_free(ff_txn *txn);

/* ---- Verify --------------------------------------------------------------------------- */

/* Per-file check that needs the Parquet reader (footer valid, in-file partition values equal
 * the directory's). root and file are borrowed for the call. Return non-OK with a message to
 * report a problem with the file. */
typedef ff_status (*ff_verify_file_fn)(void *user, const char *root, const ff_dataset_file *file,
                                       const ff_discovery *discovery, ff_error *err);

typedef struct ff_verify_options {
    ff_verify_file_fn check_file; /* NULL: structure checks only */
    void *user;
} ff_verify_options;

/* Fills opts with the defaults: structure checks only. */
void ff_verify_options_init(ff_verify_options *opts);

/* Owned by the caller of ff_dataset_verify; free with ff_verify_report_free(). */
typedef struct ff_verify_report {
    size_t num_files;
    size_t num_partitions;
    size_t num_problems;
    const char *const *problems; /* one message each, naming the path */
} ff_verify_report;

/* Checks the dataset: no leftovers in _fluxforge/ (journal and stage empty, every backup has
 * a manifest, no name there ends in .parquet), every data file ends in .parquet, partition
 * directories consistent, and check_file for each file. Needs a writer (so no commit runs
 * meanwhile) opened with skip_recover, so leftovers are seen rather than repaired.
 * Caller owns *out; free with ff_verify_report_free().
 * @return FF_OK (problems are in the report); FF_ERR_IO. */
ff_status ff_dataset_verify(ff_dataset *ds, const ff_verify_options *opts, ff_verify_report **out,
                            ff_error *err);

/* Frees a report and its messages. Accepts NULL. */
void ff_verify_report_free(ff_verify_report *report);

/* ---- Backups -------------------------------------------------------------------------- */

typedef struct ff_backup_info {
    const char *txid;
    const char *op;
    int64_t time_unix;    /* when the transaction committed */
    size_t num_removed;   /* files the transaction removed (what the backup holds) */
    size_t num_added;     /* files it added (what a restore takes away) */
    int64_t bytes;        /* size of the removed files */
    const char *location; /* directory holding the copies, or "" for hard links in place */
} ff_backup_info;

/* Owned by the caller of ff_dataset_backups_list; free with ff_backup_list_free(). */
typedef struct ff_backup_list {
    size_t num_backups;
    const ff_backup_info *backups; /* oldest first */
} ff_backup_list;

/* Lists the backups. Caller owns *out; free with ff_backup_list_free(). */
ff_status ff_dataset_backups_list(ff_dataset *ds, ff_backup_list **out, ff_error *err);

/* Frees a list and its strings. Accepts NULL. */
void ff_backup_list_free(ff_backup_list *list);

/* Undoes transaction txid, as a new transaction of its own ("restore"): the files it removed
 * come back byte for byte under their original names, the files it added go away.
 * new_txid_out (may be NULL) receives the restoring transaction's id (FF_TXID_CAP bytes).
 * @return FF_OK; FF_ERR_NOT_FOUND (no such backup); FF_ERR_CONFLICT when a file txid added
 *         was since replaced or removed, or an original name is taken again — restore the
 *         later transactions first. */
ff_status ff_dataset_backup_restore(ff_dataset *ds, const char *txid, char *new_txid_out,
                                    ff_error *err);

#define FF_TXID_CAP 40

/* Deletes the backup of txid. @return FF_OK; FF_ERR_NOT_FOUND. */
ff_status ff_dataset_backup_drop(ff_dataset *ds, const char *txid, ff_error *err);

/* Drops backups beyond the newest keep (keep >= 0), and/or those older than older_than_days
 * (>= 0; -1 disables each criterion). *num_dropped may be NULL. */
ff_status ff_dataset_backups_prune(ff_dataset *ds, int64_t keep, int64_t older_than_days,
                                   size_t *num_dropped, ff_error *err);

#ifdef __cplusplus
}
#endif
#endif
