/* acl.c — users, selectors, rules and permission checks; see acl.h for the locking
 * scheme. Rule texts and error messages follow Redis 7.0's ACL SETUSER. */
#include "acl/acl_int.h"
#include "client.h"
#include "config.h"
#include "cmd/table.h"
#include "net/registry.h"
#include "util/alloc.h"
#include "util/glob.h"
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ACL_LOCK_SLOTS 256
#define ACL_CHECK_STACK_ARGS 64

static pthread_rwlock_t acl_locks[ACL_LOCK_SLOTS];
static _Thread_local int acl_slot;
static struct acl_user **users;      /* owned */
static int nusers;
static struct acl_user **graveyard;  /* deleted users, freed at exit */
static int ngrave;
static struct acl_user *default_user;
static int bitmap_words, future_bit;

static const char *const category_names[] = {
    "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
    "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting"};

int acl_category_count(void) { return (int)(sizeof(category_names) / sizeof(category_names[0])); }
const char *acl_category_name(int bit) { return bit >= 0 && bit < acl_category_count() ? category_names[bit] : NULL; }
int acl_bitmap_words(void) { return bitmap_words; }
int acl_future_bit(void) { return future_bit; }

void acl_thread_register(int slot) {
    if (slot > 0 && slot < ACL_LOCK_SLOTS) acl_slot = slot;
}
void acl_read_lock(void) { pthread_rwlock_rdlock(&acl_locks[acl_slot]); }
void acl_read_unlock(void) { pthread_rwlock_unlock(&acl_locks[acl_slot]); }
void acl_write_lock(void) {
    for (int i = 0; i < ACL_LOCK_SLOTS; i++) pthread_rwlock_wrlock(&acl_locks[i]);
}
void acl_write_unlock(void) {
    for (int i = ACL_LOCK_SLOTS - 1; i >= 0; i--) pthread_rwlock_unlock(&acl_locks[i]);
}

uint64_t acl_command_categories(const struct command *cmd) {
    uint64_t cat = cmd->acl;
    if (cmd->flags & CMD_WRITE) cat |= ACL_WRITE;
    if ((cmd->flags & CMD_READONLY) && !(cat & ACL_SCRIPTING)) cat |= ACL_READ;
    if (cmd->flags & CMD_ADMIN) cat |= ACL_ADMIN | ACL_DANGEROUS;
    if (cmd->flags & CMD_PUBSUB) cat |= ACL_PUBSUB;
    if (cmd->flags & CMD_FAST) cat |= ACL_FAST;
    if (cmd->flags & CMD_BLOCKING) cat |= ACL_BLOCKING;
    if (!(cat & ACL_FAST)) cat |= ACL_SLOW;
    return cat;
}

/* ---- selectors ---- */

void acl_selector_init(struct acl_selector *s) {
    memset(s, 0, sizeof(*s));
    s->allowed = wcalloc((size_t)bitmap_words, sizeof(uint64_t));
}

void acl_selector_free(struct acl_selector *s) {
    wfree(s->allowed);
    for (int i = 0; i < s->nkeys; i++) wfree(s->keys[i].pat);
    wfree(s->keys);
    for (int i = 0; i < s->nchannels; i++) wfree(s->channels[i]);
    wfree(s->channels);
    wfree(s->chanlens);
    memset(s, 0, sizeof(*s));
}

static void acl_selector_copy(struct acl_selector *dst, const struct acl_selector *src) {
    acl_selector_init(dst);
    memcpy(dst->allowed, src->allowed, (size_t)bitmap_words * sizeof(uint64_t));
    dst->allkeys = src->allkeys;
    dst->allchannels = src->allchannels;
    dst->nkeys = src->nkeys;
    if (src->nkeys) dst->keys = wmalloc((size_t)src->nkeys * sizeof(*dst->keys));
    for (int i = 0; i < src->nkeys; i++) {
        dst->keys[i] = src->keys[i];
        dst->keys[i].pat = wmemdup(src->keys[i].pat, src->keys[i].len);
    }
    dst->nchannels = src->nchannels;
    if (src->nchannels) {
        dst->channels = wmalloc((size_t)src->nchannels * sizeof(char *));
        dst->chanlens = wmalloc((size_t)src->nchannels * sizeof(size_t));
    }
    for (int i = 0; i < src->nchannels; i++) {
        dst->channels[i] = wmemdup(src->channels[i], src->chanlens[i]);
        dst->chanlens[i] = src->chanlens[i];
    }
}

