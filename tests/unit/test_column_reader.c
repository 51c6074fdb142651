/* Unit tests for the page and column chunk readers (src/parquet/column/) and the file
 * reader around them, on small Parquet files built here page by page with the Thrift and
 * encoding layers' encoders. Each case pins one behaviour: spreading dense values into
 * slots and the validity bitmap, dictionaries, legacy BIT_PACKED levels, v2 pages, nested
 * levels, CRCs, and the errors (with their full "file: row group: column: page" context)
 * for broken counts, levels, indices and bounds. */
#include "ff_test.h"

#include "parquet/column/column_reader.h"
#include "parquet/compress/codec.h"
#include "parquet/encoding/encoding.h"
#include "parquet/file/file_reader.h"
#include "parquet/thrift/metadata.h"
#include "util/bytes.h"
#include "util/hash.h"

#include <fluxforge/reader.h>

/* ---- a tiny file builder ---- */

#define MAX_COLUMNS 4

typedef struct test_column {
    ff_pq_schema_element element;
    ff_pq_column_chunk chunk;
    int32_t encodings[4];
    const char *path[3];
    int32_t path_len;
} test_column;

typedef struct test_file {
    ff_buf buf;
    ff_pq_schema_element schema[8];
    int32_t num_schema;
    test_column columns[MAX_COLUMNS];
    int32_t num_columns;
    int64_t num_rows;
    size_t data_end; /* set by finish */
    ff_error err;
} test_file;

static void file_begin(test_file *file, int64_t num_rows) {
    memset(file, 0, sizeof *file);
    ff_buf_init(&file->buf, 0);
    ff_buf_append(&file->buf, "PAR1", 4, &file->err);
    file->num_rows = num_rows;
    file->schema[0].name = "schema";
    file->num_schema = 1;
}

/* Adds a top-level leaf column; pages follow with add_page. */
static test_column *add_column(test_file *file, const char *name, int32_t type, int32_t repetition,
                               int32_t codec) {
    ff_pq_schema_element *el = &file->schema[file->num_schema++];
    el->name = name;
    el->has_type = true;
    el->type = type;
    el->has_repetition_type = true;
    el->repetition_type = repetition;
    file->schema[0].has_num_children = true;
    file->schema[0].num_children++;
    test_column *col = &file->columns[file->num_columns++];
    col->element = *el;
    col->path[0] = name;
    col->path_len = 1;
    ff_pq_column_metadata *meta = &col->chunk.meta_data;
    col->chunk.has_meta_data = true;
    meta->type = type;
    meta->codec = codec;
    meta->encodings = col->encodings;
    meta->num_encodings = 1;
    col->encodings[0] = FF_ENC_PLAIN;
    meta->path_in_schema = col->path;
    meta->path_len = 1;
    meta->data_page_offset = -1;
    return col;
}

/* Appends one page (header + body) to the column's chunk. */
static void add_page(test_file *file, test_column *col, ff_pq_page_header *header,
                     const uint8_t *body, size_t body_len) {
    ff_pq_column_metadata *meta = &col->chunk.meta_data;
    int64_t offset = (int64_t)file->buf.len;
    if (header->compressed_page_size == 0 && body_len)
        header->compressed_page_size = (int32_t)body_len;
    if (header->uncompressed_page_size == 0 && meta->codec == FF_CODEC_UNCOMPRESSED)
        header->uncompressed_page_size = header->compressed_page_size;
    ff_thrift_encode_page_header(header, &file->buf, &file->err);
    ff_buf_append(&file->buf, body, body_len, &file->err);
    if (header->type == FF_PAGE_DICTIONARY) {
        meta->has_dictionary_page_offset = true;
        meta->dictionary_page_offset = offset;
    } else {
        if (meta->data_page_offset < 0)
            meta->data_page_offset = offset;
        meta->num_values += header->type == FF_PAGE_DATA ? header->data_page_header.num_values
                                                         : header->data_page_header_v2.num_values;
    }
    int64_t page_len = (int64_t)file->buf.len - offset;
    meta->total_compressed_size += page_len;
    meta->total_uncompressed_size += page_len;
}

