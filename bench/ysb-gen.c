/*
 * ysb-gen.c - a deterministic generator of Yahoo Streaming Benchmark events.
 *
 * Build (bench/run.sh does it):  cc -O2 -o ysb-gen bench/ysb-gen.c
 *
 *   ysb-gen [--events N] [--seed S] [--rate EPS] [--start MS]
 *           [--campaigns FILE.csv] [--campaigns-json FILE.ndjson]
 *           [--pace EPS] [--users N]
 *
 * Writes N events (default 1000000) as NDJSON to standard output, shaped as
 * in the YSB (github.com/yahoo/streaming-benchmarks): the members user_id,
 * page_id, ad_id, ad_type, event_type, event_time, ip_address in that
 * order; ids are UUIDs; 100 campaigns of 10 ads each; event_type is view,
 * click or purchase with equal odds (a third are views); event_time is an
 * epoch-millisecond string that starts at --start (default
 * 1549360800000, 2019-02-05T10:00:00Z) and grows by 1000/EPS ms per event
 * (--rate, default 1000: strictly increasing, one event per millisecond),
 * so event-time windows close as the stream goes on. The same seed gives
 * the same bytes on every machine.
 *
 * --campaigns FILE writes the static table ad_id,campaign_id as CSV with a
 * header line; --campaigns-json FILE writes it as NDJSON. Both depend only
 * on the seed, so a generator run that writes no events (--events 0) makes
 * the table for a later run with the same seed.
 *
 * --users N draws user_id from N distinct ids (default: a fresh UUID per
 * event), for state-size measurements.
 *
 * --pace EPS is the continuous mode for latency measurements: events are
 * written one write(2) each at EPS events per second of wall-clock time,
 * event_time is the wall clock, and each event ends with a member
 * "created_us" holding the wall-clock microsecond it was written at.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CAMPAIGNS 100
#define ADS_PER_CAMPAIGN 10
#define NADS (CAMPAIGNS * ADS_PER_CAMPAIGN)

static uint64_t rng_state;

/* splitmix64: tiny, fast, and the same everywhere. */
static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char hexd[] = "0123456789abcdef";

/* Writes a version-4 style UUID (36 characters) at p from 128 random bits. */
static char *
uuid(char *p)
{
	uint64_t a = rnd(), b = rnd();
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			*p++ = '-';
			continue;
		}
		uint64_t *s = i < 18 ? &a : &b;
		*p++ = hexd[*s & 15];
		*s >>= 4;
	}
	return p;
}

static char *
put(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static char *
put_u64(char *p, uint64_t v)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = t[--n];
	return p;
}

static int64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
sleep_until_us(int64_t t)
{
	for (;;) {
		int64_t d = t - now_us();
		if (d <= 0)
			return;
		struct timespec ts = { d / 1000000, (d % 1000000) * 1000 };
		nanosleep(&ts, NULL);
	}
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= k;
	}
	return 0;
}

static void
usage(void)
{
	fputs("usage: ysb-gen [--events N] [--seed S] [--rate EPS] "
	    "[--start MS]\n"
	    "               [--campaigns FILE.csv] [--campaigns-json FILE] "
	    "[--pace EPS] [--users N]\n", stderr);
	exit(2);
}

