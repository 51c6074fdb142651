#include "cli/cli.h"
int ff_cli_upsert(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return 2;
}
