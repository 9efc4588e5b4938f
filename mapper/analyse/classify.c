/* classify.c -- class breaks, class membership and legend labels.
 *
 * Every method works on the sorted finite values (No data removed) and
 * produces inclusive lower bounds; membership is always decided by
 * wm_class_of(), so the counts and the map can never disagree.
 */
#include "classify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Two categorical values closer than this are the same category. */
#define WM_CATEGORY_EPS 1e-9

static const char *const method_names[] = {
    [WM_CLASS_QUANTILE] = "quantile",
    [WM_CLASS_EQUAL] = "equal",
    [WM_CLASS_JENKS] = "jenks",
    [WM_CLASS_MANUAL] = "manual",
    [WM_CLASS_CATEGORICAL] = "categorical",
};

int wm_class_method_parse(const char *name, wm_class_method *out)
{
    if (!name) return -1;
    for (int m = 0; m < (int)(sizeof method_names / sizeof *method_names); m++)
        if (strcasecmp(name, method_names[m]) == 0) {
            *out = (wm_class_method)m;
            return 0;
        }
    return -1;
}

const char *wm_class_method_name(wm_class_method m)
{
    if ((int)m < 0 || (int)m >= (int)(sizeof method_names / sizeof *method_names)) return "unknown";
    return method_names[m];
}

/* ---- Fisher-Jenks ------------------------------------------------------
 *
 * The data are first reduced to distinct values with weights (their
 * multiplicities).  Splitting a run of equal values can never lower the
 * total within-class sum of squares (moving all copies to the class whose
 * mean is nearer does not raise it), so optimising over the distinct
 * values finds a global optimum and the classes can be stated as value
 * bounds.
 *
 * D[c][i] is the least cost of putting the first i distinct values into c
 * classes; D[c][i] = min over j of D[c-1][j] + cost(j, i).  The squared-
 * deviation cost satisfies the quadrangle inequality, so the best j is
 * monotone in i (Wang & Song 2011, Ckmeans.1d.dp; Grønlund et al. 2017)
 * and each row can be filled by divide and conquer in O(m log m).
 */

typedef struct jenks_ctx {
    const long double *w, *s, *q;   /* prefix sums of weight, w*x, w*x^2 */
    const long double *prev;        /* D[c-1][*] */
    long double *cur;               /* D[c][*] */
    size_t *back;                   /* best j for D[c][i] */
    size_t jmin;                    /* c-1: each earlier class needs a value */
} jenks_ctx;

/* Within-class sum of squares of distinct values j..i-1. */
static long double jenks_cost(const jenks_ctx *x, size_t j, size_t i)
{
    long double w = x->w[i] - x->w[j];
    long double s = x->s[i] - x->s[j];
    long double c = (x->q[i] - x->q[j]) - s * s / w;
    return c > 0 ? c : 0;   /* rounding can leave a tiny negative */
}

static void jenks_fill(jenks_ctx *x, size_t lo, size_t hi, size_t optlo, size_t opthi)
{
    while (lo <= hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t jlo = optlo > x->jmin ? optlo : x->jmin;
        size_t jhi = opthi < mid - 1 ? opthi : mid - 1;
        size_t best = jlo;
        long double best_cost = x->prev[jlo] + jenks_cost(x, jlo, mid);
        for (size_t j = jlo + 1; j <= jhi; j++) {
            long double c = x->prev[j] + jenks_cost(x, j, mid);
            if (c < best_cost) { best_cost = c; best = j; }
        }
        x->cur[mid] = best_cost;
        x->back[mid] = best;
        /* Left half recursively, right half by iteration (bounded depth). */
        if (mid > lo) jenks_fill(x, lo, mid - 1, optlo, best);
        lo = mid + 1;
        optlo = best;
    }
}

