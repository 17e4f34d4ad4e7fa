/* config.c — the option table's values: parsing and formatting each type, defaults,
 * CONFIG GET (pattern matching) and CONFIG SET (several options, all-or-nothing).
 * See config.h. Rows and special options: config_options.c; redis.conf and the command
 * line: config_load.c; CONFIG REWRITE: config_rewrite.c.
 *
 * Concurrency: every change of a value happens with config_lock held for writing (or
 * before workers start); string fields are replaced, never modified in place, so a
 * reader holding the lock for reading sees a whole value. */
#include "config.h"
#include "config_int.h"
#include "util/alloc.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/numparse.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct server_config server_config;
pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Values of rows without a field (no-ops, features not built yet). */
union config_slot {
    _Atomic int i;
    _Atomic long long ll;
    char *s;
};
static union config_slot *slots;
static char **default_text; /* formatted default of each row, for REWRITE and is_default */
/* One CONFIG SET at a time: validate, commit, apply and a possible rollback form one unit,
 * so a rollback never undoes another client's change. */
static pthread_mutex_t set_mutex = PTHREAD_MUTEX_INITIALIZER;
static int option_count;

#define CONFIG_FORMAT_MAX 8192
#define CONFIG_MAX_HOOKS 32
static struct {
    const char *name;
    config_hook_fn fn;
} hooks[CONFIG_MAX_HOOKS];
static int hook_count;

/* ---- value parsing ---- */

int config_parse_bool(const char *v, int *out) {
    if (!strcasecmp(v, "yes")) *out = 1;
    else if (!strcasecmp(v, "no")) *out = 0;
    else return -1;
    return 0;
}

int config_parse_memory(const char *v, long long *out) {
    const char *u = v;
    unsigned long long n = 0;
    while (isdigit((unsigned char)*u)) {
        unsigned d = (unsigned)(*u - '0');
        if (n > (ULLONG_MAX - d) / 10) return -1;
        n = n * 10 + d;
        u++;
    }
    if (u == v) return -1;
    unsigned long long mul = 1;
    if (*u) {
        if (!strcasecmp(u, "b")) mul = 1;
        else if (!strcasecmp(u, "k")) mul = 1000;
        else if (!strcasecmp(u, "kb")) mul = 1024;
        else if (!strcasecmp(u, "m")) mul = 1000 * 1000;
        else if (!strcasecmp(u, "mb")) mul = 1024 * 1024;
        else if (!strcasecmp(u, "g")) mul = 1000ULL * 1000 * 1000;
        else if (!strcasecmp(u, "gb")) mul = 1024ULL * 1024 * 1024;
        else return -1;
    }
    if (n > (unsigned long long)LLONG_MAX / mul) return -1;
    *out = (long long)(n * mul);
    return 0;
}

void config_format_memory(char *buf, size_t size, long long bytes) {
    const long long gb = 1024LL * 1024 * 1024, mb = 1024 * 1024, kb = 1024;
    if (bytes && bytes % gb == 0) snprintf(buf, size, "%lldgb", bytes / gb);
    else if (bytes && bytes % mb == 0) snprintf(buf, size, "%lldmb", bytes / mb);
    else if (bytes && bytes % kb == 0) snprintf(buf, size, "%lldkb", bytes / kb);
    else snprintf(buf, size, "%lld", bytes);
}

/* Octal as Redis reads unixsocketperm: digits 0-7 only. */
static int config_parse_octal(const char *v, long long *out) {
    long long n = 0;
    if (!*v) return -1;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '7') return -1;
        if (n > (LLONG_MAX >> 3)) return -1;
        n = n * 8 + (*p - '0');
    }
    *out = n;
    return 0;
}

void config_quote(char *buf, size_t size, const char *s) {
    size_t n = strlen(buf);
    char tmp[8];
#define PUT(str)                                                                                                       \
    do {                                                                                                               \
        size_t l_ = strlen(str);                                                                                       \
        if (n + l_ + 1 < size) {                                                                                       \
            memcpy(buf + n, str, l_);                                                                                  \
            n += l_;                                                                                                   \
        }                                                                                                              \
    } while (0)
    PUT("\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '\\': PUT("\\\\"); break;
        case '"': PUT("\\\""); break;
        case '\n': PUT("\\n"); break;
        case '\r': PUT("\\r"); break;
        case '\t': PUT("\\t"); break;
        case '\a': PUT("\\a"); break;
        case '\b': PUT("\\b"); break;
        default:
            if (isprint(*p)) {
                tmp[0] = (char)*p;
                tmp[1] = '\0';
            } else {
                snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
            }
            PUT(tmp);
        }
    }
    PUT("\"");
