/* Unit and property tests for partition directory segments (src/dataset/partition_path.c):
 * readable common values, every awkward value mapping to one safe segment, lenient decoding,
 * and a property test over random byte strings (round trip; no segment can leave the root,
 * checked on a real directory). `test_partition_path --emit-interop-cases` prints the cases
 * tests/interop/partition_paths.mjs feeds to DuckDB and Polars. */
#include "ff_test.h"

#include <fluxforge/dataset.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *encode(const char *name, const char *value, size_t value_len, bool is_null,
                          char *out) {
    size_t out_len = 0;
    ff_error err;
    if (ff_partition_segment_encode(name, value, value_len, is_null, out, 512, &out_len, &err) !=
        FF_OK)
        snprintf(out, 512, "ERROR: %.400s", err.message);
    return out;
}

#define ENC(value) encode("k", value, strlen(value), false, buf)

FF_TEST(common_values_stay_readable) {
    char buf[512];
    EXPECT_EQ_STR(ENC("BTC-USD"), "k=BTC-USD");
    EXPECT_EQ_STR(ENC("2025-11-26"), "k=2025-11-26");
    EXPECT_EQ_STR(ENC("13"), "k=13");
    EXPECT_EQ_STR(ENC("-1.5e3"), "k=-1.5e3");
    EXPECT_EQ_STR(ENC("snake_case~x"), "k=snake_case~x");
}

FF_TEST(awkward_values_are_escaped) {
    char buf[512];
    EXPECT_EQ_STR(ENC("a/b"), "k=a%2Fb");
    EXPECT_EQ_STR(ENC("a\\b"), "k=a%5Cb");
    EXPECT_EQ_STR(ENC("a=b"), "k=a%3Db");
    EXPECT_EQ_STR(ENC("100%"), "k=100%25");
    EXPECT_EQ_STR(ENC(".."), "k=..");
    EXPECT_EQ_STR(ENC("."), "k=.");
    EXPECT_EQ_STR(ENC("a b+c"), "k=a%20b%2Bc");
    EXPECT_EQ_STR(ENC("2025-11-26 10:00:00"), "k=2025-11-26%2010%3A00%3A00");
    EXPECT_EQ_STR(ENC("\n\t\x7f"), "k=%0A%09%7F");
    EXPECT_EQ_STR(ENC("caf\xc3\xa9"), "k=caf%C3%A9");
    EXPECT_EQ_STR(ENC("\xff\xfe"), "k=%FF%FE");
    EXPECT_EQ_STR(encode("k", "a\0b", 3, false, buf), "k=a%00b");
    EXPECT_EQ_STR(ENC(""), "k=");
    EXPECT_EQ_STR(encode("k", NULL, 0, true, buf), "k=__HIVE_DEFAULT_PARTITION__");
    EXPECT_EQ_STR(ENC("__HIVE_DEFAULT_PARTITION__"), "k=%5F_HIVE_DEFAULT_PARTITION__");
}

FF_TEST(names_are_escaped_and_never_hidden) {
    char buf[512];
    EXPECT_EQ_STR(encode("_id", "1", 1, false, buf), "%5Fid=1");
    EXPECT_EQ_STR(encode(".x", "1", 1, false, buf), "%2Ex=1");
    EXPECT_EQ_STR(encode("my col=", "1", 1, false, buf), "my%20col%3D=1");
    size_t len;
    ff_error err;
    EXPECT_STATUS(ff_partition_segment_encode("", "1", 1, false, buf, sizeof buf, &len, &err),
                  FF_ERR_INVALID_ARGUMENT);
}

FF_TEST(too_long_values_are_refused) {
    char value[300], buf[512];
    memset(value, 'x', sizeof value);
    size_t len;
    ff_error err;
    EXPECT_STATUS(ff_partition_segment_encode("k", value, 253, false, buf, sizeof buf, &len, &err),
                  FF_OK);
    EXPECT_EQ_INT(len, 255);
    EXPECT_STATUS(ff_partition_segment_encode("k", value, 254, false, buf, sizeof buf, &len, &err),
                  FF_ERR_LIMIT);
    EXPECT_TRUE(strstr(err.message, "'k'") != NULL);
    memset(value, '/', 100);
    EXPECT_STATUS(ff_partition_segment_encode("k", value, 100, false, buf, sizeof buf, &len, &err),
                  FF_ERR_LIMIT);
    EXPECT_STATUS(ff_partition_segment_encode("k", "abc", 3, false, buf, 4, &len, &err),
                  FF_ERR_LIMIT);
}

