/* lzf.h — LZF compression as RDB files use it (the liblzf stream format), our own
 * implementation. Library code: no server headers, no allocation, thread-safe.
 *
 * Format: a sequence of items, each starting with a control byte c:
 *   c < 0x20            literal run: the next c+1 bytes (1..32) are copied as they are
 *   c >> 5 in 1..6      back reference of (c >> 5) + 2 bytes (3..8), one more byte o:
 *                       copy from (output position - ((c & 0x1f) << 8 | o) - 1)
 *   c >> 5 == 7         long back reference: a length byte x then o; length 9 + x (9..264)
 * Back references may overlap their own output (run-length repetition). */
#ifndef WARDEN_LZF_H
#define WARDEN_LZF_H
#include <stddef.h>

/* Longest expansion a valid stream can produce per input byte (a 3-byte item that
 * copies 264 bytes): loaders reject a declared length beyond in_len * LZF_MAX_RATIO. */
#define LZF_MAX_RATIO 88

/* Compress `in` into `out` (at most out_len bytes). Returns the compressed length, or
 * 0 when the result would not fit (the caller then stores the data uncompressed). */
size_t lzf_compress(const void *in, size_t in_len, void *out, size_t out_len);
/* Decompress into `out` (capacity out_len). Every read and write is bounds-checked:
 * returns the decompressed length, or 0 on malformed input or when `out` is too small. */
size_t lzf_decompress(const void *in, size_t in_len, void *out, size_t out_len);
#endif
