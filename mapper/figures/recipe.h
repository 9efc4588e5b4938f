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
 * KIND is an operation (operation.h: localities, render, export, table,
 * rank, profile) and
 * each key is one of its options, so a recipe section says exactly what
 * `wardmap KIND --key value ...` would, and runs the same library call.
 * [localities NAME] sections run first, in order, before any figure:
 * they add the localities the figures then map.  Recipe-only keys:
 * `caption` (shown on the index page) and `output` (space-separated
 * paths, each passed as `-o PATH`).  A key given twice is passed twice
 * (how repeatable options such as --source are written).
 *
 * Paths: input files are resolved against the recipe's own folder: the
 * values of the options whose table marks them as input files
 * (WM_OPT_INPUT: layer, data, overlay, store, ...; FILE[:LAYER]
 * allowed) always, and any other value that names an existing file
 * there.  Outputs (`output`, and options marked WM_OPT_OUTPUT such as
 * rank's `map`) are resolved against the output directory and may not
 * leave it (no absolute names, no ..).  The gallery folder is relative
 * to the recipe's folder too.
 *
 * Include: `include = FILE` before the first section builds on another
 * recipe, FILE relative to the including recipe's folder.  FILE's
 * sections come first, in its order; a section of the including recipe
 * with the same name amends it (each key it gives replaces all of the
 * included entries for that key, e.g. every `source`; the other keys
 * stay), and one with the same name but another kind is an error; new
 * sections follow, in order.  Document keys replace the included ones.
 * Includes nest up to WM_RECIPE_MAX_INCLUDE deep; a cycle, deeper
 * nesting or a missing FILE is an error at the include line.  Each entry
 * and section keeps the file it was written in (`path`, NULL for the
 * recipe's own), and errors name that file and line.  All values still
 * resolve against the folder of the recipe being run, not the included
 * one's.  The files included are r->doc->files, inputs of every item.
 *
 * Parameters: a [parameters] section (no name) gives `name = value`
 * pairs that ${name} takes; parameters passed to wm_recipe_bind take
 * precedence over them.
 *
 * The text is read by sections.h (comments, continuation lines, flags);
 * this module gives it its meaning.  Errors name the place:
 * "styles/x.recipe:12: unknown section kind ...".
 */
#ifndef WM_RECIPE_H
#define WM_RECIPE_H

#include "args.h"
#include "error.h"
#include "sections.h"
#include <stddef.h>

typedef enum wm_recipe_kind {
    WM_RECIPE_RENDER,
    WM_RECIPE_EXPORT,
    WM_RECIPE_TABLE,
    WM_RECIPE_RANK,
    WM_RECIPE_PROFILE,
    WM_RECIPE_LOCALITIES
} wm_recipe_kind;

/* An entry: key, value (NULL for a flag) and line (sections.h). */
typedef wm_entry wm_recipe_entry;

typedef struct wm_recipe_section {
    wm_recipe_kind kind;
    const char *name;     /* [A-Za-z0-9_.-]+, unique in the recipe */
    int line;             /* of the [KIND NAME] header */
    const char *path;     /* the file of the header (an included one), NULL for the recipe's */
    size_t n;
    const wm_recipe_entry *entries;   /* in file order; each with its
                                       * `path` (NULL: the recipe's) */
} wm_recipe_section;

/* A recipe's parameter: ${name} in any value is replaced by `value`,
 * so one recipe serves every area ("${area_name}", "${area_dir}"). */
typedef struct wm_recipe_param {
    const char *name;
    const char *value;
} wm_recipe_param;

/* How deep includes may nest (a recipe including one that includes ...). */
#define WM_RECIPE_MAX_INCLUDE 4

typedef struct wm_recipe {
    const char *path;          /* as given, for messages */
    const char *title;         /* document title, or NULL */
    const char *description;   /* document description, or NULL */
    const char *attribution;   /* statements for the foot of the index, or NULL */
    const char *gallery;       /* folder (under the home) for PNG thumbnails, or NULL */
    size_t n;
    wm_recipe_section *sections;
    size_t nparams;
    wm_recipe_param *params;   /* the [parameters] section's, in order */
    int params_line;
    wm_sections *doc;          /* the text as read, includes merged (owns
                                * every string above); doc->files are the
                                * included files */
} wm_recipe;

/* Parse recipe text; `path` names it in messages (and gives the folder
 * an include is relative to).  Errors are
 * WM_EXIT_USAGE "PATH:LINE: what is wrong", except a recipe with no
 * sections (empty, or document keys alone): WM_EXIT_DATA, nothing to
 * make. */
wm_recipe *wm_recipe_parse(const char *text, const char *path, wm_error *err);

/* Replace ${name} in every value of the recipe by its parameter ("$$" is
 * a "$"): one of `params` if given there, else the recipe's own
 * ([parameters]; their values are taken as written).  A ${name} with no
 * parameter is an error at its line (and one left unbound fails its item
 * when it is run). */
int wm_recipe_bind(wm_recipe *r, const wm_recipe_param *params, size_t n, wm_error *err);

/* The value of the recipe's own parameter `name`, or NULL. */
const char *wm_recipe_parameter(const wm_recipe *r, const char *name);

/* Read and parse the file at `path` (missing file: WM_EXIT_DATA). */
wm_recipe *wm_recipe_read(const char *path, wm_error *err);

void wm_recipe_free(wm_recipe *r);

/* The command a kind runs ("render", ...). */
const char *wm_recipe_kind_name(wm_recipe_kind kind);

/* The last value of `key` in a section (NULL if absent; "" for a flag). */
const char *wm_recipe_get(const wm_recipe_section *s, const char *key);

/* The entry for `key` (last one), or NULL. */
const wm_recipe_entry *wm_recipe_find(const wm_recipe_section *s, const char *key);

/* A section as an operation's parsed options, with paths resolved. */
struct wm_operation;
typedef struct wm_recipe_job {
    const struct wm_operation *op;   /* operation.h */
    wm_args args;          /* the section's options (own their strings) */
    size_t ninputs;
    char **inputs;         /* resolved input files (FILE part only, each
                            * once), for up-to-date checks */
    size_t noutputs;
    char **outputs;        /* resolved output paths: those of `output`
                            * first, then those of other keys (`map`) */
    char **output_names;   /* outputs as written (relative to outdir) */
} wm_recipe_job;

/* Build the options of section `s`: values of input options resolved
 * against the home (as is any other value naming a file there), outputs
 * against `outdir`.  Errors (WM_EXIT_USAGE, at the section's or the
 * key's line): a section with no output, a value the option refuses. */
int wm_recipe_job_build(const wm_recipe *r, const wm_recipe_section *s, const char *outdir,
                        wm_recipe_job *job, wm_error *err);

void wm_recipe_job_free(wm_recipe_job *job);

/* The job as the equivalent command line, one line (for --dry-run). */
void wm_recipe_job_print(const wm_recipe_job *job, FILE *fp);

/* The line of the entry an error is about: the line of the key naming
 * the option the error says it is about (wm_error_about), else the
 * section's line.  When `file` is not NULL it is set to the file of that
 * line (NULL: the recipe's own). */
int wm_recipe_error_line(const wm_recipe_section *s, const wm_error *err, const char **file);

#endif
