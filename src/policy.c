/*
 * policy.c: what a rule set means, without any I/O.  Every question
 * of rule semantics is answered here, once: the request path
 * (snapshot.c, decide.c) and `portcullis lint` (lint.c) both ask.
 *
 * Patterns (README, "Decision semantics"; STAR is '*', STARSTAR '**'):
 *   /status		exactly that path
 *   /docs/STARSTAR	/docs and everything beneath (STARSTAR last)
 *   /users/STAR/avatar	STAR (a lone '*') is exactly one non-empty segment
 * Paths are canonical (path.c): absolute, decoded, no dot-segments,
 * no "//".  A trailing '/' is an empty last segment, so the exact
 * pattern /status does not match /status/ (portcullis lint says so).
 *
 * Precedence, every rule of it:
 *  1. Host.  A resource bound to a host decides only requests for that
 *     host; an any-host one decides for every host
 *     (policy_host_applies()).
 *  2. Resource.  Of the resources that apply and match the path
 *     (policy_match()), the most specific decides (policy_cmp()): a
 *     host-bound one beats an any-host one; then segment by segment
 *     (policy_seg()) a literal beats STAR beats STARSTAR, and a
 *     pattern that has ended beats STARSTAR.  Of two equal ones the
 *     first offered stays (policy_better()).  Pattern c covers pattern
 *     s when c matches every path s matches (policy_pattern_covers()).
 *  3. Method.  Only the deciding resource's rules count.  "*" covers
 *     every method, GET covers HEAD, and names are case-sensitive
 *     (policy_methods_has()); only "*" covers "*"
 *     (policy_methods_covers()).
 *  4. Principal.  "all" covers "valid-user", which covers every role
 *     (policy_principal_covers()); of the rules that grant the
 *     method, the first by id is the one reported (policy_grants_add()).
 *  5. Networks (sql/0009-networks.sql).  "net:NAME" grants without
 *     credentials to clients in network NAME, after "all" and before
 *     credentials are read; a grant to a role or "valid-user" may be
 *     restricted to a network: both must hold
 *     (policy_grants_add_net(); decide.c asks whether the client is
 *     in the network).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "extern.h"

/* Segment kinds, least specific first; a pattern that ended beats **. */
enum segkind {
	SEG_GLOBSTAR = 1,
	SEG_STAR,
	SEG_LITERAL,
	SEG_END,
};

/*
 * Methods in the order Allow lists them; others follow in the order
 * the rules name them.
 */
static const char *const method_order[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
	"CONNECT", "TRACE",
};

/* Length of the segment starting at p (up to '/' or the end). */
static size_t
seglen(const char *p)
{
	return strcspn(p, "/");
}

static enum segkind
segkind(const char *p, size_t n)
{
	if (n == 2 && p[0] == '*' && p[1] == '*')
		return SEG_GLOBSTAR;
	if (n == 1 && p[0] == '*')
		return SEG_STAR;
	return SEG_LITERAL;
}

/*
 * What the pattern segment p[0..n) is, as policy_match() reads it:
 * for snapshot.c's index of patterns, which must agree with it.
 */
enum polseg
policy_seg(const char *p, size_t n)
{
	switch (segkind(p, n)) {
	case SEG_GLOBSTAR:
		return POLSEG_GLOBSTAR;
	case SEG_STAR:
		return POLSEG_STAR;
	default:
		return POLSEG_LITERAL;
	}
}

/*
 * Whether a pattern is well formed; the schema's CHECK constraint on
 * resources.pattern says the same.  Returns 1 or 0.
 */
int
policy_pattern_valid(const char *pat)
{
	const char	*p;
	size_t		 n, len;

	if (pat == NULL || pat[0] != '/')
		return 0;
	len = strlen(pat);
	if (len > PATTERN_MAX || has_ctl(pat, len) ||
	    strpbrk(pat, "?#%\\") != NULL)
		return 0;
	for (p = pat + 1; ; p += n + 1) {
		n = seglen(p);
		if (n == 0 && p[n] == '/')
			return 0;		/* "//" */
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (memchr(p, '*', n) != NULL &&
		    segkind(p, n) == SEG_LITERAL)
			return 0;		/* "a*", "***" */
		if (segkind(p, n) == SEG_GLOBSTAR && p[n] != '\0')
			return 0;		/* "**" not last */
		if (p[n] == '\0')
			return 1;
	}
}

