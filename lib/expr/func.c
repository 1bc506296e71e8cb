#define _GNU_SOURCE
/*
 * func.c - the built-in functions. Each is an entry in one table: name,
 * arity, flags, the implementation (called with evaluated arguments, or
 * with none for F_LAZY functions that evaluate their own), and an
 * optional prepare hook that precompiles literal arguments (datetime
 * patterns, regexes, schemas) once, at parse time.
 *
 * Null rule unless said otherwise: a NULL argument gives NULL.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "suggest.h"
#include "bytes.h"
#include "err.h"
#include "internal.h"
#include "datetime.h"

#define IMPL(name) static void name(st_eval *ev, const node *n, \
    st_value *args, int nargs, st_value *out)
#define UNUSED (void)ev; (void)n; (void)args; (void)nargs

/* ---- argument helpers ----------------------------------------------- */

static int
any_null(st_value *args, int nargs)
{
	for (int i = 0; i < nargs; i++)
		if (args[i].type == ST_V_NULL)
			return 1;
	return 0;
}

/* The argument as a string (cast); 0 when it is NULL. */
static int
sarg(st_eval *ev, st_value *v)
{
	if (v->type == ST_V_NULL)
		return 0;
	eval_cast(ev, v, ST_V_STRING, v);
	return v->type == ST_V_STRING;
}

static int
iarg(st_eval *ev, st_value *v, int64_t *i)
{
	if (v->type == ST_V_NULL)
		return 0;
	if (v->type != ST_V_INT && v->type != ST_V_BIGINT)
		eval_cast(ev, v, ST_V_BIGINT, v);
	if (v->type == ST_V_NULL)
		return 0;
	*i = v->u.i;
	return 1;
}

static int
darg(st_eval *ev, st_value *v, double *d)
{
	if (v->type == ST_V_NULL)
		return 0;
	if (!st_value_is_numeric(v))
		eval_cast(ev, v, ST_V_DOUBLE, v);
	if (v->type == ST_V_NULL)
		return 0;
	*d = st_value_to_double(v);
	return 1;
}

/* The argument as a timestamp (strings and dates cast). */
static int
targ(st_eval *ev, st_value *v, int64_t *us)
{
	if (v->type == ST_V_NULL)
		return 0;
	if (v->type != ST_V_TIMESTAMP)
		eval_cast(ev, v, ST_V_TIMESTAMP, v);
	if (v->type != ST_V_TIMESTAMP)
		return 0;
	*us = v->u.i;
	return 1;
}

static st_value
mkstr(st_eval *ev, const char *p, size_t n)
{
	return st_v_string_copy(&ev->arena, p, n);
}

static st_value
bufstr(st_eval *ev, st_buf *b)
{
	return mkstr(ev, b->data, b->len);
}

/* Number of UTF-8 code points. */
static size_t
u8count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Byte offset of code point k (or n). */
static size_t
u8off(const char *s, size_t n, size_t k)
{
	size_t i = 0;
	while (i < n && k) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		k--;
	}
	return i;
}

/* ---- strings -------------------------------------------------------- */

static void
map_case(st_eval *ev, st_value *v, st_value *out, int up)
{
	if (!sarg(ev, v)) {
		*out = st_v_null();
		return;
	}
	char *p = st_arena_alloc(&ev->arena, v->u.s.n + 1);
	for (size_t i = 0; i < v->u.s.n; i++)
		p[i] = (char)(up ? toupper((unsigned char)v->u.s.p[i]) :
		    tolower((unsigned char)v->u.s.p[i]));
	p[v->u.s.n] = '\0';
	*out = st_v_string(p, v->u.s.n);
}

IMPL(f_lower) { UNUSED; map_case(ev, &args[0], out, 0); }
IMPL(f_upper) { UNUSED; map_case(ev, &args[0], out, 1); }

IMPL(f_initcap)
{
	UNUSED;
	if (!sarg(ev, &args[0])) {
		*out = st_v_null();
		return;
	}
	char *p = st_arena_strndup(&ev->arena, args[0].u.s.p, args[0].u.s.n);
	int start = 1;
	for (size_t i = 0; i < args[0].u.s.n; i++) {
		p[i] = (char)(start ? toupper((unsigned char)p[i]) :
		    tolower((unsigned char)p[i]));
		start = p[i] == ' ';
	}
	*out = st_v_string(p, args[0].u.s.n);
}

static void
do_trim(st_eval *ev, st_value *args, int nargs, st_value *out, int l, int r)
{
	if (!sarg(ev, &args[0]) || (nargs > 1 && !sarg(ev, &args[1]))) {
		*out = st_v_null();
		return;
	}
	const char *set = nargs > 1 ? args[1].u.s.p : " ";
	size_t setn = nargs > 1 ? args[1].u.s.n : 1;
	const char *p = args[0].u.s.p;
	size_t a = 0, b = args[0].u.s.n;
	while (l && a < b && memchr(set, p[a], setn))
		a++;
	while (r && b > a && memchr(set, p[b - 1], setn))
		b--;
	*out = st_v_string(p + a, b - a);
}

IMPL(f_trim) { UNUSED; do_trim(ev, args, nargs, out, 1, 1); }
IMPL(f_ltrim) { UNUSED; do_trim(ev, args, nargs, out, 1, 0); }
IMPL(f_rtrim) { UNUSED; do_trim(ev, args, nargs, out, 0, 1); }

IMPL(f_length)
{
	UNUSED;
	if (args[0].type == ST_V_ARRAY) {
		*out = st_v_int((int32_t)args[0].u.a.n);
		return;
	}
	if (!sarg(ev, &args[0])) {
		*out = st_v_null();
		return;
	}
	*out = st_v_int((int32_t)u8count(args[0].u.s.p, args[0].u.s.n));
}

IMPL(f_substring)
{
	UNUSED;
	int64_t pos, len = INT32_MAX;
	if (!sarg(ev, &args[0]) || !iarg(ev, &args[1], &pos) ||
	    (nargs > 2 && !iarg(ev, &args[2], &len))) {
		*out = st_v_null();
		return;
	}
	const char *s = args[0].u.s.p;
	size_t sl = args[0].u.s.n;
	int64_t cn = (int64_t)u8count(s, sl);
	/* Spark: 1-based; 0 acts as 1; negative counts from the end. */
	int64_t start = pos > 0 ? pos - 1 : pos < 0 ? cn + pos : 0;
	/* start + len saturates at the string's end: both may be near
	 * INT64_MAX (Spark saturates at Integer.MAX_VALUE). */
	int64_t end = len < 0 ? start : start > cn - len ? cn : start + len;
	if (start < 0)
		start = 0;
	if (end > cn)
		end = cn;
	if (end <= start) {
		*out = st_v_string("", 0);
		return;
	}
	size_t a = u8off(s, sl, (size_t)start), b = u8off(s, sl, (size_t)end);
	*out = st_v_string(s + a, b - a);
}

