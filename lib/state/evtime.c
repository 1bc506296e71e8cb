/* evtime.c - event times of records; see evtime.h. */
#include <math.h>
#include <string.h>

#include "err.h"
#include "state/evtime.h"
#include "time.h"

void
st_evtime_unit(st_evtime *t, const char *arg)
{
	if (strcmp(arg, "s") == 0)
		t->unit = ST_USEC_PER_SEC;
	else if (strcmp(arg, "ms") == 0)
		t->unit = 1000;
	else if (strcmp(arg, "us") == 0)
		t->unit = 1;
	else
		st_usage_error("invalid time unit '%s' for --time-unit "
		    "(expected s, ms or us)", arg);
}

int
st_evtime_get(const st_evtime *t, st_record *r, int64_t *us)
{
	const st_field *f = st_record_get(r, t->col, strlen(t->col));
	int64_t iv;
	double dv;

	if (f == NULL)
		return -1;
	switch (f->type) {
	case ST_J_STRING:
		/* Timestamps never need JSON escapes: parse the raw text. */
		if (memchr(f->val, '\\', f->vlen))
			return -1;
		return st_parse_timestamp(f->val + 1, f->vlen - 2, us);
	case ST_J_NUMBER:
		if (st_json_number(f->val, f->vlen, &iv, &dv)) {
			if (iv > INT64_MAX / t->unit || iv < INT64_MIN / t->unit)
				return -1;
			*us = iv * t->unit;
			return 0;
		}
		dv *= (double)t->unit;
		if (!isfinite(dv) || fabs(dv) > 9.2e18)
			return -1;
		*us = (int64_t)floor(dv);
		return 0;
	default:
		return -1;
	}
}
