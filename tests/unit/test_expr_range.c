/* Range analysis tests: the pruning cases DESIGN.md §6 promises (a partition predicate skips
 * every other partition, a time range skips row groups outside it), and a soundness property
 * test: for random parts (rows drawn from small domains, with NULLs, NaN and truncated string
 * statistics) and random predicates, a part the analysis calls ALWAYS_FALSE has no row where
 * the predicate is TRUE, and a part it calls ALWAYS_TRUE has only TRUE rows. */
#include "ff_test.h"

#include <fluxforge/expr.h>

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>

enum { C_PRODUCT, C_DATE, C_TIME, C_A, C_D, C_S, C_DEC, C_B, NUM_COLS };

static ff_field fields[NUM_COLS];

static void define_schema(void) {
    memset(fields, 0, sizeof fields);
    fields[C_PRODUCT].name = "product_id";
    fields[C_PRODUCT].type.physical = FF_PHYSICAL_BYTE_ARRAY;
    fields[C_PRODUCT].type.logical = FF_LOGICAL_STRING;
    fields[C_DATE].name = "date";
    fields[C_DATE].type.physical = FF_PHYSICAL_INT32;
    fields[C_DATE].type.logical = FF_LOGICAL_DATE;
    fields[C_TIME].name = "time";
    fields[C_TIME].type.physical = FF_PHYSICAL_INT64;
    fields[C_TIME].type.logical = FF_LOGICAL_TIMESTAMP;
    fields[C_TIME].type.unit = FF_TIME_MICROS;
    fields[C_TIME].type.is_adjusted_to_utc = true;
    fields[C_A].name = "a";
    fields[C_A].type.physical = FF_PHYSICAL_INT32;
    fields[C_D].name = "d";
    fields[C_D].type.physical = FF_PHYSICAL_DOUBLE;
    fields[C_S].name = "s";
    fields[C_S].type.physical = FF_PHYSICAL_BYTE_ARRAY;
    fields[C_S].type.logical = FF_LOGICAL_STRING;
    fields[C_DEC].name = "dec";
    fields[C_DEC].type.physical = FF_PHYSICAL_INT64;
    fields[C_DEC].type.logical = FF_LOGICAL_DECIMAL;
    fields[C_DEC].type.precision = 12;
    fields[C_DEC].type.scale = 2;
    fields[C_B].name = "b";
    fields[C_B].type.physical = FF_PHYSICAL_BOOLEAN;
    for (int c = 0; c < NUM_COLS; c++)
        fields[c].is_nullable = true;
}

static const ff_table_schema schema = {NUM_COLS, fields};

