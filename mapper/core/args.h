/* args.h -- the option parser every wardmap command shares.
 *
 * Each command describes its options in a table of wm_option and gets
 * back a wm_args it queries by long name.  The same table prints the
 * command's --help, so usage text and parser cannot disagree.  Commands
 * are library calls taking argv (as in GDAL's gdal_utils.h), which lets
 * the recipe runner and the tests run exactly what the command line runs.
 *
 * Syntax: "--name value", "--name=value", "-x value" for options with a
 * short letter, "--flag" for flags; "--" ends options; other words are
 * positional.  An option given twice keeps its last value, except those
 * marked WM_OPT_REPEAT, which collect every value.
 */
#ifndef WM_ARGS_H
#define WM_ARGS_H

#include "error.h"
#include <stdio.h>

enum { WM_OPT_FLAG = 0, WM_OPT_VALUE = 1, WM_OPT_REPEAT = 2 };

typedef struct wm_option {
    const char *name;      /* long name without "--" */
    char short_name;       /* 0 for none */
    int kind;              /* WM_OPT_FLAG, WM_OPT_VALUE or WM_OPT_REPEAT */
    const char *metavar;   /* e.g. "FILE[:LAYER]", NULL for flags */
    const char *help;      /* one line */
} wm_option;               /* tables end with an entry whose name is NULL */

#define WM_MAX_POSITIONAL 16

typedef struct wm_args {
    const wm_option *spec;
    int nspec;
    const char **value;    /* per spec entry: last value, "" for a set flag, NULL if absent */
    int *count;            /* per spec entry: times given */
    const char ***all;     /* per spec entry: every value given (WM_OPT_REPEAT) */
    int npos;
    const char *pos[WM_MAX_POSITIONAL];
    int help;              /* --help or -h was given */
} wm_args;

/* Parse argv[1..argc-1] (argv[0] is the command name) against `spec`.
 * Strings are borrowed from argv.  Unknown options, a missing value, or
 * too many positional words are WM_EXIT_USAGE errors naming the word.
 * `max_positional` is the number of positional words allowed. */
int wm_args_parse(wm_args *a, const wm_option *spec, int argc, char **argv,
                  int max_positional, wm_error *err);

/* The value of option `name`, or `fallback` when it was not given. */
const char *wm_args_get(const wm_args *a, const char *name, const char *fallback);

/* Whether option or flag `name` was given. */
int wm_args_has(const wm_args *a, const char *name);

/* Every value of a WM_OPT_REPEAT option; *n receives the count. */
const char **wm_args_all(const wm_args *a, const char *name, int *n);

/* Integer and number values, with range checks; a malformed value is a
 * WM_EXIT_USAGE error naming the option. */
int wm_args_int(const wm_args *a, const char *name, int fallback, int lo, int hi,
                int *out, wm_error *err);
int wm_args_double(const wm_args *a, const char *name, double fallback, double *out,
                   wm_error *err);

/* Parse "A,B,C" into at most `max` numbers; returns the count or -1.
 * Each item is a decimal number (sign, digits, decimal point, exponent;
 * spaces around it are allowed).  Refused, with -1: an empty item
 * ("10,,20", "10,20,", ""), hex ("0x10"), "inf", "nan", anything
 * else strtod would take, and more than `max` items. */
int wm_parse_number_list(const char *text, double *out, int max);

/* Print "usage: wardmap CMD SYNOPSIS", the description and the option
 * table to `fp`. */
void wm_args_usage(FILE *fp, const char *command, const char *synopsis,
                   const char *description, const wm_option *spec);

void wm_args_free(wm_args *a);

#endif
