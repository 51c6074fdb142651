/* Spill files: blocks of rows the row-level operations set aside on disk instead of holding
 * in memory (an upsert's input, partition by partition), read back whole by any thread.
 *
 * A spill is an anonymous scratch file: created in TMPDIR (or /tmp) and unlinked at once, so
 * it disappears with the process however that ends, and read with pread, so threads share it
 * without locks. Each block holds some rows of a flat batch, column after column in the
 * vectors' own layout (validity bitmap, then offsets and bytes, or fixed-width values): writing
 * one is a gather and writes, reading it preads straight into the vectors, with no encoding
 * either way.
 * Blocks are appended by one thread; reads may run in parallel once the writing is done. */
#include "ops/ops_internal.h"

#include "util/check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where one block lies in the file, and what it holds. */
typedef struct spill_block {
    int64_t offset;
    int64_t bytes;
    int64_t num_rows;
} spill_block;

struct ops_spill {
    int fd;
    char *path; /* for messages; the name itself is gone */
    int64_t size;
    int32_t num_columns;
    ff_type *types;
    spill_block *blocks;
    size_t num_blocks, blocks_cap;
    ff_batch gather; /* scratch of ops_spill_append */
};

ff_status ops_spill_create(const ff_type *types, int32_t num_columns, ops_spill **out,
                           ff_error *err) {
    *out = NULL;
    ops_spill *spill = ff_calloc(1, sizeof *spill, "spill", err);
    if (!spill)
        return FF_ERR_NO_MEMORY;
    spill->fd = -1;
    const char *tmpdir = getenv("TMPDIR");
    ff_buf path;
    ff_buf_init(&path, 0);
    ff_status status =
        ff_buf_printf(&path, err, "%s/fluxforge-spill-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (status == FF_OK) {
        spill->path = (char *)path.data;
        spill->fd = mkstemp(spill->path);
        if (spill->fd < 0)
            status = ff_error_set(err, FF_ERR_IO, "%s: cannot create a scratch file: %s",
                                  spill->path, strerror(errno));
        else
            unlink(spill->path);
    } else {
        ff_buf_free(&path);
    }
    spill->num_columns = num_columns;
    spill->types = status == FF_OK
                       ? ff_calloc((size_t)num_columns + 1, sizeof *spill->types, "spill", err)
                       : NULL;
    if (status == FF_OK && !spill->types)
        status = FF_ERR_NO_MEMORY;
    if (status == FF_OK) {
        memcpy(spill->types, types, (size_t)num_columns * sizeof *types);
        status = ff_batch_init(&spill->gather, num_columns, err);
    }
    if (status != FF_OK) {
        ops_spill_free(spill);
        return status;
    }
    *out = spill;
    return FF_OK;
}

void ops_spill_free(ops_spill *spill) {
    if (!spill)
        return;
    if (spill->fd >= 0)
        close(spill->fd);
    free(spill->path);
    free(spill->types);
    free(spill->blocks);
    ff_batch_free(&spill->gather);
    free(spill);
}

/* Bytes of a vector's validity bitmap for n slots. */
static size_t validity_bytes(int64_t n) {
    return ((size_t)n + 7) / 8;
}

/* Writes len bytes at the spill's end. */
static ff_status spill_write(ops_spill *spill, const void *data, size_t len, ff_error *err) {
    for (size_t done = 0; done < len;) {
        ssize_t wrote = pwrite(spill->fd, (const uint8_t *)data + done, len - done,
                               (off_t)(spill->size + (int64_t)done));
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0)
            return ff_error_set(err, errno == ENOSPC ? FF_ERR_NO_SPACE : FF_ERR_IO,
                                "%s: cannot write the scratch file: %s", spill->path,
                                wrote < 0 ? strerror(errno) : "no progress");
        done += (size_t)wrote;
    }
    spill->size += (int64_t)len;
    return FF_OK;
}

