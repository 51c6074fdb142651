/* Unit tests for src/parquet/schema: tree building, levels, type resolution from logical and
 * converted types, type text against the corpus's expected files, conversion back to
 * elements, cloning, and hostile schemas. */
#include "ff_test.h"

#include "parquet/schema/schema.h"
#include "parquet/thrift/metadata.h"

#include <dirent.h>
#include <stdbool.h>

/* ---- helpers ----------------------------------------------------------------------------- */

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

/* Copies the JSON string starting after the opening quote at `at` into out (\" and \\
 * unescaped); returns the position after the closing quote. */
static const char *json_string(const char *at, char *out, size_t cap) {
    size_t used = 0;
    while (*at && *at != '"') {
        char c = *at++;
        if (c == '\\' && *at)
            c = *at++;
        if (used + 1 < cap)
            out[used++] = c;
    }
    out[used] = 0;
    return *at ? at + 1 : at;
}

static ff_pq_schema_element group(const char *name, int32_t repetition, int32_t num_children) {
    ff_pq_schema_element el = {0};
    el.name = name;
    el.has_repetition_type = repetition >= 0;
    el.repetition_type = repetition;
    el.has_num_children = true;
    el.num_children = num_children;
    return el;
}

static ff_pq_schema_element leaf(const char *name, int32_t repetition, int32_t physical) {
    ff_pq_schema_element el = {0};
    el.name = name;
    el.has_repetition_type = true;
    el.repetition_type = repetition;
    el.has_type = true;
    el.type = physical;
    return el;
}

static ff_pq_schema_element converted(ff_pq_schema_element el, int32_t converted_type) {
    el.has_converted_type = true;
    el.converted_type = converted_type;
    return el;
}

static ff_pq_schema_element logical(ff_pq_schema_element el, ff_pq_logical_kind kind) {
    el.has_logical_type = true;
    el.logical_type.kind = kind;
    return el;
}

static ff_pq_schema_element flba(const char *name, int32_t length) {
    ff_pq_schema_element el = leaf(name, FF_PQ_OPTIONAL, FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY);
    el.has_type_length = true;
    el.type_length = length;
    return el;
}

/* ---- corpus ------------------------------------------------------------------------------ */

