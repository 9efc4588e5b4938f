/* args.h -- the options of every wardmap operation, and their parser.
 *
 * Each operation describes its options in a table of wm_option and gets
 * back a wm_args it queries by long name; its own module then turns that
 * into a typed specification (as GDAL's gdal_utils.h does with
 * GDALVectorTranslateOptionsNew).  The same table prints --help, so usage
 * text and parser cannot disagree, and says which options name input and
 * output files, so a recipe resolves and watches them without keeping
 * lists of its own.
 *
 * A wm_args is filled either from a command line (wm_args_parse) or one
 * option at a time (wm_args_set: a recipe section, a small-multiples
 * panel), never by building an argv.
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

/* An option's kind, or'ed with at most one role. */
enum { WM_OPT_FLAG = 0, WM_OPT_VALUE = 1, WM_OPT_REPEAT = 2 };
enum {
    WM_OPT_INPUT = 0x10,   /* its value is an input file (FILE[:LAYER]) */
    WM_OPT_OUTPUT = 0x20   /* its value is an output file */
};
#define WM_OPT_KIND(k) ((k) & 0x0f)

typedef struct wm_option {
    const char *name;      /* long name without "--" */
    char short_name;       /* 0 for none */
    int kind;              /* WM_OPT_FLAG, WM_OPT_VALUE or WM_OPT_REPEAT, | a role */
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
    char **owned;          /* copies made by wm_args_set and wm_args_copy */
    int nowned;
} wm_args;

/* Parse argv[1..argc-1] (argv[0] is the command name) against `spec`.
 * Strings are borrowed from argv.  Unknown options, a missing value, or
 * too many positional words are WM_EXIT_USAGE errors naming the word;
 * on error nothing is left to free (wm_args_free is still allowed).
 * `max_positional` is the number of positional words allowed. */
int wm_args_parse(wm_args *a, const wm_option *spec, int argc, char **argv,
                  int max_positional, wm_error *err);

/* An empty set of options of `spec`; 0, or -1 when out of memory. */
int wm_args_init(wm_args *a, const wm_option *spec);

/* Give option `name` a value (copied): NULL for a flag.  A repeatable
 * option collects every value; any other keeps the last.  Errors
 * (WM_EXIT_USAGE): no such option, a value for a flag, no value for an
 * option that needs one. */
int wm_args_set(wm_args *a, const char *name, const char *value, wm_error *err);

/* Copy into `dst` every option of its table that `src` has (by name),
 * as given there: how one panel starts from the options its figure
 * shares.  0, or -1 when out of memory. */
int wm_args_copy(wm_args *dst, const wm_args *src);

/* The option named `name` in a table ending with a NULL name, or NULL. */
const wm_option *wm_option_find(const wm_option *spec, const char *name);

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
