#!/usr/bin/env bash
# run.sh -- I/O fault injection, in the style of SQLite's tests: make
# every write of a run fail in turn and check what the run leaves.
#
#   tests/faults/run.sh [--build DIR] [--sanitize] [--stride K] [--persistent]
#                       [SCENARIO...]
#
#   --build DIR    the fault build tree (default build-faults); configured
#                  on first use with -DWARDMAP_FAULTS=ON (core/fault.h), and
#                  only the wardmap program is built there
#   --sanitize     configure that tree with -DWARDMAP_SANITIZE=ON as well, so
#                  a leak or an undefined behaviour on a failure path fails
#                  the check (the exit status and the one error line)
#   --stride K     fail every Kth point only (1, 1+K, 1+2K, ...; default 1:
#                  every point)
#   --persistent   also fail every point after the Nth (a disk that stays
#                  full), not only the Nth
#   SCENARIO       render import export figures (default: all)
#
# Each scenario runs its command once to count its fault points (writes,
# closes, fsyncs, renames, the private directory, SQLite writes and syncs,
# the importer's statements; WARDMAP_FAULT_LOG), then once per point N
# with WARDMAP_FAULT=N, and checks each time:
#
#   - the exit status is 4 (an output could not be written) or, for
#     figures, 5 (an item failed);
#   - standard error holds exactly one "wardmap: " line, the last, and the
#     whole of it is valid UTF-8;
#   - the target directory holds what it held before, byte for byte,
#     hidden files included (no temporary file or directory, no journal
#     left).  A figure set's items are independent: each of its files is
#     either as it was or as a clean run makes it, and its index.html is
#     whole and, when an item failed, says so.
#
# The inputs are synthetic (four square wards, their table, a small store),
# so each run takes under a second.  Prints, per scenario, the
# points and failures; exits 1 when any check fails.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build-faults
persistent=0
sanitize=OFF
stride=1
scenarios=()
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --persistent) persistent=1; shift ;;
        --sanitize) sanitize=ON; shift ;;
        --stride) stride=$2; shift 2 ;;
        -h|--help) sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) scenarios+=("$1"); shift ;;
    esac
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(render import export figures)

T=$(mktemp -d "${TMPDIR:-/tmp}/wardmap-faults.XXXXXX")
trap 'rm -rf "$T"' EXIT

cmake -S "$root" -B "$build" -DWARDMAP_FAULTS=ON -DWARDMAP_SANITIZE=$sanitize \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$T/configure.log" 2>&1 ||
    { cat "$T/configure.log" >&2; exit 1; }
cmake --build "$build" --target wardmap -j"${JOBS:-2}" >"$T/build.log" 2>&1 || { tail -n 40 "$T/build.log" >&2; exit 1; }
BIN=$build/wardmap
export WARDMAP_HOME=$root
unset WARDMAP_FAULT WARDMAP_FAULT_LOG
export WARDMAP_STORE=$T/no-default-store.sqlite   # every command names its store
export SOURCE_DATE_EPOCH=1700000000               # PDFs and GeoPackages without clock times

# ---- synthetic inputs: four square wards near Coventry and their values ----
ward() {   # ward N NAME
    local x
    x=$(awk -v n="$1" 'BEGIN { printf "%.2f", -1.55 + 0.02 * n }')
    local x1
    x1=$(awk -v x="$x" 'BEGIN { printf "%.2f", x + 0.01 }')
    printf '{"type":"Feature","properties":{"WD25CD":"E0590000%s","WD25NM":"%s"},"geometry":{"type":"Polygon","coordinates":[[[%s,52.40],[%s,52.41],[%s,52.41],[%s,52.40],[%s,52.40]]]}}' \
        "$1" "$2" "$x" "$x" "$x1" "$x1" "$x"
}
IN=$T/in
mkdir -p "$IN"
printf '{"type":"FeatureCollection","features":[%s,%s,%s,%s]}\n' "$(ward 1 "Synthetic One")" \
    "$(ward 2 "Synthetic Two")" "$(ward 3 "Synthetic Three")" "$(ward 4 "Synthetic Four")" >"$IN/wards.geojson"
printf 'WD25CD,value\nE05900001,12.5\nE05900002,20\nE05900003,31.25\nE05900004,44\n' >"$IN/values.csv"
printf 'WD25CD,value\nE05900001,3\nE05900002,1\nE05900003,4\nE05900004,1\n' >"$IN/other.csv"
import_args() {   # import_args STORE TABLE ID
    echo "import --store $1 $2 --id $3 --title $3 --unit count --polarity neutral --period 2024 --geography ward25 --code WD25CD --value value -q"
}
# shellcheck disable=SC2046
"$BIN" $(import_args "$IN/store.sqlite" "$IN/values.csv" synthetic_value) >/dev/null 2>"$T/err" ||
    { echo "building the synthetic store failed: $(cat "$T/err")" >&2; exit 1; }

