/* test_numparse.c — the one number parser/formatter (src/util/numparse.c). Accepted
 * syntax must be exactly Redis 7.0's (string2ll / strtod checks): a number that Redis
 * refuses must be refused here, or commands would accept what Redis rejects. */
#include "unit.h"
#include "util/numparse.h"
#include <float.h>
#include <limits.h>
#include <math.h>

static int ll(const char *s, long long *out) { return num_parse_ll(s, strlen(s), out); }
static int ull(const char *s, unsigned long long *out) { return num_parse_ull(s, strlen(s), out); }
static int dbl(const char *s, double *out) { return num_parse_double(s, strlen(s), out); }
static int ldbl(const char *s, long double *out) { return num_parse_long_double(s, strlen(s), out); }

static void test_parse_ll(void) {
    long long v = 12345;
    CHECK(ll("0", &v) == 0 && v == 0);
    CHECK(ll("1", &v) == 0 && v == 1);
    CHECK(ll("-1", &v) == 0 && v == -1);
    CHECK(ll("1234567890", &v) == 0 && v == 1234567890);
    CHECK(ll("9223372036854775807", &v) == 0 && v == LLONG_MAX);
    CHECK(ll("-9223372036854775808", &v) == 0 && v == LLONG_MIN);
    /* refused, and the output untouched */
    const char *bad[] = {"",      "-",     "+1",   " 1",   "1 ",   "01",   "-0",    "00",  "1a",  "a1",
                         "0x10",  "1e3",   "1.0",  "--1",  "- 1",  "\t1",  "1\n",   "-01", "٣",   "9223372036854775808",
                         "-9223372036854775809", "18446744073709551616", "99999999999999999999999999", "1,000"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = 777;
        int rc = ll(bad[i], &v);
        if (rc == 0) fprintf(stderr, "num_parse_ll accepted \"%s\"\n", bad[i]);
        CHECK(rc == -1 && v == 777);
    }
    /* explicit lengths: the parser must not look past them */
    CHECK(num_parse_ll("123456", 3, &v) == 0 && v == 123);
    CHECK(num_parse_ll("12\0" "3", 4, &v) == -1);
    CHECK(num_parse_ll("-", 0, &v) == -1);
}

static void test_parse_ull(void) {
    unsigned long long v = 5;
    CHECK(ull("0", &v) == 0 && v == 0);
    CHECK(ull("18446744073709551615", &v) == 0 && v == ULLONG_MAX);
    v = 5;
    CHECK(ull("18446744073709551616", &v) == -1 && v == 5);
    CHECK(ull("-1", &v) == -1);
    CHECK(ull("01", &v) == -1);
    CHECK(ull("", &v) == -1);
    CHECK(ull("184467440737095516150", &v) == -1); /* 21 digits */
}

static void test_parse_double(void) {
    double d = 0;
    CHECK(dbl("1.5", &d) == 0 && d == 1.5);
    CHECK(dbl("-0.25", &d) == 0 && d == -0.25);
    CHECK(dbl("10", &d) == 0 && d == 10.0);
    CHECK(dbl("1e3", &d) == 0 && d == 1000.0);
    CHECK(dbl(".5", &d) == 0 && d == 0.5);
    CHECK(dbl("5.", &d) == 0 && d == 5.0);
    CHECK(dbl("+1.5", &d) == 0 && d == 1.5); /* strtod syntax, as Redis */
    CHECK(dbl("inf", &d) == 0 && isinf(d) && d > 0);
    CHECK(dbl("-inf", &d) == 0 && isinf(d) && d < 0);
    CHECK(dbl("+inf", &d) == 0 && isinf(d) && d > 0);
    CHECK(dbl("0x10", &d) == 0 && d == 16.0); /* Redis's strtod takes hex too */
    CHECK(dbl("4.9e-324", &d) == 0 && d > 0); /* denormal: not an underflow to zero */
    d = 42;
    const char *bad[] = {"", " 1", "1 ", "abc", "1.5x", "nan", "-nan", "NaN", "1e400", "-1e400", "1e-400", "--1", "1..2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = dbl(bad[i], &d);
        if (rc == 0) fprintf(stderr, "num_parse_double accepted \"%s\"\n", bad[i]);
        CHECK(rc == -1 && d == 42);
    }
    /* an absurdly long literal is refused before strtod sees it; the length bounds it */
    size_t n = 6000;
    char *lit = malloc(n);
    memset(lit, '1', n);
    CHECK(num_parse_double(lit, n, &d) == -1);
    CHECK(num_parse_double(lit, 10, &d) == 0 && d == 1111111111.0);
    free(lit);
    CHECK(num_parse_double("1.5\0" "9", 5, &d) == -1);
}

