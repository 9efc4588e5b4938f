"""End-to-end national map with geopandas + matplotlib, for bench/side_by_side.sh.

   python3 geopandas_map.py LAYER.geojson TABLE.csv WIDTHxHEIGHT DPI OUTLINE_PX COLOURS OUT...

Reads the published GeoJSON and CSV, joins them on the LSOA code, reprojects to
British National Grid, and draws the deciles as 10 categorical colours (No data
grey) with a legend, then saves every OUT (.png or .svg) from the one figure.
Run with Debian's /usr/bin/python3 (python3-geopandas, python3-matplotlib).
mapclassify is not packaged in Debian 12, so the classes are mapped by hand.
"""
import sys

import geopandas as gpd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Patch
import pandas as pd

layer, table, size, dpi, outline_px, colours = sys.argv[1:7]
outs = sys.argv[7:]
width, height = (int(v) for v in size.split("x"))
dpi = float(dpi)
colours = colours.split(",")
nodata = "#d9d9d9"

areas = gpd.read_file(layer)
imd = pd.read_csv(table, encoding="utf-8-sig", thousands=",",
                  usecols=["LSOA code (2011)", "Index of Multiple Deprivation (IMD) Decile"])
imd.columns = ["code", "decile"]
areas = areas.merge(imd, how="left", left_on="LSOA11CD", right_on="code").to_crs(epsg=27700)
fill = areas["decile"].map(lambda d: colours[int(d) - 1] if d == d else nodata)

fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
ax = fig.add_axes([0.03, 0.02, 0.94, 0.93])
ax.set_axis_off()
# outline width is given in pixels at DPI; matplotlib wants points
areas.plot(ax=ax, color=fill, edgecolor="#ffffffbf" if float(outline_px) > 0 else "none",
           linewidth=float(outline_px) * 72.0 / dpi)
ax.set_aspect("equal")
handles = [Patch(facecolor=c, label=str(i + 1)) for i, c in enumerate(colours)]
handles.append(Patch(facecolor=nodata, label="No data"))
ax.legend(handles=handles, title="IMD 2019 decile", loc="upper left", frameon=False)
ax.set_title("IMD 2019 deciles", loc="left")
for out in outs:
    fig.savefig(out, dpi=dpi)
