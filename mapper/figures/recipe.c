#include "recipe.h"
#include "operation.h"
#include "home.h"
#include "table.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const kind_names[] = { "render", "export", "table", "rank" };

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
    for (size_t i = 0; i < r->n; i++) {
        wm_recipe_section *s = &r->sections[i];
        for (size_t j = 0; j < s->n; j++) {
            free(s->entries[j].key);
            free(s->entries[j].value);
        }
        free(s->entries);
        free(s->name);
    }
    free(r->sections);
    free(r->title);
    free(r->description);
    free(r->attribution);
    free(r->gallery);
    free(r->path);
    free(r);
}

/* Parser state: the current section and the entry a continuation line
 * would extend. */
typedef struct parser {
    wm_recipe *r;
    const char *path;
    int line;
    char **cont;           /* value being continued, or NULL */
    int cont_is_flag;
    int title_line, description_line, attribution_line, gallery_line;
    wm_error *err;
} parser;

static int fail(parser *p, const char *fmt, const char *a, const char *b)
{
    char what[700];
    snprintf(what, sizeof what, fmt, a ? a : "", b ? b : "");
    return wm_error_set(p->err, WM_EXIT_USAGE, "%s:%d: %s", p->path, p->line, what);
}

static int parse_header(parser *p, const char *s)
{
    const char *close = strchr(s, ']');
    if (!close) return fail(p, "section header \"%s\" has no closing ]", s, NULL);
    const char *after = close + 1;
    while (*after == ' ' || *after == '\t') after++;
    if (*after) return fail(p, "text after the section header: \"%s\"", after, NULL);
    char *inner = dup_range(s + 1, close);
    if (!inner) return fail(p, "out of memory", NULL, NULL);
    char *sp = inner;
    while (*sp && *sp != ' ' && *sp != '\t') sp++;
    char *kind = dup_range(inner, sp), *name = dup_range(sp, inner + strlen(inner));
    free(inner);
    int rc = 0, k = -1;
    for (int i = 0; i < 4; i++)
        if (kind && strcmp(kind, kind_names[i]) == 0) k = i;
    if (!kind || !name)
        rc = fail(p, "out of memory", NULL, NULL);
    else if (k < 0)
        rc = fail(p, "unknown section kind \"%s\" (expected render, export, table or rank)", kind, NULL);
    else if (!*name)
        rc = fail(p, "section [%s] needs a name, e.g. [%s deprivation]", kind, kind);
    else if (!valid_name(name))
        rc = fail(p, "section name \"%s\" may hold only letters, digits, _ . and -", name, NULL);
    for (size_t i = 0; rc == 0 && i < p->r->n; i++)
        if (strcmp(p->r->sections[i].name, name) == 0) {
            char at[32];
            snprintf(at, sizeof at, "%d", p->r->sections[i].line);
            rc = fail(p, "section name \"%s\" is already used at line %s", name, at);
        }
    if (rc == 0) {
        wm_recipe_section *ns = realloc(p->r->sections, (p->r->n + 1) * sizeof *ns);
        if (!ns) rc = fail(p, "out of memory", NULL, NULL);
        else {
            p->r->sections = ns;
            wm_recipe_section *sec = &ns[p->r->n++];
            memset(sec, 0, sizeof *sec);
            sec->kind = (wm_recipe_kind)k;
            sec->name = name;
            sec->line = p->line;
            name = NULL;
        }
    }
    free(kind);
    free(name);
    p->cont = NULL;
    return rc;
}

