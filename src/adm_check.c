/*
 * adm_check.c: `portcullis check`, one request run through the
 * server's own path (decide_request(), the response writers),
 * printed with the decision's reasons and the exact headers the
 * server would send.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define WR_BUF_MAX	16384	/* response headers of `check` */
#define CHECK_PARAMS_MAX 14	/* check_params() sets at most 13 */
#define CHECK_UP_MAX	(NAME_MAX_LEN + PASS_MAX + 2)	/* "user:pass" */
#define CHECK_AUTHZ_MAX	(6 + 4 * ((CHECK_UP_MAX + 2) / 3) + 1)

/* A getter table for req_parse(): name/value pairs, NULL-terminated. */
struct param {
	const char	*name;
	const char	*value;
};

/* A struct writer into a fixed buffer. */
struct bufwr {
	char		 buf[WR_BUF_MAX];
	size_t		 len;
};

/* req_getter over a struct param table. */
static const char *
param_get(void *arg, const char *name)
{
	const struct param	*p;

	for (p = arg; p->name != NULL; p++)
		if (strcmp(p->name, name) == 0)
			return p->value;
	return NULL;
}

/* struct writer into a struct bufwr: -1 when it is full. */
static int
buf_write(void *arg, const void *p, size_t n)
{
	struct bufwr	*b = arg;

	if (n > sizeof(b->buf) - b->len)
		return -1;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return 0;
}

/*
 * Print the decision as documented for `check` (mode the "mode:"
 * line, granted the "granted to:" line or NULL), then the header lines
 * the server would send, without "\r", up to the blank line.  Return
 * 0, or -1 if the response could not be made.
 */
static int
check_print(const struct request *r, const struct decision *d,
    const char *mode, const char *granted, const char *addr,
    const char *through)
{
	struct bufwr	*b;
	struct writer	 w;
	const char	*p, *end, *nl;
	int		 rc;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	w.write = buf_write;
	w.arg = b;
	/* In responder mode the file's own headers follow the status. */
	if (d->verdict != VERDICT_ALLOW)
		rc = resp_denial(&w, d, 1);
	else if (d->mode == MODE_RESPONDER)
		rc = wr_puts(&w, "Status: 200 OK\r\n\r\n");
	else
		rc = resp_allowed(&w, d, 1);
	if (rc == -1) {
		free(b);
		return -1;
	}
	printf("mode: %s\n", mode);
	printf("path: %s\n", *r->path == '\0' ? "-" : r->path);
	printf("host: %s\n", *r->host == '\0' ? "-" : r->host);
	/* Networks (sql/0009): the client check assumed, when it counts. */
	if (addr != NULL)
		printf("client: %s\n", addr);
	else if (*d->network != '\0')
		puts("client: - (no address: in no network; check --addr "
		    "ADDR asks for a client at ADDR)");
	printf("resource: %s", *d->pattern == '\0' ? "-" : d->pattern);
	if (*d->rhost != '\0')
		printf(" host %s", d->rhost);
	putchar('\n');
	if (d->rule == 0)
		puts("rule: -");
	else
		printf("rule: %" PRId64 "\n", d->rule);
	if (*d->network != '\0')
		printf("network: %s%s\n", d->network,
		    d->verdict == VERDICT_ALLOW ? "" : d->noaddr ?
		    " (not asked: no client address)" :
		    " (the client is not in it)");
	printf("user: %s\n", *d->user == '\0' ? "-" : d->user);
	if (*d->token != '\0')
		printf("token: %s\n", d->token);
	if (*d->cert != '\0' || d->certwhy != WHY_NONE)
		printf("certificate: %s%s%s\n", *d->cert != '\0' ? d->cert :
		    "-", d->certwhy != WHY_NONE ? ", not used: " : "",
		    d->certwhy != WHY_NONE ? why_str[d->certwhy] : "");
	printf("reason: %s\n", why_str[d->why]);
	if (granted != NULL)
		printf("granted to: %s\n", granted);
	if (through != NULL)
		printf("role: %s\n", through);
	printf("status: %d %s\n", verdict_status[d->verdict],
	    verdict_reason[d->verdict]);
	for (p = b->buf, end = b->buf + b->len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p || (nl == p + 1 && *p == '\r'))
			break;
		for (; p < nl; p++)
			if (*p != '\r')
				putchar(*p);
		putchar('\n');
	}
	free(b);
	return 0;
}

