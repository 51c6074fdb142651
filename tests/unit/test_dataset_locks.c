/* Unit tests of the dataset's locks (src/dataset/lock.c, docs/commit-protocol.md "Locks"):
 * several writer handles in one process, which flock(2) treats like separate processes, plus
 * forked children that crash inside a commit. They check that partition writers share the
 * dataset and exclude each other per partition, that whole-dataset and partition writers
 * exclude each other, that a transaction locks the partitions it adds to or removes from,
 * that recovery leaves a live transaction alone and leaves a dead one to the holders of its
 * partitions, and that history lines of interleaved commits survive a rollback. */
#include "ff_test.h"

#include "dataset/dataset_internal.h"
#include "ds_test_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static ff_dataset *open_scoped(const char *root, ff_lock_scope scope, bool skip_recover,
                               ff_error *err, ff_status *status) {
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    opts.mode = FF_DATASET_WRITE;
    opts.lock_scope = scope;
    opts.skip_recover = skip_recover;
    ff_dataset *ds = NULL;
    *status = ff_dataset_open(root, &opts, &ds, err);
    return ds;
}

static ff_status lock_one(ff_dataset *ds, const char *dir, ff_error *err) {
    return ff_dataset_lock_partitions(ds, &dir, 1, err);
}

/* Names of root/_fluxforge/journal that are pending journals (no suffix). */
static size_t count_pending_journals(const char *root, char *name_out, size_t name_cap) {
    char path[FF_PATH_CAP];
    DS_TEST_FORMAT(path, "%s/_fluxforge/journal", root);
    DIR *dir = opendir(path);
    size_t count = 0;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.' || strchr(entry->d_name, '.'))
            continue;
        count++;
        snprintf(name_out, name_cap, "%s", entry->d_name);
    }
    if (dir)
        closedir(dir);
    return count;
}

FF_TEST(partition_writers_share_the_dataset_and_exclude_per_partition) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *first = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_OK(status, &err);
    ff_dataset *second = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_OK(status, &err);
    EXPECT_OK(lock_one(first, "p=1", &err), &err);
    EXPECT_OK(lock_one(second, "p=2", &err), &err);
    EXPECT_OK(lock_one(first, "p=1", &err), &err); /* held already: nothing to do */
    EXPECT_STATUS(lock_one(second, "p=1", &err), FF_ERR_CONFLICT);
    char expected[96];
    snprintf(expected, sizeof expected, "partition p=1 in use by pid %ld", (long)getpid());
    EXPECT_TRUE(strstr(err.message, expected) != NULL);
    /* A whole-dataset writer is refused, naming a partition holder. */
    ff_dataset *whole = open_scoped(root, FF_LOCK_DATASET, false, &err, &status);
    EXPECT_EQ_INT(status, FF_ERR_CONFLICT);
    EXPECT_TRUE(whole == NULL);
    snprintf(expected, sizeof expected, "dataset in use by pid %ld (partition p=", (long)getpid());
    EXPECT_TRUE(strstr(err.message, expected) != NULL);
    ff_dataset_close(first);
    ff_dataset_close(second);
    /* ...and once it holds the dataset, partition writers are refused. */
    whole = open_scoped(root, FF_LOCK_DATASET, false, &err, &status);
    EXPECT_OK(status, &err);
    ff_dataset *late = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_EQ_INT(status, FF_ERR_CONFLICT);
    snprintf(expected, sizeof expected, "dataset in use by pid %ld", (long)getpid());
    EXPECT_TRUE(strstr(err.message, expected) != NULL);
    EXPECT_TRUE(late == NULL);
    /* A whole-dataset writer holds every partition already. */
    EXPECT_OK(lock_one(whole, "p=1", &err), &err);
    ff_dataset_close(whole);
    ds_test_remove(root);
}

