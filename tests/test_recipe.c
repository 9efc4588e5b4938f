/* Unit tests for recipe.h: the recipe format, its errors at file:line,
 * and the command lines built from sections. */
#include "home.h"
#include "recipe.h"
#include "operation.h"
#include "testutil.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse `text` expecting failure; return the message. */
static const char *parse_error(const char *text)
{
    static wm_error err;
    wm_error_clear(&err);
    wm_recipe *r = wm_recipe_parse(text, "t.recipe", &err);
    if (r) {
        wm_recipe_free(r);
        return "(parsed)";
    }
    CHECK(err.code == WM_EXIT_USAGE);
    return err.msg;
}

#define CHECK_ERR(text, want)                                                        \
    do {                                                                             \
        const char *m_ = parse_error(text);                                          \
        if (strncmp(m_, want, strlen(want)) != 0)                                    \
            fprintf(stderr, "  message: %s\n  want prefix: %s\n", m_, want);         \
        CHECK(strncmp(m_, want, strlen(want)) == 0);                                 \
    } while (0)

static void test_parse(void)
{
    const char *text =
        "\xEF\xBB\xBF# synthetic recipe for the parser test\r\n"
        "title = Test document\r\n"
        "description = Two figures\r\n"
        "  and a table\r\n"
        "\r\n"
        "[render first]\r\n"
        "layer = layers/boundaries/coventry_wards_2025_E08000026.geojson\r\n"
        "labels = 1 most|2\r\n"
        "    |3 least\r\n"
        "reverse\r\n"
        "source = A\r\n"
        "source = B\r\n"
        "caption = A caption that\r\n"
        "   runs on.\r\n"
        "output = a.png sub/a.svg\r\n"
        "; another comment\r\n"
        "[ table  second ]\n"
        "geography = x # not a comment\n"
        "output = t.csv\n";
    wm_error err;
    wm_recipe *r = wm_recipe_parse(text, "t.recipe", &err);
    CHECK(r != NULL);
    if (!r) { fprintf(stderr, "%s\n", err.msg); return; }
    CHECK_STR(r->title, "Test document");
    CHECK_STR(r->description, "Two figures and a table");
    CHECK(r->n == 2);
    wm_recipe_section *s = &r->sections[0];
    CHECK(s->kind == WM_RECIPE_RENDER);
    CHECK_STR(s->name, "first");
    CHECK(s->line == 6);
    CHECK_STR(wm_recipe_get(s, "labels"), "1 most|2|3 least");
    CHECK_STR(wm_recipe_get(s, "reverse"), "");
    CHECK(wm_recipe_find(s, "reverse")->value == NULL);
    CHECK_STR(wm_recipe_get(s, "caption"), "A caption that runs on.");
    CHECK_STR(wm_recipe_get(s, "source"), "B");
    CHECK(wm_recipe_find(s, "output")->line == 15);
    CHECK(wm_recipe_get(s, "title") == NULL);
    CHECK(r->sections[1].kind == WM_RECIPE_TABLE);
    CHECK_STR(r->sections[1].name, "second");
    CHECK_STR(wm_recipe_get(&r->sections[1], "geography"), "x # not a comment");

    /* The options: inputs against the home, outputs against outdir,
     * flags set, repeated keys repeated, caption left out. */
    wm_recipe_job job;
    CHECK(wm_recipe_job_build(r, s, "outdir", &job, &err) == 0);
    /* "t.recipe" is in the current folder, so its inputs are too. */
    const char *layer = "layers/boundaries/coventry_wards_2025_E08000026.geojson";
    CHECK_STR(job.op->name, "render");
    CHECK_STR(wm_args_get(&job.args, "layer", ""), layer);
    CHECK_STR(wm_args_get(&job.args, "labels", ""), "1 most|2|3 least");
    CHECK(wm_args_has(&job.args, "reverse"));
    int n = 0;
    const char **sources = wm_args_all(&job.args, "source", &n);
    CHECK(n == 2 && strcmp(sources[0], "A") == 0 && strcmp(sources[1], "B") == 0);
    const char **outs = wm_args_all(&job.args, "output", &n);
    CHECK(n == 2 && strcmp(outs[0], "outdir/a.png") == 0 && strcmp(outs[1], "outdir/sub/a.svg") == 0);
    CHECK(!wm_args_has(&job.args, "caption"));
    CHECK(job.ninputs == 1);
    if (job.ninputs) CHECK_STR(job.inputs[0], layer);
    CHECK(job.noutputs == 2);
    CHECK_STR(job.output_names[1], "sub/a.svg");
    CHECK_STR(job.outputs[1], "outdir/sub/a.svg");
    /* The same as a command line, for --dry-run. */
    char *line = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&line, &len);
    wm_recipe_job_print(&job, mem);
    fclose(mem);
    CHECK(strstr(line, "wardmap render --layer ") == line);
    CHECK(strstr(line, " --labels '1 most|2|3 least' --reverse --source A --source B") != NULL);
    CHECK(strstr(line, " -o outdir/a.png -o outdir/sub/a.svg") != NULL);
    free(line);
    wm_recipe_job_free(&job);

    /* Errors are traced back to the line of the option they are about. */
    wm_error_set_about(&err, WM_EXIT_USAGE, "reverse", "x");
    CHECK(wm_recipe_error_line(s, &err, NULL) == 10);
    wm_error_set_about(&err, WM_EXIT_USAGE, "labels", "x");
    CHECK(wm_recipe_error_line(s, &err, NULL) == 8);
    wm_error_set_about(&err, WM_EXIT_USAGE, "output", "x");
    CHECK(wm_recipe_error_line(s, &err, NULL) == 15);
    wm_error_set(&err, WM_EXIT_DATA, "something else");
    CHECK(wm_recipe_error_line(s, &err, NULL) == 6);
    wm_error_set_about(&err, WM_EXIT_DATA, "palette", "no such option in the section");
    CHECK(wm_recipe_error_line(s, &err, NULL) == 6);
    wm_recipe_free(r);
}

