/* Unit tests of the ops layer's helpers (src/ops/ops_vector.c, ops_schema.c) and of the
 * library API end to end on a scratch dataset written with the writer: gathering and merging
 * vectors with nulls and strings, key encodings that agree across drifted types, partition
 * directory text, the key map, the schema union's widening and refusals, and ff_dataset_delete /
 * ff_dataset_update / ff_dataset_dedup with their statistics, untouched files and dry runs. */
#include "ff_test.h"

#include "ops/ops_internal.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

static ff_type int_type(ff_physical_type physical) {
    ff_type type = {.physical = physical};
    return type;
}

static ff_type string_type(void) {
    ff_type type = {.physical = FF_PHYSICAL_BYTE_ARRAY, .logical = FF_LOGICAL_STRING};
    return type;
}

/* Builds a vector of int64 values; INT64_MIN stands for NULL. */
static void make_i64(ff_vector *vec, const int64_t *values, int64_t count) {
    ff_type type = int_type(FF_PHYSICAL_INT64);
    ff_vector_init(vec, &type);
    ff_error err;
    for (int64_t idx = 0; idx < count; idx++) {
        if (values[idx] == INT64_MIN) {
            ops_vector_append_nulls(vec, 1, &err);
            continue;
        }
        ff_vector one;
        ff_vector_init(&one, &type);
        one.values = (uint8_t *)(uintptr_t)&values[idx];
        one.length = 1;
        ops_vector_append(vec, &one, NULL, 1, &err);
    }
}

static void make_strings(ff_vector *vec, const char *const *values, int64_t count) {
    ff_type type = string_type();
    ff_vector_init(vec, &type);
    ff_error err;
    for (int64_t idx = 0; idx < count; idx++) {
        if (!values[idx]) {
            ops_vector_append_nulls(vec, 1, &err);
            continue;
        }
        int64_t offsets[2] = {0, (int64_t)strlen(values[idx])};
        ff_vector one;
        ff_vector_init(&one, &type);
        one.values = (uint8_t *)(uintptr_t)values[idx];
        one.offsets = offsets;
        one.length = 1;
        ops_vector_append(vec, &one, NULL, 1, &err);
    }
}

static int64_t i64_at(const ff_vector *vec, int64_t row) {
    int64_t v;
    memcpy(&v, vec->values + row * 8, 8);
    return v;
}

static const char *string_at(const ff_vector *vec, int64_t row, char *buf) {
    int64_t len = vec->offsets[row + 1] - vec->offsets[row];
    memcpy(buf, vec->values + vec->offsets[row], (size_t)len);
    buf[len] = '\0';
    return buf;
}

FF_TEST(append_gathers_rows_with_nulls) {
    int64_t values[] = {1, INT64_MIN, 3, 4, INT64_MIN};
    ff_vector src, dst;
    make_i64(&src, values, 5);
    EXPECT_EQ_INT(src.null_count, 2);
    ff_vector_init(&dst, NULL);
    uint32_t rows[] = {4, 0, 3};
    ff_error err;
    EXPECT_OK(ops_vector_append(&dst, &src, rows, 3, &err), &err);
    EXPECT_EQ_INT(dst.length, 3);
    EXPECT_TRUE(ff_vector_is_null(&dst, 0));
    EXPECT_EQ_INT(i64_at(&dst, 1), 1);
    EXPECT_EQ_INT(i64_at(&dst, 2), 4);
    EXPECT_EQ_INT(dst.null_count, 1);
    ff_vector_free(&src);
    ff_vector_free(&dst);
}

