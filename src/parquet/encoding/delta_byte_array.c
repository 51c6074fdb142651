/* DELTA_BYTE_ARRAY (Encodings.md, "Delta Strings"), incremental or front compression, for
 * BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY, decoder and encoder.
 *
 * Layout: the prefix lengths as a DELTA_BINARY_PACKED stream, then the suffixes as
 * DELTA_LENGTH_BYTE_ARRAY (their lengths as a second DELTA_BINARY_PACKED stream, then their
 * bytes concatenated). Value i is the first prefix[i] bytes of value i-1 followed by suffix i;
 * the value before the first is empty.
 *
 * A prefix longer than the previous value is corrupt. Since prefixes repeat earlier bytes, a
 * small page can describe a very large output; decoding refuses pages whose values add up to
 * more than FF_DELTA_MAX_PAGE_BYTES (FF_ERR_LIMIT). */
#include "parquet/encoding/delta_internal.h"
#include "parquet/encoding/encoding.h"

#include "parquet/encoding/bit_packing.h"
#include "util/check.h"

#include <stdlib.h>
#include <string.h>

#define FF_DELTA_MAX_PAGE_BYTES ((uint64_t)INT32_MAX)

enum { DBA_COPY_SLACK = 16 };

/* Reads n values of a DELTA_BINARY_PACKED stream of int32 at data; *consumed gets its length. */
static ff_status dba_read_stream(const uint8_t *data, size_t len, int64_t n, int32_t *values,
                                 size_t *consumed, const char *what, ff_error *err) {
    ff_dbp_reader reader;
    ff_status status = ff_dbp_reader_init(&reader, data, len, err);
    if (status == FF_OK && (uint64_t)n > reader.total)
        status = ff_error_set(err, FF_ERR_CORRUPT, "holds %llu values but the page has %lld",
                              (unsigned long long)reader.total, (long long)n);
    if (status == FF_OK)
        status = ff_dbp_reader_read(&reader, n, NULL, values, err);
    if (status == FF_OK)
        status = ff_dbp_reader_finish(&reader, consumed, err);
    if (status != FF_OK)
        return ff_error_prefix(err, "DELTA_BYTE_ARRAY %s", what);
    return FF_OK;
}

