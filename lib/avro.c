/* avro.c - Avro schemas, values and container files as st values, on
 * avro-c; see avro.h. avro-c reads and writes the bytes; it knows nothing
 * of logical types, so the schema is also walked here (jansson), into a
 * tree of nodes parallel to avro-c's schema, carrying the logical types
 * and the Spark type of each part. */
#include <avro.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "avro.h"
#include "bytes.h"
#include "err.h"

enum {
	L_NONE,
	L_DATE,
	L_TS_MILLIS,
	L_TS_MICROS,
	L_DECIMAL
};

typedef struct anode anode;
struct anode {
	avro_type_t t;
	int logical;
	int prec, scale;	/* decimal */
	int64_t size;		/* fixed */
	size_t n;		/* record fields, union branches, symbols */
	anode **kids;		/* record fields, union branches; [0]: array
				 * items, map values */
	const char **names;	/* record field names, enum symbols */
	uint32_t *nlens;
	int null_branch;	/* union: the null branch, or -1 */
	int nonnull;		/* union: how many branches are not null */
	int widen;		/* union of numbers only: BIGINT or DOUBLE */
	const char *fullname;	/* named types */
	int building;		/* a record being built (recursion guard) */
	st_type *type;
};

struct st_avro {
	char *text;		/* the schema's JSON text */
	avro_schema_t schema;
	avro_value_iface_t *iface;
	avro_value_t value;	/* reused for every decode and encode */
	avro_reader_t reader;
	anode *root;
	st_arena arena;		/* nodes, names, types */
	/* named types while parsing */
	anode **named;
	size_t nnamed;
	st_buf scratch;
};

/* ---- the schema tree ------------------------------------------------ */

static anode *
new_node(st_avro *a, avro_type_t t)
{
	anode *n = st_arena_alloc(&a->arena, sizeof *n);
	memset(n, 0, sizeof *n);
	n->t = t;
	n->null_branch = -1;
	return n;
}

static st_type *
new_type(st_avro *a, st_vtype kind)
{
	st_type *t = st_arena_alloc(&a->arena, sizeof *t);
	memset(t, 0, sizeof *t);
	t->kind = kind;
	return t;
}

static const char *
arena_str(st_avro *a, const char *s)
{
	return st_arena_strndup(&a->arena, s, strlen(s));
}

static int
primitive(const char *s, avro_type_t *t)
{
	static const struct { const char *name; avro_type_t t; } p[] = {
		{ "null", AVRO_NULL }, { "boolean", AVRO_BOOLEAN },
		{ "int", AVRO_INT32 }, { "long", AVRO_INT64 },
		{ "float", AVRO_FLOAT }, { "double", AVRO_DOUBLE },
		{ "bytes", AVRO_BYTES }, { "string", AVRO_STRING },
	};
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if (strcmp(s, p[i].name) == 0) {
			*t = p[i].t;
			return 1;
		}
	return 0;
}

/* The full name of a named type: name as is when it holds a dot, else
 * in namespace ns. */
static const char *
full_name(st_avro *a, const char *name, const char *ns)
{
	if (strchr(name, '.') || ns == NULL || *ns == '\0')
		return arena_str(a, name);
	st_buf_reset(&a->scratch);
	st_buf_printf(&a->scratch, "%s.%s", ns, name);
	return arena_str(a, a->scratch.data);
}

static anode *
find_named(st_avro *a, const char *name, const char *ns)
{
	const char *fn = full_name(a, name, ns);

	for (size_t i = 0; i < a->nnamed; i++)
		if (strcmp(a->named[i]->fullname, fn) == 0 ||
		    strcmp(a->named[i]->fullname, name) == 0)
			return a->named[i];
	/* a short name defined in another namespace */
	for (size_t i = 0; i < a->nnamed; i++) {
		const char *dot = strrchr(a->named[i]->fullname, '.');
		if (dot && strcmp(dot + 1, name) == 0)
			return a->named[i];
	}
	return NULL;
}

static void
add_named(st_avro *a, anode *n)
{
	a->named = st_realloc(a->named, (a->nnamed + 1) * sizeof *a->named);
	a->named[a->nnamed++] = n;
}

static void
simple_type(st_avro *a, anode *n)
{
	switch (n->t) {
	case AVRO_NULL:
		n->type = new_type(a, ST_V_NULL);
		break;
	case AVRO_BOOLEAN:
		n->type = new_type(a, ST_V_BOOLEAN);
		break;
	case AVRO_INT32:
		n->type = new_type(a, n->logical == L_DATE ? ST_V_DATE :
		    ST_V_INT);
		break;
	case AVRO_INT64:
		n->type = new_type(a, n->logical == L_TS_MILLIS ||
		    n->logical == L_TS_MICROS ? ST_V_TIMESTAMP : ST_V_BIGINT);
		break;
	case AVRO_FLOAT:
	case AVRO_DOUBLE:
		n->type = new_type(a, ST_V_DOUBLE);
		break;
	case AVRO_BYTES:
	case AVRO_FIXED:
		if (n->logical == L_DECIMAL) {
			n->type = new_type(a, ST_V_DECIMAL);
			n->type->prec = (uint8_t)(n->prec > 18 ? 18 : n->prec);
			n->type->scale = (uint8_t)(n->scale > n->type->prec ?
			    n->type->prec : n->scale);
			break;
		}
		n->type = new_type(a, ST_V_STRING);
		break;
	default:
		n->type = new_type(a, ST_V_STRING);
	}
}

