/* esc_channel.c — webhooks, 企业微信 and 钉钉 robots, e-mail (see esc_channel.h). */
#include "esc_channel.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "json.h"

#define URL_MAX 2048
#define REPLY_MAX 4096

typedef struct {
    char  *buf;
    size_t len;
} reply_buf;

static size_t keep_reply(char *ptr, size_t size, size_t nmemb, void *user)
{
    reply_buf *r = user;
    size_t n = size * nmemb, room = REPLY_MAX - r->len;
    memcpy(r->buf + r->len, ptr, n < room ? n : room);
    r->len += n < room ? n : room;
    return n;
}

/* POSTs body (JSON) to url; the answer's first bytes into reply. The HTTP status, 0 with err when none. */
static long post_json(const char *url, const char *body, const char *alert_id, int timeout_ms, char *reply,
                      char err[ESC_CHANNEL_ERR])
{
    long status = 0;
    char key[64];
    reply_buf r = {reply, 0};
    struct curl_slist *hdr = NULL;
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(err, ESC_CHANNEL_ERR, "curl_easy_init failed");
        return 0;
    }
    snprintf(key, sizeof key, "Idempotency-Key: alert-%s", alert_id);
    hdr = curl_slist_append(hdr, "Content-Type: application/json; charset=utf-8");
    hdr = curl_slist_append(hdr, key);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_reply);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    err[0] = '\0';
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    else if (!err[0])
        snprintf(err, ESC_CHANNEL_ERR, "%s", curl_easy_strerror(rc));
    reply[r.len] = '\0';
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return status;
}

/* s as the inside of a JSON string, appended to f. */
static void json_text(FILE *f, const char *s)
{
    char e[JSON_ESCAPE_MAX];
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputs(json_escape_byte(*p, e), f);
}

/* The robots' markdown message; NULL when out of memory. */
static char *robot_body(const esc_message *m, int dingtalk)
{
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    if (!f)
        return NULL;
    fputs("{\"msgtype\":\"markdown\",\"markdown\":{", f);
    if (dingtalk) {
        fputs("\"title\":\"", f);
        json_text(f, m->title);
        fputs("\",\"text\":\"", f);
    } else {
        fputs("\"content\":\"", f);
    }
    fputs("### ", f);
    json_text(f, m->title);
    fputs("\\n\\n", f);
    json_text(f, m->text);
    fputs("\"}}", f);
    if (fclose(f) != 0) {
        free(body);
        return NULL;
    }
    return body;
}

