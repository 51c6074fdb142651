/* Flat schemas of the row-level operations: the union of the files' top-level columns with
 * safe widening (DESIGN.md §1: a column added later, INT32 next to INT64), and the schema
 * trees written for rewritten files that gain a column and for inserted rows. Nested
 * columns are left out of the union; the engine refuses to rewrite files that hold them. */
#include "ops/ops_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ops_schema_init(ops_schema *schema) {
    memset(schema, 0, sizeof *schema);
    ff_arena_init(&schema->arena, 0);
}

void ops_schema_free(ops_schema *schema) {
    if (!schema)
        return;
    ff_arena_free(&schema->arena);
    free(schema->fields);
    free(schema->elements);
    free(schema->sources);
    memset(schema, 0, sizeof *schema);
}

int32_t ops_schema_find(const ops_schema *schema, const char *name) {
    for (int32_t idx = 0; idx < schema->num_fields; idx++)
        if (!strcmp(schema->fields[idx].name, name))
            return idx;
    return -1;
}

ff_table_schema ops_schema_table(const ops_schema *schema) {
    ff_table_schema table = {schema->num_fields, schema->fields};
    return table;
}

bool ops_type_equal(const ff_type *a, const ff_type *b) {
    return a->physical == b->physical && a->type_length == b->type_length &&
           a->logical == b->logical && a->int_bit_width == b->int_bit_width &&
           a->int_is_signed == b->int_is_signed && a->precision == b->precision &&
           a->scale == b->scale && a->unit == b->unit &&
           a->is_adjusted_to_utc == b->is_adjusted_to_utc;
}

static bool is_plain_signed_int(const ff_type *type) {
    return (type->physical == FF_PHYSICAL_INT32 || type->physical == FF_PHYSICAL_INT64) &&
           (type->logical == FF_LOGICAL_NONE ||
            (type->logical == FF_LOGICAL_INT && type->int_is_signed));
}

static ff_status reserve_fields(ops_schema *schema, ff_error *err) {
    if (schema->num_fields < schema->cap_fields)
        return FF_OK;
    int32_t cap = schema->cap_fields ? schema->cap_fields * 2 : 16;
    ff_field *fields = ff_realloc(schema->fields, (size_t)cap * sizeof *fields, "schema", err);
    if (!fields)
        return FF_ERR_NO_MEMORY;
    schema->fields = fields;
    ff_pq_schema_element *elements =
        ff_realloc(schema->elements, (size_t)cap * sizeof *elements, "schema", err);
    if (!elements)
        return FF_ERR_NO_MEMORY;
    schema->elements = elements;
    const char **sources =
        ff_realloc(schema->sources, (size_t)cap * sizeof *sources, "schema", err);
    if (!sources)
        return FF_ERR_NO_MEMORY;
    schema->sources = sources;
    schema->cap_fields = cap;
    return FF_OK;
}

static ff_status append_field(ops_schema *schema, const char *name, const ff_type *type,
                              const ff_pq_schema_element *element, const char *source,
                              ff_error *err) {
    ff_status status = reserve_fields(schema, err);
    if (status != FF_OK)
        return status;
    char *name_copy = ff_arena_strndup(&schema->arena, name, strlen(name), err);
    const char *source_copy =
        source ? ff_arena_strndup(&schema->arena, source, strlen(source), err) : "";
    if (!name_copy || !source_copy)
        return FF_ERR_NO_MEMORY;
    int32_t idx = schema->num_fields++;
    schema->fields[idx].name = name_copy;
    schema->fields[idx].type = *type;
    schema->fields[idx].is_nullable = true;
    schema->elements[idx] = *element;
    schema->elements[idx].name = name_copy;
    /* New files write every column as optional: rows may lack any of them. */
    schema->elements[idx].has_repetition_type = true;
    schema->elements[idx].repetition_type = FF_PQ_OPTIONAL;
    schema->sources[idx] = source_copy;
    return FF_OK;
}

