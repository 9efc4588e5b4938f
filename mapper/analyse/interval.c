#include "interval.h"

#include <math.h>
#include <string.h>

int wm_ci_method_parse(const char *name, wm_ci_method *out)
{
    if (strcmp(name, "wilson") == 0) *out = WM_CI_WILSON;
    else if (strcmp(name, "byar") == 0) *out = WM_CI_BYAR;
    else if (strcmp(name, "none") == 0) *out = WM_CI_NONE;
    else return -1;
    return 0;
}

const char *wm_ci_method_name(wm_ci_method m)
{
    return m == WM_CI_WILSON ? "Wilson score" : m == WM_CI_BYAR ? "Byar" : "";
}

static int good_confidence(double c) { return c > 0 && c < 1; }

double wm_z_for_confidence(double confidence)
{
    if (!good_confidence(confidence)) return NAN;
    /* Solve erfc(z / sqrt 2) = 1 - confidence by bisection: the two-sided
     * tail beyond +-z.  erfc is decreasing; 200 halvings reach the last bit. */
    double tail = 1 - confidence, lo = 0, hi = 40;
    for (int i = 0; i < 200 && hi - lo > 0; i++) {
        double mid = (lo + hi) / 2;
        if (mid == lo || mid == hi) break;
        if (erfc(mid / sqrt(2.0)) > tail) lo = mid;
        else hi = mid;
    }
    return (lo + hi) / 2;
}

int wm_ci_wilson(double x, double n, double confidence, double *lower, double *upper)
{
    *lower = *upper = NAN;
    if (!(n > 0) || !(x >= 0) || x > n || !good_confidence(confidence)) return -1;
    double z = wm_z_for_confidence(confidence), z2 = z * z;
    double root = z * sqrt(z2 + 4 * x * (1 - x / n));
    *lower = (2 * x + z2 - root) / 2 / (n + z2);
    *upper = (2 * x + z2 + root) / 2 / (n + z2);
    if (*lower < 0) *lower = 0;       /* rounding at x = 0 */
    if (*upper > 1) *upper = 1;       /* and at x = n */
    return 0;
}

double wm_byar_lower(double x, double confidence)
{
    if (!(x > 0)) return x == 0 ? 0 : NAN;
    double z = wm_z_for_confidence(confidence);
    double b = 1 - 1 / (9 * x) - z / (3 * sqrt(x));
    return b > 0 ? x * b * b * b : 0;
}

double wm_byar_upper(double x, double confidence)
{
    if (!(x >= 0)) return NAN;
    double z = wm_z_for_confidence(confidence), y = x + 1;
    double b = 1 - 1 / (9 * y) + z / (3 * sqrt(y));
    return y * b * b * b;
}

double wm_poisson_cdf(double k, double mu)
{
    if (k < 0) return 0;
    if (!(mu > 0)) return 1;
    double sum = 0, lmu = log(mu);
    for (double i = 0; i <= k; i++) sum += exp(-mu + i * lmu - lgamma(i + 1));
    return sum > 1 ? 1 : sum;
}

/* The mu at which wm_poisson_cdf(k, mu) = p (the CDF falls as mu grows). */
static double poisson_mu_for_cdf(double k, double p)
{
    double lo = 0, hi = k + 50 + 30 * sqrt(k + 1);
    while (wm_poisson_cdf(k, hi) > p) hi *= 2;
    for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        if (mid == lo || mid == hi) break;
        if (wm_poisson_cdf(k, mid) > p) lo = mid;
        else hi = mid;
    }
    return (lo + hi) / 2;
}

double wm_poisson_exact_lower(double x, double confidence)
{
    if (!(x >= 0) || x != floor(x) || !good_confidence(confidence)) return NAN;
    if (x == 0) return 0;
    /* P(X >= x | L) = a/2, i.e. P(X <= x-1 | L) = 1 - a/2 (= chi2_{a/2}(2x)/2). */
    return poisson_mu_for_cdf(x - 1, 1 - (1 - confidence) / 2);
}

double wm_poisson_exact_upper(double x, double confidence)
{
    if (!(x >= 0) || x != floor(x) || !good_confidence(confidence)) return NAN;
    /* P(X <= x | U) = a/2 (= chi2_{1-a/2}(2x+2)/2). */
    return poisson_mu_for_cdf(x, (1 - confidence) / 2);
}

int wm_ci_poisson_count(double x, double confidence, double *lower, double *upper, int *exact)
{
    *lower = *upper = NAN;
    if (!(x >= 0) || !good_confidence(confidence)) return -1;
    int ex = x < 10;
    if (exact) *exact = ex;
    if (ex) {
        if (x != floor(x)) return -1;
        *lower = wm_poisson_exact_lower(x, confidence);
        *upper = wm_poisson_exact_upper(x, confidence);
    } else {
        *lower = wm_byar_lower(x, confidence);
        *upper = wm_byar_upper(x, confidence);
    }
    return 0;
}

static int whole(double v) { return isfinite(v) && fabs(v - round(v)) < 1e-9; }

int wm_ci_value(wm_ci_method m, double x, double n, double scale, double confidence, double *lower,
                double *upper)
{
    *lower = *upper = NAN;
    if (m == WM_CI_NONE || !whole(x) || !whole(n) || !(n > 0) || !isfinite(scale)) return -1;
    x = round(x);
    n = round(n);
    double lo, hi;
    if (m == WM_CI_WILSON) {
        if (wm_ci_wilson(x, n, confidence, &lo, &hi) != 0) return -1;
    } else {
        if (wm_ci_poisson_count(x, confidence, &lo, &hi, NULL) != 0) return -1;
        lo /= n;
        hi /= n;
    }
    *lower = lo * scale;
    *upper = hi * scale;
    return 0;
}

wm_comparison wm_compare(double lower, double upper, double benchmark)
{
    if (isnan(lower) || isnan(upper) || isnan(benchmark)) return WM_CMP_NOT_COMPARED;
    if (benchmark < lower) return WM_CMP_HIGHER;
    if (benchmark > upper) return WM_CMP_LOWER;
    return WM_CMP_SIMILAR;
}

const char *wm_comparison_name(wm_comparison c)
{
    switch (c) {
    case WM_CMP_LOWER: return "lower";
    case WM_CMP_SIMILAR: return "similar";
    case WM_CMP_HIGHER: return "higher";
    case WM_CMP_NOT_COMPARED: break;
    }
    return "not compared";
}
