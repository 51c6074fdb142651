/* File discovery and error printing for the read-only commands (see cli_common.h). */
#include "cli/cli_common.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Dataset trees deeper than this are refused rather than followed (symlink loops). */
#define FF_CLI_MAX_DEPTH 64

void ff_cli_error(const char *fmt, ...) {
    char message[2048];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    for (char *p = message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    fprintf(stderr, "fluxforge: %s\n", message);
}

bool ff_cli_parse_count(const char *text, int64_t *out) {
    if (!text || !*text)
        return false;
    int64_t value = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9' || value > (INT64_MAX - 9) / 10)
            return false;
        value = value * 10 + (*p - '0');
    }
    *out = value;
    return true;
}

char **ff_cli_split_list(const char *text, size_t *count) {
    size_t num_items = 1;
    for (const char *p = text; *p; p++)
        num_items += *p == ',';
    size_t text_len = strlen(text);
    char **items = malloc((num_items + 1) * sizeof(char *) + text_len + 1);
    if (!items)
        return NULL;
    char *copy = (char *)(items + num_items + 1);
    memcpy(copy, text, text_len + 1);
    size_t item_idx = 0;
    items[item_idx++] = copy;
    for (char *p = copy; *p; p++)
        if (*p == ',') {
            *p = '\0';
            items[item_idx++] = p + 1;
        }
    items[item_idx] = NULL;
    *count = num_items;
    return items;
}

typedef struct path_list {
    size_t count, cap;
    char **paths;
} path_list;

static bool list_push(path_list *list, char *path) {
    if (list->count == list->cap) {
        size_t new_cap = list->cap ? list->cap * 2 : 64;
        char **grown = realloc(list->paths, new_cap * sizeof(char *));
        if (!grown)
            return false;
        list->paths = grown;
        list->cap = new_cap;
    }
    list->paths[list->count++] = path;
    return true;
}

static bool ends_with(const char *name, const char *suffix) {
    size_t name_len = strlen(name), suffix_len = strlen(suffix);
    return name_len >= suffix_len && !strcmp(name + name_len - suffix_len, suffix);
}

/* Appends the .parquet files below dir (relative names built on `relative`). */
static bool walk(const char *root, const char *relative, int depth, path_list *list) {
    char dir_path[4096];
    snprintf(dir_path, sizeof dir_path, "%s%s%s", root, *relative ? "/" : "", relative);
    if (depth > FF_CLI_MAX_DEPTH) {
        ff_cli_error("%s: directories nested deeper than %d levels", dir_path, FF_CLI_MAX_DEPTH);
        return false;
    }
    DIR *dir = opendir(dir_path);
    if (!dir) {
        ff_cli_error("%s: cannot open directory: %s", dir_path, strerror(errno));
        return false;
    }
    bool ok = true;
    struct dirent *entry;
    while (ok && (entry = readdir(dir))) {
        const char *name = entry->d_name;
        if (name[0] == '_' || name[0] == '.')
            continue;
        char child_rel[4096];
        int rel_len =
            snprintf(child_rel, sizeof child_rel, "%s%s%s", relative, *relative ? "/" : "", name);
        if (rel_len < 0 || (size_t)rel_len >= sizeof child_rel) {
            ff_cli_error("%s/%s: path too long", dir_path, name);
            ok = false;
            break;
        }
        char child_path[8192];
        snprintf(child_path, sizeof child_path, "%s/%s", root, child_rel);
        struct stat st;
        if (stat(child_path, &st) != 0)
            continue; /* vanished or dangling link: not part of the dataset */
        if (S_ISDIR(st.st_mode)) {
            ok = walk(root, child_rel, depth + 1, list);
        } else if (S_ISREG(st.st_mode) && ends_with(name, ".parquet")) {
            char *copy = strdup(child_rel);
            ok = copy && list_push(list, copy);
            if (!ok) {
                free(copy);
                ff_cli_error("out of memory listing %s", dir_path);
            }
        }
    }
    closedir(dir);
    return ok;
}

static int compare_paths(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void ff_cli_files_free(ff_cli_files *files) {
    for (size_t file_idx = 0; file_idx < files->count; file_idx++) {
        char *full = files->paths ? files->paths[file_idx] : NULL;
        if (files->relative && files->relative[file_idx] != full)
            free(files->relative[file_idx]);
        free(full);
    }
    free(files->paths);
    free(files->relative);
    memset(files, 0, sizeof *files);
}

bool ff_cli_collect_files(const char *path, ff_cli_files *out) {
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) != 0) {
        ff_cli_error("%s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        out->paths = calloc(1, sizeof(char *));
        out->relative = calloc(1, sizeof(char *));
        if (!out->paths || !out->relative || !(out->paths[0] = strdup(path))) {
            ff_cli_error("out of memory");
            ff_cli_files_free(out);
            return false;
        }
        out->relative[0] = out->paths[0];
        out->count = 1;
        return true;
    }
    out->is_dir = true;
    path_list list = {0};
    if (!walk(path, "", 0, &list)) {
        for (size_t item_idx = 0; item_idx < list.count; item_idx++)
            free(list.paths[item_idx]);
        free(list.paths);
        return false;
    }
    qsort(list.paths, list.count, sizeof(char *), compare_paths);
    out->relative = list.paths;
    out->count = list.count;
    out->paths = calloc(list.count + 1, sizeof(char *));
    if (!out->paths) {
        ff_cli_error("out of memory");
        ff_cli_files_free(out);
        return false;
    }
    size_t root_len = strlen(path);
    while (root_len > 1 && path[root_len - 1] == '/')
        root_len--;
    for (size_t file_idx = 0; file_idx < list.count; file_idx++) {
        size_t full_len = root_len + 1 + strlen(list.paths[file_idx]) + 1;
        out->paths[file_idx] = malloc(full_len);
        if (!out->paths[file_idx]) {
            ff_cli_error("out of memory");
            ff_cli_files_free(out);
            return false;
        }
        snprintf(out->paths[file_idx], full_len, "%.*s/%s", (int)root_len, path,
                 list.paths[file_idx]);
    }
    return true;
}
