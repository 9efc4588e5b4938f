/* wardmap import, indicators, table: the indicator store's commands. */
#include "args.h"
#include "commands.h"
#include "home.h"
#include "indicator_meta.h"
#include "store.h"
#include "store_import.h"
#include "store_bundled.h"
#include "text.h"
#include "text_table.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- wardmap import ---- */

const wm_option wm_import_options[] = {
    { "store", 0, WM_OPT_VALUE, "PATH", "the store (default: out/store.sqlite under the wardmap home)" },
    { "manifest", 'm', WM_OPT_VALUE, "FILE", "import a manifest: areas, links and the metadata files it lists" },
    { "bundled", 0, WM_OPT_FLAG, NULL, "rebuild the store from the bundled Coventry manifest" },
    { "id", 0, WM_OPT_VALUE, "ID", "with a TABLE: the indicator id (instead of a metadata file)" },
    { "title", 0, WM_OPT_VALUE, "TEXT", "with --id: title" },
    { "unit", 0, WM_OPT_VALUE, "UNIT", "with --id: %, count, rank, decile, score or \"rate per 100\"" },
    { "polarity", 0, WM_OPT_VALUE, "P", "with --id: \"higher is worse\", \"higher is better\" or neutral" },
    { "period", 0, WM_OPT_VALUE, "PERIOD", "with --id: the period, e.g. 2020" },
    { "geography", 0, WM_OPT_VALUE, "GEO", "with --id: the table's geography, e.g. lsoa11" },
    { "code", 0, WM_OPT_VALUE, "COLUMN", "with --id: the area-code column" },
    { "name", 0, WM_OPT_VALUE, "COLUMN", "with --id: the area-name column" },
    { "value", 0, WM_OPT_VALUE, "COLUMN", "with --id: the value column" },
    { "numerator", 0, WM_OPT_VALUE, "COLUMN", "with --id: the numerator column" },
    { "denominator", 0, WM_OPT_VALUE, "COLUMN", "with --id: the denominator column" },
    { "aggregate", 0, WM_OPT_VALUE, "METHOD", "with --id: none, sum, ratio, \"weighted mean\", ... (docs/store.md)" },
    { "weight", 0, WM_OPT_VALUE, "ID", "with --id: the weighting indicator" },
    { "apportion", 0, WM_OPT_VALUE, "ID", "with --id: the indicator that apportions counts" },
    { "to", 0, WM_OPT_VALUE, "GEO,...", "with --id: geographies to aggregate to, e.g. ward25,lad25" },
    { "publisher", 0, WM_OPT_VALUE, "TEXT", "with --id: publisher" },
    { "licence", 0, WM_OPT_VALUE, "TEXT", "with --id: licence" },
    { "family", 0, WM_OPT_VALUE, "TEXT", "with --id: family (e.g. \"fuel poverty\")" },
    { "allow-partial", 0, WM_OPT_FLAG, NULL, "import a table even when most areas get no row from it (or most rows are rejected)" },
    { "quiet", 'q', WM_OPT_FLAG, NULL, "print no report (warnings still go to standard error)" },
    { NULL, 0, 0, NULL, NULL }
};

static const char import_synopsis[] =
    "[--store PATH] (--manifest FILE | --bundled | META... | TABLE... | TABLE --id ID --title T --unit U\n"
    "                      --polarity P --period P --geography G --code COL (--value COL | --numerator COL\n"
    "                      --denominator COL) [--aggregate M --to GEO,...])";

static const char import_description[] =
    "Loads published tables into the indicator store with their metadata: a metadata file (.meta,\n"
    "by default the table's name with .meta) or the flags above.  Reports rows read, loaded,\n"
    "suppressed, rejected (with reasons) and outside the study area.  Importing an indicator and\n"
    "period again replaces it; each file is one transaction, so a failed import changes nothing.\n"
    "A table that loads no value is an error (exit 3), and so is one that leaves more than half of\n"
    "the study area's areas without a row, unless --allow-partial; fewer is a warning.";

/* 0 when everything printed on standard output reached it; else
 * WM_EXIT_IO, saying that what was `done` stands (a full disk, a closed
 * pipe: a report lost is not an import lost). */
static int stdout_checked(wm_error *err, const char *done)
{
    if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
    wm_error_set(err, WM_EXIT_IO, "standard output: cannot write the report (%s), though %s",
                 strerror(errno ? errno : EIO), done);
    return WM_EXIT_IO;
}

