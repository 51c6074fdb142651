/* The dictionary of a column chunk being written with RLE_DICTIONARY: maps each distinct value
 * to its index, in first-seen order, and keeps the distinct values as a dense ff_vector so the
 * dictionary page is their PLAIN encoding.
 *
 * The table is open addressing with linear probing over entry indices; each entry's 64-bit
 * hash is kept beside it so a probe compares hashes before bytes and growth never rehashes
 * values. Values are compared by their bytes: for FLOAT and DOUBLE that makes -0.0 and +0.0
 * (and NaNs with different payloads) distinct entries, which is what a round trip needs.
 *
 * The builder counts the PLAIN size of its entries; an insert stops before the first value
 * whose new entry would take that size past the caller's limit, which is how the column
 * writer falls back to PLAIN. BOOLEAN columns are never dictionary-encoded. */
#ifndef FF_PARQUET_COLUMN_DICTIONARY_BUILDER_H
#define FF_PARQUET_COLUMN_DICTIONARY_BUILDER_H

#include "parquet/column/column_values.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ff_dict_builder {
    ff_vector values; /* the distinct values, dense, in index order (owned) */
    int32_t width;    /* fixed-width bytes; 0 for BYTE_ARRAY */
    uint32_t *slots;  /* entry index + 1; 0 = empty */
    size_t num_slots; /* power of two */
    uint64_t *hashes; /* per entry */
    size_t hashes_cap;
    int64_t num_entries;
    size_t plain_bytes; /* PLAIN size of the entries (BYTE_ARRAY: 4 + length each) */
} ff_dict_builder;

/* An empty dictionary for values of `type` (not BOOLEAN). No allocation until the first
 * insert. Release with ff_dict_builder_free(). */
void ff_dict_builder_init(ff_dict_builder *dict, const ff_type *type);

/* Maps vals (borrowed for the call) to indices[0..], adding new entries. Stops at the first
 * value that would need a new entry taking plain_bytes above max_bytes, or the entry count
 * past UINT32_MAX; *consumed is the number of values mapped (== vals->count when none
 * stopped it). */
ff_status ff_dict_builder_insert(ff_dict_builder *dict, const ff_dense_values *vals,
                                 size_t max_bytes, uint32_t *indices, int64_t *consumed,
                                 ff_error *err);

/* The PLAIN bytes of entry idx (BYTE_ARRAY without the length prefix). */
static inline const uint8_t *ff_dict_builder_value(const ff_dict_builder *dict, uint32_t idx,
                                                   size_t *len) {
    if (dict->width == 0) {
        *len = (size_t)(dict->values.offsets[idx + 1] - dict->values.offsets[idx]);
        return dict->values.values + dict->values.offsets[idx];
    }
    *len = (size_t)dict->width;
    return dict->values.values + (size_t)idx * (size_t)dict->width;
}

/* Empties the dictionary, keeping its memory for the next chunk. */
void ff_dict_builder_reset(ff_dict_builder *dict);
void ff_dict_builder_free(ff_dict_builder *dict);

#endif
