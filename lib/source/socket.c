/*
 * socket.c - Spark's socket source: a TCP client reading lines, each a
 * {"value":...} record; see source.h. Like Spark's (TextSocketSource),
 * it is for tests and demos: not replayable, and the connection's end is
 * the stream's end. The reading itself is the stdin source's (stdin.c).
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "source.h"

/* Connects to host:port; returns the socket, or -1 after printing why. */
static int
dial(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, err = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		st_warn("cannot connect to %s:%s: %s", host, port,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		while ((rc = connect(fd, ai->ai_addr, ai->ai_addrlen)) < 0 &&
		    errno == EINTR)
			;
		if (rc == 0)
			break;
		err = errno;
		(void)close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		errno = err;
		st_warn("cannot connect to %s:%s:", host, port);
	}
	return fd;
}

st_source *
st_socket_source_new(const char *name, const char *host, const char *port,
    const st_file_opts *opts, int until_eof)
{
	int fd = dial(host, port);

	if (fd < 0)
		return NULL;
	/* Nothing is ever written to the server, but the write side stays
	 * open: nc takes a half-close for the end of the conversation. */
	st_buf where = ST_BUF_INIT, desc = ST_BUF_INIT;
	st_buf_printf(&where, "%s:%s", host, port);
	st_buf_printf(&desc, "TextSocketSource[host: %s, port: %s]", host,
	    port);
	st_source *s = st_lines_source_new(name, fd, 1, where.data, desc.data,
	    opts, until_eof);
	st_buf_release(&where);
	st_buf_release(&desc);
	return s;
}
