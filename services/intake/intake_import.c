/* intake_import.c — one import: hash, record, stream, COPY, enqueue
 * (see intake_import.h).
 *
 * Each batch is one transaction: the batch lock, the probe of its ticket
 * numbers, ids reserved, the new rows COPYed straight into complaints, their
 * events, the counts, COMMIT; then the ids go to the routing stream. Why in
 * that order, what a crash at each point leaves, and the session lock that
 * tells a dead import from a running one: services/intake/README.md.
 */
#include "intake_import.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "db.h"
#include "failpoint.h"
#include "intake_buf.h"
#include "intake_columns.h"
#include "intake_pick.h"
#include "intake_preview.h"
#include "intake_probe.h"
#include "intake_record.h"
#include "intake_rejects.h"
#include "intake_row.h"
#include "intake_sha.h"
#include "intake_source.h"
#include "intake_stopped.h"
#include "intake_tickets.h"
#include "intake_unmapped.h"
#include "intake_zone.h"
#include "log.h"
#include "sqlarr.h"
#include "text.h"

#define BATCH_LOCK    "7102, 0" /* the one advisory lock of import batches */
#define ENQUEUE_CHUNK 1000
#define COPY_BUF      (1u << 20)    /* bytes per COPY message */
#define BATCH_BYTES   (64u << 20)   /* a batch ends early past this much COPY text */
#define PUMP_ROWS     256           /* rows read between pushes of queued COPY data */
#define NAME_BYTES    256           /* of the file's name as recorded */

/* Held by every import batch until its COMMIT (see above). */
static const char SQL_BATCH_LOCK[] = "SELECT pg_advisory_xact_lock(" BATCH_LOCK ")";

static const char SQL_IDS[] = "SELECT nextval('complaints_id_seq') FROM generate_series(1, $1::int)";

static const char SQL_COPY[] = "COPY complaints (id, " INTAKE_COPY_COLUMNS ") FROM STDIN";

/* The event names the import; the row number is on the complaint (source_row). */
static const char SQL_EVENTS[] =
    "INSERT INTO complaint_events (complaint_id, actor, event, detail)"
    " SELECT unnest($1::bigint[]), $3, 'imported', $2::jsonb";

/* For this batch's transaction only: local times of the file are read in
 * the profile's zone, and the probe is planned without its parameters. Given
 * the batch's tickets, the planner estimated the selectivity of each (50 ms
 * a batch of 50,000) to choose a scan of the whole table, whose cost grows
 * with every batch stored; without them it probes the ticket index. */
static const char SQL_BATCH_SETTINGS[] =
    "SELECT set_config('TimeZone', $1, true), set_config('plan_cache_mode', 'force_generic_plan', true)";

/* A zone PostgreSQL does not know fails here, before any row is read. */
/* The zone as each batch sets it (SQL_BATCH_SETTINGS): a zone's abbreviation
 * such as CST, which AT TIME ZONE takes, is no TimeZone. */
static const char SQL_CHECK_ZONE[] = "SELECT set_config('TimeZone', $1, true)";

/* One batch as read from the file: how many good rows its COPY text holds
 * and the import's counts up to its last row. */
typedef struct {
    long     copied;
    int64_t  rows_total;
    int64_t  rejected;
    uint64_t bytes;
    int      eof;
} batch;

typedef struct {
    const intake_import_opts *opt;
    intake_result   *res;
    char             id[24];      /* the import id as text, for parameters */
    char             event[48];   /* detail of its 'imported' events */
    intake_source   *source;
    int              fd;
    const char      *path;
    intake_picked    picked;      /* the profile and the header mapped through it */
    intake_columns  *map;         /* = picked.map */
    intake_unmapped *unmapped;    /* category values category_aliases lacks */
    intake_zone     *zone;        /* local times the profile's zone skips or repeats */
    intake_row      *rows;
    intake_rejects  *rejects;
    intake_buf       copy;        /* COPY text of the batch read last, one line per row */
    intake_tickets  *tickets;     /* its ticket numbers, row by row */
    int64_t         *ids;         /* ids of its new rows, in file order */
    long             n_ids, ids_cap;
    int64_t         *queued;      /* committed ids not yet on the routing stream */
    long             n_queued, queued_cap;
    sqlarr           id_list;     /* the same, for the events statement */
    intake_buf       out;         /* COPY text going to PostgreSQL */
    int              copying;     /* a COPY into complaints is under way */
    int              unreadable;  /* the file could not be read on (damaged): importing it again
                                   * unchanged would stop at the same place */
    intake_stopped   stored;      /* the import as of its last committed batch */
    long             rejects_at;  /* the rejects file once the batch being stored wrote its own */
    intake_probed    probed;      /* the batch's rows new, repeating a row of the file, clashing */
} import_run;

