#include "qgis_style.h"
#include "buf.h"
#include "join.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entity for `c`, or NULL when it stands as it is. */
static const char *entity(char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&apos;";
    case '\n': return "&#10;";
    default: return NULL;
    }
}

char *wm_xml_escape(const char *text)
{
    /* Measured, then written: a style's aliases escape every column's
     * title and description, hundreds of them, a character at a time. */
    const char *t = text ? text : "";
    size_t n = 1;
    for (const char *p = t; *p; p++) {
        const char *e = entity(*p);
        n += e ? strlen(e) : 1;
    }
    char *out = malloc(n), *o = out;
    if (!out) return NULL;
    for (const char *p = t; *p; p++) {
        const char *e = entity(*p);
        if (!e) {
            *o++ = *p;
            continue;
        }
        size_t len = strlen(e);
        memcpy(o, e, len);
        o += len;
    }
    *o = '\0';
    return out;
}

/* Put `text` XML-escaped. */
static void put_esc(wm_buf *b, const char *text)
{
    char *e = wm_xml_escape(text);
    if (!e) { b->oom = 1; return; }
    wm_buf_printf(b, "%s", e);
    free(e);
}

/* ---- numbers and colours --------------------------------------------------- */

void wm_qgis_hex(wm_rgb c, char out[8])
{
    double v[3] = { c.r, c.g, c.b };
    int x[3];
    for (int i = 0; i < 3; i++) {
        double t = v[i] < 0 ? 0 : v[i] > 1 ? 1 : v[i];
        x[i] = (int)lround(t * 255.0);
    }
    snprintf(out, 8, "#%02x%02x%02x", x[0], x[1], x[2]);
}

/* "#rrggbb" -> "r,g,b,255", QGIS's colour notation. */
static void qgis_colour(const char *hex, char out[24])
{
    wm_rgb c = { 0, 0, 0 };
    wm_rgb_parse(hex, &c);
    snprintf(out, 24, "%d,%d,%d,255", (int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255));
}

static void lower_hex(char *dst, const char *src)
{
    size_t i = 0;
    for (; src[i] && i < 7; i++) dst[i] = (src[i] >= 'A' && src[i] <= 'F') ? (char)(src[i] + 32) : src[i];
    dst[i] = '\0';
}

/* A bound as text that reads back as the same double; unbounded classes
 * become +-DBL_MAX (QGIS reads numbers with QString::toDouble, which
 * need not accept "inf"). */
static void number(double v, char out[32])
{
    if (isnan(v)) v = 0;
    else if (v == INFINITY) v = DBL_MAX;
    else if (v == -INFINITY) v = -DBL_MAX;
    snprintf(out, 32, "%.17g", v);
}

/* The upper bound of class i as QGIS tests it (lower <= v <= upper). */
static double qgis_upper(const wm_qgis_style *s, int i)
{
    const wm_qgis_class *c = &s->cls[i];
    if (c->single_value) return c->lower;
    if (i == s->n - 1 || !isfinite(c->upper)) return c->upper;
    return nextafter(c->upper, -INFINITY);
}

const char *wm_qgis_method(wm_class_method m)
{
    switch (m) {
    case WM_CLASS_QUANTILE: return "Quantile";
    case WM_CLASS_EQUAL: return "EqualInterval";
    case WM_CLASS_JENKS: return "Jenks";
    default: return "Custom";
    }
}

