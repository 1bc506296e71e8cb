/*
 * tmpdir.h - a fresh temporary directory per test, for the Check suites
 * that touch the file system (checkpoint, source, sink).
 *
 *     #include "tmpdir.h"
 *     ...
 *     tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
 *     ... use tmpdir (the directory's path) in the tests ...
 */
#ifndef ST_TEST_TMPDIR_H
#define ST_TEST_TMPDIR_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static char tmpdir[256];

/* Creates a new empty directory and puts its path in tmpdir. */
static inline void
tmpdir_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/st-check.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Removes tmpdir and everything in it. */
static inline void
tmpdir_teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

#endif
