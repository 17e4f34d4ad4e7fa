/* bits.c — the bitmap commands SETBIT GETBIT BITCOUNT BITPOS BITOP and the family's
 * table rows (BITFIELD and BITFIELD_RO live in bitfield.c).
 *
 * A bitmap is a string value; bit 0 is the most significant bit of byte 0. Reads
 * accept any string encoding (an int value is read as its decimal digits); writes make
 * the value raw first and grow it with zero bytes, as Redis 7.0. Offsets are bounded by
 * proto-max-bulk-len (in bytes), so no client number can size an allocation beyond
 * what a SET of that length could. */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "cmd/string_int.h"
#include "config.h"
#include "db/db.h"
#include "db/notify.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <limits.h>
#include <string.h>

/* ---- helpers shared with bitfield.c ---- */

int bits_parse_offset(struct client *c, const struct arg *a, int hash, int bits, uint64_t *out) {
    const char *p = a->ptr;
    size_t len = a->len;
    int multiply = 0;
    long long v;
    if (hash && len > 0 && p[0] == '#') {
        p++;
        len--;
        multiply = 1;
    }
    long long max = server_config.proto_max_bulk_len;
    if (num_parse_ll(p, len, &v) != 0 || v < 0 || (multiply && __builtin_mul_overflow(v, (long long)bits, &v)) ||
        (v >> 3) >= max) {
        reply_error(&c->out, "ERR bit offset is not an integer or out of range");
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

entry *bits_lookup_for_write(struct client *c, const struct arg *key, uint64_t maxbit, int *grown) {
    entry *e;
    size_t need = (size_t)(maxbit >> 3) + 1;
    if (grown) *grown = 0;
    if (string_find_write(c, key, &e) != 0) return NULL;
    if (!e) {
        if (grown) *grown = 1;
        return string_create_zeroed(c->db, key, need);
    }
    size_t old = entry_string_len(e);
    e = string_make_writable(c->db, e, need > old ? need : old);
    if (grown && need > old) *grown = 1;
    return e;
}

/* ---- SETBIT, GETBIT ---- */

static void setbit_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    uint64_t offset;
    long long on;
    if (bits_parse_offset(c, &c->argv[2], 0, 0, &offset) != 0) return;
    if (num_parse_ll(c->argv[3].ptr, c->argv[3].len, &on) != 0 || (on != 0 && on != 1)) {
        reply_error(&c->out, "ERR bit is not an integer or out of range");
        return;
    }
    int grown;
    entry *e = bits_lookup_for_write(c, key, offset, &grown);
    if (!e) return;
    unsigned char *byte = (unsigned char *)string_wstr(e)->data + (offset >> 3);
    unsigned mask = 1u << (7 - (offset & 7));
    int old = (*byte & mask) != 0;
    if (grown || old != on) {
        if (on) *byte = (unsigned char)(*byte | mask);
        else *byte = (unsigned char)(*byte & ~mask);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "setbit");
    }
    reply_int(&c->out, old);
}

static void getbit_command(struct client *c) {
    uint64_t offset;
    entry *e;
    if (bits_parse_offset(c, &c->argv[2], 0, 0, &offset) != 0) return;
    if (string_find_read(c, &c->argv[1], &e) != 0) return;
    int bit = 0;
    if (e) {
        char tmp[24];
        const char *p;
        size_t len;
        entry_string(e, tmp, &p, &len);
        if ((offset >> 3) < len) bit = ((unsigned char)p[offset >> 3] >> (7 - (offset & 7))) & 1;
    }
    reply_int(&c->out, bit);
}

/* ---- ranges shared by BITCOUNT and BITPOS ---- */

/* Parse "BYTE" / "BIT"; returns 0 with *isbit, or -1 after a syntax error. */
static int parse_range_unit(struct client *c, const struct arg *a, int *isbit) {
    if (arg_eq(a, "BIT")) *isbit = 1;
    else if (arg_eq(a, "BYTE")) *isbit = 0;
    else {
        reply_syntax_error(c);
        return -1;
    }
    return 0;
}

/* Clamp [start, end] (negative: from the end) against `total` units; returns 0 when
 * the range is empty. */
static int clamp_range(long long *start, long long *end, long long total) {
    if (*start < 0) *start = *start < -total ? 0 : total + *start;
    if (*end < 0) *end = *end < -total ? 0 : total + *end;
    if (*end >= total) *end = total - 1;
    return *start <= *end;
}

/* Set bits of p[0..n). */
static long long popcount_bytes(const unsigned char *p, size_t n) {
    long long count = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        count += __builtin_popcountll(w);
    }
    for (; i < n; i++) count += __builtin_popcount(p[i]);
    return count;
}

/* Set bits in bit positions [sb, eb] of p (eb within the string). */
static long long popcount_bits(const unsigned char *p, uint64_t sb, uint64_t eb) {
    uint64_t first = sb >> 3, last = eb >> 3;
    long long count = popcount_bytes(p + first, (size_t)(last - first + 1));
    /* remove the bits of the edge bytes that lie outside the range */
    unsigned head = (unsigned)(0xFF00u >> (sb & 7)) & 0xFF; /* bits before sb */
    unsigned tail = (1u << (7 - (eb & 7))) - 1;             /* bits after eb */
    count -= __builtin_popcount(p[first] & head);
    count -= __builtin_popcount(p[last] & tail);
    return count;
}

