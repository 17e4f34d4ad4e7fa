/* fuzz_acl.c — libFuzzer target for ACL rules (acl_setuser: ACL SETUSER and `user`
 * lines), the ACL file loader (acl_load_text: aclfile, ACL LOAD) and the permission check.
 *
 * Byte 0 picks the mode; the rest is lines separated by '\n':
 *   even: SETUSER. Line 1 is the user name, the next lines are rules, up to a line "!";
 *         the lines after it are a command (argv) whose permission is checked. If the
 *         rules were accepted, the user's description (ACL LIST / ACL SAVE text) must
 *         load back through the ACL file loader, describe identically, and give the
 *         same verdict on the command: saving and loading never changes permissions.
 *   odd:  an ACL file. If it loads, dumping and loading the dump must be a fixed point.
 * Users are reset per input (acl_shutdown + acl_init). */
#include "client.h"
#include "fuzz_env.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_env_init();
    return 0;
}

/* The verdict of the ACL on argv for user u (ACL_OK, ACL_DENIED_*), or -1 when argv
 * names no command. */
static int verdict(struct acl_user *u, char **words, size_t *lens, int n, int *pos) {
    if (n == 0) return -1;
    const struct command *cmd = command_lookup(words[0], lens[0]);
    if (!cmd) return -1;
    if (cmd->subcommands && n > 1) {
        const struct command *sub = command_lookup_sub(cmd, words[1], lens[1]);
        if (sub) cmd = sub;
    }
    struct client c;
    struct arg argv[MAX_WORDS];
    memset(&c, 0, sizeof(c));
    for (int i = 0; i < n; i++) {
        argv[i].ptr = words[i];
        argv[i].len = lens[i];
    }
    c.argc = n;
    c.argv = argv;
    int res = acl_check_command(u, cmd, &c, pos);
    REQUIRE(res >= ACL_OK && res <= ACL_DENIED_AUTH);
    REQUIRE(*pos >= 0 && *pos < n);
    return res;
}

static void fuzz_setuser(char *text, size_t len) {
    char *words[2 * MAX_WORDS];
    size_t lens[2 * MAX_WORDS];
    int n = 0, bang = -1;
    size_t start = 0;
    for (size_t i = 0; i <= len && n < 2 * MAX_WORDS; i++) {
        if (i < len && text[i] != '\n') continue;
        words[n] = text + start;
        lens[n] = i - start;
        if (bang < 0 && lens[n] == 1 && words[n][0] == '!') bang = n;
        n++;
        start = i + 1;
    }
    if (n < 1 || bang == 0) return;
    int nrules = (bang < 0 ? n : bang) - 1;
    char **cmdw = bang < 0 ? NULL : words + bang + 1;
    size_t *cmdl = bang < 0 ? NULL : lens + bang + 1;
    int ncmd = bang < 0 ? 0 : n - bang - 1;
    if (ncmd > MAX_WORDS) ncmd = MAX_WORDS;

    char err[1024];
    if (acl_setuser(words[0], lens[0], nrules, words + 1, lens + 1, err, sizeof(err)) != 0) return;
    /* Redis accepts an empty user name, whose saved line ("user  on ...") cannot load
     * back as the same user; Warden keeps that behaviour, so no round trip for it */
    if (lens[0] == 0) return;
    /* Likewise a parenthesis inside a selector's pattern: "(~a) ~b)" is accepted and
     * described as Redis 7.0 does, but the saved line splits into another selector on
     * load (Redis has the same quirk), so no round trip when a rule holds one */
    for (int i = 1; i <= nrules; i++)
        for (size_t k = 0; k < lens[i]; k++)
            if ((words[i][k] == '(' && k > 0) || (words[i][k] == ')' && k + 1 < lens[i])) return;
    struct acl_user *u = acl_find_user(words[0], lens[0]);
    REQUIRE(u != NULL);
    int pos1 = 0, pos2 = 0;
    int v1 = verdict(u, cmdw, cmdl, ncmd, &pos1);
    char *d1 = acl_describe_user(u);
    size_t dl = strlen(d1);
    char *file = wmalloc(dl + 2);
    memcpy(file, d1, dl);
    file[dl] = '\n';
    file[dl + 1] = '\0';
    int rc = acl_load_text(file, err, sizeof(err));
    REQUIRE(rc == 0); /* what ACL SAVE writes, ACL LOAD must read */
    struct acl_user *u2 = acl_find_user(words[0], lens[0]);
    REQUIRE(u2 != NULL);
    char *d2 = acl_describe_user(u2);
    REQUIRE(strcmp(d1, d2) == 0);
    int v2 = verdict(u2, cmdw, cmdl, ncmd, &pos2);
    REQUIRE(v1 == v2 && pos1 == pos2);
    wfree(d1);
    wfree(d2);
    wfree(file);
}

static void fuzz_file(const char *text) {
    char err[1024];
    if (acl_load_text(text, err, sizeof(err)) != 0) return;
    char *dump1 = acl_dump_text();
    REQUIRE(acl_load_text(dump1, err, sizeof(err)) == 0);
    char *dump2 = acl_dump_text();
    REQUIRE(strcmp(dump1, dump2) == 0);
    wfree(dump1);
    wfree(dump2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 16 * 1024) return 0;
    /* exact-size copy (ASan sees over-reads), plus the NUL the file loader expects */
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    acl_shutdown();
    acl_init();
    if (data[0] & 1) fuzz_file(text);
    else fuzz_setuser(text, size - 1);
    free(text);
    return 0;
}
