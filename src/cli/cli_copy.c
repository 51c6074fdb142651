/* `fluxforge copy SRC DST`: rewrites a Parquet file, or every Parquet file of a dataset into
 * the same relative layout under DST, through the reader and the writer. It is how users
 * change codec, page version, dictionary use or row-group size, and the simplest end-to-end
 * check of both halves of the format code.
 *
 *   --compression C[:LEVEL]   zstd (default, level 3), snappy, gzip, lz4_raw, brotli, none
 *   --row-group-size SIZE     row-group limit in bytes of encoded data (K, M, G: powers of 1024)
 *   --row-group-rows N        row-group limit in rows
 *   --page-version 1|2        data page version (default 1)
 *   --no-dictionary           no dictionary encoding
 *   --encoding auto|plain     value encoding of pages without dictionary: auto (default) picks
 *                             DELTA_BINARY_PACKED or BYTE_STREAM_SPLIT where smaller
 *   --bloom-filter COLS       comma-separated columns that get bloom filters
 *
 * A file that fails is removed from DST and the command stops with exit status 1; the source
 * is never written. DST must not be the source nor lie inside a source dataset. */
#include "cli/cli.h"
#include "cli/cli_common.h"

#include "parquet/compress/codec.h"

#include <fluxforge/writer.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char copy_usage[] =
    "usage: fluxforge copy SRC DST [--compression C[:LEVEL]] [--row-group-size SIZE]\n"
    "                      [--row-group-rows N] [--page-version 1|2] [--no-dictionary]\n"
    "                      [--bloom-filter COLS] [--encoding auto|plain]\n";

/* Creates every missing directory of `path` up to (not including) its last component. */
static bool make_parent_dirs(const char *path) {
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf)
        return false;
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
            ff_cli_error("%s: cannot create directory: %s", buf, strerror(errno));
            return false;
        }
        *p = '/';
    }
    return true;
}

/* Resolves `path`, which need not exist yet: its longest existing ancestor through
 * realpath, then the missing components appended as given. False when nothing resolves. */
static bool resolve_future_path(const char *path, char *out) {
    char head[PATH_MAX];
    if (strlen(path) >= sizeof head)
        return false;
    strcpy(head, path);
    const char *tail = "";
    char *slash = NULL;
    while (!realpath(head, out)) {
        slash = strrchr(head, '/');
        if (!slash || slash == head)
            return false;
        *slash = '\0';
        tail = path + (slash - head);
    }
    if (strlen(out) + strlen(tail) >= PATH_MAX)
        return false;
    strcat(out, tail);
    return true;
}

/* True when `inner` (which may not exist yet) is `outer` or lies below it. */
static bool path_is_within(const char *inner, const char *outer) {
    char inner_real[PATH_MAX], outer_real[PATH_MAX];
    if (!realpath(outer, outer_real) || !resolve_future_path(inner, inner_real))
        return false;
    size_t len = strlen(outer_real);
    return strncmp(inner_real, outer_real, len) == 0 &&
           (inner_real[len] == '\0' || inner_real[len] == '/');
}

static void format_bytes(int64_t bytes, char *buf, size_t cap) {
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = (double)bytes;
    int unit = 0;
    while (value >= 1024.0 && unit < 4) {
        value /= 1024.0;
        unit++;
    }
    if (unit == 0)
        snprintf(buf, cap, "%lld B", (long long)bytes);
    else
        snprintf(buf, cap, "%.1f %s", value, units[unit]);
}

