#!/usr/bin/env bash
# area.sh -- one authority's whole figure set from the national files
# (../shared/data), `wardmap figures --area CODE`, cold and warm.  The goal
# (issue 9): <= 5 s cold and <= 2 s warm on this 2-core machine.
#
#   cold: the national layers and tables already cached (once, untimed;
#         caching them is allowed), no store for the area, a new output
#         folder: the store is built from the national files, then every
#         figure made;
#   warm: the same again with --force: the store is reused (it is up to
#         date), every figure remade.
#
# Rounds alternate cold, warm for each area, so a noisy machine weighs on
# both alike; the median and range of each are printed with peak memory.
# Asserts nothing; never run by ctest.
#
#   bench/area.sh                          Leicester, Birmingham, Rutland, 5 rounds
#   ROUNDS=3 bench/area.sh E06000016       one area, 3 rounds
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nat="$shared/data"
[ -d "$nat" ] || { echo "area.sh: $nat not found (../shared/data is needed)" >&2; exit 3; }
areas=("$@")
[ ${#areas[@]} -gt 0 ] || areas=(E06000016 E08000025 E06000017)
rounds=${ROUNDS:-5}
cache="$out/cache"
export WARDMAP_CACHE="$cache/sources"

# The one-off caches.
"$build/wardmap" figures --area "${areas[0]}" --national "$nat" --cache "$cache" --dry-run >/dev/null 2>"$out/err" \
    || { cat "$out/err" >&2; exit 1; }

# time_one FILE CMD...: append "SECONDS KB" of one run to FILE.
time_one() {
    local file=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
    cat "$out/time" >> "$file"
}
# summary LABEL FILE: median, min-max wall and the largest peak memory.
summary() {
    sort -n "$2" | awk -v label="$1" '{ t[NR] = $1; if ($2 > m) m = $2 }
        END { med = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
              printf "%-34s %7.2f s  (%.2f-%.2f, %d runs) %8.1f MiB\n", label, med, t[1], t[NR], NR, m / 1024 }'
}

echo "wardmap figures --area: $(nproc) cores, $rounds rounds, national files in $nat"
printf '%-34s %9s  %-20s %12s\n' "run" "median" "(range, runs)" "peak memory"
for code in "${areas[@]}"; do
    for r in $(seq "$rounds"); do
        rm -rf "$cache/areas" "$out/set-$code"
        time_one "$out/cold-$code" "$build/wardmap" figures --area "$code" --national "$nat" --cache "$cache" \
            --out "$out/set-$code"
        time_one "$out/warm-$code" "$build/wardmap" figures --area "$code" --national "$nat" --cache "$cache" \
            --out "$out/set-$code" --force
    done
    name=$(grep -o 'Levels of deprivation in [^<]*' "$out/set-$code/index.html" | head -1 | sed 's/Levels of deprivation in //')
    summary "$code ${name:-?} cold" "$out/cold-$code"
    summary "$code ${name:-?} warm (--force)" "$out/warm-$code"
done
