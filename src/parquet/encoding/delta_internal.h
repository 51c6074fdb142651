/* The DELTA_BINARY_PACKED stream reader, shared by delta_binary_packed.c and the two byte
 * array encodings that store their lengths with it (internal to src/parquet/encoding/).
 *
 * The reader is incremental so that callers can decode a long stream in bounded chunks, and
 * it reports where the stream ends (ff_dbp_reader_finish), which the byte array encodings
 * need because their string bytes follow the lengths directly. All arithmetic is modulo
 * 2^64; an INT32 column takes the low 32 bits, which is the same as wrapping at 32 bits. */
#ifndef FF_PARQUET_ENCODING_DELTA_INTERNAL_H
#define FF_PARQUET_ENCODING_DELTA_INTERNAL_H

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ff_dbp_reader {
    const uint8_t *start;
    const uint8_t *pos; /* next unread byte: a block header or the next group of 32 */
    const uint8_t *end;
    uint64_t values_per_block;
    uint64_t num_miniblocks;
    uint64_t values_per_miniblock;
    uint64_t total;           /* values in the stream, first value included */
    uint64_t produced;        /* values handed out so far */
    uint64_t deltas_unpacked; /* deltas loaded into buf so far (real ones, not padding) */
    uint64_t last;            /* the last value handed out */
    uint64_t first;           /* the header's first value */
    uint64_t min_delta;       /* of the current block */
    const uint8_t *widths;    /* the current block's miniblock bit widths */
    uint64_t miniblock_idx;   /* current miniblock within the block */
    uint64_t miniblock_left;  /* values of the current miniblock not yet unpacked */
    bool in_block;
    int bit_width;        /* of the current miniblock */
    int buf_pos, buf_len; /* unread deltas in buf */
    uint64_t buf[32];
} ff_dbp_reader;

/* Parses the stream header. data is borrowed until the reader is no longer used. */
ff_status ff_dbp_reader_init(ff_dbp_reader *reader, const uint8_t *data, size_t len, ff_error *err);
/* Hands out the next n values as int64 (out64) or int32 (out32, the low 32 bits); exactly one
 * of them is non-NULL. Asking for more values than the stream holds is FF_ERR_CORRUPT. */
ff_status ff_dbp_reader_read(ff_dbp_reader *reader, int64_t n, int64_t *out64, int32_t *out32,
                             ff_error *err);
/* Steps over the values not read yet and sets *consumed to the stream's length in bytes. */
ff_status ff_dbp_reader_finish(ff_dbp_reader *reader, size_t *consumed, ff_error *err);

#endif
