/* buf.h -- a growing string, for text built a piece at a time.
 *
 * A QGIS style, a profile's notes and sources, an SVG glyph's path data:
 * each is written in many small pieces into one string.  The string is
 * always NUL-terminated.  Running out of memory is remembered (`oom`),
 * later pieces are dropped, and wm_buf_take() then gives NULL, so a
 * caller checks once, at the end.
 *
 *     wm_buf b = { 0 };
 *     wm_buf_printf(&b, "<alias field=\"%s\"/>", name);
 *     wm_buf_add(&b, "\n", 1);
 *     char *s = wm_buf_take(&b);      (NULL when memory ran out; free() it)
 */
#ifndef WM_BUF_H
#define WM_BUF_H

#include <stddef.h>

typedef struct wm_buf {
    char *s;       /* the string so far (NULL until the first piece) */
    size_t len;    /* its length */
    size_t cap;    /* bytes allocated */
    int oom;       /* memory ran out, or a format could not be written */
} wm_buf;

/* Append `n` bytes of `s`. */
void wm_buf_add(wm_buf *b, const char *s, size_t n);

/* Append printf-style. */
void wm_buf_printf(wm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The string, now the caller's (an empty string when nothing was added),
 * or NULL (and freed) when memory ran out. */
char *wm_buf_take(wm_buf *b);

#endif
