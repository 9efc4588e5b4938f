/* An authority's store from the national files: the layers cut out
 * through OGR, the manifest made in memory, the tables imported
 * (store_area.h). */
#include "store_area.h"
#include "atomic.h"
#include "dissolve.h"
#include "home.h"
#include "indicator_meta.h"
#include "layer.h"
#include "layer_cache.h"
#include "layer_write.h"
#include "national.h"
#include "store.h"
#include "store_import.h"
#include "table.h"
#include "text.h"

#include <gdal.h>
#include <math.h>
#include <stdarg.h>
#include <ogr_api.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The national files found, and the cached layers. */
typedef struct inputs {
    char file[WM_NAT_COUNT][PATH_MAX];
    char cache_wards[PATH_MAX], cache_lsoa11[PATH_MAX], cache_lsoa21[PATH_MAX], cache_msoa21[PATH_MAX];
} inputs;

static int find_inputs(const wm_area_build_options *o, inputs *in, wm_error *err)
{
    const char *dir = wm_national_dir(o->national);
    for (int i = 0; i < WM_NAT_COUNT; i++)
        if (wm_national_find(dir, (wm_national_id)i, in->file[i], sizeof in->file[i], err) != 0) return -1;
    char cache[PATH_MAX];
    snprintf(cache, sizeof cache, "%s/national", o->work_dir);
    if (wm_layer_cache_path(in->file[WM_NAT_WARDS25], cache, in->cache_wards, PATH_MAX, err) != 0) return -1;
    if (wm_layer_cache_path(in->file[WM_NAT_LSOA11], cache, in->cache_lsoa11, PATH_MAX, err) != 0) return -1;
    if (wm_layer_cache_path(in->file[WM_NAT_LSOA21], cache, in->cache_lsoa21, PATH_MAX, err) != 0) return -1;
    if (wm_layer_cache_path(in->file[WM_NAT_MSOA21], cache, in->cache_msoa21, PATH_MAX, err) != 0) return -1;
    return 0;
}

/* "LAD25CD IN ('E06000016', ...)": codes are checked to be [A-Z0-9]. */
static char *district_filter(const wm_area *a)
{
    size_t size = 32 + a->n * 16;
    char *w = malloc(size);
    if (!w) return NULL;
    size_t used = (size_t)snprintf(w, size, "LAD25CD IN (");
    for (size_t i = 0; i < a->n; i++)
        used += (size_t)snprintf(w + used, size - used, "%s'%s'", i ? ", " : "", a->districts[i].code);
    snprintf(w + used, size - used, ")");
    return w;
}

/* ---- Cutting the area out ---- */

typedef struct ward_cut {
    int lad_field;
    size_t n;
    char (*ward)[16], (*lad)[16];
} ward_cut;

static int keep_ward(OGRFeatureH f, void *ctx)
{
    ward_cut *w = ctx;
    char (*g1)[16] = realloc(w->ward, (w->n + 1) * sizeof *g1);
    if (g1) w->ward = g1;
    char (*g2)[16] = realloc(w->lad, (w->n + 1) * sizeof *g2);
    if (g2) w->lad = g2;
    if (!g1 || !g2) return 1;
    snprintf(w->ward[w->n], 16, "%s", OGR_F_GetFieldAsString(f, 0));
    snprintf(w->lad[w->n], 16, "%s", OGR_F_GetFieldAsString(f, w->lad_field));
    w->n++;
    return 1;
}

typedef struct inside {
    const wm_layer *wards;
    OGREnvelope *env;
    OGRLayerH national;        /* England's wards (the cache), for points in none of the area's */
    int lad_field;             /* LAD25CD in `national` */
    const wm_area *area;
    size_t kept, seen, nearest;
} inside;

/* How far from a ward a point in no ward may lie and still go to the
 * nearest: the generalised (BGC) boundaries of one vintage leave coastal
 * slivers and estuaries outside those of another. */
#define NEAREST_WARD_METRES 2000.0

