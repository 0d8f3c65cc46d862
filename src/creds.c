/*
 * "Basic" credentials (RFC 7617): a bounded, strict base64 decoder
 * and the user-pass split; "Bearer" credentials (RFC 6750 §2.1): the
 * token, checked for its syntax only.  No lookups here.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "extern.h"

static const char b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * The 6-bit value of one character of the RFC 4648 §4 alphabet, or -1
 * for anything else (including '=', the URL-safe '-' and '_', and
 * whitespace).
 */
static int
b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/*
 * Decode insz characters of strict base64 (RFC 4648 §4) from in into
 * out, writing at most outsz bytes; out is not NUL-terminated.
 * Padding is required (insz % 4 == 0), '=' may only end the last
 * quantum, and the unused bits of a padded quantum must be zero
 * (§3.5), so each byte string has exactly one accepted encoding.
 * No whitespace, no line breaks.
 * Returns 0 and sets *outlen, or -1 if the input is malformed or does
 * not fit; then the bytes already written are wiped.
 */
int
b64_decode(char *out, size_t outsz, const char *in, size_t insz,
    size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i, n = 0, k;
	int			 v[4], j;
	unsigned long		 q;

	if (insz % 4 != 0)
		return -1;
	for (i = 0; i < insz; i += 4) {
		k = 3;
		for (j = 0; j < 4; j++)
			v[j] = b64_val(p[i + j]);
		if (v[0] == -1 || v[1] == -1)
			goto bad;
		if (v[2] == -1) {
			/* "xx==": one byte, 4 unused bits. */
			if (p[i + 2] != '=' || p[i + 3] != '=' ||
			    i + 4 != insz || (v[1] & 0x0f) != 0)
				goto bad;
			v[2] = v[3] = 0;
			k = 1;
		} else if (v[3] == -1) {
			/* "xxx=": two bytes, 2 unused bits. */
			if (p[i + 3] != '=' || i + 4 != insz ||
			    (v[2] & 0x03) != 0)
				goto bad;
			v[3] = 0;
			k = 2;
		}
		if (outsz - n < k)
			goto bad;
		q = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
		    (unsigned long)v[2] << 6 | (unsigned long)v[3];
		out[n++] = (char)(q >> 16 & 0xff);
		if (k > 1)
			out[n++] = (char)(q >> 8 & 0xff);
		if (k > 2)
			out[n++] = (char)(q & 0xff);
	}
	*outlen = n;
	return 0;
bad:
	explicit_bzero(out, n);
	return -1;
}

/*
 * Encode insz bytes of in as padded base64 (RFC 4648 §4) into out,
 * NUL-terminated.  Returns the length without the NUL, or 0 if out
 * (outsz bytes) is too small; an empty input also gives 0 (and "" if
 * outsz > 0).
 */
size_t
b64_encode(char *out, size_t outsz, const void *in, size_t insz)
{
	const unsigned char	*p = in;
	size_t			 i, n = 0, need;
	unsigned long		 q;

	/* need below cannot overflow once insz / 3 + 1 < SIZE_MAX / 4. */
	if (insz / 3 >= (size_t)-1 / 4 - 1)
		return 0;
	need = (insz + 2) / 3 * 4;
	if (outsz == 0 || need > outsz - 1) {
		if (outsz > 0)
			out[0] = '\0';
		return 0;
	}
	for (i = 0; i < insz; i += 3) {
		q = (unsigned long)p[i] << 16;
		if (i + 1 < insz)
			q |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < insz)
			q |= p[i + 2];
		out[n++] = b64_alpha[q >> 18 & 0x3f];
		out[n++] = b64_alpha[q >> 12 & 0x3f];
		out[n++] = i + 1 < insz ? b64_alpha[q >> 6 & 0x3f] : '=';
		out[n++] = i + 2 < insz ? b64_alpha[q & 0x3f] : '=';
	}
	out[n] = '\0';
	return n;
}

/*
 * The auth-scheme of a credentials header (RFC 9110 §11.4), matched
 * case-insensitively (§11.1), and the one or more spaces after it:
 * on CRED_OK *hdr and *hdrsz are moved past both.  CRED_NONE if hdr is
 * NULL or names another scheme (a tchar after it: "Basics"), CRED_BAD
 * if no space, or nothing, follows.
 */
static enum credres
cred_scheme(const char **hdr, size_t *hdrsz, const char *scheme)
{
	size_t	 n = strlen(scheme), sp;

	if (*hdr == NULL || *hdrsz < n ||
	    strncasecmp(*hdr, scheme, n) != 0 ||
	    (*hdrsz > n && http_token(*hdr + n, 1)))
		return CRED_NONE;
	for (sp = 0; n + sp < *hdrsz && (*hdr)[n + sp] == ' '; sp++)
		continue;
	if (sp == 0 || n + sp == *hdrsz)
		return CRED_BAD;
	*hdr += n + sp;
	*hdrsz -= n + sp;
	return CRED_OK;
}