FF_TEST(merge_replaces_selected_strings) {
    const char *old_values[] = {"a", NULL, "ccc", "d"};
    const char *new_values[] = {"X", "YY"};
    ff_vector old_vec, new_vec, out;
    make_strings(&old_vec, old_values, 4);
    make_strings(&new_vec, new_values, 2);
    ff_vector_init(&out, NULL);
    uint32_t rows[] = {1, 3};
    ff_error err;
    EXPECT_OK(ops_vector_merge(&out, &old_vec, &new_vec, rows, 2, &err), &err);
    char buf[16];
    EXPECT_EQ_INT(out.length, 4);
    EXPECT_EQ_STR(string_at(&out, 0, buf), "a");
    EXPECT_EQ_STR(string_at(&out, 1, buf), "X");
    EXPECT_EQ_STR(string_at(&out, 2, buf), "ccc");
    EXPECT_EQ_STR(string_at(&out, 3, buf), "YY");
    EXPECT_TRUE(!ff_vector_is_null(&out, 1));
    ff_vector_free(&old_vec);
    ff_vector_free(&new_vec);
    ff_vector_free(&out);
}

FF_TEST(keys_agree_across_drifted_types) {
    ff_type t32 = int_type(FF_PHYSICAL_INT32), t64 = int_type(FF_PHYSICAL_INT64);
    int32_t v32 = -7;
    int64_t v64 = -7;
    ff_vector a, b;
    ff_vector_init(&a, &t32);
    ff_vector_init(&b, &t64);
    a.values = (uint8_t *)&v32;
    a.length = 1;
    b.values = (uint8_t *)&v64;
    b.length = 1;
    EXPECT_TRUE(ops_vector_slot_equal(&a, 0, &b, 0));
    ff_buf ka, kb;
    ff_buf_init(&ka, 0);
    ff_buf_init(&kb, 0);
    ff_error err;
    EXPECT_OK(ops_key_append(&ka, &a, 0, &err), &err);
    EXPECT_OK(ops_key_append(&kb, &b, 0, &err), &err);
    EXPECT_EQ_INT(ka.len, kb.len);
    EXPECT_TRUE(!memcmp(ka.data, kb.data, ka.len));
    /* NaNs key alike, and -0.0 like 0.0. */
    ff_type tf = int_type(FF_PHYSICAL_FLOAT), td = int_type(FF_PHYSICAL_DOUBLE);
    float nan_f = NAN;
    double nan_d = -NAN, zero = 0.0, minus_zero = -0.0;
    ff_vector f, d;
    ff_vector_init(&f, &tf);
    ff_vector_init(&d, &td);
    f.values = (uint8_t *)&nan_f;
    f.length = 1;
    d.values = (uint8_t *)&nan_d;
    d.length = 1;
    ff_buf_reset(&ka);
    ff_buf_reset(&kb);
    EXPECT_OK(ops_key_append(&ka, &f, 0, &err), &err);
    EXPECT_OK(ops_key_append(&kb, &d, 0, &err), &err);
    EXPECT_TRUE(ka.len == kb.len && !memcmp(ka.data, kb.data, ka.len));
    d.values = (uint8_t *)&zero;
    ff_buf_reset(&ka);
    EXPECT_OK(ops_key_append(&ka, &d, 0, &err), &err);
    d.values = (uint8_t *)&minus_zero;
    ff_buf_reset(&kb);
    EXPECT_OK(ops_key_append(&kb, &d, 0, &err), &err);
    EXPECT_TRUE(ka.len == kb.len && !memcmp(ka.data, kb.data, ka.len));
    ff_buf_free(&ka);
    ff_buf_free(&kb);
    /* The column hashes agree on the same pairs. */
    uint64_t ha, hb;
    ops_key_hash_column(&a, 1, &ha, true);
    ops_key_hash_column(&b, 1, &hb, true);
    EXPECT_TRUE(ha == hb);
    ops_key_hash_column(&f, 1, &ha, true);
    d.values = (uint8_t *)&nan_d;
    ops_key_hash_column(&d, 1, &hb, true);
    EXPECT_TRUE(ha == hb);
    d.values = (uint8_t *)&zero;
    ops_key_hash_column(&d, 1, &ha, true);
    d.values = (uint8_t *)&minus_zero;
    ops_key_hash_column(&d, 1, &hb, true);
    EXPECT_TRUE(ha == hb);
}

/* Over random two-column keys (INT32 or INT64 ids, strings with nulls and empties): rows that
 * ops_vector_slot_equal calls equal in every column hash alike, and distinct keys almost never
 * collide. */
