/* The writer's value encodings (ff_writer_options.value_encoding, include/fluxforge/writer.h):
 * which encoding a chunk's pages without dictionary get, and that they read back exactly.
 *
 * - Choice: on market-like columns (a +1 trade id, rising timestamps with nulls, an INT32
 *   counter, high-entropy sizes as DOUBLE and FLOAT, prices on a cent grid) the default picks
 *   DELTA_BINARY_PACKED for the integers, BYTE_STREAM_SPLIT for the noisy floats and not
 *   BYTE_STREAM_SPLIT for the prices, and the file is smaller than with PLAIN; without
 *   compression the floats stay PLAIN; FF_VALUE_ENCODING_PLAIN writes PLAIN only; an unknown
 *   choice is refused.
 * - Exactness: chunks whose first page settles the encoding and whose later pages carry edge
 *   values (INT32/INT64 ends alternating so deltas wrap, constant runs, NaN with payloads,
 *   infinities, signed zeros, subnormals, extremes), nulls, all-null pages and columns,
 *   pages of 97 rows, several row groups, a dictionary that is given up mid-chunk, a one-row
 *   file; data pages v1 and v2. Values are compared as bytes, so NaN payloads and -0.0 count,
 *   integer chunk statistics against the data, and each chunk's encoding_stats against the
 *   encodings it lists. */
#include "ff_test.h"
#include "ff_test_rng.h"

#include <fluxforge/reader.h>
#include <fluxforge/writer.h>

#include "parquet/schema/schema.h"
#include "parquet/thrift/metadata.h"
#include "util/bytes.h"

#include <float.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- columns ---- */

enum gen {
    GEN_COUNTER,        /* start + row */
    GEN_RISING,         /* timestamps rising by 0..0.2 s */
    GEN_NOISE,          /* 1000 * [1, 2) with every mantissa bit random */
    GEN_PRICE,          /* a random walk on a cent grid around 62,000 */
    GEN_EDGE,           /* GEN_COUNTER / GEN_NOISE for a row group's first rows, then edges */
    GEN_DICT_THEN_EDGE, /* four distinct values for a row group's first 90 rows, then GEN_EDGE */
};

typedef struct col_def {
    const char *name;
    int32_t physical; /* INT32, INT64, FLOAT or DOUBLE */
    enum gen gen;
    int null_pct;      /* share of null rows, in percent; 100: every row */
    bool null_stretch; /* rows [500, 700) of each row group null: pages without values */
} col_def;

/* Rows of a row group, in the edge cases, before the edge values start: more than the first
 * page (97 rows), so the first page settles the encoding. */
#define EDGE_PREFIX_ROWS 300

static const int64_t int64_edges[] = {INT64_MIN, INT64_MAX, 0, -1, INT64_MAX, INT64_MIN,
                                      1,         7,         7, 7,  7,         INT64_MIN + 1};
static const int32_t int32_edges[] = {INT32_MIN, INT32_MAX, 0, -1, INT32_MAX, INT32_MIN,
                                      1,         7,         7, 7,  7,         INT32_MIN + 1};

/* Doubles by bit pattern: NaNs with different payloads and signs, infinities, signed zeros,
 * the smallest subnormal, the largest finite values. */
static const uint64_t double_edges[] = {
    0x7ff8000000000000ULL, 0xfff8000000000001ULL, 0x7ff0000000000001ULL, 0x7ff0000000000000ULL,
    0xfff0000000000000ULL, 0x8000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000001ULL,
    0x7fefffffffffffffULL, 0xffefffffffffffffULL, 0x3ff0000000000000ULL, 0x3ff0000000000000ULL};
static const uint32_t float_edges[] = {0x7fc00000u, 0xffc00001u, 0x7f800001u, 0x7f800000u,
                                       0xff800000u, 0x80000000u, 0x00000000u, 0x00000001u,
                                       0x7f7fffffu, 0xff7fffffu, 0x3f800000u, 0x3f800000u};
#define NUM_EDGES 12

typedef struct gen_state {
    int64_t last;  /* GEN_RISING */
    int64_t cents; /* GEN_PRICE */
} gen_state;

