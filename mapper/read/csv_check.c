#include "csv_check.h"
#include "text.h"

#include <cpl_vsi.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Where the scanner is inside a field. */
enum {
    F_START,      /* at the start of a field (spaces may precede a quote) */
    F_UNQUOTED,   /* inside an unquoted field */
    F_QUOTED,     /* inside a quoted field */
    F_QUOTE,      /* just read a quote inside a quoted field: closing or doubled */
    F_AFTER       /* after a closing quote: only spaces until the separator */
};

typedef struct scan {
    const char *name;
    wm_error *err;
    int tsv;              /* the file name ends in .tsv */
    char sep;
    int have_header;
    long nfields;
    long line;            /* physical line being read, 1-based */
    long record_line;     /* line the current record started on */
    int in_record;        /* a quoted field runs on past the end of a line */
    int state;
    long fields;          /* separators read so far in this record */
    int content;          /* the current field holds a byte other than a quote */
    int last_field_empty; /* the record's last field held none */
    long quote_field;     /* field and line of the last opening quote */
    long quote_line;
    size_t nrec, cap;
    long *lines;
} scan;

/* The separator GDAL's CSV driver will split with (GDAL 3.6 has no open
 * option to set it): CSVDetectSeperator() on the first line, then a tab
 * wins in a .tsv file.  The ambiguous cases, where GDAL would guess, are
 * refused rather than guessed at too. */
static int choose_separator(scan *s, const char *p, size_t n)
{
    int in = 0, mixed = 0;
    char d = 0;
    size_t spaces = 0, semicolons = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (!in && (c == ',' || c == ';' || c == '\t')) {
            semicolons += c == ';';
            if (!d) d = c;
            else if (d != c && !mixed) { d = ','; mixed = 1; }
        } else if (!in && c == ' ') {
            spaces++;
        } else if (c == '"') {
            if (!in || i + 1 >= n || p[i + 1] != '"') in = !in;
            else i++;
        }
    }
    if (!d) d = spaces ? ' ' : ',';
    if (d != '\t' && memchr(p, '\t', n)) {
        if (!s->tsv)
            return wm_error_set(s->err, WM_EXIT_DATA,
                                "%s:%ld: the header line has tabs as well as %s, so the separator is ambiguous "
                                "(GDAL would guess): keep one, or name a tab-separated file .tsv",
                                s->name, s->line, d == ';' ? "semicolons" : d == ' ' ? "spaces" : "commas");
        d = '\t';
    }
    if (d == ';' && !mixed)
        return wm_error_set(s->err, WM_EXIT_DATA,
                            "%s:%ld: the columns are separated by semicolons; wardmap reads comma-separated "
                            "tables, because semicolon files write decimal commas (12,5) that would be misread "
                            "as thousands: save it as CSV with commas and decimal points",
                            s->name, s->line);
    if (d == ',' && semicolons)
        return wm_error_set(s->err, WM_EXIT_DATA,
                            "%s:%ld: the header line has semicolons as well as commas outside quotes, so the "
                            "separator is ambiguous: quote the column names that hold the other", s->name,
                            s->line);
    if (d == ' ')
        return wm_error_set(s->err, WM_EXIT_DATA,
                            "%s:%ld: the header line has spaces but no commas or tabs, and GDAL would split "
                            "columns at the spaces: wardmap reads comma- or tab-separated tables", s->name,
                            s->line);
    s->sep = d;
    return 0;
}

static int add_record(scan *s)
{
    if (s->nrec == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        long *l = realloc(s->lines, cap * sizeof *l);
        if (!l) return wm_error_set(s->err, WM_EXIT_DATA, "%s: out of memory", s->name);
        s->lines = l;
        s->cap = cap;
    }
    s->lines[s->nrec++] = s->record_line;
    return 0;
}

static int end_record(scan *s)
{
    long fields = s->fields + 1;
    s->in_record = 0;
    if (!s->have_header) {
        /* GDAL reads a header of one name and a separator ("code,") as
         * one column, and then drops every row's second field. */
        if (fields == 2 && s->last_field_empty)
            return wm_error_set(s->err, WM_EXIT_DATA,
                                "%s:%ld: the header has one column name and an empty one after it "
                                "(\"code,\"), which GDAL reads as a single column: a table needs at least "
                                "a code and a value column",
                                s->name, s->record_line);
        s->have_header = 1;
        s->nfields = fields;
        return 0;
    }
    if (fields > s->nfields)
        return wm_error_set(s->err, WM_EXIT_DATA,
                            "%s:%ld: %ld fields where the header has %ld (%s)", s->name, s->record_line,
                            fields, s->nfields,
                            s->sep == ',' ? "a number with an unquoted thousands separator, such as 29,199?"
                                          : "a value holding a tab?");
    if (fields < s->nfields)
        return wm_error_set(s->err, WM_EXIT_DATA,
                            "%s:%ld: %ld field%s where the header has %ld (a short or truncated row)",
                            s->name, s->record_line, fields, fields == 1 ? "" : "s", s->nfields);
    return add_record(s);
}