static void
logical(anode *n, json_t *o)
{
	const char *lt = json_string_value(json_object_get(o, "logicalType"));

	if (lt == NULL)
		return;
	if (n->t == AVRO_INT32 && strcmp(lt, "date") == 0)
		n->logical = L_DATE;
	else if (n->t == AVRO_INT64 && (strcmp(lt, "timestamp-millis") == 0 ||
	    strcmp(lt, "local-timestamp-millis") == 0))
		n->logical = L_TS_MILLIS;
	else if (n->t == AVRO_INT64 && (strcmp(lt, "timestamp-micros") == 0 ||
	    strcmp(lt, "local-timestamp-micros") == 0))
		n->logical = L_TS_MICROS;
	else if ((n->t == AVRO_BYTES || n->t == AVRO_FIXED) &&
	    strcmp(lt, "decimal") == 0) {
		json_int_t p = json_integer_value(json_object_get(o,
		    "precision"));
		json_int_t s = json_integer_value(json_object_get(o, "scale"));
		/* an invalid decimal is ignored, as the spec says */
		if (p > 0 && s >= 0 && s <= p) {
			n->logical = L_DECIMAL;
			n->prec = (int)p;
			n->scale = (int)s;
		}
	}
}

static anode *build(st_avro *a, json_t *j, const char *ns, char *err,
    size_t errlen);

static anode *
build_union(st_avro *a, json_t *j, const char *ns, char *err, size_t errlen)
{
	anode *n = new_node(a, AVRO_UNION);
	size_t nb = json_array_size(j);
	int ints = 0, reals = 0;

	n->n = nb;
	n->kids = st_arena_alloc(&a->arena, (nb ? nb : 1) * sizeof *n->kids);
	for (size_t i = 0; i < nb; i++) {
		anode *k = build(a, json_array_get(j, i), ns, err, errlen);
		if (k == NULL)
			return NULL;
		n->kids[i] = k;
		if (k->t == AVRO_NULL) {
			n->null_branch = (int)i;
			continue;
		}
		n->nonnull++;
		if ((k->t == AVRO_INT32 || k->t == AVRO_INT64) && !k->logical)
			ints++;
		else if (k->t == AVRO_FLOAT || k->t == AVRO_DOUBLE)
			reals++;
	}
	if (n->nonnull == 0) {
		n->type = new_type(a, ST_V_NULL);
	} else if (n->nonnull == 1) {
		for (size_t i = 0; i < nb; i++)
			if ((int)i != n->null_branch)
				n->type = n->kids[i]->type;
	} else if (ints == n->nonnull) {
		n->widen = ST_V_BIGINT;
		n->type = new_type(a, ST_V_BIGINT);
	} else if (reals == n->nonnull) {
		n->widen = ST_V_DOUBLE;
		n->type = new_type(a, ST_V_DOUBLE);
	} else {
		/* Spark's member0, member1, ... */
		st_type *t = new_type(a, ST_V_STRUCT);
		t->nfields = (uint32_t)n->nonnull;
		t->names = st_arena_alloc(&a->arena, n->nonnull *
		    sizeof *t->names);
		t->ftypes = st_arena_alloc(&a->arena, n->nonnull *
		    sizeof *t->ftypes);
		int m = 0;
		for (size_t i = 0; i < nb; i++) {
			if ((int)i == n->null_branch)
				continue;
			st_buf_reset(&a->scratch);
			st_buf_printf(&a->scratch, "member%d", m);
			t->names[m] = arena_str(a, a->scratch.data);
			t->ftypes[m++] = n->kids[i]->type;
		}
		n->type = t;
	}
	return n;
}

static anode *
build_record(st_avro *a, json_t *j, const char *ns, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *space = json_string_value(json_object_get(j,
	    "namespace"));
	json_t *fields = json_object_get(j, "fields");
	anode *n = new_node(a, AVRO_RECORD);

	if (name == NULL || !json_is_array(fields)) {
		snprintf(err, errlen, "a record needs a name and fields");
		return NULL;
	}
	n->fullname = full_name(a, name, space ? space : ns);
	const char *dot = strrchr(n->fullname, '.');
	const char *inner = dot ? st_arena_strndup(&a->arena, n->fullname,
	    (size_t)(dot - n->fullname)) : ns;
	add_named(a, n);
	n->building = 1;
	n->n = json_array_size(fields);
	size_t cap = n->n ? n->n : 1;
	n->kids = st_arena_alloc(&a->arena, cap * sizeof *n->kids);
	n->names = st_arena_alloc(&a->arena, cap * sizeof *n->names);
	n->nlens = st_arena_alloc(&a->arena, cap * sizeof *n->nlens);
	st_type *t = new_type(a, ST_V_STRUCT);
	t->nfields = (uint32_t)n->n;
	t->names = st_arena_alloc(&a->arena, cap * sizeof *t->names);
	t->ftypes = st_arena_alloc(&a->arena, cap * sizeof *t->ftypes);
	for (size_t i = 0; i < n->n; i++) {
		json_t *f = json_array_get(fields, i);
		const char *fname = json_string_value(json_object_get(f,
		    "name"));
		if (fname == NULL) {
			snprintf(err, errlen, "a field of record '%s' has no "
			    "name", n->fullname);
			return NULL;
		}
		anode *k = build(a, json_object_get(f, "type"), inner, err,
		    errlen);
		if (k == NULL)
			return NULL;
		n->kids[i] = k;
		n->names[i] = arena_str(a, fname);
		n->nlens[i] = (uint32_t)strlen(fname);
		t->names[i] = n->names[i];
		t->ftypes[i] = k->type;
	}
	n->type = t;
	n->building = 0;
	return n;
}

