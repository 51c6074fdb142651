/* The column chunk reader (see column_reader.h): page loop, level decoding (v1 RLE with a
 * 4-byte length prefix or legacy BIT_PACKED; v2 RLE sections), value decoding by encoding,
 * dictionary handling, and the spreading of dense values into flat slots.
 *
 * Encodings (parquet-format Encodings.md): PLAIN; PLAIN_DICTIONARY and RLE_DICTIONARY data
 * pages are one bit-width byte followed by RLE/bit-packed indices; RLE values (booleans
 * only) are a 4-byte length and an RLE run of width 1; DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT go to their decoders in
 * src/parquet/encoding/. The deprecated BIT_PACKED value encoding is refused. */
#include "parquet/column/column_reader.h"

#include "parquet/column/page_reader.h"
#include "parquet/encoding/encoding.h"
#include "util/bytes.h"
#include "util/check.h"
#include "util/cursor.h"

#include <stdlib.h>
#include <string.h>

/* Page buffers up to this size are kept for the next page; larger ones are given back. */
#define FF_PAGE_BUF_KEEP ((size_t)64 << 20)

ff_status ff_column_scratch_init(ff_column_scratch *scratch, ff_error *err) {
    memset(scratch, 0, sizeof *scratch);
    ff_buf_init(&scratch->page_buf, 0);
    ff_vector_init(&scratch->dict, NULL);
    return ff_codec_ctx_create(&scratch->codec_ctx, err);
}

void ff_column_scratch_free(ff_column_scratch *scratch) {
    if (!scratch)
        return;
    ff_codec_ctx_free(scratch->codec_ctx);
    ff_buf_free(&scratch->page_buf);
    ff_vector_free(&scratch->dict);
    free(scratch->indices);
    free(scratch->levels);
    memset(scratch, 0, sizeof *scratch);
}

bool ff_column_is_flat(const ff_schema_node *leaf) {
    if (leaf->max_rep > 0)
        return false;
    for (const ff_schema_node *node = leaf->parent; node && node->parent; node = node->parent)
        if (node->repetition != FF_PQ_REQUIRED)
            return false;
    return true;
}

/* Grows a scratch array of `width`-byte entries to hold `needed` entries. */
static ff_status grow_array(void **array, size_t *cap, size_t needed, size_t width,
                            const char *what, ff_error *err) {
    if (needed <= *cap)
        return FF_OK;
    size_t new_cap = *cap ? *cap : 256;
    while (new_cap < needed)
        new_cap = new_cap > SIZE_MAX / 4 ? needed : new_cap * 2;
    size_t bytes;
    if (!ff_size_mul(new_cap, width, &bytes))
        return ff_error_set(err, FF_ERR_LIMIT, "%s of %zu entries is too large", what, needed);
    void *grown = ff_realloc(*array, bytes, what, err);
    if (!grown)
        return FF_ERR_NO_MEMORY;
    *array = grown;
    *cap = new_cap;
    return FF_OK;
}

/* State of one chunk read. */
typedef struct chunk_state {
    const ff_column_chunk_ref *ref;
    ff_column_scratch *scratch;
    ff_vector *vec;
    const ff_schema_node *leaf;
    bool is_flat;
    bool has_dict;
    bool seen_data_page;
    int bit_width_rep, bit_width_def;
    int64_t values_seen; /* level entries so far (ColumnMetaData.num_values counts these) */
    int64_t rows_seen;
    int64_t num_values; /* ColumnMetaData.num_values */
} chunk_state;

/* Bytes the vector would hold after `more` level entries, an upper bound used for the
 * decoded-size limit. */
static ff_status check_budget(chunk_state *st, int64_t more, size_t extra_value_bytes,
                              ff_error *err) {
    const ff_vector *vec = st->vec;
    size_t width = (size_t)ff_type_value_width(&vec->type);
    size_t slot_bytes = width ? width : sizeof(int64_t);
    size_t entries = (size_t)(st->values_seen + more);
    size_t total = 0;
    bool ok = ff_size_mul(entries, slot_bytes + (st->is_flat ? 0 : 2 * sizeof(int16_t)), &total) &&
              ff_size_add(total, vec->values_len, &total) &&
              ff_size_add(total, extra_value_bytes, &total);
    if (!ok || total > st->ref->max_bytes)
        return ff_error_set(err, FF_ERR_LIMIT,
                            "column chunk would decode to more than the limit of %zu bytes",
                            st->ref->max_bytes);
    return FF_OK;
}