FF_TEST(transaction_locks_the_partitions_it_changes) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *first = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_OK(status, &err);
    ff_dataset *second = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_OK(status, &err);
    EXPECT_OK(lock_one(first, "p=1", &err), &err);
    EXPECT_OK(lock_one(second, "p=2", &err), &err);
    ff_txn *txn = NULL;
    EXPECT_OK(ff_txn_begin(first, "move", &txn, &err), &err);
    /* Into the other writer's partition: refused; into a free one: locked on first use. */
    EXPECT_STATUS(ff_txn_write_file(txn, "p=2", "x", 1, &err), FF_ERR_CONFLICT);
    EXPECT_TRUE(strstr(err.message, "partition p=2 in use by pid") != NULL);
    EXPECT_STATUS(ff_txn_remove_file(txn, "p=2/part-c.parquet", NULL, &err), FF_ERR_CONFLICT);
    EXPECT_OK(ff_txn_write_file(txn, "p=5", "moved", 5, &err), &err);
    EXPECT_OK(ff_txn_remove_file(txn, "p=1/part-a.parquet", NULL, &err), &err);
    EXPECT_STATUS(lock_one(second, "p=5", &err), FF_ERR_CONFLICT);
    EXPECT_OK(ff_txn_commit(txn, NULL, &err), &err);
    ff_txn_free(txn);
    char *moved = ds_test_get(root, "p=1/part-a.parquet");
    EXPECT_TRUE(moved == NULL);
    free(moved);
    ff_dataset_close(first);
    ff_dataset_close(second);
    ds_test_remove(root);
}

FF_TEST(recovery_leaves_a_live_transaction_alone) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    ff_dataset *live = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_OK(status, &err);
    EXPECT_OK(lock_one(live, "p=1", &err), &err);
    ff_txn *txn = NULL;
    EXPECT_OK(ff_txn_begin(live, "live", &txn, &err), &err);
    EXPECT_OK(ff_txn_write_file(txn, "p=1", "live-1", 6, &err), &err);
    EXPECT_OK(ff_txn_remove_file(txn, "p=1/part-a.parquet", NULL, &err), &err);
    /* Another partition writer recovers on locking; a whole `recover` would be excluded. */
    ff_dataset *other = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_OK(status, &err);
    EXPECT_OK(lock_one(other, "p=2", &err), &err);
    ff_recover_report report;
    EXPECT_OK(ff_dataset_recover(other, &report, &err), &err);
    EXPECT_EQ_INT(report.num_leftovers, 0);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/stage"), 1);
    /* Its history line and the live one's both land, whatever the order. */
    ff_txn *other_txn = NULL;
    EXPECT_OK(ff_txn_begin(other, "other", &other_txn, &err), &err);
    EXPECT_OK(ff_txn_write_file(other_txn, "p=2", "other-2", 7, &err), &err);
    EXPECT_OK(ff_txn_commit(other_txn, NULL, &err), &err);
    ff_txn_free(other_txn);
    EXPECT_OK(ff_txn_commit(txn, NULL, &err), &err);
    ff_txn_free(txn);
    char *history = ds_test_get(root, "_fluxforge/history.jsonl");
    EXPECT_TRUE(history && strstr(history, "{\"op\":\"other\"") == history);
    EXPECT_TRUE(history && strstr(history, "}\n{\"op\":\"live\""));
    free(history);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/stage"), 0);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/journal"), 0);
    ff_dataset_close(live);
    ff_dataset_close(other);
    ds_test_remove(root);
}

/* Child: replaces p=1/part-a.parquet in a partition-limited transaction under fault spec;
 * exits 0 when it committed, 1 on error (a crash fault exits on its own). */
