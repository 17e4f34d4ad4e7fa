/* aof_manifest.c — see aof_manifest.h. */
#include "persist/aof_manifest.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MANIFEST_MAX_LINE 1024

void aof_manifest_init(struct aof_manifest *m) { memset(m, 0, sizeof(*m)); }

void aof_manifest_free(struct aof_manifest *m) {
    wfree(m->base.name);
    for (int i = 0; i < m->nincr; i++) wfree(m->incr[i].name);
    for (int i = 0; i < m->nhistory; i++) wfree(m->history[i].name);
    wfree(m->incr);
    wfree(m->history);
    aof_manifest_init(m);
}

void aof_manifest_set_base(struct aof_manifest *m, const char *name, long long seq) {
    wfree(m->base.name);
    m->base.name = wstrdup(name);
    m->base.seq = seq;
    m->base.type = 'b';
    if (seq > m->base_seq) m->base_seq = seq;
}

static void add_file(struct aof_file_info **arr, int *n, const char *name, long long seq, int type) {
    *arr = wrealloc(*arr, (size_t)(*n + 1) * sizeof(**arr));
    (*arr)[*n].name = wstrdup(name);
    (*arr)[*n].seq = seq;
    (*arr)[*n].type = type;
    (*n)++;
}

void aof_manifest_add_incr(struct aof_manifest *m, const char *name, long long seq) {
    add_file(&m->incr, &m->nincr, name, seq, 'i');
    if (seq > m->incr_seq) m->incr_seq = seq;
}

void aof_manifest_add_history(struct aof_manifest *m, const char *name, long long seq) {
    add_file(&m->history, &m->nhistory, name, seq, 'h');
}

void aof_manifest_copy(struct aof_manifest *dst, const struct aof_manifest *src) {
    aof_manifest_init(dst);
    if (src->base.name) aof_manifest_set_base(dst, src->base.name, src->base.seq);
    for (int i = 0; i < src->nincr; i++) aof_manifest_add_incr(dst, src->incr[i].name, src->incr[i].seq);
    for (int i = 0; i < src->nhistory; i++) aof_manifest_add_history(dst, src->history[i].name, src->history[i].seq);
    dst->base_seq = src->base_seq;
    dst->incr_seq = src->incr_seq;
}

/* Split a line into at most `max` words (quotes as redis-cli). Returns the count or -1. */
static int split_words(const char *line, char words[][MANIFEST_MAX_LINE + 1], int max) {
    int n = 0;
    const char *p = line;
    while (1) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) return n;
        if (n == max) return -1;
        size_t k = 0;
        char q = 0;
        if (*p == '"' || *p == '\'') q = *p++;
        while (*p && (q ? *p != q : !isspace((unsigned char)*p))) {
            if (q == '"' && *p == '\\' && p[1]) p++;
            words[n][k++] = *p++;
        }
        if (q) {
            if (*p != q) return -1;
            p++;
            if (*p && !isspace((unsigned char)*p)) return -1;
        }
        words[n][k] = '\0';
        n++;
    }
}

int aof_manifest_parse(const char *text, size_t len, struct aof_manifest *m, char *err, size_t errlen) {
    aof_manifest_init(m);
    size_t at = 0;
    int lines = 0;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t ll = nl ? (size_t)(nl - (text + at)) : len - at;
        if (ll > MANIFEST_MAX_LINE) {
            snprintf(err, errlen, "The AOF manifest file contains too long line");
            goto fail;
        }
        char line[MANIFEST_MAX_LINE + 1];
        memcpy(line, text + at, ll);
        line[ll] = '\0';
        at += ll + (nl ? 1 : 0);
        if (memchr(line, '\0', ll)) {
            snprintf(err, errlen, "Invalid AOF manifest file format");
            goto fail;
        }
        char *s = line;
        while (*s && isspace((unsigned char)*s)) s++;
        if (!*s || *s == '#') continue;
        char words[8][MANIFEST_MAX_LINE + 1];
        int n = split_words(s, words, 8);
        if (n < 0 || n % 2 != 0) {
            snprintf(err, errlen, "Invalid AOF manifest file format");
            goto fail;
        }
        const char *name = NULL, *seqs = NULL, *type = NULL;
        for (int i = 0; i < n; i += 2) {
            if (!strcmp(words[i], "file")) name = words[i + 1];
            else if (!strcmp(words[i], "seq")) seqs = words[i + 1];
            else if (!strcmp(words[i], "type")) type = words[i + 1];
        }
        long long seq;
        if (!name || !seqs || !type || strlen(type) != 1 || num_parse_ll(seqs, strlen(seqs), &seq) != 0 || seq < 0) {
            snprintf(err, errlen, "Invalid AOF manifest file format");
            goto fail;
        }
        if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
            snprintf(err, errlen, "Invalid AOF file name in the manifest: names must not contain a path");
            goto fail;
        }
        if (type[0] == 'b') {
            if (m->base.name) {
                snprintf(err, errlen, "Found duplicate base file information");
                goto fail;
            }
            aof_manifest_set_base(m, name, seq);
        } else if (type[0] == 'i') {
            if (m->nincr && seq <= m->incr[m->nincr - 1].seq) {
                snprintf(err, errlen, "Found a non-monotonic sequence number");
                goto fail;
            }
            aof_manifest_add_incr(m, name, seq);
        } else if (type[0] == 'h') {
            aof_manifest_add_history(m, name, seq);
        } else {
            snprintf(err, errlen, "Unknown AOF file type");
            goto fail;
        }
        lines++;
    }
    if (lines == 0) {
        snprintf(err, errlen, "Found an empty AOF manifest");
        goto fail;
    }
    return 0;
fail:
    aof_manifest_free(m);
    return -1;
}

static void append_line(char **buf, size_t *len, size_t *cap, const struct aof_file_info *f) {
    char line[MANIFEST_MAX_LINE + 64];
    int n = snprintf(line, sizeof(line), "file %s seq %lld type %c\n", f->name, f->seq, f->type);
    if (n < 0) return;
    while (*len + (size_t)n + 1 > *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *buf = wrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, line, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = '\0';
}

char *aof_manifest_format(const struct aof_manifest *m, size_t *len) {
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    buf = wmalloc(1);
    buf[0] = '\0';
    cap = 1;
    if (m->base.name) append_line(&buf, len, &cap, &m->base);
    for (int i = 0; i < m->nhistory; i++) append_line(&buf, len, &cap, &m->history[i]);
    for (int i = 0; i < m->nincr; i++) append_line(&buf, len, &cap, &m->incr[i]);
    return buf;
}
