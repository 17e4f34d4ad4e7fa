/* crc64.h — the CRC-64 that RDB files and DUMP payloads carry: the "Jones" polynomial
 * 0xad93d23594c935a9, reflected input and output, initial value 0, no final xor
 * (check value: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca).
 * Library code: depends on nothing of the server. Thread-safe. */
#ifndef WARDEN_CRC64_H
#define WARDEN_CRC64_H
#include <stddef.h>
#include <stdint.h>

/* Continue a running CRC over `len` bytes; start with crc = 0. */
uint64_t crc64(uint64_t crc, const void *data, size_t len);
#endif
