/* aof_int.h — private to the AOF files: the live record stream (aof.c) as used by the
 * file management (aof_files.c) and the command translation (aof_feed.c). */
#ifndef WARDEN_AOF_INT_H
#define WARDEN_AOF_INT_H
#include <stddef.h>
#include <stdint.h>

struct arg;

/* ---- aof.c: the record stream ---- */
/* Start accepting records, writing them to fd (positioned at its end; `size` bytes
 * already there). Starts the writer thread. */
struct crypt_appender;
void aof_stream_start(int fd, uint64_t size, struct crypt_appender *ca); /* ca: owned, NULL = plain */
/* At a snapshot's instant (every shard lock held): records from now on go to new_fd;
 * the writer fsyncs and closes the old file when it reaches this point. */
void aof_stream_switch(int new_fd, struct crypt_appender *ca);
/* Write and fsync everything buffered; with stop, also end the thread and close the
 * file (records are no longer accepted). Returns 0 or -1 (a write/fsync error). */
int aof_stream_drain(int stop);
int aof_stream_on(void);
/* Bytes in the current incr file (written or buffered), for auto rewrite. */
uint64_t aof_stream_file_size(void);
/* Append one record (RESP bytes) for db `dbid` (SELECT added when needed). */
void aof_stream_append(int dbid, const unsigned char *rec, size_t len);
/* 1 while a rewrite is being written (no-appendfsync-on-rewrite). */
extern int aof_rewrite_running;
/* Last write error (0 = none) for INFO and MISCONF. */
int aof_stream_last_errno(void);

/* ---- aof_feed.c: what a command leaves in the AOF ---- */
/* Events seen during the current command (keyspace listener), for translations that
 * need to know which key a blocking pop served. */
void aof_capture_reset(void);
int aof_capture_key(const char *event, const char **key, size_t *klen);
/* Members a command noted (aof_note_member, e.g. SPOP's random picks). */
int aof_noted_members(const struct arg **members);
void aof_noted_reset(void);
#endif
