/* Backups: the manifest each commit leaves in _fluxforge/backups/<txid>/, and listing,
 * restoring, dropping and pruning them (DESIGN.md §1, §5 step 7).
 *
 * A manifest records what the transaction removed (and so what the backup holds) and what it
 * added (and so what a restore takes away):
 *
 *     fluxforge-backup 1
 *     txid <txid>
 *     op <op>
 *     time <unix seconds>
 *     location <directory of the copies, or ->
 *     removed <rel path> <size>
 *     added <rel path> <size>
 *     end <checksum>
 *
 * Removed files are kept as <rel>.bak (never ".parquet", so nothing under _fluxforge looks like
 * data). Restore is an ordinary transaction, so it is as crash-safe as any commit and can
 * itself be restored. Dropping first renames the manifest to manifest.dropped — from that
 * instant the backup no longer exists for list or restore — and then deletes the files;
 * recovery finishes a drop that was interrupted. */
#include "dataset/dataset_internal.h"

#include "util/check.h"
#include "util/hash.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MANIFEST_MAGIC "fluxforge-backup 1"

typedef struct manifest_entry {
    char *rel;
    int64_t size;
} manifest_entry;

typedef struct manifest {
    ff_arena arena;
    char txid[FF_TXID_CAP];
    char *op;
    int64_t time_unix;
    char *location; /* "" for links in place */
    manifest_entry *removed, *added;
    size_t num_removed, num_added;
} manifest;

static ff_status manifest_rel(const char *txid, const char *name, char *out, ff_error *err) {
    int len = snprintf(out, FF_PATH_CAP, "%s/%s/%s", DS_BACKUPS_REL, txid, name);
    if (len < 0 || len >= FF_PATH_CAP)
        return ff_error_set(err, FF_ERR_LIMIT, "backup path too long");
    return FF_OK;
}

ff_status ds_manifest_write(ff_dataset *ds, const ds_journal *journal, ff_error *err) {
    ff_buf text;
    ff_buf_init(&text, DS_RECORD_MAX);
    char rel[FF_PATH_CAP], path[FF_PATH_CAP];
    ff_status status;
    snprintf(rel, sizeof rel, "%s/%s", DS_BACKUPS_REL, journal->txid);
    FF_CHECK_GOTO(status, ff_io_mkdirs(ds->io, ds->root, rel, err), cleanup);
    FF_CHECK_GOTO(status,
                  ff_buf_printf(&text, err, "%s\ntxid %s\nop ", MANIFEST_MAGIC, journal->txid),
                  cleanup);
    FF_CHECK_GOTO(status, ds_escape(journal->op, &text, err), cleanup);
    FF_CHECK_GOTO(status,
                  ff_buf_printf(&text, err, "\ntime %" PRId64 "\nlocation ", journal->time_unix),
                  cleanup);
    if (journal->backup_dir)
        FF_CHECK_GOTO(status, ds_escape(journal->backup_dir, &text, err), cleanup);
    else
        FF_CHECK_GOTO(status, ff_buf_append_byte(&text, '-', err), cleanup);
    FF_CHECK_GOTO(status, ff_buf_append_byte(&text, '\n', err), cleanup);
    for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++) {
        FF_CHECK_GOTO(status, ff_buf_printf(&text, err, "removed "), cleanup);
        FF_CHECK_GOTO(status, ds_escape(journal->removes[remove_idx].rel, &text, err), cleanup);
        FF_CHECK_GOTO(
            status,
            ff_buf_printf(&text, err, " %" PRId64 "\n", journal->removes[remove_idx].identity.size),
            cleanup);
    }
    for (size_t add_idx = 0; add_idx < journal->num_adds; add_idx++) {
        FF_CHECK_GOTO(status, ff_buf_printf(&text, err, "added "), cleanup);
        FF_CHECK_GOTO(status, ds_escape(journal->adds[add_idx].final_rel, &text, err), cleanup);
        FF_CHECK_GOTO(status,
                      ff_buf_printf(&text, err, " %" PRId64 "\n", journal->adds[add_idx].size),
                      cleanup);
    }
    FF_CHECK_GOTO(
        status, ff_buf_printf(&text, err, "end %016" PRIx64 "\n", ff_fnv1a64(text.data, text.len)),
        cleanup);
    FF_CHECK_GOTO(status, manifest_rel(journal->txid, "manifest", rel, err), cleanup);
    FF_CHECK_GOTO(status, ds_path(ds, rel, path, err), cleanup);
    status = ff_io_write_file_atomic(ds->io, path, text.data, text.len, err);
