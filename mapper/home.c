#include "home.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
