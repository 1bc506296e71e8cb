/*
 * fuzz_checkpoint.c - libFuzzer harness: the checkpoint readers on any
 * bytes, as a damaged or hostile checkpoint file would give them: the
 * self-check (st_ckpt_verify: trailer, length, CRC-32C), then on what it
 * accepts the offsets field check and the state-file reader (header, rows,
 * row count). Aborts when verify accepts a file whose content does not end
 * where its trailer begins, or on any sanitizer report. The first input
 * byte picks the batch id checked against (its low 3 bits) and, with its
 * high bit, skips the self-check. Built and run by `make fuzz` (60 s) and
 * briefly by make check (t0650), with its seeds in tests/fuzz/seeds/checkpoint
 * (real files of a checkpoint, each after its id byte).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "checkpoint.h"
#include "state/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
row(void *arg, char *line, size_t len, size_t lineno)
{
	json_t *v = json_loadb(line, len, 0, NULL);

	(void)arg;
	(void)lineno;
	if (v == NULL)
		return -1;
	json_decref(v);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int64_t id = data[0] % 8;
	/* A copy of exactly size bytes, so ASan sees any read past the end. */
	size_t n = size - 1;
	char *p = malloc(n ? n : 1);
	if (n)
		memcpy(p, data + 1, n);
	size_t body;
	const char *why;
	/* With the first byte's high bit set, the readers behind the
	 * self-check get the bytes as they are (a checksum is rarely hit by
	 * chance). */
	int raw = data[0] & 0x80;
	if (raw || st_ckpt_verify(p, n, &body, &why) == 0) {
		if (raw)
			body = n;
		else if (body >= n)
			abort();
		json_t *v = json_loadb(p, body, JSON_DECODE_ANY, NULL);
		(void)st_ckpt_check_offsets(v, id);
		json_decref(v);
		FILE *f = body ? fmemopen(p, body, "r") : NULL;
		if (f) {
			size_t lines;
			(void)st_state_read(f, "st-dedup/1", row, NULL, &lines);
			fclose(f);
		}
	} else if (why == NULL) {
		abort();
	}
	free(p);
	return 0;
}
