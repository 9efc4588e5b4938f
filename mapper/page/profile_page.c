/* profile_page.c -- laying out and drawing an area profile's page.
 *
 * Invariants:
 *   - Everything is measured here, on one scratch context, before
 *     anything is drawn; drawing takes every position from the layout and
 *     measures only to align text inside its cell (numbers to the right).
 *   - The chart's type size is the largest, from the style's legend text
 *     size down to WM_PROFILE_MIN_TEXT, at which the page holds every row,
 *     the notes and the sources; a page that cannot is an error, never a
 *     chart drawn over its own foot.
 *   - The named SVG groups (L->groups) are listed in the order the drawing
 *     paints them; wm_profile_draw checks that it painted exactly those.
 */
#include "profile_page.h"
#include "draw.h"
#include "outer_boundary.h"
#include "svg_text.h"
#include "palette.h"
#include "text.h"
#include "utf8.h"
#include "text_measure.h"

#include <cairo.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WM_PROFILE_MIN_TEXT 5.0

/* ---- the scale of a row --------------------------------------------------- */

double wm_spine_x(const wm_spine_scale *sc, double v)
{
    if (sc->best == sc->worst) return (sc->worst_x + sc->best_x) / 2;
    return sc->worst_x + (v - sc->worst) / (sc->best - sc->worst) * (sc->best_x - sc->worst_x);
}

wm_spine_scale wm_spine_scale_of(const wm_spine_row *row, double x0, double x1, int *ok)
{
    double lo = row->spread.min, hi = row->spread.max;
    const double others[3] = { row->value, row->authority, row->england };
    for (int i = 0; i < 3; i++) {
        if (isnan(others[i])) continue;
        if (isnan(lo) || others[i] < lo) lo = others[i];
        if (isnan(hi) || others[i] > hi) hi = others[i];
    }
    *ok = !isnan(lo) && !isnan(hi);
    wm_spine_scale sc = { lo, hi, x0, x1 };
    if (row->higher_is_worse == 1) {
        sc.worst = hi;
        sc.best = lo;
    }
    return sc;
}

/* ---- measuring ------------------------------------------------------------ */

typedef struct ctx {
    const wm_profile_page *p;
    const wm_style *st;
    cairo_t *cr;              /* the scratch context */
    double s;                 /* type scale: 1 on an A4 short side */
    int oom;
} ctx;

static void use_font(cairo_t *cr, const wm_style *st, double size, int bold)
{
    cairo_select_font_face(cr, st->font, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}


static double wrap(ctx *c, wm_text_block *b, double size, int bold, const char *text, double x, double y,
                   double max_w, double line_h)
{
    use_font(c->cr, c->st, size, bold);
    return wm_text_wrap(c->cr, b, size, bold, text ? text : "", x, y, max_w, line_h, &c->oom);
}

/* The width of the widest word of `text` in the selected font. */
static double widest_word(cairo_t *cr, const char *text)
{
    double w = 0;
    char word[256];
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " ");
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word - 1 ? n : sizeof word - 1), p);
        w = fmax(w, wm_text_advance(cr, word));
        p += n;
        while (*p == ' ') p++;
    }
    return w;
}

/* ---- the cells ------------------------------------------------------------ */

static int whole(double v) { return !isnan(v) && fabs(v - round(v)) < 1e-9; }

static void value_text(double v, int decimals, char *buf, size_t size)
{
    if (isnan(v)) snprintf(buf, size, "No data");
    else wm_format_number(v, decimals, buf, size);
}

/* The texts of a row's cells. */
static void fill_cells(const wm_spine_row *r, char cell[WM_PCOLS][2][96])
{
    memset(cell, 0, sizeof(char[WM_PCOLS][2][96]));
    snprintf(cell[WM_PCOL_PERIOD][0], 96, "%s", r->period ? r->period : "");
    if (whole(r->numerator) && whole(r->denominator) && !isnan(r->value)) {
        char a[40], b[40];
        snprintf(cell[WM_PCOL_COUNT][0], 96, "%s / %s", wm_format_number(r->numerator, 0, a, sizeof a),
                 wm_format_number(r->denominator, 0, b, sizeof b));
    }
    char v[48];
    value_text(r->value, r->decimals, v, sizeof v);
    int flagged = !isnan(r->value);
    snprintf(cell[WM_PCOL_VALUE][0], 96, "%s%s%s", v, flagged && r->estimate ? " *" : "",
             flagged && r->low_coverage ? " \u2020" : "");
    if (!isnan(r->value) && !isnan(r->lower95) && !isnan(r->upper95)) {
        char lo[40], hi[40];
        snprintf(cell[WM_PCOL_VALUE][1], 96, "(%s\u2013%s)", wm_format_number(r->lower95, r->decimals, lo, sizeof lo),
                 wm_format_number(r->upper95, r->decimals, hi, sizeof hi));
    }
    value_text(r->authority, r->decimals, cell[WM_PCOL_AUTHORITY][0], 96);
    if (r->england_held) value_text(r->england, r->decimals, cell[WM_PCOL_ENGLAND][0], 96);
    else snprintf(cell[WM_PCOL_ENGLAND][0], 96, "\u2013");
    double worst = r->higher_is_worse == 1 ? r->spread.max : r->spread.min;
    double best = r->higher_is_worse == 1 ? r->spread.min : r->spread.max;
    value_text(worst, r->decimals, cell[WM_PCOL_WORST][0], 96);
    value_text(best, r->decimals, cell[WM_PCOL_BEST][0], 96);
}

