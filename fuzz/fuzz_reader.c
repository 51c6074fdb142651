/* libFuzzer target for the Parquet file reader: the input is a whole Parquet file in
 * memory. It is opened, every row group is read and every row rendered (the fingerprint
 * path, which drives record assembly and value formatting), and the statistics, page
 * indexes and bloom filters of every chunk are looked up; each chunk is also checked and
 * described for a copy as encoded bytes (chunk_copy.h), as a rewrite that keeps it would. Any
 * status is fine; the sanitizers judge. The decoded-size limit keeps a hostile count from asking
 * for more memory than libFuzzer's RSS limit, which would be reported as a crash. */
#include "parquet/file/chunk_copy.h"
#include "parquet/file/file_reader.h"

#include <fluxforge/reader.h>
#include <fluxforge/writer.h>

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ff_reader_options options;
    ff_reader_options_init(&options);
    options.max_chunk_bytes = (size_t)64 << 20;
    ff_error err;
    ff_reader *reader = NULL;
    if (ff_reader_open_memory(data, size, "fuzz.parquet", &options, &reader, &err) != FF_OK)
        return 0;
    uint64_t fingerprint = 0;
    (void)ff_reader_fingerprint(reader, &fingerprint, NULL, &err);
    int32_t num_row_groups = ff_reader_num_row_groups(reader);
    int32_t num_columns = ff_reader_num_columns(reader);
    for (int32_t rg_idx = 0; rg_idx < num_row_groups && rg_idx < 16; rg_idx++) {
        for (int32_t col_idx = 0; col_idx < num_columns && col_idx < 64; col_idx++) {
            ff_column_stats stats;
            (void)ff_reader_column_stats(reader, rg_idx, col_idx, &stats, &err);
            ff_arena arena;
            ff_arena_init(&arena, (size_t)16 << 20);
            ff_pq_column_index column_index;
            ff_pq_offset_index offset_index;
            bool present;
            (void)ff_reader_read_column_index(reader, rg_idx, col_idx, &arena, &column_index,
                                              &present, &err);
            (void)ff_reader_read_offset_index(reader, rg_idx, col_idx, &arena, &offset_index,
                                              &present, &err);
            if (ff_writer_can_copy_column(reader, rg_idx, col_idx)) {
                ff_pq_column_chunk copy;
                (void)ff_chunk_copy_metadata(ff_reader_column_chunk(reader, rg_idx, col_idx), 4096,
                                             true, &arena, &copy, &err);
                ff_buf blob;
                ff_buf_init(&blob, 0);
                int64_t blob_offset = 0;
                int32_t blob_len = 0;
                (void)ff_chunk_copy_offset_index(reader, rg_idx, col_idx, 4096, &blob, &present,
                                                 &blob_offset, &blob_len, &err);
                ff_buf_free(&blob);
            }
            ff_arena_free(&arena);
            ff_bloom_filter filter;
            if (ff_reader_read_bloom_filter(reader, rg_idx, col_idx, &filter, &present, &err) ==
                    FF_OK &&
                present)
                (void)ff_bloom_filter_might_contain_value(&filter, "fuzz", 4);
        }
    }
    ff_reader_free(reader);
    return 0;
}
