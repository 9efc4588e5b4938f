/* output.c -- PNG, SVG and PDF files of a laid-out figure.
 *
 * Every file goes through atomic.h: begun under a temporary name, drawn,
 * and committed with the others of the same figure only when all of them
 * (thumbnails included) were drawn and written without error.
 */
#include "output.h"
#include "atomic.h"
#include "draw.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

int wm_format_from_path(const char *path, wm_format *out)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return -1;
    if (strcasecmp(dot, ".png") == 0) *out = WM_FORMAT_PNG;
    else if (strcasecmp(dot, ".svg") == 0) *out = WM_FORMAT_SVG;
    else if (strcasecmp(dot, ".pdf") == 0) *out = WM_FORMAT_PDF;
    else return -1;
    return 0;
}

/* ---- streams ---------------------------------------------------------------- */

/* A file cairo writes to, remembering why a write failed. */
typedef struct sink {
    FILE *fp;
    int failed, err;
} sink;

static void sink_put(sink *k, const void *data, size_t n)
{
    if (n == 0 || k->failed) return;
    if (fwrite(data, 1, n, k->fp) != n) {
        k->failed = 1;
        k->err = errno;
    }
}

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *k = closure;
    sink_put(k, data, length);
    return k->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static int write_failed(const char *path, const sink *k, cairo_status_t st, wm_error *err)
{
    if (k->failed)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", path, strerror(k->err ? k->err : EIO));
    return wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", path, cairo_status_to_string(st));
}

typedef struct byte_buffer { unsigned char *data; size_t len, cap; } byte_buffer;

static cairo_status_t buffer_write(void *closure, const unsigned char *data, unsigned int length)
{
    byte_buffer *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + length) cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p) return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* ---- PNG ------------------------------------------------------------------- */

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* cairo writes no pHYs chunk; add one after IHDR so the PNG states its
 * resolution (pixels per metre) and prints at the intended size. */
static int put_png_with_dpi(const byte_buffer *png, double dpi, sink *k)
{
    const size_t ihdr_end = 8 + 8 + 13 + 4;
    if (png->len < ihdr_end) return -1;
    unsigned char chunk[4 + 4 + 9 + 4];
    uint32_t ppm = (uint32_t)lround(dpi / 0.0254);
    put_be32(chunk, 9);
    memcpy(chunk + 4, "pHYs", 4);
    put_be32(chunk + 8, ppm);
    put_be32(chunk + 12, ppm);
    chunk[16] = 1;   /* unit: metre */
    put_be32(chunk + 17, (uint32_t)crc32(0L, chunk + 4, 4 + 9));
    sink_put(k, png->data, ihdr_end);
    sink_put(k, chunk, sizeof chunk);
    sink_put(k, png->data + ihdr_end, png->len - ihdr_end);
    return k->failed ? -1 : 0;
}

/* `img` scaled to `width` pixels (the image's own width when `width` is
 * under 16 or over it), the height keeping the aspect.  A box filter over
 * the whole footprint: no aliasing of hairlines. */
static cairo_surface_t *scaled_copy(cairo_surface_t *img, int width)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    if (width < 16 || width > w) width = w;
    int th = (int)lround((double)h * width / w);
    cairo_surface_t *thumb = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, th);
    cairo_t *cr = cairo_create(thumb);
    cairo_scale(cr, (double)width / w, (double)th / h);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_destroy(cr);
    return thumb;
}

/* A thumbnail of `img` into the file being written by `a`. */
static int put_thumbnail(cairo_surface_t *img, int width, wm_atomic *a, wm_error *err)
{
    FILE *fp = wm_atomic_stream(a, err);
    if (!fp) return -1;
    cairo_surface_t *thumb = scaled_copy(img, width);
    sink k = { fp, 0, 0 };
    cairo_status_t st = cairo_surface_write_to_png_stream(thumb, sink_write, &k);
    cairo_surface_destroy(thumb);
    if (st != CAIRO_STATUS_SUCCESS || k.failed)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot write the thumbnail (%s)", wm_atomic_target(a),
                            k.failed ? strerror(k.err ? k.err : EIO) : cairo_status_to_string(st));
    return 0;
}