static int child_replace(const char *root, const char *spec) {
    ff_io *io = NULL;
    ff_error err;
    if (ff_io_create(spec, &io, &err) != FF_OK)
        return 1;
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    opts.mode = FF_DATASET_WRITE;
    opts.lock_scope = FF_LOCK_PARTITIONS;
    opts.io = io;
    ff_dataset *ds = NULL;
    ff_txn *txn = NULL;
    ff_status status = ff_dataset_open(root, &opts, &ds, &err);
    if (status == FF_OK)
        status = lock_one(ds, "p=1", &err);
    if (status == FF_OK)
        status = ff_txn_begin(ds, "crashing", &txn, &err);
    if (status == FF_OK)
        status = ff_txn_write_file(txn, "p=1", "new-1a", 6, &err);
    if (status == FF_OK)
        status = ff_txn_remove_file(txn, "p=1/part-a.parquet", NULL, &err);
    if (status == FF_OK)
        status = ff_txn_commit(txn, NULL, &err);
    ff_txn_free(txn);
    ff_dataset_close(ds);
    ff_io_free(io);
    return status == FF_OK ? 0 : 1;
}

/* Crashes child_replace at the first step after which a pending journal is left; the
 * journal's name goes to journal. */
static bool crash_after_journal(const char *root, char *journal, size_t journal_cap) {
    for (int step = 1; step < 200; step++) {
        char spec[32];
        snprintf(spec, sizeof spec, "crash:%d", step);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            _exit(child_replace(root, spec));
        int wstatus = 0;
        waitpid(pid, &wstatus, 0);
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != FF_IO_CRASH_EXIT_STATUS)
            return false; /* committed without reaching the step, or failed */
        if (count_pending_journals(root, journal, journal_cap) == 1)
            return true;
        /* Not decided yet: the next writer would discard it; start over from the stage. */
        ff_dataset *ds = NULL;
        ff_error err;
        ff_status status;
        ds = open_scoped(root, FF_LOCK_DATASET, false, &err, &status);
        ff_dataset_close(ds);
        if (status != FF_OK)
            return false;
    }
    return false;
}

FF_TEST(dead_transaction_is_left_to_the_holders_of_its_partitions) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    char journal[FF_TXID_CAP + 8] = "";
    EXPECT_TRUE(crash_after_journal(root, journal, sizeof journal));
    /* A writer of p=1 that has not recovered yet (skip_recover) holds the dead transaction's
     * partition; a writer of p=2 must not recover it under the first one's feet. */
    ff_dataset *holder = open_scoped(root, FF_LOCK_PARTITIONS, true, &err, &status);
    EXPECT_OK(status, &err);
    EXPECT_OK(lock_one(holder, "p=1", &err), &err);
    ff_dataset *other = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_OK(status, &err);
    EXPECT_OK(lock_one(other, "p=2", &err), &err);
    char pending[FF_TXID_CAP + 8];
    EXPECT_EQ_INT(count_pending_journals(root, pending, sizeof pending), 1);
    ff_dataset_close(holder);
    /* Once the partition is free, the next writer that locks it rolls the commit forward. */
    ff_dataset *next = open_scoped(root, FF_LOCK_PARTITIONS, false, &err, &status);
    EXPECT_OK(status, &err);
    EXPECT_OK(lock_one(next, "p=1", &err), &err);
    EXPECT_EQ_INT(count_pending_journals(root, pending, sizeof pending), 0);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/journal"), 0);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/stage"), 0);
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, "p=1\tnew-1a\np=1\told-1b\np=2\told-2c\np=3\tuntouched-3d\n");
    free(state);
    char *history = ds_test_get(root, "_fluxforge/history.jsonl");
    EXPECT_TRUE(history && strstr(history, "{\"op\":\"crashing\"") == history);
    free(history);
    ff_dataset_close(next);
    ff_dataset_close(other);
    ds_test_remove(root);
}

FF_TEST(whole_dataset_recover_finishes_a_dead_partition_transaction) {
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    ff_error err;
    ff_status status;
    char journal[FF_TXID_CAP + 8] = "";
    EXPECT_TRUE(crash_after_journal(root, journal, sizeof journal));
    ff_dataset *ds = open_scoped(root, FF_LOCK_DATASET, false, &err, &status);
    EXPECT_OK(status, &err);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/journal"), 0);
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, "p=1\tnew-1a\np=1\told-1b\np=2\told-2c\np=3\tuntouched-3d\n");
    free(state);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

