/* Unit tests of what predicate scans and verify share with the rewrite engine
 * (src/ops/scan.c, src/ops/verify_file.c): partition directory values as exact, typed facts
 * (unreadable text tells the analysis nothing), row group facts from a written file's
 * statistics with absent columns as all-NULL, and the per-file verify check on files whose
 * stored partition column agrees or disagrees with the directory. */
#include "ff_test.h"

#include "ops/ops_internal.h"

#include <sys/stat.h>
#include <unistd.h>

static const ff_type string_type = {.physical = FF_PHYSICAL_BYTE_ARRAY,
                                    .logical = FF_LOGICAL_STRING};
static const ff_type i64_type = {.physical = FF_PHYSICAL_INT64};
static const ff_type date_type = {.physical = FF_PHYSICAL_INT32, .logical = FF_LOGICAL_DATE};

static ff_partition_value text_value(const char *text) {
    ff_partition_value value = {(const uint8_t *)text, strlen(text), false};
    return value;
}

FF_TEST(partition_values_are_exact_typed_facts) {
    ff_field fields[3] = {{"p", string_type, true}, {"v", i64_type, true}, {"d", date_type, true}};
    const char *names[] = {"p", "d"};
    ff_partition_value values[2] = {text_value("a"), text_value("2025-11-26")};
    ff_dataset_file file = {.rel_path = "p=a/d=2025-11-26/f.parquet", .values = values};
    ff_discovery discovery = {
        .num_files = 1, .files = &file, .num_partition_columns = 2, .partition_columns = names};
    int32_t partition_fields[] = {0, 2};
    ff_column_facts facts[3];
    for (int idx = 0; idx < 3; idx++)
        ff_column_facts_init(&facts[idx]);
    ops_partition_facts(fields, partition_fields, &discovery, &file, facts);
    EXPECT_TRUE(facts[0].is_exact && !facts[0].value.is_null);
    EXPECT_EQ_INT(facts[0].value.len, 1);
    EXPECT_TRUE(facts[0].value.bytes && facts[0].value.bytes[0] == 'a');
    EXPECT_TRUE(!facts[1].is_exact);
    EXPECT_TRUE(facts[2].is_exact);
    EXPECT_EQ_INT(facts[2].value.i64, 20418);

    /* NULL is exact; text the type cannot read leaves the column unknown. */
    values[0].is_null = true;
    values[1] = text_value("2025-13-01");
    for (int idx = 0; idx < 3; idx++)
        ff_column_facts_init(&facts[idx]);
    ops_partition_facts(fields, partition_fields, &discovery, &file, facts);
    EXPECT_TRUE(facts[0].is_exact && facts[0].value.is_null);
    EXPECT_TRUE(!facts[2].is_exact);
}

/* Writes ROOT/p=DIR/NAME with columns p (string, every row `stored`) and v (int64,
 * first .. first + count - 1). */
static void write_file(const char *root, const char *dir_value, const char *name,
                       const char *stored, int64_t first, int64_t count, int *ff_test_failures) {
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/p=%s", root, dir_value);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ops_schema flat;
    ops_schema_init(&flat);
    ff_error err;
    ops_schema_add(&flat, "p", &string_type, &err);
    ops_schema_add(&flat, "v", &i64_type, &err);
    int32_t all[] = {0, 1};
    ff_schema *tree = NULL;
    EXPECT_OK(ops_schema_tree(NULL, &flat, all, 2, &tree, &err), &err);
    ff_writer *writer = NULL;
    EXPECT_OK(ff_writer_open(path, tree, NULL, &writer, &err), &err);
    ff_batch batch;
    ff_batch_init(&batch, 2, &err);
    size_t len = strlen(stored);
    ff_vector *p = &batch.columns[0], *v = &batch.columns[1];
    ff_vector_init(p, &string_type);
    ff_vector_init(v, &i64_type);
    EXPECT_OK(ff_vector_reserve(p, count, len * (size_t)count, false, &err), &err);
    EXPECT_OK(ff_vector_reserve(v, count, 0, false, &err), &err);
    for (int64_t row = 0; row < count; row++) {
        memcpy(p->values + (size_t)row * len, stored, len);
        p->offsets[row + 1] = (int64_t)((size_t)(row + 1) * len);
        int64_t value = first + row;
        memcpy(v->values + row * 8, &value, 8);
    }
    p->length = v->length = count;
    p->values_len = len * (size_t)count;
    v->values_len = (size_t)count * 8;
    batch.num_rows = count;
    EXPECT_OK(ff_writer_write_batch(writer, &batch, &err), &err);
    EXPECT_OK(ff_writer_close(writer, &err), &err);
    ff_writer_free(writer);
    ff_batch_free(&batch);
    ff_schema_free(tree);
    ops_schema_free(&flat);
}

