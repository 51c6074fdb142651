/* Row groups assembled from copied and re-encoded column chunks
 * (ff_writer_write_row_group_copy): every small readable file of the corpus, rewritten with
 * all its chunks copied and with the odd columns copied (the others decoded and encoded
 * again), reads back with the corpus's fingerprint; copied chunks keep their
 * statistics, and their OffsetIndex moves with their pages. Wrong schemas and batches are
 * refused and leave the writer usable. */
#include "ff_corpus_test.h"

#include <fluxforge/reader.h>
#include <fluxforge/writer.h>

#include "parquet/file/file_reader.h"
#include "parquet/schema/schema.h"

#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

enum variant { COPY_ALL, COPY_ODD, NUM_VARIANTS };

static bool wants_copy(enum variant variant, int32_t col) {
    switch (variant) {
    case COPY_ALL:
        return true;
    default:
        return col % 2 == 1;
    }
}

/* Copied chunks of out keep the source's null counts, bounds and page locations. */
static void check_copied_chunks(ff_reader *source, ff_reader *out, const bool *copied_rg,
                                int32_t num_columns, const char *file, int *failures_out) {
    int *ff_test_failures = failures_out;
    int32_t num_rg = ff_reader_num_row_groups(out);
    ff_error err;
    for (int32_t rg = 0; rg < num_rg; rg++) {
        for (int32_t col = 0; col < num_columns; col++) {
            if (!copied_rg[(size_t)rg * (size_t)num_columns + (size_t)col])
                continue;
            ff_column_stats a, b;
            memset(&a, 0, sizeof a);
            memset(&b, 0, sizeof b);
            EXPECT_OK(ff_reader_column_stats(source, rg, col, &a, &err), &err);
            EXPECT_OK(ff_reader_column_stats(out, rg, col, &b, &err), &err);
            /* Bounds are kept where the source says which order they follow; without a
             * column order their meaning is undefined (parquet.thrift), so they may go. */
            bool bounds_kept =
                !ff_reader_has_type_order(source, col) ||
                (a.has_min_max == b.has_min_max &&
                 (!a.has_min_max ||
                  (a.min_len == b.min_len && a.max_len == b.max_len &&
                   memcmp(a.min, b.min, a.min_len) == 0 && memcmp(a.max, b.max, a.max_len) == 0)));
            if (a.has_null_count != b.has_null_count || a.null_count != b.null_count ||
                !bounds_kept)
                FF_FAIL_AT("%s: row group %d column %d: statistics changed in the copy", file, rg,
                           col);
            /* The OffsetIndex moved with the pages: each page sits at the same distance from
             * the chunk's first data page as in the source. */
            const ff_pq_column_chunk *src_chunk = ff_reader_column_chunk(source, rg, col);
            const ff_pq_column_chunk *out_chunk = ff_reader_column_chunk(out, rg, col);
            ff_arena arena;
            ff_arena_init(&arena, 0);
            ff_pq_offset_index src_index, out_index;
            bool src_present = false, out_present = false;
            EXPECT_OK(ff_reader_read_offset_index(source, rg, col, &arena, &src_index, &src_present,
                                                  &err),
                      &err);
            EXPECT_OK(
                ff_reader_read_offset_index(out, rg, col, &arena, &out_index, &out_present, &err),
                &err);
            EXPECT_TRUE(src_present == out_present);
            if (src_present && out_present) {
                EXPECT_EQ_INT(out_index.num_pages, src_index.num_pages);
                for (int32_t page = 0; page < src_index.num_pages && page < out_index.num_pages;
                     page++) {
                    int64_t src_rel = src_index.page_locations[page].offset -
                                      src_chunk->meta_data.data_page_offset;
                    int64_t out_rel = out_index.page_locations[page].offset -
                                      out_chunk->meta_data.data_page_offset;
                    if (src_rel != out_rel)
                        FF_FAIL_AT("%s: row group %d column %d page %d: OffsetIndex moved by a "
                                   "different amount than the pages",
                                   file, rg, col, page);
                }
            }
            ff_arena_free(&arena);
        }
    }
}

/* Rewrites src into dst copying the chunks the variant picks (when they can be copied) and
 * encoding the rest from decoded batches; *num_copied counts copied chunks. */
static ff_status rewrite(ff_reader *source, const char *dst, enum variant variant, bool *copied_rg,
                         int64_t *num_copied, ff_error *err) {
    ff_writer *writer = NULL;
    ff_batch batch;
    memset(&batch, 0, sizeof batch);
    int32_t num_columns = ff_reader_num_columns(source);
    bool *copy = calloc((size_t)num_columns + 1, sizeof(bool));
    ff_status status = ff_writer_open(dst, ff_reader_schema(source), NULL, &writer, err);
    for (int32_t rg = 0; status == FF_OK && rg < ff_reader_num_row_groups(source); rg++) {
        bool encodes = false;
        for (int32_t col = 0; col < num_columns; col++) {
            copy[col] = wants_copy(variant, col) && ff_writer_can_copy_column(source, rg, col);
            copied_rg[(size_t)rg * (size_t)num_columns + (size_t)col] = copy[col];
            *num_copied += copy[col];
            encodes |= !copy[col];
        }
        if (encodes)
            status = ff_reader_read_row_group(source, rg, NULL, -1, &batch, err);
        if (status == FF_OK)
            status = ff_writer_write_row_group_copy(writer, source, rg, copy,
                                                    encodes ? &batch : NULL, err);
    }
    if (status == FF_OK)
        status = ff_writer_close(writer, err);
    ff_writer_free(writer);
    ff_batch_free(&batch);
    free(copy);
    return status;
}

