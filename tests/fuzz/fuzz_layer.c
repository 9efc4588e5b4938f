/* libFuzzer harness: layer.h (a boundary layer), as GeoJSON in GDAL's
 * /vsimem/, projected to British National Grid.  Beyond not crashing:
 * a layer read has sorted unique keys, valid UTF-8 names and a finite
 * extent. */
#include "fuzz.h"
#include "layer.h"

#include <cpl_vsi.h>
#include <math.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    wm_gdal_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = "/vsimem/fuzz_layer.geojson";
    VSILFILE *fp = VSIFileFromMemBuffer(path, (GByte *)data, (vsi_l_offset)size, FALSE);
    if (!fp) return 0;
    VSIFCloseL(fp);
    wm_error err;
    wm_error_clear(&err);
    wm_layer *L = wm_layer_read(path, NULL, NULL, NULL, &err);
    if (L) {
        WM_FUZZ_ASSERT(L->n >= 1);
        for (size_t i = 0; i < L->n; i++) {
            WM_FUZZ_ASSERT(*L->features[i].key && wm_utf8_valid(L->features[i].key));
            WM_FUZZ_ASSERT(wm_utf8_valid(L->features[i].name));
            if (i) WM_FUZZ_ASSERT(strcmp(L->features[i - 1].key, L->features[i].key) < 0);
        }
        WM_FUZZ_ASSERT(isfinite(L->minx) && isfinite(L->miny) && isfinite(L->maxx) && isfinite(L->maxy));
        WM_FUZZ_ASSERT(L->minx <= L->maxx && L->miny <= L->maxy);
        wm_layer_free(L);
    } else {
        wm_fuzz_check_error(&err, 1);
    }
    VSIUnlink(path);
    return 0;
}
