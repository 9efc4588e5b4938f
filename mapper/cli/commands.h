/* commands.h -- the wardmap commands, each a library call.
 *
 * Every command takes its arguments as an argv list (argv[0] is the
 * command's name) and returns 0 or fills `err` and returns its exit
 * status.  The front end (wardmap.c) only finds the command and prints
 * the error; the recipe runner calls the same functions.
 */
#ifndef WM_COMMANDS_H
#define WM_COMMANDS_H

#include "args.h"
#include "error.h"

typedef int (*wm_command_fn)(int argc, char **argv, wm_error *err);

typedef struct wm_command {
    const char *name;
    wm_command_fn run;
    const char *summary;     /* one line for `wardmap --help` */
    const wm_option *options;/* its option table (recipes check their keys against it) */
} wm_command;

/* The table of commands, ending with a NULL name. */
extern const wm_command wm_commands[];

/* Find a command by name; NULL if there is none. */
const wm_command *wm_command_find(const char *name);

/* Run a command by name with argv (argv[0] = name). */
int wm_command_run(int argc, char **argv, wm_error *err);

/* Each command's option table, defined beside the command. */
extern const wm_option wm_render_options[], wm_figures_options[], wm_import_options[],
    wm_indicators_options[], wm_table_options[], wm_export_options[], wm_rank_options[], wm_profile_options[],
    wm_localities_options[];

/* Run the library operation `name` (operation.h) from a command line:
 * parse argv against its options, print --help (with `synopsis` and
 * `description`) or run it, then print its report (notes and warnings on
 * stderr, results on stdout) and check that standard output took every
 * byte. */
int wm_cli_operation(const char *name, const char *synopsis, const char *description, int argc, char **argv,
                     wm_error *err);

/* The same for an operation that takes one positional word (AREA), given
 * to the option `positional` ("area") as if written --area WORD. */
int wm_cli_operation_positional(const char *name, const char *synopsis, const char *description,
                                const char *positional, int argc, char **argv, wm_error *err);

/* The option named `name` in a command's table, or NULL. */
const wm_option *wm_command_option(const wm_command *c, const char *name);

int wm_cmd_render(int argc, char **argv, wm_error *err);     /* cmd_render.c */
int wm_cmd_figures(int argc, char **argv, wm_error *err);    /* cmd_figures.c */
int wm_cmd_import(int argc, char **argv, wm_error *err);     /* cmd_store.c */
int wm_cmd_indicators(int argc, char **argv, wm_error *err); /* cmd_store.c */
int wm_cmd_table(int argc, char **argv, wm_error *err);      /* cmd_store.c */
int wm_cmd_export(int argc, char **argv, wm_error *err);     /* cmd_export.c */
int wm_cmd_rank(int argc, char **argv, wm_error *err);       /* cmd_rank.c */
int wm_cmd_profile(int argc, char **argv, wm_error *err);    /* cmd_profile.c */
int wm_cmd_localities(int argc, char **argv, wm_error *err); /* cmd_localities.c */

#endif
