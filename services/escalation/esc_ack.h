/* esc_ack.h — "alert.ack": the people of an alert's target unit acknowledge
 * it. The acknowledgement names the principal behind the request (never a
 * name the client writes) and goes into the order's history as event
 * 'acked'; acknowledging twice, or an alert addressed to another unit, is
 * refused with the reason. */
#ifndef JIESU_ESC_ACK_H
#define JIESU_ESC_ACK_H

#include "svc.h"

void esc_ack_request(service *s, const bus_request *req, const auth_principal *who);

#endif
