/* Predicate pruning and evaluation for `cat --where` (see cli_where.h). The facts handed to
 * the range analysis come from the ops layer's builders (src/ops/scan.c), so that a scan
 * skips exactly what delete or update would skip for the same predicate. */
#include "cli/cli_where.h"

#include "ops/ops_internal.h"
#include "util/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cli_where {
    const ff_cli_files *files;
    char *text;                /* the predicate with the --partition pairs AND-ed in */
    ops_schema schema;         /* dataset schema: partition pruning and --explain */
    bool has_union;            /* schema covers every file, not just the first */
    int32_t *partition_fields; /* schema field of each partition column */
    ff_expr *global;
    ff_column_facts *facts; /* one per schema field */
    cli_where_counts counts;
    const char *last_dir; /* partition directory of the previous file, for counting */
    /* The current file: the schema's fields with the file's own types, the leaf column each
     * reads (-1: absent, so NULL or the directory value), the predicate compiled for it. */
    size_t file_idx;
    ff_reader *reader;
    ff_field *fields;
    int32_t *leaf_of;
    ff_expr *expr;
    ff_batch probe;      /* the predicate's columns as read */
    ff_batch view;       /* shallow views in schema order, what the predicate sees */
    ff_vector *fills;    /* per field: NULLs or the directory value, for absent columns */
    int32_t *read_cols;  /* leaf columns the predicate reads */
    int32_t *read_field; /* the field each of them fills */
    ff_selection sel;
};

static bool is_dataset(const cli_where *where) {
    return where->files->discovery != NULL;
}

/* The dataset schema from the first file (or every file), plus partition columns no file
 * stores, typed as strings since only the directory knows them. */
static ff_status load_schema(cli_where *where, bool all_files, ff_error *err) {
    ops_schema_free(&where->schema);
    ops_schema_init(&where->schema);
    size_t num_files = all_files ? where->files->count : (where->files->count ? 1 : 0);
    for (size_t file_idx = 0; file_idx < num_files; file_idx++) {
        ff_reader *reader = NULL;
        ff_status status = ff_reader_open(where->files->paths[file_idx], NULL, &reader, err);
        if (status == FF_OK)
            status = ops_schema_merge(&where->schema, ff_reader_schema(reader),
                                      where->files->relative[file_idx], err);
        ff_reader_free(reader);
        if (status != FF_OK)
            return status;
    }
    where->has_union = all_files;
    const ff_discovery *discovery = where->files->discovery;
    for (size_t col = 0; discovery && col < discovery->num_partition_columns; col++) {
        const char *name = discovery->partition_columns[col];
        if (ops_schema_find(&where->schema, name) < 0) {
            ff_type string_type = {.physical = FF_PHYSICAL_BYTE_ARRAY,
                                   .logical = FF_LOGICAL_STRING};
            FF_FORWARD_IF_ERROR(ops_schema_add(&where->schema, name, &string_type, err));
        }
        where->partition_fields[col] = ops_schema_find(&where->schema, name);
    }
    return FF_OK;
}

/* where AND "k1" = 'v1' AND ...: --partition is a shorthand for a predicate on the partition
 * column, so it prunes through the same analysis and compares typed (date=2025-11-26 matches
 * a DATE column). */
