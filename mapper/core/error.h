/* error.h -- how wardmap reports failure.
 *
 * Every library call that can fail takes a `wm_error *` as its last
 * argument and returns non-zero (or NULL) on failure after filling it in.
 * The message is one line, names the file, line or feature at fault and
 * says what is wrong: it is printed as it is by the front end.
 *
 * `code` is the process exit status the front end should use:
 *   WM_EXIT_USAGE (2)  the command line is wrong;
 *   WM_EXIT_DATA  (3)  an input file is missing, unreadable or malformed;
 *   WM_EXIT_IO    (4)  an output could not be written;
 *   WM_EXIT_PARTIAL(5) a batch ran but some of its items failed.
 */
#ifndef WM_ERROR_H
#define WM_ERROR_H

#include <stddef.h>

enum {
    WM_OK = 0,
    WM_EXIT_USAGE = 2,
    WM_EXIT_DATA = 3,
    WM_EXIT_IO = 4,
    WM_EXIT_PARTIAL = 5
};

typedef struct wm_error {
    int code;          /* one of the WM_EXIT_* values, 0 when no error */
    char msg[1024];    /* one line, no trailing newline */
    char option[48];   /* the option the error is about ("classes"), or "" */
} wm_error;

/* Clear `err` (NULL is allowed and ignored everywhere below). */
void wm_error_clear(wm_error *err);

/* Set the error with a printf-style message; always returns -1 so a
 * failing function can `return wm_error_set(err, ...)`. */
int wm_error_set(wm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Say which option (long name, no "--") the current error is about, so
 * a recipe can name the line that gave it; returns -1 like
 * wm_error_set, for `return wm_error_about(err, "layer");`. */
int wm_error_about(wm_error *err, const char *option);

/* wm_error_set() and wm_error_about() in one. */
int wm_error_set_about(wm_error *err, int code, const char *option, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prefix the current message with "prefix: " (e.g. the recipe figure
 * name), keeping the code. */
void wm_error_prefix(wm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Silence GDAL's own error handler and route CPLError messages into the
 * last-error slot so the library can quote them in its own one-line
 * messages; call once at start-up. */
void wm_gdal_init(void);

/* Release what GDAL, cairo and fontconfig keep for the life of the
 * process (driver registry, font caches), so that leak checkers such as
 * valgrind see a clean exit.  Call once, last, from a program's main. */
void wm_shutdown(void);

/* Have wm_shutdown() call `fn` first (once, however often registered; at
 * most 8 functions): work still running in the background, such as a
 * cache being written (layer_cache.h), finishes before GDAL is released.
 * Any thread may register. */
void wm_at_shutdown(void (*fn)(void));

/* The last GDAL/OGR error message, or "" when there is none. */
const char *wm_gdal_last_error(void);

#endif
