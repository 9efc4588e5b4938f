/* palette.c -- ColorBrewer schemes from styles/colorbrewer.json.
 *
 * File layout (see styles/PROVENANCE.md): an object of schemes keyed by
 * name; each has "type", "colors" {"3": ["#rrggbb", ...], ...} and the
 * flags "blind", "print", "copy", "screen": lists indexed by class count
 * starting at 3, where a one-element list applies to every count.
 */
#include "palette.h"
#include "error.h"
#include "file_id.h"
#include "home.h"

#include <ctype.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *wm_palette_default_path(void)
{
    static _Thread_local char path[4096];   /* per thread: figures runs items in parallel */
    return wm_home_path("styles/colorbrewer.json", path, sizeof path);
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int wm_rgb_parse(const char *hex, wm_rgb *out)
{
    if (!hex || hex[0] != '#') return -1;
    size_t len = strlen(hex + 1);
    if (len != 3 && len != 6) return -1;
    int d[6];
    for (size_t i = 0; i < len; i++)
        if ((d[i] = hex_digit((unsigned char)hex[1 + i])) < 0) return -1;
    int v[3];
    for (int i = 0; i < 3; i++)
        v[i] = len == 6 ? d[2 * i] * 16 + d[2 * i + 1] : d[i] * 17;   /* "#f80" = "#ff8800" */
    out->r = v[0] / 255.0;
    out->g = v[1] / 255.0;
    out->b = v[2] / 255.0;
    return 0;
}

/* The scheme files read so far, parsed once: a figure set asks for a
 * palette in every figure, and parsing the 40 kB of JSON each time was
 * 3% of Coventry's set.  A file is read again when its device, inode,
 * size or modification time changes.  Readers share a parsed file
 * without taking references (json-c counts references without atomics):
 * they only read it, and wm_shutdown() frees it when no reader is left. */
#define KEPT_FILES 4

static struct kept_schemes {
    char path[4096];
    wm_file_id id;
    json_object *root;
} kept[KEPT_FILES];
static size_t nkept;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static void forget_schemes(void)
{
    pthread_mutex_lock(&kept_lock);
    for (size_t i = 0; i < nkept; i++) json_object_put(kept[i].root);
    nkept = 0;
    pthread_mutex_unlock(&kept_lock);
}

/* The kept parse of `path` in the state `id`, or NULL; under kept_lock. */
static json_object *find_kept(const char *path, const wm_file_id *id)
{
    for (size_t i = 0; i < nkept && i < KEPT_FILES; i++)
        if (strcmp(kept[i].path, path) == 0 && wm_file_id_same(&kept[i].id, id)) return kept[i].root;
    return NULL;
}

/* The schemes of `path`, parsed once (above); NULL with err set when the
 * file cannot be read or is not a JSON object.  *owned says whether the
 * caller must release it (json_object_put): only when it was not kept. */
static json_object *read_schemes(const char *path, int *owned, wm_error *err)
{
    *owned = 0;
    if (!path) path = wm_palette_default_path();
    wm_file_id id;
    int known = wm_file_identify(path, &id) == 0 && strlen(path) < sizeof kept[0].path;
    if (known) {
        pthread_mutex_lock(&kept_lock);
        json_object *root = find_kept(path, &id);
        pthread_mutex_unlock(&kept_lock);
        if (root) return root;
    }

    json_object *root = json_object_from_file(path);
    if (!root) {
        const char *why = json_util_get_last_err();
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read colour schemes: %s", path,
                     why ? why : "not valid JSON");
        return NULL;
    }
    if (!json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        wm_error_set(err, WM_EXIT_DATA, "%s: colour schemes must be a JSON object keyed by scheme name", path);
        return NULL;
    }
    pthread_mutex_lock(&kept_lock);
    *owned = 1;
    json_object *other = known ? find_kept(path, &id) : NULL;
    if (other) {
        /* Another thread kept it meanwhile: this copy goes. */
        json_object_put(root);
        root = other;
        *owned = 0;
        known = 0;
    }
    /* A full table keeps what it has (a reader may be using any entry):
     * the file is then parsed for each caller, as is one stat cannot see. */
    if (known && nkept < KEPT_FILES) {
        struct kept_schemes *k = &kept[nkept++];
        snprintf(k->path, sizeof k->path, "%s", path);
        k->id = id;
        k->root = root;
        *owned = 0;
        if (nkept == 1) wm_at_shutdown(forget_schemes);
    }
    pthread_mutex_unlock(&kept_lock);
    return root;
}

