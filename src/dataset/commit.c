/* Transactions: staging, validation, the write-ahead journal and the three idempotent
 * procedures that move a dataset from its before-state to its after-state (DESIGN.md §5).
 *
 * The model is Redis's rdbSave generalized to many files: nothing the user can see changes
 * until a journal naming every change is durable (written to a temp name, fsynced, renamed,
 * directory fsynced). From then on the transaction is decided and every step is written so
 * that it can be repeated from any point: ds_apply_forward looks at what exists and does
 * only what is missing, so a crash anywhere, followed by recovery, ends in the after-state.
 * Before the journal, a crash leaves only a stage directory that recovery deletes. A step that
 * fails with an error (not a crash) inside a live commit rolls the transaction back through
 * ds_apply_backward, which is just as repeatable, so a failed command leaves the before-state.
 *
 * Removed files are hard-linked into _fluxforge/backups/<txid>/ before they are unlinked, so
 * rolling back never depends on bytes that are gone; with --backup-dir they are also copied
 * there, and the internal links are dropped once the commit is done. New files are renamed with
 * RENAME_NOREPLACE: a name that exists is never overwritten. See docs/commit-protocol.md. */
#include "dataset/dataset_internal.h"

#include "util/check.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ff_txn {
    ff_dataset *ds;
    ds_journal journal;
    char **stage_paths; /* absolute, one per journal add */
    size_t num_stage_paths, stage_paths_cap;
    size_t next_part_idx;
    bool is_finished;
    int owner_fd; /* the owner lock (lock.c): recovery leaves the transaction alone */
};

/* ---- Small helpers -------------------------------------------------------------------- */

/* A set of directories to fsync once each, whatever the number of files in them. */
typedef struct dir_set {
    char **dirs;
    size_t num, cap;
} dir_set;

static void dir_set_free(dir_set *set) {
    ds_names_free(set->dirs, set->num);
    memset(set, 0, sizeof *set);
}