FF_TEST(key_hashes_follow_slot_equality) {
    enum { ROWS = 4000 };
    ff_type t32 = int_type(FF_PHYSICAL_INT32), t64 = int_type(FF_PHYSICAL_INT64);
    int32_t ids32[ROWS];
    int64_t ids64[ROWS];
    const char *names[] = {"a", "b", "", NULL, "BTC-USD", "ETH-USD"};
    const char *strings[ROWS];
    uint64_t state = 12345;
    for (int idx = 0; idx < ROWS; idx++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        ids32[idx] = (int32_t)((state >> 33) % 50) - 25;
        ids64[idx] = ids32[idx];
        strings[idx] = names[(state >> 20) % 6];
    }
    ff_vector a32, a64, s;
    ff_vector_init(&a32, &t32);
    a32.values = (uint8_t *)ids32;
    a32.length = ROWS;
    ff_vector_init(&a64, &t64);
    a64.values = (uint8_t *)ids64;
    a64.length = ROWS;
    make_strings(&s, strings, ROWS);
    static uint64_t h1[ROWS], h2[ROWS];
    ops_key_hash_column(&a32, ROWS, h1, true);
    ops_key_hash_column(&s, ROWS, h1, false);
    ops_key_hash_column(&a64, ROWS, h2, true);
    ops_key_hash_column(&s, ROWS, h2, false);
    int64_t equal_pairs = 0, collisions = 0;
    for (int x = 0; x < ROWS; x++) {
        EXPECT_TRUE(h1[x] == h2[x]); /* INT32 and INT64 ids hash alike */
        for (int y = x + 1; y < ROWS; y += 13) {
            bool equal =
                ops_vector_slot_equal(&a32, x, &a64, y) && ops_vector_slot_equal(&s, x, &s, y);
            if (equal) {
                equal_pairs++;
                EXPECT_TRUE(h1[x] == h2[y]);
            } else if (h1[x] == h2[y]) {
                collisions++;
            }
        }
    }
    EXPECT_TRUE(equal_pairs > 100);
    EXPECT_EQ_INT(collisions, 0);
    ff_vector_free(&s);
}

/* The radix sort orders 4- and 8-byte keys like a comparison sort and keeps equal keys in
 * their input order (stable), as the upsert's index relies on. */
FF_TEST(radix_sort_is_ordered_and_stable) {
    enum { COUNT = 5000 };
    typedef struct record {
        uint64_t key;
        uint32_t order;
        uint32_t narrow;
    } record;
    static record records[COUNT];
    static uint32_t narrow[COUNT], narrow_scratch[COUNT];
    uint64_t state = 99;
    for (uint32_t idx = 0; idx < COUNT; idx++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        /* Few distinct high keys, so equal keys are common. */
        records[idx].key = (state >> 60) << 40 | (state >> 50 & 3);
        records[idx].order = idx;
        records[idx].narrow = (uint32_t)(state >> 17);
        narrow[idx] = records[idx].narrow;
    }
    ff_error err;
    EXPECT_OK(ops_radix_sort(records, COUNT, sizeof *records, 0, 8, NULL, &err), &err);
    for (int idx = 1; idx < COUNT; idx++) {
        EXPECT_TRUE(records[idx - 1].key <= records[idx].key);
        if (records[idx - 1].key == records[idx].key)
            EXPECT_TRUE(records[idx - 1].order < records[idx].order);
    }
    /* The narrow sort runs in the caller's scratch, the wide one in its own. */
    EXPECT_OK(ops_radix_sort(narrow, COUNT, sizeof *narrow, 0, 4, narrow_scratch, &err), &err);
    for (int idx = 1; idx < COUNT; idx++)
        EXPECT_TRUE(narrow[idx - 1] <= narrow[idx]);
}

/* Spill blocks read back exactly what was appended: int64 values with nulls and strings with
 * nulls and empties, for rows in one run, in long runs, scattered, and none at all; blocks
 * read in any order, into reused vectors. */
