/* Thrift compact protocol writing primitives (see compact_writer.h). */
#include "parquet/thrift/compact_writer.h"

#include "util/check.h"

#include <string.h>

ff_status ff_tcw_uvarint(ff_buf *out, uint64_t value, ff_error *err) {
    uint8_t bytes[10];
    size_t len = 0;
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        bytes[len++] = value ? (uint8_t)(byte | 0x80) : byte;
    } while (value);
    return ff_buf_append(out, bytes, len, err);
}

ff_status ff_tcw_zigzag(ff_buf *out, int64_t value, ff_error *err) {
    /* The shift is done on the unsigned value: left-shifting a negative int64 is undefined. */
    uint64_t zigzag = ((uint64_t)value << 1) ^ (uint64_t)(value >> 63);
    return ff_tcw_uvarint(out, zigzag, err);
}

ff_status ff_tcw_binary(ff_buf *out, const void *data, size_t len, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_uvarint(out, len, err));
    if (len == 0)
        return FF_OK;
    return ff_buf_append(out, data, len, err);
}

ff_status ff_tcw_bool_elem(ff_buf *out, bool value, ff_error *err) {
    return ff_buf_append_byte(out, value ? FF_TC_BOOL_TRUE : FF_TC_BOOL_FALSE, err);
}

ff_status ff_tcw_field_header(ff_buf *out, int16_t *last_id, int16_t id, uint8_t type,
                              ff_error *err) {
    int delta = id - *last_id;
    *last_id = id;
    if (delta > 0 && delta <= 15)
        return ff_buf_append_byte(out, (uint8_t)((delta << 4) | type), err);
    FF_FORWARD_IF_ERROR(ff_buf_append_byte(out, type, err));
    return ff_tcw_zigzag(out, id, err);
}

ff_status ff_tcw_field_i8(ff_buf *out, int16_t *last_id, int16_t id, int8_t value, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_header(out, last_id, id, FF_TC_I8, err));
    return ff_buf_append_byte(out, (uint8_t)value, err);
}

ff_status ff_tcw_field_i16(ff_buf *out, int16_t *last_id, int16_t id, int16_t value,
                           ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_header(out, last_id, id, FF_TC_I16, err));
    return ff_tcw_zigzag(out, value, err);
}

ff_status ff_tcw_field_i32(ff_buf *out, int16_t *last_id, int16_t id, int32_t value,
                           ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_header(out, last_id, id, FF_TC_I32, err));
    return ff_tcw_zigzag(out, value, err);
}

ff_status ff_tcw_field_i64(ff_buf *out, int16_t *last_id, int16_t id, int64_t value,
                           ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_header(out, last_id, id, FF_TC_I64, err));
    return ff_tcw_zigzag(out, value, err);
}

ff_status ff_tcw_field_bool(ff_buf *out, int16_t *last_id, int16_t id, bool value, ff_error *err) {
    return ff_tcw_field_header(out, last_id, id, value ? FF_TC_BOOL_TRUE : FF_TC_BOOL_FALSE, err);
}

ff_status ff_tcw_field_binary(ff_buf *out, int16_t *last_id, int16_t id, const void *data,
                              size_t len, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_header(out, last_id, id, FF_TC_BINARY, err));
    return ff_tcw_binary(out, data, len, err);
}

ff_status ff_tcw_field_string(ff_buf *out, int16_t *last_id, int16_t id, const char *value,
                              ff_error *err) {
    return ff_tcw_field_binary(out, last_id, id, value, strlen(value), err);
}

ff_status ff_tcw_field_struct(ff_buf *out, int16_t *last_id, int16_t id, ff_error *err) {
    return ff_tcw_field_header(out, last_id, id, FF_TC_STRUCT, err);
}

ff_status ff_tcw_field_empty_struct(ff_buf *out, int16_t *last_id, int16_t id, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_struct(out, last_id, id, err));
    return ff_tcw_stop(out, err);
}

ff_status ff_tcw_list_header(ff_buf *out, uint8_t elem_type, int32_t count, ff_error *err) {
    if (count < 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "negative list size %d", count);
    if (count < 15)
        return ff_buf_append_byte(out, (uint8_t)((count << 4) | elem_type), err);
    FF_FORWARD_IF_ERROR(ff_buf_append_byte(out, (uint8_t)(0xf0 | elem_type), err));
    return ff_tcw_uvarint(out, (uint64_t)count, err);
}

ff_status ff_tcw_field_list(ff_buf *out, int16_t *last_id, int16_t id, uint8_t elem_type,
                            int32_t count, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_tcw_field_header(out, last_id, id, FF_TC_LIST, err));
    return ff_tcw_list_header(out, elem_type, count, err);
}

ff_status ff_tcw_stop(ff_buf *out, ff_error *err) {
    return ff_buf_append_byte(out, FF_TC_STOP, err);
}
