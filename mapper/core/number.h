/* number.h -- read a number the way statistical publishers write it.
 *
 * Published tables write "29,199" for 29199, pad cells with spaces, and
 * mark values they withhold with a suppression marker.  A missing or
 * suppressed value is never zero: it is reported as such and the caller
 * turns it into No data.
 *
 *   wm_number_parse("29,199", &v)  -> WM_NUM_VALUE, v = 29199
 *   wm_number_parse(" 12.5 ", &v)  -> WM_NUM_VALUE, v = 12.5
 *   wm_number_parse("s", &v)       -> WM_NUM_SUPPRESSED
 *   wm_number_parse("", &v)        -> WM_NUM_EMPTY
 *   wm_number_parse("12a", &v)     -> WM_NUM_INVALID
 *
 * Suppression markers recognised (case-insensitive, after trimming):
 * "s", "*", "x", "c", "..", ":", "-", "n/a", "na", "#N/A", "[c]", "[x]",
 * "[low]", "~".  Thousands separators must be in groups of three
 * ("1,2,3" is invalid).  A trailing "%" is accepted and ignored.
 */
#ifndef WM_NUMBER_H
#define WM_NUMBER_H

typedef enum wm_number_kind {
    WM_NUM_VALUE = 0,     /* a finite number was read */
    WM_NUM_EMPTY,         /* the cell is empty or only spaces */
    WM_NUM_SUPPRESSED,    /* the cell holds a suppression marker */
    WM_NUM_INVALID        /* anything else: not a number */
} wm_number_kind;

/* Parse `text` (may be NULL, treated as empty).  On WM_NUM_VALUE stores
 * the number in *out; otherwise *out is left untouched. */
wm_number_kind wm_number_parse(const char *text, double *out);

/* A short word for a kind, for reports: "value", "empty", ... */
const char *wm_number_kind_name(wm_number_kind kind);

#endif
