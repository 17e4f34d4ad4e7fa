/* config_special.c — options whose value is not one word of one type: bind, save,
 * client-output-buffer-limit, notify-keyspace-events, oom-score-adj-values,
 * latency-tracking-info-percentiles, replicaof, shutdown-on-sig*, dir; and the directives
 * that are not options at all (rename-command, user, loadmodule, sentinel). Each has a
 * parse function (validate; store unless CFG_MODE_DRY), a CONFIG GET formatter that parses
 * back to the same value, and where Redis writes it specially, a REWRITE function.
 * Error texts are Redis 7.0's. Callers hold config_lock for writing once workers run. */
#include "acl/acl.h"
#include "cmd/table.h"
#include "config.h"
#include "config_int.h"
#include "db/notify.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIND_ADDR_MAX 255

/* Has a `save` line been read from the configuration yet? The first one replaces the
 * defaults, later ones add points (redis.conf may list one point per line). */
static int save_loaded;

/* replicaof: feature-gated, kept only to be shown and rewritten. */
static char *replicaof_host;
static int replicaof_port;

/* oom-score-adj-values: no-op, kept to be shown and rewritten. */
static int oom_values[3];

void config_options_reset_load_state(void) { save_loaded = 0; }

void config_options_free(void) {
    for (int i = 0; i < server_config.bind_count; i++) {
        wfree(server_config.bind[i]);
        server_config.bind[i] = NULL;
    }
    server_config.bind_count = 0;
    wfree(server_config.save_params);
    server_config.save_params = NULL;
    wfree(replicaof_host);
    replicaof_host = NULL;
}

/* strtoll over the whole word (Redis reads these numbers with strtoll). */
static int parse_ll_lenient(const char *s, long long *out) {
    char *end;
    if (!*s) return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

/* Append to buf (size) a word with a separating space when buf is not empty. */
static void join_word(char *buf, size_t size, const char *w) {
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%s", n ? " " : "", w);
}

/* ---- bind ---- */

int config_bind_parse(const struct config_option *o, int argc, char **argv, int mode, char *err, size_t errlen) {
    (void)o;
    if (argc > CONFIG_MAX_BIND) {
        snprintf(err, errlen, "Too many bind addresses specified.");
        return -1;
    }
    for (int i = 0; i < argc; i++)
        if (strlen(argv[i]) > BIND_ADDR_MAX) {
            snprintf(err, errlen, "bind address too long");
            return -1;
        }
    if (mode & CFG_MODE_DRY) return 0;
    for (int i = 0; i < server_config.bind_count; i++) wfree(server_config.bind[i]);
    for (int i = 0; i < argc; i++) server_config.bind[i] = wstrdup(argv[i]);
    server_config.bind_count = argc;
    return 0;
}

void config_bind_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    buf[0] = '\0';
    for (int i = 0; i < server_config.bind_count; i++) join_word(buf, size, server_config.bind[i]);
}

void config_bind_rewrite(const struct config_option *o, struct config_rewrite_state *st) {
    if (config_is_default(o)) { /* Redis drops bind lines that say the default */
        config_rewrite_mark(st, o->name);
        return;
    }
    char line[CONFIG_MAX_BIND * (BIND_ADDR_MAX + 1) + 16];
    snprintf(line, sizeof(line), "%s ", o->name);
    if (server_config.bind_count == 0) strcat(line, "\"\"");
    else config_bind_format(o, line + strlen(line), sizeof(line) - strlen(line));
    config_rewrite_line(st, o->name, line, 1);
}

/* ---- save ---- */

