/* Unit tests of the layout operations (src/ops/compact.c, repartition.c) through the library
 * API on scratch datasets written with the writer, and of the slot ordering compact --sort-by
 * uses (ops_vector_compare): which files compaction merges and which it leaves (inode kept),
 * the statistics of a dry run and a real run, repartition's derived partitions, and the
 * refusals that must leave everything as it was. */
#include "ff_test.h"

#include "ops/ops_internal.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

/* Appends one fixed-width value (NULL when value is NULL) to vec. */
static void append_fixed(ff_vector *vec, const void *value, int *ff_test_failures) {
    ff_error err;
    if (!value) {
        EXPECT_OK(ops_vector_append_nulls(vec, 1, &err), &err);
        return;
    }
    ff_vector one;
    ff_vector_init(&one, &vec->type);
    one.values = (uint8_t *)(uintptr_t)value;
    one.length = 1;
    EXPECT_OK(ops_vector_append(vec, &one, NULL, 1, &err), &err);
}

static void append_bytes(ff_vector *vec, const char *bytes, int64_t len, int *ff_test_failures) {
    ff_error err;
    if (!bytes) {
        EXPECT_OK(ops_vector_append_nulls(vec, 1, &err), &err);
        return;
    }
    int64_t offsets[2] = {0, len};
    ff_vector one;
    ff_vector_init(&one, &vec->type);
    one.values = (uint8_t *)(uintptr_t)bytes;
    one.offsets = offsets;
    one.length = 1;
    EXPECT_OK(ops_vector_append(vec, &one, NULL, 1, &err), &err);
}

FF_TEST(compare_orders_values_nulls_last) {
    /* Signed and unsigned INT32. */
    ff_type i32 = {.physical = FF_PHYSICAL_INT32};
    ff_type u32 = {.physical = FF_PHYSICAL_INT32,
                   .logical = FF_LOGICAL_INT,
                   .int_bit_width = 32,
                   .int_is_signed = false};
    int32_t minus_one = -1, one = 1;
    ff_vector vec;
    ff_vector_init(&vec, &i32);
    append_fixed(&vec, &minus_one, ff_test_failures);
    append_fixed(&vec, &one, ff_test_failures);
    append_fixed(&vec, NULL, ff_test_failures);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 0, 1), -1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 1, 0), 1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 2, 1), 1); /* NULL last */
    EXPECT_EQ_INT(ops_vector_compare(&vec, 2, 2), 0);
    vec.type = u32; /* 0xffffffff is the largest unsigned value */
    EXPECT_EQ_INT(ops_vector_compare(&vec, 0, 1), 1);
    ff_vector_free(&vec);

    /* Doubles: NaN after every number, before NULL. */
    ff_type f64 = {.physical = FF_PHYSICAL_DOUBLE};
    double values[] = {2.5, -INFINITY, NAN};
    ff_vector_init(&vec, &f64);
    for (int idx = 0; idx < 3; idx++)
        append_fixed(&vec, &values[idx], ff_test_failures);
    append_fixed(&vec, NULL, ff_test_failures);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 1, 0), -1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 2, 0), 1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 2, 2), 0);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 3, 2), 1);
    ff_vector_free(&vec);

    /* Strings bytewise, a prefix first; the empty string before everything. */
    ff_type str = {.physical = FF_PHYSICAL_BYTE_ARRAY, .logical = FF_LOGICAL_STRING};
    ff_vector_init(&vec, &str);
    append_bytes(&vec, "ab", 2, ff_test_failures);
    append_bytes(&vec, "a", 1, ff_test_failures);
    append_bytes(&vec, "b", 1, ff_test_failures);
    append_bytes(&vec, "", 0, ff_test_failures);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 1, 0), -1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 0, 2), -1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 3, 1), -1);
    ff_vector_free(&vec);

    /* Decimals as BYTE_ARRAY: signed big-endian of any length (-1 < 1 < 256). */
    ff_type dec = {.physical = FF_PHYSICAL_BYTE_ARRAY,
                   .logical = FF_LOGICAL_DECIMAL,
                   .precision = 10,
                   .scale = 2};
    ff_vector_init(&vec, &dec);
    append_bytes(&vec, "\xff", 1, ff_test_failures);
    append_bytes(&vec, "\x00\x01", 2, ff_test_failures);
    append_bytes(&vec, "\x01\x00", 2, ff_test_failures);
    append_bytes(&vec, "\xff\xff\xfe", 3, ff_test_failures); /* -2 */
    EXPECT_EQ_INT(ops_vector_compare(&vec, 0, 1), -1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 1, 2), -1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 3, 0), -1);
    EXPECT_EQ_INT(ops_vector_compare(&vec, 2, 3), 1);
    ff_vector_free(&vec);
}

