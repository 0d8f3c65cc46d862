/*
 * adm_check.c: `portcullis check`, one request run through the
 * server's own path (req_parse(), decide(), the response writers),
 * printed with the decision's reasons and the exact headers the
 * server would send.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define WR_BUF_MAX	16384	/* response headers of `check` */

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
 * Print the decision as documented for `check`, then the header lines
 * the server would send, without "\r", up to the blank line.  Return
 * 0, or -1 if the response could not be made.
 */
static int
check_print(const struct request *r, const struct decision *d)
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
	printf("path: %s\n", *r->path == '\0' ? "-" : r->path);
	printf("host: %s\n", *r->host == '\0' ? "-" : r->host);
	printf("resource: %s", *d->pattern == '\0' ? "-" : d->pattern);
	if (*d->rhost != '\0')
		printf(" host %s", d->rhost);
	putchar('\n');
	if (d->rule == 0)
		puts("rule: -");
	else
		printf("rule: %" PRId64 "\n", d->rule);
	printf("user: %s\n", *d->user == '\0' ? "-" : d->user);
	printf("reason: %s\n", why_str[d->why]);
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
 * check [--host HOST] [--mode MODE] METHOD TARGET
 * [USER]: decide a request as the server would, USER's password on
 * stdin.  Exit 0 on allow, 2 on a 5xx, else 1.
 */
int
cmd_check(const char *db, int argc, char *argv[])
{
	static const char *const names[] = { "host", "mode" };
	const char	*vals[2] = { NULL, NULL };
	struct param	 params[9];
	struct request	 r;
	struct decision	 d;
	struct store	*s;
	enum storeres	 sr = STORE_ERROR;
	char		 pass[PASS_MAX + 2];
	char		 up[NAME_MAX_LEN + PASS_MAX + 2];
	char		 authz[6 + 4 * ((sizeof(up) + 2) / 3) + 1];
	char		 err[512];
	const char	*why = NULL;
	size_t		 n = 0, ulen, np = 0;
	int		 k, ret = 1;

	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	memset(pass, 0, sizeof(pass));
	memset(up, 0, sizeof(up));
	memset(authz, 0, sizeof(authz));
	if ((k = adm_opts(argc, argv, names, vals, nitems(names))) == -1)
		return -1;
	argc -= k;
	argv += k;
	if (argc != 2 && argc != 3)
		return -1;
	/*
	 * The mode as the web server would signal it: the FastCGI role,
	 * or PORTCULLIS_MODE; forward_auth finds the original method and
	 * URI in PORTCULLIS_METHOD and PORTCULLIS_URI (Caddy's env lines).
	 */
	if (vals[1] == NULL || strcmp(vals[1], "responder") == 0 ||
	    strcmp(vals[1], "auth_request") == 0) {
		params[np++] = (struct param){ "PORTCULLIS_MODE",
		    vals[1] == NULL ? "responder" : vals[1] };
		params[np++] = (struct param){ "REQUEST_METHOD", argv[0] };
		params[np++] = (struct param){ "REQUEST_URI", argv[1] };
	} else if (strcmp(vals[1], "authorizer") == 0) {
		params[np++] = (struct param){ "FCGI_ROLE", "AUTHORIZER" };
		params[np++] = (struct param){ "REQUEST_METHOD", argv[0] };
		params[np++] = (struct param){ "REQUEST_URI", argv[1] };
	} else if (strcmp(vals[1], "forward_auth") == 0) {
		params[np++] = (struct param){ "PORTCULLIS_MODE", vals[1] };
		params[np++] = (struct param){ "PORTCULLIS_METHOD", argv[0] };
		params[np++] = (struct param){ "PORTCULLIS_URI", argv[1] };
	} else
		return -1;
	params[np++] = (struct param){ "REMOTE_ADDR", "cli" };
	if (vals[0] != NULL)
		params[np++] = (struct param){ "HTTP_HOST", vals[0] };
	if (argc == 3) {
		if (adm_pass_read(pass, sizeof(pass), &n, 0, &why) == -1) {
			adm_fail("password", why);
			goto out;
		}
		if ((ulen = strlen(argv[2])) > NAME_MAX_LEN) {
			adm_fail("check", "user name longer than 255 bytes");
			goto out;
		}
		memcpy(up, argv[2], ulen);
		up[ulen] = ':';
		memcpy(up + ulen + 1, pass, n);
		memcpy(authz, "Basic ", 6);
		if (b64_encode(authz + 6, sizeof(authz) - 6, up,
		    ulen + 1 + n) == 0) {
			adm_fail("check", "cannot encode the credentials");
			goto out;
		}
		/* The decision reads the one the proxy_auth setting names. */
		params[np++] = (struct param){ "HTTP_AUTHORIZATION", authz };
		params[np++] = (struct param){ "HTTP_PROXY_AUTHORIZATION",
		    authz };
	}
	params[np] = (struct param){ NULL, NULL };

	/* As main.c's serve(): parse, open the store, decide. */
	if (req_parse(&r, param_get, params) != REQ_OK)
		decide_badreq(&r, &d);
	else if ((s = store_open_ro(db, &sr, err, sizeof(err))) == NULL) {
		decide_nostore(&r, sr, err, &d);
		adm_fail("check", sr == STORE_SCHEMA ? "wrong schema version: "
		    "run portcullis init" : err);
	} else {
		decide(s, &r, &d);
		store_close(s);
	}
	if ((unsigned)d.verdict >= VERDICT__MAX ||
	    (unsigned)d.why >= WHY__MAX) {
		d.verdict = VERDICT_ERROR;	/* fail closed */
		d.why = WHY_NONE;
	}
	if (check_print(&r, &d) == -1) {
		adm_fail("check", "cannot make the response");
		ret = 2;
	} else if (d.verdict == VERDICT_ALLOW)
		ret = 0;
	else
		ret = verdict_status[d.verdict] >= 500 ? 2 : 1;
out:
	req_wipe(&r);
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(pass, sizeof(pass));
	explicit_bzero(up, sizeof(up));
	explicit_bzero(authz, sizeof(authz));
	return ret;
}
