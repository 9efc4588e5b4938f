#!/bin/bash
# wardmap figures on a small synthetic recipe (written here) over the
# bundled layers: one broken figure among good ones (the others are still
# made, exit status 5), up-to-date skipping, --force, recipe errors at
# file:line, and the index page.
. "$(dirname "$0")/lib.sh" figures

# A private store, built from the bundled manifest on first use, so that
# other tests running at the same time cannot change it under us.

# A private copy of one input, so touching it is safe.
cp "$HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" "$T/imd.csv"

cat > synthetic.recipe <<EOF
# synthetic test recipe
title = Synthetic test set

[render deciles]
title = IMD deciles
layer = $HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson
key = LSOA11CD
data = $T/imd.csv
data-key = LSOA code (2011)
value = Index of Multiple Deprivation (IMD) Decile
method = categorical
breaks = 1,2,3,4,5,6,7,8,9,10
palette = RdYlBu
size = 600x450
caption = Deciles <escaped> & shown.
output = deciles.png deciles.svg

[render broken]
title = A figure whose value column does not exist
layer = $HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson
data = $HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv
data-key = LSOA code (2011)
value = No such column
size = 600x450
output = broken.png

[render ranks]
title = IMD ranks
layer = $HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson
data = $HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv
data-key = LSOA code (2011)
value = Index of Multiple Deprivation (IMD) Rank
method = quantile
classes = 5
size = 600x450
output = sub/ranks.svg

[render ranks_equal]
title = IMD ranks, equal intervals
layer = $HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson
data = $HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv
data-key = LSOA code (2011)
value = Index of Multiple Deprivation (IMD) Rank
method = equal
size = 600x450
output = ranks_equal.svg
EOF

