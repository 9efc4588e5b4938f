#define _XOPEN_SOURCE 700   /* realpath */
#include "recipe.h"
#include "operation.h"
#include "home.h"
#include "sections.h"
#include "text.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const kind_names[] = { "render", "export", "table", "rank", "profile", "localities" };
#define NKINDS (sizeof kind_names / sizeof *kind_names)

const char *wm_recipe_kind_name(wm_recipe_kind kind)
{
    return kind_names[kind];
}

static char *dup_range(const char *a, const char *b)
{
    while (a < b && (*a == ' ' || *a == '\t')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    char *s = malloc((size_t)(b - a) + 1);
    if (!s) return NULL;
    memcpy(s, a, (size_t)(b - a));
    s[b - a] = '\0';
    return s;
}

static int valid_name(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.') return 0;
    return 1;
}

static int valid_key(const char *s)
{
    if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0])) return 0;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-') return 0;
    return 1;
}

void wm_recipe_free(wm_recipe *r)
{
    if (!r) return;
    free(r->sections);
    free(r->params);
    wm_sections_free(r->doc);
    free(r);
}

/* "FILE:LINE: what" as a usage error (a recipe is what the user wrote). */
static int vfail(const char *file, int line, wm_error *err, const char *fmt, va_list ap)
{
    char what[900];
    vsnprintf(what, sizeof what, fmt, ap);
    return wm_error_set(err, WM_EXIT_USAGE, "%s:%d: %s", file, line, what);
}

/* The same at a line of recipe `r`, FILE being the file the line is in
 * (an entry's or section's `path`), NULL for the recipe's own. */
