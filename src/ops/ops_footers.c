/* Reading many files' footers at once, for the union schema of the row-level operations
 * (DESIGN.md §1 "the dataset schema is their union", §9 "use both cores").
 *
 * Opening a file means a read of its footer and a Thrift decode: for a dataset of thousands of
 * small files that is most of the planning time, and the files are independent. A small pool
 * of threads opens a window of files at a time; the main thread then merges the window's
 * schemas in path order. The result, and the error when there is one, are therefore exactly
 * those of opening and merging the files one by one: the first file in path order that fails
 * to open or to merge is the one named, whatever the number of threads. The window bounds
 * the footers (and file descriptors) held at once. ff_read_footers offers the same walk to
 * the read-only commands (inspect, schema) for their per-file facts. */
#include "ops/ops_internal.h"

#include "parquet/file/file_reader.h"
#include "util/check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Files opened per thread in one window. */
#define FOOTERS_PER_THREAD  16
#define FOOTERS_MAX_THREADS 8

typedef struct footer_slot {
    ff_reader *reader;
    ff_status status;
    ff_error error;
} footer_slot;

/* Writes the path of file file_idx into out (FF_FOOTER_PATH_CAP bytes). */
typedef ff_status (*footer_path_fn)(const void *user, size_t file_idx, char *out, ff_error *err);

#define FF_FOOTER_PATH_CAP 4096

/* One window: workers claim indices [first, end) under the mutex. */
typedef struct footer_window {
    bool footer_only; /* ff_reader_open_footer: the metadata is all the caller reads */
    footer_path_fn path_of;
    const void *path_user;
    footer_slot *slots; /* one per file of the window */
    size_t first, end, next;
    pthread_mutex_t mutex;
} footer_window;

static void open_one(const footer_window *window, size_t file_idx, footer_slot *slot) {
    char path[FF_FOOTER_PATH_CAP];
    ff_error_clear(&slot->error);
    slot->status = window->path_of(window->path_user, file_idx, path, &slot->error);
    if (slot->status == FF_OK)
        slot->status = window->footer_only
                           ? ff_reader_open_footer(path, NULL, &slot->reader, &slot->error)
                           : ff_reader_open(path, NULL, &slot->reader, &slot->error);
}

static void *footer_worker(void *arg) {
    footer_window *window = arg;
    for (;;) {
        pthread_mutex_lock(&window->mutex);
        size_t file_idx = window->next < window->end ? window->next++ : window->end;
        pthread_mutex_unlock(&window->mutex);
        if (file_idx >= window->end)
            return NULL;
        open_one(window, file_idx, &window->slots[file_idx - window->first]);
    }
}

/* Opens the footers of window->[first, end) on num_threads threads (the caller is one). */
static void open_window(footer_window *window, int num_threads) {
    pthread_t threads[FOOTERS_MAX_THREADS];
    int num_started = 0;
    window->next = window->first;
    for (int idx = 1; idx < num_threads; idx++) {
        if (pthread_create(&threads[num_started], NULL, footer_worker, window) != 0)
            break; /* fewer threads only means slower */
        num_started++;
    }
    footer_worker(window);
    for (int idx = 0; idx < num_started; idx++)
        pthread_join(threads[idx], NULL);
}

int ops_footer_threads(int32_t requested) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int count = requested > 0 ? requested : (int)(cores > 0 ? cores : 1);
    return count < 1 ? 1 : count > FOOTERS_MAX_THREADS ? FOOTERS_MAX_THREADS : count;
}

/* The engine of both entry points: window after window, open in parallel, then hand the
 * readers to each_fn in index order; the first failure in that order ends the walk. */
static ff_status footers_each(size_t num_files, int num_threads, bool footer_only,
                              footer_path_fn path_of, const void *path_user, ff_footer_fn each_fn,
                              void *each_user, ff_error *err) {
    num_threads = ops_footer_threads(num_threads);
    size_t window_len = (size_t)num_threads * FOOTERS_PER_THREAD;
    footer_window window;
    memset(&window, 0, sizeof window);
    window.footer_only = footer_only;
    window.path_of = path_of;
    window.path_user = path_user;
    window.slots = ff_calloc(window_len, sizeof *window.slots, "footers", err);
    if (!window.slots)
        return FF_ERR_NO_MEMORY;
    pthread_mutex_init(&window.mutex, NULL);
    ff_status status = FF_OK;
    for (size_t first = 0; first < num_files && status == FF_OK; first += window_len) {
        window.first = first;
        window.end = num_files - first > window_len ? first + window_len : num_files;
        memset(window.slots, 0, window_len * sizeof *window.slots);
        open_window(&window, window.end - window.first > 1 ? num_threads : 1);
        for (size_t file_idx = window.first; file_idx < window.end; file_idx++) {
            footer_slot *slot = &window.slots[file_idx - window.first];
            if (status == FF_OK && slot->status != FF_OK) {
                status = slot->status;
                *err = slot->error;
            }
            if (status == FF_OK)
                status = each_fn(each_user, file_idx, slot->reader, err);
            ff_reader_free(slot->reader);
            slot->reader = NULL;
        }
    }
    pthread_mutex_destroy(&window.mutex);
    free(window.slots);
    return status;
}

static ff_status path_from_list(const void *user, size_t file_idx, char *out, ff_error *err) {
    const char *const *paths = user;
    if (snprintf(out, FF_FOOTER_PATH_CAP, "%s", paths[file_idx]) >= FF_FOOTER_PATH_CAP)
        return ff_error_set(err, FF_ERR_LIMIT, "%s: path too long", paths[file_idx]);
    return FF_OK;
}

ff_status ff_read_footers(const char *const *paths, size_t num_paths, int32_t threads,
                          ff_footer_fn fn, void *user, ff_error *err) {
    return footers_each(num_paths, threads, false, path_from_list, paths, fn, user, err);
}

typedef struct merge_ctx {
    const char *root;
    const ff_discovery *discovery;
    ops_schema *schema;
} merge_ctx;

static ff_status path_from_discovery(const void *user, size_t file_idx, char *out, ff_error *err) {
    const merge_ctx *ctx = user;
    const char *rel = ctx->discovery->files[file_idx].rel_path;
    if (snprintf(out, FF_FOOTER_PATH_CAP, "%s/%s", ctx->root, rel) >= FF_FOOTER_PATH_CAP)
        return ff_error_set(err, FF_ERR_LIMIT, "%s: path too long", rel);
    return FF_OK;
}

static ff_status merge_one(void *user, size_t file_idx, ff_reader *reader, ff_error *err) {
    merge_ctx *ctx = user;
    return ops_schema_merge(ctx->schema, ff_reader_schema(reader),
                            ctx->discovery->files[file_idx].rel_path, err);
}

ff_status ops_merge_footers(const char *root, const ff_discovery *discovery, int num_threads,
                            ops_schema *schema, ff_error *err) {
    merge_ctx ctx = {root, discovery, schema};
    return footers_each(discovery->num_files, num_threads, true, path_from_discovery, &ctx,
                        merge_one, &ctx, err);
}