IMPL(f_concat)
{
	UNUSED;
	st_buf b = ST_BUF_INIT;
	for (int i = 0; i < nargs; i++) {
		if (!sarg(ev, &args[i])) {
			st_buf_release(&b);
			*out = st_v_null();
			return;
		}
		st_buf_add(&b, args[i].u.s.p, args[i].u.s.n);
	}
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

IMPL(f_concat_ws)
{
	UNUSED;
	if (!sarg(ev, &args[0])) {
		*out = st_v_null();
		return;
	}
	st_buf b = ST_BUF_INIT;
	int k = 0;
	for (int i = 1; i < nargs; i++) {
		st_value *v = &args[i];
		uint32_t cnt = v->type == ST_V_ARRAY ? v->u.a.n : 1;
		for (uint32_t j = 0; j < cnt; j++) {
			st_value e = v->type == ST_V_ARRAY ? v->u.a.v[j] : *v;
			if (!sarg(ev, &e))
				continue;
			if (k++)
				st_buf_add(&b, args[0].u.s.p, args[0].u.s.n);
			st_buf_add(&b, e.u.s.p, e.u.s.n);
		}
	}
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

IMPL(f_instr)
{
	UNUSED;
	if (!sarg(ev, &args[0]) || !sarg(ev, &args[1])) {
		*out = st_v_null();
		return;
	}
	const char *h = args[0].u.s.p;
	const char *f = args[1].u.s.n ? memmem(h, args[0].u.s.n,
	    args[1].u.s.p, args[1].u.s.n) : h;
	*out = st_v_int(f ? (int32_t)u8count(h, (size_t)(f - h)) + 1 : 0);
}

static void
pad(st_eval *ev, st_value *args, int nargs, st_value *out, int left)
{
	int64_t len;
	if (!sarg(ev, &args[0]) || !iarg(ev, &args[1], &len) ||
	    (nargs > 2 && !sarg(ev, &args[2]))) {
		*out = st_v_null();
		return;
	}
	const char *pd = nargs > 2 ? args[2].u.s.p : " ";
	size_t pn = nargs > 2 ? args[2].u.s.n : 1;
	const char *s = args[0].u.s.p;
	size_t n = args[0].u.s.n, cn = u8count(s, n);
	if (len <= 0) {
		*out = st_v_string("", 0);
		return;
	}
	if ((size_t)len <= cn || pn == 0) {
		*out = st_v_string(s, u8off(s, n, (size_t)len < cn ?
		    (size_t)len : cn));
		return;
	}
	st_buf b = ST_BUF_INIT;
	size_t need = (size_t)len - cn;
	if (!left)
		st_buf_add(&b, s, n);
	for (size_t i = 0; i < need; i++)
		st_buf_putc(&b, pd[i % pn]);
	if (left)
		st_buf_add(&b, s, n);
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

IMPL(f_lpad) { UNUSED; pad(ev, args, nargs, out, 1); }
IMPL(f_rpad) { UNUSED; pad(ev, args, nargs, out, 0); }

IMPL(f_repeat)
{
	UNUSED;
	int64_t k;
	if (!sarg(ev, &args[0]) || !iarg(ev, &args[1], &k)) {
		*out = st_v_null();
		return;
	}
	st_buf b = ST_BUF_INIT;
	for (int64_t i = 0; i < k && b.len < (1u << 26); i++)
		st_buf_add(&b, args[0].u.s.p, args[0].u.s.n);
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

IMPL(f_reverse)
{
	UNUSED;
	if (args[0].type == ST_V_ARRAY) {
		st_value r = st_v_array(&ev->arena, args[0].u.a.n);
		for (uint32_t i = 0; i < r.u.a.n; i++)
			r.u.a.v[i] = args[0].u.a.v[r.u.a.n - 1 - i];
		*out = r;
		return;
	}
	if (!sarg(ev, &args[0])) {
		*out = st_v_null();
		return;
	}
	const char *s = args[0].u.s.p;
	size_t sl = args[0].u.s.n;
	char *p = st_arena_alloc(&ev->arena, sl + 1);
	/* Reverse code points, not bytes. */
	size_t o = sl;
	for (size_t i = 0; i < sl;) {
		size_t j = i + 1;
		while (j < sl && ((unsigned char)s[j] & 0xc0) == 0x80)
			j++;
		o -= j - i;
		memcpy(p + o, s + i, j - i);
		i = j;
	}
	p[sl] = '\0';
	*out = st_v_string(p, sl);
}

IMPL(f_replace)
{
	UNUSED;
	if (!sarg(ev, &args[0]) || !sarg(ev, &args[1]) ||
	    (nargs > 2 && !sarg(ev, &args[2]))) {
		*out = st_v_null();
		return;
	}
	const char *s = args[0].u.s.p, *f = args[1].u.s.p;
	size_t sl = args[0].u.s.n, fn = args[1].u.s.n;
	if (fn == 0) {
		*out = args[0];
		return;
	}
	st_buf b = ST_BUF_INIT;
	size_t i = 0;
	for (;;) {
		const char *h = memmem(s + i, sl - i, f, fn);
		if (!h)
			break;
		st_buf_add(&b, s + i, (size_t)(h - s) - i);
		if (nargs > 2)
			st_buf_add(&b, args[2].u.s.p, args[2].u.s.n);
		i = (size_t)(h - s) + fn;
	}
	st_buf_add(&b, s + i, sl - i);
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

static void
affix(st_eval *ev, st_value *args, st_value *out, int kind)
{
	if (!sarg(ev, &args[0]) || !sarg(ev, &args[1])) {
		*out = st_v_null();
		return;
	}
	const char *s = args[0].u.s.p, *p = args[1].u.s.p;
	size_t n = args[0].u.s.n, m = args[1].u.s.n;
	int r;
	if (kind == 0)
		r = n >= m && memcmp(s, p, m) == 0;
	else if (kind == 1)
		r = n >= m && memcmp(s + n - m, p, m) == 0;
	else
		r = m == 0 || memmem(s, n, p, m) != NULL;
	*out = st_v_bool(r);
}

IMPL(f_startswith) { UNUSED; affix(ev, args, out, 0); }
IMPL(f_endswith) { UNUSED; affix(ev, args, out, 1); }
IMPL(f_contains) { UNUSED; affix(ev, args, out, 2); }

/* ---- regexes -------------------------------------------------------- */

/* The regex for argument k: precompiled when literal, else compiled now
 * (the caller frees it when *tmp). Returns NULL on a bad pattern. */
static const regex_t *
regex_for(st_eval *ev, const node *n, st_value *pat, regex_t *tmp,
    int *own)
{
	*own = 0;
	if (n->aux)
		return &((const pattern *)n->aux)->re;
	char msg[128];
	if (!sarg(ev, pat) || regex_compile(tmp, pat->u.s.p, pat->u.s.n, 0,
	    msg, sizeof msg) < 0)
		return NULL;
	*own = 1;
	return tmp;
}

static int
prep_regex(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos)
{
	node *p = n->args[1];
	if (p->kind != N_LIT || p->lit.type != ST_V_STRING)
		return 0;
	/* split on a plain literal separator needs no regex. */
	if (strcmp(n->fn->name, "split") == 0 &&
	    !strpbrk(p->lit.u.s.p, ".[]{}()\\*+?^$|"))
		return 0;
	pattern *pt = st_arena_alloc(&l->arena, sizeof *pt);
	memset(pt, 0, sizeof *pt);
	char msg[200];
	if (regex_compile(&pt->re, p->lit.u.s.p, p->lit.u.s.n, 0, msg,
	    sizeof msg) < 0) {
		snprintf(err, errlen, "invalid regular expression '%s': %s",
		    p->lit.u.s.p, msg);
		*errpos = p->pos;
		return -1;
	}
	pt->re_ok = 1;
	list_add_pattern(l, pt);
	n->aux = pt;
	return 0;
}

IMPL(f_split)
{
	UNUSED;
	int64_t limit = -1;
	if (!sarg(ev, &args[0]) || !sarg(ev, &args[1]) ||
	    (nargs > 2 && !iarg(ev, &args[2], &limit))) {
		*out = st_v_null();
		return;
	}
	const char *s = args[0].u.s.p, *sep = args[1].u.s.p;
	size_t sl = args[0].u.s.n, sn = args[1].u.s.n;
	/* Pieces are collected as (offset, length) pairs in a scratch
	 * buffer, then become strings borrowing the input. */
	size_t cap = 16, k = 0;
	size_t *piece = st_arena_alloc(&ev->arena, cap * 2 * sizeof *piece);
	size_t i = 0;
	regex_t tmp;
	int own = 0;
	const regex_t *re = NULL;
	int literal = !n->aux && !strpbrk(args[1].u.s.p, ".[]{}()\\*+?^$|");
	char *z = NULL;
	if (!literal) {
		re = regex_for(ev, n, &args[1], &tmp, &own);
		if (!re) {
			*out = st_v_null();
			return;
		}
		z = st_arena_strndup(&ev->arena, s, sl);
	}
	for (;;) {
		size_t ms, me;
		int found;
		if (limit > 0 && (int64_t)k + 1 >= limit) {
			found = 0;
		} else if (literal) {
			const char *h = sn ? memmem(s + i, sl - i, sep, sn) :
			    (i < sl ? s + i + 1 : NULL);
			found = h != NULL && (sn || (size_t)(h - s) < sl);
			ms = h ? (size_t)(h - s) : 0;
			me = ms + sn;
		} else {
			regmatch_t m[1];
			found = i <= sl && regexec(re, z + i, 1, m,
			    i ? REG_NOTBOL : 0) == 0;
			ms = found ? i + (size_t)m[0].rm_so : 0;
			me = found ? i + (size_t)m[0].rm_eo : 0;
			if (found && me == ms) {
				/* An empty match splits between characters. */
				if (ms >= sl)
					found = 0;
				else if (ms == i) {
					ms = me = i + 1;
				}
			}
		}
		if (k == cap) {
			size_t *np = st_arena_alloc(&ev->arena,
			    cap * 4 * sizeof *np);
			memcpy(np, piece, cap * 2 * sizeof *np);
			piece = np;
			cap *= 2;
		}
		if (!found) {
			piece[2 * k] = i;
			piece[2 * k + 1] = sl - i;
			k++;
			break;
		}
		piece[2 * k] = i;
		piece[2 * k + 1] = ms - i;
		k++;
		i = me;
	}
	if (own)
		regfree(&tmp);
	st_value r = st_v_array(&ev->arena, (uint32_t)k);
	for (size_t j = 0; j < k; j++)
		r.u.a.v[j] = st_v_string(s + piece[2 * j], piece[2 * j + 1]);
	*out = r;
}

IMPL(f_regexp_extract)
{
	UNUSED;
	int64_t idx = 1;
	if (!sarg(ev, &args[0]) || args[1].type == ST_V_NULL ||
	    (nargs > 2 && !iarg(ev, &args[2], &idx))) {
		*out = st_v_null();
		return;
	}
	regex_t tmp;
	int own;
	const regex_t *re = regex_for(ev, n, &args[1], &tmp, &own);
	if (!re || idx < 0 || idx > 9) {
		if (own)
			regfree(&tmp);
		*out = st_v_null();
		return;
	}
	regmatch_t m[10];
	char *z = st_arena_strndup(&ev->arena, args[0].u.s.p, args[0].u.s.n);
	if (regexec(re, z, 10, m, 0) != 0) {
		*out = st_v_string("", 0);
	} else if ((size_t)idx > re->re_nsub) {
		*out = st_v_null();
	} else if (m[idx].rm_so < 0) {
		*out = st_v_string("", 0);
	} else {
		*out = st_v_string(z + m[idx].rm_so,
		    (size_t)(m[idx].rm_eo - m[idx].rm_so));
	}
	if (own)
		regfree(&tmp);
}

IMPL(f_regexp_replace)
{
	UNUSED;
	if (!sarg(ev, &args[0]) || args[1].type == ST_V_NULL ||
	    !sarg(ev, &args[2])) {
		*out = st_v_null();
		return;
	}
	regex_t tmp;
	int own;
	const regex_t *re = regex_for(ev, n, &args[1], &tmp, &own);
	if (!re) {
		*out = st_v_null();
		return;
	}
	char *z = st_arena_strndup(&ev->arena, args[0].u.s.p, args[0].u.s.n);
	size_t len = args[0].u.s.n, i = 0;
	const char *rep = args[2].u.s.p;
	size_t rn = args[2].u.s.n;
	st_buf b = ST_BUF_INIT;
	regmatch_t m[10];
	while (i <= len && regexec(re, z + i, 10, m, i ? REG_NOTBOL : 0) == 0) {
		st_buf_add(&b, z + i, (size_t)m[0].rm_so);
		/* Java's replacement syntax: $n is group n, \x is x. */
		for (size_t k = 0; k < rn; k++) {
			if (rep[k] == '\\' && k + 1 < rn) {
				st_buf_putc(&b, rep[++k]);
			} else if (rep[k] == '$' && k + 1 < rn &&
			    isdigit((unsigned char)rep[k + 1])) {
				int g = rep[++k] - '0';
				if ((size_t)g <= re->re_nsub && m[g].rm_so >= 0)
					st_buf_add(&b, z + i + m[g].rm_so,
					    (size_t)(m[g].rm_eo - m[g].rm_so));
			} else {
				st_buf_putc(&b, rep[k]);
			}
		}
		if (m[0].rm_eo == m[0].rm_so) {
			if (i + (size_t)m[0].rm_eo < len)
				st_buf_putc(&b, z[i + m[0].rm_eo]);
			i += (size_t)m[0].rm_eo + 1;
		} else {
			i += (size_t)m[0].rm_eo;
		}
	}
	if (i < len)
		st_buf_add(&b, z + i, len - i);
	if (own)
		regfree(&tmp);
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

/* ---- conditionals (lazy) -------------------------------------------- */

IMPL(f_coalesce)
{
	UNUSED;
	for (int i = 0; i < n->nargs; i++) {
		eval_node(ev, n->args[i], out);
		if (out->type != ST_V_NULL)
			return;
	}
	*out = st_v_null();
}

IMPL(f_if)
{
	UNUSED;
	st_value c;
	eval_node(ev, n->args[0], &c);
	eval_node(ev, n->args[eval_truth(ev, &c) == 1 ? 1 : 2], out);
}

IMPL(f_nvl2)
{
	UNUSED;
	st_value c;
	eval_node(ev, n->args[0], &c);
	eval_node(ev, n->args[c.type != ST_V_NULL ? 1 : 2], out);
}

IMPL(f_nullif)
{
	UNUSED;
	int c;
	*out = args[0];
	if (eval_compare(ev, &args[0], &args[1], &c) == 0 && c == 0)
		*out = st_v_null();
}

IMPL(f_isnull) { UNUSED; *out = st_v_bool(args[0].type == ST_V_NULL); }
IMPL(f_isnotnull) { UNUSED; *out = st_v_bool(args[0].type != ST_V_NULL); }

IMPL(f_isnan)
{
	UNUSED;
	*out = st_v_bool(args[0].type == ST_V_DOUBLE && isnan(args[0].u.d));
}

IMPL(f_typeof)
{
	UNUSED;
	char t[16];
	const char *s = st_vtype_name((st_vtype)args[0].type);
	size_t k = 0;
	for (; s[k] && k < sizeof t - 1; k++)
		t[k] = (char)tolower((unsigned char)s[k]);
	*out = mkstr(ev, t, k);
}

/* ---- math ----------------------------------------------------------- */

IMPL(f_abs)
{
	UNUSED;
	st_value *v = &args[0];
	if (v->type == ST_V_STRING)
		eval_cast(ev, v, ST_V_DOUBLE, v);
	switch (v->type) {
	case ST_V_INT:
		*out = st_v_int(v->u.i < 0 ? (int32_t)(0 - (uint32_t)v->u.i) :
		    (int32_t)v->u.i);
		return;
	case ST_V_BIGINT:
		*out = st_v_bigint(v->u.i < 0 ?
		    (int64_t)(0 - (uint64_t)v->u.i) : v->u.i);
		return;
	case ST_V_DECIMAL:
		*out = *v;
		if (out->u.i < 0)
			out->u.i = -out->u.i;
		return;
	case ST_V_DOUBLE:
		*out = st_v_double(fabs(v->u.d));
		return;
	case ST_V_INTERVAL:
		*out = st_v_interval(v->u.i < 0 ? -v->u.i : v->u.i);
		return;
	default:
		*out = st_v_null();
	}
}

/* HALF_UP rounding of an integer to 10^k (k > 0). */
static int64_t
round_int(int64_t v, int k)
{
	if (k > 18)
		return 0;
	int64_t m = st_pow10[k], q = v / m, r = v % m;
	if (r * 2 >= m)
		q++;
	else if (r * 2 <= -m)
		q--;
	return q * m;
}

IMPL(f_round)
{
	UNUSED;
	int64_t d = 0;
	st_value *v = &args[0];
	if (nargs > 1 && !iarg(ev, &args[1], &d)) {
		*out = st_v_null();
		return;
	}
	if (v->type == ST_V_STRING)
		eval_cast(ev, v, ST_V_DOUBLE, v);
	if (d > 18)
		d = 18;
	if (d < -18)
		d = -18;
	switch (v->type) {
	case ST_V_INT:
	case ST_V_BIGINT:
		*out = *v;
		if (d < 0)
			out->u.i = round_int(v->u.i, (int)-d);
		if (v->type == ST_V_INT)
			out->u.i = (int32_t)out->u.i;
		return;
	case ST_V_DECIMAL: {
		int s = v->scale;
		if (d >= s) {
			*out = *v;
			return;
		}
		int64_t r = round_int(v->u.i, (int)(s - d));
		if (d >= 0)
			*out = st_v_decimal(r / st_pow10[s - d], v->prec, (int)d);
		else
			*out = st_v_decimal(r / st_pow10[s], v->prec, 0);
		return;
	}
	case ST_V_DOUBLE: {
		double x = v->u.d;
		if (!isfinite(x)) {
			*out = *v;
			return;
		}
		if (d >= 0) {
			/* Spark rounds the decimal text of the double
			 * (BigDecimal(d)), so round(1.005, 2) is 1.01. */
			st_buf b = ST_BUF_INIT;
			st_buf_put_double(&b, x);
			st_value s = st_v_string(b.data, b.len), r;
			st_type t = { ST_V_DECIMAL, 18, (uint8_t)d };
			if (st_value_cast(&ev->arena, &s, &t, &r) == 0)
				*out = st_v_double(st_value_to_double(&r));
			else
				*out = st_v_double(round(x * pow(10, (double)d)) /
				    pow(10, (double)d));
			st_buf_release(&b);
		} else {
			double m = pow(10, (double)-d);
			*out = st_v_double(round(x / m) * m);
		}
		return;
	}
	default:
		*out = st_v_null();
	}
}

static void
floor_ceil(st_eval *ev, st_value *v, st_value *out, int up)
{
	if (v->type == ST_V_INT || v->type == ST_V_BIGINT) {
		*out = st_v_bigint(v->u.i);
		return;
	}
	if (v->type == ST_V_DECIMAL) {
		int64_t m = st_pow10[v->scale], q = v->u.i / m, r = v->u.i % m;
		if (up && r > 0)
			q++;
		if (!up && r < 0)
			q--;
		*out = st_v_bigint(q);
		return;
	}
	double d;
	if (!darg(ev, v, &d) || !isfinite(d)) {
		*out = st_v_null();
		return;
	}
	d = up ? ceil(d) : floor(d);
	*out = fabs(d) < 9.2e18 ? st_v_bigint((int64_t)d) : st_v_null();
}

/* v as a decimal: *m unscaled, *s its scale. A DOUBLE goes through its
 * shortest decimal text, as Spark casts it to DECIMAL before rounding.
 * Returns 0, or -1 when v is no number or does not fit 18 digits. */
static int
as_decimal(st_eval *ev, st_value *v, int64_t *m, int *s)
{
	if (v->type == ST_V_STRING)
		eval_cast(ev, v, ST_V_DOUBLE, v);
	switch (v->type) {
	case ST_V_INT:
	case ST_V_BIGINT:
		*m = v->u.i;
		*s = 0;
		return 0;
	case ST_V_DECIMAL:
		*m = v->u.i;
		*s = v->scale;
		return 0;
	case ST_V_DOUBLE: {
		if (!isfinite(v->u.d))
			return -1;
		st_buf b = ST_BUF_INIT;
		st_buf_put_double(&b, v->u.d);
		int rc = -1, neg = 0, scale = -1, digits = 0;
		int64_t acc = 0;
		for (size_t i = 0; i < b.len; i++) {
			char c = b.data[i];
			if (c == '-' && i == 0) {
				neg = 1;
			} else if (c == '.' && scale < 0) {
				scale = 0;
			} else if (c >= '0' && c <= '9') {
				if (++digits > 18)
					goto done;
				acc = acc * 10 + (c - '0');
				if (scale >= 0)
					scale++;
			} else {
				goto done;	/* 1e+20: too big for 18 digits */
			}
		}
		*m = neg ? -acc : acc;
		*s = scale < 0 ? 0 : scale;
		rc = 0;
done:
		st_buf_release(&b);
		return rc;
	}
	default:
		return -1;
	}
}

/* floor(x, d) and ceil(x, d): Spark's RoundFloor and RoundCeil, a
 * DECIMAL rounded down (up) to d decimals; d < 0 rounds to tens,
 * hundreds: ceil(3.1411, 3) is 3.142, ceil(3.1411, -3) is 1000,
 * floor(3.1411, -3) is 0. */
static void
floor_ceil_scale(st_eval *ev, st_value *v, st_value *dv, st_value *out,
    int up)
{
	int64_t d, m;
	int s;
	*out = st_v_null();
	if (!iarg(ev, dv, &d) || as_decimal(ev, v, &m, &s) < 0)
		return;
	if (d >= s) {
		*out = st_v_decimal(m, 18, s);
		return;
	}
	int64_t k = s - d;	/* digits to drop */
	int64_t q;
	if (k > 18) {
		q = up && m > 0 ? 1 : !up && m < 0 ? -1 : 0;
	} else {
		int64_t r = m % st_pow10[k];
		q = m / st_pow10[k];
		if (up && r > 0)
			q++;
		if (!up && r < 0)
			q--;
	}
	if (d >= 0) {
		*out = st_v_decimal(q, 18, (int)d);
		return;
	}
	if (-d > 18 || (q && (q > INT64_MAX / st_pow10[-d] ||
	    q < INT64_MIN / st_pow10[-d])))
		return;
	*out = st_v_decimal(q * st_pow10[-d], 18, 0);
}

IMPL(f_floor)
{
	UNUSED;
	if (nargs > 1)
		floor_ceil_scale(ev, &args[0], &args[1], out, 0);
	else
		floor_ceil(ev, &args[0], out, 0);
}

IMPL(f_ceil)
{
	UNUSED;
	if (nargs > 1)
		floor_ceil_scale(ev, &args[0], &args[1], out, 1);
	else
		floor_ceil(ev, &args[0], out, 1);
}

static void
math1(st_eval *ev, st_value *v, st_value *out, double (*fn)(double),
    int domain_pos)
{
	double d;
	if (!darg(ev, v, &d) || (domain_pos == 1 && d <= 0) ||
	    (domain_pos == 2 && d < 0)) {
		*out = st_v_null();
		return;
	}
	*out = st_v_double(fn(d));
}

IMPL(f_sqrt) { UNUSED; math1(ev, &args[0], out, sqrt, 0); }
IMPL(f_exp) { UNUSED; math1(ev, &args[0], out, exp, 0); }
IMPL(f_ln) { UNUSED; math1(ev, &args[0], out, log, 1); }
IMPL(f_log10) { UNUSED; math1(ev, &args[0], out, log10, 1); }
IMPL(f_log2) { UNUSED; math1(ev, &args[0], out, log2, 1); }

IMPL(f_log)
{
	UNUSED;
	double b, x;
	if (nargs == 1) {
		math1(ev, &args[0], out, log, 1);
		return;
	}
	if (!darg(ev, &args[0], &b) || !darg(ev, &args[1], &x) || b <= 0 ||
	    x <= 0) {
		*out = st_v_null();
		return;
	}
	*out = st_v_double(log(x) / log(b));
}

IMPL(f_pow)
{
	UNUSED;
	double a, b;
	if (!darg(ev, &args[0], &a) || !darg(ev, &args[1], &b)) {
		*out = st_v_null();
		return;
	}
	*out = st_v_double(pow(a, b));
}

IMPL(f_sign)
{
	UNUSED;
	double d;
	if (!darg(ev, &args[0], &d)) {
		*out = st_v_null();
		return;
	}
	*out = st_v_double(d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0);
}

IMPL(f_mod)
{
	UNUSED;
	/* mod(a, b) is a % b; pmod is never negative. */
	int pos = strcmp(n->fn->name, "pmod") == 0;
	st_value r;
	if (any_null(args, 2)) {
		*out = st_v_null();
		return;
	}
	double x, y;
	if ((args[0].type == ST_V_INT || args[0].type == ST_V_BIGINT) &&
	    (args[1].type == ST_V_INT || args[1].type == ST_V_BIGINT)) {
		if (args[1].u.i == 0) {
			*out = st_v_null();
			return;
		}
		int64_t m = args[1].u.i == -1 ? 0 : args[0].u.i % args[1].u.i;
		if (pos && m < 0)
			m += args[1].u.i < 0 ? -args[1].u.i : args[1].u.i;
		r = args[0].type == ST_V_INT && args[1].type == ST_V_INT ?
		    st_v_int((int32_t)m) : st_v_bigint(m);
		*out = r;
		return;
	}
	if (!darg(ev, &args[0], &x) || !darg(ev, &args[1], &y) || y == 0) {
		*out = st_v_null();
		return;
	}
	double m = fmod(x, y);
	if (pos && m < 0)
		m += fabs(y);
	*out = st_v_double(m);
}

static void
extreme(st_eval *ev, st_value *args, int nargs, st_value *out, int most)
{
	int best = -1, c;
	for (int i = 0; i < nargs; i++) {
		if (args[i].type == ST_V_NULL)
			continue;
		if (best < 0 || (eval_compare(ev, &args[i], &args[best],
		    &c) == 0 && (most ? c > 0 : c < 0)))
			best = i;
	}
	*out = best < 0 ? st_v_null() : args[best];
}

IMPL(f_greatest) { UNUSED; extreme(ev, args, nargs, out, 1); }
IMPL(f_least) { UNUSED; extreme(ev, args, nargs, out, 0); }

/* ---- casts as functions --------------------------------------------- */

IMPL(f_castfn)
{
	UNUSED;
	st_value_cast(&ev->arena, &args[0], n->type, out);
}

static int
prep_castfn(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos)
{
	(void)l;
	(void)err;
	(void)errlen;
	(void)errpos;
	static const struct { const char *name; st_vtype t; } m[] = {
		{ "string", ST_V_STRING }, { "boolean", ST_V_BOOLEAN },
		{ "int", ST_V_INT }, { "bigint", ST_V_BIGINT },
		{ "double", ST_V_DOUBLE }, { "float", ST_V_DOUBLE },
		{ "decimal", ST_V_DECIMAL }, { "timestamp", ST_V_TIMESTAMP },
		{ "date", ST_V_DATE }
	};
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		if (strcmp(n->fn->name, m[i].name) == 0)
			n->type = st_type_simple(m[i].t);
	return 0;
}

/* ---- datetime ------------------------------------------------------- */

static const dtfmt *
default_fmt(void)
{
	static st_arena a = ST_ARENA_INIT;
	static dtfmt *f;
	if (!f) {
		char e[200];
		size_t pos;
		f = dtfmt_compile(&a, "yyyy-MM-dd HH:mm:ss", 19, e, sizeof e,
		    &pos);
	}
	return f;
}

/* The datetime pattern of argument k: precompiled, or compiled now. */
static const dtfmt *
fmt_for(st_eval *ev, const node *n, st_value *args, int nargs, int k)
{
	if (nargs <= k)
		return default_fmt();
	if (n->aux)
		return n->aux;
	if (!sarg(ev, &args[k]))
		return NULL;
	char e[256];
	size_t pos;
	return dtfmt_compile(&ev->arena, args[k].u.s.p, args[k].u.s.n, e,
	    sizeof e, &pos);
}

/* Precompiles a literal datetime pattern argument (the second). */
static int
prep_fmt(st_expr_list *l, node *n, char *err, size_t errlen, size_t *errpos)
{
	if (n->nargs < 2)
		return 0;
	node *p = n->args[1];
	if (p->kind != N_LIT)
		return 0;
	if (p->lit.type != ST_V_STRING) {
		snprintf(err, errlen, "%s() wants a datetime pattern string "
		    "as its second argument", n->fn->name);
		*errpos = p->pos;
		return -1;
	}
	size_t at = 0;
	dtfmt *f = dtfmt_compile(&l->arena, p->lit.u.s.p, p->lit.u.s.n, err,
	    errlen, &at);
	if (!f) {
		*errpos = p->pos + 1 + at;
		return -1;
	}
	n->aux = f;
	return 0;
}

/* to_timestamp(s[, fmt]): a string parsed by fmt, or cast. */
IMPL(f_to_timestamp)
{
	UNUSED;
	st_value *v = &args[0];
	if (v->type == ST_V_NULL || (nargs > 1 &&
	    args[1].type == ST_V_NULL)) {
		*out = st_v_null();
		return;
	}
	if (nargs == 1 || v->type != ST_V_STRING) {
		eval_cast(ev, v, ST_V_TIMESTAMP, out);
		return;
	}
	const dtfmt *f = fmt_for(ev, n, args, nargs, 1);
	int64_t us;
	if (!f || dtfmt_parse(f, v->u.s.p, v->u.s.n, &us) < 0)
		*out = st_v_null();
	else
		*out = st_v_timestamp(us);
}

IMPL(f_to_date)
{
	UNUSED;
	f_to_timestamp(ev, n, args, nargs, out);
	if (out->type == ST_V_TIMESTAMP)
		*out = st_v_date((int32_t)st_floordiv(out->u.i,
		    ST_USEC_PER_DAY));
	else if (args[0].type == ST_V_DATE)
		*out = args[0];
}

IMPL(f_date_format)
{
	UNUSED;
	int64_t us;
	if (!targ(ev, &args[0], &us)) {
		*out = st_v_null();
		return;
	}
	const dtfmt *f = fmt_for(ev, n, args, nargs, 1);
	if (!f) {
		*out = st_v_null();
		return;
	}
	st_buf b = ST_BUF_INIT;
	dtfmt_format(f, us, &b);
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

IMPL(f_from_unixtime)
{
	UNUSED;
	int64_t s;
	if (!iarg(ev, &args[0], &s) || s > INT64_MAX / ST_USEC_PER_SEC ||
	    s < INT64_MIN / ST_USEC_PER_SEC) {
		*out = st_v_null();
		return;
	}
	const dtfmt *f = fmt_for(ev, n, args, nargs, 1);
	if (!f) {
		*out = st_v_null();
		return;
	}
	st_buf b = ST_BUF_INIT;
	dtfmt_format(f, s * ST_USEC_PER_SEC, &b);
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

IMPL(f_unix_timestamp)
{
	UNUSED;
	int64_t us;
	if (nargs == 0) {
		*out = st_v_bigint(st_floordiv(eval_now(ev), ST_USEC_PER_SEC));
		return;
	}
	st_value *v = &args[0];
	if (v->type == ST_V_STRING) {
		const dtfmt *f = fmt_for(ev, n, args, nargs, 1);
		if (!f || dtfmt_parse(f, v->u.s.p, v->u.s.n, &us) < 0) {
			*out = st_v_null();
			return;
		}
	} else if (!targ(ev, v, &us)) {
		*out = st_v_null();
		return;
	}
	*out = st_v_bigint(st_floordiv(us, ST_USEC_PER_SEC));
}

static void
ts_from(st_eval *ev, st_value *v, st_value *out, int64_t mult)
{
	if (v->type == ST_V_DOUBLE || v->type == ST_V_DECIMAL ||
	    v->type == ST_V_STRING) {
		double d;
		if (!darg(ev, v, &d) || !isfinite(d * (double)mult) ||
		    fabs(d * (double)mult) > 9.2e18) {
			*out = st_v_null();
			return;
		}
		*out = st_v_timestamp((int64_t)(d * (double)mult));
		return;
	}
	int64_t i, r;
	if (!iarg(ev, v, &i) || __builtin_mul_overflow(i, mult, &r)) {
		*out = st_v_null();
		return;
	}
	*out = st_v_timestamp(r);
}

IMPL(f_timestamp_seconds) { UNUSED; ts_from(ev, &args[0], out, ST_USEC_PER_SEC); }
IMPL(f_timestamp_millis) { UNUSED; ts_from(ev, &args[0], out, 1000); }
IMPL(f_timestamp_micros) { UNUSED; ts_from(ev, &args[0], out, 1); }

static void
unix_part(st_eval *ev, st_value *v, st_value *out, int64_t div)
{
	int64_t us;
	if (!targ(ev, v, &us)) {
		*out = st_v_null();
		return;
	}
	*out = st_v_bigint(st_floordiv(us, div));
}

IMPL(f_unix_seconds) { UNUSED; unix_part(ev, &args[0], out, ST_USEC_PER_SEC); }
IMPL(f_unix_millis) { UNUSED; unix_part(ev, &args[0], out, 1000); }
IMPL(f_unix_micros) { UNUSED; unix_part(ev, &args[0], out, 1); }

IMPL(f_current_timestamp) { UNUSED; *out = st_v_timestamp(eval_now(ev)); }

IMPL(f_current_date)
{
	UNUSED;
	*out = st_v_date((int32_t)st_floordiv(eval_now(ev), ST_USEC_PER_DAY));
}

enum { P_YEAR, P_MONTH, P_DAY, P_HOUR, P_MINUTE, P_SECOND, P_DOW, P_DOY,
    P_QUARTER, P_WEEK };

static void
part(st_eval *ev, st_value *v, st_value *out, int which)
{
	int64_t us;
	if (!targ(ev, v, &us)) {
		*out = st_v_null();
		return;
	}
	int64_t days = st_floordiv(us, ST_USEC_PER_DAY);
	int64_t rem = us - days * ST_USEC_PER_DAY, y;
	unsigned m, d;
	st_civil_from_days(days, &y, &m, &d);
	int64_t r;
	switch (which) {
	case P_YEAR: r = y; break;
	case P_MONTH: r = m; break;
	case P_DAY: r = d; break;
	case P_HOUR: r = rem / ST_USEC_PER_HOUR; break;
	case P_MINUTE: r = rem / ST_USEC_PER_MIN % 60; break;
	case P_SECOND: r = rem / ST_USEC_PER_SEC % 60; break;
	case P_DOW: r = ((days + 4) % 7 + 7) % 7 + 1; break;
	case P_DOY: r = days - st_days_from_civil(y, 1, 1) + 1; break;
	case P_QUARTER: r = (m - 1) / 3 + 1; break;
	default: {
		/* ISO week: the week with the year's first Thursday. */
		int64_t wd = ((days + 3) % 7 + 7) % 7;	/* 0 = Monday */
		int64_t thu = days - wd + 3;
		int64_t ty;
		unsigned tm, td;
		st_civil_from_days(thu, &ty, &tm, &td);
		r = (thu - st_days_from_civil(ty, 1, 1)) / 7 + 1;
	}
	}
	*out = st_v_int((int32_t)r);
}

IMPL(f_year) { UNUSED; part(ev, &args[0], out, P_YEAR); }
IMPL(f_month) { UNUSED; part(ev, &args[0], out, P_MONTH); }
IMPL(f_dayofmonth) { UNUSED; part(ev, &args[0], out, P_DAY); }
IMPL(f_hour) { UNUSED; part(ev, &args[0], out, P_HOUR); }
IMPL(f_minute) { UNUSED; part(ev, &args[0], out, P_MINUTE); }
IMPL(f_second) { UNUSED; part(ev, &args[0], out, P_SECOND); }
IMPL(f_dayofweek) { UNUSED; part(ev, &args[0], out, P_DOW); }
IMPL(f_dayofyear) { UNUSED; part(ev, &args[0], out, P_DOY); }
IMPL(f_quarter) { UNUSED; part(ev, &args[0], out, P_QUARTER); }
IMPL(f_weekofyear) { UNUSED; part(ev, &args[0], out, P_WEEK); }

static int
trunc_unit(const char *u, size_t n)
{
	static const struct { const char *name; int unit; } t[] = {
		{ "YEAR", 0 }, { "YYYY", 0 }, { "YY", 0 }, { "QUARTER", 1 },
		{ "MONTH", 2 }, { "MM", 2 }, { "MON", 2 }, { "WEEK", 3 },
		{ "DAY", 4 }, { "DD", 4 }, { "HOUR", 5 }, { "MINUTE", 6 },
		{ "SECOND", 7 }, { "MILLISECOND", 8 }, { "MICROSECOND", 9 }
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		if (strlen(t[i].name) == n && strncasecmp(t[i].name, u, n) == 0)
			return t[i].unit;
	return -1;
}

static int
prep_date_trunc(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos)
{
	(void)l;
	node *u = n->args[0];
	if (u->kind == N_LIT && u->lit.type == ST_V_STRING &&
	    trunc_unit(u->lit.u.s.p, u->lit.u.s.n) < 0) {
		snprintf(err, errlen, "invalid date_trunc unit '%s' (use "
		    "year, quarter, month, week, day, hour, minute, second, "
		    "millisecond or microsecond)", u->lit.u.s.p);
		*errpos = u->pos;
		return -1;
	}
	return 0;
}

IMPL(f_date_trunc)
{
	UNUSED;
	int64_t us;
	if (!sarg(ev, &args[0]) || !targ(ev, &args[1], &us)) {
		*out = st_v_null();
		return;
	}
	int u = trunc_unit(args[0].u.s.p, args[0].u.s.n);
	int64_t days = st_floordiv(us, ST_USEC_PER_DAY), y;
	unsigned m, d;
	st_civil_from_days(days, &y, &m, &d);
	int64_t r;
	switch (u) {
	case 0: r = st_days_from_civil(y, 1, 1) * ST_USEC_PER_DAY; break;
	case 1: r = st_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1) *
		    ST_USEC_PER_DAY; break;
	case 2: r = st_days_from_civil(y, m, 1) * ST_USEC_PER_DAY; break;
	case 3: r = (days - ((days + 3) % 7 + 7) % 7) * ST_USEC_PER_DAY;
		break;
	case 4: r = days * ST_USEC_PER_DAY; break;
	case 5: r = st_floordiv(us, ST_USEC_PER_HOUR) * ST_USEC_PER_HOUR;
		break;
	case 6: r = st_floordiv(us, ST_USEC_PER_MIN) * ST_USEC_PER_MIN; break;
	case 7: r = st_floordiv(us, ST_USEC_PER_SEC) * ST_USEC_PER_SEC; break;
	case 8: r = st_floordiv(us, 1000) * 1000; break;
	case 9: r = us; break;
	default:
		*out = st_v_null();
		return;
	}
	*out = st_v_timestamp(r);
}

static int
dateish(st_eval *ev, st_value *v, int64_t *days)
{
	if (v->type == ST_V_NULL)
		return 0;
	if (v->type != ST_V_DATE)
		eval_cast(ev, v, ST_V_DATE, v);
	if (v->type != ST_V_DATE)
		return 0;
	*days = v->u.i;
	return 1;
}

IMPL(f_date_add)
{
	UNUSED;
	int64_t d, k;
	if (!dateish(ev, &args[0], &d) || !iarg(ev, &args[1], &k)) {
		*out = st_v_null();
		return;
	}
	if (strcmp(n->fn->name, "date_sub") == 0)
		k = -k;
	*out = st_v_date((int32_t)(d + k));
}

IMPL(f_datediff)
{
	UNUSED;
	int64_t a, b;
	if (!dateish(ev, &args[0], &a) || !dateish(ev, &args[1], &b)) {
		*out = st_v_null();
		return;
	}
	*out = st_v_int((int32_t)(a - b));
}

/* ---- JSON and CSV --------------------------------------------------- */

static int
prep_schema(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos)
{
	node *s = n->args[1];
	if (s->kind != N_LIT || s->lit.type != ST_V_STRING) {
		snprintf(err, errlen, "%s() wants its schema as a string "
		    "literal, as in %s(value, 'a STRING, b INT')", n->fn->name,
		    n->fn->name);
		*errpos = s->pos;
		return -1;
	}
	st_schema_error e;
	st_schema *sc = st_schema_parse(s->lit.u.s.p, &e);
	if (!sc) {
		snprintf(err, errlen, "invalid schema: %s", e.msg);
		*errpos = s->pos + e.col;
		return -1;
	}
	list_add_schema(l, sc);
	n->aux = sc;
	n->type = &sc->as_struct;
	return 0;
}

/* Casts a struct's fields to the schema, field by field: a field that
 * does not cast is NULL (the other fields keep their values). */
static void
conform(st_eval *ev, const st_schema *sc, const st_value *in, st_value *out)
{
	st_value r = st_v_struct(&ev->arena, (uint32_t)sc->n);
	for (size_t i = 0; i < sc->n; i++) {
		r.u.a.names[i] = sc->fields[i].name;
		r.u.a.nlens[i] = (uint32_t)sc->fields[i].nlen;
		const st_value *f = st_value_struct_get(in, sc->fields[i].name,
		    sc->fields[i].nlen);
		if (f)
			st_value_cast(&ev->arena, f, sc->fields[i].type,
			    &r.u.a.v[i]);
	}
	*out = r;
}

IMPL(f_from_json)
{
	UNUSED;
	st_value v;
	if (!sarg(ev, &args[0]) || st_value_parse_json(&ev->arena,
	    args[0].u.s.p, args[0].u.s.n, &v) < 0 || v.type != ST_V_STRUCT) {
		*out = st_v_null();
		return;
	}
	conform(ev, n->aux, &v, out);
}

/* base64(x): the base64 text of x's bytes (a string's UTF-8); st has no
 * BINARY type, so unbase64(s) gives the decoded bytes as a string, null
 * when s is not base64 (Spark: an error in ANSI mode, null otherwise). */
IMPL(f_base64)
{
	UNUSED;
	if (!sarg(ev, &args[0])) {
		*out = st_v_null();
		return;
	}
	st_buf b = ST_BUF_INIT;
	st_base64_encode(&b, args[0].u.s.p, args[0].u.s.n);
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

IMPL(f_unbase64)
{
	UNUSED;
	if (!sarg(ev, &args[0])) {
		*out = st_v_null();
		return;
	}
	st_buf b = ST_BUF_INIT;
	if (st_base64_decode(&b, args[0].u.s.p, args[0].u.s.n) < 0)
		*out = st_v_null();
	else
		*out = bufstr(ev, &b);
	st_buf_release(&b);
}

IMPL(f_to_json)
{
	UNUSED;
	if (args[0].type == ST_V_NULL) {
		*out = args[0];
		return;
	}
	st_buf b = ST_BUF_INIT;
	st_value_write_json(&b, &args[0]);
	*out = bufstr(ev, &b);
	st_buf_release(&b);
}

typedef struct csvrow {
	st_eval *ev;
	st_value *vals;
	size_t n, cap;
	int rows;
} csvrow;

static void
csv_field(void *s, size_t len, void *data)
{
	csvrow *r = data;
	if (r->rows)
		return;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 8;
		st_value *nv = st_arena_alloc(&r->ev->arena, nc * sizeof *nv);
		if (r->n)
			memcpy(nv, r->vals, r->n * sizeof *nv);
		r->vals = nv;
		r->cap = nc;
	}
	r->vals[r->n++] = len ? mkstr(r->ev, s, len) : st_v_null();
}

static void
csv_row(int c, void *data)
{
	(void)c;
	((csvrow *)data)->rows++;
}

IMPL(f_from_csv)
{
	UNUSED;
	if (!sarg(ev, &args[0])) {
		*out = st_v_null();
		return;
	}
	/* The toolkit's one dialect (csv.h): the same text reads the same
	 * values as st-read gives. */
	st_csv_reader p;
	csvrow r = { ev, NULL, 0, 0, 0 };
	if (st_csv_reader_init(&p, &st_csv_spark) != 0) {
		*out = st_v_null();
		return;
	}
	st_csv_feed(&p, args[0].u.s.p, args[0].u.s.n, csv_field, csv_row, &r);
	st_csv_finish(&p, csv_field, csv_row, &r);
	st_csv_reader_release(&p);
	const st_schema *sc = n->aux;
	st_value s = st_v_struct(&ev->arena, (uint32_t)sc->n);
	for (size_t i = 0; i < sc->n; i++) {
		s.u.a.names[i] = sc->fields[i].name;
		s.u.a.nlens[i] = (uint32_t)sc->fields[i].nlen;
		if (i < r.n)
			st_value_cast(&ev->arena, &r.vals[i],
			    sc->fields[i].type, &s.u.a.v[i]);
	}
	*out = s;
}

IMPL(f_to_csv)
{
	UNUSED;
	st_value *v = &args[0];
	if (v->type != ST_V_STRUCT) {
		*out = st_v_null();
		return;
	}
	st_buf b = ST_BUF_INIT, t = ST_BUF_INIT;
	for (uint32_t i = 0; i < v->u.a.n; i++) {
		if (i)
			st_buf_putc(&b, st_csv_spark.sep);
		st_buf_reset(&t);
		st_value_write_text(&t, &v->u.a.v[i]);
		/* Spark's writer (csv.h), as st-sink --format csv. */
		st_csv_put_field(&b, &st_csv_spark, t.data,
		    t.len, v->u.a.v[i].type == ST_V_NULL);
	}
	*out = bufstr(ev, &b);
	st_buf_release(&b);
	st_buf_release(&t);
}

/* ---- structs and arrays --------------------------------------------- */

IMPL(f_struct)
{
	UNUSED;
	if (n->star) {
		eval_all_columns(ev, out);
		return;
	}
	st_value s = st_v_struct(&ev->arena, (uint32_t)nargs);
	for (int i = 0; i < nargs; i++) {
		const node *a = n->args[i];
		if (a->kind == N_COL) {
			const char *nm = a->npath ? a->path[a->npath - 1] :
			    a->name;
			size_t nl = a->npath ? a->plens[a->npath - 1] : a->nlen;
			s.u.a.names[i] = nm;
			s.u.a.nlens[i] = (uint32_t)nl;
		} else {
			char tmp[24];
			int k = snprintf(tmp, sizeof tmp, "col%d", i + 1);
			s.u.a.names[i] = st_arena_strndup(&ev->arena, tmp,
			    (size_t)k);
			s.u.a.nlens[i] = (uint32_t)k;
		}
		s.u.a.v[i] = args[i];
	}
	*out = s;
}

static int
prep_named_struct(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos)
{
	(void)l;
	if (n->nargs % 2) {
		snprintf(err, errlen, "named_struct() takes name, value pairs");
		*errpos = n->pos;
		return -1;
	}
	for (int i = 0; i < n->nargs; i += 2) {
		node *a = n->args[i];
		if (a->kind != N_LIT || a->lit.type != ST_V_STRING) {
			snprintf(err, errlen, "named_struct() field names "
			    "must be string literals");
			*errpos = a->pos;
			return -1;
		}
	}
	return 0;
}

IMPL(f_named_struct)
{
	UNUSED;
	st_value s = st_v_struct(&ev->arena, (uint32_t)(nargs / 2));
	for (int i = 0; i + 1 < nargs; i += 2) {
		s.u.a.names[i / 2] = args[i].u.s.p;
		s.u.a.nlens[i / 2] = (uint32_t)args[i].u.s.n;
		s.u.a.v[i / 2] = args[i + 1];
	}
	*out = s;
}

IMPL(f_array)
{
	UNUSED;
	st_value a = st_v_array(&ev->arena, (uint32_t)nargs);
	for (int i = 0; i < nargs; i++)
		a.u.a.v[i] = args[i];
	*out = a;
}

IMPL(f_size)
{
	UNUSED;
	/* Spark's legacy sizeOfNull: size(NULL) is -1. */
	if (args[0].type == ST_V_ARRAY || args[0].type == ST_V_STRUCT)
		*out = st_v_int((int32_t)args[0].u.a.n);
	else
		*out = st_v_int(-1);
}

IMPL(f_element_at)
{
	UNUSED;
	int64_t i;
	if (args[0].type == ST_V_STRUCT && args[1].type == ST_V_STRING) {
		const st_value *f = st_value_struct_get(&args[0],
		    args[1].u.s.p, args[1].u.s.n);
		*out = f ? *f : st_v_null();
		return;
	}
	if (args[0].type != ST_V_ARRAY || !iarg(ev, &args[1], &i) || i == 0) {
		*out = st_v_null();
		return;
	}
	int64_t k = i > 0 ? i - 1 : (int64_t)args[0].u.a.n + i;
	*out = k >= 0 && k < (int64_t)args[0].u.a.n ? args[0].u.a.v[k] :
	    st_v_null();
}

IMPL(f_array_contains)
{
	UNUSED;
	if (args[0].type != ST_V_ARRAY || args[1].type == ST_V_NULL) {
		*out = st_v_null();
		return;
	}
	int saw_null = 0, c;
	for (uint32_t i = 0; i < args[0].u.a.n; i++) {
		if (args[0].u.a.v[i].type == ST_V_NULL) {
			saw_null = 1;
			continue;
		}
		if (eval_compare(ev, &args[0].u.a.v[i], &args[1], &c) == 0 &&
		    c == 0) {
			*out = st_v_bool(1);
			return;
		}
	}
	*out = saw_null ? st_v_null() : st_v_bool(0);
}

/* Generators evaluate to their array; st-select turns it into rows. */
IMPL(f_explode)
{
	UNUSED;
	*out = args[0].type == ST_V_ARRAY ? args[0] : st_v_null();
}

IMPL(f_agg)
{
	UNUSED;
	*out = st_v_null();
}

/* ---- the table ------------------------------------------------------ */

#define N -1
static const st_func funcs[] = {
	{ "abs", 1, 1, 0, f_abs, NULL },
	{ "array", 0, N, 0, f_array, NULL },
	{ "array_contains", 2, 2, 0, f_array_contains, NULL },
	{ "base64", 1, 1, 0, f_base64, NULL },
	{ "bigint", 1, 1, 0, f_castfn, prep_castfn },
	{ "boolean", 1, 1, 0, f_castfn, prep_castfn },
	{ "cardinality", 1, 1, 0, f_size, NULL },
	{ "ceil", 1, 2, 0, f_ceil, NULL },
	{ "ceiling", 1, 2, 0, f_ceil, NULL },
	{ "char_length", 1, 1, 0, f_length, NULL },
	{ "coalesce", 1, N, F_LAZY, f_coalesce, NULL },
	{ "concat", 0, N, 0, f_concat, NULL },
	{ "concat_ws", 1, N, 0, f_concat_ws, NULL },
	{ "contains", 2, 2, 0, f_contains, NULL },
	{ "current_date", 0, 0, 0, f_current_date, NULL },
	{ "current_timestamp", 0, 0, 0, f_current_timestamp, NULL },
	{ "date", 1, 1, 0, f_castfn, prep_castfn },
	{ "date_add", 2, 2, 0, f_date_add, NULL },
	{ "date_format", 2, 2, 0, f_date_format, prep_fmt },
	{ "date_sub", 2, 2, 0, f_date_add, NULL },
	{ "date_trunc", 2, 2, 0, f_date_trunc, prep_date_trunc },
	{ "datediff", 2, 2, 0, f_datediff, NULL },
	{ "day", 1, 1, 0, f_dayofmonth, NULL },
	{ "dayofmonth", 1, 1, 0, f_dayofmonth, NULL },
	{ "dayofweek", 1, 1, 0, f_dayofweek, NULL },
	{ "dayofyear", 1, 1, 0, f_dayofyear, NULL },
	{ "decimal", 1, 1, 0, f_castfn, prep_castfn },
	{ "double", 1, 1, 0, f_castfn, prep_castfn },
	{ "element_at", 2, 2, 0, f_element_at, NULL },
	{ "endswith", 2, 2, 0, f_endswith, NULL },
	{ "exp", 1, 1, 0, f_exp, NULL },
	{ "explode", 1, 1, F_GEN, f_explode, NULL },
	{ "explode_outer", 1, 1, F_GEN | F_OUTER, f_explode, NULL },
	{ "float", 1, 1, 0, f_castfn, prep_castfn },
	{ "floor", 1, 2, 0, f_floor, NULL },
	{ "from_avro", 2, 2, 0, f_from_avro, prep_from_avro },
	{ "from_csv", 2, 2, 0, f_from_csv, prep_schema },
	{ "from_json", 2, 2, 0, f_from_json, prep_schema },
	{ "from_unixtime", 1, 2, 0, f_from_unixtime, prep_fmt },
	{ "greatest", 1, N, 0, f_greatest, NULL },
	{ "hour", 1, 1, 0, f_hour, NULL },
	{ "if", 3, 3, F_LAZY, f_if, NULL },
	{ "iff", 3, 3, F_LAZY, f_if, NULL },
	{ "ifnull", 2, 2, F_LAZY, f_coalesce, NULL },
	{ "initcap", 1, 1, 0, f_initcap, NULL },
	{ "instr", 2, 2, 0, f_instr, NULL },
	{ "int", 1, 1, 0, f_castfn, prep_castfn },
	{ "isnan", 1, 1, 0, f_isnan, NULL },
	{ "isnotnull", 1, 1, 0, f_isnotnull, NULL },
	{ "isnull", 1, 1, 0, f_isnull, NULL },
	{ "lcase", 1, 1, 0, f_lower, NULL },
	{ "least", 1, N, 0, f_least, NULL },
	{ "length", 1, 1, 0, f_length, NULL },
	{ "ln", 1, 1, 0, f_ln, NULL },
	{ "log", 1, 2, 0, f_log, NULL },
	{ "log10", 1, 1, 0, f_log10, NULL },
	{ "log2", 1, 1, 0, f_log2, NULL },
	{ "lower", 1, 1, 0, f_lower, NULL },
	{ "lpad", 2, 3, 0, f_lpad, NULL },
	{ "ltrim", 1, 2, 0, f_ltrim, NULL },
	{ "minute", 1, 1, 0, f_minute, NULL },
	{ "mod", 2, 2, 0, f_mod, NULL },
	{ "month", 1, 1, 0, f_month, NULL },
	{ "named_struct", 0, N, 0, f_named_struct, prep_named_struct },
	{ "now", 0, 0, 0, f_current_timestamp, NULL },
	{ "nullif", 2, 2, 0, f_nullif, NULL },
	{ "nvl", 2, 2, F_LAZY, f_coalesce, NULL },
	{ "nvl2", 3, 3, F_LAZY, f_nvl2, NULL },
	{ "pmod", 2, 2, 0, f_mod, NULL },
	{ "posexplode", 1, 1, F_GEN | F_POS, f_explode, NULL },
	{ "posexplode_outer", 1, 1, F_GEN | F_POS | F_OUTER, f_explode, NULL },
	{ "pow", 2, 2, 0, f_pow, NULL },
	{ "power", 2, 2, 0, f_pow, NULL },
	{ "quarter", 1, 1, 0, f_quarter, NULL },
	{ "regexp_extract", 2, 3, 0, f_regexp_extract, prep_regex },
	{ "regexp_replace", 3, 3, 0, f_regexp_replace, prep_regex },
	{ "repeat", 2, 2, 0, f_repeat, NULL },
	{ "replace", 2, 3, 0, f_replace, NULL },
	{ "reverse", 1, 1, 0, f_reverse, NULL },
	{ "round", 1, 2, 0, f_round, NULL },
	{ "rpad", 2, 3, 0, f_rpad, NULL },
	{ "rtrim", 1, 2, 0, f_rtrim, NULL },
	{ "second", 1, 1, 0, f_second, NULL },
	{ "sign", 1, 1, 0, f_sign, NULL },
	{ "signum", 1, 1, 0, f_sign, NULL },
	{ "size", 1, 1, 0, f_size, NULL },
	{ "split", 2, 3, 0, f_split, prep_regex },
	{ "sqrt", 1, 1, 0, f_sqrt, NULL },
	{ "startswith", 2, 2, 0, f_startswith, NULL },
	{ "string", 1, 1, 0, f_castfn, prep_castfn },
	{ "struct", 0, N, 0, f_struct, NULL },
	{ "substr", 2, 3, 0, f_substring, NULL },
	{ "substring", 2, 3, 0, f_substring, NULL },
	{ "timestamp", 1, 1, 0, f_castfn, prep_castfn },
	{ "timestamp_micros", 1, 1, 0, f_timestamp_micros, NULL },
	{ "timestamp_millis", 1, 1, 0, f_timestamp_millis, NULL },
	{ "timestamp_seconds", 1, 1, 0, f_timestamp_seconds, NULL },
	{ "to_avro", 1, 2, 0, f_to_avro, prep_to_avro },
	{ "to_csv", 1, 1, 0, f_to_csv, NULL },
	{ "to_date", 1, 2, 0, f_to_date, prep_fmt },
	{ "to_json", 1, 1, 0, f_to_json, NULL },
	{ "to_timestamp", 1, 2, 0, f_to_timestamp, prep_fmt },
	{ "to_unix_timestamp", 1, 2, 0, f_unix_timestamp, prep_fmt },
	{ "trim", 1, 2, 0, f_trim, NULL },
	{ "typeof", 1, 1, 0, f_typeof, NULL },
	{ "ucase", 1, 1, 0, f_upper, NULL },
	{ "unbase64", 1, 1, 0, f_unbase64, NULL },
	{ "unix_micros", 1, 1, 0, f_unix_micros, NULL },
	{ "unix_millis", 1, 1, 0, f_unix_millis, NULL },
	{ "unix_seconds", 1, 1, 0, f_unix_seconds, NULL },
	{ "unix_timestamp", 0, 2, 0, f_unix_timestamp, prep_fmt },
	{ "upper", 1, 1, 0, f_upper, NULL },
	{ "weekofyear", 1, 1, 0, f_weekofyear, NULL },
	{ "year", 1, 1, 0, f_year, NULL },
	{ NULL, 0, 0, 0, NULL, NULL }
};
#undef N

const st_func func_agg_placeholder = { "aggregate", 0, -1, F_AGG, f_agg,
	NULL };

static const char *const agg_names[] = {
	"sum", "count", "avg", "mean", "min", "max", "first", "last",
	"approx_count_distinct", "count_distinct", "collect_list",
	"collect_set", "stddev", "stddev_samp", "stddev_pop", "variance",
	"var_samp", "var_pop", "first_value", "last_value", "any", "every",
	"bool_and", "bool_or", "max_by", "min_by", "product", "median",
	"percentile_approx", "approx_percentile", "std", "some", "count_if",
	"any_value", NULL
};

const st_func *
func_lookup(const char *name, size_t len)
{
	for (const st_func *f = funcs; f->name; f++)
		if (strlen(f->name) == len && strncasecmp(f->name, name,
		    len) == 0)
			return f;
	return NULL;
}

int
func_is_agg_name(const char *name, size_t len)
{
	for (size_t i = 0; agg_names[i]; i++)
		if (strlen(agg_names[i]) == len &&
		    strncasecmp(agg_names[i], name, len) == 0)
			return 1;
	return 0;
}

const char *
func_suggest(const char *name, size_t len)
{
	static const char *names[sizeof funcs / sizeof *funcs];
	size_t n = 0;
	for (const st_func *f = funcs; f->name; f++)
		names[n++] = f->name;
	return st_suggest(name, len, names, n);
}
