#!/bin/bash
# wardmap profile: the spine chart puts every mark where its value says.
# The page is written for a deprived ward (St Michael's) and a less
# deprived one (Wainbody), in all three formats; the SVG's named groups
# (spine-ID, authority-ID, england-ID, marker-ID) are read back and each
# position is checked against the values read from the store here, with
# the spread of the authority's wards computed here too (R's quantile type
# 7).  Then the errors: an unknown area (one line, the nearest names, exit
# 2, no file), a name two areas share (their codes), an output that cannot
# be written (no other output left behind), and a [profile] recipe item.
. "$(dirname "$0")/lib.sh" profile

S=$T/store.sqlite
# cairo 1.16 leaks as an SVG surface paints a group (tests/valgrind.supp);
# lsan.supp names the call, which only the slow unwinder sees inside cairo.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
check "store" "$BIN" import --bundled --store "$S" -q

# check_svg SVG AREA_CODE IDS [GEOGRAPHY]: every row's marks against the store.
check_svg() {
    python3 - "$S" "$1" "$2" "$3" "${4:-ward25}" <<'EOF'
import math, re, sqlite3, sys
store, svg_path, area, ids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
db = sqlite3.connect(store)
svg = open(svg_path, encoding="utf-8").read()
bad = []

def groups(kind, ind):
    m = re.search(r'<g id="%s-%s"[^>]*>(.*?)</g>' % (kind, re.escape(ind)), svg, re.S)
    if not m:
        return None
    return [[float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)] for d in re.findall(r' d="([^"]*)"', m.group(1))]

def quantile(v, p):             # R's type 7
    h = (len(v) - 1) * p
    lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])

def value(ind, period, geo, code):
    r = db.execute("SELECT value FROM indicator_values WHERE indicator_id=? AND period=? AND geography=? "
                   "AND area_code=?", (ind, period, geo, code)).fetchone()
    return None if r is None or r[0] is None else r[0]

area_geo = sys.argv[5]          # an exact stored geography (an MSOA code is in msoa11 and msoa21)
ward_geo = "ward25"             # the comparators: the authority's wards
up = db.execute("SELECT parent_geography, parent_code FROM area_links WHERE child_geography=? AND "
                "child_code=? AND parent_geography LIKE 'lad%'", (area_geo, area)).fetchone()
lad_geo, lad = up if up else db.execute("SELECT geography, code FROM areas WHERE geography LIKE 'lad%'").fetchone()
wards = [r[0] for r in db.execute("SELECT child_code FROM area_links WHERE child_geography=? AND "
                                  "parent_geography=? AND parent_code=?", (ward_geo, lad_geo, lad))]
TOL = 0.05                      # points; cairo writes 1/256
checked = 0
for ind in ids:
    period, polarity = db.execute("SELECT period, polarity FROM indicators WHERE id=?", (ind,)).fetchone()
    spread = sorted(v for v in (value(ind, period, ward_geo, w) for w in wards) if v is not None)
    lo, q25, q75, hi = spread[0], quantile(spread, .25), quantile(spread, .75), spread[-1]
    worst, best = (hi, lo) if polarity == "higher is worse" else (lo, hi)
    bar = groups("spine", ind)
    if not bar:
        bad.append("%s: no spine" % ind)
        continue
    light, dark = bar[0], bar[1]    # rectangles: M x0 y0 L x1 y0 L x1 y1 L x0 y1 Z
    xl, xr = min(light[0], light[2]), max(light[0], light[2])
    bar_top, bar_bottom = min(light[1], light[5]), max(light[1], light[5])
    def x(v):                        # the bar's own ends fix the scale: worst at xl, best at xr
        return xl if best == worst else xl + (v - worst) / (best - worst) * (xr - xl)
    def near(what, got, want):
        global checked
        checked += 1
        if abs(got - want) > TOL:
            bad.append("%s %s: x %.3f, want %.3f" % (ind, what, got, want))
    dl, dr = min(dark[0], dark[2]), max(dark[0], dark[2])
    near("25th-75th left", dl, min(x(q25), x(q75)))
    near("25th-75th right", dr, max(x(q25), x(q75)))
    own = value(ind, period, area_geo, area)
    m = groups("marker", ind)
    if own is None:
        if m: bad.append("%s: a marker for No data" % ind)
    elif not m:
        bad.append("%s: no marker" % ind)
    else:                            # a circle of two arcs: M x+r y C ... ; its centre is between
        p = m[0]
        cx, cy = (p[0] + p[6]) / 2, p[1]
        near("marker", cx, x(own))
        if not bar_top <= cy <= bar_bottom: bad.append("%s: marker off its row" % ind)
    up = value(ind, period, lad_geo, lad)
    a = groups("authority", ind)
    if up is None:
        if a: bad.append("%s: an authority line for No data" % ind)
    elif not a:
        bad.append("%s: no authority line" % ind)
    else:
        near("authority", a[0][0], x(up))
    eng = db.execute("SELECT value FROM indicator_values WHERE indicator_id=? AND period=? AND geography='ctry'",
                     (ind, period)).fetchone()
    e = groups("england", ind)
    if eng is None or eng[0] is None:
        if e: bad.append("%s: an England diamond the store does not hold" % ind)
    elif not e:
        bad.append("%s: no England diamond" % ind)
    else:                            # M x y-r L x+r y L x y+r L x-r y Z
        near("England", e[0][0], x(eng[0]))
rows = len(re.findall(r'<g id="spine-', svg))
if rows != len(ids):
    bad.append("%d spine bars, want %d" % (rows, len(ids)))