static int fail(const wm_recipe *r, const char *file, int line, wm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(const wm_recipe *r, const char *file, int line, wm_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(file ? file : r->path, line, err, fmt, ap);
    va_end(ap);
    return rc;
}

/* The document keys before the first section. */
static int document_keys(wm_recipe *r, const wm_section *sec, wm_error *err)
{
    static const char *const names[] = { "title", "description", "attribution", "gallery" };
    const char **slots[] = { &r->title, &r->description, &r->attribution, &r->gallery };
    int lines[4] = { 0 };
    for (size_t i = 0; i < sec->n; i++) {
        const wm_entry *e = &sec->entries[i];
        if (strcmp(e->key, "include") == 0) continue;   /* read by load() */
        int k = 0;
        while (k < 4 && strcmp(e->key, names[k]) != 0) k++;
        if (k == 4)
            return fail(r, e->path, e->line, err,
                        "\"%s\" before the first section (only include, title, description, attribution and gallery belong "
                        "there; sections start with [render NAME], [table NAME], ...)",
                        e->key);
        if (!e->value || !*e->value) return fail(r, e->path, e->line, err, "%s needs a value (%s = ...)", e->key, e->key);
        if (lines[k]) return fail(r, e->path, e->line, err, "%s is already given at line %d", e->key, lines[k]);
        *slots[k] = e->value;
        lines[k] = e->line;
    }
    return 0;
}

/* Every key must be an option of the section's operation (or a recipe
 * key), a flag written alone and a valued option with its value, so a
 * typo is reported at its line before anything runs. */
static int check_entries(const wm_recipe *r, const wm_recipe_section *s, wm_error *err)
{
    const wm_operation *op = wm_operation_find(wm_recipe_kind_name(s->kind));
    for (size_t j = 0; j < s->n; j++) {
        const wm_entry *e = &s->entries[j];
        if (!valid_key(e->key))
            return fail(r, e->path, e->line, err, "\"%s\" is not an option name (expected \"key = value\" with a lower-case "
                                         "key such as title, or \"[render NAME]\")", e->key);
        if (e->value && !*e->value)
            return fail(r, e->path, e->line, err, "%s has no value (write a flag as the key alone: \"%s\")", e->key, e->key);
        if (strcmp(e->key, "o") == 0) return fail(r, e->path, e->line, err, "write outputs as \"output = FILE ...\"");
        if (strcmp(e->key, "optional") == 0) {
            if (e->value) return fail(r, e->path, e->line, err, "optional is a flag: write it alone, without \"= ...\"");
            continue;
        }
        if (strcmp(e->key, "output") == 0 || strcmp(e->key, "caption") == 0) {
            if (!e->value) return fail(r, e->path, e->line, err, "%s needs a value (%s = ...)", e->key, e->key);
            continue;
        }
        const wm_option *o = wm_option_find(op->options, e->key);
        if (!o)
            return fail(r, e->path, e->line, err, "%s has no option \"%s\" (see wardmap %s --help)", op->name, e->key,
                        op->name);
        if (WM_OPT_KIND(o->kind) == WM_OPT_FLAG && e->value)
            return fail(r, e->path, e->line, err, "%s is a flag: write it alone, without \"= ...\"", e->key);
        if (WM_OPT_KIND(o->kind) != WM_OPT_FLAG && !e->value)
            return fail(r, e->path, e->line, err, "%s needs a value (%s = ...)", e->key, e->key);
    }
    if (!wm_recipe_find(s, "output"))
        return fail(r, s->path, s->line, err, "[%s] has no output (add \"output = NAME.png ...\")", s->name);
    return 0;
}

/* ---- include ---- */

/* An error in a file being loaded (before there is a recipe). */
static int load_fail(const char *file, int line, wm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int load_fail(const char *file, int line, wm_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(file, line, err, fmt, ap);
    va_end(ap);
    return rc;
}

/* Whether `s` has an entry for `key` among its first `n`. */
static int has_key(const wm_section *s, size_t n, const char *key)
{
    for (size_t i = 0; i < n && i < s->n; i++)
        if (strcmp(s->entries[i].key, key) == 0) return 1;
    return 0;
}

/* Copy entry `e`, written in `file` (NULL: the merged document's own),
 * to the end of section `dst` of `d`. */
static int copy_entry(wm_sections *d, wm_section *dst, const wm_entry *e, const char *file)
{
    const char *kept = file ? wm_sections_keep_file(d, file) : NULL;
    wm_entry *c = (file && !kept) ? NULL : wm_section_add(dst, e->key, e->value, e->line);
    if (!c) return -1;
    c->path = kept;
    return 0;
}

/* Amend section `base` of `d` with `over` (written in the merged
 * document's own file): each key `over` gives replaces all of base's
 * entries for it, in the place of the first; other keys are appended. */
static int amend(wm_sections *d, wm_section *base, const wm_section *over)
{
    wm_section merged;
    memset(&merged, 0, sizeof merged);
    int rc = 0;
    for (size_t i = 0; i < base->n && rc == 0; i++) {
        const wm_entry *e = &base->entries[i];
        if (!has_key(over, over->n, e->key)) {
            rc = copy_entry(d, &merged, e, e->path);
        } else if (!has_key(base, i, e->key)) {
            for (size_t j = 0; j < over->n && rc == 0; j++)
                if (strcmp(over->entries[j].key, e->key) == 0) rc = copy_entry(d, &merged, &over->entries[j], NULL);
        }
    }
    for (size_t j = 0; j < over->n && rc == 0; j++)
        if (!has_key(base, base->n, over->entries[j].key)) rc = copy_entry(d, &merged, &over->entries[j], NULL);
    /* Swap in the merged entries; free whichever set is left over. */
    if (rc == 0) {
        wm_entry *old = base->entries;
        size_t nold = base->n;
        base->entries = merged.entries;
        base->n = merged.n;
        merged.entries = old;
        merged.n = nold;
    }
    for (size_t i = 0; i < merged.n; i++) {
        free(merged.entries[i].key);
        free(merged.entries[i].value);
    }
    free(merged.entries);
    return rc;
}

/* The section of `d` that `over` amends: the same name ([parameters],
 * which has none, the same kind), or -1. */
static long find_amended(const wm_sections *d, const wm_section *over)
{
    for (size_t i = 0; i < d->n; i++) {
        const wm_section *s = &d->sections[i];
        if (*over->name ? strcmp(s->name, over->name) == 0
                        : !*s->name && strcmp(s->type, over->type) == 0)
            return (long)i;
    }
    return -1;
}

/* `over` (a recipe as parsed) on top of `base` (the recipe it includes,
 * its own includes merged): base's sections first, each amended by
 * over's section of the same name; over's new sections after them. */
static wm_sections *merge(const wm_sections *base, const wm_sections *over, wm_error *err)
{
    wm_sections *d = wm_sections_new(over->path);
    if (!d || !wm_sections_keep_file(d, base->path)) goto oom;
    for (size_t i = 0; i < base->nfiles; i++)
        if (!wm_sections_keep_file(d, base->files[i])) goto oom;
    /* The document keys first, always (over's may amend them). */
    if (!wm_sections_add(d, "", "", 0)) goto oom;
    for (size_t i = 0; i < base->n; i++) {
        const wm_section *bs = &base->sections[i];
        wm_section *s = *bs->type ? wm_sections_add(d, bs->type, bs->name, bs->line) : &d->sections[0];
        if (!s) goto oom;
        if (*bs->type && !(s->path = wm_sections_keep_file(d, bs->path ? bs->path : base->path))) goto oom;
        for (size_t j = 0; j < bs->n; j++) {
            const wm_entry *e = &bs->entries[j];
            if (!*bs->type && strcmp(e->key, "include") == 0) continue;   /* done: over's own is what counts */
            if (copy_entry(d, s, e, e->path ? e->path : base->path) != 0) goto oom;
        }
    }
    size_t nbase = d->n;
    for (size_t i = 0; i < over->n; i++) {
        const wm_section *os = &over->sections[i];
        for (size_t k = 0; k < i; k++)
            if (*os->type && strcmp(over->sections[k].type, os->type) == 0 && strcmp(over->sections[k].name, os->name) == 0) {
                load_fail(over->path, os->line, err, "section [%s%s%s] is already given at line %d", os->type,
                          *os->name ? " " : "", os->name, over->sections[k].line);
                wm_sections_free(d);
                return NULL;
            }
        long at = *os->type ? find_amended(d, os) : 0;
        if (at >= 0 && (size_t)at >= nbase) at = -1;   /* over's own sections are checked later */
        if (at >= 0 && strcmp(d->sections[at].type, os->type) != 0) {
            const wm_section *bs = &d->sections[at];
            load_fail(over->path, os->line, err, "[%s %s] has the name of [%s %s] in %s:%d: an amendment keeps "
                      "the kind, a new section needs a name of its own", os->type, os->name, bs->type, bs->name,
                      bs->path ? bs->path : base->path, bs->line);
            wm_sections_free(d);
            return NULL;
        }
        if (at < 0) {
            wm_section *s = wm_sections_add(d, os->type, os->name, os->line);
            if (!s) goto oom;
            for (size_t j = 0; j < os->n; j++)
                if (copy_entry(d, s, &os->entries[j], NULL) != 0) goto oom;
        } else if (amend(d, &d->sections[at], os) != 0) {
            goto oom;
        }
    }
    return d;
oom:
    wm_sections_free(d);
    wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", over->path);
    return NULL;
}

static int is_file(const char *path);

/* Parse `text` (the file `path`) and, when it says `include = FILE`,
 * merge it on top of FILE, loaded the same way.  chain[0..depth] are the
 * files being read (their real paths), for cycles. */
static wm_sections *load(const char *text, const char *path, char **chain, int depth, wm_error *err)
{
    wm_sections *doc = wm_sections_parse(text, path, err);
    if (!doc) {
        err->code = WM_EXIT_USAGE;   /* the shape of what the user wrote */
        return NULL;
    }
    const wm_entry *inc = NULL;
    for (size_t j = 0; doc->n && !*doc->sections[0].type && j < doc->sections[0].n; j++) {
        const wm_entry *e = &doc->sections[0].entries[j];
        if (strcmp(e->key, "include") != 0) continue;
        if (inc) {
            load_fail(doc->path, e->line, err, "include is already given at line %d (a recipe includes one other)",
                      inc->line);
            wm_sections_free(doc);
            return NULL;
        }
        if (!e->value || !*e->value) {
            load_fail(doc->path, e->line, err, "include needs a value (include = FILE)");
            wm_sections_free(doc);
            return NULL;
        }
        inc = e;
    }
    if (!inc) return doc;
    char *file = wm_path_join(doc->dir, inc->value);
    char real[PATH_MAX];
    wm_sections *base = NULL, *merged = NULL;
    if (!file) {
        wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", doc->path);
    } else if (!is_file(file) || !realpath(file, real)) {
        load_fail(doc->path, inc->line, err, "include %s: no such file", file);
    } else if (depth + 1 > WM_RECIPE_MAX_INCLUDE) {
        load_fail(doc->path, inc->line, err, "include %s: includes nested more than %d deep", file,
                  WM_RECIPE_MAX_INCLUDE);
    } else {
        int cycle = 0;
        for (int i = 0; i <= depth; i++) cycle |= chain[i] && strcmp(chain[i], real) == 0;
        char *text2 = cycle ? NULL : wm_read_text_file(file, 0, err);
        if (cycle) {
            load_fail(doc->path, inc->line, err, "include %s: a cycle (%s is already being read)", file, file);
        } else if (text2 && (chain[depth + 1] = strdup(real))) {
            base = load(text2, file, chain, depth + 1, err);
            free(chain[depth + 1]);
            chain[depth + 1] = NULL;
        } else if (text2) {
            wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", doc->path);
        }
        free(text2);
    }
    if (base) merged = merge(base, doc, err);
    free(file);
    wm_sections_free(base);
    wm_sections_free(doc);
    return merged;
}

/* ---- parameters ---- */

static int valid_param_name(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_') return 0;
    return 1;
}

/* The [parameters] section: each "name = value" a parameter. */
static int read_parameters(wm_recipe *r, const wm_section *sec, wm_error *err)
{
    if (*sec->name)
        return fail(r, sec->path, sec->line, err, "[parameters] takes no name (write \"[parameters]\")");
    if (r->params)
        return fail(r, sec->path, sec->line, err, "[parameters] is already given at line %d", r->params_line);
    r->params = calloc(sec->n ? sec->n : 1, sizeof *r->params);
    if (!r->params) return wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", r->path);
    r->params_line = sec->line;
    for (size_t i = 0; i < sec->n; i++) {
        const wm_entry *e = &sec->entries[i];
        if (!valid_param_name(e->key))
            return fail(r, e->path, e->line, err, "parameter name \"%s\" may hold only letters, digits and _", e->key);
        if (!e->value) return fail(r, e->path, e->line, err, "parameter %s needs a value (%s = ...)", e->key, e->key);
        for (size_t k = 0; k < r->nparams; k++)
            if (strcmp(r->params[k].name, e->key) == 0)
                return fail(r, e->path, e->line, err, "parameter %s is already given", e->key);
        r->params[r->nparams].name = e->key;
        r->params[r->nparams].value = e->value;
        r->nparams++;
    }
    return 0;
}

const char *wm_recipe_parameter(const wm_recipe *r, const char *name)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].name, name) == 0) return r->params[i].value;
    return NULL;
}

