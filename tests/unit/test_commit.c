/* Unit tests for the commit protocol, recovery, discovery, verify and backups
 * (src/dataset/), each on a scratch tree. The fault loops here run in-process: a fresh
 * before-state, an ff_io that fails step N with ENOSPC or EIO, the standard transaction, and
 * the check that a failed commit left exactly the before-state and no tool leftovers — for
 * every N until the transaction no longer reaches the fault. Crashes need a separate process
 * and live in test_crash_commit.c. */
#include "ff_test.h"

#include "ds_test_util.h"

#include <unistd.h>

static ff_dataset *open_writer(const char *root, ff_io *io, const char *backup_dir, ff_error *err,
                               ff_status *status) {
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    opts.mode = FF_DATASET_WRITE;
    opts.io = io;
    opts.backup_dir = backup_dir;
    ff_dataset *ds = NULL;
    *status = ff_dataset_open(root, &opts, &ds, err);
    return ds;
}

static size_t num_problems(ff_dataset *ds) {
    ff_verify_report *report = NULL;
    ff_error err;
    if (ff_dataset_verify(ds, NULL, &report, &err) != FF_OK)
        return 999;
    size_t count = report->num_problems;
    for (size_t problem_idx = 0; problem_idx < count; problem_idx++)
        fprintf(stderr, "    verify: %s\n", report->problems[problem_idx]);
    ff_verify_report_free(report);
    return count;
}

FF_TEST(commit_replaces_files_and_records_history) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_writer(root, NULL, NULL, &err, &status);
    EXPECT_OK(status, &err);
    char *before = ds_test_fingerprint(root);
    EXPECT_EQ_STR(before, DS_TEST_BEFORE);
    EXPECT_OK(ds_test_replace(ds, &err), &err);
    char *after = ds_test_fingerprint(root);
    EXPECT_EQ_STR(after, DS_TEST_AFTER);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/stage"), 0);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/journal"), 0);
    EXPECT_EQ_INT(num_problems(ds), 0);
    char *history = ds_test_get(root, "_fluxforge/history.jsonl");
    EXPECT_TRUE(history && strstr(history, "{\"op\":\"replace\",\"txid\":\"") == history);
    EXPECT_TRUE(history && strstr(history, "\"files_added\":4,\"files_removed\":3"));
    EXPECT_TRUE(history && strstr(history, "\"rows_in\":30"));
    EXPECT_TRUE(history && strstr(history, "\"stats\":{\"rows_replaced\":30}}\n"));
    /* Files named after the transaction; the emptied partition p=1 keeps its new file. */
    ff_discovery *discovery = NULL;
    EXPECT_OK(ff_dataset_discover(ds, &discovery, &err), &err);
    EXPECT_EQ_INT(discovery->num_files, 5);
    EXPECT_TRUE(strstr(discovery->files[0].rel_path, "p=1/part-") == discovery->files[0].rel_path);
    EXPECT_TRUE(strstr(discovery->files[0].rel_path, "-00000.parquet") != NULL);
    ff_discovery_free(discovery);
    free(history);
    free(before);
    free(after);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

FF_TEST(restore_brings_back_exact_bytes) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_writer(root, NULL, NULL, &err, &status);
    EXPECT_OK(ds_test_replace(ds, &err), &err);
    ff_backup_list *list = NULL;
    EXPECT_OK(ff_dataset_backups_list(ds, &list, &err), &err);
    EXPECT_EQ_INT(list->num_backups, 1);
    char txid[FF_TXID_CAP] = "", restore_txid[FF_TXID_CAP] = "";
    if (list->num_backups == 1) {
        snprintf(txid, sizeof txid, "%s", list->backups[0].txid);
        EXPECT_EQ_INT(list->backups[0].num_removed, 3);
        EXPECT_EQ_INT(list->backups[0].num_added, 4);
        EXPECT_EQ_INT(list->backups[0].bytes, 18);
        EXPECT_EQ_STR(list->backups[0].op, "replace");
    }
    ff_backup_list_free(list);
    EXPECT_OK(ff_dataset_backup_restore(ds, txid, restore_txid, &err), &err);
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, DS_TEST_BEFORE);
    free(state);
    char *original = ds_test_get(root, "p=1/part-a.parquet");
    EXPECT_EQ_STR(original, "old-1a");
    free(original);
    EXPECT_EQ_INT(num_problems(ds), 0);
    /* A restore is a transaction too: restoring it redoes the replacement. */
    EXPECT_OK(ff_dataset_backup_restore(ds, restore_txid, NULL, &err), &err);
    state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, DS_TEST_AFTER);
    free(state);
    /* Restoring the first one again conflicts: its added files were replaced since. */
    EXPECT_STATUS(ff_dataset_backup_restore(ds, restore_txid, NULL, &err), FF_ERR_CONFLICT);
    EXPECT_STATUS(ff_dataset_backup_restore(ds, "../../etc", NULL, &err), FF_ERR_INVALID_ARGUMENT);
    EXPECT_STATUS(ff_dataset_backup_restore(ds, "20990101T000000000000-0", NULL, &err),
                  FF_ERR_NOT_FOUND);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

