#include "area.h"
#include "table.h"
#include "text.h"

#include <ctype.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct county {
    char code[16], name[128];
    size_t n;
    char (*lads)[16];
} county;

typedef struct names {
    size_t nd, nc;
    wm_district *d;      /* every district of the ward layer */
    county *c;           /* every county of the lookup */
} names;

static void names_free(names *N)
{
    for (size_t i = 0; i < N->nc; i++) free(N->c[i].lads);
    free(N->c);
    free(N->d);
}

static int read_districts(const char *wards, names *N, wm_error *err)
{
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(wards, &file, &layer);
    GDALDatasetH ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    int rc = 0;
    if (!ds) {
        rc = wm_error_set(err, WM_EXIT_DATA, "%s: cannot read the ward layer", file);
        goto done;
    }
    OGRLayerH lyr = layer ? GDALDatasetGetLayerByName(ds, layer) : GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = lyr ? OGR_L_GetLayerDefn(lyr) : NULL;
    int ci = defn ? OGR_FD_GetFieldIndex(defn, "LAD25CD") : -1, ni = defn ? OGR_FD_GetFieldIndex(defn, "LAD25NM") : -1;
    if (ci < 0 || ni < 0) {
        rc = wm_error_set(err, WM_EXIT_DATA, "%s: the ward layer has no LAD25CD and LAD25NM fields", file);
        goto done;
    }
    OGR_L_SetIgnoredFields(lyr, (const char *[]){ "OGR_GEOMETRY", NULL });
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        const char *code = OGR_F_GetFieldAsString(f, ci);
        size_t k = 0;
        while (k < N->nd && strcmp(N->d[k].code, code) != 0) k++;
        if (k == N->nd && *code) {
            wm_district *g = realloc(N->d, (N->nd + 1) * sizeof *g);
            if (g) {
                N->d = g;
                snprintf(N->d[N->nd].code, sizeof N->d[N->nd].code, "%s", code);
                snprintf(N->d[N->nd].name, sizeof N->d[N->nd].name, "%s", OGR_F_GetFieldAsString(f, ni));
                N->nd++;
            }
        }
        OGR_F_Destroy(f);
    }
    if (N->nd == 0) rc = wm_error_set(err, WM_EXIT_DATA, "%s: the ward layer names no district", file);
done:
    if (ds) GDALClose(ds);
    free(file);
    free(layer);
    return rc;
}

static int read_counties(const char *msoa_la, names *N, wm_error *err)
{
    wm_table *t = wm_table_read(msoa_la, err);
    if (!t) return -1;
    int lc = wm_table_require_column(t, "LADCD_ACTIVE", err);
    int uc = lc < 0 ? -1 : wm_table_require_column(t, "UTLACD", err);
    int un = uc < 0 ? -1 : wm_table_require_column(t, "UTLANM", err);
    if (un < 0) {
        wm_table_free(t);
        return -1;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        const char *lad = wm_table_cell(t, r, lc), *u = wm_table_cell(t, r, uc);
        /* A county is an upper tier of several districts (E10). */
        if (strncmp(u, "E10", 3) != 0) continue;
        size_t k = 0;
        while (k < N->nc && strcmp(N->c[k].code, u) != 0) k++;
        if (k == N->nc) {
            county *g = realloc(N->c, (N->nc + 1) * sizeof *g);
            if (!g) break;
            N->c = g;
            memset(&N->c[k], 0, sizeof N->c[k]);
            snprintf(N->c[k].code, sizeof N->c[k].code, "%s", u);
            snprintf(N->c[k].name, sizeof N->c[k].name, "%s", wm_table_cell(t, r, un));
            N->nc++;
        }
        county *c = &N->c[k];
        size_t j = 0;
        while (j < c->n && strcmp(c->lads[j], lad) != 0) j++;
        if (j == c->n) {
            char (*g)[16] = realloc(c->lads, (c->n + 1) * sizeof *g);
            if (!g) break;
            c->lads = g;
            snprintf(c->lads[c->n++], 16, "%s", lad);
        }
    }
    wm_table_free(t);
    return 0;
}

