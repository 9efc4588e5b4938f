#include "area_set.h"
#include "home.h"
#include "recipe.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

int wm_area_set_run(const wm_area_set_options *o, const wm_area_store *st, wm_figureset_result *res,
                    wm_error *err)
{
    memset(res, 0, sizeof *res);
    char recipe_path[PATH_MAX];
    if (o->recipe) snprintf(recipe_path, sizeof recipe_path, "%s", o->recipe);
    else wm_home_path(WM_AREA_RECIPE, recipe_path, sizeof recipe_path);
    int rc = 0;
    wm_recipe *r = wm_recipe_read(recipe_path, err);
    if (!r) {
        rc = err->code;
        goto done;
    }
    int several = st->area.n > 1;
    char wards[PATH_MAX + 16], lsoa11[PATH_MAX + 16], lsoa21[PATH_MAX + 16], outline[PATH_MAX + 16], stem[128];
    snprintf(wards, sizeof wards, "%s:ward25", st->layers);
    snprintf(lsoa11, sizeof lsoa11, "%s:lsoa11", st->layers);
    snprintf(lsoa21, sizeof lsoa21, "%s:lsoa21", st->layers);
    snprintf(outline, sizeof outline, "%s:%s", st->layers, several ? "lad25" : "ward25");
    snprintf(stem, sizeof stem, "%s", st->area.stem);
    const wm_recipe_param params[] = {
        { "area_name", st->area.name },
        { "area_code", st->area.code },
        { "store", st->store },
        { "wards", wards },
        { "lsoa11", lsoa11 },
        { "lsoa21", lsoa21 },
        { "outline", outline },
        { "outline_key", several ? "LAD25CD" : "WD25CD" },
        { "outline_name", several ? "LAD25NM" : "WD25NM" },
        { "file_stem", stem },
    };
    if (wm_recipe_bind(r, params, sizeof params / sizeof *params, err) != 0) {
        rc = err->code;
        goto done;
    }
    if (o->dry_run) {
        for (size_t i = 0; i < r->n && rc == 0; i++) {
            wm_recipe_job job;
            if (wm_recipe_job_build(r, &r->sections[i], o->figures.outdir ? o->figures.outdir : "out", &job, err) != 0) {
                rc = err->code;
                break;
            }
            wm_recipe_job_print(&job, o->dry_run_out ? o->dry_run_out : stdout);
            wm_recipe_job_free(&job);
        }
        goto done;
    }
    wm_figureset_options fo = o->figures;
    fo.store_path = st->store;
    rc = wm_figureset_run(r, &fo, res, err);
done:
    wm_recipe_free(r);
    return rc;
}
