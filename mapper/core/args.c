#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int find_long(const wm_option *spec, int n, const char *name, size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(spec[i].name) == len && strncmp(spec[i].name, name, len) == 0) return i;
    return -1;
}

static int record(wm_args *a, int i, const char *value)
{
    if (WM_OPT_KIND(a->spec[i].kind) == WM_OPT_REPEAT) {
        const char **more = realloc(a->all[i], (size_t)(a->count[i] + 2) * sizeof *a->all[i]);
        if (!more) return -1;
        a->all[i] = more;
        a->all[i][a->count[i]] = value;
        a->all[i][a->count[i] + 1] = NULL;
    }
    a->value[i] = value;
    a->count[i]++;
    return 0;
}

int wm_args_init(wm_args *a, const wm_option *spec)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    while (spec[a->nspec].name) a->nspec++;
    a->value = calloc((size_t)a->nspec + 1, sizeof *a->value);
    a->count = calloc((size_t)a->nspec + 1, sizeof *a->count);
    a->all = calloc((size_t)a->nspec + 1, sizeof *a->all);
    if (a->value && a->count && a->all) return 0;
    wm_args_free(a);
    return -1;
}

static int parse(wm_args *a, const wm_option *spec, int argc, char **argv, int max_positional, wm_error *err)
{
    if (wm_args_init(a, spec) != 0) return wm_error_set(err, WM_EXIT_USAGE, "out of memory");
    const char *cmd = argc > 0 ? argv[0] : "wardmap";
    int only_positional = 0;
    for (int k = 1; k < argc; k++) {
        const char *w = argv[k];
        int i = -1;
        const char *inline_value = NULL;
        if (!only_positional && strcmp(w, "--") == 0) { only_positional = 1; continue; }
        if (!only_positional && (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0)) {
            a->help = 1;
            continue;
        }
        if (!only_positional && w[0] == '-' && w[1] == '-' && w[2]) {
            const char *eq = strchr(w + 2, '=');
            size_t len = eq ? (size_t)(eq - (w + 2)) : strlen(w + 2);
            i = find_long(spec, a->nspec, w + 2, len);
            if (eq) inline_value = eq + 1;
        } else if (!only_positional && w[0] == '-' && w[1] && !w[2] && !(w[1] >= '0' && w[1] <= '9')) {
            for (int s = 0; s < a->nspec; s++)
                if (spec[s].short_name == w[1]) i = s;
        } else {
            if (a->npos >= max_positional || a->npos >= WM_MAX_POSITIONAL)
                return wm_error_set(err, WM_EXIT_USAGE, "%s: unexpected argument \"%s\" (see --help)", cmd, w);
            a->pos[a->npos++] = w;
            continue;
        }
        if (i < 0)
            return wm_error_set(err, WM_EXIT_USAGE, "%s: unknown option \"%s\" (see --help)", cmd, w);
        if (WM_OPT_KIND(spec[i].kind) == WM_OPT_FLAG) {
            if (inline_value)
                return wm_error_set(err, WM_EXIT_USAGE, "%s: option --%s takes no value", cmd, spec[i].name);
            if (record(a, i, "") != 0) return wm_error_set(err, WM_EXIT_USAGE, "out of memory");
            continue;
        }
        if (!inline_value) {
            if (k + 1 >= argc)
                return wm_error_set(err, WM_EXIT_USAGE, "%s: option --%s needs a value (%s)", cmd,
                                    spec[i].name, spec[i].metavar ? spec[i].metavar : "VALUE");
            inline_value = argv[++k];
        }
        if (record(a, i, inline_value) != 0) return wm_error_set(err, WM_EXIT_USAGE, "out of memory");
    }
    return 0;
}

int wm_args_parse(wm_args *a, const wm_option *spec, int argc, char **argv, int max_positional, wm_error *err)
{
    int rc = parse(a, spec, argc, argv, max_positional, err);
    if (rc != 0) wm_args_free(a);
    return rc;
}

const wm_option *wm_option_find(const wm_option *spec, const char *name)
{
    for (const wm_option *o = spec; o && o->name; o++)
        if (strcmp(o->name, name) == 0) return o;
    return NULL;
}

/* A copy of `s` that `a` frees. */
static const char *keep(wm_args *a, const char *s)
{
    char **more = realloc(a->owned, (size_t)(a->nowned + 1) * sizeof *more);
    if (!more) return NULL;
    a->owned = more;
    char *copy = strdup(s);
    if (copy) a->owned[a->nowned++] = copy;
    return copy;
}

static int index_of(const wm_args *a, const char *name)
{
    for (int i = 0; i < a->nspec; i++)
        if (strcmp(a->spec[i].name, name) == 0) return i;
    return -1;
}

