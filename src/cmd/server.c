/* server.c — (being written) */
#include "cmd/families.h"
struct command server_commands[] = {
    CMD_END,
};
