/* Every readable file of the parquet-testing corpus, copied through the reader and the writer
 * (ff_writer_copy_file) with every codec, reads back with the corpus's fingerprint and the
 * same row count, schema and key-value metadata. Page versions and dictionary use vary with
 * the codec so each file is also rewritten as v2 and without dictionaries. The corpus is
 * read-only; copies go to a scratch folder.
 *
 * Files tagged "huge-values" (two 1 GiB strings; copying needs several GB of memory) are
 * copied only when FF_TEST_HUGE is set. */
#include "ff_corpus_test.h"

#include <fluxforge/reader.h>
#include <fluxforge/writer.h>

#include "parquet/schema/schema.h"

#include <inttypes.h>
#include <unistd.h>

static const ff_compression codecs[] = {FF_COMPRESSION_ZSTD,   FF_COMPRESSION_SNAPPY,
                                        FF_COMPRESSION_GZIP,   FF_COMPRESSION_LZ4_RAW,
                                        FF_COMPRESSION_BROTLI, FF_COMPRESSION_UNCOMPRESSED};

/* The element lists match field for field where a rewrite must keep them. */
static bool same_schema(const ff_schema *a, const ff_schema *b) {
    if (a->num_nodes != b->num_nodes)
        return false;
    for (int32_t i = 0; i < a->num_nodes; i++) {
        const ff_pq_schema_element *x = &a->nodes[i].element, *y = &b->nodes[i].element;
        if (strcmp(x->name, y->name) != 0 || x->has_type != y->has_type || x->type != y->type ||
            x->type_length != y->type_length || x->repetition_type != y->repetition_type ||
            x->num_children != y->num_children || x->has_converted_type != y->has_converted_type ||
            x->converted_type != y->converted_type || x->has_field_id != y->has_field_id ||
            x->field_id != y->field_id || x->has_logical_type != y->has_logical_type ||
            x->logical_type.kind != y->logical_type.kind || x->scale != y->scale ||
            x->precision != y->precision)
            return false;
    }
    return true;
}

static bool has_tag(ff_json_span entry, const char *tag) {
    ff_json_span tags, item;
    if (!ff_json_member(entry, "tags", &tags))
        return false;
    const char *pos = tags.start;
    char text[64];
    while (ff_json_next(tags, &pos, &item))
        if (ff_json_string(item, text, sizeof text) && strcmp(text, tag) == 0)
            return true;
    return false;
}

FF_TEST(corpus_files_survive_a_copy_with_every_codec) {
    ff_test_manifest manifest;
    if (!ff_test_manifest_open(&manifest)) {
        FF_FAIL_AT("cannot read %s", manifest.path);
        return;
    }
    char scratch[256];
    if (!ff_test_scratch_dir(scratch, sizeof scratch, "ff-writer-corpus")) {
        FF_FAIL_AT("mkdtemp failed");
        ff_test_manifest_close(&manifest);
        return;
    }
    ff_json_span entry;
    int copied_files = 0, copies = 0;
    while (ff_test_manifest_next(&manifest, &entry)) {
        char file[256] = "", expect[32] = "", checksum[32] = "";
        ff_json_span span;
        if (ff_json_member(entry, "file", &span))
            ff_json_string(span, file, sizeof file);
        if (ff_json_member(entry, "expect", &span))
            ff_json_string(span, expect, sizeof expect);
        if (ff_json_member(entry, "checksum", &span))
            ff_json_string(span, checksum, sizeof checksum);
        if (strcmp(expect, "rows") != 0 && strcmp(expect, "rows_or_error") != 0)
            continue;
        if (has_tag(entry, "huge-values") && !getenv("FF_TEST_HUGE"))
            continue;
        char src[4400];
        snprintf(src, sizeof src, "%s/%s", manifest.dir, file);
        ff_error err;
        ff_error_clear(&err);
        ff_reader *source = NULL;
        uint64_t want = 0;
        int64_t want_rows = 0;
        ff_status status = ff_reader_open(src, NULL, &source, &err);
        if (status == FF_OK)
            status = ff_reader_fingerprint(source, &want, &want_rows, &err);
        if (status != FF_OK) {
            /* A quirky file the reader may refuse is not the writer's business. */
            if (strcmp(expect, "rows") == 0)
                FF_FAIL_AT("%s: reader failed: %s", file, err.message);
            ff_reader_free(source);
            continue;
        }
        char want_text[17];
        snprintf(want_text, sizeof want_text, "%016" PRIx64, want);
        EXPECT_EQ_STR(want_text, checksum);
        copied_files++;
        for (size_t codec_idx = 0; codec_idx < sizeof codecs / sizeof codecs[0]; codec_idx++) {
            ff_writer_options options;
            ff_writer_options_init(&options);
            options.compression = codecs[codec_idx];
            options.data_page_version = codec_idx % 2 ? 2 : 1;
            options.use_dictionary = codec_idx % 3 != 2;
            /* Small pages and row groups for the larger files: more boundaries to get right. */
            options.page_rows = codec_idx == 1 ? 100 : 20000;
            options.row_group_rows = codec_idx == 3 ? 1000 : 1024 * 1024;
            char dst[1024];
            snprintf(dst, sizeof dst, "%s/copy-%zu-%s", scratch, codec_idx, file);
            int64_t rows = -1;
            status = ff_writer_copy_file(src, dst, &options, &rows, &err);
            if (status != FF_OK) {
                FF_FAIL_AT("%s: copy with codec %d failed: %s", file, (int)codecs[codec_idx],
                           err.message);
                unlink(dst);
                continue;
            }
            copies++;
            EXPECT_EQ_INT(rows, want_rows);
            ff_reader *copy = NULL;
            uint64_t got = 0;
            int64_t got_rows = 0;
            EXPECT_OK(ff_reader_open(dst, NULL, &copy, &err), &err);
            if (copy) {
                EXPECT_OK(ff_reader_fingerprint(copy, &got, &got_rows, &err), &err);
                if (got != want || got_rows != want_rows)
                    FF_FAIL_AT("%s: codec %d: fingerprint %016" PRIx64 " (%lld rows), expected "
                               "%016" PRIx64 " (%lld rows)",
                               file, (int)codecs[codec_idx], got, (long long)got_rows, want,
                               (long long)want_rows);
                if (!same_schema(ff_reader_schema(source), ff_reader_schema(copy)))
                    FF_FAIL_AT("%s: codec %d: schema differs", file, (int)codecs[codec_idx]);
                EXPECT_EQ_INT(ff_reader_num_key_values(copy), ff_reader_num_key_values(source));
            }
            ff_reader_free(copy);
            unlink(dst);
        }
        ff_reader_free(source);
    }
    printf("  %d corpus files, %d copies\n", copied_files, copies);
    EXPECT_TRUE(copied_files >= 40);
    rmdir(scratch);
    ff_test_manifest_close(&manifest);
}

FF_TEST_MAIN(FF_CASE(corpus_files_survive_a_copy_with_every_codec))
