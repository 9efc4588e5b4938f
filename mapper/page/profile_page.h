/* profile_page.h -- an area profile's page: a spine chart of indicators, a
 * locator map, the population and the sources, laid out once and written
 * as PNG, SVG and PDF (output.h).  figures/profile.h makes the page from
 * the store; this module only lays out and draws what it is given.
 *
 * The spine chart, as OHID's Fingertips profiles draw it: one row per
 * indicator, grouped under their families, with the label, the period,
 * the count behind the value (count / denominator, where both are whole
 * numbers), the area's value with its 95% confidence interval, the
 * authority's value, England's (a column only when some row has one),
 * the worst (lowest) comparator value, the bar, and the best (highest).
 * The bar is the spread of the comparator areas (the authority's wards):
 * light from the lowest to the highest, darker from the 25th to the 75th
 * percentile, oriented so that worse is on the left (higher is worse: the
 * highest on the left); a neutral indicator has the lowest on the left.
 * On it the authority's value is a vertical line, England's a hollow
 * diamond, and the area's a circle coloured by its comparison with the
 * benchmark (palette.h: better purple, similar pale, worse orange;
 * neutral indicators lower light and higher dark blue; not compared
 * grey).  A value that is No data is written "No data" and has no mark.
 *
 * Where a value goes on its row: linearly, worst on the left,
 *
 *     x(v) = worst_x + (v - worst) / (best - worst) * (best_x - worst_x)
 *
 * with worst and best the spread's ends (for higher is worse, worst is
 * the highest).  The scale's ends stretch, beyond the bar, to any of the
 * area's, the authority's or England's values outside the spread (a
 * locality can be worse than every ward), so every mark stays on its row.
 *
 * SVG: each row's marks are named groups (output.h), by indicator id:
 * "spine-ID" (the bar), "authority-ID", "england-ID" and "marker-ID",
 * so a reader can find them; wm_profile_layout.groups lists them.
 *
 * Units: points from the page's top-left corner, y down.  A page only
 * borrows: what it points to must outlive its layout.
 */
#ifndef WM_PROFILE_PAGE_H
#define WM_PROFILE_PAGE_H

#include "error.h"
#include "layer.h"
#include "layout.h"
#include "output.h"
#include "spread.h"
#include "style.h"

#include <stddef.h>

/* One indicator's row. */
typedef struct wm_spine_row {
    const char *id;              /* names the row's SVG groups: [a-z0-9_] */
    const char *family;          /* rows of one family follow its heading; "" for none */
    const char *label, *period;
    int decimals;                /* for every value of the row */
    int higher_is_worse;         /* 1, 0 (higher is better) or -1 (neutral) */
    double value;                /* the area's (NAN: No data) */
    double lower95, upper95;     /* its 95% confidence limits (NAN: none) */
    double numerator, denominator;   /* shown as the count when both are whole numbers */
    double authority, england;   /* NAN: No data / not held */
    int england_held;            /* the store holds England's value (No data if NAN) */
    wm_spread spread;            /* over the comparator areas */
    const char *comparison;      /* with the benchmark: "higher", "similar", "lower", or "not compared" */
    int estimate;                /* marked "*" */
    int low_coverage;            /* marked with a dagger */
} wm_spine_row;

/* A line of the population table: a stored population indicator. */
typedef struct wm_profile_fact {
    const char *label;
    double area, authority;      /* NAN: No data */
} wm_profile_fact;

typedef struct wm_profile_page {
    const wm_style *style;
    double width_pt, height_pt, dpi;
    const char *title, *subtitle;
    const char *area_name;       /* the heading of the area's values */
    const char *authority_name;  /* the heading of the authority's, e.g. "Coventry" */
    const char *benchmark;       /* what the marks are compared with ("Coventry", "England") */
    const char *spread_words;    /* what the bars span, e.g. "Coventry's 18 wards" */
    size_t nrows;
    const wm_spine_row *rows;
    size_t nfacts;
    const wm_profile_fact *facts;
    const char *facts_heading;   /* e.g. "Population" */
    /* the locator map: the comparator areas drawn faint, the area filled */
    const wm_layer *context;     /* may be NULL */
    OGRGeometryH area_geometry;  /* in the context's SRS; may be NULL (no map) */
    const char *locator_caption;
    const char *notes;           /* under the chart: what the marks and flags mean */
    const char *sources;         /* the foot: sources, copyright */
    const char *author;          /* PDF metadata, may be NULL */
} wm_profile_page;

