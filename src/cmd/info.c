/* info.c — (being written) */
#include "cmd/families.h"
struct command info_commands[] = {
    CMD_END,
};
