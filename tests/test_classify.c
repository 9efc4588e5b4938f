/* Unit tests for classify.h: breaks, membership, labels, errors.
 *
 * Fisher-Jenks is checked against brute force: every partition of small
 * synthetic arrays (generated here with a fixed seed) into contiguous
 * classes, every assignment of labels for a few tiny arrays (which also
 * checks that optimal classes are contiguous), and a plain O(k n^2)
 * dynamic programme without the divide-and-conquer step on larger ones.
 */
#include "classify.h"
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- synthetic data: a small fixed-seed generator (xorshift64*) ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double synthetic_uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sum of squared deviations of x[from..to-1], two-pass. */
static double ssd(const double *x, size_t from, size_t to)
{
    double mean = 0, s = 0;
    for (size_t i = from; i < to; i++) mean += x[i];
    mean /= (double)(to - from);
    for (size_t i = from; i < to; i++) s += (x[i] - mean) * (x[i] - mean);
    return s;
}

/* Total SSD of sorted x when classes start at the given lower bounds. */
static double ssd_of_bounds(const double *x, size_t n, const double *lower, int k)
{
    double total = 0;
    size_t from = 0;
    for (int c = 0; c < k; c++) {
        size_t to = from;
        while (to < n && (c == k - 1 || x[to] < lower[c + 1])) to++;
        if (to > from) total += ssd(x, from, to);
        from = to;
    }
    return total;
}

/* Brute force over all splits of sorted x into k contiguous non-empty
 * runs (run boundaries may fall inside ties). */
static double brute_best;
static size_t brute_start[WM_MAX_CLASSES], brute_best_start[WM_MAX_CLASSES];

static void brute(const double *x, size_t n, int k, int c, size_t from, double acc)
{
    if (acc >= brute_best) return;
    if (c == k - 1) {
        double total = acc + ssd(x, from, n);
        if (total < brute_best) {
            brute_best = total;
            brute_start[c] = from;
            memcpy(brute_best_start, brute_start, sizeof brute_start);
        }
        return;
    }
    brute_start[c] = from;
    for (size_t to = from + 1; to + (size_t)(k - 1 - c) <= n; to++)
        brute(x, n, k, c + 1, to, acc + ssd(x, from, to));
}

static double brute_force_contiguous(const double *x, size_t n, int k)
{
    brute_best = INFINITY;
    brute(x, n, k, 0, 0, 0);
    return brute_best;
}

/* Brute force over every assignment of k labels to n values (n small):
 * does not assume that optimal classes are contiguous. */
static double brute_force_labels(const double *x, size_t n, int k)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++) total *= (size_t)k;
    double best = INFINITY;
    for (size_t code = 0; code < total; code++) {
        double sum[WM_MAX_CLASSES] = {0}, sq[WM_MAX_CLASSES] = {0};
        int cnt[WM_MAX_CLASSES] = {0};
        size_t c = code;
        for (size_t i = 0; i < n; i++) {
            int l = (int)(c % (size_t)k);
            c /= (size_t)k;
            sum[l] += x[i]; sq[l] += x[i] * x[i]; cnt[l]++;
        }
        double cost = 0;
        int empty = 0;
        for (int l = 0; l < k; l++) {
            if (!cnt[l]) { empty = 1; break; }
            cost += sq[l] - sum[l] * sum[l] / cnt[l];
        }
        if (!empty && cost < best) best = cost;
    }
    return best;
}

