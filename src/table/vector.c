/* Column vectors and batches: allocation, reuse and release (see include/fluxforge/table.h).
 * Growth doubles, so refilling a vector row group after row group settles on one buffer. */
#include <fluxforge/table.h>

#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

int32_t ff_type_value_width(const ff_type *type) {
    switch (type->physical) {
    case FF_PHYSICAL_BOOLEAN:
        return 1;
    case FF_PHYSICAL_INT32:
    case FF_PHYSICAL_FLOAT:
        return 4;
    case FF_PHYSICAL_INT64:
    case FF_PHYSICAL_DOUBLE:
        return 8;
    case FF_PHYSICAL_INT96:
        return 12;
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
        return type->type_length;
    case FF_PHYSICAL_BYTE_ARRAY:
        return 0;
    }
    return 0;
}

void ff_vector_init(ff_vector *vec, const ff_type *type) {
    memset(vec, 0, sizeof *vec);
    if (type)
        vec->type = *type;
}

/* Grows *buf to at least `needed` bytes, doubling, preserving contents. */
static ff_status vector_grow(void **buf, size_t *cap, size_t needed, const char *what,
                             ff_error *err) {
    if (needed <= *cap)
        return FF_OK;
    /* Doubling keeps appends amortized; a first reservation (or one past double) is taken
     * exactly, so a vector sized up front holds no slack. */
    size_t new_cap = *cap > SIZE_MAX / 2 ? needed : *cap * 2;
    if (new_cap < needed)
        new_cap = needed < 64 ? 64 : needed;
    void *grown = ff_realloc(*buf, new_cap, what, err);
    if (!grown)
        return FF_ERR_NO_MEMORY;
    *buf = grown;
    *cap = new_cap;
    return FF_OK;
}

ff_status ff_vector_reserve(ff_vector *vec, int64_t length, size_t values_len, bool with_validity,
                            ff_error *err) {
    if (length < 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "negative vector length");
    size_t slots = (size_t)length;
    ff_status status;
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        size_t offsets_bytes;
        if (!ff_size_mul(slots + 1, sizeof(int64_t), &offsets_bytes))
            return ff_error_set(err, FF_ERR_LIMIT, "vector of %zu strings is too large", slots);
        status = vector_grow((void **)&vec->offsets, &vec->offsets_cap, offsets_bytes,
                             "string offsets", err);
        if (status != FF_OK)
            return status;
        if (vec->length == 0)
            vec->offsets[0] = 0;
        status =
            vector_grow((void **)&vec->values, &vec->values_cap, values_len, "string bytes", err);
    } else {
        size_t bytes;
        if (!ff_size_mul(slots, (size_t)ff_type_value_width(&vec->type), &bytes))
            return ff_error_set(err, FF_ERR_LIMIT, "vector of %zu values is too large", slots);
        status = vector_grow((void **)&vec->values, &vec->values_cap, bytes, "values", err);
    }
    if (status != FF_OK)
        return status;
    if (with_validity) {
        size_t old_cap = vec->validity_cap;
        status = vector_grow((void **)&vec->validity, &vec->validity_cap, (slots + 7) / 8 + 8,
                             "validity bitmap", err);
        if (status != FF_OK)
            return status;
        if (vec->validity_cap > old_cap)
            memset(vec->validity + old_cap, 0xff, vec->validity_cap - old_cap);
    }
    return FF_OK;
}

void ff_vector_reset(ff_vector *vec) {
    vec->length = 0;
    vec->null_count = 0;
    vec->values_len = 0;
    vec->num_levels = 0;
    if (vec->offsets && vec->offsets_cap)
        vec->offsets[0] = 0;
}

void ff_vector_free(ff_vector *vec) {
    if (!vec)
        return;
    free(vec->validity);
    free(vec->values);
    free(vec->offsets);
    free(vec->def_levels);
    free(vec->rep_levels);
    ff_type type = vec->type;
    memset(vec, 0, sizeof *vec);
    vec->type = type;
}

ff_status ff_batch_init(ff_batch *batch, int32_t num_columns, ff_error *err) {
    batch->num_rows = 0;
    batch->num_columns = 0;
    batch->columns = NULL;
    if (num_columns < 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "negative column count");
    batch->columns = ff_calloc((size_t)num_columns, sizeof(ff_vector), "batch columns", err);
    if (!batch->columns)
        return FF_ERR_NO_MEMORY;
    batch->num_columns = num_columns;
    return FF_OK;
}

void ff_batch_reset(ff_batch *batch) {
    for (int32_t col_idx = 0; col_idx < batch->num_columns; col_idx++)
        ff_vector_reset(&batch->columns[col_idx]);
    batch->num_rows = 0;
}

void ff_batch_free(ff_batch *batch) {
    if (!batch)
        return;
    for (int32_t col_idx = 0; col_idx < batch->num_columns; col_idx++)
        ff_vector_free(&batch->columns[col_idx]);
    free(batch->columns);
    batch->columns = NULL;
    batch->num_columns = 0;
    batch->num_rows = 0;
}
