/* `fluxforge cat PATH [--columns a,b] [--limit N] [--format table|csv|jsonl]`: prints rows of
 * a file or of every file of a dataset, in file order (row group order, then row order).
 *
 * jsonl writes the canonical row text of ../shared/corpus/README.md, one row per line, so
 * its output is exactly what the fingerprint hashes. csv and table show top-level strings
 * without JSON quoting; nested values stay JSON. table sizes its columns on the first block
 * of rows and keeps that layout, so memory stays bounded however many rows follow. */
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_where.h"

#include "parquet/file/row_text.h"
#include "parquet/schema/schema.h"

#include <fluxforge/reader.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_BLOCK_ROWS 1000
#define TABLE_MAX_WIDTH  40

typedef enum cat_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSONL } cat_format;

typedef struct cat_state {
    cat_format format;
    char **columns; /* --columns, NULL-terminated; NULL for all */
    size_t num_columns;
    int64_t limit; /* -1: no limit */
    int64_t printed;
    bool header_done;
    /* table: one block of cells */
    ff_buf cells;
    size_t *cell_offsets; /* (rows * fields + 1) entries */
    size_t cells_cap;
    int64_t block_rows;
    int32_t num_fields;
    char **field_names; /* borrowed per file; copied for the table header */
    /* Per header column: the current file's cursor field showing it, or -1 when the file
     * lacks the column (a drifted dataset) and the cell is NULL. */
    int32_t *out_map;
    int *widths;
    ff_text_sink out;  /* jsonl / csv output, flushed in chunks */
    ff_text_sink cell; /* one field in display mode */
    ff_text_sink skip; /* rows the predicate rejects: walked past, not printed */
    cli_where *where;  /* NULL without --where / --partition */
} cat_state;

/* Display width of UTF-8 text: code points, not bytes. */
static size_t utf8_width(const char *text, size_t len) {
    size_t width = 0;
    for (size_t byte_idx = 0; byte_idx < len; byte_idx++)
        width += ((unsigned char)text[byte_idx] & 0xc0) != 0x80;
    return width;
}

/* Prints text padded or cut to `width` code points; control characters become spaces. */
static void print_cell(const char *text, size_t len, int width) {
    size_t shown = 0;
    size_t byte_idx = 0;
    size_t total = utf8_width(text, len);
    size_t limit = total > (size_t)width ? (size_t)width - 1 : (size_t)width;
    while (byte_idx < len) {
        size_t char_len = 1;
        while (byte_idx + char_len < len &&
               ((unsigned char)text[byte_idx + char_len] & 0xc0) == 0x80)
            char_len++;
        if (shown == limit)
            break;
        unsigned char c = (unsigned char)text[byte_idx];
        if (c < 0x20)
            putchar(' ');
        else
            fwrite(text + byte_idx, 1, char_len, stdout);
        shown++;
        byte_idx += char_len;
    }
    if (total > (size_t)width) {
        fputs("\xe2\x80\xa6", stdout); /* ellipsis */
        shown++;
    }
    for (; shown < (size_t)width; shown++)
        putchar(' ');
}

