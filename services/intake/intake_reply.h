/* intake_reply.h — what intake tells the clerk, as bus messages: an import's
 * answer (counts, profile, warnings, unmapped categories, a dry run's
 * preview), the note sent before the first row, and the profiles view
 * (`jiesu profiles [NAME]`).
 *
 * Every message returned is allocated whole (strings, arrays, tables) and is
 * freed with its protobuf-c free_unpacked(msg, NULL).
 */
#ifndef JIESU_INTAKE_REPLY_H
#define JIESU_INTAKE_REPLY_H

#include "intake_import.h"
#include "intake_profile.h"
#include "jiesu.pb-c.h"

/* The import.reply of res (dry_run: nothing was stored, its preview named
 * as door's clerk knows the fields; failed: why the import stopped part
 * way, or NULL). NULL when out of memory. */
Jiesu__ImportReply *intake_reply_import(const intake_result *res, int dry_run, intake_door door, const char *failed);

/* The import.progress sent once the header is mapped: profile and warnings. */
Jiesu__ImportProgress *intake_reply_started(const intake_result *res);

/* The profiles of set as a view: all of them, those set aside marked with
 * their problem and, in the note, their file and what to fix; or the one
 * called name (its fields and its text, to copy into a profile of one's
 * own). NULL with why (no such profile, one set aside, out of memory). */
Jiesu__ViewReply *intake_reply_profiles(const intake_profiles *set, const char *name, char *why, size_t whylen);

#endif