static ff_status build_text(cli_where *where, const char *text, char *const *partitions,
                            size_t num_partitions, ff_error *err) {
    ff_buf buf, quoted;
    ff_buf_init(&buf, 0);
    ff_buf_init(&quoted, 0);
    ff_status status = FF_OK;
    if (text)
        FF_CHECK_GOTO(status, ff_buf_printf(&buf, err, "(%s)", text), cleanup);
    const ff_discovery *discovery = where->files->discovery;
    for (size_t pair_idx = 0; pair_idx < num_partitions; pair_idx++) {
        const char *pair = partitions[pair_idx];
        const char *eq = strchr(pair, '=');
        size_t name_len = eq ? (size_t)(eq - pair) : 0;
        bool found = false;
        for (size_t col = 0; discovery && eq && col < discovery->num_partition_columns; col++)
            found |= strlen(discovery->partition_columns[col]) == name_len &&
                     !memcmp(discovery->partition_columns[col], pair, name_len);
        if (!found) {
            ff_buf names;
            ff_buf_init(&names, 0);
            for (size_t col = 0; discovery && col < discovery->num_partition_columns; col++)
                ff_buf_printf(&names, err, "%s%s", col ? ", " : "",
                              discovery->partition_columns[col]);
            status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                  "--partition '%s': %s (partition columns: %s)", pair,
                                  eq ? "not a partition column" : "expected K=V",
                                  names.len ? (const char *)names.data : "none");
            ff_buf_free(&names);
            goto cleanup;
        }
        char name[FF_PARTITION_SEGMENT_MAX + 1];
        snprintf(name, sizeof name, "%.*s", (int)name_len, pair);
        if (buf.len)
            FF_CHECK_GOTO(status, ff_buf_printf(&buf, err, " AND "), cleanup);
        FF_CHECK_GOTO(status, ops_quote_name(name, &quoted, err), cleanup);
        FF_CHECK_GOTO(status, ff_buf_append(&buf, quoted.data, quoted.len, err), cleanup);
        if (!strcmp(eq + 1, FF_HIVE_DEFAULT_PARTITION)) {
            FF_CHECK_GOTO(status, ff_buf_printf(&buf, err, " IS NULL"), cleanup);
            continue;
        }
        FF_CHECK_GOTO(status, ff_buf_printf(&buf, err, " = '"), cleanup);
        for (const char *p = eq + 1; *p; p++) {
            if (*p == '\'')
                FF_CHECK_GOTO(status, ff_buf_append_byte(&buf, '\'', err), cleanup);
            FF_CHECK_GOTO(status, ff_buf_append_byte(&buf, (uint8_t)*p, err), cleanup);
        }
        FF_CHECK_GOTO(status, ff_buf_printf(&buf, err, "'"), cleanup);
    }
    where->text = strndup(buf.len ? (const char *)buf.data : "TRUE", buf.len ? buf.len : 4);
    if (!where->text)
        status = ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
cleanup:
    ff_buf_free(&buf);
    ff_buf_free(&quoted);
    return status;
}

/* Compiles text against the dataset schema; when that fails on the first file's schema, loads
 * the union over every file (the column may live only in later files) and tries again. */
static ff_status compile_global(cli_where *where, const char *text, const char *label,
                                ff_expr **out, ff_error *err) {
    ff_expr_options eopts;
    ff_expr_options_init(&eopts);
    eopts.kind = FF_EXPR_PREDICATE;
    ff_table_schema table = ops_schema_table(&where->schema);
    ff_status status = ff_expr_compile(text, &table, &eopts, out, err);
    if (status == FF_ERR_EXPR_TYPE && !where->has_union && where->files->count > 1) {
        /* A second failure is reported against the union: its suggestions know every
         * column. */
        ff_error_clear(err);
        FF_FORWARD_IF_ERROR(load_schema(where, true, err));
        table = ops_schema_table(&where->schema);
        status = ff_expr_compile(text, &table, &eopts, out, err);
    }
    if (status != FF_ERR_EXPR_TYPE && status != FF_ERR_EXPR_SYNTAX)
        return status;
    if (strcmp(label, "--where"))
        ff_error_prefix(err, "%s: %s", label, where->text);
    else
        ff_error_prefix(err, "--where");
    return status;
}

ff_status cli_where_open(const char *text, char *const *partitions, size_t num_partitions,
                         const ff_cli_files *files, cli_where **out, ff_error *err) {
    ff_status status = FF_OK;
    cli_where *where = calloc(1, sizeof *where);
    if (!where)
        return ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
    where->files = files;
    ops_schema_init(&where->schema);
    ff_selection_init(&where->sel);
    size_t num_partition_columns = files->discovery ? files->discovery->num_partition_columns : 0;
    where->partition_fields = calloc(num_partition_columns + 1, sizeof(int32_t));
    if (!where->partition_fields) {
        status = ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
        goto cleanup;
    }
    FF_CHECK_GOTO(status, build_text(where, text, partitions, num_partitions, err), cleanup);
    FF_CHECK_GOTO(status, load_schema(where, false, err), cleanup);
    /* The user's text alone first, so that error offsets point into what they typed. */
    if (text) {
        FF_CHECK_GOTO(status, compile_global(where, text, "--where", &where->global, err), cleanup);
        ff_expr_free(where->global);
        where->global = NULL;
    }
    /* Offsets of a --partition error point into the combined predicate, so it is quoted. */
    FF_CHECK_GOTO(status, compile_global(where, where->text, "--partition", &where->global, err),
                  cleanup);
    size_t num_fields = (size_t)where->schema.num_fields + 1;
    where->facts = calloc(num_fields, sizeof *where->facts);
    where->fields = calloc(num_fields, sizeof *where->fields);
    where->leaf_of = calloc(num_fields, sizeof *where->leaf_of);
    where->fills = calloc(num_fields, sizeof *where->fills);
    where->read_cols = calloc(num_fields, sizeof *where->read_cols);
    where->read_field = calloc(num_fields, sizeof *where->read_field);
    where->view.columns = calloc(num_fields, sizeof *where->view.columns);
    if (!where->facts || !where->fields || !where->leaf_of || !where->fills || !where->read_cols ||
        !where->read_field || !where->view.columns) {
        status = ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
        goto cleanup;
    }
    where->view.num_columns = where->schema.num_fields;
    FF_CHECK_GOTO(status, ff_batch_init(&where->probe, 0, err), cleanup);
    *out = where;
    return FF_OK;
cleanup:
    cli_where_free(where);
    return status;
}

