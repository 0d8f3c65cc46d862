/*
 * CGI variables (RFC 3875 §4.1) or FastCGI parameters into a struct
 * request: capped, checked and copied into fixed buffers, so nothing
 * points into storage that libfcgi frees at the next accept (except
 * the two borrowed conditional headers, documented in extern.h).
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"

/*
 * The longest Host value host_canon() can accept: the canonical host,
 * one trailing '.' and ":" with five digits.  Anything as long is
 * refused before it is scanned.
 */
#define HOST_RAW_MAX	(REQ_HOST_MAX + 1 + 6)

/* Names for enum mode, in its order (README, "Deploying behind..."). */
const char *const mode_str[MODE__MAX] = {
	[MODE_RESPONDER] = "responder",
	[MODE_AUTHORIZER] = "authorizer",
	[MODE_AUTH_REQUEST] = "auth_request",
	[MODE_FORWARD_AUTH] = "forward_auth",
	[MODE_HEALTH] = "health",
	[MODE_METRICS] = "metrics",
};

/* Names for enum reqbad, in its order (req_bad_str() uses them). */
const char *const reqbad_str[REQBAD__MAX] = {
	[REQBAD_NONE] = "none",
	[REQBAD_MODE] = "bad-mode",
	[REQBAD_FORWARDED] = "no-forwarded",
	[REQBAD_METHOD] = "bad-method",
	[REQBAD_TARGET] = "bad-target",
	[REQBAD_HOST] = "bad-host",
};

/*
 * The mode named s (exactly, as in mode_str[]) into *m.  Returns 0,
 * or -1 for NULL or a name that is not there.
 */
int
mode_parse(const char *s, enum mode *m)
{
	size_t	 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < MODE__MAX; i++)
		if (strcmp(s, mode_str[i]) == 0) {
			*m = (enum mode)i;
			return 0;
		}
	return -1;
}

/*
 * Copy a header value whole into buf (bufsz bytes with the NUL) or
 * not at all: *toolong is set when it does not fit.  NULL and ""
 * are no header.  Returns the length copied.
 */
static size_t
req_copy(char *buf, size_t bufsz, const char *v, int *toolong)
{
	size_t	 n;

	if (v == NULL)
		return 0;
	if ((n = strnlen(v, bufsz)) == bufsz) {
		*toolong = 1;
		return 0;
	}
	memcpy(buf, v, n);
	buf[n] = '\0';
	return n;
}

/*
 * The mode the web server asks in (see extern.h, enum mode): the
 * FastCGI Authorizer role (FastCGI §6.3; libfcgi sets FCGI_ROLE from
 * the FCGI_BEGIN_REQUEST record, §5.1), else the PORTCULLIS_MODE
 * parameter the server's configuration sets (a client cannot: it is
 * not an HTTP_ variable), absent or empty for responder.  Only the
 * record makes the Authorizer role: PORTCULLIS_MODE=authorizer is
 * refused like any unknown name.  Returns 0, or -1 for an unknown
 * PORTCULLIS_MODE (r->mode is left MODE_RESPONDER).
 */
static int
req_mode(struct request *r, req_getter get, void *arg)
{
	const char	*v;
	enum mode	 m;

	if ((v = get(arg, "FCGI_ROLE")) != NULL &&
	    strcmp(v, "AUTHORIZER") == 0) {
		r->mode = MODE_AUTHORIZER;
		return 0;
	}
	r->mode = MODE_RESPONDER;
	if ((v = get(arg, "PORTCULLIS_MODE")) == NULL || *v == '\0')
		return 0;
	if (mode_parse(v, &m) == -1 || m == MODE_AUTHORIZER)
		return -1;
	r->mode = m;
	return 0;
}

/*
 * REMOTE_USER (usz bytes, name_valid()) and REMOTE_PASSWD made into
 * the Basic header they came in (RFC 7617 §2), in r->authz; too long
 * for it, r->authz_toolong: 401.
 */
static void
req_basic(struct request *r, const char *user, size_t usz, const char *pass)
{
	char	 up[CRED_BUF_MAX];
	size_t	 psz, n;

	psz = strnlen(pass, sizeof(up));
	if (psz >= sizeof(up) - usz - 1) {
		r->authz_toolong = 1;
		return;
	}
	memcpy(up, user, usz);
	up[usz] = ':';
	memcpy(up + usz + 1, pass, psz);
	memcpy(r->authz, "Basic ", 6);
	if ((n = b64_encode(r->authz + 6, sizeof(r->authz) - 6, up,
	    usz + 1 + psz)) == 0)
		r->authz_toolong = 1;
	else
		r->authzsz = 6 + n;
	explicit_bzero(up, sizeof(up));
}

