/* config.h — settings from a file, overridden by the environment.
 *
 * File format: `key = value` lines, `# comments`, and `[section]` headers that
 * prefix the keys after them ("[redis]" then "addr = x" gives "redis.addr").
 * Every key can be overridden by an environment variable: JIESU_ followed by
 * the key upper-cased with '.' turned into '_' (redis.addr → JIESU_REDIS_ADDR).
 * Strings returned by config_get() belong to the config or the environment and
 * stay valid until config_destroy() (or until that key is set or loaded again).
 * Lines starting with ';' are comments too; a value runs to the end of its line
 * (a '#' inside it is part of the value), trimmed at both ends.
 */
#ifndef JIESU_CONFIG_H
#define JIESU_CONFIG_H

#include <stddef.h>

typedef struct config config;

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

/* The value for key: environment first, then file, else def. */
const char *config_get(const config *self, const char *key, const char *def);

/* The value parsed as a whole number; def when absent or not a number. */
long config_get_long(const config *self, const char *key, long def);

/* Frees the config and sets *self to NULL. */
void config_destroy(config **self);

#endif
