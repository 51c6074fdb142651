/* `fluxforge version`. */
#include "cli/cli.h"

#include <stdio.h>

int ff_cli_version(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("fluxforge 0.1.0\n");
    return FF_EXIT_OK;
}
