"""halo_pixels.py PPM WORDS_HTML DPI LOW HIGH WORD...

Checks that each WORD (found once in WORDS_HTML, the word boxes of
`pdftotext -bbox`, in points) has between LOW and HIGH percent of the
pixels of its box pale (every channel at least 200) in PPM, the page
rasterised by `pdftoppm -r DPI` (P6).  A map label's box is pale where
its halo lies over the map's colours: about a third of the box with the
halo, almost none without it.  Exit 1 with one line when a word fails."""
import re
import sys

ppm, html, dpi = sys.argv[1], sys.argv[2], float(sys.argv[3])
low, high = float(sys.argv[4]), float(sys.argv[5])
data = open(ppm, 'rb').read()
m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+255\s', data)
if not m:
    sys.exit(f'{ppm}: not an 8-bit PPM')
width, height = int(m.group(1)), int(m.group(2))
pixels = data[m.end():]
words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                   open(html, encoding='utf-8').read())
k = dpi / 72
for want in sys.argv[6:]:
    boxes = [b for b in words if b[4] == want]
    if len(boxes) != 1:
        sys.exit(f'{want}: {len(boxes)} words of that text in {html}, want 1')
    x0, y0, x1, y1 = (float(v) * k for v in boxes[0][:4])
    pale = total = 0
    for y in range(max(0, int(y0)), min(height, int(y1))):
        for x in range(max(0, int(x0)), min(width, int(x1))):
            i = 3 * (y * width + x)
            total += 1
            pale += min(pixels[i], pixels[i + 1], pixels[i + 2]) >= 200
    share = 100 * pale / total if total else 0
    if not low <= share <= high:
        sys.exit(f'{want}: {share:.0f}% of its box pale, want {low:g}% to {high:g}%')
