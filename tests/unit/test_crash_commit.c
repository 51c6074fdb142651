/* Crash, kill and concurrency tests of the commit protocol, with real processes.
 *
 * The binary is its own driver: `test_crash_commit --child ROOT MODE [ARG]` runs one
 * transaction in a child process under the fault in FLUXFORGE_FAULT, exactly as the CLI would:
 *
 *   replace [BACKUP_DIR]   the standard transaction of ds_test_util.h (3 files in 2
 *                          partitions replaced by 3 new ones, plus a new partition)
 *   increment wait|nowait  read the number in p=1's only file, replace the file by one holding
 *                          the number + 1 (a read-modify-write, so lost updates would show)
 *
 * The tests then (1) crash the child at every step N from 1 to the step count, run
 * `fluxforge recover` and require exactly the before- or the after-state, empty stage and
 * journal, and a clean verify; (2) SIGKILL the child at random moments with the same checks;
 * (3) crash `fluxforge backups restore` and `drop` at every step the same way; (4) run two
 * writers at once and require that one waits or is refused naming the holder's
 * pid, and that the result equals a serial execution. */
#include "ff_test.h"

#include "ds_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- The child -------------------------------------------------------------------------- */

static ff_status child_increment(ff_dataset *ds, ff_error *err) {
    ff_discovery *discovery = NULL;
    ff_txn *txn = NULL;
    char *content = NULL;
    ff_status status = ff_dataset_discover(ds, &discovery, err);
    if (status == FF_OK && discovery->num_files != 1)
        status = ff_error_set(err, FF_ERR_INTERNAL, "expected one file, found %zu",
                              discovery->num_files);
    if (status == FF_OK) {
        content = ds_test_get(ff_dataset_root(ds), discovery->files[0].rel_path);
        status = ff_txn_begin(ds, "increment", &txn, err);
    }
    if (status == FF_OK)
        status = ff_txn_remove_file(txn, discovery->files[0].rel_path,
                                    &discovery->files[0].identity, err);
    if (status == FF_OK) {
        char next[32];
        int len = snprintf(next, sizeof next, "%d", atoi(content ? content : "0") + 1);
        status = ff_txn_write_file(txn, "p=1", next, (size_t)len, err);
    }
    if (status == FF_OK)
        status = ff_txn_commit(txn, NULL, err);
    ff_txn_free(txn);
    ff_discovery_free(discovery);
    free(content);
    return status;
}

static int run_child(int argc, char **argv) {
    if (argc < 4)
        return 2;
    const char *root = argv[2], *mode = argv[3];
    ff_io *io = NULL;
    ff_error err;
    ff_error_clear(&err);
    ff_status status = ff_io_create_from_env(&io, &err);
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    opts.mode = FF_DATASET_WRITE;
    opts.io = io;
    bool is_increment = !strcmp(mode, "increment");
    if (is_increment)
        opts.wait_for_lock = argc > 4 && !strcmp(argv[4], "wait");
    else if (argc > 4)
        opts.backup_dir = argv[4];
    ff_dataset *ds = NULL;
    if (status == FF_OK)
        status = ff_dataset_open(root, &opts, &ds, &err);
    if (status == FF_OK)
        status = is_increment ? child_increment(ds, &err) : ds_test_replace(ds, &err);
    if (status != FF_OK)
        fprintf(stderr, "child: %s\n", err.message);
    ff_dataset_close(ds);
    if (ff_io_counts_steps(io))
        fprintf(stderr, "fluxforge: io steps: %llu\n", (unsigned long long)ff_io_num_steps(io));
    ff_io_free(io);
    return status == FF_OK ? 0 : 1;
}

/* ---- The parent ------------------------------------------------------------------------- */

