/*
 * Portcullis: one log line per refused request or error, for the
 * server's error log and for fail2ban.  Client bytes are escaped;
 * the Authorization header and passwords are never read here.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"

#define LOG_LINE_MAX	4096	/* one line, written in one call */
#define LOG_URI_MAX	1024	/* escaped uri, "..." beyond */
#define ESC_MAX(n)	(4 * (n) + 1)	/* n bytes, all as \xNN */
#define LOG_RAW_MAX	255		/* bytes of a refused target */

/* Names for enum why, in its order: the log's reason=. */
const char *const why_str[WHY__MAX] = {
	[WHY_NONE] = "none",
	[WHY_BAD_TARGET] = "bad-target",
	[WHY_BAD_METHOD] = "bad-method",
	[WHY_BAD_HOST] = "bad-host",
	[WHY_BAD_MODE] = "bad-mode",
	[WHY_NO_FORWARDED] = "no-forwarded",
	[WHY_NO_RESOURCE] = "no-resource",
	[WHY_NO_METHOD] = "no-method",
	[WHY_GRANT_ALL] = "grant-all",
	[WHY_GRANT_VALID_USER] = "grant-valid-user",
	[WHY_GRANT_ROLE] = "grant-role",
	[WHY_NO_CREDENTIALS] = "no-credentials",
	[WHY_BAD_HEADER] = "bad-header",
	[WHY_UNKNOWN_USER] = "unknown-user",
	[WHY_BAD_PASSWORD] = "bad-password",
	[WHY_DISABLED_USER] = "disabled-user",
	[WHY_EXPIRED_USER] = "expired-user",
	[WHY_UNSUPPORTED_HASH] = "unsupported-hash",
	[WHY_COSTLY_HASH] = "costly-hash",
	[WHY_NO_GRANT] = "no-grant",
	[WHY_NO_FILE] = "no-file",
	[WHY_SYMLINK] = "symlink",
	[WHY_DOTFILE] = "dotfile",
	[WHY_STORE] = "store",
	[WHY_BUSY] = "busy",
	[WHY_SCHEMA] = "schema",
	[WHY_LIMIT] = "limit",
	[WHY_LOCKED] = "locked",
	[WHY_LOCKOUT_STATE] = "lockout-state",
	[WHY_HEALTH] = "health",
	[WHY_METRICS] = "metrics",
	[WHY_NO_METRICS] = "no-metrics",
	[WHY_UNKNOWN_TOKEN] = "unknown-token",
	[WHY_BAD_TOKEN] = "bad-token",
	[WHY_DISABLED_TOKEN] = "disabled-token",
	[WHY_EXPIRED_TOKEN] = "expired-token",
	[WHY_TOKEN_USER] = "token-user",
	[WHY_UNMAPPED_CERT] = "unmapped-cert",
	[WHY_UNVERIFIED_CERT] = "unverified-cert",
	[WHY_BAD_CERT] = "bad-cert",
	[WHY_GRANT_NETWORK] = "grant-network",
};

/* Whether allowed requests are logged too (PORTCULLIS_LOG_ALLOWED). */
static int	 log_allowed_on;

/*
 * Log a line for each allowed request as well (on), or not (off, the
 * default: successes belong to the server's access log).  main.c
 * turns it on for PORTCULLIS_LOG_ALLOWED=1.
 */
void
log_allowed(int on)
{
	log_allowed_on = on;
}

/*
 * Escape one byte into out (at least 5 bytes).  Returns its length:
 * 1 for a plain byte, 2 for \" and \\, 4 for \xNN (controls, DEL and
 * every byte >= 0x80, so the line stays ASCII).
 */
static size_t
esc_byte(char *out, unsigned char c)
{
	static const char	 hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		return 2;
	}
	if (c < 0x20 || c >= 0x7f) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 0xf];
		return 4;
	}
	out[0] = (char)c;
	return 1;
}

/*
 * Copy src into dst (dstsz >= 4) escaped for a log line.  Output that
 * would not fit is cut before a whole escape and ends in "...", all
 * within dstsz.  dst is always NUL-terminated; a NULL src gives "".
 */
