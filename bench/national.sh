#!/usr/bin/env bash
# national.sh -- the performance baseline: the national LSOA 2011 layer
# (34,753 polygons, England and Wales, from ../shared/data) joined to the
# IMD 2019 deciles and rendered as a 2480x3508 PNG and as SVG.  Prints
# wall time and peak memory of each run; asserts nothing.  Welsh LSOAs
# have no English IMD decile, so they are No data (and the join report
# says how many).
#
#   bench/national.sh            (BUILD_DIR overrides the build directory)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
layer="$shared/data/boundaries/national/ew_lsoa_2011_bgc.geojson"
[ -f "$layer" ] || { echo "national.sh: $layer not found (../shared/data is needed)" >&2; exit 3; }

common=(render --layer "$layer" --key LSOA11CD
        --data "$root/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
        --data-key "LSOA code (2011)" --value "Index of Multiple Deprivation (IMD) Decile"
        --method categorical --breaks 1,2,3,4,5,6,7,8,9,10 --palette RdYlBu
        --title "IMD 2019 deciles, England" --size 2480x3508 --dpi 300)
echo "wardmap national baseline: $(nproc) cores, $(basename "$layer")"
printf '%-34s %10s %13s\n' "run" "wall" "peak memory"
run "PNG 2480x3508" "$build/wardmap" "${common[@]}" -o "$out/national.png"
head -n 1 "$out/stderr" | sed 's/^/  join: /'
run "SVG" "$build/wardmap" "${common[@]}" -o "$out/national.svg"
printf '%-34s %10s\n' "PNG size" "$(du -h "$out/national.png" | cut -f1)"
printf '%-34s %10s\n' "SVG size" "$(du -h "$out/national.svg" | cut -f1)"
