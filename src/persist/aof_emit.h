/* aof_emit.h — commands in the AOF's byte form (RESP multibulk, as Redis writes them):
 *   *<argc>\r\n  then per argument  $<len>\r\n<bytes>\r\n
 * A small growable buffer builds records (aof.c) and the command form of whole values
 * (an AOF base written without RDB preamble: SET, RPUSH, HSET ... then PEXPIREAT). */
#ifndef WARDEN_AOF_EMIT_H
#define WARDEN_AOF_EMIT_H
#include "db/entry.h"
#include "persist/pstream.h"
#include <stddef.h>

struct abuf {
    unsigned char *p;
    size_t len, cap;
};
void abuf_init(struct abuf *b);
void abuf_free(struct abuf *b);
void abuf_put(struct abuf *b, const void *p, size_t n);
void abuf_cmd(struct abuf *b, long long argc);       /* *<argc>\r\n */
void abuf_arg(struct abuf *b, const void *p, size_t n); /* $<n>\r\n<bytes>\r\n */
void abuf_arg_ll(struct abuf *b, long long v);

/* SELECT <dbid> */
int aof_emit_select(struct pstream *s, int dbid);
/* The commands that rebuild e (and its TTL). 0 or -1 (stream failed). */
int aof_emit_entry(struct pstream *s, const entry *e);
#endif
