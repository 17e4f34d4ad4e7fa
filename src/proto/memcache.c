/* memcache.c — see memcache.h. The rules here were taken from memcached 1.6's protocol
 * text and from running Debian's memcached 1.6.18 side by side (tests/integration/
 * test_memcache.py keeps the cases): tokens are split on spaces only, a NUL ends the
 * line, command names are case-sensitive, numbers follow C's strtol family (leading
 * whitespace and a sign allowed, 64-bit values truncated to 32 bits where memcached
 * stores them in 32), and an unknown command whose last token starts with "HTTP/" is
 * a web client that memcached hangs up on. */
#include "proto/memcache.h"
#include "util/alloc.h"
#include <limits.h>
#include <string.h>

#define MC_TOKENS_INITIAL 16
#define MC_TOKENS_KEEP 1024 /* give back a bigger array once its multi-get is done */

void mc_parser_init(struct mc_parser *p) { memset(p, 0, sizeof(*p)); }

void mc_parser_reset(struct mc_parser *p) {
    p->pos = p->scan = p->line_end = 0;
    p->done = 0;
    p->need_total = 0;
    memset(&p->req, 0, sizeof(p->req));
    if (p->toks_cap > MC_TOKENS_KEEP) {
        wfree(p->toks);
        p->toks = NULL;
        p->toks_cap = 0;
    }
}

void mc_parser_free(struct mc_parser *p) {
    wfree(p->toks);
    p->toks = NULL;
    p->toks_cap = 0;
}

/* isspace() of the C locale. */
static inline int mc_is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The strtoull core shared by the three parsers: skips leading whitespace, takes a sign
 * and at least one digit, and requires the token to end or continue with whitespace.
 * *neg says whether a '-' was seen; *mag is the magnitude (fails past 2^64-1). */
static int mc_parse_digits(const char *p, size_t len, int *neg, uint64_t *mag) {
    size_t i = 0;
    while (i < len && mc_is_space(p[i])) i++;
    *neg = 0;
    if (i < len && (p[i] == '+' || p[i] == '-')) {
        *neg = p[i] == '-';
        i++;
    }
    size_t start = i;
    uint64_t v = 0;
    while (i < len && p[i] >= '0' && p[i] <= '9') {
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1; /* ERANGE */
        v = v * 10 + d;
        i++;
    }
    if (i == start) return -1;
    if (i < len && !mc_is_space(p[i])) return -1;
    *mag = v;
    return 0;
}

int mc_parse_i32(const char *p, size_t len, int32_t *out) {
    int neg;
    uint64_t mag;
    if (mc_parse_digits(p, len, &neg, &mag) != 0) return -1;
    /* strtol's range is that of a 64-bit long; memcached then stores the low 32 bits */
    if (!neg && mag > (uint64_t)LLONG_MAX) return -1;
    if (neg && mag > (uint64_t)LLONG_MAX + 1) return -1;
    uint64_t bits = neg ? (uint64_t)0 - mag : mag;
    *out = (int32_t)(uint32_t)(bits & 0xffffffffu);
    return 0;
}

int mc_parse_u64(const char *p, size_t len, uint64_t *out) {
    int neg;
    uint64_t mag;
    if (mc_parse_digits(p, len, &neg, &mag) != 0) return -1;
    uint64_t v = neg ? (uint64_t)0 - mag : mag;
    /* memcached refuses a '-' only when the wrapped result looks negative as signed */
    if (neg && (v >> 63)) return -1;
    *out = v;
    return 0;
}

int mc_parse_u32(const char *p, size_t len, uint32_t *out) {
    uint64_t v;
    if (mc_parse_u64(p, len, &v) != 0) return -1;
    *out = (uint32_t)(v & 0xffffffffu);
    return 0;
}

long long mc_item_size(size_t klen, uint32_t flags, long long vlen) {
    /* memcached's item header with CAS (48), the key's NUL and suffix, 4 bytes of flags
     * when they are not 0, and the value with its CRLF */
    return 57 + (long long)klen + (flags ? 4 : 0) + vlen + 2;
}

static int mc_push_token(struct mc_parser *p, size_t off, size_t len) {
    if (p->req.ntokens == p->toks_cap) {
        int cap = p->toks_cap ? p->toks_cap * 2 : MC_TOKENS_INITIAL;
        p->toks = wrealloc(p->toks, (size_t)cap * sizeof(*p->toks));
        p->toks_cap = cap;
    }
    p->toks[p->req.ntokens].off = off;
    p->toks[p->req.ntokens].len = len;
    p->req.ntokens++;
    return 0;
}

