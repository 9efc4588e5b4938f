#!/usr/bin/env bash
# No leaks and no memory errors under valgrind: a stored-indicator ward
# map in all three formats, a table-joined LSOA map, the ward table, the
# ranking, and a GeoPackage export.  (Not run in the sanitizer build,
# whose own checks cover the same ground.)
. "$(dirname "$0")/lib.sh" valgrind
W="$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson"
L="$HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson"
IMD="$HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
"$BIN" import --bundled --store "$WARDMAP_STORE" -q || bad "store build"
vg() {
    local what=$1; shift
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
        "$BIN" "$@" >/dev/null 2>"$T/vg.txt"
    local rc=$?
    if [ "$rc" -eq 0 ]; then ok; else bad "$what (exit $rc): $(grep -m3 -E '==[0-9]+==' "$T/vg.txt" | tr '\n' ' ')"; fi
}
vg "render from the store" render --layer "$W" --indicator fuel_poverty_2020 --overlay "$W" \
    --reference-area E08000026 -o w.png -o w.svg -o w.pdf
vg "render from a table" render --layer "$L" --data "$IMD" --data-key "LSOA code (2011)" \
    --value "Index of Multiple Deprivation (IMD) Decile" --method categorical \
    --breaks 1,2,3,4,5,6,7,8,9,10 --palette RdYlBu --overlay "$W" --paper A5 -o l.png
vg "ward table" table --geography ward --format markdown -o t.md
vg "rank" rank -o r.csv
vg "export" export --layer "$W" --indicator fuel_poverty_2020 -o e.gpkg
finish
