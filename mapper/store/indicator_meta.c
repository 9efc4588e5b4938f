#include "indicator_meta.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_range(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

wm_meta_doc *wm_meta_new(const char *path)
{
    return wm_sections_new(path ? path : "(flags)");
}

wm_meta_section *wm_meta_add_section(wm_meta_doc *d, const char *type, const char *name, int line)
{
    return wm_sections_add(d, type, name, line);
}

void wm_meta_add(wm_meta_section *s, const char *key, const char *value, int line)
{
    wm_section_add(s, key, value ? value : "", line);
}

int wm_meta_error(const wm_meta_doc *d, int line, wm_error *err, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return wm_sections_error(d, line, err, "%s", msg);
}

static int valid_key(const char *k)
{
    if (!*k) return 0;
    for (; *k; k++)
        if (!(islower((unsigned char)*k) || isdigit((unsigned char)*k) || *k == '_')) return 0;
    return 1;
}

/* What sections.h reads, held to this format: keys of lower-case
 * letters, digits and _, always with "= value". */
static wm_meta_doc *checked(wm_meta_doc *d, wm_error *err)
{
    for (size_t i = 0; d && i < d->n; i++) {
        const wm_meta_section *s = &d->sections[i];
        if (*s->type && !valid_key(s->type)) {
            wm_meta_error(d, s->line, err, "section header [%s%s%s] needs a type such as [indicator ID]", s->type,
                          *s->name ? " " : "", s->name);
            wm_meta_free(d);
            return NULL;
        }
        for (size_t j = 0; j < s->n; j++) {
            const wm_meta_kv *e = &s->entries[j];
            int bad = !e->value ? wm_meta_error(d, e->line, err, "expected \"key = value\", found \"%.80s\"", e->key)
                      : !valid_key(e->key)
                          ? wm_meta_error(d, e->line, err, "\"%s\" is not a key (lower-case letters, digits and _)",
                                          e->key)
                          : 0;
            if (bad) {
                wm_meta_free(d);
                return NULL;
            }
        }
    }
    return d;
}

wm_meta_doc *wm_meta_parse(const char *text, const char *path, wm_error *err)
{
    return checked(wm_sections_parse(text, path, err), err);
}

wm_meta_doc *wm_meta_read(const char *path, wm_error *err)
{
    return checked(wm_sections_read(path, err), err);
}

const wm_meta_kv *wm_meta_find(const wm_meta_section *s, const char *key)
{
    return wm_section_find(s, key);
}

const char *wm_meta_get(const wm_meta_section *s, const char *key)
{
    return wm_section_get(s, key);
}

const char **wm_meta_all(const wm_meta_section *s, const char *key, size_t *n)
{
    const char **out = malloc((s->n + 1) * sizeof *out);
    *n = 0;
    if (!out) return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->entries[i].key, key) == 0) out[(*n)++] = s->entries[i].value;
    out[*n] = NULL;
    return out;
}

static int in_list(const char *const *list, const char *k)
{
    for (; list && *list; list++)
        if (strcmp(*list, k) == 0) return 1;
    return 0;
}

int wm_meta_check(const wm_meta_doc *d, const wm_meta_section *s, const char *const *allowed,
                  const char *const *repeatable, const char *const *required, wm_error *err)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *k = s->entries[i].key;
        if (!in_list(allowed, k) && !in_list(repeatable, k)) {
            char keys[600] = "";
            size_t used = 0;
            for (const char *const *a = allowed; a && *a && used + 40 < sizeof keys; a++)
                used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", used ? ", " : "", *a);
            for (const char *const *a = repeatable; a && *a && used + 40 < sizeof keys; a++)
                used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", used ? ", " : "", *a);
            return wm_meta_error(d, s->entries[i].line, err, "unknown key \"%s\" in [%s%s%s] (known: %s)", k,
                                 s->type, *s->name ? " " : "", s->name, keys);
        }
        if (!in_list(repeatable, k))
            for (size_t j = 0; j < i; j++)
                if (strcmp(s->entries[j].key, k) == 0)
                    return wm_meta_error(d, s->entries[i].line, err, "\"%s\" given twice (first at line %d)", k,
                                         s->entries[j].line);
    }
    for (const char *const *r = required; r && *r; r++)
        if (!wm_meta_find(s, *r))
            return wm_meta_error(d, s->line, err, "[%s%s%s] needs \"%s = ...\"", s->type,
                                 *s->name ? " " : "", s->name, *r);
    return 0;
}

char *wm_meta_path(const wm_meta_doc *d, const char *name, char *buf, size_t size)
{
    if (name[0] == '/') snprintf(buf, size, "%s", name);
    else snprintf(buf, size, "%s/%s", d->dir, name);
    return buf;
}

int wm_meta_split(const char *value, char sep, char **parts, int max)
{
    int n = 0;
    const char *p = value;
    for (;;) {
        const char *q = strchr(p, sep);
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (n == max) {                 /* more parts than the caller takes */
            while (n > 0) free(parts[--n]);
            return -1;
        }
        if (!(parts[n] = dup_range(p, len))) {
            while (n > 0) free(parts[--n]);
            return -1;
        }
        n++;
        if (!q) break;
        p = q + 1;
    }
    return n;
}

void wm_meta_free(wm_meta_doc *d)
{
    wm_sections_free(d);
}