FF_TEST(backup_dir_keeps_copies) {
    char root[64], backups[64];
    ds_test_scratch(root);
    ds_test_scratch(backups);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_writer(root, NULL, backups, &err, &status);
    EXPECT_OK(ds_test_replace(ds, &err), &err);
    ff_backup_list *list = NULL;
    EXPECT_OK(ff_dataset_backups_list(ds, &list, &err), &err);
    char txid[FF_TXID_CAP] = "";
    if (list->num_backups == 1) {
        snprintf(txid, sizeof txid, "%s", list->backups[0].txid);
        EXPECT_EQ_STR(list->backups[0].location, backups);
    }
    ff_backup_list_free(list);
    /* The internal links are gone once the commit is done; only the manifest stays. */
    char rel[256];
    snprintf(rel, sizeof rel, "_fluxforge/backups/%s", txid);
    EXPECT_EQ_INT(ds_test_count(root, rel), 1);
    snprintf(rel, sizeof rel, "%s/p=1/part-a.parquet.bak", txid);
    char *copy = ds_test_get(backups, rel);
    EXPECT_EQ_STR(copy, "old-1a");
    free(copy);
    EXPECT_EQ_INT(num_problems(ds), 0);
    EXPECT_OK(ff_dataset_backup_restore(ds, txid, NULL, &err), &err);
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, DS_TEST_BEFORE);
    free(state);
    EXPECT_OK(ff_dataset_backup_drop(ds, txid, &err), &err);
    EXPECT_EQ_INT(ds_test_count(backups, txid), 0);
    ff_dataset_close(ds);
    ds_test_remove(root);
    ds_test_remove(backups);
}

FF_TEST(changed_file_aborts_commit) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_writer(root, NULL, NULL, &err, &status);
    ff_discovery *discovery = NULL;
    ff_txn *txn = NULL;
    EXPECT_OK(ff_dataset_discover(ds, &discovery, &err), &err);
    EXPECT_OK(ff_txn_begin(ds, "delete", &txn, &err), &err);
    EXPECT_OK(
        ff_txn_remove_file(txn, discovery->files[0].rel_path, &discovery->files[0].identity, &err),
        &err);
    EXPECT_OK(ff_txn_write_file(txn, "p=1", "rewritten", 9, &err), &err);
    /* Another program rewrites the file after it was planned against. */
    ds_test_put(root, "p=1/part-a.parquet", "outside writer was here");
    EXPECT_STATUS(ff_txn_commit(txn, NULL, &err), FF_ERR_CONFLICT);
    EXPECT_TRUE(strstr(err.message, "p=1/part-a.parquet: changed by another program") != NULL);
    ff_txn_free(txn);
    ff_discovery_free(discovery);
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state,
                  "p=1\told-1b\np=1\toutside writer was here\np=2\told-2c\np=3\tuntouched-3d\n");
    free(state);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/stage"), 0);
    EXPECT_EQ_INT(num_problems(ds), 0);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

