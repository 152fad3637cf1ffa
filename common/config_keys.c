/* config_keys.c — every configuration key, once: type, default, bounds and
 * meaning, one table per program plus one for what several read (config.h).
 *
 * The README's configuration section is this file printed by
 * config_print_markdown() (`jiesu config`); tests/unit/test_config.c checks
 * that they agree. A key is added here first, then read with config_str/
 * config_long/config_real wherever it is needed.
 */
#include "config.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TEXT(k, d, m) {k, CONFIG_TEXT, d, 0, 0, NULL, m}
#define CHOICE(k, d, c, m) {k, CONFIG_TEXT, d, 0, 0, c, m}
#define INT(k, d, lo, hi, m) {k, CONFIG_INT, d, lo, hi, NULL, m}
#define REAL(k, d, lo, hi, m) {k, CONFIG_REAL, d, lo, hi, NULL, m}

#define DAY 86400
#define ENDPOINT(svc, r, p)                                                                           \
    TEXT(svc ".router", "tcp://127.0.0.1:" r, "ZeroMQ endpoint of " svc "'s requests (ROUTER)"), \
        TEXT(svc ".pub", "tcp://127.0.0.1:" p, "ZeroMQ endpoint of " svc "'s events (PUB)")
#define WEIGHT(rate, d) \
    REAL("report.weight." rate, d, 0, 1e9, "weight of the " rate " rate in the composite score (0 leaves it out)")

static const config_key SHARED[] = {
    CHOICE("log.level", "info", "debug|info|warn|error", "the services' log level"),
    {"timezone", CONFIG_ZONE, "Asia/Shanghai", 0, 0, NULL,
     "the city's local time: working-time deadlines, the reports' days and weeks, Open311 and alert times "
     "(an import's times are in its profile's zone)"},
    TEXT("redis.addr", "127.0.0.1:6379", "`host:port` or `unix:/path`"),
    TEXT("redis.password_file", "",
         "a file (0600) whose first line is Redis's password, sent with AUTH on every connection and reconnection"),
    TEXT("pg.conninfo", "dbname=jiesu",
         "libpq connection string the services and `jiesu` connect with (the service role); keep the password out "
         "of it: `passfile=` names a 0600 pgpass file"),
    TEXT("keys.dir", "var/keys",
         "the services' CURVE key pairs (`<service>.key`, 0600), their public keys (`<service>.pub`) and the first "
         "administrator's (`admin.key`); `jiesu keys` makes them, `jiesu migrate` registers them"),
    TEXT("data.dir", "data", "bundled data (regions, holidays, geo, profiles, routing)"),
    TEXT("regions.districts", "370212",
         "NBS district codes served, comma-separated (崂山区 by default; the gazetteer also covers 市南区 370202)"),
    TEXT("calendar.day_start", "08:30", "start of the working day deadlines count in (HH:MM)"),
    TEXT("calendar.day_end", "17:30", "end of the working day (HH:MM)"),
    TEXT("queue.route_stream", "jiesu:route", "the Redis stream of orders to route"),
    TEXT("queue.route_group", "assignment", "the routing stream's consumer group"),
    TEXT("timers.key", "jiesu:timers",
         "sorted set of timers: `r<deadline id>` the next rung of a deadline, a bare id asks escalation to plan it"),
    TEXT("auth.delegates", "reporting",
         "services that may act on behalf of a signed-in person (`Envelope.on_behalf`); comma-separated"),
    ENDPOINT("intake", "7101", "7102"),
    ENDPOINT("assignment", "7111", "7112"),
    ENDPOINT("escalation", "7121", "7122"),
    ENDPOINT("reporting", "7131", "7132"),
    INT("http.threads", "4", 1, 64, "threads answering reporting's HTTP (the dashboard, workbench and JSON)"),
    INT("http.max_connections", "256", 1, 65536, "open HTTP connections at most"),
    INT("http.per_ip_connections", "32", 1, 65536, "open HTTP connections from one address at most"),
    INT("http.per_ip_busy", "2", 1, 65536, "HTTP requests from one address being answered at once"),
    INT("http.idle_timeout_seconds", "10", 1, 3600, "an idle HTTP connection is closed after this"),
    INT("http.request_timeout_seconds", "30", 1, 3600, "a request not received whole by then is dropped"),
    INT("http.connection_memory_kib", "32", 8, 1024, "memory for one HTTP connection's request"),
};

