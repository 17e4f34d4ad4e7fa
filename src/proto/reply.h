/* reply.h — builds RESP2/RESP3 replies into a chain of blocks owned by one connection.
 *
 * Every reply function appends complete protocol to the chain; the network layer later
 * sends the chain with writev and drops what was sent. Functions that differ between
 * RESP2 and RESP3 (null, map, set, double, bool, verbatim, push) look at r->resp.
 * A reply whose element count is not known in advance uses reply_defer_len() /
 * reply_set_deferred_*(): the header is written later into headroom reserved in front
 * of the block that holds the elements, so nothing is copied.
 * Depends on nothing of the server (proto/ never includes server headers). */
#ifndef WARDEN_REPLY_H
#define WARDEN_REPLY_H
#include <stddef.h>
#include <stdint.h>

#define REPLY_BLOCK_SIZE (16 * 1024)
#define REPLY_DEFER_HEADROOM 32

struct reply_block {
    struct reply_block *next;
    size_t start, used, size; /* bytes [start, used) are pending */
    char data[];
};

struct reply {
    struct reply_block *head, *tail;
    size_t pending;  /* bytes not yet sent */
    int resp;        /* 2 or 3 */
    int muted;       /* CLIENT REPLY OFF/SKIP: replies are dropped */
    unsigned long long errors; /* error replies written (for INFO total_error_replies) */
    char error_code[32];       /* code (first word) of the last error reply, for INFO errorstats */
};

typedef struct reply_block *reply_deferred;

void reply_init(struct reply *r);
void reply_free(struct reply *r);          /* frees all blocks */
void reply_raw(struct reply *r, const void *p, size_t len);
void reply_status(struct reply *r, const char *s);             /* +s */
void reply_status_len(struct reply *r, const char *s, size_t len);
/* -msg; msg starts with its code ("ERR ...", "WRONGTYPE ..."). CR/LF become spaces. */
void reply_error(struct reply *r, const char *msg);
void reply_errorf(struct reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_int(struct reply *r, long long v);
void reply_bulk(struct reply *r, const void *p, size_t len);
void reply_bulk_cstr(struct reply *r, const char *s);
void reply_bulk_ll(struct reply *r, long long v);
void reply_null(struct reply *r);          /* RESP2 $-1, RESP3 _ */
void reply_null_array(struct reply *r);    /* RESP2 *-1, RESP3 _ */
void reply_array(struct reply *r, long long n);
void reply_map(struct reply *r, long long pairs);   /* RESP3 %, RESP2 *2n */
void reply_set(struct reply *r, long long n);       /* RESP3 ~, RESP2 * */
void reply_push(struct reply *r, long long n);      /* RESP3 >, RESP2 * */
void reply_double(struct reply *r, double v);       /* RESP3 ",", RESP2 bulk */
void reply_bool(struct reply *r, int v);            /* RESP3 #t/#f, RESP2 :1/:0 */
void reply_verbatim(struct reply *r, const char *p, size_t len, const char *ext); /* RESP3 =, RESP2 bulk */
void reply_ok(struct reply *r);
/* A HELP reply: each line as a status string, in one array. */
void reply_help(struct reply *r, const char *const *lines, int n);
/* Deferred aggregate header: reply_defer_len() returns a handle, then exactly one
 * reply_set_deferred_*() with the final count. */
reply_deferred reply_defer_len(struct reply *r);
void reply_set_deferred_array(struct reply *r, reply_deferred d, long long n);
void reply_set_deferred_map(struct reply *r, reply_deferred d, long long pairs);
void reply_set_deferred_set(struct reply *r, reply_deferred d, long long n);
/* Drop `len` sent bytes from the front of the chain. */
void reply_consume(struct reply *r, size_t len);
/* Move everything from `src` to the end of `dst` (src left empty). */
void reply_append_chain(struct reply *dst, struct reply *src);
#endif
