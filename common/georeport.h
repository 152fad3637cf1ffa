/* georeport.h — an Open311 GeoReport v2 answer written once, spelled as
 * JSON or XML.
 *
 * GeoReport v2 makes XML its required format and JSON an option; a client
 * asks for one by the ending of the path (/services.xml, /requests/W1.json),
 * and FixMyStreet's client asks for XML everywhere, error bodies included.
 * A handler writes its answer once, as a list of items each holding named
 * fields (services of service, service_requests of request, errors of
 * error), and the writer spells it in the format asked for:
 *
 *   JSON  [{"service_code":"env.garbage","metadata":false,"account_id":null}]
 *   XML   <?xml version="1.0" encoding="utf-8"?>
 *         <services><service><service_code>env.garbage</service_code>
 *         <metadata>false</metadata><account_id/></service></services>
 *
 * null is an empty element in XML. XML text has & < > " ' escaped and a CR
 * written &#13; (a parser would read a bare one as LF); what XML 1.0 cannot
 * hold at all (control characters other than tab, LF and CR; U+FFFE and
 * U+FFFF) is written U+FFFD, where JSON keeps it as \u00XX. Text is UTF-8.
 *
 * A writer on a NULL stream (http_body_open failed) writes nothing.
 */
#ifndef JIESU_GEOREPORT_H
#define JIESU_GEOREPORT_H

#include <stdio.h>

#include "http.h"

typedef enum { GEOREPORT_JSON, GEOREPORT_XML } georeport_format;

#define GEOREPORT_JSON_TYPE "application/json; charset=utf-8"
#define GEOREPORT_XML_TYPE  "text/xml; charset=utf-8"

/* The length of path's format ending (".json" 5, ".xml" 4), its format in
 * *fmt; 0 when it has neither (*fmt then JSON). */
size_t georeport_suffix(const char *path, georeport_format *fmt);

/* The format path asks for: XML for a path ending .xml, else JSON. */
georeport_format georeport_format_of(const char *path);

/* The Content-Type of an answer in fmt. */
const char *georeport_content_type(georeport_format fmt);

/* One answer being written on f: list and item name the XML elements. */
typedef struct {
    FILE            *f;
    georeport_format fmt;
    const char      *list, *item;
    size_t           items, fields;     /* written: items, and fields of the current item */
} georeport;

void georeport_begin(georeport *w, FILE *f, georeport_format fmt, const char *list, const char *item);

/* Starts the next item (ending the one before). */
void georeport_item(georeport *w);

/* A text field of the current item; NULL is null. */
void georeport_text(georeport *w, const char *key, const char *value);

/* A field written as it is: a number or true/false, as text in XML; NULL is null. */
void georeport_literal(georeport *w, const char *key, const char *value);

/* Ends the last item and the list. */
void georeport_end(georeport *w);

/* s as XML text (see above). */
void georeport_xml_text(FILE *f, const char *s);

/* Answers resp with status and one error, GeoReport's errors list:
 * [{"code":404,"description":"没有这个地址"}] or <errors><error>…. */
void georeport_error(http_response *resp, georeport_format fmt, int status, const char *description);

/* What a server answers by itself (http_refusal_fn), as a GeoReport error
 * in the format the path asks for, in Chinese (a platform shows its user
 * GeoReport's description): 404 没有这个地址, 405 naming the method, 413
 * naming the limit, 503 naming the requests being answered. */
void georeport_refuse(const http_request *req, http_response *resp, int status, size_t n);

#endif