/* Decodes n levels of one kind. `encoding` is the v1 level encoding, or -1 for a v2
 * section (plain RLE without length prefix). *consumed gets the bytes the levels took. */
static ff_status decode_levels(const uint8_t *data, size_t len, int encoding, int bit_width,
                               int16_t *out, int64_t n, size_t *consumed, ff_error *err) {
    ff_rle_decoder dec;
    ff_status status;
    if (encoding == FF_ENC_BIT_PACKED) {
        size_t bits;
        if (!ff_size_mul((size_t)n, (size_t)bit_width, &bits))
            return ff_error_set(err, FF_ERR_CORRUPT, "level count %lld is too large", (long long)n);
        size_t bytes = (bits + 7) / 8;
        if (bytes > len)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "BIT_PACKED levels need %zu bytes but the page has %zu", bytes,
                                len);
        *consumed = bytes;
        return ff_bit_packed_decode_levels(data, bytes, bit_width, out, n, err);
    }
    if (encoding == FF_ENC_RLE) {
        if (len < 4)
            return ff_error_set(err, FF_ERR_CORRUPT, "RLE levels length prefix is truncated");
        uint32_t levels_len = ff_load_le32(data);
        if (levels_len > len - 4)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "RLE levels of %u bytes run past the page (%zu bytes left)",
                                levels_len, len - 4);
        data += 4;
        len = levels_len;
        *consumed = 4 + (size_t)levels_len;
    } else if (encoding == -1) {
        *consumed = len;
    } else {
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "level encoding %d", encoding);
    }
    status = ff_rle_decoder_init(&dec, data, len, bit_width, err);
    if (status != FF_OK)
        return status;
    return ff_rle_decode_levels(&dec, out, n, err);
}

/* Makes room for `more` level entries in a nested vector. */
static ff_status reserve_levels(ff_vector *vec, bool has_rep, int64_t more, ff_error *err) {
    size_t needed = (size_t)(vec->num_levels + more);
    if (needed <= vec->levels_cap && vec->def_levels && (!has_rep || vec->rep_levels))
        return FF_OK;
    size_t new_cap = vec->levels_cap > 256 ? vec->levels_cap : 256;
    while (new_cap < needed)
        new_cap = new_cap > SIZE_MAX / 8 ? needed : new_cap * 2;
    int16_t *def = ff_realloc(vec->def_levels, new_cap * sizeof(int16_t), "levels", err);
    if (!def)
        return FF_ERR_NO_MEMORY;
    vec->def_levels = def;
    if (has_rep) {
        int16_t *rep = ff_realloc(vec->rep_levels, new_cap * sizeof(int16_t), "levels", err);
        if (!rep)
            return FF_ERR_NO_MEMORY;
        vec->rep_levels = rep;
    }
    vec->levels_cap = new_cap;
    return FF_OK;
}

/* Dictionary indices: one bit-width byte, then the RLE/bit-packed hybrid. */
static ff_status decode_dictionary_indices(chunk_state *st, const uint8_t *data, size_t len,
                                           int64_t count, ff_error *err) {
    ff_column_scratch *scratch = st->scratch;
    if (!st->has_dict)
        return ff_error_set(err, FF_ERR_CORRUPT, "dictionary-encoded page without a dictionary");
    if (len < 1)
        return ff_error_set(err, FF_ERR_CORRUPT, "dictionary indices are missing");
    int bit_width = data[0];
    if (bit_width > 32)
        return ff_error_set(err, FF_ERR_CORRUPT, "RLE bit width %d exceeds 32", bit_width);
    ff_status status = grow_array((void **)&scratch->indices, &scratch->indices_cap, (size_t)count,
                                  sizeof(uint32_t), "dictionary indices", err);
    if (status != FF_OK)
        return status;
    ff_rle_decoder dec;
    status = ff_rle_decoder_init(&dec, data + 1, len - 1, bit_width, err);
    if (status != FF_OK)
        return status;
    status = ff_rle_decode_u32(&dec, scratch->indices, count, err);
    if (status != FF_OK)
        return status;
    if (st->vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        /* A long entry repeated by many indices could expand without bound. When even the
         * worst case (every index on the longest entry) fits the budget, the gather may
         * grow the vector itself; otherwise size it exactly and hold it to the budget
         * before copying anything. */
        const ff_vector *dict = &scratch->dict;
        size_t worst;
        if (!ff_size_mul(scratch->dict_max_len, (size_t)count, &worst) ||
            check_budget(st, 0, worst, err) != FF_OK) {
            ff_error_clear(err);
            size_t total = 0;
            for (int64_t value_idx = 0; value_idx < count; value_idx++) {
                uint32_t index = scratch->indices[value_idx];
                if (index >= (uint64_t)dict->length)
                    return ff_error_set(err, FF_ERR_CORRUPT,
                                        "dictionary index %u out of range (dictionary has "
                                        "%lld entries)",
                                        index, (long long)dict->length);
                total += (size_t)(dict->offsets[index + 1] - dict->offsets[index]);
                if (total > st->ref->max_bytes)
                    break;
            }
            status = check_budget(st, 0, total, err);
            if (status == FF_OK) /* one exact allocation instead of doubling */
                status = ff_vector_reserve(st->vec, st->vec->length + count,
                                           st->vec->values_len + total, false, err);
            if (status != FF_OK)
                return status;
        }
    }
    return ff_dict_gather(&scratch->dict, scratch->indices, count, st->vec, err);
}

