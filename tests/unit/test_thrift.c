/* Unit tests for src/parquet/thrift: the compact protocol primitives, encode -> decode round
 * trips of every metadata struct, the footers of the conformance corpus, and hostile input
 * (truncation, flipped bytes, deep nesting, oversized lists). */
#include "ff_test.h"

#include "parquet/thrift/compact_reader.h"
#include "parquet/thrift/compact_writer.h"
#include "parquet/thrift/metadata.h"
#include <fluxforge/table.h>

#include <dirent.h>
#include <stdbool.h>

/* ---- corpus helpers ---------------------------------------------------------------------- */

/* Reads a whole file into a malloc'ed buffer; NULL when it cannot. Caller frees. */
static uint8_t *read_whole_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    uint8_t *data = NULL;
    if (fseek(file, 0, SEEK_END) == 0) {
        long size = ftell(file);
        rewind(file);
        if (size >= 0 && (data = malloc((size_t)size + 1)) != NULL) {
            *len = fread(data, 1, (size_t)size, file);
            data[*len] = 0;
        }
    }
    fclose(file);
    return data;
}

/* The integer after "key": in a JSON text, or `fallback` when absent. */
static long long json_int(const char *json, const char *key, long long fallback) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    return at ? strtoll(at + strlen(pattern), NULL, 10) : fallback;
}

typedef struct corpus_file {
    char name[256];
} corpus_file;

/* Lists the corpus's *.parquet files (sorted); returns the count, fills *out (caller frees). */
static int list_corpus(corpus_file **out) {
    char dir_path[4096];
    snprintf(dir_path, sizeof dir_path, "%s/parquet-testing", ff_test_corpus_dir());
    DIR *dir = opendir(dir_path);
    *out = NULL;
    if (!dir)
        return 0;
    int count = 0, cap = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        size_t name_len = strlen(entry->d_name);
        if (name_len < 8 || strcmp(entry->d_name + name_len - 8, ".parquet") != 0 ||
            name_len >= sizeof(*out)->name)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            *out = realloc(*out, (size_t)cap * sizeof **out);
        }
        snprintf((*out)[count++].name, sizeof(*out)->name, "%s", entry->d_name);
    }
    closedir(dir);
    return count;
}

/* The footer bytes of a Parquet file held in memory, or NULL when the tail is not PAR1. */
static const uint8_t *footer_of(const uint8_t *file, size_t file_len, size_t *footer_len) {
    if (file_len < 12 || memcmp(file + file_len - 4, "PAR1", 4) != 0)
        return NULL;
    uint32_t len;
    memcpy(&len, file + file_len - 8, 4);
    if ((size_t)len > file_len - 12)
        return NULL;
    *footer_len = len;
    return file + file_len - 8 - len;
}

/* Loads a corpus file and its expected JSON; false when either is missing. */
static bool load_corpus_pair(const char *name, uint8_t **file, size_t *file_len, char **expected) {
    char path[4096];
    snprintf(path, sizeof path, "%s/parquet-testing/%s", ff_test_corpus_dir(), name);
    *file = read_whole_file(path, file_len);
    char json_path[4096];
    snprintf(json_path, sizeof json_path, "%s/parquet-testing/%.*s.expected.json",
             ff_test_corpus_dir(), (int)(strlen(name) - 8), name);
    size_t json_len;
    *expected = (char *)read_whole_file(json_path, &json_len);
    return *file && *expected;
}

/* ---- corpus footers ---------------------------------------------------------------------- */

FF_TEST(corpus_footers_decode) {
    corpus_file *files;
    int num_files = list_corpus(&files);
    EXPECT_TRUE(num_files >= 50);
    int num_checked = 0;
    for (int file_idx = 0; file_idx < num_files; file_idx++) {
        const char *name = files[file_idx].name;
        uint8_t *file;
        size_t file_len;
        char *expected;
        if (!load_corpus_pair(name, &file, &file_len, &expected)) {
            FF_FAIL_AT("%s: cannot load file or expected JSON", name);
            free(file);
            free(expected);
            continue;
        }
        bool must_read = strstr(expected, "\"num_rows\":") != NULL;
        size_t footer_len = 0;
        const uint8_t *footer = footer_of(file, file_len, &footer_len);
        ff_arena arena;
        ff_arena_init(&arena, 0);
        ff_error err;
        ff_pq_file_metadata md;
        ff_status status =
            footer ? ff_thrift_decode_file_metadata(footer, footer_len, &arena, &md, &err)
                   : FF_ERR_CORRUPT;
        if (must_read) {
            if (status != FF_OK) {
                FF_FAIL_AT("%s: %s", name, footer ? err.message : "no PAR1 footer");
            } else {
                long long want_rows =
                    json_int(expected, "footer_num_rows", json_int(expected, "num_rows", -1));
                long long want_groups = json_int(expected, "row_groups", -1);
                if (md.num_rows != want_rows || md.num_row_groups != want_groups)
                    FF_FAIL_AT("%s: %lld rows in %d row groups, expected %lld in %lld", name,
                               (long long)md.num_rows, md.num_row_groups, want_rows, want_groups);
                int64_t sum_rows = 0;
                for (int32_t rg_idx = 0; rg_idx < md.num_row_groups; rg_idx++)
                    sum_rows += md.row_groups[rg_idx].num_rows;
                if (!strstr(expected, "footer_num_rows") && sum_rows != md.num_rows)
                    FF_FAIL_AT("%s: row groups hold %lld rows, footer says %lld", name,
                               (long long)sum_rows, (long long)md.num_rows);
                num_checked++;
            }
        }
        ff_arena_free(&arena);
        free(file);
        free(expected);
    }
    EXPECT_TRUE(num_checked >= 50);
    free(files);
}

FF_TEST(corpus_encrypted_file_is_recognised) {
    char path[4096];
    snprintf(path, sizeof path, "%s/parquet-testing/uniform_encryption.parquet.encrypted",
             ff_test_corpus_dir());
    size_t len = 0;
    uint8_t *file = read_whole_file(path, &len);
    EXPECT_TRUE(file != NULL);
    if (!file)
        return;
    EXPECT_TRUE(len >= 12);
    EXPECT_TRUE(memcmp(file + len - 4, "PARE", 4) == 0);
    EXPECT_TRUE(memcmp(file, "PARE", 4) == 0);
    free(file);
}

