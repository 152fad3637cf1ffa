/* image.h — what kind of image a file is, told by its first bytes (its
 * "magic"), never by its name or a type a client claims. Only the two kinds
 * photos may be: JPEG (FF D8 FF) and PNG (89 'PNG' 0D 0A 1A 0A).
 */
#ifndef JIESU_IMAGE_H
#define JIESU_IMAGE_H

#include <stddef.h>

/* "image/jpeg" or "image/png" (static strings), or NULL for anything else. */
const char *image_mime(const void *data, size_t len);

#endif