/* Writes the footer; the file is then in file->buf. */
static void file_finish(test_file *file) {
    ff_pq_column_chunk chunks[MAX_COLUMNS];
    for (int32_t col_idx = 0; col_idx < file->num_columns; col_idx++) {
        chunks[col_idx] = file->columns[col_idx].chunk;
        if (chunks[col_idx].meta_data.data_page_offset < 0)
            chunks[col_idx].meta_data.data_page_offset = 4;
    }
    ff_pq_row_group rg = {.num_columns = file->num_columns,
                          .columns = chunks,
                          .num_rows = file->num_rows,
                          .total_byte_size = 1};
    ff_pq_file_metadata md = {.version = 1,
                              .num_schema = file->num_schema,
                              .schema = file->schema,
                              .num_rows = file->num_rows,
                              .num_row_groups = 1,
                              .row_groups = &rg};
    file->data_end = file->buf.len;
    ff_thrift_encode_file_metadata(&md, &file->buf, &file->err);
    uint8_t len_bytes[4];
    ff_store_le32(len_bytes, (uint32_t)(file->buf.len - file->data_end));
    ff_buf_append(&file->buf, len_bytes, 4, &file->err);
    ff_buf_append(&file->buf, "PAR1", 4, &file->err);
}

static ff_pq_page_header data_page_v1(int32_t num_values, int32_t encoding) {
    ff_pq_page_header header;
    memset(&header, 0, sizeof header);
    header.type = FF_PAGE_DATA;
    header.has_data_page_header = true;
    header.data_page_header.num_values = num_values;
    header.data_page_header.encoding = encoding;
    header.data_page_header.definition_level_encoding = FF_ENC_RLE;
    header.data_page_header.repetition_level_encoding = FF_ENC_RLE;
    return header;
}

/* v1 level section: 4-byte length, then the RLE hybrid. */
static void put_v1_levels(ff_buf *out, const int16_t *levels, int64_t n, int bit_width) {
    ff_error err;
    ff_buf rle;
    ff_buf_init(&rle, 0);
    ff_rle_encode_levels(levels, n, bit_width, &rle, &err);
    uint8_t len_bytes[4];
    ff_store_le32(len_bytes, (uint32_t)rle.len);
    ff_buf_append(out, len_bytes, 4, &err);
    ff_buf_append(out, rle.data, rle.len, &err);
    ff_buf_free(&rle);
}

static void put_i32(ff_buf *out, int32_t value) {
    ff_error err;
    uint8_t bytes[4];
    ff_store_le32(bytes, (uint32_t)value);
    ff_buf_append(out, bytes, 4, &err);
}

static ff_status read_all(test_file *file, ff_batch *batch, ff_error *err) {
    ff_reader *reader = NULL;
    ff_status status =
        ff_reader_open_memory(file->buf.data, file->buf.len, "t.parquet", NULL, &reader, err);
    if (status == FF_OK)
        status = ff_reader_read_row_group(reader, 0, NULL, -1, batch, err);
    ff_reader_free(reader);
    return status;
}

static int32_t vec_i32(const ff_vector *vec, int64_t slot) {
    return (int32_t)ff_load_le32(vec->values + slot * 4);
}

/* ---- cases ---- */

