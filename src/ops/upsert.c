/* UPSERT: merges input rows into the dataset by key, partition-local.
 *
 * The input (a Parquet file, a dataset directory, or a whole file in memory) is read once,
 * cast column by column to the dataset's types (casts that could lose information are refused
 * at compile time, narrowing is checked per value), checked for duplicate keys, and indexed by
 * (partition values, key). The plan keeps only files in partitions the input touches; the scan
 * reads the key and update columns and counts rows whose key matches and whose values would
 * change (a match with identical values is "unchanged" and does not make the file a rewrite).
 * The per-batch step merges the input's values into the matched rows. Input rows that matched
 * nothing are inserted into their partition (new directories as needed), in the same
 * transaction as the updates.
 *
 * Memory: an input that takes more than a quarter of the memory limit is set aside on disk by
 * partition once indexed (spill.c); only its key columns stay, and each worker reads back the
 * block of the partition it works on. */
#include "ops/ops_internal.h"

#include "util/check.h"
#include "parquet/file/file_reader.h"
#include "util/fileio.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

/* The input's values of one key column in one partition, sorted. */
typedef struct key_values {
    bool is_usable;
    bool has_null;
    int64_t count;
    int64_t *ints;         /* integer keys */
    const uint8_t **bytes; /* string keys */
    size_t *lens;
} key_values;

/* One input key in the index. */
typedef struct key_slot {
    uint64_t hash;
    uint32_t row;
    uint32_t part;
} key_slot;

/* One worker's copy of a partition's input rows, read back from the spill. */
typedef struct input_cache {
    int64_t part; /* -1: none */
    ff_batch batch;
} input_cache;

typedef struct upsert_file {
    int64_t part;         /* partition entry of the file */
    int32_t *key_eval;    /* eval column of each key */
    int32_t *update_eval; /* eval column of each update column */
    int32_t *update_out;  /* output column of each update column */
    ff_expr **casts;      /* input column -> this file's column type */
    ff_buf pkey;          /* this file's partition key prefix */
    /* Scratch: per file, so that files on different workers never share it. */
    ff_buf key;
    ff_batch sub;
    ff_vector *results;
    ff_vector *merged;
    uint32_t *pairs_file, *pairs_in;
    uint64_t *hashes; /* key hash of each row of the batch */
    uint32_t *slots;  /* where each matched input row is in the partition's input */
    bool *same;       /* the matched row's values are all the input's already */
    ff_batch column;  /* one update column of the row group being counted */
    size_t pairs_cap;
    /* The matches the scan found, kept for the rewrite: row group rg's pairs are
     * found_file/found_in[found_at[rg] .. + found_len[rg]), found_len -1 for a row group the
     * scan did not count. With every row group counted, the rewrite neither looks keys up
     * again nor decodes the key columns. A file's matches are at most its rows. */
    int64_t *found_at, *found_len;
    int32_t num_row_groups;
    uint32_t *found_file, *found_in;
    size_t num_found, found_cap;
    /* Per update column: some matched row of the file gets a different value. Columns no
     * match changes are left alone, so they can keep their encoded pages. */
    bool *changed;
} upsert_file;

typedef struct upsert_ctx {
    const ff_upsert_options *options;
    ff_ops_stats *stats;
    /* The input, in the dataset's (global) types. */
    ops_schema in_schema; /* one field per input column, global types */
    ff_table_schema in_table;
    ff_batch in;
    int32_t *in_of_global; /* global field -> input column or -1 */
    int64_t num_in;
    bool *keep;           /* after --dedup-input */
    bool *matched;        /* some dataset row has this key */
    int64_t *part_of_row; /* input row -> partition entry */
    /* Partition columns (names and global indices). */
    const char **part_names;
    int32_t *part_global;
    size_t num_parts;
    /* Partitions of the input: canonical key -> entry index; dirs to write inserts to. */
    ops_keymap parts;
    char **part_dirs;
    size_t num_part_dirs;
    /* The input's keys, by partition: slots sorted by key hash (then input row) within each
     * partition, index[part_first[p] .. part_first[p + 1]), duplicates already resolved. A
     * sorted array rather than a hash map: 16 bytes a key and no key bytes at all, since a
     * candidate is confirmed by comparing its column values. */
    key_slot *index;
    int64_t *part_first;
    /* Inserts: the input in the global schema (columns it lacks are NULL), the number of
     * dataset files of each partition, and whether a worker has written its inserts. */
    ff_vector *insert_nulls; /* per global field the input lacks: num_in NULLs */
    int32_t num_insert_nulls;
    /* An input larger than a quarter of the memory limit (input_is_large) is set aside by
     * partition once indexed, and only its match keys stay in memory. slot_of_row[r] is input
     * row r's position in its partition's block; each worker holds one block at a time. */
    ops_spill *spill;
    int64_t *part_block; /* spill block of each partition's rows, -1: none */
    uint32_t *slot_of_row;
    input_cache caches[OPS_MAX_WORKERS];
    int64_t *part_files;
    bool *part_inserted;
    int32_t *key_global;
    /* The keys rows are matched on: those that are not partition columns, whose value the
     * partition already fixes (all of them when every key is one). */
    int32_t *match_keys;
    int32_t num_match_keys;
    int32_t *update_global;
    int32_t num_update;
    ff_buf key, text; /* scratch of the planning, on the main thread */
    /* Row-group pruning: per partition and key column, the input's key values sorted (only
     * for integer and string keys; NULL otherwise), so statistics can rule a row group out. */
    key_values *ranges; /* num_part_dirs * num_keys */
    /* Per partition, a two-bit-per-key filter of the index's hashes of its keys: a file's rows
     * are looked up against their own partition's few thousand keys in a table that stays in
     * cache, and only possible matches reach the index of every key. */
    uint64_t **part_filters;
    uint64_t *part_filter_masks; /* bits - 1 */
} upsert_ctx;

void ff_upsert_options_init(ff_upsert_options *options) {
    memset(options, 0, sizeof *options);
    ff_ops_options_init(&options->common);
}

/* Canonical partition key of text values: per column a null flag, length and bytes. */
static ff_status pkey_append(ff_buf *key, const uint8_t *bytes, size_t len, bool is_null,
                             ff_error *err) {
    uint8_t header[9] = {is_null ? 0 : 1};
    uint64_t len64 = is_null ? 0 : len;
    memcpy(header + 1, &len64, 8);
    FF_FORWARD_IF_ERROR(ff_buf_append(key, header, sizeof header, err));
    return is_null || !len ? FF_OK : ff_buf_append(key, bytes, len, err);
}

static ff_status file_pkey(upsert_ctx *ctx, const ff_dataset_file *file, ff_buf *out,
                           ff_error *err) {
    ff_buf_reset(out);
    for (size_t col = 0; col < ctx->num_parts; col++)
        FF_FORWARD_IF_ERROR(pkey_append(out, file->values[col].bytes, file->values[col].len,
                                        file->values[col].is_null, err));
    return FF_OK;
}

/* One input file: its reader, and its rows as decoded in the file's own types (decode_input)
 * until they are cast or moved into ctx->in (load_input_file). */
typedef struct input_source {
    ff_reader *reader;
    const char *name;
    ff_batch rows;
} input_source;

static ff_status open_inputs(const ff_upsert_options *options, input_source **out, size_t *count,
                             ff_dataset **input_ds, ff_discovery **input_disc, ff_error *err) {
    *out = NULL;
    *count = 0;
    if (!options->from_path) {
        input_source *sources = ff_calloc(1, sizeof *sources, "input", err);
        if (!sources)
            return FF_ERR_NO_MEMORY;
        *out = sources;
        sources[0].name = "stdin";
        *count = 1;
        return ff_reader_open_memory(options->from_data, options->from_len, "stdin", NULL,
                                     &sources[0].reader, err);
    }
    struct stat st;
    if (stat(options->from_path, &st) != 0)
        return ff_error_set(err, FF_ERR_NOT_FOUND, "--from %s: no such file or directory",
                            options->from_path);
    if (!S_ISDIR(st.st_mode)) {
        input_source *sources = ff_calloc(1, sizeof *sources, "input", err);
        if (!sources)
            return FF_ERR_NO_MEMORY;
        *out = sources;
        sources[0].name = options->from_path;
        *count = 1;
        return ff_reader_open(options->from_path, NULL, &sources[0].reader, err);
    }
    ff_dataset_options dopts;
    ff_dataset_options_init(&dopts);
    FF_FORWARD_IF_ERROR(ff_dataset_open(options->from_path, &dopts, input_ds, err));
    FF_FORWARD_IF_ERROR(ff_dataset_discover(*input_ds, input_disc, err));
    size_t num = (*input_disc)->num_files;
    input_source *sources = ff_calloc(num + 1, sizeof *sources, "input", err);
    if (!sources)
        return FF_ERR_NO_MEMORY;
    *out = sources;
    char path[FF_PATH_CAP];
    for (size_t idx = 0; idx < num; idx++) {
        sources[idx].name = (*input_disc)->files[idx].rel_path;
        *count = idx + 1;
        FF_FORWARD_IF_ERROR(
            ff_path_join(path, options->from_path, (*input_disc)->files[idx].rel_path, err));
        FF_FORWARD_IF_ERROR(ff_reader_open(path, NULL, &sources[idx].reader, err));
    }
    return FF_OK;
}

/* Decodes one input file into source->rows, in the file's own types: this needs no dataset
 * schema, so it runs while the dataset's footers are read (upsert_prepare). Row groups are
 * decoded into one reused batch and appended, so the input's memory is touched about once. */
