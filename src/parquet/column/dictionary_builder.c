/* Dictionary builder for RLE_DICTIONARY column chunks (see dictionary_builder.h): a hash table
 * of entry indices over the dense dictionary vector, with typed probe loops for 4- and 8-byte
 * values (the common INT32/INT64/FLOAT/DOUBLE case: one load and compare per probe) and a
 * generic loop over byte strings and other widths. */
#include "parquet/column/dictionary_builder.h"

#include "util/bytes.h"
#include "util/hash.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

void ff_dict_builder_init(ff_dict_builder *dict, const ff_type *type) {
    memset(dict, 0, sizeof *dict);
    ff_vector_init(&dict->values, type);
    dict->width = ff_type_value_width(type);
}

void ff_dict_builder_reset(ff_dict_builder *dict) {
    ff_vector_reset(&dict->values);
    if (dict->slots)
        memset(dict->slots, 0, dict->num_slots * sizeof(uint32_t));
    dict->num_entries = 0;
    dict->plain_bytes = 0;
}

void ff_dict_builder_free(ff_dict_builder *dict) {
    if (!dict)
        return;
    ff_vector_free(&dict->values);
    free(dict->slots);
    free(dict->hashes);
    dict->slots = NULL;
    dict->hashes = NULL;
    dict->num_slots = dict->hashes_cap = 0;
    dict->num_entries = 0;
    dict->plain_bytes = 0;
}

/* Short strings (symbols, dates, enum-like text: the common dictionary column) hash from
 * at most two overlapping 8-byte loads and the length; longer ones through XXH64. */
static inline uint64_t dict_hash(const uint8_t *value, size_t len, int32_t width) {
    if (width == 4)
        return ff_hash_mix64(ff_load_le32(value));
    if (width == 8)
        return ff_hash_mix64(ff_load_le64(value));
    if (len > 16)
        return ff_xxh64(value, len, 0);
    uint64_t head = 0, tail = 0;
    if (len >= 8) {
        head = ff_load_le64(value);
        tail = ff_load_le64(value + len - 8);
    } else if (len >= 4) {
        head = ff_load_le32(value);
        tail = ff_load_le32(value + len - 4);
    } else if (len > 0) {
        head =
            (uint64_t)value[0] | ((uint64_t)value[len / 2] << 8) | ((uint64_t)value[len - 1] << 16);
    }
    return ff_hash_mix64(head ^ ff_hash_mix64(tail + len * 0x9e3779b97f4a7c15ULL));
}

/* Doubles the table (or creates it) and re-inserts every entry from its stored hash. */
static ff_status dict_grow_table(ff_dict_builder *dict, ff_error *err) {
    size_t new_slots = dict->num_slots ? dict->num_slots * 2 : 1024;
    uint32_t *slots = ff_calloc(new_slots, sizeof(uint32_t), "dictionary hash table", err);
    if (!slots)
        return FF_ERR_NO_MEMORY;
    size_t mask = new_slots - 1;
    for (int64_t entry_idx = 0; entry_idx < dict->num_entries; entry_idx++) {
        size_t pos = (size_t)dict->hashes[entry_idx] & mask;
        while (slots[pos])
            pos = (pos + 1) & mask;
        slots[pos] = (uint32_t)entry_idx + 1;
    }
    free(dict->slots);
    dict->slots = slots;
    dict->num_slots = new_slots;
    return FF_OK;
}

/* Appends a new entry's value and hash; the caller has checked the limits. */
static ff_status dict_add_entry(ff_dict_builder *dict, const uint8_t *value, size_t len,
                                uint64_t hash, ff_error *err) {
    int64_t n = dict->num_entries;
    if ((size_t)n + 1 > dict->hashes_cap) {
        size_t new_cap = dict->hashes_cap ? dict->hashes_cap * 2 : 256;
        uint64_t *hashes =
            ff_realloc(dict->hashes, new_cap * sizeof(uint64_t), "dictionary hashes", err);
        if (!hashes)
            return FF_ERR_NO_MEMORY;
        dict->hashes = hashes;
        dict->hashes_cap = new_cap;
    }
    ff_vector *values = &dict->values;
    ff_status status = ff_vector_reserve(values, n + 1, values->values_len + len, false, err);
    if (status != FF_OK)
        return status;
    if (dict->width == 0) {
        if (len) /* an empty string may come with no bytes buffer at all */
            memcpy(values->values + values->values_len, value, len);
        values->values_len += len;
        values->offsets[n + 1] = (int64_t)values->values_len;
        dict->plain_bytes += 4 + len;
    } else {
        memcpy(values->values + (size_t)n * len, value, len);
        values->values_len += len;
        dict->plain_bytes += len;
    }
    values->length = n + 1;
    dict->hashes[n] = hash;
    dict->num_entries = n + 1;
    return FF_OK;
}

/* Looks value up; on a miss adds it unless that would break a limit, in which case
 * *index is left alone and *stopped set. */
