#!/bin/bash
# wardmap export end to end on the bundled Coventry data and store:
# layers and counts as ogrinfo lists them (and no GDAL warnings),
# layer_styles rows as QGIS reads them, indicator_metadata, NULL for No
# data, refusing to overwrite, --force, --append, and exports that fail
# or are killed midway leaving the target untouched.  The values of
# synthetic_ward_values.csv are made up here; the ward codes are real.
. "$(dirname "$0")/lib.sh" export

unset WARDMAP_TEST_FAIL_EXPORT_AFTER
WARDS="$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson"

# run a command that may be killed, without bash's "Killed" notice; keeps its status
quietly() { bash -c '"$@"; exit $?' quietly "$@" > /dev/null 2>&1; }
sum() { sha256sum "$1" | cut -d' ' -f1; }
no_leftovers() { [ -z "$(find "$T" -maxdepth 2 -name '.*.wardmap-*')" ]; }
sql() { python3 -c 'import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()
print("\n".join("|".join("" if v is None else str(v) for v in r) for r in rows))' "$@"; }

# ---- a full export of a stored ward indicator -------------------------------------
"$BIN" export --layer "$WARDS" --indicator imd2019_d1_share --method jenks --classes 5 \
    --palette YlOrRd -o a.gpkg > out.txt 2> err.txt
check "export exits 0 ($(cat err.txt))" [ $? -eq 0 ]
check "summary names the file" grep -q "^wrote a.gpkg: wards (18 areas" out.txt

ogrinfo -ro -so a.gpkg > info.txt 2> info_err.txt
check "ogrinfo opens a.gpkg" [ $? -eq 0 ]
check "ogrinfo prints no warning or error ($(cat info_err.txt))" [ ! -s info_err.txt ]
for l in "1: wards (Multi Polygon)" "lsoa11 (Multi Polygon)" "lsoa21 (Multi Polygon)" "msoa11 (Multi Polygon)" \
         "msoa21 (Multi Polygon)" "layer_styles (None)" "indicator_metadata (None)"; do
    check "ogrinfo lists $l" grep -qF "$l" info.txt
done
ogrinfo -ro -al -q a.gpkg > /dev/null 2> info_err.txt
check "ogrinfo reads every feature without a warning ($(head -2 info_err.txt))" [ ! -s info_err.txt ]
count() { ogrinfo -ro -so a.gpkg "$1" 2>/dev/null | sed -n 's/^Feature Count: //p'; }
check "18 wards" [ "$(count wards)" = 18 ]
check "195 LSOAs 2011" [ "$(count lsoa11)" = 195 ]
check "203 LSOAs 2021" [ "$(count lsoa21)" = 203 ]
check "42 MSOAs 2011" [ "$(count msoa11)" = 42 ]
check "42 MSOAs 2021" [ "$(count msoa21)" = 42 ]
ogrinfo -ro -so a.gpkg wards > wards.txt 2>&1
for f in "WD25CD: String" "WD25NM: String" "imd2019_d1_share: Real" "imd2019_d1_share_class: Integer64" \
         "imd2019_d1_share_class_label: String" "imd2019_d1_share_colour: String" "pop_census2021: Real" \
         "fuel_poverty_2020: Real" "eth_asian: Real"; do
    check "wards has field $f" grep -qF "$f" wards.txt
done
check "wards in British National Grid" grep -q 'ID\["EPSG",27700\]' wards.txt
ogrinfo -ro -so a.gpkg lsoa11 2>&1 | grep -qF "imd2019_rank: Real"
check "lsoa11 has imd2019_rank" [ $? -eq 0 ]
ogrinfo -ro -so a.gpkg msoa11 2>&1 | grep -qF "ncmp_year6_obese: Real"
check "msoa11 has ncmp_year6_obese" [ $? -eq 0 ]
if /usr/bin/python3 -c "import osgeo_utils.samples.validate_gpkg" 2>/dev/null; then
    /usr/bin/python3 -m osgeo_utils.samples.validate_gpkg a.gpkg > validate.txt 2>&1
    check "GDAL's validate_gpkg passes ($(head -3 validate.txt))" [ $? -eq 0 ]
else
    echo "note: python3-gdal's validate_gpkg is not installed; ogrinfo is the check" >&2
fi

# layer_styles: one default row per layer, catalog and schema '' (not NULL)
check "layer_styles registered as attributes" \
    [ "$(sql a.gpkg "SELECT data_type FROM gpkg_contents WHERE table_name='layer_styles'")" = attributes ]
check "one default style per layer" [ "$(sql a.gpkg "SELECT group_concat(f_table_name) FROM (SELECT f_table_name FROM layer_styles WHERE useAsDefault=1 AND f_table_catalog='' AND f_table_schema='' AND f_geometry_column='geom' ORDER BY f_table_name)")" = "lsoa11,lsoa21,msoa11,msoa21,wards" ]
check "no NULL catalog or schema" [ "$(sql a.gpkg "SELECT count(*) FROM layer_styles WHERE f_table_catalog IS NULL OR f_table_schema IS NULL")" = 0 ]
Q=$(sql a.gpkg "SELECT styleQML FROM layer_styles WHERE f_table_name='wards' AND useAsDefault=1")
check "wards QML is graduated on the mapped column" grep -q '<renderer-v2 type="graduatedSymbol" attr="imd2019_d1_share"' <<< "$Q"
check "wards QML has 5 ranges" [ "$(grep -c '<range ' <<< "$Q")" = 5 ]
check "wards QML has <symbols>" grep -q '<symbols>' <<< "$Q"
check "wards QML labels ward names" grep -q 'fieldName="WD25NM"' <<< "$Q"
check "wards QML records Jenks" grep -q '<classificationMethod id="Jenks">' <<< "$Q"
check "styleSLD present" [ "$(sql a.gpkg "SELECT count(*) FROM layer_styles WHERE styleSLD LIKE '<?xml%StyledLayerDescriptor%'")" = 5 ]
python3 - a.gpkg <<'EOF'
import sqlite3, sys, xml.dom.minidom
bad = 0
for t, q, s in sqlite3.connect(sys.argv[1]).execute("SELECT f_table_name, styleQML, styleSLD FROM layer_styles"):
    for name, text in (("QML", q), ("SLD", s)):
        try:
            xml.dom.minidom.parseString(text.encode("utf-8"))
        except Exception as e:
            print("%s %s: %s" % (t, name, e)); bad = 1
sys.exit(bad)
EOF
check "every QML and SLD is well-formed XML" [ $? -eq 0 ]

# class columns agree with the legend counts in the QML
python3 - a.gpkg <<'EOF'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
qml = db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name='wards' AND useAsDefault=1").fetchone()[0]
counts = [int(c.replace(",", "")) for c in re.findall(r'<range [^>]*label="[^"]*\(([\d,]+)\)"', qml)]
got = [db.execute("SELECT count(*) FROM wards WHERE imd2019_d1_share_class=?", (i + 1,)).fetchone()[0] for i in range(len(counts))]
sys.exit(0 if counts == got and sum(got) == 18 else 1)
EOF
check "legend counts match the class column" [ $? -eq 0 ]

# indicator_metadata: one row per indicator column, with its description
check "indicator_metadata is an attributes table" \
    [ "$(sql a.gpkg "SELECT data_type FROM gpkg_contents WHERE table_name='indicator_metadata'")" = attributes ]
check "metadata row of the mapped indicator" [ "$(sql a.gpkg "SELECT unit||'|'||period||'|'||(licence LIKE 'Open Government Licence%')||'|'||(publisher!='')||'|'||(source!='') FROM indicator_metadata WHERE layer_name='wards' AND column_name='imd2019_d1_share'")" = "%|2019|1|1|1" ]
ncols=$(sql a.gpkg "SELECT count(*) FROM pragma_table_info('wards') WHERE name NOT IN ('fid','geom','WD25CD','WD25NM') AND name NOT LIKE 'imd2019_d1_share_%' AND name NOT LIKE '%\_lower95' ESCAPE '\\' AND name NOT LIKE '%\_upper95' ESCAPE '\\' AND name NOT LIKE '%\_vs\_authority' ESCAPE '\\' AND name NOT LIKE '%\_vs\_england' ESCAPE '\\' AND name NOT LIKE '%\_coverage' ESCAPE '\\' AND name NOT LIKE '%\_flag' ESCAPE '\\'")
check "every ward indicator column has a metadata row" [ "$(sql a.gpkg "SELECT count(*) FROM indicator_metadata WHERE layer_name='wards'")" = "$ncols" ]
check "column titles with units in gpkg_data_columns" [ "$(sql a.gpkg "SELECT title FROM gpkg_data_columns WHERE table_name='wards' AND column_name='imd2019_d1_share'")" != "" ]
check "unit in the title" grep -q '(%)$' <<< "$(sql a.gpkg "SELECT title FROM gpkg_data_columns WHERE table_name='wards' AND column_name='fuel_poverty_2020'")"

# ---- the same inputs give the same bytes, with no SOURCE_DATE_EPOCH -------------------
# The tables are stamped with when the inputs last changed, not with the
# clock, which has moved on by a second.
sleep 1.1
( unset SOURCE_DATE_EPOCH; "$BIN" export --layer "$WARDS" --indicator imd2019_d1_share --method jenks --classes 5 \
    --palette YlOrRd -o a2.gpkg > /dev/null 2>&1 )
check "the same export again is byte-identical" cmp -s a.gpkg a2.gpkg
stamp=$(sql a.gpkg "SELECT DISTINCT last_change FROM gpkg_contents")
check "every table has one last_change ($stamp)" [ "$(wc -l <<< "$stamp")" = 1 ]
check "layer_styles.update_time is the same stamp" [ "$(sql a.gpkg "SELECT DISTINCT update_time FROM layer_styles")" = "$stamp" ]
SOURCE_DATE_EPOCH=1700000000 "$BIN" export --layer "$WARDS" --indicator imd2019_d1_share -o epoch.gpkg > /dev/null 2>&1
check "SOURCE_DATE_EPOCH wins over the inputs' time" \
    [ "$(sql epoch.gpkg "SELECT DISTINCT last_change FROM gpkg_contents")" = "2023-11-14T22:13:20.000Z" ]

# ---- refusing, forcing ---------------------------------------------------------------
before=$(sum a.gpkg)
"$BIN" export --layer "$WARDS" --indicator imd2019_d1_share -o a.gpkg > /dev/null 2> err.txt
check "an existing file is refused (exit 2)" [ $? -eq 2 ]
check "the message says how to overwrite" grep -q -- "--force" err.txt
check "the refused file is untouched" [ "$(sum a.gpkg)" = "$before" ]
"$BIN" export --layer "$WARDS" --indicator imd2019_d1_share -o a.gpkg.txt > /dev/null 2>&1
check "a name not ending in .gpkg is refused" [ $? -eq 2 ]
"$BIN" export --layer "$WARDS" --indicator imd2019_d1_share > /dev/null 2>&1
check "no -o is refused" [ $? -eq 2 ]
cp a.gpkg b.gpkg
"$BIN" export --layer "$WARDS" --indicator fuel_poverty_2020 --method quantile --force -o b.gpkg > /dev/null 2>&1
check "--force overwrites" [ $? -eq 0 ]
check "--force wrote the new map" grep -q 'attr="fuel_poverty_2020"' <<< "$(sql b.gpkg "SELECT styleQML FROM layer_styles WHERE f_table_name='wards' AND useAsDefault=1")"

# ---- appending -------------------------------------------------------------------------
cp a.gpkg c.gpkg
"$BIN" export --layer "$WARDS" --indicator fuel_poverty_2020 --append --layer-name wards_fuel -o c.gpkg > /dev/null 2> err.txt
check "--append adds a layer" [ $? -eq 0 ]
check "--append keeps every layer" [ "$(sql c.gpkg "SELECT group_concat(table_name) FROM (SELECT table_name FROM gpkg_contents ORDER BY table_name)")" = "indicator_metadata,layer_styles,lsoa11,lsoa21,msoa11,msoa21,wards,wards_fuel" ]
check "--append says it kept the other layers" grep -q "kept the layer lsoa11" err.txt
check "--append adds the style rows" [ "$(sql c.gpkg "SELECT count(*) FROM layer_styles WHERE f_table_name='wards_fuel' AND useAsDefault=1")" = 1 ]
check "--append keeps the old styles" [ "$(sql c.gpkg "SELECT count(*) FROM layer_styles WHERE f_table_name='wards' AND styleQML LIKE '%attr=\"imd2019_d1_share\"%'")" = 1 ]
check "--append keeps the old features" [ "$(sql c.gpkg "SELECT count(*) FROM wards")" = 18 ]
before=$(sum c.gpkg)
"$BIN" export --layer "$WARDS" --indicator fuel_poverty_2020 --append --layer-name wards_fuel -o c.gpkg > /dev/null 2> err.txt
check "--append of an existing layer name is refused" [ $? -eq 2 ]
check "... and leaves the file untouched" [ "$(sum c.gpkg)" = "$before" ]
"$BIN" export --layer "$WARDS" --indicator imd2019_d1_share --method equal --append --force --layer-name wards_fuel -o c.gpkg > /dev/null 2>&1
check "--append --force replaces a layer" [ $? -eq 0 ]
check "... with its style rows replaced" [ "$(sql c.gpkg "SELECT count(*)||':'||sum(styleQML LIKE '%attr=\"imd2019_d1_share\"%') FROM layer_styles WHERE f_table_name='wards_fuel' AND useAsDefault=1")" = "1:1" ]
check "... and its metadata rows replaced" [ "$(sql c.gpkg "SELECT count(*) FROM indicator_metadata WHERE layer_name='wards_fuel'")" = "$(sql c.gpkg "SELECT count(*) FROM indicator_metadata WHERE layer_name='wards'")" ]
echo "not a GeoPackage" > text.gpkg
"$BIN" export --layer "$WARDS" --indicator imd2019_d1_share --append -o text.gpkg > /dev/null 2>&1
check "--append to a non-GeoPackage is a data error" [ $? -eq 3 ]
check "... and leaves it untouched" [ "$(cat text.gpkg)" = "not a GeoPackage" ]
"$BIN" export --layer "$WARDS" --indicator imd2019_d1_share --append -o missing.gpkg > /dev/null 2>&1
check "--append to a missing file is refused" [ $? -eq 2 ]

# ---- exports that fail or are killed midway -----------------------------------------
check "no temporary files left so far" no_leftovers
before=$(sum a.gpkg)
WARDMAP_TEST_FAIL_EXPORT_AFTER=lsoa11 "$BIN" export --layer "$WARDS" --indicator fuel_poverty_2020 --force -o a.gpkg > /dev/null 2> err.txt
check "an injected failure after a layer exits 4" [ $? -eq 4 ]
check "... the target is untouched" [ "$(sum a.gpkg)" = "$before" ]
check "... and no temporary file is left" no_leftovers
quietly env WARDMAP_TEST_FAIL_EXPORT_AFTER=wards:kill "$BIN" export --layer "$WARDS" --indicator fuel_poverty_2020 --force -o a.gpkg
check "killed midway (SIGKILL after the ward layer)" [ $? -eq 137 ]
check "... the target is untouched" [ "$(sum a.gpkg)" = "$before" ]
ogrinfo -ro -so a.gpkg > /dev/null 2> info_err.txt
check "... and still opens cleanly" [ ! -s info_err.txt ]
quietly env WARDMAP_TEST_FAIL_EXPORT_AFTER=msoa11:kill "$BIN" export --layer "$WARDS" --indicator fuel_poverty_2020 -o new.gpkg
check "a killed new export exits 137" [ $? -eq 137 ]
check "... and leaves no file at the target" [ ! -e new.gpkg ]
find "$T" -maxdepth 1 -name '.*.wardmap-*' -exec rm -rf {} +   # what a kill leaves behind
cp c.gpkg d.gpkg
before=$(sum d.gpkg)
WARDMAP_TEST_FAIL_EXPORT_AFTER=metadata "$BIN" export --layer "$WARDS" --indicator imd2015_score --append --layer-name wards_imd2015 -o d.gpkg > /dev/null 2>&1
check "a failed --append exits 4" [ $? -eq 4 ]
check "... and leaves the GeoPackage as it was" [ "$(sum d.gpkg)" = "$before" ]
check "no temporary files left" no_leftovers

# ---- No data: a synthetic table with a missing and a suppressed ward -------------------
python3 - "$WARDS" > synthetic_ward_values.csv <<'EOF'
import json, sys
codes = sorted(f["properties"]["WD25CD"] for f in json.load(open(sys.argv[1]))["features"])
values = ["0", "5", "20", "20", "35", "40", "47.5", "60", "61", "72", "80", "85", "90", "99", "100", "s"]
print("code,synthetic value")
for code, v in zip(codes[1:], values):   # the first and last wards have no row, one is suppressed
    print("%s,%s" % (code, v))
EOF
"$BIN" export --layer "$WARDS" --data synthetic_ward_values.csv --data-key code --value "synthetic value" \
    --method equal --classes 5 --legend-title "Synthetic value" --unit "%" --mapped-only -o s.gpkg > /dev/null 2> err.txt
check "export of a table exits 0 ($(cat err.txt))" [ $? -eq 0 ]
check "--mapped-only writes one map layer" [ "$(sql s.gpkg "SELECT group_concat(table_name) FROM (SELECT table_name FROM gpkg_contents WHERE data_type='features')")" = wards ]
check "the table's column is named clearly" [ "$(sql s.gpkg "SELECT count(*) FROM wards WHERE synthetic_value IS NOT NULL")" = 15 ]
check "No data is NULL, never 0" [ "$(sql s.gpkg "SELECT count(*) FROM wards WHERE synthetic_value IS NULL AND synthetic_value_class IS NULL AND synthetic_value_class_label='No data'")" = 3 ]
nd=$(sql s.gpkg "SELECT DISTINCT synthetic_value_colour FROM wards WHERE synthetic_value IS NULL")
class_colours=$(sql s.gpkg "SELECT group_concat(DISTINCT synthetic_value_colour) FROM wards WHERE synthetic_value IS NOT NULL")
nodata_colour_ok() { [ -n "$nd" ] && [ "$(wc -l <<< "$nd")" = 1 ] && ! grep -qi "$nd" <<< "$class_colours"; }
check "No data areas carry one No data colour, not a class colour" nodata_colour_ok
check "a value on a break goes to the upper class" [ "$(sql s.gpkg "SELECT group_concat(synthetic_value_class) FROM (SELECT synthetic_value_class FROM wards WHERE synthetic_value IN (20, 60) ORDER BY synthetic_value)")" = "2,2,4" ]
check "a rule-based style with No data is stored too" [ "$(sql s.gpkg "SELECT count(*) FROM layer_styles WHERE useAsDefault=0 AND styleQML LIKE '%RuleRenderer%IS NULL%'")" = 1 ]
check "the default style explains No data" [ "$(sql s.gpkg "SELECT count(*) FROM layer_styles WHERE useAsDefault=1 AND description LIKE '%3 areas with No data%'")" = 1 ]
check "the SLD has a No data rule" [ "$(sql s.gpkg "SELECT count(*) FROM layer_styles WHERE useAsDefault=1 AND styleSLD LIKE '%PropertyIsNull%'")" = 1 ]
check "the mapped table column is described in indicator_metadata" [ "$(sql s.gpkg "SELECT title||'|'||unit FROM indicator_metadata WHERE column_name='synthetic_value'")" = "Synthetic value|%" ]

"$BIN" export --help > help.txt 2>&1
check "--help lists the choropleth options and -o" grep -q -- "--indicator" help.txt
check "--help lists --append" grep -q -- "--append" help.txt

finish