static void acl_set_command_bit(struct acl_selector *s, const struct command *cmd, int allow) {
    acl_bit_set(s->allowed, cmd->id, allow);
    for (const struct command *sub = cmd->subcommands; sub && sub->name; sub++) acl_bit_set(s->allowed, sub->id, allow);
}

static void acl_set_category(struct acl_selector *s, uint64_t cat, int allow) {
    for (int id = 0; id < command_id_count(); id++) {
        const struct command *c = command_by_id(id);
        if (acl_command_categories(c) & cat) acl_bit_set(s->allowed, id, allow);
    }
}

static int acl_category_bit(const char *name, size_t len) {
    for (int i = 0; i < acl_category_count(); i++)
        if (strlen(category_names[i]) == len && strncasecmp(category_names[i], name, len) == 0) return i;
    return -1;
}

static void acl_add_key_pattern(struct acl_selector *s, const char *p, size_t len, int perm) {
    for (int i = 0; i < s->nkeys; i++)
        if (s->keys[i].len == len && memcmp(s->keys[i].pat, p, len) == 0) {
            s->keys[i].perm |= perm;
            return;
        }
    s->keys = wrealloc(s->keys, (size_t)(s->nkeys + 1) * sizeof(*s->keys));
    s->keys[s->nkeys].pat = wmemdup(p, len);
    s->keys[s->nkeys].len = len;
    s->keys[s->nkeys].perm = perm;
    s->nkeys++;
}

static void acl_reset_keys(struct acl_selector *s) {
    for (int i = 0; i < s->nkeys; i++) wfree(s->keys[i].pat);
    wfree(s->keys);
    s->keys = NULL;
    s->nkeys = 0;
    s->allkeys = 0;
}

static void acl_reset_channels(struct acl_selector *s) {
    for (int i = 0; i < s->nchannels; i++) wfree(s->channels[i]);
    wfree(s->channels);
    wfree(s->chanlens);
    s->channels = NULL;
    s->chanlens = NULL;
    s->nchannels = 0;
    s->allchannels = 0;
}

int acl_selector_rule(struct acl_selector *s, const char *op, size_t len, const char **why) {
    static const char *const after_star =
        "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. "
        "Try 'resetkeys' to start with an empty list of patterns";
    static const char *const after_star_ch =
        "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any "
        "effect. Try 'resetchannels' to start with an empty list of channels";
#define IS(lit) (len == sizeof(lit) - 1 && strncasecmp(op, lit, len) == 0)
    if (IS("allkeys") || (len == 2 && op[0] == '~' && op[1] == '*')) {
        acl_reset_keys(s);
        s->allkeys = 1;
        return 0;
    }
    if (IS("resetkeys")) {
        acl_reset_keys(s);
        return 0;
    }
    if (IS("allchannels") || (len == 2 && op[0] == '&' && op[1] == '*')) {
        acl_reset_channels(s);
        s->allchannels = 1;
        return 0;
    }
    if (IS("resetchannels")) {
        acl_reset_channels(s);
        return 0;
    }
    if (IS("allcommands") || IS("+@all")) {
        memset(s->allowed, 0xff, (size_t)bitmap_words * sizeof(uint64_t));
        return 0;
    }
    if (IS("nocommands") || IS("-@all")) {
        memset(s->allowed, 0, (size_t)bitmap_words * sizeof(uint64_t));
        return 0;
    }
#undef IS
    if (len >= 1 && (op[0] == '~' || op[0] == '%')) {
        int perm = ACL_PERM_READ | ACL_PERM_WRITE;
        size_t i = 1;
        if (op[0] == '%') {
            perm = 0;
            for (; i < len && op[i] != '~'; i++) {
                if (op[i] == 'R' || op[i] == 'r') perm |= ACL_PERM_READ;
                else if (op[i] == 'W' || op[i] == 'w') perm |= ACL_PERM_WRITE;
                else { *why = "Syntax error"; return -1; }
            }
            if (i >= len || perm == 0) { *why = "Syntax error"; return -1; }
            i++;
        }
        if (s->allkeys) { *why = after_star; return -1; }
        if (len - i == 1 && op[i] == '*' && perm == (ACL_PERM_READ | ACL_PERM_WRITE)) {
            acl_reset_keys(s);
            s->allkeys = 1;
            return 0;
        }
        acl_add_key_pattern(s, op + i, len - i, perm);
        return 0;
    }
    if (op[0] == '&') {
        if (s->allchannels) { *why = after_star_ch; return -1; }
        for (int i = 0; i < s->nchannels; i++)
            if (s->chanlens[i] == len - 1 && memcmp(s->channels[i], op + 1, len - 1) == 0) return 0;
        s->channels = wrealloc(s->channels, (size_t)(s->nchannels + 1) * sizeof(char *));
        s->chanlens = wrealloc(s->chanlens, (size_t)(s->nchannels + 1) * sizeof(size_t));
        s->channels[s->nchannels] = wmemdup(op + 1, len - 1);
        s->chanlens[s->nchannels] = len - 1;
        s->nchannels++;
        return 0;
    }
    if (op[0] == '+' || op[0] == '-') {
        int allow = op[0] == '+';
        if (len > 2 && op[1] == '@') {
            int bit = acl_category_bit(op + 2, len - 2);
            if (bit < 0) { *why = "Unknown command or category name in ACL"; return -1; }
            acl_set_category(s, 1ULL << bit, allow);
            return 0;
        }
        const char *bar = memchr(op + 1, '|', len - 1);
        size_t nlen = bar ? (size_t)(bar - op - 1) : len - 1;
        struct command *cmd = command_lookup(op + 1, nlen);
        if (!cmd) { *why = "Unknown command or category name in ACL"; return -1; }
        if (bar) {
            size_t slen = len - 1 - nlen - 1;
            if (!cmd->subcommands) { *why = "Allowing first-arg of a subcommand is not supported"; return -1; }
            struct command *sub = command_lookup_sub(cmd, bar + 1, slen);
            if (!sub) { *why = "Unknown command or category name in ACL"; return -1; }
            acl_bit_set(s->allowed, sub->id, allow);
            /* the container is runnable when any subcommand is */
            if (allow) acl_bit_set(s->allowed, cmd->id, 1);
            return 0;
        }
        acl_set_command_bit(s, cmd, allow);
        return 0;
    }
    *why = "Syntax error";
    return -1;
}