FF_TEST(optional_int32_spreads_over_two_pages) {
    test_file file;
    file_begin(&file, 7);
    test_column *col =
        add_column(&file, "price", FF_PHYSICAL_INT32, FF_PQ_OPTIONAL, FF_CODEC_UNCOMPRESSED);
    const int16_t defs1[4] = {1, 0, 1, 1}, defs2[3] = {0, 0, 1};
    ff_buf body;
    ff_buf_init(&body, 0);
    put_v1_levels(&body, defs1, 4, 1);
    put_i32(&body, 10);
    put_i32(&body, 30);
    put_i32(&body, 40);
    ff_pq_page_header header = data_page_v1(4, FF_ENC_PLAIN);
    add_page(&file, col, &header, body.data, body.len);
    ff_buf_reset(&body);
    put_v1_levels(&body, defs2, 3, 1);
    put_i32(&body, 70);
    header = data_page_v1(3, FF_ENC_PLAIN);
    add_page(&file, col, &header, body.data, body.len);
    file_finish(&file);
    ff_batch batch = {0};
    ff_error err;
    EXPECT_OK(read_all(&file, &batch, &err), &err);
    const ff_vector *vec = &batch.columns[0];
    EXPECT_EQ_INT(batch.num_rows, 7);
    EXPECT_EQ_INT(vec->length, 7);
    EXPECT_EQ_INT(vec->null_count, 3);
    EXPECT_TRUE(vec->def_levels == NULL);
    const int32_t want[7] = {10, 0, 30, 40, 0, 0, 70};
    const bool is_null[7] = {false, true, false, false, true, true, false};
    for (int slot = 0; slot < 7; slot++) {
        EXPECT_EQ_INT(ff_vector_is_null(vec, slot), is_null[slot]);
        EXPECT_EQ_INT(vec_i32(vec, slot), want[slot]);
    }
    ff_batch_free(&batch);
    ff_buf_free(&body);
    ff_buf_free(&file.buf);
}

FF_TEST(dictionary_strings_with_nulls_and_no_null_bitmap_when_full) {
    test_file file;
    file_begin(&file, 5);
    test_column *col =
        add_column(&file, "name", FF_PHYSICAL_BYTE_ARRAY, FF_PQ_OPTIONAL, FF_CODEC_UNCOMPRESSED);
    ff_buf body;
    ff_buf_init(&body, 0);
    /* Dictionary: "aa", "b". */
    put_i32(&body, 2);
    ff_buf_append(&body, "aa", 2, &file.err);
    put_i32(&body, 1);
    ff_buf_append(&body, "b", 1, &file.err);
    ff_pq_page_header header;
    memset(&header, 0, sizeof header);
    header.type = FF_PAGE_DICTIONARY;
    header.has_dictionary_page_header = true;
    header.dictionary_page_header.num_values = 2;
    header.dictionary_page_header.encoding = FF_ENC_PLAIN;
    add_page(&file, col, &header, body.data, body.len);
    /* Data: b, null, aa, null, b. */
    ff_buf_reset(&body);
    const int16_t defs[5] = {1, 0, 1, 0, 1};
    put_v1_levels(&body, defs, 5, 1);
    const uint32_t indices[3] = {1, 0, 1};
    ff_buf_append_byte(&body, 1, &file.err);
    ff_rle_encode_u32(indices, 3, 1, &body, &file.err);
    header = data_page_v1(5, FF_ENC_RLE_DICTIONARY);
    add_page(&file, col, &header, body.data, body.len);
    file_finish(&file);
    ff_batch batch = {0};
    ff_error err;
    EXPECT_OK(read_all(&file, &batch, &err), &err);
    const ff_vector *vec = &batch.columns[0];
    EXPECT_EQ_INT(vec->length, 5);
    EXPECT_EQ_INT(vec->null_count, 2);
    const int64_t want_offsets[6] = {0, 1, 1, 3, 3, 4};
    for (int slot = 0; slot <= 5; slot++)
        EXPECT_EQ_INT(vec->offsets[slot], want_offsets[slot]);
    EXPECT_TRUE(vec->values_len == 4 && !memcmp(vec->values, "baab", 4));
    EXPECT_TRUE(ff_vector_is_null(vec, 1) && ff_vector_is_null(vec, 3));
    ff_batch_free(&batch);
    ff_buf_free(&body);
    ff_buf_free(&file.buf);
}

