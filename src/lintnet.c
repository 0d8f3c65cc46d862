/*
 * lintnet.c: `portcullis lint`'s checks of the named networks
 * (sql/0009-networks.sql), run by lint_run() after lint.c's ten, in
 * this order:
 *
 * 11. network-unparsable: a networks row that cidr_parse() refuses
 *     (written with sqlite3: the schema's CHECK judges the shape
 *     only).  The server makes the whole network match nothing.
 * 12. network-overlap: two ranges that share addresses
 *     (cidr_overlaps()), of two networks or twice in one.
 * 13. network-unused: a network no rule uses (neither net:NAME nor a
 *     rule restricted to it).
 * 14. network-hides-rule: a rule granting method M to net:NAME on a
 *     resource where a rule grants M to a role or valid-user (not
 *     restricted to NAME: that one is shadowed, check 3): for clients
 *     in NAME the net:NAME grant answers first, without credentials,
 *     so the role rule never runs for them (and the application
 *     behind gets no user).
 * Subjects are "network NAME", "networks A, B" or the rules'
 * "rule 4" / "rules 2,5", as lint.c's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

struct lnet {
	void		(*cb)(void *, const struct lint_finding *);
	void		*arg;
	size_t		*nfound;
	int		 oom;
};

static void	 report(struct lnet *, enum lint_kind, int64_t *, size_t,
		    const char *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

/*
 * Report one finding: about rules ids[0..nids) (ascending, given so)
 * or, with none, about subject.
 */
static void
report(struct lnet *ln, enum lint_kind kind, int64_t *ids, size_t nids,
    const char *subject, const char *fmt, ...)
{
	struct lint_finding	 f;
	va_list			 ap;
	char			*msg, subj[64];

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1) {
		va_end(ap);
		ln->oom = 1;
		return;
	}
	va_end(ap);
	if (nids == 1)
		(void)snprintf(subj, sizeof(subj), "rule %" PRId64, ids[0]);
	else if (nids == 2)
		(void)snprintf(subj, sizeof(subj), "rules %" PRId64 ",%" PRId64,
		    ids[0], ids[1]);
	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.ids = ids;
	f.nids = nids;
	f.subject = nids > 0 ? subj : subject;
	f.message = msg;
	ln->cb(ln->arg, &f);
	(*ln->nfound)++;
	free(msg);
}

/* Whether row i of pol's networks parses; into *c, and why not. */
static int
row_parses(const struct policy *pol, size_t i, struct cidr *c,
    const char **why)
{
	const char	*s = pol->networks[i].cidr;

	return cidr_parse(c, s, strlen(s), why) == 0;
}

/* 11. Rows the server cannot parse. */
static void
net_unparsable(struct lnet *ln, const struct policy *pol)
{
	const struct pol_network	*n;
	struct cidr			 c;
	const char			*why;
	char				 subj[NAME_MAX_LEN + 16];
	size_t				 i;

	for (i = 0; i < pol->nnetworks; i++) {
		if (row_parses(pol, i, &c, &why))
			continue;
		n = &pol->networks[i];
		(void)snprintf(subj, sizeof(subj), "network %s", n->name);
		report(ln, LINT_NET_UNPARSABLE, NULL, 0, subj, "%s does not "
		    "parse (%s): the server's network %s matches no client "
		    "until it is fixed", n->cidr, why, n->name);
	}
}

/* 12. Ranges that share addresses. */
static void
net_overlap(struct lnet *ln, const struct policy *pol)
{
	const struct pol_network	*a, *b;
	struct cidr			 ca, cb;
	const char			*why;
	char				 subj[2 * NAME_MAX_LEN + 16];
	size_t				 i, j;

	for (i = 0; i < pol->nnetworks; i++) {
		if (!row_parses(pol, i, &ca, &why))
			continue;
		a = &pol->networks[i];
		for (j = i + 1; j < pol->nnetworks; j++) {
			if (!row_parses(pol, j, &cb, &why) ||
			    !cidr_overlaps(&ca, &cb))
				continue;
			b = &pol->networks[j];
			if (strcmp(a->name, b->name) == 0) {
				(void)snprintf(subj, sizeof(subj),
				    "network %s", a->name);
				report(ln, LINT_NET_OVERLAP, NULL, 0, subj,
				    "%s and %s overlap: one holds the other",
				    a->cidr, b->cidr);
			} else {
				(void)snprintf(subj, sizeof(subj),
				    "networks %s, %s", a->name, b->name);
				report(ln, LINT_NET_OVERLAP, NULL, 0, subj,
				    "%s %s and %s %s overlap: a client there "
				    "is in both", a->name, a->cidr, b->name,
				    b->cidr);
			}
		}
	}
}

