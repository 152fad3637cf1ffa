/* test_wire.c — the table of every type on the bus: each type once, each
 * with a message; BUS_UNPACK reads a payload only as the message its type
 * names, and refuses a type nobody listed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"
#include "wire.h"

static void test_every_type_once_with_a_message(void **state)
{
    (void)state;
    size_t n = 0;
    for (const wire_entry *e = wire_table(); e->type; e++, n++) {
        assert_non_null(e->message);
        assert_non_null(e->about);
        assert_ptr_equal(wire_find(e->type), e);       /* the first of its name: no duplicate */
    }
    assert_true(n >= 20);
    assert_null(wire_find("import.request"));           /* gone: it opened any path on the server */
    assert_ptr_equal(wire_find("complaint.imported")->message, &jiesu__import_reply__descriptor);
}

/* Packs msg as an envelope of type, as a sender would. */
static Jiesu__Envelope *envelope(const char *type, const ProtobufCMessage *msg, uint8_t *buf, size_t cap)
{
    static Jiesu__Envelope env;
    jiesu__envelope__init(&env);
    env.type = (char *)type;
    env.sender = "test";
    env.payload.len = protobuf_c_message_pack(msg, buf);
    assert_true(env.payload.len <= cap);
    env.payload.data = buf;
    return &env;
}

static void test_unpack_by_the_table(void **state)
{
    (void)state;
    uint8_t buf[256];
    Jiesu__ImportReply r = JIESU__IMPORT_REPLY__INIT;
    r.inserted = 7;
    Jiesu__Envelope *env = envelope("complaint.imported", &r.base, buf, sizeof buf);
    Jiesu__ImportReply *got = BUS_UNPACK(import_reply, env);
    assert_non_null(got);
    assert_int_equal(got->inserted, 7);
    jiesu__import_reply__free_unpacked(got, NULL);
    assert_null(BUS_UNPACK(assignment, env));           /* the same bytes, read as what they are not */
    env->type = "complaint.unheard.of";
    assert_null(BUS_UNPACK(import_reply, env));         /* a type nobody listed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_type_once_with_a_message),
        cmocka_unit_test(test_unpack_by_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
