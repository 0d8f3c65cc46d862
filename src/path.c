/*
 * The request target and the Host header, brought to the canonical
 * forms that rules are matched against and files are served from.
 * Both parsers take (pointer, length), do no I/O and write only into
 * the caller's fixed buffer.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "extern.h"

/* Short names for logs, indexed by enum pathres. */
const char *const pathres_str[PATH__MAX] = {
	"ok",			/* PATH_OK */
	"empty",		/* PATH_EMPTY */
	"too-long",		/* PATH_TOOLONG */
	"bad-form",		/* PATH_FORM */
	"bad-escape",		/* PATH_ESCAPE */
	"encoded-slash",	/* PATH_SLASH */
	"control-byte",		/* PATH_CTRL */
	"bad-utf8",		/* PATH_UTF8 */
	"climbs-above-root",	/* PATH_CLIMB */
	"encoded-percent",	/* PATH_PERCENT */
};

static int
is_alpha(unsigned char c)
{

	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{

	return c >= '0' && c <= '9';
}

/* The value of hex digit c (either case), or -1. */
static int
hexval(unsigned char c)
{

	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * If s[0..n) starts with "scheme://" (RFC 3986 §3.1 scheme), return
 * the length of that prefix; otherwise 0.
 */
static size_t
scheme_len(const char *s, size_t n)
{
	unsigned char	 c;
	size_t		 i;

	if (n == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		c = (unsigned char)s[i];
		if (!is_alpha(c) && !is_digit(c) &&
		    c != '+' && c != '-' && c != '.')
			break;
	}
	if (n - i < 3 || memcmp(s + i, "://", 3) != 0)
		return 0;
	return i + 3;
}

/*
 * Percent-decode src[0..n) once into dst (which has room for n
 * bytes) and store the decoded length in *dstsz.  RFC 3986 §2.1: '%'
 * must be followed by two hex digits, else PATH_ESCAPE.  A decoded
 * '/' or '\' would change the segment structure after the fact:
 * PATH_SLASH.  A decoded NUL or control byte: PATH_CTRL.  A decoded
 * '%' ("%25") is PATH_PERCENT: the result would hold an escape again,
 * which a backend that decodes twice reads as another path than the
 * one decided on ("/%2561dmin/" -> "/%61dmin/" -> "/admin/"), so the
 * target is ambiguous and refused.
 */
static enum pathres
pct_decode(char *dst, size_t *dstsz, const char *src, size_t n)
{
	size_t	 i, o = 0;
	int	 hi, lo;
	char	 c;

	for (i = 0; i < n; i++) {
		if (src[i] != '%') {
			dst[o++] = src[i];
			continue;
		}
		if (n - i < 3 ||
		    (hi = hexval((unsigned char)src[i + 1])) == -1 ||
		    (lo = hexval((unsigned char)src[i + 2])) == -1)
			return PATH_ESCAPE;
		c = (char)(hi << 4 | lo);
		if (c == '/' || c == '\\')
			return PATH_SLASH;
		if (c == '%')
			return PATH_PERCENT;
		if (has_ctl(&c, 1))
			return PATH_CTRL;
		dst[o++] = c;
		i += 2;
	}
	*dstsz = o;
	return PATH_OK;
}

/*
 * Remove dot-segments (RFC 3986 §5.2.4) from the decoded path
 * d[0..n), which starts with '/', in place, and merge runs of '/'.
 * "." is dropped and ".." drops the segment before it; a ".." with
 * nothing before it is PATH_CLIMB, not clamped to "/".  The result
 * keeps a trailing '/' when the input ended in '/', "." or "..".  It
 * never grows: each kept segment costs its own bytes plus the '/'
 * before it, and trailing '/' and dot-segments cost at least one
 * byte that the output does not use.  Store the length in *dsz.
 */
static enum pathres
dot_remove(char *d, size_t n, size_t *dsz)
{
	size_t	 i = 0, j, w = 0, len;
	int	 trail = 0;

	while (i < n) {
		if (d[i] == '/') {
			i++;
			trail = 1;
			continue;
		}
		for (j = i; j < n && d[j] != '/'; j++)
			continue;
		len = j - i;
		if (len == 1 && d[i] == '.')
			trail = 1;
		else if (len == 2 && d[i] == '.' && d[i + 1] == '.') {
			if (w == 0)
				return PATH_CLIMB;
			while (d[w - 1] != '/')
				w--;
			w--;
			trail = 1;
		} else {
			/* w < i: at least one '/' before d[i] was not kept. */
			d[w++] = '/';
			memmove(d + w, d + i, len);
			w += len;
			trail = 0;
		}
		i = j;
	}
	if (w == 0 || trail)
		d[w++] = '/';
	*dsz = w;
	return PATH_OK;
}

/*
 * Canonicalise the raw request target raw[0..rawsz), REQUEST_URI as
 * servers pass it (undecoded, dot-segments intact, with the query),
 * into out, NUL-terminated.  Accepted: origin-form and absolute-form
 * (RFC 9112 §3.2.1, §3.2.2; path_authority() gives the authority of
 * the latter, which names the host).  The query is cut, '%' escapes are decoded once,
 * the result must be UTF-8, dot-segments are removed and "//" merged.
 * Return PATH_OK, or why the target is refused; on failure out is ""
 * (when outsz > 0).  Nothing is ever written past out[outsz - 1].
 */
enum pathres
path_canon(char *out, size_t outsz, const char *raw, size_t rawsz)
{
	char		 buf[REQ_TARGET_MAX + 1];
	const char	*p, *end, *q;
	size_t		 n, skip;
	enum pathres	 res;

	if (outsz > 0)
		*out = '\0';
	if (raw == NULL || rawsz == 0)
		return PATH_EMPTY;
	if (rawsz > REQ_TARGET_MAX)
		return PATH_TOOLONG;

	end = raw + rawsz;
	if ((skip = scheme_len(raw, rawsz)) > 0) {
		/* absolute-form: the path starts after the authority. */
		for (p = raw + skip; p < end; p++)
			if (*p == '/' || *p == '?' || *p == '#')
				break;
	} else if (*raw == '/')
		p = raw;
	else
		return PATH_FORM;	/* also "*" (asterisk-form) */

	if ((q = memchr(p, '?', (size_t)(end - p))) != NULL)
		end = q;
	n = (size_t)(end - p);
	if (n == 0) {
		/* "http://h" and "http://h?x": RFC 9112 §3.2.2. */
		p = "/";
		n = 1;
	}
	if (memchr(p, '#', n) != NULL)
		return PATH_FORM;
	if (has_ctl(p, n))
		return PATH_CTRL;
	if (memchr(p, '\\', n) != NULL)
		return PATH_SLASH;

	if ((res = pct_decode(buf, &n, p, n)) != PATH_OK)
		return res;
	if (!utf8_valid(buf, n))
		return PATH_UTF8;
	if ((res = dot_remove(buf, n, &n)) != PATH_OK)
		return res;
	if (n > REQ_PATH_MAX || n >= outsz)
		return PATH_TOOLONG;
	memcpy(out, buf, n);
	out[n] = '\0';
	return PATH_OK;
}

/*
 * The authority of an absolute-form target raw[0..rawsz) (RFC 9112
 * §3.2.2: "http://host:port/path"): *auth points into raw, *authsz
 * is its length (0 for "http:///x").  Returns 1 for an absolute-form
 * target, 0 for any other.  Nothing is checked here: host_canon()
 * refuses an authority that is not a host and port (userinfo too).
 */
int
path_authority(const char *raw, size_t rawsz, const char **auth,
    size_t *authsz)
{
	const char	*p, *end;
	size_t		 skip;

	if (raw == NULL || (skip = scheme_len(raw, rawsz)) == 0)
		return 0;
	end = raw + rawsz;
	for (p = raw + skip; p < end; p++)
		if (*p == '/' || *p == '?' || *p == '#')
			break;
	*auth = raw + skip;
	*authsz = (size_t)(p - *auth);
	return 1;
}

/*
 * Whether c (lower case) may appear in a host: in an IP-literal
 * between the brackets (lit = 1) hex digits, ':' and '.'; in a
 * reg-name (lit = 0) [a-z0-9._-].
 */
static int
host_char(unsigned char c, size_t lit)
{

	if (is_digit(c) || (c >= 'a' && c <= 'f') || c == '.')
		return 1;
	if (lit)
		return c == ':';
	return (c >= 'g' && c <= 'z') || c == '-' || c == '_';
}

/*
 * Bring the Host header raw[0..rawsz) (RFC 9110 §7.2: uri-host
 * [ ":" port ]) to the form resources store: lower case, without the
 * port and without one trailing '.'.  An IP-literal (RFC 3986 §3.2.2)
 * keeps its brackets and may hold only hex digits, ':' and '.'; a
 * reg-name only [a-z0-9._-], in non-empty labels ("a..b", ".a" and
 * "a.." are refused).  A port is 1-5 digits.  The schema's check on
 * resources.host (sql/0004) accepts exactly the results; both sides
 * are tested against tests/hosts.tab.  Return 1 and the
 * host in out; 0 and "" when raw is NULL or empty; -1 and "" (when
 * outsz > 0) when it is malformed, empty after stripping, longer
 * than REQ_HOST_MAX or too long for out.
 */
int
host_canon(char *out, size_t outsz, const char *raw, size_t rawsz)
{
	const char	*colon = NULL, *rb;
	size_t		 n, i, ndig, lit;
	unsigned char	 c;

	if (outsz > 0)
		*out = '\0';
	if (raw == NULL || rawsz == 0)
		return 0;

	lit = raw[0] == '[';
	if (lit) {
		if ((rb = memchr(raw, ']', rawsz)) == NULL || rb == raw + 1)
			return -1;
		n = (size_t)(rb - raw) + 1;
		if (n < rawsz) {
			if (raw[n] != ':')
				return -1;
			colon = raw + n;
		}
	} else {
		colon = memchr(raw, ':', rawsz);
		n = colon == NULL ? rawsz : (size_t)(colon - raw);
	}
	if (colon != NULL) {
		ndig = rawsz - (size_t)(colon - raw) - 1;
		if (ndig == 0 || ndig > 5)
			return -1;
		for (i = 1; i <= ndig; i++)
			if (!is_digit((unsigned char)colon[i]))
				return -1;
	}
	if (!lit && n > 0 && raw[n - 1] == '.')
		n--;
	if (n == 0 || n > REQ_HOST_MAX || n >= outsz)
		return -1;

	for (i = 0; i < n; i++) {
		c = (unsigned char)raw[i];
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[n] = '\0';
	/* Between the brackets of an IP-literal, or the whole reg-name. */
	for (i = lit; i < n - lit; i++) {
		if (!host_char((unsigned char)out[i], lit))
			goto bad;
		/* A reg-name is labels joined by single dots. */
		if (!lit && out[i] == '.' &&
		    (i == 0 || i == n - 1 || out[i + 1] == '.'))
			goto bad;
	}
	return 1;
bad:
	*out = '\0';
	return -1;
}
