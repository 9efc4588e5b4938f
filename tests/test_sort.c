/* sort.h: wm_sort leaves an array in order as it is, and sorts one that
 * is not, as qsort would.  Synthetic arrays, made here. */
#include "sort.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

typedef struct item {
    int key, row;
} item;

static int calls;

static int by_key_then_row(const void *a, const void *b)
{
    const item *x = a, *y = b;
    calls++;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->row > y->row) - (x->row < y->row);
}

static int in_order(const item *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (by_key_then_row(&v[i - 1], &v[i]) > 0) return 0;
    return 1;
}

int main(void)
{
    enum { N = 1000 };
    item v[N], w[N];
    /* In order, with repeated keys: one pass, nothing moved. */
    for (int i = 0; i < N; i++) v[i] = (item){ i / 3, i };
    memcpy(w, v, sizeof v);
    calls = 0;
    wm_sort(v, N, sizeof *v, by_key_then_row);
    CHECK(calls == N - 1);
    CHECK(memcmp(v, w, sizeof v) == 0);

    /* Out of order at the very end, and shuffled: sorted as qsort sorts. */
    v[N - 1].key = -1;
    wm_sort(v, N, sizeof *v, by_key_then_row);
    CHECK(in_order(v, N) && v[0].key == -1);
    srand(7);
    for (int i = 0; i < N; i++) v[i] = (item){ rand() % 50, i };
    memcpy(w, v, sizeof v);
    wm_sort(v, N, sizeof *v, by_key_then_row);
    qsort(w, N, sizeof *w, by_key_then_row);
    CHECK(memcmp(v, w, sizeof v) == 0);

    /* Nothing and one element. */
    wm_sort(v, 0, sizeof *v, by_key_then_row);
    wm_sort(v, 1, sizeof *v, by_key_then_row);
    return wm_test_summary();
}
