/* Filter benchmark: loads the three predicate columns of a trades file into memory
 * (untimed), then evaluates
 *     product_id = 'BTC-USD' AND spread_bps > 500 AND side = 'sell'
 * over every batch single-threaded, best of two passes, and prints one JSON line with the
 * time, the rows scanned and the rows matched (DuckDB's count(*) must agree). */
#include <fluxforge/expr.h>
#include <fluxforge/reader.h>

#include "parquet/schema/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: bench_filter TRADES.parquet\n");
        return 2;
    }
    static const char *const names[3] = {"product_id", "spread_bps", "side"};
    ff_error err;
    ff_error_clear(&err);
    ff_reader *reader = NULL;
    ff_expr *expr = NULL;
    ff_batch *batches = NULL;
    ff_selection sel;
    ff_selection_init(&sel);
    int32_t num_batches = 0;
    int exit_code = 1;
    if (ff_reader_open(argv[1], NULL, &reader, &err) != FF_OK)
        goto fail;
    const ff_schema *schema = ff_reader_schema(reader);
    ff_field fields[3];
    int32_t columns[3];
    for (int field_idx = 0; field_idx < 3; field_idx++) {
        const ff_schema_node *node = ff_schema_find_top(schema, names[field_idx]);
        if (!node || !node->is_leaf) {
            ff_error_set(&err, FF_ERR_SCHEMA, "%s: no column '%s'", argv[1], names[field_idx]);
            goto fail;
        }
        fields[field_idx] =
            (ff_field){names[field_idx], node->type, node->repetition != FF_PQ_REQUIRED};
        columns[field_idx] = node->leaf_idx;
    }
    ff_table_schema table_schema = {3, fields};
    num_batches = ff_reader_num_row_groups(reader);
    batches = calloc((size_t)num_batches + 1, sizeof *batches);
    if (!batches)
        goto fail;
    int64_t rows = 0;
    for (int32_t rg_idx = 0; rg_idx < num_batches; rg_idx++) {
        if (ff_reader_read_row_group(reader, rg_idx, columns, 3, &batches[rg_idx], &err) != FF_OK)
            goto fail;
        rows += batches[rg_idx].num_rows;
    }
    ff_expr_options options;
    ff_expr_options_init(&options);
    options.kind = FF_EXPR_PREDICATE;
    const char *text = "product_id = 'BTC-USD' AND spread_bps > 500 AND side = 'sell'";
    if (ff_expr_compile(text, &table_schema, &options, &expr, &err) != FF_OK)
        goto fail;
    double best = 1e300;
    int64_t matched = 0;
    for (int pass = 0; pass < 2; pass++) {
        double start = now_seconds();
        matched = 0;
        for (int32_t batch_idx = 0; batch_idx < num_batches; batch_idx++) {
            if (ff_expr_filter(expr, &batches[batch_idx], &sel, &err) != FF_OK)
                goto fail;
            matched += sel.num_rows;
        }
        double seconds = now_seconds() - start;
        if (seconds < best)
            best = seconds;
    }
    printf("{\"peer\":\"fluxforge\",\"seconds\":%.6f,\"rows\":%lld,\"matched\":%lld}\n", best,
           (long long)rows, (long long)matched);
    exit_code = 0;
    goto done;
fail:
    fprintf(stderr, "bench_filter: %s\n", err.message[0] ? err.message : "out of memory");
done:
    ff_selection_free(&sel);
    ff_expr_free(expr);
    for (int32_t batch_idx = 0; batches && batch_idx < num_batches; batch_idx++)
        ff_batch_free(&batches[batch_idx]);
    free(batches);
    ff_reader_free(reader);
    return exit_code;
}
