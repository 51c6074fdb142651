/* Recovery: bring a dataset a crash interrupted to exactly its before- or after-state
 * (DESIGN.md §5 step 2; docs/commit-protocol.md has the crash windows).
 *
 * Journals are handled first, oldest txid first, by the state their name records: a pending
 * journal is rolled forward, an .undo journal rolled back, a .done journal only tidied. After
 * that a stage directory without a journal belongs to a transaction that never reached its
 * journal and is deleted, as are temp journals and backup directories without a manifest (a
 * `backups drop` that was interrupted after it retired the manifest). Every procedure called
 * here is idempotent, so recovery may itself be interrupted and rerun.
 *
 * Other writers may be running (partition locks, lock.c), so recovery touches a transaction
 * only while it holds the transaction's owner lock, which a live writer holds from begin to
 * end: a transaction whose owner is alive is left alone. A dead transaction's partitions may
 * meanwhile be held by live writers; each of those recovers it before planning (they wait
 * for the owner lock while another recoverer has it), and a recoverer that holds none of
 * them must lock them all first, or leave the transaction to the writers that do. */
#include "dataset/dataset_internal.h"

#include "util/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool has_suffix(const char *name, const char *suffix) {
    size_t len = strlen(name), suffix_len = strlen(suffix);
    return len >= suffix_len && !strcmp(name + len - suffix_len, suffix);
}

/* The txid part of a journal file name. */
static void journal_txid(const char *name, char out[FF_TXID_CAP]) {
    size_t len = strcspn(name, ".");
    snprintf(out, FF_TXID_CAP, "%.*s", (int)(len < FF_TXID_CAP ? len : FF_TXID_CAP - 1), name);
}

/* True when a journal of txid (in any state) exists. */
static bool has_journal(const ff_dataset *ds, const char *txid) {
    char path[FF_PATH_CAP], rel[FF_PATH_CAP];
    for (int state = DS_JOURNAL_PENDING; state <= DS_JOURNAL_DONE; state++)
        if (ds_journal_path(ds, txid, (ds_journal_state)state, path, NULL) == FF_OK &&
            ff_io_exists(path))
            return true;
    snprintf(rel, sizeof rel, "%s/%s.tmp", DS_JOURNAL_REL, txid);
    return ds_path(ds, rel, path, NULL) == FF_OK && ff_io_exists(path);
}

/* The partition directories a journal changes ("" for the root), deduplicated. */
typedef struct dir_list {
    char **dirs;
    size_t num, cap;
} dir_list;

