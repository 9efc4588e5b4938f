#!/bin/bash
# What stored values cover and claim, shown where the number is shown
# (issue 12): coverage flags naming the area, the option to show those as
# No data, estimates marked, confidence limits and comparisons in the
# table, the GeoPackage (fields, and a dagger in the QGIS label) and the
# figures (notes; the Fingertips-style comparison map).  Every expected
# figure is read from the store with SQL, never typed in.
. "$(dirname "$0")/lib.sh" claims

S=$WARDMAP_STORE
W="$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson"
"$BIN" import --bundled --store "$S" -q || bad "store build"
q() { sqlite3 "$S" "$1"; }
wainbody=E05001231
cov=$(q "SELECT round(coverage * 100) FROM indicator_values WHERE indicator_id = 'ncmp_reception_obese' AND geography = 'ward25' AND area_code = '$wainbody'")
cov=${cov%.0}
check "Wainbody's Reception obese estimate covers under half its children ($cov%)" test "$cov" -lt 50

# 1. The table: a dagger, a note naming the ward and its coverage; an
# asterisk for estimates; with --hide-low-coverage the value is not shown.
"$BIN" table --store "$S" --indicator ncmp_reception_obese --indicator fuel_poverty_2020 > t.md
check "table flags Wainbody with a dagger" grep -q "| $wainbody | Wainbody | [0-9.]* \* †" t.md
check "table names Wainbody and its coverage" grep -q "Wainbody: $cov% of usual residents aged 15 and under covered" t.md
check "table marks estimates" grep -q '^- \*: an estimate' t.md
"$BIN" table --store "$S" --indicator ncmp_reception_obese --hide-low-coverage > h.md
check "--hide-low-coverage shows no value for Wainbody" grep -q "| $wainbody | Wainbody | † |" h.md
"$BIN" table --store "$S" --indicator ncmp_reception_obese --coverage-threshold 10 > l.md
check "a lower threshold flags nothing" bash -c "! grep -q '†' l.md"
"$BIN" table --store "$S" --indicator ncmp_reception_obese --format csv > t.csv
check "CSV: coverage and flag columns" grep -q "^area_code,area_name,ncmp_reception_obese,ncmp_reception_obese_coverage,ncmp_reception_obese_flag$" t.csv
check "CSV: Wainbody flagged" grep -q "^$wainbody,Wainbody,.*,coverage below 50%; estimate: apportioned from msoa11$" t.csv

# 2. Counted values: limits and comparisons, as stored.
"$BIN" table --store "$S" --indicator eth_lsoa_asian --format csv > e.csv
check "CSV: limits and comparisons" grep -q "^area_code,area_name,eth_lsoa_asian,eth_lsoa_asian_lower95,eth_lsoa_asian_upper95,eth_lsoa_asian_vs_authority,eth_lsoa_asian_vs_england$" e.csv
higher=$(q "SELECT count(*) FROM indicator_values WHERE indicator_id = 'eth_lsoa_asian' AND geography = 'ward25' AND compare_authority = 'higher'")
check "CSV: $higher wards higher than Coventry" test "$(grep -c ',higher,' e.csv)" -ge "$higher"
"$BIN" table --store "$S" --indicator eth_lsoa_asian > e.md
check "Markdown: value (lower-upper) and arrows" test "$(grep -c ') ▲ |' e.md)" -eq "$higher"

# 3. Figures: the notes name Wainbody; hidden, it is No data; the
# comparison map counts each class as the store does.
"$BIN" render --store "$S" --layer "$W" --indicator ncmp_reception_obese -o r.pdf 2>/dev/null
check "figure notes name Wainbody" bash -c "pdftotext r.pdf - | tr '\n' ' ' | grep -q 'Wainbody: $cov% of'"
"$BIN" render --store "$S" --layer "$W" --indicator ncmp_reception_obese --hide-low-coverage -o h.pdf 2>/dev/null
check "hidden: one area of No data in the legend" bash -c "pdftotext -layout h.pdf - | grep -q 'No data  *1'"
"$BIN" render --store "$S" --layer "$W" --indicator eth_lsoa_asian --compare authority -o c.pdf 2>/dev/null
pdftotext -layout c.pdf c.txt
lower=$(q "SELECT count(*) FROM indicator_values WHERE indicator_id = 'eth_lsoa_asian' AND geography = 'ward25' AND compare_authority = 'lower'")
check "comparison map: $higher higher than Coventry" grep -q "Higher than Coventry  *$higher" c.txt
check "comparison map: $lower lower than Coventry" grep -q "Lower than Coventry  *$lower" c.txt
check "--compare needs a stored indicator" status_is 2 "$BIN" render --layer "$W" --data x.csv --data-key a --value b --compare authority -o x.png
check "--compare on values without limits is a data error" status_is 3 "$BIN" render --store "$S" --layer "$W" --indicator fuel_poverty_2020 --compare authority -o x.png
check "--compare: the message says why" grep -q "no confidence interval" "$T/err"

# 4. The GeoPackage: the fields, and the dagger in the QGIS label.
"$BIN" export --store "$S" --layer "$W" --indicator ncmp_reception_obese -o g.gpkg >/dev/null 2>&1
check "GeoPackage: coverage and flag fields" bash -c "ogrinfo -ro -q g.gpkg wards -where \"WD25NM = 'Wainbody'\" | grep -q 'ncmp_reception_obese_flag (String) = coverage below 50%'"
check "GeoPackage: the QGIS label adds a dagger" bash -c "sqlite3 g.gpkg \"SELECT styleQML FROM layer_styles WHERE f_table_name = 'wards' AND useAsDefault = 1\" | grep -q 'ncmp_reception_obese_flag&quot; LIKE &apos;coverage below%&apos; THEN &apos; †'"
check "GeoPackage: limits of counted values" bash -c "ogrinfo -ro -so g.gpkg wards | grep -q 'eth_lsoa_asian_lower95: Real'"
finish
