/* route_geo.h — which district a coordinate lies in, from district boundaries.
 *
 * Boundaries are DataV.GeoAtlas GeoJSON files (data/geo/<city>_full.json:
 * one Feature per district, properties.adcode, a MultiPolygon in GCJ-02
 * longitude/latitude). Only districts are available, not streets, so routing
 * uses a complaint's coordinates to keep the place names of that district
 * (海口路 is a road in 崂山区 and a community in 市南区) and to say where it is.
 * A point is inside when an odd number of boundary rings surround it.
 */
#ifndef JIESU_ROUTE_GEO_H
#define JIESU_ROUTE_GEO_H

#include <stddef.h>

typedef struct route_geo route_geo;

/* Loads every *.json file of dir. NULL with "geo: reason" in err (a
 * missing directory is an empty set, not an error). */
route_geo *route_geo_load_dir(const char *dir, char *err, size_t errlen);

/* Loads one GeoJSON text (json[0..len), no NUL needed) into self: each
 * Feature with a 6-digit "adcode" before its "coordinates" is a district
 * (others, as "100000_JD" in the country's file, are passed over). Returns
 * the districts added, or -1 with where and what went wrong in why ("line
 * 12: a point is not [longitude, latitude] in numbers"); districts read
 * before the fault stay. */
int route_geo_add_json(route_geo *self, const char *json, size_t len, char *why, size_t whylen);

/* The 6-digit code of the district containing (lon, lat), or NULL (owned by self). */
const char *route_geo_district(const route_geo *self, double lon, double lat);

/* The name of district code ("崂山区", the GeoJSON's "name"), or the code itself when the
 * boundaries give none (owned by self or the caller). */
const char *route_geo_name(const route_geo *self, const char *code);

size_t route_geo_count(const route_geo *self);

void route_geo_destroy(route_geo **self);

#endif
