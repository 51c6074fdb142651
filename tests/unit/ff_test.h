/* A minimal test harness: each test file defines cases with FF_TEST and a main with
 * FF_TEST_MAIN. Asserts print both sides and the location, count failures and keep going
 * within the case, so one run shows every broken expectation. The last line of a run is
 * "N passed, N failed". */
#ifndef FF_TEST_H
#define FF_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ff_test_case {
    const char *name;
    void (*fn)(int *failures);
} ff_test_case;

#define FF_TEST(name) static void name(int *ff_test_failures)

#define FF_FAIL_AT(...)                                                                            \
    do {                                                                                           \
        fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                                          \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        (*ff_test_failures)++;                                                                     \
    } while (0)

#define EXPECT_TRUE(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            FF_FAIL_AT("expected true: %s", #cond);                                                \
    } while (0)

#define EXPECT_EQ_INT(actual, expected)                                                            \
    do {                                                                                           \
        long long ff_a_ = (long long)(actual), ff_e_ = (long long)(expected);                      \
        if (ff_a_ != ff_e_)                                                                        \
            FF_FAIL_AT("%s == %lld, expected %s == %lld", #actual, ff_a_, #expected, ff_e_);       \
    } while (0)

#define EXPECT_EQ_U64(actual, expected)                                                            \
    do {                                                                                           \
        unsigned long long ff_a_ = (unsigned long long)(actual),                                   \
                           ff_e_ = (unsigned long long)(expected);                                 \
        if (ff_a_ != ff_e_)                                                                        \
            FF_FAIL_AT("%s == 0x%llx, expected 0x%llx", #actual, ff_a_, ff_e_);                    \
    } while (0)

#define EXPECT_EQ_STR(actual, expected)                                                            \
    do {                                                                                           \
        const char *ff_a_ = (actual), *ff_e_ = (expected);                                         \
        if (!ff_a_ || !ff_e_ || strcmp(ff_a_, ff_e_) != 0)                                         \
            FF_FAIL_AT("%s == \"%s\"\n    expected \"%s\"", #actual, ff_a_ ? ff_a_ : "(null)",     \
                       ff_e_ ? ff_e_ : "(null)");                                                  \
    } while (0)

/* Expects a status-returning call to succeed; prints the error message otherwise. */
#define EXPECT_OK(call, err)                                                                       \
    do {                                                                                           \
        ff_status ff_s_ = (call);                                                                  \
        if (ff_s_ != FF_OK)                                                                        \
            FF_FAIL_AT("%s failed: %s: %s", #call, ff_status_name(ff_s_), (err)->message);         \
    } while (0)

#define EXPECT_STATUS(call, expected)                                                              \
    do {                                                                                           \
        ff_status ff_s_ = (call);                                                                  \
        if (ff_s_ != (expected))                                                                   \
            FF_FAIL_AT("%s returned %s, expected %s", #call, ff_status_name(ff_s_),                \
                       ff_status_name(expected));                                                  \
    } while (0)

#define FF_TEST_MAIN(...)                                                                          \
    int main(int argc, char **argv) {                                                              \
        static const ff_test_case cases[] = {__VA_ARGS__};                                         \
        int passed = 0, failed = 0;                                                                \
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {                              \
            if (argc > 1 && !strstr(cases[i].name, argv[1]))                                       \
                continue;                                                                          \
            int failures = 0;                                                                      \
            cases[i].fn(&failures);                                                                \
            printf("%s %s\n", failures ? "FAIL" : "ok  ", cases[i].name);                          \
            if (failures)                                                                          \
                failed++;                                                                          \
            else                                                                                   \
                passed++;                                                                          \
        }                                                                                          \
        printf("%d passed, %d failed\n", passed, failed);                                          \
        return failed ? 1 : 0;                                                                     \
    }

#define FF_CASE(fn)                                                                                \
    { #fn, fn }

/* The corpus folder (../shared/corpus by default, FF_CORPUS_DIR in CTest). */
static inline const char *ff_test_corpus_dir(void) {
    const char *dir = getenv("FF_CORPUS_DIR");
    return dir ? dir : "../shared/corpus";
}

#endif
