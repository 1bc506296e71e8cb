/* cond.c - join conditions; see cond.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "err.h"
#include "join/cond.h"
#include "join/cond_expr.h"
#include "join/key.h"
#include "opts.h"
#include "datetime.h"

int
st_jcond_is_shorthand(const char *on)
{
	int need = 1;	/* an identifier is expected */

	for (const char *p = on; *p; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if (*p == ',') {
			if (need)
				return 0;
			need = 1;
			continue;
		}
		if (!(isalpha((unsigned char)*p) || *p == '_'))
			return 0;
		while (isalnum((unsigned char)p[1]) || p[1] == '_')
			p++;
		if (!need)
			return 0;	/* two words in a row: an expression */
		need = 0;
	}
	return !need;
}

/* Adds key column pair (a on the left, b on the right) with fallbacks for
 * unqualified names. */
static void
add_key(st_jcond *c, const char *a, int aside, const char *b, int bside)
{
	size_t i = c->nkeys++;

	for (int s = 0; s < 2; s++) {
		c->keys[s] = st_realloc(c->keys[s], (i + 2) * sizeof(char *));
		c->alt[s] = st_realloc(c->alt[s], (i + 2) * sizeof(char *));
		c->raw[s] = st_realloc(c->raw[s], (i + 2) * sizeof(char *));
		c->rawlen[s] = st_realloc(c->rawlen[s], (i + 2) *
		    sizeof(size_t));
	}
	c->using_ = st_realloc(c->using_, (i + 1) * sizeof(int));
	/* Orient: a qualified name decides its side. */
	if (aside == ST_JSIDE_RIGHT || bside == ST_JSIDE_LEFT) {
		const char *t = a;
		int ts = aside;
		a = b, aside = bside;
		b = t, bside = ts;
	}
	c->keys[0][i] = st_strdup(a);
	c->keys[1][i] = st_strdup(b);
	c->alt[0][i] = aside == ST_JSIDE_ANY && bside == ST_JSIDE_ANY &&
	    strcmp(a, b) != 0 ? st_strdup(b) : NULL;
	c->alt[1][i] = aside == ST_JSIDE_ANY && bside == ST_JSIDE_ANY &&
	    strcmp(a, b) != 0 ? st_strdup(a) : NULL;
	c->using_[i] = strcmp(a, b) == 0;
	for (int s = 0; s < 2; s++) {
		st_buf t = ST_BUF_INIT;
		const char *n = c->keys[s][i];
		st_column_raw(&t, n);
		c->raw[s][i] = st_strndup(t.data, t.len);
		c->rawlen[s][i] = t.len;
		st_buf_release(&t);
		c->keys[s][i + 1] = c->alt[s][i + 1] = c->raw[s][i + 1] = NULL;
	}
}

int
st_jcond_init(st_jcond *c, const char *on, const char *within,
    const char *lname, const char *rname, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->lo = INT64_MIN;
	c->hi = INT64_MAX;
	c->tside[0] = c->tside[1] = ST_JSIDE_ANY;
	if (on && st_jcond_is_shorthand(on)) {
		char **v = st_split_list(on);
		for (char **p = v; *p; p++)
			add_key(c, *p, ST_JSIDE_ANY, *p, ST_JSIDE_ANY);
		st_strv_free(v);
		on = NULL;
	}
	if (on || within) {
		cond_key *k;
		size_t nk;
		int rc = cond_expr_init(c, on, within, lname, rname, &k, &nk,
		    err, errlen);
		for (size_t i = 0; i < nk; i++) {
			add_key(c, k[i].a, k[i].aside, k[i].b, k[i].bside);
			free(k[i].a);
			free(k[i].b);
		}
		free(k);
		return rc;
	}
	return 0;
}

void
st_jcond_release(st_jcond *c)
{
	cond_expr_release(c);
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < c->nkeys; i++) {
			free(c->keys[s][i]);
			free(c->alt[s][i]);
			free(c->raw[s][i]);
		}
		free(c->keys[s]);
		free(c->alt[s]);
		free(c->raw[s]);
		free(c->rawlen[s]);
		free(c->tcol[s]);
	}
	free(c->using_);
	memset(c, 0, sizeof *c);
}

/* The field named name of a scanned object, resolved as every column
 * (column.h: exact, else ignoring case; an ambiguity is fatal), or NULL. */