FF_TEST(spill_blocks_round_trip) {
    enum { ROWS = 3000 };
    int64_t ints[ROWS];
    const char *strings[ROWS];
    const char *names[] = {"alpha", "", NULL, "a much longer string value", "z"};
    for (int idx = 0; idx < ROWS; idx++) {
        ints[idx] = idx % 7 == 0 ? INT64_MIN : (int64_t)idx * 1000003;
        strings[idx] = names[idx % 5];
    }
    ff_batch batch;
    ff_error err;
    EXPECT_OK(ff_batch_init(&batch, 2, &err), &err);
    make_i64(&batch.columns[0], ints, ROWS);
    make_strings(&batch.columns[1], strings, ROWS);
    batch.num_rows = ROWS;
    ff_type types[2] = {batch.columns[0].type, batch.columns[1].type};
    ops_spill *spill = NULL;
    EXPECT_OK(ops_spill_create(types, 2, &spill, &err), &err);
    static uint32_t runs[ROWS], scattered[ROWS];
    int64_t num_runs = 0, num_scattered = 0;
    for (int idx = 0; idx < ROWS; idx++) {
        if ((idx / 500) % 2 == 0)
            runs[num_runs++] = (uint32_t)idx; /* three runs of 500 */
        if (idx % 3 == 1)
            scattered[num_scattered++] = (uint32_t)idx;
    }
    const uint32_t *row_sets[4] = {NULL, runs, scattered, runs};
    int64_t counts[4] = {ROWS, num_runs, num_scattered, 0};
    int64_t blocks[4];
    for (int set = 0; set < 4; set++)
        EXPECT_OK(ops_spill_append(spill, &batch, row_sets[set], counts[set], &blocks[set], &err),
                  &err);
    ff_batch back;
    EXPECT_OK(ff_batch_init(&back, 0, &err), &err);
    for (int pass = 3; pass >= 0; pass--) {
        int set = pass == 0 ? 2 : pass; /* read out of order, one block twice */
        EXPECT_OK(ops_spill_read(spill, blocks[set], &back, &err), &err);
        EXPECT_EQ_INT(back.num_rows, counts[set]);
        for (int64_t idx = 0; idx < counts[set]; idx++) {
            int64_t row = row_sets[set] ? row_sets[set][idx] : idx;
            EXPECT_TRUE(ops_vector_slot_equal(&back.columns[0], idx, &batch.columns[0], row));
            EXPECT_TRUE(ops_vector_slot_equal(&back.columns[1], idx, &batch.columns[1], row));
        }
    }
    ff_batch_free(&back);
    ops_spill_free(spill);
    ff_batch_free(&batch);
}

FF_TEST(partition_text_and_scalar_round_trip) {
    ff_type date = {.physical = FF_PHYSICAL_INT32, .logical = FF_LOGICAL_DATE};
    int32_t days = 20418; /* 2025-11-26 */
    ff_vector vec;
    ff_vector_init(&vec, &date);
    vec.values = (uint8_t *)&days;
    vec.length = 1;
    ff_buf text;
    ff_buf_init(&text, 0);
    bool is_null = true;
    ff_error err;
    EXPECT_OK(ops_partition_text(&vec, 0, &text, &is_null, &err), &err);
    EXPECT_TRUE(!is_null);
    EXPECT_EQ_INT(text.len, 10);
    EXPECT_TRUE(!memcmp(text.data, "2025-11-26", 10));
    ff_partition_value value = {(const uint8_t *)"2025-11-26", 10, false};
    ff_scalar scalar;
    EXPECT_TRUE(ops_partition_scalar(&date, &value, &scalar));
    EXPECT_EQ_INT(scalar.i64, 20418);
    ff_type i32 = int_type(FF_PHYSICAL_INT32);
    ff_partition_value bad = {(const uint8_t *)"12x", 3, false};
    EXPECT_TRUE(!ops_partition_scalar(&i32, &bad, &scalar));
    ff_partition_value null_value = {NULL, 0, true};
    EXPECT_TRUE(ops_partition_scalar(&i32, &null_value, &scalar) && scalar.is_null);
    ff_buf_free(&text);
}

