/* wire.c — the table of every message type on the bus (see wire.h). Keep it
 * in the order of the conversation: a request, then the replies it gets. */
#include "wire.h"

#include <string.h>

#include "jiesu.pb-c.h"

#define M(name) &jiesu__##name##__descriptor

static const wire_entry TABLE[] = {
    {"ping", M(ping), WIRE_REQUEST, "client", "is the service there (every service)"},
    {"pong", M(pong), WIRE_REPLY, "any", "yes: pid, uptime, PostgreSQL, Redis, a warning"},
    {"error", M(error), WIRE_REPLY, "any", "the answer to any request that failed: code and message"},

    {"import.upload", M(import_upload), WIRE_REQUEST, "client", "a chunk of a clerk's file (intake)"},
    {"import.uploaded", M(upload_reply), WIRE_REPLY, "intake", "the chunk is stored: how much intake holds"},
    {"import.progress", M(import_progress), WIRE_REPLY, "intake", "interim: rows and bytes read so far"},
    {"import.reply", M(import_reply), WIRE_REPLY, "intake", "the import's counts and rejects file (a stopped one: the stored part's)"},
    {"rejects.fetch", M(rejects_request), WIRE_REQUEST, "client", "a chunk of an import's rejects file (intake)"},
    {"rejects.chunk", M(rejects_chunk), WIRE_REPLY, "intake", "the chunk, the file's size and name"},

    {"action.request", M(action_request), WIRE_REQUEST, "client", "a unit's, dispatcher's or callback agent's action (assignment)"},
    {"action.reply", M(action_reply), WIRE_REPLY, "assignment", "the order's status after the action"},
    {"user.request", M(user_request), WIRE_REQUEST, "client",
     "an administrator's change or list of users, or of the addresses held back from signing in (assignment)"},
    {"user.reply", M(user_reply), WIRE_REPLY, "assignment", "what changed, the users, a new token, the addresses held back"},
    {"gazetteer.request", M(gazetteer_request), WIRE_REQUEST, "client", "an administrator's gazetteer edit (assignment)"},
    {"model.learn", M(learn_request), WIRE_REQUEST, "client", "train the text model from a file or settled orders (assignment)"},
    {"model.learned", M(learn_reply), WIRE_REPLY, "assignment", "the model stored, with its held-back figures"},
    {"done", M(done), WIRE_REPLY, "any", "a change done, in a sentence"},

    {"view.request", M(view_request), WIRE_REQUEST, "client", "a named read view for the asking principal"},
    {"view.reply", M(view_reply), WIRE_REPLY, "any", "the view's tables, masked"},
    {"report.request", M(report_request), WIRE_REQUEST, "client", "the per-street summary (reporting)"},
    {"report.reply", M(report_reply), WIRE_REPLY, "reporting", "the per-street summary"},
    {"document.request", M(document_request), WIRE_REQUEST, "client", "the daily sheet or the bulletin (reporting)"},
    {"document.reply", M(document_reply), WIRE_REPLY, "reporting", "the document's files and summary"},
    {"phone.reveal", M(phone_request), WIRE_REQUEST, "client", "the caller's full number, recorded (reporting)"},
    {"phone.reply", M(phone_reply), WIRE_REPLY, "reporting", "the number, and that the look was recorded"},

    {"alert.ack", M(ack_request), WIRE_REQUEST, "client", "acknowledge an alert addressed to one's unit (escalation)"},
    {"alert.acked", M(ack_reply), WIRE_REPLY, "escalation", "acknowledged, by whom"},
    {"holidays.request", M(holidays_request), WIRE_REQUEST, "client", "the official holiday calendar: ask or store (escalation)"},
    {"holidays.reply", M(holidays_reply), WIRE_REPLY, "escalation", "days per year, re-timed deadlines, a warning"},

    {"complaint.imported", M(import_reply), WIRE_EVENT, "intake", "a file was imported: its counts"},
    {"complaint.routed", M(assignment), WIRE_EVENT, "assignment", "an order was routed (dispatched or manual)"},
    {"complaint.status", M(status_change), WIRE_EVENT, "assignment", "an order moved: who, from, to, why"},
    {"alert.raised", M(alert), WIRE_EVENT, "escalation", "an alert was raised"},
    {NULL, NULL, 0, NULL, NULL},
};

const wire_entry *wire_table(void)
{
    return TABLE;
}

const wire_entry *wire_find(const char *type)
{
    for (const wire_entry *e = TABLE; e->type; e++)
        if (strcmp(e->type, type) == 0)
            return e;
    return NULL;
}