/* RLE-encoded booleans: a 4-byte length, then the hybrid with bit width 1. */
static ff_status decode_rle_booleans(chunk_state *st, const uint8_t *data, size_t len,
                                     int64_t count, ff_error *err) {
    ff_column_scratch *scratch = st->scratch;
    ff_vector *vec = st->vec;
    if (len < 4)
        return ff_error_set(err, FF_ERR_CORRUPT, "RLE boolean length prefix is truncated");
    uint32_t run_len = ff_load_le32(data);
    if (run_len > len - 4)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "RLE booleans of %u bytes run past the page (%zu bytes left)", run_len,
                            len - 4);
    ff_status status = grow_array((void **)&scratch->indices, &scratch->indices_cap, (size_t)count,
                                  sizeof(uint32_t), "boolean values", err);
    if (status != FF_OK)
        return status;
    ff_rle_decoder dec;
    status = ff_rle_decoder_init(&dec, data + 4, run_len, 1, err);
    if (status == FF_OK)
        status = ff_rle_decode_u32(&dec, scratch->indices, count, err);
    if (status == FF_OK)
        status = ff_vector_reserve(vec, vec->length + count, 0, false, err);
    if (status != FF_OK)
        return status;
    uint8_t *out = vec->values + vec->length;
    for (int64_t value_idx = 0; value_idx < count; value_idx++)
        out[value_idx] = (uint8_t)(scratch->indices[value_idx] & 1);
    vec->length += count;
    return FF_OK;
}

/* Appends `count` dense values of a page to the vector. */
static ff_status decode_values(chunk_state *st, int32_t encoding, const uint8_t *data, size_t len,
                               int64_t count, ff_error *err) {
    ff_vector *vec = st->vec;
    ff_physical_type physical = vec->type.physical;
    size_t consumed = 0;
    if (count == 0)
        return FF_OK;
    switch (encoding) {
    case FF_ENC_PLAIN:
        return ff_plain_decode(data, len, count, vec, &consumed, err);
    case FF_ENC_PLAIN_DICTIONARY:
    case FF_ENC_RLE_DICTIONARY:
        return decode_dictionary_indices(st, data, len, count, err);
    case FF_ENC_RLE:
        if (physical != FF_PHYSICAL_BOOLEAN)
            break;
        return decode_rle_booleans(st, data, len, count, err);
    case FF_ENC_DELTA_BINARY_PACKED:
        if (physical != FF_PHYSICAL_INT32 && physical != FF_PHYSICAL_INT64)
            break;
        return ff_delta_binary_packed_decode(data, len, count, vec, &consumed, err);
    case FF_ENC_DELTA_LENGTH_BYTE_ARRAY:
        if (physical != FF_PHYSICAL_BYTE_ARRAY)
            break;
        return ff_delta_length_byte_array_decode(data, len, count, vec, err);
    case FF_ENC_DELTA_BYTE_ARRAY:
        if (physical != FF_PHYSICAL_BYTE_ARRAY && physical != FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY)
            break;
        return ff_delta_byte_array_decode(data, len, count, vec, err);
    case FF_ENC_BYTE_STREAM_SPLIT:
        if (physical == FF_PHYSICAL_BOOLEAN || physical == FF_PHYSICAL_BYTE_ARRAY ||
            physical == FF_PHYSICAL_INT96)
            break;
        return ff_byte_stream_split_decode(data, len, count, vec, err);
    case FF_ENC_BIT_PACKED:
        return ff_error_set(err, FF_ERR_UNSUPPORTED,
                            "the deprecated BIT_PACKED encoding is only supported for levels");
    default:
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "unknown encoding %d", encoding);
    }
    return ff_error_set(err, FF_ERR_CORRUPT, "encoding %d is not valid for physical type %d",
                        encoding, (int)physical);
}