/* One physical line, without its line end. */
static int scan_line(scan *s, const char *p, size_t n)
{
    s->line++;
    if (n && memchr(p, '\0', n))   /* p is NULL for an empty first line */
        return wm_error_set(s->err, WM_EXIT_DATA, "%s:%ld: a NUL byte (the file is binary, or not UTF-8 text)",
                            s->name, s->line);
    if (!s->in_record) {
        if (n == 0 && !s->have_header)
            return wm_error_set(s->err, WM_EXIT_DATA,
                                "%s:%ld: a blank line before the header (GDAL reads the first line as the "
                                "header and cannot open the file)", s->name, s->line);
        if (n == 0) return 0;   /* a blank line is no record (GDAL skips it too) */
        if (!s->have_header && choose_separator(s, p, n) != 0) return -1;
        s->record_line = s->line;
        s->state = F_START;
        s->fields = 0;
        s->content = 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        int sep = 0;
        switch (s->state) {
        case F_START:
            if (c == s->sep) sep = 1;
            else if (c == '"') { s->state = F_QUOTED; s->quote_field = s->fields + 1; s->quote_line = s->line; }
            else { s->content = 1; if (c != ' ') s->state = F_UNQUOTED; }
            break;
        case F_UNQUOTED:
            if (c == s->sep) sep = 1;
            else if (c == '"')
                return wm_error_set(s->err, WM_EXIT_DATA,
                                    "%s:%ld: field %ld has a quote inside an unquoted value (quote the whole "
                                    "field and double the quotes inside it)", s->name, s->line, s->fields + 1);
            break;
        case F_QUOTED:
            if (c == '"' && i > 0 && p[i - 1] == '\\' && !s->have_header)
                return wm_error_set(s->err, WM_EXIT_DATA,
                                    "%s:%ld: field %ld of the header has a backslash before a quote, which GDAL "
                                    "reads as an escaped quote in a header but not in a row", s->name, s->line,
                                    s->fields + 1);
            if (c == '"') s->state = F_QUOTE;
            else s->content = 1;
            break;
        case F_QUOTE:
            /* A doubled quote.  GDAL's header tokenizer keeps no quote,
             * doubled or not, so "" alone is an empty name there. */
            if (c == '"') s->state = F_QUOTED;
            else if (c == s->sep) sep = 1;
            else if (c == ' ') { s->state = F_AFTER; s->content = 1; }
            else goto after_quote;
            break;
        case F_AFTER:
            if (c == s->sep) sep = 1;
            else if (c != ' ') goto after_quote;
            break;
        }
        if (sep) {
            s->fields++;
            s->state = F_START;
            s->content = 0;
        }
    }
    s->last_field_empty = !s->content;
    if (s->state == F_QUOTED && !s->have_header)
        return wm_error_set(s->err, WM_EXIT_DATA,
                            "%s:%ld: a column name in the header holds a line break (or its quote is never "
                            "closed); GDAL reads a header as one line", s->name, s->line);
    if (s->state == F_QUOTED) {       /* a line break inside quotes */
        s->in_record = 1;
        return 0;
    }
    return end_record(s);

after_quote:
    return wm_error_set(s->err, WM_EXIT_DATA, "%s:%ld: field %ld has text after its closing quote",
                        s->name, s->line, s->fields + 1);
}

int wm_csv_check(const char *path, const char *name, wm_csv_shape *shape, wm_error *err)
{
    memset(shape, 0, sizeof *shape);
    scan s;
    memset(&s, 0, sizeof s);
    s.name = name;
    s.err = err;
    s.tsv = wm_has_suffix(path, ".tsv");

    VSILFILE *fp = VSIFOpenL(path, "rb");
    if (!fp) return wm_error_set(err, WM_EXIT_DATA, "%s: cannot open the file", name);
    char *line = NULL;
    size_t len = 0, cap = 0;
    int rc = 0, pending_cr = 0, first = 1;
    enum { CHUNK = 1 << 16 };
    char *buf = malloc(CHUNK);
    size_t got;
    while (rc == 0 && buf && (got = VSIFReadL(buf, 1, CHUNK, fp)) > 0) {
        size_t i = 0;
        if (first) {
            first = 0;
            if (got >= 2 && (((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE) ||
                             ((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF))) {
                rc = wm_error_set(err, WM_EXIT_DATA, "%s: UTF-16 text; save the file as UTF-8", name);
                break;
            }
            if (got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3;
        }
        for (; i < got && rc == 0; i++) {
            char c = buf[i];
            if (pending_cr) {
                pending_cr = 0;
                if (c == '\n') continue;
            }
            if (c == '\n' || c == '\r') {
                pending_cr = c == '\r';
                rc = scan_line(&s, line, len);
                len = 0;
                continue;
            }
            if (len == cap) {
                cap = cap ? 2 * cap : 4096;
                char *l = realloc(line, cap);
                if (!l) { rc = wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", name); break; }
                line = l;
            }
            line[len++] = c;
        }
    }
    if (!buf) rc = wm_error_set(err, WM_EXIT_DATA, "%s: out of memory", name);
    if (rc == 0 && len > 0) rc = scan_line(&s, line, len);   /* no newline at the end */
    if (rc == 0 && s.in_record)
        rc = wm_error_set(err, WM_EXIT_DATA,
                          "%s:%ld: the quote opened in field %ld is never closed (it would swallow the rest "
                          "of the file)", name, s.quote_line, s.quote_field);
    if (rc == 0 && !s.have_header)
        rc = wm_error_set(err, WM_EXIT_DATA, "%s: the file is empty (no header line)", name);
    free(buf);
    free(line);
    VSIFCloseL(fp);
    if (rc != 0) {
        free(s.lines);
        return -1;
    }
    shape->sep = s.sep;
    shape->nfields = (int)(s.nfields > 0x7fffffff ? 0x7fffffff : s.nfields);
    shape->nrecords = s.nrec;
    shape->lines = s.lines;
    return 0;
}

void wm_csv_shape_free(wm_csv_shape *shape)
{
    free(shape->lines);
    shape->lines = NULL;
    shape->nrecords = 0;
}
