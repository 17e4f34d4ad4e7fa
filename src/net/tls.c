/* tls.c — see tls.h. The transport functions follow OpenSSL's non-blocking rules:
 * the thread's error queue is cleared before each SSL call so that SSL_get_error sees
 * only this call's errors; a write that returned WANT_WRITE is retried with the same
 * bytes (conn.c only drops bytes the transport reported written, and we never offer
 * fewer bytes on a retry: each SSL_write gets one whole reply block, up to 16 KB); a
 * read that needs to write first (WANT_WRITE) asks for EPOLLOUT and is retried when the
 * socket becomes writable; a write that needs to read first waits for EPOLLIN, after
 * which conn.c's read path flushes again. */
#include "net/tls.h"
#include "acl/acl.h"
#include "acl/audit.h"
#include "client.h"
#include "config.h"
#include "net/worker.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/log.h"
#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TLS_WRITE_CHUNK (16 * 1024) /* one TLS record */
#define TLS_PATH_MAX 4096

struct tls_conn {
    SSL *ssl;
    int established;
    int read_wants_write; /* the last SSL_read returned WANT_WRITE */
};

struct tls_settings {
    char cert[TLS_PATH_MAX], key[TLS_PATH_MAX], key_pass[1024], ca_file[TLS_PATH_MAX], ca_dir[TLS_PATH_MAX];
    char dh_file[TLS_PATH_MAX], protocols[256], ciphers[2048], ciphersuites[1024];
    int auth_clients; /* 0 no, 1 yes, 2 optional */
    int prefer_server, session_caching;
    long cache_size, cache_timeout;
};

static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static SSL_CTX *tls_ctx; /* ctx_lock */

/* ---- allocation ---- */

static void *tls_malloc(size_t n, const char *file, int line) {
    (void)file; (void)line;
    return wmalloc(n);
}
static void *tls_realloc(void *p, size_t n, const char *file, int line) {
    (void)file; (void)line;
    if (n == 0) {
        wfree(p);
        return NULL;
    }
    return wrealloc(p, n);
}
static void tls_free(void *p, const char *file, int line) {
    (void)file; (void)line;
    wfree(p);
}

void tls_early_init(void) {
    /* Fails (harmlessly) if OpenSSL already allocated: then its memory is not counted. */
    if (!CRYPTO_set_mem_functions(tls_malloc, tls_realloc, tls_free))
        log_verbose("OpenSSL allocations are not counted in used_memory");
}

/* ---- the context ---- */

static void tls_settings_get(void *priv, const char *name, const char *value) {
    struct tls_settings *s = priv;
    struct {
        const char *name;
        char *buf;
        size_t size;
    } strs[] = {
        {"tls-cert-file", s->cert, sizeof(s->cert)},
        {"tls-key-file", s->key, sizeof(s->key)},
        {"tls-key-file-pass", s->key_pass, sizeof(s->key_pass)},
        {"tls-ca-cert-file", s->ca_file, sizeof(s->ca_file)},
        {"tls-ca-cert-dir", s->ca_dir, sizeof(s->ca_dir)},
        {"tls-dh-params-file", s->dh_file, sizeof(s->dh_file)},
        {"tls-protocols", s->protocols, sizeof(s->protocols)},
        {"tls-ciphers", s->ciphers, sizeof(s->ciphers)},
        {"tls-ciphersuites", s->ciphersuites, sizeof(s->ciphersuites)},
    };
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        if (!strcmp(name, strs[i].name)) {
            snprintf(strs[i].buf, strs[i].size, "%s", value);
            return;
        }
    if (!strcmp(name, "tls-auth-clients"))
        s->auth_clients = !strcasecmp(value, "yes") ? 1 : !strcasecmp(value, "optional") ? 2 : 0;
    else if (!strcmp(name, "tls-prefer-server-ciphers")) s->prefer_server = !strcasecmp(value, "yes");
    else if (!strcmp(name, "tls-session-caching")) s->session_caching = !strcasecmp(value, "yes");
    else if (!strcmp(name, "tls-session-cache-size")) s->cache_size = strtol(value, NULL, 10);
    else if (!strcmp(name, "tls-session-cache-timeout")) s->cache_timeout = strtol(value, NULL, 10);
}

static int tls_pass_cb(char *buf, int size, int rwflag, void *u) {
    (void)rwflag;
    const char *pass = u;
    if (!pass || size <= 0) return 0;
    size_t n = strlen(pass);
    if (n > (size_t)size) n = (size_t)size;
    memcpy(buf, pass, n);
    return (int)n;
}