/* Adds the directory containing path (absolute). */
static ff_status dir_set_add_parent(dir_set *set, const char *path, ff_error *err) {
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 0;
    const char *dir = slash ? path : ".";
    if (!slash)
        len = 1;
    for (size_t dir_idx = 0; dir_idx < set->num; dir_idx++)
        if (strlen(set->dirs[dir_idx]) == len && !memcmp(set->dirs[dir_idx], dir, len))
            return FF_OK;
    if (set->num == set->cap) {
        size_t new_cap = set->cap ? set->cap * 2 : 8;
        char **grown = ff_realloc(set->dirs, new_cap * sizeof *grown, "directory set", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        set->dirs = grown;
        set->cap = new_cap;
    }
    set->dirs[set->num] = ff_strndup(dir, len, err);
    if (!set->dirs[set->num])
        return FF_ERR_NO_MEMORY;
    set->num++;
    return FF_OK;
}

/* Directories that do not exist are skipped: a rollback lists the directories of files that
 * were never placed. */
static ff_status dir_set_fsync(ff_io *io, const dir_set *set, ff_error *err) {
    for (size_t dir_idx = 0; dir_idx < set->num; dir_idx++) {
        if (!ff_io_exists(set->dirs[dir_idx]))
            continue;
        ff_status status = ff_io_fsync_path(io, set->dirs[dir_idx], err);
        /* Another writer may remove a shared parent directory it emptied; then it holds
         * none of our names and needs no fsync. */
        if (status != FF_OK && !(status == FF_ERR_NOT_FOUND && !ff_io_exists(set->dirs[dir_idx])))
            return status;
    }
    return FF_OK;
}

/* Removes the directory of rel and its parents while they are empty, stopping below stop_rel
 * (a prefix of rel; "" for the root). Failures (ENOTEMPTY above all) end the climb quietly:
 * an empty directory left behind is untidy, never wrong. */
static void remove_empty_parents(ff_dataset *ds, const char *rel, const char *stop_rel) {
    char dir_rel[FF_PATH_CAP], path[FF_PATH_CAP];
    snprintf(dir_rel, sizeof dir_rel, "%s", rel);
    size_t stop_len = strlen(stop_rel);
    for (;;) {
        char *slash = strrchr(dir_rel, '/');
        if (!slash)
            return;
        *slash = '\0';
        if (strlen(dir_rel) <= stop_len)
            return;
        if (ds_path(ds, dir_rel, path, NULL) != FF_OK)
            return;
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            return;
        /* Probe emptiness without a step, so a non-empty directory costs nothing. */
        char **names = NULL;
        size_t num_names = 0;
        if (ds_list_dir(path, &names, &num_names, NULL) != FF_OK)
            return;
        ds_names_free(names, num_names);
        if (num_names != 0)
            return;
        if (ff_io_rmdir(ds->io, path, true, NULL) != FF_OK)
            return;
        char parent[FF_PATH_CAP];
        snprintf(parent, sizeof parent, "%s", path);
        char *parent_slash = strrchr(parent, '/');
        if (parent_slash) {
            *parent_slash = '\0';
            (void)ff_io_fsync_path(ds->io, parent, NULL);
        }
    }
}

ff_status ds_backup_rel(const char *txid, const char *rel, char *out, ff_error *err) {
    int len = snprintf(out, FF_PATH_CAP, "%s/%s/%s.bak", DS_BACKUPS_REL, txid, rel);
    if (len < 0 || len >= FF_PATH_CAP)
        return ff_error_set(err, FF_ERR_LIMIT, "%s: backup path too long", rel);
    return FF_OK;
}

static ff_status copy_rel(const ds_journal *journal, const char *rel, char *out, ff_error *err) {
    int len = snprintf(out, FF_PATH_CAP, "%s/%s/%s.bak", journal->backup_dir, journal->txid, rel);
    if (len < 0 || len >= FF_PATH_CAP)
        return ff_error_set(err, FF_ERR_LIMIT, "%s: backup copy path too long", rel);
    return FF_OK;
}

/* The parent directory of rel ("" at the root). */
static void parent_rel(const char *rel, char *out) {
    snprintf(out, FF_PATH_CAP, "%s", rel);
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
    else
        out[0] = '\0';
}

static ff_status history_path(const ff_dataset *ds, char *out, ff_error *err) {
    return ds_path(ds, DS_HISTORY_REL, out, err);
}

static int64_t file_size_or_zero(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* ---- Roll forward, roll back, finish -------------------------------------------------- */

/* Step 7: keep every removed file under _fluxforge/backups/<txid>/ (and copy it to the
 * backup directory), then write the manifest. */
static ff_status forward_backups(ff_dataset *ds, ds_journal *journal, ff_error *err) {
    dir_set dirs = {0};
    ff_status status = FF_OK;
    char path[FF_PATH_CAP], backup_rel[FF_PATH_CAP], backup_path[FF_PATH_CAP], dir_rel[FF_PATH_CAP];
    char made_dir[FF_PATH_CAP] = "";
    for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++) {
        const ds_remove *remove = &journal->removes[remove_idx];
        FF_CHECK_GOTO(status, ds_path(ds, remove->rel, path, err), cleanup);
        FF_CHECK_GOTO(status, ds_backup_rel(journal->txid, remove->rel, backup_rel, err), cleanup);
        FF_CHECK_GOTO(status, ds_path(ds, backup_rel, backup_path, err), cleanup);
        parent_rel(backup_rel, dir_rel);
        /* Removed files come directory by directory: make each backup directory once. */
        if (strcmp(dir_rel, made_dir) != 0) {
            FF_CHECK_GOTO(status, ff_io_mkdirs(ds->io, ds->root, dir_rel, err), cleanup);
            snprintf(made_dir, sizeof made_dir, "%s", dir_rel);
        }
        ff_file_identity now, backup_identity;
        bool has_file = ds_identity(path, &now, NULL) == FF_OK;
        bool has_backup = ds_identity(backup_path, &backup_identity, NULL) == FF_OK;
        if (has_file && !ds_identity_equal(&now, &remove->identity)) {
            status = ff_error_set(err, FF_ERR_CONFLICT,
                                  "%s: changed by another program while transaction %s was "
                                  "committing; left as it is",
                                  path, journal->txid);
            goto cleanup;
        }
        if (has_file && !has_backup) {
            FF_CHECK_GOTO(status, ff_io_link(ds->io, path, backup_path, err), cleanup);
            FF_CHECK_GOTO(status, dir_set_add_parent(&dirs, backup_path, err), cleanup);
        } else if (!has_file && !has_backup) {
            status = ff_error_set(err, FF_ERR_CORRUPT, "%s: removed file is gone and has no backup",
                                  path);
            goto cleanup;
        }
        if (journal->backup_dir) {
            char copy_path[FF_PATH_CAP], copy_tmp[FF_PATH_CAP], copy_dir[FF_PATH_CAP];
            FF_CHECK_GOTO(status, copy_rel(journal, remove->rel, copy_path, err), cleanup);
            if (!ff_io_exists(copy_path)) {
                snprintf(dir_rel, sizeof dir_rel, "%s/%s", journal->txid, remove->rel);
                parent_rel(dir_rel, copy_dir);
                FF_CHECK_GOTO(status, ff_io_mkdirs(ds->io, journal->backup_dir, copy_dir, err),
                              cleanup);
                if (snprintf(copy_tmp, sizeof copy_tmp, "%s.tmp", copy_path) >= FF_PATH_CAP) {
                    status = ff_error_set(err, FF_ERR_LIMIT, "%s: path too long", copy_path);
                    goto cleanup;
                }
                /* Copy under a temp name so a torn copy is never taken for a backup. */
                FF_CHECK_GOTO(status, ff_io_unlink(ds->io, copy_tmp, true, err), cleanup);
                FF_CHECK_GOTO(status, ff_io_copy_file(ds->io, backup_path, copy_tmp, err), cleanup);
                FF_CHECK_GOTO(status, ff_io_rename_replace(ds->io, copy_tmp, copy_path, err),
                              cleanup);
                FF_CHECK_GOTO(status, dir_set_add_parent(&dirs, copy_path, err), cleanup);
            }
        }
    }
    FF_CHECK_GOTO(status, dir_set_fsync(ds->io, &dirs, err), cleanup);
    if (journal->num_removes > 0 || journal->num_adds > 0)
        FF_CHECK_GOTO(status, ds_manifest_write(ds, journal, err), cleanup);
cleanup:
    dir_set_free(&dirs);
    return status;
}

/* Where line (newline included) starts at a line start of text, or -1. Lines carry their
 * txid, so a match is this transaction's line. */
static int64_t find_history_line(const ff_buf *text, const ff_buf *line) {
    for (size_t pos = 0; pos + line->len <= text->len;) {
        if (!memcmp(text->data + pos, line->data, line->len))
            return (int64_t)pos;
        const uint8_t *newline = memchr(text->data + pos, '\n', text->len - pos);
        if (!newline)
            break;
        pos = (size_t)(newline - text->data) + 1;
    }
    return -1;
}

/* How far before the offset a journal recorded its line is looked for: other writers'
 * rollbacks may have taken out lines before it since (a line is a few KiB at most). */
#define HISTORY_SLACK ((int64_t)1 << 20)

/* Reads the end of history.jsonl from a line start at or before hint - HISTORY_SLACK (all of
 * it when hint is 0 or whole is set) into text, *start its offset; empty when missing. A
 * torn tail, which only a writer that died while appending leaves (appends run under the
 * history lock, a whole line each), is cut from the file and from text. */
static ff_status history_load(ff_dataset *ds, const char *path, int64_t hint, bool whole,
                              ff_buf *text, int64_t *start, ff_error *err) {
    *start = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? FF_OK : ff_io_error_from_errno(err, errno, path, "open");
    ff_status status = FF_OK;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        status = ff_io_error_from_errno(err, errno, path, "fstat");
        goto cleanup;
    }
    int64_t size = (int64_t)st.st_size;
    int64_t from = whole || hint <= HISTORY_SLACK ? 0 : hint - HISTORY_SLACK;
    if (from > size)
        from = size > HISTORY_SLACK ? size - HISTORY_SLACK : 0;
    /* One byte earlier, so that a line starting right at `from` is kept by the alignment
     * below (which skips through the first newline). */
    if (from > 0)
        from--;
    if (size - from > (int64_t)DS_RECORD_MAX) {
        status = ff_error_set(err, FF_ERR_LIMIT, "%s: more than %zu bytes to read", path,
                              (size_t)DS_RECORD_MAX);
        goto cleanup;
    }
    FF_CHECK_GOTO(status, ff_buf_reserve(text, (size_t)(size - from), err), cleanup);
    while (text->len < (size_t)(size - from)) {
        ssize_t got = pread(fd, text->data + text->len, (size_t)(size - from) - text->len,
                            (off_t)(from + (int64_t)text->len));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            status = got < 0 ? ff_io_error_from_errno(err, errno, path, "read")
                             : ff_error_set(err, FF_ERR_IO, "%s: shrank while read", path);
            goto cleanup;
        }
        text->len += (size_t)got;
    }
    if (from > 0) {
        /* Start at a line start: the partial line belongs to earlier history. */
        const uint8_t *newline = memchr(text->data, '\n', text->len);
        size_t skip = newline ? (size_t)(newline - text->data) + 1 : text->len;
        memmove(text->data, text->data + skip, text->len - skip);
        text->len -= skip;
        from += (int64_t)skip;
    }
    *start = from;
    size_t keep = text->len;
    while (keep > 0 && text->data[keep - 1] != '\n')
        keep--;
    if (keep < text->len) {
        text->len = keep;
        status = ff_io_truncate(ds->io, path, from + (int64_t)keep, err);
    }
