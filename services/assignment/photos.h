/* photos.h — the photos a unit sends with its resolve (整改前后照片).
 *
 * photos_check() looks at each photo before anything is written: its kind
 * ("before" or "after"), its size (1 byte to max_bytes) and what it is,
 * told by its first bytes (common/image.h), never by a name or a type the
 * client gives. photos_store() is the
 * route_action_req.in_tx of the resolve: it writes them, with their SHA-256
 * and the person who sent them, into `photos` (migration 014) in the
 * action's own transaction, so an order is never resolved with half its
 * photos, nor a photo kept for a resolve that did not happen. The same
 * photo sent again for the same order, cycle and kind is stored once.
 */
#ifndef JIESU_PHOTOS_H
#define JIESU_PHOTOS_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "jiesu.pb-c.h"

typedef struct {
    Jiesu__Photo *const *photos;    /* borrowed from the request */
    size_t              n;
    const char         *by;         /* the person sending them */
} photos_set;

/* 0 when every photo is acceptable, else -1 with which, and why, in err
 * ("第 1 张照片“a.jpg”（20 字节）不是 JPEG 或 PNG 图片…"). */
int photos_check(const photos_set *set, size_t max_bytes, char *err, size_t errlen);

/* The in_tx hook: stores ctx (a photos_set) for complaint_id. 0 or -1 with err. */
int photos_store(PGconn *pg, int64_t complaint_id, void *ctx, char *err, size_t errlen);

#endif
