/* FluxForge expressions: a small SQL expression language (DESIGN.md §6).
 *
 * Users say which rows to delete, what to set and how to derive a column in SQL, the language
 * every data engineer already writes:
 *
 *     product_id = 'BTC-USD' AND spread_bps > 500
 *     time >= TIMESTAMP '2025-11-26 10:00:00' AND side IN ('offer', 'ask')
 *     CASE WHEN qty < 0 THEN -qty ELSE qty END
 *
 * An expression is compiled once against a flat table schema (ff_table_schema): parsed,
 * name-resolved and typed. Compiling reports every mistake with FF_ERR_EXPR_SYNTAX or
 * FF_ERR_EXPR_TYPE and a message that starts with the byte offset into the text and says
 * what was expected, e.g. "at 17: unknown column 'sprd', did you mean 'spread'?".
 *
 * A compiled expression is then evaluated a batch at a time (ff_batch, the Arrow-layout
 * vectors of include/fluxforge/table.h), one operator over a block of rows at a time, with
 * SQL three-valued logic: a predicate selects the rows where it is TRUE (not FALSE, not
 * NULL); a value expression produces an ff_vector whose type can be written back into a
 * Parquet column. The same compiled predicate answers, from a partition's values or a row
 * group's min/max statistics, whether any row can match (ff_expr_analyze), which is how
 * partitions, files and row groups are skipped without extra flags.
 *
 * Language
 *   literals     42, 1.50 (DECIMAL), 1e-3 (DOUBLE), 'it''s', TRUE, FALSE, NULL,
 *                DATE '2025-11-26', TIMESTAMP '2025-11-26 10:00:00.5',
 *                INTERVAL '2' HOUR, INTERVAL 90 MINUTES (units: microsecond, millisecond,
 *                second, minute, hour, day, week; months and years have no fixed length and
 *                are refused)
 *   names        col, "col name" (quoted: exact; unquoted: exact first, then ASCII
 *                case-insensitive when that is unambiguous)
 *   operators    + - * / % ||  = <> != < <= > >=  AND OR NOT  IS [NOT] NULL
 *                IS [NOT] DISTINCT FROM  [NOT] IN (...)  [NOT] BETWEEN a AND b
 *                [NOT] LIKE / ILIKE pattern [ESCAPE 'c']  CASE [x] WHEN ... THEN ... [ELSE] END
 *                CAST(x AS type), x::type
 *   functions    coalesce nullif abs round floor ceil sqrt ln exp power least greatest
 *                lower upper length trim ltrim rtrim substr replace starts_with ends_with
 *                contains concat year quarter month day hour minute second dayofweek date
 *                date_trunc strftime epoch_ms
 *   cast types   BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, UTINYINT..UBIGINT, REAL/FLOAT,
 *                DOUBLE, DECIMAL(p,s), VARCHAR/TEXT/STRING, BLOB, DATE, TIME, TIMESTAMP,
 *                TIMESTAMPTZ, TIMESTAMP_MS, TIMESTAMP_NS
 *
 * Semantics follow DuckDB, checked by a differential test against it:
 *   - Integer arithmetic is done in 64 bits (every integer column widens to BIGINT); a result
 *     outside BIGINT is an error, as in DuckDB. DuckDB keeps narrower integer types and
 *     fails earlier (INTEGER + INTEGER overflows at 2^31); FluxForge does not.
 *   - `/` always divides as DOUBLE, as DuckDB's `/` does: 1 / 0 is +Infinity, 0 / 0 is NaN.
 *     `%` by zero gives NULL for integers and decimals and NaN for doubles. DOUBLE
 *     arithmetic follows IEEE 754 (overflow gives ±Infinity, never an error).
 *   - Decimals keep exact values up to 38 digits; a result that needs more is an error.
 *     (DuckDB multiplies two decimals of up to 18 digits in 64 bits and reports an overflow
 *     where FluxForge returns the exact product.)
 *   - NaN equals NaN and sorts above every other double; -0.0 equals 0.0 (DuckDB's order).
 *   - sqrt of a negative number and ln of zero or a negative number are errors.
 *   - Strings compare bytewise (UTF-8 code point order); lower/upper/ILIKE fold ASCII letters
 *     only; length and substr count code points.
 *   - Timestamps carry their unit and UTC flag; date/time functions compute in UTC.
 *   - A comparison between a column and a string literal reads the literal as the column's
 *     type: date = '2025-11-26' on a DATE column, time >= '2025-11-26 10:00' on a timestamp.
 *   - Evaluation errors (overflow, a CAST that cannot convert a value) return
 *     FF_ERR_EXPR_TYPE with the offset of the operator; rows not selected (the other branch of
 *     a CASE, rows an AND already excluded) are not evaluated and cannot fail.
 *
 * Threads: a compiled expression holds the scratch buffers its evaluation reuses from batch
 * to batch, so one ff_expr is used by one thread at a time; compile one per thread (compiling
 * is cheap). */