/* Sets validity bits [start, start + n) from flat definition levels (0 or 1): bit by bit
 * up to a byte boundary, then a whole byte per eight levels (or 0xff bytes when the page
 * has no null), then the tail. */
static void write_validity(uint8_t *validity, int64_t start, const int16_t *defs, int64_t n,
                           bool all_valid) {
    int64_t level_idx = 0;
    for (; level_idx < n && ((start + level_idx) & 7); level_idx++) {
        int64_t bit = start + level_idx;
        if (defs[level_idx])
            validity[bit >> 3] |= (uint8_t)(1u << (bit & 7));
        else
            validity[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
    }
    uint8_t *out = validity + ((start + level_idx) >> 3);
    int64_t full_bytes = (n - level_idx) >> 3;
    if (all_valid) {
        memset(out, 0xff, (size_t)full_bytes);
    } else {
        const int16_t *in = defs + level_idx;
        for (int64_t byte_idx = 0; byte_idx < full_bytes; byte_idx++, in += 8)
            out[byte_idx] = (uint8_t)((in[0] & 1) | (in[1] & 1) << 1 | (in[2] & 1) << 2 |
                                      (in[3] & 1) << 3 | (in[4] & 1) << 4 | (in[5] & 1) << 5 |
                                      (in[6] & 1) << 6 | (in[7] & 1) << 7);
    }
    level_idx += full_bytes * 8;
    for (; level_idx < n; level_idx++) {
        int64_t bit = start + level_idx;
        if (defs[level_idx])
            validity[bit >> 3] |= (uint8_t)(1u << (bit & 7));
        else
            validity[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
    }
}

/* Spreads the `present` dense values at slots [start, start + present) over the slots
 * [start, start + n) by the definition levels (1 = value, 0 = null), back to front so that
 * no value is overwritten before it moves, and writes the validity bits. */
static void spread_flat(ff_vector *vec, int64_t start, const int16_t *defs, int64_t n,
                        int64_t present) {
    write_validity(vec->validity, start, defs, n, present == n);
    if (present == n)
        return;
    int64_t src = present - 1;
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        int64_t *ends = vec->offsets + start + 1; /* ends[i] = end offset of slot start+i */
        int64_t base = vec->offsets[start];
        for (int64_t slot_idx = n - 1; slot_idx >= 0; slot_idx--) {
            if (defs[slot_idx]) {
                ends[slot_idx] = ends[src];
                src--;
            } else {
                ends[slot_idx] = src >= 0 ? ends[src] : base;
            }
        }
        return;
    }
    size_t width = (size_t)ff_type_value_width(&vec->type);
    uint8_t *values = vec->values + (size_t)start * width;
#define FF_SPREAD_FIXED(type_)                                                                     \
    do {                                                                                           \
        type_ *typed = (type_ *)(void *)values;                                                    \
        for (int64_t slot_idx = n - 1; slot_idx >= 0; slot_idx--) {                                \
            if (defs[slot_idx]) {                                                                  \
                memcpy(&typed[slot_idx], &typed[src], sizeof(type_));                              \
                src--;                                                                             \
            } else {                                                                               \
                memset(&typed[slot_idx], 0, sizeof(type_));                                        \
            }                                                                                      \
        }                                                                                          \
    } while (0)
    switch (width) {
    case 1:
        FF_SPREAD_FIXED(uint8_t);
        return;
    case 4:
        FF_SPREAD_FIXED(uint32_t);
        return;
    case 8:
        FF_SPREAD_FIXED(uint64_t);
        return;
    default:
        break;
    }
#undef FF_SPREAD_FIXED
    for (int64_t slot_idx = n - 1; slot_idx >= 0; slot_idx--) {
        uint8_t *slot = values + (size_t)slot_idx * width;
        if (defs[slot_idx]) {
            if (src != slot_idx)
                memmove(slot, values + (size_t)src * width, width);
            src--;
        } else {
            memset(slot, 0, width);
        }
    }
}

/* One data page (v1 or v2): levels, then values, then spreading for flat columns. */
static ff_status read_data_page(chunk_state *st, const ff_page *page, ff_error *err) {
    ff_vector *vec = st->vec;
    const ff_schema_node *leaf = st->leaf;
    ff_column_scratch *scratch = st->scratch;
    int64_t n = page->num_values;
    ff_status status;
    if (n < 0)
        return ff_error_set(err, FF_ERR_CORRUPT, "negative value count %lld", (long long)n);
    if (n > st->num_values - st->values_seen)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "pages hold more than the %lld values the column chunk declares",
                            (long long)st->num_values);
    FF_FORWARD_IF_ERROR(check_budget(st, n, 0, err));

    /* Where the level sections and the values are. */
    const uint8_t *rep_data = NULL, *def_data = NULL, *values = NULL;
    size_t rep_len = 0, def_len = 0, values_len = 0;
    int rep_encoding = -1, def_encoding = -1;
    if (page->type == FF_PAGE_DATA) {
        const uint8_t *pos = page->body;
        size_t left = page->body_len;
        if (leaf->max_rep > 0) {
            rep_data = pos;
            rep_len = left;
            rep_encoding = page->header.data_page_header.repetition_level_encoding;
        }
        if (leaf->max_def > 0)
            def_encoding = page->header.data_page_header.definition_level_encoding;
        /* v1 level sections are self-delimiting; their length is known once decoded, so
         * the definition levels' start is found after decoding the repetition levels. */
        values = pos;
        values_len = left;
    } else {
        rep_data = page->rep_levels;
        rep_len = page->rep_levels_len;
        def_data = page->def_levels;
        def_len = page->def_levels_len;
        values = page->values;
        values_len = page->values_len;
    }

    int16_t *rep_out = NULL, *def_out = NULL;
    if (!st->is_flat) {
        FF_FORWARD_IF_ERROR(reserve_levels(vec, leaf->max_rep > 0, n, err));
        def_out = vec->def_levels + vec->num_levels;
        if (leaf->max_rep > 0)
            rep_out = vec->rep_levels + vec->num_levels;
    } else if (leaf->max_def > 0) {
        FF_FORWARD_IF_ERROR(grow_array((void **)&scratch->levels, &scratch->levels_cap, (size_t)n,
                                       sizeof(int16_t), "levels", err));
        def_out = scratch->levels;
    }

    size_t consumed = 0;
    if (leaf->max_rep > 0) {
        status = decode_levels(rep_data, rep_len, rep_encoding, st->bit_width_rep, rep_out, n,
                               &consumed, err);
        if (status != FF_OK)
            return ff_error_prefix(err, "repetition levels");
        if (page->type == FF_PAGE_DATA) {
            values += consumed;
            values_len -= consumed;
        }
    }
    if (leaf->max_def > 0) {
        if (page->type == FF_PAGE_DATA) {
            def_data = values;
            def_len = values_len;
        }
        status = decode_levels(def_data, def_len, def_encoding, st->bit_width_def, def_out, n,
                               &consumed, err);
        if (status != FF_OK)
            return ff_error_prefix(err, "definition levels");
        if (page->type == FF_PAGE_DATA) {
            values += consumed;
            values_len -= consumed;
        }
    } else if (def_out) {
        for (int64_t level_idx = 0; level_idx < n; level_idx++)
            def_out[level_idx] = 0;
    }

    /* Levels must stay within their maxima; count the values present and the rows begun. */
    int64_t present = n;
    if (leaf->max_def > 0) {
        int16_t max_def = leaf->max_def;
        int64_t count = 0;
        int16_t worst = 0;
        for (int64_t level_idx = 0; level_idx < n; level_idx++) {
            int16_t level = def_out[level_idx];
            worst = level > worst ? level : worst;
            count += level == max_def;
        }
        if (worst > max_def)
            return ff_error_set(err, FF_ERR_CORRUPT, "definition level %d exceeds the maximum %d",
                                worst, max_def);
        present = count;
    }
    if (leaf->max_rep > 0) {
        int16_t max_rep = leaf->max_rep;
        int64_t rows = 0;
        int16_t worst = 0;
        for (int64_t level_idx = 0; level_idx < n; level_idx++) {
            int16_t level = rep_out[level_idx];
            worst = level > worst ? level : worst;
            rows += level == 0;
        }
        if (worst > max_rep)
            return ff_error_set(err, FF_ERR_CORRUPT, "repetition level %d exceeds the maximum %d",
                                worst, max_rep);
        /* A chunk must start a row. Some writers start with 1; lenient readers then drop
         * values up to the first 0, which would silently lose data on a rewrite. */
        if (st->values_seen == 0 && n > 0 && rep_out[0] != 0)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "the column chunk starts with repetition level %d instead of 0",
                                rep_out[0]);
        st->rows_seen += rows;
    } else {
        st->rows_seen += n;
    }

    int64_t start = vec->length;
    status = decode_values(st, page->encoding, values, values_len, present, err);
    if (status != FF_OK)
        return status;
    if (vec->length != start + present)
        return ff_error_set(err, FF_ERR_INTERNAL, "decoder produced %lld values, expected %lld",
                            (long long)(vec->length - start), (long long)present);
    if (st->is_flat && leaf->max_def > 0) {
        status = ff_vector_reserve(vec, start + n, vec->values_len, true, err);
        if (status != FF_OK)
            return status;
        spread_flat(vec, start, def_out, n, present);
        vec->length = start + n;
        vec->null_count += n - present;
    }
    if (!st->is_flat)
        vec->num_levels += n;
    st->values_seen += n;
    return FF_OK;
}

