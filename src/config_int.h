/* config_int.h — private to the configuration module: the option table's row type,
 * shared by config.c (values: parse, format, CONFIG GET/SET), config_load.c (redis.conf
 * and the command line), config_rewrite.c (CONFIG REWRITE) and config_options.c (the
 * rows and the special options' parsers). Nothing outside config*.c includes it. */
#ifndef WARDEN_CONFIG_INT_H
#define WARDEN_CONFIG_INT_H
#include "version.h"
#include <stddef.h>

/* Storage of each type: BOOL/INT/ENUM an _Atomic int, LL/MEMORY an _Atomic long long,
 * STRING a char * (config_lock), SPECIAL whatever its parse/format functions own. */
enum config_type { CFG_BOOL, CFG_INT, CFG_LL, CFG_MEMORY, CFG_ENUM, CFG_STRING, CFG_SPECIAL };

#define CFG_IMMUTABLE (1 << 0)  /* start-up only: CONFIG SET refuses ("can't set immutable config") */
#define CFG_NOOP (1 << 1)       /* accepted for redis.conf compatibility; no effect in Warden */
#define CFG_SENSITIVE (1 << 2)  /* value never logged nor echoed in start-up errors */
#define CFG_MULTI_ARG (1 << 3)  /* special: takes several words (CONFIG SET splits on spaces) */
#define CFG_PROTECTED (1 << 4)  /* CONFIG SET only as enable-protected-configs allows */
#define CFG_OCTAL (1 << 5)      /* INT written and read in octal (unixsocketperm) */
#define CFG_PERCENT (1 << 6)    /* MEMORY that also takes "N%" (stored as -N) */
#define CFG_EMPTY_NULL (1 << 7) /* STRING where "" means unset: REWRITE drops its lines */
#define CFG_NEEDS_HOOK (1 << 8) /* a run-time change needs an apply hook from the owning module */

/* Modes passed to parse functions. */
#define CFG_MODE_RUNTIME (1 << 0) /* CONFIG SET (else: config file / command line / defaults) */
#define CFG_MODE_DRY (1 << 1)     /* validate only, change nothing */
#define CFG_MODE_DEFAULT (1 << 2) /* applying the built-in default at init */

struct config_enum {
    const char *name;
    int value;
};

struct config_option;
struct config_rewrite_state;
/* Extra validation of a parsed numeric/bool/enum value. Runs in CONFIG SET's validation
 * pass too, before anything is stored: no side effects here (use .apply). */
typedef int config_check_fn(const struct config_option *o, long long v, char *err, size_t errlen);
/* Turn an accepted numeric value into the one stored (hz is clamped to 1..500). */
typedef long long config_adjust_fn(const struct config_option *o, long long v);
typedef int config_check_str_fn(const struct config_option *o, const char *v, char *err, size_t errlen);
/* CFG_SPECIAL: validate argv and, unless mode has CFG_MODE_DRY, store it. (`mode` is 0 when
 * reading the configuration, so older parse functions that take it as "runtime" work.) */
typedef int config_parse_fn(const struct config_option *o, int argc, char **argv, int mode, char *err,
                            size_t errlen);
/* CFG_SPECIAL: the CONFIG GET text (must parse back to the same value). */
typedef void config_format_fn(const struct config_option *o, char *buf, size_t size);
/* Write this option's lines for CONFIG REWRITE (NULL: "name <format>" when not default). */
typedef void config_rewrite_fn(const struct config_option *o, struct config_rewrite_state *st);
/* After a CONFIG SET committed a changed value (outside config_lock). Returns 0, or -1 with
 * err filled: the whole CONFIG SET is then rolled back. */
typedef int config_apply_fn(const struct config_option *o, char *err, size_t errlen);
/* Older form of apply that cannot fail: runs after a CONFIG SET changed the value. */
typedef void config_after_set_fn(const struct config_option *o);

