/* georeport.c — one Open311 answer, as JSON or XML (see georeport.h). */
#include "georeport.h"

#include <string.h>

#include "json.h"

#define REPLACEMENT "\xef\xbf\xbd"      /* U+FFFD */

size_t georeport_suffix(const char *path, georeport_format *fmt)
{
    const char *dot = strrchr(path, '.');
    *fmt = GEOREPORT_JSON;
    if (dot && strcmp(dot, ".xml") == 0)
        *fmt = GEOREPORT_XML;
    return dot && (strcmp(dot, ".xml") == 0 || strcmp(dot, ".json") == 0) ? strlen(dot) : 0;
}

georeport_format georeport_format_of(const char *path)
{
    georeport_format fmt;
    georeport_suffix(path, &fmt);
    return fmt;
}

const char *georeport_content_type(georeport_format fmt)
{
    return fmt == GEOREPORT_XML ? GEOREPORT_XML_TYPE : GEOREPORT_JSON_TYPE;
}

static void json_text(FILE *f, const char *s)
{
    char esc[JSON_ESCAPE_MAX];
    fputc('"', f);
    for (; *s; s++)
        fputs(json_escape_byte((unsigned char)*s, esc), f);
    fputc('"', f);
}

void georeport_xml_text(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c == '\'')
            fputs("&apos;", f);
        else if (c == '\r')
            fputs("&#13;", f);
        else if (c < 0x20 && c != '\t' && c != '\n')
            fputs(REPLACEMENT, f);
        else if (c == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
            fputs(REPLACEMENT, f);          /* U+FFFE, U+FFFF */
            p += 2;
        } else
            fputc(c, f);
    }
}

void georeport_begin(georeport *w, FILE *f, georeport_format fmt, const char *list, const char *item)
{
    *w = (georeport){.f = f, .fmt = fmt, .list = list, .item = item};
    if (f && fmt == GEOREPORT_XML)
        fprintf(f, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<%s>", list);
    else if (f)
        fputc('[', f);
}

/* Ends the current item, if one was started. */
static void item_end(const georeport *w)
{
    if (!w->items)
        return;
    if (w->fmt == GEOREPORT_XML)
        fprintf(w->f, "</%s>", w->item);
    else
        fputc('}', w->f);
}

void georeport_item(georeport *w)
{
    if (!w->f)
        return;
    item_end(w);
    if (w->fmt == GEOREPORT_XML)
        fprintf(w->f, "\n<%s>", w->item);
    else
        fputs(w->items ? ",{" : "{", w->f);
    w->items++;
    w->fields = 0;
}

/* One field: value written by its kind (text escaped, or as it is). */
static void field(georeport *w, const char *key, const char *value, int text)
{
    if (!w->f)
        return;
    if (w->fmt == GEOREPORT_XML && !value) {
        fprintf(w->f, "<%s/>", key);
    } else if (w->fmt == GEOREPORT_XML) {
        fprintf(w->f, "<%s>", key);
        if (text)
            georeport_xml_text(w->f, value);
        else
            fputs(value, w->f);
        fprintf(w->f, "</%s>", key);
    } else {
        fprintf(w->f, "%s\"%s\":", w->fields ? "," : "", key);
        if (value && text)
            json_text(w->f, value);
        else
            fputs(value ? value : "null", w->f);
    }
    w->fields++;
}

void georeport_text(georeport *w, const char *key, const char *value)
{
    field(w, key, value, 1);
}

void georeport_literal(georeport *w, const char *key, const char *value)
{
    field(w, key, value, 0);
}

void georeport_end(georeport *w)
{
    if (!w->f)
        return;
    item_end(w);
    if (w->fmt == GEOREPORT_XML)
        fprintf(w->f, "%s</%s>\n", w->items ? "\n" : "", w->list);
    else
        fputs("]\n", w->f);
}

void georeport_error(http_response *resp, georeport_format fmt, int status, const char *description)
{
    char code[16];
    http_body b;
    georeport w;
    snprintf(code, sizeof code, "%d", status);
    georeport_begin(&w, http_body_open(&b), fmt, "errors", "error");
    georeport_item(&w);
    georeport_literal(&w, "code", code);
    georeport_text(&w, "description", description);
    georeport_end(&w);
    http_body_reply(&b, resp, status, georeport_content_type(fmt));
}

void georeport_refuse(const http_request *req, http_response *resp, int status, size_t n)
{
    char why[256];
    if (status == 413)
        snprintf(why, sizeof why, "请求体超过 %zu 字节，请删短后再发送", n);
    else if (status == 503)
        snprintf(why, sizeof why, "你的地址已有 %zu 个请求正在处理，请等其中一个答复后再发送这一个", n);
    else if (status == 405)
        snprintf(why, sizeof why, "这个地址不接受 %s 请求", http_method(req));
    else
        snprintf(why, sizeof why, "没有这个地址");
    georeport_error(resp, georeport_format_of(http_path(req)), status, why);
}
