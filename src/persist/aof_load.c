/* aof_load.c — replaying AOF command files: RESP multibulk records (the request parser
 * of proto/resp.h, with the server's bulk limit), "#..." annotation lines (Redis's
 * #TS timestamps) skipped, MULTI ... EXEC applied as a unit, SELECT switching the db.
 * Each command runs through its table row's proc on a stand-in client, with the
 * command clock pinned near the epoch so nothing expires while history replays (keys
 * whose time has passed are removed by expiry once the server runs, as in Redis).
 *
 * A file that ends inside a record is "truncated": aof_load_commands reports where the
 * last complete record ended, so the caller can apply aof-load-truncated. Any other
 * malformed input stops the load with the file offset in the message. */
#include "persist/aof_load.h"
#include "client.h"
#include "cmd/table.h"
#include "config.h"
#include "db/db.h"
#include "proto/resp.h"
#include "util/alloc.h"
#include "util/log.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define AOF_READ_CHUNK (64 * 1024)
#define AOF_REPLAY_CLOCK_MS 1 /* "now" during replay: no key is expired yet */

struct queued {
    int argc;
    char **argv;
    size_t *lens;
};

static void queued_free(struct queued *q, int n) {
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < q[i].argc; k++) wfree(q[i].argv[k]);
        wfree(q[i].argv);
        wfree(q[i].lens);
    }
}

/* Run one command on the stand-in client. Returns 0, or -1 with err. */
static int aof_exec(struct aof_replay *r, int argc, char **argv, size_t *lens, char *err, size_t errlen) {
    if (r->dry_run) {
        r->commands++;
        return 0;
    }
    struct command *cmd = command_lookup(argv[0], lens[0]);
    if (cmd && cmd->subcommands && argc > 1) cmd = command_lookup_sub(cmd, argv[1], lens[1]);
    if (!cmd || !cmd->proc) {
        snprintf(err, errlen, "Unknown command '%.*s' reading the append only file", (int)(lens[0] > 64 ? 64 : lens[0]),
                 argv[0]);
        return -1;
    }
    if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity)) {
        snprintf(err, errlen, "Wrong number of arguments for '%s' reading the append only file", cmd->fullname);
        return -1;
    }
    struct client c;
    memset(&c, 0, sizeof(c));
    c.fd = -1;
    c.resp = 2;
    c.authenticated = 1;
    reply_init(&c.out);
    c.out.resp = 2;
    atomic_store_explicit(&c.dbid, r->dbid, memory_order_relaxed);
    c.db = db_get(r->dbid);
    struct arg av[64], *args = argc <= 64 ? av : wmalloc(sizeof(struct arg) * (size_t)argc);
    for (int i = 0; i < argc; i++) {
        args[i].ptr = argv[i];
        args[i].len = lens[i];
    }
    c.argc = argc;
    c.argv = args;
    atomic_store_explicit(&c.last_cmd, cmd, memory_order_relaxed);
    db_set_command_time(AOF_REPLAY_CLOCK_MS);
    cmd->proc(&c);
    db_set_command_time(0);
    /* SELECT is the one command whose effect is on the client */
    int newdb = atomic_load_explicit(&c.dbid, memory_order_relaxed);
    if (newdb >= 0 && newdb < db_count()) r->dbid = newdb;
    if (c.out.errors && r->errors++ < 5)
        log_warning("The AOF holds a command that failed when replayed: %s", cmd->fullname);
    reply_free(&c.out);
    if (args != av) wfree(args);
    r->commands++;
    return 0;
}

