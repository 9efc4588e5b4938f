/* output.c -- PNG, SVG and PDF files of a laid-out figure.
 *
 * Every file goes through atomic.h: begun under a temporary name, drawn,
 * and committed with the others of the same figure only when all of them
 * (thumbnails included) were drawn and written without error.
 */
#include "output.h"
#include "huge_pages.h"
#include "atomic.h"
#include "draw.h"
#include "svg_text.h"

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
#include <png.h>
#include <pthread.h>
#include <zlib.h>
#include <isa-l/igzip_lib.h>
#include <setjmp.h>

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

/* ---- PNG ------------------------------------------------------------------- */

/* PNGs are written with libpng rather than cairo's writer, for two
 * things cairo does not let a caller choose: the compression and a pHYs
 * chunk stating the resolution, so the PNG prints at the intended size.
 * The rows are unfiltered: a map's flat colours repeat byte for byte,
 * and deflate finds those runs itself (the Sub filter turned each
 * antialiased edge into noise, and made the files of Coventry's figures
 * and of the national map 15-25% larger).  They are deflated by ISA-L
 * (Intel's igzip, Debian's libisal) at its level 1, not by zlib: on the
 * 255 MB of rows of Coventry's 22 figures it takes 0.15 s against zlib
 * level 1's 0.95 s, for files 5% larger (10.5 MB against 10.0 MB), and
 * zlib's deflate was a sixth of the figure set's CPU.  The image data is
 * deflated here, in two halves of the rows at once for a large image
 * (pigz's way: each half a raw deflate stream, the first ended by a sync
 * flush so that they join into one, under one zlib header and one
 * Adler-32, zlib's), and libpng writes the chunks.  The same pixels
 * always give the same bytes. */
#define PNG_LEVEL 1
#define PNG_SPLIT_ROWS 512   /* an image of this many rows or more is deflated in two halves */

typedef struct png_part {
    const unsigned char *data;   /* the image's first row */
    int stride, width, y0, y1;   /* rows y0 .. y1 - 1 */
    int last;                    /* the part that ends the stream */
    unsigned char *out;          /* deflated */
    size_t len;
    uLong adler;                 /* of the filtered rows */
    size_t raw;                  /* their length */
    int failed;
    pthread_t thread;
} png_part;

#define PNG_BATCH (256 * 1024)   /* bytes of rows to each deflate call (deflate_rows) */
#define PNG_READ_AHEAD 4096   /* well over ISA-L's look-ahead, ISAL_LOOK_AHEAD */

/* The loops over every byte of an image (a row's pixels made RGB, a
 * thumbnail's sums of rows) are built twice, for the x86-64 baseline and
 * for AVX2, and the processor running them picks one when the program
 * loads: the baseline has no 32-bit multiply across lanes and no byte
 * shuffle, so these loops ran a lane at a time.  Both give the same
 * bytes.  Elsewhere (another compiler, another processor) the one
 * portable build serves. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define ROW_LOOP __attribute__((target_clones("avx2", "default")))
#else
#define ROW_LOOP
#endif

/* A row of cairo's RGB24 pixels (0xXXRRGGBB, native order) as PNG's RGB bytes. */
ROW_LOOP static void row_to_rgb(const uint32_t *restrict px, unsigned char *restrict rgb, int width)
{
    for (int x = 0; x < width; x++) {
        uint32_t v = px[x];
        rgb[3 * x] = (unsigned char)(v >> 16);
        rgb[3 * x + 1] = (unsigned char)(v >> 8);
        rgb[3 * x + 2] = (unsigned char)v;
    }
}

/* ISA-L's deflate of the same rows is not always the same bytes: now and
 * then it depends on where in memory its stream structure (struct
 * isal_zstream, 80 KB) lies.  With the structure in about one 64 KiB
 * window of addresses in 2,000, the stream differs in a few bytes (still
 * valid, the same pixels, another file), and address-space randomisation
 * puts the structure somewhere new in every process: about one figure set
 * in 250 had a PNG unlike the last run's.  The fault-injection test found
 * it; bench/bench_deflate_placement.c shows it.  So each part is deflated
 * twice, through structures in two windows, fed the same batches of rows,
 * and when the two disagree a third, in a third window, decides.  The
 * rows are converted once; the second stream costs 5% of a national
 * render-only PNG's time and of Coventry's figure set's. */
#define PNG_STREAMS 3
#define PNG_STREAM_SPACING ((sizeof(struct isal_zstream) / 65536 + 2) * 65536)