/* Starts argv with FLUXFORGE_FAULT=fault (unset when NULL), stderr to stderr_path. */
static pid_t spawn(char *const argv[], const char *fault, const char *stderr_path) {
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (fault)
        setenv(FF_IO_FAULT_ENV, fault, 1);
    else
        unsetenv(FF_IO_FAULT_ENV);
    int out = open(stderr_path ? stderr_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) {
        dup2(out, 2);
        int null_fd = open("/dev/null", O_WRONLY);
        dup2(null_fd, 1);
    }
    execv(argv[0], argv);
    _exit(127);
}

static int wait_exit(pid_t pid) {
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return WEXITSTATUS(wstatus);
}

static char self_path[FF_PATH_CAP];

static pid_t spawn_child(const char *root, const char *mode, const char *arg, const char *fault,
                         const char *stderr_path) {
    char *argv[] = {self_path, "--child", (char *)root, (char *)mode, (char *)arg, NULL};
    return spawn(argv, fault, stderr_path);
}

/* `fluxforge recover ROOT` through the CLI (FF_CLI), or in-process when the CLI is unknown. */
static int recover(const char *root) {
    const char *cli = getenv("FF_CLI");
    if (cli && cli[0]) {
        char *argv[] = {(char *)cli, "recover", (char *)root, NULL};
        return wait_exit(spawn(argv, NULL, NULL));
    }
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    opts.mode = FF_DATASET_WRITE;
    ff_dataset *ds = NULL;
    ff_error err;
    ff_status status = ff_dataset_open(root, &opts, &ds, &err);
    ff_dataset_close(ds);
    return status == FF_OK ? 0 : 1;
}

static size_t verify_problems(const char *root) {
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    opts.mode = FF_DATASET_WRITE;
    opts.skip_recover = true;
    ff_dataset *ds = NULL;
    ff_verify_report *report = NULL;
    ff_error err;
    size_t count = 999;
    if (ff_dataset_open(root, &opts, &ds, &err) == FF_OK &&
        ff_dataset_verify(ds, NULL, &report, &err) == FF_OK) {
        count = report->num_problems;
        for (size_t problem_idx = 0; problem_idx < count; problem_idx++)
            fprintf(stderr, "    verify: %s\n", report->problems[problem_idx]);
    }
    ff_verify_report_free(report);
    ff_dataset_close(ds);
    return count;
}

/* Counts the steps of one undisturbed run (and checks it commits). */
static long count_steps(int *ff_test_failures, const char *backup_dir) {
    char root[64], log_path[128];
    ds_test_scratch(root);
    ds_test_make_before(root);
    snprintf(log_path, sizeof log_path, "%s.log", root);
    int exit_status = wait_exit(spawn_child(root, "replace", backup_dir, "count", log_path));
    EXPECT_EQ_INT(exit_status, 0);
    char *log = ds_test_get("/", log_path + 1);
    long steps = 0;
    const char *marker = log ? strstr(log, "io steps: ") : NULL;
    if (marker)
        steps = atol(marker + strlen("io steps: "));
    char *state = ds_test_fingerprint(root);
    EXPECT_EQ_STR(state, DS_TEST_AFTER);
    free(state);
    free(log);
    unlink(log_path);
    ds_test_remove(root);
    return steps;
}

/* After a crash or kill and a recover: exactly before or after, nothing left over. Returns
 * 0 for before, 1 for after, -1 on failure. */
static int check_recovered(int *ff_test_failures, const char *root, const char *what) {
    int recover_status = recover(root);
    if (recover_status != 0)
        FF_FAIL_AT("%s: recover exited %d", what, recover_status);
    char *state = ds_test_fingerprint(root);
    int outcome = !strcmp(state, DS_TEST_BEFORE) ? 0 : !strcmp(state, DS_TEST_AFTER) ? 1 : -1;
    if (outcome < 0)
        FF_FAIL_AT("%s: state after recover is neither before nor after:\n%s", what, state);
    free(state);
    if (ds_test_count(root, "_fluxforge/stage") || ds_test_count(root, "_fluxforge/journal"))
        FF_FAIL_AT("%s: stage or journal not empty after recover", what);
    size_t problems = verify_problems(root);
    if (problems)
        FF_FAIL_AT("%s: %zu verify problems after recover", what, problems);
    return outcome;
}