static anode *
build(st_avro *a, json_t *j, const char *ns, char *err, size_t errlen)
{
	avro_type_t t;
	anode *n;

	if (json_is_string(j)) {
		const char *s = json_string_value(j);
		if (primitive(s, &t)) {
			n = new_node(a, t);
			simple_type(a, n);
			return n;
		}
		n = find_named(a, s, ns);
		if (n == NULL) {
			snprintf(err, errlen, "unknown type '%s'", s);
			return NULL;
		}
		if (n->building) {
			snprintf(err, errlen, "recursive schemas are not "
			    "supported (record '%s' contains itself)",
			    n->fullname);
			return NULL;
		}
		return n;
	}
	if (json_is_array(j))
		return build_union(a, j, ns, err, errlen);
	if (!json_is_object(j)) {
		snprintf(err, errlen, "a type must be a name, an object or "
		    "an array");
		return NULL;
	}
	json_t *tj = json_object_get(j, "type");
	const char *ts = json_string_value(tj);
	if (ts == NULL)
		return build(a, tj, ns, err, errlen);
	if (primitive(ts, &t)) {
		n = new_node(a, t);
		logical(n, j);
		simple_type(a, n);
		return n;
	}
	if (strcmp(ts, "record") == 0 || strcmp(ts, "error") == 0)
		return build_record(a, j, ns, err, errlen);
	if (strcmp(ts, "enum") == 0 || strcmp(ts, "fixed") == 0) {
		const char *name = json_string_value(json_object_get(j,
		    "name"));
		const char *space = json_string_value(json_object_get(j,
		    "namespace"));
		if (name == NULL) {
			snprintf(err, errlen, "an %s needs a name", ts);
			return NULL;
		}
		n = new_node(a, *ts == 'e' ? AVRO_ENUM : AVRO_FIXED);
		n->fullname = full_name(a, name, space ? space : ns);
		if (n->t == AVRO_ENUM) {
			json_t *sy = json_object_get(j, "symbols");
			n->n = json_array_size(sy);
			n->names = st_arena_alloc(&a->arena, (n->n ? n->n : 1) *
			    sizeof *n->names);
			for (size_t i = 0; i < n->n; i++) {
				const char *s = json_string_value(
				    json_array_get(sy, i));
				n->names[i] = arena_str(a, s ? s : "");
			}
		} else {
			n->size = json_integer_value(json_object_get(j,
			    "size"));
			logical(n, j);
		}
		simple_type(a, n);
		add_named(a, n);
		return n;
	}
	if (strcmp(ts, "array") == 0 || strcmp(ts, "map") == 0) {
		n = new_node(a, *ts == 'a' ? AVRO_ARRAY : AVRO_MAP);
		n->kids = st_arena_alloc(&a->arena, sizeof *n->kids);
		n->kids[0] = build(a, json_object_get(j, *ts == 'a' ?
		    "items" : "values"), ns, err, errlen);
		if (n->kids[0] == NULL)
			return NULL;
		if (n->t == AVRO_ARRAY) {
			n->type = new_type(a, ST_V_ARRAY);
			n->type->elem = n->kids[0]->type;
		} else {
			n->type = new_type(a, ST_V_NULL);	/* any */
		}
		return n;
	}
	n = find_named(a, ts, ns);
	if (n)
		return build(a, tj, ns, err, errlen);
	snprintf(err, errlen, "unknown type '%s'", ts);
	return NULL;
}

st_avro *
st_avro_parse(const char *json, size_t len, char *err, size_t errlen)
{
	st_avro *a = st_calloc(1, sizeof *a);
	json_error_t je;
	char why[200] = "";

	a->text = st_strndup(json, len);
	if (avro_schema_from_json_length(a->text, len, &a->schema) != 0) {
		snprintf(err, errlen, "invalid Avro schema: %s",
		    avro_strerror());
		a->schema = NULL;
		st_avro_free(a);
		return NULL;
	}
	json_t *j = json_loadb(json, len, JSON_DECODE_ANY, &je);
	a->root = j ? build(a, j, NULL, why, sizeof why) : NULL;
	json_decref(j);
	free(a->named);
	a->named = NULL;
	a->nnamed = 0;
	if (a->root == NULL) {
		snprintf(err, errlen, "invalid Avro schema: %s", *why ? why :
		    je.text);
		st_avro_free(a);
		return NULL;
	}
	a->iface = avro_generic_class_from_schema(a->schema);
	if (a->iface == NULL || avro_generic_value_new(a->iface,
	    &a->value) != 0) {
		snprintf(err, errlen, "invalid Avro schema: %s",
		    avro_strerror());
		if (a->iface)
			avro_value_iface_decref(a->iface);
		a->iface = NULL;
		st_avro_free(a);
		return NULL;
	}
	a->reader = avro_reader_memory("", 0);
	return a;
}

void
st_avro_free(st_avro *a)
{
	if (a == NULL)
		return;
	if (a->reader)
		avro_reader_free(a->reader);
	if (a->iface) {
		avro_value_decref(&a->value);
		avro_value_iface_decref(a->iface);
	}
	if (a->schema)
		avro_schema_decref(a->schema);
	free(a->named);
	st_arena_release(&a->arena);
	st_buf_release(&a->scratch);
	free(a->text);
	free(a);
}

const st_type *
st_avro_type(const st_avro *a)
{
	return a->root->type;
}

void
st_avro_schema_text(const st_avro *a, st_buf *b)
{
	st_buf_puts(b, a->text);
}

/* ---- decoding ------------------------------------------------------- */

/* The unscaled value of a big-endian two's complement decimal; -1 when it
 * does not fit 64 bits. */