/* ---- users ---- */

static struct acl_user *acl_user_new(const char *name, size_t len) {
    struct acl_user *u = wcalloc(1, sizeof(*u));
    u->name = wmemdup(name, len);
    u->sanitize_payload = 0;
    acl_selector_init(&u->root);
    u->root.allchannels = server_config.acl_pubsub_default; /* acl-pubsub-default */
    return u;
}

static void acl_user_free(struct acl_user *u) {
    if (!u) return;
    wfree(u->name);
    wfree(u->pass);
    acl_selector_free(&u->root);
    for (int i = 0; i < u->nsel; i++) acl_selector_free(&u->sel[i]);
    wfree(u->sel);
    wfree(u);
}

/* Move the contents of `src` into `dst` (dst's old contents freed; src emptied). */
static void acl_user_move(struct acl_user *dst, struct acl_user *src) {
    wfree(dst->pass);
    acl_selector_free(&dst->root);
    for (int i = 0; i < dst->nsel; i++) acl_selector_free(&dst->sel[i]);
    wfree(dst->sel);
    dst->enabled = src->enabled;
    dst->nopass = src->nopass;
    dst->sanitize_payload = src->sanitize_payload;
    dst->pass = src->pass;
    dst->npass = src->npass;
    dst->root = src->root;
    dst->sel = src->sel;
    dst->nsel = src->nsel;
    src->pass = NULL;
    src->npass = 0;
    src->sel = NULL;
    src->nsel = 0;
    memset(&src->root, 0, sizeof(src->root));
}

static struct acl_user *acl_user_clone(const struct acl_user *u) {
    struct acl_user *c = wcalloc(1, sizeof(*c));
    c->name = wstrdup(u->name);
    c->enabled = u->enabled;
    c->nopass = u->nopass;
    c->sanitize_payload = u->sanitize_payload;
    c->npass = u->npass;
    if (u->npass) {
        c->pass = wmalloc((size_t)u->npass * 32);
        memcpy(c->pass, u->pass, (size_t)u->npass * 32);
    }
    acl_selector_copy(&c->root, &u->root);
    c->nsel = u->nsel;
    if (u->nsel) c->sel = wmalloc((size_t)u->nsel * sizeof(*c->sel));
    for (int i = 0; i < u->nsel; i++) acl_selector_copy(&c->sel[i], &u->sel[i]);
    return c;
}