/* For a point in none of the area's wards: whether it lies in no ward of
 * England at all and the nearest one, within NEAREST_WARD_METRES, is the
 * area's.  A coastal LSOA whose point on surface falls in a gap between
 * generalised boundaries belongs where it is nearest, not nowhere. */
static int nearest_is_area(inside *in, OGRGeometryH pt, double x, double y)
{
    if (!in->national || in->lad_field < 0) return 0;
    double d = NEAREST_WARD_METRES;
    OGR_L_SetSpatialFilterRect(in->national, x - d, y - d, x + d, y + d);
    OGR_L_ResetReading(in->national);
    OGRFeatureH f;
    double best = INFINITY;
    char lad[16] = "";
    int inside_other = 0;
    while (!inside_other && (f = OGR_L_GetNextFeature(in->national)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g) {
            double dist = OGR_G_Distance(g, pt);
            if (dist == 0) inside_other = 1;
            else if (dist >= 0 && dist < best) {
                best = dist;
                snprintf(lad, sizeof lad, "%s", OGR_F_GetFieldAsString(f, in->lad_field));
            }
        }
        OGR_F_Destroy(f);
    }
    if (inside_other || best > d) return 0;
    for (size_t i = 0; i < in->area->n; i++)
        if (strcmp(in->area->districts[i].code, lad) == 0) return 1;
    return 0;
}

/* Whether a feature's point on surface lies in one of the wards. */
static int keep_inside(OGRFeatureH f, void *ctx)
{
    inside *in = ctx;
    in->seen++;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g) return 0;
    OGRGeometryH pt = OGR_G_PointOnSurface(g);
    if (!pt) {
        pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_Centroid(g, pt);
    }
    double x = OGR_G_GetX(pt, 0), y = OGR_G_GetY(pt, 0);
    int hit = 0;
    for (size_t j = 0; j < in->wards->n && !hit; j++) {
        const OGREnvelope *e = &in->env[j];
        if (x < e->MinX || x > e->MaxX || y < e->MinY || y > e->MaxY) continue;
        hit = OGR_G_Intersects(in->wards->features[j].geom, pt);
    }
    /* The ward file is England's: a Welsh area (W01..., W02...) beside the
     * border lies in none of its wards, and belongs to none of them. */
    const char *code = OGR_F_GetFieldCount(f) > 0 ? OGR_F_GetFieldAsString(f, 0) : "";
    if (!hit && code[0] == 'E' && nearest_is_area(in, pt, x, y)) {
        hit = 1;
        in->nearest++;
    }
    OGR_G_DestroyGeometry(pt);
    in->kept += hit;
    return hit;
}

static int copy_layer(GDALDatasetH dst, const char *name, const char *cache, const char *where, const wm_layer *wards,
                      wm_feature_filter keep, void *ctx, size_t *copied, wm_error *err)
{
    GDALDatasetH src = GDALOpenEx(cache, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!src) return wm_error_set(err, WM_EXIT_DATA, "%s: cannot read the cached layer", cache);
    OGRLayerH lyr = GDALDatasetGetLayer(src, 0);
    int rc = 0;
    if (where && OGR_L_SetAttributeFilter(lyr, where) != OGRERR_NONE)
        rc = wm_error_set(err, WM_EXIT_DATA, "%s: the filter %s fails", cache, where);
    if (rc == 0 && wards) {
        double pad = 10;
        OGR_L_SetSpatialFilterRect(lyr, wards->minx - pad, wards->miny - pad, wards->maxx + pad, wards->maxy + pad);
    }
    if (rc == 0)
        rc = wm_layer_copy_features(dst, name, lyr, OGR_L_GetSpatialRef(lyr), NULL, keep, ctx, 0, copied, err);
    GDALClose(src);
    return rc;
}