FF_TEST(key_map_finds_what_it_holds) {
    ops_keymap map;
    ops_keymap_init(&map);
    ff_error err;
    for (int64_t idx = 0; idx < 5000; idx++) {
        char key[32];
        int len = snprintf(key, sizeof key, "k%lld", (long long)idx);
        ops_keymap_entry *entry = NULL;
        bool is_new = false;
        EXPECT_OK(ops_keymap_upsert(&map, (const uint8_t *)key, (size_t)len, &entry, &is_new, &err),
                  &err);
        EXPECT_TRUE(is_new);
        entry->a = idx;
    }
    EXPECT_EQ_INT(map.count, 5000);
    for (int64_t idx = 0; idx < 5000; idx += 7) {
        char key[32];
        int len = snprintf(key, sizeof key, "k%lld", (long long)idx);
        ops_keymap_entry *entry = ops_keymap_find(&map, (const uint8_t *)key, (size_t)len);
        EXPECT_TRUE(entry && entry->a == idx);
    }
    EXPECT_TRUE(ops_keymap_find(&map, (const uint8_t *)"nope", 4) == NULL);
    ops_keymap_free(&map);
    ff_buf quoted;
    ff_buf_init(&quoted, 0);
    EXPECT_OK(ops_quote_name("a\"b", &quoted, &err), &err);
    EXPECT_EQ_STR((const char *)quoted.data, "\"a\"\"b\"");
    ff_buf_free(&quoted);
}

FF_TEST(schema_union_widens_and_refuses) {
    ops_schema a, b, u;
    ops_schema_init(&a);
    ops_schema_init(&b);
    ops_schema_init(&u);
    ff_error err;
    ff_type i32 = int_type(FF_PHYSICAL_INT32), i64 = int_type(FF_PHYSICAL_INT64),
            str = string_type();
    EXPECT_OK(ops_schema_add(&a, "id", &i32, &err), &err);
    EXPECT_OK(ops_schema_add(&a, "s", &str, &err), &err);
    EXPECT_OK(ops_schema_add(&b, "id", &i64, &err), &err);
    EXPECT_OK(ops_schema_add(&b, "extra", &str, &err), &err);
    ff_schema *ta = NULL, *tb = NULL, *tc = NULL;
    int32_t all[] = {0, 1};
    EXPECT_OK(ops_schema_tree(NULL, &a, all, 2, &ta, &err), &err);
    EXPECT_OK(ops_schema_tree(NULL, &b, all, 2, &tb, &err), &err);
    EXPECT_OK(ops_schema_merge(&u, ta, "a.parquet", &err), &err);
    EXPECT_OK(ops_schema_merge(&u, tb, "b.parquet", &err), &err);
    EXPECT_EQ_INT(u.num_fields, 3);
    EXPECT_EQ_INT(u.fields[ops_schema_find(&u, "id")].type.physical, FF_PHYSICAL_INT64);
    EXPECT_TRUE(ops_schema_find(&u, "extra") == 2);
    /* A string where an integer was: refused, naming the column and both files. */
    ops_schema c;
    ops_schema_init(&c);
    EXPECT_OK(ops_schema_add(&c, "id", &str, &err), &err);
    EXPECT_OK(ops_schema_tree(NULL, &c, all, 1, &tc, &err), &err);
    EXPECT_STATUS(ops_schema_merge(&u, tc, "c.parquet", &err), FF_ERR_SCHEMA);
    EXPECT_TRUE(strstr(err.message, "'id'") && strstr(err.message, "c.parquet"));
    ff_schema_free(ta);
    ff_schema_free(tb);
    ff_schema_free(tc);
    ops_schema_free(&a);
    ops_schema_free(&b);
    ops_schema_free(&c);
    ops_schema_free(&u);
}

/* ---- The library API on a scratch dataset ----------------------------------------------- */