cleanup:
    ff_buf_free(&text);
    return status;
}

static void manifest_free(manifest *m) {
    ff_arena_free(&m->arena);
    free(m->removed);
    free(m->added);
    memset(m, 0, sizeof *m);
}

static ff_status manifest_push(manifest *m, bool is_removed, char *rel, int64_t size,
                               ff_error *err) {
    manifest_entry **entries = is_removed ? &m->removed : &m->added;
    size_t *num = is_removed ? &m->num_removed : &m->num_added;
    manifest_entry *grown = ff_realloc(*entries, (*num + 1) * sizeof *grown, "manifest", err);
    if (!grown)
        return FF_ERR_NO_MEMORY;
    grown[*num].rel = rel;
    grown[*num].size = size;
    *entries = grown;
    (*num)++;
    return FF_OK;
}

/* Parses the manifest text; the checksum line must match. */
static ff_status manifest_parse(const uint8_t *text, size_t len, manifest *m, ff_error *err) {
    const char *data = (const char *)text;
    if (len < 22 || data[len - 1] != '\n')
        return ff_error_set(err, FF_ERR_CORRUPT, "manifest is torn");
    size_t end_line = len - 1;
    while (end_line > 0 && data[end_line - 1] != '\n')
        end_line--;
    char expected[32];
    snprintf(expected, sizeof expected, "end %016" PRIx64 "\n", ff_fnv1a64(text, end_line));
    if (len - end_line != strlen(expected) || memcmp(data + end_line, expected, strlen(expected)))
        return ff_error_set(err, FF_ERR_CORRUPT, "manifest checksum does not match");
    size_t pos = 0;
    bool is_first = true;
    while (pos < end_line) {
        const char *line = data + pos;
        size_t line_len = (size_t)((const char *)memchr(line, '\n', end_line - pos) - line);
        pos += line_len + 1;
        if (is_first) {
            is_first = false;
            if (line_len != strlen(MANIFEST_MAGIC) || memcmp(line, MANIFEST_MAGIC, line_len))
                return ff_error_set(err, FF_ERR_CORRUPT, "not a fluxforge backup manifest");
            continue;
        }
        const char *space = memchr(line, ' ', line_len);
        if (!space)
            return ff_error_set(err, FF_ERR_CORRUPT, "malformed manifest line");
        size_t key_len = (size_t)(space - line);
        const char *value = space + 1;
        size_t value_len = line_len - key_len - 1;
        if (key_len == 4 && !memcmp(line, "txid", 4)) {
            if (value_len >= FF_TXID_CAP)
                return ff_error_set(err, FF_ERR_CORRUPT, "manifest txid too long");
            memcpy(m->txid, value, value_len);
            m->txid[value_len] = '\0';
        } else if (key_len == 2 && !memcmp(line, "op", 2)) {
            m->op = ds_unescape(&m->arena, value, value_len, err);
            if (!m->op)
                return err ? err->code : FF_ERR_CORRUPT;
        } else if (key_len == 4 && !memcmp(line, "time", 4)) {
            m->time_unix = strtoll(value, NULL, 10);
        } else if (key_len == 8 && !memcmp(line, "location", 8)) {
            m->location = value_len == 1 && value[0] == '-'
                              ? ff_arena_strndup(&m->arena, "", 0, err)
                              : ds_unescape(&m->arena, value, value_len, err);
            if (!m->location)
                return err ? err->code : FF_ERR_CORRUPT;
        } else if ((key_len == 7 && !memcmp(line, "removed", 7)) ||
                   (key_len == 5 && !memcmp(line, "added", 5))) {
            const char *size_space = memchr(value, ' ', value_len);
            if (!size_space)
                return ff_error_set(err, FF_ERR_CORRUPT, "malformed manifest entry");
            char *rel = ds_unescape(&m->arena, value, (size_t)(size_space - value), err);
            if (!rel)
                return err ? err->code : FF_ERR_CORRUPT;
            if (ds_check_rel_path(rel, true, err) != FF_OK)
                return ff_error_set(err, FF_ERR_CORRUPT, "manifest names an unsafe path '%s'", rel);
            FF_FORWARD_IF_ERROR(
                manifest_push(m, key_len == 7, rel, strtoll(size_space + 1, NULL, 10), err));
        } else {
            return ff_error_set(err, FF_ERR_CORRUPT, "unknown manifest key '%.*s'", (int)key_len,
                                line);
        }
    }
    if (!ds_is_txid(m->txid) || !m->op || !m->location)
        return ff_error_set(err, FF_ERR_CORRUPT, "manifest lacks txid, op or location");
    return FF_OK;
}

