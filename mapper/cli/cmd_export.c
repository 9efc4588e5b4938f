/* wardmap export: one styled GeoPackage (export.h). */
#include "commands.h"

#include <stdio.h>

static const char export_synopsis[] =
    "--layer FILE[:LAYER] (--indicator ID | --data TABLE --data-key FIELD --value FIELD)\n"
    "                      [--method M] [--classes N] [--breaks A,B,...] [--palette NAME] [--reverse]\n"
    "                      [--store PATH] [--layer-name NAME] [--mapped-only] [--force | --append] -o OUT.gpkg";

static const char export_description[] =
    "Writes a GeoPackage (British National Grid unless --t-srs) that opens styled in QGIS: the mapped\n"
    "layer with every stored indicator of its geography as a column, plus the mapped value's class,\n"
    "class label and colour; the store's other geographies (LSOAs, MSOAs, wards) with their\n"
    "indicators; an indicator_metadata table (title, unit, period, publisher, source, licence,\n"
    "aggregation); and layer_styles rows QGIS loads by default: a graduated renderer with the same\n"
    "classes, colours and legend labels (with counts) as `render` draws from the same options, and\n"
    "labels on the area names, with an SLD version.  The file is written under a temporary name and\n"
    "renamed into place: an interrupted export never leaves a broken file, and an existing file is\n"
    "only replaced with --force.  Missing and suppressed values are NULL, never zero.";

int wm_cmd_export(int argc, char **argv, wm_error *err)
{
    return wm_cli_operation("export", export_synopsis, export_description, argc, argv, err);
}
