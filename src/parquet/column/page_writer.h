/* Turning one page's encoded bytes into what goes into the file: compression, CRC and the
 * Thrift PageHeader (parquet.thrift PageHeader, DataPageHeader, DataPageHeaderV2,
 * DictionaryPageHeader).
 *
 *   data page v1   header | compress(rep levels, def levels, values)
 *                  each level run is RLE with a 4-byte little-endian length prefix
 *   data page v2   header | rep levels | def levels | compress(values)
 *                  levels RLE without prefix, never compressed; lengths in the header
 *   dictionary     header | compress(PLAIN values)
 *
 * The CRC, when written, is CRC-32 over everything after the header, as stored. */
#ifndef FF_PARQUET_COLUMN_PAGE_WRITER_H
#define FF_PARQUET_COLUMN_PAGE_WRITER_H

#include "parquet/compress/codec.h"
#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reusable state shared by every column writer of one file writer (one thread): the codec
 * context and scratch buffers, so pages are compressed into the same memory each time. */
typedef struct ff_page_scratch {
    ff_codec_ctx *codec_ctx;
    ff_buf body;       /* uncompressed page body being assembled */
    ff_buf levels;     /* v2: rep + def levels */
    ff_buf compressed; /* compressor output */
    ff_buf header;     /* one encoded PageHeader */
    ff_buf joined;     /* v2: levels followed by the stored values */
} ff_page_scratch;

ff_status ff_page_scratch_init(ff_page_scratch *scratch, ff_error *err);
void ff_page_scratch_free(ff_page_scratch *scratch);

typedef struct ff_page_spec {
    int32_t page_type; /* FF_PAGE_DATA, FF_PAGE_DATA_V2 or FF_PAGE_DICTIONARY */
    int32_t codec;
    int codec_level;
    bool write_crc;
    int32_t encoding;      /* of the values */
    int32_t num_values;    /* level entries (data pages) or dictionary entries */
    int32_t num_nulls;     /* v2 */
    int32_t num_rows;      /* v2 */
    const uint8_t *levels; /* v2: rep then def levels, not compressed */
    int32_t rep_levels_len, def_levels_len;
    const uint8_t *body; /* v1: levels + values; v2: values; dictionary: values */
    size_t body_len;
    const ff_pq_statistics *statistics; /* data pages; NULL for none */
} ff_page_spec;

/* Appends the finished page (header and data) to out. *page_len gets the bytes appended and
 * *uncompressed_len the header plus the uncompressed data size, the two sums ColumnMetaData
 * reports. */
ff_status ff_page_write(ff_page_scratch *scratch, const ff_page_spec *spec, ff_buf *out,
                        int64_t *page_len, int64_t *uncompressed_len, ff_error *err);

#endif
