#!/usr/bin/env bash
# Output quality of `wardmap render` from the command line: identical
# inputs give byte-identical PNG, SVG and PDF; SVG is vector all through;
# PDF carries title, author and subject; PNG states its DPI; a style file
# changes the look; bad input gives one line, a non-zero exit and no file.
set -u
bin=${WARDMAP_BIN:?}; home=${WARDMAP_HOME:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $*" >&2; fi; }

lsoa="$home/layers/boundaries/coventry_lsoa_2011_E08000026.geojson"
wards="$home/layers/boundaries/coventry_wards_2025_E08000026.geojson"
imd="$home/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
args=(render --layer "$lsoa" --data "$imd" --data-key "LSOA code (2011)"
      --value "Index of Multiple Deprivation (IMD) Decile" --method categorical
      --breaks 1,2,3,4,5,6,7,8,9,10 --palette RdYlBu --overlay "$wards"
      --title "Levels of deprivation in Coventry" --paper A5 --dpi 120)

for run in 1 2; do
  ok "$bin" "${args[@]}" -o "$tmp/a$run.png" -o "$tmp/a$run.svg" -o "$tmp/a$run.pdf" 2>/dev/null
done
for ext in png svg pdf; do ok cmp -s "$tmp/a1.$ext" "$tmp/a2.$ext"; done

# SVG: well formed, vector (no embedded raster), drawn by rsvg-convert.
ok rsvg-convert -o "$tmp/svg.png" "$tmp/a1.svg"
ok test "$(grep -c '<image' "$tmp/a1.svg")" -eq 0
ok grep -q '<path' "$tmp/a1.svg"

# PDF: metadata, vector page size A5 landscape (595 x 420 pt).
info=$(pdfinfo "$tmp/a1.pdf")
ok grep -q '^Title: *Levels of deprivation in Coventry' <<<"$info"
ok grep -q '^Author: *wardmap' <<<"$info"
ok grep -q '^Subject: *Index of Multiple Deprivation (IMD) Decile' <<<"$info"
ok grep -q '^Page size: *595.276 x 419.528 pts' <<<"$info"
ok test "$(pdfimages -list "$tmp/a1.pdf" | tail -n +3 | wc -l)" -eq 0

# PNG: pHYs says 120 dpi = 4724 pixels per metre.
ppm=$(od -A n -t x1 -j 41 -N 4 "$tmp/a1.png" | tr -d ' \n')
ok test "$(od -A n -c -j 37 -N 4 "$tmp/a1.png" | tr -d ' \n')" = "pHYs"
ok test "$((16#$ppm))" -eq 4724

# A style file changes the look: a heavier ward outline changes the pixels.
sed 's/^overlay-outline-width *=.*/overlay-outline-width = 3/' "$home/styles/default.style" > "$tmp/heavy.style"
ok "$bin" "${args[@]}" --style "$tmp/heavy.style" -o "$tmp/heavy.png" 2>/dev/null
ok test -s "$tmp/heavy.png"
ok bash -c "! cmp -s '$tmp/a1.png' '$tmp/heavy.png'"

# Bad input: one line on stderr naming the file, exit 3, nothing written.
printf 'LSOA code (2011),v\r\nE01009522,1\r\nE01009522,2\r\n' > "$tmp/dup.csv"
"$bin" render --layer "$lsoa" --data "$tmp/dup.csv" --data-key "LSOA code (2011)" --value v -o "$tmp/bad.png" 2>"$tmp/err"
ok test $? -eq 3
ok test "$(wc -l < "$tmp/err")" -eq 1
ok grep -q "dup.csv: line 3: duplicate key E01009522 (first at line 2)" "$tmp/err"
ok test ! -e "$tmp/bad.png"
"$bin" render --layer "$lsoa" --bogus 2>"$tmp/err"; ok test $? -eq 2
"$bin" render --layer "$tmp/missing.geojson" --data "$imd" --data-key x --value y -o "$tmp/m.png" 2>"$tmp/err"
ok test $? -eq 3
ok grep -q "missing.geojson: no such file" "$tmp/err"
ok test -z "$(ls "$tmp" | grep -E '\.tmp[0-9]+$')"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
