/* Internals shared by the files of src/dataset: the dataset handle, the journal record, and
 * the three idempotent procedures of the commit protocol (roll forward, roll back, finish)
 * that both a live commit and recovery run. docs/commit-protocol.md describes the protocol;
 * this header is its vocabulary.
 *
 * Paths inside a journal or manifest are relative to the dataset root (or, for copies, to the
 * backup directory), so a dataset that is moved or mounted elsewhere still recovers. */
#ifndef FF_DATASET_INTERNAL_H
#define FF_DATASET_INTERNAL_H

#include "util/fileio.h"
#include "util/mem.h"

#include <fluxforge/dataset.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define DS_TOOL_DIR    "_fluxforge"
#define DS_LOCK_REL    "_fluxforge/lock"
#define DS_JOURNAL_REL "_fluxforge/journal"
#define DS_STAGE_REL   "_fluxforge/stage"
#define DS_BACKUPS_REL "_fluxforge/backups"
#define DS_HISTORY_REL "_fluxforge/history.jsonl"
#define DS_LOCKS_REL   "_fluxforge/locks"

/* "part-<16 hex>" or "txn-<txid>", NUL included. */
#define DS_LOCK_NAME_CAP 48

/* Largest journal or manifest read back (a commit of ~100k files). */
#define DS_RECORD_MAX ((size_t)256 << 20)

/* A partition lock this handle holds (lock.c). */
typedef struct ds_held_lock {
    char *dir; /* the encoded partition directory, owned */
    char name[DS_LOCK_NAME_CAP];
    int fd;
} ds_held_lock;

struct ff_dataset {
    char *root;
    ff_dataset_mode mode;
    ff_lock_scope lock_scope;
    const char *const *selection; /* borrowed "K=V" pairs of a partition writer */
    size_t num_selection;
    int lock_fd;
    bool is_lock_exclusive;
    bool wait_for_lock;
    bool skip_recover;
    bool has_recovered;
    ds_held_lock *held; /* partition locks, in the order taken */
    size_t num_held, held_cap;
    ff_io *io;        /* borrowed */
    char *backup_dir; /* owned copy, NULL for hard links in place */
    bool has_open_txn;
    char open_txid[FF_TXID_CAP]; /* the open transaction, which recovery leaves alone */
    char last_txid[FF_TXID_CAP];
};

typedef struct ds_add {
    char *stage_rel; /* _fluxforge/stage/<txid>/<n>.parquet.tmp */
    char *final_rel; /* <partition dir>/part-<txid>-<n>.parquet */
    int64_t size;
} ds_add;

typedef struct ds_remove {
    char *rel;
    ff_file_identity identity;
} ds_remove;

/* A transaction's record: what the journal file holds. Strings live in arena. */
typedef struct ds_journal {
    ff_arena arena;
    char txid[FF_TXID_CAP];
    char *op;
    char *backup_dir;       /* NULL: hard links in place; else copies in backup_dir/<txid>/ */
    int64_t time_unix;      /* commit time */
    int64_t history_offset; /* size of history.jsonl before this commit's line */
    char *history_line;     /* the JSON line, without newline */
    ds_add *adds;
    size_t num_adds, adds_cap;
    ds_remove *removes;
    size_t num_removes, removes_cap;
} ds_journal;

void ds_journal_init(ds_journal *journal);
void ds_journal_free(ds_journal *journal);
ff_status ds_journal_add(ds_journal *journal, const char *stage_rel, const char *final_rel,
                         ff_error *err);
ff_status ds_journal_remove(ds_journal *journal, const char *rel, const ff_file_identity *identity,
                            ff_error *err);
/* Text form with a trailing checksum line; parse refuses anything torn or altered. */
ff_status ds_journal_serialize(const ds_journal *journal, ff_buf *out, ff_error *err);
ff_status ds_journal_parse(const uint8_t *text, size_t len, ds_journal *journal, ff_error *err);
ff_status ds_journal_load(const char *path, ds_journal *journal, ff_error *err);

/* The state of a journal file, encoded in its name under _fluxforge/journal/. */
typedef enum ds_journal_state {
    DS_JOURNAL_PENDING, /* <txid>: committed, roll forward */
    DS_JOURNAL_UNDO,    /* <txid>.undo: a failed commit being rolled back */
    DS_JOURNAL_DONE,    /* <txid>.done: in place, cleanup pending */
} ds_journal_state;

ff_status ds_journal_path(const ff_dataset *ds, const char *txid, ds_journal_state state, char *out,
                          ff_error *err);

/* Roll forward a pending journal to DONE (backups, renames, unlinks, fsyncs, history, mark). */
ff_status ds_apply_forward(ff_dataset *ds, ds_journal *journal, ff_error *err);
/* Undo an UNDO journal completely and delete it. */
ff_status ds_apply_backward(ff_dataset *ds, ds_journal *journal, ff_error *err);
/* Remove what a DONE journal no longer needs (stage, internal links for copies, empty
 * partition directories) and delete the journal. */
ff_status ds_finish_done(ff_dataset *ds, ds_journal *journal, ff_error *err);

/* A growing list of one-line messages (discovery problems, verify findings). The texts live
 * in the caller's arena; `items` is malloc'ed and freed with ds_messages_free(). */