/* Who the import's rows are recorded as imported by. */
static const char *actor(const intake_import_opts *opt)
{
    return opt->actor && *opt->actor ? opt->actor : "intake";
}

/* Writes the imports row (status running) and takes its lock. 0 or -1 with why. */
static int begin_import(import_run *r, const char *file_name, char *why, size_t whylen)
{
    r->res->import_id = intake_record_begin(r->opt->pg, file_name, r->res->sha256, actor(r->opt), r->id, why, whylen);
    if (r->res->import_id < 0) {
        r->res->import_id = 0;
        return -1;
    }
    snprintf(r->event, sizeof r->event, "{\"import_id\": %s}", r->id);
    return 0;
}

/* The next record of the file: 1, 0 at its end, or -1 with why. */
static int next_record(import_run *r, csv_record *rec, char *why, size_t whylen)
{
    int got = intake_source_read(r->source, rec);
    if (got < 0) {
        intake_source_explain_error(r->source, r->opt->door, why, whylen);
        r->unreadable = 1;
    }
    return got;
}

/* The header record, read with the encoding profile names (NULL: detected).
 * 0, or -1 with why. */
static int header_record(import_run *r, csv_record *rec, const char *profile, char *why, size_t whylen)
{
    int got = next_record(r, rec, why, whylen);
    if (got < 0)
        return -1;
    if (got == 0) {
        snprintf(why, whylen, "文件是空的（连表头行都没有）");
        return -1;
    }
    if (rec->status == CSV_ERR_ENCODING) {
        intake_source_explain_header(r->source, rec, profile, r->opt->door, why, whylen);
        return -1;
    }
    if (rec->status != CSV_OK) {
        snprintf(why, whylen, "表头行：%s", rec->why ? rec->why : csv_status_text(rec->status));
        return -1;
    }
    return 0;
}

/* (Re)opens the file's rows, CSV in the given encoding. 0, or -1 with why. */
static int open_source(import_run *r, csv_encoding_choice encoding, char *why, size_t whylen)
{
    csv_options csv = r->opt->csv;
    csv.encoding = encoding;
    intake_source_destroy(&r->source);
    if (lseek(r->fd, 0, SEEK_SET) < 0) {
        snprintf(why, whylen, "无法从头重读文件：%s", text_os_error(errno));
        return -1;
    }
    return (r->source = intake_source_open(r->fd, r->path, &csv, why, whylen)) ? 0 : -1;
}

/* The header of a file detection could not tell the encoding of (GB18030
 * or Windows-1252, csv_sniff.h), read in each in turn: the first whose
 * profile (named, sent, or picked by that header) names an encoding goes
 * on, and read_header reads the file in that encoding, as the refusal told
 * the clerk to have it written; else the refusal (in read_header's why)
 * stands. An encoding key was of no use where the header held the doubt.
 * 0 or -1. */
static int pick_as_told(import_run *r, const intake_pick_opts *po, csv_record *rec)
{
    static const csv_encoding_choice EITHER[] = {CSV_FORCE_GB18030, CSV_FORCE_CP1252};
    char tried[6000];
    for (size_t i = 0; i < sizeof EITHER / sizeof EITHER[0]; i++) {
        if (open_source(r, EITHER[i], tried, sizeof tried) < 0 || header_record(r, rec, NULL, tried, sizeof tried) < 0
            || intake_pick(po, rec, &r->picked, tried, sizeof tried) < 0) {
            intake_pick_free(&r->picked);
            continue;
        }
        if (intake_columns_profile(r->picked.map)->encoding != CSV_DETECT) {
            r->unreadable = 0;
            return 0;
        }
        intake_pick_free(&r->picked);
    }
    return -1;
}

