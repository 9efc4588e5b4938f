/* style.c -- read a style file into a wm_style (contract in style.h, format
 * in docs/styles.md).
 *
 * One table, `keys`, lists every key: its section, name, value type, the
 * wm_style field it sets and its allowed range.  Parsing, the "did you
 * mean" suggestions and wm_style_write all walk that table, so a new
 * field needs one line here (plus its default and its documentation).
 */
#include "style.h"
#include "sections.h"
#include "text.h"
#include "classify.h"
#include "home.h"
#include "paper.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest line and largest file a style may have: styles are short,
 * hand-written files; anything bigger is not one. */
#define LINE_MAX_CHARS 1024
#define FILE_MAX_BYTES (1 << 20)

typedef enum {
    T_PT,           /* a size or width: bare number = pt; pt, mm, cm, in accepted */
    T_MM,           /* a page length: bare number = mm; same units */
    T_FRACTION,     /* 0..1 style fraction: bare number, or a percentage "3%" */
    T_NUMBER,       /* a plain number */
    T_INT,          /* a whole number */
    T_COLOUR,       /* "#rrggbb" or "#rgb" */
    T_BOOL,         /* yes/no, true/false, on/off */
    T_TEXT,         /* free text (font family) */
    T_PAPER,        /* a paper name render.h knows */
    T_ORIENTATION,  /* landscape | portrait -> landscape flag */
    T_POSITION,     /* right | left | bottom -> wm_legend_position */
    T_METHOD,       /* a classify.h method name */
    T_PALETTE,      /* a ColorBrewer scheme name (checked with the class count) */
    T_FALLBACKS     /* comma list from shrink, wrap, leader, number, or "none" */
} value_type;

typedef struct key_def {
    const char *section;
    const char *name;
    value_type type;
    size_t offset, size;    /* the wm_style field */
    double lo, hi;          /* allowed range for numbers, in the stored unit */
} key_def;

#define FIELD(f) offsetof(wm_style, f), sizeof(((wm_style *)0)->f)

static const char *const sections[] = { "page", "text", "areas", "labels", "legend", "classes", NULL };

static const key_def keys[] = {
    { "page", "paper", T_PAPER, FIELD(paper), 0, 0 },
    { "page", "orientation", T_ORIENTATION, FIELD(landscape), 0, 0 },
    /* 1200 as --dpi: A3 at 1200 dpi is the largest page the PNG writer
     * makes (it refuses more than 400 million pixels). */
    { "page", "dpi", T_NUMBER, FIELD(dpi), 36, 1200 },
    { "page", "margin", T_MM, FIELD(margin_mm), 0, 50 },
    { "page", "padding", T_FRACTION, FIELD(map_padding), 0, 0.5 },

    { "text", "font", T_TEXT, FIELD(font), 0, 0 },
    { "text", "title-size", T_PT, FIELD(title_size), 2, 72 },
    { "text", "subtitle-size", T_PT, FIELD(subtitle_size), 2, 72 },
    { "text", "legend-title-size", T_PT, FIELD(legend_title_size), 2, 72 },
    { "text", "legend-text-size", T_PT, FIELD(legend_text_size), 2, 72 },
    { "text", "notes-size", T_PT, FIELD(notes_size), 2, 72 },
    { "text", "attribution-size", T_PT, FIELD(attribution_size), 2, 72 },
    { "text", "ink", T_COLOUR, FIELD(ink), 0, 0 },
    { "text", "muted-ink", T_COLOUR, FIELD(muted_ink), 0, 0 },
    { "text", "background", T_COLOUR, FIELD(background), 0, 0 },

    { "areas", "outline-colour", T_COLOUR, FIELD(area_outline), 0, 0 },
    { "areas", "outline-width", T_PT, FIELD(area_outline_width), 0, 20 },
    { "areas", "outline-opacity", T_FRACTION, FIELD(area_outline_opacity), 0, 1 },
    { "areas", "nodata-fill", T_COLOUR, FIELD(nodata_fill), 0, 0 },
    { "areas", "nodata-hatch", T_BOOL, FIELD(nodata_hatch), 0, 0 },
    { "areas", "overlay-outline-colour", T_COLOUR, FIELD(overlay_outline), 0, 0 },
    { "areas", "overlay-outline-width", T_PT, FIELD(overlay_outline_width), 0, 20 },
    { "areas", "boundary-width", T_PT, FIELD(boundary_width), 0, 20 },
    { "areas", "highlight-colour", T_COLOUR, FIELD(highlight_outline), 0, 0 },
    { "areas", "highlight-width", T_PT, FIELD(highlight_width), 0, 20 },
    { "areas", "mute-opacity", T_FRACTION, FIELD(mute_opacity), 0, 1 },

    { "labels", "size", T_PT, FIELD(label_size), 2, 72 },
    { "labels", "min-size", T_PT, FIELD(label_min_size), 2, 72 },
    { "labels", "bold", T_BOOL, FIELD(label_bold), 0, 0 },
    { "labels", "colour", T_COLOUR, FIELD(label_colour), 0, 0 },
    { "labels", "halo-colour", T_COLOUR, FIELD(label_halo), 0, 0 },
    { "labels", "halo-width", T_PT, FIELD(label_halo_width), 0, 20 },
    { "labels", "fallbacks", T_FALLBACKS, FIELD(label_fallbacks), 0, 0 },

    { "legend", "position", T_POSITION, FIELD(legend_position), 0, 0 },
    { "legend", "width", T_FRACTION, FIELD(legend_width), 0.1, 0.5 },
    { "legend", "counts", T_BOOL, FIELD(show_counts), 0, 0 },
    { "legend", "north-arrow", T_BOOL, FIELD(north_arrow), 0, 0 },
    { "legend", "scale-bar", T_BOOL, FIELD(scale_bar), 0, 0 },

    { "classes", "palette", T_PALETTE, FIELD(palette), 0, 0 },
    { "classes", "method", T_METHOD, FIELD(method), 0, 0 },
    { "classes", "count", T_INT, FIELD(classes), 1, 12 },
};
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const fallback_names[] = { "shrink", "wrap", "leader", "number", NULL };