static ff_status decode_input(input_source *source, ff_error *err) {
    const ff_schema *tree = ff_reader_schema(source->reader);
    if (tree->num_leaves != tree->root->num_children)
        return ff_error_set(err, FF_ERR_UNSUPPORTED, "%s: nested columns in upsert input",
                            source->name);
    ff_batch row_group;
    memset(&row_group, 0, sizeof row_group);
    ff_status status = ff_batch_init(&source->rows, tree->num_leaves, err);
    int32_t num_rg = ff_reader_num_row_groups(source->reader);
    for (int32_t rg = 0; rg < num_rg && status == FF_OK; rg++) {
        int64_t rows = ff_reader_row_group_num_rows(source->reader, rg);
        if (rows <= 0)
            continue;
        status = ff_reader_read_row_group(source->reader, rg, NULL, -1, &row_group, err);
        /* Sized once from the footer: growing by doubling would leave up to half as slack. */
        for (int32_t col = 0;
             col < row_group.num_columns && status == FF_OK && source->rows.num_rows == 0; col++) {
            source->rows.columns[col].type = row_group.columns[col].type;
            status = ff_vector_reserve(&source->rows.columns[col],
                                       ff_reader_num_rows(source->reader), 0, false, err);
        }
        for (int32_t col = 0; col < row_group.num_columns && status == FF_OK; col++)
            status = ops_vector_append(&source->rows.columns[col], &row_group.columns[col], NULL,
                                       rows, err);
        source->rows.num_rows += rows;
    }
    ff_batch_free(&row_group);
    return status;
}

/* Adds one input file's decoded rows to ctx->in, casting each column to its global type. A
 * column already of that type moves over whole when it is the first to arrive. */
static ff_status load_input_file(upsert_ctx *ctx, input_source *source, ff_error *err) {
    ops_schema file_schema;
    ops_schema_init(&file_schema);
    ff_expr **casts = NULL;
    ff_buf quoted;
    ff_buf_init(&quoted, 0);
    ff_vector result;
    ff_vector_init(&result, NULL);
    ff_status status =
        ops_schema_merge(&file_schema, ff_reader_schema(source->reader), source->name, err);
    if (status != FF_OK)
        goto cleanup;
    ff_table_schema table = ops_schema_table(&file_schema);
    int32_t num_in = ctx->in_schema.num_fields;
    casts = ff_calloc((size_t)num_in + 1, sizeof *casts, "casts", err);
    if (!casts) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (int32_t idx = 0; idx < num_in; idx++) {
        const ff_field *field = &ctx->in_schema.fields[idx];
        if (ops_schema_find(&file_schema, field->name) < 0)
            continue;
        ff_expr_options eopts;
        ff_expr_options_init(&eopts);
        eopts.target_type = &field->type;
        eopts.target_name = field->name;
        FF_CHECK_GOTO(status, ops_quote_name(field->name, &quoted, err), cleanup);
        status = ff_expr_compile((const char *)quoted.data, &table, &eopts, &casts[idx], err);
        if (status != FF_OK) {
            ff_error_prefix(err, "%s: column '%s'", source->name, field->name);
            goto cleanup;
        }
    }
    ff_batch *batch = &source->rows;
    int64_t rows = batch->num_rows;
    for (int32_t idx = 0; idx < num_in && rows > 0; idx++) {
        ff_vector *dst = &ctx->in.columns[idx];
        if (!casts[idx]) {
            FF_CHECK_GOTO(status, ops_vector_append_nulls(dst, rows, err), cleanup);
            continue;
        }
        /* A column already of the dataset's type is taken as read. */
        int32_t src = ops_schema_find(&file_schema, ctx->in_schema.fields[idx].name);
        ff_vector *from = &result;
        if (src >= 0 && file_schema.num_fields == batch->num_columns &&
            ops_type_equal(&file_schema.fields[src].type, &ctx->in_schema.fields[idx].type)) {
            from = &batch->columns[src];
        } else {
            status = ff_expr_evaluate(casts[idx], batch, &result, err);
            if (status != FF_OK) {
                ff_error_prefix(err, "%s: column '%s'", source->name,
                                ctx->in_schema.fields[idx].name);
                goto cleanup;
            }
        }
        if (dst->length == 0) {
            ff_vector empty = *dst;
            *dst = *from;
            *from = empty;
        } else {
            FF_CHECK_GOTO(status, ops_vector_append(dst, from, NULL, rows, err), cleanup);
        }
        dst->type = ctx->in_schema.fields[idx].type;
    }
    ctx->in.num_rows += rows;
cleanup:
    for (int32_t idx = 0; casts && idx < ctx->in_schema.num_fields; idx++)
        ff_expr_free(casts[idx]);
    free(casts);
    ff_vector_free(&result);
    ff_buf_free(&quoted);
    ops_schema_free(&file_schema);
    return status;
}

static bool name_in(const char *name, const char *const *list, int32_t count) {
    for (int32_t idx = 0; idx < count; idx++)
        if (!strcmp(list[idx], name))
            return true;
    return false;
}

/* Describes the key of input row `row` for messages: "id=7, p=A". */
static void describe_key(upsert_ctx *ctx, int64_t row, char *out, size_t cap) {
    size_t len = 0;
    out[0] = '\0';
    ff_error ignored;
    for (int32_t k = 0; k < ctx->options->num_keys && len + 1 < cap; k++) {
        int32_t col = ctx->in_of_global[ctx->key_global[k]];
        bool is_null = false;
        ff_error_clear(&ignored);
        if (ops_partition_text(&ctx->in.columns[col], row, &ctx->text, &is_null, &ignored) != FF_OK)
            break;
        int wrote = snprintf(out + len, cap - len, "%s%s=%.*s", k ? ", " : "",
                             ctx->options->keys[k], is_null ? 4 : (int)ctx->text.len,
                             is_null ? "NULL" : (const char *)ctx->text.data);
        if (wrote < 0)
            break;
        len += (size_t)wrote;
    }
}

static bool key_is_int(const ff_type *type) {
    return (type->physical == FF_PHYSICAL_INT32 || type->physical == FF_PHYSICAL_INT64) &&
           (type->logical == FF_LOGICAL_NONE || type->logical == FF_LOGICAL_DATE ||
            type->logical == FF_LOGICAL_TIMESTAMP ||
            (type->logical == FF_LOGICAL_INT && type->int_is_signed));
}

static bool key_is_string(const ff_type *type) {
    return type->physical == FF_PHYSICAL_BYTE_ARRAY &&
           (type->logical == FF_LOGICAL_STRING || type->logical == FF_LOGICAL_NONE);
}

static int compare_bytes(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
    size_t len = a_len < b_len ? a_len : b_len;
    int c = len ? memcmp(a, b, len) : 0;
    if (c)
        return c;
    return (a_len > b_len) - (a_len < b_len);
}

/* Sorts string keys through an index (qsort has no context pointer). */
typedef struct string_key {
    const uint8_t *bytes;
    size_t len;
} string_key;

static int compare_string_keys(const void *a, const void *b) {
    const string_key *x = a, *y = b;
    return compare_bytes(x->bytes, x->len, y->bytes, y->len);
}

/* Sorts row numbers ascending. */
static ff_status sort_rows(uint32_t *rows, size_t count, ff_error *err) {
    return ops_radix_sort(rows, count, sizeof *rows, 0, sizeof *rows, NULL, err);
}

/* Sorts signed integers: as unsigned ones with the sign bit flipped. */
static ff_status sort_ints(int64_t *values, size_t count, ff_error *err) {
    const uint64_t flip = 1ULL << 63;
    uint64_t *keys = (uint64_t *)(void *)values;
    for (size_t idx = 0; idx < count; idx++)
        keys[idx] ^= flip;
    ff_status status = ops_radix_sort(keys, count, sizeof *keys, 0, sizeof *keys, NULL, err);
    for (size_t idx = 0; idx < count; idx++)
        keys[idx] ^= flip;
    return status;
}

/* Collects and sorts each partition's input key values, for row-group pruning. */
static ff_status build_ranges(upsert_ctx *ctx, ff_error *err) {
    int32_t num_keys = ctx->options->num_keys;
    size_t num = ctx->num_part_dirs * (size_t)num_keys;
    ctx->ranges = ff_calloc(num + 1, sizeof *ctx->ranges, "key ranges", err);
    if (!ctx->ranges)
        return FF_ERR_NO_MEMORY;
    for (int32_t k = 0; k < num_keys; k++) {
        /* A partition column holds one value per partition: its statistics rule nothing out
         * that the partition did not. Its input column may already be set aside (only match
         * keys stay), so it is not looked at. */
        bool is_partition = false;
        for (size_t col = 0; col < ctx->num_parts; col++)
            is_partition = is_partition || ctx->part_global[col] == ctx->key_global[k];
        if (is_partition)
            continue;
        const ff_vector *vec = &ctx->in.columns[ctx->in_of_global[ctx->key_global[k]]];
        bool is_int = key_is_int(&vec->type), is_string = key_is_string(&vec->type);
        if (!is_int && !is_string)
            continue;
        for (size_t part = 0; part < ctx->num_part_dirs; part++)
            ctx->ranges[part * (size_t)num_keys + (size_t)k].is_usable = true;
        for (int64_t row = 0; row < ctx->num_in; row++) {
            if (!ctx->keep[row])
                continue;
            key_values *kv =
                &ctx->ranges[(size_t)ctx->part_of_row[row] * (size_t)num_keys + (size_t)k];
            if (ff_vector_is_null(vec, row)) {
                kv->has_null = true;
                continue;
            }
            kv->count++;
        }
        for (size_t part = 0; part < ctx->num_part_dirs; part++) {
            key_values *kv = &ctx->ranges[part * (size_t)num_keys + (size_t)k];
            if (is_int)
                kv->ints = ff_calloc((size_t)kv->count + 1, sizeof *kv->ints, "key ranges", err);
            else {
                kv->bytes = ff_calloc((size_t)kv->count + 1, sizeof(string_key), "key ranges", err);
                kv->lens = NULL;
            }
            if (is_int ? !kv->ints : !kv->bytes)
                return FF_ERR_NO_MEMORY;
            kv->count = 0;
        }
        for (int64_t row = 0; row < ctx->num_in; row++) {
            if (!ctx->keep[row] || ff_vector_is_null(vec, row))
                continue;
            key_values *kv =
                &ctx->ranges[(size_t)ctx->part_of_row[row] * (size_t)num_keys + (size_t)k];
            if (is_int) {
                if (vec->type.physical == FF_PHYSICAL_INT32) {
                    int32_t v;
                    memcpy(&v, vec->values + row * 4, 4);
                    kv->ints[kv->count++] = v;
                } else {
                    memcpy(&kv->ints[kv->count++], vec->values + row * 8, 8);
                }
            } else {
                string_key *keys = (string_key *)(void *)kv->bytes;
                keys[kv->count].bytes = vec->values + vec->offsets[row];
                keys[kv->count].len = (size_t)(vec->offsets[row + 1] - vec->offsets[row]);
                kv->count++;
            }
        }
        for (size_t part = 0; part < ctx->num_part_dirs; part++) {
            key_values *kv = &ctx->ranges[part * (size_t)num_keys + (size_t)k];
            if (is_int)
                FF_FORWARD_IF_ERROR(sort_ints(kv->ints, (size_t)kv->count, err));
            else
                qsort((void *)kv->bytes, (size_t)kv->count, sizeof(string_key),
                      compare_string_keys);
        }
    }
    return FF_OK;
}