static int write_png(const wm_page_writer *w, const wm_output *o, wm_atomic *a, wm_atomic **thumb, wm_error *err)
{
    const char *path = o->path;
    double k = w->dpi / 72.0;
    int wpx = (int)lround(w->width_pt * k), hpx = (int)lround(w->height_pt * k);
    if ((double)wpx * hpx > 400e6)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: %dx%d pixels is too large", path, wpx, hpx);
    FILE *fp = wm_atomic_stream(a, err);
    if (!fp) return -1;
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wpx, hpx);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_status_t st = cairo_surface_status(surface);
        cairo_surface_destroy(surface);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot make a %dx%d image (%s)", path, wpx, hpx,
                            cairo_status_to_string(st));
    }
    cairo_t *cr = cairo_create(surface);
    cairo_scale(cr, (double)wpx / w->width_pt, (double)hpx / w->height_pt);
    int rc = w->draw(cr, w->page, err);
    cairo_destroy(cr);
    if (rc != 0) {
        cairo_surface_destroy(surface);
        wm_error_prefix(err, "%s", path);
        return -1;
    }
    byte_buffer png = { 0 };
    cairo_status_t st = cairo_surface_write_to_png_stream(surface, buffer_write, &png);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(png.data);
        cairo_surface_destroy(surface);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot encode PNG (%s)", path, cairo_status_to_string(st));
    }
    sink out = { fp, 0, 0 };
    rc = put_png_with_dpi(&png, w->dpi, &out);
    free(png.data);
    if (rc != 0) rc = write_failed(path, &out, CAIRO_STATUS_WRITE_ERROR, err);
    if (rc == 0 && o->thumbnail) {
        *thumb = wm_atomic_begin(o->thumbnail, WM_ATOMIC_REPLACE, err);
        rc = *thumb ? put_thumbnail(surface, o->thumbnail_width, *thumb, err) : -1;
    }
    cairo_surface_destroy(surface);
    return rc;
}

/* ---- SVG ------------------------------------------------------------------- */

/* cairo names some SVG elements from process-wide counters: the page
 * group "surfaceN" (surface ids) and embedded images "imageN".  With
 * several figures drawn in one process, in sequence or in threads, the
 * same figure would get other numbers each time; so, on the way to the
 * file, every such id (after a '"' or '#': id="surface12",
 * xlink:href="#surface12") is renumbered 1, 2, ... by order of first
 * appearance, kind by kind.  Every occurrence is mapped, so references
 * stay right.  Other ids (glyphs, clips, patterns) are numbered per
 * document by cairo already.
 *
 * Named groups: a group drawn with cairo_push_group and painted becomes
 * <g id="surfaceN"> in the SVG's <defs>, in the order the groups were
 * painted, all before the page's own group; so the first `nnames` surface
 * ids take the writer's names instead (output.h, svg_groups). */
static const char *const svg_id_kinds[] = { "surface", "image" };
#define SVG_ID_KINDS 2

typedef struct svg_ids {
    sink out;
    int state;                   /* 0: text; 1: after '"' or '#', matching a kind; 2: in its digits */
    int kind;
    char held[48];               /* the kind's name and digits, not yet written */
    size_t nheld, ndigits;
    unsigned long long *seen[SVG_ID_KINDS];   /* the original numbers, in order of appearance */
    size_t nseen[SVG_ID_KINDS], cap[SVG_ID_KINDS];
    const char *const *names;    /* the first surface ids' names (named groups) */
    size_t nnames;
} svg_ids;

/* Write what is held: renumbered when it is a whole id. */
static void ids_release(svg_ids *f)
{
    if (f->state == 2 && f->ndigits > 0) {
        const char *name = svg_id_kinds[f->kind];
        size_t nl = strlen(name), k = (size_t)f->kind;
        f->held[f->nheld] = '\0';
        unsigned long long old = strtoull(f->held + nl, NULL, 10);
        size_t i = 0;
        while (i < f->nseen[k] && f->seen[k][i] != old) i++;
        if (i == f->nseen[k]) {
            if (f->nseen[k] == f->cap[k]) {
                size_t cap = f->cap[k] ? 2 * f->cap[k] : 8;
                unsigned long long *p = realloc(f->seen[k], cap * sizeof *p);
                if (!p) {
                    f->out.failed = 1;
                    f->out.err = ENOMEM;
                    return;
                }
                f->seen[k] = p;
                f->cap[k] = cap;
            }
            f->seen[k][f->nseen[k]++] = old;
        }
        char id[160];
        int n;
        if (k == 0 && i < f->nnames) n = snprintf(id, sizeof id, "%s", f->names[i]);
        else n = snprintf(id, sizeof id, "%s%zu", name, i + 1 - (k == 0 ? f->nnames : 0));
        sink_put(&f->out, id, (size_t)n < sizeof id ? (size_t)n : sizeof id - 1);
    } else {
        sink_put(&f->out, f->held, f->nheld);
    }
    f->nheld = f->ndigits = 0;
    f->state = 0;
}

