/* style.h -- the look of a figure, read from a human-written style file.
 *
 * Every visual choice render.c makes (fonts and sizes, colours and line
 * widths, label rules, legend placement, page defaults, the default
 * palette and classification) comes from a wm_style, so a user changes
 * the look of every figure by editing one file.  Named styles live in
 * styles/NAME.style under the wardmap home; `--style NAME|FILE` picks one;
 * styles/default.style is used when none is named.  The file format is
 * documented in docs/styles.md and at the top of styles/default.style.
 *
 * Sizes are in points for an A4 page's short side; render.c scales them
 * with the page.  Colours are "#rrggbb".  Unknown keys and bad values are
 * errors reported as "FILE:LINE: key \"k\": what is wrong".
 *
 * Precedence: a command-line option beats the style, the style beats
 * the built-in defaults of wm_style_defaults().
 */
#ifndef WM_STYLE_H
#define WM_STYLE_H

#include "error.h"
#include "palette.h"

#include <stdio.h>

typedef enum { WM_LEGEND_RIGHT, WM_LEGEND_LEFT, WM_LEGEND_BOTTOM } wm_legend_position;

typedef struct wm_style {
    char name[64];                 /* the style's name (file stem) */

    /* page */
    char paper[8];                 /* "A4" */
    int landscape;                 /* 1 landscape, 0 portrait */
    double dpi;                    /* PNG resolution */
    double margin_mm;              /* page margin */
    double map_padding;            /* fraction of the extent left around the map */

    /* text */
    char font[64];                 /* font family, e.g. "DejaVu Sans" */
    double title_size, subtitle_size, legend_title_size, legend_text_size;
    double notes_size, attribution_size;
    wm_rgb ink;                    /* main text and outlines */
    wm_rgb muted_ink;              /* subtitle, counts, attribution */
    wm_rgb background;

    /* areas */
    wm_rgb area_outline;           /* hairline between filled areas */
    double area_outline_width;
    double area_outline_opacity;
    wm_rgb nodata_fill;
    int nodata_hatch;              /* 1: hatch No data areas */
    wm_rgb overlay_outline;        /* outline layer (wards) */
    double overlay_outline_width;
    double boundary_width;         /* outer boundary of the whole map (the authority) */
    wm_rgb highlight_outline;
    double highlight_width;
    double mute_opacity;           /* white wash over areas outside a highlight, 0..1 */

    /* labels */
    double label_size;             /* preferred size */
    double label_min_size;         /* smallest size before the next fallback */
    int label_bold;
    wm_rgb label_colour, label_halo;
    double label_halo_width;
    char label_fallbacks[64];      /* order of fallbacks: "shrink,wrap,leader,number" */

    /* legend and furniture */
    wm_legend_position legend_position;
    double legend_width;           /* fraction of the page width for a side legend */
    int show_counts;               /* counts per class in the legend */
    int north_arrow, scale_bar;

    /* classification defaults (options override) */
    char palette[32];
    char method[16];
    int classes;
} wm_style;

/* Fill `st` with the built-in defaults (the values of styles/default.style). */
void wm_style_defaults(wm_style *st);

/* Load a style: NULL or "" means styles/default.style if it exists (else
 * the built-in defaults); a NAME without '/' or '.' is
 * styles/NAME.style under the home; anything else is a path.  Keys the
 * file does not set keep their defaults.  Errors: an unknown NAME is
 * WM_EXIT_USAGE (the message lists the styles there are); a file that
 * cannot be read or is malformed is WM_EXIT_DATA. */
int wm_style_load(const char *name_or_path, wm_style *st, wm_error *err);

/* Parse style text (for tests); `source` names it in messages and its
 * file stem becomes st->name.  Starts from wm_style_defaults().  On
 * error *st is left untouched (nothing half-set) and err says
 * "SOURCE:LINE: key \"k\": what is wrong" (WM_EXIT_DATA). */
int wm_style_parse(const char *text, const char *source, wm_style *st, wm_error *err);

/* The file wm_style_load would read for `name_or_path` (NULL or "" is
 * "default"), into buf.  Returns 1 if it was a NAME looked up under the
 * home, 0 if it was taken as a path. */
int wm_style_path(const char *name_or_path, char *buf, size_t size);

/* Write `st` as a complete style file, every key in every section, in
 * the order of docs/styles.md (e.g. to show the style in effect, or to
 * start a new style).  Reading the output back gives the same style.
 * Returns 0, or -1 if writing failed. */
int wm_style_write(const wm_style *st, FILE *out);

#endif
