/* libFuzzer harness: the indicator metadata parser (indicator_meta.h,
 * wm_meta_parse). */
#include "fuzz.h"
#include "indicator_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = wm_fuzz_text(data, size);
    wm_error err;
    wm_error_clear(&err);
    wm_meta_doc *d = wm_meta_parse(text, "fuzz.meta", &err);
    if (d) wm_meta_free(d);
    else wm_fuzz_check_error(&err, 0);
    free(text);
    return 0;
}