/* The scheme called `name` (any case); its published name into *canon. */
static json_object *find_scheme(json_object *root, const char *name, const char **canon)
{
    json_object_object_foreach(root, key, val) {
        if (strcasecmp(key, name) == 0) {
            *canon = key;
            return val;
        }
    }
    return NULL;
}

/* Case-insensitive: does `hay` contain `needle`? */
static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return 1;
    return n == 0;
}

/* Smallest and largest class counts published for a scheme. */
static int count_range(json_object *scheme, int *lo, int *hi)
{
    json_object *colors;
    *lo = *hi = 0;
    if (!json_object_object_get_ex(scheme, "colors", &colors) ||
        !json_object_is_type(colors, json_type_object))
        return -1;
    json_object_object_foreach(colors, key, val) {
        (void)val;
        int n = atoi(key);
        if (n <= 0) continue;
        if (!*lo || n < *lo) *lo = n;
        if (n > *hi) *hi = n;
    }
    return *lo ? 0 : -1;
}

/* The flag for `n` classes: element n-3 of the list (counts below 3 use
 * the 3-class flag), the only element of a one-element list, and
 * "unsure" when the file gives nothing for this count. */
static wm_suitability flag_at(json_object *scheme, const char *flag, int n)
{
    json_object *list;
    if (!json_object_object_get_ex(scheme, flag, &list) || !json_object_is_type(list, json_type_array))
        return WM_SUIT_UNSURE;
    size_t len = json_object_array_length(list);
    size_t idx = len == 1 ? 0 : (size_t)(n < 3 ? 0 : n - 3);
    if (idx >= len) return WM_SUIT_UNSURE;
    int v = json_object_get_int(json_object_array_get_idx(list, idx));
    return v == 0 ? WM_SUIT_NO : v == 1 ? WM_SUIT_YES : WM_SUIT_UNSURE;
}

static const char *scheme_type(json_object *scheme)
{
    json_object *t;
    if (!json_object_object_get_ex(scheme, "type", &t)) return "";
    const char *s = json_object_get_string(t);
    return s ? s : "";
}

