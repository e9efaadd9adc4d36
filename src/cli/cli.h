/*
 * cli.h - the subcommands of the zhenwu binary and their shared helpers.
 */
#ifndef ZW_CLI_H
#define ZW_CLI_H

#include <stdbool.h>

#include "domain/domain.h"

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* The value after flag at argv[*i] (advancing *i), or NULL with a message. */
const char *cli_arg(int argc, char **argv, int *i);
/* Prints a Chinese error line for err to stderr and returns exit code 1. */
int cli_fail(const struct error *err);
/*
 * The defs/ directory: $ZHENWU_DEFS, else ./defs, else defs/ next to the
 * binary or up to two levels above it (build/asan/zhenwu in a checkout).
 */
const char *cli_defs_dir(void);
/* The command line's principal: may do and grant anything. */
extern const struct principal cli_principal;
/* A domain context for the command line on db. */
void cli_zctx(struct zctx *z, struct db *db, struct arena *a);

#endif
