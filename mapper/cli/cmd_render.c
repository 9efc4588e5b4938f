/* wardmap render: one figure (figure.h). */
#include "commands.h"
#include "figure.h"

#include <stdio.h>

static const char render_synopsis[] =
    "--layer FILE[:LAYER] (--data TABLE --data-key FIELD --value FIELD | --indicator ID)\n"
    "                      [--method M] [--classes N] [--breaks A,B,...] [--palette NAME] [--reverse]\n"
    "                      [--title TEXT] [--subtitle TEXT] [--overlay FILE[:LAYER]] [--t-srs SRS]\n"
    "                      [--size WxH | --paper A4 [--landscape]] [--dpi N] -o OUT.png|OUT.svg|OUT.pdf";

static const char render_description[] =
    "Joins a boundary layer to an indicator table by area code (or takes a stored indicator),\n"
    "classifies the values, and draws a choropleth with title, legend (bounds, counts, No data),\n"
    "scale bar, north arrow and attribution.  Missing and suppressed values are No data, never zero.\n"
    "With --value2/--indicator2 the map is bivariate (3 x 3 classes); with --panel, small multiples.";

int wm_cmd_render(int argc, char **argv, wm_error *err)
{
    wm_args a;
    if (wm_args_parse(&a, wm_render_options, argc, argv, 0, err) != 0) return -1;
    if (a.help) {
        wm_args_usage(stdout, "render", render_synopsis, render_description, wm_render_options);
        wm_args_free(&a);
        return 0;
    }
    wm_render_spec spec;
    wm_report report;
    wm_report_init(&report);
    int rc = wm_render_spec_from_args(&a, &spec, err);
    if (rc == 0) {
        wm_store_handle store = { spec.map.store, NULL };
        rc = wm_render(&spec, &store, &report, err);
        wm_store_release(&store);
    }
    wm_cli_print_report(&report);
    wm_report_free(&report);
    wm_render_spec_free(&spec);
    wm_args_free(&a);
    return rc;
}
