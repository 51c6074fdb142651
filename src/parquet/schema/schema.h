/* The schema tree: Parquet's flat, depth-first list of SchemaElements turned into nodes with
 * parents, children, levels and resolved leaf types, and back.
 *
 * Each node keeps a copy of the SchemaElement it came from, so a rewrite can write the
 * schema back exactly as it was (names, repetition, converted and logical types, field ids).
 * Leaf types are resolved from the LogicalType when present and from the ConvertedType
 * otherwise (LogicalTypes.md "backward compatibility"), into ff_type.
 *
 * Levels: a node's max_def counts the OPTIONAL and REPEATED nodes on its path (the root
 * excluded, the node included); max_rep counts the REPEATED ones. A leaf column's levels are
 * its leaf node's. */
#ifndef FF_PARQUET_SCHEMA_H
#define FF_PARQUET_SCHEMA_H

#include "parquet/thrift/metadata.h"
#include "util/mem.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Schemas deeper or wider than this are refused as FF_ERR_LIMIT. */
#define FF_SCHEMA_MAX_DEPTH 64
#define FF_SCHEMA_MAX_NODES 100000

typedef struct ff_schema_node ff_schema_node;
struct ff_schema_node {
    ff_pq_schema_element element; /* as decoded; strings owned by the schema's arena */
    const char *name;             /* == element.name */
    int32_t repetition;           /* FF_PQ_REQUIRED / OPTIONAL / REPEATED (root: REQUIRED) */
    bool is_leaf;
    ff_type type; /* leaves: resolved physical + logical type */
    /* groups: FF_LOGICAL_LIST or FF_LOGICAL_MAP (MAP_KEY_VALUE too), FF_LOGICAL_VARIANT for a
     * VARIANT-annotated group, else FF_LOGICAL_NONE */
    ff_logical_kind group_kind;
    int16_t max_def;
    int16_t max_rep;
    int32_t depth;                      /* root 0 */
    int32_t leaf_idx;                   /* leaves: column index in row groups; groups: -1 */
    int32_t first_leaf_idx, num_leaves; /* the leaves under this node, contiguous */
    ff_schema_node *parent;
    int32_t num_children;
    ff_schema_node **children;
};

typedef struct ff_schema {
    ff_arena arena; /* owns every node, array and string */
    ff_schema_node *root;
    int32_t num_nodes;
    ff_schema_node *nodes; /* depth-first, nodes[0] is the root */
    int32_t num_leaves;
    ff_schema_node **leaves; /* column order */
} ff_schema;

/* Builds the tree from the footer's element list (borrowed for the call; strings copied).
 * Validates: the root is a group, num_children fit the list, every leaf has a type,
 * FIXED_LEN_BYTE_ARRAY has a positive type_length, DECIMAL precision/scale are sane for the
 * physical type, names are present. Caller owns *out; free with ff_schema_free(). */
ff_status ff_schema_from_thrift(const ff_pq_schema_element *elements, int32_t num_elements,
                                ff_schema **out, ff_error *err);

/* The depth-first element list for writing a footer; array and strings live in `arena`. */
ff_status ff_schema_to_thrift(const ff_schema *schema, ff_arena *arena, ff_pq_schema_element **out,
                              int32_t *num_elements, ff_error *err);

/* Deep copy (its own arena). */
ff_status ff_schema_clone(const ff_schema *schema, ff_schema **out, ff_error *err);

void ff_schema_free(ff_schema *schema);

/* "a.b.c": the node's path below the root, dot-joined, into buf (cut at cap). */
void ff_schema_node_path(const ff_schema_node *node, char *buf, size_t cap);

/* The Parquet type text of ../shared/corpus expected files: "optional INT32",
 * "required FIXED_LEN_BYTE_ARRAY(11) DECIMAL(25,2)", "optional group LIST", ... (see
 * schema.c for the exact annotation spellings). */
void ff_schema_node_type_text(const ff_schema_node *node, char *buf, size_t cap);

/* Finds a top-level child of the root by name; NULL when absent. */
const ff_schema_node *ff_schema_find_top(const ff_schema *schema, const char *name);

#endif
