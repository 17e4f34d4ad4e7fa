/* listen.h — the listening sockets (TCP on every `bind` address, the unix socket)
 * and the acceptor loop that hands each new connection to a worker. Main thread. */
#ifndef WARDEN_LISTEN_H
#define WARDEN_LISTEN_H
/* Open listeners from server_config; returns 0, or -1 after logging why. */
int listen_open_all(void);
void listen_close_all(void);
/* Register the listeners with the main loop's epoll fd. */
void listen_register(int epfd);
/* The main loop calls this for an event whose data.u32 is a listener tag. */
int listen_is_tag(unsigned tag);
void listen_accept(unsigned tag);
#endif
