/* auth_throttle.h — failed-authentication throttling per client address (beyond Redis).
 * After `auth-failure-limit` failures within `auth-failure-window` seconds, attempts
 * from that address are refused, before the password is even checked, for a back-off
 * that doubles on each further lockout (1 s, 2 s, 4 s … capped at 10 minutes). A
 * success from an address that is not locked clears its record. Memory is bounded: the
 * table holds at most AUTH_THROTTLE_MAX addresses and drops the stalest when full. */
#ifndef WARDEN_AUTH_THROTTLE_H
#define WARDEN_AUTH_THROTTLE_H
#define AUTH_THROTTLE_MAX 65536
/* 0 = allowed; otherwise the seconds left in the lockout. */
long long auth_throttle_check(const char *addr);
void auth_throttle_failure(const char *addr);
void auth_throttle_success(const char *addr);
void auth_throttle_configure(long long limit, long long window_sec);
long long auth_throttle_lockouts(void); /* INFO counter */
void auth_throttle_clear(void);
#endif
