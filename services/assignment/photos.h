/* photos.h — the photos a unit sends with its resolve (整改前后照片).
 *
 * photos_check() looks at the photos before anything is written: how many
 * (a resolve carries at most assignment.photo_max_count, as a phone's
 * picker offers nine; the bus alone would take 15 MiB of them), each one's kind
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

/* 0 when the set is acceptable, else -1 with why in err: more than
 * max_count photos ("一次办结最多附 9 张照片，这次附了 12 张…"), or which
 * photo, and why ("第 1 张照片“a.jpg”（20 字节）不是 JPEG 或 PNG 图片…"). */
int photos_check(const photos_set *set, size_t max_bytes, size_t max_count, char *err, size_t errlen);

/* The in_tx hook: stores ctx (a photos_set) for complaint_id. 0 or -1 with err. */
int photos_store(PGconn *pg, int64_t complaint_id, void *ctx, char *err, size_t errlen);

#endif
