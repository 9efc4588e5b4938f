#!/bin/bash
# The exported GeoPackage opened in QGIS itself (Debian's qgis and
# python3-qgis, headless): the ward layer loads its default style from
# layer_styles as a graduated renderer on the mapped column with the
# expected class count and ColorBrewer colours, QGIS classes every ward as
# wardmap did (values on breaks included), No data wards are not painted
# with a class colour, labels are on the ward names (tests/qgis_check.py).
# QGIS missing is a failure, not a skip: .ci/install-deps --test installs it.
# The values of synthetic_ward_values.csv are made up here.
. "$(dirname "$0")/lib.sh" export-qgis
HERE=$(cd "$(dirname "$0")" && pwd)

PY=/usr/bin/python3
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="$T/xdg"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
unset WARDMAP_TEST_FAIL_EXPORT_AFTER
WARDS="$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson"

if ! "$PY" -c "import qgis.core" 2> qgis_err.txt; then
    bad "$PY cannot import qgis.core ($(tail -1 qgis_err.txt)); install qgis and python3-qgis (bash .ci/install-deps --test)"
    echo "$passed passed, $failed failed"
    exit 1
fi

# The published colours, read from the bundled ColorBrewer file.
colours() { "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))[sys.argv[2]]["colors"][sys.argv[3]]
print(",".join(reversed(d) if sys.argv[4] == "1" else d))' "$HOME_DIR/styles/colorbrewer.json" "$@"; }

# Runs qgis_check.py; its own checks are counted in.
qgis_check() {
    local out
    out=$(timeout 300 "$PY" "$HERE/qgis_check.py" "$@" 2>/dev/null)
    local rc=$?
    grep '^FAIL' <<< "$out" >&2
    local p f
    p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<< "$out")
    f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<< "$out")
    if [ -z "$p" ]; then bad "qgis_check.py $1 did not finish (exit $rc)"; return; fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || bad "qgis_check.py $1 exited $rc"
}

# 1. a stored indicator, Fisher-Jenks, 5 classes of YlOrRd
"$BIN" export --layer "$WARDS" --indicator imd2019_d1_share --method jenks --classes 5 --palette YlOrRd \
    -o jenks.gpkg > /dev/null 2> err.txt
check "export of a stored indicator ($(tail -1 err.txt))" [ $? -eq 0 ]
qgis_check jenks.gpkg wards imd2019_d1_share 5 "$(colours YlOrRd 5 0)" WD25NM lsoa11 LSOA11NM

# 2. a table with No data, equal intervals (values on the breaks), a reversed palette
"$PY" - "$WARDS" > synthetic_ward_values.csv <<'EOF'
import json, sys
codes = sorted(f["properties"]["WD25CD"] for f in json.load(open(sys.argv[1]))["features"])
values = ["0", "5", "20", "20", "35", "40", "47.5", "60", "61", "72", "80", "85", "90", "99", "100", "s"]
print("code,synthetic value")
for code, v in zip(codes[1:], values):
    print("%s,%s" % (code, v))
EOF
"$BIN" export --layer "$WARDS" --data synthetic_ward_values.csv --data-key code --value "synthetic value" \
    --method equal --classes 5 --palette Blues --reverse --mapped-only -o equal.gpkg > /dev/null 2> err.txt
check "export of a table ($(tail -1 err.txt))" [ $? -eq 0 ]
qgis_check equal.gpkg wards synthetic_value 5 "$(colours Blues 5 1)" WD25NM

# 3. an LSOA map: the mapped layer need not be the wards
"$BIN" export --layer "$HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson" --indicator imd2015_score \
    --method quantile --classes 7 --palette PuBuGn -o lsoa.gpkg > /dev/null 2> err.txt
check "export of an LSOA map ($(tail -1 err.txt))" [ $? -eq 0 ]
qgis_check lsoa.gpkg lsoa11 imd2015_score 7 "$(colours PuBuGn 7 0)" LSOA11NM wards WD25NM

finish
