/* Reader benchmark: decodes every column of every row group of one Parquet file into memory,
 * single-threaded, reusing one batch, and prints one JSON line with the time and the
 * uncompressed size of the column chunks (the bytes DuckDB and FluxForge both decode). */
#include <fluxforge/reader.h>

#include "parquet/thrift/metadata.h"

#include <stdio.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: bench_read FILE.parquet\n");
        return 2;
    }
    ff_error err;
    ff_error_clear(&err);
    ff_reader *reader = NULL;
    ff_batch batch = {0};
    int exit_code = 1;
    double start = now_seconds();
    if (ff_reader_open(argv[1], NULL, &reader, &err) != FF_OK)
        goto fail;
    int64_t uncompressed_bytes = 0;
    const ff_pq_file_metadata *md = ff_reader_metadata(reader);
    for (int32_t rg_idx = 0; rg_idx < md->num_row_groups; rg_idx++)
        for (int32_t col_idx = 0; col_idx < md->row_groups[rg_idx].num_columns; col_idx++)
            uncompressed_bytes +=
                md->row_groups[rg_idx].columns[col_idx].meta_data.total_uncompressed_size;
    int64_t rows = 0;
    for (int32_t rg_idx = 0; rg_idx < ff_reader_num_row_groups(reader); rg_idx++) {
        if (ff_reader_read_row_group(reader, rg_idx, NULL, -1, &batch, &err) != FF_OK)
            goto fail;
        rows += batch.num_rows;
    }
    double seconds = now_seconds() - start;
    printf("{\"peer\":\"fluxforge\",\"seconds\":%.6f,\"rows\":%lld,\"uncompressed_bytes\":%lld}\n",
           seconds, (long long)rows, (long long)uncompressed_bytes);
    exit_code = 0;
    goto done;
fail:
    fprintf(stderr, "bench_read: %s\n", err.message);
done:
    ff_batch_free(&batch);
    ff_reader_free(reader);
    return exit_code;
}
