/* fuzz_semantic.c — the "semantic" fuzzer: a whole command stream through the real
 * request path (resp_parse → dispatch_command → command procs → the sharded keyspace)
 * of an in-process server (configuration defaults, 16 databases, the command table, the
 * default user), with one fake client whose replies collect in its reply buffer.
 *
 * The input is what a client would send (inline or multibulk requests, pipelined; the
 * dictionary holds command names and options). Checked for any input:
 *   - no crash, sanitizer report, leak (the keyspace and client are freed per input) or
 *     hang;
 *   - every command produces exactly one well-formed reply (none while CLIENT REPLY
 *     mutes it), in RESP2 unless the client switched to RESP3 with HELLO;
 *   - afterwards, in every database: DBSIZE equals the number of entries stored, KEYS *
 *     and a full SCAN return each key exactly as the store has it (SCAN may repeat a key,
 *     never miss or invent one), and TYPE/EXISTS agree with the store.
 * Commands that cannot run in a process without sockets and threads, or that would only
 * stop the fuzzer (admin commands: SHUTDOWN, DEBUG, CONFIG SET...; blocking and pub/sub
 * commands, scripts, WAIT), are answered with an error by the harness instead of run. */
#include "client.h"
#include "cmd/dispatch.h"
#include "fuzz_env.h"
#include "net/worker.h"
#include "proto/resp.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COMMANDS 256

static struct worker fake_worker;
static int trace; /* FUZZ_TRACE=1: print each command's reply (to read what an input does) */
/* Databases an input may have written to: the client's current one during any command,
 * and any number in an argument (MOVE k 5, COPY ... DB 5, SWAPDB 0 5). Only these are
 * checked and flushed afterwards: walking all 16 x 256 shards per input would cost more
 * than the commands themselves. */
static unsigned char touched[256];

