/* Corpus conformance: every file of ../shared/corpus/parquet-testing is read and compared
 * with its expected JSON, as manifest.json's `expect` says:
 *   rows           must read: num_rows, column names and type texts, the listed row texts
 *                  byte for byte, and the fingerprint over all rows must match;
 *   rows_or_error  may fail with a clean error; if it reads, it must match as above;
 *   error          must fail with an error that names the file.
 * A second case fails when a file in the folder has no manifest entry, so a new corpus file
 * cannot slip through untested. The corpus is only read. */
#include "ff_json_test.h"
#include "ff_test.h"

#include "parquet/file/row_text.h"
#include "parquet/schema/schema.h"

#include <fluxforge/reader.h>

#include <dirent.h>
#include <inttypes.h>

#define MAX_LISTED_ROWS 50

typedef struct expected_file {
    char *text;
    size_t len;
    ff_json_span root;
} expected_file;

static bool load_expected(const char *dir, const char *name, expected_file *out) {
    char path[8704];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    out->text = ff_test_read_file(path, &out->len);
    if (!out->text)
        return false;
    out->root.start = out->text;
    out->root.end = out->text + out->len;
    return true;
}

/* Reads the file and compares it with the expectation. Returns false when reading failed
 * (err then holds the reader's error), true when it read; mismatches are counted as
 * failures on the spot. */
