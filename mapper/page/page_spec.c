#include "page_spec.h"
#include "paper.h"

#include <stdio.h>
#include <string.h>

int wm_page_spec_from_args(const wm_args *a, const char *command, wm_page_spec *spec, wm_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->landscape = -1;
    int nout = 0;
    const char **outputs = wm_args_all(a, "output", &nout);
    if (nout == 0) return wm_error_set_about(err, WM_EXIT_USAGE, "output", "%s: -o OUT is required", command);
    if (nout > WM_PAGE_MAX_OUTPUTS)
        return wm_error_set_about(err, WM_EXIT_USAGE, "output", "%s: at most %d outputs", command, WM_PAGE_MAX_OUTPUTS);
    for (int i = 0; i < nout; i++) {
        wm_format f;
        if (wm_format_from_path(outputs[i], &f) != 0)
            return wm_error_set_about(err, WM_EXIT_USAGE, "output", "%s: the output must end in .png, .svg or .pdf",
                                      outputs[i]);
        spec->outputs[spec->noutputs++] = outputs[i];
    }
    if (wm_args_int(a, "dpi", 0, 36, 1200, &spec->dpi, err) != 0) return -1;
    const char *size = wm_args_get(a, "size", NULL);
    if (size) {
        int w, h;
        char tail;
        if (sscanf(size, "%dx%d%c", &w, &h, &tail) != 2 || w < 100 || h < 100 || w > 20000 || h > 20000)
            return wm_error_set_about(err, WM_EXIT_USAGE, "size", "--size \"%s\": use WxH in pixels, e.g. 2480x3508",
                                      size);
        spec->size_px[0] = w;
        spec->size_px[1] = h;
    }
    spec->paper = wm_args_get(a, "paper", NULL);
    double pw, ph;
    if (spec->paper && wm_paper_size(spec->paper, 0, &pw, &ph) != 0)
        return wm_error_set_about(err, WM_EXIT_USAGE, "paper", "--paper \"%s\": use A3, A4 or A5", spec->paper);
    spec->landscape = wm_args_has(a, "landscape") ? 1 : wm_args_has(a, "portrait") ? 0 : -1;
    spec->thumbnail = wm_args_get(a, "thumbnail", NULL);
    if (spec->thumbnail) {
        int png = 0;
        for (int i = 0; i < spec->noutputs && !png; i++) {
            wm_format f;
            png = wm_format_from_path(spec->outputs[i], &f) == 0 && f == WM_FORMAT_PNG;
        }
        if (!png) return wm_error_set_about(err, WM_EXIT_USAGE, "thumbnail", "--thumbnail needs a .png output");
    }
    return 0;
}

size_t wm_page_spec_outputs(const wm_page_spec *spec, wm_output *out)
{
    int thumbnail_given = 0;
    for (int i = 0; i < spec->noutputs; i++) {
        wm_format f;
        out[i] = (wm_output){ spec->outputs[i], NULL, 0 };
        if (spec->thumbnail && !thumbnail_given && wm_format_from_path(spec->outputs[i], &f) == 0 &&
            f == WM_FORMAT_PNG) {
            out[i].thumbnail = spec->thumbnail;
            out[i].thumbnail_width = 480;
            thumbnail_given = 1;
        }
    }
    return (size_t)spec->noutputs;
}
