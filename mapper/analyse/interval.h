/* interval.h -- confidence intervals for counted proportions and rates,
 * and the Fingertips-style comparison of a value with a benchmark.
 *
 * The methods are those of Public Health England's technical guide
 * "Confidence intervals" (Public Health Data Science, 25 May 2018; the
 * Fingertips "Public health technical guidance" pages) and of the R
 * package PHEindicatormethods (functions wilson_lower/wilson_upper,
 * byars_lower/byars_upper and phe_rate), which OHID's Fingertips
 * profiles use:
 *
 *   proportions (x of n, a "closed" population): the Wilson score method
 *     (Wilson 1927; Newcombe, Stat Med 1998;17:857-872),
 *       lower/upper = (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2));
 *
 *   rates (x events in a population or person-years n, an "open"
 *   population): limits for the count x, divided by n,
 *     Byar's method for x >= 10 (Breslow and Day 1987),
 *       O_lower = x (1 - 1/(9x) - z/(3 sqrt x))^3,
 *       O_upper = (x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3;
 *     the exact Poisson (chi-squared) method for x < 10 (Armitage and
 *     Berry 2002), O_lower = chi2_{a/2}(2x)/2, O_upper = chi2_{1-a/2}(2x+2)/2,
 *     computed here from the Poisson distribution itself;
 *
 *   z is the 100(1 - a/2)th percentile of the standard normal distribution
 *   (1.95996... for 95%, 3.09023... for 99.8%), computed, never rounded
 *   to 1.96.
 *
 * Comparison with a benchmark (Fingertips): a value is significantly
 * higher than the benchmark (England, the local authority) when the
 * benchmark value lies below the lower limit of the value's interval,
 * lower when it lies above the upper limit, similar otherwise; without an
 * interval or a benchmark it is not compared.
 *
 * Pure functions of their arguments: no I/O, no global state.
 */
#ifndef WM_INTERVAL_H
#define WM_INTERVAL_H

typedef enum wm_ci_method {
    WM_CI_NONE = 0,
    WM_CI_WILSON,      /* proportion, Wilson score */
    WM_CI_BYAR         /* rate: Byar's method, exact Poisson below 10 events */
} wm_ci_method;

/* "wilson", "byar", "none" (as written in metadata); -1 if unknown. */
int wm_ci_method_parse(const char *name, wm_ci_method *out);
/* "Wilson score", "Byar", "" */
const char *wm_ci_method_name(wm_ci_method m);

/* The standard normal percentile z with P(|Z| <= z) = confidence, for a
 * confidence in (0, 1), e.g. 0.95 -> 1.959963984540054.  NAN outside. */
double wm_z_for_confidence(double confidence);

/* Wilson score limits of the proportion x/n (0..1).  Needs 0 <= x <= n,
 * n > 0 and 0 < confidence < 1; returns -1 (limits NAN) otherwise. */
int wm_ci_wilson(double x, double n, double confidence, double *lower, double *upper);

/* Limits of an observed count x >= 0 of events (a Poisson count): Byar's
 * method for x >= 10, the exact method below; *exact (may be NULL) says
 * which.  Divide by the population (and multiply by the rate's scale) for
 * the limits of a rate.  Returns -1 for x < 0 or a bad confidence. */
int wm_ci_poisson_count(double x, double confidence, double *lower, double *upper, int *exact);

/* The two halves, for tests and callers that want one method throughout. */
double wm_byar_lower(double x, double confidence);
double wm_byar_upper(double x, double confidence);
double wm_poisson_exact_lower(double x, double confidence);
double wm_poisson_exact_upper(double x, double confidence);

/* P(X <= k) for X ~ Poisson(mu), summed term by term (k >= 0 whole). */
double wm_poisson_cdf(double k, double mu);

/* A value's interval at a level, by the method: x, n are the counts,
 * `scale` multiplies (100 for %, 100000 for a rate per 100,000).  For
 * WM_CI_WILSON the limits are of x/n*scale, for WM_CI_BYAR of the rate
 * x/n*scale.  Counts must be whole numbers (a fraction means the count
 * was apportioned, and has no such interval): returns -1 then, or when
 * the method does not apply. */
int wm_ci_value(wm_ci_method m, double x, double n, double scale, double confidence, double *lower,
                double *upper);

typedef enum wm_comparison {
    WM_CMP_NOT_COMPARED = 0,
    WM_CMP_LOWER,
    WM_CMP_SIMILAR,
    WM_CMP_HIGHER
} wm_comparison;

/* The value with interval [lower, upper] against a benchmark value; NAN
 * anywhere gives WM_CMP_NOT_COMPARED. */
wm_comparison wm_compare(double lower, double upper, double benchmark);

/* "lower", "similar", "higher", "not compared" */
const char *wm_comparison_name(wm_comparison c);

#endif
