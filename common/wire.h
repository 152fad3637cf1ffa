/* wire.h — every message type on the bus, in one table: its name, the
 * protobuf message it carries, who sends it and whether it is a request, a
 * reply or an event. The table (wire.c) is both the list to read and what
 * BUS_UNPACK checks: a payload is unpacked only as the message its type
 * names, so "complaint.imported" can never be read as anything but an
 * ImportReply, and a type nobody listed is refused.
 */
#ifndef JIESU_WIRE_H
#define JIESU_WIRE_H

#include <protobuf-c/protobuf-c.h>

typedef enum { WIRE_REQUEST, WIRE_REPLY, WIRE_EVENT } wire_kind;

typedef struct {
    const char                       *type;     /* "import.upload" */
    const ProtobufCMessageDescriptor *message;  /* what its payload is */
    wire_kind                         kind;
    const char                       *sender;   /* who sends it: a service, "client" or "any" */
    const char                       *about;    /* one line for people */
} wire_entry;

/* The entry of type, or NULL when no such type is on the bus. */
const wire_entry *wire_find(const char *type);

/* The table, ending with an entry whose type is NULL. */
const wire_entry *wire_table(void);

#endif