int wm_args_set(wm_args *a, const char *name, const char *value, wm_error *err)
{
    int i = index_of(a, name);
    if (i < 0) return wm_error_set(err, WM_EXIT_USAGE, "no option \"%s\"", name);
    int flag = WM_OPT_KIND(a->spec[i].kind) == WM_OPT_FLAG;
    if (flag && value) return wm_error_set(err, WM_EXIT_USAGE, "%s is a flag and takes no value", name);
    if (!flag && !value) return wm_error_set(err, WM_EXIT_USAGE, "%s needs a value", name);
    const char *v = keep(a, flag ? "" : value);
    if (!v || record(a, i, v) != 0) return wm_error_set(err, WM_EXIT_USAGE, "out of memory");
    return 0;
}

int wm_args_copy(wm_args *dst, const wm_args *src)
{
    for (int i = 0; i < dst->nspec; i++) {
        int j = index_of(src, dst->spec[i].name);
        if (j < 0 || src->count[j] == 0) continue;
        int n = WM_OPT_KIND(src->spec[j].kind) == WM_OPT_REPEAT ? src->count[j] : 1;
        for (int k = 0; k < n; k++) {
            const char *v = keep(dst, WM_OPT_KIND(src->spec[j].kind) == WM_OPT_REPEAT ? src->all[j][k] : src->value[j]);
            if (!v || record(dst, i, v) != 0) return -1;
        }
    }
    return 0;
}

const char *wm_args_get(const wm_args *a, const char *name, const char *fallback)
{
    int i = index_of(a, name);
    return i >= 0 && a->value[i] ? a->value[i] : fallback;
}

int wm_args_has(const wm_args *a, const char *name)
{
    int i = index_of(a, name);
    return i >= 0 && a->count[i] > 0;
}

const char **wm_args_all(const wm_args *a, const char *name, int *n)
{
    int i = index_of(a, name);
    *n = i >= 0 ? a->count[i] : 0;
    return i >= 0 ? a->all[i] : NULL;
}

int wm_args_int(const wm_args *a, const char *name, int fallback, int lo, int hi,
                int *out, wm_error *err)
{
    const char *v = wm_args_get(a, name, NULL);
    if (!v) { *out = fallback; return 0; }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) {
        wm_error_set(err, WM_EXIT_USAGE, "option --%s: \"%s\" is not a whole number from %d to %d", name, v, lo, hi);
        return wm_error_about(err, name);
    }
    *out = (int)x;
    return 0;
}

int wm_args_double(const wm_args *a, const char *name, double fallback, double *out, wm_error *err)
{
    const char *v = wm_args_get(a, name, NULL);
    if (!v) { *out = fallback; return 0; }
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x)) {
        wm_error_set(err, WM_EXIT_USAGE, "option --%s: \"%s\" is not a number", name, v);
        return wm_error_about(err, name);
    }
    *out = x;
    return 0;
}

/* One item of a number list as a person types it: an optional sign,
 * digits with an optional decimal point, an optional exponent.  strtod
 * alone would also take hex, "inf" and "nan". */
static int plain_number(const char *s, size_t n, double *out)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    for (; i < n && isdigit((unsigned char)s[i]); i++) digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && isdigit((unsigned char)s[i]); i++) digits++;
    if (!digits) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp_digits = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        for (; i < n && isdigit((unsigned char)s[i]); i++) exp_digits++;
        if (!exp_digits) return -1;
    }
    char buf[64];
    if (i != n || n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    double x = strtod(buf, NULL);
    if (!isfinite(x)) return -1;
    *out = x;
    return 0;
}

int wm_parse_number_list(const char *text, double *out, int max)
{
    if (!text) return -1;
    int n = 0;
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *a = p, *b = comma ? comma : p + strlen(p);
        while (a < b && isspace((unsigned char)*a)) a++;
        while (b > a && isspace((unsigned char)b[-1])) b--;
        /* An empty item ("10,,20", "10,20,", "") is a mistake, not a
         * list one shorter. */
        if (a == b || n >= max || plain_number(a, (size_t)(b - a), &out[n]) != 0) return -1;
        n++;
        if (!comma) return n;
        p = comma + 1;
    }
}

void wm_args_usage(FILE *fp, const char *command, const char *synopsis,
                   const char *description, const wm_option *spec)
{
    fprintf(fp, "usage: wardmap %s %s\n", command, synopsis ? synopsis : "[options]");
    if (description) fprintf(fp, "\n%s\n", description);
    fprintf(fp, "\noptions:\n");
    for (const wm_option *o = spec; o->name; o++) {
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->metavar ? " " : "", o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        fprintf(fp, "  %-34s %s\n", left, o->help);
    }
    fprintf(fp, "  %-34s %s\n", "-h, --help", "show this help");
}

void wm_args_free(wm_args *a)
{
    if (a->all)
        for (int i = 0; i < a->nspec; i++) free(a->all[i]);
    for (int i = 0; i < a->nowned; i++) free(a->owned[i]);
    free(a->owned);
    free(a->all);
    free(a->value);
    free(a->count);
    memset(a, 0, sizeof *a);
}
