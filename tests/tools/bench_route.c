/* bench_route.c — routing decisions in memory, one core: category and place
 * for every complaint of a hotline export, against a reference scan of the
 * same texts in the same run (strstr for one word in address and content).
 *
 *   bench_route CONNINFO FILE.csv [DECISIONS]
 *
 * The rules come from the database at CONNINFO (migrated, regions and
 * routing data loaded); the complaints from FILE.csv (a hotline export,
 * e.g. from gen_complaints), cycled until DECISIONS (default 1,000,000)
 * decisions were made. Prints both rates (CPU time of this thread) and their ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "csv_reader.h"
#include "db.h"
#include "route_rules.h"

#define MAX_ROWS 200000
enum { COL_ADDRESS = 4, COL_CONTENT = 5, COL_CATEGORY = 6, COL_URGENCY = 7, NCOLS = 8 };

typedef struct {
    char  *f[NCOLS];
} row;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* one core: CPU time, whatever else the machine runs */
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads every data record of the file. Returns the row count, -1 on failure. */
static long read_rows(const char *path, row *rows)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    csv_reader *r = csv_reader_new_file(fp, NULL);
    csv_record rec;
    long n = 0;
    while (r && n < MAX_ROWS && csv_read(r, &rec) == 1) {
        if (rec.record_no == 1 || rec.status != CSV_OK || rec.nfields < NCOLS)
            continue;
        for (int c = 0; c < NCOLS; c++)
            rows[n].f[c] = strdup(rec.fields[c]);
        n++;
    }
    csv_reader_destroy(&r);
    fclose(fp);
    return n;
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc < 3) {
        fprintf(stderr, "usage: bench_route CONNINFO FILE.csv [DECISIONS]\n");
        return 2;
    }
    long decisions = argc > 3 ? atol(argv[3]) : 1000000;
    PGconn *pg = db_connect(argv[1], 10000, err, sizeof err);
    config *cfg = config_new();
    route_rules *rules = pg ? route_rules_load(pg, cfg, err, sizeof err) : NULL;
    row *rows = calloc(MAX_ROWS, sizeof *rows);
    long n = rows ? read_rows(argv[2], rows) : -1;
    if (!rules || n <= 0) {
        fprintf(stderr, "bench_route: %s\n", rules ? "no rows read" : err);
        return 1;
    }
    volatile long sink = 0;
    double t0 = now_s();
    for (long i = 0; i < decisions; i++) {
        const row *x = &rows[i % n];
        sink += strstr(x->f[COL_ADDRESS], "社区") != NULL;
        sink += strstr(x->f[COL_CONTENT], "社区") != NULL;
    }
    double ref_s = now_s() - t0;
    long dispatched = 0;
    route_decision d;
    t0 = now_s();
    for (long i = 0; i < decisions; i++) {
        const row *x = &rows[i % n];
        route_input in = {.address = x->f[COL_ADDRESS], .content = x->f[COL_CONTENT],
                          .category_raw = x->f[COL_CATEGORY], .urgency = x->f[COL_URGENCY]};
        route_decide(&rules->decider, &in, &d);
        dispatched += d.owner != ROUTE_TO_MANUAL;
    }
    double route_s = now_s() - t0;
    double ref_rate = decisions / ref_s, route_rate = decisions / route_s;
    printf("   complaints: %ld distinct rows, %ld decisions, %zu places, %zu categories\n", n, decisions,
           route_places_count(rules->places), route_cat_count(rules->cats));
    printf("   strstr scan of address+content (reference): %10.0f texts/s\n", ref_rate);
    printf("   route_decide (category + place + units):     %10.0f complaints/s  (%.1f%% dispatched)\n",
           route_rate, 100.0 * dispatched / decisions);
    printf("   route / reference = %.3f   (target: >= 200000 complaints/s on one core: %s)\n",
           route_rate / ref_rate, route_rate >= 200000 ? "met" : "NOT met");
    (void)sink;
    for (long i = 0; i < n; i++)
        for (int c = 0; c < NCOLS; c++)
            free(rows[i].f[c]);
    free(rows);
    route_rules_destroy(&rules);
    config_destroy(&cfg);
    PQfinish(pg);
    return 0;
}