static void crash_loop(int *ff_test_failures, bool with_backup_dir) {
    char backups[64] = "";
    if (with_backup_dir)
        ds_test_scratch(backups);
    const char *backup_dir = with_backup_dir ? backups : NULL;
    long steps = count_steps(ff_test_failures, backup_dir);
    EXPECT_TRUE(steps > 20);
    int outcomes[2] = {0, 0};
    for (long step = 1; step <= steps + 1; step++) {
        char root[64], fault[32], what[64];
        ds_test_scratch(root);
        ds_test_make_before(root);
        snprintf(fault, sizeof fault, "crash:%ld", step);
        snprintf(what, sizeof what, "%s%s", fault, with_backup_dir ? " (backup dir)" : "");
        int exit_status = wait_exit(spawn_child(root, "replace", backup_dir, fault, NULL));
        int expected_exit = step <= steps ? FF_IO_CRASH_EXIT_STATUS : 0;
        if (exit_status != expected_exit)
            FF_FAIL_AT("%s: child exited %d, expected %d", what, exit_status, expected_exit);
        int outcome = check_recovered(ff_test_failures, root, what);
        if (outcome >= 0)
            outcomes[outcome]++;
        ds_test_remove(root);
    }
    printf("  %s: %ld crash points, recovered to before %d times, to after %d times\n",
           with_backup_dir ? "backup dir" : "hard links", steps, outcomes[0], outcomes[1]);
    /* The journal is written midway: early crashes roll back, late ones roll forward. */
    EXPECT_TRUE(outcomes[0] > 10 && outcomes[1] > 10);
    if (with_backup_dir)
        ds_test_remove(backups);
}

FF_TEST(crash_at_every_step_recovers_before_or_after) {
    crash_loop(ff_test_failures, false);
}

FF_TEST(crash_at_every_step_with_backup_dir) {
    crash_loop(ff_test_failures, true);
}

/* Sets up a dataset after one replace and returns the replace's txid in txid_out. */
static void make_replaced(int *ff_test_failures, const char *root, char txid_out[FF_TXID_CAP]) {
    ds_test_make_before(root);
    EXPECT_EQ_INT(wait_exit(spawn_child(root, "replace", NULL, NULL, NULL)), 0);
    ff_dataset *ds = NULL;
    ff_backup_list *list = NULL;
    ff_error err;
    txid_out[0] = '\0';
    EXPECT_OK(ff_dataset_open(root, NULL, &ds, &err), &err);
    if (ds && ff_dataset_backups_list(ds, &list, &err) == FF_OK && list->num_backups == 1)
        snprintf(txid_out, FF_TXID_CAP, "%s", list->backups[0].txid);
    ff_backup_list_free(list);
    ff_dataset_close(ds);
}

static size_t num_backups(const char *root) {
    ff_dataset *ds = NULL;
    ff_backup_list *list = NULL;
    ff_error err;
    size_t count = 999;
    if (ff_dataset_open(root, NULL, &ds, &err) == FF_OK &&
        ff_dataset_backups_list(ds, &list, &err) == FF_OK)
        count = list->num_backups;
    ff_backup_list_free(list);
    ff_dataset_close(ds);
    return count;
}

/* Crashes `fluxforge backups ROOT ACTION TXID` at every step. A restore must end as the
 * replace's after-state (not restored) or its before-state (restored); a drop must leave the
 * backup either whole or gone, and verify clean either way. */
