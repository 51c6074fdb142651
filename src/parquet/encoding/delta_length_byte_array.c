/* DELTA_LENGTH_BYTE_ARRAY (Encodings.md, "Delta-length byte array") for BYTE_ARRAY, decoder
 * and encoder.
 *
 * Layout: the lengths of all values as one DELTA_BINARY_PACKED stream (see
 * delta_binary_packed.c), followed by the bytes of all values concatenated. Because the bytes
 * are already contiguous, decoding is the lengths turned into offsets plus a single copy. */
#include "parquet/encoding/delta_internal.h"
#include "parquet/encoding/encoding.h"

#include "parquet/encoding/bit_packing.h"
#include "util/check.h"

#include <stdlib.h>
#include <string.h>

ff_status ff_delta_length_byte_array_decode(const uint8_t *data, size_t len, int64_t num_values,
                                            ff_vector *out, ff_error *err) {
    FF_RETURN_ERROR_IF(num_values < 0, err, FF_ERR_INVALID_ARGUMENT, "negative value count");
    FF_RETURN_ERROR_IF(out->type.physical != FF_PHYSICAL_BYTE_ARRAY, err, FF_ERR_CORRUPT,
                       "DELTA_LENGTH_BYTE_ARRAY is only defined for BYTE_ARRAY, not physical "
                       "type %d",
                       (int)out->type.physical);
    ff_dbp_reader reader;
    FF_FORWARD_IF_ERROR(ff_dbp_reader_init(&reader, data, len, err));
    FF_RETURN_ERROR_IF((uint64_t)num_values > reader.total, err, FF_ERR_CORRUPT,
                       "DELTA_LENGTH_BYTE_ARRAY holds %llu lengths but the page has %lld values",
                       (unsigned long long)reader.total, (long long)num_values);
    FF_FORWARD_IF_ERROR(
        ff_vector_reserve(out, out->length + num_values, out->values_len, false, err));
    int64_t *offsets = out->offsets + out->length;
    const int64_t base = offsets[0];
    int64_t cur = base;
    /* Lengths are decoded in chunks straight into offsets; the running total is held to the
     * input size as it goes, so it can neither overflow nor promise bytes that are absent. */
    enum { CHUNK = 1024 };
    int32_t lengths[CHUNK];
    for (int64_t chunk_start = 0; chunk_start < num_values; chunk_start += CHUNK) {
        int64_t count = num_values - chunk_start < CHUNK ? num_values - chunk_start : CHUNK;
        FF_FORWARD_IF_ERROR(ff_dbp_reader_read(&reader, count, NULL, lengths, err));
        for (int64_t i = 0; i < count; i++) {
            FF_RETURN_ERROR_IF(lengths[i] < 0, err, FF_ERR_CORRUPT,
                               "DELTA_LENGTH_BYTE_ARRAY: value %lld has negative length %d",
                               (long long)(chunk_start + i), lengths[i]);
            cur += lengths[i];
            offsets[chunk_start + i + 1] = cur;
        }
        FF_RETURN_ERROR_IF((uint64_t)(cur - base) > len, err, FF_ERR_CORRUPT,
                           "DELTA_LENGTH_BYTE_ARRAY lengths add up to more than the %zu-byte "
                           "page",
                           len);
    }
    size_t lengths_len;
    FF_FORWARD_IF_ERROR(ff_dbp_reader_finish(&reader, &lengths_len, err));
    size_t bytes = (size_t)(cur - base);
    FF_RETURN_ERROR_IF(bytes > len - lengths_len, err, FF_ERR_CORRUPT,
                       "DELTA_LENGTH_BYTE_ARRAY values need %zu bytes but %zu remain", bytes,
                       len - lengths_len);
    FF_FORWARD_IF_ERROR(
        ff_vector_reserve(out, out->length + num_values, out->values_len + bytes, false, err));
    ff_enc_copy(out->values + base, data + lengths_len, bytes);
    out->length += num_values;
    out->values_len += bytes;
    return FF_OK;
}

/* Gathers the lengths of the non-null slots [offset, offset + count) into a new array
 * (caller frees) and sets *num_present. Lengths above INT32_MAX are FF_ERR_LIMIT. */
ff_status ff_enc_gather_lengths(const ff_vector *vec, int64_t offset, int64_t count,
                                int32_t **lengths_out, int64_t *num_present, ff_error *err) {
    *lengths_out = NULL;
    *num_present = 0;
    int32_t *lengths = ff_malloc(((size_t)count + 1) * sizeof *lengths, "lengths", err);
    if (!lengths)
        return FF_ERR_NO_MEMORY;
    int64_t present = 0;
    int64_t end = offset + count;
    int64_t run_end;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        for (int64_t slot = idx; slot < run_end; slot++) {
            int64_t value_len = vec->offsets[slot + 1] - vec->offsets[slot];
            if (value_len > INT32_MAX) {
                free(lengths);
                return ff_error_set(err, FF_ERR_LIMIT,
                                    "value of %lld bytes exceeds Parquet's 2 GiB limit",
                                    (long long)value_len);
            }
            lengths[present++] = (int32_t)value_len;
        }
    }
    *lengths_out = lengths;
    *num_present = present;
    return FF_OK;
}

ff_status ff_delta_length_byte_array_encode(const ff_vector *vec, int64_t offset, int64_t count,
                                            ff_buf *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_enc_check_range(vec, offset, count, err));
    FF_RETURN_ERROR_IF(vec->type.physical != FF_PHYSICAL_BYTE_ARRAY, err, FF_ERR_INVALID_ARGUMENT,
                       "DELTA_LENGTH_BYTE_ARRAY needs a BYTE_ARRAY vector");
    int32_t *lengths = NULL;
    int64_t present = 0;
    ff_status status = ff_enc_gather_lengths(vec, offset, count, &lengths, &present, err);
    if (status != FF_OK)
        goto cleanup;
    FF_CHECK_GOTO(status, ff_delta_binary_packed_encode(lengths, false, present, out, err),
                  cleanup);
    int64_t end = offset + count;
    int64_t run_end;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        size_t run_bytes = (size_t)(vec->offsets[run_end] - vec->offsets[idx]);
        FF_CHECK_GOTO(status, ff_buf_append(out, vec->values + vec->offsets[idx], run_bytes, err),
                      cleanup);
    }
cleanup:
    free(lengths);
    return status;
}
