#!/usr/bin/env bash
# atlas.sh -- every district of England: `wardmap figures --area CODE` for
# each of the 296 districts of the national ward file (../shared/data),
# one after another, each with its store built from the national files.
# Prints the one-off national layer cache time, each district's wall
# time, the total, the slowest district and every failure (exit status
# and the first error line).  The goal (issue 9): all made in 10 minutes.
# Never run by ctest.
#
#   bench/atlas.sh                      every district
#   bench/atlas.sh E06000016 E08000025  only these
#   ATLAS_LIMIT=20 bench/atlas.sh       the first 20 (by code)
#   ATLAS_CACHE=DIR                     keep the national cache and stores in DIR between runs
#   ATLAS_JOBS=1                        one district at a time
#   ATLAS_KEEP=1                        keep the figures (else each district's are removed once counted)
#   WARDMAP_BIN=PATH                    use this wardmap instead of building one in BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${WARDMAP_SHARED:-$root/../shared}
if [ -n "${WARDMAP_BIN:-}" ]; then
    wardmap=$WARDMAP_BIN
else
    # The build type the tests use (RelWithDebInfo): what a user builds.
    build=${BUILD_DIR:-$root/build-atlas}
    cmake -S "$root" -B "$build" >/dev/null
    cmake --build "$build" --target wardmap -j2 >/dev/null
    wardmap=$build/wardmap
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
nat="$shared/data"
wards="$nat/boundaries/national/england_wards_2025_bgc.geojson"
[ -f "$wards" ] || { echo "atlas.sh: $wards not found (../shared/data is needed)" >&2; exit 3; }
cache=${ATLAS_CACHE:-$out/cache}
mkdir -p "$cache"

if [ $# -gt 0 ]; then
    districts=("$@")
else
    mapfile -t districts < <(python3 -c '
import json, sys
codes = sorted({f["properties"]["LAD25CD"] for f in json.load(open(sys.argv[1]))["features"]})
print("\n".join(codes))' "$wards")
    [ -n "${ATLAS_LIMIT:-}" ] && districts=("${districts[@]:0:$ATLAS_LIMIT}")
fi
n=${#districts[@]}
echo "wardmap atlas: $n districts, $(nproc) cores, national files in $nat"

# The one-off national layer and table caches (kept in $cache for every
# district; the tables' cache is WARDMAP_CACHE, table_cache.h).
export WARDMAP_CACHE=${WARDMAP_CACHE:-$cache/sources}
jobs=${ATLAS_JOBS:-2}
start=$(date +%s.%N)
"$wardmap" figures --area "${districts[0]}" --national "$nat" --cache "$cache" --dry-run >/dev/null 2>"$out/err" \
    || { cat "$out/err" >&2; exit 1; }
rm -rf "$cache/areas"
printf '%-44s %8.2f s\n' "national layer and table caches (once)" "$(echo "$(date +%s.%N) - $start" | bc -l)"

# One district: its figures, then a line "CODE SECONDS FILES RC WHY".
one() {
    local code=$1 dir="$out/atlas/$1" t0 t rc=0 files why=""
    t0=$(date +%s.%N)
    "$wardmap" figures --area "$code" --national "$nat" --cache "$cache" --out "$dir" >/dev/null 2>"$out/err.$code" || rc=$?
    t=$(echo "$(date +%s.%N) - $t0" | bc -l)
    files=$(find "$dir" -type f 2>/dev/null | wc -l)
    [ "$rc" -ne 0 ] && why=$(grep -m1 -E '^(figures|wardmap): ' "$out/err.$code" || true)
    printf '%-12s %8.2f s %4d files%s\n' "$code" "$t" "$files" "$([ "$rc" -ne 0 ] && echo "  FAILED (exit $rc)")" >&2
    echo "$code $t $files $rc $why"
    [ -n "${ATLAS_KEEP:-}" ] || rm -rf "$dir"
    rm -f "$out/err.$code"
}
export -f one
export out wardmap nat cache
wall0=$(date +%s.%N)
printf '%s\n' "${districts[@]}" | xargs -P "$jobs" -I{} bash -c 'one "$@"' _ {} > "$out/results"
wall=$(echo "$(date +%s.%N) - $wall0" | bc -l)

total=0
slowest=""
slowest_t=0
failures=()
made=0
while read -r code t files rc why; do
    total=$(echo "$total + $t" | bc -l)
    if [ "$rc" -ne 0 ]; then failures+=("$code (exit $rc): $why"); else made=$((made + 1)); fi
    if [ "$(echo "$t > $slowest_t" | bc -l)" -eq 1 ]; then slowest_t=$t; slowest=$code; fi
done < "$out/results"
echo
printf '%-44s %8.2f s (%.1f min)\n' "wall, $made of $n districts made, $jobs at a time" "$wall" "$(echo "$wall / 60" | bc -l)"
printf '%-44s %8.2f s\n' "sum of the districts' times" "$total"
printf '%-44s %8.2f s\n' "slowest: $slowest" "$slowest_t"
printf '%-44s %8d\n' "failures" "${#failures[@]}"
for f in "${failures[@]}"; do echo "  $f"; done
[ "${#failures[@]}" -eq 0 ]