FF_TEST(row_count_validation_aborts_commit) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_writer(root, NULL, NULL, &err, &status);
    ff_txn *txn = NULL;
    EXPECT_OK(ff_txn_begin(ds, "delete", &txn, &err), &err);
    EXPECT_OK(ff_txn_remove_file(txn, "p=1/part-a.parquet", NULL, &err), &err);
    ff_commit_options opts;
    ff_commit_options_init(&opts);
    opts.check_row_counts = true;
    opts.rows_in = 10;
    opts.rows_removed = 3;
    opts.rows_out = 8;
    EXPECT_STATUS(ff_txn_commit(txn, &opts, &err), FF_ERR_INTERNAL);
    EXPECT_TRUE(strstr(err.message, "rows in 10 - removed 3 + added 0 != rows out 8") != NULL);
    ff_txn_free(txn);
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, DS_TEST_BEFORE);
    free(state);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

FF_TEST(second_writer_is_refused_with_holder_pid) {
    char root[64];
    ds_test_scratch(root);
    ff_error err;
    ff_status status;
    ff_dataset *first = open_writer(root, NULL, NULL, &err, &status);
    EXPECT_OK(status, &err);
    ff_dataset *second = open_writer(root, NULL, NULL, &err, &status);
    EXPECT_EQ_INT(status, FF_ERR_CONFLICT);
    char expected[64];
    snprintf(expected, sizeof expected, "dataset in use by pid %ld", (long)getpid());
    EXPECT_TRUE(strstr(err.message, expected) != NULL);
    EXPECT_TRUE(second == NULL);
    ff_dataset_close(first);
    second = open_writer(root, NULL, NULL, &err, &status);
    EXPECT_OK(status, &err);
    ff_dataset_close(second);
    /* Readers take no lock. */
    ff_dataset *reader = NULL;
    EXPECT_OK(ff_dataset_open(root, NULL, &reader, &err), &err);
    ff_txn *txn = NULL;
    EXPECT_STATUS(ff_txn_begin(reader, "x", &txn, &err), FF_ERR_INVALID_ARGUMENT);
    ff_dataset_close(reader);
    EXPECT_STATUS(ff_dataset_open("/nonexistent/ff", NULL, &reader, &err), FF_ERR_NOT_FOUND);
    ds_test_remove(root);
}

FF_TEST(recover_removes_unjournaled_leftovers) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ds_test_put(root, "_fluxforge/stage/20250101T000000000000-1/00000.parquet.tmp", "half");
    ds_test_put(root, "_fluxforge/journal/20250101T000000000000-1.tmp", "fluxforge-jou");
    ds_test_put(root, "_fluxforge/backups/20250101T000000000000-1/p=1/x.parquet.bak", "b");
    ff_error err;
    ff_status status;
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    opts.mode = FF_DATASET_WRITE;
    opts.skip_recover = true;
    ff_dataset *ds = NULL;
    EXPECT_OK(ff_dataset_open(root, &opts, &ds, &err), &err);
    EXPECT_EQ_INT(num_problems(ds), 3);
    ff_recover_report report;
    EXPECT_OK(ff_dataset_recover(ds, &report, &err), &err);
    EXPECT_EQ_INT(report.num_leftovers, 3);
    EXPECT_EQ_INT(report.num_rolled_forward, 0);
    EXPECT_EQ_INT(num_problems(ds), 0);
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, DS_TEST_BEFORE);
    free(state);
    EXPECT_OK(ff_dataset_recover(ds, &report, &err), &err);
    EXPECT_EQ_INT(report.num_leftovers, 0);
    ff_dataset_close(ds);
    /* A journal that does not parse is refused, named, and left for a human. */
    ds_test_put(root, "_fluxforge/journal/20250101T000000000000-2", "garbage\n");
    ds = open_writer(root, NULL, NULL, &err, &status);
    EXPECT_EQ_INT(status, FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "20250101T000000000000-2") != NULL);
    ds_test_remove(root);
}

/* Runs the standard transaction with the fault spec_prefix:N for every N the transaction
 * reaches; a failure must leave the before-state, no leftovers and a clean verify. */