static const config_key INTAKE[] = {
    TEXT("intake.http_addr", "127.0.0.1:7103",
         "where the intake takes Open311 `POST /requests.json` and `GET /services.json` (`off`: not at all)"),
    INT("intake.open311_threads", "16", 1, 64,
        "threads answering Open311, each with its own PostgreSQL connection (opened at start)"),
    INT("intake.open311_rate_per_minute", "60", 1, 1000000,
        "Open311 POSTs one API key may make a minute, unless its user has its own `rate_per_minute`"),
    TEXT("intake.rejects_dir", "var/rejects", "where rejects files are written"),
    TEXT("intake.spool_dir", "var/spool", "where files clerks send wait until imported (0700; each file 0600)"),
    INT("intake.max_upload_bytes", "4294967296", 1, 1e15, "the largest file a clerk may send"),
    INT("intake.batch_rows", "50000", 1, 10000000,
        "rows per COPY batch (one transaction each; at most 64 MiB of COPY text per batch)"),
    INT("intake.max_field_chars", "32767", 1, 10000000, "a longer field rejects its row (Excel's cell limit)"),
    TEXT("intake.profiles_dir", "", "the import profiles (`NAME.conf`); empty: `<data.dir>/profiles`"),
};

static const config_key ASSIGNMENT[] = {
    TEXT("geo.dir", "", "district boundaries (DataV GeoJSON); empty: `<data.dir>/geo`"),
    INT("assignment.claim_idle_ms", "30000", 1, 86400000, "stream entries idle this long in a dead worker are claimed by another"),
    INT("assignment.batch", "500", 1, 100000, "stream entries one routing batch takes (one transaction)"),
    REAL("assignment.min_score", "0.6", 0, 1, "a decision scoring less goes to the manual dispatch queue"),
    REAL("assignment.min_category_prob", "0.5", 0, 1,
         "a text-model probability under it (and no surer dictionary terms) leaves the category to the dispatcher"),
    INT("assignment.max_returns", "3", 1, 1000, "returns in one cycle after which an order goes to manual arbitration"),
    INT("assignment.reload_seconds", "60", 1, DAY,
        "how often a thread beside routing re-reads its tables (gazetteer, categories, model, places learned from "
        "history, the escalation ladder)"),
    INT("assignment.reconcile_seconds", "60", 1, DAY, "how often PostgreSQL is re-read for orders lost from the queue"),
    INT("assignment.reconcile_min_age_seconds", "10", 0, DAY,
        "the reconciler re-enqueues orders still `new` or `returned` this long after their last change"),
    INT("assignment.photo_max_bytes", "4194304", 1, 1e9, "largest photo the assignment service stores with a resolve"),
    INT("deadline.accept_seconds", "0", 0, 366 * DAY,
        "when > 0, every accept-by is this many wall-clock seconds after dispatch (tests, drills); 0: working time"),
    INT("deadline.resolve_seconds", "0", 0, 366 * DAY,
        "when > 0, every resolve-by is this many wall-clock seconds after dispatch; 0: working time"),
    INT("deadline.default_accept_minutes", "120", 1, 100000, "accept-by of an order whose category is unknown (working minutes)"),
    REAL("deadline.default_resolve_days", "3", 0.01, 1000, "resolve-by of an order whose category is unknown (working days)"),
};

static const config_key ESCALATION[] = {
    TEXT("escalation.webhook_url", "",
         "where alerts go when the target unit has no `units.webhook_url`; empty: only stored"),
    INT("escalation.webhook_timeout_ms", "5000", 100, 600000, "one POST's time limit"),
    INT("escalation.webhook_max_attempts", "8", 1, 100, "after this many failed POSTs a delivery is `failed`"),
    INT("escalation.webhook_backoff_ms", "1000", 1, 86400000, "wait after the n-th failure: backoff × 2^(n−1) …"),
    INT("escalation.webhook_max_backoff_ms", "600000", 1, 86400000, "… at most this"),
    INT("escalation.webhook_senders", "4", 1, 64,
        "deliveries posted at once by a process, each on its own PostgreSQL connection, never two to one address (across processes too)"),
    TEXT("escalation.smtp_url", "", "the mail server (`smtp://host:25`, `smtps://…`) of units whose channel is `mailto:`"),
    TEXT("escalation.smtp_from", "jiesu@localhost", "the sender of those mails"),
    INT("escalation.reconcile_seconds", "30", 1, DAY, "how often PostgreSQL is re-read for lost timers"),
    INT("escalation.patterns_seconds", "60", 1, 7 * DAY, "how often the pattern detectors run"),
    INT("escalation.repeat_count", "3", 2, 1000,
        "this many orders of one category at one address within the window: merged, `repeat` alert"),
    INT("escalation.repeat_window_days", "7", 1, 366, "the window of `repeat`"),
    INT("escalation.rebound_window_days", "30", 1, 366,
        "an order at the place and category of one closed this many days before: `rebound`"),
    INT("escalation.bounce_count", "3", 1, 1000, "returns + reopenings of one order that raise `bounce`"),
    REAL("escalation.unit_overdue_rate", "0.3", 0, 1,
         "a unit that missed more than this share of the deadlines due in the last 7 days: `unit_overdue` …"),
    INT("escalation.unit_overdue_min", "10", 1, 1000000, "… of at least this many"),
};

