#!/bin/bash
# Bad input from the command line (issue 13, docs/bad-input.md): each
# class gets a non-zero exit, one line naming the file and line or
# feature, and no output file.  Every input is synthetic, written here.
. "$(dirname "$0")/lib.sh" bad-input

# Four synthetic square wards near Coventry (lon/lat), E05900001..4.
ward() {   # ward N NAME [GEOMETRY]
    local x
    x=$(echo "-1.55 + 0.02 * $1" | bc -l)
    printf '{"type":"Feature","properties":{"WD25CD":"E0590000%s","WD25NM":"%s"},"geometry":%s}' "$1" "$2" \
        "${3:-{\"type\":\"Polygon\",\"coordinates\":[[[$x,52.40],[$x,52.41],[$(echo "$x + 0.01" | bc -l),52.41],[$x,52.40]]]\}}"
}
layer() { printf '{"type":"FeatureCollection","features":[%s]}\n' "$(IFS=,; echo "$*")"; }
layer "$(ward 1 "Synthetic One")" "$(ward 2 "Synthetic Two")" "$(ward 3 "Synthetic Three")" \
      "$(ward 4 "Synthetic Four")" >"$T/synthetic_wards.geojson"
printf 'WD25CD,value\nE05900001,1\nE05900002,2\nE05900003,3\nE05900004,4\n' >"$T/synthetic_ok.csv"

# render LAYER TABLE [OPTIONS...]: a choropleth into out.png.
render() {
    local l=$1 d=$2; shift 2
    rm -f "$T/out.png"
    "$BIN" render --layer "$l" --key WD25CD --data "$d" --data-key WD25CD --value value -o "$T/out.png" "$@"
}
# fails N WHAT-IN-MESSAGE CMD...: exit N, one line on stderr holding the
# text, and no out.png left behind.
fails() {
    local want=$1 text=$2; shift 2
    status_is "$want" "$@" || return 1
    [ "$(wc -l <"$T/err")" -eq 1 ] || { echo "not one line: $(cat "$T/err")" >&2; return 1; }
    grep -qF -- "$text" "$T/err" || { echo "no \"$text\" in: $(cat "$T/err")" >&2; return 1; }
    [ ! -e "$T/out.png" ] || { echo "out.png was written" >&2; return 1; }
}

check "a good synthetic render works" render "$T/synthetic_wards.geojson" "$T/synthetic_ok.csv"
check "... and writes its PNG" test -s "$T/out.png"

# Class 1: broken CSV structure.
printf 'WD25CD,value\nE05900001,1\nE05900002,29,199\nE05900003,3\n' >"$T/synthetic_thousands.csv"
check "unquoted thousands separator" fails 3 "synthetic_thousands.csv:3: 3 fields where the header has 2" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_thousands.csv"
printf 'WD25CD,value,n\nE05900001,1,1\nE05900002\n' >"$T/synthetic_short.csv"
check "short row" fails 3 "synthetic_short.csv:3: 1 field where the header has 3" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_short.csv"
printf 'WD25CD,value\nE05900001,"1\nE05900002,2\nE05900003,3\nE05900004,4\n' >"$T/synthetic_quote.csv"
check "unbalanced quote" fails 3 "synthetic_quote.csv:2: the quote opened in field 2 is never closed" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_quote.csv"
printf 'WD25CD,value\nE05900001,2\0000\n' >"$T/synthetic_nul.csv"
check "NUL byte" fails 3 "synthetic_nul.csv:2: a NUL byte" render "$T/synthetic_wards.geojson" "$T/synthetic_nul.csv"
printf 'WD25CD;value\nE05900001;12,500\n' >"$T/synthetic_semicolon.csv"
check "semicolons and decimal commas" fails 3 "synthetic_semicolon.csv:1: the columns are separated by semicolons" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_semicolon.csv"
printf 'WD25CD,value,value\nE05900001,1,2\n' >"$T/synthetic_dup.csv"
check "two columns named value" fails 3 'synthetic_dup.csv:1: two columns are named "value" (columns 2 and 3)' \
    render "$T/synthetic_wards.geojson" "$T/synthetic_dup.csv"

# A bad layer and a bad table: the table is read while the layer is
# (map.c), but the layer's error is the one given, as when they were read
# in turn; with a good layer, the table's.
printf '{"type":"FeatureCollection","features":[' >"$T/synthetic_truncated.geojson"
check "bad layer and bad table: the layer's error" fails 3 "synthetic_truncated.geojson: cannot read as a vector layer" \
    render "$T/synthetic_truncated.geojson" "$T/synthetic_thousands.csv"
