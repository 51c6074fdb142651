/* `fluxforge repartition SRC DST --by COLS [--derive NAME=EXPR]... [--estimate] [--in-place]
 * [common options]`: writes SRC laid out by other partition columns into a new dataset DST,
 * or replaces SRC's layout with --in-place (ff_dataset_repartition). --estimate is --dry-run:
 * it prints the partitions, files and bytes it would write. */
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr, "usage: fluxforge repartition SRC DST --by COLS [--derive NAME=EXPR]... "
                    "[--estimate] [--json] [--compression C[:L]] [--threads N] [--wait]\n"
                    "       fluxforge repartition DATASET --in-place --by COLS "
                    "[--derive NAME=EXPR]... [--estimate] [--no-backup] [--backup-dir DIR] ...\n");
    return FF_EXIT_USAGE;
}

int ff_cli_repartition(int argc, char **argv) {
    ff_cli_ops cli;
    ff_cli_ops_init(&cli, "repartition");
    ff_repartition_options options;
    ff_repartition_options_init(&options);
    const char *paths[2] = {NULL, NULL};
    int num_paths = 0;
    int exit_code = FF_EXIT_USAGE;
    char **by = NULL;
    int32_t num_by = 0;
    ff_derived_column *derived = calloc((size_t)argc + 1, sizeof *derived);
    char **names = calloc((size_t)argc + 1, sizeof *names);
    int32_t num_derived = 0;
    if (!derived || !names) {
        ff_cli_error("repartition: out of memory");
        exit_code = FF_EXIT_FAILED;
        goto cleanup;
    }
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        int consumed = ff_cli_ops_parse_common(&cli, argc, argv, &arg_idx);
        if (consumed < 0)
            goto cleanup;
        if (consumed)
            continue;
        const char *arg = argv[arg_idx];
        if (!strcmp(arg, "--by") && arg_idx + 1 < argc) {
            free(by);
            by = ff_cli_ops_list(argv[++arg_idx], &num_by);
            if (!by || num_by == 0) {
                ff_cli_error("repartition: --by wants a list of columns such as a,b");
                goto cleanup;
            }
        } else if (!strcmp(arg, "--derive") && arg_idx + 1 < argc) {
            const char *text = argv[++arg_idx];
            const char *eq = strchr(text, '=');
            size_t len = eq ? (size_t)(eq - text) : 0;
            while (len > 0 && text[len - 1] == ' ')
                len--;
            const char *name = text;
            while (len > 0 && *name == ' ') {
                name++;
                len--;
            }
            if (!eq || len == 0 || !eq[1]) {
                ff_cli_error("repartition: --derive wants NAME=EXPR, got '%s'", text);
                goto cleanup;
            }
            names[num_derived] = strndup(name, len);
            if (!names[num_derived]) {
                ff_cli_error("repartition: out of memory");
                goto cleanup;
            }
            derived[num_derived].name = names[num_derived];
            derived[num_derived].expr = eq + 1;
            num_derived++;
        } else if (!strcmp(arg, "--estimate")) {
            cli.options.dry_run = true;
        } else if (!strcmp(arg, "--in-place")) {
            options.in_place = true;
        } else if (arg[0] == '-' || num_paths == 2) {
            exit_code = usage();
            goto cleanup;
        } else {
            paths[num_paths++] = arg;
        }
    }
    if (num_paths != (options.in_place ? 1 : 2) || num_by == 0) {
        if (num_paths == 2 && options.in_place)
            ff_cli_error("repartition: --in-place takes one dataset, not SRC and DST");
        else if (num_paths == 1 && !options.in_place)
            ff_cli_error("repartition: needs SRC and DST (or --in-place)");
        else if (num_by == 0 && num_paths > 0)
            ff_cli_error("repartition: --by COLS is required");
        exit_code = usage();
        goto cleanup;
    }
    if (!ff_cli_ops_start(&cli))
        goto cleanup;
    cli.root = options.in_place ? paths[0] : NULL;
    options.common = cli.options;
    options.by = (const char *const *)by;
    options.num_by = num_by;
    options.derived = derived;
    options.num_derived = num_derived;
    ff_error err;
    ff_error_clear(&err);
    ff_ops_stats stats;
    ff_status status = ff_dataset_repartition(paths[0], paths[1], &options, &stats, &err);
    exit_code = ff_cli_ops_finish(&cli, status, &err, &stats);
cleanup:
    for (int32_t idx = 0; names && idx < num_derived; idx++)
        free(names[idx]);
    free(names);
    free(derived);
    free(by);
    ff_cli_ops_free(&cli);
    return exit_code;
}
