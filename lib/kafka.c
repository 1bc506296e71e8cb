/* kafka.c - Kafka client settings and the Java client's key hash; see
 * kafka.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "kafka.h"
#include "opts.h"

void
st_kafka_conf_init(st_kafka_conf *k)
{
	memset(k, 0, sizeof *k);
}

void
st_kafka_conf_release(st_kafka_conf *k)
{
	st_strs_free(k->keys, k->n);
	st_strs_free(k->vals, k->n);
	memset(k, 0, sizeof *k);
}

void
st_kafka_conf_set(st_kafka_conf *k, const char *key, const char *val)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->keys[i], key) == 0) {
			free(k->vals[i]);
			k->vals[i] = st_strdup(val);
			return;
		}
	k->keys = st_realloc(k->keys, (k->n + 1) * sizeof *k->keys);
	k->vals = st_realloc(k->vals, (k->n + 1) * sizeof *k->vals);
	k->keys[k->n] = st_strdup(key);
	k->vals[k->n] = st_strdup(val);
	k->n++;
}

const char *
st_kafka_conf_get(const st_kafka_conf *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->keys[i], key) == 0)
			return k->vals[i];
	return NULL;
}

static char *
trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

void
st_kafka_conf_option(st_kafka_conf *k, const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (eq == NULL || eq == kv)
		st_usage_error("invalid property '%s' for -X (key=value)", kv);
	char *key = st_strndup(kv, eq - kv);
	st_kafka_conf_set(k, trim(key), eq + 1);
	free(key);
}

void
st_kafka_conf_file(st_kafka_conf *k, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;

	if (f == NULL)
		st_die(ST_EXIT_USAGE, "cannot open '%s':", path);
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#' || *s == '!')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL || eq == s)
			st_die(ST_EXIT_USAGE, "%s:%u: not a key=value line",
			    path, lineno);
		*eq = '\0';
		st_kafka_conf_set(k, trim(s), trim(eq + 1));
	}
	free(line);
	if (ferror(f))
		st_die(ST_EXIT_USAGE, "cannot read '%s':", path);
	fclose(f);
}

/* Resolves ${env:NAME} and ${file:PATH}; returns a new string. */
static char *
resolve(const char *key, const char *v)
{
	size_t n = strlen(v);

	if (n < 3 || v[0] != '$' || v[1] != '{' || v[n - 1] != '}')
		return st_strdup(v);
	if (strncmp(v + 2, "env:", 4) == 0) {
		char *name = st_strndup(v + 6, n - 7);
		const char *e = getenv(name);
		if (e == NULL)
			st_die(ST_EXIT_USAGE, "property '%s': environment "
			    "variable '%s' is not set", key, name);
		free(name);
		return st_strdup(e);
	}
	if (strncmp(v + 2, "file:", 5) == 0) {
		char *path = st_strndup(v + 7, n - 8);
		FILE *f = fopen(path, "r");
		st_buf b = ST_BUF_INIT;
		char tmp[4096];
		size_t r;
		if (f == NULL)
			st_die(ST_EXIT_USAGE, "property '%s': cannot open "
			    "'%s':", key, path);
		while ((r = fread(tmp, 1, sizeof tmp, f)) > 0)
			st_buf_add(&b, tmp, r);
		fclose(f);
		free(path);
		while (b.len > 0 && (b.data[b.len - 1] == '\n' ||
		    b.data[b.len - 1] == '\r'))
			b.len--;
		st_buf_putc(&b, '\0');
		return st_buf_detach(&b, NULL);
	}
	return st_strdup(v);
}

static void
set(rd_kafka_conf_t *c, const char *key, const char *val)
{
	char errstr[512];

	if (rd_kafka_conf_set(c, key, val, errstr, sizeof errstr) !=
	    RD_KAFKA_CONF_OK)
		st_usage_error("invalid Kafka property '%s': %s", key, errstr);
}

rd_kafka_conf_t *
st_kafka_conf_build(const st_kafka_conf *k, const char *const *defaults)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();

	for (size_t i = 0; defaults && defaults[i]; i += 2)
		if (st_kafka_conf_get(k, defaults[i]) == NULL)
			set(c, defaults[i], defaults[i + 1]);
	for (size_t i = 0; i < k->n; i++) {
		char *v = resolve(k->keys[i], k->vals[i]);
		set(c, k->keys[i], v);
		memset(v, 0, strlen(v));
		free(v);
	}
	return c;
}

/* Kafka's org.apache.kafka.common.utils.Utils.murmur2, byte for byte. */
int32_t
st_kafka_murmur2(const void *key, size_t len)
{
	const unsigned char *d = key;
	const uint32_t m = 0x5bd1e995;
	const int r = 24;
	uint32_t h = 0x9747b28cU ^ (uint32_t)len;
	size_t n4 = len / 4;

	for (size_t i = 0; i < n4; i++) {
		size_t i4 = i * 4;
		uint32_t k = (uint32_t)d[i4] | (uint32_t)d[i4 + 1] << 8 |
		    (uint32_t)d[i4 + 2] << 16 | (uint32_t)d[i4 + 3] << 24;
		k *= m;
		k ^= k >> r;
		k *= m;
		h *= m;
		h ^= k;
	}
	switch (len % 4) {
	case 3:
		h ^= (uint32_t)d[(len & ~3u) + 2] << 16;
		/* FALLTHROUGH */
	case 2:
		h ^= (uint32_t)d[(len & ~3u) + 1] << 8;
		/* FALLTHROUGH */
	case 1:
		h ^= d[len & ~3u];
		h *= m;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return (int32_t)h;
}

int32_t
st_kafka_partition(const void *key, size_t len, int32_t n)
{
	return (int32_t)(((uint32_t)st_kafka_murmur2(key, len) & 0x7fffffff) %
	    (uint32_t)n);
}

static void
opt_servers(void *field, const char *arg, const st_option *opt)
{
	(void)opt;
	st_kafka_conf_set(field, "bootstrap.servers", arg);
}

static void
opt_property(void *field, const char *arg, const st_option *opt)
{
	(void)opt;
	st_kafka_conf_option(field, arg);
}

static void
opt_config(void *field, const char *arg, const st_option *opt)
{
	(void)opt;
	st_kafka_conf_file(field, arg);
}

const st_option st_kafka_conf_options[] = {
	ST_OPT_CALL_ALL(0, "bootstrap-servers", "H:P[,H:P]", opt_servers,
	    "the brokers to start from"),
	ST_OPT_CALL_ALL('X', NULL, "KEY=VALUE", opt_property,
	    "a librdkafka property (value ${env:V}, ${file:F})"),
	ST_OPT_CALL_ALL(0, "kafka-config", "FILE", opt_config,
	    "librdkafka properties, one key=value a line"),
	ST_OPT_END
};
