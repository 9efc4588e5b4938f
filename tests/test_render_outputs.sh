#!/usr/bin/env bash
# Output quality of `wardmap render` from the command line: identical
# inputs give byte-identical PNG, SVG and PDF; SVG is vector all through;
# PDF carries title, author and subject; PNG states its DPI; a style file
# changes the look; bad input (a duplicate key, a missing layer, text that
# is not UTF-8) gives one line, a non-zero exit and no file.
. "$(dirname "$0")/lib.sh" render-outputs
bin=$BIN; home=$HOME_DIR; tmp=$T

lsoa="$home/layers/boundaries/coventry_lsoa_2011_E08000026.geojson"
wards="$home/layers/boundaries/coventry_wards_2025_E08000026.geojson"
imd="$home/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
args=(render --layer "$lsoa" --data "$imd" --data-key "LSOA code (2011)"
      --value "Index of Multiple Deprivation (IMD) Decile" --method categorical
      --breaks 1,2,3,4,5,6,7,8,9,10 --palette RdYlBu --overlay "$wards"
      --title "Levels of deprivation in Coventry" --paper A5 --dpi 120)

for run in 1 2; do
  check "$LINENO" "$bin" "${args[@]}" -o "$tmp/a$run.png" -o "$tmp/a$run.svg" -o "$tmp/a$run.pdf" 2>/dev/null
done
for ext in png svg pdf; do check "$LINENO" cmp -s "$tmp/a1.$ext" "$tmp/a2.$ext"; done

# SVG: well formed, vector (no embedded raster), drawn by rsvg-convert.
check "$LINENO" rsvg-convert -o "$tmp/svg.png" "$tmp/a1.svg"
check "$LINENO" test "$(grep -c '<image' "$tmp/a1.svg")" -eq 0
check "$LINENO" grep -q '<path' "$tmp/a1.svg"

# PDF: metadata, vector page size A5 landscape (595 x 420 pt).
info=$(pdfinfo "$tmp/a1.pdf")
check "$LINENO" grep -q '^Title: *Levels of deprivation in Coventry' <<<"$info"
check "$LINENO" grep -q '^Author: *wardmap' <<<"$info"
check "$LINENO" grep -q '^Subject: *Index of Multiple Deprivation (IMD) Decile' <<<"$info"
check "$LINENO" grep -q '^Page size: *595.276 x 419.528 pts' <<<"$info"
check "$LINENO" test "$(pdfimages -list "$tmp/a1.pdf" | tail -n +3 | wc -l)" -eq 0

# PDF: the ward names' halos.  They are written once per glyph (a form
# XObject each, placed at every use, draw.c), and they show: rasterised,
# a label's box is about a third pale where the halo lies over the map;
# without labels the same boxes are the map's colours.
check "$LINENO" test "$(grep -a -c '/Subtype /Form' "$tmp/a1.pdf")" -ge 10
check "$LINENO" "$bin" "${args[@]}" --no-labels -o "$tmp/plain.pdf" -o "$tmp/plain.svg" 2>/dev/null
check "$LINENO" pdftotext -bbox "$tmp/a1.pdf" "$tmp/words.html"
for pdf in a1 plain; do check "$LINENO" pdftoppm -r 120 -singlefile "$tmp/$pdf.pdf" "$tmp/$pdf"; done
halo=(python3 "$(dirname "$0")/halo_pixels.py")
check "$LINENO" "${halo[@]}" "$tmp/a1.ppm" "$tmp/words.html" 120 20 100 Foleshill Longford Radford
check "$LINENO" "${halo[@]}" "$tmp/plain.ppm" "$tmp/words.html" 120 0 10 Foleshill Longford Radford