void wm_style_defaults(wm_style *st)
{
    /* These are the values of styles/default.style (tests/test_style.c
     * checks that the two agree); they match what render.c drew before
     * styles existed. */
    memset(st, 0, sizeof *st);
    snprintf(st->name, sizeof st->name, "default");

    snprintf(st->paper, sizeof st->paper, "A4");
    st->landscape = 1;
    st->dpi = 200;
    st->margin_mm = 9.5;
    st->map_padding = 0.03;

    snprintf(st->font, sizeof st->font, "DejaVu Sans");
    st->title_size = 19;
    st->subtitle_size = 11;
    st->legend_title_size = 9.5;
    st->legend_text_size = 8.5;
    st->notes_size = 8;
    st->attribution_size = 6.5;
    wm_rgb_parse("#212121", &st->ink);
    wm_rgb_parse("#595959", &st->muted_ink);
    wm_rgb_parse("#ffffff", &st->background);

    wm_rgb_parse("#ffffff", &st->area_outline);
    st->area_outline_width = 0.25;
    st->area_outline_opacity = 0.75;
    wm_rgb_parse("#d9d9d9", &st->nodata_fill);
    st->nodata_hatch = 1;
    wm_rgb_parse("#212121", &st->overlay_outline);
    st->overlay_outline_width = 0.9;
    st->boundary_width = 1.6;
    wm_rgb_parse("#212121", &st->highlight_outline);
    st->highlight_width = 2.4;
    st->mute_opacity = 0.0;

    st->label_size = 7;
    st->label_min_size = 5.5;
    st->label_bold = 1;
    wm_rgb_parse("#212121", &st->label_colour);
    wm_rgb_parse("#ffffff", &st->label_halo);
    st->label_halo_width = 2.2;
    snprintf(st->label_fallbacks, sizeof st->label_fallbacks, "shrink,wrap,leader,number");

    st->legend_position = WM_LEGEND_RIGHT;
    st->legend_width = 0.27;
    st->show_counts = 1;
    st->north_arrow = 1;
    st->scale_bar = 1;

    snprintf(st->palette, sizeof st->palette, "YlOrRd");
    snprintf(st->method, sizeof st->method, "quantile");
    st->classes = 5;
}

/* ---- small text helpers ------------------------------------------------ */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
    return s;
}

/* Near enough to suggest: a typo or two, or a third of the word. */
static int is_near(const char *typed, const char *known, size_t *d)
{
    *d = wm_edit_distance(typed, known);
    size_t len = strlen(known);
    return *d <= 2 || *d * 3 <= len;
}

