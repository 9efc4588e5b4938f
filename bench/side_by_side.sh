#!/usr/bin/env bash
# side_by_side.sh -- issue 10's benchmark: the national LSOA 2011 map
# (34,753 areas, England and Wales, from ../shared/data) joined to the IMD
# 2019 deciles, drawn by wardmap and by the tools an analyst would pick
# instead, run interleaved on this machine.  Prints, per row, the median
# wall time and peak memory and the wardmap/tool ratio computed round by
# round, next to the issue's target.  Measures only; asserts nothing.
#
#   bench/side_by_side.sh [ROUNDS]      (from the repository root; default 5 rounds)
#
# Environment: BUILD_DIR (default build-bench), WARDMAP_SHARED (default
# ../shared), OUTLINE_PX (the reference tools' outline width in pixels,
# default 1.04; 0 draws them fill only), BENCH_CACHE (where mapshaper is
# installed, default ${XDG_CACHE_HOME:-$HOME/.cache}/wardmap-bench).
# Images of the last round, raw timings (timings.tsv: round, run, wall s,
# peak KiB, exit status, load average, CPU s), versions and each run's
# stderr go to bench/results/side_by_side/.  A round takes about 170 s of
# CPU: about 3 minutes on an idle 2-core machine (3 rounds and set-up:
# about 10 min), about 6.5 minutes when other work keeps the load average
# near 8 (3 rounds: 20 min).  The first run also installs with apt-get and
# npm (minutes).
#
# What is measured: each run is one process (or pipeline) timed whole by
# GNU time: wall time (%e) and peak resident memory (%M); for a pipeline
# the peak is the max over its processes.  CPU time (user + system, all
# processes of the run) is printed too: the machine is shared, and when
# other work loads it, wall times stretch while CPU times stay put.  Round r runs every row once,
# each wardmap run next to the tool it is compared with, so ratios are
# taken pair by pair within a round.  Inputs are on local disk and in the
# page cache (the set-up reads them all), so no run pays a cold read.
#
# The map every tool draws: 2480x3508 px (A4 portrait at 300 dpi), British
# National Grid, IMD 2019 decile as 10 categories, ColorBrewer RdYlBu 10
# read from styles/colorbrewer.json (decile 1 red #a50026 .. decile 10 blue
# #313695), No data (Wales: no English IMD) grey #d9d9d9, each area
# outlined in white at 75% opacity, OUTLINE_PX wide: by default 1.04 px,
# the 0.25 pt of wardmap's default style at 300 dpi, so every tool strokes
# the same outlines wardmap does (stroking is most of the drawing cost).
#
# Caveats, tool by tool (versions are in results/side_by_side/versions.txt):
# - wardmap (this tree, Release): the whole figure: title, legend with
#   counts, scale bar, north arrow, attribution, No data hatched.  Its map
#   sits in a frame beside the legend, about 1,300 px wide; the reference
#   tools fill the page width with the map (about 2,250 px), so they fill
#   about 3 times the pixels and their small urban areas are 1.8 times
#   larger on the page.  Render-only runs read the GeoPackage as both
#   --layer and --data (its imd_decile attribute).
# - mapshaper 0.7.70 (npm, node): join, -proj EPSG:27700, -classify
#   categorical, -style, SVG of 2480x3508.  No title, legend or other page
#   furniture.  Its SVG rounds coordinates to 0.01 px.  No PNG output: the
#   PNG row runs its SVG through rsvg-convert (librsvg, cairo) onto white,
#   via a scratch file, not a pipe: 0.7.70 writing to a pipe (-o - or
#   /dev/stdout) loses all but the first 64-128 KiB of this SVG.
# - geopandas 0.12 + matplotlib 3.6 (Debian's python3): reads with fiona,
#   joins with pandas, to_crs(27700), plots once and saves the PNG (Agg)
#   and the SVG from the same figure.  Title and a plain legend (no counts);
#   mapclassify is not in Debian 12, so colours are mapped by hand.
# - MapServer 8 map2img: a mapfile with CLASSITEM and 10 classes plus a
#   default (No data) class, fill and outline as two STYLEs; PNG through
#   AGG, SVG through the CAIRO/SVG output format.  No legend or furniture.
#   Extent fitted to the layer by MapServer's aspect adjustment.
# - Mapnik 3.1 (python3-mapnik, Debian's python3): one rule per decile and
#   an else rule (No data), PolygonSymbolizer + LineSymbolizer; zoom_all;
#   PNG as png32 (plain "png" is a quantised palette), SVG through cairo.
#   No legend or furniture.  Wall time is the whole python process, as for
#   every other tool (import of mapnik included, about 0.2 s).
# - The render-only GeoPackage is made once per run of this script by
#   ogr2ogr: GeoJSON reprojected to EPSG:27700, the CSV loaded as a table,
#   joined with SQLite SQL (imd_decile INTEGER, NULL for Wales).
# - wardmap's layer cache: the end-to-end rows run with the cache cold
#   (a new, empty WARDMAP_CACHE: the GeoJSON is parsed, projected and
#   cached in the run); "second run (layer cached)", the warm SVG and
#   PNG+SVG rows and the overlay rows use a cache made at set-up.  The
#   render-only rows read the GeoPackage, which wardmap never caches.
# - Overlay rows: the national 2025 ward layer (6,826 wards, England) as
#   --overlay over the national LSOA map, with labels; "overlay cost" is
#   the wall-time difference from the same command without the overlay,
#   round by round, with one -o (PNG) and with two (PNG and SVG), both
#   layers cached.
# - figures rows: the bundled Coventry recipe (styles/coventry.recipe),
#   copied to the scratch directory with its gallery folder moved there too,
#   so a run never touches docs/gallery.  Cold: a new store (WARDMAP_STORE)
#   and output directory each round, so the store is built in the run.
#   Warm: the same store and output directory every round, --force.
set -euo pipefail
rounds=${1:-5}
case $rounds in ''|*[!0-9]*|0) echo "side_by_side.sh: ROUNDS must be a positive number" >&2; exit 2;; esac
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wardmap-bench}
mapshaper_version=0.7.70
mapshaper_dir=$cache/mapshaper-$mapshaper_version
mapshaper=$mapshaper_dir/node_modules/.bin/mapshaper
py=/usr/bin/python3       # Debian's python, whose modules the apt packages install

