/*
 * cert.c: the client certificate the web server verified (README,
 * "Client certificates"; sql/0008-certificates.sql): what the server
 * says about it, read from the parameters its configuration sets, and
 * the SHA-256 fingerprint of its DER, computed from the PEM it passes.
 *
 * Only the server's own parameters are read, never an HTTP_* one (a
 * client header "SSL-Client-Verify: SUCCESS" arrives as
 * HTTP_SSL_CLIENT_VERIFY and is not looked at):
 *   SSL_CLIENT_VERIFY  "SUCCESS" when the server verified the chain
 *                      (nginx $ssl_client_verify, Apache and lighttpd
 *                      set it themselves), else "NONE" (no
 *                      certificate) or "FAILED:reason" / "GENEROUS";
 *   HTTPS              "on" (nginx fastcgi_params, Apache, lighttpd):
 *                      a verified certificate over anything else is
 *                      a configuration error, and not trusted;
 *   SSL_CLIENT_CERT    the certificate as PEM (Apache SSLOptions
 *                      +ExportCertData, lighttpd
 *                      ssl.verifyclient.exportcert) or as nginx's
 *                      $ssl_client_escaped_cert, the PEM percent-
 *                      encoded (RFC 3986 §2.1);
 *   SSL_CLIENT_S_DN, SSL_CLIENT_I_DN  the subject and issuer DNs,
 *                      kept as given and compared byte for byte.
 * The PEM is one "CERTIFICATE" block (RFC 7468 §5.1), its base64 (RFC
 * 4648 §4) in lines of any length with any whitespace between them
 * (nginx's old $ssl_client_cert indents with tabs), nothing but
 * whitespace around it; the DER must be one SEQUENCE (X.690 §8.9)
 * whose length is the whole of it.  The X.509 contents are not parsed:
 * the server verified them, and the fingerprint is over the bytes.
 */
#include "config.h"

#include <string.h>

#include "extern.h"

#define PEM_BEGIN	"-----BEGIN CERTIFICATE-----"
#define PEM_END		"-----END CERTIFICATE-----"

/* Names for enum certres, in its order: the log's detail. */
const char *const certres_str[CERTRES__MAX] = {
	[CERTRES_OK] = "ok",
	[CERTRES_NONE] = "none",
	[CERTRES_TOOLONG] = "too-long",
	[CERTRES_ESCAPE] = "bad-escape",
	[CERTRES_PEM] = "bad-pem",
	[CERTRES_BASE64] = "bad-base64",
	[CERTRES_DER] = "bad-der",
};

/*
 * A reader over the parameter's bytes that undoes percent-encoding
 * when the value holds a '%' (a PEM never does: nginx's escaped form).
 */
