/* Unit tests for number.h (numbers as publishers write them) and for
 * wm_parse_number_list (args.h: numbers as a user types --breaks). */
#include "args.h"
#include "number.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

    /* Every plain decimal reads as strtod reads it, to the last bit:
     * synthetic numbers of 1 to 17 digits with the point anywhere, and
     * the edges (leading zeros, a point at either end, -0). */
    const char *edges[] = { "0.1", "0.30000000000000004", "123456789012345", "1234567890123456", "9007199254740993",
                            "0.000000000000000000001", "0.0000000000000000000000123", "5.", ".5", "-0", "-0.0",
                            "+7.25", "000123.4500", "999999999999999.9", "0.1e1", "2.5E-3" };
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        CHECK(wm_number_parse(edges[i], &v) == WM_NUM_VALUE);
        double want = strtod(edges[i], NULL);
        CHECK(memcmp(&v, &want, sizeof v) == 0);
    }
    unsigned long long seed = 12345;
    int same = 1;
    for (int i = 0; i < 200000 && same; i++) {
        char text[40];
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int ndigits = 1 + (int)((seed >> 33) % 17), point = (int)((seed >> 20) % (unsigned)(ndigits + 1));
        size_t n = 0;
        if (seed & 1) text[n++] = '-';
        for (int d = 0; d < ndigits; d++) {
            if (d == point && d > 0) text[n++] = '.';
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            text[n++] = (char)('0' + (seed >> 40) % 10);
        }
        text[n] = '\0';
        double want = strtod(text, NULL);
        same = wm_number_parse(text, &v) == WM_NUM_VALUE && memcmp(&v, &want, sizeof v) == 0;
        if (!same) fprintf(stderr, "%s: %.17g, strtod %.17g\n", text, v, want);
    }
    CHECK(same);

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
    /* A cell of 63 characters is read, of 64 refused, on either path
     * (a bare decimal is read in place). */
    char longest[80];
    memset(longest, '0', sizeof longest);
    longest[62] = '7';
    longest[63] = '\0';
    CHECK(wm_number_parse(longest, &v) == WM_NUM_VALUE && v == 7);
    longest[63] = '7';
    longest[64] = '\0';
    CHECK(wm_number_parse(longest, &v) == WM_NUM_INVALID);
    longest[0] = ' ';
    longest[63] = '\0';
    CHECK(wm_number_parse(longest, &v) == WM_NUM_VALUE && v == 7);

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