#ifndef FLUXFORGE_EXPR_H
#define FLUXFORGE_EXPR_H

#include <fluxforge/error.h>
#include <fluxforge/table.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled expression: typed tree plus evaluation scratch. Opaque. */
typedef struct ff_expr ff_expr;

typedef enum ff_expr_kind {
    FF_EXPR_VALUE = 0,     /* any result type */
    FF_EXPR_PREDICATE = 1, /* result must be BOOLEAN (or NULL) */
} ff_expr_kind;

typedef struct ff_expr_options {
    ff_expr_kind kind;
    /* When set, the value is converted to this column type, as an UPDATE ... SET col = expr
     * does. Conversions that cannot lose information silently are allowed (widening, integer
     * to decimal, DATE to TIMESTAMP; narrowing integers and decimals is checked per value);
     * others are refused at compile time with a message suggesting an explicit CAST. */
    const ff_type *target_type; /* borrowed for the compile call */
    const char *target_name;    /* column name for messages; borrowed for the compile call */
    size_t max_string_bytes;    /* cap on string scratch per block of rows; 0 means 1 GiB */
} ff_expr_options;

/* Fills options with defaults: a value expression with its natural result type. */
void ff_expr_options_init(ff_expr_options *options);

/* Parses and types `text` against `schema`. options may be NULL (defaults).
 * text and schema are borrowed for the call (names are copied).
 * @return FF_OK and *out (caller owns; free with ff_expr_free()), FF_ERR_EXPR_SYNTAX or
 *         FF_ERR_EXPR_TYPE with "at OFFSET: ..." in err, FF_ERR_NO_MEMORY. */
ff_status ff_expr_compile(const char *text, const ff_table_schema *schema,
                          const ff_expr_options *options, ff_expr **out, ff_error *err);

/* Releases the expression and its scratch. Accepts NULL. */
void ff_expr_free(ff_expr *expr);

/* The type of the values ff_expr_evaluate produces; owned by expr. A predicate is BOOLEAN.
 * A bare NULL has physical INT32 with FF_LOGICAL_NULL. */
const ff_type *ff_expr_result_type(const ff_expr *expr);

/* The schema field indices the expression reads, ascending, without duplicates, so that a
 * reader can decode only those columns. Owned by expr; *num_columns receives the count. */
const int32_t *ff_expr_columns(const ff_expr *expr, int32_t *num_columns);

/* A human-readable rendering of the typed tree, with implicit casts shown, for --explain.
 * Owned by expr; valid until ff_expr_free. */
const char *ff_expr_explain(const ff_expr *expr);

/* Row indices into a batch, ascending. */
typedef struct ff_selection {
    int64_t num_rows;
    uint32_t *rows; /* owned by the selection */
    size_t rows_cap;
} ff_selection;

void ff_selection_init(ff_selection *sel);
/* Releases the rows; the selection is empty and reusable afterwards. Accepts NULL. */
void ff_selection_free(ff_selection *sel);