check "bad layer and no table: the layer's error" fails 3 "synthetic_truncated.geojson: cannot read as a vector layer" \
    render "$T/synthetic_truncated.geojson" "$T/synthetic_none.csv"
check "good layer and no table: the table's error" fails 3 "synthetic_none.csv: no such file" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_none.csv"

# Class 2: text that is not UTF-8.
printf 'WD25CD,\x93value\x94\nE05900001,1\n' >"$T/synthetic_cp1252.csv"
check "Windows-1252 header" fails 3 "synthetic_cp1252.csv:1: the name of column 2" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_cp1252.csv" --value "$(printf '\x93value\x94')"
layer "$(ward 1 "Synthetic One")" "$(ward 2 "$(printf 'Ynys M\xf4n')")" >"$T/synthetic_latin1.geojson"
check "Latin-1 ward name" fails 3 'feature 1 (E05900002): WD25NM "Ynys M\xF4n" is not valid UTF-8' \
    render "$T/synthetic_latin1.geojson" "$T/synthetic_ok.csv"
"$BIN" import --store "$T/s.sqlite" "$T/synthetic_cp1252.csv" --id synthetic_x --title x --unit count \
    --polarity neutral --period 2024 --geography synth --code WD25CD --value "$(printf '\x93value\x94')" \
    >/dev/null 2>"$T/err"
check "import refuses the Windows-1252 header (exit 3)" test $? -eq 3
check "... naming file and line" grep -q "synthetic_cp1252.csv:1: the name of column 2" "$T/err"

# Class 4 (read side): lowercase codes and no-break spaces join, and say so.
printf 'WD25CD,value\ne05900001,1\ne05900002,2\ne05900003,3\ne05900004,4\n' >"$T/synthetic_lower.csv"
render "$T/synthetic_wards.geojson" "$T/synthetic_lower.csv" 2>"$T/err"
check "lowercase codes join" grep -q "joined 4/4 areas; 0 table rows unused; 4 keys matched only ignoring the case" "$T/err"
printf 'WD25CD,value\nE05900001\xc2\xa0,1\nE05900002\xc2\xa0,2\nE05900003\xc2\xa0,3\nE05900004\xc2\xa0,4\n' \
    >"$T/synthetic_nbsp.csv"
render "$T/synthetic_wards.geojson" "$T/synthetic_nbsp.csv" 2>"$T/err"
check "no-break spaces join" grep -q "joined 4/4 areas; 0 table rows unused; 4 keys matched only once Unicode spaces" "$T/err"

# Class 4: nothing, or almost nothing, joins: exit 3 and no figure; a few
# areas without a value: a warning; --allow-partial accepts a partial join.
printf 'WD25CD,value\n' >"$T/synthetic_header_only.csv"
check "a header-only table" fails 3 "synthetic_header_only.csv: no area of" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_header_only.csv"
printf 'WD25CD,value\nE05900001,a\nE05900002,b\nE05900003,d\nE05900004,e\n' >"$T/synthetic_text.csv"
check "an all-text value column" fails 3 'synthetic_text.csv: no area of' \
    render "$T/synthetic_wards.geojson" "$T/synthetic_text.csv"
check "... whose message quotes the first bad cell" grep -qF 'not a number, first at line 2: "a"' "$T/err"
printf 'WD25CD,value\nE05000001,1\nE05000002,2\n' >"$T/synthetic_other_codes.csv"
check "codes of other areas: nothing joins" fails 3 "synthetic_other_codes.csv: no area of" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_other_codes.csv"
check "... even with --allow-partial" fails 3 "synthetic_other_codes.csv: no area of" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_other_codes.csv" --allow-partial
printf 'WD25CD,value\nE05900001,s\nE05900002,*\nE05900003,..\nE05900004,\n' >"$T/synthetic_suppressed.csv"
check "every value suppressed" fails 3 "synthetic_suppressed.csv: no area of" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_suppressed.csv"
printf 'WD25CD,value\nE05900001,1\nE05000002,2\nE05000003,3\nE05000004,4\n' >"$T/synthetic_mostly.csv"
check "3 of 4 areas without a row" fails 3 "3 of the 4 areas of" \
    render "$T/synthetic_wards.geojson" "$T/synthetic_mostly.csv"