static void cli_crash_loop(int *ff_test_failures, const char *action) {
    const char *cli = getenv("FF_CLI");
    if (!cli || !cli[0]) {
        printf("  skipped: FF_CLI not set\n");
        return;
    }
    bool is_restore = !strcmp(action, "restore");
    long steps = -1;
    int outcomes[2] = {0, 0};
    for (long step = 0; steps < 0 || step <= steps + 1; step++) {
        char root[64], txid[FF_TXID_CAP], fault[32], log_path[128], what[96];
        ds_test_scratch(root);
        make_replaced(ff_test_failures, root, txid);
        snprintf(log_path, sizeof log_path, "%s.log", root);
        /* Step 0 counts the steps of an undisturbed run. */
        if (step == 0)
            snprintf(fault, sizeof fault, "count");
        else
            snprintf(fault, sizeof fault, "crash:%ld", step);
        snprintf(what, sizeof what, "backups %s, %s", action, fault);
        char *argv[] = {(char *)cli, "backups", root, (char *)action, txid, NULL};
        int exit_status = wait_exit(spawn(argv, fault, log_path));
        if (step == 0) {
            char *log = ds_test_get("/", log_path + 1);
            const char *marker = log ? strstr(log, "io steps: ") : NULL;
            steps = marker ? atol(marker + strlen("io steps: ")) : 0;
            free(log);
            EXPECT_EQ_INT(exit_status, 0);
            EXPECT_TRUE(steps > 5);
        } else if (exit_status != (step <= steps ? FF_IO_CRASH_EXIT_STATUS : 0)) {
            FF_FAIL_AT("%s: exited %d", what, exit_status);
        }
        int recover_status = recover(root);
        if (recover_status != 0)
            FF_FAIL_AT("%s: recover exited %d", what, recover_status);
        char *state = ds_test_fingerprint(root);
        if (is_restore) {
            int outcome = !strcmp(state, DS_TEST_AFTER)    ? 0
                          : !strcmp(state, DS_TEST_BEFORE) ? 1
                                                           : -1;
            if (outcome < 0)
                FF_FAIL_AT("%s: state is neither before nor after the restore:\n%s", what, state);
            else
                outcomes[outcome]++;
        } else {
            if (strcmp(state, DS_TEST_AFTER))
                FF_FAIL_AT("%s: dropping a backup changed the data:\n%s", what, state);
            size_t count = num_backups(root);
            if (count > 1)
                FF_FAIL_AT("%s: %zu backups", what, count);
            else
                outcomes[count == 0]++;
        }
        free(state);
        size_t problems = verify_problems(root);
        if (problems)
            FF_FAIL_AT("%s: %zu verify problems after recover", what, problems);
        unlink(log_path);
        ds_test_remove(root);
    }
    printf("  backups %s: %ld crash points, recovered to before %d times, to after %d times\n",
           action, steps, outcomes[0], outcomes[1]);
    EXPECT_TRUE(outcomes[0] > 0 && outcomes[1] > 0);
}

FF_TEST(crash_during_backup_restore) {
    cli_crash_loop(ff_test_failures, "restore");
}

FF_TEST(crash_during_backup_drop) {
    cli_crash_loop(ff_test_failures, "drop");
}

static double now_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

FF_TEST(sigkill_at_random_moments_recovers) {
    /* Each step sleeps a little so a kill lands inside the commit rather than after it. */
    const char *fault = "delay:400";
    char root[64];
    ds_test_scratch(root);
    ds_test_make_before(root);
    double start = now_seconds();
    EXPECT_EQ_INT(wait_exit(spawn_child(root, "replace", NULL, fault, NULL)), 0);
    double duration = now_seconds() - start;
    ds_test_remove(root);
    uint64_t seed = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL;
    int outcomes[2] = {0, 0}, num_killed = 0;
    for (int iteration = 0; iteration < 20; iteration++) {
        ds_test_scratch(root);
        ds_test_make_before(root);
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double delay = duration * (double)(seed >> 40) / (double)(1ULL << 24);
        pid_t pid = spawn_child(root, "replace", NULL, fault, NULL);
        struct timespec pause = {.tv_sec = (time_t)delay,
                                 .tv_nsec = (long)((delay - (double)(time_t)delay) * 1e9)};
        nanosleep(&pause, NULL);
        kill(pid, SIGKILL);
        int exit_status = wait_exit(pid);
        num_killed += exit_status == 128 + SIGKILL;
        char what[64];
        snprintf(what, sizeof what, "kill after %.1f ms", delay * 1000);
        int outcome = check_recovered(ff_test_failures, root, what);
        if (outcome >= 0)
            outcomes[outcome]++;
        ds_test_remove(root);
    }
    printf("  20 kills over a %.0f ms run: %d killed mid-run, before %d, after %d\n",
           duration * 1000, num_killed, outcomes[0], outcomes[1]);
}

