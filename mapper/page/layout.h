/* layout.h -- where everything on a figure's page goes, computed once.
 *
 * A layout is a value: the page, the box of every element on it, the
 * wrapped text in lines with their baselines, the placed labels and
 * whether the map was numbered, and the outer boundary drawn over the
 * map.  It is computed once per figure, whatever the number of outputs,
 * then drawn (draw.h) onto each output's surface (output.h).  Tests read
 * it directly.
 *
 * Units: points (1/72 inch) from the page's top-left corner, y down.
 *
 * Text is measured on a scratch cairo image context, so the layout
 * (every box, label placement) is the same for PNG, SVG and PDF.
 *
 * One thing is measured again per output: where wrapped text breaks (the
 * legends, notes and keys of `wm_page_text`, and the attribution).  Font
 * metrics differ by target: a PNG hints glyph advances at its own
 * resolution, SVG and PDF do not hint them, the scratch context hints
 * them at 72 dpi; so a line that ends near its width can break a word
 * earlier or later.  Each output's text is flowed with its own metrics
 * (wm_layout_text_for), by the same code, from the rooms and baselines
 * of this layout, as wardmap has always drawn it (the Coventry figures
 * break the attribution and some legend lines differently in PNG and in
 * SVG).  `text` here is the flow on the scratch context, from which the
 * page's geometry was computed (a legend's height under the map, the
 * attribution's height).  Measuring unhinted everywhere would make all
 * flows one; that changes the PNGs, so it is left for its own change.
 * Alignment inside a box is also left to the drawing's metrics: counts
 * right-aligned to `count_right`, the "N" and the scale bar's length
 * centred, label ink centred on its point (labels.h).
 *
 * The page, from the top: the title and subtitle at the left margin; the
 * body, holding the panels (one map, or a grid of small multiples) and a
 * shared legend if any; the attribution, wrapped to the page's width
 * between the margins, its last line ending at the bottom margin.  In
 * each panel: an optional heading above the map frame; the frame, into
 * which the map's extent (with the overlay's) is fitted, centred, with
 * the style's padding; the north arrow at the frame's top right and, on
 * a projected map, the scale bar at its bottom left; the legend beside or
 * under the frame (the style's position, or the other one when that lets
 * the map be drawn over a quarter larger); under the legend the figure's
 * notes (a single map) and the key of a numbered map.  Small multiples
 * put the notes under the shared legend, or, when each panel has its
 * own, in the grid's last cell if it is free, else in a band under the
 * grid (notes_room).  The overlay's
 * names are placed (single map only) inside the frame, clear of the
 * north arrow and scale bar (`obstacles`).
 *
 * The layout borrows from the figure (maps, layers, texts): they must
 * outlive it.
 */
#ifndef WM_LAYOUT_H
#define WM_LAYOUT_H

#include "error.h"
#include "figure.h"
#include "labels.h"
#include "shapes.h"

#include <cairo.h>
#include <ogr_api.h>
#include <stddef.h>

typedef struct wm_box {
    double x, y, w, h;       /* top-left corner, width, height */
} wm_box;

/* One line of text: its baseline starts at (x, y). */
typedef struct wm_text_line {
    char *text;              /* owned */
    double x, y;
} wm_text_line;

/* A text in one font, wrapped at spaces to a width and broken at
 * newlines (n = 0: nothing to draw).  box: x, the first baseline less the
 * font size, the wrapping width, the height the lines take. */
typedef struct wm_text_block {
    double size;             /* font size, points */
    int bold;
    double line_h;           /* baseline to baseline */
    size_t n;
    wm_text_line *line;      /* owned */
    wm_box box;
} wm_text_block;

/* One row of a classed legend: a swatch, the class label, the count. */
typedef struct wm_legend_row {
    wm_box swatch;
    int nodata;              /* the No data row (its swatch is hatched) */
    wm_rgb colour;
    const char *label;       /* the class label (borrowed from the map), or "No data" */
    double text_x, baseline; /* where the label starts */
    char count[32];          /* areas in the class; "" when the style shows no counts */
    double count_right;      /* where the count ends */
    int reference;           /* the class holding the reference value: a pointer left of the swatch */
} wm_legend_row;

