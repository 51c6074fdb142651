/* Fuzz target for the expression language: the input is expression text, compiled against a
 * fixed schema covering every column kind, then evaluated (as a value and, when boolean, as a
 * filter and through the range analysis) on a tiny batch with NULLs. Every outcome is fine
 * except a crash, a sanitizer report or a leak; errors must come back as statuses. Non-text
 * input (the replay test also feeds .parquet files) is just a syntax error. */
#include <fluxforge/expr.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { NUM_COLS = 8, NUM_ROWS = 4 };

static void fill(ff_field *fields, ff_batch *batch) {
    static const char *const names[NUM_COLS] = {"i", "big", "d", "s", "dt", "ts", "dec", "b"};
    memset(fields, 0, NUM_COLS * sizeof *fields);
    for (int c = 0; c < NUM_COLS; c++) {
        fields[c].name = names[c];
        fields[c].is_nullable = true;
    }
    fields[0].type.physical = FF_PHYSICAL_INT32;
    fields[1].type.physical = FF_PHYSICAL_INT64;
    fields[2].type.physical = FF_PHYSICAL_DOUBLE;
    fields[3].type.physical = FF_PHYSICAL_BYTE_ARRAY;
    fields[3].type.logical = FF_LOGICAL_STRING;
    fields[4].type.physical = FF_PHYSICAL_INT32;
    fields[4].type.logical = FF_LOGICAL_DATE;
    fields[5].type.physical = FF_PHYSICAL_INT64;
    fields[5].type.logical = FF_LOGICAL_TIMESTAMP;
    fields[5].type.unit = FF_TIME_MICROS;
    fields[5].type.is_adjusted_to_utc = true;
    fields[6].type.physical = FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
    fields[6].type.type_length = 16;
    fields[6].type.logical = FF_LOGICAL_DECIMAL;
    fields[6].type.precision = 38;
    fields[6].type.scale = 4;
    fields[7].type.physical = FF_PHYSICAL_BOOLEAN;

    ff_error err;
    ff_batch_init(batch, NUM_COLS, &err);
    batch->num_rows = NUM_ROWS;
    static const int64_t ints[NUM_ROWS] = {INT64_MAX, -1, 0, INT64_MIN};
    static const double doubles[NUM_ROWS] = {1.5, -0.0, NAN, INFINITY};
    static const char *const strings[NUM_ROWS] = {"BTC-USD", "", "\xff\xfe", "it's"};
    for (int c = 0; c < NUM_COLS; c++) {
        ff_vector *vec = &batch->columns[c];
        ff_vector_init(vec, &fields[c].type);
        ff_vector_reserve(vec, NUM_ROWS, 64, true, &err);
        int32_t width = ff_type_value_width(&fields[c].type);
        for (int row = 0; row < NUM_ROWS; row++) {
            uint8_t *dst = width ? vec->values + row * width : NULL;
            if (row == 1 && c != 3) {
                vec->validity[0] &= (uint8_t) ~(1u << row);
                vec->null_count++;
                memset(dst, 0, (size_t)width);
                continue;
            }
            switch (fields[c].type.physical) {
            case FF_PHYSICAL_INT32: {
                int32_t v = (int32_t)ints[row];
                memcpy(dst, &v, 4);
                break;
            }
            case FF_PHYSICAL_INT64:
                memcpy(dst, &ints[row], 8);
                break;
            case FF_PHYSICAL_DOUBLE:
                memcpy(dst, &doubles[row], 8);
                break;
            case FF_PHYSICAL_BOOLEAN:
                *dst = (uint8_t)(row & 1);
                break;
            case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
                memset(dst, row == 3 ? 0xff : 0, 16);
                dst[15] = (uint8_t)(row * 7);
                break;
            default: {
                size_t len = strlen(strings[row]);
                memcpy(vec->values + vec->values_len, strings[row], len);
                vec->values_len += len;
                vec->offsets[row + 1] = (int64_t)vec->values_len;
                break;
            }
            }
        }
        vec->length = NUM_ROWS;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    ff_field fields[NUM_COLS];
    ff_batch batch;
    fill(fields, &batch);
    ff_table_schema schema = {NUM_COLS, fields};
    ff_error err;
    ff_expr *expr = NULL;
    if (ff_expr_compile(text, &schema, NULL, &expr, &err) == FF_OK) {
        ff_vector out;
        ff_vector_init(&out, NULL);
        (void)ff_expr_evaluate(expr, &batch, &out, &err);
        ff_vector_free(&out);
        (void)ff_expr_explain(expr);
        if (ff_expr_result_type(expr)->physical == FF_PHYSICAL_BOOLEAN &&
            ff_expr_result_type(expr)->logical == FF_LOGICAL_NONE) {
            ff_selection sel;
            ff_selection_init(&sel);
            (void)ff_expr_filter(expr, &batch, &sel, &err);
            ff_selection_free(&sel);
            ff_column_facts facts[NUM_COLS];
            for (int c = 0; c < NUM_COLS; c++)
                ff_column_facts_init(&facts[c]);
            facts[0].is_exact = true;
            facts[0].value.i64 = 7;
            facts[3].has_min_max = true;
            facts[3].min.bytes = (const uint8_t *)"A";
            facts[3].min.len = 1;
            facts[3].max.bytes = (const uint8_t *)"\xff";
            facts[3].max.len = 1;
            facts[2].has_min_max = true;
            facts[2].min.f64 = -1;
            facts[2].max.f64 = 2;
            (void)ff_expr_analyze(expr, facts, NUM_ROWS);
        }
        ff_expr_free(expr);
    }
    ff_batch_free(&batch);
    free(text);
    return 0;
}