#undef PUT
    buf[n] = '\0';
}

/* ---- option lookup and storage ---- */

int config_option_count(void) { return option_count; }

const struct config_option *config_find(const char *name) {
    for (const struct config_option *o = config_options; o->name; o++) {
        if (!strcasecmp(o->name, name)) return o;
        if (o->alias && !strcasecmp(o->alias, name)) return o;
    }
    return NULL;
}

void *config_storage(const struct config_option *o) {
    if (o->field) return o->field;
    return &slots[o - config_options];
}

void config_format(const struct config_option *o, char *buf, size_t size) {
    void *f = config_storage(o);
    if (o->format) {
        o->format(o, buf, size);
        return;
    }
    switch (o->type) {
    case CFG_BOOL:
        snprintf(buf, size, "%s", atomic_load((_Atomic int *)f) ? "yes" : "no");
        break;
    case CFG_INT:
        snprintf(buf, size, (o->flags & CFG_OCTAL) ? "%o" : "%d", atomic_load((_Atomic int *)f));
        break;
    case CFG_LL:
        snprintf(buf, size, "%lld", atomic_load((_Atomic long long *)f));
        break;
    case CFG_MEMORY: {
        long long v = atomic_load((_Atomic long long *)f);
        if ((o->flags & CFG_PERCENT) && v < 0) snprintf(buf, size, "%lld%%", -v);
        else snprintf(buf, size, "%lld", v);
        break;
    }
    case CFG_ENUM: {
        int v = atomic_load((_Atomic int *)f);
        buf[0] = '\0';
        for (const struct config_enum *e = o->enums; e->name; e++)
            if (e->value == v) {
                snprintf(buf, size, "%s", e->name);
                break;
            }
        break;
    }
    case CFG_STRING: {
        char *s = *(char **)f;
        snprintf(buf, size, "%s", s ? s : "");
        break;
    }
    case CFG_SPECIAL:
        buf[0] = '\0';
        break;
    }
}

/* The CONFIG GET text, whole (strings may be longer than any fixed buffer). wfree it. */
static char *config_value_dup(const struct config_option *o) {
    if (o->type == CFG_STRING && !o->format) {
        char *s = *(char **)config_storage(o);
        return wstrdup(s ? s : "");
    }
    char *buf = wmalloc(CONFIG_FORMAT_MAX);
    config_format(o, buf, CONFIG_FORMAT_MAX);
    return buf;
}

int config_is_default(const struct config_option *o) {
    if (!default_text) return 1;
    char *cur = config_value_dup(o);
    int same = strcmp(cur, default_text[o - config_options]) == 0;
    wfree(cur);
    return same;
}

/* ---- applying a value ---- */

static int config_numeric(const struct config_option *o, const char *v, long long *n, char *err, size_t errlen) {
    int ok;
    if (o->type == CFG_MEMORY) {
        ok = config_parse_memory(v, n) == 0;
        size_t len = strlen(v);
        if (!ok && (o->flags & CFG_PERCENT) && len > 1 && v[len - 1] == '%' &&
            num_parse_ll(v, len - 1, n) == 0 && *n >= 0) {
            *n = -*n;
            if (*n < o->min) {
                snprintf(err, errlen, "percentage argument must be less or equal to %lld", -o->min);
                return -1;
            }
            return 0;
        }
        if (!ok) {
            snprintf(err, errlen, (o->flags & CFG_PERCENT) ? "argument must be a memory or percent value"
                                                           : "argument must be a memory value");
            return -1;
        }
    } else if (o->flags & CFG_OCTAL) {
        if (config_parse_octal(v, n) != 0) {
            snprintf(err, errlen, "argument couldn't be parsed as an octal number");
            return -1;
        }
    } else if (num_parse_ll(v, strlen(v), n) != 0) {
        snprintf(err, errlen, "argument couldn't be parsed into an integer");
        return -1;
    }
    if (*n < o->min || *n > o->max) {
        if ((o->flags & CFG_PERCENT) && *n < 0) snprintf(err, errlen, "argument must be a memory or percent value");
        else snprintf(err, errlen, "argument must be between %lld and %lld inclusive", o->min, o->max);
        return -1;
    }
    return 0;
}

