#include "map_spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const wm_option wm_map_options[] = { WM_MAP_OPTIONS, { NULL, 0, 0, NULL, NULL } };

int wm_map_spec_from_args(const wm_args *a, wm_map_spec *spec, wm_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->layer = wm_args_get(a, "layer", NULL);
    if (!spec->layer && !(wm_args_get(a, "geography", NULL) && wm_args_get(a, "indicator", NULL)))
        return wm_error_set_about(err, WM_EXIT_USAGE, "layer", "--layer is required (or --geography G with a stored "
                                  "--indicator: the store's boundary layer of G)");
    spec->key = wm_args_get(a, "key", NULL);
    spec->name_field = wm_args_get(a, "name-field", NULL);
    spec->t_srs = wm_args_get(a, "t-srs", NULL);
    spec->where = wm_args_get(a, "where", NULL);
    spec->sql = wm_args_get(a, "sql", NULL);
    spec->var.data = wm_args_get(a, "data", NULL);
    spec->var.data_key = wm_args_get(a, "data-key", NULL);
    spec->var.value = wm_args_get(a, "value", NULL);
    spec->var.indicator = wm_args_get(a, "indicator", NULL);
    if (!spec->var.data == !spec->var.indicator)
        return wm_error_set_about(err, WM_EXIT_USAGE, "data", "give either --data (a table) or --indicator (from the store)");
    spec->bivariate = wm_args_has(a, "value2") || wm_args_has(a, "indicator2");
    if (spec->bivariate) {
        spec->var2.data = wm_args_get(a, "data2", spec->var.data);
        spec->var2.data_key = wm_args_get(a, "data2-key", spec->var.data_key);
        spec->var2.value = wm_args_get(a, "value2", NULL);
        spec->var2.indicator = wm_args_get(a, "indicator2", NULL);
    }
    spec->store = wm_args_get(a, "store", NULL);
    spec->period = wm_args_get(a, "period", NULL);
    spec->geography = wm_args_get(a, "geography", NULL);
    spec->style = wm_args_get(a, "style", NULL);

    const char *method = wm_args_get(a, "method", NULL);
    if (method) {
        if (wm_class_method_parse(method, &spec->method) != 0)
            return wm_error_set_about(err, WM_EXIT_USAGE, "method", "--method \"%s\": use quantile, equal, jenks, manual or categorical", method);
        spec->method_given = 1;
    }
    if (wm_args_int(a, "classes", 0, 1, WM_MAX_CLASSES, &spec->classes, err) != 0) return -1;
    const char *breaks = wm_args_get(a, "breaks", NULL);
    if (breaks) {
        spec->nbreaks = wm_parse_number_list(breaks, spec->breaks, WM_MAP_MAX_BREAKS);
        if (spec->nbreaks < 0)
            return wm_error_set_about(err, WM_EXIT_USAGE, "breaks", "--breaks \"%s\" is not a comma-separated list of numbers",
                                breaks);
        /* Breaks without a method are manual classes. */
        if (!spec->method_given) {
            spec->method = WM_CLASS_MANUAL;
            spec->method_given = 1;
        }
    }
    if (spec->bivariate) {
        int k = spec->classes ? spec->classes : 3;
        int method_ok = !spec->method_given || spec->method == WM_CLASS_QUANTILE ||
                        spec->method == WM_CLASS_EQUAL || spec->method == WM_CLASS_JENKS;
        if (k != 3 || !method_ok)
            return wm_error_set_about(err, WM_EXIT_USAGE, "classes", "a bivariate map uses 3 classes of each variable (quantile, equal or jenks)");
        spec->classes = 3;
    }
    if (wm_args_has(a, "reference")) {
        const char *ref = wm_args_get(a, "reference", "");
        char *end;
        spec->reference = strtod(ref, &end);
        if (end == ref || (*end && *end != ':') || !isfinite(spec->reference))
            return wm_error_set_about(err, WM_EXIT_USAGE, "reference", "--reference \"%s\": use VALUE or VALUE:TEXT", ref);
        spec->reference_label = *end == ':' ? end + 1 : NULL;
        spec->has_reference = 1;
    }
    spec->reference_area = wm_args_get(a, "reference-area", NULL);
    if (spec->reference_area && !spec->var.indicator)
        return wm_error_set_about(err, WM_EXIT_USAGE, "reference-area", "--reference-area needs --indicator (a value from the store)");

    if (wm_args_double(a, "coverage-threshold", 50, &spec->coverage_threshold, err) != 0) return -1;
    if (spec->coverage_threshold < 0 || spec->coverage_threshold > 100)
        return wm_error_set_about(err, WM_EXIT_USAGE, "coverage-threshold",
                                  "--coverage-threshold is a percentage from 0 to 100");
    spec->hide_low_coverage = wm_args_has(a, "hide-low-coverage");
    spec->allow_partial = wm_args_has(a, "allow-partial");
    const char *compare = wm_args_get(a, "compare", NULL);
    if (compare) {
        if (strcmp(compare, "authority") == 0) spec->compare = WM_COMPARE_AUTHORITY;
        else if (strcmp(compare, "england") == 0) spec->compare = WM_COMPARE_ENGLAND;
        else
            return wm_error_set_about(err, WM_EXIT_USAGE, "compare", "--compare \"%s\": use authority or england",
                                      compare);
        if (!spec->var.indicator || spec->bivariate)
            return wm_error_set_about(err, WM_EXIT_USAGE, "compare",
                                      "--compare needs one stored --indicator (its confidence limits)");
        if (spec->method_given || spec->nbreaks || spec->classes)
            return wm_error_set_about(err, WM_EXIT_USAGE, "compare",
                                      "--compare draws three classes of its own (higher, similar, lower); leave out "
                                      "--method, --breaks and --classes");
    }
    spec->change_from = wm_args_get(a, "change-from", NULL);
    spec->change_lo = spec->change_hi = 1;
    const char *cls = wm_args_get(a, "change-class", NULL);
    if (cls) {
        char *end;
        spec->change_lo = spec->change_hi = strtod(cls, &end);
        if (end != cls && *end == '-') spec->change_hi = strtod(end + 1, &end);
        if (end == cls || *end || !isfinite(spec->change_lo) || !isfinite(spec->change_hi) ||
            spec->change_hi < spec->change_lo)
            return wm_error_set_about(err, WM_EXIT_USAGE, "change-class", "--change-class \"%s\": use LO or LO-HI, e.g. 1 or 1-2",
                                      cls);
    }
    if (spec->change_from && (!spec->var.indicator || spec->bivariate || spec->compare))
        return wm_error_set_about(err, WM_EXIT_USAGE, "change-from",
                                  "--change-from needs one stored --indicator (the later one) and no --compare");
    if (spec->change_from && (spec->method_given || spec->nbreaks || spec->classes))
        return wm_error_set_about(err, WM_EXIT_USAGE, "change-from",
                                  "--change-from draws four classes of its own; leave out --method, --breaks and --classes");
    spec->labels = wm_args_get(a, "labels", NULL);
    spec->palette = wm_args_get(a, "palette", NULL);
    spec->reverse = wm_args_has(a, "reverse");
    spec->legend_title = wm_args_get(a, "legend-title", NULL);
    spec->legend_title2 = wm_args_get(a, "legend-title2", NULL);
    spec->unit = wm_args_get(a, "unit", NULL);
    int ns = 0;
    const char **sources = wm_args_all(a, "source", &ns);
    for (int i = 0; i < ns && spec->nsources < WM_MAP_MAX_SOURCES; i++) spec->sources[spec->nsources++] = sources[i];
    return 0;
}
