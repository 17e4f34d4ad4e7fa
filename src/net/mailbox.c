/* mailbox.c — see mailbox.h. */
#include "net/mailbox.h"
#include "util/alloc.h"
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

int mailbox_init(struct mailbox *mb) {
    pthread_mutex_init(&mb->lock, NULL);
    mb->head = mb->tail = NULL;
    mb->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return mb->efd < 0 ? -1 : 0;
}

void mailbox_destroy(struct mailbox *mb) {
    struct mail *m = mb->head;
    while (m) {
        struct mail *n = m->next;
        wfree(m);
        m = n;
    }
    mb->head = mb->tail = NULL;
    if (mb->efd >= 0) close(mb->efd);
    mb->efd = -1;
    pthread_mutex_destroy(&mb->lock);
}

void mailbox_post(struct mailbox *mb, mail_fn fn, void *arg) {
    struct mail *m = wmalloc(sizeof(*m));
    m->next = NULL;
    m->fn = fn;
    m->arg = arg;
    pthread_mutex_lock(&mb->lock);
    int was_empty = mb->head == NULL;
    if (mb->tail) mb->tail->next = m;
    else mb->head = m;
    mb->tail = m;
    pthread_mutex_unlock(&mb->lock);
    /* Only the post that finds the queue empty needs to wake the owner: a non-empty
     * queue holds a message whose poster writes (or wrote) the eventfd after queueing
     * it, and the owner takes the whole queue only after reading the eventfd, so this
     * message is taken with that one. A burst of mail costs one write, not one each. */
    if (!was_empty) return;
    uint64_t one = 1;
    ssize_t w = write(mb->efd, &one, sizeof(one));
    (void)w; /* EAGAIN means the counter is already non-zero: the owner will wake */
}

void mailbox_drain(struct mailbox *mb) {
    uint64_t v;
    ssize_t r = read(mb->efd, &v, sizeof(v));
    (void)r;
    pthread_mutex_lock(&mb->lock);
    struct mail *m = mb->head;
    mb->head = mb->tail = NULL;
    pthread_mutex_unlock(&mb->lock);
    while (m) {
        struct mail *n = m->next;
        m->fn(m->arg);
        wfree(m);
        m = n;
    }
}