static int64_t day(int y, int m, int d) {
    int64_t yy = y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    unsigned yoe = (unsigned)(yy - era * 400);
    unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static ff_expr *compile(const char *text, int *failures) {
    ff_expr_options options;
    ff_expr_options_init(&options);
    options.kind = FF_EXPR_PREDICATE;
    ff_error err;
    ff_expr *expr = NULL;
    if (ff_expr_compile(text, &schema, &options, &expr, &err) != FF_OK) {
        fprintf(stderr, "  compile %s: %s\n", text, err.message);
        (*failures)++;
    }
    return expr;
}

static void facts_exact_string(ff_column_facts *f, const char *s) {
    ff_column_facts_init(f);
    f->is_exact = true;
    f->value.bytes = (const uint8_t *)s;
    f->value.len = strlen(s);
}

static void facts_exact_int(ff_column_facts *f, int64_t v) {
    ff_column_facts_init(f);
    f->is_exact = true;
    f->value.i64 = v;
}

FF_TEST(partition_pruning) {
    define_schema();
    ff_expr *expr = compile("product_id = 'BTC-USD' AND date >= '2025-11-20'", ff_test_failures);
    if (!expr)
        return;
    static const char *const products[] = {"BTC-USD", "ETH-USD", "SOL-USD"};
    int kept = 0;
    for (int p = 0; p < 3; p++) {
        for (int dd = 15; dd <= 25; dd++) {
            ff_column_facts facts[NUM_COLS];
            for (int c = 0; c < NUM_COLS; c++)
                ff_column_facts_init(&facts[c]);
            facts_exact_string(&facts[C_PRODUCT], products[p]);
            facts_exact_int(&facts[C_DATE], day(2025, 11, dd));
            ff_expr_truth t = ff_expr_analyze(expr, facts, -1);
            bool should_keep = p == 0 && dd >= 20;
            EXPECT_EQ_INT(t, should_keep ? FF_EXPR_ALWAYS_TRUE : FF_EXPR_ALWAYS_FALSE);
            kept += t != FF_EXPR_ALWAYS_FALSE;
        }
    }
    EXPECT_EQ_INT(kept, 6);
    /* The default partition (NULL) never matches an equality. */
    ff_column_facts facts[NUM_COLS];
    for (int c = 0; c < NUM_COLS; c++)
        ff_column_facts_init(&facts[c]);
    facts[C_PRODUCT].is_exact = true;
    facts[C_PRODUCT].value.is_null = true;
    EXPECT_EQ_INT(ff_expr_analyze(expr, facts, -1), FF_EXPR_ALWAYS_FALSE);
    ff_expr_free(expr);

    /* Functions of partition columns are decided exactly. */
    expr = compile("year(date) = 2025 AND month(date) IN (11, 12)", ff_test_failures);
    if (expr) {
        facts_exact_int(&facts[C_DATE], day(2025, 11, 3));
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, -1), FF_EXPR_ALWAYS_TRUE);
        facts_exact_int(&facts[C_DATE], day(2024, 11, 3));
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, -1), FF_EXPR_ALWAYS_FALSE);
        ff_expr_free(expr);
    }
}

FF_TEST(row_group_time_pruning) {
    define_schema();
    ff_expr *expr = compile("time BETWEEN TIMESTAMP '2025-11-26 10:00' AND TIMESTAMP "
                            "'2025-11-26 11:00'",
                            ff_test_failures);
    if (!expr)
        return;
    const int64_t hour = 3600LL * 1000000;
    const int64_t base = day(2025, 11, 26) * 24 * hour;
    /* Row groups of one hour each, from 06:00 to 14:00. */
    int skipped = 0;
    for (int g = 6; g < 14; g++) {
        ff_column_facts facts[NUM_COLS];
        for (int c = 0; c < NUM_COLS; c++)
            ff_column_facts_init(&facts[c]);
        facts[C_TIME].has_min_max = true;
        facts[C_TIME].min.i64 = base + g * hour;
        facts[C_TIME].max.i64 = base + (g + 1) * hour - 1;
        facts[C_TIME].null_count = 0;
        ff_expr_truth t = ff_expr_analyze(expr, facts, 1000);
        if (g == 10)
            EXPECT_EQ_INT(t, FF_EXPR_ALWAYS_TRUE);
        else if (g == 11)
            EXPECT_EQ_INT(t, FF_EXPR_MAYBE); /* 11:00:00 itself matches */
        else
            EXPECT_EQ_INT(t, FF_EXPR_ALWAYS_FALSE);
        skipped += t == FF_EXPR_ALWAYS_FALSE;
        /* Unknown null count: never ALWAYS_TRUE. */
        facts[C_TIME].null_count = -1;
        EXPECT_TRUE(ff_expr_analyze(expr, facts, 1000) != FF_EXPR_ALWAYS_TRUE);
    }
    EXPECT_EQ_INT(skipped, 6);
    ff_expr_free(expr);
}

