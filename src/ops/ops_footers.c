/* Reading many files' footers at once, for the union schema of the row-level operations
 * (DESIGN.md §1 "the dataset schema is their union", §9 "use both cores").
 *
 * Opening a file means a read of its footer and a Thrift decode: for a dataset of thousands of
 * small files that is most of the planning time, and the files are independent. A small pool
 * of threads opens a window of files at a time; the main thread then merges the window's
 * schemas in path order. The result, and the error when there is one, are therefore exactly
 * those of opening and merging the files one by one: the first file in path order that fails
 * to open or to merge is the one named, whatever the number of threads. The window bounds
 * the footers (and file descriptors) held at once. */
#include "ops/ops_internal.h"

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

/* One window: workers claim indices [first, end) under the mutex. */
typedef struct footer_window {
    const char *root;
    const ff_discovery *discovery;
    footer_slot *slots; /* one per file of the window */
    size_t first, end, next;
    pthread_mutex_t mutex;
} footer_window;

static void open_one(const footer_window *window, size_t file_idx, footer_slot *slot) {
    char path[4096];
    const char *rel = window->discovery->files[file_idx].rel_path;
    ff_error_clear(&slot->error);
    if (snprintf(path, sizeof path, "%s/%s", window->root, rel) >= (int)sizeof path) {
        slot->status = ff_error_set(&slot->error, FF_ERR_LIMIT, "%s: path too long", rel);
        return;
    }
    slot->status = ff_reader_open(path, NULL, &slot->reader, &slot->error);
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

ff_status ops_merge_footers(const char *root, const ff_discovery *discovery, int num_threads,
                            ops_schema *schema, ff_error *err) {
    if (num_threads < 1)
        num_threads = 1;
    if (num_threads > FOOTERS_MAX_THREADS)
        num_threads = FOOTERS_MAX_THREADS;
    size_t window_len = (size_t)num_threads * FOOTERS_PER_THREAD;
    footer_window window;
    memset(&window, 0, sizeof window);
    window.root = root;
    window.discovery = discovery;
    window.slots = ff_calloc(window_len, sizeof *window.slots, "footers", err);
    if (!window.slots)
        return FF_ERR_NO_MEMORY;
    pthread_mutex_init(&window.mutex, NULL);
    ff_status status = FF_OK;
    for (size_t first = 0; first < discovery->num_files && status == FF_OK; first += window_len) {
        window.first = first;
        window.end =
            discovery->num_files - first > window_len ? first + window_len : discovery->num_files;
        memset(window.slots, 0, window_len * sizeof *window.slots);
        open_window(&window, window.end - window.first > 1 ? num_threads : 1);
        /* Merge in path order; the first failure in that order is the one reported. */
        for (size_t file_idx = window.first; file_idx < window.end; file_idx++) {
            footer_slot *slot = &window.slots[file_idx - window.first];
            if (status == FF_OK && slot->status != FF_OK) {
                status = slot->status;
                *err = slot->error;
            }
            if (status == FF_OK)
                status = ops_schema_merge(schema, ff_reader_schema(slot->reader),
                                          discovery->files[file_idx].rel_path, err);
            ff_reader_free(slot->reader);
            slot->reader = NULL;
        }
    }
    pthread_mutex_destroy(&window.mutex);
    free(window.slots);
    return status;
}
