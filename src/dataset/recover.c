/* Recovery: bring a dataset a crash interrupted to exactly its before- or after-state
 * (DESIGN.md §5 step 2; docs/commit-protocol.md has the crash windows).
 *
 * Journals are handled first, oldest txid first, by the state their name records: a pending
 * journal is rolled forward, an .undo journal rolled back, a .done journal only tidied. After
 * that anything left in stage/ belongs to a transaction that never reached its journal and is
 * deleted, as are temp journals and backup directories without a manifest (a `backups drop`
 * that was interrupted after it retired the manifest). Every procedure called here is
 * idempotent, so recovery may itself be interrupted and rerun. */
#include "dataset/dataset_internal.h"

#include "util/check.h"

#include <stdio.h>
#include <string.h>

static bool has_suffix(const char *name, const char *suffix) {
    size_t len = strlen(name), suffix_len = strlen(suffix);
    return len >= suffix_len && !strcmp(name + len - suffix_len, suffix);
}

/* Handles one journal file name; counts what it did in report. */
static ff_status recover_journal(ff_dataset *ds, const char *name, ff_recover_report *report,
                                 ff_error *err) {
    char path[FF_PATH_CAP], rel[FF_PATH_CAP];
    snprintf(rel, sizeof rel, "%s/%s", DS_JOURNAL_REL, name);
    FF_FORWARD_IF_ERROR(ds_path(ds, rel, path, err));
    if (has_suffix(name, ".tmp")) {
        /* The journal never became visible: the transaction was not decided. */
        report->num_leftovers++;
        return ff_io_unlink(ds->io, path, true, err);
    }
    ds_journal_state state = DS_JOURNAL_PENDING;
    if (has_suffix(name, ".undo"))
        state = DS_JOURNAL_UNDO;
    else if (has_suffix(name, ".done"))
        state = DS_JOURNAL_DONE;
    ds_journal journal;
    ds_journal_init(&journal);
    ff_status status;
    FF_CHECK_GOTO(status, ds_journal_load(path, &journal, err), cleanup);
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
    ds_journal_free(&journal);
    return status;
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
    ff_status status;
    FF_CHECK_GOTO(status, ds_path(ds, DS_JOURNAL_REL, dir, err), cleanup);
    FF_CHECK_GOTO(status, ds_list_dir(dir, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++)
        FF_CHECK_GOTO(status, recover_journal(ds, names[name_idx], report, err), cleanup);
    ds_names_free(names, num_names);
    names = NULL;
    /* Every journaled transaction is finished now, so whatever is staged is orphaned. */
    FF_CHECK_GOTO(status, ds_path(ds, DS_STAGE_REL, dir, err), cleanup);
    FF_CHECK_GOTO(status, ds_list_dir(dir, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        FF_CHECK_GOTO(status, ff_path_join(path, dir, names[name_idx], err), cleanup);
        FF_CHECK_GOTO(status, ff_io_remove_tree(ds->io, path, err), cleanup);
        report->num_leftovers++;
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
        FF_CHECK_GOTO(status, ds_backup_finish_drop(ds, txid, err), cleanup);
        report->num_leftovers++;
    }
cleanup:
    ds_names_free(names, num_names);
    return status;
}
