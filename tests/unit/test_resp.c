/* test_resp.c — the request parser (src/proto/resp.c) on its own.
 *
 * Every sample request is parsed three ways — whole, one byte at a time, and split in
 * two at every position — with the bytes always placed right before an unreadable
 * page, so a read one byte past what the parser was given crashes the test. Then the
 * error texts (they must be Redis 7.0's), the limits, and the rule that no declared
 * length sizes an allocation. */
#include "proto/resp.h"
#include "unit.h"
#include "util/alloc.h"
#include <limits.h>

#define MB (1024LL * 1024)

static const struct resp_limits LIM = {
    .max_bulk_len = 512 * MB, .max_multibulk = INT_MAX, .max_inline = 64 * 1024, .unauthenticated = 0};
static const struct resp_limits LIM_UNAUTH = {
    .max_bulk_len = 512 * MB, .max_multibulk = INT_MAX, .max_inline = 64 * 1024, .unauthenticated = 1};

static struct guard G;

struct sample {
    const char *in;
    size_t len;        /* 0: strlen(in) */
    int status;        /* RESP_OK / RESP_EMPTY / RESP_ERROR */
    size_t pos;        /* bytes consumed (OK/EMPTY); 0: the whole input */
    const char *err;   /* RESP_ERROR: expected text */
    int argc;
    const char *argv[6];
    size_t argl[6];    /* 0 with a non-empty argv[i]: strlen */
};

static size_t sample_len(const struct sample *s) { return s->len ? s->len : strlen(s->in); }

/* Compare the parser's result with the sample; `buf` is where the request now lies. */
static void check_result(const struct sample *s, const char *mode, size_t split, int st, struct resp_parser *p,
                         const char *buf, const char *err) {
    size_t len = sample_len(s);
    size_t want_pos = s->pos ? s->pos : len;
    if (st != s->status) {
        unit_failed++;
        fprintf(stderr, "FAILED [%s split=%zu] status %d want %d for ", mode, split, st, s->status);
        unit_print_escaped(stderr, s->in, len);
        fprintf(stderr, " (err=%s)\n", err ? err : "-");
        return;
    }
    unit_passed++;
    if (st == RESP_ERROR) {
        if (!err || strcmp(err, s->err) != 0) {
            unit_failed++;
            fprintf(stderr, "FAILED [%s] error \"%s\" want \"%s\"\n", mode, err ? err : "(null)", s->err);
        } else {
            unit_passed++;
        }
        return;
    }
    CHECK(p->pos == want_pos);
    if (st == RESP_EMPTY) return;
    if (p->argc != s->argc) {
        unit_failed++;
        fprintf(stderr, "FAILED [%s split=%zu] argc %d want %d for ", mode, split, p->argc, s->argc);
        unit_print_escaped(stderr, s->in, len);
        fputc('\n', stderr);
        return;
    }
    for (int i = 0; i < s->argc; i++) {
        size_t wl = s->argl[i] ? s->argl[i] : strlen(s->argv[i]);
        CHECK(p->args[i].off + p->args[i].len <= want_pos);
        CHECK_MEMN(buf + p->args[i].off, p->args[i].len, s->argv[i], wl);
    }
}

/* 1. the whole request in one call */
static void run_whole(const struct sample *s) {
    size_t len = sample_len(s);
    struct resp_parser p;
    resp_parser_init(&p);
    char *buf = guard_place(&G, s->in, len);
    const char *err = NULL;
    int st = resp_parse(&p, &LIM, buf, len, &err);
    check_result(s, "whole", len, st, &p, buf, err);
    resp_parser_free(&p);
}

/* 2. one more byte per call, the same parser throughout: a request must not be
 * reported complete before its last byte, and must be reported at that byte. */
