/* Unit tests for utf8.h: validation, Unicode spaces, message escapes.
 * All inputs are synthetic byte strings written here. */
#include "utf8.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static long check(const char *s) { return wm_utf8_check(s, strlen(s)); }

int main(void)
{
    /* Valid: ASCII, 2-, 3- and 4-byte forms, the largest code point. */
    CHECK(check("") == -1);
    CHECK(check("Foleshill") == -1);
    CHECK(check("Ynys M\xC3\xB4n") == -1);              /* U+00F4 */
    CHECK(check("\xE2\x80\x93 \xE2\x82\xAC") == -1);     /* en dash, euro */
    CHECK(check("\xF0\x9F\x97\xBA") == -1);               /* U+1F5FA */
    CHECK(check("\xF4\x8F\xBF\xBF") == -1);               /* U+10FFFF */
    CHECK(wm_utf8_check("a\0b", 3) == -1);                /* NUL is U+0000 */
    CHECK(wm_utf8_valid(NULL) && wm_utf8_valid("ok"));

    /* Invalid: Latin-1 and Windows-1252 bytes, truncated sequences,
     * overlong forms, surrogates, beyond U+10FFFF, stray continuations. */
    CHECK(check("Ynys M\xF4n") == 6);
    CHECK(check("caf\xE9") == 3);
    CHECK(check("\x93quoted\x94") == 0);
    CHECK(check("ab\xC3") == 2);
    CHECK(check("\xE2\x80") == 0);
    CHECK(check("\xC0\xAF") == 0);
    CHECK(check("\xE0\x80\xAF") == 0);
    CHECK(check("\xF0\x80\x80\xAF") == 0);
    CHECK(check("\xED\xA0\x80") == 0);
    CHECK(check("\xF4\x90\x80\x80") == 0);
    CHECK(check("\xF5\x80\x80\x80") == 0);
    CHECK(check("x\x80") == 1);
    CHECK(!wm_utf8_valid("caf\xE9"));

    /* Spaces: ASCII, no-break space, narrow no-break, ideographic, BOM. */
    const char *s = "\xC2\xA0 E05001218\xC2\xA0";
    CHECK(wm_utf8_space_prefix(s, strlen(s)) == 3);
    CHECK(wm_utf8_space_suffix(s, strlen(s)) == 2);
    s = "\t\xE2\x80\xAF\xE3\x80\x80x\xEF\xBB\xBF\r\n";
    CHECK(wm_utf8_space_prefix(s, strlen(s)) == 7);
    CHECK(wm_utf8_space_suffix(s, strlen(s)) == 5);
    s = "   ";
    CHECK(wm_utf8_space_prefix(s, 3) == 3 && wm_utf8_space_suffix(s, 3) == 3);
    /* An invalid byte or a letter stops the count; U+00C2 is no space. */
    s = "\xA0x\xC2";
    CHECK(wm_utf8_space_prefix(s, strlen(s)) == 0);
    CHECK(wm_utf8_space_suffix(s, strlen(s)) == 0);
    s = "\xC3\x82x";
    CHECK(wm_utf8_space_prefix(s, strlen(s)) == 0);

    /* Trimming: Unicode spaces go the way of ASCII ones. */
    char *t = wm_utf8_trimmed_dup("\xC2\xA0 E05001218\xC2\xA0\r");
    CHECK_STR(t, "E05001218");
    free(t);
    t = wm_utf8_trimmed_dup("Ynys M\xC3\xB4n \xE2\x80\xAF");
    CHECK_STR(t, "Ynys M\xC3\xB4n");
    free(t);

    /* Escapes keep a message on one line and its bytes valid UTF-8. */
    char buf[64];
    CHECK_STR(wm_text_escape("E0\n1\r\t", buf, sizeof buf), "E0\\n1\\r\\t");
    CHECK_STR(wm_text_escape("M\xF4n", buf, sizeof buf), "M\\xF4n");
    CHECK_STR(wm_text_escape("M\xC3\xB4n", buf, sizeof buf), "M\xC3\xB4n");
    CHECK_STR(wm_text_escape("a\x1b[31m", buf, sizeof buf), "a\\x1B[31m");
    CHECK_STR(wm_text_escape("a\xC2\x85" "b\xE2\x80\xA8", buf, sizeof buf), "a\\u0085b\\u2028");
    CHECK_STR(wm_text_escape(NULL, buf, sizeof buf), "");
    char small[8];
    CHECK_STR(wm_text_escape("abcdefghij", small, sizeof small), "abcd...");
    CHECK_STR(wm_text_escape("abcdefg", small, sizeof small), "abcdefg");
    /* Never cut a character in half. */
    CHECK_STR(wm_text_escape("abc\xC3\xB4\xC3\xB4xyz", small, sizeof small), "abc...");
    CHECK(wm_utf8_valid(wm_text_escape("\xF4\x90\x80\x80\xFF", buf, sizeof buf)));
    return wm_test_summary();
}
