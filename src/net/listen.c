/* listen.c — see listen.h. maxclients is checked here, before a worker sees the
 * socket, so a connection flood costs one accept+write+close per excess connection. */
#include "net/listen.h"
#include "config.h"
#include "net/conn.h"
#include "net/limits.h"
#include "net/registry.h"
#include "net/worker.h"
#include "stats.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_MAX (4 * CONFIG_MAX_BIND + 1) /* plain, TLS, memcache, memcache TLS per address; unix */
#define LISTEN_TAG_BASE 0x4c000000u

static struct {
    int fd;
    int kind; /* CONN_UNIX / CONN_TLS / CONN_MEMCACHE bits (conn.h) */
} listeners[LISTEN_MAX];
static int nlisteners;

/* 1 for 127.0.0.0/8 and ::1 (and their IPv4-mapped forms). */
static int listen_is_loopback(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET) return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return 1;
}

static int listen_tcp(const char *addr, int port, int optional, int kind) {
    const char *host = addr;
    if (!strcmp(addr, "*")) host = "0.0.0.0";
    else if (!strcmp(addr, "::*")) host = "::";
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICHOST};
    struct addrinfo *res;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) {
        hints.ai_flags = AI_PASSIVE;
        rc = getaddrinfo(host, portstr, &hints, &res);
    }
    if (rc != 0) {
        log_warning("Could not resolve bind address %s: %s", addr, gai_strerror(rc));
        return optional ? 0 : -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        if (optional) return 0;
        log_warning("Could not create server TCP listening socket %s:%d: %s", addr, port, strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (res->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, server_config.tcp_backlog) != 0) {
        int e = errno;
        close(fd);
        freeaddrinfo(res);
        if (optional && (e == EADDRNOTAVAIL || e == EAFNOSUPPORT || e == EPROTONOSUPPORT)) return 0;
        log_warning("Warning: Could not create server TCP listening socket %s:%d: bind: %s", addr, port, strerror(e));
        return -1;
    }
    if (!(kind & CONN_TLS) && !listen_is_loopback(res->ai_addr))
        log_warning("WARNING: listening on %s:%d without TLS: commands and passwords cross the network in clear "
                    "text. Set tls-port (and port 0 for TLS only) or bind to a loopback address.",
                    addr, port);
    freeaddrinfo(res);
    listeners[nlisteners].fd = fd;
    listeners[nlisteners].kind = kind;
    nlisteners++;
    return 0;
}

static int listen_unix(const char *path, int perm) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        log_warning("unixsocket path too long: %s", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1); /* length checked above */
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, server_config.tcp_backlog) != 0) {
        log_warning("Could not create server unix socket %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (perm) chmod(path, (mode_t)perm);
    listeners[nlisteners].fd = fd;
    listeners[nlisteners].kind = CONN_UNIX;
    nlisteners++;
    return 0;
}

int listen_open_all(void) {
    int ports[2] = {server_config.port, server_config.tls_port};
    for (int k = 0; k < 2; k++) {
        if (ports[k] == 0) continue;
        for (int i = 0; i < server_config.bind_count; i++) {
            const char *a = server_config.bind[i];
            int optional = a[0] == '-';
            if (optional) a++;
            if (listen_tcp(a, ports[k], optional, k ? CONN_TLS : 0) != 0) return -1;
        }
    }
    int mport = server_config.memcached_port;
    if (mport != 0) {
        if (mport == ports[0] || mport == ports[1]) {
            log_warning("memcached-port %d is the same as port: choose another port for the memcache protocol", mport);
            return -1;
        }
        for (int i = 0; i < server_config.bind_count; i++) {
            const char *a = server_config.bind[i];
            int optional = a[0] == '-';
            if (optional) a++;
            if (listen_tcp(a, mport, optional, CONN_MEMCACHE) != 0) return -1;
        }
        log_notice("Memcache protocol on port %d", mport);
    }
    int mtport = server_config.memcached_tls_port;
    if (mtport != 0) {
        if (mtport == ports[0] || mtport == ports[1] || mtport == mport) {
            log_warning("memcached-tls-port %d is already used by another listener", mtport);
            return -1;
        }
        for (int i = 0; i < server_config.bind_count; i++) {
            const char *a = server_config.bind[i];
            int optional = a[0] == '-';
            if (optional) a++;
            if (listen_tcp(a, mtport, optional, CONN_MEMCACHE | CONN_TLS) != 0) return -1;
        }
        log_notice("Memcache protocol over TLS on port %d", mtport);
    }
    if (server_config.unixsocket && server_config.unixsocket[0]) {
        if (listen_unix(server_config.unixsocket, server_config.unixsocketperm) != 0) return -1;
    }
    if (nlisteners == 0) {
        log_warning("Configured to not listen anywhere, exiting.");
        return -1;
    }
    return 0;
}

void listen_close_all(void) {
    for (int i = 0; i < nlisteners; i++) close(listeners[i].fd);
    if (server_config.unixsocket && server_config.unixsocket[0]) unlink(server_config.unixsocket);
    nlisteners = 0;
}

void listen_register(int epfd) {
    for (int i = 0; i < nlisteners; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = LISTEN_TAG_BASE + (unsigned)i};
        epoll_ctl(epfd, EPOLL_CTL_ADD, listeners[i].fd, &ev);
    }
}

