/* cli.h — the jiesu operator tool: its shared context and subcommands.
 *
 * main.c parses the global options, fills a cli_ctx and hands argc/argv
 * (starting at the subcommand's name) to one of the *_main functions below,
 * each in its own cli_<name>.c. Connections are opened on first use and
 * closed by cli_ctx_close(). Errors are printed to stderr as
 * "jiesu: <what>: <reason>", naming the endpoint or file that failed.
 *
 * The paths a command may take to the system's state, and why:
 *   - every read and every change goes to a service as a bus request
 *     (cli_call), signed by the operator's key: the service checks who is
 *     asking and records them as the actor — the only path for people;
 *   - `migrate` alone connects to PostgreSQL (as the schema owner):
 *     it creates what the services then guard, and registers their keys;
 *   - reporting's modules are linked in only to read and print what the
 *     reporting service sent (report_period's week names, report_json's
 *     writer for `report --json`), never to reach the database.
 */
#ifndef JIESU_CLI_H
#define JIESU_CLI_H

#include <libpq-fe.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "config.h"
#include "bus.h"
#include "keys.h"
#include "jiesu.pb-c.h"

typedef struct {
    config   *cfg;       /* borrowed from main */
    void     *zctx;      /* zmq context, created by cli_call() */
    const char *key_file;   /* -k KEYFILE, else cli.key_file */
    keys_pair keys;      /* the operator's CURVE key pair, loaded by cli_load_key() */
    int       have_keys;
    bus_progress_fn progress;   /* interim reports of the calls made, if set */
    void     *progress_ctx;
    int       error_code;       /* the code of the service's "error" answer to the last call, else 0 */
    int       unchecked;        /* the last call's service could not check keys (bus_client_unchecked) */
} cli_ctx;

/* The subcommands. Each returns the process exit status. */
int cli_import_main(cli_ctx *ctx, int argc, char **argv);
int cli_report_main(cli_ctx *ctx, int argc, char **argv);
int cli_daily_main(cli_ctx *ctx, int argc, char **argv);
int cli_bulletin_main(cli_ctx *ctx, int argc, char **argv);
int cli_migrate_main(cli_ctx *ctx, int argc, char **argv);
int cli_show_main(cli_ctx *ctx, int argc, char **argv);
int cli_phone_main(cli_ctx *ctx, int argc, char **argv);
int cli_status_main(cli_ctx *ctx, int argc, char **argv);
int cli_gazetteer_main(cli_ctx *ctx, int argc, char **argv);
int cli_manual_main(cli_ctx *ctx, int argc, char **argv);
int cli_extensions_main(cli_ctx *ctx, int argc, char **argv);
int cli_action_main(cli_ctx *ctx, int argc, char **argv);
int cli_keys_main(cli_ctx *ctx, int argc, char **argv);
int cli_user_main(cli_ctx *ctx, int argc, char **argv);
int cli_learn_main(cli_ctx *ctx, int argc, char **argv);
int cli_holidays_main(cli_ctx *ctx, int argc, char **argv);
int cli_config_main(cli_ctx *ctx, int argc, char **argv);

/* Registers the public keys in dir (the services', the first
 * administrator's) as principals; *registered counts the files found,
 * replaced (cap bytes) names the services whose registered key a new one
 * replaced (报表服务（reporting）、…; empty: none). 0, or -1 with err.
 * (cli_keys.c) */
int cli_keys_register(PGconn *pg, const char *dir, int *registered, char *replaced, size_t cap, char *err,
                      size_t errlen);

int cli_units_main(cli_ctx *ctx, int argc, char **argv);
int cli_audit_main(cli_ctx *ctx, int argc, char **argv);

/* Asks service svc for view name with args, prints its tables; what names
 * the command in errors. The exit status. (cli_view.c) */
int cli_view(cli_ctx *ctx, const char *svc, const char *what, const char *name, char **args, int nargs);
/* cli_table_print_reply() to stdout, saying so on stderr when the table is
 * malformed. (cli_view.c) */
void cli_print_table(const Jiesu__Table *t, int titled);
int cli_profiles_main(cli_ctx *ctx, int argc, char **argv);
int cli_alerts_main(cli_ctx *ctx, int argc, char **argv);
int cli_ack_main(cli_ctx *ctx, int argc, char **argv);

/* s as a whole number from min to max, or -1 when it is not one ("5x",
 * "99999999999", "-3"): what an option's number must be. */
long cli_count(const char *s, long min, long max);

/* The file at path read whole, NUL-terminated (the caller frees it), its
 * length in *len. NULL with errno set when it cannot be read; EFBIG when it
 * is longer than max bytes, its length still in *len. */
char *cli_file_read(const char *path, long max, size_t *len);

/* The day of Unix time at_s in time zone zone (the city's: the configured
 * timezone, as every time the project shows, whatever the terminal's is),
 * YYYY-MM-DD into out. (cli_ctx.c) */
void cli_city_day(char out[11], int64_t at_s, const char *zone);

/* Prints "jiesu: " and the message, and a newline, to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "jiesu: what: msg", or "jiesu: msg" when msg already starts with
 * "what:" (a service that named the command itself): no message says the
 * same thing twice. */
void cli_error_about(const char *what, const char *msg);

/* Prints that service svc answered a message of type got where want was
 * expected, about what (cli_error_about): a client and a service of
 * different versions, say. */
void cli_unexpected(const char *what, const char *svc, const char *got, const char *want);

/* The ROUTER endpoint of service svc ("intake", "assignment", "escalation",
 * "reporting"): config key <svc>.router, else its default port. */
const char *cli_endpoint(const cli_ctx *ctx, const char *svc);


/* Sends msg as `type` to service svc and waits for the reply, up to tries
 * attempts of timeout_ms each. Returns 0 with *reply set (free it with
 * jiesu__envelope__free_unpacked); -2 when nobody answered in time (err then
 * names the service, its endpoint and the wait); -1 when the call failed or
 * the service answered "error" (err has its message). Unless quiet, also
 * prints "jiesu: <what>: <err>". */
int cli_call(cli_ctx *ctx, const char *svc, const char *what, const char *type,
             const ProtobufCMessage *msg, int timeout_ms, int tries, int quiet,
             Jiesu__Envelope **reply, char *err, size_t errlen);

/* Closes the connections the context opened. */
void cli_ctx_close(cli_ctx *ctx);

#endif
