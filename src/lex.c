/*
 * Byte-level checks shared by the request parsers.  Each takes
 * (pointer, length), does no I/O and never reads past the length,
 * so embedded NUL bytes are seen and judged like any other byte.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "extern.h"

/*
 * Return 1 if s[0..n) is well-formed UTF-8 (RFC 3629 §4, Unicode
 * Table 3-7), 0 otherwise.  Rejected: C0, C1 and F5-FF anywhere, a
 * continuation byte without a lead, truncated sequences, overlong
 * forms (E0 80-9F, F0 80-8F), surrogates U+D800-DFFF (ED A0-BF) and
 * code points above U+10FFFF (F4 90-BF).  The empty string is valid.
 */
int
utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, len, k;
	unsigned char		 lo, hi;

	while (i < n) {
		lo = 0x80;
		hi = 0xbf;
		if (p[i] < 0x80) {
			i++;
			continue;
		} else if (p[i] >= 0xc2 && p[i] <= 0xdf)
			len = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			len = 3;
			if (p[i] == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (p[i] == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			len = 4;
			if (p[i] == 0xf0)
				lo = 0x90;	/* overlong */
			else if (p[i] == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else
			return 0;	/* 80-BF lead, C0, C1, F5-FF */
		if (n - i < len)
			return 0;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (k = 2; k < len; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				return 0;
		i += len;
	}
	return 1;
}

/*
 * Return 1 if s[0..n) is a non-empty token of RFC 9110 §5.6.2 tchars:
 * ALPHA, DIGIT and "!#$%&'*+-.^_`|~"; 0 otherwise.
 */
int
http_token(const char *s, size_t n)
{
	unsigned char	 c;
	size_t		 i;

	if (s == NULL || n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		switch (c) {
		case '!': case '#': case '$': case '%': case '&':
		case '\'': case '*': case '+': case '-': case '.':
		case '^': case '_': case '`': case '|': case '~':
			continue;
		default:
			return 0;
		}
	}
	return 1;
}

/*
 * Return 1 if s[0..n) holds a C0 control byte (0x00-0x1f) or DEL
 * (0x7f), 0 otherwise.  Bytes 0x80 and above are not controls here:
 * utf8_valid() judges them.
 */
int
has_ctl(const char *s, size_t n)
{
	unsigned char	 c;
	size_t		 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return 1;
	}
	return 0;
}

/*
 * Return 1 if s[0..n) may be a user name, 0 otherwise: 1-255 bytes
 * of UTF-8 without ':' (RFC 7617 §2: the user-id of Basic cannot hold
 * one) or control bytes.  The schema's CHECK on users.name agrees;
 * `portcullis user add`, `import htpasswd` and the request parser all
 * ask here.
 */
int
name_valid(const char *s, size_t n)
{

	return n > 0 && n <= NAME_MAX_LEN && utf8_valid(s, n) &&
	    !has_ctl(s, n) && memchr(s, ':', n) == NULL;
}