static void test_paths_and_parameters(void)
{
    /* Inputs relative to the recipe's folder (normalised); parameters
     * replaced in every value; outputs kept inside the output folder. */
    const char *text = "title = Inequalities in ${area_name}$$\n"
                       "[render r]\nlayer = ../${area_dir}/wards.fgb\nindicator = x\n"
                       "title = ${area_name} wards\noutput = ${area_code}.png\n"
                       "[render bad]\nlayer = w.fgb\nindicator = x\noutput = ../out.png\n"
                       "[render unbound]\nlayer = w.fgb\nindicator = x\ntitle = ${nope}\noutput = u.png\n";
    wm_error err;
    wm_recipe *r = wm_recipe_parse(text, "/recipes/set/t.recipe", &err);
    CHECK(r != NULL);
    if (!r) return;
    wm_recipe_param params[] = { { "area_name", "Leicester" }, { "area_code", "E06000016" },
                                 { "area_dir", "areas/E06000016" } };
    wm_recipe *copy = wm_recipe_parse(text, "/recipes/set/t.recipe", &err);
    CHECK(wm_recipe_bind(copy, params, 1, &err) != 0);     /* area_code and area_dir missing */
    CHECK(strstr(err.msg, "t.recipe:3: unknown parameter ${area_dir} (parameters given: area_name)") != NULL);
    wm_recipe_free(copy);
    CHECK(wm_recipe_bind(r, params, 3, &err) != 0);        /* ${nope} */
    if (!strstr(err.msg, "unknown parameter ${nope}")) fprintf(stderr, "  message: %s\n", err.msg);
    CHECK(strstr(err.msg, "t.recipe:14: unknown parameter ${nope}") != NULL);
    wm_recipe_free(r);
    text = "title = Inequalities in ${area_name}$$\n[render r]\nlayer = ../${area_dir}/wards.fgb\nindicator = x\n"
           "title = ${area_name} wards\noutput = ${area_code}.png\n"
           "[render bad]\nlayer = w.fgb\nindicator = x\noutput = ../out.png\n";
    r = wm_recipe_parse(text, "/recipes/set/t.recipe", &err);
    CHECK(r && wm_recipe_bind(r, params, 3, &err) == 0);
    if (!r) return;
    CHECK_STR(r->title, "Inequalities in Leicester$");
    wm_recipe_job job;
    CHECK(wm_recipe_job_build(r, &r->sections[0], "/o", &job, &err) == 0);
    CHECK_STR(wm_args_get(&job.args, "layer", ""), "/recipes/areas/E06000016/wards.fgb");
    CHECK_STR(wm_args_get(&job.args, "title", ""), "Leicester wards");
    CHECK_STR(job.outputs[0], "/o/E06000016.png");
    wm_recipe_job_free(&job);
    CHECK(wm_recipe_job_build(r, &r->sections[1], "/o", &job, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "t.recipe:10") && strstr(err.msg, "outside the output directory"));
    wm_recipe_free(r);
}

