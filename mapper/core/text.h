/* text.h -- small text helpers every stage shares.
 *
 * One copy of each: the split of a "FILE:LAYER" spec, trimming, suffix
 * tests, keeping a message on one line, comparing and ranking names.
 */
#ifndef WM_TEXT_H
#define WM_TEXT_H

#include <stddef.h>

struct wm_error;

/* Split "FILE:LAYER" into its parts.  A colon that belongs to the path
 * (a Windows drive, or a colon followed by '/' ) is not a separator, nor
 * is any colon of a path that exists as written; the layer part is NULL
 * when absent.  Returns malloc'd strings. */
void wm_split_layer_spec(const char *spec, char **file, char **layer);

/* A copy of `s` without leading and trailing white space: spaces, tabs,
 * CR, and the Unicode spaces publishers' files carry (no-break space
 * after a code); utf8.h. */
char *wm_trimmed_dup(const char *s);

/* Whether `s` ends with `suffix`, ASCII case-insensitively (".CSV"). */
int wm_has_suffix(const char *s, const char *suffix);

/* Replace every control character (newline, tab, CR, ...) of `s` with a
 * space, in place, so a quoted value cannot break a one-line message. */
void wm_one_line(char *s);

/* A name as people type it, for comparing names: ASCII letters in lower
 * case, runs of white space as one space (none at the ends), and the
 * typographic apostrophes (U+2018, U+2019) and the backtick as "'", so
 * "St Michael’s", "st  michael's" and "ST MICHAEL'S" compare equal.  Cut
 * to fit `size`. */
void wm_name_key(const char *name, char *out, size_t size);

/* The edit (Levenshtein) distance between `a` and `b`, byte by byte and
 * ignoring ASCII case: how many insertions, deletions and substitutions
 * make one the other (for every "did you mean" list). */
size_t wm_edit_distance(const char *a, const char *b);

/* The items of a comma-separated list, each trimmed ("a, b,c" -> a, b,
 * c; empty items are dropped), as a malloc'd array of malloc'd strings
 * (free with wm_list_free).  Returns the number of items, or -1 when out
 * of memory (WM_EXIT_USAGE). */
int wm_split_list(const char *text, char ***out, struct wm_error *err);

void wm_list_free(char **list, int n);

/* `v` with `decimals` decimals and thousands separators, as readers
 * write numbers: 31234.5 -> "31,234.5"; never "-0".  Into buf; returns
 * buf. */
const char *wm_format_number(double v, int decimals, char *buf, size_t size);

/* `rel` joined to `dir` (kept as it is when absolute), with "." and
 * "name/.." components removed lexically: "a/b/../c" -> "a/c".
 * Malloc'd; NULL when out of memory. */
char *wm_path_join(const char *dir, const char *rel);

/* The whole of a text file, NUL-terminated, malloc'd.  Errors
 * (WM_EXIT_DATA, naming the file): missing or unreadable, larger than
 * `max_bytes` (0: no limit), or holding a NUL byte (not text). */
char *wm_read_text_file(const char *path, size_t max_bytes, struct wm_error *err);

#endif