FF_TEST(legacy_bit_packed_levels_and_required_columns) {
    test_file file;
    file_begin(&file, 3);
    test_column *opt =
        add_column(&file, "a", FF_PHYSICAL_INT64, FF_PQ_OPTIONAL, FF_CODEC_UNCOMPRESSED);
    test_column *req =
        add_column(&file, "b", FF_PHYSICAL_DOUBLE, FF_PQ_REQUIRED, FF_CODEC_UNCOMPRESSED);
    ff_buf body;
    ff_buf_init(&body, 0);
    /* BIT_PACKED (MSB first): levels 1,0,1 in one byte 101xxxxx. */
    ff_buf_append_byte(&body, 0xa0, &file.err);
    int64_t values[2] = {-5, 7};
    ff_buf_append(&body, values, sizeof values, &file.err);
    ff_pq_page_header header = data_page_v1(3, FF_ENC_PLAIN);
    header.data_page_header.definition_level_encoding = FF_ENC_BIT_PACKED;
    add_page(&file, opt, &header, body.data, body.len);
    ff_buf_reset(&body);
    double doubles[3] = {1.5, -2.25, 1e300};
    ff_buf_append(&body, doubles, sizeof doubles, &file.err);
    header = data_page_v1(3, FF_ENC_PLAIN);
    add_page(&file, req, &header, body.data, body.len);
    file_finish(&file);
    ff_batch batch = {0};
    ff_error err;
    EXPECT_OK(read_all(&file, &batch, &err), &err);
    const ff_vector *a = &batch.columns[0], *b = &batch.columns[1];
    EXPECT_EQ_INT(a->null_count, 1);
    EXPECT_EQ_INT((int64_t)ff_load_le64(a->values), -5);
    EXPECT_TRUE(ff_vector_is_null(a, 1));
    EXPECT_EQ_INT((int64_t)ff_load_le64(a->values + 16), 7);
    EXPECT_TRUE(b->validity == NULL);
    EXPECT_TRUE(!memcmp(b->values, doubles, sizeof doubles));
    ff_batch_free(&batch);
    ff_buf_free(&body);
    ff_buf_free(&file.buf);
}

/* A LIST<INT32> written with a v2 page: rows [1,2], [], null, [3]; bad_def, when not 0,
 * replaces the definition level of the empty list. */
static void build_list_file(test_file *file, int32_t codec, bool is_compressed, int16_t bad_def) {
    file_begin(file, 4);
    file->schema[0].has_num_children = true;
    file->schema[0].num_children = 1;
    ff_pq_schema_element *list = &file->schema[1], *repeated = &file->schema[2],
                         *element = &file->schema[3];
    list->name = "xs";
    list->has_repetition_type = true;
    list->repetition_type = FF_PQ_OPTIONAL;
    list->has_num_children = true;
    list->num_children = 1;
    list->has_converted_type = true;
    list->converted_type = FF_CT_LIST;
    repeated->name = "list";
    repeated->has_repetition_type = true;
    repeated->repetition_type = FF_PQ_REPEATED;
    repeated->has_num_children = true;
    repeated->num_children = 1;
    element->name = "element";
    element->has_type = true;
    element->type = FF_PHYSICAL_INT32;
    element->has_repetition_type = true;
    element->repetition_type = FF_PQ_REQUIRED;
    file->num_schema = 4;
    test_column *col = &file->columns[file->num_columns++];
    memset(col, 0, sizeof *col);
    col->path[0] = "xs";
    col->path[1] = "list";
    col->path[2] = "element";
    col->chunk.has_meta_data = true;
    ff_pq_column_metadata *meta = &col->chunk.meta_data;
    meta->type = FF_PHYSICAL_INT32;
    meta->codec = codec;
    meta->encodings = col->encodings;
    meta->num_encodings = 1;
    meta->path_in_schema = col->path;
    meta->path_len = 3;
    meta->data_page_offset = -1;
    /* Entries: (r0,d2)=1 (r1,d2)=2 | (r0,d1) empty | (r0,d0) null | (r0,d2)=3 */
    const int16_t reps[5] = {0, 1, 0, 0, 0};
    int16_t defs[5] = {2, 2, 1, 0, 2};
    if (bad_def)
        defs[2] = bad_def;
    ff_buf levels, values;
    ff_buf_init(&levels, 0);
    ff_buf_init(&values, 0);
    ff_error err;
    ff_rle_encode_levels(reps, 5, 1, &levels, &err);
    size_t rep_len = levels.len;
    ff_rle_encode_levels(defs, 5, 2, &levels, &err);
    size_t def_len = levels.len - rep_len;
    put_i32(&values, 1);
    put_i32(&values, 2);
    put_i32(&values, 3);
    ff_buf page;
    ff_buf_init(&page, 0);
    ff_buf_append(&page, levels.data, levels.len, &err);
    ff_codec_ctx *ctx = NULL;
    ff_codec_ctx_create(&ctx, &err);
    if (is_compressed && codec != FF_CODEC_UNCOMPRESSED)
        ff_codec_compress(ctx, codec, -1, values.data, values.len, &page, &err);
    else
        ff_buf_append(&page, values.data, values.len, &err);
    ff_codec_ctx_free(ctx);
    ff_pq_page_header header;
    memset(&header, 0, sizeof header);
    header.type = FF_PAGE_DATA_V2;
    header.has_data_page_header_v2 = true;
    header.data_page_header_v2.num_values = 5;
    header.data_page_header_v2.num_nulls = 2;
    header.data_page_header_v2.num_rows = 4;
    header.data_page_header_v2.encoding = FF_ENC_PLAIN;
    header.data_page_header_v2.repetition_levels_byte_length = (int32_t)rep_len;
    header.data_page_header_v2.definition_levels_byte_length = (int32_t)def_len;
    header.data_page_header_v2.is_compressed = is_compressed;
    header.compressed_page_size = (int32_t)page.len;
    header.uncompressed_page_size = (int32_t)(levels.len + values.len);
    add_page(file, col, &header, page.data, page.len);
    file_finish(file);
    ff_buf_free(&levels);
    ff_buf_free(&values);
    ff_buf_free(&page);
}

