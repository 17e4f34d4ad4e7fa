/* reply.c — see reply.h. */
#include "proto/reply.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void reply_init(struct reply *r) {
    memset(r, 0, sizeof(*r));
    r->resp = 2;
}

void reply_free(struct reply *r) {
    struct reply_block *b = r->head;
    while (b) {
        struct reply_block *n = b->next;
        wfree(b);
        b = n;
    }
    r->head = r->tail = NULL;
    r->pending = 0;
}

static struct reply_block *reply_new_block(struct reply *r, size_t need, size_t headroom) {
    size_t size = need + headroom > REPLY_BLOCK_SIZE ? need + headroom : REPLY_BLOCK_SIZE;
    struct reply_block *b = wmalloc(sizeof(*b) + size);
    b->next = NULL;
    b->start = b->used = headroom;
    b->size = size;
    if (r->tail) r->tail->next = b;
    else r->head = b;
    r->tail = b;
    return b;
}

void reply_raw(struct reply *r, const void *p, size_t len) {
    if (r->muted || len == 0) return;
    struct reply_block *b = r->tail;
    if (b && b->size - b->used >= len) {
        memcpy(b->data + b->used, p, len);
        b->used += len;
    } else {
        /* fill the current block, then one new block for the rest */
        size_t first = b ? b->size - b->used : 0;
        if (first) {
            memcpy(b->data + b->used, p, first);
            b->used += first;
        }
        b = reply_new_block(r, len - first, 0);
        memcpy(b->data + b->used, (const char *)p + first, len - first);
        b->used += len - first;
    }
    r->pending += len;
}

/* Header "<type><n>\r\n". */
static void reply_header(struct reply *r, char type, long long n) {
    char buf[32];
    buf[0] = type;
    int l = 1 + num_ll_to_str(buf + 1, n);
    buf[l++] = '\r';
    buf[l++] = '\n';
    reply_raw(r, buf, (size_t)l);
}

void reply_status_len(struct reply *r, const char *s, size_t len) {
    reply_raw(r, "+", 1);
    reply_raw(r, s, len);
    reply_raw(r, "\r\n", 2);
}
void reply_status(struct reply *r, const char *s) { reply_status_len(r, s, strlen(s)); }
void reply_ok(struct reply *r) { reply_raw(r, "+OK\r\n", 5); }

void reply_help(struct reply *r, const char *const *lines, int n) {
    reply_array(r, n);
    for (int i = 0; i < n; i++) reply_status(r, lines[i]);
}

void reply_error(struct reply *r, const char *msg) {
    char buf[1024];
    size_t n = strlen(msg);
    if (n > sizeof(buf) - 4) n = sizeof(buf) - 4;
    buf[0] = '-';
    for (size_t i = 0; i < n; i++) buf[i + 1] = (msg[i] == '\r' || msg[i] == '\n') ? ' ' : msg[i];
    buf[n + 1] = '\r';
    buf[n + 2] = '\n';
    reply_raw(r, buf, n + 3);
    r->errors++;
    size_t cl = 0;
    while (cl < n && cl < sizeof(r->error_code) - 1 && buf[cl + 1] != ' ') cl++;
    memcpy(r->error_code, buf + 1, cl);
    r->error_code[cl] = '\0';
}

void reply_errorf(struct reply *r, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    reply_error(r, buf);
}

void reply_int(struct reply *r, long long v) { reply_header(r, ':', v); }

void reply_bulk(struct reply *r, const void *p, size_t len) {
    reply_header(r, '$', (long long)len);
    reply_raw(r, p, len);
    reply_raw(r, "\r\n", 2);
}
void reply_bulk_cstr(struct reply *r, const char *s) { reply_bulk(r, s, strlen(s)); }
void reply_bulk_ll(struct reply *r, long long v) {
    char buf[24];
    int n = num_ll_to_str(buf, v);
    reply_bulk(r, buf, (size_t)n);
}

