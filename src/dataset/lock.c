/* Locks of a dataset (DESIGN.md §5 step 1 and §8): the dataset lock, partition locks, the
 * owner lock of each transaction and the history lock. docs/commit-protocol.md describes the
 * scheme; this file is its mechanics.
 *
 * All of them are flock(2) on small files under _fluxforge/, so the kernel drops them when
 * their process dies, however it dies, and no lock is ever stale. Linux maps flock on NFS to
 * POSIX byte-range locks, which the server arbitrates, so processes on different machines
 * sharing the file system exclude each other too; every lock file is opened read-write so
 * that both the shared and the exclusive form are allowed there. POSIX locks belong to the
 * process, and closing any descriptor of a file drops them, so no lock file this handle
 * holds is ever opened a second time (messages read only files held by others).
 *
 *  - _fluxforge/lock: exclusive for a whole-dataset writer, shared for a writer limited to
 *    some partitions. An exclusive holder writes its pid there (and empties the file when it
 *    lets go), only so that the next writer can say who holds it.
 *  - _fluxforge/locks/part-<hash>: one per partition directory (FNV-1a 64 of the encoded
 *    directory, so any directory, however long, gets a short safe name; two directories that
 *    share a hash merely exclude each other). Exclusive, taken before the partition is
 *    planned and held until the handle closes; the holder writes "pid directory".
 *  - _fluxforge/locks/txn-<txid>: held by a live transaction from begin to end. Recovery
 *    touches a transaction only once it holds this lock, so it never finishes or undoes the
 *    work of a writer that is still running.
 *  - _fluxforge/locks/history: held while history.jsonl is appended to or cut.
 *
 * Deadlock: a writer blocks (with --wait) only for the partitions it selects at the start,
 * which it takes in the order of their lock names while holding no other partition lock;
 * every later lock (a partition an update moves rows into, a dead transaction's partitions
 * during recovery) is tried without blocking and, with --wait, retried for a bounded time.
 *
 * Lock files are created with plain system calls, not through ff_io: they hold no data, and
 * the crash tests' step numbering covers only the dataset's state. */
#include "dataset/dataset_internal.h"

#include "util/check.h"
#include "util/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long a non-blocking lock is retried with --wait, and the pause between tries. */
#define DS_LOCK_RETRY_MS 30000
#define DS_LOCK_POLL_US  10000

static void sleep_us(long micros) {
    struct timespec pause = {.tv_sec = micros / 1000000, .tv_nsec = (micros % 1000000) * 1000};
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
    }
}

/* flock that retries on EINTR; returns 0 or an errno value. */
static int flock_retry(int fd, int operation) {
    while (flock(fd, operation) != 0) {
        if (errno != EINTR)
            return errno;
    }
    return 0;
}

static ff_status lock_file_path(const ff_dataset *ds, const char *name, char *out, ff_error *err) {
    char rel[FF_PATH_CAP];
    if (snprintf(rel, sizeof rel, "%s/%s", DS_LOCKS_REL, name) >= (int)sizeof rel)
        return ff_error_set(err, FF_ERR_LIMIT, "%s: lock name too long", name);
    return ds_path(ds, rel, out, err);
}

static ff_status open_lock_file(const char *path, int *fd_out, ff_error *err) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return ff_io_error_from_errno(err, errno, path, "open");
    *fd_out = fd;
    return FF_OK;
}

/* Replaces the content of a lock file we hold with text. It serves messages only, so a
 * failed write costs nothing but a vaguer "in use by another process". */
static void write_holder(int fd, const char *text) {
    if (ftruncate(fd, 0) == 0)
        (void)!pwrite(fd, text, strlen(text), 0);
}

/* Reads "pid [detail]" from a lock file; returns the pid when that process is alive, else 0.
 * detail (detail_cap bytes, may be NULL) receives the rest of the line. */