static const key_def *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if ((!section || strcmp(keys[i].section, section) == 0) && strcasecmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* ---- the parser ---------------------------------------------------------- */

typedef struct parser {
    const char *source;
    int line;
    const char *section;      /* current section (a `sections` entry), or NULL */
    int set_at[NKEYS];        /* line each key was set on, 0 if not set */
    wm_style st;
    wm_error *err;
} parser;

/* "FILE:LINE: key \"k\": what" -- every key error has this shape. */
static int key_error(parser *p, const key_def *k, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int key_error(parser *p, const key_def *k, const char *key, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int line = k ? p->set_at[k - keys] : 0;
    if (!line) line = p->line;
    return wm_error_set(p->err, WM_EXIT_DATA, "%s:%d: key \"%s\": %s", p->source, line,
                        k ? k->name : key, what);
}

static int line_error(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int line_error(parser *p, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return wm_error_set(p->err, WM_EXIT_DATA, "%s:%d: %s", p->source, p->line, what);
}

static int enter_section(parser *p, const wm_section *sec)
{
    char name[256];
    snprintf(name, sizeof name, "%s%s%s", sec->type, *sec->name ? " " : "", sec->name);
    p->line = sec->line;
    for (int i = 0; sections[i]; i++)
        if (strcasecmp(sections[i], name) == 0) {
            p->section = sections[i];
            return 0;
        }
    const char *best = NULL;
    size_t best_d = (size_t)-1, d;
    for (int i = 0; sections[i]; i++)
        if (is_near(name, sections[i], &d) && d < best_d) { best = sections[i]; best_d = d; }
    if (best) return line_error(p, "unknown section [%s]; did you mean [%s]?", name, best);
    return line_error(p, "unknown section [%s]; sections are [page], [text], [areas], [labels], "
                      "[legend] and [classes]", name);
}

/* The message for a key this section does not have: the nearest key in
 * this section, else the same (or a near) key in another section, else
 * the section's keys. */
static int unknown_key(parser *p, const char *key)
{
    const key_def *best = NULL;
    size_t best_d = (size_t)-1, d;
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, p->section) == 0 && is_near(key, keys[i].name, &d) && d < best_d) {
            best = &keys[i];
            best_d = d;
        }
    if (best) return key_error(p, NULL, key, "not a key of [%s]; did you mean \"%s\"?", p->section, best->name);
    const key_def *elsewhere = find_key(NULL, key);
    if (elsewhere)
        return key_error(p, NULL, key, "belongs in [%s], not [%s]", elsewhere->section, p->section);
    for (size_t i = 0; i < NKEYS; i++)
        if (is_near(key, keys[i].name, &d) && d < best_d) {
            best = &keys[i];
            best_d = d;
        }
    if (best)
        return key_error(p, NULL, key, "not a key of [%s]; did you mean \"%s\" in [%s]?", p->section,
                         best->name, best->section);
    char list[512] = "";
    size_t o = 0;
    for (size_t i = 0; i < NKEYS && o < sizeof list; i++)
        if (strcmp(keys[i].section, p->section) == 0)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", keys[i].name);
    return key_error(p, NULL, key, "not a key of [%s]; its keys are %s", p->section, list);
}

/* A decimal number ("12", "-0.25", "1.5e2"; no hex, inf or nan), read
 * the same whatever the C locale's decimal point is.  Sets *end past the
 * number; -1 if there is none. */
static int read_decimal(const char *s, double *out, const char **end)
{
    const char *c = s;
    int digits = 0;
    if (*c == '+' || *c == '-') c++;
    while (isdigit((unsigned char)*c)) c++, digits++;
    if (*c == '.') {
        c++;
        while (isdigit((unsigned char)*c)) c++, digits++;
    }
    if (!digits) return -1;
    if (*c == 'e' || *c == 'E') {
        const char *e = c + 1;
        if (*e == '+' || *e == '-') e++;
        if (isdigit((unsigned char)*e)) {
            while (isdigit((unsigned char)*e)) e++;
            c = e;
        }
    }
    char buf[128];
    const char *point = localeconv()->decimal_point;
    size_t o = 0, n = (size_t)(c - s);
    if (n > 64) return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && point && *point) {
            for (const char *q = point; *q && o + 1 < sizeof buf; q++) buf[o++] = *q;
        } else {
            buf[o++] = s[i];
        }
    }
    buf[o] = '\0';
    *out = strtod(buf, NULL);
    *end = c;
    return 0;
}