FF_TEST(v2_nested_list_keeps_dense_values_and_levels) {
    const int32_t codecs[3] = {FF_CODEC_UNCOMPRESSED, FF_CODEC_SNAPPY, FF_CODEC_ZSTD};
    for (int codec_idx = 0; codec_idx < 3; codec_idx++) {
        for (int compressed = 0; compressed < 2; compressed++) {
            test_file file;
            build_list_file(&file, codecs[codec_idx], compressed, 0);
            ff_batch batch = {0};
            ff_error err;
            EXPECT_OK(read_all(&file, &batch, &err), &err);
            const ff_vector *vec = &batch.columns[0];
            EXPECT_EQ_INT(batch.num_rows, 4);
            EXPECT_EQ_INT(vec->length, 3);
            EXPECT_EQ_INT(vec->num_levels, 5);
            EXPECT_TRUE(vec->validity == NULL && vec->rep_levels && vec->def_levels);
            if (vec->length == 3 && vec->num_levels == 5) {
                EXPECT_EQ_INT(vec_i32(vec, 2), 3);
                EXPECT_EQ_INT(vec->rep_levels[1], 1);
                EXPECT_EQ_INT(vec->def_levels[3], 0);
            }
            ff_batch_free(&batch);
            ff_buf_free(&file.buf);
        }
    }
}

/* A file with one optional INT32 column of six dictionary-encoded pages; page `bad_page`
 * gets `bad_width` as its bit width. */
static void build_dictionary_pages(test_file *file, int bad_page, uint8_t bad_width,
                                   uint32_t bad_index) {
    file_begin(file, 6);
    test_column *col =
        add_column(file, "price", FF_PHYSICAL_INT32, FF_PQ_REQUIRED, FF_CODEC_UNCOMPRESSED);
    ff_buf body;
    ff_buf_init(&body, 0);
    put_i32(&body, 100);
    put_i32(&body, 200);
    ff_pq_page_header header;
    memset(&header, 0, sizeof header);
    header.type = FF_PAGE_DICTIONARY;
    header.has_dictionary_page_header = true;
    header.dictionary_page_header.num_values = 2;
    add_page(file, col, &header, body.data, body.len);
    for (int page_idx = 1; page_idx <= 6; page_idx++) {
        ff_buf_reset(&body);
        uint32_t index = page_idx == bad_page ? bad_index : (uint32_t)(page_idx & 1);
        int width = page_idx == bad_page ? bad_width : 1;
        ff_buf_append_byte(&body, (uint8_t)width, &file->err);
        ff_rle_encode_u32(&index, 1, width <= 32 ? width : 1, &body, &file->err);
        header = data_page_v1(1, FF_ENC_PLAIN_DICTIONARY);
        add_page(file, col, &header, body.data, body.len);
    }
    file_finish(file);
    ff_buf_free(&body);
}