int config_save_parse(const struct config_option *o, int argc, char **argv, int mode, char *err, size_t errlen) {
    (void)o;
    int clear = argc == 1 && argv[0][0] == '\0'; /* save "" */
    long long v[CONFIG_MAX_SAVE_POINTS * 2];
    if (!clear) {
        if (argc % 2 != 0) {
            snprintf(err, errlen, "Invalid save parameters");
            return -1;
        }
        for (int i = 0; i < argc; i++) {
            if (i >= CONFIG_MAX_SAVE_POINTS * 2 || parse_ll_lenient(argv[i], &v[i]) != 0 ||
                (i % 2 == 0 && v[i] < 1) || (i % 2 == 1 && v[i] < 0)) {
                snprintf(err, errlen, "Invalid save parameters");
                return -1;
            }
        }
    }
    /* in a file, the first save line replaces the defaults and later ones add */
    int reset = (mode & (CFG_MODE_RUNTIME | CFG_MODE_DEFAULT)) || !save_loaded || clear;
    int have = reset ? 0 : server_config.save_count;
    if (!clear && have + argc / 2 > CONFIG_MAX_SAVE_POINTS) {
        snprintf(err, errlen, "Invalid save parameters");
        return -1;
    }
    if (mode & CFG_MODE_DRY) return 0;
    if (!(mode & (CFG_MODE_RUNTIME | CFG_MODE_DEFAULT))) save_loaded = 1;
    if (reset) server_config.save_count = 0;
    if (!clear)
        for (int i = 0; i + 1 < argc; i += 2) {
            server_config.save_points[server_config.save_count].seconds = v[i];
            server_config.save_points[server_config.save_count].changes = v[i + 1];
            server_config.save_count++;
        }
    char buf[CONFIG_MAX_SAVE_POINTS * 44] = "";
    for (int i = 0; i < server_config.save_count; i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof(buf) - n, "%s%lld %lld", n ? " " : "", server_config.save_points[i].seconds,
                 server_config.save_points[i].changes);
    }
    wfree(server_config.save_params);
    server_config.save_params = wstrdup(buf);
    return 0;
}

void config_save_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    snprintf(buf, size, "%s", server_config.save_params ? server_config.save_params : "");
}

/* One line per point, always written: with no points, save "" so the defaults do not
 * come back on restart. */
void config_save_rewrite(const struct config_option *o, struct config_rewrite_state *st) {
    char line[64];
    if (server_config.save_count == 0) {
        config_rewrite_line(st, o->name, "save \"\"", 1);
        return;
    }
    for (int i = 0; i < server_config.save_count; i++) {
        snprintf(line, sizeof(line), "save %lld %lld", server_config.save_points[i].seconds,
                 server_config.save_points[i].changes);
        config_rewrite_line(st, o->name, line, 1);
    }
}

/* ---- client-output-buffer-limit ---- */

static const char *const obuf_class_names[CONFIG_CLIENT_CLASSES] = {"normal", "slave", "pubsub"};
/* CONFIG GET says "slave", REWRITE writes "replica" (as Redis 7.0) */
static const char *const obuf_rewrite_names[CONFIG_CLIENT_CLASSES] = {"normal", "replica", "pubsub"};
static const struct config_obuf_limit obuf_defaults[CONFIG_CLIENT_CLASSES] = {
    {0, 0, 0}, {256LL * 1024 * 1024, 64LL * 1024 * 1024, 60}, {32LL * 1024 * 1024, 8LL * 1024 * 1024, 60}};

static int obuf_class(const char *name) {
    if (!strcasecmp(name, "normal")) return CONFIG_CLIENT_NORMAL;
    if (!strcasecmp(name, "slave") || !strcasecmp(name, "replica")) return CONFIG_CLIENT_REPLICA;
    if (!strcasecmp(name, "pubsub")) return CONFIG_CLIENT_PUBSUB;
    return -1;
}

int config_obuf_parse(const struct config_option *o, int argc, char **argv, int mode, char *err, size_t errlen) {
    (void)o;
    if (argc % 4 != 0) {
        snprintf(err, errlen, "Wrong number of arguments in buffer limit configuration.");
        return -1;
    }
    /* validate every group before changing any */
    for (int j = 0; j < argc; j += 4) {
        long long hard = 0, soft = 0, secs = 0; /* validated above */
        if (obuf_class(argv[j]) < 0) {
            snprintf(err, errlen, "Invalid client class specified in buffer limit configuration.");
            return -1;
        }
        if (config_parse_memory(argv[j + 1], &hard) != 0 || config_parse_memory(argv[j + 2], &soft) != 0 ||
            parse_ll_lenient(argv[j + 3], &secs) != 0 || secs < 0) {
            snprintf(err, errlen, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            return -1;
        }
    }
    if (mode & CFG_MODE_DRY) return 0;
    for (int j = 0; j < argc; j += 4) {
        struct config_obuf_limit *l = &server_config.client_obuf_limits[obuf_class(argv[j])];
        long long hard = 0, soft = 0, secs = 0; /* validated above */
        config_parse_memory(argv[j + 1], &hard);
        config_parse_memory(argv[j + 2], &soft);
        parse_ll_lenient(argv[j + 3], &secs);
        /* workers read these with relaxed atomic loads while CONFIG SET runs */
        __atomic_store_n(&l->hard_bytes, hard, __ATOMIC_RELAXED);
        __atomic_store_n(&l->soft_bytes, soft, __ATOMIC_RELAXED);
        __atomic_store_n(&l->soft_seconds, secs, __ATOMIC_RELAXED);
    }
    return 0;
}

void config_obuf_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    buf[0] = '\0';
    for (int c = 0; c < CONFIG_CLIENT_CLASSES; c++) {
        const struct config_obuf_limit *l = &server_config.client_obuf_limits[c];
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%s %lld %lld %lld", n ? " " : "", obuf_class_names[c], l->hard_bytes,
                 l->soft_bytes, l->soft_seconds);
    }
}

