/* libFuzzer harness: the recipe parser (recipe.h, wm_recipe_parse). */
#include "fuzz.h"
#include "recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = wm_fuzz_text(data, size);
    wm_error err;
    wm_error_clear(&err);
    wm_recipe *r = wm_recipe_parse(text, "fuzz.recipe", &err);
    if (r) wm_recipe_free(r);
    else wm_fuzz_check_error(&err, 0);
    free(text);
    return 0;
}
