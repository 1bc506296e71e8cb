/* key.c - join keys; see key.h. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "join/key.h"

int
st_jkey_string_number(const char *p, size_t n, double *d)
{
	char tmp[64], *end;

	while (n && isspace((unsigned char)*p))
		p++, n--;
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	/* Most keys are words or ids: a number starts with a digit, a sign,
	 * a dot, or is NaN or Infinity. */
	if (n && !isdigit((unsigned char)*p) && !strchr("+-.NI", *p))
		return -1;
	/* Long strings are not numbers a key would hold; this also keeps
	 * the copy on the stack. Hex and words like "inf" are not numbers
	 * to Spark either, except NaN and Infinity. */
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (strcmp(tmp, "NaN") == 0) {
		*d = NAN;
		return 0;
	}
	if (strcmp(tmp, "Infinity") == 0 || strcmp(tmp, "+Infinity") == 0) {
		*d = INFINITY;
		return 0;
	}
	if (strcmp(tmp, "-Infinity") == 0) {
		*d = -INFINITY;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)tmp[i]) && !strchr("+-.eE",
		    tmp[i]))
			return -1;
	errno = 0;
	*d = strtod(tmp, &end);
	if (*end != '\0' || end == tmp)
		return -1;
	return 0;
}

/* The value a column hashes and compares as: a numeric string becomes its
 * number, so that both sides of a string-number match meet. */
static st_value
canon(const st_value *v)
{
	double d;

	if (v->type == ST_V_STRING &&
	    st_jkey_string_number(v->u.s.p, v->u.s.n, &d) == 0)
		return st_v_double(d);
	return *v;
}

uint64_t
st_jkey_hash(const st_value *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < n; i++) {
		st_value c = canon(&k[i]);
		h = st_value_hash_more(h, &c);
	}
	return h;
}

int
st_jkey_has_null(const st_value *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].type == ST_V_NULL)
			return 1;
	return 0;
}

int
st_jkey_match(const st_value *a, const st_value *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].type == ST_V_NULL || b[i].type == ST_V_NULL)
			return 0;
		if (st_value_equal(&a[i], &b[i]))
			continue;
		int sa = a[i].type == ST_V_STRING, sb = b[i].type == ST_V_STRING;
		/* Only a string against a number is cast; two strings compare
		 * as strings ("7" is not "07"). */
		if (sa == sb)
			return 0;
		st_value x = canon(&a[i]), y = canon(&b[i]);
		if (!st_value_is_numeric(&x) || !st_value_is_numeric(&y) ||
		    !st_value_equal(&x, &y))
			return 0;
	}
	return 1;
}

void
st_jkey_from_fields(st_arena *a, const st_fields *f, char *const *names,
    size_t n, st_value *out)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		out[i] = st_v_null();
		/* Spark's resolution (column.h): exact, else ignoring
		 * case; the last duplicate wins, as st_record_get(). */
		const st_field *c1, *c2;
		const st_field *g = st_fields_column(f, names[i], len, &c1, &c2);
		if (c1)
			st_column_ambiguous(names[i], len, c1, c2, 0);
		if (g && st_value_from_field(a, g, &out[i]) < 0)
			out[i] = st_v_null();
	}
}
