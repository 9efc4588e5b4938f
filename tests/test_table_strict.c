/* Tests for the strict table reader (table.h, csv_check.h): malformed
 * CSV is refused as "FILE:LINE: what is wrong" with WM_EXIT_DATA, the
 * published forms still read, and so does every bundled table.  Every
 * table here is synthetic, written by the test. */
#define _XOPEN_SOURCE 700
#include "table.h"
#include "testutil.h"
#include "utf8.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *write_bytes(const char *name, const char *bytes, size_t n)
{
    const char *path = wm_test_tmp_path(name);
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (fp) {
        CHECK(fwrite(bytes, 1, n, fp) == n);
        CHECK(fclose(fp) == 0);
    }
    return path;
}

#define WRITE(name, literal) write_bytes(name, literal, sizeof literal - 1)

/* Reading `path` fails with WM_EXIT_DATA and a one-line message that
 * starts "PATH:LINE:" (or "PATH:" when line is 0) and holds `what`. */
static void expect_refused(const char *path, long line, const char *what)
{
    wm_error err;
    wm_error_clear(&err);
    wm_table *t = wm_table_read(path, &err);
    CHECK(t == NULL);
    wm_table_free(t);
    CHECK(err.code == WM_EXIT_DATA);
    char want[4200];
    if (line) snprintf(want, sizeof want, "%s:%ld: ", path, line);
    else snprintf(want, sizeof want, "%s: ", path);
    int ok = strncmp(err.msg, want, strlen(want)) == 0 && strstr(err.msg, what) != NULL &&
             !strchr(err.msg, '\n') && wm_utf8_valid(err.msg);
    CHECK(ok);
    if (!ok) fprintf(stderr, "  got \"%s\", want \"%s...%s...\"\n", err.msg, want, what);
}

static wm_table *expect_read(const char *path)
{
    wm_error err;
    wm_error_clear(&err);
    wm_table *t = wm_table_read(path, &err);
    CHECK(t != NULL);
    if (!t) fprintf(stderr, "  %s\n", err.msg);
    return t;
}

/* Published forms keep working: BOM, CRLF, quoted "29,199", suppression
 * markers, blank lines, a quoted line break, no newline at the end. */
static void test_published_forms(void)
{
    const char *p = WRITE("synthetic_published.csv",
        "\xEF\xBB\xBF" "Area code,Area name,Count\r\n"
        "A1,\"Synthetic, first\",\"29,199\"\r\n"     /* line 2 */
        "\r\n"                                         /* line 3: blank */
        "A2,\"Synthetic \"\"second\"\"\",s\r\n"       /* line 4 */
        "A3,\"Synthetic\r\nthird\",[c]\r\n"           /* lines 5-6 */
        "A4, \"Synthetic fourth\" ,  12 ");           /* line 7, no newline */
    wm_table *t = expect_read(p);
    if (!t) return;
    CHECK(t->ncols == 3 && t->nrows == 4);
    CHECK_STR(t->colnames[0], "Area code");
    CHECK_STR(wm_table_cell(t, 0, 2), "29,199");
    CHECK_STR(wm_table_cell(t, 1, 1), "Synthetic \"second\"");
    CHECK_STR(wm_table_cell(t, 1, 2), "s");
    CHECK_STR(wm_table_cell(t, 3, 2), "  12 ");
    CHECK(wm_table_line(t, 0) == 2 && wm_table_line(t, 1) == 4);
    CHECK(wm_table_line(t, 2) == 5 && wm_table_line(t, 3) == 7);
    wm_table_free(t);

    /* Tab-separated, Excel's trailing empty columns, a header alone, a
     * quoted "C:\" (a backslash is only a character). */
    t = expect_read(WRITE("synthetic_tabs.tsv", "code\tvalue\nA1\t1,234\nA2\t5\n"));
    if (t) { CHECK(t->ncols == 2 && t->nrows == 2); CHECK_STR(wm_table_cell(t, 0, 1), "1,234"); }
    wm_table_free(t);
    t = expect_read(WRITE("synthetic_trailing.csv", "code,value,,\nA1,1,,\nA2,2,,\n"));
    if (t) CHECK(t->ncols == 4 && t->nrows == 2);
    wm_table_free(t);
    t = expect_read(WRITE("synthetic_header_only.csv", "code,value\r\n"));
    if (t) CHECK(t->ncols == 2 && t->nrows == 0);
    wm_table_free(t);
    t = expect_read(WRITE("synthetic_backslash.csv", "code,path\nA1,\"C:\\\"\n"));
    if (t) CHECK_STR(wm_table_cell(t, 0, 1), "C:\\");
    wm_table_free(t);
    /* Old Mac line ends. */
    t = expect_read(WRITE("synthetic_cr.csv", "code,value\rA1,1\rA2,2\r"));
    if (t) CHECK(t->nrows == 2 && wm_table_line(t, 1) == 3);
    wm_table_free(t);
}

