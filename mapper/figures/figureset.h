/* figureset.h -- make every item of a recipe, and the page that shows them.
 *
 * Each recipe section becomes one item: its options (recipe.h) given to
 * its operation (operation.h), exactly the library call `wardmap render
 * ...` makes.
 *
 *   parallel     items run on `jobs` worker threads (default 2); each
 *                command reads and writes only its own files;
 *   up to date   an item is skipped when all its outputs exist and the
 *                oldest is no older than the newest of its inputs: the
 *                recipe, every file named in its options, the store and
 *                the wardmap binary (when given).  `force` runs all;
 *   failures     a failing item is reported ("recipe:LINE: [name] what
 *                went wrong") and the others still run; the result is
 *                WM_EXIT_PARTIAL when anything failed;
 *   messages     each item's report (join reports, warnings, "wrote ...")
 *                is printed when the item finishes, all its lines
 *                together: on stderr (results on stdout), or, while a
 *                progress bar is drawn, into <outdir>/figures.log so the
 *                bar stays readable; failure lines always go to `log`;
 *   progress     a bar on stderr when it is a terminal, nothing otherwise;
 *   warnings     an item made with warnings (a join that left some areas
 *                without a value, a palette that is not colour-blind
 *                safe) is counted in `warned`; the index shows each
 *                item's warnings, and the command line ends with a line
 *                naming those items;
 *   index        <outdir>/index.html listing every item (figure_index.h).
 */
#ifndef WM_FIGURESET_H
#define WM_FIGURESET_H

#include "error.h"
#include "operation.h"
#include "recipe.h"

#include <stdio.h>

typedef enum wm_item_state {
    WM_ITEM_PENDING,
    WM_ITEM_MADE,
    WM_ITEM_UP_TO_DATE,
    WM_ITEM_FAILED,
    WM_ITEM_NOT_POSSIBLE   /* an `optional` item the data cannot make (WM_EXIT_DATA): said, not a failure */
} wm_item_state;

typedef struct wm_figureset_options {
    const char *outdir;      /* NULL: "out" */
    int force;               /* run items even when up to date */
    int jobs;                /* worker threads; <= 0: 2 */
    int progress;            /* -1: a bar when stderr is a terminal; 0 never; 1 always */
    FILE *log;               /* failure lines go here; NULL: silent */
    const char *store_path;  /* the store, an input of every item that reads it (NULL: none) */
    const char *binary;      /* the wardmap binary, an input of every item (NULL: none) */
} wm_figureset_options;

typedef struct wm_figureset_item {
    const wm_recipe_section *section;
    wm_recipe_job job;
    wm_item_state state;
    wm_error err;            /* when FAILED: "recipe:LINE: [name] message" */
    wm_op_result result;     /* what the operation reported, read and made (when run) */
} wm_figureset_item;

typedef struct wm_figureset_result {
    size_t n;
    wm_figureset_item *items;     /* in recipe order */
    size_t made, up_to_date, failed;
    size_t not_possible;          /* optional items the area's data cannot make */
    size_t warned;                /* items made with warnings (a partial join, a palette, ...) */
    char index_path[4096];
} wm_figureset_result;

/* Run every section of `r` and write the index.  Returns 0 when all
 * items were made or up to date; WM_EXIT_PARTIAL (err says how many
 * failed) when some failed; another code when nothing could be run
 * (e.g. the output directory cannot be made) or the index could not be
 * written.  `res` is filled in every case; free it with
 * wm_figureset_result_free(). */
int wm_figureset_run(const wm_recipe *r, const wm_figureset_options *opt,
                     wm_figureset_result *res, wm_error *err);

/* The number of warnings in an item's report. */
size_t wm_figureset_item_warnings(const wm_figureset_item *it);

void wm_figureset_result_free(wm_figureset_result *res);

/* Whether every output exists and none is older than any input (a
 * missing input makes the item out of date, so the command reports it).
 * NULL entries are skipped. */
int wm_figureset_up_to_date(const char *const *inputs, size_t ninputs,
                            const char *const *outputs, size_t noutputs);

#endif
