#include "dissolve.h"

#include <math.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>

typedef struct member {
    const char *group;
    size_t index;
} member;

static int cmp_member(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = strcmp(x->group, y->group);
    return c ? c : (x->index < y->index ? -1 : x->index > y->index);
}

/* Add the polygons of `g` to the MultiPolygon `mp`. */
static void add_polygons(OGRGeometryH mp, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        OGR_G_AddGeometry(mp, g);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) add_polygons(mp, OGR_G_GetGeometryRef(g, i));
    }
}

/* The union of the members [first, end). */
static OGRGeometryH union_of(const wm_layer *src, const member *m, size_t first, size_t end)
{
    OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (size_t k = first; k < end; k++) {
        OGRGeometryH g = src->features[m[k].index].geom;
        if (!g) continue;
        if (!OGR_G_IsValid(g)) {
            OGRGeometryH v = OGR_G_MakeValid(g);
            if (v) {
                add_polygons(mp, v);
                OGR_G_DestroyGeometry(v);
                continue;
            }
        }
        add_polygons(mp, g);
    }
    OGRGeometryH u = OGR_G_UnionCascaded(mp);
    if (!u) {
        /* A last resort for members that still do not union: a zero buffer. */
        OGRGeometryH b = OGR_G_Buffer(mp, 0, 30);
        OGR_G_DestroyGeometry(mp);
        return b;
    }
    OGR_G_DestroyGeometry(mp);
    return u;
}

wm_layer *wm_dissolve(const wm_layer *src, const char *const *group, const char *const *group_name,
                      const char *key_field, const char *name_field, wm_error *err)
{
    member *m = malloc((src->n + 1) * sizeof *m);
    wm_layer *L = calloc(1, sizeof *L);
    if (!m || !L) goto oom;
    size_t nm = 0;
    for (size_t i = 0; i < src->n; i++)
        if (group[i]) m[nm++] = (member){ group[i], i };
    if (nm == 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no feature has a group to dissolve by", src->spec);
        goto fail;
    }
    qsort(m, nm, sizeof *m, cmp_member);
    size_t ngroups = 0;
    for (size_t k = 0; k < nm; k++) ngroups += k == 0 || strcmp(m[k].group, m[k - 1].group) != 0;
    L->spec = strdup(src->spec);
    L->key_field = strdup(key_field);
    L->name_field = name_field ? strdup(name_field) : NULL;
    L->srs = src->srs ? OSRClone(src->srs) : NULL;
    L->features = calloc(ngroups, sizeof *L->features);
    if (!L->spec || !L->key_field || (name_field && !L->name_field) || !L->features) goto oom;
    L->minx = L->miny = HUGE_VAL;
    L->maxx = L->maxy = -HUGE_VAL;
    for (size_t first = 0; first < nm;) {
        size_t end = first + 1;
        while (end < nm && strcmp(m[end].group, m[first].group) == 0) end++;
        const char *name = NULL;
        for (size_t k = first; k < end && !name; k++)
            if (group_name && group_name[m[k].index]) name = group_name[m[k].index];
        wm_feature *f = &L->features[L->n++];
        f->key = strdup(m[first].group);
        f->name = strdup(name ? name : m[first].group);
        f->geom = union_of(src, m, first, end);
        if (!f->key || !f->name) goto oom;
        if (!f->geom || OGR_G_IsEmpty(f->geom)) {
            wm_error_set(err, WM_EXIT_DATA, "%s: the %zu features of %s %s do not dissolve into one area",
                         src->spec, end - first, key_field, m[first].group);
            goto fail;
        }
        OGREnvelope env;
        OGR_G_GetEnvelope(f->geom, &env);
        L->minx = fmin(L->minx, env.MinX);
        L->miny = fmin(L->miny, env.MinY);
        L->maxx = fmax(L->maxx, env.MaxX);
        L->maxy = fmax(L->maxy, env.MaxY);
        first = end;
    }
    free(m);
    return L;
oom:
    wm_error_set(err, WM_EXIT_IO, "%s: out of memory", src->spec);
fail:
    free(m);
    wm_layer_free(L);
    return NULL;
}