/* The history steps of roll forward and roll back, on a history other writers share: a
 * torn tail is cut before an append, an existing line is not appended twice, and a rollback
 * takes out only its own line, also when later lines follow it. */
FF_TEST(history_lines_of_interleaved_writers) {
    char root[64];
    ds_test_scratch(root);
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_scoped(root, FF_LOCK_DATASET, false, &err, &status);
    EXPECT_OK(status, &err);
    ds_journal journal;
    ds_journal_init(&journal);
    snprintf(journal.txid, sizeof journal.txid, "20250101T000000000000-0000000b");
    char op[] = "test", line[] = "{\"op\":\"b\"}";
    journal.op = op;
    journal.history_line = line;
    char pending[FF_PATH_CAP];
    EXPECT_OK(ds_journal_path(ds, journal.txid, DS_JOURNAL_PENDING, pending, &err), &err);
    /* Roll forward after a writer died half-way through its append. */
    ds_test_put(root, "_fluxforge/history.jsonl", "{\"op\":\"a\"}\n{\"op\":\"tor");
    journal.history_offset = 10;
    ds_test_put(root, "_fluxforge/journal/20250101T000000000000-0000000b", "x");
    EXPECT_OK(ds_apply_forward(ds, &journal, &err), &err);
    char *history = ds_test_get(root, "_fluxforge/history.jsonl");
    EXPECT_EQ_STR(history, "{\"op\":\"a\"}\n{\"op\":\"b\"}\n");
    free(history);
    /* A repeated roll forward (recovery after a crash past the append) appends nothing. */
    ds_test_put(root, "_fluxforge/history.jsonl",
                "{\"op\":\"a\"}\n{\"op\":\"b\"}\n{\"op\":\"c\"}\n");
    char done[FF_PATH_CAP];
    EXPECT_OK(ds_journal_path(ds, journal.txid, DS_JOURNAL_DONE, done, &err), &err);
    EXPECT_OK(ff_io_rename_replace(NULL, done, pending, &err), &err);
    EXPECT_OK(ds_apply_forward(ds, &journal, &err), &err);
    history = ds_test_get(root, "_fluxforge/history.jsonl");
    EXPECT_EQ_STR(history, "{\"op\":\"a\"}\n{\"op\":\"b\"}\n{\"op\":\"c\"}\n");
    free(history);
    /* In a long history the line is looked for from 1 MiB before the recorded offset: it is
     * found when it starts exactly there, and when lines before it were taken out since. */
    {
        size_t filler_len = (size_t)3 << 20;
        char *big = malloc(filler_len + 64);
        EXPECT_TRUE(big != NULL);
        for (size_t pos = 0; big && pos < filler_len; pos += 16)
            memcpy(big + pos, "{\"op\":\"filler\"}\n", 16);
        if (big) {
            size_t line_at = (size_t)3 << 19; /* b's line replaces a filler line mid-file */
            memcpy(big + line_at, "{\"op\":\"b\"}\nxxxx\n", 16);
            big[filler_len] = '\0';
            ds_test_put(root, "_fluxforge/history.jsonl", big);
            int64_t hints[] = {(int64_t)line_at + ((int64_t)1 << 20), (int64_t)line_at + 4096};
            for (size_t hint_idx = 0; hint_idx < 2; hint_idx++) {
                journal.history_offset = hints[hint_idx];
                EXPECT_OK(ff_io_rename_replace(NULL, done, pending, &err), &err);
                EXPECT_OK(ds_apply_forward(ds, &journal, &err), &err);
                char history_path[FF_PATH_CAP];
                DS_TEST_FORMAT(history_path, "%s/_fluxforge/history.jsonl", root);
                struct stat st;
                EXPECT_TRUE(stat(history_path, &st) == 0 && (size_t)st.st_size == filler_len);
            }
            free(big);
        }
        journal.history_offset = 10;
        ds_test_put(root, "_fluxforge/history.jsonl",
                    "{\"op\":\"a\"}\n{\"op\":\"b\"}\n{\"op\":\"c\"}\n");
    }
    /* Rolling back takes out b's line only, though c's follows it... */
    (void)unlink(done);
    EXPECT_OK(ds_apply_backward(ds, &journal, &err), &err);
    history = ds_test_get(root, "_fluxforge/history.jsonl");
    EXPECT_EQ_STR(history, "{\"op\":\"a\"}\n{\"op\":\"c\"}\n");
    free(history);
    /* ...and cuts it when it is the last line. */
    ds_test_put(root, "_fluxforge/history.jsonl", "{\"op\":\"a\"}\n{\"op\":\"b\"}\n");
    EXPECT_OK(ds_apply_backward(ds, &journal, &err), &err);
    history = ds_test_get(root, "_fluxforge/history.jsonl");
    EXPECT_EQ_STR(history, "{\"op\":\"a\"}\n");
    free(history);
    journal.op = NULL;
    journal.history_line = NULL;
    ds_journal_free(&journal);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

/* Child: increments the counter file of partition p=<targets[round]> `rounds` times, each a
 * read-modify-write transaction under the partition's lock, waiting for it when busy, and
 * writes a byte to log_fd (when >= 0) after each commit that returned. Returns the number of
 * failed rounds. */
static int child_increments(const char *root, const int *targets, int rounds, int log_fd) {
    int failures = 0;
    for (int round = 0; round < rounds; round++) {
        ff_error err;
        ff_dataset_options opts;
        ff_dataset_options_init(&opts);
        opts.mode = FF_DATASET_WRITE;
        opts.lock_scope = FF_LOCK_PARTITIONS;
        opts.wait_for_lock = true;
        char pair[16], dir[16];
        snprintf(pair, sizeof pair, "p=%d", targets[round]);
        snprintf(dir, sizeof dir, "p=%d", targets[round]);
        const char *pairs[] = {pair};
        ff_dataset *ds = NULL;
        ff_discovery *discovery = NULL;
        ff_txn *txn = NULL;
        char *content = NULL;
        ff_status status = ff_dataset_open(root, &opts, &ds, &err);
        if (status == FF_OK)
            status = ff_dataset_discover_partitions(ds, pairs, 1, &discovery, &err);
        /* The discovery lists the selected partition only: its one counter file. */
        const ff_dataset_file *file = NULL;
        if (status == FF_OK &&
            (discovery->num_files != 1 || strcmp(discovery->files[0].partition_dir, dir) != 0))
            status = ff_error_set(&err, FF_ERR_INTERNAL, "%s: %zu files in the discovery", dir,
                                  discovery->num_files);
        if (status == FF_OK)
            file = &discovery->files[0];
        if (status == FF_OK) {
            content = ds_test_get(root, file->rel_path);
            status = ff_txn_begin(ds, "increment", &txn, &err);
        }
        if (status == FF_OK)
            status = ff_txn_remove_file(txn, file->rel_path, &file->identity, &err);
        if (status == FF_OK) {
            char next[32];
            int len = snprintf(next, sizeof next, "%d", atoi(content ? content : "0") + 1);
            status = ff_txn_write_file(txn, dir, next, (size_t)len, &err);
        }
        if (status == FF_OK)
            status = ff_txn_commit(txn, NULL, &err);
        if (status == FF_OK && log_fd >= 0)
            (void)!write(log_fd, "+", 1);
        if (status != FF_OK) {
            fprintf(stderr, "    child %ld: %s\n", (long)getpid(), err.message);
            failures++;
        }
        ff_txn_free(txn);
        free(content);
        ff_discovery_free(discovery);
        ff_dataset_close(ds);
    }
    return failures;
}

/* Several processes increment counters in three partitions at once: writers of one
 * partition wait for each other, writers of others run beside them and recover on every
 * open while the rest are mid-commit. No increment may be lost or applied twice, and every
 * commit leaves exactly one history line. */
FF_TEST(concurrent_increments_lose_nothing) {
    enum { NUM_CHILDREN = 4, ROUNDS = 20, NUM_PARTS = 3 };
    char root[64];
    ds_test_scratch(root);
    for (int part = 0; part < NUM_PARTS; part++) {
        char rel[64];
        snprintf(rel, sizeof rel, "p=%d/part-0.parquet", part);
        ds_test_put(root, rel, "0");
    }
    int expected[NUM_PARTS] = {0};
    int targets[NUM_CHILDREN][ROUNDS];
    unsigned seed = 12345;
    for (int child = 0; child < NUM_CHILDREN; child++)
        for (int round = 0; round < ROUNDS; round++) {
            seed = seed * 1103515245u + 12345u;
            targets[child][round] = (int)((seed >> 16) % NUM_PARTS);
            expected[targets[child][round]]++;
        }
    pid_t pids[NUM_CHILDREN];
    fflush(NULL);
    for (int child = 0; child < NUM_CHILDREN; child++) {
        pids[child] = fork();
        if (pids[child] == 0)
            _exit(child_increments(root, targets[child], ROUNDS, -1) ? 1 : 0);
    }
    for (int child = 0; child < NUM_CHILDREN; child++) {
        int wstatus = 0;
        waitpid(pids[child], &wstatus, 0);
        EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    }
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_scoped(root, FF_LOCK_DATASET, false, &err, &status);
    EXPECT_OK(status, &err);
    ff_discovery *discovery = NULL;
    EXPECT_OK(ff_dataset_discover(ds, &discovery, &err), &err);
    EXPECT_EQ_INT(discovery->num_files, NUM_PARTS);
    for (size_t file_idx = 0; file_idx < discovery->num_files && file_idx < NUM_PARTS; file_idx++) {
        char *content = ds_test_get(root, discovery->files[file_idx].rel_path);
        EXPECT_EQ_INT(atoi(content ? content : "-1"), expected[file_idx]);
        free(content);
    }
    ff_discovery_free(discovery);
    char *history = ds_test_get(root, "_fluxforge/history.jsonl");
    size_t num_lines = 0;
    for (const char *pos = history; pos && (pos = strchr(pos, '\n')) != NULL; pos++)
        num_lines++;
    EXPECT_EQ_INT(num_lines, NUM_CHILDREN * ROUNDS);
    free(history);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/stage"), 0);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/journal"), 0);
    ff_dataset_close(ds);
    ds_test_remove(root);
}