int config_apply(const struct config_option *o, int argc, char **argv, int mode, char *err, size_t errlen) {
    int dry = (mode & CFG_MODE_DRY) != 0;
    void *f = config_storage(o);
    if (o->type == CFG_SPECIAL) return o->parse(o, argc, argv, mode, err, errlen);
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    const char *v = argv[0];
    switch (o->type) {
    case CFG_BOOL: {
        int b;
        if (config_parse_bool(v, &b) != 0) {
            snprintf(err, errlen, "argument must be 'yes' or 'no'");
            return -1;
        }
        if (o->check && o->check(o, b, err, errlen) != 0) return -1;
        if (!dry) atomic_store((_Atomic int *)f, b);
        break;
    }
    case CFG_INT:
    case CFG_LL:
    case CFG_MEMORY: {
        long long n;
        if (config_numeric(o, v, &n, err, errlen) != 0) return -1;
        if (o->check && o->check(o, n, err, errlen) != 0) return -1;
        if (o->adjust) n = o->adjust(o, n);
        if (dry) break;
        if (o->type == CFG_INT) atomic_store((_Atomic int *)f, (int)n);
        else atomic_store((_Atomic long long *)f, n);
        break;
    }
    case CFG_ENUM: {
        const struct config_enum *e;
        for (e = o->enums; e->name; e++)
            if (!strcasecmp(e->name, v)) break;
        if (!e->name) {
            size_t n = (size_t)snprintf(err, errlen, "argument(s) must be one of the following: ");
            for (e = o->enums; e->name && n < errlen; e++)
                n += (size_t)snprintf(err + n, errlen - n, "%s%s", e->name, e[1].name ? ", " : "");
            return -1;
        }
        if (o->check && o->check(o, e->value, err, errlen) != 0) return -1;
        if (!dry) atomic_store((_Atomic int *)f, e->value);
        break;
    }
    case CFG_STRING: {
        if (o->check_str && o->check_str(o, v, err, errlen) != 0) return -1;
        if (dry) break;
        char **sf = (char **)f;
        char *old = *sf;
        *sf = wstrdup(v);
        wfree(old);
        break;
    }
    case CFG_SPECIAL:
        break;
    }
    return 0;
}

/* Apply a value given as CONFIG GET-style text (defaults, rollback). */
static int config_apply_text(const struct config_option *o, const char *text, int mode, char *err, size_t errlen) {
    char **argv;
    int argc;
    if (o->type == CFG_SPECIAL && (o->flags & CFG_MULTI_ARG)) {
        argc = config_split_spaces(text, &argv);
    } else {
        argv = wmalloc(sizeof(char *));
        argv[0] = wstrdup(text);
        argc = 1;
    }
    int rc = config_apply(o, argc, argv, mode, err, errlen);
    config_free_words(argv, argc);
    return rc;
}

void config_init(void) {
    config_free();
    memset(&server_config, 0, sizeof(server_config));
    option_count = 0;
    for (const struct config_option *o = config_options; o->name; o++) option_count++;
    slots = wcalloc((size_t)option_count, sizeof(*slots));
    config_options_reset_load_state();
    for (const struct config_option *o = config_options; o->name; o++) {
        char err[256];
        if (!o->deflt) continue; /* a directive-like row with nothing to show */
        if (config_apply_text(o, o->deflt, CFG_MODE_DEFAULT, err, sizeof(err)) != 0) {
            fprintf(stderr, "internal error: default of '%s': %s\n", o->name, err);
            abort();
        }
    }
    config_options_reset_load_state();
    default_text = wcalloc((size_t)option_count, sizeof(char *));
    for (int i = 0; i < option_count; i++) default_text[i] = config_value_dup(&config_options[i]);
}

void config_free(void) {
    if (!slots) return;
    for (int i = 0; i < option_count; i++) {
        const struct config_option *o = &config_options[i];
        if (o->type == CFG_STRING) {
            char **sf = (char **)config_storage(o);
            wfree(*sf);
            *sf = NULL;
        }
        if (default_text) wfree(default_text[i]);
    }
    config_options_free();
    wfree(default_text);
    default_text = NULL;
    wfree(slots);
    slots = NULL;
    wfree(server_config.config_file);
    server_config.config_file = NULL;
}

/* ---- word splitting ---- */

