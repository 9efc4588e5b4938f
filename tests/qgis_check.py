#!/usr/bin/python3
"""Open a wardmap GeoPackage in QGIS (headless) and check its styles.

usage: qgis_check.py GPKG LAYER ATTR N COLOURS LABEL_FIELD [CONTEXT_LAYER CONTEXT_LABEL_FIELD]

COLOURS is a comma-separated list of the N expected class colours
("#rrggbb", lowest class first).  Checks that the layer opens with its
default style from layer_styles and that:
  - the renderer is graduated on ATTR with N ranges of exactly COLOURS;
  - for every feature, QGIS picks the colour wardmap wrote into
    ATTR_colour (so a value lying on a break falls in the same class),
    and draws nothing for No data (ATTR_class NULL);
  - the legend labels carry the class counts;
  - labels are on LABEL_FIELD, field aliases are loaded;
  - rendered to an image, each area's interior pixel has its class colour
    (No data areas stay unpainted);
  - the context layer, if named, opens with outlines and labels on its names.
Run with Debian's /usr/bin/python3 and QT_QPA_PLATFORM=offscreen.  Prints
one line per failed check and "N passed, N failed"; exits 1 on failure.
"""
import os
import re
import sys

from qgis.core import (QgsApplication, QgsFeatureRequest, QgsMapRendererSequentialJob,
                       QgsMapSettings, QgsRenderContext, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)


def finish():
    print("%d passed, %d failed" % (passed, failed))
    sys.stdout.flush()
    # QGIS can crash in exitQgis() after the work is done.
    os._exit(1 if failed else 0)


def main():
    if len(sys.argv) not in (7, 9):
        print(__doc__)
        os._exit(2)
    path, layer_name, attr, n, colours, label_field = sys.argv[1:7]
    n = int(n)
    colours = [c.strip().lower() for c in colours.split(",")]
    app = QgsApplication([], False)
    app.initQgis()

    layer = QgsVectorLayer("%s|layername=%s" % (path, layer_name), layer_name, "ogr")
    check(layer.isValid(), "layer %s opens" % layer_name)
    if not layer.isValid():
        finish()
    renderer = layer.renderer()
    check(renderer.type() == "graduatedSymbol", "renderer is graduated (got %s)" % renderer.type())
    if renderer.type() != "graduatedSymbol":
        finish()
    check(renderer.classAttribute() == attr, "classified on %s (got %s)" % (attr, renderer.classAttribute()))
    ranges = renderer.ranges()
    check(len(ranges) == n, "%d classes (got %d)" % (n, len(ranges)))
    got = [r.symbol().color().name().lower() for r in ranges]
    check(got == colours, "class colours %s (got %s)" % (colours, got))

    # every feature: QGIS's class colour is the one wardmap wrote
    fields = layer.fields()
    colour_field = attr + "_colour"
    class_field = attr + "_class"
    check(fields.indexOf(colour_field) >= 0 and fields.indexOf(class_field) >= 0,
          "columns %s and %s exist" % (class_field, colour_field))
    ctx = QgsRenderContext()
    renderer.startRender(ctx, fields)
    counts = [0] * len(ranges)
    nodata = 0
    mismatches = []
    expected_pixels = []
    for f in layer.getFeatures():
        sym = renderer.symbolForFeature(f, ctx)
        cls = f[class_field]
        if cls is None or (hasattr(cls, "isNull") and cls.isNull()):
            nodata += 1
            if sym is not None:
                mismatches.append("%s: No data but QGIS draws it" % f.id())
            expected_pixels.append((f, None))
            continue
        counts[int(cls) - 1] += 1
        want = str(f[colour_field]).lower()
        have = sym.color().name().lower() if sym is not None else None
        if have != want:
            mismatches.append("%s: value %s: QGIS %s, wardmap %s" % (f.id(), f[attr], have, want))
        expected_pixels.append((f, want))
    renderer.stopRender(ctx)
    check(not mismatches, "per-feature colours agree: " + "; ".join(mismatches[:5]))

    # legend labels end with the counts
    label_counts = []
    for r in ranges:
        m = re.search(r"\(([\d,]+)\)\s*$", r.label())
        label_counts.append(int(m.group(1).replace(",", "")) if m else None)
    check(label_counts == counts, "legend counts %s match the features %s" % (label_counts, counts))
    check(sum(counts) + nodata == layer.featureCount(), "every feature counted")

    # labels and aliases
    check(layer.labelsEnabled(), "labels enabled")
    labeling = layer.labeling()
    check(labeling is not None and labeling.settings().fieldName == label_field,
          "labels on %s" % label_field)
    idx = fields.indexOf(attr)
    check(idx >= 0 and layer.attributeAlias(idx) != "", "alias of %s loaded from the style" % attr)

    # the styles stored in the GeoPackage
    listed = layer.listStylesInDatabase()
    check(listed[0] >= 1, "layer_styles lists the layer's styles (%s)" % (listed[4] if len(listed) > 4 else ""))

    # render without labels and look at each area's interior
    layer.setLabelsEnabled(False)
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(1200, 1200))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    check(not image.isNull(), "the layer renders")
    wrong = []
    for f, want in expected_pixels:
        pt = f.geometry().poleOfInaccessibility(1.0)[0].asPoint()
        px = settings.mapToPixel().transform(pt)
        c = QColor(image.pixel(int(round(px.x())), int(round(px.y()))))
        target = QColor(want) if want else QColor(255, 255, 255)
        if max(abs(c.red() - target.red()), abs(c.green() - target.green()), abs(c.blue() - target.blue())) > 3:
            wrong.append("%s: pixel %s, expected %s" % (f.id(), c.name(), target.name()))
    check(not wrong, "rendered colours: " + "; ".join(wrong[:5]))

    if len(sys.argv) == 9:
        ctx_name, ctx_label = sys.argv[7:9]
        other = QgsVectorLayer("%s|layername=%s" % (path, ctx_name), ctx_name, "ogr")
        check(other.isValid(), "layer %s opens" % ctx_name)
        if other.isValid():
            check(other.renderer().type() == "singleSymbol", "%s: outline style (got %s)" %
                  (ctx_name, other.renderer().type()))
            check(other.labelsEnabled() and other.labeling().settings().fieldName == ctx_label,
                  "%s: labels on %s" % (ctx_name, ctx_label))
    finish()


main()