check "... names --allow-partial" grep -q -- "--allow-partial" "$T/err"
check "... which accepts it" status_is 0 render "$T/synthetic_wards.geojson" "$T/synthetic_mostly.csv" --allow-partial
check "... without a warning" test -z "$(grep warning "$T/err")"
printf 'WD25CD,value\nE05900001,1\nE05900002,2\nE05900003,3\nE05900004,abc\n' >"$T/synthetic_one_bad.csv"
check "1 of 4 areas with a cell that is not a number: drawn" \
    status_is 0 render "$T/synthetic_wards.geojson" "$T/synthetic_one_bad.csv"
check "... with a warning" grep -q '^warning: .*synthetic_one_bad.csv: 1 of the 4 areas (25%) get no value' "$T/err"
check "... and --allow-partial silences it" status_is 0 \
    render "$T/synthetic_wards.geojson" "$T/synthetic_one_bad.csv" --allow-partial
check "... (no warning)" test -z "$(grep warning "$T/err")"
printf 'WD25CD,value\nE05900001,1\nE05900002,2\nE05900003,3\nE05900004,s\n' >"$T/synthetic_one_suppressed.csv"
check "a suppressed value is the publisher's No data: no warning" \
    status_is 0 render "$T/synthetic_wards.geojson" "$T/synthetic_one_suppressed.csv"
check "... (none)" test -z "$(grep warning "$T/err")"

# ... and imports: a table that loads no value fails and leaves the store as
# it was; one that leaves most areas without a row fails unless
# --allow-partial; a few rejected rows are a warning.
import_flags() {   # import_flags STORE TABLE [OPTIONS...]
    local store=$1 table=$2; shift 2
    "$BIN" import --store "$store" "$table" --id synthetic_v --title v --unit count --polarity neutral \
        --period 2024 --geography synth --code WD25CD --value value "$@"
}
rm -f "$T/out.png"
check "import of a good table" status_is 0 import_flags "$T/i.sqlite" "$T/synthetic_ok.csv"
cp "$T/i.sqlite" "$T/i_before.sqlite"
check "import of a header-only table" fails 3 "synthetic_header_only.csv: no rows to import (a header alone)" \
    import_flags "$T/i.sqlite" "$T/synthetic_header_only.csv"
check "import of an all-text column" fails 3 "synthetic_text.csv: none of its 4 rows gives a value to import (4 rejected" \
    import_flags "$T/i.sqlite" "$T/synthetic_text.csv"
check "... naming the first bad row" grep -qF 'first rejected: line 2: value "a" is not a number' "$T/err"
check "import of a table whose every value is suppressed" fails 3 "none of its 4 rows gives a value" \
    import_flags "$T/i.sqlite" "$T/synthetic_suppressed.csv"
check "import of other areas' codes" fails 3 "synthetic_other_codes.csv: none of its 2 rows gives a value to import (0 rejected, 0 suppressed or empty, 2 outside the study area (synth))" \
    import_flags "$T/i.sqlite" "$T/synthetic_other_codes.csv"
check "import of a table that covers 1 of 4 areas" fails 3 "synthetic_mostly.csv: 3 of the 4 synth areas of the store get no row from it" \
    import_flags "$T/i.sqlite" "$T/synthetic_mostly.csv"
check "failed imports leave the store as it was" cmp -s "$T/i.sqlite" "$T/i_before.sqlite"
check "... and --allow-partial accepts the last" status_is 0 import_flags "$T/i.sqlite" "$T/synthetic_mostly.csv" \
    --allow-partial -q
check "... quietly" test ! -s "$T/err"
check "import with 1 of 4 rows rejected: loaded" status_is 0 import_flags "$T/i.sqlite" "$T/synthetic_one_bad.csv" -q
check "... with one warning on stderr, even with -q" \
    test "$(cat "$T/err")" = "warning: $T/synthetic_one_bad.csv: 1 of the 4 synth areas of the store get no row from it (25%): they are No data; --allow-partial accepts this"
printf 'WD25CD,value\nE05900001,1\nE05900002,x1\nE05900003,x2\nE05900004,x3\n' >"$T/synthetic_most_rejected.csv"
check "import into a new store with 3 of 4 rows rejected" fails 3 "3 of its 4 rows are rejected; first rejected: line 3" \
    import_flags "$T/new.sqlite" "$T/synthetic_most_rejected.csv"
check "... writes no store" test ! -e "$T/new.sqlite"

