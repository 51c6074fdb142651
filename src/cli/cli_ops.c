/* Option parsing, progress and reporting shared by the row-level commands (see cli_ops.h).
 * Exit status follows DESIGN.md §7: 0 done (including "nothing to change"), 1 the operation
 * failed and nothing changed, 2 bad usage or bad input (an expression, a column, a type). */
#include "cli/cli_ops.h"

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_dataset.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ff_cli_ops_init(ff_cli_ops *cli, const char *command) {
    memset(cli, 0, sizeof *cli);
    cli->command = command;
    ff_ops_options_init(&cli->options);
}

void ff_cli_ops_free(ff_cli_ops *cli) {
    for (int32_t idx = 0; idx < cli->num_partitions; idx++)
        free((char *)cli->partitions[idx]);
    free(cli->partitions);
    ff_cli_io_close(cli->io);
    cli->partitions = NULL;
    cli->io = NULL;
}

static bool parse_compression(const char *text, ff_ops_options *options) {
    static const struct {
        const char *name;
        ff_compression codec;
    } codecs[] = {
        {"zstd", FF_COMPRESSION_ZSTD},         {"snappy", FF_COMPRESSION_SNAPPY},
        {"gzip", FF_COMPRESSION_GZIP},         {"brotli", FF_COMPRESSION_BROTLI},
        {"lz4", FF_COMPRESSION_LZ4_RAW},       {"lz4_raw", FF_COMPRESSION_LZ4_RAW},
        {"none", FF_COMPRESSION_UNCOMPRESSED}, {"uncompressed", FF_COMPRESSION_UNCOMPRESSED},
    };
    const char *colon = strchr(text, ':');
    size_t name_len = colon ? (size_t)(colon - text) : strlen(text);
    for (size_t idx = 0; idx < sizeof codecs / sizeof codecs[0]; idx++) {
        if (strlen(codecs[idx].name) != name_len || strncasecmp(codecs[idx].name, text, name_len))
            continue;
        options->compression = codecs[idx].codec;
        options->recompress = true;
        if (colon) {
            char *end = NULL;
            long level = strtol(colon + 1, &end, 10);
            if (!colon[1] || *end || level < -100 || level > 100)
                return false;
            options->compression_level = (int)level;
        }
        return true;
    }
    return false;
}

/* Adds the K=V pairs of --partition K=V (one pair, which may contain commas) or of
 * --partitions K=V[,K=V...] (DESIGN.md §8's spelling; every pair must match, as with repeated
 * --partition). The pairs are kept as owned copies. */
static bool add_partition_pairs(ff_cli_ops *cli, const char *arg, const char *value) {
    bool is_list = !strcmp(arg, "--partitions");
    const char *pos = value;
    for (;;) {
        size_t len = is_list ? strcspn(pos, ",") : strlen(pos);
        const char *eq = memchr(pos, '=', len);
        if (!eq || eq == pos) {
            ff_cli_error("%s: %s wants K=V%s, got '%s'", cli->command, arg,
                         is_list ? "[,K=V...]" : "", value);
            return false;
        }
        const char **grown =
            realloc(cli->partitions, (size_t)(cli->num_partitions + 1) * sizeof *grown);
        char *copy = grown ? strndup(pos, len) : NULL;
        if (grown)
            cli->partitions = grown;
        if (!copy) {
            ff_cli_error("%s: out of memory", cli->command);
            return false;
        }
        cli->partitions[cli->num_partitions++] = copy;
        cli->options.partitions = cli->partitions;
        cli->options.num_partitions = cli->num_partitions;
        if (!is_list || pos[len] == '\0')
            return true;
        pos += len + 1;
    }
}

