/* Record assembly into canonical row texts (see row_text.h and ../shared/corpus/README.md).
 *
 * Levels, for a node N on a leaf's path: the leaf's definition level d at an entry is
 * >= N.max_def when N is present (defined) there; for an optional N, d < N.max_def means N
 * is null; for a repeated N it means N has no elements. An entry whose repetition level
 * equals N.max_rep starts another element of N. Since all leaves under a node share the
 * node's structure, the first leaf under N ("guide") answers these questions for N, and
 * rendering N consumes the same entries from every leaf under it. */
#include "parquet/file/row_text.h"

#include "parquet/column/column_reader.h"
#include "util/check.h"

#include <stdlib.h>
#include <string.h>

void ff_row_cursor_free(ff_row_cursor *cursor) {
    if (!cursor)
        return;
    free(cursor->fields);
    free(cursor->leaf_columns);
    free(cursor->leaves);
    memset(cursor, 0, sizeof *cursor);
}

ff_status ff_row_cursor_init(ff_row_cursor *cursor, const ff_schema *schema,
                             const int32_t *field_idx, int32_t num_fields, ff_error *err) {
    ff_status status = FF_OK;
    memset(cursor, 0, sizeof *cursor);
    cursor->schema = schema;
    const ff_schema_node *root = schema->root;
    if (!field_idx)
        num_fields = root->num_children;
    cursor->fields = ff_calloc((size_t)num_fields + 1, sizeof *cursor->fields, "row fields", err);
    cursor->leaf_columns =
        ff_calloc((size_t)schema->num_leaves + 1, sizeof(int32_t), "row leaves", err);
    cursor->leaves =
        ff_calloc((size_t)schema->num_leaves + 1, sizeof(ff_row_leaf_state), "row leaves", err);
    if (!cursor->fields || !cursor->leaf_columns || !cursor->leaves) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (int32_t pos = 0; pos < num_fields; pos++) {
        int32_t child_idx = field_idx ? field_idx[pos] : pos;
        if (child_idx < 0 || child_idx >= root->num_children) {
            status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "no top-level field %d", child_idx);
            goto cleanup;
        }
        const ff_schema_node *field = root->children[child_idx];
        cursor->fields[pos] = field;
        for (int32_t leaf_idx = field->first_leaf_idx;
             leaf_idx < field->first_leaf_idx + field->num_leaves; leaf_idx++) {
            if (cursor->leaves[leaf_idx].level_pos) {
                status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                      "top-level field %d chosen twice", child_idx);
                goto cleanup;
            }
            cursor->leaves[leaf_idx].level_pos = 1; /* marks "chosen" until bind */
            cursor->leaf_columns[cursor->num_leaf_columns++] = leaf_idx;
        }
    }
    cursor->num_fields = num_fields;
cleanup:
    if (status != FF_OK)
        ff_row_cursor_free(cursor);
    return status;
}

ff_status ff_row_cursor_bind(ff_row_cursor *cursor, const ff_batch *batch, ff_error *err) {
    if (batch->num_columns != cursor->num_leaf_columns)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "batch has %d columns, the row fields need %d", batch->num_columns,
                            cursor->num_leaf_columns);
    cursor->batch = batch;
    cursor->row = 0;
    for (int32_t col_pos = 0; col_pos < cursor->num_leaf_columns; col_pos++) {
        int32_t leaf_idx = cursor->leaf_columns[col_pos];
        const ff_schema_node *leaf = cursor->schema->leaves[leaf_idx];
        ff_row_leaf_state *state = &cursor->leaves[leaf_idx];
        const ff_vector *vec = &batch->columns[col_pos];
        state->vec = vec;
        state->is_flat = vec->def_levels == NULL;
        state->level_pos = 0;
        state->value_pos = 0;
        if (state->is_flat && (!ff_column_is_flat(leaf) || vec->length != batch->num_rows))
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "flat column %d has %lld slots for %lld rows", leaf_idx,
                                (long long)vec->length, (long long)batch->num_rows);
        if (!state->is_flat && leaf->max_rep > 0 && !vec->rep_levels)
            return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                "repeated column %d has no repetition levels", leaf_idx);
    }
    return FF_OK;
}

/* ---- assembly ---- */

typedef struct render_ctx {
    ff_row_cursor *cursor;
    ff_text_sink *sink;
    ff_error *err;
} render_ctx;

static ff_status levels_ended(render_ctx *ctx, const ff_schema_node *leaf) {
    char path[256];
    ff_schema_node_path(leaf, path, sizeof path);
    return ff_error_set(ctx->err, FF_ERR_CORRUPT,
                        "column '%s': levels end before row %lld is complete", path,
                        (long long)ctx->cursor->row);
}