static void flush_table(cat_state *st) {
    if (st->block_rows == 0 && st->header_done)
        return;
    if (!st->header_done) {
        for (int32_t field_pos = 0; field_pos < st->num_fields; field_pos++) {
            size_t width =
                utf8_width(st->field_names[field_pos], strlen(st->field_names[field_pos]));
            for (int64_t row_idx = 0; row_idx < st->block_rows; row_idx++) {
                size_t cell_idx = (size_t)(row_idx * st->num_fields + field_pos);
                size_t cell_width =
                    utf8_width((const char *)st->cells.data + st->cell_offsets[cell_idx],
                               st->cell_offsets[cell_idx + 1] - st->cell_offsets[cell_idx]);
                width = cell_width > width ? cell_width : width;
            }
            st->widths[field_pos] = (int)(width > TABLE_MAX_WIDTH ? TABLE_MAX_WIDTH : width);
        }
        for (int32_t field_pos = 0; field_pos < st->num_fields; field_pos++) {
            if (field_pos)
                fputs(" | ", stdout);
            print_cell(st->field_names[field_pos], strlen(st->field_names[field_pos]),
                       st->widths[field_pos]);
        }
        putchar('\n');
        for (int32_t field_pos = 0; field_pos < st->num_fields; field_pos++) {
            if (field_pos)
                fputs("-+-", stdout);
            for (int dash = 0; dash < st->widths[field_pos]; dash++)
                putchar('-');
        }
        putchar('\n');
        st->header_done = true;
    }
    for (int64_t row_idx = 0; row_idx < st->block_rows; row_idx++) {
        for (int32_t field_pos = 0; field_pos < st->num_fields; field_pos++) {
            size_t cell_idx = (size_t)(row_idx * st->num_fields + field_pos);
            if (field_pos)
                fputs(" | ", stdout);
            print_cell((const char *)st->cells.data + st->cell_offsets[cell_idx],
                       st->cell_offsets[cell_idx + 1] - st->cell_offsets[cell_idx],
                       st->widths[field_pos]);
        }
        putchar('\n');
    }
    st->block_rows = 0;
    ff_buf_reset(&st->cells);
}

static void flush_out(cat_state *st) {
    if (st->out.buf.len)
        fwrite(st->out.buf.data, 1, st->out.buf.len, stdout);
    ff_buf_reset(&st->out.buf);
}

/* CSV field: quoted when it holds a separator, quote, line break or edge spaces. */
static void put_csv_field(ff_text_sink *out, const uint8_t *text, size_t len) {
    bool quote = len && (text[0] == ' ' || text[len - 1] == ' ');
    for (size_t byte_idx = 0; byte_idx < len && !quote; byte_idx++)
        quote = text[byte_idx] == ',' || text[byte_idx] == '"' || text[byte_idx] == '\n' ||
                text[byte_idx] == '\r';
    if (!quote) {
        ff_text_sink_put(out, text, len);
        return;
    }
    ff_text_sink_putc(out, '"');
    for (size_t byte_idx = 0; byte_idx < len; byte_idx++) {
        if (text[byte_idx] == '"')
            ff_text_sink_putc(out, '"');
        ff_text_sink_putc(out, (char)text[byte_idx]);
    }
    ff_text_sink_putc(out, '"');
}

/* Renders and emits one row in the chosen format. */
static ff_status emit_row(cat_state *st, ff_row_cursor *cursor, ff_error *err) {
    if (st->format == FORMAT_JSONL) {
        ff_status status = ff_row_cursor_render_row(cursor, &st->out, err);
        if (status != FF_OK)
            return status;
        ff_text_sink_putc(&st->out, '\n');
        if (st->out.buf.len > (1u << 16))
            flush_out(st);
        return st->out.status;
    }
    for (int32_t field_pos = 0; field_pos < st->num_fields; field_pos++) {
        ff_text_sink_reset(&st->cell);
        st->cell.wrote_null = true;
        if (st->out_map[field_pos] >= 0) {
            st->cell.wrote_null = false;
            ff_status status =
                ff_row_cursor_render_field(cursor, st->out_map[field_pos], &st->cell, err);
            if (status != FF_OK)
                return status;
        }
        const uint8_t *text = st->cell.buf.data ? st->cell.buf.data : (const uint8_t *)"";
        size_t len = st->cell.buf.len;
        if (st->cell.wrote_null) {
            text = (const uint8_t *)(st->format == FORMAT_CSV ? "" : "NULL");
            len = st->format == FORMAT_CSV ? 0 : 4;
        }
        if (st->format == FORMAT_CSV) {
            if (field_pos)
                ff_text_sink_putc(&st->out, ',');
            put_csv_field(&st->out, text, len);
        } else {
            size_t cell_idx = (size_t)(st->block_rows * st->num_fields + field_pos);
            st->cell_offsets[cell_idx] = st->cells.len;
            ff_status append = ff_buf_append(&st->cells, text, len, err);
            if (append != FF_OK)
                return append;
            st->cell_offsets[cell_idx + 1] = st->cells.len;
        }
    }
    ff_status status = ff_row_cursor_end_row(cursor, err);
    if (status != FF_OK)
        return status;
    if (st->format == FORMAT_CSV) {
        ff_text_sink_putc(&st->out, '\n');
        if (st->out.buf.len > (1u << 16))
            flush_out(st);
        return st->out.status;
    }
    if (++st->block_rows == TABLE_BLOCK_ROWS)
        flush_table(st);
    return FF_OK;
}

