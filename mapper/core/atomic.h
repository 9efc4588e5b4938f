/* atomic.h -- write a file so that readers see the old one or the whole
 * new one, never a part of it.
 *
 * Every file wardmap writes (figures, tables, index pages, thumbnails,
 * the indicator store, GeoPackages) goes through this module:
 *
 *     wm_atomic *a = wm_atomic_begin("out/map.png", WM_ATOMIC_REPLACE, &err);
 *     FILE *fp = wm_atomic_stream(a, &err);   // or write to wm_atomic_path(a)
 *     ... write ...                           //    by name (cairo, GDAL, SQLite)
 *     wm_atomic_commit(a, &err);              // or wm_atomic_abort(a)
 *
 * The invariant: until commit succeeds the target is never opened for
 * writing, so a failure, a full disk or a kill leaves it exactly as it
 * was.  The temporary file lives in a private directory
 * ".NAME.wardmap-PID-XXXXXX" beside the target (the same file system, so
 * the final rename is atomic); whatever its writer adds there (SQLite's
 * journal) goes with it.  A killed process leaves that directory behind:
 * the next wm_atomic_begin() in the same directory removes the private
 * directories of processes that no longer run.
 *
 * Commit checks everything that can fail late (fflush, fclose, the
 * rename) and reports it as WM_EXIT_IO naming the target.  With
 * WM_ATOMIC_DURABLE the file is also fsync'ed before the rename and its
 * directory after it, so even a crash of the machine cannot leave a
 * renamed but empty file: used for what is slow to remake (the indicator
 * store, GeoPackages).  Figures and tables skip it: an fsync costs about
 * as much as drawing a small figure, and a figure set is remade by
 * running it again.
 *
 * Several outputs of one operation (a figure as PNG, SVG and PDF) are
 * committed together with wm_atomic_commit_all(): all are put in place,
 * or, if one cannot be, the ones already moved are put back as they were,
 * so a failure never leaves a mix of old and new outputs.
 *
 * Not thread-safe for one wm_atomic; different ones may be used from
 * different threads.
 */
#ifndef WM_ATOMIC_H
#define WM_ATOMIC_H

#include "error.h"

#include <stddef.h>
#include <stdio.h>

typedef struct wm_atomic wm_atomic;

/* Flags of wm_atomic_begin(), or'ed. */
enum {
    WM_ATOMIC_REPLACE = 0,   /* an existing target is replaced at commit */
    WM_ATOMIC_NEW = 1,       /* the target must not exist, at begin and at commit */
    WM_ATOMIC_DURABLE = 2    /* fsync the file and its directory (see above) */
};

/* Start writing `target`: make its directory (and parents) if need be,
 * and the private directory beside it.  Errors: WM_EXIT_USAGE when the
 * target is a directory, or exists with WM_ATOMIC_NEW; WM_EXIT_IO when
 * the directories cannot be made. */
wm_atomic *wm_atomic_begin(const char *target, unsigned flags, wm_error *err);

/* The same (replacing), with the temporary file starting as a copy of
 * the existing target, which must exist: for writers that add to a file,
 * such as a GeoPackage given more layers.  The target itself is never
 * modified. */
wm_atomic *wm_atomic_begin_copy(const char *target, unsigned flags, wm_error *err);

/* The temporary file to write, by name. */
const char *wm_atomic_path(const wm_atomic *a);

/* The final name, as given. */
const char *wm_atomic_target(const wm_atomic *a);

/* The temporary file opened for writing ("wb"); the same stream on every
 * call.  Commit closes it and checks that every write succeeded. */
FILE *wm_atomic_stream(wm_atomic *a, wm_error *err);

/* Finish: close the stream (if any), flush the file to disk and move it
 * into place.  Frees `a` whether or not it succeeds; on failure the
 * target is untouched. */
int wm_atomic_commit(wm_atomic *a, wm_error *err);

/* Commit `n` files together: all are moved into place or none is (the
 * targets already replaced are restored).  Frees every entry (NULL
 * entries are skipped). */
int wm_atomic_commit_all(wm_atomic *const *a, size_t n, wm_error *err);

/* Give up: delete the temporary file and directory.  Frees `a` (NULL is
 * allowed). */
void wm_atomic_abort(wm_atomic *a);

/* Write `len` bytes to `target` atomically (begin, write, commit). */
int wm_atomic_write(const char *target, const void *data, size_t len, wm_error *err);

/* Write `target` atomically through `write(fp, ctx)`, whose stream errors
 * commit reports: the whole file or nothing. */
int wm_atomic_write_with(const char *target, void (*write)(FILE *fp, const void *ctx), const void *ctx,
                         wm_error *err);

#endif