void
log_escape(char *dst, size_t dstsz, const char *src)
{
	const unsigned char	*p;
	char			 e[5];
	size_t			 total = 0, len = 0, n, room;

	if (dstsz == 0)
		return;
	dst[0] = '\0';
	if (src == NULL || dstsz < 4)
		return;
	for (p = (const unsigned char *)src; *p != '\0'; p++)
		total += esc_byte(e, *p);
	room = total < dstsz ? dstsz - 1 : dstsz - 4;
	for (p = (const unsigned char *)src; *p != '\0'; p++) {
		if ((n = esc_byte(e, *p)) > room - len)
			break;
		memcpy(dst + len, e, n);
		len += n;
	}
	if (total >= dstsz) {
		memcpy(dst + len, "...", 3);
		len += 3;
	}
	dst[len] = '\0';
}

/*
 * The uri= of a line: the canonical path, else (a target refused
 * before it had one: 400 bad-target) the target as the client sent it,
 * its first LOG_RAW_MAX bytes escaped and "..." if there were more,
 * else "-".  dst has LOG_URI_MAX bytes.
 */
static void
log_uri(char *dst, const struct request *req)
{
	char	 raw[LOG_RAW_MAX + 1];
	size_t	 n, len;

	if (req->path[0] != '\0' || req->target == NULL ||
	    *req->target == '\0') {
		log_escape(dst, LOG_URI_MAX,
		    req->path[0] == '\0' ? "-" : req->path);
		return;
	}
	n = strnlen(req->target, LOG_RAW_MAX + 1);
	len = n > LOG_RAW_MAX ? LOG_RAW_MAX : n;
	memcpy(raw, req->target, len);
	raw[len] = '\0';
	log_escape(dst, LOG_URI_MAX - 3, raw);	/* ESC_MAX(255) fits */
	if (n > LOG_RAW_MAX)
		memcpy(dst + strlen(dst), "...", 4);
}

/* Write a finished line, "...\n"-cut if it overflowed buf. */
static void
log_write(struct writer *w, char *buf, size_t bufsz, int n)
{
	size_t	 len;

	if (n < 0)
		return;
	if ((size_t)n >= bufsz) {
		len = bufsz - 1;
		memcpy(buf + len - 4, "...\n", 4);
	} else
		len = (size_t)n;
	(void)w->write(w->arg, buf, len);
}

/* Whether a 401 counts as an authentication failure (fail2ban). */
static int
why_authfail(enum why why)
{
	switch (why) {
	case WHY_BAD_HEADER:
	case WHY_UNKNOWN_USER:
	case WHY_BAD_PASSWORD:
	case WHY_DISABLED_USER:
	case WHY_EXPIRED_USER:
	case WHY_UNSUPPORTED_HASH:
	case WHY_COSTLY_HASH:
	case WHY_UNKNOWN_TOKEN:
	case WHY_BAD_TOKEN:
	case WHY_DISABLED_TOKEN:
	case WHY_EXPIRED_TOKEN:
	case WHY_TOKEN_USER:
		return 1;
	default:
		return 0;
	}
}

/*
 * Log one line for a refused request or an error; nothing for
 * VERDICT_ALLOW unless log_allowed(1) (successes belong to the
 * server's access log).  Four shapes, client address first,
 * client-controlled fields escaped, quoted and last so that a filter
 * can anchor on them:
 *   allowed: client= user= cache= method= uri= [rule=]
 *   auth failure: client= reason= user= method= uri=
 *   denied: client= status= reason= user= method= uri= [rule=]
 *   error: client= status= reason= detail= method= uri=
 * uri= is the canonical path; for a target refused (400 bad-target)
 * the target as received, escaped and cut (log_uri()).
 * cache= is hit or miss for a password checked (credcache.c), "-"
 * when none was (anonymous, or a user Apache authenticated).
 * An unknown verdict is logged as the 500 it is answered with.
 * req->authz is never read.  Write errors are ignored.
 */
