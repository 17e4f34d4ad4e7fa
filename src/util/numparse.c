/* numparse.c — see numparse.h. */
#include "util/numparse.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_MAX_FLOAT_CHARS 5120 /* refuse absurdly long float literals before strtod */

int num_parse_ull(const char *s, size_t len, unsigned long long *out) {
    if (len == 0 || len > 20) return -1;
    if (len == 1 && s[0] == '0') { *out = 0; return 0; }
    if (s[0] < '1' || s[0] > '9') return -1;
    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int num_parse_ll(const char *s, size_t len, long long *out) {
    if (len == 0) return -1;
    int neg = s[0] == '-';
    unsigned long long u;
    if (neg && len == 1) return -1;
    if (num_parse_ull(s + neg, len - (size_t)neg, &u) != 0) return -1;
    if (neg) {
        if (u == 0) return -1; /* "-0" is not canonical */
        if (u > (unsigned long long)LLONG_MAX + 1ULL) return -1;
        *out = (long long)(0 - u);
    } else {
        if (u > (unsigned long long)LLONG_MAX) return -1;
        *out = (long long)u;
    }
    return 0;
}

int num_parse_double(const char *s, size_t len, double *out) {
    char buf[NUM_MAX_FLOAT_CHARS + 1];
    if (len == 0 || len > NUM_MAX_FLOAT_CHARS) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0])) return -1;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if ((size_t)(end - buf) != len || isnan(v)) return -1;
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO)) return -1;
    *out = v;
    return 0;
}

int num_parse_long_double(const char *s, size_t len, long double *out) {
    char buf[NUM_MAX_FLOAT_CHARS + 1];
    if (len == 0 || len >= NUM_MAX_FLOAT_CHARS) return -1; /* Redis refuses 5120 chars too */
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0])) return -1;
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    if ((size_t)(end - buf) != len || isnan(v)) return -1;
    /* out of range only when it overflowed to infinity or underflowed to zero: a
     * subnormal result is a valid number (as Redis's string2ld) */
    if (errno == ERANGE && (isinf(v) || v == 0)) return -1;
    *out = v;
    return 0;
}

int num_ull_to_str(char *buf, unsigned long long v) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

int num_ll_to_str(char *buf, long long v) {
    if (v < 0) {
        buf[0] = '-';
        return 1 + num_ull_to_str(buf + 1, (unsigned long long)0 - (unsigned long long)v);
    }
    return num_ull_to_str(buf, (unsigned long long)v);
}

int num_digits_ull(unsigned long long v) {
    int n = 1;
    while (v >= 10) { v /= 10; n++; }
    return n;
}

int num_double_to_str(char *buf, size_t size, double v) {
    if (isinf(v)) return snprintf(buf, size, v > 0 ? "inf" : "-inf");
    int n = snprintf(buf, size, "%.17g", v);
    return n < (int)size ? n : (int)size - 1;
}

int num_long_double_to_str(char *buf, size_t size, long double v) {
    if (isinf(v)) return 0;
    int n = snprintf(buf, size, "%.17Lf", v);
    if (n < 1 || (size_t)n >= size) return 0;
    if (strchr(buf, '.')) {
        while (n > 0 && buf[n - 1] == '0') n--;
        if (n > 0 && buf[n - 1] == '.') n--;
        buf[n] = '\0';
    }
    if (n == 2 && buf[0] == '-' && buf[1] == '0') { buf[0] = '0'; buf[1] = '\0'; n = 1; }
    return n;
}