/* What a row's mark says, and its colour. */
enum { MARK_BETTER, MARK_SIMILAR, MARK_WORSE, MARK_LOWER, MARK_HIGHER, MARK_NOT_COMPARED, MARKS };
static const char *const mark_words[MARKS] = { "Better", "Similar", "Worse", "Lower", "Higher", "Not compared" };

static int mark_of(const wm_spine_row *r)
{
    const char *c = r->comparison ? r->comparison : "";
    int lower = strcmp(c, "lower") == 0, higher = strcmp(c, "higher") == 0;
    if (strcmp(c, "similar") == 0) return MARK_SIMILAR;
    if (!lower && !higher) return MARK_NOT_COMPARED;
    if (r->higher_is_worse == 1) return lower ? MARK_BETTER : MARK_WORSE;
    if (r->higher_is_worse == 0) return lower ? MARK_WORSE : MARK_BETTER;
    return lower ? MARK_LOWER : MARK_HIGHER;
}

static wm_rgb mark_colour(int mark)
{
    const char *hex[3], *h = WM_NOT_COMPARED_COLOUR;
    wm_comparison_colours(mark == MARK_LOWER || mark == MARK_HIGHER ? -1 : 1, hex);
    if (mark == MARK_BETTER || mark == MARK_LOWER) h = hex[0];
    else if (mark == MARK_SIMILAR) h = hex[1];
    else if (mark == MARK_WORSE || mark == MARK_HIGHER) h = hex[2];
    wm_rgb c = { 0.5, 0.5, 0.5 };
    wm_rgb_parse(h, &c);
    return c;
}

/* ---- laying out ----------------------------------------------------------- */

static void free_content(wm_profile_layout *L)
{
    wm_text_block_free(&L->title);
    wm_text_block_free(&L->subtitle);
    wm_text_block_free(&L->facts_heading);
    for (size_t i = 0; i < L->nfacts; i++) wm_text_block_free(&L->fact_label[i]);
    free(L->fact_label);
    free(L->fact_cell);
    L->fact_label = NULL;
    L->fact_cell = NULL;
    L->nfacts = 0;
    for (int k = 0; k < 2; k++) wm_text_block_free(&L->fact_head[k]);
    wm_text_block_free(&L->locator_caption);
    wm_text_block_free(&L->key_heading);
    for (int k = 0; k < 3; k++) wm_text_block_free(&L->sample_text[k]);
    for (int k = 0; k < WM_PCOLS; k++) wm_text_block_free(&L->col[k].heading);
    for (size_t i = 0; i < L->nbands; i++) wm_text_block_free(&L->band[i].label);
    free(L->band);
    L->band = NULL;
    L->nbands = 0;
    wm_text_block_free(&L->notes);
    wm_text_block_free(&L->sources);
    for (size_t i = 0; i < L->ngroups; i++) free(L->groups[i]);
    free(L->groups);
    L->groups = NULL;
    L->ngroups = 0;
}

static void add_group(ctx *c, wm_profile_layout *L, const char *kind, const char *id)
{
    if (c->oom) return;
    char **more = realloc(L->groups, (L->ngroups + 1) * sizeof *more);
    size_t n = strlen(kind) + strlen(id) + 2;
    char *name = malloc(n);
    if (!more || !name) {
        if (more) L->groups = more;
        free(name);
        c->oom = 1;
        return;
    }
    snprintf(name, n, "%s-%s", kind, id);
    L->groups = more;
    L->groups[L->ngroups++] = name;
}

static void capitalised(const char *text, char *out, size_t size)
{
    snprintf(out, size, "%s", text);
    if (out[0]) out[0] = (char)toupper((unsigned char)out[0]);
}

/* The title block; returns the y under it. */
static double lay_title(ctx *c, wm_profile_layout *L)
{
    const wm_style *st = c->st;
    double s = c->s, x = L->margin, w = L->width - 2 * L->margin, y = L->margin;
    y += wrap(c, &L->title, st->title_size * s, 1, c->p->title, x, y + st->title_size * s, w, st->title_size * 1.2 * s);
    if (c->p->subtitle && *c->p->subtitle)
        y += 3 * s + wrap(c, &L->subtitle, st->subtitle_size * s, 0, c->p->subtitle, x,
                          y + 3 * s + st->subtitle_size * s, w, st->subtitle_size * 1.3 * s);
    return y + 10 * s;
}

/* The population table at the left and the locator map at the right of
 * the band starting at y; returns the y under the table, and the y under
 * the map in *map_bottom (y when there is no map). */