static void mark_touched(const struct client *c) {
    touched[atomic_load(&c->dbid) & 255] = 1;
    for (int i = 1; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        if (a->len == 0 || a->len > 3) continue;
        int v = 0, ok = 1;
        for (size_t k = 0; k < a->len; k++) {
            if (a->ptr[k] < '0' || a->ptr[k] > '9') ok = 0;
            else v = v * 10 + (a->ptr[k] - '0');
        }
        if (ok && v < 256) touched[v] = 1;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_env_init();
    /* Redis's limit is 512 MB per string: one SETRANGE far out would spend the fuzzer's
     * memory on zeros. A small limit keeps every value (and LCS's table) small. */
    server_config.proto_max_bulk_len = 4096;
    lockset_init(&fake_worker.locks);
    trace = getenv("FUZZ_TRACE") != NULL;
    return 0;
}

/* ---- reply checking ---- */

/* Parse one RESP value at b[*pos..len); returns 0 when it is complete and well formed.
 * resp2: only RESP2's types are allowed. */
static int reply_value(const char *b, size_t len, size_t *pos, int resp2, int depth) {
    if (depth > 32 || *pos >= len) return -1;
    char t = b[*pos];
    size_t s = *pos + 1, e = s;
    while (e + 1 < len && !(b[e] == '\r' && b[e + 1] == '\n')) e++;
    if (e + 1 >= len) return -1;
    for (size_t i = s; i < e; i++)
        if (b[i] == '\r' || b[i] == '\n') return -1;
    *pos = e + 2;
    long long n = 0;
    int neg = 0, digits = 0;
    if (strchr(":$*%~>|=!(", t)) {
        size_t i = s;
        if (i < e && b[i] == '-') neg = 1, i++;
        unsigned long long u = 0;
        for (; i < e; i++) {
            if (b[i] < '0' || b[i] > '9') return -1;
            /* a 64-bit integer at most (big numbers, '(', may be longer) */
            if (t != '(' && (__builtin_mul_overflow(u, 10, &u) || __builtin_add_overflow(u, (unsigned)(b[i] - '0'), &u)))
                return -1;
            digits++;
        }
        if (!digits) return -1;
        if (t != '(' && u > (neg ? 1ULL << 63 : (1ULL << 63) - 1)) return -1;
        n = t == '(' || u > (1ULL << 62) ? 1LL << 62 : (long long)u; /* the value matters for lengths only */
        if (strchr("$*%~>|=!", t) && n > (1LL << 32)) return -1; /* no length or count that large here */
    }
    if (resp2 && !strchr("+-:$*", t)) return -1;
    switch (t) {
    case '+':
    case '-':
    case ':':
    case '(':
        return 0;
    case ',':
        return e > s ? 0 : -1;
    case '#':
        return e == s + 1 && (b[s] == 't' || b[s] == 'f') ? 0 : -1;
    case '_':
        return e == s ? 0 : -1;
    case '$':
    case '=':
    case '!':
        if (neg) return t == '$' && n == 1 && resp2 ? 0 : -1; /* RESP2's null bulk */
        if ((size_t)n > len - *pos || len - *pos - (size_t)n < 2) return -1;
        if (b[*pos + (size_t)n] != '\r' || b[*pos + (size_t)n + 1] != '\n') return -1;
        *pos += (size_t)n + 2;
        return 0;
    case '*':
    case '%':
    case '~':
    case '>':
    case '|':
        if (neg) return t == '*' && n == 1 && resp2 ? 0 : -1; /* RESP2's null array */
        if (t == '%' || t == '|') n *= 2;
        for (long long i = 0; i < n; i++)
            if (reply_value(b, len, pos, resp2, depth + 1) != 0) return -1;
        if (t == '|') return reply_value(b, len, pos, resp2, depth + 1); /* the attributed value */
        return 0;
    default:
        return -1;
    }
}

/* The pending reply bytes as one wmalloc'd buffer (consumed from the client). */
static char *take_reply(struct client *c, size_t *len) {
    size_t n = c->out.pending, at = 0;
    char *buf = wmalloc(n ? n : 1);
    for (struct reply_block *b = c->out.head; b; b = b->next) {
        memcpy(buf + at, b->data + b->start, b->used - b->start);
        at += b->used - b->start;
    }
    REQUIRE(at == n);
    reply_consume(&c->out, n);
    *len = n;
    return buf;
}

/* How many complete values buf holds (-1 if anything is malformed). */
static int count_replies(const char *buf, size_t len, int resp2) {
    size_t pos = 0;
    int n = 0;
    while (pos < len) {
        if (reply_value(buf, len, &pos, resp2, 0) != 0) return -1;
        n++;
    }
    return n;
}

/* ---- the client ---- */

static struct client *client_new(void) {
    struct client *c = wcalloc(1, sizeof(*c));
    c->id = 1;
    c->fd = -1;
    c->worker = &fake_worker;
    c->resp = 2;
    reply_init(&c->out);
    resp_parser_init(&c->parser);
    c->db = db_get(0);
    snprintf(c->addr, sizeof(c->addr), "127.0.0.1:40000");
    snprintf(c->laddr, sizeof(c->laddr), "127.0.0.1:6379");
    atomic_store(&c->flags, CLIENT_LOOPBACK);
    dispatch_client_created(c);
    return c;
}

static void client_free(struct client *c) {
    client_reset_state(c);
    dispatch_client_closing(c);
    reply_free(&c->out);
    resp_parser_free(&c->parser);
    wfree(c->argv);
    wfree(c->name);
    wfree(c->lib_name);
    wfree(c->lib_ver);
    wfree(c);
}

static void client_set_args(struct client *c, char *base) {
    struct resp_parser *p = &c->parser;
    if (c->argv_cap < p->argc) {
        c->argv_cap = p->argc;
        c->argv = wrealloc(c->argv, (size_t)c->argv_cap * sizeof(struct arg));
    }
    for (int i = 0; i < p->argc; i++) {
        c->argv[i].ptr = base + p->args[i].off;
        c->argv[i].len = p->args[i].len;
    }
    c->argc = p->argc;
}

/* May this command run in-process? (See the file comment.) */
static int runnable(struct client *c) {
    static const char *const never[] = {"wait",   "waitaof", "eval",     "evalsha", "eval_ro", "evalsha_ro",
                                        "fcall",  "fcall_ro", "function", "script",  "monitor", "sync",
                                        "psync",  "subscribe", "psubscribe", "ssubscribe", NULL};
    const struct command *cmd = command_lookup(c->argv[0].ptr, c->argv[0].len);
    if (!cmd) return 1; /* unknown: dispatch answers the error */
    for (int i = 0; never[i]; i++)
        if (!strcasecmp(cmd->name, never[i])) return 0;
    if (cmd->flags & (CMD_ADMIN | CMD_BLOCKING | CMD_PUBSUB)) return 0;
    if (cmd->subcommands && c->argc > 1) {
        const struct command *sub = command_lookup_sub(cmd, c->argv[1].ptr, c->argv[1].len);
        if (sub && (sub->flags & (CMD_ADMIN | CMD_BLOCKING | CMD_PUBSUB))) return 0;
    }
    return 1;
}

/* Run the command in c->argv and check its reply. */
static void run_checked(struct client *c) {
    int mute = CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT;
    int muted_before = atomic_load(&c->flags) & mute;
    mark_touched(c);
    if (runnable(c)) dispatch_command(c);
    else reply_error(&c->out, "ERR not run by the fuzzer");
    touched[atomic_load(&c->dbid) & 255] = 1;
    int muted_after = atomic_load(&c->flags) & mute;
    size_t len;
    char *buf = take_reply(c, &len);
    int n = count_replies(buf, len, c->resp == 2);
    if (trace) fprintf(stderr, "%.*s -> %.*s\n", (int)c->argv[0].len, c->argv[0].ptr, (int)(len > 200 ? 200 : len), buf);
    REQUIRE(n >= 0);                            /* well formed, right protocol */
    if (muted_before || muted_after) REQUIRE(n <= 1);
    else REQUIRE(n == 1);                       /* one reply per command */
    wfree(buf);
}

/* Run a command built here (argv of C strings) and return its reply (wfree it). */
static char *run_internal(struct client *c, int argc, const char **argv, size_t *len) {
    struct arg args[8];
    struct arg *saved = c->argv;
    int saved_argc = c->argc;
    for (int i = 0; i < argc; i++) {
        args[i].ptr = (char *)argv[i];
        args[i].len = strlen(argv[i]);
    }
    c->argv = args;
    c->argc = argc;
    dispatch_command(c);
    c->argv = saved;
    c->argc = saved_argc;
    return take_reply(c, len);
}

/* ---- keyspace invariants ---- */

struct key_list {
    char **keys;
    size_t *lens;
    int n, cap;
    long long expire_before; /* entries expiring before this count as maybe gone */
    int maybe_gone;
};

static void key_list_add(struct key_list *l, const char *k, size_t len) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->keys = wrealloc(l->keys, (size_t)l->cap * sizeof(char *));
        l->lens = wrealloc(l->lens, (size_t)l->cap * sizeof(size_t));
    }
    l->keys[l->n] = wmalloc(len + 1);
    memcpy(l->keys[l->n], k, len);
    l->keys[l->n][len] = '\0';
    l->lens[l->n] = len;
    l->n++;
}

