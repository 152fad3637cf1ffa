/* names.h — the Chinese words people read for the record's codes: an
 * order's status, an alert's rung, a deadline's kind. The pages, the alert
 * reasons escalation writes and the messages sent to units all take them
 * from here, so a code is named the same everywhere a person reads it.
 */
#ifndef JIESU_NAMES_H
#define JIESU_NAMES_H

/* 待签收 for "dispatched" …; the code itself when unknown. */
const char *names_status(const char *status);

/* 催办 for "remind" …; the code itself when unknown. */
const char *names_rung(const char *rung);

/* 签收 for "accept", 办结 for "resolve": what a deadline's unit must do;
 * the code itself when unknown. */
const char *names_deadline(const char *kind);

#endif
