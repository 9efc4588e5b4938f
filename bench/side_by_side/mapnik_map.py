"""Render-only national map with Mapnik 3.1, for bench/side_by_side.sh.

   python3 mapnik_map.py LAYER.gpkg LAYERNAME FIELD WIDTHxHEIGHT OUTLINE_PX COLOURS OUT...

Draws the pre-joined British National Grid GeoPackage layer with one rule per
category (FIELD = 1..N gets the Nth colour; anything else, i.e. No data, grey),
each area filled and outlined in white (75% opacity) OUTLINE_PX pixels wide,
and writes every OUT: .png as 24-bit PNG (png32; Mapnik's plain "png" is a
quantised 8-bit palette), .svg through Mapnik's cairo SVG renderer.  No title
or legend: Mapnik draws none.  Run with Debian's /usr/bin/python3 (python3-mapnik).
"""
import sys

import mapnik

gpkg, layer_name, field, size, outline_px, colours = sys.argv[1:7]
outs = sys.argv[7:]
width, height = (int(v) for v in size.split("x"))
outline_px = float(outline_px)
srs = "epsg:27700"

m = mapnik.Map(width, height, srs)
m.background = mapnik.Color("white")
style = mapnik.Style()


def rule(fill, expression=None):
    r = mapnik.Rule()
    if expression is None:
        r.set_else(True)
    else:
        r.filter = mapnik.Expression(expression)
    poly = mapnik.PolygonSymbolizer()
    poly.fill = mapnik.Color(fill)
    r.symbols.append(poly)
    if outline_px > 0:
        line = mapnik.LineSymbolizer()
        line.stroke = mapnik.Color("white")
        line.stroke_width = outline_px
        line.stroke_opacity = 0.75
        r.symbols.append(line)
    style.rules.append(r)


for i, colour in enumerate(colours.split(",")):
    rule(colour, "[%s] = %d" % (field, i + 1))
rule("#d9d9d9")
m.append_style("areas", style)

layer = mapnik.Layer("areas", srs)
layer.datasource = mapnik.Ogr(file=gpkg, layer=layer_name)
layer.styles.append("areas")
m.layers.append(layer)
m.zoom_all()
for out in outs:
    if out.endswith(".svg"):
        mapnik.render_to_file(m, out, "svg")
    else:
        mapnik.render_to_file(m, out, "png32")
