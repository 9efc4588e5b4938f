#include "export.h"
#include "gpkg.h"
#include "home.h"
#include "map.h"
#include "qgis_style.h"
#include "store.h"
#include "text.h"

#include <ctype.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const wm_option wm_export_options[] = {
    WM_MAP_OPTIONS,
    { "output", 'o', WM_OPT_VALUE | WM_OPT_OUTPUT, "OUT.gpkg", "GeoPackage to write" },
    { "force", 0, WM_OPT_FLAG, NULL, "overwrite an existing file; with --append, replace layers of the same name" },
    { "append", 0, WM_OPT_FLAG, NULL, "add the layers to an existing GeoPackage, keeping what it holds" },
    { "layer-name", 0, WM_OPT_VALUE, "NAME", "name of the mapped layer (default: from its geography, e.g. wards)" },
    { "mapped-only", 0, WM_OPT_FLAG, NULL, "write only the mapped layer, not the store's other geographies" },
    { NULL, 0, 0, NULL, NULL }
};


/* ---- columns of one layer ---------------------------------------------------- */

typedef struct colset {
    wm_gpkg_column *cols;
    wm_indicator_meta **meta;    /* per column: the indicator it holds, or NULL */
    int n, cap;
    void **owned;
    int nowned, capowned;
} colset;

static void *own(colset *cs, void *p)
{
    if (cs->nowned == cs->capowned) {
        cs->capowned = cs->capowned ? 2 * cs->capowned : 64;
        cs->owned = realloc(cs->owned, (size_t)cs->capowned * sizeof *cs->owned);
    }
    cs->owned[cs->nowned++] = p;
    return p;
}

static char *own_str(colset *cs, const char *s)
{
    return s ? own(cs, strdup(s)) : NULL;
}

static void colset_free(colset *cs)
{
    for (int i = 0; i < cs->nowned; i++) free(cs->owned[i]);
    free(cs->owned);
    free(cs->cols);
    free(cs->meta);
    memset(cs, 0, sizeof *cs);
}

/* A clear SQL-friendly column name: lower-case letters, digits and '_'. */
static void column_name(const char *in, char *out, size_t size)
{
    size_t j = 0;
    int underscore = 1;   /* no leading '_' */
    for (const char *p = in; *p && j + 1 < size && j < 60; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isalnum(ch) && ch < 128) {
            out[j++] = (char)tolower(ch);
            underscore = 0;
        } else if (!underscore) {
            out[j++] = '_';
            underscore = 1;
        }
    }
    while (j > 0 && out[j - 1] == '_') j--;
    out[j] = '\0';
    if (j == 0) snprintf(out, size, "value");
    else if (isdigit((unsigned char)out[0]) && j + 3 < size) {
        memmove(out + 2, out, j + 1);
        out[0] = 'v';
        out[1] = '_';
    }
}

static int name_taken(const colset *cs, const wm_layer *L, const char *name)
{
    if (strcasecmp(name, "fid") == 0 || strcasecmp(name, "geom") == 0) return 1;
    if (strcasecmp(name, L->key_field) == 0) return 1;
    if (L->name_field && strcasecmp(name, L->name_field) == 0) return 1;
    for (int i = 0; i < cs->n; i++)
        if (strcasecmp(cs->cols[i].name, name) == 0) return 1;
    return 0;
}

/* `base`, or base_2, base_3 ... when taken. */
static void unique_name(const colset *cs, const wm_layer *L, const char *base, char *out, size_t size)
{
    snprintf(out, size, "%s", base);
    for (int k = 2; name_taken(cs, L, out); k++) snprintf(out, size, "%s_%d", base, k);
}

static wm_gpkg_column *add_column(colset *cs, const char *name, const char *title, const char *description,
                                  wm_gpkg_type type, const wm_indicator_meta *meta)
{
    if (cs->n == cs->cap) {
        cs->cap = cs->cap ? 2 * cs->cap : 32;
        cs->cols = realloc(cs->cols, (size_t)cs->cap * sizeof *cs->cols);
        cs->meta = realloc(cs->meta, (size_t)cs->cap * sizeof *cs->meta);
    }
    wm_gpkg_column *c = &cs->cols[cs->n];
    memset(c, 0, sizeof *c);
    c->name = own_str(cs, name);
    c->title = own_str(cs, title);
    c->description = own_str(cs, description);
    c->type = type;
    cs->meta[cs->n] = NULL;
    if (meta) {
        wm_indicator_meta *m = own(cs, malloc(sizeof *m));
        *m = *meta;
        cs->meta[cs->n] = m;
    }
    cs->n++;
    return c;
}

