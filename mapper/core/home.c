#include "home.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *wm_home(void)
{
    const char *env = getenv("WARDMAP_HOME");
    if (env && *env) return env;
    return WARDMAP_DEFAULT_HOME;
}

char *wm_home_path(const char *relative, char *buf, size_t size)
{
    if (relative[0] == '/')
        snprintf(buf, size, "%s", relative);
    else
        snprintf(buf, size, "%s/%s", wm_home(), relative);
    return buf;
}

int wm_make_dirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0) return 0;
    if (n >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
    struct stat st;
    if (stat(buf, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
    return 0;
}

int wm_make_parent_dirs(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash || slash == file) return 0;
    char dir[4096];
    size_t n = (size_t)(slash - file);
    if (n >= sizeof dir) { errno = ENAMETOOLONG; return -1; }
    memcpy(dir, file, n);
    dir[n] = '\0';
    return wm_make_dirs(dir);
}