struct rd {
	const char	*p;
	size_t		 n;
	size_t		 i;
	int		 esc;
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The next byte (0-255), -1 at the end, -2 for a malformed escape. */
static int
rd_get(struct rd *r)
{
	int	 hi, lo;

	if (r->i >= r->n)
		return -1;
	if (!r->esc || r->p[r->i] != '%')
		return (unsigned char)r->p[r->i++];
	if (r->n - r->i < 3 || (hi = hexval(r->p[r->i + 1])) == -1 ||
	    (lo = hexval(r->p[r->i + 2])) == -1)
		return -2;
	r->i += 3;
	return hi << 4 | lo;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The next byte that is not whitespace, or what rd_get() said. */
static int
rd_skip(struct rd *r)
{
	int	 c;

	while (is_space(c = rd_get(r)))
		continue;
	return c;
}

/*
 * Whether the next bytes are s (its first byte already read as c).
 * Returns CERTRES_OK, CERTRES_ESCAPE or CERTRES_PEM.
 */
static enum certres
rd_expect(struct rd *r, int c, const char *s)
{
	for (;;) {
		if (c == -2)
			return CERTRES_ESCAPE;
		if (c != (unsigned char)*s)
			return CERTRES_PEM;
		if (*++s == '\0')
			return CERTRES_OK;
		c = rd_get(r);
	}
}

/* The value of a base64 digit (RFC 4648 Table 1), or -1. */
static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Whether der[0..n) is one DER SEQUENCE whose definite length (short
 * or long form, minimal, at most 4 length bytes) covers exactly the
 * rest: an X.509 certificate's outer shape.
 */
static int
der_whole(const unsigned char *der, size_t n)
{
	size_t	 len = 0, nl, i;

	if (n < 2 || der[0] != 0x30)
		return 0;
	if (der[1] < 0x80)
		return (size_t)der[1] == n - 2;
	nl = der[1] & 0x7f;
	if (nl == 0 || nl > 4 || n < 2 + nl || der[2] == 0)
		return 0;
	for (i = 0; i < nl; i++)
		len = len << 8 | der[2 + i];
	if (len < 0x80)
		return 0;		/* should have been the short form */
	return len == n - 2 - nl;
}

/*
 * Decode the certificate of the PEM in pem[0..pemsz) (percent-encoded
 * or not, see above) into der (dersz bytes), its length into *dern.
 * Caps first: pemsz over CERT_PEM_MAX is CERTRES_TOOLONG before a byte
 * is read, as is DER that would not fit dersz.  Returns CERTRES_OK, or
 * CERTRES_NONE (no bytes, or only whitespace), CERTRES_TOOLONG,
 * CERTRES_ESCAPE (a '%' not followed by two hex digits), CERTRES_PEM
 * (not one CERTIFICATE block with only whitespace around it),
 * CERTRES_BASE64 (a byte outside the alphabet, misplaced or missing
 * padding, nonzero pad bits) or CERTRES_DER (not one whole SEQUENCE).
 * der holds nothing on failure.
 */
enum certres
cert_der(unsigned char *der, size_t dersz, const char *pem, size_t pemsz,
    size_t *dern)
{
	struct rd	 r;
	enum certres	 res;
	unsigned int	 acc = 0;
	size_t		 n = 0, digits = 0, pad = 0;
	int		 c, v;

	*dern = 0;
	if (pem == NULL || pemsz == 0)
		return CERTRES_NONE;
	if (pemsz > CERT_PEM_MAX)
		return CERTRES_TOOLONG;
	r.p = pem;
	r.n = pemsz;
	r.i = 0;
	r.esc = memchr(pem, '%', pemsz) != NULL;

	if ((c = rd_skip(&r)) == -1)
		return CERTRES_NONE;
	if ((res = rd_expect(&r, c, PEM_BEGIN)) != CERTRES_OK)
		goto fail;
	/* The base64 body, up to the '-' of the END line. */
	for (;;) {
		if ((c = rd_skip(&r)) == -2) {
			res = CERTRES_ESCAPE;
			goto fail;
		}
		if (c == -1 || c == '-')
			break;
		if (c == '=') {
			if (digits % 4 < 2 || ++pad > 2) {
				res = CERTRES_BASE64;
				goto fail;
			}
			digits++;
			continue;
		}
		if (pad > 0 || (v = b64val(c)) == -1) {
			res = CERTRES_BASE64;
			goto fail;
		}
		acc = acc << 6 | (unsigned int)v;
		if (digits++ % 4 != 0) {
			if (n >= dersz) {
				res = CERTRES_TOOLONG;
				goto fail;
			}
			der[n++] = (unsigned char)(acc >> (2 * (4 - digits % 4)
			    % 8));
		}
	}
	if (c == -1 || digits == 0) {
		res = CERTRES_PEM;
		goto fail;
	}
	if (digits % 4 != 0) {
		res = CERTRES_BASE64;
		goto fail;
	}
	/* The bits a padded group leaves over must be zero (§3.5). */
	if ((pad == 1 && (acc & 0x3) != 0) || (pad == 2 && (acc & 0xf) != 0)) {
		res = CERTRES_BASE64;
		goto fail;
	}
	if ((res = rd_expect(&r, c, PEM_END)) != CERTRES_OK)
		goto fail;
	if ((c = rd_skip(&r)) != -1) {
		res = c == -2 ? CERTRES_ESCAPE : CERTRES_PEM;
		goto fail;
	}
	if (!der_whole(der, n)) {
		res = CERTRES_DER;
		goto fail;
	}
	*dern = n;
	return CERTRES_OK;
fail:
	explicit_bzero(der, n);
	return res;
}

/*
 * The fingerprint of the certificate of pem[0..pemsz) into fp
 * (CERT_FPLEN + 1 bytes): the SHA-256 of its DER as 64 lowercase hex
 * digits (token_hash(): one SHA-256 in the program), "" on failure.
 * Returns what cert_der() returned.
 */
enum certres
cert_fingerprint(char *fp, const char *pem, size_t pemsz)
{
	unsigned char	 der[CERT_DER_MAX];
	enum certres	 res;
	size_t		 n;

	fp[0] = '\0';
	if ((res = cert_der(der, sizeof(der), pem, pemsz, &n)) == CERTRES_OK)
		token_hash(fp, (const char *)der, n);
	return res;
}

/*
 * Copy the DN parameter v into buf (CERT_DN_MAX + 1 bytes) if it is
 * 1-CERT_DN_MAX bytes without control characters (what the schema
 * allows a row); else leave buf "" (no row can match it).
 */
static void
cert_dn(char *buf, const char *v)
{
	size_t	 n;

	buf[0] = '\0';
	if (v == NULL || (n = strnlen(v, CERT_DN_MAX + 1)) == 0 ||
	    n > CERT_DN_MAX || has_ctl(v, n))
		return;
	memcpy(buf, v, n);
	buf[n] = '\0';
}

/*
 * Fill c from the server's parameters (see the top of this file):
 * CERTST_VERIFIED only for SSL_CLIENT_VERIFY "SUCCESS" with HTTPS
 * "on"; then the fingerprint of SSL_CLIENT_CERT (c->pem says how its
 * parse went) and the DNs.  CERTST_NONE without SSL_CLIENT_VERIFY or
 * with "NONE" (no certificate was sent), or an empty one;
 * CERTST_UNVERIFIED for any other value (nothing else is read then).
 * c is zeroed first.
 */
void
cert_read(struct reqcert *c, req_getter get, void *arg)
{
	const char	*v, *https, *pem;

	memset(c, 0, sizeof(*c));
	c->pem = CERTRES_NONE;
	if ((v = get(arg, "SSL_CLIENT_VERIFY")) == NULL || *v == '\0' ||
	    strcmp(v, "NONE") == 0)
		return;
	https = get(arg, "HTTPS");
	if (strcmp(v, "SUCCESS") != 0 || https == NULL ||
	    strcmp(https, "on") != 0) {
		c->state = CERTST_UNVERIFIED;
		return;
	}
	c->state = CERTST_VERIFIED;
	pem = get(arg, "SSL_CLIENT_CERT");
	c->pem = cert_fingerprint(c->fp, pem,
	    pem == NULL ? 0 : strnlen(pem, CERT_PEM_MAX + 1));
	cert_dn(c->subject, get(arg, "SSL_CLIENT_S_DN"));
	cert_dn(c->issuer, get(arg, "SSL_CLIENT_I_DN"));
}