int aof_load_commands(struct pstream *s, struct aof_replay *r, uint64_t *valid_end, int *truncated, char *err,
                      size_t errlen) {
    struct resp_parser p;
    resp_parser_init(&p);
    struct resp_limits lim = {.max_bulk_len = server_config.proto_max_bulk_len,
                              .max_multibulk = 1024 * 1024,
                              .max_inline = 64 * 1024,
                              .unauthenticated = 0};
    char *buf = NULL;
    size_t len = 0, cap = 0, start = 0; /* unparsed bytes are buf[start, len) */
    uint64_t consumed = s->offset;      /* stream offset of buf[start] */
    int eof = 0, rc = 0;
    struct queued *multi = NULL;
    int nmulti = 0, in_multi = 0;
    *truncated = 0;
    *valid_end = consumed;
    for (;;) {
        /* an annotation line (#TS:...) at a record boundary */
        if (start < len && buf[start] == '#') {
            char *nl = memchr(buf + start, '\n', len - start);
            if (nl) {
                size_t n = (size_t)(nl - (buf + start)) + 1;
                start += n;
                consumed += n;
                if (!in_multi) *valid_end = consumed;
                continue;
            }
        }
        int st = RESP_NEED_MORE;
        const char *perr = NULL;
        if (start < len) {
            if (buf[start] != '*' && buf[start] != '#') {
                snprintf(err, errlen, "Bad file format reading the append only file at offset %llu",
                         (unsigned long long)consumed);
                rc = -1;
                break;
            }
            if (buf[start] == '*') st = resp_parse(&p, &lim, buf + start, len - start, &perr);
        }
        if (st == RESP_ERROR) {
            snprintf(err, errlen, "Bad file format reading the append only file at offset %llu: %s",
                     (unsigned long long)consumed, perr);
            rc = -1;
            break;
        }
        if (st == RESP_EMPTY) {
            start += p.pos;
            consumed += p.pos;
            resp_parser_reset(&p);
            continue;
        }
        if (st == RESP_NEED_MORE) {
            if (eof) {
                if (start < len || in_multi) *truncated = 1;
                break;
            }
            /* compact, then read more (at least what the parser says it needs) */
            if (start > 0) {
                memmove(buf, buf + start, len - start);
                len -= start;
                start = 0;
            }
            size_t want = len + AOF_READ_CHUNK;
            if (p.need_total > want) want = p.need_total;
            if (want > cap) {
                cap = want;
                buf = wrealloc(buf, cap);
            }
            long long got = ps_read_some(s, buf + len, cap - len);
            if (got < 0) {
                snprintf(err, errlen, "%s", s->error);
                rc = -1;
                break;
            }
            if (got == 0) eof = 1;
            len += (size_t)got;
            continue;
        }
        /* a complete command */
        int argc = p.argc;
        char **argv = wmalloc(sizeof(char *) * (size_t)argc);
        size_t *lens = wmalloc(sizeof(size_t) * (size_t)argc);
        for (int i = 0; i < argc; i++) {
            argv[i] = wmemdup(buf + start + p.args[i].off, p.args[i].len);
            lens[i] = p.args[i].len;
        }
        start += p.pos;
        consumed += p.pos;
        resp_parser_reset(&p);
        int is_multi = lens[0] == 5 && !strncasecmp(argv[0], "MULTI", 5);
        int is_exec = lens[0] == 4 && !strncasecmp(argv[0], "EXEC", 4);
        if (is_multi) {
            in_multi = 1;
            queued_free(&(struct queued){argc, argv, lens}, 1);
            continue;
        }
        if (in_multi && !is_exec) {
            multi = wrealloc(multi, sizeof(*multi) * (size_t)(nmulti + 1));
            multi[nmulti++] = (struct queued){argc, argv, lens};
            continue;
        }
        if (is_exec) {
            queued_free(&(struct queued){argc, argv, lens}, 1);
            for (int i = 0; i < nmulti && rc == 0; i++)
                rc = aof_exec(r, multi[i].argc, multi[i].argv, multi[i].lens, err, errlen);
            queued_free(multi, nmulti);
            nmulti = 0;
            in_multi = 0;
            if (rc) break;
            *valid_end = consumed;
            continue;
        }
        rc = aof_exec(r, argc, argv, lens, err, errlen);
        queued_free(&(struct queued){argc, argv, lens}, 1);
        if (rc) break;
        *valid_end = consumed;
    }
    if (in_multi && rc == 0) {
        /* a transaction cut short: none of it is applied */
        log_warning("Revert incomplete MULTI/EXEC transaction in AOF file");
        *truncated = 1;
    }
    queued_free(multi, nmulti);
    wfree(multi);
    wfree(buf);
    resp_parser_free(&p);
    return rc;
}
