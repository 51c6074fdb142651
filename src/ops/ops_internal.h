/* Internals of the ops layer: the rewrite engine every row-level operation runs on
 * (DESIGN.md §2), the flat schemas it works with, and the vector and key helpers the
 * per-batch steps share.
 *
 * The engine walks the dataset's files in path order, grouped by partition directory. For
 * each file that partition pruning keeps, it opens the footer and asks the step what the
 * file needs: nothing (untouched), a scan (read only the probe columns of the row groups the
 * statistics keep, count affected rows) or a full rewrite. A file with affected rows is then
 * streamed row group by row group: row groups without affected rows pass through with their
 * column chunks copied as encoded bytes, the others go through the step's transform, which
 * emits rows to the file's own directory or to others; a step that keeps every row in place
 * gets only the columns it reads or assigns decoded, and the rest are copied. Outputs are staged
 * through ff_txn_add_file; the source file is removed in the same transaction. Groups of partitions
 * commit as separate transactions. Directories are handed to one worker per core (rewrite.c), so
 * the steps keep their scratch in per-file state and count into ops_file.stats, never into shared
 * fields.
 *
 * Nested columns are not rewritten: a file that holds affected rows and a nested column is
 * refused (FF_ERR_UNSUPPORTED) before anything is written. */
#ifndef FF_OPS_INTERNAL_H
#define FF_OPS_INTERNAL_H

#include "parquet/schema/schema.h"
#include "util/mem.h"

#include <fluxforge/dataset.h>
#include <fluxforge/expr.h>
#include <fluxforge/ops.h>
#include <fluxforge/reader.h>
#include <fluxforge/table.h>
#include <fluxforge/writer.h>

#include <stdbool.h>
#include <stdint.h>

/* ---- Flat schemas ------------------------------------------------------------------------ */

/* A flat schema built from one or more files: one field per top-level primitive column, and
 * the Parquet schema element each came from (so new files can be written with it). */
typedef struct ops_schema {
    ff_arena arena;
    int32_t num_fields;
    int32_t cap_fields;
    ff_field *fields;               /* names owned by the arena */
    ff_pq_schema_element *elements; /* leaf elements, names owned by the arena */
    const char **sources;           /* file that contributed each field (for messages) */
} ops_schema;

/* Are two types the same in every attribute? */
bool ops_type_equal(const ff_type *a, const ff_type *b);
void ops_schema_init(ops_schema *schema);
void ops_schema_free(ops_schema *schema);
/* Index of the field called name, or -1. */
int32_t ops_schema_find(const ops_schema *schema, const char *name);
/* Adds the flat columns of a file's schema tree, widening INT32 to INT64 and FLOAT to DOUBLE
 * where files disagree; other disagreements are FF_ERR_SCHEMA naming both files. Nested
 * columns are FF_ERR_UNSUPPORTED. source names the file (borrowed for the call). */
ff_status ops_schema_merge(ops_schema *schema, const ff_schema *tree, const char *source,
                           ff_error *err);
/* Adds a field of type `type` (nullable) that no file has yet. */
ff_status ops_schema_add(ops_schema *schema, const char *name, const ff_type *type, ff_error *err);
/* The table schema view (borrows schema's fields). */
ff_table_schema ops_schema_table(const ops_schema *schema);
/* Builds a schema tree with `base`'s columns (or none when base is NULL) followed by the fields
 * of extra at the indices given. Caller owns *out; free with ff_schema_free(). */
ff_status ops_schema_tree(const ff_schema *base, const ops_schema *extra, const int32_t *indices,
                          int32_t num_indices, ff_schema **out, ff_error *err);
/* Schema element describing a nullable column of type `type`. */
void ops_element_from_type(const ff_type *type, const char *name, ff_pq_schema_element *out);

/* Merges the schemas of every file of discovery into schema, in path order, opening the
 * footers on num_threads threads (ops_footers.c). The result and the error (the first file in
 * path order that fails to open or merge) do not depend on num_threads. root is borrowed for
 * the call; the sources recorded in schema borrow discovery's paths. */
ff_status ops_merge_footers(const char *root, const ff_discovery *discovery, int num_threads,
                            ops_schema *schema, ff_error *err);
/* Threads for requested (ff_ops_options.threads; 0: one per core), between 1 and 8. */
int ops_footer_threads(int32_t requested);

/* ---- Vectors ----------------------------------------------------------------------------- */

/* Appends rows[0..num_rows) of src (all of its first num_rows rows when rows is NULL) to dst,
 * which takes src's type when empty. */