/* "did you mean A, B or C?" for the closest names, or "" when none is close. */
static void suggest(const names *N, const char *word, char *out, size_t size)
{
    const char *best[3] = { 0 };
    size_t bd[3] = { (size_t)-1, (size_t)-1, (size_t)-1 };
    size_t limit = strlen(word) / 3 + 2;
    for (size_t i = 0; i < N->nd + N->nc; i++) {
        const char *nm = i < N->nd ? N->d[i].name : N->c[i - N->nd].name;
        size_t d = wm_edit_distance(word, nm);
        /* A name that starts with the word counts as close. */
        if (strncasecmp(nm, word, strlen(word)) == 0 && d > 1) d = 1;
        if (d > limit) continue;
        for (int k = 0; k < 3; k++)
            if (d < bd[k]) {
                for (int m = 2; m > k; m--) { bd[m] = bd[m - 1]; best[m] = best[m - 1]; }
                bd[k] = d;
                best[k] = nm;
                break;
            }
    }
    out[0] = '\0';
    if (!best[0]) return;
    int n = best[2] ? 3 : best[1] ? 2 : 1;
    snprintf(out, size, "; did you mean %s%s%s%s%s?", best[0], n == 3 ? ", " : n == 2 ? " or " : "",
             n > 1 ? best[1] : "", n == 3 ? " or " : "", n == 3 ? best[2] : "");
}

static int add_district(wm_area *a, const wm_district *d)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->districts[i].code, d->code) == 0) return 0;
    wm_district *g = realloc(a->districts, (a->n + 1) * sizeof *g);
    if (!g) return -1;
    a->districts = g;
    a->districts[a->n++] = *d;
    return 0;
}

static const wm_district *district_by_code(const names *N, const char *code)
{
    for (size_t i = 0; i < N->nd; i++)
        if (strcasecmp(N->d[i].code, code) == 0) return &N->d[i];
    return NULL;
}

/* One comma-separated part: a district code or name, or a county. */
static int resolve_part(const names *N, const char *part, const char *text, wm_area *a, const county **cty,
                        wm_error *err)
{
    const wm_district *d = district_by_code(N, part);
    for (size_t i = 0; !d && i < N->nd; i++)
        if (strcasecmp(N->d[i].name, part) == 0) d = &N->d[i];
    if (d) return add_district(a, d) == 0 ? 0 : wm_error_set(err, WM_EXIT_IO, "out of memory");
    for (size_t i = 0; i < N->nc; i++)
        if (strcasecmp(N->c[i].code, part) == 0 || strcasecmp(N->c[i].name, part) == 0) {
            *cty = &N->c[i];
            for (size_t k = 0; k < N->c[i].n; k++) {
                const wm_district *cd = district_by_code(N, N->c[i].lads[k]);
                if (!cd)
                    return wm_error_set(err, WM_EXIT_DATA, "--area %s: county %s lists district %s, which is not in "
                                        "the ward layer", text, N->c[i].name, N->c[i].lads[k]);
                if (add_district(a, cd) != 0) return wm_error_set(err, WM_EXIT_IO, "out of memory");
            }
            return 0;
        }
    char hint[600];
    int is_code = (part[0] == 'E' || part[0] == 'e') && strlen(part) == 9 && strspn(part + 1, "0123456789") == 8;
    if (is_code) {
        snprintf(hint, sizeof hint, " (a district's code starts with E06, E07, E08 or E09 and is in the ward file's "
                 "LAD25CD)");
    } else {
        suggest(N, part, hint, sizeof hint);
    }
    return wm_error_set(err, WM_EXIT_USAGE, "--area %s: no district%s %s \"%s\"%s", text,
                        N->nc ? " or county" : "", is_code ? "with the code" : "called", part, hint);
}

/* "Kingston upon Hull, City of" -> "kingston_upon_hull_city_of". */
static void file_stem(const char *name, char *out, size_t size)
{
    size_t k = 0;
    int gap = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && k + 2 < size; p++) {
        if (isalnum(*p)) {
            if (gap && k) out[k++] = '_';
            out[k++] = (char)tolower(*p);
            gap = 0;
        } else {
            gap = 1;
        }
    }
    out[k] = '\0';
    if (k == 0) snprintf(out, size, "area");
}

