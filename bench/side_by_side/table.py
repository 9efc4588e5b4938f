"""Print the side-by-side table of bench/side_by_side.sh from its raw timings.

   python3 table.py TIMINGS.tsv

TIMINGS.tsv has one line per run: round, run id, wall seconds, peak KiB (the
max RSS over the run's processes), exit status, 1-minute load average when
the run started.  For each row it prints the
median wall time and median peak memory over the rounds whose run succeeded,
and for comparison rows the ratio wardmap/tool computed round by round (both
runs of the same round) with its median and range, next to the target of
issue 10 and the figure the issue reported.  It asserts nothing.
"""
import statistics
import sys

runs = {}  # id -> {round: (wall, kib)}
rounds = set()
loads = []
with open(sys.argv[1]) as f:
    for line in f:
        if line.startswith("round"):
            continue
        rnd, rid, wall, kib, status, load = line.rstrip("\n").split("\t")
        rounds.add(rnd)
        loads.append(float(load))
        if status == "0":
            runs.setdefault(rid, {})[rnd] = (float(wall), int(kib))

# (label, run id, compared with: wardmap run id and "ratio" or "minus", target, issue's figure)
# A row with a wardmap id compares: "ratio" prints wardmap/tool for the row's
# tool run; "minus" prints the row's run minus the other, round by round.
E2E, RO, WM = (
    "End to end from the published GeoJSON + CSV (WGS84), reprojected to BNG",
    "Render only, from the pre-joined BNG GeoPackage",
    "wardmap only",
)
rows = [
    (E2E, None),
    ("wardmap PNG", "e2e_wm_png", None, None, "", "134 MB"),
    ("mapshaper 0.7.70 | rsvg-convert, PNG", "e2e_ms_png", "e2e_wm_png", "ratio", "<= 0.3x", "0.76x"),
    ("wardmap SVG", "e2e_wm_svg", None, None, "", "249 MB"),
    ("mapshaper 0.7.70, SVG", "e2e_ms_svg", "e2e_wm_svg", "ratio", "<= 0.5x", "1.1x"),
    ("wardmap PNG+SVG (two -o)", "e2e_wm_both", None, None, "<= 2 s; <= 200 MB", ""),
    ("geopandas + matplotlib, PNG+SVG", "e2e_gpd_both", "e2e_wm_both", "ratio", "", "0.49x"),
    (RO, None),
    ("wardmap PNG", "ro_wm_png", None, None, "", ""),
    ("MapServer 8 map2img, PNG (AGG)", "ro_map2img_png", "ro_wm_png", "ratio", "<= 0.8x", "4.8x"),
    ("Mapnik 3.1, PNG (AGG)", "ro_mapnik_png", "ro_wm_png", "ratio", "", "3.4x"),
    ("wardmap SVG", "ro_wm_svg", None, None, "", ""),
    ("MapServer 8 map2img, SVG (cairo)", "ro_map2img_svg", "ro_wm_svg", "ratio", "<= 0.8x", "2.2x"),
    ("Mapnik 3.1, SVG (cairo)", "ro_mapnik_svg", "ro_wm_svg", "ratio", "", "1.3x"),
    (WM, None),
    ("national PNG, second run (no cache yet)", "wm_png_again", None, None, "<= 1 s", ""),
    ("national PNG + 6,826 ward overlay", "wm_overlay_png", None, None, "", ""),
    ("  overlay cost: minus plain PNG", "wm_overlay_png", "e2e_wm_png", "minus", "<= 1 s", ""),
    ("national PNG+SVG + ward overlay", "wm_overlay_both", None, None, "", ""),
    ("  overlay cost: minus plain PNG+SVG", "wm_overlay_both", "e2e_wm_both", "minus", "<= 1 s, once", ""),
    ("Coventry figures, cold (new store, out)", "fig_cold", None, None, "<= 1.5 s", "3.3 s"),
    ("Coventry figures --force, warm", "fig_warm", None, None, "<= 1 s", ""),
]


def med(values):
    return statistics.median(values) if values else None


def fmt(v, spec, suffix=""):
    return "-" if v is None else format(v, spec) + suffix


header = "%-42s %3s %8s %9s  %-23s %-18s %s" % (
    "run", "n", "wall s", "peak MiB", "wardmap/tool [range]", "target (issue 10)", "issue")
print(header)
print("-" * len(header))
for row in rows:
    if row[1] is None:
        print(row[0])
        continue
    label, rid, other, how, target, issue = row
    mine = runs.get(rid, {})
    if how == "minus":
        theirs = runs.get(other, {})
        diffs = [mine[r][0] - theirs[r][0] for r in sorted(mine) if r in theirs]
        print("%-42s %3d %8s %9s  %-23s %-18s %s" % (
            label, len(diffs), fmt(med(diffs), "+.2f"), "", "(wall difference)", target, issue))
        continue
    walls = [w for w, _ in mine.values()]
    peaks = [k / 1024.0 for _, k in mine.values()]
    ratio = ""
    if how == "ratio":
        wm = runs.get(other, {})
        pairs = [wm[r][0] / mine[r][0] for r in sorted(mine) if r in wm and mine[r][0] > 0]
        if pairs:
            ratio = "%.2fx [%.2f-%.2f]" % (med(pairs), min(pairs), max(pairs))
        else:
            ratio = "-"
    print("%-42s %3d %8s %9s  %-23s %-18s %s" % (
        label, len(walls), fmt(med(walls), ".2f"), fmt(med(peaks), ".0f"), ratio, target, issue))
failed = sorted({rid for rid in [r[1] for r in rows if r[1]] if len(runs.get(rid, {})) < len(rounds)})
print("-" * len(header))
print("%d rounds; medians over the rounds that succeeded (n)." % len(rounds)
      + (" Failed in some round: %s (see the logs)." % ", ".join(failed) if failed else ""))
if loads:
    print("1-minute load average at the start of the runs: median %.1f, max %.1f" % (med(loads), max(loads)))