FF_TEST(conservative_corners) {
    define_schema();
    ff_column_facts facts[NUM_COLS];
    for (int c = 0; c < NUM_COLS; c++)
        ff_column_facts_init(&facts[c]);
    /* A double column may hold NaN (which sorts above everything) unless nan_count is 0. */
    ff_expr *expr = compile("d > 100", ff_test_failures);
    if (expr) {
        facts[C_D].has_min_max = true;
        facts[C_D].min.f64 = 1;
        facts[C_D].max.f64 = 50;
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, 10), FF_EXPR_MAYBE);
        facts[C_D].nan_count = 0;
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, 10), FF_EXPR_ALWAYS_FALSE);
        facts[C_D].max.f64 = NAN; /* a NaN bound is ignored */
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, 10), FF_EXPR_MAYBE);
        ff_expr_free(expr);
    }
    /* Truncated max: "abc" may stand for "abcz..." */
    expr = compile("s = 'abcz'", ff_test_failures);
    if (expr) {
        facts[C_S].has_min_max = true;
        facts[C_S].min.bytes = (const uint8_t *)"aaa";
        facts[C_S].min.len = 3;
        facts[C_S].max.bytes = (const uint8_t *)"abc";
        facts[C_S].max.len = 3;
        facts[C_S].is_min_exact = true;
        facts[C_S].is_max_exact = true;
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, 10), FF_EXPR_ALWAYS_FALSE);
        facts[C_S].is_max_exact = false;
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, 10), FF_EXPR_MAYBE);
        ff_expr_free(expr);
    }
    /* All NULL: comparisons are never TRUE, IS NULL always is. */
    expr = compile("a = 1 OR a <> 1", ff_test_failures);
    if (expr) {
        facts[C_A].null_count = 10;
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, 10), FF_EXPR_ALWAYS_FALSE);
        ff_expr_free(expr);
    }
    expr = compile("a IS NULL", ff_test_failures);
    if (expr) {
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, 10), FF_EXPR_ALWAYS_TRUE);
        EXPECT_EQ_INT(ff_expr_analyze(expr, facts, 0), FF_EXPR_ALWAYS_FALSE); /* empty part */
        EXPECT_EQ_INT(ff_expr_analyze(expr, NULL, -1), FF_EXPR_MAYBE);
        ff_expr_free(expr);
    }
}

/* ---- soundness property ---- */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t next_u64(rng *r) {
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * 0x2545F4914F6CDD1DULL;
}
static int64_t pick(rng *r, int64_t lo, int64_t hi) {
    return lo + (int64_t)(next_u64(r) % (uint64_t)(hi - lo + 1));
}

static const char *const words[] = {"",  "a",       "ab",      "abc",  "abd",
                                    "b", "BTC-USD", "ETH-USD", "\xff", "a\xff"};
#define NUM_WORDS 10

typedef struct part {
    int num_rows;
    bool is_null[32][NUM_COLS];
    int64_t i[32][NUM_COLS];
    double d[32];
    int w[32][NUM_COLS]; /* word index for strings */
} part;