static int read_sections(wm_recipe *r, wm_error *err)
{
    r->sections = calloc(r->doc->n ? r->doc->n : 1, sizeof *r->sections);
    if (!r->sections) return wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", r->path);
    for (size_t i = 0; i < r->doc->n; i++) {
        const wm_section *sec = &r->doc->sections[i];
        if (!*sec->type) {
            if (document_keys(r, sec, err) != 0) return -1;
            continue;
        }
        if (strcmp(sec->type, "parameters") == 0) {
            if (read_parameters(r, sec, err) != 0) return -1;
            continue;
        }
        int k = -1;
        for (size_t j = 0; j < NKINDS; j++)
            if (strcmp(sec->type, kind_names[j]) == 0) k = (int)j;
        if (k < 0)
            return fail(r, sec->path, sec->line, err,
                        "unknown section kind \"%s\" (expected localities, render, export, table, rank or profile, "
                        "or [parameters])", sec->type);
        if (!*sec->name)
            return fail(r, sec->path, sec->line, err, "section [%s] needs a name, e.g. [%s deprivation]", sec->type, sec->type);
        if (!valid_name(sec->name))
            return fail(r, sec->path, sec->line, err, "section name \"%s\" may hold only letters, digits, _ . and -", sec->name);
        for (size_t j = 0; j < r->n; j++)
            if (strcmp(r->sections[j].name, sec->name) == 0)
                return fail(r, sec->path, sec->line, err, "section name \"%s\" is already used at line %d", sec->name,
                            r->sections[j].line);
        wm_recipe_section *rs = &r->sections[r->n++];
        rs->kind = (wm_recipe_kind)k;
        rs->name = sec->name;
        rs->line = sec->line;
        rs->path = sec->path;
        rs->n = sec->n;
        rs->entries = sec->entries;
    }
    for (size_t i = 0; i < r->n; i++)
        if (check_entries(r, &r->sections[i], err) != 0) return -1;
    return 0;
}