/* "Households in fuel poverty, 2020 (%)" */
static void indicator_title(const wm_indicator_meta *m, char *out, size_t size)
{
    int has_period = m->period[0] && !strstr(m->title, m->period);
    snprintf(out, size, "%s%s%s%s%s%s", m->title, has_period ? ", " : "", has_period ? m->period : "",
             m->unit[0] ? " (" : "", m->unit, m->unit[0] ? ")" : "");
}

static void indicator_description(const wm_indicator_meta *m, char *out, size_t size)
{
    snprintf(out, size, "%s. Period: %s. Unit: %s%s%s. Source: %s%s%s; licence: %s. Values at %s%s%s%s%s",
             m->title, m->period, m->unit, m->polarity[0] ? "; " : "", m->polarity, m->publisher,
             m->source_file[0] ? ", " : "", m->source_file, m->licence,
             m->values_geography[0] ? m->values_geography : m->geography,
             m->aggregation[0] && strcmp(m->aggregation, "none") != 0 ? ", aggregated by " : "",
             strcmp(m->aggregation, "none") != 0 ? m->aggregation : "",
             m->notes[0] ? ". " : "", m->notes);
}

static int same_values(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) != isnan(b[i])) return 0;
        if (!isnan(a[i]) && a[i] != b[i]) return 0;
    }
    return 1;
}

/* Every stored indicator of `geography` as a column of `L`.  Returns the
 * number of columns added, or -1. */
/* The columns that say what an indicator's values cover and claim, where
 * they apply: confidence limits, comparisons, coverage and flags (store.h). */
static void add_claim_columns(colset *cs, const wm_layer *L, const char *col, const char *title,
                              const wm_store_value *d, double threshold)
{
    size_t n = L->n;
    int interval = 0, vs_auth = 0, vs_eng = 0, partial = 0, flag = 0;
    for (size_t i = 0; i < n; i++) {
        int has_value = !isnan(d[i].value);
        interval |= !isnan(d[i].lower95);
        vs_auth |= *d[i].compare_authority && strcmp(d[i].compare_authority, "not compared") != 0;
        vs_eng |= *d[i].compare_england && strcmp(d[i].compare_england, "not compared") != 0;
        partial |= has_value && !isnan(d[i].coverage) && d[i].coverage < 1 - 1e-12;
        flag |= has_value && (d[i].estimate || (!isnan(d[i].coverage) && d[i].coverage * 100 < threshold));
    }
    char base[256], name[280], t[600];
    if (interval) {
        double *lo = own(cs, malloc((n ? n : 1) * sizeof *lo)), *hi = own(cs, malloc((n ? n : 1) * sizeof *hi));
        for (size_t i = 0; i < n; i++) {
            lo[i] = d[i].lower95;
            hi[i] = d[i].upper95;
        }
        snprintf(base, sizeof base, "%s_lower95", col);
        unique_name(cs, L, base, name, sizeof name);
        snprintf(t, sizeof t, "%.400s: lower 95%% confidence limit", title);
        add_column(cs, name, t, NULL, WM_GPKG_REAL, NULL)->num = lo;
        snprintf(base, sizeof base, "%s_upper95", col);
        unique_name(cs, L, base, name, sizeof name);
        snprintf(t, sizeof t, "%.400s: upper 95%% confidence limit", title);
        add_column(cs, name, t, NULL, WM_GPKG_REAL, NULL)->num = hi;
    }
    for (int k = 0; k < 2; k++) {
        if (!(k == 0 ? vs_auth : vs_eng)) continue;
        const char **text = own(cs, calloc(n ? n : 1, sizeof *text));
        for (size_t i = 0; i < n; i++) {
            const char *c = k == 0 ? d[i].compare_authority : d[i].compare_england;
            text[i] = *c ? own_str(cs, c) : NULL;
        }
        snprintf(base, sizeof base, "%s_vs_%s", col, k == 0 ? "authority" : "england");
        unique_name(cs, L, base, name, sizeof name);
        snprintf(t, sizeof t, "%.400s compared with %s (higher, similar, lower: 95%% interval)", title,
                 k == 0 ? "the local authority" : "England");
        add_column(cs, name, t, NULL, WM_GPKG_TEXT, NULL)->text = text;
    }
    if (partial) {
        double *cov = own(cs, malloc((n ? n : 1) * sizeof *cov));
        for (size_t i = 0; i < n; i++) cov[i] = d[i].coverage;
        snprintf(base, sizeof base, "%s_coverage", col);
        unique_name(cs, L, base, name, sizeof name);
        snprintf(t, sizeof t, "%.400s: share of the area its source areas cover (0-1)", title);
        add_column(cs, name, t, NULL, WM_GPKG_REAL, NULL)->num = cov;
    }
    if (flag) {
        const char **text = own(cs, calloc(n ? n : 1, sizeof *text));
        for (size_t i = 0; i < n; i++) {
            if (isnan(d[i].value)) continue;
            char f[200] = "";
            if (!isnan(d[i].coverage) && d[i].coverage * 100 < threshold)
                snprintf(f, sizeof f, "coverage below %g%%", threshold);
            if (d[i].estimate)
                snprintf(f + strlen(f), sizeof f - strlen(f), "%sestimate: %s", *f ? "; " : "", d[i].estimate_note);
            if (*f) text[i] = own_str(cs, f);
        }
        snprintf(base, sizeof base, "%s_flag", col);
        unique_name(cs, L, base, name, sizeof name);
        snprintf(t, sizeof t, "%.400s: low coverage or estimate", title);
        add_column(cs, name, t, NULL, WM_GPKG_TEXT, NULL)->text = text;
    }
}

