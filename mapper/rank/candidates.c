/* Candidate localities from need (candidates.h). */
#include "candidates.h"
#include "cluster.h"
#include "dissolve.h"
#include "layer_write.h"
#include "map.h"
#include "need_columns.h"
#include "output.h"
#include "paper.h"
#include "store_groups.h"
#include "text_table.h"

#include <cpl_vsi.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

typedef struct candidate {
    char code[32];               /* "candidate-3": the order found */
    char name[256];              /* the MSOA names it overlaps */
    char wards[256];             /* the wards it lies in */
    const wm_cluster *cluster;   /* its LSOAs (feature indexes of the small-area layer) */
} candidate;

typedef struct search {
    wm_indicator_meta dm;        /* the decile */
    char pop_id[64], pop_period[32];
    char pop_publisher[WM_PUBLISHER_MAX];
    char need_id[64];            /* the rank that orders LSOAs by deprivation, or "" */
    wm_layer *lsoas;
    double *decile, *pop, *need;
    wm_clusters cl;
    size_t nc;
    candidate *c;
    char (*small_names)[256];    /* the clusters left out as too small, named as candidates are */
    wm_layer *bounds;            /* the candidates, dissolved, feature f = candidate f */
    double *values;              /* nc x k */
    wm_indicator_meta *meta;     /* k */
    wm_need_index index;
    int have_index;
    size_t *order;               /* candidates by rank, No data last */
} search;

static void search_free(search *S)
{
    wm_layer_free(S->lsoas);
    free(S->decile);
    free(S->pop);
    free(S->need);
    wm_clusters_free(&S->cl);
    free(S->c);
    free(S->small_names);
    wm_layer_free(S->bounds);
    free(S->values);
    free(S->meta);
    if (S->have_index) wm_need_index_free(&S->index);
    free(S->order);
}

int wm_candidates_pick_decile(wm_store *store, const char *want, const char *linked_to, wm_indicator_meta *meta,
                              wm_error *err)
{
    if (want) return wm_store_indicator(store, want, NULL, meta, err);
    wm_indicator_meta *list = NULL;
    size_t n = 0;
    if (wm_store_list_indicators(store, NULL, 0, &list, &n, err) != 0) return -1;
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].unit, "decile") != 0) continue;
        wm_store_link *links = NULL;
        size_t nl = 0;
        if (wm_store_read_links(store, list[i].geography, linked_to, &links, &nl, err) != 0) {
            free(list);
            return -1;
        }
        free(links);
        if (nl == 0) continue;
        if (!found || strcmp(list[i].period, meta->period) > 0) *meta = list[i];
        found = 1;
    }
    free(list);
    if (!found)
        return wm_error_set(err, WM_EXIT_DATA, "the store holds no national decile of small areas linked to %s "
                            "(import IMD deciles, or name one with --decile ID)", linked_to);
    return 0;
}

/* The national rank that goes with the decile (same family, period and
 * geography; the id sharing most of the decile's), for ordering LSOAs by
 * deprivation within a decile; "" when the store holds none. */
static int find_need_rank(wm_store *store, const wm_indicator_meta *dm, char *id, size_t size, wm_error *err)
{
    id[0] = '\0';
    wm_indicator_meta *list = NULL;
    size_t n = 0;
    if (wm_store_list_indicators(store, dm->geography, 0, &list, &n, err) != 0) return -1;
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].unit, "rank") != 0 || strcmp(list[i].period, dm->period) != 0 ||
            strcmp(list[i].family, dm->family) != 0 || strcmp(list[i].geography, dm->geography) != 0)
            continue;
        size_t common = 0;
        while (list[i].id[common] && list[i].id[common] == dm->id[common]) common++;
        if (common > best) {
            best = common;
            snprintf(id, size, "%s", list[i].id);
        }
    }
    free(list);
    return 0;
}

/* ---- names ---- */

typedef struct tally {
    char name[128];
    int count;
} tally;

/* Names of the parents of a cluster's LSOAs, most frequent first, joined
 * by " / " (ties in the order met, LSOAs most deprived first). */