static int
decimal_bytes(const unsigned char *p, size_t n, int64_t *out)
{
	uint64_t v = n && (p[0] & 0x80) ? UINT64_MAX : 0;

	for (size_t i = 0; i < n; i++) {
		if (i + 8 < n && p[i] != (v ? 0xff : 0))
			return -1;
		v = v << 8 | p[i];
	}
	*out = (int64_t)v;
	return 0;
}

static int
to_st(st_avro *a, st_arena *ar, avro_value_t *v, const anode *n,
    st_value *out)
{
	int32_t i32;
	int64_t i64;
	float f;
	double d;
	int b;
	const void *p;
	const char *s;
	size_t sz;

	switch (n->t) {
	case AVRO_NULL:
		*out = st_v_null();
		return 0;
	case AVRO_BOOLEAN:
		if (avro_value_get_boolean(v, &b))
			return -1;
		*out = st_v_bool(b);
		return 0;
	case AVRO_INT32:
		if (avro_value_get_int(v, &i32))
			return -1;
		*out = n->logical == L_DATE ? st_v_date(i32) : st_v_int(i32);
		return 0;
	case AVRO_INT64:
		if (avro_value_get_long(v, &i64))
			return -1;
		if (n->logical == L_TS_MILLIS) {
			if (i64 > INT64_MAX / 1000 || i64 < INT64_MIN / 1000)
				return -1;
			*out = st_v_timestamp(i64 * 1000);
		} else if (n->logical == L_TS_MICROS) {
			*out = st_v_timestamp(i64);
		} else {
			*out = st_v_bigint(i64);
		}
		return 0;
	case AVRO_FLOAT:
		if (avro_value_get_float(v, &f))
			return -1;
		*out = st_v_double(f);
		return 0;
	case AVRO_DOUBLE:
		if (avro_value_get_double(v, &d))
			return -1;
		*out = st_v_double(d);
		return 0;
	case AVRO_BYTES:
	case AVRO_FIXED:
		if ((n->t == AVRO_BYTES ? avro_value_get_bytes(v, &p, &sz) :
		    avro_value_get_fixed(v, &p, &sz)))
			return -1;
		if (n->logical == L_DECIMAL) {
			if (decimal_bytes(p, sz, &i64) < 0 || n->prec > 18)
				*out = st_v_null();	/* beyond 18 digits */
			else
				*out = st_v_decimal(i64, n->type->prec,
				    n->type->scale);
			return 0;
		}
		st_buf_reset(&a->scratch);
		st_base64_encode(&a->scratch, p, sz);
		*out = st_v_string_copy(ar, a->scratch.data ? a->scratch.data :
		    "", a->scratch.len);
		return 0;
	case AVRO_STRING:
		if (avro_value_get_string(v, &s, &sz))
			return -1;
		*out = st_v_string_copy(ar, s, sz ? sz - 1 : 0);
		return 0;
	case AVRO_ENUM:
		if (avro_value_get_enum(v, &b) || b < 0 || (size_t)b >= n->n)
			return -1;
		*out = st_v_string(n->names[b], strlen(n->names[b]));
		return 0;
	case AVRO_RECORD: {
		st_value r = st_v_struct(ar, (uint32_t)n->n);
		for (size_t i = 0; i < n->n; i++) {
			avro_value_t c;
			if (avro_value_get_by_index(v, i, &c, NULL))
				return -1;
			r.u.a.names[i] = n->names[i];
			r.u.a.nlens[i] = n->nlens[i];
			if (to_st(a, ar, &c, n->kids[i], &r.u.a.v[i]) < 0)
				return -1;
		}
		*out = r;
		return 0;
	}
	case AVRO_ARRAY:
	case AVRO_MAP: {
		if (avro_value_get_size(v, &sz))
			return -1;
		st_value r = n->t == AVRO_ARRAY ? st_v_array(ar, (uint32_t)sz) :
		    st_v_struct(ar, (uint32_t)sz);
		for (size_t i = 0; i < sz; i++) {
			avro_value_t c;
			const char *key = NULL;
			if (avro_value_get_by_index(v, i, &c, &key))
				return -1;
			if (n->t == AVRO_MAP) {
				r.u.a.names[i] = st_arena_strndup(ar, key,
				    strlen(key));
				r.u.a.nlens[i] = (uint32_t)strlen(key);
			}
			if (to_st(a, ar, &c, n->kids[0], &r.u.a.v[i]) < 0)
				return -1;
		}
		*out = r;
		return 0;
	}
	case AVRO_UNION: {
		avro_value_t c;
		if (avro_value_get_discriminant(v, &b) ||
		    avro_value_get_current_branch(v, &c) || b < 0 ||
		    (size_t)b >= n->n)
			return -1;
		if (b == n->null_branch) {
			*out = st_v_null();
			return 0;
		}
		st_value x;
		if (to_st(a, ar, &c, n->kids[b], &x) < 0)
			return -1;
		if (n->nonnull == 1) {
			*out = x;
		} else if (n->widen == ST_V_BIGINT) {
			*out = st_v_bigint(x.u.i);
		} else if (n->widen == ST_V_DOUBLE) {
			*out = x;
		} else {
			st_value r = st_v_struct(ar, (uint32_t)n->nonnull);
			for (uint32_t m = 0; m < r.u.a.n; m++) {
				r.u.a.names[m] = n->type->names[m];
				r.u.a.nlens[m] = (uint32_t)strlen(
				    n->type->names[m]);
			}
			int m = b - (n->null_branch >= 0 && n->null_branch < b);
			r.u.a.v[m] = x;
			*out = r;
		}
		return 0;
	}
	default:
		return -1;
	}
}