static int parse_document_key(parser *p, char *key, char *value)
{
    char **slot = NULL;
    int *line = NULL;
    if (strcmp(key, "title") == 0) { slot = &p->r->title; line = &p->title_line; }
    else if (strcmp(key, "description") == 0) { slot = &p->r->description; line = &p->description_line; }
    else if (strcmp(key, "attribution") == 0) { slot = &p->r->attribution; line = &p->attribution_line; }
    else if (strcmp(key, "gallery") == 0) { slot = &p->r->gallery; line = &p->gallery_line; }
    int rc = 0;
    if (!slot)
        rc = fail(p, "\"%s\" before the first section (only title, description, attribution and gallery belong there; "
                     "sections start with [render NAME], [table NAME], ...)", key, NULL);
    else if (!value)
        rc = fail(p, "%s needs a value (%s = ...)", key, key);
    else if (*slot) {
        char at[32];
        snprintf(at, sizeof at, "%d", *line);
        rc = fail(p, "%s is already given at line %s", key, at);
    }
    if (rc) { free(key); free(value); return rc; }
    *slot = value;
    *line = p->line;
    p->cont = slot;
    p->cont_is_flag = 0;
    free(key);
    return 0;
}

static int parse_entry(parser *p, const char *s)
{
    const char *eq = strchr(s, '=');
    char *key = dup_range(s, eq ? eq : s + strlen(s));
    char *value = eq ? dup_range(eq + 1, eq + 1 + strlen(eq + 1)) : NULL;
    if (!key || (eq && !value)) { free(key); free(value); return fail(p, "out of memory", NULL, NULL); }
    int rc = 0;
    if (!valid_key(key))
        rc = fail(p, "\"%s\" is not an option name (expected \"key = value\" with a lower-case key "
                     "such as title, or \"[render NAME]\")", key, NULL);
    else if (value && !*value)
        rc = fail(p, "%s has no value (write a flag as the key alone: \"%s\")", key, key);
    else if (strcmp(key, "o") == 0)
        rc = fail(p, "write outputs as \"output = FILE ...\"", NULL, NULL);
    else if (!value && (strcmp(key, "output") == 0 || strcmp(key, "caption") == 0))
        rc = fail(p, "%s needs a value (%s = ...)", key, key);
    if (rc) { free(key); free(value); return rc; }
    if (p->r->n == 0) return parse_document_key(p, key, value);

    wm_recipe_section *sec = &p->r->sections[p->r->n - 1];
    wm_recipe_entry *ne = realloc(sec->entries, (sec->n + 1) * sizeof *ne);
    if (!ne) { free(key); free(value); return fail(p, "out of memory", NULL, NULL); }
    sec->entries = ne;
    wm_recipe_entry *e = &ne[sec->n++];
    e->key = key;
    e->value = value;
    e->line = p->line;
    p->cont = &e->value;
    p->cont_is_flag = value == NULL;
    return 0;
}

static int parse_continuation(parser *p, const char *s)
{
    if (!p->cont)
        return fail(p, "indented line continues nothing (only a value continues on the lines after "
                       "it, each starting with a space)", NULL, NULL);
    if (p->cont_is_flag)
        return fail(p, "a flag takes no value, so nothing continues on this line", NULL, NULL);
    char *more = dup_range(s, s + strlen(s));
    if (!more) return fail(p, "out of memory", NULL, NULL);
    size_t a = strlen(*p->cont), b = strlen(more);
    char *joined = realloc(*p->cont, a + b + 2);
    if (!joined) { free(more); return fail(p, "out of memory", NULL, NULL); }
    /* A value joins its lines with a space, except that a line starting
     * with | extends a list of labels as it is. */
    if (more[0] == '|' || (a > 0 && joined[a - 1] == '|')) {
        memcpy(joined + a, more, b + 1);
    } else {
        joined[a] = ' ';
        memcpy(joined + a + 1, more, b + 1);
    }
    *p->cont = joined;
    free(more);
    return 0;
}

/* Every key must be an option of the section's command (or a recipe
 * key), a flag written alone and a valued option with its value, so a
 * typo is reported at its line before anything runs. */
