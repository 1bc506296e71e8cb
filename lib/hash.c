/* hash.c - see hash.h. */
#include <string.h>

#include "hash.h"

uint64_t
st_hash_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Hashes bytes as little-endian 64-bit words, the last one zero-padded:
 * the same value on every machine (hashes pick join buckets and
 * HyperLogLog registers). */
uint64_t
st_hash_bytes(const void *bytes, size_t n)
{
	const char *p = bytes;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = st_hash_mix(h ^ w);
	}
	w = 0;
	if (n > i)
		memcpy(&w, p + i, n - i);
#else
	for (; i + 8 <= n; i += 8) {
		uint64_t w = 0;
		for (int k = 7; k >= 0; k--)
			w = w << 8 | (unsigned char)p[i + k];
		h = st_hash_mix(h ^ w);
	}
	uint64_t w = 0;
	for (size_t k = n; k > i; k--)
		w = w << 8 | (unsigned char)p[k - 1];
#endif
	return st_hash_mix(h ^ w ^ 0xff);
}