wm_recipe *wm_recipe_parse(const char *text, const char *path, wm_error *err)
{
    if (!path) path = "recipe";
    char *chain[WM_RECIPE_MAX_INCLUDE + 1] = { NULL };
    char real[PATH_MAX];
    chain[0] = strdup(realpath(path, real) ? real : path);
    wm_sections *doc = chain[0] ? load(text, path, chain, 0, err) : NULL;
    if (!chain[0]) wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", path);
    free(chain[0]);
    if (!doc) return NULL;
    wm_recipe *r = calloc(1, sizeof *r);
    if (!r) {
        wm_sections_free(doc);
        wm_error_set(err, WM_EXIT_DATA, "out of memory");
        return NULL;
    }
    r->doc = doc;
    r->path = doc->path;
    if (read_sections(r, err) != 0) {
        wm_recipe_free(r);
        return NULL;
    }
    if (r->n == 0) {
        /* Nothing to make is bad input, never an empty index page. */
        wm_error_set(err, WM_EXIT_DATA, "%s: the recipe has no sections, so nothing to make (list each figure as "
                     "[render NAME], [export NAME], [table NAME] or [rank NAME]; docs/recipe.md)", r->path);
        wm_recipe_free(r);
        return NULL;
    }
    return r;
}

wm_recipe *wm_recipe_read(const char *path, wm_error *err)
{
    char *text = wm_read_text_file(path, 0, err);
    if (!text) return NULL;
    wm_recipe *r = wm_recipe_parse(text, path, err);
    free(text);
    return r;
}

