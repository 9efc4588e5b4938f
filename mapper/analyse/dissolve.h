/* dissolve.h -- features of a layer merged by a group code into a new
 * layer: MSOAs (2011) from their LSOAs when no MSOA layer is at hand, a
 * district from its wards, a locality from the LSOAs that make it.
 *
 *     const char *group[n];           // group code of each feature of L, or NULL
 *     wm_layer *msoa = wm_dissolve(L, group, names, "MSOA11CD", "MSOA11NM", &err);
 *
 * Each group becomes one feature whose geometry is the union (GEOS,
 * through OGR) of its members' geometries, so shared edges disappear and
 * holes between members stay.  Features whose group is NULL are left
 * out.  A member whose geometry GEOS finds invalid is made valid first
 * (OGR_G_MakeValid); a union that still fails is an error naming the
 * group.  The result is in the source's SRS, sorted by code like any
 * wm_layer (wm_layer_find works on it), with its extent set.
 */
#ifndef WM_DISSOLVE_H
#define WM_DISSOLVE_H

#include "error.h"
#include "layer.h"

/* Dissolve `src` by `group` (src->n entries: the group code of each
 * feature, or NULL to leave it out).  `group_name` (NULL, or src->n
 * entries, NULL allowed) names each group (the first non-NULL name of
 * its members; the code otherwise).  `key_field` and `name_field` are
 * recorded as the new layer's field names.  NULL on error (WM_EXIT_DATA:
 * no feature has a group, or a union fails; WM_EXIT_IO: out of memory). */
wm_layer *wm_dissolve(const wm_layer *src, const char *const *group, const char *const *group_name,
                      const char *key_field, const char *name_field, wm_error *err);

#endif
