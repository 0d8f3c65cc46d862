/*
 * Portcullis: verdicts to CGI responses (RFC 3875 §6.3), written
 * through a struct writer.  Nothing here decides anything, and nothing
 * about why a request was refused (d->why, d->detail, the user) ever
 * reaches the client: that goes to the log only.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"

#define WR_BUF_MAX	8192	/* one wr_printf() expansion */

/* RFC 9110 §15: the status code for each verdict. */
const int verdict_status[VERDICT__MAX] = {
	[VERDICT_ALLOW] = 200,
	[VERDICT_BADREQ] = 400,
	[VERDICT_NOAUTH] = 401,
	[VERDICT_PROXYAUTH] = 407,
	[VERDICT_FORBIDDEN] = 403,
	[VERDICT_NOTFOUND] = 404,
	[VERDICT_METHOD] = 405,
	[VERDICT_LOCKED] = 429,
	[VERDICT_ERROR] = 500,
	[VERDICT_BUSY] = 503,
};

/* RFC 9110 §15: the reason phrase for each verdict. */
const char *const verdict_reason[VERDICT__MAX] = {
	[VERDICT_ALLOW] = "OK",
	[VERDICT_BADREQ] = "Bad Request",
	[VERDICT_NOAUTH] = "Unauthorized",
	[VERDICT_PROXYAUTH] = "Proxy Authentication Required",
	[VERDICT_FORBIDDEN] = "Forbidden",
	[VERDICT_NOTFOUND] = "Not Found",
	[VERDICT_METHOD] = "Method Not Allowed",
	[VERDICT_LOCKED] = "Too Many Requests",
	[VERDICT_ERROR] = "Internal Server Error",
	[VERDICT_BUSY] = "Service Unavailable",
};

/*
 * Write the NUL-terminated string s.
 * Returns 0, or -1 if the writer failed.
 */
int
wr_puts(struct writer *w, const char *s)
{
	size_t	 len = strlen(s);

	if (len == 0)
		return 0;
	return w->write(w->arg, s, len) == -1 ? -1 : 0;
}

/*
 * Format into a fixed WR_BUF_MAX buffer and write the result.
 * Returns 0, or -1 if the output would be truncated (nothing is
 * written then) or the writer failed.
 */
int
wr_printf(struct writer *w, const char *fmt, ...)
{
	char	 buf[WR_BUF_MAX];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	if (n == 0)
		return 0;
	return w->write(w->arg, buf, (size_t)n) == -1 ? -1 : 0;
}

/*
 * Copy realm into dst (dstsz >= 2 * REALM_MAX + 1) as the inside of a
 * quoted-string (RFC 9110 §5.6.4): '"' and '\' become quoted-pairs.
 * An empty realm, one too long, or one holding a control byte other
 * than HTAB (which would split the header) becomes REALM_DEFAULT.
 */
static void
realm_quote(char *dst, size_t dstsz, const char *realm)
{
	const unsigned char	*p;
	size_t			 i = 0;

	if (*realm == '\0' || strlen(realm) > REALM_MAX)
		goto fallback;
	for (p = (const unsigned char *)realm; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			goto fallback;
		if (i + 3 > dstsz)
			goto fallback;
		if (*p == '"' || *p == '\\')
			dst[i++] = '\\';
		dst[i++] = (char)*p;
	}
	dst[i] = '\0';
	return;
fallback:
	(void)snprintf(dst, dstsz, "%s", REALM_DEFAULT);
}

/*
 * Whether s may be written as a header field value (RFC 9110 §5.5):
 * no CR, LF, NUL or other control byte but HTAB.
 */