void config_obuf_rewrite(const struct config_option *o, struct config_rewrite_state *st) {
    for (int c = 0; c < CONFIG_CLIENT_CLASSES; c++) {
        const struct config_obuf_limit *l = &server_config.client_obuf_limits[c];
        const struct config_obuf_limit *d = &obuf_defaults[c];
        int force = l->hard_bytes != d->hard_bytes || l->soft_bytes != d->soft_bytes || l->soft_seconds != d->soft_seconds;
        char hard[32], soft[32], line[160];
        config_format_memory(hard, sizeof(hard), l->hard_bytes);
        config_format_memory(soft, sizeof(soft), l->soft_bytes);
        snprintf(line, sizeof(line), "%s %s %s %s %lld", o->name, obuf_rewrite_names[c], hard, soft, l->soft_seconds);
        config_rewrite_line(st, o->name, line, force);
    }
}

/* ---- notify-keyspace-events ---- */

#define NOTIFY_ALL_CLASSES                                                                                             \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED |          \
     NOTIFY_EVICTED | NOTIFY_STREAM | CONFIG_NOTIFY_MODULE)

static int notify_flags(const char *s) {
    int flags = 0;
    for (; *s; s++) {
        switch (*s) {
        case 'A': flags |= NOTIFY_ALL_CLASSES; break;
        case 'g': flags |= NOTIFY_GENERIC; break;
        case '$': flags |= NOTIFY_STRING; break;
        case 'l': flags |= NOTIFY_LIST; break;
        case 's': flags |= NOTIFY_SET; break;
        case 'h': flags |= NOTIFY_HASH; break;
        case 'z': flags |= NOTIFY_ZSET; break;
        case 'x': flags |= NOTIFY_EXPIRED; break;
        case 'e': flags |= NOTIFY_EVICTED; break;
        case 'K': flags |= CONFIG_NOTIFY_KEYSPACE; break;
        case 'E': flags |= CONFIG_NOTIFY_KEYEVENT; break;
        case 't': flags |= NOTIFY_STREAM; break;
        case 'm': flags |= NOTIFY_KEY_MISS; break;
        case 'd': flags |= CONFIG_NOTIFY_MODULE; break;
        case 'n': flags |= NOTIFY_NEW; break;
        default: return -1;
        }
    }
    return flags;
}

int config_notify_parse(const struct config_option *o, int argc, char **argv, int mode, char *err, size_t errlen) {
    (void)o;
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    int flags = notify_flags(argv[0]);
    if (flags < 0) {
        snprintf(err, errlen, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        return -1;
    }
    if (!(mode & CFG_MODE_DRY)) atomic_store(&server_config.notify_keyspace_events, flags);
    return 0;
}

/* Canonical letters: A when every class is on (n and m are outside A), then K E m. */
void config_notify_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    static const struct {
        int flag;
        char c;
    } classes[] = {{NOTIFY_GENERIC, 'g'}, {NOTIFY_STRING, '$'}, {NOTIFY_LIST, 'l'},       {NOTIFY_SET, 's'},
                   {NOTIFY_HASH, 'h'},    {NOTIFY_ZSET, 'z'},   {NOTIFY_EXPIRED, 'x'},    {NOTIFY_EVICTED, 'e'},
                   {NOTIFY_STREAM, 't'},  {CONFIG_NOTIFY_MODULE, 'd'}, {NOTIFY_NEW, 'n'}};
    int flags = atomic_load(&server_config.notify_keyspace_events);
    char out[32];
    size_t n = 0;
    if ((flags & NOTIFY_ALL_CLASSES) == NOTIFY_ALL_CLASSES) {
        out[n++] = 'A';
    } else {
        for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
            if (flags & classes[i].flag) out[n++] = classes[i].c;
    }
    if (flags & CONFIG_NOTIFY_KEYSPACE) out[n++] = 'K';
    if (flags & CONFIG_NOTIFY_KEYEVENT) out[n++] = 'E';
    if (flags & NOTIFY_KEY_MISS) out[n++] = 'm';
    out[n] = '\0';
    snprintf(buf, size, "%s", out);
}

