/* interval.h against published worked examples and brute force.
 *
 * Published examples:
 *  - Wilson score intervals (no continuity correction) of Newcombe RG,
 *    "Two-sided confidence intervals for the single proportion: comparison
 *    of seven methods", Stat Med 1998;17:857-872, Table II (method 3):
 *    81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605;
 *    0/20 -> 0.0000 to 0.1611; 1/29 -> 0.0061 to 0.1718;
 *  - exact Poisson 95% limits of a count (tables of Garwood 1936 and Daly,
 *    Comput Biol Med 1992;22:351-361, Table 2): 10 -> 4.795 to 18.390,
 *    50 -> 37.111 to 65.919, 100 -> 81.364 to 121.627;
 *  - PHE's technical guide "Confidence intervals" (2018): Byar's method is
 *    within 0.2% of the exact value for numerators of 10 or more (95%).
 * Brute force: the Wilson interval is the set of p the score test does not
 * reject, (x - np)^2 <= z^2 n p (1 - p), found here by bisection; the exact
 * Poisson limits by summing the distribution; z by integrating the normal
 * density. */
#include "interval.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>

static double round_to(double v, int d)
{
    double f = pow(10, d);
    return round(v * f) / f;
}

static void test_z(void)
{
    CHECK_NEAR(wm_z_for_confidence(0.95), 1.959963984540054, 1e-12);
    CHECK_NEAR(wm_z_for_confidence(0.998), 3.090232306167813, 1e-12);
    CHECK(isnan(wm_z_for_confidence(1.0)));
    CHECK(isnan(wm_z_for_confidence(0)));
    /* Brute force: the normal density integrated from -z to z (Simpson). */
    double z = wm_z_for_confidence(0.95), h = z / 20000, s = 0;
    for (int i = 0; i <= 40000; i++) {
        double x = -z + i * h, f = exp(-x * x / 2) / sqrt(2 * 3.14159265358979323846);
        s += f * (i == 0 || i == 40000 ? 1 : i % 2 ? 4 : 2);
    }
    CHECK_NEAR(s * h / 3, 0.95, 1e-10);
}

