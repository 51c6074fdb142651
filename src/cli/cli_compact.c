/* `fluxforge compact DATASET [--target-size 100MB] [--min-files 5] [--max-file-size 20MB]
 * [--sort-by COLS] [common options]`: merges the small files of each partition that has enough of
 * them (ff_dataset_compact). */
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr,
            "usage: fluxforge compact DATASET [--target-size SIZE] [--min-files N] "
            "[--max-file-size SIZE] [--sort-by COLS] [--partition K=V]... [--dry-run] [--json] "
            "[--no-backup] [--backup-dir DIR] [--compression C[:L]] [--threads N] "
            "[--wait]\n");
    return FF_EXIT_USAGE;
}

int ff_cli_compact(int argc, char **argv) {
    ff_cli_ops cli;
    ff_cli_ops_init(&cli, "compact");
    ff_compact_options options;
    ff_compact_options_init(&options);
    const char *root = NULL;
    int exit_code = FF_EXIT_USAGE;
    char **sort_by = NULL;
    int32_t num_sort_by = 0;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        int consumed = ff_cli_ops_parse_common(&cli, argc, argv, &arg_idx);
        if (consumed < 0)
            goto cleanup;
        if (consumed)
            continue;
        const char *arg = argv[arg_idx];
        const char *value = arg_idx + 1 < argc ? argv[arg_idx + 1] : NULL;
        if ((!strcmp(arg, "--target-size") || !strcmp(arg, "--max-file-size")) && value) {
            int64_t *dst = arg[2] == 't' ? &options.target_size : &options.max_file_size;
            if (!ff_cli_parse_size(value, dst)) {
                ff_cli_error("compact: %s '%s' is not a size such as 100MB", arg, value);
                goto cleanup;
            }
            arg_idx++;
        } else if (!strcmp(arg, "--min-files") && value) {
            if (!ff_cli_parse_count(value, &options.min_files) || options.min_files < 1) {
                ff_cli_error("compact: --min-files wants a positive count, got '%s'", value);
                goto cleanup;
            }
            arg_idx++;
        } else if (!strcmp(arg, "--sort-by") && value) {
            free(sort_by);
            sort_by = ff_cli_ops_list(argv[++arg_idx], &num_sort_by);
            if (!sort_by || num_sort_by == 0) {
                ff_cli_error("compact: --sort-by wants a list of columns such as time,trade_id");
                goto cleanup;
            }
        } else if (arg[0] == '-' || root) {
            exit_code = usage();
            goto cleanup;
        } else {
            root = arg;
        }
    }
    if (!root) {
        exit_code = usage();
        goto cleanup;
    }
    if (!ff_cli_ops_start(&cli))
        goto cleanup;
    cli.root = root;
    options.common = cli.options;
    options.sort_by = (const char *const *)sort_by;
    options.num_sort_by = num_sort_by;
    ff_error err;
    ff_error_clear(&err);
    ff_ops_stats stats;
    ff_status status = ff_dataset_compact(root, &options, &stats, &err);
    exit_code = ff_cli_ops_finish(&cli, status, &err, &stats);
cleanup:
    free(sort_by);
    ff_cli_ops_free(&cli);
    return exit_code;
}