int wm_jenks_sorted(const double *x, size_t n, int k, double *lower)
{
    if (n == 0 || k < 1) return 0;

    /* Distinct values and their weights. */
    size_t m = 1;
    for (size_t i = 1; i < n; i++) if (x[i] != x[i - 1]) m++;
    double *u = malloc(m * sizeof *u);
    long double *w = malloc((m + 1) * sizeof *w);
    long double *s = malloc((m + 1) * sizeof *s);
    long double *q = malloc((m + 1) * sizeof *q);
    long double *prev = malloc((m + 1) * sizeof *prev);
    long double *cur = malloc((m + 1) * sizeof *cur);
    size_t *back = (size_t)k <= m ? malloc((size_t)k * (m + 1) * sizeof *back) : NULL;
    int rc = -1;
    if (!u || !w || !s || !q || !prev || !cur || ((size_t)k <= m && !back)) goto done;

    /* Shift by the mean so the prefix sums of squares stay small. */
    long double mean = 0;
    for (size_t i = 0; i < n; i++) mean += x[i];
    mean /= (long double)n;
    w[0] = s[0] = q[0] = 0;
    size_t d = 0;
    for (size_t i = 0; i < n; ) {
        size_t j = i;
        while (j < n && x[j] == x[i]) j++;
        long double cnt = (long double)(j - i), v = (long double)x[i] - mean;
        u[d] = x[i];
        w[d + 1] = w[d] + cnt;
        s[d + 1] = s[d] + cnt * v;
        q[d + 1] = q[d] + cnt * v * v;
        d++;
        i = j;
    }

    if ((size_t)k >= m) {           /* each distinct value is its own class */
        for (size_t i = 0; i < m; i++) lower[i] = u[i];
        rc = (int)m;
        goto done;
    }

    jenks_ctx ctx = { w, s, q, prev, cur, NULL, 0 };
    for (size_t i = 1; i <= m; i++) prev[i] = jenks_cost(&ctx, 0, i);
    for (int c = 2; c <= k; c++) {
        ctx.prev = prev;
        ctx.cur = cur;
        ctx.back = back + (size_t)(c - 1) * (m + 1);
        ctx.jmin = (size_t)c - 1;
        /* Only i in [c, m-(k-c)] can lie on an optimal path; the last row
         * needs i = m alone. */
        size_t lo = c == k ? m : (size_t)c, hi = m - (size_t)(k - c);
        jenks_fill(&ctx, lo, hi, ctx.jmin, hi - 1);
        long double *t = prev; prev = cur; cur = t;
    }
    size_t i = m;
    for (int c = k; c >= 2; c--) {
        size_t j = back[(size_t)(c - 1) * (m + 1) + i];
        lower[c - 1] = u[j];
        i = j;
    }
    lower[0] = u[0];
    rc = k;
done:
    free(u); free(w); free(s); free(q); free(prev); free(cur); free(back);
    return rc;
}

/* ---- labels ------------------------------------------------------------ */

static int is_integer(double v) { return isfinite(v) && v == floor(v); }

/* printf("%.*f") without a "-0" for values that round to zero. */
static void format_value(char *buf, size_t size, double v, int decimals)
{
    snprintf(buf, size, "%.*f", decimals, v);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

/* The bounds a legend prints: every finite lower bound and the top. */
static int legend_bounds(const wm_classes *c, double *b)
{
    int nb = 0;
    for (int i = 0; i < c->n; i++)
        if (isfinite(c->lower[i])) b[nb++] = c->lower[i];
    if (c->n >= 1 && c->method != WM_CLASS_CATEGORICAL && isfinite(c->upper[c->n - 1]))
        b[nb++] = c->upper[c->n - 1];
    return nb;
}

/* Whether two bounds are one value but for floating-point rounding: a
 * ward's share worked out from summed small areas can differ from its
 * neighbour's, made from the same sums in another order, in the last
 * bits.  Such bounds print as one value, not as "13.5144 to 13.5144"
 * after every decimal up to the fourth was tried to tell them apart. */
static int same_bound(double a, double b)
{
    if (a == b) return 1;
    if (!isfinite(a) || !isfinite(b)) return 0;   /* an open end (infinite) is no value */
    return fabs(a - b) <= 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
}

/* The smallest 0..4 decimals that print every bound distinctly; at least
 * 1 when any value or bound is not an integer. */
static int choose_decimals(const wm_classes *c, const double *sorted, size_t nv)
{
    double b[2 * WM_MAX_CLASSES + 1];
    int nb = legend_bounds(c, b);
    int dec = 0;
    for (size_t i = 0; i < nv && !dec; i++) if (!is_integer(sorted[i])) dec = 1;
    for (int i = 0; i < nb && !dec; i++) if (!is_integer(b[i])) dec = 1;
    for (; dec < 4; dec++) {
        int clash = 0;
        for (int i = 0; i < nb && !clash; i++)
            for (int j = i + 1; j < nb && !clash; j++) {
                if (same_bound(b[i], b[j])) continue;   /* same bound, e.g. top of a one-value class */
                char x[64], y[64];
                format_value(x, sizeof x, b[i], dec);
                format_value(y, sizeof y, b[j], dec);
                clash = strcmp(x, y) == 0;
            }
        if (!clash) break;
    }
    return dec;
}

static void make_labels(wm_classes *c)
{
    int d = c->decimals;
    for (int i = 0; i < c->n; i++) {
        char lo[28], hi[28];   /* 27 characters is ample: labels stay within 64 */
        char *label = c->label[i];
        size_t size = sizeof c->label[i];
        format_value(lo, sizeof lo, c->lower[i], d);
        format_value(hi, sizeof hi, c->upper[i], d);
        int last = i == c->n - 1;
        if (isnan(c->lower[i]))   /* all No data: the one empty class, whatever the method */
            snprintf(label, size, "(no values)");
        else if (c->method == WM_CLASS_CATEGORICAL || (last && same_bound(c->lower[i], c->upper[i])))
            snprintf(label, size, "%s", lo);
        else if (i == 0 && c->open_below)
            snprintf(label, size, "< %s", hi);
        else if (last && c->open_above)
            snprintf(label, size, "\xe2\x89\xa5 %s", lo);   /* "≥" */
        else if (last)
            snprintf(label, size, "%s to %s", lo, hi);
        else
            snprintf(label, size, "%s to < %s", lo, hi);
    }
}

/* ---- classification ---------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int wm_class_of(const wm_classes *c, double v)
{
    if (isnan(v) || c->n < 1) return -1;
    if (c->method == WM_CLASS_CATEGORICAL) {
        for (int i = 0; i < c->n; i++)
            if (fabs(v - c->lower[i]) <= WM_CATEGORY_EPS) return i;
        return -1;
    }
    /* The last class whose lower bound is <= v; values below the first
     * bound belong to the first class, as the top value does to the last. */
    int lo = 0, hi = c->n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (c->lower[mid] <= v) lo = mid; else hi = mid - 1;
    }
    return lo;
}

