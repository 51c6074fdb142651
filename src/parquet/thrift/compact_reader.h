/* Thrift compact protocol, reading side: the primitives the metadata decoders are built from.
 *
 * Implements the parts of Thrift's compact protocol specification that parquet.thrift uses:
 * field headers (4-bit id delta or a zigzag i16 id, 4-bit type), booleans folded into the
 * field type, zigzag varints for i16/i32/i64, raw bytes for i8 and little-endian doubles,
 * length-prefixed binary, list/set headers (4-bit size or varint size, element type), map
 * headers, and nested structs. Every byte is read through the checked cursor; every length
 * and element count is checked against what remains before anything is allocated; nesting
 * deeper than FF_THRIFT_MAX_DEPTH is refused. Skipping handles every type, so fields this
 * version does not know (or that arrive with an unexpected wire type) are passed over.
 *
 * Errors are FF_ERR_CORRUPT (FF_ERR_LIMIT for a list beyond FF_THRIFT_MAX_LIST_SIZE) and
 * name the offset from the start of the buffer the cursor was created on. */
#ifndef FF_PARQUET_THRIFT_COMPACT_READER_H
#define FF_PARQUET_THRIFT_COMPACT_READER_H

#include "parquet/thrift/metadata.h"
#include "util/cursor.h"
#include "util/mem.h"

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stdint.h>

/* Compact-protocol type nibbles (the wire values). */
enum {
    FF_TC_STOP = 0,
    FF_TC_BOOL_TRUE = 1, /* in a field header: a bool field whose value is true */
    FF_TC_BOOL_FALSE = 2,
    FF_TC_I8 = 3,
    FF_TC_I16 = 4,
    FF_TC_I32 = 5,
    FF_TC_I64 = 6,
    FF_TC_DOUBLE = 7,
    FF_TC_BINARY = 8,
    FF_TC_LIST = 9,
    FF_TC_SET = 10,
    FF_TC_MAP = 11,
    FF_TC_STRUCT = 12,
};

/* Lists longer than this are refused (FF_ERR_LIMIT) whatever the input size: no Parquet
 * structure legitimately holds more elements in one list. */
#define FF_THRIFT_MAX_LIST_SIZE (1 << 24)

/* A reading session over one buffer. `cur` and `arena` are borrowed for the session. */
typedef struct ff_tc_reader {
    ff_cursor *cur;
    ff_arena *arena; /* receives copies of strings and binaries; may be NULL for skip-only use */
    int depth;       /* structs and containers currently open */
} ff_tc_reader;

/* One field header. */
typedef struct ff_tc_field {
    int16_t id;
    uint8_t type;    /* FF_TC_*; FF_TC_STOP ends the struct */
    bool bool_value; /* for FF_TC_BOOL_TRUE / FF_TC_BOOL_FALSE */
    size_t offset;   /* where the header starts, for messages */
} ff_tc_field;

static inline void ff_tc_reader_init(ff_tc_reader *r, ff_cursor *cur, ff_arena *arena) {
    r->cur = cur;
    r->arena = arena;
    r->depth = 0;
}

/* Opens a struct (depth check). Pair with ff_tc_struct_end after the STOP field. */
ff_status ff_tc_struct_begin(ff_tc_reader *r, ff_error *err);
static inline void ff_tc_struct_end(ff_tc_reader *r) {
    r->depth--;
}

/* Reads the next field header of the open struct; *last_id is the previous field's id (0 at
 * the start of the struct) and is updated. f->type == FF_TC_STOP at the end. */
ff_status ff_tc_field_next(ff_tc_reader *r, int16_t *last_id, ff_tc_field *f, ff_error *err);

/* Skips one value of wire type `type` (a whole struct, container, ... with depth checks). */
ff_status ff_tc_skip(ff_tc_reader *r, uint8_t type, ff_error *err);
/* Skips the value of field f (booleans have none). */
ff_status ff_tc_skip_field(ff_tc_reader *r, const ff_tc_field *f, ff_error *err);

/* Value readers for a given wire type. The integer reader accepts any integer wire type
 * (i8, i16, i32, i64) and checks the value against [min, max]. */
ff_status ff_tc_read_int(ff_tc_reader *r, uint8_t type, int64_t min, int64_t max, int64_t *out,
                         ff_error *err);
/* A bool element of a list/set (one byte; 1 is true). */
ff_status ff_tc_read_bool_elem(ff_tc_reader *r, bool *out, ff_error *err);
/* Binary: *out points into the input (borrowed), *len its length. */
ff_status ff_tc_read_binary_view(ff_tc_reader *r, const uint8_t **out, size_t *len, ff_error *err);
/* Binary copied into the reader's arena with a NUL after it (so strings can use it). */
ff_status ff_tc_read_binary(ff_tc_reader *r, ff_pq_bytes *out, ff_error *err);
ff_status ff_tc_read_string(ff_tc_reader *r, const char **out, ff_error *err);

/* List or set header: element type and count. The count is checked against the bytes that
 * remain (every element takes at least one byte, a double eight) and FF_THRIFT_MAX_LIST_SIZE.
 * The container counts as one nesting level until ff_tc_list_end. */
ff_status ff_tc_list_begin(ff_tc_reader *r, uint8_t *elem_type, int32_t *count, ff_error *err);
static inline void ff_tc_list_end(ff_tc_reader *r) {
    r->depth--;
}

/* Field helpers. Each reads the value of field f when its wire type fits the destination,
 * and otherwise skips it as if it were unknown (which is what Thrift's generated readers
 * do); *is_set (may be NULL) says which happened. Integers out of the destination's range
 * are FF_ERR_CORRUPT. */
ff_status ff_tc_field_i8(ff_tc_reader *r, const ff_tc_field *f, int8_t *out, bool *is_set,
                         ff_error *err);
ff_status ff_tc_field_i16(ff_tc_reader *r, const ff_tc_field *f, int16_t *out, bool *is_set,
                          ff_error *err);
ff_status ff_tc_field_i32(ff_tc_reader *r, const ff_tc_field *f, int32_t *out, bool *is_set,
                          ff_error *err);
ff_status ff_tc_field_i64(ff_tc_reader *r, const ff_tc_field *f, int64_t *out, bool *is_set,
                          ff_error *err);
ff_status ff_tc_field_bool(ff_tc_reader *r, const ff_tc_field *f, bool *out, bool *is_set,
                           ff_error *err);
ff_status ff_tc_field_binary(ff_tc_reader *r, const ff_tc_field *f, ff_pq_bytes *out, bool *is_set,
                             ff_error *err);
ff_status ff_tc_field_string(ff_tc_reader *r, const ff_tc_field *f, const char **out, bool *is_set,
                             ff_error *err);

/* Element classes for ff_tc_field_list. */
typedef enum ff_tc_elem_class {
    FF_TC_ELEM_INT,    /* any integer wire type */
    FF_TC_ELEM_BOOL,   /* bool elements (type 1 or 2) */
    FF_TC_ELEM_BINARY, /* binary / string */
    FF_TC_ELEM_STRUCT,
} ff_tc_elem_class;

/* Opens the list of field f when it is a list or set of the expected element class;
 * otherwise skips the field and sets *is_list to false. On success the caller reads
 * *count elements of *elem_type and calls ff_tc_list_end. */
ff_status ff_tc_field_list(ff_tc_reader *r, const ff_tc_field *f, ff_tc_elem_class expected,
                           uint8_t *elem_type, int32_t *count, bool *is_list, ff_error *err);

#endif
