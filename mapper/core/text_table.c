#include "text_table.h"
#include "atomic.h"
#include "error.h"
#include "number.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

wm_text_table *wm_text_table_new(size_t ncols)
{
    wm_text_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->ncols = ncols;
    t->head = calloc(ncols ? ncols : 1, sizeof *t->head);
    t->align = calloc(ncols ? ncols : 1, sizeof *t->align);
    int ok = t->head && t->align;
    for (size_t c = 0; ok && c < ncols; c++) ok = (t->head[c] = strdup("")) != NULL;
    if (!ok) {
        wm_text_table_free(t);
        return NULL;
    }
    return t;
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (len < 0) return NULL;
    char *s = malloc((size_t)len + 1);
    if (s) vsnprintf(s, (size_t)len + 1, fmt, ap);
    return s;
}

int wm_text_table_head(wm_text_table *t, size_t col, const char *text, wm_align align)
{
    if (col >= t->ncols) return -1;
    char *s = strdup(text ? text : "");
    if (!s) return -1;
    free(t->head[col]);
    t->head[col] = s;
    t->align[col] = align;
    return 0;
}

long wm_text_table_add_row(wm_text_table *t)
{
    char **more = realloc(t->cell, (t->nrows + 1) * (t->ncols ? t->ncols : 1) * sizeof *more);
    if (!more) return -1;
    t->cell = more;
    char **row = &t->cell[t->nrows * t->ncols];
    for (size_t c = 0; c < t->ncols; c++) {
        row[c] = strdup("");
        if (!row[c]) {
            while (c-- > 0) free(row[c]);
            return -1;
        }
    }
    return (long)t->nrows++;
}

int wm_text_table_set(wm_text_table *t, size_t row, size_t col, const char *fmt, ...)
{
    if (row >= t->nrows || col >= t->ncols) return -1;
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (!s) return -1;
    free(t->cell[row * t->ncols + col]);
    t->cell[row * t->ncols + col] = s;
    return 0;
}

int wm_text_table_note(wm_text_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    char **more = s ? realloc(t->notes, (t->nnotes + 1) * sizeof *more) : NULL;
    if (!more) {
        free(s);
        return -1;
    }
    t->notes = more;
    t->notes[t->nnotes++] = s;
    return 0;
}

void wm_csv_field(FILE *fp, const char *s)
{
    if (!s) s = "";
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"') fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

int wm_text_table_write_csv(const wm_text_table *t, FILE *fp)
{
    for (size_t r = 0; r <= t->nrows; r++) {
        char *const *row = r == 0 ? t->head : &t->cell[(r - 1) * t->ncols];
        for (size_t c = 0; c < t->ncols; c++) {
            if (c) fputc(',', fp);
            wm_csv_field(fp, row[c]);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

static void md_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", fp);
        else if (*s == '\n' || *s == '\r') fputc(' ', fp);
        else fputc(*s, fp);
    }
}

static void md_row(FILE *fp, char *const *cells, size_t n)
{
    fputc('|', fp);
    for (size_t c = 0; c < n; c++) {
        fputc(' ', fp);
        if (*cells[c]) {
            md_text(fp, cells[c]);
            fputc(' ', fp);
        }
        fputc('|', fp);
    }
    fputc('\n', fp);
}

int wm_text_table_write_markdown(const wm_text_table *t, FILE *fp)
{
    md_row(fp, t->head, t->ncols);
    fputc('|', fp);
    for (size_t c = 0; c < t->ncols; c++)
        fputs(t->align[c] == WM_ALIGN_RIGHT ? "---:|" : t->align[c] == WM_ALIGN_CENTRE ? ":---:|" : "---|", fp);
    fputc('\n', fp);
    for (size_t r = 0; r < t->nrows; r++) md_row(fp, &t->cell[r * t->ncols], t->ncols);
    if (t->nnotes) fputc('\n', fp);
    for (size_t i = 0; i < t->nnotes; i++) fprintf(fp, "%s\n", t->notes[i]);
    return ferror(fp) ? -1 : 0;
}

void wm_html_text(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

int wm_text_table_write_html(const wm_text_table *t, FILE *fp)
{
    fputs("<div class=\"table\"><table>\n<thead><tr>", fp);
    for (size_t c = 0; c < t->ncols; c++) {
        fputs("<th>", fp);
        wm_html_text(fp, t->head[c]);
        fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs("<tr>", fp);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cell[r * t->ncols + c];
            double v;
            fputs(wm_number_parse(cell, &v) == WM_NUM_VALUE ? "<td class=\"n\">" : "<td>", fp);
            wm_html_text(fp, cell);
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table></div>\n", fp);
    for (size_t i = 0; i < t->nnotes; i++) {
        if (!*t->notes[i]) continue;
        fputs("<p>", fp);
        wm_html_text(fp, t->notes[i]);
        fputs("</p>\n", fp);
    }
    return ferror(fp) ? -1 : 0;
}

static void write_csv_to(FILE *fp, const void *t)
{
    wm_text_table_write_csv(t, fp);
}

static void write_markdown_to(FILE *fp, const void *t)
{
    wm_text_table_write_markdown(t, fp);
}

int wm_text_table_save(const wm_text_table *t, const char *path, int csv, wm_error *err)
{
    if (!t) return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", path);
    return wm_atomic_write_with(path, csv ? write_csv_to : write_markdown_to, t, err);
}

void wm_text_table_free(wm_text_table *t)
{
    if (!t) return;
    for (size_t c = 0; t->head && c < t->ncols; c++) free(t->head[c]);
    free(t->head);
    free(t->align);
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cell[i]);
    free(t->cell);
    for (size_t i = 0; i < t->nnotes; i++) free(t->notes[i]);
    free(t->notes);
    free(t);
}