/* Whether rule r uses network name. */
static int
rule_uses(const struct pol_rule *r, const char *name)
{
	return (strncmp(r->principal, "net:", 4) == 0 &&
	    strcmp(r->principal + 4, name) == 0) ||
	    (r->network != NULL && strcmp(r->network, name) == 0);
}

/* 13. Networks no rule uses (each name once: rows come sorted). */
static void
net_unused(struct lnet *ln, const struct policy *pol)
{
	const char	*name;
	char		 subj[NAME_MAX_LEN + 16];
	size_t		 i, j;

	for (i = 0; i < pol->nnetworks; i++) {
		name = pol->networks[i].name;
		if (i > 0 && strcmp(pol->networks[i - 1].name, name) == 0)
			continue;
		for (j = 0; j < pol->nrules; j++)
			if (rule_uses(&pol->rules[j], name))
				break;
		if (j < pol->nrules)
			continue;
		(void)snprintf(subj, sizeof(subj), "network %s", name);
		report(ln, LINT_NET_UNUSED, NULL, 0, subj, "no rule uses it "
		    "(rule add PATTERN METHODS net:%s, or rule add --net %s)",
		    name, name);
	}
}

/*
 * The methods of net grant n that rule s grants too, as a comma list
 * into buf ("" if none): n's tokens s covers, or s's if n grants "*".
 */
static const char *
shared_methods(const char *n, const char *s, char *buf, size_t bufsz)
{
	const char	*m, *from;
	size_t		 k, len;

	buf[0] = '\0';
	if (strcmp(n, "*") == 0) {
		(void)snprintf(buf, bufsz, "%s", s);
		return buf;
	}
	for (from = n; ; from += k + 1) {
		k = strcspn(from, ",");
		m = from;
		len = strlen(buf);
		if (k <= REQ_METHOD_MAX) {
			char	 tok[REQ_METHOD_MAX + 1];

			memcpy(tok, m, k);
			tok[k] = '\0';
			if (policy_methods_has(s, tok))
				(void)snprintf(buf + len, bufsz - len, "%s%s",
				    len > 0 ? "," : "", tok);
		}
		if (from[k] == '\0')
			break;
	}
	return buf;
}

/* 14. net:NAME grants that answer before a role rule can. */
static void
net_hides(struct lnet *ln, const struct policy *pol)
{
	const struct pol_rule	*n, *s;
	char			 both[1024];
	int64_t			 ids[2];
	size_t			 i, j;

	for (i = 0; i < pol->nrules; i++) {
		n = &pol->rules[i];
		if (strncmp(n->principal, "net:", 4) != 0)
			continue;
		for (j = 0; j < pol->nrules; j++) {
			s = &pol->rules[j];
			if (strcmp(s->pattern, n->pattern) != 0 ||
			    (s->host == NULL) != (n->host == NULL) ||
			    (s->host != NULL && strcmp(s->host, n->host) != 0))
				continue;
			if (strcmp(s->principal, "all") == 0 ||
			    strncmp(s->principal, "net:", 4) == 0 ||
			    (s->network != NULL &&
			    strcmp(s->network, n->principal + 4) == 0))
				continue;
			if (*shared_methods(n->methods, s->methods, both,
			    sizeof(both)) == '\0')
				continue;
			ids[0] = n->id < s->id ? n->id : s->id;
			ids[1] = n->id < s->id ? s->id : n->id;
			report(ln, LINT_NET_HIDES, ids, 2, NULL, "rule %"
			    PRId64 " grants %s on %s to every client in "
			    "network %s without credentials: for those "
			    "clients rule %" PRId64 " (%s) never runs", n->id,
			    both, n->pattern, n->principal + 4, s->id,
			    s->principal);
		}
	}
}

/*
 * Run checks 11-14 on pol, calling cb(arg, finding) for each and
 * adding them to *nfound.  Returns 0, or -1 out of memory.
 */
int
lint_networks(const struct policy *pol,
    void (*cb)(void *, const struct lint_finding *), void *arg,
    size_t *nfound)
{
	struct lnet	 ln;

	memset(&ln, 0, sizeof(ln));
	ln.cb = cb;
	ln.arg = arg;
	ln.nfound = nfound;
	net_unparsable(&ln, pol);
	net_overlap(&ln, pol);
	net_unused(&ln, pol);
	net_hides(&ln, pol);
	return ln.oom ? -1 : 0;
}