ff_status ops_vector_append(ff_vector *dst, const ff_vector *src, const uint32_t *rows,
                            int64_t num_rows, ff_error *err);
/* Appends num_rows nulls. */
ff_status ops_vector_append_nulls(ff_vector *dst, int64_t num_rows, ff_error *err);
/* dst = old with old slot rows[j] replaced by new slot j, for j < num_rows. */
ff_status ops_vector_merge(ff_vector *dst, const ff_vector *old_vec, const ff_vector *new_vec,
                           const uint32_t *rows, int64_t num_rows, ff_error *err);
/* True when slot a_row of a and slot b_row of b hold the same value (or are both null). */
bool ops_vector_slot_equal(const ff_vector *a, int64_t a_row, const ff_vector *b, int64_t b_row);
/* Folds the value of each slot [0, num_rows) of vec into hashes[row] (set, when is_first,
 * else combined with what is there): a key's hash over its columns, column by column. Slots
 * that ops_vector_slot_equal calls equal hash alike (INT32 and INT64 by value, -0.0 as 0.0,
 * every NaN alike), so equal hashes are the candidates a full comparison confirms. */
void ops_key_hash_column(const ff_vector *vec, int64_t num_rows, uint64_t *hashes, bool is_first);
/* Orders slots a_row and b_row of vec: -1, 0 or 1. Numbers by value (unsigned types as
 * unsigned, NaN after every number), strings and binary bytewise, decimals by value, INT96 by
 * time; NULL after every value. */
int ops_vector_compare(const ff_vector *vec, int64_t a_row, int64_t b_row);
/* Appends a canonical, type-tagged encoding of slot row to key: equal values of INT32 and
 * INT64 (and of FLOAT and DOUBLE) encode the same, NaNs encode alike, -0.0 as 0.0. */
ff_status ops_key_append(ff_buf *key, const ff_vector *vec, int64_t row, ff_error *err);
/* The partition directory text of a slot ("" plus *is_null for NULL): strings as they are,
 * numbers in decimal, dates as YYYY-MM-DD, other types in canonical text without quotes. */
ff_status ops_partition_text(const ff_vector *vec, int64_t row, ff_buf *out, bool *is_null,
                             ff_error *err);
/* The typed scalar of a partition directory value for a column of type `type`, for range
 * analysis. @return false when the text cannot be read as the type (then nothing is known). */
bool ops_partition_scalar(const ff_type *type, const ff_partition_value *value, ff_scalar *out);
/* Facts from a column chunk's statistics. */
void ops_facts_from_stats(const ff_type *type, const ff_column_stats *stats, int64_t num_rows,
                          ff_column_facts *facts);

/* ---- Facts for the range analysis (scan.c) ------------------------------------------------ */

/* Facts of one row group for fields[0..num_fields): the chunk statistics of the leaf column
 * each field reads (leaf_columns[i], -1 when the file lacks it; NULL means field i is leaf i
 * for i < num_file_columns), "every row NULL" for the fields the file lacks. */
ff_status ops_row_group_facts(ff_reader *reader, int32_t row_group_idx, int64_t num_rows,
                              const ff_field *fields, int32_t num_fields,
                              const int32_t *leaf_columns, int32_t num_file_columns,
                              ff_column_facts *facts, ff_error *err);
/* Sets the facts of the partition columns (partition_fields: the field of each of the
 * discovery's partition columns, -1 when absent) to the file's directory values, read as
 * the fields' types; leaves the other facts as they are. */
void ops_partition_facts(const ff_field *fields, const int32_t *partition_fields,
                         const ff_discovery *discovery, const ff_dataset_file *file,
                         ff_column_facts *facts);

/* The per-file checks of `verify` (verify_file.c), an ff_verify_file_fn: the file opens,
 * every row group decodes, and stored partition columns equal the directory's values in
 * every row. user is unused. */
ff_status ops_verify_file(void *user, const char *root, const ff_dataset_file *file,
                          const ff_discovery *discovery, ff_error *err);

/* ---- Sorting (radix_sort.c) -------------------------------------------------------------- */

/* Sorts count records of `size` bytes, stably, by the unsigned integer of key_bytes (4 or 8)
 * at key_offset in each. scratch holds count records of the caller's, or is NULL: then the
 * sort allocates it (FF_ERR_NO_MEMORY when it cannot). */
ff_status ops_radix_sort(void *records, size_t count, size_t size, size_t key_offset,
                         size_t key_bytes, void *scratch, ff_error *err);

/* ---- Spill files (spill.c) ---------------------------------------------------------------- */

