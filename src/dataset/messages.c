/* The message lists that discovery and verify report problems in (see dataset_internal.h):
 * formatted once, copied into the owner's arena, pointers kept in a doubling array. */
#include "dataset/dataset_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ff_status ds_messages_add(ds_messages *list, ff_arena *arena, ff_error *err, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    ff_status status = ds_messages_addv(list, arena, err, fmt, args);
    va_end(args);
    return status;
}

ff_status ds_messages_addv(ds_messages *list, ff_arena *arena, ff_error *err, const char *fmt,
                           va_list args) {
    char message[FF_PATH_CAP + 512];
    vsnprintf(message, sizeof message, fmt, args);
    if (list->count == list->cap) {
        size_t new_cap = list->cap ? list->cap * 2 : 8;
        const char **grown = ff_realloc(list->items, new_cap * sizeof *grown, "messages", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        list->items = grown;
        list->cap = new_cap;
    }
    const char *copy = ff_arena_strndup(arena, message, strlen(message), err);
    if (!copy)
        return FF_ERR_NO_MEMORY;
    list->items[list->count++] = copy;
    return FF_OK;
}

void ds_messages_free(ds_messages *list) {
    if (!list)
        return;
    free(list->items);
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}
