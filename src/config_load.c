/* config_load.c — reading the configuration at start-up as redis-server 7.0 does:
 * `warden [/path/to/redis.conf] [-] [--option value ...]`. The file is read first, then
 * stdin ("-", as the first or the last argument), then the command-line options, so the
 * command line wins. Lines are split with redis.conf's quoting rules; `include` nests
 * (glob patterns allowed, matches read in sorted order). Any unknown directive or bad
 * value prints the file, line and reason and exits with status 1. */
#include "config.h"
#include "config_int.h"
#include "util/alloc.h"
#include "util/fileio.h"
#include "util/log.h"
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CONFIG_MAX_LINE (1024 * 1024)
#define CONFIG_MAX_FILE (64 * 1024 * 1024)
#define CONFIG_MAX_INCLUDE_DEPTH 16
#define CONFIG_CMDLINE "the command line"

/* Directives Redis 7.0 still accepts and ignores. */
static const char *const deprecated_directives[] = {"list-max-ziplist-entries", "list-max-ziplist-value",
                                                    "lua-replicate-commands", NULL};

/* No-op options seen while loading (by row), reported in one notice once the log is open. */
static unsigned char noop_seen[1024];

static void config_fatal(const char *file, int lineno, const char *line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

static void config_fatal(const char *file, int lineno, const char *line, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Warden %s) ***\n", WARDEN_VERSION);
    if (!strcmp(file, CONFIG_CMDLINE)) fprintf(stderr, "Reading the command-line options, at option %d\n", lineno);
    else if (lineno > 0) fprintf(stderr, "Reading the configuration file, at %s line %d\n", file, lineno);
    else fprintf(stderr, "Reading the configuration from %s\n", file);
    fprintf(stderr, ">>> '%s'\n%s\n", line, msg);
    exit(1);
}

static void config_load_text(const char *text, size_t len, const char *file, int depth);

static char *config_read_all(FILE *f, const char *path, size_t *len_out) {
    char *buf = file_read_all(f, CONFIG_MAX_FILE, len_out);
    if (!buf && errno == EFBIG) config_fatal(path, 0, path, "config file too large");
    if (!buf) config_fatal(path, 0, path, "could not read the config file: %s", strerror(errno));
    return buf;
}

static void config_load_one_file(const char *path, const char *shown, int depth, const char *from_file,
                                 int from_line) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        if (depth == 0) {
            fprintf(stderr, "Fatal error, can't open config file '%s': %s\n", path, strerror(errno));
            exit(1);
        }
        config_fatal(from_file, from_line, shown, "could not open included file '%s': %s", path, strerror(errno));
    }
    size_t len;
    char *buf = config_read_all(f, path, &len);
    if (f != stdin) fclose(f);
    config_load_text(buf, len, strcmp(path, "-") == 0 ? "stdin" : path, depth);
    wfree(buf);
}

/* include <path>: a glob pattern reads every match in order; no match is not an error
 * (as Redis 7.0). */
static void config_include(const char *path, const char *shown, int depth, const char *from_file, int from_line) {
    if (depth > CONFIG_MAX_INCLUDE_DEPTH) config_fatal(from_file, from_line, shown, "include nesting too deep");
    if (!strpbrk(path, "*?[")) {
        config_load_one_file(path, shown, depth, from_file, from_line);
        return;
    }
    glob_t g;
    int rc = glob(path, GLOB_ERR, NULL, &g);
    if (rc == GLOB_NOMATCH) return;
    if (rc != 0) config_fatal(from_file, from_line, shown, "could not read included files: %s", strerror(errno));
    for (size_t i = 0; i < g.gl_pathc; i++) config_load_one_file(g.gl_pathv[i], shown, depth, from_file, from_line);
    globfree(&g);
}

static int config_is_deprecated(const char *name) {
    for (int i = 0; deprecated_directives[i]; i++)
        if (!strcasecmp(name, deprecated_directives[i])) return 1;
    return 0;
}

static void config_note_noop(const struct config_option *o) {
    size_t idx = (size_t)(o - config_options);
    if (idx < sizeof(noop_seen)) noop_seen[idx] = 1;
}