static void part_filter_bits(uint64_t hash, uint64_t mask, uint64_t *a, uint64_t *b) {
    *a = (hash >> 38) & mask;
    *b = ((hash >> 17) ^ (hash >> 49)) & mask;
}

static bool part_filter_may_hold(const upsert_ctx *ctx, int64_t part, uint64_t hash) {
    const uint64_t *bits = ctx->part_filters[part];
    uint64_t a, b;
    part_filter_bits(hash, ctx->part_filter_masks[part], &a, &b);
    return (bits[a >> 6] >> (a & 63) & 1) && (bits[b >> 6] >> (b & 63) & 1);
}

/* Builds the per-partition filters from the index of input keys (16 or more bits per key). */
static ff_status build_part_filters(upsert_ctx *ctx, ff_error *err) {
    size_t parts = ctx->num_part_dirs;
    ctx->part_filters = ff_calloc(parts + 1, sizeof *ctx->part_filters, "key filters", err);
    ctx->part_filter_masks =
        ff_calloc(parts + 1, sizeof *ctx->part_filter_masks, "key filters", err);
    int64_t *counts = ff_calloc(parts + 1, sizeof *counts, "key filters", err);
    if (!ctx->part_filters || !ctx->part_filter_masks || !counts) {
        free(counts);
        return FF_ERR_NO_MEMORY;
    }
    for (size_t part = 0; part < parts; part++)
        counts[part] = ctx->part_first[part + 1] - ctx->part_first[part];
    ff_status status = FF_OK;
    for (size_t part = 0; part < parts && status == FF_OK; part++) {
        uint64_t bits = 512;
        while (bits < (uint64_t)counts[part] * 16)
            bits *= 2;
        ctx->part_filter_masks[part] = bits - 1;
        ctx->part_filters[part] = ff_calloc(bits / 64, sizeof(uint64_t), "key filters", err);
        if (!ctx->part_filters[part])
            status = FF_ERR_NO_MEMORY;
    }
    int64_t num_slots = ctx->part_first[parts];
    for (int64_t idx = 0; idx < num_slots && status == FF_OK; idx++) {
        uint32_t part = ctx->index[idx].part;
        uint64_t a, b;
        part_filter_bits(ctx->index[idx].hash, ctx->part_filter_masks[part], &a, &b);
        ctx->part_filters[part][a >> 6] |= 1ull << (a & 63);
        ctx->part_filters[part][b >> 6] |= 1ull << (b & 63);
    }
    free(counts);
    return status;
}

static void free_part_filters(upsert_ctx *ctx) {
    for (size_t part = 0; ctx->part_filters && part < ctx->num_part_dirs; part++)
        free(ctx->part_filters[part]);
    free(ctx->part_filters);
    free(ctx->part_filter_masks);
}

static void free_ranges(upsert_ctx *ctx) {
    size_t num = ctx->num_part_dirs * (size_t)ctx->options->num_keys;
    for (size_t idx = 0; ctx->ranges && idx < num; idx++) {
        free(ctx->ranges[idx].ints);
        free((void *)ctx->ranges[idx].bytes);
    }
    free(ctx->ranges);
}

/* Does the chunk's bloom filter (when the writer stored one) admit any input value in the
 * statistics' range, starting at index first? A filter can only say "certainly absent". */
static bool bloom_may_contain(const key_values *kv, ops_file *file, int32_t column_idx,
                              const ff_type *type, const ff_column_facts *facts, int64_t first) {
    ff_bloom_filter filter;
    bool present = false;
    ff_error err;
    ff_error_clear(&err);
    if (ff_reader_read_bloom_filter(file->reader, file->row_group_idx, column_idx, &filter,
                                    &present, &err) != FF_OK ||
        !present)
        return true;
    const string_key *keys = (const string_key *)(const void *)kv->bytes;
    for (int64_t idx = first; idx < kv->count; idx++) {
        if (kv->ints) {
            if (kv->ints[idx] > facts->max.i64)
                break;
            if (type->physical == FF_PHYSICAL_INT32) {
                int32_t v = (int32_t)kv->ints[idx];
                if (ff_bloom_filter_might_contain_value(&filter, &v, sizeof v))
                    return true;
            } else if (ff_bloom_filter_might_contain_value(&filter, &kv->ints[idx], 8)) {
                return true;
            }
        } else if (ff_bloom_filter_might_contain_value(&filter, keys[idx].bytes, keys[idx].len)) {
            return true;
        }
    }
    return false;
}

/* Can an input key of this partition fall into a row group with these facts? Each key column
 * whose statistics exclude every input value of the partition rules the row group out. */
static bool upsert_row_group_may_match(void *user, ops_file *file, const ff_column_facts *facts,
                                       int64_t num_rows) {
    (void)num_rows;
    upsert_ctx *ctx = user;
    upsert_file *state = file->step_state;
    int32_t num_keys = ctx->options->num_keys;
    for (int32_t k = 0; k < num_keys; k++) {
        const key_values *kv = &ctx->ranges[(size_t)state->part * (size_t)num_keys + (size_t)k];
        int32_t eval_idx = state->key_eval[k];
        if (!kv->is_usable || eval_idx >= file->num_file_columns)
            continue;
        const ff_column_facts *f = &facts[eval_idx];
        if (f->is_exact && f->value.is_null) {
            if (!kv->has_null)
                return false;
            continue;
        }
        if (!f->has_min_max || kv->has_null)
            continue;
        const ff_type *type = &file->eval.fields[eval_idx].type;
        bool any = false;
        int64_t first = 0; /* the first input value >= the row group's min */
        if (kv->ints && key_is_int(type)) {
            /* First value >= min, then is it <= max? */
            int64_t lo = 0, hi = kv->count;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (kv->ints[mid] < f->min.i64)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            any = lo < kv->count && kv->ints[lo] <= f->max.i64;
            first = lo;
        } else if (kv->bytes && key_is_string(type)) {
            const string_key *keys = (const string_key *)(const void *)kv->bytes;
            int64_t lo = 0, hi = kv->count;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (compare_bytes(keys[mid].bytes, keys[mid].len, f->min.bytes, f->min.len) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < kv->count) {
                const string_key *key = &keys[lo];
                /* A truncated max bounds only up to its prefix. */
                any = compare_bytes(key->bytes, key->len, f->max.bytes, f->max.len) <= 0 ||
                      (!f->is_max_exact && key->len >= f->max.len &&
                       !memcmp(key->bytes, f->max.bytes, f->max.len));
            }
            first = lo;
        } else {
            continue;
        }
        if (!any)
            return false;
        if (!bloom_may_contain(kv, file, eval_idx, type, f, first))
            return false;
    }
    return true;
}

/* Do input rows a and b have the same key? */
static bool input_key_equal(const upsert_ctx *ctx, uint32_t a, uint32_t b) {
    for (int32_t m = 0; m < ctx->num_match_keys; m++) {
        int32_t k = ctx->match_keys[m];
        const ff_vector *vec = &ctx->in.columns[ctx->in_of_global[ctx->key_global[k]]];
        if (!ops_vector_slot_equal(vec, a, vec, b))
            return false;
    }
    return true;
}

/* Sorts slots by (part, hash), keeping input order among equals: one stable counting pass on
 * the partition, then a radix sort of each partition's slots by hash. Partition first, because
 * one partition's slots usually fit in cache where the whole array does not, and the eight
 * passes over the hash are then cheap. tmp holds count slots and is each sort's scratch. */
static ff_status sort_slots(key_slot *slots, key_slot *tmp, size_t count, size_t num_parts,
                            int64_t *part_first, ff_error *err) {
    memset(part_first, 0, (num_parts + 1) * sizeof *part_first);
    for (size_t idx = 0; idx < count; idx++)
        part_first[slots[idx].part + 1]++;
    for (size_t part = 0; part < num_parts; part++)
        part_first[part + 1] += part_first[part];
    for (size_t idx = 0; idx < count; idx++)
        tmp[part_first[slots[idx].part]++] = slots[idx];
    memcpy(slots, tmp, count * sizeof *slots);
    for (size_t part = num_parts; part > 0; part--)
        part_first[part] = part_first[part - 1];
    part_first[0] = 0;
    for (size_t part = 0; part < num_parts; part++) {
        size_t first = (size_t)part_first[part];
        FF_FORWARD_IF_ERROR(ops_radix_sort(slots + first, (size_t)part_first[part + 1] - first,
                                           sizeof *slots, offsetof(key_slot, hash), 8, tmp, err));
    }
    return FF_OK;
}