int wm_palette_load(const char *path, const char *name, int n, int reverse,
                    wm_palette *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!path) path = wm_palette_default_path();
    if (!name || !*name) return wm_error_set(err, WM_EXIT_USAGE, "no colour scheme named");
    int owned;
    json_object *root = read_schemes(path, &owned, err);
    if (!root) return -1;

    const char *canon = NULL;
    json_object *scheme = find_scheme(root, name, &canon);
    if (!scheme) {
        /* Near names: either name contains the other, ignoring case; with
         * none, every scheme, so the message always says what exists. */
        char near[768] = "", all[768] = "";
        size_t no = 0, ao = 0;
        json_object_object_foreach(root, key, val) {
            (void)val;
            int close = contains_nocase(key, name) || contains_nocase(name, key);
            if (close && no < sizeof near)
                no += (size_t)snprintf(near + no, sizeof near - no, "%s%s", no ? ", " : "", key);
            if (ao < sizeof all)
                ao += (size_t)snprintf(all + ao, sizeof all - ao, "%s%s", ao ? ", " : "", key);
        }
        wm_error_set(err, WM_EXIT_USAGE, "unknown colour scheme \"%s\" in %s; %s: %s", name, path,
                     near[0] ? "did you mean" : "schemes are", near[0] ? near : all);
        if (owned) json_object_put(root);
        return -1;
    }

    int lo, hi;
    if (count_range(scheme, &lo, &hi) != 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: scheme %s has no \"colors\"", path, canon);
        if (owned) json_object_put(root);
        return -1;
    }
    if (n < 1 || n > hi || n > 12) {
        wm_error_set(err, WM_EXIT_USAGE, "colour scheme %s is published for %d to %d classes, "
                     "not %d (1 and 2 are taken from the 3-class colours)", canon, lo, hi, n);
        if (owned) json_object_put(root);
        return -1;
    }

    /* ColorBrewer publishes no scheme below 3 classes.  For 1 or 2 the
     * colours are taken from the 3-class list: its middle colour for 1,
     * its first and last for 2, so the two stay as far apart as the
     * scheme allows. */
    int from_n = n < lo ? lo : n;
    char key[16];
    snprintf(key, sizeof key, "%d", from_n);
    json_object *colors, *list;
    json_object_object_get_ex(scheme, "colors", &colors);
    if (!json_object_object_get_ex(colors, key, &list) || !json_object_is_type(list, json_type_array) ||
        json_object_array_length(list) != (size_t)from_n) {
        wm_error_set(err, WM_EXIT_DATA, "%s: scheme %s: \"colors\" has no list of %d colours",
                     path, canon, from_n);
        if (owned) json_object_put(root);
        return -1;
    }
    int pick[12];
    if (n == from_n) for (int i = 0; i < n; i++) pick[i] = i;
    else if (n == 1) pick[0] = from_n / 2;
    else { pick[0] = 0; pick[1] = from_n - 1; }

    for (int i = 0; i < n; i++) {
        const char *hex = json_object_get_string(json_object_array_get_idx(list, (size_t)pick[i]));
        int slot = reverse ? n - 1 - i : i;
        if (!hex || strlen(hex) >= sizeof out->hex[0] || wm_rgb_parse(hex, &out->colour[slot]) != 0) {
            wm_error_set(err, WM_EXIT_DATA, "%s: scheme %s, %d classes: colour %d (\"%s\") is not #rrggbb",
                         path, canon, from_n, pick[i] + 1, hex ? hex : "");
            if (owned) json_object_put(root);
            memset(out, 0, sizeof *out);
            return -1;
        }
        snprintf(out->hex[slot], sizeof out->hex[slot], "%s", hex);
    }
    snprintf(out->name, sizeof out->name, "%s", canon);
    snprintf(out->type, sizeof out->type, "%s", scheme_type(scheme));
    out->n = n;
    out->blind = flag_at(scheme, "blind", n);
    out->print = flag_at(scheme, "print", n);
    out->copy = flag_at(scheme, "copy", n);
    out->screen = flag_at(scheme, "screen", n);
    if (owned) json_object_put(root);
    return 0;
}

int wm_palette_suggest_safe(const char *path, const char *type, int n, char *buf, size_t size)
{
    if (size) buf[0] = '\0';
    if (!path) path = wm_palette_default_path();
    int owned;
    json_object *root = read_schemes(path, &owned, NULL);
    if (!root) return -1;
    /* `type` may be a scheme name: use that scheme's type. */
    const char *canon;
    json_object *named = type ? find_scheme(root, type, &canon) : NULL;
    const char *want = named ? scheme_type(named) : type ? type : "";

    int found = 0;
    size_t o = 0;
    json_object_object_foreach(root, key, scheme) {
        int lo, hi;
        if (strcasecmp(scheme_type(scheme), want) != 0 || count_range(scheme, &lo, &hi) != 0) continue;
        if (n < 1 || n > hi || flag_at(scheme, "blind", n) != WM_SUIT_YES) continue;
        int w = snprintf(buf + o, o < size ? size - o : 0, "%s%s", found ? ", " : "", key);
        if (w > 0) o += (size_t)w;
        found++;
    }
    if (size && o >= size) buf[size - 1] = '\0';
    if (owned) json_object_put(root);
    return found;
}

void wm_comparison_colours(int higher_is_worse, const char *hex[3])
{
    const char *worse = "#e66101", *better = "#5e3c99", *similar = "#f7f7f7";
    if (higher_is_worse == 1) { hex[0] = better; hex[1] = similar; hex[2] = worse; }
    else if (higher_is_worse == 0) { hex[0] = worse; hex[1] = similar; hex[2] = better; }
    else { hex[0] = "#c6dbef"; hex[1] = similar; hex[2] = "#2171b5"; }
}