typedef struct wm_legend_layout {
    const wm_map *map;
    wm_box box;              /* the room given (h: the body's height beside the map, or what
                                was measured, at most 45% of the room, under it) */
    double h;                /* the height of what is drawn */
    wm_text_block heading;   /* title (unit), or both variables' titles */
    int bivariate;
    /* classed legend */
    double text_size;        /* labels and counts */
    int nrows;               /* classes, and No data when any */
    wm_legend_row row[WM_MAX_CLASSES + 1];
    wm_text_block reference; /* "▶ Coventry: 20.3%" (n = 0 without a reference) */
    wm_text_block counts_note;   /* "Right-hand figures: ..." (n = 0 without counts) */
    /* bivariate legend */
    double grid_x, grid_y, cell;   /* the 3 x 3 square's top-left corner and cell side */
    wm_text_block x_classes, y_classes, nodata;   /* class bounds of each variable; No data */
} wm_legend_layout;

/* A numbered area in the key: "12  Foleshill West". */
typedef struct wm_key_entry {
    int number;
    const char *name;        /* borrowed from the overlay */
    double number_x, name_x, baseline;
} wm_key_entry;

/* The key of a numbered map: a heading, then the numbers in order,
 * flowing down as many columns as it needs, each as wide as its widest
 * name; its text shrinks (to 6 pt at least) to fit its room. */
typedef struct wm_key_layout {
    wm_box box;              /* w = 0: the map is not numbered */
    wm_text_block heading;
    double text_size;
    int columns;
    size_t rows;
    size_t n;
    wm_key_entry *entry;     /* owned, in number order */
} wm_key_layout;

typedef struct wm_north_arrow {
    int shown;
    double x, y;             /* the arrow's axis and the top of its room */
    double letter_size;      /* the "N" above the arrow */
    wm_box box;              /* the room labels keep clear of */
} wm_north_arrow;

typedef struct wm_scale_bar {
    int shown;               /* only on a map in metres (projected) */
    double x, y, h;          /* the bar's top-left corner and height */
    double length;           /* the bar's length, points */
    double metres;           /* the round length it stands for */
    char label[32];          /* "2 km" */
    double text_size;
    wm_box box;              /* the room labels keep clear of */
} wm_scale_bar;

/* What stands beside (or under) a map: the legend, the figure's notes
 * and the key of a numbered map, one under the other. */
typedef struct wm_column {
    wm_legend_layout legend;
    wm_text_block notes;     /* n = 0 without notes */
    wm_key_layout key;       /* box.w = 0 unless the map is numbered */
} wm_column;

/* The page's wrapped text, flowed with one context's font metrics: each
 * panel's column, the shared legend's (legend and notes), and the
 * attribution's lines. */
typedef struct wm_page_text {
    wm_column column[WM_MAX_PANELS];   /* used when the panel has_legend */
    wm_column shared;                  /* used when the layout has_shared_legend */
    wm_text_block notes;               /* small multiples with their own legends: the notes (notes_room) */
    wm_text_block attribution;
} wm_page_text;

typedef struct wm_panel_layout {
    const wm_map *map;
    wm_text_block title;     /* small multiples' heading (n = 0 without) */
    wm_box frame;            /* the map's frame; the map is clipped to it */
    wm_affine tf;            /* map coordinates -> page points */
    int has_legend;          /* 0 when the figure's shared legend serves */
    wm_box legend;           /* the legend's room (its column starts at its top left) */
    wm_north_arrow north;
    wm_scale_bar scale;
    double obstacles[2][4];  /* x0, y0, x1, y1 of the north arrow and the scale bar (zeros
                                when absent): what wm_place_labels keeps clear of */
    wm_placed_label *labels; /* nlabels placements of the overlay's names, or NULL */
    size_t nlabels;
    int numbered;            /* the map switched to numbered areas */
    wm_box key_room;         /* where its key goes: under the legend, under the map, or its own column */
    wm_shapes areas;         /* the map's areas in page points, with their outline widths (shapes.h) */
    wm_shapes overlay;       /* the overlay's, when there is one (n = 0 otherwise) */
} wm_panel_layout;