/* Resolves --columns against the file's top-level fields. */
static ff_status choose_fields(cat_state *st, const ff_schema *schema, const char *path,
                               int32_t **fields, int32_t *num_fields, ff_error *err) {
    const ff_schema_node *root = schema->root;
    *num_fields = st->columns ? (int32_t)st->num_columns : root->num_children;
    *fields = calloc((size_t)*num_fields + 1, sizeof(int32_t));
    if (!*fields)
        return ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
    for (int32_t field_pos = 0; field_pos < *num_fields; field_pos++) {
        if (!st->columns) {
            (*fields)[field_pos] = field_pos;
            continue;
        }
        int32_t found = -1;
        for (int32_t child_idx = 0; child_idx < root->num_children; child_idx++)
            if (!strcmp(root->children[child_idx]->name, st->columns[field_pos]))
                found = child_idx;
        if (found < 0)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "%s: no column '%s'", path,
                                st->columns[field_pos]);
        for (int32_t earlier = 0; earlier < field_pos; earlier++)
            if ((*fields)[earlier] == found)
                return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "column '%s' given twice",
                                    st->columns[field_pos]);
        (*fields)[field_pos] = found;
    }
    return FF_OK;
}

/* True when every column the cursor renders is flat: its rows are slots, so a row can be
 * passed over without being rendered. */
static bool cursor_is_flat(const ff_row_cursor *cursor) {
    for (int32_t col_pos = 0; col_pos < cursor->num_leaf_columns; col_pos++)
        if (!cursor->leaves[cursor->leaf_columns[col_pos]].is_flat)
            return false;
    return true;
}

/* Walks past the current row without printing it. Nested columns need the cursor to consume
 * their levels in order, so their rows are rendered into a sink that drops the text. */
static ff_status skip_row(cat_state *st, ff_row_cursor *cursor, bool is_flat, ff_error *err) {
    if (is_flat)
        return ff_row_cursor_end_row(cursor, err);
    ff_status status = ff_row_cursor_render_row(cursor, &st->skip, err);
    ff_text_sink_reset(&st->skip);
    return status;
}

/* Fields of a later file for the header the first file set, by name: a header column the file
 * lacks shows NULL; a column the header lacks is refused unless --columns chose the header
 * (it would otherwise vanish from the output unnoticed). */
static ff_status match_header(cat_state *st, const ff_schema *schema, const char *path,
                              int32_t **fields, int32_t *num_fields, ff_error *err) {
    const ff_schema_node *root = schema->root;
    *num_fields = 0;
    *fields = calloc((size_t)st->num_fields + 1, sizeof(int32_t));
    if (!*fields)
        return ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
    for (int32_t field_pos = 0; field_pos < st->num_fields; field_pos++) {
        st->out_map[field_pos] = -1;
        for (int32_t child_idx = 0; child_idx < root->num_children; child_idx++)
            if (!strcmp(root->children[child_idx]->name, st->field_names[field_pos])) {
                st->out_map[field_pos] = *num_fields;
                (*fields)[(*num_fields)++] = child_idx;
                break;
            }
    }
    if (st->columns || *num_fields == root->num_children)
        return FF_OK;
    for (int32_t child_idx = 0; child_idx < root->num_children; child_idx++) {
        bool is_shown = false;
        for (int32_t field_pos = 0; field_pos < *num_fields; field_pos++)
            is_shown |= (*fields)[field_pos] == child_idx;
        if (!is_shown)
            return ff_error_set(err, FF_ERR_SCHEMA,
                                "%s: column '%s' is not among the first file's columns; choose "
                                "columns with --columns or use --format jsonl",
                                path, root->children[child_idx]->name);
    }
    return FF_OK;
}

