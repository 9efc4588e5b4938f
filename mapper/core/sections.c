#include "sections.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A copy of [a, b) without surrounding spaces, tabs and CR. */
static char *dup_trimmed(const char *a, const char *b)
{
    while (a < b && (*a == ' ' || *a == '\t')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r')) b--;
    char *s = malloc((size_t)(b - a) + 1);
    if (!s) return NULL;
    memcpy(s, a, (size_t)(b - a));
    s[b - a] = '\0';
    return s;
}

wm_sections *wm_sections_new(const char *path)
{
    wm_sections *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->path = strdup(path ? path : "(text)");
    if (!d->path) {
        free(d);
        return NULL;
    }
    const char *slash = strrchr(d->path, '/');
    d->dir = slash == d->path ? strdup("/") : slash ? strndup(d->path, (size_t)(slash - d->path)) : strdup(".");
    if (!d->dir) {
        wm_sections_free(d);
        return NULL;
    }
    return d;
}

wm_section *wm_sections_add(wm_sections *d, const char *type, const char *name, int line)
{
    wm_section *more = realloc(d->sections, (d->n + 1) * sizeof *more);
    if (!more) return NULL;
    d->sections = more;
    wm_section *s = &d->sections[d->n];
    memset(s, 0, sizeof *s);
    s->type = strdup(type);
    s->name = strdup(name);
    s->line = line;
    if (!s->type || !s->name) {
        free(s->type);
        free(s->name);
        return NULL;
    }
    d->n++;
    return s;
}

wm_entry *wm_section_add(wm_section *s, const char *key, const char *value, int line)
{
    wm_entry *more = realloc(s->entries, (s->n + 1) * sizeof *more);
    if (!more) return NULL;
    s->entries = more;
    wm_entry *e = &s->entries[s->n];
    e->key = strdup(key);
    e->value = value ? strdup(value) : NULL;
    e->line = line;
    e->path = NULL;
    if (!e->key || (value && !e->value)) {
        free(e->key);
        free(e->value);
        return NULL;
    }
    s->n++;
    return e;
}

const char *wm_sections_keep_file(wm_sections *d, const char *path)
{
    for (size_t i = 0; i < d->nfiles; i++)
        if (strcmp(d->files[i], path) == 0) return d->files[i];
    char **more = realloc(d->files, (d->nfiles + 1) * sizeof *more);
    if (!more) return NULL;
    d->files = more;
    if (!(d->files[d->nfiles] = strdup(path))) return NULL;
    return d->files[d->nfiles++];
}

const wm_entry *wm_section_find(const wm_section *s, const char *key)
{
    for (size_t i = s->n; i-- > 0;)
        if (strcmp(s->entries[i].key, key) == 0) return &s->entries[i];
    return NULL;
}

const char *wm_section_get(const wm_section *s, const char *key)
{
    const wm_entry *e = wm_section_find(s, key);
    return e ? (e->value ? e->value : "") : NULL;
}

int wm_sections_error(const wm_sections *d, int line, wm_error *err, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0) return wm_error_set(err, WM_EXIT_DATA, "%s:%d: %s", d->path, line, msg);
    return wm_error_set(err, WM_EXIT_DATA, "%s: %s", d->path, msg);
}

/* Append `more` to the value *v (a continuation line). */
static int join_value(char **v, const char *more)
{
    size_t a = strlen(*v), b = strlen(more);
    char *joined = realloc(*v, a + b + 2);
    if (!joined) return -1;
    /* A space between the lines, except where a list of labels goes on:
     * "1 most|2" + "|3 least". */
    if (more[0] == '|' || (a > 0 && joined[a - 1] == '|')) {
        memcpy(joined + a, more, b + 1);
    } else {
        joined[a] = ' ';
        memcpy(joined + a + 1, more, b + 1);
    }
    *v = joined;
    return 0;
}

