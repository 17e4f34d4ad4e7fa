/* crash.h — the crash report: on a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT) Warden writes a few lines to its log — version, signal, the command the
 * crashing thread was running (its name only) — then dies of the same signal, so the
 * exit status and any core dump stay those of the crash. Never argument values, keys,
 * client addresses or memory contents: a crash report may be pasted into a bug report. */
#ifndef WARDEN_CRASH_H
#define WARDEN_CRASH_H
/* Main thread, at start-up (after the log is open). Not in sanitizer builds, whose own
 * reports say more. */
void crash_handlers_install(void);
#endif
