#!/usr/bin/env bash
# store.sh -- time building the bundled Coventry indicator store
# (wardmap import --bundled: 5 boundary layers, 4 lookup chains, 11
# published tables of up to 41,729 rows, 90 indicators aggregated to 18
# wards and the city), then writing the ward table.  Prints wall time and
# peak memory of each run; asserts nothing.
#
#   bench/store.sh [REPEATS]     (BUILD_DIR overrides the build directory)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
repeats=${1:-3}

for i in $(seq "$repeats"); do
    rm -f "$out/store.sqlite"
    run "import --bundled (run $i)" "$build/wardmap" import --bundled -q --store "$out/store.sqlite"
done
run "table --geography ward --all" "$build/wardmap" table --store "$out/store.sqlite" --all -f csv
run "indicators" "$build/wardmap" indicators --store "$out/store.sqlite"