/* ---- primitives -------------------------------------------------------------------------- */

static ff_pq_bytes bytes_of(const char *s) {
    ff_pq_bytes b = {(const uint8_t *)s, (int64_t)strlen(s)};
    return b;
}

static bool bytes_eq(ff_pq_bytes a, const char *s) {
    return a.len == (int64_t)strlen(s) && (a.len == 0 || memcmp(a.data, s, (size_t)a.len) == 0);
}

FF_TEST(varints_and_field_headers_round_trip) {
    ff_buf buf;
    ff_buf_init(&buf, 0);
    ff_error err;
    const int64_t values[] = {0, 1, -1, 63, -64, 64, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN};
    for (size_t value_idx = 0; value_idx < sizeof values / sizeof values[0]; value_idx++)
        EXPECT_OK(ff_tcw_zigzag(&buf, values[value_idx], &err), &err);
    ff_cursor cur;
    ff_cursor_init(&cur, buf.data, buf.len);
    for (size_t value_idx = 0; value_idx < sizeof values / sizeof values[0]; value_idx++) {
        int64_t value = 0;
        EXPECT_OK(ff_cursor_zigzag(&cur, &value, &err), &err);
        EXPECT_EQ_INT(value, values[value_idx]);
    }
    EXPECT_EQ_INT(ff_cursor_remaining(&cur), 0);

    /* Field ids: deltas 1..15 take the short form, everything else the long one. */
    ff_buf_reset(&buf);
    int16_t last = 0;
    EXPECT_OK(ff_tcw_field_i32(&buf, &last, 1, 7, &err), &err);
    EXPECT_OK(ff_tcw_field_bool(&buf, &last, 16, true, &err), &err);
    EXPECT_OK(ff_tcw_field_bool(&buf, &last, 17, false, &err), &err);
    EXPECT_OK(ff_tcw_field_i64(&buf, &last, 3, -5, &err), &err);
    EXPECT_OK(ff_tcw_field_i32(&buf, &last, 1000, 9, &err), &err);
    EXPECT_OK(ff_tcw_stop(&buf, &err), &err);
    EXPECT_EQ_INT(buf.data[0], 0x15);
    EXPECT_EQ_INT(buf.data[2], 0xf1); /* delta 15, bool true */
    EXPECT_EQ_INT(buf.data[3], 0x12); /* delta 1, bool false */
    EXPECT_EQ_INT(buf.data[4], 0x06); /* long form, i64 */
    ff_cursor_init(&cur, buf.data, buf.len);
    ff_tc_reader r;
    ff_tc_reader_init(&r, &cur, NULL);
    EXPECT_OK(ff_tc_struct_begin(&r, &err), &err);
    int16_t read_last = 0;
    ff_tc_field f;
    const int16_t ids[] = {1, 16, 17, 3, 1000};
    for (int field_idx = 0; field_idx < 5; field_idx++) {
        EXPECT_OK(ff_tc_field_next(&r, &read_last, &f, &err), &err);
        EXPECT_EQ_INT(f.id, ids[field_idx]);
        if (field_idx == 1 || field_idx == 2) {
            bool value = false;
            EXPECT_OK(ff_tc_field_bool(&r, &f, &value, NULL, &err), &err);
            EXPECT_EQ_INT(value, field_idx == 1);
        } else {
            int64_t value = 0;
            EXPECT_OK(ff_tc_field_i64(&r, &f, &value, NULL, &err), &err);
            EXPECT_EQ_INT(value, field_idx == 0 ? 7 : field_idx == 3 ? -5 : 9);
        }
    }
    EXPECT_OK(ff_tc_field_next(&r, &read_last, &f, &err), &err);
    EXPECT_EQ_INT(f.type, FF_TC_STOP);
    ff_tc_struct_end(&r);
    EXPECT_EQ_INT(r.depth, 0);
    ff_buf_free(&buf);
}

/* Appends one value of every compact type as fields 20.. of an open struct: everything a
 * decoder must be able to skip. */
static void append_unknown_fields(ff_buf *buf, int16_t *last, ff_error *err) {
    ff_tcw_field_bool(buf, last, 100, true, err);
    ff_tcw_field_bool(buf, last, 101, false, err);
    ff_tcw_field_i8(buf, last, 102, -3, err);
    ff_tcw_field_i16(buf, last, 103, -300, err);
    ff_tcw_field_i32(buf, last, 104, 1 << 30, err);
    ff_tcw_field_i64(buf, last, 105, INT64_MIN, err);
    ff_tcw_field_header(buf, last, 106, FF_TC_DOUBLE, err);
    ff_buf_append(buf, "\x00\x00\x00\x00\x00\x00\xf0\x3f", 8, err);
    ff_tcw_field_binary(buf, last, 107, "abc", 3, err);
    ff_tcw_field_list(buf, last, 108, FF_TC_I32, 20, err); /* long list header */
    for (int elem_idx = 0; elem_idx < 20; elem_idx++)
        ff_tcw_zigzag(buf, elem_idx, err);
    ff_tcw_field_header(buf, last, 109, FF_TC_SET, err);
    ff_tcw_list_header(buf, FF_TC_BOOL_TRUE, 2, err);
    ff_tcw_bool_elem(buf, true, err);
    ff_tcw_bool_elem(buf, false, err);
    ff_tcw_field_header(buf, last, 110, FF_TC_MAP, err);
    ff_tcw_uvarint(buf, 2, err);
    ff_buf_append_byte(buf, (FF_TC_BINARY << 4) | FF_TC_STRUCT, err);
    for (int entry_idx = 0; entry_idx < 2; entry_idx++) {
        ff_tcw_binary(buf, "k", 1, err);
        int16_t inner = 0;
        ff_tcw_field_list(buf, &inner, 1, FF_TC_LIST, 1, err);
        ff_tcw_list_header(buf, FF_TC_DOUBLE, 1, err);
        ff_buf_append(buf, "\x00\x00\x00\x00\x00\x00\x00\x00", 8, err);
        ff_tcw_stop(buf, err);
    }
    ff_tcw_field_header(buf, last, 111, FF_TC_MAP, err);
    ff_tcw_uvarint(buf, 0, err); /* an empty map has no type byte */
    ff_tcw_field_struct(buf, last, 112, err);
    int16_t inner = 0;
    ff_tcw_field_empty_struct(buf, &inner, 1, err);
    ff_tcw_field_string(buf, &inner, 2, "nested", err);
    ff_tcw_stop(buf, err);
}