/*
 * Whether canonical path matches pattern.  Returns 1 or 0.
 */
int
policy_match(const char *pat, const char *path)
{
	size_t	 pn, sn;

	if (pat[0] != '/' || path[0] != '/')
		return 0;
	for (pat++, path++; ; pat += pn + 1, path += sn + 1) {
		pn = seglen(pat);
		sn = seglen(path);
		switch (segkind(pat, pn)) {
		case SEG_GLOBSTAR:
			return 1;		/* zero or more segments */
		case SEG_STAR:
			if (sn == 0)
				return 0;
			break;
		default:
			if (pn != sn || memcmp(pat, path, pn) != 0)
				return 0;
			break;
		}
		if (pat[pn] == '\0' && path[sn] == '\0')
			return 1;
		if (path[sn] == '\0')		/* "/a/STARSTAR" covers "/a" */
			return strcmp(pat + pn, "/**") == 0;
		if (pat[pn] == '\0')
			return 0;
	}
}

/*
 * Compare two patterns that match the same path: a host-bound one
 * beats an any-host one; then segment by segment, a literal beats
 * '*' beats '**', and a pattern that has ended beats '**'.
 * Returns >0 if a is more specific, <0 if b is, 0 if equal.
 */
int
policy_cmp(const char *a, int ahost, const char *b, int bhost)
{
	enum segkind	 ka, kb;
	size_t		 an, bn;

	if ((ahost != 0) != (bhost != 0))
		return ahost ? 1 : -1;
	for (a++, b++; ; a += an + 1, b += bn + 1) {
		an = seglen(a);
		bn = seglen(b);
		ka = segkind(a, an);
		kb = segkind(b, bn);
		if (ka != kb)
			return (int)ka - (int)kb;
		if (ka == SEG_GLOBSTAR)
			return 0;
		if (a[an] == '\0' || b[bn] == '\0') {
			ka = a[an] == '\0' ? SEG_END : SEG_LITERAL;
			kb = b[bn] == '\0' ? SEG_END : SEG_LITERAL;
			if (ka == kb)
				return 0;
			/* The longer one goes on with "**" only. */
			return ka == SEG_END ? 1 : -1;
		}
	}
}

/*
 * Whether resource pattern pat (bound to a host if bound) decides the
 * canonical path rather than best (bound to a host if bestbound; NULL:
 * none yet): it must match the path and be more specific, so of two
 * equal ones the first offered stays.  The caller offers only
 * resources that apply to the request's host.  Returns 1 or 0.
 */
int
policy_better(const char *pat, int bound, const char *best, int bestbound,
    const char *path)
{
	if (!policy_match(pat, path))
		return 0;
	return best == NULL || policy_cmp(pat, bound, best, bestbound) > 0;
}

/*
 * Whether a resource bound to rhost (NULL or "": any host) applies to
 * a request for host (NULL or "": one that named none).  Hosts are
 * compared as stored: lower case, without port or trailing dot.
 * Returns 1 or 0.
 */
int
policy_host_applies(const char *rhost, const char *host)
{
	if (rhost == NULL || *rhost == '\0')
		return 1;
	return host != NULL && strcmp(rhost, host) == 0;
}

/*
 * Whether pattern c matches every path pattern s matches (both well
 * formed).  Returns 1 or 0.
 */
