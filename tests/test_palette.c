/* Unit tests for palette.h against the bundled styles/colorbrewer.json.
 * The expected colours and flags below are the ones in that file. */
#include "palette.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static void test_ylorrd(void)
{
    wm_palette p;
    wm_error err;
    const char *want[5] = {"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"};
    CHECK(wm_palette_load(NULL, "YlOrRd", 5, 0, &p, &err) == 0);
    CHECK_STR(p.name, "YlOrRd");
    CHECK_STR(p.type, "seq");
    CHECK(p.n == 5);
    for (int i = 0; i < 5; i++) CHECK_STR(p.hex[i], want[i]);
    CHECK_NEAR(p.colour[0].r, 1.0, 1e-12);
    CHECK_NEAR(p.colour[0].g, 1.0, 1e-12);
    CHECK_NEAR(p.colour[0].b, 0xb2 / 255.0, 1e-12);
    CHECK_NEAR(p.colour[4].r, 0xbd / 255.0, 1e-12);
    /* YlOrRd flags: blind [1] for every count; print [1,1,2,2,0,...]. */
    CHECK(p.blind == WM_SUIT_YES);
    CHECK(p.print == WM_SUIT_UNSURE);
    CHECK(p.copy == WM_SUIT_UNSURE);
    CHECK(p.screen == WM_SUIT_UNSURE);

    CHECK(wm_palette_load(NULL, "ylorrd", 5, 1, &p, &err) == 0);   /* any case, reversed */
    CHECK_STR(p.name, "YlOrRd");
    for (int i = 0; i < 5; i++) CHECK_STR(p.hex[i], want[4 - i]);
    CHECK_NEAR(p.colour[0].b, 0x26 / 255.0, 1e-12);

    CHECK(wm_palette_load(NULL, "YlOrRd", 7, 0, &p, &err) == 0);
    CHECK(p.print == WM_SUIT_NO && p.blind == WM_SUIT_YES);
    CHECK(wm_palette_load(NULL, "YlOrRd", 3, 0, &p, &err) == 0);
    CHECK(p.print == WM_SUIT_YES && p.copy == WM_SUIT_YES && p.screen == WM_SUIT_YES);
    CHECK(wm_palette_load(NULL, "YlOrRd", 9, 0, &p, &err) == 0);
    CHECK_STR(p.hex[8], "#800026");
}

static void test_flags(void)
{
    wm_palette p;
    wm_error err;
    /* Spectral blind [2,2,2,0,...]: uncertain at 3..5, not safe from 6. */
    CHECK(wm_palette_load(NULL, "Spectral", 6, 0, &p, &err) == 0);
    CHECK(p.blind == WM_SUIT_NO);
    CHECK_STR(p.type, "div");
    CHECK(wm_palette_load(NULL, "Spectral", 5, 0, &p, &err) == 0);
    CHECK(p.blind == WM_SUIT_UNSURE);
    /* Accent blind [2,0,...]; Set2 blind [1,2,...]. */
    CHECK(wm_palette_load(NULL, "Accent", 4, 0, &p, &err) == 0);
    CHECK(p.blind == WM_SUIT_NO);
    CHECK(wm_palette_load(NULL, "Set2", 3, 0, &p, &err) == 0);
    CHECK(p.blind == WM_SUIT_YES);
    CHECK(wm_palette_load(NULL, "Set3", 12, 0, &p, &err) == 0);
    CHECK(p.n == 12);
    CHECK_STR(p.hex[11], "#ffed6f");
}

static void test_small_counts(void)
{
    wm_palette p;
    wm_error err;
    /* YlOrRd 3 is #ffeda0 #feb24c #f03b20: 2 classes take the ends, 1 the middle. */
    CHECK(wm_palette_load(NULL, "YlOrRd", 2, 0, &p, &err) == 0);
    CHECK(p.n == 2);
    CHECK_STR(p.hex[0], "#ffeda0");
    CHECK_STR(p.hex[1], "#f03b20");
    CHECK(wm_palette_load(NULL, "YlOrRd", 2, 1, &p, &err) == 0);
    CHECK_STR(p.hex[0], "#f03b20");
    CHECK(wm_palette_load(NULL, "YlOrRd", 1, 0, &p, &err) == 0);
    CHECK(p.n == 1);
    CHECK_STR(p.hex[0], "#feb24c");
}