/* Split buf[0..end) on spaces (only spaces: a tab belongs to its token). */
static void mc_tokenize(struct mc_parser *p, const char *buf, size_t end) {
    size_t i = 0;
    while (i < end) {
        while (i < end && buf[i] == ' ') i++;
        if (i == end) break;
        size_t s = i;
        while (i < end && buf[i] != ' ') i++;
        mc_push_token(p, s, i - s);
    }
}

static int tok_is(const char *buf, const struct mc_token *t, const char *s) {
    size_t n = strlen(s);
    return t->len == n && memcmp(buf + t->off, s, n) == 0;
}

/* A long line still waiting for its "\n" is allowed only for a multi-get. */
static int mc_is_get_prefix(const char *buf, size_t len) {
    size_t i = 0;
    while (i < len && buf[i] == ' ') i++;
    if (i > MC_LEADING_SPACE_MAX) return 0;
    if (len - i >= 4 && memcmp(buf + i, "get ", 4) == 0) return 1;
    if (len - i >= 5 && memcmp(buf + i, "gets ", 5) == 0) return 1;
    return 0;
}

static const struct {
    const char *name;
    int cmd;
    int min, max; /* tokens, the command included; max 0 = unbounded */
} mc_commands[] = {
    {"get", MC_CMD_GET, 2, 0},         {"gets", MC_CMD_GETS, 2, 0},
    {"gat", MC_CMD_GAT, 2, 0},         {"gats", MC_CMD_GATS, 2, 0},
    {"set", MC_CMD_SET, 5, 6},         {"add", MC_CMD_ADD, 5, 6},
    {"replace", MC_CMD_REPLACE, 5, 6}, {"append", MC_CMD_APPEND, 5, 6},
    {"prepend", MC_CMD_PREPEND, 5, 6}, {"cas", MC_CMD_CAS, 6, 7},
    {"incr", MC_CMD_INCR, 3, 4},       {"decr", MC_CMD_DECR, 3, 4},
    {"delete", MC_CMD_DELETE, 2, 4},   {"touch", MC_CMD_TOUCH, 3, 4},
    {"flush_all", MC_CMD_FLUSH_ALL, 1, 3}, {"version", MC_CMD_VERSION, 1, 0},
    {"verbosity", MC_CMD_VERBOSITY, 2, 3}, {"stats", MC_CMD_STATS, 1, 0},
    {"quit", MC_CMD_QUIT, 1, 0},       {"shutdown", MC_CMD_SHUTDOWN, 1, 0},
};

/* Name → command. Returns MC_CMD_NONE for unknown names; *close is set for what
 * memcached treats as an HTTP request. */
static int mc_classify(const char *buf, const struct mc_request *r, int *close) {
    const struct mc_token *t = &r->tok[0];
    const char *name = buf + t->off;
    *close = 0;
    if (t->len == 2 && name[0] == 'm') {
        switch (name[1]) {
        case 'g': return MC_CMD_MG;
        case 's': return MC_CMD_MS;
        case 'd': return MC_CMD_MD;
        case 'a': return MC_CMD_MA;
        case 'n': return MC_CMD_MN;
        case 'e': return MC_CMD_ME;
        default: return MC_CMD_NONE;
        }
    }
    for (size_t i = 0; i < sizeof(mc_commands) / sizeof(mc_commands[0]); i++)
        if (tok_is(buf, t, mc_commands[i].name)) return mc_commands[i].cmd;
    /* names starting with a letter memcached dispatches on first never reach its
     * HTTP check; any other unknown command ending in "HTTP/..." is a web client */
    if (!strchr("acdgist", name[0])) {
        const struct mc_token *last = &r->tok[r->ntokens - 1];
        if (last->len >= 5 && memcmp(buf + last->off, "HTTP/", 5) == 0) *close = 1;
    }
    return MC_CMD_NONE;
}

static int mc_arity_ok(int cmd, int n) {
    for (size_t i = 0; i < sizeof(mc_commands) / sizeof(mc_commands[0]); i++)
        if (mc_commands[i].cmd == cmd) return n >= mc_commands[i].min && (!mc_commands[i].max || n <= mc_commands[i].max);
    return 1;
}

