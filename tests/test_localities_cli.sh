#!/bin/bash
# `wardmap localities` and the candidates of `wardmap rank` from the
# command line, on the bundled Coventry store: what a user sees.
#   - bad localities (an unknown or ambiguous name, two localities sharing
#     an area, an empty file, a file without its columns) give one line
#     naming what is wrong, exit 2 or 3, and change nothing: no
#     boundaries file, the store's geographies as they were;
#   - good ones work everywhere wards do: table, render, export;
#   - the candidates keep to their population limits, are contiguous, and
#     are named by published MSOA names.
. "$(dirname "$0")/lib.sh" localities_cli
"$BIN" import --bundled --store "$WARDMAP_STORE" -q || bad "store build"

# one_line FILE: the error is exactly one line starting "wardmap:".
one_line() { test "$(wc -l < "$1")" -eq 1 && grep -q '^wardmap: ' "$1"; }
geographies() { sqlite3 "$WARDMAP_STORE" "SELECT group_concat(geography) FROM (SELECT geography FROM geographies ORDER BY 1)"; }
before=$(geographies)

# ---- bad input ----
check "unknown name: exit 2" status_is 2 "$BIN" localities --locality "Nowhere=Henley Grene & Wood End"
check "unknown name: one line" one_line "$T/err"
check "unknown name: suggests the published name" grep -q 'Henley Green & Wood End' "$T/err"

check "ambiguous name: exit 2" status_is 2 "$BIN" localities --locality "X=Sherbourne"
check "ambiguous name: one line" one_line "$T/err"
check "ambiguous name: lists the candidates" grep -q "ward:Sherbourne" "$T/err"

check "overlap: exit 2" status_is 2 "$BIN" localities \
    --locality "A=Henley Green & Wood End" --locality "B=ward:Henley"
check "overlap: one line" one_line "$T/err"
check "overlap: names both" grep -q '"A"' "$T/err"

printf 'locality,area\r\n' > empty.csv
check "empty file: exit 3" status_is 3 "$BIN" localities --file empty.csv
check "empty file: one line naming the file" bash -c "one_line() { test \$(wc -l < \"\$1\") -eq 1; }; one_line '$T/err' && grep -q 'empty.csv' '$T/err'"

printf '\xef\xbb\xbfname,area\r\nX,Bell Green\r\n' > nocol.csv
check "missing column: exit 3" status_is 3 "$BIN" localities --file nocol.csv
check "missing column: names the column" grep -q 'locality' "$T/err"

printf 'locality,area\r\nX,Bell Green\r\nY,\r\n' > blank.csv
check "blank area: exit 3" status_is 3 "$BIN" localities --file blank.csv
check "blank area: names the line" grep -q 'blank.csv:3' "$T/err"

check "bad output suffix: exit 2" status_is 2 "$BIN" localities --locality "Bell Green" -o x.txt

check "nothing written after the errors" test ! -e locality_boundaries.gpkg
check "the store's geographies unchanged" test "$(geographies)" = "$before"

# ---- good localities ----
cat > prototypes.csv <<'CSV'
locality,area
Wood End and Henley Green,Henley Green & Wood End
Canley and Tile Hill,Tile Hill
Canley and Tile Hill,Canley & Westwood Heath
St Michael's,ward:St Michael's
CSV
check "localities from a file" "$BIN" localities --file prototypes.csv --locality "Bell Green" -o members.csv
check "boundaries written beside the store" test -s locality_boundaries.gpkg
check "members table: four localities and the header" test "$(wc -l < members.csv)" -eq 5
check "members table: published names" grep -q '^Wood End and Henley Green,wood-end-and-henley-green,msoa21 E02001964 Henley Green & Wood End' members.csv

check "table --geography locality" "$BIN" table --geography locality -o loc.csv
check "table: one row per locality" test "$(($(wc -l < loc.csv) - 1))" -eq 4
check "table: Bell Green is there" grep -q '^[^,]*,Bell Green,' loc.csv

check "render a locality map from the store" "$BIN" render --geography locality --indicator fuel_poverty_2022 -o loc.pdf
check "render: the map names a locality" bash -c "pdftotext loc.pdf - | tr -s ' \\n' '  ' | grep -q 'Canley and Tile Hill'"
check "render: overlay of the localities" "$BIN" render \
    --layer "$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson" \
    --indicator fuel_poverty_2022 --overlay-geography locality -o over.png
check "export: a locality layer" "$BIN" export \
    --layer "$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson" --indicator fuel_poverty_2022 -o e.gpkg
check "export: the locality layer has its four features" \
    bash -c "ogrinfo -ro -so e.gpkg locality | grep -q 'Feature Count: 4'"

# ---- candidates ----
check "rank --candidates" "$BIN" rank --candidates cand.csv --candidates-map cand.png
check "candidates map written" test -s cand.png
# Residents (the fifth column) within the default limits, every one.
check "candidates within 3,000-20,000 residents" python3 - cand.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
col = "population"
assert rows and all(3000 <= float(r[col].replace(",", "")) <= 20000 for r in rows), rows
PY
check "candidates: tighter limits give fewer or as many" "$BIN" rank --candidates cand2.csv --max-population 8000
check "candidates: none over 8,000" python3 - cand2.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
col = "population"
assert all(float(r[col].replace(",", "")) <= 8000 for r in rows), rows
PY
check "candidates: named by published MSOA names" grep -q 'Henley Green & Wood End' cand.csv
check "bad candidate limits: exit 2" status_is 2 "$BIN" rank --candidates c.csv --min-population 9000 --max-population 5000
check "bad candidate limits: one line" one_line "$T/err"
finish
