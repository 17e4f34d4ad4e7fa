/* resp.c — see resp.h. Error texts match redis-server 7.0 so clients and tests that
 * look for them keep working. */
#include "proto/resp.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <limits.h>
#include <string.h>

#define RESP_ARGS_INITIAL 8
#define RESP_ARGS_PREALLOC_MAX 1024 /* never trust a declared count beyond this */
#define RESP_UNAUTH_MAX_MULTIBULK 10
#define RESP_UNAUTH_MAX_BULK 16384

void resp_parser_init(struct resp_parser *p) {
    memset(p, 0, sizeof(*p));
    p->multibulk_left = -1;
    p->bulk_len = -1;
}

void resp_parser_reset(struct resp_parser *p) {
    p->pos = 0;
    p->inline_req = 0;
    p->multibulk_left = -1;
    p->bulk_len = -1;
    p->argc = 0;
    p->need_total = 0;
    /* Give back a huge args array once the request that needed it is done. */
    if (p->args_cap > RESP_ARGS_PREALLOC_MAX) {
        wfree(p->args);
        p->args = NULL;
        p->args_cap = 0;
    }
}

void resp_parser_free(struct resp_parser *p) {
    wfree(p->args);
    p->args = NULL;
    p->args_cap = 0;
}

static void resp_args_reserve(struct resp_parser *p, long long want) {
    if (want <= p->args_cap) return;
    long long cap = p->args_cap ? (long long)p->args_cap * 2 : RESP_ARGS_INITIAL;
    if (cap < want) cap = want;
    if (cap > INT_MAX) cap = INT_MAX;
    p->args = wrealloc(p->args, (size_t)cap * sizeof(*p->args));
    p->args_cap = (int)cap;
}

static int resp_push_arg(struct resp_parser *p, size_t off, size_t len) {
    if (p->argc == p->args_cap) resp_args_reserve(p, (long long)p->argc + 1);
    p->args[p->argc].off = off;
    p->args[p->argc].len = len;
    p->argc++;
    return 0;
}

/* Find "\r\n"-terminated header at buf[from..len). Returns offset of '\r' or -1. */
static long long resp_find_crlf(const char *buf, size_t from, size_t len) {
    if (from >= len) return -1;
    const char *cr = memchr(buf + from, '\r', len - from);
    while (cr) {
        size_t at = (size_t)(cr - buf);
        if (at + 1 >= len) return -1;
        if (buf[at + 1] == '\n') return (long long)at;
        cr = memchr(cr + 1, '\r', len - at - 1);
    }
    return -1;
}

/* isspace() in the C locale, without the locale lookup. */
static inline int resp_is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Split an inline line in place with redis-cli's quoting rules. Returns 0 or -1 on
 * unbalanced quotes. */
static int resp_split_inline(struct resp_parser *p, char *buf, size_t start, size_t end) {
    /* The line ends at a NUL byte, as for Redis's C-string splitter: without this the
     * unquoted branch below would stop at the NUL without consuming it and push empty
     * arguments forever. A quote still open at the NUL is an unbalanced quote. */
    const char *nul = memchr(buf + start, '\0', end - start);
    if (nul) end = (size_t)(nul - buf);
    size_t i = start;
    while (1) {
        while (i < end && resp_is_space(buf[i])) i++;
        if (i >= end) return 0;
        size_t out = i, arg_start = i;
        int inq = 0, insq = 0, done = 0;
        while (!done) {
            if (inq) {
                if (i >= end) return -1;
                if (buf[i] == '\\' && i + 3 < end && buf[i + 1] == 'x' && hexval(buf[i + 2]) >= 0 &&
                    hexval(buf[i + 3]) >= 0) {
                    buf[out++] = (char)(hexval(buf[i + 2]) * 16 + hexval(buf[i + 3]));
                    i += 4;
                } else if (buf[i] == '\\' && i + 1 < end) {
                    char c;
                    switch (buf[i + 1]) {
                    case 'n': c = '\n'; break;
                    case 'r': c = '\r'; break;
                    case 't': c = '\t'; break;
                    case 'b': c = '\b'; break;
                    case 'a': c = '\a'; break;
                    default: c = buf[i + 1]; break;
                    }
                    buf[out++] = c;
                    i += 2;
                } else if (buf[i] == '"') {
                    /* closing quote must be followed by a space or the end */
                    if (i + 1 < end && !resp_is_space(buf[i + 1])) return -1;
                    done = 1;
                    i++;
                } else {
                    buf[out++] = buf[i++];
                }
            } else if (insq) {
                if (i >= end) return -1;
                if (buf[i] == '\\' && i + 1 < end && buf[i + 1] == '\'') {
                    buf[out++] = '\'';
                    i += 2;
                } else if (buf[i] == '\'') {
                    if (i + 1 < end && !resp_is_space(buf[i + 1])) return -1;
                    done = 1;
                    i++;
                } else {
                    buf[out++] = buf[i++];
                }
            } else {
                if (i >= end) { done = 1; break; }
                switch (buf[i]) {
                case ' ': case '\n': case '\r': case '\t': case '\0':
                    done = 1;
                    break;
                case '"': inq = 1; i++; break;
                case '\'': insq = 1; i++; break;
                default: buf[out++] = buf[i++]; break;
                }
            }
        }
        resp_push_arg(p, arg_start, out - arg_start);
    }
}