/* Plain Fisher DP without divide and conquer: O(k n^2). */
static double plain_dp(const double *x, size_t n, int k)
{
    double *prev = malloc((n + 1) * sizeof *prev), *cur = malloc((n + 1) * sizeof *cur);
    long double *s = malloc((n + 1) * sizeof *s), *q = malloc((n + 1) * sizeof *q);
    s[0] = q[0] = 0;
    for (size_t i = 0; i < n; i++) { s[i + 1] = s[i] + x[i]; q[i + 1] = q[i] + (long double)x[i] * x[i]; }
#define COST(j, i) ((double)((q[i] - q[j]) - (s[i] - s[j]) * (s[i] - s[j]) / (long double)((i) - (j))))
    for (size_t i = 1; i <= n; i++) prev[i] = COST(0, i);
    for (int c = 2; c <= k; c++) {
        for (size_t i = (size_t)c; i <= n; i++) {
            double best = INFINITY;
            for (size_t j = (size_t)c - 1; j < i; j++) {
                double v = prev[j] + COST(j, i);
                if (v < best) best = v;
            }
            cur[i] = best;
        }
        double *t = prev; prev = cur; cur = t;
    }
#undef COST
    double r = prev[n];
    free(prev); free(cur); free(s); free(q);
    return r;
}

static void test_jenks_hand(void)
{
    const double x[] = {1, 2, 3, 10, 11, 12, 20, 21, 22};
    double lower[3];
    CHECK(wm_jenks_sorted(x, 9, 3, lower) == 3);
    CHECK_NEAR(lower[0], 1, 0);
    CHECK_NEAR(lower[1], 10, 0);
    CHECK_NEAR(lower[2], 20, 0);

    /* Fewer distinct values than classes: each value is a class. */
    const double few[] = {1, 1, 2, 2, 2};
    double lf[4];
    CHECK(wm_jenks_sorted(few, 5, 4, lf) == 2);
    CHECK_NEAR(lf[0], 1, 0);
    CHECK_NEAR(lf[1], 2, 0);
    CHECK(wm_jenks_sorted(few, 0, 3, lf) == 0);
    CHECK(wm_jenks_sorted(few, 5, 1, lf) == 1);
    CHECK_NEAR(lf[0], 1, 0);

    /* A heavy tie group stays whole: {0 x5, 1, 9, 10}, k=3 -> 0 | 1 | 9,10 */
    const double tied[] = {0, 0, 0, 0, 0, 1, 9, 10};
    double lt[3];
    CHECK(wm_jenks_sorted(tied, 8, 3, lt) == 3);
    CHECK_NEAR(lt[1], 1, 0);
    CHECK_NEAR(lt[2], 9, 0);
}

static void test_jenks_brute_force(void)
{
    int mismatches = 0, label_mismatches = 0, tie_mismatches = 0, runs = 0;
    for (int trial = 0; trial < 200; trial++) {
        size_t n = 4 + (size_t)(synthetic_uniform() * 11);      /* 4..14 */
        int k = 2 + (int)(synthetic_uniform() * 4);              /* 2..5 */
        if ((size_t)k > n) k = (int)n;
        double x[16], lower[WM_MAX_CLASSES];
        /* Clustered values at random centres, so optima are well separated. */
        for (size_t i = 0; i < n; i++)
            x[i] = floor(synthetic_uniform() * 5) * 20 + synthetic_uniform() * 8;
        qsort(x, n, sizeof *x, cmp_double);
        int got = wm_jenks_sorted(x, n, k, lower);
        double want = brute_force_contiguous(x, n, k);
        double have = ssd_of_bounds(x, n, lower, got);
        runs++;
        if (got != k || fabs(have - want) > 1e-9 * (1 + want)) mismatches++;
        /* Continuous random values: the optimum is unique, so the bounds
         * must be exactly those of the brute force. */
        for (int c = 1; c < k && got == k; c++)
            if (lower[c] != x[brute_best_start[c]]) { mismatches++; break; }
        if (n <= 9 && k <= 3) {
            double any = brute_force_labels(x, n, k);
            if (fabs(have - any) > 1e-9 * (1 + any)) label_mismatches++;
        }
    }
    CHECK(runs == 200);
    CHECK(mismatches == 0);
    CHECK(label_mismatches == 0);

    /* Small integers: many ties.  The optimum over value bounds must cost
     * what the brute force over all contiguous splits (which may cut a
     * tie group) costs. */
    for (int trial = 0; trial < 200; trial++) {
        size_t n = 6 + (size_t)(synthetic_uniform() * 9);       /* 6..14 */
        int k = 2 + (int)(synthetic_uniform() * 3);              /* 2..4 */
        double x[16], lower[WM_MAX_CLASSES];
        for (size_t i = 0; i < n; i++) x[i] = floor(synthetic_uniform() * 7);
        qsort(x, n, sizeof *x, cmp_double);
        int got = wm_jenks_sorted(x, n, k, lower);
        size_t distinct = 1;
        for (size_t i = 1; i < n; i++) distinct += x[i] != x[i - 1];
        if ((size_t)got != (distinct < (size_t)k ? distinct : (size_t)k)) { tie_mismatches++; continue; }
        if (got < k) continue;
        double want = brute_force_contiguous(x, n, k);
        double have = ssd_of_bounds(x, n, lower, got);
        if (fabs(have - want) > 1e-9 * (1 + want)) tie_mismatches++;
    }
    CHECK(tie_mismatches == 0);
}

