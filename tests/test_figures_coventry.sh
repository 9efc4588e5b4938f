#!/bin/bash
# The main job: `wardmap figures` with no recipe makes the bundled
# Coventry set, and `wardmap rank` on the bundled store.  Cross-checks the
# ranking's small-area counts against the IMD file itself and against
# the store's independently aggregated imd2019_d1_count.
. "$(dirname "$0")/lib.sh" coventry

# A private store, built from the bundled manifest on first use, so that
# other tests running at the same time cannot change it under us.

# 1. The whole set, from the bundled recipe, into ./out.
"$BIN" figures 2> err1.txt
rc=$?
check "wardmap figures exits 0 (got $rc: $(grep -v '^joined\|^store\|^wrote' err1.txt | head -3))" test "$rc" -eq 0
for f in deprivation_imd2019.png deprivation_imd2019.svg deprivation_imd2019.pdf \
         ward_deprivation.png ward_fuel_poverty.png ward_ethnicity.png ward_child_obesity.png \
         ward_indicators.csv need_index.csv need_index.md need_index_map.png need_index_small_areas.csv \
         coventry_indicators.gpkg prototype_localities.png prototype_localities.csv locality_indicators.csv \
         candidate_localities.csv candidate_localities.png profile_wood_end_henley_green.png \
         profile_spon_end.pdf index.html; do
    check "out/$f made" test -s "out/$f"
done
# Each profile table's labels stay in their column: none runs into the
# Period column (pdftotext joins such a label and its period into one
# word, which crosses the column's edge).  The
# profiles' layout once measured text with an image surface's hinted
# metrics and drew it without them, and "Reception overweight
# 2015/16-17/18 (estimate)" ran into "2015/16-2017/18".
for f in out/profile_*.pdf; do
    check "$f: every label within its column" python3 - "$f" <<'PY'
import re, subprocess, sys
out = subprocess.run(["pdftotext", "-bbox", sys.argv[1], "-"], capture_output=True, text=True).stdout
words = [(float(a), float(b), float(c), t) for a, b, c, t in
         re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]
heads = [w for w in words if w[3] == "Period"]
if not heads:
    sys.exit("no Period column")
px, py = heads[0][0], heads[0][1]
# A word across the column's left edge that is a label's last character,
# then a period: a label run into its row's period (words of the notes
# under the table cross the edge too, and are not that).
period = r"(19|20)\d\d(/\d\d)?(-(19|20)\d\d(/\d\d)?)?"
crossing = [w[3] for w in words if w[1] > py + 1 and w[0] < px - 0.5 < w[2] and re.search(r"[A-Za-z)%]" + period + "$", w[3])]
if crossing:
    sys.exit("into the Period column: " + ", ".join(crossing[:3]))
PY
done
# Every item: the recipe includes area.recipe, so count the commands it makes.
check "index has every item" test "$(grep -c '<section id=' out/index.html)" -eq "$("$BIN" figures --dry-run | wc -l)"
check "index names the included recipe" grep -q 'which includes <code>styles/area.recipe</code>' out/index.html
check "the strategy's captions" grep -q 'The wards (December 2025 boundaries) are drawn on top' out/index.html
check "index shows no failure" bash -c "! grep -q 'Not made' out/index.html"
check "index shows the ranking as a table" grep -q '<th>Rank</th>' out/index.html
check "index shows the ward table" grep -q '<th>' out/index.html
check "index names the stored indicators' publishers" grep -q 'Indicator fuel_poverty_2022: Households' out/index.html
check "index has no external resources" bash -c "! grep -Eqi '(src|href)=\"(https?:)?//' out/index.html"
if command -v pdfinfo > /dev/null; then
    check "the deprivation PDF is a PDF" pdfinfo out/deprivation_imd2019.pdf
fi

# 2. Run again: everything is up to date, nothing is rewritten.
touch marker
sleep 0.1
"$BIN" figures 2> /dev/null
rc=$?
check "second run exits 0" test "$rc" -eq 0
check "second run rewrites no figure" test -z "$(find out -newer marker -type f ! -name index.html)"

# 3. The ranking: 18 wards ranked, ranks start at 1, rank ranges hold the rank.
rows=$(tail -n +2 out/need_index.csv | wc -l)
check "18 wards ranked (got $rows)" test "$rows" -eq 18
check "first row is rank 1" test "$(sed -n 2p out/need_index.csv | cut -d, -f1)" = 1
check "rank ranges hold each rank" awk -F, 'NR > 1 { if ($1 < $11 || $1 > $12 || $1 < $13 || $1 > $14) exit 1 }' out/need_index.csv

# Decile-1 LSOAs: the ranking's counts sum to Coventry's count in the IMD file.
imd="$HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
want=$(tr -d '\r' < "$imd" | grep ',E08000026,' | awk -F, '$NF == 1' | wc -l)
col=$(head -1 out/need_index.csv | tr ',' '\n' | grep -n '^small_areas_decile1$' | cut -d: -f1)
got=$(tail -n +2 out/need_index.csv | awk -F, -v c="$col" '{ s += $c } END { print s }')
check "decile-1 LSOAs sum to the IMD file's $want (got $got)" test "$got" = "$want"
check "small-area file lists each of them" test "$(tail -n +2 out/need_index_small_areas.csv | wc -l)" -eq "$want"

# ... and agree ward by ward with the store's own aggregation.
"$BIN" table --indicator imd2019_d1_count --format csv -o d1.csv 2> /dev/null
compared=0
mism=0
while IFS=, read -r code count; do
    mine=$(awk -F, -v k="$code" -v c="$col" '$2 == k { print $c }' out/need_index.csv)
    compared=$((compared + 1))
    [ "$mine" = "$(printf '%.0f' "$count")" ] || mism=$((mism + 1))
done < <(tail -n +2 d1.csv | awk -F, '$1 ~ /^E05/ { print $1 "," $NF }')
check "compared 18 wards with the store (got $compared)" test "$compared" -eq 18
check "decile-1 counts agree with the store's imd2019_d1_count ($mism wards differ)" test "$mism" -eq 0

# 4. rank on the command line.
"$BIN" rank --format csv > r.csv 2> /dev/null
check "rank prints CSV to stdout" grep -q '^rank,area_code,area_name,' r.csv
"$BIN" rank --no-small-areas > r.md 2> /dev/null
check "rank prints Markdown by default" grep -q '^| Rank | Ward | Code |' r.md
check "--no-small-areas leaves the view out" bash -c "! grep -q 'decile 1' r.md"
"$BIN" rank --indicator fuel_poverty_2022:2 --indicator ncmp_year6_obese --method rank -o w.md 2> /dev/null
check "weights are accepted" grep -q 'weight 2' w.md
"$BIN" rank --indicator no_such_indicator 2> e1.txt
rc=$?
check "unknown indicator is an error (rc $rc)" test "$rc" -ne 0
check "unknown indicator is named" grep -q 'no_such_indicator' e1.txt
"$BIN" rank --indicator eth_asian 2> e2.txt
rc=$?
check "a neutral indicator is a usage error (rc $rc)" test "$rc" -eq 2
"$BIN" rank --method median 2> e3.txt
rc=$?
check "unknown method is a usage error (rc $rc)" test "$rc" -eq 2
"$BIN" rank --indicator fuel_poverty_2022:heavy 2> e4.txt
rc=$?
check "a bad weight is a usage error (rc $rc)" test "$rc" -eq 2
"$BIN" rank --map m.svg --top 3 --method quintile > /dev/null 2>&1
rc=$?
check "rank --map draws a map (rc $rc)" test "$rc" -eq 0 -a -s m.svg

finish
