/*
 * latency.c - end-of-pipeline latency meter for continuous-mode benchmarks.
 *
 * Build (bench/run.sh does it):  cc -O2 -o latency bench/latency.c
 *
 *   ysb-gen --pace 10000 ... | <pipeline> | latency [--skip N]
 *
 * Reads NDJSON lines from standard input; for each data line that has a
 * member "created_us":<wall-clock microseconds> (ysb-gen --pace writes it;
 * also found escaped, inside a string: the socket source's {"value":...}),
 * records the time from creation to arrival here. Control lines and lines
 * without the member are ignored. The first --skip N samples (default 0)
 * are dropped as warm-up. At end of input prints one line:
 *
 *   samples N p50_us X p90_us X p99_us X max_us X
 *
 * Lines are read with read(2) as they come (no stdio buffering), so the
 * arrival time is the time the pipeline delivered the line.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	size_t skip = 0;
	if (argc == 3 && strcmp(argv[1], "--skip") == 0) {
		skip = strtoul(argv[2], NULL, 10);
	} else if (argc != 1) {
		fputs("usage: latency [--skip N]\n", stderr);
		return 2;
	}
	static char buf[1 << 20];
	size_t len = 0, n = 0, cap = 1 << 16, seen = 0;
	int64_t *lat = malloc(cap * sizeof *lat);
	static const char key[] = "\"created_us\":";
	static const char ekey[] = "\\\"created_us\\\":";

	for (;;) {
		ssize_t k = read(0, buf + len, sizeof buf - len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			perror("latency: read");
			return 1;
		}
		if (k == 0)
			break;
		int64_t t = now_us();
		len += k;
		char *p = buf, *end = buf + len, *nl;
		while ((nl = memchr(p, '\n', end - p)) != NULL) {
			*nl = '\0';
			char *c = strstr(p, key);
			size_t klen = sizeof key - 1;
			if (c == NULL && (c = strstr(p, ekey)) != NULL)
				klen = sizeof ekey - 1;
			if (c && seen++ >= skip) {
				int64_t created = strtoll(c + klen, NULL, 10);
				if (n == cap) {
					cap *= 2;
					lat = realloc(lat, cap * sizeof *lat);
				}
				lat[n++] = t - created;
			}
			p = nl + 1;
		}
		len = end - p;
		memmove(buf, p, len);
		if (len == sizeof buf) {
			fputs("latency: line too long\n", stderr);
			return 1;
		}
	}
	if (n == 0) {
		puts("samples 0");
		return 1;
	}
	qsort(lat, n, sizeof *lat, cmp);
	printf("samples %zu p50_us %lld p90_us %lld p99_us %lld max_us %lld\n",
	    n, (long long)lat[n / 2], (long long)lat[n * 90 / 100],
	    (long long)lat[n * 99 / 100], (long long)lat[n - 1]);
	return 0;
}
