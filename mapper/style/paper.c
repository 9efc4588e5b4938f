#include "paper.h"

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
