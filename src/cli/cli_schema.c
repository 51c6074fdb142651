/* `fluxforge schema PATH [--threads N]`: the Parquet schema tree of a file, one node per line,
 * indented by depth, with the type text of the corpus expected files ("optional INT32", "required
 * FIXED_LEN_BYTE_ARRAY(11) DECIMAL(25,2)", "optional group LIST"). For a dataset directory it
 * prints the first file's schema and then, for every file whose schema differs (schema drift), that
 * file's schema under its name. A dataset's footers are read on
 * --threads threads (ff_read_footers), and printed in path order whatever the count. */
#include "cli/cli.h"
#include "cli/cli_common.h"

#include "parquet/schema/schema.h"
#include "util/mem.h"

#include <fluxforge/ops.h>
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

/* What the walk over the footers prints from. */
typedef struct schema_walk {
    const ff_cli_files *files;
    ff_buf first, current;
} schema_walk;

/* Prints the first file's schema, then each differing one under its name (index order). */
static ff_status print_schema(void *user, size_t file_idx, ff_reader *reader, ff_error *err) {
    schema_walk *walk = user;
    ff_buf *text = file_idx == 0 ? &walk->first : &walk->current;
    ff_buf_reset(text);
    ff_status status = schema_text(ff_reader_schema(reader), text, err);
    if (status != FF_OK)
        return status;
    if (file_idx == 0) {
        fwrite(walk->first.data, 1, walk->first.len, stdout);
    } else if (walk->current.len != walk->first.len ||
               memcmp(walk->current.data, walk->first.data, walk->first.len)) {
        printf("\n# %s has a different schema:\n", walk->files->relative[file_idx]);
        fwrite(walk->current.data, 1, walk->current.len, stdout);
    }
    return FF_OK;
}

int ff_cli_schema(int argc, char **argv) {
    static const char usage[] = "usage: fluxforge schema PATH [--threads N]";
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("%s\n", usage);
        return FF_EXIT_OK;
    }
    const char *path = NULL;
    int64_t threads = 0;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        if (!strcmp(argv[arg_idx], "--threads") && arg_idx + 1 < argc) {
            if (!ff_cli_parse_count(argv[++arg_idx], &threads)) {
                ff_cli_error("schema: --threads wants a count");
                return FF_EXIT_USAGE;
            }
        } else if (argv[arg_idx][0] == '-' || path) {
            ff_cli_error("%s", usage);
            return FF_EXIT_USAGE;
        } else {
            path = argv[arg_idx];
        }
    }
    if (!path) {
        ff_cli_error("%s", usage);
        return FF_EXIT_USAGE;
    }
    ff_cli_files files;
    if (!ff_cli_collect_files(path, &files))
        return FF_EXIT_USAGE;
    int exit_code = FF_EXIT_OK;
    schema_walk walk = {.files = &files};
    ff_buf_init(&walk.first, 0);
    ff_buf_init(&walk.current, 0);
    if (files.count == 0) {
        ff_cli_error("%s: no .parquet files", path);
        exit_code = FF_EXIT_USAGE;
    } else {
        ff_error err;
        ff_error_clear(&err);
        if (ff_read_footers((const char *const *)files.paths, files.count,
                            threads > 8 ? 8 : (int32_t)threads, print_schema, &walk,
                            &err) != FF_OK) {
            fflush(stdout);
            ff_cli_error("%s", err.message);
            exit_code = FF_EXIT_USAGE;
        }
    }
    ff_buf_free(&walk.first);
    ff_buf_free(&walk.current);
    ff_cli_files_free(&files);
    return exit_code;
}
