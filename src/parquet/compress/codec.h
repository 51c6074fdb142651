/* Page compression codecs (DESIGN.md §4): UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4 (Hadoop
 * framing, with a fallback to raw blocks written by old parquet-cpp), LZ4_RAW and BROTLI,
 * on top of the system libraries. LZO is refused by name.
 *
 * A codec context holds the reusable library state (zstd contexts, the zlib stream), so a
 * column reader or writer compresses page after page without allocating. One context per
 * thread. */
#ifndef FF_PARQUET_COMPRESS_CODEC_H
#define FF_PARQUET_COMPRESS_CODEC_H

#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/error.h>

#include <stddef.h>
#include <stdint.h>

typedef struct ff_codec_ctx ff_codec_ctx;

/* Caller owns; free with ff_codec_ctx_free(). */
ff_status ff_codec_ctx_create(ff_codec_ctx **out, ff_error *err);
void ff_codec_ctx_free(ff_codec_ctx *ctx);

/* The codec's name as parquet.thrift spells it ("ZSTD"); "UNKNOWN(<n>)" is not returned,
 * callers print the number for unknown values. NULL for values outside the enum. */
const char *ff_codec_name(int32_t codec);

/* Parses "zstd", "zstd:9", "snappy", "gzip:6", "lz4_raw", "brotli:5", "none"/"uncompressed"
 * (case-insensitive). *level is -1 when no level was given (the codec's default). */
ff_status ff_codec_parse(const char *text, ff_pq_codec *codec, int *level, ff_error *err);

/* Decompresses src into exactly dst_len bytes (a page's uncompressed_page_size). Output of
 * any other length is FF_ERR_CORRUPT. src_len == 0 with dst_len == 0 succeeds without
 * calling the library. */
ff_status ff_codec_decompress(ff_codec_ctx *ctx, int32_t codec, const uint8_t *src, size_t src_len,
                              uint8_t *dst, size_t dst_len, ff_error *err);

/* Appends the compressed form of src to out. level -1 is the codec's default (ZSTD 3,
 * GZIP 6, BROTLI 4; see codec.c). */
ff_status ff_codec_compress(ff_codec_ctx *ctx, int32_t codec, int level, const uint8_t *src,
                            size_t src_len, ff_buf *out, ff_error *err);

/* CRC-32 as Parquet's page CRC defines it (the gzip/zlib polynomial). */
uint32_t ff_crc32(const uint8_t *data, size_t len);

#endif
