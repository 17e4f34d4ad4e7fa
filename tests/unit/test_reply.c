/* test_reply.c — the reply writer (src/proto/reply.c): exact RESP2 and RESP3 bytes
 * for every reply kind, deferred aggregate lengths, muting, error sanitising, and the
 * block chain's bookkeeping (pending bytes, partial consumption, appending chains). */
#include "proto/reply.h"
#include "unit.h"
#include <math.h>

/* Flatten the pending bytes of a reply chain (caller frees). */
static char *flatten(const struct reply *r, size_t *len) {
    size_t total = 0;
    for (const struct reply_block *b = r->head; b; b = b->next) total += b->used - b->start;
    char *out = malloc(total + 1);
    size_t off = 0;
    for (const struct reply_block *b = r->head; b; b = b->next) {
        memcpy(out + off, b->data + b->start, b->used - b->start);
        off += b->used - b->start;
    }
    out[off] = '\0';
    *len = off;
    return out;
}

/* Check the chain holds exactly `want` and that r->pending agrees; then empty it. */
#define EXPECT(r, want) expect_bytes(__FILE__, __LINE__, (r), (want), sizeof(want) - 1)
static void expect_bytes(const char *file, int line, struct reply *r, const char *want, size_t wlen) {
    size_t len;
    char *got = flatten(r, &len);
    unit_check_mem(file, line, got, len, want, wlen);
    if (r->pending != len) {
        unit_failed++;
        fprintf(stderr, "%s:%d: FAILED: pending %zu but chain holds %zu bytes\n", file, line, r->pending, len);
    } else {
        unit_passed++;
    }
    free(got);
    reply_consume(r, r->pending);
}

static void test_simple(int resp) {
    struct reply r;
    reply_init(&r);
    r.resp = resp;
    reply_ok(&r);
    EXPECT(&r, "+OK\r\n");
    reply_status(&r, "PONG");
    EXPECT(&r, "+PONG\r\n");
    reply_status_len(&r, "QUEUEDxx", 6);
    EXPECT(&r, "+QUEUED\r\n");
    reply_int(&r, 0);
    EXPECT(&r, ":0\r\n");
    reply_int(&r, -9223372036854775807LL - 1);
    EXPECT(&r, ":-9223372036854775808\r\n");
    reply_int(&r, 9223372036854775807LL);
    EXPECT(&r, ":9223372036854775807\r\n");
    reply_bulk(&r, "hello", 5);
    EXPECT(&r, "$5\r\nhello\r\n");
    reply_bulk(&r, "", 0);
    EXPECT(&r, "$0\r\n\r\n");
    reply_bulk(&r, "a\0b\r\n", 5);
    EXPECT(&r, "$5\r\na\0b\r\n\r\n");
    reply_bulk_cstr(&r, "x");
    EXPECT(&r, "$1\r\nx\r\n");
    reply_bulk_ll(&r, -42);
    EXPECT(&r, "$3\r\n-42\r\n");
    reply_array(&r, 2);
    reply_bulk_cstr(&r, "a");
    reply_int(&r, 1);
    EXPECT(&r, "*2\r\n$1\r\na\r\n:1\r\n");
    reply_array(&r, 0);
    EXPECT(&r, "*0\r\n");
    reply_free(&r);
}

static void test_resp2_vs_resp3(void) {
    struct reply r;
    reply_init(&r);
    CHECK(r.resp == 2);
    /* RESP2 */
    reply_null(&r);
    EXPECT(&r, "$-1\r\n");
    reply_null_array(&r);
    EXPECT(&r, "*-1\r\n");
    reply_map(&r, 2);
    EXPECT(&r, "*4\r\n");
    reply_set(&r, 3);
    EXPECT(&r, "*3\r\n");
    reply_push(&r, 3);
    EXPECT(&r, "*3\r\n");
    reply_double(&r, 1.5);
    EXPECT(&r, "$3\r\n1.5\r\n");
    reply_double(&r, 0.1);
    EXPECT(&r, "$19\r\n0.10000000000000001\r\n");
    reply_double(&r, INFINITY);
    EXPECT(&r, "$3\r\ninf\r\n");
    reply_double(&r, -INFINITY);
    EXPECT(&r, "$4\r\n-inf\r\n");
    reply_double(&r, 3.0);
    EXPECT(&r, "$1\r\n3\r\n");
    reply_bool(&r, 1);
    EXPECT(&r, ":1\r\n");
    reply_bool(&r, 0);
    EXPECT(&r, ":0\r\n");
    reply_verbatim(&r, "Some string", 11, "txt");
    EXPECT(&r, "$11\r\nSome string\r\n");
    /* RESP3 */
    r.resp = 3;
    reply_null(&r);
    EXPECT(&r, "_\r\n");
    reply_null_array(&r);
    EXPECT(&r, "_\r\n");
    reply_map(&r, 2);
    EXPECT(&r, "%2\r\n");
    reply_set(&r, 3);
    EXPECT(&r, "~3\r\n");
    reply_push(&r, 3);
    EXPECT(&r, ">3\r\n");
    reply_double(&r, 1.5);
    EXPECT(&r, ",1.5\r\n");
    reply_double(&r, INFINITY);
    EXPECT(&r, ",inf\r\n");
    reply_double(&r, -INFINITY);
    EXPECT(&r, ",-inf\r\n");
    reply_double(&r, -2.0);
    EXPECT(&r, ",-2\r\n");
    reply_bool(&r, 1);
    EXPECT(&r, "#t\r\n");
    reply_bool(&r, 0);
    EXPECT(&r, "#f\r\n");
    reply_verbatim(&r, "Some string", 11, "txt");
    EXPECT(&r, "=15\r\ntxt:Some string\r\n");
    reply_verbatim(&r, "", 0, "mkd");
    EXPECT(&r, "=4\r\nmkd:\r\n");
    reply_free(&r);
}

