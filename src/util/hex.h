/* hex.h — bytes as lowercase hex text (run ids, digests, password hashes). */
#ifndef WARDEN_HEX_H
#define WARDEN_HEX_H
#include <stddef.h>

/* Write the 2*n hex digits of in[0..n) to out and a terminating NUL: out must hold
 * 2*n + 1 bytes. */
static inline void hex_encode(const unsigned char *in, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}
#endif