static void run_bytewise(const struct sample *s) {
    size_t len = sample_len(s);
    size_t want_pos = s->pos ? s->pos : len;
    struct resp_parser p;
    resp_parser_init(&p);
    const char *err = NULL;
    int st = RESP_NEED_MORE;
    char *buf = NULL;
    size_t k;
    for (k = 1; k <= len; k++) {
        buf = guard_place(&G, s->in, k); /* the request moves: offsets must still hold */
        st = resp_parse(&p, &LIM, buf, k, &err);
        if (st != RESP_NEED_MORE) break;
    }
    if (k > len) k = len;
    if (st == RESP_OK || st == RESP_EMPTY) CHECK(k == want_pos);
    check_result(s, "bytewise", k, st, &p, buf, err);
    resp_parser_free(&p);
}

/* 3. two calls: the first `split` bytes, then everything */
static void run_splits(const struct sample *s) {
    size_t len = sample_len(s);
    size_t want_pos = s->pos ? s->pos : len;
    for (size_t split = 1; split < len; split++) {
        struct resp_parser p;
        resp_parser_init(&p);
        const char *err = NULL;
        char *buf = guard_place(&G, s->in, split);
        int st = resp_parse(&p, &LIM, buf, split, &err);
        if (st == RESP_NEED_MORE) {
            buf = guard_place(&G, s->in, len);
            st = resp_parse(&p, &LIM, buf, len, &err);
        } else if (st != RESP_ERROR && split < want_pos) {
            unit_failed++;
            fprintf(stderr, "FAILED complete after %zu of %zu bytes: ", split, want_pos);
            unit_print_escaped(stderr, s->in, len);
            fputc('\n', stderr);
        }
        check_result(s, "split", split, st, &p, buf, err);
        resp_parser_free(&p);
    }
}

static void run_sample(const struct sample *s) {
    run_whole(s);
    run_bytewise(s);
    run_splits(s);
}