FF_TEST(corpus_column_types_match_expected) {
    char dir_path[4096];
    snprintf(dir_path, sizeof dir_path, "%s/parquet-testing", ff_test_corpus_dir());
    DIR *dir = opendir(dir_path);
    EXPECT_TRUE(dir != NULL);
    if (!dir)
        return;
    int num_files = 0, num_columns = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        size_t name_len = strlen(entry->d_name);
        if (name_len < 8 || strcmp(entry->d_name + name_len - 8, ".parquet") != 0)
            continue;
        char path[8192], json_path[8192];
        snprintf(path, sizeof path, "%s/%s", dir_path, entry->d_name);
        snprintf(json_path, sizeof json_path, "%s/%.*s.expected.json", dir_path,
                 (int)(name_len - 8), entry->d_name);
        size_t file_len = 0, json_len = 0;
        uint8_t *file = read_whole_file(path, &file_len);
        char *expected = (char *)read_whole_file(json_path, &json_len);
        const char *columns = expected ? strstr(expected, "\"columns\": [") : NULL;
        if (!file || !columns || file_len < 12 || memcmp(file + file_len - 4, "PAR1", 4) != 0) {
            free(file);
            free(expected);
            continue;
        }
        uint32_t footer_len;
        memcpy(&footer_len, file + file_len - 8, 4);
        ff_arena arena;
        ff_arena_init(&arena, 0);
        ff_error err;
        ff_pq_file_metadata md;
        ff_schema *schema = NULL;
        if (footer_len > file_len - 12) {
            FF_FAIL_AT("%s: footer length out of range", entry->d_name);
        } else if (ff_thrift_decode_file_metadata(file + file_len - 8 - footer_len, footer_len,
                                                  &arena, &md, &err) != FF_OK) {
            FF_FAIL_AT("%s: %s", entry->d_name, err.message);
        } else if (ff_schema_from_thrift(md.schema, md.num_schema, &schema, &err) != FF_OK) {
            FF_FAIL_AT("%s: %s", entry->d_name, err.message);
        }
        if (schema) {
            num_files++;
            /* Each expected column, in order, against the root's children. */
            int32_t child_idx = 0;
            const char *at = columns;
            const char *end = strstr(columns, "\n ]");
            while ((at = strstr(at, "{\"name\":\"")) != NULL && (!end || at < end)) {
                char name[512], type_text[512];
                at = json_string(at + 9, name, sizeof name);
                const char *type_at = strstr(at, "\"parquet_type\":\"");
                if (!type_at)
                    break;
                at = json_string(type_at + 16, type_text, sizeof type_text);
                if (child_idx >= schema->root->num_children) {
                    FF_FAIL_AT("%s: expected column '%s' beyond the schema's %d", entry->d_name,
                               name, schema->root->num_children);
                    break;
                }
                const ff_schema_node *child = schema->root->children[child_idx++];
                char text[512];
                ff_schema_node_type_text(child, text, sizeof text);
                if (strcmp(child->name, name) != 0 || strcmp(text, type_text) != 0)
                    FF_FAIL_AT("%s: column %d is '%s' \"%s\", expected '%s' \"%s\"", entry->d_name,
                               child_idx - 1, child->name, text, name, type_text);
                if (ff_schema_find_top(schema, name) != child)
                    FF_FAIL_AT("%s: find_top('%s') missed", entry->d_name, name);
                num_columns++;
            }
            EXPECT_EQ_INT(child_idx, schema->root->num_children);
            /* Leaves line up with the column chunks of every row group. */
            for (int32_t rg_idx = 0; rg_idx < md.num_row_groups; rg_idx++) {
                const ff_pq_row_group *rg = &md.row_groups[rg_idx];
                if (rg->num_columns != schema->num_leaves) {
                    FF_FAIL_AT("%s: row group %d has %d columns, schema %d leaves", entry->d_name,
                               rg_idx, rg->num_columns, schema->num_leaves);
                    continue;
                }
                for (int32_t col_idx = 0; col_idx < rg->num_columns; col_idx++) {
                    const ff_pq_column_metadata *cm = &rg->columns[col_idx].meta_data;
                    char want[1024] = "", got[1024];
                    for (int32_t part_idx = 0; part_idx < cm->path_len; part_idx++) {
                        if (part_idx)
                            strncat(want, ".", sizeof want - strlen(want) - 1);
                        strncat(want, cm->path_in_schema[part_idx], sizeof want - strlen(want) - 1);
                    }
                    ff_schema_node_path(schema->leaves[col_idx], got, sizeof got);
                    if (strcmp(want, got) != 0)
                        FF_FAIL_AT("%s: leaf %d path '%s', column chunk '%s'", entry->d_name,
                                   col_idx, got, want);
                    if (cm->type != (int32_t)schema->leaves[col_idx]->type.physical)
                        FF_FAIL_AT("%s: leaf %d physical type %d, column chunk %d", entry->d_name,
                                   col_idx, schema->leaves[col_idx]->type.physical, cm->type);
                }
            }
            /* Back to elements and through a clone: the same text for every node. */
            ff_schema *clone = NULL;
            EXPECT_OK(ff_schema_clone(schema, &clone, &err), &err);
            if (clone) {
                EXPECT_EQ_INT(clone->num_nodes, schema->num_nodes);
                for (int32_t node_idx = 0; node_idx < schema->num_nodes; node_idx++) {
                    char a[512], b[512];
                    ff_schema_node_type_text(&schema->nodes[node_idx], a, sizeof a);
                    ff_schema_node_type_text(&clone->nodes[node_idx], b, sizeof b);
                    EXPECT_EQ_STR(b, a);
                    EXPECT_EQ_STR(clone->nodes[node_idx].name, schema->nodes[node_idx].name);
                    EXPECT_EQ_INT(clone->nodes[node_idx].max_def, schema->nodes[node_idx].max_def);
                }
            }
            ff_schema_free(clone);
        }
        ff_schema_free(schema);
        ff_arena_free(&arena);
        free(file);
        free(expected);
    }
    closedir(dir);
    EXPECT_TRUE(num_files >= 50);
    EXPECT_TRUE(num_columns >= 300);
}

/* ---- tree and levels --------------------------------------------------------------------- */