cleanup:
    close(fd);
    return status;
}

/* Appends the journal's history line unless a previous attempt already did. Other writers
 * append their own lines meanwhile, so the line is looked for in the whole tail rather than
 * at the offset recorded in the journal. */
static ff_status forward_history(ff_dataset *ds, ds_journal *journal, ff_error *err) {
    char path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(history_path(ds, path, err));
    ff_buf line, existing;
    ff_buf_init(&line, 0);
    ff_buf_init(&existing, DS_RECORD_MAX);
    int fd = -1, lock_fd = -1;
    int64_t start = 0;
    ff_status status;
    FF_CHECK_GOTO(status, ds_history_lock(ds, &lock_fd, err), cleanup);
    FF_CHECK_GOTO(status, ff_buf_printf(&line, err, "%s\n", journal->history_line), cleanup);
    FF_CHECK_GOTO(status,
                  history_load(ds, path, journal->history_offset, false, &existing, &start, err),
                  cleanup);
    if (find_history_line(&existing, &line) >= 0)
        goto cleanup;
    FF_CHECK_GOTO(status, ff_io_open_append(ds->io, path, &fd, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_write(ds->io, fd, path, line.data, line.len, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_fsync(ds->io, fd, path, err), cleanup);
    status = ff_io_close(fd, path, err);
    fd = -1;
cleanup:
    if (fd >= 0)
        close(fd);
    ds_history_unlock(lock_fd);
    ff_buf_free(&line);
    ff_buf_free(&existing);
    return status;
}

/* Takes the journal's history line out again: cut when it is the last line, else the file
 * is rewritten without it (atomically) because other writers' lines follow. */
static ff_status backward_history(ff_dataset *ds, ds_journal *journal, ff_error *err) {
    char path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(history_path(ds, path, err));
    ff_buf line, existing, rest;
    ff_buf_init(&line, 0);
    ff_buf_init(&existing, DS_RECORD_MAX);
    ff_buf_init(&rest, DS_RECORD_MAX);
    int lock_fd = -1;
    int64_t start = 0;
    ff_status status;
    FF_CHECK_GOTO(status, ds_history_lock(ds, &lock_fd, err), cleanup);
    FF_CHECK_GOTO(status,
                  history_load(ds, path, journal->history_offset, false, &existing, &start, err),
                  cleanup);
    if (!journal->history_line)
        goto cleanup;
    FF_CHECK_GOTO(status, ff_buf_printf(&line, err, "%s\n", journal->history_line), cleanup);
    int64_t at = find_history_line(&existing, &line);
    if (at < 0)
        goto cleanup;
    if ((size_t)at + line.len == existing.len) {
        status = ff_io_truncate(ds->io, path, start + at, err);
        goto cleanup;
    }
    /* Rare: a later writer's line follows ours. */
    ff_buf_reset(&existing);
    FF_CHECK_GOTO(status, history_load(ds, path, 0, true, &existing, &start, err), cleanup);
    at = find_history_line(&existing, &line);
    if (at < 0)
        goto cleanup;
    FF_CHECK_GOTO(status, ff_buf_append(&rest, existing.data, (size_t)at, err), cleanup);
    FF_CHECK_GOTO(status,
                  ff_buf_append(&rest, existing.data + at + line.len,
                                existing.len - (size_t)at - line.len, err),
                  cleanup);
    status = ff_io_write_file_atomic(ds->io, path, rest.data, rest.len, err);
cleanup:
    ds_history_unlock(lock_fd);
    ff_buf_free(&line);
    ff_buf_free(&existing);
    ff_buf_free(&rest);
    return status;
}

/* ff_io_mkdirs, retried: a concurrent writer tidying its own partition may remove a shared
 * parent directory (say `a=1` of `a=1/b=2`) between our mkdir of it and of its child. */
static ff_status make_dirs(ff_dataset *ds, const char *dir_rel, ff_error *err) {
    ff_status status = FF_OK;
    for (int attempt = 0; attempt < 8; attempt++) {
        status = ff_io_mkdirs(ds->io, ds->root, dir_rel, err);
        if (status != FF_ERR_NOT_FOUND)
            return status;
    }
    return status;
}

ff_status ds_apply_forward(ff_dataset *ds, ds_journal *journal, ff_error *err) {
    dir_set dirs = {0};
    ff_status status;
    char stage_path[FF_PATH_CAP], final_path[FF_PATH_CAP], dir_rel[FF_PATH_CAP];
    FF_CHECK_GOTO(status, forward_backups(ds, journal, err), cleanup);
    /* Step 8: new partition directories, then the renames, then the unlinks. */
    for (size_t add_idx = 0; add_idx < journal->num_adds; add_idx++) {
        parent_rel(journal->adds[add_idx].final_rel, dir_rel);
        FF_CHECK_GOTO(status, make_dirs(ds, dir_rel, err), cleanup);
    }
    for (size_t add_idx = 0; add_idx < journal->num_adds; add_idx++) {
        const ds_add *add = &journal->adds[add_idx];
        FF_CHECK_GOTO(status, ds_path(ds, add->stage_rel, stage_path, err), cleanup);
        FF_CHECK_GOTO(status, ds_path(ds, add->final_rel, final_path, err), cleanup);
        FF_CHECK_GOTO(status, dir_set_add_parent(&dirs, final_path, err), cleanup);
        ff_file_identity staged, placed;
        bool has_staged = ds_identity(stage_path, &staged, NULL) == FF_OK;
        bool has_placed = ds_identity(final_path, &placed, NULL) == FF_OK;
        if (has_staged && !has_placed) {
            status = ff_io_rename_noreplace(ds->io, stage_path, final_path, err);
            if (status == FF_ERR_NOT_FOUND && ds_identity(stage_path, &staged, NULL) == FF_OK) {
                /* Our directory's empty parent went away under another writer's tidying. */
                parent_rel(add->final_rel, dir_rel);
                FF_CHECK_GOTO(status, make_dirs(ds, dir_rel, err), cleanup);
                status = ff_io_rename_noreplace(ds->io, stage_path, final_path, err);
            }
            if (status != FF_OK)
                goto cleanup;
        } else if (has_staged && has_placed) {
            /* The link + unlink fallback of a rename was interrupted between its halves. */
            if (staged.inode != placed.inode || staged.device != placed.device) {
                status = ff_error_set(err, FF_ERR_CONFLICT,
                                      "%s: exists and is not the file transaction %s staged",
                                      final_path, journal->txid);
                goto cleanup;
            }
            FF_CHECK_GOTO(status, ff_io_unlink(ds->io, stage_path, false, err), cleanup);
        } else if (!has_staged && !has_placed) {
            status = ff_error_set(err, FF_ERR_CORRUPT,
                                  "%s: staged file %s of transaction %s is "
                                  "missing",
                                  final_path, stage_path, journal->txid);
            goto cleanup;
        }
    }
    for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++) {
        FF_CHECK_GOTO(status, ds_path(ds, journal->removes[remove_idx].rel, final_path, err),
                      cleanup);
        FF_CHECK_GOTO(status, dir_set_add_parent(&dirs, final_path, err), cleanup);
        if (ff_io_exists(final_path))
            FF_CHECK_GOTO(status, ff_io_unlink(ds->io, final_path, true, err), cleanup);
    }
    FF_CHECK_GOTO(status, dir_set_fsync(ds->io, &dirs, err), cleanup);
    FF_CHECK_GOTO(status, forward_history(ds, journal, err), cleanup);
    /* Mark the journal done: from here only cleanup remains. */
    char pending_path[FF_PATH_CAP], done_path[FF_PATH_CAP], journal_dir[FF_PATH_CAP];
    FF_CHECK_GOTO(status, ds_journal_path(ds, journal->txid, DS_JOURNAL_PENDING, pending_path, err),
                  cleanup);
    FF_CHECK_GOTO(status, ds_journal_path(ds, journal->txid, DS_JOURNAL_DONE, done_path, err),
                  cleanup);
    FF_CHECK_GOTO(status, ds_path(ds, DS_JOURNAL_REL, journal_dir, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_rename_replace(ds->io, pending_path, done_path, err), cleanup);
    status = ff_io_fsync_path(ds->io, journal_dir, err);
cleanup:
    dir_set_free(&dirs);
    return status;
}

ff_status ds_apply_backward(ff_dataset *ds, ds_journal *journal, ff_error *err) {
    dir_set dirs = {0};
    ff_status status;
    char path[FF_PATH_CAP], backup_rel[FF_PATH_CAP], backup_path[FF_PATH_CAP];
    /* Files the commit placed go away (their names are this transaction's own). */
    for (size_t add_idx = 0; add_idx < journal->num_adds; add_idx++) {
        FF_CHECK_GOTO(status, ds_path(ds, journal->adds[add_idx].final_rel, path, err), cleanup);
        FF_CHECK_GOTO(status, dir_set_add_parent(&dirs, path, err), cleanup);
        if (ff_io_exists(path))
            FF_CHECK_GOTO(status, ff_io_unlink(ds->io, path, true, err), cleanup);
    }
    /* Files the commit removed come back from their backup links. */
    for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++) {
        const ds_remove *remove = &journal->removes[remove_idx];
        FF_CHECK_GOTO(status, ds_path(ds, remove->rel, path, err), cleanup);
        FF_CHECK_GOTO(status, dir_set_add_parent(&dirs, path, err), cleanup);
        if (ff_io_exists(path))
            continue;
        FF_CHECK_GOTO(status, ds_backup_rel(journal->txid, remove->rel, backup_rel, err), cleanup);
        FF_CHECK_GOTO(status, ds_path(ds, backup_rel, backup_path, err), cleanup);
        if (!ff_io_exists(backup_path)) {
            status = ff_error_set(err, FF_ERR_CORRUPT, "%s: removed file is gone and has no backup",
                                  path);
            goto cleanup;
        }
        FF_CHECK_GOTO(status, ff_io_link(ds->io, backup_path, path, err), cleanup);
    }
    FF_CHECK_GOTO(status, dir_set_fsync(ds->io, &dirs, err), cleanup);
    for (size_t add_idx = 0; add_idx < journal->num_adds; add_idx++)
        remove_empty_parents(ds, journal->adds[add_idx].final_rel, "");
    FF_CHECK_GOTO(status, backward_history(ds, journal, err), cleanup);
    char rel[FF_PATH_CAP];
    snprintf(rel, sizeof rel, "%s/%s", DS_BACKUPS_REL, journal->txid);
    FF_CHECK_GOTO(status, ds_path(ds, rel, path, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_remove_tree(ds->io, path, err), cleanup);
    if (journal->backup_dir) {
        FF_CHECK_GOTO(status, ff_path_join(path, journal->backup_dir, journal->txid, err), cleanup);
        FF_CHECK_GOTO(status, ff_io_remove_tree(ds->io, path, err), cleanup);
    }
    snprintf(rel, sizeof rel, "%s/%s", DS_STAGE_REL, journal->txid);
    FF_CHECK_GOTO(status, ds_path(ds, rel, path, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_remove_tree(ds->io, path, err), cleanup);
    FF_CHECK_GOTO(status, ds_journal_path(ds, journal->txid, DS_JOURNAL_UNDO, path, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_unlink(ds->io, path, true, err), cleanup);
    FF_CHECK_GOTO(status, ds_path(ds, DS_JOURNAL_REL, path, err), cleanup);
    status = ff_io_fsync_path(ds->io, path, err);
cleanup:
    dir_set_free(&dirs);
    return status;
}

ff_status ds_finish_done(ff_dataset *ds, ds_journal *journal, ff_error *err) {
    ff_status status;
    char rel[FF_PATH_CAP], path[FF_PATH_CAP];
    snprintf(rel, sizeof rel, "%s/%s", DS_STAGE_REL, journal->txid);
    FF_FORWARD_IF_ERROR(ds_path(ds, rel, path, err));
    FF_FORWARD_IF_ERROR(ff_io_remove_tree(ds->io, path, err));
    if (journal->backup_dir) {
        /* The copies are the backup now; the internal links were only for rolling back. */
        for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++) {
            FF_FORWARD_IF_ERROR(
                ds_backup_rel(journal->txid, journal->removes[remove_idx].rel, rel, err));
            FF_FORWARD_IF_ERROR(ds_path(ds, rel, path, err));
            FF_FORWARD_IF_ERROR(ff_io_unlink(ds->io, path, true, err));
            char stop[FF_PATH_CAP];
            snprintf(stop, sizeof stop, "%s/%s", DS_BACKUPS_REL, journal->txid);
            remove_empty_parents(ds, rel, stop);
        }
    }
    for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++)
        remove_empty_parents(ds, journal->removes[remove_idx].rel, "");
    FF_FORWARD_IF_ERROR(ds_journal_path(ds, journal->txid, DS_JOURNAL_DONE, path, err));
    FF_FORWARD_IF_ERROR(ff_io_unlink(ds->io, path, true, err));
    FF_FORWARD_IF_ERROR(ds_path(ds, DS_JOURNAL_REL, path, err));
    status = ff_io_fsync_path(ds->io, path, err);
    return status;
}

/* ---- The transaction API -------------------------------------------------------------- */

void ff_commit_options_init(ff_commit_options *opts) {
    memset(opts, 0, sizeof *opts);
}

const char *ff_txn_id(const ff_txn *txn) {
    return txn->journal.txid;
}

static ff_status stage_dir_path(const ff_txn *txn, char *out, ff_error *err) {
    char rel[FF_PATH_CAP];
    snprintf(rel, sizeof rel, "%s/%s", DS_STAGE_REL, txn->journal.txid);
    return ds_path(txn->ds, rel, out, err);
}

ff_status ff_txn_begin(ff_dataset *ds, const char *op, ff_txn **out, ff_error *err) {
    *out = NULL;
    if (ds->mode != FF_DATASET_WRITE)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "%s: transactions need a dataset opened for writing", ds->root);
    if (ds->has_open_txn)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "%s: a transaction is already open on this handle", ds->root);
    ff_txn *txn = ff_calloc(1, sizeof *txn, "transaction", err);
    if (!txn)
        return FF_ERR_NO_MEMORY;
    txn->ds = ds;
    txn->owner_fd = -1;
    ds_journal_init(&txn->journal);
    ds_new_txid(ds, txn->journal.txid);
    ff_status status = FF_OK;
    char path[FF_PATH_CAP];
    size_t op_len = strlen(op);
    txn->journal.op = ff_arena_strndup(&txn->journal.arena, op, op_len, err);
    if (!txn->journal.op) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    if (ds->backup_dir) {
        txn->journal.backup_dir =
            ff_arena_strndup(&txn->journal.arena, ds->backup_dir, strlen(ds->backup_dir), err);
        if (!txn->journal.backup_dir) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
    }
    /* Owner lock first: from the moment the stage exists, recovery must see a live owner. */
    FF_CHECK_GOTO(status, ds_owner_acquire(ds, txn->journal.txid, &txn->owner_fd, err), cleanup);
    FF_CHECK_GOTO(status, stage_dir_path(txn, path, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_mkdir(ds->io, path, false, err), cleanup);
cleanup:
    if (status != FF_OK) {
        txn->is_finished = true;
        ff_txn_free(txn);
        return status;
    }
    ds->has_open_txn = true;
    memcpy(ds->open_txid, txn->journal.txid, FF_TXID_CAP);
    *out = txn;
    return FF_OK;
}

static ff_status add_stage_entry(ff_txn *txn, const char *final_rel, const char **stage_path,
                                 ff_error *err) {
    char stage_rel[FF_PATH_CAP], path[FF_PATH_CAP];
    snprintf(stage_rel, sizeof stage_rel, "%s/%s/%05zu.parquet.tmp", DS_STAGE_REL,
             txn->journal.txid, txn->next_part_idx);
    FF_FORWARD_IF_ERROR(ds_path(txn->ds, final_rel, path, err));
    FF_FORWARD_IF_ERROR(ds_path(txn->ds, stage_rel, path, err));
    if (txn->num_stage_paths == txn->stage_paths_cap) {
        size_t new_cap = txn->stage_paths_cap ? txn->stage_paths_cap * 2 : 8;
        char **grown = ff_realloc(txn->stage_paths, new_cap * sizeof *grown, "stage paths", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        txn->stage_paths = grown;
        txn->stage_paths_cap = new_cap;
    }
    char *copy = ff_strndup(path, strlen(path), err);
    if (!copy)
        return FF_ERR_NO_MEMORY;
    ff_status status = ds_journal_add(&txn->journal, stage_rel, final_rel, err);
    if (status != FF_OK) {
        free(copy);
        return status;
    }
    txn->stage_paths[txn->num_stage_paths++] = copy;
    txn->next_part_idx++;
    if (stage_path)
        *stage_path = copy;
    return FF_OK;
}

ff_status ff_txn_add_file(ff_txn *txn, const char *partition_dir, const char **stage_path,
                          const char **final_rel_path, ff_error *err) {
    if (txn->is_finished)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "transaction is over");
    size_t dir_len = strlen(partition_dir);
    while (dir_len > 0 && partition_dir[dir_len - 1] == '/')
        dir_len--;
    char dir[FF_PATH_CAP], final_rel[FF_PATH_CAP];
    if (dir_len >= sizeof dir)
        return ff_error_set(err, FF_ERR_LIMIT, "partition directory too long");
    memcpy(dir, partition_dir, dir_len);
    dir[dir_len] = '\0';
    FF_FORWARD_IF_ERROR(ds_check_rel_path(dir, false, err));
    FF_FORWARD_IF_ERROR(ds_require_partition(txn->ds, dir, err));
    int len = snprintf(final_rel, sizeof final_rel, "%s%spart-%s-%05zu.parquet", dir,
                       dir_len ? "/" : "", txn->journal.txid, txn->next_part_idx);
    if (len < 0 || len >= (int)sizeof final_rel)
        return ff_error_set(err, FF_ERR_LIMIT, "%s: path too long", dir);
    FF_FORWARD_IF_ERROR(add_stage_entry(txn, final_rel, stage_path, err));
    if (final_rel_path)
        *final_rel_path = txn->journal.adds[txn->journal.num_adds - 1].final_rel;
    return FF_OK;
}

ff_status ds_txn_add_named(ff_txn *txn, const char *final_rel, const char **stage_path,
                           ff_error *err) {
    FF_FORWARD_IF_ERROR(ds_check_rel_path(final_rel, true, err));
    for (size_t add_idx = 0; add_idx < txn->journal.num_adds; add_idx++)
        if (!strcmp(txn->journal.adds[add_idx].final_rel, final_rel))
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: added twice", final_rel);
    return add_stage_entry(txn, final_rel, stage_path, err);
}

ff_status ff_txn_write_file(ff_txn *txn, const char *partition_dir, const void *data, size_t len,
                            ff_error *err) {
    const char *stage_path = NULL;
    FF_FORWARD_IF_ERROR(ff_txn_add_file(txn, partition_dir, &stage_path, NULL, err));
    return ff_io_write_new_file(txn->ds->io, stage_path, data, len, err);
}

ff_status ff_txn_remove_file(ff_txn *txn, const char *rel_path, const ff_file_identity *expected,
                             ff_error *err) {
    if (txn->is_finished)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "transaction is over");
    FF_FORWARD_IF_ERROR(ds_check_rel_path(rel_path, true, err));
    for (size_t remove_idx = 0; remove_idx < txn->journal.num_removes; remove_idx++)
        if (!strcmp(txn->journal.removes[remove_idx].rel, rel_path))
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: removed twice", rel_path);
    char dir[FF_PATH_CAP];
    parent_rel(rel_path, dir);
    FF_FORWARD_IF_ERROR(ds_require_partition(txn->ds, dir, err));
    ff_file_identity identity;
    if (expected) {
        identity = *expected;
    } else {
        char path[FF_PATH_CAP];
        FF_FORWARD_IF_ERROR(ds_path(txn->ds, rel_path, path, err));
        FF_FORWARD_IF_ERROR(ds_identity(path, &identity, err));
    }
    return ds_journal_remove(&txn->journal, rel_path, &identity, err);
}

