#include "spread.h"

#include <math.h>
#include <stdlib.h>

double wm_quantile_sorted(const double *x, size_t n, double p)
{
    if (n == 0) return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1) return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int wm_spread_of(const double *v, size_t n, wm_spread *out)
{
    *out = (wm_spread){ 0, NAN, NAN, NAN, NAN };
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) x[k++] = v[i];
    qsort(x, k, sizeof *x, compare_double);
    if (k > 0) *out = (wm_spread){ k, x[0], wm_quantile_sorted(x, k, 0.25), wm_quantile_sorted(x, k, 0.75), x[k - 1] };
    free(x);
    return 0;
}
