/* Reader benchmark (`make bench`, bench/run.sh "read"): full decode of every column of
 * every row group of FILE into memory, single-threaded, the FluxForge side of the
 * comparison with DuckDB's `CREATE TABLE sink AS SELECT * FROM read_parquet(FILE)`.
 * Prints one JSON line: seconds from open to the last row group decoded (DuckDB's timed
 * statement includes reading the footer too), rows, and the uncompressed bytes the footer
 * declares, from which the summary derives MB/s.
 *   bench_read FILE */
#include <fluxforge/reader.h>

#include "parquet/thrift/metadata.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: bench_read FILE\n");
        return 2;
    }
    ff_error err;
    ff_reader *reader = NULL;
    ff_batch batch = {0};
    double start = now_seconds();
    ff_status status = ff_reader_open(argv[1], NULL, &reader, &err);
    int64_t rows = 0;
    for (int32_t rg_idx = 0; status == FF_OK && rg_idx < ff_reader_num_row_groups(reader);
         rg_idx++) {
        status = ff_reader_read_row_group(reader, rg_idx, NULL, -1, &batch, &err);
        rows += batch.num_rows;
    }
    double seconds = now_seconds() - start;
    if (status != FF_OK) {
        fprintf(stderr, "bench_read: %s\n", err.message);
        ff_batch_free(&batch);
        ff_reader_free(reader);
        return 1;
    }
    int64_t uncompressed = 0;
    const ff_pq_file_metadata *md = ff_reader_metadata(reader);
    for (int32_t rg_idx = 0; rg_idx < md->num_row_groups; rg_idx++)
        for (int32_t col_idx = 0; col_idx < md->row_groups[rg_idx].num_columns; col_idx++)
            uncompressed +=
                md->row_groups[rg_idx].columns[col_idx].meta_data.total_uncompressed_size;
    printf("{\"peer\":\"fluxforge\",\"seconds\":%.6f,\"rows\":%" PRId64
           ",\"uncompressed_bytes\":%" PRId64 "}\n",
           seconds, rows, uncompressed);
    ff_batch_free(&batch);
    ff_reader_free(reader);
    return 0;
}
