#define _XOPEN_SOURCE 700   /* realpath */
#include "national.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GEOPORTAL "https://geoportal.statistics.gov.uk/"

const wm_national_file wm_national_files[WM_NAT_COUNT] = {
    [WM_NAT_WARDS25] = { "england_wards_2025_bgc.geojson",
                         "ONS Wards (December 2025) Boundaries UK BGC, England's wards with LAD25CD and LAD25NM",
                         GEOPORTAL " (Boundaries > Administrative Boundaries > Wards)" },
    [WM_NAT_LSOA11] = { "ew_lsoa_2011_bgc.geojson", "ONS Lower layer Super Output Areas (December 2011) Boundaries EW BGC",
                        GEOPORTAL " (Boundaries > Census Boundaries > Lower Super Output Areas)" },
    [WM_NAT_LSOA21] = { "ew_lsoa_2021_bgc.geojson", "ONS Lower layer Super Output Areas (December 2021) Boundaries EW BGC",
                        GEOPORTAL " (Boundaries > Census Boundaries > Lower Super Output Areas)" },
    [WM_NAT_MSOA21] = { "ew_msoa_2021_bgc.geojson",
                        "ONS Middle layer Super Output Areas (December 2021) Boundaries EW BGC, with the House of "
                        "Commons Library names (MSOAHCLNM)",
                        GEOPORTAL " (Boundaries > Census Boundaries > Middle Super Output Areas)" },
    [WM_NAT_LSOA21_WARD24] = { "lsoa21_ward24_lad24_EW.csv",
                               "ONS LSOA (2021) to Electoral Ward (2024) to LAD (2024) Best Fit Lookup in EW",
                               GEOPORTAL " (Lookups > Census Lookups)" },
    [WM_NAT_LSOA11_LSOA21] = { "lsoa11_lsoa21_lad22_EW.csv",
                               "ONS LSOA (2011) to LSOA (2021) to Local Authority District (2022) Lookup for EW",
                               GEOPORTAL " (Lookups > Census Lookups)" },
    [WM_NAT_LSOA11_MSOA11] = { "lsoa11_msoa11_UK.csv",
                               "ONS Output Area (2011) to LSOA to MSOA Lookup (LSOA and MSOA codes)",
                               GEOPORTAL " (Lookups > Census Lookups)" },
    [WM_NAT_MSOA11_NAMES] = { "msoa11_hcl_names_v1.14_EW.csv", "House of Commons Library MSOA Names v1.14 (2011 MSOAs)",
                              "https://houseofcommonslibrary.github.io/msoanames/" },
    [WM_NAT_MSOA_LA] = { "msoa_la_drkane_UK.csv",
                         "MSOA to local authority, county (UTLA) and region lookup (ONS codes), for county areas",
                         GEOPORTAL " (Lookups > Administrative Lookups)" },
};

const char *wm_national_dir(const char *dir)
{
    if (dir && *dir) return dir;
    const char *env = getenv("WARDMAP_NATIONAL");
    return env && *env ? env : NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Breadth-first: the file in `dir` itself, else in its sub-folders in
 * name order, one level at a time. */
static int find_in(const char *dir, const char *name, int depth, char *out, size_t size)
{
    char p[PATH_MAX];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (depth == 0) {
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            snprintf(out, size, "%s", p);
            return 1;
        }
        return 0;
    }
    DIR *d = opendir(dir);
    if (!d) return 0;
    char **subs = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        char **grown = realloc(subs, (n + 1) * sizeof *subs);
        if (!grown) break;
        subs = grown;
        subs[n++] = strdup(p);
    }
    closedir(d);
    if (n) qsort(subs, n, sizeof *subs, cmp_str);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if (!found && subs[i]) found = find_in(subs[i], name, depth - 1, out, size);
        free(subs[i]);
    }
    free(subs);
    return found;
}

int wm_national_find(const char *dir, wm_national_id id, char *out, size_t size, wm_error *err)
{
    const wm_national_file *f = &wm_national_files[id];
    if (!dir)
        return wm_error_set(err, WM_EXIT_USAGE, "no folder of national files: give --national DIR (or set "
                            "WARDMAP_NATIONAL) holding %s (%s; %s) and the other national files", f->name, f->what,
                            f->page);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return wm_error_set(err, WM_EXIT_DATA, "%s: no such folder of national files", dir);
    for (int depth = 0; depth <= 6; depth++)
        if (find_in(dir, f->name, depth, out, size)) {
            /* Absolute, because the manifest made from these names is
             * read relative to its own folder, not the current one. */
            char full[PATH_MAX];
            if (out[0] != '/' && realpath(out, full) && strlen(full) < size) memcpy(out, full, strlen(full) + 1);
            return 0;
        }
    return wm_error_set(err, WM_EXIT_DATA, "%s: no %s anywhere in it (%s); download it from %s", dir, f->name,
                        f->what, f->page);
}
