/* Helpers shared by the read-only commands: finding the Parquet files under a path, and
 * printing the one-line error every command ends with on bad input.
 *
 * A directory is a dataset and goes through the dataset layer's discovery (DESIGN.md §1:
 * names starting with '_' or '.' are ignored, only ".parquet" files count, partition values
 * are decoded from the name=value directories), read-only and without taking the lock. A
 * path that names a file is taken as is, whatever its name. */
#ifndef FF_CLI_COMMON_H
#define FF_CLI_COMMON_H

#include <fluxforge/dataset.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ff_cli_files {
    bool is_dir; /* the path named a directory (a dataset) */
    size_t count;
    char **paths;            /* owned; full paths as the user would type them */
    const char **relative;   /* owned array; paths below the dataset root (== paths for a file) */
    ff_discovery *discovery; /* owned; NULL for a single file */
} ff_cli_files;

/* Collects the files under `path`. On failure prints the error and returns false. */
bool ff_cli_collect_files(const char *path, ff_cli_files *out);
void ff_cli_files_free(ff_cli_files *files);

/* Prints "fluxforge: <message>" as a single line on stderr (newlines in the message become
 * spaces, so a file name cannot break the one-line contract). */
void ff_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses a non-negative decimal count; false on anything else. */
bool ff_cli_parse_count(const char *text, int64_t *out);

/* Parses a positive size: "128M", "64MiB", "1g", "1048576" (K/M/G/T are powers of 1024). */
bool ff_cli_parse_size(const char *text, int64_t *out);

/* Splits "a,b,c" into a NULL-terminated array of owned strings (one allocation, free()). */
char **ff_cli_split_list(const char *text, size_t *count);

#endif
