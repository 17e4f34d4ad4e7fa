/* transport.h — how a connection's bytes move: a table of functions per transport
 * (plain socket, TLS), so that conn.c reads and writes the same way whatever is under
 * it. Every function runs on the client's owner thread. A transport keeps its state in
 * c->tls (NULL for plain sockets). */
#ifndef WARDEN_TRANSPORT_H
#define WARDEN_TRANSPORT_H
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

struct client;

struct conn_transport {
    const char *name;
    /* Bytes read (> 0), 0 at the end of the stream, or -1 with errno set (EAGAIN: nothing
     * to read now — for TLS possibly because the socket must become writable first). */
    ssize_t (*read)(struct client *c, void *buf, size_t len);
    /* Bytes written (>= 0; fewer than offered: wait for writability), or -1 with errno
     * (EAGAIN: nothing could be written now). */
    ssize_t (*writev)(struct client *c, const struct iovec *iov, int iovcnt);
    /* 1 when bytes were received and decoded but not yet returned by read (a TLS record's
     * remainder): epoll will not report them, so the caller reads again. NULL: never. */
    int (*has_pending)(struct client *c);
    /* Drive the opening handshake: 1 done, 0 waiting for the peer, -1 failed (close the
     * client). NULL: no handshake. Sets the epoll interest it waits for. */
    int (*handshake)(struct client *c);
    /* 1 when the transport needs EPOLLOUT even with no reply pending (a TLS read that
     * must write first). NULL: never. */
    int (*wants_writable)(struct client *c);
    /* Release the transport's state (before the socket is closed). NULL: nothing. */
    void (*shutdown)(struct client *c);
};

extern const struct conn_transport transport_plain;
#endif
