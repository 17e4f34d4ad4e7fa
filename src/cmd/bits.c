/* bits.c — (being written) */
#include "cmd/families.h"
struct command bits_commands[] = {
    CMD_END,
};
