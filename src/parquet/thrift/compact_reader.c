/* Thrift compact protocol reading primitives (see compact_reader.h): field headers, varint
 * and zigzag integers, binary, list/set/map headers, and skipping of any value with a depth
 * limit. Everything goes through the checked cursor; nothing here trusts a length. */
#include "parquet/thrift/compact_reader.h"

#include "util/check.h"

#include <string.h>

static bool tc_type_is_valid(uint8_t type) {
    return type >= FF_TC_BOOL_TRUE && type <= FF_TC_STRUCT;
}

static bool tc_type_is_int(uint8_t type) {
    return type == FF_TC_I8 || type == FF_TC_I16 || type == FF_TC_I32 || type == FF_TC_I64;
}

static ff_status tc_enter(ff_tc_reader *r, const char *what, ff_error *err) {
    if (r->depth >= FF_THRIFT_MAX_DEPTH)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "Thrift %s at offset %zu nests deeper than %d levels", what,
                            ff_cursor_offset(r->cur), FF_THRIFT_MAX_DEPTH);
    r->depth++;
    return FF_OK;
}

ff_status ff_tc_struct_begin(ff_tc_reader *r, ff_error *err) {
    return tc_enter(r, "struct", err);
}

ff_status ff_tc_field_next(ff_tc_reader *r, int16_t *last_id, ff_tc_field *f, ff_error *err) {
    f->offset = ff_cursor_offset(r->cur);
    uint8_t header;
    FF_FORWARD_IF_ERROR(ff_cursor_u8(r->cur, &header, err));
    f->type = header & 0x0f;
    f->bool_value = false;
    if (f->type == FF_TC_STOP) {
        /* A STOP byte with a nonzero delta nibble is malformed, not a stop. */
        if (header != 0)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "invalid Thrift field header 0x%02x at offset %zu", header,
                                f->offset);
        f->id = 0;
        return FF_OK;
    }
    if (!tc_type_is_valid(f->type))
        return ff_error_set(err, FF_ERR_CORRUPT, "unknown Thrift field type %u at offset %zu",
                            f->type, f->offset);
    int delta = header >> 4;
    if (delta) {
        int id = *last_id + delta;
        if (id > INT16_MAX)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "Thrift field id overflows 16 bits at offset %zu", f->offset);
        f->id = (int16_t)id;
    } else {
        int64_t id;
        FF_FORWARD_IF_ERROR(ff_cursor_zigzag(r->cur, &id, err));
        if (id < INT16_MIN || id > INT16_MAX)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "Thrift field id %lld out of range at offset %zu", (long long)id,
                                f->offset);
        f->id = (int16_t)id;
    }
    if (f->type == FF_TC_BOOL_TRUE || f->type == FF_TC_BOOL_FALSE)
        f->bool_value = f->type == FF_TC_BOOL_TRUE;
    *last_id = f->id;
    return FF_OK;
}

ff_status ff_tc_list_begin(ff_tc_reader *r, uint8_t *elem_type, int32_t *count, ff_error *err) {
    size_t offset = ff_cursor_offset(r->cur);
    uint8_t header;
    FF_FORWARD_IF_ERROR(ff_cursor_u8(r->cur, &header, err));
    uint64_t size = header >> 4;
    *elem_type = header & 0x0f;
    if (size == 15)
        FF_FORWARD_IF_ERROR(ff_cursor_uvarint(r->cur, &size, err));
    if (size > 0 && !tc_type_is_valid(*elem_type))
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "unknown Thrift list element type %u at offset %zu", *elem_type,
                            offset);
    if (size > FF_THRIFT_MAX_LIST_SIZE)
        return ff_error_set(err, FF_ERR_LIMIT,
                            "Thrift list at offset %zu has %llu elements, more than %d", offset,
                            (unsigned long long)size, FF_THRIFT_MAX_LIST_SIZE);
    /* Every element takes at least one byte on the wire (an empty struct is its STOP byte,
     * an empty binary its length), a double eight: a count beyond that cannot be honest. */
    uint64_t min_bytes = size * (*elem_type == FF_TC_DOUBLE ? 8u : 1u);
    if (min_bytes > ff_cursor_remaining(r->cur))
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "Thrift list at offset %zu claims %llu elements but only %zu bytes "
                            "remain",
                            offset, (unsigned long long)size, ff_cursor_remaining(r->cur));
    FF_FORWARD_IF_ERROR(tc_enter(r, "list", err));
    *count = (int32_t)size;
    return FF_OK;
}

