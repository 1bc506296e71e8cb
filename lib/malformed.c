/* malformed.c - the malformed-record policy; see malformed.h. */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"
#include "malformed.h"

void
st_malformed_init(st_malformed_policy *p, st_malformed mode,
    st_linefile *dead)
{
	p->mode = mode;
	p->dead = dead;
	p->total = 0;
	p->out = (st_buf)ST_BUF_INIT;
}

void
st_malformed_release(st_malformed_policy *p)
{
	st_buf_release(&p->out);
}

const char *
st_malformed_apply(st_malformed_policy *p, st_writer *out, const char *raw,
    size_t rawlen, const char *typed, size_t tlen, size_t *outlen,
    const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	switch (p->mode) {
	case ST_MALFORMED_FAILFAST:
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		if (out)
			st_writer_flush(out);
		st_die(ST_EXIT_DATA, "%s (use --malformed dropmalformed or "
		    "permissive to go on)", msg);
	case ST_MALFORMED_DROP:
		p->total++;
		if (p->dead)
			st_linefile_line(p->dead, raw, rawlen);
		return NULL;
	case ST_MALFORMED_PERMISSIVE:
		break;
	}
	p->total++;
	st_buf_reset(&p->out);
	if (typed && tlen >= 2) {
		st_buf_add(&p->out, typed, tlen - 1);
		if (tlen > 2)
			st_buf_putc(&p->out, ',');
	} else {
		st_buf_putc(&p->out, '{');
	}
	st_buf_puts(&p->out, "\"_corrupt_record\":");
	st_buf_put_json_string(&p->out, raw, rawlen);
	st_buf_putc(&p->out, '}');
	*outlen = p->out.len;
	return p->out.data;
}

void
st_malformed_report(const st_malformed_policy *p)
{
	int file = p->dead && st_linefile_is_open(p->dead);

	if (p->total == 0 || p->mode != ST_MALFORMED_DROP)
		return;
	st_warn("dropped %llu malformed record%s%s%s%s",
	    (unsigned long long)p->total, p->total == 1 ? "" : "s",
	    file ? " (copied to '" : "", file ? p->dead->path : "",
	    file ? "')" : "");
}