static void acl_hash_password(const char *p, size_t len, unsigned char out[32]) {
    SHA256((const unsigned char *)p, len, out);
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static int acl_parse_hash(const char *p, size_t len, unsigned char out[32]) {
    if (len != 64) return -1;
    for (int i = 0; i < 32; i++) {
        int h = hexval(p[2 * i]), l = hexval(p[2 * i + 1]);
        if (h < 0 || l < 0) return -1;
        out[i] = (unsigned char)(h * 16 + l);
    }
    return 0;
}

static void acl_add_pass(struct acl_user *u, const unsigned char d[32]) {
    for (int i = 0; i < u->npass; i++)
        if (!memcmp(u->pass[i], d, 32)) return;
    u->pass = wrealloc(u->pass, (size_t)(u->npass + 1) * 32);
    memcpy(u->pass[u->npass++], d, 32);
}

static int acl_del_pass(struct acl_user *u, const unsigned char d[32]) {
    for (int i = 0; i < u->npass; i++)
        if (!memcmp(u->pass[i], d, 32)) {
            memmove(u->pass[i], u->pass[i + 1], (size_t)(u->npass - i - 1) * 32);
            u->npass--;
            return 0;
        }
    return -1;
}

static void acl_user_reset(struct acl_user *u) {
    wfree(u->pass);
    u->pass = NULL;
    u->npass = 0;
    u->nopass = 0;
    u->enabled = 0;
    u->sanitize_payload = 1;
    for (int i = 0; i < u->nsel; i++) acl_selector_free(&u->sel[i]);
    wfree(u->sel);
    u->sel = NULL;
    u->nsel = 0;
    acl_selector_free(&u->root);
    acl_selector_init(&u->root);
    u->root.allchannels = server_config.acl_pubsub_default;
}

/* Apply one user-level rule. */
static int acl_user_rule(struct acl_user *u, const char *op, size_t len, const char **why) {
#define IS(lit) (len == sizeof(lit) - 1 && strncasecmp(op, lit, len) == 0)
    unsigned char d[32];
    if (IS("on")) u->enabled = 1;
    else if (IS("off")) u->enabled = 0;
    else if (IS("nopass")) {
        u->nopass = 1;
        wfree(u->pass);
        u->pass = NULL;
        u->npass = 0;
    } else if (IS("resetpass")) {
        u->nopass = 0;
        wfree(u->pass);
        u->pass = NULL;
        u->npass = 0;
    } else if (IS("skip-sanitize-payload")) u->sanitize_payload = 0;
    else if (IS("sanitize-payload")) u->sanitize_payload = 1;
    else if (IS("reset")) acl_user_reset(u);
    else if (IS("clearselectors")) {
        for (int i = 0; i < u->nsel; i++) acl_selector_free(&u->sel[i]);
        wfree(u->sel);
        u->sel = NULL;
        u->nsel = 0;
    } else if (len >= 1 && op[0] == '>') {
        acl_hash_password(op + 1, len - 1, d);
        acl_add_pass(u, d);
        u->nopass = 0;
    } else if (len >= 1 && op[0] == '<') {
        acl_hash_password(op + 1, len - 1, d);
        if (acl_del_pass(u, d) != 0) {
            *why = "The password you are trying to remove from the user does not exist";
            return -1;
        }
    } else if (len >= 1 && (op[0] == '#' || op[0] == '!')) {
        if (acl_parse_hash(op + 1, len - 1, d) != 0) {
            *why = "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
            return -1;
        }
        if (op[0] == '#') {
            acl_add_pass(u, d);
            u->nopass = 0;
        } else if (acl_del_pass(u, d) != 0) {
            *why = "The password you are trying to remove from the user does not exist";
            return -1;
        }
    } else if (len >= 2 && op[0] == '(' && op[len - 1] == ')') {
        struct acl_selector s;
        acl_selector_init(&s);
        /* rules inside the parentheses, space separated */
        size_t i = 1;
        while (i < len - 1) {
            while (i < len - 1 && op[i] == ' ') i++;
            size_t start = i;
            while (i < len - 1 && op[i] != ' ') i++;
            if (i > start && acl_selector_rule(&s, op + start, i - start, why) != 0) {
                acl_selector_free(&s);
                return -1;
            }
        }
        u->sel = wrealloc(u->sel, (size_t)(u->nsel + 1) * sizeof(*u->sel));
        u->sel[u->nsel++] = s;
    } else {
        return acl_selector_rule(&u->root, op, len, why);
    }
    return 0;
#undef IS
}

struct acl_user *acl_find_user(const char *name, size_t len) {
    for (int i = 0; i < nusers; i++)
        if (strlen(users[i]->name) == len && memcmp(users[i]->name, name, len) == 0) return users[i];
    return NULL;
}

struct acl_user *acl_user_at(int i) { return i >= 0 && i < nusers ? users[i] : NULL; }
const char *acl_user_name(const struct acl_user *u) { return u ? u->name : "default"; }
struct acl_user *acl_default_user(void) { return default_user; }

int acl_user_nopass_enabled(const struct acl_user *u) { return u->enabled && u->nopass; }
int acl_user_enabled(const struct acl_user *u) { return u->enabled; }

int acl_default_user_has_password(void) {
    acl_read_lock();
    int r = !default_user->nopass;
    acl_read_unlock();
    return r;
}

/* Apply rules to u in order; stops at the first bad one, with "<what> '<rule>': <why>"
 * in err. Rules may carry "(a b c)" selectors split over several argv words by a
 * client that did not quote them; words are joined until the closing parenthesis as
 * Redis does. */
static int acl_apply_rules(struct acl_user *u, int nrules, char **rules, size_t *lens, const char *what, char *err,
                           size_t errlen) {
    for (int i = 0; i < nrules; i++) {
        const char *why = NULL;
        char *joined = NULL;
        const char *op = rules[i];
        size_t len = lens[i];
        int first = i;
        if (len && op[0] == '(' && op[len - 1] != ')') {
            size_t total = 0;
            int j = i;
            for (; j < nrules; j++) {
                total += lens[j] + 1;
                if (lens[j] && rules[j][lens[j] - 1] == ')') break;
            }
            if (j == nrules) {
                snprintf(err, errlen, "Unmatched parenthesis in acl selector starting at '%.*s'.", (int)len, op);
                return -1;
            }
            joined = wmalloc(total + 1);
            size_t at = 0;
            for (int k = i; k <= j; k++) {
                if (k > i) joined[at++] = ' ';
                memcpy(joined + at, rules[k], lens[k]);
                at += lens[k];
            }
            op = joined;
            len = at;
            i = j;
        }
        int rc = acl_user_rule(u, op, len, &why);
        wfree(joined);
        if (rc != 0) {
            snprintf(err, errlen, "%s '%.*s': %s", what, (int)(lens[first] > 128 ? 128 : lens[first]), rules[first],
                     why);
            return -1;
        }
    }
    return 0;
}

/* 1 if `pat` is among the channel patterns `u` allows in any selector. */
static int acl_user_has_channel(const struct acl_user *u, const char *pat, size_t len) {
    const struct acl_selector *all[1 + 64];
    int n = 0;
    all[n++] = &u->root;
    for (int i = 0; i < u->nsel && n < 65; i++) all[n++] = &u->sel[i];
    for (int k = 0; k < n; k++) {
        if (all[k]->allchannels) return 1;
        for (int i = 0; i < all[k]->nchannels; i++)
            if (all[k]->chanlens[i] == len && !memcmp(all[k]->channels[i], pat, len)) return 1;
    }
    return 0;
}

/* Did a change take channel permissions away? (Conservative: any pattern or the
 * allchannels flag that the old user had and the new one lacks.) */
static int acl_channels_reduced(const struct acl_user *old, const struct acl_user *now) {
    const struct acl_selector *all[1 + 64];
    int n = 0;
    all[n++] = &old->root;
    for (int i = 0; i < old->nsel && n < 65; i++) all[n++] = &old->sel[i];
    int now_all = now->root.allchannels;
    for (int i = 0; i < now->nsel; i++) now_all |= now->sel[i].allchannels;
    for (int k = 0; k < n; k++) {
        if (all[k]->allchannels && !now_all) return 1;
        for (int i = 0; i < all[k]->nchannels; i++)
            if (!acl_user_has_channel(now, all[k]->channels[i], all[k]->chanlens[i])) return 1;
    }
    return 0;
}

/* Disconnect the subscribers of `u` (its channel permissions shrank), as Redis 7 does
 * for subscribers whose channels are no longer allowed. Warden is stricter: every
 * subscribed client of the user is closed and re-subscribes under the new rules. */
static void acl_kill_subscribers_of(struct acl_user *u) {
    pthread_mutex_lock(&registry_lock);
    for (struct client *c = registry_first(); c; c = c->rnext)
        if (c->user == u && (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_PUBSUB))
            registry_kill_locked(c);
    pthread_mutex_unlock(&registry_lock);
}

int acl_setuser(const char *name, size_t nlen, int nrules, char **rules, size_t *rlens, char *err, size_t errlen) {
    for (size_t i = 0; i < nlen; i++)
        if (name[i] == ' ' || name[i] == '\0' || name[i] == '\n' || name[i] == '\r') {
            snprintf(err, errlen, "Usernames can't contain spaces or null characters");
            return -1;
        }
    acl_write_lock();
    struct acl_user *existing = acl_find_user(name, nlen);
    struct acl_user *work = existing ? acl_user_clone(existing) : acl_user_new(name, nlen);
    if (!existing) work->sanitize_payload = 0;
    int rc = acl_apply_rules(work, nrules, rules, rlens, "Error in ACL SETUSER modifier", err, errlen);
    int reduced = 0;
    if (rc == 0) {
        if (existing) {
            reduced = acl_channels_reduced(existing, work);
            acl_user_move(existing, work);
            acl_user_free(work);
        } else {
            users = wrealloc(users, (size_t)(nusers + 1) * sizeof(*users));
            users[nusers++] = work;
        }
    } else {
        acl_user_free(work);
    }
    acl_write_unlock();
    if (reduced) acl_kill_subscribers_of(existing);
    return rc;
}

void acl_kill_clients_of(struct acl_user *u) {
    pthread_mutex_lock(&registry_lock);
    for (struct client *c = registry_first(); c; c = c->rnext)
        if (c->user == u && c->authenticated) registry_kill_locked(c);
    pthread_mutex_unlock(&registry_lock);
}

int acl_deluser(const char *name, size_t nlen) {
    if (nlen == 7 && !memcmp(name, "default", 7)) return -1;
    acl_write_lock();
    struct acl_user *u = acl_find_user(name, nlen);
    if (!u) {
        acl_write_unlock();
        return 0;
    }
    for (int i = 0; i < nusers; i++)
        if (users[i] == u) {
            memmove(&users[i], &users[i + 1], (size_t)(nusers - i - 1) * sizeof(*users));
            nusers--;
            break;
        }
    u->deleted = 1;
    u->enabled = 0;
    graveyard = wrealloc(graveyard, (size_t)(ngrave + 1) * sizeof(*graveyard));
    graveyard[ngrave++] = u;
    acl_write_unlock();
    acl_kill_clients_of(u);
    return 1;
}

struct acl_user *acl_authenticate(const char *user, size_t ulen, const char *pass, size_t plen) {
    unsigned char d[32];
    acl_hash_password(pass, plen, d);
    acl_read_lock();
    struct acl_user *u = acl_find_user(user, ulen);
    struct acl_user *ok = NULL;
    if (u && u->enabled) {
        if (u->nopass) ok = u;
        /* compare against every stored digest without an early exit */
        int match = 0;
        for (int i = 0; i < u->npass; i++) match |= CRYPTO_memcmp(u->pass[i], d, 32) == 0;
        if (match) ok = u;
    }
    acl_read_unlock();
    OPENSSL_cleanse(d, sizeof(d));
    return ok;
}

void acl_set_requirepass(const char *pass) {
    acl_write_lock();
    struct acl_user *u = default_user;
    wfree(u->pass);
    u->pass = NULL;
    u->npass = 0;
    if (pass && pass[0]) {
        unsigned char d[32];
        acl_hash_password(pass, strlen(pass), d);
        acl_add_pass(u, d);
        u->nopass = 0;
    } else {
        u->nopass = 1;
    }
    acl_write_unlock();
}

/* ---- checks ---- */

static int acl_key_allowed(const struct acl_selector *s, const char *key, size_t klen, int perm) {
    if (s->allkeys) return 1;
    int have = 0;
    for (int i = 0; i < s->nkeys; i++)
        if ((s->keys[i].perm & perm) && glob_match(s->keys[i].pat, s->keys[i].len, key, klen, 0)) {
            have |= s->keys[i].perm & perm;
            if (have == perm) return 1;
        }
    return 0;
}

static int acl_channel_allowed(const struct acl_selector *s, const char *ch, size_t len, int is_pattern) {
    if (s->allchannels) return 1;
    for (int i = 0; i < s->nchannels; i++) {
        if (is_pattern) {
            if (s->chanlens[i] == len && memcmp(s->channels[i], ch, len) == 0) return 1;
        } else if (glob_match(s->channels[i], s->chanlens[i], ch, len, 0)) {
            return 1;
        }
    }
    return 0;
}

/* Channel arguments of pub/sub commands: first index, is-pattern; -1 if none. */
static int acl_channel_args(const struct command *cmd, int *first, int *last, int argc, int *is_pattern) {
    const char *n = cmd->parent ? NULL : cmd->name;
    *is_pattern = 0;
    if (!n) return -1;
    if (!strcmp(n, "publish") || !strcmp(n, "spublish")) {
        *first = *last = 1;
        return 0;
    }
    if (!strcmp(n, "subscribe") || !strcmp(n, "ssubscribe") || !strcmp(n, "psubscribe")) {
        *first = 1;
        *last = argc - 1;
        *is_pattern = n[0] == 'p';
        return 0;
    }
    return -1;
}

static int acl_selector_check(const struct acl_selector *s, const struct command *cmd, const struct client *c,
                              int argc, char **argv, size_t *lens, const int *keyidx, int nkeys, int *errpos) {
    if (!acl_bit_get(s->allowed, cmd->id)) return ACL_DENIED_CMD;
    for (int k = 0; k < nkeys; k++) {
        int perm = acl_key_perm(cmd, c, k, nkeys);
        if (!acl_key_allowed(s, argv[keyidx[k]], lens[keyidx[k]], perm)) {
            *errpos = keyidx[k];
            return ACL_DENIED_KEY;
        }
    }
    int first, last, pat;
    if (acl_channel_args(cmd, &first, &last, argc, &pat) == 0) {
        for (int i = first; i <= last && i < argc; i++)
            if (!acl_channel_allowed(s, argv[i], lens[i], pat)) {
                *errpos = i;
                return ACL_DENIED_CHANNEL;
            }
    }
    return ACL_OK;
}

/* A selector that can read every key (allkeys, or a "*" pattern with read access). */
static int acl_selector_reads_all(const struct acl_selector *s) {
    if (s->allkeys) return 1;
    for (int i = 0; i < s->nkeys; i++)
        if ((s->keys[i].perm & ACL_PERM_READ) && s->keys[i].len == 1 && s->keys[i].pat[0] == '*') return 1;
    return 0;
}

/* acl_check_command; with all_read, only a selector that can also read every key
 * counts (acl_user_reads_all_keys). */
static int acl_check_generic(struct acl_user *u, const struct command *cmd, struct client *c, int *errpos,
                             int all_read);

int acl_check_command(struct acl_user *u, const struct command *cmd, struct client *c, int *errpos) {
    return acl_check_generic(u, cmd, c, errpos, 0);
}

int acl_user_reads_all_keys(struct acl_user *u, const struct command *cmd, struct client *c) {
    int pos;
    return !u || acl_check_generic(u, cmd, c, &pos, 1) == ACL_OK;
}

static int acl_check_generic(struct acl_user *u, const struct command *cmd, struct client *c, int *errpos,
                             int all_read) {
    int keyidx_stack[ACL_CHECK_STACK_ARGS], nkeys = 0, argc = c->argc;
    int *keyidx = keyidx_stack;
    char *argv_stack[ACL_CHECK_STACK_ARGS];
    size_t lens_stack[ACL_CHECK_STACK_ARGS];
    char **argv = argv_stack;
    size_t *lens = lens_stack;
    *errpos = 0;
    acl_read_lock();
    int unrestricted = u->root.allkeys && u->root.allchannels && acl_bit_get(u->root.allowed, cmd->id);
    acl_read_unlock();
    if (unrestricted) return ACL_OK; /* the common case: an unrestricted user */
    if (argc > ACL_CHECK_STACK_ARGS) keyidx = wmalloc((size_t)argc * 2 * sizeof(int));
    int cap = argc > ACL_CHECK_STACK_ARGS ? argc * 2 : ACL_CHECK_STACK_ARGS;
    if (cmd->first_key > 0 && cmd->first_key < argc && !(cmd->flags & CMD_NOT_KEY)) {
        int last = cmd->last_key < 0 ? argc + cmd->last_key : cmd->last_key;
        if (last >= argc) last = argc - 1;
        int step = cmd->key_step > 0 ? cmd->key_step : 1;
        for (int i = cmd->first_key; i <= last && nkeys < cap; i += step) keyidx[nkeys++] = i;
    }
    /* a key index list longer than argc is impossible; getkeys is bounded by `cap` */
    if (cmd->getkeys) {
        int n = cmd->getkeys(c, keyidx + nkeys, cap - nkeys);
        nkeys += n < cap - nkeys ? n : cap - nkeys;
    }
    if (argc > ACL_CHECK_STACK_ARGS) {
        argv = wmalloc((size_t)argc * sizeof(char *));
        lens = wmalloc((size_t)argc * sizeof(size_t));
    }
    for (int i = 0; i < argc; i++) {
        argv[i] = c->argv[i].ptr;
        lens[i] = c->argv[i].len;
    }
    acl_read_lock();
    int pos = 0;
    int res = acl_selector_check(&u->root, cmd, c, argc, argv, lens, keyidx, nkeys, &pos);
    if (res == ACL_OK && all_read && !acl_selector_reads_all(&u->root)) res = ACL_DENIED_KEY;
    if (res != ACL_OK) {
        for (int i = 0; i < u->nsel; i++) {
            int p2 = 0;
            if (acl_selector_check(&u->sel[i], cmd, c, argc, argv, lens, keyidx, nkeys, &p2) == ACL_OK &&
                (!all_read || acl_selector_reads_all(&u->sel[i]))) {
                res = ACL_OK;
                break;
            }
        }
    }
    acl_read_unlock();
    if (argv != argv_stack) {
        wfree(argv);
        wfree(lens);
    }
    if (keyidx != keyidx_stack) wfree(keyidx);
    *errpos = pos;
    return res;
}

/* ---- lifecycle ---- */

void acl_init(void) {
    for (int i = 0; i < ACL_LOCK_SLOTS; i++) pthread_rwlock_init(&acl_locks[i], NULL);
    future_bit = command_id_count();
    bitmap_words = (future_bit + 1 + 63) / 64;
    default_user = acl_user_new("default", 7);
    default_user->enabled = 1;
    default_user->nopass = 1;
    default_user->root.allkeys = 1;
    default_user->root.allchannels = 1;
    memset(default_user->root.allowed, 0xff, (size_t)bitmap_words * sizeof(uint64_t));
    users = wmalloc(sizeof(*users));
    users[0] = default_user;
    nusers = 1;
}

void acl_shutdown(void) {
    for (int i = 0; i < nusers; i++) acl_user_free(users[i]);
    for (int i = 0; i < ngrave; i++) acl_user_free(graveyard[i]);
    wfree(users);
    wfree(graveyard);
    users = graveyard = NULL;
    nusers = ngrave = 0;
    default_user = NULL;
}

/* ---- detached users (file loading) ---- */

struct acl_user *acl_detached_user(const char *name, size_t len) {
    struct acl_user *u = acl_user_new(name, len);
    u->sanitize_payload = 0;
    return u;
}

void acl_detached_free(struct acl_user *u) { acl_user_free(u); }

int acl_detached_apply(struct acl_user *u, int nrules, char **rules, size_t *lens, char *err, size_t errlen) {
    return acl_apply_rules(u, nrules, rules, lens, "Error in user declaration", err, errlen);
}

/* Replace the live users by `parsed` (ownership of each passes here). Users that keep
 * their name keep their struct (clients' pointers stay valid); users that disappear
 * go to the graveyard and their clients are disconnected, as Redis does. A set without
 * "default" gets a fresh default user. */
void acl_install_users(struct acl_user **parsed, int n) {
    struct acl_user **removed = NULL;
    int nremoved = 0;
    int has_default = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(parsed[i]->name, "default")) has_default = 1;
    acl_write_lock();
    struct acl_user **next = wmalloc((size_t)(n + 1) * sizeof(*next));
    int nnext = 0;
    if (!has_default) {
        struct acl_user *d = acl_user_new("default", 7);
        d->enabled = 1;
        d->nopass = 1;
        d->root.allkeys = d->root.allchannels = 1;
        memset(d->root.allowed, 0xff, (size_t)bitmap_words * sizeof(uint64_t));
        acl_user_move(default_user, d);
        acl_user_free(d);
        next[nnext++] = default_user;
    }
    for (int i = 0; i < n; i++) {
        struct acl_user *old = acl_find_user(parsed[i]->name, strlen(parsed[i]->name));
        if (old) {
            acl_user_move(old, parsed[i]);
            acl_user_free(parsed[i]);
            next[nnext++] = old;
        } else {
            next[nnext++] = parsed[i];
        }
    }
    for (int i = 0; i < nusers; i++) {
        int kept = 0;
        for (int k = 0; k < nnext; k++)
            if (next[k] == users[i]) kept = 1;
        if (!kept) {
            users[i]->deleted = 1;
            users[i]->enabled = 0;
            graveyard = wrealloc(graveyard, (size_t)(ngrave + 1) * sizeof(*graveyard));
            graveyard[ngrave++] = users[i];
            removed = wrealloc(removed, (size_t)(nremoved + 1) * sizeof(*removed));
            removed[nremoved++] = users[i];
        }
    }
    wfree(users);
    users = next;
    nusers = nnext;
    acl_write_unlock();
    for (int i = 0; i < nremoved; i++) acl_kill_clients_of(removed[i]);
    wfree(removed);
}
