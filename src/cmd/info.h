/* info.h — the INFO command's sections. Each section is a function that appends
 * "field:value\r\n" lines; features that arrive later (persistence, replication,
 * pub/sub…) replace or add sections at start-up with info_register_section. */
#ifndef WARDEN_INFO_H
#define WARDEN_INFO_H
#include "util/textbuf.h"

typedef void (*info_section_fn)(struct textbuf *b);
/* Register a section, or replace the generator of an existing one. `name` is the lower-
 * case name INFO takes ("persistence"), `title` the header ("Persistence");
 * in_default: shown by INFO without arguments. Call before worker threads start. */
void info_register_section(const char *name, const char *title, info_section_fn fn, int in_default);
/* Main thread, from the housekeeping cron: samples the instantaneous rates
 * (ops/sec, network kbps), the memory peak and the main thread's CPU time. */
void info_cron(void);
/* Redis's human-readable byte count ("1.20M"). buf >= 32 bytes. */
void info_bytes_to_human(char *buf, size_t size, long long n);
#endif
