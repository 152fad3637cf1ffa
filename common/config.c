/* config.c — key/value settings from a file, overridden by the environment (see config.h).
 *
 * A service has a few dozen keys read once at start, so they live in a plain
 * array searched linearly. The environment is consulted on every lookup, not
 * copied, so a test can change a variable between two reads.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    char *value;
} config_entry;

struct config {
    config_entry *entries;
    size_t        n, cap;
};

config *config_new(void)
{
    return calloc(1, sizeof(config));
}

void config_destroy(config **pself)
{
    if (!pself || !*pself)
        return;
    config *self = *pself;
    for (size_t i = 0; i < self->n; i++) {
        free(self->entries[i].key);
        free(self->entries[i].value);
    }
    free(self->entries);
    free(self);
    *pself = NULL;
}

int config_set(config *self, const char *key, const char *value)
{
    if (!key || !*key || !value)
        return -1;
    char *v = strdup(value);
    if (!v)
        return -1;
    for (size_t i = 0; i < self->n; i++) {
        if (strcmp(self->entries[i].key, key) == 0) {
            free(self->entries[i].value);
            self->entries[i].value = v;
            return 0;
        }
    }
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 32;
        config_entry *p = realloc(self->entries, cap * sizeof *p);
        if (!p) {
            free(v);
            return -1;
        }
        self->entries = p;
        self->cap = cap;
    }
    char *k = strdup(key);
    if (!k) {
        free(v);
        return -1;
    }
    self->entries[self->n++] = (config_entry){.key = k, .value = v};
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Handles one line; section holds the current [section] name. */
static int parse_line(config *self, char *line, char *section, size_t section_cap, const char **why)
{
    char *s = trim(line);
    if (!*s || *s == '#' || *s == ';')
        return 0;
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (!close || close[1] != '\0' || close == s + 1) {
            *why = "bad [section] header";
            return -1;
        }
        *close = '\0';
        if (snprintf(section, section_cap, "%s", trim(s + 1)) >= (int)section_cap) {
            *why = "section name too long";
            return -1;
        }
        return 0;
    }
    char *eq = strchr(s, '=');
    if (!eq) {
        *why = "expected 'key = value'";
        return -1;
    }
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    if (!*key) {
        *why = "empty key";
        return -1;
    }
    char full[512];
    if (snprintf(full, sizeof full, "%s%s%s", section, *section ? "." : "", key) >= (int)sizeof full) {
        *why = "key too long";
        return -1;
    }
    if (config_set(self, full, value) != 0) {
        *why = "out of memory";
        return -1;
    }
    return 0;
}

int config_load_file(config *self, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[4096], section[128] = "";
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        const char *why = NULL;
        if (!strchr(line, '\n') && !feof(f))
            why = "line longer than 4095 bytes";
        if (why || parse_line(self, line, section, sizeof section, &why) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

int config_load_env_file(config *self, char *err, size_t errlen)
{
    const char *path = getenv("JIESU_CONFIG");
    if (!path || !*path)
        return 0;
    return config_load_file(self, path, err, errlen);
}

/* The environment variable overriding key: JIESU_ + key upper-cased, '.' and
 * '-' → '_'. 0, or -1 when the name would not fit. */
static int env_name(char *name, size_t cap, const char *key)
{
    int n = snprintf(name, cap, "JIESU_%s", key);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    for (char *p = name; *p; p++)
        *p = *p == '.' || *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    return 0;
}

const char *config_get(const config *self, const char *key, const char *def)
{
    char name[256];
    const char *env = env_name(name, sizeof name, key) == 0 ? getenv(name) : NULL;
    if (env)
        return env;
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->entries[i].key, key) == 0)
            return self->entries[i].value;
    return def;
}

long config_get_long(const config *self, const char *key, long def)
{
    const char *v = config_get(self, key, NULL);
    if (!v || !*v)
        return def;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    return errno || *end ? def : n;
}