static void test_outputs_order(void)
{
    /* A ranking's own outputs come first (the index shows them), the map
     * after; the command line keeps the recipe's order.  A file named
     * twice is one input. */
    const char *text = "[rank r]\nmap = m.png\nward-layer = layers/boundaries/coventry_wards_2025_E08000026.geojson\n"
                       "store = layers/boundaries/coventry_wards_2025_E08000026.geojson\n"
                       "output = a.csv a.md\n";
    wm_error err;
    wm_recipe *r = wm_recipe_parse(text, "t.recipe", &err);
    CHECK(r != NULL);
    if (!r) return;
    wm_recipe_job job;
    CHECK(wm_recipe_job_build(r, &r->sections[0], "o", &job, &err) == 0);
    CHECK(job.noutputs == 3);
    CHECK_STR(job.outputs[0], "o/a.csv");
    CHECK_STR(job.outputs[1], "o/a.md");
    CHECK_STR(job.outputs[2], "o/m.png");
    CHECK_STR(job.output_names[2], "m.png");
    CHECK_STR(wm_args_get(&job.args, "map", ""), "o/m.png");
    CHECK(job.ninputs == 1);
    wm_recipe_job_free(&job);
    wm_recipe_free(r);
}

static void test_errors(void)
{
    CHECK_ERR("[render a]\noutput = a.png\n[figure b]\n",
              "t.recipe:3: unknown section kind \"figure\"");
    CHECK_ERR("[render]\n", "t.recipe:1: section [render] needs a name");
    CHECK_ERR("[render a\n", "t.recipe:1: section header \"[render a\" has no closing ]");
    CHECK_ERR("[render a] x\n", "t.recipe:1: text after the section header");
    CHECK_ERR("[render a b]\n", "t.recipe:1: section name \"a b\" may hold only");
    CHECK_ERR("[render a]\noutput = a.png\n\n[render a]\noutput = b.png\n",
              "t.recipe:4: section name \"a\" is already used at line 1");
    CHECK_ERR("layer = x.geojson\n", "t.recipe:1: \"layer\" before the first section");
    CHECK_ERR("title = a\ntitle = b\n", "t.recipe:2: title is already given at line 1");
    CHECK_ERR("[render a]\n# c\n  indented\n", "t.recipe:3: indented line continues nothing");
    CHECK_ERR("[render a]\ntitle = t\n\n  more\n", "t.recipe:4: indented line continues nothing");
    CHECK_ERR("[render a]\nreverse\n  more\n", "t.recipe:3: a flag takes no value");
    CHECK_ERR("[render a]\ntitle =\n", "t.recipe:2: title has no value");
    CHECK_ERR("[render a]\nTitle = x\n", "t.recipe:2: \"Title\" is not an option name");
    CHECK_ERR("[render a]\n--title = x\n", "t.recipe:2: \"--title\" is not an option name");
    CHECK_ERR("[render a]\no = a.png\n", "t.recipe:2: write outputs as \"output = FILE ...\"");
    CHECK_ERR("[render a]\ncaption\n", "t.recipe:2: caption needs a value");
    CHECK_ERR("[render a]\npalete = Blues\noutput = a.png\n",
              "t.recipe:2: render has no option \"palete\" (see wardmap render --help)");
    CHECK_ERR("[render a]\nreverse = yes\noutput = a.png\n", "t.recipe:2: reverse is a flag");
    CHECK_ERR("[table a]\ngeography\noutput = a.csv\n", "t.recipe:2: geography needs a value");
    CHECK_ERR("[render a]\ntitle = x\n[render b]\noutput = b.png\n",
              "t.recipe:1: [a] has no output");

    wm_error err;
    /* Nothing to make: exit 3 (issue 13, class 4), never an empty index. */
    CHECK(wm_recipe_parse("", "t.recipe", &err) == NULL);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "t.recipe: the recipe has no sections") != NULL);
    CHECK(wm_recipe_parse("# nothing\ntitle = A set\n", "t.recipe", &err) == NULL);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "no sections") != NULL);
    CHECK(wm_recipe_read("no/such/file.recipe", &err) == NULL);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "no/such/file.recipe") != NULL);
}

/* Write `text` to DIR/name; return the path (static, overwritten by the
 * next call). */
static const char *fixture(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", wm_test_tmpdir(), name);
    CHECK(wm_test_write_file(path, text) == 0);
    return path;
}