/* Reads the counters of p=0..num_parts-1 into counts; false when a partition does not hold
 * exactly one file. */
static bool read_counters(const char *root, int *counts, int num_parts) {
    ff_error err;
    ff_status status;
    ff_dataset *ds = open_scoped(root, FF_LOCK_DATASET, false, &err, &status);
    ff_discovery *discovery = NULL;
    bool is_ok = status == FF_OK && ff_dataset_discover(ds, &discovery, &err) == FF_OK &&
                 discovery->num_files == (size_t)num_parts;
    for (int part = 0; is_ok && part < num_parts; part++) {
        char *content = ds_test_get(root, discovery->files[part].rel_path);
        counts[part] = atoi(content ? content : "-1");
        free(content);
    }
    if (!is_ok)
        fprintf(stderr, "    counters: %s\n", status == FF_OK ? "wrong files" : err.message);
    ff_discovery_free(discovery);
    ff_dataset_close(ds);
    return is_ok;
}

/* The same increments, with two of the processes killed (SIGKILL) at moments that differ from
 * run to run, mid-commit or not. The survivors run into the dead ones' partitions and
 * leftovers and must recover them as they go; afterwards every increment a process saw
 * commit is there, at most one more per killed process, one history line per increment, and
 * nothing is left in the stage or journal. */