static int add_store_columns(colset *cs, wm_store *store, const char *geography, const wm_layer *L,
                             double threshold, char *matched, size_t matched_size, wm_error *err)
{
    wm_indicator_meta *list = NULL;
    size_t n = 0;
    if (wm_store_list_indicators(store, geography, 0, &list, &n, err) != 0) return -1;
    if (n > 0 && matched) snprintf(matched, matched_size, "%s", list[0].values_geography);
    int added = 0;
    for (size_t i = 0; i < n; i++) {
        wm_indicator_meta meta;
        double *v = NULL;
        wm_store_value *details = wm_store_details_for_layer(store, list[i].id, list[i].period,
                                                             list[i].values_geography, L, &v, &meta, err);
        if (!details) {
            free(list);
            return -1;
        }
        int several_periods = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && strcmp(list[j].id, list[i].id) == 0) several_periods = 1;
        char base[200], name[220], title[400], desc[4096];
        if (several_periods) {
            char both[200];
            snprintf(both, sizeof both, "%s_%s", list[i].id, list[i].period);
            column_name(both, base, sizeof base);
        } else {
            column_name(list[i].id, base, sizeof base);
        }
        unique_name(cs, L, base, name, sizeof name);
        indicator_title(&meta, title, sizeof title);
        indicator_description(&meta, desc, sizeof desc);
        wm_gpkg_column *c = add_column(cs, name, title, desc, WM_GPKG_REAL, &meta);
        c->num = own(cs, v);
        add_claim_columns(cs, L, name, title, details, threshold);
        free(details);
        added++;
    }
    free(list);
    return added;
}

/* ---- geographies ------------------------------------------------------------- */

/* "WD25CD" -> "ward25", "LSOA11CD" -> "lsoa11", "MSOA21CD" -> "msoa21",
 * "LAD24CD" -> "lad24"; "" when the key follows no ONS pattern. */
static void geography_of_key(const char *key, char *out, size_t size)
{
    static const struct { const char *prefix, *type; } types[] = {
        { "WD", "ward" }, { "LSOA", "lsoa" }, { "MSOA", "msoa" }, { "LAD", "lad" }, { "OA", "oa" },
    };
    out[0] = '\0';
    size_t len = strlen(key);
    if (len < 4 || strcasecmp(key + len - 2, "CD") != 0) return;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        size_t pl = strlen(types[t].prefix);
        if (strncasecmp(key, types[t].prefix, pl) != 0) continue;
        const char *digits = key + pl;
        size_t nd = len - 2 - pl;
        if (nd != 2 || !isdigit((unsigned char)digits[0]) || !isdigit((unsigned char)digits[1])) continue;
        snprintf(out, size, "%s%.2s", types[t].type, digits);
        return;
    }
}

/* The layer name for a geography: "wards" for any ward vintage (what GIS
 * users look for), else the geography itself ("lsoa11", "msoa21"). */
static void layer_name_for(const char *geography, const char *spec, char *out, size_t size)
{
    if (strncmp(geography, "ward", 4) == 0) {
        snprintf(out, size, "wards");
    } else if (*geography) {
        snprintf(out, size, "%s", geography);
    } else {
        /* the file's stem */
        const char *base = strrchr(spec, '/');
        base = base ? base + 1 : spec;
        char stem[200];
        snprintf(stem, sizeof stem, "%s", base);
        char *colon = strchr(stem, ':');
        if (colon) *colon = '\0';
        char *dot = strrchr(stem, '.');
        if (dot) *dot = '\0';
        column_name(stem, out, size);
    }
}