struct config_option {
    const char *name;
    const char *alias;
    enum config_type type;
    int flags;
    void *field;                     /* into server_config; NULL: config.c keeps the value */
    const char *deflt;               /* default as config text (CFG_SPECIAL: words split on spaces) */
    long long min, max;              /* numeric bounds */
    const struct config_enum *enums; /* CFG_ENUM */
    config_check_fn *check;          /* extra validation of numeric/bool/enum values */
    config_adjust_fn *adjust;        /* numeric: value stored for an accepted value */
    config_check_str_fn *check_str;  /* extra validation of strings */
    config_parse_fn *parse;          /* CFG_SPECIAL */
    config_format_fn *format;        /* CFG_SPECIAL */
    config_rewrite_fn *rewrite;      /* optional */
    config_apply_fn *apply;          /* optional, CONFIG SET only */
    config_after_set_fn *after_set;  /* optional, CONFIG SET only, when the value changed */
};

extern const struct config_option config_options[]; /* NULL-name terminated */
int config_option_count(void);
const struct config_option *config_find(const char *name);
/* The CONFIG GET text of an option's current value (config_lock held for reading). */
void config_format(const struct config_option *o, char *buf, size_t size);
/* 1 if the option's current value equals its built-in default. */
int config_is_default(const struct config_option *o);
/* Apply one option from words (argv[0..argc)). Returns 0 or -1 with err filled (Redis's
 * text). Takes no lock: callers hold config_lock for writing once workers run. */
int config_apply(const struct config_option *o, int argc, char **argv, int mode, char *err, size_t errlen);
/* Storage of a row (its field, or the value config.c keeps for field-less rows). */
void *config_storage(const struct config_option *o);

/* Value parsing shared by rows. */
int config_parse_bool(const char *v, int *out);
/* Redis memory syntax: digits with an optional unit (b, k, kb, m, mb, g, gb; any case).
 * No sign. Returns 0 or -1 (also when the value exceeds LLONG_MAX). */
int config_parse_memory(const char *v, long long *out);
/* "1gb"/"64mb"/"5kb" when exact, else bytes (REWRITE's style). */
void config_format_memory(char *buf, size_t size, long long bytes);
/* Split a config line as redis.conf does (quotes, \xHH escapes). Returns the word count or
 * -1 on unbalanced quotes; words are wmalloc'd (free with config_free_words). */
int config_split_line(const char *line, char ***argv_out);
/* Split a CONFIG SET value of a multi-word option on single spaces ("" → 0 words). */
int config_split_spaces(const char *value, char ***argv_out);
void config_free_words(char **argv, int argc);
/* Append a string as a double-quoted, escaped redis.conf word. */
void config_quote(char *buf, size_t size, const char *s);

/* Forget what the loader saw (for options whose lines accumulate, like save). */
void config_options_reset_load_state(void);
/* Free what special options allocated (config_free). */
void config_options_free(void);
/* One of the directives that are not options (rename-command, user, loadmodule, ...):
 * returns 1 if `name` is one, filling err when it must be refused. */
int config_special_directive(const char *name, int argc, char **argv, char *err, size_t errlen, int *refuse);

/* Special options (config_special.c), referenced by the rows. */
config_parse_fn config_bind_parse, config_save_parse, config_obuf_parse, config_notify_parse, config_oom_parse,
    config_percentiles_parse, config_replicaof_parse, config_shutdown_parse;
config_format_fn config_bind_format, config_save_format, config_obuf_format, config_notify_format, config_oom_format,
    config_percentiles_format, config_replicaof_format, config_shutdown_format, config_dir_format;
config_rewrite_fn config_bind_rewrite, config_save_rewrite, config_obuf_rewrite, config_notify_rewrite,
    config_percentiles_rewrite, config_replicaof_rewrite, config_dir_rewrite;
config_check_str_fn config_dir_check;
/* config_net.c: token-bucket rate options and TLS checks */
config_parse_fn config_rate_parse;
config_format_fn config_rate_format;
config_check_str_fn config_tls_protocols_check;
config_apply_fn config_dir_apply;

/* CONFIG REWRITE helpers for rewrite functions (config_rewrite.c). `line` is copied. */
void config_rewrite_line(struct config_rewrite_state *st, const char *option, const char *line, int force);
void config_rewrite_mark(struct config_rewrite_state *st, const char *option);
#endif