/* The MSOA (2011) of each of the area's 2011 LSOAs, by the ONS lookup. */
static int msoa11_groups(const wm_layer *lsoa, const char *lookup, char ***group, char ***gname, wm_error *err)
{
    wm_table *t = wm_table_read(lookup, err);
    if (!t) return -1;
    int lc = wm_table_require_column(t, "lsoa11_code", err);
    int mc = lc < 0 ? -1 : wm_table_require_column(t, "msoa11_code", err);
    int mn = mc < 0 ? -1 : wm_table_require_column(t, "msoa11_name", err);
    int rc = mn < 0 ? -1 : 0;
    *group = calloc(lsoa->n + 1, sizeof **group);
    *gname = calloc(lsoa->n + 1, sizeof **gname);
    for (size_t r = 0; rc == 0 && r < t->nrows; r++) {
        long f = wm_layer_find(lsoa, wm_table_cell(t, r, lc));
        if (f < 0) continue;
        if ((*group)[f]) {
            rc = wm_error_set(err, WM_EXIT_DATA, "%s:%ld: LSOA %s is listed twice", lookup, wm_table_line(t, r),
                              lsoa->features[f].key);
            break;
        }
        (*group)[f] = strdup(wm_table_cell(t, r, mc));
        (*gname)[f] = strdup(wm_table_cell(t, r, mn));
    }
    for (size_t i = 0; rc == 0 && i < lsoa->n; i++)
        if (!(*group)[i])
            rc = wm_error_set(err, WM_EXIT_DATA, "%s: LSOA %s (2011) has no MSOA in the lookup", lookup,
                              lsoa->features[i].key);
    wm_table_free(t);
    return rc;
}

static void free_list(char **l, size_t n)
{
    if (!l) return;
    for (size_t i = 0; i < n; i++) free(l[i]);
    free(l);
}

/* Add msoa11 (dissolved LSOAs) and lad25 (dissolved wards) to the
 * GeoPackage at `path`. */
static int add_dissolved(const char *path, const inputs *in, const wm_area *a, const ward_cut *wc, wm_error *err)
{
    char spec[PATH_MAX + 16];
    snprintf(spec, sizeof spec, "%s:lsoa11", path);
    wm_layer_options lo = { .key_field = "LSOA11CD", .name_field = "LSOA11NM" };
    wm_layer *lsoa = wm_layer_open(spec, &lo, err);
    snprintf(spec, sizeof spec, "%s:ward25", path);
    wm_layer_options wo = { .key_field = "WD25CD", .name_field = "WD25NM" };
    wm_layer *wards = lsoa ? wm_layer_open(spec, &wo, err) : NULL;
    char **group = NULL, **gname = NULL;
    wm_layer *msoa = NULL, *lads = NULL;
    int rc = -1;
    if (!wards) goto done;
    if (msoa11_groups(lsoa, in->file[WM_NAT_LSOA11_MSOA11], &group, &gname, err) != 0) goto done;
    msoa = wm_dissolve(lsoa, (const char *const *)group, (const char *const *)gname, "MSOA11CD", "MSOA11NM", err);
    if (!msoa) goto done;
    const char **lad = calloc(wards->n + 1, sizeof *lad), **ladname = calloc(wards->n + 1, sizeof *ladname);
    for (size_t i = 0; i < wards->n; i++)
        for (size_t k = 0; k < wc->n; k++)
            if (strcmp(wc->ward[k], wards->features[i].key) == 0) {
                lad[i] = wc->lad[k];
                for (size_t d = 0; d < a->n; d++)
                    if (strcmp(a->districts[d].code, wc->lad[k]) == 0) ladname[i] = a->districts[d].name;
            }
    lads = wm_dissolve(wards, lad, ladname, "LAD25CD", "LAD25NM", err);
    free(lad);
    free(ladname);
    if (!lads) goto done;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!ds) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot reopen to add the dissolved layers", path);
        goto done;
    }
    wm_field_text study[2] = { { "STUDYCD", a->code }, { "STUDYNM", a->name } };
    rc = wm_layer_save(ds, "msoa11", msoa, "MSOA11CD", "MSOA11NM", NULL, 0, err);
    if (rc == 0) rc = wm_layer_save(ds, "lad25", lads, "LAD25CD", "LAD25NM", study, a->n > 1 ? 2 : 0, err);
    if (wm_gpkg_dataset_close(ds, path, err) != 0) rc = -1;