static void area_titles(const char *geography, char *code, char *name, size_t size)
{
    const char *what = "Area";
    if (strncmp(geography, "ward", 4) == 0) what = "Ward";
    else if (strncmp(geography, "lsoa", 4) == 0) what = "LSOA";
    else if (strncmp(geography, "msoa", 4) == 0) what = "MSOA";
    else if (strncmp(geography, "lad", 3) == 0) what = "Local authority";
    const char *digits = geography + strcspn(geography, "0123456789");
    if (*digits && strcmp(what, "Area") != 0) {
        snprintf(code, size, "%s code (20%s)", what, digits);
        snprintf(name, size, "%s name (20%s)", what, digits);
    } else {
        snprintf(code, size, "%s code", what);
        snprintf(name, size, "%s name", what);
    }
}

/* ---- styles ------------------------------------------------------------------ */

static wm_qgis_alias *aliases_of(const wm_layer *L, const char *geography, const colset *cs, int *n,
                                  char *code_title, char *name_title, size_t size)
{
    area_titles(geography, code_title, name_title, size);
    wm_qgis_alias *al = calloc((size_t)cs->n + 2, sizeof *al);
    int k = 0;
    al[k].field = L->key_field;
    al[k++].alias = code_title;
    if (L->name_field && strcasecmp(L->name_field, L->key_field) != 0) {
        al[k].field = L->name_field;
        al[k++].alias = name_title;
    }
    for (int i = 0; i < cs->n; i++)
        if (cs->cols[i].title) {
            al[k].field = cs->cols[i].name;
            al[k++].alias = cs->cols[i].title;
        }
    *n = k;
    return al;
}

static void pt_to_mm(double pt, double *mm) { *mm = pt * 25.4 / 72.0; }

static int add_outline_style(wm_gpkg *g, const char *table, const wm_layer *L, const char *geography,
                             const colset *cs, const wm_map *map, wm_error *err)
{
    char code_title[64], name_title[64], outline[8];
    int nal;
    wm_qgis_alias *al = aliases_of(L, geography, cs, &nal, code_title, name_title, sizeof code_title);
    wm_qgis_hex(map->style.area_outline, outline);
    double mm;
    pt_to_mm(map->style.area_outline_width > 0 ? map->style.area_outline_width : 0.5, &mm);
    const char *label = L->name_field ? L->name_field : L->key_field;
    char *qml = wm_qgis_qml_outline(label, outline, mm, al, nal);
    char *sld = wm_qgis_sld_outline(table, label, outline, mm);
    wm_gpkg_style st = { table, "wardmap outlines", qml, sld,
                         "Outlines labelled with the area names; style any indicator column in QGIS "
                         "(Symbology > Graduated) or see indicator_metadata", 1 };
    int rc = qml && sld ? wm_gpkg_add_style(g, &st, err) : wm_error_set(err, WM_EXIT_IO, "out of memory");
    free(qml);
    free(sld);
    free(al);
    return rc;
}