const wm_recipe_entry *wm_recipe_find(const wm_recipe_section *s, const char *key)
{
    for (size_t i = s->n; i-- > 0;)
        if (strcmp(s->entries[i].key, key) == 0) return &s->entries[i];
    return NULL;
}

const char *wm_recipe_get(const wm_recipe_section *s, const char *key)
{
    const wm_recipe_entry *e = wm_recipe_find(s, key);
    if (!e) return NULL;
    return e->value ? e->value : "";
}

/* ---- parameters ---- */

/* `text` with ${name} replaced by the parameters' values ("$$" is "$"),
 * malloc'd; NULL with *unknown set to the first name not given. */
static char *substitute(const char *text, const wm_recipe_param *params, size_t n, const char **unknown,
                        size_t *unknown_len)
{
    size_t cap = strlen(text) + 1, len = 0;
    char *out = malloc(cap);
    for (const char *p = text; out && *p;) {
        const char *value = NULL;
        size_t skip = 1, vlen = 1;
        if (p[0] == '$' && p[1] == '$') {
            value = "$";
            skip = 2;
        } else if (p[0] == '$' && p[1] == '{' && strchr(p, '}')) {
            size_t nlen = strcspn(p + 2, "}");
            for (size_t i = 0; i < n && !value; i++)
                if (strlen(params[i].name) == nlen && strncmp(params[i].name, p + 2, nlen) == 0) value = params[i].value;
            if (!value) {
                *unknown = p;
                *unknown_len = nlen + 3;
                free(out);
                return NULL;
            }
            skip = nlen + 3;
        }
        if (value) vlen = strlen(value);
        if (len + vlen + 1 > cap) {
            cap = 2 * (len + vlen + 1);
            char *more = realloc(out, cap);
            if (!more) {
                free(out);
                return NULL;
            }
            out = more;
        }
        memcpy(out + len, value ? value : p, vlen);
        len += vlen;
        p += skip;
    }
    if (out) out[len] = '\0';
    return out;
}

int wm_recipe_bind(wm_recipe *r, const wm_recipe_param *given, size_t ngiven, wm_error *err)
{
    /* The caller's parameters first: the first of a name is the one used. */
    size_t n = ngiven + r->nparams;
    wm_recipe_param *params = malloc((n ? n : 1) * sizeof *params);
    if (!params) return wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", r->path);
    if (ngiven) memcpy(params, given, ngiven * sizeof *params);
    if (r->nparams) memcpy(params + ngiven, r->params, r->nparams * sizeof *params);
    int rc = 0;
    for (size_t i = 0; i < r->doc->n && rc == 0; i++) {
        wm_section *sec = &r->doc->sections[i];
        if (strcmp(sec->type, "parameters") == 0) continue;   /* values, taken as written */
        for (size_t j = 0; j < sec->n && rc == 0; j++) {
            wm_entry *e = &sec->entries[j];
            if (!e->value || !strchr(e->value, '$')) continue;
            const char *unknown = NULL;
            size_t ulen = 0;
            char *v = substitute(e->value, params, n, &unknown, &ulen);
            if (!v && unknown) {
                char names[512] = "";
                size_t o = 0;
                for (size_t k = 0; k < n && o < sizeof names; k++)
                    o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", k ? ", " : "", params[k].name);
                rc = fail(r, e->path, e->line, err, "unknown parameter %.*s (parameters given: %s)", (int)ulen, unknown,
                          n ? names : "none");
                break;
            }
            if (!v) {
                rc = wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", r->path);
                break;
            }
            /* The document keys point at the values: move them too. */
            const char **doc_keys[] = { &r->title, &r->description, &r->attribution, &r->gallery };
            for (int k = 0; k < 4; k++)
                if (*doc_keys[k] == e->value) *doc_keys[k] = v;
            free(e->value);
            e->value = v;
        }
    }
    free(params);
    return rc;
}

