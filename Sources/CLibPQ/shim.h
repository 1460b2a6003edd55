#ifndef REALPOOL_CLIBPQ_SHIM_H
#define REALPOOL_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