/* Appends s as a JSON string. */
static ff_status json_string(ff_buf *out, const char *s, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_buf_append_byte(out, '"', err));
    for (const uint8_t *p = (const uint8_t *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, "\\%c", *p));
        else if (*p < 0x20 || *p == 0x7f)
            FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, "\\u%04x", *p));
        else
            FF_FORWARD_IF_ERROR(ff_buf_append_byte(out, *p, err));
    }
    return ff_buf_append_byte(out, '"', err);
}

static ff_status build_history_line(ff_txn *txn, const ff_commit_options *opts, int64_t bytes_added,
                                    int64_t bytes_removed, ff_error *err) {
    ds_journal *journal = &txn->journal;
    ff_buf line;
    ff_buf_init(&line, 1 << 20);
    char stamp[32];
    time_t seconds = (time_t)journal->time_unix;
    struct tm utc;
    gmtime_r(&seconds, &utc);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    ff_status status;
    FF_CHECK_GOTO(status, ff_buf_printf(&line, err, "{\"op\":"), cleanup);
    FF_CHECK_GOTO(status, json_string(&line, journal->op, err), cleanup);
    FF_CHECK_GOTO(status,
                  ff_buf_printf(&line, err,
                                ",\"txid\":\"%s\",\"time\":\"%s\",\"files_added\":%zu,"
                                "\"files_removed\":%zu,\"bytes_added\":%" PRId64
                                ",\"bytes_removed\":%" PRId64,
                                journal->txid, stamp, journal->num_adds, journal->num_removes,
                                bytes_added, bytes_removed),
                  cleanup);
    if (opts->check_row_counts)
        FF_CHECK_GOTO(status,
                      ff_buf_printf(&line, err,
                                    ",\"rows_in\":%" PRId64 ",\"rows_removed\":%" PRId64
                                    ",\"rows_added\":%" PRId64 ",\"rows_out\":%" PRId64,
                                    opts->rows_in, opts->rows_removed, opts->rows_added,
                                    opts->rows_out),
                      cleanup);
    if (opts->stats_json && opts->stats_json[0]) {
        FF_CHECK_GOTO(status, ff_buf_printf(&line, err, ",\"stats\":"), cleanup);
        /* One line per commit: whitespace newlines in the caller's JSON become spaces. */
        for (const char *p = opts->stats_json; *p; p++)
            FF_CHECK_GOTO(status,
                          ff_buf_append_byte(&line, (*p == '\n' || *p == '\r') ? ' ' : *p, err),
                          cleanup);
    }
    FF_CHECK_GOTO(status, ff_buf_printf(&line, err, "}"), cleanup);
    journal->history_line =
        ff_arena_strndup(&journal->arena, (const char *)line.data, line.len, err);
    status = journal->history_line ? FF_OK : FF_ERR_NO_MEMORY;
cleanup:
    ff_buf_free(&line);
    return status;
}