typedef struct part_stream {
    struct isal_zstream *z;      /* in its own 64 KiB windows of addresses */
    unsigned char *level_buf;
    unsigned char *out;          /* deflated */
    size_t len, cap;
    int failed;
} part_stream;

static int stream_room(part_stream *s, size_t need)
{
    if (s->cap - s->len >= need) return 0;
    size_t cap = s->cap ? s->cap : 1 << 20;
    while (cap - s->len < need) cap *= 2;
    unsigned char *more = realloc(s->out, cap);
    if (!more) return -1;
    s->out = more;
    s->cap = cap;
    return 0;
}

/* A raw deflate stream at ISA-L's level PNG_LEVEL, its structure at `z`.
 * ISA-L's hash table (in level_buf) is not cleared when a stream starts:
 * from a heap that had held something else, identical pixels deflated to
 * other bytes.  So it starts zeroed, and so does the structure. */
static void stream_start(part_stream *s, void *z)
{
    memset(s, 0, sizeof *s);
    s->z = z;
    s->level_buf = calloc(ISAL_DEF_LVL1_DEFAULT, 1);
    if (!s->level_buf) {
        s->failed = 1;
        return;
    }
    memset(s->z, 0, sizeof *s->z);
    isal_deflate_init(s->z);
    s->z->level = PNG_LEVEL;
    s->z->level_buf = s->level_buf;
    s->z->level_buf_size = ISAL_DEF_LVL1_DEFAULT;
    s->z->gzip_flag = IGZIP_DEFLATE;   /* raw: the zlib header and Adler-32 are encode_png's */
}

/* Deflate a batch of `len` bytes, the last of the part when `end`. */
static void stream_feed(part_stream *s, unsigned char *batch, size_t len, int end, int last)
{
    if (s->failed) return;
    struct isal_zstream *z = s->z;
    z->next_in = batch;
    z->avail_in = (uint32_t)len;
    z->end_of_stream = (uint16_t)(end && last);
    z->flush = end && !last ? SYNC_FLUSH : NO_FLUSH;
    /* Until the batch is taken and, at the end, the stream finished or
     * flushed to a byte boundary: room for the batch stored, and for the
     * bits ISA-L holds back. */
    for (;;) {
        if (stream_room(s, len + 65536) != 0) {
            s->failed = 1;
            return;
        }
        size_t room = s->cap - s->len, before = s->len;
        uint32_t avail = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room, in_before = z->avail_in;
        z->next_out = s->out + s->len;
        z->avail_out = avail;
        if (isal_deflate(z) != COMP_OK) {
            s->failed = 1;
            return;
        }
        s->len += avail - z->avail_out;
        int pending = z->avail_in > 0 || (end && last && z->internal_state.state != ZSTATE_END) ||
                      (end && !last && z->internal_state.state != ZSTATE_NEW_HDR);
        if (!pending) return;
        if (s->len == before && z->avail_in == in_before && z->avail_out > 0) {
            s->failed = 1;   /* no progress with room to spare: never expected, never looped on */
            return;
        }
    }
}

static void stream_end(part_stream *s)
{
    free(s->level_buf);
    free(s->out);
    s->level_buf = s->out = NULL;
}

static int same_stream(const part_stream *a, const part_stream *b)
{
    return !a->failed && !b->failed && a->len == b->len && memcmp(a->out, b->out, a->len) == 0;
}

/* Filter (None) rows y0 .. y1 - 1 of an RGB24 image and deflate them
 * through each of streams[0 .. n - 1], a batch of rows (PNG_BATCH bytes
 * or more) to each call: ISA-L ends a deflate block where its buffer
 * fills, whatever the calls, but a call per row costs its setup 3,500
 * times a page.  Sets the part's Adler-32 and length of the rows. */
static void deflate_rows(png_part *p, unsigned char *batch, part_stream *streams, int n)
{
    size_t row_bytes = (size_t)p->width * 3 + 1;
    p->adler = 1;   /* Adler-32 of nothing */
    p->raw = 0;
    for (int y = p->y0; y < p->y1;) {
        size_t len = 0;
        for (; y < p->y1 && len < PNG_BATCH; y++) {
            const uint32_t *px = (const uint32_t *)(const void *)(p->data + (size_t)y * (size_t)p->stride);
            unsigned char *row = batch + len;
            row[0] = 0;   /* None */
            row_to_rgb(px, row + 1, p->width);
            len += row_bytes;
        }
        p->adler = isal_adler32((uint32_t)p->adler, batch, len);   /* zlib's adler32, vectorised */
        p->raw += len;
        for (int i = 0; i < n; i++) stream_feed(&streams[i], batch, len, y >= p->y1, p->last);
    }
}

