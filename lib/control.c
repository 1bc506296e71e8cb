/* control.c - see control.h. */
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "err.h"

int
st_ctl_parse(st_ctl *c, const char *line, size_t len, const char **err)
{
	json_error_t je;

	memset(c, 0, sizeof *c);
	c->batch = -1;
	c->obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (c->obj == NULL || !json_is_object(c->obj)) {
		*err = "malformed control line";
		json_decref(c->obj);
		c->obj = NULL;
		return -1;
	}
	const char *kind = json_string_value(json_object_get(c->obj, "@st"));
	if (kind == NULL) {
		*err = "control line without a kind";
		st_ctl_release(c);
		return -1;
	}
	if (strcmp(kind, "begin") == 0)
		c->kind = ST_CTL_BEGIN;
	else if (strcmp(kind, "end") == 0)
		c->kind = ST_CTL_END;
	else if (strcmp(kind, "source") == 0)
		c->kind = ST_CTL_SOURCE;
	else
		c->kind = ST_CTL_OTHER;
	if (c->kind == ST_CTL_BEGIN || c->kind == ST_CTL_END) {
		json_t *b = json_object_get(c->obj, "batch");
		if (!json_is_integer(b) || json_integer_value(b) < 0) {
			*err = "control line without a valid batch id";
			st_ctl_release(c);
			return -1;
		}
		c->batch = json_integer_value(b);
	}
	if (c->kind == ST_CTL_SOURCE &&
	    !json_is_string(json_object_get(c->obj, "name"))) {
		*err = "source control line without a name";
		st_ctl_release(c);
		return -1;
	}
	return 0;
}

void
st_ctl_release(st_ctl *c)
{
	json_decref(c->obj);
	c->obj = NULL;
}

json_t *
st_ctl_new_begin(int64_t id, int64_t ts_ms)
{
	json_t *o = json_object();

	json_object_set_new(o, "@st", json_string("begin"));
	json_object_set_new(o, "batch", json_integer(id));
	json_object_set_new(o, "ts", json_integer(ts_ms));
	return o;
}

json_t *
st_ctl_new_end(int64_t id)
{
	json_t *o = json_object();

	json_object_set_new(o, "@st", json_string("end"));
	json_object_set_new(o, "batch", json_integer(id));
	json_object_set_new(o, "progress", json_array());
	return o;
}

json_t *
st_ctl_new_source(const char *name)
{
	json_t *o = json_object();

	json_object_set_new(o, "@st", json_string("source"));
	json_object_set_new(o, "name", json_string(name));
	return o;
}

void
st_ctl_serialize(json_t *obj, st_buf *b)
{
	/* "@st" must come first so readers can detect control lines by
	 * prefix; write it by hand, then the rest in insertion order. */
	const char *kind = json_string_value(json_object_get(obj, "@st"));
	const char *key;
	json_t *v;

	st_buf_add(b, ST_CONTROL_PREFIX, ST_CONTROL_PREFIX_LEN);
	st_buf_put_json_string(b, kind ? kind : "", kind ? strlen(kind) : 0);
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "@st") == 0)
			continue;
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
		    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
		st_buf_putc(b, ',');
		st_buf_put_json_string(b, key, strlen(key));
		st_buf_putc(b, ':');
		st_buf_puts(b, t ? t : "null");
		free(t);
	}
	st_buf_putc(b, '}');
}

void
st_write_data_line(st_writer *w, const char *line, size_t len)
{
	static int noted;

	if (st_is_control(line, len)) {
		if (!noted++)
			st_warn("a record's first field is named '@st', which "
			    "marks control lines (st(7)): it is written as "
			    "\"\\u0040st\", the same name");
		st_writer_write(w, "{\"\\u0040st\":", 12);
		line += ST_CONTROL_PREFIX_LEN;
		len -= ST_CONTROL_PREFIX_LEN;
	}
	st_writer_write(w, line, len);
	st_writer_putc(w, '\n');
}
