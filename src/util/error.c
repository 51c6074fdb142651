/* Error values: setting, prefixing and naming (see include/fluxforge/error.h). */
#include <fluxforge/error.h>

#include <stdio.h>
#include <string.h>

void ff_error_clear(ff_error *err) {
    if (!err)
        return;
    err->code = FF_OK;
    err->message[0] = '\0';
}

ff_status ff_error_set(ff_error *err, ff_status code, const char *fmt, ...) {
    if (!err)
        return code;
    err->code = code;
    va_list args;
    va_start(args, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, args);
    va_end(args);
    return code;
}

ff_status ff_error_prefix(ff_error *err, const char *fmt, ...) {
    if (!err)
        return FF_ERR_INTERNAL;
    if (err->code == FF_OK)
        err->code = FF_ERR_INTERNAL;
    char prefix[FF_ERROR_MESSAGE_CAP];
    va_list args;
    va_start(args, fmt);
    int prefix_len = vsnprintf(prefix, sizeof prefix, fmt, args);
    va_end(args);
    if (prefix_len < 0)
        return err->code;
    /* Build "<prefix>: <message>" in place, cutting at the cap; the prefix wins because the
     * outermost context is what the reader needs first. */
    char joined[FF_ERROR_MESSAGE_CAP];
    size_t used = 0;
    const char *parts[3] = {prefix, ": ", err->message};
    for (int part_idx = 0; part_idx < 3; part_idx++) {
        size_t part_len = strlen(parts[part_idx]);
        if (part_len > sizeof joined - 1 - used)
            part_len = sizeof joined - 1 - used;
        memcpy(joined + used, parts[part_idx], part_len);
        used += part_len;
    }
    joined[used] = '\0';
    memcpy(err->message, joined, used + 1);
    return err->code;
}

const char *ff_status_name(ff_status status) {
    switch (status) {
#define FF_ERROR_NAME_CASE(name, value, text)                                                      \
    case name:                                                                                     \
        return #name;
        FF_ERROR_LIST(FF_ERROR_NAME_CASE)
#undef FF_ERROR_NAME_CASE
    }
    return "FF_ERR_UNKNOWN";
}

const char *ff_status_text(ff_status status) {
    switch (status) {
#define FF_ERROR_TEXT_CASE(name, value, text)                                                      \
    case name:                                                                                     \
        return text;
        FF_ERROR_LIST(FF_ERROR_TEXT_CASE)
#undef FF_ERROR_TEXT_CASE
    }
    return "unknown error";
}
