/* libFuzzer harness: the map style parser (style.h, wm_style_parse). */
#include "fuzz.h"
#include "style.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = wm_fuzz_text(data, size);
    wm_style st;
    wm_style_defaults(&st);
    wm_error err;
    wm_error_clear(&err);
    if (wm_style_parse(text, "fuzz.style", &st, &err) != 0) wm_fuzz_check_error(&err, 0);
    free(text);
    return 0;
}
