/* area_set.h -- the figure set of any authority in England, from the
 * national files: `wardmap figures --area AREA`.
 *
 * Given the area's store, built from the national files by
 * wm_area_store_build() (store_area.h), makes the bundled generic recipe
 * (WM_AREA_RECIPE, styles/area.recipe) for it: the recipe's ${name}
 * parameters (wm_recipe_bind) are set to the area's name, code, store,
 * and the layers cut out for it, so every title, legend reference,
 * caption and file names the area, and nothing of another area's.
 *
 * For one district the maps are outlined by its wards, with their
 * names; for several (a county) by the districts, and the reference
 * value is the whole area's (the county's, when the districts make one).
 */
#ifndef WM_AREA_SET_H
#define WM_AREA_SET_H

#include "error.h"
#include "figureset.h"
#include "store_area.h"

#include <stdio.h>

#define WM_AREA_RECIPE "styles/area.recipe"

typedef struct wm_area_set_options {
    const char *recipe;      /* NULL: WM_AREA_RECIPE under the home */
    wm_figureset_options figures;   /* outdir, force, jobs, progress, log, binary (store_path is set here) */
    int dry_run;             /* bind and print each item's command line on `dry_run_out`; make nothing */
    FILE *dry_run_out;
} wm_area_set_options;

/* Make the set for the area whose store wm_area_store_build() made.
 * `res` gets the figure set's result (free it with
 * wm_figureset_result_free() in every case).  Returns as
 * wm_figureset_run(). */
int wm_area_set_run(const wm_area_set_options *o, const wm_area_store *store, wm_figureset_result *res,
                    wm_error *err);

#endif
