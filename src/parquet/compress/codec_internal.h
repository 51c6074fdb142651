/* The codec context and the per-codec entry points behind codec.c's dispatch (internal to
 * src/parquet/compress/). Each codec family lives in its own file; they all follow
 * ff_codec_decompress's contract (exactly dst_len bytes or FF_ERR_CORRUPT) and append to the
 * output buffer on compression. Library state is created on first use and kept in the
 * context, so a context that only ever sees SNAPPY never allocates a zstd context. */
#ifndef FF_PARQUET_COMPRESS_CODEC_INTERNAL_H
#define FF_PARQUET_COMPRESS_CODEC_INTERNAL_H

#include "parquet/compress/codec.h"

#include <stdbool.h>
#include <zlib.h>
#include <zstd.h>

struct ff_codec_ctx {
    ZSTD_DCtx *zstd_dctx;
    ZSTD_CCtx *zstd_cctx;
    z_stream inflater;
    bool has_inflater;
    z_stream deflater;
    bool has_deflater;
    int deflater_level;
    void *lz4_state; /* LZ4_sizeofState() bytes for LZ4_compress_fast_extState */
};

/* Default levels, used when the caller passes -1. */
#define FF_CODEC_ZSTD_DEFAULT_LEVEL 3
#define FF_CODEC_GZIP_DEFAULT_LEVEL 6
/* Brotli quality 4: several times faster to write than the library's default of 11 (and than
 * 5 and up, where the slower context modelling starts), while still compressing better than
 * gzip -6 on typical column pages. */
#define FF_CODEC_BROTLI_DEFAULT_LEVEL 4

ff_status ff_codec_snappy_decompress(const uint8_t *src, size_t src_len, uint8_t *dst,
                                     size_t dst_len, ff_error *err);
ff_status ff_codec_snappy_compress(const uint8_t *src, size_t src_len, ff_buf *out, ff_error *err);

ff_status ff_codec_gzip_decompress(ff_codec_ctx *ctx, const uint8_t *src, size_t src_len,
                                   uint8_t *dst, size_t dst_len, ff_error *err);
ff_status ff_codec_gzip_compress(ff_codec_ctx *ctx, int level, const uint8_t *src, size_t src_len,
                                 ff_buf *out, ff_error *err);
void ff_codec_gzip_release(ff_codec_ctx *ctx);

ff_status ff_codec_zstd_decompress(ff_codec_ctx *ctx, const uint8_t *src, size_t src_len,
                                   uint8_t *dst, size_t dst_len, ff_error *err);
ff_status ff_codec_zstd_compress(ff_codec_ctx *ctx, int level, const uint8_t *src, size_t src_len,
                                 ff_buf *out, ff_error *err);

/* is_hadoop selects the deprecated LZ4 codec (Hadoop framing, raw block fallback on read)
 * over LZ4_RAW. */
ff_status ff_codec_lz4_decompress(bool is_hadoop, const uint8_t *src, size_t src_len, uint8_t *dst,
                                  size_t dst_len, ff_error *err);
ff_status ff_codec_lz4_compress(ff_codec_ctx *ctx, bool is_hadoop, int level, const uint8_t *src,
                                size_t src_len, ff_buf *out, ff_error *err);

ff_status ff_codec_brotli_decompress(const uint8_t *src, size_t src_len, uint8_t *dst,
                                     size_t dst_len, ff_error *err);
ff_status ff_codec_brotli_compress(int level, const uint8_t *src, size_t src_len, ff_buf *out,
                                   ff_error *err);

#endif