FF_TEST(unknown_fields_of_every_type_are_skipped) {
    ff_buf buf;
    ff_buf_init(&buf, 0);
    ff_error err;
    int16_t last = 0;
    /* A BloomFilterHeader with every unknown type in the middle and a known field after. */
    ff_tcw_field_i32(&buf, &last, 1, 4096, &err);
    append_unknown_fields(&buf, &last, &err);
    ff_tcw_field_header(&buf, &last, 2, FF_TC_STRUCT, &err);
    int16_t inner = 0;
    ff_tcw_field_empty_struct(&buf, &inner, 1, &err);
    ff_tcw_stop(&buf, &err);
    /* A known field with the wrong wire type is skipped as well. */
    ff_tcw_field_binary(&buf, &last, 3, "x", 1, &err);
    ff_tcw_stop(&buf, &err);
    ff_cursor cur;
    ff_cursor_init(&cur, buf.data, buf.len);
    ff_pq_bloom_filter_header header;
    EXPECT_OK(ff_thrift_decode_bloom_filter_header(&cur, &header, &err), &err);
    EXPECT_EQ_INT(header.num_bytes, 4096);
    EXPECT_EQ_INT(header.algorithm_kind, 1);
    EXPECT_EQ_INT(header.hash_kind, 0);
    EXPECT_EQ_INT(ff_cursor_remaining(&cur), 0);
    ff_buf_free(&buf);
}

FF_TEST(depth_limit_stops_deep_nesting) {
    ff_error err;
    for (int depth = FF_THRIFT_MAX_DEPTH - 2; depth <= FF_THRIFT_MAX_DEPTH + 2; depth++) {
        ff_buf buf;
        ff_buf_init(&buf, 0);
        int16_t last = 0;
        ff_tcw_field_i32(&buf, &last, 1, 1, &err);
        /* `depth` nested structs in an unknown field 50, counting the outer one. */
        for (int level = 1; level < depth; level++) {
            int16_t inner_last = 0;
            ff_tcw_field_struct(&buf, level == 1 ? &last : &inner_last, 50, &err);
        }
        for (int level = 0; level < depth; level++)
            ff_tcw_stop(&buf, &err);
        ff_cursor cur;
        ff_cursor_init(&cur, buf.data, buf.len);
        ff_pq_bloom_filter_header header;
        ff_status status = ff_thrift_decode_bloom_filter_header(&cur, &header, &err);
        if (depth <= FF_THRIFT_MAX_DEPTH) {
            EXPECT_OK(status, &err);
        } else {
            EXPECT_EQ_INT(status, FF_ERR_CORRUPT);
            EXPECT_TRUE(strstr(err.message, "nests deeper") != NULL);
        }
        ff_buf_free(&buf);
    }
    /* Lists nest too: a list of lists of ... */
    ff_buf buf;
    ff_buf_init(&buf, 0);
    int16_t last = 0;
    ff_tcw_field_list(&buf, &last, 50, FF_TC_LIST, 1, &err);
    for (int level = 0; level < 200; level++)
        ff_tcw_list_header(&buf, FF_TC_LIST, 1, &err);
    ff_cursor cur;
    ff_cursor_init(&cur, buf.data, buf.len);
    ff_pq_bloom_filter_header header;
    EXPECT_STATUS(ff_thrift_decode_bloom_filter_header(&cur, &header, &err), FF_ERR_CORRUPT);
    ff_buf_free(&buf);
}

FF_TEST(list_sizes_are_checked_before_allocating) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 1 << 20);
    ff_buf buf;
    ff_buf_init(&buf, 0);
    int16_t last = 0;
    ff_tcw_field_i32(&buf, &last, 1, 2, &err);
    /* 2: schema: a list claiming a billion structs in a few bytes */
    ff_tcw_field_list(&buf, &last, 2, FF_TC_STRUCT, 1000000000, &err);
    ff_tcw_stop(&buf, &err);
    ff_pq_file_metadata md;
    EXPECT_STATUS(ff_thrift_decode_file_metadata(buf.data, buf.len, &arena, &md, &err),
                  FF_ERR_LIMIT);
    ff_buf_reset(&buf);
    last = 0;
    ff_tcw_field_list(&buf, &last, 2, FF_TC_STRUCT, 100000, &err);
    ff_tcw_stop(&buf, &err);
    EXPECT_STATUS(ff_thrift_decode_file_metadata(buf.data, buf.len, &arena, &md, &err),
                  FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "claims 100000 elements") != NULL);
    /* A binary longer than the input. */
    ff_buf_reset(&buf);
    last = 0;
    ff_tcw_field_header(&buf, &last, 6, FF_TC_BINARY, &err);
    ff_tcw_uvarint(&buf, 1u << 30, &err);
    EXPECT_STATUS(ff_thrift_decode_file_metadata(buf.data, buf.len, &arena, &md, &err),
                  FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "FileMetaData: ") == err.message);
    ff_buf_free(&buf);
    ff_arena_free(&arena);
}

