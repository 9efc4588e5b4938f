/* huge_pages.h -- ask the kernel to back a large buffer with huge pages.
 *
 * A national map touches about 160 MB of fresh memory: the page image,
 * the areas' coordinates on the page.  Each 4 KiB page touched for the
 * first time is a page fault, and on a virtual machine a fault costs
 * several microseconds: 41,000 of them were a fifth of a render-only
 * national PNG's CPU time.  Linux backs memory with 2 MiB transparent
 * huge pages, one fault each, where the program asks for it with
 * madvise(MADV_HUGEPAGE) (the kernel's default setting, "madvise").
 *
 *     double *xy = realloc(xy, bytes);
 *     wm_huge_pages_advise(xy, bytes);
 *
 * The advice is only that: it changes no byte and owns nothing, so the
 * buffer is freed or reallocated as before, and a kernel without huge
 * pages (or with them off) ignores it.  Only the whole 2 MiB pages
 * inside [p, p + n) are advised, so smaller buffers are left alone. */
#ifndef WM_HUGE_PAGES_H
#define WM_HUGE_PAGES_H

#include <stddef.h>

/* Advise the huge pages inside [p, p + n); nothing when there is none. */
void wm_huge_pages_advise(void *p, size_t n);

/* The process's heap on huge pages: most of wardmap's memory is small
 * blocks (GDAL's features and geometries, SQLite's pages, cairo's
 * paths), which no call above can reach.  A program calls this once, at
 * the start of main(), before it allocates much: the heap (glibc's main
 * arena) is extended at once by `bytes` and advised.  The extension is
 * address space only; its pages are touched, and count, only as blocks
 * are placed there.  For the advice to last, freed memory at the top of
 * the heap is no longer handed back to the system (below 1 GiB), and
 * blocks of up to 32 MiB come from the heap rather than each from a
 * mapping of its own.  Threads other than the first allocate from heaps
 * of their own, which this leaves as they are.  Nothing under another C
 * library, or under a tool that replaces malloc (AddressSanitizer,
 * valgrind): the heap does not grow there. */
void wm_huge_pages_heap(size_t bytes);

#endif
