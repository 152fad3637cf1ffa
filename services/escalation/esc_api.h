/* esc_api.h — the escalation service's requests.
 *
 *   "holidays.request" (HolidaysRequest → HolidaysReply): stores the days of
 *   a holiday-cn file's text and the days typed in, through esc_calendar
 *   (which re-times the deadlines they change), the year a file is the
 *   notice of on record whole, and answers what is stored per year and
 *   whether the calendar runs out. complete_year records a year typed in
 *   day by day as whole instead (refused with 400 while it holds no day
 *   off). A request with neither only answers. A bad file or date is refused
 *   with 400 naming the entry. Anyone may ask what is stored; only
 *   administrators change it, recorded with the administrator's name as the
 *   source's author.
 *
 * The service's user pointer is its esc_engine.
 */
#ifndef JIESU_ESC_API_H
#define JIESU_ESC_API_H

#include "svc.h"

void esc_api_holidays(service *s, const bus_request *req, const auth_principal *who);

#endif