void cli_where_free(cli_where *where) {
    if (!where)
        return;
    for (int32_t field_idx = 0; where->fills && field_idx < where->schema.num_fields; field_idx++)
        ff_vector_free(&where->fills[field_idx]);
    ff_expr_free(where->global);
    ff_expr_free(where->expr);
    ops_schema_free(&where->schema);
    ff_batch_free(&where->probe);
    ff_selection_free(&where->sel);
    free(where->view.columns);
    free(where->fills);
    free(where->read_cols);
    free(where->read_field);
    free(where->facts);
    free(where->fields);
    free(where->leaf_of);
    free(where->partition_fields);
    free(where->text);
    free(where);
}

const char *cli_where_explain(const cli_where *where) {
    return ff_expr_explain(where->global);
}

const cli_where_counts *cli_where_get_counts(const cli_where *where) {
    return &where->counts;
}

const ff_selection *cli_where_selection(const cli_where *where) {
    return &where->sel;
}

bool cli_where_file_may_match(cli_where *where, size_t file_idx) {
    where->counts.files++;
    if (!is_dataset(where))
        return true;
    const ff_dataset_file *file = &where->files->discovery->files[file_idx];
    bool is_new_dir = !where->last_dir || strcmp(where->last_dir, file->partition_dir);
    where->last_dir = file->partition_dir;
    if (is_new_dir)
        where->counts.partitions++;
    for (int32_t field_idx = 0; field_idx < where->schema.num_fields; field_idx++)
        ff_column_facts_init(&where->facts[field_idx]);
    ops_partition_facts(where->schema.fields, where->partition_fields, where->files->discovery,
                        file, where->facts);
    if (ff_expr_analyze(where->global, where->facts, -1) != FF_EXPR_ALWAYS_FALSE)
        return true;
    /* Files are sorted by path, so a partition's files are consecutive. */
    if (is_new_dir)
        where->counts.partitions_skipped++;
    where->counts.files_skipped++;
    return false;
}

/* The directory value of partition column field_idx for the current file, if it is one. */
static const ff_partition_value *partition_value(const cli_where *where, int32_t field_idx) {
    if (!is_dataset(where))
        return NULL;
    const ff_discovery *discovery = where->files->discovery;
    for (size_t col = 0; col < discovery->num_partition_columns; col++)
        if (where->partition_fields[col] == field_idx)
            return &discovery->files[where->file_idx].values[col];
    return NULL;
}

ff_status cli_where_begin_file(cli_where *where, size_t file_idx, ff_reader *reader,
                               ff_error *err) {
    where->file_idx = file_idx;
    where->reader = reader;
    ff_expr_free(where->expr);
    where->expr = NULL;
    const ff_schema_node *root = ff_reader_schema(reader)->root;
    for (int32_t field_idx = 0; field_idx < where->schema.num_fields; field_idx++) {
        where->fields[field_idx] = where->schema.fields[field_idx];
        where->leaf_of[field_idx] = -1;
        for (int32_t child_idx = 0; child_idx < root->num_children; child_idx++) {
            const ff_schema_node *node = root->children[child_idx];
            if (strcmp(node->name, where->schema.fields[field_idx].name) || !node->is_leaf ||
                node->repetition == FF_PQ_REPEATED)
                continue;
            where->fields[field_idx].type = node->type;
            where->leaf_of[field_idx] = node->leaf_idx;
        }
    }
    ff_table_schema table = {where->schema.num_fields, where->fields};
    ff_expr_options eopts;
    ff_expr_options_init(&eopts);
    eopts.kind = FF_EXPR_PREDICATE;
    ff_status status = ff_expr_compile(where->text, &table, &eopts, &where->expr, err);
    if (status != FF_OK)
        ff_error_prefix(err, "%s: --where", where->files->relative[file_idx]);
    return status;
}

