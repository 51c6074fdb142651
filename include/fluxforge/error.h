/* FluxForge error reporting.
 *
 * Every fallible function in the library returns an ff_status (FF_OK == 0) and takes a
 * caller-owned ff_error as its last argument. The status is one of a small, stable set of
 * codes; the message carries the detail, outermost context first, because each caller
 * prepends what it knows:
 *
 *     part-0001.parquet: row group 2: column 'price': page 5: RLE bit width 254 exceeds 32
 *
 * The codes are generated from one X-macro list so that the enum, the names and the
 * default messages cannot drift apart. Values are stable: new codes go at the end. */
#ifndef FLUXFORGE_ERROR_H
#define FLUXFORGE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FF_ERROR_LIST(X)                                                                           \
    X(FF_OK, 0, "ok")                                                                              \
    X(FF_ERR_INVALID_ARGUMENT, 1, "invalid argument")                                              \
    X(FF_ERR_NO_MEMORY, 2, "out of memory")                                                        \
    X(FF_ERR_IO, 3, "I/O error")                                                                   \
    X(FF_ERR_CORRUPT, 4, "corrupt input")                                                          \
    X(FF_ERR_UNSUPPORTED, 5, "unsupported feature")                                                \
    X(FF_ERR_LIMIT, 6, "limit exceeded")                                                           \
    X(FF_ERR_SCHEMA, 7, "schema mismatch")                                                         \
    X(FF_ERR_EXPR_SYNTAX, 8, "expression syntax error")                                            \
    X(FF_ERR_EXPR_TYPE, 9, "expression type error")                                                \
    X(FF_ERR_CONFLICT, 10, "conflict")                                                             \
    X(FF_ERR_NOT_FOUND, 11, "not found")                                                           \
    X(FF_ERR_NO_SPACE, 12, "no space left on device")                                              \
    X(FF_ERR_INTERNAL, 13, "internal error")

typedef enum ff_status {
#define FF_ERROR_ENUM_ENTRY(name, value, text) name = value,
    FF_ERROR_LIST(FF_ERROR_ENUM_ENTRY)
#undef FF_ERROR_ENUM_ENTRY
} ff_status;

/* Room for a full path plus several levels of context. */
#define FF_ERROR_MESSAGE_CAP 512

typedef struct ff_error {
    ff_status code;
    char message[FF_ERROR_MESSAGE_CAP];
} ff_error;

/* Resets err to FF_OK with an empty message. err may be NULL. */
void ff_error_clear(ff_error *err);

/* Sets code and a printf-style message; returns code so callers can `return ff_error_set(..)`.
 * err may be NULL (the status is still returned). Messages longer than the cap are cut. */
ff_status ff_error_set(ff_error *err, ff_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "<context>: " to the message, keeping the code; returns err->code (FF_INTERNAL
 * if err holds no error, so a forgotten set is noticed). */
ff_status ff_error_prefix(ff_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The constant name of a status ("FF_ERR_CORRUPT"); "FF_ERR_UNKNOWN" for values outside the list.
 */
const char *ff_status_name(ff_status status);

/* A short English description of a status ("corrupt input"). */
const char *ff_status_text(ff_status status);

#ifdef __cplusplus
}
#endif
#endif
