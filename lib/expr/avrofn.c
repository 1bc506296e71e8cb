/* avrofn.c - from_avro() and to_avro(), Spark's Avro functions, over
 * lib/avro.h. Avro binary data travels as base64 text (st has no BINARY
 * type; see st-expr(7)). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avro.h"
#include "bytes.h"
#include "err.h"
#include "internal.h"

/* What a to_avro() call keeps: its schema, or the last schema derived
 * from a value and that schema's text (most records derive the same). */
typedef struct to_avro_state {
	st_avro *fixed;
	st_avro *derived;
	st_buf dtext;
	st_buf scratch;
} to_avro_state;

static void
free_avro(void *p)
{
	st_avro_free(p);
}

static void
free_state(void *p)
{
	to_avro_state *s = p;

	st_avro_free(s->fixed);
	st_avro_free(s->derived);
	st_buf_release(&s->dtext);
	st_buf_release(&s->scratch);
	free(s);
}

/* The schema argument: a string literal holding an Avro schema. */
static st_avro *
schema_arg(node *n, node *s, char *err, size_t errlen, size_t *errpos)
{
	char why[256];

	if (s->kind != N_LIT || s->lit.type != ST_V_STRING) {
		snprintf(err, errlen, "%s() wants its Avro schema as a string "
		    "literal, as in %s(%s, '{\"type\":\"record\", ...}')",
		    n->fn->name, n->fn->name, strcmp(n->fn->name,
		    "from_avro") == 0 ? "value" : "struct(*)");
		*errpos = s->pos;
		return NULL;
	}
	st_avro *a = st_avro_parse(s->lit.u.s.p, s->lit.u.s.n, why,
	    sizeof why);
	if (a == NULL) {
		snprintf(err, errlen, "%s", why);
		*errpos = s->pos;
	}
	return a;
}

int
prep_from_avro(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos)
{
	st_avro *a = schema_arg(n, n->args[1], err, errlen, errpos);

	if (a == NULL)
		return -1;
	list_add_free(l, free_avro, a);
	n->aux = a;
	if (st_avro_type(a)->kind != ST_V_NULL)
		n->type = st_avro_type(a);
	return 0;
}

void
f_from_avro(st_eval *ev, const node *n, st_value *args, int nargs,
    st_value *out)
{
	st_buf bytes = ST_BUF_INIT;

	(void)nargs;
	*out = st_v_null();
	if (args[0].type == ST_V_NULL)
		return;
	eval_cast(ev, &args[0], ST_V_STRING, &args[0]);
	if (args[0].type != ST_V_STRING)
		return;
	/* base64 text, as st carries binary data */
	if (st_base64_decode(&bytes, args[0].u.s.p, args[0].u.s.n) == 0 &&
	    st_avro_decode(n->aux, &ev->arena, bytes.data,
	    bytes.len, out) < 0)
		*out = st_v_null();
	st_buf_release(&bytes);
}

int
prep_to_avro(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos)
{
	to_avro_state *s = st_calloc(1, sizeof *s);

	if (n->nargs == 2) {
		s->fixed = schema_arg(n, n->args[1], err, errlen, errpos);
		if (s->fixed == NULL) {
			free(s);
			return -1;
		}
	}
	list_add_free(l, free_state, s);
	n->aux = s;
	return 0;
}

void
f_to_avro(st_eval *ev, const node *n, st_value *args, int nargs,
    st_value *out)
{
	to_avro_state *s = n->aux;
	st_avro *a = s->fixed;

	(void)nargs;
	*out = st_v_null();
	if (args[0].type == ST_V_NULL)
		return;
	if (a == NULL) {
		st_buf_reset(&s->scratch);
		if (st_avro_derive_text(&args[0], &s->scratch) < 0)
			return;
		if (s->derived == NULL || s->scratch.len != s->dtext.len ||
		    memcmp(s->scratch.data, s->dtext.data, s->dtext.len) != 0) {
			char why[256];
			st_avro_free(s->derived);
			s->derived = st_avro_parse(s->scratch.data,
			    s->scratch.len, why, sizeof why);
			st_buf_reset(&s->dtext);
			if (s->derived == NULL)
				return;
			st_buf_add(&s->dtext, s->scratch.data, s->scratch.len);
		}
		a = s->derived;
	}
	st_buf bin = ST_BUF_INIT, text = ST_BUF_INIT;
	if (st_avro_encode(a, &args[0], &bin) == 0) {
		st_base64_encode(&text, bin.data,
		    bin.len);
		*out = st_v_string_copy(&ev->arena, text.data,
		    text.len);
	}
	st_buf_release(&bin);
	st_buf_release(&text);
}
