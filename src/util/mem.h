/* Memory primitives shared by every layer:
 *  - overflow-checked size arithmetic (every size computed from untrusted numbers goes through
 *    these before an allocation),
 *  - ff_buf, a growable byte buffer with a hard cap, so hostile input cannot make it grow
 *    without bound,
 *  - ff_arena, a bump allocator for objects that die together (a footer's metadata, an
 *    expression tree). Arena memory is zeroed, 16-byte aligned, and freed all at once. */
#ifndef FF_UTIL_MEM_H
#define FF_UTIL_MEM_H

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* *out = a * b; false on overflow. */
static inline bool ff_size_mul(size_t a, size_t b, size_t *out) {
    return !__builtin_mul_overflow(a, b, out);
}
/* *out = a + b; false on overflow. */
static inline bool ff_size_add(size_t a, size_t b, size_t *out) {
    return !__builtin_add_overflow(a, b, out);
}

/* malloc/calloc/realloc that report FF_ERR_NO_MEMORY through err (with what was being
 * allocated) and return NULL. Caller owns the result; free with free(). */
void *ff_malloc(size_t size, const char *what, ff_error *err);
void *ff_calloc(size_t count, size_t size, const char *what, ff_error *err);
void *ff_realloc(void *ptr, size_t size, const char *what, ff_error *err);
/* Duplicates n bytes of s plus a NUL. */
char *ff_strndup(const char *s, size_t n, ff_error *err);

/* Growable byte buffer. data may be NULL while cap == 0. len <= cap <= max_cap. */
typedef struct ff_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max_cap; /* growth beyond this fails with FF_ERR_LIMIT; 0 means SIZE_MAX */
} ff_buf;

void ff_buf_init(ff_buf *buf, size_t max_cap);
/* Ensures room for `additional` more bytes past len. */
ff_status ff_buf_reserve(ff_buf *buf, size_t additional, ff_error *err);
ff_status ff_buf_append(ff_buf *buf, const void *bytes, size_t len, ff_error *err);
ff_status ff_buf_append_byte(ff_buf *buf, uint8_t byte, ff_error *err);
/* printf-style append; the NUL is not counted in len but is present after the data. */
ff_status ff_buf_printf(ff_buf *buf, ff_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Forgets the contents, keeps the memory. */
static inline void ff_buf_reset(ff_buf *buf) {
    buf->len = 0;
}
/* Releases the memory; the buffer is empty and reusable afterwards. Accepts NULL. */
void ff_buf_free(ff_buf *buf);

typedef struct ff_arena_block ff_arena_block;
typedef struct ff_arena {
    ff_arena_block *head;
    size_t total_bytes; /* bytes obtained from malloc so far */
    size_t max_bytes;   /* 0 means no limit */
} ff_arena;

void ff_arena_init(ff_arena *arena, size_t max_bytes);
/* Zeroed, 16-byte-aligned memory owned by the arena. */
void *ff_arena_alloc(ff_arena *arena, size_t size, ff_error *err);
/* Arena-owned array of count elements of size bytes, overflow-checked. */
void *ff_arena_array(ff_arena *arena, size_t count, size_t size, ff_error *err);
/* Arena-owned NUL-terminated copy of n bytes. */
char *ff_arena_strndup(ff_arena *arena, const char *s, size_t n, ff_error *err);
/* Frees every block; the arena is empty and reusable afterwards. Accepts NULL. */
void ff_arena_free(ff_arena *arena);

#endif