int
policy_pattern_covers(const char *c, const char *s)
{
	enum segkind	 kc, ks;
	size_t		 cn, sn;

	for (c++, s++; ; c += cn + 1, s += sn + 1) {
		cn = seglen(c);
		sn = seglen(s);
		kc = segkind(c, cn);
		ks = segkind(s, sn);
		if (kc == SEG_GLOBSTAR)
			return 1;		/* any rest */
		if (ks == SEG_GLOBSTAR)
			return 0;		/* s: any rest, c not */
		if (kc == SEG_STAR) {
			if (sn == 0)
				return 0;	/* STAR is non-empty */
		} else if (ks != SEG_LITERAL || cn != sn ||
		    memcmp(c, s, cn) != 0)
			return 0;
		if (c[cn] == '\0' && s[sn] == '\0')
			return 1;
		if (s[sn] == '\0')
			return strcmp(c + cn, "/**") == 0;
		if (c[cn] == '\0')
			return 0;
	}
}

/*
 * How many segments pattern (or canonical path) pat has: "/" one (an
 * empty one), "/a/" two.
 */
size_t
policy_pattern_nseg(const char *pat)
{
	size_t	 n = 1;

	for (pat++; *pat != '\0'; pat++)
		n += *pat == '/';
	return n;
}

/*
 * Segment k (from 0) of pattern pat into *seg and *n (its length).
 * Returns 1, or 0 if pat has fewer segments.
 */
int
policy_pattern_seg(const char *pat, size_t k, const char **seg, size_t *n)
{
	const char	*p = pat + 1;

	for (; k > 0; k--) {
		if ((p = strchr(p, '/')) == NULL)
			return 0;
		p++;
	}
	*seg = p;
	*n = seglen(p);
	return 1;
}

/*
 * Whether a rules.methods value is "*" or a comma list of method
 * tokens of at most REQ_METHOD_MAX bytes.  Returns 1 or 0.
 */
int
policy_methods_valid(const char *m)
{
	size_t	 n;

	if (m == NULL)
		return 0;
	if (strcmp(m, "*") == 0)
		return 1;
	for (;; m += n + 1) {
		n = strcspn(m, ",");
		if (n == 0 || n > REQ_METHOD_MAX || !http_token(m, n) ||
		    memchr(m, '*', n) != NULL)
			return 0;
		if (m[n] == '\0')
			return 1;
	}
}

/*
 * Whether a rules.methods value covers method (case-sensitive,
 * RFC 9110 §9.1); "*" covers all and GET covers HEAD.
 */
int
policy_methods_has(const char *m, const char *method)
{
	size_t	 n, len = strlen(method);

	if (strcmp(m, "*") == 0)
		return 1;
	for (;; m += n + 1) {
		n = strcspn(m, ",");
		if ((n == len && memcmp(m, method, n) == 0) ||
		    (n == 3 && memcmp(m, "GET", 3) == 0 &&
		    strcmp(method, "HEAD") == 0))
			return 1;
		if (m[n] == '\0')
			return 0;
	}
}

/*
 * Whether a rules.methods value covers m, a method or "*" (a grant of
 * every method): only "*" covers "*".  Returns 1 or 0.
 */
int
policy_methods_covers(const char *methods, const char *m)
{
	if (strcmp(m, "*") == 0)
		return strcmp(methods, "*") == 0;
	return policy_methods_has(methods, m);
}

/*
 * Whether principal a is granted whatever principal b is: "all" covers
 * "valid-user", which covers every role; a role covers itself; only
 * "all" and itself cover "net:NAME" (policy_grant_covers()).
 * Returns 1 or 0.
 */
int
policy_principal_covers(const char *a, const char *b)
{
	if (strcmp(a, "all") == 0 || strcmp(a, b) == 0)
		return 1;
	return strcmp(a, "valid-user") == 0 && strcmp(b, "all") != 0 &&
	    strncmp(b, "net:", 4) != 0;
}

/*
 * policy_principal_covers() for grants that may name a network
 * (sql/0009-networks.sql): whether a grant to principal a restricted
 * to network anet (NULL: none) lets in every request a grant to b
 * restricted to bnet does.  "net:X" lets in every client in X, so it
 * covers "net:X" and any grant restricted to X (credentials are never
 * asked there); only an unrestricted "all" covers "net:X"; a grant
 * restricted to a network covers only grants restricted to the same.
 * Returns 1 or 0.
 */