static bool read_and_compare(int *ff_test_failures, const char *path, const char *file,
                             ff_json_span expected, ff_error *err) {
    ff_reader *reader = NULL;
    ff_row_cursor cursor;
    ff_batch batch = {0};
    ff_text_sink text_sink, hash_sink;
    memset(&cursor, 0, sizeof cursor);
    ff_text_sink_init(&text_sink, FF_SINK_BUFFER, err);
    ff_text_sink_init(&hash_sink, FF_SINK_HASH, err);
    bool read_ok = false;
    ff_status status = ff_reader_open(path, NULL, &reader, err);
    if (status != FF_OK)
        goto cleanup;

    /* Columns: top-level names and type texts. */
    const ff_schema *schema = ff_reader_schema(reader);
    ff_json_span columns;
    if (ff_json_member(expected, "columns", &columns)) {
        const char *pos = columns.start;
        ff_json_span column;
        int32_t column_idx = 0;
        while (ff_json_next(columns, &pos, &column)) {
            ff_json_span name_span, type_span;
            char name[512] = "", type_text[512] = "", got_type[512] = "";
            if (ff_json_member(column, "name", &name_span))
                ff_json_string(name_span, name, sizeof name);
            if (ff_json_member(column, "parquet_type", &type_span))
                ff_json_string(type_span, type_text, sizeof type_text);
            if (column_idx >= schema->root->num_children) {
                FF_FAIL_AT("%s: expected column '%s' is missing", file, name);
            } else {
                const ff_schema_node *node = schema->root->children[column_idx];
                ff_schema_node_type_text(node, got_type, sizeof got_type);
                if (strcmp(node->name, name) || strcmp(got_type, type_text))
                    FF_FAIL_AT("%s: column %d is '%s' %s, expected '%s' %s", file, column_idx,
                               node->name, got_type, name, type_text);
            }
            column_idx++;
        }
        if (column_idx != schema->root->num_children)
            FF_FAIL_AT("%s: %d top-level columns, expected %d", file, schema->root->num_children,
                       column_idx);
    }

    /* Rows: the listed texts byte for byte, the rest only hashed. */
    ff_json_span rows_span = {0}, checksum_span, num_rows_span;
    bool has_rows = ff_json_member(expected, "rows", &rows_span);
    const char *row_pos = has_rows ? rows_span.start : NULL;
    status = ff_row_cursor_init(&cursor, schema, NULL, -1, err);
    if (status != FF_OK)
        goto cleanup;
    uint64_t sum = 0;
    int64_t row_idx = 0, row_mismatches = 0;
    for (int32_t rg_idx = 0; rg_idx < ff_reader_num_row_groups(reader); rg_idx++) {
        status = ff_reader_read_row_group(reader, rg_idx, cursor.leaf_columns,
                                          cursor.num_leaf_columns, &batch, err);
        if (status == FF_OK)
            status = ff_row_cursor_bind(&cursor, &batch, err);
        if (status != FF_OK)
            goto cleanup;
        for (int64_t batch_row = 0; batch_row < batch.num_rows; batch_row++, row_idx++) {
            ff_json_span want;
            bool listed =
                has_rows && row_idx < MAX_LISTED_ROWS && ff_json_next(rows_span, &row_pos, &want);
            ff_text_sink *sink = listed ? &text_sink : &hash_sink;
            ff_text_sink_reset(sink);
            status = ff_row_cursor_render_row(&cursor, sink, err);
            if (status != FF_OK)
                goto cleanup;
            if (listed) {
                size_t want_len = (size_t)(want.end - want.start);
                if ((text_sink.buf.len != want_len ||
                     memcmp(text_sink.buf.data, want.start, want_len)) &&
                    row_mismatches++ < 3)
                    FF_FAIL_AT("%s: row %" PRId64 " is\n    %.*s\n  expected\n    %.*s", file,
                               row_idx, (int)(text_sink.buf.len > 2000 ? 2000 : text_sink.buf.len),
                               (const char *)text_sink.buf.data,
                               (int)(want_len > 2000 ? 2000 : want_len), want.start);
                sum += ff_fnv1a64(text_sink.buf.data, text_sink.buf.len);
            } else {
                sum += ff_text_sink_hash(&hash_sink);
            }
        }
    }
    read_ok = true;
    if (ff_json_member(expected, "num_rows", &num_rows_span)) {
        int64_t want_rows = -1;
        ff_json_int(num_rows_span, &want_rows);
        if (row_idx != want_rows || ff_reader_num_rows(reader) != want_rows)
            FF_FAIL_AT("%s: %" PRId64 " rows (footer %" PRId64 "), expected %" PRId64, file,
                       row_idx, ff_reader_num_rows(reader), want_rows);
    }
    if (ff_json_member(expected, "checksum", &checksum_span)) {
        char want_sum[32] = "", got_sum[32];
        ff_json_string(checksum_span, want_sum, sizeof want_sum);
        snprintf(got_sum, sizeof got_sum, "%016" PRIx64, sum);
        if (strcmp(got_sum, want_sum))
            FF_FAIL_AT("%s: fingerprint %s, expected %s", file, got_sum, want_sum);
    } else {
        FF_FAIL_AT("%s: the expected file has no checksum", file);
    }
cleanup:
    ff_row_cursor_free(&cursor);
    ff_batch_free(&batch);
    ff_reader_free(reader);
    ff_text_sink_free(&text_sink);
    ff_text_sink_free(&hash_sink);
    return read_ok;
}