FF_TEST(missing_required_fields_are_reported) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_buf buf;
    ff_buf_init(&buf, 0);
    int16_t last = 0;
    ff_tcw_field_i32(&buf, &last, 1, 2, &err);
    ff_tcw_field_list(&buf, &last, 2, FF_TC_STRUCT, 0, &err);
    ff_tcw_field_i64(&buf, &last, 3, 10, &err);
    ff_tcw_stop(&buf, &err);
    ff_pq_file_metadata md;
    EXPECT_STATUS(ff_thrift_decode_file_metadata(buf.data, buf.len, &arena, &md, &err),
                  FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "row_groups") != NULL);
    ff_buf_reset(&buf);
    last = 0;
    ff_tcw_field_i32(&buf, &last, 1, FF_PAGE_DATA, &err);
    ff_tcw_field_i32(&buf, &last, 2, 100, &err);
    ff_tcw_stop(&buf, &err);
    ff_cursor cur;
    ff_cursor_init(&cur, buf.data, buf.len);
    ff_pq_page_header header;
    EXPECT_STATUS(ff_thrift_decode_page_header(&cur, &arena, &header, &err), FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "compressed_page_size") != NULL);
    ff_buf_free(&buf);
    ff_arena_free(&arena);
}

/* ---- round trips ------------------------------------------------------------------------- */

/* Encodes with `encode`, decodes, re-encodes the decoded struct and expects the same bytes:
 * whatever the encoder writes, the decoder keeps. */
#define EXPECT_STABLE_ENCODING(first, second)                                                      \
    do {                                                                                           \
        EXPECT_EQ_INT((second).len, (first).len);                                                  \
        EXPECT_TRUE((first).len == (second).len &&                                                 \
                    memcmp((first).data, (second).data, (first).len) == 0);                        \
    } while (0)

static ff_pq_statistics full_statistics(void) {
    ff_pq_statistics st = {0};
    st.has_max = st.has_min = st.has_null_count = st.has_distinct_count = true;
    st.has_max_value = st.has_min_value = st.has_is_max_value_exact = true;
    st.has_is_min_value_exact = true;
    st.max = bytes_of("zz");
    st.min = bytes_of("");
    st.null_count = 3;
    st.distinct_count = 1234567890123LL;
    st.max_value.data = (const uint8_t *)"max\0value";
    st.max_value.len = 9;
    st.min_value = bytes_of("a");
    st.is_max_value_exact = true;
    st.is_min_value_exact = false;
    return st;
}

