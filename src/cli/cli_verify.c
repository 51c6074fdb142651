/* `fluxforge verify DATASET [--wait] [--structure-only]`: reports every problem of a dataset and
 * exits 1 if there is any: structural ones (stray files, leftovers of an interrupted commit, broken
 * backups) from the dataset layer, and per file (through ff_verify_options.check_file) a
 * file that does not open or whose row groups do not decode, or whose stored partition
 * values disagree with its directory (src/ops/verify_file.c). One line per problem, naming
 * the file. --structure-only leaves the files unread: a quick check of the tool state of a
 * dataset too large to read through. */
#include "cli/cli.h"
#include "cli/cli_dataset.h"

#include "ops/ops_internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int usage(void) {
    fprintf(stderr, "usage: fluxforge verify DATASET [--wait] [--structure-only]\n");
    return FF_EXIT_USAGE;
}

int ff_cli_verify(int argc, char **argv) {
    const char *root = NULL;
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    bool is_structure_only = false;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        if (!strcmp(argv[arg_idx], "--wait"))
            opts.wait_for_lock = true;
        else if (!strcmp(argv[arg_idx], "--structure-only"))
            is_structure_only = true;
        else if (argv[arg_idx][0] == '-' || root)
            return usage();
        else
            root = argv[arg_idx];
    }
    if (!root)
        return usage();
    ff_io *io = ff_cli_io_open("verify");
    if (!io)
        return FF_EXIT_USAGE;
    /* Take the lock (so no commit runs underneath) only where FluxForge already keeps state:
     * verifying a dataset another tool wrote must not create _fluxforge/ in it. */
    char tool_dir[4096];
    snprintf(tool_dir, sizeof tool_dir, "%s/_fluxforge", root);
    struct stat st;
    opts.mode = stat(tool_dir, &st) == 0 ? FF_DATASET_WRITE : FF_DATASET_READ;
    opts.skip_recover = true;
    opts.io = io;
    ff_error err;
    ff_error_clear(&err);
    ff_dataset *ds = NULL;
    ff_verify_report *report = NULL;
    int exit_status = FF_EXIT_OK;
    ff_status status = ff_dataset_open(root, &opts, &ds, &err);
    ff_verify_options vopts;
    ff_verify_options_init(&vopts);
    vopts.check_file = is_structure_only ? NULL : ops_verify_file;
    if (status == FF_OK)
        status = ff_dataset_verify(ds, &vopts, &report, &err);
    if (status != FF_OK) {
        exit_status = ff_cli_fail("verify", status, &err);
    } else {
        for (size_t problem_idx = 0; problem_idx < report->num_problems; problem_idx++)
            printf("problem: %s\n", report->problems[problem_idx]);
        printf("%s: %zu file(s) in %zu partition(s), %zu problem(s)\n", root, report->num_files,
               report->num_partitions, report->num_problems);
        if (report->num_problems)
            exit_status = FF_EXIT_FAILED;
    }
    ff_verify_report_free(report);
    ff_dataset_close(ds);
    ff_cli_io_close(io);
    return exit_status;
}
