/* Damaged input: variants of every readable corpus file, made in memory, must each give
 * either a result or a clean error (a status other than FF_ERR_INTERNAL and a one-line
 * message that names the file) — never a crash, a hang or a leak, which the sanitizer
 * build and CTest's timeout catch.
 *
 * Variants per file: truncation at many offsets (including every offset of the tail that
 * holds the footer length and magic), single-byte flips across the footer, in every page
 * header of the first pages of each column chunk, and in the page data behind them. The
 * corpus itself is only read; variants never touch the disk. The number of variants per
 * file is capped so that the whole run stays well inside the suite's time budget. */
#include "ff_corpus_test.h"

#include "parquet/thrift/metadata.h"
#include "util/cursor.h"

#include <fluxforge/reader.h>

#include <inttypes.h>
#include <time.h>

/* Files larger than this get only the footer and truncation variants. */
#define FULL_VARIANT_FILE_BYTES (96 * 1024)
#define PAGES_PER_CHUNK         2
#define CHUNKS_PER_ROW_GROUP    6
#define HEADER_FLIPS_PER_PAGE   8
#define DATA_FLIPS_PER_PAGE     3
#define FOOTER_FLIPS            48
#define TRUNCATIONS             16

typedef struct variant_stats {
    int64_t variants;
    int64_t errors;
    int64_t read_fine;
} variant_stats;

/* Reads every row group and renders every row of one variant. */
static void run_variant(int *ff_test_failures, const uint8_t *data, size_t len, const char *name,
                        const char *what, variant_stats *stats) {
    ff_reader_options options;
    ff_reader_options_init(&options);
    /* A damaged count may legitimately ask for a lot of memory; cap it so the test
     * measures robustness, not the machine. */
    options.max_chunk_bytes = (size_t)256 << 20;
    ff_error err;
    ff_error_clear(&err);
    ff_reader *reader = NULL;
    uint64_t fingerprint = 0;
    ff_status status = ff_reader_open_memory(data, len, name, &options, &reader, &err);
    if (status == FF_OK)
        status = ff_reader_fingerprint(reader, &fingerprint, NULL, &err);
    ff_reader_free(reader);
    stats->variants++;
    if (status == FF_OK) {
        stats->read_fine++;
        return;
    }
    stats->errors++;
    if (status == FF_ERR_INTERNAL || !strstr(err.message, name) || strchr(err.message, '\n'))
        FF_FAIL_AT("%s (%s): %s: %s", name, what, ff_status_name(status), err.message);
}

static void flip_and_run(int *ff_test_failures, uint8_t *copy, const uint8_t *original, size_t len,
                         size_t offset, uint8_t mask, const char *name, const char *what,
                         variant_stats *stats) {
    if (offset >= len)
        return;
    copy[offset] = original[offset] ^ mask;
    char label[96];
    snprintf(label, sizeof label, "%s, byte %zu ^ 0x%02x", what, offset, mask);
    run_variant(ff_test_failures, copy, len, name, label, stats);
    copy[offset] = original[offset];
}

/* Header and data flips for the first pages of every column chunk. */
static void damage_pages(int *ff_test_failures, uint8_t *copy, const uint8_t *original, size_t len,
                         const char *name, variant_stats *stats) {
    ff_reader *reader = NULL;
    ff_error err;
    if (ff_reader_open_memory(original, len, name, NULL, &reader, &err) != FF_OK)
        return;
    const ff_pq_file_metadata *md = ff_reader_metadata(reader);
    for (int32_t rg_idx = 0; rg_idx < md->num_row_groups && rg_idx < 1; rg_idx++) {
        const ff_pq_row_group *rg = &md->row_groups[rg_idx];
        for (int32_t col_idx = 0; col_idx < rg->num_columns && col_idx < CHUNKS_PER_ROW_GROUP;
             col_idx++) {
            const ff_pq_column_metadata *meta = &rg->columns[col_idx].meta_data;
            int64_t pos = meta->data_page_offset;
            if (meta->has_dictionary_page_offset && meta->dictionary_page_offset > 0 &&
                meta->dictionary_page_offset < pos)
                pos = meta->dictionary_page_offset;
            for (int page_idx = 0; page_idx < PAGES_PER_CHUNK; page_idx++) {
                if (pos < 4 || (size_t)pos >= len - 8)
                    break;
                ff_arena arena;
                ff_arena_init(&arena, 1 << 20);
                ff_cursor cur;
                ff_cursor_init(&cur, original + pos, len - (size_t)pos);
                ff_pq_page_header header;
                ff_status status = ff_thrift_decode_page_header(&cur, &arena, &header, &err);
                ff_arena_free(&arena);
                if (status != FF_OK || header.compressed_page_size < 0)
                    break;
                size_t header_len = ff_cursor_offset(&cur);
                size_t step = header_len / HEADER_FLIPS_PER_PAGE + 1;
                for (size_t byte_idx = 0; byte_idx < header_len; byte_idx += step) {
                    flip_and_run(ff_test_failures, copy, original, len, (size_t)pos + byte_idx,
                                 0xff, name, "page header", stats);
                    flip_and_run(ff_test_failures, copy, original, len, (size_t)pos + byte_idx,
                                 0x01, name, "page header", stats);
                }
                size_t data_len = (size_t)header.compressed_page_size;
                size_t data_start = (size_t)pos + header_len;
                for (int flip_idx = 0; flip_idx < DATA_FLIPS_PER_PAGE && data_len; flip_idx++)
                    flip_and_run(ff_test_failures, copy, original, len,
                                 data_start + data_len * (size_t)flip_idx / DATA_FLIPS_PER_PAGE,
                                 0xff, name, "page data", stats);
                pos = (int64_t)(data_start + data_len);
            }
        }
    }
    ff_reader_free(reader);
}

