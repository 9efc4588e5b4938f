/* wardmap import, indicators, table: the indicator store's commands. */
#include "args.h"
#include "commands.h"
#include "home.h"
#include "indicator_meta.h"
#include "store.h"
#include "store_import.h"
#include "store_bundled.h"

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
    { "quiet", 'q', WM_OPT_FLAG, NULL, "print no report" },
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
    "period again replaces it; each file is one transaction, so a failed import changes nothing.";

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
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
        if (rc != 0 || nsources == 1) { wm_args_free(&a); return rc ? err->code : 0; }
    }
    wm_store *s = store_path ? wm_store_open(store_path, 1, err) : wm_store_open_for_reading(NULL, err);
    if (!s) { wm_args_free(&a); return err->code; }
    if (wm_args_has(&a, "manifest")) rc = wm_import_manifest(s, wm_args_get(&a, "manifest", ""), report, err);
    for (int i = 0; rc == 0 && i < a.npos; i++) {
        const char *p = a.pos[i];
        if (ends_with(p, ".manifest")) {
            rc = wm_import_manifest(s, p, report, err);
        } else if (ends_with(p, ".meta")) {
            rc = wm_import_meta_file(s, p, report, err);
        } else if (wm_args_has(&a, "id")) {
            wm_meta_doc *d = doc_from_flags(&a, p, err);
            rc = d ? wm_import_meta_doc(s, d, report, err) : -1;
            wm_meta_free(d);
        } else {
            char meta[PATH_MAX];
            wm_import_meta_path_for(p, meta, sizeof meta);
            if (access(meta, R_OK) != 0)
                rc = wm_error_set(err, WM_EXIT_USAGE, "import: %s has no metadata file %s (write one, or describe "
                                  "the table with --id and the other flags)", p, meta);
            else
                rc = wm_import_meta_file(s, meta, report, err);
        }
    }
    if (rc == 0 && !store_path)
        /* The default store now holds the user's own imports: never
         * rebuild it behind their back (see wm_store_open_for_reading). */
        sqlite3_exec(wm_store_db(s), "DELETE FROM store_info WHERE key = 'bundled_stamp'", NULL, NULL, NULL);
    wm_store_close(s);
    wm_args_free(&a);
    return rc ? (err->code ? err->code : WM_EXIT_DATA) : 0;
}

/* ---- wardmap indicators ---- */

const wm_option wm_indicators_options[] = {
    { "store", 0, WM_OPT_VALUE, "PATH", "the store (default: out/store.sqlite under the wardmap home)" },
    { "geography", 'g', WM_OPT_VALUE, "GEO", "only indicators with values for this geography (e.g. ward)" },
    { "family", 0, WM_OPT_VALUE, "NAME", "only this family (e.g. deprivation)" },
    { "format", 'f', WM_OPT_VALUE, "text|csv", "output format (default text)" },
    { NULL, 0, 0, NULL, NULL }
};

static void csv_field(FILE *fp, const char *s)
{
    if (!s) s = "";
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', fp);
        for (; *s; s++) {
            if (*s == '"') fputc('"', fp);
            fputc(*s, fp);
        }
        fputc('"', fp);
    } else {
        fputs(s, fp);
    }
}

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
        wm_store_geographies_held(s, m->id, m->period, geos, sizeof geos);
        if (csv) {
            const char *f[] = { m->id, m->period, m->title, m->unit, m->polarity, m->family, m->geography, geos,
                                m->aggregation, m->source_file, m->publisher, m->licence };
            for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
                if (k) putchar(',');
                csv_field(stdout, f[k]);
            }
            putchar('\n');
        } else {
            printf("%-34s %-16s %-7s %-40s %s  [%s]\n", m->id, m->period, m->unit, geos, m->title, m->source_file);
        }
    }
    wm_store_close(s);
    free(list);
    wm_args_free(&a);
    return 0;
}

/* ---- wardmap table ---- */

