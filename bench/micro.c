/*
 * micro.c - micro-benchmarks of the record hot path (reader, scanner,
 * lookups, edits, writer), beside jansson, on an NDJSON file.
 *
 * Build (bench/run.sh does it, from the repository root):
 *   cc -O2 -g -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
 *      -iquote lib -o micro bench/micro.c lib/json.c lib/record.c \
 *      lib/io.c lib/buf.c lib/err.c -ljansson
 *
 *   micro TEST FILE [REPEAT]
 *
 * TEST is one of: read (lines only), scan (validate and index every line),
 * get (scan, then look event_type up and compare it), select (get two
 * fields and write a new object), edit (set one field, delete another and
 * write the record), pass (write each record unedited), jansson (json_loadb
 * every line and json_object_get event_type). Prints one line: the test,
 * lines, seconds, ns per line and lines per second. Output goes to
 * /dev/null through an st_writer, as a tool's would.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "io.h"
#include "json.h"
#include "record.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: micro read|scan|get|select|edit|pass|jansson "
		    "FILE [REPEAT]\n", stderr);
		return 2;
	}
	const char *test = argv[1];
	int repeat = argc > 3 ? atoi(argv[3]) : 1;
	int devnull = open("/dev/null", O_WRONLY);
	st_writer w;
	st_record r;
	st_fields f = { 0 };
	st_json_err e;
	st_buf b = ST_BUF_INIT;
	unsigned long long lines = 0, hits = 0;

	st_writer_init(&w, devnull, "/dev/null", 0);
	st_record_init(&r);
	double t0 = now();
	for (int rep = 0; rep < repeat; rep++) {
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0) {
			perror(argv[2]);
			return 1;
		}
		st_reader rd;
		st_reader_init(&rd, fd, argv[2]);
		const char *line;
		size_t len;
		while (st_reader_getline(&rd, &line, &len) == 1) {
			lines++;
			if (strcmp(test, "read") == 0) {
				hits += len;
			} else if (strcmp(test, "scan") == 0) {
				hits += st_json_scan_object(line, len, &f,
				    &e) == 0;
			} else if (strcmp(test, "get") == 0) {
				st_record_set_line(&r, line, len, lines);
				const st_field *x = st_record_get(&r,
				    "event_type", 10);
				if (x && x->vlen == 6 &&
				    memcmp(x->val, "\"view\"", 6) == 0) {
					hits++;
					st_record_write(&r, &w);
				}
			} else if (strcmp(test, "select") == 0) {
				st_record_set_line(&r, line, len, lines);
				const st_field *a = st_record_get(&r,
				    "ad_id", 5);
				const st_field *t = st_record_get(&r,
				    "event_time", 10);
				if (a && t) {
					st_objw o;
					st_buf_reset(&b);
					st_objw_begin(&o, &b);
					st_objw_raw(&o, a->key, a->klen,
					    a->val, a->vlen);
					st_objw_raw(&o, t->key, t->klen,
					    t->val, t->vlen);
					st_objw_end(&o);
					st_buf_putc(&b, '\n');
					st_writer_write(&w, b.data, b.len);
					hits++;
				}
			} else if (strcmp(test, "edit") == 0) {
				st_record_set_line(&r, line, len, lines);
				st_record_set_raw(&r, "campaign_id", 11,
				    "\"0123456789abcdef\"", 18);
				st_record_del(&r, "ip_address", 10);
				st_record_write(&r, &w);
				hits++;
			} else if (strcmp(test, "pass") == 0) {
				st_record_set_line(&r, line, len, lines);
				hits += st_record_scan(&r) == 0;
				st_record_write(&r, &w);
			} else if (strcmp(test, "jansson") == 0) {
				json_t *j = json_loadb(line, len, 0, NULL);
				const char *s = json_string_value(
				    json_object_get(j, "event_type"));
				hits += s && strcmp(s, "view") == 0;
				json_decref(j);
			} else {
				fprintf(stderr, "micro: unknown test '%s'\n",
				    test);
				return 2;
			}
		}
		st_reader_release(&rd);
		close(fd);
	}
	st_writer_flush(&w);
	double dt = now() - t0;
	printf("%-8s %llu lines %.3f s %.1f ns/line %.0f lines/s (%llu)\n",
	    test, lines, dt, dt * 1e9 / lines, lines / dt, hits);
	st_writer_release(&w);
	st_record_release(&r);
	st_fields_release(&f);
	st_buf_release(&b);
	return 0;
}
