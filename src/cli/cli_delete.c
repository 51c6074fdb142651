/* `fluxforge delete DATASET --where EXPR [--partition K=V]... [common options]`: removes the
 * rows where EXPR is TRUE (ff_dataset_delete). */
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_ops.h"

#include <stdio.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr, "usage: fluxforge delete DATASET --where EXPR [--partition K=V]... "
                    "[--dry-run] [--json] [--no-backup] [--backup-dir DIR] "
                    "[--compression C[:L]] [--wait] [--validate]\n");
    return FF_EXIT_USAGE;
}

int ff_cli_delete(int argc, char **argv) {
    ff_cli_ops cli;
    ff_cli_ops_init(&cli, "delete");
    ff_delete_options options;
    ff_delete_options_init(&options);
    const char *root = NULL;
    int exit_code = FF_EXIT_USAGE;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        int consumed = ff_cli_ops_parse_common(&cli, argc, argv, &arg_idx);
        if (consumed < 0)
            goto cleanup;
        if (consumed)
            continue;
        if (!strcmp(argv[arg_idx], "--where") && arg_idx + 1 < argc) {
            options.where = argv[++arg_idx];
        } else if (argv[arg_idx][0] == '-' || root) {
            exit_code = usage();
            goto cleanup;
        } else {
            root = argv[arg_idx];
        }
    }
    if (!root || !options.where) {
        exit_code = usage();
        goto cleanup;
    }
    if (!ff_cli_ops_start(&cli))
        goto cleanup;
    cli.root = root;
    options.common = cli.options;
    ff_error err;
    ff_error_clear(&err);
    ff_ops_stats stats;
    ff_status status = ff_dataset_delete(root, &options, &stats, &err);
    exit_code = ff_cli_ops_finish(&cli, status, &err, &stats);
cleanup:
    ff_cli_ops_free(&cli);
    return exit_code;
}