static void test_wilson_published(void)
{
    static const struct { double x, n, lo, hi; } cases[] = {
        { 81, 263, 0.2553, 0.3662 },
        { 15, 148, 0.0624, 0.1605 },
        { 0, 20, 0.0000, 0.1611 },
        { 1, 29, 0.0061, 0.1718 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double lo, hi;
        CHECK(wm_ci_wilson(cases[i].x, cases[i].n, 0.95, &lo, &hi) == 0);
        CHECK_NEAR(round_to(lo, 4), cases[i].lo, 1e-12);
        CHECK_NEAR(round_to(hi, 4), cases[i].hi, 1e-12);
    }
    double lo, hi;
    CHECK(wm_ci_wilson(5, 4, 0.95, &lo, &hi) == -1 && isnan(lo) && isnan(hi));
    CHECK(wm_ci_wilson(1, 0, 0.95, &lo, &hi) == -1);
    CHECK(wm_ci_wilson(-1, 4, 0.95, &lo, &hi) == -1);
    CHECK(wm_ci_wilson(4, 4, 0.95, &lo, &hi) == 0 && hi == 1.0 && lo < 1);
}

/* The score test's root on [a, b] where f changes sign. */
static double score_root(double x, double n, double z, double a, double b)
{
    double fa = (x - n * a) * (x - n * a) - z * z * n * a * (1 - a);
    for (int i = 0; i < 200; i++) {
        double m = (a + b) / 2, fm = (x - n * m) * (x - n * m) - z * z * n * m * (1 - m);
        if ((fm > 0) == (fa > 0)) { a = m; fa = fm; }
        else b = m;
    }
    return (a + b) / 2;
}

static void test_wilson_brute_force(void)
{
    const double levels[] = { 0.95, 0.998 };
    int n_checked = 0;
    for (int l = 0; l < 2; l++) {
        double z = wm_z_for_confidence(levels[l]);
        for (double n = 1; n <= 400; n += n < 20 ? 1 : 37)
            for (double x = 0; x <= n; x += n < 20 ? 1 : 7) {
                double lo, hi, p = x / n;
                CHECK(wm_ci_wilson(x, n, levels[l], &lo, &hi) == 0);
                double blo = x == 0 ? 0 : score_root(x, n, z, 0, p);
                double bhi = x == n ? 1 : score_root(x, n, z, p, 1);
                CHECK_NEAR(lo, blo, 1e-9);
                CHECK_NEAR(hi, bhi, 1e-9);
                CHECK(lo <= p + 1e-15 && p <= hi + 1e-15);
                n_checked++;
            }
    }
    printf("Wilson: %d intervals agree with the inverted score test\n", n_checked);
}

static void test_poisson_published(void)
{
    static const struct { double x, lo, hi; } cases[] = {
        { 10, 4.795, 18.390 },
        { 50, 37.111, 65.919 },
        { 100, 81.364, 121.627 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CHECK_NEAR(round_to(wm_poisson_exact_lower(cases[i].x, 0.95), 3), cases[i].lo, 1e-12);
        CHECK_NEAR(round_to(wm_poisson_exact_upper(cases[i].x, 0.95), 3), cases[i].hi, 1e-12);
    }
    /* Brute force of the definition: P(X >= x | lower) = P(X <= x | upper) = 2.5%. */
    for (double x = 1; x < 30; x++) {
        double lo = wm_poisson_exact_lower(x, 0.95), hi = wm_poisson_exact_upper(x, 0.95);
        CHECK_NEAR(1 - wm_poisson_cdf(x - 1, lo), 0.025, 1e-10);
        CHECK_NEAR(wm_poisson_cdf(x, hi), 0.025, 1e-10);
    }
    CHECK(wm_poisson_exact_lower(0, 0.95) == 0);
    /* Zero events: the upper limit is -ln(0.025) = 3.689. */
    CHECK_NEAR(wm_poisson_exact_upper(0, 0.95), -log(0.025), 1e-9);
}

static void test_byar(void)
{
    /* Byar's formulas at 65 events (PHEindicatormethods' own example). */
    double z = wm_z_for_confidence(0.95);
    CHECK_NEAR(wm_byar_lower(65, 0.95), 65 * pow(1 - 1 / (9 * 65.0) - z / (3 * sqrt(65.0)), 3), 1e-12);
    CHECK_NEAR(wm_byar_upper(65, 0.95), 66 * pow(1 - 1 / (9 * 66.0) + z / (3 * sqrt(66.0)), 3), 1e-12);
    CHECK_NEAR(round_to(wm_byar_lower(65, 0.95), 2), 50.16, 1e-12);
    CHECK_NEAR(round_to(wm_byar_upper(65, 0.95), 2), 82.85, 1e-12);
    /* The technical guide's accuracy claim, checked against the exact limits. */
    double worst95 = 0, worst998 = 0;
    for (double x = 10; x <= 2000; x += x < 100 ? 1 : 53) {
        double e[2] = { wm_poisson_exact_lower(x, 0.95), wm_poisson_exact_upper(x, 0.95) };
        double b[2] = { wm_byar_lower(x, 0.95), wm_byar_upper(x, 0.95) };
        double e8[2] = { wm_poisson_exact_lower(x, 0.998), wm_poisson_exact_upper(x, 0.998) };
        double b8[2] = { wm_byar_lower(x, 0.998), wm_byar_upper(x, 0.998) };
        for (int k = 0; k < 2; k++) {
            worst95 = fmax(worst95, fabs(b[k] - e[k]) / e[k]);
            worst998 = fmax(worst998, fabs(b8[k] - e8[k]) / e8[k]);
        }
    }
    printf("Byar vs exact, 10 to 2,000 events: worst relative difference %.4f%% (95%%), %.4f%% (99.8%%)\n",
           worst95 * 100, worst998 * 100);
    CHECK(worst95 < 0.002);
    CHECK(worst998 < 0.015);   /* measured: 1.49% at 10 events, falling as events grow */
    /* The switch at 10 events, as phe_rate does it. */
    double lo, hi;
    int exact = -1;
    CHECK(wm_ci_poisson_count(9, 0.95, &lo, &hi, &exact) == 0 && exact == 1);
    CHECK_NEAR(lo, wm_poisson_exact_lower(9, 0.95), 0);
    CHECK(wm_ci_poisson_count(10, 0.95, &lo, &hi, &exact) == 0 && exact == 0);
    CHECK_NEAR(lo, wm_byar_lower(10, 0.95), 0);
}

static void test_value_and_compare(void)
{
    double lo, hi;
    /* 81 of 263 as a percentage. */
    CHECK(wm_ci_value(WM_CI_WILSON, 81, 263, 100, 0.95, &lo, &hi) == 0);
    CHECK_NEAR(round_to(lo, 2), 25.53, 1e-12);
    CHECK_NEAR(round_to(hi, 2), 36.62, 1e-12);
    /* 65 events in 100,000 person-years, per 100,000. */
    CHECK(wm_ci_value(WM_CI_BYAR, 65, 100000, 100000, 0.95, &lo, &hi) == 0);
    CHECK_NEAR(lo, wm_byar_lower(65, 0.95), 1e-9);
    /* An apportioned (fractional) count has no interval. */
    CHECK(wm_ci_value(WM_CI_WILSON, 80.5, 263, 100, 0.95, &lo, &hi) == -1 && isnan(lo));
    CHECK(wm_ci_value(WM_CI_NONE, 81, 263, 100, 0.95, &lo, &hi) == -1);
    CHECK(wm_compare(25.53, 36.62, 20) == WM_CMP_HIGHER);
    CHECK(wm_compare(25.53, 36.62, 40) == WM_CMP_LOWER);
    CHECK(wm_compare(25.53, 36.62, 30) == WM_CMP_SIMILAR);
    CHECK(wm_compare(25.53, 36.62, 25.53) == WM_CMP_SIMILAR);
    CHECK(wm_compare(NAN, NAN, 30) == WM_CMP_NOT_COMPARED);
    CHECK(wm_compare(25.53, 36.62, NAN) == WM_CMP_NOT_COMPARED);
    CHECK_STR(wm_comparison_name(WM_CMP_HIGHER), "higher");
    CHECK_STR(wm_comparison_name(WM_CMP_NOT_COMPARED), "not compared");
    wm_ci_method m;
    CHECK(wm_ci_method_parse("wilson", &m) == 0 && m == WM_CI_WILSON);
    CHECK(wm_ci_method_parse("byar", &m) == 0 && m == WM_CI_BYAR);
    CHECK(wm_ci_method_parse("Wald", &m) == -1);
}

int main(void)
{
    test_z();
    test_wilson_published();
    test_wilson_brute_force();
    test_poisson_published();
    test_byar();
    test_value_and_compare();
    return wm_test_summary();
}
