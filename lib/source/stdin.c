/*
 * stdin.c - a stream of lines as a source, not replayable: standard input
 * and the socket source (socket.c), which differ only in the descriptor
 * they read and how they name it; see source.h.
 */
#include <errno.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "source.h"

typedef struct stdin_source {
	const st_file_opts *o;
	int until_eof;
	int fd;
	int own_fd;		/* close fd when freed (a socket) */
	char *where;		/* for messages: "<stdin>", "host:port" */
	char *desc;		/* "StdinSource[-]", for progress */
	st_reader r;
	int eof;
	st_buf pending;		/* planned lines, each followed by '\n' */
	uint64_t first, next;	/* line numbers: pending's first, the next */
	st_parser *parser;
} stdin_source;

/* True when fd has something to read (or its end) within usec. */
static int
readable(int fd, int64_t usec)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ms = usec > 0 ? (int)((usec + 999) / 1000) : 0;

	return poll(&p, 1, ms) > 0;
}

static json_t *
stdin_plan(st_source *s, const st_source_limits *lim)
{
	stdin_source *ss = s->self;
	int64_t n = 0;

	if (ss->pending.len == 0)
		ss->first = ss->next;
	while (!ss->eof) {
		if (lim->max_bytes && (int64_t)ss->pending.len >= lim->max_bytes)
			break;
		if (lim->max_records && n >= lim->max_records)
			break;
		if (!ss->until_eof && !st_reader_has_line(&ss->r) &&
		    !readable(ss->fd, 0))
			break;
		const char *line;
		size_t len;
		int got = st_reader_getline(&ss->r, &line, &len);
		if (got == -2) {
			if (st_stop_requested())
				break;
			continue;
		}
		if (got < 0)
			st_die(ST_EXIT_DATA, "cannot read %s:", ss->r.name);
		if (got == 0) {
			ss->eof = 1;
			break;
		}
		st_buf_add(&ss->pending, line, len);
		st_buf_putc(&ss->pending, '\n');
		ss->next++;
		n++;
	}
	if (ss->pending.len == 0)
		return NULL;
	return json_pack("{s[II]}", "lines", (json_int_t)ss->first,
	    (json_int_t)(ss->next - 1));
}

static void
stdin_advance(st_source *s, json_t *range)
{
	(void)s;
	(void)range;
}

static int
stdin_emit(st_source *s, json_t *range, st_emitter *em)
{
	stdin_source *ss = s->self;
	const char *p = ss->pending.data, *end = p + ss->pending.len;

	(void)range;
	st_parser_start(ss->parser, ss->where, ss->first, em);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		st_parser_line(ss->parser, p, (size_t)(nl - p));
		p = nl + 1;
	}
	st_parser_finish(ss->parser);
	st_buf_reset(&ss->pending);
	return 0;
}

static int
stdin_empty(st_source *s, json_t *range)
{
	(void)s;
	return json_array_size(json_object_get(range, "lines")) == 0;
}

/* {"lines":[a,b]} then {"lines":[b+1,c]}: {"lines":[a,c]}. */
static json_t *
lines_merge(st_source *s, json_t *a, json_t *b)
{
	json_t *la = json_object_get(a, "lines"), *lb = json_object_get(b,
	    "lines");

	(void)s;
	if (json_array_size(la) != 2)
		return json_incref(b);
	if (json_array_size(lb) != 2)
		return json_incref(a);
	return json_pack("{s[OO]}", "lines", json_array_get(la, 0),
	    json_array_get(lb, 1));
}

static void
stdin_wait(st_source *s, int64_t usec)
{
	stdin_source *ss = s->self;

	if (!ss->eof && !st_reader_has_line(&ss->r))
		(void)readable(ss->fd, usec);
}

static int
stdin_exhausted(st_source *s)
{
	stdin_source *ss = s->self;

	return ss->eof && ss->pending.len == 0;
}

static json_t *
stdin_save(st_source *s)
{
	stdin_source *ss = s->self;

	return json_pack("{sI}", "line", (json_int_t)ss->next);
}

static int
stdin_load(st_source *s, json_t *pos)
{
	/* Lines of an earlier run are gone with its pipe; numbering goes
	 * on so the log stays readable. */
	stdin_source *ss = s->self;
	json_t *l = json_object_get(pos, "line");

	if (json_is_integer(l))
		ss->first = ss->next = (uint64_t)json_integer_value(l);
	return 0;
}

static const char *
stdin_describe(st_source *s)
{
	return ((stdin_source *)s->self)->desc;
}

static void
stdin_free(st_source *s)
{
	stdin_source *ss = s->self;

	st_reader_release(&ss->r);
	st_buf_release(&ss->pending);
	st_parser_free(ss->parser);
	if (ss->own_fd)
		(void)close(ss->fd);
	free(ss->where);
	free(ss->desc);
	free(ss);
}

/* The stdin and socket sources: the same functions, two kinds. */
#define LINES_VT(KIND) { \
	.kind = KIND, \
	.replayable = 0, \
	.plan = stdin_plan, \
	.advance = stdin_advance, \
	.emit = stdin_emit, \
	.empty = stdin_empty, \
	.merge = lines_merge, \
	.wait = stdin_wait, \
	.exhausted = stdin_exhausted, \
	.save = stdin_save, \
	.load = stdin_load, \
	.describe = stdin_describe, \
	.free = stdin_free, \
}

static const st_source_vt stdin_vt = LINES_VT("stdin");

/*
 * Before each read of a TCP socket: acknowledge at once what arrives. A
 * server that sends line by line with Nagle's algorithm on (nc does) holds
 * each small line back until the previous one is acknowledged, and a
 * delayed acknowledgement (up to 40 ms) would then delay every line.
 */
static void
quick_ack(void *arg)
{
#ifdef TCP_QUICKACK
	int one = 1;

	(void)setsockopt(*(int *)arg, IPPROTO_TCP, TCP_QUICKACK, &one,
	    sizeof one);
#else
	(void)arg;
#endif
}

static const st_source_vt socket_vt = LINES_VT("socket");

st_source *
st_lines_source_new(const char *name, int fd, int own_fd, const char *where,
    const char *desc, const st_file_opts *opts, int until_eof)
{
	st_source *s = st_calloc(1, sizeof *s);
	stdin_source *ss = st_calloc(1, sizeof *ss);

	ss->o = opts;
	ss->until_eof = until_eof;
	ss->fd = fd;
	ss->own_fd = own_fd;
	ss->where = st_strdup(where);
	ss->desc = st_strdup(desc);
	ss->first = ss->next = 1;
	st_reader_init(&ss->r, fd, fd == 0 ? "standard input" : ss->where);
	ss->parser = st_parser_new(opts);
	if (own_fd) {
		ss->r.before_read = quick_ack;
		ss->r.before_read_arg = &ss->fd;
	}
	s->vt = fd == 0 && !own_fd ? &stdin_vt : &socket_vt;
	s->name = name ? st_strdup(name) : NULL;
	s->self = ss;
	return s;
}

st_source *
st_stdin_source_new(const char *name, const st_file_opts *opts,
    int until_eof)
{
	return st_lines_source_new(name, 0, 0, "<stdin>", "StdinSource[-]",
	    opts, until_eof);
}
