/* zset_cmd.h — shared between the sorted-set command files (private to cmd/):
 *   zset_cmd.c     single-key commands (ZADD ... ZSCAN), pops and blocking pops, and the
 *                  family's command table;
 *   zrange_cmd.c   the ZRANGE family, ZRANGESTORE, range-argument parsing;
 *   zsetop_cmd.c   ZUNION / ZINTER / ZDIFF, their STORE forms, ZINTERCARD. */
#ifndef WARDEN_ZSET_CMD_H
#define WARDEN_ZSET_CMD_H
#include "client.h"
#include "core/skiplist.h"
#include "db/entry.h"

/* Find key as a sorted set: NULL when missing (*wrong = 0) or of another type
 * (*wrong = 1, WRONGTYPE already replied). write: lookup without hit/miss stats. */
entry *zcmd_find(struct client *c, const struct arg *key, int write, int *wrong);
/* Delete key with its "del" event if the set became empty. */
void zcmd_delete_if_empty(struct client *c, const struct arg *key, entry *e);
/* Range arguments. Return 0, or -1 after replying Redis's error. Lex bounds point
 * into the arguments. */
int zcmd_parse_score_range(struct client *c, const struct arg *min, const struct arg *max, zrange_score *r);
int zcmd_parse_lex_range(struct client *c, const struct arg *min, const struct arg *max, zrange_lex *r);
/* One (member, score) of a WITHSCORES reply: RESP3 a 2-element array with a double,
 * RESP2 two flat bulk strings. */
void zcmd_reply_pair(struct client *c, const char *m, size_t len, double score);
/* The header for n pairs: RESP3 n, RESP2 2n. */
void zcmd_reply_pairs_header(struct client *c, long long n);
/* numkeys at argv[idx], the keys following it. getkeys helper: fills out[] with the key
 * indexes, returns the count (0 if numkeys is invalid: the command replies). */
int zcmd_numkeys_getkeys(struct client *c, int idx, int *out, int max);

/* procs defined in zrange_cmd.c and zsetop_cmd.c */
void zrange_command(struct client *c);
void zrangestore_command(struct client *c);
void zrevrange_command(struct client *c);
void zrangebyscore_command(struct client *c);
void zrevrangebyscore_command(struct client *c);
void zrangebylex_command(struct client *c);
void zrevrangebylex_command(struct client *c);
void zunion_command(struct client *c);
void zinter_command(struct client *c);
void zdiff_command(struct client *c);
void zunionstore_command(struct client *c);
void zinterstore_command(struct client *c);
void zdiffstore_command(struct client *c);
void zintercard_command(struct client *c);
int zsetop_getkeys(struct client *c, int *out, int max);       /* ZUNION ZINTER ZDIFF ZINTERCARD */
int zsetop_store_getkeys(struct client *c, int *out, int max); /* the STORE forms */
#endif