/* Blocks of rows set aside in an unnamed scratch file (see spill.c). */
typedef struct ops_spill ops_spill;
/* Creates an empty spill for batches of num_columns flat columns of these types (copied).
 * FF_ERR_IO when no scratch file can be made in TMPDIR (or /tmp). */
ff_status ops_spill_create(const ff_type *types, int32_t num_columns, ops_spill **out,
                           ff_error *err);
void ops_spill_free(ops_spill *spill);
/* Appends rows[0 .. num_rows) of batch (all rows in order when rows is NULL) as one block and
 * gives its number. One thread at a time; FF_ERR_NO_SPACE when the disk is full. */
ff_status ops_spill_append(ops_spill *spill, const ff_batch *batch, const uint32_t *rows,
                           int64_t num_rows, int64_t *block, ff_error *err);
/* Reads block `block` into out (its vectors reused). Thread-safe once appending is over. */
ff_status ops_spill_read(const ops_spill *spill, int64_t block, ff_batch *out, ff_error *err);

/* ---- Key map ----------------------------------------------------------------------------- */

/* An open-addressing hash map from byte strings to two int64 payloads. Entries are kept
 * densely in insertion order (entries[0..count)); the table of slots holds only tags and entry
 * numbers, so a map at half load costs 12 bytes a slot plus one entry per key, not an entry
 * per slot. */
typedef struct ops_keymap_entry {
    uint64_t hash;
    size_t key_off;
    uint32_t key_len;
    int64_t a, b; /* payload */
} ops_keymap_entry;

typedef struct ops_keymap {
    ff_buf keys;
    ops_keymap_entry *entries; /* count of them, entries_cap allocated */
    size_t entries_cap;
    /* The probe runs over these tags (the hash with its low bit set; 0 marks a free slot), 8
     * bytes a slot, so that a lookup of an absent key, the common case when a dataset's rows
     * are looked up in a small input, reads one cache line. */
    uint64_t *tags;
    uint32_t *slot_entry; /* slot -> entry number, valid where the tag is set */
    /* Two bits per key in 8 bits per slot (16 or more per key): an absent key is ruled out
     * with a 1 % chance of error by a table an eighth the size of the tags, which stays in
     * cache where the tags do not. */
    uint8_t *filter;
    size_t cap, count;
} ops_keymap;

void ops_keymap_init(ops_keymap *map);
void ops_keymap_free(ops_keymap *map);
/* Makes room for count keys at once, so that a map whose size is known up front is never
 * copied while it fills (a copy holds the old and the new table at the same time). At most
 * UINT32_MAX - 1 keys. */
ff_status ops_keymap_reserve(ops_keymap *map, size_t count, ff_error *err);
/* Finds key; NULL when absent. */
ops_keymap_entry *ops_keymap_find(ops_keymap *map, const uint8_t *key, size_t len);
/* The hash the map files a key under, and a lookup that takes it (computed once by a caller
 * that also probes a filter of its own with it). */
uint64_t ops_keymap_hash(const uint8_t *key, size_t len);
ops_keymap_entry *ops_keymap_find_hashed(ops_keymap *map, const uint8_t *key, size_t len,
                                         uint64_t hash);
/* Finds or inserts key (*is_new tells which); the entry stays valid until the next insert. */
ff_status ops_keymap_upsert(ops_keymap *map, const uint8_t *key, size_t len, ops_keymap_entry **out,
                            bool *is_new, ff_error *err);
/* The bytes of an entry's key. */
static inline const uint8_t *ops_keymap_key(const ops_keymap *map, const ops_keymap_entry *entry) {
    return map->keys.data + entry->key_off;
}

/* ---- The rewrite engine ------------------------------------------------------------------ */

typedef struct ops_engine ops_engine;

typedef enum ops_file_plan {
    OPS_FILE_SKIP = 0, /* no row can be affected: leave the file alone */
    OPS_FILE_SCAN = 1, /* count affected rows through the probe columns first */
    OPS_FILE_ALL = 2,  /* every row group goes through the transform */
} ops_file_plan;

/* One source file while the engine works on it. */
typedef struct ops_file {
    size_t file_idx; /* index in the discovery */
    const ff_dataset_file *entry;
    const char *path; /* full path */
    ff_reader *reader;
    const ff_schema *tree;
    int32_t num_file_columns; /* leaves == top-level columns */
    /* The schema expressions see: the file's columns, then the global columns it lacks (read
     * as NULL). global_to_eval maps global field indices to these. */
    ops_schema eval;
    ff_table_schema eval_table;
    int32_t *global_to_eval;
    /* Columns the output adds after the file's own (global indices), NULL for the file's
     * columns; set by the step in file_open. */
    int32_t num_out_extra;
    int32_t *out_extra; /* room for every global field */
    /* Eval columns the scan reads (room for every eval field). */
    int32_t num_probe;
    int32_t *probe;
    int32_t row_group_idx; /* the row group the pruning hooks are asked about */
    void *step_state;      /* the step's per-file data */
    ff_ops_stats *stats;   /* where the step counts (its worker's statistics) */
} ops_file;

