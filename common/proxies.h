/* proxies.h — the reverse proxies whose X-Forwarded-For is believed
 * (http.trusted_proxies), and the client's address worked out with them.
 *
 * Behind a reverse proxy (the nginx that gives the pages HTTPS) every
 * connection comes from the proxy; the person's address is in the
 * X-Forwarded-For header, to which each proxy appends the peer it heard:
 * "client, proxy1, proxy2". Anyone can send that header, so it is believed
 * only from a peer in the trusted list, and only as far as the trusted chain
 * goes: walking it from the right, entries that are trusted proxies
 * themselves are skipped and the first that is not is the client. What lies
 * to its left the client wrote (or a proxy of its own), and could say
 * anything.
 *
 * The list is parsed once, at start (proxies_parse), into a plain struct
 * that needs no freeing; proxies_trusts() and proxies_client() allocate
 * nothing and are safe from any thread.
 */
#ifndef JIESU_PROXIES_H
#define JIESU_PROXIES_H

#include <stddef.h>

#define PROXIES_MAX 64              /* entries of http.trusted_proxies */

typedef struct {
    unsigned char addr[16];         /* network byte order; an IPv4 address in the first 4 */
    unsigned char v6;               /* 1: an IPv6 range */
    unsigned char bits;             /* the prefix length */
} proxies_range;

typedef struct {
    proxies_range ranges[PROXIES_MAX];
    size_t        n;                /* 0: nobody is trusted */
} proxies;

/* Reads list — addresses and CIDR ranges, IPv4 or IPv6, comma-separated,
 * blanks around them ignored ("10.0.0.5, 172.16.0.0/12, ::1"); "" trusts
 * nobody — into *self. 0, or -1 (and *self trusting nobody) with what is
 * wrong in err, in Chinese, naming the entry as written. An IPv4-mapped IPv6
 * address (::ffff:10.0.0.5) is read as the IPv4 one. */
int proxies_parse(proxies *self, const char *list, char *err, size_t errlen);

/* 1 when address (text, as proxies_parse reads an entry without a prefix)
 * is within one of the ranges, else 0 (an unreadable address too). */
int proxies_trusts(const proxies *self, const char *address);

/* The canonical text of address text (an IPv6 address however it is
 * written, ::ffff:a.b.c.d as a.b.c.d), as proxies_client writes a client's,
 * into out (at least 46 bytes). 0, or -1 when text is not an address. */
int proxies_address(const char *text, char *out, size_t cap);

/* The address of the client behind peer (the TCP peer's address as text),
 * into out (at least 46 bytes, INET6_ADDRSTRLEN): peer itself unless it is
 * trusted; then the X-Forwarded-For entries — forwarded[0..n), the values of
 * the header as often as it came, in the order received, read as one list —
 * walked from the right: trusted entries skipped, the first other one
 * written as its canonical text. Every entry trusted: the leftmost, the
 * furthest hop known. No entry, or one that is not an address (empty,
 * with a port, a name), before the client is found: peer (see proxies.c). */
void proxies_client(const proxies *self, const char *peer, const char *const *forwarded, size_t n, char *out,
                    size_t cap);

#endif