static int
hdr_safe(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Write the plain-text response common to denials and "allowed":
 * Cache-Control, Content-Type, Content-Length, blank line, then body
 * unless head (RFC 9110 §9.3.2: HEAD gets the same Content-Length).
 * Returns 0 or -1.
 */
static int
resp_tail(struct writer *w, const char *body, int head)
{
	if (wr_puts(w, "Cache-Control: no-store\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n") == -1 ||
	    wr_printf(w, "Content-Length: %zu\r\n\r\n", strlen(body)) == -1)
		return -1;
	if (!head && wr_puts(w, body) == -1)
		return -1;
	return 0;
}

/*
 * Write the response for a refused request: the status for
 * d->verdict, the headers that status requires, and a body naming
 * only the status.  VERDICT_ALLOW, an unknown verdict or a NULL d get
 * 500 (fail closed).  Extra headers:
 *   401: WWW-Authenticate, Basic scheme with charset (RFC 7617 §2,
 *        §2.1; RFC 9110 §11.6.1, §15.5.2);
 *   407: Proxy-Authenticate, the same challenge (§11.7.1, §15.5.8);
 *        both followed, in the same field (§11.6.1: a list of
 *        challenges), by a Bearer challenge (RFC 6750 §3) when
 *        d->bearer (the policy holds a token), with
 *        error="invalid_token" when d->bad_token (a Bearer token was
 *        sent and failed, whatever the reason).  One field, not two:
 *        nginx before 1.23 copies only the first WWW-Authenticate of
 *        an auth_request answer, and $upstream_http_* has only the
 *        first value;
 *   405: Allow, even when empty: no method is allowed (§10.2.1,
 *        §15.5.6);
 *   429: Retry-After: the seconds the lock has left (RFC 6585 §4);
 *   503: Retry-After: 1, or more when lockout says (§10.2.3, §15.6.4).
 * In auth_request mode (nginx) every denial but 401 goes out as 403
 * with X-Portcullis-Status carrying the real status: nginx turns any
 * other status of an auth subrequest into 500 (README, "Deploying
 * behind a web server", nginx; ngx_http_auth_request_module), and its
 * error_page re-renders the real one from that header.
 * Every response of one status is byte-identical whatever the cause,
 * but for that error parameter, which tells a client only that the
 * token it sent did not do.
 * Returns 0, or -1 if writing failed.
 */
int
resp_denial(struct writer *w, const struct decision *d, int head)
{
	enum verdict	 v, sent;
	char		 realm[2 * REALM_MAX + 1];
	char		 body[64];

	v = d == NULL ? VERDICT_ERROR : d->verdict;
	if ((size_t)v >= VERDICT__MAX || v == VERDICT_ALLOW)
		v = VERDICT_ERROR;
	sent = v;
	if (d != NULL && d->mode == MODE_AUTH_REQUEST && v != VERDICT_NOAUTH)
		sent = VERDICT_FORBIDDEN;

	if (wr_printf(w, "Status: %d %s\r\n",
	    verdict_status[sent], verdict_reason[sent]) == -1)
		return -1;
	if (sent != v || (d != NULL && d->mode == MODE_AUTH_REQUEST &&
	    v == VERDICT_FORBIDDEN))
		if (wr_printf(w, "X-Portcullis-Status: %d\r\n",
		    verdict_status[v]) == -1)
			return -1;

	switch (v) {
	case VERDICT_NOAUTH:
	case VERDICT_PROXYAUTH:
		realm_quote(realm, sizeof(realm), d->realm);
		if (wr_printf(w, "%s: Basic realm=\"%s\", charset=\"UTF-8\"",
		    v == VERDICT_NOAUTH ? "WWW-Authenticate" :
		    "Proxy-Authenticate", realm) == -1)
			return -1;
		if (d->bearer && wr_printf(w, ", Bearer realm=\"%s\"%s",
		    realm, d->bad_token ? ", error=\"invalid_token\"" : "") ==
		    -1)
			return -1;
		if (wr_puts(w, "\r\n") == -1)
			return -1;
		break;
	case VERDICT_METHOD:
		/* A value we cannot write safely allows nothing. */
		if (wr_printf(w, "Allow: %s\r\n",
		    hdr_safe(d->allow) ? d->allow : "") == -1)
			return -1;
		break;
	case VERDICT_LOCKED:
	case VERDICT_BUSY:
		if (wr_printf(w, "Retry-After: %u\r\n", d != NULL &&
		    d->retry_after > 0 ? d->retry_after : 1) == -1)
			return -1;
		break;
	default:
		break;
	}

	(void)snprintf(body, sizeof(body), "%d %s\n",
	    verdict_status[sent], verdict_reason[sent]);
	return resp_tail(w, body, head);
}
/*
 * Write the answer of the health and metrics modes after an allow:
 * "ok" (health), or the counters in the Prometheus text format
 * (metrics.c), never cached; HEAD: the headers only.  Returns 0, or
 * -1 if writing failed.
 */
int
resp_self(struct writer *w, const struct decision *d, int head)
{
	if (wr_printf(w, "Status: 200 OK\r\nContent-Type: text/plain; %s"
	    "charset=utf-8\r\nCache-Control: no-store\r\n\r\n",
	    d->mode == MODE_METRICS ? "version=0.0.4; " : "") == -1)
		return -1;
	if (head)
		return 0;
	if (d->mode == MODE_METRICS)
		return metrics_write(w);
	return wr_puts(w, "ok\n");
}

/*
 * Write the "allowed" answer of the deciding modes (in responder mode
 * the file is the answer: file.c).
 *  - FastCGI AUTHORIZER role: exactly "Status: 200" and, for an
 *    authenticated user, Variable-REMOTE_USER and
 *    Variable-PORTCULLIS_ROLES (FastCGI §6.3: the server turns them
 *    into variables of the request).  No other header, no body:
 *    Apache passes a 200's other headers to the client (README,
 *    "Deploying behind a web server", Apache; mod_authnz_fcgi).
 *  - auth_request, forward_auth: 200 with X-Portcullis-User and
 *    X-Portcullis-Roles always present (empty when anonymous) for the
 *    proxy to copy upstream, and an empty body.
 * User and roles come from the database, not the client, and are
 * checked for header safety anyway.  Returns 0, or -1 if writing
 * failed.
 */
int
resp_allowed(struct writer *w, const struct decision *d, int head)
{
	const char	*user = "", *roles = "";

	(void)head;
	if (d != NULL && hdr_safe(d->user) && hdr_safe(d->roles)) {
		user = d->user;
		roles = d->roles;
	}
	if (wr_puts(w, "Status: 200 OK\r\n") == -1)
		return -1;
	if (d != NULL && d->mode == MODE_AUTHORIZER) {
		if (*user != '\0' && wr_printf(w, "Variable-REMOTE_USER: %s\r\n"
		    "Variable-PORTCULLIS_ROLES: %s\r\n", user, roles) == -1)
			return -1;
		return wr_puts(w, "\r\n");
	}
	if (wr_printf(w, "X-Portcullis-User: %s\r\n"
	    "X-Portcullis-Roles: %s\r\n", user, roles) == -1)
		return -1;
	return wr_puts(w, "Cache-Control: no-store\r\n"
	    "Content-Length: 0\r\n\r\n");
}