static void test_errors(void) {
    struct reply r;
    reply_init(&r);
    reply_error(&r, "ERR something bad");
    EXPECT(&r, "-ERR something bad\r\n");
    CHECK(r.errors == 1);
    /* a CR or LF inside an error would end the line early and desync the client */
    reply_error(&r, "ERR a\r\nb\nc");
    EXPECT(&r, "-ERR a  b c\r\n");
    reply_errorf(&r, "ERR wrong number of arguments for '%s' command", "get");
    EXPECT(&r, "-ERR wrong number of arguments for 'get' command\r\n");
    CHECK(r.errors == 3);
    /* very long errors are truncated, still one well-formed line */
    char longmsg[3000];
    memset(longmsg, 'x', sizeof(longmsg) - 1);
    longmsg[sizeof(longmsg) - 1] = '\0';
    memcpy(longmsg, "ERR ", 4);
    reply_error(&r, longmsg);
    size_t len;
    char *got = flatten(&r, &len);
    CHECK(len > 100 && len <= 1024);
    CHECK(got[0] == '-' && got[len - 2] == '\r' && got[len - 1] == '\n');
    CHECK(memchr(got, '\n', len) == got + len - 1);
    free(got);
    reply_consume(&r, r.pending);
    reply_free(&r);
}

static void test_deferred(int resp) {
    struct reply r;
    reply_init(&r);
    r.resp = resp;
    /* deferred array after other output */
    reply_ok(&r);
    reply_deferred d = reply_defer_len(&r);
    for (int i = 0; i < 3; i++) reply_int(&r, i);
    reply_set_deferred_array(&r, d, 3);
    EXPECT(&r, "+OK\r\n*3\r\n:0\r\n:1\r\n:2\r\n");
    /* an empty deferred array */
    d = reply_defer_len(&r);
    reply_set_deferred_array(&r, d, 0);
    EXPECT(&r, "*0\r\n");
    /* nested: a deferred map holding a deferred set */
    d = reply_defer_len(&r);
    reply_bulk_cstr(&r, "k");
    reply_deferred inner = reply_defer_len(&r);
    reply_bulk_cstr(&r, "m");
    reply_set_deferred_set(&r, inner, 1);
    reply_set_deferred_map(&r, d, 1);
    if (resp == 2) EXPECT(&r, "*2\r\n$1\r\nk\r\n*1\r\n$1\r\nm\r\n");
    else EXPECT(&r, "%1\r\n$1\r\nk\r\n~1\r\n$1\r\nm\r\n");
    /* elements far larger than one block: the header still lands in front */
    d = reply_defer_len(&r);
    size_t big = 3 * REPLY_BLOCK_SIZE + 7;
    char *payload = malloc(big);
    memset(payload, 'z', big);
    reply_bulk(&r, payload, big);
    reply_bulk(&r, payload, 10);
    reply_set_deferred_array(&r, d, 2);
    size_t len;
    char *got = flatten(&r, &len);
    char head[64];
    int hl = snprintf(head, sizeof(head), "*2\r\n$%zu\r\n", big);
    CHECK(len == (size_t)hl + big + 2 + 5 + 10 + 2);
    CHECK(memcmp(got, head, (size_t)hl) == 0);
    CHECK(memcmp(got + len - 19, "\r\n$10\r\nzzzzzzzzzz\r\n", 19) == 0);
    CHECK(r.pending == len);
    free(got);
    free(payload);
    reply_consume(&r, r.pending);
    /* a huge count still fits the headroom */
    d = reply_defer_len(&r);
    reply_set_deferred_array(&r, d, 9223372036854775807LL);
    EXPECT(&r, "*9223372036854775807\r\n");
    reply_free(&r);
}