/* The reason of the last OpenSSL failure, for logs and CONFIG SET errors. */
static void tls_error_text(char *buf, size_t size) {
    unsigned long e = ERR_peek_last_error();
    if (e) ERR_error_string_n(e, buf, size);
    else snprintf(buf, size, "unknown error");
    ERR_clear_error();
}

/* Min/max protocol from tls-protocols ("" = TLSv1.2 and TLSv1.3; the config check
 * refused everything but TLSv1.2 / TLSv1.3). */
static void tls_protocol_range(const char *protocols, int *min, int *max) {
    int v12 = 0, v13 = 0;
    for (const char *p = protocols; *p;) {
        while (*p == ' ') p++;
        if (!strncasecmp(p, "TLSv1.2", 7)) v12 = 1;
        else if (!strncasecmp(p, "TLSv1.3", 7)) v13 = 1;
        while (*p && *p != ' ') p++;
    }
    if (!v12 && !v13) v12 = v13 = 1;
    *min = v12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    *max = v13 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

/* Build a server context from the current settings; NULL with err filled on failure. */
static SSL_CTX *tls_build_ctx(char *err, size_t errlen) {
    struct tls_settings *s = wcalloc(1, sizeof(*s));
    struct config_pattern pat = {"tls-*", 5};
    config_get_patterns(&pat, 1, tls_settings_get, s);
    char why[256];
    SSL_CTX *ctx = NULL;
    if (!s->cert[0] || !s->key[0]) {
        snprintf(err, errlen, "TLS needs tls-cert-file and tls-key-file");
        goto fail;
    }
    if (s->auth_clients && !s->ca_file[0] && !s->ca_dir[0]) {
        snprintf(err, errlen, "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-auth-clients "
                              "is yes or optional");
        goto fail;
    }
    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        tls_error_text(why, sizeof(why));
        snprintf(err, errlen, "can't create the TLS context: %s", why);
        goto fail;
    }
    int min, max;
    tls_protocol_range(s->protocols, &min, &max);
    SSL_CTX_set_min_proto_version(ctx, min);
    SSL_CTX_set_max_proto_version(ctx, max);
    long opts = SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION;
    if (s->prefer_server) opts |= SSL_OP_CIPHER_SERVER_PREFERENCE;
    if (!s->session_caching) opts |= SSL_OP_NO_TICKET;
    SSL_CTX_set_options(ctx, opts);
    /* partial writes: conn.c drops exactly what was written; release idle buffers */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    if (s->session_caching) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        SSL_CTX_sess_set_cache_size(ctx, s->cache_size);
        SSL_CTX_set_timeout(ctx, s->cache_timeout);
        SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"warden", 6);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, s->cert) != 1) {
        tls_error_text(why, sizeof(why));
        snprintf(err, errlen, "Failed to load certificate %.200s: %s", s->cert, why);
        goto fail;
    }
    SSL_CTX_set_default_passwd_cb(ctx, tls_pass_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, s->key_pass[0] ? s->key_pass : NULL);
    int key_ok = SSL_CTX_use_PrivateKey_file(ctx, s->key, SSL_FILETYPE_PEM) == 1;
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL); /* s->key_pass is freed below */
    if (!key_ok) {
        int mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
        tls_error_text(why, sizeof(why));
        if (mismatch) snprintf(err, errlen, "The private key %.200s does not match the certificate", s->key);
        else snprintf(err, errlen, "Failed to load private key %.200s: %s", s->key, why);
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        tls_error_text(why, sizeof(why));
        snprintf(err, errlen, "The private key does not match the certificate: %s", why);
        goto fail;
    }
    if (s->ca_file[0] || s->ca_dir[0]) {
        if (SSL_CTX_load_verify_locations(ctx, s->ca_file[0] ? s->ca_file : NULL, s->ca_dir[0] ? s->ca_dir : NULL) !=
            1) {
            tls_error_text(why, sizeof(why));
            snprintf(err, errlen, "Failed to configure CA certificate(s) file/directory: %s", why);
            goto fail;
        }
        if (s->ca_file[0]) {
            STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(s->ca_file);
            if (names) SSL_CTX_set_client_CA_list(ctx, names); /* the CA names we ask for */
        }
    }
    SSL_CTX_set_verify(ctx,
                       s->auth_clients == 1   ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                       : s->auth_clients == 2 ? SSL_VERIFY_PEER
                                              : SSL_VERIFY_NONE,
                       NULL);
    if (s->ciphers[0] && SSL_CTX_set_cipher_list(ctx, s->ciphers) != 1) {
        tls_error_text(why, sizeof(why));
        snprintf(err, errlen, "Failed to configure ciphers: %s", why);
        goto fail;
    }
    if (s->ciphersuites[0] && SSL_CTX_set_ciphersuites(ctx, s->ciphersuites) != 1) {
        tls_error_text(why, sizeof(why));
        snprintf(err, errlen, "Failed to configure ciphersuites: %s", why);
        goto fail;
    }
    if (s->dh_file[0]) {
        BIO *bio = BIO_new_file(s->dh_file, "r");
        EVP_PKEY *dh = bio ? PEM_read_bio_Parameters(bio, NULL) : NULL;
        BIO_free(bio);
        if (!dh || SSL_CTX_set0_tmp_dh_pkey(ctx, dh) != 1) {
            EVP_PKEY_free(dh);
            tls_error_text(why, sizeof(why));
            snprintf(err, errlen, "Failed to load DH parameters %.200s: %s", s->dh_file, why);
            goto fail;
        }
    } else {
        SSL_CTX_set_dh_auto(ctx, 1);
    }
    OPENSSL_cleanse(s->key_pass, sizeof(s->key_pass));
    wfree(s);
    return ctx;