static inline ff_status dict_lookup_or_add(ff_dict_builder *dict, const uint8_t *value, size_t len,
                                           size_t max_bytes, uint32_t *index, bool *stopped,
                                           ff_error *err) {
    uint64_t hash = dict_hash(value, len, dict->width);
    size_t mask = dict->num_slots - 1;
    size_t pos = (size_t)hash & mask;
    for (;;) {
        uint32_t slot = dict->slots[pos];
        if (!slot)
            break;
        uint32_t entry_idx = slot - 1;
        if (dict->hashes[entry_idx] == hash) {
            size_t entry_len;
            const uint8_t *entry = ff_dict_builder_value(dict, entry_idx, &entry_len);
            if (entry_len == len && (len == 0 || memcmp(entry, value, len) == 0)) {
                *index = entry_idx;
                return FF_OK;
            }
        }
        pos = (pos + 1) & mask;
    }
    size_t entry_bytes = dict->width ? len : 4 + len;
    if (dict->plain_bytes + entry_bytes > max_bytes ||
        dict->num_entries >= (int64_t)UINT32_MAX - 1) {
        *stopped = true;
        return FF_OK;
    }
    ff_status status = dict_add_entry(dict, value, len, hash, err);
    if (status != FF_OK)
        return status;
    *index = (uint32_t)(dict->num_entries - 1);
    dict->slots[pos] = (uint32_t)dict->num_entries;
    if ((size_t)dict->num_entries * 2 > dict->num_slots)
        return dict_grow_table(dict, err);
    return FF_OK;
}

/* The 4- and 8-byte loops compare loaded words instead of calling memcmp. */
#define FF_DICT_WORD_LOOP(name, ctype, load, width_bytes)                                          \
    static ff_status name(ff_dict_builder *dict, const uint8_t *p, int64_t n, size_t max_bytes,    \
                          uint32_t *indices, int64_t *consumed, ff_error *err) {                   \
        int64_t i = 0;                                                                             \
        for (; i < n; i++) {                                                                       \
            const uint8_t *value = p + (size_t)i * width_bytes;                                    \
            ctype word = load(value);                                                              \
            uint64_t hash = ff_hash_mix64(word);                                                   \
            size_t mask = dict->num_slots - 1;                                                     \
            size_t pos = (size_t)hash & mask;                                                      \
            uint32_t slot;                                                                         \
            while ((slot = dict->slots[pos]) != 0) {                                               \
                if (load(dict->values.values + (size_t)(slot - 1) * width_bytes) == word)          \
                    break;                                                                         \
                pos = (pos + 1) & mask;                                                            \
            }                                                                                      \
            if (slot) {                                                                            \
                indices[i] = slot - 1;                                                             \
                continue;                                                                          \
            }                                                                                      \
            if (dict->plain_bytes + width_bytes > max_bytes ||                                     \
                dict->num_entries >= (int64_t)UINT32_MAX - 1)                                      \
                break;                                                                             \
            ff_status status = dict_add_entry(dict, value, width_bytes, hash, err);                \
            if (status != FF_OK)                                                                   \
                return status;                                                                     \
            indices[i] = (uint32_t)(dict->num_entries - 1);                                        \
            dict->slots[pos] = (uint32_t)dict->num_entries;                                        \
            if ((size_t)dict->num_entries * 2 > dict->num_slots) {                                 \
                status = dict_grow_table(dict, err);                                               \
                if (status != FF_OK)                                                               \
                    return status;                                                                 \
            }                                                                                      \
        }                                                                                          \
        *consumed = i;                                                                             \
        return FF_OK;                                                                              \
    }

FF_DICT_WORD_LOOP(dict_insert_w4, uint32_t, ff_load_le32, 4)
FF_DICT_WORD_LOOP(dict_insert_w8, uint64_t, ff_load_le64, 8)

ff_status ff_dict_builder_insert(ff_dict_builder *dict, const ff_dense_values *vals,
                                 size_t max_bytes, uint32_t *indices, int64_t *consumed,
                                 ff_error *err) {
    *consumed = 0;
    if (vals->count == 0)
        return FF_OK;
    if (!dict->slots) {
        ff_status status = dict_grow_table(dict, err);
        if (status != FF_OK)
            return status;
    }
    if (!vals->spans && vals->width == 4)
        return dict_insert_w4(dict, vals->fixed, vals->count, max_bytes, indices, consumed, err);
    if (!vals->spans && vals->width == 8)
        return dict_insert_w8(dict, vals->fixed, vals->count, max_bytes, indices, consumed, err);
    int64_t i = 0;
    for (; i < vals->count; i++) {
        size_t len;
        const uint8_t *value = ff_dense_value(vals, i, &len);
        bool stopped = false;
        ff_status status =
            dict_lookup_or_add(dict, value, len, max_bytes, &indices[i], &stopped, err);
        if (status != FF_OK)
            return status;
        if (stopped)
            break;
    }
    *consumed = i;
    return FF_OK;
}
