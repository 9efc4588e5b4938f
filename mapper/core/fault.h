/* fault.h -- I/O fault injection for the tests, in the style of SQLite's.
 *
 * A build configured with -DWARDMAP_FAULTS=ON (tests/faults/run.sh makes
 * one in its own tree) has a fault point at every place where writing an
 * output can fail:
 *
 *   write    each write an output stream makes (the streams of atomic.h,
 *            through which PNG, SVG, PDF, CSV, HTML and QML are written),
 *            the close of that stream, the copy of a file begun with
 *            wm_atomic_begin_copy(), and every write or truncate SQLite
 *            makes (the indicator store, and GDAL's GeoPackages, which
 *            use the same SQLite);
 *   sync     every fsync of atomic.h and of SQLite;
 *   rename   every link and rename that puts a file in place (atomic.h);
 *   mkdir    the private directory a write begins with (atomic.h);
 *   step     every statement the importer steps (store_internal.h).
 *
 * The environment chooses what fails:
 *
 *   WARDMAP_FAULT=N        the Nth point passed fails (counting from 1),
 *                          as a full disk or an I/O error would;
 *   WARDMAP_FAULT=N+       the Nth point and every one after it fail (the
 *                          disk stays full);
 *   WARDMAP_FAULT_LOG=FILE each point passed appends "N KIND SITE" to FILE
 *                          (how a test learns how many points a run has).
 *
 * A failing write sets errno to ENOSPC, any other point to EIO; SQLite
 * gets SQLITE_FULL or SQLITE_IOERR_*.  Undoing what failed (removing a
 * private directory, putting back a replaced file) is never a point:
 * recovery must not be what is tested to fail.
 *
 * In every other build wm_fault() is the constant 0 and wm_fault_fopen()
 * is fopen(): the points cost nothing.
 */
#ifndef WM_FAULT_H
#define WM_FAULT_H

#include <stdio.h>

typedef enum wm_fault_kind {
    WM_FAULT_WRITE,
    WM_FAULT_SYNC,
    WM_FAULT_RENAME,
    WM_FAULT_MKDIR,
    WM_FAULT_STEP
} wm_fault_kind;

#ifdef WARDMAP_FAULTS

/* 1 when this point is to fail (errno is then set), else 0.  `site`
 * names the point in the log.  Thread-safe. */
int wm_fault(wm_fault_kind kind, const char *site);

/* fopen() for writing, whose every write to the file is a write point. */
FILE *wm_fault_fopen(const char *path, const char *mode);

#else

#define wm_fault(kind, site) 0
#define wm_fault_fopen(path, mode) fopen((path), (mode))

#endif

#endif
