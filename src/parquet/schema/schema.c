/* The schema tree (schema.h): Parquet's depth-first SchemaElement list turned into nodes with
 * parents, children, definition/repetition levels and resolved leaf types, and back.
 *
 * Implements the schema parts of the Parquet format: the nested encoding of the schema
 * (parquet.thrift SchemaElement.num_children), levels (Dremel: each OPTIONAL or REPEATED node
 * adds a definition level, each REPEATED node a repetition level), and the resolution of a
 * leaf's meaning from its LogicalType, else its ConvertedType, as LogicalTypes.md describes
 * ("backward compatibility": converted TIME_* and TIMESTAMP_* are UTC-adjusted). LIST and MAP
 * groups are only recognised here (group_kind); how their children map onto nested values
 * (the list-compatibility rules) is the reader's business.
 *
 * Hostile schemas are refused with FF_ERR_CORRUPT naming the element: num_children that
 * overflow the list, leaves without a type, unknown physical or repetition types,
 * non-positive FIXED_LEN_BYTE_ARRAY lengths, impossible DECIMAL or INTEGER parameters.
 * Schemas deeper than FF_SCHEMA_MAX_DEPTH or with more than FF_SCHEMA_MAX_NODES elements are
 * FF_ERR_LIMIT. An annotation that does not apply to the physical type (STRING on INT32, say)
 * is kept in the element but ignored for the resolved type, as lenient readers do. */
#include "parquet/schema/schema.h"

#include "util/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const schema_physical_names[] = {
    "BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY",
};

static const char *const schema_converted_names[] = {
    "UTF8",
    "MAP",
    "MAP_KEY_VALUE",
    "LIST",
    "ENUM",
    "DECIMAL",
    "DATE",
    "TIME_MILLIS",
    "TIME_MICROS",
    "TIMESTAMP_MILLIS",
    "TIMESTAMP_MICROS",
    "UINT_8",
    "UINT_16",
    "UINT_32",
    "UINT_64",
    "INT_8",
    "INT_16",
    "INT_32",
    "INT_64",
    "JSON",
    "BSON",
    "INTERVAL",
};

/* LogicalType member names, indexed by member id (0 and 9 unused). */
static const char *const schema_logical_names[] = {
    NULL,   "STRING",    "MAP",     "LIST",     "ENUM",      "DECIMAL", "DATE",
    "TIME", "TIMESTAMP", NULL,      "INTEGER",  "UNKNOWN",   "JSON",    "BSON",
    "UUID", "FLOAT16",   "VARIANT", "GEOMETRY", "GEOGRAPHY",
};

static const char *const schema_unit_names[] = {"MILLIS", "MICROS", "NANOS"};

/* The largest DECIMAL precision a FIXED_LEN_BYTE_ARRAY of `length` bytes holds:
 * floor(log10(2^(8 * length - 1) - 1)). */
static int32_t schema_flba_max_precision(int32_t length) {
    if (length > 4096) /* far beyond any sane precision; avoids float overflow concerns */
        return INT32_MAX;
    return (int32_t)floor((8.0 * length - 1) * log10(2.0));
}

/* Checks DECIMAL(precision, scale) against the physical type; the status on failure. */
static ff_status schema_check_decimal(const ff_pq_schema_element *el, int32_t element_idx,
                                      int32_t precision, int32_t scale, ff_error *err) {
    int32_t max_precision;
    switch (el->type) {
    case FF_PHYSICAL_INT32:
        max_precision = 9;
        break;
    case FF_PHYSICAL_INT64:
        max_precision = 18;
        break;
    case FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY:
        max_precision = schema_flba_max_precision(el->type_length);
        break;
    default: /* BYTE_ARRAY: unbounded */
        max_precision = INT32_MAX;
    }
    if (precision < 1 || precision > max_precision || scale < 0 || scale > precision)
        return ff_error_set(
            err, FF_ERR_CORRUPT,
            "schema element %d ('%s'): DECIMAL(%d,%d) is impossible for %s%s "
            "(precision 1..%d, scale 0..precision)",
            element_idx, el->name, precision, scale, schema_physical_names[el->type],
            el->type == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY ? " of that length" : "", max_precision);
    return FF_OK;
}

static void schema_set_time(ff_type *type, ff_logical_kind kind, int32_t unit, bool utc) {
    type->logical = kind;
    type->unit = (ff_time_unit)unit;
    type->is_adjusted_to_utc = utc;
}

