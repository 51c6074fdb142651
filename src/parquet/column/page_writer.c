/* Page assembly for the writer (see page_writer.h): compress the body once into the shared
 * scratch buffer, compute the CRC over the stored bytes, encode the header, append both. */
#include "parquet/column/page_writer.h"

#include <string.h>

ff_status ff_page_scratch_init(ff_page_scratch *scratch, ff_error *err) {
    memset(scratch, 0, sizeof *scratch);
    ff_buf_init(&scratch->body, 0);
    ff_buf_init(&scratch->levels, 0);
    ff_buf_init(&scratch->compressed, 0);
    ff_buf_init(&scratch->header, 0);
    ff_buf_init(&scratch->joined, 0);
    return ff_codec_ctx_create(&scratch->codec_ctx, err);
}

void ff_page_scratch_free(ff_page_scratch *scratch) {
    if (!scratch)
        return;
    ff_codec_ctx_free(scratch->codec_ctx);
    scratch->codec_ctx = NULL;
    ff_buf_free(&scratch->body);
    ff_buf_free(&scratch->levels);
    ff_buf_free(&scratch->compressed);
    ff_buf_free(&scratch->header);
    ff_buf_free(&scratch->joined);
}

ff_status ff_page_write(ff_page_scratch *scratch, const ff_page_spec *spec, ff_buf *out,
                        int64_t *page_len, int64_t *uncompressed_len, ff_error *err) {
    size_t levels_len = spec->page_type == FF_PAGE_DATA_V2
                            ? (size_t)spec->rep_levels_len + (size_t)spec->def_levels_len
                            : 0;
    const uint8_t *stored = spec->body;
    size_t stored_len = spec->body_len;
    /* A v2 page without values (all null) stores nothing rather than an empty compressed
     * frame, and says so with is_compressed = false. */
    bool is_compressed = spec->codec != FF_CODEC_UNCOMPRESSED &&
                         !(spec->page_type == FF_PAGE_DATA_V2 && spec->body_len == 0);
    if (is_compressed) {
        ff_buf_reset(&scratch->compressed);
        ff_status status = ff_codec_compress(scratch->codec_ctx, spec->codec, spec->codec_level,
                                             spec->body, spec->body_len, &scratch->compressed, err);
        if (status != FF_OK)
            return status;
        stored = scratch->compressed.data;
        stored_len = scratch->compressed.len;
    }
    if (spec->body_len + levels_len > INT32_MAX || stored_len + levels_len > INT32_MAX)
        return ff_error_set(err, FF_ERR_LIMIT, "page of %zu bytes exceeds the 2 GiB page limit",
                            spec->body_len + levels_len);

    ff_pq_page_header header;
    memset(&header, 0, sizeof header);
    header.type = spec->page_type;
    header.uncompressed_page_size = (int32_t)(spec->body_len + levels_len);
    header.compressed_page_size = (int32_t)(stored_len + levels_len);
    if (levels_len) {
        /* v2 levels precede the stored values; join them so that the CRC and the final
         * append see the page data as one run of bytes. */
        ff_buf_reset(&scratch->joined);
        ff_status status = ff_buf_append(&scratch->joined, spec->levels, levels_len, err);
        if (status == FF_OK)
            status = ff_buf_append(&scratch->joined, stored, stored_len, err);
        if (status != FF_OK)
            return status;
        stored = scratch->joined.data;
        stored_len = scratch->joined.len;
    }
    if (spec->write_crc) {
        header.has_crc = true;
        header.crc = (int32_t)ff_crc32(stored, stored_len);
    }
    switch (spec->page_type) {
    case FF_PAGE_DATA:
        header.has_data_page_header = true;
        header.data_page_header.num_values = spec->num_values;
        header.data_page_header.encoding = spec->encoding;
        header.data_page_header.definition_level_encoding = FF_ENC_RLE;
        header.data_page_header.repetition_level_encoding = FF_ENC_RLE;
        if (spec->statistics) {
            header.data_page_header.has_statistics = true;
            header.data_page_header.statistics = *spec->statistics;
        }
        break;
    case FF_PAGE_DATA_V2:
        header.has_data_page_header_v2 = true;
        header.data_page_header_v2.num_values = spec->num_values;
        header.data_page_header_v2.num_nulls = spec->num_nulls;
        header.data_page_header_v2.num_rows = spec->num_rows;
        header.data_page_header_v2.encoding = spec->encoding;
        header.data_page_header_v2.definition_levels_byte_length = spec->def_levels_len;
        header.data_page_header_v2.repetition_levels_byte_length = spec->rep_levels_len;
        header.data_page_header_v2.is_compressed = is_compressed;
        if (spec->statistics) {
            header.data_page_header_v2.has_statistics = true;
            header.data_page_header_v2.statistics = *spec->statistics;
        }
        break;
    case FF_PAGE_DICTIONARY:
        header.has_dictionary_page_header = true;
        header.dictionary_page_header.num_values = spec->num_values;
        header.dictionary_page_header.encoding = FF_ENC_PLAIN;
        header.dictionary_page_header.has_is_sorted = true;
        header.dictionary_page_header.is_sorted = false;
        break;
    default:
        return ff_error_set(err, FF_ERR_INTERNAL, "unknown page type %d", spec->page_type);
    }

    ff_buf_reset(&scratch->header);
    ff_status status = ff_thrift_encode_page_header(&header, &scratch->header, err);
    if (status != FF_OK)
        return status;
    size_t total = scratch->header.len + stored_len;
    status = ff_buf_reserve(out, total, err);
    if (status != FF_OK)
        return status;
    ff_buf_append(out, scratch->header.data, scratch->header.len, err);
    ff_buf_append(out, stored, stored_len, err);
    *page_len = (int64_t)total;
    *uncompressed_len = (int64_t)(scratch->header.len + levels_len + spec->body_len);
    return FF_OK;
}
