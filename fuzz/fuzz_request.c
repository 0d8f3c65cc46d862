/*
 * fuzz_request.c: req_parse() (src/request.c) over a table of
 * parameters, as a web server passes them: the input is lines
 * "NAME=VALUE" (a NAME may repeat: the first wins, as FCGX_GetParam()).
 * Properties of a request it accepts:
 *  - the method is an HTTP token of at most REQ_METHOD_MAX bytes, the
 *    path canonical (path_canon() gives it back), the host "" or
 *    canonical (host_canon() gives it back), the mode one of enum mode;
 *  - what a client can add never steers it: the same table with
 *    headers a client may send under any spelling (X-Forwarded-*,
 *    X-Original-*, X-Portcullis-*) appended parses to the same method,
 *    path, host, mode, credentials, client address and answer.
 */
#include "config.h"

#include <string.h>

#include "extern.h"
#include "fuzz.h"

#define PARAMS_MAX	64

struct params {
	const char	*name[PARAMS_MAX];
	const char	*value[PARAMS_MAX];
	size_t		 n;
};

static const char *
get(void *arg, const char *name)
{
	const struct params	*p = arg;
	size_t			 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return p->value[i];
	return NULL;
}

/* Split buf (NUL-terminated, modified) into lines NAME=VALUE. */
static void
params_parse(struct params *p, char *buf)
{
	char	*line, *eq;

	p->n = 0;
	while ((line = strsep(&buf, "\n")) != NULL && p->n < PARAMS_MAX) {
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		p->name[p->n] = line;
		p->value[p->n++] = eq + 1;
	}
}

/* Headers a client controls: HTTP_ + any name, any spelling. */
static const char *const client[] = {
	"HTTP_X_FORWARDED_URI", "/admin/",
	"HTTP_X_FORWARDED_METHOD", "DELETE",
	"HTTP_X_FORWARDED_HOST", "evil.example",
	"HTTP_X_FORWARDED_PROTO", "https",
	"HTTP_X_FORWARDED_FOR", "10.0.0.1",
	"HTTP_X_ORIGINAL_URI", "/admin/",
	"HTTP_X_ORIGINAL_METHOD", "DELETE",
	"HTTP_X_PORTCULLIS_USER", "alice",
	"HTTP_X_PORTCULLIS_METHOD", "DELETE",
	"HTTP_X_PORTCULLIS_URI", "/admin/",
	"HTTP_X_PORTCULLIS_HOST", "evil.example",
	"HTTP_X_HTTP_METHOD_OVERRIDE", "DELETE",
	"HTTP_REMOTE_USER", "alice",
	"HTTP_PORTCULLIS_CLIENT_ADDR", "192.0.2.99",
	"HTTP_X_REAL_IP", "192.0.2.99",
	"HTTP_REMOTE_ADDR", "192.0.2.99",
};

static void
check_ok(const struct request *r)
{
	char	 again[REQ_PATH_MAX + 1], host[REQ_HOST_MAX + 1];
	size_t	 n;

	n = strlen(r->method);
	PROPERTY(n > 0 && n <= REQ_METHOD_MAX && http_token(r->method, n));
	PROPERTY((unsigned)r->mode < MODE__MAX);
	n = strlen(r->path);
	PROPERTY(n > 0 && r->path[0] == '/');
	PROPERTY(strchr(r->path, '%') == NULL);
	if (strpbrk(r->path, "?#") == NULL) {
		PROPERTY(path_canon(again, sizeof(again), r->path, n) ==
		    PATH_OK);
		PROPERTY(strcmp(again, r->path) == 0);
	}
	if ((n = strlen(r->host)) > 0) {
		PROPERTY(host_canon(host, sizeof(host), r->host, n) == 1);
		PROPERTY(strcmp(host, r->host) == 0);
	}
	PROPERTY(r->authzsz < sizeof(r->authz));
	PROPERTY(r->pauthzsz < sizeof(r->pauthz));
}

static void
check_same(const struct request *a, const struct request *b)
{
	PROPERTY(strcmp(a->method, b->method) == 0);
	PROPERTY(strcmp(a->path, b->path) == 0);
	PROPERTY(strcmp(a->host, b->host) == 0);
	PROPERTY(a->mode == b->mode && a->pathres == b->pathres);
	PROPERTY(a->authzsz == b->authzsz &&
	    memcmp(a->authz, b->authz, a->authzsz) == 0);
	PROPERTY(a->authz_toolong == b->authz_toolong);
	PROPERTY(a->pauthzsz == b->pauthzsz &&
	    memcmp(a->pauthz, b->pauthz, a->pauthzsz) == 0);
	PROPERTY(strcmp(a->ruser, b->ruser) == 0);
	PROPERTY(strcmp(a->addr, b->addr) == 0);	/* lockout's key */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request	 r1, r2;
	struct params		 p;
	char			*buf;
	enum reqres		 res1, res2;
	size_t			 i;

	if (size > 64 * 1024)
		return 0;
	if ((buf = malloc(size + 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	params_parse(&p, buf);

	memset(&r1, 0, sizeof(r1));
	res1 = req_parse(&r1, get, &p);
	PROPERTY(res1 == REQ_OK || res1 == REQ_BAD);
	if (res1 == REQ_OK)
		check_ok(&r1);

	/* The client's headers, after the server's own (first wins). */
	for (i = 0; i + 1 < nitems(client) && p.n < PARAMS_MAX; i += 2) {
		p.name[p.n] = client[i];
		p.value[p.n++] = client[i + 1];
	}
	memset(&r2, 0, sizeof(r2));
	res2 = req_parse(&r2, get, &p);
	PROPERTY(res1 == res2);
	if (res1 == REQ_OK)
		check_same(&r1, &r2);

	req_wipe(&r1);
	req_wipe(&r2);
	free(buf);
	return 0;
}
