/* bench_jenks -- time exact Fisher-Jenks on one column of a real table.
 *
 *   bench_jenks FILE COLUMN [REPEATS]
 *
 * Reads the column through table.h/number.h (No data is left out, as
 * wm_classify does), sorts it once, then times wm_jenks_sorted for k = 5
 * and k = 10, and wm_classify (which also copies and sorts) for k = 10,
 * printing the best of REPEATS (default 5) wall-clock runs in seconds.
 */
#include "classify.h"
#include "error.h"
#include "join.h"
#include "number.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_jenks FILE COLUMN [REPEATS]\n");
        return WM_EXIT_USAGE;
    }
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    if (repeats < 1) repeats = 1;
    wm_error err;
    wm_gdal_init();
    wm_table *t = wm_table_read(argv[1], &err);
    if (!t) { fprintf(stderr, "bench_jenks: %s\n", err.msg); return err.code; }
    int col = wm_table_require_column(t, argv[2], &err);
    if (col < 0) { fprintf(stderr, "bench_jenks: %s\n", err.msg); wm_table_free(t); return err.code; }

    double *all = malloc((t->nrows ? t->nrows : 1) * sizeof *all);
    double *x = malloc((t->nrows ? t->nrows : 1) * sizeof *x);
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        double v = NAN;
        wm_number_parse(wm_table_cell(t, r, col), &v);
        all[r] = v;
        if (!isnan(v)) x[n++] = v;
    }
    qsort(x, n, sizeof *x, cmp_double);
    char nbuf[32], dbuf[32];
    printf("%s: column \"%s\": %s values, %s No data\n", argv[1], argv[2],
           wm_format_count(n, nbuf, sizeof nbuf), wm_format_count(t->nrows - n, dbuf, sizeof dbuf));

    const int ks[] = {5, 10};
    for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
        double lower[WM_MAX_CLASSES], best = INFINITY;
        int got = 0;
        for (int r = 0; r < repeats; r++) {
            double t0 = now();
            got = wm_jenks_sorted(x, n, ks[i], lower);
            double dt = now() - t0;
            if (dt < best) best = dt;
        }
        printf("wm_jenks_sorted k=%d: %.4f s (best of %d); lower bounds:", ks[i], best, repeats);
        for (int c = 0; c < got; c++) printf(" %g", lower[c]);
        printf("\n");
    }

    double best = INFINITY;
    wm_classes cls;
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        if (wm_classify(all, t->nrows, WM_CLASS_JENKS, 10, NULL, 0, &cls, &err) != 0) {
            fprintf(stderr, "bench_jenks: %s\n", err.msg);
            break;
        }
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    printf("wm_classify jenks k=10 (copy, sort, breaks, counts, labels): %.4f s (best of %d)\n",
           best, repeats);
    free(all);
    free(x);
    wm_table_free(t);
    return 0;
}
