/* `fluxforge schema PATH`: the Parquet schema tree of a file, one node per line, indented by
 * depth, with the type text of the corpus expected files ("optional INT32",
 * "required FIXED_LEN_BYTE_ARRAY(11) DECIMAL(25,2)", "optional group LIST"). For a dataset
 * directory it prints the first file's schema and then, for every file whose schema differs
 * (schema drift), that file's schema under its name. */
#include "cli/cli.h"
#include "cli/cli_common.h"

#include "parquet/schema/schema.h"
#include "util/mem.h"

#include <fluxforge/reader.h>

#include <stdio.h>
#include <string.h>

/* Appends the schema text of one file. */
static ff_status schema_text(const ff_schema *schema, ff_buf *out, ff_error *err) {
    for (int32_t node_idx = 1; node_idx < schema->num_nodes; node_idx++) {
        const ff_schema_node *node = &schema->nodes[node_idx];
        char type_text[512];
        ff_schema_node_type_text(node, type_text, sizeof type_text);
        ff_status status = ff_buf_printf(out, err, "%*s%s: %s\n", 2 * (node->depth - 1), "",
                                         node->name, type_text);
        if (status != FF_OK)
            return status;
    }
    return FF_OK;
}

int ff_cli_schema(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: fluxforge schema PATH\n");
        return FF_EXIT_OK;
    }
    if (argc != 2 || argv[1][0] == '-') {
        ff_cli_error("usage: fluxforge schema PATH");
        return FF_EXIT_USAGE;
    }
    ff_cli_files files;
    if (!ff_cli_collect_files(argv[1], &files))
        return FF_EXIT_USAGE;
    int exit_code = FF_EXIT_OK;
    ff_buf first, current;
    ff_buf_init(&first, 0);
    ff_buf_init(&current, 0);
    if (files.count == 0) {
        ff_cli_error("%s: no .parquet files", argv[1]);
        exit_code = FF_EXIT_USAGE;
    }
    for (size_t file_idx = 0; exit_code == FF_EXIT_OK && file_idx < files.count; file_idx++) {
        ff_error err;
        ff_error_clear(&err);
        ff_reader *reader = NULL;
        ff_buf *text = file_idx == 0 ? &first : &current;
        ff_buf_reset(text);
        ff_status status = ff_reader_open(files.paths[file_idx], NULL, &reader, &err);
        if (status == FF_OK)
            status = schema_text(ff_reader_schema(reader), text, &err);
        ff_reader_free(reader);
        if (status != FF_OK) {
            ff_cli_error("%s", err.message);
            exit_code = FF_EXIT_USAGE;
            break;
        }
        if (file_idx == 0) {
            fwrite(first.data, 1, first.len, stdout);
        } else if (current.len != first.len || memcmp(current.data, first.data, first.len)) {
            printf("\n# %s has a different schema:\n", files.relative[file_idx]);
            fwrite(current.data, 1, current.len, stdout);
        }
    }
    ff_buf_free(&first);
    ff_buf_free(&current);
    ff_cli_files_free(&files);
    return exit_code;
}
