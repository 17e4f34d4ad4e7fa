/* config.c — option table, redis.conf parsing, command line, CONFIG GET/SET/REWRITE
 * support. See config.h. Option rows: config_options.c. */
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
#include <unistd.h>

struct server_config server_config;
pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;

#define CONFIG_MAX_LINE (1024 * 1024)
#define CONFIG_MAX_INCLUDE_DEPTH 16

/* ---- value parsing ---- */

int config_parse_bool(const char *v, int *out) {
    if (!strcasecmp(v, "yes")) *out = 1;
    else if (!strcasecmp(v, "no")) *out = 0;
    else return -1;
    return 0;
}

/* "1gb", "100mb", "5k", "-1": Redis's memtoull units (k=1000, kb=1024, ...). */
int config_parse_memory(const char *v, long long *out) {
    size_t len = strlen(v), digits = len;
    long long mul = 1;
    const char *u = v;
    while (*u == '-' || isdigit((unsigned char)*u)) u++;
    digits = (size_t)(u - v);
    if (*u) {
        if (!strcasecmp(u, "b")) mul = 1;
        else if (!strcasecmp(u, "k")) mul = 1000;
        else if (!strcasecmp(u, "kb")) mul = 1024;
        else if (!strcasecmp(u, "m")) mul = 1000 * 1000;
        else if (!strcasecmp(u, "mb")) mul = 1024 * 1024;
        else if (!strcasecmp(u, "g")) mul = 1000LL * 1000 * 1000;
        else if (!strcasecmp(u, "gb")) mul = 1024LL * 1024 * 1024;
        else return -1;
    }
    long long n;
    if (num_parse_ll(v, digits, &n) != 0) return -1;
    if (n > 0 && n > LLONG_MAX / mul) return -1;
    if (n < 0 && n < LLONG_MIN / mul) return -1;
    *out = n * mul;
    return 0;
}

/* ---- option lookup ---- */

const struct config_option *config_find(const char *name) {
    for (const struct config_option *o = config_options; o->name; o++) {
        if (!strcasecmp(o->name, name)) return o;
        if (o->alias && !strcasecmp(o->alias, name)) return o;
    }
    return NULL;
}

/* Format an option's current value into buf (config_lock held for reading). */
void config_format(const struct config_option *o, char *buf, size_t size) {
    switch (o->type) {
    case CFG_BOOL:
        snprintf(buf, size, "%s", atomic_load((_Atomic int *)o->field) ? "yes" : "no");
        break;
    case CFG_INT:
        snprintf(buf, size, "%d", atomic_load((_Atomic int *)o->field));
        break;
    case CFG_LL:
    case CFG_MEMORY:
        snprintf(buf, size, "%lld", atomic_load((_Atomic long long *)o->field));
        break;
    case CFG_ENUM: {
        int v = atomic_load((_Atomic int *)o->field);
        buf[0] = '\0';
        for (const struct config_enum *e = o->enums; e->name; e++)
            if (e->value == v) {
                snprintf(buf, size, "%s", e->name);
                break;
            }
        break;
    }
    case CFG_STRING: {
        char *s = *(char **)o->field;
        snprintf(buf, size, "%s", s ? s : "");
        break;
    }
    case CFG_SPECIAL:
        o->format(o, buf, size);
        break;
    }
}

