/* huge_pages.c -- madvise(MADV_HUGEPAGE) on the whole huge pages of a buffer. */
#define _DEFAULT_SOURCE
#include "huge_pages.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* x86-64's and arm64's (with 4 KiB base pages) transparent huge page. */
#define HUGE_PAGE ((uintptr_t)2 << 20)

void wm_huge_pages_advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    uintptr_t start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
    if (!p || end <= start) return;
    (void)madvise((void *)start, end - start, MADV_HUGEPAGE);   /* advice: a refusal changes nothing */
#else
    (void)p;
    (void)n;
#endif
}

void wm_huge_pages_heap(size_t bytes)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
    if (bytes > (size_t)1 << 30) bytes = (size_t)1 << 30;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    /* The next extension of the heap is by `bytes` more than it needs:
     * a block larger than what can be left at its top at the start (a
     * few MiB at most; below the threshold, so from the heap) makes it
     * now. */
    mallopt(M_TOP_PAD, (int)bytes);
    char *before = sbrk(0);
    /* volatile: a block allocated and freed unused is no call at all to an optimiser. */
    char *volatile block = malloc((size_t)31 << 20);
    char *after = sbrk(0);
    if (before != (char *)-1 && after != (char *)-1 && after > before) wm_huge_pages_advise(before, (size_t)(after - before));
    free(block);
    mallopt(M_TOP_PAD, 128 << 10);   /* glibc's default */
#else
    (void)bytes;
#endif
}
