/*
 * fuzz_json.c - libFuzzer harness: the raw-bytes JSON scanner (lib/json.c)
 * against jansson, on any bytes. Aborts when they disagree (see
 * json_oracle.h for what agreeing means) or on any sanitizer report.
 * Not part of make check. Build and run from the repository root:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
 *       -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -iquote lib \
 *       -o build/fuzz_json tests/fuzz/fuzz_json.c lib/json.c lib/buf.c \
 *       lib/err.c -ljansson -lm
 *   mkdir -p build/fuzz-corpus
 *   build/fuzz_json -max_total_time=300 -max_len=4096 \
 *       -dict=tests/fuzz/json.dict build/fuzz-corpus tests/fuzz/seeds
 *
 * (apt-get install clang when clang is missing.)
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
