/* Shared plumbing of the dataset commands (recover, verify, backups): the I/O context built
 * from FLUXFORGE_FAULT, the mapping from a status to an exit code, and the common --wait
 * option. */
#ifndef FF_CLI_DATASET_H
#define FF_CLI_DATASET_H

#include <fluxforge/dataset.h>
#include <fluxforge/io.h>

/* Builds the I/O context from FLUXFORGE_FAULT (read once, here). Prints the error and returns
 * NULL when the variable is malformed. Caller owns the result; release with
 * ff_cli_io_close(). */
ff_io *ff_cli_io_open(const char *command);

/* Prints "fluxforge: io steps: N" to stderr when FLUXFORGE_FAULT contains "count" (crash tests
 * read it to know how many steps to iterate over), then frees io. Accepts NULL. */
void ff_cli_io_close(ff_io *io);

/* Exit status for a failed status: 2 for bad usage or bad input (invalid argument, missing
 * dataset), 1 for everything else (the operation failed and nothing changed). */
int ff_cli_exit_status(ff_status status);

/* Prints "fluxforge COMMAND: MESSAGE" to stderr and returns ff_cli_exit_status(status). */
int ff_cli_fail(const char *command, ff_status status, const ff_error *err);

#endif