FF_TEST(nested_schema_levels_and_paths) {
    /* root
     *   a: optional group LIST { repeated group list { optional INT32 element } }
     *   b: required BYTE_ARRAY UTF8
     *   m: optional group MAP { repeated group key_value { required key, optional value } }
     *   s: repeated group { required INT64 x } */
    ff_pq_schema_element els[] = {
        group("root", -1, 4),
        converted(group("a", FF_PQ_OPTIONAL, 1), FF_CT_LIST),
        group("list", FF_PQ_REPEATED, 1),
        leaf("element", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32),
        converted(leaf("b", FF_PQ_REQUIRED, FF_PHYSICAL_BYTE_ARRAY), FF_CT_UTF8),
        logical(group("m", FF_PQ_OPTIONAL, 1), FF_LT_MAP),
        group("key_value", FF_PQ_REPEATED, 2),
        logical(leaf("key", FF_PQ_REQUIRED, FF_PHYSICAL_BYTE_ARRAY), FF_LT_STRING),
        leaf("value", FF_PQ_OPTIONAL, FF_PHYSICAL_DOUBLE),
        group("s", FF_PQ_REPEATED, 1),
        leaf("x", FF_PQ_REQUIRED, FF_PHYSICAL_INT64),
    };
    ff_schema *schema = NULL;
    ff_error err;
    EXPECT_OK(ff_schema_from_thrift(els, 11, &schema, &err), &err);
    if (!schema)
        return;
    EXPECT_EQ_INT(schema->num_nodes, 11);
    EXPECT_EQ_INT(schema->num_leaves, 5);
    EXPECT_EQ_INT(schema->root->num_children, 4);
    EXPECT_EQ_INT(schema->root->num_leaves, 5);
    EXPECT_EQ_INT(schema->root->repetition, FF_PQ_REQUIRED);
    const ff_schema_node *element = schema->leaves[0];
    EXPECT_EQ_STR(element->name, "element");
    EXPECT_EQ_INT(element->max_def, 3);
    EXPECT_EQ_INT(element->max_rep, 1);
    EXPECT_EQ_INT(element->depth, 3);
    char path[64];
    ff_schema_node_path(element, path, sizeof path);
    EXPECT_EQ_STR(path, "a.list.element");
    ff_schema_node_path(element, path, 6);
    EXPECT_EQ_STR(path, "a.lis");
    ff_schema_node_path(schema->root, path, sizeof path);
    EXPECT_EQ_STR(path, "");
    const ff_schema_node *a = ff_schema_find_top(schema, "a");
    EXPECT_TRUE(a != NULL && a->group_kind == FF_LOGICAL_LIST && !a->is_leaf);
    EXPECT_TRUE(a && a->leaf_idx == -1 && a->first_leaf_idx == 0 && a->num_leaves == 1);
    const ff_schema_node *b = ff_schema_find_top(schema, "b");
    EXPECT_TRUE(b && b->is_leaf && b->leaf_idx == 1 && b->max_def == 0 && b->max_rep == 0);
    EXPECT_TRUE(b && b->type.logical == FF_LOGICAL_STRING);
    const ff_schema_node *m = ff_schema_find_top(schema, "m");
    EXPECT_TRUE(m && m->group_kind == FF_LOGICAL_MAP && m->first_leaf_idx == 2 &&
                m->num_leaves == 2);
    EXPECT_EQ_INT(schema->leaves[2]->max_def, 2);
    EXPECT_EQ_INT(schema->leaves[3]->max_def, 3);
    EXPECT_EQ_INT(schema->leaves[3]->max_rep, 1);
    EXPECT_TRUE(schema->leaves[3]->parent == m->children[0]);
    const ff_schema_node *s = ff_schema_find_top(schema, "s");
    EXPECT_TRUE(s && s->max_def == 1 && s->max_rep == 1 && s->group_kind == FF_LOGICAL_NONE);
    EXPECT_EQ_INT(schema->leaves[4]->max_def, 1);
    EXPECT_TRUE(ff_schema_find_top(schema, "list") == NULL);
    char text[128];
    ff_schema_node_type_text(a, text, sizeof text);
    EXPECT_EQ_STR(text, "optional group LIST");
    ff_schema_node_type_text(m, text, sizeof text);
    EXPECT_EQ_STR(text, "optional group MAP");
    ff_schema_node_type_text(s, text, sizeof text);
    EXPECT_EQ_STR(text, "repeated group");
    ff_schema_node_type_text(b, text, 12);
    EXPECT_EQ_STR(text, "required BY");

    /* Back to elements: the same list, byte for byte once encoded. */
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_pq_schema_element *back;
    int32_t num_back;
    EXPECT_OK(ff_schema_to_thrift(schema, &arena, &back, &num_back, &err), &err);
    EXPECT_EQ_INT(num_back, 11);
    ff_pq_file_metadata md_a = {0}, md_b = {0};
    md_a.num_schema = 11;
    md_a.schema = els;
    md_b.num_schema = num_back;
    md_b.schema = back;
    ff_buf buf_a, buf_b;
    ff_buf_init(&buf_a, 0);
    ff_buf_init(&buf_b, 0);
    EXPECT_OK(ff_thrift_encode_file_metadata(&md_a, &buf_a, &err), &err);
    EXPECT_OK(ff_thrift_encode_file_metadata(&md_b, &buf_b, &err), &err);
    EXPECT_TRUE(buf_a.len == buf_b.len && memcmp(buf_a.data, buf_b.data, buf_a.len) == 0);
    ff_buf_free(&buf_a);
    ff_buf_free(&buf_b);
    ff_arena_free(&arena);

    ff_schema *clone = NULL;
    EXPECT_OK(ff_schema_clone(schema, &clone, &err), &err);
    ff_schema_free(schema);
    /* The clone owns its strings: it outlives the original. */
    EXPECT_TRUE(clone && clone->num_leaves == 5);
    if (clone) {
        ff_schema_node_path(clone->leaves[3], path, sizeof path);
        EXPECT_EQ_STR(path, "m.key_value.value");
    }
    ff_schema_free(clone);
}

