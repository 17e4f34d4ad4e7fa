/* fuzz_inline.c — libFuzzer target for inline command splitting (resp.c: the telnet /
 * redis-cli style request "SET k \"a b\"\r\n"), differential: Redis splits inline
 * requests and redis.conf lines with the same rules (quotes, \xHH and \n-style escapes,
 * a closing quote must be followed by a space), so Warden's in-place inline splitter
 * and its config-line splitter (config_split_line) must produce the same words, or both
 * reject the line as unbalanced.
 * Input: one line (cut at the first '\n'); lines starting with '*' are multibulk
 * requests, not inline ones, and are skipped. */
#include "config.h"
#include "config_int.h"
#include "proto/resp.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nl = memchr(data, '\n', size);
    size_t len = nl ? (size_t)(nl - data) : size;
    if (len > 4096 || (len > 0 && data[0] == '*')) return 0;

    /* the request: the line and its "\n", in an exact-size buffer (ASan sees over-reads) */
    char *req = malloc(len + 1);
    memcpy(req, data, len);
    req[len] = '\n';
    /* the reference gets the same line as a C string: the parser drops one '\r' before
     * the '\n', and a NUL byte ends the line for both */
    size_t rl = len;
    if (rl > 0 && data[rl - 1] == '\r') rl--;
    const uint8_t *nul = memchr(data, '\0', rl);
    if (nul) rl = (size_t)(nul - data);
    char *line = malloc(rl + 1);
    memcpy(line, data, rl);
    line[rl] = '\0';

    struct resp_parser p;
    resp_parser_init(&p);
    struct resp_limits lim = {.max_bulk_len = 512LL * 1024 * 1024, .max_multibulk = 1 << 20,
                              .max_inline = 64 * 1024, .unauthenticated = 0};
    const char *err = NULL;
    int st = resp_parse(&p, &lim, req, len + 1, &err);
    char **words = NULL;
    int n = config_split_line(line, &words);

    REQUIRE(st != RESP_NEED_MORE); /* the line is complete */
    if (st == RESP_ERROR) {
        REQUIRE(err && strcmp(err, "Protocol error: unbalanced quotes in request") == 0);
        REQUIRE(n < 0);
    } else {
        REQUIRE(p.pos == len + 1);
        REQUIRE(n >= 0);
        REQUIRE(st == (n == 0 ? RESP_EMPTY : RESP_OK));
        if (st == RESP_OK) REQUIRE(p.argc == n);
        for (int i = 0; st == RESP_OK && i < n; i++) {
            REQUIRE(p.args[i].off + p.args[i].len <= len);
            /* a word may hold a NUL byte (from \x00), which the C-string splitter cannot
             * return whole: compare up to its first NUL */
            size_t wl = strlen(words[i]);
            REQUIRE(p.args[i].len >= wl);
            REQUIRE(memcmp(req + p.args[i].off, words[i], wl) == 0);
            if (p.args[i].len > wl) REQUIRE(req[p.args[i].off + wl] == '\0');
        }
    }
    if (n >= 0) config_free_words(words, n);
    resp_parser_free(&p);
    free(req);
    free(line);
    return 0;
}