int
st_avro_decode(st_avro *a, st_arena *ar, const void *p, size_t n,
    st_value *out)
{
	avro_value_reset(&a->value);
	avro_reader_memory_set_source(a->reader, p, (int64_t)n);
	if (avro_value_read(a->reader, &a->value) != 0)
		return -1;
	/* every byte must belong to the value */
	if (avro_reader_is_eof(a->reader) == 0) {
		char c;
		if (avro_read(a->reader, &c, 1) == 0)
			return -1;
	}
	return to_st(a, ar, &a->value, a->root, out);
}

/* ---- encoding ------------------------------------------------------- */

static int
cast_to(st_arena *ar, const st_value *v, const st_type *t, st_value *out)
{
	if (v->type == t->kind && t->kind != ST_V_DECIMAL) {
		*out = *v;
		return 0;
	}
	st_value_cast(ar, v, t, out);
	return out->type == ST_V_NULL ? -1 : 0;
}

/* True when value v is of the kind node n holds, with no cast. */
static int
exact(const st_value *v, const anode *n)
{
	switch (v->type) {
	case ST_V_BOOLEAN:
		return n->t == AVRO_BOOLEAN;
	case ST_V_INT:
		return n->t == AVRO_INT32 && !n->logical;
	case ST_V_BIGINT:
		return n->t == AVRO_INT64 && !n->logical;
	case ST_V_DOUBLE:
		return n->t == AVRO_DOUBLE || n->t == AVRO_FLOAT;
	case ST_V_DECIMAL:
		return n->logical == L_DECIMAL;
	case ST_V_STRING:
		return n->t == AVRO_STRING || n->t == AVRO_ENUM ||
		    ((n->t == AVRO_BYTES || n->t == AVRO_FIXED) &&
		    !n->logical);
	case ST_V_TIMESTAMP:
		return n->t == AVRO_INT64 && n->logical;
	case ST_V_DATE:
		return n->t == AVRO_INT32 && n->logical == L_DATE;
	case ST_V_ARRAY:
		return n->t == AVRO_ARRAY;
	case ST_V_STRUCT:
		return n->t == AVRO_RECORD || n->t == AVRO_MAP;
	default:
		return 0;
	}
}

static int from_st(st_avro *a, st_arena *ar, const st_value *v,
    const anode *n, avro_value_t *av);

static int
encode_decimal(st_arena *ar, const st_value *v, const anode *n,
    avro_value_t *av)
{
	st_value c;
	unsigned char be[16];

	if (n->prec > 18 || cast_to(ar, v, n->type, &c) < 0)
		return -1;
	int64_t u = c.u.i;
	size_t len = 8;
	for (int i = 0; i < 8; i++)
		be[i] = (unsigned char)((uint64_t)u >> (56 - 8 * i));
	if (n->t == AVRO_FIXED) {
		if (n->size < 1 || n->size > 16)
			return -1;
		unsigned char fx[16];
		size_t fs = (size_t)n->size;
		for (size_t i = 0; i < fs; i++)
			fx[fs - 1 - i] = i < 8 ? be[7 - i] : (u < 0 ? 0xff : 0);
		/* the value must fit: the bytes cut off repeat the sign */
		for (size_t i = fs; i < 8; i++)
			if (be[7 - i] != (u < 0 ? 0xff : 0))
				return -1;
		return avro_value_set_fixed(av, fx, fs) ? -1 : 0;
	}
	/* the shortest two's complement */
	size_t off = 0;
	while (off < 7 && ((be[off] == 0 && !(be[off + 1] & 0x80)) ||
	    (be[off] == 0xff && (be[off + 1] & 0x80))))
		off++;
	len -= off;
	return avro_value_set_bytes(av, be + off, len) ? -1 : 0;
}

static int
encode_union(st_avro *a, st_arena *ar, const st_value *v, const anode *n,
    avro_value_t *av)
{
	avro_value_t br;

	if (v->type == ST_V_NULL) {
		if (n->null_branch < 0 || avro_value_set_branch(av,
		    n->null_branch, &br))
			return -1;
		return avro_value_set_null(&br) ? -1 : 0;
	}
	/* Spark's member0, member1, ...: the member that holds a value */
	if (n->nonnull > 1 && !n->widen && v->type == ST_V_STRUCT &&
	    v->u.a.n == (uint32_t)n->nonnull && v->u.a.n > 0 &&
	    v->u.a.nlens[0] == 7 && memcmp(v->u.a.names[0], "member0",
	    7) == 0) {
		for (uint32_t m = 0; m < v->u.a.n; m++) {
			if (v->u.a.v[m].type == ST_V_NULL)
				continue;
			int b = (int)m + (n->null_branch >= 0 &&
			    n->null_branch <= (int)m);
			if (avro_value_set_branch(av, b, &br))
				return -1;
			return from_st(a, ar, &v->u.a.v[m], n->kids[b], &br);
		}
		return encode_union(a, ar, &(st_value){ ST_V_NULL }, n, av);
	}
	/* the first branch of the value's kind, else the first it fits */
	for (int pass = 0; pass < 2; pass++)
		for (size_t b = 0; b < n->n; b++) {
			if ((int)b == n->null_branch ||
			    (pass == 0 && !exact(v, n->kids[b])))
				continue;
			if (avro_value_set_branch(av, (int)b, &br))
				return -1;
			if (from_st(a, ar, v, n->kids[b], &br) == 0)
				return 0;
		}
	return -1;
}