const wm_option wm_table_options[] = {
    { "store", 0, WM_OPT_VALUE, "PATH", "the store (default: out/store.sqlite under the wardmap home)" },
    { "geography", 'g', WM_OPT_VALUE, "GEO", "the areas to list (default ward)" },
    { "format", 'f', WM_OPT_VALUE, "csv|markdown", "output format (default markdown, or from -o's extension)" },
    { "output", 'o', WM_OPT_VALUE, "FILE", "write to FILE instead of standard output" },
    { "indicator", 'i', WM_OPT_REPEAT, "ID", "only this indicator (repeat for several)" },
    { "family", 0, WM_OPT_REPEAT, "NAME", "only indicators of this family (repeat for several)" },
    { "all", 0, WM_OPT_FLAG, NULL, "every indicator with values at the geography, not only the headline ones" },
    { "components", 0, WM_OPT_FLAG, NULL, "add numerator, denominator and number of areas for each value" },
    { "total", 0, WM_OPT_FLAG, NULL, "add a row for each parent area (e.g. the local authority)" },
    { "decimals", 0, WM_OPT_VALUE, "N", "decimal places for every value (default: by unit)" },
    { NULL, 0, 0, NULL, NULL }
};

static int default_decimals(const char *unit, int csv)
{
    if (csv) return -1;   /* full precision */
    if (strcmp(unit, "%") == 0 || strcmp(unit, "rate per 100") == 0) return 1;
    if (strcmp(unit, "score") == 0) return 2;
    return 0;
}

static void format_number(char *buf, size_t size, double v, int decimals)
{
    if (isnan(v)) { snprintf(buf, size, "%s", ""); return; }
    if (decimals < 0) snprintf(buf, size, "%.10g", v);
    else snprintf(buf, size, "%.*f", decimals, v);
}

typedef struct table_column {
    wm_indicator_meta meta;
    int decimals;
} table_column;

typedef struct table_cell {
    double value, num, den;
    int n_areas, present;
} table_cell;

static int compare_value_code(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const wm_store_value *)elem)->area_code);
}

/* Fill cells[row] for one indicator at one geography. */
static int fill_cells(wm_store *s, const table_column *col, const char *geo, char **codes, size_t nrows,
                      table_cell *cells, size_t stride)
{
    wm_store_value *v = NULL;
    size_t n = 0;
    wm_error ignore;
    if (wm_store_read_values(s, col->meta.id, col->meta.period, geo, &v, &n, &ignore) != 0) return -1;
    for (size_t r = 0; r < nrows; r++) {
        const wm_store_value *hit = bsearch(codes[r], v, n, sizeof *v, compare_value_code);
        if (!hit) continue;
        table_cell *c = &cells[r * stride];
        c->present = 1;
        c->value = hit->value;
        c->num = hit->numerator;
        c->den = hit->denominator;
        c->n_areas = hit->n_areas;
    }
    free(v);
    return 0;
}

static void md_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", fp);
        else fputc(*s, fp);
    }
}