FF_TEST(row_group_facts_from_statistics) {
    char root[] = "/tmp/ff_scan_test_XXXXXX";
    if (!mkdtemp(root)) {
        FF_FAIL_AT("mkdtemp failed");
        return;
    }
    write_file(root, "a", "f.parquet", "a", 10, 100, ff_test_failures);
    char path[600];
    snprintf(path, sizeof path, "%s/p=a/f.parquet", root);
    ff_error err;
    ff_reader *reader = NULL;
    EXPECT_OK(ff_reader_open(path, NULL, &reader, &err), &err);
    if (!reader)
        return;
    /* The scan's layout: v first, then a column the file lacks, then p. */
    ff_field fields[3] = {{"v", i64_type, true}, {"w", i64_type, true}, {"p", string_type, true}};
    int32_t leaves[3] = {1, -1, 0};
    ff_column_facts facts[3];
    EXPECT_OK(ops_row_group_facts(reader, 0, 100, fields, 3, leaves, 0, facts, &err), &err);
    EXPECT_TRUE(facts[0].has_min_max);
    EXPECT_EQ_INT(facts[0].min.i64, 10);
    EXPECT_EQ_INT(facts[0].max.i64, 109);
    EXPECT_TRUE(facts[1].is_exact && facts[1].value.is_null);
    ff_table_schema table = {3, fields};
    ff_expr_options opts;
    ff_expr_options_init(&opts);
    opts.kind = FF_EXPR_PREDICATE;
    const char *cases[][2] = {{"v > 200", "ALWAYS_FALSE"},
                              {"v BETWEEN 0 AND 500", "ALWAYS_TRUE"},
                              {"v = 50", "MAYBE"},
                              {"w IS NULL", "ALWAYS_TRUE"},
                              {"w = 1", "ALWAYS_FALSE"}};
    for (size_t case_idx = 0; case_idx < sizeof cases / sizeof cases[0]; case_idx++) {
        ff_expr *expr = NULL;
        EXPECT_OK(ff_expr_compile(cases[case_idx][0], &table, &opts, &expr, &err), &err);
        if (expr)
            EXPECT_EQ_STR(ff_expr_truth_name(ff_expr_analyze(expr, facts, 100)),
                          cases[case_idx][1]);
        ff_expr_free(expr);
    }
    /* The engine's layout: the file's columns first, absent ones after. */
    ff_field engine_fields[3] = {
        {"p", string_type, true}, {"v", i64_type, true}, {"w", i64_type, true}};
    EXPECT_OK(ops_row_group_facts(reader, 0, 100, engine_fields, 3, NULL, 2, facts, &err), &err);
    EXPECT_EQ_INT(facts[1].max.i64, 109);
    EXPECT_TRUE(facts[2].is_exact && facts[2].value.is_null);
    ff_reader_free(reader);
    char command[700];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    EXPECT_TRUE(system(command) == 0);
}

FF_TEST(verify_file_compares_stored_partition_values) {
    char root[] = "/tmp/ff_scan_test_XXXXXX";
    if (!mkdtemp(root)) {
        FF_FAIL_AT("mkdtemp failed");
        return;
    }
    write_file(root, "a", "good.parquet", "a", 0, 10, ff_test_failures);
    write_file(root, "b", "moved.parquet", "a", 0, 10, ff_test_failures);
    const char *names[] = {"p"};
    ff_partition_value a = text_value("a"), b = text_value("b");
    ff_dataset_file files[2] = {{.rel_path = "p=a/good.parquet", .values = &a},
                                {.rel_path = "p=b/moved.parquet", .values = &b}};
    ff_discovery discovery = {
        .num_files = 2, .files = files, .num_partition_columns = 1, .partition_columns = names};
    ff_error err;
    EXPECT_OK(ops_verify_file(NULL, root, &files[0], &discovery, &err), &err);
    ff_error_clear(&err);
    EXPECT_STATUS(ops_verify_file(NULL, root, &files[1], &discovery, &err), FF_ERR_CORRUPT);
    EXPECT_EQ_STR(err.message, "row group 0: column 'p': 10 of 10 rows disagree with the "
                               "directory (p=b); row 0 holds 'a'");
    /* A NULL directory needs NULL in every row. */
    ff_partition_value null_value = {NULL, 0, true};
    ff_dataset_file as_null = {.rel_path = "p=a/good.parquet", .values = &null_value};
    EXPECT_STATUS(ops_verify_file(NULL, root, &as_null, &discovery, &err), FF_ERR_CORRUPT);
    char command[700];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    EXPECT_TRUE(system(command) == 0);
}

FF_TEST_MAIN(FF_CASE(partition_values_are_exact_typed_facts),
             FF_CASE(row_group_facts_from_statistics),
             FF_CASE(verify_file_compares_stored_partition_values))
