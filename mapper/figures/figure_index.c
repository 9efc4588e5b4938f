#include "figure_index.h"
#include "atomic.h"
#include "home.h"
#include "text_table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* An SVG larger than this is linked rather than embedded. */
#define EMBED_SVG_MAX (8L * 1024 * 1024)


/* A relative path as an href: escaped, with characters URLs reserve
 * percent-encoded. */
static void href(FILE *fp, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c == '"' || c == '#' || c == '%' || c == '?' || c == '<' || c == '>' ||
            c == '&' || c >= 0x7f)
            fprintf(fp, "%%%02X", c);
        else
            fputc(c, fp);
    }
}

static const char *ext_of(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The first output with extension `ext` that exists, or -1. */
static long find_output(const wm_recipe_job *job, const char *ext)
{
    for (size_t i = 0; i < job->noutputs; i++)
        if (strcasecmp(ext_of(job->outputs[i]), ext) == 0 && exists(job->outputs[i])) return (long)i;
    return -1;
}

/* Copy SVG text with every id, and every reference to one, given the
 * prefix: cairo names its glyphs "glyph0-1" in every file, and two SVGs
 * in one page would otherwise draw each other's glyphs. */
static void put_svg_prefixed(FILE *fp, const char *svg, const char *prefix)
{
    static const char *const marks[] = { " id=\"", "href=\"#", "url(#", NULL };
    const char *p = svg;
    while (*p) {
        int hit = -1;
        for (int m = 0; marks[m] && hit < 0; m++)
            if (strncmp(p, marks[m], strlen(marks[m])) == 0) hit = m;
        if (hit < 0) {
            fputc(*p++, fp);
            continue;
        }
        fputs(marks[hit], fp);
        fprintf(fp, "%s-", prefix);
        p += strlen(marks[hit]);
    }
}

static void write_svg_inline(FILE *fp, const char *path, const char *alt, const char *prefix)
{
    FILE *in = fopen(path, "rb");
    if (!in) return;
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *buf = size > 0 && size <= EMBED_SVG_MAX ? malloc((size_t)size + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)size, in) == (size_t)size) {
        buf[size] = '\0';
        /* The XML declaration and any DOCTYPE have no place inside HTML. */
        const char *svg = strstr(buf, "<svg");
        if (svg) {
            fputs("<figure class=\"svg\" role=\"img\" aria-label=\"", fp);
            wm_html_text(fp, alt);
            fputs("\">\n", fp);
            put_svg_prefixed(fp, svg, prefix);
            fputs("\n</figure>\n", fp);
        }
    }
    free(buf);
    fclose(in);
}

/* An input file as a reader knows it: relative to the home when inside. */
static const char *home_relative(const char *path)
{
    const char *home = wm_home();
    size_t n = strlen(home);
    if (strncmp(path, home, n) == 0 && path[n] == '/') return path + n + 1;
    return path;
}

/* What the item's operation used: the sources of its figures (stored
 * indicators, sources named in the recipe), then every file it read. */
static void write_sources(FILE *fp, const wm_figureset_item *it)
{
    const wm_report *rep = &it->result.report;
    if (rep->nsources + rep->ninputs == 0) return;
    fputs("<ul class=\"sources\">\n", fp);
    for (size_t i = 0; i < rep->nsources; i++) {
        fputs("<li>", fp);
        wm_html_text(fp, rep->sources[i]);
        fputs("</li>\n", fp);
    }
    for (size_t i = 0; i < rep->ninputs; i++) {
        fputs("<li>File <code>", fp);
        wm_html_text(fp, home_relative(rep->inputs[i]));
        fputs("</code></li>\n", fp);
    }
    fputs("</ul>\n", fp);
}

/* The item's heading: its title, else its legend title, else its name
 * as words ("ward_indicators" -> "Ward indicators"). */
static const char *item_title(const wm_figureset_item *it, char *buf, size_t size)
{
    const char *t = wm_recipe_get(it->section, "title");
    if (!t || !*t) t = wm_recipe_get(it->section, "legend-title");
    if (t && *t) return t;
    snprintf(buf, size, "%s", it->section->name);
    for (char *p = buf; *p; p++)
        if (*p == '_' || *p == '-') *p = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z') buf[0] = (char)(buf[0] - 'a' + 'A');
    return buf;
}

static const char *state_word(wm_item_state s)
{
    switch (s) {
    case WM_ITEM_MADE: return "made";
    case WM_ITEM_UP_TO_DATE: return "up to date";
    case WM_ITEM_FAILED: return "failed";
    case WM_ITEM_NOT_POSSIBLE: return "not possible with this area's data";
    default: return "not run";
    }
}