static int
from_st(st_avro *a, st_arena *ar, const st_value *v, const anode *n,
    avro_value_t *av)
{
	st_value c;

	if (n->t == AVRO_UNION)
		return encode_union(a, ar, v, n, av);
	if (v->type == ST_V_NULL)
		return n->t == AVRO_NULL && avro_value_set_null(av) == 0 ? 0 :
		    -1;
	switch (n->t) {
	case AVRO_NULL:
		return -1;
	case AVRO_BOOLEAN:
		if (cast_to(ar, v, st_type_simple(ST_V_BOOLEAN), &c) < 0)
			return -1;
		return avro_value_set_boolean(av, c.u.b) ? -1 : 0;
	case AVRO_INT32:
		if (n->logical == L_DATE) {
			if (cast_to(ar, v, st_type_simple(ST_V_DATE), &c) < 0)
				return -1;
		} else if (cast_to(ar, v, st_type_simple(ST_V_BIGINT), &c) <
		    0 || c.u.i < INT32_MIN || c.u.i > INT32_MAX) {
			return -1;
		}
		return avro_value_set_int(av, (int32_t)c.u.i) ? -1 : 0;
	case AVRO_INT64:
		if (n->logical) {
			if (cast_to(ar, v, st_type_simple(ST_V_TIMESTAMP),
			    &c) < 0)
				return -1;
			int64_t t = c.u.i;
			if (n->logical == L_TS_MILLIS)
				t = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
			return avro_value_set_long(av, t) ? -1 : 0;
		}
		if (cast_to(ar, v, st_type_simple(ST_V_BIGINT), &c) < 0)
			return -1;
		return avro_value_set_long(av, c.u.i) ? -1 : 0;
	case AVRO_FLOAT:
	case AVRO_DOUBLE:
		if (cast_to(ar, v, st_type_simple(ST_V_DOUBLE), &c) < 0)
			return -1;
		return (n->t == AVRO_FLOAT ? avro_value_set_float(av,
		    (float)c.u.d) : avro_value_set_double(av, c.u.d)) ? -1 : 0;
	case AVRO_STRING:
	case AVRO_ENUM:
		if (cast_to(ar, v, st_type_simple(ST_V_STRING), &c) < 0)
			return -1;
		if (n->t == AVRO_ENUM) {
			for (size_t i = 0; i < n->n; i++)
				if (strlen(n->names[i]) == c.u.s.n &&
				    memcmp(n->names[i], c.u.s.p, c.u.s.n) == 0)
					return avro_value_set_enum(av,
					    (int)i) ? -1 : 0;
			return -1;
		}
		return avro_value_set_string_len(av, st_arena_strndup(ar,
		    c.u.s.p, c.u.s.n), c.u.s.n + 1) ? -1 : 0;
	case AVRO_BYTES:
	case AVRO_FIXED:
		if (n->logical == L_DECIMAL)
			return encode_decimal(ar, v, n, av);
		if (cast_to(ar, v, st_type_simple(ST_V_STRING), &c) < 0)
			return -1;
		st_buf_reset(&a->scratch);
		if (st_base64_decode(&a->scratch, c.u.s.p, c.u.s.n) < 0)
			return -1;
		if (n->t == AVRO_FIXED) {
			if ((int64_t)a->scratch.len != n->size)
				return -1;
			return avro_value_set_fixed(av, a->scratch.data ?
			    a->scratch.data : "", a->scratch.len) ? -1 : 0;
		}
		return avro_value_set_bytes(av, a->scratch.data ?
		    a->scratch.data : "", a->scratch.len) ? -1 : 0;
	case AVRO_RECORD:
		if (v->type != ST_V_STRUCT)
			return -1;
		for (size_t i = 0; i < n->n; i++) {
			avro_value_t f;
			const st_value *x = st_value_struct_get(v, n->names[i],
			    n->nlens[i]);
			st_value null = st_v_null();
			if (avro_value_get_by_index(av, i, &f, NULL) ||
			    from_st(a, ar, x ? x : &null, n->kids[i], &f) < 0)
				return -1;
		}
		return 0;
	case AVRO_ARRAY:
		if (v->type != ST_V_ARRAY)
			return -1;
		for (uint32_t i = 0; i < v->u.a.n; i++) {
			avro_value_t e;
			if (avro_value_append(av, &e, NULL) ||
			    from_st(a, ar, &v->u.a.v[i], n->kids[0], &e) < 0)
				return -1;
		}
		return 0;
	case AVRO_MAP:
		if (v->type != ST_V_STRUCT)
			return -1;
		for (uint32_t i = 0; i < v->u.a.n; i++) {
			avro_value_t e;
			const char *k = st_arena_strndup(ar, v->u.a.names[i],
			    v->u.a.nlens[i]);
			if (avro_value_add(av, k, &e, NULL, NULL) ||
			    from_st(a, ar, &v->u.a.v[i], n->kids[0], &e) < 0)
				return -1;
		}
		return 0;
	default:
		return -1;
	}
}

int
st_avro_encode(st_avro *a, const st_value *v, st_buf *out)
{
	st_arena ar = ST_ARENA_INIT;
	size_t sz;
	int rc = -1;

	avro_value_reset(&a->value);
	if (from_st(a, &ar, v, a->root, &a->value) == 0 &&
	    avro_value_sizeof(&a->value, &sz) == 0) {
		st_buf_grow(out, sz + 1);
		avro_writer_t w = avro_writer_memory(out->data + out->len,
		    (int64_t)sz);
		if (w && avro_value_write(w, &a->value) == 0 &&
		    avro_writer_tell(w) == (int64_t)sz) {
			out->len += sz;
			out->data[out->len] = '\0';
			rc = 0;
		}
		if (w)
			avro_writer_free(w);
	}
	st_arena_release(&ar);
	return rc;
}