static int add_map_styles(wm_gpkg *g, const char *table, const wm_map *map, const char *geography,
                          const colset *cs, const char *attr, wm_error *err)
{
    const wm_layer *L = map->layer;
    char code_title[64], name_title[64];
    int nal;
    wm_qgis_alias *al = aliases_of(L, geography, cs, &nal, code_title, name_title, sizeof code_title);
    wm_qgis_style s;
    const char *label = L->name_field ? L->name_field : L->key_field;
    wm_qgis_from_classes(&s, &map->classes, &map->palette, map->nodata_colour, table, attr, label);
    /* Label a value resting on too little of its area with a dagger. */
    char flag[280];
    snprintf(flag, sizeof flag, "%s_flag", attr);
    for (int i = 0; i < cs->n; i++)
        if (strcmp(cs->cols[i].name, flag) == 0) snprintf(s.label_flag, sizeof s.label_flag, "%.127s", flag);
    snprintf(s.title, sizeof s.title, "%.180s%s%.60s%s", map->legend_title, map->unit[0] ? " (" : "", map->unit,
             map->unit[0] ? ")" : "");
    wm_qgis_hex(map->style.area_outline, s.outline_colour);
    pt_to_mm(map->style.area_outline_width > 0 ? map->style.area_outline_width : 0.5, &s.outline_mm);
    s.aliases = al;
    s.naliases = nal;

    char sources[1024] = "";
    for (int i = 0; i < map->nsources; i++) {
        size_t len = strlen(sources);
        snprintf(sources + len, sizeof sources - len, "%s%s", i ? "; " : "", map->sources[i]);
    }
    char name[64], desc[2048], nodata_note[512] = "";
    snprintf(name, sizeof name, "wardmap %s %d classes", wm_class_method_name(map->classes.method), map->classes.n);
    if (map->classes.nodata > 0)
        snprintf(nodata_note, sizeof nodata_note,
                 " %zu area%s with No data (NULL) %s not filled by this graduated style (QGIS has no NULL class); "
                 "the style \"wardmap with No data\" draws them in grey.",
                 map->classes.nodata, map->classes.nodata == 1 ? "" : "s", map->classes.nodata == 1 ? "is" : "are");
    snprintf(desc, sizeof desc, "%s: %s classes of %s, palette %s, as in the figure wardmap render draws "
             "with the same options.%s%s%s",
             s.title, wm_class_method_name(map->classes.method), attr, map->palette.name, nodata_note,
             *sources ? " Sources: " : "", sources);

    char *qml = wm_qgis_qml_graduated(&s);
    char *sld = wm_qgis_sld(&s);
    int rc;
    if (!qml || !sld) {
        rc = wm_error_set(err, WM_EXIT_IO, "out of memory");
    } else {
        wm_gpkg_style st = { table, name, qml, sld, desc, 1 };
        rc = wm_gpkg_add_style(g, &st, err);
    }
    free(qml);
    if (rc == 0 && map->classes.nodata > 0) {
        char *rules = wm_qgis_qml_rules(&s);
        wm_gpkg_style st = { table, "wardmap with No data", rules, sld,
                             "The same classes as the default style as a rule-based renderer, with a "
                             "No data rule in grey", 0 };
        rc = rules ? wm_gpkg_add_style(g, &st, err) : wm_error_set(err, WM_EXIT_IO, "out of memory");
        free(rules);
    }
    free(sld);
    free(al);
    return rc;
}

/* ---- test hook ----------------------------------------------------------------- */

/* WARDMAP_TEST_FAIL_EXPORT_AFTER=STEP makes the export fail right after
 * STEP (a layer name, "styles" or "metadata"); STEP:kill kills the process
 * there instead, as an interrupted export would be.  For the tests that
 * check the target is left untouched. */
static int injected_failure(const char *step, wm_error *err)
{
    const char *want = getenv("WARDMAP_TEST_FAIL_EXPORT_AFTER");
    if (!want || !*want) return 0;
    size_t len = strlen(step);
    if (strncmp(want, step, len) != 0 || (want[len] != '\0' && want[len] != ':')) return 0;
    if (strcmp(want + len, ":kill") == 0) raise(SIGKILL);
    return wm_error_set(err, WM_EXIT_IO, "export: failing after %s (WARDMAP_TEST_FAIL_EXPORT_AFTER)", step);
}

/* ---- the command ---------------------------------------------------------------- */

typedef struct written {
    char name[128];
    size_t areas;
    int columns;
} written;

int wm_export_spec_from_args(const wm_args *a, wm_export_spec *spec, wm_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->output = wm_args_get(a, "output", NULL);
    spec->append = wm_args_has(a, "append");
    spec->force = wm_args_has(a, "force");
    spec->mapped_only = wm_args_has(a, "mapped-only");
    spec->layer_name = wm_args_get(a, "layer-name", NULL);
    const char *out = spec->output;
    struct stat st;
    if (!out) return wm_error_set_about(err, WM_EXIT_USAGE, "output", "export: give the GeoPackage to write with -o OUT.gpkg");
    if (!wm_has_suffix(out, ".gpkg"))
        return wm_error_set_about(err, WM_EXIT_USAGE, "output", "export: %s: a GeoPackage file name ends in .gpkg", out);
    if (!spec->append && !spec->force && stat(out, &st) == 0)
        return wm_error_set_about(err, WM_EXIT_USAGE, "output", "export: %s already exists (--force overwrites it, --append adds layers to it)", out);
    if (spec->append && stat(out, &st) != 0)
        return wm_error_set_about(err, WM_EXIT_USAGE, "append", "export: %s: no such GeoPackage to --append to", out);
    if (spec->layer_name) {
        char clean[128];
        column_name(spec->layer_name, clean, sizeof clean);
        if (strcmp(clean, spec->layer_name) != 0)
            return wm_error_set_about(err, WM_EXIT_USAGE, "layer-name", "export: --layer-name \"%s\": use lower-case letters, digits and _ (e.g. %s)",
                                spec->layer_name, clean);
    }
    return wm_map_spec_from_args(a, &spec->map, err);
}

