/* The footer-only reader (ff_reader_open_footer, src/parquet/file/file_reader.h) against the
 * full one, over the conformance corpus: the same schema, row groups, chunk metadata and
 * key-value metadata for every file the full reader opens, the same refusal for every file it
 * refuses, footers longer than the first read included; page reads fail cleanly; truncated
 * copies fail cleanly. */
#include "ff_corpus_test.h"

#include "parquet/file/file_reader.h"
#include "parquet/schema/schema.h"

#include <fluxforge/reader.h>

static void compare_readers(int *ff_test_failures, const ff_reader *full, const ff_reader *tail,
                            const char *name) {
    if (ff_reader_num_row_groups(full) != ff_reader_num_row_groups(tail) ||
        ff_reader_num_rows(full) != ff_reader_num_rows(tail) ||
        ff_reader_num_columns(full) != ff_reader_num_columns(tail) ||
        ff_reader_num_key_values(full) != ff_reader_num_key_values(tail) ||
        ff_reader_file_size(full) != ff_reader_file_size(tail)) {
        FF_FAIL_AT("%s: the footer-only reader sees other counts", name);
        return;
    }
    const ff_schema *a = ff_reader_schema(full), *b = ff_reader_schema(tail);
    EXPECT_EQ_INT(a->num_nodes, b->num_nodes);
    for (int32_t idx = 0; idx < a->num_nodes && idx < b->num_nodes; idx++)
        if (strcmp(a->nodes[idx].name, b->nodes[idx].name) ||
            a->nodes[idx].type.physical != b->nodes[idx].type.physical)
            FF_FAIL_AT("%s: schema node %d differs", name, (int)idx);
    for (int32_t rg = 0; rg < ff_reader_num_row_groups(full); rg++) {
        EXPECT_EQ_INT(ff_reader_row_group_num_rows(full, rg),
                      ff_reader_row_group_num_rows(tail, rg));
        for (int32_t col = 0; col < ff_reader_num_columns(full); col++) {
            const ff_pq_column_chunk *x = ff_reader_column_chunk(full, rg, col);
            const ff_pq_column_chunk *y = ff_reader_column_chunk(tail, rg, col);
            if (!x || !y ||
                x->meta_data.total_compressed_size != y->meta_data.total_compressed_size ||
                x->meta_data.data_page_offset != y->meta_data.data_page_offset ||
                x->meta_data.num_values != y->meta_data.num_values)
                FF_FAIL_AT("%s: row group %d column %d: chunk metadata differs", name, (int)rg,
                           (int)col);
        }
    }
    for (int32_t kv = 0; kv < ff_reader_num_key_values(full); kv++) {
        const char *ka, *kb;
        const uint8_t *va, *vb;
        size_t la, lb;
        ff_reader_key_value(full, kv, &ka, &va, &la);
        ff_reader_key_value(tail, kv, &kb, &vb, &lb);
        if (strcmp(ka, kb) || la != lb || (va && la && memcmp(va, vb, la)))
            FF_FAIL_AT("%s: key-value %d differs", name, (int)kv);
    }
}

/* Opens path both ways; returns whether both opened. */
static bool open_both(int *ff_test_failures, const char *path, const char *name, int64_t *opened,
                      int64_t *refused) {
    ff_reader *full = NULL, *tail = NULL;
    ff_error err_full, err_tail;
    ff_error_clear(&err_full);
    ff_error_clear(&err_tail);
    ff_status s_full = ff_reader_open(path, NULL, &full, &err_full);
    ff_status s_tail = ff_reader_open_footer(path, NULL, &tail, &err_tail);
    if ((s_full == FF_OK) != (s_tail == FF_OK)) {
        FF_FAIL_AT("%s: full reader %d (%s), footer-only %d (%s)", name, (int)s_full,
                   err_full.message, (int)s_tail, err_tail.message);
    } else if (s_full == FF_OK) {
        compare_readers(ff_test_failures, full, tail, name);
        /* No page is reachable through the footer-only reader, and saying so is clean. */
        if (ff_reader_num_row_groups(tail) > 0 && ff_reader_row_group_num_rows(tail, 0) > 0 &&
            ff_reader_num_columns(tail) > 0) {
            ff_batch batch;
            ff_error read_err;
            EXPECT_OK(ff_batch_init(&batch, 0, &read_err), &read_err);
            int32_t first = 0;
            ff_status s = ff_reader_read_row_group(tail, 0, &first, 1, &batch, &read_err);
            EXPECT_TRUE(s != FF_OK && s != FF_ERR_INTERNAL);
            ff_batch_free(&batch);
        }
        (*opened)++;
    } else {
        EXPECT_TRUE(s_tail != FF_ERR_INTERNAL);
        EXPECT_TRUE(strstr(err_tail.message, name) != NULL);
        (*refused)++;
    }
    ff_reader_free(full);
    ff_reader_free(tail);
    return s_full == FF_OK && s_tail == FF_OK;
}

FF_TEST(footer_only_reader_agrees_with_the_full_one) {
    ff_test_manifest manifest;
    if (!ff_test_manifest_open(&manifest)) {
        FF_FAIL_AT("cannot read %s", manifest.path);
        return;
    }
    char scratch[4096];
    EXPECT_TRUE(ff_test_scratch_dir(scratch, sizeof scratch, "ff-footer"));
    ff_json_span entry, span;
    int64_t opened = 0, refused = 0, long_footers = 0, truncations = 0;
    while (ff_test_manifest_next(&manifest, &entry)) {
        char file[512] = "";
        if (ff_json_member(entry, "file", &span))
            ff_json_string(span, file, sizeof file);
        if (!file[0])
            continue;
        char path[4700];
        snprintf(path, sizeof path, "%s/%s", manifest.dir, file);
        if (!open_both(ff_test_failures, path, file, &opened, &refused))
            continue;
        size_t len = 0;
        uint8_t *bytes = (uint8_t *)ff_test_read_file(path, &len);
        if (!bytes)
            continue;
        uint32_t footer_len = (uint32_t)bytes[len - 8] | (uint32_t)bytes[len - 7] << 8 |
                              (uint32_t)bytes[len - 6] << 16 | (uint32_t)bytes[len - 5] << 24;
        long_footers += footer_len + 8 > 8192;
        /* Truncated copies, cut inside the footer and its tail: both readers refuse them. */
        size_t cuts[] = {len - 1, len - 4, len - 8, len - (footer_len + 8) / 2};
        for (size_t cut_idx = 0; cut_idx < sizeof cuts / sizeof cuts[0]; cut_idx++) {
            char cut_path[4800];
            snprintf(cut_path, sizeof cut_path, "%s/cut.parquet", scratch);
            FILE *out = fopen(cut_path, "wb");
            if (!out)
                continue;
            fwrite(bytes, 1, cuts[cut_idx], out);
            fclose(out);
            int64_t cut_opened = 0, cut_refused = 0;
            open_both(ff_test_failures, cut_path, "cut.parquet", &cut_opened, &cut_refused);
            EXPECT_EQ_INT(cut_opened, 0);
            truncations++;
        }
        free(bytes);
    }
    printf("  %lld files opened alike, %lld refused alike, %lld with footers over 8 KiB, %lld "
           "truncated copies refused\n",
           (long long)opened, (long long)refused, (long long)long_footers, (long long)truncations);
    EXPECT_TRUE(opened > 40);
    EXPECT_TRUE(long_footers > 0);
    char command[4200];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    EXPECT_TRUE(system(command) == 0);
    ff_test_manifest_close(&manifest);
}

FF_TEST_MAIN(FF_CASE(footer_only_reader_agrees_with_the_full_one))
