/* Unit tests for number.h (numbers as publishers write them) and for
 * wm_parse_number_list (args.h: numbers as a user types --breaks). */
#include "args.h"
#include "number.h"
#include "testutil.h"

#include <math.h>

int main(void)
{
    double v = -1;
    CHECK(wm_number_parse("29,199", &v) == WM_NUM_VALUE); CHECK_NEAR(v, 29199, 0);
    CHECK(wm_number_parse("1,234,567.5", &v) == WM_NUM_VALUE); CHECK_NEAR(v, 1234567.5, 0);
    CHECK(wm_number_parse(" 12.5 ", &v) == WM_NUM_VALUE); CHECK_NEAR(v, 12.5, 0);
    CHECK(wm_number_parse("-3", &v) == WM_NUM_VALUE); CHECK_NEAR(v, -3, 0);
    CHECK(wm_number_parse("21.52080344332855", &v) == WM_NUM_VALUE); CHECK_NEAR(v, 21.52080344332855, 1e-12);
    CHECK(wm_number_parse("45%", &v) == WM_NUM_VALUE); CHECK_NEAR(v, 45, 0);
    CHECK(wm_number_parse("0", &v) == WM_NUM_VALUE); CHECK_NEAR(v, 0, 0);
    CHECK(wm_number_parse("1e3", &v) == WM_NUM_VALUE); CHECK_NEAR(v, 1000, 0);

    v = 42;
    CHECK(wm_number_parse("s", &v) == WM_NUM_SUPPRESSED);
    CHECK(wm_number_parse(" S ", &v) == WM_NUM_SUPPRESSED);
    CHECK(wm_number_parse("*", &v) == WM_NUM_SUPPRESSED);
    CHECK(wm_number_parse("x", &v) == WM_NUM_SUPPRESSED);
    CHECK(wm_number_parse("..", &v) == WM_NUM_SUPPRESSED);
    CHECK(wm_number_parse("[c]", &v) == WM_NUM_SUPPRESSED);
    CHECK(wm_number_parse("", &v) == WM_NUM_EMPTY);
    CHECK(wm_number_parse("   ", &v) == WM_NUM_EMPTY);
    CHECK(wm_number_parse(NULL, &v) == WM_NUM_EMPTY);
    CHECK_NEAR(v, 42, 0);   /* untouched: a missing value is never zero */

    CHECK(wm_number_parse("12a", &v) == WM_NUM_INVALID);
    CHECK(wm_number_parse("1,2,3", &v) == WM_NUM_INVALID);
    CHECK(wm_number_parse("1,23", &v) == WM_NUM_INVALID);
    CHECK(wm_number_parse(",123", &v) == WM_NUM_INVALID);
    CHECK(wm_number_parse("1234,567", &v) == WM_NUM_INVALID);
    CHECK(wm_number_parse("nan", &v) == WM_NUM_INVALID);
    CHECK(wm_number_parse("inf", &v) == WM_NUM_INVALID);
    CHECK(wm_number_parse("0x10", &v) == WM_NUM_INVALID);
    CHECK(wm_number_parse("E01009522", &v) == WM_NUM_INVALID);

    double b[4];
    CHECK(wm_parse_number_list("10,20,30", b, 4) == 3);
    CHECK_NEAR(b[0], 10, 0); CHECK_NEAR(b[2], 30, 0);
    CHECK(wm_parse_number_list(" -1.5 , .5,2.,1e3,+4E-1", b, 4) == -1);   /* 5 items, max 4 */
    double c[8];
    CHECK(wm_parse_number_list(" -1.5 , .5,2.,1e3,+4E-1", c, 8) == 5);
    CHECK_NEAR(c[0], -1.5, 0); CHECK_NEAR(c[1], 0.5, 0); CHECK_NEAR(c[2], 2, 0);
    CHECK_NEAR(c[3], 1000, 0); CHECK_NEAR(c[4], 0.4, 1e-15);
    CHECK(wm_parse_number_list("7", b, 4) == 1);
    /* Empty items are mistakes, not a shorter list. */
    CHECK(wm_parse_number_list("10,20,", b, 4) == -1);
    CHECK(wm_parse_number_list(",10", b, 4) == -1);
    CHECK(wm_parse_number_list("10,,20", b, 4) == -1);
    CHECK(wm_parse_number_list("10, ,20", b, 4) == -1);
    CHECK(wm_parse_number_list("", b, 4) == -1);
    CHECK(wm_parse_number_list(NULL, b, 4) == -1);
    /* strtod's other forms are not numbers a user means. */
    CHECK(wm_parse_number_list("0x10,0x20", b, 4) == -1);
    CHECK(wm_parse_number_list("1,inf", b, 4) == -1);
    CHECK(wm_parse_number_list("nan", b, 4) == -1);
    CHECK(wm_parse_number_list("1e999", b, 4) == -1);
    CHECK(wm_parse_number_list("1e", b, 4) == -1);
    CHECK(wm_parse_number_list("1,2;3", b, 4) == -1);
    CHECK(wm_parse_number_list("1 2", b, 4) == -1);
    CHECK(wm_parse_number_list("-", b, 4) == -1);
    CHECK(wm_parse_number_list(".", b, 4) == -1);
    return wm_test_summary();
}