static void test_parse_long_double(void) {
    long double d = 0;
    CHECK(ldbl("1.5", &d) == 0 && d == 1.5L);
    CHECK(ldbl("-3", &d) == 0 && d == -3.0L);
    CHECK(ldbl("inf", &d) == 0 && isinf(d));
    CHECK(ldbl("nan", &d) == -1);
    CHECK(ldbl(" 1", &d) == -1);
    CHECK(ldbl("1 ", &d) == -1);
    CHECK(ldbl("", &d) == -1);
    CHECK(ldbl("1e99999", &d) == -1);
}

static void test_format(void) {
    char buf[64];
    CHECK(num_ll_to_str(buf, 0) == 1 && !strcmp(buf, "0"));
    CHECK(num_ll_to_str(buf, -1) == 2 && !strcmp(buf, "-1"));
    CHECK(num_ll_to_str(buf, LLONG_MAX) == 19 && !strcmp(buf, "9223372036854775807"));
    CHECK(num_ll_to_str(buf, LLONG_MIN) == 20 && !strcmp(buf, "-9223372036854775808"));
    CHECK(num_ull_to_str(buf, ULLONG_MAX) == 20 && !strcmp(buf, "18446744073709551615"));
    CHECK(num_digits_ull(0) == 1 && num_digits_ull(9) == 1 && num_digits_ull(10) == 2);
    CHECK(num_digits_ull(ULLONG_MAX) == 20);
    /* round trip of edge values */
    long long edges[] = {0, 1, -1, 9, 10, -10, 99, 100, LLONG_MAX, LLONG_MIN, LLONG_MAX - 1, LLONG_MIN + 1};
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        long long back = 0;
        int n = num_ll_to_str(buf, edges[i]);
        CHECK(num_parse_ll(buf, (size_t)n, &back) == 0 && back == edges[i]);
    }
    /* doubles as Redis 7.0 replies them: %.17g, inf */
    CHECK(num_double_to_str(buf, sizeof(buf), 1.5) == 3 && !strcmp(buf, "1.5"));
    CHECK(num_double_to_str(buf, sizeof(buf), 0.1) > 0 && !strcmp(buf, "0.10000000000000001"));
    CHECK(num_double_to_str(buf, sizeof(buf), 3.0) > 0 && !strcmp(buf, "3"));
    CHECK(num_double_to_str(buf, sizeof(buf), -0.0) > 0 && !strcmp(buf, "-0"));
    CHECK(num_double_to_str(buf, sizeof(buf), 1e300) > 0 && !strcmp(buf, "1.0000000000000001e+300"));
    CHECK(num_double_to_str(buf, sizeof(buf), INFINITY) == 3 && !strcmp(buf, "inf"));
    CHECK(num_double_to_str(buf, sizeof(buf), -INFINITY) == 4 && !strcmp(buf, "-inf"));
    /* a too-small buffer is truncated, never overrun */
    char tiny[4];
    int n = num_double_to_str(tiny, sizeof(tiny), 0.1);
    CHECK(n == 3 && tiny[3] == '\0');
    /* long doubles as INCRBYFLOAT replies them */
    CHECK(num_long_double_to_str(buf, sizeof(buf), 3.0L) == 1 && !strcmp(buf, "3"));
    CHECK(num_long_double_to_str(buf, sizeof(buf), 10.5L) == 4 && !strcmp(buf, "10.5"));
    CHECK(num_long_double_to_str(buf, sizeof(buf), -0.0L) == 1 && !strcmp(buf, "0"));
    CHECK(num_long_double_to_str(buf, sizeof(buf), 1.1L) > 0 && !strcmp(buf, "1.1"));
    CHECK(num_long_double_to_str(buf, sizeof(buf), -2.25L) > 0 && !strcmp(buf, "-2.25"));
    CHECK(num_long_double_to_str(buf, sizeof(buf), 5000.0L) > 0 && !strcmp(buf, "5000"));
    CHECK(num_long_double_to_str(buf, sizeof(buf), INFINITY) == 0);
    CHECK(num_long_double_to_str(buf, 8, 1e30L) == 0); /* does not fit */
}

int main(void) {
    test_parse_ll();
    test_parse_ull();
    test_parse_double();
    test_parse_long_double();
    test_format();
    return unit_summary();
}
