/* image.c — JPEG and PNG told by their magic bytes (see image.h). */
#include "image.h"

#include <string.h>

const char *image_mime(const void *data, size_t len)
{
    static const unsigned char JPEG[] = {0xFF, 0xD8, 0xFF};
    static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (len >= sizeof JPEG && memcmp(data, JPEG, sizeof JPEG) == 0)
        return "image/jpeg";
    if (len >= sizeof PNG && memcmp(data, PNG, sizeof PNG) == 0)
        return "image/png";
    return NULL;
}