fail:
    SSL_CTX_free(ctx);
    OPENSSL_cleanse(s->key_pass, sizeof(s->key_pass));
    wfree(s);
    return NULL;
}

int tls_enabled(void) {
    pthread_mutex_lock(&ctx_lock);
    int on = tls_ctx != NULL;
    pthread_mutex_unlock(&ctx_lock);
    return on;
}

/* CONFIG SET of a TLS option: rebuild and swap the context; a failure rolls the
 * CONFIG SET back and leaves the running context alone. */
static int tls_config_hook(const char *name, char *err, size_t errlen) {
    if (atomic_load(&server_config.tls_port) == 0 && atomic_load(&server_config.memcached_tls_port) == 0)
        return 0; /* nothing to reload */
    char why[512];
    SSL_CTX *ctx = tls_build_ctx(why, sizeof(why));
    if (!ctx) {
        log_warning("Unable to update TLS configuration (%s): %s", name, why);
        snprintf(err, errlen, "Unable to update TLS configuration: %s", why);
        return -1;
    }
    pthread_mutex_lock(&ctx_lock);
    SSL_CTX *old = tls_ctx;
    tls_ctx = ctx;
    pthread_mutex_unlock(&ctx_lock);
    SSL_CTX_free(old); /* open connections hold their own references */
    log_notice("TLS configuration reloaded (%s): new connections use it", name);
    return 0;
}

int tls_init(void) {
    static const char *const reloading[] = {
        "tls-cert-file",        "tls-key-file",         "tls-key-file-pass",      "tls-ca-cert-file",
        "tls-ca-cert-dir",      "tls-auth-clients",     "tls-protocols",          "tls-ciphers",
        "tls-ciphersuites",     "tls-prefer-server-ciphers", "tls-session-caching", "tls-session-cache-size",
        "tls-session-cache-timeout", "tls-dh-params-file", NULL};
    for (int i = 0; reloading[i]; i++) config_register_hook(reloading[i], tls_config_hook);
    if (atomic_load(&server_config.tls_port) == 0 && atomic_load(&server_config.memcached_tls_port) == 0) return 0;
    char why[512];
    SSL_CTX *ctx = tls_build_ctx(why, sizeof(why));
    if (!ctx) {
        log_warning("Failed to configure TLS: %s", why);
        return -1;
    }
    tls_ctx = ctx;
    return 0;
}

void tls_shutdown(void) {
    pthread_mutex_lock(&ctx_lock);
    SSL_CTX_free(tls_ctx);
    tls_ctx = NULL;
    pthread_mutex_unlock(&ctx_lock);
}

/* ---- connections ---- */

int tls_conn_attach(struct client *c) {
    pthread_mutex_lock(&ctx_lock);
    SSL *ssl = tls_ctx ? SSL_new(tls_ctx) : NULL;
    pthread_mutex_unlock(&ctx_lock);
    if (!ssl || SSL_set_fd(ssl, c->fd) != 1) {
        SSL_free(ssl);
        ERR_clear_error();
        return -1;
    }
    SSL_set_accept_state(ssl);
    struct tls_conn *t = wcalloc(1, sizeof(*t));
    t->ssl = ssl;
    c->tls = t;
    c->tr = &transport_tls;
    return 0;
}

/* tls-auth-clients-user CN: a verified client certificate whose Common Name is an
 * enabled ACL user logs the connection in as that user. */
