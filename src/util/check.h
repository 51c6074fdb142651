/* Control-flow helpers for status-returning code, in the spirit of zstd's RETURN_ERROR_IF
 * and FORWARD_IF_ERROR. They keep the happy path readable without hiding where errors leave.
 * Functions with resources to release use `goto cleanup` instead of these returns. */
#ifndef FF_UTIL_CHECK_H
#define FF_UTIL_CHECK_H

#include <fluxforge/error.h>

/* Returns the status of an ff_error_set when cond holds. */
#define FF_RETURN_ERROR_IF(cond, err, code, ...)                                                   \
    do {                                                                                           \
        if (cond)                                                                                  \
            return ff_error_set((err), (code), __VA_ARGS__);                                       \
    } while (0)

/* Evaluates a status expression and returns it when it is not FF_OK. */
#define FF_FORWARD_IF_ERROR(expr)                                                                  \
    do {                                                                                           \
        ff_status ff_forward_status_ = (expr);                                                     \
        if (ff_forward_status_ != FF_OK)                                                           \
            return ff_forward_status_;                                                             \
    } while (0)

/* Sets status and jumps to the function's cleanup label when expr fails. */
#define FF_CHECK_GOTO(status_var, expr, label)                                                     \
    do {                                                                                           \
        (status_var) = (expr);                                                                     \
        if ((status_var) != FF_OK)                                                                 \
            goto label;                                                                            \
    } while (0)

#endif