/* The value of row `row` (row_in_group within its row group) as little-endian bytes. */
static void gen_value(const col_def *c, gen_state *st, rng *r, int64_t row, int64_t row_in_group,
                      uint8_t *out) {
    bool is_int = c->physical == FF_PHYSICAL_INT32 || c->physical == FF_PHYSICAL_INT64;
    bool is_wide = c->physical == FF_PHYSICAL_INT64 || c->physical == FF_PHYSICAL_DOUBLE;
    enum gen gen = c->gen;
    if (gen == GEN_DICT_THEN_EDGE) {
        if (row_in_group < 90) {
            int64_t k = row % 4;
            if (is_int) {
                ff_store_le64(out, (uint64_t)k);
            } else if (is_wide) {
                double v = 1.5 + (double)k;
                memcpy(out, &v, 8);
            } else {
                float v = 1.5f + (float)k;
                memcpy(out, &v, 4);
            }
            return;
        }
        gen = GEN_EDGE;
    }
    if (gen == GEN_EDGE && row_in_group >= EDGE_PREFIX_ROWS) {
        uint64_t pick = rnd(r) % (NUM_EDGES + 4); /* some noise among the edges */
        if (pick < NUM_EDGES) {
            switch (c->physical) {
            case FF_PHYSICAL_INT32:
                ff_store_le32(out, (uint32_t)int32_edges[pick]);
                break;
            case FF_PHYSICAL_INT64:
                ff_store_le64(out, (uint64_t)int64_edges[pick]);
                break;
            case FF_PHYSICAL_FLOAT:
                ff_store_le32(out, float_edges[pick]);
                break;
            default:
                ff_store_le64(out, double_edges[pick]);
                break;
            }
            return;
        }
        if (is_int) {
            ff_store_le64(out, rnd(r));
            return;
        }
        gen = GEN_NOISE;
    }
    if (gen == GEN_EDGE)
        gen = is_int ? GEN_COUNTER : GEN_NOISE;
    switch (gen) {
    case GEN_COUNTER:
        ff_store_le64(out, (uint64_t)(473225104 + row));
        break;
    case GEN_RISING:
        st->last += (int64_t)(rnd(r) % 200000);
        ff_store_le64(out, (uint64_t)st->last);
        break;
    case GEN_PRICE: {
        st->cents += (int64_t)(rnd(r) % 11) - 5;
        double v = (double)st->cents / 100.0;
        memcpy(out, &v, 8);
        break;
    }
    default:
        if (is_wide) {
            uint64_t bits = 0x3ff0000000000000ULL | (rnd(r) & 0xfffffffffffffULL);
            double v;
            memcpy(&v, &bits, 8);
            v *= 1000.0;
            memcpy(out, &v, 8);
        } else {
            uint32_t bits = 0x3f800000u | (uint32_t)(rnd(r) & 0x7fffff);
            float v;
            memcpy(&v, &bits, 4);
            v *= 1000.0f;
            memcpy(out, &v, 4);
        }
        break;
    }
}

static ff_schema *make_schema(const col_def *cols, int num_cols, int *ff_test_failures) {
    ff_pq_schema_element elements[16];
    memset(elements, 0, sizeof elements);
    elements[0].name = "schema";
    elements[0].has_num_children = true;
    elements[0].num_children = num_cols;
    for (int col = 0; col < num_cols; col++) {
        ff_pq_schema_element *e = &elements[col + 1];
        e->name = cols[col].name;
        e->has_type = true;
        e->type = cols[col].physical;
        e->has_repetition_type = true;
        e->repetition_type =
            cols[col].null_pct || cols[col].null_stretch ? FF_PQ_OPTIONAL : FF_PQ_REQUIRED;
        if (cols[col].gen == GEN_RISING) {
            e->has_logical_type = true;
            e->logical_type.kind = FF_LT_TIMESTAMP;
            e->logical_type.time_unit = 1;
            e->logical_type.time_is_adjusted_to_utc = true;
            e->has_converted_type = true;
            e->converted_type = FF_CT_TIMESTAMP_MICROS;
        }
    }
    ff_schema *schema = NULL;
    ff_error err;
    EXPECT_OK(ff_schema_from_thrift(elements, num_cols + 1, &schema, &err), &err);
    return schema;
}

