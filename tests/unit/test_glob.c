/* test_glob.c — glob matching (src/util/glob.c) as KEYS, SCAN MATCH, CONFIG GET and
 * PSUBSCRIBE use it. The vectors were checked against redis-server 7.0's KEYS (one key,
 * one pattern each); pathological patterns must finish in linear-ish time. */
#include "unit.h"
#include "util/glob.h"

struct vec {
    const char *pat, *str;
    int match;
};

static const struct vec vectors[] = {
    {"*", "", 1},
    {"*", "abc", 1},
    {"?", "", 0},
    {"?", "a", 1},
    {"?", "ab", 0},
    {"a*", "a", 1},
    {"a*", "abc", 1},
    {"a*", "ba", 0},
    {"*a", "bca", 1},
    {"*a", "ab", 0},
    {"a*b*c", "axxbyyc", 1},
    {"a*b*c", "axxbyy", 0},
    {"h?llo", "hello", 1},
    {"h?llo", "hllo", 0},
    {"h[ae]llo", "hallo", 1},
    {"h[ae]llo", "hillo", 0},
    {"h[^e]llo", "hallo", 1},
    {"h[^e]llo", "hello", 0},
    {"h[a-b]llo", "hbllo", 1},
    {"h[a-b]llo", "hcllo", 0},
    {"h[b-a]llo", "hallo", 1},
    {"h\\*llo", "h*llo", 1},
    {"h\\*llo", "hello", 0},
    {"\\", "\\", 1},
    {"a\\", "a\\", 1},
    {"[abc", "a", 1},
    {"[abc", "b", 1},
    {"[abc", "ab", 0},
    {"[", "[", 0},
    {"[]", "a", 0},
    {"[]]", "]", 0},
    {"[a-]", "-", 0},
    {"[a-]", "b", 0},
    {"[-a]", "-", 1},
    {"[\\]]", "]", 1},
    {"[\\-]", "-", 1},
    {"[a\\-z]", "b", 0},
    {"*[", "a[", 0},
    {"a**b", "ab", 1},
    {"a**b", "axyzb", 1},
    /* Redis's matcher answers 0 for any pattern but "" against the empty string (its
     * KEYS and SCAN special-case the pattern "*" to hide that); Warden's answers what
     * the pattern says. A deliberate difference, visible only with empty keys. */
    {"**", "", 1},
    {"*?", "", 0},
    {"*?", "a", 1},
    {"[^]", "a", 1},
    {"[^a]", "", 0},
    {"[*]", "*", 1},
    {"[*]", "a", 0},
    {"[?]", "x", 0},
    {"\\?", "?", 1},
    {"\\?", "x", 0},
    {"a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
    {"*x*y", "axbxcy", 1},
    {"ab[", "ab[", 0},
    {"[a-z", "q", 1},
    {"[\\", "\\", 1},
    {"h[A-Z]llo", "hEllo", 1},
    {"h[a-z]llo", "hEllo", 0},
    {"H*", "hello", 0},
    {"[^a-c]*", "dog", 1},
    {"[^a-c]*", "cat", 0},
    {"*\\", "a\\", 1},
    {"[z-a]", "m", 1},
    {"*.*", "foo.bar", 1},
    {"foo*bar*", "foobar", 1},
};

static int gm(const char *p, const char *s, int nocase) { return glob_match(p, strlen(p), s, strlen(s), nocase); }

static void test_vectors(void) {
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const struct vec *v = &vectors[i];
        int got = gm(v->pat, v->str, 0);
        if (got != v->match) {
            unit_failed++;
            fprintf(stderr, "FAILED glob \"%s\" vs \"%s\": got %d want %d\n", v->pat, v->str, got, v->match);
        } else {
            unit_passed++;
        }
    }
}

static void test_nocase_and_binary(void) {
    CHECK(gm("H*", "hello", 1) == 1);
    CHECK(gm("h[A-Z]llo", "hello", 1) == 1);
    CHECK(gm("h[a-z]llo", "hEllo", 1) == 1);
    CHECK(gm("h[^E]llo", "hello", 1) == 0);
    CHECK(gm("\\H", "h", 1) == 1);
    CHECK(gm("maxmemory*", "MAXMEMORY-POLICY", 1) == 1);
    CHECK(gm("maxmemory*", "MAXMEMORY-POLICY", 0) == 0);
    /* lengths, not NULs, bound both sides */
    CHECK(glob_match("a?c", 3, "a\0c", 3, 0) == 1);
    CHECK(glob_match("a\0*", 3, "a\0xyz", 5, 0) == 1);
    CHECK(glob_match("a\0*", 3, "a\1xyz", 5, 0) == 0);
    CHECK(glob_match("abc", 1, "a", 1, 0) == 1); /* only the first byte of the pattern */
    CHECK(glob_match("*", 1, "", 0, 0) == 1);
    CHECK(glob_match("", 0, "", 0, 0) == 1);
    CHECK(glob_match("", 0, "a", 1, 0) == 0);
    /* high bytes are plain bytes */
    CHECK(gm("\xc3\xa9*", "\xc3\xa9t\xc3\xa9", 0) == 1);
    CHECK(gm("[\x80-\xff]", "\xfe", 0) == 1);
}

/* Hostile patterns: backtracking matchers go exponential on "a*a*a*...b"; this one
 * must stay around O(pattern * string). Each case gets a generous wall-clock bound
 * (the build is sanitized and the machine shared). */
static void test_pathological(void) {
    size_t slen = 20000;
    char *str = malloc(slen + 1);
    memset(str, 'a', slen);
    str[slen] = '\0';
    char pat[256];
    size_t pl = 0;
    for (int i = 0; i < 60; i++) {
        pat[pl++] = 'a';
        pat[pl++] = '*';
    }
    pat[pl++] = 'b';
    double t0 = unit_now();
    CHECK(glob_match(pat, pl, str, slen, 0) == 0);
    CHECK(glob_match(pat, pl - 1, str, slen, 0) == 1);
    /* many stars and classes */
    char pat2[4096];
    size_t p2 = 0;
    for (int i = 0; i < 500; i++) {
        memcpy(pat2 + p2, "*[a-z]?", 7);
        p2 += 7;
    }
    pat2[p2++] = 'x';
    CHECK(glob_match(pat2, p2, str, slen, 0) == 0);
    CHECK(glob_match(pat2, p2, str, slen, 1) == 0);
    /* a long pattern of only stars */
    memset(pat2, '*', sizeof(pat2));
    CHECK(glob_match(pat2, sizeof(pat2), str, slen, 0) == 1);
    /* stars then an impossible class, the worst case for the single-backtrack loop */
    CHECK(glob_match("*[^a]", 5, str, slen, 0) == 0);
    double took = unit_now() - t0;
    if (took > 2.0) fprintf(stderr, "pathological globs took %.2fs\n", took);
    CHECK(took < 2.0);
    free(str);
}

int main(void) {
    test_vectors();
    test_nocase_and_binary();
    test_pathological();
    return unit_summary();
}
