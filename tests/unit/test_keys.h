/* test_keys.h — CURVE keys and principals for unit tests.
 *
 * Every bus socket needs a key pair; tests that only publish and subscribe
 * inside one process use one made afresh. Tests that exercise who may act
 * register principals in the test database. Include after cmocka.h.
 */
#ifndef JIESU_TEST_KEYS_H
#define JIESU_TEST_KEYS_H

#include <libpq-fe.h>

#include "db.h"
#include "keys.h"

/* A fresh key pair; fails the test when libzmq cannot make one. */
static inline keys_pair test_keys(void)
{
    keys_pair kp;
    if (keys_generate(&kp) != 0)
        fail_msg("this libzmq has no CURVE support");
    return kp;
}

/* Registers (or replaces) principal name with role, the unit whose code is
 * unit_code ("" for none) and kp's public key. */
static inline void test_principal(PGconn *pg, const char *name, const char *role, const char *unit_code,
                                  const keys_pair *kp)
{
    const char *params[] = {name, role, unit_code, kp->public_key};
    PGresult *res = PQexecParams(pg,
        "WITH gone AS (DELETE FROM principals WHERE name = $1 OR curve_key = $4)"
        " INSERT INTO principals (name, display_name, role, unit_id, curve_key, created_by)"
        " SELECT $1, $1, $2, (SELECT id FROM units WHERE code = nullif($3, '')), $4, 'test'",
        4, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        fail_msg("registering %s: %s", name, PQerrorMessage(pg));
    PQclear(res);
}

#endif