static double lay_top(ctx *c, wm_profile_layout *L, double y, double f, double *map_bottom)
{
    const wm_profile_page *p = c->p;
    const wm_style *st = c->st;
    double s = c->s, x = L->margin, w = L->width - 2 * L->margin;
    int map = p->area_geometry != NULL;
    double facts_w = map ? w * 0.56 : w, gap = 14 * s;
    double hs = st->legend_title_size * s, lh = f * 1.32;
    double top = y, fy = y;
    if (p->nfacts > 0) {
        fy += wrap(c, &L->facts_heading, hs, 1, p->facts_heading ? p->facts_heading : "Population", x, fy + hs,
                   facts_w, hs * 1.2) + 2 * s;
        /* Two value columns at the right: the area's and the authority's. */
        use_font(c->cr, st, f, 1);
        double vw = fmax(widest_word(c->cr, p->area_name), widest_word(c->cr, p->authority_name));
        use_font(c->cr, st, f, 0);
        L->fact_cell = calloc(p->nfacts, sizeof *L->fact_cell);
        L->fact_label = calloc(p->nfacts, sizeof *L->fact_label);
        if (!L->fact_cell || !L->fact_label) {
            c->oom = 1;
            return y;
        }
        L->nfacts = p->nfacts;
        for (size_t i = 0; i < p->nfacts; i++)
            for (int k = 0; k < 2; k++) {
                value_text(k ? p->facts[i].authority : p->facts[i].area, 0, L->fact_cell[i][k], sizeof L->fact_cell[i][k]);
                vw = fmax(vw, wm_text_advance(c->cr, L->fact_cell[i][k]));
            }
        vw += f;
        L->fact_value_right[1] = x + facts_w;
        L->fact_value_right[0] = x + facts_w - vw;
        double label_w = facts_w - 2 * vw - f;
        /* Headings: the two names, right-aligned over their columns. */
        double head_h = 0;
        for (int k = 0; k < 2; k++)
            head_h = fmax(head_h, wrap(c, &L->fact_head[k], f, 1, k ? p->authority_name : p->area_name,
                                       L->fact_value_right[k] - vw + f, fy + f, vw - f, lh));
        L->facts_head_baseline = fy + f;
        fy += head_h + 1.5 * s;
        for (size_t i = 0; i < p->nfacts; i++)
            fy += wrap(c, &L->fact_label[i], f, 0, p->facts[i].label, x, fy + f, label_w, lh) + 1.5 * s;
    }
    L->facts = (wm_box){ x, top, facts_w, fy - top };
    *map_bottom = top;
    if (map) {
        double mw = w - facts_w - gap, cap_size = f * 0.92;
        double cap_h = wrap(c, &L->locator_caption, cap_size, 0, p->locator_caption, x + facts_w + gap, 0, mw,
                            cap_size * 1.25);
        double mh = fmin(mw * 0.8, 200 * s);
        L->locator = (wm_box){ x + facts_w + gap, top, mw, mh };
        for (size_t i = 0; i < L->locator_caption.n; i++) L->locator_caption.line[i].y += top + mh + 4 * s + cap_size;
        L->locator_caption.box.y = top + mh + 4 * s;
        *map_bottom = top + mh + 4 * s + cap_h;
        /* The map: the comparator areas and the area, fitted. */
        OGREnvelope e;
        OGR_G_GetEnvelope(p->area_geometry, &e);
        double ext[4] = { e.MinX, e.MinY, e.MaxX, e.MaxY };
        if (p->context && p->context->n > 0) {
            ext[0] = fmin(ext[0], p->context->minx); ext[1] = fmin(ext[1], p->context->miny);
            ext[2] = fmax(ext[2], p->context->maxx); ext[3] = fmax(ext[3], p->context->maxy);
        }
        L->tf = wm_fit_extent(ext, L->locator, st->map_padding);
    }
    return fy + (p->nfacts > 0 ? 10 * s : 0);
}

/* The key, from (x, y) to `right`: the marks in use, then a sample bar;
 * returns the y under it. */
static double lay_key(ctx *c, wm_profile_layout *L, double x, double y, double right, double f)
{
    const wm_profile_page *p = c->p;
    const wm_style *st = c->st;
    double s = c->s, r = f * 0.42;
    char heading[300];
    snprintf(heading, sizeof heading, "Compared with %s:", p->benchmark ? p->benchmark : p->authority_name);
    double line1 = y + f * 1.1;
    wrap(c, &L->key_heading, f, 1, heading, x, line1, right - x, f * 1.2);
    use_font(c->cr, st, f, 1);
    double cx = x + wm_text_advance(c->cr, heading) + f;
    int used[MARKS] = { 0 };
    int england = 0;
    for (size_t i = 0; i < p->nrows; i++) {
        used[mark_of(&p->rows[i])] = 1;
        england |= p->rows[i].england_held && !isnan(p->rows[i].england);
    }
    used[MARK_NOT_COMPARED] = 1;   /* said always: estimates and uncounted values are never compared */
    L->nkey = 0;
    use_font(c->cr, st, f, 0);
    for (int m = 0; m < MARKS; m++) {
        if (!used[m]) continue;
        double tw = wm_text_advance(c->cr, mark_words[m]);
        if (cx + 2 * r + f * 0.4 + tw > right) {   /* the next line */
            cx = x;
            line1 += f * 1.45;
        }
        wm_key_item *k = &L->key_item[L->nkey++];
        memset(k, 0, sizeof *k);
        k->kind = 0;
        k->colour = mark_colour(m);
        snprintf(k->text, sizeof k->text, "%s", mark_words[m]);
        k->x = cx + r;
        k->y = line1 - f * 0.35;
        k->text_x = cx + 2 * r + f * 0.4;
        k->baseline = line1;
        cx = k->text_x + tw + f * 1.2;
    }
    /* Then a sample bar, what its parts are, the authority's line and England's diamond. */
    double y2 = line1 + f * 1.9, bar_h = f * 1.1;
    L->sample_x0 = x;
    L->sample_x1 = x + 150 * s;
    L->sample_q25 = x + 150 * s * 0.3;
    L->sample_q75 = x + 150 * s * 0.68;
    L->sample_y = y2;
    L->sample_h = bar_h;
    double small = f * 0.9, below = y2 + bar_h + small * 1.15;
    wrap(c, &L->sample_text[0], small, 0, "Worst (lowest)", L->sample_x0, below, 150 * s, small);
    wrap(c, &L->sample_text[1], small, 0, "25th\u201375th percentile", L->sample_q25, y2 - small * 0.35, 150 * s,
         small);
    wrap(c, &L->sample_text[2], small, 0, "Best (highest)", L->sample_x0, below, 150 * s, small);
    use_font(c->cr, st, small, 0);
    /* The best end's label ends at the bar's end. */
    double bw = wm_text_advance(c->cr, "Best (highest)");
    if (L->sample_text[2].n) L->sample_text[2].line[0].x = L->sample_x1 - bw;
    cx = L->sample_x1 + 18 * s;
    use_font(c->cr, st, f, 0);
    for (int kind = 1; kind <= 2; kind++) {
        if (kind == 2 && !england) continue;
        const char *name = kind == 1 ? p->authority_name : "England";
        if (cx + 2 * r + f * 0.4 + wm_text_advance(c->cr, name) > right) break;   /* the notes say it too */
        wm_key_item *k = &L->key_item[L->nkey++];
        memset(k, 0, sizeof *k);
        k->kind = kind;
        snprintf(k->text, sizeof k->text, "%.60s", name);
        k->x = cx + r;
        k->y = y2 + bar_h / 2;
        k->text_x = cx + 2 * r + f * 0.4;
        k->baseline = y2 + bar_h / 2 + f * 0.35;
        cx = k->text_x + wm_text_advance(c->cr, k->text) + f * 1.5;
    }
    double bottom = below + small * 0.4;
    L->key = (wm_box){ x, y, right - x, bottom - y };
    return bottom + 8 * s;
}

