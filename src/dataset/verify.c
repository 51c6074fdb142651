/* Verify: the structural health of a dataset (DESIGN.md §1, §5; `fluxforge verify`).
 *
 * Checked here: discovery's problems (stray files, non-partition directories, inconsistent
 * partition columns, symbolic links); _fluxforge/ holds nothing but the lock, empty journal/
 * and stage/ directories, backups that each have a manifest and all their files, and a
 * history.jsonl of whole lines; and no name under _fluxforge/ ends in ".parquet" (a reader
 * globbing **.parquet must never pick up tool state).
 *
 * The checks that need the Parquet reader — every footer valid, in-file partition values
 * equal to the directory's — run through the caller's check_file hook, one call per file. */
#include "dataset/dataset_internal.h"

#include "util/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct report_impl {
    ff_verify_report pub; /* first, so the public pointer is the allocation */
    ff_arena arena;
    ds_messages problems;
} report_impl;

static ff_status report_add(report_impl *impl, ff_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ff_status report_add(report_impl *impl, ff_error *err, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    ff_status status = ds_messages_addv(&impl->problems, &impl->arena, err, fmt, args);
    va_end(args);
    impl->pub.num_problems = impl->problems.count;
    impl->pub.problems = impl->problems.items;
    return status;
}

void ff_verify_options_init(ff_verify_options *opts) {
    memset(opts, 0, sizeof *opts);
}

void ff_verify_report_free(ff_verify_report *report) {
    if (!report)
        return;
    report_impl *impl = (report_impl *)report;
    ff_arena_free(&impl->arena);
    ds_messages_free(&impl->problems);
    free(impl);
}

/* Reports every name ending in ".parquet" under the tool directory rel. */
static ff_status check_no_parquet(ff_dataset *ds, report_impl *impl, const char *rel,
                                  ff_error *err) {
    char path[FF_PATH_CAP], child_rel[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(ds_path(ds, rel, path, err));
    char **names = NULL;
    size_t num_names = 0;
    ff_status status;
    FF_CHECK_GOTO(status, ds_list_dir(path, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        const char *name = names[name_idx];
        FF_CHECK_GOTO(status, ff_path_join(child_rel, rel, name, err), cleanup);
        size_t len = strlen(name);
        if (len >= 8 && !strcmp(name + len - 8, ".parquet"))
            FF_CHECK_GOTO(status,
                          report_add(impl, err, "%s: a .parquet name inside tool state", child_rel),
                          cleanup);
        FF_CHECK_GOTO(status, ds_path(ds, child_rel, path, err), cleanup);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            FF_CHECK_GOTO(status, check_no_parquet(ds, impl, child_rel, err), cleanup);
    }
cleanup:
    ds_names_free(names, num_names);
    return status;
}

static ff_status check_history(ff_dataset *ds, report_impl *impl, ff_error *err) {
    char path[FF_PATH_CAP];
    FF_FORWARD_IF_ERROR(ds_path(ds, DS_HISTORY_REL, path, err));
    if (!ff_io_exists(path))
        return FF_OK;
    ff_buf text;
    ff_buf_init(&text, DS_RECORD_MAX);
    ff_status status = ff_io_read_file(path, DS_RECORD_MAX, &text, err);
    if (status == FF_OK && text.len > 0) {
        size_t line_idx = 0, pos = 0;
        while (pos < text.len && status == FF_OK) {
            const uint8_t *line = text.data + pos;
            const uint8_t *newline = memchr(line, '\n', text.len - pos);
            size_t line_len = newline ? (size_t)(newline - line) : text.len - pos;
            line_idx++;
            if (!newline || line_len < 2 || line[0] != '{' || line[line_len - 1] != '}')
                status = report_add(impl, err, "%s: line %zu is not a whole JSON object", path,
                                    line_idx);
            pos += line_len + 1;
        }
    }
    ff_buf_free(&text);
    return status;
}

static ff_status check_tool_dir(ff_dataset *ds, report_impl *impl, ff_error *err) {
    static const char *const known[] = {"backups", "history.jsonl", "journal",
                                        "lock",    "locks",         "stage"};
    char path[FF_PATH_CAP], rel[FF_PATH_CAP];
    char **names = NULL;
    size_t num_names = 0;
    ff_status status;
    FF_CHECK_GOTO(status, ds_path(ds, DS_TOOL_DIR, path, err), cleanup);
    FF_CHECK_GOTO(status, ds_list_dir(path, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        bool is_known = false;
        for (size_t known_idx = 0; known_idx < sizeof known / sizeof known[0]; known_idx++)
            is_known = is_known || !strcmp(names[name_idx], known[known_idx]);
        if (!is_known)
            FF_CHECK_GOTO(status,
                          report_add(impl, err, "%s/%s: unexpected entry in tool state",
                                     DS_TOOL_DIR, names[name_idx]),
                          cleanup);
    }
    ds_names_free(names, num_names);
    names = NULL;
    static const char *const must_be_empty[] = {DS_JOURNAL_REL, DS_STAGE_REL};
    for (size_t dir_idx = 0; dir_idx < 2; dir_idx++) {
        FF_CHECK_GOTO(status, ds_path(ds, must_be_empty[dir_idx], path, err), cleanup);
        FF_CHECK_GOTO(status, ds_list_dir(path, &names, &num_names, err), cleanup);
        for (size_t name_idx = 0; name_idx < num_names; name_idx++)
            FF_CHECK_GOTO(status,
                          report_add(impl, err,
                                     "%s/%s: unfinished transaction; run `fluxforge recover`",
                                     must_be_empty[dir_idx], names[name_idx]),
                          cleanup);
        ds_names_free(names, num_names);
        names = NULL;
    }
    FF_CHECK_GOTO(status, ds_path(ds, DS_BACKUPS_REL, path, err), cleanup);
    FF_CHECK_GOTO(status, ds_list_dir(path, &names, &num_names, err), cleanup);
    for (size_t name_idx = 0; name_idx < num_names; name_idx++) {
        char problem[FF_PATH_CAP + 256];
        if (!ds_is_txid(names[name_idx])) {
            FF_CHECK_GOTO(status,
                          report_add(impl, err, "%s/%s: unexpected entry in backups",
                                     DS_BACKUPS_REL, names[name_idx]),
                          cleanup);
            continue;
        }
        FF_CHECK_GOTO(status, ds_backup_verify(ds, names[name_idx], problem, sizeof problem, err),
                      cleanup);
        if (problem[0])
            FF_CHECK_GOTO(status, report_add(impl, err, "%s", problem), cleanup);
    }
    snprintf(rel, sizeof rel, "%s", DS_TOOL_DIR);
    FF_CHECK_GOTO(status, check_no_parquet(ds, impl, rel, err), cleanup);
    status = check_history(ds, impl, err);
cleanup:
    ds_names_free(names, num_names);
    return status;
}

ff_status ff_dataset_verify(ff_dataset *ds, const ff_verify_options *opts, ff_verify_report **out,
                            ff_error *err) {
    *out = NULL;
    ff_verify_options defaults;
    if (!opts) {
        ff_verify_options_init(&defaults);
        opts = &defaults;
    }
    report_impl *impl = ff_calloc(1, sizeof *impl, "verify report", err);
    if (!impl)
        return FF_ERR_NO_MEMORY;
    ff_arena_init(&impl->arena, 0);
    ff_discovery *discovery = NULL;
    ff_status status;
    FF_CHECK_GOTO(status, ff_dataset_discover(ds, &discovery, err), cleanup);
    impl->pub.num_files = discovery->num_files;
    for (size_t problem_idx = 0; problem_idx < discovery->num_problems; problem_idx++)
        FF_CHECK_GOTO(status, report_add(impl, err, "%s", discovery->problems[problem_idx]),
                      cleanup);
    for (size_t file_idx = 0; file_idx < discovery->num_files; file_idx++) {
        const ff_dataset_file *file = &discovery->files[file_idx];
        if (file_idx == 0 ||
            strcmp(file->partition_dir, discovery->files[file_idx - 1].partition_dir))
            impl->pub.num_partitions++;
        if (!opts->check_file)
            continue;
        ff_error file_err;
        ff_error_clear(&file_err);
        if (opts->check_file(opts->user, ds->root, file, discovery, &file_err) != FF_OK)
            FF_CHECK_GOTO(status, report_add(impl, err, "%s: %s", file->rel_path, file_err.message),
                          cleanup);
    }
    FF_CHECK_GOTO(status, check_tool_dir(ds, impl, err), cleanup);
cleanup:
    ff_discovery_free(discovery);
    if (status != FF_OK) {
        ff_verify_report_free(&impl->pub);
        return status;
    }
    impl->pub.problems = impl->problems.items;
    *out = &impl->pub;
    return FF_OK;
}
