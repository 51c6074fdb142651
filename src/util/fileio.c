/* File I/O with fsync and fault injection (see fileio.h and include/fluxforge/io.h).
 *
 * io_step() is the single place a fault lands: each mutating function calls it once, before
 * touching the file system, and obeys its verdict. An injected crash is _exit() so that no
 * atexit handler, stdio flush or sanitizer leak check runs — the closest a test can get to a
 * power cut without losing the page cache. A crash on a write step first writes half of the
 * bytes, because a torn write is what a real crash leaves behind. A NULL ff_io is a context
 * without faults that counts nothing, so library code never needs a special case. */
#include "util/fileio.h"

#include "util/check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

typedef enum io_fault_kind {
    IO_FAULT_NONE = 0,
    IO_FAULT_CRASH,
    IO_FAULT_ENOSPC,
    IO_FAULT_EIO,
} io_fault_kind;

struct ff_io {
    io_fault_kind fault_kind;
    uint64_t fault_step; /* 1-based step the fault hits */
    uint64_t num_steps;
    uint64_t delay_us;
    bool counts_steps;
};

typedef enum io_verdict { IO_PROCEED, IO_CRASH, IO_FAIL } io_verdict;

/* Parses a positive decimal integer spanning [text, end); false if malformed or zero. */
static bool parse_count(const char *text, const char *end, uint64_t *out) {
    if (text == end)
        return false;
    uint64_t value = 0;
    for (const char *p = text; p < end; p++) {
        if (*p < '0' || *p > '9' || value > (UINT64_MAX - 9) / 10)
            return false;
        value = value * 10 + (uint64_t)(*p - '0');
    }
    *out = value;
    return value > 0;
}

ff_status ff_io_create(const char *fault_spec, ff_io **out, ff_error *err) {
    *out = NULL;
    ff_io *io = ff_calloc(1, sizeof *io, "I/O context", err);
    if (!io)
        return FF_ERR_NO_MEMORY;
    const char *item = fault_spec ? fault_spec : "";
    while (*item) {
        const char *item_end = strchr(item, ',');
        if (!item_end)
            item_end = item + strlen(item);
        const char *colon = memchr(item, ':', (size_t)(item_end - item));
        size_t key_len = (size_t)((colon ? colon : item_end) - item);
        uint64_t number = 0;
        bool has_number = colon && parse_count(colon + 1, item_end, &number);
        io_fault_kind kind = IO_FAULT_NONE;
        if (key_len == 5 && !memcmp(item, "count", 5) && !colon) {
            io->counts_steps = true;
        } else if (key_len == 5 && !memcmp(item, "delay", 5) && has_number) {
            io->delay_us = number;
        } else if (key_len == 5 && !memcmp(item, "crash", 5) && has_number) {
            kind = IO_FAULT_CRASH;
        } else if (key_len == 6 && !memcmp(item, "enospc", 6) && has_number) {
            kind = IO_FAULT_ENOSPC;
        } else if (key_len == 3 && !memcmp(item, "eio", 3) && has_number) {
            kind = IO_FAULT_EIO;
        } else {
            ff_io_free(io);
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "bad fault specification '%s': expected crash:N, enospc:N, "
                                "eio:N, count or delay:US",
                                fault_spec);
        }
        if (kind != IO_FAULT_NONE) {
            if (io->fault_kind != IO_FAULT_NONE) {
                ff_io_free(io);
                return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                    "bad fault specification '%s': only one fault at a time",
                                    fault_spec);
            }
            io->fault_kind = kind;
            io->fault_step = number;
        }
        item = *item_end ? item_end + 1 : item_end;
    }
    *out = io;
    return FF_OK;
}

ff_status ff_io_create_from_env(ff_io **out, ff_error *err) {
    return ff_io_create(getenv(FF_IO_FAULT_ENV), out, err);
}

void ff_io_free(ff_io *io) {
    free(io);
}

uint64_t ff_io_num_steps(const ff_io *io) {
    return io ? io->num_steps : 0;
}

bool ff_io_counts_steps(const ff_io *io) {
    return io && io->counts_steps;
}

void ff_io_pause(ff_io *io) {
    if (!io || !io->delay_us)
        return;
    struct timespec pause = {.tv_sec = (time_t)(io->delay_us / 1000000),
                             .tv_nsec = (long)(io->delay_us % 1000000) * 1000};
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
    }
}

/* Counts one step and decides its fate. On IO_FAIL, *injected_errno holds the errno to
 * report. */