/* What the result tells of the profile, and the warnings about the header. */
static void note_profile(import_run *r)
{
    const intake_profile *p = intake_columns_profile(r->map);
    intake_result *res = r->res;
    snprintf(res->profile, sizeof res->profile, "%s", p->name);
    snprintf(res->profile_how, sizeof res->profile_how, "%s", r->picked.how);
    snprintf(res->timezone, sizeof res->timezone, "%s", p->timezone);
    for (int f = 0; f < COL_COUNT; f++) {
        size_t at = 0, cap = sizeof res->mapping[f];
        res->mapping[f][0] = '\0';
        for (size_t a = 0; a < intake_columns_alternatives(r->map, (intake_field)f) && at < cap; a++) {
            const int *cols;
            size_t n = intake_columns_of(r->map, (intake_field)f, a, &cols);
            for (size_t i = 0; i < n && at < cap; i++) {
                int w = snprintf(res->mapping[f] + at, cap - at, "%s%s", i ? " + " : a ? " | " : "",
                                 intake_columns_header(r->map, (size_t)cols[i]));
                at += w > 0 ? (size_t)w : 0;
            }
        }
    }
    if (intake_columns_describe_ignored(r->map, r->opt->door, res->warnings[res->nwarnings],
                                        IMPORT_WARNING_BYTES) > 0)
        res->nwarnings++;
    if (intake_source_describe_unread(r->source, res->warnings[res->nwarnings], IMPORT_WARNING_BYTES))
        res->nwarnings++;
    if (intake_source_describe_marked(r->source, p->encoding, p->name, res->warnings[res->nwarnings],
                                      IMPORT_WARNING_BYTES))
        res->nwarnings++;
}

/* Checks that PostgreSQL takes the zone of profile p as each batch sets it.
 * 0, or -1 with why: a name it does not take (an abbreviation, CST), in the
 * words of the door's clerk; another failure, PostgreSQL's. */
static int check_zone(import_run *r, const intake_profile *p, char *why, size_t whylen)
{
    const char *zone[] = {p->timezone};
    char pg_why[512], problem[256];
    PGresult *res = db_prepared(r->opt->pg, "intake_check_zone", SQL_CHECK_ZONE, 1, zone);
    int ok = res && PQresultStatus(res) == PGRES_TUPLES_OK, named = db_failed_with(res, DB_DATA_EXCEPTION);
    PQclear(res);
    if (ok)
        return 0;
    if (named && r->opt->door == INTAKE_ON_PAGE) {
        snprintf(problem, sizeof problem, "它写的时区“%s”不是有效的时区名，文件里的时间读不了", zone[0]);
        intake_profile_say_broken(why, whylen, p->name, problem);
    } else if (named) {
        snprintf(why, whylen, "导入模板 %s：时区“%s”不是时区名（CST、PST 这样的缩写有歧义，也不管夏令时：CST 既是中国标准时间，"
                 "也是美国中部时间）：请写地区的时区名，如北京时间 Asia/Shanghai、芝加哥 America/Chicago、纽约 "
                 "America/New_York", p->name, zone[0]);
    } else {
        snprintf(why, whylen, "数据库：核对导入模板 %s 的时区时出错：%s", p->name, db_error(r->opt->pg, pg_why, sizeof pg_why));
    }
    return -1;
}

/* Reads the header, picks the profile and maps the columns through it; a
 * profile that names the file's encoding has the file read again in it.
 * 0, or -1 with why. */
static int read_header(import_run *r, char *why, size_t whylen)
{
    csv_record rec;
    intake_pick_opts po = {r->opt->profiles_dir, r->opt->profile, r->opt->profile_text, r->opt->door};
    int got = header_record(r, &rec, NULL, why, whylen);
    if (got < 0 && intake_source_unsure(r->source))
        got = pick_as_told(r, &po, &rec);
    else if (got == 0)
        got = intake_pick(&po, &rec, &r->picked, why, whylen);
    if (got < 0)
        return -1;
    r->map = r->picked.map;
    const intake_profile *p = intake_columns_profile(r->map);
    if (p->encoding != CSV_DETECT && strcmp(intake_source_format(r->source), "XLSX") != 0) {
        if (open_source(r, p->encoding, why, whylen) < 0 || header_record(r, &rec, p->name, why, whylen) < 0
            || intake_pick_remap(&r->picked, &rec, why, whylen) < 0)
            return -1;
        r->map = r->picked.map;
    }
    if (check_zone(r, p, why, whylen) < 0)
        return -1;
    if (!(r->zone = intake_zone_new(p->timezone))) {
        snprintf(why, whylen, "内存不足");
        return -1;
    }
    note_profile(r);
    if (r->opt->started)
        r->opt->started(r->opt->progress_ctx, r->res);
    return 0;
}

