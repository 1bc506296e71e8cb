/* file.c - state files: header and line reader; see file.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "err.h"
#include "state/file.h"

void
st_state_header(st_buf *b, const char *format, size_t rows)
{
	st_buf_printf(b, "{\"format\":\"%s\",\"rows\":%zu}\n", format, rows);
}

int
st_state_read(FILE *f, const char *format, st_state_row_fn *row, void *arg,
    size_t *nlines)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	st_buf want = ST_BUF_INIT;
	int rc = 0;

	st_buf_printf(&want, "\"format\":\"%s\"", format);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (++lineno == 1) {
			if (strstr(line, want.data) == NULL) {
				st_warn("unknown state format (expected %s)",
				    format);
				rc = -1;
				break;
			}
			continue;
		}
		if ((rc = row(arg, line, (size_t)n, lineno)) < 0)
			break;
	}
	free(line);
	st_buf_release(&want);
	*nlines = lineno;
	return rc;
}
