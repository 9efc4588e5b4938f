/* bench_deflate_placement.c -- does ISA-L's deflate of the same rows give
 * the same bytes wherever its stream structure lies in memory?
 *
 *   bench_deflate_placement [WINDOWS] [SEED]
 *
 * Deflates one synthetic page image (flat colours, a repeating pattern,
 * antialiased edges and a band of noise; nothing read from disk) the way
 * page/output.c does (ISA-L level 1, a zeroed level buffer and structure,
 * rows fed in 256 KiB batches), once with the structure (struct
 * isal_zstream) where malloc put it, then with it in WINDOWS (default
 * 4000) 64 KiB windows of addresses chosen at random, and prints each
 * window whose stream differs and how many did.  On the machine where
 * this was found, about one window in 2,000 gave other bytes (valid, the
 * same rows when inflated); the address-space randomisation of each new
 * process is what moved wardmap's structures from one window to another.
 * Prints; asserts nothing. */
#define _GNU_SOURCE   /* MAP_FIXED_NOREPLACE */
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { WIDTH = 2480, HEIGHT = 512, ROW = 3 * WIDTH + 1, BATCH = 256 * 1024 };

static unsigned char *make_rows(void)
{
    unsigned char *rows = calloc((size_t)ROW * HEIGHT + 4096, 1);   /* and a zeroed margin */
    if (!rows) exit(1);
    static const unsigned char colour[5][3] = {
        { 255, 255, 255 }, { 215, 48, 39 }, { 252, 141, 89 }, { 145, 191, 219 }, { 69, 117, 180 }
    };
    uint32_t noise = 1;
    for (int y = 0; y < HEIGHT; y++)
        for (int x = 0; x < WIDTH; x++) {
            unsigned char *p = rows + (size_t)y * ROW + 1 + 3 * (size_t)x;
            int cell = (x / 90 + y / 70 + (x * y) % 7) % 5;
            int edge = x % 90 == 0 || y % 70 == 0;
            for (int k = 0; k < 3; k++) p[k] = edge ? (unsigned char)(colour[cell][k] / 2 + 64) : colour[cell][k];
            if (y % 128 > 120) {
                noise = noise * 1103515245u + 12345u;
                p[0] = p[1] = p[2] = (unsigned char)(noise >> 24);
            }
        }
    return rows;
}

/* The rows deflated through a structure at `z`; the length, 0 on failure. */
static size_t deflate_at(struct isal_zstream *z, const unsigned char *rows, unsigned char *out, size_t cap)
{
    unsigned char *level_buf = calloc(ISAL_DEF_LVL1_DEFAULT, 1);
    if (!level_buf) return 0;
    memset(z, 0, sizeof *z);
    isal_deflate_init(z);
    z->level = 1;
    z->level_buf = level_buf;
    z->level_buf_size = ISAL_DEF_LVL1_DEFAULT;
    z->gzip_flag = IGZIP_DEFLATE;
    z->next_out = out;
    z->avail_out = (uint32_t)cap;
    size_t total = (size_t)ROW * HEIGHT;
    for (size_t at = 0; at < total;) {
        size_t len = total - at < BATCH ? total - at : BATCH;
        z->next_in = (uint8_t *)(uintptr_t)(rows + at);
        z->avail_in = (uint32_t)len;
        at += len;
        z->end_of_stream = at == total;
        if (isal_deflate(z) != COMP_OK || z->avail_in != 0) {
            free(level_buf);
            return 0;
        }
    }
    free(level_buf);
    return cap - z->avail_out;
}

int main(int argc, char **argv)
{
    long windows = argc > 1 ? atol(argv[1]) : 4000;
    srand(argc > 2 ? (unsigned)atoi(argv[2]) : 1);
    unsigned char *rows = make_rows();
    size_t cap = 2 * (size_t)ROW * HEIGHT + 65536;
    unsigned char *first = malloc(cap), *out = malloc(cap);
    struct isal_zstream *z0 = malloc(sizeof *z0);
    if (!first || !out || !z0) return 1;
    size_t first_len = deflate_at(z0, rows, first, cap);
    long tried = 0, differ = 0;
    for (long w = 0; w < windows; w++) {
        uintptr_t r = ((uintptr_t)(unsigned)rand() << 31) ^ (uintptr_t)(unsigned)rand();
        uintptr_t window = (r % ((uintptr_t)0x7e0000000000 >> 16)) << 16;
        if (window < ((uintptr_t)1 << 32)) continue;
        size_t size = sizeof(struct isal_zstream) + 65536;
        void *m = mmap((void *)window, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                       -1, 0);
        if (m == MAP_FAILED) continue;
        struct isal_zstream *z = (void *)((unsigned char *)m + (size_t)(rand() % 4096) * 16);
        size_t len = deflate_at(z, rows, out, cap);
        tried++;
        if (len != first_len || memcmp(out, first, len) != 0) {
            differ++;
            printf("the structure at %p: %zu bytes, not the %zu of the first\n", (void *)z, len, first_len);
        }
        munmap(m, size);
    }
    printf("%ld of %ld windows gave other bytes (the first: %zu bytes from %d rows of %d pixels)\n", differ, tried,
           first_len, HEIGHT, WIDTH);
    free(rows);
    free(first);
    free(out);
    free(z0);
    return 0;
}