FF_TEST(concurrent_increments_survive_kills) {
    enum { NUM_CHILDREN = 4, ROUNDS = 30, NUM_PARTS = 3 };
    char root[64], log_path[96];
    ds_test_scratch(root);
    for (int part = 0; part < NUM_PARTS; part++) {
        char rel[64];
        snprintf(rel, sizeof rel, "p=%d/part-0.parquet", part);
        ds_test_put(root, rel, "0");
    }
    snprintf(log_path, sizeof log_path, "%s.log", root);
    int log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    EXPECT_TRUE(log_fd >= 0);
    int targets[NUM_CHILDREN][ROUNDS];
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    unsigned seed = (unsigned)now.tv_nsec;
    for (int child = 0; child < NUM_CHILDREN; child++)
        for (int round = 0; round < ROUNDS; round++) {
            seed = seed * 1103515245u + 12345u;
            targets[child][round] = (int)((seed >> 16) % NUM_PARTS);
        }
    pid_t pids[NUM_CHILDREN];
    fflush(NULL);
    for (int child = 0; child < NUM_CHILDREN; child++) {
        pids[child] = fork();
        if (pids[child] == 0)
            _exit(child_increments(root, targets[child], ROUNDS, log_fd) ? 1 : 0);
    }
    /* Kill children 0 and 2 somewhere in their first few dozen milliseconds. */
    for (int child = 0; child < NUM_CHILDREN; child += 2) {
        seed = seed * 1103515245u + 12345u;
        struct timespec pause = {0, (long)(5 + (seed >> 16) % 40) * 1000000L};
        nanosleep(&pause, NULL);
        kill(pids[child], SIGKILL);
    }
    int num_killed = 0;
    for (int child = 0; child < NUM_CHILDREN; child++) {
        int wstatus = 0;
        waitpid(pids[child], &wstatus, 0);
        if (WIFSIGNALED(wstatus))
            num_killed++;
        else
            EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    }
    close(log_fd);
    struct stat st;
    int64_t num_logged = stat(log_path, &st) == 0 ? (int64_t)st.st_size : -1;
    unlink(log_path);
    /* A whole-dataset writer recovers whatever the killed ones left. */
    int counts[NUM_PARTS] = {0};
    EXPECT_TRUE(read_counters(root, counts, NUM_PARTS));
    int64_t total = 0;
    for (int part = 0; part < NUM_PARTS; part++)
        total += counts[part];
    EXPECT_TRUE(total >= num_logged && total <= num_logged + num_killed);
    if (getenv("FF_TEST_VERBOSE") || !(total >= num_logged && total <= num_logged + num_killed))
        fprintf(stderr, "    %lld increments, %lld seen to commit, %d killed\n", (long long)total,
                (long long)num_logged, num_killed);
    char *history = ds_test_get(root, "_fluxforge/history.jsonl");
    int64_t num_lines = 0;
    for (const char *pos = history; pos && (pos = strchr(pos, '\n')) != NULL; pos++)
        num_lines++;
    EXPECT_EQ_INT(num_lines, total);
    free(history);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/stage"), 0);
    EXPECT_EQ_INT(ds_test_count(root, "_fluxforge/journal"), 0);
    ds_test_remove(root);
}

FF_TEST_MAIN(FF_CASE(partition_writers_share_the_dataset_and_exclude_per_partition),
             FF_CASE(transaction_locks_the_partitions_it_changes),
             FF_CASE(recovery_leaves_a_live_transaction_alone),
             FF_CASE(dead_transaction_is_left_to_the_holders_of_its_partitions),
             FF_CASE(whole_dataset_recover_finishes_a_dead_partition_transaction),
             FF_CASE(history_lines_of_interleaved_writers),
             FF_CASE(concurrent_increments_lose_nothing),
             FF_CASE(concurrent_increments_survive_kills))