static void *deflate_part(void *arg)
{
    png_part *p = arg;
    size_t row_bytes = (size_t)p->width * 3 + 1, rows_per_batch = PNG_BATCH / row_bytes + 1;
    /* ISA-L reads ahead of the input it is given, and what it finds there
     * steers its choice of matches (never the data): past the end of a
     * batch allocated to the byte, it read whatever the heap held, and the
     * same image deflated to other bytes from run to run.  So the batch
     * has a zeroed margin. */
    unsigned char *batch = calloc(rows_per_batch * row_bytes + PNG_READ_AHEAD, 1);
    /* The streams' structures, PNG_STREAM_SPACING apart: each in windows
     * of its own.  Only those used are touched. */
    unsigned char *structs = malloc(PNG_STREAMS * PNG_STREAM_SPACING);
    part_stream s[PNG_STREAMS];
    memset(s, 0, sizeof s);
    if (!batch || !structs) {
        p->failed = 1;
        goto done;
    }
    for (int i = 0; i < 2; i++) stream_start(&s[i], structs + (size_t)i * PNG_STREAM_SPACING);
    deflate_rows(p, batch, s, 2);
    int chosen = 0;
    if (!same_stream(&s[0], &s[1]) && !s[0].failed && !s[1].failed) {
        stream_start(&s[2], structs + 2 * PNG_STREAM_SPACING);
        deflate_rows(p, batch, &s[2], 1);
        chosen = same_stream(&s[2], &s[1]) ? 1 : 0;   /* with the third, or the first when all differ */
    }
    p->failed = s[0].failed || s[1].failed || s[2].failed;
    if (!p->failed) {
        p->out = s[chosen].out;
        p->len = s[chosen].len;
        s[chosen].out = NULL;
    }
done:
    for (int i = 0; i < PNG_STREAMS; i++) stream_end(&s[i]);
    free(structs);
    free(batch);
    return NULL;
}

typedef struct png_job {
    sink *out;
    jmp_buf jmp;
    char why[200];
} png_job;

static void png_write_data(png_structp png, png_bytep data, size_t length)
{
    png_job *job = png_get_io_ptr(png);
    sink_put(job->out, data, length);
    if (job->out->failed) png_error(png, "write failed");
}

static void png_flush_data(png_structp png)
{
    (void)png;
}

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_job *job = png_get_error_ptr(png);
    snprintf(job->why, sizeof job->why, "%s", msg ? msg : "libpng error");
    longjmp(job->jmp, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Encode the RGB24 image `img` into `out`, stating `dpi` when it is
 * positive.  0, or -1 with `why` set (out->failed for a write error). */
static int encode_png(cairo_surface_t *img, double dpi, sink *out, char *why, size_t size)
{
    cairo_surface_flush(img);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    png_part parts[2];
    int nparts = h >= PNG_SPLIT_ROWS ? 2 : 1;
    memset(parts, 0, sizeof parts);
    for (int i = 0; i < nparts; i++) {
        parts[i].data = cairo_image_surface_get_data(img);
        parts[i].stride = cairo_image_surface_get_stride(img);
        parts[i].width = w;
        parts[i].y0 = (int)((long)h * i / nparts);
        parts[i].y1 = (int)((long)h * (i + 1) / nparts);
        parts[i].last = i == nparts - 1;
    }
    int threaded = nparts == 2 && pthread_create(&parts[1].thread, NULL, deflate_part, &parts[1]) == 0;
    deflate_part(&parts[0]);
    if (threaded) pthread_join(parts[1].thread, NULL);
    else if (nparts == 2) deflate_part(&parts[1]);
    /* One zlib stream: the header (deflate, 32K window, fastest), the
     * parts, the Adler-32 of all the filtered rows. */
    uLong adler = parts[0].adler;
    for (int i = 1; i < nparts; i++) adler = adler32_combine(adler, parts[i].adler, (z_off_t)parts[i].raw);
    const unsigned char header[2] = { 0x78, 0x01 };
    const unsigned char trailer[4] = { (unsigned char)(adler >> 24), (unsigned char)(adler >> 16),
                                       (unsigned char)(adler >> 8), (unsigned char)adler };
    png_job job;
    memset(&job, 0, sizeof job);
    job.out = out;
    png_structp png = NULL;
    png_infop info = NULL;
    int failed = parts[0].failed || parts[1].failed;
    if (!failed) png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job, png_on_error, png_on_warning);
    if (png) info = png_create_info_struct(png);
    if (!png || !info) {
        if (png) png_destroy_write_struct(&png, NULL);
        for (int i = 0; i < nparts; i++) free(parts[i].out);
        snprintf(why, size, "out of memory");
        return -1;
    }
    if (setjmp(job.jmp)) {
        png_destroy_write_struct(&png, &info);
        for (int i = 0; i < nparts; i++) free(parts[i].out);
        snprintf(why, size, "%s", job.why);
        return -1;
    }
    png_set_write_fn(png, &job, png_write_data, png_flush_data);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (dpi > 0) {
        png_uint_32 ppm = (png_uint_32)lround(dpi / 0.0254);
        png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    }
    png_write_info(png, info);
    /* IDAT chunks of at most 1 MB, as readers expect them. */
    static const png_byte idat[5] = "IDAT", iend[5] = "IEND";
    png_write_chunk(png, idat, header, 2);
    for (int i = 0; i < nparts; i++)
        for (size_t at = 0; at < parts[i].len; at += 1 << 20) {
            size_t n = parts[i].len - at < (size_t)1 << 20 ? parts[i].len - at : (size_t)1 << 20;
            png_write_chunk(png, idat, parts[i].out + at, n);
        }
    png_write_chunk(png, idat, trailer, 4);
    png_write_chunk(png, iend, NULL, 0);
    png_destroy_write_struct(&png, &info);
    for (int i = 0; i < nparts; i++) free(parts[i].out);
    return 0;
}

