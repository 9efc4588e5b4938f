#include "text.h"
#include "utf8.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

void wm_split_layer_spec(const char *spec, char **file, char **layer)
{
    *layer = NULL;
    struct stat st;
    const char *colon = strrchr(spec, ':');
    /* A path that exists as written wins over any reading of ':'. */
    if (!colon || stat(spec, &st) == 0 || colon[1] == '/' || colon[1] == '\\' ||
        colon[1] == '\0' || (colon == spec + 1)) {
        *file = strdup(spec);
        return;
    }
    *file = strndup(spec, (size_t)(colon - spec));
    *layer = strdup(colon + 1);
}

char *wm_trimmed_dup(const char *s)
{
    return wm_utf8_trimmed_dup(s);
}

int wm_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

void wm_one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = ' ';
}

void wm_name_key(const char *name, char *out, size_t size)
{
    size_t o = 0;
    int space = 0;
    if (size == 0) return;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 1 < size; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = o > 0;
            continue;
        }
        if (space) {
            if (o + 2 >= size) break;   /* no room for the space and what follows */
            out[o++] = ' ';
            space = 0;
        }
        if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x98 || p[2] == 0x99)) {
            out[o++] = '\'';
            p += 2;
        } else if (*p == '`') {
            out[o++] = '\'';
        } else {
            out[o++] = (char)tolower(*p);
        }
    }
    out[o] = '\0';
}

int wm_split_list(const char *text, char ***out, wm_error *err)
{
    int n = 0;
    *out = NULL;
    char *copy = strdup(text), *save = NULL;
    if (!copy) return wm_error_set(err, WM_EXIT_USAGE, "out of memory");
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *item = wm_trimmed_dup(tok);
        if (item && !*item) {
            free(item);
            continue;
        }
        char **more = item ? realloc(*out, (size_t)(n + 1) * sizeof **out) : NULL;
        if (!more) {
            free(item);
            free(copy);
            wm_list_free(*out, n);
            *out = NULL;
            return wm_error_set(err, WM_EXIT_USAGE, "out of memory");
        }
        *out = more;
        (*out)[n++] = item;
    }
    free(copy);
    return n;
}

void wm_list_free(char **list, int n)
{
    for (int i = 0; i < n; i++) free(list[i]);
    free(list);
}

const char *wm_format_number(double v, int decimals, char *buf, size_t size)
{
    char plain[64];
    snprintf(plain, sizeof plain, "%.*f", decimals < 0 ? 0 : decimals > 12 ? 12 : decimals, v);
    const char *digits = plain;
    size_t o = 0;
    if (*digits == '-') {
        digits++;
        if (strspn(digits, "0.") != strlen(digits) && o + 1 < size) buf[o++] = '-';
    }
    size_t whole = strcspn(digits, ".");
    for (size_t i = 0; digits[i] && o + 1 < size; i++) {
        if (i > 0 && i < whole && (whole - i) % 3 == 0 && o + 2 < size) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    if (size) buf[o < size ? o : size - 1] = '\0';
    return buf;
}

size_t wm_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t *row = malloc((m + 1) * sizeof *row);
    if (!row) return n > m ? n : m;
    for (size_t j = 0; j <= m; j++) row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diagonal + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diagonal = up;
        }
    }
    size_t d = row[m];
    free(row);
    return d;
}

char *wm_read_text_file(const char *path, size_t max_bytes, wm_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        if (errno == ENOENT) wm_error_set(err, WM_EXIT_DATA, "%s: no such file", path);
        else wm_error_set(err, WM_EXIT_DATA, "%s: cannot open (%s)", path, strerror(errno));
        return NULL;
    }
    size_t cap = 8192, len = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
        len += got;
        if (max_bytes && len > max_bytes) break;
        if (cap - len < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!buf || bad) {
        free(buf);
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read", path);
        return NULL;
    }
    if (max_bytes && len > max_bytes) {
        free(buf);
        wm_error_set(err, WM_EXIT_DATA, "%s: larger than %zu bytes; not a file of this kind", path, max_bytes);
        return NULL;
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        wm_error_set(err, WM_EXIT_DATA, "%s: not a text file (it holds a NUL byte)", path);
        return NULL;
    }
    return buf;
}

char *wm_path_join(const char *dir, const char *rel)
{
    size_t n = (dir ? strlen(dir) : 0) + strlen(rel) + 2;
    char *joined = malloc(n);
    if (!joined) return NULL;
    if (rel[0] == '/' || !dir || !*dir) snprintf(joined, n, "%s", rel);
    else snprintf(joined, n, "%s/%s", dir, rel);
    /* Walk the components, keeping a stack of where each began. */
    char *out = malloc(n + 1);
    if (!out) {
        free(joined);
        return NULL;
    }
    int absolute = joined[0] == '/';
    size_t o = 0, kept = 0;   /* kept: components that a ".." may remove */
    const char *p = joined;
    if (absolute) out[o++] = '/';
    while (*p) {
        while (*p == '/') p++;
        const char *q = p;
        while (*q && *q != '/') q++;
        size_t len = (size_t)(q - p);
        if (len == 0) break;
        if (len == 1 && p[0] == '.') {
            /* nothing */
        } else if (len == 2 && p[0] == '.' && p[1] == '.' && kept > 0) {
            /* drop the last component */
            while (o > (absolute ? 1u : 0u) && out[o - 1] != '/') o--;
            if (o > (absolute ? 1u : 0u)) o--;
            kept--;
        } else if (len == 2 && p[0] == '.' && p[1] == '.' && absolute) {
            /* ".." above the root stays at the root */
        } else {
            if (o > (absolute ? 1u : 0u)) out[o++] = '/';
            memcpy(out + o, p, len);
            o += len;
            if (!(len == 2 && p[0] == '.' && p[1] == '.')) kept++;
        }
        p = q;
    }
    if (o == 0) out[o++] = '.';
    out[o] = '\0';
    free(joined);
    return out;
}