done:
    free_list(group, lsoa ? lsoa->n : 0);
    free_list(gname, lsoa ? lsoa->n : 0);
    wm_layer_free(msoa);
    wm_layer_free(lads);
    wm_layer_free(wards);
    wm_layer_free(lsoa);
    return rc;
}

static int build_layers(const inputs *in, const wm_area *a, const char *target, wm_report *report, wm_error *err)
{
    char *where = district_filter(a);
    wm_layer_options wo = { .key_field = "WD25CD", .name_field = "WD25NM", .where = where };
    wm_layer *wards = where ? wm_layer_open(in->cache_wards, &wo, err) : NULL;
    ward_cut wc = { 0 };
    inside ins = { 0 };
    GDALDatasetH nat_wards = NULL;
    wm_atomic *file = NULL;
    GDALDatasetH ds = NULL;
    int rc = -1;
    if (!wards) goto done;
    ins.wards = wards;
    ins.area = a;
    nat_wards = GDALOpenEx(in->cache_wards, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    ins.national = nat_wards ? GDALDatasetGetLayer(nat_wards, 0) : NULL;
    ins.lad_field = ins.national ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(ins.national), "LAD25CD") : -1;
    ins.env = malloc((wards->n + 1) * sizeof *ins.env);
    for (size_t j = 0; j < wards->n; j++) OGR_G_GetEnvelope(wards->features[j].geom, &ins.env[j]);
    file = wm_atomic_begin(target, WM_ATOMIC_REPLACE, err);
    if (!file) goto done;
    const char *tmp = wm_atomic_path(file);
    ds = wm_gpkg_dataset_create(tmp, err);
    if (!ds) goto done;
    {
        GDALDatasetH src = GDALOpenEx(in->cache_wards, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        OGRLayerH l = src ? GDALDatasetGetLayer(src, 0) : NULL;
        OGRFeatureDefnH d = l ? OGR_L_GetLayerDefn(l) : NULL;
        int wi = d ? OGR_FD_GetFieldIndex(d, "WD25CD") : -1;
        wc.lad_field = d ? OGR_FD_GetFieldIndex(d, "LAD25CD") : -1;
        if (src) GDALClose(src);
        if (wi != 0 || wc.lad_field < 0) {
            wm_error_set(err, WM_EXIT_DATA, "%s: the ward layer needs WD25CD (first) and LAD25CD fields",
                         in->file[WM_NAT_WARDS25]);
            goto done;
        }
    }
    size_t n = 0;
    if (copy_layer(ds, "ward25", in->cache_wards, where, NULL, keep_ward, &wc, &n, err) != 0) goto done;
    const struct { const char *name, *cache; wm_national_id id; } cut[] = {
        { "lsoa11", in->cache_lsoa11, WM_NAT_LSOA11 },
        { "lsoa21", in->cache_lsoa21, WM_NAT_LSOA21 },
        { "msoa21", in->cache_msoa21, WM_NAT_MSOA21 },
    };
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
        ins.kept = ins.seen = ins.nearest = 0;
        if (copy_layer(ds, cut[i].name, cut[i].cache, NULL, wards, keep_inside, &ins, &n, err) != 0) goto done;
        if (ins.kept == 0) {
            wm_error_set(err, WM_EXIT_DATA, "%s: no area lies in the wards of %s", in->file[cut[i].id], a->name);
            goto done;
        }
        wm_report_add(report, WM_REPORT_NOTE, "%s: %zu areas lie in the %zu wards of %s (%zu near them looked at)",
                      cut[i].name, ins.kept, wards->n, a->name, ins.seen);
        if (ins.nearest)
            wm_report_add(report, WM_REPORT_NOTE, "%s: %zu of them by the nearest ward: their point on surface lies "
                          "in no ward of England, within %.0f m of one of %s's", cut[i].name, ins.nearest,
                          NEAREST_WARD_METRES, a->name);
    }
    if (wm_gpkg_dataset_close(ds, tmp, err) != 0) {
        ds = NULL;
        goto done;
    }
    ds = NULL;
    if (add_dissolved(tmp, in, a, &wc, err) != 0) goto done;
    rc = wm_atomic_commit(file, err);
    file = NULL;
done:
    if (ds) GDALClose(ds);
    if (nat_wards) GDALClose(nat_wards);
    wm_atomic_abort(file);
    free(ins.env);
    free(wc.ward);
    free(wc.lad);
    wm_layer_free(wards);
    free(where);
    return rc;
}

