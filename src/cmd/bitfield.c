/* bitfield.c — BITFIELD key [GET type offset] [SET type offset value]
 * [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL] ... and BITFIELD_RO
 * (rows in bits.c).
 *
 * Types are i1..i64 and u1..u63; offsets are bit positions or "#N" (N * width). All
 * arguments are checked before anything is touched; then the key is created or grown
 * (zero bytes) to hold the furthest bit any SET/INCRBY writes, and the operations run
 * in order, each replying one array element. As in Redis 7.0:
 *  - OVERFLOW applies to the operations after it; WRAP (default) keeps the low bits
 *    (two's complement for signed fields), SAT clamps to the type's range, FAIL
 *    replies null and leaves the field unchanged;
 *  - a SET replies the old value, an INCRBY the new one;
 *  - an unsigned SET takes its value as a 64-bit two's complement pattern, so SAT
 *    turns a negative value into the type's maximum;
 *  - one "setbit" event is emitted when some operation changed a value or the string
 *    was created / grown by an operation that wrote. */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/string_int.h"
#include "db/db.h"
#include "db/notify.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <stdint.h>
#include <string.h>

enum bf_opcode { BF_GET, BF_SET, BF_INCRBY };
enum bf_overflow { BF_WRAP, BF_SAT, BF_FAIL };

struct bf_op {
    uint64_t offset;
    int64_t value; /* SET value / INCRBY increment */
    enum bf_opcode opcode;
    enum bf_overflow overflow;
    int bits;
    int is_signed;
};

/* Read `bits` bits at bit `offset` of p[0..len) (bits past len read as zero). */
static uint64_t bf_read(const unsigned char *p, size_t len, uint64_t offset, int bits) {
    uint64_t v = 0;
    for (int i = 0; i < bits; i++, offset++) {
        uint64_t byte = offset >> 3;
        unsigned bit = byte < len ? ((unsigned)p[byte] >> (7 - (offset & 7))) & 1 : 0;
        v = (v << 1) | bit;
    }
    return v;
}

/* Write the low `bits` bits of v at bit `offset` (the caller made the string long enough). */
static void bf_write(unsigned char *p, uint64_t offset, int bits, uint64_t v) {
    for (int i = bits - 1; i >= 0; i--, offset++) {
        unsigned char mask = (unsigned char)(1u << (7 - (offset & 7)));
        if ((v >> i) & 1) p[offset >> 3] |= mask;
        else p[offset >> 3] &= (unsigned char)~mask;
    }
}

static uint64_t bf_low_mask(int bits) { return bits == 64 ? UINT64_MAX : (1ULL << bits) - 1; }

/* Sign-extend the low `bits` bits of v. */
static int64_t bf_sign_extend(uint64_t v, int bits) {
    if (bits < 64) {
        v &= bf_low_mask(bits);
        if (v & (1ULL << (bits - 1))) v |= ~bf_low_mask(bits);
    }
    int64_t s;
    memcpy(&s, &v, sizeof(s));
    return s;
}

/* Compute the field's new value for op (old = the field's current pattern). Returns 0
 * with *out_new (a pattern of `bits` bits) or -1 when the result overflows under FAIL. */
static int bf_apply(const struct bf_op *op, uint64_t old, uint64_t *out_new) {
    int bits = op->bits;
    uint64_t mask = bf_low_mask(bits);
    int over = 0, under = 0;
    uint64_t wrapped; /* the two's complement sum, kept to the low bits by the caller */
    if (op->is_signed) {
        int64_t max = bits == 64 ? INT64_MAX : (int64_t)((1ULL << (bits - 1)) - 1);
        int64_t min = -max - 1;
        int64_t base = op->opcode == BF_INCRBY ? bf_sign_extend(old, bits) : 0, sum;
        if (__builtin_add_overflow(base, op->value, &sum)) {
            if (op->value > 0) over = 1;
            else under = 1;
        } else if (sum > max) {
            over = 1;
        } else if (op->opcode == BF_SET && bits < 64 && sum < max - INT64_MAX) {
            /* Redis 7.0 quirk kept for compatibility: its "max - value" headroom wraps
             * for values this far below zero, so it reports an overflow (SAT gives
             * the maximum, not the minimum). */
            over = 1;
        } else if (sum < min) {
            under = 1;
        }
        wrapped = (uint64_t)base + (uint64_t)op->value;
        if ((over || under) && op->overflow == BF_SAT) wrapped = (uint64_t)(over ? max : min);
    } else {
        uint64_t base = op->opcode == BF_INCRBY ? old : 0;
        uint64_t v = (uint64_t)op->value;
        if (op->opcode == BF_SET) {
            over = v > mask;
        } else if (op->value >= 0) {
            over = v > mask - base;
        } else {
            under = (0 - v) > base; /* the magnitude of a negative increment */
        }
        wrapped = base + v;
        if ((over || under) && op->overflow == BF_SAT) wrapped = over ? mask : 0;
    }
    if ((over || under) && op->overflow == BF_FAIL) return -1;
    *out_new = wrapped & mask;
    return 0;
}

