/* clock.h — wall and monotonic time helpers. */
#ifndef WARDEN_CLOCK_H
#define WARDEN_CLOCK_H
#include <stdint.h>
long long clock_ms(void);   /* wall clock, Unix milliseconds (expiry is wall-clock based as in Redis) */
long long clock_us(void);   /* wall clock, Unix microseconds */
long long clock_mono_us(void);
#endif