/* ---- The manifest, made in memory ---- */

static void add(wm_meta_section *s, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(wm_meta_section *s, const char *key, const char *fmt, ...)
{
    char v[3 * PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    wm_meta_add(s, key, v, 0);
}

static wm_meta_doc *area_manifest(const inputs *in, const wm_area *a, const char *layers)
{
    char path[PATH_MAX], pop[PATH_MAX];
    wm_home_path(WM_AREA_MANIFEST, path, sizeof path);
    wm_home_path("layers/indicators/population/census21_lsoa21_pop_age6.csv", pop, sizeof pop);
    wm_meta_doc *d = wm_meta_new(path);
    if (!d) return NULL;
    wm_meta_section *s;
    s = wm_meta_add_section(d, "areas", "lad25", 0);
    add(s, "layer", "%s:lad25", layers);
    add(s, "code", "LAD25CD");
    add(s, "name", "LAD25NM");
    if (a->n > 1) {
        add(s, "parent", "STUDYCD | %s", WM_AREA_STUDY_GEOGRAPHY);
        add(s, "parent_name", "STUDYNM");
    }
    s = wm_meta_add_section(d, "areas", "ward25", 0);
    add(s, "layer", "%s:ward25", layers);
    add(s, "code", "WD25CD");
    add(s, "name", "WD25NM");
    add(s, "parent", "LAD25CD | lad25");
    add(s, "parent_name", "LAD25NM");
    s = wm_meta_add_section(d, "areas", "lsoa11", 0);
    add(s, "layer", "%s:lsoa11", layers);
    add(s, "code", "LSOA11CD");
    add(s, "name", "LSOA11NM");
    s = wm_meta_add_section(d, "areas", "lsoa21", 0);
    add(s, "layer", "%s:lsoa21", layers);
    add(s, "code", "LSOA21CD");
    add(s, "name", "LSOA21NM");
    s = wm_meta_add_section(d, "areas", "msoa11", 0);
    add(s, "layer", "%s:msoa11", layers);
    add(s, "code", "MSOA11CD");
    add(s, "name", "MSOA11NM");
    add(s, "local_names", "%s | msoa11cd | msoa11hclnm", in->file[WM_NAT_MSOA11_NAMES]);
    s = wm_meta_add_section(d, "areas", "msoa21", 0);
    add(s, "layer", "%s:msoa21", layers);
    add(s, "code", "MSOA21CD");
    add(s, "name", "MSOA21NM");
    add(s, "local_names", "%s:msoa21 | MSOA21CD | MSOAHCLNM", layers);

    s = wm_meta_add_section(d, "link", "lsoa21 ward25", 0);
    add(s, "lookup", "%s | lsoa21_code | ward24_code", in->file[WM_NAT_LSOA21_WARD24]);
    add(s, "fallback", "point-on-surface");
    s = wm_meta_add_section(d, "link", "lsoa11 ward25", 0);
    add(s, "follow", "lsoa21 | %s | lsoa11_code | lsoa21_code | change_code", in->file[WM_NAT_LSOA11_LSOA21]);
    add(s, "split_by", "%s | lsoa21_code | usual_residents_total", pop);
    add(s, "fallback", "point-on-surface");
    s = wm_meta_add_section(d, "link", "lsoa21 lsoa11", 0);
    add(s, "method", "point-on-surface");
    s = wm_meta_add_section(d, "link", "lsoa21 msoa11", 0);
    add(s, "method", "point-on-surface");
    s = wm_meta_add_section(d, "link", "lsoa21 msoa21", 0);
    add(s, "method", "point-on-surface");
    return d;
}

/* Aggregate to the study area too: "ward25, lad25" -> "ward25, lad25, study". */
static void add_study_target(wm_meta_doc *m)
{
    for (size_t i = 0; i < m->n; i++)
        for (size_t k = 0; k < m->sections[i].n; k++) {
            wm_entry *e = &m->sections[i].entries[k];
            if (strcmp(e->key, "to") != 0 || !e->value || !strstr(e->value, "lad25")) continue;
            char v[512];
            snprintf(v, sizeof v, "%s, %s", e->value, WM_AREA_STUDY_GEOGRAPHY);
            char *nv = strdup(v);
            if (nv) {
                free(e->value);
                e->value = nv;
            }
        }
}

/* The metadata files of the bundled list, as paths. */
static char **import_list(size_t *n, wm_error *err)
{
    char path[PATH_MAX];
    wm_home_path(WM_AREA_MANIFEST, path, sizeof path);
    wm_meta_doc *d = wm_meta_read(path, err);
    if (!d) return NULL;
    char **list = NULL;
    *n = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->sections[i].type, "imports") != 0) continue;
        for (size_t k = 0; k < d->sections[i].n; k++) {
            char p[PATH_MAX];
            char **g = realloc(list, (*n + 1) * sizeof *g);
            if (!g) break;
            list = g;
            list[(*n)++] = strdup(wm_meta_path(d, d->sections[i].entries[k].value, p, sizeof p));
        }
    }
    wm_meta_free(d);
    return list;
}