FF_TEST(corpus_files_match_their_expectations) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/parquet-testing", ff_test_corpus_dir());
    char manifest_path[4200];
    snprintf(manifest_path, sizeof manifest_path, "%s/manifest.json", dir);
    size_t manifest_len;
    char *manifest = ff_test_read_file(manifest_path, &manifest_len);
    if (!manifest) {
        FF_FAIL_AT("cannot read %s", manifest_path);
        return;
    }
    ff_json_span root = {manifest, manifest + manifest_len}, files;
    if (!ff_json_member(root, "files", &files)) {
        FF_FAIL_AT("%s has no files list", manifest_path);
        free(manifest);
        return;
    }
    const char *pos = files.start;
    ff_json_span entry;
    int total = 0, passing = 0, clean_errors = 0;
    while (ff_json_next(files, &pos, &entry)) {
        char file[512] = "", expected_name[512] = "", expect[64] = "";
        ff_json_span span;
        if (ff_json_member(entry, "file", &span))
            ff_json_string(span, file, sizeof file);
        if (ff_json_member(entry, "expected", &span))
            ff_json_string(span, expected_name, sizeof expected_name);
        if (ff_json_member(entry, "expect", &span))
            ff_json_string(span, expect, sizeof expect);
        total++;
        int failures_before = *ff_test_failures;
        expected_file expected = {0};
        if (!load_expected(dir, expected_name, &expected)) {
            FF_FAIL_AT("%s: cannot read its expected file '%s'", file, expected_name);
            continue;
        }
        char path[4700];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        ff_error err;
        ff_error_clear(&err);
        bool read_ok = read_and_compare(ff_test_failures, path, file, expected.root, &err);
        const char *outcome = "read";
        if (!strcmp(expect, "error")) {
            if (read_ok)
                FF_FAIL_AT("%s: read without error, but the file must be refused", file);
            else if (!strstr(err.message, file) || strchr(err.message, '\n'))
                FF_FAIL_AT("%s: error does not name the file on one line: %s", file, err.message);
            outcome = "refused";
        } else if (!read_ok) {
            if (!strcmp(expect, "rows_or_error") && err.code != FF_ERR_INTERNAL &&
                strstr(err.message, file)) {
                outcome = "refused (allowed)";
                clean_errors++;
            } else {
                FF_FAIL_AT("%s: %s: %s", file, ff_status_name(err.code), err.message);
            }
        }
        if (*ff_test_failures == failures_before)
            passing++;
        printf("  %-5s %-50s %-14s %s\n", *ff_test_failures == failures_before ? "ok" : "FAIL",
               file, expect, outcome);
        if (!read_ok && err.message[0])
            printf("        %s\n", err.message);
        free(expected.text);
    }
    printf("  %d of %d corpus files pass (%d refused where an error is allowed)\n", passing, total,
           clean_errors);
    free(manifest);
}

FF_TEST(every_corpus_file_has_an_expectation) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/parquet-testing", ff_test_corpus_dir());
    char manifest_path[4200];
    snprintf(manifest_path, sizeof manifest_path, "%s/manifest.json", dir);
    size_t manifest_len;
    char *manifest = ff_test_read_file(manifest_path, &manifest_len);
    DIR *listing = opendir(dir);
    if (!manifest || !listing) {
        FF_FAIL_AT("cannot read the corpus folder %s", dir);
        free(manifest);
        if (listing)
            closedir(listing);
        return;
    }
    ff_json_span root = {manifest, manifest + manifest_len}, files;
    EXPECT_TRUE(ff_json_member(root, "files", &files));
    struct dirent *dirent;
    int checked = 0;
    while ((dirent = readdir(listing))) {
        const char *name = dirent->d_name;
        if (!strstr(name, ".parquet") || strstr(name, ".expected.json"))
            continue;
        checked++;
        bool found = false;
        const char *pos = files.start;
        ff_json_span entry, span;
        while (!found && ff_json_next(files, &pos, &entry)) {
            char file[512] = "", expect[64] = "";
            if (ff_json_member(entry, "file", &span))
                ff_json_string(span, file, sizeof file);
            if (ff_json_member(entry, "expect", &span))
                ff_json_string(span, expect, sizeof expect);
            found = !strcmp(file, name) &&
                    (!strcmp(expect, "rows") || !strcmp(expect, "rows_or_error") ||
                     !strcmp(expect, "error"));
        }
        if (!found)
            FF_FAIL_AT("%s has no expectation (rows, rows_or_error or error) in manifest.json",
                       name);
    }
    closedir(listing);
    free(manifest);
    EXPECT_TRUE(checked > 0);
}

FF_TEST_MAIN(FF_CASE(every_corpus_file_has_an_expectation),
             FF_CASE(corpus_files_match_their_expectations))