static void set_upper_from_lower(wm_classes *out, double top)
{
    for (int i = 0; i + 1 < out->n; i++) out->upper[i] = out->lower[i + 1];
    out->upper[out->n - 1] = top;
}

/* The first of the sorted values x[0..nv-1] above v (one must be). */
static double first_above(const double *x, size_t nv, double v)
{
    size_t lo = 0, hi = nv;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] > v) hi = mid;
        else lo = mid + 1;
    }
    return x[lo < nv ? lo : nv - 1];
}

/* Breaks for quantile, equal and jenks from the sorted values. */
static int continuous_breaks(const double *x, size_t nv, wm_class_method method, int k,
                             wm_classes *out, wm_error *err)
{
    double lower[WM_MAX_CLASSES];
    int n = 0;
    if (method == WM_CLASS_QUANTILE) {
        /* A break at an order statistic puts all its ties above it; a
         * break equal to the one before would be an empty class, and is
         * dropped.  After a dropped break the first value above the tie
         * starts a class (before the next order statistic, when that is
         * higher): else the values between the tie and the next break, or
         * all the values above the tie, would share the tie's class.  In
         * an authority where most wards have none of a thing (residents in
         * England's most deprived tenth), the few that have some would be
         * drawn with the none. */
        int dropped = 0;
        for (int i = 0; i < k && n < k; i++) {
            double b = x[(size_t)i * nv / (size_t)k];
            if (n > 0 && !(b > lower[n - 1])) {
                dropped = 1;
                continue;
            }
            if (dropped) {
                double above = first_above(x, nv, lower[n - 1]);
                dropped = 0;
                if (above < b) {
                    lower[n++] = above;
                    if (n == k) break;
                }
            }
            lower[n++] = b;
        }
        if (dropped && n < k && x[nv - 1] > lower[n - 1]) {
            double above = first_above(x, nv, lower[n - 1]);
            lower[n++] = above;
        }
    } else if (method == WM_CLASS_EQUAL) {
        double lo = x[0], hi = x[nv - 1];
        if (lo == hi) k = 1;
        for (int i = 0; i < k; i++) lower[n++] = lo + (hi - lo) * i / k;
    } else {
        n = wm_jenks_sorted(x, nv, k, lower);
        if (n < 0) return wm_error_set(err, WM_EXIT_DATA, "out of memory computing natural breaks");
    }
    out->n = n;
    memcpy(out->lower, lower, (size_t)n * sizeof *lower);
    set_upper_from_lower(out, x[nv - 1]);
    return 0;
}

