/* resp.h — incremental request parser for RESP multibulk and inline commands.
 *
 * A pure function over (limits, state, buffer): no I/O, no replies, no client fields.
 * The caller passes the bytes of the current request, starting at its first byte;
 * the parser remembers how far it got (p->pos) so a request split at any byte costs
 * no rescanning. Arguments are reported as offsets into that buffer (the buffer may
 * move between calls — e.g. be compacted or grown — as long as the request's bytes keep
 * their offsets from its start). Inline requests are unquoted in place, so the buffer
 * is mutable. Every length is checked against the limits before anything is sized by it.
 *
 * Ownership: the parser owns its args array (grown as args arrive, never sized by a
 * declared count); resp_parser_free releases it. */
#ifndef WARDEN_RESP_H
#define WARDEN_RESP_H
#include <stddef.h>

enum resp_status {
    RESP_OK = 0,      /* a complete request: p->argc args, p->pos bytes long */
    RESP_NEED_MORE,   /* incomplete; call again with more bytes (same start) */
    RESP_EMPTY,       /* an empty request (e.g. "*0\r\n" or a blank line) of p->pos bytes */
    RESP_ERROR,       /* protocol error: *err is Redis's text; close after replying */
};

struct resp_limits {
    long long max_bulk_len;     /* proto-max-bulk-len */
    long long max_multibulk;    /* most args one request may declare */
    size_t max_inline;          /* longest inline line / length header searched */
    int unauthenticated;        /* Redis's tighter limits for clients not yet authenticated */
};

struct resp_arg {
    size_t off, len;
};

struct resp_parser {
    size_t pos;               /* bytes of this request consumed so far */
    int inline_req;           /* 0: multibulk, 1: inline */
    long long multibulk_left; /* args still to come; -1 before the header */
    long long bulk_len;       /* length of the bulk being read; -1 before its header */
    struct resp_arg *args;    /* owned */
    int argc, args_cap;
    size_t need_total;        /* hint: total request bytes needed to progress (0 = unknown) */
};

void resp_parser_init(struct resp_parser *p);
void resp_parser_reset(struct resp_parser *p); /* ready for the next request; keeps args storage */
void resp_parser_free(struct resp_parser *p);
int resp_parse(struct resp_parser *p, const struct resp_limits *lim, char *buf, size_t len,
               const char **err);
#endif