ff_status ff_tc_read_int(ff_tc_reader *r, uint8_t type, int64_t min, int64_t max, int64_t *out,
                         ff_error *err) {
    size_t offset = ff_cursor_offset(r->cur);
    int64_t value;
    if (type == FF_TC_I8) {
        uint8_t byte;
        FF_FORWARD_IF_ERROR(ff_cursor_u8(r->cur, &byte, err));
        value = (int8_t)byte;
    } else if (tc_type_is_int(type)) {
        FF_FORWARD_IF_ERROR(ff_cursor_zigzag(r->cur, &value, err));
    } else {
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "expected a Thrift integer at offset %zu, found type %u", offset, type);
    }
    if (value < min || value > max)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "Thrift integer %lld at offset %zu is outside [%lld, %lld]",
                            (long long)value, offset, (long long)min, (long long)max);
    *out = value;
    return FF_OK;
}

ff_status ff_tc_read_bool_elem(ff_tc_reader *r, bool *out, ff_error *err) {
    uint8_t byte;
    FF_FORWARD_IF_ERROR(ff_cursor_u8(r->cur, &byte, err));
    /* Writers put 1 for true and 2 (or, in some implementations, 0) for false. */
    *out = byte == 1;
    return FF_OK;
}

ff_status ff_tc_read_binary_view(ff_tc_reader *r, const uint8_t **out, size_t *len, ff_error *err) {
    size_t offset = ff_cursor_offset(r->cur);
    uint64_t size;
    FF_FORWARD_IF_ERROR(ff_cursor_uvarint(r->cur, &size, err));
    if (size > ff_cursor_remaining(r->cur))
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "Thrift binary at offset %zu claims %llu bytes but only %zu remain",
                            offset, (unsigned long long)size, ff_cursor_remaining(r->cur));
    *len = (size_t)size;
    return ff_cursor_take(r->cur, (size_t)size, out, err);
}

ff_status ff_tc_read_binary(ff_tc_reader *r, ff_pq_bytes *out, ff_error *err) {
    const uint8_t *data = NULL;
    size_t len = 0;
    FF_FORWARD_IF_ERROR(ff_tc_read_binary_view(r, &data, &len, err));
    char *copy = ff_arena_strndup(r->arena, (const char *)data, len, err);
    if (!copy)
        return err ? err->code : FF_ERR_NO_MEMORY;
    out->data = (const uint8_t *)copy;
    out->len = (int64_t)len;
    return FF_OK;
}

ff_status ff_tc_read_string(ff_tc_reader *r, const char **out, ff_error *err) {
    ff_pq_bytes bytes = {NULL, 0};
    FF_FORWARD_IF_ERROR(ff_tc_read_binary(r, &bytes, err));
    *out = (const char *)bytes.data;
    return FF_OK;
}

static ff_status tc_skip_map(ff_tc_reader *r, ff_error *err) {
    size_t offset = ff_cursor_offset(r->cur);
    uint64_t size;
    FF_FORWARD_IF_ERROR(ff_cursor_uvarint(r->cur, &size, err));
    if (size == 0)
        return FF_OK;
    uint8_t types;
    FF_FORWARD_IF_ERROR(ff_cursor_u8(r->cur, &types, err));
    uint8_t key_type = types >> 4, value_type = types & 0x0f;
    if (!tc_type_is_valid(key_type) || !tc_type_is_valid(value_type))
        return ff_error_set(err, FF_ERR_CORRUPT, "unknown Thrift map types 0x%02x at offset %zu",
                            types, offset);
    /* A key and a value take at least a byte each. */
    if (size > ff_cursor_remaining(r->cur) / 2)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "Thrift map at offset %zu claims %llu entries but only %zu bytes "
                            "remain",
                            offset, (unsigned long long)size, ff_cursor_remaining(r->cur));
    FF_FORWARD_IF_ERROR(tc_enter(r, "map", err));
    ff_status status = FF_OK;
    for (uint64_t entry_idx = 0; entry_idx < size && status == FF_OK; entry_idx++) {
        status = ff_tc_skip(r, key_type, err);
        if (status == FF_OK)
            status = ff_tc_skip(r, value_type, err);
    }
    r->depth--;
    return status;
}