static int build_store(const inputs *in, const wm_area *a, const char *layers, const char *target,
                       const char *log_path, wm_error *err)
{
    size_t nmeta = 0;
    char **metas = import_list(&nmeta, err);
    if (!metas) return -1;
    wm_meta_doc *man = area_manifest(in, a, layers);
    wm_atomic *file = wm_atomic_begin(target, WM_ATOMIC_REPLACE, err);
    wm_atomic *log = file ? wm_atomic_begin(log_path, WM_ATOMIC_REPLACE, err) : NULL;
    FILE *fp = log ? wm_atomic_stream(log, err) : NULL;
    wm_store *s = fp ? wm_store_open(wm_atomic_path(file), 1, err) : NULL;
    int rc = -1;
    if (!s || !man) goto done;
    sqlite3_exec(wm_store_db(s), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    if (wm_import_manifest_doc(s, man, fp, err) != 0) goto done;
    for (size_t i = 0; i < nmeta; i++) {
        wm_meta_doc *m = wm_meta_read(metas[i], err);
        if (!m) goto done;
        if (a->n > 1) add_study_target(m);
        fprintf(fp, "import %s\n", metas[i]);
        /* A table older than a district (NCMP by the districts before
         * 2019-23's unitaries) holds nothing for it: the indicator is not
         * held for this area, and the import report says so. */
        wm_import_settings settings = { .report = fp, .skip_uncovered = 1 };
        int r = wm_import_meta_doc_with(s, m, &settings, err);
        wm_meta_free(m);
        if (r != 0) goto done;
    }
    char codes[4096] = "";
    size_t used = 0;
    for (size_t i = 0; i < a->n && used < sizeof codes; i++)
        used += (size_t)snprintf(codes + used, sizeof codes - used, "%s%s", i ? "," : "", a->districts[i].code);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(wm_store_db(s), "INSERT OR REPLACE INTO store_info VALUES ('area_codes', ?)", -1, &q,
                           NULL) != SQLITE_OK ||
        (sqlite3_bind_text(q, 1, codes, -1, SQLITE_STATIC), sqlite3_step(q)) != SQLITE_DONE) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot record the area (%s)", target, sqlite3_errmsg(wm_store_db(s)));
        sqlite3_finalize(q);
        goto done;
    }
    sqlite3_finalize(q);
    rc = 0;
done:
    wm_store_close(s);
    if (rc == 0) {
        wm_atomic *both[2] = { file, log };
        rc = wm_atomic_commit_all(both, 2, err);
    } else {
        wm_atomic_abort(file);
        wm_atomic_abort(log);
    }
    if (man) wm_meta_free(man);
    free_list(metas, nmeta);
    return rc;
}

/* ---- Up to date? ---- */

static long long mtime_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_mtime : -1;
}

