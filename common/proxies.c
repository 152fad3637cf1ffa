/* proxies.c — trusted reverse proxies and the X-Forwarded-For walk (see proxies.h). */
#include "proxies.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

/* s[0..*len) without the blanks around it. */
static const char *trim(const char *s, size_t *len)
{
    while (*len && blank(*s)) {
        s++;
        (*len)--;
    }
    while (*len && blank(s[*len - 1]))
        (*len)--;
    return s;
}

/* An address of len bytes at s, nothing around it, into *r as a range of
 * the address alone. 0, or -1 when it is not one. */
static int read_address(const char *s, size_t len, proxies_range *r)
{
    char text[INET6_ADDRSTRLEN];
    if (len == 0 || len >= sizeof text)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    memset(r, 0, sizeof *r);
    if (inet_pton(AF_INET, text, r->addr) == 1) {
        r->bits = 32;
        return 0;
    }
    if (inet_pton(AF_INET6, text, r->addr) != 1)
        return -1;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(r->addr, mapped, sizeof mapped) == 0) {     /* ::ffff:a.b.c.d is a.b.c.d */
        memmove(r->addr, r->addr + 12, 4);
        memset(r->addr + 4, 0, 12);
        r->bits = 32;
        return 0;
    }
    r->v6 = 1;
    r->bits = 128;
    return 0;
}

/* 1 when address a is within range r. */
static int within(const proxies_range *r, const proxies_range *a)
{
    if (r->v6 != a->v6)
        return 0;
    size_t whole = r->bits / 8;
    unsigned rest = r->bits % 8;
    if (memcmp(r->addr, a->addr, whole) != 0)
        return 0;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return rest == 0 || (r->addr[whole] & mask) == (a->addr[whole] & mask);
}

static int trusted(const proxies *self, const proxies_range *a)
{
    for (size_t i = 0; i < self->n; i++)
        if (within(&self->ranges[i], a))
            return 1;
    return 0;
}

/* One entry of the list ("10.0.0.0/8", trimmed) into *r. 0, or -1 with why in err. */
static int read_entry(const char *s, size_t len, proxies_range *r, char *err, size_t errlen)
{
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    if (read_address(s, alen, r) < 0) {
        snprintf(err, errlen, "“%.*s”不是 IP 地址，也不是 CIDR 网段", (int)len, s);
        return -1;
    }
    if (!slash)
        return 0;
    unsigned bits = 0, max = r->v6 ? 128 : 32;
    size_t i = alen + 1;
    for (; i < len && i - alen <= 3 && s[i] >= '0' && s[i] <= '9'; i++)
        bits = bits * 10 + (unsigned)(s[i] - '0');
    if (i == alen + 1 || i < len || bits > max) {
        snprintf(err, errlen, "“%.*s”的前缀长度不对：斜线后应是 0 到 %u 的整数", (int)len, s, max);
        return -1;
    }
    r->bits = (unsigned char)bits;
    return 0;
}

/* The entry of len bytes at s (not yet trimmed) added to self. 0, or -1 with why in err. */
static int add_entry(proxies *self, const char *s, size_t len, char *err, size_t errlen)
{
    s = trim(s, &len);
    if (len == 0) {
        snprintf(err, errlen, "有一项是空的（两个逗号之间，或开头、末尾的逗号）");
        return -1;
    }
    if (self->n == PROXIES_MAX) {
        snprintf(err, errlen, "多于 %d 项：请把同一网段的地址合成 CIDR 网段", PROXIES_MAX);
        return -1;
    }
    if (read_entry(s, len, &self->ranges[self->n], err, errlen) < 0)
        return -1;
    self->n++;
    return 0;
}

int proxies_parse(proxies *self, const char *list, char *err, size_t errlen)
{
    size_t all = strlen(list);
    self->n = 0;
    trim(list, &all);
    if (all == 0)
        return 0;
    for (const char *p = list;; p++) {
        const char *comma = strchr(p, ',');
        if (add_entry(self, p, comma ? (size_t)(comma - p) : strlen(p), err, errlen) < 0) {
            self->n = 0;
            return -1;
        }
        if (!comma)
            return 0;
        p = comma;
    }
}

int proxies_trusts(const proxies *self, const char *address)
{
    proxies_range a;
    return read_address(address, strlen(address), &a) == 0 && trusted(self, &a);
}

static void write_address(const proxies_range *a, char *out, size_t cap)
{
    if (!inet_ntop(a->v6 ? AF_INET6 : AF_INET, a->addr, out, (socklen_t)cap))
        out[0] = '\0';
}

int proxies_address(const char *text, char *out, size_t cap)
{
    proxies_range a;
    if (read_address(text, strlen(text), &a) < 0)
        return -1;
    write_address(&a, out, cap);
    return 0;
}

/* An entry that is not an address stops the walk at the peer. Everything
 * to its right was written by trusted proxies, so one of them wrote it (or
 * passed on a header without appending to it: misconfigured), and nothing
 * to its left is vouched for by anyone trusted: skipping it would believe
 * words the client may have written. The peer's address, which everyone
 * behind the proxy shares, makes no one anyone else. */
void proxies_client(const proxies *self, const char *peer, const char *const *forwarded, size_t n, char *out,
                    size_t cap)
{
    proxies_range a, furthest = {{0}};
    int any = 0;
    snprintf(out, cap, "%s", peer);
    if (!proxies_trusts(self, peer))
        return;
    for (size_t h = n; h-- > 0;) {
        const char *v = forwarded[h];
        for (size_t end = strlen(v);;) {
            size_t start = end, len;
            while (start > 0 && v[start - 1] != ',')
                start--;
            len = end - start;
            const char *s = trim(v + start, &len);
            if (read_address(s, len, &a) < 0)
                return;
            if (!trusted(self, &a)) {
                write_address(&a, out, cap);
                return;
            }
            furthest = a;
            any = 1;
            if (start == 0)
                break;
            end = start - 1;
        }
    }
    if (any)
        write_address(&furthest, out, cap);
}