/* One output pixel's share of the source along an axis: source pixels
 * first .. last, each weighted by how much of it the footprint covers
 * (whole ones by `one`, the first and last by their share of `one`);
 * `sum` is the weights' total. */
typedef struct footprint {
    int first, last;
    uint32_t w_first, w_last, one, sum;
} footprint;

static void footprints(footprint *f, int n_out, int n_in, int bits)
{
    double scale = (double)n_in / n_out, one = (double)(1u << bits);
    for (int o = 0; o < n_out; o++) {
        double a = o * scale, b = (o + 1) * scale;
        int first = (int)floor(a), last = (int)ceil(b) - 1;
        if (last >= n_in) last = n_in - 1;
        if (last < first) last = first;
        f[o].first = first;
        f[o].last = last;
        f[o].one = 1u << bits;
        f[o].w_first = (uint32_t)lround(one * (first == last ? b - a : (first + 1) - a));
        f[o].w_last = first == last ? f[o].w_first : (uint32_t)lround(one * (b - last));
        f[o].sum = first == last ? f[o].w_first : f[o].w_first + f[o].w_last + (uint32_t)(last - first - 1) * f[o].one;
    }
}

/* acc[i] = w * row[i], and acc[i] += w * row[i], over n bytes. */
ROW_LOOP static void row_set(uint32_t *restrict acc, const unsigned char *restrict row, uint32_t w, size_t n)
{
    for (size_t i = 0; i < n; i++) acc[i] = w * row[i];
}

ROW_LOOP static void row_add(uint32_t *restrict acc, const unsigned char *restrict row, uint32_t w, size_t n)
{
    for (size_t i = 0; i < n; i++) acc[i] += w * row[i];
}

/* Four lanes, one a pixel's four bytes: int32 sums, and the doubles
 * they are weighed in (GCC and clang vectors, which each target builds
 * as its widest registers allow). */
typedef int32_t lanes_i32 __attribute__((vector_size(16)));
typedef double lanes_f64 __attribute__((vector_size(32)));
typedef unsigned char lanes_u8 __attribute__((vector_size(4)));

/* Column x's four sums. */
static lanes_i32 column_at(const uint32_t *acc, int x)
{
    lanes_i32 v;
    memcpy(&v, acc + 4 * (size_t)x, sizeof v);
    return v;
}

/* One thumbnail row from `acc`, the source rows under it summed (each
 * byte of a pixel apart): each pixel the weighted mean of the columns
 * under it, over `sum_y`, the rows' weights.  The columns wholly under a
 * pixel all weigh 2^bits, so they are summed, then scaled, rather than
 * each multiplied.  Every sum fits in an int32 lane (scaled_copy picks
 * `bits` so), and every weighted sum is below 2^53, so the doubles hold
 * them exactly: the pixel is the exact weighted sum times 1/weights,
 * rounded. */
