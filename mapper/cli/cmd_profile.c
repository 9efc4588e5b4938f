/* wardmap profile: a one-page area profile (figures/profile.h). */
#include "commands.h"

#include <stdio.h>

static const char profile_synopsis[] =
    "AREA [--geography ward] [--indicators A,B,...] [--benchmark authority|england]\n"
    "                       [--layer FILE[:LAYER]] [--spread ward] [--paper A4 [--landscape]]\n"
    "                       -o OUT.png -o OUT.svg -o OUT.pdf";

static const char profile_description[] =
    "A one-page profile of an area (a ward by default, or an area of any geography the store\n"
    "holds), as public-health analysts read OHID's Fingertips profiles: a spine chart with one row\n"
    "per indicator (the area's value with its 95% interval and count, the local authority's value,\n"
    "England's where the store holds it, and a bar spanning the authority's wards from the worst to\n"
    "the best, 25th to 75th percentile darker, with the area's mark coloured by its comparison with\n"
    "the benchmark), a locator map, the area's population and the sources.  AREA is a code or a\n"
    "published name (\"St Michael's\"); the authority is the one the store's links put it in.\n"
    "Estimates (*) and values covering too little of the area (dagger) are flagged; No data is\n"
    "never zero.";

int wm_cmd_profile(int argc, char **argv, wm_error *err)
{
    return wm_cli_operation_positional("profile", profile_synopsis, profile_description, "area", argc, argv, err);
}