static void test_structure_refused(void)
{
    /* An unquoted thousands separator: one field too many. */
    expect_refused(WRITE("synthetic_thousands.csv", "code,name,value\nE05000001,A,29,199\n"), 2,
                   "4 fields where the header has 3");
    /* Short and truncated rows are not empty cells. */
    expect_refused(WRITE("synthetic_short.csv", "code,value,count\nA1,1,2\nA2,3\nA3,4,5\n"), 3,
                   "2 fields where the header has 3");
    expect_refused(WRITE("synthetic_truncated.csv", "code,value\nA1,1\nA2"), 3,
                   "1 field where the header has 2");
    /* An unbalanced quote must not swallow the rest of the file. */
    expect_refused(WRITE("synthetic_unclosed.csv", "code,value\nA1,1\nA2,\"2\nA3,3\nA4,4\n"), 3,
                   "never closed");
    expect_refused(WRITE("synthetic_stray_quote.csv", "code,value\nA1,2\"\nA3,3\"\n"), 2,
                   "quote inside an unquoted value");
    expect_refused(WRITE("synthetic_after_quote.csv", "code,value\nA1,\"2\"0\n"), 2,
                   "text after its closing quote");
    /* An embedded NUL would turn 20 into 2. */
    expect_refused(WRITE("synthetic_nul.csv", "code,value\nA1,2\0" "0\nA2,5\n"), 2, "NUL byte");
    expect_refused(WRITE("synthetic_utf16.csv", "\xFF\xFE" "c\0o\0d\0e\0"), 0, "UTF-16");
    expect_refused(WRITE("synthetic_empty.csv", ""), 0, "empty");
    /* A blank line before the header: GDAL cannot open the file (found
     * by fuzzing, where an empty first line was also a null pointer
     * passed to memchr). */
    expect_refused(WRITE("synthetic_blank.csv", "\r\n\n"), 1, "blank line before the header");
    expect_refused(WRITE("synthetic_leading_blank.csv", "\n\r\ncode,value\nA1,1\n"), 1,
                   "blank line before the header");
    /* Semicolons and decimal commas: refused, never read as 12500. */
    expect_refused(WRITE("synthetic_semicolon.csv", "code;value\nA1;12,500\nA2;3,25\n"), 1, "semicolons");
    expect_refused(WRITE("synthetic_mixed.csv", "code;rate,x\nA1;12,5\n"), 1, "ambiguous");
    expect_refused(WRITE("synthetic_tab_comma.csv", "code,value\tx\nA1,1\t2\n"), 1, "ambiguous");
    expect_refused(WRITE("synthetic_spaces.csv", "Area code\nA1\n"), 1, "spaces");
    /* Found by fuzzing: GDAL reads "code," as one column and drops the
     * second field of every row. */
    expect_refused(WRITE("synthetic_one_name.csv", "code,\nA1,2\n"), 1, "single column");
    expect_refused(WRITE("synthetic_one_name_quoted.csv", "code,\"\"\nA1,2\n"), 1, "single column");
    expect_refused(WRITE("synthetic_one_name_quotes.csv", "code\t\"\"\"\"\nA1\t2\n"), 1, "single column");
    /* GDAL's header tokenizer takes \" as an escaped quote. */
    expect_refused(WRITE("synthetic_header_backslash.csv", "\"a\\\",b\",c\nA1,2\n"), 1,
                   "backslash before a quote");
    /* ... and reads a header as one line, whatever its quotes say. */
    expect_refused(WRITE("synthetic_header_break.csv", "code,\"value\nfor 2020\",x\nA1,2,3\n"), 1,
                   "holds a line break");
}

