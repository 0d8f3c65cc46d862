/*
 * fuzz_creds.c: cred_parse_basic(), cred_parse_bearer() and the base64
 * codec (src/creds.c) over an Authorization header value.  Properties:
 *  - accepted credentials have a non-empty user without ':', and both
 *    halves are UTF-8 without control bytes, NUL-terminated, inside
 *    the struct's buffer;
 *  - encoding them again as "Basic " + base64("user:pass") parses
 *    back to the same user and password (RFC 7617 §2);
 *  - base64 of the raw input decodes back to it;
 *  - a refused header leaves no decoded byte behind;
 *  - an accepted Bearer token is a non-empty RFC 6750 b64token,
 *    NUL-terminated in the buffer, and "Bearer " + it parses back to
 *    it; a header is never both Basic and Bearer.
 */
#include "config.h"

#include <string.h>

#include "extern.h"
#include "fuzz.h"

static void
check_ok(const struct cred *c)
{
	PROPERTY(c->user == c->buf && c->usersz > 0);
	PROPERTY(c->pass == c->user + c->usersz + 1);
	PROPERTY(c->pass + c->passsz < c->buf + sizeof(c->buf));
	PROPERTY(c->user[c->usersz] == '\0' && c->pass[c->passsz] == '\0');
	PROPERTY(memchr(c->user, ':', c->usersz) == NULL);
	PROPERTY(utf8_valid(c->user, c->usersz) &&
	    !has_ctl(c->user, c->usersz));
	PROPERTY(utf8_valid(c->pass, c->passsz) &&
	    !has_ctl(c->pass, c->passsz));
}

static void
round_trip(const struct cred *c)
{
	char		 up[CRED_BUF_MAX], hdr[6 + CRED_B64_MAX + 1];
	struct cred	 c2;
	size_t		 n, k;

	n = c->usersz + 1 + c->passsz;
	memcpy(up, c->user, c->usersz);
	up[c->usersz] = ':';
	memcpy(up + c->usersz + 1, c->pass, c->passsz);
	memcpy(hdr, "Basic ", 6);
	k = b64_encode(hdr + 6, sizeof(hdr) - 6, up, n);
	PROPERTY(k > 0);
	PROPERTY(cred_parse_basic(&c2, hdr, 6 + k) == CRED_OK);
	PROPERTY(c2.usersz == c->usersz && c2.passsz == c->passsz);
	PROPERTY(memcmp(c2.user, c->user, c->usersz) == 0);
	PROPERTY(memcmp(c2.pass, c->pass, c->passsz) == 0);
	cred_wipe(&c2);
}

static void
check_bearer(const char *hdr, size_t size, enum credres basic)
{
	static const char	 zero[CRED_BUF_MAX];
	char			 again[7 + CRED_BUF_MAX];
	struct cred		 c, c2;
	size_t			 i;

	memset(&c, 0, sizeof(c));
	switch (cred_parse_bearer(&c, hdr, size)) {
	case CRED_OK:
		PROPERTY(basic == CRED_NONE);
		PROPERTY(c.bearer && c.user == NULL && c.pass == c.buf);
		PROPERTY(c.passsz > 0 && c.passsz < sizeof(c.buf));
		PROPERTY(c.pass[c.passsz] == '\0');
		for (i = 0; i < c.passsz; i++)
			PROPERTY(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-._~+/=",
			    c.pass[i]) != NULL);
		memcpy(again, "Bearer ", 7);
		memcpy(again + 7, c.pass, c.passsz);
		memset(&c2, 0, sizeof(c2));
		PROPERTY(cred_parse_bearer(&c2, again, 7 + c.passsz) ==
		    CRED_OK);
		PROPERTY(c2.passsz == c.passsz &&
		    memcmp(c2.pass, c.pass, c.passsz) == 0);
		cred_wipe(&c2);
		break;
	case CRED_NONE:
	case CRED_BAD:
		PROPERTY(c.pass == NULL && !c.bearer);
		PROPERTY(memcmp(c.buf, zero, sizeof(c.buf)) == 0);
		break;
	default:
		PROPERTY(0);
	}
	cred_wipe(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 zero[CRED_BUF_MAX];
	const char		*hdr = (const char *)data;
	char			 enc[4 * 1024 + 8], dec[3 * 1024 + 8];
	struct cred		 c;
	enum credres		 basic;
	size_t			 k, n;

	memset(&c, 0, sizeof(c));
	switch ((basic = cred_parse_basic(&c, hdr, size))) {
	case CRED_OK:
		check_ok(&c);
		round_trip(&c);
		break;
	case CRED_NONE:
	case CRED_BAD:
		PROPERTY(c.user == NULL && c.pass == NULL);
		PROPERTY(memcmp(c.buf, zero, sizeof(c.buf)) == 0);
		break;
	default:
		PROPERTY(0);
	}
	cred_wipe(&c);
	check_bearer(hdr, size, basic);

	if (size > 0 && size <= 3 * 1024) {
		k = b64_encode(enc, sizeof(enc), data, size);
		PROPERTY(size == 0 || k > 0);
		PROPERTY(b64_decode(dec, sizeof(dec), enc, k, &n) == 0);
		PROPERTY(n == size && memcmp(dec, data, size) == 0);
	}
	return 0;
}
