/* textbuf.h — a growable text buffer for replies assembled piece by piece (INFO,
 * CLIENT LIST, help texts). Memory comes from the counting allocator. */
#ifndef WARDEN_TEXTBUF_H
#define WARDEN_TEXTBUF_H
#include <stddef.h>

struct textbuf {
    char *p;  /* owned; NUL-terminated when len > 0 */
    size_t len, cap;
};

void textbuf_init(struct textbuf *b);
void textbuf_free(struct textbuf *b); /* releases the storage; the buffer may be reused after init */
void textbuf_append(struct textbuf *b, const void *p, size_t len);
void textbuf_puts(struct textbuf *b, const char *s);
void textbuf_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