/* ---- BITCOUNT ---- */

static void bitcount_command(struct client *c) {
    entry *e;
    /* Redis 7.0 answers 0 for a missing key before looking at the other arguments */
    if (string_find_read(c, &c->argv[1], &e) != 0) return;
    if (!e) {
        reply_int(&c->out, 0);
        return;
    }
    char tmp[24];
    const char *s;
    size_t len;
    entry_string(e, tmp, &s, &len);
    const unsigned char *p = (const unsigned char *)s;
    if (c->argc == 2) {
        reply_int(&c->out, popcount_bytes(p, len));
        return;
    }
    if (c->argc != 4 && c->argc != 5) {
        reply_syntax_error(c);
        return;
    }
    long long start, end;
    int isbit = 0;
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &start) != 0 ||
        num_parse_ll(c->argv[3].ptr, c->argv[3].len, &end) != 0) {
        reply_not_integer(c);
        return;
    }
    if (start < 0 && end < 0 && start > end) {
        reply_int(&c->out, 0);
        return;
    }
    if (c->argc == 5 && parse_range_unit(c, &c->argv[4], &isbit) != 0) return;
    long long total = isbit ? (long long)len * 8 : (long long)len;
    if (!clamp_range(&start, &end, total)) {
        reply_int(&c->out, 0);
        return;
    }
    if (isbit) reply_int(&c->out, popcount_bits(p, (uint64_t)start, (uint64_t)end));
    else reply_int(&c->out, popcount_bytes(p + start, (size_t)(end - start + 1)));
}

/* ---- BITPOS ---- */

/* First bit equal to `bit` in bit positions [sb, eb] of p, or -1. */
static long long find_bit(const unsigned char *p, uint64_t sb, uint64_t eb, int bit) {
    unsigned char skip = bit ? 0x00 : 0xFF; /* a byte with no bit of interest */
    uint64_t pos = sb;
    while (pos <= eb) {
        if ((pos & 7) == 0 && pos + 7 <= eb) {
            /* whole bytes: skip 8 at a time, then bytes, then look inside one */
            uint64_t byte = pos >> 3, last_full = (eb + 1) / 8; /* bytes [byte, last_full) are whole */
            uint64_t want = bit ? 0 : UINT64_MAX;
            while (byte + 8 <= last_full) {
                uint64_t w;
                memcpy(&w, p + byte, 8);
                if (w != want) break;
                byte += 8;
            }
            while (byte < last_full && p[byte] == skip) byte++;
            pos = byte << 3;
            if (byte == last_full) continue; /* the tail (if any) is a partial byte */
        }
        if ((((unsigned)p[pos >> 3] >> (7 - (pos & 7))) & 1) == (unsigned)bit) return (long long)pos;
        pos++;
    }
    return -1;
}

static void bitpos_command(struct client *c) {
    long long bit;
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &bit) != 0) {
        reply_not_integer(c);
        return;
    }
    if (bit != 0 && bit != 1) {
        reply_error(&c->out, "ERR The bit argument must be 1 or 0.");
        return;
    }
    entry *e;
    if (string_find_read(c, &c->argv[1], &e) != 0) return;
    if (!e) {
        /* a missing key is an endless run of zero bits */
        reply_int(&c->out, bit ? -1 : 0);
        return;
    }
    char tmp[24];
    const char *s;
    size_t len;
    entry_string(e, tmp, &s, &len);
    long long start = 0, end = (long long)len - 1;
    int isbit = 0, end_given = 0;
    if (c->argc >= 4 && c->argc <= 6) {
        if (num_parse_ll(c->argv[3].ptr, c->argv[3].len, &start) != 0) {
            reply_not_integer(c);
            return;
        }
        if (c->argc == 6 && parse_range_unit(c, &c->argv[5], &isbit) != 0) return;
        if (c->argc >= 5) {
            if (num_parse_ll(c->argv[4].ptr, c->argv[4].len, &end) != 0) {
                reply_not_integer(c);
                return;
            }
            end_given = 1;
        } else {
            end = LLONG_MAX; /* to the end of the string */
        }
    } else if (c->argc != 3) {
        reply_syntax_error(c);
        return;
    }
    long long total = isbit ? (long long)len * 8 : (long long)len;
    if (!clamp_range(&start, &end, total)) {
        reply_int(&c->out, -1);
        return;
    }
    uint64_t sb = isbit ? (uint64_t)start : (uint64_t)start * 8;
    uint64_t eb = isbit ? (uint64_t)end : (uint64_t)end * 8 + 7;
    long long pos = find_bit((const unsigned char *)s, sb, eb, (int)bit);
    /* No clear bit found: without an explicit end the string is seen as followed by
     * zeros, so the answer is the first bit after it. */
    if (pos < 0 && bit == 0 && !end_given) pos = (long long)eb + 1;
    reply_int(&c->out, pos);
}

