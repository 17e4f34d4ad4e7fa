/* unit.h — the whole unit-test "framework": a check macro that counts instead of
 * aborting (so one run reports every failure), a byte-string comparison that prints
 * both sides escaped, a guard-page buffer, and the summary line the Makefile shows.
 *
 * Each tests/unit/test_<module>.c is one program linked with the ASan+UBSan objects of
 * src/ (minus main.o). It calls its test functions from main() and ends with
 * `return unit_summary();`, which prints "N passed, M failed" and exits non-zero when
 * anything failed. */
#ifndef WARDEN_UNIT_H
#define WARDEN_UNIT_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int unit_passed, unit_failed;

/* A hang (an endless loop in the code under test) must fail the run, not stall CI:
 * SIGALRM's default action ends the process with a non-zero status. */
__attribute__((constructor)) static void unit_watchdog(void) { alarm(120); }

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            unit_passed++;                                                            \
        } else {                                                                      \
            unit_failed++;                                                            \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);        \
        }                                                                             \
    } while (0)

/* Print bytes with C escapes so CR/LF and binary are visible in failure messages. */
static inline void unit_print_escaped(FILE *f, const char *p, size_t len) {
    fputc('"', f);
    for (size_t i = 0; i < len && i < 200; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r') fputs("\\r", f);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 32 || c >= 127) fprintf(f, "\\x%02x", c);
        else fputc(c, f);
    }
    if (len > 200) fputs("...", f);
    fputc('"', f);
}

static inline int unit_check_mem(const char *file, int line, const char *got, size_t glen, const char *want,
                                 size_t wlen) {
    if (glen == wlen && memcmp(got, want, wlen) == 0) {
        unit_passed++;
        return 1;
    }
    unit_failed++;
    fprintf(stderr, "%s:%d: FAILED: got ", file, line);
    unit_print_escaped(stderr, got, glen);
    fprintf(stderr, " (%zu bytes), want ", glen);
    unit_print_escaped(stderr, want, wlen);
    fprintf(stderr, " (%zu bytes)\n", wlen);
    return 0;
}
/* CHECK_MEM(ptr, len, "literal") and CHECK_STR(cstr, "literal") */
#define CHECK_MEM(p, len, want) unit_check_mem(__FILE__, __LINE__, (p), (len), (want), strlen(want))
#define CHECK_MEMN(p, len, want, wlen) unit_check_mem(__FILE__, __LINE__, (p), (len), (want), (wlen))
#define CHECK_STR(s, want) unit_check_str(__FILE__, __LINE__, (s), (want))
static inline int unit_check_str(const char *file, int line, const char *s, const char *want) {
    if (!s) s = "(null)";
    return unit_check_mem(file, line, s, strlen(s), want, strlen(want));
}

static inline int unit_summary(void) {
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}

static inline double unit_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A readable region whose last byte sits right before a PROT_NONE page, as
 * picohttpparser's tests do: place n bytes with guard_place() and any read past them
 * faults at once (ASan does not see over-reads of memory it did not allocate). */
struct guard {
    char *base;
    size_t page, size; /* size: readable bytes before the guard page */
};

static inline void guard_init(struct guard *g, size_t max_len) {
    g->page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (max_len + g->page - 1) / g->page;
    if (pages == 0) pages = 1;
    g->size = pages * g->page;
    g->base = mmap(NULL, g->size + g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->base == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    if (mprotect(g->base + g->size, g->page, PROT_NONE) != 0) {
        perror("mprotect");
        exit(2);
    }
}

/* Copy n bytes so that they end exactly at the guard page; returns their start. */
static inline char *guard_place(struct guard *g, const void *data, size_t n) {
    if (n > g->size) {
        fprintf(stderr, "guard_place: %zu bytes do not fit %zu\n", n, g->size);
        exit(2);
    }
    char *p = g->base + g->size - n;
    if (n) memcpy(p, data, n);
    return p;
}

static inline void guard_free(struct guard *g) { munmap(g->base, g->size + g->page); }
#endif
