/* aof_manifest.h — the multi-part AOF manifest of Redis 7.0: a text file naming the
 * files that make up the AOF, one per line:
 *
 *   file appendonly.aof.3.base.rdb seq 3 type b
 *   file appendonly.aof.2.incr.aof seq 2 type h
 *   file appendonly.aof.7.incr.aof seq 7 type i
 *
 * type b: the base (an RDB, or commands when aof-use-rdb-preamble is off), at most one;
 * type i: incremental command files, replayed after the base in increasing seq;
 * type h: history (left by a rewrite, deleted once no longer listed as b/i).
 * Lines starting with '#' are comments; values may be quoted as redis-cli quotes.
 * File names are plain names inside appenddirname: a name with '/' is refused.
 * Pure functions: no I/O. */
#ifndef WARDEN_AOF_MANIFEST_H
#define WARDEN_AOF_MANIFEST_H
#include <stddef.h>

struct aof_file_info {
    char *name; /* owned */
    long long seq;
    int type;   /* 'b', 'h', 'i' */
};

struct aof_manifest {
    struct aof_file_info base; /* name NULL: none */
    struct aof_file_info *incr;
    int nincr;
    struct aof_file_info *history;
    int nhistory;
    long long base_seq, incr_seq; /* highest seen (next file numbers go above) */
};

void aof_manifest_init(struct aof_manifest *m);
void aof_manifest_free(struct aof_manifest *m);
/* Parse `text`; returns 0 or -1 with err ("Invalid AOF manifest file format" ...). */
int aof_manifest_parse(const char *text, size_t len, struct aof_manifest *m, char *err, size_t errlen);
/* The manifest as text (wmalloc'd, NUL-terminated). */
char *aof_manifest_format(const struct aof_manifest *m, size_t *len);
/* Add files (the name is copied). */
void aof_manifest_set_base(struct aof_manifest *m, const char *name, long long seq);
void aof_manifest_add_incr(struct aof_manifest *m, const char *name, long long seq);
void aof_manifest_add_history(struct aof_manifest *m, const char *name, long long seq);
/* Deep copy. */
void aof_manifest_copy(struct aof_manifest *dst, const struct aof_manifest *src);
#endif