static const config_key REPORTING[] = {
    TEXT("report.http_addr", "127.0.0.1:7133",
         "where the reporting service serves the dashboard, JSON and Open311 (`off`: not at all)"),
    INT("report.trend_weeks", "8", 1, 26, "weeks of composite scores in the dashboard's trend chart"),
    WEIGHT("response", "20"),
    WEIGHT("resolution", "20"),
    WEIGHT("satisfaction", "30"),
    WEIGHT("rectification", "30"),
    WEIGHT("return", "0"),
    WEIGHT("repeat", "0"),
    INT("report.flag_red", "1", 0, 1000, "a unit with fewer ranked units of its kind below it is flagged red"),
    INT("report.flag_yellow", "2", 0, 1000, "… with fewer than `flag_red + flag_yellow` yellow (see Metrics)"),
    INT("report.min_cases", "10", 1, 1000000,
        "a rate on fewer cases is shown but not ranked nor counted in the composite (样本不足)"),
    INT("web.lockout_failures", "5", 1, 100, "wrong passwords in a row that lock an account"),
    INT("web.lockout_minutes", "15", 1, 7 * 1440, "how long the lock lasts"),
    INT("web.session_minutes", "480", 1, 30 * 1440, "how long a session lasts after signing in"),
    INT("web.photo_max_bytes", "4194304", 1024, 6 << 20,
        "largest photo the workbench takes (before and after; two go in one bus message)"),
    INT("web.bus_timeout_ms", "10000", 100, 600000, "how long the workbench waits for the service carrying out an action"),
    INT("web.connect_seconds", "3", 1, 600,
        "how long it waits for that service to accept the connection before saying it is not running"),
    INT("web.cookie_secure", "0", 0, 1, "`1`: the cookies are marked Secure (serve over HTTPS, in front of the service)"),
};

static const config_key CLI[] = {
    CHOICE("cli.log_level", "error", "debug|info|warn|error",
           "the `jiesu` tool's own log on stderr, in English, for looking into a problem (warn: a call's retries too)"),
    TEXT("cli.key_file", "", "the key `jiesu` acts with when `-k KEYFILE` is not given"),
    TEXT("cli.on_behalf", "", "a person's session or API token the command acts for (`Envelope.on_behalf`)"),
    INT("cli.timeout_seconds", "5", 1, DAY, "how long `jiesu` waits for a service's answer"),
    INT("cli.import_timeout_seconds", "1800", 1, 7 * DAY, "during an import, how long without a progress report"),
    INT("cli.learn_timeout_seconds", "600", 1, 7 * DAY, "how long a training may take"),
    INT("cli.connect_seconds", "10", 0, 3600, "how long `jiesu` waits for a service to accept the connection"),
    TEXT("pg.owner_conninfo", "", "the schema owner's connection string, used only by `jiesu migrate`; empty: `pg.conninfo`"),
    TEXT("pg.service_role", "",
         "the role `jiesu migrate` grants the services' rights to; empty: the `user` of `pg.conninfo`"),
    TEXT("db.migrations_dir", "db/migrations", "the migrations `jiesu migrate` applies"),
    TEXT("db.grants_file", "", "the grants `jiesu migrate` applies every time; empty: `<db.migrations_dir>/../grants.sql`"),
    TEXT("calendar.dir", "",
         "the official holidays `jiesu migrate` stores in table `holidays` (holiday-cn JSON); empty: `<data.dir>/holidays`"),
};

const config_table CONFIG_TABLES[] = {
    {"every program", SHARED, N(SHARED)},
    {"jiesu-intake", INTAKE, N(INTAKE)},
    {"jiesu-assignment", ASSIGNMENT, N(ASSIGNMENT)},
    {"jiesu-escalation", ESCALATION, N(ESCALATION)},
    {"jiesu-reporting", REPORTING, N(REPORTING)},
    {"jiesu (the command-line tool)", CLI, N(CLI)},
};
const size_t CONFIG_NTABLES = N(CONFIG_TABLES);

const config_retired CONFIG_RETIRED[] = {
    {"intake.utc_offset_minutes", "timezone"},
    {"escalation.utc_offset_minutes", "timezone"},
    {"calendar.utc_offset_minutes", "timezone"},
    {"report.timezone", "timezone"},
};
const size_t CONFIG_NRETIRED = N(CONFIG_RETIRED);
