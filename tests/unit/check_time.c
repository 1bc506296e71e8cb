/* check_time.c - durations and timestamps (lib/datetime.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"

static const struct {
	const char *text;
	int64_t usec;		/* -1: rejected */
} durations[] = {
	{ "15 minutes", 15 * ST_USEC_PER_MIN },
	{ "15 minute", 15 * ST_USEC_PER_MIN },
	{ "15m", 15 * ST_USEC_PER_MIN },
	{ "15 MINUTES", 15 * ST_USEC_PER_MIN },
	{ "30 minute", 30 * ST_USEC_PER_MIN },
	{ "5 seconds", 5 * ST_USEC_PER_SEC },
	{ "5s", 5 * ST_USEC_PER_SEC },
	{ "1 hour", ST_USEC_PER_HOUR },
	{ "2 hours", 2 * ST_USEC_PER_HOUR },
	{ "1.5h", 90 * ST_USEC_PER_MIN },
	{ "1 hour 30 minutes", 90 * ST_USEC_PER_MIN },
	{ "500 ms", 500000 },
	{ "250us", 250 },
	{ "1 day", ST_USEC_PER_DAY },
	{ "1w", 7 * ST_USEC_PER_DAY },
	{ "'15' minute", 15 * ST_USEC_PER_MIN },
	{ "  10 seconds  ", 10 * ST_USEC_PER_SEC },
	{ "", -1 },
	{ "minutes", -1 },
	{ "15", -1 },
	{ "15 minuts", -1 },
	{ "-5 s", -1 },
	{ "5 s x", -1 },
	{ "'15 minute", -1 },
	/* Spark's spellings (IntervalUtils.stringToInterval and the SQL
	 * interval literal; ExpressionParserSuite "intervals"). */
	{ "0 seconds", 0 },
	{ "interval 10 seconds", 10 * ST_USEC_PER_SEC },
	{ "INTERVAL '10' SECONDS", 10 * ST_USEC_PER_SEC },
	{ "'1 day 2 hours'", 26 * ST_USEC_PER_HOUR },
	{ "interval '3:30' minute to second", 210 * ST_USEC_PER_SEC },
	{ "interval '1 10:00:00' day to second", 34 * ST_USEC_PER_HOUR },
	{ "'1 10:00:00.5' day to second", 34 * ST_USEC_PER_HOUR + 500000 },
	{ "'10:30' hour to minute", 630 * ST_USEC_PER_MIN },
	{ "'2 3' day to hour", 51 * ST_USEC_PER_HOUR },
	{ "1 day -1 hour", 23 * ST_USEC_PER_HOUR },
	{ "2 years 5 months", -1 },	/* months: st_parse_interval only */
	{ "interval", -1 },
	{ "10 seconds and", -1 },
	{ "'3:60' minute to second", -1 },
	{ "'3:30' second to minute", -1 },
	{ "'1-2' year to month", -1 },
};

/* Year-month intervals and the 31-day month of watermark delays
 * (EventTimeWatermarkSuite "delay in months and years handled
 * correctly"; IntervalUtils.getDuration). */
START_TEST(test_interval_months)
{
	st_interval iv;
	char err[200];
	size_t pos;
	int64_t us;

	ck_assert_int_eq(st_parse_interval("2 years 5 months", 16, &iv, err,
	    sizeof err, &pos), 0);
	ck_assert_int_eq(iv.months, 29);
	ck_assert_int_eq(st_interval_usec(&iv, 31, &us), 0);
	ck_assert_int_eq(us, 29 * 31 * ST_USEC_PER_DAY);
	ck_assert_int_eq(st_parse_interval("INTERVAL '1-2' YEAR TO MONTH", 28,
	    &iv, err, sizeof err, &pos), 0);
	ck_assert_int_eq(iv.months, 14);
	ck_assert_int_eq(st_parse_interval("-'1-2' year to month", 20, &iv,
	    err, sizeof err, &pos), 0);
	ck_assert_int_eq(iv.months, -14);
	ck_assert_int_eq(st_parse_interval("'1-12' year to month", 20, &iv,
	    err, sizeof err, &pos), -1);
	ck_assert_str_eq(err, "MONTH 12 outside range [0, 11] in '1-12'");
	ck_assert_int_eq(pos, 3);
	ck_assert_int_eq(st_parse_interval("15 minuts", 9, &iv, err,
	    sizeof err, &pos), -1);
	ck_assert_str_eq(err, "unknown unit 'minuts' (did you mean "
	    "'minutes'?)");
	ck_assert_int_eq(pos, 3);
}
END_TEST

START_TEST(test_duration)
{
	int64_t us = 0;
	int rc = st_parse_duration(durations[_i].text, &us);

	if (durations[_i].usec < 0) {
		ck_assert_msg(rc == -1, "'%s' accepted", durations[_i].text);
	} else {
		ck_assert_msg(rc == 0, "'%s' rejected", durations[_i].text);
		ck_assert_int_eq(us, durations[_i].usec);
	}
}
END_TEST

