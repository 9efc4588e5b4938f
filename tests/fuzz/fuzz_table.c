/* libFuzzer harness: table.h (the strict CSV reader), through a file in
 * GDAL's /vsimem/.  Beyond not crashing: a table read holds only valid
 * UTF-8, its rows' lines increase, and GDAL never disagrees with the
 * structure check (csv_check.h) about rows or columns. */
#include "fuzz.h"
#include "table.h"

#include <cpl_vsi.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    wm_gdal_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = "/vsimem/fuzz_table.csv";
    VSILFILE *fp = VSIFileFromMemBuffer(path, (GByte *)data, (vsi_l_offset)size, FALSE);
    if (!fp) return 0;
    VSIFCloseL(fp);
    wm_error err;
    wm_error_clear(&err);
    wm_table *t = wm_table_read(path, &err);
    if (t) {
        WM_FUZZ_ASSERT(t->ncols >= 1);
        for (int c = 0; c < t->ncols; c++) WM_FUZZ_ASSERT(wm_utf8_valid(t->colnames[c]));
        for (size_t r = 0; r < t->nrows; r++) {
            WM_FUZZ_ASSERT(wm_table_line(t, r) >= 2);
            if (r) WM_FUZZ_ASSERT(wm_table_line(t, r) > wm_table_line(t, r - 1));
            for (int c = 0; c < t->ncols; c++) WM_FUZZ_ASSERT(wm_utf8_valid(wm_table_cell(t, r, c)));
        }
        (void)wm_table_column(t, "value");
        wm_table_free(t);
    } else {
        wm_fuzz_check_error(&err, 1);
        /* The check and GDAL disagreed on the rows or columns. */
        WM_FUZZ_ASSERT(strncmp(err.msg, "/vsimem/fuzz_table.csv: GDAL reads ", 35) != 0);
    }
    VSIUnlink(path);
    return 0;
}
