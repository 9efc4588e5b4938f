#!/usr/bin/env bash
# store.sh -- time building the bundled Coventry indicator store
# (wardmap import --bundled: 5 boundary layers, 4 lookup chains, 11
# published tables of up to 41,729 rows, 90 indicators aggregated to 18
# wards and the city), then writing the ward table.  Prints wall time and
# peak memory of each run; asserts nothing.
#
#   bench/store.sh [REPEATS]     (BUILD_DIR overrides the build directory)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${BUILD_DIR:-$root/build-bench}
repeats=${1:-3}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target wardmap -j2 >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/time" "$@" 2>"$out/stderr" >/dev/null || { cat "$out/stderr" >&2; exit 1; }
    read -r secs kb < "$out/time"
    printf '%-34s %8.2f s %9.1f MiB\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
}

for i in $(seq "$repeats"); do
    rm -f "$out/store.sqlite"
    run "import --bundled (run $i)" "$build/wardmap" import --bundled -q --store "$out/store.sqlite"
done
run "table --geography ward --all" "$build/wardmap" table --store "$out/store.sqlite" --all -f csv
run "indicators" "$build/wardmap" indicators --store "$out/store.sqlite"