static void decode(const char *segment, char *name, uint8_t *value, size_t *value_len,
                   bool *is_null, ff_status *status) {
    size_t name_len;
    ff_error err;
    *status = ff_partition_segment_decode(segment, strlen(segment), name, &name_len, value,
                                          value_len, is_null, &err);
}

FF_TEST(decoding_is_lenient_like_duckdb_and_polars) {
    char name[128];
    uint8_t value[128];
    size_t value_len;
    bool is_null;
    ff_status status;
    decode("k=a%2fb", name, value, &value_len, &is_null, &status);
    EXPECT_EQ_INT(status, FF_OK);
    EXPECT_EQ_STR((char *)value, "a/b");
    decode("k=%zz%4", name, value, &value_len, &is_null, &status);
    EXPECT_EQ_STR((char *)value, "%zz%4");
    decode("k=a b", name, value, &value_len, &is_null, &status);
    EXPECT_EQ_STR((char *)value, "a b");
    decode("k=a=b", name, value, &value_len, &is_null, &status);
    EXPECT_EQ_STR(name, "k");
    EXPECT_EQ_STR((char *)value, "a=b");
    decode("k=__HIVE_DEFAULT_PARTITION__", name, value, &value_len, &is_null, &status);
    EXPECT_TRUE(is_null);
    decode("k=", name, value, &value_len, &is_null, &status);
    EXPECT_TRUE(!is_null);
    EXPECT_EQ_INT(value_len, 0);
    decode("%5Fid=1", name, value, &value_len, &is_null, &status);
    EXPECT_EQ_STR(name, "_id");
    decode("noequals", name, value, &value_len, &is_null, &status);
    EXPECT_EQ_INT(status, FF_ERR_INVALID_ARGUMENT);
    decode("=v", name, value, &value_len, &is_null, &status);
    EXPECT_EQ_INT(status, FF_ERR_INVALID_ARGUMENT);
}

FF_TEST(whole_directories_join_segments) {
    const char *names[] = {"product_id", "date", "hour"};
    ff_partition_value values[] = {
        {.bytes = (const uint8_t *)"BTC/USD", .len = 7},
        {.bytes = (const uint8_t *)"2025-11-26", .len = 10},
        {.is_null = true},
    };
    char out[512];
    size_t len = 0;
    ff_error err;
    EXPECT_OK(ff_partition_dir_encode(names, values, 3, out, sizeof out, &len, &err), &err);
    EXPECT_EQ_STR(out, "product_id=BTC%2FUSD/date=2025-11-26/hour=__HIVE_DEFAULT_PARTITION__");
    EXPECT_EQ_INT(len, strlen(out));
    EXPECT_OK(ff_partition_dir_encode(names, values, 0, out, sizeof out, &len, &err), &err);
    EXPECT_EQ_STR(out, "");
    EXPECT_STATUS(ff_partition_dir_encode(names, values, 3, out, 20, &len, &err), FF_ERR_LIMIT);
}

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t next_random(uint64_t *state) {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ULL;
}

/* Random values biased toward the dangerous bytes. */
static size_t random_value(uint64_t *state, uint8_t *out) {
    static const char awkward[] = "/\\=%._ -+:~\n";
    size_t len = next_random(state) % 40;
    for (size_t pos = 0; pos < len; pos++) {
        uint64_t pick = next_random(state);
        switch (pick % 4) {
        case 0:
            out[pos] = (uint8_t)awkward[(pick >> 8) % (sizeof awkward - 1)];
            break;
        case 1:
            out[pos] = (uint8_t)('a' + (pick >> 8) % 26);
            break;
        default:
            out[pos] = (uint8_t)(pick >> 16);
            break;
        }
    }
    return len;
}

FF_TEST(property_round_trip_and_one_safe_segment) {
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    char segment[FF_PARTITION_SEGMENT_MAX + 1], name[FF_PARTITION_SEGMENT_MAX + 1];
    uint8_t value[64], decoded[FF_PARTITION_SEGMENT_MAX + 1];
    int num_failures_before = *ff_test_failures;
    for (int iteration = 0; iteration < 20000 && *ff_test_failures == num_failures_before;
         iteration++) {
        size_t value_len = random_value(&state, value);
        bool is_null = next_random(&state) % 50 == 0;
        size_t segment_len = 0, name_len = 0, decoded_len = 0;
        bool decoded_null = false;
        ff_error err;
        EXPECT_OK(ff_partition_segment_encode("col", value, value_len, is_null, segment,
                                              sizeof segment, &segment_len, &err),
                  &err);
        EXPECT_EQ_INT(strlen(segment), segment_len);
        EXPECT_TRUE(strchr(segment, '/') == NULL);
        EXPECT_TRUE(segment[0] != '.' && segment[0] != '_');
        EXPECT_TRUE(strcmp(segment, ".") && strcmp(segment, ".."));
        EXPECT_OK(ff_partition_segment_decode(segment, segment_len, name, &name_len, decoded,
                                              &decoded_len, &decoded_null, &err),
                  &err);
        EXPECT_EQ_STR(name, "col");
        EXPECT_TRUE(decoded_null == is_null);
        if (!is_null) {
            EXPECT_EQ_INT(decoded_len, value_len);
            EXPECT_TRUE(memcmp(decoded, value, value_len) == 0);
        }
    }
}

