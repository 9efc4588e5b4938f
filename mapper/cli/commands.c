#include "commands.h"
#include "figure.h"
#include "export.h"
#include "rank.h"
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
    { "rank", wm_cmd_rank, "rank wards on a composite need index", wm_rank_options },
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

void wm_cli_print_report(const wm_report *report)
{
    wm_report_print(report, stdout, stderr);
}