static cairo_status_t svg_write(void *closure, const unsigned char *data, unsigned int length)
{
    svg_ids *f = closure;
    size_t i = 0;
    while (i < length && !f->out.failed) {
        unsigned char c = data[i];
        if (f->state == 0) {
            size_t j = i;
            while (j < length && data[j] != '"' && data[j] != '#') j++;
            int found = j < length;
            if (found) j++;
            sink_put(&f->out, data + i, j - i);
            i = j;
            if (found) f->state = 1;
        } else if (f->state == 1) {
            int match = -1;
            for (int k = 0; k < SVG_ID_KINDS; k++) {
                const char *name = svg_id_kinds[k];
                if (strlen(name) > f->nheld && name[f->nheld] == (char)c && strncmp(name, f->held, f->nheld) == 0)
                    match = k;
            }
            if (match < 0) {
                ids_release(f);   /* not an id: c is read again as text */
                continue;
            }
            f->held[f->nheld++] = (char)c;
            i++;
            if (f->nheld == strlen(svg_id_kinds[match])) {
                f->state = 2;
                f->kind = match;
            }
        } else if (c >= '0' && c <= '9' && f->ndigits < 18) {
            f->held[f->nheld++] = (char)c;
            f->ndigits++;
            i++;
        } else {
            ids_release(f);       /* the id ends; c is read again as text */
        }
    }
    return f->out.failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void ids_finish(svg_ids *f)
{
    if (f->state != 0) ids_release(f);
    for (int k = 0; k < SVG_ID_KINDS; k++) free(f->seen[k]);
}

/* ---- PDF and SVG ----------------------------------------------------------- */

static void pdf_metadata(cairo_surface_t *surface, const wm_page_writer *w)
{
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, w->title ? w->title : "");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, w->author ? w->author : "wardmap");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, w->subject ? w->subject : "");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "wardmap " WARDMAP_VERSION);
    /* cairo stamps the clock unless told otherwise; identical inputs
     * must give identical files, so the date is left out unless
     * SOURCE_DATE_EPOCH (the reproducible-builds convention) gives one. */
    char date[32] = "";
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        time_t t = (time_t)strtoll(epoch, NULL, 10);
        struct tm tm;
        if (gmtime_r(&t, &tm)) strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
}

static int write_vector(const wm_page_writer *w, wm_format fmt, const char *path, wm_atomic *a, wm_error *err)
{
    FILE *fp = wm_atomic_stream(a, err);
    if (!fp) return -1;
    svg_ids ids;
    memset(&ids, 0, sizeof ids);
    ids.out.fp = fp;
    ids.names = w->svg_groups;
    ids.nnames = w->svg_groups ? w->nsvg_groups : 0;
    sink pdf = { fp, 0, 0 };
    cairo_surface_t *surface;
    if (fmt == WM_FORMAT_SVG) {
        surface = cairo_svg_surface_create_for_stream(svg_write, &ids, w->width_pt, w->height_pt);
        cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_2);
    } else {
        surface = cairo_pdf_surface_create_for_stream(sink_write, &pdf, w->width_pt, w->height_pt);
        pdf_metadata(surface, w);
    }
    cairo_t *cr = cairo_create(surface);
    int rc = w->draw(cr, w->page, err);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (fmt == WM_FORMAT_SVG) ids_finish(&ids);
    const sink *out = fmt == WM_FORMAT_SVG ? &ids.out : &pdf;
    if (rc != 0) {
        wm_error_prefix(err, "%s", path);
        return -1;
    }
    if (st != CAIRO_STATUS_SUCCESS || out->failed) return write_failed(path, out, st, err);
    return 0;
}

