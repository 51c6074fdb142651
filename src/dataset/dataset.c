/* The dataset handle: opening a dataset, the writer lock, transaction ids, and the small path
 * helpers the rest of src/dataset shares (DESIGN.md §1 and §5 step 1).
 *
 * A writer holds its locks (lock.c: the dataset lock, exclusive or shared, and partition
 * locks) for the life of its handle; the kernel releases them when the process dies, so a
 * crashed writer never leaves a stale lock. */
#include "dataset/dataset_internal.h"

#include "util/check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void ff_dataset_options_init(ff_dataset_options *opts) {
    memset(opts, 0, sizeof *opts);
    opts->mode = FF_DATASET_READ;
}

const char *ff_dataset_root(const ff_dataset *ds) {
    return ds->root;
}

ff_io *ff_dataset_io(const ff_dataset *ds) {
    return ds->io;
}

ff_status ds_path(const ff_dataset *ds, const char *rel, char *out, ff_error *err) {
    return ff_path_join(out, ds->root, rel, err);
}

ff_status ds_journal_path(const ff_dataset *ds, const char *txid, ds_journal_state state, char *out,
                          ff_error *err) {
    static const char *const suffixes[] = {"", ".undo", ".done"};
    char rel[FF_PATH_CAP];
    snprintf(rel, sizeof rel, "%s/%s%s", DS_JOURNAL_REL, txid, suffixes[state]);
    return ds_path(ds, rel, out, err);
}

void ds_new_txid(ff_dataset *ds, char out[FF_TXID_CAP]) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm utc;
    time_t seconds = now.tv_sec;
    gmtime_r(&seconds, &utc);
    uint32_t random_part = 0;
    if (getrandom(&random_part, sizeof random_part, GRND_NONBLOCK) != sizeof random_part)
        random_part = (uint32_t)getpid() * 2654435761u ^ (uint32_t)now.tv_nsec;
    char stamp[24];
    if (strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc) != 15)
        memcpy(stamp, "19700101T000000", 16);
    unsigned micros = (unsigned)(now.tv_nsec / 1000) % 1000000u;
    snprintf(out, FF_TXID_CAP, "%.15s%06u-%08" PRIx32, stamp, micros, random_part);
    /* Ids sort by time; if the clock stepped back, stay after the last id of this handle so a
     * group of commits keeps its order. */
    if (strcmp(out, ds->last_txid) <= 0 && ds->last_txid[0]) {
        memcpy(out, ds->last_txid, FF_TXID_CAP);
        size_t dash = strcspn(out, "-");
        for (size_t pos = dash; pos-- > 0;) {
            if (out[pos] < '9' && out[pos] >= '0') {
                out[pos]++;
                break;
            }
            if (out[pos] == '9')
                out[pos] = '0';
        }
    }
    memcpy(ds->last_txid, out, FF_TXID_CAP);
}

bool ds_is_txid(const char *text) {
    size_t len = strlen(text);
    if (len == 0 || len >= FF_TXID_CAP)
        return false;
    for (size_t pos = 0; pos < len; pos++) {
        char c = text[pos];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-'))
            return false;
    }
    return true;
}

ff_status ds_identity(const char *path, ff_file_identity *out, ff_error *err) {
    struct stat st;
    if (lstat(path, &st) != 0)
        return ff_io_error_from_errno(err, errno, path, "stat");
    out->size = (int64_t)st.st_size;
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    out->inode = (uint64_t)st.st_ino;
    out->device = (uint64_t)st.st_dev;
    return FF_OK;
}

bool ds_identity_equal(const ff_file_identity *a, const ff_file_identity *b) {
    return a->size == b->size && a->mtime_ns == b->mtime_ns && a->inode == b->inode &&
           a->device == b->device;
}

ff_status ds_check_rel_path(const char *rel, bool is_file, ff_error *err) {
    size_t len = strlen(rel);
    if (len == 0)
        return is_file ? ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "empty file path") : FF_OK;
    if (rel[0] == '/')
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "'%s' is not a relative path", rel);
    const char *segment = rel;
    for (;;) {
        const char *slash = strchr(segment, '/');
        size_t segment_len = slash ? (size_t)(slash - segment) : strlen(segment);
        bool is_last = !slash;
        if (segment_len == 0 || segment[0] == '.' || segment[0] == '_')
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "'%s': empty, hidden or '_' segment in a data path", rel);
        if (!(is_last && is_file) && !memchr(segment, '=', segment_len))
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "'%s': directory '%.*s' is not name=value", rel, (int)segment_len,
                                segment);
        if (is_last)
            break;
        segment = slash + 1;
    }
    if (is_file && (len < 8 || strcmp(rel + len - 8, ".parquet") != 0))
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "'%s' does not end in .parquet", rel);
    return FF_OK;
}

