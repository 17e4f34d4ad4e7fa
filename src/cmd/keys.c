/* keys.c — (being written) */
#include "cmd/families.h"
struct command keys_commands[] = {
    CMD_END,
};
