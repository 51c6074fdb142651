/* File collection and error printing for the read-only commands (see cli_common.h). */
#include "cli/cli_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* "128M", "64MiB", "1g", "1048576": bytes, with K/M/G/T as powers of 1024. */
bool ff_cli_parse_size(const char *text, int64_t *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || end == text || text[0] == '-')
        return false;
    unsigned long long scale = 1;
    switch (*end) {
    case 'k':
    case 'K':
        scale = 1ULL << 10;
        end++;
        break;
    case 'm':
    case 'M':
        scale = 1ULL << 20;
        end++;
        break;
    case 'g':
    case 'G':
        scale = 1ULL << 30;
        end++;
        break;
    case 't':
    case 'T':
        scale = 1ULL << 40;
        end++;
        break;
    default:
        break;
    }
    if (scale > 1 && (*end == 'i' || *end == 'I'))
        end++;
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end != '\0' || value == 0 || value > (unsigned long long)INT64_MAX / scale)
        return false;
    *out = (int64_t)(value * scale);
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

void ff_cli_files_free(ff_cli_files *files) {
    for (size_t file_idx = 0; files->paths && file_idx < files->count; file_idx++)
        free(files->paths[file_idx]);
    free(files->paths);
    free(files->relative);
    ff_discovery_free(files->discovery);
    memset(files, 0, sizeof *files);
}

/* A dataset directory: the dataset layer's discovery, read-only. */
static bool collect_dataset(const char *path, ff_cli_files *out) {
    ff_dataset_options options;
    ff_dataset_options_init(&options);
    options.mode = FF_DATASET_READ;
    ff_error err;
    ff_error_clear(&err);
    ff_dataset *ds = NULL;
    ff_status status = ff_dataset_open(path, &options, &ds, &err);
    if (status == FF_OK)
        status = ff_dataset_discover(ds, &out->discovery, &err);
    ff_dataset_close(ds);
    if (status != FF_OK) {
        ff_cli_error("%s", err.message);
        return false;
    }
    const ff_discovery *discovery = out->discovery;
    out->count = discovery->num_files;
    out->paths = calloc(discovery->num_files + 1, sizeof(char *));
    out->relative = calloc(discovery->num_files + 1, sizeof(char *));
    if (!out->paths || !out->relative) {
        ff_cli_error("out of memory");
        return false;
    }
    size_t root_len = strlen(path);
    while (root_len > 1 && path[root_len - 1] == '/')
        root_len--;
    for (size_t file_idx = 0; file_idx < discovery->num_files; file_idx++) {
        const char *rel = discovery->files[file_idx].rel_path;
        size_t full_len = root_len + 1 + strlen(rel) + 1;
        out->paths[file_idx] = malloc(full_len);
        if (!out->paths[file_idx]) {
            ff_cli_error("out of memory");
            return false;
        }
        snprintf(out->paths[file_idx], full_len, "%.*s/%s", (int)root_len, path, rel);
        out->relative[file_idx] = rel;
    }
    return true;
}

bool ff_cli_collect_files(const char *path, ff_cli_files *out) {
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) != 0) {
        ff_cli_error("%s: %s", path, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        out->is_dir = true;
        if (!collect_dataset(path, out)) {
            ff_cli_files_free(out);
            return false;
        }
        return true;
    }
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
