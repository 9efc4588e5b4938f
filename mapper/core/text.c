#include "text.h"

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
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    return strndup(s, n);
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
