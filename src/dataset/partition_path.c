/* Partition directory segments: percent-encoding of `name=value` (DESIGN.md §1).
 *
 * The encoding keeps RFC 3986's unreserved bytes [A-Za-z0-9._~-] and writes every other byte
 * as %XX with upper-case hex. That set is small on purpose: it contains neither `/` nor `\`,
 * `=`, `%`, NUL, control bytes or anything a shell or a URL decoder treats specially (`+` is
 * escaped because form decoders read it as a space), so one value is always one directory
 * name, and `.`/`..` can never be a whole segment because every segment starts with `name=`.
 * Hive, Spark, DuckDB, Polars and PyArrow all percent-decode partition values, so they read
 * the values back unchanged (tests/interop/partition_paths.mjs checks DuckDB and Polars).
 *
 * The encoder is canonical (one output per input); the decoder is lenient (lower-case hex,
 * unescaped bytes written by other tools, and malformed escapes, which stay literal as in
 * DuckDB and Polars). Values whose encoding would not fit in a directory name are refused. */
#include <fluxforge/dataset.h>

#include <string.h>

static bool is_unreserved(uint8_t byte) {
    return (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
           (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' || byte == '~';
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends the encoding of bytes to out at *used; escape_first forces an escape of the first
 * byte (a leading '_' or '.' in a name, the sentinel-colliding value). False if out_cap would
 * be exceeded (one byte is always kept for the NUL). */
static bool encode_bytes(const uint8_t *bytes, size_t len, bool escape_first, char *out,
                         size_t out_cap, size_t *used) {
    static const char hex_digits[] = "0123456789ABCDEF";
    for (size_t byte_idx = 0; byte_idx < len; byte_idx++) {
        uint8_t byte = bytes[byte_idx];
        bool keep = is_unreserved(byte) && !(byte_idx == 0 && escape_first);
        size_t need = keep ? 1 : 3;
        if (*used + need >= out_cap)
            return false;
        if (keep) {
            out[(*used)++] = (char)byte;
        } else {
            out[(*used)++] = '%';
            out[(*used)++] = hex_digits[byte >> 4];
            out[(*used)++] = hex_digits[byte & 15];
        }
    }
    return true;
}

ff_status ff_partition_segment_encode(const char *name, const void *value, size_t value_len,
                                      bool is_null, char *out, size_t out_cap, size_t *out_len,
                                      ff_error *err) {
    size_t name_len = strlen(name);
    if (name_len == 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "partition column name is empty");
    size_t cap = out_cap < FF_PARTITION_SEGMENT_MAX + 1 ? out_cap : FF_PARTITION_SEGMENT_MAX + 1;
    size_t used = 0;
    /* Discovery skips names starting with '_' or '.', so a column named "_id" must not
     * produce "_id=...". */
    bool ok = encode_bytes((const uint8_t *)name, name_len, name[0] == '_' || name[0] == '.', out,
                           cap, &used);
    ok = ok && used + 1 < cap;
    if (ok)
        out[used++] = '=';
    if (ok && is_null) {
        size_t sentinel_len = strlen(FF_HIVE_DEFAULT_PARTITION);
        ok = used + sentinel_len < cap;
        if (ok) {
            memcpy(out + used, FF_HIVE_DEFAULT_PARTITION, sentinel_len);
            used += sentinel_len;
        }
    } else if (ok) {
        bool is_sentinel = value_len == strlen(FF_HIVE_DEFAULT_PARTITION) &&
                           !memcmp(value, FF_HIVE_DEFAULT_PARTITION, value_len);
        ok = encode_bytes(value, value_len, is_sentinel, out, cap, &used);
    }
    if (!ok)
        return ff_error_set(err, FF_ERR_LIMIT,
                            "partition column '%.64s': value of %zu bytes encodes to a directory "
                            "name longer than %d bytes",
                            name, value_len, FF_PARTITION_SEGMENT_MAX);
    out[used] = '\0';
    *out_len = used;
    return FF_OK;
}

/* Decodes [text, text + len) into out (room for len + 1), returning the decoded length. */
static size_t decode_bytes(const char *text, size_t len, uint8_t *out) {
    size_t used = 0;
    for (size_t pos = 0; pos < len; pos++) {
        int high, low;
        if (text[pos] == '%' && pos + 2 < len && (high = hex_value(text[pos + 1])) >= 0 &&
            (low = hex_value(text[pos + 2])) >= 0) {
            out[used++] = (uint8_t)(high << 4 | low);
            pos += 2;
        } else {
            out[used++] = (uint8_t)text[pos];
        }
    }
    out[used] = '\0';
    return used;
}

ff_status ff_partition_segment_decode(const char *segment, size_t segment_len, char *name_out,
                                      size_t *name_len, uint8_t *value_out, size_t *value_len,
                                      bool *is_null, ff_error *err) {
    const char *equals = memchr(segment, '=', segment_len);
    if (!equals || equals == segment)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "'%.*s' is not a name=value partition directory", (int)segment_len,
                            segment);
    size_t raw_name_len = (size_t)(equals - segment);
    const char *raw_value = equals + 1;
    size_t raw_value_len = segment_len - raw_name_len - 1;
    *name_len = decode_bytes(segment, raw_name_len, (uint8_t *)name_out);
    size_t sentinel_len = strlen(FF_HIVE_DEFAULT_PARTITION);
    /* The sentinel is recognized before decoding, so its escaped form stays a string. */
    *is_null = raw_value_len == sentinel_len &&
               !memcmp(raw_value, FF_HIVE_DEFAULT_PARTITION, sentinel_len);
    if (*is_null) {
        value_out[0] = '\0';
        *value_len = 0;
    } else {
        *value_len = decode_bytes(raw_value, raw_value_len, value_out);
    }
    return FF_OK;
}

ff_status ff_partition_dir_encode(const char *const *names, const ff_partition_value *values,
                                  size_t num_columns, char *out, size_t out_cap, size_t *out_len,
                                  ff_error *err) {
    if (out_cap == 0)
        return ff_error_set(err, FF_ERR_LIMIT, "partition directory buffer is empty");
    size_t used = 0;
    out[0] = '\0';
    for (size_t column_idx = 0; column_idx < num_columns; column_idx++) {
        if (column_idx > 0) {
            if (used + 1 >= out_cap)
                return ff_error_set(err, FF_ERR_LIMIT, "partition directory longer than %zu bytes",
                                    out_cap - 1);
            out[used++] = '/';
        }
        size_t segment_len = 0;
        const ff_partition_value *value = &values[column_idx];
        ff_status status = ff_partition_segment_encode(
            names[column_idx], value->bytes ? (const void *)value->bytes : "", value->len,
            value->is_null, out + used, out_cap - used, &segment_len, err);
        if (status != FF_OK)
            return status;
        used += segment_len;
    }
    out[used] = '\0';
    *out_len = used;
    return FF_OK;
}
