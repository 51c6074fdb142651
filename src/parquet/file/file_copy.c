/* Copying a Parquet file through the reader and the writer (ff_writer_copy_file in
 * include/fluxforge/writer.h): the simplest end-to-end use of both, and how `fluxforge copy`
 * changes a file's codec, page version or row-group size. The schema tree the reader built
 * goes to the writer unchanged, so names, types, annotations, field ids and repetition
 * survive, and so does the key-value metadata, schema-describing keys included. */
#include <fluxforge/reader.h>
#include <fluxforge/writer.h>

#include "util/mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* True when both paths exist and name the same file: writing would truncate the source. */
static bool same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

ff_status ff_writer_copy_file(const char *src_path, const char *dst_path,
                              const ff_writer_options *options, int64_t *num_rows, ff_error *err) {
    ff_reader *reader = NULL;
    ff_writer *writer = NULL;
    ff_key_value *key_values = NULL;
    char **values = NULL;
    int32_t num_key_values = 0;
    ff_batch batch;
    memset(&batch, 0, sizeof batch);
    int64_t rows = 0;
    ff_status status;
    if (num_rows)
        *num_rows = 0;
    if (same_file(src_path, dst_path)) {
        status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: destination is the source file",
                              dst_path);
        goto cleanup;
    }
    status = ff_reader_open(src_path, NULL, &reader, err);
    if (status != FF_OK)
        goto cleanup;

    ff_writer_options opts;
    if (options)
        opts = *options;
    else
        ff_writer_options_init(&opts);
    /* The reader's values are counted byte strings; the writer takes C strings. */
    num_key_values = ff_reader_num_key_values(reader);
    key_values = ff_calloc((size_t)num_key_values + 1, sizeof *key_values, "key-values", err);
    values = ff_calloc((size_t)num_key_values + 1, sizeof *values, "key-values", err);
    if (!key_values || !values) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (int32_t kv_idx = 0; kv_idx < num_key_values; kv_idx++) {
        const char *key;
        const uint8_t *value;
        size_t value_len;
        ff_reader_key_value(reader, kv_idx, &key, &value, &value_len);
        key_values[kv_idx].key = key;
        if (value) {
            values[kv_idx] = ff_strndup((const char *)value, value_len, err);
            if (!values[kv_idx]) {
                status = FF_ERR_NO_MEMORY;
                goto cleanup;
            }
            key_values[kv_idx].value = values[kv_idx];
        }
    }
    opts.key_value_metadata = key_values;
    opts.num_key_value_metadata = num_key_values;
    opts.metadata_source_schema = ff_reader_schema(reader);
    status = ff_writer_open(dst_path, ff_reader_schema(reader), &opts, &writer, err);
    if (status != FF_OK)
        goto cleanup;
    for (int32_t rg_idx = 0; rg_idx < ff_reader_num_row_groups(reader); rg_idx++) {
        status = ff_reader_read_row_group(reader, rg_idx, NULL, -1, &batch, err);
        if (status == FF_OK)
            status = ff_writer_write_batch(writer, &batch, err);
        if (status != FF_OK)
            goto cleanup;
        rows += batch.num_rows;
    }
    status = ff_writer_close(writer, err);
    if (status == FF_OK && num_rows)
        *num_rows = rows;
cleanup:
    ff_writer_free(writer);
    ff_batch_free(&batch);
    for (int32_t kv_idx = 0; values && kv_idx < num_key_values; kv_idx++)
        free(values[kv_idx]);
    free(values);
    free(key_values);
    ff_reader_free(reader);
    return status;
}
