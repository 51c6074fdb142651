/* Helpers for dataset tests on scratch trees: creating files, a content fingerprint of the
 * data part of a tree, counting entries of a tool directory. The fingerprint is the sorted
 * list of "partition dir<TAB>content" lines for every .parquet file outside _fluxforge/ (and
 * "path<TAB>(stray)" for anything else there), so it compares states by what readers would
 * see — file names that embed a txid differ between runs, contents and places do not. */
#ifndef FF_DS_TEST_UTIL_H
#define FF_DS_TEST_UTIL_H

#include "util/fileio.h"

#include <fluxforge/dataset.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* snprintf into an array, ending the test run if it does not fit (never expected). */
#define DS_TEST_FORMAT(buf, ...)                                                                   \
    do {                                                                                           \
        if (snprintf((buf), sizeof(buf), __VA_ARGS__) >= (int)sizeof(buf)) {                       \
            fprintf(stderr, "%s:%d: text too long\n", __FILE__, __LINE__);                         \
            exit(2);                                                                               \
        }                                                                                          \
    } while (0)

/* Scratch directories live on /dev/shm when it is there: fsync is free on tmpfs, and the
 * fault loops fsync thousands of times. The protocol's steps are the same on any file system. */
static inline void ds_test_scratch(char out[64]) {
    struct stat st;
    const char *base = getenv("FF_TEST_TMP");
    if (!base)
        base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0
                   ? "/dev/shm"
                   : "/tmp";
    snprintf(out, 64, "%s/ff_ds_XXXXXX", base);
    if (!mkdtemp(out)) {
        perror("mkdtemp");
        exit(2);
    }
}

static inline void ds_test_remove(const char *path) {
    (void)ff_io_remove_tree(NULL, path, NULL);
}

/* Writes content at root/rel, creating directories. */
static inline void ds_test_put(const char *root, const char *rel, const char *content) {
    char dir[FF_PATH_CAP], path[FF_PATH_CAP];
    DS_TEST_FORMAT(dir, "%s", rel);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        (void)ff_io_mkdirs(NULL, root, dir, NULL);
    }
    DS_TEST_FORMAT(path, "%s/%s", root, rel);
    FILE *file = fopen(path, "wb");
    if (!file) {
        perror(path);
        exit(2);
    }
    fputs(content, file);
    fclose(file);
}

/* Reads root/rel into a malloc'd string, NULL if missing. */
static inline char *ds_test_get(const char *root, const char *rel) {
    char path[FF_PATH_CAP];
    DS_TEST_FORMAT(path, "%s/%s", root, rel);
    ff_buf buf;
    ff_buf_init(&buf, 0);
    if (ff_io_read_file(path, 1 << 20, &buf, NULL) != FF_OK) {
        ff_buf_free(&buf);
        return NULL;
    }
    char *text = ff_strndup(buf.len ? (const char *)buf.data : "", buf.len, NULL);
    ff_buf_free(&buf);
    return text;
}

typedef struct ds_test_lines {
    char **lines;
    size_t num, cap;
} ds_test_lines;

static inline void ds_test_lines_push(ds_test_lines *lines, const char *text) {
    if (lines->num == lines->cap) {
        lines->cap = lines->cap ? lines->cap * 2 : 16;
        lines->lines = realloc(lines->lines, lines->cap * sizeof *lines->lines);
    }
    lines->lines[lines->num++] = strdup(text);
}

