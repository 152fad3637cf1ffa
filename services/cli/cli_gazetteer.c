/* cli_gazetteer.c — `jiesu gazetteer add|list`: operators extend the road and
 * landmark gazetteer routing uses (road → street office, with house-number
 * ranges where a road crosses streets).
 *
 *   jiesu gazetteer add NAME STREET_CODE [--landmark] [--community CODE] [--numbers FROM-TO]
 *   jiesu gazetteer list [NAME]
 *
 * Writes PostgreSQL directly; the assignment service picks new entries up
 * when it reloads its routing tables (assignment.reload_seconds).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static const char ADD_SQL[] =
    "INSERT INTO gazetteer (name, kind, street_code, community_code, num_from, num_to, source)"
    " SELECT $1, $2, s.code, $4, $5::int, $6::int, 'operator'"
    "   FROM regions s WHERE s.code = $3 AND s.level = 'street'"
    "    AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM regions c WHERE c.code = $4 AND c.parent_code = s.code))"
    " ON CONFLICT (name, street_code, coalesce(num_from, -1)) DO UPDATE SET kind = EXCLUDED.kind,"
    "   community_code = EXCLUDED.community_code, num_to = EXCLUDED.num_to, source = 'operator',"
    "   added_at = now()"
    " RETURNING id";

static const char LIST_SQL[] =
    "SELECT g.name, g.kind, r.name || ' (' || g.street_code || ')' AS street,"
    "       coalesce(g.community_code, '') AS community,"
    "       coalesce(g.num_from || '-' || g.num_to, 'all') AS numbers, g.source"
    "  FROM gazetteer g JOIN regions r ON r.code = g.street_code"
    " WHERE $1 = '' OR g.name = $1 ORDER BY g.name, g.num_from NULLS FIRST";

static int usage(void)
{
    fprintf(stderr, "usage: jiesu gazetteer add NAME STREET_CODE [--landmark] [--community CODE]"
                    " [--numbers FROM-TO]\n"
                    "       jiesu gazetteer list [NAME]\n");
    return 2;
}

/* Parses "FROM-TO" into two decimal strings. 0 or -1. */
static int parse_numbers(const char *s, char *from, char *to, size_t cap)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || *end != '-' || a < 0)
        return -1;
    const char *b_start = end + 1;
    long b = strtol(b_start, &end, 10);
    if (end == b_start || *end || b < a)
        return -1;
    snprintf(from, cap, "%ld", a);
    snprintf(to, cap, "%ld", b);
    return 0;
}

static int gazetteer_add(PGconn *pg, int argc, char **argv)
{
    char from[24], to[24];
    const char *kind = "road", *community = NULL, *num_from = NULL, *num_to = NULL;
    if (argc < 4 || argv[2][0] == '-' || argv[3][0] == '-')
        return usage();
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--landmark") == 0) {
            kind = "landmark";
        } else if (strcmp(argv[i], "--community") == 0 && i + 1 < argc) {
            community = argv[++i];
        } else if (strcmp(argv[i], "--numbers") == 0 && i + 1 < argc) {
            if (parse_numbers(argv[++i], from, to, sizeof from) != 0) {
                cli_error("gazetteer add: --numbers '%s': expected FROM-TO with FROM <= TO, e.g. 1-99", argv[i]);
                return 2;
            }
            num_from = from;
            num_to = to;
        } else {
            return usage();
        }
    }
    const char *params[] = {argv[2], kind, argv[3], community, num_from, num_to};
    PGresult *res = db_query(pg, "gazetteer add", ADD_SQL, 6, params);
    if (!res) {
        cli_error("gazetteer add %s: %.*s", argv[2], CLI_PQ_MSG(pg));
        return 1;
    }
    int found = PQntuples(res) == 1;
    PQclear(res);
    if (!found) {
        cli_error("gazetteer add %s: %s is not a loaded street code%s%s", argv[2], argv[3],
                  community ? ", or community " : "", community ? community : "");
        if (community)
            fprintf(stderr, "  (the community must belong to that street)\n");
        return 1;
    }
    printf("gazetteer: %s %s → %s%s%s%s%s\n", kind, argv[2], argv[3], num_from ? " numbers " : "",
           num_from ? num_from : "", num_from ? "-" : "", num_to ? num_to : "");
    return 0;
}

int cli_gazetteer_main(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return usage();
    int list = strcmp(argv[1], "list") == 0;
    if (!list && strcmp(argv[1], "add") != 0)
        return usage();
    if (list && argc > 3)
        return usage();
    PGconn *pg = cli_pg(ctx, 0);
    if (!pg)
        return 1;
    if (!list)
        return gazetteer_add(pg, argc, argv);
    const char *params[] = {argc == 3 ? argv[2] : ""};
    return cli_print_query(pg, "gazetteer", "llllll", LIST_SQL, 1, params) == 0 ? 0 : 1;
}