ROW_LOOP static void row_shrink(const uint32_t *restrict acc, const footprint *restrict fx, int width, int bits,
                                double sum_y, unsigned char *restrict out)
{
    const double one = (double)(1u << bits);
    for (int x = 0; x < width; x++) {
        const footprint *g = &fx[x];
        lanes_f64 c = __builtin_convertvector(column_at(acc, g->first), lanes_f64) * (double)g->w_first;
        if (g->last > g->first) {
            lanes_i32 mid = { 0, 0, 0, 0 };
            for (int sx = g->first + 1; sx < g->last; sx++) mid += column_at(acc, sx);
            c += __builtin_convertvector(mid, lanes_f64) * one +
                 __builtin_convertvector(column_at(acc, g->last), lanes_f64) * (double)g->w_last;
        }
        /* Rounded (c >= 0), and at most 255: c is at most 255 times the
         * weights' total, so the mean is at most 255 (one rounding
         * above it at most) and the truncation of it plus 0.5 is 255. */
        lanes_f64 v = c * (1.0 / ((double)g->sum * sum_y)) + 0.5;
        lanes_u8 b = __builtin_convertvector(__builtin_convertvector(v, lanes_i32), lanes_u8);
        memcpy(out + 4 * (size_t)x, &b, sizeof b);
    }
}

/* `img` scaled to `width` pixels (the image's own width when `width` is
 * under 16 or over it), the height keeping the aspect, or NULL when out
 * of memory: each pixel the mean of the source pixels under it, weighted
 * by the share of each it covers (a box filter over the whole footprint,
 * so hairlines do not alias).  Done here rather than by cairo: pixman's
 * filter for this took as long as drawing the page.  Weights are fixed
 * point, in 1/2^bits, and each byte of a pixel is averaged alike (the
 * unused one of RGB24 too), so the inner loop is a multiply-add over
 * bytes that the compiler vectorises. */
static cairo_surface_t *scaled_copy(cairo_surface_t *img, int width)
{
    cairo_surface_flush(img);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    if (width < 16 || width > w) width = w;
    int th = (int)lround((double)h * width / w);
    if (th < 1) th = 1;
    /* The sum of weighted bytes under a pixel, less its first and last
     * columns, must fit in an int32 (row_shrink):
     * (columns + 1) * (rows + 1) * 255 * 2^bits < 2^31. */
    int bits = 16;
    double under = (ceil((double)w / width) + 1) * (ceil((double)h / th) + 1);
    while (bits > 1 && under * 255.0 * (double)(1u << bits) >= 2147483647.0) bits--;
    cairo_surface_t *thumb = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, th);
    footprint *fx = malloc((size_t)width * sizeof *fx), *fy = malloc((size_t)th * sizeof *fy);
    uint32_t *acc = malloc((size_t)w * 4 * sizeof *acc);
    if (cairo_surface_status(thumb) != CAIRO_STATUS_SUCCESS || !fx || !fy || !acc) {
        cairo_surface_destroy(thumb);
        free(fx);
        free(fy);
        free(acc);
        return NULL;
    }
    footprints(fx, width, w, bits);
    footprints(fy, th, h, bits);
    const unsigned char *src = cairo_image_surface_get_data(img);
    int src_stride = cairo_image_surface_get_stride(img);
    unsigned char *dst = cairo_image_surface_get_data(thumb);
    int dst_stride = cairo_image_surface_get_stride(thumb);
    size_t nbytes = (size_t)w * 4;
    for (int y = 0; y < th; y++) {
        /* The rows under output row y, summed byte by byte, one pass
         * over each: the first sets the sums (times its weight), the rows
         * wholly under it add theirs times 2^bits, the last its own times
         * its weight. */
        const footprint *f = &fy[y];
        const unsigned char *row = src + (size_t)f->first * (size_t)src_stride;
        row_set(acc, row, f->w_first, nbytes);
        for (int sy = f->first + 1; sy < f->last; sy++)
            row_add(acc, src + (size_t)sy * (size_t)src_stride, f->one, nbytes);
        if (f->last > f->first) row_add(acc, src + (size_t)f->last * (size_t)src_stride, f->w_last, nbytes);
        row_shrink(acc, fx, width, bits, (double)fy[y].sum, dst + (size_t)y * (size_t)dst_stride);
    }
    cairo_surface_mark_dirty(thumb);
    free(fx);
    free(fy);
    free(acc);
    return thumb;
}

/* A thumbnail of `img` into the file being written by `a`. */
static int put_thumbnail(cairo_surface_t *img, int width, wm_atomic *a, wm_error *err)
{
    FILE *fp = wm_atomic_stream(a, err);
    if (!fp) return -1;
    cairo_surface_t *thumb = scaled_copy(img, width);
    if (!thumb) return wm_error_set(err, WM_EXIT_IO, "%s: cannot write the thumbnail (out of memory)", wm_atomic_target(a));
    sink k = { fp, 0, 0 };
    char why[200];
    int rc = encode_png(thumb, 0, &k, why, sizeof why);
    cairo_surface_destroy(thumb);
    if (rc != 0 || k.failed)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot write the thumbnail (%s)", wm_atomic_target(a),
                            k.failed ? strerror(k.err ? k.err : EIO) : why);
    return 0;
}