/* When the files the GeoPackage is made from last changed: the newest
 * modification time of those read so far (`r`) and of the boundaries of
 * the store's other geographies, which are read later; 0 when none can
 * be looked at.  The GeoPackage's tables are stamped with it, so the same
 * inputs give the same file. */
static time_t inputs_changed(const wm_report *r, const wm_store_geography *geos, size_t ngeos)
{
    time_t newest = 0;
    struct stat st;
    for (size_t i = 0; r && i < r->ninputs; i++)
        if (stat(r->inputs[i], &st) == 0 && st.st_mtime > newest) newest = st.st_mtime;
    for (size_t k = 0; k < ngeos; k++) {
        char path[4096];
        wm_home_path(geos[k].layer, path, sizeof path);
        char *file = NULL, *layer = NULL;
        wm_split_layer_spec(path, &file, &layer);
        if (file && stat(file, &st) == 0 && st.st_mtime > newest) newest = st.st_mtime;
        free(file);
        free(layer);
    }
    return newest;
}

int wm_export(const wm_export_spec *spec, wm_store_handle *handle, wm_report *report, wm_error *err)
{
    const char *out = spec->output;
    int append = spec->append, force = spec->force;
    int rc = -1;
    wm_map map;
    memset(&map, 0, sizeof map);
    wm_gpkg *g = NULL;
    colset mapped = { 0 };
    wm_store_geography *geos = NULL;
    size_t ngeos = 0;
    written done[16];
    int ndone = 0;
    wm_store *store = NULL;

    if (wm_map_build(&spec->map, handle, report, &map, err) != 0) goto finish;
    if (map.bivariate) {
        wm_error_set(err, WM_EXIT_USAGE, "export: bivariate maps are not exported (a graduated style has one "
                     "variable); export each variable on its own");
        goto finish;
    }

    const wm_layer *L = map.layer;
    char geography[32], store_geography[32] = "", table[128];
    geography_of_key(L->key_field, geography, sizeof geography);
    layer_name_for(geography, L->spec, table, sizeof table);
    if (spec->layer_name) column_name(spec->layer_name, table, sizeof table);

    /* The store takes part when the map is drawn from it or one is named:
     * a map of a table with no --store needs none, and never falls back
     * on the default store, whose areas are another authority's. */
    int use_store = spec->map.var.indicator != NULL || handle->path != NULL;
    if (!use_store && !spec->mapped_only)
        wm_report_add(report, WM_REPORT_NOTE, "export: no --store named, so only the mapped layer is written");

    /* the store's indicators for the mapped layer: the exact geography the
     * key names, else any vintage of its type */
    if (*geography && use_store) {
        if (!(store = wm_store_get(handle, err))) goto finish;
        wm_report_input(report, wm_store_path(store));
        int got = add_store_columns(&mapped, store, geography, L, spec->map.coverage_threshold, store_geography, sizeof store_geography, err);
        if (got == 0) {
            char type[32];
            snprintf(type, sizeof type, "%.*s", (int)strcspn(geography, "0123456789"), geography);
            got = add_store_columns(&mapped, store, type, L, spec->map.coverage_threshold, store_geography, sizeof store_geography, err);
        }
        if (got < 0) goto finish;
    }
    /* the mapped value: a stored column holding exactly these values, or its own */
    char attr[220] = "";
    for (int i = 0; i < mapped.n && !*attr; i++)
        if (mapped.meta[i] && strcmp(mapped.meta[i]->id, map.field) == 0 &&
            same_values(mapped.cols[i].num, map.values, L->n))
            snprintf(attr, sizeof attr, "%s", mapped.cols[i].name);
    if (!*attr) {
        char base[200], title[400], desc[1600];
        column_name(map.field, base, sizeof base);
        unique_name(&mapped, L, base, attr, sizeof attr);
        snprintf(title, sizeof title, "%s%s%s%s", map.legend_title, map.unit[0] ? " (" : "", map.unit,
                 map.unit[0] ? ")" : "");
        snprintf(desc, sizeof desc, "The mapped value: %s. %s", title, map.values_report ? map.values_report : "");
        wm_indicator_meta meta;
        memset(&meta, 0, sizeof meta);
        snprintf(meta.id, sizeof meta.id, "%s", map.field);
        snprintf(meta.title, sizeof meta.title, "%s", map.legend_title);
        snprintf(meta.unit, sizeof meta.unit, "%.31s", map.unit);
        for (int i = 0; i < map.nsources; i++) {
            size_t len = strlen(meta.source_file);
            snprintf(meta.source_file + len, sizeof meta.source_file - len, "%s%s", i ? "; " : "", map.sources[i]);
        }
        const char *data = spec->map.var.data;
        if (data && !meta.source_file[0]) snprintf(meta.source_file, sizeof meta.source_file, "%s", data);
        snprintf(meta.method, sizeof meta.method, "%.500s", map.values_report ? map.values_report : "");
        wm_gpkg_column *c = add_column(&mapped, attr, title, desc, WM_GPKG_REAL, &meta);
        double *v = own(&mapped, malloc((L->n ? L->n : 1) * sizeof *v));
        memcpy(v, map.values, L->n * sizeof *v);
        c->num = v;
    }

    /* class, class label and colour of each area, as the figure draws it */
    {
        double *cls = own(&mapped, malloc((L->n ? L->n : 1) * sizeof *cls));
        const char **label = own(&mapped, calloc(L->n ? L->n : 1, sizeof *label));
        const char **colour = own(&mapped, calloc(L->n ? L->n : 1, sizeof *colour));
        char (*hex)[8] = own(&mapped, calloc(L->n ? L->n : 1, sizeof *hex));
        for (size_t i = 0; i < L->n; i++) {
            int k = wm_class_of(&map.classes, map.values[i]);
            cls[i] = k >= 0 ? k + 1 : NAN;
            label[i] = k >= 0 ? map.classes.label[k] : isnan(map.values[i]) ? "No data" : "Not in any class";
            wm_qgis_hex(wm_map_colour(&map, i), hex[i]);
            colour[i] = hex[i];
        }
        char base[256], name[280], title[300];
        snprintf(title, sizeof title, "Class of %s (1 = lowest; NULL = No data)", attr);
        snprintf(base, sizeof base, "%s_class", attr);
        unique_name(&mapped, L, base, name, sizeof name);
        add_column(&mapped, name, title, NULL, WM_GPKG_INTEGER, NULL)->num = cls;
        snprintf(title, sizeof title, "Legend class of %s", attr);
        snprintf(base, sizeof base, "%s_class_label", attr);
        unique_name(&mapped, L, base, name, sizeof name);
        add_column(&mapped, name, title, NULL, WM_GPKG_TEXT, NULL)->text = label;
        snprintf(title, sizeof title, "Fill colour of %s in the figure", attr);
        snprintf(base, sizeof base, "%s_colour", attr);
        unique_name(&mapped, L, base, name, sizeof name);
        add_column(&mapped, name, title, NULL, WM_GPKG_TEXT, NULL)->text = colour;
    }

    /* the other geographies of the store */
    if (!spec->mapped_only && use_store) {
        if (!store && !(store = wm_store_get(handle, err))) goto finish;
        if (wm_store_boundary_layers(store, &geos, &ngeos, err) != 0) goto finish;
    }

    g = wm_gpkg_begin(out, append ? WM_GPKG_APPEND : force ? WM_GPKG_REPLACE : WM_GPKG_NEW, err);
    if (!g) goto finish;
    time_t changed = inputs_changed(report, geos, ngeos);
    if (changed > 0) wm_gpkg_set_date(g, changed);
    if (wm_gpkg_has_layer(g, table)) {
        if (!force) {
            wm_error_set(err, WM_EXIT_USAGE, "export: %s already has a layer %s (--force replaces it, "
                         "--layer-name names the new one differently)", out, table);
            goto finish;
        }
        if (wm_gpkg_drop_layer(g, table, err) != 0) goto finish;
    }

    char code_title[64], name_title[64], desc[1024];
    area_titles(store_geography[0] ? store_geography : geography, code_title, name_title, sizeof code_title);
    snprintf(desc, sizeof desc, "%s, styled by %s (%s, %d classes); every stored indicator at this geography "
             "as a column (see indicator_metadata)", map.legend_title, attr,
             wm_class_method_name(map.classes.method), map.classes.n);
    wm_gpkg_layer mapped_layer = { table, NULL, desc, L, code_title, name_title, mapped.cols, mapped.n };
    if (wm_gpkg_write_layer(g, &mapped_layer, err) != 0) goto finish;
    snprintf(done[ndone].name, sizeof done[ndone].name, "%s", table);
    done[ndone].areas = L->n;
    done[ndone++].columns = mapped.n;
    if (injected_failure(table, err) != 0) goto finish;
    if (add_map_styles(g, table, &map, store_geography[0] ? store_geography : geography, &mapped, attr, err) != 0)
        goto finish;
    {
        wm_gpkg_indicator *rows = calloc((size_t)mapped.n + 1, sizeof *rows);
        size_t nr = 0;
        for (int i = 0; i < mapped.n; i++)
            if (mapped.meta[i]) rows[nr++] = (wm_gpkg_indicator){ table, mapped.cols[i].name, mapped.meta[i] };
        int bad = wm_gpkg_add_indicators(g, rows, nr, err);
        free(rows);
        if (bad) goto finish;
    }

    for (size_t k = 0; k < ngeos; k++) {
        const wm_store_geography *sg = &geos[k];
        if (strcmp(sg->geography, store_geography) == 0 || strcmp(sg->geography, geography) == 0) continue;
        char name[128];
        layer_name_for(sg->geography, sg->layer, name, sizeof name);
        if (strcmp(name, table) == 0) continue;
        if (wm_gpkg_has_layer(g, name)) {
            if (!force) {
                wm_report_add(report, WM_REPORT_NOTE, "export: kept the layer %s %s already holds (--force replaces it)",
                              name, out);
                continue;
            }
            if (wm_gpkg_drop_layer(g, name, err) != 0) goto finish;
        }
        char path[4096];
        wm_home_path(sg->layer, path, sizeof path);
        wm_report_input(report, path);
        wm_layer *CL = wm_layer_read(path, sg->code_field[0] ? sg->code_field : NULL,
                                     sg->name_field[0] ? sg->name_field : NULL, spec->map.t_srs, err);
        if (!CL) goto finish;
        colset cs = { 0 };
        int got = add_store_columns(&cs, store, sg->geography, CL, spec->map.coverage_threshold, NULL, 0, err);
        int bad = got < 0;
        if (!bad && got > 0) {
            char ct[64], nt[64], d[256];
            area_titles(sg->geography, ct, nt, sizeof ct);
            snprintf(d, sizeof d, "%s: every stored indicator at this geography as a column (see indicator_metadata)",
                     sg->geography);
            wm_gpkg_layer cspec = { name, NULL, d, CL, ct, nt, cs.cols, cs.n };
            bad = wm_gpkg_write_layer(g, &cspec, err) != 0 ||
                  add_outline_style(g, name, CL, sg->geography, &cs, &map, err) != 0;
            if (!bad) {
                wm_gpkg_indicator *rows = calloc((size_t)cs.n + 1, sizeof *rows);
                size_t nr = 0;
                for (int i = 0; i < cs.n; i++)
                    if (cs.meta[i]) rows[nr++] = (wm_gpkg_indicator){ name, cs.cols[i].name, cs.meta[i] };
                bad = wm_gpkg_add_indicators(g, rows, nr, err) != 0;
                free(rows);
            }
            if (!bad && ndone < 16) {
                snprintf(done[ndone].name, sizeof done[ndone].name, "%s", name);
                done[ndone].areas = CL->n;
                done[ndone++].columns = cs.n;
            }
        }
        colset_free(&cs);
        wm_layer_free(CL);
        if (bad) goto finish;
        if (injected_failure(name, err) != 0) goto finish;
    }
    if (injected_failure("metadata", err) != 0) goto finish;

    if (wm_gpkg_commit(g, err) != 0) {
        g = NULL;
        goto finish;
    }
    g = NULL;
    {
        char line[2048];
        size_t len = (size_t)snprintf(line, sizeof line, "wrote %s:", out);
        for (int i = 0; i < ndone && len < sizeof line; i++)
            len += (size_t)snprintf(line + len, sizeof line - len, "%s %s (%zu areas, %d columns)", i ? "," : "",
                                    done[i].name, done[i].areas, done[i].columns);
        if (len < sizeof line)
            snprintf(line + len, sizeof line - len, "; %s styled by %s (%s, %d classes)", table, attr,
                     wm_class_method_name(map.classes.method), map.classes.n);
        wm_report_add(report, WM_REPORT_RESULT, "%s", line);
    }
    rc = 0;

finish:
    if (g) wm_gpkg_abort(g);
    free(geos);
    colset_free(&mapped);
    wm_map_free(&map);
    return rc;
}
