/* Page iteration over one column chunk: header decoding, CRC check, decompression into a
 * reused buffer, and the v2 split of levels from values (see page_reader.h). */
#include "parquet/column/page_reader.h"

#include "util/cursor.h"

#include <string.h>

/* Page headers are small; anything this large is a corrupt length, not a real header. */
#define FF_PAGE_HEADER_ARENA_LIMIT (64u << 20)

void ff_page_reader_init(ff_page_reader *reader, const uint8_t *file, size_t data_end,
                         int64_t start, int64_t chunk_end, int32_t codec, bool verify_crc,
                         size_t max_page_size, ff_codec_ctx *codec_ctx, ff_buf *page_buf) {
    memset(reader, 0, sizeof *reader);
    reader->file = file;
    reader->data_end = data_end;
    reader->pos = start;
    reader->chunk_end = chunk_end;
    reader->codec = codec;
    reader->verify_crc = verify_crc;
    reader->max_page_size = max_page_size;
    reader->codec_ctx = codec_ctx;
    reader->page_buf = page_buf;
    reader->page_idx = -1;
    ff_arena_init(&reader->header_arena, FF_PAGE_HEADER_ARENA_LIMIT);
}

void ff_page_reader_release(ff_page_reader *reader) {
    ff_arena_free(&reader->header_arena);
}

/* Decompresses src into the page buffer (exactly dst_len bytes). */
static ff_status inflate_into_buffer(ff_page_reader *reader, const uint8_t *src, size_t src_len,
                                     size_t dst_len, const uint8_t **out, ff_error *err) {
    if (dst_len > reader->max_page_size)
        return ff_error_set(err, FF_ERR_LIMIT,
                            "uncompressed page size %zu exceeds the limit of %zu bytes", dst_len,
                            reader->max_page_size);
    ff_buf *buf = reader->page_buf;
    ff_buf_reset(buf);
    ff_status status = ff_buf_reserve(buf, dst_len, err);
    if (status != FF_OK)
        return status;
    status = ff_codec_decompress(reader->codec_ctx, reader->codec, src, src_len, buf->data, dst_len,
                                 err);
    if (status != FF_OK)
        return status;
    buf->len = dst_len;
    *out = buf->data;
    return FF_OK;
}

/* Fills the v1 / dictionary body: the whole page, decompressed. */
static ff_status read_body(ff_page_reader *reader, const ff_pq_page_header *header,
                           const uint8_t *data, ff_page *page, ff_error *err) {
    size_t stored_len = (size_t)header->compressed_page_size;
    if (reader->codec == FF_CODEC_UNCOMPRESSED) {
        page->body = data;
        page->body_len = stored_len;
        return FF_OK;
    }
    page->body_len = (size_t)header->uncompressed_page_size;
    return inflate_into_buffer(reader, data, stored_len, page->body_len, &page->body, err);
}

/* Fills the v2 level and value sections. */
static ff_status read_v2_sections(ff_page_reader *reader, const ff_pq_page_header *header,
                                  const uint8_t *data, ff_page *page, ff_error *err) {
    const ff_pq_data_page_header_v2 *v2 = &header->data_page_header_v2;
    if (v2->repetition_levels_byte_length < 0 || v2->definition_levels_byte_length < 0)
        return ff_error_set(err, FF_ERR_CORRUPT, "negative level section length");
    size_t levels_len =
        (size_t)v2->repetition_levels_byte_length + (size_t)v2->definition_levels_byte_length;
    size_t stored_len = (size_t)header->compressed_page_size;
    size_t full_len = (size_t)header->uncompressed_page_size;
    if (levels_len > stored_len || levels_len > full_len)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "level sections of %zu bytes exceed the page size (%zu stored, "
                            "%zu uncompressed)",
                            levels_len, stored_len, full_len);
    page->rep_levels = data;
    page->rep_levels_len = (size_t)v2->repetition_levels_byte_length;
    page->def_levels = data + page->rep_levels_len;
    page->def_levels_len = (size_t)v2->definition_levels_byte_length;
    const uint8_t *values = data + levels_len;
    size_t values_stored = stored_len - levels_len;
    size_t values_len = full_len - levels_len;
    if (values_len == 0) {
        /* Nothing to decompress; a writer may still have stored a compressed empty frame. */
        page->values = values;
        page->values_len = 0;
        return FF_OK;
    }
    if (!v2->is_compressed || reader->codec == FF_CODEC_UNCOMPRESSED) {
        page->values = values;
        page->values_len = values_stored;
        return FF_OK;
    }
    page->values_len = values_len;
    return inflate_into_buffer(reader, values, values_stored, values_len, &page->values, err);
}

