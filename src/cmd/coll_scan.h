/* coll_scan.h — the argument handling shared by SCAN, HSCAN, SSCAN and ZSCAN:
 * cursor syntax and the MATCH / COUNT (and, for SCAN, TYPE) options, with Redis 7.0's
 * error texts.
 *
 * Order of checks as in Redis: the cursor is parsed before the key is looked up
 * (coll_scan_cursor), the options after the type check (coll_scan_options). */
#ifndef WARDEN_COLL_SCAN_H
#define WARDEN_COLL_SCAN_H
#include <stddef.h>
#include <stdint.h>

struct arg;
struct client;

struct coll_scan_opts {
    const char *pat; /* MATCH pattern (NULL: none; "*" is treated as none) */
    size_t plen;
    long long count; /* COUNT, default 10 */
};

/* Parse c->argv[idx] as a cursor exactly as Redis 7.0 (strtoul, base 10): no leading
 * space, an optional sign (a negative cursor wraps modulo 2^64), the string ends at
 * its first NUL, the empty string is cursor 0, values past 2^64-1 are refused. On
 * error replies "ERR invalid cursor" and returns -1. */
int coll_scan_cursor(struct client *c, int idx, uint64_t *out);
/* Parse MATCH/COUNT from c->argv[first..]. On error replies and returns -1. */
int coll_scan_options(struct client *c, int first, struct coll_scan_opts *o);
/* The same for SCAN, which also takes TYPE: OUT *type is its argument (NULL when
 * not given; the last one counts). */
int coll_scan_options_type(struct client *c, int first, struct coll_scan_opts *o, const struct arg **type);
/* 1 if member m passes the MATCH filter. */
int coll_scan_match(const struct coll_scan_opts *o, const char *m, size_t len);
/* The reply for a missing key: cursor "0" and an empty array. */
void coll_scan_reply_empty(struct client *c);
#endif