/*
 * The CGI variables a web server would pass for method and target in
 * mode m (README, "Deploying behind a web server"), into p (room for
 * CHECK_PARAMS_MAX): the FastCGI role or PORTCULLIS_MODE; forward_auth
 * finds the original method and URI in PORTCULLIS_METHOD and
 * PORTCULLIS_URI (Caddy's env lines).  host (the Host header) and
 * authz may be NULL; authz goes in both Authorization and
 * Proxy-Authorization, since the decision reads the one the
 * proxy_auth setting names.
 */
static void
check_params(struct param *p, enum mode m, const char *method,
    const char *target, const char *host, const char *authz,
    const char *addr)
{
	size_t	 n = 0;

	if (m == MODE_AUTHORIZER)
		p[n++] = (struct param){ "FCGI_ROLE", "AUTHORIZER" };
	else
		p[n++] = (struct param){ "PORTCULLIS_MODE", mode_str[m] };
	if (m == MODE_FORWARD_AUTH) {
		p[n++] = (struct param){ "PORTCULLIS_METHOD", method };
		p[n++] = (struct param){ "PORTCULLIS_URI", target };
	} else {
		p[n++] = (struct param){ "REQUEST_METHOD", method };
		p[n++] = (struct param){ "REQUEST_URI", target };
	}
	p[n++] = (struct param){ "REMOTE_ADDR", addr != NULL ? addr : "cli" };
	if (host != NULL)
		p[n++] = (struct param){ "HTTP_HOST", host };
	if (authz != NULL) {
		p[n++] = (struct param){ "HTTP_AUTHORIZATION", authz };
		p[n++] = (struct param){ "HTTP_PROXY_AUTHORIZATION", authz };
	}
	p[n] = (struct param){ NULL, NULL };
}

/*
 * Read user's password from stdin and make the two the Basic header
 * they would come in (RFC 7617 §2), into authz (authzsz bytes, at
 * least CHECK_AUTHZ_MAX).  Returns 0, or -1 after saying why.
 */