static ff_status levels_disagree(render_ctx *ctx, const ff_schema_node *leaf) {
    char path[256];
    ff_schema_node_path(leaf, path, sizeof path);
    return ff_error_set(ctx->err, FF_ERR_CORRUPT,
                        "column '%s': levels disagree with the other columns of its field in "
                        "row %lld",
                        path, (long long)ctx->cursor->row);
}

static ff_row_leaf_state *leaf_state(render_ctx *ctx, int32_t leaf_idx) {
    return &ctx->cursor->leaves[leaf_idx];
}

/* Definition level of the guide leaf of `node` at its current entry. */
static ff_status guide_def(render_ctx *ctx, const ff_schema_node *node, int16_t *def) {
    if (node->num_leaves == 0) /* the schema layer refuses these; never index past them */
        return ff_error_set(ctx->err, FF_ERR_CORRUPT, "group '%s' has no columns", node->name);
    const ff_row_leaf_state *state = leaf_state(ctx, node->first_leaf_idx);
    if (state->level_pos >= state->vec->num_levels)
        return levels_ended(ctx, ctx->cursor->schema->leaves[node->first_leaf_idx]);
    *def = state->vec->def_levels[state->level_pos];
    return FF_OK;
}

/* `node` is null (or, repeated, empty) here: every leaf under it takes one entry, which
 * must agree. */
static ff_status consume_absent(render_ctx *ctx, const ff_schema_node *node) {
    for (int32_t leaf_idx = node->first_leaf_idx;
         leaf_idx < node->first_leaf_idx + node->num_leaves; leaf_idx++) {
        ff_row_leaf_state *state = leaf_state(ctx, leaf_idx);
        const ff_schema_node *leaf = ctx->cursor->schema->leaves[leaf_idx];
        if (state->is_flat)
            return levels_disagree(ctx, leaf);
        if (state->level_pos >= state->vec->num_levels)
            return levels_ended(ctx, leaf);
        if (state->vec->def_levels[state->level_pos] >= node->max_def)
            return levels_disagree(ctx, leaf);
        state->level_pos++;
    }
    return FF_OK;
}

static ff_status render_field(render_ctx *ctx, const ff_schema_node *node);
static ff_status render_value(render_ctx *ctx, const ff_schema_node *node);

typedef enum element_kind {
    ELEMENT_SELF,       /* the repeated node itself, as a required value */
    ELEMENT_ONLY_CHILD, /* the repeated group's single field */
    ELEMENT_MAP_ENTRY,  /* {"key":..,"value":..} from the key_value group */
} element_kind;

/* Children of a MAP's key_value group: key named "key" (else the first), value named
 * "value" (else the other one); value NULL when there is none. */
static void map_fields(const ff_schema_node *key_value, const ff_schema_node **key,
                       const ff_schema_node **value) {
    *key = NULL;
    *value = NULL;
    for (int32_t child_idx = 0; child_idx < key_value->num_children; child_idx++)
        if (!strcmp(key_value->children[child_idx]->name, "key"))
            *key = key_value->children[child_idx];
    if (!*key)
        *key = key_value->children[0];
    for (int32_t child_idx = 0; child_idx < key_value->num_children; child_idx++)
        if (!strcmp(key_value->children[child_idx]->name, "value"))
            *value = key_value->children[child_idx];
    if (!*value)
        for (int32_t child_idx = 0; child_idx < key_value->num_children; child_idx++)
            if (key_value->children[child_idx] != *key) {
                *value = key_value->children[child_idx];
                break;
            }
}

/* Renders a field's text into nothing, only to move its leaves along (MAP entries with
 * fields beyond key and value). */
static ff_status skip_field(render_ctx *ctx, const ff_schema_node *node) {
    ff_text_sink_mode mode = ctx->sink->mode;
    ctx->sink->mode = FF_SINK_DISCARD;
    ff_status status = render_field(ctx, node);
    ctx->sink->mode = mode;
    return status;
}

static ff_status render_element(render_ctx *ctx, const ff_schema_node *repeated,
                                element_kind kind) {
    ff_text_sink *sink = ctx->sink;
    switch (kind) {
    case ELEMENT_SELF:
        return render_value(ctx, repeated);
    case ELEMENT_ONLY_CHILD:
        return render_field(ctx, repeated->children[0]);
    case ELEMENT_MAP_ENTRY:
        break;
    }
    const ff_schema_node *key, *value;
    map_fields(repeated, &key, &value);
    ff_text_sink_put(sink, "{\"key\":", 7);
    FF_FORWARD_IF_ERROR(render_field(ctx, key));
    ff_text_sink_put(sink, ",\"value\":", 9);
    if (value)
        FF_FORWARD_IF_ERROR(render_field(ctx, value));
    else
        ff_text_sink_put(sink, "null", 4);
    ff_text_sink_putc(sink, '}');
    for (int32_t child_idx = 0; child_idx < repeated->num_children; child_idx++) {
        const ff_schema_node *child = repeated->children[child_idx];
        if (child != key && child != value)
            FF_FORWARD_IF_ERROR(skip_field(ctx, child));
    }
    return FF_OK;
}