FF_TEST(file_metadata_round_trips_with_every_field) {
    ff_error err;
    static const char *const path_a[] = {"a"};
    static const char *const path_b[] = {"b", "list", "element"};
    int32_t encodings[] = {FF_ENC_PLAIN, FF_ENC_RLE, FF_ENC_RLE_DICTIONARY};
    ff_pq_key_value kvs[] = {{"k1", true, bytes_of("v1")}, {"k2", false, {NULL, 0}}};
    ff_pq_page_encoding_stats pes[] = {{FF_PAGE_DICTIONARY, FF_ENC_PLAIN, 1},
                                       {FF_PAGE_DATA, FF_ENC_RLE_DICTIONARY, 7}};
    ff_pq_schema_element schema[6];
    memset(schema, 0, sizeof schema);
    schema[0].name = "schema";
    schema[0].has_num_children = true;
    schema[0].num_children = 5;
    /* every SchemaElement field on one element */
    ff_pq_schema_element *el = &schema[1];
    el->name = "a";
    el->has_type = el->has_type_length = el->has_repetition_type = true;
    el->has_converted_type = el->has_scale = el->has_precision = el->has_field_id = true;
    el->has_logical_type = true;
    el->type = FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
    el->type_length = 11;
    el->repetition_type = FF_PQ_OPTIONAL;
    el->converted_type = FF_CT_DECIMAL;
    el->scale = 2;
    el->precision = 25;
    el->field_id = -7;
    el->logical_type.kind = FF_LT_DECIMAL;
    el->logical_type.decimal_scale = 2;
    el->logical_type.decimal_precision = 25;
    /* the other parameterised logical types */
    schema[2].name = "t";
    schema[2].has_type = schema[2].has_logical_type = true;
    schema[2].type = FF_PHYSICAL_INT64;
    schema[2].logical_type.kind = FF_LT_TIMESTAMP;
    schema[2].logical_type.time_unit = 2;
    schema[2].logical_type.time_is_adjusted_to_utc = true;
    schema[3].name = "i";
    schema[3].has_type = schema[3].has_logical_type = true;
    schema[3].type = FF_PHYSICAL_INT32;
    schema[3].logical_type.kind = FF_LT_INTEGER;
    schema[3].logical_type.int_bit_width = 16;
    schema[3].logical_type.int_is_signed = false;
    schema[4].name = "f";
    schema[4].has_type = schema[4].has_logical_type = true;
    schema[4].type = FF_PHYSICAL_BYTE_ARRAY;
    schema[4].logical_type.kind = FF_LT_FUTURE;
    schema[4].logical_type.unknown_field_id = 2555;
    schema[5].name = "tm";
    schema[5].has_type = schema[5].has_logical_type = true;
    schema[5].type = FF_PHYSICAL_INT32;
    schema[5].logical_type.kind = FF_LT_TIME;
    schema[5].logical_type.time_unit = 0;

    ff_pq_column_chunk chunks[2];
    memset(chunks, 0, sizeof chunks);
    chunks[0].file_path = "other.parquet";
    chunks[0].file_offset = 4;
    chunks[0].has_meta_data = true;
    ff_pq_column_metadata *cm = &chunks[0].meta_data;
    cm->type = FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
    cm->num_encodings = 3;
    cm->encodings = encodings;
    cm->path_len = 1;
    cm->path_in_schema = (const char **)path_a;
    cm->codec = FF_CODEC_ZSTD;
    cm->num_values = 1000;
    cm->total_uncompressed_size = 5000;
    cm->total_compressed_size = 3000;
    cm->num_key_value_metadata = 2;
    cm->key_value_metadata = kvs;
    cm->data_page_offset = 100;
    cm->has_index_page_offset = cm->has_dictionary_page_offset = cm->has_statistics = true;
    cm->index_page_offset = 90;
    cm->dictionary_page_offset = 4;
    cm->statistics = full_statistics();
    cm->num_encoding_stats = 2;
    cm->encoding_stats = pes;
    cm->has_bloom_filter_offset = cm->has_bloom_filter_length = true;
    cm->bloom_filter_offset = 9000;
    cm->bloom_filter_length = 256;
    chunks[0].has_offset_index = chunks[0].has_column_index = true;
    chunks[0].offset_index_offset = 7000;
    chunks[0].offset_index_length = 30;
    chunks[0].column_index_offset = 8000;
    chunks[0].column_index_length = 40;
    /* a minimal chunk: metadata with only required fields */
    chunks[1].has_meta_data = true;
    chunks[1].meta_data.type = FF_PHYSICAL_INT32;
    chunks[1].meta_data.path_len = 3;
    chunks[1].meta_data.path_in_schema = (const char **)path_b;
    ff_pq_sorting_column sorting[] = {{1, true, false}, {0, false, true}};
    ff_pq_row_group row_groups[2];
    memset(row_groups, 0, sizeof row_groups);
    row_groups[0].num_columns = 2;
    row_groups[0].columns = chunks;
    row_groups[0].total_byte_size = 123456;
    row_groups[0].num_rows = 1000;
    row_groups[0].num_sorting_columns = 2;
    row_groups[0].sorting_columns = sorting;
    row_groups[0].has_file_offset = row_groups[0].has_total_compressed_size = true;
    row_groups[0].has_ordinal = true;
    row_groups[0].file_offset = 4;
    row_groups[0].total_compressed_size = 3000;
    row_groups[0].ordinal = 0;
    ff_pq_column_order orders[] = {{1}, {0}, {3}};
    ff_pq_file_metadata md = {0};
    md.version = 2;
    md.num_schema = 6;
    md.schema = schema;
    md.num_rows = 1000;
    md.num_row_groups = 2;
    md.row_groups = row_groups;
    md.num_key_value_metadata = 2;
    md.key_value_metadata = kvs;
    md.created_by = "fluxforge test";
    md.num_column_orders = 3;
    md.column_orders = orders;

    ff_buf first, second;
    ff_buf_init(&first, 0);
    ff_buf_init(&second, 0);
    EXPECT_OK(ff_thrift_encode_file_metadata(&md, &first, &err), &err);
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_pq_file_metadata back;
    EXPECT_OK(ff_thrift_decode_file_metadata(first.data, first.len, &arena, &back, &err), &err);
    EXPECT_OK(ff_thrift_encode_file_metadata(&back, &second, &err), &err);
    EXPECT_STABLE_ENCODING(first, second);

    EXPECT_EQ_INT(back.version, 2);
    EXPECT_EQ_INT(back.num_rows, 1000);
    EXPECT_EQ_STR(back.created_by, "fluxforge test");
    EXPECT_EQ_INT(back.num_schema, 6);
    EXPECT_EQ_STR(back.schema[1].name, "a");
    EXPECT_EQ_INT(back.schema[1].type_length, 11);
    EXPECT_EQ_INT(back.schema[1].field_id, -7);
    EXPECT_EQ_INT(back.schema[1].logical_type.kind, FF_LT_DECIMAL);
    EXPECT_EQ_INT(back.schema[1].logical_type.decimal_precision, 25);
    EXPECT_EQ_INT(back.schema[2].logical_type.kind, FF_LT_TIMESTAMP);
    EXPECT_EQ_INT(back.schema[2].logical_type.time_unit, 2);
    EXPECT_TRUE(back.schema[2].logical_type.time_is_adjusted_to_utc);
    EXPECT_EQ_INT(back.schema[3].logical_type.int_bit_width, 16);
    EXPECT_TRUE(!back.schema[3].logical_type.int_is_signed);
    EXPECT_EQ_INT(back.schema[4].logical_type.kind, FF_LT_FUTURE);
    EXPECT_EQ_INT(back.schema[4].logical_type.unknown_field_id, 2555);
    EXPECT_EQ_INT(back.schema[5].logical_type.kind, FF_LT_TIME);
    EXPECT_EQ_INT(back.schema[5].logical_type.time_unit, 0);
    EXPECT_TRUE(!back.schema[5].logical_type.time_is_adjusted_to_utc);
    EXPECT_EQ_INT(back.num_row_groups, 2);
    EXPECT_EQ_INT(back.row_groups[1].num_columns, 0);
    const ff_pq_row_group *rg = &back.row_groups[0];
    EXPECT_EQ_INT(rg->num_sorting_columns, 2);
    EXPECT_TRUE(rg->sorting_columns[0].descending && !rg->sorting_columns[0].nulls_first);
    EXPECT_TRUE(rg->has_ordinal && rg->ordinal == 0);
    EXPECT_EQ_STR(rg->columns[0].file_path, "other.parquet");
    EXPECT_TRUE(rg->columns[1].file_path == NULL);
    const ff_pq_column_metadata *bcm = &rg->columns[0].meta_data;
    EXPECT_EQ_INT(bcm->num_encodings, 3);
    EXPECT_EQ_INT(bcm->encodings[2], FF_ENC_RLE_DICTIONARY);
    EXPECT_EQ_INT(bcm->codec, FF_CODEC_ZSTD);
    EXPECT_EQ_INT(bcm->bloom_filter_length, 256);
    EXPECT_EQ_STR(bcm->key_value_metadata[0].value.data
                      ? (const char *)bcm->key_value_metadata[0].value.data
                      : NULL,
                  "v1");
    EXPECT_TRUE(!bcm->key_value_metadata[1].has_value);
    EXPECT_TRUE(bytes_eq(bcm->statistics.max, "zz"));
    EXPECT_EQ_INT(bcm->statistics.max_value.len, 9);
    EXPECT_EQ_INT(bcm->statistics.distinct_count, 1234567890123LL);
    EXPECT_TRUE(bcm->statistics.has_is_min_value_exact && !bcm->statistics.is_min_value_exact);
    EXPECT_EQ_INT(bcm->encoding_stats[1].count, 7);
    EXPECT_EQ_INT(rg->columns[1].meta_data.path_len, 3);
    EXPECT_EQ_STR(rg->columns[1].meta_data.path_in_schema[2], "element");
    EXPECT_TRUE(!rg->columns[1].meta_data.has_statistics);
    EXPECT_EQ_INT(back.num_column_orders, 3);
    EXPECT_EQ_INT(back.column_orders[1].kind, 0);
    EXPECT_EQ_INT(back.column_orders[2].kind, 3);

    /* Minimal: only the required fields. */
    ff_buf_reset(&first);
    ff_buf_reset(&second);
    ff_pq_file_metadata minimal = {0};
    minimal.version = 1;
    EXPECT_OK(ff_thrift_encode_file_metadata(&minimal, &first, &err), &err);
    EXPECT_OK(ff_thrift_decode_file_metadata(first.data, first.len, &arena, &back, &err), &err);
    EXPECT_OK(ff_thrift_encode_file_metadata(&back, &second, &err), &err);
    EXPECT_STABLE_ENCODING(first, second);
    EXPECT_TRUE(back.created_by == NULL && back.num_schema == 0 && back.num_row_groups == 0);
    EXPECT_TRUE(!back.has_encryption_algorithm);

    /* Bad arguments are refused, not written. */
    ff_buf_reset(&first);
    minimal.num_row_groups = 3;
    EXPECT_STATUS(ff_thrift_encode_file_metadata(&minimal, &first, &err), FF_ERR_INVALID_ARGUMENT);
    ff_buf_free(&first);
    ff_buf_free(&second);
    ff_arena_free(&arena);
}