/*
 * Credentials Apache hands over instead of an Authorization header
 * (README, "Deploying behind a web server"; mod_authnz_fcgi): in its
 * AuthBasicProvider modes REMOTE_USER and the cleartext REMOTE_PASSWD,
 * checked as the Basic header they came in; as a Require provider
 * (FCGI_APACHE_ROLE AUTHORIZER) REMOTE_USER alone, already
 * authenticated by Apache.  Only in the AUTHORIZER role: nginx sets
 * REMOTE_USER to the unverified name from the client's header.
 * A REMOTE_USER that name_valid() refuses (empty is no REMOTE_USER)
 * can name no user of ours, since the schema refuses such names: it
 * is a bad credential, r->authz_toolong as for a header over the
 * cap, answered 401 with reason=bad-header, in both modes.
 */
static void
req_apache(struct request *r, req_getter get, void *arg)
{
	const char	*user, *pass, *role;
	size_t		 usz;

	if (r->mode != MODE_AUTHORIZER || r->authzsz > 0 || r->authz_toolong ||
	    (user = get(arg, "REMOTE_USER")) == NULL || *user == '\0')
		return;
	pass = get(arg, "REMOTE_PASSWD");
	role = get(arg, "FCGI_APACHE_ROLE");
	if (pass == NULL && (role == NULL || strcmp(role, "AUTHORIZER") != 0))
		return;
	usz = strnlen(user, NAME_MAX_LEN + 1);
	if (!name_valid(user, usz))
		r->authz_toolong = 1;
	else if (pass != NULL)
		req_basic(r, user, usz, pass);
	else {
		memcpy(r->ruser, user, usz);
		r->ruser[usz] = '\0';
	}
}

/*
 * The virtual host the decision is for, into r->host: the first of
 *  1. PORTCULLIS_HOST, set by the server's configuration (Caddy's
 *     env PORTCULLIS_HOST {http.request.host}, nginx's fastcgi_param,
 *     Apache's SetEnv, lighttpd's setenv): the administrator's word;
 *  2. SERVER_NAME (RFC 3875 §4.1.14), the name of the virtual host
 *     the server chose (nginx: its server_name, whatever the Host),
 *     when it is a host name at all (nginx passes a regex as is);
 *  3. the authority of an absolute-form target (RFC 9112 §3.2.2: the
 *     Host header is then ignored);
 *  4. the Host header.
 * Never an X-Forwarded-Host or any other header a client can send
 * under another spelling.  A malformed PORTCULLIS_HOST, authority or
 * Host (an empty label, a bad port) is -1: 400.  Returns 0 or -1.
 */
static int
host_set(struct request *r, const char *v, size_t n)
{

	if (n > HOST_RAW_MAX ||
	    host_canon(r->host, sizeof(r->host), v, n) == -1)
		return -1;
	return 0;
}

static int
req_host(struct request *r, req_getter get, void *arg, const char *target)
{
	const char	*v;
	size_t		 n;

	if ((v = get(arg, "PORTCULLIS_HOST")) != NULL && *v != '\0')
		return host_set(r, v, strnlen(v, HOST_RAW_MAX + 1));
	if ((v = get(arg, "SERVER_NAME")) != NULL && *v != '\0' &&
	    host_set(r, v, strnlen(v, HOST_RAW_MAX + 1)) == 0)
		return 0;
	n = target == NULL ? 0 : strnlen(target, REQ_TARGET_MAX + 1);
	if (path_authority(target, n, &v, &n))
		return n == 0 ? -1 : host_set(r, v, n);
	v = get(arg, "HTTP_HOST");
	return host_set(r, v, v == NULL ? 0 : strnlen(v, HOST_RAW_MAX + 1));
}

/*
 * Fill r from the variables get() returns (NULL for an absent one).
 * r is zeroed first.  Checked in order: the mode (an unknown
 * PORTCULLIS_MODE is REQBAD_MODE, a configuration error), the method
 * (an RFC 9110 §9.1 token of at most REQ_METHOD_MAX bytes), the
 * target (through path_canon()), the host (req_host(); absent is
 * fine).  In forward_auth mode the method and target come from
 * PORTCULLIS_METHOD and PORTCULLIS_URI, parameters the proxy's
 * configuration sets from the original request (Caddy: env
 * PORTCULLIS_URI {http.request.uri}); a missing or empty one is
 * REQBAD_FORWARDED, never a default.  X-Forwarded-* headers are never
 * read, in any mode: a client sends them under spellings
 * (X_Forwarded_Uri) that reach us as the same HTTP_X_FORWARDED_URI,
 * and the proxy replaces only its own.
 * Return REQ_OK, or REQ_BAD with r->bad naming the first failure and,
 * for the target, r->pathres saying why.  An Authorization or
 * Proxy-Authorization header over the cap is not a 400: *_toolong is
 * set, the copy left empty, and the decision answers 401 (407).  The
 * caller calls req_wipe() on every path once done with r.
 */