/* Steps 3-5: make the staged files durable, validate, check the files to replace. */
static ff_status commit_prepare(ff_txn *txn, const ff_commit_options *opts, ff_error *err) {
    ff_dataset *ds = txn->ds;
    ds_journal *journal = &txn->journal;
    char path[FF_PATH_CAP];
    int64_t bytes_added = 0, bytes_removed = 0;
    for (size_t add_idx = 0; add_idx < journal->num_adds; add_idx++) {
        const char *stage_path = txn->stage_paths[add_idx];
        ff_file_identity staged;
        if (ds_identity(stage_path, &staged, NULL) != FF_OK)
            return ff_error_set(err, FF_ERR_INTERNAL, "%s: staged file for %s was never written",
                                stage_path, journal->adds[add_idx].final_rel);
        journal->adds[add_idx].size = staged.size;
        bytes_added += staged.size;
        FF_FORWARD_IF_ERROR(ff_io_fsync_path(ds->io, stage_path, err));
        FF_FORWARD_IF_ERROR(ds_path(ds, journal->adds[add_idx].final_rel, path, err));
        if (ff_io_exists(path))
            return ff_error_set(err, FF_ERR_CONFLICT, "%s: already exists; it is never overwritten",
                                path);
    }
    if (journal->num_adds > 0) {
        FF_FORWARD_IF_ERROR(stage_dir_path(txn, path, err));
        FF_FORWARD_IF_ERROR(ff_io_fsync_path(ds->io, path, err));
        FF_FORWARD_IF_ERROR(ds_path(ds, DS_STAGE_REL, path, err));
        FF_FORWARD_IF_ERROR(ff_io_fsync_path(ds->io, path, err));
    }
    if (opts->check_row_counts &&
        opts->rows_in - opts->rows_removed + opts->rows_added != opts->rows_out)
        return ff_error_set(err, FF_ERR_INTERNAL,
                            "validation failed: rows in %" PRId64 " - removed %" PRId64
                            " + added %" PRId64 " != rows out %" PRId64 "; nothing was changed",
                            opts->rows_in, opts->rows_removed, opts->rows_added, opts->rows_out);
    if (opts->validate) {
        ff_status status = opts->validate(opts->validate_user, txn, err);
        if (status != FF_OK)
            return ff_error_prefix(err, "validation failed");
    }
    for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++) {
        const ds_remove *remove = &journal->removes[remove_idx];
        FF_FORWARD_IF_ERROR(ds_path(ds, remove->rel, path, err));
        ff_file_identity now;
        if (ds_identity(path, &now, NULL) != FF_OK)
            return ff_error_set(err, FF_ERR_CONFLICT,
                                "%s: removed by another program since it was read; nothing was "
                                "changed",
                                path);
        if (!ds_identity_equal(&now, &remove->identity))
            return ff_error_set(
                err, FF_ERR_CONFLICT,
                "%s: changed by another program since it was read (size %" PRId64 " -> %" PRId64
                ", inode %" PRIu64 " -> %" PRIu64 "); nothing was changed",
                path, remove->identity.size, now.size, remove->identity.inode, now.inode);
        bytes_removed += now.size;
    }
    journal->time_unix = (int64_t)time(NULL);
    FF_FORWARD_IF_ERROR(history_path(ds, path, err));
    journal->history_offset = file_size_or_zero(path);
    return build_history_line(txn, opts, bytes_added, bytes_removed, err);
}

