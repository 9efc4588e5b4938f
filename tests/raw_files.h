/* raw_files.h -- reading the bundled published files in tests, with
 * table.h and number.h only, so hand computations stay independent of the
 * importer and aggregate.c.  Header-only (static inline): include it in
 * the test programs that need it. */
#ifndef WM_RAW_FILES_H
#define WM_RAW_FILES_H

#include "error.h"
#include "number.h"
#include "table.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline double round_to(double v, int decimals)
{
    double f = pow(10, decimals);
    return round(v * f) / f;
}

/* ---- Raw files, read here with table.h and number.h only ---- */

static inline wm_table *raw(const char *rel)
{
    wm_error err;
    wm_table *t = wm_table_read(wm_test_home_path(rel), &err);
    if (!t) fprintf(stderr, "%s\n", err.msg);
    CHECK(t != NULL);
    return t;
}

static inline int col(const wm_table *t, const char *name)
{
    wm_error err;
    int c = wm_table_require_column(t, name, &err);
    if (c < 0) fprintf(stderr, "%s\n", err.msg);
    CHECK(c >= 0);
    return c;
}

/* Row whose column `c` is `code`, or -1. */
static inline long find_row(const wm_table *t, int c, const char *code)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(wm_table_cell(t, r, c), code) == 0) return (long)r;
    return -1;
}

static inline double num_at(const wm_table *t, long r, int c)
{
    double v = NAN;
    if (r < 0 || wm_number_parse(wm_table_cell(t, (size_t)r, c), &v) != WM_NUM_VALUE) return NAN;
    return v;
}

/* A lookup (child code -> parent code) as parallel arrays. */
typedef struct lookup { size_t n; const char **child, **parent; wm_table *t; } lookup;

static inline lookup read_lookup(const char *rel, const char *child, const char *parent)
{
    lookup l = { 0 };
    l.t = raw(rel);
    if (!l.t) return l;
    int cc = col(l.t, child), pc = col(l.t, parent);
    l.n = l.t->nrows;
    l.child = malloc(l.n * sizeof *l.child);
    l.parent = malloc(l.n * sizeof *l.parent);
    for (size_t r = 0; r < l.n; r++) {
        l.child[r] = wm_table_cell(l.t, r, cc);
        l.parent[r] = wm_table_cell(l.t, r, pc);
    }
    return l;
}

static inline const char *lookup_get(const lookup *l, const char *child)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->child[i], child) == 0) return l->parent[i];
    return NULL;
}

static inline void free_lookup(lookup *l)
{
    free(l->child);
    free(l->parent);
    wm_table_free(l->t);
}

#endif
