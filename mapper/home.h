/* home.h -- where wardmap finds its bundled files.
 *
 * The home holds layers/ (bundled data), styles/ (palettes, map styles,
 * recipes) and, by default, the indicator store.  It is, in order: the
 * WARDMAP_HOME environment variable; the directory the source tree was
 * configured from (compiled in).  Relative paths in recipes and styles
 * are resolved against the home, not the working directory.
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

#endif