ff_status ff_tc_skip(ff_tc_reader *r, uint8_t type, ff_error *err) {
    switch (type) {
    case FF_TC_BOOL_TRUE:
    case FF_TC_BOOL_FALSE:
    case FF_TC_I8:
        return ff_cursor_skip(r->cur, 1, err);
    case FF_TC_I16:
    case FF_TC_I32:
    case FF_TC_I64: {
        uint64_t ignored;
        return ff_cursor_uvarint(r->cur, &ignored, err);
    }
    case FF_TC_DOUBLE:
        return ff_cursor_skip(r->cur, 8, err);
    case FF_TC_BINARY: {
        const uint8_t *data;
        size_t len;
        return ff_tc_read_binary_view(r, &data, &len, err);
    }
    case FF_TC_LIST:
    case FF_TC_SET: {
        uint8_t elem_type;
        int32_t count;
        FF_FORWARD_IF_ERROR(ff_tc_list_begin(r, &elem_type, &count, err));
        ff_status status = FF_OK;
        for (int32_t elem_idx = 0; elem_idx < count && status == FF_OK; elem_idx++)
            status = ff_tc_skip(r, elem_type, err);
        ff_tc_list_end(r);
        return status;
    }
    case FF_TC_MAP:
        return tc_skip_map(r, err);
    case FF_TC_STRUCT: {
        FF_FORWARD_IF_ERROR(ff_tc_struct_begin(r, err));
        int16_t last_id = 0;
        ff_status status;
        for (;;) {
            ff_tc_field f;
            status = ff_tc_field_next(r, &last_id, &f, err);
            if (status != FF_OK || f.type == FF_TC_STOP)
                break;
            status = ff_tc_skip_field(r, &f, err);
            if (status != FF_OK)
                break;
        }
        ff_tc_struct_end(r);
        return status;
    }
    default:
        return ff_error_set(err, FF_ERR_CORRUPT, "cannot skip Thrift type %u at offset %zu", type,
                            ff_cursor_offset(r->cur));
    }
}

ff_status ff_tc_skip_field(ff_tc_reader *r, const ff_tc_field *f, ff_error *err) {
    /* A bool field carries its value in the header. */
    if (f->type == FF_TC_BOOL_TRUE || f->type == FF_TC_BOOL_FALSE)
        return FF_OK;
    return ff_tc_skip(r, f->type, err);
}

static ff_status tc_field_int(ff_tc_reader *r, const ff_tc_field *f, int64_t min, int64_t max,
                              int64_t *out, bool *is_set, ff_error *err) {
    if (!tc_type_is_int(f->type)) {
        if (is_set)
            *is_set = false;
        return ff_tc_skip_field(r, f, err);
    }
    FF_FORWARD_IF_ERROR(ff_tc_read_int(r, f->type, min, max, out, err));
    if (is_set)
        *is_set = true;
    return FF_OK;
}

ff_status ff_tc_field_i8(ff_tc_reader *r, const ff_tc_field *f, int8_t *out, bool *is_set,
                         ff_error *err) {
    int64_t value = 0;
    bool got = false;
    FF_FORWARD_IF_ERROR(tc_field_int(r, f, INT8_MIN, INT8_MAX, &value, &got, err));
    if (got)
        *out = (int8_t)value;
    if (is_set)
        *is_set = got;
    return FF_OK;
}

