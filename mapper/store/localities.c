/* `wardmap localities` (localities.h). */
#define _POSIX_C_SOURCE 200809L
#include "localities.h"
#include "atomic.h"
#include "dissolve.h"
#include "layer_write.h"
#include "store_groups.h"
#include "table.h"
#include "text.h"
#include "text_table.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const wm_option wm_localities_options[] = {
    { "store", 0, WM_OPT_VALUE | WM_OPT_INPUT, "PATH", "indicator store to add them to (default: the default store)" },
    { "file", 0, WM_OPT_VALUE | WM_OPT_INPUT, "FILE", "table of localities: columns locality and area, one row per member area (code or published name)" },
    { "locality", 0, WM_OPT_REPEAT, "NAME=AREA;AREA...", "a locality and its areas, or just AREA: a locality that is one MSOA, named by its published name (repeat)" },
    { "geography", 0, WM_OPT_VALUE, "G", "geography name to keep them as (default: locality)" },
    { "boundaries", 0, WM_OPT_VALUE | WM_OPT_OUTPUT, "FILE.gpkg", "where to write their dissolved boundaries (default: GEOGRAPHY_boundaries.gpkg beside the store)" },
    { "output", 'o', WM_OPT_REPEAT | WM_OPT_OUTPUT, "FILE", "write the localities and their member areas: .csv or .md (repeat for both)" },
    { NULL, 0, 0, NULL, NULL }
};

int wm_localities_spec_from_args(const wm_args *a, wm_localities_spec *spec, wm_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->store = wm_args_get(a, "store", NULL);
    spec->file = wm_args_get(a, "file", NULL);
    int n = 0;
    const char **l = wm_args_all(a, "locality", &n);
    if (n > WM_LOCALITIES_MAX)
        return wm_error_set_about(err, WM_EXIT_USAGE, "locality", "localities: at most %d --locality options",
                                  WM_LOCALITIES_MAX);
    for (int i = 0; i < n; i++) spec->localities[spec->nlocalities++] = l[i];
    spec->geography = wm_args_get(a, "geography", "locality");
    spec->boundaries = wm_args_get(a, "boundaries", NULL);
    const char **o = wm_args_all(a, "output", &spec->noutputs);
    if (spec->noutputs > WM_LOCALITIES_MAX_OUTPUTS)
        return wm_error_set_about(err, WM_EXIT_USAGE, "output", "localities: at most %d --output files",
                                  WM_LOCALITIES_MAX_OUTPUTS);
    for (int i = 0; i < spec->noutputs; i++) {
        spec->outputs[i] = o[i];
        if (!wm_has_suffix(o[i], ".csv") && !wm_has_suffix(o[i], ".md"))
            return wm_error_set_about(err, WM_EXIT_USAGE, "output", "localities: --output %s: the table is written "
                                      "as .csv or .md", o[i]);
    }
    if (!spec->file && spec->nlocalities == 0)
        return wm_error_set_about(err, WM_EXIT_USAGE, "file", "localities: give --file FILE or --locality NAME=AREA");
    if (spec->boundaries && !wm_has_suffix(spec->boundaries, ".gpkg"))
        return wm_error_set_about(err, WM_EXIT_USAGE, "boundaries", "localities: --boundaries %s: the boundaries "
                                  "are a GeoPackage (.gpkg)", spec->boundaries);
    return 0;
}

/* ---- the localities as given ---- */

typedef struct given {
    size_t n;
    wm_area_group g[WM_LOCALITIES_MAX];
    char *name[WM_LOCALITIES_MAX];
    char **members[WM_LOCALITIES_MAX];
    char where[WM_LOCALITIES_MAX][300];   /* "FILE:LINE" or "--locality ..." for messages */
} given;

static void given_free(given *G)
{
    for (size_t i = 0; i < G->n; i++) {
        for (size_t k = 0; k < G->g[i].nmembers; k++) free(G->members[i][k]);
        free(G->members[i]);
        free(G->name[i]);
    }
}

