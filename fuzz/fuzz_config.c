/* fuzz_config.c — libFuzzer target for the redis.conf parser (config_load.c's line
 * splitting, quoting, directives; config.c's value parsers; the special options).
 *
 * The input is a configuration text loaded with config_load_string (the loader without
 * `include`, file access or exit). Checks, for any input:
 *   - no crash, over-read, UB, leak (config_free releases what loading allocated);
 *   - if the text was accepted, every option's CONFIG GET text parses back to the same
 *     CONFIG GET text (what CONFIG REWRITE and CONFIG SET rely on);
 *   - `user` lines collected while loading apply (or fail) without crashing.
 * State is reset per input (config_init, ACL users), so inputs are independent. */
#include "config_int.h"
#include "fuzz_env.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FMT_MAX (1 << 17)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_env_init();
    return 0;
}

/* Apply CONFIG GET-style text to one option as the loader would (multi-word special
 * options take space-separated words, others one word). */
static int apply_text(const struct config_option *o, const char *text, char *err, size_t errlen) {
    char **words;
    int n;
    if (o->type == CFG_SPECIAL && (o->flags & CFG_MULTI_ARG)) {
        n = config_split_spaces(text, &words);
    } else {
        words = wmalloc(sizeof(char *));
        words[0] = wstrdup(text);
        n = 1;
    }
    config_options_reset_load_state(); /* a re-read `save` replaces, it does not add */
    int rc = config_apply(o, n, words, 0, err, errlen);
    config_free_words(words, n);
    return rc;
}

/* quoted: the text had quotes, the only way to put a space inside one word */
static void check_round_trip(int quoted) {
    static char before[FMT_MAX], after[FMT_MAX];
    char err[1024];
    for (const struct config_option *o = config_options; o->name; o++) {
        config_format(o, before, sizeof(before));
        /* directive-like rows show nothing; an empty special value (no replicaof) is
         * written as no line at all by CONFIG REWRITE */
        if (o->type == CFG_SPECIAL && (!o->format || !before[0])) continue;
        /* multi-word values are shown joined by spaces, so a word holding a space (bind
         * "a b", which Redis accepts too) cannot read back the same */
        if (quoted && o->type == CFG_SPECIAL && (o->flags & CFG_MULTI_ARG)) continue;
        int rc = apply_text(o, before, err, sizeof(err));
        REQUIRE(rc == 0); /* a value we show must be accepted back */
        config_format(o, after, sizeof(after));
        REQUIRE(strcmp(before, after) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 64 * 1024) return 0;
    char err[1024];
    config_init();
    int rc = config_load_string((const char *)data, size, err, sizeof(err));
    if (rc == 0) check_round_trip(memchr(data, '"', size) || memchr(data, '\'', size));
    else REQUIRE(strncmp(err, "line ", 5) == 0);
    /* `user` lines wait for the ACL (server.c applies them after loading; a failed load
     * would exit): apply them, then start the ACL afresh for the next input */
    if (acl_has_config_users()) {
        (void)acl_apply_config_users(err, sizeof(err));
        acl_shutdown();
        acl_init();
    }
    config_free();
    return 0;
}
