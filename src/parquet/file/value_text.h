/* Canonical text of single values and the sink that row texts are written to.
 *
 * The canonical form is defined in ../shared/corpus/README.md ("Canonical row text"): JSON
 * values rendered from the Parquet type of a leaf (logical type first, converted type
 * otherwise), doubles in ECMAScript shortest round-trip layout, decimals from the unscaled
 * two's complement value, dates and timestamps in the proleptic Gregorian calendar with
 * extended years. The row assembly that strings these values together lives in row_text.c.
 *
 * The sink decouples rendering from where the text goes. In buffer mode the text collects
 * in an ff_buf (for `cat`); in hash mode it is folded into an FNV-1a 64 state whenever the
 * pending bytes pass a threshold, so a row holding a 1 GiB string is hashed without ever
 * holding its whole text; in discard mode nothing is kept (used to step over fields).
 * Errors are sticky: the first failure is remembered and later writes are ignored, so the
 * renderer checks once per row rather than once per byte. */
#ifndef FF_PARQUET_FILE_VALUE_TEXT_H
#define FF_PARQUET_FILE_VALUE_TEXT_H

#include "util/hash.h"
#include "util/mem.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum ff_text_sink_mode {
    FF_SINK_BUFFER = 0, /* keep the text in `buf` */
    FF_SINK_HASH,       /* fold the text into `hash` */
    FF_SINK_DISCARD,    /* drop the text */
} ff_text_sink_mode;

/* Pending bytes are hashed and dropped once they reach this size in hash mode. */
#define FF_SINK_HASH_CHUNK (64 * 1024)

typedef struct ff_text_sink {
    ff_text_sink_mode mode;
    ff_buf buf;
    uint64_t hash;     /* FF_SINK_HASH: FNV-1a state of the bytes already folded in */
    ff_status status;  /* first failure, sticky */
    ff_error *err;     /* where the first failure is described; borrowed */
    bool bare_strings; /* display mode: top-level strings without quotes or escapes */
    bool wrote_null;   /* display mode: the last top-level value rendered was null */
} ff_text_sink;

/* Initialises an empty sink; `err` is borrowed until ff_text_sink_free(). */
void ff_text_sink_init(ff_text_sink *sink, ff_text_sink_mode mode, ff_error *err);
/* Releases the buffer. Accepts NULL. */
void ff_text_sink_free(ff_text_sink *sink);
/* Starts a new text: empties the buffer, resets the hash. Keeps a sticky error. */
void ff_text_sink_reset(ff_text_sink *sink);
/* Hashes whatever is pending (hash mode) and returns the FNV-1a 64 of the whole text since
 * the last reset. */
uint64_t ff_text_sink_hash(ff_text_sink *sink);

/* Slow path of ff_text_sink_put: growth, flushing, errors. */
void ff_text_sink_put_slow(ff_text_sink *sink, const void *bytes, size_t len);

static inline void ff_text_sink_put(ff_text_sink *sink, const void *bytes, size_t len) {
    ff_buf *buf = &sink->buf;
    /* Hash mode buffers too; the slow path folds the buffer into the hash when it fills. */
    if (sink->mode != FF_SINK_DISCARD && len <= buf->cap - buf->len && sink->status == FF_OK) {
        if (len)
            memcpy(buf->data + buf->len, bytes, len);
        buf->len += len;
        return;
    }
    ff_text_sink_put_slow(sink, bytes, len);
}
static inline void ff_text_sink_putc(ff_text_sink *sink, char c) {
    ff_text_sink_put(sink, &c, 1);
}
static inline void ff_text_sink_puts(ff_text_sink *sink, const char *text) {
    ff_text_sink_put(sink, text, strlen(text));
}

/* Renders one value of a leaf of type `type` as canonical JSON. `value` points at the
 * vector slot (fixed width types: the slot's bytes in the Arrow layout of table.h;
 * BYTE_ARRAY: the bytes) and `len` is its length. Statistics min/max values have the same
 * layout and go through here too. A value whose length does not fit its type (a short
 * statistic, say) is rendered as binary hex rather than read out of bounds. */
void ff_text_value(ff_text_sink *sink, const ff_type *type, const uint8_t *value, size_t len);

/* The building blocks, exposed for tests and for the display formats of the CLI. */
void ff_text_double(ff_text_sink *sink, double value);
void ff_text_int(ff_text_sink *sink, int64_t value);
void ff_text_uint(ff_text_sink *sink, uint64_t value);
/* A JSON string with the canonical escapes; bytes are copied raw (no UTF-8 validation). */
void ff_text_json_string(ff_text_sink *sink, const uint8_t *bytes, size_t len);
/* "0x" + lowercase hex, quoted. */
void ff_text_hex(ff_text_sink *sink, const uint8_t *bytes, size_t len);
/* Quoted decimal of a big-endian two's complement unscaled value. */
void ff_text_decimal_be(ff_text_sink *sink, const uint8_t *bytes, size_t len, int32_t scale);
void ff_text_decimal_i64(ff_text_sink *sink, int64_t unscaled, int32_t scale);
/* Quoted "YYYY-MM-DD". */
void ff_text_date(ff_text_sink *sink, int64_t days);
/* Quoted "YYYY-MM-DDTHH:MM:SS.<digits>Z": `days` since the epoch plus `nanos_of_day` in
 * [0, 86400e9), with 3, 6 or 9 fractional digits. */
void ff_text_timestamp_parts(ff_text_sink *sink, int64_t days, int64_t nanos_of_day,
                             int frac_digits);
/* IEEE half precision bits to double, exactly. */
double ff_half_to_double(uint16_t bits);

#endif