static int hexdig(int c) {
    return isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* Quotes as redis-cli / redis.conf: "..." with \xHH \n \r \t \b \a and \<c>, '...' with \',
 * a closing quote must be followed by a space or the end. */
int config_split_line(const char *line, char ***argv_out) {
    char **argv = NULL;
    int argc = 0;
    const char *p = line;
    while (1) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) break;
        size_t cap = strlen(p) + 1, n = 0;
        char *word = wmalloc(cap);
        int inq = 0, insq = 0, done = 0;
        while (!done) {
            if (inq) {
                if (!*p) goto bad;
                if (p[0] == '\\' && p[1] == 'x' && hexdig((unsigned char)p[2]) >= 0 && hexdig((unsigned char)p[3]) >= 0) {
                    word[n++] = (char)(hexdig((unsigned char)p[2]) * 16 + hexdig((unsigned char)p[3]));
                    p += 4;
                } else if (p[0] == '\\' && p[1]) {
                    char c = p[1];
                    word[n++] = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c == 'b' ? '\b' : c == 'a' ? '\a' : c;
                    p += 2;
                } else if (*p == '"') {
                    if (p[1] && !isspace((unsigned char)p[1])) goto bad;
                    done = 1;
                    p++;
                } else {
                    word[n++] = *p++;
                }
            } else if (insq) {
                if (!*p) goto bad;
                if (p[0] == '\\' && p[1] == '\'') {
                    word[n++] = '\'';
                    p += 2;
                } else if (*p == '\'') {
                    if (p[1] && !isspace((unsigned char)p[1])) goto bad;
                    done = 1;
                    p++;
                } else {
                    word[n++] = *p++;
                }
            } else {
                if (!*p || isspace((unsigned char)*p)) done = 1;
                else if (*p == '"') { inq = 1; p++; }
                else if (*p == '\'') { insq = 1; p++; }
                else word[n++] = *p++;
            }
        }
        word[n] = '\0';
        argv = wrealloc(argv, (size_t)(argc + 1) * sizeof(char *));
        argv[argc++] = word;
        continue;
    bad:
        wfree(word);
        config_free_words(argv, argc);
        *argv_out = NULL;
        return -1;
    }
    *argv_out = argv;
    return argc;
}

int config_split_spaces(const char *value, char ***argv_out) {
    char **argv = NULL;
    int argc = 0;
    if (*value) {
        const char *p = value;
        while (1) {
            const char *sp = strchr(p, ' ');
            size_t len = sp ? (size_t)(sp - p) : strlen(p);
            argv = wrealloc(argv, (size_t)(argc + 1) * sizeof(char *));
            argv[argc++] = wmemdup(p, len);
            if (!sp) break;
            p = sp + 1;
        }
    }
    *argv_out = argv;
    return argc;
}

void config_free_words(char **argv, int argc) {
    for (int i = 0; i < argc; i++) wfree(argv[i]);
    wfree(argv);
}

/* ---- CONFIG SET ---- */

void config_register_hook(const char *name, config_hook_fn fn) {
    if (hook_count < CONFIG_MAX_HOOKS) {
        hooks[hook_count].name = name;
        hooks[hook_count].fn = fn;
        hook_count++;
    }
}

static config_hook_fn config_hook_for(const struct config_option *o) {
    for (int i = 0; i < hook_count; i++)
        if (!strcasecmp(hooks[i].name, o->name)) return hooks[i].fn;
    return NULL;
}

int config_is_sensitive(const char *name) {
    const struct config_option *o = config_find(name);
    return o && (o->flags & CFG_SENSITIVE);
}

/* Put back the old values of rows [0, n) (after a failed commit or hook). */
static void config_restore(const struct config_option **opts, char **old, int n) {
    char err[256];
    pthread_rwlock_wrlock(&config_lock);
    for (int i = 0; i < n; i++)
        if (old[i] && config_apply_text(opts[i], old[i], CFG_MODE_RUNTIME, err, sizeof(err)) != 0)
            log_warning("CONFIG SET rollback of '%s' failed: %s", opts[i]->name, err);
    pthread_rwlock_unlock(&config_lock);
    for (int i = 0; i < n; i++)
        if (old[i] && opts[i]->apply) opts[i]->apply(opts[i], err, sizeof(err));
}