/* The key length ms's item will have: the decoded length of a base64 key ('b' flag). */
static size_t mc_ms_key_len(const char *buf, const struct mc_request *r, uint32_t *flags) {
    size_t klen = r->tok[1].len;
    int b64 = 0;
    *flags = 0;
    for (int i = 3; i < r->ntokens; i++) {
        const struct mc_token *t = &r->tok[i];
        const char *s = buf + t->off;
        if (s[0] == 'b') b64 = 1;
        else if (s[0] == 'F' && mc_parse_u32(s + 1, t->len - 1, flags) != 0) *flags = 0;
    }
    if (b64) {
        const char *k = buf + r->tok[1].off;
        size_t pad = 0;
        while (pad < 2 && pad < klen && k[klen - 1 - pad] == '=') pad++;
        klen = klen / 4 * 3;
        klen = klen > pad ? klen - pad : 0;
    }
    return klen;
}

/* Frame the data block of a storage request whose line is valid: either it is too
 * large (swallowed) or the request extends over vlen+2 bytes. */
static int mc_frame_data(struct mc_parser *p, const char *buf, size_t len, long long item_size,
                         long long item_size_max) {
    struct mc_request *r = &p->req;
    if (item_size > item_size_max) {
        r->too_large = 1;
        r->swallow = (long long)r->vlen + 2;
        p->pos = p->line_end;
        p->done = 1;
        return MC_OK;
    }
    size_t need = p->line_end + (size_t)r->vlen + 2;
    if (len < need) {
        p->need_total = need;
        return MC_NEED_MORE;
    }
    r->data_off = p->line_end;
    r->data_len = (size_t)r->vlen;
    r->bad_chunk = !(buf[need - 2] == '\r' && buf[need - 1] == '\n');
    p->pos = need;
    p->done = 1;
    return MC_OK;
}

/* set add replace append prepend cas: validate the line in memcached's order. */
static int mc_parse_storage(struct mc_parser *p, const struct mc_limits *lim, const char *buf, size_t len) {
    struct mc_request *r = &p->req;
    const struct mc_token *t = r->tok;
    int is_cas = r->command == MC_CMD_CAS;
    r->noreply = tok_is(buf, &t[r->ntokens - 1], "noreply");
    if (t[1].len > MC_KEY_MAX || mc_parse_u32(buf + t[2].off, t[2].len, &r->flags) != 0 ||
        mc_parse_i32(buf + t[3].off, t[3].len, &r->exptime) != 0 ||
        mc_parse_i32(buf + t[4].off, t[4].len, &r->vlen) != 0 ||
        (is_cas && mc_parse_u64(buf + t[5].off, t[5].len, &r->cas) != 0) || r->vlen < 0 ||
        r->vlen > INT_MAX - 2) {
        r->error = MC_ERR_FORMAT;
        goto line_only;
    }
    return mc_frame_data(p, buf, len, mc_item_size(t[1].len, r->flags, r->vlen), lim->item_size_max);
line_only:
    p->pos = p->line_end;
    p->done = 1;
    return MC_OK;
}

static int mc_parse_ms(struct mc_parser *p, const struct mc_limits *lim, const char *buf, size_t len) {
    struct mc_request *r = &p->req;
    const struct mc_token *t = r->tok;
    if (r->ntokens < 2) r->error = MC_ERR_UNKNOWN;
    else if (r->ntokens < 3 || t[1].len > MC_KEY_MAX) r->error = MC_ERR_FORMAT;
    else if (r->ntokens > MC_META_TOKENS_MAX) r->error = MC_ERR_TOO_MANY;
    else if (mc_parse_i32(buf + t[2].off, t[2].len, &r->vlen) != 0 || r->vlen < 0 || r->vlen > INT_MAX - 2)
        r->error = MC_ERR_FORMAT;
    if (r->error) {
        p->pos = p->line_end;
        p->done = 1;
        return MC_OK;
    }
    uint32_t flags;
    size_t klen = mc_ms_key_len(buf, r, &flags);
    return mc_frame_data(p, buf, len, mc_item_size(klen, flags, r->vlen), lim->item_size_max);
}

/* Unauthenticated connection: only "set <key> <flags> <exptime> <bytes>" with a
 * "username password" block is understood (memcached's -Y convention). */