/* Indexes the selected input rows by (partition, key) and resolves duplicate keys per
 * --dedup-input: an error naming the first duplicate in input order, or the first or the last
 * row of each key kept. Sets ctx->keep. */
static ff_status build_index(upsert_ctx *ctx, const bool *is_selected, ff_error *err) {
    if (ctx->num_in >= (int64_t)UINT32_MAX)
        return ff_error_set(err, FF_ERR_LIMIT, "--from: more than %u input rows", UINT32_MAX - 1);
    size_t num_parts = ctx->num_part_dirs;
    ctx->part_first = ff_calloc(num_parts + 1, sizeof *ctx->part_first, "key index", err);
    uint64_t *hashes = ff_malloc(((size_t)ctx->num_in + 1) * sizeof *hashes, "key index", err);
    if (!ctx->part_first || !hashes) {
        free(hashes);
        return FF_ERR_NO_MEMORY;
    }
    for (int32_t m = 0; m < ctx->num_match_keys; m++)
        ops_key_hash_column(
            &ctx->in.columns[ctx->in_of_global[ctx->key_global[ctx->match_keys[m]]]], ctx->num_in,
            hashes, m == 0);
    size_t count = 0;
    for (int64_t row = 0; row < ctx->num_in; row++)
        count += is_selected[row];
    key_slot *slots = ff_malloc((count + 1) * sizeof *slots, "key index", err);
    key_slot *tmp = slots ? ff_malloc((count + 1) * sizeof *tmp, "key index", err) : NULL;
    if (!tmp) {
        free(slots);
        free(hashes);
        return FF_ERR_NO_MEMORY;
    }
    count = 0;
    for (int64_t row = 0; row < ctx->num_in; row++) {
        if (!is_selected[row])
            continue;
        slots[count].hash = hashes[row];
        slots[count].row = (uint32_t)row;
        slots[count].part = (uint32_t)ctx->part_of_row[row];
        count++;
        ctx->keep[row] = true;
    }
    free(hashes);
    ff_status status = FF_OK;
    if (count > 0)
        status = sort_slots(slots, tmp, count, num_parts, ctx->part_first, err);
    free(tmp);
    if (status != FF_OK) {
        free(slots);
        return status;
    }
    /* Equal keys are neighbours among equal hashes, in input order. */
    int64_t dup_first = -1, dup_second = -1;
    for (size_t run = 0; run < count;) {
        size_t run_end = run + 1;
        while (run_end < count && slots[run_end].hash == slots[run].hash &&
               slots[run_end].part == slots[run].part)
            run_end++;
        for (size_t x = run + 1; x < run_end; x++) {
            for (size_t y = run; y < x; y++) {
                if (!ctx->keep[slots[y].row] || !input_key_equal(ctx, slots[y].row, slots[x].row))
                    continue;
                if (ctx->options->dedup_input == FF_DEDUP_INPUT_ERROR) {
                    if (dup_second < 0 || (int64_t)slots[x].row < dup_second) {
                        dup_first = slots[y].row;
                        dup_second = slots[x].row;
                    }
                } else if (ctx->options->dedup_input == FF_DEDUP_INPUT_LAST) {
                    ctx->keep[slots[y].row] = false;
                } else {
                    ctx->keep[slots[x].row] = false;
                }
                break;
            }
        }
        run = run_end;
    }
    if (dup_second >= 0) {
        free(slots);
        char described[256];
        describe_key(ctx, dup_second, described, sizeof described);
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                            "--from: duplicate key (%s) in input rows %lld and %lld (use "
                            "--dedup-input first|last)",
                            described, (long long)dup_first, (long long)dup_second);
    }
    /* Drop the rows --dedup-input left out; partitions keep their order. */
    size_t kept = 0;
    for (size_t part = 0; part < num_parts; part++) {
        size_t from = (size_t)ctx->part_first[part], to = (size_t)ctx->part_first[part + 1];
        ctx->part_first[part] = (int64_t)kept;
        for (size_t idx = from; idx < to; idx++)
            if (ctx->keep[slots[idx].row])
                slots[kept++] = slots[idx];
    }
    ctx->part_first[num_parts] = (int64_t)kept;
    ctx->index = slots;
    return FF_OK;
}

/* How many of the --partition K=V pairs name column `name` and equal its value (text, or
 * NULL for the sentinel value). */
static int32_t count_selected(const ff_ops_options *options, const char *name, const ff_buf *text,
                              bool is_null) {
    int32_t count = 0;
    size_t name_len = strlen(name);
    for (int32_t idx = 0; idx < options->num_partitions; idx++) {
        const char *pair = options->partitions[idx];
        const char *eq = strchr(pair, '=');
        if (!eq || (size_t)(eq - pair) != name_len || memcmp(pair, name, name_len))
            continue;
        const char *want = eq + 1;
        if (!strcmp(want, FF_HIVE_DEFAULT_PARTITION)
                ? is_null
                : (!is_null && text->len == strlen(want) && !memcmp(text->data, want, text->len)))
            count++;
    }
    return count;
}

/* Do slots a and b of vec hold the same bits (both NULL, or the same bytes)? */
static bool same_slot_bits(const ff_vector *vec, int64_t a, int64_t b) {
    bool a_null = ff_vector_is_null(vec, a), b_null = ff_vector_is_null(vec, b);
    if (a_null || b_null)
        return a_null && b_null;
    if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY) {
        int64_t len = vec->offsets[a + 1] - vec->offsets[a];
        return len == vec->offsets[b + 1] - vec->offsets[b] &&
               (len == 0 ||
                !memcmp(vec->values + vec->offsets[a], vec->values + vec->offsets[b], (size_t)len));
    }
    size_t width = (size_t)ff_type_value_width(&vec->type);
    return !memcmp(vec->values + (size_t)a * width, vec->values + (size_t)b * width, width);
}

/* NULL columns for the dataset columns the input lacks, long enough for any insert. */
static ff_status build_insert_nulls(upsert_ctx *ctx, const ops_schema *global, ff_error *err) {
    ctx->insert_nulls =
        ff_calloc((size_t)global->num_fields + 1, sizeof *ctx->insert_nulls, "insert", err);
    if (!ctx->insert_nulls)
        return FF_ERR_NO_MEMORY;
    ctx->num_insert_nulls = global->num_fields;
    for (int32_t g = 0; g < global->num_fields; g++) {
        ff_vector_init(&ctx->insert_nulls[g], &global->fields[g].type);
        if (ctx->in_of_global[g] < 0)
            FF_FORWARD_IF_ERROR(ops_vector_append_nulls(&ctx->insert_nulls[g], ctx->num_in, err));
    }
    return FF_OK;
}

/* Is input column col one of the key columns rows are matched on? */
static bool is_key_column(const upsert_ctx *ctx, int32_t col) {
    for (int32_t m = 0; m < ctx->num_match_keys; m++)
        if (ctx->in_of_global[ctx->key_global[ctx->match_keys[m]]] == col)
            return true;
    return false;
}

/* Sets the kept input rows aside, one spill block per partition in input order, and frees
 * every input column but the match keys. */
/* Does the decoded input take more than a quarter of the memory limit? The rest is for the
 * workers' row groups, their outputs and the index. */
static bool input_is_large(const upsert_ctx *ctx) {
    int64_t limit = ctx->options->common.memory_limit > 0 ? ctx->options->common.memory_limit
                                                          : FF_OPS_DEFAULT_MEMORY_LIMIT;
    int64_t bytes = 0;
    for (int32_t col = 0; col < ctx->in.num_columns; col++) {
        const ff_vector *vec = &ctx->in.columns[col];
        bytes += (int64_t)vec->values_len + (vec->validity ? (vec->length + 7) / 8 : 0);
        if (vec->type.physical == FF_PHYSICAL_BYTE_ARRAY)
            bytes += (vec->length + 1) * (int64_t)sizeof(int64_t);
    }
    return bytes > limit / 4;
}

static ff_status spill_input(upsert_ctx *ctx, ff_error *err) {
    size_t num_parts = ctx->num_part_dirs;
    int32_t num_cols = ctx->in.num_columns;
    ff_type *types = ff_calloc((size_t)num_cols + 1, sizeof *types, "input", err);
    ctx->part_block = ff_calloc(num_parts + 1, sizeof *ctx->part_block, "input", err);
    ctx->slot_of_row = ff_calloc((size_t)ctx->num_in + 1, sizeof *ctx->slot_of_row, "input", err);
    uint32_t *rows = ff_malloc(((size_t)ctx->num_in + 1) * sizeof *rows, "input", err);
    ff_status status =
        types && ctx->part_block && ctx->slot_of_row && rows ? FF_OK : FF_ERR_NO_MEMORY;
    for (int32_t col = 0; col < num_cols && status == FF_OK; col++)
        types[col] = ctx->in.columns[col].type;
    if (status == FF_OK)
        status = ops_spill_create(types, num_cols, &ctx->spill, err);
    for (size_t part = 0; part < num_parts && status == FF_OK; part++) {
        int64_t count = 0;
        for (int64_t idx = ctx->part_first[part]; idx < ctx->part_first[part + 1]; idx++)
            rows[count++] = ctx->index[idx].row;
        ctx->part_block[part] = -1;
        if (count == 0)
            continue;
        status = sort_rows(rows, (size_t)count, err);
        if (status != FF_OK)
            break;
        for (int64_t pos = 0; pos < count; pos++)
            ctx->slot_of_row[rows[pos]] = (uint32_t)pos;
        status = ops_spill_append(ctx->spill, &ctx->in, rows, count, &ctx->part_block[part], err);
    }
    for (int32_t col = 0; col < num_cols && status == FF_OK; col++) {
        if (is_key_column(ctx, col))
            continue;
        ff_type type = ctx->in.columns[col].type;
        ff_vector_free(&ctx->in.columns[col]);
        ff_vector_init(&ctx->in.columns[col], &type);
    }
    free(types);
    free(rows);
    if (status != FF_OK)
        ff_error_prefix(err, "upsert: setting the input aside");
    return status;
}