/* ---- jobs ---- */

static int push(char ***list, size_t *n, char *s)
{
    if (!s) return -1;
    char **nl = realloc(*list, (*n + 2) * sizeof *nl);
    if (!nl) { free(s); return -1; }
    nl[(*n)++] = s;
    nl[*n] = NULL;
    *list = nl;
    return 0;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Resolve FILE[:LAYER] against the recipe's folder.  Returns the full
 * value (NULL when it is not a file and `always` is off) and sets *file
 * to the FILE part. */
static char *resolve_input(const char *dir, const char *value, int always, char **file)
{
    char *f = NULL, *layer = NULL;
    *file = NULL;
    wm_split_layer_spec(value, &f, &layer);
    if (!f) { free(layer); return NULL; }
    char *full = wm_path_join(dir, f);
    if (!full || (!always && !is_file(full))) {
        free(f); free(layer); free(full);
        return NULL;
    }
    size_t n = strlen(full) + (layer ? strlen(layer) + 1 : 0) + 1;
    char *out = malloc(n);
    if (out) snprintf(out, n, "%s%s%s", full, layer ? ":" : "", layer ? layer : "");
    free(f);
    free(layer);
    *file = full;
    return out;
}

void wm_recipe_job_free(wm_recipe_job *job)
{
    if (!job) return;
    wm_args_free(&job->args);
    for (size_t i = 0; i < job->ninputs; i++) free(job->inputs[i]);
    free(job->inputs);
    for (size_t i = 0; i < job->noutputs; i++) {
        free(job->outputs[i]);
        free(job->output_names[i]);
    }
    free(job->outputs);
    free(job->output_names);
    memset(job, 0, sizeof *job);
}

static int add_output(wm_recipe_job *job, const char *outdir, const char *key, const char *name, wm_error *err)
{
    /* Everything a recipe writes stays inside the output directory. */
    char *inside = wm_path_join("", name);
    int escapes = !inside || name[0] == '/' || strcmp(inside, "..") == 0 || strncmp(inside, "../", 3) == 0;
    free(inside);
    if (escapes)
        return wm_error_set_about(err, WM_EXIT_USAGE, key, "output \"%s\" would be written outside the output "
                                  "directory; name it relative to it, without ..", name);
    size_t nnames = job->noutputs;
    if (push(&job->output_names, &nnames, strdup(name)) != 0) return wm_error_set(err, WM_EXIT_DATA, "out of memory");
    if (push(&job->outputs, &job->noutputs, wm_path_join(outdir, name)) != 0)
        return wm_error_set(err, WM_EXIT_DATA, "out of memory");
    return wm_args_set(&job->args, key, job->outputs[job->noutputs - 1], err);
}

/* The option a section's key sets: `output` is the operation's output
 * option. */
static const char *option_of_key(const char *key)
{
    return strcmp(key, "output") == 0 ? "output" : key;
}

int wm_recipe_job_build(const wm_recipe *r, const wm_recipe_section *s, const char *outdir, wm_recipe_job *job,
                        wm_error *err)
{
    memset(job, 0, sizeof *job);
    job->op = wm_operation_find(wm_recipe_kind_name(s->kind));
    if (!job->op || wm_args_init(&job->args, job->op->options) != 0)
        return wm_error_set(err, WM_EXIT_DATA, "%s:%d: out of memory", r->path, s->line);
    /* The section's own outputs (`output`) first, so that "the first
     * output" is the item's; then the other outputs (a ranking's map). */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < s->n; i++) {
            const wm_recipe_entry *e = &s->entries[i];
            if (strcmp(e->key, "caption") == 0 || strcmp(e->key, "optional") == 0) continue;
            const wm_option *o = wm_option_find(job->op->options, option_of_key(e->key));
            int is_output = strcmp(e->key, "output") == 0 || (o && (o->kind & WM_OPT_OUTPUT));
            if (pass == 0 && strcmp(e->key, "output") != 0) continue;
            if (pass == 1 && strcmp(e->key, "output") == 0) continue;
            int rc = 0;
            const char *param = e->value ? strstr(e->value, "${") : NULL;
            if (param) {
                wm_error_set(err, WM_EXIT_USAGE, "%s:%d: %s uses the parameter %.*s, which is not given",
                             e->path ? e->path : r->path, e->line, e->key, (int)(strcspn(param, "}") + 1), param);
                wm_recipe_job_free(job);
                return -1;
            }
            if (strcmp(e->key, "output") == 0) {
                /* Space-separated names, each an output of its own. */
                for (const char *p = e->value; *p && rc == 0;) {
                    while (*p == ' ' || *p == '\t') p++;
                    const char *q = p;
                    while (*q && *q != ' ' && *q != '\t') q++;
                    if (q == p) break;
                    char *name = dup_range(p, q);
                    rc = name ? add_output(job, outdir, "output", name, err) : wm_error_set(err, WM_EXIT_DATA, "out of memory");
                    free(name);
                    p = q;
                }
            } else if (!e->value) {
                rc = wm_args_set(&job->args, e->key, NULL, err);
            } else if (is_output) {
                rc = add_output(job, outdir, e->key, e->value, err);
            } else {
                char *file = NULL;
                char *full = resolve_input(r->doc->dir, e->value, o && (o->kind & WM_OPT_INPUT), &file);
                rc = wm_args_set(&job->args, e->key, full ? full : e->value, err);
                free(full);
                int seen = 0;
                for (size_t t = 0; file && t < job->ninputs; t++)
                    if (strcmp(job->inputs[t], file) == 0) seen = 1;
                if (file && rc == 0 && !seen) {
                    if (push(&job->inputs, &job->ninputs, file) != 0) rc = wm_error_set(err, WM_EXIT_DATA, "out of memory");
                } else {
                    free(file);
                }
            }
            if (rc != 0) {
                wm_error_prefix(err, "%s:%d", e->path ? e->path : r->path, e->line);
                wm_recipe_job_free(job);
                return -1;
            }
        }
    if (job->noutputs == 0) {
        wm_recipe_job_free(job);
        return wm_error_set(err, WM_EXIT_USAGE, "%s:%d: [%s] has no output", s->path ? s->path : r->path, s->line,
                            s->name);
    }
    return 0;
}

