#include "number.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const suppression_markers[] = {
    "s", "*", "x", "c", "..", ":", "-", "n/a", "na", "#n/a", "[c]", "[x]",
    "[low]", "~", NULL
};

/* A decimal without exponent, [+-]digits[.digits], of at most 15
 * significant digits and at most 22 after the point: its value is the
 * digits as an integer (exact in a double, being under 2^53) divided by
 * a power of ten (exact up to 10^22), and one IEEE division rounds that
 * quotient correctly, as strtod does (Clinger's fast path).  Nearly
 * every published cell is such a number, and this takes a tenth of
 * strtod's time; 1 when it applied. */
static int plain_decimal(const char *s, double *out)
{
    static const double pow10[23] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    const char *start = s;
    int negative = *s == '-';
    if (*s == '+' || *s == '-') s++;
    uint64_t mant = 0;
    int significant = 0, after_point = 0, any = 0, point = 0;
    for (; *s; s++) {
        if (s - start >= 63) return 0;   /* a cell's limit (wm_number_parse) */
        if (*s == '.') {
            if (point) return 0;
            point = 1;
            continue;
        }
        if (*s < '0' || *s > '9') return 0;
        any = 1;
        if (point) after_point++;
        if (mant == 0 && *s == '0') continue;   /* a leading zero */
        if (++significant > 15) return 0;
        mant = mant * 10 + (uint64_t)(*s - '0');
    }
    if (!any || after_point > 22) return 0;
    double v = (double)mant / pow10[after_point];
    *out = negative ? -v : v;
    return 1;
}

wm_number_kind wm_number_parse(const char *text, double *out)
{
    if (!text) return WM_NUM_EMPTY;
    /* Most cells are bare decimals ("0.123", "29199"): read in place.
     * Anything else (spaces, a sign, commas, a percent sign, markers)
     * takes the path below. */
    if (*text >= '0' && *text <= '9' && plain_decimal(text, out)) return WM_NUM_VALUE;
    while (isspace((unsigned char)*text)) text++;
    size_t len = strlen(text);
    while (len > 0 && isspace((unsigned char)text[len - 1])) len--;
    if (len == 0) return WM_NUM_EMPTY;
    if (len >= 64) return WM_NUM_INVALID;

    char cell[64];
    memcpy(cell, text, len);
    cell[len] = '\0';
    /* No marker begins with a digit: a number's cell, most cells, skips
     * the list (an import reads hundreds of thousands). */
    if (!isdigit((unsigned char)cell[0]))
        for (const char *const *m = suppression_markers; *m; m++)
            if (strcasecmp(cell, *m) == 0) return WM_NUM_SUPPRESSED;

    if (cell[len - 1] == '%') {
        cell[--len] = '\0';
        while (len > 0 && isspace((unsigned char)cell[len - 1])) cell[--len] = '\0';
        if (len == 0) return WM_NUM_INVALID;
    }

    /* Copy without thousands separators, checking they group by three. */
    char digits[64];
    size_t n = 0, i = 0;
    if (cell[i] == '+' || cell[i] == '-') digits[n++] = cell[i++];
    size_t run = 0;            /* digits since the last comma */
    int seen_comma = 0, int_digits = 0;
    for (; cell[i] && cell[i] != '.' && cell[i] != 'e' && cell[i] != 'E'; i++) {
        if (cell[i] == ',') {
            if (int_digits == 0 || (seen_comma && run != 3) || (!seen_comma && run > 3))
                return WM_NUM_INVALID;
            seen_comma = 1;
            run = 0;
            continue;
        }
        if (!isdigit((unsigned char)cell[i])) return WM_NUM_INVALID;
        digits[n++] = cell[i];
        run++;
        int_digits++;
    }
    if (seen_comma && run != 3) return WM_NUM_INVALID;
    for (; cell[i]; i++) digits[n++] = cell[i];
    digits[n] = '\0';

    double v;
    if (plain_decimal(digits, &v)) {
        *out = v;
        return WM_NUM_VALUE;
    }
    char *end = NULL;
    v = strtod(digits, &end);
    if (end == digits || *end != '\0' || !isfinite(v)) return WM_NUM_INVALID;
    /* strtod accepts "inf", "nan", hex: a published table has none. */
    for (const char *p = digits; *p; p++)
        if (!(isdigit((unsigned char)*p) || strchr("+-.eE", *p))) return WM_NUM_INVALID;
    *out = v;
    return WM_NUM_VALUE;
}

const char *wm_number_kind_name(wm_number_kind kind)
{
    switch (kind) {
    case WM_NUM_VALUE: return "value";
    case WM_NUM_EMPTY: return "empty";
    case WM_NUM_SUPPRESSED: return "suppressed";
    case WM_NUM_INVALID: return "not a number";
    }
    return "?";
}