FF_TEST(property_segments_stay_inside_the_root) {
    char root[] = "/tmp/ff_partition_XXXXXX";
    EXPECT_TRUE(mkdtemp(root) != NULL);
    char real_root[PATH_MAX];
    EXPECT_TRUE(realpath(root, real_root) != NULL);
    uint64_t state = 42;
    for (int iteration = 0; iteration < 300; iteration++) {
        uint8_t value[64];
        size_t value_len = random_value(&state, value);
        char segment[FF_PARTITION_SEGMENT_MAX + 1], path[PATH_MAX], real_path[PATH_MAX],
            parent[PATH_MAX];
        size_t segment_len;
        ff_error err;
        EXPECT_OK(ff_partition_segment_encode("k", value, value_len, false, segment, sizeof segment,
                                              &segment_len, &err),
                  &err);
        snprintf(path, sizeof path, "%s/%s", root, segment);
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            FF_FAIL_AT("mkdir %s failed", path);
            continue;
        }
        EXPECT_TRUE(realpath(path, real_path) != NULL);
        snprintf(parent, sizeof parent, "%s", real_path);
        *strrchr(parent, '/') = '\0';
        EXPECT_EQ_STR(parent, real_root);
        EXPECT_EQ_STR(strrchr(real_path, '/') + 1, segment);
    }
    /* Every directory created is a direct child; clean up. */
    DIR *dir = opendir(root);
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.' && (!entry->d_name[1] || !strcmp(entry->d_name, "..")))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", root, entry->d_name);
        EXPECT_TRUE(rmdir(path) == 0);
    }
    if (dir)
        closedir(dir);
    EXPECT_TRUE(rmdir(root) == 0);
}

/* The values the interop check sends through DuckDB and Polars: one JSON line each, the value
 * as hex (null for NULL) and its segment. */
static int emit_interop_cases(void) {
    static const struct {
        const char *value;
        size_t len;
    } cases[] = {
        {"BTC-USD", 7}, {"2025-11-26", 10}, {"13", 2},          {"a/b", 3},
        {"a\\b", 3},    {"a=b", 3},         {"100%", 4},        {"..", 2},
        {".", 1},       {"a b", 3},         {"a+b", 3},         {"10:00:00", 8},
        {"", 0},        {"\n\t", 2},        {"caf\xc3\xa9", 5}, {"\xe2\x82\xac", 3},
        {"x'y\"z", 5},  {"%2F", 3},         {"#?&*[]{}^", 9},   {"__HIVE_DEFAULT_PARTITION__", 26},
        {NULL, 0},
    };
    for (size_t case_idx = 0; case_idx < sizeof cases / sizeof cases[0]; case_idx++) {
        char segment[FF_PARTITION_SEGMENT_MAX + 1];
        size_t segment_len;
        ff_error err;
        if (ff_partition_segment_encode("k", cases[case_idx].value, cases[case_idx].len,
                                        !cases[case_idx].value, segment, sizeof segment,
                                        &segment_len, &err) != FF_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        printf("{\"hex\":");
        if (!cases[case_idx].value) {
            printf("null");
        } else {
            printf("\"");
            for (size_t pos = 0; pos < cases[case_idx].len; pos++)
                printf("%02x", (uint8_t)cases[case_idx].value[pos]);
            printf("\"");
        }
        printf(",\"segment\":\"%s\"}\n", segment);
    }
    return 0;
}

#define main run_unit_tests
FF_TEST_MAIN(FF_CASE(common_values_stay_readable), FF_CASE(awkward_values_are_escaped),
             FF_CASE(names_are_escaped_and_never_hidden), FF_CASE(too_long_values_are_refused),
             FF_CASE(whole_directories_join_segments),
             FF_CASE(decoding_is_lenient_like_duckdb_and_polars),
             FF_CASE(property_round_trip_and_one_safe_segment),
             FF_CASE(property_segments_stay_inside_the_root))
#undef main

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--emit-interop-cases"))
        return emit_interop_cases();
    return run_unit_tests(argc, argv);
}