/* Builds one row and counts it: rows, rejected, unmapped categories.
 * INTAKE_ROW_*, or -1 with why. */
static int build_row(import_run *r, const csv_record *rec, const char **line, size_t *len, intake_reject *rej,
                     char *why, size_t whylen)
{
    int v = intake_row_build(r->rows, r->map, rec, r->res->import_id, line, len, rej);
    if (v == INTAKE_ROW_EMPTY)
        return v;
    if (v < 0 || (v == INTAKE_ROW_OK
                  && (intake_unmapped_see(r->unmapped, intake_row_value(r->rows, COL_CATEGORY)) < 0
                      || intake_zone_see(r->zone, intake_row_called(r->rows), rec->record_no) < 0))) {
        snprintf(why, whylen, "第 %" PRIu64 " 行：内存不足", rec->record_no);
        return -1;
    }
    r->res->rows_total++;
    r->res->rejected += v == INTAKE_ROW_REJECTED;
    return v;
}

/* Handles one row: adds it to the batch's COPY text or writes it to the
 * rejects file. 1 for a data row, 0 for a blank one, -1 with why. */
static int take_row(import_run *r, const csv_record *rec, batch *b, char *why, size_t whylen)
{
    const char *line;
    size_t len;
    intake_reject rej;
    int v = build_row(r, rec, &line, &len, &rej, why, whylen);
    if (v < 0 || v == INTAKE_ROW_EMPTY)
        return v < 0 ? -1 : 0;
    if (v == INTAKE_ROW_REJECTED)
        return intake_rejects_write(r->rejects, &rej, why, whylen) < 0 ? -1 : 1;
    if (intake_buf_add(&r->copy, line, len) < 0
        || intake_tickets_add(r->tickets, intake_row_value(r->rows, COL_TICKET_NO), rec->record_no, rec->line_no,
                              intake_row_called(r->rows)) < 0) {
        snprintf(why, whylen, "第 %" PRIu64 " 行：内存不足", rec->record_no);
        return -1;
    }
    b->copied++;
    return 1;
}

/* A dry run: every row read and checked, the first ones kept to be shown,
 * nothing stored. 0, or -1 with why. */
static int dry_run(import_run *r, char *why, size_t whylen)
{
    for (;;) {
        csv_record rec;
        const char *line;
        size_t len;
        intake_reject rej;
        int got = next_record(r, &rec, why, whylen);
        if (got <= 0) {
            snprintf(r->res->encoding, sizeof r->res->encoding, "%s", intake_source_format(r->source));
            char pg_why[512];
            if (got == 0 && intake_preview_instants(r->opt->pg, r->res, pg_why, sizeof pg_why) < 0)
                log_warn("dry run: PostgreSQL could not show the stored instants: %s", pg_why);
            return got;
        }
        int v = build_row(r, &rec, &line, &len, &rej, why, whylen);
        if (v < 0 || intake_zone_learn(r->zone, r->opt->pg, why, whylen) < 0)
            return -1;
        if (v == INTAKE_ROW_OK)
            intake_preview_keep(r->res, r->rows, rec.record_no);
        else if (v == INTAKE_ROW_REJECTED)
            intake_preview_keep_reject(r->res, &rej);
    }
}

/* The category values category_aliases lacks, most rows first, into the result. */
static void note_unmapped(import_run *r)
{
    intake_result *res = r->res;
    int64_t rows;
    const char *name;
    if (!r->unmapped)
        return;
    res->unmapped_rows = intake_unmapped_rows(r->unmapped);
    res->unmapped_distinct = intake_unmapped_distinct(r->unmapped);
    for (res->nunmapped = 0; res->nunmapped < IMPORT_UNMAPPED_SHOWN
                             && (name = intake_unmapped_at(r->unmapped, res->nunmapped, &rows)); res->nunmapped++) {
        snprintf(res->unmapped[res->nunmapped].name, sizeof res->unmapped[0].name, "%s", name);
        res->unmapped[res->nunmapped].rows = rows;
    }
}