# ... and recipes: one with no sections makes nothing, not an empty index.
printf '# nothing yet\ntitle = A figure set\n' >"$T/synthetic_empty.recipe"
"$BIN" figures "$T/synthetic_empty.recipe" --out "$T/set" >/dev/null 2>"$T/err"
check "a recipe with no sections: exit 3" test $? -eq 3
check "... one line naming it" grep -q "synthetic_empty.recipe: the recipe has no sections" "$T/err"
check "... and no index.html" test ! -e "$T/set/index.html"
# A partial join in a figure set: made, with its warning in the summary and
# on the index page.
cat >"$T/synthetic_partial.recipe" <<RECIPE
[render partial]
layer = $T/synthetic_wards.geojson
key = WD25CD
data = $T/synthetic_one_bad.csv
data-key = WD25CD
value = value
output = partial.png
[render whole]
layer = $T/synthetic_wards.geojson
key = WD25CD
data = $T/synthetic_ok.csv
data-key = WD25CD
value = value
output = whole.png
RECIPE
"$BIN" figures "$T/synthetic_partial.recipe" --out "$T/pset" >/dev/null 2>"$T/err"
check "a figure set with a partial join: exit 0" test $? -eq 0
check "... the item's warning" grep -q "^warning: .*synthetic_one_bad.csv: 1 of the 4 areas (25%)" "$T/err"
check "... and the summary naming it" grep -qx "figures: 1 of 2 items made with warnings: \[render partial\]" "$T/err"
check "... on the index page too" grep -q '<p class="warning">Warning: .*synthetic_one_bad.csv: 1 of the 4 areas' \
    "$T/pset/index.html"
check "... and in its summary" grep -q '1 made with warnings' "$T/pset/index.html"

