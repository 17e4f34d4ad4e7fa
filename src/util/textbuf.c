/* textbuf.c — see textbuf.h. */
#include "util/textbuf.h"
#include "util/alloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void textbuf_init(struct textbuf *b) {
    b->p = NULL;
    b->len = b->cap = 0;
}

void textbuf_free(struct textbuf *b) {
    wfree(b->p);
    textbuf_init(b);
}

/* Make room for `more` bytes plus a NUL. */
static void textbuf_reserve(struct textbuf *b, size_t more) {
    if (b->cap - b->len > more) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= more) cap *= 2;
    b->p = wrealloc(b->p, cap);
    b->cap = cap;
}

void textbuf_append(struct textbuf *b, const void *p, size_t len) {
    textbuf_reserve(b, len);
    if (len) memcpy(b->p + b->len, p, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void textbuf_puts(struct textbuf *b, const char *s) { textbuf_append(b, s, strlen(s)); }

void textbuf_printf(struct textbuf *b, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof(small)) {
        textbuf_append(b, small, (size_t)n);
        return;
    }
    textbuf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