/* A JSON array of the occurrences of the repeated node `repeated`, its parent present. */
static ff_status render_repeated(render_ctx *ctx, const ff_schema_node *repeated,
                                 element_kind kind) {
    ff_text_sink *sink = ctx->sink;
    ff_text_sink_putc(sink, '[');
    int16_t def;
    FF_FORWARD_IF_ERROR(guide_def(ctx, repeated, &def));
    if (def < repeated->max_def) {
        FF_FORWARD_IF_ERROR(consume_absent(ctx, repeated));
        ff_text_sink_putc(sink, ']');
        return FF_OK;
    }
    const ff_row_leaf_state *guide = leaf_state(ctx, repeated->first_leaf_idx);
    for (bool first = true;; first = false) {
        if (!first)
            ff_text_sink_putc(sink, ',');
        FF_FORWARD_IF_ERROR(render_element(ctx, repeated, kind));
        if (guide->level_pos >= guide->vec->num_levels ||
            guide->vec->rep_levels[guide->level_pos] != repeated->max_rep)
            break;
    }
    ff_text_sink_putc(sink, ']');
    return FF_OK;
}

/* The element of a LIST-annotated group's repeated child, by LogicalTypes.md's
 * backward-compatibility rules. */
static element_kind list_element_kind(const ff_schema_node *list, const ff_schema_node *repeated) {
    if (repeated->is_leaf || repeated->num_children != 1)
        return ELEMENT_SELF;
    if (!strcmp(repeated->name, "array"))
        return ELEMENT_SELF;
    size_t list_name_len = strlen(list->name);
    if (!strncmp(repeated->name, list->name, list_name_len) &&
        !strcmp(repeated->name + list_name_len, "_tuple"))
        return ELEMENT_SELF;
    if (repeated->children[0]->repetition == FF_PQ_REPEATED)
        return ELEMENT_SELF;
    return ELEMENT_ONLY_CHILD;
}

static ff_status render_leaf(render_ctx *ctx, const ff_schema_node *leaf) {
    ff_row_leaf_state *state = leaf_state(ctx, leaf->leaf_idx);
    const ff_vector *vec = state->vec;
    int64_t value_idx;
    if (state->is_flat) {
        value_idx = ctx->cursor->row;
    } else {
        if (state->level_pos >= vec->num_levels)
            return levels_ended(ctx, leaf);
        if (vec->def_levels[state->level_pos] != leaf->max_def || state->value_pos >= vec->length)
            return levels_disagree(ctx, leaf);
        state->level_pos++;
        value_idx = state->value_pos++;
    }
    const uint8_t *value;
    size_t value_len;
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        /* values is NULL while every string so far is empty. */
        value = vec->values ? vec->values + vec->offsets[value_idx] : (const uint8_t *)"";
        value_len = (size_t)(vec->offsets[value_idx + 1] - vec->offsets[value_idx]);
    } else {
        value_len = (size_t)ff_type_value_width(&vec->type);
        value = vec->values + (size_t)value_idx * value_len;
    }
    ff_text_value(ctx->sink, &vec->type, value, value_len);
    return FF_OK;
}

static ff_status render_struct(render_ctx *ctx, const ff_schema_node *group) {
    ff_text_sink *sink = ctx->sink;
    ff_text_sink_putc(sink, '{');
    for (int32_t child_idx = 0; child_idx < group->num_children; child_idx++) {
        const ff_schema_node *child = group->children[child_idx];
        if (child_idx)
            ff_text_sink_putc(sink, ',');
        ff_text_json_string(sink, (const uint8_t *)child->name, strlen(child->name));
        ff_text_sink_putc(sink, ':');
        FF_FORWARD_IF_ERROR(render_field(ctx, child));
    }
    ff_text_sink_putc(sink, '}');
    return FF_OK;
}

/* A present node rendered as a value (its own repetition already handled). */
static ff_status render_value(render_ctx *ctx, const ff_schema_node *node) {
    if (node->is_leaf)
        return render_leaf(ctx, node);
    ff_text_sink *sink = ctx->sink;
    bool bare = sink->bare_strings;
    sink->bare_strings = false; /* display mode unquotes top-level strings only */
    ff_status status;
    const ff_schema_node *repeated = node->num_children == 1 ? node->children[0] : NULL;
    bool has_repeated_child = repeated && repeated->repetition == FF_PQ_REPEATED;
    if (node->group_kind == FF_LOGICAL_LIST && has_repeated_child)
        status = render_repeated(ctx, repeated, list_element_kind(node, repeated));
    else if (node->group_kind == FF_LOGICAL_MAP && has_repeated_child && !repeated->is_leaf &&
             repeated->num_children > 0)
        status = render_repeated(ctx, repeated, ELEMENT_MAP_ENTRY);
    else
        status = render_struct(ctx, node);
    sink->bare_strings = bare;
    return status;
}

