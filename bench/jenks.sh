#!/usr/bin/env bash
# jenks.sh -- time exact Fisher-Jenks natural breaks on national data.
#
# Builds bench_jenks (Release) in its own build directory, then times
# wm_jenks_sorted for k = 5 and k = 10 on all 32,844 IMD 2019 ranks
# (bundled) and on the England fuel poverty 2020 percentages (from
# ../shared, if present).  Prints seconds; asserts nothing.
#
#   bench/jenks.sh [REPEATS]        (BUILD_DIR overrides the build directory)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${BUILD_DIR:-$root/build-bench-jenks}
shared=${WARDMAP_SHARED:-$root/../shared}
repeats=${1:-5}

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench_jenks -j2 >/dev/null
bin=$(find "$build" -type f -name bench_jenks -perm -u+x | head -n 1)
[ -n "$bin" ] || { echo "jenks.sh: bench_jenks was not built in $build" >&2; exit 4; }

"$bin" "$root/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" \
       "Index of Multiple Deprivation (IMD) Rank" "$repeats"
fp="$shared/data/indicators/fuel_poverty/sub_regional_fuel_poverty_2020_lsoa_england.csv"
if [ -f "$fp" ]; then
    "$bin" "$fp" "Proportion of households fuel poor (%)" "$repeats"
else
    echo "jenks.sh: $fp not found; fuel poverty skipped" >&2
fi