/* TIME: INT32 for MILLIS, INT64 for MICROS and NANOS. TIMESTAMP: INT64 for every unit. */
static void schema_resolve_time(ff_type *type, ff_logical_kind kind, int32_t unit, bool utc) {
    if (unit < FF_TIME_MILLIS || unit > FF_TIME_NANOS) {
        type->logical = FF_LOGICAL_UNKNOWN; /* a unit this version does not know */
        return;
    }
    ff_physical_type want =
        (kind == FF_LOGICAL_TIME && unit == FF_TIME_MILLIS) ? FF_PHYSICAL_INT32 : FF_PHYSICAL_INT64;
    if (type->physical == want)
        schema_set_time(type, kind, unit, utc);
}

static ff_status schema_resolve_int(ff_type *type, const ff_pq_schema_element *el,
                                    int32_t element_idx, int bit_width, bool is_signed,
                                    ff_error *err) {
    if (bit_width != 8 && bit_width != 16 && bit_width != 32 && bit_width != 64)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "schema element %d ('%s'): INTEGER bit width %d is not 8, 16, 32 or 64",
                            element_idx, el->name, bit_width);
    ff_physical_type want = bit_width == 64 ? FF_PHYSICAL_INT64 : FF_PHYSICAL_INT32;
    if (type->physical == want) {
        type->logical = FF_LOGICAL_INT;
        type->int_bit_width = (int8_t)bit_width;
        type->int_is_signed = is_signed;
    }
    return FF_OK;
}