/* Reads len bytes at *offset into out and moves the offset on. */
static ff_status spill_read(const ops_spill *spill, int64_t *offset, void *out, size_t len,
                            ff_error *err) {
    for (size_t done = 0; done < len;) {
        ssize_t got =
            pread(spill->fd, (uint8_t *)out + done, len - done, (off_t)(*offset + (int64_t)done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return ff_error_set(err, FF_ERR_IO, "%s: cannot read the scratch file: %s", spill->path,
                                got < 0 ? strerror(errno) : "end of file");
        done += (size_t)got;
    }
    *offset += (int64_t)len;
    return FF_OK;
}

/* One column of a block: a validity flag, the bitmap when set, then offsets and bytes, or
 * the fixed-width values. */
static ff_status write_column(ops_spill *spill, const ff_vector *vec, ff_error *err) {
    uint8_t has_validity = vec->validity != NULL;
    FF_FORWARD_IF_ERROR(spill_write(spill, &has_validity, 1, err));
    if (has_validity)
        FF_FORWARD_IF_ERROR(spill_write(spill, vec->validity, validity_bytes(vec->length), err));
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        FF_FORWARD_IF_ERROR(
            spill_write(spill, vec->offsets, ((size_t)vec->length + 1) * sizeof(int64_t), err));
        return spill_write(spill, vec->values, (size_t)vec->offsets[vec->length], err);
    }
    return spill_write(spill, vec->values,
                       (size_t)vec->length * (size_t)ff_type_value_width(&vec->type), err);
}

/* write_column for slots rows[0 .. n) of vec (0 .. n when rows is NULL) when they form long
 * runs of consecutive slots: only the validity bits (realigned) and the string offsets
 * (rebased) are gathered; values are written run by run from vec's own buffers. */
static ff_status write_runs(ops_spill *spill, const ff_vector *vec, const uint32_t *rows, int64_t n,
                            ff_error *err) {
    ff_vector *scratch = &spill->gather.columns[0];
    uint8_t has_validity = vec->validity != NULL;
    FF_FORWARD_IF_ERROR(spill_write(spill, &has_validity, 1, err));
    if (has_validity) {
        ff_type bytes = {.physical = FF_PHYSICAL_INT64};
        scratch->type = bytes;
        ff_vector_reset(scratch);
        FF_FORWARD_IF_ERROR(ff_vector_reserve(scratch, n / 64 + 1, 0, false, err));
        memset(scratch->values, 0, validity_bytes(n));
        for (int64_t idx = 0; idx < n; idx++)
            if (!ff_vector_is_null(vec, rows ? rows[idx] : idx))
                scratch->values[idx >> 3] |= (uint8_t)(1u << (idx & 7));
        FF_FORWARD_IF_ERROR(spill_write(spill, scratch->values, validity_bytes(n), err));
    }
    bool is_bytes = vec->type.physical == FF_PHYSICAL_BYTE_ARRAY;
    size_t width = is_bytes ? 0 : (size_t)ff_type_value_width(&vec->type);
    if (is_bytes) {
        ff_type wide = {.physical = FF_PHYSICAL_INT64};
        scratch->type = wide;
        ff_vector_reset(scratch);
        FF_FORWARD_IF_ERROR(ff_vector_reserve(scratch, n + 1, 0, false, err));
        int64_t *offsets = (int64_t *)(void *)scratch->values;
        offsets[0] = 0;
        for (int64_t idx = 0; idx < n; idx++) {
            int64_t row = rows ? rows[idx] : idx;
            offsets[idx + 1] = offsets[idx] + vec->offsets[row + 1] - vec->offsets[row];
        }
        FF_FORWARD_IF_ERROR(spill_write(spill, offsets, ((size_t)n + 1) * sizeof(int64_t), err));
    }
    for (int64_t start = 0; start < n;) {
        int64_t end = start + 1;
        while (rows && end < n && rows[end] == rows[end - 1] + 1)
            end++;
        if (!rows)
            end = n;
        int64_t first = rows ? rows[start] : start, last = first + (end - start);
        if (is_bytes)
            FF_FORWARD_IF_ERROR(spill_write(spill, vec->values + vec->offsets[first],
                                            (size_t)(vec->offsets[last] - vec->offsets[first]),
                                            err));
        else
            FF_FORWARD_IF_ERROR(spill_write(spill, vec->values + (size_t)first * width,
                                            (size_t)(end - start) * width, err));
        start = end;
    }
    return FF_OK;
}

ff_status ops_spill_append(ops_spill *spill, const ff_batch *batch, const uint32_t *rows,
                           int64_t num_rows, int64_t *block, ff_error *err) {
    if (batch->num_columns != spill->num_columns)
        return ff_error_set(err, FF_ERR_INTERNAL, "spill: %d columns, not %d",
                            (int)batch->num_columns, (int)spill->num_columns);
    if (spill->num_blocks == spill->blocks_cap) {
        size_t cap = spill->blocks_cap ? spill->blocks_cap * 2 : 16;
        spill_block *grown = ff_realloc(spill->blocks, cap * sizeof *grown, "spill", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        spill->blocks = grown;
        spill->blocks_cap = cap;
    }
    int64_t start = spill->size;
    /* Rows in long runs (an input grouped by partition) are written from the batch itself;
     * scattered rows are gathered first, so that each write stays large. */
    int64_t num_runs = num_rows > 0;
    for (int64_t idx = 1; rows && idx < num_rows; idx++)
        num_runs += rows[idx] != rows[idx - 1] + 1;
    bool is_runs = num_runs * 256 <= num_rows || num_runs <= 1;
    for (int32_t col = 0; col < spill->num_columns && is_runs; col++)
        FF_FORWARD_IF_ERROR(write_runs(spill, &batch->columns[col], rows, num_rows, err));
    for (int32_t col = 0; col < spill->num_columns && !is_runs; col++) {
        ff_vector *gathered = &spill->gather.columns[col];
        ff_vector_reset(gathered);
        if (gathered->validity)
            memset(gathered->validity, 0xff, gathered->validity_cap);
        gathered->type = spill->types[col];
        FF_FORWARD_IF_ERROR(ops_vector_append(gathered, &batch->columns[col], rows, num_rows, err));
        if (num_rows == 0 && gathered->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
            FF_FORWARD_IF_ERROR(ff_vector_reserve(gathered, 0, 0, false, err));
            gathered->offsets[0] = 0;
        }
        FF_FORWARD_IF_ERROR(write_column(spill, gathered, err));
    }
    spill_block *entry = &spill->blocks[spill->num_blocks];
    entry->offset = start;
    entry->bytes = spill->size - start;
    entry->num_rows = num_rows;
    *block = (int64_t)spill->num_blocks++;
    return FF_OK;
}

ff_status ops_spill_read(const ops_spill *spill, int64_t block, ff_batch *out, ff_error *err) {
    if (block < 0 || (size_t)block >= spill->num_blocks)
        return ff_error_set(err, FF_ERR_INTERNAL, "spill: no block %lld", (long long)block);
    const spill_block *entry = &spill->blocks[block];
    if (out->num_columns != spill->num_columns) {
        ff_batch_free(out);
        FF_FORWARD_IF_ERROR(ff_batch_init(out, spill->num_columns, err));
    }
    int64_t offset = entry->offset, n = entry->num_rows;
    for (int32_t col = 0; col < spill->num_columns; col++) {
        ff_vector *vec = &out->columns[col];
        ff_vector_reset(vec);
        vec->type = spill->types[col];
        uint8_t has_validity = 0;
        FF_FORWARD_IF_ERROR(spill_read(spill, &offset, &has_validity, 1, err));
        bool is_bytes = vec->type.physical == FF_PHYSICAL_BYTE_ARRAY;
        size_t width = is_bytes ? 0 : (size_t)ff_type_value_width(&vec->type);
        FF_FORWARD_IF_ERROR(
            ff_vector_reserve(vec, n, is_bytes ? 0 : (size_t)n * width, has_validity != 0, err));
        if (!has_validity && vec->validity)
            memset(vec->validity, 0xff, vec->validity_cap); /* a reused vector's old nulls */
        if (has_validity) {
            FF_FORWARD_IF_ERROR(spill_read(spill, &offset, vec->validity, validity_bytes(n), err));
            int64_t nulls = 0;
            for (int64_t row = 0; row < n; row++)
                nulls += ff_vector_is_null(vec, row);
            vec->null_count = nulls;
        }
        size_t values_len = (size_t)n * width;
        if (is_bytes) {
            FF_FORWARD_IF_ERROR(
                spill_read(spill, &offset, vec->offsets, ((size_t)n + 1) * sizeof(int64_t), err));
            if (vec->offsets[0] != 0 || vec->offsets[n] < 0 ||
                vec->offsets[n] > entry->offset + entry->bytes - offset)
                return ff_error_set(err, FF_ERR_CORRUPT, "%s: scratch block %lld is damaged",
                                    spill->path, (long long)block);
            values_len = (size_t)vec->offsets[n];
            FF_FORWARD_IF_ERROR(ff_vector_reserve(vec, n, values_len, false, err));
        }
        FF_FORWARD_IF_ERROR(spill_read(spill, &offset, vec->values, values_len, err));
        vec->values_len = values_len;
        vec->length = n;
    }
    out->num_rows = n;
    return FF_OK;
}
