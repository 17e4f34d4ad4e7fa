/* errorstats.h — error replies counted by their code (the first word: "ERR",
 * "WRONGTYPE", "NOAUTH"…) for INFO errorstats. Counting is per thread (the thread is
 * its table's only writer); INFO sums the tables. */
#ifndef WARDEN_ERRORSTATS_H
#define WARDEN_ERRORSTATS_H
#include <stddef.h>

#define ERRORSTATS_MAX_CODES 128 /* as Redis: later new codes are not tracked */
/* Count `n` error replies whose message starts with `msg` (code = up to the first space). */
void errorstats_count(const char *msg, size_t len, long long n);
/* Call fn once per code with its total over all threads. */
typedef void (*errorstats_fn)(void *priv, const char *code, long long count);
void errorstats_each(errorstats_fn fn, void *priv);
void errorstats_reset(void); /* CONFIG RESETSTAT */
#endif