/* The chart's columns at type size f; 0 when the page is too narrow. */
static int lay_columns(ctx *c, wm_profile_layout *L, double f, char (*cells)[WM_PCOLS][2][96], double y)
{
    const wm_profile_page *p = c->p;
    const wm_style *st = c->st;
    double x = L->margin, w = L->width - 2 * L->margin, pad = f * 0.5;
    char spine_head[300];
    snprintf(spine_head, sizeof spine_head, "Spread of %s", p->spread_words ? p->spread_words : "the comparator areas");
    const char *heads[WM_PCOLS] = { "Indicator", "Period", "Count / of", p->area_name, p->authority_name, "England",
                                    "Worst/ lowest", spine_head, "Best/ highest" };
    int any_count = 0, any_england = 0;
    for (size_t i = 0; i < p->nrows; i++) {
        any_count |= cells[i][WM_PCOL_COUNT][0][0] != '\0';
        any_england |= p->rows[i].england_held;
    }
    double natural[WM_PCOLS] = { 0 };
    for (int k = 0; k < WM_PCOLS; k++) {
        L->col[k].shown = !(k == WM_PCOL_COUNT && !any_count) && !(k == WM_PCOL_ENGLAND && !any_england);
        L->col[k].right = k != WM_PCOL_LABEL && k != WM_PCOL_PERIOD && k != WM_PCOL_SPINE;
        use_font(c->cr, st, f * 0.95, 1);
        natural[k] = widest_word(c->cr, heads[k]);
        for (size_t i = 0; i < p->nrows && k != WM_PCOL_SPINE; i++) {
            use_font(c->cr, st, f, 0);
            if (k == WM_PCOL_LABEL) {
                natural[k] = fmax(natural[k], wm_text_advance(c->cr, p->rows[i].label));
                continue;
            }
            natural[k] = fmax(natural[k], wm_text_advance(c->cr, cells[i][k][1]));
            use_font(c->cr, st, f, k == WM_PCOL_VALUE);   /* the area's value is bold */
            natural[k] = fmax(natural[k], wm_text_advance(c->cr, cells[i][k][0]));
        }
        natural[k] += 2 * pad;
    }
    double fixed = 0;
    for (int k = 0; k < WM_PCOLS; k++)
        if (L->col[k].shown && k != WM_PCOL_LABEL && k != WM_PCOL_SPINE) fixed += natural[k];
    double rest = w - fixed;
    double label = fmin(natural[WM_PCOL_LABEL], fmax(rest - 0.26 * w, 0.2 * w));
    double spine = rest - label;
    if (label < fmin(natural[WM_PCOL_LABEL], 0.16 * w) || spine < 0.17 * w) return 0;
    double cx = x;
    for (int k = 0; k < WM_PCOLS; k++) {
        wm_profile_column *col = &L->col[k];
        if (!col->shown) continue;
        col->x = cx;
        col->w = k == WM_PCOL_LABEL ? label : k == WM_PCOL_SPINE ? spine : natural[k];
        cx += col->w;
    }
    /* Headings, wrapped in their columns, set on the chart's top. */
    double hh = 0;
    for (int k = 0; k < WM_PCOLS; k++) {
        wm_profile_column *col = &L->col[k];
        if (!col->shown) continue;
        double h = wrap(c, &col->heading, f * 0.95, 1, heads[k], col->x + pad, y + f * 0.95, col->w - 2 * pad,
                        f * 1.12);
        hh = fmax(hh, h);
    }
    L->header_top = y;
    L->header_bottom = y + hh + pad;
    return 1;
}