FF_TEST(corpus_files_survive_chunk_copies) {
    ff_test_manifest manifest;
    if (!ff_test_manifest_open(&manifest)) {
        FF_FAIL_AT("cannot read %s", manifest.path);
        return;
    }
    char scratch[256];
    if (!ff_test_scratch_dir(scratch, sizeof scratch, "ff-chunk-copy")) {
        FF_FAIL_AT("mkdtemp failed");
        ff_test_manifest_close(&manifest);
        return;
    }
    ff_json_span entry;
    int files_done = 0;
    int64_t copied = 0;
    while (ff_test_manifest_next(&manifest, &entry)) {
        char file[256] = "", expect[32] = "";
        ff_json_span span;
        if (ff_json_member(entry, "file", &span))
            ff_json_string(span, file, sizeof file);
        if (ff_json_member(entry, "expect", &span))
            ff_json_string(span, expect, sizeof expect);
        if (strcmp(expect, "rows") != 0)
            continue;
        char src[4400];
        snprintf(src, sizeof src, "%s/%s", manifest.dir, file);
        struct stat st;
        /* Small files have every shape the large ones have; the large ones (up to the two
         * 1 GiB strings) would only make the sanitizer run long. */
        if (stat(src, &st) != 0 || st.st_size > (1 << 20))
            continue;
        ff_error err;
        ff_error_clear(&err);
        ff_reader *source = NULL;
        uint64_t want = 0;
        int64_t want_rows = 0;
        EXPECT_OK(ff_reader_open(src, NULL, &source, &err), &err);
        if (!source)
            continue;
        if (ff_reader_num_rows(source) > 100000) {
            /* Fingerprints of many rows are what would make the run long, not the copies. */
            ff_reader_free(source);
            continue;
        }
        EXPECT_OK(ff_reader_fingerprint(source, &want, &want_rows, &err), &err);
        int32_t num_columns = ff_reader_num_columns(source);
        size_t cells = (size_t)ff_reader_num_row_groups(source) * (size_t)num_columns + 1;
        bool *copied_rg = calloc(cells, sizeof(bool));
        for (int variant = 0; variant < NUM_VARIANTS; variant++) {
            char dst[1024];
            snprintf(dst, sizeof dst, "%s/copy-%d.parquet", scratch, variant);
            memset(copied_rg, 0, cells * sizeof(bool));
            ff_status status =
                rewrite(source, dst, (enum variant)variant, copied_rg, &copied, &err);
            if (status != FF_OK) {
                FF_FAIL_AT("%s: variant %d: %s", file, variant, err.message);
                unlink(dst);
                continue;
            }
            ff_reader *out = NULL;
            uint64_t got = 0;
            int64_t got_rows = 0;
            EXPECT_OK(ff_reader_open(dst, NULL, &out, &err), &err);
            if (out) {
                EXPECT_OK(ff_reader_fingerprint(out, &got, &got_rows, &err), &err);
                if (got != want || got_rows != want_rows)
                    FF_FAIL_AT("%s: variant %d: fingerprint %016" PRIx64 " (%lld rows), expected "
                               "%016" PRIx64 " (%lld rows)",
                               file, variant, got, (long long)got_rows, want, (long long)want_rows);
                /* Row groups without rows are left out of the copy. */
                int32_t non_empty = 0;
                for (int32_t rg = 0; rg < ff_reader_num_row_groups(source); rg++)
                    non_empty += ff_reader_row_group_num_rows(source, rg) > 0;
                EXPECT_EQ_INT(ff_reader_num_row_groups(out), non_empty);
                if (non_empty == ff_reader_num_row_groups(source))
                    check_copied_chunks(source, out, copied_rg, num_columns, file,
                                        ff_test_failures);
            }
            ff_reader_free(out);
            unlink(dst);
        }
        free(copied_rg);
        ff_reader_free(source);
        files_done++;
    }
    printf("  %d corpus files, %lld chunks copied\n", files_done, (long long)copied);
    EXPECT_TRUE(files_done >= 30);
    EXPECT_TRUE(copied >= 300);
    rmdir(scratch);
    ff_test_manifest_close(&manifest);
}

/* The schema of one optional INT64 column called name. */
static ff_schema *int64_schema(const char *name) {
    ff_pq_schema_element elements[2];
    memset(elements, 0, sizeof elements);
    elements[0].name = "schema";
    elements[0].has_num_children = true;
    elements[0].num_children = 1;
    elements[1].name = name;
    elements[1].has_type = true;
    elements[1].type = FF_PHYSICAL_INT64;
    elements[1].has_repetition_type = true;
    elements[1].repetition_type = 1;
    ff_schema *schema = NULL;
    ff_error err;
    if (ff_schema_from_thrift(elements, 2, &schema, &err) != FF_OK)
        return NULL;
    return schema;
}

