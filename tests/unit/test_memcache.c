/* test_memcache.c — the memcache request parser (src/proto/memcache.c) on its own.
 *
 * Every sample is parsed whole, one byte at a time, and split in two at every position,
 * always placed right before an unreadable page, so reading one byte past what the
 * parser was given crashes the test. The expectations come from memcached 1.6.18 run
 * side by side (framing, token rules, number parsing, item size limit). Then the number
 * parsers, base64, long lines and the swallow of values over the limit. */
#include "proto/memcache.h"
#include "unit.h"
#include "util/alloc.h"
#include <limits.h>

static const struct mc_limits LIM = {.item_size_max = 1024 * 1024, .max_get_line = 1 << 20, .auth_pending = 0};
static const struct mc_limits LIM_AUTH = {.item_size_max = 1024 * 1024, .max_get_line = 1 << 20, .auth_pending = 1};

static struct guard G;

struct sample {
    const char *in;
    size_t len;        /* 0: strlen(in) */
    int status;        /* MC_OK / MC_CLOSE */
    size_t pos;        /* bytes of the request; 0: the whole input */
    int command, error;
    int ntokens;
    const char *tok[4]; /* the first tokens (NULL: not checked) */
    const char *data;   /* the value (NULL: none) */
    int flags_bad_chunk; /* 1: bad_chunk, 2: too_large */
    int auth;
};

static size_t sample_len(const struct sample *s) { return s->len ? s->len : strlen(s->in); }

static void check_result(const struct sample *s, const char *mode, size_t split, int st, struct mc_parser *p,
                         const char *buf) {
    size_t len = sample_len(s);
    size_t want_pos = s->pos ? s->pos : len;
    if (st != s->status) {
        unit_failed++;
        fprintf(stderr, "FAILED [%s split=%zu] status %d want %d for ", mode, split, st, s->status);
        unit_print_escaped(stderr, s->in, len);
        fputc('\n', stderr);
        return;
    }
    unit_passed++;
    if (st != MC_OK) return;
    const struct mc_request *r = &p->req;
    if (p->pos != want_pos || r->command != s->command || r->error != s->error || r->ntokens != s->ntokens) {
        unit_failed++;
        fprintf(stderr, "FAILED [%s split=%zu] pos %zu/%zu cmd %d/%d err %d/%d ntok %d/%d for ", mode, split,
                p->pos, want_pos, r->command, s->command, r->error, s->error, r->ntokens, s->ntokens);
        unit_print_escaped(stderr, s->in, len);
        fputc('\n', stderr);
        return;
    }
    unit_passed++;
    for (int i = 0; i < 4 && i < r->ntokens; i++) {
        if (!s->tok[i]) continue;
        CHECK(r->tok[i].off + r->tok[i].len <= want_pos);
        CHECK_MEM(buf + r->tok[i].off, r->tok[i].len, s->tok[i]);
    }
    CHECK(r->bad_chunk == (s->flags_bad_chunk == 1));
    CHECK(r->too_large == (s->flags_bad_chunk == 2));
    if (s->data && !r->too_large) {
        CHECK(r->data_off + r->data_len <= want_pos);
        CHECK_MEM(buf + r->data_off, r->data_len, s->data);
    }
}

static void run_whole(const struct sample *s) {
    size_t len = sample_len(s);
    struct mc_parser p;
    mc_parser_init(&p);
    char *buf = guard_place(&G, s->in, len);
    int st = mc_parse(&p, s->auth ? &LIM_AUTH : &LIM, buf, len);
    check_result(s, "whole", len, st, &p, buf);
    mc_parser_free(&p);
}

static void run_bytewise(const struct sample *s) {
    size_t len = sample_len(s);
    size_t want_pos = s->pos ? s->pos : len;
    struct mc_parser p;
    mc_parser_init(&p);
    int st = MC_NEED_MORE;
    char *buf = NULL;
    size_t k;
    for (k = 1; k <= len; k++) {
        buf = guard_place(&G, s->in, k); /* the request moves: offsets must still hold */
        st = mc_parse(&p, s->auth ? &LIM_AUTH : &LIM, buf, k);
        if (st != MC_NEED_MORE) break;
    }
    if (k > len) k = len;
    if (st == MC_OK) CHECK(k == want_pos);
    check_result(s, "bytewise", k, st, &p, buf);
    mc_parser_free(&p);
}