static const st_field *
lookup(const st_fields *f, const char *name)
{
	size_t len = strlen(name);
	const st_field *a, *b;
	const st_field *x = st_fields_column(f, name, len, &a, &b);

	if (a)
		st_column_ambiguous(name, len, a, b, 0);
	return x;
}

void
st_jcond_keys(const st_jcond *c, int s, st_arena *a, const st_fields *f,
    st_value *k)
{
	st_jcond_keys_found(c, s, a, f, k, NULL);
}

void
st_jcond_keys_found(const st_jcond *c, int s, st_arena *a,
    const st_fields *f, st_value *k, uint8_t *found)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		const st_field *x = lookup(f, c->keys[s][i]);
		if (x == NULL && c->alt[s][i])
			x = lookup(f, c->alt[s][i]);
		if (x && found)
			found[i] = 1;
		if (x == NULL || st_value_from_field(a, x, &k[i]) < 0)
			k[i] = st_v_null();
	}
}

int64_t
st_jcond_time(const st_jcond *c, int s, st_arena *a, const st_fields *f,
    int *role)
{
	*role = -1;
	if (!c->has_bound)
		return ST_TIME_NONE;
	for (int r = 0; r < 2; r++) {
		if (c->tside[r] != ST_JSIDE_ANY && c->tside[r] != s)
			continue;
		/* An unqualified column of the other role may be this side's
		 * only when the other role is not already this side's. */
		if (c->tside[r] == ST_JSIDE_ANY && c->tside[!r] == s)
			continue;
		const st_field *x = lookup(f, c->tcol[r]);
		if (x == NULL)
			continue;
		*role = r;
		st_value v, t;
		if (st_value_from_field(a, x, &v) < 0 ||
		    st_value_cast(a, &v, st_type_simple(ST_V_TIMESTAMP), &t) < 0 ||
		    t.type != ST_V_TIMESTAMP)
			return ST_TIME_NONE;
		return t.u.i;
	}
	return ST_TIME_NONE;
}

int
st_jcond_time_ok(const st_jcond *c, int64_t t0, int r0, int64_t t1, int r1)
{
	if (!c->has_bound)
		return 1;
	if (t0 == ST_TIME_NONE || t1 == ST_TIME_NONE || r0 < 0 || r1 < 0 ||
	    r0 == r1)
		return 0;
	int64_t x = r0 == 0 ? t0 : t1, y = r0 == 0 ? t1 : t0;
	/* Times are microseconds within a few thousand years: no overflow. */
	int64_t d = x - y;
	return (c->lo == INT64_MIN || d >= c->lo) &&
	    (c->hi == INT64_MAX || d <= c->hi);
}

int64_t
st_jcond_evict_at(const st_jcond *c, int64_t t, int r)
{
	if (!c->has_bound)
		return INT64_MAX;
	/* A row that cannot take part in the bound matches nothing. */
	if (t == ST_TIME_NONE || r < 0)
		return INT64_MIN;
	if (r == 0)	/* x: partners y in [x - hi, x - lo] */
		return c->lo == INT64_MIN ? INT64_MAX : t - c->lo;
	/* y: partners x in [y + lo, y + hi] */
	return c->hi == INT64_MAX ? INT64_MAX : t + c->hi;
}

int
st_jcond_evictable(const st_jcond *c, int64_t t, int r, int64_t wm)
{
	int64_t at = st_jcond_evict_at(c, t, r);

	if (at == INT64_MAX)
		return 0;
	return c->lo == c->hi ? at <= wm : at < wm;
}

int64_t
st_jcond_output_watermark(const st_jcond *c, int64_t wm)
{
	int64_t out = wm;
	/* A range bound keeps a row one microsecond past its last partner
	 * (st_jcond_evictable); an equality evicts at the watermark. */
	int64_t slack = c->lo == c->hi ? 0 : 1;

	if (wm == ST_TIME_NONE || !c->has_bound)
		return wm;
	/* Rows of tcol[0] (x) go when x - lo < wm: at or before wm + lo. */
	if (c->lo != INT64_MIN && wm + c->lo - slack < out)
		out = wm + c->lo - slack;
	/* Rows of tcol[1] (y) go when y + hi < wm: at or before wm - hi. */
	if (c->hi != INT64_MAX && wm - c->hi - slack < out)
		out = wm - c->hi - slack;
	return out;
}