enum reqres
req_parse(struct request *r, req_getter get, void *arg)
{
	const char	*v, *vm, *vu;
	size_t		 n;

	memset(r, 0, sizeof(*r));

	/*
	 * The client: PORTCULLIS_CLIENT_ADDR where the server's
	 * configuration sets it (Caddy: {client_ip}, after its
	 * trusted_proxies), else REMOTE_ADDR, after the server's own
	 * real-IP handling.  Never X-Forwarded-For.  For logs and lockout:
	 * a truncated value is no address to addr_net().
	 */
	if (((v = get(arg, "PORTCULLIS_CLIENT_ADDR")) == NULL || *v == '\0') &&
	    ((v = get(arg, "REMOTE_ADDR")) == NULL || *v == '\0'))
		v = "-";
	n = strnlen(v, sizeof(r->addr) - 1);
	memcpy(r->addr, v, n);
	r->addr[n] = '\0';

	if (req_mode(r, get, arg) == -1) {
		r->bad = REQBAD_MODE;
		return REQ_BAD;
	}
	if (r->mode == MODE_FORWARD_AUTH) {
		vm = get(arg, "PORTCULLIS_METHOD");
		vu = get(arg, "PORTCULLIS_URI");
		if (vm == NULL || *vm == '\0' || vu == NULL || *vu == '\0') {
			r->bad = REQBAD_FORWARDED;
			return REQ_BAD;
		}
	} else {
		vm = get(arg, "REQUEST_METHOD");
		vu = get(arg, "REQUEST_URI");
	}
	r->target = vu;

	n = vm == NULL ? 0 : strnlen(vm, REQ_METHOD_MAX + 1);
	if (n > REQ_METHOD_MAX || !http_token(vm, n)) {
		r->bad = REQBAD_METHOD;
		return REQ_BAD;
	}
	memcpy(r->method, vm, n);
	r->method[n] = '\0';

	/* Over REQ_TARGET_MAX, strnlen stops one past: PATH_TOOLONG. */
	n = vu == NULL ? 0 : strnlen(vu, REQ_TARGET_MAX + 1);
	r->pathres = path_canon(r->path, sizeof(r->path), vu, n);
	if (r->pathres != PATH_OK) {
		r->bad = REQBAD_TARGET;
		return REQ_BAD;
	}

	if (req_host(r, get, arg, vu) == -1) {
		r->bad = REQBAD_HOST;
		return REQ_BAD;
	}

	r->authzsz = req_copy(r->authz, sizeof(r->authz),
	    get(arg, "HTTP_AUTHORIZATION"), &r->authz_toolong);
	r->pauthzsz = req_copy(r->pauthz, sizeof(r->pauthz),
	    get(arg, "HTTP_PROXY_AUTHORIZATION"), &r->pauthz_toolong);
	req_apache(r, get, arg);

	r->inm = get(arg, "HTTP_IF_NONE_MATCH");
	r->ims = get(arg, "HTTP_IF_MODIFIED_SINCE");
	r->query = vu == NULL ? NULL : strchr(vu, '?');
	cert_read(&r->cert, get, arg);	/* the server's SSL_* only */
	return REQ_OK;
}

/*
 * Why req_parse() refused r, by name: the enum pathres name of a bad
 * target ("climbs-above-root"), reqbad_str[] for the rest; NULL when
 * it was not refused.  decide_badreq() logs it as detail=.
 */
const char *
req_bad_str(const struct request *r)
{

	if (r->bad == REQBAD_NONE || (size_t)r->bad >= REQBAD__MAX)
		return NULL;
	if (r->bad == REQBAD_TARGET && (size_t)r->pathres < PATH__MAX)
		return pathres_str[r->pathres];
	return reqbad_str[r->bad];
}

/*
 * Clear the copy of the Authorization header in r.  Safe on a zeroed
 * or already wiped request.
 */
void
req_wipe(struct request *r)
{

	explicit_bzero(r->authz, sizeof(r->authz));
	explicit_bzero(r->pauthz, sizeof(r->pauthz));
	r->authzsz = r->pauthzsz = 0;
}
