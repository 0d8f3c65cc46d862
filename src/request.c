/*
 * CGI variables (RFC 3875 §4.1) or FastCGI parameters into a struct
 * request: capped, checked and copied into fixed buffers, so nothing
 * points into storage that libfcgi frees at the next accept (except
 * the two borrowed conditional headers, documented in extern.h).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "extern.h"

/*
 * The longest Host value host_canon() can accept: the canonical host,
 * one trailing '.' and ":" with five digits.  Anything as long is
 * refused before it is scanned.
 */
#define HOST_RAW_MAX	(REQ_HOST_MAX + 1 + 6)

/*
 * Fill r from the variables get() returns (NULL for an absent one).
 * r is zeroed first.  Checked in order: REQUEST_METHOD (an RFC 9110
 * §9.1 token of at most REQ_METHOD_MAX bytes), REQUEST_URI (through
 * path_canon()), HTTP_HOST (through host_canon(), absent is fine).
 * Return REQ_OK, or REQ_BAD with r->bad naming the first failure and,
 * for the target, r->pathres saying why.  An Authorization header
 * over the cap is not a 400: r->authz_toolong is set, r->authz left
 * empty, and the decision answers 401.  The caller calls req_wipe()
 * on every path once done with r.
 */
enum reqres
req_parse(struct request *r, req_getter get, void *arg)
{
	const char	*v;
	size_t		 n;

	memset(r, 0, sizeof(*r));

	/* For logs only: truncation is harmless. */
	if ((v = get(arg, "REMOTE_ADDR")) == NULL || *v == '\0')
		v = "-";
	n = strnlen(v, sizeof(r->addr) - 1);
	memcpy(r->addr, v, n);
	r->addr[n] = '\0';

	n = (v = get(arg, "REQUEST_METHOD")) == NULL ? 0 :
	    strnlen(v, REQ_METHOD_MAX + 1);
	if (n > REQ_METHOD_MAX || !http_token(v, n)) {
		r->bad = "bad-method";
		return REQ_BAD;
	}
	memcpy(r->method, v, n);
	r->method[n] = '\0';

	/* Over REQ_TARGET_MAX, strnlen stops one past: PATH_TOOLONG. */
	n = (v = get(arg, "REQUEST_URI")) == NULL ? 0 :
	    strnlen(v, REQ_TARGET_MAX + 1);
	r->pathres = path_canon(r->path, sizeof(r->path), v, n);
	if (r->pathres != PATH_OK) {
		r->bad = pathres_str[r->pathres];
		return REQ_BAD;
	}

	n = (v = get(arg, "HTTP_HOST")) == NULL ? 0 :
	    strnlen(v, HOST_RAW_MAX + 1);
	if (n > HOST_RAW_MAX ||
	    host_canon(r->host, sizeof(r->host), v, n) == -1) {
		r->bad = "bad-host";
		return REQ_BAD;
	}

	/* Copied whole or not at all; an empty value is no header. */
	if ((v = get(arg, "HTTP_AUTHORIZATION")) != NULL) {
		n = strnlen(v, sizeof(r->authz));
		if (n == sizeof(r->authz))
			r->authz_toolong = 1;
		else {
			memcpy(r->authz, v, n);
			r->authz[n] = '\0';
			r->authzsz = n;
		}
	}

	r->inm = get(arg, "HTTP_IF_NONE_MATCH");
	r->ims = get(arg, "HTTP_IF_MODIFIED_SINCE");
	return REQ_OK;
}

/*
 * Clear the copy of the Authorization header in r.  Safe on a zeroed
 * or already wiped request.
 */
void
req_wipe(struct request *r)
{

	explicit_bzero(r->authz, sizeof(r->authz));
	r->authzsz = 0;
}