static void test_errors(void)
{
    wm_palette p;
    wm_error err;
    CHECK(wm_palette_load(NULL, "YlOrR", 5, 0, &p, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE);
    CHECK(strstr(err.msg, "YlOrR") && strstr(err.msg, "YlOrRd"));
    CHECK(wm_palette_load(NULL, "red", 5, 0, &p, &err) != 0);
    CHECK(strstr(err.msg, "Reds") != NULL && strstr(err.msg, "Spectral") == NULL);
    CHECK(wm_palette_load(NULL, "Nonesuch", 5, 0, &p, &err) != 0);
    CHECK(strstr(err.msg, "Spectral") && strstr(err.msg, "YlOrRd"));   /* lists all */

    CHECK(wm_palette_load(NULL, "YlOrRd", 10, 0, &p, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "3 to 9"));
    CHECK(wm_palette_load(NULL, "RdBu", 12, 0, &p, &err) != 0);
    CHECK(strstr(err.msg, "3 to 11") != NULL);
    CHECK(wm_palette_load(NULL, "YlOrRd", 0, 0, &p, &err) != 0);

    char path[4096];
    snprintf(path, sizeof path, "%s/synthetic_missing.json", wm_test_tmpdir());
    CHECK(wm_palette_load(path, "YlOrRd", 5, 0, &p, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "synthetic_missing.json"));
    snprintf(path, sizeof path, "%s/synthetic_bad.json", wm_test_tmpdir());
    CHECK(wm_test_write_file(path, "{\"X\": {\"type\": \"seq\", \"colors\": {\"3\": [\"#fff\", \"red\", \"#000\"]}}}") == 0);
    CHECK(wm_palette_load(path, "X", 3, 0, &p, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "red"));
    CHECK(wm_palette_load(path, "X", 2, 0, &p, &err) == 0);       /* #fff and #000 */
    CHECK(p.blind == WM_SUIT_UNSURE);                             /* no flags in the file */
    CHECK_NEAR(p.colour[0].g, 1.0, 0);
}

static void test_suggest_and_rgb(void)
{
    char buf[512];
    /* Diverging, 11 classes, blind flag 1: RdBu PiYG PRGn RdYlBu BrBG PuOr. */
    CHECK(wm_palette_suggest_safe(NULL, "div", 11, buf, sizeof buf) == 6);
    CHECK(strstr(buf, "RdBu") && strstr(buf, "PuOr"));
    CHECK(strstr(buf, "Spectral") == NULL && strstr(buf, "RdGy") == NULL);
    CHECK(wm_palette_suggest_safe(NULL, "Spectral", 11, buf, sizeof buf) == 6);   /* a name: its type */
    CHECK(wm_palette_suggest_safe(NULL, "seq", 10, buf, sizeof buf) == 0);        /* none go past 9 */
    CHECK(wm_palette_suggest_safe(NULL, "qual", 3, buf, sizeof buf) >= 3);
    CHECK(strstr(buf, "Set2") && strstr(buf, "Dark2") && strstr(buf, "Paired"));

    wm_rgb c;
    CHECK(wm_rgb_parse("#f80", &c) == 0);
    CHECK_NEAR(c.r, 1, 0); CHECK_NEAR(c.g, 0x88 / 255.0, 1e-12); CHECK_NEAR(c.b, 0, 0);
    CHECK(wm_rgb_parse("#BD0026", &c) == 0);
    CHECK_NEAR(c.r, 0xbd / 255.0, 1e-12);
    CHECK(wm_rgb_parse("#12345", &c) == -1);
    CHECK(wm_rgb_parse("123456", &c) == -1);
    CHECK(wm_rgb_parse("#gg0000", &c) == -1);
    CHECK(wm_rgb_parse(NULL, &c) == -1);
}

/* A scheme file is parsed once and kept, but a file rewritten is read
 * again: its new colours, not the kept ones. */
static void test_rewritten_file(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/synthetic_rewritten.json", wm_test_tmpdir());
    wm_palette p;
    wm_error err = { 0 };
    CHECK(wm_test_write_file(path, "{\"Synthetic\": {\"type\": \"seq\", \"colors\": {\"3\": [\"#000000\", \"#111111\", \"#222222\"]}}}") == 0);
    CHECK(wm_palette_load(path, "Synthetic", 3, 0, &p, &err) == 0);
    CHECK(strcmp(p.hex[2], "#222222") == 0);
    CHECK(wm_palette_load(path, "Synthetic", 3, 0, &p, &err) == 0);
    CHECK(strcmp(p.hex[2], "#222222") == 0);
    /* One byte longer: the size differs even within one tick of the clock. */
    CHECK(wm_test_write_file(path, "{\"Synthetic\": {\"type\": \"seq\", \"colors\": {\"3\": [\"#000000\", \"#111111\", \"#ABCDEF\"]} }}") == 0);
    CHECK(wm_palette_load(path, "Synthetic", 3, 0, &p, &err) == 0);
    CHECK(strcmp(p.hex[2], "#ABCDEF") == 0);
    CHECK(wm_test_write_file(path, "not JSON") == 0);
    CHECK(wm_palette_load(path, "Synthetic", 3, 0, &p, &err) != 0);
}

int main(void)
{
    CHECK(strstr(wm_palette_default_path(), "styles/colorbrewer.json") != NULL);
    test_ylorrd();
    test_flags();
    test_small_counts();
    test_errors();
    test_suggest_and_rgb();
    test_rewritten_file();
    wm_shutdown();
    return wm_test_summary();
}
