/* page_spec.h -- the options of a page: its size, its resolution and the
 * files it is written to, as typed options.
 *
 * Every operation that writes a page (render's figures, profile's area
 * profiles) puts WM_PAGE_OPTIONS in its option table and parses them
 * here once, so the page is asked for one way everywhere:
 *   --size WxH             page size in pixels at --dpi
 *   --paper A3|A4|A5       page size by paper (default: the style's)
 *   --landscape, --portrait  orientation (default: the operation's)
 *   --dpi N                PNG resolution (default: the style's)
 *   -o, --output OUT       a .png, .svg or .pdf file (repeat for several)
 *   --thumbnail OUT.png    a 480-pixel-wide thumbnail of the first PNG
 *
 * Strings are borrowed from the wm_args parsed, which must outlive the
 * spec.
 */
#ifndef WM_PAGE_SPEC_H
#define WM_PAGE_SPEC_H

#include "args.h"
#include "error.h"
#include "output.h"

#define WM_PAGE_MAX_OUTPUTS 16

#define WM_PAGE_OPTIONS \
    { "size", 0, WM_OPT_VALUE, "WxH", "page size in pixels at --dpi" }, \
    { "paper", 0, WM_OPT_VALUE, "A3|A4|A5", "page size by paper (default from the style: A4)" }, \
    { "landscape", 0, WM_OPT_FLAG, NULL, "paper in landscape orientation" }, \
    { "portrait", 0, WM_OPT_FLAG, NULL, "paper in portrait orientation" }, \
    { "dpi", 0, WM_OPT_VALUE, "N", "resolution of PNG output (default from the style: 200)" }, \
    { "output", 'o', WM_OPT_REPEAT | WM_OPT_OUTPUT, "OUT", "output file: .png, .svg or .pdf (repeat for several)" }, \
    { "thumbnail", 0, WM_OPT_VALUE | WM_OPT_OUTPUT, "OUT.png", "also a 480-pixel-wide thumbnail of the first PNG output (for galleries)" }

typedef struct wm_page_spec {
    int size_px[2];                        /* --size WxH, or 0 x 0 */
    const char *paper;                     /* NULL: the style's */
    int landscape;                         /* 1, 0, or -1 for the default */
    int dpi;                               /* 0: the style's */
    int noutputs;
    const char *outputs[WM_PAGE_MAX_OUTPUTS];
    const char *thumbnail;                 /* a thumbnail of the first PNG, or NULL */
} wm_page_spec;

/* Parse the page options; `command` names the operation in messages
 * ("render: -o OUT is required").  Errors (WM_EXIT_USAGE, about the
 * option): no output, too many, an output that is not .png, .svg or .pdf,
 * a bad --dpi, --size or --paper, a --thumbnail without a .png output. */
int wm_page_spec_from_args(const wm_args *a, const char *command, wm_page_spec *spec, wm_error *err);

/* The outputs to write (output.h), the thumbnail going with the first
 * PNG; `out` has room for WM_PAGE_MAX_OUTPUTS.  Returns their number. */
size_t wm_page_spec_outputs(const wm_page_spec *spec, wm_output *out);

#endif
