/* wardmap localities: neighbourhoods added to the store (localities.h). */
#include "commands.h"

static const char localities_description[] =
    "Adds the council's neighbourhoods to the indicator store as a geography of their own.  A\n"
    "locality is a group of LSOAs, MSOAs or wards, named by code or by published name (the House\n"
    "of Commons Library MSOA names such as \"Henley Green & Wood End\", ONS names, ward names; say\n"
    "msoa:NAME or ward:NAME when a name is both).  Its boundary is its LSOAs dissolved, written\n"
    "as a GeoPackage; every stored indicator is aggregated to it by the rules that make the ward\n"
    "figures.  Then maps, tables and exports take --geography locality.";

static const char localities_synopsis[] =
    "[--store PATH] [--file LOCALITIES.csv] [--locality NAME=AREA;AREA...]...\n"
    "                    [--geography locality] [--boundaries FILE.gpkg]";

int wm_cmd_localities(int argc, char **argv, wm_error *err)
{
    return wm_cli_operation("localities", localities_synopsis, localities_description, argc, argv, err);
}
