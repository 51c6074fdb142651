/* `fluxforge inspect PATH [--json] [--threads N]`: what a file or a dataset holds.
 *
 * For a file: size, writer, rows, row groups, key/value metadata, and per column chunk its
 * type, codec, encodings, value and null counts, sizes and min/max statistics (rendered in
 * the canonical value form). For a dataset directory: the partitions (the name=value
 * directories files sit in), files, rows and bytes per partition, and the small-file report
 * that compaction works from: partitions holding 10 or more files and files under 20 MB.
 * Only footers are read, a dataset's on --threads threads (ff_read_footers; the output does
 * not depend on the count). --json prints the same as one JSON object. */
#include "cli/cli.h"
#include "cli/cli_common.h"

#include "parquet/compress/codec.h"
#include "parquet/file/value_text.h"
#include "parquet/schema/schema.h"
#include "parquet/thrift/metadata.h"

#include <fluxforge/ops.h>
#include <fluxforge/reader.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_FILE_BYTES (20 * 1024 * 1024)
#define MANY_FILES       10
#define STAT_TEXT_MAX    32

static const char *encoding_name(int32_t encoding) {
    switch (encoding) {
    case FF_ENC_PLAIN:
        return "PLAIN";
    case FF_ENC_PLAIN_DICTIONARY:
        return "PLAIN_DICTIONARY";
    case FF_ENC_RLE:
        return "RLE";
    case FF_ENC_BIT_PACKED:
        return "BIT_PACKED";
    case FF_ENC_DELTA_BINARY_PACKED:
        return "DELTA_BINARY_PACKED";
    case FF_ENC_DELTA_LENGTH_BYTE_ARRAY:
        return "DELTA_LENGTH_BYTE_ARRAY";
    case FF_ENC_DELTA_BYTE_ARRAY:
        return "DELTA_BYTE_ARRAY";
    case FF_ENC_RLE_DICTIONARY:
        return "RLE_DICTIONARY";
    case FF_ENC_BYTE_STREAM_SPLIT:
        return "BYTE_STREAM_SPLIT";
    }
    return NULL;
}

static void put_str(ff_text_sink *out, const char *text) {
    ff_text_sink_puts(out, text);
}

static void put_json_str(ff_text_sink *out, const char *text) {
    ff_text_json_string(out, (const uint8_t *)text, strlen(text));
}