/* Evaluates a predicate over every row of batch and stores in *sel the rows where it is TRUE.
 * The batch's columns follow the schema the expression was compiled against (only the
 * columns in ff_expr_columns are read); batch is borrowed for the call, sel is caller-owned
 * and reused (its memory grows as needed). Batches are limited to 2^32 - 1 rows.
 * @return FF_OK, FF_ERR_INVALID_ARGUMENT (not a predicate, batch shape does not match the
 *         schema), FF_ERR_EXPR_TYPE (an evaluation error such as an overflow),
 *         FF_ERR_NO_MEMORY, FF_ERR_LIMIT. */
ff_status ff_expr_filter(ff_expr *expr, const ff_batch *batch, ff_selection *sel, ff_error *err);

/* Evaluates the expression for every row of batch into *out, which is reset and given
 * ff_expr_result_type (or the target type of the options). out is caller-owned (initialise
 * with ff_vector_init; its buffers are reused across calls); batch is borrowed for the call.
 * @return as ff_expr_filter. */
ff_status ff_expr_evaluate(ff_expr *expr, const ff_batch *batch, ff_vector *out, ff_error *err);

/* ---- Range analysis ------------------------------------------------------------------- */

/* One typed value, in the storage of a column's ff_type: BOOLEAN in `b`; INT32 and INT64 in
 * `i64` (INT32 sign-extended from its 32 bits, whatever the logical type: an unsigned INT32
 * is reinterpreted by the analysis); FLOAT and DOUBLE in `f64`; BYTE_ARRAY,
 * FIXED_LEN_BYTE_ARRAY and INT96 in bytes/len (decimals big-endian, as in Parquet).
 * bytes are borrowed from whoever filled the scalar. */
typedef struct ff_scalar {
    bool is_null;
    bool b;
    int64_t i64;
    double f64;
    const uint8_t *bytes;
    size_t len;
} ff_scalar;

/* What is known about one column of a part (a partition, a file, a row group or a page).
 * Zero-initialised means nothing is known. Values have the column's schema type. */
typedef struct ff_column_facts {
    /* Every row holds `value` (a partition column; value.is_null for the default
     * partition). Overrides the fields below. */
    bool is_exact;
    ff_scalar value;
    /* Statistics. min and max must be in SQL order for the type (unsigned bytewise for
     * strings and binary, signed for decimals): a provider drops statistics that a writer
     * produced in another order. A min/max pair must exclude nulls. NaN in min or max is
     * ignored (the bound is treated as unknown). */
    bool has_min_max;
    ff_scalar min, max;
    bool is_min_exact;  /* false: min may be a truncated prefix (still a lower bound) */
    bool is_max_exact;  /* false: max may be truncated; only values < its prefix successor
                           are assumed */
    int64_t null_count; /* -1 unknown */
    int64_t nan_count;  /* -1 unknown: a float column may then hold NaN */
} ff_column_facts;

/* Fills facts with "nothing known" (null_count and nan_count -1). */
void ff_column_facts_init(ff_column_facts *facts);

typedef enum ff_expr_truth {
    FF_EXPR_ALWAYS_FALSE = 0, /* no row of the part can satisfy the predicate */
    FF_EXPR_MAYBE = 1,
    FF_EXPR_ALWAYS_TRUE = 2, /* every row of the part satisfies it (TRUE, not NULL) */
} ff_expr_truth;

/* Decides from facts alone whether a predicate can hold in a part of num_rows rows
 * (-1 unknown; 0 means the part is empty: ALWAYS_FALSE). facts has one entry per schema
 * field, in schema order (NULL: nothing known about any column); it is borrowed for the
 * call. The answer is sound: ALWAYS_FALSE only when no row can satisfy the predicate,
 * ALWAYS_TRUE only when every row does; anything not understood is MAYBE. Evaluation errors
 * inside the analysis (such as an overflow on an exact partition value) give MAYBE.
 * The expression's scratch is used, so the one-thread rule of evaluation applies. */
ff_expr_truth ff_expr_analyze(ff_expr *expr, const ff_column_facts *facts, int64_t num_rows);

/* "ALWAYS_FALSE", "MAYBE", "ALWAYS_TRUE". */
const char *ff_expr_truth_name(ff_expr_truth truth);

#ifdef __cplusplus
}
#endif
#endif
