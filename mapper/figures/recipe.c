#include "recipe.h"
#include "operation.h"
#include "home.h"
#include "sections.h"
#include "text.h"

#include <ctype.h>
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
    wm_sections_free(r->doc);
    free(r);
}

/* "PATH:LINE: what" as a usage error (a recipe is what the user wrote). */
static int fail(const wm_recipe *r, int line, wm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(const wm_recipe *r, int line, wm_error *err, const char *fmt, ...)
{
    char what[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return wm_error_set(err, WM_EXIT_USAGE, "%s:%d: %s", r->path, line, what);
}

/* The document keys before the first section. */
static int document_keys(wm_recipe *r, const wm_section *sec, wm_error *err)
{
    static const char *const names[] = { "title", "description", "attribution", "gallery" };
    const char **slots[] = { &r->title, &r->description, &r->attribution, &r->gallery };
    int lines[4] = { 0 };
    for (size_t i = 0; i < sec->n; i++) {
        const wm_entry *e = &sec->entries[i];
        int k = 0;
        while (k < 4 && strcmp(e->key, names[k]) != 0) k++;
        if (k == 4)
            return fail(r, e->line, err,
                        "\"%s\" before the first section (only title, description, attribution and gallery belong "
                        "there; sections start with [render NAME], [table NAME], ...)",
                        e->key);
        if (!e->value || !*e->value) return fail(r, e->line, err, "%s needs a value (%s = ...)", e->key, e->key);
        if (lines[k]) return fail(r, e->line, err, "%s is already given at line %d", e->key, lines[k]);
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
            return fail(r, e->line, err, "\"%s\" is not an option name (expected \"key = value\" with a lower-case "
                                         "key such as title, or \"[render NAME]\")", e->key);
        if (e->value && !*e->value)
            return fail(r, e->line, err, "%s has no value (write a flag as the key alone: \"%s\")", e->key, e->key);
        if (strcmp(e->key, "o") == 0) return fail(r, e->line, err, "write outputs as \"output = FILE ...\"");
        if (strcmp(e->key, "output") == 0 || strcmp(e->key, "caption") == 0) {
            if (!e->value) return fail(r, e->line, err, "%s needs a value (%s = ...)", e->key, e->key);
            continue;
        }
        const wm_option *o = wm_option_find(op->options, e->key);
        if (!o)
            return fail(r, e->line, err, "%s has no option \"%s\" (see wardmap %s --help)", op->name, e->key,
                        op->name);
        if (WM_OPT_KIND(o->kind) == WM_OPT_FLAG && e->value)
            return fail(r, e->line, err, "%s is a flag: write it alone, without \"= ...\"", e->key);
        if (WM_OPT_KIND(o->kind) != WM_OPT_FLAG && !e->value)
            return fail(r, e->line, err, "%s needs a value (%s = ...)", e->key, e->key);
    }
    if (!wm_recipe_find(s, "output"))
        return fail(r, s->line, err, "[%s] has no output (add \"output = NAME.png ...\")", s->name);
    return 0;
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
        int k = -1;
        for (size_t j = 0; j < NKINDS; j++)
            if (strcmp(sec->type, kind_names[j]) == 0) k = (int)j;
        if (k < 0)
            return fail(r, sec->line, err,
                        "unknown section kind \"%s\" (expected localities, render, export, table, rank or profile)", sec->type);
        if (!*sec->name)
            return fail(r, sec->line, err, "section [%s] needs a name, e.g. [%s deprivation]", sec->type, sec->type);
        if (!valid_name(sec->name))
            return fail(r, sec->line, err, "section name \"%s\" may hold only letters, digits, _ . and -", sec->name);
        for (size_t j = 0; j < r->n; j++)
            if (strcmp(r->sections[j].name, sec->name) == 0)
                return fail(r, sec->line, err, "section name \"%s\" is already used at line %d", sec->name,
                            r->sections[j].line);
        wm_recipe_section *rs = &r->sections[r->n++];
        rs->kind = (wm_recipe_kind)k;
        rs->name = sec->name;
        rs->line = sec->line;
        rs->n = sec->n;
        rs->entries = sec->entries;
    }
    for (size_t i = 0; i < r->n; i++)
        if (check_entries(r, &r->sections[i], err) != 0) return -1;
    return 0;
}

wm_recipe *wm_recipe_parse(const char *text, const char *path, wm_error *err)
{
    wm_sections *doc = wm_sections_parse(text, path ? path : "recipe", err);
    if (!doc) {
        err->code = WM_EXIT_USAGE;   /* the shape of what the user wrote */
        return NULL;
    }
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

int wm_recipe_bind(wm_recipe *r, const wm_recipe_param *params, size_t n, wm_error *err)
{
    for (size_t i = 0; i < r->doc->n; i++) {
        wm_section *sec = &r->doc->sections[i];
        for (size_t j = 0; j < sec->n; j++) {
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
                return fail(r, e->line, err, "unknown parameter %.*s (parameters given: %s)", (int)ulen, unknown,
                            n ? names : "none");
            }
            if (!v) return wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", r->path);
            /* The document keys point at the values: move them too. */
            const char **doc_keys[] = { &r->title, &r->description, &r->attribution, &r->gallery };
            for (int k = 0; k < 4; k++)
                if (*doc_keys[k] == e->value) *doc_keys[k] = v;
            free(e->value);
            e->value = v;
        }
    }
    return 0;
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
            if (strcmp(e->key, "caption") == 0) continue;
            const wm_option *o = wm_option_find(job->op->options, option_of_key(e->key));
            int is_output = strcmp(e->key, "output") == 0 || (o && (o->kind & WM_OPT_OUTPUT));
            if (pass == 0 && strcmp(e->key, "output") != 0) continue;
            if (pass == 1 && strcmp(e->key, "output") == 0) continue;
            int rc = 0;
            const char *param = e->value ? strstr(e->value, "${") : NULL;
            if (param) {
                wm_error_set(err, WM_EXIT_USAGE, "%s:%d: %s uses the parameter %.*s, which is not given", r->path,
                             e->line, e->key, (int)(strcspn(param, "}") + 1), param);
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
                wm_error_prefix(err, "%s:%d", r->path, e->line);
                wm_recipe_job_free(job);
                return -1;
            }
        }
    if (job->noutputs == 0) {
        wm_recipe_job_free(job);
        return wm_error_set(err, WM_EXIT_USAGE, "%s:%d: [%s] has no output", r->path, s->line, s->name);
    }
    return 0;
}

int wm_recipe_error_line(const wm_recipe_section *s, const wm_error *err)
{
    if (err && err->option[0]) {
        const char *key = err->option;
        const wm_recipe_entry *e = wm_recipe_find(s, key);
        if (!e && strcmp(key, "output") == 0) e = wm_recipe_find(s, "output");
        if (e) return e->line;
    }
    return s->line;
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