static long read_holder(const char *path, char *detail, size_t detail_cap) {
    char text[FF_PATH_CAP] = {0};
    if (detail && detail_cap)
        detail[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    if (got <= 0)
        return 0;
    text[got] = '\0';
    char *end = NULL;
    long pid = strtol(text, &end, 10);
    if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
        return 0;
    if (detail && detail_cap && end && *end == ' ') {
        size_t len = strcspn(end + 1, "\n");
        snprintf(detail, detail_cap, "%.*s", (int)len, end + 1);
    }
    return pid;
}

void ds_partition_lock_name(const char *dir, char out[DS_LOCK_NAME_CAP]) {
    snprintf(out, DS_LOCK_NAME_CAP, "part-%016" PRIx64, ff_fnv1a64(dir, strlen(dir)));
}

/* ---- The dataset lock ------------------------------------------------------------------ */

/* Names a live partition holder for the "in use" message of an exclusive writer: shared
 * holders do not write the dataset lock file, but each writes its partition locks. */
static long find_partition_holder(const ff_dataset *ds, char *dir, size_t dir_cap) {
    char locks_dir[FF_PATH_CAP], path[FF_PATH_CAP];
    char **names = NULL;
    size_t num_names = 0;
    long pid = 0;
    if (ds_path(ds, DS_LOCKS_REL, locks_dir, NULL) != FF_OK ||
        ds_list_dir(locks_dir, &names, &num_names, NULL) != FF_OK)
        return 0;
    for (size_t name_idx = 0; name_idx < num_names && pid == 0; name_idx++) {
        if (strncmp(names[name_idx], "part-", 5) != 0)
            continue;
        if (ff_path_join(path, locks_dir, names[name_idx], NULL) == FF_OK)
            pid = read_holder(path, dir, dir_cap);
    }
    ds_names_free(names, num_names);
    return pid;
}

ff_status ds_lock_dataset(ff_dataset *ds, bool exclusive, bool wait, ff_error *err) {
    char lock_path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(ds_path(ds, DS_LOCK_REL, lock_path, err));
    int fd = -1;
    FF_FORWARD_IF_ERROR(ff_io_open_append(ds->io, lock_path, &fd, err));
    int errnum = flock_retry(fd, (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB));
    if (errnum != 0) {
        close(fd);
        if (errnum != EWOULDBLOCK)
            return ff_io_error_from_errno(err, errnum, lock_path, "flock");
        char dir[FF_PATH_CAP] = "";
        long holder = read_holder(lock_path, NULL, 0);
        if (holder == 0 && exclusive)
            holder = find_partition_holder(ds, dir, sizeof dir);
        if (holder > 0 && dir[0])
            return ff_error_set(err, FF_ERR_CONFLICT,
                                "%s: dataset in use by pid %ld (partition %s); use --wait to wait "
                                "for it",
                                ds->root, holder, dir);
        if (holder > 0)
            return ff_error_set(err, FF_ERR_CONFLICT,
                                "%s: dataset in use by pid %ld (lock %s); use --wait to wait for "
                                "it",
                                ds->root, holder, lock_path);
        return ff_error_set(err, FF_ERR_CONFLICT,
                            "%s: dataset in use by another process (lock %s); use --wait to wait "
                            "for it",
                            ds->root, lock_path);
    }
    ds->lock_fd = fd;
    ds->is_lock_exclusive = exclusive;
    if (!exclusive)
        return FF_OK;
    char pid_text[32];
    int pid_len = snprintf(pid_text, sizeof pid_text, "%ld\n", (long)getpid());
    FF_FORWARD_IF_ERROR(ff_io_truncate(ds->io, lock_path, 0, err));
    return ff_io_write(ds->io, fd, lock_path, pid_text, (size_t)pid_len, err);
}

/* Empties a lock file we are about to let go of, so that nobody names us once we are gone.
 * A failure only leaves a pid that read_holder then finds dead. */
static void clear_holder(int fd) {
    (void)!ftruncate(fd, 0);
}

void ds_unlock_all(ff_dataset *ds) {
    for (size_t lock_idx = 0; lock_idx < ds->num_held; lock_idx++) {
        clear_holder(ds->held[lock_idx].fd);
        close(ds->held[lock_idx].fd);
        free(ds->held[lock_idx].dir);
    }
    free(ds->held);
    ds->held = NULL;
    ds->num_held = ds->held_cap = 0;
    if (ds->lock_fd >= 0) {
        if (ds->is_lock_exclusive)
            clear_holder(ds->lock_fd);
        close(ds->lock_fd);
        ds->lock_fd = -1;
    }
}

/* ---- Partition locks ------------------------------------------------------------------- */

bool ds_holds_partition(const ff_dataset *ds, const char *dir) {
    if (ds->lock_scope != FF_LOCK_PARTITIONS)
        return ds->mode == FF_DATASET_WRITE;
    char name[DS_LOCK_NAME_CAP];
    ds_partition_lock_name(dir, name);
    for (size_t lock_idx = 0; lock_idx < ds->num_held; lock_idx++)
        if (!strcmp(ds->held[lock_idx].name, name))
            return true;
    return false;
}

/* Takes the lock of one partition directory: blocking when block is set, else one try, or
 * (with --wait) tries for DS_LOCK_RETRY_MS. *fd_out is the locked file. */
static ff_status lock_one_partition(ff_dataset *ds, const char *dir, const char *name, bool block,
                                    int *fd_out, ff_error *err) {
    char path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(lock_file_path(ds, name, path, err));
    int fd = -1;
    FF_FORWARD_IF_ERROR(open_lock_file(path, &fd, err));
    long waited_us = 0;
    int errnum;
    while ((errnum = flock_retry(fd, LOCK_EX | (block ? 0 : LOCK_NB))) == EWOULDBLOCK &&
           ds->wait_for_lock && waited_us < (long)DS_LOCK_RETRY_MS * 1000) {
        sleep_us(DS_LOCK_POLL_US);
        waited_us += DS_LOCK_POLL_US;
    }
    if (errnum != 0) {
        close(fd);
        if (errnum != EWOULDBLOCK)
            return ff_io_error_from_errno(err, errnum, path, "flock");
        const char *shown = dir[0] ? dir : "(root)";
        long holder = read_holder(path, NULL, 0);
        const char *hint = ds->wait_for_lock ? "; gave up waiting (a lock taken in the middle of "
                                               "an operation is not waited for indefinitely, "
                                               "to rule out deadlocks)"
                                             : "; use --wait to wait for it";
        if (holder > 0)
            return ff_error_set(err, FF_ERR_CONFLICT, "%s: partition %s in use by pid %ld%s",
                                ds->root, shown, holder, hint);
        return ff_error_set(err, FF_ERR_CONFLICT, "%s: partition %s in use by another process%s",
                            ds->root, shown, hint);
    }
    char text[FF_PATH_CAP + 32];
    snprintf(text, sizeof text, "%ld %s\n", (long)getpid(), dir);
    write_holder(fd, text);
    *fd_out = fd;
    return FF_OK;
}

static ff_status add_held(ff_dataset *ds, const char *dir, const char *name, int fd,
                          ff_error *err) {
    if (ds->num_held == ds->held_cap) {
        size_t new_cap = ds->held_cap ? ds->held_cap * 2 : 8;
        ds_held_lock *grown = ff_realloc(ds->held, new_cap * sizeof *grown, "partition locks", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        ds->held = grown;
        ds->held_cap = new_cap;
    }
    char *copy = ff_strndup(dir, strlen(dir), err);
    if (!copy)
        return FF_ERR_NO_MEMORY;
    ds_held_lock *held = &ds->held[ds->num_held++];
    held->dir = copy;
    held->fd = fd;
    memcpy(held->name, name, DS_LOCK_NAME_CAP);
    return FF_OK;
}

typedef struct pending_lock {
    const char *dir;
    char name[DS_LOCK_NAME_CAP];
} pending_lock;

static int compare_pending(const void *a, const void *b) {
    return strcmp(((const pending_lock *)a)->name, ((const pending_lock *)b)->name);
}

/* Locks every directory of dirs not held yet. The first acquisition of a handle may block
 * (in lock-name order, holding no partition); later ones do not, see the top of the file.
 * *num_new counts the locks taken. */
static ff_status lock_partitions(ff_dataset *ds, const char *const *dirs, size_t num_dirs,
                                 size_t *num_new, ff_error *err) {
    *num_new = 0;
    if (num_dirs == 0)
        return FF_OK;
    pending_lock *pending = ff_calloc(num_dirs, sizeof *pending, "partition locks", err);
    if (!pending)
        return FF_ERR_NO_MEMORY;
    size_t num_pending = 0;
    for (size_t dir_idx = 0; dir_idx < num_dirs; dir_idx++) {
        if (ds_holds_partition(ds, dirs[dir_idx]))
            continue;
        pending[num_pending].dir = dirs[dir_idx];
        ds_partition_lock_name(dirs[dir_idx], pending[num_pending].name);
        num_pending++;
    }
    qsort(pending, num_pending, sizeof *pending, compare_pending);
    bool block = ds->wait_for_lock && ds->num_held == 0;
    ff_status status = FF_OK;
    for (size_t idx = 0; idx < num_pending && status == FF_OK; idx++) {
        if (idx > 0 && !strcmp(pending[idx].name, pending[idx - 1].name))
            continue; /* two directories, one hash: one lock */
        int fd = -1;
        status = lock_one_partition(ds, pending[idx].dir, pending[idx].name, block, &fd, err);
        if (status == FF_OK) {
            status = add_held(ds, pending[idx].dir, pending[idx].name, fd, err);
            if (status != FF_OK)
                close(fd);
            else
                (*num_new)++;
        }
    }
    free(pending);
    return status;
}

ff_status ff_dataset_lock_partitions(ff_dataset *ds, const char *const *dirs, size_t num_dirs,
                                     ff_error *err) {
    if (ds->mode != FF_DATASET_WRITE)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "%s: partition locks need a dataset opened for writing", ds->root);
    if (ds->lock_scope != FF_LOCK_PARTITIONS)
        return FF_OK; /* the dataset lock covers every partition */
    for (size_t dir_idx = 0; dir_idx < num_dirs; dir_idx++)
        FF_FORWARD_IF_ERROR(ds_check_rel_path(dirs[dir_idx], false, err));
    size_t num_new = 0;
    FF_FORWARD_IF_ERROR(lock_partitions(ds, dirs, num_dirs, &num_new, err));
    /* Whatever a dead writer left in these partitions is finished before they are planned. */
    if ((num_new > 0 || !ds->has_recovered) && !ds->skip_recover) {
        FF_FORWARD_IF_ERROR(ff_dataset_recover(ds, NULL, err));
        ds->has_recovered = true;
    }
    return FF_OK;
}

ff_status ds_require_partition(ff_dataset *ds, const char *dir, ff_error *err) {
    if (ds_holds_partition(ds, dir))
        return FF_OK;
    size_t num_new = 0;
    return lock_partitions(ds, &dir, 1, &num_new, err);
}

/* ---- Transaction owner locks ----------------------------------------------------------- */

ff_status ds_owner_acquire(ff_dataset *ds, const char *txid, int *fd_out, ff_error *err) {
    char name[DS_LOCK_NAME_CAP], path[FF_PATH_CAP];
    snprintf(name, sizeof name, "txn-%s", txid);
    FF_FORWARD_IF_ERROR(lock_file_path(ds, name, path, err));
    /* A recovery sweeping stray owner files may unlink ours between open and flock; then the
     * lock would guard nothing, so check that the name still leads to the locked file. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = -1;
        FF_FORWARD_IF_ERROR(open_lock_file(path, &fd, err));
        int errnum = flock_retry(fd, LOCK_EX | LOCK_NB);
        if (errnum != 0) {
            close(fd);
            return ff_io_error_from_errno(err, errnum, path, "flock");
        }
        struct stat by_fd, by_name;
        if (fstat(fd, &by_fd) == 0 && stat(path, &by_name) == 0 && by_fd.st_ino == by_name.st_ino &&
            by_fd.st_dev == by_name.st_dev) {
            *fd_out = fd;
            return FF_OK;
        }
        close(fd);
    }
    return ff_error_set(err, FF_ERR_IO, "%s: could not take the transaction's lock", path);
}

void ds_owner_release(ff_dataset *ds, const char *txid, int fd) {
    if (fd < 0)
        return;
    char name[DS_LOCK_NAME_CAP], path[FF_PATH_CAP];
    snprintf(name, sizeof name, "txn-%s", txid);
    /* Unlinked while still held, so no one can lock the name and find it was ours. */
    if (lock_file_path(ds, name, path, NULL) == FF_OK)
        (void)unlink(path);
    close(fd);
}

ff_status ds_owner_try(ff_dataset *ds, const char *txid, bool poll, int *fd_out, ff_error *err) {
    *fd_out = -1;
    char name[DS_LOCK_NAME_CAP], path[FF_PATH_CAP];
    snprintf(name, sizeof name, "txn-%s", txid);
    FF_FORWARD_IF_ERROR(lock_file_path(ds, name, path, err));
    int fd = -1;
    FF_FORWARD_IF_ERROR(open_lock_file(path, &fd, err));
    long waited_us = 0;
    int errnum;
    while ((errnum = flock_retry(fd, LOCK_EX | LOCK_NB)) == EWOULDBLOCK && poll &&
           waited_us < (long)DS_LOCK_RETRY_MS * 1000) {
        sleep_us(DS_LOCK_POLL_US);
        waited_us += DS_LOCK_POLL_US;
    }
    if (errnum == EWOULDBLOCK && !poll) {
        close(fd);
        return FF_OK; /* a live owner: leave its transaction alone */
    }
    if (errnum != 0) {
        close(fd);
        if (errnum == EWOULDBLOCK)
            return ff_error_set(err, FF_ERR_CONFLICT,
                                "transaction %s: still held by another process after %d s", txid,
                                DS_LOCK_RETRY_MS / 1000);
        return ff_io_error_from_errno(err, errnum, path, "flock");
    }
    *fd_out = fd;
    return FF_OK;
}

ff_status ds_try_temp_partition(ff_dataset *ds, const char *dir, int *fd_out, ff_error *err) {
    *fd_out = -1;
    char name[DS_LOCK_NAME_CAP], path[FF_PATH_CAP];
    ds_partition_lock_name(dir, name);
    FF_FORWARD_IF_ERROR(lock_file_path(ds, name, path, err));
    int fd = -1;
    FF_FORWARD_IF_ERROR(open_lock_file(path, &fd, err));
    int errnum = flock_retry(fd, LOCK_EX | LOCK_NB);
    if (errnum == EWOULDBLOCK) {
        close(fd);
        return FF_OK;
    }
    if (errnum != 0) {
        close(fd);
        return ff_io_error_from_errno(err, errnum, path, "flock");
    }
    *fd_out = fd;
    return FF_OK;
}

/* ---- History lock ---------------------------------------------------------------------- */

ff_status ds_history_lock(ff_dataset *ds, int *fd_out, ff_error *err) {
    char path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(lock_file_path(ds, "history", path, err));
    int fd = -1;
    FF_FORWARD_IF_ERROR(open_lock_file(path, &fd, err));
    int errnum = flock_retry(fd, LOCK_EX);
    if (errnum != 0) {
        close(fd);
        return ff_io_error_from_errno(err, errnum, path, "flock");
    }
    *fd_out = fd;
    return FF_OK;
}

void ds_history_unlock(int fd) {
    if (fd >= 0)
        close(fd);
}

/* ---- Discovery under partition locks --------------------------------------------------- */

/* Does file's partition match every "K=V" pair (decoded values, the sentinel for NULL)? */
static bool file_matches(const ff_discovery *discovery, const ff_dataset_file *file,
                         const char *const *pairs, size_t num_pairs) {
    for (size_t pair_idx = 0; pair_idx < num_pairs; pair_idx++) {
        const char *pair = pairs[pair_idx];
        const char *eq = strchr(pair, '=');
        if (!eq)
            return false;
        size_t name_len = (size_t)(eq - pair);
        bool found = false;
        for (size_t col = 0; col < discovery->num_partition_columns && !found; col++) {
            const char *name = discovery->partition_columns[col];
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

ff_status ff_dataset_discover_partitions(ff_dataset *ds, const char *const *pairs, size_t num_pairs,
                                         ff_discovery **out, ff_error *err) {
    *out = NULL;
    const char **dirs = NULL;
    bool *keep = NULL;
    ff_discovery *discovery = NULL;
    ff_status status = FF_OK;
    /* Each round locks what the last discovery matched; a round that finds nothing new to
     * lock returns a discovery made entirely under the locks. */
    for (int round = 0; round < 16; round++) {
        FF_CHECK_GOTO(status, ds_discover_all(ds, &discovery, err), cleanup);
        free(dirs);
        free(keep);
        dirs = ff_calloc(discovery->num_files + 1, sizeof *dirs, "partition directories", err);
        keep = ff_calloc(discovery->num_files + 1, sizeof *keep, "partition directories", err);
        if (!dirs || !keep) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        size_t num_dirs = 0;
        bool has_new = false;
        for (size_t file_idx = 0; file_idx < discovery->num_files; file_idx++) {
            const ff_dataset_file *file = &discovery->files[file_idx];
            if (!file_matches(discovery, file, pairs, num_pairs))
                continue;
            keep[file_idx] = true;
            if (num_dirs > 0 && !strcmp(dirs[num_dirs - 1], file->partition_dir))
                continue; /* files come sorted by path, so a directory's files are adjacent */
            dirs[num_dirs++] = file->partition_dir;
            has_new = has_new || !ds_holds_partition(ds, file->partition_dir);
        }
        if (round > 0 && !has_new) {
            /* Other partitions change under their own writers: leave them out. */
            ds_discovery_retain(discovery, keep);
            *out = discovery;
            discovery = NULL;
            goto cleanup;
        }
        FF_CHECK_GOTO(status, ff_dataset_lock_partitions(ds, dirs, num_dirs, err), cleanup);
        ff_discovery_free(discovery);
        discovery = NULL;
    }
    status =
        ff_error_set(err, FF_ERR_CONFLICT,
                     "%s: the selected partitions kept changing while they were locked", ds->root);
cleanup:
    free(dirs);
    free(keep);
    ff_discovery_free(discovery);
    return status;
}