static ff_status read_dictionary_page(chunk_state *st, const ff_page *page, ff_error *err) {
    ff_column_scratch *scratch = st->scratch;
    if (st->has_dict)
        return ff_error_set(err, FF_ERR_CORRUPT, "second dictionary page in one column chunk");
    if (st->seen_data_page)
        return ff_error_set(err, FF_ERR_CORRUPT, "dictionary page after a data page");
    if (page->num_values < 0)
        return ff_error_set(err, FF_ERR_CORRUPT, "negative dictionary size %d", page->num_values);
    if (page->encoding != FF_ENC_PLAIN && page->encoding != FF_ENC_PLAIN_DICTIONARY)
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "dictionary page encoding %d", page->encoding);
    ff_vector_reset(&scratch->dict);
    scratch->dict.type = st->leaf->type;
    size_t consumed = 0;
    if (page->num_values > 0) {
        ff_status status = ff_plain_decode(page->body, page->body_len, page->num_values,
                                           &scratch->dict, &consumed, err);
        if (status != FF_OK)
            return ff_error_prefix(err, "dictionary");
    }
    scratch->dict_max_len = 0;
    if (scratch->dict.type.physical == FF_PHYSICAL_BYTE_ARRAY)
        for (int64_t entry_idx = 0; entry_idx < scratch->dict.length; entry_idx++) {
            size_t entry_len =
                (size_t)(scratch->dict.offsets[entry_idx + 1] - scratch->dict.offsets[entry_idx]);
            if (entry_len > scratch->dict_max_len)
                scratch->dict_max_len = entry_len;
        }
    st->has_dict = true;
    if (scratch->page_buf.cap > FF_PAGE_BUF_KEEP) {
        /* A giant dictionary page is a one-off; do not hold its buffer while the data
         * pages expand the dictionary into the vector. */
        ff_buf_free(&scratch->page_buf);
        ff_buf_init(&scratch->page_buf, 0);
    }
    return FF_OK;
}