static uint64_t
num(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-') {
		fprintf(stderr, "ysb-gen: invalid %s '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t events = 1000000, seed = 1, rate = 1000, pace = 0, users = 0;
	uint64_t start = 1549360800000ULL;
	const char *camp_csv = NULL, *camp_json = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 >= argc)
			usage();
		const char *v = argv[++i];
		if (strcmp(a, "--events") == 0)
			events = num(a, v);
		else if (strcmp(a, "--seed") == 0)
			seed = num(a, v);
		else if (strcmp(a, "--rate") == 0)
			rate = num(a, v);
		else if (strcmp(a, "--start") == 0)
			start = num(a, v);
		else if (strcmp(a, "--pace") == 0)
			pace = num(a, v);
		else if (strcmp(a, "--users") == 0)
			users = num(a, v);
		else if (strcmp(a, "--campaigns") == 0)
			camp_csv = v;
		else if (strcmp(a, "--campaigns-json") == 0)
			camp_json = v;
		else
			usage();
	}
	signal(SIGPIPE, SIG_IGN);
	if (rate == 0) {
		fputs("ysb-gen: invalid --rate '0'\n", stderr);
		return 2;
	}

	/* The ads and campaigns come first from the seed, so they are the same
	 * whatever the other options. */
	rng_state = seed;
	static char ads[NADS][37], camps[CAMPAIGNS][37];
	for (int c = 0; c < CAMPAIGNS; c++) {
		uuid(camps[c]);
		camps[c][36] = '\0';
	}
	for (int a = 0; a < NADS; a++) {
		uuid(ads[a]);
		ads[a][36] = '\0';
	}
	if (camp_csv || camp_json) {
		FILE *fc = camp_csv ? fopen(camp_csv, "w") : NULL;
		FILE *fj = camp_json ? fopen(camp_json, "w") : NULL;
		if ((camp_csv && !fc) || (camp_json && !fj)) {
			fprintf(stderr, "ysb-gen: cannot open '%s': %s\n",
			    camp_csv && !fc ? camp_csv : camp_json,
			    strerror(errno));
			return 1;
		}
		if (fc)
			fputs("ad_id,campaign_id\n", fc);
		for (int a = 0; a < NADS; a++) {
			const char *c = camps[a / ADS_PER_CAMPAIGN];
			if (fc)
				fprintf(fc, "%s,%s\n", ads[a], c);
			if (fj)
				fprintf(fj, "{\"ad_id\":\"%s\","
				    "\"campaign_id\":\"%s\"}\n", ads[a], c);
		}
		if ((fc && fclose(fc) != 0) || (fj && fclose(fj) != 0)) {
			fprintf(stderr, "ysb-gen: cannot write campaigns: "
			    "%s\n", strerror(errno));
			return 1;
		}
	}

	/* A fixed pool of user ids when asked, drawn from a second stream so
	 * that the events stay the same whether or not it is used. */
	char (*pool)[37] = NULL;
	if (users) {
		uint64_t keep = rng_state;
		rng_state = seed ^ 0x5bd1e995ULL;
		pool = malloc(users * sizeof *pool);
		if (!pool) {
			fputs("ysb-gen: out of memory\n", stderr);
			return 1;
		}
		for (uint64_t u = 0; u < users; u++)
			uuid(pool[u]);
		rng_state = keep;
	}

	static const char *ad_types[] = { "banner", "modal",
	    "sponsored-search", "mail", "mobile" };
	static const char *event_types[] = { "view", "click", "purchase" };
	size_t cap = 1 << 20, len = 0;
	char *out = malloc(cap);
	if (!out)
		return 1;
	/* Event time in thousandths of a millisecond, so any rate works. */
	uint64_t t_step = 1000000 / rate, t = start * 1000;
	int64_t t0 = pace ? now_us() : 0;

	for (uint64_t i = 0; i < events; i++) {
		char *p = out + len;
		uint64_t r = rnd();
		p = put(p, "{\"user_id\":\"");
		if (pool) {
			memcpy(p, pool[rnd() % users], 36);
			p += 36;
		} else {
			p = uuid(p);
		}
		p = put(p, "\",\"page_id\":\"");
		p = uuid(p);
		p = put(p, "\",\"ad_id\":\"");
		p = put(p, ads[r % NADS]);
		p = put(p, "\",\"ad_type\":\"");
		p = put(p, ad_types[(r >> 16) % 5]);
		p = put(p, "\",\"event_type\":\"");
		p = put(p, event_types[(r >> 24) % 3]);
		p = put(p, "\",\"event_time\":\"");
		int64_t created = 0;
		if (pace) {
			sleep_until_us(t0 + (int64_t)(i * 1000000 / pace));
			created = now_us();
			p = put_u64(p, created / 1000);
		} else {
			p = put_u64(p, t / 1000);
			t += t_step;
		}
		p = put(p, "\",\"ip_address\":\"");
		p = put_u64(p, (r >> 32) & 255);
		*p++ = '.';
		p = put_u64(p, (r >> 40) & 255);
		*p++ = '.';
		p = put_u64(p, (r >> 48) & 255);
		*p++ = '.';
		p = put_u64(p, (r >> 56) & 255);
		*p++ = '"';
		if (pace) {
			p = put(p, ",\"created_us\":");
			p = put_u64(p, created);
		}
		*p++ = '}';
		*p++ = '\n';
		len = p - out;
		if (pace || cap - len < 1024) {
			if (write_all(1, out, len) < 0) {
				if (errno == EPIPE)
					return 0;
				fprintf(stderr, "ysb-gen: cannot write to "
				    "standard output: %s\n", strerror(errno));
				return 1;
			}
			len = 0;
		}
	}
	if (len && write_all(1, out, len) < 0) {
		if (errno == EPIPE)
			return 0;
		fprintf(stderr, "ysb-gen: cannot write to standard output: "
		    "%s\n", strerror(errno));
		return 1;
	}
	free(out);
	free(pool);
	return 0;
}
