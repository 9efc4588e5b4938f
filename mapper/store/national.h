/* national.h -- the national files an authority's store is built from,
 * found by their published names anywhere under one folder.
 *
 * `wardmap figures --area` (store_area.h) needs England's boundaries
 * and the ONS lookups, which are too large to ship in layers/: the user
 * downloads them once into a folder (--national DIR, or the
 * WARDMAP_NATIONAL environment variable) and wardmap finds each file by
 * its name at any depth below it, so the folder may keep the
 * publishers' own layout.  A file that is missing is named, with what it
 * is and the publisher's page to download it from.
 *
 * The national indicator tables (IMD, Census 2021, fuel poverty, NCMP)
 * are shipped in layers/indicators/ with their metadata files and need
 * no download.
 */
#ifndef WM_NATIONAL_H
#define WM_NATIONAL_H

#include "error.h"

#include <stddef.h>

typedef enum wm_national_id {
    WM_NAT_WARDS25,        /* ONS Wards (December 2025) boundaries, BGC */
    WM_NAT_LSOA11,         /* ONS LSOA (December 2011) boundaries, BGC */
    WM_NAT_LSOA21,         /* ONS LSOA (December 2021) boundaries, BGC */
    WM_NAT_MSOA21,         /* ONS MSOA (December 2021) boundaries, BGC, with HCL names */
    WM_NAT_LSOA21_WARD24,  /* ONS LSOA (2021) to ward (2024) to LAD (2024) best-fit lookup */
    WM_NAT_LSOA11_LSOA21,  /* ONS LSOA (2011) to LSOA (2021) to LAD (2022) lookup, with change codes */
    WM_NAT_LSOA11_MSOA11,  /* ONS LSOA (2011) to MSOA (2011) lookup */
    WM_NAT_MSOA11_NAMES,   /* House of Commons Library MSOA names, v1.14 (2011 MSOAs) */
    WM_NAT_MSOA_LA,        /* MSOA to LAD, UTLA and region (counties) */
    WM_NAT_COUNT
} wm_national_id;

typedef struct wm_national_file {
    const char *name;        /* the file's name, as published */
    const char *what;        /* what it is, for messages */
    const char *page;        /* where to download it */
} wm_national_file;

/* The table of national files, indexed by wm_national_id. */
extern const wm_national_file wm_national_files[WM_NAT_COUNT];

/* The folder of national files: `dir` when given, else WARDMAP_NATIONAL;
 * NULL when neither is set. */
const char *wm_national_dir(const char *dir);

/* Find file `id` under `dir` (at any depth; the first in name order at
 * the shallowest depth) into `out`, as an absolute path.  Missing: WM_EXIT_DATA "DIR: no NAME
 * (WHAT); download it from PAGE". */
int wm_national_find(const char *dir, wm_national_id id, char *out, size_t size, wm_error *err);

#endif
