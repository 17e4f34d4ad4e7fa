/* config_cmd.c — (being written) */
#include "cmd/families.h"
struct command config_commands[] = {
    CMD_END,
};