static const char *unit_hint(value_type t)
{
    switch (t) {
    case T_PT: return " (a size in pt, e.g. 9.5 or 9.5pt; mm, cm and in also work)";
    case T_MM: return " (a length in mm, e.g. 10mm; cm, in and pt also work)";
    case T_FRACTION: return " (a fraction such as 0.25, or a percentage such as 25%)";
    case T_INT: return " (a whole number)";
    default: return "";
    }
}

/* The shortest "%g" form that reads back as the same double (locale
 * aside: the point is made '.' whatever the locale says). */
static void format_number(double v, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    const char *point = localeconv()->decimal_point;
    if (point && point[0] && point[0] != '.' && !point[1]) {
        char *c = strchr(buf, point[0]);
        if (c) *c = '.';
    }
}

/* Length units, in pt. */
static const struct { const char *unit; double pt; } length_units[] = {
    { "pt", 1 }, { "mm", 72 / 25.4 }, { "cm", 720 / 25.4 }, { "in", 72 }, { NULL, 0 } };

static int parse_number(parser *p, const key_def *k, const char *value, double *out)
{
    const char *end;
    double v;
    if (read_decimal(value, &v, &end) != 0 || !isfinite(v))
        return key_error(p, k, NULL, "\"%s\" is not a number%s", value, unit_hint(k->type));
    while (*end == ' ' || *end == '\t') end++;
    for (const char *u = end; *u; u++)      /* a unit is letters (or %) only */
        if (!isalpha((unsigned char)*u) && *u != '%')
            return key_error(p, k, NULL, "\"%s\" is not a number%s", value, unit_hint(k->type));
    if (*end && (k->type == T_PT || k->type == T_MM)) {
        const char *native = k->type == T_PT ? "pt" : "mm";
        double native_pt = k->type == T_PT ? 1 : 72 / 25.4;
        int i = 0;
        while (length_units[i].unit && strcasecmp(end, length_units[i].unit) != 0) i++;
        if (!length_units[i].unit)
            return key_error(p, k, NULL, "unit \"%s\" is not known (use %s)", end,
                             k->type == T_PT ? "pt, mm, cm or in" : "mm, cm, in or pt");
        if (strcasecmp(end, native) != 0)        /* the native unit stays exact */
            v = v * length_units[i].pt / native_pt;
    } else if (*end && k->type == T_FRACTION && strcmp(end, "%") == 0) {
        v = v / 100;
    } else if (*end) {
        return key_error(p, k, NULL, "\"%s\" is not a number%s", value, unit_hint(k->type));
    }
    if (k->type == T_INT && v != floor(v))
        return key_error(p, k, NULL, "\"%s\" is not a whole number", value);
    if (!(v >= k->lo && v <= k->hi)) {
        char lo[32], hi[32];
        format_number(k->lo, lo, sizeof lo);
        format_number(k->hi, hi, sizeof hi);
        const char *u = k->type == T_PT ? " pt" : k->type == T_MM ? " mm" : "";
        return key_error(p, k, NULL, "%s is out of range (%s to %s%s)", value, lo, hi, u);
    }
    *out = v;
    return 0;
}

static int one_of(const char *value, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcasecmp(value, names[i]) == 0) return i;
    return -1;
}

static int parse_fallbacks(parser *p, const key_def *k, const char *value, char *out, size_t size)
{
    if (strcasecmp(value, "none") == 0) {
        out[0] = '\0';
        return 0;
    }
    char buf[LINE_MAX_CHARS], result[64] = "";
    snprintf(buf, sizeof buf, "%s", value);
    int used[4] = { 0, 0, 0, 0 };
    size_t o = 0;
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *name = trim(item);
        int i = one_of(name, fallback_names);
        if (i < 0)
            return key_error(p, k, NULL, "\"%s\" is not a fallback (use shrink, wrap, leader, number, "
                             "in the order to try them, or none)", name);
        if (used[i]) return key_error(p, k, NULL, "\"%s\" is listed twice", fallback_names[i]);
        used[i] = 1;
        o += (size_t)snprintf(result + o, sizeof result - o, "%s%s", o ? "," : "", fallback_names[i]);
    }
    if (!o) return key_error(p, k, NULL, "no fallbacks listed (write none for no fallbacks)");
    snprintf(out, size, "%s", result);
    return 0;
}