static int mc_parse_auth(struct mc_parser *p, const char *buf, size_t len) {
    struct mc_request *r = &p->req;
    uint32_t size;
    if (r->ntokens < 5 || !tok_is(buf, &r->tok[0], "set") || mc_parse_u32(buf + r->tok[4].off, r->tok[4].len, &size) != 0) {
        r->error = MC_ERR_UNAUTH;
        p->pos = p->line_end;
        p->done = 1;
        return MC_OK;
    }
    if (size > MC_AUTH_DATA_MAX) return MC_CLOSE;
    r->command = MC_CMD_AUTH;
    r->vlen = (int32_t)size;
    size_t need = p->line_end + size + 2;
    if (len < need) {
        p->need_total = need;
        return MC_NEED_MORE;
    }
    r->data_off = p->line_end;
    r->data_len = size;
    p->pos = need;
    p->done = 1;
    return MC_OK;
}

int mc_parse(struct mc_parser *p, const struct mc_limits *lim, const char *buf, size_t len) {
    if (p->done) return MC_OK;
    struct mc_request *r = &p->req;
    if (!p->line_end) {
        const char *nl = p->scan < len ? memchr(buf + p->scan, '\n', len - p->scan) : NULL;
        size_t line_len = nl ? (size_t)(nl - buf) : len;
        if (line_len > MC_LINE_MAX) {
            if (lim->auth_pending || !mc_is_get_prefix(buf, line_len)) return MC_CLOSE;
            if (line_len > lim->max_get_line) return MC_CLOSE;
        }
        if (!nl) {
            p->scan = len;
            p->need_total = 0;
            return MC_NEED_MORE;
        }
        p->line_end = line_len + 1;
        size_t end = line_len;
        if (end > 1 && buf[end - 1] == '\r') end--;
        const char *nul = memchr(buf, '\0', end);
        if (nul) end = (size_t)(nul - buf);
        r->ntokens = 0;
        mc_tokenize(p, buf, end);
        r->tok = p->toks;
    }
    r->tok = p->toks; /* the array may have moved since the line was split */
    if (r->ntokens == 0 || r->tok[0].len < 2) {
        if (lim->auth_pending) r->error = MC_ERR_UNAUTH;
        else r->error = MC_ERR_UNKNOWN;
        p->pos = p->line_end;
        p->done = 1;
        return MC_OK;
    }
    if (lim->auth_pending) return mc_parse_auth(p, buf, len);
    int close;
    r->command = mc_classify(buf, r, &close);
    if (close) return MC_CLOSE;
    if (r->command == MC_CMD_NONE || !mc_arity_ok(r->command, r->ntokens)) {
        r->error = MC_ERR_UNKNOWN;
    } else if (r->command >= MC_CMD_SET && r->command <= MC_CMD_CAS) {
        return mc_parse_storage(p, lim, buf, len);
    } else if (r->command == MC_CMD_MS) {
        return mc_parse_ms(p, lim, buf, len);
    } else if (r->command == MC_CMD_MG || r->command == MC_CMD_MD || r->command == MC_CMD_MA) {
        if (r->ntokens < 2) r->error = MC_ERR_UNKNOWN;
        else if (r->ntokens > MC_META_TOKENS_MAX) r->error = MC_ERR_TOO_MANY;
    }
    p->pos = p->line_end;
    p->done = 1;
    return MC_OK;
}

/* ---- base64 ---- */

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

long mc_base64_decode(const char *in, size_t len, unsigned char *out) {
    if (len % 4 != 0) return -1;
    long n = 0;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)in[i + k];
            if (c == '=' && k >= 2) {
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad) return -1; /* data after padding inside a group */
            v[k] = b64_val(c);
            if (v[k] < 0) return -1;
        }
        uint32_t w = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) | (uint32_t)v[3];
        out[n++] = (unsigned char)(w >> 16);
        if (pad < 2) out[n++] = (unsigned char)(w >> 8);
        if (pad < 1) out[n++] = (unsigned char)w;
        if (pad) break; /* a padded group ends the value */
    }
    return n;
}

size_t mc_base64_encode(const unsigned char *in, size_t len, char *out) {
    size_t n = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t w = (uint32_t)in[i] << 16;
        size_t left = len - i;
        if (left > 1) w |= (uint32_t)in[i + 1] << 8;
        if (left > 2) w |= in[i + 2];
        out[n++] = b64_chars[(w >> 18) & 63];
        out[n++] = b64_chars[(w >> 12) & 63];
        out[n++] = left > 1 ? b64_chars[(w >> 6) & 63] : '=';
        out[n++] = left > 2 ? b64_chars[w & 63] : '=';
    }
    return n;
}
