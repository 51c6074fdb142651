/* `fluxforge upsert DATASET --from PATH|- --key COLS [--partition-by COLS] [--update-cols COLS]
 * [--dedup-input first|last] [--add-columns] [common options]`: merges rows by key
 * (ff_dataset_upsert). `--from -` reads one Parquet file from standard input. */
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void) {
    fprintf(stderr, "usage: fluxforge upsert DATASET --from PATH|- --key COLS "
                    "[--partition-by COLS] [--update-cols COLS] [--dedup-input first|last] "
                    "[--add-columns] [--dry-run] [--json] [--no-backup] [--backup-dir DIR] "
                    "[--compression C[:L]] [--wait] [--validate] [--threads N] "
                    "[--memory-limit SIZE]\n");
    return FF_EXIT_USAGE;
}

/* Reads all of standard input (a Parquet file piped in). */
static bool read_stdin(unsigned char **out, size_t *len) {
    size_t cap = 1 << 20, used = 0;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return false;
    for (;;) {
        if (used == cap) {
            unsigned char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return false;
            }
            buf = grown;
            cap *= 2;
        }
        ssize_t got = read(STDIN_FILENO, buf + used, cap - used);
        if (got < 0) {
            free(buf);
            return false;
        }
        if (got == 0)
            break;
        used += (size_t)got;
    }
    *out = buf;
    *len = used;
    return true;
}

int ff_cli_upsert(int argc, char **argv) {
    ff_cli_ops cli;
    ff_cli_ops_init(&cli, "upsert");
    ff_upsert_options options;
    ff_upsert_options_init(&options);
    const char *root = NULL, *from = NULL;
    char **keys = NULL, **partition_by = NULL, **update_cols = NULL;
    unsigned char *data = NULL;
    int exit_code = FF_EXIT_USAGE;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        int consumed = ff_cli_ops_parse_common(&cli, argc, argv, &arg_idx);
        if (consumed < 0)
            goto cleanup;
        if (consumed)
            continue;
        const char *arg = argv[arg_idx];
        bool has_value = arg_idx + 1 < argc;
        if (!strcmp(arg, "--from") && has_value) {
            from = argv[++arg_idx];
        } else if (!strcmp(arg, "--key") && has_value && !keys) {
            keys = ff_cli_ops_list(argv[++arg_idx], &options.num_keys);
            options.keys = (const char *const *)keys;
        } else if (!strcmp(arg, "--partition-by") && has_value && !partition_by) {
            partition_by = ff_cli_ops_list(argv[++arg_idx], &options.num_partition_by);
            options.partition_by = (const char *const *)partition_by;
        } else if (!strcmp(arg, "--update-cols") && has_value && !update_cols) {
            update_cols = ff_cli_ops_list(argv[++arg_idx], &options.num_update_columns);
            options.update_columns = (const char *const *)update_cols;
        } else if (!strcmp(arg, "--dedup-input") && has_value) {
            const char *mode = argv[++arg_idx];
            if (!strcmp(mode, "first")) {
                options.dedup_input = FF_DEDUP_INPUT_FIRST;
            } else if (!strcmp(mode, "last")) {
                options.dedup_input = FF_DEDUP_INPUT_LAST;
            } else {
                ff_cli_error("upsert: --dedup-input wants first or last, got '%s'", mode);
                goto cleanup;
            }
        } else if (!strcmp(arg, "--add-columns")) {
            options.add_columns = true;
        } else if (arg[0] == '-' || root) {
            exit_code = usage();
            goto cleanup;
        } else {
            root = arg;
        }
    }
    if (!root || !from || options.num_keys == 0) {
        exit_code = usage();
        goto cleanup;
    }
    if (!strcmp(from, "-")) {
        size_t len = 0;
        if (!read_stdin(&data, &len)) {
            ff_cli_error("upsert: cannot read standard input");
            exit_code = FF_EXIT_FAILED;
            goto cleanup;
        }
        options.from_data = data;
        options.from_len = len;
    } else {
        options.from_path = from;
    }
    if (!ff_cli_ops_start(&cli))
        goto cleanup;
    cli.root = root;
    options.common = cli.options;
    ff_error err;
    ff_error_clear(&err);
    ff_ops_stats stats;
    ff_status status = ff_dataset_upsert(root, &options, &stats, &err);
    exit_code = ff_cli_ops_finish(&cli, status, &err, &stats);
cleanup:
    free(keys);
    free(partition_by);
    free(update_cols);
    free(data);
    ff_cli_ops_free(&cli);
    return exit_code;
}