int
policy_grant_covers(const char *a, const char *anet, const char *b,
    const char *bnet)
{
	if (strncmp(a, "net:", 4) == 0)
		return strcmp(a, b) == 0 ||
		    (bnet != NULL && strcmp(a + 4, bnet) == 0);
	if (strncmp(b, "net:", 4) == 0)
		return anet == NULL && strcmp(a, "all") == 0;
	if (anet != NULL && (bnet == NULL || strcmp(anet, bnet) != 0))
		return 0;
	return policy_principal_covers(a, b);
}

void
policy_grants_init(struct grants *g)
{
	memset(g, 0, sizeof(*g));
}

static void
grants_method(struct grants *g, const char *m, size_t n)
{
	size_t	 i;

	for (i = 0; i < g->nmethods; i++)
		if (strlen(g->methods[i]) == n &&
		    memcmp(g->methods[i], m, n) == 0)
			return;
	if (g->nmethods == POLICY_METHODS_MAX || n > REQ_METHOD_MAX) {
		g->overflow = 1;
		return;
	}
	memcpy(g->methods[g->nmethods], m, n);
	g->methods[g->nmethods++][n] = '\0';
}

/* In responder mode the file server performs GET and HEAD only. */
static int
performed(const char *method, int responder)
{
	return !responder || strcmp(method, "GET") == 0 ||
	    strcmp(method, "HEAD") == 0;
}

/*
 * Add one rule (id, methods, principal) of the chosen resource:
 * remember the methods it names (for Allow) and, if it covers the
 * request's method, to whom it grants it.  Principals are "all",
 * "valid-user" or a role name (the schema refuses anything else).
 */
void
policy_grants_add(struct grants *g, const char *method, int responder,
    int64_t id, const char *methods, const char *principal)
{
	policy_grants_add_net(g, method, responder, id, methods, principal,
	    NULL);
}

/*
 * policy_grants_add() for a rule that may name a network
 * (sql/0009-networks.sql): principal "net:NAME" grants to clients in
 * network NAME, without credentials (g->nets); a grant to a role or to
 * "valid-user" restricted to network (not NULL) is kept with the
 * roles, with its network in g->role_net (a restricted "valid-user"
 * grant is a role entry named "valid-user").  The schema refuses a
 * network on "all" and on "net:NAME"; such a rule (or a "net:" with an
 * empty name) grants nothing here.  The network names are borrowed:
 * they must live as long as g.
 */
void
policy_grants_add_net(struct grants *g, const char *method, int responder,
    int64_t id, const char *methods, const char *principal,
    const char *network)
{
	const char	*m;
	size_t		 n;

	if (strcmp(methods, "*") == 0)
		g->any_method = 1;
	else
		for (m = methods; ; m += n + 1) {
			n = strcspn(m, ",");
			grants_method(g, m, n);
			if (n == 3 && memcmp(m, "GET", 3) == 0)
				grants_method(g, "HEAD", 4);
			if (m[n] == '\0')
				break;
		}

	if (!performed(method, responder) ||
	    !policy_methods_has(methods, method))
		return;
	if (network != NULL && (strcmp(principal, "all") == 0 ||
	    strncmp(principal, "net:", 4) == 0))
		return;			/* refused by the schema */
	if (strncmp(principal, "net:", 4) == 0) {
		if (principal[4] == '\0')
			return;
		if (g->nnets == POLICY_NETS_MAX) {
			g->overflow = 1;
			return;
		}
		g->nets[g->nnets] = principal + 4;
		g->net_rule[g->nnets++] = id;
	} else if (strcmp(principal, "all") == 0) {
		if (g->all_rule == 0)
			g->all_rule = id;
	} else if (network == NULL && strcmp(principal, "valid-user") == 0) {
		if (g->valid_rule == 0)
			g->valid_rule = id;
	} else if (g->nroles == POLICY_ROLES_MAX ||
	    strlen(principal) > NAME_MAX_LEN)
		g->overflow = 1;
	else {
		snprintf(g->roles[g->nroles], sizeof(g->roles[0]), "%s",
		    principal);
		g->role_net[g->nroles] = network;
		g->role_rule[g->nroles++] = id;
	}
}

