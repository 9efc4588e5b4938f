#!/bin/bash
# --where and --sql pick features out of a layer, as ogr2ogr does: one
# authority out of a national file.  A synthetic layer of four squares in
# two districts, written here.
. "$(dirname "$0")/lib.sh" layer-filter

cat > synthetic_wards.geojson <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"WDCD":"W1","WDNM":"One","LADCD":"L1"},"geometry":{"type":"Polygon","coordinates":[[[-1.50,52.40],[-1.49,52.40],[-1.49,52.41],[-1.50,52.41],[-1.50,52.40]]]}},
{"type":"Feature","properties":{"WDCD":"W2","WDNM":"Two","LADCD":"L1"},"geometry":{"type":"Polygon","coordinates":[[[-1.49,52.40],[-1.48,52.40],[-1.48,52.41],[-1.49,52.41],[-1.49,52.40]]]}},
{"type":"Feature","properties":{"WDCD":"W3","WDNM":"Three","LADCD":"L2"},"geometry":{"type":"Polygon","coordinates":[[[-1.48,52.40],[-1.47,52.40],[-1.47,52.41],[-1.48,52.41],[-1.48,52.40]]]}},
{"type":"Feature","properties":{"WDCD":"W4","WDNM":"Four","LADCD":"L2"},"geometry":{"type":"Polygon","coordinates":[[[-1.47,52.40],[-1.46,52.40],[-1.46,52.41],[-1.47,52.41],[-1.47,52.40]]]}}]}
JSON
printf 'code,value\nW1,1\nW2,2\nW3,3\nW4,4\n' > synthetic_values.csv
common=(--data synthetic_values.csv --data-key code --value value --method equal --classes 2)

"$BIN" render --layer synthetic_wards.geojson --where "LADCD = 'L1'" "${common[@]}" --paper A5 -o w.png 2> w.err
check "--where: exit 0" test $? -eq 0
check "--where: two areas joined, the others not read" grep -q "joined 2/2 areas; 2 table rows unused" w.err
"$BIN" render --layer synthetic_wards.geojson --sql "SELECT * FROM synthetic_wards WHERE WDCD IN ('W3', 'W4', 'W1')" "${common[@]}" -o s.png 2> s.err
check "--sql: the statement's result is the layer" grep -q "joined 3/3 areas; 1 table rows unused" s.err
check "--where selecting nothing is a data error" status_is 3 "$BIN" render --layer synthetic_wards.geojson --where "LADCD = 'L9'" "${common[@]}" -o n.png
check "... that names the filter" grep -q "selects no features" "$T/err"
check "a filter OGR cannot read is a usage error" status_is 2 "$BIN" render --layer synthetic_wards.geojson --where "LADCD = = 1" "${common[@]}" -o n.png
check "nothing written on errors" test ! -e n.png
"$BIN" export --layer synthetic_wards.geojson --where "LADCD = 'L2'" "${common[@]}" --mapped-only -o e.gpkg > /dev/null 2>&1
check "export --where: two features" test "$(ogrinfo -ro -q e.gpkg synthetic_wards -sql 'SELECT count(*) AS n FROM synthetic_wards' 2>/dev/null | grep -o 'n (Integer) = [0-9]*')" = "n (Integer) = 2"
finish