/* Lets the queued COPY data go out while the next batch is read. */
static void pump(import_run *r)
{
    if (r->copying)
        db_copy_pump(r->opt->pg);
}

/* Reads the next batch: up to batch_rows rows, or fewer once its COPY text
 * passes BATCH_BYTES (memory stays bounded). 0 or -1 with why. */
static int read_batch(import_run *r, batch *b, char *why, size_t whylen)
{
    size_t want = r->opt->batch_rows ? r->opt->batch_rows : INTAKE_BATCH_ROWS;
    size_t seen = 0;
    memset(b, 0, sizeof *b);
    r->copy.len = 0;
    intake_tickets_reset(r->tickets);
    while (seen < want && r->copy.len < BATCH_BYTES) {
        csv_record rec;
        int got = next_record(r, &rec, why, whylen);
        if (got < 0)
            return -1;
        if (got == 0) {
            b->eof = 1;
            break;
        }
        int t = take_row(r, &rec, b, why, whylen);
        if (t < 0)
            return -1;
        seen += (size_t)t;
        if (seen % PUMP_ROWS == 0)
            pump(r);
    }
    b->rows_total = r->res->rows_total;
    b->rejected = r->res->rejected;
    b->bytes = intake_source_bytes(r->source);
    snprintf(r->res->encoding, sizeof r->res->encoding, "%s", intake_source_format(r->source));
    return 0;
}

/* Adds the committed ids of the last batch to the routing stream, a chunk
 * at a time, letting the COPY under way go out between chunks; ids Redis
 * refuses are left to the assignment reconciler (README.md). */
static void enqueue(import_run *r)
{
    long n = r->n_queued;
    r->n_queued = 0;
    if (!r->opt->route)
        return;
    for (long i = 0; i < n; i += ENQUEUE_CHUNK) {
        long k = n - i < ENQUEUE_CHUNK ? n - i : ENQUEUE_CHUNK;
        if (queue_add(r->opt->route, r->queued + i, (size_t)k) < 0) {
            log_error("import %s: %ld committed complaints not on the routing stream (%s); "
                      "the assignment reconciler will pick them up",
                      r->id, n - i, queue_errstr(r->opt->route));
            r->res->not_enqueued += n - i;
            return;
        }
        pump(r);
    }
}

/* After the batch's COMMIT: its ids become the ones to enqueue (enqueue()),
 * and their array is the next batch's to fill. */
static void committed(import_run *r)
{
    int64_t *ids = r->queued;
    long cap = r->queued_cap;
    r->queued = r->ids;
    r->queued_cap = r->ids_cap;
    r->n_queued = r->n_ids;
    r->ids = ids;
    r->ids_cap = cap;
    r->n_ids = 0;
}


/* Reserves ids for the n new rows into r->ids and r->id_list. 0 or -1 with why. */
static int reserve_ids(import_run *r, long n, char *why, size_t whylen)
{
    char count[24];
    const char *params[] = {count};
    snprintf(count, sizeof count, "%ld", n);
    r->n_ids = 0;
    sqlarr_reset(&r->id_list);
    if (n == 0)
        return 0;
    if (n > r->ids_cap) {
        int64_t *ids = realloc(r->ids, (size_t)n * sizeof *ids);
        if (!ids)
            goto fail;
        r->ids = ids;
        r->ids_cap = n;
    }
    char pg_why[512] = "内存不足";
    PGresult *res = db_query(r->opt->pg, "intake reserve ids", SQL_IDS, 1, params, pg_why, sizeof pg_why);
    int ok = res && PQntuples(res) == n;
    for (int i = 0; ok && i < n; i++) {
        r->ids[i] = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        ok = sqlarr_add(&r->id_list, PQgetvalue(res, i, 0)) == 0;
    }
    PQclear(res);
    if (ok && sqlarr_text(&r->id_list)) {
        r->n_ids = n;
        return 0;
    }
    if (res)
        snprintf(pg_why, sizeof pg_why, "内存不足");
    snprintf(why, whylen, "在数据库里预留 %ld 个工单编号时出错：%s", n, pg_why);
    return -1;
fail:
    snprintf(why, whylen, "预留 %ld 个工单编号：内存不足", n);
    return -1;
}