/* The input rows of partition `part`: the input itself, or this worker's copy of the
 * partition's block. */
static ff_status part_input(upsert_ctx *ctx, ops_engine *engine, int64_t part, const ff_batch **out,
                            ff_error *err) {
    if (!ctx->spill) {
        *out = &ctx->in;
        return FF_OK;
    }
    input_cache *cache = &ctx->caches[ops_engine_worker_index(engine)];
    *out = &cache->batch;
    if (cache->part == part)
        return FF_OK;
    cache->part = -1;
    if (ctx->part_block[part] < 0) {
        ff_batch_reset(&cache->batch);
    } else {
        ff_status status = ops_spill_read(ctx->spill, ctx->part_block[part], &cache->batch, err);
        if (status != FF_OK)
            return ff_error_prefix(err, "upsert: reading the input back");
    }
    cache->part = part;
    return FF_OK;
}

/* Where input row `row` is in part_input's batch. */
static uint32_t input_slot(const upsert_ctx *ctx, uint32_t row) {
    return ctx->spill ? ctx->slot_of_row[row] : row;
}

/* A piece of the planning run on a second thread while the planning thread goes on
 * (side_job_start), or on the calling thread when no thread can be had: the result is the
 * same either way, only slower. */
typedef struct side_job {
    ff_status (*run)(void *arg, ff_error *err);
    void *arg;
    pthread_t thread;
    bool is_threaded;
    ff_status status;
    ff_error error;
} side_job;

static void *side_job_main(void *arg) {
    side_job *job = arg;
    job->status = job->run(job->arg, &job->error);
    return NULL;
}

static void side_job_start(side_job *job, ff_status (*run)(void *arg, ff_error *err), void *arg) {
    memset(job, 0, sizeof *job);
    job->run = run;
    job->arg = arg;
    ff_error_clear(&job->error);
    job->is_threaded = pthread_create(&job->thread, NULL, side_job_main, job) == 0;
    if (!job->is_threaded)
        side_job_main(job);
}

/* Waits for the job; its error replaces *status (and err) unless *status is one already. */
static void side_job_finish(side_job *job, ff_status *status, ff_error *err) {
    if (job->is_threaded)
        pthread_join(job->thread, NULL);
    if (*status == FF_OK && job->status != FF_OK) {
        *status = job->status;
        *err = job->error;
    }
}

static ff_status run_load_union(void *arg, ff_error *err) {
    return ops_engine_load_union(arg, err);
}

static ff_status run_spill_input(void *arg, ff_error *err) {
    return spill_input(arg, err);
}

static ff_status upsert_prepare(void *user, ops_engine *engine, ff_error *err) {
    upsert_ctx *ctx = user;
    const ff_upsert_options *options = ctx->options;
    input_source *sources = NULL;
    size_t num_sources = 0;
    ff_dataset *input_ds = NULL;
    ff_discovery *input_disc = NULL;
    bool *is_selected = NULL; /* input row -> inside the --partition selection */
    /* The dataset's footers are read on other threads while this one decodes the input: the
     * two are independent until the input is cast to the dataset's types. */
    side_job union_job;
    side_job_start(&union_job, run_load_union, engine);
    ff_status input_status =
        open_inputs(options, &sources, &num_sources, &input_ds, &input_disc, err);
    for (size_t idx = 0; idx < num_sources && input_status == FF_OK; idx++)
        input_status = decode_input(&sources[idx], err);
    /* The dataset's error comes first, as it would were the two done one after the other. */
    ff_status status = FF_OK;
    side_job_finish(&union_job, &status, err);
    if (status == FF_OK)
        status = input_status;
    ops_schema *global = ops_engine_schema(engine);
    const ff_discovery *discovery = ops_engine_discovery(engine);
    if (status != FF_OK)
        goto cleanup;
    /* The input's columns, in first-seen order. */
    ops_schema in_raw;
    ops_schema_init(&in_raw);
    for (size_t idx = 0; idx < num_sources && status == FF_OK; idx++)
        status = ops_schema_merge(&in_raw, ff_reader_schema(sources[idx].reader), sources[idx].name,
                                  err);
    if (status != FF_OK) {
        ops_schema_free(&in_raw);
        goto cleanup;
    }
    bool dataset_is_empty = global->num_fields == 0;
    for (int32_t idx = 0; idx < in_raw.num_fields && status == FF_OK; idx++) {
        const ff_field *field = &in_raw.fields[idx];
        if (ops_schema_find(global, field->name) >= 0)
            continue;
        if (!dataset_is_empty && !options->add_columns) {
            status = ff_error_set(err, FF_ERR_SCHEMA,
                                  "--from: input column '%s' is not in the dataset (use "
                                  "--add-columns to add it)",
                                  field->name);
            break;
        }
        status = ops_schema_add(global, field->name, &field->type, err);
    }
    if (status == FF_OK) {
        for (int32_t idx = 0; idx < in_raw.num_fields && status == FF_OK; idx++) {
            int32_t g = ops_schema_find(global, in_raw.fields[idx].name);
            status = ops_schema_add(&ctx->in_schema, global->fields[g].name,
                                    &global->fields[g].type, err);
        }
    }
    ops_schema_free(&in_raw);
    if (status != FF_OK)
        goto cleanup;
    ctx->in_table = ops_schema_table(&ctx->in_schema);
    ctx->in_of_global = ff_calloc((size_t)global->num_fields + 1, sizeof(int32_t), "input", err);
    if (!ctx->in_of_global) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (int32_t g = 0; g < global->num_fields; g++)
        ctx->in_of_global[g] = ops_schema_find(&ctx->in_schema, global->fields[g].name);
    /* Keys, partition columns, update columns. */
    ctx->key_global = ff_calloc((size_t)options->num_keys + 1, sizeof(int32_t), "keys", err);
    ctx->update_global = ff_calloc((size_t)global->num_fields + 1, sizeof(int32_t), "keys", err);
    if (!ctx->key_global || !ctx->update_global) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (int32_t k = 0; k < options->num_keys; k++) {
        int32_t g = ops_schema_find(global, options->keys[k]);
        if (g < 0 || ctx->in_of_global[g] < 0) {
            status = ff_error_set(err, FF_ERR_SCHEMA, "--key %s: no such column in the %s",
                                  options->keys[k], g < 0 ? "dataset" : "input");
            goto cleanup;
        }
        ctx->key_global[k] = g;
    }
    if (discovery->num_partition_columns > 0) {
        ctx->num_parts = discovery->num_partition_columns;
        ctx->part_names = (const char **)discovery->partition_columns;
        if (options->num_partition_by > 0) {
            bool same = (size_t)options->num_partition_by == ctx->num_parts;
            for (size_t col = 0; same && col < ctx->num_parts; col++)
                same = !strcmp(options->partition_by[col], ctx->part_names[col]);
            if (!same) {
                status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                      "--partition-by does not match the dataset's partition "
                                      "columns (first: '%s')",
                                      ctx->part_names[0]);
                goto cleanup;
            }
        }
    } else if (options->num_partition_by > 0) {
        if (discovery->num_files > 0) {
            status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                  "--partition-by: the dataset has files and is not partitioned");
            goto cleanup;
        }
        ctx->num_parts = (size_t)options->num_partition_by;
        ctx->part_names = (const char **)options->partition_by;
    }
    ctx->part_global = ff_calloc(ctx->num_parts + 1, sizeof(int32_t), "partitions", err);
    if (!ctx->part_global) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (size_t col = 0; col < ctx->num_parts; col++) {
        int32_t g = ops_schema_find(global, ctx->part_names[col]);
        if (g < 0 || ctx->in_of_global[g] < 0) {
            status =
                ff_error_set(err, FF_ERR_SCHEMA, "--from: the input lacks partition column '%s'",
                             ctx->part_names[col]);
            goto cleanup;
        }
        ctx->part_global[col] = g;
    }
    ctx->match_keys = ff_calloc((size_t)options->num_keys + 1, sizeof(int32_t), "keys", err);
    if (!ctx->match_keys) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (int32_t k = 0; k < options->num_keys; k++) {
        bool is_partition = false;
        for (size_t col = 0; col < ctx->num_parts; col++)
            is_partition = is_partition || ctx->part_global[col] == ctx->key_global[k];
        if (!is_partition)
            ctx->match_keys[ctx->num_match_keys++] = k;
    }
    if (ctx->num_match_keys == 0)
        for (int32_t k = 0; k < options->num_keys; k++)
            ctx->match_keys[ctx->num_match_keys++] = k;
    if (options->num_update_columns > 0) {
        for (int32_t idx = 0; idx < options->num_update_columns; idx++) {
            const char *name = options->update_columns[idx];
            int32_t g = ops_schema_find(global, name);
            if (g < 0 || ctx->in_of_global[g] < 0) {
                status = ff_error_set(err, FF_ERR_SCHEMA,
                                      "--update-cols %s: no such column in the input", name);
                goto cleanup;
            }
            if (name_in(name, options->keys, options->num_keys) ||
                name_in(name, ctx->part_names, (int32_t)ctx->num_parts)) {
                status = ff_error_set(err, FF_ERR_INVALID_ARGUMENT,
                                      "--update-cols %s: key and partition columns identify rows "
                                      "and cannot be updated",
                                      name);
                goto cleanup;
            }
            ctx->update_global[ctx->num_update++] = g;
        }
    } else {
        for (int32_t g = 0; g < global->num_fields; g++) {
            if (ctx->in_of_global[g] < 0 ||
                name_in(global->fields[g].name, options->keys, options->num_keys) ||
                name_in(global->fields[g].name, ctx->part_names, (int32_t)ctx->num_parts))
                continue;
            ctx->update_global[ctx->num_update++] = g;
        }
    }
    /* Read the input. */
    FF_CHECK_GOTO(status, ff_batch_init(&ctx->in, ctx->in_schema.num_fields, err), cleanup);
    for (int32_t idx = 0; idx < ctx->in_schema.num_fields; idx++)
        ctx->in.columns[idx].type = ctx->in_schema.fields[idx].type;
    /* Sized once from the footers: the input is the largest thing held, and growing it by
     * doubling would leave up to half of it as slack. One file's columns move over whole. */
    int64_t total_in = 0;
    for (size_t idx = 0; idx < num_sources; idx++)
        total_in += ff_reader_num_rows(sources[idx].reader);
    for (int32_t idx = 0; idx < ctx->in_schema.num_fields && num_sources > 1; idx++)
        FF_CHECK_GOTO(status, ff_vector_reserve(&ctx->in.columns[idx], total_in, 0, false, err),
                      cleanup);
    for (size_t idx = 0; idx < num_sources; idx++)
        FF_CHECK_GOTO(status, load_input_file(ctx, &sources[idx], err), cleanup);
    ctx->num_in = ctx->in.num_rows;
    ctx->keep = ff_calloc((size_t)ctx->num_in + 1, sizeof(bool), "input", err);
    ctx->matched = ff_calloc((size_t)ctx->num_in + 1, sizeof(bool), "input", err);
    ctx->part_of_row = ff_calloc((size_t)ctx->num_in + 1, sizeof(int64_t), "input", err);
    ctx->part_dirs = ff_calloc((size_t)ctx->num_in + 1, sizeof(char *), "input", err);
    if (!ctx->keep || !ctx->matched || !ctx->part_of_row || !ctx->part_dirs) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    /* Partition of each input row, and the directory inserts go to. */
    const ff_vector *part_cols[64];
    if (ctx->num_parts > 64) {
        status = ff_error_set(err, FF_ERR_LIMIT, "more than 64 partition columns");
        goto cleanup;
    }
    for (size_t col = 0; col < ctx->num_parts; col++)
        part_cols[col] = &ctx->in.columns[ctx->in_of_global[ctx->part_global[col]]];
    ff_buf dir;
    ff_buf_init(&dir, 0);
    /* With --partition K=V the run covers only those partitions: input rows of others are
     * left out (a scheduler hands the same input to one job per partition set), never
     * inserted where their keys were not looked up. */
    is_selected = ff_calloc((size_t)ctx->num_in + 1, sizeof(bool), "input", err);
    if (!is_selected)
        status = FF_ERR_NO_MEMORY;
    for (int64_t row = 0; row < ctx->num_in && status == FF_OK; row++) {
        /* Inputs usually come grouped by partition: a row whose partition values are the
         * previous row's, bit for bit, has its partition. */
        bool is_same = row > 0;
        for (size_t col = 0; col < ctx->num_parts && is_same; col++)
            is_same = same_slot_bits(part_cols[col], row, row - 1);
        if (is_same) {
            is_selected[row] = is_selected[row - 1];
            ctx->part_of_row[row] = ctx->part_of_row[row - 1];
            continue;
        }
        ff_buf_reset(&ctx->key);
        int32_t num_matched = 0;
        for (size_t col = 0; col < ctx->num_parts && status == FF_OK; col++) {
            bool is_null = false;
            status = ops_partition_text(part_cols[col], row, &ctx->text, &is_null, err);
            if (status == FF_OK)
                status = pkey_append(&ctx->key, ctx->text.data, ctx->text.len, is_null, err);
            if (status == FF_OK)
                num_matched +=
                    count_selected(&options->common, ctx->part_names[col], &ctx->text, is_null);
        }
        is_selected[row] = num_matched == options->common.num_partitions;
        ops_keymap_entry *entry = NULL;
        bool is_new = false;
        if (status == FF_OK)
            status =
                ops_keymap_upsert(&ctx->parts, ctx->key.data, ctx->key.len, &entry, &is_new, err);
        if (status == FF_OK && is_new) {
            status = ops_partition_dir(ctx->part_names, ctx->num_parts, part_cols, row, &dir, err);
            if (status == FF_OK) {
                entry->a = (int64_t)ctx->num_part_dirs;
                ctx->part_dirs[ctx->num_part_dirs] =
                    ff_strndup((const char *)dir.data, dir.len, err);
                if (!ctx->part_dirs[ctx->num_part_dirs++])
                    status = FF_ERR_NO_MEMORY;
            }
        }
        if (status == FF_OK)
            ctx->part_of_row[row] = entry->a;
    }
    ff_buf_free(&dir);
    if (status != FF_OK)
        goto cleanup;
    /* One directory per partition, not per row, from here on. */
    char **dirs = ff_realloc(ctx->part_dirs, (ctx->num_part_dirs + 1) * sizeof *dirs, "input", err);
    if (!dirs) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    ctx->part_dirs = dirs;
    /* Existing directories keep their spelling on disk; count each partition's files. */
    ctx->part_files = ff_calloc(ctx->num_part_dirs + 1, sizeof *ctx->part_files, "input", err);
    ctx->part_inserted = ff_calloc(ctx->num_part_dirs + 1, sizeof(bool), "input", err);
    if (!ctx->part_files || !ctx->part_inserted) {
        status = FF_ERR_NO_MEMORY;
        goto cleanup;
    }
    for (size_t file_idx = 0; file_idx < discovery->num_files; file_idx++) {
        const ff_dataset_file *file = &discovery->files[file_idx];
        FF_CHECK_GOTO(status, file_pkey(ctx, file, &ctx->key, err), cleanup);
        ops_keymap_entry *entry = ops_keymap_find(&ctx->parts, ctx->key.data, ctx->key.len);
        if (entry)
            ctx->part_files[entry->a]++;
        if (entry && !entry->b) {
            entry->b = 1;
            char *copy = ff_strndup(file->partition_dir, strlen(file->partition_dir), err);
            if (!copy) {
                status = FF_ERR_NO_MEMORY;
                goto cleanup;
            }
            free(ctx->part_dirs[entry->a]);
            ctx->part_dirs[entry->a] = copy;
        }
    }
    FF_CHECK_GOTO(status, build_index(ctx, is_selected, err), cleanup);
    FF_CHECK_GOTO(status, build_insert_nulls(ctx, global, err), cleanup);
    /* A large input's other columns are set aside on a second thread while this one builds the
     * pruning structures from the key columns: both only read the index and the keys, and the
     * spill touches no key column. */
    side_job spill_job;
    bool is_spilling = input_is_large(ctx);
    if (is_spilling)
        side_job_start(&spill_job, run_spill_input, ctx);
    status = build_ranges(ctx, err);
    if (status == FF_OK)
        status = build_part_filters(ctx, err);
    if (is_spilling)
        side_job_finish(&spill_job, &status, err);
    if (status != FF_OK)
        goto cleanup;
    /* Partition numbers of rows are in the index from here on. */
    free(ctx->part_of_row);
    ctx->part_of_row = NULL;
