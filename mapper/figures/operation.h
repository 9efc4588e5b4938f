/* operation.h -- the operations a recipe section (and the command line)
 * runs, by name: localities, render, export, table, rank and profile.
 *
 * Each is one library call on a typed specification parsed from its
 * options (figure.h, export.h, indicator_table.h, rank.h); this table
 * gives a recipe what it needs to know of them without running a
 * command: the option table (which keys exist, which are flags, which
 * name input and output files) and a run function taking parsed
 * options.  Nothing here builds an argv.
 */
#ifndef WM_OPERATION_H
#define WM_OPERATION_H

#include "args.h"
#include "error.h"
#include "report.h"
#include "text_table.h"

#include <stdio.h>

/* What an operation leaves besides its files. */
typedef struct wm_op_result {
    wm_report report;        /* its messages, the files it read, its sources */
    wm_text_table *table;    /* the table it made (table, rank), for an index page; or NULL */
} wm_op_result;

typedef struct wm_operation {
    const char *name;
    const char *summary;              /* one line for `wardmap --help` */
    const wm_option *options;
    /* Parse `args` into the operation's specification and run it, opening
     * the store (its --store, or the default one) at most once.  `out`
     * is where a table goes when no file is named (may be NULL). */
    int (*run)(const wm_args *args, FILE *out, wm_op_result *res, wm_error *err);
    /* 1: it prepares what the figures read (localities in the store), so
     * a figure set runs it first, alone, in recipe order. */
    int setup;
} wm_operation;

/* The table, ending with a NULL name. */
extern const wm_operation wm_operations[];

/* The operation called `name`, or NULL. */
const wm_operation *wm_operation_find(const char *name);

void wm_op_result_init(wm_op_result *res);
void wm_op_result_free(wm_op_result *res);

#endif
