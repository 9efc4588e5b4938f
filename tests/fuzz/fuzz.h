/* fuzz.h -- what the libFuzzer harnesses in tests/fuzz/ share.
 *
 * Each harness feeds one reader the fuzzer's bytes and checks what the
 * readers promise beyond "no crash" (AddressSanitizer and UBSan see to
 * that): a failure is one line with an exit code, and text handed on is
 * valid UTF-8.  A broken promise aborts, which libFuzzer reports as a
 * finding.  Harnesses are kept small so that a renamed reader API is
 * easy to follow.
 *
 * Every message is valid UTF-8: wm_error_set() escapes whatever a
 * reader quotes into it (utf8.h), so every harness checks it.
 */
#ifndef WM_FUZZ_H
#define WM_FUZZ_H

#include "error.h"
#include "utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input as a NUL-terminated string (embedded NULs end it early,
 * as they would for a reader given a C string). */
static inline char *wm_fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#define WM_FUZZ_ASSERT(cond)                                                              \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond);    \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* A reader's error: a known exit code and one line (and, when `utf8`,
 * valid UTF-8). */
static inline void wm_fuzz_check_error(const wm_error *err, int utf8)
{
    if (getenv("WM_FUZZ_VERBOSE")) fprintf(stderr, "error %d: %s\n", err->code, err->msg);
    WM_FUZZ_ASSERT(err->code == WM_EXIT_USAGE || err->code == WM_EXIT_DATA || err->code == WM_EXIT_IO);
    WM_FUZZ_ASSERT(err->msg[0] != '\0');
    WM_FUZZ_ASSERT(strchr(err->msg, '\n') == NULL && strchr(err->msg, '\r') == NULL);
    (void)utf8;   /* every message, whichever reader made it */
    WM_FUZZ_ASSERT(wm_utf8_valid(err->msg));
}

#endif
