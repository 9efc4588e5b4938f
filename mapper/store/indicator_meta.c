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
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

wm_meta_doc *wm_meta_new(const char *path)
{
    wm_meta_doc *d = calloc(1, sizeof *d);
    d->path = strdup(path ? path : "(flags)");
    const char *slash = strrchr(d->path, '/');
    d->dir = slash ? strndup(d->path, (size_t)(slash - d->path)) : strdup(".");
    if (!*d->dir) { free(d->dir); d->dir = strdup("/"); }
    return d;
}

wm_meta_section *wm_meta_add_section(wm_meta_doc *d, const char *type, const char *name, int line)
{
    d->sections = realloc(d->sections, (d->n + 1) * sizeof *d->sections);
    wm_meta_section *s = &d->sections[d->n++];
    memset(s, 0, sizeof *s);
    s->type = strdup(type);
    s->name = strdup(name);
    s->line = line;
    return s;
}

void wm_meta_add(wm_meta_section *s, const char *key, const char *value, int line)
{
    s->kv = realloc(s->kv, (s->n + 1) * sizeof *s->kv);
    s->kv[s->n].key = strdup(key);
    s->kv[s->n].value = strdup(value);
    s->kv[s->n].line = line;
    s->n++;
}

int wm_meta_error(const wm_meta_doc *d, int line, wm_error *err, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        return wm_error_set(err, WM_EXIT_DATA, "%s:%d: %s", d->path, line, msg);
    return wm_error_set(err, WM_EXIT_DATA, "%s: %s", d->path, msg);
}

static int valid_key(const char *k)
{
    if (!*k) return 0;
    for (; *k; k++)
        if (!(islower((unsigned char)*k) || isdigit((unsigned char)*k) || *k == '_')) return 0;
    return 1;
}

wm_meta_doc *wm_meta_parse(const char *text, const char *path, wm_error *err)
{
    wm_meta_doc *d = wm_meta_new(path);
    if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
        text += 3;
    wm_meta_section *cur = NULL;
    int line = 0;
    const char *p = text;
    while (*p) {
        line++;
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *l = dup_range(p, len);
        p += len + (end ? 1 : 0);
        if (!*l || l[0] == '#') { free(l); continue; }
        if (l[0] == '[') {
            size_t n = strlen(l);
            if (l[n - 1] != ']') {
                wm_meta_error(d, line, err, "section header \"%s\" does not end with ']'", l);
                free(l);
                goto fail;
            }
            char *inner = dup_range(l + 1, n - 2);
            size_t tl = strcspn(inner, " \t");
            char *type = dup_range(inner, tl);
            char *name = dup_range(inner + tl, strlen(inner + tl));
            int bad = !valid_key(type);
            if (bad) wm_meta_error(d, line, err, "section header \"%s\" needs a type such as [indicator ID]", l);
            else cur = wm_meta_add_section(d, type, name, line);
            free(inner); free(type); free(name); free(l);
            if (bad) goto fail;
            continue;
        }
        char *eq = strchr(l, '=');
        if (!eq) {
            wm_meta_error(d, line, err, "expected \"key = value\", found \"%.80s\"", l);
            free(l);
            goto fail;
        }
        char *key = dup_range(l, (size_t)(eq - l));
        char *value = dup_range(eq + 1, strlen(eq + 1));
        if (!valid_key(key)) {
            wm_meta_error(d, line, err, "\"%s\" is not a key (lower-case letters, digits and _)", key);
            free(key); free(value); free(l);
            goto fail;
        }
        if (!cur) cur = wm_meta_add_section(d, "", "", 0);
        wm_meta_add(cur, key, value, line);
        free(key); free(value); free(l);
    }
    return d;
fail:
    wm_meta_free(d);
    return NULL;
}

wm_meta_doc *wm_meta_read(const char *path, wm_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        wm_error_set(err, WM_EXIT_DATA, "%s: %s", path, errno == ENOENT ? "no such file" : strerror(errno));
        return NULL;
    }
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (cap - n - 1 == 0) { cap *= 2; buf = realloc(buf, cap); }
    }
    int failed = ferror(fp);
    fclose(fp);
    if (failed) {
        free(buf);
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot be read", path);
        return NULL;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        free(buf);
        wm_error_set(err, WM_EXIT_DATA, "%s: not a text file", path);
        return NULL;
    }
    wm_meta_doc *d = wm_meta_parse(buf, path, err);
    free(buf);
    return d;
}

const wm_meta_kv *wm_meta_find(const wm_meta_section *s, const char *key)
{
    for (size_t i = s->n; i-- > 0;)
        if (strcmp(s->kv[i].key, key) == 0) return &s->kv[i];
    return NULL;
}

const char *wm_meta_get(const wm_meta_section *s, const char *key)
{
    const wm_meta_kv *kv = wm_meta_find(s, key);
    return kv ? kv->value : NULL;
}

const char **wm_meta_all(const wm_meta_section *s, const char *key, size_t *n)
{
    const char **out = malloc((s->n + 1) * sizeof *out);
    *n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->kv[i].key, key) == 0) out[(*n)++] = s->kv[i].value;
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
        const char *k = s->kv[i].key;
        if (!in_list(allowed, k) && !in_list(repeatable, k)) {
            char keys[600] = "";
            size_t used = 0;
            for (const char *const *a = allowed; a && *a && used + 40 < sizeof keys; a++)
                used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", used ? ", " : "", *a);
            for (const char *const *a = repeatable; a && *a && used + 40 < sizeof keys; a++)
                used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", used ? ", " : "", *a);
            return wm_meta_error(d, s->kv[i].line, err, "unknown key \"%s\" in [%s%s%s] (known: %s)", k,
                                 s->type, *s->name ? " " : "", s->name, keys);
        }
        if (!in_list(repeatable, k))
            for (size_t j = 0; j < i; j++)
                if (strcmp(s->kv[j].key, k) == 0)
                    return wm_meta_error(d, s->kv[i].line, err, "\"%s\" given twice (first at line %d)", k,
                                         s->kv[j].line);
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
        parts[n++] = dup_range(p, len);
        if (!q) break;
        p = q + 1;
    }
    return n;
}

void wm_meta_free(wm_meta_doc *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) {
        wm_meta_section *s = &d->sections[i];
        for (size_t j = 0; j < s->n; j++) {
            free(s->kv[j].key);
            free(s->kv[j].value);
        }
        free(s->kv);
        free(s->type);
        free(s->name);
    }
    free(d->sections);
    free(d->path);
    free(d->dir);
    free(d);
}