/* Add a member to the locality called `name` (made when new). */
static int add_member(given *G, const char *name, const char *member, const char *where, wm_error *err)
{
    size_t i = 0;
    while (i < G->n && strcmp(G->name[i], name) != 0) i++;
    if (i == G->n) {
        if (G->n == WM_LOCALITIES_MAX)
            return wm_error_set(err, WM_EXIT_USAGE, "%s: more than %d localities", where, WM_LOCALITIES_MAX);
        G->name[i] = strdup(name);
        if (!G->name[i]) return wm_error_set(err, WM_EXIT_IO, "out of memory");
        G->g[i].name = G->name[i];
        snprintf(G->where[i], sizeof G->where[i], "%s", where);
        G->n++;
    }
    char **more = realloc(G->members[i], (G->g[i].nmembers + 1) * sizeof *more);
    if (!more) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    G->members[i] = more;
    if (!(more[G->g[i].nmembers] = strdup(member))) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    G->g[i].nmembers++;
    G->g[i].members = (const char *const *)G->members[i];
    return 0;
}

static int read_file(given *G, const char *path, wm_report *report, wm_error *err)
{
    wm_table *t = wm_table_read(path, err);
    if (!t) return -1;
    wm_report_input(report, path);
    int rc = 0;
    int cl = wm_table_require_column(t, "locality", err);
    int ca = cl >= 0 ? wm_table_require_column(t, "area", err) : -1;
    if (cl < 0 || ca < 0) rc = -1;
    if (rc == 0 && t->nrows == 0) rc = wm_error_set(err, WM_EXIT_DATA, "%s: no localities in the table", path);
    for (size_t r = 0; rc == 0 && r < t->nrows; r++) {
        char where[300];
        snprintf(where, sizeof where, "%s:%ld", path, wm_table_line(t, r));
        char *name = wm_trimmed_dup(wm_table_cell(t, r, cl)), *area = wm_trimmed_dup(wm_table_cell(t, r, ca));
        if (!name || !area) rc = wm_error_set(err, WM_EXIT_IO, "out of memory");
        else if (!*name) rc = wm_error_set(err, WM_EXIT_DATA, "%s: the locality is empty", where);
        else if (!*area) rc = wm_error_set(err, WM_EXIT_DATA, "%s: locality \"%s\": the area is empty", where, name);
        else rc = add_member(G, name, area, where, err);
        free(name);
        free(area);
    }
    wm_table_free(t);
    return rc;
}

/* "NAME=AREA;AREA" or "AREA". */
static int read_option(given *G, const char *value, wm_error *err)
{
    char where[300];
    snprintf(where, sizeof where, "--locality \"%.250s\"", value);
    const char *eq = strchr(value, '=');
    char *name = eq ? strndup(value, (size_t)(eq - value)) : wm_trimmed_dup(value);
    char *list = strdup(eq ? eq + 1 : value);
    char *tname = name ? wm_trimmed_dup(name) : NULL;
    int rc = tname && list ? 0 : wm_error_set(err, WM_EXIT_IO, "out of memory");
    if (rc == 0 && !*tname) rc = wm_error_set_about(err, WM_EXIT_USAGE, "locality", "%s: no locality name", where);
    int members = 0;
    for (char *save = NULL, *p = rc == 0 ? strtok_r(list, ";", &save) : NULL; p && rc == 0;
         p = strtok_r(NULL, ";", &save)) {
        char *m = wm_trimmed_dup(p);
        if (!m) rc = wm_error_set(err, WM_EXIT_IO, "out of memory");
        else if (*m) {
            rc = add_member(G, tname, m, where, err);
            members++;
        }
        free(m);
    }
    if (rc == 0 && members == 0) rc = wm_error_set_about(err, WM_EXIT_USAGE, "locality", "%s: no areas", where);
    free(name);
    free(tname);
    free(list);
    return rc;
}

/* ---- boundaries ---- */

/* The boundaries: the base LSOAs of each locality dissolved, as a new
 * GeoPackage in `a`'s temporary file. */