#define OK1(in_, a) {in_, 0, RESP_OK, 0, NULL, 1, {a}, {0}}
static const struct sample samples[] = {
    /* multibulk */
    {"*1\r\n$4\r\nPING\r\n", 0, RESP_OK, 0, NULL, 1, {"PING"}, {0}},
    {"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", 0, RESP_OK, 0, NULL, 3, {"SET", "key", "value"}, {0}},
    {"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", 0, RESP_OK, 0, NULL, 2, {"ECHO", ""}, {0, 0}},
    {"*2\r\n$4\r\nECHO\r\n$6\r\na\r\nb\0c\r\n", 26, RESP_OK, 0, NULL, 2, {"ECHO", "a\r\nb\0c"}, {0, 6}},
    {"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", 0, RESP_OK, 14, NULL, 1, {"PING"}, {0}},
    {"*1\r\n$4\r\nPING\r\nGET x\r\n", 0, RESP_OK, 14, NULL, 1, {"PING"}, {0}},
    {"*2\r\n$3\r\nGET\r\n$12\r\n$3\r\nabcd\r\n*1\r\n", 0, RESP_OK, 0, NULL, 2, {"GET", "$3\r\nabcd\r\n*1"}, {0, 0}},
    /* empty requests: Redis treats "*0" and negative counts as nothing */
    {"*0\r\n", 0, RESP_EMPTY, 0, NULL, 0, {NULL}, {0}},
    {"*-1\r\n", 0, RESP_EMPTY, 0, NULL, 0, {NULL}, {0}},
    {"*-5\r\nPING\r\n", 0, RESP_EMPTY, 5, NULL, 0, {NULL}, {0}},
    {"\r\n", 0, RESP_EMPTY, 0, NULL, 0, {NULL}, {0}},
    {"\n", 0, RESP_EMPTY, 0, NULL, 0, {NULL}, {0}},
    {"   \t \r\n", 0, RESP_EMPTY, 0, NULL, 0, {NULL}, {0}},
    /* inline */
    OK1("PING\r\n", "PING"),
    OK1("PING\n", "PING"),
    {"PING\r\nPING\r\n", 0, RESP_OK, 6, NULL, 1, {"PING"}, {0}},
    {"SET  a\t b \r\n", 0, RESP_OK, 0, NULL, 3, {"SET", "a", "b"}, {0}},
    {"SET a \"hello world\"\r\n", 0, RESP_OK, 0, NULL, 3, {"SET", "a", "hello world"}, {0}},
    {"ECHO \"\\x41\\x4a\\n\\r\\t\\b\\a\\\\\\\"\"\r\n", 0, RESP_OK, 0, NULL, 2, {"ECHO", "AJ\n\r\t\b\a\\\""}, {0}},
    {"ECHO \"\\x4\"\r\n", 0, RESP_OK, 0, NULL, 2, {"ECHO", "x4"}, {0}},
    {"ECHO \"\\xzz\"\r\n", 0, RESP_OK, 0, NULL, 2, {"ECHO", "xzz"}, {0}},
    {"ECHO 'a\\nb'\r\n", 0, RESP_OK, 0, NULL, 2, {"ECHO", "a\\nb"}, {0}},
    {"ECHO 'it\\'s'\r\n", 0, RESP_OK, 0, NULL, 2, {"ECHO", "it's"}, {0}},
    {"ECHO \"\" ''\r\n", 0, RESP_OK, 0, NULL, 3, {"ECHO", "", ""}, {0, 0, 0}},
    {"ECHO a\"b c\"\r\n", 0, RESP_OK, 0, NULL, 2, {"ECHO", "ab c"}, {0}},
    {"ECHO \"a\"\vb\r\n", 0, RESP_OK, 0, NULL, 3, {"ECHO", "a", "b"}, {0}},
    /* a NUL ends the line's arguments (as Redis's C-string splitter sees it) */
    {"ECHO a\0b\r\n", 10, RESP_OK, 0, NULL, 2, {"ECHO", "a"}, {0}},
    {"\0\r\n", 3, RESP_EMPTY, 0, NULL, 0, {NULL}, {0}},
    /* errors, with redis-server 7.0's texts */
    {"SET a \"b\r\n", 0, RESP_ERROR, 0, "Protocol error: unbalanced quotes in request", 0, {NULL}, {0}},
    {"SET a 'b\r\n", 0, RESP_ERROR, 0, "Protocol error: unbalanced quotes in request", 0, {NULL}, {0}},
    {"ECHO \"a\"b\r\n", 0, RESP_ERROR, 0, "Protocol error: unbalanced quotes in request", 0, {NULL}, {0}},
    {"ECHO a\"b c\"d\r\n", 0, RESP_ERROR, 0, "Protocol error: unbalanced quotes in request", 0, {NULL}, {0}},
    {"ECHO 'a'b\r\n", 0, RESP_ERROR, 0, "Protocol error: unbalanced quotes in request", 0, {NULL}, {0}},
    {"ECHO \"a\\\r\n", 0, RESP_ERROR, 0, "Protocol error: unbalanced quotes in request", 0, {NULL}, {0}},
    {"ECHO \"a\0b\"\r\n", 12, RESP_ERROR, 0, "Protocol error: unbalanced quotes in request", 0, {NULL}, {0}},
    {"*abc\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid multibulk length", 0, {NULL}, {0}},
    {"*\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid multibulk length", 0, {NULL}, {0}},
    {"*+1\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid multibulk length", 0, {NULL}, {0}},
    {"*01\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid multibulk length", 0, {NULL}, {0}},
    {"* 1\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid multibulk length", 0, {NULL}, {0}},
    {"*2147483648\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid multibulk length", 0, {NULL}, {0}},
    {"*99999999999999999999\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid multibulk length", 0, {NULL}, {0}},
    {"*1\r\nx\r\n", 0, RESP_ERROR, 0, "Protocol error: expected '$', got 'x'", 0, {NULL}, {0}},
    {"*2\r\n$3\r\nGET\r\n:1\r\n", 0, RESP_ERROR, 0, "Protocol error: expected '$', got ':'", 0, {NULL}, {0}},
    {"*1\r\n$abc\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid bulk length", 0, {NULL}, {0}},
    {"*1\r\n$\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid bulk length", 0, {NULL}, {0}},
    {"*1\r\n$-1\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid bulk length", 0, {NULL}, {0}},
    {"*1\r\n$04\r\nPING\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid bulk length", 0, {NULL}, {0}},
    {"*1\r\n$536870913\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid bulk length", 0, {NULL}, {0}},
    {"*1\r\n$9999999999999\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid bulk length", 0, {NULL}, {0}},
    {"*1\r\n$99999999999999999999999\r\n", 0, RESP_ERROR, 0, "Protocol error: invalid bulk length", 0, {NULL}, {0}},
    /* Warden is stricter than Redis here: the two bytes after bulk data must be CRLF */
    {"*1\r\n$4\r\nPINGXY", 0, RESP_ERROR, 0, "Protocol error: expected CRLF after bulk data", 0, {NULL}, {0}},
};

