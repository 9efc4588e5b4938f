/* libFuzzer harness: number.h (a published cell), wm_parse_number_list
 * (--breaks) and utf8.h (text checks and message escapes). */
#include "args.h"
#include "fuzz.h"
#include "number.h"
#include "table.h"
#include "utf8.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = wm_fuzz_text(data, size);

    double v = NAN;
    wm_number_kind k = wm_number_parse(text, &v);
    WM_FUZZ_ASSERT(k == WM_NUM_VALUE ? isfinite(v) : isnan(v));

    double list[8];
    int n = wm_parse_number_list(text, list, 8);
    WM_FUZZ_ASSERT(n == -1 || (n >= 1 && n <= 8));
    for (int i = 0; i < n; i++) WM_FUZZ_ASSERT(isfinite(list[i]));

    size_t len = strlen(text);
    long bad = wm_utf8_check(text, len);
    WM_FUZZ_ASSERT(bad >= -1 && bad < (long)len);
    size_t pre = wm_utf8_space_prefix(text, len), suf = wm_utf8_space_suffix(text, len);
    WM_FUZZ_ASSERT(pre <= len && suf <= len);
    char *t = wm_trimmed_dup(text);
    WM_FUZZ_ASSERT(strlen(t) <= len);
    free(t);

    char buf[64];
    wm_text_escape(text, buf, (size % 64) + 1);
    WM_FUZZ_ASSERT(strlen(buf) <= size % 64);
    WM_FUZZ_ASSERT(wm_utf8_valid(buf));
    for (const char *p = buf; *p; p++) WM_FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7F);

    free(text);
    return 0;
}