/* One batch with every row of the table; row groups of rg_rows rows (for the edge layout). */
static void make_batch(const ff_schema *schema, const col_def *cols, int num_cols, int64_t rows,
                       int64_t rg_rows, uint64_t seed, ff_batch *batch, int *ff_test_failures) {
    ff_error err;
    EXPECT_OK(ff_batch_init(batch, num_cols, &err), &err);
    batch->num_rows = rows;
    rng r = {seed};
    for (int col = 0; col < num_cols; col++) {
        const col_def *c = &cols[col];
        ff_vector *vec = &batch->columns[col];
        ff_vector_init(vec, &schema->leaves[col]->type);
        bool nullable = c->null_pct || c->null_stretch;
        EXPECT_OK(ff_vector_reserve(vec, rows, 0, nullable, &err), &err);
        int32_t width = ff_type_value_width(&vec->type);
        gen_state st = {.last = 1709251200000000LL, .cents = 6200000};
        for (int64_t row = 0; row < rows; row++) {
            int64_t in_group = row % rg_rows;
            bool is_null = (c->null_pct && (int)(rnd(&r) % 100) < c->null_pct) ||
                           (c->null_stretch && in_group >= 500 && in_group < 700);
            uint8_t value[8] = {0};
            gen_value(c, &st, &r, row, in_group, value);
            memcpy(vec->values + row * width, value, (size_t)width);
            if (!nullable)
                continue;
            if (is_null) {
                ff_bitmap_clear(vec->validity, row);
                memset(vec->values + row * width, 0, (size_t)width);
                vec->null_count++;
            } else {
                ff_bitmap_set(vec->validity, row);
            }
        }
        vec->length = rows;
    }
}

static char scratch_dir[256];

static const char *scratch_path(const char *name, char *buf, size_t cap) {
    if (!scratch_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(scratch_dir, sizeof scratch_dir, "%s/ff-encodings-XXXXXX", tmp ? tmp : "/tmp");
        if (!mkdtemp(scratch_dir))
            snprintf(scratch_dir, sizeof scratch_dir, "/tmp");
    }
    snprintf(buf, cap, "%s/%s.parquet", scratch_dir, name);
    return buf;
}

static bool chunk_lists(const ff_pq_column_chunk *chunk, int32_t encoding) {
    for (int32_t idx = 0; idx < chunk->meta_data.num_encodings; idx++)
        if (chunk->meta_data.encodings[idx] == encoding)
            return true;
    return false;
}

/* encoding_stats names every listed value encoding but RLE (levels) and no other. */
static void check_encoding_stats(const ff_pq_column_chunk *chunk, const char *label,
                                 int *ff_test_failures) {
    const ff_pq_column_metadata *md = &chunk->meta_data;
    for (int32_t idx = 0; idx < md->num_encodings; idx++) {
        if (md->encodings[idx] == FF_ENC_RLE)
            continue;
        bool found = false;
        for (int32_t st = 0; st < md->num_encoding_stats; st++)
            found |= md->encoding_stats[st].encoding == md->encodings[idx] &&
                     md->encoding_stats[st].count > 0;
        if (!found)
            FF_FAIL_AT("%s: encoding %d listed without encoding_stats", label, md->encodings[idx]);
    }
    for (int32_t st = 0; st < md->num_encoding_stats; st++)
        if (!chunk_lists(chunk, md->encoding_stats[st].encoding))
            FF_FAIL_AT("%s: encoding_stats has encoding %d, which is not listed", label,
                       md->encoding_stats[st].encoding);
}

/* Writes batch with options, reads it back, and compares every slot; the file stays for the
 * caller to inspect (returns its size, -1 on failure). */
