/* intake_services.h — the categories a citizen can file under over Open311
 * (GET /services.json), loaded from the category tree.
 *
 * The tree is data/categories/categories.csv (columns code, parent, name;
 * others ignored), the same file routing classifies by. Every category is a
 * service: service_code is its code ("env.garbage"), service_name its name,
 * group the name of its root. A complaint filed under a service carries the
 * hotline-style category "group-name" (环境卫生-垃圾清运), as exports do.
 */
#ifndef JIESU_INTAKE_SERVICES_H
#define JIESU_INTAKE_SERVICES_H

#include <stddef.h>

typedef struct intake_services intake_services;

/* Loads the CSV at path. NULL with "path: reason" (row and column) in err. */
intake_services *intake_services_load(const char *path, char *err, size_t errlen);

/* The GET /services.json body (NUL-terminated, owned by the list). */
const char *intake_services_json(const intake_services *self);

/* The hotline-style category of service code, or NULL when there is none. */
const char *intake_services_category(const intake_services *self, const char *code);

size_t intake_services_count(const intake_services *self);

void intake_services_destroy(intake_services **self);

#endif