static int write_boundaries(wm_store *store, const wm_group_members *m, size_t n, wm_atomic *a, wm_report *report,
                            wm_error *err)
{
    wm_layer *L = wm_store_layer(store, m[0].base, NULL, err);
    if (!L) return -1;
    wm_report_input(report, L->spec);
    const char **group = calloc(L->n + 1, sizeof *group), **names = calloc(L->n + 1, sizeof *names);
    int rc = group && names ? 0 : wm_error_set(err, WM_EXIT_IO, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        for (size_t k = 0; k < m[i].n; k++) {
            long f = wm_layer_find(L, m[i].codes[k]);
            if (f < 0) {
                rc = wm_error_set(err, WM_EXIT_DATA, "%s: %s %s of locality \"%s\" has no boundary", L->spec, m[i].base,
                                  m[i].codes[k], m[i].name);
                break;
            }
            group[f] = m[i].code;
            names[f] = m[i].name;
        }
    wm_layer *bounds = rc == 0 ? wm_dissolve(L, group, names, "code", "name", err) : NULL;
    if (rc == 0 && !bounds) rc = -1;
    if (rc == 0) {
        GDALDatasetH ds = wm_gpkg_dataset_create(wm_atomic_path(a), err);
        if (!ds) rc = -1;
        else {
            rc = wm_layer_save(ds, "localities", bounds, "code", "name", NULL, 0, err);
            if (wm_gpkg_dataset_close(ds, wm_atomic_target(a), rc == 0 ? err : NULL) != 0) rc = -1;
        }
    }
    free(group);
    free(names);
    wm_layer_free(bounds);
    wm_layer_free(L);
    return rc;
}

/* Whether `path` holds exactly what the table would write. */
static int same_as_file(const wm_text_table *t, int csv, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) return 0;
    int bad = csv ? wm_text_table_write_csv(t, mem) : wm_text_table_write_markdown(t, mem);
    fclose(mem);
    int same = 0;
    FILE *fp = bad ? NULL : fopen(path, "rb");
    if (fp) {
        same = 1;
        for (size_t i = 0; same && i <= len; i++) {
            int c = fgetc(fp);
            same = i == len ? c == EOF : c == (unsigned char)text[i];
        }
        fclose(fp);
    }
    free(text);
    return same;
}

/* The localities as resolved, one row each: what the figures' notes
 * and a reader checking a stand-in need (csv: codes space-separated in
 * one cell; Markdown: the same, for a document's appendix). */
static int save_members(const wm_localities_spec *spec, const given *G, const wm_group_members *m, wm_error *err)
{
    wm_text_table *t = spec->noutputs ? wm_text_table_new(5) : NULL;
    if (spec->noutputs && !t) return wm_error_set(err, WM_EXIT_IO, "localities: out of memory");
    int rc = 0;
    if (t) {
        wm_text_table_head(t, 0, "Locality", WM_ALIGN_LEFT);
        wm_text_table_head(t, 1, "Code", WM_ALIGN_LEFT);
        wm_text_table_head(t, 2, "Given as", WM_ALIGN_LEFT);
        wm_text_table_head(t, 3, "Small areas", WM_ALIGN_RIGHT);
        wm_text_table_head(t, 4, "Small-area codes", WM_ALIGN_LEFT);
        for (size_t i = 0; i < G->n && rc == 0; i++) {
            long r = wm_text_table_add_row(t);
            char *codes = NULL;
            size_t len = 0;
            FILE *fp = r >= 0 ? open_memstream(&codes, &len) : NULL;
            for (size_t k = 0; fp && k < m[i].n; k++) fprintf(fp, "%s%s", k ? " " : "", m[i].codes[k]);
            if (fp) fclose(fp);
            if (r < 0 || !codes) rc = wm_error_set(err, WM_EXIT_IO, "localities: out of memory");
            if (rc == 0 && (wm_text_table_set(t, (size_t)r, 0, "%s", m[i].name) != 0 ||
                            wm_text_table_set(t, (size_t)r, 1, "%s", m[i].code) != 0 ||
                            wm_text_table_set(t, (size_t)r, 2, "%s", m[i].described) != 0 ||
                            wm_text_table_set(t, (size_t)r, 3, "%zu %s", m[i].n, m[i].base) != 0 ||
                            wm_text_table_set(t, (size_t)r, 4, "%s", codes) != 0))
                rc = wm_error_set(err, WM_EXIT_IO, "localities: out of memory");
            free(codes);
        }
        if (rc == 0)
            wm_text_table_note(t, "Each locality is the union of its small areas (%s), as resolved from the names "
                               "and codes given.", G->n ? m[0].base : "");
    }
    for (int i = 0; rc == 0 && i < spec->noutputs; i++) {
        int csv = wm_has_suffix(spec->outputs[i], ".csv");
        /* A figure set runs this every time: a file already saying the
         * same keeps its time, so nothing downstream looks changed. */
        if (!same_as_file(t, csv, spec->outputs[i]))
            rc = wm_text_table_save(t, spec->outputs[i], csv, err);
    }
    wm_text_table_free(t);
    return rc;
}