ff_status ops_schema_merge(ops_schema *schema, const ff_schema *tree, const char *source,
                           ff_error *err) {
    for (int32_t child_idx = 0; child_idx < tree->root->num_children; child_idx++) {
        const ff_schema_node *node = tree->root->children[child_idx];
        if (!node->is_leaf || node->repetition == FF_PQ_REPEATED)
            continue;
        int32_t idx = ops_schema_find(schema, node->name);
        if (idx < 0) {
            ff_status status =
                append_field(schema, node->name, &node->type, &node->element, source, err);
            if (status != FF_OK)
                return status;
            continue;
        }
        ff_field *field = &schema->fields[idx];
        if (ops_type_equal(&field->type, &node->type))
            continue;
        if (is_plain_signed_int(&field->type) && is_plain_signed_int(&node->type)) {
            if (node->type.physical == FF_PHYSICAL_INT64) {
                field->type = node->type;
                schema->elements[idx] = node->element;
                schema->elements[idx].name = field->name;
                schema->elements[idx].repetition_type = FF_PQ_OPTIONAL;
                schema->elements[idx].has_repetition_type = true;
            }
            continue;
        }
        if ((field->type.physical == FF_PHYSICAL_FLOAT ||
             field->type.physical == FF_PHYSICAL_DOUBLE) &&
            (node->type.physical == FF_PHYSICAL_FLOAT ||
             node->type.physical == FF_PHYSICAL_DOUBLE) &&
            field->type.logical == FF_LOGICAL_NONE && node->type.logical == FF_LOGICAL_NONE) {
            if (node->type.physical == FF_PHYSICAL_DOUBLE) {
                field->type = node->type;
                schema->elements[idx] = node->element;
                schema->elements[idx].name = field->name;
                schema->elements[idx].repetition_type = FF_PQ_OPTIONAL;
                schema->elements[idx].has_repetition_type = true;
            }
            continue;
        }
        char a[96], b[96];
        ff_schema_node_type_text(node, b, sizeof b);
        snprintf(a, sizeof a, "physical type %d, logical %d", (int)field->type.physical,
                 (int)field->type.logical);
        return ff_error_set(err, FF_ERR_SCHEMA,
                            "column '%s' has incompatible types: %s in %s, %s in %s", node->name, a,
                            schema->sources[idx], b, source);
    }
    return FF_OK;
}

void ops_element_from_type(const ff_type *type, const char *name, ff_pq_schema_element *out) {
    memset(out, 0, sizeof *out);
    out->name = name;
    out->has_type = true;
    out->type = (int32_t)type->physical;
    if (type->physical == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY) {
        out->has_type_length = true;
        out->type_length = type->type_length;
    }
    out->has_repetition_type = true;
    out->repetition_type = FF_PQ_OPTIONAL;
    ff_pq_logical_type *lt = &out->logical_type;
    switch (type->logical) {
    case FF_LOGICAL_STRING:
        out->has_logical_type = true;
        lt->kind = FF_LT_STRING;
        out->has_converted_type = true;
        out->converted_type = FF_CT_UTF8;
        break;
    case FF_LOGICAL_INT:
        out->has_logical_type = true;
        lt->kind = FF_LT_INTEGER;
        lt->int_bit_width = type->int_bit_width;
        lt->int_is_signed = type->int_is_signed;
        break;
    case FF_LOGICAL_DECIMAL:
        out->has_logical_type = true;
        lt->kind = FF_LT_DECIMAL;
        lt->decimal_precision = type->precision;
        lt->decimal_scale = type->scale;
        out->has_converted_type = true;
        out->converted_type = FF_CT_DECIMAL;
        out->has_precision = out->has_scale = true;
        out->precision = type->precision;
        out->scale = type->scale;
        break;
    case FF_LOGICAL_DATE:
        out->has_logical_type = true;
        lt->kind = FF_LT_DATE;
        out->has_converted_type = true;
        out->converted_type = FF_CT_DATE;
        break;
    case FF_LOGICAL_TIMESTAMP:
    case FF_LOGICAL_TIME:
        out->has_logical_type = true;
        lt->kind = type->logical == FF_LOGICAL_TIME ? FF_LT_TIME : FF_LT_TIMESTAMP;
        lt->time_unit = (int32_t)type->unit;
        lt->time_is_adjusted_to_utc = type->is_adjusted_to_utc;
        break;
    case FF_LOGICAL_JSON:
        out->has_logical_type = true;
        lt->kind = FF_LT_JSON;
        break;
    default:
        break;
    }
}

ff_status ops_schema_add(ops_schema *schema, const char *name, const ff_type *type, ff_error *err) {
    ff_pq_schema_element element;
    ops_element_from_type(type, name, &element);
    return append_field(schema, name, type, &element, "(added)", err);
}

ff_status ops_schema_tree(const ff_schema *base, const ops_schema *extra, const int32_t *indices,
                          int32_t num_indices, ff_schema **out, ff_error *err) {
    ff_arena arena;
    ff_arena_init(&arena, 0);
    ff_pq_schema_element *base_elements = NULL, *elements = NULL;
    int32_t num_base = 0;
    ff_status status = FF_OK;
    if (base) {
        status = ff_schema_to_thrift(base, &arena, &base_elements, &num_base, err);
        if (status != FF_OK)
            goto cleanup;
    }
    int32_t total = (base ? num_base : 1) + num_indices;
    elements = ff_arena_array(&arena, (size_t)total, sizeof *elements, err);
    if (!elements) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    if (base) {
        memcpy(elements, base_elements, (size_t)num_base * sizeof *elements);
    } else {
        memset(&elements[0], 0, sizeof elements[0]);
        elements[0].name = "schema";
        elements[0].has_num_children = true;
        num_base = 1;
    }
    elements[0].has_num_children = true;
    elements[0].num_children += num_indices;
    for (int32_t idx = 0; idx < num_indices; idx++)
        elements[num_base + idx] = extra->elements[indices[idx]];
    status = ff_schema_from_thrift(elements, total, out, err);
cleanup:
    ff_arena_free(&arena);
    return status;
}
