/* coll_scan.c — see coll_scan.h. */
#include "cmd/coll_scan.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "util/glob.h"
#include "util/numparse.h"
#include <ctype.h>
#include <string.h>

static int coll_scan_parse_cursor(const struct arg *a, uint64_t *out) {
    size_t len = 0;
    while (len < a->len && a->ptr[len] != '\0') len++;
    const char *p = a->ptr;
    if (len && isspace((unsigned char)p[0])) return -1;
    size_t i = 0;
    int neg = 0;
    if (len && (p[0] == '+' || p[0] == '-')) {
        neg = p[0] == '-';
        if (len == 1) return -1; /* a sign with no digits */
        i = 1;
    }
    uint64_t v = 0;
    for (; i < len; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = neg ? (uint64_t)0 - v : v;
    return 0;
}

int coll_scan_cursor(struct client *c, int idx, uint64_t *out) {
    if (coll_scan_parse_cursor(&c->argv[idx], out) == 0) return 0;
    reply_error(&c->out, "ERR invalid cursor");
    return -1;
}

int coll_scan_options_type(struct client *c, int first, struct coll_scan_opts *o, const struct arg **type) {
    o->pat = NULL;
    o->plen = 0;
    o->count = 10;
    if (type) *type = NULL;
    for (int i = first; i < c->argc; i += 2) {
        if (i + 1 >= c->argc) {
            reply_syntax_error(c);
            return -1;
        }
        const struct arg *v = &c->argv[i + 1];
        if (arg_eq(&c->argv[i], "count")) {
            if (num_parse_ll(v->ptr, v->len, &o->count) != 0) {
                reply_not_integer(c);
                return -1;
            }
            if (o->count < 1) {
                reply_syntax_error(c);
                return -1;
            }
        } else if (arg_eq(&c->argv[i], "match")) {
            /* "*" matches everything: skip the filter, as Redis does */
            if (v->len == 1 && v->ptr[0] == '*') {
                o->pat = NULL;
            } else {
                o->pat = v->ptr;
                o->plen = v->len;
            }
        } else if (type && arg_eq(&c->argv[i], "type")) {
            *type = v;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

int coll_scan_options(struct client *c, int first, struct coll_scan_opts *o) {
    return coll_scan_options_type(c, first, o, NULL);
}

int coll_scan_match(const struct coll_scan_opts *o, const char *m, size_t len) {
    return !o->pat || glob_match(o->pat, o->plen, m, len, 0);
}

void coll_scan_reply_empty(struct client *c) {
    reply_array(&c->out, 2);
    reply_bulk(&c->out, "0", 1);
    reply_array(&c->out, 0);
}
