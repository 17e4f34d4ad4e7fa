/* tls.h — TLS for client connections (OpenSSL 3), with Redis 7's options: tls-port,
 * tls-cert-file, tls-key-file, tls-key-file-pass, tls-ca-cert-file, tls-ca-cert-dir,
 * tls-auth-clients (yes / no / optional), tls-protocols (TLSv1.2 and TLSv1.3 only),
 * tls-ciphers, tls-ciphersuites, tls-prefer-server-ciphers, tls-dh-params-file,
 * tls-session-caching, tls-session-cache-size, tls-session-cache-timeout; and Warden's
 * tls-handshake-timeout and tls-auth-clients-user (CN: a verified client certificate's
 * Common Name logs the connection in as the ACL user of that name).
 *
 * One SSL_CTX is shared by all workers (OpenSSL makes creating SSL objects from it
 * thread-safe); each connection's SSL object lives on its worker thread only. CONFIG SET
 * of a TLS option builds a new context and swaps it in: new connections use it, open
 * ones keep theirs (an SSL holds a reference to its context). */
#ifndef WARDEN_TLS_H
#define WARDEN_TLS_H
#include "net/transport.h"

struct client;

/* First thing at start-up, before any other OpenSSL call: route OpenSSL's allocations
 * through the counting allocator, so TLS buffers count in used_memory / maxmemory. */
void tls_early_init(void);
/* Main thread, after the configuration is loaded: when tls-port is set, build the
 * context (returns -1 after logging why, e.g. a missing certificate); register the
 * CONFIG SET hooks either way. */
int tls_init(void);
void tls_shutdown(void);
/* 1 when a TLS context is loaded (tls-port set). */
int tls_enabled(void);
/* Owner thread: give an accepted socket its SSL object; 0, or -1 (close the client). */
int tls_conn_attach(struct client *c);
extern const struct conn_transport transport_tls;
#endif
