/* Canonical row texts: record assembly from column vectors into the JSON rows of
 * ../shared/corpus/README.md, and the content fingerprint built on them.
 *
 * This lives in the parquet layer, next to the file reader, rather than in src/table/,
 * because the rendering rules are defined over the Parquet schema, not over in-memory types:
 * LIST and MAP backward-compatibility rules, legacy repeated fields, converted versus
 * logical annotations. The table layer knows none of these.
 *
 * A row cursor walks the rows of one row group's batch. Flat leaves are read by slot; nested
 * leaves are assembled from their repetition/definition levels by recursive descent over
 * the schema: for an optional or repeated node, the first leaf below it decides (by its
 * definition level) whether the node is null or empty and (by its repetition level) whether
 * another element follows; every leaf below a node advances in step, and disagreement
 * between leaves is reported as corruption rather than trusted. Text goes to an
 * ff_text_sink, so the same walk fills a buffer for `cat` or feeds the fingerprint hash. */
#ifndef FF_PARQUET_FILE_ROW_TEXT_H
#define FF_PARQUET_FILE_ROW_TEXT_H

#include "parquet/file/value_text.h"
#include "parquet/schema/schema.h"

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct ff_row_leaf_state {
    const ff_vector *vec; /* NULL when the leaf is not part of the cursor's fields */
    bool is_flat;
    int64_t level_pos;
    int64_t value_pos;
} ff_row_leaf_state;

typedef struct ff_row_cursor {
    const ff_schema *schema;       /* borrowed until ff_row_cursor_free() */
    int32_t num_fields;            /* top-level fields rendered, in order */
    const ff_schema_node **fields; /* owned */
    int32_t num_leaf_columns;      /* leaves of those fields, in schema order */
    int32_t *leaf_columns;         /* owned; what the batch must hold */
    ff_row_leaf_state *leaves;     /* owned; indexed by schema leaf index */
    const ff_batch *batch;         /* borrowed from ff_row_cursor_bind() on */
    int64_t row;                   /* rows finished in the bound batch */
} ff_row_cursor;

/* Prepares a cursor over the top-level fields `field_idx` (indices among the root's
 * children; NULL with num_fields -1 for all). The schema is borrowed until
 * ff_row_cursor_free(). */
ff_status ff_row_cursor_init(ff_row_cursor *cursor, const ff_schema *schema,
                             const int32_t *field_idx, int32_t num_fields, ff_error *err);
void ff_row_cursor_free(ff_row_cursor *cursor);

/* Binds a batch read with exactly cursor->leaf_columns, in that order (borrowed until the
 * next bind or free), and rewinds to its first row. */
ff_status ff_row_cursor_bind(ff_row_cursor *cursor, const ff_batch *batch, ff_error *err);

/* Renders the current row's field `field_pos` (0 .. num_fields-1). Fields of a row must be
 * rendered in order, each once, then ff_row_cursor_end_row() called. */
ff_status ff_row_cursor_render_field(ff_row_cursor *cursor, int32_t field_pos, ff_text_sink *sink,
                                     ff_error *err);
/* Finishes the current row. After the batch's last row it checks that every nested leaf's
 * levels and values were used exactly. */
ff_status ff_row_cursor_end_row(ff_row_cursor *cursor, ff_error *err);

/* The whole canonical row text "[v1,v2,...]" of the current row, then ff_row_cursor_end_row. */
ff_status ff_row_cursor_render_row(ff_row_cursor *cursor, ff_text_sink *sink, ff_error *err);

/* Adds to *sum the fingerprint terms (FNV-1a 64 of the canonical text, as
 * ff_reader_fingerprint sums them) of every row of batch, which holds one column per leaf of
 * the cursor's schema in leaf order (a cursor over all fields). sink is a hash sink. */
ff_status ff_row_fingerprint_batch(ff_row_cursor *cursor, ff_text_sink *sink, const ff_batch *batch,
                                   uint64_t *sum, ff_error *err);

#endif