static void key_list_free(struct key_list *l) {
    for (int i = 0; i < l->n; i++) wfree(l->keys[i]);
    wfree(l->keys);
    wfree(l->lens);
    memset(l, 0, sizeof(*l));
}

static int key_list_find(const struct key_list *l, const char *k, size_t len) {
    for (int i = 0; i < l->n; i++)
        if (l->lens[i] == len && memcmp(l->keys[i], k, len) == 0) return i;
    return -1;
}

static void collect_entry(void *priv, entry *e) {
    struct key_list *l = priv;
    key_list_add(l, entry_key(e), entry_keylen(e));
    if (entry_has_expire(e)) l->maybe_gone = 1;
}

/* Bulk strings of an array reply "*N\r\n$L\r\n...": appended to l; returns N or -1. */
static int parse_key_array(const char *b, size_t len, size_t *pos, struct key_list *l) {
    if (*pos >= len || b[*pos] != '*') return -1;
    char *end;
    long n = strtol(b + *pos + 1, &end, 10);
    *pos = (size_t)(end - b) + 2;
    for (long i = 0; i < n; i++) {
        REQUIRE(*pos < len && b[*pos] == '$');
        long kl = strtol(b + *pos + 1, &end, 10);
        *pos = (size_t)(end - b) + 2;
        REQUIRE(kl >= 0 && *pos + (size_t)kl + 2 <= len);
        key_list_add(l, b + *pos, (size_t)kl);
        *pos += (size_t)kl + 2;
    }
    return (int)n;
}