static int set_value(parser *p, const key_def *k, const char *value)
{
    char *field = (char *)&p->st + k->offset;
    static const char *const yes[] = { "yes", "true", "on", NULL }, *const no[] = { "no", "false", "off", NULL };
    static const char *const orientations[] = { "portrait", "landscape", NULL };
    static const char *const positions[] = { "right", "left", "bottom", NULL };
    double v;
    switch (k->type) {
    case T_PT: case T_MM: case T_FRACTION: case T_NUMBER:
        if (parse_number(p, k, value, &v) != 0) return -1;
        memcpy(field, &v, sizeof v);
        return 0;
    case T_INT: {
        if (parse_number(p, k, value, &v) != 0) return -1;
        int n = (int)v;
        memcpy(field, &n, sizeof n);
        return 0;
    }
    case T_COLOUR: {
        wm_rgb c;
        if (wm_rgb_parse(value, &c) != 0)
            return key_error(p, k, NULL, "\"%s\" is not a colour (write #rrggbb or #rgb)", value);
        memcpy(field, &c, sizeof c);
        return 0;
    }
    case T_BOOL: {
        int b = one_of(value, yes) >= 0 ? 1 : one_of(value, no) >= 0 ? 0 : -1;
        if (b < 0) return key_error(p, k, NULL, "\"%s\" is not yes or no (yes, no, true, false, on, off)", value);
        memcpy(field, &b, sizeof b);
        return 0;
    }
    case T_TEXT: case T_PALETTE:
        if (strlen(value) >= k->size)
            return key_error(p, k, NULL, "\"%s\" is longer than %zu characters", value, k->size - 1);
        snprintf(field, k->size, "%s", value);
        return 0;
    case T_PAPER: {
        double w, h;
        if (strlen(value) >= k->size || wm_paper_size(value, 0, &w, &h) != 0)
            return key_error(p, k, NULL, "\"%s\" is not a paper size (A3, A4 or A5)", value);
        snprintf(field, k->size, "%c%s", toupper((unsigned char)value[0]), value + 1);
        return 0;
    }
    case T_ORIENTATION: {
        int i = one_of(value, orientations);
        if (i < 0) return key_error(p, k, NULL, "\"%s\" is not landscape or portrait", value);
        memcpy(field, &i, sizeof i);
        return 0;
    }
    case T_POSITION: {
        int i = one_of(value, positions);
        if (i < 0) return key_error(p, k, NULL, "\"%s\" is not right, left or bottom", value);
        wm_legend_position pos = i == 0 ? WM_LEGEND_RIGHT : i == 1 ? WM_LEGEND_LEFT : WM_LEGEND_BOTTOM;
        memcpy(field, &pos, sizeof pos);
        return 0;
    }
    case T_METHOD: {
        wm_class_method m;
        char lower[32];
        size_t i = 0;
        for (; value[i] && i + 1 < sizeof lower; i++) lower[i] = (char)tolower((unsigned char)value[i]);
        lower[i] = '\0';
        if (value[i] || wm_class_method_parse(lower, &m) != 0)
            return key_error(p, k, NULL, "\"%s\" is not a classification method "
                             "(quantile, equal, jenks, manual or categorical)", value);
        snprintf(field, k->size, "%s", wm_class_method_name(m));
        return 0;
    }
    case T_FALLBACKS:
        return parse_fallbacks(p, k, value, field, k->size);
    }
    return key_error(p, k, NULL, "internal error: no reader for this key");
}

/* The value part of "key = value  # comment": a '#' after white space
 * starts a comment, but a value may itself begin with '#' (a colour); a
 * value that is "# ..." is a comment, i.e. empty.
 * Surrounding double quotes are removed ("DejaVu Sans" = DejaVu Sans). */
static char *clean_value(char *v)
{
    v = trim(v);
    if (v[0] == '#' && (v[1] == ' ' || v[1] == '\t' || v[1] == '\0')) return v + strlen(v);
    for (char *c = v + 1; *v && *c; c++)
        if (*c == '#' && (c[-1] == ' ' || c[-1] == '\t')) { *c = '\0'; break; }
    v = trim(v);
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v[n - 1] = '\0';
        v++;
    }
    return v;
}

