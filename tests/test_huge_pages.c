/* huge_pages.h: advice changes no byte and owns nothing.  A buffer
 * advised keeps what it holds and is freed as usual; buffers too small
 * for a huge page, and NULL, are left alone; after the heap is advised,
 * blocks small and large are allocated, filled, checked and freed as
 * before, and a block larger than the heap's advised part still comes. */
#include "huge_pages.h"
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int holds(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i += 4093)
        if (p[i] != (unsigned char)(i * seed >> 3)) return 0;
    return 1;
}

/* Bytes from..to-1 of p (every 4093rd), as holds() expects them. */
static void fill(unsigned char *p, size_t from, size_t to, unsigned seed)
{
    for (size_t i = 0; i < to; i += 4093)
        if (i >= from) p[i] = (unsigned char)(i * seed >> 3);
}

int main(void)
{
    /* Advice on a filled buffer, then more filling through its huge pages. */
    size_t n = (size_t)9 << 20;
    unsigned char *big = malloc(n);
    CHECK(big != NULL);
    fill(big, 0, n / 2, 7);
    wm_huge_pages_advise(big, n);
    CHECK(holds(big, n / 2, 7));
    fill(big, n / 2, n, 7);
    CHECK(holds(big, n, 7));
    unsigned char *bigger = realloc(big, 2 * n);
    CHECK(bigger != NULL);
    CHECK(holds(bigger, n, 7));
    free(bigger);

    /* Nothing to advise: no whole huge page, or no buffer. */
    unsigned char small[64];
    memset(small, 9, sizeof small);
    wm_huge_pages_advise(small, sizeof small);
    CHECK(small[0] == 9 && small[63] == 9);
    wm_huge_pages_advise(NULL, n);
    wm_huge_pages_advise(NULL, 0);

    /* The heap advised: small and large blocks as before. */
    wm_huge_pages_heap((size_t)64 << 20);
    enum { BLOCKS = 2000 };
    unsigned char *blocks[BLOCKS];
    size_t sizes[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        sizes[i] = (size_t)(i % 97 + 1) * 531;
        blocks[i] = malloc(sizes[i]);
        CHECK(blocks[i] != NULL);
        if (blocks[i]) memset(blocks[i], i & 0xff, sizes[i]);
    }
    unsigned char *huge = malloc((size_t)96 << 20);   /* beyond the advised part */
    CHECK(huge != NULL);
    if (huge) {
        fill(huge, 0, (size_t)96 << 20, 3);
        CHECK(holds(huge, (size_t)96 << 20, 3));
    }
    int intact = 1;
    for (int i = 0; i < BLOCKS; i++) {
        if (!blocks[i]) continue;
        for (size_t k = 0; k < sizes[i]; k++) intact &= blocks[i][k] == (unsigned char)(i & 0xff);
        free(blocks[i]);
    }
    CHECK(intact);
    free(huge);
    return wm_test_summary();
}