/* Sends what r->out holds to the COPY under way and empties it. 0 or -1 with why. */
static int copy_flush(import_run *r, char *why, size_t whylen)
{
    int rc = db_copy_put(r->opt->pg, r->out.data, r->out.len, why, whylen);
    r->out.len = 0;
    return rc;
}

/* Streams the new rows of the batch, each line with its id in front. 0 or -1 with why. */
static int copy_new_rows(import_run *r, char *why, size_t whylen)
{
    const char *line = r->copy.data, *end = r->copy.data + r->copy.len;
    long k = 0;
    int rc = 0;
    r->out.len = 0;
    for (size_t i = 0; rc == 0 && line < end; i++) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = (size_t)(nl - line) + 1;
        if (intake_tickets_is_new(r->tickets, i)) {
            char id[24];
            int n = snprintf(id, sizeof id, "%" PRId64 "\t", r->ids[k++]);
            rc = intake_buf_add(&r->out, id, (size_t)n) < 0 || intake_buf_add(&r->out, line, len) < 0 ? -1 : 0;
            if (rc < 0)
                snprintf(why, whylen, "内存不足");
            else if (r->out.len >= COPY_BUF)
                rc = copy_flush(r, why, whylen);
        }
        line = nl + 1;
    }
    return rc == 0 && r->out.len ? copy_flush(r, why, whylen) : rc;
}

/* Starts the COPY of the new rows into complaints and queues all of them;
 * they go out while the next batch is read (pump()) and the COPY ends in
 * finish_batch(). 0, or -1 with why. */
static int queue_new_rows(import_run *r, char *why, size_t whylen)
{
    PGconn *pg = r->opt->pg;
    if (db_copy_start_queued(pg, SQL_COPY, why, whylen) < 0) {
        text_prefix(why, whylen, "无法开始把这一批写入工单表（COPY）：");
        return -1;
    }
    r->copying = 1;
    if (copy_new_rows(r, why, whylen) < 0) {
        text_prefix(why, whylen, "把这一批写入工单表（COPY）时出错：");
        return -1;
    }
    return 0;
}

/* Rolls the batch back, ending a COPY under way first. */
static void abandon_batch(import_run *r)
{
    if (r->copying)
        db_copy_end(r->opt->pg, NULL, 0);   /* the caller already has why the batch is given up */
    r->copying = 0;
    db_rollback(r->opt->pg);
}

/* Ends the COPY and stores the new rows' events. 0, or -1 with why. */
static int store_new_rows(import_run *r, char *why, size_t whylen)
{
    PGconn *pg = r->opt->pg;
    const char *params[] = {sqlarr_text(&r->id_list), r->event, actor(r->opt)};
    char pg_why[300];
    r->copying = 0;
    if (db_copy_end(pg, pg_why, sizeof pg_why) < 0) {
        snprintf(why, whylen, "这一批写入工单表时出错：%s", pg_why);
        return -1;
    }
    if (db_command(pg, "intake imported events", SQL_EVENTS, 3, params, NULL, pg_why, sizeof pg_why) < 0) {
        snprintf(why, whylen, "记录这一批的“受理”事件时出错：%s", pg_why);
        return -1;
    }
    return 0;
}

/* Opens the batch's transaction, finds its new rows and queues their COPY
 * into complaints. 0, or -1 with why (rolled back). */
static int start_batch(import_run *r, const batch *b, char *why, size_t whylen)
{
    PGconn *pg = r->opt->pg;
    r->n_ids = 0;
    r->probed = (intake_probed){0};
    const char *zone[] = {r->res->timezone};
    if (db_begin(pg, why, whylen) < 0 || db_exec(pg, SQL_BATCH_LOCK, why, whylen) < 0
        || db_command(pg, "intake batch settings", SQL_BATCH_SETTINGS, 1, zone, NULL, why, whylen) < 0) {
        text_prefix(why, whylen, "数据库：开始这一批时出错：");
        goto fail;
    }
    if (b->copied > 0) {
        if (intake_zone_learn(r->zone, pg, why, whylen) < 0)
            goto fail;
        if (intake_probe(pg, r->id, r->tickets, r->map, r->rejects, &r->probed, why, whylen) < 0
            || reserve_ids(r, r->probed.fresh, why, whylen) < 0)
            goto fail;
        if (r->probed.fresh > 0 && queue_new_rows(r, why, whylen) < 0)
            goto fail;
    }
    if (intake_rejects_mark(r->rejects, &r->rejects_at, why, whylen) < 0)   /* before the next batch's */
        goto fail;
    return 0;
fail:
    abandon_batch(r);
    return -1;
}

