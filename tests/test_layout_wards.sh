#!/usr/bin/env bash
# test_layout_wards.sh -- the deprivation figure of authorities from 9 to
# 69 wards, cut from the national layers (WARDMAP_SHARED) with --where,
# on A4 landscape, A4 portrait and A3: read back from the PDF's word boxes
# (pdftotext -bbox), every word lies inside the page, no two words
# overlap, and every ward's name is on the page (by name, or in the key
# of a numbered map).  Also: a long title wraps inside the page.
. "$(dirname "$0")/lib.sh" layout_wards
shared=${WARDMAP_SHARED:-$HOME_DIR/../shared}
lsoa=$shared/data/boundaries/national/ew_lsoa_2011_bgc.geojson
wards=$shared/data/boundaries/national/england_wards_2025_bgc.geojson
imd=$HOME_DIR/layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv
if [ ! -f "$lsoa" ] || [ ! -f "$wards" ]; then
    echo "national layers not found under $shared/data: nothing to check"
    finish
fi
command -v pdftotext >/dev/null || { bad "pdftotext (poppler-utils) is needed"; finish; }

# check_pdf PDF LAD: the word boxes of the PDF against the page and each
# other, and the ward names of LAD against the words.
check_pdf() {
    pdftotext -bbox "$1" "$1.html" || return 1
    /usr/bin/python3 - "$1.html" "$wards" "$2" <<'PY'
import html, json, re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', doc)
W, H = float(page.group(1)), float(page.group(2))
words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in
         re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>', doc)]
bad = []
for x0, y0, x1, y1, t in words:
    if x0 < -0.01 or y0 < -0.01 or x1 > W + 0.01 or y1 > H + 0.01:
        bad.append("outside the page: %r (%.1f %.1f %.1f %.1f)" % (t, x0, y0, x1, y1))
# pdftotext's boxes run from the font's ascent to its descent, more than
# the ink (a label's lines are spaced by their ink): boxes may touch, and
# lines may share up to a tenth of a box's height, without their words
# meeting.
for i in range(len(words)):
    a = words[i]
    for j in range(i + 1, len(words)):
        b = words[j]
        dx = min(a[2], b[2]) - max(a[0], b[0])
        dy = min(a[3], b[3]) - max(a[1], b[1])
        if dx > 0.6 and dy > max(0.6, 0.1 * min(a[3] - a[1], b[3] - b[1])):
            bad.append("overlap: %r and %r" % (a[4], b[4]))
have = {}
for w in words:
    have[w[4]] = have.get(w[4], 0) + 1
names = [f["properties"]["WD25NM"] for f in json.load(open(sys.argv[2], encoding="utf-8"))["features"]
         if f["properties"]["LAD25CD"] == sys.argv[3]]
for n in names:
    missing = [w for w in n.split() if w not in have]
    if missing:
        bad.append("ward %r not on the page (missing %s)" % (n, missing))
for b in bad[:12]:
    print(sys.argv[1].split("/")[-1] + ": " + b)
sys.exit(1 if bad or not names else 0)
PY
}

for lad in E07000061 E06000016 E08000025; do
    for paper in "A4 --landscape" "A4 --portrait" "A3 --landscape"; do
        out=$T/dep_${lad}_${paper// /}.pdf
        check "$lad on $paper renders" "$BIN" render --layer "$lsoa" --where "LADCD_ACTIVE = '$lad'" --key LSOA11CD \
            --data "$imd" --data-key "LSOA code (2011)" --value "Index of Multiple Deprivation (IMD) Decile" \
            --method categorical --breaks 1,2,3,4,5,6,7,8,9,10 --palette RdYlBu \
            --overlay "$wards" --overlay-where "LAD25CD = '$lad'" --overlay-key WD25CD \
            --title "Levels of deprivation" --paper $paper -o "$out" 2>"$T/err"
        [ -f "$out" ] && check "$lad on $paper: words inside the page, apart, every ward named" check_pdf "$out" "$lad"
    done
done

# A long title (a legend title used as the title) wraps inside the page.
out=$T/long_title.pdf
check "long title renders" "$BIN" render --layer "$lsoa" --where "LADCD_ACTIVE = 'E07000061'" --key LSOA11CD \
    --data "$imd" --data-key "LSOA code (2011)" --value "Index of Multiple Deprivation (IMD) Decile" \
    --method categorical --breaks 1,2,3,4,5,6,7,8,9,10 --palette RdYlBu --paper A4 --portrait \
    --overlay "$wards" --overlay-where "LAD25CD = 'E07000061'" --overlay-key WD25CD \
    --title "Index of Multiple Deprivation (IMD) Decile of every neighbourhood of Eastbourne, with its wards, 2019 release" \
    -o "$out" 2>"$T/err"
[ -f "$out" ] && check "long title: words inside the page, apart" check_pdf "$out" E07000061
finish