static void fault_loop(int *ff_test_failures, const char *kind, const char *backup_dir,
                       const char *expected_text) {
    int num_failed = 0, num_succeeded = 0;
    for (int step = 1; step < 500; step++) {
        char root[64], spec[32];
        ds_test_scratch(root);
        ds_test_make_before(root);
        snprintf(spec, sizeof spec, "%s:%d", kind, step);
        ff_io *io = NULL;
        ff_error err;
        ff_error_clear(&err);
        EXPECT_OK(ff_io_create(spec, &io, &err), &err);
        ff_status status;
        ff_dataset *ds = open_writer(root, io, backup_dir, &err, &status);
        if (status == FF_OK)
            status = ds_test_replace(ds, &err);
        bool fault_reached = ff_io_num_steps(io) >= (uint64_t)step;
        char *state = ds_test_fingerprint(root);
        if (status != FF_OK) {
            num_failed++;
            if (!strstr(err.message, expected_text) ||
                !(strstr(err.message, root) || (backup_dir && strstr(err.message, backup_dir))))
                FF_FAIL_AT("%s: message does not name the error and path: %s", spec, err.message);
            if (strcmp(state, DS_TEST_BEFORE))
                FF_FAIL_AT("%s: failed (%s) but state is\n%s", spec, err.message, state);
        } else if (strcmp(state, DS_TEST_AFTER)) {
            FF_FAIL_AT("%s: succeeded but state is\n%s", spec, state);
        } else {
            num_succeeded++;
        }
        free(state);
        ff_dataset_close(ds);
        ff_io_free(io);
        if (status != FF_OK) {
            /* No leftovers even before the next recover. */
            ff_dataset_options opts;
            ff_dataset_options_init(&opts);
            opts.mode = FF_DATASET_WRITE;
            opts.skip_recover = true;
            if (ff_dataset_open(root, &opts, &ds, &err) == FF_OK) {
                size_t count = num_problems(ds);
                if (count)
                    FF_FAIL_AT("%s: %zu verify problems after a failed commit", spec, count);
                ff_dataset_close(ds);
            }
        }
        ds_test_remove(root);
        if (backup_dir) {
            ds_test_remove(backup_dir);
            mkdir(backup_dir, 0755);
        }
        if (!fault_reached)
            break;
    }
    printf("  %s%s: %d steps failed cleanly, %d ended committed\n", kind,
           backup_dir ? " (backup dir)" : "", num_failed, num_succeeded);
    EXPECT_TRUE(num_failed > 20);
}

FF_TEST(enospc_at_every_step_leaves_before_state) {
    fault_loop(ff_test_failures, "enospc", NULL, "No space left on device");
}

FF_TEST(eio_at_every_step_leaves_before_state) {
    fault_loop(ff_test_failures, "eio", NULL, "Input/output error");
}

FF_TEST(enospc_with_backup_dir_leaves_before_state) {
    char backups[64];
    ds_test_scratch(backups);
    fault_loop(ff_test_failures, "enospc", backups, "No space left on device");
    ds_test_remove(backups);
}

FF_TEST(unsafe_paths_are_refused) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_writer(root, NULL, NULL, &err, &status);
    ff_txn *txn = NULL;
    EXPECT_OK(ff_txn_begin(ds, "x", &txn, &err), &err);
    static const char *const bad_dirs[] = {"../p=1", "p=1/..", "/tmp",     "_fluxforge",
                                           ".p=1",   "p",      "p=1//q=2", "p=1/./q=2"};
    for (size_t dir_idx = 0; dir_idx < sizeof bad_dirs / sizeof bad_dirs[0]; dir_idx++)
        EXPECT_STATUS(ff_txn_add_file(txn, bad_dirs[dir_idx], NULL, NULL, &err),
                      FF_ERR_INVALID_ARGUMENT);
    EXPECT_STATUS(ff_txn_remove_file(txn, "p=1/../p=2/part-c.parquet", NULL, &err),
                  FF_ERR_INVALID_ARGUMENT);
    EXPECT_STATUS(ff_txn_remove_file(txn, "_fluxforge/lock", NULL, &err), FF_ERR_INVALID_ARGUMENT);
    EXPECT_STATUS(ff_txn_remove_file(txn, "p=1/notes.txt", NULL, &err), FF_ERR_INVALID_ARGUMENT);
    EXPECT_STATUS(ff_txn_remove_file(txn, "p=1/missing.parquet", NULL, &err), FF_ERR_NOT_FOUND);
    EXPECT_OK(ff_txn_remove_file(txn, "p=1/part-a.parquet", NULL, &err), &err);
    EXPECT_STATUS(ff_txn_remove_file(txn, "p=1/part-a.parquet", NULL, &err),
                  FF_ERR_INVALID_ARGUMENT);
    const char *stage_path = NULL;
    EXPECT_OK(ff_txn_add_file(txn, "", &stage_path, NULL, &err), &err);
    /* A reserved file that was never written fails the commit, changing nothing. */
    EXPECT_STATUS(ff_txn_commit(txn, NULL, &err), FF_ERR_INTERNAL);
    ff_txn_free(txn);
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, DS_TEST_BEFORE);
    free(state);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