/* url with DingTalk's timestamp and signature of secret appended. 0 or -1. */
static int dingtalk_sign(const char *url, const char *secret, char *out, size_t cap)
{
    char ms[24], text[320], sig[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    if (sodium_init() < 0 || strlen(secret) > 256)
        return -1;
    snprintf(ms, sizeof ms, "%lld", (long long)clock_wall_ms());
    snprintf(text, sizeof text, "%s\n%s", ms, secret);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, strlen(text));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(sig, sizeof sig, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    char *escaped = curl_easy_escape(NULL, sig, 0);
    int n = escaped ? snprintf(out, cap, "%s%ctimestamp=%s&sign=%s", url, strchr(url, '?') ? '&' : '?', ms, escaped)
                    : -1;
    curl_free(escaped);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* A robot's answer: delivered on 2xx whose JSON says "errcode":0. */
static int robot_said_ok(long status, const char *reply, char err[ESC_CHANNEL_ERR])
{
    const char *code = strstr(reply, "\"errcode\"");
    if (status < 200 || status >= 300) {
        if (status)
            snprintf(err, ESC_CHANNEL_ERR, "HTTP %ld", status);
        return 0;
    }
    code = code ? strchr(code, ':') : NULL;
    if (code && atol(code + 1) != 0) {
        snprintf(err, ESC_CHANNEL_ERR, "the robot refused it: %.200s", reply);
        return 0;
    }
    return 1;
}

static int send_robot(const esc_channel_cfg *cfg, const esc_message *m, int dingtalk, long *status,
                      char err[ESC_CHANNEL_ERR])
{
    char url[URL_MAX], reply[REPLY_MAX + 1];
    const char *plain = strchr(m->target, '+') + 1;
    char *body = robot_body(m, dingtalk);
    int ok = 0;
    if (!body)
        snprintf(err, ESC_CHANNEL_ERR, "out of memory");
    else if (dingtalk && *m->secret && dingtalk_sign(plain, m->secret, url, sizeof url) < 0)
        snprintf(err, ESC_CHANNEL_ERR, "cannot sign the DingTalk URL (secret longer than 256?)");
    else {
        if (!dingtalk || !*m->secret)
            snprintf(url, sizeof url, "%s", plain);
        *status = post_json(url, body, m->alert_id, cfg->timeout_ms, reply, err);
        ok = robot_said_ok(*status, reply, err);
    }
    free(body);
    return ok;
}

/* ---- e-mail ---- */

typedef struct {
    const char *data;
    size_t      left;
} upload;

static size_t read_mail(char *ptr, size_t size, size_t nmemb, void *user)
{
    upload *u = user;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;
    memcpy(ptr, u->data, n);
    u->data += n;
    u->left -= n;
    return n;
}

/* The message: headers (the subject as a UTF-8 encoded word) and text. NULL when out of memory. */
static char *mail_text(const esc_channel_cfg *cfg, const char *to, const esc_message *m)
{
    char date[64], subject[1024];
    time_t now = time(NULL);
    struct tm tm;
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", gmtime_r(&now, &tm));
    sodium_bin2base64(subject, sizeof subject, (const unsigned char *)m->title,
                      strlen(m->title) < 600 ? strlen(m->title) : 600, sodium_base64_VARIANT_ORIGINAL);
    char *msg = NULL;
    return asprintf(&msg,
                    "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMessage-ID: <alert-%s@jiesu>\r\n"
                    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n\r\n%s\r\n",
                    date, cfg->smtp_from, to, subject, m->alert_id, m->title, m->text) < 0 ? NULL : msg;
}

static int send_mail(const esc_channel_cfg *cfg, const esc_message *m, long *status, char err[ESC_CHANNEL_ERR])
{
    const char *to = m->target + strlen("mailto:");
    char from[256], rcpts[1024];
    struct curl_slist *list = NULL;
    if (!*cfg->smtp_url) {
        snprintf(err, ESC_CHANNEL_ERR, "no mail server: set escalation.smtp_url");
        return 0;
    }
    char *msg = mail_text(cfg, to, m);
    CURL *h = msg ? curl_easy_init() : NULL;
    if (!h) {
        free(msg);
        snprintf(err, ESC_CHANNEL_ERR, "out of memory");
        return 0;
    }
    snprintf(from, sizeof from, "<%s>", cfg->smtp_from);
    snprintf(rcpts, sizeof rcpts, "%s", to);
    for (char *save = NULL, *r = strtok_r(rcpts, ",", &save); r; r = strtok_r(NULL, ",", &save))
        list = curl_slist_append(list, r);
    upload u = {msg, strlen(msg)};
    curl_easy_setopt(h, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, list);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_mail);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)cfg->timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    err[0] = '\0';
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK && !err[0])
        snprintf(err, ESC_CHANNEL_ERR, "%s", curl_easy_strerror(rc));
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
    free(msg);
    return rc == CURLE_OK;
}

int esc_channel_send(const esc_channel_cfg *cfg, const esc_message *m, long *status, char err[ESC_CHANNEL_ERR])
{
    char reply[REPLY_MAX + 1];
    *status = 0;
    if (strncmp(m->target, "wecom+", 6) == 0)
        return send_robot(cfg, m, 0, status, err);
    if (strncmp(m->target, "dingtalk+", 9) == 0)
        return send_robot(cfg, m, 1, status, err);
    if (strncmp(m->target, "mailto:", 7) == 0)
        return send_mail(cfg, m, status, err);
    *status = post_json(m->target, m->json, m->alert_id, cfg->timeout_ms, reply, err);
    if (*status && (*status < 200 || *status >= 300))
        snprintf(err, ESC_CHANNEL_ERR, "HTTP %ld", *status);
    return *status >= 200 && *status < 300;
}
