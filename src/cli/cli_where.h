/* The predicate side of `fluxforge cat --where E --partition K=V --explain`: which partitions,
 * files, row groups and rows of a scan satisfy the predicate, decided with as little reading
 * as possible (DESIGN.md §6, §9).
 *
 * The predicate is compiled once against the dataset's schema (the first file's columns, or
 * the union over every file when the first file lacks a column it names; partition columns
 * the files do not store are added as strings) for partition pruning, and again per file
 * against that file's own column types. A partition whose directory values make the predicate
 * ALWAYS_FALSE is skipped before its files are opened; a row group whose statistics (and
 * directory values) make it ALWAYS_FALSE is skipped before any page is read, and one that is
 * ALWAYS_TRUE is printed without evaluating anything. Otherwise only the predicate's columns
 * are read and evaluated; the printed columns are read only when some row matched. */
#ifndef FF_CLI_WHERE_H
#define FF_CLI_WHERE_H

#include "cli/cli_common.h"

#include <fluxforge/expr.h>
#include <fluxforge/reader.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct cli_where cli_where;

/* What the scan skipped, for --explain. Counts cover the files the scan reached (a --limit
 * ends it early). */
typedef struct cli_where_counts {
    int64_t partitions, partitions_skipped;
    int64_t files, files_skipped;
    int64_t row_groups, row_groups_skipped_stats; /* row groups of the files opened */
    int64_t row_groups_all_true, row_groups_evaluated;
    int64_t rows_evaluated, rows_matched;
} cli_where_counts;

/* How one row group is to be printed. */
typedef enum cli_rg_plan {
    CLI_RG_SKIP = 0, /* no row matches */
    CLI_RG_ALL = 1,  /* every row matches */
    CLI_RG_SOME = 2, /* the rows of cli_where_selection() match */
} cli_rg_plan;

/* Compiles `where` (may be NULL) AND the --partition K=V pairs (count num_partitions) for the
 * files collected from a path (borrowed until cli_where_free). Caller owns *out; free with
 * cli_where_free().
 * @return FF_OK; FF_ERR_EXPR_SYNTAX / FF_ERR_EXPR_TYPE with "--where: at N: ..." in err;
 *         FF_ERR_INVALID_ARGUMENT for a --partition that names no partition column. */
ff_status cli_where_open(const char *where, char *const *partitions, size_t num_partitions,
                         const ff_cli_files *files, cli_where **out, ff_error *err);
void cli_where_free(cli_where *where);

/* The typed predicate for --explain (owned by where). */
const char *cli_where_explain(const cli_where *where);
const cli_where_counts *cli_where_get_counts(const cli_where *where);

/* False when file file_idx's partition values rule it out; then it need not be opened. */
bool cli_where_file_may_match(cli_where *where, size_t file_idx);

/* Prepares the opened file file_idx (reader borrowed until the next call or free). */
ff_status cli_where_begin_file(cli_where *where, size_t file_idx, ff_reader *reader, ff_error *err);

/* Plans row group row_group_idx of the current file, reading and evaluating the predicate's
 * columns when the statistics cannot decide. */
ff_status cli_where_row_group(cli_where *where, int32_t row_group_idx, cli_rg_plan *plan,
                              ff_error *err);

/* The matching rows of the last CLI_RG_SOME row group, ascending. Owned by where. */
const ff_selection *cli_where_selection(const cli_where *where);

#endif
