/* palette.h -- ColorBrewer colour schemes, by name.
 *
 * The schemes are read from styles/colorbrewer.json, the published
 * ColorBrewer definitions with Cynthia Brewer's suitability flags (see
 * styles/PROVENANCE.md).  A scheme is asked for by name and class count;
 * the flags for that count say whether it is colour-blind safe, and
 * suitable for print, photocopy and screen.  A scheme file is parsed once
 * per process and kept (thread-safe; freed by wm_shutdown), and read
 * again when it changes on disk.
 */
#ifndef WM_PALETTE_H
#define WM_PALETTE_H

#include "error.h"

typedef struct wm_rgb { double r, g, b; } wm_rgb;   /* each 0..1 */

typedef enum { WM_SUIT_NO = 0, WM_SUIT_YES = 1, WM_SUIT_UNSURE = 2 } wm_suitability;

typedef struct wm_palette {
    char name[32];
    char type[8];            /* "seq", "div" or "qual" */
    int n;                   /* number of colours */
    wm_rgb colour[12];
    char hex[12][8];         /* "#rrggbb" as published */
    wm_suitability blind, print, copy, screen;   /* at this class count */
} wm_palette;

/* Path of the bundled scheme file (styles/colorbrewer.json under the
 * wardmap home, see home.h). */
const char *wm_palette_default_path(void);

/* Load scheme `name` (case-insensitive, e.g. "YlOrRd") with `n` colours
 * from the JSON file at `path` (NULL: the default).  `reverse` flips the
 * order.  ColorBrewer starts at 3 classes: for n = 2 the first and last
 * of the 3-class colours are used, for n = 1 the middle one, with the
 * 3-class flags.  Errors (WM_EXIT_USAGE): unknown scheme (the message
 * lists near names, or all names), or more classes than the scheme is
 * published for (the message gives the range); WM_EXIT_DATA for an
 * unreadable or malformed file. */
int wm_palette_load(const char *path, const char *name, int n, int reverse,
                    wm_palette *out, wm_error *err);

/* Names of colour-blind-safe schemes (flag 1, not "unsure") of type
 * `type` ("seq", "div", "qual"; a scheme name stands for its type) that
 * exist for `n` classes, comma-separated into buf (for a warning), in
 * file order.  Returns how many, or -1 if the file cannot be read. */
int wm_palette_suggest_safe(const char *path, const char *type, int n, char *buf, size_t size);

/* Parse "#rrggbb" or "#rgb" into *out; -1 if malformed. */
int wm_rgb_parse(const char *hex, wm_rgb *out);

/* The colours of a comparison with a benchmark, as Fingertips colours it
 * but colour-blind safe (the ends and middle of ColorBrewer's PuOr):
 * worse orange, better purple, similar pale; for an indicator whose
 * polarity is neutral (higher_is_worse -1) lower and higher are light and
 * dark blue.  hex[0] is for a value significantly lower than the
 * benchmark, hex[1] similar, hex[2] higher; `higher_is_worse` is 1, 0 or
 * -1 (store.h). */
void wm_comparison_colours(int higher_is_worse, const char *hex[3]);

/* The colour of a value that is not compared (no interval, or no
 * benchmark): a mid grey, no judgement. */
#define WM_NOT_COMPARED_COLOUR "#bdbdbd"

#endif