ff_status ff_delta_byte_array_decode(const uint8_t *data, size_t len, int64_t num_values,
                                     ff_vector *out, ff_error *err) {
    FF_RETURN_ERROR_IF(num_values < 0, err, FF_ERR_INVALID_ARGUMENT, "negative value count");
    bool is_fixed = out->type.physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
    FF_RETURN_ERROR_IF(!is_fixed && out->type.physical != FF_PHYSICAL_BYTE_ARRAY, err,
                       FF_ERR_CORRUPT,
                       "DELTA_BYTE_ARRAY is only defined for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY, "
                       "not physical type %d",
                       (int)out->type.physical);
    int64_t fixed_len = is_fixed ? out->type.type_length : 0;
    FF_RETURN_ERROR_IF(is_fixed && fixed_len <= 0, err, FF_ERR_INVALID_ARGUMENT,
                       "FIXED_LEN_BYTE_ARRAY type_length %lld is not positive",
                       (long long)fixed_len);
    ff_status status = FF_OK;
    int32_t *prefixes = NULL;
    if (num_values == 0)
        goto cleanup;
    size_t array_bytes;
    if (!ff_size_mul((size_t)num_values, 2 * sizeof(int32_t), &array_bytes)) {
        status = ff_error_set(err, FF_ERR_LIMIT, "DELTA_BYTE_ARRAY page too large");
        goto cleanup;
    }
    prefixes = ff_malloc(array_bytes, "DELTA_BYTE_ARRAY lengths", err);
    if (!prefixes) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    int32_t *suffixes = prefixes + num_values;
    size_t prefix_len, suffix_len;
    FF_CHECK_GOTO(
        status,
        dba_read_stream(data, len, num_values, prefixes, &prefix_len, "prefix lengths", err),
        cleanup);
    FF_CHECK_GOTO(status,
                  dba_read_stream(data + prefix_len, len - prefix_len, num_values, suffixes,
                                  &suffix_len, "suffix lengths", err),
                  cleanup);
    const uint8_t *suffix_bytes = data + prefix_len + suffix_len;
    size_t suffix_avail = len - prefix_len - suffix_len;

    /* Validate every length and size the output before copying anything. */
    uint64_t suffix_total = 0, out_total = 0;
    int64_t prev_len = 0;
    for (int64_t i = 0; i < num_values; i++) {
        if (prefixes[i] < 0 || suffixes[i] < 0) {
            status = ff_error_set(err, FF_ERR_CORRUPT,
                                  "DELTA_BYTE_ARRAY: value %lld has negative %s length %d",
                                  (long long)i, prefixes[i] < 0 ? "prefix" : "suffix",
                                  prefixes[i] < 0 ? prefixes[i] : suffixes[i]);
            goto cleanup;
        }
        if (prefixes[i] > prev_len) {
            status = ff_error_set(err, FF_ERR_CORRUPT,
                                  "DELTA_BYTE_ARRAY: value %lld has prefix length %d but the "
                                  "previous value is %lld bytes",
                                  (long long)i, prefixes[i], (long long)prev_len);
            goto cleanup;
        }
        prev_len = (int64_t)prefixes[i] + suffixes[i];
        if (is_fixed && prev_len != fixed_len) {
            status = ff_error_set(err, FF_ERR_CORRUPT,
                                  "DELTA_BYTE_ARRAY: value %lld is %lld bytes in a "
                                  "FIXED_LEN_BYTE_ARRAY(%lld) column",
                                  (long long)i, (long long)prev_len, (long long)fixed_len);
            goto cleanup;
        }
        suffix_total += (uint64_t)suffixes[i];
        out_total += (uint64_t)prev_len;
        if (suffix_total > suffix_avail) {
            status = ff_error_set(err, FF_ERR_CORRUPT,
                                  "DELTA_BYTE_ARRAY suffixes need more than the %zu bytes that "
                                  "remain",
                                  suffix_avail);
            goto cleanup;
        }
        if (out_total > FF_DELTA_MAX_PAGE_BYTES) {
            status = ff_error_set(err, FF_ERR_LIMIT,
                                  "DELTA_BYTE_ARRAY page decodes to more than %llu bytes",
                                  (unsigned long long)FF_DELTA_MAX_PAGE_BYTES);
            goto cleanup;
        }
    }

    if (is_fixed) {
        FF_CHECK_GOTO(status, ff_vector_reserve(out, out->length + num_values, 0, false, err),
                      cleanup);
    } else {
        FF_CHECK_GOTO(status,
                      ff_vector_reserve(out, out->length + num_values,
                                        out->values_len + (size_t)out_total + DBA_COPY_SLACK, false,
                                        err),
                      cleanup);
    }
    /* Value i starts where value i-1 ends, so copying the prefix from value i-1 never
     * overlaps: the source is [prev, prev + prefix) and the destination starts at
     * prev + prev_len >= prev + prefix. */
    uint8_t *dst = is_fixed ? out->values + (size_t)out->length * (size_t)fixed_len
                            : out->values + out->values_len;
    const uint8_t *prev = dst;
    const uint8_t *values_limit = out->values + out->values_cap;
    int64_t *offsets = is_fixed ? NULL : out->offsets + out->length;
    int64_t cur = is_fixed ? 0 : offsets[0];
    for (int64_t i = 0; i < num_values; i++) {
        /* Short prefixes and suffixes move as fixed 16-byte blocks when the buffers have
         * room; the excess is overwritten by the next value. memmove, because a short
         * previous value makes the 16-byte source and destination overlap. */
        if (prefixes[i] <= DBA_COPY_SLACK && (size_t)(values_limit - dst) >= DBA_COPY_SLACK)
            memmove(dst, prev, DBA_COPY_SLACK);
        else
            ff_enc_copy(dst, prev, (size_t)prefixes[i]);
        uint8_t *suffix_dst = dst + prefixes[i];
        if (suffixes[i] <= DBA_COPY_SLACK &&
            (size_t)(values_limit - suffix_dst) >= DBA_COPY_SLACK &&
            (size_t)(data + len - suffix_bytes) >= DBA_COPY_SLACK)
            memcpy(suffix_dst, suffix_bytes, DBA_COPY_SLACK);
        else
            ff_enc_copy(suffix_dst, suffix_bytes, (size_t)suffixes[i]);
        suffix_bytes += suffixes[i];
        prev = dst;
        int64_t value_len = (int64_t)prefixes[i] + suffixes[i];
        dst += value_len;
        if (offsets) {
            cur += value_len;
            offsets[i + 1] = cur;
        }
    }
    out->length += num_values;
    if (!is_fixed)
        out->values_len = (size_t)cur;

cleanup:
    free(prefixes);
    return status;
}