static void parent_names(const search *S, const wm_cluster *c, const wm_store_link *links, size_t nl,
                         const wm_store_area *areas, size_t na, int local, char *out, size_t size)
{
    tally t[64];
    int nt = 0;
    for (size_t k = 0; k < c->n; k++) {
        const char *lsoa = S->lsoas->features[c->members[k]].key;
        const char *parent = NULL;
        for (size_t i = 0; i < nl && !parent; i++)
            if (strcmp(links[i].child, lsoa) == 0) parent = links[i].parent;
        if (!parent) continue;
        const char *name = parent;
        for (size_t i = 0; i < na; i++)
            if (strcmp(areas[i].code, parent) == 0) name = local && areas[i].local_name[0] ? areas[i].local_name
                                                                                         : areas[i].name;
        int j = 0;
        while (j < nt && strcmp(t[j].name, name) != 0) j++;
        if (j == nt && nt < 64) {
            snprintf(t[nt].name, sizeof t[0].name, "%s", name);
            t[nt++].count = 0;
        }
        if (j < nt) t[j].count++;
    }
    /* Stable: most LSOAs first. */
    for (int i = 1; i < nt; i++) {
        tally v = t[i];
        int j = i;
        while (j > 0 && t[j - 1].count < v.count) {
            t[j] = t[j - 1];
            j--;
        }
        t[j] = v;
    }
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < nt && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? (local ? " / " : ", ") : "", t[i].name);
}

/* The geography above the LSOAs whose names name neighbourhoods: an
 * MSOA geography with local (House of Commons Library) names, the
 * latest; failing names, the latest MSOA geography; "" when none. */
static int naming_geography(wm_store *store, const char *lsoa_geo, char *out, size_t size, wm_error *err)
{
    char parents[16][32];
    int np = wm_store_parent_geographies(store, lsoa_geo, parents, 16, err);
    if (np < 0) return -1;
    out[0] = '\0';
    int named = 0;
    for (int i = np - 1; i >= 0; i--) {
        if (strncmp(parents[i], "msoa", 4) != 0) continue;
        wm_store_area *a = NULL;
        size_t na = 0;
        if (wm_store_read_areas(store, parents[i], 0, &a, &na, err) != 0) return -1;
        int local = na > 0 && a[0].local_name[0];
        free(a);
        if (!out[0] || (local && !named)) {
            snprintf(out, size, "%s", parents[i]);
            named = local;
        }
    }
    return 0;
}

static int name_candidates(search *S, wm_store *store, const char *ward_geo, wm_error *err)
{
    char msoa_geo[32];
    if (naming_geography(store, S->dm.geography, msoa_geo, sizeof msoa_geo, err) != 0) return -1;
    wm_store_link *ml = NULL, *wl = NULL;
    wm_store_area *ma = NULL, *wa = NULL;
    size_t nml = 0, nwl = 0, nma = 0, nwa = 0;
    int rc = 0;
    if (msoa_geo[0] && (wm_store_read_links(store, S->dm.geography, msoa_geo, &ml, &nml, err) != 0 ||
                        wm_store_read_areas(store, msoa_geo, 0, &ma, &nma, err) != 0))
        rc = -1;
    if (rc == 0 && (wm_store_read_links(store, S->dm.geography, ward_geo, &wl, &nwl, err) != 0 ||
                    wm_store_read_areas(store, ward_geo, 0, &wa, &nwa, err) != 0))
        rc = -1;
    for (size_t i = 0; rc == 0 && i < S->nc; i++) {
        candidate *c = &S->c[i];
        parent_names(S, c->cluster, ml, nml, ma, nma, 1, c->name, sizeof c->name);
        if (!c->name[0]) {
            /* No MSOA names: the LSOAs' own names. */
            size_t len = 0;
            for (size_t k = 0; k < c->cluster->n && len < sizeof c->name; k++) {
                const wm_feature *f = &S->lsoas->features[c->cluster->members[k]];
                len += (size_t)snprintf(c->name + len, sizeof c->name - len, "%s%s", k ? " / " : "",
                                        f->name ? f->name : f->key);
            }
        }
        parent_names(S, c->cluster, wl, nwl, wa, nwa, 0, c->wards, sizeof c->wards);
    }
    for (size_t i = S->cl.ncandidates; rc == 0 && i < S->cl.n; i++) {
        char *name = S->small_names[i - S->cl.ncandidates];
        parent_names(S, &S->cl.c[i], ml, nml, ma, nma, 1, name, sizeof S->small_names[0]);
        if (!name[0]) snprintf(name, sizeof S->small_names[0], "%s", "no MSOA name");
    }
    free(ml);
    free(wl);
    free(ma);
    free(wa);
    return rc;
}