ff_status ff_column_read_chunk(const ff_column_chunk_ref *ref, ff_column_scratch *scratch,
                               ff_vector *out, ff_error *err) {
    const ff_pq_column_chunk *chunk = ref->chunk;
    const ff_pq_column_metadata *meta = &chunk->meta_data;
    const ff_schema_node *leaf = ref->leaf;
    ff_status status = FF_OK;
    ff_page_reader pages;
    bool pages_open = false;

    ff_vector_reset(out);
    out->type = leaf->type;
    if (chunk->file_path)
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "column chunk stored in another file (%s)",
                            chunk->file_path);
    if (!chunk->has_meta_data)
        return ff_error_set(err, FF_ERR_CORRUPT, "column chunk without metadata");
    if (meta->type != (int32_t)leaf->type.physical)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "column chunk type %d differs from the schema's type %d", meta->type,
                            (int)leaf->type.physical);
    if (!ff_codec_name(meta->codec))
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "unknown compression codec %d", meta->codec);
    if (meta->num_values < 0 || meta->total_compressed_size < 0)
        return ff_error_set(err, FF_ERR_CORRUPT, "negative value count or size in metadata");

    /* The chunk starts at its dictionary page when there is one. Some writers store
     * dictionary_page_offset = 0 without a dictionary; only an offset before the first
     * data page can be a dictionary page. */
    int64_t start = meta->data_page_offset;
    if (meta->has_dictionary_page_offset && meta->dictionary_page_offset > 0 &&
        meta->dictionary_page_offset < start)
        start = meta->dictionary_page_offset;
    int64_t chunk_end;
    if (meta->num_values == 0) {
        /* Nothing to read (an empty row group); some writers leave the offsets at 0. */
        chunk_end = start;
    } else if (start < 4 ||
               __builtin_add_overflow(start, meta->total_compressed_size, &chunk_end) ||
               (uint64_t)chunk_end > ref->data_end) {
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "column chunk at offset %lld of %lld bytes lies outside the data "
                            "section (%zu bytes)",
                            (long long)start, (long long)meta->total_compressed_size,
                            ref->data_end);
    }

    chunk_state st = {
        .ref = ref,
        .scratch = scratch,
        .vec = out,
        .leaf = leaf,
        .is_flat = ff_column_is_flat(leaf),
        .bit_width_rep = ff_bit_width_u64((uint64_t)leaf->max_rep),
        .bit_width_def = ff_bit_width_u64((uint64_t)leaf->max_def),
        .num_values = meta->num_values,
    };
    if (st.is_flat && leaf->max_def > 0)
        out->null_count = 0;
    /* A reused vector may have held a column of the other shape: drop what this one must
     * not have (table.h: flat vectors have no levels, nested ones no validity). */
    if (st.is_flat || leaf->max_rep == 0) {
        free(out->rep_levels);
        out->rep_levels = NULL;
    }
    if (st.is_flat) {
        free(out->def_levels);
        out->def_levels = NULL;
        out->levels_cap = 0;
    } else {
        free(out->validity);
        out->validity = NULL;
        out->validity_cap = 0;
    }
    ff_vector_reset(&scratch->dict);

    ff_page_reader_init(&pages, ref->file, ref->data_end, start, chunk_end, meta->codec,
                        ref->verify_crc, ref->max_bytes, scratch->codec_ctx, &scratch->page_buf);
    pages_open = true;
    while (st.values_seen < st.num_values) {
        if (pages.pos >= chunk_end) {
            status =
                ff_error_set(err, FF_ERR_CORRUPT, "column chunk ends after %lld of its %lld values",
                             (long long)st.values_seen, (long long)st.num_values);
            goto cleanup;
        }
        ff_page page;
        int64_t page_end;
        status = ff_page_reader_next(&pages, &page, &page_end, err);
        if (status != FF_OK) {
            ff_error_prefix(err, "page %d", pages.page_idx);
            goto cleanup;
        }
        if (page.type == FF_PAGE_DICTIONARY) {
            status = read_dictionary_page(&st, &page, err);
        } else {
            /* A data page may run past the declared chunk end only when it is the last one
             * (a known writer bug that lenient readers accept). */
            if (page_end > chunk_end && page.num_values < st.num_values - st.values_seen)
                status =
                    ff_error_set(err, FF_ERR_CORRUPT, "page runs past the end of its column chunk");
            else
                status = read_data_page(&st, &page, err);
            st.seen_data_page = true;
        }
        if (status != FF_OK) {
            ff_error_prefix(err, "page %d", pages.page_idx);
            goto cleanup;
        }
    }
    if (st.rows_seen != ref->num_rows) {
        status = ff_error_set(err, FF_ERR_CORRUPT,
                              "column chunk holds %lld rows but its row group has %lld",
                              (long long)st.rows_seen, (long long)ref->num_rows);
        goto cleanup;
    }
    if (st.is_flat && out->validity && out->null_count == 0) {
        /* table.h: no bitmap when every slot is valid. */
        free(out->validity);
        out->validity = NULL;
        out->validity_cap = 0;
    }
cleanup:
    if (pages_open)
        ff_page_reader_release(&pages);
    if (status != FF_OK)
        ff_vector_reset(out);
    return status;
}
