/* test_gpkg_style.c -- the QML and SLD written into a GeoPackage's
 * layer_styles (qgis_style.h), checked as text: QGIS itself reads them in
 * test_export_qgis.sh.  Values, colours and names here are synthetic. */
#include "testutil.h"
#include "classify.h"
#include "palette.h"
#include "qgis_style.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

/* A synthetic palette: made-up greys, not a published scheme. */
static void synthetic_palette(wm_palette *p, int n)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "SyntheticGreys");
    p->n = n;
    for (int i = 0; i < n; i++) {
        int v = 250 - 20 * i;
        snprintf(p->hex[i], sizeof p->hex[i], "#%02X%02X%02X", v, v, v);   /* upper case on purpose */
        p->colour[i].r = p->colour[i].g = p->colour[i].b = v / 255.0;
    }
}

/* The attribute `name`="..." of the tag starting at `tag`, as a double. */
static double attr_double(const char *tag, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    const char *end = strchr(tag, '>');
    if (!p || (end && p > end)) return NAN;
    return strtod(p + strlen(key), NULL);
}

/* The class QGIS would give v: the first <range> with lower <= v <= upper
 * (QgsGraduatedSymbolRenderer::rangeForValue). */
static int qgis_range_of(const char *qml, double v)
{
    int i = 0;
    for (const char *p = qml; (p = strstr(p, "<range ")) != NULL; p++, i++) {
        double lo = attr_double(p, "lower"), hi = attr_double(p, "upper");
        if (lo <= v && v <= hi) return i;
    }
    return -1;
}