int wm_localities(const wm_localities_spec *spec, wm_store_handle *handle, wm_report *report, wm_error *err)
{
    given G;
    memset(&G, 0, sizeof G);
    int rc = 0;
    if (spec->file) rc = read_file(&G, spec->file, report, err);
    for (int i = 0; rc == 0 && i < spec->nlocalities; i++) rc = read_option(&G, spec->localities[i], err);
    wm_store *store = rc == 0 ? wm_store_get(handle, err) : NULL;
    if (rc == 0 && !store) rc = -1;
    wm_group_members *m = NULL;
    if (rc == 0 && wm_store_resolve_groups(store, G.g, G.n, &m, err) != 0) {
        /* Name where the locality at fault was given. */
        for (size_t i = 0; i < G.n; i++)
            if (strstr(err->msg, G.name[i])) {
                wm_error_prefix(err, "%s", G.where[i]);
                break;
            }
        rc = -1;
    }
    if (rc == 0) rc = save_members(spec, &G, m, err);
    char target[PATH_MAX];
    if (spec->boundaries) {
        snprintf(target, sizeof target, "%s", spec->boundaries);
    } else if (rc == 0) {
        const char *sp = wm_store_path(store), *slash = strrchr(sp, '/');
        snprintf(target, sizeof target, "%.*s%s_boundaries.gpkg", slash ? (int)(slash - sp + 1) : 0, sp,
                 spec->geography);
    }
    /* Held already (a figure set run again): nothing to change, so the
     * store keeps its time and the figures that read it stay up to date. */
    if (rc == 0 && access(target, R_OK) == 0) {
        int held = wm_store_groups_held(store, spec->geography, m, G.n, target, err);
        if (held < 0) rc = -1;
        if (held > 0) {
            wm_report_add(report, WM_REPORT_NOTE, "%s: the %zu localities of geography %s are held already, as given",
                          wm_store_path(store), G.n, spec->geography);
            wm_group_members_free(m, G.n);
            given_free(&G);
            return 0;
        }
    }
    wm_atomic *a = rc == 0 ? wm_atomic_begin(target, WM_ATOMIC_REPLACE | WM_ATOMIC_DURABLE, err) : NULL;
    if (rc == 0 && !a) rc = -1;
    if (rc == 0) rc = write_boundaries(store, m, G.n, a, report, err);
    if (rc == 0) {
        char *text = NULL;
        size_t len = 0;
        FILE *log = open_memstream(&text, &len);
        wm_group_layer gl = { target, "code", "name" };
        rc = log ? wm_store_add_groups(store, spec->geography, m, G.n, &gl, NULL, 0, log, err)
                 : wm_error_set(err, WM_EXIT_IO, "out of memory");
        if (log) fclose(log);
        /* The store has them: now the boundaries it names. */
        if (rc == 0) {
            rc = wm_atomic_commit(a, err);
            a = NULL;
        }
        if (rc == 0 && text) {
            for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (strncmp(line, "localities", 10) == 0 || strncmp(line, "  ", 2) == 0)
                    if (strstr(line, " areas: ") || strncmp(line, "localities", 10) == 0)
                        wm_report_add(report, WM_REPORT_NOTE, "%s", line);
            wm_report_add(report, WM_REPORT_RESULT, "%s: %zu localities added as geography %s, every indicator "
                          "aggregated to them; boundaries in %s", wm_store_path(store), G.n, spec->geography, target);
        }
        free(text);
    }
    wm_atomic_abort(a);
    wm_group_members_free(m, G.n);
    given_free(&G);
    return rc;
}