void ds_names_free(char **names, size_t num) {
    for (size_t name_idx = 0; name_idx < num; name_idx++)
        free(names[name_idx]);
    free(names);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

ff_status ds_list_dir(const char *path, char ***names_out, size_t *num_out, ff_error *err) {
    *names_out = NULL;
    *num_out = 0;
    DIR *dir = opendir(path);
    if (!dir)
        return errno == ENOENT ? FF_OK : ff_io_error_from_errno(err, errno, path, "opendir");
    char **names = NULL;
    size_t num = 0, cap = 0;
    ff_status status = FF_OK;
    struct dirent *entry;
    errno = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        if (num == cap) {
            size_t new_cap = cap ? cap * 2 : 16;
            char **grown = ff_realloc(names, new_cap * sizeof *names, "directory listing", err);
            if (!grown) {
                status = FF_ERR_NO_MEMORY;
                goto cleanup;
            }
            names = grown;
            cap = new_cap;
        }
        names[num] = ff_strndup(entry->d_name, strlen(entry->d_name), err);
        if (!names[num]) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        num++;
    }
    if (num > 1)
        qsort(names, num, sizeof *names, compare_names);
cleanup:
    closedir(dir);
    if (status != FF_OK) {
        ds_names_free(names, num);
        return status;
    }
    *names_out = names;
    *num_out = num;
    return FF_OK;
}

ff_status ff_dataset_open(const char *root, const ff_dataset_options *opts, ff_dataset **out,
                          ff_error *err) {
    *out = NULL;
    ff_dataset_options defaults;
    if (!opts) {
        ff_dataset_options_init(&defaults);
        opts = &defaults;
    }
    ff_status status = FF_OK;
    ff_dataset *ds = ff_calloc(1, sizeof *ds, "dataset", err);
    if (!ds)
        return FF_ERR_NO_MEMORY;
    ds->lock_fd = -1;
    ds->mode = opts->mode;
    ds->io = opts->io;
    size_t root_len = strlen(root);
    while (root_len > 1 && root[root_len - 1] == '/')
        root_len--;
    ds->root = ff_strndup(root, root_len, err);
    if (!ds->root) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    if (opts->backup_dir) {
        ds->backup_dir = ff_strndup(opts->backup_dir, strlen(opts->backup_dir), err);
        if (!ds->backup_dir) {
            status = FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        if (ds->backup_dir[0] != '/') {
            status =
                ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                             "backup directory '%s' must be an absolute path", opts->backup_dir);
            goto cleanup;
        }
    }
    struct stat st;
    if (stat(ds->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        int errnum = errno;
        if (opts->mode == FF_DATASET_WRITE && opts->create_if_missing && errnum == ENOENT) {
            FF_CHECK_GOTO(status, ff_io_mkdir(ds->io, ds->root, true, err), cleanup);
        } else {
            status = ff_error_set(err, FF_ERR_NOT_FOUND, "%s: no such dataset directory", root);
            goto cleanup;
        }
    }
    if (opts->mode == FF_DATASET_WRITE) {
        static const char *const tool_dirs[] = {DS_JOURNAL_REL, DS_STAGE_REL, DS_BACKUPS_REL};
        for (size_t dir_idx = 0; dir_idx < 3; dir_idx++)
            FF_CHECK_GOTO(status, ff_io_mkdirs(ds->io, ds->root, tool_dirs[dir_idx], err), cleanup);
        /* Lock files hold no data, so their directory is made outside the counted steps. */
        char locks_dir[FF_PATH_CAP];
        FF_CHECK_GOTO(status, ds_path(ds, DS_LOCKS_REL, locks_dir, err), cleanup);
        if (mkdir(locks_dir, 0755) != 0 && errno != EEXIST) {
            status = ff_io_error_from_errno(err, errno, locks_dir, "mkdir");
            goto cleanup;
        }
        bool is_partitioned = opts->lock_scope == FF_LOCK_PARTITIONS;
        ds->lock_scope = is_partitioned ? FF_LOCK_PARTITIONS : FF_LOCK_DATASET;
        ds->selection = opts->partitions;
        ds->num_selection = opts->partitions ? opts->num_partitions : 0;
        ds->wait_for_lock = opts->wait_for_lock;
        ds->skip_recover = opts->skip_recover;
        FF_CHECK_GOTO(status, ds_lock_dataset(ds, !is_partitioned, opts->wait_for_lock, err),
                      cleanup);
        /* A partition writer recovers once it holds its partitions (lock.c). */
        if (!opts->skip_recover && !is_partitioned) {
            FF_CHECK_GOTO(status, ff_dataset_recover(ds, NULL, err), cleanup);
            ds->has_recovered = true;
        }
    }
cleanup:
    if (status != FF_OK) {
        ff_dataset_close(ds);
        return status;
    }
    *out = ds;
    return FF_OK;
}

void ff_dataset_close(ff_dataset *ds) {
    if (!ds)
        return;
    ds_unlock_all(ds);
    free(ds->root);
    free(ds->backup_dir);
    free(ds);
}