static void damage_file(int *ff_test_failures, const char *path, const char *name,
                        variant_stats *stats) {
    size_t len;
    uint8_t *original = (uint8_t *)ff_test_read_file(path, &len);
    uint8_t *copy = original ? malloc(len + 1) : NULL;
    if (!copy) {
        FF_FAIL_AT("cannot read %s", path);
        free(original);
        return;
    }
    memcpy(copy, original, len);
    /* Truncations: evenly spread, plus every cut through the last 12 bytes. */
    int truncations = len <= FULL_VARIANT_FILE_BYTES ? TRUNCATIONS : TRUNCATIONS / 4;
    for (int cut_idx = 0; cut_idx < truncations; cut_idx++)
        run_variant(ff_test_failures, original, len * (size_t)cut_idx / (size_t)truncations, name,
                    "truncated", stats);
    for (size_t tail = 1; tail <= 12 && tail < len; tail++)
        run_variant(ff_test_failures, original, len - tail, name, "truncated", stats);
    /* The footer: the Thrift metadata and its length. */
    if (len > 12) {
        uint32_t footer_len = (uint32_t)original[len - 8] | (uint32_t)original[len - 7] << 8 |
                              (uint32_t)original[len - 6] << 16 | (uint32_t)original[len - 5] << 24;
        size_t footer_start = footer_len < len - 8 ? len - 8 - footer_len : 4;
        size_t footer_bytes = len - footer_start;
        size_t flips = len <= FULL_VARIANT_FILE_BYTES ? FOOTER_FLIPS : FOOTER_FLIPS / 6;
        size_t step = footer_bytes / flips + 1;
        for (size_t offset = footer_start; offset < len; offset += step) {
            flip_and_run(ff_test_failures, copy, original, len, offset, 0xff, name, "footer",
                         stats);
            flip_and_run(ff_test_failures, copy, original, len, offset, 0x04, name, "footer",
                         stats);
        }
    }
    if (len <= FULL_VARIANT_FILE_BYTES)
        damage_pages(ff_test_failures, copy, original, len, name, stats);
    free(copy);
    free(original);
}

FF_TEST(damaged_corpus_files_fail_cleanly) {
    ff_test_manifest manifest;
    if (!ff_test_manifest_open(&manifest)) {
        FF_FAIL_AT("cannot read %s", manifest.path);
        return;
    }
    ff_json_span entry, span;
    variant_stats stats = {0};
    int num_files = 0;
    while (ff_test_manifest_next(&manifest, &entry)) {
        char file[512] = "", expect[64] = "";
        int64_t bytes = 0;
        if (ff_json_member(entry, "file", &span))
            ff_json_string(span, file, sizeof file);
        if (ff_json_member(entry, "expect", &span))
            ff_json_string(span, expect, sizeof expect);
        if (ff_json_member(entry, "bytes", &span))
            ff_json_int(span, &bytes);
        /* The 1 GiB-string file decodes to gigabytes whatever is damaged; skip it. */
        if (!strcmp(expect, "error") || strstr(file, "large_string_map"))
            continue;
        char path[4700];
        snprintf(path, sizeof path, "%s/%s", manifest.dir, file);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        damage_file(ff_test_failures, path, file, &stats);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (getenv("FF_TIMING"))
            printf("  %.2fs %s\n",
                   (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, file);
        num_files++;
    }
    printf("  %" PRId64 " damaged variants of %d files: %" PRId64 " errors, %" PRId64
           " read without error\n",
           stats.variants, num_files, stats.errors, stats.read_fine);
    EXPECT_TRUE(stats.variants > 1000);
    ff_test_manifest_close(&manifest);
}

FF_TEST(empty_and_tiny_inputs_fail_cleanly) {
    variant_stats stats = {0};
    const uint8_t *inputs[] = {(const uint8_t *)"",
                               (const uint8_t *)"PAR1",
                               (const uint8_t *)"PAR1PAR1",
                               (const uint8_t *)"PAR1\0\0\0\0PAR1",
                               (const uint8_t *)"PAR1\x05\0\0\0PAR1",
                               (const uint8_t *)"PAR1\x01\0\0\0\0PAR1"};
    size_t lens[] = {0, 4, 8, 12, 12, 13};
    for (size_t input_idx = 0; input_idx < sizeof lens / sizeof lens[0]; input_idx++)
        run_variant(ff_test_failures, inputs[input_idx], lens[input_idx], "tiny.parquet", "tiny",
                    &stats);
    EXPECT_EQ_INT(stats.errors, (int64_t)(sizeof lens / sizeof lens[0]));
}

FF_TEST_MAIN(FF_CASE(empty_and_tiny_inputs_fail_cleanly),
             FF_CASE(damaged_corpus_files_fail_cleanly))
