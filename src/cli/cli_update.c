/* `fluxforge update DATASET --set COL=EXPR [--set ...] [--where EXPR] [--add-columns]
 * [common options]`: sets columns of the matching rows (ff_dataset_update). */
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr,
            "usage: fluxforge update DATASET --set COL=EXPR [--set COL=EXPR]... "
            "[--where EXPR] [--add-columns] [--partition K=V]... [--dry-run] [--json] "
            "[--no-backup] [--backup-dir DIR] [--compression C[:L]] [--wait] [--validate]\n");
    return FF_EXIT_USAGE;
}

int ff_cli_update(int argc, char **argv) {
    ff_cli_ops cli;
    ff_cli_ops_init(&cli, "update");
    ff_update_options options;
    ff_update_options_init(&options);
    const char *root = NULL;
    int exit_code = FF_EXIT_USAGE;
    ff_assignment *assigns = calloc((size_t)argc + 1, sizeof *assigns);
    char **columns = calloc((size_t)argc + 1, sizeof *columns);
    int32_t num_assigns = 0;
    if (!assigns || !columns) {
        ff_cli_error("update: out of memory");
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
        if (!strcmp(arg, "--set") && arg_idx + 1 < argc) {
            const char *text = argv[++arg_idx];
            const char *eq = strchr(text, '=');
            if (!eq || eq == text) {
                ff_cli_error("update: --set wants COL=EXPR, got '%s'", text);
                goto cleanup;
            }
            size_t len = (size_t)(eq - text);
            while (len > 0 && text[len - 1] == ' ')
                len--;
            const char *name = text;
            while (*name == ' ' && len > 0) {
                name++;
                len--;
            }
            /* A quoted name ("my col"=...) is taken literally. */
            if (len >= 2 && name[0] == '"' && name[len - 1] == '"') {
                name++;
                len -= 2;
            }
            columns[num_assigns] = strndup(name, len);
            assigns[num_assigns].column = columns[num_assigns];
            assigns[num_assigns].expr = eq + 1;
            num_assigns++;
        } else if (!strcmp(arg, "--where") && arg_idx + 1 < argc) {
            options.where = argv[++arg_idx];
        } else if (!strcmp(arg, "--add-columns")) {
            options.add_columns = true;
        } else if (arg[0] == '-' || root) {
            exit_code = usage();
            goto cleanup;
        } else {
            root = arg;
        }
    }
    if (!root || num_assigns == 0) {
        exit_code = usage();
        goto cleanup;
    }
    if (!ff_cli_ops_start(&cli))
        goto cleanup;
    cli.root = root;
    options.common = cli.options;
    options.assignments = assigns;
    options.num_assignments = num_assigns;
    ff_error err;
    ff_error_clear(&err);
    ff_ops_stats stats;
    ff_status status = ff_dataset_update(root, &options, &stats, &err);
    exit_code = ff_cli_ops_finish(&cli, status, &err, &stats);
cleanup:
    for (int32_t idx = 0; columns && idx < num_assigns; idx++)
        free(columns[idx]);
    free(columns);
    free(assigns);
    ff_cli_ops_free(&cli);
    return exit_code;
}
