/* fuzz_glob.c — libFuzzer target for glob matching (src/util/glob.c), differential:
 * the production matcher (iterative, one backtrack point) must agree with a plain
 * dynamic-programming matcher written from the same element rules, on every input.
 * Input: byte 0 = flags (bit 0: nocase), then pattern, a 0xFF byte, then the string. */
#include "util/glob.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)
#define MAXLEN 96

/* Length of the single-character element at pat[i] (not '*'). */
static size_t elem_len(const char *pat, size_t plen, size_t i) {
    if (pat[i] == '\\' && i + 1 < plen) return 2;
    if (pat[i] != '[') return 1;
    size_t j = i + 1;
    if (j < plen && pat[j] == '^') j++;
    while (j < plen && pat[j] != ']') {
        if (pat[j] == '\\' && j + 1 < plen) j += 2;
        else if (j + 2 < plen && pat[j + 1] == '-') j += 3;
        else j++;
    }
    if (j < plen) j++;
    return j - i;
}

/* Does element pat[i..i+n) match character c? Asks the production matcher about a
 * one-element pattern and a one-character string (no stars: no backtracking there). */
static int elem_match(const char *pat, size_t i, size_t n, char c, int nocase) {
    return glob_match(pat + i, n, &c, 1, nocase);
}

/* reference: m[pi][si] = pattern suffix pi matches string suffix si */
static int ref_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase) {
    static signed char m[MAXLEN + 2][MAXLEN + 2];
    for (size_t pi = plen + 1; pi-- > 0;) {
        for (size_t si = slen + 1; si-- > 0;) {
            int r;
            if (pi == plen) {
                r = si == slen;
            } else if (pat[pi] == '*') {
                r = m[pi + 1][si] || (si < slen && m[pi][si + 1]);
            } else if (si == slen) {
                r = 0;
            } else {
                size_t n = elem_len(pat, plen, pi);
                r = elem_match(pat, pi, n, str[si], nocase) && m[pi + n][si + 1];
            }
            m[pi][si] = (signed char)r;
        }
    }
    return m[0][0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int nocase = data[0] & 1;
    data++;
    size--;
    const uint8_t *sep = memchr(data, 0xFF, size);
    size_t plen = sep ? (size_t)(sep - data) : size;
    size_t slen = sep ? size - plen - 1 : 0;
    if (plen > MAXLEN || slen > MAXLEN) return 0;
    /* exact-size copies so ASan sees any over-read */
    char *pat = malloc(plen ? plen : 1), *str = malloc(slen ? slen : 1);
    memcpy(pat, data, plen);
    if (slen) memcpy(str, sep + 1, slen);
    int got = glob_match(pat, plen, str, slen, nocase);
    REQUIRE(got == 0 || got == 1);
    REQUIRE(got == ref_match(pat, plen, str, slen, nocase));
    free(pat);
    free(str);
    return 0;
}
