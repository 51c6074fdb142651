/* Discovery: the files of a dataset and their partition values (DESIGN.md §1).
 *
 * The walk follows the conventions Spark and PyArrow share: names starting with `_` or `.`
 * are skipped (that hides _fluxforge/, _SUCCESS, .DS_Store), directories are `name=value`
 * segments decoded by ff_partition_segment_decode, and only files ending in `.parquet` are
 * data. Symbolic links are never followed, so no entry can lead outside the root. Anything
 * else is reported as a problem with its path rather than silently guessed at; operations
 * decide whether a problem stops them, verify reports them all.
 *
 * Footers are not read here: the operations read them when they open a file, and build the
 * dataset schema as the union of the file schemas (src/ops/ops_schema.c). */
#include "dataset/dataset_internal.h"

#include "util/check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct discovery_impl {
    ff_discovery pub; /* first, so the public pointer is the allocation */
    ff_arena arena;
    ff_dataset_file *files;
    size_t files_cap;
    ds_messages problems;
    const char **columns; /* partition columns of the first file found */
    bool has_columns;
} discovery_impl;

/* The partition values of the directory being walked, outermost first. */
typedef struct walk_frame {
    const char *names[64];
    ff_partition_value values[64];
    size_t depth;
} walk_frame;

static ff_status add_problem(discovery_impl *impl, ff_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ff_status add_problem(discovery_impl *impl, ff_error *err, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    ff_status status = ds_messages_addv(&impl->problems, &impl->arena, err, fmt, args);
    va_end(args);
    impl->pub.num_problems = impl->problems.count;
    return status;
}

static bool ends_with(const char *name, const char *suffix) {
    size_t len = strlen(name), suffix_len = strlen(suffix);
    return len >= suffix_len && !strcmp(name + len - suffix_len, suffix);
}

/* Records a .parquet file found at rel (its directory is dir_rel) under frame's values. */
static ff_status add_file(discovery_impl *impl, const char *root, const char *rel,
                          const char *dir_rel, const walk_frame *frame, ff_error *err) {
    if (!impl->has_columns) {
        impl->has_columns = true;
        impl->pub.num_partition_columns = frame->depth;
        impl->columns = ff_arena_array(&impl->arena, frame->depth ? frame->depth : 1,
                                       sizeof *impl->columns, err);
        if (!impl->columns)
            return FF_ERR_NO_MEMORY;
        for (size_t level = 0; level < frame->depth; level++)
            impl->columns[level] = frame->names[level];
        impl->pub.partition_columns = impl->columns;
    }
    bool is_consistent = frame->depth == impl->pub.num_partition_columns;
    for (size_t level = 0; is_consistent && level < frame->depth; level++)
        is_consistent = !strcmp(frame->names[level], impl->columns[level]);
    if (!is_consistent)
        return add_problem(impl, err,
                           "%s: partition directories differ from the dataset's (%zu levels, "
                           "first '%s'); file skipped",
                           rel, impl->pub.num_partition_columns,
                           impl->pub.num_partition_columns ? impl->columns[0] : "");
    char path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(ff_path_join(path, root, rel, err));
    if (impl->pub.num_files == impl->files_cap) {
        size_t new_cap = impl->files_cap ? impl->files_cap * 2 : 64;
        ff_dataset_file *grown = ff_realloc(impl->files, new_cap * sizeof *grown, "file list", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        impl->files = grown;
        impl->files_cap = new_cap;
    }
    ff_dataset_file *file = &impl->files[impl->pub.num_files];
    memset(file, 0, sizeof *file);
    ff_status status = ds_identity(path, &file->identity, err);
    if (status == FF_ERR_NOT_FOUND) {
        /* Replaced by a writer of another partition since the listing: not part of what it
         * left, and not ours to plan. */
        ff_error_clear(err);
        return FF_OK;
    }
    if (status != FF_OK)
        return status;
    file->rel_path = ff_arena_strndup(&impl->arena, rel, strlen(rel), err);
    file->partition_dir = ff_arena_strndup(&impl->arena, dir_rel, strlen(dir_rel), err);
    ff_partition_value *values =
        ff_arena_array(&impl->arena, frame->depth ? frame->depth : 1, sizeof *values, err);
    if (!file->rel_path || !file->partition_dir || !values)
        return FF_ERR_NO_MEMORY;
    memcpy(values, frame->values, frame->depth * sizeof *values);
    file->values = values;
    impl->pub.num_files++;
    return FF_OK;
}

static ff_status walk(discovery_impl *impl, const char *root, const char *dir_rel,
                      walk_frame *frame, ff_error *err) {
    char dir_path[FF_PATH_CAP], child_rel[FF_PATH_CAP], child_path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(ff_path_join(dir_path, root, dir_rel, err));
    char **names = NULL;
    size_t num_names = 0;
    ff_status status;
    FF_CHECK_GOTO(status, ds_list_dir(dir_path, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        const char *name = names[name_idx];
        if (name[0] == '_' || name[0] == '.')
            continue;
        FF_CHECK_GOTO(status, ff_path_join(child_rel, dir_rel, name, err), cleanup);
        FF_CHECK_GOTO(status, ff_path_join(child_path, root, child_rel, err), cleanup);
        struct stat st;
        if (lstat(child_path, &st) != 0) {
            if (errno == ENOENT)
                continue; /* removed while we walked */
            status = ff_io_error_from_errno(err, errno, child_path, "stat");
            goto cleanup;
        }
        if (S_ISLNK(st.st_mode)) {
            FF_CHECK_GOTO(status,
                          add_problem(impl, err, "%s: symbolic link, not followed", child_rel),
                          cleanup);
        } else if (S_ISDIR(st.st_mode)) {
            size_t name_len = strlen(name);
            char *column = ff_arena_alloc(&impl->arena, name_len + 1, err);
            uint8_t *value = ff_arena_alloc(&impl->arena, name_len + 1, err);
            if (!column || !value) {
                status = FF_ERR_NO_MEMORY;
                goto cleanup;
            }
            size_t column_len = 0, value_len = 0;
            bool is_null = false;
            if (ff_partition_segment_decode(name, name_len, column, &column_len, value, &value_len,
                                            &is_null, NULL) != FF_OK) {
                FF_CHECK_GOTO(status,
                              add_problem(impl, err,
                                          "%s: directory is not a name=value partition; skipped",
                                          child_rel),
                              cleanup);
                continue;
            }
            if (frame->depth == sizeof frame->names / sizeof frame->names[0]) {
                FF_CHECK_GOTO(
                    status,
                    add_problem(impl, err, "%s: more than 64 partition levels; skipped", child_rel),
                    cleanup);
                continue;
            }
            frame->names[frame->depth] = column;
            frame->values[frame->depth] =
                (ff_partition_value){.bytes = value, .len = value_len, .is_null = is_null};
            frame->depth++;
            status = walk(impl, root, child_rel, frame, err);
            frame->depth--;
            if (status != FF_OK)
                goto cleanup;
        } else if (S_ISREG(st.st_mode) && ends_with(name, ".parquet")) {
            FF_CHECK_GOTO(status, add_file(impl, root, child_rel, dir_rel, frame, err), cleanup);
        } else {
            FF_CHECK_GOTO(status,
                          add_problem(impl, err, "%s: not a .parquet file; ignored", child_rel),
                          cleanup);
        }
    }
    status = FF_OK;
cleanup:
    ds_names_free(names, num_names);
    return status;
}

static int compare_files(const void *a, const void *b) {
    return strcmp(((const ff_dataset_file *)a)->rel_path, ((const ff_dataset_file *)b)->rel_path);
}

void ff_discovery_free(ff_discovery *discovery) {
    if (!discovery)
        return;
    discovery_impl *impl = (discovery_impl *)discovery;
    ff_arena_free(&impl->arena);
    free(impl->files);
    ds_messages_free(&impl->problems);
    free(impl);
}

void ds_discovery_retain(ff_discovery *discovery, const bool *keep) {
    discovery_impl *impl = (discovery_impl *)discovery;
    size_t num_kept = 0;
    for (size_t file_idx = 0; file_idx < impl->pub.num_files; file_idx++)
        if (keep[file_idx])
            impl->files[num_kept++] = impl->files[file_idx];
    impl->pub.num_files = num_kept;
}

ff_status ff_dataset_discover(ff_dataset *ds, ff_discovery **out, ff_error *err) {
    if (ds->mode == FF_DATASET_WRITE && ds->lock_scope == FF_LOCK_PARTITIONS)
        return ff_dataset_discover_partitions(ds, ds->selection, ds->num_selection, out, err);
    return ds_discover_all(ds, out, err);
}

ff_status ds_discover_all(ff_dataset *ds, ff_discovery **out, ff_error *err) {
    *out = NULL;
    discovery_impl *impl = ff_calloc(1, sizeof *impl, "discovery", err);
    if (!impl)
        return FF_ERR_NO_MEMORY;
    ff_arena_init(&impl->arena, 0);
    walk_frame frame;
    frame.depth = 0;
    ff_status status = walk(impl, ds->root, "", &frame, err);
    if (status != FF_OK) {
        ff_discovery_free(&impl->pub);
        return status;
    }
    /* The walk visits sorted names depth-first, which is not quite rel_path order ("k=1/" sorts
     * after "k=1.5/"): sort once so callers can rely on it. */
    if (impl->pub.num_files > 1) /* qsort wants a non-NULL array even for no files */
        qsort(impl->files, impl->pub.num_files, sizeof *impl->files, compare_files);
    impl->pub.files = impl->files;
    impl->pub.problems = impl->problems.items;
    if (!impl->has_columns)
        impl->pub.partition_columns = NULL;
    *out = &impl->pub;
    return FF_OK;
}