int ff_cli_copy(int argc, char **argv) {
    ff_writer_options options;
    ff_writer_options_init(&options);
    const char *positional[2] = {NULL, NULL};
    int num_positional = 0;
    char **bloom_columns = NULL;
    size_t num_bloom_columns = 0;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        const char *arg = argv[arg_idx];
        const char *value = arg_idx + 1 < argc ? argv[arg_idx + 1] : NULL;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(copy_usage, stdout);
            free(bloom_columns);
            return FF_EXIT_OK;
        } else if (!strcmp(arg, "--no-dictionary")) {
            options.use_dictionary = false;
        } else if (!strcmp(arg, "--compression") && value) {
            ff_pq_codec codec;
            int level;
            ff_error err;
            if (ff_codec_parse(value, &codec, &level, &err) != FF_OK || codec == FF_CODEC_LZ4 ||
                codec == FF_CODEC_LZO) {
                ff_cli_error("--compression '%s': use zstd, snappy, gzip, lz4_raw, brotli or none",
                             value);
                free(bloom_columns);
                return FF_EXIT_USAGE;
            }
            options.compression = (ff_compression)codec;
            options.compression_level = level;
            arg_idx++;
        } else if (!strcmp(arg, "--row-group-size") && value) {
            if (!ff_cli_parse_size(value, &options.row_group_bytes)) {
                ff_cli_error("--row-group-size '%s' is not a size such as 128M", value);
                free(bloom_columns);
                return FF_EXIT_USAGE;
            }
            arg_idx++;
        } else if (!strcmp(arg, "--row-group-rows") && value) {
            if (!ff_cli_parse_count(value, &options.row_group_rows) ||
                options.row_group_rows == 0) {
                ff_cli_error("--row-group-rows '%s' is not a positive count", value);
                free(bloom_columns);
                return FF_EXIT_USAGE;
            }
            arg_idx++;
        } else if (!strcmp(arg, "--page-version") && value) {
            if (strcmp(value, "1") != 0 && strcmp(value, "2") != 0) {
                ff_cli_error("--page-version '%s': use 1 or 2", value);
                free(bloom_columns);
                return FF_EXIT_USAGE;
            }
            options.data_page_version = value[0] - '0';
            arg_idx++;
        } else if (!strcmp(arg, "--encoding") && value) {
            if (strcmp(value, "auto") != 0 && strcmp(value, "plain") != 0) {
                ff_cli_error("--encoding '%s': use auto or plain", value);
                free(bloom_columns);
                return FF_EXIT_USAGE;
            }
            options.value_encoding =
                value[0] == 'a' ? FF_VALUE_ENCODING_AUTO : FF_VALUE_ENCODING_PLAIN;
            arg_idx++;
        } else if (!strcmp(arg, "--bloom-filter") && value) {
            free(bloom_columns);
            bloom_columns = ff_cli_split_list(value, &num_bloom_columns);
            arg_idx++;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            ff_cli_error("copy: unknown or incomplete option '%s'", arg);
            free(bloom_columns);
            return FF_EXIT_USAGE;
        } else if (num_positional < 2) {
            positional[num_positional++] = arg;
        } else {
            ff_cli_error("copy: unexpected argument '%s'", arg);
            free(bloom_columns);
            return FF_EXIT_USAGE;
        }
    }
    if (num_positional != 2) {
        ff_cli_error("usage: fluxforge copy SRC DST [options] (see fluxforge copy --help)");
        free(bloom_columns);
        return FF_EXIT_USAGE;
    }
    options.bloom_filter_columns = (const char *const *)bloom_columns;
    options.num_bloom_filter_columns = (int32_t)num_bloom_columns;
    const char *src = positional[0], *dst = positional[1];

    ff_cli_files files;
    if (!ff_cli_collect_files(src, &files)) {
        free(bloom_columns);
        return FF_EXIT_USAGE;
    }
    int exit_code = FF_EXIT_OK;
    int64_t total_rows = 0, bytes_in = 0, bytes_out = 0;
    struct stat st;
    bool dst_is_dir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);
    if (files.is_dir) {
        if (stat(dst, &st) == 0 && !dst_is_dir) {
            ff_cli_error("%s: the source is a dataset directory but the destination is a file",
                         dst);
            exit_code = FF_EXIT_USAGE;
            goto done;
        }
        /* Checked before anything is created: a refused copy leaves no trace in the source. */
        if (path_is_within(dst, src)) {
            ff_cli_error("%s: the destination lies inside the source dataset %s", dst, src);
            exit_code = FF_EXIT_USAGE;
            goto done;
        }
        if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
            ff_cli_error("%s: cannot create directory: %s", dst, strerror(errno));
            exit_code = FF_EXIT_FAILED;
            goto done;
        }
    }
    for (size_t file_idx = 0; file_idx < files.count; file_idx++) {
        char out_path[PATH_MAX];
        const char *in_path = files.paths[file_idx];
        int written;
        if (files.is_dir) {
            written = snprintf(out_path, sizeof out_path, "%s/%s", dst, files.relative[file_idx]);
        } else if (dst_is_dir) {
            const char *base = strrchr(in_path, '/');
            written = snprintf(out_path, sizeof out_path, "%s/%s", dst, base ? base + 1 : in_path);
        } else {
            written = snprintf(out_path, sizeof out_path, "%s", dst);
        }
        if (written < 0 || (size_t)written >= sizeof out_path) {
            ff_cli_error("%s: destination path too long", in_path);
            exit_code = FF_EXIT_USAGE;
            break;
        }
        if (files.is_dir && !make_parent_dirs(out_path)) {
            exit_code = FF_EXIT_FAILED;
            break;
        }
        struct stat out_st;
        if (stat(out_path, &out_st) == 0 && stat(in_path, &st) == 0 && out_st.st_dev == st.st_dev &&
            out_st.st_ino == st.st_ino) {
            ff_cli_error("%s: the destination is the source file", out_path);
            exit_code = FF_EXIT_USAGE;
            break;
        }
        ff_error err;
        ff_error_clear(&err);
        int64_t rows = 0;
        ff_status status = ff_writer_copy_file(in_path, out_path, &options, &rows, &err);
        if (status != FF_OK) {
            /* Never leave a half-written file behind (the source was checked above not to
             * be this path). */
            unlink(out_path);
            ff_cli_error("%s", err.message);
            exit_code = status == FF_ERR_INVALID_ARGUMENT || status == FF_ERR_CORRUPT ||
                                status == FF_ERR_UNSUPPORTED
                            ? FF_EXIT_USAGE
                            : FF_EXIT_FAILED;
            break;
        }
        total_rows += rows;
        if (stat(in_path, &st) == 0)
            bytes_in += st.st_size;
        if (stat(out_path, &st) == 0)
            bytes_out += st.st_size;
    }
    if (exit_code == FF_EXIT_OK) {
        char in_text[32], out_text[32];
        format_bytes(bytes_in, in_text, sizeof in_text);
        format_bytes(bytes_out, out_text, sizeof out_text);
        printf("copied %zu file%s, %" PRId64 " rows: %s -> %s\n", files.count,
               files.count == 1 ? "" : "s", total_rows, in_text, out_text);
    }
done:
    ff_cli_files_free(&files);
    free(bloom_columns);
    return exit_code;
}
