/* coll_scan.c — see coll_scan.h. */
#include "cmd/coll_scan.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "util/glob.h"
#include "util/numparse.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int coll_scan_cursor(struct client *c, int idx, uint64_t *out) {
    const struct arg *a = &c->argv[idx];
    char buf[32];
    /* strtoul accepts "+5" and "-1" (which wraps); Redis does the same, so we do */
    if (a->len == 0 || a->len >= sizeof(buf) || isspace((unsigned char)a->ptr[0])) goto bad;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (*end != '\0' || errno == ERANGE || end == buf) goto bad;
    *out = v;
    return 0;
bad:
    reply_error(&c->out, "ERR invalid cursor");
    return -1;
}

int coll_scan_options(struct client *c, int first, struct coll_scan_opts *o) {
    o->pat = NULL;
    o->plen = 0;
    o->count = 10;
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
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

int coll_scan_match(const struct coll_scan_opts *o, const char *m, size_t len) {
    return !o->pat || glob_match(o->pat, o->plen, m, len, 0);
}

void coll_scan_reply_empty(struct client *c) {
    reply_array(&c->out, 2);
    reply_bulk(&c->out, "0", 1);
    reply_array(&c->out, 0);
}