static void run_splits(const struct sample *s) {
    size_t len = sample_len(s);
    size_t want_pos = s->pos ? s->pos : len;
    for (size_t split = 1; split < len; split++) {
        struct mc_parser p;
        mc_parser_init(&p);
        char *buf = guard_place(&G, s->in, split);
        int st = mc_parse(&p, s->auth ? &LIM_AUTH : &LIM, buf, split);
        if (st == MC_NEED_MORE) {
            buf = guard_place(&G, s->in, len);
            st = mc_parse(&p, s->auth ? &LIM_AUTH : &LIM, buf, len);
        } else if (st == MC_OK && split < want_pos) {
            unit_failed++;
            fprintf(stderr, "FAILED complete after %zu of %zu bytes: ", split, want_pos);
            unit_print_escaped(stderr, s->in, len);
            fputc('\n', stderr);
        }
        check_result(s, "split", split, st, &p, buf);
        mc_parser_free(&p);
    }
}

#define T(...) {__VA_ARGS__}
static const struct sample samples[] = {
    /* retrieval */
    {"get a\r\n", 0, MC_OK, 0, MC_CMD_GET, 0, 2, T("get", "a"), NULL, 0, 0},
    {"get a\n", 0, MC_OK, 0, MC_CMD_GET, 0, 2, T("get", "a"), NULL, 0, 0},
    {"get  a   b \r\nget c\r\n", 0, MC_OK, 13, MC_CMD_GET, 0, 3, T("get", "a", "b"), NULL, 0, 0},
    {"gets a\tb\r\n", 0, MC_OK, 0, MC_CMD_GETS, 0, 2, T("gets", "a\tb"), NULL, 0, 0},
    {"gat 10 a\r\n", 0, MC_OK, 0, MC_CMD_GAT, 0, 3, T("gat", "10", "a"), NULL, 0, 0},
    {"gats 10\r\n", 0, MC_OK, 0, MC_CMD_GATS, 0, 2, T("gats", "10"), NULL, 0, 0},
    {"get\r\n", 0, MC_OK, 0, MC_CMD_GET, MC_ERR_UNKNOWN, 1, T("get"), NULL, 0, 0},
    /* a NUL ends the line as memcached's C string sees it */
    {"get a\0b\r\n", 9, MC_OK, 0, MC_CMD_GET, 0, 2, T("get", "a"), NULL, 0, 0},
    /* the CR is only stripped from a line of more than one byte */
    {"\r\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNKNOWN, 1, T("\r"), NULL, 0, 0},
    {"\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNKNOWN, 0, T(NULL), NULL, 0, 0},
    {"   \r\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNKNOWN, 0, T(NULL), NULL, 0, 0},
    {"GET a\r\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNKNOWN, 2, T("GET", "a"), NULL, 0, 0},
    {"g\r\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNKNOWN, 1, T("g"), NULL, 0, 0},
    /* storage */
    {"set k 1 2 3\r\nabc\r\n", 0, MC_OK, 0, MC_CMD_SET, 0, 5, T("set", "k", "1", "2"), "abc", 0, 0},
    {"set k 0 0 0\r\n\r\nget k\r\n", 0, MC_OK, 15, MC_CMD_SET, 0, 5, T("set", "k"), "", 0, 0},
    {"set k 0 0 5\r\na\r\nb\0\r\n", 20, MC_OK, 0, MC_CMD_SET, 0, 5, T("set", "k"), NULL, 0, 0},
    {"add k 0 0 1 noreply\r\nx\r\n", 0, MC_OK, 0, MC_CMD_ADD, 0, 6, T("add", "k"), "x", 0, 0},
    {"replace k 0 0 1\nx\r\n", 0, MC_OK, 0, MC_CMD_REPLACE, 0, 5, T("replace"), "x", 0, 0},
    {"append k 0 0 1\r\nx\r\n", 0, MC_OK, 0, MC_CMD_APPEND, 0, 5, T("append"), "x", 0, 0},
    {"prepend k 0 0 1\r\nx\r\n", 0, MC_OK, 0, MC_CMD_PREPEND, 0, 5, T("prepend"), "x", 0, 0},
    {"cas k 0 0 1 99\r\nx\r\n", 0, MC_OK, 0, MC_CMD_CAS, 0, 6, T("cas"), "x", 0, 0},
    /* a data block not ending in CRLF: the declared bytes are consumed anyway */
    {"set k 0 0 1\r\nab\r\n", 0, MC_OK, 16, MC_CMD_SET, 0, 5, T("set"), "a", 1, 0},
    {"set k 0 0 3\r\na\r\nget k\r\n", 0, MC_OK, 18, MC_CMD_SET, 0, 5, T("set"), "a\r\n", 1, 0},
    /* bad lines: no data block read */
    {"set k -1 0 1\r\na\r\n", 0, MC_OK, 14, MC_CMD_SET, MC_ERR_FORMAT, 5, T("set"), NULL, 0, 0},
    {"set k 0x10 0 1\r\na\r\n", 0, MC_OK, 16, MC_CMD_SET, MC_ERR_FORMAT, 5, T("set"), NULL, 0, 0},
    {"set k 0 abc 1\r\na\r\n", 0, MC_OK, 15, MC_CMD_SET, MC_ERR_FORMAT, 5, T("set"), NULL, 0, 0},
    {"set k 0 0 -1\r\na\r\n", 0, MC_OK, 14, MC_CMD_SET, MC_ERR_FORMAT, 5, T("set"), NULL, 0, 0},
    {"set k 0 0 2147483646\r\na\r\n", 0, MC_OK, 22, MC_CMD_SET, MC_ERR_FORMAT, 5, T("set"), NULL, 0, 0},
    {"set k 0 0 2147483648\r\na\r\n", 0, MC_OK, 22, MC_CMD_SET, MC_ERR_FORMAT, 5, T("set"), NULL, 0, 0},
    {"set k 0 0 1x\r\na\r\n", 0, MC_OK, 14, MC_CMD_SET, MC_ERR_FORMAT, 5, T("set"), NULL, 0, 0},
    {"cas k 0 0 1 -1\r\na\r\n", 0, MC_OK, 16, MC_CMD_CAS, MC_ERR_FORMAT, 6, T("cas"), NULL, 0, 0},
    {"set k 0 0\r\na\r\n", 0, MC_OK, 11, MC_CMD_SET, MC_ERR_UNKNOWN, 4, T("set"), NULL, 0, 0},
    {"set k 0 0 1 noreply x\r\na\r\n", 0, MC_OK, 23, MC_CMD_SET, MC_ERR_UNKNOWN, 7, T("set"), NULL, 0, 0},
    {"cas k 0 0 1\r\na\r\n", 0, MC_OK, 13, MC_CMD_CAS, MC_ERR_UNKNOWN, 5, T("cas"), NULL, 0, 0},
    /* numbers as strtol sees them: sign, leading whitespace, trailing whitespace, 64→32 bits */
    {"set k +5 0 1\r\nx\r\n", 0, MC_OK, 0, MC_CMD_SET, 0, 5, T("set"), "x", 0, 0},
    {"set k 5\t 0 1\r\nx\r\n", 0, MC_OK, 0, MC_CMD_SET, 0, 5, T("set"), "x", 0, 0},
    {"set k 0 0 1\tx\r\nx\r\n", 0, MC_OK, 0, MC_CMD_SET, 0, 5, T("set"), "x", 0, 0},
    {"set k 0 0 4294967297\r\nx\r\n", 0, MC_OK, 0, MC_CMD_SET, 0, 5, T("set"), "x", 0, 0},
    /* too large: the line alone is the request; the value is swallowed later */
    {"set k 0 0 1048575\r\n", 0, MC_OK, 0, MC_CMD_SET, 0, 5, T("set"), NULL, 2, 0},
    {"ms k 2000000 T0\r\n", 0, MC_OK, 0, MC_CMD_MS, 0, 4, T("ms", "k", "2000000"), NULL, 2, 0},
    /* meta */
    {"ms k 2 T0 F5\r\nhi\r\n", 0, MC_OK, 0, MC_CMD_MS, 0, 5, T("ms", "k", "2", "T0"), "hi", 0, 0},
    {"ms k +2\r\nhi\r\n", 0, MC_OK, 0, MC_CMD_MS, 0, 3, T("ms", "k", "+2"), "hi", 0, 0},
    {"ms k\r\nhi\r\n", 0, MC_OK, 6, MC_CMD_MS, MC_ERR_FORMAT, 2, T("ms", "k"), NULL, 0, 0},
    {"ms k abc\r\nhi\r\n", 0, MC_OK, 10, MC_CMD_MS, MC_ERR_FORMAT, 3, T("ms"), NULL, 0, 0},
    {"ms k -1\r\nhi\r\n", 0, MC_OK, 9, MC_CMD_MS, MC_ERR_FORMAT, 3, T("ms"), NULL, 0, 0},
    {"ms\r\n", 0, MC_OK, 0, MC_CMD_MS, MC_ERR_UNKNOWN, 1, T("ms"), NULL, 0, 0},
    {"mg k v t\r\n", 0, MC_OK, 0, MC_CMD_MG, 0, 4, T("mg", "k", "v", "t"), NULL, 0, 0},
    {"mg\r\n", 0, MC_OK, 0, MC_CMD_MG, MC_ERR_UNKNOWN, 1, T("mg"), NULL, 0, 0},
    {"mg k a b c d e f g h i j k l m n o p q r\r\n", 0, MC_OK, 0, MC_CMD_MG, MC_ERR_TOO_MANY, 20, T("mg"), NULL, 0, 0},
    {"mg k a b c d e f g h i j k l m n o p q\r\n", 0, MC_OK, 0, MC_CMD_MG, 0, 19, T("mg"), NULL, 0, 0},
    {"ms k 1 a b c d e f g h i j k l m n o p q\r\nx\r\n", 0, MC_OK, 42, MC_CMD_MS, MC_ERR_TOO_MANY, 20, T("ms"), NULL, 0, 0},
    {"mn\r\n", 0, MC_OK, 0, MC_CMD_MN, 0, 1, T("mn"), NULL, 0, 0},
    {"me k\r\n", 0, MC_OK, 0, MC_CMD_ME, 0, 2, T("me", "k"), NULL, 0, 0},
    {"mx k\r\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNKNOWN, 2, T("mx"), NULL, 0, 0},
    /* others */
    {"incr k 1\r\n", 0, MC_OK, 0, MC_CMD_INCR, 0, 3, T("incr", "k", "1"), NULL, 0, 0},
    {"incr k\r\n", 0, MC_OK, 0, MC_CMD_INCR, MC_ERR_UNKNOWN, 2, T("incr"), NULL, 0, 0},
    {"delete k 0 noreply\r\n", 0, MC_OK, 0, MC_CMD_DELETE, 0, 4, T("delete"), NULL, 0, 0},
    {"delete k 0 noreply x\r\n", 0, MC_OK, 0, MC_CMD_DELETE, MC_ERR_UNKNOWN, 5, T("delete"), NULL, 0, 0},
    {"flush_all\r\n", 0, MC_OK, 0, MC_CMD_FLUSH_ALL, 0, 1, T("flush_all"), NULL, 0, 0},
    {"flush_all 1 2 3\r\n", 0, MC_OK, 0, MC_CMD_FLUSH_ALL, MC_ERR_UNKNOWN, 4, T("flush_all"), NULL, 0, 0},
    {"version a b c\r\n", 0, MC_OK, 0, MC_CMD_VERSION, 0, 4, T("version"), NULL, 0, 0},
    {"verbosity\r\n", 0, MC_OK, 0, MC_CMD_VERBOSITY, MC_ERR_UNKNOWN, 1, T("verbosity"), NULL, 0, 0},
    {"quit\r\n", 0, MC_OK, 0, MC_CMD_QUIT, 0, 1, T("quit"), NULL, 0, 0},
    {"stats settings\r\n", 0, MC_OK, 0, MC_CMD_STATS, 0, 2, T("stats", "settings"), NULL, 0, 0},
    /* web clients are hung up on (not for names memcached dispatches on first letter) */
    {"GET / HTTP/1.1\r\n", 0, MC_CLOSE, 0, 0, 0, 0, T(NULL), NULL, 0, 0},
    {"POST /x HTTP/1.0\r\n", 0, MC_CLOSE, 0, 0, 0, 0, T(NULL), NULL, 0, 0},
    {"get / HTTP/1.1\r\n", 0, MC_OK, 0, MC_CMD_GET, 0, 3, T("get"), NULL, 0, 0},
    {"dxyz HTTP/1.1\r\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNKNOWN, 2, T("dxyz"), NULL, 0, 0},
    {"xyz HTTP/1.1 x\r\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNKNOWN, 3, T("xyz"), NULL, 0, 0},
    /* authentication mode */
    {"set a 0 0 12\r\nalice secret\r\n", 0, MC_OK, 0, MC_CMD_AUTH, 0, 5, T("set"), "alice secret", 0, 1},
    {"set a 0 0 12 noreply\r\nalice secret\r\n", 0, MC_OK, 0, MC_CMD_AUTH, 0, 6, T("set"), "alice secret", 0, 1},
    {"get a\r\n", 0, MC_OK, 0, MC_CMD_NONE, MC_ERR_UNAUTH, 2, T("get"), NULL, 0, 1},
    {"set a 0 0 abc\r\nx\r\n", 0, MC_OK, 15, MC_CMD_NONE, MC_ERR_UNAUTH, 5, T("set"), NULL, 0, 1},
    {"set a 0 0 9999\r\n", 0, MC_CLOSE, 0, 0, 0, 0, T(NULL), NULL, 0, 1},
};

static void test_samples(void) {
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        run_whole(&samples[i]);
        run_bytewise(&samples[i]);
        run_splits(&samples[i]);
    }
}

static void test_numbers(void) {
    int32_t i;
    uint32_t u;
    uint64_t v;
    CHECK(mc_parse_i32("123", 3, &i) == 0 && i == 123);
    CHECK(mc_parse_i32("-5", 2, &i) == 0 && i == -5);
    CHECK(mc_parse_i32(" \t+7", 4, &i) == 0 && i == 7);
    CHECK(mc_parse_i32("7\t", 2, &i) == 0 && i == 7);
    CHECK(mc_parse_i32("7x", 2, &i) == -1);
    CHECK(mc_parse_i32("", 0, &i) == -1);
    CHECK(mc_parse_i32("-", 1, &i) == -1);
    CHECK(mc_parse_i32("99999999999", 11, &i) == 0 && i == 1215752191);
    CHECK(mc_parse_i32("-99999999999", 12, &i) == 0 && i == -1215752191);
    CHECK(mc_parse_i32("9223372036854775807", 19, &i) == 0 && i == -1);
    CHECK(mc_parse_i32("9223372036854775808", 19, &i) == -1);
    CHECK(mc_parse_i32("-9223372036854775808", 20, &i) == 0 && i == 0);
    CHECK(mc_parse_u32("4294967295", 10, &u) == 0 && u == 4294967295u);
    CHECK(mc_parse_u32("4294967296", 10, &u) == 0 && u == 0);
    CHECK(mc_parse_u32("18446744073709551615", 20, &u) == 0 && u == 4294967295u);
    CHECK(mc_parse_u32("18446744073709551616", 20, &u) == -1);
    CHECK(mc_parse_u32("-1", 2, &u) == -1);
    CHECK(mc_parse_u64("-0", 2, &v) == 0 && v == 0);
    CHECK(mc_parse_u64("18446744073709551615", 20, &v) == 0 && v == UINT64_MAX);
    CHECK(mc_parse_u64("-18446744073709551615", 21, &v) == 0 && v == 1);
    CHECK(mc_parse_u64("-5", 2, &v) == -1);
    CHECK(mc_parse_u64("0x5", 3, &v) == -1);
    CHECK(mc_item_size(1, 0, 1048516) == 1048576);
    CHECK(mc_item_size(1, 5, 1048512) == 1048576);
}

static void test_base64(void) {
    unsigned char out[64];
    char enc[64];
    CHECK(mc_base64_decode("bTE=", 4, out) == 2 && memcmp(out, "m1", 2) == 0);
    CHECK(mc_base64_decode("bm9wZQ==", 8, out) == 4 && memcmp(out, "nope", 4) == 0);
    CHECK(mc_base64_decode("bm9wZQ==bm9wZQ==", 16, out) == 4);
    CHECK(mc_base64_decode("YWJj", 4, out) == 3 && memcmp(out, "abc", 3) == 0);
    CHECK(mc_base64_decode("bm9wZQ", 6, out) == -1);
    CHECK(mc_base64_decode("b!!!", 4, out) == -1);
    CHECK(mc_base64_decode("b=m=", 4, out) == -1);
    CHECK(mc_base64_decode("=abc", 4, out) == -1);
    CHECK(mc_base64_encode((const unsigned char *)"m1", 2, enc) == 4 && memcmp(enc, "bTE=", 4) == 0);
    CHECK(mc_base64_encode((const unsigned char *)"abc", 3, enc) == 4 && memcmp(enc, "YWJj", 4) == 0);
    CHECK(mc_base64_encode((const unsigned char *)"\x00\xff\x10\x01", 4, enc) == 8 && memcmp(enc, "AP8QAQ==", 8) == 0);
    /* round trip of every byte value */
    unsigned char all[256];
    char e[400];
    unsigned char d[400];
    for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
    size_t n = mc_base64_encode(all, 256, e);
    CHECK(mc_base64_decode(e, n, d) == 256 && memcmp(d, all, 256) == 0);
}

/* Lines without "\n": garbage past 2048 bytes, except a multi-get (bounded by its limit). */
static void test_long_lines(void) {
    static char buf[8192];
    struct mc_parser p;
    mc_parser_init(&p);
    memset(buf, 'x', sizeof(buf));
    char *b = guard_place(&G, buf, 2048);
    CHECK(mc_parse(&p, &LIM, b, 2048) == MC_NEED_MORE);
    b = guard_place(&G, buf, 2049);
    CHECK(mc_parse(&p, &LIM, b, 2049) == MC_CLOSE);
    mc_parser_reset(&p);
    /* a multi-get may be longer, growing tokens as it goes */
    size_t n = 0;
    n += (size_t)sprintf(buf, "get");
    while (n < 6000) n += (size_t)sprintf(buf + n, " k%zu", n);
    b = guard_place(&G, buf, n);
    CHECK(mc_parse(&p, &LIM, b, n) == MC_NEED_MORE);
    memcpy(buf + n, "\r\n", 2);
    b = guard_place(&G, buf, n + 2);
    CHECK(mc_parse(&p, &LIM, b, n + 2) == MC_OK);
    CHECK(p.req.command == MC_CMD_GET && p.req.ntokens > 500 && p.pos == n + 2);
    mc_parser_reset(&p);
    /* but not past max_get_line, nor with more than 100 spaces of indent */
    struct mc_limits small = LIM;
    small.max_get_line = 4096;
    b = guard_place(&G, buf, n);
    CHECK(mc_parse(&p, &small, b, n) == MC_CLOSE);
    mc_parser_reset(&p);
    memset(buf, ' ', 101);
    memcpy(buf + 101, "get ", 4);
    memset(buf + 105, 'k', 3000);
    b = guard_place(&G, buf, 3105);
    CHECK(mc_parse(&p, &LIM, b, 3105) == MC_CLOSE);
    mc_parser_reset(&p);
    /* a complete non-get line over the limit is garbage too (independent of arrival) */
    memcpy(buf, "set a 0 0 1", 11);
    memset(buf + 11, ' ', 3000);
    memcpy(buf + 3011, "\r\nx\r\n", 5);
    b = guard_place(&G, buf, 3016);
    CHECK(mc_parse(&p, &LIM, b, 3016) == MC_CLOSE);
    mc_parser_reset(&p);
    /* authentication mode never allows long lines */
    memcpy(buf, "get ", 4);
    memset(buf + 4, 'k', 3000);
    b = guard_place(&G, buf, 3004);
    CHECK(mc_parse(&p, &LIM_AUTH, b, 3004) == MC_CLOSE);
    mc_parser_free(&p);
}

/* A huge declared value is neither buffered nor waited for: reported at once. */
static void test_swallow(void) {
    struct mc_parser p;
    mc_parser_init(&p);
    const char *in = "set k 0 0 2147483645\r\n";
    char *b = guard_place(&G, in, strlen(in));
    CHECK(mc_parse(&p, &LIM, b, strlen(in)) == MC_OK);
    CHECK(p.req.too_large == 1 && p.req.swallow == 2147483647LL && p.pos == strlen(in));
    mc_parser_reset(&p);
    in = "set k 0 0 1000\r\n";
    b = guard_place(&G, in, strlen(in));
    CHECK(mc_parse(&p, &LIM, b, strlen(in)) == MC_NEED_MORE);
    CHECK(p.need_total == strlen(in) + 1002);
    /* the item size counts the key, and flags when not 0: memcached's exact limit */
    mc_parser_reset(&p);
    char line[64];
    snprintf(line, sizeof(line), "set k 5 0 %d\r\n", 1048513);
    b = guard_place(&G, line, strlen(line));
    CHECK(mc_parse(&p, &LIM, b, strlen(line)) == MC_OK && p.req.too_large);
    mc_parser_reset(&p);
    snprintf(line, sizeof(line), "set k 0 0 %d\r\n", 1048516);
    b = guard_place(&G, line, strlen(line));
    CHECK(mc_parse(&p, &LIM, b, strlen(line)) == MC_NEED_MORE);
    mc_parser_reset(&p);
    snprintf(line, sizeof(line), "ms k %d F5\r\n", 1048513);
    b = guard_place(&G, line, strlen(line));
    CHECK(mc_parse(&p, &LIM, b, strlen(line)) == MC_OK && p.req.too_large);
    mc_parser_reset(&p);
    snprintf(line, sizeof(line), "ms k %d\r\n", 1048513);
    b = guard_place(&G, line, strlen(line));
    CHECK(mc_parse(&p, &LIM, b, strlen(line)) == MC_NEED_MORE);
    mc_parser_free(&p);
}

/* Keys: 250 bytes are fine, 251 make the storage line bad (no data block read). */
static void test_key_length(void) {
    static char buf[600];
    struct mc_parser p;
    mc_parser_init(&p);
    for (int klen = 249; klen <= 252; klen++) {
        int n = sprintf(buf, "set ");
        memset(buf + n, 'k', (size_t)klen);
        n += klen;
        n += sprintf(buf + n, " 0 0 1\r\nx\r\n");
        char *b = guard_place(&G, buf, (size_t)n);
        CHECK(mc_parse(&p, &LIM, b, (size_t)n) == MC_OK);
        if (klen <= MC_KEY_MAX) CHECK(p.req.error == MC_ERR_NONE && p.pos == (size_t)n);
        else CHECK(p.req.error == MC_ERR_FORMAT && p.pos == (size_t)n - 3);
        mc_parser_reset(&p);
    }
    mc_parser_free(&p);
}

int main(void) {
    guard_init(&G, 16384);
    test_samples();
    test_numbers();
    test_key_length();
    test_base64();
    test_long_lines();
    test_swallow();
    guard_free(&G);
    return unit_summary();
}