int wm_recipe_error_line(const wm_recipe_section *s, const wm_error *err, const char **file)
{
    const wm_recipe_entry *e = NULL;
    if (err && err->option[0]) {
        const char *key = err->option;
        e = wm_recipe_find(s, key);
        if (!e && strcmp(key, "output") == 0) e = wm_recipe_find(s, "output");
    }
    if (file) *file = e ? e->path : s->path;
    return e ? e->line : s->line;
}

/* A shell word: quoted when it holds anything a shell would read. */
static void shell_word(FILE *fp, const char *s)
{
    int plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+%@", *p)) plain = 0;
    if (plain) {
        fputs(s, fp);
        return;
    }
    fputc('\'', fp);
    for (const char *p = s; *p; p++) {
        if (*p == '\'') fputs("'\\''", fp);
        else fputc(*p, fp);
    }
    fputc('\'', fp);
}

void wm_recipe_job_print(const wm_recipe_job *job, FILE *fp)
{
    fprintf(fp, "wardmap %s", job->op->name);
    for (int i = 0; i < job->args.nspec; i++) {
        const wm_option *o = &job->args.spec[i];
        int n = job->args.count[i];
        for (int k = 0; k < n; k++) {
            if (o->short_name) fprintf(fp, " -%c", o->short_name);
            else fprintf(fp, " --%s", o->name);
            if (WM_OPT_KIND(o->kind) == WM_OPT_FLAG) continue;
            fputc(' ', fp);
            shell_word(fp, WM_OPT_KIND(o->kind) == WM_OPT_REPEAT ? job->args.all[i][k] : job->args.value[i]);
        }
    }
    fputc('\n', fp);
}
