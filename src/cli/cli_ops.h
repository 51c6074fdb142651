/* Shared plumbing of the row-level commands (delete, update, upsert, dedup): the options every
 * mutating command takes (DESIGN.md §7: --dry-run, --json, --no-backup, --backup-dir,
 * --compression, --wait, --partition/--partitions, --threads, --memory-limit), the progress line on
 * a terminal, the summary or JSON statistics, and the exit status. */
#ifndef FF_CLI_OPS_H
#define FF_CLI_OPS_H

#include <fluxforge/ops.h>

#include <stdbool.h>
#include <stddef.h>

typedef struct ff_cli_ops {
    const char *command;
    const char *root; /* the dataset, for messages */
    ff_ops_options options;
    bool json;
    const char **partitions; /* owned array of owned "K=V" strings */
    int32_t num_partitions;
    ff_io *io;
    bool progress_shown;
} ff_cli_ops;

void ff_cli_ops_init(ff_cli_ops *cli, const char *command);
void ff_cli_ops_free(ff_cli_ops *cli);

/* Consumes a common option at argv[*arg_idx] (and its value). @return 1 when consumed, 0 when
 * the option is not a common one, -1 on a bad value (message printed). */
int ff_cli_ops_parse_common(ff_cli_ops *cli, int argc, char **argv, int *arg_idx);

/* Builds the I/O context from FLUXFORGE_FAULT and wires progress; false on failure (printed). */
bool ff_cli_ops_start(ff_cli_ops *cli);

/* Prints the outcome (summary line or JSON, or the error) and returns the exit status. */
int ff_cli_ops_finish(ff_cli_ops *cli, ff_status status, const ff_error *err,
                      const ff_ops_stats *stats);

/* Splits "a,b" into a NULL-terminated owned array (free()); NULL for an empty list. */
char **ff_cli_ops_list(const char *text, int32_t *count);

#endif
