/* memcache.h — incremental request parser for memcached's text protocol (the classic
 * commands and the meta commands), memcached 1.6's framing rules.
 *
 * A pure function over (limits, state, buffer), like resp.h: no I/O, no replies, no
 * server headers. The caller passes the bytes of the current request starting at its
 * first byte; the parser remembers how far it searched (p->scan), so a request that
 * arrives one byte at a time is never rescanned. A request is a command line (ended by
 * "\n", an optional "\r" before it stripped) and, for the storage commands (set add
 * replace append prepend cas, ms), a data block of the declared length plus "\r\n".
 * Tokens are offsets into the request (the buffer may move between calls).
 *
 * The parser frames and validates only what framing depends on, in memcached's order:
 * for storage lines the key length, flags, exptime, byte count and item size decide
 * whether a data block follows, so they are checked here and reported in the request;
 * every other command's arguments are the command layer's business (src/mc/).
 * A value over the item size limit is not buffered: the request reports it and
 * `swallow` bytes of input that the caller must discard as they arrive.
 *
 * Ownership: the parser owns its token array (grown with the tokens of a long multi-get,
 * never sized by a declared count); mc_parser_free releases it. */
#ifndef WARDEN_MEMCACHE_H
#define WARDEN_MEMCACHE_H
#include <stddef.h>
#include <stdint.h>

#define MC_KEY_MAX 250         /* longest key memcached accepts */
#define MC_LINE_MAX 2048       /* a command line still without "\n" after this many bytes is garbage... */
#define MC_LEADING_SPACE_MAX 100 /* ...unless it is a get/gets with at most this much indent */
#define MC_META_TOKENS_MAX 19  /* a meta command line holds at most this many tokens */
#define MC_AUTH_DATA_MAX 4096  /* longest "username password" block of the authentication set */

enum mc_status {
    MC_OK = 0,     /* a complete request of p->pos bytes (see p->req) */
    MC_NEED_MORE,  /* incomplete: call again with more bytes from the same start */
    MC_CLOSE,      /* garbage memcached answers by closing the connection */
};

enum mc_command {
    MC_CMD_NONE = 0, /* unknown command: reply "ERROR" */
    MC_CMD_GET, MC_CMD_GETS, MC_CMD_GAT, MC_CMD_GATS,
    MC_CMD_SET, MC_CMD_ADD, MC_CMD_REPLACE, MC_CMD_APPEND, MC_CMD_PREPEND, MC_CMD_CAS,
    MC_CMD_INCR, MC_CMD_DECR, MC_CMD_DELETE, MC_CMD_TOUCH,
    MC_CMD_FLUSH_ALL, MC_CMD_VERSION, MC_CMD_VERBOSITY, MC_CMD_STATS, MC_CMD_QUIT, MC_CMD_SHUTDOWN,
    MC_CMD_MG, MC_CMD_MS, MC_CMD_MD, MC_CMD_MA, MC_CMD_MN, MC_CMD_ME,
    MC_CMD_AUTH, /* the authentication set of an unauthenticated connection */
    MC_CMD_COUNT
};

/* What the framing found wrong with a request (the command layer writes the reply). */
enum mc_error {
    MC_ERR_NONE = 0,
    MC_ERR_UNKNOWN,      /* "ERROR": unknown command, or a token count memcached refuses */
    MC_ERR_FORMAT,       /* "CLIENT_ERROR bad command line format" (no data block consumed) */
    MC_ERR_TOO_MANY,     /* meta line with too many tokens (no data block consumed) */
    MC_ERR_UNAUTH,       /* unauthenticated connection, not an authentication set */
};

struct mc_limits {
    long long item_size_max; /* item-size-max: a bigger item is refused (and swallowed) */
    size_t max_get_line;     /* longest get/gets line (memcached bounds it only by memory) */
    int auth_pending;        /* 1: only the authentication set is understood */
};

struct mc_token {
    size_t off, len; /* from the start of the request */
};

/* One parsed request (valid after MC_OK until mc_parser_reset). */
struct mc_request {
    int command;           /* enum mc_command */
    int error;             /* enum mc_error */
    int ntokens;           /* tokens of the command line, the command name first */
    struct mc_token *tok;  /* points into the parser's array */
    /* storage commands (text and ms): */
    int noreply;           /* text storage: last token was "noreply" */
    uint32_t flags;        /* text storage: client flags (memcached truncates to 32 bits) */
    int32_t exptime;       /* text storage: as sent (memcached truncates to 32 bits) */
    int32_t vlen;          /* declared value length */
    uint64_t cas;          /* cas: the unique to compare */
    size_t data_off;       /* the value: data_len bytes at data_off (when !too_large) */
    size_t data_len;
    int bad_chunk;         /* the vlen+2 bytes after the line did not end with "\r\n" */
    int too_large;         /* the item would exceed item_size_max: value not read... */
    long long swallow;     /* ...and this many bytes after the request must be discarded */
};

struct mc_parser {
    size_t pos;               /* bytes of this request (valid after MC_OK) */
    size_t scan;              /* how far the search for the line's "\n" got */
    size_t line_end;          /* offset of "\n" + 1, once found (0 before) */
    int done;                 /* the request is complete (parsing it again returns MC_OK) */
    size_t need_total;        /* hint: request bytes needed to progress (0 = unknown) */
    struct mc_request req;
    struct mc_token *toks;    /* owned */
    int toks_cap;
};

void mc_parser_init(struct mc_parser *p);
void mc_parser_reset(struct mc_parser *p); /* ready for the next request; keeps token storage */
void mc_parser_free(struct mc_parser *p);
/* Parse the request at buf[0..len). See enum mc_status. */
int mc_parse(struct mc_parser *p, const struct mc_limits *lim, const char *buf, size_t len);

/* memcached's number parsers (its safe_strto* on a token): optional leading whitespace,
 * optional sign, decimal digits, then the end of the token or whitespace. Return 0 and
 * write *out, or -1. */
int mc_parse_i32(const char *p, size_t len, int32_t *out);   /* strtol, then truncated to 32 bits */
int mc_parse_u32(const char *p, size_t len, uint32_t *out);  /* strtoul, then truncated to 32 bits */
int mc_parse_u64(const char *p, size_t len, uint64_t *out);  /* strtoull; "-N" refused unless it wraps to >= 0 */
/* The item size memcached checks against its limit (header, key, flags, value, CRLF). */
long long mc_item_size(size_t klen, uint32_t flags, long long vlen);

/* Base64 (RFC 4648, padded) for the meta commands' binary keys. Decode: the input must be
 * whole 4-character groups; decoding stops after a padded group. Returns the decoded length
 * or -1. out needs len/4*3 bytes. Encode: returns the length written (out needs
 * (len+2)/3*4 bytes). */
long mc_base64_decode(const char *in, size_t len, unsigned char *out);
size_t mc_base64_encode(const unsigned char *in, size_t len, char *out);
#endif
