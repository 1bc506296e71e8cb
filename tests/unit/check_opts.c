/*
 * check_opts.c - the option tables (lib/opts.c): one table gives the
 * parse (every kind of row, groups at an offset, a group's seen flag,
 * operands permuted to the end), the --help text (columns, continuation
 * lines, long option names, optional arguments, operands, headings) and
 * the usage errors (exit 2), as git's t0040-parse-options.sh checks
 * parse_options.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"

typedef struct inner {
	const char *host;
	int64_t rate;
} inner;

typedef struct cli {
	int flag, level, choice, inner_seen;
	const char *name;
	int64_t count, size, dur;
	char **list, **names;
	inner in;
	const char *called;
} cli;

static void
call_me(void *field, const char *arg, const st_option *opt)
{
	cli *c = field;

	c->called = arg ? arg : opt->long_name;
}

static const char *const colors[] = { "red", "green", NULL };

static const st_option inner_options[] = {
	ST_OPT_TEXT(NULL, "Inner:"),
	ST_OPT_STRING(0, "host", "HOST", inner, host, "the host"),
	ST_OPT_INT64(0, "rate", "N", inner, rate, 1, "rows a second"),
	ST_OPT_END
};

static const st_option options[] = {
	ST_OPT_TEXT("file", "an operand"),
	ST_OPT_FLAG('v', "verbose", cli, flag, 1, "say more"),
	ST_OPT_FLAG(0, "quiet", cli, flag, 0, "say less"),
	ST_OPT_STRING('n', "name", "NAME", cli, name,
	    "a name; a help text on\ntwo lines"),
	ST_OPT_INT(0, "level", "N", cli, level, 2, "at least 2"),
	ST_OPT_INT64('c', "count", "N", cli, count, 0, "a count"),
	ST_OPT_SIZE(0, "size", "SIZE", cli, size, 1, "bytes"),
	ST_OPT_DURATION(0, "every", "DURATION", cli, dur, "a period"),
	ST_OPT_LIST('l', "list", "A,B", cli, list, "a list"),
	ST_OPT_NAMES(0, "names", "A,B", cli, names, "names", "a list, not empty"),
	ST_OPT_CHOICE(0, "color", "COLOR", cli, choice, colors, "color",
	    "red or green"),
	ST_OPT_CALL_ALL('X', NULL, "KEY=VALUE", call_me, "a short-only option"),
	ST_OPT_CALL_OPTARG(0, "watch", "INTERVAL", cli, flag, call_me,
	    "an optional argument"),
	ST_OPT_CALL_ALL(0, "a-very-long-option-name", "WITH-ARG", call_me,
	    "a help text too long to sit beside so long an option name"),
	ST_OPT_GROUP_SEEN(inner_options, cli, in, inner_seen),
	ST_OPT_INCLUDE(st_help_options),
	ST_OPT_END
};

static const st_opt_tool tool = {
	"usage: t [options] file ...\n", options, 0
};

/* Parses the NULL-terminated words (argv[0] first) into c; returns the
 * index of the first operand. */
static int
parse(cli *c, char **words)
{
	int argc = 0;

	while (words[argc])
		argc++;
	memset(c, 0, sizeof *c);
	return st_opt_parse(&tool, c, argc, words);
}

START_TEST(test_parse_rows)
{
	char *argv[] = { "t", "a", "-v", "--name=x", "--level", "3", "-c7",
		"--size", "2k", "--every", "5 seconds", "-l", "p, q", "b",
		"--color", "GREEN", "--host", "h", "--", "-v", NULL };
	cli c;

	int i = parse(&c, argv);
	ck_assert_int_eq(c.flag, 1);
	ck_assert_str_eq(c.name, "x");
	ck_assert_int_eq(c.level, 3);
	ck_assert_int_eq(c.count, 7);
	ck_assert_int_eq(c.size, 2048);
	ck_assert_int_eq(c.dur, 5000000);
	ck_assert_int_eq(st_strv_len(c.list), 2);
	ck_assert_str_eq(c.list[1], "q");
	ck_assert_int_eq(c.choice, 1);
	/* a group's rows are relative to its member; seen is set */
	ck_assert_str_eq(c.in.host, "h");
	ck_assert_int_eq(c.inner_seen, 1);
	/* the operands, permuted to the end; "--" ends the options */
	ck_assert_int_eq(i, 17);
	ck_assert_str_eq(argv[i], "a");
	ck_assert_str_eq(argv[i + 1], "b");
	ck_assert_str_eq(argv[i + 2], "-v");
	ck_assert_ptr_null(argv[i + 3]);
	st_strv_free(c.list);
}
END_TEST