cleanup:
    free(is_selected);
    for (size_t idx = 0; sources && idx < num_sources; idx++) {
        ff_batch_free(&sources[idx].rows);
        ff_reader_free(sources[idx].reader);
    }
    free(sources);
    ff_discovery_free(input_disc);
    ff_dataset_close(input_ds);
    return status;
}

static void upsert_file_free(upsert_ctx *ctx, upsert_file *state) {
    if (!state)
        return;
    for (int32_t idx = 0; state->casts && idx < ctx->num_update; idx++)
        ff_expr_free(state->casts[idx]);
    free(state->casts);
    free(state->key_eval);
    free(state->update_eval);
    free(state->update_out);
    ff_buf_free(&state->pkey);
    ff_buf_free(&state->key);
    ff_batch_free(&state->sub);
    for (int32_t u = 0; state->results && u < ctx->num_update; u++) {
        ff_vector_free(&state->results[u]);
        ff_vector_free(&state->merged[u]);
    }
    free(state->results);
    free(state->merged);
    free(state->pairs_file);
    free(state->pairs_in);
    free(state->found_at);
    free(state->found_len);
    free(state->found_file);
    free(state->found_in);
    free(state->hashes);
    free(state->slots);
    free(state->same);
    ff_batch_free(&state->column);
    free(state->changed);
    free(state);
}

/* Only files in partitions the input touches can hold a key of it. */
static bool upsert_file_may_match(void *user, const ff_dataset_file *file) {
    upsert_ctx *ctx = user;
    ff_error ignored;
    ff_error_clear(&ignored);
    if (file_pkey(ctx, file, &ctx->key, &ignored) != FF_OK)
        return true; /* let file_open meet the problem and report it */
    return ops_keymap_find(&ctx->parts, ctx->key.data, ctx->key.len) != NULL;
}