/* ---- encoder ---- */

ff_status ff_delta_byte_array_encode(const ff_vector *vec, int64_t offset, int64_t count,
                                     ff_buf *out, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_enc_check_range(vec, offset, count, err));
    bool is_fixed = vec->type.physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
    FF_RETURN_ERROR_IF(!is_fixed && vec->type.physical != FF_PHYSICAL_BYTE_ARRAY, err,
                       FF_ERR_INVALID_ARGUMENT,
                       "DELTA_BYTE_ARRAY needs a BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY vector");
    size_t width = is_fixed ? (size_t)vec->type.type_length : 0;
    FF_RETURN_ERROR_IF(is_fixed && (vec->type.type_length <= 0), err, FF_ERR_INVALID_ARGUMENT,
                       "FIXED_LEN_BYTE_ARRAY type_length %d is not positive",
                       vec->type.type_length);
    ff_status status = FF_OK;
    int32_t *prefixes =
        ff_malloc(((size_t)count + 1) * 2 * sizeof(int32_t), "DELTA_BYTE_ARRAY lengths", err);
    if (!prefixes)
        return FF_ERR_NO_MEMORY;
    int32_t *suffixes = prefixes + count + 1;
    int64_t present = 0;
    const uint8_t *prev = NULL;
    size_t prev_len = 0;
    int64_t end = offset + count;
    int64_t run_end;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        for (int64_t slot = idx; slot < run_end; slot++) {
            const uint8_t *value;
            size_t value_len;
            if (is_fixed) {
                value = vec->values + (size_t)slot * width;
                value_len = width;
            } else {
                value = vec->values + vec->offsets[slot];
                value_len = (size_t)(vec->offsets[slot + 1] - vec->offsets[slot]);
            }
            if (value_len > INT32_MAX) {
                status =
                    ff_error_set(err, FF_ERR_LIMIT,
                                 "value of %zu bytes exceeds Parquet's 2 GiB limit", value_len);
                goto cleanup;
            }
            size_t limit = value_len < prev_len ? value_len : prev_len;
            size_t common = 0;
            while (common < limit && value[common] == prev[common])
                common++;
            prefixes[present] = (int32_t)common;
            suffixes[present] = (int32_t)(value_len - common);
            present++;
            prev = value;
            prev_len = value_len;
        }
    }
    FF_CHECK_GOTO(status, ff_delta_binary_packed_encode(prefixes, false, present, out, err),
                  cleanup);
    FF_CHECK_GOTO(status, ff_delta_binary_packed_encode(suffixes, false, present, out, err),
                  cleanup);
    /* The suffix bytes, in the same order. */
    int64_t value_idx = 0;
    for (int64_t idx = ff_enc_valid_run(vec->validity, offset, end, &run_end); idx < end;
         idx = ff_enc_valid_run(vec->validity, run_end, end, &run_end)) {
        for (int64_t slot = idx; slot < run_end; slot++, value_idx++) {
            const uint8_t *value =
                is_fixed ? vec->values + (size_t)slot * width : vec->values + vec->offsets[slot];
            FF_CHECK_GOTO(
                status,
                ff_buf_append(out, value + prefixes[value_idx], (size_t)suffixes[value_idx], err),
                cleanup);
        }
    }

cleanup:
    free(prefixes);
    return status;
}
