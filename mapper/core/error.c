#include "error.h"
#include "text.h"
#include "utf8.h"

#include <cairo.h>
#include <pthread.h>
#include <cpl_error.h>
#include <fontconfig/fontconfig.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void wm_error_clear(wm_error *err)
{
    if (!err) return;
    err->code = 0;
    err->msg[0] = '\0';
    err->option[0] = '\0';
}

int wm_error_about(wm_error *err, const char *option)
{
    if (err) snprintf(err->option, sizeof err->option, "%s", option ? option : "");
    return -1;
}

static void set_message(wm_error *err, int code, const char *fmt, va_list ap)
{
    char raw[sizeof err->msg];
    vsnprintf(raw, sizeof raw, fmt, ap);
    /* One line of valid UTF-8, whatever a file quoted into it. */
    wm_text_escape(raw, err->msg, sizeof err->msg);
    err->code = code;
    err->option[0] = '\0';
}

int wm_error_set(wm_error *err, int code, const char *fmt, ...)
{
    if (!err) return -1;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, fmt, ap);
    va_end(ap);
    return -1;
}

int wm_error_set_about(wm_error *err, int code, const char *option, const char *fmt, ...)
{
    if (!err) return -1;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, fmt, ap);
    va_end(ap);
    return wm_error_about(err, option);
}

void wm_error_prefix(wm_error *err, const char *fmt, ...)
{
    if (!err) return;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[sizeof err->msg];
    memcpy(old, err->msg, sizeof old);
    size_t plen = strlen(prefix);
    if (plen + 2 >= sizeof err->msg) return;
    memcpy(err->msg, prefix, plen);
    memcpy(err->msg + plen, ": ", 2);
    size_t room = sizeof err->msg - plen - 3;
    size_t olen = strnlen(old, room);
    memcpy(err->msg + plen + 2, old, olen);
    err->msg[plen + 2 + olen] = '\0';
}

static void quiet_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)cls; (void)num; (void)msg;
    /* CPLGetLastErrorMsg() still holds the message for us to quote. */
}

void wm_gdal_init(void)
{
    static int done;
    if (done) return;
    done = 1;
    GDALAllRegister();
    CPLSetErrorHandler(quiet_handler);
}

static pthread_mutex_t shutdown_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*shutdown_hooks[8])(void);
static int nshutdown_hooks;

void wm_at_shutdown(void (*fn)(void))
{
    pthread_mutex_lock(&shutdown_lock);
    int known = 0;
    for (int i = 0; i < nshutdown_hooks; i++) known |= shutdown_hooks[i] == fn;
    if (!known && nshutdown_hooks < 8) shutdown_hooks[nshutdown_hooks++] = fn;
    pthread_mutex_unlock(&shutdown_lock);
}

void wm_shutdown(void)
{
    pthread_mutex_lock(&shutdown_lock);
    int n = nshutdown_hooks;
    pthread_mutex_unlock(&shutdown_lock);
    for (int i = 0; i < n; i++) shutdown_hooks[i]();
    GDALDestroyDriverManager();
    OGRCleanupAll();
    cairo_debug_reset_static_data();
    FcFini();
}

const char *wm_gdal_last_error(void)
{
    const char *m = CPLGetLastErrorMsg();
    return m ? m : "";
}