void wm_qgis_from_classes(wm_qgis_style *s, const wm_classes *classes,
                           const wm_palette *palette, wm_rgb nodata_colour,
                           const char *layer, const char *attr, const char *label_field)
{
    memset(s, 0, sizeof *s);
    snprintf(s->layer, sizeof s->layer, "%s", layer ? layer : "");
    snprintf(s->attr, sizeof s->attr, "%s", attr ? attr : "");
    snprintf(s->label_field, sizeof s->label_field, "%s", label_field ? label_field : "");
    snprintf(s->method, sizeof s->method, "%s", wm_qgis_method(classes->method));
    s->n = classes->n;
    char count[32];
    for (int i = 0; i < classes->n && i < WM_MAX_CLASSES; i++) {
        wm_qgis_class *c = &s->cls[i];
        c->lower = classes->lower[i];
        c->upper = classes->upper[i];
        c->single_value = classes->method == WM_CLASS_CATEGORICAL;
        if (i < palette->n) {
            if (palette->hex[i][0] == '#') lower_hex(c->colour, palette->hex[i]);
            else wm_qgis_hex(palette->colour[i], c->colour);
        } else {
            wm_qgis_hex(nodata_colour, c->colour);
        }
        snprintf(c->label, sizeof c->label, "%s (%s)", classes->label[i],
                 wm_format_count(classes->count[i], count, sizeof count));
    }
    wm_qgis_hex(nodata_colour, s->nodata_colour);
    s->nodata = classes->nodata;
    snprintf(s->nodata_label, sizeof s->nodata_label, "No data (%s)",
             wm_format_count(classes->nodata, count, sizeof count));
    snprintf(s->outline_colour, sizeof s->outline_colour, "#6e6e6e");
    s->outline_mm = 0.26;
}

/* ---- QML pieces ------------------------------------------------------------ */

