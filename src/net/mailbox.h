/* mailbox.h — how one thread asks another to do something: a multi-producer,
 * single-consumer queue of (function, argument) messages plus an eventfd the owner's
 * epoll watches. Producers append under a mutex (the mutex's release/acquire orders the
 * message contents before the owner reads them) and then write the eventfd; the owner
 * drains the whole queue in one go and runs each message in posting order, so messages
 * from one producer arrive in the order they were posted. */
#ifndef WARDEN_MAILBOX_H
#define WARDEN_MAILBOX_H
#include <pthread.h>

typedef void (*mail_fn)(void *arg);
struct mail {
    struct mail *next;
    mail_fn fn;
    void *arg;
};
struct mailbox {
    pthread_mutex_t lock;
    struct mail *head, *tail;
    int efd; /* eventfd, non-blocking */
};

int mailbox_init(struct mailbox *mb);
void mailbox_destroy(struct mailbox *mb); /* runs nothing; frees pending mail */
/* Any thread: queue fn(arg) to run on the owner thread. */
void mailbox_post(struct mailbox *mb, mail_fn fn, void *arg);
/* Owner thread: run every queued message. */
void mailbox_drain(struct mailbox *mb);
#endif