int wm_classify(const double *values, size_t n, wm_class_method method, int k,
                const double *breaks, int nbreaks, wm_classes *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    out->method = method;
    out->total = n;

    if (method == WM_CLASS_MANUAL) {
        if (!breaks || nbreaks < 1)
            return wm_error_set(err, WM_EXIT_USAGE, "manual classes need at least one break");
        if (nbreaks + 1 > WM_MAX_CLASSES)
            return wm_error_set(err, WM_EXIT_USAGE, "%d manual breaks make %d classes; at most %d classes",
                                nbreaks, nbreaks + 1, WM_MAX_CLASSES);
    } else if (method == WM_CLASS_CATEGORICAL) {
        if (breaks && nbreaks > WM_MAX_CLASSES)
            return wm_error_set(err, WM_EXIT_USAGE, "%d categories given; at most %d",
                                nbreaks, WM_MAX_CLASSES);
    } else if (method == WM_CLASS_QUANTILE || method == WM_CLASS_EQUAL || method == WM_CLASS_JENKS) {
        if (k < 1 || k > WM_MAX_CLASSES)
            return wm_error_set(err, WM_EXIT_USAGE, "%d classes asked for; the number of classes must be 1 to %d",
                                k, WM_MAX_CLASSES);
    } else {
        return wm_error_set(err, WM_EXIT_USAGE, "unknown classification method %d", (int)method);
    }
    if (breaks && nbreaks > 0 && (method == WM_CLASS_MANUAL || method == WM_CLASS_CATEGORICAL)) {
        const char *what = method == WM_CLASS_MANUAL ? "break" : "category";
        for (int i = 0; i < nbreaks; i++) {
            if (!isfinite(breaks[i]))
                return wm_error_set(err, WM_EXIT_USAGE, "%s %d is not a finite number", what, i + 1);
            for (int j = 0; j < i; j++) {
                if (method == WM_CLASS_MANUAL && j == i - 1 && !(breaks[i] > breaks[j]))
                    return wm_error_set(err, WM_EXIT_USAGE,
                                        "manual breaks must increase: break %d (%g) is not above break %d (%g)",
                                        i + 1, breaks[i], i, breaks[j]);
                if (method == WM_CLASS_CATEGORICAL && fabs(breaks[i] - breaks[j]) <= WM_CATEGORY_EPS)
                    return wm_error_set(err, WM_EXIT_USAGE, "category %g is given twice (%d and %d)",
                                        breaks[i], j + 1, i + 1);
            }
        }
    }

    /* The finite values, sorted; No data counted. */
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x) return wm_error_set(err, WM_EXIT_DATA, "out of memory classifying %zu values", n);
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) { out->nodata++; continue; }
        if (!isfinite(values[i])) {
            free(x);
            return wm_error_set(err, WM_EXIT_DATA, "value %zu is infinite", i + 1);
        }
        x[nv++] = values[i];
    }
    qsort(x, nv, sizeof *x, cmp_double);

    int rc = 0;
    if (method == WM_CLASS_MANUAL) {
        out->n = nbreaks + 1;
        out->open_below = out->open_above = 1;
        out->lower[0] = -INFINITY;
        for (int i = 0; i < nbreaks; i++) out->lower[i + 1] = breaks[i];
        set_upper_from_lower(out, INFINITY);
    } else if (method == WM_CLASS_CATEGORICAL && breaks && nbreaks > 0) {
        out->n = nbreaks;
        for (int i = 0; i < nbreaks; i++) out->lower[i] = out->upper[i] = breaks[i];
    } else if (nv == 0) {
        out->n = 1;   /* all No data: one empty class */
        out->lower[0] = out->upper[0] = NAN;
    } else if (method == WM_CLASS_CATEGORICAL) {
        int nc = 0;
        for (size_t i = 0; i < nv; i++) {
            if (nc > 0 && x[i] - out->lower[nc - 1] <= WM_CATEGORY_EPS) continue;
            if (nc == WM_MAX_CLASSES) {
                size_t distinct = (size_t)nc;
                double last = out->lower[nc - 1];
                for (size_t j = i; j < nv; j++)
                    if (x[j] - last > WM_CATEGORY_EPS) { distinct++; last = x[j]; }
                rc = wm_error_set(err, WM_EXIT_USAGE,
                                  "%zu distinct values are too many categories (at most %d); "
                                  "give the categories or use a graduated method",
                                  distinct, WM_MAX_CLASSES);
                break;
            }
            out->lower[nc] = out->upper[nc] = x[i];
            nc++;
        }
        out->n = nc;
    } else {
        rc = continuous_breaks(x, nv, method, k, out, err);
    }

    if (rc == 0) {
        for (size_t i = 0; i < nv; i++) {
            int c = wm_class_of(out, x[i]);
            if (c >= 0) out->count[c]++;
            else out->unclassed++;
        }
        out->decimals = choose_decimals(out, x, nv);
        make_labels(out);
    }
    free(x);
    return rc;
}

void wm_classes_recount(wm_classes *c, const double *values, size_t n)
{
    memset(c->count, 0, sizeof c->count);
    c->nodata = c->unclassed = 0;
    c->total = n;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) { c->nodata++; continue; }
        int k = wm_class_of(c, values[i]);
        if (k >= 0) c->count[k]++;
        else c->unclassed++;
    }
}