# ---- the checks ----
# snapshot DIR: every file and directory under DIR, hidden ones included,
# with the checksum of each file.
snapshot() {
    (cd "$1" && find . -mindepth 1 \( -type f -printf 'f %p ' -exec sh -c 'sha256sum < "$1" | cut -c1-64' _ {} \; \) \
        -o \( ! -type f -printf '%y %p\n' \) | LC_ALL=C sort)
}

failures=0
fail() { failures=$((failures + 1)); echo "FAIL: $*" >&2; }

# one_line_error FILE: exactly one "wardmap: " line, the last; valid UTF-8.
one_line_error() {
    local n
    n=$(grep -c '^wardmap: ' "$1")
    [ "$n" -eq 1 ] || return 1
    tail -n 1 "$1" | grep -q '^wardmap: ' || return 1
    iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1
}

# count CMD...: the fault points of a clean run of CMD (run in $WORK).
count_points() {
    rm -f "$T/points.log"
    WARDMAP_FAULT_LOG=$T/points.log "$@" >/dev/null 2>"$T/clean.err" || {
        echo "the clean run failed: $*: $(cat "$T/clean.err")" >&2; return 1; }
    wc -l <"$T/points.log"
}

# ---- scenarios ----
# Each sets up a target directory $D in its "before" state (setup), gives
# the command (run), and may check more than the snapshot (extra_check).

setup_render() {
    rm -rf "$D"; mkdir -p "$D"
    # The outputs exist, drawn with another title: a failed run must leave
    # all three as they were, never a mix of old and new.
    "$BIN" render --layer "$IN/wards.geojson" --key WD25CD --data "$IN/values.csv" --data-key WD25CD \
        --value value --title "Before" --paper A5 --dpi 72 -o "$D/map.png" -o "$D/map.svg" -o "$D/map.pdf" >/dev/null 2>&1
}
run_render() {
    "$BIN" render --layer "$IN/wards.geojson" --key WD25CD --data "$IN/values.csv" --data-key WD25CD \
        --value value --title "After" --paper A5 --dpi 72 -o "$D/map.png" -o "$D/map.svg" -o "$D/map.pdf"
}

setup_import() {
    rm -rf "$D"; mkdir -p "$D"
    cp "$IN/store.sqlite" "$D/store.sqlite"
}
run_import() {
    # shellcheck disable=SC2046
    "$BIN" $(import_args "$D/store.sqlite" "$IN/other.csv" synthetic_other)
}

setup_export() {
    rm -rf "$D"; mkdir -p "$D"
}
run_export() {
    "$BIN" export --store "$IN/store.sqlite" --layer "$IN/wards.geojson" --key WD25CD --indicator synthetic_value \
        -o "$D/wards.gpkg"
}

write_recipe() {   # write_recipe FILE TITLE
    cat >"$1" <<RECIPE
title = Synthetic set
[render map]
title = $2
layer = $IN/wards.geojson
key = WD25CD
data = $IN/values.csv
data-key = WD25CD
value = value
paper = A5
dpi = 72
output = map.png map.svg
[render other]
title = $2
layer = $IN/wards.geojson
key = WD25CD
data = $IN/other.csv
data-key = WD25CD
value = value
method = categorical
paper = A5
dpi = 72
output = other.png
[table wards]
store = $IN/store.sqlite
geography = ward25
all
output = wards.csv
RECIPE
}
setup_figures() {
    rm -rf "$D"; mkdir -p "$D"
    write_recipe "$T/before.recipe" "Before"
    "$BIN" figures "$T/before.recipe" --out "$D" --jobs 1 >/dev/null 2>&1
    # What a clean run of the real recipe makes, file by file.
    if [ ! -d "$T/figures-after" ]; then
        write_recipe "$T/after.recipe" "After"
        mkdir -p "$T/figures-after"
        "$BIN" figures "$T/after.recipe" --out "$T/figures-after" --jobs 1 >/dev/null 2>&1
        snapshot "$T/figures-after" >"$T/figures-after.snap"
    fi
}
run_figures() {
    "$BIN" figures "$T/after.recipe" --out "$D" --force --jobs 2
}

