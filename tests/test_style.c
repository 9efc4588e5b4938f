/* Unit tests for style.h: styles/default.style equals the built-in
 * defaults, every kind of error is reported as FILE:LINE with its key,
 * partial styles keep the defaults, and NAME / path lookup.  The style
 * texts below are synthetic fixtures written for these tests. */
#include "style.h"
#include "home.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int same_rgb(wm_rgb a, wm_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* Every field, so a field added to wm_style without a key shows up here
 * as well as in the written-out comparison below. */
static void check_same(const wm_style *a, const wm_style *b)
{
    CHECK_STR(a->name, b->name);
    CHECK_STR(a->paper, b->paper);
    CHECK(a->landscape == b->landscape);
    CHECK(a->dpi == b->dpi);
    CHECK(a->margin_mm == b->margin_mm);
    CHECK(a->map_padding == b->map_padding);
    CHECK_STR(a->font, b->font);
    CHECK(a->title_size == b->title_size);
    CHECK(a->subtitle_size == b->subtitle_size);
    CHECK(a->legend_title_size == b->legend_title_size);
    CHECK(a->legend_text_size == b->legend_text_size);
    CHECK(a->notes_size == b->notes_size);
    CHECK(a->attribution_size == b->attribution_size);
    CHECK(same_rgb(a->ink, b->ink));
    CHECK(same_rgb(a->muted_ink, b->muted_ink));
    CHECK(same_rgb(a->background, b->background));
    CHECK(same_rgb(a->area_outline, b->area_outline));
    CHECK(a->area_outline_width == b->area_outline_width);
    CHECK(a->area_outline_opacity == b->area_outline_opacity);
    CHECK(same_rgb(a->nodata_fill, b->nodata_fill));
    CHECK(a->nodata_hatch == b->nodata_hatch);
    CHECK(same_rgb(a->overlay_outline, b->overlay_outline));
    CHECK(a->overlay_outline_width == b->overlay_outline_width);
    CHECK(a->boundary_width == b->boundary_width);
    CHECK(same_rgb(a->highlight_outline, b->highlight_outline));
    CHECK(a->highlight_width == b->highlight_width);
    CHECK(a->mute_opacity == b->mute_opacity);
    CHECK(a->label_size == b->label_size);
    CHECK(a->label_min_size == b->label_min_size);
    CHECK(a->label_bold == b->label_bold);
    CHECK(same_rgb(a->label_colour, b->label_colour));
    CHECK(same_rgb(a->label_halo, b->label_halo));
    CHECK(a->label_halo_width == b->label_halo_width);
    CHECK_STR(a->label_fallbacks, b->label_fallbacks);
    CHECK(a->legend_position == b->legend_position);
    CHECK(a->legend_width == b->legend_width);
    CHECK(a->show_counts == b->show_counts);
    CHECK(a->north_arrow == b->north_arrow);
    CHECK(a->scale_bar == b->scale_bar);
    CHECK_STR(a->palette, b->palette);
    CHECK_STR(a->method, b->method);
    CHECK(a->classes == b->classes);
}

/* The style written out as text (every key), for whole-style comparison. */
static char *written(const wm_style *st)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) return NULL;
    CHECK(wm_style_write(st, f) == 0);
    fclose(f);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_defaults_round_trip(void)
{
    wm_style def, loaded, again;
    wm_error err;
    wm_style_defaults(&def);
    CHECK_STR(def.name, "default");
    CHECK_STR(def.palette, "YlOrRd");
    CHECK(def.classes == 5);
    CHECK_NEAR(def.ink.r, 0x21 / 255.0, 0);

    /* styles/default.style is exactly the built-in defaults. */
    CHECK(wm_style_load(wm_test_home_path("styles/default.style"), &loaded, &err) == 0);
    check_same(&loaded, &def);
    /* NULL and "" mean the default style too. */
    CHECK(wm_style_load(NULL, &loaded, &err) == 0);
    check_same(&loaded, &def);
    CHECK(wm_style_load("", &loaded, &err) == 0);
    check_same(&loaded, &def);
    CHECK(wm_style_load("default", &loaded, &err) == 0);
    check_same(&loaded, &def);

    /* Writing the defaults and reading them back gives the defaults. */
    char *text = written(&def);
    CHECK(text != NULL);
    if (!text) return;
    CHECK(wm_style_parse(text, "default", &again, &err) == 0);
    check_same(&again, &def);
    char *text2 = written(&again);
    CHECK_STR(text2, text);

    /* default.style sets every key, and docs/styles.md documents every key. */
    char *file = slurp(wm_test_home_path("styles/default.style"));
    char *docs = slurp(wm_test_home_path("docs/styles.md"));
    CHECK(file != NULL);
    CHECK(docs != NULL);
    int keys = 0;
    for (char *line = strtok(text, "\n"); line && file && docs; line = strtok(NULL, "\n")) {
        char *eq = strstr(line, " = ");
        if (!eq || line[0] == '#') continue;
        keys++;
        char want[96];
        snprintf(want, sizeof want, "\n%.*s = ", (int)(eq - line), line);
        if (!strstr(file, want)) { printf("default.style lacks %s\n", want + 1); CHECK(0); }
        snprintf(want, sizeof want, "`%.*s`", (int)(eq - line), line);
        if (!strstr(docs, want)) { printf("docs/styles.md lacks %s\n", want); CHECK(0); }
    }
    CHECK(keys == 41);
    free(file);
    free(docs);
    free(text);
    free(text2);
}

