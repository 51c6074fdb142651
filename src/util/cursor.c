/* Varint reads for the checked cursor (see cursor.h); the fixed-width reads are inline. */
#include "util/cursor.h"

ff_status ff_cursor_uvarint(ff_cursor *cur, uint64_t *out, ff_error *err) {
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (cur->pos >= cur->end)
            return ff_error_set(err, FF_ERR_CORRUPT, "varint runs past the end at offset %zu",
                                ff_cursor_offset(cur));
        uint8_t byte = *cur->pos++;
        if (shift == 63 && (byte & 0x7e))
            return ff_error_set(err, FF_ERR_CORRUPT, "varint overflows 64 bits at offset %zu",
                                ff_cursor_offset(cur) - 1);
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = value;
            return FF_OK;
        }
    }
    return ff_error_set(err, FF_ERR_CORRUPT, "varint longer than 10 bytes at offset %zu",
                        ff_cursor_offset(cur));
}

ff_status ff_cursor_zigzag(ff_cursor *cur, int64_t *out, ff_error *err) {
    uint64_t raw = 0;
    ff_status status = ff_cursor_uvarint(cur, &raw, err);
    if (status == FF_OK)
        *out = (int64_t)(raw >> 1) ^ -(int64_t)(raw & 1);
    return status;
}