/* ---- deriving a schema from a value --------------------------------- */

static void put_jstr(st_buf *b, const char *s, size_t n);

static int derive(st_buf *b, const st_value *v, const char *name,
    const char *ns);

/* A nullable type: [T, "null"]; a null of unknown type is a string. */
static int
derive_nullable(st_buf *b, const st_value *v, const char *name,
    const char *ns)
{
	st_buf_putc(b, '[');
	if (v == NULL || v->type == ST_V_NULL)
		st_buf_puts(b, "\"string\"");
	else if (derive(b, v, name, ns) < 0)
		return -1;
	st_buf_puts(b, ",\"null\"]");
	return 0;
}

static int
derive(st_buf *b, const st_value *v, const char *name, const char *ns)
{
	switch (v->type) {
	case ST_V_BOOLEAN:
		st_buf_puts(b, "\"boolean\"");
		return 0;
	case ST_V_INT:
		st_buf_puts(b, "\"int\"");
		return 0;
	case ST_V_BIGINT:
		st_buf_puts(b, "\"long\"");
		return 0;
	case ST_V_DOUBLE:
		st_buf_puts(b, "\"double\"");
		return 0;
	case ST_V_STRING:
		st_buf_puts(b, "\"string\"");
		return 0;
	case ST_V_DECIMAL:
		st_buf_printf(b, "{\"type\":\"bytes\",\"logicalType\":"
		    "\"decimal\",\"precision\":%d,\"scale\":%d}",
		    v->prec ? v->prec : 18, v->scale);
		return 0;
	case ST_V_TIMESTAMP:
		st_buf_puts(b, "{\"type\":\"long\",\"logicalType\":"
		    "\"timestamp-micros\"}");
		return 0;
	case ST_V_DATE:
		st_buf_puts(b, "{\"type\":\"int\",\"logicalType\":\"date\"}");
		return 0;
	case ST_V_ARRAY: {
		const st_value *e = NULL;
		for (uint32_t i = 0; i < v->u.a.n && e == NULL; i++)
			if (v->u.a.v[i].type != ST_V_NULL)
				e = &v->u.a.v[i];
		st_buf_puts(b, "{\"type\":\"array\",\"items\":");
		if (derive_nullable(b, e, name, ns) < 0)
			return -1;
		st_buf_putc(b, '}');
		return 0;
	}
	case ST_V_STRUCT: {
		st_buf full = ST_BUF_INIT;
		st_buf_puts(b, "{\"type\":\"record\",\"name\":");
		put_jstr(b, name, strlen(name));
		if (ns) {
			st_buf_puts(b, ",\"namespace\":");
			put_jstr(b, ns, strlen(ns));
			st_buf_printf(&full, "%s.%s", ns, name);
		} else {
			st_buf_puts(&full, name);
		}
		st_buf_puts(b, ",\"fields\":[");
		int rc = 0;
		for (uint32_t i = 0; i < v->u.a.n && rc == 0; i++) {
			char *fname = st_strndup(v->u.a.names[i],
			    v->u.a.nlens[i]);
			if (i)
				st_buf_putc(b, ',');
			st_buf_puts(b, "{\"name\":");
			put_jstr(b, fname, strlen(fname));
			st_buf_puts(b, ",\"type\":");
			rc = derive_nullable(b, &v->u.a.v[i], fname,
			    full.data);
			st_buf_putc(b, '}');
			free(fname);
		}
		st_buf_puts(b, "]}");
		st_buf_release(&full);
		return rc;
	}
	default:
		return -1;	/* INTERVAL, and no type for NULL */
	}
}

static void
put_jstr(st_buf *b, const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	st_buf_puts(b, t ? t : "\"\"");
	free(t);
	json_decref(j);
}

int
st_avro_derive_text(const st_value *v, st_buf *b)
{
	size_t len = b->len;

	if (v->type == ST_V_NULL || derive(b, v, "topLevelRecord", NULL) < 0) {
		b->len = len;
		if (b->cap)
			b->data[len] = '\0';
		return -1;
	}
	return 0;
}

st_avro *
st_avro_derive(const st_value *v)
{
	st_buf b = ST_BUF_INIT;
	char err[256];
	st_avro *a = NULL;

	if (st_avro_derive_text(v, &b) == 0)
		a = st_avro_parse(b.data, b.len, err, sizeof err);
	st_buf_release(&b);
	return a;
}

/* ---- container files ------------------------------------------------ */

/*
 * Read here block by block (avro-c decodes each record): the header's
 * "avro.schema" keeps the logical types that avro-c's own rendering of
 * the schema drops, and avro-c's file reader leaks its schema.
 */
struct st_avro_file {
	FILE *fp;
	char *path;
	st_avro *a;
	char sync[16];
	int deflate;		/* codec deflate, else null */
	avro_reader_t rd;	/* over the block */
	int64_t left;		/* records left in the block */
	st_buf block, raw;
};

