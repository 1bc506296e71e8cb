/*
 * kafka.h - what st-read's and st-sink's Kafka formats share: the client
 * settings (librdkafka properties, with secrets kept off the command line)
 * and the Java client's key hash.
 *
 * Settings come, later ones overriding earlier ones, from:
 *
 *     --bootstrap-servers H:P,...     bootstrap.servers
 *     --kafka-config FILE             key=value lines ('#' comments), as
 *                                     a Java client's .properties file
 *     -X key=value                    one property, as kcat's -X
 *
 * A value may be, in whole, ${env:NAME} (the environment variable NAME)
 * or ${file:PATH} (the contents of PATH, without a final newline), as
 * Kafka's EnvVarConfigProvider and FileConfigProvider spell them, so that
 * sasl.password and ssl.key.password never need to be where ps(1) shows
 * them. Values are never printed in messages (they may be secrets).
 */
#ifndef ST_KAFKA_H
#define ST_KAFKA_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "opts.h"

typedef struct st_kafka_conf {
	char **keys;		/* new strings */
	char **vals;		/* new strings, unresolved ("${env:X}") */
	size_t n;
} st_kafka_conf;

/* The three options above, on an st_kafka_conf (an option table of
 * opts.h, for st-read's and st-sink's tables to include). */
extern const st_option st_kafka_conf_options[];

void st_kafka_conf_init(st_kafka_conf *k);
void st_kafka_conf_release(st_kafka_conf *k);
/* Sets key to val (copies both), replacing an earlier value. */
void st_kafka_conf_set(st_kafka_conf *k, const char *key, const char *val);
/* -X key=value: dies with a usage error when kv has no '='. */
void st_kafka_conf_option(st_kafka_conf *k, const char *kv);
/* --kafka-config FILE: dies (exit 2) naming the file and line when it
 * cannot be read or a line is not key=value. */
void st_kafka_conf_file(st_kafka_conf *k, const char *path);
/* The value of key, unresolved (borrowed), or NULL. */
const char *st_kafka_conf_get(const st_kafka_conf *k, const char *key);

/*
 * A new librdkafka configuration holding k's properties with their
 * ${env:} and ${file:} values resolved, over the defaults given as
 * NULL-terminated key, value pairs (k wins). Dies with a usage error
 * naming the property (not its value) when librdkafka refuses one.
 */
rd_kafka_conf_t *st_kafka_conf_build(const st_kafka_conf *k,
    const char *const *defaults);

/* Kafka's Utils.murmur2 (the Java client's key hash, seed 0x9747b28c). */
int32_t st_kafka_murmur2(const void *key, size_t len);
/* The partition the Java client's default partitioner gives a non-null
 * key: toPositive(murmur2(key)) % n. */
int32_t st_kafka_partition(const void *key, size_t len, int32_t n);

#endif
