/* The checked byte cursor: the only way untrusted bytes are read.
 *
 * Every read checks what remains before touching memory and reports FF_ERR_CORRUPT with the
 * offset from the start of the buffer, so a message can say where a file went wrong. Hot
 * loops check once for a whole run (ff_cursor_take) and then read the returned span without
 * further checks: one bounds check per run, not per value. */
#ifndef FF_UTIL_CURSOR_H
#define FF_UTIL_CURSOR_H

#include "util/bytes.h"

#include <fluxforge/error.h>

#include <stdint.h>
#include <stddef.h>

typedef struct ff_cursor {
    const uint8_t *start;
    const uint8_t *pos;
    const uint8_t *end;
} ff_cursor;

static inline void ff_cursor_init(ff_cursor *cur, const uint8_t *data, size_t len) {
    cur->start = data;
    cur->pos = data;
    cur->end = data + len;
}
static inline size_t ff_cursor_remaining(const ff_cursor *cur) {
    return (size_t)(cur->end - cur->pos);
}
static inline size_t ff_cursor_offset(const ff_cursor *cur) {
    return (size_t)(cur->pos - cur->start);
}

/* Hands out the next n bytes (borrowed from the cursor's buffer) and advances. */
static inline ff_status ff_cursor_take(ff_cursor *cur, size_t n, const uint8_t **out,
                                       ff_error *err) {
    *out = NULL; /* also on failure, so optimising compilers see it is never left unset */
    if (n > ff_cursor_remaining(cur))
        return ff_error_set(err, FF_ERR_CORRUPT, "need %zu bytes at offset %zu but only %zu remain",
                            n, ff_cursor_offset(cur), ff_cursor_remaining(cur));
    *out = cur->pos;
    cur->pos += n;
    return FF_OK;
}

static inline ff_status ff_cursor_skip(ff_cursor *cur, size_t n, ff_error *err) {
    const uint8_t *ignored;
    return ff_cursor_take(cur, n, &ignored, err);
}

static inline ff_status ff_cursor_u8(ff_cursor *cur, uint8_t *out, ff_error *err) {
    *out = 0;
    if (cur->pos >= cur->end)
        return ff_error_set(err, FF_ERR_CORRUPT, "unexpected end of data at offset %zu",
                            ff_cursor_offset(cur));
    *out = *cur->pos++;
    return FF_OK;
}

static inline ff_status ff_cursor_le32(ff_cursor *cur, uint32_t *out, ff_error *err) {
    const uint8_t *p;
    ff_status status = ff_cursor_take(cur, 4, &p, err);
    *out = status == FF_OK ? ff_load_le32(p) : 0;
    return status;
}

static inline ff_status ff_cursor_le64(ff_cursor *cur, uint64_t *out, ff_error *err) {
    const uint8_t *p;
    ff_status status = ff_cursor_take(cur, 8, &p, err);
    *out = status == FF_OK ? ff_load_le64(p) : 0;
    return status;
}

/* Unsigned LEB128 varint of at most 10 bytes (64 bits). */
ff_status ff_cursor_uvarint(ff_cursor *cur, uint64_t *out, ff_error *err);
/* Zigzag-encoded signed varint. */
ff_status ff_cursor_zigzag(ff_cursor *cur, int64_t *out, ff_error *err);

#endif