/* Reads a zigzag varint from f; -1 at end or on a bad one. */
static int
read_long(FILE *f, int64_t *out)
{
	uint64_t v = 0;
	int shift = 0, c;

	do {
		if ((c = getc(f)) == EOF || shift > 63)
			return -1;
		v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	*out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
	return 0;
}

/* n bytes of f into b (replacing); -1 when short. */
static int
read_bytes(FILE *f, int64_t n, st_buf *b)
{
	st_buf_reset(b);
	if (n < 0 || n > 256 * 1024 * 1024)
		return -1;
	st_buf_grow(b, (size_t)n);
	if (fread(b->data, 1, (size_t)n, f) != (size_t)n)
		return -1;
	b->len = (size_t)n;
	b->data[n] = '\0';
	return 0;
}

/* The header: magic, the metadata map (schema, codec), the sync marker. */
static int
read_header(st_avro_file *f, st_buf *schema, char *err, size_t errlen)
{
	char magic[4];
	int64_t count, n;
	st_buf key = ST_BUF_INIT, val = ST_BUF_INIT;
	int rc = -1, have = 0;

	if (fread(magic, 1, 4, f->fp) != 4 || memcmp(magic, "Obj\1", 4)) {
		snprintf(err, errlen, "not an Avro object container file");
		return -1;
	}
	while (read_long(f->fp, &count) == 0) {
		if (count == 0) {
			rc = 0;
			break;
		}
		if (count < 0) {
			count = -count;
			if (read_long(f->fp, &n) < 0)
				break;
		}
		for (int64_t i = 0; i < count; i++) {
			if (read_long(f->fp, &n) < 0 ||
			    read_bytes(f->fp, n, &key) < 0 ||
			    read_long(f->fp, &n) < 0 ||
			    read_bytes(f->fp, n, &val) < 0)
				goto out;
			if (strcmp(key.data, "avro.schema") == 0) {
				st_buf_reset(schema);
				st_buf_add(schema, val.data, val.len);
				have = 1;
			} else if (strcmp(key.data, "avro.codec") == 0) {
				if (strcmp(val.data, "deflate") == 0) {
					f->deflate = 1;
				} else if (strcmp(val.data, "null") != 0) {
					snprintf(err, errlen, "codec '%s' is "
					    "not supported (null, deflate)",
					    val.data);
					rc = -2;
					goto out;
				}
			}
		}
	}
out:
	if (rc == 0 && fread(f->sync, 1, 16, f->fp) != 16)
		rc = -1;
	if (rc == 0 && !have) {
		snprintf(err, errlen, "no schema in the file header");
		rc = -2;
	}
	if (rc == -1)
		snprintf(err, errlen, "a damaged file header");
	st_buf_release(&key);
	st_buf_release(&val);
	return rc < 0 ? -1 : 0;
}

st_avro_file *
st_avro_file_open(const char *path, char *err, size_t errlen)
{
	st_avro_file *f = st_calloc(1, sizeof *f);
	st_buf schema = ST_BUF_INIT;

	f->fp = fopen(path, "rb");
	if (f->fp == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(f);
		return NULL;
	}
	f->path = st_strdup(path);
	if (read_header(f, &schema, err, errlen) < 0 ||
	    (f->a = st_avro_parse(schema.data, schema.len, err,
	    errlen)) == NULL) {
		st_buf_release(&schema);
		st_avro_file_close(f);
		return NULL;
	}
	st_buf_release(&schema);
	f->rd = avro_reader_memory("", 0);
	return f;
}

const st_avro *
st_avro_file_schema(const st_avro_file *f)
{
	return f->a;
}

/* Inflates f->raw (raw deflate, RFC 1951) into f->block. */
static int
inflate_block(st_avro_file *f)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -15) != Z_OK)
		return -1;
	st_buf_reset(&f->block);
	z.next_in = (unsigned char *)f->raw.data;
	z.avail_in = (unsigned)f->raw.len;
	do {
		st_buf_grow(&f->block, f->raw.len * 2 + 4096);
		z.next_out = (unsigned char *)f->block.data + f->block.len;
		z.avail_out = (unsigned)(f->block.cap - f->block.len - 1);
		rc = inflate(&z, Z_NO_FLUSH);
		f->block.len = f->block.cap - 1 - z.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/* The next block: 1, 0 at the end of the file, -1 when damaged. */
static int
next_block(st_avro_file *f)
{
	int64_t count, size;
	char sync[16];
	int c = getc(f->fp);

	if (c == EOF)
		return 0;
	ungetc(c, f->fp);
	if (read_long(f->fp, &count) < 0 || count < 0 ||
	    read_long(f->fp, &size) < 0 ||
	    read_bytes(f->fp, size, f->deflate ? &f->raw : &f->block) < 0 ||
	    fread(sync, 1, 16, f->fp) != 16 ||
	    memcmp(sync, f->sync, 16) != 0)
		return -1;
	if (f->deflate && inflate_block(f) < 0)
		return -1;
	avro_reader_memory_set_source(f->rd, f->block.data ? f->block.data :
	    "", (int64_t)f->block.len);
	f->left = count;
	return 1;
}

int
st_avro_file_next(st_avro_file *f, st_arena *ar, st_value *out, char *err,
    size_t errlen)
{
	while (f->left == 0) {
		int rc = next_block(f);
		if (rc <= 0) {
			if (rc < 0)
				snprintf(err, errlen, "a damaged block");
			return rc;
		}
	}
	f->left--;
	avro_value_reset(&f->a->value);
	if (avro_value_read(f->rd, &f->a->value) != 0 ||
	    to_st(f->a, ar, &f->a->value, f->a->root, out) < 0) {
		snprintf(err, errlen, "a record that does not fit its schema");
		return -1;
	}
	return 1;
}

void
st_avro_file_close(st_avro_file *f)
{
	if (f == NULL)
		return;
	if (f->rd)
		avro_reader_free(f->rd);
	if (f->fp)
		fclose(f->fp);
	st_avro_free(f->a);
	st_buf_release(&f->block);
	st_buf_release(&f->raw);
	free(f->path);
	free(f);
}