static ff_status cat_file(cat_state *st, size_t file_idx, const char *path, ff_error *err) {
    ff_reader *reader = NULL;
    ff_row_cursor cursor;
    ff_batch batch = {0};
    int32_t *fields = NULL;
    int32_t num_fields = 0;
    memset(&cursor, 0, sizeof cursor);
    ff_status status = ff_reader_open(path, NULL, &reader, err);
    if (status != FF_OK)
        goto cleanup;
    const ff_schema *schema = ff_reader_schema(reader);
    if (st->field_names)
        status = match_header(st, schema, path, &fields, &num_fields, err);
    else
        status = choose_fields(st, schema, path, &fields, &num_fields, err);
    if (status != FF_OK)
        goto cleanup;
    status = ff_row_cursor_init(&cursor, schema, fields, num_fields, err);
    if (status != FF_OK)
        goto cleanup;
    if (st->where) {
        status = cli_where_begin_file(st->where, file_idx, reader, err);
        if (status != FF_OK)
            goto cleanup;
    }
    if (!st->field_names && st->format != FORMAT_JSONL) {
        st->num_fields = num_fields;
        st->field_names = calloc((size_t)num_fields + 1, sizeof(char *));
        st->widths = calloc((size_t)num_fields + 1, sizeof(int));
        st->out_map = calloc((size_t)num_fields + 1, sizeof(int32_t));
        if (!st->field_names || !st->widths || !st->out_map) {
            status = ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
            goto cleanup;
        }
        for (int32_t field_pos = 0; field_pos < num_fields; field_pos++) {
            st->out_map[field_pos] = field_pos;
            st->field_names[field_pos] = strdup(cursor.fields[field_pos]->name);
            if (!st->field_names[field_pos]) {
                status = ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
                goto cleanup;
            }
        }
        if (st->format == FORMAT_CSV) {
            for (int32_t field_pos = 0; field_pos < num_fields; field_pos++) {
                if (field_pos)
                    ff_text_sink_putc(&st->out, ',');
                const char *name = st->field_names[field_pos];
                put_csv_field(&st->out, (const uint8_t *)name, strlen(name));
            }
            ff_text_sink_putc(&st->out, '\n');
            st->header_done = true;
        } else {
            size_t cells = (size_t)TABLE_BLOCK_ROWS * (size_t)num_fields + 1;
            st->cell_offsets = calloc(cells, sizeof(size_t));
            if (!st->cell_offsets) {
                status = ff_error_set(err, FF_ERR_NO_MEMORY, "out of memory");
                goto cleanup;
            }
        }
    }
    for (int32_t rg_idx = 0; rg_idx < ff_reader_num_row_groups(reader); rg_idx++) {
        if (st->limit >= 0 && st->printed >= st->limit)
            break;
        cli_rg_plan plan = CLI_RG_ALL;
        if (st->where) {
            status = cli_where_row_group(st->where, rg_idx, &plan, err);
            if (status != FF_OK)
                goto cleanup;
            if (plan == CLI_RG_SKIP)
                continue;
        }
        const ff_selection *sel = plan == CLI_RG_SOME ? cli_where_selection(st->where) : NULL;
        status = ff_reader_read_row_group(reader, rg_idx, cursor.leaf_columns,
                                          cursor.num_leaf_columns, &batch, err);
        if (status != FF_OK)
            goto cleanup;
        status = ff_row_cursor_bind(&cursor, &batch, err);
        if (status != FF_OK)
            goto cleanup;
        int64_t sel_idx = 0;
        bool is_flat = cursor_is_flat(&cursor);
        for (int64_t row_idx = 0; row_idx < batch.num_rows; row_idx++) {
            if (st->limit >= 0 && st->printed >= st->limit)
                break;
            bool is_selected = !sel || (sel_idx < sel->num_rows && sel->rows[sel_idx] == row_idx);
            if (sel && is_selected)
                sel_idx++;
            status = is_selected ? emit_row(st, &cursor, err) : skip_row(st, &cursor, is_flat, err);
            if (status != FF_OK) {
                ff_error_prefix(err, "%s: row group %d", path, rg_idx);
                goto cleanup;
            }
            st->printed += is_selected;
        }
    }
cleanup:
    ff_row_cursor_free(&cursor);
    ff_batch_free(&batch);
    ff_reader_free(reader);
    free(fields);
    return status;
}

