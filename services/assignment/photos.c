/* photos.c — checking and storing the photos of a resolve (see photos.h). */
#include "photos.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "image.h"
#include "text.h"

/* $1 complaint id, $2 kind, $3 mime, $4 SHA-256, $5 size, $6 the bytes
 * (binary), $7 name, $8 who; the order's current cycle. */
static const char SQL_STORE[] =
    "INSERT INTO photos (complaint_id, cycle, kind, mime, sha256, size, data, name, uploaded_by)"
    " SELECT c.id, c.cycle, $2, $3, $4, $5::int, $6::bytea, $7, $8 FROM complaints c WHERE c.id = $1::bigint"
    " ON CONFLICT (complaint_id, cycle, kind, sha256) DO NOTHING";

#define NAME_MAX_CHARS 200

int photos_check(const photos_set *set, size_t max_bytes, size_t max_count, char *err, size_t errlen)
{
    char name_why[128];
    if (set->n > max_count) {
        snprintf(err, errlen, "一次办结最多附 %zu 张照片，这次附了 %zu 张，没有办结：请只留下最能说明整改前后情况的 %zu 张"
                 "（去掉 %zu 张）再办结", max_count, set->n, max_count, set->n - max_count);
        return -1;
    }
    for (size_t i = 0; i < set->n; i++) {
        const Jiesu__Photo *p = set->photos[i];
        const char *why = NULL;
        if (strcmp(p->kind, "before") != 0 && strcmp(p->kind, "after") != 0)
            why = "不是整改前（before）或整改后（after）照片";
        else if (p->data.len == 0)
            why = "是空的";
        else if (p->data.len > max_bytes)
            why = "太大";
        else if (!image_mime(p->data.data, p->data.len))
            why = "不是 JPEG 或 PNG 图片（按文件开头的字节判断）";
        else if (text_check(p->name, NAME_MAX_CHARS, "的文件名", name_why, sizeof name_why) != 0)
            why = name_why;     /* stored with the photo: UTF-8, and not past a character count */
        if (why) {
            snprintf(err, errlen, "第 %zu 张照片“%.64s”（%zu 字节）%s；每张最多 %zu 字节", i + 1, p->name,
                     p->data.len, why, max_bytes);
            return -1;
        }
    }
    return 0;
}

int photos_store(PGconn *pg, int64_t complaint_id, void *ctx, char *err, size_t errlen)
{
    const photos_set *set = ctx;
    char id[24], size[24], hex[crypto_hash_sha256_BYTES * 2 + 1], why[256];
    unsigned char digest[crypto_hash_sha256_BYTES];
    snprintf(id, sizeof id, "%lld", (long long)complaint_id);
    for (size_t i = 0; i < set->n; i++) {
        const Jiesu__Photo *p = set->photos[i];
        crypto_hash_sha256(digest, p->data.data, p->data.len);
        sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
        snprintf(size, sizeof size, "%zu", p->data.len);
        const char *values[] = {id, p->kind, image_mime(p->data.data, p->data.len), hex, size,
                                (const char *)p->data.data, p->name, set->by};
        const int lengths[] = {0, 0, 0, 0, 0, (int)p->data.len, 0, 0};
        const int formats[] = {0, 0, 0, 0, 0, 1, 0, 0};
        PGresult *res = PQexecParams(pg, SQL_STORE, 8, NULL, values, lengths, formats, 0);
        int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
            snprintf(err, errlen, "storing photo %zu: %s", i + 1, db_error(pg, why, sizeof why));
        PQclear(res);
        if (!ok)
            return -1;
    }
    return 0;
}
