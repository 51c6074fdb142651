/* The command table of the fluxforge CLI. A command is a function taking its own argv
 * (argv[0] is the command name) and returning an exit status. Adding a command is one line
 * in FF_CLI_COMMAND_LIST and one cli_<name>.c file. */
#ifndef FF_CLI_H
#define FF_CLI_H

enum { FF_EXIT_OK = 0, FF_EXIT_FAILED = 1, FF_EXIT_USAGE = 2 };

typedef struct ff_cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} ff_cli_command;

int ff_cli_version(int argc, char **argv);
int ff_cli_schema(int argc, char **argv);
int ff_cli_inspect(int argc, char **argv);
int ff_cli_cat(int argc, char **argv);
int ff_cli_fingerprint(int argc, char **argv);
int ff_cli_copy(int argc, char **argv);
int ff_cli_recover(int argc, char **argv);
int ff_cli_verify(int argc, char **argv);
int ff_cli_backups(int argc, char **argv);
int ff_cli_delete(int argc, char **argv);
int ff_cli_update(int argc, char **argv);
int ff_cli_upsert(int argc, char **argv);
int ff_cli_dedup(int argc, char **argv);
int ff_cli_compact(int argc, char **argv);
int ff_cli_repartition(int argc, char **argv);

#define FF_CLI_COMMAND_LIST(X)                                                                     \
    X("version", ff_cli_version, "print the version")                                              \
    X("schema", ff_cli_schema, "print the Parquet schema of a file or dataset")                    \
    X("inspect", ff_cli_inspect, "files, partitions, rows, bytes, statistics, small files")        \
    X("cat", ff_cli_cat, "print rows as a table, CSV or canonical JSON lines")                     \
    X("fingerprint", ff_cli_fingerprint, "order-independent content fingerprint")                  \
    X("copy", ff_cli_copy, "rewrite a file or dataset with another codec, page or row-group size") \
    X("recover", ff_cli_recover, "finish or undo what a crash left behind")                        \
    X("verify", ff_cli_verify, "check a dataset's structure, tool state and files")                \
    X("backups", ff_cli_backups, "list, restore, drop or prune backups")                           \
    X("delete", ff_cli_delete, "delete the rows matching --where")                                 \
    X("update", ff_cli_update, "set columns of the rows matching --where")                         \
    X("upsert", ff_cli_upsert, "merge rows by key: update matches, insert the rest")               \
    X("dedup", ff_cli_dedup, "keep one row per key")                                               \
    X("compact", ff_cli_compact, "merge the small files of each partition")                        \
    X("repartition", ff_cli_repartition, "lay a dataset out by other partition columns")

#endif