void config_notify_rewrite(const struct config_option *o, struct config_rewrite_state *st) {
    char val[32], line[64];
    config_notify_format(o, val, sizeof(val));
    snprintf(line, sizeof(line), "%s ", o->name);
    config_quote(line, sizeof(line), val);
    config_rewrite_line(st, o->name, line, val[0] != '\0');
}

/* ---- oom-score-adj-values (no-op) ---- */

int config_oom_parse(const struct config_option *o, int argc, char **argv, int mode, char *err, size_t errlen) {
    (void)o;
    long long v[3];
    if (argc != 3) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    for (int i = 0; i < 3; i++)
        if (parse_ll_lenient(argv[i], &v[i]) != 0 || v[i] < -2000 || v[i] > 2000) {
            snprintf(err, errlen, "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            return -1;
        }
    if (!(mode & CFG_MODE_DRY))
        for (int i = 0; i < 3; i++) oom_values[i] = (int)v[i];
    return 0;
}

void config_oom_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    snprintf(buf, size, "%d %d %d", oom_values[0], oom_values[1], oom_values[2]);
}

/* ---- latency-tracking-info-percentiles ---- */

int config_percentiles_parse(const struct config_option *o, int argc, char **argv, int mode, char *err,
                             size_t errlen) {
    (void)o;
    double v[CONFIG_MAX_PERCENTILES];
    if (argc > CONFIG_MAX_PERCENTILES) {
        snprintf(err, errlen, "Invalid latency-tracking-info-percentiles parameters");
        return -1;
    }
    for (int i = 0; i < argc; i++) {
        if (num_parse_double(argv[i], strlen(argv[i]), &v[i]) != 0) {
            snprintf(err, errlen, "Invalid latency-tracking-info-percentiles parameters");
            return -1;
        }
        if (v[i] < 0.0 || v[i] > 100.0) {
            snprintf(err, errlen, "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            return -1;
        }
    }
    if (mode & CFG_MODE_DRY) return 0;
    for (int i = 0; i < argc; i++) server_config.latency_percentiles[i] = v[i];
    server_config.latency_percentiles_count = argc;
    return 0;
}

/* %f without trailing zeros, as Redis prints them ("50 99 99.9"). */
void config_percentiles_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    buf[0] = '\0';
    for (int i = 0; i < server_config.latency_percentiles_count; i++) {
        char f[64];
        snprintf(f, sizeof(f), "%f", server_config.latency_percentiles[i]);
        char *dot = strchr(f, '.');
        if (dot) {
            char *end = f + strlen(f) - 1;
            while (end > dot && *end == '0') *end-- = '\0';
            if (end == dot) *end = '\0';
        }
        join_word(buf, size, f);
    }
}

/* Redis writes this line on every rewrite, default or not. */
void config_percentiles_rewrite(const struct config_option *o, struct config_rewrite_state *st) {
    char line[CONFIG_MAX_PERCENTILES * 24 + 64];
    snprintf(line, sizeof(line), "%s ", o->name);
    if (server_config.latency_percentiles_count == 0) strcat(line, "\"\"");
    else config_percentiles_format(o, line + strlen(line), sizeof(line) - strlen(line));
    config_rewrite_line(st, o->name, line, 1);
}

/* ---- replicaof / slaveof (feature-gated) ---- */

int config_replicaof_parse(const struct config_option *o, int argc, char **argv, int mode, char *err,
                           size_t errlen) {
    (void)o;
    if (argc == 0 && (mode & CFG_MODE_DEFAULT)) return 0;
    if (argc != 2) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    if (!strcasecmp(argv[0], "no") && !strcasecmp(argv[1], "one")) {
        if (!(mode & CFG_MODE_DRY)) {
            wfree(replicaof_host);
            replicaof_host = NULL;
            replicaof_port = 0;
        }
        return 0;
    }
    long long port;
    if (num_parse_ll(argv[1], strlen(argv[1]), &port) != 0 || port < 0 || port > 65535) {
        snprintf(err, errlen, "Invalid master port");
        return -1;
    }
    snprintf(err, errlen, "replication is not available in this Warden build yet; refusing to start as a replica "
                          "that would never sync");
    return -1;
}

void config_replicaof_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    if (replicaof_host) snprintf(buf, size, "%s %d", replicaof_host, replicaof_port);
    else buf[0] = '\0';
}

void config_replicaof_rewrite(const struct config_option *o, struct config_rewrite_state *st) {
    if (!replicaof_host) {
        config_rewrite_mark(st, o->name);
        return;
    }
    char line[512];
    snprintf(line, sizeof(line), "%s %s %d", o->name, replicaof_host, replicaof_port);
    config_rewrite_line(st, o->name, line, 1);
}