/* One directive line (already split). `shown` is the line as printed in errors. */
static void config_load_words(int argc, char **argv, const char *shown, const char *file, int lineno, int depth) {
    char err[1024];
    int refuse = 0;
    if (!strcasecmp(argv[0], "include")) {
        if (argc != 2) config_fatal(file, lineno, shown, "Bad directive or wrong number of arguments");
        config_include(argv[1], shown, depth + 1, file, lineno);
        return;
    }
    if (config_special_directive(argv[0], argc, argv, err, sizeof(err), &refuse)) {
        if (refuse) config_fatal(file, lineno, shown, "%s", err);
        return;
    }
    if (config_is_deprecated(argv[0])) {
        log_notice("config '%s' is deprecated and ignored (as in Redis 7.0)", argv[0]);
        return;
    }
    const struct config_option *o = config_find(argv[0]);
    if (!o) config_fatal(file, lineno, shown, "Bad directive or wrong number of arguments");
    if (o->type != CFG_SPECIAL && argc != 2)
        config_fatal(file, lineno, shown, "wrong number of arguments for '%s'", o->name);
    if (o->flags & CFG_NOOP) config_note_noop(o);
    if (o->type == CFG_SPECIAL && (o->flags & CFG_MULTI_ARG) && argc == 2 && strchr(argv[1], ' ')) {
        /* "--save '900 1'" / save "900 1": a multi-word option given as one word is
         * split on spaces, as Redis 7 does */
        char **words;
        int n = config_split_spaces(argv[1], &words);
        int rc = config_apply(o, n, words, 0, err, sizeof(err));
        config_free_words(words, n);
        if (rc != 0) config_fatal(file, lineno, shown, "invalid value for '%s': %s", o->name, err);
        return;
    }
    if (config_apply(o, argc - 1, argv + 1, 0, err, sizeof(err)) != 0)
        config_fatal(file, lineno, shown, "invalid value for '%s': %s", o->name, err);
}

static void config_load_text(const char *text, size_t len, const char *file, int depth) {
    int lineno = 0;
    if (memchr(text, '\0', len)) config_fatal(file, 0, file, "the configuration contains a NUL byte");
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t ll = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (ll > CONFIG_MAX_LINE) config_fatal(file, lineno, "...", "line too long");
        char *line = wmemdup(p, ll);
        p += ll + (nl ? 1 : 0);
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
        if (argc > 0) {
            /* never echo a password into a log or a terminal */
            const struct config_option *o = config_find(argv[0]);
            char shown[256];
            if (o && (o->flags & CFG_SENSITIVE)) snprintf(shown, sizeof(shown), "%s (value redacted)", argv[0]);
            config_load_words(argc, argv, o && (o->flags & CFG_SENSITIVE) ? shown : s, file, lineno, depth);
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
            "       ./warden --port 7777 --bind 127.0.0.1 ::1\n"
            "       echo 'maxmemory 1gb' | ./warden - --port 7777\n");
}

/* Append s to the growing command-line text. */
static void text_append(char **text, size_t *len, size_t *cap, const char *s) {
    size_t l = strlen(s);
    while (*len + l + 1 > *cap) {
        *cap *= 2;
        *text = wrealloc(*text, *cap);
    }
    memcpy(*text + *len, s, l + 1);
    *len += l;
}

/* Append a value as one quoted config word. */
static void text_append_quoted(char **text, size_t *len, size_t *cap, const char *v) {
    size_t need = strlen(v) * 4 + 4;
    char *q = wmalloc(need);
    q[0] = '\0';
    config_quote(q, need, v);
    text_append(text, len, cap, q);
    text_append(text, len, cap, " ");
    wfree(q);
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
    config_options_reset_load_state();
    if (argc >= 2 && argv[1][0] != '-') {
        char *abs = realpath(argv[1], NULL);
        wfree(server_config.config_file);
        server_config.config_file = abs ? wstrdup(abs) : NULL;
        free(abs);
        config_load_one_file(argv[1], NULL, 0, NULL, 0);
        i = 2;
    }
    /* "--opt a b --opt2 c" → lines "opt a b" / "opt2 c". After an option name the next
     * argument is always its value, even when it starts with "--" (Redis 7.0). */
    size_t cap = 256, len = 0;
    char *text = wmalloc(cap);
    text[0] = '\0';
    int stdin_too = 0, value_given = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-") && (i == 1 || i == argc - 1)) {
            stdin_too = 1;
        } else if (value_given && a[0] == '-' && a[1] == '-') {
            if (len) text_append(&text, &len, &cap, "\n");
            text_append(&text, &len, &cap, a + 2);
            text_append(&text, &len, &cap, " ");
            char **words;
            int nw = config_split_line(a, &words);
            if (nw == 1) {
                value_given = 0;
                /* `--save` alone, or followed by another option, means save "" */
                if (!strcasecmp(a, "--save") && (i == argc - 1 || (argv[i + 1][0] == '-' && argv[i + 1][1] == '-'))) {
                    text_append(&text, &len, &cap, "\"\"");
                    value_given = 1;
                }
            } else {
                value_given = 1; /* "--port 6380" as one argument */
            }
            if (nw >= 0) config_free_words(words, nw);
        } else {
            text_append_quoted(&text, &len, &cap, a);
            value_given = 1;
        }
    }
    if (stdin_too) config_load_one_file("-", NULL, 0, NULL, 0);
    config_load_text(text, len, CONFIG_CMDLINE, 0);
    wfree(text);
    return 0;
}

void config_log_notices(void) {
    char names[4096];
    size_t n = 0;
    names[0] = '\0';
    for (int i = 0; i < config_option_count() && i < (int)sizeof(noop_seen); i++) {
        if (!noop_seen[i]) continue;
        noop_seen[i] = 0;
        if (n < sizeof(names))
            n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", n ? ", " : "", config_options[i].name);
    }
    if (names[0]) log_notice("Accepted for redis.conf compatibility, no effect in Warden: %s", names);
}
