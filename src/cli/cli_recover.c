/* `fluxforge recover DATASET [--wait]`: finishes or undoes what a crash left behind (every
 * mutating command does this first; this command does only that and says what it did). */
#include "cli/cli.h"
#include "cli/cli_dataset.h"

#include <stdio.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr, "usage: fluxforge recover DATASET [--wait]\n");
    return FF_EXIT_USAGE;
}

int ff_cli_recover(int argc, char **argv) {
    const char *root = NULL;
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        if (!strcmp(argv[arg_idx], "--wait"))
            opts.wait_for_lock = true;
        else if (argv[arg_idx][0] == '-' || root)
            return usage();
        else
            root = argv[arg_idx];
    }
    if (!root)
        return usage();
    ff_io *io = ff_cli_io_open("recover");
    if (!io)
        return FF_EXIT_USAGE;
    opts.mode = FF_DATASET_WRITE;
    opts.skip_recover = true;
    opts.io = io;
    ff_error err;
    ff_error_clear(&err);
    ff_dataset *ds = NULL;
    ff_recover_report report;
    int exit_status = FF_EXIT_OK;
    ff_status status = ff_dataset_open(root, &opts, &ds, &err);
    if (status == FF_OK)
        status = ff_dataset_recover(ds, &report, &err);
    if (status != FF_OK) {
        exit_status = ff_cli_fail("recover", status, &err);
    } else if (report.num_rolled_forward + report.num_rolled_back + report.num_finished +
                   report.num_leftovers ==
               0) {
        printf("%s: nothing to recover\n", root);
    } else {
        printf("%s: %zu transaction(s) completed, %zu rolled back, %zu finished, %zu "
               "leftover(s) removed\n",
               root, report.num_rolled_forward, report.num_rolled_back, report.num_finished,
               report.num_leftovers);
    }
    ff_dataset_close(ds);
    ff_cli_io_close(io);
    return exit_status;
}