static ff_status dir_list_add_parent(dir_list *list, const char *rel, ff_error *err) {
    const char *slash = strrchr(rel, '/');
    size_t len = slash ? (size_t)(slash - rel) : 0;
    for (size_t idx = 0; idx < list->num; idx++)
        if (strlen(list->dirs[idx]) == len && !memcmp(list->dirs[idx], rel, len))
            return FF_OK;
    if (list->num == list->cap) {
        size_t new_cap = list->cap ? list->cap * 2 : 8;
        char **grown = ff_realloc(list->dirs, new_cap * sizeof *grown, "directories", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        list->dirs = grown;
        list->cap = new_cap;
    }
    list->dirs[list->num] = ff_strndup(rel, len, err);
    if (!list->dirs[list->num])
        return FF_ERR_NO_MEMORY;
    list->num++;
    return FF_OK;
}

static ff_status journal_dirs(const ds_journal *journal, dir_list *out, ff_error *err) {
    for (size_t idx = 0; idx < journal->num_adds; idx++)
        FF_FORWARD_IF_ERROR(dir_list_add_parent(out, journal->adds[idx].final_rel, err));
    for (size_t idx = 0; idx < journal->num_removes; idx++)
        FF_FORWARD_IF_ERROR(dir_list_add_parent(out, journal->removes[idx].rel, err));
    return FF_OK;
}

/* Takes what recovering a journal's transaction needs (see the top of the file). *owner_fd
 * stays -1 when the transaction must be left alone; temp receives partition locks taken for
 * the time of the recovery (temp_fds, one per directory, -1 for none). */
static ff_status claim_transaction(ff_dataset *ds, const char *txid, const dir_list *dirs,
                                   int *owner_fd, int *temp_fds, ff_error *err) {
    *owner_fd = -1;
    bool holds_one = ds->lock_scope != FF_LOCK_PARTITIONS;
    for (size_t idx = 0; idx < dirs->num && !holds_one; idx++)
        holds_one = ds_holds_partition(ds, dirs->dirs[idx]);
    /* Holding one of its partitions proves its writer is dead: whoever has its owner lock is
     * another recoverer, soon done. */
    FF_FORWARD_IF_ERROR(ds_owner_try(ds, txid, holds_one, owner_fd, err));
    if (*owner_fd < 0 || holds_one)
        return FF_OK;
    for (size_t idx = 0; idx < dirs->num; idx++) {
        ff_status status = ds_try_temp_partition(ds, dirs->dirs[idx], &temp_fds[idx], err);
        if (status != FF_OK || temp_fds[idx] < 0) {
            /* A live writer holds it and will recover the transaction itself. */
            close(*owner_fd);
            *owner_fd = -1;
            return status;
        }
    }
    return FF_OK;
}

/* Handles one journal file name; counts what it did in report. */
static ff_status recover_journal(ff_dataset *ds, const char *name, ff_recover_report *report,
                                 ff_error *err) {
    char path[FF_PATH_CAP], rel[FF_PATH_CAP], txid[FF_TXID_CAP];
    snprintf(rel, sizeof rel, "%s/%s", DS_JOURNAL_REL, name);
    FF_FORWARD_IF_ERROR(ds_path(ds, rel, path, err));
    journal_txid(name, txid);
    if (ds->has_open_txn && !strcmp(txid, ds->open_txid))
        return FF_OK;
    dir_list dirs = {0};
    int owner_fd = -1;
    int *temp_fds = NULL;
    ds_journal journal;
    ds_journal_init(&journal);
    ff_status status = FF_OK;
    bool is_tmp = has_suffix(name, ".tmp");
    if (!is_tmp) {
        status = ds_journal_load(path, &journal, err);
        if (status == FF_ERR_NOT_FOUND && !ff_io_exists(path)) {
            /* A live writer renamed it (to .done or .undo) since the listing, or another
             * recoverer finished it: nothing for us under this name. */
            ff_error_clear(err);
            status = FF_OK;
            goto cleanup;
        }
        if (status != FF_OK)
            goto cleanup;
        FF_CHECK_GOTO(status, journal_dirs(&journal, &dirs, err), cleanup);
    }
    temp_fds = ff_calloc(dirs.num + 1, sizeof *temp_fds, "partition locks", err);
    if (!temp_fds) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (size_t idx = 0; idx <= dirs.num; idx++)
        temp_fds[idx] = -1;
    FF_CHECK_GOTO(status, claim_transaction(ds, txid, &dirs, &owner_fd, temp_fds, err), cleanup);
    /* Left alone, or finished by another recoverer while we waited for it. */
    if (owner_fd < 0 || !ff_io_exists(path))
        goto cleanup;
    if (is_tmp) {
        /* The journal never became visible: the transaction was not decided. */
        report->num_leftovers++;
        status = ff_io_unlink(ds->io, path, true, err);
        goto cleanup;
    }
    ds_journal_state state = DS_JOURNAL_PENDING;
    if (has_suffix(name, ".undo"))
        state = DS_JOURNAL_UNDO;
    else if (has_suffix(name, ".done"))
        state = DS_JOURNAL_DONE;
    switch (state) {
    case DS_JOURNAL_PENDING:
        FF_CHECK_GOTO(status, ds_apply_forward(ds, &journal, err), cleanup);
        FF_CHECK_GOTO(status, ds_finish_done(ds, &journal, err), cleanup);
        report->num_rolled_forward++;
        break;
    case DS_JOURNAL_UNDO:
        FF_CHECK_GOTO(status, ds_apply_backward(ds, &journal, err), cleanup);
        report->num_rolled_back++;
        break;
    case DS_JOURNAL_DONE:
        FF_CHECK_GOTO(status, ds_finish_done(ds, &journal, err), cleanup);
        report->num_finished++;
        break;
    }
cleanup:
    if (status != FF_OK)
        ff_error_prefix(err, "recovering transaction %s", journal.txid[0] ? journal.txid : name);
    for (size_t idx = 0; temp_fds && idx < dirs.num; idx++)
        if (temp_fds[idx] >= 0)
            close(temp_fds[idx]);
    free(temp_fds);
    /* The owner file goes only once nothing of the transaction is left to recover. */
    if (owner_fd >= 0 && status == FF_OK && !has_journal(ds, txid))
        ds_owner_release(ds, txid, owner_fd);
    else if (owner_fd >= 0)
        close(owner_fd);
    ds_names_free(dirs.dirs, dirs.num);
    ds_journal_free(&journal);
    return status;
}

/* Stage directories and manifest-less backups of transactions that have no journal and no
 * live owner are leftovers. *owner_fd is -1 when txid must be left alone. */
static ff_status claim_leftover(ff_dataset *ds, const char *txid, int *owner_fd, ff_error *err) {
    *owner_fd = -1;
    if (!ds_is_txid(txid) || (ds->has_open_txn && !strcmp(txid, ds->open_txid)))
        return FF_OK;
    FF_FORWARD_IF_ERROR(ds_owner_try(ds, txid, false, owner_fd, err));
    if (*owner_fd >= 0 && has_journal(ds, txid)) {
        /* A decided transaction this recovery could not claim keeps its stage. */
        close(*owner_fd);
        *owner_fd = -1;
    }
    return FF_OK;
}

ff_status ff_dataset_recover(ff_dataset *ds, ff_recover_report *report, ff_error *err) {
    ff_recover_report local;
    if (!report)
        report = &local;
    memset(report, 0, sizeof *report);
    if (ds->mode != FF_DATASET_WRITE)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "%s: recover needs a dataset opened for writing", ds->root);
    char dir[FF_PATH_CAP], path[FF_PATH_CAP], rel[FF_PATH_CAP];
    char **names = NULL;
    size_t num_names = 0;
    int owner_fd = -1;
    ff_status status;
    FF_CHECK_GOTO(status, ds_path(ds, DS_JOURNAL_REL, dir, err), cleanup);
    FF_CHECK_GOTO(status, ds_list_dir(dir, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++)
        FF_CHECK_GOTO(status, recover_journal(ds, names[name_idx], report, err), cleanup);
    ds_names_free(names, num_names);
    names = NULL;
    FF_CHECK_GOTO(status, ds_path(ds, DS_STAGE_REL, dir, err), cleanup);
    FF_CHECK_GOTO(status, ds_list_dir(dir, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        FF_CHECK_GOTO(status, claim_leftover(ds, names[name_idx], &owner_fd, err), cleanup);
        if (owner_fd < 0 && ds_is_txid(names[name_idx]))
            continue;
        FF_CHECK_GOTO(status, ff_path_join(path, dir, names[name_idx], err), cleanup);
        FF_CHECK_GOTO(status, ff_io_remove_tree(ds->io, path, err), cleanup);
        report->num_leftovers++;
        ds_owner_release(ds, names[name_idx], owner_fd);
        owner_fd = -1;
    }
    ds_names_free(names, num_names);
    names = NULL;
    FF_CHECK_GOTO(status, ds_path(ds, DS_BACKUPS_REL, dir, err), cleanup);
    FF_CHECK_GOTO(status, ds_list_dir(dir, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        const char *txid = names[name_idx];
        snprintf(rel, sizeof rel, "%s/%s/manifest", DS_BACKUPS_REL, txid);
        FF_CHECK_GOTO(status, ds_path(ds, rel, path, err), cleanup);
        if (ff_io_exists(path))
            continue;
        /* A live commit makes its backups before their manifest. */
        FF_CHECK_GOTO(status, claim_leftover(ds, txid, &owner_fd, err), cleanup);
        if (owner_fd < 0 && ds_is_txid(txid))
            continue;
        FF_CHECK_GOTO(status, ds_backup_finish_drop(ds, txid, err), cleanup);
        report->num_leftovers++;
        ds_owner_release(ds, txid, owner_fd);
        owner_fd = -1;
    }
cleanup:
    if (owner_fd >= 0)
        close(owner_fd);
    ds_names_free(names, num_names);
    return status;
}
