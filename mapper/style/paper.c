#include "paper.h"
#include "style.h"

#include <math.h>

#include <stddef.h>
#include <strings.h>

int wm_paper_size(const char *name, int landscape, double *w, double *h)
{
    static const struct { const char *name; double w_mm, h_mm; } papers[] = {
        { "A3", 297, 420 }, { "A4", 210, 297 }, { "A5", 148, 210 }, { NULL, 0, 0 }
    };
    for (int i = 0; papers[i].name; i++)
        if (strcasecmp(name, papers[i].name) == 0) {
            double a = papers[i].w_mm * 72.0 / 25.4, b = papers[i].h_mm * 72.0 / 25.4;
            *w = landscape ? b : a;
            *h = landscape ? a : b;
            return 0;
        }
    return -1;
}

void wm_page_size(const wm_style *st, const int size_px[2], const char *paper, int landscape, int dpi,
                  double *w, double *h, double *dpi_out)
{
    *dpi_out = dpi ? dpi : lround(st->dpi);
    if (size_px && size_px[0] > 0) {
        *w = size_px[0] * 72.0 / *dpi_out;
        *h = size_px[1] * 72.0 / *dpi_out;
        return;
    }
    int land = landscape >= 0 ? landscape : st->landscape;
    if (wm_paper_size(paper ? paper : st->paper, land, w, h) != 0)
        wm_paper_size("A4", land, w, h);   /* the style's paper was checked when it was read */
}
