/* The growing string (buf.h): pieces added and printed in order, across
 * many reallocations; an empty buffer taken is an empty string. */
#include "buf.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
    wm_buf b = { 0 };
    char *s = wm_buf_take(&b);
    CHECK_STR(s, "");
    free(s);

    wm_buf_add(&b, "ab", 2);
    wm_buf_printf(&b, "%d-%s", 42, "x");
    wm_buf_add(&b, "zzz", 0);
    CHECK(b.len == 6 && strcmp(b.s, "ab42-x") == 0);
    for (int i = 0; i < 10000; i++) wm_buf_printf(&b, "%04d", i);   /* many reallocations */
    CHECK(b.len == 6 + 40000 && strncmp(b.s + 6, "00000001", 8) == 0 && strcmp(b.s + b.len - 4, "9999") == 0);
    s = wm_buf_take(&b);
    CHECK(s && strlen(s) == 40006 && b.s == NULL && b.len == 0);
    free(s);
    return wm_test_summary();
}