/* ---- finding ---- */

static int find(search *S, const wm_candidates_spec *spec, wm_store *store, wm_report *report, wm_error *err)
{
    if (wm_candidates_pick_decile(store, spec->decile, spec->ward_geography, &S->dm, err) != 0) return -1;
    S->lsoas = wm_store_layer(store, S->dm.geography, NULL, err);
    if (!S->lsoas) return -1;
    wm_report_input(report, S->lsoas->spec);
    S->decile = wm_store_values_for_layer(store, S->dm.id, S->dm.period, S->dm.geography, S->lsoas, NULL, err);
    if (!S->decile) return -1;
    int held = wm_store_population_at(store, S->dm.geography, S->pop_id, sizeof S->pop_id, S->pop_period,
                                      sizeof S->pop_period, err);
    if (held < 0) return -1;
    if (held > 0)
        return wm_error_set(err, WM_EXIT_DATA, "%s: the store holds no population count of %s areas to size the "
                            "candidates by (import one: docs/store.md)", wm_store_path(store), S->dm.geography);
    wm_indicator_meta pm;
    S->pop = wm_store_values_for_layer(store, S->pop_id, S->pop_period, S->dm.geography, S->lsoas, &pm, err);
    if (!S->pop) return -1;
    snprintf(S->pop_publisher, sizeof S->pop_publisher, "%s", pm.publisher);
    if (find_need_rank(store, &S->dm, S->need_id, sizeof S->need_id, err) != 0) return -1;
    size_t n = S->lsoas->n;
    if (S->need_id[0]) {
        S->need = wm_store_values_for_layer(store, S->need_id, S->dm.period, S->dm.geography, S->lsoas, NULL, err);
        if (!S->need) return -1;
    } else {
        S->need = malloc((n ? n : 1) * sizeof *S->need);
        if (!S->need) return wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
        for (size_t i = 0; i < n; i++) S->need[i] = S->decile[i];
    }
    unsigned char *qualifies = calloc(n ? n : 1, 1);
    OGRGeometryH *g = malloc((n ? n : 1) * sizeof *g);
    if (!qualifies || !g) {
        free(qualifies);
        free(g);
        return wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        qualifies[i] = !isnan(S->decile[i]) && S->decile[i] <= spec->decile_max;
        g[i] = S->lsoas->features[i].geom;
        if (qualifies[i] && isnan(S->pop[i])) {
            free(qualifies);
            free(g);
            return wm_error_set(err, WM_EXIT_DATA, "%s: %s %s is in decile %.0f but has no %s value, so no "
                                "candidate can be sized", wm_store_path(store), S->dm.geography,
                                S->lsoas->features[i].key, S->decile[i], S->pop_id);
        }
    }
    unsigned char *adj = wm_neighbours(g, n);
    free(g);
    if (!adj) {
        free(qualifies);
        return wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    }
    wm_cluster_input in = { n, adj, qualifies, S->pop, S->need };
    wm_cluster_limits lim = { spec->min_population, spec->max_population };
    int rc = wm_clusters_find(&in, &lim, &S->cl, err);
    free(adj);
    free(qualifies);
    if (rc != 0) return -1;
    S->nc = S->cl.ncandidates;
    S->c = calloc(S->nc ? S->nc : 1, sizeof *S->c);
    S->small_names = calloc(S->cl.n - S->nc + 1, sizeof *S->small_names);
    if (!S->c || !S->small_names) return wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    for (size_t i = 0; i < S->nc; i++) {
        snprintf(S->c[i].code, sizeof S->c[i].code, "candidate-%zu", i + 1);
        S->c[i].cluster = &S->cl.c[i];
    }
    return name_candidates(S, store, spec->ward_geography, err);
}

/* ---- measuring: the candidates as localities of a private store ---- */

