/* text_measure.c -- text advances remembered with their context (text_measure.h). */
#include "text_measure.h"
#include "error.h"
#include "hash.h"

#include <pthread.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Slots of the open-addressed table; when it is three-quarters full it
 * is emptied and starts again (a figure set measures a few thousand
 * distinct texts). */
#define SLOTS 4096

/* The font a measurement depends on, as cairo sets it on the context. */
typedef struct font_key {
    char family[64];
    uint64_t slant, weight;
    cairo_matrix_t matrix;
    double ctm[4];      /* the context's matrix but its translation: the scaled font's */
    uint64_t options;   /* cairo_font_options_hash */
} font_key;

typedef struct slot {
    uint64_t hash;      /* 0: empty */
    font_key font;
    char text[WM_TEXT_MEASURE_MAX + 1];
    double advance;
} slot;

/* One table for the process, shared by a figure set's workers: a
 * context lives for one page, and its texts are the next page's too. */
static struct {
    pthread_mutex_t lock;
    size_t used;
    slot *slots;
} memo = { PTHREAD_MUTEX_INITIALIZER, 0, NULL };

static void forget_advances(void)
{
    pthread_mutex_lock(&memo.lock);
    free(memo.slots);
    memo.slots = NULL;
    memo.used = 0;
    pthread_mutex_unlock(&memo.lock);
}

/* 0 when the font is not a toy face (never remembered). */
static int font_of(cairo_t *cr, font_key *k)
{
    memset(k, 0, sizeof *k);   /* the family's tail too: keys are compared byte for byte */
    cairo_font_face_t *face = cairo_get_font_face(cr);
    if (cairo_font_face_get_type(face) != CAIRO_FONT_TYPE_TOY) return 0;
    const char *family = cairo_toy_font_face_get_family(face);
    size_t n = strlen(family);
    if (n >= sizeof k->family) return 0;
    memcpy(k->family, family, n);
    k->slant = (uint64_t)cairo_toy_font_face_get_slant(face);
    k->weight = (uint64_t)cairo_toy_font_face_get_weight(face);
    cairo_get_font_matrix(cr, &k->matrix);
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    k->ctm[0] = m.xx;
    k->ctm[1] = m.yx;
    k->ctm[2] = m.xy;
    k->ctm[3] = m.yy;
    /* The options the scaled font is made with: the target surface's,
     * which those set on the context override (as cairo merges them). */
    cairo_font_options_t *o = cairo_font_options_create(), *set = cairo_font_options_create();
    cairo_surface_get_font_options(cairo_get_target(cr), o);
    cairo_get_font_options(cr, set);
    cairo_font_options_merge(o, set);
    k->options = cairo_font_options_hash(o);
    cairo_font_options_destroy(set);
    cairo_font_options_destroy(o);
    return 1;
}

/* The key's hash: the text's and the font's, the font taken a word at a
 * time (it is 160 bytes, most of them the family's zero tail). */
static uint64_t key_hash(const font_key *k, const char *text, size_t len)
{
    uint64_t h = wm_hash(WM_HASH_START, text, len), w[sizeof *k / 8];
    memcpy(w, k, sizeof w);
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) h = (h ^ w[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static double measured(cairo_t *cr, const char *text)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    return e.x_advance;
}

/* The slot of `k` and `text` (hash `h`), or the empty slot where it goes. */
static slot *find(const font_key *k, const char *text, uint64_t h)
{
    for (size_t i = (size_t)(h % SLOTS);; i = (i + 1) % SLOTS) {
        slot *s = &memo.slots[i];
        if (s->hash == 0 ||
            (s->hash == h && memcmp(&s->font, k, sizeof *k) == 0 && strcmp(s->text, text) == 0))
            return s;
    }
}

double wm_text_advance(cairo_t *cr, const char *text)
{
    size_t len = strlen(text);
    font_key k;
    if (len > WM_TEXT_MEASURE_MAX || !font_of(cr, &k)) return measured(cr, text);
    uint64_t h = key_hash(&k, text, len);
    pthread_mutex_lock(&memo.lock);
    if (!memo.slots) {
        memo.slots = calloc(SLOTS, sizeof *memo.slots);
        if (memo.slots) wm_at_shutdown(forget_advances);
    }
    slot *s = memo.slots ? find(&k, text, h) : NULL;
    if (s && s->hash) {
        double advance = s->advance;
        pthread_mutex_unlock(&memo.lock);
        return advance;
    }
    pthread_mutex_unlock(&memo.lock);
    /* Measured outside the lock; another worker may keep it first. */
    double advance = measured(cr, text);
    pthread_mutex_lock(&memo.lock);
    if (memo.slots) {
        if (memo.used >= SLOTS / 4 * 3) {
            memset(memo.slots, 0, SLOTS * sizeof *memo.slots);
            memo.used = 0;
        }
        s = find(&k, text, h);
        if (!s->hash) {
            s->hash = h;
            s->font = k;
            memcpy(s->text, text, len + 1);
            s->advance = advance;
            memo.used++;
        }
    }
    pthread_mutex_unlock(&memo.lock);
    return advance;
}