static int parse_entry(parser *p, const wm_entry *e)
{
    p->line = e->line;
    if (!e->value)
        return line_error(p, "expected \"key = value\" or \"[section]\", not \"%s\"", e->key);
    char buf[LINE_MAX_CHARS];
    snprintf(buf, sizeof buf, "%s", e->value);
    const char *key = e->key, *value = clean_value(buf);
    if (!*key) return line_error(p, "a line with \"=\" but no key before it");
    if (!p->section) {
        const key_def *k = find_key(NULL, key);
        if (k) return key_error(p, NULL, key, "comes before any section; put it under [%s]", k->section);
        return key_error(p, NULL, key, "comes before any section (start with [page], [text], [areas], "
                         "[labels], [legend] or [classes])");
    }
    const key_def *k = find_key(p->section, key);
    if (!k) return unknown_key(p, key);
    size_t idx = (size_t)(k - keys);
    if (p->set_at[idx]) return key_error(p, NULL, k->name, "already set at line %d", p->set_at[idx]);
    if (!*value) return key_error(p, NULL, k->name, "has no value");
    p->set_at[idx] = p->line;
    return set_value(p, k, value);
}

static int key_index(const char *section, const char *name)
{
    return (int)(find_key(section, name) - keys);
}

/* Checks that need more than one key: run after the whole file is read,
 * naming the line of the key that was set (the later one if both were). */
static int check_together(parser *p)
{
    int size_i = key_index("labels", "size"), min_i = key_index("labels", "min-size");
    if (p->st.label_min_size > p->st.label_size) {
        int blame = p->set_at[min_i] >= p->set_at[size_i] ? min_i : size_i;
        char a[32], b[32];
        format_number(p->st.label_min_size, a, sizeof a);
        format_number(p->st.label_size, b, sizeof b);
        return key_error(p, &keys[blame], NULL, "min-size (%s pt) is larger than size (%s pt)", a, b);
    }

    int pal_i = key_index("classes", "palette"), count_i = key_index("classes", "count");
    if (!p->set_at[pal_i] && !p->set_at[count_i]) return 0;
    wm_palette pal;
    wm_error perr;
    wm_error_clear(&perr);
    /* Every ColorBrewer scheme has 3 classes: a failure here is the name. */
    if (wm_palette_load(NULL, p->st.palette, 3, 0, &pal, &perr) != 0)
        return key_error(p, p->set_at[pal_i] ? &keys[pal_i] : &keys[count_i], NULL, "%s", perr.msg);
    char canon[sizeof pal.name];
    snprintf(canon, sizeof canon, "%s", pal.name);
    if (wm_palette_load(NULL, p->st.palette, p->st.classes, 0, &pal, &perr) != 0)
        return key_error(p, p->set_at[count_i] >= p->set_at[pal_i] ? &keys[count_i] : &keys[pal_i], NULL,
                         "%s", perr.msg);
    snprintf(p->st.palette, sizeof p->st.palette, "%s", canon);
    return 0;
}