static int64_t write_and_compare(const char *name, const ff_schema *schema, const ff_batch *batch,
                                 const ff_writer_options *options, ff_reader **reader_out,
                                 int *ff_test_failures) {
    ff_error err;
    char path[512];
    scratch_path(name, path, sizeof path);
    *reader_out = NULL;
    ff_writer *writer = NULL;
    EXPECT_OK(ff_writer_open(path, schema, options, &writer, &err), &err);
    if (!writer)
        return -1;
    EXPECT_OK(ff_writer_write_batch(writer, batch, &err), &err);
    EXPECT_OK(ff_writer_close(writer, &err), &err);
    int64_t size = ff_writer_bytes_written(writer);
    ff_writer_free(writer);
    ff_reader *reader = NULL;
    EXPECT_OK(ff_reader_open(path, NULL, &reader, &err), &err);
    if (!reader)
        return -1;
    EXPECT_EQ_INT(ff_reader_num_rows(reader), batch->num_rows);
    ff_batch got;
    memset(&got, 0, sizeof got);
    int64_t row_base = 0;
    for (int32_t rg = 0; rg < ff_reader_num_row_groups(reader); rg++) {
        EXPECT_OK(ff_reader_read_row_group(reader, rg, NULL, -1, &got, &err), &err);
        for (int32_t col = 0; col < batch->num_columns && col < got.num_columns; col++) {
            const ff_vector *want = &batch->columns[col], *have = &got.columns[col];
            int32_t width = ff_type_value_width(&want->type);
            int64_t mismatches = 0, first_bad = -1;
            int64_t min = INT64_MAX, max = INT64_MIN, nulls = 0;
            for (int64_t row = 0; row < have->length; row++) {
                int64_t src = row_base + row;
                bool want_null = ff_vector_is_null(want, src),
                     have_null = ff_vector_is_null(have, row);
                bool same = want_null == have_null &&
                            (want_null || !memcmp(want->values + src * width,
                                                  have->values + row * width, (size_t)width));
                if (!same && mismatches++ == 0)
                    first_bad = src;
                if (want_null) {
                    nulls++;
                    continue;
                }
                int64_t v = want->type.physical == FF_PHYSICAL_INT64
                                ? (int64_t)ff_load_le64(want->values + src * width)
                                : (int32_t)ff_load_le32(want->values + src * width);
                min = v < min ? v : min;
                max = v > max ? v : max;
            }
            if (mismatches)
                FF_FAIL_AT("%s: row group %d column %d: %lld slots differ, first at row %lld", name,
                           rg, col, (long long)mismatches, (long long)first_bad);
            EXPECT_EQ_INT(have->length, ff_reader_row_group_num_rows(reader, rg));
            bool is_int = want->type.physical == FF_PHYSICAL_INT32 ||
                          want->type.physical == FF_PHYSICAL_INT64;
            ff_column_stats stats;
            EXPECT_OK(ff_reader_column_stats(reader, rg, col, &stats, &err), &err);
            EXPECT_TRUE(stats.has_null_count && stats.null_count == nulls);
            if (is_int && nulls < have->length) {
                EXPECT_TRUE(stats.has_min_max && stats.min_len == (size_t)width);
                if (stats.has_min_max && stats.min_len == (size_t)width) {
                    int64_t smin = width == 8 ? (int64_t)ff_load_le64(stats.min)
                                              : (int32_t)ff_load_le32(stats.min);
                    int64_t smax = width == 8 ? (int64_t)ff_load_le64(stats.max)
                                              : (int32_t)ff_load_le32(stats.max);
                    EXPECT_EQ_INT(smin, min);
                    EXPECT_EQ_INT(smax, max);
                }
            }
            char label[160];
            snprintf(label, sizeof label, "%s: row group %d column %d", name, rg, col);
            check_encoding_stats(&ff_reader_metadata(reader)->row_groups[rg].columns[col], label,
                                 ff_test_failures);
        }
        row_base += ff_reader_row_group_num_rows(reader, rg);
    }
    ff_batch_free(&got);
    *reader_out = reader;
    return size;
}

static const ff_pq_column_chunk *chunk_of(const ff_reader *reader, int32_t rg, int32_t col) {
    return &ff_reader_metadata(reader)->row_groups[rg].columns[col];
}

static void remove_file(const char *name) {
    char path[512];
    unlink(scratch_path(name, path, sizeof path));
}

