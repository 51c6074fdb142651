/* The per-file checks of `verify` (DESIGN.md §1), run through the dataset layer's
 * ff_verify_options.check_file hook: the file opens as Parquet, every row group decodes in
 * every column (pages, levels, dictionaries, CRCs — whatever the reader checks), and each
 * partition column the file stores holds, in every row, its directory's value.
 *
 * The comparison is typed: the directory text is read as the column's type, so `date=2025-11-26`
 * matches a DATE or a string column and `n=7` matches an integer column holding 7 (even if
 * the directory says `n=007`). A NULL directory (`__HIVE_DEFAULT_PARTITION__`) must hold NULL
 * in every row. Types the typed reader does not cover (timestamps, decimals, booleans,
 * floating point) compare by the directory text FluxForge itself would write for the value.
 * A file that does not store a partition column (as DuckDB and Spark write by default) is
 * not a problem: its rows take their value from the directory alone. */
#include "ops/ops_internal.h"

#include "util/check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A signed integer slot of an INT32 or INT64 vector. */
static int64_t int_slot(const ff_vector *vec, int64_t row) {
    if (vec->type.physical == FF_PHYSICAL_INT32) {
        int32_t value;
        memcpy(&value, vec->values + row * 4, sizeof value);
        return value;
    }
    int64_t value;
    memcpy(&value, vec->values + row * 8, sizeof value);
    return value;
}

/* Does slot row of vec hold the directory value? expected is the value read as the column's
 * type (has_scalar false when it cannot be: then the texts are compared). */
static ff_status slot_matches(const ff_vector *vec, int64_t row, const ff_partition_value *dir,
                              bool has_scalar, const ff_scalar *expected, ff_buf *text,
                              bool *matches, ff_error *err) {
    bool is_null = ff_vector_is_null(vec, row);
    if (dir->is_null || is_null) {
        *matches = dir->is_null && is_null;
        return FF_OK;
    }
    if (has_scalar && vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        size_t len = (size_t)(vec->offsets[row + 1] - vec->offsets[row]);
        *matches = len == expected->len &&
                   (len == 0 || !memcmp(vec->values + vec->offsets[row], expected->bytes, len));
        return FF_OK;
    }
    if (has_scalar &&
        (vec->type.physical == FF_PHYSICAL_INT32 || vec->type.physical == FF_PHYSICAL_INT64)) {
        *matches = int_slot(vec, row) == expected->i64;
        return FF_OK;
    }
    bool text_is_null = false;
    FF_FORWARD_IF_ERROR(ops_partition_text(vec, row, text, &text_is_null, err));
    *matches =
        text->len == dir->len && (dir->len == 0 || !memcmp(text->data, dir->bytes, dir->len));
    return FF_OK;
}

/* Describes the value the file holds, for the message. */
static void describe_slot(const ff_vector *vec, int64_t row, ff_buf *text, char *out,
                          size_t out_cap) {
    bool is_null = false;
    ff_error ignored;
    if (ops_partition_text(vec, row, text, &is_null, &ignored) != FF_OK)
        snprintf(out, out_cap, "(unprintable)");
    else if (is_null)
        snprintf(out, out_cap, "NULL");
    else
        snprintf(out, out_cap, "'%.*s'", (int)(text->len > 64 ? 64 : text->len),
                 (const char *)text->data);
}

/* The report names the file already (relative to the dataset): drops the reader's full-path
 * prefix from a message so the line names it once. */
static void drop_path_prefix(ff_error *err, const char *path, size_t path_len) {
    if (strncmp(err->message, path, path_len) || strncmp(err->message + path_len, ": ", 2))
        return;
    memmove(err->message, err->message + path_len + 2, strlen(err->message + path_len + 2) + 1);
}

ff_status ops_verify_file(void *user, const char *root, const ff_dataset_file *file,
                          const ff_discovery *discovery, ff_error *err) {
    (void)user;
    ff_reader *reader = NULL;
    ff_batch batch = {0};
    ff_buf path, text;
    ff_buf_init(&path, 0);
    ff_buf_init(&text, 0);
    size_t num_partition_columns = discovery->num_partition_columns;
    int32_t leaves[64]; /* leaf column of each partition column, -1 when not stored */
    ff_status status = FF_OK;
    if (num_partition_columns > sizeof leaves / sizeof leaves[0]) {
        status = ff_error_set(err, FF_ERR_LIMIT, "more than 64 partition columns");
        goto cleanup;
    }
    FF_CHECK_GOTO(status, ff_buf_printf(&path, err, "%s/%s", root, file->rel_path), cleanup);
    FF_CHECK_GOTO(status, ff_reader_open((const char *)path.data, NULL, &reader, err), cleanup);
    const ff_schema_node *tree_root = ff_reader_schema(reader)->root;
    for (size_t col = 0; col < num_partition_columns; col++) {
        leaves[col] = -1;
        for (int32_t child_idx = 0; child_idx < tree_root->num_children; child_idx++) {
            const ff_schema_node *node = tree_root->children[child_idx];
            if (!strcmp(node->name, discovery->partition_columns[col]) && node->is_leaf &&
                node->repetition != FF_PQ_REPEATED)
                leaves[col] = node->leaf_idx;
        }
    }
    FF_CHECK_GOTO(status, ff_batch_init(&batch, 0, err), cleanup);
    for (int32_t rg_idx = 0; rg_idx < ff_reader_num_row_groups(reader); rg_idx++) {
        /* Every column, so that a damaged page anywhere in the file is found. */
        FF_CHECK_GOTO(status, ff_reader_read_row_group(reader, rg_idx, NULL, -1, &batch, err),
                      cleanup);
        for (size_t col = 0; col < num_partition_columns; col++) {
            if (leaves[col] < 0)
                continue;
            const ff_vector *vec = &batch.columns[leaves[col]];
            const ff_partition_value *dir = &file->values[col];
            ff_scalar expected;
            bool has_scalar = ops_partition_scalar(&vec->type, dir, &expected);
            int64_t num_bad = 0, first_bad = -1;
            for (int64_t row = 0; row < batch.num_rows; row++) {
                bool matches = false;
                FF_CHECK_GOTO(
                    status,
                    slot_matches(vec, row, dir, has_scalar, &expected, &text, &matches, err),
                    cleanup);
                if (!matches && num_bad++ == 0)
                    first_bad = row;
            }
            if (num_bad) {
                char held[96];
                describe_slot(vec, first_bad, &text, held, sizeof held);
                status = ff_error_set(err, FF_ERR_CORRUPT,
                                      "row group %d: column '%s': %" PRId64 " of %" PRId64
                                      " rows disagree with the directory (%s=%s); row %" PRId64
                                      " holds %s",
                                      rg_idx, discovery->partition_columns[col], num_bad,
                                      batch.num_rows, discovery->partition_columns[col],
                                      dir->is_null ? FF_HIVE_DEFAULT_PARTITION
                                                   : (dir->bytes ? (const char *)dir->bytes : ""),
                                      first_bad, held);
                goto cleanup;
            }
        }
    }
cleanup:
    if (status != FF_OK && path.len)
        drop_path_prefix(err, (const char *)path.data, path.len);
    ff_batch_free(&batch);
    ff_reader_free(reader);
    ff_buf_free(&path);
    ff_buf_free(&text);
    return status;
}
