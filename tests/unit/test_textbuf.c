/* test_textbuf.c — unit tests for util/textbuf (growth, printf beyond the small buffer)
 * and cmd/errorstats (codes, merging across threads, reset). */
#include "unit.h"
#include "cmd/errorstats.h"
#include "util/textbuf.h"
#include <pthread.h>

static void test_textbuf(void) {
    struct textbuf b;
    textbuf_init(&b);
    CHECK(b.len == 0 && b.p == NULL);
    textbuf_puts(&b, "abc");
    textbuf_append(&b, "", 0);
    CHECK(b.len == 3 && strcmp(b.p, "abc") == 0);
    for (int i = 0; i < 1000; i++) textbuf_printf(&b, "%d,", i);
    char big[600];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    textbuf_printf(&b, "[%s]", big); /* longer than the internal 256-byte buffer */
    CHECK(b.p[b.len] == '\0');
    CHECK(strncmp(b.p, "abc0,1,2,", 9) == 0);
    CHECK(b.len == 3 + 3890 + 601);
    CHECK(b.p[b.len - 1] == ']' && b.p[b.len - 2] == 'x');
    textbuf_free(&b);
    CHECK(b.p == NULL && b.len == 0);
}

struct seen {
    char codes[8][32];
    long long counts[8];
    int n;
};
static void collect(void *priv, const char *code, long long count) {
    struct seen *s = priv;
    snprintf(s->codes[s->n], 32, "%s", code);
    s->counts[s->n++] = count;
}
static long long count_of(const struct seen *s, const char *code) {
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->codes[i], code) == 0) return s->counts[i];
    return -1;
}

static void *other_thread(void *arg) {
    (void)arg;
    errorstats_count("ERR other thread", 16, 5);
    errorstats_count("BUSY x", 6, 1);
    return NULL;
}

static void test_errorstats(void) {
    errorstats_count("ERR syntax error", 16, 1);
    errorstats_count("WRONGTYPE Operation", 19, 2);
    errorstats_count("ERR", 3, 1);      /* no space: the whole message is the code */
    errorstats_count("ERRX y", 6, 1);   /* a different code sharing a prefix */
    pthread_t t;
    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, NULL);
    struct seen s = {.n = 0};
    errorstats_each(collect, &s);
    CHECK(count_of(&s, "ERR") == 7);
    CHECK(count_of(&s, "WRONGTYPE") == 2);
    CHECK(count_of(&s, "ERRX") == 1);
    CHECK(count_of(&s, "BUSY") == 1);
    CHECK(s.n == 4);
    errorstats_reset();
    s.n = 0;
    errorstats_each(collect, &s);
    CHECK(s.n == 0); /* zero rows are hidden */
    errorstats_count("ERR again", 9, 1);
    s.n = 0;
    errorstats_each(collect, &s);
    CHECK(s.n == 1 && count_of(&s, "ERR") == 1);
}

int main(void) {
    test_textbuf();
    test_errorstats();
    return unit_summary();
}