/* ---- choice ---- */

static const col_def market_cols[] = {
    {"trade_id", FF_PHYSICAL_INT64, GEN_COUNTER, 0, false},
    {"time", FF_PHYSICAL_INT64, GEN_RISING, 5, false},
    {"seq", FF_PHYSICAL_INT32, GEN_COUNTER, 0, false},
    {"size", FF_PHYSICAL_DOUBLE, GEN_NOISE, 2, false},
    {"size32", FF_PHYSICAL_FLOAT, GEN_NOISE, 0, false},
    {"price", FF_PHYSICAL_DOUBLE, GEN_PRICE, 0, false},
};
#define NUM_MARKET_COLS 6

FF_TEST(auto_picks_delta_for_series_split_for_noise_and_keeps_grid_prices) {
    ff_schema *schema = make_schema(market_cols, NUM_MARKET_COLS, ff_test_failures);
    if (!schema)
        return;
    ff_batch batch;
    make_batch(schema, market_cols, NUM_MARKET_COLS, 150000, 150000, 1, &batch, ff_test_failures);
    for (int version = 1; version <= 2; version++) {
        ff_writer_options options;
        ff_writer_options_init(&options);
        options.data_page_version = version;
        options.row_group_rows = 65536;
        ff_reader *reader = NULL;
        const char *name = version == 1 ? "market-auto-v1" : "market-auto-v2";
        int64_t auto_size =
            write_and_compare(name, schema, &batch, &options, &reader, ff_test_failures);
        for (int32_t rg = 0; reader && rg < ff_reader_num_row_groups(reader); rg++) {
            for (int col = 0; col < 3; col++)
                if (!chunk_lists(chunk_of(reader, rg, col), FF_ENC_DELTA_BINARY_PACKED))
                    FF_FAIL_AT("%s: row group %d: %s is not DELTA_BINARY_PACKED", name, rg,
                               market_cols[col].name);
            for (int col = 3; col < 5; col++)
                if (!chunk_lists(chunk_of(reader, rg, col), FF_ENC_BYTE_STREAM_SPLIT))
                    FF_FAIL_AT("%s: row group %d: %s is not BYTE_STREAM_SPLIT", name, rg,
                               market_cols[col].name);
            const ff_pq_column_chunk *price = chunk_of(reader, rg, 5);
            if (chunk_lists(price, FF_ENC_BYTE_STREAM_SPLIT) ||
                !(chunk_lists(price, FF_ENC_PLAIN) || chunk_lists(price, FF_ENC_RLE_DICTIONARY)))
                FF_FAIL_AT("%s: row group %d: grid prices should stay PLAIN or dictionary", name,
                           rg);
        }
        ff_reader_free(reader);

        options.value_encoding = FF_VALUE_ENCODING_PLAIN;
        name = version == 1 ? "market-plain-v1" : "market-plain-v2";
        int64_t plain_size =
            write_and_compare(name, schema, &batch, &options, &reader, ff_test_failures);
        for (int32_t rg = 0; reader && rg < ff_reader_num_row_groups(reader); rg++)
            for (int col = 0; col < NUM_MARKET_COLS; col++)
                if (chunk_lists(chunk_of(reader, rg, col), FF_ENC_DELTA_BINARY_PACKED) ||
                    chunk_lists(chunk_of(reader, rg, col), FF_ENC_BYTE_STREAM_SPLIT))
                    FF_FAIL_AT("%s: row group %d: %s is not PLAIN", name, rg,
                               market_cols[col].name);
        ff_reader_free(reader);
        if (!(auto_size > 0 && plain_size > 0 && auto_size < plain_size * 9 / 10))
            FF_FAIL_AT("v%d: the chosen encodings give %lld bytes, PLAIN %lld", version,
                       (long long)auto_size, (long long)plain_size);
        remove_file(version == 1 ? "market-auto-v1" : "market-auto-v2");
        remove_file(name);
    }
    ff_batch_free(&batch);
    ff_schema_free(schema);
}

