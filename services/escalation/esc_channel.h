/* esc_channel.h — how one alert goes out, by the channel its target unit
 * chose (units.webhook_url, copied into each delivery's url; its scheme
 * names the channel):
 *
 *   http://…, https://…     the JSON webhook: the payload of esc_deliver.h,
 *                           delivered on a 2xx answer
 *   wecom+https://…         企业微信 group robot: {"msgtype":"markdown",
 *                           "markdown":{"content":…}} POSTed to the URL after
 *                           the "wecom+"; delivered on 2xx with "errcode":0
 *   dingtalk+https://…      钉钉 group robot: {"msgtype":"markdown",
 *                           "markdown":{"title":…,"text":…}}; when the unit
 *                           has a signing secret (units.alert_secret) the URL
 *                           gets &timestamp=<ms>&sign=<URL-encoded base64 of
 *                           HMAC-SHA256(secret, "<ms>\n<secret>")>, as
 *                           DingTalk's robot security settings require;
 *                           delivered on 2xx with "errcode":0
 *   mailto:a@x.cn,b@x.cn    e-mail through escalation.smtp_url from
 *                           escalation.smtp_from (libcurl SMTP), UTF-8,
 *                           delivered when the server accepts it
 *
 * Every channel has the same retry and backoff (esc_deliver.c); the text
 * people read is masked like every alert (reasons pass mask_text).
 */
#ifndef JIESU_ESC_CHANNEL_H
#define JIESU_ESC_CHANNEL_H

#define ESC_CHANNEL_ERR 256

typedef struct {
    const char *smtp_url;       /* escalation.smtp_url, "" when there is no mail server */
    const char *smtp_from;      /* escalation.smtp_from */
    int         timeout_ms;     /* escalation.webhook_timeout_ms */
} esc_channel_cfg;

typedef struct {
    const char *target;         /* the delivery's url */
    const char *json;           /* the webhook's JSON payload */
    const char *title;          /* one line people read: 【督办】W2026… 中韩街道 */
    const char *text;           /* what happened and why, masked */
    const char *secret;         /* the DingTalk signing secret, or "" */
    const char *alert_id;
} esc_message;

/* Sends m on its channel. 1 delivered, 0 not (err says why); *status is the
 * HTTP status, 250 for mail the server took, 0 when nothing answered. */
int esc_channel_send(const esc_channel_cfg *cfg, const esc_message *m, long *status, char err[ESC_CHANNEL_ERR]);

#endif
