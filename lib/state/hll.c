/* hll.c - HyperLogLog sketches; see hll.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "state/hll.h"

st_hll *
st_hll_new(void)
{
	return st_calloc(1, sizeof(st_hll));
}

void
st_hll_free(st_hll *h)
{
	if (h == NULL)
		return;
	free(h->sparse);
	free(h->dense);
	free(h);
}

static void
to_dense(st_hll *h)
{
	h->dense = st_calloc(ST_HLL_M, 1);
	for (uint32_t i = 0; i < h->n; i++) {
		uint32_t reg = h->sparse[i] >> 8;
		uint8_t r = h->sparse[i] & 0xff;
		if (r > h->dense[reg])
			h->dense[reg] = r;
	}
	free(h->sparse);
	h->sparse = NULL;
	h->n = ST_HLL_M;
	h->cap = 0;
}

static void
set_reg(st_hll *h, uint32_t reg, uint8_t rank)
{
	if (h->dense) {
		if (rank > h->dense[reg])
			h->dense[reg] = rank;
		return;
	}
	/* Binary search for the register in the sorted pairs. */
	uint32_t lo = 0, hi = h->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if ((h->sparse[mid] >> 8) < reg)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->n && (h->sparse[lo] >> 8) == reg) {
		if (rank > (h->sparse[lo] & 0xff))
			h->sparse[lo] = (reg << 8) | rank;
		return;
	}
	if (h->n == ST_HLL_SPARSE_MAX) {
		to_dense(h);
		set_reg(h, reg, rank);
		return;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 4;
		h->sparse = st_realloc(h->sparse, h->cap * sizeof *h->sparse);
	}
	memmove(h->sparse + lo + 1, h->sparse + lo,
	    (h->n - lo) * sizeof *h->sparse);
	h->sparse[lo] = (reg << 8) | rank;
	h->n++;
}

void
st_hll_add(st_hll *h, uint64_t hash)
{
	uint32_t reg = (uint32_t)(hash >> (64 - ST_HLL_P));
	uint64_t rest = hash << ST_HLL_P;
	/* rank: position of the first 1 bit in the remaining 50 bits. */
	uint8_t rank = rest ? (uint8_t)(__builtin_clzll(rest) + 1) :
	    (uint8_t)(64 - ST_HLL_P + 1);
	set_reg(h, reg, rank);
}

void
st_hll_merge(st_hll *dst, const st_hll *src)
{
	if (src->dense) {
		if (!dst->dense)
			to_dense(dst);
		for (uint32_t i = 0; i < ST_HLL_M; i++)
			if (src->dense[i] > dst->dense[i])
				dst->dense[i] = src->dense[i];
		return;
	}
	for (uint32_t i = 0; i < src->n; i++)
		set_reg(dst, src->sparse[i] >> 8, src->sparse[i] & 0xff);
}

int64_t
st_hll_estimate(const st_hll *h)
{
	double m = ST_HLL_M, sum = 0;
	uint32_t zeros = 0;

	if (h->dense) {
		for (uint32_t i = 0; i < ST_HLL_M; i++) {
			sum += ldexp(1.0, -h->dense[i]);
			zeros += h->dense[i] == 0;
		}
	} else {
		zeros = ST_HLL_M - h->n;
		sum = zeros;
		for (uint32_t i = 0; i < h->n; i++)
			sum += ldexp(1.0, -(int)(h->sparse[i] & 0xff));
	}
	double alpha = 0.7213 / (1 + 1.079 / m);
	double e = alpha * m * m / sum;
	if (e <= 2.5 * m && zeros > 0)
		e = m * log(m / zeros);
	return (int64_t)llround(e);
}

size_t
st_hll_memory(const st_hll *h)
{
	return sizeof *h + (h->dense ? ST_HLL_M : h->cap * sizeof(uint32_t));
}

static const char hexd[] = "0123456789abcdef";

void
st_hll_save(const st_hll *h, st_buf *b)
{
	st_buf_putc(b, '"');
	if (h->dense) {
		st_buf_putc(b, 'd');
		for (uint32_t i = 0; i < ST_HLL_M; i++) {
			st_buf_putc(b, hexd[h->dense[i] >> 4]);
			st_buf_putc(b, hexd[h->dense[i] & 15]);
		}
	} else {
		st_buf_putc(b, 's');
		for (uint32_t i = 0; i < h->n; i++)
			for (int s = 28; s >= 0; s -= 4)
				st_buf_putc(b, hexd[(h->sparse[i] >> s) & 15]);
	}
	st_buf_putc(b, '"');
}

static int
hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

st_hll *
st_hll_load(const char *s, size_t n)
{
	if (n < 3 || s[0] != '"' || s[n - 1] != '"')
		return NULL;
	char kind = s[1];
	s += 2;
	n -= 3;
	st_hll *h = st_hll_new();
	if (kind == 'd' && n == 2 * ST_HLL_M) {
		h->dense = st_malloc(ST_HLL_M);
		h->n = ST_HLL_M;
		for (uint32_t i = 0; i < ST_HLL_M; i++) {
			int a = hexv(s[2 * i]), c = hexv(s[2 * i + 1]);
			if (a < 0 || c < 0)
				goto bad;
			h->dense[i] = (uint8_t)(a << 4 | c);
		}
		return h;
	}
	if (kind == 's' && n % 8 == 0) {
		for (size_t i = 0; i < n; i += 8) {
			uint32_t v = 0;
			for (int k = 0; k < 8; k++) {
				int d = hexv(s[i + k]);
				if (d < 0)
					goto bad;
				v = v << 4 | (uint32_t)d;
			}
			if ((v >> 8) >= ST_HLL_M)
				goto bad;
			set_reg(h, v >> 8, v & 0xff);
		}
		return h;
	}
bad:
	st_hll_free(h);
	return NULL;
}