/* ---- the figure's files ---------------------------------------------------- */

/* Every output names a format; a thumbnail is asked of a PNG only. */
static int check_outputs(const wm_output *outputs, size_t n, wm_error *err)
{
    if (n == 0) return wm_error_set(err, WM_EXIT_USAGE, "no output to write");
    for (size_t i = 0; i < n; i++) {
        wm_format fmt;
        if (!outputs[i].path || wm_format_from_path(outputs[i].path, &fmt) != 0)
            return wm_error_set(err, WM_EXIT_USAGE, "%s: the output must end in .png, .svg or .pdf",
                                outputs[i].path ? outputs[i].path : "(none)");
        if (outputs[i].thumbnail && fmt != WM_FORMAT_PNG)
            return wm_error_set(err, WM_EXIT_USAGE, "%s: a thumbnail is made from a PNG output, not this one",
                                outputs[i].path);
    }
    return 0;
}

int wm_page_write(const wm_page_writer *w, const wm_output *outputs, size_t n, wm_error *err)
{
    if (check_outputs(outputs, n, err) != 0) return -1;
    /* Each output, then its thumbnail. */
    wm_atomic **files = calloc(2 * n, sizeof *files);
    if (!files) return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", outputs[0].path);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const wm_output *o = &outputs[i];
        wm_format fmt = WM_FORMAT_PNG;   /* checked above; gcc -O3 cannot see it */
        wm_format_from_path(o->path, &fmt);
        files[2 * i] = wm_atomic_begin(o->path, WM_ATOMIC_REPLACE, err);
        if (!files[2 * i]) rc = -1;
        else if (fmt == WM_FORMAT_PNG) rc = write_png(w, o, files[2 * i], &files[2 * i + 1], err);
        else rc = write_vector(w, fmt, o->path, files[2 * i], err);
    }
    if (rc == 0) {
        rc = wm_atomic_commit_all(files, 2 * n, err);
    } else {
        for (size_t i = 0; i < 2 * n; i++) wm_atomic_abort(files[i]);
    }
    free(files);
    return rc;
}

static int draw_layout(cairo_t *cr, const void *page, wm_error *err)
{
    return wm_draw_page(cr, page, err);
}

int wm_layout_write(const wm_layout *L, const wm_output *outputs, size_t n, wm_error *err)
{
    const wm_figure *fig = L->fig;
    const wm_map *first = L->panel[0].map;
    char subject[600];
    snprintf(subject, sizeof subject, "%s%s%s", first->legend_title, first->bivariate ? " by " : "",
             first->bivariate ? first->legend_title2 : "");
    wm_page_writer w = { L->width, L->height, fig->dpi,
                         fig->title && *fig->title ? fig->title : first->legend_title, fig->author, subject,
                         draw_layout, L, NULL, 0 };
    return wm_page_write(&w, outputs, n, err);
}

int wm_figure_write(const wm_figure *fig, const wm_output *outputs, size_t n, wm_error *err)
{
    if (check_outputs(outputs, n, err) != 0) return -1;
    /* A text cairo cannot draw is named for what it is, not by the file. */
    if (wm_figure_check_text(fig, err) != 0) return -1;
    wm_layout *L = wm_layout_new(fig, err);
    if (!L) {
        wm_error_prefix(err, "%s", outputs[0].path);
        return -1;
    }
    int rc = wm_layout_write(L, outputs, n, err);
    wm_layout_free(L);
    return rc;
}

int wm_render_figure(const wm_figure *fig, const char *path, wm_error *err)
{
    wm_output o = { path, NULL, 0 };
    return wm_figure_write(fig, &o, 1, err);
}

int wm_png_thumbnail(const char *src, const char *dst, int width, wm_error *err)
{
    cairo_surface_t *img = cairo_image_surface_create_from_png(src);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return wm_error_set(err, WM_EXIT_DATA, "%s: cannot read as PNG", src);
    }
    wm_atomic *a = wm_atomic_begin(dst, WM_ATOMIC_REPLACE, err);
    int rc = a ? put_thumbnail(img, width, a, err) : -1;
    cairo_surface_destroy(img);
    if (rc != 0) {
        wm_atomic_abort(a);
        return -1;
    }
    return wm_atomic_commit(a, err);
}