static void test_muted(void) {
    struct reply r;
    reply_init(&r);
    r.muted = 1;
    reply_ok(&r);
    reply_bulk_cstr(&r, "x");
    reply_deferred d = reply_defer_len(&r);
    CHECK(d == NULL);
    reply_int(&r, 1);
    reply_set_deferred_array(&r, d, 1);
    CHECK(r.pending == 0);
    r.muted = 0;
    reply_ok(&r);
    EXPECT(&r, "+OK\r\n");
    reply_free(&r);
}

/* The network layer sends part of the chain and drops what was sent. */
static void test_consume_and_append(void) {
    struct reply r;
    reply_init(&r);
    for (int i = 0; i < 5000; i++) reply_bulk_cstr(&r, "0123456789");
    size_t total = r.pending;
    CHECK(total == 5000 * 17);
    CHECK(r.head != r.tail); /* spans several blocks */
    size_t len;
    char *all = flatten(&r, &len);
    /* consume in odd-sized pieces; the remainder must always be the tail of the original */
    size_t sent = 0, step = 1;
    while (r.pending) {
        size_t n = step < r.pending ? step : r.pending;
        reply_consume(&r, n);
        sent += n;
        step = step * 3 + 1;
        size_t rl;
        char *rest = flatten(&r, &rl);
        CHECK(rl == total - sent);
        CHECK(memcmp(rest, all + sent, rl) == 0);
        free(rest);
    }
    free(all);
    CHECK(r.head == r.tail); /* one block kept for reuse */
    reply_ok(&r);
    EXPECT(&r, "+OK\r\n");

    struct reply a, b;
    reply_init(&a);
    reply_init(&b);
    reply_ok(&a);
    reply_int(&b, 7);
    reply_bulk_cstr(&b, "q");
    reply_append_chain(&a, &b);
    CHECK(b.head == NULL && b.tail == NULL && b.pending == 0);
    EXPECT(&a, "+OK\r\n:7\r\n$1\r\nq\r\n");
    reply_append_chain(&a, &b); /* empty source: nothing happens */
    CHECK(a.pending == 0);
    reply_int(&a, 8);
    EXPECT(&a, ":8\r\n");
    /* appending into an empty destination */
    struct reply c;
    reply_init(&c);
    reply_int(&b, 9);
    reply_append_chain(&c, &b);
    EXPECT(&c, ":9\r\n");
    reply_free(&a);
    reply_free(&b);
    reply_free(&c);
    reply_free(&r);
}

/* A raw write exactly filling a block, then one more byte. */
static void test_block_edges(void) {
    struct reply r;
    reply_init(&r);
    char *buf = malloc(REPLY_BLOCK_SIZE * 2 + 1);
    memset(buf, 'e', REPLY_BLOCK_SIZE * 2 + 1);
    reply_raw(&r, buf, REPLY_BLOCK_SIZE);
    CHECK(r.head == r.tail);
    reply_raw(&r, buf, 1);
    CHECK(r.pending == REPLY_BLOCK_SIZE + 1);
    reply_raw(&r, buf, REPLY_BLOCK_SIZE * 2 + 1);
    CHECK(r.pending == REPLY_BLOCK_SIZE * 3 + 2);
    size_t len;
    char *got = flatten(&r, &len);
    CHECK(len == REPLY_BLOCK_SIZE * 3 + 2);
    size_t bad = 0;
    for (size_t i = 0; i < len; i++) bad += got[i] != 'e';
    CHECK(bad == 0);
    free(got);
    reply_raw(&r, buf, 0);
    CHECK(r.pending == REPLY_BLOCK_SIZE * 3 + 2);
    free(buf);
    reply_free(&r);
    CHECK(r.head == NULL && r.pending == 0);
    reply_free(&r); /* twice is harmless */
}

/* A block made big for one large reply must not stay with the connection once sent:
 * an idle client would otherwise keep e.g. 100 MB after one big GET. */
static void test_big_block_released(void) {
    struct reply r;
    reply_init(&r);
    size_t big = 4 * 1024 * 1024;
    char *payload = malloc(big);
    memset(payload, 'b', big);
    reply_bulk(&r, payload, big);
    free(payload);
    reply_consume(&r, r.pending / 2);
    CHECK(r.pending > 0);
    reply_consume(&r, r.pending);
    CHECK(r.pending == 0);
    CHECK(r.head == NULL || r.head->size <= REPLY_BLOCK_SIZE);
    reply_ok(&r);
    EXPECT(&r, "+OK\r\n");
    /* a normal-sized last block is kept for reuse */
    CHECK(r.head != NULL && r.head->size == REPLY_BLOCK_SIZE);
    reply_free(&r);
}

int main(void) {
    test_simple(2);
    test_simple(3);
    test_resp2_vs_resp3();
    test_errors();
    test_deferred(2);
    test_deferred(3);
    test_muted();
    test_consume_and_append();
    test_block_edges();
    test_big_block_released();
    return unit_summary();
}