static void tls_login_by_certificate(struct client *c, SSL *ssl) {
    if (atomic_load(&server_config.tls_auth_clients_user) != 1) return;
    X509 *peer = SSL_get1_peer_certificate(ssl);
    if (!peer) return;
    char cn[256] = "";
    int len = -1;
    if (SSL_get_verify_result(ssl) == X509_V_OK)
        len = X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof(cn));
    X509_free(peer);
    if (len <= 0 || (size_t)len >= sizeof(cn) || strlen(cn) != (size_t)len) return; /* none, cut, or embedded NUL */
    acl_read_lock();
    struct acl_user *u = acl_find_user(cn, (size_t)len);
    int ok = u && acl_user_enabled(u);
    acl_read_unlock();
    if (!ok) {
        log_verbose("TLS client certificate CN '%s' is not an enabled user: id=%llu addr=%s", cn, c->id, c->addr);
        audit_event("auth_failure", c->addr, cn, "tls-client-certificate", NULL);
        return;
    }
    c->user = u;
    c->authenticated = 1;
    audit_event("auth_success", c->addr, cn, "tls-client-certificate", NULL);
}

static int tls_handshake(struct client *c) {
    struct tls_conn *t = c->tls;
    if (t->established) return 1;
    ERR_clear_error();
    int r = SSL_accept(t->ssl);
    if (r == 1) {
        t->established = 1;
        worker_want_write(c, 0);
        tls_login_by_certificate(c, t->ssl);
        return 1;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ) {
        worker_want_write(c, 0);
        return 0;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        worker_want_write(c, 1);
        return 0;
    }
    char why[256];
    if (e == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0)
        snprintf(why, sizeof(why), "%s", errno ? strerror(errno) : "connection closed by the client");
    else tls_error_text(why, sizeof(why));
    ERR_clear_error();
    log_verbose("Error accepting a client connection: %s (addr=%s laddr=%s)", why, c->addr, c->laddr);
    STAT_INC(tls_handshake_failures);
    return -1;
}

static ssize_t tls_read(struct client *c, void *buf, size_t len) {
    struct tls_conn *t = c->tls;
    ERR_clear_error();
    int n = SSL_read(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
    if (n > 0) {
        t->read_wants_write = 0;
        return n;
    }
    int e = SSL_get_error(t->ssl, n);
    switch (e) {
    case SSL_ERROR_ZERO_RETURN:
        return 0; /* close_notify */
    case SSL_ERROR_WANT_READ:
        t->read_wants_write = 0;
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_WANT_WRITE:
        t->read_wants_write = 1;
        worker_want_write(c, 1);
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_SYSCALL:
        if (errno == 0 || ERR_peek_last_error() != 0) { /* EOF without close_notify */
            ERR_clear_error();
            return 0;
        }
        return -1;
    default:
        ERR_clear_error();
        errno = EPROTO;
        return -1;
    }
}

static ssize_t tls_writev(struct client *c, const struct iovec *iov, int iovcnt) {
    struct tls_conn *t = c->tls;
    ssize_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        const char *p = iov[i].iov_base;
        size_t left = iov[i].iov_len;
        while (left) {
            int chunk = left > TLS_WRITE_CHUNK ? TLS_WRITE_CHUNK : (int)left;
            ERR_clear_error();
            int n = SSL_write(t->ssl, p, chunk);
            if (n > 0) {
                total += n;
                p += n;
                left -= (size_t)n;
                continue;
            }
            int e = SSL_get_error(t->ssl, n);
            if (total > 0) return total;
            if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                errno = EAGAIN; /* WANT_READ: EPOLLIN is always on; the read path flushes again */
                return -1;
            }
            ERR_clear_error();
            errno = EPIPE;
            return -1;
        }
    }
    return total;
}

static int tls_has_pending(struct client *c) {
    struct tls_conn *t = c->tls;
    return t->established && SSL_pending(t->ssl) > 0;
}

static int tls_wants_writable(struct client *c) {
    struct tls_conn *t = c->tls;
    return t->read_wants_write;
}

static void tls_conn_shutdown(struct client *c) {
    struct tls_conn *t = c->tls;
    if (!t) return;
    if (t->established) {
        ERR_clear_error();
        SSL_shutdown(t->ssl); /* one try at close_notify; never waits */
    }
    SSL_free(t->ssl);
    ERR_clear_error();
    wfree(t);
    c->tls = NULL;
}

const struct conn_transport transport_tls = {
    .name = "tls",
    .read = tls_read,
    .writev = tls_writev,
    .has_pending = tls_has_pending,
    .handshake = tls_handshake,
    .wants_writable = tls_wants_writable,
    .shutdown = tls_conn_shutdown,
};