/* Where a value goes on a row's bar (above). */
typedef struct wm_spine_scale {
    double worst, best;          /* values at the scale's ends */
    double worst_x, best_x;      /* their x; worst_x < best_x */
} wm_spine_scale;

double wm_spine_x(const wm_spine_scale *scale, double v);

/* The scale of a row whose bar runs from x0 to x1: the spread's ends,
 * stretched to the row's other values, worst at x0.  `ok` is 0 when the
 * row has no value to place (no spread and no other value). */
wm_spine_scale wm_spine_scale_of(const wm_spine_row *row, double x0, double x1, int *ok);

/* The columns of the chart. */
enum {
    WM_PCOL_LABEL, WM_PCOL_PERIOD, WM_PCOL_COUNT, WM_PCOL_VALUE, WM_PCOL_AUTHORITY, WM_PCOL_ENGLAND,
    WM_PCOL_WORST, WM_PCOL_SPINE, WM_PCOL_BEST, WM_PCOLS
};

typedef struct wm_profile_column {
    int shown;
    double x, w;                 /* left edge and width */
    int right;                   /* numbers: aligned right */
    wm_text_block heading;
} wm_profile_column;

/* A band of the chart: a family's heading, or an indicator's row. */
typedef struct wm_spine_band {
    wm_box box;
    const wm_spine_row *row;     /* NULL: a family heading (its text in `label`) */
    wm_text_block label;
    double baseline;             /* of the cells' first line */
    char cell[WM_PCOLS][2][96];  /* each cell's text: its value, then a second line (the interval) */
    int has_scale, has_bar, has_marker, has_authority, has_england;
    wm_spine_scale scale;
    double bar_y, bar_h;         /* the bar's top and height */
    double min_x, q25_x, q75_x, max_x;   /* where the spread's values fall */
    double centre_y, marker_r;
    double marker_x, authority_x, england_x;
    wm_rgb marker_colour;
} wm_spine_band;

/* The key: coloured marks and what they mean, then a sample bar. */
typedef struct wm_key_item {
    int kind;                    /* 0 a marker, 1 the authority's line, 2 England's diamond */
    wm_rgb colour;
    char text[64];
    double x, y;                 /* the mark's centre */
    double text_x, baseline;
} wm_key_item;

typedef struct wm_profile_layout {
    const wm_profile_page *page;
    double width, height, scale, margin;
    double text_size;            /* the chart's type size, chosen so everything fits */
    wm_text_block title, subtitle;
    /* population */
    wm_box facts;
    wm_text_block facts_heading;
    size_t nfacts;
    wm_text_block *fact_label;   /* one per fact */
    char (*fact_cell)[2][48];    /* the area's and authority's values */
    double fact_value_right[2], facts_head_baseline;
    wm_text_block fact_head[2];  /* the area's and authority's names */
    /* locator */
    wm_box locator;
    wm_affine tf;
    OGRGeometryH boundary;       /* owned: the comparator areas' outer edge, or NULL */
    wm_text_block locator_caption;
    /* key */
    wm_box key;
    wm_text_block key_heading;
    size_t nkey;
    wm_key_item key_item[10];
    double sample_x0, sample_x1, sample_q25, sample_q75, sample_y, sample_h;
    wm_text_block sample_text[3];   /* worst, 25th-75th, best */
    /* the chart */
    wm_profile_column col[WM_PCOLS];
    double header_top, header_bottom;
    size_t nbands;
    wm_spine_band *band;
    wm_text_block notes, sources;
    /* named SVG groups in drawing order (output.h) */
    size_t ngroups;
    char **groups;
} wm_profile_layout;

/* Lay the page out.  Errors (WM_EXIT_USAGE): a page size out of range, a
 * page too small for its rows even in the smallest type (the message says
 * how many rows fit), a text that is not valid UTF-8 (WM_EXIT_DATA). */
wm_profile_layout *wm_profile_layout_new(const wm_profile_page *page, wm_error *err);

void wm_profile_layout_free(wm_profile_layout *L);

/* Draw the laid-out page onto `cr` (user space: the page in points). */
int wm_profile_draw(cairo_t *cr, const wm_profile_layout *L, wm_error *err);

/* Lay the page out once and write every output, all or nothing. */
int wm_profile_write(const wm_profile_page *page, const wm_output *outputs, size_t n, wm_error *err);

#endif
