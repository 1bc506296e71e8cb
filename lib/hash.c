/* hash.c - see hash.h. */
#include <string.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "datetime.h"
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

void
st_uuid4(char *buf)
{
	unsigned char r[16] = { 0 };
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) {
		/* No random device: time and pid still tell runs apart. */
		uint64_t a = (uint64_t)st_now_usec() ^ ((uint64_t)getpid() << 40);
		uint64_t b = (uint64_t)st_mono_usec() * 6364136223846793005u;
		memcpy(r, &a, 8);
		memcpy(r + 8, &b, 8);
	}
	if (fd >= 0)
		close(fd);
	r[6] = (r[6] & 0x0f) | 0x40;	/* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;	/* the RFC 4122 variant */
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}