START_TEST(test_parse_later_wins)
{
	char *argv[] = { "t", "-v", "--quiet", "-l", "a", "-l", "b,c",
		"-Xk=v", "--watch", NULL };
	cli c;

	ck_assert_int_eq(parse(&c, argv), 9);
	ck_assert_int_eq(c.flag, 0);
	ck_assert_int_eq(st_strv_len(c.list), 2);
	ck_assert_str_eq(c.list[0], "b");
	/* an optional argument left out: the function gets NULL */
	ck_assert_str_eq(c.called, "watch");
	ck_assert_int_eq(c.inner_seen, 0);
	st_strv_free(c.list);
}
END_TEST

START_TEST(test_parse_optarg)
{
	/* Each row's function gets its own argument: an optional one given
	 * with '=', then a required one after its short letter. */
	char *watch[] = { "t", "--watch=3s", NULL };
	char *both[] = { "t", "--watch=3s", "-X", "k=v", NULL };
	cli c;

	parse(&c, watch);
	ck_assert_str_eq(c.called, "3s");
	parse(&c, both);
	ck_assert_str_eq(c.called, "k=v");
}
END_TEST

static const char help[] =
"usage: t [options] file ...\n"
"\n"
"  file                    an operand\n"
"  -v, --verbose           say more\n"
"      --quiet             say less\n"
"  -n, --name NAME         a name; a help text on\n"
"                          two lines\n"
"      --level N           at least 2\n"
"  -c, --count N           a count\n"
"      --size SIZE         bytes\n"
"      --every DURATION    a period\n"
"  -l, --list A,B          a list\n"
"      --names A,B         a list, not empty\n"
"      --color COLOR       red or green\n"
"  -X KEY=VALUE            a short-only option\n"
"      --watch[=INTERVAL]  an optional argument\n"
"      --a-very-long-option-name WITH-ARG\n"
"                          a help text too long to sit beside so long an option name\n"
"Inner:\n"
"      --host HOST         the host\n"
"      --rate N            rows a second\n"
"      --help              print this help and exit\n"
"      --version           print the version and exit\n";

START_TEST(test_usage)
{
	char buf[4096];
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	st_opt_usage(&tool, f);
	rewind(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_str_eq(buf, help);
}
END_TEST

/* A usage error exits 2 (the exit tests below), its message on stderr. */
static void
parse_words(char *w1, char *w2)
{
	char *argv[] = { "t", w1, w2, NULL };
	cli c;

	st_setprogname("t");
	parse(&c, argv);
}

START_TEST(test_unknown) { parse_words("--nope", NULL); }
END_TEST
START_TEST(test_unknown_short) { parse_words("-z", NULL); }
END_TEST
START_TEST(test_missing_arg) { parse_words("--name", NULL); }
END_TEST
START_TEST(test_missing_short_arg) { parse_words("-n", NULL); }
END_TEST
START_TEST(test_flag_arg) { parse_words("--verbose=1", NULL); }
END_TEST
START_TEST(test_below_min) { parse_words("--level", "1"); }
END_TEST
START_TEST(test_bad_int) { parse_words("--count", "x"); }
END_TEST
START_TEST(test_bad_choice) { parse_words("--color", "blue"); }
END_TEST
START_TEST(test_ambiguous) { parse_words("--ver", NULL); }
END_TEST
START_TEST(test_group_min) { parse_words("--rate", "0"); }
END_TEST
START_TEST(test_no_names) { parse_words("--names", " , "); }
END_TEST
START_TEST(test_help)
{
	/* --help prints and exits 0 */
	if (freopen("/dev/null", "w", stdout) == NULL)
		ck_abort_msg("cannot reopen stdout");
	parse_words("--help", NULL);
}
END_TEST

/* A name twice in a table (here --help, the tool's and its group's) is
 * the table's bug: exit 1, whatever the command line. */
static const st_option twice[] = {
	ST_OPT_FLAG(0, "help", cli, flag, 1, "a second --help"),
	ST_OPT_INCLUDE(st_help_options),
	ST_OPT_END
};

START_TEST(test_name_twice)
{
	static const st_opt_tool t = { "usage: t\n", twice, 0 };
	char *argv[] = { "t", NULL };
	cli c;

	st_opt_parse(&t, &c, 1, argv);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_rows);
	tcase_add_test(tc, test_parse_later_wins);
	tcase_add_test(tc, test_parse_optarg);
	tcase_add_test(tc, test_usage);
	tcase_add_exit_test(tc, test_unknown, 2);
	tcase_add_exit_test(tc, test_unknown_short, 2);
	tcase_add_exit_test(tc, test_missing_arg, 2);
	tcase_add_exit_test(tc, test_missing_short_arg, 2);
	tcase_add_exit_test(tc, test_flag_arg, 2);
	tcase_add_exit_test(tc, test_below_min, 2);
	tcase_add_exit_test(tc, test_bad_int, 2);
	tcase_add_exit_test(tc, test_bad_choice, 2);
	tcase_add_exit_test(tc, test_ambiguous, 2);
	tcase_add_exit_test(tc, test_group_min, 2);
	tcase_add_exit_test(tc, test_no_names, 2);
	tcase_add_exit_test(tc, test_help, 0);
	tcase_add_exit_test(tc, test_name_twice, 1);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
