/* Page iteration over one column chunk: the seam between file bytes and value decoding.
 *
 * The page reader walks the pages of a chunk in file order. For each page it decodes the
 * PageHeader (Thrift compact), checks the page CRC when one is stored (CRC-32 over the page
 * bytes as stored, i.e. compressed, per parquet.thrift), and decompresses into a buffer that
 * is reused from page to page. It hands out the parts a value decoder needs:
 *
 *   DICTIONARY_PAGE  values = the dictionary's PLAIN values
 *   DATA_PAGE (v1)   body = levels and values, all decompressed together; the column reader
 *                    splits the levels off because their framing depends on max levels
 *   DATA_PAGE_V2     rep_levels, def_levels = the uncompressed level sections;
 *                    values = the values section, decompressed when is_compressed says so,
 *                    and never decompressed when it is empty (some writers store a
 *                    non-empty compressed frame for zero bytes)
 *
 * Index pages and page types this version does not know are skipped. A page must lie inside
 * the file's data section; the column reader decides how strictly it must lie inside the
 * chunk. The returned spans are valid until the next call. */
#ifndef FF_PARQUET_COLUMN_PAGE_READER_H
#define FF_PARQUET_COLUMN_PAGE_READER_H

#include "parquet/compress/codec.h"
#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ff_page {
    ff_pq_page_header header; /* strings/statistics live in the reader's page arena */
    int32_t type;             /* FF_PAGE_DICTIONARY, FF_PAGE_DATA or FF_PAGE_DATA_V2 */
    int32_t num_values;       /* level entries (data pages) or dictionary entries */
    int32_t encoding;         /* of the values */
    int64_t offset;           /* file offset of the page header, for messages */
    const uint8_t *body;      /* v1: levels + values; dictionary: values */
    size_t body_len;
    const uint8_t *rep_levels; /* v2 only */
    size_t rep_levels_len;
    const uint8_t *def_levels; /* v2 only */
    size_t def_levels_len;
    const uint8_t *values; /* v2 only (v1 values follow the levels in body) */
    size_t values_len;
} ff_page;

typedef struct ff_page_reader {
    const uint8_t *file; /* borrowed: the whole file */
    size_t data_end;     /* end of the data section (start of the footer) */
    int64_t pos;         /* next page header */
    int64_t chunk_end;   /* declared end of the chunk */
    int32_t codec;
    bool verify_crc;
    size_t max_page_size;    /* larger uncompressed pages are FF_ERR_LIMIT */
    ff_codec_ctx *codec_ctx; /* borrowed */
    ff_buf *page_buf;        /* borrowed; decompressed pages go here */
    ff_arena header_arena;   /* the current page header's strings */
    int32_t page_idx;        /* index in the chunk of the page being read (-1 before the first) */
} ff_page_reader;

/* Prepares to read pages from `start`; all pointers are borrowed until
 * ff_page_reader_release(). */
void ff_page_reader_init(ff_page_reader *reader, const uint8_t *file, size_t data_end,
                         int64_t start, int64_t chunk_end, int32_t codec, bool verify_crc,
                         size_t max_page_size, ff_codec_ctx *codec_ctx, ff_buf *page_buf);
/* Releases the header arena. */
void ff_page_reader_release(ff_page_reader *reader);

/* Reads the next dictionary or data page into *page. Errors say what is wrong with the page
 * (the caller prefixes "page N"). *page_end gets the file offset just past the page. */
ff_status ff_page_reader_next(ff_page_reader *reader, ff_page *page, int64_t *page_end,
                              ff_error *err);

#endif