FF_TEST(empty_dictionary_and_empty_compressed_pages) {
    /* A SNAPPY chunk whose dictionary page holds no entry and whose data page holds only
     * nulls: nothing to decompress or decode, and no decoder sees a missing buffer. */
    test_file file;
    file_begin(&file, 2);
    test_column *col = add_column(&file, "v", FF_PHYSICAL_INT32, FF_PQ_OPTIONAL, FF_CODEC_SNAPPY);
    ff_codec_ctx *ctx = NULL;
    ff_error err;
    ff_codec_ctx_create(&ctx, &err);
    ff_buf body;
    ff_buf_init(&body, 0);
    ff_codec_compress(ctx, FF_CODEC_SNAPPY, -1, (const uint8_t *)"", 0, &body, &err);
    ff_pq_page_header header;
    memset(&header, 0, sizeof header);
    header.type = FF_PAGE_DICTIONARY;
    header.has_dictionary_page_header = true;
    header.compressed_page_size = (int32_t)body.len;
    header.uncompressed_page_size = 0;
    add_page(&file, col, &header, body.data, body.len);
    ff_buf levels;
    ff_buf_init(&levels, 0);
    const int16_t defs[2] = {0, 0};
    put_v1_levels(&levels, defs, 2, 1);
    ff_buf_reset(&body);
    ff_codec_compress(ctx, FF_CODEC_SNAPPY, -1, levels.data, levels.len, &body, &err);
    header = data_page_v1(2, FF_ENC_RLE_DICTIONARY);
    header.compressed_page_size = (int32_t)body.len;
    header.uncompressed_page_size = (int32_t)levels.len;
    add_page(&file, col, &header, body.data, body.len);
    file_finish(&file);
    ff_batch batch = {0};
    EXPECT_OK(read_all(&file, &batch, &err), &err);
    EXPECT_EQ_INT(batch.columns[0].null_count, 2);
    ff_batch_free(&batch);
    ff_codec_ctx_free(ctx);
    ff_buf_free(&levels);
    ff_buf_free(&body);
    ff_buf_free(&file.buf);
}

FF_TEST(errors_name_file_row_group_column_and_page) {
    test_file file;
    build_dictionary_pages(&file, 5, 254, 0);
    ff_batch batch = {0};
    ff_error err;
    EXPECT_STATUS(read_all(&file, &batch, &err), FF_ERR_CORRUPT);
    EXPECT_EQ_STR(err.message, "t.parquet: row group 0: column 'price': page 5: RLE bit width 254 "
                               "exceeds 32");
    ff_buf_free(&file.buf);
    build_dictionary_pages(&file, 3, 1, 1);
    EXPECT_OK(read_all(&file, &batch, &err), &err);
    EXPECT_EQ_INT(vec_i32(&batch.columns[0], 2), 200);
    ff_buf_free(&file.buf);
    /* Index 1 written with bit width 2 as index 3: out of the two-entry dictionary. */
    build_dictionary_pages(&file, 2, 2, 3);
    EXPECT_STATUS(read_all(&file, &batch, &err), FF_ERR_CORRUPT);
    EXPECT_EQ_STR(err.message, "t.parquet: row group 0: column 'price': page 2: dictionary index "
                               "3 at position 0 is out of range for a dictionary of 2 values");
    ff_buf_free(&file.buf);
    ff_batch_free(&batch);
}

