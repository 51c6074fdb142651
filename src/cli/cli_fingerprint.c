/* `fluxforge fingerprint PATH`: the order-independent content fingerprint of a file, or of a
 * dataset (the wrapping sum over its files, which equals the sum over all its rows), as 16
 * lowercase hex digits. The definition is ../shared/corpus/README.md's, so the output can be
 * compared with the corpus's expected files and with a dataset before and after a rewrite. */
#include "cli/cli.h"
#include "cli/cli_common.h"

#include <fluxforge/reader.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int ff_cli_fingerprint(int argc, char **argv) {
    if (argc != 2 || argv[1][0] == '-') {
        if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            printf("usage: fluxforge fingerprint PATH\n");
            return FF_EXIT_OK;
        }
        ff_cli_error("usage: fluxforge fingerprint PATH");
        return FF_EXIT_USAGE;
    }
    ff_cli_files files;
    if (!ff_cli_collect_files(argv[1], &files))
        return FF_EXIT_USAGE;
    int exit_code = FF_EXIT_OK;
    uint64_t sum = 0;
    for (size_t file_idx = 0; file_idx < files.count; file_idx++) {
        ff_error err;
        ff_error_clear(&err);
        ff_reader *reader = NULL;
        uint64_t file_sum = 0;
        ff_status status = ff_reader_open(files.paths[file_idx], NULL, &reader, &err);
        if (status == FF_OK)
            status = ff_reader_fingerprint(reader, &file_sum, NULL, &err);
        ff_reader_free(reader);
        if (status != FF_OK) {
            ff_cli_error("%s", err.message);
            exit_code = FF_EXIT_USAGE;
            break;
        }
        sum += file_sum;
    }
    if (exit_code == FF_EXIT_OK)
        printf("%016" PRIx64 "\n", sum);
    ff_cli_files_free(&files);
    return exit_code;
}
