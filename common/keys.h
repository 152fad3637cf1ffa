/* keys.h — CURVE key pairs for the ZeroMQ bus, and the files that hold them.
 *
 * Every service and every person or program that talks to a service has a
 * key pair; the public key (40 characters of Z85) is what PostgreSQL's
 * `principals` table admits, the secret key never leaves its owner's file.
 *
 * Files are `key = value` text:
 *   <name>.key   public = <z85>   secret = <z85>     mode 0600, refused when
 *                                                    group or others may read it
 *   <name>.pub   public = <z85>                      what clients of a service
 *                                                    need to reach it (0600 too)
 * A key directory (config keys.dir) holds the services' files; a person's
 * key file lives wherever its owner keeps it (cli.key_file).
 */
#ifndef JIESU_KEYS_H
#define JIESU_KEYS_H

#include <stddef.h>

#define KEYS_Z85_LEN 40

/* A CURVE key pair, Z85-encoded, NUL-terminated. secret_key is empty for a
 * pair read from a .pub file. */
typedef struct {
    char public_key[KEYS_Z85_LEN + 1];
    char secret_key[KEYS_Z85_LEN + 1];
} keys_pair;

/* A fresh random key pair. 0, or -1 when libzmq has no CURVE support. */
int keys_generate(keys_pair *kp);

/* 1 when s is a well-formed Z85 CURVE key (40 characters that decode). */
int keys_valid(const char *s);

/* Writes kp to path: the secret file (with secret) when with_secret, else
 * the public one; mode 0600 either way (everything under var/ is its
 * owner's; copy a .pub file to give it away). who names the owner in the file's
 * comment. Replaces an existing file atomically. 0, or -1 with err. */
int keys_save(const char *path, const keys_pair *kp, int with_secret, const char *who, char *err, size_t errlen);

/* Reads a key pair from path. need_secret: the file must hold the secret
 * key and be readable by its owner only. 0, or -1 with err naming the file
 * and what to do. */
int keys_load(const char *path, keys_pair *kp, int need_secret, char *err, size_t errlen);

/* The public key of peer name (a service) from "<dir>/<name>.pub" into out.
 * 0, or -1 with err naming the file. */
int keys_load_peer(const char *dir, const char *name, char out[KEYS_Z85_LEN + 1], char *err, size_t errlen);

/* "<dir>/<name>.<ext>" into out. */
void keys_path(char *out, size_t cap, const char *dir, const char *name, const char *ext);

#endif