void
log_decision(struct writer *w, const struct request *req,
    const struct decision *d)
{
	char		 line[LOG_LINE_MAX], addr[ESC_MAX(REQ_ADDR_MAX)];
	char		 method[ESC_MAX(REQ_METHOD_MAX)], uri[LOG_URI_MAX];
	char		 user[ESC_MAX(NAME_MAX_LEN)];
	char		 detail[ESC_MAX(sizeof(d->detail))];
	const char	*why;
	/* A token's id (hex: nothing to escape), never the token. */
	const char	*tok = d->token[0] != '\0' ? " token=" : "";
	enum verdict	 v = d->verdict;
	int		 n;
	/* The certificate: a fingerprint prefix or "subject", never it. */
	char		 cert[sizeof(d->cert) + 64];
	/* " network=NAME", and why the client was in none. */
	char		 net[sizeof(d->network) + 64];

	if (v == VERDICT_ALLOW && !log_allowed_on)
		return;
	cert[0] = '\0';
	if (d->cert[0] != '\0' || d->certwhy != WHY_NONE)
		(void)snprintf(cert, sizeof(cert), " cert=%s%s%s",
		    d->cert[0] != '\0' ? d->cert : "-",
		    d->certwhy != WHY_NONE ? " cert_reason=" : "",
		    d->certwhy != WHY_NONE && (size_t)d->certwhy < WHY__MAX ?
		    why_str[d->certwhy] : "");
	net[0] = '\0';
	if (d->network[0] != '\0' && d->network[strcspn(d->network,
	    " \"\\")] == '\0' && !has_ctl(d->network, strlen(d->network)))
		(void)snprintf(net, sizeof(net), " network=%s%s", d->network,
		    d->noaddr ? " client-address=unusable" : "");
	if ((size_t)v >= VERDICT__MAX)
		v = VERDICT_ERROR;
	why = (size_t)d->why < WHY__MAX ? why_str[d->why] : "invalid";

	log_escape(addr, sizeof(addr), req->addr);
	log_escape(method, sizeof(method), req->method);
	log_uri(uri, req);

	switch (v) {
	case VERDICT_ALLOW:
		log_escape(user, sizeof(user), d->user);
		n = snprintf(line, sizeof(line), "portcullis: allowed: "
		    "client=%s user=\"%s\" cache=%s method=\"%s\" uri=\"%s\""
		    "%s%s%s", addr, user, (size_t)d->cache < CC__MAX ?
		    ccres_str[d->cache] : "-", method, uri, tok, d->token,
		    cert);
		if (n >= 0 && (size_t)n < sizeof(line))
			n += d->rule != 0 ?
			    snprintf(line + n, sizeof(line) - (size_t)n,
			    " rule=%lld%s\n", (long long)d->rule, net) :
			    snprintf(line + n, sizeof(line) - (size_t)n,
			    "%s\n", net);
		break;
	case VERDICT_NOAUTH:
	case VERDICT_PROXYAUTH:
	case VERDICT_BADREQ:
	case VERDICT_FORBIDDEN:
	case VERDICT_NOTFOUND:
	case VERDICT_METHOD:
	case VERDICT_LOCKED:
		if ((v == VERDICT_NOAUTH || v == VERDICT_PROXYAUTH) &&
		    why_authfail(d->why)) {
			log_escape(user, sizeof(user), d->claimed);
			n = snprintf(line, sizeof(line), "portcullis: auth "
			    "failure: client=%s reason=%s user=\"%s\" "
			    "method=\"%s\" uri=\"%s\"%s%s%s\n",
			    addr, why, user, method, uri, tok, d->token, cert);
			break;
		}
		log_escape(user, sizeof(user),
		    d->user[0] != '\0' ? d->user : d->claimed);
		n = snprintf(line, sizeof(line), "portcullis: denied: "
		    "client=%s status=%d reason=%s user=\"%s\" "
		    "method=\"%s\" uri=\"%s\"%s%s%s", addr, verdict_status[v],
		    why, user, method, uri, tok, d->token, cert);
		if (n >= 0 && (size_t)n < sizeof(line))
			n += d->rule != 0 ?
			    snprintf(line + n, sizeof(line) - (size_t)n,
			    " rule=%lld%s\n", (long long)d->rule, net) :
			    snprintf(line + n, sizeof(line) - (size_t)n,
			    "%s\n", net);
		break;
	default:
		log_escape(detail, sizeof(detail), d->detail);
		n = snprintf(line, sizeof(line), "portcullis: error: "
		    "client=%s status=%d reason=%s detail=\"%s\" "
		    "method=\"%s\" uri=\"%s\"\n", addr, verdict_status[v],
		    why, detail, method, uri);
		break;
	}
	log_write(w, line, sizeof(line), n);
}

/*
 * Log "portcullis: " and the formatted text as one line; text beyond
 * LOG_LINE_MAX is cut with "...".  Callers escape client bytes.
 */
void
log_msg(struct writer *w, const char *fmt, ...)
{
	char	 line[LOG_LINE_MAX];
	va_list	 ap;
	int	 n, m;

	n = snprintf(line, sizeof(line), "portcullis: ");
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "\n");
	else
		n = (int)sizeof(line);
	log_write(w, line, sizeof(line), n);
}
