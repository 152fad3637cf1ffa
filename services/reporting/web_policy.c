/* web_policy.c — the Content-Security-Policy of the reporting service's
 * answers (see web_policy.h): every inline script and style sheet the pages
 * write, allowed by its SHA-256 and nothing else. */
#include "web_policy.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"
#include "web_board.h"
#include "web_html.h"

#define HASH_SOURCE_MAX 64          /* 'sha256-' + 44 characters of base64 + quotes + a space */

/* " 'sha256-…'" of text into out. */
static void hash_source(const char *text, char *out, size_t cap)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    crypto_hash_sha256(hash, (const unsigned char *)text, strlen(text));
    sodium_bin2base64(b64, sizeof b64, hash, sizeof hash, sodium_base64_VARIANT_ORIGINAL);
    snprintf(out, cap, " 'sha256-%s'", b64);
}

void web_policy(char *out, size_t cap)
{
    const char *styles[] = {web_html_style(), web_html_bar_style(), web_board_css(), report_html_style()};
    char script[HASH_SOURCE_MAX], style[sizeof styles / sizeof *styles][HASH_SOURCE_MAX];
    if (sodium_init() < 0)
        abort();
    hash_source(web_board_js(), script, sizeof script);
    for (size_t i = 0; i < sizeof styles / sizeof *styles; i++)
        hash_source(styles[i], style[i], sizeof style[i]);
    snprintf(out, cap,
             "default-src 'none'; script-src%s; style-src%s%s%s%s; img-src 'self'; connect-src 'self'; "
             "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
             script, style[0], style[1], style[2], style[3]);
}