static io_verdict io_step(ff_io *io, int *injected_errno) {
    if (!io)
        return IO_PROCEED;
    ff_io_pause(io);
    io->num_steps++;
    if (io->fault_kind == IO_FAULT_NONE || io->num_steps != io->fault_step)
        return IO_PROCEED;
    switch (io->fault_kind) {
    case IO_FAULT_CRASH:
        return IO_CRASH;
    case IO_FAULT_ENOSPC:
        *injected_errno = ENOSPC;
        return IO_FAIL;
    case IO_FAULT_EIO:
        *injected_errno = EIO;
        return IO_FAIL;
    case IO_FAULT_NONE:
        break;
    }
    return IO_PROCEED;
}

static _Noreturn void io_crash(void) {
    _exit(FF_IO_CRASH_EXIT_STATUS);
}

ff_status ff_io_error_from_errno(ff_error *err, int errnum, const char *path, const char *call) {
    ff_status code = FF_ERR_IO;
    if (errnum == ENOSPC || errnum == EDQUOT)
        code = FF_ERR_NO_SPACE;
    else if (errnum == ENOENT)
        code = FF_ERR_NOT_FOUND;
    else if (errnum == EEXIST || errnum == ENOTEMPTY)
        code = FF_ERR_CONFLICT;
    else if (errnum == ENOMEM)
        code = FF_ERR_NO_MEMORY;
    return ff_error_set(err, code, "%s: %s: %s", path, call, strerror(errnum));
}

/* Reports an injected failure like a real one, marked so a test log tells them apart. */
static ff_status io_injected_error(ff_io *io, int injected, const char *path, const char *call,
                                   ff_error *err) {
    ff_io_error_from_errno(err, injected, path, call);
    if (err) {
        size_t len = strlen(err->message);
        snprintf(err->message + len, sizeof err->message - len, " (injected at step %llu)",
                 (unsigned long long)io->num_steps);
    }
    return ff_io_error_from_errno(NULL, injected, path, call);
}

/* Runs the step protocol for a simple call: returns FF_OK to proceed, or the injected error
 * (crashes do not return). */
static ff_status io_begin(ff_io *io, const char *path, const char *call, ff_error *err) {
    int injected = 0;
    switch (io_step(io, &injected)) {
    case IO_PROCEED:
        return FF_OK;
    case IO_CRASH:
        io_crash();
    case IO_FAIL:
        break;
    }
    return io_injected_error(io, injected, path, call, err);
}

ff_status ff_path_join(char *out, const char *a, const char *b, ff_error *err) {
    size_t a_len = strlen(a), b_len = strlen(b);
    size_t total = a_len + b_len + (a_len && b_len ? 1 : 0);
    if (total >= FF_PATH_CAP)
        return ff_error_set(err, FF_ERR_LIMIT, "%s/%s: path longer than %d bytes", a, b,
                            FF_PATH_CAP - 1);
    memcpy(out, a, a_len);
    size_t used = a_len;
    if (a_len && b_len)
        out[used++] = '/';
    memcpy(out + used, b, b_len);
    out[total] = '\0';
    return FF_OK;
}

ff_status ff_io_create_file(ff_io *io, const char *path, int *fd_out, ff_error *err) {
    *fd_out = -1;
    FF_FORWARD_IF_ERROR(io_begin(io, path, "create", err));
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return ff_io_error_from_errno(err, errno, path, "create");
    *fd_out = fd;
    return FF_OK;
}

ff_status ff_io_open_append(ff_io *io, const char *path, int *fd_out, ff_error *err) {
    *fd_out = -1;
    FF_FORWARD_IF_ERROR(io_begin(io, path, "open", err));
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return ff_io_error_from_errno(err, errno, path, "open");
    *fd_out = fd;
    return FF_OK;
}

/* write(2) until all bytes are out or an error that is not EINTR. */
static int write_fully(int fd, const uint8_t *bytes, size_t len) {
    while (len > 0) {
        ssize_t written = write(fd, bytes, len);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        bytes += written;
        len -= (size_t)written;
    }
    return 0;
}

ff_status ff_io_write(ff_io *io, int fd, const char *path, const void *data, size_t len,
                      ff_error *err) {
    int injected = 0;
    switch (io_step(io, &injected)) {
    case IO_PROCEED:
        break;
    case IO_CRASH:
        (void)write_fully(fd, data, len / 2);
        io_crash();
    case IO_FAIL:
        return io_injected_error(io, injected, path, "write", err);
    }
    int errnum = write_fully(fd, data, len);
    if (errnum)
        return ff_io_error_from_errno(err, errnum, path, "write");
    return FF_OK;
}

ff_status ff_io_fsync(ff_io *io, int fd, const char *path, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, path, "fsync", err));
    if (fsync(fd) != 0)
        return ff_io_error_from_errno(err, errno, path, "fsync");
    return FF_OK;
}

void ff_io_start_writeback(const char *path) {
#ifdef __linux__
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    close(fd);
#else
    (void)path;
#endif
}

