/* fixture_profiles.h — test fixture: the import profiles the project ships
 * (data/profiles, relative to the repository root where tests run), loaded
 * once for a group of tests into `set`.
 *
 * Included by test files only: pass profiles_setup and profiles_teardown to
 * cmocka_run_group_tests.
 */
#ifndef JIESU_FIXTURE_PROFILES_H
#define JIESU_FIXTURE_PROFILES_H

#include "intake_profile.h"

static intake_profiles *set;

static int profiles_setup(void **state)
{
    char why[600];
    (void)state;
    set = intake_profiles_load("data/profiles", why, sizeof why);
    return set ? 0 : -1;
}

static int profiles_teardown(void **state)
{
    (void)state;
    intake_profiles_destroy(&set);
    return 0;
}

#endif
