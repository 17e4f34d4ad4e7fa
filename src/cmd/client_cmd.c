/* client_cmd.c — (being written) */
#include "cmd/families.h"
struct command client_commands[] = {
    CMD_END,
};
