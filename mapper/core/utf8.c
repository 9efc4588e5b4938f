#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes available) and its
 * code point in *cp, or 0 when the bytes there are not valid UTF-8. */
static size_t decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    if (n == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    size_t len;
    unsigned long v, min;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
    else return 0;   /* continuation byte, C0/C1 overlong lead, or F5..FF */
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

long wm_utf8_check(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) { i++; continue; }
        unsigned long cp;
        size_t k = decode(p + i, len - i, &cp);
        if (!k) return (long)i;
        i += k;
    }
    return -1;
}

int wm_utf8_valid(const char *s)
{
    return !s || wm_utf8_check(s, strlen(s)) < 0;
}

static int is_space(unsigned long cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

size_t wm_utf8_space_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned long cp;
        size_t k = decode(p + i, len - i, &cp);
        if (!k || !is_space(cp)) break;
        i += k;
    }
    return i;
}

size_t wm_utf8_space_suffix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t end = len;
    while (end > 0) {
        /* Step back to the lead byte of the last character (at most 4). */
        size_t start = end - 1;
        while (start > 0 && end - start < 4 && (p[start] & 0xC0) == 0x80) start--;
        unsigned long cp;
        size_t k = decode(p + start, end - start, &cp);
        if (k != end - start || !is_space(cp)) break;
        end = start;
    }
    return len - end;
}

char *wm_utf8_trimmed_dup(const char *s)
{
    size_t n = strlen(s);
    size_t lead = wm_utf8_space_prefix(s, n);
    s += lead;
    n -= lead;
    n -= wm_utf8_space_suffix(s, n);
    return strndup(s, n);
}

const char *wm_text_escape(const char *s, char *buf, size_t size)
{
    if (!size) return buf;
    buf[0] = '\0';
    if (!s) return buf;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), o = 0, i = 0;
    while (i < n) {
        char piece[16];
        size_t plen;
        unsigned long cp;
        size_t k = decode(p + i, n - i, &cp);
        if (k == 0) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\x%02X", p[i]);
            k = 1;
        } else if (cp == '\n') {
            plen = (size_t)snprintf(piece, sizeof piece, "\\n");
        } else if (cp == '\r') {
            plen = (size_t)snprintf(piece, sizeof piece, "\\r");
        } else if (cp == '\t') {
            plen = (size_t)snprintf(piece, sizeof piece, "\\t");
        } else if (cp < 0x20 || cp == 0x7F) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\x%02lX", cp);
        } else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\u%04lX", cp);
        } else {
            memcpy(piece, p + i, k);
            plen = k;
        }
        /* When a piece does not fit, end with "..." instead. */
        if (o + plen + 1 > size) {
            if (size >= 4) {
                size_t written = o;
                while (o + 4 > size) o--;
                /* Do not cut a multi-byte character in half. */
                while (o > 0 && o < written && ((unsigned char)buf[o] & 0xC0) == 0x80) o--;
                memcpy(buf + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy(buf + o, piece, plen);
        o += plen;
        i += k;
    }
    buf[o < size ? o : size - 1] = '\0';
    return buf;
}