FF_TEST(discovery_decodes_and_reports) {
    char root[64];
    ds_test_scratch(root);
    ds_test_put(root, "k=a%2Fb/d=1/x.parquet", "1");
    ds_test_put(root, "k=__HIVE_DEFAULT_PARTITION__/d=2/y.parquet", "2");
    ds_test_put(root, "k=/d=3/z.parquet", "3");
    ds_test_put(root, "k=BTC-USD/d=2025-11-26/w.parquet", "4");
    ds_test_put(root, "k=BTC-USD/d=2025-11-26/readme.txt", "stray");
    ds_test_put(root, "k=BTC-USD/d=2025-11-26/w.parquet.tmp", "stray");
    ds_test_put(root, "k=BTC-USD/_SUCCESS", "");
    ds_test_put(root, "k=BTC-USD/.hidden/v.parquet", "hidden");
    ds_test_put(root, "plain/v.parquet", "no partition");
    ds_test_put(root, "k=x/v.parquet", "too shallow");
    char link_path[128];
    snprintf(link_path, sizeof link_path, "%s/k=link", root);
    EXPECT_TRUE(symlink("/", link_path) == 0);
    ff_dataset *ds = NULL;
    ff_error err;
    EXPECT_OK(ff_dataset_open(root, NULL, &ds, &err), &err);
    ff_discovery *discovery = NULL;
    EXPECT_OK(ff_dataset_discover(ds, &discovery, &err), &err);
    EXPECT_EQ_INT(discovery->num_partition_columns, 2);
    if (discovery->num_partition_columns == 2) {
        EXPECT_EQ_STR(discovery->partition_columns[0], "k");
        EXPECT_EQ_STR(discovery->partition_columns[1], "d");
    }
    EXPECT_EQ_INT(discovery->num_files, 4);
    if (discovery->num_files == 4) {
        EXPECT_EQ_STR(discovery->files[0].rel_path, "k=/d=3/z.parquet");
        EXPECT_TRUE(!discovery->files[0].values[0].is_null &&
                    discovery->files[0].values[0].len == 0);
        EXPECT_EQ_STR(discovery->files[1].rel_path, "k=BTC-USD/d=2025-11-26/w.parquet");
        EXPECT_EQ_STR((const char *)discovery->files[1].values[1].bytes, "2025-11-26");
        EXPECT_TRUE(discovery->files[2].values[0].is_null);
        EXPECT_EQ_STR((const char *)discovery->files[3].values[0].bytes, "a/b");
        EXPECT_EQ_STR(discovery->files[3].partition_dir, "k=a%2Fb/d=1");
        EXPECT_EQ_INT(discovery->files[3].identity.size, 1);
    }
    /* readme.txt, w.parquet.tmp, plain/, k=x/v.parquet (one level), the symlink. */
    EXPECT_EQ_INT(discovery->num_problems, 5);
    for (size_t problem_idx = 0; problem_idx < discovery->num_problems; problem_idx++)
        printf("    problem: %s\n", discovery->problems[problem_idx]);
    ff_discovery_free(discovery);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

FF_TEST(group_commits_are_separate_transactions) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_writer(root, NULL, NULL, &err, &status);
    char previous[FF_TXID_CAP] = "";
    static const char *const partitions[] = {"p=1", "p=2", "p=3"};
    for (size_t group_idx = 0; group_idx < 3; group_idx++) {
        ff_txn *txn = NULL;
        EXPECT_OK(ff_txn_begin(ds, "compact", &txn, &err), &err);
        EXPECT_TRUE(strcmp(ff_txn_id(txn), previous) > 0);
        snprintf(previous, sizeof previous, "%s", ff_txn_id(txn));
        EXPECT_OK(ff_txn_write_file(txn, partitions[group_idx], "merged", 6, &err), &err);
        EXPECT_OK(ff_txn_commit(txn, NULL, &err), &err);
        ff_txn_free(txn);
    }
    char *history = ds_test_get(root, "_fluxforge/history.jsonl");
    size_t num_lines = 0;
    for (const char *p = history; p && *p; p++)
        num_lines += *p == '\n';
    EXPECT_EQ_INT(num_lines, 3);
    free(history);
    ff_backup_list *list = NULL;
    EXPECT_OK(ff_dataset_backups_list(ds, &list, &err), &err);
    EXPECT_EQ_INT(list->num_backups, 3);
    ff_backup_list_free(list);
    size_t num_dropped = 0;
    EXPECT_OK(ff_dataset_backups_prune(ds, 1, -1, &num_dropped, &err), &err);
    EXPECT_EQ_INT(num_dropped, 2);
    EXPECT_OK(ff_dataset_backups_prune(ds, -1, 0, &num_dropped, &err), &err);
    EXPECT_EQ_INT(num_dropped, 0); /* committed this second: not older than 0 days */
    EXPECT_OK(ff_dataset_backups_list(ds, &list, &err), &err);
    EXPECT_EQ_INT(list->num_backups, 1);
    if (list->num_backups == 1)
        EXPECT_EQ_STR(list->backups[0].txid, previous);
    ff_backup_list_free(list);
    EXPECT_EQ_INT(num_problems(ds), 0);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

FF_TEST(verify_reports_tool_state_problems) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_writer(root, NULL, NULL, &err, &status);
    EXPECT_OK(ds_test_replace(ds, &err), &err);
    EXPECT_EQ_INT(num_problems(ds), 0);
    ds_test_put(root, "_fluxforge/stray.parquet", "x");
    ds_test_put(root, "_fluxforge/history.jsonl", "{\"op\":\"x\"}\n{\"torn");
    EXPECT_EQ_INT(num_problems(ds), 3);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

FF_TEST(fault_spec_is_parsed_strictly) {
    ff_io *io = NULL;
    ff_error err;
    EXPECT_OK(ff_io_create("count,delay:10,crash:7", &io, &err), &err);
    EXPECT_TRUE(ff_io_counts_steps(io));
    ff_io_free(io);
    EXPECT_OK(ff_io_create("", &io, &err), &err);
    EXPECT_TRUE(!ff_io_counts_steps(io));
    ff_io_free(io);
    static const char *const bad[] = {"crash",  "crash:0", "crash:x", "enospc:1,eio:2",
                                      "boom:3", "count:4", "eio:-1"};
    for (size_t bad_idx = 0; bad_idx < sizeof bad / sizeof bad[0]; bad_idx++) {
        EXPECT_STATUS(ff_io_create(bad[bad_idx], &io, &err), FF_ERR_INVALID_ARGUMENT);
        EXPECT_TRUE(io == NULL);
    }
}

FF_TEST_MAIN(FF_CASE(commit_replaces_files_and_records_history),
             FF_CASE(restore_brings_back_exact_bytes), FF_CASE(backup_dir_keeps_copies),
             FF_CASE(changed_file_aborts_commit), FF_CASE(row_count_validation_aborts_commit),
             FF_CASE(second_writer_is_refused_with_holder_pid),
             FF_CASE(recover_removes_unjournaled_leftovers),
             FF_CASE(enospc_at_every_step_leaves_before_state),
             FF_CASE(eio_at_every_step_leaves_before_state),
             FF_CASE(enospc_with_backup_dir_leaves_before_state), FF_CASE(unsafe_paths_are_refused),
             FF_CASE(discovery_decodes_and_reports),
             FF_CASE(group_commits_are_separate_transactions),
             FF_CASE(verify_reports_tool_state_problems), FF_CASE(fault_spec_is_parsed_strictly))