/* A metadata document made from the flags, for TABLE --id ID. */
static wm_meta_doc *doc_from_flags(const wm_args *a, const char *table, wm_error *err)
{
    static const char *const required[] = { "id", "title", "unit", "polarity", "period", "geography", "code", NULL };
    for (const char *const *r = required; *r; r++)
        if (!wm_args_has(a, *r)) {
            wm_error_set(err, WM_EXIT_USAGE, "import: --%s is needed with --id (or write %s)", *r,
                         "a metadata file: docs/store.md");
            return NULL;
        }
    char abs[PATH_MAX];
    if (table[0] == '/' || !getcwd(abs, sizeof abs)) snprintf(abs, sizeof abs, "%s", table);
    else {
        size_t l = strlen(abs);
        snprintf(abs + l, sizeof abs - l, "/%s", table);
    }
    char docpath[PATH_MAX + 16];
    snprintf(docpath, sizeof docpath, "%s (flags)", abs);
    wm_meta_doc *d = wm_meta_new(abs);
    free(d->path);
    d->path = strdup(docpath);
    wm_meta_section *src = wm_meta_add_section(d, "source", "", 0);
    const char *slash = strrchr(abs, '/');
    wm_meta_add(src, "table", slash ? slash + 1 : abs, 0);
    static const char *const src_keys[][2] = { { "geography", "geography" }, { "code", "code" }, { "name", "name" },
                                               { "publisher", "publisher" }, { "licence", "licence" },
                                               { "period", "period" }, { "family", "family" }, { "to", "to" } };
    for (size_t i = 0; i < sizeof src_keys / sizeof *src_keys; i++)
        if (wm_args_has(a, src_keys[i][0])) wm_meta_add(src, src_keys[i][1], wm_args_get(a, src_keys[i][0], ""), 0);
    wm_meta_section *ind = wm_meta_add_section(d, "indicator", wm_args_get(a, "id", ""), 0);
    static const char *const ind_keys[] = { "title", "unit", "polarity", "value", "numerator", "denominator",
                                            "aggregate", "weight", "apportion" };
    for (size_t i = 0; i < sizeof ind_keys / sizeof *ind_keys; i++)
        if (wm_args_has(a, ind_keys[i])) wm_meta_add(ind, ind_keys[i], wm_args_get(a, ind_keys[i], ""), 0);
    return d;
}

int wm_cmd_import(int argc, char **argv, wm_error *err)
{
    wm_args a;
    int rc = wm_args_parse(&a, wm_import_options, argc, argv, WM_MAX_POSITIONAL, err);
    if (rc == 0 && a.help) {
        wm_args_usage(stdout, "import", import_synopsis, import_description, wm_import_options);
        wm_args_free(&a);
        return 0;
    }
    if (rc != 0) { wm_args_free(&a); return WM_EXIT_USAGE; }
    const char *store_path = wm_args_get(&a, "store", NULL);
    FILE *report = wm_args_has(&a, "quiet") ? NULL : stdout;
    wm_import_settings how = { .report = report, .warnings = stderr, .allow_partial = wm_args_has(&a, "allow-partial") };
    int nsources = a.npos + wm_args_has(&a, "manifest") + wm_args_has(&a, "bundled");
    if (nsources == 0) {
        wm_args_free(&a);
        return wm_error_set(err, WM_EXIT_USAGE, "import: nothing to import (give META, TABLE, --manifest or "
                            "--bundled; see --help)");
    }
    if (wm_args_has(&a, "id") && a.npos != 1) {
        wm_args_free(&a);
        return wm_error_set(err, WM_EXIT_USAGE, "import: --id describes exactly one TABLE");
    }
    if (wm_args_has(&a, "bundled")) {
        char def[PATH_MAX];
        const char *path = store_path ? store_path : wm_store_default_path(def, sizeof def);
        rc = wm_store_build_bundled(path, err);
        if (rc == 0 && report) fprintf(report, "built %s from %s\n", path, WM_STORE_BUNDLED_MANIFEST);
        if (rc != 0 || nsources == 1) {
            wm_args_free(&a);
            return rc ? err->code : stdout_checked(err, "the store was built");
        }
    }
    /* A store this import creates is removed again if the import fails:
     * a failed import leaves the file system as it was. */
    int created = store_path && access(store_path, F_OK) != 0;
    wm_store *s = store_path ? wm_store_open(store_path, 1, err) : wm_store_open_for_reading(NULL, err);
    if (!s) {
        if (created) unlink(store_path);
        wm_args_free(&a);
        return err->code;
    }
    if (wm_args_has(&a, "manifest")) rc = wm_import_manifest_with(s, wm_args_get(&a, "manifest", ""), &how, err);
    for (int i = 0; rc == 0 && i < a.npos; i++) {
        const char *p = a.pos[i];
        if (wm_has_suffix(p, ".manifest")) {
            rc = wm_import_manifest_with(s, p, &how, err);
        } else if (wm_has_suffix(p, ".meta")) {
            rc = wm_import_meta_file_with(s, p, &how, err);
        } else if (wm_args_has(&a, "id")) {
            wm_meta_doc *d = doc_from_flags(&a, p, err);
            rc = d ? wm_import_meta_doc_with(s, d, &how, err) : -1;
            wm_meta_free(d);
        } else {
            char meta[PATH_MAX];
            wm_import_meta_path_for(p, meta, sizeof meta);
            if (access(meta, R_OK) != 0)
                rc = wm_error_set(err, WM_EXIT_USAGE, "import: %s has no metadata file %s (write one, or describe "
                                  "the table with --id and the other flags)", p, meta);
            else
                rc = wm_import_meta_file_with(s, meta, &how, err);
        }
    }
    if (rc == 0 && !store_path &&
        /* The default store now holds the user's own imports: never
         * rebuild it behind their back (see wm_store_open_for_reading). */
        sqlite3_exec(wm_store_db(s), "DELETE FROM store_info WHERE key = 'bundled_stamp'", NULL, NULL, NULL) !=
            SQLITE_OK)
        rc = wm_error_set(err, WM_EXIT_IO, "%s: the import was made, but the store could not be marked as yours "
                          "(%s): a later run may rebuild it", wm_store_path(s), sqlite3_errmsg(wm_store_db(s)));
    wm_store_close(s);
    if (rc && created) unlink(store_path);
    wm_args_free(&a);
    if (rc) return err->code ? err->code : WM_EXIT_DATA;
    return stdout_checked(err, "the import was made");
}