static void write_int64_file(const char *path, const ff_schema *schema, int64_t rows,
                             int *ff_test_failures) {
    ff_error err;
    ff_writer *writer = NULL;
    EXPECT_OK(ff_writer_open(path, schema, NULL, &writer, &err), &err);
    if (!writer)
        return;
    ff_batch batch;
    EXPECT_OK(ff_batch_init(&batch, 1, &err), &err);
    ff_type type = schema->leaves[0]->type;
    ff_vector_init(&batch.columns[0], &type);
    EXPECT_OK(ff_vector_reserve(&batch.columns[0], rows, 0, false, &err), &err);
    for (int64_t row = 0; row < rows; row++)
        ((int64_t *)batch.columns[0].values)[row] = row * 3;
    batch.columns[0].length = rows;
    batch.num_rows = rows;
    EXPECT_OK(ff_writer_write_batch(writer, &batch, &err), &err);
    EXPECT_OK(ff_writer_close(writer, &err), &err);
    ff_writer_free(writer);
    ff_batch_free(&batch);
}

FF_TEST(wrong_sources_are_refused_and_the_writer_goes_on) {
    char scratch[256];
    if (!ff_test_scratch_dir(scratch, sizeof scratch, "ff-chunk-copy")) {
        FF_FAIL_AT("mkdtemp failed");
        return;
    }
    char a_path[512], b_path[512], out_path[512];
    snprintf(a_path, sizeof a_path, "%s/a.parquet", scratch);
    snprintf(b_path, sizeof b_path, "%s/b.parquet", scratch);
    snprintf(out_path, sizeof out_path, "%s/out.parquet", scratch);
    ff_schema *a_schema = int64_schema("a"), *b_schema = int64_schema("b");
    EXPECT_TRUE(a_schema && b_schema);
    if (!a_schema || !b_schema)
        return;
    write_int64_file(a_path, a_schema, 1000, ff_test_failures);
    write_int64_file(b_path, b_schema, 1000, ff_test_failures);
    ff_error err;
    ff_reader *a = NULL, *b = NULL;
    EXPECT_OK(ff_reader_open(a_path, NULL, &a, &err), &err);
    EXPECT_OK(ff_reader_open(b_path, NULL, &b, &err), &err);
    ff_writer *writer = NULL;
    EXPECT_OK(ff_writer_open(out_path, a_schema, NULL, &writer, &err), &err);
    if (a && b && writer) {
        bool copy = true, encode = false;
        /* Column "b" is not column "a". */
        EXPECT_STATUS(ff_writer_write_row_group_copy(writer, b, 0, &copy, NULL, &err),
                      FF_ERR_SCHEMA);
        /* Encoding needs a batch with the row group's rows. */
        ff_batch batch;
        EXPECT_OK(ff_batch_init(&batch, 1, &err), &err);
        EXPECT_STATUS(ff_writer_write_row_group_copy(writer, a, 0, &encode, &batch, &err),
                      FF_ERR_INVALID_ARGUMENT);
        EXPECT_STATUS(ff_writer_write_row_group_copy(writer, a, 7, &copy, NULL, &err),
                      FF_ERR_INVALID_ARGUMENT);
        /* Still usable: one copied and one re-encoded row group. */
        EXPECT_OK(ff_writer_write_row_group_copy(writer, a, 0, &copy, NULL, &err), &err);
        EXPECT_OK(ff_reader_read_row_group(a, 0, NULL, -1, &batch, &err), &err);
        EXPECT_OK(ff_writer_write_row_group_copy(writer, a, 0, &encode, &batch, &err), &err);
        EXPECT_OK(ff_writer_close(writer, &err), &err);
        ff_batch_free(&batch);
        ff_reader *out = NULL;
        EXPECT_OK(ff_reader_open(out_path, NULL, &out, &err), &err);
        if (out) {
            EXPECT_EQ_INT(ff_reader_num_rows(out), 2000);
            EXPECT_EQ_INT(ff_reader_num_row_groups(out), 2);
            uint64_t got = 0, want = 0;
            EXPECT_OK(ff_reader_fingerprint(out, &got, NULL, &err), &err);
            EXPECT_OK(ff_reader_fingerprint(a, &want, NULL, &err), &err);
            EXPECT_EQ_U64(got, want * 2); /* the fingerprint is a wrapping sum over rows */
        }
        ff_reader_free(out);
    }
    ff_writer_free(writer);
    ff_reader_free(a);
    ff_reader_free(b);
    ff_schema_free(a_schema);
    ff_schema_free(b_schema);
    unlink(a_path);
    unlink(b_path);
    unlink(out_path);
    rmdir(scratch);
}

FF_TEST_MAIN(FF_CASE(corpus_files_survive_chunk_copies),
             FF_CASE(wrong_sources_are_refused_and_the_writer_goes_on))
