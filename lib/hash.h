/*
 * hash.h - the toolkit's one 64-bit hash of bytes, for group-by and join
 * keys, the state store's index and HyperLogLog registers.
 *
 * The values are stable: the same on every machine and every run (they
 * pick join buckets and HyperLogLog registers, which checkpoints keep).
 */
#ifndef ST_HASH_H
#define ST_HASH_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64's finalizer: every input bit reaches every output bit. */
uint64_t st_hash_mix(uint64_t z);

/* The hash of n bytes at p. */
uint64_t st_hash_bytes(const void *p, size_t n);

/* A new random id shaped like a version 4 UUID (from /dev/urandom, else
 * the clocks and the pid), into buf of at least 37 bytes: the checkpoint's
 * query id and the sink's run id (Spark's id and runId). */
void st_uuid4(char *buf);

#endif