FF_TEST(levels_above_their_maximum_are_corrupt) {
    /* The list column has max_def 2, stored in two bits: 3 fits the width, not the schema. */
    test_file file;
    build_list_file(&file, FF_CODEC_UNCOMPRESSED, false, 3);
    ff_batch batch = {0};
    ff_error err;
    EXPECT_STATUS(read_all(&file, &batch, &err), FF_ERR_CORRUPT);
    EXPECT_EQ_STR(err.message, "t.parquet: row group 0: column 'xs.list.element': page 0: "
                               "definition level 3 exceeds the maximum 2");
    ff_batch_free(&batch);
    ff_buf_free(&file.buf);
}

FF_TEST(crc_is_checked_when_present) {
    for (int corrupt = 0; corrupt < 2; corrupt++) {
        test_file file;
        file_begin(&file, 2);
        test_column *col =
            add_column(&file, "v", FF_PHYSICAL_INT32, FF_PQ_REQUIRED, FF_CODEC_UNCOMPRESSED);
        ff_buf body;
        ff_buf_init(&body, 0);
        put_i32(&body, 5);
        put_i32(&body, 6);
        ff_pq_page_header header = data_page_v1(2, FF_ENC_PLAIN);
        header.has_crc = true;
        header.crc = (int32_t)(ff_crc32(body.data, body.len) ^ (uint32_t)corrupt);
        add_page(&file, col, &header, body.data, body.len);
        file_finish(&file);
        ff_batch batch = {0};
        ff_error err;
        if (corrupt) {
            EXPECT_STATUS(read_all(&file, &batch, &err), FF_ERR_CORRUPT);
            EXPECT_EQ_STR(err.message, "t.parquet: row group 0: column 'v': page 0: CRC mismatch");
        } else {
            EXPECT_OK(read_all(&file, &batch, &err), &err);
        }
        ff_batch_free(&batch);
        ff_buf_free(&body);
        ff_buf_free(&file.buf);
    }
}

FF_TEST(counts_must_match_the_footer) {
    /* The chunk declares 3 values but its only page holds 2. */
    test_file file;
    file_begin(&file, 3);
    test_column *col =
        add_column(&file, "v", FF_PHYSICAL_INT32, FF_PQ_REQUIRED, FF_CODEC_UNCOMPRESSED);
    ff_buf body;
    ff_buf_init(&body, 0);
    put_i32(&body, 5);
    put_i32(&body, 6);
    ff_pq_page_header header = data_page_v1(2, FF_ENC_PLAIN);
    add_page(&file, col, &header, body.data, body.len);
    col->chunk.meta_data.num_values = 3;
    file_finish(&file);
    ff_batch batch = {0};
    ff_error err;
    EXPECT_STATUS(read_all(&file, &batch, &err), FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "ends after 2 of its 3 values") != NULL);
    ff_buf_free(&file.buf);
    /* The chunk is consistent but the row group claims more rows. */
    file_begin(&file, 4);
    col = add_column(&file, "v", FF_PHYSICAL_INT32, FF_PQ_REQUIRED, FF_CODEC_UNCOMPRESSED);
    header = data_page_v1(2, FF_ENC_PLAIN);
    add_page(&file, col, &header, body.data, body.len);
    file_finish(&file);
    EXPECT_STATUS(read_all(&file, &batch, &err), FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "holds 2 rows but its row group has 4") != NULL);
    ff_batch_free(&batch);
    ff_buf_free(&body);
    ff_buf_free(&file.buf);
}

