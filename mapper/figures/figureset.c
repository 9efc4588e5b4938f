#include "figureset.h"
#include "figure_index.h"
#include "home.h"
#include "layer_memo.h"
#include "output.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Modification time in nanoseconds, or -1 when the file is missing. */
static long long mtime_ns(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

int wm_figureset_up_to_date(const char *const *inputs, size_t ninputs,
                            const char *const *outputs, size_t noutputs)
{
    long long oldest_out = -1;
    for (size_t i = 0; i < noutputs; i++) {
        if (!outputs[i]) continue;
        long long t = mtime_ns(outputs[i]);
        if (t < 0) return 0;
        if (oldest_out < 0 || t < oldest_out) oldest_out = t;
    }
    if (oldest_out < 0) return 0;
    for (size_t i = 0; i < ninputs; i++) {
        if (!inputs[i]) continue;
        long long t = mtime_ns(inputs[i]);
        if (t < 0 || t > oldest_out) return 0;
    }
    return 1;
}

/* ---- the run ---- */

typedef struct runner {
    const wm_recipe *recipe;
    const wm_figureset_options *opt;
    wm_figureset_result *res;
    pthread_mutex_t lock;
    size_t next;          /* next item to take */
    size_t done;          /* items finished */
    int bar;              /* draw the progress bar */
    FILE *messages;       /* the items' reports while the bar is drawn (figures.log), or NULL */
} runner;

static void draw_bar(runner *R, const char *last)
{
    const int width = 30;
    size_t n = R->res->n, done = R->done;
    int filled = n ? (int)(done * (size_t)width / n) : width;
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < filled ? '#' : '-';
    bar[width] = '\0';
    fprintf(stderr, "\r\033[K[%s] %zu/%zu %s", bar, done, n, last ? last : "");
    fflush(stderr);
}

/* The gallery thumbnail of an item that writes a page (its operation
 * takes --thumbnail: render, profile) as a PNG: <gallery>/<item>.png,
 * made from the image in memory as the page is written (output.h).  ""
 * when the item has none. */
static void gallery_thumbnail(const wm_recipe *r, const wm_figureset_item *it, char *out, size_t size)
{
    out[0] = '\0';
    if (!r->gallery || !wm_option_find(it->job.op->options, "thumbnail")) return;
    int png = 0;
    for (size_t k = 0; k < it->job.noutputs && !png; k++) png = wm_has_suffix(it->job.outputs[k], ".png");
    if (!png) return;
    char *dir = wm_path_join(r->doc->dir, r->gallery);
    if (dir) snprintf(out, size, "%s/%s.png", dir, it->section->name);
    free(dir);
}

static void run_item(runner *R, wm_figureset_item *it)
{
    /* Besides the item's own inputs: the recipe and the files it
     * includes, the store and the binary. */
    const wm_sections *doc = R->recipe->doc;
    size_t nextra = doc->nfiles + 3;
    size_t nin = it->job.ninputs + nextra;
    const char **inputs = malloc(nin * sizeof *inputs);
    if (!inputs) {
        wm_error_set(&it->err, WM_EXIT_DATA, "out of memory");
        it->state = WM_ITEM_FAILED;
        return;
    }
    const char **in = inputs;
    for (size_t i = 0; i < it->job.ninputs; i++) *in++ = it->job.inputs[i];
    *in++ = R->recipe->path;
    for (size_t i = 0; i < doc->nfiles; i++) *in++ = doc->files[i];
    /* The store and binary count only when they exist (a recipe need
     * not use the store at all). */
    *in++ = R->opt->store_path && mtime_ns(R->opt->store_path) >= 0 ? R->opt->store_path : NULL;
    *in++ = R->opt->binary && mtime_ns(R->opt->binary) >= 0 ? R->opt->binary : NULL;
    /* The outputs, and the item's gallery thumbnail when it has one. */
    char thumb[4600];
    gallery_thumbnail(R->recipe, it, thumb, sizeof thumb);
    const char **outputs = malloc((it->job.noutputs + 1) * sizeof *outputs);
    if (!outputs) {
        free(inputs);
        wm_error_set(&it->err, WM_EXIT_DATA, "out of memory");
        it->state = WM_ITEM_FAILED;
        return;
    }
    for (size_t i = 0; i < it->job.noutputs; i++) outputs[i] = it->job.outputs[i];
    outputs[it->job.noutputs] = thumb[0] ? thumb : NULL;
    int fresh = !R->opt->force && wm_figureset_up_to_date(inputs, nin, outputs, it->job.noutputs + 1);
    free(inputs);
    free(outputs);
    if (thumb[0] && !wm_args_has(&it->job.args, "thumbnail") &&
        wm_args_set(&it->job.args, "thumbnail", thumb, &it->err) != 0) {
        it->state = WM_ITEM_FAILED;
        return;
    }
    if (fresh) {
        it->state = WM_ITEM_UP_TO_DATE;
        return;
    }
    for (size_t i = 0; i < it->job.noutputs; i++)
        if (wm_make_parent_dirs(it->job.outputs[i]) != 0) {
            wm_error_set(&it->err, WM_EXIT_IO, "cannot create the directory of %s", it->job.outputs[i]);
            it->state = WM_ITEM_FAILED;
            return;
        }
    wm_error_clear(&it->err);
    int rc = it->job.op->run(&it->job.args, NULL, &it->result, &it->err);
    if (rc == 0) {
        it->state = WM_ITEM_MADE;
        return;
    }
    if (!it->err.code) it->err.code = rc;
    if (!it->err.msg[0]) snprintf(it->err.msg, sizeof it->err.msg, "failed (exit status %d)", rc);
    /* An optional item (a bivariate map, say) that this area's data
     * cannot make is reported as such; any other failure is one. */
    int optional = wm_recipe_find(it->section, "optional") != NULL;
    it->state = optional && it->err.code == WM_EXIT_DATA ? WM_ITEM_NOT_POSSIBLE : WM_ITEM_FAILED;
}

static void finish_item(runner *R, wm_figureset_item *it)
{
    const wm_recipe_section *s = it->section;
    if (it->state == WM_ITEM_FAILED || it->state == WM_ITEM_NOT_POSSIBLE) {
        const char *file = NULL;
        int line = wm_recipe_error_line(s, &it->err, &file);
        wm_error_prefix(&it->err, "%s:%d: [%s %s]", file ? file : R->recipe->path, line,
                        wm_recipe_kind_name(s->kind), s->name);
    }
    pthread_mutex_lock(&R->lock);
    if (R->bar) wm_report_print(&it->result.report, R->messages, R->messages);
    else wm_report_print(&it->result.report, stdout, stderr);
    R->done++;
    if (it->state == WM_ITEM_MADE && wm_figureset_item_warnings(it) > 0) R->res->warned++;
    if (it->state == WM_ITEM_MADE) R->res->made++;
    else if (it->state == WM_ITEM_UP_TO_DATE) R->res->up_to_date++;
    else if (it->state == WM_ITEM_NOT_POSSIBLE) R->res->not_possible++;
    else R->res->failed++;
    if ((it->state == WM_ITEM_FAILED || it->state == WM_ITEM_NOT_POSSIBLE) && R->opt->log) {
        if (R->bar) fprintf(stderr, "\r\033[K");
        fprintf(R->opt->log, "figures: %s%s\n", it->err.msg,
                it->state == WM_ITEM_NOT_POSSIBLE ? " (an optional item: not made for this area)" : "");
        fflush(R->opt->log);
    }
    if (R->bar) draw_bar(R, s->name);
    pthread_mutex_unlock(&R->lock);
}

/* Whether the item prepares what the others read (operation.h: setup). */
static int is_setup(const wm_figureset_item *it)
{
    return it->job.op && it->job.op->setup;
}

static void *worker(void *arg)
{
    runner *R = arg;
    for (;;) {
        pthread_mutex_lock(&R->lock);
        size_t i = R->next < R->res->n ? R->next++ : R->res->n;
        pthread_mutex_unlock(&R->lock);
        if (i >= R->res->n) break;
        wm_figureset_item *it = &R->res->items[i];
        if (is_setup(it)) continue;   /* done before the workers started */
        if (it->state == WM_ITEM_PENDING) run_item(R, it);
        finish_item(R, it);
    }
    return NULL;
}

size_t wm_figureset_item_warnings(const wm_figureset_item *it)
{
    size_t n = 0;
    for (size_t i = 0; i < it->result.report.n; i++) n += it->result.report.lines[i].kind == WM_REPORT_WARNING;
    return n;
}

void wm_figureset_result_free(wm_figureset_result *res)
{
    if (!res) return;
    for (size_t i = 0; i < res->n; i++) {
        wm_recipe_job_free(&res->items[i].job);
        wm_op_result_free(&res->items[i].result);
    }
    free(res->items);
    memset(res, 0, sizeof *res);
}

static int run_set(const wm_recipe *r, const wm_figureset_options *opt, wm_figureset_result *res, wm_error *err)
{
    memset(res, 0, sizeof *res);
    wm_figureset_options o = *opt;
    if (!o.outdir || !*o.outdir) o.outdir = "out";
    if (o.jobs <= 0) o.jobs = 2;
    if (wm_make_dirs(o.outdir) != 0)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot create the output directory (%s)", o.outdir,
                            strerror(errno));
    snprintf(res->index_path, sizeof res->index_path, "%s/index.html", o.outdir);

    res->items = calloc(r->n ? r->n : 1, sizeof *res->items);
    if (!res->items) return wm_error_set(err, WM_EXIT_DATA, "out of memory");
    res->n = r->n;
    for (size_t i = 0; i < r->n; i++) {
        wm_figureset_item *it = &res->items[i];
        it->section = &r->sections[i];
        wm_op_result_init(&it->result);
        if (wm_recipe_job_build(r, it->section, o.outdir, &it->job, &it->err) != 0)
            it->state = WM_ITEM_FAILED;   /* reported by finish_item, with the rest */
    }

    runner R;
    memset(&R, 0, sizeof R);
    R.recipe = r;
    R.opt = &o;
    R.res = res;
    R.bar = o.progress < 0 ? isatty(STDERR_FILENO) : o.progress;
    char log_path[4200];
    snprintf(log_path, sizeof log_path, "%s/figures.log", o.outdir);
    if (R.bar && !(R.messages = fopen(log_path, "w"))) R.bar = 0;
    pthread_mutex_init(&R.lock, NULL);
    if (R.bar) draw_bar(&R, NULL);

    /* Setup items first, alone and in order: the figures read what they make. */
    for (size_t i = 0; i < res->n; i++) {
        wm_figureset_item *it = &res->items[i];
        if (!is_setup(it)) continue;
        if (it->state == WM_ITEM_PENDING) run_item(&R, it);
        finish_item(&R, it);
    }
    int nthreads = o.jobs < (int)r->n ? o.jobs : (int)r->n;
    pthread_t tid[64];
    if (nthreads > 64) nthreads = 64;
    int started = 0;
    for (int t = 1; t < nthreads; t++) {
        if (pthread_create(&tid[started], NULL, worker, &R) != 0) break;
        started++;
    }
    worker(&R);   /* this thread works too */
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&R.lock);
    if (R.bar) {
        fprintf(stderr, "\r\033[K");
        char warned[48] = "";
        if (res->warned) snprintf(warned, sizeof warned, " (%zu with warnings)", res->warned);
        char not_possible[64] = "";
        if (res->not_possible) snprintf(not_possible, sizeof not_possible, ", %zu not possible", res->not_possible);
        fprintf(stderr, "figures: %zu made%s, %zu up to date, %zu failed%s; %s (messages in figures.log)\n",
                res->made, warned, res->up_to_date, res->failed, not_possible, res->index_path);
        fflush(stderr);
        fclose(R.messages);
    } else if (res->warned && o.log) {
        /* The warnings were printed with each item; say which items once more at the end. */
        fprintf(o.log, "figures: %zu of %zu items made with warnings:", res->warned, res->n);
        for (size_t i = 0; i < res->n; i++)
            if (res->items[i].state == WM_ITEM_MADE && wm_figureset_item_warnings(&res->items[i]) > 0)
                fprintf(o.log, " [%s %s]", wm_recipe_kind_name(res->items[i].section->kind),
                        res->items[i].section->name);
        fputc('\n', o.log);
        fflush(o.log);
    }

    wm_error ierr;
    wm_error_clear(&ierr);
    if (wm_figure_index_write(r, res, o.outdir, &ierr) != 0) {
        if (res->failed)
            return wm_error_set(err, WM_EXIT_PARTIAL, "%zu of %zu items failed, and %s", res->failed,
                                res->n, ierr.msg);
        *err = ierr;
        return ierr.code ? ierr.code : WM_EXIT_IO;
    }
    if (res->failed) {
        size_t first = 0;
        while (first < res->n && res->items[first].state != WM_ITEM_FAILED) first++;
        if (o.log)
            return wm_error_set(err, WM_EXIT_PARTIAL, "%zu of %zu items failed (listed above); the others are in %s",
                                res->failed, res->n, res->index_path);
        return wm_error_set(err, WM_EXIT_PARTIAL, "%zu of %zu items failed (first: %s); the others are in %s",
                            res->failed, res->n, res->items[first].err.msg, res->index_path);
    }
    return 0;
}

int wm_figureset_run(const wm_recipe *r, const wm_figureset_options *opt,
                     wm_figureset_result *res, wm_error *err)
{
    /* The items read the same boundary files again and again: each file
     * is parsed once (layer_memo.h). */
    wm_layer_memo_begin();
    int rc = run_set(r, opt, res, err);
    wm_layer_memo_end();
    return rc;
}