/* Without compression BYTE_STREAM_SPLIT is exactly as large as PLAIN, so floats stay PLAIN,
 * while DELTA_BINARY_PACKED shrinks the series by itself. */
FF_TEST(uncompressed_keeps_floats_plain) {
    ff_schema *schema = make_schema(market_cols, NUM_MARKET_COLS, ff_test_failures);
    if (!schema)
        return;
    ff_batch batch;
    make_batch(schema, market_cols, NUM_MARKET_COLS, 20000, 20000, 2, &batch, ff_test_failures);
    ff_writer_options options;
    ff_writer_options_init(&options);
    options.compression = FF_COMPRESSION_UNCOMPRESSED;
    ff_reader *reader = NULL;
    write_and_compare("market-none", schema, &batch, &options, &reader, ff_test_failures);
    if (reader) {
        for (int col = 0; col < 3; col++)
            EXPECT_TRUE(chunk_lists(chunk_of(reader, 0, col), FF_ENC_DELTA_BINARY_PACKED));
        for (int col = 3; col < NUM_MARKET_COLS; col++)
            EXPECT_TRUE(!chunk_lists(chunk_of(reader, 0, col), FF_ENC_BYTE_STREAM_SPLIT));
    }
    ff_reader_free(reader);
    remove_file("market-none");
    ff_batch_free(&batch);
    ff_schema_free(schema);
}

FF_TEST(unknown_value_encoding_is_refused) {
    ff_schema *schema = make_schema(market_cols, 1, ff_test_failures);
    if (!schema)
        return;
    ff_writer_options options;
    ff_writer_options_init(&options);
    EXPECT_EQ_INT(options.value_encoding, FF_VALUE_ENCODING_AUTO);
    options.value_encoding = (ff_value_encoding)7;
    ff_writer *writer = NULL;
    ff_error err;
    char path[512];
    EXPECT_STATUS(
        ff_writer_open(scratch_path("refused", path, sizeof path), schema, &options, &writer, &err),
        FF_ERR_INVALID_ARGUMENT);
    EXPECT_TRUE(writer == NULL);
    ff_schema_free(schema);
}

/* ---- exactness ---- */

static const col_def edge_cols[] = {
    {"i64", FF_PHYSICAL_INT64, GEN_EDGE, 0, false},
    {"i64_nulls", FF_PHYSICAL_INT64, GEN_EDGE, 30, true},
    {"i32", FF_PHYSICAL_INT32, GEN_EDGE, 0, false},
    {"i32_nulls", FF_PHYSICAL_INT32, GEN_EDGE, 30, true},
    {"f64", FF_PHYSICAL_DOUBLE, GEN_EDGE, 0, false},
    {"f64_nulls", FF_PHYSICAL_DOUBLE, GEN_EDGE, 30, true},
    {"f32", FF_PHYSICAL_FLOAT, GEN_EDGE, 0, false},
    {"f32_nulls", FF_PHYSICAL_FLOAT, GEN_EDGE, 30, true},
    {"i64_dict", FF_PHYSICAL_INT64, GEN_DICT_THEN_EDGE, 0, false},
    {"f64_dict", FF_PHYSICAL_DOUBLE, GEN_DICT_THEN_EDGE, 10, false},
    {"i64_all_null", FF_PHYSICAL_INT64, GEN_COUNTER, 100, false},
    {"f32_all_null", FF_PHYSICAL_FLOAT, GEN_NOISE, 100, false},
};
#define NUM_EDGE_COLS 12
#define EDGE_RG_ROWS  2000

