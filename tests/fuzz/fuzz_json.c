/*
 * fuzz_json.c - libFuzzer harness: the raw-bytes JSON scanner (lib/json.c)
 * against jansson, on any bytes. Aborts when they disagree (see
 * json_oracle.h for what agreeing means) or on any sanitizer report.
 * Run by `make fuzz` (60 s) and briefly by `make check`
 * (tests/t0650-fuzz.sh); the pattern is in tests/fuzz/run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the end. */
	char *p = malloc(size ? size : 1);
	if (size)
		memcpy(p, data, size);
	const char *why = json_oracle_check(p, size);
	if (why) {
		fprintf(stderr, "fuzz_json: %s on %zu bytes: ", why, size);
		fwrite(p, 1, size, stderr);
		fputc('\n', stderr);
		abort();
	}
	free(p);
	return 0;
}
