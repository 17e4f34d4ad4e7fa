/* glob.h — Redis-style glob matching (*, ?, [abc], [^a-z], \x) for KEYS, SCAN MATCH,
 * CONFIG GET, PSUBSCRIBE and ACL patterns. Iterative with a single backtrack point:
 * O(len(pattern) * len(string)) worst case, no recursion, so hostile patterns such as
 * "a*a*a*a*...b" cannot blow the stack or run exponentially. */
#ifndef WARDEN_GLOB_H
#define WARDEN_GLOB_H
#include <stddef.h>
int glob_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase);
#endif
