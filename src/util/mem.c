/* Checked allocation, capped growable buffers and arenas (see mem.h). */
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *ff_malloc(size_t size, const char *what, ff_error *err) {
    void *ptr = malloc(size ? size : 1);
    if (!ptr)
        ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory allocating %zu bytes for %s", size,
                     what);
    return ptr;
}

void *ff_calloc(size_t count, size_t size, const char *what, ff_error *err) {
    size_t total;
    if (!ff_size_mul(count, size, &total)) {
        ff_error_set(err, FF_ERR_LIMIT, "size overflow allocating %zu x %zu bytes for %s", count,
                     size, what);
        return NULL;
    }
    void *ptr = calloc(total ? count : 1, total ? size : 1);
    if (!ptr)
        ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory allocating %zu bytes for %s", total,
                     what);
    return ptr;
}

void *ff_realloc(void *ptr, size_t size, const char *what, ff_error *err) {
    void *grown = realloc(ptr, size ? size : 1);
    if (!grown)
        ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory allocating %zu bytes for %s", size,
                     what);
    return grown;
}

char *ff_strndup(const char *s, size_t n, ff_error *err) {
    size_t total;
    if (!ff_size_add(n, 1, &total)) {
        ff_error_set(err, FF_ERR_LIMIT, "string too long");
        return NULL;
    }
    char *copy = ff_malloc(total, "string", err);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

void ff_buf_init(ff_buf *buf, size_t max_cap) {
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max_cap = max_cap ? max_cap : SIZE_MAX;
}

ff_status ff_buf_reserve(ff_buf *buf, size_t additional, ff_error *err) {
    size_t needed;
    if (!ff_size_add(buf->len, additional, &needed) || needed > buf->max_cap)
        return ff_error_set(err, FF_ERR_LIMIT, "buffer would exceed its limit of %zu bytes",
                            buf->max_cap);
    if (needed <= buf->cap)
        return FF_OK;
    size_t new_cap = buf->cap ? buf->cap : 64;
    while (new_cap < needed) {
        if (new_cap > SIZE_MAX / 2) {
            new_cap = needed;
            break;
        }
        new_cap *= 2;
    }
    if (new_cap > buf->max_cap)
        new_cap = buf->max_cap;
    uint8_t *grown = ff_realloc(buf->data, new_cap, "buffer", err);
    if (!grown)
        return FF_ERR_NO_MEMORY;
    buf->data = grown;
    buf->cap = new_cap;
    return FF_OK;
}

ff_status ff_buf_append(ff_buf *buf, const void *bytes, size_t len, ff_error *err) {
    if (len == 0)
        return FF_OK;
    ff_status status = ff_buf_reserve(buf, len, err);
    if (status != FF_OK)
        return status;
    memcpy(buf->data + buf->len, bytes, len);
    buf->len += len;
    return FF_OK;
}

ff_status ff_buf_append_byte(ff_buf *buf, uint8_t byte, ff_error *err) {
    if (buf->len == buf->cap) {
        ff_status status = ff_buf_reserve(buf, 1, err);
        if (status != FF_OK)
            return status;
    }
    buf->data[buf->len++] = byte;
    return FF_OK;
}

ff_status ff_buf_printf(ff_buf *buf, ff_error *err, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int needed = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (needed < 0)
        return ff_error_set(err, FF_ERR_INTERNAL, "formatting failed");
    ff_status status = ff_buf_reserve(buf, (size_t)needed + 1, err);
    if (status != FF_OK)
        return status;
    va_start(args, fmt);
    vsnprintf((char *)buf->data + buf->len, (size_t)needed + 1, fmt, args);
    va_end(args);
    buf->len += (size_t)needed;
    return FF_OK;
}

void ff_buf_free(ff_buf *buf) {
    if (!buf)
        return;
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

struct ff_arena_block {
    ff_arena_block *next;
    size_t used;
    size_t cap;
    _Alignas(16) unsigned char bytes[];
};

#define FF_ARENA_BLOCK_BYTES ((size_t)32 * 1024)

void ff_arena_init(ff_arena *arena, size_t max_bytes) {
    arena->head = NULL;
    arena->total_bytes = 0;
    arena->max_bytes = max_bytes;
}

void *ff_arena_alloc(ff_arena *arena, size_t size, ff_error *err) {
    size_t rounded;
    if (!ff_size_add(size, 15, &rounded))
        goto too_large;
    rounded &= ~(size_t)15;
    if (rounded == 0)
        rounded = 16;
    ff_arena_block *block = arena->head;
    if (!block || block->cap - block->used < rounded) {
        size_t cap = rounded > FF_ARENA_BLOCK_BYTES ? rounded : FF_ARENA_BLOCK_BYTES;
        size_t total;
        if (!ff_size_add(cap, sizeof(ff_arena_block), &total))
            goto too_large;
        if (arena->max_bytes && arena->total_bytes + total > arena->max_bytes) {
            ff_error_set(err, FF_ERR_LIMIT, "metadata needs more than the %zu-byte limit",
                         arena->max_bytes);
            return NULL;
        }
        block = ff_malloc(total, "arena block", err);
        if (!block)
            return NULL;
        block->cap = cap;
        block->used = 0;
        block->next = arena->head;
        arena->head = block;
        arena->total_bytes += total;
    }
    void *ptr = block->bytes + block->used;
    block->used += rounded;
    memset(ptr, 0, size);
    return ptr;
too_large:
    ff_error_set(err, FF_ERR_LIMIT, "allocation of %zu bytes is too large", size);
    return NULL;
}

void *ff_arena_array(ff_arena *arena, size_t count, size_t size, ff_error *err) {
    size_t total;
    if (!ff_size_mul(count, size, &total)) {
        ff_error_set(err, FF_ERR_LIMIT, "array of %zu x %zu bytes is too large", count, size);
        return NULL;
    }
    return ff_arena_alloc(arena, total, err);
}

char *ff_arena_strndup(ff_arena *arena, const char *s, size_t n, ff_error *err) {
    size_t total;
    if (!ff_size_add(n, 1, &total)) {
        ff_error_set(err, FF_ERR_LIMIT, "string too long");
        return NULL;
    }
    char *copy = ff_arena_alloc(arena, total, err);
    if (!copy)
        return NULL;
    if (n)
        memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

void ff_arena_free(ff_arena *arena) {
    if (!arena)
        return;
    ff_arena_block *block = arena->head;
    while (block) {
        ff_arena_block *next = block->next;
        free(block);
        block = next;
    }
    arena->head = NULL;
    arena->total_bytes = 0;
}