/* Step 6: the journal becomes visible atomically; *is_visible tells the caller whether the
 * transaction is decided (and so must be rolled back rather than just discarded). */
static ff_status write_journal(ff_txn *txn, bool *is_visible, ff_error *err) {
    ff_dataset *ds = txn->ds;
    *is_visible = false;
    char pending_path[FF_PATH_CAP], tmp_path[FF_PATH_CAP], journal_dir[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(
        ds_journal_path(ds, txn->journal.txid, DS_JOURNAL_PENDING, pending_path, err));
    FF_FORWARD_IF_ERROR(ds_path(ds, DS_JOURNAL_REL, journal_dir, err));
    if (snprintf(tmp_path, sizeof tmp_path, "%s.tmp", pending_path) >= (int)sizeof tmp_path)
        return ff_error_set(err, FF_ERR_LIMIT, "%s: path too long", pending_path);
    ff_buf text;
    ff_buf_init(&text, DS_RECORD_MAX);
    ff_status status;
    FF_CHECK_GOTO(status, ds_journal_serialize(&txn->journal, &text, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_write_new_file(ds->io, tmp_path, text.data, text.len, err),
                  cleanup);
    FF_CHECK_GOTO(status, ff_io_rename_replace(ds->io, tmp_path, pending_path, err), cleanup);
    *is_visible = true;
    status = ff_io_fsync_path(ds->io, journal_dir, err);
cleanup:
    if (status != FF_OK && !*is_visible)
        (void)ff_io_unlink(ds->io, tmp_path, true, NULL);
    ff_buf_free(&text);
    return status;
}

/* Undoes a decided transaction after an error: marks the journal for rollback so a crash
 * meanwhile continues backwards, then rolls back. Keeps the original error in err. */
static ff_status commit_rollback(ff_txn *txn, ff_status failure, ff_error *err) {
    ff_dataset *ds = txn->ds;
    ff_error rollback_err;
    ff_error_clear(&rollback_err);
    char from[FF_PATH_CAP], undo_path[FF_PATH_CAP], journal_dir[FF_PATH_CAP];
    ff_status status =
        ds_journal_path(ds, txn->journal.txid, DS_JOURNAL_PENDING, from, &rollback_err);
    if (status == FF_OK && !ff_io_exists(from))
        status = ds_journal_path(ds, txn->journal.txid, DS_JOURNAL_DONE, from, &rollback_err);
    if (status == FF_OK)
        status = ds_journal_path(ds, txn->journal.txid, DS_JOURNAL_UNDO, undo_path, &rollback_err);
    if (status == FF_OK)
        status = ff_io_rename_replace(ds->io, from, undo_path, &rollback_err);
    if (status == FF_OK && ds_path(ds, DS_JOURNAL_REL, journal_dir, NULL) == FF_OK)
        /* A lost fsync here only means a crash would roll forward instead: still consistent. */
        (void)ff_io_fsync_path(ds->io, journal_dir, NULL);
    if (status == FF_OK)
        status = ds_apply_backward(ds, &txn->journal, &rollback_err);
    if (status != FF_OK) {
        size_t len = strlen(err->message);
        snprintf(err->message + len, sizeof err->message - len,
                 "; rolling back failed too (%s): run `fluxforge recover %s`", rollback_err.message,
                 ds->root);
    } else {
        size_t len = strlen(err->message);
        snprintf(err->message + len, sizeof err->message - len, "; rolled back, nothing changed");
    }
    return failure;
}

ff_status ff_txn_commit(ff_txn *txn, const ff_commit_options *opts, ff_error *err) {
    ff_commit_options defaults;
    if (!opts) {
        ff_commit_options_init(&defaults);
        opts = &defaults;
    }
    if (txn->is_finished)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "transaction is over");
    ff_dataset *ds = txn->ds;
    txn->is_finished = true;
    ds->has_open_txn = false;
    char stage_dir[FF_PATH_CAP];
    ff_status status = stage_dir_path(txn, stage_dir, err);
    if (status != FF_OK)
        return status;
    if (txn->journal.num_adds == 0 && txn->journal.num_removes == 0)
        return ff_io_remove_tree(ds->io, stage_dir, err);
    status = commit_prepare(txn, opts, err);
    bool is_visible = false;
    if (status == FF_OK)
        status = write_journal(txn, &is_visible, err);
    if (status != FF_OK && !is_visible) {
        (void)ff_io_remove_tree(ds->io, stage_dir, NULL);
        return status;
    }
    if (status == FF_OK)
        status = ds_apply_forward(ds, &txn->journal, err);
    if (status != FF_OK)
        return commit_rollback(txn, status, err);
    /* Done and durable; what is left is tidying, which the next recover repeats if it fails. */
    (void)ds_finish_done(ds, &txn->journal, NULL);
    return FF_OK;
}

void ff_txn_free(ff_txn *txn) {
    if (!txn)
        return;
    if (!txn->is_finished) {
        char stage_dir[FF_PATH_CAP];
        if (stage_dir_path(txn, stage_dir, NULL) == FF_OK)
            (void)ff_io_remove_tree(txn->ds->io, stage_dir, NULL);
        txn->ds->has_open_txn = false;
    }
    /* Released last: whatever the transaction left behind is now recovery's. */
    ds_owner_release(txn->ds, txn->journal.txid, txn->owner_fd);
    ds_names_free(txn->stage_paths, txn->num_stage_paths);
    ds_journal_free(&txn->journal);
    free(txn);
}
