/* What the range analysis (ff_expr_analyze) is told about a part of a dataset, shared by the
 * rewrite engine and by predicate scans (`cat --where`): a partition's directory values as
 * exact facts, and a row group's column chunk statistics as min/max facts (DESIGN.md §6: the
 * same analysis prunes partitions and row groups).
 *
 * Both builders take a flat list of fields (a file's eval schema or the dataset's union
 * schema) so that the engine and a scan, which lay their fields out differently, feed the
 * analysis the same facts. */
#include "ops/ops_internal.h"

#include "util/check.h"

#include <string.h>

ff_status ops_row_group_facts(ff_reader *reader, int32_t row_group_idx, int64_t num_rows,
                              const ff_field *fields, int32_t num_fields,
                              const int32_t *leaf_columns, int32_t num_file_columns,
                              ff_column_facts *facts, ff_error *err) {
    for (int32_t field_idx = 0; field_idx < num_fields; field_idx++) {
        ff_column_facts_init(&facts[field_idx]);
        int32_t leaf = leaf_columns ? leaf_columns[field_idx]
                                    : (field_idx < num_file_columns ? field_idx : -1);
        if (leaf < 0) {
            /* The file lacks the column: every row reads it as NULL. */
            facts[field_idx].is_exact = true;
            facts[field_idx].value.is_null = true;
            continue;
        }
        ff_column_stats stats;
        FF_FORWARD_IF_ERROR(ff_reader_column_stats(reader, row_group_idx, leaf, &stats, err));
        ops_facts_from_stats(&fields[field_idx].type, &stats, num_rows, &facts[field_idx]);
    }
    return FF_OK;
}

void ops_partition_facts(const ff_field *fields, const int32_t *partition_fields,
                         const ff_discovery *discovery, const ff_dataset_file *file,
                         ff_column_facts *facts) {
    for (size_t col = 0; col < discovery->num_partition_columns; col++) {
        int32_t field_idx = partition_fields[col];
        if (field_idx < 0)
            continue;
        ff_scalar scalar;
        /* A directory value the column's type cannot read (a typo, another writer's text
         * form) tells the analysis nothing rather than something false. */
        if (ops_partition_scalar(&fields[field_idx].type, &file->values[col], &scalar)) {
            ff_column_facts_init(&facts[field_idx]);
            facts[field_idx].is_exact = true;
            facts[field_idx].value = scalar;
        }
    }
}
