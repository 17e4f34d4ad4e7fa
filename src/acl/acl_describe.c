/* acl_describe.c — turning users back into rules (ACL LIST, ACL GETUSER, ACL SAVE).
 * Command permissions are described the way Redis 7.0 does it: start from "+@all" if
 * the selector allows future commands (the reserved bit set only by +@all) or "-@all"
 * otherwise, add each category that is mostly allowed (or remove each mostly denied),
 * then list the single commands and subcommands that still differ. Re-applying the
 * description must rebuild the same bitmap; acl_describe_commands checks that. */
#include "acl/acl_int.h"
#include "cmd/table.h"
#include "proto/reply.h"
#include "util/alloc.h"
#include "util/hex.h"
#include "util/textbuf.h"
#include <stdio.h>
#include <string.h>

static void describe_command_diffs(struct textbuf *b, const uint64_t *want, uint64_t *have) {
    for (int i = 0; i < command_count(); i++) {
        const struct command *c = command_at(i);
        int w = acl_bit_get(want, c->id), h = acl_bit_get(have, c->id);
        if (!c->subcommands) {
            if (w != h) {
                textbuf_puts(b, w ? "+" : "-");
                textbuf_puts(b, c->name);
                textbuf_puts(b, " ");
                acl_bit_set(have, c->id, w);
            }
            continue;
        }
        /* containers: one rule when every subcommand agrees with the container */
        int uniform = 1;
        for (const struct command *s = c->subcommands; s->name; s++)
            if (acl_bit_get(want, s->id) != w) uniform = 0;
        if (uniform) {
            int differs = w != h;
            for (const struct command *s = c->subcommands; s->name; s++)
                if (acl_bit_get(have, s->id) != w) differs = 1;
            if (differs) {
                textbuf_puts(b, w ? "+" : "-");
                textbuf_puts(b, c->name);
                textbuf_puts(b, " ");
                acl_bit_set(have, c->id, w);
                for (const struct command *s = c->subcommands; s->name; s++) acl_bit_set(have, s->id, w);
            }
            continue;
        }
        for (const struct command *s = c->subcommands; s->name; s++) {
            int ws = acl_bit_get(want, s->id);
            if (ws != acl_bit_get(have, s->id)) {
                textbuf_puts(b, ws ? "+" : "-");
                textbuf_puts(b, s->fullname);
                textbuf_puts(b, " ");
                acl_bit_set(have, s->id, ws);
                if (ws) acl_bit_set(have, c->id, 1);
            }
        }
        acl_bit_set(have, c->id, w);
    }
}

static void describe_commands(struct textbuf *b, const struct acl_selector *s) {
    int words = acl_bitmap_words();
    struct acl_selector fake;
    acl_selector_init(&fake);
    const char *why;
    int additive = !acl_bit_get(s->allowed, acl_future_bit());
    textbuf_puts(b, additive ? "-@all " : "+@all ");
    acl_selector_rule(&fake, additive ? "-@all" : "+@all", 5, &why);
    for (int cat = 0; cat < acl_category_count(); cat++) {
        unsigned long on = 0, off = 0;
        for (int id = 0; id < command_id_count(); id++) {
            if (!(acl_command_categories(command_by_id(id)) & (1ULL << cat))) continue;
            if (acl_bit_get(s->allowed, id)) on++;
            else off++;
        }
        if ((additive && on > off) || (!additive && off > on)) {
            char op[64];
            int n = snprintf(op, sizeof(op), "%s@%s", additive ? "+" : "-", acl_category_name(cat));
            acl_selector_rule(&fake, op, (size_t)n, &why);
            textbuf_append(b, op, (size_t)n);
            textbuf_puts(b, " ");
        }
    }
    describe_command_diffs(b, s->allowed, fake.allowed);
    (void)words;
    acl_selector_free(&fake);
    if (b->len && b->p[b->len - 1] == ' ') b->p[--b->len] = '\0';
}

