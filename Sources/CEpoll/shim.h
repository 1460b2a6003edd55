#ifndef REALPOOL_CEPOLL_SHIM_H
#define REALPOOL_CEPOLL_SHIM_H
// Glibc's Swift module does not export epoll and eventfd; the socket poller needs both.
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
#endif