typedef struct ds_messages {
    const char **items;
    size_t count;
    size_t cap;
} ds_messages;

/* Formats one message (cut at FF_PATH_CAP + 512 bytes) and appends it. */
ff_status ds_messages_add(ds_messages *list, ff_arena *arena, ff_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with a va_list, for functions that take their own format arguments. */
ff_status ds_messages_addv(ds_messages *list, ff_arena *arena, ff_error *err, const char *fmt,
                           va_list args) __attribute__((format(printf, 4, 0)));
void ds_messages_free(ds_messages *list);

/* root + "/" + rel into out (FF_PATH_CAP bytes). */
ff_status ds_path(const ff_dataset *ds, const char *rel, char *out, ff_error *err);

/* A fresh transaction id, greater than any this handle produced. */
void ds_new_txid(ff_dataset *ds, char out[FF_TXID_CAP]);
/* True for strings shaped like a txid (safe as a single path segment). */
bool ds_is_txid(const char *text);

/* Reads the identity of path with lstat; FF_ERR_NOT_FOUND if missing. */
ff_status ds_identity(const char *path, ff_file_identity *out, ff_error *err);
bool ds_identity_equal(const ff_file_identity *a, const ff_file_identity *b);

/* Checks that rel is a safe relative path of data: no empty, "." or ".." segments, no
 * leading "/", no segment starting with '_' or '.', directories are name=value. */
ff_status ds_check_rel_path(const char *rel, bool is_file, ff_error *err);

/* Percent-escapes bytes <= 0x20, 0x7f and '%' so a path is one space-free token. */
ff_status ds_escape(const char *text, ff_buf *out, ff_error *err);
/* Reverses ds_escape into arena memory. */
char *ds_unescape(ff_arena *arena, const char *text, size_t len, ff_error *err);

/* Sorted names in directory path (excluding . and ..). A missing directory is an empty
 * list. Caller frees with ds_names_free. */
ff_status ds_list_dir(const char *path, char ***names_out, size_t *num_out, ff_error *err);
void ds_names_free(char **names, size_t num);

/* Backup manifest: what a transaction removed and added, written when its backups are made. */
ff_status ds_manifest_write(ff_dataset *ds, const ds_journal *journal, ff_error *err);

/* The internal link that keeps a removed file during (and, for hard-link backups, after) a
 * commit: _fluxforge/backups/<txid>/<rel>.bak. */
ff_status ds_backup_rel(const char *txid, const char *rel, char *out, ff_error *err);

/* Runs the cleanup of an interrupted `backups drop` found in backup dir txid. */
ff_status ds_backup_finish_drop(ff_dataset *ds, const char *txid, ff_error *err);

/* Checks backup txid (manifest readable, every backed-up file present); sets problem (empty
 * when fine). Errors only for resource failures. */
ff_status ds_backup_verify(ff_dataset *ds, const char *txid, char *problem, size_t problem_cap,
                           ff_error *err);

/* The walk of ff_dataset_discover, whatever the writer's lock scope. */
ff_status ds_discover_all(ff_dataset *ds, ff_discovery **out, ff_error *err);
/* Keeps only the files of discovery whose keep flag is set (one per file), in order. */
void ds_discovery_retain(ff_discovery *discovery, const bool *keep);

/* ---- Locks (lock.c) ---- */

/* Takes _fluxforge/lock, exclusive or shared, blocking when wait is set. */
ff_status ds_lock_dataset(ff_dataset *ds, bool exclusive, bool wait, ff_error *err);
/* Releases the dataset lock and every partition lock. */
void ds_unlock_all(ff_dataset *ds);
/* The lock file name of a partition directory. */
void ds_partition_lock_name(const char *dir, char out[DS_LOCK_NAME_CAP]);
/* True when ds may change partition dir: a whole-dataset writer, or one holding its lock. */
bool ds_holds_partition(const ff_dataset *ds, const char *dir);
/* Locks dir if not held yet, without blocking (or retrying for a bounded time with --wait). */
ff_status ds_require_partition(ff_dataset *ds, const char *dir, ff_error *err);
/* The owner lock of a transaction this handle begins; released (and its file removed) with
 * ds_owner_release. */
ff_status ds_owner_acquire(ff_dataset *ds, const char *txid, int *fd_out, ff_error *err);
void ds_owner_release(ff_dataset *ds, const char *txid, int fd);
/* Tries the owner lock of txid: *fd_out is -1 when a live process holds it. With poll, keeps
 * trying for a bounded time and fails with FF_ERR_CONFLICT after it. */
ff_status ds_owner_try(ff_dataset *ds, const char *txid, bool poll, int *fd_out, ff_error *err);
/* Tries a partition lock once for the time of a recovery: *fd_out is -1 when it is held. */
ff_status ds_try_temp_partition(ff_dataset *ds, const char *dir, int *fd_out, ff_error *err);
/* Serializes appends to and cuts of history.jsonl between writers. */
ff_status ds_history_lock(ff_dataset *ds, int *fd_out, ff_error *err);
void ds_history_unlock(int fd);

/* Adds a file under an explicit final name (restore brings files back under their names). */
ff_status ds_txn_add_named(ff_txn *txn, const char *final_rel, const char **stage_path,
                           ff_error *err);

#endif