/* Writes ROOT/p=<p>/<name> with columns p (string) and v (int64) = first..first+count-1. */
static void write_file_step(const char *root, const char *p, const char *name, int64_t first,
                            int64_t count, int64_t step, bool with_bloom, int *ff_test_failures) {
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/p=%s", root, p);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ops_schema flat;
    ops_schema_init(&flat);
    ff_error err;
    ff_type str = string_type(), i64 = int_type(FF_PHYSICAL_INT64);
    ops_schema_add(&flat, "p", &str, &err);
    ops_schema_add(&flat, "v", &i64, &err);
    int32_t all[] = {0, 1};
    ff_schema *tree = NULL;
    EXPECT_OK(ops_schema_tree(NULL, &flat, all, 2, &tree, &err), &err);
    ff_writer *writer = NULL;
    ff_writer_options wopts;
    ff_writer_options_init(&wopts);
    const char *bloom_columns[] = {"v"};
    if (with_bloom) {
        wopts.bloom_filter_columns = bloom_columns;
        wopts.num_bloom_filter_columns = 1;
    }
    EXPECT_OK(ff_writer_open(path, tree, &wopts, &writer, &err), &err);
    ff_batch batch;
    ff_batch_init(&batch, 2, &err);
    const char **ps = calloc((size_t)count, sizeof *ps);
    int64_t *vs = calloc((size_t)count, sizeof *vs);
    for (int64_t idx = 0; idx < count; idx++) {
        ps[idx] = p;
        vs[idx] = first + idx * step;
    }
    make_strings(&batch.columns[0], ps, count);
    make_i64(&batch.columns[1], vs, count);
    batch.num_rows = count;
    EXPECT_OK(ff_writer_write_batch(writer, &batch, &err), &err);
    EXPECT_OK(ff_writer_close(writer, &err), &err);
    ff_writer_free(writer);
    ff_batch_free(&batch);
    ff_schema_free(tree);
    ops_schema_free(&flat);
    free(ps);
    free(vs);
}

static void write_file(const char *root, const char *p, const char *name, int64_t first,
                       int64_t count, int *ff_test_failures) {
    write_file_step(root, p, name, first, count, 1, false, ff_test_failures);
}

static uint64_t inode_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

FF_TEST(api_delete_update_dedup_on_a_scratch_dataset) {
    char root[] = "/tmp/ff_ops_test_XXXXXX";
    if (!mkdtemp(root)) {
        FF_FAIL_AT("mkdtemp failed");
        return;
    }
    write_file(root, "a", "f1.parquet", 0, 100, ff_test_failures);
    write_file(root, "a", "f2.parquet", 100, 100, ff_test_failures);
    write_file(root, "b", "f1.parquet", 0, 50, ff_test_failures);
    char untouched[600];
    snprintf(untouched, sizeof untouched, "%s/p=b/f1.parquet", root);
    uint64_t inode = inode_of(untouched);

    ff_error err;
    ff_ops_stats stats;
    ff_delete_options del;
    ff_delete_options_init(&del);
    del.common.threads = 2;
    del.where = "p = 'a' AND v >= 150";
    del.common.dry_run = true;
    EXPECT_OK(ff_dataset_delete(root, &del, &stats, &err), &err);
    EXPECT_EQ_INT(stats.rows_deleted, 50);
    EXPECT_EQ_INT(stats.transactions, 0);
    del.common.dry_run = false;
    EXPECT_OK(ff_dataset_delete(root, &del, &stats, &err), &err);
    EXPECT_EQ_INT(stats.rows_deleted, 50);
    EXPECT_EQ_INT(stats.files_rewritten, 1);
    EXPECT_EQ_INT(stats.files_scanned, 2); /* p=b pruned by its directory */
    EXPECT_EQ_INT(stats.transactions, 1);
    EXPECT_EQ_INT(inode_of(untouched), inode);

    /* Nothing matches: nothing is committed. */
    del.where = "v < 0";
    EXPECT_OK(ff_dataset_delete(root, &del, &stats, &err), &err);
    EXPECT_EQ_INT(stats.rows_deleted, 0);
    EXPECT_EQ_INT(stats.transactions, 0);

    /* An update that moves rows to a new partition. */
    ff_update_options upd;
    ff_update_options_init(&upd);
    ff_assignment set = {"p", "'c'"};
    upd.assignments = &set;
    upd.num_assignments = 1;
    upd.where = "v % 10 = 0";
    EXPECT_OK(ff_dataset_update(root, &upd, &stats, &err), &err);
    EXPECT_EQ_INT(stats.rows_updated, 15 + 5);
    EXPECT_EQ_INT(stats.rows_moved, 20);
    char moved_dir[600];
    snprintf(moved_dir, sizeof moved_dir, "%s/p=c", root);
    struct stat st;
    EXPECT_TRUE(stat(moved_dir, &st) == 0 && S_ISDIR(st.st_mode));

    /* A type the column cannot hold is refused before anything is written. */
    ff_assignment bad = {"v", "'text'"};
    upd.assignments = &bad;
    upd.where = NULL;
    EXPECT_STATUS(ff_dataset_update(root, &upd, &stats, &err), FF_ERR_EXPR_TYPE);

    /* Dedup on p keeps one row per partition: the largest v. */
    ff_dedup_options dd;
    ff_dedup_options_init(&dd);
    const char *keys[] = {"p"};
    dd.keys = keys;
    dd.num_keys = 1;
    dd.order_by = "v";
    dd.keep_last = true;
    EXPECT_OK(ff_dataset_dedup(root, &dd, &stats, &err), &err);
    EXPECT_EQ_INT(stats.rows_removed, (135 - 1) + (45 - 1) + (20 - 1));

    char command[700];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    EXPECT_TRUE(system(command) == 0);
}

