/* home.h -- where wardmap finds its bundled files.
 *
 * The home holds layers/ (bundled data), styles/ (palettes, map styles,
 * recipes) and, by default, the indicator store.  It is, in order: the
 * WARDMAP_HOME environment variable; the directory the source tree was
 * configured from (compiled in).  Relative paths in recipes and styles
 * are resolved against the home, not the working directory.
 *
 * It also makes the folders outputs go into: every writer (figures,
 * store, GeoPackage, gallery) creates missing folders the same way.
 */
#ifndef WM_HOME_H
#define WM_HOME_H

#include <stddef.h>

/* The home directory (no trailing slash). */
const char *wm_home(void);

/* Join the home and a relative path into buf ("layers/x.csv" ->
 * "/path/to/home/layers/x.csv"); absolute paths are copied as they are.
 * Returns buf. */
char *wm_home_path(const char *relative, char *buf, size_t size);

/* Create a directory and its parents (like mkdir -p); 0 on success, -1
 * (errno set) when a component cannot be made or is not a directory. */
int wm_make_dirs(const char *path);

/* Create the directory a file will be written into (and its parents);
 * a bare file name needs none.  0 on success, -1 (errno set) on failure. */
int wm_make_parent_dirs(const char *file);

#endif