typedef struct wm_layout {
    const wm_figure *fig;
    const wm_style *style;   /* the first map's */
    double width, height;    /* the page, points */
    double scale;            /* type scale: 1 on an A4 short side (595 pt) */
    double margin;
    wm_text_block title, subtitle;
    wm_box body;             /* between the title block and the attribution */
    int npanels;
    wm_panel_layout panel[WM_MAX_PANELS];
    int has_shared_legend;
    wm_box shared_legend;    /* its room */
    wm_box notes_room;       /* small multiples each with a legend: the notes' room, in a free cell
                                of the grid or a band under it (w = 0 without notes) */
    char *attribution_text;  /* owned: sources, copyright and licence lines */
    char *notes;             /* owned: the notes as drawn, when the layout added to the figure's; or NULL */
    int unlabelled;          /* the overlay's names are not shown: too many areas, too small to name */
    wm_box attribution;      /* its room: from the top of its first line to the bottom margin */
    double attribution_baseline;   /* its first line's */
    wm_page_text text;       /* the wrapped text as measured for the layout */
    OGRGeometryH boundary;   /* owned: the overlay's outer boundary, or NULL */
} wm_layout;

/* Give `cr` the font options every context that measures or draws a
 * figure's text uses: glyph outlines and advances not hinted, grey
 * antialiasing.  So text measures the same on the layout's scratch
 * context and on each output (PNG, SVG, PDF), and lines break alike. */
void wm_text_options(cairo_t *cr);

/* Whether every text the figure would draw is valid UTF-8 that cairo can
 * draw (cairo stops drawing at the first text that is not).  On failure
 * the message names the text (the title, a legend label, an area's name
 * and its layer) and the bad byte: WM_EXIT_USAGE for the figure's own
 * texts (title, subtitle, notes, panel headings), WM_EXIT_DATA for the
 * maps' and layers'.  wm_layout_new runs it first. */
int wm_figure_check_text(const wm_figure *fig, wm_error *err);

/* Lay `fig` out.  Errors (WM_EXIT_USAGE unless said): a text that cannot
 * be drawn (above); a page size outside 72..14400 pt; more than
 * WM_MAX_PANELS panels; a page too small for the map and its legend;
 * label placement's errors (labels.h); out of memory. */
wm_layout *wm_layout_new(const wm_figure *fig, wm_error *err);

/* NULL is allowed. */
void wm_layout_free(wm_layout *L);

/* The page's wrapped text flowed again with the font metrics of `target`
 * (its surface's font options and its transformation), from the same
 * rooms and baselines as the layout's; its state is left as it was.
 * Drawing uses this, so that each output breaks its lines as its own
 * metrics say (see above).  Free with wm_page_text_free. */
int wm_layout_text_for(const wm_layout *L, cairo_t *target, wm_page_text *out, wm_error *err);

void wm_page_text_free(wm_page_text *t);

/* Where the map point (x, y), in the layer's target SRS, lands on the
 * page in `panel`, in points from the top-left corner. */
void wm_layout_to_page(const wm_panel_layout *panel, double x, double y, double *px, double *py);

/* ---- The pieces of a page, for every page wardmap lays out (a figure,
 * an area profile) ---- */

/* `text` in the font selected on `cr` (size and weight as selected,
 * recorded in the block) wrapped at spaces to `max_w` and broken at
 * newlines, first baseline at y, lines `line_h` apart, into `b` (emptied
 * first).  Returns the height used; out of memory sets *oom. */
double wm_text_wrap(cairo_t *cr, wm_text_block *b, double size, int bold, const char *text, double x, double y,
                    double max_w, double line_h, int *oom);

/* Free a block's lines and empty it (NULL members allowed). */
void wm_text_block_free(wm_text_block *b);

/* The copyright and licence statements the OS and ONS licences and the
 * OGL ask for, with the boundaries' year (0: none), and the palette's
 * credit: "Contains OS data (c) Crown copyright and database right 2025.
 * ... Colours: ColorBrewer.org by Cynthia Brewer." */
void wm_copyright_text(int year, char *buf, size_t size);

/* The year of a boundary vintage from ONS field names: WD25CD -> 2025,
 * LSOA11CD -> 2011; 0 when the name carries none (or no layer). */
int wm_boundary_year(const wm_layer *layer);

/* The affine that fits the extent (x0, y0, x1, y1 in map units), padded
 * by `padding` of its size on each side, into `frame`, centred. */
wm_affine wm_fit_extent(const double ext[4], wm_box frame, double padding);

#endif