static void test_include(void)
{
    char sub[1024], top[1100];
    fixture("base.recipe", "title = Base ${area_name}\n"
                           "description = Base description\n"
                           "[render a]\n"
                           "layer = w.fgb\n"
                           "indicator = x\n"
                           "source = S1\n"
                           "source = S2\n"
                           "caption = Base caption\n"
                           "output = a.png\n"
                           "[table b]\n"
                           "geography = ward\n"
                           "output = b.csv\n");
    snprintf(sub, sizeof sub, "%s/sub", wm_test_tmpdir());
    wm_make_dirs(sub);
    snprintf(top, sizeof top, "%s/top.recipe", sub);
    CHECK(wm_test_write_file(top, "include = ../base.recipe\n"
                                  "title = Top title\n"
                                  "[parameters]\n"
                                  "area_name = Recipe area\n"
                                  "area_code = E1\n"
                                  "[render a]\n"
                                  "caption = Top caption for ${area_name}\n"
                                  "source = T1\n"
                                  "[render c]\n"
                                  "layer = w.fgb\n"
                                  "indicator = y\n"
                                  "title = ${area_code}\n"
                                  "output = c.png\n") == 0);
    wm_error err;
    wm_recipe *r = wm_recipe_read(top, &err);
    CHECK(r != NULL);
    if (!r) { fprintf(stderr, "%s\n", err.msg); return; }
    /* The included sections first, amended; the new one after. */
    CHECK(r->n == 3);
    CHECK_STR(r->sections[0].name, "a");
    CHECK_STR(r->sections[1].name, "b");
    CHECK_STR(r->sections[2].name, "c");
    CHECK(r->doc->nfiles == 1);
    char *base = wm_path_join(wm_test_tmpdir(), "base.recipe");   /* as the recipe names it, normalised */
    CHECK_STR(r->doc->files[0], base);
    const wm_recipe_section *a = &r->sections[0];
    CHECK(a->path && strcmp(a->path, base) == 0 && a->line == 3);
    CHECK(r->sections[2].path == NULL && r->sections[2].line == 9);
    CHECK_STR(wm_recipe_get(a, "indicator"), "x");                      /* kept */
    const wm_recipe_entry *cap = wm_recipe_find(a, "caption");
    CHECK(cap && cap->path == NULL && cap->line == 7);                  /* the amendment's */
    CHECK(wm_recipe_find(a, "layer")->path == r->doc->files[0]);
    CHECK_STR(r->title, "Top title");                                   /* document keys */
    CHECK_STR(r->description, "Base description");
    CHECK(r->nparams == 2);
    CHECK_STR(wm_recipe_parameter(r, "area_code"), "E1");
    CHECK(wm_recipe_parameter(r, "store") == NULL);
    /* The caller's parameters take precedence over the recipe's. */
    wm_recipe_param given[] = { { "area_name", "Caller area" } };
    CHECK(wm_recipe_bind(r, given, 1, &err) == 0);
    CHECK_STR(wm_recipe_get(a, "caption"), "Top caption for Caller area");
    CHECK_STR(wm_recipe_get(&r->sections[2], "title"), "E1");
    /* A key given in the amendment replaces all of the base's lines of it;
     * paths resolve against the folder of the recipe run. */
    wm_recipe_job job;
    CHECK(wm_recipe_job_build(r, a, "o", &job, &err) == 0);
    int n = 0;
    const char **sources = wm_args_all(&job.args, "source", &n);
    CHECK(n == 1 && strcmp(sources[0], "T1") == 0);
    char *layer = wm_path_join(sub, "w.fgb");
    CHECK_STR(wm_args_get(&job.args, "layer", ""), layer);
    free(layer);
    wm_recipe_job_free(&job);
    /* An error about an included entry names its file and line. */
    wm_error_set_about(&err, WM_EXIT_USAGE, "indicator", "x");
    const char *file = "unset";
    CHECK(wm_recipe_error_line(a, &err, &file) == 5 && file == r->doc->files[0]);
    wm_error_set_about(&err, WM_EXIT_USAGE, "caption", "x");
    CHECK(wm_recipe_error_line(a, &err, &file) == 7 && file == NULL);
    wm_recipe_free(r);
    free(base);

    /* Errors: the same name with another kind, a cycle, a missing file,
     * nesting too deep, and errors in included entries. */
    const char *p = fixture("kind.recipe", "include = base.recipe\n[table a]\noutput = a.csv\n");
    CHECK(wm_recipe_read(p, &err) == NULL);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "kind.recipe:2: [table a] has the name of [render a] in ") &&
          strstr(err.msg, "base.recipe:3"));
    fixture("cycle2.recipe", "include = cycle1.recipe\n[render y]\nlayer = w.fgb\nindicator = x\noutput = y.png\n");
    p = fixture("cycle1.recipe", "include = cycle2.recipe\n[render x]\nlayer = w.fgb\nindicator = x\noutput = x.png\n");
    CHECK(wm_recipe_read(p, &err) == NULL);
    if (!strstr(err.msg, "cycle2.recipe:1: include ")) fprintf(stderr, "  message: %s\n", err.msg);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "cycle2.recipe:1: include ") && strstr(err.msg, "cycle1.recipe: a cycle"));
    p = fixture("missing.recipe", "title = t\ninclude = nope.recipe\n[render x]\noutput = x.png\n");
    CHECK(wm_recipe_read(p, &err) == NULL);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "missing.recipe:2: include ") &&
          strstr(err.msg, "/nope.recipe: no such file"));
    fixture("deep5.recipe", "[render x]\nlayer = w.fgb\nindicator = x\noutput = x.png\n");
    for (int k = 4; k >= 0; k--) {
        char name[32], text[64];
        snprintf(name, sizeof name, "deep%d.recipe", k);
        snprintf(text, sizeof text, "include = deep%d.recipe\n", k + 1);
        p = fixture(name, text);
    }
    CHECK(wm_recipe_read(p, &err) == NULL);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "deep4.recipe:1: include ") && strstr(err.msg, "nested more than 4 deep"));
    fixture("bad.recipe", "[render a]\nlayer = w.fgb\npalete = Blues\noutput = a.png\n");
    p = fixture("uses_bad.recipe", "include = bad.recipe\n[render a]\ncaption = c\n");
    CHECK(wm_recipe_read(p, &err) == NULL);
    if (!strstr(err.msg, "/bad.recipe:3: render has no option \"palete\"")) fprintf(stderr, "  message: %s\n", err.msg);
    CHECK(strstr(err.msg, "/bad.recipe:3: render has no option \"palete\"") != NULL);
    fixture("unbound.recipe", "[render a]\nlayer = w.fgb\nindicator = x\ntitle = ${missing}\noutput = a.png\n");
    p = fixture("uses_unbound.recipe", "include = unbound.recipe\n[parameters]\nother = 1\n");
    r = wm_recipe_read(p, &err);
    CHECK(r != NULL);
    if (r) {
        CHECK(wm_recipe_bind(r, NULL, 0, &err) != 0);
        CHECK(strstr(err.msg, "/unbound.recipe:4: unknown parameter ${missing} (parameters given: other)") != NULL);
        wm_recipe_free(r);
    }
    CHECK_ERR("[parameters x]\n[render a]\noutput = a.png\n", "t.recipe:1: [parameters] takes no name");
    CHECK_ERR("[parameters]\nflag\n[render a]\noutput = a.png\n", "t.recipe:2: parameter flag needs a value");
    CHECK_ERR("[parameters]\na-b = 1\n[render a]\noutput = a.png\n", "t.recipe:2: parameter name \"a-b\" may hold only");
    CHECK_ERR("include = x.recipe\ninclude = y.recipe\n", "t.recipe:2: include is already given at line 1");
}

