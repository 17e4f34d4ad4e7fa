/* acl_file.c — the ACL file (`aclfile`, ACL LOAD/SAVE) and `user` lines of the config
 * file. Loading is all-or-nothing: every line is parsed into detached users first; one
 * bad line rejects the whole file with its line number and the live users stay. */
#include "acl/acl_int.h"
#include "util/alloc.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct pending_user {
    char *name;
    struct acl_user *u; /* detached, owned */
};

/* Split a line into words (no quoting in ACL files; Redis uses plain spaces). */
static int split_words(char *line, char **w, int max) {
    int n = 0;
    char *p = line;
    while (*p && n < max) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) break;
        w[n++] = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        if (*p) *p++ = '\0';
    }
    return n;
}

/* Defined in acl.c: build/destroy detached users and install a parsed set. */
struct acl_user *acl_detached_user(const char *name, size_t len);
void acl_detached_free(struct acl_user *u);
int acl_detached_apply(struct acl_user *u, int nrules, char **rules, size_t *lens, char *err, size_t errlen);
void acl_install_users(struct acl_user **parsed, int n);

static int parse_users(const char *text, const char *origin, struct acl_user ***out, int *nout, char *err,
                       size_t errlen) {
    struct acl_user **list = NULL;
    int n = 0, lineno = 0, rc = 0;
    char *copy = wstrdup(text);
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\r' || isspace((unsigned char)line[l - 1]))) line[--l] = '\0';
        char *w[1024];
        int nw = split_words(line, w, 1024);
        if (nw == 0 || w[0][0] == '#') continue;
        if (strcmp(w[0], "user") != 0 || nw < 2) {
            snprintf(err, errlen, "%s:%d: should start with user keyword", origin, lineno);
            rc = -1;
            break;
        }
        int dup = 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(acl_user_name(list[i]), w[1])) dup = 1;
        if (dup) {
            snprintf(err, errlen, "%s:%d: duplicate user '%s' found", origin, lineno, w[1]);
            rc = -1;
            break;
        }
        struct acl_user *u = acl_detached_user(w[1], strlen(w[1]));
        size_t lens[1024];
        for (int i = 2; i < nw; i++) lens[i] = strlen(w[i]);
        char why[512];
        if (acl_detached_apply(u, nw - 2, w + 2, lens + 2, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s:%d: %s", origin, lineno, why);
            acl_detached_free(u);
            rc = -1;
            break;
        }
        list = wrealloc(list, (size_t)(n + 1) * sizeof(*list));
        list[n++] = u;
    }
    wfree(copy);
    if (rc != 0) {
        for (int i = 0; i < n; i++) acl_detached_free(list[i]);
        wfree(list);
        return -1;
    }
    *out = list;
    *nout = n;
    return 0;
}

int acl_load_text(const char *text, char *err, size_t errlen) {
    struct acl_user **list;
    int n;
    if (parse_users(text, "aclfile", &list, &n, err, errlen) != 0) return -1;
    acl_install_users(list, n);
    wfree(list);
    return 0;
}

char *acl_dump_text(void) {
    size_t cap = 256, len = 0;
    char *out = wmalloc(cap);
    out[0] = '\0';
    acl_read_lock();
    for (int i = 0; acl_user_at(i); i++) {
        char *d = acl_describe_user(acl_user_at(i));
        size_t dl = strlen(d);
        if (len + dl + 2 > cap) {
            cap = (len + dl + 2) * 2;
            out = wrealloc(out, cap);
        }
        memcpy(out + len, d, dl);
        len += dl;
        out[len++] = '\n';
        out[len] = '\0';
        wfree(d);
    }
    acl_read_unlock();
    return out;
}

/* `user` lines from the config file, applied once the command table exists. */
static char *config_users; /* owned: accumulated "user ..." lines */

int acl_config_user_line(int argc, char **argv, char *err, size_t errlen) {
    if (argc < 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    size_t add = 6;
    for (int i = 0; i < argc; i++) add += strlen(argv[i]) + 1;
    size_t old = config_users ? strlen(config_users) : 0;
    config_users = wrealloc(config_users, old + add + 1);
    char *p = config_users + old;
    memcpy(p, "user", 4);
    p += 4;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]);
        *p++ = ' ';
        memcpy(p, argv[i], l);
        p += l;
    }
    p[0] = '\n';
    p[1] = '\0';
    return 0;
}

int acl_apply_config_users(char *err, size_t errlen) {
    if (!config_users) return 0;
    struct acl_user **list;
    int n;
    int rc = parse_users(config_users, "config", &list, &n, err, errlen);
    wfree(config_users);
    config_users = NULL;
    if (rc != 0) return -1;
    acl_install_users(list, n);
    wfree(list);
    return 0;
}

int acl_has_config_users(void) { return config_users != NULL; }