/* Protected mode: with no password for the default user, only loopback clients may
 * connect. The refusal is written at accept time, before any state is allocated, in
 * the listener's protocol. */
static int listen_protected_refuse(int fd, int memcache) {
    if (!server_config.protected_mode) return 0;
    char pass[4];
    config_copy_string(&server_config.requirepass, pass, sizeof(pass));
    if (pass[0]) return 0;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0) return 1;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        if ((ntohl(a->sin_addr.s_addr) >> 24) == 127) return 0;
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr)) return 0;
        if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127) return 0;
    } else {
        return 0;
    }
    static const char msg[] =
        "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set "
        "for the default user. In this mode connections are only accepted from the loopback interface. "
        "To accept other clients, do one of: set a password for the default user (requirepass or ACL); or, "
        "from a loopback connection, run 'CONFIG SET protected-mode no' and make sure the server is not "
        "reachable from untrusted networks (CONFIG REWRITE keeps the change); or restart with "
        "'--protected-mode no'.\r\n";
    static const char mc_msg[] =
        "SERVER_ERROR DENIED Warden is running in protected mode because protected mode is enabled and no password "
        "is set for the default user; only loopback connections are accepted\r\n";
    ssize_t w = memcache ? write(fd, mc_msg, sizeof(mc_msg) - 1) : write(fd, msg, sizeof(msg) - 1);
    (void)w;
    return 1;
}

int listen_is_tag(unsigned tag) { return tag >= LISTEN_TAG_BASE && tag < LISTEN_TAG_BASE + (unsigned)nlisteners; }

void listen_accept(unsigned tag) {
    int i = (int)(tag - LISTEN_TAG_BASE);
    for (int burst = 0; burst < 1000; burst++) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof(peer);
        int fd = accept4(listeners[i].fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warning("Accepting client connection: %s", strerror(errno));
            return;
        }
        int kind = listeners[i].kind;
        int is_unix = kind & CONN_UNIX;
        if (!is_unix && listen_protected_refuse(fd, kind & CONN_MEMCACHE)) {
            close(fd);
            STAT_INC(rejected_conns);
            continue;
        }
        if (registry_count() + worker_pending_sockets() >= server_config.maxclients) {
            static const char msg[] = "-ERR max number of clients reached\r\n";
            static const char mc_msg[] = "SERVER_ERROR max number of clients reached\r\n";
            ssize_t w = (kind & CONN_MEMCACHE) ? write(fd, mc_msg, sizeof(mc_msg) - 1) : write(fd, msg, sizeof(msg) - 1);
            (void)w;
            close(fd);
            STAT_INC(rejected_conns);
            continue;
        }
        /* per-address cap and connection rate (after maxclients: a full server answers
         * everyone the same way) */
        struct limits_addr *rec = NULL;
        const char *why = NULL;
        if (!is_unix && limits_addr_admit(&peer, &rec, &why) != 0) {
            ssize_t w = write(fd, why, strlen(why));
            (void)w;
            close(fd);
            STAT_INC(rejected_conns);
            STAT_INC(rejected_conns_per_ip);
            continue;
        }
        worker_assign_socket(fd, kind, rec);
    }
}