/* An RGB24 image of wpx x hpx for a page to be drawn on, its pixels not
 * cleared: `draw` paints the page's background over every pixel first
 * (output.h), so cairo's zeroing of a page's 35 MB (A4 at 300 dpi) would
 * be a pass over memory for nothing, 2% of a figure set's time.  NULL
 * when out of memory. */
static const cairo_user_data_key_t page_pixels_key;

static cairo_surface_t *page_image(int wpx, int hpx)
{
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, wpx);
    unsigned char *pixels = stride > 0 ? malloc((size_t)stride * (size_t)hpx) : NULL;
    if (!pixels) return NULL;
    wm_huge_pages_advise(pixels, (size_t)stride * (size_t)hpx);
    cairo_surface_t *img = cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_RGB24, wpx, hpx, stride);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_set_user_data(img, &page_pixels_key, pixels, free) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        free(pixels);
        return NULL;
    }
    return img;
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
    cairo_surface_t *surface = page_image(wpx, hpx);
    if (!surface) return wm_error_set(err, WM_EXIT_IO, "%s: cannot make a %dx%d image (out of memory)", path, wpx, hpx);
    cairo_t *cr = cairo_create(surface);
    cairo_scale(cr, (double)wpx / w->width_pt, (double)hpx / w->height_pt);
    int rc = w->draw(cr, w->page, err);
    cairo_destroy(cr);
    if (rc != 0) {
        cairo_surface_destroy(surface);
        wm_error_prefix(err, "%s", path);
        return -1;
    }
    sink out = { fp, 0, 0 };
    char why[200];
    rc = encode_png(surface, w->dpi, &out, why, sizeof why);
    if (rc != 0) {
        if (out.failed) rc = write_failed(path, &out, CAIRO_STATUS_WRITE_ERROR, err);
        else wm_error_set(err, WM_EXIT_IO, "%s: cannot encode PNG (%s)", path, why);
    }
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

/* ---- SVG: the map's areas, written directly ------------------------------- */

/* cairo's SVG surface writes every coordinate of a path twice (fill and
 * stroke) with a style on each element, and at national scale spends
 * most of its time doing so.  The areas are written here instead, one
 * path per area with the fill on a group, and the outlines of areas
 * that have them as one path per width, coordinates to 0.01 pt,
 * relative after each ring's first point; cairo draws everything else
 * (text, legend, overlay, labels, furniture) into a document of its own
 * that is nested whole as an <svg> element above the areas, the order in
 * which the page is drawn (draw.h). */

typedef struct svg_buf {
    FILE *fp;
    char b[65536];
    size_t n;
} svg_buf;

/* After a failed write nothing more is written (the caller sees ferror). */
static void sb_flush(svg_buf *w)
{
    if (w->n && !ferror(w->fp)) fwrite(w->b, 1, w->n, w->fp);
    w->n = 0;
}

static void sb_put(svg_buf *w, const char *t, size_t n)
{
    if (w->n + n > sizeof w->b) sb_flush(w);
    if (n > sizeof w->b) {
        if (!ferror(w->fp)) fwrite(t, 1, n, w->fp);
        return;
    }
    memcpy(w->b + w->n, t, n);
    w->n += n;
}

static void sb_str(svg_buf *w, const char *t)
{
    sb_put(w, t, strlen(t));
}

/* `v` hundredths as a decimal: 12345 -> "123.45", -5 -> "-0.05", 120 -> "1.2". */
static void sb_num(svg_buf *w, long v)
{
    char t[32];
    sb_put(w, t, wm_svg_decimal(t, v, 2));
}

/* For svg_text.h's writers. */
static void sb_put_cb(void *ctx, const char *s, size_t n)
{
    sb_put(ctx, s, n);
}

static void sb_colour(svg_buf *w, wm_rgb c)
{
    char t[8];
    snprintf(t, sizeof t, "#%02x%02x%02x", (int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255));
    sb_put(w, t, 7);
}

/* Path data, "M x y l dx dy ... z", coordinates in hundredths of a point,
 * relative after each line's first point: a pen (shapes.h) for whole
 * areas (sb_area) and for outlines. */
typedef struct svg_pen {
    svg_buf *w;
    long x, y;     /* the last point written, hundredths */
    int first;     /* no relative step written since the move */
} svg_pen;

