/* config_int.h — the option table's row type, shared by config.c (mechanism) and
 * config_options.c (the rows). */
#ifndef WARDEN_CONFIG_INT_H
#define WARDEN_CONFIG_INT_H
#include "version.h"
#include <stddef.h>

enum config_type { CFG_BOOL, CFG_INT, CFG_LL, CFG_MEMORY, CFG_ENUM, CFG_STRING, CFG_SPECIAL };

#define CFG_IMMUTABLE (1 << 0)  /* start-up only: CONFIG SET refuses */
#define CFG_NOOP (1 << 1)       /* accepted for redis.conf compatibility; no effect in Warden */
#define CFG_SENSITIVE (1 << 2)  /* value never logged */
#define CFG_MULTI_ARG (1 << 3)  /* special: takes several words */

struct config_enum {
    const char *name;
    int value;
};

struct config_option;
typedef int config_check_fn(const struct config_option *o, long long v, char *err, size_t errlen);
typedef int config_check_str_fn(const struct config_option *o, const char *v, char *err, size_t errlen);
typedef int config_parse_fn(const struct config_option *o, int argc, char **argv, int runtime, char *err,
                            size_t errlen);
typedef void config_format_fn(const struct config_option *o, char *buf, size_t size);
typedef void config_after_set_fn(const struct config_option *o);

struct config_option {
    const char *name;
    const char *alias;
    enum config_type type;
    int flags;
    void *field;                     /* into server_config (or module-owned storage) */
    const char *deflt;               /* default as config text */
    long long min, max;              /* numeric bounds */
    const struct config_enum *enums; /* CFG_ENUM */
    config_check_fn *check;          /* extra validation of numeric/bool/enum values */
    config_check_str_fn *check_str;  /* extra validation of strings */
    config_parse_fn *parse;          /* CFG_SPECIAL */
    config_format_fn *format;        /* CFG_SPECIAL */
    config_after_set_fn *after_set;  /* run after a successful CONFIG SET */
};

extern const struct config_option config_options[]; /* NULL-name terminated */
const struct config_option *config_find(const char *name);
void config_format(const struct config_option *o, char *buf, size_t size);
int config_parse_bool(const char *v, int *out);
int config_parse_memory(const char *v, long long *out);
int config_split_line(const char *line, char ***argv_out);
void config_free_words(char **argv, int argc);
#endif