/* Loads backups/<txid>/<name>; FF_ERR_NOT_FOUND when there is no such backup. */
static ff_status manifest_load(ff_dataset *ds, const char *txid, const char *name, manifest *m,
                               ff_error *err) {
    memset(m, 0, sizeof *m);
    ff_arena_init(&m->arena, 0);
    if (!ds_is_txid(txid))
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "'%s' is not a transaction id", txid);
    char rel[FF_PATH_CAP], path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(manifest_rel(txid, name, rel, err));
    FF_FORWARD_IF_ERROR(ds_path(ds, rel, path, err));
    ff_buf text;
    ff_buf_init(&text, DS_RECORD_MAX);
    ff_status status = ff_io_read_file(path, DS_RECORD_MAX, &text, err);
    if (status == FF_ERR_NOT_FOUND)
        status =
            ff_error_set(err, FF_ERR_NOT_FOUND, "%s: no backup of transaction %s", ds->root, txid);
    else if (status == FF_OK && (status = manifest_parse(text.data, text.len, m, err)) != FF_OK)
        ff_error_prefix(err, "%s", path);
    ff_buf_free(&text);
    return status;
}

static int compare_backups(const void *a, const void *b) {
    return strcmp(((const ff_backup_info *)a)->txid, ((const ff_backup_info *)b)->txid);
}

typedef struct backup_list_impl {
    ff_backup_list pub; /* first, so the public pointer is the allocation */
    ff_arena arena;
    ff_backup_info *items;
} backup_list_impl;

void ff_backup_list_free(ff_backup_list *list) {
    if (!list)
        return;
    backup_list_impl *impl = (backup_list_impl *)list;
    ff_arena_free(&impl->arena);
    free(impl->items);
    free(impl);
}

ff_status ff_dataset_backups_list(ff_dataset *ds, ff_backup_list **out, ff_error *err) {
    *out = NULL;
    backup_list_impl *impl = ff_calloc(1, sizeof *impl, "backup list", err);
    if (!impl)
        return FF_ERR_NO_MEMORY;
    ff_arena_init(&impl->arena, 0);
    char dir[FF_PATH_CAP];
    char **names = NULL;
    size_t num_names = 0;
    ff_status status;
    FF_CHECK_GOTO(status, ds_path(ds, DS_BACKUPS_REL, dir, err), cleanup);
    FF_CHECK_GOTO(status, ds_list_dir(dir, &names, &num_names, err), cleanup);
    impl->items = ff_calloc(num_names ? num_names : 1, sizeof *impl->items, "backup list", err);
    if (!impl->items) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        if (!ds_is_txid(names[name_idx]))
            continue;
        manifest m;
        status = manifest_load(ds, names[name_idx], "manifest", &m, err);
        if (status == FF_ERR_NOT_FOUND) {
            /* A backup whose commit is still in flight, or a drop in progress. */
            manifest_free(&m);
            continue;
        }
        if (status != FF_OK) {
            manifest_free(&m);
            goto cleanup;
        }
        ff_backup_info *info = &impl->items[impl->pub.num_backups];
        info->txid = ff_arena_strndup(&impl->arena, m.txid, strlen(m.txid), err);
        info->op = ff_arena_strndup(&impl->arena, m.op, strlen(m.op), err);
        info->location = ff_arena_strndup(&impl->arena, m.location, strlen(m.location), err);
        info->time_unix = m.time_unix;
        info->num_removed = m.num_removed;
        info->num_added = m.num_added;
        for (size_t entry_idx = 0; entry_idx < m.num_removed; entry_idx++)
            info->bytes += m.removed[entry_idx].size;
        manifest_free(&m);
        if (!info->txid || !info->op || !info->location) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        impl->pub.num_backups++;
    }
    qsort(impl->items, impl->pub.num_backups, sizeof *impl->items, compare_backups);
    impl->pub.backups = impl->items;
    status = FF_OK;
cleanup:
    ds_names_free(names, num_names);
    if (status != FF_OK) {
        ff_backup_list_free(&impl->pub);
        return status;
    }
    *out = &impl->pub;
    return FF_OK;
}

