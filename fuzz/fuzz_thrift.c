/* Fuzz target for the Thrift layer and the schema tree: the input is decoded as a
 * FileMetaData, then as a run of PageHeaders, then as the page-index structs and a bloom
 * filter header; a FileMetaData that decodes has its schema built and is re-encoded, and
 * the re-encoding must decode and encode to the same bytes. An input that ends like a
 * Parquet file ("PAR1" after a 4-byte length) has its footer decoded the same way, so the
 * corpus's .parquet files are useful seeds. A failed check traps; errors are expected. */
#include "parquet/schema/schema.h"
#include "parquet/thrift/metadata.h"

#include <stdint.h>
#include <string.h>

/* Limits the memory one input may make the decoders allocate. */
#define FUZZ_ARENA_LIMIT ((size_t)64 << 20)

static void fuzz_check_stable(const ff_pq_file_metadata *md) {
    ff_error err;
    ff_buf first, second;
    ff_buf_init(&first, 0);
    ff_buf_init(&second, 0);
    ff_arena arena;
    ff_arena_init(&arena, FUZZ_ARENA_LIMIT);
    ff_pq_file_metadata back;
    if (ff_thrift_encode_file_metadata(md, &first, &err) == FF_OK) {
        if (ff_thrift_decode_file_metadata(first.data, first.len, &arena, &back, &err) != FF_OK)
            __builtin_trap();
        if (ff_thrift_encode_file_metadata(&back, &second, &err) != FF_OK)
            __builtin_trap();
        if (first.len != second.len || memcmp(first.data, second.data, first.len) != 0)
            __builtin_trap();
    }
    ff_arena_free(&arena);
    ff_buf_free(&first);
    ff_buf_free(&second);
}

static void fuzz_file_metadata(const uint8_t *data, size_t size) {
    ff_arena arena;
    ff_arena_init(&arena, FUZZ_ARENA_LIMIT);
    ff_error err;
    ff_pq_file_metadata md;
    if (ff_thrift_decode_file_metadata(data, size, &arena, &md, &err) == FF_OK) {
        ff_schema *schema = NULL;
        if (ff_schema_from_thrift(md.schema, md.num_schema, &schema, &err) == FF_OK) {
            char text[256];
            for (int32_t node_idx = 0; node_idx < schema->num_nodes; node_idx++) {
                ff_schema_node_path(&schema->nodes[node_idx], text, sizeof text);
                ff_schema_node_type_text(&schema->nodes[node_idx], text, sizeof text);
            }
            ff_schema *clone = NULL;
            if (ff_schema_clone(schema, &clone, &err) == FF_OK &&
                clone->num_nodes != schema->num_nodes)
                __builtin_trap();
            ff_schema_free(clone);
        }
        ff_schema_free(schema);
        fuzz_check_stable(&md);
    }
    ff_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ff_error err;
    fuzz_file_metadata(data, size);

    /* A footer at the end of a Parquet file. */
    if (size >= 12 && memcmp(data + size - 4, "PAR1", 4) == 0) {
        uint32_t footer_len;
        memcpy(&footer_len, data + size - 8, 4);
        if (footer_len <= size - 8)
            fuzz_file_metadata(data + size - 8 - footer_len, footer_len);
    }

    /* Page headers back to back, as in a column chunk (data pages skipped by size). */
    ff_arena arena;
    ff_arena_init(&arena, FUZZ_ARENA_LIMIT);
    ff_cursor cur;
    ff_cursor_init(&cur, data, size);
    for (int page_idx = 0; page_idx < 64 && ff_cursor_remaining(&cur) > 0; page_idx++) {
        ff_pq_page_header header;
        if (ff_thrift_decode_page_header(&cur, &arena, &header, &err) != FF_OK)
            break;
        ff_buf buf;
        ff_buf_init(&buf, 0);
        (void)ff_thrift_encode_page_header(&header, &buf, &err);
        ff_buf_free(&buf);
        if (header.compressed_page_size < 0 ||
            ff_cursor_skip(&cur, (size_t)header.compressed_page_size, &err) != FF_OK)
            break;
    }

    ff_pq_column_index column_index;
    if (ff_thrift_decode_column_index(data, size, &arena, &column_index, &err) == FF_OK) {
        ff_buf buf;
        ff_buf_init(&buf, 0);
        (void)ff_thrift_encode_column_index(&column_index, &buf, &err);
        ff_buf_free(&buf);
    }
    ff_pq_offset_index offset_index;
    if (ff_thrift_decode_offset_index(data, size, &arena, &offset_index, &err) == FF_OK) {
        ff_buf buf;
        ff_buf_init(&buf, 0);
        (void)ff_thrift_encode_offset_index(&offset_index, &buf, &err);
        ff_buf_free(&buf);
    }
    ff_cursor_init(&cur, data, size);
    ff_pq_bloom_filter_header bloom;
    (void)ff_thrift_decode_bloom_filter_header(&cur, &bloom, &err);
    ff_arena_free(&arena);
    return 0;
}