# 1. What is missing: wardmap's build dependencies, the tools, mapshaper.
bash "$top/.ci/install-deps"
apt_pkgs=(mapserver-bin python3-mapnik python3-geopandas python3-matplotlib librsvg2-bin time gdal-bin)
command -v npm >/dev/null || apt_pkgs+=(npm)
missing=()
for p in "${apt_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "$("$mapshaper" -v 2>/dev/null)" != "$mapshaper_version" ]; then
    echo "installing: mapshaper $mapshaper_version (npm) into $mapshaper_dir"
    mkdir -p "$mapshaper_dir"
    npm install --prefix "$mapshaper_dir" --save-exact --no-audit --no-fund --loglevel=error \
        "mapshaper@$mapshaper_version" >/dev/null
fi

# 2. Build wardmap (Release, in BUILD_DIR); scratch directory $out.
. "$top/bench/lib.sh"
[ -d "$shared/data" ] || { echo "side_by_side.sh: $shared/data not found (../shared is needed beside the repository)" >&2; exit 3; }
shared=$(cd "$shared" && pwd)
results=$root/bench/results/side_by_side
mkdir -p "$results/logs"

# Each timed run is started as its own process group (job control on), so
# that an interrupted benchmark kills the run it was in, with its children.
set -m
child=
cleanup() {
    if [ -n "$child" ]; then kill -TERM -- "-$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
    rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 3. Inputs.
lsoa=$shared/data/boundaries/national/ew_lsoa_2011_bgc.geojson
wards=$shared/data/boundaries/national/england_wards_2025_bgc.geojson
imd=$root/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv
for f in "$lsoa" "$wards" "$imd"; do
    [ -f "$f" ] || { echo "side_by_side.sh: $f not found (../shared/data is needed)" >&2; exit 3; }
done
size=2480x3508
dpi=300
outline_px=${OUTLINE_PX:-1.04}
colours=$("$py" -c 'import json, sys; print(",".join(json.load(open(sys.argv[1]))["RdYlBu"]["colors"]["10"]))' \
          "$root/styles/colorbrewer.json")
nodata='#d9d9d9'

{
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
    echo "wardmap: $("$build/wardmap" --version) ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), Release)"
    echo "mapshaper: $("$mapshaper" -v) (node $(node --version))"
    echo "rsvg-convert: $(rsvg-convert --version)"
    echo "map2img: $(map2img -v | head -n 1 | cut -c1-60)"
    "$py" -c 'import mapnik, geopandas, matplotlib, fiona; print("mapnik: %d (python3-mapnik)\ngeopandas: %s, matplotlib %s, fiona %s" % (mapnik.mapnik_version(), geopandas.__version__, matplotlib.__version__, fiona.__version__))'
    echo "GDAL: $(gdal-config --version 2>/dev/null || ogrinfo --version)"
    echo "outline of the reference tools: ${outline_px} px white at 75% opacity"
} > "$results/versions.txt"
cat "$results/versions.txt"

echo "preparing inputs in $out ..."
# The pre-joined BNG GeoPackage for the render-only runs.
gpkg=$out/lsoa_imd_bng.gpkg
ogr2ogr -f GPKG "$out/prep.gpkg" "$lsoa" -nln lsoa -t_srs EPSG:27700 -lco SPATIAL_INDEX=NO
ogr2ogr -update "$out/prep.gpkg" "$imd" -nln imd
ogr2ogr -f GPKG "$gpkg" "$out/prep.gpkg" -nln lsoa_imd -nlt MULTIPOLYGON -dialect SQLite -sql \
    'SELECT l.geom AS geom, l.LSOA11CD AS LSOA11CD, l.LSOA11NM AS LSOA11NM,
            CAST(i."Index of Multiple Deprivation (IMD) Decile" AS INTEGER) AS imd_decile
     FROM lsoa l LEFT JOIN imd i ON i."LSOA code (2011)" = l.LSOA11CD'
rm -f "$out/prep.gpkg"
read -r xmin ymin xmax ymax < <(ogrinfo -so "$gpkg" lsoa_imd |
    sed -n 's/^Extent: (\([^,]*\), \([^)]*\)) - (\([^,]*\), \([^)]*\))/\1 \2 \3 \4/p')

# The MapServer mapfile: one class per decile, a default class for No data.
{
    cat <<EOF
MAP
  NAME "imd2019"
  SIZE ${size%x*} ${size#*x}
  EXTENT $xmin $ymin $xmax $ymax
  UNITS METERS
  IMAGECOLOR 255 255 255
  PROJECTION "init=epsg:27700" END
  OUTPUTFORMAT NAME "png" DRIVER "AGG/PNG" MIMETYPE "image/png" IMAGEMODE RGB EXTENSION "png" END
  OUTPUTFORMAT NAME "svg" DRIVER "CAIRO/SVG" MIMETYPE "image/svg+xml" IMAGEMODE RGB EXTENSION "svg" END
  IMAGETYPE "png"
  LAYER
    NAME "lsoa_imd"
    TYPE POLYGON
    STATUS ON
    CONNECTIONTYPE OGR
    CONNECTION "$gpkg"
    DATA "lsoa_imd"
    CLASSITEM "imd_decile"
EOF
    outline=""
    [ "$outline_px" = 0 ] || outline="STYLE OUTLINECOLOR \"#ffffffbf\" WIDTH $outline_px END"
    i=0
    for c in ${colours//,/ }; do
        i=$((i + 1))
        echo "    CLASS EXPRESSION \"$i\" STYLE COLOR \"$c\" END $outline END"
    done
    echo "    CLASS STYLE COLOR \"$nodata\" END $outline END"
    echo "  END"
    echo "END"
} > "$out/imd.map"

# The Coventry recipe, with its gallery in the scratch directory.
# Its paths are relative to its folder (styles/): made absolute in the copies,
# the generic recipe it includes too.
sed -e "s|^gallery = .*|gallery = $out/cold/gallery|" -e "s|\.\./layers/|$root/layers/|g" \
    -e "s|^include = |include = $root/styles/|" \
    "$root/styles/coventry.recipe" > "$out/cold.recipe"
sed -e "s|^gallery = .*|gallery = $out/warm/gallery|" -e "s|\.\./layers/|$root/layers/|g" \
    -e "s|^include = |include = $root/styles/|" \
    "$root/styles/coventry.recipe" > "$out/warm.recipe"
export WARDMAP_HOME=$root
# The warm store and figure set, made once, untimed.
WARDMAP_STORE="$out/warm/store.sqlite" "$build/wardmap" figures "$out/warm.recipe" --out "$out/warm/out" \
    >"$results/logs/fig_warm_setup.log" 2>&1 || echo "figures set-up failed: see $results/logs/fig_warm_setup.log"

# PNG from mapshaper: it has no PNG output, so its SVG goes through
# rsvg-convert (onto white).  Not through a pipe: mapshaper 0.7.70 loses
# all but the first 64-128 KiB of an SVG written to a pipe (-o - or
# /dev/stdout), so the SVG goes to a scratch file and rsvg-convert reads
# it; they would run one after the other in a pipe anyway (rsvg-convert
# parses the whole SVG before it draws).  Each process is timed into
# $BENCH_TIMES.1 and .2 (see measure).
cat > "$out/to_png.sh" <<'EOF'
set -e
png=$1; svg=$2; shift 2
/usr/bin/time -f '%e %M' -o "$BENCH_TIMES.1" "$@"     # writes $svg
/usr/bin/time -f '%e %M' -o "$BENCH_TIMES.2" rsvg-convert -b white -o "$png" "$svg"
EOF

# The commands.
breaks=1,2,3,4,5,6,7,8,9,10
map_opts=(--method categorical --breaks "$breaks" --palette RdYlBu --title "IMD 2019 deciles, England"
          --size "$size" --dpi "$dpi")
wm_e2e=("$build/wardmap" render --layer "$lsoa" --key LSOA11CD --data "$imd"
        --data-key "LSOA code (2011)" --value "Index of Multiple Deprivation (IMD) Decile" "${map_opts[@]}")
wm_ro=("$build/wardmap" render --layer "$gpkg:lsoa_imd" --key LSOA11CD --data "$gpkg:lsoa_imd"
       --data-key LSOA11CD --value imd_decile "${map_opts[@]}"
       --legend-title "Index of Multiple Deprivation (IMD) Decile" --source "Index of Multiple Deprivation (IMD) Decile")
ms_style=(-style stroke='#ffffff' stroke-width="$outline_px" stroke-opacity=0.75)
[ "$outline_px" = 0 ] && ms_style=()
ms=("$mapshaper" -i "$lsoa" -join "$imd" keys='LSOA11CD,LSOA code (2011)'
    fields='Index of Multiple Deprivation (IMD) Decile'
    -rename-fields decile='Index of Multiple Deprivation (IMD) Decile'
    -proj EPSG:27700
    -classify field=decile method=categorical categories="$breaks" colors="$colours" null-value="$nodata"
    "${ms_style[@]}")
ms_out=(width="${size%x*}" height="${size#*x}")
gpd=("$py" "$root/bench/side_by_side/geopandas_map.py" "$lsoa" "$imd" "$size" "$dpi" "$outline_px" "$colours")
mapnik=("$py" "$root/bench/side_by_side/mapnik_map.py" "$gpkg" lsoa_imd imd_decile "$size" "$outline_px" "$colours")
R=$results

# measure ID CMD...  runs CMD once under GNU time, in its own process group,
# and appends "round id wall peak_kib status load cpu" to timings.tsv (load:
# the 1-minute load average when the run started: other work on the
# machine slows every run, and shows there).  A pipeline
# times each of its processes into "$BENCH_TIMES".* as well; the peak is the
# max over all of them.  A failed run is recorded (status) and reported,
# and the benchmark goes on.
measure() {
    local id=$1; shift
    local tf=$out/time.$id load
    rm -f "$tf" "$tf".*
    read -r load _ < /proc/loadavg
    BENCH_TIMES=$tf /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" </dev/null >"$R/logs/$id.stdout" 2>"$R/logs/$id.stderr" &
    child=$!
    local status=0
    wait "$child" || status=$?
    child=
    local wall peak cpu
    wall=$(tail -n 1 "$tf" | cut -d' ' -f1)
    cpu=$(tail -n 1 "$tf" | awk '{ printf "%.2f", $3 + $4 }')
    peak=$(for f in "$tf" "$tf".*; do if [ -f "$f" ]; then tail -n 1 "$f" | cut -d' ' -f2; fi; done | sort -n | tail -n 1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$id" "$wall" "$peak" "$status" "$load" "$cpu" >> "$R/timings.tsv"
    printf '  %-18s %7.2f s %7.2f s CPU %6.0f MiB%s\n' "$id" "$wall" "$cpu" "$((peak / 1024))" \
        "$([ "$status" = 0 ] || echo "  FAILED (exit $status): $(tail -n 1 "$R/logs/$id.stderr")")"
}

# wardmap's layer cache (mapper/read/layer_cache.h): a cold run gets a
# new, empty cache directory, so it reads and converts the GeoJSON; a warm
# run uses one made at set-up, holding the LSOA and ward layers in BNG.
# Render-only runs read the GeoPackage, which is never cached.
warm_cache=$out/warm-cache
WARDMAP_CACHE=$warm_cache "${wm_e2e[@]}" --overlay "$wards" -o "$out/warmup.png" \
    >"$results/logs/cache_warmup.log" 2>&1 || echo "cache warm-up failed: see $results/logs/cache_warmup.log"
cold() { local id=$1; shift; measure "$id" env WARDMAP_CACHE="$out/cold-cache-$round-$id" "$@"; }
warm() { local id=$1; shift; measure "$id" env WARDMAP_CACHE="$warm_cache" "$@"; }

printf 'round\trun\twall_s\tpeak_kib\tstatus\tload1\tcpu_s\n' > "$R/timings.tsv"
echo "running $rounds rounds, interleaved ..."
for round in $(seq "$rounds"); do
    echo "round $round/$rounds"
    # End to end from the published GeoJSON + CSV: wardmap with its layer
    # cache cold (it parses and projects the GeoJSON, and caches it).
    cold e2e_wm_png "${wm_e2e[@]}" -o "$R/e2e-wardmap.png"
    warm wm_png_again "${wm_e2e[@]}" -o "$R/e2e-wardmap.png"
    measure e2e_ms_png bash "$out/to_png.sh" "$R/e2e-mapshaper.png" "$out/mapshaper.svg" \
        "${ms[@]}" -o "$out/mapshaper.svg" "${ms_out[@]}"
    cold e2e_wm_svg "${wm_e2e[@]}" -o "$R/e2e-wardmap.svg"
    warm e2e_wm_svg_warm "${wm_e2e[@]}" -o "$R/e2e-wardmap.svg"
    measure e2e_ms_svg "${ms[@]}" -o "$R/e2e-mapshaper.svg" "${ms_out[@]}"
    cold e2e_wm_both "${wm_e2e[@]}" -o "$R/e2e-wardmap-both.png" -o "$R/e2e-wardmap-both.svg"
    warm e2e_wm_both_warm "${wm_e2e[@]}" -o "$R/e2e-wardmap-both.png" -o "$R/e2e-wardmap-both.svg"
    measure e2e_gpd_both "${gpd[@]}" "$R/e2e-geopandas.png" "$R/e2e-geopandas.svg"
    # Render only, from the BNG GeoPackage.
    measure ro_wm_png "${wm_ro[@]}" -o "$R/ro-wardmap.png"
    measure ro_map2img_png map2img -m "$out/imd.map" -o "$R/ro-map2img.png"
    measure ro_mapnik_png "${mapnik[@]}" "$R/ro-mapnik.png"
    measure ro_wm_svg "${wm_ro[@]}" -o "$R/ro-wardmap.svg"
    measure ro_map2img_svg map2img -m "$out/imd.map" -i svg -o "$R/ro-map2img.svg"
    measure ro_mapnik_svg "${mapnik[@]}" "$R/ro-mapnik.svg"
    # wardmap only: the overlay rows with both layers cached, against the
    # same maps without the overlay, cached too.
    warm wm_overlay_png "${wm_e2e[@]}" --overlay "$wards" -o "$R/wm-overlay.png"
    warm wm_overlay_both "${wm_e2e[@]}" --overlay "$wards" -o "$R/wm-overlay-both.png" -o "$R/wm-overlay-both.svg"
    rm -rf "$out/cold"
    measure fig_cold env WARDMAP_STORE="$out/cold/store.sqlite" "$build/wardmap" figures "$out/cold.recipe" --out "$out/cold/out"
    measure fig_warm env WARDMAP_STORE="$out/warm/store.sqlite" "$build/wardmap" figures "$out/warm.recipe" --out "$out/warm/out" --force
done

echo
echo "side by side: national LSOA 2011 map (34,753 areas) x IMD 2019 deciles, $size px, $(nproc) cores, $rounds rounds"
"$py" "$root/bench/side_by_side/table.py" "$R/timings.tsv" | tee "$R/table.txt"
echo "images, timings.tsv, versions.txt and logs/: $R"
