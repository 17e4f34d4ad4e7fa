/* debug.c — (being written) */
#include "cmd/families.h"
struct command debug_commands[] = {
    CMD_END,
};
