/* geojson_halves.h -- a large GeoJSON FeatureCollection as two
 * FeatureCollections, so that two GDAL readers parse it at once.
 *
 * GDAL's GeoJSON driver parses a file on one thread, and that parse is
 * most of a first national map (England and Wales' 55 MB of LSOAs).
 * This cuts the root object's "features" array at the comma between two
 * of its elements nearest the middle of the file, and shows GDAL each
 * side as a file of its own (a virtual file system of GDAL's,
 * VSIInstallPluginHandler), served from the source's bytes without a
 * copy:
 *
 *   half 0: the source up to the comma, then "]}";
 *   half 1: the source up to and including the array's "[", then the
 *           source after the comma, to its end.
 *
 * Half 0's features then half 1's are the source's features, in order.
 * Half 1 keeps every member of the root object; half 0 lacks those
 * written after "features" (a "crs" there, say), so a caller compares
 * what it reads of them (the layer's SRS) before it trusts the halves.
 *
 * The comma is found by following the JSON's strings (with their
 * escapes) and brackets from the start of the file: it must separate two
 * elements of the array that is the value of the root object's first
 * "features" member.  No value is read: GDAL parses every feature.
 * Nothing about the features is checked here either: GDAL's errors on
 * either half are the caller's to act on.
 *
 *     wm_geojson_halves *h = wm_geojson_halves_open("ew_lsoa_2011_bgc.geojson");
 *     if (h) {
 *         GDALOpenEx(wm_geojson_halves_path(h, 0), ...) on one thread,
 *         GDALOpenEx(wm_geojson_halves_path(h, 1), ...) on another;
 *         wm_geojson_halves_close(h);   // files already open stay readable
 *     }
 *
 * Thread-safe.  The virtual files are read-only; a file open on a half
 * keeps its own descriptor of the source, so it outlives the halves.
 */
#ifndef WM_GEOJSON_HALVES_H
#define WM_GEOJSON_HALVES_H

typedef struct wm_geojson_halves wm_geojson_halves;

/* The halves of `file`, or NULL when it is not cut: it cannot be read,
 * its root is not an object, its "features" array does not start within
 * the first MiB, or no comma of the array lies in the file's second
 * half (fewer than two features, say). */
wm_geojson_halves *wm_geojson_halves_open(const char *file);

/* The path GDAL opens half `half` (0 or 1) by.  Its last part is the
 * source's file name, so GDAL names the layer of each half as it names
 * the source's. */
const char *wm_geojson_halves_path(const wm_geojson_halves *h, int half);

/* The byte offset in the source where half 1's elements start: more
 * than the number of features in half 0, each feature being at least a
 * byte. */
long long wm_geojson_halves_cut(const wm_geojson_halves *h);

/* Forget the halves: their paths no longer open.  Files already open on
 * them stay readable until closed. */
void wm_geojson_halves_close(wm_geojson_halves *h);

#endif