START_TEST(test_format_duration)
{
	st_buf b = ST_BUF_INIT;

	st_format_duration(&b, 15 * ST_USEC_PER_MIN);
	ck_assert_str_eq(b.data, "15 minutes");
	st_buf_reset(&b);
	st_format_duration(&b, 90 * ST_USEC_PER_SEC);
	ck_assert_str_eq(b.data, "90 seconds");
	st_buf_reset(&b);
	st_format_duration(&b, ST_USEC_PER_HOUR);
	ck_assert_str_eq(b.data, "1 hour");
	st_buf_release(&b);
}
END_TEST

static const struct {
	const char *text;
	const char *canon;	/* NULL: rejected */
} stamps[] = {
	{ "2019-02-05T10:00:00Z", "2019-02-05T10:00:00Z" },
	{ "2019-02-05 10:00:00", "2019-02-05T10:00:00Z" },
	{ "2019-02-05 10:05", "2019-02-05T10:05:00Z" },
	{ "2019-02-05", "2019-02-05T00:00:00Z" },
	{ "2019-02-05T10:00:00.25Z", "2019-02-05T10:00:00.250Z" },
	{ "2019-02-05T10:00:00.000001Z", "2019-02-05T10:00:00.000001Z" },
	{ "2019-02-05T10:00:00.001Z", "2019-02-05T10:00:00.001Z" },
	{ "2019-02-05T10:00:00.09Z", "2019-02-05T10:00:00.090Z" },
	{ "2019-02-05T10:00:00.000010Z", "2019-02-05T10:00:00.000010Z" },
	{ "2019-02-05T10:00:00.999999Z", "2019-02-05T10:00:00.999999Z" },
	{ "2019-02-05T10:00:00.123456789Z", "2019-02-05T10:00:00.123456Z" },
	{ "2019-02-05T12:00:00+02:00", "2019-02-05T10:00:00Z" },
	{ "2019-02-05T12:00:00+0200", "2019-02-05T10:00:00Z" },
	{ "2019-02-05T08:30:00-01:30", "2019-02-05T10:00:00Z" },
	{ "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z" },
	{ "2020-02-29 00:00:00", "2020-02-29T00:00:00Z" },
	{ " 2017-04-07T01:30:00 ", "2017-04-07T01:30:00Z" },
	{ "2019-02-30 10:00:00", NULL },
	{ "2019-13-01", NULL },
	{ "2019-02-05T25:00:00", NULL },
	{ "2019-02-05T10:00:00.Z", NULL },
	{ "2019-2-5", NULL },
	{ "yesterday", NULL },
	{ "2019-02-05T10:00:00Zjunk", NULL },
	{ "", NULL },
};

START_TEST(test_timestamp)
{
	int64_t us;
	int rc = st_parse_timestamp(stamps[_i].text, strlen(stamps[_i].text),
	    &us);

	if (stamps[_i].canon == NULL) {
		ck_assert_msg(rc == -1, "'%s' accepted", stamps[_i].text);
		return;
	}
	ck_assert_msg(rc == 0, "'%s' rejected", stamps[_i].text);
	st_buf b = ST_BUF_INIT;
	st_format_timestamp(&b, us);
	ck_assert_str_eq(b.data, stamps[_i].canon);
	/* The canonical text reads back to the same instant. */
	int64_t again;
	ck_assert_int_eq(st_parse_timestamp(b.data, b.len, &again), 0);
	ck_assert_int_eq(again, us);
	st_buf_release(&b);
}
END_TEST

START_TEST(test_civil_roundtrip)
{
	for (int64_t d = -800000; d <= 800000; d += 997) {
		int64_t y;
		unsigned m, dd;
		st_civil_from_days(d, &y, &m, &dd);
		ck_assert_int_eq(st_days_from_civil(y, m, dd), d);
	}
	ck_assert_int_eq(st_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(st_days_from_civil(2000, 3, 1), 11017);
}
END_TEST

START_TEST(test_floordiv)
{
	ck_assert_int_eq(st_floordiv(7, 5), 1);
	ck_assert_int_eq(st_floordiv(-7, 5), -2);
	ck_assert_int_eq(st_floordiv(-10, 5), -2);
	ck_assert_int_eq(st_floordiv(0, 5), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_duration, 0,
	    sizeof durations / sizeof durations[0]);
	tcase_add_test(tc, test_format_duration);
	tcase_add_test(tc, test_interval_months);
	tcase_add_loop_test(tc, test_timestamp, 0,
	    sizeof stamps / sizeof stamps[0]);
	tcase_add_test(tc, test_civil_roundtrip);
	tcase_add_test(tc, test_floordiv);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