/* ---- The library API on a scratch dataset ----------------------------------------------- */

/* Writes ROOT/p=<p>/<name> with columns p (string) and v (int64) = first..first+count-1. */
static void write_file(const char *root, const char *p, const char *name, int64_t first,
                       int64_t count, int *ff_test_failures) {
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/p=%s", root, p);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ops_schema flat;
    ops_schema_init(&flat);
    ff_error err;
    ff_type str = {.physical = FF_PHYSICAL_BYTE_ARRAY, .logical = FF_LOGICAL_STRING};
    ff_type i64 = {.physical = FF_PHYSICAL_INT64};
    ops_schema_add(&flat, "p", &str, &err);
    ops_schema_add(&flat, "v", &i64, &err);
    int32_t all[] = {0, 1};
    ff_schema *tree = NULL;
    EXPECT_OK(ops_schema_tree(NULL, &flat, all, 2, &tree, &err), &err);
    ff_writer *writer = NULL;
    ff_writer_options wopts;
    ff_writer_options_init(&wopts);
    EXPECT_OK(ff_writer_open(path, tree, &wopts, &writer, &err), &err);
    ff_batch batch;
    ff_batch_init(&batch, 2, &err);
    ff_vector_init(&batch.columns[0], &str);
    ff_vector_init(&batch.columns[1], &i64);
    for (int64_t idx = 0; idx < count; idx++) {
        int64_t value = first + idx;
        append_bytes(&batch.columns[0], p, (int64_t)strlen(p), ff_test_failures);
        append_fixed(&batch.columns[1], &value, ff_test_failures);
    }
    batch.num_rows = count;
    EXPECT_OK(ff_writer_write_batch(writer, &batch, &err), &err);
    EXPECT_OK(ff_writer_close(writer, &err), &err);
    ff_writer_free(writer);
    ff_batch_free(&batch);
    ff_schema_free(tree);
    ops_schema_free(&flat);
}

static uint64_t inode_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

