/* Writer benchmark, FluxForge side (issue 3; driven by bench/run.sh next to
 * peers/duckdb_write.mjs and peers/polars_write.mjs): reads FILE into memory with the reader
 * (untimed), then times writing every row to OUT with the writer's defaults (ZSTD level 3,
 * dictionary, page index, statistics), single-threaded, and prints one JSON line:
 *   {"peer":"fluxforge","seconds":S,"cpu_seconds":C,"bytes":B,"rows":N,"input_mb":M}
 * where input_mb is the in-memory (Arrow layout) size of the data written and cpu_seconds
 * the process CPU time of the timed part (steadier than wall time on a shared machine).
 *   bench_write FILE OUT */
#include <fluxforge/reader.h>
#include <fluxforge/writer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double clock_seconds(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t batch_bytes(const ff_batch *batch) {
    size_t bytes = 0;
    for (int32_t col = 0; col < batch->num_columns; col++) {
        const ff_vector *vec = &batch->columns[col];
        int32_t width = ff_type_value_width(&vec->type);
        bytes += width ? (size_t)vec->length * (size_t)width
                       : vec->values_len + (size_t)vec->length * sizeof(int64_t);
    }
    return bytes;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_write FILE OUT\n");
        return 2;
    }
    ff_error err;
    ff_error_clear(&err);
    ff_reader *reader = NULL;
    if (ff_reader_open(argv[1], NULL, &reader, &err) != FF_OK) {
        fprintf(stderr, "bench_write: %s\n", err.message);
        return 1;
    }
    int32_t num_row_groups = ff_reader_num_row_groups(reader);
    ff_batch *batches = calloc((size_t)num_row_groups + 1, sizeof(ff_batch));
    size_t input_bytes = 0;
    int64_t rows = 0;
    int status = 0;
    for (int32_t rg = 0; rg < num_row_groups; rg++) {
        if (ff_reader_read_row_group(reader, rg, NULL, -1, &batches[rg], &err) != FF_OK) {
            fprintf(stderr, "bench_write: %s\n", err.message);
            status = 1;
            goto done;
        }
        input_bytes += batch_bytes(&batches[rg]);
        rows += batches[rg].num_rows;
    }
    double start = clock_seconds(CLOCK_MONOTONIC);
    double cpu_start = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    ff_writer *writer = NULL;
    if (ff_writer_open(argv[2], ff_reader_schema(reader), NULL, &writer, &err) != FF_OK) {
        fprintf(stderr, "bench_write: %s\n", err.message);
        status = 1;
        goto done;
    }
    for (int32_t rg = 0; rg < num_row_groups && status == 0; rg++)
        if (ff_writer_write_batch(writer, &batches[rg], &err) != FF_OK)
            status = 1;
    if (status == 0 && ff_writer_close(writer, &err) != FF_OK)
        status = 1;
    double seconds = clock_seconds(CLOCK_MONOTONIC) - start;
    double cpu_seconds = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    ff_writer_free(writer);
    if (status != 0) {
        fprintf(stderr, "bench_write: %s\n", err.message);
        goto done;
    }
    struct stat st;
    stat(argv[2], &st);
    printf("{\"peer\":\"fluxforge\",\"seconds\":%.4f,\"cpu_seconds\":%.4f,\"bytes\":%lld,"
           "\"rows\":%lld,\"input_mb\":%.1f}\n",
           seconds, cpu_seconds, (long long)st.st_size, (long long)rows,
           (double)input_bytes / 1048576.0);
done:
    for (int32_t rg = 0; rg < num_row_groups; rg++)
        ff_batch_free(&batches[rg]);
    free(batches);
    ff_reader_free(reader);
    return status;
}