/* ---- type resolution --------------------------------------------------------------------- */

typedef struct resolve_case {
    ff_pq_schema_element el;
    ff_logical_kind logical;
    int bit_width;
    bool is_signed;
    int unit;
    bool utc;
    const char *text;
} resolve_case;

static void check_resolve(int *ff_test_failures, const resolve_case *cases, int num_cases) {
    ff_pq_schema_element els[64];
    els[0] = group("root", -1, num_cases);
    for (int case_idx = 0; case_idx < num_cases; case_idx++)
        els[case_idx + 1] = cases[case_idx].el;
    ff_schema *schema = NULL;
    ff_error err;
    EXPECT_OK(ff_schema_from_thrift(els, num_cases + 1, &schema, &err), &err);
    if (!schema)
        return;
    for (int case_idx = 0; case_idx < num_cases; case_idx++) {
        const resolve_case *c = &cases[case_idx];
        const ff_type *type = &schema->leaves[case_idx]->type;
        char text[128];
        ff_schema_node_type_text(schema->leaves[case_idx], text, sizeof text);
        EXPECT_EQ_STR(text, c->text);
        if ((int)type->logical != (int)c->logical)
            FF_FAIL_AT("%s: logical %d, expected %d", c->text, type->logical, c->logical);
        if (c->logical == FF_LOGICAL_INT &&
            (type->int_bit_width != c->bit_width || type->int_is_signed != c->is_signed))
            FF_FAIL_AT("%s: INT(%d,%d), expected INT(%d,%d)", c->text, type->int_bit_width,
                       type->int_is_signed, c->bit_width, c->is_signed);
        if ((c->logical == FF_LOGICAL_TIME || c->logical == FF_LOGICAL_TIMESTAMP) &&
            ((int)type->unit != c->unit || type->is_adjusted_to_utc != c->utc))
            FF_FAIL_AT("%s: unit %d utc %d, expected %d %d", c->text, type->unit,
                       type->is_adjusted_to_utc, c->unit, c->utc);
    }
    ff_schema_free(schema);
}