static void test_samples(void) {
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) run_sample(&samples[i]);
}

/* Parse `in` whole with `lim`; returns the status, *err the text. */
static int parse_once(const struct resp_limits *lim, const char *in, size_t len, const char **err,
                      struct resp_parser *p) {
    char *buf = guard_place(&G, in, len);
    return resp_parse(p, lim, buf, len, err);
}

static void test_incomplete_never_errors(void) {
    /* Prefixes of valid requests are "need more", never an error. */
    const char *in = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
    for (size_t k = 0; k < strlen(in); k++) {
        struct resp_parser p;
        resp_parser_init(&p);
        const char *err;
        CHECK(parse_once(&LIM, in, k, &err, &p) == RESP_NEED_MORE);
        resp_parser_free(&p);
    }
}

static void test_inline_limits(void) {
    size_t n = 64 * 1024, bigsize = n + 16;
    char *big = malloc(bigsize);
    memset(big, 'a', bigsize);
    struct resp_parser p;
    const char *err;
    /* exactly the limit without a newline: still waiting */
    resp_parser_init(&p);
    CHECK(parse_once(&LIM, big, n, &err, &p) == RESP_NEED_MORE);
    resp_parser_free(&p);
    /* one byte more: refused */
    resp_parser_init(&p);
    CHECK(parse_once(&LIM, big, n + 1, &err, &p) == RESP_ERROR);
    CHECK_STR(err, "Protocol error: too big inline request");
    resp_parser_free(&p);
    /* a multibulk count that never ends */
    big[0] = '*';
    for (size_t i = 1; i < bigsize; i++) big[i] = '1';
    resp_parser_init(&p);
    CHECK(parse_once(&LIM, big, n + 2, &err, &p) == RESP_ERROR);
    CHECK_STR(err, "Protocol error: too big mbulk count string");
    resp_parser_free(&p);
    /* a bulk length that never ends */
    memcpy(big, "*1\r\n$", 5);
    resp_parser_init(&p);
    CHECK(parse_once(&LIM, big, bigsize, &err, &p) == RESP_ERROR);
    CHECK_STR(err, "Protocol error: too big bulk count string");
    resp_parser_free(&p);
    free(big);
}

