/* obuf_limit.c — see obuf_limit.h. */
#include "pubsub/obuf_limit.h"
#include "config_int.h"
#include "util/numparse.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct obuf_limit obuf_limits[OBUF_CLASSES];

int obuf_limit_reached(int cls, size_t pending, struct obuf_soft_timer *t, long long now_ms) {
    long long hard = atomic_load_explicit(&obuf_limits[cls].hard, memory_order_relaxed);
    long long soft = atomic_load_explicit(&obuf_limits[cls].soft, memory_order_relaxed);
    if (hard > 0 && (unsigned long long)pending >= (unsigned long long)hard) return 1;
    if (soft <= 0 || (unsigned long long)pending < (unsigned long long)soft) {
        t->since_ms = 0;
        return 0;
    }
    if (t->since_ms == 0) { /* first time over: start the clock */
        t->since_ms = now_ms ? now_ms : 1;
        return 0;
    }
    long long secs = atomic_load_explicit(&obuf_limits[cls].soft_seconds, memory_order_relaxed);
    /* Redis counts whole seconds and disconnects once strictly more have passed */
    return (now_ms - t->since_ms) / 1000 > secs;
}

static int obuf_class_by_name(const char *s) {
    if (!strcasecmp(s, "normal")) return OBUF_NORMAL;
    if (!strcasecmp(s, "replica") || !strcasecmp(s, "slave")) return OBUF_REPLICA;
    if (!strcasecmp(s, "pubsub")) return OBUF_PUBSUB;
    return -1;
}

/* A byte count as redis.conf writes them ("32mb", "8388608"): non-negative. */
static int obuf_parse_bytes(const char *s, long long *out) {
    return config_parse_memory(s, out) == 0 && *out >= 0 ? 0 : -1;
}

int obuf_limit_config_parse(const struct config_option *o, int argc, char **argv, int runtime, char *err,
                            size_t errlen) {
    if (argc == 1 && strchr(argv[0], ' ')) {
        /* "--client-output-buffer-limit 'pubsub 1mb 0 0'": one quoted word holding the
         * whole value, split as Redis does for multi-word options */
        char **words;
        int n = config_split_line(argv[0], &words);
        if (n < 0) {
            snprintf(err, errlen, "Wrong number of arguments in buffer limit configuration.");
            return -1;
        }
        int rc = n == 1 ? -1 : obuf_limit_config_parse(o, n, words, runtime, err, errlen);
        if (n == 1) snprintf(err, errlen, "Wrong number of arguments in buffer limit configuration.");
        config_free_words(words, n);
        return rc;
    }
    if (argc % 4 != 0) {
        snprintf(err, errlen, "Wrong number of arguments in buffer limit configuration.");
        return -1;
    }
    /* validate everything first: a bad group changes nothing */
    long long vals[OBUF_CLASSES][3];
    int set[OBUF_CLASSES] = {0};
    for (int i = 0; i < argc; i += 4) {
        int cls = obuf_class_by_name(argv[i]);
        if (cls < 0) {
            snprintf(err, errlen, "Invalid client class specified in buffer limit configuration.");
            return -1;
        }
        long long hard, soft, secs;
        if (obuf_parse_bytes(argv[i + 1], &hard) != 0 || obuf_parse_bytes(argv[i + 2], &soft) != 0 ||
            num_parse_ll(argv[i + 3], strlen(argv[i + 3]), &secs) != 0 || secs < 0) {
            snprintf(err, errlen, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            return -1;
        }
        vals[cls][0] = hard;
        vals[cls][1] = soft;
        vals[cls][2] = secs;
        set[cls] = 1;
    }
    for (int c = 0; c < OBUF_CLASSES; c++) {
        if (!set[c]) continue;
        atomic_store(&obuf_limits[c].hard, vals[c][0]);
        atomic_store(&obuf_limits[c].soft, vals[c][1]);
        atomic_store(&obuf_limits[c].soft_seconds, vals[c][2]);
    }
    return 0;
}

void obuf_limit_config_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    static const char *const names[OBUF_CLASSES] = {"normal", "slave", "pubsub"};
    size_t at = 0;
    buf[0] = '\0';
    for (int c = 0; c < OBUF_CLASSES && at < size; c++) {
        int w = snprintf(buf + at, size - at, "%s%s %lld %lld %lld", c ? " " : "", names[c],
                         atomic_load(&obuf_limits[c].hard), atomic_load(&obuf_limits[c].soft),
                         atomic_load(&obuf_limits[c].soft_seconds));
        if (w < 0) break;
        at += (size_t)w;
    }
}