FF_TEST(upsert_skips_row_groups_by_statistics_and_bloom_filters) {
    char root[] = "/tmp/ff_ops_test_XXXXXX";
    if (!mkdtemp(root)) {
        FF_FAIL_AT("mkdtemp failed");
        return;
    }
    char ds[600], input_dir[600];
    snprintf(ds, sizeof ds, "%s/ds", root);
    snprintf(input_dir, sizeof input_dir, "%s/in", root);
    mkdir(ds, 0755);
    mkdir(input_dir, 0755);
    /* Even values 0..198 with a bloom filter on v; the input holds odd values inside that
     * range (only the bloom filter can rule them out) and one value beyond it. */
    write_file_step(ds, "a", "f.parquet", 0, 100, 2, true, ff_test_failures);
    write_file_step(input_dir, "a", "odd.parquet", 51, 2, 2, false, ff_test_failures);
    char input[700];
    snprintf(input, sizeof input, "%s/p=a/odd.parquet", input_dir);
    ff_upsert_options up;
    ff_upsert_options_init(&up);
    const char *keys[] = {"v"};
    up.keys = keys;
    up.num_keys = 1;
    up.from_path = input;
    ff_ops_stats stats;
    ff_error err;
    up.common.dry_run = true;
    EXPECT_OK(ff_dataset_upsert(ds, &up, &stats, &err), &err);
    EXPECT_EQ_INT(stats.rows_inserted, 2);
    EXPECT_EQ_INT(stats.row_groups_skipped, 1);
    EXPECT_EQ_INT(stats.files_rewritten, 0);
    /* An even value is a match (unchanged: the input has no other column). */
    write_file_step(input_dir, "a", "even.parquet", 50, 1, 2, false, ff_test_failures);
    snprintf(input, sizeof input, "%s/p=a/even.parquet", input_dir);
    up.from_path = input;
    EXPECT_OK(ff_dataset_upsert(ds, &up, &stats, &err), &err);
    EXPECT_EQ_INT(stats.rows_unchanged, 1);
    EXPECT_EQ_INT(stats.row_groups_skipped, 0);
    char command[700];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    EXPECT_TRUE(system(command) == 0);
}

FF_TEST_MAIN(FF_CASE(append_gathers_rows_with_nulls), FF_CASE(merge_replaces_selected_strings),
             FF_CASE(keys_agree_across_drifted_types), FF_CASE(key_hashes_follow_slot_equality),
             FF_CASE(radix_sort_is_ordered_and_stable), FF_CASE(spill_blocks_round_trip),
             FF_CASE(partition_text_and_scalar_round_trip), FF_CASE(key_map_finds_what_it_holds),
             FF_CASE(schema_union_widens_and_refuses),
             FF_CASE(api_delete_update_dedup_on_a_scratch_dataset),
             FF_CASE(upsert_skips_row_groups_by_statistics_and_bloom_filters))