/*
 * The principals g grants the request's method to, once its rules are
 * added: "all", "net:NAME"s, "valid-user", then the roles in rule
 * order ("ROLE (network NAME)" when restricted to one), joined by
 * ", " into buf; "" if none (`portcullis check` says it on a 403).
 * Returns 0, or -1 if they do not fit bufsz (buf then holds "").
 */
int
policy_grants_names(const struct grants *g, char *buf, size_t bufsz)
{
	size_t	 i, len = 0;
	int	 n;

	if (bufsz == 0)
		return -1;
	buf[0] = '\0';
	if (g->all_rule != 0 && (n = snprintf(buf, bufsz, "all")) > 0)
		len = (size_t)n;
	for (i = 0; i < g->nnets && len < bufsz; i++)
		if ((n = snprintf(buf + len, bufsz - len, "%snet:%s",
		    len ? ", " : "", g->nets[i])) > 0)
			len += (size_t)n;
	if (g->valid_rule != 0 && len < bufsz &&
	    (n = snprintf(buf + len, bufsz - len, "%svalid-user",
	    len ? ", " : "")) > 0)
		len += (size_t)n;
	for (i = 0; i < g->nroles && len < bufsz; i++)
		if ((n = snprintf(buf + len, bufsz - len, "%s%s%s%s%s",
		    len ? ", " : "", g->roles[i],
		    g->role_net[i] != NULL ? " (network " : "",
		    g->role_net[i] != NULL ? g->role_net[i] : "",
		    g->role_net[i] != NULL ? ")" : "")) > 0)
			len += (size_t)n;
	if (len >= bufsz) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

static int
allow_append(char *buf, size_t bufsz, const char *m)
{
	size_t	 len = strlen(buf);
	int	 n;

	n = snprintf(buf + len, bufsz - len, "%s%s", len ? ", " : "", m);
	return n < 0 || (size_t)n >= bufsz - len ? -1 : 0;
}

static int
allow_listed(const char *m)
{
	size_t	 i;

	for (i = 0; i < nitems(method_order); i++)
		if (strcmp(m, method_order[i]) == 0)
			return 1;
	return 0;
}

/*
 * After the last rule: decide whether the method is supported and
 * build the Allow value (RFC 9110 §10.2.1): the methods the rules
 * name, GET implying HEAD, limited in responder mode to GET and HEAD.
 * "*" supports every method; in responder mode it stands for GET and
 * HEAD.
 */
void
policy_grants_finish(struct grants *g, const char *method, int responder)
{
	size_t	 i, j;

	g->allow[0] = '\0';
	if (g->any_method) {
		grants_method(g, "GET", 3);
		grants_method(g, "HEAD", 4);
	}
	for (i = 0; i < nitems(method_order); i++)
		for (j = 0; j < g->nmethods; j++)
			if (strcmp(g->methods[j], method_order[i]) == 0 &&
			    performed(g->methods[j], responder) &&
			    allow_append(g->allow, sizeof(g->allow),
			    g->methods[j]) == -1)
				g->overflow = 1;
	for (j = 0; j < g->nmethods; j++)
		if (!allow_listed(g->methods[j]) &&
		    performed(g->methods[j], responder) &&
		    allow_append(g->allow, sizeof(g->allow),
		    g->methods[j]) == -1)
			g->overflow = 1;

	g->supported = 0;
	if (performed(method, responder)) {
		if (g->any_method)
			g->supported = 1;
		for (j = 0; j < g->nmethods; j++)
			if (strcmp(g->methods[j], method) == 0)
				g->supported = 1;
	}
}