static void append_fmt(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append_fmt(char *buf, size_t cap, const char *fmt, ...) {
    size_t len = strlen(buf);
    va_list args;
    va_start(args, fmt);
    vsnprintf(buf + len, cap - len, fmt, args);
    va_end(args);
}

static void gen_atom(rng *r, char *buf, size_t cap) {
    static const char *const ops[] = {"=", "<>", "<", "<=", ">", ">="};
    const char *op = ops[pick(r, 0, 5)];
    switch (pick(r, 0, 11)) {
    case 0:
        append_fmt(buf, cap, "a %s %d", op, (int)pick(r, -3, 3));
        break;
    case 1:
        append_fmt(buf, cap, "d %s %s", op,
                   pick(r, 0, 4) == 0 ? "'nan'"
                   : pick(r, 0, 1)    ? "1.5"
                                      : "-0.0");
        break;
    case 2:
        append_fmt(buf, cap, "s %s '%s'", op, words[pick(r, 0, 7)]);
        break;
    case 3:
        append_fmt(buf, cap, "product_id %s '%s'", op, words[pick(r, 5, 7)]);
        break;
    case 4:
        append_fmt(buf, cap, "date %s '2025-11-%02d'", op, (int)pick(r, 18, 22));
        break;
    case 5:
        append_fmt(buf, cap,
                   "time BETWEEN TIMESTAMP '2025-11-26 %02d:00' AND TIMESTAMP '2025-11-26 %02d:30'",
                   (int)pick(r, 0, 3), (int)pick(r, 0, 3));
        break;
    case 6:
        append_fmt(buf, cap, "%s IS %sNULL", fields[pick(r, 0, NUM_COLS - 1)].name,
                   pick(r, 0, 1) ? "NOT " : "");
        break;
    case 7:
        append_fmt(buf, cap, "a %sIN (%d, %d%s)", pick(r, 0, 2) ? "" : "NOT ", (int)pick(r, -3, 3),
                   (int)pick(r, -3, 3), pick(r, 0, 4) ? "" : ", NULL");
        break;
    case 8:
        append_fmt(buf, cap, "dec %s %d.%d", op, (int)pick(r, -2, 2), (int)pick(r, 0, 9));
        break;
    case 9:
        append_fmt(buf, cap, "s LIKE '%s%%'", words[pick(r, 1, 5)]);
        break;
    case 10:
        append_fmt(buf, cap, "a + 1 %s %d", op, (int)pick(r, -3, 3));
        break;
    default:
        append_fmt(buf, cap, "%sb", pick(r, 0, 1) ? "NOT " : "");
        break;
    }
}

static void gen_pred(rng *r, char *buf, size_t cap, int depth) {
    if (depth >= 3 || pick(r, 0, 2) == 0) {
        gen_atom(r, buf, cap);
        return;
    }
    switch (pick(r, 0, 2)) {
    case 0:
    case 1:
        append_fmt(buf, cap, "(");
        gen_pred(r, buf, cap, depth + 1);
        append_fmt(buf, cap, pick(r, 0, 1) ? ") AND (" : ") OR (");
        gen_pred(r, buf, cap, depth + 1);
        append_fmt(buf, cap, ")");
        break;
    default:
        append_fmt(buf, cap, "NOT (");
        gen_pred(r, buf, cap, depth + 1);
        append_fmt(buf, cap, ")");
        break;
    }
}

static void random_part(rng *r, part *p) {
    p->num_rows = (int)pick(r, 1, 24);
    int null_pct[NUM_COLS];
    for (int c = 0; c < NUM_COLS; c++)
        null_pct[c] = (int)pick(r, 0, 3) * 20; /* 0..60 %, sometimes all */
    /* Partition-like columns are constant within a part, most of the time. */
    bool constant_partition = pick(r, 0, 3) != 0;
    int64_t date_value = day(2025, 11, (int)pick(r, 18, 22));
    int product = (int)pick(r, 5, 7);
    for (int row = 0; row < p->num_rows; row++) {
        for (int c = 0; c < NUM_COLS; c++) {
            p->is_null[row][c] = pick(r, 0, 99) < null_pct[c];
            p->w[row][c] = (int)pick(r, 0, NUM_WORDS - 1);
            p->i[row][c] = pick(r, -3, 3);
        }
        if (constant_partition) {
            p->is_null[row][C_DATE] = p->is_null[row][C_PRODUCT] = false;
            p->i[row][C_DATE] = date_value;
            p->w[row][C_PRODUCT] = product;
        } else {
            p->i[row][C_DATE] = day(2025, 11, (int)pick(r, 18, 22));
        }
        p->i[row][C_TIME] = (day(2025, 11, 26) * 86400 + pick(r, 0, 4 * 3600)) * 1000000;
        p->i[row][C_DEC] = pick(r, -300, 300);
        p->i[row][C_B] = pick(r, 0, 1);
        int64_t k = pick(r, 0, 9);
        p->d[row] = k == 0   ? NAN
                    : k == 1 ? -0.0
                    : k == 2 ? 0.0
                    : k == 3 ? INFINITY
                             : (double)pick(r, -4, 4) / 2;
    }
}

static void build_batch(const part *p, ff_batch *batch) {
    ff_error err;
    ff_batch_init(batch, NUM_COLS, &err);
    batch->num_rows = p->num_rows;
    for (int c = 0; c < NUM_COLS; c++) {
        ff_vector *vec = &batch->columns[c];
        ff_vector_init(vec, &fields[c].type);
        ff_vector_reserve(vec, p->num_rows, 32 * 16, true, &err);
        int32_t width = ff_type_value_width(&fields[c].type);
        for (int row = 0; row < p->num_rows; row++) {
            uint8_t *dst = width ? vec->values + row * width : NULL;
            if (p->is_null[row][c]) {
                vec->validity[row >> 3] &= (uint8_t) ~(1u << (row & 7));
                vec->null_count++;
                if (dst)
                    memset(dst, 0, (size_t)width);
                else
                    vec->offsets[row + 1] = (int64_t)vec->values_len;
                continue;
            }
            switch (fields[c].type.physical) {
            case FF_PHYSICAL_BOOLEAN:
                *dst = (uint8_t)p->i[row][c];
                break;
            case FF_PHYSICAL_INT32: {
                int32_t v = (int32_t)p->i[row][c];
                memcpy(dst, &v, 4);
                break;
            }
            case FF_PHYSICAL_INT64:
                memcpy(dst, &p->i[row][c], 8);
                break;
            case FF_PHYSICAL_DOUBLE:
                memcpy(dst, &p->d[row], 8);
                break;
            default: {
                const char *s = words[p->w[row][c]];
                size_t len = strlen(s);
                memcpy(vec->values + vec->values_len, s, len);
                vec->values_len += len;
                vec->offsets[row + 1] = (int64_t)vec->values_len;
                break;
            }
            }
        }
        vec->length = p->num_rows;
    }
}

/* Facts as a writer would record them, with random gaps and truncation. */
static void compute_facts(rng *r, const part *p, ff_column_facts *facts, char (*trunc)[2][16]) {
    for (int c = 0; c < NUM_COLS; c++) {
        ff_column_facts *f = &facts[c];
        ff_column_facts_init(f);
        int nulls = 0, nans = 0, first = -1;
        for (int row = 0; row < p->num_rows; row++) {
            if (p->is_null[row][c]) {
                nulls++;
                continue;
            }
            if (c == C_D && isnan(p->d[row])) {
                nans++;
                continue;
            }
            first = first < 0 ? row : first;
        }
        if (pick(r, 0, 4) != 0)
            f->null_count = nulls;
        if (c == C_D && pick(r, 0, 1))
            f->nan_count = nans;
        /* A column whose value is the same in every row may be a partition value. */
        bool constant = true;
        for (int row = 1; row < p->num_rows; row++)
            if (p->is_null[row][c] != p->is_null[0][c] ||
                (c == C_D                       ? memcmp(&p->d[row], &p->d[0], 8) != 0
                 : (c == C_PRODUCT || c == C_S) ? p->w[row][c] != p->w[0][c]
                                                : p->i[row][c] != p->i[0][c]))
                constant = false;
        if (constant && pick(r, 0, 1)) {
            f->is_exact = true;
            f->value.is_null = p->is_null[0][c];
            f->value.i64 = p->i[0][c];
            f->value.b = p->i[0][c] != 0;
            f->value.f64 = p->d[0];
            f->value.bytes = (const uint8_t *)words[p->w[0][c]];
            f->value.len = strlen(words[p->w[0][c]]);
            continue;
        }
        if (first < 0 || pick(r, 0, 5) == 0)
            continue;
        f->has_min_max = true;
        f->is_min_exact = f->is_max_exact = true;
        int lo = first, hi = first;
        for (int row = 0; row < p->num_rows; row++) {
            if (p->is_null[row][c] || (c == C_D && isnan(p->d[row])))
                continue;
            bool less, greater;
            if (c == C_D) {
                less = p->d[row] < p->d[lo];
                greater = p->d[row] > p->d[hi];
            } else if (c == C_PRODUCT || c == C_S) {
                less = strcmp(words[p->w[row][c]], words[p->w[lo][c]]) < 0;
                greater = strcmp(words[p->w[row][c]], words[p->w[hi][c]]) > 0;
            } else {
                less = p->i[row][c] < p->i[lo][c];
                greater = p->i[row][c] > p->i[hi][c];
            }
            if (less)
                lo = row;
            if (greater)
                hi = row;
        }
        f->min.i64 = p->i[lo][c];
        f->max.i64 = p->i[hi][c];
        f->min.b = p->i[lo][c] != 0;
        f->max.b = p->i[hi][c] != 0;
        f->min.f64 = p->d[lo];
        f->max.f64 = p->d[hi];
        if (c == C_PRODUCT || c == C_S) {
            const char *smin = words[p->w[lo][c]], *smax = words[p->w[hi][c]];
            snprintf(trunc[c][0], 16, "%s", smin);
            snprintf(trunc[c][1], 16, "%s", smax);
            /* Writers may truncate long statistics to a prefix. */
            if (strlen(smin) > 1 && pick(r, 0, 2) == 0) {
                trunc[c][0][1] = 0;
                f->is_min_exact = false;
            }
            if (strlen(smax) > 1 && pick(r, 0, 2) == 0) {
                trunc[c][1][1] = 0;
                f->is_max_exact = false;
            }
            f->min.bytes = (const uint8_t *)trunc[c][0];
            f->min.len = strlen(trunc[c][0]);
            f->max.bytes = (const uint8_t *)trunc[c][1];
            f->max.len = strlen(trunc[c][1]);
        }
    }
}

FF_TEST(soundness_property) {
    define_schema();
    rng r = {0x12345678abcdefULL};
    int iterations = 0, verdict_false = 0, verdict_true = 0, skipped_errors = 0;
    for (int iter = 0; iter < 4000; iter++) {
        char text[2048] = "";
        gen_pred(&r, text, sizeof text, 0);
        part p;
        random_part(&r, &p);
        ff_column_facts facts[NUM_COLS];
        char trunc[NUM_COLS][2][16];
        compute_facts(&r, &p, facts, trunc);
        ff_expr *expr = compile(text, ff_test_failures);
        if (!expr)
            continue;
        ff_expr_truth verdict = ff_expr_analyze(expr, facts, pick(&r, 0, 3) ? p.num_rows : -1);
        ff_batch batch;
        build_batch(&p, &batch);
        ff_selection sel;
        ff_selection_init(&sel);
        ff_error err;
        if (ff_expr_filter(expr, &batch, &sel, &err) != FF_OK) {
            skipped_errors++;
        } else {
            iterations++;
            if (verdict == FF_EXPR_ALWAYS_FALSE) {
                verdict_false++;
                if (sel.num_rows != 0)
                    FF_FAIL_AT("ALWAYS_FALSE but %lld of %d rows match: %s",
                               (long long)sel.num_rows, p.num_rows, text);
            } else if (verdict == FF_EXPR_ALWAYS_TRUE) {
                verdict_true++;
                if (sel.num_rows != p.num_rows)
                    FF_FAIL_AT("ALWAYS_TRUE but %lld of %d rows match: %s", (long long)sel.num_rows,
                               p.num_rows, text);
            }
        }
        ff_selection_free(&sel);
        ff_batch_free(&batch);
        ff_expr_free(expr);
        if (*ff_test_failures > 5)
            break;
    }
    printf("range property: %d parts checked, %d ALWAYS_FALSE, %d ALWAYS_TRUE, %d skipped "
           "(evaluation error)\n",
           iterations, verdict_false, verdict_true, skipped_errors);
    EXPECT_TRUE(verdict_false > iterations / 20);
    EXPECT_TRUE(verdict_true > iterations / 50);
}

FF_TEST_MAIN(FF_CASE(partition_pruning), FF_CASE(row_group_time_pruning),
             FF_CASE(conservative_corners), FF_CASE(soundness_property))
