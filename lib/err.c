/* err.c - see err.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static const char *progname = "st";
static char last_message[4096];

void
st_setprogname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *
st_progname(void)
{
	return progname;
}

void
st_vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	/* Build the whole line first so concurrent tools in one pipeline do not
	 * interleave partial messages on a shared stderr. */
	char line[4096];
	int len = snprintf(line, sizeof line, "%s: ", progname);
	if (len < 0)
		return;
	int m = vsnprintf(line + len, sizeof line - len, fmt, ap);
	if (m > 0)
		len += m;
	if ((size_t)len >= sizeof line - 2)
		len = sizeof line - 2;
	if (n > 0 && fmt[n - 1] == ':') {
		m = snprintf(line + len, sizeof line - len, " %s",
		    strerror(saved));
		if (m > 0)
			len += m;
		if ((size_t)len >= sizeof line - 2)
			len = sizeof line - 2;
	}
	size_t plen = strlen(progname) + 2;
	if ((size_t)len >= plen) {
		memcpy(last_message, line + plen, (size_t)len - plen);
		last_message[len - plen] = '\0';
	}
	line[len++] = '\n';
	fwrite(line, 1, len, stderr);
	fflush(stderr);
	errno = saved;
}

const char *
st_last_message(void)
{
	return last_message;
}

void
st_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_vwarn(fmt, ap);
	va_end(ap);
}

void
st_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

void
st_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "try '%s --help' for more information\n", progname);
	exit(ST_EXIT_USAGE);
}

static void *
oom(void)
{
	st_die(ST_EXIT_DATA, "out of memory");
}

void *
st_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *
st_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

void *
st_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

char *
st_strdup(const char *s)
{
	char *p = strdup(s);
	return p ? p : oom();
}

char *
st_strndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	return p ? p : oom();
}

void
st_strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
