#ifndef WARDEN_VERSION_H
#define WARDEN_VERSION_H
#define WARDEN_VERSION "0.1.0"
#define WARDEN_REDIS_VERSION "7.0.15" /* the Redis version whose behaviour we match (INFO redis_version) */
#endif