if checked < 3 * len(ids):
    bad.append("only %d positions checked" % checked)
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

# 1. St Michael's: the headline indicators (the default rows).
HEADLINE=$(sqlite3 "$S" "SELECT group_concat(id) FROM (SELECT DISTINCT i.id FROM indicators i JOIN indicator_values v
    ON v.indicator_id = i.id AND v.period = i.period AND v.geography = 'ward25' WHERE i.headline = 1 ORDER BY i.seq)")
check "profile St Michael's" "$BIN" profile "St Michael's" --store "$S" -o stm.png -o stm.svg -o stm.pdf
check "three files" test -s stm.png -a -s stm.svg -a -s stm.pdf
check "St Michael's: every headline row's marks where its values say" check_svg stm.svg E05001228 "$HEADLINE"
check "the published name in the title" grep -q "St Michael&apos;s: ward profile\|St Michael's: ward profile" \
    <(pdftotext stm.pdf - 2>/dev/null)
check "PDF: one A4 page" bash -c "pdfinfo stm.pdf | grep -q 'Pages: *1' && pdfinfo stm.pdf | grep -q '(A4)'"

# 2. A less deprived ward, with rows England's values and the store's
# comparisons are held for, and one No data would fall in.
IDS=imd2019_d1_share,imd2015_score,fuel_poverty_2022,eth_lsoa_not_white,eth_lsoa_asian,eth_lsoa_white,ncmp_year6_obese
check "profile Wainbody by code" "$BIN" profile E05001231 --store "$S" --indicators "$IDS" -o wb.svg
check "Wainbody: England diamonds and authority lines where their values say" check_svg wb.svg E05001231 "$IDS"
check "England's diamond drawn where held" grep -q 'id="england-eth_lsoa_white"' wb.svg
check "no England diamond where not held" test -z "$(grep 'id="england-fuel_poverty_2022"' wb.svg)"

# An MSOA, by its House of Commons Library name: that name on the page,
# the statistical one in the subtitle; the bars still span the wards.
check "profile of an MSOA by its local name" "$BIN" profile "Henley Green & Wood End" --geography msoa \
    --store "$S" -o hg.svg -o hg.pdf
check "MSOA: its published names" bash -c "pdftotext hg.pdf - | grep -q 'Henley Green & Wood End: MSOA profile' &&
    pdftotext hg.pdf - | grep -q 'MSOA E02001964 (Coventry 007) in Coventry'"
MSOA_IDS=$(sqlite3 "$S" "SELECT group_concat(id) FROM (SELECT DISTINCT i.id FROM indicators i JOIN indicator_values v
    ON v.indicator_id = i.id AND v.period = i.period AND v.geography = 'msoa21' WHERE i.headline = 1 ORDER BY i.seq)")
check "MSOA: every mark where its values say" check_svg hg.svg E02001964 "$MSOA_IDS" msoa21

# 3. Errors: one line, the exit code, nothing written.
check "unknown area: exit 2" status_is 2 "$BIN" profile "St Micheal" --store "$S" -o u.png -o u.svg
check "unknown area: one line" test "$(wc -l <"$T/err")" -eq 1
check "unknown area: the nearest names" grep -q 'no ward25 area "St Micheal" (nearest: St Michael.s (E05001228)' "$T/err"
check "unknown area: no file" test ! -e u.png -a ! -e u.svg
cp "$S" two.sqlite
sqlite3 two.sqlite "INSERT INTO areas VALUES ('lad25','E08000099','Otherton',NULL),
    ('ward25','E05099999','St Michael''s',NULL);
    INSERT INTO area_links VALUES ('ward25','E05099999','lad25','E08000099','layer field','');"
check "ambiguous name: exit 2" status_is 2 "$BIN" profile "st michael's" --store two.sqlite -o a.png
check "ambiguous name: one line" test "$(wc -l <"$T/err")" -eq 1
check "ambiguous name: both codes and their authorities" \
    grep -q 'E05001228 St Michael.s (Coventry).*E05099999 St Michael.s (Otherton)' "$T/err"
check "ambiguous name: no file" test ! -e a.png
check "no area: exit 2" status_is 2 "$BIN" profile --store "$S" -o n.png
check "unknown indicator: exit 2" status_is 2 "$BIN" profile "St Michael's" --store "$S" -i no_such -o n.png
check "an indicator with no ward values: exit 2" status_is 2 "$BIN" profile "St Michael's" --store "$S" \
    -i imd2019_rank -o n.png
check "... names the geographies it has" grep -q "imd2019_rank has no ward25 values (it has values for lsoa11" "$T/err"
: > plainfile
check "unwritable output: exit 4" status_is 4 "$BIN" profile "St Michael's" --store "$S" -o ok.png -o plainfile/x.svg
check "unwritable output: nothing half-written" test ! -e ok.png
check "no file written on any error" test -z "$(ls | grep -E '^(u|a|n|ok)\.')"

# 4. A [profile] recipe item.
cat > p.recipe <<RECIPE
[profile stmichaels]
area = St Michael's
store = $S
caption = St Michael's ward profile
output = stm_recipe.png stm_recipe.svg
RECIPE
check "recipe with a profile item" "$BIN" figures p.recipe --out set
check "recipe: the page written" test -s set/stm_recipe.png -a -s set/stm_recipe.svg
check "recipe: the same marks" check_svg set/stm_recipe.svg E05001228 "$HEADLINE"
finish