ff_status ff_io_fsync_path(ff_io *io, const char *path, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, path, "fsync", err));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ff_io_error_from_errno(err, errno, path, "open for fsync");
    ff_status status = FF_OK;
    if (fsync(fd) != 0)
        status = ff_io_error_from_errno(err, errno, path, "fsync");
    close(fd);
    return status;
}

ff_status ff_io_close(int fd, const char *path, ff_error *err) {
    if (fd < 0)
        return FF_OK;
    if (close(fd) != 0 && errno != EINTR)
        return ff_io_error_from_errno(err, errno, path, "close");
    return FF_OK;
}

ff_status ff_io_truncate(ff_io *io, const char *path, int64_t size, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, path, "truncate", err));
    if (truncate(path, (off_t)size) != 0)
        return ff_io_error_from_errno(err, errno, path, "truncate");
    return FF_OK;
}

ff_status ff_io_link(ff_io *io, const char *from, const char *to, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, to, "link", err));
    if (link(from, to) != 0)
        return ff_io_error_from_errno(err, errno, to, "link");
    return FF_OK;
}

ff_status ff_io_unlink(ff_io *io, const char *path, bool missing_ok, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, path, "unlink", err));
    if (unlink(path) != 0 && !(missing_ok && errno == ENOENT))
        return ff_io_error_from_errno(err, errno, path, "unlink");
    return FF_OK;
}

ff_status ff_io_rename_noreplace(ff_io *io, const char *from, const char *to, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, to, "rename", err));
    if (syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return FF_OK;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return ff_io_error_from_errno(err, errno, to, "rename");
    /* No RENAME_NOREPLACE here: link refuses an existing name just the same; the second
     * name goes away in a separate step. */
    if (link(from, to) != 0)
        return ff_io_error_from_errno(err, errno, to, "link");
    return ff_io_unlink(io, from, false, err);
}

ff_status ff_io_rename_replace(ff_io *io, const char *from, const char *to, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, to, "rename", err));
    if (rename(from, to) != 0)
        return ff_io_error_from_errno(err, errno, to, "rename");
    return FF_OK;
}

ff_status ff_io_mkdir(ff_io *io, const char *path, bool exist_ok, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, path, "mkdir", err));
    if (mkdir(path, 0755) == 0)
        return FF_OK;
    int errnum = errno;
    struct stat st;
    if (exist_ok && errnum == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return FF_OK;
    return ff_io_error_from_errno(err, errnum, path, "mkdir");
}

ff_status ff_io_rmdir(ff_io *io, const char *path, bool missing_ok, ff_error *err) {
    FF_FORWARD_IF_ERROR(io_begin(io, path, "rmdir", err));
    if (rmdir(path) != 0 && !(missing_ok && errno == ENOENT))
        return ff_io_error_from_errno(err, errno, path, "rmdir");
    return FF_OK;
}