FF_TEST(api_compact_and_repartition) {
    char root[] = "/tmp/ff_layout_test_XXXXXX";
    if (!mkdtemp(root)) {
        FF_FAIL_AT("mkdtemp failed");
        return;
    }
    char src[600], dst[600], path[700];
    snprintf(src, sizeof src, "%s/src", root);
    snprintf(dst, sizeof dst, "%s/dst", root);
    mkdir(src, 0755);
    for (int idx = 0; idx < 5; idx++) {
        char name[32];
        snprintf(name, sizeof name, "f%d.parquet", idx);
        write_file(src, "a", name, idx * 10, 10, ff_test_failures);
    }
    write_file(src, "b", "f0.parquet", 100, 10, ff_test_failures);
    write_file(src, "b", "f1.parquet", 110, 10, ff_test_failures);
    snprintf(path, sizeof path, "%s/p=b/f0.parquet", src);
    uint64_t untouched = inode_of(path);

    ff_error err;
    ff_ops_stats stats;
    ff_compact_options compact;
    ff_compact_options_init(&compact);
    EXPECT_EQ_INT(compact.min_files, 5);
    compact.common.dry_run = true;
    EXPECT_OK(ff_dataset_compact(src, &compact, &stats, &err), &err);
    EXPECT_EQ_INT(stats.files_rewritten, 5);
    EXPECT_EQ_INT(stats.files_added, 1);
    EXPECT_EQ_INT(stats.transactions, 0);
    compact.common.dry_run = false;
    compact.common.threads = 2;
    EXPECT_OK(ff_dataset_compact(src, &compact, &stats, &err), &err);
    EXPECT_EQ_INT(stats.files_rewritten, 5);
    EXPECT_EQ_INT(stats.files_added, 1);
    EXPECT_EQ_INT(stats.files_before, 7);
    EXPECT_EQ_INT(stats.files_after, 3);
    EXPECT_EQ_INT(stats.rows_scanned, 50);
    EXPECT_EQ_INT(stats.transactions, 1);
    EXPECT_EQ_U64(inode_of(path), untouched);
    snprintf(path, sizeof path, "%s/p=a/f0.parquet", src);
    EXPECT_TRUE(!exists(path));

    /* Bad options are refused before the dataset is opened. */
    compact.target_size = 0;
    EXPECT_STATUS(ff_dataset_compact(src, &compact, &stats, &err), FF_ERR_INVALID_ARGUMENT);

    /* Repartition by a derived column into a new dataset. */
    ff_repartition_options repart;
    ff_repartition_options_init(&repart);
    const char *by[] = {"q"};
    ff_derived_column derived = {"q", "v % 3"};
    repart.by = by;
    repart.num_by = 1;
    repart.derived = &derived;
    repart.num_derived = 1;
    EXPECT_OK(ff_dataset_repartition(src, dst, &repart, &stats, &err), &err);
    EXPECT_EQ_INT(stats.partitions_after, 3);
    EXPECT_EQ_INT(stats.rows_scanned, 70);
    EXPECT_EQ_INT(stats.files_before, 3);
    snprintf(path, sizeof path, "%s/q=2", dst);
    EXPECT_TRUE(exists(path));

    /* DST not empty, an unknown column, --partition with --in-place: refused, nothing made. */
    EXPECT_STATUS(ff_dataset_repartition(src, dst, &repart, &stats, &err), FF_ERR_INVALID_ARGUMENT);
    char other[600];
    snprintf(other, sizeof other, "%s/other", root);
    const char *bad_by[] = {"nope"};
    repart.by = bad_by;
    EXPECT_STATUS(ff_dataset_repartition(src, other, &repart, &stats, &err), FF_ERR_SCHEMA);
    EXPECT_TRUE(!exists(other));
    repart.by = by;
    ff_derived_column bad_expr = {"q", "v +"};
    repart.derived = &bad_expr;
    EXPECT_STATUS(ff_dataset_repartition(src, other, &repart, &stats, &err), FF_ERR_EXPR_SYNTAX);
    EXPECT_TRUE(!exists(other));
    repart.derived = &derived;
    repart.in_place = true;
    const char *parts[] = {"p=a"};
    repart.common.partitions = parts;
    repart.common.num_partitions = 1;
    EXPECT_STATUS(ff_dataset_repartition(src, NULL, &repart, &stats, &err),
                  FF_ERR_INVALID_ARGUMENT);

    /* In place: the source takes the new layout. */
    repart.common.partitions = NULL;
    repart.common.num_partitions = 0;
    EXPECT_OK(ff_dataset_repartition(src, NULL, &repart, &stats, &err), &err);
    EXPECT_EQ_INT(stats.files_rewritten, 3);
    snprintf(path, sizeof path, "%s/q=0", src);
    EXPECT_TRUE(exists(path));
    snprintf(path, sizeof path, "%s/p=a", src);
    EXPECT_TRUE(!exists(path));

    char command[700];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    EXPECT_TRUE(system(command) == 0);
}

FF_TEST_MAIN(FF_CASE(compare_orders_values_nulls_last), FF_CASE(api_compact_and_repartition))
