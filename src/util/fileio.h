/* File I/O with fsync and fault injection (the internal side of include/fluxforge/io.h).
 *
 * Every function that changes the file system counts as one step of its ff_io and is where an
 * injected fault lands: creating a file, writing, truncating, fsync of a file or a directory,
 * rename, link, unlink, mkdir, rmdir. Composite helpers (write a whole file, copy, remove a
 * tree) are sequences of those steps, so a crash test that iterates N over every step also
 * lands between the parts of a composite. Reads and stats are not steps.
 *
 * Errors name the path and the system call: "DIR/x.tmp: fsync: No space left on device".
 * ENOSPC and EDQUOT map to FF_ERR_NO_SPACE, ENOENT to FF_ERR_NOT_FOUND, EEXIST to
 * FF_ERR_CONFLICT, everything else to FF_ERR_IO.
 *
 * Paths are plain NUL-terminated strings of at most FF_PATH_CAP - 1 bytes; ff_path_join checks
 * the limit so that a long partition value fails cleanly instead of being cut. */
#ifndef FF_UTIL_FILEIO_H
#define FF_UTIL_FILEIO_H

#include "util/mem.h"

#include <fluxforge/io.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FF_PATH_CAP 4096

/* out = a "/" b (just b when a is empty, just a when b is empty); FF_ERR_LIMIT if it does not
 * fit in FF_PATH_CAP. out must hold FF_PATH_CAP bytes and may not alias a or b. */
ff_status ff_path_join(char *out, const char *a, const char *b, ff_error *err);

/* Sets err from errno for a failed system call on path and returns the mapped status. */
ff_status ff_io_error_from_errno(ff_error *err, int errnum, const char *path, const char *call);

/* Creates path exclusively for writing (O_CREAT | O_EXCL, mode 0644). One step. */
ff_status ff_io_create_file(ff_io *io, const char *path, int *fd_out, ff_error *err);

/* Opens path for appending, creating it if missing. One step. */
ff_status ff_io_open_append(ff_io *io, const char *path, int *fd_out, ff_error *err);

/* Writes all len bytes to fd (retrying short writes). One step. path names fd in messages. */
ff_status ff_io_write(ff_io *io, int fd, const char *path, const void *data, size_t len,
                      ff_error *err);

/* fsync(fd). One step. */
ff_status ff_io_fsync(ff_io *io, int fd, const char *path, ff_error *err);

/* Asks the kernel to start writing path's dirty pages back now, without waiting (Linux
 * sync_file_range; nothing elsewhere). A hint, not a step: durability still comes from the
 * fsync that follows later, which then finds little left to write. Errors are ignored. */
void ff_io_start_writeback(const char *path);

/* Opens path read-only and fsyncs it: how a directory's entries (or a file written by someone
 * else) are made durable. One step. */
ff_status ff_io_fsync_path(ff_io *io, const char *path, ff_error *err);

/* Closes fd, reporting a failed close (it can carry a delayed write error). Not a step. */
ff_status ff_io_close(int fd, const char *path, ff_error *err);

/* Truncates the file at path to size bytes. One step. */
ff_status ff_io_truncate(ff_io *io, const char *path, int64_t size, ff_error *err);

/* Renames from to to, failing with FF_ERR_CONFLICT if to exists: renameat2(RENAME_NOREPLACE),
 * or, where the file system lacks it, link + unlink (two steps; a crash between leaves both
 * names on one inode, which the commit protocol's recovery recognizes). */
ff_status ff_io_rename_noreplace(ff_io *io, const char *from, const char *to, ff_error *err);

/* rename(2), replacing to: only for the tool's own atomic file replacement (journal, manifest).
 * One step. */
ff_status ff_io_rename_replace(ff_io *io, const char *from, const char *to, ff_error *err);

/* Hard-links from as to (fails if to exists). One step. */
ff_status ff_io_link(ff_io *io, const char *from, const char *to, ff_error *err);

/* Unlinks path; with missing_ok a missing path is success. One step. */
ff_status ff_io_unlink(ff_io *io, const char *path, bool missing_ok, ff_error *err);

/* Creates directory path (mode 0755); with exist_ok an existing directory is success. One step. */
ff_status ff_io_mkdir(ff_io *io, const char *path, bool exist_ok, ff_error *err);

/* Removes the empty directory path; with missing_ok a missing path is success. One step. */
ff_status ff_io_rmdir(ff_io *io, const char *path, bool missing_ok, ff_error *err);

/* Creates every missing directory of rel under the existing directory base (like mkdir -p) and
 * fsyncs the parent of each one it creates, so the new names are durable. */
ff_status ff_io_mkdirs(ff_io *io, const char *base, const char *rel, ff_error *err);

/* Writes a new file (exclusive create, write, fsync, close). */
ff_status ff_io_write_new_file(ff_io *io, const char *path, const void *data, size_t len,
                               ff_error *err);

/* Replaces path atomically in the manner of Redis's rdbSave: write path.tmp, fsync it, rename
 * over path, fsync the directory. A crash leaves either the old or the new content (and
 * possibly a stale path.tmp, which the next call replaces). */
ff_status ff_io_write_file_atomic(ff_io *io, const char *path, const void *data, size_t len,
                                  ff_error *err);

/* Copies from to a new file to (exclusive create), fsyncing it. Each chunk written is a step. */
ff_status ff_io_copy_file(ff_io *io, const char *from, const char *to, ff_error *err);

/* Removes path and everything below it (unlink / rmdir steps); a missing path is success.
 * Symbolic links are removed, never followed. */
ff_status ff_io_remove_tree(ff_io *io, const char *path, ff_error *err);

/* Reads a whole file into out (appending), failing with FF_ERR_LIMIT beyond max_len bytes.
 * Not a step. */
ff_status ff_io_read_file(const char *path, size_t max_len, ff_buf *out, ff_error *err);

/* True when path exists (lstat succeeds). */
bool ff_io_exists(const char *path);

/* Sleeps for the delay the fault specification asked for, if any. Used by long-running loops
 * that want kill tests to land inside them; a no-op otherwise. */
void ff_io_pause(ff_io *io);

#endif
