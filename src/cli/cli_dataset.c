/* Shared plumbing of the dataset commands (see cli_dataset.h). */
#include "cli/cli_dataset.h"

#include "cli/cli.h"

#include <inttypes.h>
#include <stdio.h>

ff_io *ff_cli_io_open(const char *command) {
    ff_io *io = NULL;
    ff_error err;
    ff_error_clear(&err);
    if (ff_io_create_from_env(&io, &err) != FF_OK) {
        fprintf(stderr, "fluxforge %s: %s: %s\n", command, FF_IO_FAULT_ENV, err.message);
        return NULL;
    }
    return io;
}

void ff_cli_io_close(ff_io *io) {
    if (ff_io_counts_steps(io))
        fprintf(stderr, "fluxforge: io steps: %" PRIu64 "\n", ff_io_num_steps(io));
    ff_io_free(io);
}

int ff_cli_exit_status(ff_status status) {
    if (status == FF_OK)
        return FF_EXIT_OK;
    if (status == FF_ERR_INVALID_ARGUMENT || status == FF_ERR_NOT_FOUND)
        return FF_EXIT_USAGE;
    return FF_EXIT_FAILED;
}

int ff_cli_fail(const char *command, ff_status status, const ff_error *err) {
    fprintf(stderr, "fluxforge %s: %s\n", command,
            err->message[0] ? err->message : ff_status_text(status));
    return ff_cli_exit_status(status);
}
