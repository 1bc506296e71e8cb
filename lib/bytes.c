/* bytes.c - base64 and UTF-8 validity; see bytes.h. */
#include <stdint.h>

#include "bytes.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
st_base64_encode(st_buf *b, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	st_buf_grow(b, (n + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 |
		    s[i + 2];
		st_buf_putc(b, b64[v >> 18]);
		st_buf_putc(b, b64[v >> 12 & 63]);
		st_buf_putc(b, b64[v >> 6 & 63]);
		st_buf_putc(b, b64[v & 63]);
	}
	if (i < n) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		st_buf_putc(b, b64[v >> 18]);
		st_buf_putc(b, b64[v >> 12 & 63]);
		st_buf_putc(b, i + 1 < n ? b64[v >> 6 & 63] : '=');
		st_buf_putc(b, '=');
	}
}

static int
unb64(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int
st_base64_decode(st_buf *b, const char *s, size_t n)
{
	uint32_t v = 0;
	int bits = 0;

	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = unb64((unsigned char)s[i]);
		if (d < 0)
			return -1;
		v = v << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			st_buf_putc(b, (char)(v >> bits & 0xff));
		}
	}
	return 0;
}