/* Every band of the chart from y; returns the y under the last. */
static double lay_bands(ctx *c, wm_profile_layout *L, double f, char (*cells)[WM_PCOLS][2][96])
{
    const wm_profile_page *p = c->p;
    double pad = f * 0.45, lh = f * 1.2, y = L->header_bottom + 2;
    size_t nfam = 0;
    for (size_t i = 0; i < p->nrows; i++)
        nfam += p->rows[i].family && *p->rows[i].family &&
                (i == 0 || !p->rows[i - 1].family || strcmp(p->rows[i - 1].family, p->rows[i].family) != 0);
    L->band = calloc(p->nrows + nfam + 1, sizeof *L->band);
    if (!L->band) {
        c->oom = 1;
        return y;
    }
    double x = L->margin, w = L->width - 2 * L->margin;
    const wm_profile_column *lab = &L->col[WM_PCOL_LABEL], *sp = &L->col[WM_PCOL_SPINE];
    for (size_t i = 0; i < p->nrows; i++) {
        const wm_spine_row *r = &p->rows[i];
        if (r->family && *r->family &&
            (i == 0 || !p->rows[i - 1].family || strcmp(p->rows[i - 1].family, r->family) != 0)) {
            wm_spine_band *b = &L->band[L->nbands++];
            char heading[64];
            capitalised(r->family, heading, sizeof heading);
            double h = f * 1.75;
            wrap(c, &b->label, f, 1, heading, x + pad, y + h / 2 + f * 0.36, w - 2 * pad, lh);
            b->box = (wm_box){ x, y, w, h };
            y += h;
        }
        wm_spine_band *b = &L->band[L->nbands++];
        b->row = r;
        memcpy(b->cell, cells[i], sizeof b->cell);
        double label_h = wrap(c, &b->label, f, 0, r->label, lab->x + pad, 0, lab->w - 2 * pad, lh);
        int lines = b->cell[WM_PCOL_VALUE][1][0] ? 2 : 1;
        double h = fmax(label_h, lines * lh) + 2 * pad;
        b->box = (wm_box){ x, y, w, h };
        /* The label's lines, centred in the band. */
        double first = y + (h - label_h) / 2 + f * 0.86;
        for (size_t l = 0; l < b->label.n; l++) b->label.line[l].y += first;
        b->label.box.y = first - f;
        b->baseline = first;
        b->centre_y = y + h / 2;
        b->bar_h = f * 1.15;
        b->bar_y = b->centre_y - b->bar_h / 2;
        b->marker_r = f * 0.42;
        /* The bar and the marks. */
        double inset = f * 0.9, x0 = sp->x + inset, x1 = sp->x + sp->w - inset;
        int ok;
        b->scale = wm_spine_scale_of(r, x0, x1, &ok);
        b->has_scale = ok;
        if (ok) {
            b->has_bar = r->spread.n > 0;
            if (b->has_bar) {
                b->min_x = wm_spine_x(&b->scale, r->spread.min);
                b->q25_x = wm_spine_x(&b->scale, r->spread.q25);
                b->q75_x = wm_spine_x(&b->scale, r->spread.q75);
                b->max_x = wm_spine_x(&b->scale, r->spread.max);
                add_group(c, L, "spine", r->id);
            }
            b->has_authority = !isnan(r->authority);
            if (b->has_authority) {
                b->authority_x = wm_spine_x(&b->scale, r->authority);
                add_group(c, L, "authority", r->id);
            }
            b->has_england = r->england_held && !isnan(r->england);
            if (b->has_england) {
                b->england_x = wm_spine_x(&b->scale, r->england);
                add_group(c, L, "england", r->id);
            }
            b->has_marker = !isnan(r->value);
            if (b->has_marker) {
                b->marker_x = wm_spine_x(&b->scale, r->value);
                b->marker_colour = mark_colour(mark_of(r));
                add_group(c, L, "marker", r->id);
            }
        }
        y += h;
    }
    return y;
}

/* The whole page at chart type size f; 1 when it fits, 0 when not. */
static int lay_out(ctx *c, wm_profile_layout *L, double f, char (*cells)[WM_PCOLS][2][96])
{
    const wm_profile_page *p = c->p;
    const wm_style *st = c->st;
    double s = c->s, x = L->margin, w = L->width - 2 * L->margin;
    free_content(L);
    L->text_size = f;
    double y = lay_title(c, L), map_bottom = 0;
    y = lay_top(c, L, y, f, &map_bottom);
    /* The key under the population table, beside the map. */
    y = lay_key(c, L, x, y, x + L->facts.w, f);
    y = fmax(y, map_bottom + 10 * s);
    if (!lay_columns(c, L, f, cells, y)) return 0;
    y = lay_bands(c, L, f, cells);
    /* The sources at the foot, their last line on the bottom margin. */
    double as = st->attribution_size * s;
    double foot_h = wrap(c, &L->sources, as, 0, p->sources, x, 0, w, as * 1.3);
    double foot_y = L->height - L->margin - foot_h + as;
    for (size_t i = 0; i < L->sources.n; i++) L->sources.line[i].y += foot_y;
    L->sources.box.y = foot_y - as;
    double ns = fmin(st->notes_size * s, f * 1.02);
    double notes_h = 0;
    if (p->notes && *p->notes) notes_h = wrap(c, &L->notes, ns, 0, p->notes, x, y + 8 * s + ns, w, ns * 1.3);
    return y + 8 * s + notes_h + 8 * s <= foot_y - as;
}

void wm_profile_layout_free(wm_profile_layout *L)
{
    if (!L) return;
    free_content(L);
    if (L->boundary) OGR_G_DestroyGeometry(L->boundary);
    free(L);
}

static int check_utf8(const char *text, const char *what, wm_error *err)
{
    if (!text || wm_utf8_valid(text)) return 0;
    char shown[200];
    return wm_error_set(err, WM_EXIT_DATA, "%s \"%s\" is not valid UTF-8; save it as UTF-8", what,
                        wm_text_escape(text, shown, sizeof shown));
}

static int check_page_text(const wm_profile_page *p, wm_error *err)
{
    if (check_utf8(p->title, "the title", err) || check_utf8(p->subtitle, "the subtitle", err) ||
        check_utf8(p->area_name, "the area's name", err) || check_utf8(p->authority_name, "the authority's name", err) ||
        check_utf8(p->notes, "the notes", err) || check_utf8(p->sources, "the sources", err) ||
        check_utf8(p->locator_caption, "the locator's caption", err))
        return -1;
    for (size_t i = 0; i < p->nrows; i++)
        if (check_utf8(p->rows[i].label, "an indicator's label", err) ||
            check_utf8(p->rows[i].period, "an indicator's period", err) ||
            check_utf8(p->rows[i].family, "an indicator's family", err))
            return -1;
    for (size_t i = 0; i < p->nfacts; i++)
        if (check_utf8(p->facts[i].label, "a population's label", err)) return -1;
    return 0;
}

