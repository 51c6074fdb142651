/* libFuzzer target for the Parquet file reader: the input is a whole Parquet file in
 * memory. It is opened, every row group is read and every row rendered (the fingerprint
 * path, which drives record assembly and value formatting), and the statistics, page
 * indexes and bloom filters of every chunk are looked up. Any status is fine; the
 * sanitizers judge. The decoded-size limit keeps a hostile count from asking for more
 * memory than libFuzzer's RSS limit, which would be reported as a crash. */
#include "parquet/file/file_reader.h"

#include <fluxforge/reader.h>

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