/* Resolves a leaf's ff_type from its LogicalType, else its ConvertedType. */
static ff_status schema_resolve_leaf(const ff_pq_schema_element *el, int32_t element_idx,
                                     ff_type *type, ff_error *err) {
    memset(type, 0, sizeof *type);
    type->physical = (ff_physical_type)el->type;
    if (el->type == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY)
        type->type_length = el->type_length;
    else if (el->type == FF_PHYSICAL_INT96)
        type->type_length = 12;
    bool is_ba = el->type == FF_PHYSICAL_BYTE_ARRAY;
    bool is_flba = el->type == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY;
    bool decimal_fits =
        el->type == FF_PHYSICAL_INT32 || el->type == FF_PHYSICAL_INT64 || is_ba || is_flba;

    if (el->has_logical_type && el->logical_type.kind != FF_LT_NONE) {
        const ff_pq_logical_type *lt = &el->logical_type;
        switch (lt->kind) {
        case FF_LT_STRING:
            if (is_ba)
                type->logical = FF_LOGICAL_STRING;
            break;
        case FF_LT_ENUM:
            if (is_ba)
                type->logical = FF_LOGICAL_ENUM;
            break;
        case FF_LT_JSON:
            if (is_ba)
                type->logical = FF_LOGICAL_JSON;
            break;
        case FF_LT_BSON:
            if (is_ba)
                type->logical = FF_LOGICAL_BSON;
            break;
        case FF_LT_GEOMETRY:
            if (is_ba)
                type->logical = FF_LOGICAL_GEOMETRY;
            break;
        case FF_LT_GEOGRAPHY:
            if (is_ba)
                type->logical = FF_LOGICAL_GEOGRAPHY;
            break;
        case FF_LT_UUID:
            if (is_flba && el->type_length == 16)
                type->logical = FF_LOGICAL_UUID;
            break;
        case FF_LT_FLOAT16:
            if (is_flba && el->type_length == 2)
                type->logical = FF_LOGICAL_FLOAT16;
            break;
        case FF_LT_DATE:
            if (el->type == FF_PHYSICAL_INT32)
                type->logical = FF_LOGICAL_DATE;
            break;
        case FF_LT_DECIMAL:
            if (decimal_fits) {
                FF_FORWARD_IF_ERROR(schema_check_decimal(el, element_idx, lt->decimal_precision,
                                                         lt->decimal_scale, err));
                type->logical = FF_LOGICAL_DECIMAL;
                type->precision = lt->decimal_precision;
                type->scale = lt->decimal_scale;
            }
            break;
        case FF_LT_TIME:
            schema_resolve_time(type, FF_LOGICAL_TIME, lt->time_unit, lt->time_is_adjusted_to_utc);
            break;
        case FF_LT_TIMESTAMP:
            schema_resolve_time(type, FF_LOGICAL_TIMESTAMP, lt->time_unit,
                                lt->time_is_adjusted_to_utc);
            break;
        case FF_LT_INTEGER:
            return schema_resolve_int(type, el, element_idx, lt->int_bit_width, lt->int_is_signed,
                                      err);
        case FF_LT_UNKNOWN:
            type->logical = FF_LOGICAL_NULL;
            break;
        case FF_LT_FUTURE:
            type->logical = FF_LOGICAL_UNKNOWN;
            break;
        default: /* MAP, LIST, VARIANT: group annotations, meaningless on a leaf */
            break;
        }
        return FF_OK;
    }
    if (!el->has_converted_type)
        return FF_OK;
    switch (el->converted_type) {
    case FF_CT_UTF8:
        if (is_ba)
            type->logical = FF_LOGICAL_STRING;
        break;
    case FF_CT_ENUM:
        if (is_ba)
            type->logical = FF_LOGICAL_ENUM;
        break;
    case FF_CT_JSON:
        if (is_ba)
            type->logical = FF_LOGICAL_JSON;
        break;
    case FF_CT_BSON:
        if (is_ba)
            type->logical = FF_LOGICAL_BSON;
        break;
    case FF_CT_DECIMAL:
        if (decimal_fits) {
            int32_t precision = el->has_precision ? el->precision : 0;
            int32_t scale = el->has_scale ? el->scale : 0;
            FF_FORWARD_IF_ERROR(schema_check_decimal(el, element_idx, precision, scale, err));
            type->logical = FF_LOGICAL_DECIMAL;
            type->precision = precision;
            type->scale = scale;
        }
        break;
    case FF_CT_DATE:
        if (el->type == FF_PHYSICAL_INT32)
            type->logical = FF_LOGICAL_DATE;
        break;
    case FF_CT_TIME_MILLIS:
        schema_resolve_time(type, FF_LOGICAL_TIME, FF_TIME_MILLIS, true);
        break;
    case FF_CT_TIME_MICROS:
        schema_resolve_time(type, FF_LOGICAL_TIME, FF_TIME_MICROS, true);
        break;
    case FF_CT_TIMESTAMP_MILLIS:
        schema_resolve_time(type, FF_LOGICAL_TIMESTAMP, FF_TIME_MILLIS, true);
        break;
    case FF_CT_TIMESTAMP_MICROS:
        schema_resolve_time(type, FF_LOGICAL_TIMESTAMP, FF_TIME_MICROS, true);
        break;
    case FF_CT_UINT_8:
    case FF_CT_UINT_16:
    case FF_CT_UINT_32:
    case FF_CT_UINT_64:
        return schema_resolve_int(type, el, element_idx, 8 << (el->converted_type - FF_CT_UINT_8),
                                  false, err);
    case FF_CT_INT_8:
    case FF_CT_INT_16:
    case FF_CT_INT_32:
    case FF_CT_INT_64:
        return schema_resolve_int(type, el, element_idx, 8 << (el->converted_type - FF_CT_INT_8),
                                  true, err);
    case FF_CT_INTERVAL:
        if (is_flba && el->type_length == 12)
            type->logical = FF_LOGICAL_INTERVAL;
        break;
    default: /* MAP, LIST, MAP_KEY_VALUE on a leaf, or values this version does not know */
        break;
    }
    return FF_OK;
}

static ff_logical_kind schema_group_kind(const ff_pq_schema_element *el) {
    if (el->has_logical_type && el->logical_type.kind != FF_LT_NONE) {
        switch (el->logical_type.kind) {
        case FF_LT_LIST:
            return FF_LOGICAL_LIST;
        case FF_LT_MAP:
            return FF_LOGICAL_MAP;
        case FF_LT_VARIANT:
            return FF_LOGICAL_VARIANT;
        default:
            return FF_LOGICAL_NONE;
        }
    }
    if (el->has_converted_type) {
        if (el->converted_type == FF_CT_LIST)
            return FF_LOGICAL_LIST;
        if (el->converted_type == FF_CT_MAP || el->converted_type == FF_CT_MAP_KEY_VALUE)
            return FF_LOGICAL_MAP;
    }
    return FF_LOGICAL_NONE;
}

/* Per open group while the flat list is walked. */
typedef struct schema_frame {
    ff_schema_node *node;
    int32_t next_child; /* children filled so far */
} schema_frame;