/* A vector of num_rows copies of the directory value (or NULLs) for an absent column. */
static ff_status fill_absent(cli_where *where, int32_t field_idx, int64_t num_rows, ff_error *err) {
    ff_vector *fill = &where->fills[field_idx];
    ff_vector_free(fill);
    ff_vector_init(fill, &where->fields[field_idx].type);
    const ff_partition_value *value = partition_value(where, field_idx);
    if (!value || value->is_null || fill->type.physical != FF_PHYSICAL_BYTE_ARRAY)
        return ops_vector_append_nulls(fill, num_rows, err);
    size_t total;
    if (__builtin_mul_overflow(value->len, (size_t)num_rows, &total))
        return ff_error_set(err, FF_ERR_LIMIT, "partition value too long");
    FF_FORWARD_IF_ERROR(ff_vector_reserve(fill, num_rows, total, false, err));
    for (int64_t row = 0; row < num_rows; row++) {
        memcpy(fill->values + (size_t)row * value->len, value->bytes, value->len);
        fill->offsets[row + 1] = (int64_t)((size_t)(row + 1) * value->len);
    }
    fill->length = num_rows;
    fill->values_len = total;
    return FF_OK;
}

ff_status cli_where_row_group(cli_where *where, int32_t row_group_idx, cli_rg_plan *plan,
                              ff_error *err) {
    int64_t num_rows = ff_reader_row_group_num_rows(where->reader, row_group_idx);
    int32_t num_fields = where->schema.num_fields;
    where->counts.row_groups++;
    FF_FORWARD_IF_ERROR(ops_row_group_facts(where->reader, row_group_idx, num_rows, where->fields,
                                            num_fields, where->leaf_of, 0, where->facts, err));
    /* A row's in-file partition value equals its directory's (verify checks it), so the
     * directory value is an exact fact even for a column the file stores. */
    if (is_dataset(where))
        ops_partition_facts(where->fields, where->partition_fields, where->files->discovery,
                            &where->files->discovery->files[where->file_idx], where->facts);
    ff_expr_truth truth = ff_expr_analyze(where->expr, where->facts, num_rows);
    if (truth == FF_EXPR_ALWAYS_FALSE) {
        where->counts.row_groups_skipped_stats++;
        *plan = CLI_RG_SKIP;
        return FF_OK;
    }
    if (truth == FF_EXPR_ALWAYS_TRUE) {
        where->counts.row_groups_all_true++;
        where->counts.rows_matched += num_rows;
        *plan = CLI_RG_ALL;
        return FF_OK;
    }
    where->counts.row_groups_evaluated++;
    int32_t num_used = 0;
    const int32_t *used = ff_expr_columns(where->expr, &num_used);
    int32_t num_read = 0;
    for (int32_t field_idx = 0; field_idx < num_fields; field_idx++)
        ff_vector_init(&where->view.columns[field_idx], &where->fields[field_idx].type);
    for (int32_t used_idx = 0; used_idx < num_used; used_idx++) {
        int32_t field_idx = used[used_idx];
        if (where->leaf_of[field_idx] >= 0) {
            where->read_cols[num_read] = where->leaf_of[field_idx];
            where->read_field[num_read++] = field_idx;
        } else {
            FF_FORWARD_IF_ERROR(fill_absent(where, field_idx, num_rows, err));
            where->view.columns[field_idx] = where->fills[field_idx];
        }
    }
    FF_FORWARD_IF_ERROR(ff_reader_read_row_group(where->reader, row_group_idx, where->read_cols,
                                                 num_read, &where->probe, err));
    for (int32_t read_idx = 0; read_idx < num_read; read_idx++)
        where->view.columns[where->read_field[read_idx]] = where->probe.columns[read_idx];
    where->view.num_rows = num_rows;
    ff_status status = ff_expr_filter(where->expr, &where->view, &where->sel, err);
    if (status != FF_OK) {
        ff_error_prefix(err, "%s: row group %d", where->files->relative[where->file_idx],
                        row_group_idx);
        return status;
    }
    where->counts.rows_evaluated += num_rows;
    where->counts.rows_matched += where->sel.num_rows;
    *plan = where->sel.num_rows ? CLI_RG_SOME : CLI_RG_SKIP;
    return FF_OK;
}