# 1. One broken figure: the others are made, the exit status says so.
"$BIN" figures synthetic.recipe --out out 2> err1.txt
rc=$?
check "exit status 5 with a broken figure (got $rc)" test "$rc" -eq 5
check "deciles.png made" test -s out/deciles.png
check "deciles.svg made" test -s out/deciles.svg
check "sub/ranks.svg made" test -s out/sub/ranks.svg
check "broken.png not made" test ! -e out/broken.png
check "failure names recipe line of the value key" grep -q "synthetic.recipe:23: \[render broken\]" err1.txt
check "one line per failure" test "$(grep -c '^figures: ' err1.txt)" -eq 1
check "no progress bar when stderr is not a terminal" bash -c "! grep -q '\[###' err1.txt"
check "index.html written" test -s out/index.html
check "index shows the PNG" grep -q '<img src="deciles.png"' out/index.html
check "index embeds the SVG of an item without PNG" grep -q '<svg' out/index.html
check "index escapes captions" grep -q 'Deciles &lt;escaped&gt; &amp; shown.' out/index.html
check "index reports the failure" grep -q 'class="failed">Not made: .*synthetic.recipe:23' out/index.html
check "index lists input files as sources" grep -q 'layers/boundaries/coventry_lsoa_2011_E08000026.geojson' out/index.html
check "index has no external resources" bash -c "! grep -Eqi '(src|href)=\"(https?:)?//' out/index.html"
check "index has no scripts" bash -c "! grep -qi '<script' out/index.html"
check "ids in the page are unique (embedded SVGs do not clash)" \
    test -z "$(grep -o ' id="[^"]*"' out/index.html | sort | uniq -d)"

# 2. Up to date: a second run remakes nothing that is current.
touch -d '2 seconds ago' marker
sleep 0.1
touch marker
sleep 0.1
"$BIN" figures synthetic.recipe --out out 2> err2.txt
rc=$?
check "second run still reports the broken one (got $rc)" test "$rc" -eq 5
check "deciles.png not remade" test ! out/deciles.png -nt marker
check "ranks.svg not remade" test ! out/sub/ranks.svg -nt marker

# 3. A changed input remakes only the items that read it.
sleep 0.1
touch imd.csv
"$BIN" figures synthetic.recipe --out out 2> /dev/null
check "deciles.png remade after its input changed" test out/deciles.png -nt marker
check "ranks.svg still not remade" test ! out/sub/ranks.svg -nt marker

# 4. A missing output remakes its item.
rm out/deciles.svg
"$BIN" figures synthetic.recipe --out out 2> /dev/null
check "a deleted output is remade" test -s out/deciles.svg

# 5. --force remakes everything; the recipe is an input of every item.
touch marker2
sleep 0.1
"$BIN" figures synthetic.recipe --out out --force --jobs 1 2> /dev/null
check "--force remakes ranks.svg" test out/sub/ranks.svg -nt marker2
touch marker3
sleep 0.1
touch synthetic.recipe
"$BIN" figures synthetic.recipe --out out 2> /dev/null
check "an edited recipe remakes its items" test out/sub/ranks.svg -nt marker3

# 6. Without the broken item the run succeeds.
sed '/^\[render broken\]/,/^output = broken.png/d' synthetic.recipe > good.recipe
"$BIN" figures good.recipe --out out2 2> err6.txt
rc=$?
check "a good recipe exits 0 (got $rc; $(cat err6.txt))" test "$rc" -eq 0
check "a good recipe's index shows no failure" bash -c "! grep -q 'Not made' out2/index.html"

# 7. Recipe errors stop everything, at file:line, exit 2.
printf '[render a]\noutput = a.png\n\n[chart b]\noutput = b.png\n' > typo.recipe
"$BIN" figures typo.recipe --out out3 2> err7.txt
rc=$?
check "recipe error exits 2 (got $rc)" test "$rc" -eq 2
check "recipe error at file:line" grep -q 'typo.recipe:4: unknown section kind "chart"' err7.txt
check "nothing made on a recipe error" test ! -e out3/a.png
"$BIN" figures no-such.recipe 2> err8.txt
rc=$?
check "missing recipe exits 3 (got $rc)" test "$rc" -eq 3

# 8. --dry-run prints the command lines, resolved, and makes nothing.
"$BIN" figures synthetic.recipe --out out4 --dry-run > dry.txt
check "dry run prints one line per item" test "$(wc -l < dry.txt)" -eq 4
check "dry run keeps absolute inputs" grep -q -- "--layer $HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson" dry.txt
# Relative inputs are relative to the recipe's folder, wherever it is run
# from; outputs may not leave --out.
mkdir -p sub
printf '[render r]\nlayer = ../lsoa.geojson\ndata = ../imd.csv\ndata-key = x\nvalue = y\noutput = r.png\n' > sub/rel.recipe
cp "$HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson" lsoa.geojson
(cd / && "$BIN" figures "$T/sub/rel.recipe" --out "$T/out9" --dry-run) > dry2.txt
check "relative inputs resolve against the recipe's folder" grep -q -- "--layer $T/lsoa.geojson --data $T/imd.csv" dry2.txt
printf '[render r]\nlayer = ../lsoa.geojson\ndata = ../imd.csv\ndata-key = x\nvalue = y\noutput = ../escape.png\n' > sub/esc.recipe
"$BIN" figures sub/esc.recipe --out out10 2> err10.txt
rc=$?
check "an output outside --out fails its item (got $rc)" test "$rc" -eq 5
check "the escaping output is named at its line" grep -q 'esc.recipe:6: .*outside the output directory' err10.txt
check "nothing is written outside --out" test ! -e escape.png
check "dry run quotes words with spaces" grep -q -- "--value 'Index of Multiple Deprivation (IMD) Decile'" dry.txt
check "dry run resolves outputs against --out" grep -q -- "-o out4/deciles.png -o out4/deciles.svg" dry.txt
check "dry run makes nothing" test ! -e out4/deciles.png

# 9. On a terminal: a progress bar, and the commands' messages go to
# figures.log so the bar stays readable (script(1) supplies the terminal).
if command -v script > /dev/null; then
    WARDMAP_BIN="$BIN" script -qec "\"$BIN\" figures good.recipe --out out5" /dev/null < /dev/null > tty.txt 2>&1
    check "a bar is drawn on a terminal" grep -q '\[##############################\] 3/3' tty.txt
    check "the summary line ends the bar" grep -q 'figures: 3 made, 0 up to date, 0 failed' tty.txt
    check "join reports go to figures.log on a terminal" grep -q '^joined 195/195 areas' out5/figures.log
    check "join reports stay off the terminal" bash -c "! grep -q 'joined 195/195' tty.txt"
fi

# 10. The same recipe run twice with two jobs gives the same bytes: cairo
# numbers SVG ids with a counter all threads share, so wardmap renumbers
# them per file; SOURCE_DATE_EPOCH stands for the clock where a format
# wants a date.
for k in 1 2; do
    SOURCE_DATE_EPOCH=1700000000 "$BIN" figures good.recipe --out same$k --force --jobs 2 2> /dev/null
done
check "two runs with --jobs 2 write the same files" \
    diff <(cd same1 && find . -type f ! -name figures.log | sort) <(cd same2 && find . -type f ! -name figures.log | sort)
for f in $(cd same1 && find . -type f ! -name figures.log | sort); do
    check "$f is byte-identical across runs with --jobs 2" cmp -s "same1/$f" "same2/$f"
done

# 11. An optional item the data cannot make (a data error) is said, not
# failed; an optional item wrongly written still fails.
# The broken figure of section 1, marked optional.
sed -n '/^\[render broken\]/,/^output/p' synthetic.recipe | sed 's/^output = /optional\noutput = /' > optional.recipe
cat >> optional.recipe <<EOF

[render wrong]
title = A figure with a bad option value
layer = $HOME_DIR/layers/boundaries/coventry_lsoa_2011_E08000026.geojson
data = $HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv
data-key = LSOA code (2011)
value = Index of Multiple Deprivation (IMD) Rank
classes = twelve
optional
output = wrong.png
EOF
"$BIN" figures optional.recipe --out opt 2> opt_err.txt
rc=$?
check "an optional item's bad option still fails the run (got $rc)" test "$rc" -eq 5
check "... the data error is said as not possible" grep -q 'No such column.*(an optional item: not made for this area)' opt_err.txt
check "... and the index says why it is missing" grep -q 'Not made for this area, whose data cannot make it' opt/index.html
check "... the bad option is a failure in the index" grep -q 'class="failed">Not made: .*classes' opt/index.html
sed -i '/^\[render wrong\]/,$d' optional.recipe
"$BIN" figures optional.recipe --out opt2 2> /dev/null
rc=$?
check "a set whose only miss is optional and impossible exits 0 (got $rc)" test "$rc" -eq 0
check "... and writes no figure for it" test ! -e opt2/broken.png
sed -i 's/^optional$/optional = yes/' optional.recipe
"$BIN" figures optional.recipe --out opt3 2> opt3_err.txt
rc=$?
check "optional = yes is refused at its line (got $rc)" test "$rc" -eq 2
check "... saying it is a flag" grep -q 'optional.recipe:8: optional is a flag' opt3_err.txt

finish
