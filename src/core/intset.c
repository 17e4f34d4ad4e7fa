/* intset.c — see intset.h. Elements are read and written with memcpy so that no
 * access is unaligned (the array follows an 8-byte header but widths vary). */
#include "core/intset.h"
#include "util/alloc.h"
#include <string.h>

uint32_t intset_width_for(int64_t v) {
    if (v >= INT16_MIN && v <= INT16_MAX) return 2;
    if (v >= INT32_MIN && v <= INT32_MAX) return 4;
    return 8;
}

/* Read element i of an array of the given width. */
static int64_t read_at(const unsigned char *data, uint32_t width, uint32_t i) {
    switch (width) {
    case 2: {
        int16_t v;
        memcpy(&v, data + (size_t)i * 2, 2);
        return v;
    }
    case 4: {
        int32_t v;
        memcpy(&v, data + (size_t)i * 4, 4);
        return v;
    }
    default: {
        int64_t v;
        memcpy(&v, data + (size_t)i * 8, 8);
        return v;
    }
    }
}

/* Write v (which must fit the width) at element i. */
static void write_at(unsigned char *data, uint32_t width, uint32_t i, int64_t v) {
    switch (width) {
    case 2: {
        int16_t x = (int16_t)v;
        memcpy(data + (size_t)i * 2, &x, 2);
        break;
    }
    case 4: {
        int32_t x = (int32_t)v;
        memcpy(data + (size_t)i * 4, &x, 4);
        break;
    }
    default:
        memcpy(data + (size_t)i * 8, &v, 8);
        break;
    }
}

static size_t bytes_for(uint32_t width, uint32_t count) { return sizeof(intset) + (size_t)width * count; }

intset *intset_new(void) {
    intset *is = wmalloc(sizeof(intset));
    is->width = 2;
    is->count = 0;
    return is;
}

void intset_free(intset *is) { wfree(is); }

intset *intset_dup(const intset *is) {
    size_t n = intset_bytes(is);
    intset *d = wmalloc(n);
    memcpy(d, is, n);
    return d;
}

size_t intset_bytes(const intset *is) { return bytes_for(is->width, is->count); }

int64_t intset_get(const intset *is, uint32_t pos) { return read_at(is->data, is->width, pos); }

/* Binary search: returns 1 and *pos = index if found; 0 and *pos = insertion point. */
static int search(const intset *is, int64_t v, uint32_t *pos) {
    uint32_t lo = 0, hi = is->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t cur = read_at(is->data, is->width, mid);
        if (cur == v) {
            *pos = mid;
            return 1;
        }
        if (cur < v) lo = mid + 1;
        else hi = mid;
    }
    *pos = lo;
    return 0;
}

int intset_contains(const intset *is, int64_t v) {
    uint32_t pos;
    if (intset_width_for(v) > is->width) return 0;
    return search(is, v, &pos);
}

/* Widen every element to `width` and add v, which needs the new width and so is
 * either below every element (negative) or above every element (positive). */
static intset *upgrade_and_add(intset *is, int64_t v, uint32_t width) {
    uint32_t old = is->width, n = is->count;
    is = wrealloc(is, bytes_for(width, n + 1));
    is->width = width;
    int front = v < 0;
    /* walk from the end so the wider writes never clobber unread narrower elements */
    for (uint32_t i = n; i-- > 0;) write_at(is->data, width, i + (uint32_t)front, read_at(is->data, old, i));
    write_at(is->data, width, front ? 0 : n, v);
    is->count = n + 1;
    return is;
}

intset *intset_add(intset *is, int64_t v, int *added) {
    uint32_t need = intset_width_for(v), pos;
    if (added) *added = 0;
    if (need > is->width) {
        if (added) *added = 1;
        return upgrade_and_add(is, v, need);
    }
    if (search(is, v, &pos)) return is;
    is = wrealloc(is, bytes_for(is->width, is->count + 1));
    size_t w = is->width;
    memmove(is->data + (pos + 1) * w, is->data + pos * w, (size_t)(is->count - pos) * w);
    write_at(is->data, is->width, pos, v);
    is->count++;
    if (added) *added = 1;
    return is;
}

intset *intset_remove_at(intset *is, uint32_t pos, int64_t *out) {
    size_t w = is->width;
    if (out) *out = read_at(is->data, is->width, pos);
    memmove(is->data + pos * w, is->data + (pos + 1) * w, (size_t)(is->count - pos - 1) * w);
    is->count--;
    return wrealloc(is, bytes_for(is->width, is->count));
}

intset *intset_remove(intset *is, int64_t v, int *removed) {
    uint32_t pos;
    if (removed) *removed = 0;
    if (intset_width_for(v) > is->width || !search(is, v, &pos)) return is;
    if (removed) *removed = 1;
    return intset_remove_at(is, pos, NULL);
}

int intset_validate(const void *blob, size_t len) {
    const intset *is = blob;
    if (len < sizeof(intset)) return -1;
    uint32_t width, count;
    memcpy(&width, &is->width, 4);
    memcpy(&count, &is->count, 4);
    if (width != 2 && width != 4 && width != 8) return -1;
    if ((len - sizeof(intset)) / width != count || (len - sizeof(intset)) % width != 0) return -1;
    const unsigned char *data = (const unsigned char *)blob + sizeof(intset);
    for (uint32_t i = 1; i < count; i++)
        if (read_at(data, width, i - 1) >= read_at(data, width, i)) return -1;
    return 0;
}
