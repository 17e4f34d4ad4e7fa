/* introspect.c — (being written) */
#include "cmd/families.h"
struct command introspect_commands[] = {
    CMD_END,
};