static void check_db(struct client *c, int dbid) {
    struct db *db = db_get(dbid);
    struct key_list stored = {0};
    db_walk_all(db, collect_entry, &stored);
    REQUIRE(db_size_all(db) == stored.n); /* DBSIZE counts exactly the stored entries */
    if (stored.n == 0) {
        key_list_free(&stored);
        return;
    }
    char num[16];
    snprintf(num, sizeof(num), "%d", dbid);
    size_t len;
    const char *sel[] = {"SELECT", num};
    wfree(run_internal(c, 2, sel, &len));

    /* a full SCAN: nothing invented; every key that cannot have expired meanwhile seen */
    struct key_list scanned = {0};
    char cursor[32] = "0";
    int rounds = 0;
    do {
        const char *scan[] = {"SCAN", cursor, "COUNT", "50"};
        char *r = run_internal(c, 4, scan, &len);
        size_t pos = 0;
        REQUIRE(len > 4 && memcmp(r, "*2\r\n$", 5) == 0);
        char *end;
        long cl = strtol(r + 5, &end, 10);
        pos = (size_t)(end - r) + 2;
        REQUIRE(cl > 0 && cl < (long)sizeof(cursor) && pos + (size_t)cl + 2 <= len);
        memcpy(cursor, r + pos, (size_t)cl);
        cursor[cl] = '\0';
        pos += (size_t)cl + 2;
        REQUIRE(parse_key_array(r, len, &pos, &scanned) >= 0);
        REQUIRE(pos == len);
        wfree(r);
        REQUIRE(++rounds < 100000);
    } while (strcmp(cursor, "0") != 0);
    for (int i = 0; i < scanned.n; i++) REQUIRE(key_list_find(&stored, scanned.keys[i], scanned.lens[i]) >= 0);
    struct key_list keys = {0};
    const char *kcmd[] = {"KEYS", "*"};
    char *r = run_internal(c, 2, kcmd, &len);
    size_t pos = 0;
    REQUIRE(parse_key_array(r, len, &pos, &keys) >= 0 && pos == len);
    wfree(r);
    for (int i = 0; i < keys.n; i++) REQUIRE(key_list_find(&stored, keys.keys[i], keys.lens[i]) >= 0);
    if (!stored.maybe_gone) {
        /* no TTLs: SCAN and KEYS return exactly the stored keys */
        REQUIRE(keys.n == stored.n);
        for (int i = 0; i < stored.n; i++) {
            REQUIRE(key_list_find(&scanned, stored.keys[i], stored.lens[i]) >= 0);
            const char *ex[] = {"EXISTS", stored.keys[i]};
            if (strlen(stored.keys[i]) != stored.lens[i]) continue; /* binary key: C-string argv cannot name it */
            r = run_internal(c, 2, ex, &len);
            REQUIRE(len == 4 && memcmp(r, ":1\r\n", 4) == 0);
            wfree(r);
        }
    }
    key_list_free(&keys);
    key_list_free(&scanned);
    key_list_free(&stored);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 64 * 1024) return 0;
    char *buf = wmalloc(size ? size : 1); /* exact size; the inline parser writes in place */
    memcpy(buf, data, size);
    struct client *c = client_new();
    touched[0] = 1;
    struct resp_limits lim = {.max_bulk_len = 4096, .max_multibulk = 1024, .max_inline = 4096, .unauthenticated = 0};
    size_t off = 0;
    int commands = 0;
    while (off < size && commands < MAX_COMMANDS) {
        if (atomic_load(&c->flags) & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP)) break;
        const char *err;
        int st = resp_parse(&c->parser, &lim, buf + off, size - off, &err);
        if (st == RESP_NEED_MORE || st == RESP_ERROR) break;
        if (st == RESP_OK) {
            client_set_args(c, buf + off);
            run_checked(c);
            commands++;
        }
        off += c->parser.pos;
        resp_parser_reset(&c->parser);
    }
    /* the checks below run as a fresh RESP2 client with replies on */
    client_free(c);
    c = client_new();
    db_active_expire_cycle(50); /* a short pass: it is time-bound */
    for (int d = 0; d < db_count(); d++)
        if (touched[d]) check_db(c, d);
    client_free(c);
    /* every 64th input, make sure the untouched dbs really are empty (the guess above
     * must never let keys leak into the next input) */
    static unsigned inputs;
    int verify = (inputs++ & 63) == 0;
    for (int d = 0; d < db_count(); d++) {
        if (touched[d]) db_flush(db_get(d), 0);
        else if (verify) REQUIRE(db_size_all(db_get(d)) == 0);
        touched[d] = 0;
    }
    wfree(buf);
    return 0;
}
