/* aof.h — the append-only file, as Redis 7.0's multi-part AOF: a directory
 * (appenddirname) holding a base file (an RDB preamble, or commands), incremental
 * command files and a manifest naming them (aof_manifest.h).
 *
 * Recording: after a write command ran (its shard locks still held), dispatch calls
 * aof_propagate(): the command, rewritten where replaying it later would not give the
 * same result (relative TTLs become PEXPIREAT / SET ... PXAT, INCRBYFLOAT becomes SET,
 * a served BLPOP becomes LPOP ...), is appended to one shared buffer in the same
 * critical section that orders it after every earlier write to the same shards. Keys
 * that expire are recorded as DEL at that moment. EXEC wraps its writes in MULTI/EXEC
 * (aof_group_begin/end) so a crash never leaves half a transaction.
 *
 * Writing: one writer thread moves the buffer to the file. appendfsync always: it
 * fsyncs every batch, and a client's reply is held back until the batch holding its
 * writes is on disk (aof_client_wait / the worker's deferred flush), so many clients
 * share each fsync (group commit). everysec: fsync about once a second. no: never.
 *
 * Rewriting (BGREWRITEAOF, auto-aof-rewrite-*, CONFIG SET appendonly yes): a new incr
 * file is opened and listed, then a point-in-time snapshot (snapshot.h) writes the new
 * base while, at the snapshot's instant, the record stream switches to the new incr;
 * the manifest then names the new base and incr, and the old files are removed. */
#ifndef WARDEN_AOF_H
#define WARDEN_AOF_H
#include <stddef.h>
#include <stdint.h>

struct client;
struct command;
struct arg;

/* Start-up (main thread, before workers): register the keyspace listener. */
void aof_init(void);
/* appendonly yes at start: load the AOF (manifest, base, incrs), create what is missing,
 * open the last incr and start writing. Returns 0, or -1 after logging why (fatal). */
int aof_load_at_startup(void);
/* Main thread, every cron tick: scheduled / automatic rewrites, reaping. */
void aof_cron(void);
/* At exit (after workers stopped): finish a rewrite, write and fsync everything. */
void aof_stop(void);
/* Before exiting (SHUTDOWN/SIGTERM): write and fsync what is buffered. 0 or -1. */
int aof_flush_for_shutdown(void);
int aof_enabled(void);

/* Dispatch: after a write command that changed something (locks held). */
void aof_propagate(struct client *c, const struct command *cmd);
/* ... or after one that changed nothing: drop what it noted. */
void aof_discard_notes(void);
/* Before a write command runs: start noting its keyspace events (blocking pops). */
void aof_command_begin(void);
/* Record a command directly (locks of its keys held). */
void aof_feed(int dbid, int argc, const struct arg *argv);
/* A command whose effect is random notes what it did (SPOP: each member popped), so
 * the AOF records the outcome, not the dice. No-op when the AOF is off. */
void aof_note_member(const char *m, size_t len);
/* EXEC (and scripts): records between begin and end are written as one MULTI/EXEC
 * group, or bare when there is a single one. Nests. */
void aof_group_begin(void);
void aof_group_end(void);

/* appendfsync always: 1 if c's writes are not on disk yet (its reply must wait). */
int aof_client_must_wait(const struct client *c);
/* Block until the writes of c (or up to `offset`) are durable. */
void aof_client_wait(struct client *c);
void aof_wait_offset(uint64_t offset);
/* Without blocking: returns 1 if the AOF is durable up to `need` (or nothing waits:
 * not appendfsync always, AOF off); else registers fn(arg) to be called (from another
 * thread) once it is, in `slot` (one per caller, e.g. the worker id), and returns 0. */
int aof_notify_when_durable(int slot, uint64_t need, void (*fn)(void *), void *arg);
uint64_t aof_durable_offset(void);
/* Every byte appended so far (any thread): a reply produced now must wait for this much
 * to be durable, so that no client sees a write a crash could still lose. */
uint64_t aof_appended_offset(void);
/* The offset just past this thread's latest record (dispatch compares it before and
 * after a command to know what the client must wait for). */
uint64_t aof_thread_offset(void);

enum aof_rewrite_status { AOF_REWRITE_STARTED = 0, AOF_REWRITE_SCHEDULED = 1, AOF_REWRITE_BUSY = -2,
                          AOF_REWRITE_ERR = -1 };
/* BGREWRITEAOF. */
int aof_bgrewrite(void);
/* CONFIG SET appendonly yes|no. */
int aof_config_set(int on, char *err, size_t errlen);
/* INFO persistence: the aof_* lines. */
size_t aof_info(char *buf, size_t size);
/* MISCONF text after an AOF write error, else NULL. */
const char *aof_write_denied(void);
#endif