ff_status ds_backup_finish_drop(ff_dataset *ds, const char *txid, ff_error *err) {
    char rel[FF_PATH_CAP], path[FF_PATH_CAP];
    manifest m;
    ff_status status = manifest_load(ds, txid, "manifest.dropped", &m, NULL);
    if (status == FF_OK && m.location[0]) {
        status = ff_path_join(path, m.location, txid, err);
        if (status == FF_OK)
            status = ff_io_remove_tree(ds->io, path, err);
        if (status != FF_OK) {
            manifest_free(&m);
            return status;
        }
    }
    manifest_free(&m);
    snprintf(rel, sizeof rel, "%s/%s", DS_BACKUPS_REL, txid);
    FF_FORWARD_IF_ERROR(ds_path(ds, rel, path, err));
    FF_FORWARD_IF_ERROR(ff_io_remove_tree(ds->io, path, err));
    FF_FORWARD_IF_ERROR(ds_path(ds, DS_BACKUPS_REL, path, err));
    return ff_io_fsync_path(ds->io, path, err);
}

static ff_status require_writer(const ff_dataset *ds, ff_error *err) {
    if (ds->mode != FF_DATASET_WRITE)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "%s: changing backups needs a dataset opened for writing", ds->root);
    return FF_OK;
}

ff_status ff_dataset_backup_drop(ff_dataset *ds, const char *txid, ff_error *err) {
    FF_FORWARD_IF_ERROR(require_writer(ds, err));
    manifest m;
    ff_status status = manifest_load(ds, txid, "manifest", &m, err);
    manifest_free(&m);
    FF_FORWARD_IF_ERROR(status);
    char from_rel[FF_PATH_CAP], to_rel[FF_PATH_CAP], from[FF_PATH_CAP], to[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(manifest_rel(txid, "manifest", from_rel, err));
    FF_FORWARD_IF_ERROR(manifest_rel(txid, "manifest.dropped", to_rel, err));
    FF_FORWARD_IF_ERROR(ds_path(ds, from_rel, from, err));
    FF_FORWARD_IF_ERROR(ds_path(ds, to_rel, to, err));
    FF_FORWARD_IF_ERROR(ff_io_rename_replace(ds->io, from, to, err));
    return ds_backup_finish_drop(ds, txid, err);
}

ff_status ff_dataset_backups_prune(ff_dataset *ds, int64_t keep, int64_t older_than_days,
                                   size_t *num_dropped, ff_error *err) {
    if (num_dropped)
        *num_dropped = 0;
    FF_FORWARD_IF_ERROR(require_writer(ds, err));
    ff_backup_list *list = NULL;
    FF_FORWARD_IF_ERROR(ff_dataset_backups_list(ds, &list, err));
    ff_status status = FF_OK;
    int64_t now = (int64_t)time(NULL);
    for (size_t backup_idx = 0; backup_idx < list->num_backups; backup_idx++) {
        const ff_backup_info *info = &list->backups[backup_idx];
        size_t newer = list->num_backups - 1 - backup_idx;
        bool beyond_keep = keep >= 0 && (int64_t)newer >= keep;
        bool too_old = older_than_days >= 0 && info->time_unix < now - older_than_days * 86400;
        if (!beyond_keep && !too_old)
            continue;
        FF_CHECK_GOTO(status, ff_dataset_backup_drop(ds, info->txid, err), cleanup);
        if (num_dropped)
            (*num_dropped)++;
    }
cleanup:
    ff_backup_list_free(list);
    return status;
}

ff_status ff_dataset_backup_restore(ff_dataset *ds, const char *txid, char *new_txid_out,
                                    ff_error *err) {
    FF_FORWARD_IF_ERROR(require_writer(ds, err));
    manifest m;
    ff_txn *txn = NULL;
    ff_status status;
    char path[FF_PATH_CAP], rel[FF_PATH_CAP], source[FF_PATH_CAP];
    FF_CHECK_GOTO(status, manifest_load(ds, txid, "manifest", &m, err), cleanup);
    FF_CHECK_GOTO(status, ff_txn_begin(ds, "restore", &txn, err), cleanup);
    for (size_t entry_idx = 0; entry_idx < m.num_added; entry_idx++) {
        FF_CHECK_GOTO(status, ds_path(ds, m.added[entry_idx].rel, path, err), cleanup);
        if (!ff_io_exists(path)) {
            status = ff_error_set(err, FF_ERR_CONFLICT,
                                  "%s: added by transaction %s but since replaced or removed; "
                                  "restore the later transaction first",
                                  path, txid);
            goto cleanup;
        }
        FF_CHECK_GOTO(status, ff_txn_remove_file(txn, m.added[entry_idx].rel, NULL, err), cleanup);
    }
    for (size_t entry_idx = 0; entry_idx < m.num_removed; entry_idx++) {
        const manifest_entry *entry = &m.removed[entry_idx];
        FF_CHECK_GOTO(status, ds_path(ds, entry->rel, path, err), cleanup);
        if (ff_io_exists(path)) {
            status = ff_error_set(err, FF_ERR_CONFLICT,
                                  "%s: exists again, so the copy in backup %s cannot be put back; "
                                  "nothing was changed",
                                  path, txid);
            goto cleanup;
        }
        const char *stage_path = NULL;
        FF_CHECK_GOTO(status, ds_txn_add_named(txn, entry->rel, &stage_path, err), cleanup);
        if (m.location[0]) {
            int len = snprintf(source, sizeof source, "%s/%s/%s.bak", m.location, txid, entry->rel);
            if (len < 0 || len >= (int)sizeof source) {
                status = ff_error_set(err, FF_ERR_LIMIT, "%s: backup path too long", entry->rel);
                goto cleanup;
            }
            FF_CHECK_GOTO(status, ff_io_copy_file(ds->io, source, stage_path, err), cleanup);
        } else {
            FF_CHECK_GOTO(status, ds_backup_rel(txid, entry->rel, rel, err), cleanup);
            FF_CHECK_GOTO(status, ds_path(ds, rel, source, err), cleanup);
            /* A link: the restored file is the very inode that was removed. */
            FF_CHECK_GOTO(status, ff_io_link(ds->io, source, stage_path, err), cleanup);
        }
    }
    ff_commit_options opts;
    ff_commit_options_init(&opts);
    char stats[96];
    snprintf(stats, sizeof stats, "{\"restored_txid\":\"%s\"}", txid);
    opts.stats_json = stats;
    if (new_txid_out)
        snprintf(new_txid_out, FF_TXID_CAP, "%s", ff_txn_id(txn));
    status = ff_txn_commit(txn, &opts, err);
cleanup:
    if (status != FF_OK && status != FF_ERR_NOT_FOUND && status != FF_ERR_INVALID_ARGUMENT)
        ff_error_prefix(err, "restore %s", txid);
    ff_txn_free(txn);
    manifest_free(&m);
    return status;
}

ff_status ds_backup_verify(ff_dataset *ds, const char *txid, char *problem, size_t problem_cap,
                           ff_error *err) {
    problem[0] = '\0';
    manifest m;
    ff_error load_err;
    ff_error_clear(&load_err);
    ff_status status = manifest_load(ds, txid, "manifest", &m, &load_err);
    if (status == FF_ERR_NO_MEMORY) {
        manifest_free(&m);
        return ff_error_set(err, status, "%s", load_err.message);
    }
    if (status != FF_OK) {
        snprintf(problem, problem_cap, "%s/%s: %s", DS_BACKUPS_REL, txid,
                 status == FF_ERR_NOT_FOUND ? "backup without a manifest (interrupted drop or "
                                              "commit); run `fluxforge recover`"
                                            : load_err.message);
        manifest_free(&m);
        return FF_OK;
    }
    char rel[FF_PATH_CAP], path[FF_PATH_CAP];
    for (size_t entry_idx = 0; entry_idx < m.num_removed; entry_idx++) {
        const char *entry_rel = m.removed[entry_idx].rel;
        int len;
        if (m.location[0]) {
            len = snprintf(path, sizeof path, "%s/%s/%s.bak", m.location, txid, entry_rel);
        } else {
            status = ds_backup_rel(txid, entry_rel, rel, err);
            if (status == FF_OK)
                status = ds_path(ds, rel, path, err);
            len = status == FF_OK ? (int)strlen(path) : -1;
        }
        if (len < 0 || len >= (int)sizeof path || !ff_io_exists(path)) {
            snprintf(problem, problem_cap, "%s/%s: backup of %s is missing", DS_BACKUPS_REL, txid,
                     entry_rel);
            break;
        }
    }
    manifest_free(&m);
    return FF_OK;
}