wm_profile_layout *wm_profile_layout_new(const wm_profile_page *p, wm_error *err)
{
    if (p->width_pt < 72 || p->height_pt < 72 || p->width_pt > 14400 || p->height_pt > 14400) {
        wm_error_set(err, WM_EXIT_USAGE, "page size %.0fx%.0f pt is out of range", p->width_pt, p->height_pt);
        return NULL;
    }
    if (check_page_text(p, err) != 0) return NULL;
    wm_profile_layout *L = calloc(1, sizeof *L);
    char (*cells)[WM_PCOLS][2][96] = calloc(p->nrows + 1, sizeof *cells);
    if (!L || !cells) {
        free(L);
        free(cells);
        wm_error_set(err, WM_EXIT_DATA, "out of memory laying out the profile");
        return NULL;
    }
    for (size_t i = 0; i < p->nrows; i++) fill_cells(&p->rows[i], cells[i]);
    ctx c = { p, p->style, NULL, fmin(p->width_pt, p->height_pt) / 595.0, 0 };
    L->page = p;
    L->width = p->width_pt;
    L->height = p->height_pt;
    L->scale = c.s;
    L->margin = p->style->margin_mm * 72.0 / 25.4 * c.s;
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    c.cr = cairo_create(scratch);
    /* Measured as it is drawn: without this, an image surface's hinted
     * metrics at 1 px a point made a long label narrower here than on
     * the page, and it ran into the next column. */
    wm_text_options(c.cr);
    int fits = 0;
    double f = fmax(p->style->legend_text_size * 0.9 * c.s, WM_PROFILE_MIN_TEXT);
    for (; f >= WM_PROFILE_MIN_TEXT - 1e-9 && !fits && !c.oom; f -= 0.25) fits = lay_out(&c, L, f, cells);
    int rc = 0;
    if (c.oom) rc = wm_error_set(err, WM_EXIT_DATA, "out of memory laying out the profile");
    else if (cairo_status(c.cr) != CAIRO_STATUS_SUCCESS)
        rc = wm_error_set(err, WM_EXIT_DATA, "cannot measure the profile's text (%s)",
                          cairo_status_to_string(cairo_status(c.cr)));
    else if (!fits)
        rc = wm_error_set(err, WM_EXIT_USAGE, "a %.0fx%.0f pt page is too small for %zu indicators even in %g pt type "
                          "(choose fewer indicators, or a larger paper)", p->width_pt, p->height_pt, p->nrows,
                          WM_PROFILE_MIN_TEXT);
    cairo_destroy(c.cr);
    cairo_surface_destroy(scratch);
    free(cells);
    if (rc == 0) L->boundary = wm_outer_boundary(p->context);
    if (rc != 0) {
        wm_profile_layout_free(L);
        return NULL;
    }
    return L;
}

/* ---- drawing -------------------------------------------------------------- */

typedef struct painter {
    const wm_profile_layout *L;
    const wm_style *st;
    size_t group;            /* named groups painted so far */
    int bad_group;           /* painted a group the layout did not list */
} painter;

static void set_rgb(cairo_t *cr, wm_rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

static void set_hex(cairo_t *cr, const char *hex)
{
    wm_rgb c = { 0, 0, 0 };
    wm_rgb_parse(hex, &c);
    set_rgb(cr, c);
}

/* A named group (output.h): what is drawn between begin and end is one
 * SVG group, with the next name of the layout's list. */
/* Each mark of the chart is a group, so that the SVG holds it as one
 * element a reader (and test_profile) can find.  On a raster a group is a
 * page-sized image cleared and laid over the page, four per row: they
 * took 40% of a profile's time, for nothing a PNG can show. */
static int groups_wanted(cairo_t *cr)
{
    return cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE;
}

static void group_begin(cairo_t *cr)
{
    if (groups_wanted(cr)) cairo_push_group(cr);
}

static void group_end(cairo_t *cr, painter *pt, const char *kind, const char *id)
{
    if (groups_wanted(cr)) {
        cairo_pop_group_to_source(cr);
        cairo_paint(cr);
    }
    char want[160];
    snprintf(want, sizeof want, "%s-%s", kind, id);
    if (pt->group >= pt->L->ngroups || strcmp(pt->L->groups[pt->group], want) != 0) pt->bad_group = 1;
    pt->group++;
}

/* Text at (x, baseline), or ending at x when `right`. */
static void show(cairo_t *cr, const char *text, double x, double baseline, int right)
{
    if (!text || !*text) return;
    if (right) x -= wm_text_advance(cr, text);
    cairo_move_to(cr, x, baseline);
    wm_show_text(cr, text);
}

static void circle(cairo_t *cr, double x, double y, double r, wm_rgb fill, wm_rgb ink, double line)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    set_rgb(cr, fill);
    cairo_fill_preserve(cr);
    set_rgb(cr, ink);
    cairo_set_line_width(cr, line);
    cairo_stroke(cr);
}

static void diamond(cairo_t *cr, double x, double y, double r, wm_rgb ink, double line)
{
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r, y);
    cairo_line_to(cr, x, y + r);
    cairo_line_to(cr, x - r, y);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    set_rgb(cr, ink);
    cairo_set_line_width(cr, line);
    cairo_stroke(cr);
}

