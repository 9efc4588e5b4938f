/* wardmap figures: make every item of a recipe (figureset.h). */
#include "area_set.h"
#include "args.h"
#include "commands.h"
#include "figureset.h"
#include "home.h"
#include "recipe.h"
#include "store.h"
#include "store_bundled.h"
#include "text.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUNDLED_RECIPE "styles/coventry.recipe"

const wm_option wm_figures_options[] = {
    { "out", 0, WM_OPT_VALUE, "DIR", "output directory (default: out, under the current directory)" },
    { "force", 0, WM_OPT_FLAG, NULL, "remake every item, even those up to date (a store is rebuilt only when an input has changed)" },
    { "jobs", 'j', WM_OPT_VALUE, "N", "items made at once (default 2)" },
    { "dry-run", 'n', WM_OPT_FLAG, NULL, "print each item's wardmap command line and make nothing" },
    { "area", 0, WM_OPT_VALUE, "AREA", "make the set of any authority in England from the national files: a district's code (E06000016) or name (Leicester), a county's name, or a comma-separated list of districts" },
    { "national", 0, WM_OPT_VALUE, "DIR", "with --area: the folder holding the national boundaries and lookups, found by name at any depth (default: WARDMAP_NATIONAL)" },
    { "cache", 0, WM_OPT_VALUE, "DIR", "with --area: where the national layers are cached and the area stores kept (default: the folder of the default store)" },
    { NULL, 0, 0, NULL, NULL }
};

static const char figures_description[] =
    "Makes every figure, table, export and ranking a recipe lists (docs/recipe.md), in parallel,\n"
    "skipping those whose outputs are newer than all their inputs, and writes DIR/index.html\n"
    "showing them all.  With no RECIPE: the bundled Coventry set (" BUNDLED_RECIPE "), after\n"
    "building the indicator store if it is missing.  An item that fails does not stop the\n"
    "others; the exit status is then 5.\n\n"
    "With --area AREA: the same set for any authority in England (" WM_AREA_RECIPE "), after\n"
    "building its store from the national files under --national DIR (docs/area.md); outputs\n"
    "go to out/<area> unless --out is given.";

static int dry_run(const wm_recipe *r, const char *outdir, wm_error *err)
{
    for (size_t i = 0; i < r->n; i++) {
        wm_recipe_job job;
        if (wm_recipe_job_build(r, &r->sections[i], outdir, &job, err) != 0) return err->code;
        wm_recipe_job_print(&job, stdout);
        wm_recipe_job_free(&job);
    }
    return 0;
}

/* Whether an item takes values from the default store: it names no
 * store, or names the default one (`store = ${store}`). */
static int uses_default_store(const wm_recipe *r, const char *store)
{
    for (size_t i = 0; i < r->n; i++) {
        const wm_recipe_section *s = &r->sections[i];
        const char *named = wm_recipe_get(s, "store");
        if (named) {
            if (strcmp(named, store) == 0) return 1;
            continue;
        }
        if (s->kind == WM_RECIPE_RANK || s->kind == WM_RECIPE_TABLE || s->kind == WM_RECIPE_PROFILE ||
            wm_recipe_find(s, "indicator"))
            return 1;
    }
    return 0;
}

/* The folder of a file ("out/store.sqlite" -> "out"). */
static void folder_of(const char *file, char *out, size_t size)
{
    const char *slash = strrchr(file, '/');
    if (!slash) snprintf(out, size, ".");
    else snprintf(out, size, "%.*s", (int)(slash - file), file);
}

