#include "report.h"
#include "text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void wm_report_init(wm_report *r)
{
    if (r) memset(r, 0, sizeof *r);
}

static void add_line(wm_report *r, wm_report_kind kind, char *text)
{
    wm_report_line *more = realloc(r->lines, (r->n + 1) * sizeof *more);
    if (!more) {
        free(text);
        return;
    }
    r->lines = more;
    r->lines[r->n].kind = kind;
    r->lines[r->n].text = text;
    r->n++;
}

void wm_report_add(wm_report *r, wm_report_kind kind, const char *fmt, ...)
{
    if (!r) return;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) return;
    size_t plen = r->prefix ? strlen(r->prefix) : 0;
    char *text = malloc(plen + (size_t)len + 1);
    if (!text) return;
    if (plen) memcpy(text, r->prefix, plen);
    va_start(ap, fmt);
    vsnprintf(text + plen, (size_t)len + 1, fmt, ap);
    va_end(ap);
    wm_one_line(text);
    add_line(r, kind, text);
}

void wm_report_prefix(wm_report *r, const char *prefix)
{
    if (!r) return;
    free(r->prefix);
    r->prefix = prefix ? strdup(prefix) : NULL;
}

/* Add `text` to a list of distinct strings. */
static void add_distinct(char ***list, size_t *n, const char *text)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], text) == 0) return;
    char **more = realloc(*list, (*n + 1) * sizeof *more);
    if (!more) return;
    *list = more;
    char *copy = strdup(text);
    if (copy) (*list)[(*n)++] = copy;
}

static void add_input(wm_report *r, const char *file)
{
    add_distinct(&r->inputs, &r->ninputs, file);
}

void wm_report_source(wm_report *r, const char *fmt, ...)
{
    if (!r) return;
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    add_distinct(&r->sources, &r->nsources, text);
}

void wm_report_input(wm_report *r, const char *spec)
{
    if (!r || !spec) return;
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(spec, &file, &layer);
    if (file) add_input(r, file);
    free(file);
    free(layer);
}

void wm_report_append(wm_report *to, const wm_report *from)
{
    if (!to || !from) return;
    for (size_t i = 0; i < from->n; i++) {
        char *copy = strdup(from->lines[i].text);
        if (copy) add_line(to, from->lines[i].kind, copy);
    }
    for (size_t i = 0; i < from->ninputs; i++) add_input(to, from->inputs[i]);
    for (size_t i = 0; i < from->nsources; i++) add_distinct(&to->sources, &to->nsources, from->sources[i]);
}

int wm_report_print(const wm_report *r, FILE *out, FILE *err)
{
    if (!r) return 0;
    int bad = 0;
    for (size_t i = 0; i < r->n; i++) {
        const wm_report_line *l = &r->lines[i];
        FILE *fp = l->kind == WM_REPORT_RESULT ? out : err;
        if (!fp) continue;
        bad |= fprintf(fp, "%s%s\n", l->kind == WM_REPORT_WARNING ? "warning: " : "", l->text) < 0;
    }
    return bad ? -1 : 0;
}

void wm_report_free(wm_report *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) free(r->lines[i].text);
    free(r->lines);
    for (size_t i = 0; i < r->ninputs; i++) free(r->inputs[i]);
    free(r->inputs);
    for (size_t i = 0; i < r->nsources; i++) free(r->sources[i]);
    free(r->sources);
    free(r->prefix);
    memset(r, 0, sizeof *r);
}