static int
check_authz(const char *user, char *authz, size_t authzsz)
{
	char		 pass[PASS_MAX + 2];
	char		 up[CHECK_UP_MAX];
	const char	*why = NULL;
	size_t		 n = 0, ulen;
	int		 ret = -1;

	memset(pass, 0, sizeof(pass));
	if (adm_pass_read(pass, sizeof(pass), &n, 0, &why) == -1) {
		adm_fail("password", why);
		goto out;
	}
	if ((ulen = strlen(user)) > NAME_MAX_LEN) {
		adm_fail("check", "user name longer than 255 bytes");
		goto out;
	}
	memcpy(up, user, ulen);
	up[ulen] = ':';
	memcpy(up + ulen + 1, pass, n);
	memcpy(authz, "Basic ", 6);
	if (b64_encode(authz + 6, authzsz - 6, up, ulen + 1 + n) == 0) {
		adm_fail("check", "cannot encode the credentials");
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(pass, sizeof(pass));
	explicit_bzero(up, sizeof(up));
	return ret;
}

/*
 * On a 403 for want of a grant, who the deciding resource grants the
 * method to, from the snapshot the decision used, and the roles the
 * user holds, into buf: "editors, admins (bob has: viewers)".
 * Returns buf, or NULL if there is nothing to say.
 */
static const char *
check_granted(struct store *s, const struct request *r,
    const struct decision *d, char *buf, size_t bufsz)
{
	const struct snap_res	*res;
	const struct snap_rule	*ru;
	struct grants		 g;
	char			 names[1024], roles[ROLES_MAX];
	const char		*p;
	size_t			 i, len;

	if (s == NULL || d->verdict != VERDICT_FORBIDDEN ||
	    d->why != WHY_NO_GRANT ||
	    (res = snap_resource_named(store_snapshot(s), d->pattern,
	    d->rhost)) == NULL)
		return NULL;
	policy_grants_init(&g);
	for (i = 0, ru = snap_rules(store_snapshot(s), res); i < res->nrules;
	    i++, ru++)
		if (ru->grant->methods != NULL && ru->grant->principal != NULL)
			policy_grants_add_net(&g, r->method,
			    d->mode == MODE_RESPONDER, ru->id,
			    ru->grant->methods, ru->grant->principal,
			    ru->network);
	if (policy_grants_names(&g, names, sizeof(names)) == -1)
		return NULL;
	/*
	 * What the decision held: the roles included too (held.c); a
	 * token its effective roles, not all its owner's.
	 */
	if (held_roles(s, d->user, d->token, d->token_limited, roles,
	    sizeof(roles)) == -1)
		return NULL;
	if (*d->token != '\0')
		len = (size_t)snprintf(buf, bufsz, "%s (token %s of %s has: ",
		    *names == '\0' ? "nobody" : names, d->token, d->user);
	else
		len = (size_t)snprintf(buf, bufsz, "%s (%s has: ",
		    *names == '\0' ? "nobody" : names, d->user);
	if (len >= bufsz)
		return NULL;
	if (*roles == '\0')
		(void)snprintf(roles, sizeof(roles), "no roles");
	for (p = roles; len + 4 < bufsz && *p != '\0'; p++) {
		if (*p == ',')
			buf[len++] = *p, buf[len++] = ' ';
		else
			buf[len++] = *p;
	}
	if (len + 2 > bufsz)
		return NULL;
	buf[len++] = ')';
	buf[len] = '\0';
	return buf;
}

/*
 * On a role grant held through inclusion (sql/0010-roles.sql), the
 * shortest chain from a role held directly to the role the rule
 * names, into buf: "granted by rule 7 to editor; alice holds it
 * through admin > editor" (a token: "token ID of alice holds it").
 * Returns buf, or NULL when the role is held directly or there is
 * nothing to say.
 */
static const char *
check_through(struct store *s, const struct decision *d, char *buf,
    size_t bufsz)
{
	const struct snapshot	*sn;
	const struct snap_res	*res;
	const struct snap_rule	*ru;
	const char		*role = NULL, *p;
	char			 direct[ROLES_MAX], one[NAME_MAX_LEN + 1];
	char			 chain[1024], best[1024];
	size_t			 i, n, hops, fewest = SIZE_MAX;

	if (s == NULL || d->verdict != VERDICT_ALLOW ||
	    d->why != WHY_GRANT_ROLE || (sn = store_snapshot(s)) == NULL ||
	    snap_roles(sn) == NULL ||
	    (res = snap_resource_named(sn, d->pattern, d->rhost)) == NULL)
		return NULL;
	for (i = 0, ru = snap_rules(sn, res); i < res->nrules; i++, ru++)
		if (ru->id == d->rule)
			role = ru->grant->principal;
	if (role == NULL ||
	    store_roles(s, d->user, direct, sizeof(direct)) == -1 ||
	    roles_list_has(direct, role))
		return NULL;
	for (p = direct; *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (n >= sizeof(one))
			continue;
		memcpy(one, p, n);
		one[n] = '\0';
		if (roles_path(snap_roles(sn), one, role, chain,
		    sizeof(chain)) != 1)
			continue;
		for (hops = 0, i = 0; chain[i] != '\0'; i++)
			hops += chain[i] == '>';
		if (hops < fewest) {
			fewest = hops;
			(void)snprintf(best, sizeof(best), "%s", chain);
		}
	}
	if (fewest == SIZE_MAX)
		return NULL;
	if (*d->token != '\0')
		(void)snprintf(buf, bufsz, "granted by rule %" PRId64 " to %s; "
		    "token %s of %s holds it through %s", d->rule, role,
		    d->token, d->user, best);
	else
		(void)snprintf(buf, bufsz, "granted by rule %" PRId64 " to %s; "
		    "%s holds it through %s", d->rule, role, d->user, best);
	return buf;
}

/*
 * The mode of `check`: --mode (opt), else $PORTCULLIS_MODE, the
 * variable the server reads, else responder; and the "mode:" line
 * naming it and where it came from into line.  Returns 0, or -1
 * after saying the name is unknown.
 */
static int
check_mode(const char *opt, enum mode *m, char *line, size_t linesz)
{
	const char	*env = getenv("PORTCULLIS_MODE");
	const char	*v = opt != NULL ? opt : env;

	*m = MODE_RESPONDER;
	if (v == NULL || *v == '\0') {
		(void)snprintf(line, linesz, "%s (default; --mode "
		    "auth_request for nginx auth_request, --mode authorizer "
		    "for lighttpd/Apache)", mode_str[*m]);
		return 0;
	}
	if (mode_parse(v, m) == -1) {
		if (has_ctl(v, strlen(v)))
			v = "?";
		fprintf(stderr, "portcullis: check: %s: unknown mode '%s' "
		    "(responder, authorizer, auth_request or "
		    "forward_auth)\n", opt != NULL ? "--mode" :
		    "PORTCULLIS_MODE", v);
		return -1;
	}
	if (*m == MODE_HEALTH || *m == MODE_METRICS) {
		fprintf(stderr, "portcullis: check: %s: '%s' answers about "
		    "portcullis.fcgi itself and decides no request\n",
		    opt != NULL ? "--mode" : "PORTCULLIS_MODE", mode_str[*m]);
		return -1;
	}
	/* As req_parse(): the FastCGI role alone makes an authorizer. */
	if (opt == NULL && *m == MODE_AUTHORIZER) {
		fputs("portcullis: check: PORTCULLIS_MODE: the server refuses "
		    "'authorizer' there (the FastCGI role makes one); use "
		    "--mode authorizer\n", stderr);
		return -1;
	}
	(void)snprintf(line, linesz, "%s (%s)", mode_str[*m],
	    opt != NULL ? "--mode" : "PORTCULLIS_MODE");
	return 0;
}

/*
 * Read a token from stdin (as a password is read) and make it the
 * Bearer header it would come in (RFC 6750 §2.1), into authz; its id
 * must be id, so that a token pasted for another is caught.  Returns
 * 0, or -1 after saying why.
 */
static int
check_bearer(const char *id, char *authz, size_t authzsz)
{
	char		 tok[PASS_MAX + 2], got[TOKEN_IDLEN + 1];
	const char	*why = NULL;
	size_t		 n = 0;
	int		 ret = -1;

	memset(tok, 0, sizeof(tok));
	if (adm_pass_read(tok, sizeof(tok), &n, 0, &why) == -1) {
		adm_fail("token", why);
		goto out;
	}
	if (token_id(tok, n, got) == -1) {
		adm_fail("check", "standard input holds no token");
		goto out;
	}
	if (strcmp(got, id) != 0) {
		adm_fail("check", "the token on standard input is not token "
		    "--token names");
		goto out;
	}
	if ((size_t)snprintf(authz, authzsz, "Bearer %s", tok) >= authzsz) {
		adm_fail("check", "cannot make the Authorization header");
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(tok, sizeof(tok));
	return ret;
}

/*
 * The parameters of a client certificate the server verified (README,
 * "Client certificates"), appended to p (after check_params(), room
 * for 5 more): the PEM pem (NULL: none) and the DNs subject and issuer
 * (NULL: none), as nginx or Apache would pass them.
 */
static void
check_cert_params(struct param *p, const char *pem, const char *subject,
    const char *issuer)
{
	size_t	 n;

	for (n = 0; p[n].name != NULL; n++)
		continue;
	p[n++] = (struct param){ "SSL_CLIENT_VERIFY", "SUCCESS" };
	p[n++] = (struct param){ "HTTPS", "on" };
	if (pem != NULL)
		p[n++] = (struct param){ "SSL_CLIENT_CERT", pem };
	if (subject != NULL)
		p[n++] = (struct param){ "SSL_CLIENT_S_DN", subject };
	if (issuer != NULL)
		p[n++] = (struct param){ "SSL_CLIENT_I_DN", issuer };
	p[n] = (struct param){ NULL, NULL };
}

/*
 * check [--host HOST] [--mode MODE] [--token ID] [--addr ADDR]
 * [--cert FILE | --subject DN [--issuer DN]] METHOD TARGET [USER]
 * (--addr: the client's address, for networks; without it the client
 * has none and is in no network):
 * decide a request as the server would (decide_request(), as main.c's
 * serve()), in the mode check_mode() says; USER's password on stdin,
 * or with --token ID, token ID on stdin, sent as Bearer (not with
 * USER).  The lockout state is read, never written.  Exit 0 on allow,
 * 2 on a 5xx, else 1 (2 also for an unknown mode); -1 for a usage
 * error.
 */
int
cmd_check(const char *db, int argc, char *argv[])
{
	static const char *const names[] = { "host", "mode", "token", "addr",
	    "cert", "subject", "issuer" };
	const char	*vals[7] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	char		*pem = NULL;
	size_t		 pemsz;
	struct addr	 ca;
	struct param	 params[CHECK_PARAMS_MAX];
	struct request	 r;
	struct decision	 d;
	struct store	*s = NULL;
	const char	*state;
	enum storeres	 sr;
	enum mode	 m = MODE_RESPONDER;
	const char	*granted, *through;
	char		 authz[CHECK_AUTHZ_MAX], mline[160], gbuf[2048];
	char		 tbuf[2048];
	int		 k, ret = 1;

	memset(&r, 0, sizeof(r));
	memset(authz, 0, sizeof(authz));
	if ((k = adm_opts(argc, argv, names, vals, nitems(names))) == -1)
		return -1;
	argc -= k;
	argv += k;
	if ((argc != 2 && argc != 3) || (argc == 3 && vals[2] != NULL) ||
	    (vals[6] != NULL && vals[5] == NULL))
		return -1;
	if (check_mode(vals[1], &m, mline, sizeof(mline)) == -1)
		return 2;
	if (vals[3] != NULL && addr_parse(&ca, vals[3], strlen(vals[3])) == -1)
		return adm_fail("check", "--addr: not an IPv4 or IPv6 address");
	if (argc == 3 && check_authz(argv[2], authz, sizeof(authz)) == -1)
		goto out;
	if (vals[2] != NULL &&
	    check_bearer(vals[2], authz, sizeof(authz)) == -1)
		goto out;
	check_params(params, m, argv[0], argv[1], vals[0],
	    argc == 3 || vals[2] != NULL ? authz : NULL, vals[3]);
	if (vals[4] != NULL) {
		if ((pem = malloc(CERT_PEM_MAX + 2)) == NULL) {
			adm_fail("check", "out of memory");
			goto out;
		}
		if (adm_cert_pem(vals[4], pem, CERT_PEM_MAX + 2, &pemsz) == -1)
			goto out;
	}
	if (vals[4] != NULL || vals[5] != NULL)
		check_cert_params(params, pem, vals[5], vals[6]);

	/* Lockout is looked at, never counted: check only asks. */
	if ((state = adm_state_path(db)) == NULL)
		goto out;
	(void)lockout_init(state, 0);
	sr = decide_request(&r, param_get, params, db, &s, &d);
	granted = check_granted(s, &r, &d, gbuf, sizeof(gbuf));
	through = check_through(s, &d, tbuf, sizeof(tbuf));
	store_close(s);
	lockout_close();
	if (sr != STORE_OK)
		adm_fail("check", sr == STORE_SCHEMA ? "wrong schema version: "
		    "run portcullis init" : d.detail);
	if (check_print(&r, &d, mline, granted, vals[3], through) == -1) {
		adm_fail("check", "cannot make the response");
		ret = 2;
	} else if (d.verdict == VERDICT_ALLOW)
		ret = 0;
	else
		ret = verdict_status[d.verdict] >= 500 ? 2 : 1;
out:
	free(pem);
	req_wipe(&r);
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(authz, sizeof(authz));
	return ret;
}