/* figures --area AREA: the area's store, then the generic recipe. */
static int run_area(const wm_args *a, int jobs, wm_error *err)
{
    if (a->npos > 0)
        return wm_error_set(err, WM_EXIT_USAGE, "--area makes the bundled generic recipe; give no RECIPE with it");
    char store[PATH_MAX], work[PATH_MAX], self[PATH_MAX], outdir[PATH_MAX];
    wm_store_default_path(store, sizeof store);
    folder_of(store, work, sizeof work);
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) self[len] = '\0';
    wm_area_build_options bo = { .national = wm_args_get(a, "national", NULL), .work_dir = wm_args_get(a, "cache", work),
                                 .binary = len > 0 ? self : NULL };
    /* --force remakes the figures; the store, like the default one, is
     * rebuilt only when an input is newer (store_area.h says which). */
    wm_report report;
    wm_report_init(&report);
    wm_area_store st;
    int rc = wm_area_store_build(wm_args_get(a, "area", NULL), &bo, &st, &report, err);
    wm_report_print(&report, stdout, stderr);
    wm_report_free(&report);
    if (rc != 0) return err->code ? err->code : WM_EXIT_DATA;
    /* The outputs go to out/<area> unless named. */
    if (wm_args_get(a, "out", NULL)) snprintf(outdir, sizeof outdir, "%s", wm_args_get(a, "out", NULL));
    else snprintf(outdir, sizeof outdir, "out/%s", st.area.stem);
    wm_area_set_options o = {
        .figures = { .outdir = outdir, .force = wm_args_has(a, "force"), .jobs = jobs, .progress = -1,
                     .log = stderr, .binary = bo.binary },
        .dry_run = wm_args_has(a, "dry-run"),
        .dry_run_out = stdout,
    };
    wm_figureset_result res;
    rc = wm_area_set_run(&o, &st, &res, err);
    wm_figureset_result_free(&res);
    wm_area_store_free(&st);
    return rc;
}

int wm_cmd_figures(int argc, char **argv, wm_error *err)
{
    wm_args a;
    if (wm_args_parse(&a, wm_figures_options, argc, argv, 1, err) != 0) {
        wm_args_free(&a);
        return WM_EXIT_USAGE;
    }
    if (a.help) {
        wm_args_usage(stdout, "figures", "[RECIPE | --area AREA [--national DIR]] [--out DIR] [--force] [--jobs N] [--dry-run]",
                      figures_description, wm_figures_options);
        wm_args_free(&a);
        return 0;
    }
    int jobs;
    if (wm_args_int(&a, "jobs", 2, 1, 64, &jobs, err) != 0) {
        wm_args_free(&a);
        return WM_EXIT_USAGE;
    }
    if (wm_args_get(&a, "area", NULL)) {
        int rc = run_area(&a, jobs, err);
        wm_args_free(&a);
        return rc;
    }
    if (wm_args_get(&a, "national", NULL) || wm_args_get(&a, "cache", NULL)) {
        wm_args_free(&a);
        return wm_error_set(err, WM_EXIT_USAGE, "--national and --cache go with --area");
    }
    char recipe_path[PATH_MAX];
    if (a.npos > 0) snprintf(recipe_path, sizeof recipe_path, "%s", a.pos[0]);
    else wm_home_path(BUNDLED_RECIPE, recipe_path, sizeof recipe_path);
    const char *outdir = wm_args_get(&a, "out", "out");

    wm_recipe *r = wm_recipe_read(recipe_path, err);
    if (!r) {
        wm_args_free(&a);
        return err->code;
    }
    /* ${store} is the default store unless the recipe's [parameters]
     * name one: absolute, since values resolve against the recipe's folder. */
    char store[PATH_MAX], cwd[PATH_MAX];
    wm_store_default_path(store, sizeof store);
    if (store[0] != '/' && getcwd(cwd, sizeof cwd)) {
        char *abs = wm_path_join(cwd, store);
        if (abs) snprintf(store, sizeof store, "%s", abs);
        free(abs);
    }
    const wm_recipe_param given[] = { { "store", store } };
    int rc = wm_recipe_bind(r, given, wm_recipe_parameter(r, "store") ? 0 : 1, err);
    if (rc != 0 || wm_args_has(&a, "dry-run")) {
        if (rc == 0) rc = dry_run(r, outdir, err);
        else rc = err->code;
        wm_recipe_free(r);
        wm_args_free(&a);
        return rc;
    }

    /* Build the default store before the items start, so that parallel
     * items never race to build it. */
    if (uses_default_store(r, store)) {
        wm_store *s = wm_store_open_for_reading(NULL, err);
        if (!s) {
            wm_recipe_free(r);
            wm_args_free(&a);
            return err->code ? err->code : WM_EXIT_DATA;
        }
        wm_store_close(s);
    }

    /* The binary itself is an input: a new wardmap remakes the figures. */
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) self[len] = '\0';

    wm_figureset_options o = {
        .outdir = outdir,
        .force = wm_args_has(&a, "force"),
        .jobs = jobs,
        .progress = -1,
        .log = stderr,
        .store_path = store,
        .binary = len > 0 ? self : NULL,
    };
    wm_figureset_result res;
    rc = wm_figureset_run(r, &o, &res, err);
    wm_figureset_result_free(&res);
    wm_recipe_free(r);
    wm_args_free(&a);
    return rc ? (err->code ? err->code : rc) : 0;
}