static ff_status upsert_file_open(void *user, ops_engine *engine, ops_file *file,
                                  ops_file_plan *plan, ff_error *err) {
    upsert_ctx *ctx = user;
    (void)engine;
    *plan = OPS_FILE_SKIP;
    ff_buf pkey;
    ff_buf_init(&pkey, 0);
    FF_FORWARD_IF_ERROR(file_pkey(ctx, file->entry, &pkey, err));
    ops_keymap_entry *part = ops_keymap_find(&ctx->parts, pkey.data, pkey.len);
    ff_buf_free(&pkey);
    if (!part)
        return FF_OK;
    upsert_file *state = ff_calloc(1, sizeof *state, "upsert", err);
    if (!state)
        return FF_ERR_NO_MEMORY;
    file->step_state = state;
    state->num_row_groups = ff_reader_num_row_groups(file->reader);
    state->found_at =
        ff_calloc((size_t)state->num_row_groups + 1, sizeof *state->found_at, "upsert", err);
    state->found_len =
        ff_malloc(((size_t)state->num_row_groups + 1) * sizeof *state->found_len, "upsert", err);
    if (!state->found_at || !state->found_len)
        return FF_ERR_NO_MEMORY;
    for (int32_t rg = 0; rg < state->num_row_groups; rg++)
        state->found_len[rg] = -1;
    ff_buf_init(&state->pkey, 0);
    ff_buf_init(&state->key, 0);
    state->results = ff_calloc((size_t)ctx->num_update + 1, sizeof(ff_vector), "upsert", err);
    state->merged = ff_calloc((size_t)ctx->num_update + 1, sizeof(ff_vector), "upsert", err);
    if (!state->results || !state->merged)
        return FF_ERR_NO_MEMORY;
    FF_FORWARD_IF_ERROR(ff_buf_append(&state->pkey, &part->a, 8, err));
    state->part = part->a;
    size_t n = (size_t)ctx->num_update + 1;
    state->key_eval = ff_calloc((size_t)ctx->options->num_keys + 1, sizeof(int32_t), "upsert", err);
    state->update_eval = ff_calloc(n, sizeof(int32_t), "upsert", err);
    state->update_out = ff_calloc(n, sizeof(int32_t), "upsert", err);
    state->casts = ff_calloc(n, sizeof(ff_expr *), "upsert", err);
    state->changed = ff_calloc(n, sizeof(bool), "upsert", err);
    if (!state->key_eval || !state->update_eval || !state->update_out || !state->casts ||
        !state->changed)
        return FF_ERR_NO_MEMORY;
    file->num_probe = 0;
    for (int32_t k = 0; k < ctx->options->num_keys; k++)
        state->key_eval[k] = file->global_to_eval[ctx->key_global[k]];
    for (int32_t m = 0; m < ctx->num_match_keys; m++)
        file->probe[file->num_probe++] = state->key_eval[ctx->match_keys[m]];
    ff_buf quoted;
    ff_buf_init(&quoted, 0);
    ff_status status = FF_OK;
    for (int32_t u = 0; u < ctx->num_update && status == FF_OK; u++) {
        int32_t g = ctx->update_global[u];
        int32_t eval_idx = file->global_to_eval[g];
        state->update_eval[u] = eval_idx;
        if (eval_idx < file->num_file_columns) {
            state->update_out[u] = eval_idx;
        } else {
            state->update_out[u] = file->num_file_columns + file->num_out_extra;
            file->out_extra[file->num_out_extra++] = g;
        }
        ff_expr_options eopts;
        ff_expr_options_init(&eopts);
        eopts.target_type = &file->eval.fields[eval_idx].type;
        eopts.target_name = file->eval.fields[eval_idx].name;
        status = ops_quote_name(file->eval.fields[eval_idx].name, &quoted, err);
        if (status == FF_OK)
            status = ff_expr_compile((const char *)quoted.data, &ctx->in_table, &eopts,
                                     &state->casts[u], err);
        if (status != FF_OK)
            ff_error_prefix(err, "column '%s'", file->eval.fields[eval_idx].name);
    }
    ff_buf_free(&quoted);
    *plan = OPS_FILE_SCAN;
    return status;
}

/* Does row `row` of a file's batch have the key of input row in_row? */
static bool file_key_equal(const upsert_ctx *ctx, const upsert_file *state, const ff_batch *batch,
                           int64_t row, uint32_t in_row) {
    for (int32_t m = 0; m < ctx->num_match_keys; m++) {
        int32_t k = ctx->match_keys[m];
        if (!ops_vector_slot_equal(&batch->columns[state->key_eval[k]], row,
                                   &ctx->in.columns[ctx->in_of_global[ctx->key_global[k]]], in_row))
            return false;
    }
    return true;
}

/* Reallocates *array to count elements of `size` bytes. */
static ff_status grow_to(void **array, size_t count, size_t size, ff_error *err) {
    void *grown = ff_realloc(*array, count * size, "matches", err);
    if (!grown)
        return FF_ERR_NO_MEMORY;
    *array = grown;
    return FF_OK;
}

/* Finds the matches of a batch: pairs (row in batch, input row). */
static ff_status find_matches(upsert_ctx *ctx, ops_file *file, const ff_batch *batch,
                              int64_t *num_pairs, ff_error *err) {
    upsert_file *state = file->step_state;
    size_t rows = (size_t)batch->num_rows;
    if (state->pairs_cap < rows) {
        FF_FORWARD_IF_ERROR(grow_to((void **)&state->pairs_file, rows, sizeof(uint32_t), err));
        FF_FORWARD_IF_ERROR(grow_to((void **)&state->pairs_in, rows, sizeof(uint32_t), err));
        FF_FORWARD_IF_ERROR(grow_to((void **)&state->hashes, rows, sizeof(uint64_t), err));
        FF_FORWARD_IF_ERROR(grow_to((void **)&state->slots, rows, sizeof(uint32_t), err));
        FF_FORWARD_IF_ERROR(grow_to((void **)&state->same, rows, sizeof(bool), err));
        state->pairs_cap = rows;
    }
    *num_pairs = 0;
    for (int32_t m = 0; m < ctx->num_match_keys; m++)
        ops_key_hash_column(&batch->columns[state->key_eval[ctx->match_keys[m]]], (int64_t)rows,
                            state->hashes, m == 0);
    const key_slot *first = ctx->index + ctx->part_first[state->part];
    const key_slot *end = ctx->index + ctx->part_first[state->part + 1];
    for (size_t row = 0; row < rows; row++) {
        uint64_t hash = state->hashes[row];
        if (!part_filter_may_hold(ctx, state->part, hash))
            continue;
        const key_slot *lo = first, *hi = end;
        while (lo < hi) {
            const key_slot *mid = lo + (hi - lo) / 2;
            if (mid->hash < hash)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < end && lo->hash == hash; lo++) {
            if (!file_key_equal(ctx, state, batch, (int64_t)row, lo->row))
                continue;
            state->pairs_file[*num_pairs] = (uint32_t)row;
            state->pairs_in[*num_pairs] = lo->row;
            (*num_pairs)++;
            break;
        }
    }
    return FF_OK;
}

/* Evaluates the update columns for the matched input rows, cast to this file's types. */
static ff_status eval_updates(upsert_ctx *ctx, ops_engine *engine, upsert_file *state,
                              int64_t num_pairs, ff_error *err) {
    const ff_batch *input = NULL;
    FF_FORWARD_IF_ERROR(part_input(ctx, engine, state->part, &input, err));
    for (int64_t pair = 0; pair < num_pairs; pair++)
        state->slots[pair] = input_slot(ctx, state->pairs_in[pair]);
    if (state->sub.num_columns != ctx->in.num_columns) {
        ff_batch_free(&state->sub);
        FF_FORWARD_IF_ERROR(ff_batch_init(&state->sub, ctx->in.num_columns, err));
    }
    for (int32_t col = 0; col < ctx->in.num_columns; col++) {
        ff_vector_reset(&state->sub.columns[col]);
        state->sub.columns[col].type = ctx->in.columns[col].type;
    }
    for (int32_t u = 0; u < ctx->num_update; u++) {
        int32_t col = ctx->in_of_global[ctx->update_global[u]];
        FF_FORWARD_IF_ERROR(ops_vector_append(&state->sub.columns[col], &input->columns[col],
                                              state->slots, num_pairs, err));
    }
    state->sub.num_rows = num_pairs;
    for (int32_t u = 0; u < ctx->num_update; u++)
        FF_FORWARD_IF_ERROR(
            ff_expr_evaluate(state->casts[u], &state->sub, &state->results[u], err));
    return FF_OK;
}

/* Keeps row group rg's matches (pairs_*[0 .. num_pairs)) for the rewrite. */
static ff_status keep_found(upsert_file *state, int32_t rg, int64_t num_pairs, ff_error *err) {
    if (rg < 0 || rg >= state->num_row_groups)
        return FF_OK;
    size_t need = state->num_found + (size_t)num_pairs;
    if (need > state->found_cap) {
        size_t cap = state->found_cap ? state->found_cap : 256;
        while (cap < need)
            cap *= 2;
        FF_FORWARD_IF_ERROR(grow_to((void **)&state->found_file, cap, sizeof(uint32_t), err));
        FF_FORWARD_IF_ERROR(grow_to((void **)&state->found_in, cap, sizeof(uint32_t), err));
        state->found_cap = cap;
    }
    if (num_pairs > 0) {
        memcpy(state->found_file + state->num_found, state->pairs_file,
               (size_t)num_pairs * sizeof(uint32_t));
        memcpy(state->found_in + state->num_found, state->pairs_in,
               (size_t)num_pairs * sizeof(uint32_t));
    }
    state->found_at[rg] = (int64_t)state->num_found;
    state->found_len[rg] = num_pairs;
    state->num_found = need;
    return FF_OK;
}

static ff_status upsert_count(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                              int64_t first_row, const ff_batch *batch, int64_t *num_affected,
                              ff_error *err) {
    (void)first_row;
    upsert_ctx *ctx = user;
    upsert_file *state = file->step_state;
    int64_t num_pairs = 0;
    FF_FORWARD_IF_ERROR(find_matches(ctx, file, batch, &num_pairs, err));
    FF_FORWARD_IF_ERROR(keep_found(state, rg, num_pairs, err));
    *num_affected = 0;
    if (num_pairs == 0)
        return FF_OK;
    FF_FORWARD_IF_ERROR(eval_updates(ctx, engine, state, num_pairs, err));
    /* The probe holds the keys only: each update column is decoded on its own here, compared
     * and let go, so a row group's memory is its keys plus one column, not every column an
     * upsert may set. The rewrite decodes again only the columns that change. */
    for (int64_t pair = 0; pair < num_pairs; pair++)
        state->same[pair] = true;
    if (!state->column.columns)
        FF_FORWARD_IF_ERROR(ff_batch_init(&state->column, 0, err));
    for (int32_t u = 0; u < ctx->num_update; u++) {
        int32_t eval_idx = state->update_eval[u];
        const ff_vector *old = &batch->columns[eval_idx];
        if (eval_idx < file->num_file_columns) {
            FF_FORWARD_IF_ERROR(
                ff_reader_read_row_group(file->reader, rg, &eval_idx, 1, &state->column, err));
            old = &state->column.columns[0];
        }
        for (int64_t pair = 0; pair < num_pairs; pair++) {
            if (!ops_vector_slot_equal(old, state->pairs_file[pair], &state->results[u], pair)) {
                state->same[pair] = false;
                state->changed[u] = true;
            }
        }
    }
    for (int64_t pair = 0; pair < num_pairs; pair++) {
        ctx->matched[state->pairs_in[pair]] = true;
        if (state->same[pair]) {
            file->stats->rows_unchanged++;
        } else {
            file->stats->rows_updated++;
            (*num_affected)++;
        }
    }
    return FF_OK;
}

