/* utf8.h -- the text wardmap hands on is valid UTF-8.
 *
 * cairo stops drawing at the first byte that is not UTF-8, and SQLite
 * stores whatever it is given, so text is checked where it enters: the
 * readers (table.h, layer.h) run wm_utf8_check() on every header, cell,
 * area code and area name, and report the file and line or feature of
 * the first bad byte.  Beyond the readers the library may take any text
 * as valid UTF-8.
 *
 * Valid means RFC 3629: shortest form only, no surrogates (U+D800 to
 * U+DFFF), nothing above U+10FFFF.  A NUL inside a counted string is
 * U+0000 and valid here; the CSV check refuses NUL bytes itself.
 *
 * Spaces: wm_utf8_space_prefix()/suffix() measure leading and trailing
 * white space: ASCII white space (space, tab, CR, LF, VT, FF) and the
 * Unicode ones a spreadsheet or web page leaves in a cell: U+0085,
 * U+00A0 (no-break space), U+1680, U+2000 to U+200B, U+2028, U+2029,
 * U+202F, U+205F, U+3000 and U+FEFF (a stray byte-order mark).
 *
 * Messages: wm_text_escape() makes any text safe to quote on one line.
 */
#ifndef WM_UTF8_H
#define WM_UTF8_H

#include <stddef.h>

/* Offset of the first byte of `s` (len bytes) that does not start a
 * valid UTF-8 sequence, or -1 when all of it is valid. */
long wm_utf8_check(const char *s, size_t len);

/* 1 if the NUL-terminated `s` is valid UTF-8 (NULL counts as valid). */
int wm_utf8_valid(const char *s);

/* Bytes of white space (as defined above) at the start / at the end of
 * `s` (len bytes).  Only whole, valid characters are counted. */
size_t wm_utf8_space_prefix(const char *s, size_t len);
size_t wm_utf8_space_suffix(const char *s, size_t len);

/* A malloc'd copy of `s` without leading and trailing white space as
 * defined above (so a code written "E05001218\u00A0" becomes E05001218). */
char *wm_utf8_trimmed_dup(const char *s);

/* Copy `s` into buf for a one-line message: valid UTF-8 is kept; tab, CR
 * and LF become \t \r \n; other control characters (C0, DEL, C1), U+2028
 * and U+2029 become \xHH or \uHHHH; bytes that are not UTF-8 become \xHH.
 * Text that does not fit ends in "...".  NULL is written as "".
 * Returns buf. */
const char *wm_text_escape(const char *s, char *buf, size_t size);

#endif