ff_status ff_page_reader_next(ff_page_reader *reader, ff_page *page, int64_t *page_end,
                              ff_error *err) {
    for (;;) {
        reader->page_idx++;
        int64_t header_pos = reader->pos;
        if (header_pos < 0 || (size_t)header_pos >= reader->data_end)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "page header offset %lld is outside the data section",
                                (long long)header_pos);
        ff_arena_free(&reader->header_arena);
        ff_cursor cur;
        ff_cursor_init(&cur, reader->file + header_pos, reader->data_end - (size_t)header_pos);
        memset(page, 0, sizeof *page);
        ff_pq_page_header *header = &page->header;
        ff_status status = ff_thrift_decode_page_header(&cur, &reader->header_arena, header, err);
        if (status != FF_OK)
            return ff_error_prefix(err, "page header at offset %lld", (long long)header_pos);
        if (header->compressed_page_size < 0 || header->uncompressed_page_size < 0)
            return ff_error_set(err, FF_ERR_CORRUPT, "negative page size (%d stored, %d full)",
                                header->compressed_page_size, header->uncompressed_page_size);
        size_t stored_len = (size_t)header->compressed_page_size;
        if (stored_len > ff_cursor_remaining(&cur))
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "page of %zu bytes at offset %lld runs past the data section",
                                stored_len, (long long)header_pos);
        const uint8_t *data = cur.pos;
        int64_t data_pos = header_pos + (int64_t)ff_cursor_offset(&cur);
        reader->pos = data_pos + (int64_t)stored_len;
        *page_end = reader->pos;
        page->offset = header_pos;
        page->type = header->type;

        if (header->type != FF_PAGE_DATA && header->type != FF_PAGE_DATA_V2 &&
            header->type != FF_PAGE_DICTIONARY)
            continue; /* index pages and future page types carry nothing we decode */

        if (reader->verify_crc && header->has_crc &&
            ff_crc32(data, stored_len) != (uint32_t)header->crc)
            return ff_error_set(err, FF_ERR_CORRUPT, "CRC mismatch");

        switch (header->type) {
        case FF_PAGE_DICTIONARY:
            if (!header->has_dictionary_page_header)
                return ff_error_set(err, FF_ERR_CORRUPT,
                                    "dictionary page without a dictionary page header");
            page->num_values = header->dictionary_page_header.num_values;
            page->encoding = header->dictionary_page_header.encoding;
            return read_body(reader, header, data, page, err);
        case FF_PAGE_DATA:
            if (!header->has_data_page_header)
                return ff_error_set(err, FF_ERR_CORRUPT, "data page without a data page header");
            page->num_values = header->data_page_header.num_values;
            page->encoding = header->data_page_header.encoding;
            return read_body(reader, header, data, page, err);
        default:
            if (!header->has_data_page_header_v2)
                return ff_error_set(err, FF_ERR_CORRUPT,
                                    "v2 data page without a v2 data page header");
            page->num_values = header->data_page_header_v2.num_values;
            page->encoding = header->data_page_header_v2.encoding;
            return read_v2_sections(reader, header, data, page, err);
        }
    }
}
