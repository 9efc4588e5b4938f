#include "outer_boundary.h"
#include "error.h"
#include "hash.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct kept_boundary {
    uint64_t hash;
    size_t n;
    OGRGeometryH boundary;
} kept_boundary;

static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static kept_boundary kept[WM_OUTER_BOUNDARY_KEPT];
static size_t nkept;

static void forget_all(void)
{
    pthread_mutex_lock(&kept_lock);
    for (size_t i = 0; i < nkept; i++) OGR_G_DestroyGeometry(kept[i].boundary);
    nkept = 0;
    pthread_mutex_unlock(&kept_lock);
}

/* The layer's content as a hash: each area's key and geometry (WKB).
 * 0 when out of memory. */
static uint64_t content_hash(const wm_layer *layer)
{
    uint64_t h = WM_HASH_START;
    unsigned char *wkb = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < layer->n; i++) {
        const wm_feature *f = &layer->features[i];
        h = wm_hash(h, f->key, strlen(f->key) + 1);
        size_t len = (size_t)OGR_G_WkbSize(f->geom);
        if (len > cap) {
            unsigned char *more = realloc(wkb, len);
            if (!more) {
                free(wkb);
                return 0;
            }
            wkb = more;
            cap = len;
        }
        if (OGR_G_ExportToWkb(f->geom, wkbNDR, wkb) != OGRERR_NONE) {
            free(wkb);
            return 0;
        }
        h = wm_hash(h, wkb, len);
    }
    free(wkb);
    return h ? h : 1;
}

static OGRGeometryH compute(const wm_layer *layer)
{
    OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (size_t i = 0; i < layer->n; i++) {
        OGRGeometryH g = layer->features[i].geom;
        OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
        if (t == wkbPolygon) OGR_G_AddGeometry(all, g);
        else if (t == wkbMultiPolygon)
            for (int j = 0; j < OGR_G_GetGeometryCount(g); j++) OGR_G_AddGeometry(all, OGR_G_GetGeometryRef(g, j));
    }
    OGRGeometryH u = OGR_G_UnionCascaded(all);
    OGR_G_DestroyGeometry(all);
    if (!u) return NULL;
    OGRGeometryH b = OGR_G_Boundary(u);
    OGR_G_DestroyGeometry(u);
    return b;
}

OGRGeometryH wm_outer_boundary(const wm_layer *layer)
{
    if (!layer || layer->n > 5000) return NULL;
    uint64_t hash = content_hash(layer);
    if (hash == 0) return NULL;
    OGRGeometryH found = NULL;
    pthread_mutex_lock(&kept_lock);
    for (size_t i = 0; i < nkept && !found; i++)
        if (kept[i].hash == hash && kept[i].n == layer->n) found = OGR_G_Clone(kept[i].boundary);
    pthread_mutex_unlock(&kept_lock);
    if (found) return found;
    OGRGeometryH b = compute(layer);
    if (!b) return NULL;
    OGRGeometryH copy = OGR_G_Clone(b);
    int keep = 0;
    pthread_mutex_lock(&kept_lock);
    if (copy && nkept < WM_OUTER_BOUNDARY_KEPT) {
        int have = 0;
        for (size_t i = 0; i < nkept && !have; i++) have = kept[i].hash == hash && kept[i].n == layer->n;
        if (!have) {
            kept[nkept++] = (kept_boundary){ hash, layer->n, copy };
            keep = 1;
        }
    }
    pthread_mutex_unlock(&kept_lock);
    if (keep) wm_at_shutdown(forget_all);
    else if (copy) OGR_G_DestroyGeometry(copy);
    return b;
}
