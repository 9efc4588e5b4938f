#include "layer_memo.h"
#include "file_id.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A kept layer.  Entries are only added while the memo is open and only
 * freed by the last end, so a found entry stays valid without the lock
 * while it is copied. */
typedef struct memo_entry {
    struct memo_entry *next;
    char *layer_name;                 /* NULL: the file's first layer */
    char *asked_key, *asked_name;     /* as the reading asked for them (NULL: guessed) */
    char *target_srs, *where;
    wm_file_id id;
    wm_layer *layer;                  /* its key_field and name_field: those it used */
} memo_entry;

static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static int memo_open;            /* begin calls not yet ended */
static memo_entry *memo_first;
static long long memo_bytes;     /* source bytes kept */

void wm_layer_memo_begin(void)
{
    pthread_mutex_lock(&memo_lock);
    memo_open++;
    pthread_mutex_unlock(&memo_lock);
}

static void entry_free(memo_entry *e)
{
    wm_layer_free(e->layer);
    free(e->layer_name);
    free(e->asked_key);
    free(e->asked_name);
    free(e->target_srs);
    free(e->where);
    free(e);
}

void wm_layer_memo_end(void)
{
    memo_entry *free_list = NULL;
    pthread_mutex_lock(&memo_lock);
    if (memo_open > 0 && --memo_open == 0) {
        free_list = memo_first;
        memo_first = NULL;
        memo_bytes = 0;
    }
    pthread_mutex_unlock(&memo_lock);
    while (free_list) {
        memo_entry *e = free_list;
        free_list = e->next;
        entry_free(e);
    }
}

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A field `want`ed by name is served by a reading that used it, asked
 * for or guessed; one left to be guessed (NULL) only by a reading that
 * guessed it too (the guess is the file's, so it guessed the same). */
static int same_field(const char *want, const char *asked, const char *used)
{
    return want ? used && strcmp(want, used) == 0 : !asked;
}

static int matches(const memo_entry *e, const char *layer_name, const wm_layer_options *opt, const wm_file_id *id)
{
    return wm_file_id_same(&e->id, id) && same_text(e->layer_name, layer_name) &&
           same_field(opt->key_field, e->asked_key, e->layer->key_field) &&
           same_field(opt->name_field, e->asked_name, e->layer->name_field) &&
           same_text(e->target_srs, opt->target_srs) && same_text(e->where, opt->where);
}

/* A copy of every feature of `src`. */
static wm_layer *copy_layer(const wm_layer *src)
{
    size_t *all = malloc((src->n ? src->n : 1) * sizeof *all);
    if (!all) return NULL;
    for (size_t i = 0; i < src->n; i++) all[i] = i;
    wm_error err;
    wm_error_clear(&err);
    wm_layer *L = wm_layer_select(src, all, src->n, NULL, &err);
    free(all);
    return L;
}

wm_layer *wm_layer_memo_find(const char *spec, const char *file, const char *layer_name, const wm_layer_options *opt)
{
    if (opt->sql) return NULL;
    wm_file_id id;
    const memo_entry *found = NULL;
    pthread_mutex_lock(&memo_lock);
    if (memo_open && wm_file_identify(file, &id) == 0)
        for (const memo_entry *e = memo_first; e && !found; e = e->next)
            if (matches(e, layer_name, opt, &id)) found = e;
    pthread_mutex_unlock(&memo_lock);
    wm_layer *L = found ? copy_layer(found->layer) : NULL;
    if (L && strcmp(L->spec, spec) != 0) {
        char *own = strdup(spec);
        if (!own) {
            wm_layer_free(L);
            return NULL;
        }
        free(L->spec);
        L->spec = own;
    }
    return L;
}

static char *dup_or_null(const char *s, int *oom)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *oom = 1;
    return d;
}

void wm_layer_memo_keep(const char *file, const char *layer_name, const wm_layer_options *opt, const char *driver,
                        const wm_layer *L)
{
    /* SQLite-based sources change through their journal without their
     * file changing (above); statements are not kept. */
    if (opt->sql || !driver || strcasecmp(driver, "GPKG") == 0 || strcasecmp(driver, "SQLite") == 0) return;
    pthread_mutex_lock(&memo_lock);
    int open = memo_open;
    pthread_mutex_unlock(&memo_lock);
    wm_file_id id;
    if (!open || wm_file_identify(file, &id) != 0) return;
    memo_entry *e = calloc(1, sizeof *e);
    if (!e) return;
    int oom = 0;
    e->layer_name = dup_or_null(layer_name, &oom);
    e->asked_key = dup_or_null(opt->key_field, &oom);
    e->asked_name = dup_or_null(opt->name_field, &oom);
    e->target_srs = dup_or_null(opt->target_srs, &oom);
    e->where = dup_or_null(opt->where, &oom);
    e->id = id;
    e->layer = oom ? NULL : copy_layer(L);
    pthread_mutex_lock(&memo_lock);
    int kept = 0;
    if (e->layer && memo_open && memo_bytes + (long long)id.size <= WM_LAYER_MEMO_MAX_BYTES) {
        /* Two workers may have read the same file at once: keep one. */
        int have = 0;
        for (const memo_entry *m = memo_first; m && !have; m = m->next) have = matches(m, layer_name, opt, &id);
        if (!have) {
            e->next = memo_first;
            memo_first = e;
            memo_bytes += (long long)id.size;
            kept = 1;
        }
    }
    pthread_mutex_unlock(&memo_lock);
    if (!kept) entry_free(e);
}