static void svg_move(void *ctx, double x, double y)
{
    svg_pen *pn = ctx;
    pn->x = lround(x * 100);
    pn->y = lround(y * 100);
    sb_put(pn->w, "M", 1);
    sb_num(pn->w, pn->x);
    sb_put(pn->w, " ", 1);
    sb_num(pn->w, pn->y);
    sb_put(pn->w, "l", 1);
    pn->first = 1;
}

static void svg_line(void *ctx, double x, double y)
{
    svg_pen *pn = ctx;
    long nx = lround(x * 100), ny = lround(y * 100), dx = nx - pn->x, dy = ny - pn->y;
    if (!pn->first && dx >= 0) sb_put(pn->w, " ", 1);
    sb_num(pn->w, dx);
    if (dy >= 0) sb_put(pn->w, " ", 1);
    sb_num(pn->w, dy);
    pn->x = nx;
    pn->y = ny;
    pn->first = 0;
}

static void svg_close(void *ctx)
{
    svg_pen *pn = ctx;
    sb_put(pn->w, "z", 1);
}

/* Area i's rings as path data. */
static void sb_area(svg_buf *w, const wm_shapes *S, size_t i)
{
    svg_pen pn = { w, 0, 0, 0 };
    const wm_shapes_pen pen = { svg_move, svg_line, svg_close, &pn };
    wm_shapes_rings(S, i, &pen);
}

