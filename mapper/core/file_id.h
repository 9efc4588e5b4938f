/* file_id.h -- whether a file on disk is still the one read before.
 *
 * What a process keeps from a file it has read (a parsed layer,
 * layer_memo.h; parsed colour schemes, palette.h) serves a later reading
 * only while the file is unchanged: the same device and inode (however
 * its path is spelled), the same size and the same modification time to
 * the nanosecond.  A file rewritten in place changes its time, and
 * nearly always its size too.
 *
 *     wm_file_id id;
 *     if (wm_file_identify(path, &id) == 0 && wm_file_id_same(&kept, &id)) ...use what was kept
 */
#ifndef WM_FILE_ID_H
#define WM_FILE_ID_H

#include <sys/types.h>

typedef struct wm_file_id {
    dev_t dev;
    ino_t ino;
    off_t size;
    long long mtime_ns;
} wm_file_id;

/* The identity of `path` into *id; -1 when it cannot be stat()ed. */
int wm_file_identify(const char *path, wm_file_id *id);

/* 1 when `a` and `b` are the same file in the same state. */
int wm_file_id_same(const wm_file_id *a, const wm_file_id *b);

#endif
