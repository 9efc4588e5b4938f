/* Unit tests for atomic.h: a target is either the old file or the whole
 * new one, and a group of outputs is replaced all together or not at all. */
#include "atomic.h"
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Entries of `dir` other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}

static int put(wm_atomic *a, const char *text)
{
    wm_error err;
    FILE *fp = wm_atomic_stream(a, &err);
    return fp && fputs(text, fp) >= 0 ? 0 : -1;
}

int main(void)
{
    char dir[4096], t1[4200], t2[4200], sub[4200];
    snprintf(dir, sizeof dir, "%s/atomic", wm_test_tmpdir());
    snprintf(t1, sizeof t1, "%s/one.txt", dir);
    snprintf(t2, sizeof t2, "%s/two.txt", dir);
    snprintf(sub, sizeof sub, "%s/made/on/the/way/three.txt", dir);
    wm_error err;

    /* Commit puts the whole file in place; the directory is made. */
    wm_atomic *a = wm_atomic_begin(t1, WM_ATOMIC_REPLACE, &err);
    CHECK(a != NULL);
    CHECK(put(a, "first") == 0);
    CHECK(!exists(t1));                       /* nothing visible before commit */
    CHECK(wm_atomic_commit(a, &err) == 0);
    CHECK_STR(slurp(t1), "first");
    CHECK(entries(dir) == 1);                 /* the private directory is gone */

    CHECK(wm_atomic_write(sub, "x", 1, &err) == 0);
    CHECK_STR(slurp(sub), "x");

    /* Abort leaves the old file. */
    a = wm_atomic_begin(t1, WM_ATOMIC_REPLACE | WM_ATOMIC_DURABLE, &err);
    CHECK(put(a, "second") == 0);
    wm_atomic_abort(a);
    CHECK_STR(slurp(t1), "first");
    CHECK(entries(dir) == 2);

    /* NEW refuses an existing target, at begin and at commit. */
    CHECK(wm_atomic_begin(t1, WM_ATOMIC_NEW, &err) == NULL);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "already exists"));
    a = wm_atomic_begin(t2, WM_ATOMIC_NEW, &err);
    CHECK(put(a, "mine") == 0);
    wm_test_write_file(t2, "theirs");
    CHECK(wm_atomic_commit(a, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE);
    CHECK_STR(slurp(t2), "theirs");
    unlink(t2);

    /* A directory is not a file. */
    CHECK(wm_atomic_begin(dir, WM_ATOMIC_REPLACE, &err) == NULL);
    CHECK(err.code == WM_EXIT_USAGE);

    /* A copy starts from the old content and leaves it untouched. */
    a = wm_atomic_begin_copy(t1, 0, &err);
    CHECK(a != NULL);
    CHECK_STR(slurp(wm_atomic_path(a)), "first");
    wm_atomic_abort(a);
    CHECK(wm_atomic_begin_copy(t2, 0, &err) == NULL);

    /* All or nothing: the second output fails at its rename (a file
     * appeared under its name), so the first is put back as it was. */
    wm_atomic *group[2];
    group[0] = wm_atomic_begin(t1, WM_ATOMIC_REPLACE, &err);
    group[1] = wm_atomic_begin(t2, WM_ATOMIC_NEW, &err);
    CHECK(put(group[0], "new one") == 0 && put(group[1], "new two") == 0);
    wm_test_write_file(t2, "in the way");
    CHECK(wm_atomic_commit_all(group, 2, &err) != 0);
    CHECK_STR(slurp(t1), "first");
    CHECK_STR(slurp(t2), "in the way");
    unlink(t2);
    CHECK(entries(dir) == 2);

    /* ... and when both can be placed, both are. */
    group[0] = wm_atomic_begin(t1, WM_ATOMIC_REPLACE, &err);
    group[1] = wm_atomic_begin(t2, WM_ATOMIC_NEW, &err);
    CHECK(put(group[0], "new one") == 0 && put(group[1], "new two") == 0);
    CHECK(wm_atomic_commit_all(group, 2, &err) == 0);
    CHECK_STR(slurp(t1), "new one");
    CHECK_STR(slurp(t2), "new two");

    /* A write error is reported at commit (the stream is closed under
     * it), not as success. */
    a = wm_atomic_begin(t1, WM_ATOMIC_REPLACE, &err);
    FILE *fp = wm_atomic_stream(a, &err);
    CHECK(fp != NULL);
    unlink(wm_atomic_path(a));                /* nothing left to commit */
    CHECK(wm_atomic_commit(a, &err) != 0);
    CHECK(err.code == WM_EXIT_IO);
    CHECK_STR(slurp(t1), "new one");

    /* The private directory of a process that no longer runs is removed
     * by the next writer in that directory; a live one's is kept. */
    long dead = 4194300;
    while (dead > 1000 && (kill((pid_t)dead, 0) == 0 || errno != ESRCH)) dead--;
    char stale[4400], live[4400], inside[4500];
    snprintf(stale, sizeof stale, "%s/.one.txt.wardmap-%ld-AbCdEf", dir, dead);
    snprintf(live, sizeof live, "%s/.one.txt.wardmap-%ld-AbCdEf", dir, (long)getppid());
    mkdir(stale, 0700);
    mkdir(live, 0700);
    snprintf(inside, sizeof inside, "%s/one.txt", stale);
    wm_test_write_file(inside, "half");
    CHECK(wm_atomic_write(t1, "again", 5, &err) == 0);
    CHECK(!exists(stale));
    CHECK(exists(live));
    rmdir(live);
    return wm_test_summary();
}