static int same_rgb(wm_rgb a, wm_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* The areas of every panel: per panel, clipped to its frame, the areas
 * grouped by colour, the hatching of No data, then the outlines. */
static void svg_areas(svg_buf *w, const wm_layout *L)
{
    const wm_style *st = L->style;
    char t[400];
    double hs = 3.2 * L->scale;
    snprintf(t, sizeof t,
             "<defs><pattern id=\"wm-hatch\" patternUnits=\"userSpaceOnUse\" width=\"%.2f\" height=\"%.2f\">"
             "<path d=\"M-1 %.2fL%.2f -1M%.2f %.2fL%.2f %.2f\" stroke=\"", hs, hs, hs + 1, hs + 1, hs - 1, 2 * hs + 1,
             2 * hs + 1, hs - 1);
    sb_str(w, t);
    sb_colour(w, st->muted_ink);
    snprintf(t, sizeof t, "\" stroke-width=\"%.2f\"/></pattern>", 0.45 * L->scale);
    sb_str(w, t);
    for (int pi = 0; pi < L->npanels; pi++) {
        const wm_box f = L->panel[pi].frame;
        snprintf(t, sizeof t, "<clipPath id=\"wm-frame%d\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>"
                 "</clipPath>", pi + 1, f.x, f.y, f.w, f.h);
        sb_str(w, t);
    }
    sb_str(w, "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"");
    sb_colour(w, st->background);
    sb_str(w, "\"/>\n");
    for (int pi = 0; pi < L->npanels; pi++) {
        const wm_panel_layout *p = &L->panel[pi];
        const wm_shapes *S = &p->areas;
        const wm_map *map = p->map;
        unsigned char *done = calloc(S->n ? S->n : 1, 1);
        if (!done) continue;
        snprintf(t, sizeof t, "<g clip-path=\"url(#wm-frame%d)\" fill-rule=\"evenodd\" stroke-linejoin=\"bevel\">\n",
                 pi + 1);
        sb_str(w, t);
        /* The fills by colour, No data's hatching, then the outlines: one
         * path per width, widest first, a boundary two areas share
         * drawn by one of them (shapes.h), as in the PNG and PDF. */
        for (size_t i = 0; i < S->n; i++) {
            if (done[i]) continue;
            wm_rgb c = wm_map_colour(map, i);
            sb_str(w, "<g fill=\"");
            sb_colour(w, c);
            sb_str(w, "\">\n");
            for (size_t j = i; j < S->n; j++) {
                if (done[j] || !same_rgb(wm_map_colour(map, j), c)) continue;
                done[j] = 1;
                sb_str(w, "<path d=\"");
                sb_area(w, S, j);
                sb_str(w, "\"/>\n");
            }
            sb_str(w, "</g>\n");
        }
        if (st->nodata_hatch) {
            int any = 0;
            for (size_t i = 0; i < S->n; i++) {
                if (!wm_map_is_nodata(map, i)) continue;
                if (!any) sb_str(w, "<g fill=\"url(#wm-hatch)\">\n");
                any = 1;
                sb_str(w, "<path d=\"");
                sb_area(w, S, i);
                sb_str(w, "\"/>\n");
            }
            if (any) sb_str(w, "</g>\n");
        }
        for (double wd = INFINITY; (wd = wm_shapes_next_width(S, wd, NULL)) > 0;) {
            sb_str(w, "<path fill=\"none\" stroke=\"");
            sb_colour(w, st->area_outline);
            snprintf(t, sizeof t, "\" stroke-opacity=\"%g\" stroke-width=\"%.3f\" d=\"", st->area_outline_opacity, wd);
            sb_str(w, t);
            svg_pen sp = { w, 0, 0, 0 };
            const wm_shapes_pen pen = { svg_move, svg_line, svg_close, &sp };
            for (size_t i = 0; i < S->n; i++)
                if (S->outline[i] == wd) wm_shapes_outline(S, i, &pen);
            sb_str(w, "\"/>\n");
        }
        sb_str(w, "</g>\n");
        free(done);
    }
}

/* cairo's part (`text`, `n` bytes), each text marker (svg_text.h) replaced
 * by its run. */
static void svg_cairo_part(svg_buf *w, const wm_svg_text *t, const char *text, size_t n)
{
    const char *p = text, *e = text + n;
    size_t len, k;
    for (const char *m; (m = wm_svg_text_marker(t, p, e, &len, &k)) != NULL; p = m + len) {
        sb_put(w, p, (size_t)(m - p));
        wm_svg_text_run(t, k, sb_put_cb, w);
    }
    sb_put(w, p, (size_t)(e - p));
}

/* The SVG document: our root, the areas, the text's glyph outlines, then
 * cairo's document (`doc`, `len` bytes) nested as an <svg> of the page's
 * size, without its XML declaration, with the text `t` recorded in it. */
static void svg_document(FILE *fp, const wm_layout *L, const wm_svg_text *text, const char *doc, size_t len)
{
    svg_buf *w = malloc(sizeof *w);
    if (!w) {
        fputs("", fp);
        return;
    }
    w->fp = fp;
    w->n = 0;
    char t[400];
    snprintf(t, sizeof t,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
             "width=\"%gpt\" height=\"%gpt\" viewBox=\"0 0 %g %g\" version=\"1.2\">\n",
             L->width, L->height, L->width, L->height);
    sb_str(w, t);
    svg_areas(w, L);
    wm_svg_text_defs(text, sb_put_cb, w);
    /* cairo's root element, given the page's size in user units. */
    const char *root = len ? strstr(doc, "<svg") : NULL;   /* open_memstream ends it with a NUL */
    const char *end = root ? memchr(root, '>', len - (size_t)(root - doc)) : NULL;
    if (root && end) {
        snprintf(t, sizeof t, "<svg x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" overflow=\"visible\">",
                 L->width, L->height, L->width, L->height);
        sb_str(w, t);
        svg_cairo_part(w, text, end + 1, len - (size_t)(end + 1 - doc));
    }
    sb_str(w, "</svg>\n");
    sb_flush(w);
    free(w);
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
    /* A figure's SVG: its areas written directly (svg_areas), cairo's part
     * kept in memory and nested above them.  Other pages are cairo's alone. */
    const wm_layout *L = fmt == WM_FORMAT_SVG ? w->layout : NULL;
    char *doc = NULL;
    size_t doc_len = 0;
    FILE *mem = NULL;
    if (L) {
        mem = open_memstream(&doc, &doc_len);
        if (!mem) return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", path);
        ids.out.fp = mem;
    }
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
    /* A figure's text is written by svg_text.h; without a recorder
     * (out of memory) cairo writes it. */
    wm_svg_text *text = L ? wm_svg_text_new() : NULL;
    if (text && wm_svg_text_attach(cr, text) != 0) {
        wm_svg_text_free(text);
        text = NULL;
    }
    int rc = L ? wm_draw_page_with(cr, L, WM_DRAW_NO_AREAS, err) : w->draw(cr, w->page, err);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    sink file = { fp, 0, 0 };
    if (fmt == WM_FORMAT_SVG && !L) {
        ids_finish(&ids);
        file = ids.out;
    } else if (fmt == WM_FORMAT_SVG) {
        ids_finish(&ids);
        int mem_failed = fclose(mem) != 0 || ids.out.failed;
        if (rc == 0 && st == CAIRO_STATUS_SUCCESS && !mem_failed) {
            svg_document(fp, L, text, doc, doc_len);
            if (ferror(fp)) {
                file.failed = 1;
                file.err = errno;
            }
        } else if (mem_failed) {
            file.failed = 1;
            file.err = ENOMEM;
        }
        free(doc);
    }
    wm_svg_text_free(text);
    const sink *out = fmt == WM_FORMAT_SVG ? &file : &pdf;
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
                         draw_layout, L, NULL, 0, L };
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