/* Parse "i<bits>" / "u<bits>" (lower case only, as Redis 7.0). */
static int bf_parse_type(struct client *c, const struct arg *a, int *is_signed, int *bits) {
    long long n;
    char t = a->len ? a->ptr[0] : 0;
    if ((t != 'i' && t != 'u') || num_parse_ll(a->ptr + 1, a->len - 1, &n) != 0 || n < 1 || n > (t == 'i' ? 64 : 63)) {
        reply_error(&c->out, "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                             "supported but i64 is.");
        return -1;
    }
    *is_signed = t == 'i';
    *bits = (int)n;
    return 0;
}

/* Parse argv[2..] into ops (room for argc entries). Returns the count, or -1 after
 * replying. *writes is set when any SET/INCRBY appears; *maxbit to its furthest bit. */
static int bf_parse(struct client *c, struct bf_op *ops, int *writes, uint64_t *maxbit) {
    int n = 0;
    enum bf_overflow overflow = BF_WRAP;
    *writes = 0;
    *maxbit = 0;
    for (int j = 2; j < c->argc; j++) {
        int rest = c->argc - j - 1;
        const struct arg *sub = &c->argv[j];
        enum bf_opcode opcode;
        if (arg_eq(sub, "GET") && rest >= 2) {
            opcode = BF_GET;
        } else if (arg_eq(sub, "SET") && rest >= 3) {
            opcode = BF_SET;
        } else if (arg_eq(sub, "INCRBY") && rest >= 3) {
            opcode = BF_INCRBY;
        } else if (arg_eq(sub, "OVERFLOW") && rest >= 1) {
            const struct arg *kind = &c->argv[++j];
            if (arg_eq(kind, "WRAP")) overflow = BF_WRAP;
            else if (arg_eq(kind, "SAT")) overflow = BF_SAT;
            else if (arg_eq(kind, "FAIL")) overflow = BF_FAIL;
            else {
                reply_error(&c->out, "ERR Invalid OVERFLOW type specified");
                return -1;
            }
            continue;
        } else {
            reply_syntax_error(c);
            return -1;
        }
        struct bf_op *op = &ops[n];
        if (bf_parse_type(c, &c->argv[j + 1], &op->is_signed, &op->bits) != 0) return -1;
        if (bits_parse_offset(c, &c->argv[j + 2], 1, op->bits, &op->offset) != 0) return -1;
        op->value = 0;
        if (opcode != BF_GET) {
            long long v;
            if (num_parse_ll(c->argv[j + 3].ptr, c->argv[j + 3].len, &v) != 0) {
                reply_not_integer(c);
                return -1;
            }
            op->value = v;
            *writes = 1;
            uint64_t last = op->offset + (uint64_t)op->bits - 1;
            if (last > *maxbit) *maxbit = last;
        }
        op->opcode = opcode;
        op->overflow = overflow;
        n++;
        j += opcode == BF_GET ? 2 : 3;
    }
    return n;
}

static void bf_reply_field(struct client *c, const struct bf_op *op, uint64_t pattern) {
    if (op->is_signed) reply_int(&c->out, bf_sign_extend(pattern, op->bits));
    else reply_int(&c->out, (long long)pattern); /* at most 63 bits */
}

static void bitfield_generic(struct client *c, int readonly_cmd) {
    const struct arg *key = &c->argv[1];
    struct bf_op *ops = wmalloc((size_t)c->argc * sizeof(*ops));
    int writes;
    uint64_t maxbit;
    int n = bf_parse(c, ops, &writes, &maxbit);
    if (n < 0) goto done;
    entry *e = NULL;
    int grown = 0;
    if (!writes) {
        if (string_find_read(c, key, &e) != 0) goto done;
    } else {
        if (readonly_cmd) {
            reply_error(&c->out, "ERR BITFIELD_RO only supports the GET subcommand");
            goto done;
        }
        e = bits_lookup_for_write(c, key, maxbit, &grown);
        if (!e) goto done;
    }
    reply_array(&c->out, n);
    int changed = 0;
    for (int k = 0; k < n; k++) {
        const struct bf_op *op = &ops[k];
        char tmp[24];
        const char *p = NULL;
        size_t len = 0;
        if (e) entry_string(e, tmp, &p, &len);
        uint64_t old = bf_read((const unsigned char *)p, len, op->offset, op->bits);
        if (op->opcode == BF_GET) {
            bf_reply_field(c, op, old);
            continue;
        }
        uint64_t now;
        if (bf_apply(op, old, &now) != 0) {
            reply_null(&c->out);
            continue;
        }
        bf_reply_field(c, op, op->opcode == BF_SET ? old : now);
        bf_write((unsigned char *)string_wstr(e)->data, op->offset, op->bits, now);
        if (grown || now != old) changed = 1;
    }
    if (changed) keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "setbit");
done:
    wfree(ops);
}

void bitfield_command(struct client *c) { bitfield_generic(c, 0); }
void bitfield_ro_command(struct client *c) { bitfield_generic(c, 1); }