static void test_jenks_plain_dp(void)
{
    int mismatches = 0;
    for (int trial = 0; trial < 6; trial++) {
        size_t n = 500 + (size_t)trial * 300;
        int k = 3 + trial;
        double *x = malloc(n * sizeof *x), lower[WM_MAX_CLASSES];
        for (size_t i = 0; i < n; i++) {
            double u = synthetic_uniform();
            x[i] = trial % 2 ? u * u * 1000 : floor(u * 200);   /* skewed, or tied integers */
        }
        qsort(x, n, sizeof *x, cmp_double);
        int got = wm_jenks_sorted(x, n, k, lower);
        double want = plain_dp(x, n, k);
        double have = ssd_of_bounds(x, n, lower, got);
        if (got != k || fabs(have - want) > 1e-9 * (1 + want)) {
            mismatches++;
            fprintf(stderr, "jenks n=%zu k=%d: %.12g, plain DP %.12g\n", n, k, have, want);
        }
        free(x);
    }
    CHECK(mismatches == 0);
}

static void test_methods_names(void)
{
    wm_class_method m;
    CHECK(wm_class_method_parse("jenks", &m) == 0 && m == WM_CLASS_JENKS);
    CHECK(wm_class_method_parse("Quantile", &m) == 0 && m == WM_CLASS_QUANTILE);
    CHECK(wm_class_method_parse("categorical", &m) == 0 && m == WM_CLASS_CATEGORICAL);
    CHECK(wm_class_method_parse("natural", &m) == -1);
    CHECK(wm_class_method_parse(NULL, &m) == -1);
    CHECK_STR(wm_class_method_name(WM_CLASS_EQUAL), "equal");
    CHECK_STR(wm_class_method_name(WM_CLASS_MANUAL), "manual");
}

/* Every pair of equal values falls in the same class. */
static int ties_together(const wm_classes *c, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (v[i] == v[j] && wm_class_of(c, v[i]) != wm_class_of(c, v[j])) return 0;
    return 1;
}