int ff_cli_ops_parse_common(ff_cli_ops *cli, int argc, char **argv, int *arg_idx) {
    const char *arg = argv[*arg_idx];
    const char *value = *arg_idx + 1 < argc ? argv[*arg_idx + 1] : NULL;
    ff_ops_options *options = &cli->options;
    if (!strcmp(arg, "--dry-run")) {
        options->dry_run = true;
        return 1;
    }
    if (!strcmp(arg, "--json")) {
        cli->json = true;
        return 1;
    }
    if (!strcmp(arg, "--no-backup")) {
        options->no_backup = true;
        return 1;
    }
    if (!strcmp(arg, "--wait")) {
        options->wait_for_lock = true;
        return 1;
    }
    if (!strcmp(arg, "--validate")) {
        options->validate = true;
        return 1;
    }
    bool takes_value = !strcmp(arg, "--backup-dir") || !strcmp(arg, "--compression") ||
                       !strcmp(arg, "--partition") || !strcmp(arg, "--partitions") ||
                       !strcmp(arg, "--threads") || !strcmp(arg, "--memory-limit") ||
                       !strcmp(arg, "--partitions-per-commit");
    if (!takes_value)
        return 0;
    if (!value) {
        ff_cli_error("%s: %s needs a value", cli->command, arg);
        return -1;
    }
    (*arg_idx)++;
    if (!strcmp(arg, "--backup-dir")) {
        options->backup_dir = value;
    } else if (!strcmp(arg, "--compression")) {
        if (!parse_compression(value, options)) {
            ff_cli_error("%s: unknown compression '%s' (zstd, snappy, gzip, brotli, lz4, none, "
                         "optionally :LEVEL)",
                         cli->command, value);
            return -1;
        }
    } else if (!strcmp(arg, "--partition") || !strcmp(arg, "--partitions")) {
        if (!add_partition_pairs(cli, arg, value))
            return -1;
    } else if (!strcmp(arg, "--partitions-per-commit")) {
        int64_t count = 0;
        if (!ff_cli_parse_count(value, &count) || count == 0) {
            ff_cli_error("%s: --partitions-per-commit wants a positive count", cli->command);
            return -1;
        }
        options->partitions_per_commit = count;
    } else if (!strcmp(arg, "--threads")) {
        int64_t count = 0;
        if (!ff_cli_parse_count(value, &count)) {
            ff_cli_error("%s: --threads wants a count", cli->command);
            return -1;
        }
        options->threads = count > 8 ? 8 : (int32_t)count;
    } else if (!strcmp(arg, "--memory-limit")) {
        int64_t bytes = 0;
        if (!ff_cli_parse_size(value, &bytes) || bytes <= 0) {
            ff_cli_error("%s: --memory-limit wants a size such as 512M or 2G, not '%s'",
                         cli->command, value);
            return -1;
        }
        options->memory_limit = bytes;
    }
    return 1;
}

static void show_progress(void *user, const char *op, int64_t done, int64_t total) {
    ff_cli_ops *cli = user;
    if (total <= 0)
        return;
    /* Redraw at each whole percent only, so a long run does not flood the terminal. */
    if (done != total && (done * 100 / total) == ((done - 1) * 100 / total) && done != 0)
        return;
    fprintf(stderr, "\r%s: %" PRId64 "/%" PRId64 " files (%d%%)", op, done, total,
            (int)(done * 100 / total));
    cli->progress_shown = true;
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

bool ff_cli_ops_start(ff_cli_ops *cli) {
    cli->io = ff_cli_io_open(cli->command);
    if (!cli->io)
        return false;
    cli->options.io = cli->io;
    /* The backup directory is the user's: create it on first use, like the dataset itself. */
    if (cli->options.backup_dir && !cli->options.dry_run &&
        mkdir(cli->options.backup_dir, 0755) != 0 && errno != EEXIST) {
        ff_cli_error("%s: --backup-dir %s: %s", cli->command, cli->options.backup_dir,
                     strerror(errno));
        return false;
    }
    if (isatty(STDERR_FILENO) && !cli->json) {
        cli->options.progress = show_progress;
        cli->options.progress_user = cli;
    }
    return true;
}

static int exit_status(ff_status status) {
    switch (status) {
    case FF_OK:
        return FF_EXIT_OK;
    case FF_ERR_INVALID_ARGUMENT:
    case FF_ERR_NOT_FOUND:
    case FF_ERR_EXPR_SYNTAX:
    case FF_ERR_EXPR_TYPE:
    case FF_ERR_SCHEMA:
        return FF_EXIT_USAGE;
    default:
        return FF_EXIT_FAILED;
    }
}

static void human_bytes(int64_t bytes, char *out, size_t cap) {
    const char *units[] = {"B", "KB", "MB", "GB", "TB"};
    double value = (double)bytes;
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        unit++;
    }
    snprintf(out, cap, unit ? "%.1f %s" : "%.0f %s", value, units[unit]);
}

