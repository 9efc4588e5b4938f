"""Print the side-by-side table of bench/side_by_side.sh from its raw timings.

   python3 table.py TIMINGS.tsv

TIMINGS.tsv has one line per run: round, run id, wall seconds, peak KiB (the
max RSS over the run's processes), exit status, 1-minute load average when
the run started, CPU seconds (user + system).  For each row it prints the
median wall time, CPU time and peak memory over the rounds whose run
succeeded, and for comparison rows the ratio wardmap/tool computed round by
round (both runs of the same round) with its median and range, on wall time
and on CPU time, next to the target of issue 10 and the figure the issue
reported.  It asserts nothing.
"""
import os
import statistics
import sys

runs = {}  # id -> {round: (wall, kib, cpu)}
rounds = set()
loads = []
with open(sys.argv[1]) as f:
    for line in f:
        if line.startswith("round"):
            continue
        rnd, rid, wall, kib, status, load, cpu = line.rstrip("\n").split("\t")
        rounds.add(rnd)
        loads.append(float(load))
        if status == "0":
            runs.setdefault(rid, {})[rnd] = (float(wall), int(kib), float(cpu))

# (label, run id, compared with: wardmap run id and "ratio" or "minus", target, issue's figure)
# A row with a wardmap id compares: "ratio" prints wardmap/tool for the row's
# tool run; "minus" prints the row's run minus the other, round by round.
E2E, RO, WM = (
    "End to end from the published GeoJSON + CSV (WGS84), reprojected to BNG; wardmap's layer cache cold unless said",
    "Render only, from the pre-joined BNG GeoPackage",
    "wardmap only",
)
rows = [
    (E2E, None),
    ("wardmap PNG", "e2e_wm_png", None, None, "", "134 MB"),
    ("mapshaper 0.7.70 | rsvg-convert, PNG", "e2e_ms_png", "e2e_wm_png", "ratio", "<= 0.3x", "0.76x"),
    ("  the same, wardmap's layer cached", "e2e_ms_png", "wm_png_again", "ratio", "<= 0.3x", ""),
    ("wardmap SVG", "e2e_wm_svg", None, None, "", "249 MB"),
    ("wardmap SVG, layer cached", "e2e_wm_svg_warm", None, None, "", ""),
    ("mapshaper 0.7.70, SVG", "e2e_ms_svg", "e2e_wm_svg", "ratio", "<= 0.5x", "1.1x"),
    ("  the same, wardmap's layer cached", "e2e_ms_svg", "e2e_wm_svg_warm", "ratio", "<= 0.5x", ""),
    ("wardmap PNG+SVG (two -o)", "e2e_wm_both", None, None, "<= 2 s; <= 200 MB", ""),
    ("wardmap PNG+SVG, layer cached", "e2e_wm_both_warm", None, None, "<= 2 s; <= 200 MB", ""),
    ("geopandas + matplotlib, PNG+SVG", "e2e_gpd_both", "e2e_wm_both", "ratio", "", "0.49x"),
    (RO, None),
    ("wardmap PNG", "ro_wm_png", None, None, "", ""),
    ("MapServer 8 map2img, PNG (AGG)", "ro_map2img_png", "ro_wm_png", "ratio", "<= 0.8x", "4.8x"),
    ("Mapnik 3.1, PNG (AGG)", "ro_mapnik_png", "ro_wm_png", "ratio", "", "3.4x"),
    ("wardmap SVG", "ro_wm_svg", None, None, "", ""),
    ("MapServer 8 map2img, SVG (cairo)", "ro_map2img_svg", "ro_wm_svg", "ratio", "<= 0.8x", "2.2x"),
    ("Mapnik 3.1, SVG (cairo)", "ro_mapnik_svg", "ro_wm_svg", "ratio", "", "1.3x"),
    (WM, None),
    ("national PNG, second run (layer cached)", "wm_png_again", None, None, "<= 1 s", ""),
    ("national PNG + 6,826 ward overlay", "wm_overlay_png", None, None, "", ""),
    ("  overlay cost: minus plain PNG (cached)", "wm_overlay_png", "wm_png_again", "minus", "<= 1 s", ""),
    ("national PNG+SVG + ward overlay", "wm_overlay_both", None, None, "", ""),
    ("  overlay cost: minus plain PNG+SVG", "wm_overlay_both", "e2e_wm_both_warm", "minus", "<= 1 s, once", ""),
    ("Coventry figures, cold (new store, out)", "fig_cold", None, None, "<= 1.5 s", "3.3 s"),
    ("Coventry figures --force, warm", "fig_warm", None, None, "<= 1 s", ""),
]


def med(values):
    return statistics.median(values) if values else None


def fmt(v, spec, suffix=""):
    return "-" if v is None else format(v, spec) + suffix


FMT = "%-40s %2s %7s %7s %5s  %-22s %-6s %-17s %s"
header = FMT % ("run", "n", "wall s", "CPU s", "MiB", "wardmap/tool [range]", "(CPU)", "target (issue 10)", "issue")
print(header)
print("-" * len(header))


def ratios(a, b, k):
    """wardmap/tool round by round on field k: a = wardmap's runs, b = the tool's."""
    return [a[r][k] / b[r][k] for r in sorted(b) if r in a and b[r][k] > 0]


for row in rows:
    if row[1] is None:
        print(row[0])
        continue
    label, rid, other, how, target, issue = row
    mine = runs.get(rid, {})
    if how == "minus":
        theirs = runs.get(other, {})
        both = [r for r in sorted(mine) if r in theirs]
        dwall = [mine[r][0] - theirs[r][0] for r in both]
        dcpu = [mine[r][2] - theirs[r][2] for r in both]
        print(FMT % (label, len(both), fmt(med(dwall), "+.2f"), fmt(med(dcpu), "+.2f"), "",
                     "(difference)", "", target, issue))
        continue
    walls = [v[0] for v in mine.values()]
    peaks = [v[1] / 1024.0 for v in mine.values()]
    cpus = [v[2] for v in mine.values()]
    ratio = cpu_ratio = ""
    if how == "ratio":
        wm = runs.get(other, {})
        pairs = ratios(wm, mine, 0)
        ratio = "%.2fx [%.2f-%.2f]" % (med(pairs), min(pairs), max(pairs)) if pairs else "-"
        cpu_pairs = ratios(wm, mine, 2)
        cpu_ratio = "%.2fx" % med(cpu_pairs) if cpu_pairs else "-"
    print(FMT % (label, len(walls), fmt(med(walls), ".2f"), fmt(med(cpus), ".2f"), fmt(med(peaks), ".0f"),
                 ratio, cpu_ratio, target, issue))
failed = sorted({rid for rid in [r[1] for r in rows if r[1]] if len(runs.get(rid, {})) < len(rounds)})
print("-" * len(header))
print("%d rounds; medians over the rounds that succeeded (n); MiB: peak memory (max RSS);"
      " ratios wardmap/tool taken round by round, then the median." % len(rounds)
      + (" Failed in some round: %s (see the logs)." % ", ".join(failed) if failed else ""))
if loads:
    print("1-minute load average at the start of the runs: median %.1f, max %.1f (%s cores)"
          % (med(loads), max(loads), os.cpu_count()))