/* Fills `node` from elements[element_idx] (validation, type resolution, levels). */
static ff_status schema_fill_node(ff_schema *schema, const ff_pq_schema_element *elements,
                                  int32_t num_elements, int32_t element_idx, ff_schema_node *parent,
                                  ff_schema_node *node, ff_error *err) {
    const ff_pq_schema_element *el = &elements[element_idx];
    if (!el->name)
        return ff_error_set(err, FF_ERR_CORRUPT, "schema element %d has no name", element_idx);
    node->element = *el;
    node->element.name = ff_arena_strndup(&schema->arena, el->name, strlen(el->name), err);
    if (!node->element.name)
        return err ? err->code : FF_ERR_NO_MEMORY;
    node->name = node->element.name;
    node->parent = parent;
    node->leaf_idx = -1;
    if (el->has_num_children && el->num_children < 0)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "schema element %d ('%s'): num_children %d is negative", element_idx,
                            el->name, el->num_children);
    int32_t num_children = el->has_num_children ? el->num_children : 0;
    /* The root is always a group; elsewhere a node is a group when it has children. */
    node->is_leaf = parent != NULL && num_children == 0;
    if (parent == NULL && el->has_type && num_children == 0 && num_elements > 1)
        return ff_error_set(err, FF_ERR_CORRUPT, "schema root '%s' is a primitive, not a group",
                            el->name);
    if (num_children > num_elements - element_idx - 1)
        return ff_error_set(err, FF_ERR_CORRUPT,
                            "schema element %d ('%s'): num_children %d overflows the list: only "
                            "%d elements follow",
                            element_idx, el->name, num_children, num_elements - element_idx - 1);
    if (parent) {
        if (el->has_repetition_type &&
            (el->repetition_type < FF_PQ_REQUIRED || el->repetition_type > FF_PQ_REPEATED))
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "schema element %d ('%s'): repetition type %d is unknown",
                                element_idx, el->name, el->repetition_type);
        /* A missing repetition reads as REQUIRED, as other readers take it. */
        node->repetition = el->has_repetition_type ? el->repetition_type : FF_PQ_REQUIRED;
        node->depth = parent->depth + 1;
        node->max_def = (int16_t)(parent->max_def + (node->repetition != FF_PQ_REQUIRED));
        node->max_rep = (int16_t)(parent->max_rep + (node->repetition == FF_PQ_REPEATED));
    } else {
        node->repetition = FF_PQ_REQUIRED;
    }
    if (node->is_leaf) {
        if (!el->has_type)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "schema element %d ('%s') has no type and no children", element_idx,
                                el->name);
        if (el->type < FF_PHYSICAL_BOOLEAN || el->type > FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY)
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "schema element %d ('%s'): physical type %d is unknown",
                                element_idx, el->name, el->type);
        if (el->type == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY &&
            (!el->has_type_length || el->type_length <= 0))
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "schema element %d ('%s'): FIXED_LEN_BYTE_ARRAY length %d is not "
                                "positive",
                                element_idx, el->name, el->has_type_length ? el->type_length : 0);
        FF_FORWARD_IF_ERROR(schema_resolve_leaf(el, element_idx, &node->type, err));
        node->leaf_idx = schema->num_leaves++;
        node->first_leaf_idx = node->leaf_idx;
        node->num_leaves = 1;
    } else {
        node->group_kind = parent ? schema_group_kind(el) : FF_LOGICAL_NONE;
        node->first_leaf_idx = schema->num_leaves;
        node->num_children = num_children;
        if (num_children > 0) {
            node->children =
                ff_arena_array(&schema->arena, (size_t)num_children, sizeof(ff_schema_node *), err);
            if (!node->children)
                return err ? err->code : FF_ERR_NO_MEMORY;
        }
    }
    return FF_OK;
}