/* Ends the COPY, stores the events, records the counts, commits; the new
 * ids are enqueued once the next batch's COPY is under way (stream_file()).
 * A clashing row is refused: counted with the rows the reading refused.
 * 0, or -1 with why (the batch rolled back). */
static int finish_batch(import_run *r, const batch *b, char *why, size_t whylen)
{
    const intake_probed *p = &r->probed;
    if (r->n_ids > 0 && store_new_rows(r, why, whylen) < 0)
        goto fail;
    intake_record_counts c = {.rows_total = b->rows_total, .inserted = r->res->inserted + r->n_ids,
                              .duplicates = r->res->duplicates + b->copied - r->n_ids - p->clashed,
                              .rejected = b->rejected + r->res->clashed + p->clashed,
                              .repeated = r->res->repeated + p->repeated,
                              .bytes = b->bytes, .encoding = r->res->encoding, .profile = r->res->profile,
                              .timezone = intake_zone_fits(r->zone) ? r->res->timezone : ""};
    if (intake_record_progress(r->opt->pg, r->id, &c, why, whylen) < 0 || db_commit(r->opt->pg, why, whylen) < 0) {
        text_prefix(why, whylen, "数据库：提交这一批时出错：");
        goto fail;
    }
    r->res->inserted = c.inserted;      /* counted once committed */
    r->res->duplicates = c.duplicates;
    r->res->repeated = c.repeated;
    r->res->clashed += p->clashed;
    r->stored = (intake_stopped){.rows = b->rows_total, .rejected = c.rejected, .rejects_mark = r->rejects_at};
    committed(r);
    failpoint("import_before_enqueue");
    if (r->opt->progress)
        r->opt->progress(r->opt->progress_ctx, b->rows_total, b->bytes);
    return 0;
fail:
    abandon_batch(r);
    return -1;
}

static int open_input(const char *path, int *fd, char *why, size_t whylen)
{
    struct stat st;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0 || fstat(*fd, &st) < 0) {
        snprintf(why, whylen, "打不开文件：%s", text_os_error(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "不是普通文件");
        return -1;
    }
    return 0;
}

/* Everything after the imports row exists. 0, or -1 with why. */
static int stream_file(import_run *r, char *why, size_t whylen)
{
    const intake_import_opts *opt = r->opt;
    if (!(r->source = intake_source_open(r->fd, r->path, &opt->csv, why, whylen)))
        return -1;
    r->rejects = opt->dry_run ? NULL : intake_rejects_new(opt->rejects_dir, r->res->import_id);
    r->rows = intake_row_new(intake_source_options(r->source), r->opt->door);
    r->tickets = intake_tickets_new();
    if ((!r->rejects && !opt->dry_run) || !r->rows || !r->tickets) {
        snprintf(why, whylen, "内存不足");
        return -1;
    }
    if (read_header(r, why, whylen) < 0 || !(r->unmapped = intake_unmapped_load(opt->pg, why, whylen)))
        return -1;
    if (opt->dry_run)
        return dry_run(r, why, whylen);
    batch cur, next;
    if (read_batch(r, &cur, why, whylen) < 0)
        return -1;
    for (;;) {
        /* While PostgreSQL takes this batch's rows, the last batch's ids go
         * to the routing stream and the next batch is read. */
        char read_why[600] = "";
        if (start_batch(r, &cur, why, whylen) < 0)
            return -1;
        enqueue(r);
        int read = cur.eof ? 0 : read_batch(r, &next, read_why, sizeof read_why);
        if (finish_batch(r, &cur, why, whylen) < 0)
            return -1;
        if (read < 0) {
            snprintf(why, whylen, "%s", read_why);
            return -1;
        }
        if (cur.eof)
            break;
        if (opt->stop && *opt->stop) {
            snprintf(why, whylen, "工单受理服务正在停止，读完表头之后第 %" PRId64 " 条记录时停下", cur.rows_total);
            return -1;
        }
        cur = next;
    }
    return intake_rejects_close(r->rejects, why, whylen);
}

/* Hashes the file (unless the caller did) and records the import (not for
 * a dry run). 0, or -1 with why. */