/* The style's name: the file name without directory and extension. */
static void stem(const char *source, char *out, size_t size)
{
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (n >= size) n = size - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

int wm_style_parse(const char *text, const char *source, wm_style *st, wm_error *err)
{
    wm_error_clear(err);
    parser *p = calloc(1, sizeof *p);
    if (!p) return wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", source);
    p->source = source ? source : "(style)";
    p->err = err;
    wm_style_defaults(&p->st);
    stem(p->source, p->st.name, sizeof p->st.name);

    wm_sections *doc = wm_sections_parse(text, p->source, err);
    int rc = doc ? 0 : -1;
    for (size_t i = 0; doc && i < doc->n && rc == 0; i++) {
        const wm_section *sec = &doc->sections[i];
        if (*sec->type && (rc = enter_section(p, sec)) != 0) break;
        for (size_t j = 0; j < sec->n && rc == 0; j++) rc = parse_entry(p, &sec->entries[j]);
    }
    wm_sections_free(doc);
    if (rc == 0) rc = check_together(p);
    if (rc == 0) *st = p->st;
    free(p);
    return rc;
}

/* ---- finding and reading the file ----------------------------------------- */

static int compare_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The named styles in the home, for the "unknown style" message. */
static void list_styles(char *buf, size_t size)
{
    char dir[4096];
    wm_home_path("styles", dir, sizeof dir);
    buf[0] = '\0';
    DIR *d = opendir(dir);
    if (!d) return;
    char names[64][64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 6 && len - 6 < sizeof names[0] && strcmp(e->d_name + len - 6, ".style") == 0) {
            memcpy(names[n], e->d_name, len - 6);
            names[n++][len - 6] = '\0';
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], compare_names);
    size_t o = 0;
    for (int i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", names[i]);
}

int wm_style_path(const char *name_or_path, char *buf, size_t size)
{
    if (!name_or_path || !*name_or_path) name_or_path = "default";
    if (strchr(name_or_path, '/') || strchr(name_or_path, '.')) {
        snprintf(buf, size, "%s", name_or_path);
        return 0;
    }
    char rel[256];
    snprintf(rel, sizeof rel, "styles/%s.style", name_or_path);
    wm_home_path(rel, buf, size);
    return 1;
}

int wm_style_load(const char *name_or_path, wm_style *st, wm_error *err)
{
    wm_error_clear(err);
    char path[4096];
    int named = wm_style_path(name_or_path, path, sizeof path);
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        if (!name_or_path || !*name_or_path) {       /* no default.style: the built-in defaults */
            wm_style_defaults(st);
            return 0;
        }
        if (named && errno == ENOENT) {
            char list[512];
            list_styles(list, sizeof list);
            return wm_error_set(err, WM_EXIT_USAGE, "unknown style \"%s\" (no %s); styles are: %s",
                                name_or_path, path, list[0] ? list : "none");
        }
        return wm_error_set(err, WM_EXIT_DATA, "%s: cannot open style: %s", path, strerror(errno));
    }
    fclose(probe);
    char *text = wm_read_text_file(path, FILE_MAX_BYTES, err);
    if (!text) return -1;
    int rc = wm_style_parse(text, path, st, err);
    free(text);
    return rc;
}

/* ---- writing ------------------------------------------------------------ */

static void format_colour(wm_rgb c, char *buf, size_t size)
{
    double v[3] = { c.r, c.g, c.b };
    int b[3];
    for (int i = 0; i < 3; i++) {
        double x = v[i] < 0 ? 0 : v[i] > 1 ? 1 : v[i];
        b[i] = (int)lround(x * 255);
    }
    snprintf(buf, size, "#%02x%02x%02x", b[0], b[1], b[2]);
}

int wm_style_write(const wm_style *st, FILE *out)
{
    const char *section = NULL;
    fprintf(out, "# wardmap style \"%s\" (format: docs/styles.md)\n", st->name);
    for (size_t i = 0; i < NKEYS; i++) {
        const key_def *k = &keys[i];
        const char *field = (const char *)st + k->offset;
        if (!section || strcmp(section, k->section) != 0) {
            section = k->section;
            fprintf(out, "\n[%s]\n", section);
        }
        char v[96];
        double d;
        int n;
        switch (k->type) {
        case T_PT: case T_MM: case T_FRACTION: case T_NUMBER:
            memcpy(&d, field, sizeof d);
            format_number(d, v, sizeof v - 3);
            if (k->type == T_PT) strcat(v, "pt");
            if (k->type == T_MM) strcat(v, "mm");
            break;
        case T_INT:
            memcpy(&n, field, sizeof n);
            snprintf(v, sizeof v, "%d", n);
            break;
        case T_COLOUR: {
            wm_rgb c;
            memcpy(&c, field, sizeof c);
            format_colour(c, v, sizeof v);
            break;
        }
        case T_BOOL:
            memcpy(&n, field, sizeof n);
            snprintf(v, sizeof v, "%s", n ? "yes" : "no");
            break;
        case T_ORIENTATION:
            memcpy(&n, field, sizeof n);
            snprintf(v, sizeof v, "%s", n ? "landscape" : "portrait");
            break;
        case T_POSITION: {
            wm_legend_position pos;
            memcpy(&pos, field, sizeof pos);
            snprintf(v, sizeof v, "%s", pos == WM_LEGEND_LEFT ? "left" : pos == WM_LEGEND_BOTTOM ? "bottom" : "right");
            break;
        }
        case T_FALLBACKS:
            snprintf(v, sizeof v, "%s", field[0] ? field : "none");
            break;
        case T_TEXT: case T_PAPER: case T_METHOD: case T_PALETTE:
            snprintf(v, sizeof v, "%.*s", (int)k->size, field);
            break;
        }
        fprintf(out, "%s = %s\n", k->name, v);
    }
    return ferror(out) ? -1 : 0;
}
