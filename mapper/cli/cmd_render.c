/* wardmap render: one figure (figure.h). */
#include "commands.h"

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
    return wm_cli_operation("render", render_synopsis, render_description, argc, argv, err);
}
