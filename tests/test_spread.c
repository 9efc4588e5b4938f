/* spread.h: the percentiles of a spine chart, against values worked out
 * by hand from the definition (R's quantile type 7), and No data left
 * out. */
#include "spread.h"
#include "testutil.h"

#include <math.h>

int main(void)
{
    /* 1..5 (given unsorted): h = 4p; 25th: x[1] = 2, 75th: x[3] = 4. */
    const double five[] = { 5, 3, 1, 4, 2 };
    wm_spread s;
    CHECK(wm_spread_of(five, 5, &s) == 0);
    CHECK(s.n == 5);
    CHECK_NEAR(s.min, 1, 0);
    CHECK_NEAR(s.q25, 2, 1e-15);
    CHECK_NEAR(s.q75, 4, 1e-15);
    CHECK_NEAR(s.max, 5, 0);

    /* Four values 10, 20, 40, 80: h = 3p; 25th: h = 0.75, 10 + 0.75 * 10 = 17.5;
     * 75th: h = 2.25, 40 + 0.25 * 40 = 50.  NaNs (No data) are not values. */
    const double four[] = { NAN, 80, 10, NAN, 40, 20 };
    CHECK(wm_spread_of(four, 6, &s) == 0);
    CHECK(s.n == 4);
    CHECK_NEAR(s.min, 10, 0);
    CHECK_NEAR(s.q25, 17.5, 1e-12);
    CHECK_NEAR(s.q75, 50, 1e-12);
    CHECK_NEAR(s.max, 80, 0);

    /* One value: every quantile is it.  None: all NaN, n 0. */
    const double one[] = { 7.25 };
    CHECK(wm_spread_of(one, 1, &s) == 0 && s.n == 1 && s.min == 7.25 && s.q25 == 7.25 && s.q75 == 7.25 && s.max == 7.25);
    const double none[] = { NAN, NAN };
    CHECK(wm_spread_of(none, 2, &s) == 0 && s.n == 0 && isnan(s.min) && isnan(s.q25) && isnan(s.max));
    CHECK(wm_spread_of(none, 0, &s) == 0 && s.n == 0);

    /* The quantile itself at its ends and between. */
    const double sorted[] = { 0, 10 };
    CHECK_NEAR(wm_quantile_sorted(sorted, 2, 0), 0, 0);
    CHECK_NEAR(wm_quantile_sorted(sorted, 2, 1), 10, 0);
    CHECK_NEAR(wm_quantile_sorted(sorted, 2, 0.3), 3, 1e-12);
    CHECK(isnan(wm_quantile_sorted(sorted, 0, 0.5)));
    return wm_test_summary();
}