/*
 * Parse an Authorization header value of hdrsz bytes (RFC 9110 §11.4,
 * RFC 7617 §2):
 *
 *	credentials = auth-scheme [ 1*SP token68 ]
 *
 * The scheme "Basic" is matched case-insensitively (§11.1); one or
 * more spaces and a strict base64 token68 of at most CRED_B64_MAX
 * characters must follow, nothing else.  The decoded user-pass must be
 * valid UTF-8 without control characters (RFC 7617 §2, RFC 5234 CTL)
 * and hold a ':' after a non-empty user-id; the password may be empty
 * or contain ':'.
 *
 * Returns CRED_NONE if hdr is NULL or empty or names another scheme,
 * CRED_BAD if it is a malformed Basic, CRED_OK with c->user and c->pass
 * pointing into c->buf, NUL-terminated, lengths in c->usersz and
 * c->passsz.  Unless CRED_OK, c holds no decoded bytes.  The caller
 * calls cred_wipe() when done.
 */
enum credres
cred_parse_basic(struct cred *c, const char *hdr, size_t hdrsz)
{
	char		*colon;
	size_t		 n;
	enum credres	 res;

	c->user = c->pass = NULL;
	c->usersz = c->passsz = 0;
	if ((res = cred_scheme(&hdr, &hdrsz, "Basic")) != CRED_OK)
		return res;

	if (hdrsz > CRED_B64_MAX ||
	    b64_decode(c->buf, sizeof(c->buf) - 1, hdr, hdrsz, &n) == -1)
		return CRED_BAD;
	if (memchr(c->buf, '\0', n) != NULL || has_ctl(c->buf, n) ||
	    !utf8_valid(c->buf, n) ||
	    (colon = memchr(c->buf, ':', n)) == NULL || colon == c->buf) {
		explicit_bzero(c->buf, n);
		return CRED_BAD;
	}
	*colon = c->buf[n] = '\0';
	c->user = c->buf;
	c->usersz = (size_t)(colon - c->buf);
	c->pass = colon + 1;
	c->passsz = n - c->usersz - 1;
	return CRED_OK;
}

/*
 * Whether ch may be in an RFC 6750 §2.1 b64token:
 *	b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
 *	    *"="
 * ('=' is handled by the caller: only at the end).
 */
static int
b64token_char(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
	    ch == '~' || ch == '+' || ch == '/';
}

/*
 * Parse an Authorization header value of hdrsz bytes as RFC 6750
 * §2.1 Bearer credentials:
 *
 *	credentials = "Bearer" 1*SP b64token
 *
 * The scheme is matched case-insensitively (RFC 9110 §11.1); one or
 * more spaces and a b64token of 1 to CRED_BUF_MAX - 1 bytes must
 * follow, nothing else (no trailing space, no parameters).  Whether
 * the token is one of ours (token_id()) is for the caller: the syntax
 * is all that is checked here.
 *
 * Returns CRED_NONE if hdr is NULL or empty or names another scheme,
 * CRED_BAD if it is a malformed Bearer, CRED_OK with c->bearer set,
 * c->user NULL and c->pass the token in c->buf, NUL-terminated, its
 * length in c->passsz.  Unless CRED_OK, c holds no token bytes.  The
 * caller calls cred_wipe() when done.
 */
enum credres
cred_parse_bearer(struct cred *c, const char *hdr, size_t hdrsz)
{
	size_t		 i;
	enum credres	 res;

	c->user = c->pass = NULL;
	c->usersz = c->passsz = 0;
	c->bearer = 0;
	if ((res = cred_scheme(&hdr, &hdrsz, "Bearer")) != CRED_OK)
		return res;
	if (hdrsz > sizeof(c->buf) - 1)
		return CRED_BAD;
	for (i = 0; i < hdrsz && b64token_char((unsigned char)hdr[i]); i++)
		continue;
	if (i == 0)
		return CRED_BAD;
	for (; i < hdrsz && hdr[i] == '='; i++)
		continue;
	if (i != hdrsz)
		return CRED_BAD;
	memcpy(c->buf, hdr, hdrsz);
	c->buf[hdrsz] = '\0';
	c->pass = c->buf;
	c->passsz = hdrsz;
	c->bearer = 1;
	return CRED_OK;
}

/*
 * Wipe decoded credentials: the buffer, the pointers and the lengths.
 */
void
cred_wipe(struct cred *c)
{
	explicit_bzero(c, sizeof(*c));
}