/* ---- wardmap indicators ---- */

const wm_option wm_indicators_options[] = {
    { "store", 0, WM_OPT_VALUE, "PATH", "the store (default: out/store.sqlite under the wardmap home)" },
    { "geography", 'g', WM_OPT_VALUE, "GEO", "only indicators with values for this geography (e.g. ward)" },
    { "family", 0, WM_OPT_VALUE, "NAME", "only this family (e.g. deprivation)" },
    { "format", 'f', WM_OPT_VALUE, "text|csv", "output format (default text)" },
    { NULL, 0, 0, NULL, NULL }
};

int wm_cmd_indicators(int argc, char **argv, wm_error *err)
{
    wm_args a;
    int rc = wm_args_parse(&a, wm_indicators_options, argc, argv, 0, err);
    if (rc == 0 && a.help) {
        wm_args_usage(stdout, "indicators", "[--store PATH] [--geography GEO] [--family NAME] [--format text|csv]",
                      "Lists the indicators the store holds: id, period, unit, the geographies it has values\n"
                      "for (with counts), title and source file.",
                      wm_indicators_options);
        wm_args_free(&a);
        return 0;
    }
    if (rc != 0) { wm_args_free(&a); return WM_EXIT_USAGE; }
    const char *format = wm_args_get(&a, "format", "text");
    if (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0) {
        wm_args_free(&a);
        return wm_error_set(err, WM_EXIT_USAGE, "indicators: --format is text or csv, not \"%s\"", format);
    }
    const char *store_path = wm_args_get(&a, "store", NULL);
    const char *family = wm_args_get(&a, "family", NULL);
    wm_indicator_meta *list = NULL;
    size_t n = 0;
    wm_store *s = wm_store_open_for_reading(store_path, err);
    if (!s) { wm_args_free(&a); return err->code; }
    if (wm_store_list_indicators(s, wm_args_get(&a, "geography", NULL), 0, &list, &n, err) != 0) {
        wm_store_close(s);
        wm_args_free(&a);
        return err->code;
    }
    int csv = strcmp(format, "csv") == 0;
    if (csv) printf("id,period,title,unit,polarity,family,geography,values,aggregation,source_file,publisher,licence\n");
    else printf("%-34s %-16s %-7s %-40s %s\n", "id", "period", "unit", "values at (areas)", "title  [source]");
    for (size_t i = 0; i < n; i++) {
        const wm_indicator_meta *m = &list[i];
        if (family && strcasecmp(family, m->family) != 0) continue;
        char geos[300];
        if (wm_store_geographies_held(s, m->id, m->period, geos, sizeof geos) != 0) {
            wm_error_set(err, WM_EXIT_DATA, "%s: cannot read the store: %s", wm_store_path(s),
                         sqlite3_errmsg(wm_store_db(s)));
            wm_store_close(s);
            free(list);
            wm_args_free(&a);
            return WM_EXIT_DATA;
        }
        if (csv) {
            const char *f[] = { m->id, m->period, m->title, m->unit, m->polarity, m->family, m->geography, geos,
                                m->aggregation, m->source_file, m->publisher, m->licence };
            for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
                if (k) putchar(',');
                wm_csv_field(stdout, f[k]);
            }
            putchar('\n');
        } else {
            printf("%-34s %-16s %-7s %-40s %s  [%s]\n", m->id, m->period, m->unit, geos, m->title, m->source_file);
        }
    }
    wm_store_close(s);
    free(list);
    wm_args_free(&a);
    if (fflush(stdout) != 0 || ferror(stdout))
        return wm_error_set(err, WM_EXIT_IO, "standard output: cannot write (%s)", strerror(errno ? errno : EIO)),
               WM_EXIT_IO;
    return 0;
}

/* ---- wardmap table ---- */

int wm_cmd_table(int argc, char **argv, wm_error *err)
{
    return wm_cli_operation("table",
                            "[--store PATH] [--geography ward] [--format csv|markdown] [-o FILE] [--all]\n"
                            "                      [--indicator ID]... [--family NAME]... [--components] [--total]",
                            "Prints or writes the indicator table for a geography: one row per area, one column per\n"
                            "indicator (the headline ones unless --all or --indicator).  Empty cells are No data.\n"
                            "Markdown rounds by unit; CSV keeps ten significant digits.",
                            argc, argv, err);
}
