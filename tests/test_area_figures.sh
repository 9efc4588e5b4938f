#!/bin/bash
# `wardmap figures --area AREA` from the national files of ../shared/data:
# Leicester, Birmingham and a county of seven districts get every file of
# the generic set, and no output of theirs names Coventry (every file is
# searched: text, the GeoPackage's bytes, the PDFs' and SVGs' words).  Then
# what goes wrong: an AREA that names nothing, a missing national file, no
# national folder; and the commands given a non-Coventry layer or store
# never fall back to the bundled Coventry store.
. "$(dirname "$0")/lib.sh" area
NAT="${WARDMAP_SHARED:?WARDMAP_SHARED must name ../shared}/data"
# The national layers are cached once for every test (building the cache
# takes ~30 s; test_area_store.c shares it).
CACHE="${WARDMAP_AREA_CACHE:-$OLDPWD/..}/area-cache"

FILES="deprivation_imd2019 deprivation_imd2025 deprivation_change_lsoas ward_deprivation ward_fuel_poverty
       ward_fuel_poverty_2020 lsoa_fuel_poverty_2020 ward_ethnicity ward_ethnicity_compared ward_child_obesity
       four_families deprivation_change_wards deprivation_by_obesity"

# no_coventry DIR: no file under DIR names Coventry or its code.
no_coventry() {
    local d=$1 hits
    hits=$(grep -rail -e coventry -e E08000026 "$d")
    for f in "$d"/*.pdf; do
        pdftotext "$f" - 2>/dev/null | grep -qi coventry && hits="$hits $f(text)"
    done
    for f in "$d"/*.gpkg; do
        sqlite3 "$f" .dump 2>/dev/null | grep -qi -e coventry -e E08000026 && hits="$hits $f(dump)"
    done
    [ -z "$hits" ] || { echo "Coventry in: $hits" >&2; return 1; }
}

set_made() {   # set_made DIR STEM WARDS
    local d=$1 stem=$2 wards=$3
    for f in $FILES; do
        for ext in png svg pdf; do check "$d/$f.$ext made" test -s "$d/$f.$ext"; done
    done
    for f in ward_indicators.csv need_index.csv need_index.md need_index_map.png need_index_small_areas.csv \
             ${stem}_indicators.gpkg index.html; do
        check "$d/$f made" test -s "$d/$f"
    done
    check "$d: index has every item" test "$(grep -c '<section id=' "$d/index.html")" \
        -eq "$(grep -c '^\[' "$HOME_DIR/styles/area.recipe")"
    check "$d: index shows no failure" bash -c "! grep -q 'Not made' '$d/index.html'"
    check "$d: $wards wards ranked" test "$(tail -n +2 "$d/need_index.csv" | wc -l)" -eq "$wards"
    check "$d: the ward table has $wards wards and the total" \
        test "$(tail -n +2 "$d/ward_indicators.csv" | wc -l)" -ge "$((wards + 1))"
    check "$d: no Coventry in any output" no_coventry "$d"
}

# 1. Leicester, by name, into a named folder.
"$BIN" figures --area leicester --national "$NAT" --cache "$CACHE" --out leic 2> err.txt >out.txt
rc=$?
check "figures --area leicester exits 0 (got $rc: $(grep -iv '^joined\|^store\|^wrote\|lie in' err.txt | head -3))" \
    test "$rc" -eq 0
set_made leic leicester 21
check "Leicester's title" grep -q 'Levels of deprivation in Leicester' leic/index.html
check "the legend marks Leicester's value" bash -c "pdftotext leic/ward_fuel_poverty_2020.pdf - | grep -q 'Leicester: 19.1%'"
check "the deprivation map counts 39 LSOAs in decile 1" \
    bash -c "pdftotext -layout leic/deprivation_imd2019.pdf - | grep -E '1 most deprived 10%' | grep -qw 39"
check "index names the national files read" grep -q 'sub_regional_fuel_poverty_2020_lsoa_england' leic/index.html
# Again: every item is up to date, nothing is rewritten.
touch marker
sleep 1
WARDMAP_NATIONAL="$NAT" "$BIN" figures --area E06000016 --cache "$CACHE" --out leic 2>/dev/null >/dev/null
check "second run exits 0" test $? -eq 0
check "second run rewrites no figure" test -z "$(find leic -newer marker -type f ! -name index.html)"

# A national folder named relative to the current one (the store's
# manifest is read from elsewhere, so its paths must be absolute).
REL_NAT=$(realpath --relative-to=. "$NAT")
"$BIN" figures --dry-run --area Rutland --national "$REL_NAT" --cache "$CACHE" >dry.txt 2>err.txt
rc=$?
check "a relative --national builds the store (got $rc: $(grep -m1 'wardmap:' err.txt))" test "$rc" -eq 0
check "... and the set's commands are printed" grep -q 'Levels of deprivation in Rutland' dry.txt

# 2. Birmingham by code, into out/<name> by default.
"$BIN" figures --area E08000025 --national "$NAT" --cache "$CACHE" 2> err.txt >out.txt
rc=$?
check "figures --area E08000025 exits 0 (got $rc: $(grep -iv '^joined\|^store\|^wrote\|lie in' err.txt | head -3))" \
    test "$rc" -eq 0
set_made out/birmingham birmingham 69
check "Birmingham's fuel poverty 2020" bash -c "pdftotext out/birmingham/ward_fuel_poverty_2020.pdf - | grep -q 'Birmingham: 21.8%'"

# 3. A county: the districts outlined, the county's value as the reference.
"$BIN" figures --area Leicestershire --national "$NAT" --cache "$CACHE" --out cty 2> err.txt >out.txt
rc=$?
check "figures --area Leicestershire exits 0 (got $rc: $(grep -iv '^joined\|^store\|^wrote\|lie in' err.txt | head -3))" \
    test "$rc" -eq 0
set_made cty leicestershire 140
check "the county's value is the reference" bash -c "pdftotext cty/ward_fuel_poverty_2020.pdf - | grep -q 'Leicestershire: '"
"$BIN" figures --area Leicestershire --national "$NAT" --cache "$CACHE" --out cty --dry-run > dry.txt 2>/dev/null
check "the deprivation map is outlined by the districts, named" \
    grep -q -- "'Levels of deprivation in Leicestershire'.*--overlay [^ ]*:lad25 .*--overlay-name-field LAD25NM" dry.txt

# 4. What goes wrong.
check "a misspelt name: exit 2 with the closest names" status_is 2 "$BIN" figures --area Leicster --national "$NAT" \
    --cache "$CACHE" --out bad1
check "... did you mean Leicester" grep -q 'did you mean Leicester' "$T/err"
check "... nothing written" test ! -e bad1
mkdir -p partial/boundaries && cp "$NAT/boundaries/lookups/lsoa11_msoa11_UK.csv" partial/boundaries/
check "a missing national file: exit 3" status_is 3 "$BIN" figures --area Leicester --national partial --cache "$CACHE" \
    --out bad2
check "... names the file and where to download it" \
    grep -q 'no england_wards_2025_bgc.geojson anywhere in it.*download it from https://geoportal.statistics.gov.uk/' "$T/err"
check "... nothing written" test ! -e bad2
check "no national folder: exit 2" env -u WARDMAP_NATIONAL bash -c "'$BIN' figures --area Leicester --cache '$CACHE' --out bad3 2>'$T/err'; test \$? -eq 2"
check "... says to give --national" grep -q -- '--national DIR' "$T/err"
check "--national without --area is a usage error" status_is 2 "$BIN" figures --national "$NAT"

# 5. No fallback to the bundled Coventry store.  An export of a
#    Leicester layer joined to a table needs no store at all.
LAYERS="$CACHE/areas/e06000016/layers.gpkg"
IMD="$HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
rm -f "$WARDMAP_STORE"
check "export --data --mapped-only with a Leicester layer" status_is 0 "$BIN" export --layer "$LAYERS:lsoa11" \
    --key LSOA11CD --data "$IMD" --data-key "LSOA code (2011)" --value "Index of Multiple Deprivation (IMD) Decile" \
    --mapped-only -o l.gpkg
check "... wrote 192 LSOAs" test "$(sqlite3 l.gpkg 'SELECT count(*) FROM lsoa11')" -eq 192
check "... without building the default store" test ! -e "$WARDMAP_STORE"
STORE="$CACHE/areas/e06000016/store.sqlite"
check "rank on the Leicester store ranks 21 wards" bash -c "'$BIN' rank --store '$STORE' -o r.csv && test \$(tail -n +2 r.csv | wc -l) -eq 21"
check "... and counts Eyres Monsell's decile-1 LSOAs" bash -c "'$BIN' rank --store '$STORE' --format csv | grep 'Eyres Monsell' | grep -q ',6,'"
check "table on the Leicester store" bash -c "'$BIN' table --store '$STORE' --geography ward --format csv | grep -q 'Eyres Monsell'"
check "... without building the default store" test ! -e "$WARDMAP_STORE"
check "render of a Coventry ward layer from the Leicester store: no values, an error" \
    bash -c "! '$BIN' render --store '$STORE' --layer '$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson' --indicator fuel_poverty_2020 -o c.png 2>'$T/err'"
check "... names what is missing" grep -q 'no area of .* has a value of fuel_poverty_2020' "$T/err"
check "... and draws nothing" test ! -e c.png
finish