static int measure(search *S, const wm_candidates_spec *spec, wm_store *store, wm_error *err)
{
    if (S->nc == 0) return 0;
    size_t n = S->lsoas->n;
    const char **group = calloc(n ? n : 1, sizeof *group), **names = calloc(n ? n : 1, sizeof *names);
    if (!group || !names) {
        free(group);
        free(names);
        return wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    }
    for (size_t i = 0; i < S->nc; i++)
        for (size_t k = 0; k < S->c[i].cluster->n; k++) {
            group[S->c[i].cluster->members[k]] = S->c[i].code;
            names[S->c[i].cluster->members[k]] = S->c[i].name;
        }
    S->bounds = wm_dissolve(S->lsoas, group, names, "code", "name", err);
    free(group);
    free(names);
    if (!S->bounds) return -1;

    /* Their boundaries, for the store's routes that need them. */
    static int serial;
    char vsi[128];
    snprintf(vsi, sizeof vsi, "/vsimem/wardmap-candidates-%ld-%d.gpkg", (long)getpid(), __atomic_add_fetch(&serial, 1, __ATOMIC_SEQ_CST));
    GDALDatasetH ds = wm_gpkg_dataset_create(vsi, err);
    if (!ds) return -1;
    int rc = wm_layer_save(ds, "candidates", S->bounds, "code", "name", NULL, 0, err);
    if (wm_gpkg_dataset_close(ds, vsi, rc == 0 ? err : NULL) != 0) rc = -1;
    wm_store *copy = rc == 0 ? wm_store_open_copy(store, err) : NULL;
    if (!copy) rc = -1;

    wm_area_group *groups = calloc(S->nc, sizeof *groups);
    const char **members = calloc(n ? n : 1, sizeof *members);
    char (*gname)[32] = calloc(S->nc, sizeof *gname);
    if (rc == 0 && (!groups || !members || !gname)) rc = wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    size_t used = 0;
    for (size_t i = 0; rc == 0 && i < S->nc; i++) {
        snprintf(gname[i], sizeof gname[i], "Candidate %zu", i + 1);   /* slug: candidate-N, as S->c[i].code */
        groups[i].name = gname[i];
        groups[i].members = &members[used];
        groups[i].nmembers = S->c[i].cluster->n;
        for (size_t k = 0; k < S->c[i].cluster->n; k++)
            members[used++] = S->lsoas->features[S->c[i].cluster->members[k]].key;
    }
    wm_group_members *gm = NULL;
    if (rc == 0) rc = wm_store_resolve_groups(copy, groups, S->nc, &gm, err);
    wm_group_layer gl = { vsi, "code", "name" };
    if (rc == 0) rc = wm_store_add_groups(copy, "candidate", gm, S->nc, &gl, spec->ids, spec->k, NULL, err);
    wm_group_members_free(gm, S->nc);
    free(groups);
    free(members);
    free(gname);

    /* The indicators of the need index, for each candidate. */
    S->values = malloc((S->nc * spec->k + 1) * sizeof *S->values);
    S->meta = calloc(spec->k + 1, sizeof *S->meta);
    if (rc == 0 && (!S->values || !S->meta)) rc = wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    for (size_t j = 0; rc == 0 && j < spec->k; j++) {
        wm_store_value *v = NULL;
        size_t nv = 0;
        for (size_t i = 0; i < S->nc; i++) S->values[i * spec->k + j] = NAN;
        if (wm_store_values(copy, spec->ids[j], NULL, "candidate", &v, &nv, &S->meta[j], err) != 0) {
            rc = -1;
            break;
        }
        for (size_t t = 0; t < nv; t++)
            for (size_t i = 0; i < S->nc; i++)
                if (strcmp(v[t].area_code, S->c[i].code) == 0) S->values[i * spec->k + j] = v[t].value;
        free(v);
    }
    wm_store_close(copy);
    VSIUnlink(vsi);
    if (rc != 0) {
        wm_error_prefix(err, "candidates: measuring them as localities");
        return -1;
    }
    if (wm_need_index_compute(&S->index, S->values, S->nc, spec->ind, spec->k, spec->method, err) != 0) return -1;
    S->have_index = 1;
    S->order = malloc(S->nc * sizeof *S->order);
    if (!S->order) return wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    for (size_t i = 0; i < S->nc; i++) {
        size_t v = i, j = i;
        int rv = S->index.composite_rank[v] ? S->index.composite_rank[v] : INT_MAX;
        while (j > 0) {
            size_t u = S->order[j - 1];
            int ru = S->index.composite_rank[u] ? S->index.composite_rank[u] : INT_MAX;
            if (ru <= rv) break;
            S->order[j] = u;
            j--;
        }
        S->order[j] = v;
    }
    return 0;
}

/* ---- writing ---- */