static int names_a_district(const names *N, const char *text)
{
    char *part = wm_trimmed_dup(text);
    int found = part && district_by_code(N, part) != NULL;
    for (size_t i = 0; part && !found && i < N->nd; i++) found = strcasecmp(N->d[i].name, part) == 0;
    free(part);
    return found;
}

static int cmp_district(const void *x, const void *y)
{
    return strcmp(((const wm_district *)x)->code, ((const wm_district *)y)->code);
}

int wm_area_resolve(const char *text, const char *wards, const char *msoa_la, wm_area *a, wm_error *err)
{
    memset(a, 0, sizeof *a);
    names N = { 0 };
    int rc = read_districts(wards, &N, err);
    /* The county lookup is read only when it can matter: a list (which
     * may be a county's districts) or a name that is no district. */
    if (rc == 0 && msoa_la && (strchr(text ? text : "", ',') || !names_a_district(&N, text ? text : "")))
        rc = read_counties(msoa_la, &N, err);
    const county *cty = NULL;
    char *copy = strdup(text ? text : "");
    size_t nparts = 0;
    for (char *save = NULL, *p = strtok_r(copy, ",", &save); rc == 0 && p; p = strtok_r(NULL, ",", &save)) {
        char *part = wm_trimmed_dup(p);
        if (*part) {
            rc = resolve_part(&N, part, text, a, &cty, err);
            nparts++;
        }
        free(part);
    }
    free(copy);
    if (rc == 0 && a->n == 0) rc = wm_error_set(err, WM_EXIT_USAGE, "--area: name a district (code or name)");
    if (rc == 0) {
        qsort(a->districts, a->n, sizeof *a->districts, cmp_district);
        if (a->n == 1) {
            snprintf(a->code, sizeof a->code, "%s", a->districts[0].code);
            snprintf(a->name, sizeof a->name, "%s", a->districts[0].name);
        } else {
            /* The county whose districts these are, exactly. */
            const county *match = NULL;
            for (size_t i = 0; i < N.nc && !match; i++) {
                if (N.c[i].n != a->n) continue;
                size_t hit = 0;
                for (size_t k = 0; k < a->n; k++)
                    for (size_t j = 0; j < N.c[i].n; j++) hit += strcmp(N.c[i].lads[j], a->districts[k].code) == 0;
                if (hit == a->n) match = &N.c[i];
            }
            if (match) {
                snprintf(a->code, sizeof a->code, "%s", match->code);
                snprintf(a->name, sizeof a->name, "%s", match->name);
            } else {
                snprintf(a->code, sizeof a->code, "%s", WM_AREA_STUDY_CODE);
                size_t used = 0;
                for (size_t k = 0; k < a->n && used < sizeof a->name; k++)
                    used += (size_t)snprintf(a->name + used, sizeof a->name - used, "%s%s",
                                             k == 0 ? "" : k + 1 == a->n ? " and " : ", ", a->districts[k].name);
            }
        }
        if (strcmp(a->code, WM_AREA_STUDY_CODE) == 0) {
            /* FNV-1a of the codes: one folder per list. */
            unsigned long h = 2166136261UL;
            for (size_t k = 0; k < a->n; k++)
                for (const char *c = a->districts[k].code; *c; c++) h = ((h ^ (unsigned char)*c) * 16777619UL) & 0xffffffffUL;
            snprintf(a->slug, sizeof a->slug, "study-%08lx", h);
            snprintf(a->stem, sizeof a->stem, "%s", a->slug);
        } else {
            snprintf(a->slug, sizeof a->slug, "%s", a->code);
            file_stem(a->name, a->stem, sizeof a->stem);
        }
        for (char *s = a->slug; *s; s++) *s = (char)tolower((unsigned char)*s);
    }
    names_free(&N);
    if (rc != 0) wm_area_free(a);
    return rc;
}

void wm_area_free(wm_area *a)
{
    free(a->districts);
    a->districts = NULL;
    a->n = 0;
}
