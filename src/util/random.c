/* random.c — see random.h. */
#include "util/random.h"
#include "util/hex.h"
#include <assert.h>
#include <sys/random.h>
#include <sys/types.h>

void random_fill(void *buf, size_t n) {
    unsigned char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r > 0) got += (size_t)r;
    }
}

void random_hex_id(char *out, size_t nbytes) {
    unsigned char raw[64];
    assert(nbytes <= sizeof(raw));
    random_fill(raw, nbytes);
    hex_encode(raw, nbytes, out);
}
