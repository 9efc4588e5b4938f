/* recipe.h -- a figure set described in a plain text file.
 *
 * A recipe lists the figures, tables, exports and rankings of a
 * document.  docs/recipe.md is the reference; in short:
 *
 *   # a comment (a line starting with # or ;)
 *   title = Coventry health inequalities        <- document keys first:
 *                                                  title, description,
 *                                                  attribution
 *
 *   [render deprivation_imd2019]                <- [KIND NAME]
 *   layer = layers/boundaries/coventry_lsoa_2011_E08000026.geojson
 *   title = Levels of deprivation in Coventry
 *   labels = 1 most deprived 10%|2|3|4|5|6|7|8|9
 *       |10 least deprived 10%                  <- continuation (indented)
 *   reverse                                     <- a flag: the key alone
 *   caption = Text for the index page.
 *   output = deprivation_imd2019.png deprivation_imd2019.svg
 *
 * KIND is a wardmap command (render, export, table, rank) and each key
 * is one of that command's long options, so a recipe section says
 * exactly what `wardmap KIND --key value ...` would.  Recipe-only keys:
 * `caption` (shown on the index page) and `output` (space-separated
 * paths, each passed as `-o PATH`).  A key given twice is passed twice
 * (how repeatable options such as --source are written).
 *
 * Paths: input files are resolved against the wardmap home (home.h):
 * the values of the file keys (layer, data, data2, overlay,
 * highlight-layer, store, lookup, lsoa-layer, imd, ward-layer;
 * FILE[:LAYER] allowed) always, and any
 * other value that names an existing file under the home.  Outputs
 * (`output`, `map`, `small-areas`) are resolved against the output
 * directory.
 *
 * Errors name the place: "styles/x.recipe:12: unknown section kind ...".
 */
#ifndef WM_RECIPE_H
#define WM_RECIPE_H

#include "error.h"
#include <stddef.h>

typedef enum wm_recipe_kind {
    WM_RECIPE_RENDER,
    WM_RECIPE_EXPORT,
    WM_RECIPE_TABLE,
    WM_RECIPE_RANK
} wm_recipe_kind;

typedef struct wm_recipe_entry {
    char *key;
    char *value;      /* NULL for a flag */
    int line;         /* where the key was written */
} wm_recipe_entry;

typedef struct wm_recipe_section {
    wm_recipe_kind kind;
    char *name;       /* [A-Za-z0-9_.-]+, unique in the recipe */
    int line;         /* of the [KIND NAME] header */
    size_t n;
    wm_recipe_entry *entries;   /* in file order */
} wm_recipe_section;

typedef struct wm_recipe {
    char *path;            /* as given, for messages */
    char *title;           /* document title, or NULL */
    char *description;     /* document description, or NULL */
    char *attribution;     /* statements for the foot of the index, or NULL */
    char *gallery;         /* folder (under the home) for PNG thumbnails, or NULL */
    size_t n;
    wm_recipe_section *sections;
} wm_recipe;

/* Parse recipe text; `path` names it in messages.  Errors are
 * WM_EXIT_USAGE "PATH:LINE: what is wrong". */
wm_recipe *wm_recipe_parse(const char *text, const char *path, wm_error *err);

/* Read and parse the file at `path` (missing file: WM_EXIT_DATA). */
wm_recipe *wm_recipe_read(const char *path, wm_error *err);

void wm_recipe_free(wm_recipe *r);

/* The command a kind runs ("render", ...). */
const char *wm_recipe_kind_name(wm_recipe_kind kind);

/* The last value of `key` in a section (NULL if absent; "" for a flag). */
const char *wm_recipe_get(const wm_recipe_section *s, const char *key);

/* The entry for `key` (last one), or NULL. */
const wm_recipe_entry *wm_recipe_find(const wm_recipe_section *s, const char *key);

/* A section as a command line, with paths resolved. */
typedef struct wm_recipe_job {
    int argc;
    char **argv;           /* argv[0] is the command; NULL-terminated */
    size_t ninputs;
    char **inputs;         /* resolved input files (FILE part only, each
                            * once), for up-to-date checks and the index */
    size_t noutputs;
    char **outputs;        /* resolved output paths: those of `output`
                            * first, then those of other keys (`map`) */
    char **output_names;   /* outputs as written (relative to outdir) */
} wm_recipe_job;

/* Build the command line of section `s`, resolving inputs against the
 * home and outputs against `outdir`.  Errors (WM_EXIT_USAGE, at the
 * section's line): a section with no output. */
int wm_recipe_job_build(const wm_recipe *r, const wm_recipe_section *s, const char *outdir,
                        wm_recipe_job *job, wm_error *err);

void wm_recipe_job_free(wm_recipe_job *job);

/* The line of the entry a command-line error is about: the line of the
 * key whose "--key" the message quotes, else of the entry whose value it
 * quotes, else the section's line. */
int wm_recipe_error_line(const wm_recipe_section *s, const char *message);

#endif