static const char *const bar_light = "#dcdcdc", *const bar_dark = "#a3a3a3";

static void draw_bar(cairo_t *cr, double x0, double x1, double q25, double q75, double y, double h)
{
    cairo_rectangle(cr, fmin(x0, x1), y, fabs(x1 - x0), h);
    set_hex(cr, bar_light);
    cairo_fill(cr);
    cairo_rectangle(cr, fmin(q25, q75), y, fabs(q75 - q25), h);
    set_hex(cr, bar_dark);
    cairo_fill(cr);
}

static void draw_locator(cairo_t *cr, const painter *pt)
{
    const wm_profile_layout *L = pt->L;
    const wm_profile_page *p = L->page;
    const wm_style *st = pt->st;
    double s = L->scale;
    if (!p->area_geometry) return;
    cairo_save(cr);
    cairo_rectangle(cr, L->locator.x, L->locator.y, L->locator.w, L->locator.h);
    cairo_clip(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (p->context) {
        for (size_t i = 0; i < p->context->n; i++) {
            wm_draw_geometry(cr, &L->tf, p->context->features[i].geom);
            set_hex(cr, "#ededed");
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 0.6 * s);
            cairo_stroke(cr);
        }
    }
    if (L->boundary) {
        wm_draw_geometry(cr, &L->tf, L->boundary);
        set_rgb(cr, st->muted_ink);
        cairo_set_line_width(cr, 0.8 * s);
        cairo_stroke(cr);
    }
    wm_draw_geometry(cr, &L->tf, p->area_geometry);
    set_hex(cr, "#525252");
    cairo_fill_preserve(cr);
    set_rgb(cr, st->highlight_outline);
    cairo_set_line_width(cr, fmin(st->highlight_width, 1.6) * s);
    cairo_stroke(cr);
    cairo_restore(cr);
    set_rgb(cr, st->muted_ink);
    wm_draw_text_block(cr, st->font, &L->locator_caption);
}

static void draw_facts(cairo_t *cr, const painter *pt)
{
    const wm_profile_layout *L = pt->L;
    const wm_style *st = pt->st;
    if (L->nfacts == 0) return;
    set_rgb(cr, st->ink);
    wm_draw_text_block(cr, st->font, &L->facts_heading);
    for (int k = 0; k < 2; k++) {
        const wm_text_block *h = &L->fact_head[k];
        use_font(cr, st, h->size, 1);
        for (size_t l = 0; l < h->n; l++) show(cr, h->line[l].text, L->fact_value_right[k], h->line[l].y, 1);
    }
    for (size_t i = 0; i < L->nfacts; i++) {
        const wm_text_block *b = &L->fact_label[i];
        set_rgb(cr, st->ink);
        wm_draw_text_block(cr, st->font, b);
        if (b->n == 0) continue;
        use_font(cr, st, b->size, 0);
        for (int k = 0; k < 2; k++) {
            set_rgb(cr, strcmp(L->fact_cell[i][k], "No data") == 0 ? st->muted_ink : st->ink);
            show(cr, L->fact_cell[i][k], L->fact_value_right[k], b->line[0].y, 1);
        }
    }
}

static void draw_key(cairo_t *cr, const painter *pt)
{
    const wm_profile_layout *L = pt->L;
    const wm_style *st = pt->st;
    double f = L->text_size, s = L->scale;
    set_rgb(cr, st->ink);
    wm_draw_text_block(cr, st->font, &L->key_heading);
    draw_bar(cr, L->sample_x0, L->sample_x1, L->sample_q25, L->sample_q75, L->sample_y, L->sample_h);
    set_rgb(cr, st->muted_ink);
    for (int k = 0; k < 3; k++) wm_draw_text_block(cr, st->font, &L->sample_text[k]);
    for (size_t i = 0; i < L->nkey; i++) {
        const wm_key_item *k = &L->key_item[i];
        if (k->kind == 0) circle(cr, k->x, k->y, f * 0.42, k->colour, st->ink, 0.6 * s);
        else if (k->kind == 1) {
            cairo_move_to(cr, k->x, L->sample_y - 1.5 * s);
            cairo_line_to(cr, k->x, L->sample_y + L->sample_h + 1.5 * s);
            set_rgb(cr, st->ink);
            cairo_set_line_width(cr, 1.1 * s);
            cairo_stroke(cr);
        } else {
            diamond(cr, k->x, k->y, f * 0.48, st->ink, 0.8 * s);
        }
        set_rgb(cr, st->ink);
        use_font(cr, st, f, 0);
        show(cr, k->text, k->text_x, k->baseline, 0);
    }
}