/* Apply one value. `runtime`: from CONFIG SET. Returns 0 or -1 with err filled. */
static int config_apply(const struct config_option *o, int argc, char **argv, int runtime, char *err, size_t errlen) {
    if (o->type != CFG_SPECIAL && argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    const char *v = argc > 0 ? argv[0] : ""; /* a special option may get no words ("") */
    switch (o->type) {
    case CFG_BOOL: {
        int b;
        if (config_parse_bool(v, &b) != 0) {
            snprintf(err, errlen, "argument must be 'yes' or 'no'");
            return -1;
        }
        if (o->check && o->check(o, b, err, errlen) != 0) return -1;
        atomic_store((_Atomic int *)o->field, b);
        break;
    }
    case CFG_INT:
    case CFG_LL:
    case CFG_MEMORY: {
        long long n;
        int bad = o->type == CFG_MEMORY ? config_parse_memory(v, &n) : num_parse_ll(v, strlen(v), &n);
        if (bad != 0) {
            snprintf(err, errlen, o->type == CFG_MEMORY ? "argument must be a memory value"
                                                         : "argument couldn't be parsed into an integer");
            return -1;
        }
        if (n < o->min || n > o->max) {
            snprintf(err, errlen, "argument must be between %lld and %lld inclusive", o->min, o->max);
            return -1;
        }
        if (o->check && o->check(o, n, err, errlen) != 0) return -1;
        if (o->type == CFG_INT) atomic_store((_Atomic int *)o->field, (int)n);
        else atomic_store((_Atomic long long *)o->field, n);
        break;
    }
    case CFG_ENUM: {
        const struct config_enum *e;
        for (e = o->enums; e->name; e++)
            if (!strcasecmp(e->name, v)) break;
        if (!e->name) {
            char names[256] = "";
            for (e = o->enums; e->name; e++) {
                if (names[0]) strncat(names, ", ", sizeof(names) - strlen(names) - 1);
                strncat(names, e->name, sizeof(names) - strlen(names) - 1);
            }
            snprintf(err, errlen, "argument(s) must be one of the following: %s", names);
            return -1;
        }
        if (o->check && o->check(o, e->value, err, errlen) != 0) return -1;
        atomic_store((_Atomic int *)o->field, e->value);
        break;
    }
    case CFG_STRING: {
        if (o->check_str && o->check_str(o, v, err, errlen) != 0) return -1;
        char **f = (char **)o->field;
        char *old = *f;
        *f = wstrdup(v);
        wfree(old);
        break;
    }
    case CFG_SPECIAL:
        if (o->parse(o, argc, argv, runtime, err, errlen) != 0) return -1;
        break;
    }
    return 0;
}

void config_init(void) {
    memset(&server_config, 0, sizeof(server_config));
    for (const struct config_option *o = config_options; o->name; o++) {
        if (!o->deflt) continue;
        char err[256];
        char *argv[CONFIG_MAX_BIND];
        int argc = 0;
        char *copy = wstrdup(o->deflt);
        if (o->type == CFG_SPECIAL) {
            /* special defaults are space-separated words */
            for (char *tok = strtok(copy, " "); tok && argc < CONFIG_MAX_BIND; tok = strtok(NULL, " ")) argv[argc++] = tok;
        } else {
            argv[argc++] = copy;
        }
        if (config_apply(o, argc, argv, 0, err, sizeof(err)) != 0) {
            fprintf(stderr, "internal error: default of '%s': %s\n", o->name, err);
            abort();
        }
        wfree(copy);
    }
}

/* ---- redis.conf line splitting (quotes as redis-cli / sdssplitargs) ---- */

static int hexdig(int c) {
    return isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* Split `line` into words; returns count or -1 on unbalanced quotes. Words are
 * wmalloc'd into argv (caller frees with config_free_words). */
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
                if (p[0] == '\\' && p[1] == 'x' && hexdig(p[2]) >= 0 && hexdig(p[3]) >= 0) {
                    word[n++] = (char)(hexdig(p[2]) * 16 + hexdig(p[3]));
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

void config_free_words(char **argv, int argc) {
    for (int i = 0; i < argc; i++) wfree(argv[i]);
    wfree(argv);
}

/* ---- loading ---- */


static void config_fatal(const char *file, int lineno, const char *line, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Warden %s) ***\n", WARDEN_VERSION);
    if (lineno > 0) fprintf(stderr, "Reading the configuration file, at %s line %d\n", file, lineno);
    else fprintf(stderr, "Reading the configuration from %s\n", file);
    fprintf(stderr, ">>> '%s'\n%s\n", line, msg);
    exit(1);
}

static void config_load_text(const char *text, const char *file, int depth);

static void config_load_file(const char *path, int depth, const char *from_file, int from_line) {
    if (depth > CONFIG_MAX_INCLUDE_DEPTH) config_fatal(from_file, from_line, path, "include nesting too deep");
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        if (depth == 0) {
            fprintf(stderr, "Fatal error, can't open config file '%s': %s\n", path, strerror(errno));
            exit(1);
        }
        config_fatal(from_file, from_line, path, "could not open included file: %s", strerror(errno));
    }
    size_t cap = 64 * 1024, len = 0;
    char *buf = wmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 >= cap) {
            if (cap >= 64 * 1024 * 1024) config_fatal(path, 0, path, "config file too large");
            cap *= 2;
            buf = wrealloc(buf, cap);
        }
    }
    buf[len] = '\0';
    if (f != stdin) fclose(f);
    config_load_text(buf, path, depth);
    wfree(buf);
}

static void config_load_text(const char *text, const char *file, int depth) {
    int lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (len > CONFIG_MAX_LINE) config_fatal(file, lineno, "...", "line too long");
        char *line = wmemdup(p, len);
        p += len + (nl ? 1 : 0);
        /* trim */
        char *s = line;
        while (*s && isspace((unsigned char)*s)) s++;
        size_t sl = strlen(s);
        while (sl && isspace((unsigned char)s[sl - 1])) s[--sl] = '\0';
        if (!*s || *s == '#') {
            wfree(line);
            continue;
        }
        char **argv;
        int argc = config_split_line(s, &argv);
        if (argc < 0) config_fatal(file, lineno, s, "Unbalanced quotes in configuration line");
        if (argc == 0) {
            wfree(line);
            continue;
        }
        if (!strcasecmp(argv[0], "include")) {
            if (argc != 2) config_fatal(file, lineno, s, "Invalid include directive");
            config_load_file(argv[1], depth + 1, file, lineno);
        } else {
            const struct config_option *o = config_find(argv[0]);
            char err[512];
            if (!o) config_fatal(file, lineno, s, "Bad directive or wrong number of arguments");
            if (o->type != CFG_SPECIAL && argc != 2)
                config_fatal(file, lineno, s, "wrong number of arguments for '%s'", o->name);
            if (o->flags & CFG_NOOP)
                log_notice("config '%s' is accepted for compatibility and has no effect in Warden", o->name);
            if (config_apply(o, argc - 1, argv + 1, 0, err, sizeof(err)) != 0)
                config_fatal(file, lineno, s, "invalid value for '%s': %s", o->name, err);
        }
        config_free_words(argv, argc);
        wfree(line);
    }
}

