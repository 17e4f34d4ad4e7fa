/* acl_int.h — ACL internals shared by acl.c, acl_describe.c, acl_file.c, acl_keys.c. */
#ifndef WARDEN_ACL_INT_H
#define WARDEN_ACL_INT_H
#include "acl/acl.h"
#include <stdint.h>

#define ACL_PERM_READ 1
#define ACL_PERM_WRITE 2

struct acl_keypat {
    char *pat; /* owned */
    size_t len;
    int perm;  /* ACL_PERM_* */
};

struct acl_selector {
    uint64_t *allowed;     /* owned bitmap over command ids, plus the "future commands" bit */
    struct acl_keypat *keys; /* owned */
    int nkeys, allkeys;
    char **channels;       /* owned */
    size_t *chanlens;
    int nchannels, allchannels;
};

struct acl_user {
    char *name;                 /* owned */
    int enabled, nopass, sanitize_payload;
    unsigned char (*pass)[32];  /* owned SHA-256 digests */
    int npass;
    struct acl_selector root;
    struct acl_selector *sel;   /* owned extra selectors */
    int nsel;
    int deleted;
};

int acl_key_perm(const struct command *cmd, const struct client *c, int nth_key, int nkeys);
int acl_bitmap_words(void);
int acl_future_bit(void);
static inline int acl_bit_get(const uint64_t *bm, int id) { return (int)((bm[id >> 6] >> (id & 63)) & 1); }
static inline void acl_bit_set(uint64_t *bm, int id, int v) {
    if (v) bm[id >> 6] |= 1ULL << (id & 63);
    else bm[id >> 6] &= ~(1ULL << (id & 63));
}
/* Apply one selector rule ("~k", "+get", "allkeys"...); returns 0 or -1 with *why. */
int acl_selector_rule(struct acl_selector *s, const char *op, size_t len, const char **why);
void acl_selector_init(struct acl_selector *s);
void acl_selector_free(struct acl_selector *s);
char *acl_describe_selector(const struct acl_selector *s); /* wmalloc'd */
void acl_write_lock(void);
void acl_write_unlock(void);
#endif