# SVG: the text is wardmap's (svg_text.h): each glyph's outline once, a
# <symbol>, and every run of text <use>s of them; a label's halo is its
# glyphs once more, stroked as one group in the halo's style.  No marker
# and none of cairo's glyphs are left.  They show as in the PDF, the SVG
# rasterised through rsvg-convert's PDF (the word boxes are the PDF's:
# the page is laid out once).
check "$LINENO" test "$(grep -o 'stroke-linejoin:round;opacity:0.9"' "$tmp/a1.svg" | wc -l)" -ge 10
check "$LINENO" test "$(grep -c '18.75%);' "$tmp/a1.svg")" -eq 0
check "$LINENO" test "$(grep -c 'id="glyph' "$tmp/a1.svg")" -eq 0
check "$LINENO" test "$(grep -c '<symbol overflow="visible" id="wm-g' "$tmp/a1.svg")" -ge 20
check "$LINENO" test "$(grep -c 'stroke-opacity:0.9' "$tmp/a1.svg")" -eq 0
for svg in a1 plain; do
  check "$LINENO" rsvg-convert -f pdf -o "$tmp/$svg-svg.pdf" "$tmp/$svg.svg"
  check "$LINENO" pdftoppm -r 120 -singlefile "$tmp/$svg-svg.pdf" "$tmp/$svg-svg"
done
check "$LINENO" "${halo[@]}" "$tmp/a1-svg.ppm" "$tmp/words.html" 120 20 100 Foleshill Longford Radford
check "$LINENO" "${halo[@]}" "$tmp/plain-svg.ppm" "$tmp/words.html" 120 0 10 Foleshill Longford Radford

# PNG: pHYs says 120 dpi = 4724 pixels per metre.
ppm=$(od -A n -t x1 -j 41 -N 4 "$tmp/a1.png" | tr -d ' \n')
check "$LINENO" test "$(od -A n -c -j 37 -N 4 "$tmp/a1.png" | tr -d ' \n')" = "pHYs"
check "$LINENO" test "$((16#$ppm))" -eq 4724

# A style file changes the look: a heavier ward outline changes the pixels.
sed 's/^overlay-outline-width *=.*/overlay-outline-width = 3/' "$home/styles/default.style" > "$tmp/heavy.style"
check "$LINENO" "$bin" "${args[@]}" --style "$tmp/heavy.style" -o "$tmp/heavy.png" 2>/dev/null
check "$LINENO" test -s "$tmp/heavy.png"
check "$LINENO" bash -c "! cmp -s '$tmp/a1.png' '$tmp/heavy.png'"

# Bad input: one line on stderr naming the file, exit 3, nothing written.
printf 'LSOA code (2011),v\r\nE01009522,1\r\nE01009522,2\r\n' > "$tmp/dup.csv"
"$bin" render --layer "$lsoa" --data "$tmp/dup.csv" --data-key "LSOA code (2011)" --value v -o "$tmp/bad.png" 2>"$tmp/err"
check "$LINENO" test $? -eq 3
check "$LINENO" test "$(wc -l < "$tmp/err")" -eq 1
check "$LINENO" grep -q "dup.csv: line 3: duplicate key E01009522 (first at line 2)" "$tmp/err"
check "$LINENO" test ! -e "$tmp/bad.png"
check "$LINENO" status_is 2 "$bin" render --layer "$lsoa" --bogus
"$bin" render --layer "$tmp/missing.geojson" --data "$imd" --data-key x --value y -o "$tmp/m.png" 2>"$tmp/err"
check "$LINENO" test $? -eq 3
check "$LINENO" grep -q "missing.geojson: no such file" "$tmp/err"

# Text that is not UTF-8 (here a Latin-1 column name, the legend title):
# exit 3, one error line naming the text, nothing written.  (cairo stops
# drawing at such text: the PNG used to come out blank with exit 0.)  The
# table reader refuses it first, naming the file and line.
printf 'code,Pr\xe9valence\nE05001218,1\n' > "$tmp/latin1.csv"
"$bin" render --layer "$wards" --data "$tmp/latin1.csv" --data-key code --value "$(printf 'Pr\xe9valence')" \
    -o "$tmp/latin1.png" -o "$tmp/latin1.svg" 2>"$tmp/err"
check "$LINENO" test $? -eq 3
check "$LINENO" test "$(grep -c '^wardmap:' "$tmp/err")" -eq 1
check "$LINENO" grep -q 'latin1.csv:1: the name of column 2, "Pr\\xE9valence", is not valid UTF-8' "$tmp/err"
check "$LINENO" test ! -e "$tmp/latin1.png"
check "$LINENO" test ! -e "$tmp/latin1.svg"

# Nothing temporary is left behind.
check "$LINENO" test -z "$(ls -A "$tmp" | grep -E '\.tmp[0-9]+$|\.wardmap-')"

finish