/* The newest input: national files, the list, each metadata file and its table, the binary. */
static long long newest_input(const inputs *in, const char *binary)
{
    long long t = mtime_of(binary ? binary : "");
    for (int i = 0; i < WM_NAT_COUNT; i++) t = fmax(t, mtime_of(in->file[i]));
    char p[PATH_MAX];
    t = fmax(t, mtime_of(wm_home_path(WM_AREA_MANIFEST, p, sizeof p)));
    size_t n = 0;
    wm_error ignore;
    char **metas = import_list(&n, &ignore);
    for (size_t i = 0; i < n; i++) {
        t = fmax(t, mtime_of(metas[i]));
        wm_meta_doc *m = wm_meta_read(metas[i], &ignore);
        for (size_t k = 0; m && k < m->n; k++)
            if (strcmp(m->sections[k].type, "source") == 0 && wm_meta_get(&m->sections[k], "table"))
                t = fmax(t, mtime_of(wm_meta_path(m, wm_meta_get(&m->sections[k], "table"), p, sizeof p)));
        if (m) wm_meta_free(m);
    }
    free_list(metas, n);
    return t;
}

static int store_is_current(const char *store, const char *layers, const wm_area *a, long long newest)
{
    long long ts = mtime_of(store), tl = mtime_of(layers);
    if (ts < 0 || tl < 0 || ts < newest || tl < newest || ts < tl) return 0;
    sqlite3 *db = NULL;
    int ok = 0;
    if (sqlite3_open_v2(store, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(db, "SELECT value FROM store_info WHERE key = 'area_codes'", -1, &q, NULL) ==
                SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW) {
            char codes[4096] = "";
            size_t used = 0;
            for (size_t i = 0; i < a->n && used < sizeof codes; i++)
                used += (size_t)snprintf(codes + used, sizeof codes - used, "%s%s", i ? "," : "",
                                         a->districts[i].code);
            ok = sqlite3_column_text(q, 0) && strcmp((const char *)sqlite3_column_text(q, 0), codes) == 0;
        }
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return ok;
}

int wm_area_store_build(const char *area_text, const wm_area_build_options *o, wm_area_store *out,
                        wm_report *report, wm_error *err)
{
    memset(out, 0, sizeof *out);
    inputs *in = calloc(1, sizeof *in);
    if (!in) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    int rc = find_inputs(o, in, err);
    if (rc == 0) rc = wm_area_resolve(area_text, in->cache_wards, in->file[WM_NAT_MSOA_LA], &out->area, err);
    if (rc != 0) {
        free(in);
        return -1;
    }
    /* Absolute: the store records its layers' paths. */
    char cwd[PATH_MAX] = "";
    if (o->work_dir[0] != '/' && !getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
    snprintf(out->dir, sizeof out->dir, "%.*s%s%.*s/areas/%s", PATH_MAX / 2, cwd, cwd[0] ? "/" : "", PATH_MAX / 4,
             o->work_dir, out->area.slug);
    snprintf(out->store, sizeof out->store, "%s/store.sqlite", out->dir);
    snprintf(out->layers, sizeof out->layers, "%s/layers.gpkg", out->dir);
    if (!o->force && store_is_current(out->store, out->layers, &out->area, newest_input(in, o->binary))) {
        wm_report_add(report, WM_REPORT_NOTE, "%s: the store of %s is up to date", out->store, out->area.name);
        free(in);
        return 0;
    }
    char log[PATH_MAX + 16];
    snprintf(log, sizeof log, "%s/import.txt", out->dir);
    rc = build_layers(in, &out->area, out->layers, report, err);
    if (rc == 0) rc = build_store(in, &out->area, out->layers, out->store, log, err);
    if (rc == 0) {
        out->rebuilt = 1;
        wm_report_add(report, WM_REPORT_NOTE, "%s: the store of %s (%zu district%s) built from the national files; "
                      "import report in %s", out->store, out->area.name, out->area.n, out->area.n == 1 ? "" : "s", log);
    } else {
        wm_area_free(&out->area);
    }
    free(in);
    return rc;
}

void wm_area_store_free(wm_area_store *s)
{
    wm_area_free(&s->area);
}