static int check_keys(parser *p, const wm_recipe_section *s)
{
    const wm_operation *op = wm_operation_find(wm_recipe_kind_name(s->kind));
    if (!op) return 0;
    for (size_t j = 0; j < s->n; j++) {
        const wm_recipe_entry *e = &s->entries[j];
        if (strcmp(e->key, "output") == 0 || strcmp(e->key, "caption") == 0) continue;
        const wm_option *o = wm_option_find(op->options, e->key);
        p->line = e->line;
        if (!o) {
            char what[160];
            snprintf(what, sizeof what, "%s has no option \"%s\"", op->name, e->key);
            return fail(p, "%s (see wardmap %s --help)", what, op->name);
        }
        if (WM_OPT_KIND(o->kind) == WM_OPT_FLAG && e->value)
            return fail(p, "%s is a flag: write it alone, without \"= ...\"", e->key, NULL);
        if (WM_OPT_KIND(o->kind) != WM_OPT_FLAG && !e->value)
            return fail(p, "%s needs a value (%s = ...)", e->key, e->key);
    }
    return 0;
}

static int check_sections(parser *p)
{
    for (size_t i = 0; i < p->r->n; i++) {
        const wm_recipe_section *s = &p->r->sections[i];
        if (check_keys(p, s) != 0) return -1;
        if (!wm_recipe_find(s, "output")) {
            p->line = s->line;
            return fail(p, "[%s] has no output (add \"output = NAME.png ...\")", s->name, NULL);
        }
    }
    return 0;
}

wm_recipe *wm_recipe_parse(const char *text, const char *path, wm_error *err)
{
    wm_recipe *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path ? path : "recipe"))) {
        free(r);
        wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", path ? path : "recipe");
        return NULL;
    }
    parser p = { r, r->path, 0, NULL, 0, 0, 0, 0, 0, err };
    const char *at = text;
    if ((unsigned char)at[0] == 0xEF && (unsigned char)at[1] == 0xBB && (unsigned char)at[2] == 0xBF)
        at += 3;
    int rc = 0;
    while (*at && rc == 0) {
        const char *eol = strchr(at, '\n');
        if (!eol) eol = at + strlen(at);
        p.line++;
        char *line = malloc((size_t)(eol - at) + 1);
        if (!line) { rc = fail(&p, "out of memory", NULL, NULL); break; }
        memcpy(line, at, (size_t)(eol - at));
        line[eol - at] = '\0';
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        const char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (!*s) p.cont = NULL;                         /* a blank line ends a value */
        else if (s != line) rc = parse_continuation(&p, s);
        else if (*s == '#' || *s == ';') { /* comment */ }
        else if (*s == '[') rc = parse_header(&p, s);
        else rc = parse_entry(&p, s);
        free(line);
        at = *eol ? eol + 1 : eol;
    }
    if (rc == 0) rc = check_sections(&p);
    if (rc) {
        wm_recipe_free(r);
        return NULL;
    }
    return r;
}

wm_recipe *wm_recipe_read(const char *path, wm_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot open the recipe", path);
        return NULL;
    }
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
        len += got;
        if (cap - len < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!buf || bad) {
        free(buf);
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read the recipe", path);
        return NULL;
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        wm_error_set(err, WM_EXIT_DATA, "%s: not a text file (it holds a NUL byte)", path);
        return NULL;
    }
    wm_recipe *r = wm_recipe_parse(buf, path, err);
    free(buf);
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

static char *join_path(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !*dir) return strdup(rel);
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", rel);
    return s;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Resolve FILE[:LAYER] against the home.  Returns the full value (NULL
 * when it is not a file and `always` is off) and sets *file to the FILE
 * part. */
static char *resolve_input(const char *value, int always, char **file)
{
    char *f = NULL, *layer = NULL;
    *file = NULL;
    wm_split_layer_spec(value, &f, &layer);
    if (!f) { free(layer); return NULL; }
    char *full = join_path(wm_home(), f);
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
    size_t nnames = job->noutputs;
    if (push(&job->output_names, &nnames, strdup(name)) != 0) return wm_error_set(err, WM_EXIT_DATA, "out of memory");
    if (push(&job->outputs, &job->noutputs, join_path(outdir, name)) != 0)
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
                char *full = resolve_input(e->value, o && (o->kind & WM_OPT_INPUT), &file);
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
