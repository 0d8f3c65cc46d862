/*
 * fuzz_cert.c: cert_der() and cert_fingerprint() (src/cert.c) over the
 * SSL_CLIENT_CERT a server passes, PEM or percent-encoded PEM.
 * Properties:
 *  - accepted DER is one SEQUENCE whose length is the whole of it,
 *    within the caps, and the fingerprint is 64 lowercase hex digits
 *    of it (token_hash());
 *  - the DER, written again as a PEM block with 64-column lines,
 *    parses to the same bytes, and so does that PEM percent-encoded
 *    as nginx's $ssl_client_escaped_cert;
 *  - a refused input leaves no decoded byte behind and no fingerprint.
 */
#include "config.h"

#include <string.h>

#include "extern.h"
#include "fuzz.h"

static const char b64dig[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* der[0..n) as a PEM block into out; returns its length. */
static size_t
pem_write(char *out, const unsigned char *der, size_t n)
{
	size_t		 i, k = 0, col = 0;
	unsigned int	 v;
	char		 q[4];

	k += (size_t)sprintf(out, "-----BEGIN CERTIFICATE-----\n");
	for (i = 0; i < n; i += 3) {
		v = (unsigned int)der[i] << 16;
		if (i + 1 < n)
			v |= (unsigned int)der[i + 1] << 8;
		if (i + 2 < n)
			v |= der[i + 2];
		q[0] = b64dig[v >> 18 & 63];
		q[1] = b64dig[v >> 12 & 63];
		q[2] = i + 1 < n ? b64dig[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64dig[v & 63] : '=';
		memcpy(out + k, q, 4);
		k += 4;
		if ((col += 4) == 64) {
			out[k++] = '\n';
			col = 0;
		}
	}
	if (col != 0)
		out[k++] = '\n';
	k += (size_t)sprintf(out + k, "-----END CERTIFICATE-----\n");
	return k;
}

/* s[0..n) percent-encoded but for letters and digits; its length. */
static size_t
escape(char *out, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, k = 0;

	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			out[k++] = s[i];
		else {
			out[k++] = '%';
			out[k++] = hex[(unsigned char)s[i] >> 4];
			out[k++] = hex[s[i] & 0xf];
		}
	}
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char	 der[CERT_DER_MAX], der2[CERT_DER_MAX];
	static char		 pem[CERT_PEM_MAX], esc[3 * CERT_PEM_MAX];
	static const unsigned char zero[CERT_DER_MAX];
	char			 fp[CERT_FPLEN + 1], fp2[CERT_FPLEN + 1];
	const char		*in = (const char *)data;
	enum certres		 res;
	size_t			 n, n2, k, i;

	memset(der, 0, sizeof(der));
	res = cert_der(der, sizeof(der), in, size, &n);
	PROPERTY((size_t)res < CERTRES__MAX);
	(void)cert_fingerprint(fp, in, size);
	if (res != CERTRES_OK) {
		PROPERTY(n == 0);
		PROPERTY(memcmp(der, zero, sizeof(der)) == 0);
		PROPERTY(fp[0] == '\0');
		return 0;
	}
	PROPERTY(size <= CERT_PEM_MAX && n >= 2 && n <= CERT_DER_MAX);
	PROPERTY(der[0] == 0x30);
	PROPERTY(strlen(fp) == CERT_FPLEN);
	for (i = 0; i < CERT_FPLEN; i++)
		PROPERTY((fp[i] >= '0' && fp[i] <= '9') ||
		    (fp[i] >= 'a' && fp[i] <= 'f'));
	token_hash(fp2, (const char *)der, n);
	PROPERTY(strcmp(fp, fp2) == 0);

	if (n > (CERT_PEM_MAX - 64) / 3)
		return 0;	/* its PEM would pass the cap */
	k = pem_write(pem, der, n);
	PROPERTY(cert_der(der2, sizeof(der2), pem, k, &n2) == CERTRES_OK);
	PROPERTY(n2 == n && memcmp(der2, der, n) == 0);
	k = escape(esc, pem, k);
	if (k <= CERT_PEM_MAX) {
		PROPERTY(cert_der(der2, sizeof(der2), esc, k, &n2) ==
		    CERTRES_OK);
		PROPERTY(n2 == n && memcmp(der2, der, n) == 0);
	}
	return 0;
}