FF_TEST(every_logical_type_round_trips) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    const ff_pq_logical_kind kinds[] = {
        FF_LT_STRING,   FF_LT_MAP,       FF_LT_LIST,      FF_LT_ENUM,    FF_LT_DECIMAL,
        FF_LT_DATE,     FF_LT_TIME,      FF_LT_TIMESTAMP, FF_LT_INTEGER, FF_LT_UNKNOWN,
        FF_LT_JSON,     FF_LT_BSON,      FF_LT_UUID,      FF_LT_FLOAT16, FF_LT_VARIANT,
        FF_LT_GEOMETRY, FF_LT_GEOGRAPHY, FF_LT_FUTURE};
    enum { num_kinds = sizeof kinds / sizeof kinds[0] };
    ff_pq_schema_element schema[num_kinds + 1];
    memset(schema, 0, sizeof schema);
    schema[0].name = "root";
    schema[0].has_num_children = true;
    schema[0].num_children = num_kinds;
    for (int kind_idx = 0; kind_idx < num_kinds; kind_idx++) {
        ff_pq_schema_element *el = &schema[kind_idx + 1];
        el->name = "c";
        el->has_type = el->has_logical_type = true;
        el->type = FF_PHYSICAL_BYTE_ARRAY;
        el->logical_type.kind = kinds[kind_idx];
        el->logical_type.unknown_field_id = kinds[kind_idx] == FF_LT_FUTURE ? 19 : 0;
        el->logical_type.time_unit = kinds[kind_idx] == FF_LT_TIME ? 1 : 0;
    }
    ff_pq_file_metadata md = {0};
    md.num_schema = num_kinds + 1;
    md.schema = schema;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    EXPECT_OK(ff_thrift_encode_file_metadata(&md, &buf, &err), &err);
    ff_pq_file_metadata back;
    EXPECT_OK(ff_thrift_decode_file_metadata(buf.data, buf.len, &arena, &back, &err), &err);
    EXPECT_EQ_INT(back.num_schema, num_kinds + 1);
    for (int kind_idx = 0; kind_idx < num_kinds && back.num_schema == num_kinds + 1; kind_idx++) {
        EXPECT_TRUE(back.schema[kind_idx + 1].has_logical_type);
        EXPECT_EQ_INT(back.schema[kind_idx + 1].logical_type.kind, kinds[kind_idx]);
    }
    EXPECT_EQ_INT(back.schema[num_kinds].logical_type.unknown_field_id, 19);
    EXPECT_EQ_INT(back.schema[7].logical_type.time_unit, 1);
    ff_buf_free(&buf);
    ff_arena_free(&arena);
}