/* Parse `text` as "t.style": expect failure with exactly `msg`. */
static void expect_error(const char *text, const char *msg)
{
    wm_style st;
    wm_error err;
    wm_style_defaults(&st);
    st.classes = 99;     /* must be left untouched on error */
    int rc = wm_style_parse(text, "t.style", &st, &err);
    CHECK(rc != 0);
    CHECK(err.code == WM_EXIT_DATA);
    CHECK_STR(err.msg, msg);
    CHECK(st.classes == 99);
}

static void test_errors(void)
{
    /* Sections and lines. */
    expect_error("[pages]\n", "t.style:1: unknown section [pages]; did you mean [page]?");
    expect_error("# comment\n[fonts]\n",
                 "t.style:2: unknown section [fonts]; sections are [page], [text], [areas], [labels], "
                 "[legend] and [classes]");
    expect_error("[page\n", "t.style:1: section header \"[page\" has no closing ]");
    expect_error("[page] x\n", "t.style:1: text after the section header: \"x\"");
    expect_error("[page]\njust words\n",
                 "t.style:2: expected \"key = value\" or \"[section]\", not \"just words\"");
    expect_error("dpi = 100\n", "t.style:1: key \"dpi\": comes before any section; put it under [page]");

    /* Unknown keys, with the nearest known key. */
    expect_error("[areas]\noutline-color = #ffffff\n",
                 "t.style:2: key \"outline-color\": not a key of [areas]; did you mean \"outline-colour\"?");
    expect_error("[text]\ntitle_size = 12\n",
                 "t.style:2: key \"title_size\": not a key of [text]; did you mean \"title-size\"?");
    expect_error("[text]\ndpi = 300\n", "t.style:2: key \"dpi\": belongs in [page], not [text]");
    expect_error("[page]\nhalo-color = #fff\n",
                 "t.style:2: key \"halo-color\": not a key of [page]; did you mean \"halo-colour\" in [labels]?");
    expect_error("[legend]\nzzz = 1\n",
                 "t.style:2: key \"zzz\": not a key of [legend]; its keys are position, width, counts, "
                 "north-arrow, scale-bar");
    expect_error("[page]\ndpi = 100\n\ndpi = 200\n", "t.style:4: key \"dpi\": already set at line 2");
    expect_error("[page]\ndpi =\n", "t.style:2: key \"dpi\": has no value");
    expect_error("[page]\ndpi = # no value\n", "t.style:2: key \"dpi\": has no value");

    /* Numbers and units. */
    expect_error("[text]\ntitle-size = big\n",
                 "t.style:2: key \"title-size\": \"big\" is not a number (a size in pt, e.g. 9.5 or 9.5pt; "
                 "mm, cm and in also work)");
    expect_error("[text]\ntitle-size = 1.2.3\n",
                 "t.style:2: key \"title-size\": \"1.2.3\" is not a number (a size in pt, e.g. 9.5 or 9.5pt; "
                 "mm, cm and in also work)");
    expect_error("[text]\ntitle-size = nan\n",
                 "t.style:2: key \"title-size\": \"nan\" is not a number (a size in pt, e.g. 9.5 or 9.5pt; "
                 "mm, cm and in also work)");
    expect_error("[text]\ntitle-size = 1e3\n",
                 "t.style:2: key \"title-size\": 1e3 is out of range (2 to 72 pt)");
    expect_error("[page]\nmargin = 10px\n",
                 "t.style:2: key \"margin\": unit \"px\" is not known (use mm, cm, in or pt)");
    expect_error("[page]\ndpi = 300dpi\n", "t.style:2: key \"dpi\": \"300dpi\" is not a number");
    expect_error("[page]\npadding = 3mm\n",
                 "t.style:2: key \"padding\": \"3mm\" is not a number (a fraction such as 0.25, or a "
                 "percentage such as 25%)");
    expect_error("[page]\ndpi = 20\n", "t.style:2: key \"dpi\": 20 is out of range (36 to 1200)");
    /* The style and --dpi agree on the range (docs/styles.md). */
    expect_error("[page]\ndpi = 2400\n", "t.style:2: key \"dpi\": 2400 is out of range (36 to 1200)");
    expect_error("[labels]\nhalo-width = 30pt\n",
                 "t.style:2: key \"halo-width\": 30pt is out of range (0 to 20 pt)");
    expect_error("[areas]\noutline-width = -0.5\n",
                 "t.style:2: key \"outline-width\": -0.5 is out of range (0 to 20 pt)");
    expect_error("[page]\nmargin = 6cm\n", "t.style:2: key \"margin\": 6cm is out of range (0 to 50 mm)");
    expect_error("[legend]\nwidth = 80%\n", "t.style:2: key \"width\": 80% is out of range (0.1 to 0.5)");
    expect_error("[classes]\ncount = 4.5\n", "t.style:2: key \"count\": \"4.5\" is not a whole number");
    expect_error("[classes]\ncount = 0\n", "t.style:2: key \"count\": 0 is out of range (1 to 12)");

    /* Colours, switches, choices, text. */
    expect_error("[text]\n\nink = #21212\n",
                 "t.style:3: key \"ink\": \"#21212\" is not a colour (write #rrggbb or #rgb)");
    expect_error("[text]\nink = red\n",
                 "t.style:2: key \"ink\": \"red\" is not a colour (write #rrggbb or #rgb)");
    expect_error("[legend]\ncounts = maybe\n",
                 "t.style:2: key \"counts\": \"maybe\" is not yes or no (yes, no, true, false, on, off)");
    expect_error("[legend]\nposition = top\n",
                 "t.style:2: key \"position\": \"top\" is not right, left or bottom");
    expect_error("[page]\norientation = sideways\n",
                 "t.style:2: key \"orientation\": \"sideways\" is not landscape or portrait");
    expect_error("[page]\npaper = Letter\n",
                 "t.style:2: key \"paper\": \"Letter\" is not a paper size (A3, A4 or A5)");
    expect_error("[classes]\nmethod = natural\n",
                 "t.style:2: key \"method\": \"natural\" is not a classification method "
                 "(quantile, equal, jenks, manual or categorical)");
    expect_error("[labels]\nfallbacks = shrink, squash\n",
                 "t.style:2: key \"fallbacks\": \"squash\" is not a fallback (use shrink, wrap, leader, "
                 "number, in the order to try them, or none)");
    expect_error("[labels]\nfallbacks = wrap,shrink,wrap\n",
                 "t.style:2: key \"fallbacks\": \"wrap\" is listed twice");
    expect_error("[labels]\nfallbacks = ,\n",
                 "t.style:2: key \"fallbacks\": no fallbacks listed (write none for no fallbacks)");
    expect_error("[text]\nfont = A font family name that is far too long to fit in sixty-three chars\n",
                 "t.style:2: key \"font\": \"A font family name that is far too long to fit in sixty-three "
                 "chars\" is longer than 63 characters");

    /* Checks across keys name the line of the key set last. */
    expect_error("[labels]\nsize = 6\nmin-size = 6.5\n",
                 "t.style:3: key \"min-size\": min-size (6.5 pt) is larger than size (6 pt)");
    expect_error("[labels]\nmin-size = 5\nsize = 4\n",
                 "t.style:3: key \"size\": min-size (5 pt) is larger than size (4 pt)");
    expect_error("[labels]\nsize = 5\n",
                 "t.style:2: key \"size\": min-size (5.5 pt) is larger than size (5 pt)");
    expect_error("[classes]\npalette = Set2\ncount = 9\n",
                 "t.style:3: key \"count\": colour scheme Set2 is published for 3 to 8 classes, not 9 "
                 "(1 and 2 are taken from the 3-class colours)");
    expect_error("[classes]\ncount = 9\n\n[classes]\npalette = Set2\n",
                 "t.style:5: key \"palette\": colour scheme Set2 is published for 3 to 8 classes, not 9 "
                 "(1 and 2 are taken from the 3-class colours)");

    /* An unknown palette: the message is palette.h's, at the palette line. */
    wm_style st;
    wm_error err;
    CHECK(wm_style_parse("[classes]\ncount = 4\npalette = YlOrRed\n", "t.style", &st, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA);
    const char *want = "t.style:3: key \"palette\": unknown colour scheme \"YlOrRed\"";
    CHECK(strncmp(err.msg, want, strlen(want)) == 0);
    CHECK(strstr(err.msg, "YlOrRd") != NULL);   /* the list names what exists */
}

static void test_overrides(void)
{
    wm_style def, st;
    wm_error err;
    wm_style_defaults(&def);
    const char *text =
        "\xEF\xBB\xBF# synthetic: a few keys; the rest keep their defaults\r\n"
        "[LABELS]\r\n"
        "Size = 8pt    # bigger names\r\n"
        "colour = #1a1a1a # nearly black\r\n"
        "fallbacks = Leader , shrink\r\n"
        "[classes]\r\n"
        "palette = blues\r\n"
        "count = 7\r\n"
        "method = JENKS\r\n"
        "[page]\r\n"
        "margin = 1cm\r\n"
        "padding = 5%\r\n"
        "paper = a3\r\n"
        "orientation = Portrait\r\n"
        "[text]\r\n"
        "font = \"Liberation Sans\"\r\n"
        "subtitle-size = 4mm\r\n"
        "[legend]\r\n"
        "position = bottom\r\n"
        "north-arrow = off\r\n"
        "counts = FALSE\r\n"
        "[areas]\r\n"
        "nodata-fill = #ccc\r\n"
        "mute-opacity = 0.6\r\n";
    CHECK(wm_style_parse(text, "dir.v2/my.style", &st, &err) == 0);
    if (err.code) printf("%s\n", err.msg);
    CHECK_STR(st.name, "my");
    CHECK(st.label_size == 8);
    CHECK_NEAR(st.label_colour.r, 0x1a / 255.0, 0);
    CHECK_STR(st.label_fallbacks, "leader,shrink");
    CHECK_STR(st.palette, "Blues");
    CHECK(st.classes == 7);
    CHECK_STR(st.method, "jenks");
    CHECK_NEAR(st.margin_mm, 10, 1e-12);
    CHECK(st.map_padding == 0.05);
    CHECK_STR(st.paper, "A3");
    CHECK(st.landscape == 0);
    CHECK_STR(st.font, "Liberation Sans");
    CHECK_NEAR(st.subtitle_size, 4 * 72 / 25.4, 1e-12);
    CHECK(st.legend_position == WM_LEGEND_BOTTOM);
    CHECK(st.north_arrow == 0 && st.show_counts == 0 && st.scale_bar == 1);
    CHECK_NEAR(st.nodata_fill.g, 0xcc / 255.0, 0);
    CHECK(st.mute_opacity == 0.6);
    /* Everything else is untouched. */
    CHECK(st.label_min_size == def.label_min_size);
    CHECK(st.label_bold == def.label_bold);
    CHECK(same_rgb(st.label_halo, def.label_halo));
    CHECK(st.dpi == def.dpi);
    CHECK(st.title_size == def.title_size);
    CHECK(same_rgb(st.ink, def.ink));
    CHECK(st.area_outline_width == def.area_outline_width);
    CHECK(st.highlight_width == def.highlight_width);
    CHECK(st.legend_width == def.legend_width);

    /* The written form reads back to the same style. */
    char *out = written(&st);
    wm_style back;
    CHECK(out && wm_style_parse(out, "my", &back, &err) == 0);
    check_same(&back, &st);
    free(out);

    /* "none" clears the fallbacks; an empty file is the defaults. */
    CHECK(wm_style_parse("[labels]\nfallbacks = none\n", "x", &st, &err) == 0);
    CHECK_STR(st.label_fallbacks, "");
    CHECK(wm_style_parse("", "default", &st, &err) == 0);
    check_same(&st, &def);
    CHECK(wm_style_parse("[page]\nmargin = 26.775pt\n[labels]\nsize = 0.1in\n", "x", &st, &err) == 0);
    CHECK_NEAR(st.margin_mm, 26.775 * 25.4 / 72, 1e-12);
    CHECK_NEAR(st.label_size, 7.2, 1e-12);
}

static void test_lookup(void)
{
    wm_style st;
    wm_error err;
    char path[4096], want[8192];

    /* NAME -> styles/NAME.style under the home; anything else is a path. */
    CHECK(wm_style_path("print", path, sizeof path) == 1);
    CHECK_STR(path, wm_test_home_path("styles/print.style"));
    CHECK(wm_style_path(NULL, path, sizeof path) == 1);
    CHECK_STR(path, wm_test_home_path("styles/default.style"));
    CHECK(wm_style_path("mine.style", path, sizeof path) == 0);
    CHECK_STR(path, "mine.style");
    CHECK(wm_style_path("dir/mine", path, sizeof path) == 0);
    CHECK_STR(path, "dir/mine");

    /* The bundled styles load and differ from the default as they say. */
    CHECK(wm_style_load("print", &st, &err) == 0);
    CHECK_STR(st.name, "print");
    CHECK_STR(st.palette, "OrRd");
    CHECK(st.classes == 4);
    CHECK(st.ink.r == 0 && st.ink.g == 0 && st.ink.b == 0);
    CHECK(st.area_outline_width > 0.25 && st.overlay_outline_width > 0.9);
    CHECK(st.label_size == 7);                    /* not set: default */
    wm_palette pal;
    CHECK(wm_palette_load(NULL, st.palette, st.classes, 0, &pal, &err) == 0);
    CHECK(pal.blind == WM_SUIT_YES && pal.print == WM_SUIT_YES && pal.copy == WM_SUIT_YES);

    CHECK(wm_style_load("web", &st, &err) == 0);
    CHECK_STR(st.name, "web");
    CHECK(st.title_size > 19 && st.label_size > 7 && st.legend_text_size > 8.5);
    CHECK(wm_palette_load(NULL, st.palette, st.classes, 0, &pal, &err) == 0);
    CHECK(pal.screen == WM_SUIT_YES && pal.blind == WM_SUIT_YES);

    /* An unknown NAME is a usage error listing the styles there are. */
    CHECK(wm_style_load("nosuch", &st, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE);
    snprintf(want, sizeof want, "unknown style \"nosuch\" (no %s); styles are: ",
             wm_test_home_path("styles/nosuch.style"));
    CHECK(strncmp(err.msg, want, strlen(want)) == 0);
    CHECK(strstr(err.msg, "default") && strstr(err.msg, "print") && strstr(err.msg, "web"));

    /* A path: missing is a data error; a bad file names itself and the line. */
    CHECK(wm_style_load("/nonexistent/x.style", &st, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA);
    CHECK_STR(err.msg, "/nonexistent/x.style: cannot open style: No such file or directory");
    snprintf(path, sizeof path, "%s/bad.style", wm_test_tmpdir());
    CHECK(wm_test_write_file(path, "# synthetic\n[page]\ndpi = lots\n") == 0);
    CHECK(wm_style_load(path, &st, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA);
    snprintf(want, sizeof want, "%s:3: key \"dpi\": \"lots\" is not a number", path);
    CHECK_STR(err.msg, want);
    snprintf(path, sizeof path, "%s/custom.style", wm_test_tmpdir());
    CHECK(wm_test_write_file(path, "[page]\ndpi = 96\n") == 0);
    CHECK(wm_style_load(path, &st, &err) == 0);
    CHECK_STR(st.name, "custom");
    CHECK(st.dpi == 96);

    /* NAME follows WARDMAP_HOME; a home without default.style gives the
     * built-in defaults. */
    char home[1024], *saved = strdup(getenv("WARDMAP_HOME") ? getenv("WARDMAP_HOME") : "");
    snprintf(home, sizeof home, "%s/home", wm_test_tmpdir());
    mkdir(home, 0755);
    snprintf(path, sizeof path, "%s/styles", home);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/styles/mine.style", home);
    CHECK(wm_test_write_file(path, "[legend]\nposition = left\n") == 0);
    setenv("WARDMAP_HOME", home, 1);
    CHECK(wm_style_load("mine", &st, &err) == 0);
    CHECK_STR(st.name, "mine");
    CHECK(st.legend_position == WM_LEGEND_LEFT);
    wm_style def;
    wm_style_defaults(&def);
    CHECK(wm_style_load(NULL, &st, &err) == 0);
    check_same(&st, &def);
    CHECK(wm_style_load("print", &st, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "styles are: mine") != NULL);
    setenv("WARDMAP_HOME", saved, 1);
    free(saved);
}

int main(void)
{
    test_defaults_round_trip();
    test_errors();
    test_overrides();
    test_lookup();
    return wm_test_summary();
}
