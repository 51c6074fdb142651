/* Thrift compact protocol, writing side: the primitives the metadata encoders are built from.
 *
 * Writes what compact_reader.h reads: field headers with a 4-bit id delta when the id grows
 * by 1..15 and the long form (zigzag i16 id) otherwise, booleans folded into the field type
 * (1 true, 2 false; one byte each inside lists), zigzag varints, length-prefixed binary,
 * list headers and STOP bytes. Each open struct keeps its own last field id in a variable
 * the caller owns, so nesting needs no state here. Everything appends to an ff_buf, whose
 * cap turns runaway output into FF_ERR_LIMIT. */
#ifndef FF_PARQUET_THRIFT_COMPACT_WRITER_H
#define FF_PARQUET_THRIFT_COMPACT_WRITER_H

#include "parquet/thrift/compact_reader.h"
#include "util/mem.h"

#include <fluxforge/error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Raw values (inside lists, or after a field header). */
ff_status ff_tcw_uvarint(ff_buf *out, uint64_t value, ff_error *err);
ff_status ff_tcw_zigzag(ff_buf *out, int64_t value, ff_error *err);
ff_status ff_tcw_binary(ff_buf *out, const void *data, size_t len, ff_error *err);
ff_status ff_tcw_bool_elem(ff_buf *out, bool value, ff_error *err);

/* A field header; *last_id is the previous field's id in the same struct (0 at its start). */
ff_status ff_tcw_field_header(ff_buf *out, int16_t *last_id, int16_t id, uint8_t type,
                              ff_error *err);

/* Whole fields: header plus value. */
ff_status ff_tcw_field_i8(ff_buf *out, int16_t *last_id, int16_t id, int8_t value, ff_error *err);
ff_status ff_tcw_field_i16(ff_buf *out, int16_t *last_id, int16_t id, int16_t value, ff_error *err);
ff_status ff_tcw_field_i32(ff_buf *out, int16_t *last_id, int16_t id, int32_t value, ff_error *err);
ff_status ff_tcw_field_i64(ff_buf *out, int16_t *last_id, int16_t id, int64_t value, ff_error *err);
ff_status ff_tcw_field_bool(ff_buf *out, int16_t *last_id, int16_t id, bool value, ff_error *err);
ff_status ff_tcw_field_binary(ff_buf *out, int16_t *last_id, int16_t id, const void *data,
                              size_t len, ff_error *err);
/* A NUL-terminated string field. */
ff_status ff_tcw_field_string(ff_buf *out, int16_t *last_id, int16_t id, const char *value,
                              ff_error *err);
/* A struct field's header; the caller then writes the struct's fields with a fresh last id
 * and ends it with ff_tcw_stop. */
ff_status ff_tcw_field_struct(ff_buf *out, int16_t *last_id, int16_t id, ff_error *err);
/* A struct field holding an empty struct (union members such as StringType or TYPE_ORDER). */
ff_status ff_tcw_field_empty_struct(ff_buf *out, int16_t *last_id, int16_t id, ff_error *err);
/* A list field's header: field header, then the list header for count elements. */
ff_status ff_tcw_field_list(ff_buf *out, int16_t *last_id, int16_t id, uint8_t elem_type,
                            int32_t count, ff_error *err);
/* A list header alone (for a list that is not a field, or a list element). */
ff_status ff_tcw_list_header(ff_buf *out, uint8_t elem_type, int32_t count, ff_error *err);
/* Ends a struct. */
ff_status ff_tcw_stop(ff_buf *out, ff_error *err);

#endif