FF_TEST(page_headers_round_trip) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_pq_page_header headers[4];
    memset(headers, 0, sizeof headers);
    /* v1 data page with every field */
    headers[0].type = FF_PAGE_DATA;
    headers[0].uncompressed_page_size = 1000;
    headers[0].compressed_page_size = 600;
    headers[0].has_crc = true;
    headers[0].crc = (int32_t)0xdeadbeefu;
    headers[0].has_data_page_header = true;
    headers[0].data_page_header.num_values = 100;
    headers[0].data_page_header.encoding = FF_ENC_RLE_DICTIONARY;
    headers[0].data_page_header.definition_level_encoding = FF_ENC_RLE;
    headers[0].data_page_header.repetition_level_encoding = FF_ENC_BIT_PACKED;
    headers[0].data_page_header.has_statistics = true;
    headers[0].data_page_header.statistics = full_statistics();
    /* dictionary page */
    headers[1].type = FF_PAGE_DICTIONARY;
    headers[1].uncompressed_page_size = 10;
    headers[1].compressed_page_size = 10;
    headers[1].has_dictionary_page_header = true;
    headers[1].dictionary_page_header.num_values = 2;
    headers[1].dictionary_page_header.encoding = FF_ENC_PLAIN;
    headers[1].dictionary_page_header.has_is_sorted = true;
    headers[1].dictionary_page_header.is_sorted = true;
    /* v2 data page, not compressed */
    headers[2].type = FF_PAGE_DATA_V2;
    headers[2].uncompressed_page_size = 50;
    headers[2].compressed_page_size = 40;
    headers[2].has_data_page_header_v2 = true;
    ff_pq_data_page_header_v2 *v2 = &headers[2].data_page_header_v2;
    v2->num_values = 9;
    v2->num_nulls = 2;
    v2->num_rows = 8;
    v2->encoding = FF_ENC_DELTA_BINARY_PACKED;
    v2->definition_levels_byte_length = 3;
    v2->repetition_levels_byte_length = 4;
    v2->is_compressed = false;
    v2->has_statistics = true;
    v2->statistics.has_null_count = true;
    v2->statistics.null_count = 2;
    /* index page: the empty struct */
    headers[3].type = FF_PAGE_INDEX;
    headers[3].has_index_page_header = true;
    ff_buf buf;
    ff_buf_init(&buf, 0);
    for (int header_idx = 0; header_idx < 4; header_idx++)
        EXPECT_OK(ff_thrift_encode_page_header(&headers[header_idx], &buf, &err), &err);
    ff_buf_append(&buf, "DATA", 4, &err);
    ff_cursor cur;
    ff_cursor_init(&cur, buf.data, buf.len);
    ff_pq_page_header back[4];
    for (int header_idx = 0; header_idx < 4; header_idx++)
        EXPECT_OK(ff_thrift_decode_page_header(&cur, &arena, &back[header_idx], &err), &err);
    /* the cursor ends right after the last header: where the page data starts */
    EXPECT_EQ_INT(ff_cursor_remaining(&cur), 4);
    ff_buf second;
    ff_buf_init(&second, 0);
    for (int header_idx = 0; header_idx < 4; header_idx++)
        EXPECT_OK(ff_thrift_encode_page_header(&back[header_idx], &second, &err), &err);
    ff_buf_append(&second, "DATA", 4, &err);
    EXPECT_STABLE_ENCODING(buf, second);
    EXPECT_EQ_INT(back[0].crc, (int32_t)0xdeadbeefu);
    EXPECT_EQ_INT(back[0].data_page_header.repetition_level_encoding, FF_ENC_BIT_PACKED);
    EXPECT_TRUE(bytes_eq(back[0].data_page_header.statistics.min_value, "a"));
    EXPECT_TRUE(back[1].dictionary_page_header.is_sorted);
    EXPECT_TRUE(!back[2].data_page_header_v2.is_compressed);
    EXPECT_EQ_INT(back[2].data_page_header_v2.repetition_levels_byte_length, 4);
    EXPECT_TRUE(back[3].has_index_page_header && !back[3].has_crc);

    /* is_compressed defaults to true when the field is absent. */
    ff_buf_reset(&buf);
    int16_t last = 0;
    ff_tcw_field_i32(&buf, &last, 1, FF_PAGE_DATA_V2, &err);
    ff_tcw_field_i32(&buf, &last, 2, 5, &err);
    ff_tcw_field_i32(&buf, &last, 3, 5, &err);
    ff_tcw_field_struct(&buf, &last, 8, &err);
    int16_t inner = 0;
    for (int16_t field_id = 1; field_id <= 6; field_id++)
        ff_tcw_field_i32(&buf, &inner, field_id, 0, &err);
    ff_tcw_stop(&buf, &err);
    ff_tcw_stop(&buf, &err);
    ff_cursor_init(&cur, buf.data, buf.len);
    EXPECT_OK(ff_thrift_decode_page_header(&cur, &arena, &back[0], &err), &err);
    EXPECT_TRUE(back[0].data_page_header_v2.is_compressed);
    ff_buf_free(&buf);
    ff_buf_free(&second);
    ff_arena_free(&arena);
}

FF_TEST(page_index_and_bloom_header_round_trip) {
    ff_error err;
    ff_arena arena;
    ff_arena_init(&arena, 0);
    bool null_pages[] = {false, true, false};
    ff_pq_bytes mins[] = {bytes_of("a"), bytes_of(""), bytes_of("m")};
    ff_pq_bytes maxs[] = {bytes_of("f"), bytes_of(""), bytes_of("z")};
    int64_t null_counts[] = {0, 40, 1};
    ff_pq_column_index ci = {3, null_pages, mins, maxs, 1, true, null_counts};
    ff_buf buf, second;
    ff_buf_init(&buf, 0);
    ff_buf_init(&second, 0);
    EXPECT_OK(ff_thrift_encode_column_index(&ci, &buf, &err), &err);
    ff_pq_column_index ci_back;
    EXPECT_OK(ff_thrift_decode_column_index(buf.data, buf.len, &arena, &ci_back, &err), &err);
    EXPECT_OK(ff_thrift_encode_column_index(&ci_back, &second, &err), &err);
    EXPECT_STABLE_ENCODING(buf, second);
    EXPECT_EQ_INT(ci_back.num_pages, 3);
    EXPECT_TRUE(!ci_back.null_pages[0] && ci_back.null_pages[1]);
    EXPECT_TRUE(bytes_eq(ci_back.max_values[2], "z"));
    EXPECT_EQ_INT(ci_back.null_counts[1], 40);
    EXPECT_EQ_INT(ci_back.boundary_order, 1);
    /* minimal: no null counts, no pages */
    ff_pq_column_index empty = {0};
    ff_buf_reset(&buf);
    EXPECT_OK(ff_thrift_encode_column_index(&empty, &buf, &err), &err);
    EXPECT_OK(ff_thrift_decode_column_index(buf.data, buf.len, &arena, &ci_back, &err), &err);
    EXPECT_TRUE(ci_back.num_pages == 0 && !ci_back.has_null_counts);

    ff_pq_page_location locations[] = {{4, 100, 0}, {104, 200, 50}};
    ff_pq_offset_index oi = {2, locations};
    ff_buf_reset(&buf);
    ff_buf_reset(&second);
    EXPECT_OK(ff_thrift_encode_offset_index(&oi, &buf, &err), &err);
    ff_pq_offset_index oi_back;
    EXPECT_OK(ff_thrift_decode_offset_index(buf.data, buf.len, &arena, &oi_back, &err), &err);
    EXPECT_OK(ff_thrift_encode_offset_index(&oi_back, &second, &err), &err);
    EXPECT_STABLE_ENCODING(buf, second);
    EXPECT_EQ_INT(oi_back.num_pages, 2);
    EXPECT_EQ_INT(oi_back.page_locations[1].first_row_index, 50);

    ff_pq_bloom_filter_header bf = {1024, 1, 1, 1};
    ff_buf_reset(&buf);
    EXPECT_OK(ff_thrift_encode_bloom_filter_header(&bf, &buf, &err), &err);
    ff_buf_append(&buf, "bits", 4, &err);
    ff_cursor cur;
    ff_cursor_init(&cur, buf.data, buf.len);
    ff_pq_bloom_filter_header bf_back;
    EXPECT_OK(ff_thrift_decode_bloom_filter_header(&cur, &bf_back, &err), &err);
    EXPECT_EQ_INT(bf_back.num_bytes, 1024);
    EXPECT_TRUE(bf_back.algorithm_kind == 1 && bf_back.hash_kind == 1 &&
                bf_back.compression_kind == 1);
    EXPECT_EQ_INT(ff_cursor_remaining(&cur), 4);
    ff_buf_free(&buf);
    ff_buf_free(&second);
    ff_arena_free(&arena);
}