void reply_null(struct reply *r) {
    if (r->resp >= 3) reply_raw(r, "_\r\n", 3);
    else reply_raw(r, "$-1\r\n", 5);
}
void reply_null_array(struct reply *r) {
    if (r->resp >= 3) reply_raw(r, "_\r\n", 3);
    else reply_raw(r, "*-1\r\n", 5);
}
void reply_array(struct reply *r, long long n) { reply_header(r, '*', n); }
void reply_map(struct reply *r, long long pairs) {
    if (r->resp >= 3) reply_header(r, '%', pairs);
    else reply_header(r, '*', pairs * 2);
}
void reply_set(struct reply *r, long long n) { reply_header(r, r->resp >= 3 ? '~' : '*', n); }
void reply_push(struct reply *r, long long n) { reply_header(r, r->resp >= 3 ? '>' : '*', n); }

void reply_double(struct reply *r, double v) {
    char buf[64];
    int n = num_double_to_str(buf, sizeof(buf), v);
    if (r->resp >= 3) {
        reply_raw(r, ",", 1);
        reply_raw(r, buf, (size_t)n);
        reply_raw(r, "\r\n", 2);
    } else {
        reply_bulk(r, buf, (size_t)n);
    }
}

void reply_bool(struct reply *r, int v) {
    if (r->resp >= 3) reply_raw(r, v ? "#t\r\n" : "#f\r\n", 4);
    else reply_raw(r, v ? ":1\r\n" : ":0\r\n", 4);
}

void reply_verbatim(struct reply *r, const char *p, size_t len, const char *ext) {
    if (r->resp < 3) { reply_bulk(r, p, len); return; }
    reply_header(r, '=', (long long)len + 4);
    reply_raw(r, ext, 3);
    reply_raw(r, ":", 1);
    reply_raw(r, p, len);
    reply_raw(r, "\r\n", 2);
}

reply_deferred reply_defer_len(struct reply *r) {
    if (r->muted) return NULL;
    return reply_new_block(r, 0, REPLY_DEFER_HEADROOM);
}

static void reply_set_deferred(struct reply *r, reply_deferred b, char type, long long n) {
    if (!b) return;
    char buf[REPLY_DEFER_HEADROOM];
    buf[0] = type;
    int l = 1 + num_ll_to_str(buf + 1, n);
    buf[l++] = '\r';
    buf[l++] = '\n';
    /* the block was created with headroom and nothing before `start` was sent */
    b->start -= (size_t)l;
    memcpy(b->data + b->start, buf, (size_t)l);
    r->pending += (size_t)l;
}
void reply_set_deferred_array(struct reply *r, reply_deferred d, long long n) { reply_set_deferred(r, d, '*', n); }
void reply_set_deferred_map(struct reply *r, reply_deferred d, long long pairs) {
    if (r->resp >= 3) reply_set_deferred(r, d, '%', pairs);
    else reply_set_deferred(r, d, '*', pairs * 2);
}
void reply_set_deferred_set(struct reply *r, reply_deferred d, long long n) {
    reply_set_deferred(r, d, r->resp >= 3 ? '~' : '*', n);
}

void reply_consume(struct reply *r, size_t len) {
    r->pending -= len;
    while (len && r->head) {
        struct reply_block *b = r->head;
        size_t avail = b->used - b->start;
        if (len < avail) { b->start += len; return; }
        len -= avail;
        b->start = b->used;
        if (b->next) {
            r->head = b->next;
            wfree(b);
        } else {
            /* keep the last block for reuse */
            b->start = b->used = 0;
        }
    }
    /* drop empty leading blocks (e.g. a deferred block never filled) */
    while (r->head && r->head->next && r->head->start == r->head->used) {
        struct reply_block *b = r->head;
        r->head = b->next;
        wfree(b);
    }
}

void reply_append_chain(struct reply *dst, struct reply *src) {
    if (!src->head) return;
    if (dst->tail) dst->tail->next = src->head;
    else dst->head = src->head;
    dst->tail = src->tail;
    dst->pending += src->pending;
    src->head = src->tail = NULL;
    src->pending = 0;
}
