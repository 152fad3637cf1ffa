/* failpoint.h — kill points for crash tests. When $JIESU_FAILPOINT is
 * "NAME:N", the Nth time failpoint(NAME) is reached the process logs it and
 * kills itself with SIGKILL, at exactly that point of its work. Unset (as in
 * production) or naming another point, failpoint() does nothing.
 *
 * Points in use:
 *   escalation  "before_commit"      alerts of a firing inserted, not committed
 *               "after_commit"       committed, next rungs not armed, not published
 *               "delivery_after_send"  an alert sent to its channel, the outcome not recorded
 *               "hold_before_commit"  alerts of holds too long inserted, not committed
 *               "hold_after_commit"   committed, not published
 *   assignment  "route_before_ack"   a batch's decisions committed, stream entries not acknowledged
 *               "action_after_commit"  a person's action stored, not answered
 *   intake      "import_before_enqueue"  a batch committed, its ids not yet on the routing stream
 */
#ifndef JIESU_FAILPOINT_H
#define JIESU_FAILPOINT_H

void failpoint(const char *name);

#endif