static void draw_band(cairo_t *cr, painter *pt, const wm_spine_band *b)
{
    const wm_profile_layout *L = pt->L;
    const wm_style *st = pt->st;
    double f = L->text_size, s = L->scale, pad = f * 0.5, lh = f * 1.2;
    if (!b->row) {
        cairo_rectangle(cr, b->box.x, b->box.y, b->box.w, b->box.h);
        set_hex(cr, "#f0f0f0");
        cairo_fill(cr);
        set_rgb(cr, st->ink);
        wm_draw_text_block(cr, st->font, &b->label);
        return;
    }
    const wm_spine_row *r = b->row;
    /* The rule under the row. */
    cairo_move_to(cr, b->box.x, b->box.y + b->box.h);
    cairo_line_to(cr, b->box.x + b->box.w, b->box.y + b->box.h);
    set_hex(cr, "#d9d9d9");
    cairo_set_line_width(cr, 0.4 * s);
    cairo_stroke(cr);
    set_rgb(cr, st->ink);
    wm_draw_text_block(cr, st->font, &b->label);
    for (int k = 0; k < WM_PCOLS; k++) {
        const wm_profile_column *col = &L->col[k];
        if (!col->shown || k == WM_PCOL_LABEL || k == WM_PCOL_SPINE) continue;
        int lines = b->cell[k][1][0] ? 2 : 1;
        double first = b->box.y + (b->box.h - lines * lh) / 2 + f * 0.86;
        for (int l = 0; l < lines; l++) {
            const char *t = b->cell[k][l];
            int muted = l == 1 || strcmp(t, "No data") == 0 || strcmp(t, "\u2013") == 0;
            use_font(cr, st, l == 1 ? f * 0.88 : f, k == WM_PCOL_VALUE && l == 0);
            set_rgb(cr, muted ? st->muted_ink : st->ink);
            show(cr, t, col->right ? col->x + col->w - pad : col->x + pad, first + l * lh, col->right);
        }
    }
    if (!b->has_scale) {
        const wm_profile_column *sp = &L->col[WM_PCOL_SPINE];
        use_font(cr, st, f, 0);
        set_rgb(cr, st->muted_ink);
        show(cr, "No data", sp->x + pad, b->centre_y + f * 0.35, 0);
        return;
    }
    if (b->has_bar) {
        group_begin(cr);
        draw_bar(cr, b->min_x, b->max_x, b->q25_x, b->q75_x, b->bar_y, b->bar_h);
        group_end(cr, pt, "spine", r->id);
    }
    if (b->has_authority) {
        group_begin(cr);
        cairo_move_to(cr, b->authority_x, b->bar_y - 1.5 * s);
        cairo_line_to(cr, b->authority_x, b->bar_y + b->bar_h + 1.5 * s);
        set_rgb(cr, st->ink);
        cairo_set_line_width(cr, 1.1 * s);
        cairo_stroke(cr);
        group_end(cr, pt, "authority", r->id);
    }
    if (b->has_england) {
        group_begin(cr);
        diamond(cr, b->england_x, b->centre_y, f * 0.48, st->ink, 0.8 * s);
        group_end(cr, pt, "england", r->id);
    }
    if (b->has_marker) {
        group_begin(cr);
        circle(cr, b->marker_x, b->centre_y, b->marker_r, b->marker_colour, st->ink, 0.6 * s);
        group_end(cr, pt, "marker", r->id);
    }
}

int wm_profile_draw(cairo_t *cr, const wm_profile_layout *L, wm_error *err)
{
    const wm_style *st = L->page->style;
    painter pt = { L, st, 0, 0 };
    set_rgb(cr, st->background);
    cairo_paint(cr);
    set_rgb(cr, st->ink);
    wm_draw_text_block(cr, st->font, &L->title);
    set_rgb(cr, st->muted_ink);
    wm_draw_text_block(cr, st->font, &L->subtitle);
    draw_facts(cr, &pt);
    draw_locator(cr, &pt);
    draw_key(cr, &pt);
    /* The chart: headings over a rule, then the bands. */
    set_rgb(cr, st->ink);
    for (int k = 0; k < WM_PCOLS; k++) {
        const wm_profile_column *col = &L->col[k];
        if (!col->shown) continue;
        if (!col->right) {
            wm_draw_text_block(cr, st->font, &col->heading);
            continue;
        }
        use_font(cr, st, col->heading.size, 1);
        for (size_t l = 0; l < col->heading.n; l++)
            show(cr, col->heading.line[l].text, col->x + col->w - L->text_size * 0.5, col->heading.line[l].y, 1);
    }
    cairo_move_to(cr, L->margin, L->header_bottom);
    cairo_line_to(cr, L->width - L->margin, L->header_bottom);
    cairo_set_line_width(cr, 0.7 * L->scale);
    cairo_stroke(cr);
    for (size_t i = 0; i < L->nbands; i++) draw_band(cr, &pt, &L->band[i]);
    set_rgb(cr, st->ink);
    wm_draw_text_block(cr, st->font, &L->notes);
    set_rgb(cr, st->muted_ink);
    wm_draw_text_block(cr, st->font, &L->sources);
    cairo_status_t status = cairo_status(cr);
    if (status != CAIRO_STATUS_SUCCESS)
        return wm_error_set(err, status == CAIRO_STATUS_INVALID_STRING ? WM_EXIT_DATA : WM_EXIT_IO,
                            "cannot draw the profile (%s)", cairo_status_to_string(status));
    if (pt.bad_group || pt.group != L->ngroups)
        return wm_error_set(err, WM_EXIT_DATA, "the profile's drawing and its named groups disagree (%zu of %zu)",
                            pt.group, L->ngroups);
    return 0;
}

static int draw_profile(cairo_t *cr, const void *page, wm_error *err)
{
    return wm_profile_draw(cr, page, err);
}

int wm_profile_write(const wm_profile_page *p, const wm_output *outputs, size_t n, wm_error *err)
{
    wm_profile_layout *L = wm_profile_layout_new(p, err);
    if (!L) {
        if (n > 0) wm_error_prefix(err, "%s", outputs[0].path);
        return -1;
    }
    char subject[400];
    snprintf(subject, sizeof subject, "Area profile: %s", p->area_name ? p->area_name : "");
    wm_page_writer w = { p->width_pt, p->height_pt, p->dpi, p->title, p->author, subject, draw_profile, L,
                         (const char *const *)L->groups, L->ngroups, NULL };
    int rc = wm_page_write(&w, outputs, n, err);
    wm_profile_layout_free(L);
    return rc;
}
