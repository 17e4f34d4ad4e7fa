/* string_incr.c — INCR DECR INCRBY DECRBY INCRBYFLOAT (rows in string.c).
 *
 * Redis 7.0 semantics: the stored value must be a canonical 64-bit integer (no spaces,
 * no '+', no leading zeros) or, for INCRBYFLOAT, a float as strtold reads it; the TTL
 * is kept; integer results are int-encoded, float results are embstr/raw strings
 * formatted with up to 17 decimals and no trailing zeros. */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/string_int.h"
#include "db/db.h"
#include "db/notify.h"
#include "util/numparse.h"
#include <limits.h>
#include <math.h>

/* Add `incr` to the integer at argv[1] (Redis's incrDecrCommand). */
static void incr_generic(struct client *c, long long incr) {
    const struct arg *key = &c->argv[1];
    entry *e;
    long long value = 0;
    if (string_find_write(c, key, &e) != 0) return;
    if (e) {
        if (entry_encoding(e) == ENC_INT) {
            value = entry_int(e);
        } else {
            char tmp[24];
            const char *p;
            size_t len;
            entry_string(e, tmp, &p, &len);
            if (num_parse_ll(p, len, &value) != 0) {
                reply_not_integer(c);
                return;
            }
        }
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) || (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        reply_error(&c->out, "ERR increment or decrement would overflow");
        return;
    }
    value += incr;
    if (e && entry_encoding(e) == ENC_INT) {
        memcpy(entry_value_area(e), &value, sizeof(value)); /* same size: update in place */
    } else if (e) {
        entry *n = entry_new_int(key->ptr, key->len, value, entry_expire(e));
        entry_free(db_swap_entry(c->db, e, n));
    } else {
        db_add(c->db, entry_new_int(key->ptr, key->len, value, -1));
    }
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "incrby");
    reply_int(&c->out, value);
}

/* Parse argv[2] as the increment; 0 or -1 after replying. */
static int parse_increment(struct client *c, long long *out) {
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, out) != 0) {
        reply_not_integer(c);
        return -1;
    }
    return 0;
}

void incr_command(struct client *c) { incr_generic(c, 1); }
void decr_command(struct client *c) { incr_generic(c, -1); }

void incrby_command(struct client *c) {
    long long incr;
    if (parse_increment(c, &incr) == 0) incr_generic(c, incr);
}

void decrby_command(struct client *c) {
    long long incr;
    if (parse_increment(c, &incr) != 0) return;
    if (incr == LLONG_MIN) { /* its negation does not exist */
        reply_error(&c->out, "ERR decrement would overflow");
        return;
    }
    incr_generic(c, -incr);
}

#define FLOAT_REPLY_MAX 5120 /* room for any finite long double printed with %.17Lf */

void incrbyfloat_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    entry *e;
    long double value = 0, incr;
    if (string_find_write(c, key, &e) != 0) return;
    if (e) {
        if (entry_encoding(e) == ENC_INT) {
            value = (long double)entry_int(e);
        } else {
            char tmp[24];
            const char *p;
            size_t len;
            entry_string(e, tmp, &p, &len);
            if (num_parse_long_double(p, len, &value) != 0) {
                reply_not_float(c);
                return;
            }
        }
    }
    if (num_parse_long_double(c->argv[2].ptr, c->argv[2].len, &incr) != 0) {
        reply_not_float(c);
        return;
    }
    value += incr;
    char buf[FLOAT_REPLY_MAX];
    int len = isnan(value) || isinf(value) ? 0 : num_long_double_to_str(buf, sizeof(buf), value);
    if (len <= 0) {
        reply_error(&c->out, "ERR increment would produce NaN or Infinity");
        return;
    }
    entry *n = entry_new_string_noint(key->ptr, key->len, buf, (size_t)len, e ? entry_expire(e) : -1);
    if (e) entry_free(db_swap_entry(c->db, e, n));
    else db_add(c->db, n);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "incrbyfloat");
    reply_bulk(&c->out, buf, (size_t)len);
}
