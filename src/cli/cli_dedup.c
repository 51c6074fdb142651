/* `fluxforge dedup DATASET --key COLS [--keep first|last] [--order-by COL]
 * [--across-partitions] [common options]`: keeps one row per key (ff_dataset_dedup). */
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
    fprintf(
        stderr,
        "usage: fluxforge dedup DATASET --key COLS [--keep first|last] "
        "[--order-by COL] [--across-partitions] [--partition K=V]... [--dry-run] "
        "[--json] [--no-backup] [--backup-dir DIR] [--compression C[:L]] [--wait] [--validate]\n");
    return FF_EXIT_USAGE;
}

int ff_cli_dedup(int argc, char **argv) {
    ff_cli_ops cli;
    ff_cli_ops_init(&cli, "dedup");
    ff_dedup_options options;
    ff_dedup_options_init(&options);
    const char *root = NULL;
    char **keys = NULL;
    int exit_code = FF_EXIT_USAGE;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        int consumed = ff_cli_ops_parse_common(&cli, argc, argv, &arg_idx);
        if (consumed < 0)
            goto cleanup;
        if (consumed)
            continue;
        const char *arg = argv[arg_idx];
        bool has_value = arg_idx + 1 < argc;
        if (!strcmp(arg, "--key") && has_value && !keys) {
            keys = ff_cli_ops_list(argv[++arg_idx], &options.num_keys);
            options.keys = (const char *const *)keys;
        } else if (!strcmp(arg, "--keep") && has_value) {
            const char *mode = argv[++arg_idx];
            if (!strcmp(mode, "first")) {
                options.keep_last = false;
            } else if (!strcmp(mode, "last")) {
                options.keep_last = true;
            } else {
                ff_cli_error("dedup: --keep wants first or last, got '%s'", mode);
                goto cleanup;
            }
        } else if (!strcmp(arg, "--order-by") && has_value) {
            options.order_by = argv[++arg_idx];
        } else if (!strcmp(arg, "--across-partitions")) {
            options.across_partitions = true;
        } else if (arg[0] == '-' || root) {
            exit_code = usage();
            goto cleanup;
        } else {
            root = arg;
        }
    }
    if (!root || options.num_keys == 0) {
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
    ff_status status = ff_dataset_dedup(root, &options, &stats, &err);
    exit_code = ff_cli_ops_finish(&cli, status, &err, &stats);
cleanup:
    free(keys);
    ff_cli_ops_free(&cli);
    return exit_code;
}