int config_set_many(int n, const char *const *names, const char *const *values, int local_client, char *err,
                    size_t errlen) {
    const struct config_option **opts = wcalloc((size_t)n, sizeof(*opts));
    char **old = wcalloc((size_t)n, sizeof(*old));
    pthread_mutex_lock(&set_mutex);
    char why[512];
    int rc = -1, committed = 0;
    const char *bad_name = NULL;
    why[0] = '\0';

    /* 1. names: unknown, immutable, protected, duplicate (the first problem wins) */
    for (int i = 0; i < n && !bad_name; i++) {
        const struct config_option *o = config_find(names[i]);
        if (!o) {
            snprintf(err, errlen, "ERR Unknown option or number of arguments for CONFIG SET - '%s'", names[i]);
            goto out;
        }
        int prot = CONFIG_ALLOW_YES;
        if (o->flags & CFG_PROTECTED) prot = atomic_load(&server_config.enable_protected_configs);
        if (o->flags & CFG_IMMUTABLE) {
            bad_name = names[i];
            snprintf(why, sizeof(why), "can't set immutable config");
        } else if (prot == CONFIG_ALLOW_NO || (prot == CONFIG_ALLOW_LOCAL && !local_client)) {
            bad_name = names[i];
            snprintf(why, sizeof(why), "can't set protected config");
        } else {
            for (int j = 0; j < i; j++)
                if (opts[j] == o) {
                    bad_name = names[i];
                    snprintf(why, sizeof(why), "duplicate parameter");
                    break;
                }
        }
        opts[i] = o;
    }
    /* 2. values: validate them all before changing anything */
    for (int i = 0; i < n && !bad_name; i++) {
        if (config_apply_text(opts[i], values[i], CFG_MODE_RUNTIME | CFG_MODE_DRY, why, sizeof(why)) != 0)
            bad_name = names[i];
    }
    if (bad_name) goto fail;

    /* 3. commit under the lock, remembering the old values */
    pthread_rwlock_wrlock(&config_lock);
    for (int i = 0; i < n; i++) {
        old[i] = config_value_dup(opts[i]);
        committed = i + 1;
        if (config_apply_text(opts[i], values[i], CFG_MODE_RUNTIME, why, sizeof(why)) != 0) {
            bad_name = names[i];
            break;
        }
    }
    pthread_rwlock_unlock(&config_lock);
    if (bad_name) {
        config_restore(opts, old, committed);
        goto fail;
    }
    /* 4. let the owners apply what changed; any refusal rolls everything back */
    for (int i = 0; i < n; i++) {
        char *now = config_value_dup(opts[i]);
        int changed = strcmp(now, old[i]) != 0;
        wfree(now);
        config_hook_fn hook = config_hook_for(opts[i]);
        int bad = 0;
        /* apply functions always run (dir's value shows only once it is applied) */
        if (opts[i]->apply && opts[i]->apply(opts[i], why, sizeof(why)) != 0) bad = 1;
        else if (!changed) continue;
        else if (hook && hook(opts[i]->name, why, sizeof(why)) != 0) bad = 1;
        else if (opts[i]->after_set) opts[i]->after_set(opts[i]);
        else if (!hook && (opts[i]->flags & CFG_NEEDS_HOOK)) {
            snprintf(why, sizeof(why), "changing it at run time is not supported by this Warden build yet; restart "
                                       "with the new value");
            bad = 1;
        }
        if (bad) {
            bad_name = names[i];
            config_restore(opts, old, n);
            goto fail;
        }
    }
    rc = 0;
    goto out;
fail:
    if (why[0]) snprintf(err, errlen, "ERR CONFIG SET failed (possibly related to argument '%s') - %s", bad_name, why);
    else snprintf(err, errlen, "ERR CONFIG SET failed (possibly related to argument '%s')", bad_name);
out:
    pthread_mutex_unlock(&set_mutex);
    for (int i = 0; i < n; i++) wfree(old[i]);
    wfree(old);
    wfree(opts);
    return rc;
}

int config_set_runtime(const char *name, const char *value, char *err, size_t errlen) {
    return config_set_many(1, &name, &value, 1, err, errlen);
}

/* ---- CONFIG GET ---- */

static int config_any_match(const struct config_pattern *pats, int npats, const char *name) {
    size_t len = strlen(name);
    for (int i = 0; i < npats; i++)
        if (glob_match(pats[i].p, pats[i].len, name, len, 1)) return 1;
    return 0;
}

void config_get_patterns(const struct config_pattern *pats, int npats, config_get_fn fn, void *priv) {
    pthread_rwlock_rdlock(&config_lock);
    for (const struct config_option *o = config_options; o->name; o++) {
        int by_name = config_any_match(pats, npats, o->name);
        int by_alias = o->alias && config_any_match(pats, npats, o->alias);
        if (!by_name && !by_alias) continue;
        char *v = config_value_dup(o);
        if (by_name) fn(priv, o->name, v);
        if (by_alias) fn(priv, o->alias, v);
        wfree(v);
    }
    pthread_rwlock_unlock(&config_lock);
}

void config_get_matching(const char *pattern, size_t plen, config_get_fn fn, void *priv) {
    struct config_pattern p = {pattern, plen};
    config_get_patterns(&p, 1, fn, priv);
}

void config_copy_string(char *const *field, char *buf, size_t size) {
    pthread_rwlock_rdlock(&config_lock);
    snprintf(buf, size, "%s", *field ? *field : "");
    pthread_rwlock_unlock(&config_lock);
}