static void put_fmt(ff_text_sink *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(ff_text_sink *out, const char *fmt, ...) {
    char text[1024];
    va_list args;
    va_start(args, fmt);
    int len = vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    if (len > 0)
        ff_text_sink_put(out, text, (size_t)len < sizeof text ? (size_t)len : sizeof text - 1);
}

static void format_bytes(char *out, size_t cap, int64_t bytes) {
    if (bytes < 1024)
        snprintf(out, cap, "%" PRId64 " B", bytes);
    else if (bytes < 1024 * 1024)
        snprintf(out, cap, "%.1f KiB", (double)bytes / 1024);
    else if (bytes < (int64_t)1024 * 1024 * 1024)
        snprintf(out, cap, "%.1f MiB", (double)bytes / (1024 * 1024));
    else
        snprintf(out, cap, "%.2f GiB", (double)bytes / (1024.0 * 1024 * 1024));
}

/* The canonical text of a statistics value into a scratch sink; cut for the table view. */
static void stat_text(ff_text_sink *scratch, const ff_type *type, const uint8_t *value, size_t len,
                      bool cut, char *out, size_t cap) {
    ff_text_sink_reset(scratch);
    ff_text_value(scratch, type, value, len);
    size_t text_len = scratch->buf.len;
    if (cut && text_len > STAT_TEXT_MAX)
        text_len = STAT_TEXT_MAX;
    if (text_len >= cap)
        text_len = cap - 1;
    if (text_len)
        memcpy(out, scratch->buf.data, text_len);
    out[text_len] = '\0';
    if (cut && scratch->buf.len > STAT_TEXT_MAX && cap > STAT_TEXT_MAX + 4)
        strcat(out, "...");
}

/* Encodings of a chunk as "A,B,C". */
static void encodings_text(const ff_pq_column_metadata *meta, char *out, size_t cap) {
    size_t used = 0;
    out[0] = '\0';
    for (int32_t enc_idx = 0; enc_idx < meta->num_encodings; enc_idx++) {
        const char *name = encoding_name(meta->encodings[enc_idx]);
        char number[16];
        if (!name) {
            snprintf(number, sizeof number, "%d", meta->encodings[enc_idx]);
            name = number;
        }
        int written = snprintf(out + used, cap - used, "%s%s", enc_idx ? "," : "", name);
        if (written < 0 || (size_t)written >= cap - used)
            break;
        used += (size_t)written;
    }
}

static const char *codec_text(int32_t codec, char *buf, size_t cap) {
    const char *name = ff_codec_name(codec);
    if (name)
        return name;
    snprintf(buf, cap, "%d", codec);
    return buf;
}

static void inspect_file_json(ff_reader *reader, ff_text_sink *out) {
    const ff_pq_file_metadata *md = ff_reader_metadata(reader);
    const ff_schema *schema = ff_reader_schema(reader);
    put_str(out, "{\"file\":");
    put_json_str(out, ff_reader_name(reader));
    put_fmt(out, ",\"bytes\":%" PRId64 ",\"created_by\":", ff_reader_file_size(reader));
    if (md->created_by)
        put_json_str(out, md->created_by);
    else
        put_str(out, "null");
    put_fmt(out, ",\"num_rows\":%" PRId64 ",\"num_row_groups\":%d,\"num_columns\":%d",
            ff_reader_num_rows(reader), md->num_row_groups, schema->num_leaves);
    put_str(out, ",\"key_value_metadata\":[");
    for (int32_t kv_idx = 0; kv_idx < ff_reader_num_key_values(reader); kv_idx++) {
        const char *key;
        const uint8_t *value;
        size_t value_len;
        ff_reader_key_value(reader, kv_idx, &key, &value, &value_len);
        put_str(out, kv_idx ? ",{\"key\":" : "{\"key\":");
        put_json_str(out, key ? key : "");
        put_str(out, ",\"value\":");
        if (value)
            ff_text_json_string(out, value, value_len);
        else
            put_str(out, "null");
        put_str(out, "}");
    }
    put_str(out, "],\"columns\":[");
    for (int32_t leaf_idx = 0; leaf_idx < schema->num_leaves; leaf_idx++) {
        char path[512], type_text[512];
        ff_schema_node_path(schema->leaves[leaf_idx], path, sizeof path);
        ff_schema_node_type_text(schema->leaves[leaf_idx], type_text, sizeof type_text);
        put_str(out, leaf_idx ? ",{\"path\":" : "{\"path\":");
        put_json_str(out, path);
        put_str(out, ",\"type\":");
        put_json_str(out, type_text);
        put_str(out, "}");
    }
    put_str(out, "],\"row_groups\":[");
    for (int32_t rg_idx = 0; rg_idx < md->num_row_groups; rg_idx++) {
        const ff_pq_row_group *rg = &md->row_groups[rg_idx];
        put_fmt(out, "%s{\"num_rows\":%" PRId64 ",\"total_byte_size\":%" PRId64 ",\"columns\":[",
                rg_idx ? "," : "", rg->num_rows, rg->total_byte_size);
        for (int32_t col_idx = 0; col_idx < rg->num_columns; col_idx++) {
            const ff_pq_column_chunk *chunk = &rg->columns[col_idx];
            const ff_pq_column_metadata *meta = &chunk->meta_data;
            const ff_schema_node *leaf = schema->leaves[col_idx];
            char path[512], codec_buf[16];
            ff_schema_node_path(leaf, path, sizeof path);
            put_str(out, col_idx ? ",{\"path\":" : "{\"path\":");
            put_json_str(out, path);
            put_str(out, ",\"codec\":");
            put_json_str(out, codec_text(meta->codec, codec_buf, sizeof codec_buf));
            put_str(out, ",\"encodings\":[");
            for (int32_t enc_idx = 0; enc_idx < meta->num_encodings; enc_idx++) {
                const char *name = encoding_name(meta->encodings[enc_idx]);
                if (enc_idx)
                    put_str(out, ",");
                if (name)
                    put_json_str(out, name);
                else
                    put_fmt(out, "%d", meta->encodings[enc_idx]);
            }
            put_fmt(out,
                    "],\"num_values\":%" PRId64 ",\"compressed_bytes\":%" PRId64
                    ",\"uncompressed_bytes\":%" PRId64,
                    meta->num_values, meta->total_compressed_size, meta->total_uncompressed_size);
            ff_column_stats stats;
            ff_error err;
            ff_reader_column_stats(reader, rg_idx, col_idx, &stats, &err);
            put_str(out, ",\"null_count\":");
            if (stats.has_null_count)
                put_fmt(out, "%" PRId64, stats.null_count);
            else
                put_str(out, "null");
            put_str(out, ",\"min\":");
            if (stats.has_min_max) {
                ff_text_value(out, &leaf->type, stats.min, stats.min_len);
                put_str(out, ",\"max\":");
                ff_text_value(out, &leaf->type, stats.max, stats.max_len);
            } else {
                put_str(out, "null,\"max\":null");
            }
            put_fmt(out, ",\"has_dictionary\":%s,\"has_page_index\":%s,\"has_bloom_filter\":%s}",
                    meta->has_dictionary_page_offset && meta->dictionary_page_offset > 0 ? "true"
                                                                                         : "false",
                    chunk->has_offset_index ? "true" : "false",
                    meta->has_bloom_filter_offset ? "true" : "false");
        }
        put_str(out, "]}");
    }
    put_str(out, "]}\n");
}

static void inspect_file_text(ff_reader *reader, ff_text_sink *out, ff_text_sink *scratch) {
    const ff_pq_file_metadata *md = ff_reader_metadata(reader);
    const ff_schema *schema = ff_reader_schema(reader);
    char size_text[32];
    format_bytes(size_text, sizeof size_text, ff_reader_file_size(reader));
    put_fmt(out, "file         %s\n", ff_reader_name(reader));
    put_fmt(out, "size         %" PRId64 " bytes (%s)\n", ff_reader_file_size(reader), size_text);
    put_fmt(out, "created by   %s\n", md->created_by ? md->created_by : "(unknown)");
    put_fmt(out, "rows         %" PRId64 "\n", ff_reader_num_rows(reader));
    put_fmt(out, "row groups   %d\n", md->num_row_groups);
    put_fmt(out, "columns      %d\n", schema->num_leaves);
    for (int32_t kv_idx = 0; kv_idx < ff_reader_num_key_values(reader); kv_idx++) {
        const char *key;
        const uint8_t *value;
        size_t value_len;
        ff_reader_key_value(reader, kv_idx, &key, &value, &value_len);
        put_fmt(out, "metadata     %s = ", key ? key : "");
        if (value && value_len > 60)
            put_fmt(out, "(%zu bytes)\n", value_len);
        else if (value)
            put_fmt(out, "%.*s\n", (int)value_len, (const char *)value);
        else
            put_str(out, "(no value)\n");
    }
    for (int32_t rg_idx = 0; rg_idx < md->num_row_groups; rg_idx++) {
        const ff_pq_row_group *rg = &md->row_groups[rg_idx];
        int64_t compressed = 0;
        for (int32_t col_idx = 0; col_idx < rg->num_columns; col_idx++)
            compressed += rg->columns[col_idx].meta_data.total_compressed_size;
        put_fmt(out,
                "\nrow group %d: %" PRId64 " rows, %" PRId64 " bytes compressed, %" PRId64
                " uncompressed\n",
                rg_idx, rg->num_rows, compressed, rg->total_byte_size);
        put_fmt(out, "  %-24s %-34s %-12s %-28s %10s %8s %12s %12s  %s\n", "column", "type",
                "codec", "encodings", "values", "nulls", "compressed", "uncompressed",
                "min .. max");
        for (int32_t col_idx = 0; col_idx < rg->num_columns; col_idx++) {
            const ff_pq_column_metadata *meta = &rg->columns[col_idx].meta_data;
            const ff_schema_node *leaf = schema->leaves[col_idx];
            char path[512], type_text[512], encodings[256], codec_buf[16], nulls[32];
            char min_text[64], max_text[64];
            ff_schema_node_path(leaf, path, sizeof path);
            ff_schema_node_type_text(leaf, type_text, sizeof type_text);
            encodings_text(meta, encodings, sizeof encodings);
            ff_column_stats stats;
            ff_error err;
            ff_reader_column_stats(reader, rg_idx, col_idx, &stats, &err);
            if (stats.has_null_count)
                snprintf(nulls, sizeof nulls, "%" PRId64, stats.null_count);
            else
                snprintf(nulls, sizeof nulls, "-");
            put_fmt(out, "  %-24s %-34s %-12s %-28s %10" PRId64 " %8s %12" PRId64 " %12" PRId64,
                    path, type_text, codec_text(meta->codec, codec_buf, sizeof codec_buf),
                    encodings, meta->num_values, nulls, meta->total_compressed_size,
                    meta->total_uncompressed_size);
            if (stats.has_min_max) {
                stat_text(scratch, &leaf->type, stats.min, stats.min_len, true, min_text,
                          sizeof min_text);
                stat_text(scratch, &leaf->type, stats.max, stats.max_len, true, max_text,
                          sizeof max_text);
                put_fmt(out, "  %s .. %s", min_text, max_text);
            }
            put_str(out, "\n");
        }
    }
}

/* ---- datasets ---- */

typedef struct partition_info {
    const ff_dataset_file *first; /* its first file: directory and decoded values */
    int64_t files, rows, bytes;
} partition_info;

/* {"col":"value",...} from discovery's decoded values (NULL for the default partition). */
static void put_partition_values_json(ff_text_sink *out, const ff_discovery *discovery,
                                      const ff_dataset_file *file) {
    put_str(out, "{");
    for (size_t col_idx = 0; col_idx < discovery->num_partition_columns; col_idx++) {
        if (col_idx)
            put_str(out, ",");
        put_json_str(out, discovery->partition_columns[col_idx]);
        put_str(out, ":");
        const ff_partition_value *value = &file->values[col_idx];
        if (value->is_null)
            put_str(out, "null");
        else
            ff_text_json_string(out, value->bytes ? value->bytes : (const uint8_t *)"", value->len);
    }
    put_str(out, "}");
}

/* The facts inspect keeps of each file's footer. */
typedef struct file_facts {
    int64_t *rows;
    int64_t *bytes;
} file_facts;

static ff_status keep_facts(void *user, size_t file_idx, ff_reader *reader, ff_error *err) {
    (void)err;
    file_facts *facts = user;
    facts->rows[file_idx] = ff_reader_num_rows(reader);
    facts->bytes[file_idx] = ff_reader_file_size(reader);
    return FF_OK;
}

static int inspect_dataset(const char *root, const ff_cli_files *files, bool json, int32_t threads,
                           ff_text_sink *out) {
    int exit_code = FF_EXIT_OK;
    partition_info *parts = calloc(files->count + 1, sizeof *parts);
    int64_t *file_bytes = calloc(files->count + 1, sizeof(int64_t));
    int64_t *file_rows = calloc(files->count + 1, sizeof(int64_t));
    size_t num_parts = 0;
    int64_t total_rows = 0, total_bytes = 0;
    if (!parts || !file_bytes || !file_rows) {
        ff_cli_error("out of memory");
        exit_code = FF_EXIT_USAGE;
        goto cleanup;
    }
    ff_error err;
    ff_error_clear(&err);
    file_facts facts = {file_rows, file_bytes};
    if (ff_read_footers((const char *const *)files->paths, files->count, threads, keep_facts,
                        &facts, &err) != FF_OK) {
        ff_cli_error("%s", err.message);
        exit_code = FF_EXIT_USAGE;
        goto cleanup;
    }
    for (size_t file_idx = 0; file_idx < files->count; file_idx++) {
        int64_t rows = file_rows[file_idx];
        int64_t bytes = file_bytes[file_idx];
        const ff_dataset_file *file = &files->discovery->files[file_idx];
        /* Discovery sorts by path, so a partition's files are adjacent. */
        if (num_parts == 0 ||
            strcmp(parts[num_parts - 1].first->partition_dir, file->partition_dir) != 0)
            parts[num_parts++].first = file;
        partition_info *part = &parts[num_parts - 1];
        part->files++;
        part->rows += rows;
        part->bytes += bytes;
        total_rows += rows;
        total_bytes += bytes;
    }
    size_t small_files = 0, crowded = 0;
    for (size_t file_idx = 0; file_idx < files->count; file_idx++)
        small_files += file_bytes[file_idx] < SMALL_FILE_BYTES;
    for (size_t part_idx = 0; part_idx < num_parts; part_idx++)
        crowded += parts[part_idx].files >= MANY_FILES;
    if (json) {
        put_str(out, "{\"dataset\":");
        put_json_str(out, root);
        put_fmt(out,
                ",\"num_files\":%zu,\"num_partitions\":%zu,\"num_rows\":%" PRId64
                ",\"bytes\":%" PRId64 ",\"partitions\":[",
                files->count, num_parts, total_rows, total_bytes);
        for (size_t part_idx = 0; part_idx < num_parts; part_idx++) {
            put_str(out, part_idx ? ",{\"partition\":" : "{\"partition\":");
            put_json_str(out, parts[part_idx].first->partition_dir);
            put_str(out, ",\"values\":");
            put_partition_values_json(out, files->discovery, parts[part_idx].first);
            put_fmt(out, ",\"files\":%" PRId64 ",\"rows\":%" PRId64 ",\"bytes\":%" PRId64 "}",
                    parts[part_idx].files, parts[part_idx].rows, parts[part_idx].bytes);
        }
        put_fmt(out, "],\"small_files\":{\"threshold_bytes\":%d,\"min_files\":%d,",
                SMALL_FILE_BYTES, MANY_FILES);
        put_str(out, "\"partitions_with_many_files\":[");
        bool first = true;
        for (size_t part_idx = 0; part_idx < num_parts; part_idx++)
            if (parts[part_idx].files >= MANY_FILES) {
                if (!first)
                    put_str(out, ",");
                first = false;
                put_json_str(out, parts[part_idx].first->partition_dir);
            }
        put_str(out, "],\"files_under_threshold\":[");
        first = true;
        for (size_t file_idx = 0; file_idx < files->count; file_idx++)
            if (file_bytes[file_idx] < SMALL_FILE_BYTES) {
                if (!first)
                    put_str(out, ",");
                first = false;
                put_fmt(out, "{\"file\":");
                put_json_str(out, files->relative[file_idx]);
                put_fmt(out, ",\"bytes\":%" PRId64 "}", file_bytes[file_idx]);
            }
        put_str(out, "]},\"problems\":[");
        for (size_t problem_idx = 0; problem_idx < files->discovery->num_problems; problem_idx++) {
            if (problem_idx)
                put_str(out, ",");
            put_json_str(out, files->discovery->problems[problem_idx]);
        }
        put_str(out, "]}\n");
        goto cleanup;
    }
    char size_text[32];
    format_bytes(size_text, sizeof size_text, total_bytes);
    put_fmt(out, "dataset      %s\n", root);
    put_fmt(out, "files        %zu\n", files->count);
    put_fmt(out, "partitions   %zu\n", num_parts);
    put_fmt(out, "rows         %" PRId64 "\n", total_rows);
    put_fmt(out, "bytes        %" PRId64 " (%s)\n\n", total_bytes, size_text);
    put_fmt(out, "%-48s %6s %14s %14s\n", "partition", "files", "rows", "bytes");
    for (size_t part_idx = 0; part_idx < num_parts; part_idx++)
        put_fmt(out, "%-48s %6" PRId64 " %14" PRId64 " %14" PRId64 "\n",
                *parts[part_idx].first->partition_dir ? parts[part_idx].first->partition_dir
                                                      : "(root)",
                parts[part_idx].files, parts[part_idx].rows, parts[part_idx].bytes);
    put_fmt(out,
            "\nsmall files: %zu of %zu files are under 20 MB; %zu partitions hold %d or more "
            "files\n",
            small_files, files->count, crowded, MANY_FILES);
    for (size_t part_idx = 0; part_idx < num_parts; part_idx++)
        if (parts[part_idx].files >= MANY_FILES)
            put_fmt(out, "  partition %s: %" PRId64 " files\n",
                    *parts[part_idx].first->partition_dir ? parts[part_idx].first->partition_dir
                                                          : "(root)",
                    parts[part_idx].files);
    for (size_t file_idx = 0; file_idx < files->count; file_idx++)
        if (file_bytes[file_idx] < SMALL_FILE_BYTES) {
            format_bytes(size_text, sizeof size_text, file_bytes[file_idx]);
            put_fmt(out, "  small file %s (%s)\n", files->relative[file_idx], size_text);
        }
    for (size_t problem_idx = 0; problem_idx < files->discovery->num_problems; problem_idx++)
        put_fmt(out, "note: %s\n", files->discovery->problems[problem_idx]);
cleanup:
    free(parts);
    free(file_bytes);
    free(file_rows);
    return exit_code;
}

int ff_cli_inspect(int argc, char **argv) {
    const char *path = NULL;
    bool json = false;
    int64_t threads = 0;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        if (!strcmp(argv[arg_idx], "--json")) {
            json = true;
        } else if (!strcmp(argv[arg_idx], "--threads") && arg_idx + 1 < argc) {
            if (!ff_cli_parse_count(argv[++arg_idx], &threads)) {
                ff_cli_error("inspect: --threads wants a count");
                return FF_EXIT_USAGE;
            }
        } else if (!strcmp(argv[arg_idx], "--help") || !strcmp(argv[arg_idx], "-h")) {
            printf("usage: fluxforge inspect PATH [--json] [--threads N]\n");
            return FF_EXIT_OK;
        } else if (argv[arg_idx][0] == '-' || path) {
            ff_cli_error("usage: fluxforge inspect PATH [--json] [--threads N]");
            return FF_EXIT_USAGE;
        } else {
            path = argv[arg_idx];
        }
    }
    if (!path) {
        ff_cli_error("usage: fluxforge inspect PATH [--json] [--threads N]");
        return FF_EXIT_USAGE;
    }
    ff_cli_files files;
    if (!ff_cli_collect_files(path, &files))
        return FF_EXIT_USAGE;
    ff_error err;
    ff_error_clear(&err);
    ff_text_sink out, scratch;
    ff_text_sink_init(&out, FF_SINK_BUFFER, &err);
    ff_text_sink_init(&scratch, FF_SINK_BUFFER, &err);
    int exit_code = FF_EXIT_OK;
    if (files.is_dir) {
        exit_code = inspect_dataset(path, &files, json, threads > 8 ? 8 : (int32_t)threads, &out);
    } else {
        ff_reader *reader = NULL;
        if (ff_reader_open(path, NULL, &reader, &err) != FF_OK) {
            ff_cli_error("%s", err.message);
            exit_code = FF_EXIT_USAGE;
        } else if (json) {
            inspect_file_json(reader, &out);
        } else {
            inspect_file_text(reader, &out, &scratch);
        }
        ff_reader_free(reader);
    }
    if (exit_code == FF_EXIT_OK && out.status != FF_OK) {
        ff_cli_error("%s", err.message);
        exit_code = FF_EXIT_USAGE;
    }
    if (exit_code == FF_EXIT_OK && out.buf.len)
        fwrite(out.buf.data, 1, out.buf.len, stdout);
    ff_text_sink_free(&out);
    ff_text_sink_free(&scratch);
    ff_cli_files_free(&files);
    return exit_code;
}