static void test_quantile(void)
{
    wm_classes c;
    wm_error err;
    const double v[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    CHECK(wm_classify(v, 10, WM_CLASS_QUANTILE, 5, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 5);
    for (int i = 0; i < 5; i++) {
        CHECK_NEAR(c.lower[i], 1 + 2 * i, 0);
        CHECK(c.count[i] == 2);
    }
    CHECK(c.decimals == 0);
    CHECK_STR(c.label[0], "1 to < 3");
    CHECK_STR(c.label[4], "9 to 10");
    CHECK_NEAR(c.upper[4], 10, 0);

    /* Six tied ones: the breaks at positions 2 and 4 would cut the tie,
     * so they merge and fewer classes result. */
    const double t[] = {1, 1, 1, 1, 1, 1, 2, 3, 4, 5};
    CHECK(wm_classify(t, 10, WM_CLASS_QUANTILE, 5, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 3);
    CHECK_NEAR(c.lower[0], 1, 0);
    CHECK_NEAR(c.lower[1], 2, 0);
    CHECK_NEAR(c.lower[2], 4, 0);
    CHECK(c.count[0] == 6 && c.count[1] == 2 && c.count[2] == 2);
    CHECK(ties_together(&c, t, 10));

    /* Ties in the middle: 1 2 3 3 3 3 4 5, k=4: positions 0,2,4,6 -> 1,3,3,4. */
    const double m[] = {3, 1, 3, 5, 2, 3, 4, 3};
    CHECK(wm_classify(m, 8, WM_CLASS_QUANTILE, 4, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 3);
    CHECK(c.count[0] == 2 && c.count[1] == 4 && c.count[2] == 2);
    CHECK(ties_together(&c, m, 8));

    /* Most at zero (a rural authority's wards, none of whose residents
     * live in England's most deprived tenth) and one ward at 32.8: every
     * break but the first falls in the tie, yet the ward with some is not
     * drawn with the ones with none. */
    double z[53];
    for (int i = 0; i < 52; i++) z[i] = 0;
    z[52] = 32.8;
    CHECK(wm_classify(z, 53, WM_CLASS_QUANTILE, 5, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 2);
    CHECK(c.count[0] == 52 && c.count[1] == 1);
    CHECK_NEAR(c.lower[1], 32.8, 0);
    /* 40 at zero, 13 above: the zeros alone, then the order statistic
     * above the tie. */
    for (int i = 0; i < 53; i++) z[i] = i < 40 ? 0 : i - 39;
    CHECK(wm_classify(z, 53, WM_CLASS_QUANTILE, 5, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 3);
    CHECK(c.count[0] == 40 && c.count[1] == 2 && c.count[2] == 11);
    CHECK(ties_together(&c, z, 53));

    /* Three wards at one share worked out in different orders, so that
     * the last bits differ: one value in the legend ("13.5", not
     * "13.5144 to 13.5144"), and 1 decimal, not the 4 tried in vain to
     * tell them apart. */
    const double x = 13.51441985244802;
    const double noisy[] = { 5.8564, 6.1, 7.3448, 7.9, 8.1917, 8.5, 9.1880, 9.3, x, nextafter(x, 20),
                             nextafter(nextafter(x, 20), 20) };
    CHECK(wm_classify(noisy, 11, WM_CLASS_QUANTILE, 4, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 4 && c.decimals == 1);
    CHECK_STR(c.label[3], "13.5");
    CHECK_STR(c.label[0], "5.9 to < 7.3");

    /* No data is excluded from the breaks and counted apart. */
    const double nd[] = {NAN, 4, 1, NAN, 3, 2};
    CHECK(wm_classify(nd, 6, WM_CLASS_QUANTILE, 2, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 2 && c.nodata == 2 && c.total == 6);
    CHECK_NEAR(c.lower[1], 3, 0);
    CHECK(c.count[0] == 2 && c.count[1] == 2);
    CHECK(wm_class_of(&c, NAN) == -1);
    CHECK(wm_class_of(&c, 0) == 0);       /* below the range: first class */
    CHECK(wm_class_of(&c, 99) == 1);      /* above: last class */

    /* All No data: one empty class, not an error. */
    const double all_nd[] = {NAN, NAN, NAN};
    CHECK(wm_classify(all_nd, 3, WM_CLASS_JENKS, 5, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 1 && c.count[0] == 0 && c.nodata == 3);
    CHECK_STR(c.label[0], "(no values)");
    CHECK(wm_classify(NULL, 0, WM_CLASS_QUANTILE, 5, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 1 && c.total == 0);
    /* ... categorical too: never a "nan" class (issue 13, class 4). */
    CHECK(wm_classify(all_nd, 3, WM_CLASS_CATEGORICAL, 0, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 1 && c.count[0] == 0 && c.nodata == 3);
    CHECK_STR(c.label[0], "(no values)");
}

static void test_equal(void)
{
    wm_classes c;
    wm_error err;
    const double v[] = {10, 15.5, 42, 100, 55.25, 99.9, NAN};
    CHECK(wm_classify(v, 7, WM_CLASS_EQUAL, 9, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 9);
    for (int i = 0; i < 9; i++) CHECK_NEAR(c.lower[i], 10 + 10 * i, 1e-9);
    CHECK(c.decimals == 1);
    CHECK_STR(c.label[0], "10.0 to < 20.0");
    CHECK_STR(c.label[8], "90.0 to 100.0");
    CHECK(c.count[0] == 2 && c.count[3] == 1 && c.count[4] == 1 && c.count[8] == 2);
    CHECK(c.nodata == 1);

    /* Integer data, integer bounds: no decimals; -0 never printed. */
    const double s[] = {-1, 1, 0};
    CHECK(wm_classify(s, 3, WM_CLASS_EQUAL, 2, NULL, 0, &c, &err) == 0);
    CHECK_STR(c.label[0], "-1 to < 0");
    CHECK_STR(c.label[1], "0 to 1");

    /* Bounds that print alike at 1 decimal get more. */
    const double f[] = {1.00, 1.01, 1.02, 1.03, 1.04};
    CHECK(wm_classify(f, 5, WM_CLASS_EQUAL, 4, NULL, 0, &c, &err) == 0);
    CHECK(c.decimals == 2);
    CHECK_STR(c.label[0], "1.00 to < 1.01");
    CHECK_STR(c.label[3], "1.03 to 1.04");

    /* One distinct value: one class. */
    const double one[] = {7, 7, 7};
    CHECK(wm_classify(one, 3, WM_CLASS_EQUAL, 5, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 1 && c.count[0] == 3);
    CHECK_STR(c.label[0], "7");
}

static void test_jenks_classify(void)
{
    wm_classes c;
    wm_error err;
    const double v[] = {21, 1, 12, NAN, 2, 3, 22, 10, 11, 20};
    CHECK(wm_classify(v, 10, WM_CLASS_JENKS, 3, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 3 && c.nodata == 1);
    CHECK_NEAR(c.lower[1], 10, 0);
    CHECK_NEAR(c.lower[2], 20, 0);
    CHECK(c.count[0] == 3 && c.count[1] == 3 && c.count[2] == 3);
    CHECK_STR(c.label[0], "1 to < 10");
    CHECK_STR(c.label[2], "20 to 22");
}

static void test_manual(void)
{
    wm_classes c;
    wm_error err;
    const double b[] = {10, 20, 30};
    const double v[] = {5, 10, 15.5, 25, 30, 40, NAN};
    CHECK(wm_classify(v, 7, WM_CLASS_MANUAL, 0, b, 3, &c, &err) == 0);
    CHECK(c.n == 4 && c.open_below && c.open_above);
    CHECK(c.count[0] == 1 && c.count[1] == 2 && c.count[2] == 1 && c.count[3] == 2);
    CHECK(c.nodata == 1 && c.total == 7);
    CHECK_STR(c.label[0], "< 10.0");
    CHECK_STR(c.label[1], "10.0 to < 20.0");
    CHECK_STR(c.label[2], "20.0 to < 30.0");
    CHECK_STR(c.label[3], "\xe2\x89\xa5 30.0");
    CHECK(wm_class_of(&c, -1e9) == 0);
    CHECK(wm_class_of(&c, 30) == 3);
    CHECK(wm_class_of(&c, 29.999) == 2);

    /* Integer data and breaks: no decimals. */
    const double iv[] = {1, 5, 9};
    const double ib[] = {3, 6};
    CHECK(wm_classify(iv, 3, WM_CLASS_MANUAL, 0, ib, 2, &c, &err) == 0);
    CHECK_STR(c.label[0], "< 3");
    CHECK_STR(c.label[1], "3 to < 6");
    CHECK_STR(c.label[2], "\xe2\x89\xa5 6");

    /* Errors. */
    CHECK(wm_classify(v, 7, WM_CLASS_MANUAL, 5, NULL, 0, &c, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE);
    const double bad[] = {10, 30, 20};
    CHECK(wm_classify(v, 7, WM_CLASS_MANUAL, 0, bad, 3, &c, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "increase"));
    const double same[] = {10, 10};
    CHECK(wm_classify(v, 7, WM_CLASS_MANUAL, 0, same, 2, &c, &err) != 0);
    double many[12];
    for (int i = 0; i < 12; i++) many[i] = i;
    CHECK(wm_classify(v, 7, WM_CLASS_MANUAL, 0, many, 12, &c, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE);
    CHECK(wm_classify(v, 7, WM_CLASS_MANUAL, 0, many, 11, &c, &err) == 0);
    CHECK(c.n == 12);
}

static void test_categorical(void)
{
    wm_classes c;
    wm_error err;
    /* IMD deciles as fixed classes; the data hold only 1..5. */
    const double deciles[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const double v[] = {1, 2, 2, 3, 5, 5, 5, 4, NAN, 11};
    CHECK(wm_classify(v, 10, WM_CLASS_CATEGORICAL, 5, deciles, 10, &c, &err) == 0);
    CHECK(c.n == 10);
    CHECK(c.count[0] == 1 && c.count[1] == 2 && c.count[2] == 1 && c.count[3] == 1 && c.count[4] == 3);
    for (int i = 5; i < 10; i++) CHECK(c.count[i] == 0);
    CHECK(c.nodata == 1 && c.unclassed == 1 && c.total == 10);
    CHECK_STR(c.label[0], "1");
    CHECK_STR(c.label[9], "10");
    CHECK(wm_class_of(&c, 4 + 1e-12) == 3);
    CHECK(wm_class_of(&c, 4.5) == -1);
    CHECK(wm_class_of(&c, 11) == -1);

    /* Without categories: each distinct value, ascending. */
    const double d[] = {3, 1, 2, 3, NAN, 1};
    CHECK(wm_classify(d, 6, WM_CLASS_CATEGORICAL, 0, NULL, 0, &c, &err) == 0);
    CHECK(c.n == 3 && c.count[0] == 2 && c.count[1] == 1 && c.count[2] == 2);
    CHECK_STR(c.label[2], "3");

    double many[13];
    for (int i = 0; i < 13; i++) many[i] = i;
    CHECK(wm_classify(many, 13, WM_CLASS_CATEGORICAL, 0, NULL, 0, &c, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "13 distinct"));
    CHECK(wm_classify(many, 13, WM_CLASS_CATEGORICAL, 0, many, 13, &c, &err) != 0);
    const double twice[] = {1, 2, 1};
    CHECK(wm_classify(d, 6, WM_CLASS_CATEGORICAL, 0, twice, 3, &c, &err) != 0);
    CHECK(strstr(err.msg, "twice") != NULL);
}

static void test_errors(void)
{
    wm_classes c;
    wm_error err;
    const double v[] = {1, 2, 3};
    CHECK(wm_classify(v, 3, WM_CLASS_QUANTILE, 0, NULL, 0, &c, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE);
    CHECK(wm_classify(v, 3, WM_CLASS_JENKS, WM_MAX_CLASSES + 1, NULL, 0, &c, &err) != 0);
    CHECK(strstr(err.msg, "1 to 12") != NULL);
    CHECK(wm_classify(v, 3, (wm_class_method)99, 3, NULL, 0, &c, &err) != 0);
    const double inf[] = {1, INFINITY};
    CHECK(wm_classify(inf, 2, WM_CLASS_EQUAL, 3, NULL, 0, &c, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA);
}

int main(void)
{
    test_jenks_hand();
    test_jenks_brute_force();
    test_jenks_plain_dp();
    test_methods_names();
    test_quantile();
    test_equal();
    test_jenks_classify();
    test_manual();
    test_categorical();
    test_errors();
    return wm_test_summary();
}
