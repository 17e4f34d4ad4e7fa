/* persist.h — the server's persistence front: RDB snapshots (SAVE, BGSAVE, save
 * points, shutdown save, DEBUG RELOAD, loading at start-up), their state for INFO and
 * LASTSAVE, and the MISCONF write refusal after a failed background save.
 *
 * Threads: persist_init / persist_load_at_startup / persist_cron / persist_stop run on
 * the main thread; the command-facing functions may run on any worker thread and must
 * be called without shard locks held unless they say otherwise. */
#ifndef WARDEN_PERSIST_H
#define WARDEN_PERSIST_H
#include <stddef.h>

struct client;
struct command;
struct lockset;

/* Register codecs, set up snapshot state (after db_init_all, before threads). */
void persist_init(void);
/* Load dir/dbfilename if it exists. Returns 0, or -1 after logging why (fatal). */
int persist_load_at_startup(void);
/* Housekeeping (main thread, every cron tick): save points, BGSAVE SCHEDULE, reaping. */
void persist_cron(void);
/* At exit, after workers stopped: wait for a background save, free state. */
void persist_stop(void);

enum persist_status {
    PERSIST_OK = 0,
    PERSIST_ERR = -1,          /* failed: see the log */
    PERSIST_BUSY = -2,         /* a background save is in progress */
    PERSIST_BUSY_OTHER = -3,   /* another snapshot (SAVE, AOF rewrite) is being written */
    PERSIST_SCHEDULED = 1,     /* BGSAVE SCHEDULE: will run when possible */
};
/* SAVE: a foreground snapshot (the caller waits; other clients keep running). */
int persist_save(void);
/* BGSAVE [SCHEDULE]. */
int persist_bgsave(int schedule);
/* LASTSAVE: Unix time of the last successful save (server start if none). */
long long persist_lastsave(void);

/* the same bits as config.h's SHUTDOWN_SAVE / SHUTDOWN_NOSAVE (shutdown-on-sigterm) */
#define PERSIST_SHUTDOWN_SAVE 1
#define PERSIST_SHUTDOWN_NOSAVE 2
/* Before exiting (SHUTDOWN, SIGTERM/SIGINT): stop a background save, then save when
 * asked (SAVE) or when save points exist (unless NOSAVE), blocking writes meanwhile;
 * after a successful save further writes are refused so none can be acknowledged and
 * lost. Returns 0, or -1 when the save failed: the caller must not exit then ("Errors
 * trying to SHUTDOWN. Check logs."). */
int persist_prepare_shutdown(int flags);

/* DEBUG RELOAD: save, empty every db, load the file back (all under every shard lock,
 * so clients see one atomic step). Returns 0 or -1 with err ("ERR ..." text). */
int persist_debug_reload(char *err, size_t errlen);
#define PERSIST_RELOAD_MERGE 1   /* keys already present are replaced (with NOFLUSH) */
#define PERSIST_RELOAD_NOFLUSH 2 /* load on top of the current data */
#define PERSIST_RELOAD_NOSAVE 4  /* load the file as it is, without saving first */
int persist_debug_reload_ex(int flags, char *err, size_t errlen);
/* FLUSHALL with save points: as Redis, stop a background save (it would resurrect the
 * flushed data) and write an empty RDB. Caller holds every shard lock. */
void persist_after_flushall(void);

/* Dispatch, after taking a write command's locks, when db_write_gate is non-zero:
 * serializes the command's shards for a running snapshot; returns -1 (reply written,
 * do not run the command) when writes are frozen for shutdown. */
int persist_gate_command(struct client *c, const struct command *cmd, const struct lockset *ls);
/* The MISCONF error text when writes must be refused (stop-writes-on-bgsave-error
 * after a failed background save), else NULL. Dispatch checks it for write commands
 * and PING, as Redis. */
const char *persist_write_denied(void);

/* One snapshot at a time: the AOF rewrite claims the right to run one here (0, or -1
 * when a save is running) and releases it when done. */
int persist_snapshot_claim(void);
void persist_snapshot_release(void);

/* INFO persistence fields ("loading:0\r\n..."), without the "# Persistence" header.
 * Returns the length written (always NUL-terminated; truncated if size is too small). */
size_t persist_info(char *buf, size_t size);
/* 1 while loading at start-up (INFO loading). */
int persist_loading(void);
#endif