static int open_import(import_run *r, const char *file_name, char *why, size_t whylen)
{
    const char *known = r->opt->sha256;
    if (open_input(r->path, &r->fd, why, whylen) < 0)
        return -1;
    if (known && strlen(known) == 64) {
        snprintf(r->res->sha256, sizeof r->res->sha256, "%s", known);
    } else if (intake_sha_fd(r->fd, r->res->sha256, why, whylen) < 0) {
        return -1;
    } else if (lseek(r->fd, 0, SEEK_SET) < 0) {
        snprintf(why, whylen, "无法从头重读文件：%s", text_os_error(errno));
        return -1;
    }
    if (r->opt->dry_run)
        return 0;
    if (intake_record_fail_orphans(r->opt->pg, why, whylen) < 0) {
        text_prefix(why, whylen, "清理数据库里此前中断的导入时出错：");
        return -1;
    }
    return begin_import(r, file_name, why, whylen);
}

int intake_import(const intake_import_opts *opt, const char *path, const char *file_name,
                  intake_result *res, char *err, size_t errlen)
{
    import_run r = {.opt = opt, .res = res, .fd = -1, .path = path};
    char why[4096] = "", name[NAME_BYTES];
    int rc = -1;
    int64_t t0 = clock_mono_ms();
    memset(res, 0, sizeof *res);
    text_file_name(name, sizeof name, file_name ? file_name : strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    file_name = name;       /* recorded: UTF-8 (a name from a Chinese Windows zip is GB18030) */
    if (open_import(&r, file_name, why, sizeof why) == 0) {
        rc = stream_file(&r, why, sizeof why);
        res->rejected += rc == 0 ? res->clashed : 0;   /* a stopped import's are its stored part's (below) */
        enqueue(&r);    /* the last batch's, or the one before a failed start */
        note_unmapped(&r);
        if (r.zone)
            intake_zone_note(r.zone, res);
        if (rc < 0 && res->import_id)
            intake_stopped_explain(&r.stored, opt->pg, r.id, r.unreadable, res, r.rejects, why, sizeof why);
        text_utf8_cut(why);
    }
    if (res->import_id) {
        char pg_why[512];
        /* Cleaning up again at the end: a killed process's server session may have
         * held its lock for a while after the kill (until its last statement finished). */
        if (intake_record_finish(opt->pg, r.id, rc == 0 ? "done" : "failed", rc == 0 ? NULL : why, res->encoding,
                                 res->profile, pg_why, sizeof pg_why) < 0 ||
            intake_record_fail_orphans(opt->pg, pg_why, sizeof pg_why) < 0)
            log_warn("import %s: recording its end: %s (the next import marks it failed)", r.id, pg_why);
    }
    res->elapsed_ms = clock_mono_ms() - t0;
    if (r.rejects)
        snprintf(res->rejects_path, sizeof res->rejects_path, "%s", intake_rejects_path(r.rejects));
    if (rc < 0) {
        snprintf(err, errlen, "%s", why);
        text_utf8_cut(err);
    }
    else
        log_info("import %s file=%s profile=%s rows=%" PRId64 " inserted=%" PRId64 " duplicates=%" PRId64
                 " rejected=%" PRId64 " clashed=%" PRId64 " unmapped_categories=%" PRId64 " zone_skipped=%" PRId64
                 " zone_repeated=%" PRId64 " encoding=%s ms=%" PRId64 "%s",
                 *r.id ? r.id : "-", file_name, res->profile, res->rows_total, res->inserted, res->duplicates,
                 res->rejected, res->clashed, res->unmapped_rows, res->zone_skipped, res->zone_repeated, res->encoding,
                 res->elapsed_ms, opt->dry_run ? " (dry run)" : "");
    intake_rejects_destroy(&r.rejects);
    intake_row_destroy(&r.rows);
    intake_pick_free(&r.picked);
    intake_unmapped_destroy(&r.unmapped);
    intake_zone_destroy(&r.zone);
    intake_source_destroy(&r.source);
    intake_buf_free(&r.copy);
    intake_buf_free(&r.out);
    intake_tickets_destroy(&r.tickets);
    sqlarr_free(&r.id_list);
    free(r.ids);
    free(r.queued);
    if (r.fd >= 0)
        close(r.fd);
    return rc;
}