static ff_status upsert_transform(void *user, ops_engine *engine, ops_file *file, int32_t rg,
                                  int64_t first_row, const ff_batch *batch, ff_error *err) {
    (void)first_row;
    upsert_ctx *ctx = user;
    upsert_file *state = file->step_state;
    ff_batch *out = NULL;
    FF_FORWARD_IF_ERROR(ops_output_view(engine, file, batch, &out, err));
    int64_t num_pairs = 0;
    if (rg < state->num_row_groups && state->found_len[rg] >= 0) {
        /* pairs_* were grown to this row group's rows when the scan counted it. */
        num_pairs = state->found_len[rg];
        size_t at = (size_t)state->found_at[rg];
        if (num_pairs > 0) {
            memcpy(state->pairs_file, state->found_file + at, (size_t)num_pairs * sizeof(uint32_t));
            memcpy(state->pairs_in, state->found_in + at, (size_t)num_pairs * sizeof(uint32_t));
        }
    } else {
        FF_FORWARD_IF_ERROR(find_matches(ctx, file, batch, &num_pairs, err));
    }
    if (num_pairs > 0) {
        FF_FORWARD_IF_ERROR(eval_updates(ctx, engine, state, num_pairs, err));
        for (int32_t u = 0; u < ctx->num_update; u++) {
            if (!state->changed[u])
                continue; /* every match holds this column's new value already */
            const ff_vector *old_vec = &batch->columns[state->update_eval[u]];
            FF_FORWARD_IF_ERROR(ops_vector_merge(&state->merged[u], old_vec, &state->results[u],
                                                 state->pairs_file, num_pairs, err));
            state->merged[u].type = old_vec->type;
            out->columns[state->update_out[u]] = state->merged[u];
        }
    }
    return ops_emit(engine, file, out, NULL, batch->num_rows, NULL, err);
}

/* Matched rows are updated where they are (inserts go to new files), so a file whose schema
 * does not grow keeps the encoded pages of every column no match changes: only the keys (to
 * find the matches again) and the changed columns are decoded, and only the latter encoded. */
static bool upsert_keeps_rows_in_place(void *user, ops_file *file, bool *reads, bool *writes) {
    upsert_ctx *ctx = user;
    upsert_file *state = file->step_state;
    if (file->num_out_extra > 0)
        return false;
    bool needs_keys = false;
    for (int32_t rg = 0; rg < state->num_row_groups; rg++)
        needs_keys = needs_keys || state->found_len[rg] < 0;
    for (int32_t m = 0; m < ctx->num_match_keys && needs_keys; m++)
        if (state->key_eval[ctx->match_keys[m]] < file->num_file_columns)
            reads[state->key_eval[ctx->match_keys[m]]] = true;
    for (int32_t u = 0; u < ctx->num_update; u++)
        if (state->changed[u])
            reads[state->update_eval[u]] = writes[state->update_eval[u]] = true;
    return true;
}

static void upsert_file_close(void *user, ops_file *file) {
    upsert_file_free(user, file->step_state);
    file->step_state = NULL;
}

/* Inserts the rows of partition `part` that matched nothing, in input order: from a worker
 * into its own output of the directory (is_worker), or at the finish. */
static ff_status insert_part(upsert_ctx *ctx, ops_engine *engine, size_t part, bool is_worker,
                             ff_error *err) {
    size_t count_max = (size_t)(ctx->part_first[part + 1] - ctx->part_first[part]);
    if (count_max == 0)
        return FF_OK;
    ops_schema *global = ops_engine_schema(engine);
    uint32_t *rows = ff_malloc(count_max * sizeof *rows, "insert", err);
    ff_vector *columns = ff_calloc((size_t)global->num_fields + 1, sizeof *columns, "insert", err);
    ff_status status = rows && columns ? FF_OK : FF_ERR_NO_MEMORY;
    int64_t count = 0;
    for (int64_t idx = ctx->part_first[part]; idx < ctx->part_first[part + 1]; idx++)
        if (rows && !ctx->matched[ctx->index[idx].row])
            rows[count++] = ctx->index[idx].row;
    const ff_batch *input = NULL;
    if (status == FF_OK && count > 0)
        status = part_input(ctx, engine, (int64_t)part, &input, err);
    if (status == FF_OK && count > 0)
        status = sort_rows(rows, (size_t)count, err);
    if (status == FF_OK && count > 0) {
        for (int64_t idx = 0; idx < count; idx++)
            rows[idx] = input_slot(ctx, rows[idx]);
        ff_batch view = {
            .columns = columns, .num_columns = global->num_fields, .num_rows = input->num_rows};
        for (int32_t g = 0; g < global->num_fields; g++)
            columns[g] = ctx->in_of_global[g] >= 0 ? input->columns[ctx->in_of_global[g]]
                                                   : ctx->insert_nulls[g];
        status = is_worker
                     ? ops_emit_new_here(engine, &view, rows, count, ctx->part_dirs[part], err)
                     : ops_emit_new(engine, &view, rows, count, ctx->part_dirs[part], err);
    }
    if (status == FF_OK) {
        ops_engine_stats(engine)->rows_inserted += count;
        ops_engine_count(engine, 0, count);
    }
    free(rows);
    free(columns);
    return status;
}

/* A worker has read every file of an existing partition: its inserts are known and are
 * written by the same worker. A partition whose files are split over several directories (two
 * spellings of one value) waits for upsert_finish, when all of them have been read. */
static ff_status upsert_unit_end(void *user, ops_engine *engine, const ff_dataset_file *files,
                                 size_t num_files, ff_error *err) {
    upsert_ctx *ctx = user;
    ff_buf pkey;
    ff_buf_init(&pkey, 0);
    ff_status status = file_pkey(ctx, &files[0], &pkey, err);
    ops_keymap_entry *part =
        status == FF_OK ? ops_keymap_find(&ctx->parts, pkey.data, pkey.len) : NULL;
    ff_buf_free(&pkey);
    if (!part || ctx->part_files[part->a] != (int64_t)num_files)
        return status;
    FF_FORWARD_IF_ERROR(insert_part(ctx, engine, (size_t)part->a, true, err));
    ctx->part_inserted[part->a] = true;
    return FF_OK;
}

/* Inserts the rows no worker has written: new partitions, and split ones. */
static ff_status upsert_finish(void *user, ops_engine *engine, ff_error *err) {
    upsert_ctx *ctx = user;
    ff_status status = FF_OK;
    for (size_t part = 0; part < ctx->num_part_dirs && status == FF_OK; part++)
        if (!ctx->part_inserted[part])
            status = insert_part(ctx, engine, part, false, err);
    return status;
}

ff_status ff_dataset_upsert(const char *root, const ff_upsert_options *options, ff_ops_stats *stats,
                            ff_error *err) {
    if (options->num_keys <= 0)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "upsert needs --key");
    if (!options->from_path && !options->from_data)
        return ff_error_set(err, FF_ERR_INVALID_ARGUMENT, "upsert needs --from");
    upsert_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.options = options;
    ctx.stats = stats;
    ops_schema_init(&ctx.in_schema);
    ops_keymap_init(&ctx.parts);
    ff_buf_init(&ctx.key, 0);
    ff_buf_init(&ctx.text, 0);
    for (int idx = 0; idx < OPS_MAX_WORKERS; idx++)
        ctx.caches[idx].part = -1;
    static const ops_step step = {
        .op = "upsert",
        .file_may_match = upsert_file_may_match,
        .file_open = upsert_file_open,
        .row_group_may_match = upsert_row_group_may_match,
        .keeps_rows_in_place = upsert_keeps_rows_in_place,
        .count = upsert_count,
        .transform = upsert_transform,
        .file_close = upsert_file_close,
        .unit_end = upsert_unit_end,
        .finish = upsert_finish,
    };
    ff_status status =
        ops_run_step(root, &options->common, &step, &ctx, true, true, upsert_prepare, stats, err);
    ops_schema_free(&ctx.in_schema);
    ff_batch_free(&ctx.in);
    free(ctx.in_of_global);
    free(ctx.keep);
    free(ctx.matched);
    free(ctx.part_of_row);
    for (size_t idx = 0; ctx.part_dirs && idx < ctx.num_part_dirs; idx++)
        free(ctx.part_dirs[idx]);
    free(ctx.part_dirs);
    free(ctx.part_global);
    free(ctx.key_global);
    free(ctx.match_keys);
    free(ctx.update_global);
    free_ranges(&ctx);
    free_part_filters(&ctx);
    ops_keymap_free(&ctx.parts);
    free(ctx.index);
    free(ctx.part_first);
    for (int32_t g = 0; ctx.insert_nulls && g < ctx.num_insert_nulls; g++)
        ff_vector_free(&ctx.insert_nulls[g]);
    free(ctx.insert_nulls);
    for (int idx = 0; idx < OPS_MAX_WORKERS; idx++)
        ff_batch_free(&ctx.caches[idx].batch);
    ops_spill_free(ctx.spill);
    free(ctx.part_block);
    free(ctx.slot_of_row);
    free(ctx.part_files);
    free(ctx.part_inserted);
    ff_buf_free(&ctx.key);
    ff_buf_free(&ctx.text);
    return status;
}