static void test_bundled_recipe(void)
{
    /* The bundled recipe parses, includes the generic one, and every
     * section binds (nothing left as ${...}) and builds a command. */
    wm_error err;
    wm_recipe *r = wm_recipe_read(wm_test_home_path("styles/coventry.recipe"), &err);
    CHECK(r != NULL);
    if (!r) { fprintf(stderr, "%s\n", err.msg); return; }
    CHECK(r->n >= 1);
    CHECK(r->doc->nfiles == 1);
    if (r->doc->nfiles) CHECK(strstr(r->doc->files[0], "styles/area.recipe") != NULL);
    CHECK_STR(r->sections[0].name, "deprivation_imd2019");
    const wm_recipe_param given[] = { { "store", "/stores/store.sqlite" } };
    CHECK(wm_recipe_bind(r, given, 1, &err) == 0);
    CHECK(r->title && strstr(r->title, "Coventry") && !strchr(r->title, '$'));
    int localities = 0;
    for (size_t i = 0; i < r->n; i++) {
        const wm_recipe_section *s = &r->sections[i];
        localities += s->kind == WM_RECIPE_LOCALITIES;
        for (size_t k = 0; k < s->n; k++)
            if (s->entries[k].value && strstr(s->entries[k].value, "${")) {
                fprintf(stderr, "  unbound: [%s] %s = %s\n", s->name, s->entries[k].key, s->entries[k].value);
                CHECK(0);
            }
        wm_recipe_job job;
        CHECK(wm_recipe_job_build(r, s, "out", &job, &err) == 0);
        wm_recipe_job_free(&job);
    }
    CHECK(localities == 1);
    wm_recipe_free(r);
}

int main(void)
{
    test_parse();
    test_outputs_order();
    test_paths_and_parameters();
    test_errors();
    test_include();
    test_bundled_recipe();
    return wm_test_summary();
}
