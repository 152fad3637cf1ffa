/* intake_sha.c — SHA-256 through OpenSSL's EVP (see intake_sha.h). */
#include "intake_sha.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "text.h"

#define READ_BUF (1u << 20)
#define NO_DIGEST "工单受理服务算不出文件的 SHA-256 指纹（内存不足，或加密库出错），文件没有导入：请过一会儿再导入；" \
                  "一直如此请告知系统管理员"

struct intake_sha {
    EVP_MD_CTX *md;
};

intake_sha *intake_sha_new(void)
{
    intake_sha *self = calloc(1, sizeof *self);
    if (self && (!(self->md = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(self->md, EVP_sha256(), NULL)))
        intake_sha_destroy(&self);
    return self;
}

void intake_sha_add(intake_sha *self, const void *data, size_t len)
{
    EVP_DigestUpdate(self->md, data, len);
}

int intake_sha_hex(intake_sha *self, char out[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (!EVP_DigestFinal_ex(self->md, digest, &dlen) || dlen != 32)
        return -1;
    for (unsigned int i = 0; i < dlen; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

void intake_sha_destroy(intake_sha **self)
{
    if (!*self)
        return;
    EVP_MD_CTX_free((*self)->md);
    free(*self);
    *self = NULL;
}

int intake_sha_fd(int fd, char out[65], char *why, size_t whylen)
{
    int rc = -1;
    unsigned char *buf = malloc(READ_BUF);
    intake_sha *sha = intake_sha_new();
    if (!buf || !sha) {
        snprintf(why, whylen, "%s", NO_DIGEST);
        goto cleanup;
    }
    for (;;) {
        ssize_t n = read(fd, buf, READ_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(why, whylen, "读文件出错（%s）：请重新导入；一直如此请告知系统管理员", text_os_error(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        intake_sha_add(sha, buf, (size_t)n);
    }
    rc = intake_sha_hex(sha, out);
    if (rc < 0)
        snprintf(why, whylen, "%s", NO_DIGEST);
cleanup:
    intake_sha_destroy(&sha);
    free(buf);
    return rc;
}