FF_TEST(edge_values_round_trip_in_delta_and_split_pages) {
    ff_schema *schema = make_schema(edge_cols, NUM_EDGE_COLS, ff_test_failures);
    if (!schema)
        return;
    ff_batch batch;
    make_batch(schema, edge_cols, NUM_EDGE_COLS, 5 * EDGE_RG_ROWS + 321, EDGE_RG_ROWS, 3, &batch,
               ff_test_failures);
    for (int version = 1; version <= 2; version++)
        for (int dict = 0; dict <= 1; dict++) {
            ff_writer_options options;
            ff_writer_options_init(&options);
            options.data_page_version = version;
            options.page_rows = 97;
            options.row_group_rows = EDGE_RG_ROWS;
            options.use_dictionary = dict;
            /* The first page (four values, then the series) keeps the dictionary; the series
             * overflows it early in the second page, which then gets the chosen encoding. */
            options.dictionary_page_bytes = 200;
            char name[64];
            snprintf(name, sizeof name, "edges-v%d-dict%d", version, dict);
            ff_reader *reader = NULL;
            write_and_compare(name, schema, &batch, &options, &reader, ff_test_failures);
            for (int32_t rg = 0; reader && rg < ff_reader_num_row_groups(reader); rg++)
                for (int col = 0; col < NUM_EDGE_COLS; col++) {
                    const col_def *c = &edge_cols[col];
                    const ff_pq_column_chunk *chunk = chunk_of(reader, rg, col);
                    bool is_int =
                        c->physical == FF_PHYSICAL_INT32 || c->physical == FF_PHYSICAL_INT64;
                    int32_t want = is_int ? FF_ENC_DELTA_BINARY_PACKED : FF_ENC_BYTE_STREAM_SPLIT;
                    bool listed = chunk_lists(chunk, want);
                    /* Without dictionary the four repeated values decide: either way is right. */
                    if (c->gen == GEN_DICT_THEN_EDGE && !dict)
                        continue;
                    if (c->null_pct == 100 ? listed : !listed)
                        FF_FAIL_AT("%s: row group %d: %s %s encoding %d", name, rg, c->name,
                                   listed ? "lists" : "does not list", want);
                    /* Pages of the null stretch hold no values and are PLAIN. */
                    if (c->null_stretch && ff_reader_row_group_num_rows(reader, rg) > 700 &&
                        !chunk_lists(chunk, FF_ENC_PLAIN))
                        FF_FAIL_AT("%s: row group %d: %s lists no PLAIN page", name, rg, c->name);
                    if (c->gen == GEN_DICT_THEN_EDGE && dict &&
                        !chunk_lists(chunk, FF_ENC_RLE_DICTIONARY))
                        FF_FAIL_AT("%s: row group %d: %s has no dictionary pages", name, rg,
                                   c->name);
                }
            ff_reader_free(reader);
            remove_file(name);
        }
    ff_batch_free(&batch);
    ff_schema_free(schema);
}

/* One row, and one value per chunk: a stream of a single value (DELTA_BINARY_PACKED has a
 * header and no blocks) or whichever encoding the tiny sample favours. */
FF_TEST(one_row_files_round_trip) {
    ff_schema *schema = make_schema(edge_cols, NUM_EDGE_COLS, ff_test_failures);
    if (!schema)
        return;
    for (int version = 1; version <= 2; version++) {
        ff_batch batch;
        make_batch(schema, edge_cols, NUM_EDGE_COLS, 1, 1, 4 + (uint64_t)version, &batch,
                   ff_test_failures);
        ff_writer_options options;
        ff_writer_options_init(&options);
        options.data_page_version = version;
        options.use_dictionary = false;
        ff_reader *reader = NULL;
        write_and_compare(version == 1 ? "one-row-v1" : "one-row-v2", schema, &batch, &options,
                          &reader, ff_test_failures);
        ff_reader_free(reader);
        remove_file(version == 1 ? "one-row-v1" : "one-row-v2");
        ff_batch_free(&batch);
    }
    ff_schema_free(schema);
}

/* Last case: removes the (by then empty) scratch folder. */
FF_TEST(remove_scratch_folder) {
    (void)ff_test_failures;
    remove_file("refused");
    if (scratch_dir[0] && strcmp(scratch_dir, "/tmp") != 0)
        rmdir(scratch_dir);
}

FF_TEST_MAIN(FF_CASE(auto_picks_delta_for_series_split_for_noise_and_keeps_grid_prices),
             FF_CASE(uncompressed_keeps_floats_plain), FF_CASE(unknown_value_encoding_is_refused),
             FF_CASE(edge_values_round_trip_in_delta_and_split_pages),
             FF_CASE(one_row_files_round_trip), FF_CASE(remove_scratch_folder))