FF_TEST(converted_types_resolve) {
    ff_pq_schema_element dec = converted(flba("d", 11), FF_CT_DECIMAL);
    dec.has_precision = dec.has_scale = true;
    dec.precision = 25;
    dec.scale = 2;
    ff_pq_schema_element dec32 =
        converted(leaf("d32", FF_PQ_REQUIRED, FF_PHYSICAL_INT32), FF_CT_DECIMAL);
    dec32.has_precision = true;
    dec32.precision = 9;
    const resolve_case cases[] = {
        {converted(leaf("s", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_CT_UTF8),
         FF_LOGICAL_STRING, 0, 0, 0, 0, "optional BYTE_ARRAY UTF8"},
        {converted(leaf("e", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_CT_ENUM), FF_LOGICAL_ENUM,
         0, 0, 0, 0, "optional BYTE_ARRAY ENUM"},
        {converted(leaf("j", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_CT_JSON), FF_LOGICAL_JSON,
         0, 0, 0, 0, "optional BYTE_ARRAY JSON"},
        {converted(leaf("b", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_CT_BSON), FF_LOGICAL_BSON,
         0, 0, 0, 0, "optional BYTE_ARRAY BSON"},
        {dec, FF_LOGICAL_DECIMAL, 0, 0, 0, 0, "optional FIXED_LEN_BYTE_ARRAY(11) DECIMAL(25,2)"},
        {dec32, FF_LOGICAL_DECIMAL, 0, 0, 0, 0, "required INT32 DECIMAL(9,0)"},
        {converted(leaf("dt", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_DATE), FF_LOGICAL_DATE, 0,
         0, 0, 0, "optional INT32 DATE"},
        {converted(leaf("tm", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_TIME_MILLIS),
         FF_LOGICAL_TIME, 0, 0, FF_TIME_MILLIS, true, "optional INT32 TIME_MILLIS"},
        {converted(leaf("tu", FF_PQ_OPTIONAL, FF_PHYSICAL_INT64), FF_CT_TIME_MICROS),
         FF_LOGICAL_TIME, 0, 0, FF_TIME_MICROS, true, "optional INT64 TIME_MICROS"},
        {converted(leaf("tsm", FF_PQ_OPTIONAL, FF_PHYSICAL_INT64), FF_CT_TIMESTAMP_MILLIS),
         FF_LOGICAL_TIMESTAMP, 0, 0, FF_TIME_MILLIS, true, "optional INT64 TIMESTAMP_MILLIS"},
        {converted(leaf("tsu", FF_PQ_OPTIONAL, FF_PHYSICAL_INT64), FF_CT_TIMESTAMP_MICROS),
         FF_LOGICAL_TIMESTAMP, 0, 0, FF_TIME_MICROS, true, "optional INT64 TIMESTAMP_MICROS"},
        {converted(leaf("u8", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_UINT_8), FF_LOGICAL_INT, 8,
         false, 0, 0, "optional INT32 UINT_8"},
        {converted(leaf("u16", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_UINT_16), FF_LOGICAL_INT,
         16, false, 0, 0, "optional INT32 UINT_16"},
        {converted(leaf("u32", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_UINT_32), FF_LOGICAL_INT,
         32, false, 0, 0, "optional INT32 UINT_32"},
        {converted(leaf("u64", FF_PQ_OPTIONAL, FF_PHYSICAL_INT64), FF_CT_UINT_64), FF_LOGICAL_INT,
         64, false, 0, 0, "optional INT64 UINT_64"},
        {converted(leaf("i8", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_INT_8), FF_LOGICAL_INT, 8,
         true, 0, 0, "optional INT32 INT_8"},
        {converted(leaf("i16", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_INT_16), FF_LOGICAL_INT,
         16, true, 0, 0, "optional INT32 INT_16"},
        {converted(leaf("i32", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_INT_32), FF_LOGICAL_INT,
         32, true, 0, 0, "optional INT32 INT_32"},
        {converted(leaf("i64", FF_PQ_OPTIONAL, FF_PHYSICAL_INT64), FF_CT_INT_64), FF_LOGICAL_INT,
         64, true, 0, 0, "optional INT64 INT_64"},
        {converted(flba("iv", 12), FF_CT_INTERVAL), FF_LOGICAL_INTERVAL, 0, 0, 0, 0,
         "optional FIXED_LEN_BYTE_ARRAY(12) INTERVAL"},
        /* An annotation that does not fit the physical type is shown but ignored. */
        {converted(leaf("bad", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_CT_UTF8), FF_LOGICAL_NONE, 0,
         0, 0, 0, "optional INT32 UTF8"},
        {converted(leaf("odd", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), 99), FF_LOGICAL_NONE, 0, 0, 0, 0,
         "optional INT32 CONVERTED_99"},
        {leaf("ts96", FF_PQ_OPTIONAL, FF_PHYSICAL_INT96), FF_LOGICAL_NONE, 0, 0, 0, 0,
         "optional INT96"},
    };
    check_resolve(ff_test_failures, cases, (int)(sizeof cases / sizeof cases[0]));
}

FF_TEST(logical_types_resolve_and_win_over_converted) {
    ff_pq_schema_element ts_nanos =
        logical(leaf("t", FF_PQ_OPTIONAL, FF_PHYSICAL_INT64), FF_LT_TIMESTAMP);
    ff_pq_schema_element ts_nanos_el = ts_nanos;
    ts_nanos_el.logical_type.time_unit = FF_TIME_NANOS;
    ff_pq_schema_element ts_utc = ts_nanos_el;
    ts_utc.logical_type.time_unit = FF_TIME_MILLIS;
    ts_utc.logical_type.time_is_adjusted_to_utc = true;
    /* converted TIMESTAMP_MILLIS next to a LogicalType: the LogicalType wins */
    ts_utc = converted(ts_utc, FF_CT_TIMESTAMP_MILLIS);
    ff_pq_schema_element time_nanos =
        logical(leaf("tn", FF_PQ_OPTIONAL, FF_PHYSICAL_INT64), FF_LT_TIME);
    time_nanos.logical_type.time_unit = FF_TIME_NANOS;
    time_nanos.logical_type.time_is_adjusted_to_utc = true;
    ff_pq_schema_element bad_unit = time_nanos;
    bad_unit.logical_type.time_unit = 7;
    ff_pq_schema_element int8 =
        logical(leaf("i8", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_LT_INTEGER);
    int8.logical_type.int_bit_width = 8;
    int8.logical_type.int_is_signed = true;
    ff_pq_schema_element u64 =
        logical(leaf("u64", FF_PQ_OPTIONAL, FF_PHYSICAL_INT64), FF_LT_INTEGER);
    u64.logical_type.int_bit_width = 64;
    ff_pq_schema_element dec = logical(flba("d", 5), FF_LT_DECIMAL);
    dec.logical_type.decimal_precision = 10;
    dec.logical_type.decimal_scale = 2;
    ff_pq_schema_element future =
        logical(leaf("f", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_LT_FUTURE);
    future.logical_type.unknown_field_id = 2555;
    const resolve_case cases[] = {
        {logical(leaf("s", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_LT_STRING),
         FF_LOGICAL_STRING, 0, 0, 0, 0, "optional BYTE_ARRAY STRING"},
        {ts_nanos_el, FF_LOGICAL_TIMESTAMP, 0, 0, FF_TIME_NANOS, false,
         "optional INT64 TIMESTAMP(NANOS,local)"},
        {ts_utc, FF_LOGICAL_TIMESTAMP, 0, 0, FF_TIME_MILLIS, true,
         "optional INT64 TIMESTAMP(MILLIS,UTC)"},
        {time_nanos, FF_LOGICAL_TIME, 0, 0, FF_TIME_NANOS, true, "optional INT64 TIME(NANOS,UTC)"},
        {bad_unit, FF_LOGICAL_UNKNOWN, 0, 0, 0, 0, "optional INT64 TIME(UNKNOWN_UNIT,UTC)"},
        {int8, FF_LOGICAL_INT, 8, true, 0, 0, "optional INT32 INTEGER(8,signed)"},
        {u64, FF_LOGICAL_INT, 64, false, 0, 0, "optional INT64 INTEGER(64,unsigned)"},
        {dec, FF_LOGICAL_DECIMAL, 0, 0, 0, 0, "optional FIXED_LEN_BYTE_ARRAY(5) DECIMAL(10,2)"},
        {logical(leaf("n", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32), FF_LT_UNKNOWN), FF_LOGICAL_NULL, 0,
         0, 0, 0, "optional INT32 UNKNOWN"},
        {future, FF_LOGICAL_UNKNOWN, 0, 0, 0, 0, "optional BYTE_ARRAY LOGICAL_2555"},
        {logical(flba("h", 2), FF_LT_FLOAT16), FF_LOGICAL_FLOAT16, 0, 0, 0, 0,
         "optional FIXED_LEN_BYTE_ARRAY(2) FLOAT16"},
        {logical(flba("u", 16), FF_LT_UUID), FF_LOGICAL_UUID, 0, 0, 0, 0,
         "optional FIXED_LEN_BYTE_ARRAY(16) UUID"},
        {logical(flba("u5", 5), FF_LT_UUID), FF_LOGICAL_NONE, 0, 0, 0, 0,
         "optional FIXED_LEN_BYTE_ARRAY(5) UUID"},
        {logical(leaf("g", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_LT_GEOMETRY),
         FF_LOGICAL_GEOMETRY, 0, 0, 0, 0, "optional BYTE_ARRAY GEOMETRY"},
        {logical(leaf("gg", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_LT_GEOGRAPHY),
         FF_LOGICAL_GEOGRAPHY, 0, 0, 0, 0, "optional BYTE_ARRAY GEOGRAPHY"},
        {logical(leaf("dt", FF_PQ_REQUIRED, FF_PHYSICAL_INT32), FF_LT_DATE), FF_LOGICAL_DATE, 0, 0,
         0, 0, "required INT32 DATE"},
        {logical(leaf("js", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_LT_JSON), FF_LOGICAL_JSON,
         0, 0, 0, 0, "optional BYTE_ARRAY JSON"},
        {logical(leaf("en", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_LT_ENUM), FF_LOGICAL_ENUM,
         0, 0, 0, 0, "optional BYTE_ARRAY ENUM"},
        /* An empty LogicalType union falls back to the ConvertedType. */
        {logical(converted(leaf("e", FF_PQ_OPTIONAL, FF_PHYSICAL_BYTE_ARRAY), FF_CT_UTF8),
                 FF_LT_NONE),
         FF_LOGICAL_STRING, 0, 0, 0, 0, "optional BYTE_ARRAY UTF8"},
    };
    check_resolve(ff_test_failures, cases, (int)(sizeof cases / sizeof cases[0]));
}

/* ---- hostile schemas --------------------------------------------------------------------- */

static void expect_refused(int *ff_test_failures, const ff_pq_schema_element *els, int32_t num,
                           ff_status want, const char *fragment) {
    ff_schema *schema = NULL;
    ff_error err;
    ff_error_clear(&err);
    ff_status status = ff_schema_from_thrift(els, num, &schema, &err);
    if (status != want)
        FF_FAIL_AT("status %s, expected %s (%s)", ff_status_name(status), ff_status_name(want),
                   err.message);
    else if (!strstr(err.message, fragment))
        FF_FAIL_AT("message \"%s\" lacks \"%s\"", err.message, fragment);
    EXPECT_TRUE(schema == NULL);
    ff_schema_free(schema);
}

#define REFUSED(els, num, want, fragment) expect_refused(ff_test_failures, els, num, want, fragment)

FF_TEST(hostile_schemas_are_refused) {
    REFUSED(NULL, 0, FF_ERR_CORRUPT, "empty");
    ff_pq_schema_element overflow[] = {group("root", -1, 3), leaf("a", 0, FF_PHYSICAL_INT32)};
    REFUSED(overflow, 2, FF_ERR_CORRUPT, "overflows the list");
    ff_pq_schema_element nested_overflow[] = {group("root", -1, 2), group("g", 0, 2),
                                              leaf("a", 0, FF_PHYSICAL_INT32),
                                              leaf("b", 0, FF_PHYSICAL_INT32)};
    REFUSED(nested_overflow, 4, FF_ERR_CORRUPT, "still expects 1 children");
    ff_pq_schema_element negative[] = {group("root", -1, -1)};
    REFUSED(negative, 1, FF_ERR_CORRUPT, "negative");
    ff_pq_schema_element untyped[] = {group("root", -1, 1), group("a", 0, 0)};
    REFUSED(untyped, 2, FF_ERR_CORRUPT, "no type and no children");
    untyped[1].has_num_children = false;
    REFUSED(untyped, 2, FF_ERR_CORRUPT, "('a') has no type");
    ff_pq_schema_element bad_physical[] = {group("root", -1, 1), leaf("a", 0, 8)};
    REFUSED(bad_physical, 2, FF_ERR_CORRUPT, "physical type 8");
    ff_pq_schema_element bad_flba[] = {group("root", -1, 1), flba("f", 0)};
    REFUSED(bad_flba, 2, FF_ERR_CORRUPT, "FIXED_LEN_BYTE_ARRAY length 0");
    bad_flba[1].has_type_length = false;
    REFUSED(bad_flba, 2, FF_ERR_CORRUPT, "FIXED_LEN_BYTE_ARRAY length");
    bad_flba[1] = flba("f", -5);
    REFUSED(bad_flba, 2, FF_ERR_CORRUPT, "length -5");
    ff_pq_schema_element bad_rep[] = {group("root", -1, 1), leaf("a", 3, FF_PHYSICAL_INT32)};
    REFUSED(bad_rep, 2, FF_ERR_CORRUPT, "repetition type 3");
    ff_pq_schema_element trailing[] = {group("root", -1, 1), leaf("a", 0, FF_PHYSICAL_INT32),
                                       leaf("b", 0, FF_PHYSICAL_INT32)};
    REFUSED(trailing, 3, FF_ERR_CORRUPT, "after the end");
    ff_pq_schema_element nameless[] = {group("root", -1, 1), leaf(NULL, 0, FF_PHYSICAL_INT32)};
    REFUSED(nameless, 2, FF_ERR_CORRUPT, "no name");
    ff_pq_schema_element primitive_root[] = {leaf("root", 0, FF_PHYSICAL_INT32),
                                             leaf("a", 0, FF_PHYSICAL_INT32)};
    REFUSED(primitive_root, 2, FF_ERR_CORRUPT, "not a group");
    /* DECIMAL parameters that cannot fit their storage */
    ff_pq_schema_element dec[] = {group("root", -1, 1),
                                  converted(leaf("d", 0, FF_PHYSICAL_INT32), FF_CT_DECIMAL)};
    dec[1].has_precision = true;
    dec[1].precision = 10;
    REFUSED(dec, 2, FF_ERR_CORRUPT, "DECIMAL(10,0)");
    dec[1].precision = 0;
    REFUSED(dec, 2, FF_ERR_CORRUPT, "DECIMAL(0,0)");
    dec[1].precision = 5;
    dec[1].has_scale = true;
    dec[1].scale = 6;
    REFUSED(dec, 2, FF_ERR_CORRUPT, "DECIMAL(5,6)");
    dec[1] = logical(flba("d", 4), FF_LT_DECIMAL);
    dec[1].logical_type.decimal_precision = 10; /* FLBA(4) holds 9 digits */
    REFUSED(dec, 2, FF_ERR_CORRUPT, "DECIMAL(10,0)");
    dec[1].logical_type.decimal_precision = 9;
    ff_schema *ok = NULL;
    ff_error err;
    EXPECT_OK(ff_schema_from_thrift(dec, 2, &ok, &err), &err);
    ff_schema_free(ok);
    ff_pq_schema_element bad_int[] = {group("root", -1, 1),
                                      logical(leaf("i", 0, FF_PHYSICAL_INT32), FF_LT_INTEGER)};
    bad_int[1].logical_type.int_bit_width = 7;
    REFUSED(bad_int, 2, FF_ERR_CORRUPT, "bit width 7");

    /* Depth: a chain of groups one level too deep, and one that just fits. */
    enum { chain_len = FF_SCHEMA_MAX_DEPTH + 2 };
    ff_pq_schema_element chain[chain_len];
    chain[0] = group("root", -1, 1);
    for (int level = 1; level < chain_len - 1; level++)
        chain[level] = group("g", FF_PQ_OPTIONAL, 1);
    chain[chain_len - 1] = leaf("x", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32);
    REFUSED(chain, chain_len, FF_ERR_LIMIT, "deeper than");
    chain[chain_len - 2] = leaf("x", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32);
    ff_schema *deep = NULL;
    EXPECT_OK(ff_schema_from_thrift(chain, chain_len - 1, &deep, &err), &err);
    if (deep) {
        EXPECT_EQ_INT(deep->leaves[0]->depth, FF_SCHEMA_MAX_DEPTH);
        EXPECT_EQ_INT(deep->leaves[0]->max_def, FF_SCHEMA_MAX_DEPTH);
        char path[32];
        ff_schema_node_path(deep->leaves[0], path, sizeof path);
        EXPECT_EQ_STR(path, "g.g.g.g.g.g.g.g.g.g.g.g.g.g.g.g");
    }
    ff_schema_free(deep);

    /* Width: more elements than the limit. */
    int32_t wide_len = FF_SCHEMA_MAX_NODES + 1;
    ff_pq_schema_element *wide = calloc((size_t)wide_len, sizeof *wide);
    wide[0] = group("root", -1, wide_len - 1);
    for (int32_t el_idx = 1; el_idx < wide_len; el_idx++)
        wide[el_idx] = leaf("c", FF_PQ_OPTIONAL, FF_PHYSICAL_INT32);
    REFUSED(wide, wide_len, FF_ERR_LIMIT, "more than");
    ff_schema *wide_ok = NULL;
    wide[0].num_children = wide_len - 2;
    EXPECT_OK(ff_schema_from_thrift(wide, wide_len - 1, &wide_ok, &err), &err);
    EXPECT_TRUE(wide_ok && wide_ok->num_leaves == wide_len - 2);
    ff_schema_free(wide_ok);
    free(wide);
}

FF_TEST(empty_root_is_a_schema_without_columns) {
    ff_pq_schema_element els[] = {group("root", -1, 0)};
    ff_schema *schema = NULL;
    ff_error err;
    EXPECT_OK(ff_schema_from_thrift(els, 1, &schema, &err), &err);
    EXPECT_TRUE(schema && schema->num_leaves == 0 && schema->root->num_children == 0);
    EXPECT_TRUE(schema && ff_schema_find_top(schema, "x") == NULL);
    ff_schema_free(schema);
    ff_schema_free(NULL);
}

FF_TEST_MAIN(FF_CASE(corpus_column_types_match_expected), FF_CASE(nested_schema_levels_and_paths),
             FF_CASE(converted_types_resolve),
             FF_CASE(logical_types_resolve_and_win_over_converted),
             FF_CASE(hostile_schemas_are_refused), FF_CASE(empty_root_is_a_schema_without_columns))