static int resp_parse_inline(struct resp_parser *p, const struct resp_limits *lim, char *buf,
                             size_t len, const char **err) {
    const char *nl = memchr(buf, '\n', len);
    if (!nl) {
        if (len > lim->max_inline) { *err = "Protocol error: too big inline request"; return RESP_ERROR; }
        return RESP_NEED_MORE;
    }
    size_t end = (size_t)(nl - buf);
    size_t total = end + 1;
    if (end > lim->max_inline) { *err = "Protocol error: too big inline request"; return RESP_ERROR; }
    if (end > 0 && buf[end - 1] == '\r') end--;
    p->argc = 0;
    if (resp_split_inline(p, buf, 0, end) != 0) {
        *err = "Protocol error: unbalanced quotes in request";
        return RESP_ERROR;
    }
    p->pos = total;
    return p->argc == 0 ? RESP_EMPTY : RESP_OK;
}

int resp_parse(struct resp_parser *p, const struct resp_limits *lim, char *buf, size_t len,
               const char **err) {
    *err = NULL;
    if (len == 0) return RESP_NEED_MORE;
    if (p->multibulk_left < 0) {
        if (buf[0] != '*') return resp_parse_inline(p, lim, buf, len, err);
        long long cr = resp_find_crlf(buf, 1, len);
        if (cr < 0) {
            if (len > lim->max_inline) { *err = "Protocol error: too big mbulk count string"; return RESP_ERROR; }
            return RESP_NEED_MORE;
        }
        long long n;
        /* "*0" and negative counts are empty requests, as in Redis */
        if (num_parse_ll(buf + 1, (size_t)cr - 1, &n) != 0 || n > lim->max_multibulk ||
            (lim->unauthenticated && n > RESP_UNAUTH_MAX_MULTIBULK)) {
            *err = "Protocol error: invalid multibulk length";
            return RESP_ERROR;
        }
        p->pos = (size_t)cr + 2;
        if (n <= 0) return RESP_EMPTY;
        p->multibulk_left = n;
        p->argc = 0;
        resp_args_reserve(p, n < RESP_ARGS_PREALLOC_MAX ? n : RESP_ARGS_PREALLOC_MAX);
    }
    while (p->multibulk_left > 0) {
        if (p->bulk_len < 0) {
            if (p->pos >= len) return RESP_NEED_MORE;
            if (buf[p->pos] != '$') {
                static _Thread_local char msg[64];
                char c = buf[p->pos];
                memcpy(msg, "Protocol error: expected '$', got ' '", 38);
                msg[35] = c;
                *err = msg;
                return RESP_ERROR;
            }
            long long cr = resp_find_crlf(buf, p->pos + 1, len);
            if (cr < 0) {
                if (len - p->pos > lim->max_inline) {
                    *err = "Protocol error: too big bulk count string";
                    return RESP_ERROR;
                }
                return RESP_NEED_MORE;
            }
            long long bl;
            if (num_parse_ll(buf + p->pos + 1, (size_t)cr - p->pos - 1, &bl) != 0 || bl < 0 ||
                bl > lim->max_bulk_len || (lim->unauthenticated && bl > RESP_UNAUTH_MAX_BULK)) {
                *err = "Protocol error: invalid bulk length";
                return RESP_ERROR;
            }
            p->bulk_len = bl;
            p->pos = (size_t)cr + 2;
        }
        size_t need = p->pos + (size_t)p->bulk_len + 2;
        if (len < need) {
            p->need_total = need;
            return RESP_NEED_MORE;
        }
        if (buf[need - 2] != '\r' || buf[need - 1] != '\n') {
            *err = "Protocol error: expected CRLF after bulk data";
            return RESP_ERROR;
        }
        resp_push_arg(p, p->pos, (size_t)p->bulk_len);
        p->pos = need;
        p->bulk_len = -1;
        p->multibulk_left--;
        p->need_total = 0;
    }
    return RESP_OK;
}