int wm_cmd_table(int argc, char **argv, wm_error *err)
{
    wm_args a;
    int rc = wm_args_parse(&a, wm_table_options, argc, argv, 0, err);
    if (rc == 0 && a.help) {
        wm_args_usage(stdout, "table",
                      "[--store PATH] [--geography ward] [--format csv|markdown] [-o FILE] [--all]\n"
                      "                      [--indicator ID]... [--family NAME]... [--components] [--total]",
                      "Prints or writes the indicator table for a geography: one row per area, one column per\n"
                      "indicator (the headline ones unless --all or --indicator).  Empty cells are No data.\n"
                      "Markdown rounds by unit; CSV keeps ten significant digits.",
                      wm_table_options);
        wm_args_free(&a);
        return 0;
    }
    if (rc != 0) { wm_args_free(&a); return WM_EXIT_USAGE; }
    const char *store_path = wm_args_get(&a, "store", NULL);
    const char *out_path = wm_args_get(&a, "output", NULL);
    const char *format = wm_args_get(&a, "format", out_path && ends_with(out_path, ".csv") ? "csv" : "markdown");
    if (strcmp(format, "csv") != 0 && strcmp(format, "markdown") != 0 && strcmp(format, "md") != 0) {
        wm_args_free(&a);
        return wm_error_set(err, WM_EXIT_USAGE, "table: --format is csv or markdown, not \"%s\"", format);
    }
    int csv = strcmp(format, "csv") == 0;
    int decimals_given = wm_args_has(&a, "decimals");
    int decimals = 0;
    if (wm_args_int(&a, "decimals", 0, 0, 12, &decimals, err) != 0) { wm_args_free(&a); return WM_EXIT_USAGE; }
    int components = wm_args_has(&a, "components");
    int nind = 0, nfam = 0;
    const char **want = wm_args_all(&a, "indicator", &nind);
    const char **families = wm_args_all(&a, "family", &nfam);
    const char *geography = wm_args_get(&a, "geography", "ward");

    wm_store *s = wm_store_open_for_reading(store_path, err);
    if (!s) { wm_args_free(&a); return err->code; }
    sqlite3 *db = wm_store_db(s);
    char geo[32];
    wm_store_match_geography(s, NULL, geography, geo, sizeof geo, err);
    wm_indicator_meta *list = NULL;
    size_t nlist = 0;
    table_column *cols = NULL;
    size_t ncols = 0;
    char **codes = NULL, **names = NULL;
    size_t nrows = 0, nmain = 0;
    table_cell *cells = NULL;
    FILE *fp = NULL;
    char tmp[PATH_MAX + 32] = "";
    rc = 0;
    if (!*geo) {
        rc = wm_error_set(err, WM_EXIT_USAGE, "table: the store has no %s areas", geography);
        goto done;
    }
    if (wm_store_list_indicators(s, geo, !(wm_args_has(&a, "all") || nind > 0), &list, &nlist, err) != 0) {
        rc = err->code;
        goto done;
    }
    cols = calloc(nlist + 1, sizeof *cols);
    for (int w = 0; w < (nind > 0 ? nind : 1); w++)
        for (size_t i = 0; i < nlist; i++) {
            if (nind > 0 && strcmp(list[i].id, want[w]) != 0) continue;
            int fam_ok = nfam == 0;
            for (int f = 0; f < nfam; f++)
                if (strcasecmp(families[f], list[i].family) == 0) fam_ok = 1;
            if (!fam_ok) continue;
            cols[ncols].meta = list[i];
            cols[ncols].decimals = decimals_given ? decimals : default_decimals(list[i].unit, csv);
            ncols++;
        }
    for (int w = 0; w < nind; w++) {
        int found = 0;
        for (size_t i = 0; i < ncols; i++) found |= strcmp(cols[i].meta.id, want[w]) == 0;
        if (!found) {
            rc = wm_error_set(err, WM_EXIT_USAGE, "table: indicator %s has no %s values in %s (see wardmap indicators)",
                              want[w], geo, wm_store_path(s));
            goto done;
        }
    }
    if (ncols == 0) {
        rc = wm_error_set(err, WM_EXIT_USAGE, "table: no indicator has values for %s areas", geo);
        goto done;
    }
    /* Rows: the areas, then (with --total) their parents. */
    {
        sqlite3_stmt *q = NULL;
        const char *sql =
            "SELECT code, name FROM (SELECT code, name, 0 AS k FROM areas WHERE geography = ?1 "
            "UNION ALL SELECT DISTINCT a.code, a.name, 1 FROM area_links l JOIN areas a ON "
            "a.geography = l.parent_geography AND a.code = l.parent_code WHERE l.child_geography = ?1 AND ?2) "
            "ORDER BY k, code";
        sqlite3_prepare_v2(db, sql, -1, &q, NULL);
        sqlite3_bind_text(q, 1, geo, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 2, wm_args_has(&a, "total"));
        size_t cap = 32;
        codes = malloc(cap * sizeof *codes);
        names = malloc(cap * sizeof *names);
        while (sqlite3_step(q) == SQLITE_ROW) {
            if (nrows == cap) {
                cap *= 2;
                codes = realloc(codes, cap * sizeof *codes);
                names = realloc(names, cap * sizeof *names);
            }
            codes[nrows] = strdup((const char *)sqlite3_column_text(q, 0));
            names[nrows] = strdup(sqlite3_column_text(q, 1) ? (const char *)sqlite3_column_text(q, 1) : "");
            nrows++;
        }
        sqlite3_finalize(q);
    }
    cells = calloc(nrows * ncols + 1, sizeof *cells);
    for (size_t r = 0; r < nrows * ncols; r++) cells[r].value = cells[r].num = cells[r].den = NAN;
    /* Main rows first, then parents at whatever geography they are. */
    {
        sqlite3_stmt *q = NULL;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM areas WHERE geography = ?", -1, &q, NULL);
        sqlite3_bind_text(q, 1, geo, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) nmain = (size_t)sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    for (size_t c = 0; c < ncols; c++) {
        fill_cells(s, &cols[c], geo, codes, nmain, &cells[c], ncols);
        if (nrows > nmain) {
            sqlite3_stmt *q = NULL;
            sqlite3_prepare_v2(db, "SELECT DISTINCT parent_geography FROM area_links WHERE child_geography = ?", -1,
                               &q, NULL);
            sqlite3_bind_text(q, 1, geo, -1, SQLITE_STATIC);
            while (sqlite3_step(q) == SQLITE_ROW)
                fill_cells(s, &cols[c], (const char *)sqlite3_column_text(q, 0), codes + nmain, nrows - nmain,
                           &cells[nmain * ncols + c], ncols);
            sqlite3_finalize(q);
        }
    }

    if (out_path) {
        snprintf(tmp, sizeof tmp, "%s.%ld.tmp", out_path, (long)getpid());
        fp = fopen(tmp, "w");
        if (!fp) {
            rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot write: %s", out_path, strerror(errno));
            tmp[0] = '\0';
            goto done;
        }
    } else {
        fp = stdout;
    }
    /* Header. */
    if (csv) {
        fprintf(fp, "area_code,area_name");
        for (size_t c = 0; c < ncols; c++) {
            fprintf(fp, ",%s", cols[c].meta.id);
            if (components)
                fprintf(fp, ",%s_numerator,%s_denominator,%s_n_areas", cols[c].meta.id, cols[c].meta.id,
                        cols[c].meta.id);
        }
        fputc('\n', fp);
    } else {
        fprintf(fp, "| Code | Name |");
        for (size_t c = 0; c < ncols; c++) {
            fputc(' ', fp);
            md_text(fp, cols[c].meta.label);
            fprintf(fp, " (%s) |", cols[c].meta.unit);
            if (components) fprintf(fp, " numerator | denominator | areas |");
        }
        fprintf(fp, "\n|---|---|");
        for (size_t c = 0; c < ncols; c++) fprintf(fp, components ? "---:|---:|---:|---:|" : "---:|");
        fputc('\n', fp);
    }
    for (size_t r = 0; r < nrows; r++) {
        if (csv) {
            csv_field(fp, codes[r]);
            fputc(',', fp);
            csv_field(fp, names[r]);
        } else {
            fprintf(fp, "| %s | ", codes[r]);
            md_text(fp, names[r]);
            fprintf(fp, " |");
        }
        for (size_t c = 0; c < ncols; c++) {
            const table_cell *x = &cells[r * ncols + c];
            char v[64], n[64], d[64];
            format_number(v, sizeof v, x->value, cols[c].decimals);
            format_number(n, sizeof n, x->num, csv ? -1 : 1);
            format_number(d, sizeof d, x->den, csv ? -1 : 1);
            if (csv) {
                fprintf(fp, ",%s", v);
                if (components) {
                    fprintf(fp, ",%s,%s,", n, d);
                    if (x->present) fprintf(fp, "%d", x->n_areas);
                }
            } else {
                fprintf(fp, " %s |", v);
                if (components) {
                    fprintf(fp, " %s | %s | ", n, d);
                    if (x->present) fprintf(fp, "%d", x->n_areas);
                    fprintf(fp, " |");
                }
            }
        }
        fputc('\n', fp);
    }
    if (!csv) {
        /* Sources under the table: where every column came from. */
        fprintf(fp, "\nEmpty cells are No data.  Columns and sources:\n\n");
        for (size_t c = 0; c < ncols; c++)
            fprintf(fp, "- %s: %s (%s, id %s). %s, %s, %s; aggregation: %s.%s%s\n", cols[c].meta.label,
                    cols[c].meta.title, cols[c].meta.period, cols[c].meta.id, cols[c].meta.publisher,
                    cols[c].meta.source_file, cols[c].meta.licence, cols[c].meta.aggregation,
                    *cols[c].meta.notes ? " " : "", cols[c].meta.notes);
    }
    if (out_path) {
        int bad = ferror(fp);
        if (fclose(fp) != 0 || bad) {
            rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot write: %s", out_path, strerror(errno));
        } else if (rename(tmp, out_path) != 0) {
            rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot write: %s", out_path, strerror(errno));
        } else {
            tmp[0] = '\0';
        }
        fp = NULL;
    }
done:
    if (tmp[0]) unlink(tmp);
    for (size_t r = 0; r < nrows; r++) { free(codes[r]); free(names[r]); }
    free(codes);
    free(names);
    free(cells);
    free(cols);
    free(list);
    wm_store_close(s);
    wm_args_free(&a);
    return rc ? (err->code ? err->code : WM_EXIT_DATA) : 0;
}
