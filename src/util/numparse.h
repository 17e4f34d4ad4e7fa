/* numparse.h — the one checked number parser/formatter used for every number that
 * arrives from clients, config files or loaded files. Parsers return 0 on success and
 * -1 on any syntax or range error, writing the result only on success (OUT params).
 * Accepted syntax is Redis's: integers are canonical decimal (optional '-', no '+',
 * no leading zeros, no spaces); floats are strtod/strtold syntax without leading
 * space, with "inf"/"-inf" allowed and NaN refused. */
#ifndef WARDEN_NUMPARSE_H
#define WARDEN_NUMPARSE_H
#include <stddef.h>
#include <stdint.h>

int num_parse_ll(const char *s, size_t len, long long *out);
int num_parse_ull(const char *s, size_t len, unsigned long long *out);
int num_parse_double(const char *s, size_t len, double *out);
int num_parse_long_double(const char *s, size_t len, long double *out);
/* Format into buf (at least 24 bytes); returns the length. No NUL needed by callers
 * but one is written. */
int num_ll_to_str(char *buf, long long v);
int num_ull_to_str(char *buf, unsigned long long v);
/* %.17g as Redis 7.0 replies doubles; "inf"/"-inf" for infinities. buf >= 32 bytes. */
int num_double_to_str(char *buf, size_t size, double v);
/* Human-friendly long double as INCRBYFLOAT replies (%.17Lf without trailing zeros).
 * Returns length, or 0 if the value does not fit `size`. */
int num_long_double_to_str(char *buf, size_t size, long double v);
/* Number of decimal digits needed for v (for sizing replies). */
int num_digits_ull(unsigned long long v);
#endif