static void qml_head(wm_buf *b, int labels)
{
    wm_buf_printf(b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    wm_buf_printf(b, "<qgis version=\"%s\" styleCategories=\"Symbology|Labeling|Fields\" labelsEnabled=\"%d\">\n",
                  WM_QML_VERSION, labels ? 1 : 0);
}

/* A fill symbol with one SimpleFill layer; `fill` NULL = no fill.  Both
 * the <Option> map and the older <prop> list are written, as QGIS 3.22
 * does. */
static void qml_fill_symbol(wm_buf *b, const char *name, const char *fill, const char *outline,
                            double outline_mm, const char *indent)
{
    char fc[24], oc[24];
    qgis_colour(fill ? fill : "#ffffff", fc);
    qgis_colour(outline, oc);
    const char *style = fill ? "solid" : "no";
    struct { const char *k; char v[32]; } p[] = {
        { "color", "" }, { "joinstyle", "bevel" }, { "outline_color", "" },
        { "outline_style", "solid" }, { "outline_width", "" }, { "outline_width_unit", "MM" },
        { "style", "" },
    };
    snprintf(p[0].v, sizeof p[0].v, "%s", fc);
    snprintf(p[2].v, sizeof p[2].v, "%s", oc);
    snprintf(p[4].v, sizeof p[4].v, "%g", outline_mm);
    snprintf(p[6].v, sizeof p[6].v, "%s", style);
    size_t np = sizeof p / sizeof p[0];

    wm_buf_printf(b, "%s<symbol type=\"fill\" name=\"", indent);
    put_esc(b, name);
    wm_buf_printf(b, "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n");
    wm_buf_printf(b, "%s  <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n", indent);
    wm_buf_printf(b, "%s    <Option type=\"Map\">\n", indent);
    for (size_t i = 0; i < np; i++)
        wm_buf_printf(b, "%s      <Option type=\"QString\" name=\"%s\" value=\"%s\"/>\n", indent, p[i].k, p[i].v);
    wm_buf_printf(b, "%s    </Option>\n", indent);
    for (size_t i = 0; i < np; i++)
        wm_buf_printf(b, "%s    <prop k=\"%s\" v=\"%s\"/>\n", indent, p[i].k, p[i].v);
    wm_buf_printf(b, "%s  </layer>\n", indent);
    wm_buf_printf(b, "%s</symbol>\n", indent);
}

static void qml_labeling(wm_buf *b, const char *field, const char *flag)
{
    if (!field || !*field) return;
    wm_buf_printf(b, "  <labeling type=\"simple\">\n");
    wm_buf_printf(b, "    <settings calloutType=\"simple\">\n");
    wm_buf_printf(b, "      <text-style fieldName=\"");
    if (flag && *flag) {
        /* "Wainbody \u2020" where the value rests on too little of the area. */
        char expr[600];
        snprintf(expr, sizeof expr, "\"%s\" || CASE WHEN \"%s\" LIKE 'coverage below%%' THEN ' \u2020' ELSE '' END",
                 field, flag);
        put_esc(b, expr);
        wm_buf_printf(b, "\" isExpression=\"1\" fontFamily");
    } else {
        put_esc(b, field);
        wm_buf_printf(b, "\" isExpression=\"0\" fontFamily");
    }
    wm_buf_printf(b, "=\"Sans Serif\" namedStyle=\"Regular\" fontSize=\"8\""
                     " fontSizeUnit=\"Point\" fontSizeMapUnitScale=\"3x:0,0,0,0,0,0\" fontWeight=\"50\""
                     " fontItalic=\"0\" fontUnderline=\"0\" fontStrikeout=\"0\" fontKerning=\"1\""
                     " fontLetterSpacing=\"0\" fontWordSpacing=\"0\" capitalization=\"0\" textColor=\"35,35,35,255\""
                     " textOpacity=\"1\" blendMode=\"0\" multilineHeight=\"1\" allowHtml=\"0\""
                     " textOrientation=\"horizontal\" useSubstitutions=\"0\" previewBkgrdColor=\"255,255,255,255\""
                     " legendString=\"Aa\">\n");
    wm_buf_printf(b, "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\""
                     " bufferSizeMapUnitScale=\"3x:0,0,0,0,0,0\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\""
                     " bufferNoFill=\"1\" bufferJoinStyle=\"128\" bufferBlendMode=\"0\"/>\n");
    wm_buf_printf(b, "      </text-style>\n");
    wm_buf_printf(b, "      <text-format wrapChar=\"\" autoWrapLength=\"0\" useMaxLineLengthForAutoWrap=\"1\""
                     " multilineAlign=\"1\" addDirectionSymbol=\"0\" formatNumbers=\"0\" decimals=\"3\" plussign=\"0\"/>\n");
    /* placement 1 = "over point" at a point inside the polygon */
    wm_buf_printf(b, "      <placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\" fitInPolygonOnly=\"0\""
                     " layerType=\"PolygonGeometry\" polygonPlacementFlags=\"2\" placementFlags=\"10\" priority=\"5\""
                     " dist=\"0\" distUnits=\"MM\" distMapUnitScale=\"3x:0,0,0,0,0,0\" offsetType=\"0\" quadOffset=\"4\""
                     " xOffset=\"0\" yOffset=\"0\" offsetUnits=\"MM\" labelOffsetMapUnitScale=\"3x:0,0,0,0,0,0\""
                     " rotationAngle=\"0\" rotationUnit=\"AngleDegrees\" preserveRotation=\"1\""
                     " maxCurvedCharAngleIn=\"25\" maxCurvedCharAngleOut=\"-25\" repeatDistance=\"0\""
                     " repeatDistanceUnits=\"MM\" repeatDistanceMapUnitScale=\"3x:0,0,0,0,0,0\" overrunDistance=\"0\""
                     " overrunDistanceUnit=\"MM\" overrunDistanceMapUnitScale=\"3x:0,0,0,0,0,0\""
                     " predefinedPositionOrder=\"TR,TL,BR,BL,R,L,TSR,BSR\" geometryGenerator=\"\""
                     " geometryGeneratorEnabled=\"0\" geometryGeneratorType=\"PointGeometry\""
                     " lineAnchorPercent=\"0.5\" lineAnchorType=\"0\" lineAnchorClipping=\"0\"/>\n");
    wm_buf_printf(b, "      <rendering drawLabels=\"1\" obstacle=\"1\" obstacleFactor=\"1\" obstacleType=\"1\""
                     " displayAll=\"0\" upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\""
                     " scaleVisibility=\"0\" scaleMin=\"0\" scaleMax=\"0\" fontLimitPixelSize=\"0\""
                     " fontMinPixelSize=\"0\" fontMaxPixelSize=\"10000\" minFeatureSize=\"0\" limitNumLabels=\"0\""
                     " maxNumLabels=\"2000\" zIndex=\"0\" unplacedVisibility=\"0\"/>\n");
    wm_buf_printf(b, "    </settings>\n");
    wm_buf_printf(b, "  </labeling>\n");
}

static void qml_aliases(wm_buf *b, const wm_qgis_alias *aliases, int n)
{
    if (!aliases || n <= 0) return;
    wm_buf_printf(b, "  <aliases>\n");
    for (int i = 0; i < n; i++) {
        wm_buf_printf(b, "    <alias field=\"");
        put_esc(b, aliases[i].field);
        wm_buf_printf(b, "\" index=\"%d\" name=\"", i);
        put_esc(b, aliases[i].alias);
        wm_buf_printf(b, "\"/>\n");
    }
    wm_buf_printf(b, "  </aliases>\n");
}

static void qml_tail(wm_buf *b)
{
    wm_buf_printf(b, "  <blendMode>0</blendMode>\n");
    wm_buf_printf(b, "  <featureBlendMode>0</featureBlendMode>\n");
    wm_buf_printf(b, "  <layerGeometryType>2</layerGeometryType>\n");
    wm_buf_printf(b, "</qgis>\n");
}

/* ---- QML renderers --------------------------------------------------------- */

char *wm_qgis_qml_graduated(const wm_qgis_style *s)
{
    wm_buf b = { 0 };
    char lo[32], hi[32];
    qml_head(&b, s->label_field[0] != '\0');
    wm_buf_printf(&b, "  <renderer-v2 type=\"graduatedSymbol\" attr=\"");
    put_esc(&b, s->attr);
    wm_buf_printf(&b, "\" graduatedMethod=\"GraduatedColor\" forceraster=\"0\" symbollevels=\"0\""
                      " enableorderby=\"0\" referencescale=\"-1\">\n");
    wm_buf_printf(&b, "    <ranges>\n");
    for (int i = 0; i < s->n; i++) {
        number(s->cls[i].lower, lo);
        number(qgis_upper(s, i), hi);
        wm_buf_printf(&b, "      <range symbol=\"%d\" lower=\"%s\" upper=\"%s\" label=\"", i, lo, hi);
        put_esc(&b, s->cls[i].label);
        wm_buf_printf(&b, "\" render=\"true\"/>\n");
    }
    wm_buf_printf(&b, "    </ranges>\n");
    wm_buf_printf(&b, "    <symbols>\n");
    for (int i = 0; i < s->n; i++) {
        char name[16];
        snprintf(name, sizeof name, "%d", i);
        qml_fill_symbol(&b, name, s->cls[i].colour, s->outline_colour, s->outline_mm, "      ");
    }
    wm_buf_printf(&b, "    </symbols>\n");
    wm_buf_printf(&b, "    <classificationMethod id=\"%s\">\n", s->method);
    wm_buf_printf(&b, "      <symmetricMode enabled=\"0\" astride=\"0\" symmetrypoint=\"0\"/>\n");
    wm_buf_printf(&b, "      <labelFormat format=\"%%1 to %%2\" labelprecision=\"4\" trimtrailingzeroes=\"1\"/>\n");
    wm_buf_printf(&b, "      <parameters>\n        <Option/>\n      </parameters>\n");
    wm_buf_printf(&b, "      <extraInformation/>\n");
    wm_buf_printf(&b, "    </classificationMethod>\n");
    wm_buf_printf(&b, "    <rotation/>\n    <sizescale/>\n");
    wm_buf_printf(&b, "  </renderer-v2>\n");
    qml_labeling(&b, s->label_field, s->label_flag);
    qml_aliases(&b, s->aliases, s->naliases);
    qml_tail(&b);
    return wm_buf_take(&b);
}

/* A QGIS expression naming a column: "name" with inner quotes doubled. */
static void expr_field(const char *field, char *out, size_t size)
{
    size_t j = 0;
    if (size < 3) return;
    out[j++] = '"';
    for (const char *p = field; *p && j + 3 < size; p++) {
        if (*p == '"') out[j++] = '"';
        out[j++] = *p;
    }
    out[j++] = '"';
    out[j] = '\0';
}

char *wm_qgis_qml_rules(const wm_qgis_style *s)
{
    wm_buf b = { 0 };
    char lo[32], hi[32], f[300], filter[800];
    expr_field(s->attr, f, sizeof f);
    qml_head(&b, s->label_field[0] != '\0');
    wm_buf_printf(&b, "  <renderer-v2 type=\"RuleRenderer\" forceraster=\"0\" symbollevels=\"0\""
                      " enableorderby=\"0\" referencescale=\"-1\">\n");
    wm_buf_printf(&b, "    <rules key=\"{wardmap-root}\">\n");
    for (int i = 0; i < s->n; i++) {
        const wm_qgis_class *c = &s->cls[i];
        number(c->lower, lo);
        number(c->upper, hi);
        int last = i == s->n - 1;
        if (c->single_value)
            snprintf(filter, sizeof filter, "%s = %s", f, lo);
        else if (!isfinite(c->lower) && !isfinite(c->upper))
            snprintf(filter, sizeof filter, "%s IS NOT NULL", f);
        else if (!isfinite(c->lower))
            snprintf(filter, sizeof filter, "%s %s %s", f, last ? "<=" : "<", hi);
        else if (!isfinite(c->upper))
            snprintf(filter, sizeof filter, "%s >= %s", f, lo);
        else
            snprintf(filter, sizeof filter, "%s >= %s AND %s %s %s", f, lo, f, last ? "<=" : "<", hi);
        wm_buf_printf(&b, "      <rule key=\"{wardmap-class-%d}\" symbol=\"%d\" label=\"", i + 1, i);
        put_esc(&b, c->label);
        wm_buf_printf(&b, "\" filter=\"");
        put_esc(&b, filter);
        wm_buf_printf(&b, "\"/>\n");
    }
    snprintf(filter, sizeof filter, "%s IS NULL", f);
    wm_buf_printf(&b, "      <rule key=\"{wardmap-nodata}\" symbol=\"%d\" label=\"", s->n);
    put_esc(&b, s->nodata_label);
    wm_buf_printf(&b, "\" filter=\"");
    put_esc(&b, filter);
    wm_buf_printf(&b, "\"/>\n");
    wm_buf_printf(&b, "    </rules>\n");
    wm_buf_printf(&b, "    <symbols>\n");
    for (int i = 0; i <= s->n; i++) {
        char name[16];
        snprintf(name, sizeof name, "%d", i);
        qml_fill_symbol(&b, name, i < s->n ? s->cls[i].colour : s->nodata_colour, s->outline_colour,
                        s->outline_mm, "      ");
    }
    wm_buf_printf(&b, "    </symbols>\n");
    wm_buf_printf(&b, "  </renderer-v2>\n");
    qml_labeling(&b, s->label_field, s->label_flag);
    qml_aliases(&b, s->aliases, s->naliases);
    qml_tail(&b);
    return wm_buf_take(&b);
}

char *wm_qgis_qml_outline(const char *label_field, const char *outline_colour, double outline_mm,
                           const wm_qgis_alias *aliases, int naliases)
{
    wm_buf b = { 0 };
    qml_head(&b, label_field && *label_field);
    wm_buf_printf(&b, "  <renderer-v2 type=\"singleSymbol\" forceraster=\"0\" symbollevels=\"0\""
                      " enableorderby=\"0\" referencescale=\"-1\">\n");
    wm_buf_printf(&b, "    <symbols>\n");
    qml_fill_symbol(&b, "0", NULL, outline_colour, outline_mm, "      ");
    wm_buf_printf(&b, "    </symbols>\n");
    wm_buf_printf(&b, "    <rotation/>\n    <sizescale/>\n");
    wm_buf_printf(&b, "  </renderer-v2>\n");
    qml_labeling(&b, label_field, NULL);
    qml_aliases(&b, aliases, naliases);
    qml_tail(&b);
    return wm_buf_take(&b);
}

/* ---- SLD ------------------------------------------------------------------- */

static void sld_head(wm_buf *b, const char *layer, const char *title)
{
    wm_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    wm_buf_printf(b, "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" version=\"1.1.0\""
                     " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                     " xsi:schemaLocation=\"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\""
                     " xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:se=\"http://www.opengis.net/se\""
                     " xmlns:ogc=\"http://www.opengis.net/ogc\">\n");
    wm_buf_printf(b, "  <NamedLayer>\n    <se:Name>");
    put_esc(b, layer);
    wm_buf_printf(b, "</se:Name>\n    <UserStyle>\n      <se:Name>");
    put_esc(b, layer);
    wm_buf_printf(b, "</se:Name>\n");
    if (title && *title) {
        wm_buf_printf(b, "      <se:Description>\n        <se:Title>");
        put_esc(b, title);
        wm_buf_printf(b, "</se:Title>\n      </se:Description>\n");
    }
    wm_buf_printf(b, "      <se:FeatureTypeStyle>\n");
}

static void sld_tail(wm_buf *b)
{
    wm_buf_printf(b, "      </se:FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n</StyledLayerDescriptor>\n");
}

static void sld_compare(wm_buf *b, const char *op, const char *field, const char *literal)
{
    wm_buf_printf(b, "              <ogc:%s>\n                <ogc:PropertyName>", op);
    put_esc(b, field);
    wm_buf_printf(b, "</ogc:PropertyName>\n                <ogc:Literal>%s</ogc:Literal>\n              </ogc:%s>\n",
                  literal, op);
}

static void sld_polygon(wm_buf *b, const char *fill, const char *outline, double outline_mm)
{
    wm_buf_printf(b, "          <se:PolygonSymbolizer>\n");
    if (fill)
        wm_buf_printf(b, "            <se:Fill>\n              <se:SvgParameter name=\"fill\">%s</se:SvgParameter>\n"
                         "            </se:Fill>\n", fill);
    /* SE stroke widths are in pixels of 0.28 mm */
    wm_buf_printf(b, "            <se:Stroke>\n              <se:SvgParameter name=\"stroke\">%s</se:SvgParameter>\n"
                     "              <se:SvgParameter name=\"stroke-width\">%.2f</se:SvgParameter>\n"
                     "              <se:SvgParameter name=\"stroke-linejoin\">bevel</se:SvgParameter>\n"
                     "            </se:Stroke>\n", outline, outline_mm / 0.28);
    wm_buf_printf(b, "          </se:PolygonSymbolizer>\n");
}

static void sld_rule_head(wm_buf *b, const char *label)
{
    wm_buf_printf(b, "        <se:Rule>\n          <se:Name>");
    put_esc(b, label);
    wm_buf_printf(b, "</se:Name>\n          <se:Description>\n            <se:Title>");
    put_esc(b, label);
    wm_buf_printf(b, "</se:Title>\n          </se:Description>\n");
}

static void sld_labels(wm_buf *b, const char *field)
{
    if (!field || !*field) return;
    wm_buf_printf(b, "        <se:Rule>\n          <se:TextSymbolizer>\n            <se:Label>\n"
                     "              <ogc:PropertyName>");
    put_esc(b, field);
    wm_buf_printf(b, "</ogc:PropertyName>\n            </se:Label>\n"
                     "            <se:Font>\n"
                     "              <se:SvgParameter name=\"font-family\">Sans Serif</se:SvgParameter>\n"
                     "              <se:SvgParameter name=\"font-size\">11</se:SvgParameter>\n"
                     "            </se:Font>\n"
                     "            <se:LabelPlacement>\n              <se:PointPlacement>\n"
                     "                <se:AnchorPoint>\n"
                     "                  <se:AnchorPointX>0.5</se:AnchorPointX>\n"
                     "                  <se:AnchorPointY>0.5</se:AnchorPointY>\n"
                     "                </se:AnchorPoint>\n              </se:PointPlacement>\n"
                     "            </se:LabelPlacement>\n"
                     "            <se:Halo>\n              <se:Radius>1.5</se:Radius>\n"
                     "              <se:Fill>\n                <se:SvgParameter name=\"fill\">#ffffff</se:SvgParameter>\n"
                     "              </se:Fill>\n            </se:Halo>\n"
                     "            <se:Fill>\n              <se:SvgParameter name=\"fill\">#232323</se:SvgParameter>\n"
                     "            </se:Fill>\n"
                     "          </se:TextSymbolizer>\n        </se:Rule>\n");
}

char *wm_qgis_sld(const wm_qgis_style *s)
{
    wm_buf b = { 0 };
    char lo[32], hi[32];
    sld_head(&b, s->layer, s->title);
    for (int i = 0; i < s->n; i++) {
        const wm_qgis_class *c = &s->cls[i];
        int last = i == s->n - 1;
        number(c->lower, lo);
        number(c->upper, hi);
        sld_rule_head(&b, c->label);
        wm_buf_printf(&b, "          <ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">\n");
        int both = !c->single_value && isfinite(c->upper);
        if (both) wm_buf_printf(&b, "            <ogc:And>\n");
        if (c->single_value) {
            sld_compare(&b, "PropertyIsEqualTo", s->attr, lo);
        } else if (isfinite(c->lower)) {
            sld_compare(&b, "PropertyIsGreaterThanOrEqualTo", s->attr, lo);
        } else {
            /* open below: any value at all, i.e. not NULL */
            wm_buf_printf(&b, "              <ogc:Not>\n                <ogc:PropertyIsNull><ogc:PropertyName>");
            put_esc(&b, s->attr);
            wm_buf_printf(&b, "</ogc:PropertyName></ogc:PropertyIsNull>\n              </ogc:Not>\n");
        }
        if (both)
            sld_compare(&b, last ? "PropertyIsLessThanOrEqualTo" : "PropertyIsLessThan", s->attr, hi);
        if (both) wm_buf_printf(&b, "            </ogc:And>\n");
        wm_buf_printf(&b, "          </ogc:Filter>\n");
        sld_polygon(&b, c->colour, s->outline_colour, s->outline_mm);
        wm_buf_printf(&b, "        </se:Rule>\n");
    }
    if (s->nodata > 0) {
        sld_rule_head(&b, s->nodata_label);
        wm_buf_printf(&b, "          <ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">\n"
                          "            <ogc:PropertyIsNull>\n              <ogc:PropertyName>");
        put_esc(&b, s->attr);
        wm_buf_printf(&b, "</ogc:PropertyName>\n            </ogc:PropertyIsNull>\n          </ogc:Filter>\n");
        sld_polygon(&b, s->nodata_colour, s->outline_colour, s->outline_mm);
        wm_buf_printf(&b, "        </se:Rule>\n");
    }
    sld_labels(&b, s->label_field);
    sld_tail(&b);
    return wm_buf_take(&b);
}

char *wm_qgis_sld_outline(const char *layer, const char *label_field, const char *outline_colour,
                           double outline_mm)
{
    wm_buf b = { 0 };
    sld_head(&b, layer, NULL);
    wm_buf_printf(&b, "        <se:Rule>\n          <se:Name>");
    put_esc(&b, layer);
    wm_buf_printf(&b, "</se:Name>\n");
    sld_polygon(&b, NULL, outline_colour, outline_mm);
    wm_buf_printf(&b, "        </se:Rule>\n");
    sld_labels(&b, label_field);
    sld_tail(&b);
    return wm_buf_take(&b);
}
