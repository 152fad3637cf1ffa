/* keys.c — CURVE key pairs and their files (see keys.h).
 *
 * Keys are made by libzmq (zmq_curve_keypair, libsodium underneath). A key
 * file is written whole through privfile_write (privfile.h): a new temporary
 * file made 0600 and renamed over the old one, so no reader ever sees half a
 * key or a key others could read, and a file or link someone left at either
 * name in a directory others may write never receives the secret.
 */
#include "keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#include "privfile.h"
#include "text.h"

#define LINE_MAX_LEN 256

int keys_generate(keys_pair *kp)
{
    memset(kp, 0, sizeof *kp);
    return zmq_curve_keypair(kp->public_key, kp->secret_key) == 0 ? 0 : -1;
}

int keys_valid(const char *s)
{
    uint8_t raw[32];
    return s && strlen(s) == KEYS_Z85_LEN && zmq_z85_decode(raw, s) != NULL;
}

void keys_path(char *out, size_t cap, const char *dir, const char *name, const char *ext)
{
    snprintf(out, cap, "%s/%s.%s", dir, name, ext);
}

int keys_save(const char *path, const keys_pair *kp, int with_secret, const char *who, char *err, size_t errlen)
{
    char *text = NULL;
    int n = asprintf(&text, "# jiesu CURVE key of %s%s\npublic = %s\n%s%s%s", who,
                     with_secret ? " (secret: keep this file to its owner, mode 0600)" : " (public)", kp->public_key,
                     with_secret ? "secret = " : "", with_secret ? kp->secret_key : "", with_secret ? "\n" : "");
    int rc = n < 0 ? -1 : privfile_write(path, text, (size_t)n);
    if (rc < 0)
        snprintf(err, errlen, "%s：%s", path, text_os_error(errno));
    if (n >= 0) {
        explicit_bzero(text, (size_t)n);     /* the secret stays in its file only */
        free(text);
    }
    return rc;
}

/* Copies the value of a "name = value" line into out when its name is name. */
static void take_line(const char *line, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    if (strncmp(line, name, n) != 0)
        return;
    line += n;
    line += strspn(line, " \t");
    if (*line != '=')
        return;
    line++;
    line += strspn(line, " \t");
    snprintf(out, cap, "%.*s", (int)strcspn(line, " \t\r\n"), line);
}

/* A secret file must be its owner's alone. 0, or -1 with err. */
static int check_private(FILE *f, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        snprintf(err, errlen, "%s：%s", path, text_os_error(errno));
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen, "%s 存的是私钥，别人却也能读（权限 %03o）：请 chmod 600 %s", path,
                 (unsigned)(st.st_mode & 0777), path);
        return -1;
    }
    return 0;
}

int keys_load(const char *path, keys_pair *kp, int need_secret, char *err, size_t errlen)
{
    char line[LINE_MAX_LEN];
    memset(kp, 0, sizeof *kp);
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s：%s", path, text_os_error(errno));
        return -1;
    }
    int rc = need_secret ? check_private(f, path, err, errlen) : 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        take_line(line, "public", kp->public_key, sizeof kp->public_key);
        take_line(line, "secret", kp->secret_key, sizeof kp->secret_key);
    }
    fclose(f);
    if (rc < 0)
        return -1;
    if (!keys_valid(kp->public_key)) {
        snprintf(err, errlen, "%s 里没有有效的“public = 40 个 Z85 字符”一行：不是 jiesu 的密钥文件？", path);
        return -1;
    }
    if (need_secret && !keys_valid(kp->secret_key)) {
        snprintf(err, errlen, "%s 里没有有效的“secret = 40 个 Z85 字符”一行（.pub 文件只有公钥，不能用来操作）",
                 path);
        return -1;
    }
    char derived[KEYS_Z85_LEN + 1];
    if (need_secret && (zmq_curve_public(derived, kp->secret_key) != 0 || strcmp(derived, kp->public_key) != 0)) {
        snprintf(err, errlen, "%s 里的公钥和私钥不是一对", path);
        return -1;
    }
    return 0;
}

int keys_load_peer(const char *dir, const char *name, char out[KEYS_Z85_LEN + 1], char *err, size_t errlen)
{
    char path[4096];
    keys_pair kp;
    keys_path(path, sizeof path, dir, name, "pub");
    if (keys_load(path, &kp, 0, err, errlen) < 0)
        return -1;
    memcpy(out, kp.public_key, KEYS_Z85_LEN + 1);
    return 0;
}