static void write_item(FILE *fp, const wm_figureset_item *it)
{
    const wm_recipe_section *s = it->section;
    char name_words[160];
    const char *title = item_title(it, name_words, sizeof name_words);
    fprintf(fp, "<section id=\"%s\" class=\"%s\">\n<h2>", s->name, wm_recipe_kind_name(s->kind));
    wm_html_text(fp, title);
    fputs("</h2>\n", fp);
    const char *sub = wm_recipe_get(s, "subtitle");
    if (sub && *sub) { fputs("<p class=\"subtitle\">", fp); wm_html_text(fp, sub); fputs("</p>\n", fp); }

    if (it->state == WM_ITEM_FAILED) {
        fputs("<p class=\"failed\">Not made: ", fp);
        wm_html_text(fp, it->err.msg);
        fputs("</p>\n", fp);
    } else if (it->state == WM_ITEM_NOT_POSSIBLE) {
        fputs("<p class=\"warning\">Not made for this area, whose data cannot make it (the recipe marks it "
              "optional): ", fp);
        wm_html_text(fp, it->err.msg);
        fputs("</p>\n", fp);
    } else {
        const wm_report *rep = &it->result.report;
        for (size_t i = 0; i < rep->n; i++) {
            if (rep->lines[i].kind != WM_REPORT_WARNING) continue;
            fputs("<p class=\"warning\">Warning: ", fp);
            wm_html_text(fp, rep->lines[i].text);
            fputs("</p>\n", fp);
        }
        long png = find_output(&it->job, "png"), svg = find_output(&it->job, "svg");
        if (png >= 0) {
            fputs("<figure><img src=\"", fp);
            href(fp, it->job.output_names[png]);
            fputs("\" alt=\"", fp);
            wm_html_text(fp, title);
            fputs("\"></figure>\n", fp);
        } else if (svg >= 0) {
            write_svg_inline(fp, it->job.outputs[svg], title, s->name);
        }
        if (it->result.table) wm_text_table_write_html(it->result.table, fp);
    }
    const char *caption = wm_recipe_get(s, "caption");
    if (caption && *caption) { fputs("<p class=\"caption\">", fp); wm_html_text(fp, caption); fputs("</p>\n", fp); }
    write_sources(fp, it);
    fputs("<p class=\"files\">", fp);
    for (size_t i = 0; i < it->job.noutputs; i++) {
        if (i) fputs(" &middot; ", fp);
        if (exists(it->job.outputs[i]) && it->state != WM_ITEM_FAILED) {
            fputs("<a href=\"", fp);
            href(fp, it->job.output_names[i]);
            fputs("\">", fp);
            wm_html_text(fp, it->job.output_names[i]);
            fputs("</a>", fp);
        } else {
            wm_html_text(fp, it->job.output_names[i]);
        }
    }
    fputs("</p>\n</section>\n", fp);
}

static const char *style_sheet =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}\n"
    "h1{font-size:1.6em}h2{font-size:1.3em;margin-top:2.5em;border-top:1px solid #ccc;padding-top:1em}\n"
    "figure{margin:1em 0}figure img,figure svg{max-width:100%;height:auto;border:1px solid #ddd}\n"
    ".subtitle{color:#555;margin-top:-.5em}.caption{font-style:italic}\n"
    ".sources{font-size:.9em;color:#444}.files{font-size:.9em}\n"
    ".failed{color:#a00;font-weight:bold}.state-failed{color:#a00}\n"
    ".warning{color:#8a5300}.state-warning{color:#8a5300}\n"
    ".table{overflow-x:auto}table{border-collapse:collapse;font-size:.85em;margin:1em 0}\n"
    "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f2f2f2}\n"
    "footer{margin-top:3em;border-top:1px solid #ccc;font-size:.85em;color:#555}\n";

static int write_page(FILE *fp, const wm_recipe *r, const wm_figureset_result *res)
{
    const char *title = r->title ? r->title : "Figure set";
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", fp);
    wm_html_text(fp, title);
    fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", style_sheet);
    wm_html_text(fp, title);
    fputs("</h1>\n", fp);
    if (r->description) { fputs("<p>", fp); wm_html_text(fp, r->description); fputs("</p>\n", fp); }
    fputs("<p class=\"files\">Made by wardmap from the recipe <code>", fp);
    wm_html_text(fp, home_relative(r->path));
    fputs("</code>", fp);
    for (size_t i = 0; i < r->doc->nfiles; i++) {
        fputs(i ? " and <code>" : ", which includes <code>", fp);
        wm_html_text(fp, home_relative(r->doc->files[i]));
        fputs("</code>", fp);
    }
    fprintf(fp, ": %zu items", res->n);
    if (res->failed) fprintf(fp, ", <span class=\"state-failed\">%zu failed</span>", res->failed);
    if (res->not_possible)
        fprintf(fp, ", <span class=\"state-warning\">%zu not possible with this area's data</span>", res->not_possible);
    if (res->warned)
        fprintf(fp, ", <span class=\"state-warning\">%zu made with warnings</span>", res->warned);
    fputs(".</p>\n<nav><ol>\n", fp);
    for (size_t i = 0; i < res->n; i++) {
        const wm_figureset_item *it = &res->items[i];
        char name_words[160];
        fprintf(fp, "<li><a href=\"#%s\">", it->section->name);
        wm_html_text(fp, item_title(it, name_words, sizeof name_words));
        int warned = it->state == WM_ITEM_MADE && wm_figureset_item_warnings(it) > 0;
        fprintf(fp, "</a> <span class=\"state-%s\">(%s %s%s)</span></li>\n",
                it->state == WM_ITEM_FAILED ? "failed" : warned || it->state == WM_ITEM_NOT_POSSIBLE ? "warning" : "ok",
                wm_recipe_kind_name(it->section->kind), state_word(it->state), warned ? ", with warnings" : "");
    }
    fputs("</ol></nav>\n</header>\n<main>\n", fp);
    for (size_t i = 0; i < res->n; i++) write_item(fp, &res->items[i]);
    fputs("</main>\n", fp);
    if (r->attribution) {
        fputs("<footer>\n<p>", fp);
        wm_html_text(fp, r->attribution);
        fputs("</p>\n</footer>\n", fp);
    }
    fputs("</body>\n</html>\n", fp);
    return ferror(fp) ? -1 : 0;
}

typedef struct page_args {
    const wm_recipe *r;
    const wm_figureset_result *res;
} page_args;

static void write_page_to(FILE *fp, const void *ctx)
{
    const page_args *p = ctx;
    write_page(fp, p->r, p->res);
}

int wm_figure_index_write(const wm_recipe *r, const wm_figureset_result *res, const char *outdir, wm_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", outdir);
    page_args p = { r, res };
    return wm_atomic_write_with(path, write_page_to, &p, err);
}
