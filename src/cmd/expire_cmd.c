/* expire_cmd.c — (being written) */
#include "cmd/families.h"
struct command expire_commands[] = {
    CMD_END,
};
