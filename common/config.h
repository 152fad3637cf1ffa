/* config.h — settings from a file, overridden by the environment, declared in
 * one table (config_keys.c) and checked once at start-up.
 *
 * File format: `key = value` lines, `# comments`, and `[section]` headers that
 * prefix the keys after them ("[redis]" then "addr = x" gives "redis.addr").
 * Every key can be overridden by an environment variable: JIESU_ followed by
 * the key upper-cased with '.' turned into '_' (redis.addr → JIESU_REDIS_ADDR).
 * Lines starting with ';' are comments too; a value runs to the end of its line
 * (a '#' inside it is part of the value), trimmed at both ends.
 *
 * Every key a program reads is declared in CONFIG_TABLES (config_keys.c) with
 * its type, default, bounds and meaning. config_check() refuses, once at
 * start-up, a key in the file that no table declares, a retired key, and a value
 * (from the file or the environment) that is not of its type or out of bounds;
 * after it, config_str/config_long/config_real() cannot fail.
 * Strings returned belong to the config, the environment or the table and stay
 * valid until config_destroy() (or until that key is set or loaded again).
 */
#ifndef JIESU_CONFIG_H
#define JIESU_CONFIG_H

#include <stddef.h>
#include <stdio.h>

typedef struct config config;

typedef enum {
    CONFIG_TEXT, /* any text, or one of choices */
    CONFIG_INT,  /* a whole number from min to max */
    CONFIG_REAL, /* a number from min to max */
    CONFIG_ZONE, /* an IANA time zone name without daylight saving time */
    CONFIG_ADDRS, /* IP addresses and CIDR ranges, comma-separated ("" none; proxies.h) */
} config_type;

typedef struct {
    const char *key;
    config_type type;
    const char *def;     /* the default as it would be written in a file; "" none */
    double      min, max; /* bounds of CONFIG_INT and CONFIG_REAL */
    const char *choices; /* CONFIG_TEXT: the values allowed, '|' between; NULL any */
    const char *meaning; /* one line for the listing and the README */
} config_key;

typedef struct {
    const char       *reader; /* who reads these keys: "每个程序", "jiesu-intake（工单受理服务）", … */
    const config_key *keys;
    size_t            n;
} config_table;

/* A key that was removed, and what to write instead. */
typedef struct {
    const char *key;
    const char *instead;
} config_retired;

extern const config_table   CONFIG_TABLES[];
extern const size_t         CONFIG_NTABLES;
extern const config_retired CONFIG_RETIRED[];
extern const size_t         CONFIG_NRETIRED;

/* An empty config. Returns NULL only when out of memory. */
config *config_new(void);

/* Reads a file into the config; later keys replace earlier ones.
 * On failure returns -1 and writes "path:line: reason" into err. */
int config_load_file(config *self, const char *path, char *err, size_t errlen);

/* Loads the file named by $JIESU_CONFIG when set (a missing file is an error).
 * Returns 0, or -1 with the reason in err. */
int config_load_env_file(config *self, char *err, size_t errlen);

/* Sets a key in memory (the environment still wins over it). */
int config_set(config *self, const char *key, const char *value);

/* The raw value for any key, declared or not: environment first, then file,
 * else def. For the parser's own tests; programs read with the three below. */
const char *config_get(const config *self, const char *key, const char *def);

/* 0 when every key set in the file is declared and not retired, and every
 * declared key's value (environment or file) is valid; else -1 with, in err,
 * the key, the value, where it was set (file:line or the variable) and what is
 * allowed. On success it also notes the offset of `timezone`. Call at start-up,
 * before threads (it sets TZ for a moment, see clock_zone_offset_min). */
int config_check(config *self, char *err, size_t errlen);

/* A declared key's value, else its default (always the default when self is
 * NULL). Reading a key that no table declares is a programming error: it
 * aborts naming the key. */
const char *config_str(const config *self, const char *key);
long        config_long(const config *self, const char *key);
double      config_real(const config *self, const char *key);

/* 1 when the key is set in the file or the environment, 0 when it has its default. */
int config_is_set(const config *self, const char *key);

/* The offset from UTC, in minutes, of the zone named by `timezone`: the one
 * noted by config_check(), else worked out now (setting TZ for a moment). */
int config_utc_offset_min(const config *self);

/* Every declared key as a Markdown table (key, default, what is allowed,
 * meaning), grouped by table, in Chinese for the administrators who set them,
 * under a heading that says these are the defaults and where the values in
 * use are:
 * `jiesu config`, and what the README's configuration section lists. */
void config_print_markdown(FILE *out);

/* Frees the config and sets *self to NULL. */
void config_destroy(config **self);

#endif