ff_status ff_io_mkdirs(ff_io *io, const char *base, const char *rel, ff_error *err) {
    char path[FF_PATH_CAP], parent[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(ff_path_join(path, base, rel, err));
    size_t base_len = strlen(base);
    /* Walk the components of rel left to right, creating what is missing. */
    for (size_t pos = base_len + 1; pos <= strlen(path); pos++) {
        if (path[pos] != '/' && path[pos] != '\0')
            continue;
        char saved = path[pos];
        path[pos] = '\0';
        struct stat st;
        if (lstat(path, &st) != 0) {
            FF_FORWARD_IF_ERROR(ff_io_mkdir(io, path, true, err));
            memcpy(parent, path, pos + 1);
            char *slash = strrchr(parent, '/');
            if (slash)
                *slash = '\0';
            FF_FORWARD_IF_ERROR(ff_io_fsync_path(io, slash ? parent : ".", err));
        } else if (!S_ISDIR(st.st_mode)) {
            return ff_error_set(err, FF_ERR_CONFLICT, "%s: exists and is not a directory", path);
        }
        path[pos] = saved;
    }
    return FF_OK;
}

ff_status ff_io_write_new_file(ff_io *io, const char *path, const void *data, size_t len,
                               ff_error *err) {
    int fd = -1;
    ff_status status;
    FF_CHECK_GOTO(status, ff_io_create_file(io, path, &fd, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_write(io, fd, path, data, len, err), cleanup);
    FF_CHECK_GOTO(status, ff_io_fsync(io, fd, path, err), cleanup);
    status = ff_io_close(fd, path, err);
    fd = -1;
cleanup:
    if (fd >= 0)
        close(fd);
    return status;
}

ff_status ff_io_write_file_atomic(ff_io *io, const char *path, const void *data, size_t len,
                                  ff_error *err) {
    char tmp_path[FF_PATH_CAP], dir[FF_PATH_CAP];
    size_t path_len = strlen(path);
    if (path_len + 4 >= FF_PATH_CAP)
        return ff_error_set(err, FF_ERR_LIMIT, "%s: path too long", path);
    memcpy(tmp_path, path, path_len);
    memcpy(tmp_path + path_len, ".tmp", 5);
    /* A stale temp file is a leftover of an earlier crash: its content never counted. */
    FF_FORWARD_IF_ERROR(ff_io_unlink(io, tmp_path, true, err));
    FF_FORWARD_IF_ERROR(ff_io_write_new_file(io, tmp_path, data, len, err));
    FF_FORWARD_IF_ERROR(ff_io_rename_replace(io, tmp_path, path, err));
    memcpy(dir, path, path_len + 1);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    return ff_io_fsync_path(io, slash ? dir : ".", err);
}

ff_status ff_io_copy_file(ff_io *io, const char *from, const char *to, ff_error *err) {
    enum { COPY_CHUNK = 1 << 20 };
    int in_fd = -1, out_fd = -1;
    uint8_t *chunk = NULL;
    ff_status status = FF_OK;
    in_fd = open(from, O_RDONLY | O_CLOEXEC);
    if (in_fd < 0) {
        status = ff_io_error_from_errno(err, errno, from, "open");
        goto cleanup;
    }
    chunk = ff_malloc(COPY_CHUNK, "copy buffer", err);
    if (!chunk) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    FF_CHECK_GOTO(status, ff_io_create_file(io, to, &out_fd, err), cleanup);
    for (;;) {
        ssize_t got = read(in_fd, chunk, COPY_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            status = ff_io_error_from_errno(err, errno, from, "read");
            goto cleanup;
        }
        if (got == 0)
            break;
        FF_CHECK_GOTO(status, ff_io_write(io, out_fd, to, chunk, (size_t)got, err), cleanup);
    }
    FF_CHECK_GOTO(status, ff_io_fsync(io, out_fd, to, err), cleanup);
    status = ff_io_close(out_fd, to, err);
    out_fd = -1;
cleanup:
    if (in_fd >= 0)
        close(in_fd);
    if (out_fd >= 0)
        close(out_fd);
    free(chunk);
    return status;
}

ff_status ff_io_remove_tree(ff_io *io, const char *path, ff_error *err) {
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? FF_OK : ff_io_error_from_errno(err, errno, path, "lstat");
    if (!S_ISDIR(st.st_mode))
        return ff_io_unlink(io, path, true, err);
    ff_status status = FF_OK;
    DIR *dir = opendir(path);
    if (!dir)
        return ff_io_error_from_errno(err, errno, path, "opendir");
    /* Collect names first: removing while iterating is allowed but the order of readdir
     * after a removal is unspecified, and sorted removal keeps step counts deterministic. */
    char **names = NULL;
    size_t num_names = 0, names_cap = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        if (num_names == names_cap) {
            size_t new_cap = names_cap ? names_cap * 2 : 16;
            char **grown = ff_realloc(names, new_cap * sizeof *names, "directory listing", err);
            if (!grown) {
                status = FF_ERR_NO_MEMORY;
                goto cleanup;
            }
            names = grown;
            names_cap = new_cap;
        }
        names[num_names] = ff_strndup(entry->d_name, strlen(entry->d_name), err);
        if (!names[num_names]) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        num_names++;
    }
    for (size_t i = 1; i < num_names; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *swap = names[j];
            names[j] = names[j - 1];
            names[j - 1] = swap;
        }
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        char child[FF_PATH_CAP];
        FF_CHECK_GOTO(status, ff_path_join(child, path, names[name_idx], err), cleanup);
        FF_CHECK_GOTO(status, ff_io_remove_tree(io, child, err), cleanup);
    }
    status = ff_io_rmdir(io, path, true, err);
cleanup:
    closedir(dir);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++)
        free(names[name_idx]);
    free(names);
    return status;
}

ff_status ff_io_read_file(const char *path, size_t max_len, ff_buf *out, ff_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ff_io_error_from_errno(err, errno, path, "open");
    ff_status status = FF_OK;
    size_t start_len = out->len;
    for (;;) {
        FF_CHECK_GOTO(status, ff_buf_reserve(out, 4096, err), cleanup);
        size_t room = out->cap - out->len;
        ssize_t got = read(fd, out->data + out->len, room);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            status = ff_io_error_from_errno(err, errno, path, "read");
            goto cleanup;
        }
        if (got == 0)
            break;
        out->len += (size_t)got;
        if (out->len - start_len > max_len) {
            status = ff_error_set(err, FF_ERR_LIMIT, "%s: larger than %zu bytes", path, max_len);
            goto cleanup;
        }
    }
cleanup:
    if (status != FF_OK && status != FF_ERR_NO_MEMORY && err && strstr(err->message, path) == NULL)
        ff_error_prefix(err, "%s", path);
    close(fd);
    return status;
}

bool ff_io_exists(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}
