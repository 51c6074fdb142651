/* `fluxforge backups DATASET [list] | restore TXID | drop TXID | prune --keep N|--older-than
 * DAYS`: the backups commits keep of the files they remove. Restore undoes one transaction as
 * a new transaction; drop and prune delete backups. Options: --wait (for the lock),
 * --backup-dir DIR (where restore keeps what it removes). */
#include "cli/cli.h"
#include "cli/cli_dataset.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int usage(void) {
    fprintf(stderr, "usage: fluxforge backups DATASET [list]\n"
                    "       fluxforge backups DATASET restore TXID [--backup-dir DIR]\n"
                    "       fluxforge backups DATASET drop TXID\n"
                    "       fluxforge backups DATASET prune --keep N | --older-than DAYS\n"
                    "options: --wait  wait for the dataset lock instead of failing\n");
    return FF_EXIT_USAGE;
}

static bool parse_count(const char *text, int64_t *out) {
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (!*text || *end || value < 0)
        return false;
    *out = value;
    return true;
}

static void print_list(const ff_backup_list *list) {
    printf("%-32s %-20s %-10s %7s %7s %12s  %s\n", "TXID", "TIME (UTC)", "OP", "REMOVED", "ADDED",
           "BYTES", "LOCATION");
    for (size_t backup_idx = 0; backup_idx < list->num_backups; backup_idx++) {
        const ff_backup_info *info = &list->backups[backup_idx];
        char stamp[32];
        time_t seconds = (time_t)info->time_unix;
        struct tm utc;
        gmtime_r(&seconds, &utc);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &utc);
        printf("%-32s %-20s %-10s %7zu %7zu %12" PRId64 "  %s\n", info->txid, stamp, info->op,
               info->num_removed, info->num_added, info->bytes,
               info->location[0] ? info->location : "(hard links)");
    }
}

int ff_cli_backups(int argc, char **argv) {
    const char *positional[3] = {NULL, NULL, NULL};
    int num_positional = 0;
    int64_t keep = -1, older_than_days = -1;
    ff_dataset_options opts;
    ff_dataset_options_init(&opts);
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        const char *arg = argv[arg_idx];
        if (!strcmp(arg, "--wait")) {
            opts.wait_for_lock = true;
        } else if (!strcmp(arg, "--keep") && arg_idx + 1 < argc) {
            if (!parse_count(argv[++arg_idx], &keep))
                return usage();
        } else if (!strcmp(arg, "--older-than") && arg_idx + 1 < argc) {
            if (!parse_count(argv[++arg_idx], &older_than_days))
                return usage();
        } else if (!strcmp(arg, "--backup-dir") && arg_idx + 1 < argc) {
            opts.backup_dir = argv[++arg_idx];
        } else if (arg[0] == '-' || num_positional == 3) {
            return usage();
        } else {
            positional[num_positional++] = arg;
        }
    }
    const char *root = positional[0];
    const char *action = positional[1] ? positional[1] : "list";
    const char *txid = positional[2];
    bool is_list = !strcmp(action, "list"), is_prune = !strcmp(action, "prune");
    bool is_restore = !strcmp(action, "restore"), is_drop = !strcmp(action, "drop");
    if (!root || !(is_list || is_prune || is_restore || is_drop))
        return usage();
    if ((is_restore || is_drop) != (txid != NULL))
        return usage();
    if (is_prune && keep < 0 && older_than_days < 0)
        return usage();
    if (!is_prune && (keep >= 0 || older_than_days >= 0))
        return usage();
    ff_io *io = ff_cli_io_open("backups");
    if (!io)
        return FF_EXIT_USAGE;
    opts.mode = is_list ? FF_DATASET_READ : FF_DATASET_WRITE;
    opts.io = io;
    ff_error err;
    ff_error_clear(&err);
    ff_dataset *ds = NULL;
    int exit_status = FF_EXIT_OK;
    ff_status status = ff_dataset_open(root, &opts, &ds, &err);
    if (status == FF_OK && is_list) {
        ff_backup_list *list = NULL;
        status = ff_dataset_backups_list(ds, &list, &err);
        if (status == FF_OK)
            print_list(list);
        ff_backup_list_free(list);
    } else if (status == FF_OK && is_restore) {
        char new_txid[FF_TXID_CAP];
        status = ff_dataset_backup_restore(ds, txid, new_txid, &err);
        if (status == FF_OK)
            printf("restored %s as transaction %s\n", txid, new_txid);
    } else if (status == FF_OK && is_drop) {
        status = ff_dataset_backup_drop(ds, txid, &err);
        if (status == FF_OK)
            printf("dropped backup %s\n", txid);
    } else if (status == FF_OK) {
        size_t num_dropped = 0;
        status = ff_dataset_backups_prune(ds, keep, older_than_days, &num_dropped, &err);
        if (status == FF_OK)
            printf("dropped %zu backup(s)\n", num_dropped);
    }
    if (status != FF_OK)
        exit_status = ff_cli_fail("backups", status, &err);
    ff_dataset_close(ds);
    ff_cli_io_close(io);
    return exit_status;
}
