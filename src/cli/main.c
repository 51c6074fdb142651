/* The fluxforge command: dispatches the first argument to a command in this folder. Exit
 * status: 0 done, 1 the operation failed and nothing changed, 2 bad usage or bad input. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const ff_cli_command commands[] = {
#define FF_CLI_COMMAND_ENTRY(name, fn, summary) {name, fn, summary},
    FF_CLI_COMMAND_LIST(FF_CLI_COMMAND_ENTRY)
#undef FF_CLI_COMMAND_ENTRY
};

static void print_usage(FILE *out) {
    fprintf(out, "usage: fluxforge COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? FF_EXIT_USAGE : FF_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "fluxforge: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return FF_EXIT_USAGE;
}