# Class 5: a store that cannot be read is exit 3 with one line saying why
# (damaged, of another schema, not a store, locked), never an empty list or
# "no indicator" with the usage code; and it is never rebuilt over.
"$BIN" import --bundled --store "$T/good.sqlite" -q 2>"$T/err" || bad "building a store: $(cat "$T/err")"
W="$HOME_DIR/layers/boundaries/coventry_wards_2025_E08000026.geojson"
store_fails() {   # store_fails WHAT STORE TEXT: every store command gives exit 3 and TEXT
    local what=$1 store=$2 text=$3 cmd
    for cmd in "indicators" "table" "render --layer $W --indicator fuel_poverty_2020 -o $T/out.png" \
               "import $T/synthetic_ok.csv --id synthetic_v --title v --unit count --polarity neutral --period 1 --geography synth --code WD25CD --value value"; do
        local name=${cmd%% *}
        # shellcheck disable=SC2086
        check "$what: $name" fails 3 "$text" "$BIN" $name --store "$store" ${cmd#"$name"}
    done
}
head -c 200000 "$T/good.sqlite" >"$T/truncated.sqlite"
store_fails "a truncated store" "$T/truncated.sqlite" "the file is damaged or is not a SQLite database"
cp "$T/good.sqlite" "$T/garbled.sqlite"
dd if=/dev/urandom of="$T/garbled.sqlite" bs=4096 seek=1 count=40 conv=notrunc 2>/dev/null
store_fails "a store with garbled pages" "$T/garbled.sqlite" "the file is damaged or is not a SQLite database"
cp "$T/good.sqlite" "$T/header.sqlite"
printf 'not a database!!' | dd of="$T/header.sqlite" conv=notrunc 2>/dev/null
store_fails "a store with a garbled header" "$T/header.sqlite" "(file is not a database)"
cp "$T/good.sqlite" "$T/schema.sqlite"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' \
    "$T/schema.sqlite"
store_fails "a store of another schema" "$T/schema.sqlite" "store schema 99, this wardmap reads schema"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE t (x)"); c.commit()' \
    "$T/foreign.sqlite"
store_fails "another program's database" "$T/foreign.sqlite" "not a wardmap store (a SQLite database with 1 table"
# The default store, damaged, is an error too: never rebuilt over.
cp "$T/truncated.sqlite" "$T/default.sqlite"
WARDMAP_STORE="$T/default.sqlite" "$BIN" indicators >/dev/null 2>"$T/err"
check "a damaged default store: exit 3" test $? -eq 3
check "... saying so" grep -q "the file is damaged" "$T/err"
check "... and left as it was" cmp -s "$T/default.sqlite" "$T/truncated.sqlite"
# A store another process holds locked: each command waits (10 s), then
# says so.  The commands run side by side under one lock.
cp "$T/good.sqlite" "$T/locked.sqlite"
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("DELETE FROM imports")
open(sys.argv[2], "w").close()
time.sleep(30)' "$T/locked.sqlite" "$T/locked.ready" &
holder=$!
for i in $(seq 100); do [ -e "$T/locked.ready" ] && break; sleep 0.1; done
"$BIN" indicators --store "$T/locked.sqlite" >/dev/null 2>"$T/lock1" & p1=$!
"$BIN" render --store "$T/locked.sqlite" --layer "$W" --indicator fuel_poverty_2020 -o "$T/locked.png" \
    >/dev/null 2>"$T/lock2" & p2=$!
import_flags "$T/locked.sqlite" "$T/synthetic_ok.csv" >/dev/null 2>"$T/lock3" & p3=$!
wait $p1; r1=$?; wait $p2; r2=$?; wait $p3; r3=$?
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
for k in 1 2 3; do
    eval "rc=\$r$k"
    check "a locked store ($k): exit 3" test "$rc" -eq 3
    check "a locked store ($k): one line saying so" \
        test "$(grep -c "another process holds the store locked (database is locked)" "$T/lock$k")" -eq 1
done
check "... no figure written" test ! -e "$T/locked.png"

# Class 3: write failures.  A report or table on a full standard output is
# exit 4 with one line.
for cmd in "indicators" "table" "rank" "import --bundled --store $T/full.sqlite"; do
    # shellcheck disable=SC2086
    "$BIN" $cmd >/dev/full 2>"$T/err"
    rc=$?
    check "$cmd on a full stdout: exit 4" test "$rc" -eq 4
    check "$cmd on a full stdout: one line" test "$(wc -l <"$T/err")" -eq 1
done
check "import on a full stdout says the store was built" grep -q "though the store was built" "$T/err"

# Class 6: the smaller ones.
check "--breaks with a trailing comma" fails 2 '--breaks "10,20," is not' \
    render "$T/synthetic_wards.geojson" "$T/synthetic_ok.csv" --breaks 10,20,
check "--breaks in hex" fails 2 '--breaks "0x10,0x20" is not' \
    render "$T/synthetic_wards.geojson" "$T/synthetic_ok.csv" --breaks 0x10,0x20
layer "$(ward 1 "Synthetic One" '{"type":"Polygon","coordinates":[[[1e300,52.4],[-1.5,52.4],[-1.5,52.5],[1e300,52.4]]]}')" \
    >"$T/synthetic_huge.geojson"
check "1e300 coordinate" fails 3 "feature 0 (E05900001) has a bad coordinate (1e+300, 52.4)" \
    render "$T/synthetic_huge.geojson" "$T/synthetic_ok.csv" --t-srs EPSG:4326
layer >"$T/synthetic_empty.geojson"
check "empty FeatureCollection" fails 3 "holds no features (an empty FeatureCollection)" \
    render "$T/synthetic_empty.geojson" "$T/synthetic_ok.csv"
layer "$(ward 1 "Synthetic One" '{"type":"Point","coordinates":[-1.5,52.4]}')" >"$T/synthetic_points.geojson"
check "a layer of points" fails 3 "holds no polygons (its features are Point geometries)" \
    render "$T/synthetic_points.geojson" "$T/synthetic_ok.csv"
printf 'WD25CD,value\n"E0590\n0001",1\nE05900002,2\nE05900003,3\nE05900004,4\n' >"$T/synthetic_newline_key.csv"
render "$T/synthetic_wards.geojson" "$T/synthetic_newline_key.csv" --allow-partial 2>"$T/err"
check "a key with a line break: the join report stays one line" test "$(wc -l <"$T/err")" -eq 1
check "... with the break escaped" grep -qF 'E0590\n0001' "$T/err"
printf '[page]\ndpi = 2400\n' >"$T/synthetic_2400.style"
check "style dpi 2400: refused as documented" fails 3 '"dpi": 2400 is out of range (36 to 1200)' \
    render "$T/synthetic_wards.geojson" "$T/synthetic_ok.csv" --style "$T/synthetic_2400.style"
printf '[page]\ndpi = 1200\n' >"$T/synthetic_1200.style"
check "style dpi 1200: accepted" render "$T/synthetic_wards.geojson" "$T/synthetic_ok.csv" \
    --style "$T/synthetic_1200.style" --size 4000x2800

finish