static void test_hand_made_classes(void)
{
    wm_classes c;
    memset(&c, 0, sizeof c);
    c.method = WM_CLASS_QUANTILE;
    c.n = 3;
    double lo[] = { 1, 10, 20 }, hi[] = { 10, 20, 35.5 };
    size_t cnt[] = { 4, 1234, 6 };
    const char *lab[] = { "1 to < 10", "10 to < 20", "20 to 35.5 & <more>" };
    for (int i = 0; i < 3; i++) {
        c.lower[i] = lo[i];
        c.upper[i] = hi[i];
        c.count[i] = cnt[i];
        snprintf(c.label[i], sizeof c.label[i], "%s", lab[i]);
    }
    c.nodata = 2;
    wm_palette p;
    synthetic_palette(&p, 3);
    wm_rgb grey = { 0.85, 0.85, 0.85 };
    wm_qgis_style s;
    wm_qgis_from_classes(&s, &c, &p, grey, "syn_layer", "syn_value", "SYN\"NM");
    CHECK(s.n == 3);
    CHECK_STR(s.cls[0].colour, "#fafafa");
    CHECK_STR(s.cls[1].label, "10 to < 20 (1,234)");
    CHECK_STR(s.nodata_label, "No data (2)");
    CHECK_STR(s.nodata_colour, "#d9d9d9");
    CHECK_STR(s.method, "Quantile");
    wm_qgis_alias al[] = { { "syn_value", "Synthetic value (%)" } };
    s.aliases = al;
    s.naliases = 1;
    snprintf(s.title, sizeof s.title, "Synthetic title");

    char *q = wm_qgis_qml_graduated(&s);
    CHECK(q != NULL);
    if (!q) return;
    CHECK(strstr(q, "<qgis version=\"" WM_QML_VERSION "\"") != NULL);
    CHECK(strstr(q, "<renderer-v2 type=\"graduatedSymbol\" attr=\"syn_value\" graduatedMethod=\"GraduatedColor\"") != NULL);
    CHECK(count_of(q, "<ranges>") == 1 && count_of(q, "<symbols>") == 1);
    CHECK(count_of(q, "<range ") == 3);
    CHECK(count_of(q, "<symbol type=\"fill\"") == 3);
    CHECK(count_of(q, "class=\"SimpleFill\"") == 3);
    CHECK(strstr(q, "name=\"color\" value=\"250,250,250,255\"") != NULL);
    CHECK(strstr(q, "<prop k=\"color\" v=\"210,210,210,255\"/>") != NULL);
    CHECK(strstr(q, "label=\"20 to 35.5 &amp; &lt;more&gt; (6)\"") != NULL);
    CHECK(strstr(q, "<classificationMethod id=\"Quantile\">") != NULL);
    CHECK(strstr(q, "<labeling type=\"simple\">") != NULL);
    CHECK(strstr(q, "fieldName=\"SYN&quot;NM\"") != NULL);
    CHECK(strstr(q, "labelsEnabled=\"1\"") != NULL);
    CHECK(strstr(q, "<alias field=\"syn_value\" index=\"0\" name=\"Synthetic value (%)\"/>") != NULL);
    /* bounds: a value on a break goes up, as in wardmap's classes */
    CHECK(qgis_range_of(q, 1) == 0);
    CHECK(qgis_range_of(q, 9.999) == 0);
    CHECK(qgis_range_of(q, 10) == 1);
    CHECK(qgis_range_of(q, 20) == 2);
    CHECK(qgis_range_of(q, 35.5) == 2);
    CHECK(qgis_range_of(q, 35.6) == -1);
    CHECK(attr_double(strstr(q, "<range "), "upper") == nextafter(10.0, 0));
    free(q);

    char *r = wm_qgis_qml_rules(&s);
    CHECK(r != NULL);
    if (r) {
        CHECK(strstr(r, "type=\"RuleRenderer\"") != NULL);
        CHECK(count_of(r, "<rule ") == 4);
        CHECK(count_of(r, "<symbol type=\"fill\"") == 4);
        CHECK(strstr(r, "filter=\"&quot;syn_value&quot; &gt;= 10 AND &quot;syn_value&quot; &lt; 20\"") != NULL);
        CHECK(strstr(r, "filter=\"&quot;syn_value&quot; &gt;= 20 AND &quot;syn_value&quot; &lt;= 35.5\"") != NULL);
        CHECK(strstr(r, "label=\"No data (2)\" filter=\"&quot;syn_value&quot; IS NULL\"") != NULL);
        CHECK(strstr(r, "value=\"217,217,217,255\"") != NULL);
        free(r);
    }

    char *sld = wm_qgis_sld(&s);
    CHECK(sld != NULL);
    if (sld) {
        CHECK(strncmp(sld, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0);
        CHECK(count_of(sld, "<se:Rule>") == 5);     /* 3 classes, No data, labels */
        CHECK(count_of(sld, "<ogc:PropertyIsLessThan>") == 2);
        CHECK(count_of(sld, "<ogc:PropertyIsLessThanOrEqualTo>") == 1);
        CHECK(count_of(sld, "<ogc:PropertyIsGreaterThanOrEqualTo>") == 3);
        CHECK(count_of(sld, "<ogc:PropertyIsNull>") == 1);
        CHECK(strstr(sld, "<se:SvgParameter name=\"fill\">#d9d9d9</se:SvgParameter>") != NULL);
        CHECK(strstr(sld, "<ogc:PropertyName>SYN&quot;NM</ogc:PropertyName>") != NULL);
        CHECK(strstr(sld, "<se:Title>Synthetic title</se:Title>") != NULL);
        CHECK(strstr(sld, "<more>") == NULL);
        free(sld);
    }

    /* no labels when there is no label field */
    s.label_field[0] = '\0';
    q = wm_qgis_qml_graduated(&s);
    CHECK(q && strstr(q, "<labeling") == NULL && strstr(q, "labelsEnabled=\"0\""));
    free(q);
}

static void test_manual_and_categorical(void)
{
    wm_classes c;
    memset(&c, 0, sizeof c);
    c.method = WM_CLASS_MANUAL;
    c.n = 2;
    c.open_below = c.open_above = 1;
    c.lower[0] = -INFINITY; c.upper[0] = 5;
    c.lower[1] = 5; c.upper[1] = INFINITY;
    snprintf(c.label[0], 64, "< 5");
    snprintf(c.label[1], 64, "\xe2\x89\xa5 5");
    wm_palette p;
    synthetic_palette(&p, 2);
    wm_rgb grey = { 0.85, 0.85, 0.85 };
    wm_qgis_style s;
    wm_qgis_from_classes(&s, &c, &p, grey, "l", "v", NULL);
    CHECK_STR(s.method, "Custom");
    char *q = wm_qgis_qml_graduated(&s);
    CHECK(q && strstr(q, "lower=\"-1.7976931348623157e+308\"") && strstr(q, "upper=\"1.7976931348623157e+308\""));
    CHECK(q && qgis_range_of(q, -1e300) == 0 && qgis_range_of(q, 5) == 1 && qgis_range_of(q, 4.9999) == 0);
    CHECK(q && strstr(q, "label=\"\xe2\x89\xa5 5 (0)\""));
    free(q);
    char *r = wm_qgis_qml_rules(&s);
    CHECK(r && strstr(r, "filter=\"&quot;v&quot; &lt; 5\"") && strstr(r, "filter=\"&quot;v&quot; &gt;= 5\""));
    free(r);
    char *sld = wm_qgis_sld(&s);
    /* no No data rule when there is no No data; "< 5" is "not NULL and < 5",
     * ">= 5" a single comparison */
    CHECK(sld && count_of(sld, "<se:Rule>") == 2 && count_of(sld, "<ogc:And>") == 1 &&
          count_of(sld, "<ogc:Not>") == 1);
    free(sld);

    memset(&c, 0, sizeof c);
    c.method = WM_CLASS_CATEGORICAL;
    c.n = 3;
    for (int i = 0; i < 3; i++) {
        c.lower[i] = c.upper[i] = i + 1;
        snprintf(c.label[i], 64, "%d", i + 1);
    }
    synthetic_palette(&p, 3);
    wm_qgis_from_classes(&s, &c, &p, grey, "l", "decile", "NM");
    q = wm_qgis_qml_graduated(&s);
    CHECK(q && strstr(q, "lower=\"2\" upper=\"2\""));
    CHECK(q && qgis_range_of(q, 2) == 1 && qgis_range_of(q, 2.5) == -1);
    free(q);
    sld = wm_qgis_sld(&s);
    CHECK(sld && count_of(sld, "<ogc:PropertyIsEqualTo>") == 3 && count_of(sld, "<ogc:And>") == 0);
    free(sld);
}

/* Classes made by classify.c agree with QGIS's reading of the QML for
 * every value, including values lying exactly on a break. */
static void test_agrees_with_classify(void)
{
    double v[40];
    for (int i = 0; i < 40; i++) v[i] = (i * 7) % 23;   /* synthetic, with ties */
    v[5] = NAN;
    wm_class_method methods[] = { WM_CLASS_QUANTILE, WM_CLASS_EQUAL, WM_CLASS_JENKS };
    for (int m = 0; m < 3; m++) {
        wm_classes c;
        wm_error err;
        if (wm_classify(v, 40, methods[m], 5, NULL, 0, &c, &err) != 0) {
            CHECK(0);
            continue;
        }
        wm_palette p;
        synthetic_palette(&p, c.n);
        wm_rgb grey = { 0.85, 0.85, 0.85 };
        wm_qgis_style s;
        wm_qgis_from_classes(&s, &c, &p, grey, "l", "v", NULL);
        char *q = wm_qgis_qml_graduated(&s);
        int agree = 1;
        for (int i = 0; i < 40; i++) {
            if (isnan(v[i])) continue;
            if (qgis_range_of(q, v[i]) != wm_class_of(&c, v[i])) agree = 0;
        }
        CHECK(agree);
        CHECK(count_of(q, "<range ") == c.n);
        free(q);
    }
}

static void test_outline_and_escape(void)
{
    wm_qgis_alias al[] = { { "a<b", "x & y" } };
    char *q = wm_qgis_qml_outline("LSOA21NM", "#6e6e6e", 0.2, al, 1);
    CHECK(q && strstr(q, "type=\"singleSymbol\"") && strstr(q, "name=\"style\" value=\"no\"") &&
          strstr(q, "fieldName=\"LSOA21NM\"") && strstr(q, "<alias field=\"a&lt;b\" index=\"0\" name=\"x &amp; y\"/>"));
    free(q);
    char *sld = wm_qgis_sld_outline("lsoa21", "LSOA21NM", "#6e6e6e", 0.2);
    CHECK(sld && count_of(sld, "<se:Rule>") == 2 && strstr(sld, "<ogc:PropertyName>LSOA21NM</ogc:PropertyName>"));
    CHECK(sld && strstr(sld, "PolygonSymbolizer>\n            <se:Stroke>") != NULL);   /* no fill */
    free(sld);
    char *e = wm_xml_escape("<a href=\"x\">'&'</a>");
    CHECK_STR(e, "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    free(e);
    e = wm_xml_escape("two\nlines, caf\xc3\xa9");   /* a newline kept as one, UTF-8 as it is */
    CHECK_STR(e, "two&#10;lines, caf\xc3\xa9");
    free(e);
    e = wm_xml_escape(NULL);
    CHECK_STR(e, "");
    free(e);
    char hex[8];
    wm_rgb c = { 1, 0.5, 0 };
    wm_qgis_hex(c, hex);
    CHECK_STR(hex, "#ff8000");
}

int main(void)
{
    test_hand_made_classes();
    test_manual_and_categorical();
    test_agrees_with_classify();
    test_outline_and_escape();
    return wm_test_summary();
}