/* ---- BITOP ---- */

enum bitop_kind { BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT };

static void bitop_command(struct client *c) {
    const struct arg *dest = &c->argv[2];
    enum bitop_kind op;
    if (arg_eq(&c->argv[1], "AND")) op = BITOP_AND;
    else if (arg_eq(&c->argv[1], "OR")) op = BITOP_OR;
    else if (arg_eq(&c->argv[1], "XOR")) op = BITOP_XOR;
    else if (arg_eq(&c->argv[1], "NOT")) op = BITOP_NOT;
    else {
        reply_syntax_error(c);
        return;
    }
    if (op == BITOP_NOT && c->argc != 4) {
        reply_error(&c->out, "ERR BITOP NOT must be called with a single source key.");
        return;
    }
    int n = c->argc - 3;
    struct bitop_src {
        const unsigned char *p;
        size_t len;
        char tmp[24];
    } *src = wmalloc((size_t)n * sizeof(*src));
    size_t maxlen = 0;
    for (int k = 0; k < n; k++) {
        entry *e;
        if (string_find_read(c, &c->argv[3 + k], &e) != 0) {
            wfree(src);
            return;
        }
        src[k].p = NULL;
        src[k].len = 0;
        if (e) {
            const char *p;
            entry_string(e, src[k].tmp, &p, &src[k].len); /* an int's digits go to this tmp */
            src[k].p = (const unsigned char *)p;
        }
        if (src[k].len > maxlen) maxlen = src[k].len;
    }
    if (maxlen == 0) {
        wfree(src);
        if (db_delete(c->db, dest->ptr, dest->len))
            keyspace_event(c->db->id, dest->ptr, dest->len, NOTIFY_GENERIC, "del");
        reply_int(&c->out, 0);
        return;
    }
    /* the result is built aside: a source may be the destination itself */
    wstr *res = wstr_new(NULL, 0, maxlen);
    unsigned char *r = (unsigned char *)res->data;
    for (size_t i = 0; i < maxlen; i++) {
        unsigned v = src[0].len > i ? src[0].p[i] : 0;
        if (op == BITOP_NOT) v = ~v;
        for (int k = 1; k < n; k++) {
            unsigned b = src[k].len > i ? src[k].p[i] : 0; /* shorter strings are zero-padded */
            if (op == BITOP_AND) v &= b;
            else if (op == BITOP_OR) v |= b;
            else v ^= b;
        }
        r[i] = (unsigned char)v;
    }
    res->len = maxlen;
    res->data[maxlen] = '\0';
    wfree(src);
    db_put(c->db, entry_new_raw(dest->ptr, dest->len, res, -1), 0);
    keyspace_event(c->db->id, dest->ptr, dest->len, NOTIFY_STRING, "set");
    reply_int(&c->out, (long long)maxlen);
}

/* ---- the table (Redis 7.0's COMMAND INFO / DOCS for each row) ---- */

#define BIT_KEY1 .first_key = 1, .last_key = 1, .key_step = 1

struct command bits_commands[] = {
    {.name = "setbit", .proc = setbit_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_WRITE | ACL_BITMAP | ACL_SLOW, BIT_KEY1,
     .summary = "Sets or clears the bit at offset in the string value stored at key", .since = "2.2.0",
     .group = "bitmap", .complexity = "O(1)"},
    {.name = "getbit", .proc = getbit_command, .arity = 3, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_BITMAP | ACL_FAST, BIT_KEY1,
     .summary = "Returns the bit value at offset in the string value stored at key", .since = "2.2.0",
     .group = "bitmap", .complexity = "O(1)"},
    {.name = "bitcount", .proc = bitcount_command, .arity = -2, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_BITMAP | ACL_SLOW, BIT_KEY1, .summary = "Count set bits in a string", .since = "2.6.0",
     .group = "bitmap", .complexity = "O(N)"},
    {.name = "bitpos", .proc = bitpos_command, .arity = -3, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_BITMAP | ACL_SLOW, BIT_KEY1, .summary = "Find first bit set or clear in a string",
     .since = "2.8.7", .group = "bitmap", .complexity = "O(N)"},
    {.name = "bitop", .proc = bitop_command, .arity = -4, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_WRITE | ACL_BITMAP | ACL_SLOW, .first_key = 2, .last_key = -1, .key_step = 1,
     .summary = "Perform bitwise operations between strings", .since = "2.6.0", .group = "bitmap",
     .complexity = "O(N)"},
    {.name = "bitfield", .proc = bitfield_command, .arity = -2, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_WRITE | ACL_BITMAP | ACL_SLOW, BIT_KEY1,
     .summary = "Perform arbitrary bitfield integer operations on strings", .since = "3.2.0", .group = "bitmap",
     .complexity = "O(1) for each subcommand specified"},
    {.name = "bitfield_ro", .proc = bitfield_ro_command, .arity = -2, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_BITMAP | ACL_FAST, BIT_KEY1,
     .summary = "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
     .since = "6.0.0", .group = "bitmap", .complexity = "O(1) for each subcommand specified"},
    CMD_END,
};
