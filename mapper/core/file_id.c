#include "file_id.h"

#include <sys/stat.h>

int wm_file_identify(const char *path, wm_file_id *id)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    id->size = st.st_size;
    id->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    return 0;
}

int wm_file_id_same(const wm_file_id *a, const wm_file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns;
}