ff_status ff_schema_from_thrift(const ff_pq_schema_element *elements, int32_t num_elements,
                                ff_schema **out, ff_error *err) {
    *out = NULL;
    if (num_elements <= 0 || !elements)
        return ff_error_set(err, FF_ERR_CORRUPT, "schema is empty: no root element");
    if (num_elements > FF_SCHEMA_MAX_NODES)
        return ff_error_set(err, FF_ERR_LIMIT, "schema has %d elements, more than %d", num_elements,
                            FF_SCHEMA_MAX_NODES);
    ff_status status = FF_OK;
    schema_frame stack[FF_SCHEMA_MAX_DEPTH + 1];
    int depth = 0;
    ff_schema *schema = ff_calloc(1, sizeof *schema, "schema", err);
    if (!schema)
        return err ? err->code : FF_ERR_NO_MEMORY;
    ff_arena_init(&schema->arena, 0);
    schema->num_nodes = num_elements;
    schema->nodes =
        ff_arena_array(&schema->arena, (size_t)num_elements, sizeof(ff_schema_node), err);
    if (!schema->nodes) {
        status = err ? err->code : FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    schema->root = &schema->nodes[0];
    FF_CHECK_GOTO(status,
                  schema_fill_node(schema, elements, num_elements, 0, NULL, schema->root, err),
                  cleanup);
    stack[depth++] = (schema_frame){schema->root, 0};
    int32_t element_idx = 1;
    while (depth > 0) {
        schema_frame *top = &stack[depth - 1];
        if (top->next_child == top->node->num_children) {
            /* The group is complete: its leaves are the ones numbered since it opened. */
            top->node->num_leaves = schema->num_leaves - top->node->first_leaf_idx;
            depth--;
            continue;
        }
        if (element_idx >= num_elements) {
            status = ff_error_set(err, FF_ERR_CORRUPT,
                                  "schema list ends while group '%s' still expects %d children",
                                  top->node->name, top->node->num_children - top->next_child);
            goto cleanup;
        }
        ff_schema_node *node = &schema->nodes[element_idx];
        FF_CHECK_GOTO(
            status,
            schema_fill_node(schema, elements, num_elements, element_idx, top->node, node, err),
            cleanup);
        top->node->children[top->next_child++] = node;
        element_idx++;
        if (!node->is_leaf) {
            if (depth > FF_SCHEMA_MAX_DEPTH - 1) {
                status = ff_error_set(err, FF_ERR_LIMIT,
                                      "schema nests deeper than %d levels at element %d ('%s')",
                                      FF_SCHEMA_MAX_DEPTH, element_idx - 1, node->name);
                goto cleanup;
            }
            stack[depth++] = (schema_frame){node, 0};
        }
    }
    if (element_idx != num_elements) {
        status = ff_error_set(err, FF_ERR_CORRUPT,
                              "schema has %d elements after the end of the tree (root '%s' has "
                              "%d children)",
                              num_elements - element_idx, schema->root->name,
                              schema->root->num_children);
        goto cleanup;
    }
    if (schema->num_leaves > 0) {
        schema->leaves = ff_arena_array(&schema->arena, (size_t)schema->num_leaves,
                                        sizeof(ff_schema_node *), err);
        if (!schema->leaves) {
            status = err ? err->code : FF_ERR_NO_MEMORY;
            goto cleanup;
        }
        for (int32_t node_idx = 0; node_idx < num_elements; node_idx++)
            if (schema->nodes[node_idx].is_leaf)
                schema->leaves[schema->nodes[node_idx].leaf_idx] = &schema->nodes[node_idx];
    }
    *out = schema;
    schema = NULL;
cleanup:
    ff_schema_free(schema);
    return status;
}

ff_status ff_schema_to_thrift(const ff_schema *schema, ff_arena *arena, ff_pq_schema_element **out,
                              int32_t *num_elements, ff_error *err) {
    ff_pq_schema_element *elements =
        ff_arena_array(arena, (size_t)schema->num_nodes, sizeof *elements, err);
    if (!elements)
        return err ? err->code : FF_ERR_NO_MEMORY;
    /* nodes[] is already in depth-first order: the order of the list it was built from. */
    for (int32_t node_idx = 0; node_idx < schema->num_nodes; node_idx++) {
        const ff_schema_node *node = &schema->nodes[node_idx];
        ff_pq_schema_element *el = &elements[node_idx];
        *el = node->element;
        el->name = ff_arena_strndup(arena, node->name, strlen(node->name), err);
        if (!el->name)
            return err ? err->code : FF_ERR_NO_MEMORY;
        /* The tree is the truth for the shape. */
        if (!node->is_leaf) {
            el->has_num_children = true;
            el->num_children = node->num_children;
        }
    }
    *out = elements;
    *num_elements = schema->num_nodes;
    return FF_OK;
}

ff_status ff_schema_clone(const ff_schema *schema, ff_schema **out, ff_error *err) {
    ff_arena scratch;
    ff_arena_init(&scratch, 0);
    ff_pq_schema_element *elements;
    int32_t num_elements;
    ff_status status = ff_schema_to_thrift(schema, &scratch, &elements, &num_elements, err);
    if (status == FF_OK)
        status = ff_schema_from_thrift(elements, num_elements, out, err);
    ff_arena_free(&scratch);
    return status;
}

void ff_schema_free(ff_schema *schema) {
    if (!schema)
        return;
    ff_arena_free(&schema->arena);
    free(schema);
}

void ff_schema_node_path(const ff_schema_node *node, char *buf, size_t cap) {
    if (cap == 0)
        return;
    buf[0] = '\0';
    const ff_schema_node *chain[FF_SCHEMA_MAX_DEPTH + 1];
    int chain_len = 0;
    for (const ff_schema_node *at = node; at && at->parent && chain_len <= FF_SCHEMA_MAX_DEPTH;
         at = at->parent)
        chain[chain_len++] = at;
    size_t used = 0;
    for (int chain_idx = chain_len - 1; chain_idx >= 0 && used + 1 < cap; chain_idx--) {
        int written = snprintf(buf + used, cap - used, "%s%s",
                               chain_idx == chain_len - 1 ? "" : ".", chain[chain_idx]->name);
        if (written < 0)
            break;
        used += (size_t)written;
    }
}

/* Appends printf output to buf at *used, never past cap (snprintf truncates). */
static void schema_append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void schema_append(char *buf, size_t cap, size_t *used, const char *fmt, ...) {
    if (*used + 1 >= cap)
        return;
    va_list args;
    va_start(args, fmt);
    int written = vsnprintf(buf + *used, cap - *used, fmt, args);
    va_end(args);
    if (written > 0)
        *used += (size_t)written < cap - *used ? (size_t)written : cap - *used - 1;
}

void ff_schema_node_type_text(const ff_schema_node *node, char *buf, size_t cap) {
    if (cap == 0)
        return;
    buf[0] = '\0';
    size_t used = 0;
    const ff_pq_schema_element *el = &node->element;
    /* The spelling follows the corpus's make_expected.mjs (describeNode): repetition in lower
     * case, then the physical type or "group", then the LogicalType when present, else the
     * ConvertedType. */
    static const char *const repetitions[] = {"required", "optional", "repeated"};
    schema_append(buf, cap, &used, "%s", repetitions[node->repetition]);
    if (!node->is_leaf) {
        schema_append(buf, cap, &used, " group");
    } else {
        schema_append(buf, cap, &used, " %s", schema_physical_names[el->type]);
        if (el->type == FF_PHYSICAL_FIXED_LEN_BYTE_ARRAY)
            schema_append(buf, cap, &used, "(%d)", el->type_length);
    }
    if (el->has_logical_type && el->logical_type.kind != FF_LT_NONE) {
        const ff_pq_logical_type *lt = &el->logical_type;
        switch (lt->kind) {
        case FF_LT_DECIMAL:
            schema_append(buf, cap, &used, " DECIMAL(%d,%d)", lt->decimal_precision,
                          lt->decimal_scale);
            break;
        case FF_LT_TIME:
        case FF_LT_TIMESTAMP:
            schema_append(buf, cap, &used, " %s(%s,%s)", schema_logical_names[lt->kind],
                          lt->time_unit >= 0 && lt->time_unit <= 2
                              ? schema_unit_names[lt->time_unit]
                              : "UNKNOWN_UNIT",
                          lt->time_is_adjusted_to_utc ? "UTC" : "local");
            break;
        case FF_LT_INTEGER:
            schema_append(buf, cap, &used, " INTEGER(%d,%s)", lt->int_bit_width,
                          lt->int_is_signed ? "signed" : "unsigned");
            break;
        case FF_LT_FUTURE:
            schema_append(buf, cap, &used, " LOGICAL_%d", lt->unknown_field_id);
            break;
        default:
            if (lt->kind > 0 && lt->kind <= FF_LT_GEOGRAPHY && schema_logical_names[lt->kind])
                schema_append(buf, cap, &used, " %s", schema_logical_names[lt->kind]);
            else
                schema_append(buf, cap, &used, " LOGICAL_%d", (int)lt->kind);
        }
    } else if (el->has_converted_type) {
        if (el->converted_type == FF_CT_DECIMAL)
            schema_append(buf, cap, &used, " DECIMAL(%d,%d)", el->precision, el->scale);
        else if (el->converted_type >= 0 && el->converted_type <= FF_CT_INTERVAL)
            schema_append(buf, cap, &used, " %s", schema_converted_names[el->converted_type]);
        else
            schema_append(buf, cap, &used, " CONVERTED_%d", el->converted_type);
    }
}

const ff_schema_node *ff_schema_find_top(const ff_schema *schema, const char *name) {
    for (int32_t child_idx = 0; child_idx < schema->root->num_children; child_idx++) {
        const ff_schema_node *child = schema->root->children[child_idx];
        if (strcmp(child->name, name) == 0)
            return child;
    }
    return NULL;
}