/* The summary of the layout commands: files and partitions before and after. */
static int finish_layout(ff_cli_ops *cli, const ff_ops_stats *stats) {
    char before[32], after[32];
    human_bytes(stats->bytes_before, before, sizeof before);
    human_bytes(stats->bytes_after, after, sizeof after);
    const char *dry = stats->is_dry_run ? " (dry run, nothing written)" : "";
    if (!strcmp(cli->command, "compact")) {
        if (stats->files_rewritten == 0) {
            printf("compact: nothing to compact (%" PRId64 " files)%s\n", stats->files_before,
                   stats->is_dry_run ? " [dry run]" : "");
            return FF_EXIT_OK;
        }
        printf("compact%s: %" PRId64 " small files merged into %" PRId64 " in %" PRId64
               " partitions; %" PRId64 " -> %" PRId64 " files; %s -> %s%s\n",
               dry, stats->files_rewritten, stats->files_added, stats->partitions_touched,
               stats->files_before, stats->files_after, before, after,
               stats->is_dry_run ? " (estimated)" : "");
        if (stats->last_txid[0] && !cli->options.no_backup)
            printf("compact: backup kept; undo with: fluxforge backups %s restore %s\n",
                   cli->root ? cli->root : "DATASET", stats->last_txid);
        return FF_EXIT_OK;
    }
    printf("repartition%s: %" PRId64 " rows from %" PRId64 " files into %" PRId64
           " partitions, %" PRId64 " files; %s -> %s%s\n",
           stats->is_dry_run ? " (estimate, nothing written)" : "", stats->rows_scanned,
           stats->files_before, stats->partitions_after, stats->files_added, before, after,
           stats->is_dry_run ? " (estimated)" : "");
    if (stats->last_txid[0] && !cli->options.no_backup && stats->files_rewritten > 0 && cli->root)
        printf("repartition: backup kept; undo with: fluxforge backups %s restore %s\n", cli->root,
               stats->last_txid);
    return FF_EXIT_OK;
}

int ff_cli_ops_finish(ff_cli_ops *cli, ff_status status, const ff_error *err,
                      const ff_ops_stats *stats) {
    if (status != FF_OK) {
        fprintf(stderr, "fluxforge %s: %s\n", cli->command,
                err->message[0] ? err->message : ff_status_text(status));
        return exit_status(status);
    }
    if (cli->json) {
        char json[2048];
        ff_ops_stats_json(stats, cli->command, json, sizeof json);
        printf("%s\n", json);
        return FF_EXIT_OK;
    }
    if (!strcmp(cli->command, "compact") || !strcmp(cli->command, "repartition"))
        return finish_layout(cli, stats);
    int64_t changed =
        stats->rows_deleted + stats->rows_updated + stats->rows_inserted + stats->rows_removed;
    if (changed == 0 && stats->files_rewritten + stats->files_removed + stats->files_added == 0) {
        printf("%s: nothing to change (%" PRId64 " rows scanned in %" PRId64 " files)%s\n",
               cli->command, stats->rows_scanned, stats->files_scanned,
               stats->is_dry_run ? " [dry run]" : "");
        return FF_EXIT_OK;
    }
    char before[32], after[32];
    human_bytes(stats->bytes_before, before, sizeof before);
    human_bytes(stats->bytes_after, after, sizeof after);
    printf("%s%s: ", cli->command, stats->is_dry_run ? " (dry run, nothing written)" : "");
    if (!strcmp(cli->command, "delete"))
        printf("%" PRId64 " rows %sdeleted", stats->rows_deleted,
               stats->is_dry_run ? "would be " : "");
    else if (!strcmp(cli->command, "update"))
        printf("%" PRId64 " rows %supdated (%" PRId64 " moved)", stats->rows_updated,
               stats->is_dry_run ? "would be " : "", stats->rows_moved);
    else if (!strcmp(cli->command, "upsert"))
        printf("%" PRId64 " rows %sinserted, %" PRId64 " updated, %" PRId64 " unchanged",
               stats->rows_inserted, stats->is_dry_run ? "would be " : "", stats->rows_updated,
               stats->rows_unchanged);
    else
        printf("%" PRId64 " duplicate rows %sremoved", stats->rows_removed,
               stats->is_dry_run ? "would be " : "");
    printf("; %" PRId64 " files rewritten, %" PRId64 " removed, %" PRId64 " written in %" PRId64
           " partitions; %s -> %s%s\n",
           stats->files_rewritten, stats->files_removed, stats->files_added,
           stats->partitions_touched, before, after, stats->is_dry_run ? " (estimated)" : "");
    if (stats->last_txid[0] && !cli->options.no_backup &&
        stats->files_rewritten + stats->files_removed > 0)
        printf("%s: backup kept; undo with: fluxforge backups %s restore %s\n", cli->command,
               cli->root ? cli->root : "DATASET", stats->last_txid);
    return FF_EXIT_OK;
}

char **ff_cli_ops_list(const char *text, int32_t *count) {
    size_t n = 0;
    char **list = ff_cli_split_list(text, &n);
    *count = (int32_t)n;
    return list;
}
