/* fuzz_geo.c — libFuzzer target for the district boundaries reader
 * (services/assignment/route_geo.c, route_geo_add_json): the DataV.GeoAtlas
 * GeoJSON files of data/geo or of geo.dir, read by a parser of our own at
 * every start and rules reload of assignment.
 *
 * The input is a file's bytes, given as a file holds them: no NUL after
 * them. Besides memory errors (ASan, which sees a read past the end) and
 * undefined behaviour (UBSan), it checks what route_geo.h promises: the
 * districts added are counted, -1 comes with "line N: …" in UTF-8, a
 * district's code is 6 digits and its name UTF-8 (it is shown in routing's
 * reasons, which PostgreSQL stores), and a point lies in no district or in
 * one of those loaded.
 *
 *   make fuzz FUZZ_TARGETS=geo
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_geo.h"
#include "text.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_geo: broken promise: %s\n", what);
        abort();
    }
}

static int is_code(const char *code)
{
    if (strlen(code) != 6)
        return 0;
    for (int i = 0; i < 6; i++)
        if (code[i] < '0' || code[i] > '9')
            return 0;
    return 1;
}

/* Asks where a few points lie: every answer a loaded district, named in UTF-8. */
static void check_points(const route_geo *geo)
{
    static const double pts[][2] = {{0, 0}, {120.5, 36.5}, {1, 2}, {-1, -1}, {100, 10}, {1e9, 1e9}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        const char *code = route_geo_district(geo, pts[i][0], pts[i][1]);
        if (!code)
            continue;
        check(is_code(code), "a district's code is 6 digits");
        const char *name = route_geo_name(geo, code);
        check(text_utf8_valid(name, strlen(name), NULL), "a district's name is UTF-8");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[128] = "", why[128] = "";
    route_geo *geo = route_geo_load_dir("no/such/dir", err, sizeof err);     /* an empty set */
    check(geo != NULL, "an empty set of boundaries");
    char *text = malloc(size ? size : 1);
    check(text != NULL, "out of memory");
    memcpy(text, data, size);
    for (int round = 0; round < 2; round++) {       /* the same file twice: the districts twice */
        size_t before = route_geo_count(geo);
        int rc = route_geo_add_json(geo, text, size, why, sizeof why);
        if (rc < 0) {
            check(strncmp(why, "line ", 5) == 0, "a failure says the line");
            check(text_utf8_valid(why, strlen(why), NULL), "a failure's message is UTF-8");
            break;
        }
        check(route_geo_count(geo) == before + (size_t)rc, "the districts added are counted");
        check_points(geo);
    }
    free(text);
    route_geo_destroy(&geo);
    return 0;
}