static int parse_header(wm_sections *d, int line, const char *s, wm_error *err)
{
    const char *close = strchr(s, ']');
    if (!close) return wm_sections_error(d, line, err, "section header \"%s\" has no closing ]", s);
    const char *after = close + 1;
    while (*after == ' ' || *after == '\t') after++;
    if (*after && *after != '#') return wm_sections_error(d, line, err, "text after the section header: \"%s\"", after);
    const char *a = s + 1;
    while (a < close && (*a == ' ' || *a == '\t')) a++;
    const char *sp = a;
    while (sp < close && *sp != ' ' && *sp != '\t') sp++;
    char *type = dup_trimmed(a, sp), *name = dup_trimmed(sp, close);
    int rc = 0;
    if (!type || !name) rc = wm_sections_error(d, line, err, "out of memory");
    else if (!*type) rc = wm_sections_error(d, line, err, "section header \"%s\" is empty", s);
    else if (!wm_sections_add(d, type, name, line)) rc = wm_sections_error(d, line, err, "out of memory");
    free(type);
    free(name);
    return rc;
}

wm_sections *wm_sections_parse(const char *text, const char *path, wm_error *err)
{
    wm_sections *d = wm_sections_new(path);
    if (!d) {
        wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", path ? path : "(text)");
        return NULL;
    }
    const char *at = text;
    if ((unsigned char)at[0] == 0xEF && (unsigned char)at[1] == 0xBB && (unsigned char)at[2] == 0xBF) at += 3;
    int line = 0, rc = 0;
    wm_entry *last = NULL;      /* the entry a continuation would extend */
    while (*at && rc == 0) {
        const char *eol = strchr(at, '\n');
        if (!eol) eol = at + strlen(at);
        line++;
        const char *s = at;
        while (s < eol && (*s == ' ' || *s == '\t')) s++;
        int indented = s != at;
        const char *end = eol;
        while (end > s && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t')) end--;
        at = *eol ? eol + 1 : eol;
        if (s == end) {                     /* a blank line ends a value */
            last = NULL;
            continue;
        }
        if (*s == '#' || *s == ';') {
            last = NULL;
            continue;
        }
        if (indented) {
            if (!last)
                rc = wm_sections_error(d, line, err, "indented line continues nothing (only a value continues on "
                                                     "the lines after it, each starting with a space)");
            else if (!last->value)
                rc = wm_sections_error(d, line, err, "a flag takes no value, so nothing continues on this line");
            else {
                char *more = dup_trimmed(s, end);
                if (!more || join_value(&last->value, more) != 0) rc = wm_sections_error(d, line, err, "out of memory");
                free(more);
            }
            continue;
        }
        char *l = dup_trimmed(s, end);
        if (!l) {
            rc = wm_sections_error(d, line, err, "out of memory");
            break;
        }
        if (*l == '[') {
            last = NULL;
            rc = parse_header(d, line, l, err);
            free(l);
            continue;
        }
        if (d->n == 0 && !wm_sections_add(d, "", "", 0)) {
            free(l);
            rc = wm_sections_error(d, line, err, "out of memory");
            break;
        }
        char *eq = strchr(l, '=');
        char *key = dup_trimmed(l, eq ? eq : l + strlen(l));
        char *value = eq ? dup_trimmed(eq + 1, eq + 1 + strlen(eq + 1)) : NULL;
        if (!key || (eq && !value) || !(last = wm_section_add(&d->sections[d->n - 1], key, value, line)))
            rc = wm_sections_error(d, line, err, "out of memory");
        free(key);
        free(value);
        free(l);
    }
    if (rc != 0) {
        wm_sections_free(d);
        return NULL;
    }
    return d;
}

wm_sections *wm_sections_read(const char *path, wm_error *err)
{
    char *text = wm_read_text_file(path, 0, err);
    if (!text) return NULL;
    wm_sections *d = wm_sections_parse(text, path, err);
    free(text);
    return d;
}

void wm_sections_free(wm_sections *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) {
        wm_section *s = &d->sections[i];
        for (size_t j = 0; j < s->n; j++) {
            free(s->entries[j].key);
            free(s->entries[j].value);
        }
        free(s->entries);
        free(s->type);
        free(s->name);
    }
    free(d->sections);
    for (size_t i = 0; i < d->nfiles; i++) free(d->files[i]);
    free(d->files);
    free(d->path);
    free(d->dir);
    free(d);
}