/* ---- corpus re-encoding and hostile footers ---------------------------------------------- */

/* Every corpus footer that decodes re-encodes to bytes that decode and re-encode the same. */
FF_TEST(corpus_footers_re_encode_stably) {
    corpus_file *files;
    int num_files = list_corpus(&files);
    int num_checked = 0;
    for (int file_idx = 0; file_idx < num_files; file_idx++) {
        uint8_t *file;
        size_t file_len;
        char *expected;
        if (!load_corpus_pair(files[file_idx].name, &file, &file_len, &expected)) {
            free(file);
            free(expected);
            continue;
        }
        size_t footer_len;
        const uint8_t *footer = footer_of(file, file_len, &footer_len);
        ff_arena arena;
        ff_arena_init(&arena, 0);
        ff_error err;
        ff_pq_file_metadata md, back;
        ff_buf first, second;
        ff_buf_init(&first, 0);
        ff_buf_init(&second, 0);
        if (footer &&
            ff_thrift_decode_file_metadata(footer, footer_len, &arena, &md, &err) == FF_OK) {
            EXPECT_OK(ff_thrift_encode_file_metadata(&md, &first, &err), &err);
            EXPECT_OK(ff_thrift_decode_file_metadata(first.data, first.len, &arena, &back, &err),
                      &err);
            EXPECT_OK(ff_thrift_encode_file_metadata(&back, &second, &err), &err);
            EXPECT_STABLE_ENCODING(first, second);
            EXPECT_EQ_INT(back.num_rows, md.num_rows);
            EXPECT_EQ_INT(back.num_schema, md.num_schema);
            num_checked++;
        }
        ff_buf_free(&first);
        ff_buf_free(&second);
        ff_arena_free(&arena);
        free(file);
        free(expected);
    }
    EXPECT_TRUE(num_checked >= 50);
    free(files);
}

/* Decodes a (possibly damaged) footer; any status is fine, a crash or leak is not. */
static void decode_quietly(const uint8_t *data, size_t len) {
    ff_arena arena;
    ff_arena_init(&arena, 64 << 20);
    ff_error err;
    ff_pq_file_metadata md;
    ff_status status = ff_thrift_decode_file_metadata(data, len, &arena, &md, &err);
    if (status != FF_OK && err.message[0] == 0)
        fprintf(stderr, "  error without a message (status %d)\n", status);
    ff_arena_free(&arena);
}

FF_TEST(corpus_footers_survive_truncation_and_flips) {
    corpus_file *files;
    int num_files = list_corpus(&files);
    for (int file_idx = 0; file_idx < num_files; file_idx++) {
        uint8_t *file;
        size_t file_len;
        char *expected;
        if (!load_corpus_pair(files[file_idx].name, &file, &file_len, &expected)) {
            free(file);
            free(expected);
            continue;
        }
        size_t footer_len;
        const uint8_t *footer = footer_of(file, file_len, &footer_len);
        if (footer) {
            /* A copy of exactly the right size, so ASan sees any read past the end. */
            uint8_t *copy = malloc(footer_len ? footer_len : 1);
            /* Every cut for footers up to 4 KiB; for bigger ones a spread of 300 cuts plus
             * every cut in the last 256 bytes, so the run stays short under the sanitizers. */
            size_t cut_stride = footer_len <= 4096 ? 1 : footer_len / 300 + 1;
            for (size_t cut = 0; cut < footer_len;
                 cut += (cut + 256 >= footer_len) ? 1 : cut_stride) {
                uint8_t *cut_copy = malloc(cut ? cut : 1);
                memcpy(cut_copy, footer, cut);
                decode_quietly(cut_copy, cut);
                free(cut_copy);
            }
            /* Flips: every byte of small footers, a spread of 400 positions in big ones. */
            size_t flip_stride = footer_len <= 1000 ? 1 : footer_len / 400 + 1;
            for (size_t pos = 0; pos < footer_len; pos += flip_stride) {
                static const uint8_t masks[] = {0xff, 0x01};
                for (size_t mask_idx = 0; mask_idx < sizeof masks; mask_idx++) {
                    memcpy(copy, footer, footer_len);
                    copy[pos] ^= masks[mask_idx];
                    decode_quietly(copy, footer_len);
                }
            }
            free(copy);
        }
        free(file);
        free(expected);
    }
    free(files);
}

FF_TEST_MAIN(FF_CASE(varints_and_field_headers_round_trip),
             FF_CASE(unknown_fields_of_every_type_are_skipped),
             FF_CASE(depth_limit_stops_deep_nesting),
             FF_CASE(list_sizes_are_checked_before_allocating),
             FF_CASE(missing_required_fields_are_reported),
             FF_CASE(file_metadata_round_trips_with_every_field),
             FF_CASE(every_logical_type_round_trips), FF_CASE(page_headers_round_trip),
             FF_CASE(page_index_and_bloom_header_round_trip), FF_CASE(corpus_footers_decode),
             FF_CASE(corpus_footers_re_encode_stably),
             FF_CASE(corpus_footers_survive_truncation_and_flips),
             FF_CASE(corpus_encrypted_file_is_recognised))
