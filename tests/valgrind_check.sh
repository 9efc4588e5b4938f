#!/usr/bin/env bash
# No leaks and no memory errors under valgrind: a stored-indicator ward
# map in all three formats, a table-joined LSOA map, the ward table, the
# ranking, a GeoPackage export, a ward profile, a small figure set -- and the error paths:
# usage errors, bad data, an output that cannot be written.  (Not run in
# the sanitizer build, whose own checks cover the same ground.)
. "$(dirname "$0")/lib.sh" valgrind
W="$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson"
L="$HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson"
IMD="$HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
"$BIN" import --bundled --store "$WARDMAP_STORE" -q || bad "store build"
# vg WHAT WANT CMD...: run under valgrind, expecting exit status WANT
# (9 is valgrind's own: a leak or a memory error).
vg() {
    local what=$1 want=$2; shift 2
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
        --suppressions="$HOME_DIR/tests/valgrind.supp" "$BIN" "$@" >/dev/null 2>"$T/vg.txt"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$what (exit $rc, want $want): $(grep -m3 -E '==[0-9]+==' "$T/vg.txt" | tr '\n' ' ')"; fi
}
vg "render from the store" 0 render --layer "$W" --indicator fuel_poverty_2020 --overlay "$W" \
    --reference-area E08000026 -o w.png -o w.svg -o w.pdf
vg "render from a table" 0 render --layer "$L" --data "$IMD" --data-key "LSOA code (2011)" \
    --value "Index of Multiple Deprivation (IMD) Decile" --method categorical \
    --breaks 1,2,3,4,5,6,7,8,9,10 --palette RdYlBu --overlay "$W" --paper A5 -o l.png
# Again: the table now comes from the table cache (table_cache.h).
vg "render from a cached table" 0 render --layer "$L" --data "$IMD" --data-key "LSOA code (2011)" \
    --value "Index of Multiple Deprivation (IMD) Decile" --method categorical \
    --breaks 1,2,3,4,5,6,7,8,9,10 --palette RdYlBu --overlay "$W" --paper A5 -o l.png
vg "ward table" 0 table --geography ward --format markdown -o t.md
vg "rank" 0 rank -o r.csv
vg "export" 0 export --layer "$W" --indicator fuel_poverty_2020 -o e.gpkg
vg "profile" 0 profile "St Michael's" -o p.png -o p.svg -o p.pdf
vg "localities" 0 localities --locality "Bell Green" --locality "Tile Hill" -o loc.csv
vg "locality table" 0 table --geography locality -o loc_t.csv
vg "locality map" 0 render --geography locality --indicator fuel_poverty_2022 -o loc.png
vg "rank candidates" 0 rank --candidates cand.csv --candidates-map cand.png
cat > small.recipe <<RECIPE
[render w]
layer = $W
indicator = fuel_poverty_2020
paper = A5
output = w.png
[table t]
geography = ward
output = t.csv
RECIPE
vg "figures" 0 figures small.recipe --out set --jobs 2

# Error paths leak nothing either.
vg "usage error: unknown option" 2 export --bogus
vg "usage error: bad method" 2 render --layer "$W" --indicator fuel_poverty_2020 --method nope -o x.png
vg "usage error: bad panel" 2 render --layer "$W" --indicator fuel_poverty_2020 --panel "nope=1" -o x.png
vg "data error: missing layer" 3 render --layer "$T/none.geojson" --indicator fuel_poverty_2020 -o x.png
vg "data error: unknown indicator" 2 render --layer "$W" --indicator no_such_thing -o x.png
vg "data error: missing column" 3 render --layer "$L" --data "$IMD" --data-key "LSOA code (2011)" --value nope -o x.png
vg "data error: rank of an unknown indicator" 2 rank --indicator no_such_thing
vg "usage error: profile of an unknown area" 2 profile "St Micheal" -o p2.png
: > plainfile
vg "io error: output under a file" 4 render --layer "$W" --indicator fuel_poverty_2020 -o plainfile/x.png
vg "io error: table under a file" 4 table --geography ward -o plainfile/t.csv
vg "localities: unknown name" 2 localities --locality "X=Nowhere at all"
vg "localities: overlap" 2 localities --locality "A=Bell Green" --locality "B=ward:Longford"
printf 'locality,area\r\n' > noloc.csv
vg "localities: empty file" 3 localities --file noloc.csv
printf '[render w]\nlayer = %s\nindicator = no_such_thing\noutput = w.png\n' "$W" > bad.recipe
vg "figures with a failing item" 5 figures bad.recipe --out badset
finish