typedef struct ops_step {
    const char *op; /* "delete", ... */
    /* Optional: may a partition with these values (facts over global fields, partition columns
     * exact) hold affected rows? NULL: yes. */
    bool (*partition_may_match)(void *user, const ff_column_facts *facts);
    /* Optional: whether a file can matter at all, from its discovery entry alone (false:
     * it is never opened). Called on the planning thread, after prepare. */
    bool (*file_may_match)(void *user, const ff_dataset_file *file);
    /* Decides the plan of an opened file, sets probe columns and output extras. */
    ff_status (*file_open)(void *user, ops_engine *engine, ops_file *file, ops_file_plan *plan,
                           ff_error *err);
    /* Optional: may a row group with these facts (one per eval field) hold affected rows? */
    bool (*row_group_may_match)(void *user, ops_file *file, const ff_column_facts *facts,
                                int64_t num_rows);
    /* Optional: does the step remove every row of a row group with these facts (a delete whose
     * predicate is always true there)? Such row groups are neither read nor written; the step
     * counts them in drop_row_group. */
    bool (*row_group_drops_all)(void *user, ops_file *file, const ff_column_facts *facts,
                                int64_t num_rows);
    void (*drop_row_group)(void *user, ops_engine *engine, ops_file *file, int64_t num_rows);
    /* Optional: true when the step keeps every row of this file where it is, under the file's
     * own schema (nothing removed, moved or added; an update that assigns existing non-partition
     * columns). It then marks (one flag per file column) in reads[] the columns its transform
     * reads and in writes[] the ones it assigns; the engine decodes only those, hands the
     * transform a batch whose other columns are empty, and copies the encoded chunks of every
     * column not written into the output (DESIGN §9). The transform must emit each row group
     * whole, in order, to the file's own directory. */
    bool (*keeps_rows_in_place)(void *user, ops_file *file, bool *reads, bool *writes);
    /* Counts affected rows of a batch holding the probe columns (others empty). */
    ff_status (*count)(void *user, ops_engine *engine, ops_file *file, int32_t row_group_idx,
                       int64_t first_row, const ff_batch *batch, int64_t *num_affected,
                       ff_error *err);
    /* Emits the output rows of a batch holding every eval column. */
    ff_status (*transform)(void *user, ops_engine *engine, ops_file *file, int32_t row_group_idx,
                           int64_t first_row, const ff_batch *batch, ff_error *err);
    /* Releases the step's per-file data. */
    void (*file_close)(void *user, ops_file *file);
    /* Optional: called by the worker that processed files[0 .. num_files), all of one
     * partition directory, after the last of them and before that directory's outputs close
     * (the inserts that belong there, with ops_emit_new_here). */
    ff_status (*unit_end)(void *user, ops_engine *engine, const ff_dataset_file *files,
                          size_t num_files, ff_error *err);
    /* Optional: called once after the last file, inside the last transaction (inserts). */
    ff_status (*finish)(void *user, ops_engine *engine, ff_error *err);
} ops_step;

typedef struct ops_engine_config {
    const char *root;
    const ff_ops_options *options;
    const ops_step *step;
    void *user;
    ff_ops_stats *stats;
    /* All partitions in one transaction (upsert: inserts and updates commit together). */
    bool single_transaction;
    /* Create the dataset directory when missing (upsert into a new dataset). */
    bool create_if_missing;
    /* 0: the rewritten files of a directory share one output per schema. Otherwise an output
     * is closed and the next one started once it took this many bytes of source files
     * (compact --target-size). */
    int64_t output_target_bytes;
    /* NULL: outputs replace their sources in root. Otherwise outputs are committed to the
     * dataset at output_root (created when missing, locked, recovered) and the sources stay
     * (repartition SRC DST); root is still locked against writers while it is read. */
    const char *output_root;
    /* Columns the rows of each output are sorted by (compact --sort-by): an output then holds
     * its rows (at most about output_target_bytes of source) until it is closed. A column an
     * output lacks sorts as NULL. */
    const char *const *sort_by;
    int32_t num_sort_by;
} ops_engine_config;