static void make_counter(const char *root) {
    ds_test_put(root, "p=1/part-counter.parquet", "0");
}

static char *counter_state(const char *root) {
    return ds_test_fingerprint(root);
}

FF_TEST(two_waiting_writers_serialize) {
    char root[64];
    ds_test_scratch(root);
    make_counter(root);
    pid_t first = spawn_child(root, "increment", "wait", "delay:2000", NULL);
    pid_t second = spawn_child(root, "increment", "wait", "delay:2000", NULL);
    EXPECT_EQ_INT(wait_exit(first), 0);
    EXPECT_EQ_INT(wait_exit(second), 0);
    char *state = counter_state(root);
    EXPECT_EQ_STR(state, "p=1\t2\n");
    free(state);
    char *history = ds_test_get(root, "_fluxforge/history.jsonl");
    size_t num_lines = 0;
    for (const char *p = history; p && *p; p++)
        num_lines += *p == '\n';
    EXPECT_EQ_INT(num_lines, 2);
    free(history);
    EXPECT_EQ_INT(verify_problems(root), 0);
    ds_test_remove(root);
}

FF_TEST(second_writer_is_refused_naming_the_holder) {
    char root[64], log_path[128];
    ds_test_scratch(root);
    make_counter(root);
    snprintf(log_path, sizeof log_path, "%s.log", root);
    pid_t holder = spawn_child(root, "increment", "wait", "delay:20000", NULL);
    /* Wait until the holder has the lock and has written its pid. */
    char expected_pid[32];
    snprintf(expected_pid, sizeof expected_pid, "%ld\n", (long)holder);
    for (int attempt = 0; attempt < 500; attempt++) {
        char *text = ds_test_get(root, "_fluxforge/lock");
        bool has_pid = text && !strcmp(text, expected_pid);
        free(text);
        if (has_pid)
            break;
        usleep(10000);
    }
    int refused = wait_exit(spawn_child(root, "increment", "nowait", NULL, log_path));
    EXPECT_EQ_INT(refused, 1);
    char *log = ds_test_get("/", log_path + 1);
    char expected[64];
    snprintf(expected, sizeof expected, "dataset in use by pid %ld", (long)holder);
    if (!log || !strstr(log, expected))
        FF_FAIL_AT("refusal does not name the holder: %s", log ? log : "(no output)");
    free(log);
    EXPECT_EQ_INT(wait_exit(holder), 0);
    char *state = counter_state(root);
    EXPECT_EQ_STR(state, "p=1\t1\n");
    free(state);
    unlink(log_path);
    ds_test_remove(root);
}

#define main run_unit_tests
FF_TEST_MAIN(FF_CASE(crash_at_every_step_recovers_before_or_after),
             FF_CASE(crash_at_every_step_with_backup_dir), FF_CASE(crash_during_backup_restore),
             FF_CASE(crash_during_backup_drop), FF_CASE(sigkill_at_random_moments_recovers),
             FF_CASE(two_waiting_writers_serialize),
             FF_CASE(second_writer_is_refused_naming_the_holder))
#undef main

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--child"))
        return run_child(argc, argv);
    ssize_t len = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (len <= 0)
        return 2;
    self_path[len] = '\0';
    return run_unit_tests(argc, argv);
}
