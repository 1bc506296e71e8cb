/* control.c - see control.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	else if (strcmp(kind, "eos") == 0)
		c->kind = ST_CTL_EOS;
	else if (strcmp(kind, "abort") == 0)
		c->kind = ST_CTL_ABORT;
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

json_t *
st_ctl_new_eos(void)
{
	json_t *o = json_object();

	json_object_set_new(o, "@st", json_string("eos"));
	return o;
}

json_t *
st_ctl_new_abort(const char *tool, const char *message)
{
	json_t *o = json_object();

	json_object_set_new(o, "@st", json_string("abort"));
	json_object_set_new(o, "tool", json_string(tool));
	/* json_string() refuses invalid UTF-8: keep what can be kept. */
	json_t *m = json_string(message);
	if (m == NULL)
		m = json_string("(message not valid UTF-8)");
	json_object_set_new(o, "message", m);
	return o;
}

void
st_ctl_write_eos(st_writer *w)
{
	static const char eos[] = "{\"@st\":\"eos\"}\n";

	st_writer_write(w, eos, sizeof eos - 1);
	st_writer_flush(w);
}

static struct {
	int armed, enabled, passed;
	st_writer *w;
	char *up_tool, *up_message;	/* the upstream abort passed on */
} abort_state;

/*
 * Runs at exit(3) with the exit status (glibc's on_exit(3), so that a
 * return from main is covered as well as st_die()). It must not exit
 * again: output errors are ignored here, the status already says failure.
 */
static void
write_abort(int status, void *arg)
{
	(void)arg;
	if (status == 0 || !abort_state.enabled || abort_state.passed ||
	    isatty(1))
		return;
	abort_state.passed = 1;
	st_writer *w = abort_state.w;
	if (w && w->len > 0) {
		(void)st_write_all(w->fd, w->buf, w->len);
		if (w->buf[w->len - 1] != '\n')
			(void)st_write_all(w->fd, "\n", 1);
		w->len = 0;
	}
	const char *msg = st_last_message();
	char alt[64];
	if (*msg == '\0') {
		snprintf(alt, sizeof alt, "exited with status %d", status);
		msg = alt;
	}
	json_t *a = st_ctl_new_abort(st_progname(), msg);
	st_buf b = ST_BUF_INIT;
	st_ctl_serialize(a, &b);
	st_buf_putc(&b, '\n');
	(void)st_write_all(1, b.data, b.len);
	st_buf_release(&b);
	json_decref(a);
}

void
st_abort_init(void)
{
	abort_state.enabled = 1;
	if (!abort_state.armed) {
		abort_state.armed = 1;
		on_exit(write_abort, NULL);
	}
}

void
st_abort_enable(int on)
{
	abort_state.enabled = on;
}

void
st_abort_writer(st_writer *w)
{
	abort_state.w = w;
}

void
st_abort_passed(const char *tool, const char *message)
{
	abort_state.passed = 1;
	free(abort_state.up_tool);
	free(abort_state.up_message);
	abort_state.up_tool = st_strdup(tool ? tool : "tool");
	abort_state.up_message = st_strdup(message ? message : "(no message)");
}

int
st_abort_upstream(const char **tool, const char **message)
{
	if (abort_state.up_tool == NULL)
		return 0;
	*tool = abort_state.up_tool;
	*message = abort_state.up_message;
	return 1;
}
