#include "testutil.h"
#include "error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int wm_test_passed, wm_test_failed;

void wm_test_check(int ok, const char *expr, const char *file, int line)
{
    if (ok) { wm_test_passed++; return; }
    wm_test_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
}

void wm_test_check_near(double got, double want, double tol, const char *expr,
                        const char *file, int line)
{
    if (fabs(got - want) <= tol) { wm_test_passed++; return; }
    wm_test_failed++;
    fprintf(stderr, "FAIL %s:%d: %s = %.10g, want %.10g (tolerance %g)\n", file, line, expr, got, want, tol);
}

void wm_test_check_str(const char *got, const char *want, const char *expr,
                       const char *file, int line)
{
    if (got && want && strcmp(got, want) == 0) { wm_test_passed++; return; }
    wm_test_failed++;
    fprintf(stderr, "FAIL %s:%d: %s = \"%s\", want \"%s\"\n", file, line, expr,
            got ? got : "(null)", want ? want : "(null)");
}

int wm_test_summary(void)
{
    printf("%d passed, %d failed\n", wm_test_passed, wm_test_failed);
    return wm_test_failed ? 1 : 0;
}

const char *wm_test_home_path(const char *relative)
{
    static char buf[8][4096];
    static int slot;
    const char *home = getenv("WARDMAP_HOME");
    char *b = buf[slot++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", home ? home : "..", relative);
    return b;
}

const char *wm_test_tmpdir(void)
{
    static char dir[4096];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "./wmtest-%ld", (long)getpid());
        mkdir(dir, 0755);
    }
    return dir;
}

int wm_test_write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, fp) == n;
    return fclose(fp) == 0 && ok ? 0 : -1;
}