/* A node in its parent's context: repeated fields outside LIST/MAP become arrays, optional
 * ones may be null. */
static ff_status render_field(render_ctx *ctx, const ff_schema_node *node) {
    if (node->repetition == FF_PQ_REPEATED) {
        ff_text_sink *sink = ctx->sink;
        bool bare = sink->bare_strings;
        sink->bare_strings = false;
        ff_status status = render_repeated(ctx, node, ELEMENT_SELF);
        sink->bare_strings = bare;
        return status;
    }
    if (node->repetition == FF_PQ_OPTIONAL) {
        if (node->is_leaf && leaf_state(ctx, node->leaf_idx)->is_flat) {
            const ff_row_leaf_state *state = leaf_state(ctx, node->leaf_idx);
            if (ff_vector_is_null(state->vec, ctx->cursor->row)) {
                ctx->sink->wrote_null = ctx->sink->bare_strings;
                ff_text_sink_put(ctx->sink, "null", 4);
                return FF_OK;
            }
            return render_leaf(ctx, node);
        }
        int16_t def;
        FF_FORWARD_IF_ERROR(guide_def(ctx, node, &def));
        if (def < node->max_def) {
            FF_FORWARD_IF_ERROR(consume_absent(ctx, node));
            ctx->sink->wrote_null = ctx->sink->bare_strings;
            ff_text_sink_put(ctx->sink, "null", 4);
            return FF_OK;
        }
    }
    return render_value(ctx, node);
}

ff_status ff_row_cursor_render_field(ff_row_cursor *cursor, int32_t field_pos, ff_text_sink *sink,
                                     ff_error *err) {
    if (!cursor->batch || cursor->row >= cursor->batch->num_rows || field_pos < 0 ||
        field_pos >= cursor->num_fields)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "no field %d in row %lld", field_pos,
                            (long long)cursor->row);
    render_ctx ctx = {.cursor = cursor, .sink = sink, .err = err};
    ff_status status = render_field(&ctx, cursor->fields[field_pos]);
    if (status == FF_OK && sink->status != FF_OK)
        status = sink->status;
    return status;
}

ff_status ff_row_cursor_end_row(ff_row_cursor *cursor, ff_error *err) {
    cursor->row++;
    if (cursor->row != cursor->batch->num_rows)
        return FF_OK;
    for (int32_t col_pos = 0; col_pos < cursor->num_leaf_columns; col_pos++) {
        int32_t leaf_idx = cursor->leaf_columns[col_pos];
        const ff_row_leaf_state *state = &cursor->leaves[leaf_idx];
        if (state->is_flat)
            continue;
        if (state->level_pos != state->vec->num_levels || state->value_pos != state->vec->length) {
            char path[256];
            ff_schema_node_path(cursor->schema->leaves[leaf_idx], path, sizeof path);
            return ff_error_set(err, FF_ERR_CORRUPT,
                                "column '%s': %lld of %lld levels and %lld of %lld values "
                                "belong to no row",
                                path, (long long)(state->vec->num_levels - state->level_pos),
                                (long long)state->vec->num_levels,
                                (long long)(state->vec->length - state->value_pos),
                                (long long)state->vec->length);
        }
    }
    return FF_OK;
}

ff_status ff_row_cursor_render_row(ff_row_cursor *cursor, ff_text_sink *sink, ff_error *err) {
    ff_text_sink_putc(sink, '[');
    for (int32_t field_pos = 0; field_pos < cursor->num_fields; field_pos++) {
        if (field_pos)
            ff_text_sink_putc(sink, ',');
        FF_FORWARD_IF_ERROR(ff_row_cursor_render_field(cursor, field_pos, sink, err));
    }
    ff_text_sink_putc(sink, ']');
    if (sink->status != FF_OK)
        return sink->status;
    return ff_row_cursor_end_row(cursor, err);
}

ff_status ff_row_fingerprint_batch(ff_row_cursor *cursor, ff_text_sink *sink, const ff_batch *batch,
                                   uint64_t *sum, ff_error *err) {
    FF_FORWARD_IF_ERROR(ff_row_cursor_bind(cursor, batch, err));
    for (int64_t row = 0; row < batch->num_rows; row++) {
        ff_text_sink_reset(sink);
        FF_FORWARD_IF_ERROR(ff_row_cursor_render_row(cursor, sink, err));
        *sum += ff_text_sink_hash(sink);
    }
    return FF_OK;
}