static void test_unauthenticated_limits(void) {
    struct resp_parser p;
    const char *err;
    /* Redis: at most 10 arguments and 16 KB bulks before AUTH */
    resp_parser_init(&p);
    CHECK(parse_once(&LIM_UNAUTH, "*10\r\n", 5, &err, &p) == RESP_NEED_MORE);
    resp_parser_free(&p);
    resp_parser_init(&p);
    CHECK(parse_once(&LIM_UNAUTH, "*11\r\n", 5, &err, &p) == RESP_ERROR);
    CHECK_STR(err, "Protocol error: invalid multibulk length");
    resp_parser_free(&p);
    resp_parser_init(&p);
    CHECK(parse_once(&LIM_UNAUTH, "*1\r\n$16384\r\n", 12, &err, &p) == RESP_NEED_MORE);
    resp_parser_free(&p);
    resp_parser_init(&p);
    CHECK(parse_once(&LIM_UNAUTH, "*1\r\n$16385\r\n", 12, &err, &p) == RESP_ERROR);
    CHECK_STR(err, "Protocol error: invalid bulk length");
    resp_parser_free(&p);
    /* authenticated: the same requests are fine */
    resp_parser_init(&p);
    CHECK(parse_once(&LIM, "*11\r\n", 5, &err, &p) == RESP_NEED_MORE);
    resp_parser_free(&p);
    /* a smaller proto-max-bulk-len is honoured */
    struct resp_limits small = LIM;
    small.max_bulk_len = 1024 * 1024;
    resp_parser_init(&p);
    CHECK(parse_once(&small, "*1\r\n$1048577\r\n", 14, &err, &p) == RESP_ERROR);
    CHECK_STR(err, "Protocol error: invalid bulk length");
    resp_parser_free(&p);
    resp_parser_init(&p);
    CHECK(parse_once(&small, "*1\r\n$1048576\r\n", 14, &err, &p) == RESP_NEED_MORE);
    resp_parser_free(&p);
}

/* A declared count or length must not size anything: the parser's memory stays small
 * until the bytes really arrive. */
static void test_huge_declared_lengths(void) {
    struct resp_parser p;
    const char *err;
    long long before = alloc_used_memory();
    resp_parser_init(&p);
    CHECK(parse_once(&LIM, "*2147483647\r\n", 13, &err, &p) == RESP_NEED_MORE);
    CHECK(p.args_cap <= 1024);
    CHECK(alloc_used_memory() - before < 64 * 1024);
    /* the first bulk declares 512 MB: the parser asks for that many bytes (need_total)
     * but allocates nothing for them */
    const char *req = "*2147483647\r\n$536870912\r\n";
    CHECK(parse_once(&LIM, req, strlen(req), &err, &p) == RESP_NEED_MORE);
    CHECK(p.need_total == strlen(req) + (size_t)(512 * MB) + 2);
    CHECK(alloc_used_memory() - before < 64 * 1024);
    resp_parser_free(&p);
    CHECK(alloc_used_memory() == before);

    /* many real arguments do grow the array, and reset gives a huge one back */
    size_t n = 5000;
    size_t cap = 16 + n * 8;
    char *many = malloc(cap);
    size_t len = (size_t)snprintf(many, cap, "*%zu\r\n", n);
    for (size_t i = 0; i < n; i++) len += (size_t)snprintf(many + len, cap - len, "$1\r\nx\r\n");
    resp_parser_init(&p);
    CHECK(parse_once(&LIM, many, len, &err, &p) == RESP_OK);
    CHECK(p.argc == (int)n);
    resp_parser_reset(&p);
    CHECK(p.args_cap <= 1024);
    resp_parser_free(&p);
    free(many);
}

/* After a request, reset makes the parser ready for the next one at a new start. */
static void test_reset_and_pipeline(void) {
    const char *in = "*1\r\n$4\r\nPING\r\nECHO hi\r\n*0\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
    size_t len = strlen(in), off = 0;
    char *buf = guard_place(&G, in, len);
    struct resp_parser p;
    resp_parser_init(&p);
    const char *err;
    int seen_ok = 0, seen_empty = 0;
    while (off < len) {
        int st = resp_parse(&p, &LIM, buf + off, len - off, &err);
        CHECK(st == RESP_OK || st == RESP_EMPTY);
        if (st != RESP_OK && st != RESP_EMPTY) break;
        if (st == RESP_OK) seen_ok++;
        else seen_empty++;
        off += p.pos;
        resp_parser_reset(&p);
    }
    CHECK(off == len);
    CHECK(seen_ok == 3);
    CHECK(seen_empty == 1);
    resp_parser_free(&p);
}

int main(void) {
    guard_init(&G, 256 * 1024);
    test_samples();
    test_incomplete_never_errors();
    test_inline_limits();
    test_unauthenticated_limits();
    test_huge_declared_lengths();
    test_reset_and_pipeline();
    guard_free(&G);
    return unit_summary();
}