static void usage(FILE *out) {
    fprintf(out, "usage: fluxforge cat PATH [--where EXPR] [--partition K=V]... [--explain]\n"
                 "                     [--columns a,b] [--limit N] [--format table|csv|jsonl]\n");
}

/* --explain: the typed predicate and what pruning skipped, on stderr so that stdout stays
 * the rows. */
static void print_explain(const cli_where *where) {
    const cli_where_counts *counts = cli_where_get_counts(where);
    fprintf(stderr, "explain: where %s\n", cli_where_explain(where));
    fprintf(stderr,
            "explain: partitions: %lld, skipped by partition values: %lld\n"
            "explain: files: %lld, skipped by partition values: %lld\n"
            "explain: row groups: %lld, skipped by statistics: %lld, all rows match: %lld, "
            "evaluated: %lld\n"
            "explain: rows evaluated: %lld, rows matched: %lld\n",
            (long long)counts->partitions, (long long)counts->partitions_skipped,
            (long long)counts->files, (long long)counts->files_skipped,
            (long long)counts->row_groups, (long long)counts->row_groups_skipped_stats,
            (long long)counts->row_groups_all_true, (long long)counts->row_groups_evaluated,
            (long long)counts->rows_evaluated, (long long)counts->rows_matched);
}

/* The command itself; `partitions` has room for every argument. */
static int cat_run(int argc, char **argv, char **partitions) {
    cat_state st;
    memset(&st, 0, sizeof st);
    st.limit = -1;
    st.format = FORMAT_TABLE;
    const char *path = NULL;
    const char *columns = NULL;
    const char *where_text = NULL;
    bool explain = false;
    size_t num_partitions = 0;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        const char *arg = argv[arg_idx];
        const char *value = NULL;
        const char *names[] = {"--columns", "--limit", "--format", "--where", "--partition"};
        int option = -1;
        if (!strcmp(arg, "--explain")) {
            explain = true;
            continue;
        }
        for (int name_idx = 0; name_idx < 5; name_idx++) {
            size_t name_len = strlen(names[name_idx]);
            if (!strncmp(arg, names[name_idx], name_len) &&
                (arg[name_len] == '\0' || arg[name_len] == '=')) {
                option = name_idx;
                value = arg[name_len] == '=' ? arg + name_len + 1
                                             : (arg_idx + 1 < argc ? argv[++arg_idx] : NULL);
            }
        }
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return FF_EXIT_OK;
        }
        if (option < 0 && arg[0] == '-') {
            ff_cli_error("cat: unknown option '%s'", arg);
            return FF_EXIT_USAGE;
        }
        if (option < 0) {
            if (path) {
                ff_cli_error("cat: more than one PATH");
                return FF_EXIT_USAGE;
            }
            path = arg;
            continue;
        }
        if (!value) {
            ff_cli_error("cat: %s needs a value", names[option]);
            return FF_EXIT_USAGE;
        }
        if (option == 0) {
            columns = value;
        } else if (option == 3) {
            if (where_text) {
                ff_cli_error("cat: --where given twice (combine the predicates with AND)");
                return FF_EXIT_USAGE;
            }
            where_text = value;
        } else if (option == 4) {
            partitions[num_partitions++] = (char *)value;
        } else if (option == 1) {
            if (!ff_cli_parse_count(value, &st.limit)) {
                ff_cli_error("cat: --limit needs a non-negative number, not '%s'", value);
                return FF_EXIT_USAGE;
            }
        } else if (!strcmp(value, "table")) {
            st.format = FORMAT_TABLE;
        } else if (!strcmp(value, "csv")) {
            st.format = FORMAT_CSV;
        } else if (!strcmp(value, "jsonl")) {
            st.format = FORMAT_JSONL;
        } else {
            ff_cli_error("cat: unknown format '%s' (table, csv or jsonl)", value);
            return FF_EXIT_USAGE;
        }
    }
    if (!path) {
        ff_cli_error("cat: missing PATH");
        usage(stderr);
        return FF_EXIT_USAGE;
    }
    if (columns) {
        st.columns = ff_cli_split_list(columns, &st.num_columns);
        if (!st.columns) {
            ff_cli_error("out of memory");
            return FF_EXIT_USAGE;
        }
        for (size_t column_idx = 0; column_idx < st.num_columns; column_idx++)
            if (!*st.columns[column_idx]) {
                ff_cli_error("cat: empty name in --columns '%s'", columns);
                free(st.columns);
                return FF_EXIT_USAGE;
            }
    }
    ff_cli_files files;
    if (!ff_cli_collect_files(path, &files)) {
        free(st.columns);
        return FF_EXIT_USAGE;
    }
    ff_error err;
    ff_error_clear(&err);
    ff_text_sink_init(&st.out, FF_SINK_BUFFER, &err);
    ff_text_sink_init(&st.cell, FF_SINK_BUFFER, &err);
    ff_text_sink_init(&st.skip, FF_SINK_DISCARD, &err);
    st.cell.bare_strings = true;
    ff_buf_init(&st.cells, 0);
    int exit_code = FF_EXIT_OK;
    if ((where_text || num_partitions || explain) &&
        cli_where_open(where_text, partitions, num_partitions, &files, &st.where, &err) != FF_OK)
        exit_code = FF_EXIT_USAGE;
    for (size_t file_idx = 0; exit_code == FF_EXIT_OK && file_idx < files.count; file_idx++) {
        if (st.limit >= 0 && st.printed >= st.limit)
            break;
        if (st.where && !cli_where_file_may_match(st.where, file_idx))
            continue;
        if (cat_file(&st, file_idx, files.paths[file_idx], &err) != FF_OK) {
            exit_code = FF_EXIT_USAGE;
            break;
        }
    }
    if (st.format == FORMAT_TABLE && st.field_names)
        flush_table(&st);
    flush_out(&st);
    fflush(stdout);
    if (exit_code != FF_EXIT_OK)
        ff_cli_error("%s", err.message);
    else if (explain)
        print_explain(st.where);
    cli_where_free(st.where);
    ff_text_sink_free(&st.skip);
    for (int32_t field_pos = 0; st.field_names && field_pos < st.num_fields; field_pos++)
        free(st.field_names[field_pos]);
    free(st.field_names);
    free(st.widths);
    free(st.out_map);
    free(st.cell_offsets);
    free(st.columns);
    ff_buf_free(&st.cells);
    ff_text_sink_free(&st.out);
    ff_text_sink_free(&st.cell);
    ff_cli_files_free(&files);
    return exit_code;
}

int ff_cli_cat(int argc, char **argv) {
    char **partitions = calloc((size_t)argc + 1, sizeof(char *));
    if (!partitions) {
        ff_cli_error("out of memory");
        return FF_EXIT_USAGE;
    }
    int exit_code = cat_run(argc, argv, partitions);
    free(partitions);
    return exit_code;
}
