#include "commands.h"
#include "operation.h"
#include "report.h"

#include <stdio.h>

#include <string.h>

const wm_command wm_commands[] = {
    { "render", wm_cmd_render, "draw one choropleth (PNG, SVG or PDF) from a boundary layer and a table or stored indicator", wm_render_options },
    { "figures", wm_cmd_figures, "make every figure, table and export of a recipe (default: the bundled Coventry set)", wm_figures_options },
    { "import", wm_cmd_import, "load a published table into the indicator store", wm_import_options },
    { "indicators", wm_cmd_indicators, "list the indicators in the store", wm_indicators_options },
    { "table", wm_cmd_table, "print or write the indicator table for a geography (CSV or Markdown)", wm_table_options },
    { "export", wm_cmd_export, "write a styled GeoPackage for GIS teams", wm_export_options },
    { "rank", wm_cmd_rank, "rank wards on a composite need index, and propose candidate localities", wm_rank_options },
    { "localities", wm_cmd_localities, "add neighbourhoods (groups of LSOAs, MSOAs or wards) to the store as a geography", wm_localities_options },
    { "profile", wm_cmd_profile, "a one-page area profile: Fingertips-style spine chart, locator map, population", wm_profile_options },
    { NULL, NULL, NULL, NULL }
};

const wm_command *wm_command_find(const char *name)
{
    for (const wm_command *c = wm_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

const wm_option *wm_command_option(const wm_command *c, const char *name)
{
    for (const wm_option *o = c->options; o && o->name; o++)
        if (strcmp(o->name, name) == 0) return o;
    return NULL;
}

int wm_command_run(int argc, char **argv, wm_error *err)
{
    const wm_command *c = argc > 0 ? wm_command_find(argv[0]) : NULL;
    if (!c) return wm_error_set(err, WM_EXIT_USAGE, "unknown command \"%s\" (see wardmap --help)",
                                argc > 0 ? argv[0] : "");
    wm_error_clear(err);
    int rc = c->run(argc, argv, err);
    if (rc != 0 && err && err->code == 0) err->code = rc;
    return rc ? (err && err->code ? err->code : rc) : 0;
}

int wm_cli_operation(const char *name, const char *synopsis, const char *description, int argc, char **argv,
                     wm_error *err)
{
    return wm_cli_operation_positional(name, synopsis, description, NULL, argc, argv, err);
}

int wm_cli_operation_positional(const char *name, const char *synopsis, const char *description,
                                const char *positional, int argc, char **argv, wm_error *err)
{
    const wm_operation *op = wm_operation_find(name);
    if (!op) return wm_error_set(err, WM_EXIT_USAGE, "unknown operation \"%s\"", name);
    wm_args a;
    if (wm_args_parse(&a, op->options, argc, argv, positional ? 1 : 0, err) != 0) {
        wm_args_free(&a);
        return -1;
    }
    if (a.help) {
        wm_args_usage(stdout, name, synopsis, description, op->options);
        wm_args_free(&a);
        return 0;
    }
    if (positional && a.npos > 0) {
        if (wm_args_has(&a, positional)) {
            wm_error_set(err, WM_EXIT_USAGE, "%s: give %s once: \"%s\" and --%s \"%s\"", name, positional, a.pos[0],
                         positional, wm_args_get(&a, positional, ""));
            wm_args_free(&a);
            return -1;
        }
        if (wm_args_set(&a, positional, a.pos[0], err) != 0) {
            wm_args_free(&a);
            return -1;
        }
    }
    wm_op_result res;
    wm_op_result_init(&res);
    int rc = op->run(&a, stdout, &res, err);
    wm_report_print(&res.report, stdout, stderr);
    wm_op_result_free(&res);
    wm_args_free(&a);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (rc == 0) wm_error_set(err, WM_EXIT_IO, "standard output: cannot write");
        rc = -1;
    }
    return rc;
}