/* Found by fuzzing: GDAL let the content of a .csv file choose the
 * driver, and a cell holding "<OGRVRTDataSource" made it a VRT. */
static void test_content_cannot_pick_driver(void)
{
    wm_table *t = expect_read(WRITE("synthetic_vrt_text.csv", "code,note\nA1,<OGRVRTDataSource>\n"));
    if (t) CHECK_STR(wm_table_cell(t, 0, 1), "<OGRVRTDataSource>");
    wm_table_free(t);
}

static void test_duplicate_columns(void)
{
    wm_table *t = expect_read(WRITE("synthetic_dup.csv", "code,value,Value,value,other\nA1,1,2,3,4\n"));
    if (!t) return;
    /* The columns nobody asks for do not matter ... */
    CHECK(wm_table_column(t, "code") == 0);
    CHECK(wm_table_column(t, "other") == 4);
    /* ... an exact name beats a case-insensitive one ... */
    CHECK(wm_table_column(t, "Value") == 2);
    /* ... but two columns with the name asked for are an error. */
    CHECK(wm_table_column(t, "value") == -2);
    CHECK(wm_table_column(t, "VALUE") == -2);
    CHECK(wm_table_column(t, "nothing") == -1);
    wm_error err;
    wm_error_clear(&err);
    CHECK(wm_table_require_column(t, "value", &err) == -1);
    CHECK(err.code == WM_EXIT_DATA);
    CHECK(strstr(err.msg, "synthetic_dup.csv:1: two columns are named \"value\" (columns 2 and 4)") != NULL);
    wm_table_free(t);
}

static void test_utf8_refused(void)
{
    /* Windows-1252 in a header used as a title, Latin-1 in a name. */
    expect_refused(WRITE("synthetic_cp1252_header.csv", "code,\x93Rate\x94\nA1,1\n"), 1,
                   "is not valid UTF-8 (byte 0x93)");
    expect_refused(WRITE("synthetic_latin1_name.csv", "code,name\nA1,Synthetic\nA2,Ynys M\xF4n\n"), 3,
                   "column \"name\" holds \"Ynys M\\xF4n\", which is not valid UTF-8");
    /* Valid UTF-8 reads as it is. */
    wm_table *t = expect_read(WRITE("synthetic_utf8_name.csv", "code,name\nA1,Ynys M\xC3\xB4n\n"));
    if (t) CHECK_STR(wm_table_cell(t, 0, 1), "Ynys M\xC3\xB4n");
    wm_table_free(t);
}

static int nbundled, nbundled_ok;

static int read_bundled(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)ftw;
    size_t n = strlen(path);
    if (flag != FTW_F || n < 4 || strcmp(path + n - 4, ".csv") != 0) return 0;
    nbundled++;
    wm_error err;
    wm_error_clear(&err);
    wm_table *t = wm_table_read(path, &err);
    if (t && t->nrows > 0) nbundled_ok++;
    else fprintf(stderr, "bundled table refused: %s\n", t ? path : err.msg);
    wm_table_free(t);
    return 0;
}

/* Every table bundled in layers/ reads under the strict rules. */
static void test_bundled_tables(void)
{
    CHECK(nftw(wm_test_home_path("layers"), read_bundled, 16, FTW_PHYS) == 0);
    CHECK(nbundled >= 20);
    CHECK(nbundled_ok == nbundled);
}

int main(void)
{
    wm_gdal_init();
    test_published_forms();
    test_structure_refused();
    test_content_cannot_pick_driver();
    test_duplicate_columns();
    test_utf8_refused();
    test_bundled_tables();
    return wm_test_summary();
}
