/* file.c - state files: header and line reader; see file.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

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
	json_int_t rows = -1;
	int rc = 0;

	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (++lineno == 1) {
			json_t *h = json_loadb(line, (size_t)n, 0, NULL);
			const char *fmt = json_string_value(json_object_get(h,
			    "format"));
			json_t *r = json_object_get(h, "rows");
			if (fmt == NULL || strcmp(fmt, format) != 0) {
				st_warn("unknown state format (expected %s)",
				    format);
				rc = -1;
			} else if (!json_is_integer(r) ||
			    json_integer_value(r) < 0) {
				st_warn("state header without a row count");
				rc = -1;
			}
			rows = json_integer_value(r);
			json_decref(h);
			if (rc < 0)
				break;
			continue;
		}
		if ((rc = row(arg, line, (size_t)n, lineno)) < 0)
			break;
	}
	free(line);
	*nlines = lineno;
	/* Every row there, no more, no fewer: a state file cut at a line
	 * boundary is still a state file, of the wrong state. */
	if (rc == 0 && lineno > 0 && (json_int_t)(lineno - 1) != rows) {
		st_warn("state file holds %zu rows, its header says %lld",
		    lineno - 1, (long long)rows);
		rc = -1;
	}
	return rc;
}