ff_status ff_tc_field_i16(ff_tc_reader *r, const ff_tc_field *f, int16_t *out, bool *is_set,
                          ff_error *err) {
    int64_t value = 0;
    bool got = false;
    FF_FORWARD_IF_ERROR(tc_field_int(r, f, INT16_MIN, INT16_MAX, &value, &got, err));
    if (got)
        *out = (int16_t)value;
    if (is_set)
        *is_set = got;
    return FF_OK;
}

ff_status ff_tc_field_i32(ff_tc_reader *r, const ff_tc_field *f, int32_t *out, bool *is_set,
                          ff_error *err) {
    int64_t value = 0;
    bool got = false;
    FF_FORWARD_IF_ERROR(tc_field_int(r, f, INT32_MIN, INT32_MAX, &value, &got, err));
    if (got)
        *out = (int32_t)value;
    if (is_set)
        *is_set = got;
    return FF_OK;
}

ff_status ff_tc_field_i64(ff_tc_reader *r, const ff_tc_field *f, int64_t *out, bool *is_set,
                          ff_error *err) {
    int64_t value = 0;
    bool got = false;
    FF_FORWARD_IF_ERROR(tc_field_int(r, f, INT64_MIN, INT64_MAX, &value, &got, err));
    if (got)
        *out = value;
    if (is_set)
        *is_set = got;
    return FF_OK;
}

ff_status ff_tc_field_bool(ff_tc_reader *r, const ff_tc_field *f, bool *out, bool *is_set,
                           ff_error *err) {
    if (f->type == FF_TC_BOOL_TRUE || f->type == FF_TC_BOOL_FALSE) {
        *out = f->bool_value;
        if (is_set)
            *is_set = true;
        return FF_OK;
    }
    if (is_set)
        *is_set = false;
    return ff_tc_skip_field(r, f, err);
}

ff_status ff_tc_field_binary(ff_tc_reader *r, const ff_tc_field *f, ff_pq_bytes *out, bool *is_set,
                             ff_error *err) {
    if (f->type != FF_TC_BINARY) {
        if (is_set)
            *is_set = false;
        return ff_tc_skip_field(r, f, err);
    }
    FF_FORWARD_IF_ERROR(ff_tc_read_binary(r, out, err));
    if (is_set)
        *is_set = true;
    return FF_OK;
}

ff_status ff_tc_field_string(ff_tc_reader *r, const ff_tc_field *f, const char **out, bool *is_set,
                             ff_error *err) {
    if (f->type != FF_TC_BINARY) {
        if (is_set)
            *is_set = false;
        return ff_tc_skip_field(r, f, err);
    }
    FF_FORWARD_IF_ERROR(ff_tc_read_string(r, out, err));
    if (is_set)
        *is_set = true;
    return FF_OK;
}

static bool tc_elem_fits(uint8_t elem_type, ff_tc_elem_class expected) {
    switch (expected) {
    case FF_TC_ELEM_INT:
        return tc_type_is_int(elem_type);
    case FF_TC_ELEM_BOOL:
        return elem_type == FF_TC_BOOL_TRUE || elem_type == FF_TC_BOOL_FALSE;
    case FF_TC_ELEM_BINARY:
        return elem_type == FF_TC_BINARY;
    case FF_TC_ELEM_STRUCT:
        return elem_type == FF_TC_STRUCT;
    }
    return false;
}

ff_status ff_tc_field_list(ff_tc_reader *r, const ff_tc_field *f, ff_tc_elem_class expected,
                           uint8_t *elem_type, int32_t *count, bool *is_list, ff_error *err) {
    *is_list = false;
    if (f->type != FF_TC_LIST && f->type != FF_TC_SET)
        return ff_tc_skip_field(r, f, err);
    FF_FORWARD_IF_ERROR(ff_tc_list_begin(r, elem_type, count, err));
    /* An empty list may carry any element type; treat it as the expected one. */
    if (*count > 0 && !tc_elem_fits(*elem_type, expected)) {
        ff_status status = FF_OK;
        for (int32_t elem_idx = 0; elem_idx < *count && status == FF_OK; elem_idx++)
            status = ff_tc_skip(r, *elem_type, err);
        ff_tc_list_end(r);
        return status;
    }
    *is_list = true;
    return FF_OK;
}