# odd_file NAME: what is known of a file of the target that is neither as
# it was nor as a clean run makes it; a copy is kept in $WARDMAP_FAULT_KEEP
# when that is set, to look at.
odd_file() {
    local f=$D/${1#./} keep=${WARDMAP_FAULT_KEEP:-}
    printf '%s bytes; the failed point: %s; figures: %s' "$(wc -c <"$f")" \
        "$(grep ' FAILED$' "$T/run.log" | head -n 1)" "$(grep -v '^wardmap: ' "$T/err" | tr '\n' '|')"
    if [ -n "$keep" ]; then
        mkdir -p "$keep"
        cp "$f" "$keep/$(date +%s)-$(basename "$f")"
    fi
}

# The figure set's check: the same names as before; each file as it was or
# as a clean run makes it; index.html whole, and naming a failure on exit 5.
figures_check() {
    local rc=$1 before=$2 now=$3
    if [ "$(cut -d' ' -f1,2 "$before")" != "$(cut -d' ' -f1,2 "$now")" ]; then
        echo "files differ: $(diff <(cut -d' ' -f1,2 "$before") <(cut -d' ' -f1,2 "$now") | tr '\n' ' ')"
        return 1
    fi
    local line name
    while read -r line; do
        name=$(echo "$line" | cut -d' ' -f2)
        [ "$name" = "./index.html" ] && continue
        grep -qxF "$line" "$before" || grep -qxF "$line" "$T/figures-after.snap" || {
            echo "$name is neither as it was nor as a clean run makes it ($(odd_file "$name"))"
            return 1
        }
    done < <(grep '^f ' "$now")
    tail -c 8 "$D/index.html" | grep -q '</html>' || { echo "index.html is not whole"; return 1; }
    if [ "$rc" -eq 5 ] && ! grep -q 'class="failed"' "$D/index.html"; then
        # the index itself may be what failed: then it is the old one
        grep -qxF "$(grep ' ./index.html ' "$now")" "$before" || { echo "index.html hides the failure"; return 1; }
    fi
    return 0
}

printf '%-8s %7s %6s %10s %8s %9s\n' scenario points runs unreached seconds failures
for s in "${scenarios[@]}"; do
    D=$T/target-$s
    t0=$SECONDS
    setup_"$s"
    cp -a "$D" "$T/pristine-$s"
    snapshot "$D" >"$T/before.snap"
    n=$(count_points run_"$s") || { fail "$s: clean run"; continue; }
    restore() { rm -rf "$D"; cp -a "$T/pristine-$s" "$D"; }
    restore
    modes=("")
    [ "$persistent" -eq 1 ] && modes+=("+")
    runs=0
    unreached=0
    before_failures=$failures
    for mode in "${modes[@]}"; do
        for N in $(seq 1 "$stride" "$n"); do
            rm -f "$T/run.log"
            WARDMAP_FAULT=$N$mode WARDMAP_FAULT_LOG=$T/run.log run_"$s" >/dev/null 2>"$T/err"
            rc=$?
            what="$s, point $N$mode of $n ($(sed -n "${N}p" "$T/points.log" | cut -d' ' -f2-))"
            if ! grep -q ' FAILED$' "$T/run.log" 2>/dev/null; then
                # This run passed fewer points than the counting run (SQLite
                # does not always write the same pages): nothing failed, so
                # there is nothing to check.
                unreached=$((unreached + 1))
                restore
                continue
            fi
            runs=$((runs + 1))
            if [ "$s" = figures ]; then
                [ "$rc" -eq 4 ] || [ "$rc" -eq 5 ] || fail "$what: exit $rc: $(tail -n 1 "$T/err")"
            else
                [ "$rc" -eq 4 ] || fail "$what: exit $rc, want 4: $(tail -n 1 "$T/err")"
            fi
            one_line_error "$T/err" || fail "$what: not one error line: $(tr '\n' '|' <"$T/err")"
            snapshot "$D" >"$T/now.snap"
            if [ "$s" = figures ]; then
                why=$(figures_check "$rc" "$T/before.snap" "$T/now.snap") || fail "$what: $why"
            elif ! cmp -s "$T/before.snap" "$T/now.snap"; then
                fail "$what: the target changed: $(diff "$T/before.snap" "$T/now.snap" | grep '^[<>]' | tr '\n' ' ')"
            fi
            # Put the target back for the next run (a figure set's items
            # that were made stay made otherwise).
            restore
        done
    done
    printf '%-8s %7d %6d %10d %8d %9d\n' "$s" "$n" "$runs" "$unreached" $((SECONDS - t0)) $((failures - before_failures))
done
[ "$failures" -eq 0 ]