/* Opens the dataset and discovers it. Caller owns *out; free with ops_engine_free(). */
ff_status ops_engine_open(const ops_engine_config *config, ops_engine **out, ff_error *err);
void ops_engine_free(ops_engine *engine);

/* The discovery, the global schema (first file's columns, or the union over every file once
 * ops_engine_load_union ran) and the partition columns' global indices (-1 when absent). */
const ff_discovery *ops_engine_discovery(const ops_engine *engine);
ops_schema *ops_engine_schema(ops_engine *engine);
ff_status ops_engine_load_union(ops_engine *engine, ff_error *err);
bool ops_engine_has_union(const ops_engine *engine);
const int32_t *ops_engine_partition_fields(const ops_engine *engine);
bool ops_engine_is_dry_run(const ops_engine *engine);
const char *ops_engine_root(const ops_engine *engine);
ff_compression ops_engine_compression(const ops_engine *engine);

/* Runs the step over the dataset and commits. */
ff_status ops_engine_run(ops_engine *engine, ff_error *err);

/* The output batch of a transform: the file's columns (shallow views of eval_batch's) then the
 * extras (NULL-filled). Owned by the engine, valid until the next call; a step replaces the
 * columns it changes with vectors of its own. */
ff_status ops_output_view(ops_engine *engine, ops_file *file, const ff_batch *eval_batch,
                          ff_batch **out, ff_error *err);

/* Emits rows of batch (shaped like the file's output: its columns then the extras; rows NULL
 * means all num_rows) to directory dir (NULL: the file's own). */
ff_status ops_emit(ops_engine *engine, ops_file *file, const ff_batch *batch, const uint32_t *rows,
                   int64_t num_rows, const char *dir, ff_error *err);
/* Emits rows that come from no file (inserts): batch columns follow the global schema. */
ff_status ops_emit_new(ops_engine *engine, const ff_batch *batch, const uint32_t *rows,
                       int64_t num_rows, const char *dir, ff_error *err);
/* Like ops_emit_new, from a unit_end hook: the output is the worker's own and is closed with
 * the directory, so inserts into existing partitions are written in parallel. */
ff_status ops_emit_new_here(ops_engine *engine, const ff_batch *batch, const uint32_t *rows,
                            int64_t num_rows, const char *dir, ff_error *err);
/* Which worker an engine is, 0 .. OPS_MAX_WORKERS - 1: steps keep per-worker scratch by it.
 * The engine handed to prepare and finish (which never run beside workers) answers 0. */
#define OPS_MAX_WORKERS 8
int ops_engine_worker_index(const ops_engine *engine);
/* The statistics this engine (a worker's own) adds to. */
ff_ops_stats *ops_engine_stats(ops_engine *engine);
/* Counts rows the step removed (deleted, de-duplicated) or added (inserted), for validation. */
void ops_engine_count(ops_engine *engine, int64_t rows_removed, int64_t rows_added);
/* Marks a partition directory as touched (for the statistics). */
ff_status ops_engine_touch(ops_engine *engine, const char *dir, ff_error *err);

/* The directory of partition values: "k1=v1/k2=v2" for the partition columns' slots at row
 * (columns in partition order). */
ff_status ops_partition_dir(const char *const *names, size_t num_names,
                            const ff_vector *const *columns, int64_t row, ff_buf *out,
                            ff_error *err);

/* Compiles text against the engine's global schema; when that fails and the schema is only
 * the first file's, loads the union over every file and tries again. Caller owns *out. */
ff_status ops_compile_global(ops_engine *engine, const char *text, const ff_expr_options *options,
                             ff_expr **out, ff_error *err);
/* Analysis helper: false when the predicate cannot hold in a part with these facts. */
bool ops_may_match(ff_expr *expr, const ff_column_facts *facts, int64_t num_rows);

/* Quotes a column name as an expression identifier ("a""b"). */
ff_status ops_quote_name(const char *name, ff_buf *out, ff_error *err);

/* ---- Steps -------------------------------------------------------------------------------- */

/* Runs the engine with a step over root and fills stats. */
ff_status ops_run_step(const char *root, const ff_ops_options *options, const ops_step *step,
                       void *user, bool single_transaction, bool create_if_missing,
                       ff_status (*prepare)(void *user, ops_engine *engine, ff_error *err),
                       ff_ops_stats *stats, ff_error *err);

/* Runs the engine as config says (ops_run_step for configurations it does not cover). */
ff_status ops_run_config(const ops_engine_config *config,
                         ff_status (*prepare)(void *user, ops_engine *engine, ff_error *err),
                         ff_error *err);

#endif
