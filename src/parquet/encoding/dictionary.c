/* Dictionary decoding (Encodings.md, "Dictionary Encoding"): the data page holds indices
 * (RLE/bit-packed hybrid, see rle.c) into a dictionary page that was decoded with PLAIN.
 * This file turns indices back into values by gathering from the decoded dictionary vector;
 * the column reader keeps indices as they are when the dictionary stays a dictionary.
 *
 * The indices are validated in one pass (a max reduction the compiler vectorises) before the
 * copy loop, so the copy itself has no per-value branch. */
#include "parquet/encoding/encoding.h"

#include "parquet/encoding/bit_packing.h"
#include "util/check.h"

#include <string.h>

ff_status ff_dict_gather(const ff_vector *dict, const uint32_t *indices, int64_t n, ff_vector *out,
                         ff_error *err) {
    FF_RETURN_ERROR_IF(n < 0, err, FF_ERR_INVALID_ARGUMENT, "negative index count");
    FF_RETURN_ERROR_IF(dict->type.physical != out->type.physical, err, FF_ERR_INVALID_ARGUMENT,
                       "dictionary of physical type %d gathered into a vector of type %d",
                       (int)dict->type.physical, (int)out->type.physical);
    if (n == 0)
        return FF_OK;
    uint32_t max_index = 0;
    for (int64_t i = 0; i < n; i++)
        max_index = indices[i] > max_index ? indices[i] : max_index;
    if ((int64_t)max_index >= dict->length) {
        for (int64_t i = 0; i < n; i++)
            FF_RETURN_ERROR_IF((int64_t)indices[i] >= dict->length, err, FF_ERR_CORRUPT,
                               "dictionary index %u at position %lld is out of range for a "
                               "dictionary of %lld values",
                               indices[i], (long long)i, (long long)dict->length);
    }

    if (dict->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        size_t total = out->values_len;
        for (int64_t i = 0; i < n; i++) {
            size_t value_len = (size_t)(dict->offsets[indices[i] + 1] - dict->offsets[indices[i]]);
            FF_RETURN_ERROR_IF(!ff_size_add(total, value_len, &total), err, FF_ERR_LIMIT,
                               "gathered strings are too large");
        }
        FF_FORWARD_IF_ERROR(ff_vector_reserve(out, out->length + n, total, false, err));
        int64_t *offsets = out->offsets + out->length;
        int64_t cur = offsets[0];
        for (int64_t i = 0; i < n; i++) {
            int64_t start = dict->offsets[indices[i]];
            int64_t value_len = dict->offsets[indices[i] + 1] - start;
            ff_enc_copy(out->values + cur, dict->values + start, (size_t)value_len);
            cur += value_len;
            offsets[i + 1] = cur;
        }
        out->length += n;
        out->values_len = (size_t)cur;
        return FF_OK;
    }

    int32_t width = ff_type_value_width(&dict->type);
    FF_RETURN_ERROR_IF(width <= 0 || width != ff_type_value_width(&out->type), err,
                       FF_ERR_INVALID_ARGUMENT, "dictionary value width %d does not match %d",
                       width, ff_type_value_width(&out->type));
    FF_FORWARD_IF_ERROR(ff_vector_reserve(out, out->length + n, 0, false, err));
    uint8_t *dst = out->values + (size_t)out->length * (size_t)width;
    const uint8_t *src = dict->values;
    /* Fixed widths get typed loops so each value is one load and one store. */
    switch (width) {
    case 1:
        for (int64_t i = 0; i < n; i++)
            dst[i] = src[indices[i]];
        break;
    case 4:
        for (int64_t i = 0; i < n; i++)
            memcpy(dst + 4 * i, src + 4 * (size_t)indices[i], 4);
        break;
    case 8:
        for (int64_t i = 0; i < n; i++)
            memcpy(dst + 8 * i, src + 8 * (size_t)indices[i], 8);
        break;
    default:
        for (int64_t i = 0; i < n; i++)
            memcpy(dst + (size_t)width * (size_t)i, src + (size_t)width * indices[i],
                   (size_t)width);
        break;
    }
    out->length += n;
    return FF_OK;
}