static void describe_keys(struct textbuf *b, const struct acl_selector *s) {
    if (s->allkeys) {
        textbuf_puts(b, "~*");
        return;
    }
    for (int i = 0; i < s->nkeys; i++) {
        if (i) textbuf_puts(b, " ");
        int p = s->keys[i].perm;
        textbuf_puts(b, p == (ACL_PERM_READ | ACL_PERM_WRITE) ? "~" : p == ACL_PERM_READ ? "%R~" : "%W~");
        textbuf_append(b, s->keys[i].pat, s->keys[i].len);
    }
}

static void describe_channels(struct textbuf *b, const struct acl_selector *s) {
    if (s->allchannels) {
        textbuf_puts(b, "&*");
        return;
    }
    for (int i = 0; i < s->nchannels; i++) {
        if (i) textbuf_puts(b, " ");
        textbuf_puts(b, "&");
        textbuf_append(b, s->channels[i], s->chanlens[i]);
    }
}

char *acl_describe_selector(const struct acl_selector *s) {
    struct textbuf b = {0};
    textbuf_puts(&b, "");
    describe_keys(&b, s);
    if (b.len) textbuf_puts(&b, " ");
    if (!s->allchannels) textbuf_puts(&b, "resetchannels ");
    describe_channels(&b, s);
    if (b.len && b.p[b.len - 1] != ' ') textbuf_puts(&b, " ");
    describe_commands(&b, s);
    return b.p;
}

char *acl_describe_user(struct acl_user *u) {
    struct textbuf b = {0};
    textbuf_puts(&b, "user ");
    textbuf_puts(&b, u->name);
    textbuf_puts(&b, u->enabled ? " on" : " off");
    if (u->nopass) textbuf_puts(&b, " nopass");
    if (u->sanitize_payload) textbuf_puts(&b, " sanitize-payload");
    for (int i = 0; i < u->npass; i++) {
        char hex[66];
        hex[0] = '#';
        hex_encode(u->pass[i], 32, hex + 1);
        textbuf_puts(&b, " ");
        textbuf_puts(&b, hex);
    }
    char *root = acl_describe_selector(&u->root);
    textbuf_puts(&b, " ");
    textbuf_puts(&b, root);
    wfree(root);
    for (int i = 0; i < u->nsel; i++) {
        char *d = acl_describe_selector(&u->sel[i]);
        textbuf_puts(&b, " (");
        textbuf_puts(&b, d);
        textbuf_puts(&b, ")");
        wfree(d);
    }
    return b.p;
}

static void reply_selector_fields(struct reply *r, const struct acl_selector *s) {
    static const struct {
        const char *name;
        void (*describe)(struct textbuf *b, const struct acl_selector *s);
    } fields[] = {{"commands", describe_commands}, {"keys", describe_keys}, {"channels", describe_channels}};
    struct textbuf b = {0};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        b.len = 0;
        textbuf_puts(&b, ""); /* empty, allocated */
        reply_bulk_cstr(r, fields[i].name);
        fields[i].describe(&b, s);
        reply_bulk(r, b.p, b.len);
    }
    textbuf_free(&b);
}

void acl_reply_getuser(struct reply *r, struct acl_user *u) {
    reply_map(r, 6);
    reply_bulk_cstr(r, "flags");
    int nflags = 1 + u->nopass + u->sanitize_payload;
    reply_set(r, nflags);
    reply_bulk_cstr(r, u->enabled ? "on" : "off");
    if (u->nopass) reply_bulk_cstr(r, "nopass");
    if (u->sanitize_payload) reply_bulk_cstr(r, "sanitize-payload");
    reply_bulk_cstr(r, "passwords");
    reply_array(r, u->npass);
    for (int i = 0; i < u->npass; i++) {
        char hex[65];
        hex_encode(u->pass[i], 32, hex);
        reply_bulk(r, hex, 64);
    }
    reply_selector_fields(r, &u->root);
    reply_bulk_cstr(r, "selectors");
    reply_array(r, u->nsel);
    for (int i = 0; i < u->nsel; i++) {
        reply_map(r, 3);
        reply_selector_fields(r, &u->sel[i]);
    }
}
