#include "operation.h"
#include "export.h"
#include "render.h"
#include "indicator_table.h"
#include "profile.h"
#include "rank.h"
#include "localities.h"

#include <string.h>

static int run_render(const wm_args *a, FILE *out, wm_op_result *res, wm_error *err)
{
    (void)out;
    wm_render_spec spec;
    int rc = wm_render_spec_from_args(a, &spec, err);
    if (rc == 0) {
        wm_store_handle store = { spec.map.store, NULL };
        rc = wm_render(&spec, &store, &res->report, err);
        wm_store_release(&store);
    }
    wm_render_spec_free(&spec);
    return rc;
}

static int run_export(const wm_args *a, FILE *out, wm_op_result *res, wm_error *err)
{
    (void)out;
    wm_export_spec spec;
    if (wm_export_spec_from_args(a, &spec, err) != 0) return -1;
    wm_store_handle store = { spec.map.store, NULL };
    int rc = wm_export(&spec, &store, &res->report, err);
    wm_store_release(&store);
    return rc;
}

static int run_table(const wm_args *a, FILE *out, wm_op_result *res, wm_error *err)
{
    wm_table_spec spec;
    if (wm_table_spec_from_args(a, &spec, err) != 0) return -1;
    wm_store_handle store = { spec.store, NULL };
    int rc = wm_indicator_table(&spec, &store, out, &res->report, &res->table, err);
    wm_store_release(&store);
    return rc;
}

static int run_rank(const wm_args *a, FILE *out, wm_op_result *res, wm_error *err)
{
    wm_rank_spec spec;
    if (wm_rank_spec_from_args(a, &spec, err) != 0) return -1;
    wm_store_handle store = { spec.store, NULL };
    int rc = wm_rank(&spec, &store, out, &res->report, &res->table, err);
    wm_store_release(&store);
    return rc;
}

static int run_profile(const wm_args *a, FILE *out, wm_op_result *res, wm_error *err)
{
    (void)out;
    wm_profile_spec spec;
    int rc = wm_profile_spec_from_args(a, &spec, err);
    if (rc == 0) {
        wm_store_handle store = { spec.store, NULL };
        rc = wm_profile(&spec, &store, &res->report, err);
        wm_store_release(&store);
    }
    wm_profile_spec_free(&spec);
    return rc;
}

static int run_localities(const wm_args *a, FILE *out, wm_op_result *res, wm_error *err)
{
    (void)out;
    wm_localities_spec spec;
    if (wm_localities_spec_from_args(a, &spec, err) != 0) return -1;
    wm_store_handle store = { spec.store, NULL };
    int rc = wm_localities(&spec, &store, &res->report, err);
    wm_store_release(&store);
    return rc;
}

const wm_operation wm_operations[] = {
    { "localities", "add neighbourhoods (groups of LSOAs, MSOAs or wards) to the store as a geography",
      wm_localities_options, run_localities, 1 },
    { "render", "draw one choropleth (PNG, SVG or PDF) from a boundary layer and a table or stored indicator",
      wm_render_options, run_render, 0 },
    { "export", "write a styled GeoPackage for GIS teams", wm_export_options, run_export, 0 },
    { "table", "print or write the indicator table for a geography (CSV or Markdown)", wm_table_options, run_table, 0 },
    { "rank", "rank wards on a composite need index", wm_rank_options, run_rank, 0 },
    { "profile", "a one-page profile of an area: a Fingertips-style spine chart, a locator map, its population",
      wm_profile_options, run_profile, 0 },
    { NULL, NULL, NULL, NULL, 0 }
};

const wm_operation *wm_operation_find(const char *name)
{
    for (const wm_operation *o = wm_operations; name && o->name; o++)
        if (strcmp(o->name, name) == 0) return o;
    return NULL;
}

void wm_op_result_init(wm_op_result *res)
{
    wm_report_init(&res->report);
    res->table = NULL;
}

void wm_op_result_free(wm_op_result *res)
{
    if (!res) return;
    wm_report_free(&res->report);
    wm_text_table_free(res->table);
    res->table = NULL;
}
