/* FluxForge I/O context: the handle every mutating file-system step goes through.
 *
 * The dataset layer never calls write(2), fsync(2), rename(2), unlink(2), mkdir(2) or link(2)
 * directly; it asks an ff_io. That single seam is what lets the crash tests prove the commit
 * protocol (DESIGN.md §5): an ff_io built from a fault specification counts the steps it
 * performs and, at the chosen step, either ends the process on the spot (a simulated crash)
 * or fails the step with ENOSPC or EIO.
 *
 * A fault specification is a comma-separated list of:
 *
 *     crash:N    the N-th step (1-based) ends the process with _exit(FF_IO_CRASH_EXIT_STATUS);
 *                a write step writes the first half of its bytes first (a torn write)
 *     enospc:N   the N-th step fails with ENOSPC (FF_ERR_NO_SPACE), nothing is changed
 *     eio:N      the N-th step fails with EIO (FF_ERR_IO), nothing is changed
 *     count      the caller wants the step count reported (ff_io_counts_steps)
 *     delay:US   sleep US microseconds before every step (lets tests kill mid-commit)
 *
 * The `fluxforge` command reads the environment variable FLUXFORGE_FAULT once into the
 * ff_io it passes down; library users create one with ff_io_create(NULL, ...) and never see
 * a fault. Nothing here is global: two contexts in one process are independent. */
#ifndef FLUXFORGE_IO_H
#define FLUXFORGE_IO_H

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The exit status of a process ended by a crash:N fault, so a test can tell an injected crash
 * from an ordinary failure. */
#define FF_IO_CRASH_EXIT_STATUS 86

/* The environment variable the CLI reads the fault specification from. */
#define FF_IO_FAULT_ENV "FLUXFORGE_FAULT"

typedef struct ff_io ff_io;

/* Creates a context from a fault specification (grammar above); NULL or "" means no fault.
 * The specification is borrowed for the call. Caller owns *out; free with ff_io_free().
 * @return FF_OK, FF_ERR_INVALID_ARGUMENT for a malformed specification (the message quotes
 *         it), FF_ERR_NO_MEMORY. */
ff_status ff_io_create(const char *fault_spec, ff_io **out, ff_error *err);

/* ff_io_create with the value of FLUXFORGE_FAULT, read once here. Caller owns *out. */
ff_status ff_io_create_from_env(ff_io **out, ff_error *err);

/* Frees the context. Accepts NULL. */
void ff_io_free(ff_io *io);

/* Number of mutating steps performed through io so far. */
uint64_t ff_io_num_steps(const ff_io *io);

/* True when the specification asked for the step count ("count"). */
bool ff_io_counts_steps(const ff_io *io);

#ifdef __cplusplus
}
#endif
#endif