/* 12345 -> "12,345" */
static void fmt_people(char *buf, size_t size, double v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", v);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* "lsoa21" -> "LSOAs (2021)"; other geographies as they are. */
static void geography_words(const char *g, char *out, size_t size)
{
    if (strncmp(g, "lsoa", 4) == 0 && strlen(g) == 6) snprintf(out, size, "LSOAs (20%s)", g + 4);
    else snprintf(out, size, "%s areas", g);
}

/* What the candidates are, in words: for the table (`brief` 0: the
 * clusters left out listed) and the map (1: counted). */
static void describe(const search *S, const wm_candidates_spec *spec, int brief, char *out, size_t size)
{
    char lo[32], hi[32], geo[64];
    fmt_people(lo, sizeof lo, spec->min_population);
    fmt_people(hi, sizeof hi, spec->max_population);
    geography_words(S->dm.geography, geo, sizeof geo);
    int in_title = strstr(S->dm.title, S->dm.period) != NULL;   /* "IMD 2025 ...": no "(2025)" after it */
    size_t len = (size_t)snprintf(out, size,
                                  "Candidates: clusters of neighbouring %s in England's most deprived %d%% by %s%s%s%s"
                                  ", found across ward boundaries, of %s to %s residents (%s, %s; options "
                                  "--min-population and --max-population). A group of neighbours larger than the "
                                  "maximum is split, growing from its most deprived area (marked split).",
                                  geo, 10 * spec->decile_max, S->dm.title, in_title ? "" : " (",
                                  in_title ? "" : S->dm.period, in_title ? "" : ")", lo, hi, S->pop_id,
                                  S->pop_period);
    size_t small = S->cl.n - S->cl.ncandidates;
    if (small > 0 && brief && len < size) {
        len += (size_t)snprintf(out + len, size - len, " %zu smaller cluster%s left out (the table lists %s).", small,
                                small == 1 ? " is" : "s are", small == 1 ? "it" : "them");
    } else if (small > 0 && len < size) {
        len += (size_t)snprintf(out + len, size - len, " Left out as too small: ");
        for (size_t i = S->cl.ncandidates; i < S->cl.n && len < size; i++) {
            const wm_cluster *c = &S->cl.c[i];
            char p[32];
            fmt_people(p, sizeof p, c->population);
            len += (size_t)snprintf(out + len, size - len, "%s%s (", i > S->cl.ncandidates ? "; " : "",
                                    S->small_names[i - S->cl.ncandidates]);
            for (size_t k = 0; k < c->n && len < size; k++)
                len += (size_t)snprintf(out + len, size - len, "%s%s", k ? " " : "",
                                        S->lsoas->features[c->members[k]].key);
            if (len < size) len += (size_t)snprintf(out + len, size - len, ", %s residents)", p);
        }
        if (len < size) len += (size_t)snprintf(out + len, size - len, ".");
    }
    if (S->nc == 0 && len < size)
        snprintf(out + len, size - len, " No cluster reaches the minimum population.");
}

static wm_text_table *make_table(const search *S, const wm_candidates_spec *spec, int full)
{
    size_t k = spec->k;
    size_t ncols = full ? 8 + WM_NEED_COLUMNS(k) : 5 + k + 3;
    wm_text_table *t = wm_text_table_new(ncols);
    if (!t) return NULL;
    int bad = 0;
    size_t c = 0;
    if (full) {
        const char *head[] = { "rank", "candidate_code", "candidate_name", "wards", "lsoas", "lsoa_count",
                               "population", "split" };
        for (size_t h = 0; h < 8; h++) bad |= wm_text_table_head(t, c++, head[h], h == 0 || h >= 5 ? WM_ALIGN_RIGHT
                                                                                              : WM_ALIGN_LEFT);
        bad |= wm_need_columns_head(t, &c, spec->ids, k, spec->method);
    } else {
        bad |= wm_text_table_head(t, c++, "Rank", WM_ALIGN_RIGHT);
        bad |= wm_text_table_head(t, c++, "Candidate (MSOA names)", WM_ALIGN_LEFT);
        bad |= wm_text_table_head(t, c++, "Wards", WM_ALIGN_LEFT);
        bad |= wm_text_table_head(t, c++, "LSOAs", WM_ALIGN_RIGHT);
        bad |= wm_text_table_head(t, c++, "Residents", WM_ALIGN_RIGHT);
        bad |= wm_need_columns_head_text(t, &c, spec->ids, k);
    }
    const wm_need_index *x = &S->index;
    for (size_t r = 0; r < S->nc && !bad; r++) {
        size_t i = S->order[r];
        const candidate *cd = &S->c[i];
        long row = wm_text_table_add_row(t);
        if (row < 0) { bad = 1; break; }
        char b[64];
        c = 0;
        if (x->composite_rank[i]) bad |= wm_text_table_set(t, (size_t)row, c, "%d", x->composite_rank[i]);
        else if (!full) bad |= wm_text_table_set(t, (size_t)row, c, "No data");
        c++;
        if (full) bad |= wm_text_table_set(t, (size_t)row, c++, "%s", cd->code);
        bad |= wm_text_table_set(t, (size_t)row, c++, "%s%s", cd->name, !full && cd->cluster->split ? " (split)" : "");
        bad |= wm_text_table_set(t, (size_t)row, c++, "%s", cd->wards);
        if (full) {
            char lsoas[2048];
            size_t len = 0;
            lsoas[0] = '\0';
            for (size_t m = 0; m < cd->cluster->n && len < sizeof lsoas; m++)
                len += (size_t)snprintf(lsoas + len, sizeof lsoas - len, "%s%s", m ? " " : "",
                                        S->lsoas->features[cd->cluster->members[m]].key);
            bad |= wm_text_table_set(t, (size_t)row, c++, "%s", lsoas);
        }
        bad |= wm_text_table_set(t, (size_t)row, c++, "%zu", cd->cluster->n);
        if (full) bad |= wm_text_table_set(t, (size_t)row, c++, "%.0f", cd->cluster->population);
        else {
            fmt_people(b, sizeof b, cd->cluster->population);
            bad |= wm_text_table_set(t, (size_t)row, c++, "%s", b);
        }
        if (full) bad |= wm_text_table_set(t, (size_t)row, c++, "%s", cd->cluster->split ? "yes" : "no");
        if (full) {
            bad |= wm_need_columns_row(t, (size_t)row, &c, x, i, &S->values[i * k], k);
            continue;
        }
        bad |= wm_need_columns_row_text(t, (size_t)row, &c, x, i, &S->values[i * k], k);
    }
    if (!full && !bad) {
        char note[4096];
        describe(S, spec, 0, note, sizeof note);
        size_t len = strlen(note);
        if (len < sizeof note)
            snprintf(note + len, sizeof note - len, " Ranked on the wards' need index (%s, the same indicators and "
                     "weights) among the candidates: rank 1 = most need; each indicator's rank is in brackets.",
                     wm_need_method_name(spec->method));
        bad |= wm_text_table_note(t, "%s", note);
    }
    if (bad) {
        wm_text_table_free(t);
        return NULL;
    }
    return t;
}

static int draw_map(search *S, const wm_candidates_spec *spec, wm_store *store, wm_report *report, wm_error *err)
{
    wm_layer *wards = wm_store_layer(store, spec->ward_geography, NULL, err);
    if (!wards) return -1;
    wm_report_input(report, wards->spec);
    int rc = -1;
    wm_map map;
    memset(&map, 0, sizeof map);
    wm_layer *numbered = NULL;
    size_t *pick = calloc(S->nc + 1, sizeof *pick);
    char **labels = calloc(S->nc + 1, sizeof *labels);
    const char **highlight = calloc(S->nc + 1, sizeof *highlight);
    double *values = malloc((S->lsoas->n + 1) * sizeof *values);
    if (!pick || !labels || !highlight || !values) {
        wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
        goto done;
    }
    memcpy(values, S->decile, S->lsoas->n * sizeof *values);
    /* The candidates, numbered by rank. */
    size_t npick = 0;
    for (size_t r = 0; r < S->nc; r++) {
        size_t i = S->order[r];
        long f = wm_layer_find(S->bounds, S->c[i].code);
        if (f < 0) continue;
        char label[32];
        if (S->index.composite_rank[i]) snprintf(label, sizeof label, "%d", S->index.composite_rank[i]);
        else snprintf(label, sizeof label, "-");
        labels[npick] = strdup(label);
        pick[npick++] = (size_t)f;
    }
    if (npick && !(numbered = wm_layer_select(S->bounds, pick, npick, (const char *const *)labels, err))) goto done;

    char title[256], subtitle[512], notes[4096], legend[300], summary[200];
    snprintf(title, sizeof title, "Candidate localities: where the most deprived neighbourhoods cluster");
    snprintf(subtitle, sizeof subtitle, "Clusters of neighbouring LSOAs in England's most deprived %d%%, numbered by "
             "need-index rank", 10 * spec->decile_max);
    describe(S, spec, 1, notes, sizeof notes);
    size_t len = strlen(notes);
    for (size_t r = 0; r < S->nc && len < sizeof notes; r++) {
        size_t i = S->order[r];
        char people[32];
        fmt_people(people, sizeof people, S->c[i].cluster->population);
        len += (size_t)snprintf(notes + len, sizeof notes - len, "%s%s %s (%s; %zu LSOAs, %s residents)",
                                r ? "; " : " Numbered: ", labels[r], S->c[i].name,
                                S->c[i].wards, S->c[i].cluster->n, people);
    }
    if (len < sizeof notes) snprintf(notes + len, sizeof notes - len, ". Faint lines: ward boundaries.");
    snprintf(legend, sizeof legend, "%s decile (England)", S->dm.title);
    snprintf(summary, sizeof summary, "store %s %s (%s)", S->dm.id, S->dm.period, S->dm.geography);

    wm_map_spec ms;
    memset(&ms, 0, sizeof ms);
    ms.method_given = 1;
    ms.method = WM_CLASS_CATEGORICAL;
    for (int b = 1; b <= 10; b++) ms.breaks[ms.nbreaks++] = b;
    ms.labels = "1 most deprived 10%|2|3|4|5|6|7|8|9|10 least deprived 10%";
    ms.palette = "RdYlBu";
    ms.legend_title = "Decile of deprivation in England";
    ms.var.value = S->dm.id;
    if (S->dm.publisher[0]) ms.sources[ms.nsources++] = S->dm.publisher;
    if (S->pop_publisher[0] && strcmp(S->pop_publisher, S->dm.publisher) != 0)
        ms.sources[ms.nsources++] = S->pop_publisher;
    wm_layer *lsoas = S->lsoas;
    S->lsoas = NULL;   /* the map owns them now; nothing below needs them */
    double *owned = values;
    values = NULL;
    (void)legend;
    if (wm_map_from_values(&ms, lsoas, owned, summary, report, &map, err) != 0) goto done;

    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    wm_page_size(&map.style, NULL, NULL, -1, 0, &fig.width_pt, &fig.height_pt, &fig.dpi);
    fig.map = &map;
    fig.context = wards;
    fig.overlay = numbered;
    fig.overlay_labels = 1;
    fig.highlight_layer = numbered;
    fig.title = title;
    fig.subtitle = subtitle;
    fig.notes = notes;
    rc = wm_render_figure(&fig, spec->map, err);
done:
    if (rc != 0) wm_error_prefix(err, "candidates: drawing the map");
    for (size_t k = 0; k < S->nc; k++) free(labels ? labels[k] : NULL);
    free(labels);
    free(pick);
    free(highlight);
    free(values);
    wm_layer_free(numbered);
    wm_map_free(&map);
    wm_layer_free(wards);
    return rc;
}

int wm_candidates(const wm_candidates_spec *spec, wm_store *store, wm_report *report, wm_error *err)
{
    search S;
    memset(&S, 0, sizeof S);
    int rc = -1;
    wm_text_table *csv = NULL, *md = NULL;
    if (find(&S, spec, store, report, err) != 0 || measure(&S, spec, store, err) != 0) goto done;
    csv = make_table(&S, spec, 1);
    md = make_table(&S, spec, 0);
    if (!csv || !md) {
        wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
        goto done;
    }
    for (int i = 0; i < spec->noutputs; i++) {
        int as_csv = !wm_has_suffix(spec->outputs[i], ".md");
        if (wm_text_table_save(as_csv ? csv : md, spec->outputs[i], as_csv, err) != 0) goto done;
    }
    char words[2048];
    describe(&S, spec, 1, words, sizeof words);
    wm_report_add(report, WM_REPORT_NOTE, "%zu candidate localities. %s", S.nc, words);
    if (spec->map && draw_map(&S, spec, store, report, err) != 0) goto done;
    rc = 0;
done:
    wm_text_table_free(csv);
    wm_text_table_free(md);
    search_free(&S);
    return rc;
}
