/* intake_services.h — the categories a citizen can file under over Open311
 * (GET /services.json), read from the `categories` table routing owns
 * (003_routing.sql, loaded by `jiesu migrate`).
 *
 * Every category is a service: service_code is its code ("env.garbage"),
 * service_name its name, group the name of its root category. A complaint
 * filed under a service gets as its hotline category (complaints.category_raw)
 * the first hotline name that category_aliases maps to that code, so routing
 * reads it as it reads an export; without an alias, "group-name"
 * (环境卫生-垃圾清运), as hotline exports write categories.
 */
#ifndef JIESU_INTAKE_SERVICES_H
#define JIESU_INTAKE_SERVICES_H

#include <libpq-fe.h>
#include <stddef.h>

#include "georeport.h"

typedef struct intake_services intake_services;

/* Reads the current list. NULL with the reason (PostgreSQL's) in err. */
intake_services *intake_services_load(PGconn *pg, char *err, size_t errlen);

/* Writes the list's services, one item each (service_code, service_name,
 * description: the hotline category, metadata false, type realtime,
 * keywords "", group), for GET /services.json and /services.xml. */
void intake_services_write(const intake_services *self, georeport *w);

/* The hotline category of service code into category (what POST needs,
 * read afresh without loading the list): 1, 0 when there is no such
 * service, -1 with PostgreSQL's reason in err. */
int intake_services_category(PGconn *pg, const char *code, char *category, size_t cap, char *err, size_t errlen);

size_t intake_services_count(const intake_services *self);

void intake_services_destroy(intake_services **self);

#endif
