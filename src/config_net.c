/* config_net.c — parsers for the network hardening options (rows in config_options.c):
 * the token-bucket rate options `connection-rate-per-ip`, `rate-limit-per-ip` and
 * `rate-limit-per-user` ("<per-second> [burst]"; 0 turns the limit off; burst defaults
 * to the rate), and the checks of the TLS options whose values Warden refuses
 * (tls-protocols older than TLSv1.2). */
#include "config.h"
#include "config_int.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RATE_MAX 1000000000LL

struct rate_fields {
    const char *name;
    _Atomic long long *rate, *burst;
};

static const struct rate_fields *rate_fields_of(const struct config_option *o) {
    static const struct rate_fields table[] = {
        {"connection-rate-per-ip", &server_config.conn_rate_per_ip, &server_config.conn_rate_per_ip_burst},
        {"rate-limit-per-ip", &server_config.rate_limit_per_ip, &server_config.rate_limit_per_ip_burst},
        {"rate-limit-per-user", &server_config.rate_limit_per_user, &server_config.rate_limit_per_user_burst},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (!strcasecmp(table[i].name, o->name)) return &table[i];
    return NULL;
}

/* A plain decimal integer in [0, RATE_MAX]. */
static int rate_number(const char *s, long long *out) {
    long long v = 0;
    if (!*s) return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
        if (v > RATE_MAX) return -1;
    }
    *out = v;
    return 0;
}

int config_rate_parse(const struct config_option *o, int argc, char **argv, int mode, char *err, size_t errlen) {
    const struct rate_fields *f = rate_fields_of(o);
    long long rate, burst = 0;
    if (!f || argc < 1 || argc > 2) {
        snprintf(err, errlen, "argument must be '<per-second> [burst]'");
        return -1;
    }
    if (rate_number(argv[0], &rate) != 0 || (argc == 2 && rate_number(argv[1], &burst) != 0)) {
        snprintf(err, errlen, "rate and burst must be integers between 0 and %lld", RATE_MAX);
        return -1;
    }
    if (burst == 0) burst = rate;
    if (mode & CFG_MODE_DRY) return 0;
    /* burst first: a reader that sees the new rate never pairs it with a stale burst of 0 */
    atomic_store(f->burst, burst);
    atomic_store(f->rate, rate);
    return 0;
}

void config_rate_format(const struct config_option *o, char *buf, size_t size) {
    const struct rate_fields *f = rate_fields_of(o);
    if (!f) {
        snprintf(buf, size, "0 0");
        return;
    }
    snprintf(buf, size, "%lld %lld", atomic_load(f->rate), atomic_load(f->burst));
}

/* tls-protocols: a space-separated list of TLSv1.2 / TLSv1.3 (any case). TLSv1 and
 * TLSv1.1 are refused: they are broken, and OpenSSL 3 refuses them at its default
 * security level anyway, so accepting them would only pretend. "" means the default. */
int config_tls_protocols_check(const struct config_option *o, const char *v, char *err, size_t errlen) {
    (void)o;
    const char *p = v;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ' ') e++;
        size_t n = (size_t)(e - p);
        if ((n == 7 && !strncasecmp(p, "TLSv1.2", 7)) || (n == 7 && !strncasecmp(p, "TLSv1.3", 7))) {
            p = e;
            continue;
        }
        if ((n == 5 && !strncasecmp(p, "TLSv1", 5)) || (n == 7 && !strncasecmp(p, "TLSv1.1", 7)))
            snprintf(err, errlen, "TLS protocol %.*s is not allowed (too old); use TLSv1.2 and/or TLSv1.3",
                     (int)n, p);
        else
            snprintf(err, errlen, "Invalid tls-protocols specified: %.*s", (int)(n > 64 ? 64 : n), p);
        return -1;
    }
    return 0;
}
