/* A minimal JSON reader for tests: enough to walk the corpus manifest and expected files.
 * It finds members by key, steps over values without building a tree, and hands out the raw
 * text span of any value (the expected row texts are compared byte for byte with what the
 * reader renders, so they must not be re-serialised). Input is trusted test data, but every
 * step is still bounds-checked so a broken file fails the test instead of crashing it. */
#ifndef FF_JSON_TEST_H
#define FF_JSON_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ff_json_span {
    const char *start;
    const char *end; /* one past the value */
} ff_json_span;

static inline const char *ff_json_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

/* Returns the end of the value starting at p (after whitespace), or NULL. */
static inline const char *ff_json_skip(const char *p, const char *end) {
    p = ff_json_ws(p, end);
    if (p >= end)
        return NULL;
    if (*p == '"') {
        for (p++; p < end; p++) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                return p + 1;
        }
        return NULL;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = ff_json_ws(p + 1, end);
        if (p < end && *p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                p = ff_json_skip(p, end); /* key */
                if (!p)
                    return NULL;
                p = ff_json_ws(p, end);
                if (p >= end || *p != ':')
                    return NULL;
                p++;
            }
            p = ff_json_skip(p, end);
            if (!p)
                return NULL;
            p = ff_json_ws(p, end);
            if (p >= end)
                return NULL;
            if (*p == close)
                return p + 1;
            if (*p != ',')
                return NULL;
            p++;
        }
    }
    while (p < end && !strchr(",}] \n\r\t", *p))
        p++;
    return p;
}

/* Finds member `key` of the object spanning obj; false when absent. */
static inline bool ff_json_member(ff_json_span obj, const char *key, ff_json_span *out) {
    const char *p = ff_json_ws(obj.start, obj.end);
    if (p >= obj.end || *p != '{')
        return false;
    p++;
    size_t key_len = strlen(key);
    for (;;) {
        p = ff_json_ws(p, obj.end);
        if (p >= obj.end || *p == '}')
            return false;
        const char *key_start = p;
        const char *key_end = ff_json_skip(p, obj.end);
        if (!key_end)
            return false;
        p = ff_json_ws(key_end, obj.end);
        if (p >= obj.end || *p != ':')
            return false;
        const char *value_start = ff_json_ws(p + 1, obj.end);
        const char *value_end = ff_json_skip(value_start, obj.end);
        if (!value_end)
            return false;
        if ((size_t)(key_end - key_start) == key_len + 2 && !memcmp(key_start + 1, key, key_len)) {
            out->start = value_start;
            out->end = value_end;
            return true;
        }
        p = ff_json_ws(value_end, obj.end);
        if (p < obj.end && *p == ',')
            p++;
    }
}

/* Iterates over array elements: *pos starts at the array; returns false after the last. */
static inline bool ff_json_next(ff_json_span array, const char **pos, ff_json_span *out) {
    const char *p = ff_json_ws(*pos, array.end);
    if (p >= array.end)
        return false;
    if (*p == '[' || *p == ',')
        p = ff_json_ws(p + 1, array.end);
    if (p >= array.end || *p == ']')
        return false;
    const char *end = ff_json_skip(p, array.end);
    if (!end)
        return false;
    out->start = p;
    out->end = end;
    *pos = end;
    return true;
}

/* Decodes a JSON string value into out (NUL-terminated, cut at cap); \u escapes become
 * UTF-8. False when the span is not a string. */
static inline bool ff_json_string(ff_json_span span, char *out, size_t cap) {
    const char *p = span.start;
    if (p >= span.end || *p != '"' || cap == 0)
        return false;
    size_t used = 0;
    for (p++; p < span.end && *p != '"'; p++) {
        unsigned code = (unsigned char)*p;
        bool is_code_point = false; /* from a \u escape: encode as UTF-8 */
        if (*p == '\\' && p + 1 < span.end) {
            p++;
            switch (*p) {
            case 'n':
                code = '\n';
                break;
            case 't':
                code = '\t';
                break;
            case 'r':
                code = '\r';
                break;
            case 'b':
                code = '\b';
                break;
            case 'f':
                code = '\f';
                break;
            case 'u':
                if (p + 4 >= span.end)
                    return false;
                code = (unsigned)strtoul((char[]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
                p += 4;
                is_code_point = true;
                break;
            default:
                code = (unsigned char)*p;
                break;
            }
        }
        char utf8[4];
        size_t utf8_len = 1;
        if (code < 0x80 || !is_code_point) {
            utf8[0] = (char)code;
        } else if (code < 0x800) {
            utf8[0] = (char)(0xc0 | (code >> 6));
            utf8[1] = (char)(0x80 | (code & 0x3f));
            utf8_len = 2;
        } else {
            utf8[0] = (char)(0xe0 | (code >> 12));
            utf8[1] = (char)(0x80 | ((code >> 6) & 0x3f));
            utf8[2] = (char)(0x80 | (code & 0x3f));
            utf8_len = 3;
        }
        if (used + utf8_len < cap) {
            memcpy(out + used, utf8, utf8_len);
            used += utf8_len;
        }
    }
    out[used] = '\0';
    return true;
}

static inline bool ff_json_int(ff_json_span span, int64_t *out) {
    char text[32];
    size_t len = (size_t)(span.end - span.start);
    if (len == 0 || len >= sizeof text)
        return false;
    memcpy(text, span.start, len);
    text[len] = '\0';
    char *end;
    *out = strtoll(text, &end, 10);
    return *end == '\0';
}

/* Reads a whole file into a NUL-terminated malloc'ed buffer; NULL on failure. */
static inline char *ff_test_read_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    char *data = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (data && fread(data, 1, (size_t)size, file) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(file);
    if (data) {
        data[size] = '\0';
        *len = (size_t)size;
    }
    return data;
}

#endif
