/* glob.c — see glob.h. */
#include "util/glob.h"
#include <ctype.h>

static inline int fold(int c, int nocase) { return nocase ? tolower(c) : c; }

/* Match one character against the single-char element at pat[*pi]; advances *pi past
 * the element. Returns 1 on match. */
static int glob_match_one(const char *pat, size_t plen, size_t *pi, unsigned char c, int nocase) {
    size_t i = *pi;
    if (pat[i] == '?') { *pi = i + 1; return 1; }
    if (pat[i] == '\\' && i + 1 < plen) {
        *pi = i + 2;
        return fold((unsigned char)pat[i + 1], nocase) == fold(c, nocase);
    }
    if (pat[i] == '[') {
        i++;
        int negate = 0, match = 0;
        if (i < plen && pat[i] == '^') { negate = 1; i++; }
        while (i < plen && pat[i] != ']') {
            if (pat[i] == '\\' && i + 1 < plen) {
                i++;
                if (fold((unsigned char)pat[i], nocase) == fold(c, nocase)) match = 1;
                i++;
            } else if (i + 2 < plen && pat[i + 1] == '-') {
                int lo = fold((unsigned char)pat[i], nocase), hi = fold((unsigned char)pat[i + 2], nocase);
                if (lo > hi) { int t = lo; lo = hi; hi = t; }
                int cc = fold(c, nocase);
                if (cc >= lo && cc <= hi) match = 1;
                i += 3;
            } else {
                if (fold((unsigned char)pat[i], nocase) == fold(c, nocase)) match = 1;
                i++;
            }
        }
        if (i < plen) i++; /* skip ']'; an unterminated class runs to the end, as Redis */
        *pi = i;
        return negate ? !match : match;
    }
    *pi = i + 1;
    return fold((unsigned char)pat[i], nocase) == fold(c, nocase);
}

int glob_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase) {
    size_t pi = 0, si = 0;
    size_t star_p = (size_t)-1, star_s = 0;
    while (si < slen) {
        if (pi < plen && pat[pi] == '*') {
            while (pi < plen && pat[pi] == '*') pi++;
            if (pi == plen) return 1;
            star_p = pi;
            star_s = si;
            continue;
        }
        if (pi < plen) {
            size_t next = pi;
            if (glob_match_one(pat, plen, &next, (unsigned char)str[si], nocase)) {
                pi = next;
                si++;
                continue;
            }
        }
        if (star_p == (size_t)-1) return 0;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < plen && pat[pi] == '*') pi++;
    return pi == plen;
}