/* ---- shutdown-on-sigint / shutdown-on-sigterm ---- */

static const struct config_enum shutdown_names[] = {
    {"default", 0}, {"save", SHUTDOWN_SAVE}, {"nosave", SHUTDOWN_NOSAVE}, {"now", SHUTDOWN_NOW},
    {"force", SHUTDOWN_FORCE}, {NULL, 0}};

int config_shutdown_parse(const struct config_option *o, int argc, char **argv, int mode, char *err,
                          size_t errlen) {
    int flags = 0;
    if (argc == 0) goto bad;
    for (int i = 0; i < argc; i++) {
        const struct config_enum *e;
        for (e = shutdown_names; e->name; e++)
            if (!strcasecmp(e->name, argv[i])) break;
        if (!e->name) goto bad;
        flags |= e->value;
    }
    if ((flags & SHUTDOWN_SAVE) && (flags & SHUTDOWN_NOSAVE)) {
        snprintf(err, errlen, "shutdown options SAVE and NOSAVE can't be used simultaneously");
        return -1;
    }
    if (!(mode & CFG_MODE_DRY)) atomic_store((_Atomic int *)o->field, flags);
    return 0;
bad:
    snprintf(err, errlen, "argument(s) must be one of the following: default, save, nosave, now, force");
    return -1;
}

void config_shutdown_format(const struct config_option *o, char *buf, size_t size) {
    int flags = atomic_load((_Atomic int *)o->field);
    buf[0] = '\0';
    if (!flags) {
        snprintf(buf, size, "default");
        return;
    }
    for (const struct config_enum *e = shutdown_names + 1; e->name; e++)
        if (flags & e->value) join_word(buf, size, e->name);
}

/* ---- dir ---- */

int config_dir_check(const struct config_option *o, const char *v, char *err, size_t errlen) {
    (void)o;
    struct stat sb;
    if (stat(v, &sb) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "%s", strerror(ENOTDIR));
        return -1;
    }
    return 0;
}

/* CONFIG GET dir: where the server really is (Redis reports getcwd()). */
void config_dir_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    if (!getcwd(buf, size)) snprintf(buf, size, "%s", server_config.dir ? server_config.dir : "");
}

/* CONFIG SET dir: move there now (the value was checked in the dry run). */
int config_dir_apply(const struct config_option *o, char *err, size_t errlen) {
    (void)o;
    char path[PATH_MAX];
    config_copy_string(&server_config.dir, path, sizeof(path));
    if (chdir(path) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    return 0;
}

void config_dir_rewrite(const struct config_option *o, struct config_rewrite_state *st) {
    char cwd[PATH_MAX], line[PATH_MAX * 4 + 16];
    if (!getcwd(cwd, sizeof(cwd))) {
        config_rewrite_mark(st, o->name);
        return;
    }
    snprintf(line, sizeof(line), "%s ", o->name);
    config_quote(line, sizeof(line), cwd);
    config_rewrite_line(st, o->name, line, 1);
}

/* ---- directives that are not options ---- */

/* `user` lines go to ACL (applied once the command table exists); rename-command renames or
 * (with "") disables a command before the table is built; Warden loads no modules and is
 * never a sentinel. */
int config_special_directive(const char *name, int argc, char **argv, char *err, size_t errlen, int *refuse) {
    *refuse = 1;
    if (!strcasecmp(name, "rename-command")) {
        if (argc != 3) snprintf(err, errlen, "Bad directive or wrong number of arguments");
        else if (command_table_add_rename(argv[1], argv[2]) != 0)
            snprintf(err, errlen, "rename-command is applied at start-up only");
        else *refuse = 0;
        return 1;
    }
    if (!strcasecmp(name, "user")) {
        if (argc < 2) snprintf(err, errlen, "Bad directive or wrong number of arguments");
        else if (acl_config_user_line(argc - 1, argv + 1, err, errlen) == 0) *refuse = 0;
        return 1;
    }
    if (!strcasecmp(name, "loadmodule")) {
        if (argc < 2) snprintf(err, errlen, "Bad directive or wrong number of arguments");
        else snprintf(err, errlen, "Warden does not load Redis modules");
        return 1;
    }
    if (!strcasecmp(name, "sentinel")) {
        snprintf(err, errlen, "sentinel directive while not in sentinel mode");
        return 1;
    }
    *refuse = 0;
    return 0;
}
