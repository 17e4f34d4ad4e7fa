/* transport.c — the plain-socket transport (TCP and unix sockets): read(2) and
 * writev(2) on the client's file descriptor. TLS lives in tls.c. */
#include "net/transport.h"
#include "client.h"
#include <errno.h>
#include <unistd.h>

static ssize_t plain_read(struct client *c, void *buf, size_t len) {
    ssize_t n;
    do n = read(c->fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n;
}

static ssize_t plain_writev(struct client *c, const struct iovec *iov, int iovcnt) {
    ssize_t n;
    do n = writev(c->fd, iov, iovcnt);
    while (n < 0 && errno == EINTR);
    return n;
}

const struct conn_transport transport_plain = {
    .name = "plain",
    .read = plain_read,
    .writev = plain_writev,
};