FF_TEST(unselected_columns_are_not_read) {
    test_file file;
    file_begin(&file, 2);
    test_column *broken =
        add_column(&file, "broken", FF_PHYSICAL_INT32, FF_PQ_REQUIRED, FF_CODEC_UNCOMPRESSED);
    test_column *good =
        add_column(&file, "good", FF_PHYSICAL_INT32, FF_PQ_REQUIRED, FF_CODEC_UNCOMPRESSED);
    ff_buf body;
    ff_buf_init(&body, 0);
    put_i32(&body, 5);
    put_i32(&body, 6);
    ff_pq_page_header header = data_page_v1(2, FF_ENC_PLAIN);
    add_page(&file, broken, &header, body.data, body.len);
    header = data_page_v1(2, FF_ENC_PLAIN);
    add_page(&file, good, &header, body.data, body.len);
    /* Garble the first chunk's page header. */
    file.buf.data[broken->chunk.meta_data.data_page_offset] = 0xff;
    file.buf.data[broken->chunk.meta_data.data_page_offset + 1] = 0xff;
    file_finish(&file);
    ff_reader *reader = NULL;
    ff_error err;
    EXPECT_OK(ff_reader_open_memory(file.buf.data, file.buf.len, "t.parquet", NULL, &reader, &err),
              &err);
    ff_batch batch = {0};
    const int32_t only_good[1] = {1};
    EXPECT_OK(ff_reader_read_row_group(reader, 0, only_good, 1, &batch, &err), &err);
    EXPECT_EQ_INT(vec_i32(&batch.columns[0], 1), 6);
    EXPECT_STATUS(ff_reader_read_row_group(reader, 0, NULL, -1, &batch, &err), FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "column 'broken'") != NULL);
    EXPECT_EQ_INT(batch.num_rows, 0);
    ff_batch_free(&batch);
    ff_reader_free(reader);
    ff_buf_free(&body);
    ff_buf_free(&file.buf);
}

FF_TEST(bloom_filter_probe_follows_the_spec) {
    /* Insert one hash into a 2-block filter by the spec's rule, then probe. */
    static const uint32_t salt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                     0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};
    uint8_t bitset[64] = {0};
    uint64_t hash = ff_xxh64("hello", 5, 0);
    uint64_t block_idx = ((hash >> 32) * 2) >> 32;
    for (int word_idx = 0; word_idx < 8; word_idx++) {
        uint8_t *word = bitset + block_idx * 32 + word_idx * 4;
        ff_store_le32(word, ff_load_le32(word) | (1U << (((uint32_t)hash * salt[word_idx]) >> 27)));
    }
    ff_bloom_filter filter = {bitset, sizeof bitset};
    EXPECT_TRUE(ff_bloom_filter_might_contain_value(&filter, "hello", 5));
    EXPECT_TRUE(!ff_bloom_filter_might_contain_value(&filter, "world", 5));
}

FF_TEST(encrypted_and_foreign_files_are_refused_by_name) {
    uint8_t pare[32] = "PAR1";
    memcpy(pare + 28, "PARE", 4);
    ff_reader *reader = NULL;
    ff_error err;
    EXPECT_STATUS(ff_reader_open_memory(pare, sizeof pare, "e.parquet", NULL, &reader, &err),
                  FF_ERR_UNSUPPORTED);
    EXPECT_EQ_STR(err.message, "e.parquet: encrypted Parquet files are not supported");
    uint8_t csv[32] = "a,b,c\n1,2,3\n";
    EXPECT_STATUS(ff_reader_open_memory(csv, sizeof csv, "x.csv", NULL, &reader, &err),
                  FF_ERR_CORRUPT);
    EXPECT_TRUE(strstr(err.message, "x.csv: not a Parquet file") == err.message);
    EXPECT_STATUS(ff_reader_open("/nonexistent/dir/f.parquet", NULL, &reader, &err),
                  FF_ERR_NOT_FOUND);
    EXPECT_TRUE(reader == NULL);
}

FF_TEST_MAIN(FF_CASE(optional_int32_spreads_over_two_pages),
             FF_CASE(dictionary_strings_with_nulls_and_no_null_bitmap_when_full),
             FF_CASE(legacy_bit_packed_levels_and_required_columns),
             FF_CASE(v2_nested_list_keeps_dense_values_and_levels),
             FF_CASE(empty_dictionary_and_empty_compressed_pages),
             FF_CASE(errors_name_file_row_group_column_and_page),
             FF_CASE(levels_above_their_maximum_are_corrupt), FF_CASE(crc_is_checked_when_present),
             FF_CASE(counts_must_match_the_footer), FF_CASE(unselected_columns_are_not_read),
             FF_CASE(bloom_filter_probe_follows_the_spec),
             FF_CASE(encrypted_and_foreign_files_are_refused_by_name))