static inline void ds_test_walk(const char *root, const char *rel, ds_test_lines *lines) {
    char path[FF_PATH_CAP];
    DS_TEST_FORMAT(path, "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *dir = opendir(path);
    if (!dir)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        if (!rel[0] && !strcmp(entry->d_name, "_fluxforge"))
            continue;
        char child_rel[FF_PATH_CAP], child_path[2 * FF_PATH_CAP];
        DS_TEST_FORMAT(child_rel, "%s%s%s", rel, rel[0] ? "/" : "", entry->d_name);
        DS_TEST_FORMAT(child_path, "%s/%s", root, child_rel);
        struct stat st;
        if (lstat(child_path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            ds_test_walk(root, child_rel, lines);
            continue;
        }
        size_t name_len = strlen(entry->d_name);
        char line[FF_PATH_CAP + 1024];
        if (S_ISREG(st.st_mode) && name_len > 8 &&
            !strcmp(entry->d_name + name_len - 8, ".parquet")) {
            char *content = ds_test_get(root, child_rel);
            DS_TEST_FORMAT(line, "%s\t%s", rel, content ? content : "(unreadable)");
            free(content);
        } else {
            DS_TEST_FORMAT(line, "%s\t(stray)", child_rel);
        }
        ds_test_lines_push(lines, line);
    }
    closedir(dir);
}

static inline int ds_test_compare_lines(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fingerprint of root's data; caller frees. */
static inline char *ds_test_fingerprint(const char *root) {
    ds_test_lines lines = {0};
    ds_test_walk(root, "", &lines);
    qsort(lines.lines, lines.num, sizeof *lines.lines, ds_test_compare_lines);
    size_t total = 1;
    for (size_t line_idx = 0; line_idx < lines.num; line_idx++)
        total += strlen(lines.lines[line_idx]) + 1;
    char *out = malloc(total);
    out[0] = '\0';
    for (size_t line_idx = 0; line_idx < lines.num; line_idx++) {
        strcat(out, lines.lines[line_idx]);
        strcat(out, "\n");
        free(lines.lines[line_idx]);
    }
    free(lines.lines);
    return out;
}

/* Number of entries in root/rel (0 if missing). */
static inline size_t ds_test_count(const char *root, const char *rel) {
    char path[FF_PATH_CAP];
    DS_TEST_FORMAT(path, "%s/%s", root, rel);
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
            count++;
    closedir(dir);
    return count;
}

/* The before-state every commit scenario starts from: two partitions, three files to be
 * replaced, and one partition nobody touches. */
static inline void ds_test_make_before(const char *root) {
    ds_test_put(root, "p=1/part-a.parquet", "old-1a");
    ds_test_put(root, "p=1/part-b.parquet", "old-1b");
    ds_test_put(root, "p=2/part-c.parquet", "old-2c");
    ds_test_put(root, "p=3/part-d.parquet", "untouched-3d");
}

/* The standard transaction of the commit tests: replace the three files of p=1 and p=2 by
 * new ones (one in p=1, two in p=2) and add a new partition p=4. */
static inline ff_status ds_test_replace(ff_dataset *ds, ff_error *err) {
    ff_discovery *discovery = NULL;
    ff_txn *txn = NULL;
    ff_status status = ff_dataset_discover(ds, &discovery, err);
    if (status == FF_OK)
        status = ff_txn_begin(ds, "replace", &txn, err);
    for (size_t file_idx = 0; status == FF_OK && file_idx < discovery->num_files; file_idx++) {
        const ff_dataset_file *file = &discovery->files[file_idx];
        if (strcmp(file->partition_dir, "p=3") != 0)
            status = ff_txn_remove_file(txn, file->rel_path, &file->identity, err);
    }
    if (status == FF_OK)
        status = ff_txn_write_file(txn, "p=1", "new-1", 5, err);
    if (status == FF_OK)
        status = ff_txn_write_file(txn, "p=2", "new-2a", 6, err);
    if (status == FF_OK)
        status = ff_txn_write_file(txn, "p=2", "new-2b", 6, err);
    if (status == FF_OK)
        status = ff_txn_write_file(txn, "p=4", "new-4", 5, err);
    if (status == FF_OK) {
        ff_commit_options opts;
        ff_commit_options_init(&opts);
        opts.check_row_counts = true;
        opts.rows_in = 30;
        opts.rows_removed = 30;
        opts.rows_added = 40;
        opts.rows_out = 40;
        opts.stats_json = "{\"rows_replaced\":30}";
        status = ff_txn_commit(txn, &opts, err);
    }
    ff_txn_free(txn);
    ff_discovery_free(discovery);
    return status;
}

#define DS_TEST_BEFORE "p=1\told-1a\np=1\told-1b\np=2\told-2c\np=3\tuntouched-3d\n"
#define DS_TEST_AFTER  "p=1\tnew-1\np=2\tnew-2a\np=2\tnew-2b\np=3\tuntouched-3d\np=4\tnew-4\n"

#endif