static void config_usage(void) {
    fprintf(stderr,
            "Usage: ./warden [/path/to/redis.conf] [options] [-]\n"
            "       ./warden - (read config from stdin)\n"
            "       ./warden -v or --version\n"
            "       ./warden -h or --help\n\n"
            "Options are redis.conf directives, e.g.:\n"
            "       ./warden --port 7777\n"
            "       ./warden /etc/redis/6379.conf --loglevel verbose --threads 4\n"
            "       ./warden --port 7777 --bind 127.0.0.1 ::1\n");
}

int config_load_from_args(int argc, char **argv) {
    int i = 1;
    if (argc >= 2) {
        if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")) {
            printf("Warden server v=%s (Redis %s compatible) malloc=%s bits=%d\n", WARDEN_VERSION,
                   WARDEN_REDIS_VERSION, "jemalloc", (int)(sizeof(long) * 8));
            exit(0);
        }
        if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
            config_usage();
            exit(0);
        }
    }
    if (argc >= 2 && argv[1][0] != '-') {
        char *abs = realpath(argv[1], NULL);
        server_config.config_file = abs ? wstrdup(abs) : NULL;
        free(abs);
        config_load_file(argv[1], 0, NULL, 0);
        i = 2;
    }
    /* "--opt a b --opt2 c" → lines "opt a b" / "opt2 c"; a lone "-" reads stdin */
    size_t cap = 256, len = 0;
    char *text = wmalloc(cap);
    text[0] = '\0';
    int stdin_after = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        char *piece;
        size_t pl;
        if (!strcmp(a, "-")) { stdin_after = 1; continue; }
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            if (len) text[len++] = '\n';
            piece = wstrdup(a + 2);
        } else {
            /* quote the value so spaces survive the re-split */
            size_t al = strlen(a);
            piece = wmalloc(al * 4 + 4);
            size_t k = 0;
            piece[k++] = ' ';
            piece[k++] = '"';
            for (size_t j = 0; j < al; j++) {
                if (a[j] == '"' || a[j] == '\\') piece[k++] = '\\';
                piece[k++] = a[j];
            }
            piece[k++] = '"';
            piece[k] = '\0';
        }
        pl = strlen(piece);
        while (len + pl + 2 > cap) {
            cap *= 2;
            text = wrealloc(text, cap);
        }
        memcpy(text + len, piece, pl);
        len += pl;
        text[len] = '\0';
        wfree(piece);
    }
    if (stdin_after) config_load_file("-", 0, NULL, 0);
    config_load_text(text, "the command line", 0);
    wfree(text);
    return 0;
}

/* ---- runtime ---- */

int config_set_runtime(const char *name, const char *value, char *err, size_t errlen) {
    const struct config_option *o = config_find(name);
    if (!o) {
        snprintf(err, errlen, "Unknown option or number of arguments for CONFIG SET - '%s'", name);
        return -1;
    }
    if (o->flags & CFG_IMMUTABLE) {
        snprintf(err, errlen, "CONFIG SET failed (possibly related to argument '%s') - can't set immutable config",
                 name);
        return -1;
    }
    char **argv;
    int argc;
    if (o->type == CFG_SPECIAL) {
        argc = config_split_line(value, &argv);
        if (argc < 0) {
            snprintf(err, errlen, "CONFIG SET failed (possibly related to argument '%s') - unbalanced quotes", name);
            return -1;
        }
    } else {
        argv = wmalloc(sizeof(char *));
        argv[0] = wstrdup(value);
        argc = 1;
    }
    char why[400];
    pthread_rwlock_wrlock(&config_lock);
    int rc = config_apply(o, argc, argv, 1, why, sizeof(why));
    pthread_rwlock_unlock(&config_lock);
    config_free_words(argv, argc);
    if (rc != 0) {
        snprintf(err, errlen, "CONFIG SET failed (possibly related to argument '%s') - %s", name, why);
        return -1;
    }
    if (o->after_set) o->after_set(o);
    return 0;
}

void config_get_matching(const char *pattern, size_t plen, config_get_fn fn, void *priv) {
    char buf[4096];
    pthread_rwlock_rdlock(&config_lock);
    for (const struct config_option *o = config_options; o->name; o++) {
        const char *name = NULL;
        if (glob_match(pattern, plen, o->name, strlen(o->name), 1)) name = o->name;
        else if (o->alias && glob_match(pattern, plen, o->alias, strlen(o->alias), 1)) name = o->alias;
        if (!name) continue;
        config_format(o, buf, sizeof(buf));
        fn(priv, name, buf);
    }
    pthread_rwlock_unlock(&config_lock);
}

void config_copy_string(char *const *field, char *buf, size_t size) {
    pthread_rwlock_rdlock(&config_lock);
    snprintf(buf, size, "%s", *field ? *field : "");
    pthread_rwlock_unlock(&config_lock);
}
