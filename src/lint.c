/*
 * lint.c: the rule set's mistakes that the schema cannot refuse, found
 * in a policy loaded in memory (admin.h's struct policy, with the
 * users' hashes) and reported as struct lint_finding through the
 * caller's callback, in the order below.  `portcullis lint`
 * (adm_lint.c) prints them; tests/check_lint.c asserts them.  What a
 * rule means (which resource decides a path, which pattern, method or
 * principal covers which) is policy.c's to say: lint only asks.
 *
 * A finding names the rules involved ("rule 4", "rules 2,5") or, when
 * none are, what else it is about ("resource /x", "user bob").  A note
 * (LINT_HOST_NOTE) says what the rule set needs from the server and
 * counts as no finding.
 *
 * The checks, in the order they report:
 *
 *  1. methods: a method token that is not a standard or WebDAV one,
 *     or one in lower case ("get"): methods are case-sensitive.
 *  2. HEAD without GET for a principal on a resource.
 *  3. shadowed rules: a rule whose every (method, principal) grant
 *     other rules of the same resource already make
 *     (policy_principal_covers(), policy_methods_covers()).  Rules are
 *     taken from the highest id down and each one reported counts as
 *     gone, so deleting every reported rule changes no decision; of
 *     two duplicates the later is reported.  Grants of several rules
 *     together count, but only "*" covers "*".
 *  4. roles that rules grant to but no user holds.
 *  5. resources without rules: every request they decide is 405.
 *  6. resources never chosen: for every path a resource matches, a
 *     more specific resource matches too.  Decided exactly by trying
 *     one path per class of paths (each "*" or "**" segment as each
 *     literal other patterns have there, as a segment no pattern
 *     names, or empty at the end), up to LINT_PATHS_MAX paths per
 *     resource; a larger resource is not judged.
 *  7. host-bound resources: a note per host that its rules protect
 *     only if the server passes the virtual host it chose
 *     (PORTCULLIS_HOST); and the any-host resource that decides a
 *     host-bound one's paths for every other host (the one with its
 *     pattern, else the most specific): its grants that the
 *     host-bound one does not make are lost on that host, and reached
 *     with any other Host.
 *  8. "all" catch-alls over protected subtrees: a resource granting
 *     to "all" covers (policy_pattern_covers()) a more specific one
 *     that grants only to roles or valid-user, with no resource in
 *     between.  The subtree's own rules replace the catch-all's:
 *     correct for what it protects, but methods the catch-all grants
 *     that the subtree does not name answer 405 there.
 *  9. trailing slashes: a resource whose pattern ends in a literal or
 *     "*" does not match the same path with "/" appended, which
 *     another resource then decides (or none: 403), unless a
 *     resource PATTERN/ or PATTERN/STARSTAR exists (STARSTAR: '**');
 *     if one does, it must grant what PATTERN grants: a server
 *     redirects /x to /x/ for a directory and serves its index there.
 *     Then directory index files: a resource for .../index.html (or
 *     another name of index_names) that grants less than the resource
 *     deciding its directory .../: servers serve the one for the
 *     other.
 * 10. users whose hash the server cannot verify (pw_supported(),
 *     pw_cost()), whose cost is over the caps (pw_cost(): refused
 *     unhashed), or that libxcrypt's crypt_checksalt() calls legacy
 *     ($5$).
 * 11-14. named networks (sql/0009-networks.sql), in lintnet.c: rows
 *     the server cannot parse, overlapping ranges, networks no rule
 *     uses, and net:NAME grants that hide a role rule.
 * 15. the role hierarchy (sql/0010-roles.sql; roles.c says what a
 *     role includes): an inclusion that another of the role's
 *     inclusions already implies; a role with no rules of its own
 *     that grants exactly what one role it includes grants (holding
 *     it is holding that one); a cycle (only with the schema's
 *     triggers dropped: the server answers 500).  Check 4 counts a
 *     role held through inclusion as held.
 *
 * Why one file of about 1,300 lines (over the ~600 we aim for): the
 * ten checks share one index (each resource's rules), one way to
 * report, and the helpers that compare two resources' grants
 * (grant_of(), lost_grants(), winner()); split by check, every part
 * would need an internal header exposing all of it.  Each function is
 * one check, one step of one, or one helper, about a screen long.
 */
#include "config.h"

#include <crypt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define LINT_PATHS_MAX	100000	/* sample paths tried per resource */
#define LINT_SEGS_MAX	64	/* segments of a sample path */
#define FRESH		"\001"	/* a segment no pattern names */
#define NONE		SIZE_MAX

const char *const lint_kind_str[LINT__MAX] = {
	"method-case",		/* LINT_METHOD_CASE */
	"method-unknown",	/* LINT_METHOD_UNKNOWN */
	"head-without-get",	/* LINT_HEAD_NO_GET */
	"shadowed",		/* LINT_SHADOWED */
	"role-unheld",		/* LINT_ROLE_UNHELD */
	"no-rules",		/* LINT_NO_RULES */
	"never-chosen",		/* LINT_NEVER_CHOSEN */
	"host-note",		/* LINT_HOST_NOTE */
	"host-fallback",	/* LINT_HOST_FALLBACK */
	"catch-all",		/* LINT_CATCHALL */
	"slash-differs",	/* LINT_SLASH_DIFFERS */
	"slash-escapes",	/* LINT_SLASH_ESCAPES */
	"index-file",		/* LINT_INDEX_FILE */
	"hash-unsupported",	/* LINT_HASH_UNSUPPORTED */
	"hash-costly",		/* LINT_HASH_COSTLY */
	"hash-unreadable",	/* LINT_HASH_UNREADABLE */
	"hash-legacy",		/* LINT_HASH_LEGACY */
	"network-unparsable",	/* LINT_NET_UNPARSABLE */
	"network-overlap",	/* LINT_NET_OVERLAP */
	"network-unused",	/* LINT_NET_UNUSED */
	"network-hides-rule",	/* LINT_NET_HIDES */
	"role-nothing-new",	/* LINT_ROLE_NOTHING_NEW */
	"include-implied",	/* LINT_INCLUDE_IMPLIED */
	"role-cycle",		/* LINT_ROLE_CYCLE */
};

/* Methods of RFC 9110 §9, PATCH (RFC 5789) and WebDAV (RFC 4918). */
static const char *const known_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
	"TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE",
	"LOCK", "UNLOCK",
};

/*
 * The names a server answers a directory with (nginx and Apache:
 * index.html; lighttpd's index-file.names adds the others).
 */
static const char *const index_names[] = {
	"index.html", "index.htm", "index.php", "default.htm",
};

/* A resource and its rules (indices into the policy's, id order). */
struct lres {
	size_t		*rules;
	size_t		 nrules;
	char		 name[PATTERN_MAX + REQ_HOST_MAX + 8];
};

/*
 * One run: the policy, its index, and scratch space a check may use
 * while it does not call another that does (ids, gone, hiders).
 */
struct lint {
	const struct policy	*pol;
	void			(*cb)(void *, const struct lint_finding *);
	void			*arg;
	struct lres		*res;
	size_t			*ruleres;	/* per rule: resource or NONE */
	size_t			*byres;		/* rule indices, by resource */
	int64_t			*ids;		/* nrules + 1 */
	int			*gone;		/* nrules */
	size_t			*hiders;	/* nresources */
	size_t			 maxseg;	/* most segments + 1 */
	size_t			 nfound;
	int			 oom;
	struct roles		*rg;		/* the hierarchy, or NULL */
};

/* A sample path under construction: segments, not yet joined. */
struct sample {
	const char	*seg[LINT_SEGS_MAX];
	size_t		 nseg;
	size_t		 tried;
	size_t		 target;	/* the resource judged */
	size_t		*hiders;	/* resources that won instead */
	size_t		 nhiders;
	int		 reached;	/* target won somewhere */
	int		 toomany;
};

static void	 found(struct lint *, enum lint_kind, int64_t *, size_t,
		    const char *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

/* Sort the n ids and drop duplicates; return how many are left. */
static size_t
ids_sort(int64_t *ids, size_t n)
{
	size_t	 i, j;
	int64_t	 t;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	for (i = j = 0; i < n; i++)
		if (j == 0 || ids[j - 1] != ids[i])
			ids[j++] = ids[i];
	return j;
}

/*
 * "rule 4" or "rules 2,5" of the n ids (sorted, no duplicates) into
 * buf; cut at bufsz.
 */
static const char *
ids_str(char *buf, size_t bufsz, const int64_t *ids, size_t n)
{
	size_t	 i, len;

	(void)snprintf(buf, bufsz, "%s", n == 1 ? "rule " : "rules ");
	for (i = 0; i < n; i++) {
		len = strlen(buf);
		(void)snprintf(buf + len, bufsz - len, "%s%" PRId64,
		    i == 0 ? "" : ",", ids[i]);
	}
	return buf;
}

/*
 * Report one finding of kind about the rules ids[0..nids) (sorted
 * here), or if there are none about subject: the message from fmt.
 */
static void
found(struct lint *l, enum lint_kind kind, int64_t *ids, size_t nids,
    const char *subject, const char *fmt, ...)
{
	struct lint_finding	 f;
	va_list			 ap;
	char			*msg, *subj = NULL;
	size_t			 sz = 8 + nids * 21;	/* 20 + "," per id */
	int			 n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n == -1) {
		l->oom = 1;
		return;
	}
	if (nids > 0 && (subj = malloc(sz)) == NULL) {
		free(msg);
		l->oom = 1;
		return;
	}
	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.note = kind == LINT_HOST_NOTE;
	f.ids = ids;
	f.nids = ids_sort(ids, nids);
	f.subject = nids > 0 ? ids_str(subj, sz, ids, f.nids) : subject;
	f.message = msg;
	l->cb(l->arg, &f);
	if (!f.note)
		l->nfound++;
	free(subj);
	free(msg);
}

/* The ids of resource x's rules into l->ids; return how many. */
static size_t
res_ids(const struct lint *l, const struct lres *x)
{
	size_t	 i;

	for (i = 0; i < x->nrules; i++)
		l->ids[i] = l->pol->rules[x->rules[i]].id;
	return x->nrules;
}

/*
 * The next method token of list *m ("GET,PUT") into tok (at most
 * REQ_METHOD_MAX bytes, longer ones cut), *m moved past it.  Return 1,
 * or 0 at the end.
 */
static int
method_next(const char **m, char *tok)
{
	size_t	 n;

	if (**m == '\0')
		return 0;
	n = strcspn(*m, ",");
	(void)snprintf(tok, REQ_METHOD_MAX + 1, "%.*s", (int)n, *m);
	*m += n;
	if (**m == ',')
		(*m)++;
	return 1;
}

/* Whether the comma list holds the token tok exactly. */
static int
list_has(const char *list, const char *tok)
{
	char	 t[REQ_METHOD_MAX + 1];

	while (method_next(&list, t))
		if (strcmp(t, tok) == 0)
			return 1;
	return 0;
}

/* Append ",tok" (no comma when empty) to the list in buf, cut at bufsz. */
static void
list_add(char *buf, size_t bufsz, const char *tok)
{
	size_t	 len = strlen(buf);

	(void)snprintf(buf + len, bufsz - len, "%s%s", len == 0 ? "" : ",",
	    tok);
}

/*
 * Whether resource x grants method m (a token, or "*" for a grant of
 * every method) to principal p restricted to network pnet (NULL:
 * none; sql/0009-networks.sql) through a rule other than skip (an
 * index, or NONE) and not in gone[] (by x's rule, or NULL).  Return
 * the rule's index, or NONE.
 */
static size_t
grant_of(const struct lint *l, const struct lres *x, const char *m,
    const char *p, const char *pnet, size_t skip, const int *gone)
{
	const struct pol_rule	*r;
	size_t			 i;

	for (i = 0; i < x->nrules; i++) {
		if (x->rules[i] == skip || (gone != NULL && gone[i]))
			continue;
		r = &l->pol->rules[x->rules[i]];
		if (policy_grant_covers(r->principal, r->network, p, pnet) &&
		    policy_methods_covers(r->methods, m))
			return x->rules[i];
	}
	return NONE;
}

/* Whether some rule of x names method m ("*": names "*"). */
static int
names_method(const struct lint *l, const struct lres *x, const char *m)
{
	size_t	 i;

	for (i = 0; i < x->nrules; i++)
		if (policy_methods_covers(l->pol->rules[x->rules[i]].methods,
		    m))
			return 1;
	return 0;
}

/*
 * The methods of rule r that resource b does not grant to r's
 * principal, as a comma list into buf ("" if none).
 */
static const char *
lost_grants(const struct lint *l, const struct pol_rule *r,
    const struct lres *b, char *buf, size_t bufsz)
{
	const char	*m;
	char		 tok[REQ_METHOD_MAX + 1];

	buf[0] = '\0';
	if (strcmp(r->methods, "*") == 0) {
		if (grant_of(l, b, "*", r->principal, r->network, NONE,
		    NULL) == NONE)
			(void)snprintf(buf, bufsz, "*");
		return buf;
	}
	for (m = r->methods; method_next(&m, tok); )
		if (grant_of(l, b, tok, r->principal, r->network, NONE,
		    NULL) == NONE)
			list_add(buf, bufsz, tok);
	return buf;
}

/*
 * The resource that decides path for host (NULL: a host no resource
 * is bound to), as snapshot.c chooses it: policy_better() over the
 * resources that apply to host.  Return its index, or NONE.
 */
static size_t
winner(const struct lint *l, const char *path, const char *host)
{
	const struct pol_resource	*r, *b = NULL;
	size_t				 i, w = NONE;

	for (i = 0; i < l->pol->nresources; i++) {
		r = &l->pol->resources[i];
		if (!policy_host_applies(r->host, host) ||
		    !policy_better(r->pattern, r->host != NULL,
		    b == NULL ? NULL : b->pattern, b != NULL && b->host != NULL,
		    path))
			continue;
		b = r;
		w = i;
	}
	return w;
}

/*
 * A path that pattern pat matches, into buf (bufsz bytes): each "*"
 * or "**" segment as a segment no pattern names, so that the most
 * specific resource for it is the one for most of pat's paths.
 */
static const char *
pat_sample(const char *pat, char *buf, size_t bufsz)
{
	size_t	 len = 0;

	for (; *pat != '\0' && len + 1 < bufsz; pat++) {
		if (*pat == '*') {
			buf[len++] = FRESH[0];
			if (pat[1] == '*')
				pat++;
			continue;
		}
		buf[len++] = *pat;
	}
	buf[len] = '\0';
	return buf;
}

/* The last segment of pat into *seg and its length. */
static size_t
pat_last(const char *pat, const char **seg)
{
	size_t	 n = 0;

	*seg = pat;
	(void)policy_pattern_seg(pat, policy_pattern_nseg(pat) - 1, seg, &n);
	return n;
}

/* Report method token tok of rule id if it is no known method. */
static void
method_check(struct lint *l, int64_t id, const char *tok)
{
	char	 up[REQ_METHOD_MAX + 1];
	size_t	 j, k;

	for (j = 0; j < nitems(known_methods); j++)
		if (strcmp(tok, known_methods[j]) == 0)
			return;
	for (k = 0; tok[k] != '\0'; k++)
		up[k] = tok[k] >= 'a' && tok[k] <= 'z' ?
		    tok[k] - 'a' + 'A' : tok[k];
	up[k] = '\0';
	for (j = 0; j < nitems(known_methods); j++)
		if (strcmp(up, known_methods[j]) == 0)
			break;
	if (j < nitems(known_methods))
		found(l, LINT_METHOD_CASE, &id, 1, NULL, "method %s is not %s "
		    "(methods are case-sensitive) and matches no request",
		    tok, up);
	else
		found(l, LINT_METHOD_UNKNOWN, &id, 1, NULL, "unknown method "
		    "%s (not in RFC 9110, 5789 or 4918)", tok);
}

/* 1. Unknown and lower-case methods. */
static void
lint_methods(struct lint *l)
{
	const struct pol_rule	*r;
	const char		*m;
	char			 tok[REQ_METHOD_MAX + 1];
	size_t			 i;

	for (i = 0; i < l->pol->nrules; i++) {
		r = &l->pol->rules[i];
		if (strcmp(r->methods, "*") == 0)
			continue;
		for (m = r->methods; method_next(&m, tok); )
			method_check(l, r->id, tok);
	}
}

/* 2. HEAD granted to a principal without GET. */
static void
lint_head(struct lint *l)
{
	const struct pol_rule	*r;
	const struct lres	*x;
	size_t			 i;
	int64_t			 id;

	for (i = 0; i < l->pol->nrules; i++) {
		r = &l->pol->rules[i];
		if (l->ruleres[i] == NONE || strcmp(r->methods, "*") == 0 ||
		    !list_has(r->methods, "HEAD"))
			continue;
		x = &l->res[l->ruleres[i]];
		if (grant_of(l, x, "GET", r->principal, r->network, NONE,
		    NULL) != NONE)
			continue;
		id = r->id;
		found(l, LINT_HEAD_NO_GET, &id, 1, NULL, "HEAD without GET "
		    "for %s on %s: HEAD shows what GET would (status, size, "
		    "dates) while GET is refused", r->principal, x->name);
	}
}

/*
 * Whether rule j of x (not gone) grants only what x's other rules
 * still do: the rules that do, into by[] (*n of them).
 */
static int
shadowed(const struct lint *l, const struct lres *x, size_t j,
    int64_t *by, size_t bymax, size_t *n)
{
	const struct pol_rule	*b = &l->pol->rules[x->rules[j]];
	const char		*m = b->methods;
	char			 tok[REQ_METHOD_MAX + 1];
	size_t			 a;

	*n = 0;
	while (method_next(&m, tok)) {
		a = grant_of(l, x, tok, b->principal, b->network, x->rules[j],
		    l->gone);
		if (a == NONE)
			return 0;
		if (*n < bymax)
			by[(*n)++] = l->pol->rules[a].id;
	}
	return *n > 0;
}

/* 3. Shadowed rules, per resource, from the highest id down. */
static void
lint_shadowed(struct lint *l)
{
	const struct pol_rule	*b;
	const struct lres	*x;
	char			 by[1024];
	int64_t			 ids[POLICY_METHODS_MAX + 1], id;
	size_t			 i, j, n;

	for (i = 0; i < l->pol->nresources; i++) {
		x = &l->res[i];
		if (x->nrules < 2)
			continue;
		memset(l->gone, 0, x->nrules * sizeof(*l->gone));
		for (j = x->nrules; j-- > 0; ) {
			if (!shadowed(l, x, j, ids, nitems(ids), &n))
				continue;
			l->gone[j] = 1;
			b = &l->pol->rules[x->rules[j]];
			id = b->id;
			n = ids_sort(ids, n);
			found(l, LINT_SHADOWED, &id, 1, NULL, "shadowed by %s "
			    "(same resource %s, %s to %s)",
			    ids_str(by, sizeof(by), ids, n), x->name,
			    b->methods, b->principal);
		}
	}
}

/* 4. Roles granted to by rules that no user holds. */
static void
lint_roles(struct lint *l)
{
	const char	*role;
	size_t		 i, j, n;

	for (i = 0; i < l->pol->nroles; i++) {
		role = l->pol->roles[i].name;
		for (j = 0; j < l->pol->nmembers; j++)
			if (roles_holds(l->rg, l->pol->members[j].role, role))
				break;
		if (j < l->pol->nmembers)
			continue;
		for (n = j = 0; j < l->pol->nrules; j++)
			if (strcmp(l->pol->rules[j].principal, role) == 0)
				l->ids[n++] = l->pol->rules[j].id;
		if (n > 0)
			found(l, LINT_ROLE_UNHELD, l->ids, n, NULL, "role %s: "
			    "no user holds it%s, so %s nothing", role,
			    l->rg != NULL ? " (nor a role that includes it)" :
			    "", n == 1 ? "the rule grants" : "the rules grant");
	}
}

/* 5. Resources without rules. */
static void
lint_norules(struct lint *l)
{
	char	 pre[sizeof(l->res[0].name) + 16];
	size_t	 i;

	for (i = 0; i < l->pol->nresources; i++) {
		if (l->res[i].nrules > 0)
			continue;
		(void)snprintf(pre, sizeof(pre), "resource %s",
		    l->res[i].name);
		found(l, LINT_NO_RULES, NULL, 0, pre, "no rules, so every "
		    "request it decides is answered 405");
	}
}

/*
 * Judge the sample path so far: join it, see which resource decides
 * it for the target's host.
 */
static void
sample_try(const struct lint *l, struct sample *s)
{
	char	 path[PATTERN_MAX + 2 * LINT_SEGS_MAX + 2];
	size_t	 i, len = 0, n, w, k;

	if (s->nseg == 0 || s->reached || s->toomany)
		return;
	if (++s->tried > LINT_PATHS_MAX) {
		s->toomany = 1;
		return;
	}
	for (i = 0; i < s->nseg; i++) {
		n = strcspn(s->seg[i], "/");
		if (len + 1 + n >= sizeof(path)) {
			s->toomany = 1;
			return;
		}
		path[len++] = '/';
		memcpy(path + len, s->seg[i], n);
		len += n;
	}
	path[len] = '\0';
	w = winner(l, path, l->pol->resources[s->target].host);
	if (w == s->target) {
		s->reached = 1;
		return;
	}
	if (w == NONE)
		return;		/* cannot happen: the target matches */
	for (k = 0; k < s->nhiders; k++)
		if (s->hiders[k] == w)
			return;
	s->hiders[s->nhiders++] = w;
}

/*
 * Whether a resource before i that applies to host has the literal
 * seg[0..n) as its segment k (the class was tried already).
 */
static int
literal_seen(const struct lint *l, size_t i, size_t k, const char *seg,
    size_t n, const char *host)
{
	const struct pol_resource	*r;
	const char			*prev;
	size_t				 j, pn;

	for (j = 0; j < i; j++) {
		r = &l->pol->resources[j];
		if (policy_pattern_seg(r->pattern, k, &prev, &pn) &&
		    pn == n && memcmp(prev, seg, n) == 0 &&
		    policy_host_applies(r->host, host))
			return 1;
	}
	return 0;
}

/*
 * Call fn(l, s, k + 1) for each class of non-empty segment at position
 * k: a segment no pattern names first, then each literal that some
 * pattern (that can apply to the target's host) has at k.
 */
static void
sample_each(const struct lint *l, struct sample *s, size_t k,
    void (*fn)(const struct lint *, struct sample *, size_t))
{
	const struct pol_resource	*r;
	const char			*seg, *host;
	size_t				 i, n;

	host = l->pol->resources[s->target].host;
	if (s->nseg >= LINT_SEGS_MAX) {
		s->toomany = 1;
		return;
	}
	s->seg[s->nseg++] = FRESH;
	fn(l, s, k + 1);
	s->nseg--;
	for (i = 0; i < l->pol->nresources && !s->reached && !s->toomany;
	    i++) {
		r = &l->pol->resources[i];
		if (!policy_host_applies(r->host, host) ||
		    !policy_pattern_seg(r->pattern, k, &seg, &n) || n == 0 ||
		    policy_seg(seg, n) != POLSEG_LITERAL ||
		    literal_seen(l, i, k, seg, n, host))
			continue;
		s->seg[s->nseg++] = seg;
		fn(l, s, k + 1);
		s->nseg--;
	}
}

/*
 * The sample paths of the target's pattern from segment k on, the
 * first k already in s.
 */
static void
sample_gen(const struct lint *l, struct sample *s, size_t k)
{
	const char	*pat = l->pol->resources[s->target].pattern;
	const char	*seg = pat;
	size_t		 n = 0, total = policy_pattern_nseg(pat);
	int		 globstar;

	if (s->reached || s->toomany)
		return;
	n = pat_last(pat, &seg);
	globstar = policy_seg(seg, n) == POLSEG_GLOBSTAR;
	if (k < total - (globstar ? 1 : 0)) {
		(void)policy_pattern_seg(pat, k, &seg, &n);
		if (policy_seg(seg, n) != POLSEG_LITERAL)
			sample_each(l, s, k, sample_gen);
		else if (s->nseg >= LINT_SEGS_MAX)
			s->toomany = 1;
		else {
			s->seg[s->nseg++] = seg;
			sample_gen(l, s, k + 1);
			s->nseg--;
		}
		return;
	}
	/* "**": this many segments, or one more: a last empty one ... */
	sample_try(l, s);
	if (!globstar || s->nseg + 1 > l->maxseg ||
	    s->nseg >= LINT_SEGS_MAX)
		return;
	s->seg[s->nseg++] = "";
	sample_try(l, s);
	s->nseg--;
	/* ... or any other, and so on. */
	sample_each(l, s, k, sample_gen);
}

/* Report resource i, hidden by the resources in s->hiders. */
static void
hidden(struct lint *l, size_t i, const struct sample *s)
{
	char	 pre[sizeof(l->res[0].name) + 16];
	char	 list[8192];
	size_t	 j, k, len;

	/* Name the hiders in resource order. */
	list[0] = '\0';
	for (j = 0; j < l->pol->nresources; j++) {
		for (k = 0; k < s->nhiders && s->hiders[k] != j; k++)
			continue;
		if (k == s->nhiders)
			continue;
		len = strlen(list);
		(void)snprintf(list + len, sizeof(list) - len, "%s%s",
		    len == 0 ? "" : ", ", l->res[j].name);
	}
	if (l->res[i].nrules > 0) {
		found(l, LINT_NEVER_CHOSEN, l->ids, res_ids(l, &l->res[i]),
		    NULL, "resource %s is never chosen: %s %s more specific "
		    "wherever it matches", l->res[i].name, list,
		    s->nhiders == 1 ? "is" : "are");
		return;
	}
	(void)snprintf(pre, sizeof(pre), "resource %s", l->res[i].name);
	found(l, LINT_NEVER_CHOSEN, NULL, 0, pre, "never chosen: %s %s more "
	    "specific wherever it matches", list,
	    s->nhiders == 1 ? "is" : "are");
}

/* 6. Resources that are never chosen. */
static void
lint_hidden(struct lint *l)
{
	struct sample	 s;
	size_t		 i, n;

	l->maxseg = 0;
	for (i = 0; i < l->pol->nresources; i++)
		if ((n = policy_pattern_nseg(l->pol->resources[i].pattern)) >
		    l->maxseg)
			l->maxseg = n;
	l->maxseg++;
	for (i = 0; i < l->pol->nresources; i++) {
		memset(&s, 0, sizeof(s));
		s.target = i;
		s.hiders = l->hiders;
		sample_gen(l, &s, 0);
		if (!s.reached && !s.toomany && s.nhiders > 0)
			hidden(l, i, &s);
	}
}

/* 7a. A note per host that rules are bound to. */
static void
host_notes(struct lint *l)
{
	const struct pol_resource	*b;
	char				 pre[REQ_HOST_MAX + 8];
	size_t				 j, k;

	for (j = 0; j < l->pol->nresources; j++) {
		b = &l->pol->resources[j];
		if (b->host == NULL)
			continue;
		for (k = 0; k < j; k++)
			if (l->pol->resources[k].host != NULL &&
			    strcmp(l->pol->resources[k].host, b->host) == 0)
				break;
		if (k < j)
			continue;
		(void)snprintf(pre, sizeof(pre), "host %s", b->host);
		found(l, LINT_HOST_NOTE, NULL, 0, pre, "its rules protect only "
		    "if the server passes the virtual host it chose "
		    "(PORTCULLIS_HOST in its configuration); any other Host a "
		    "client sends gets the any-host rules");
	}
}

/*
 * The any-host resource that decides host-bound resource b's paths
 * for other hosts: the one with b's pattern, else the most specific
 * for a path of b's.  Return its index, or NONE.
 */
static size_t
fallback(const struct lint *l, const struct pol_resource *b)
{
	char	 path[PATTERN_MAX + 1];
	size_t	 i, w = NONE;

	for (i = 0; i < l->pol->nresources; i++)
		if (l->pol->resources[i].host == NULL &&
		    strcmp(l->pol->resources[i].pattern, b->pattern) == 0)
			w = i;
	if (w == NONE)
		w = winner(l, pat_sample(b->pattern, path, sizeof(path)),
		    NULL);
	return w;
}

/*
 * 7. Host-bound resources and what a request with another Host gets.
 * A host-bound resource decides only requests that name its host, and
 * that name is the virtual host the server passes (PORTCULLIS_HOST,
 * else the Host header): a note per host says so.  Then for each
 * host-bound resource b, the any-host resource a that decides b's
 * paths for every other host (fallback()): each grant of a that b
 * does not make is lost on b's host but reached with any other Host.
 */
static void
lint_hostbound(struct lint *l)
{
	const struct pol_resource	*a, *b;
	const struct pol_rule		*r;
	char				 lost[1024];
	size_t				 j, k, w;
	int64_t				 id;
	int				 same;

	host_notes(l);
	for (j = 0; j < l->pol->nresources; j++) {
		b = &l->pol->resources[j];
		if (b->host == NULL || (w = fallback(l, b)) == NONE)
			continue;
		a = &l->pol->resources[w];
		same = strcmp(a->pattern, b->pattern) == 0;
		for (k = 0; k < l->res[w].nrules; k++) {
			r = &l->pol->rules[l->res[w].rules[k]];
			if (*lost_grants(l, r, &l->res[j], lost,
			    sizeof(lost)) == '\0')
				continue;
			id = r->id;
			found(l, LINT_HOST_FALLBACK, &id, 1, NULL, "does not "
			    "apply%s%s on host %s, where resource %s decides: "
			    "%s to %s is not granted there, but a request with "
			    "any other Host gets it", same ? "" : " to ",
			    same ? "" : b->pattern, b->host, l->res[j].name,
			    lost, r->principal);
		}
	}
}

/* Whether resource c covers resource s (c applies on s's host). */
static int
res_covers(const struct pol_resource *c, const struct pol_resource *s)
{
	return policy_host_applies(c->host, s->host) &&
	    policy_pattern_covers(c->pattern, s->pattern);
}

/*
 * Whether catch-all i covers resource j, which grants nothing to all,
 * with no resource in between.
 */
static int
protected_under(const struct lint *l, size_t i, size_t j)
{
	const struct pol_resource	*c = &l->pol->resources[i];
	const struct pol_resource	*s = &l->pol->resources[j];
	size_t				 k;

	if (i == j || l->res[j].nrules == 0 ||
	    strcmp(c->pattern, s->pattern) == 0 || !res_covers(c, s))
		return 0;
	for (k = 0; k < l->res[j].nrules; k++)
		if (strcmp(l->pol->rules[l->res[j].rules[k]].principal,
		    "all") == 0)
			return 0;
	for (k = 0; k < l->pol->nresources; k++)
		if (k != i && k != j &&
		    res_covers(&l->pol->resources[k], s) &&
		    res_covers(c, &l->pol->resources[k]))
			return 0;
	return 1;
}

/*
 * What resource x grants to all, as a comma list into all ("*" among
 * them sets *star), its rules into l->ids.  Return how many rules.
 */
static size_t
all_grants(const struct lint *l, const struct lres *x, char *all,
    size_t allsz, int *star)
{
	const struct pol_rule	*r;
	const char		*m;
	char			 tok[REQ_METHOD_MAX + 1];
	size_t			 k, n = 0;

	*star = 0;
	all[0] = '\0';
	for (k = 0; k < x->nrules; k++) {
		r = &l->pol->rules[x->rules[k]];
		if (strcmp(r->principal, "all") != 0)
			continue;
		l->ids[n++] = r->id;
		if (strcmp(r->methods, "*") == 0)
			*star = 1;
		for (m = r->methods; method_next(&m, tok); )
			if (!list_has(all, tok))
				list_add(all, allsz, tok);
	}
	return n;
}

/* 8. "all" catch-alls over protected subtrees. */
static void
lint_catchall(struct lint *l)
{
	const struct lres	*s;
	const char		*m;
	char			 all[1024], lost[1024];
	char			 tok[REQ_METHOD_MAX + 1];
	size_t			 i, j, k, n;
	int			 star;

	for (i = 0; i < l->pol->nresources; i++)
		for (j = 0; j < l->pol->nresources; j++) {
			if (!protected_under(l, i, j) || (n = all_grants(l,
			    &l->res[i], all, sizeof(all), &star)) == 0)
				continue;
			s = &l->res[j];
			/* What of it s does not even name: 405 there. */
			lost[0] = '\0';
			if (star) {
				if (!names_method(l, s, "*"))
					(void)snprintf(lost, sizeof(lost),
					    "methods it does not name");
			} else
				for (m = all; method_next(&m, tok); )
					if (!names_method(l, s, tok))
						list_add(lost, sizeof(lost),
						    tok);
			for (k = 0; k < s->nrules; k++)
				l->ids[n++] = l->pol->rules[s->rules[k]].id;
			found(l, LINT_CATCHALL, l->ids, n, NULL, "%s overrides "
			    "%s (%s to all) where it matches: only its own "
			    "rules apply there%s%s%s", s->name,
			    l->res[i].name, all, *lost == '\0' ? "" : "; ",
			    lost, *lost == '\0' ? "" : ": 405");
		}
}

/*
 * What resources x and y grant differently, as "GET to all only at
 * /x/; PUT to editor only at /x" into buf: each grant of a rule of one
 * that the other does not make, named by where it is made (xat, yat).
 * The rules involved go into l->ids (*n of them).  Return buf ("" if
 * they grant alike).
 */
static const char *
grant_diff(const struct lint *l, size_t x, const char *xat, size_t y,
    const char *yat, char *buf, size_t bufsz, size_t *n)
{
	const struct pol_rule	*r;
	char			 lost[1024];
	size_t			 k, len, from, to, pass;
	const char		*at;

	buf[0] = '\0';
	*n = 0;
	for (pass = 0; pass < 2; pass++) {
		from = pass == 0 ? x : y;
		to = pass == 0 ? y : x;
		at = pass == 0 ? xat : yat;
		for (k = 0; k < l->res[from].nrules; k++) {
			r = &l->pol->rules[l->res[from].rules[k]];
			if (*lost_grants(l, r, &l->res[to], lost,
			    sizeof(lost)) == '\0')
				continue;
			l->ids[(*n)++] = r->id;
			len = strlen(buf);
			if (snprintf(buf + len, bufsz - len, "%s%s to %s only "
			    "at %s", len == 0 ? "" : "; ", lost, r->principal,
			    at) >= (int)(bufsz - len))
				break;		/* cut: enough to see */
		}
	}
	return buf;
}

/*
 * 9. Trailing slashes, for resource i.  A pattern that ends in a
 * literal or "*" does not match the same path with "/" appended:
 * another resource decides it (or none: 403), unless a resource
 * PATTERN/ or PATTERN/STARSTAR does.  When one does, the two must
 * grant alike: a server redirects /x to /x/ when /x is a directory
 * and serves its index there, so whatever either grants reaches the
 * same content.
 */
static void
slash_one(struct lint *l, size_t i)
{
	const char	*pat = l->pol->resources[i].pattern, *wpat;
	char		 path[PATTERN_MAX * 2 + 2];
	char		 want1[PATTERN_MAX + 2];
	char		 want2[PATTERN_MAX + 4];
	char		 diff[4096];
	size_t		 len, n, w;

	/* The pattern's own path with "/", each "*" a segment. */
	for (len = 0; pat[len] != '\0'; len++)
		path[len] = pat[len] == '*' ? FRESH[0] : pat[len];
	path[len++] = '/';
	path[len] = '\0';
	(void)snprintf(want1, sizeof(want1), "%s/", pat);
	(void)snprintf(want2, sizeof(want2), "%s/**", pat);
	w = winner(l, path, l->pol->resources[i].host);
	wpat = w == NONE ? "" : l->pol->resources[w].pattern;
	if (strcmp(wpat, want1) == 0 || strcmp(wpat, want2) == 0) {
		if (*grant_diff(l, i, pat, w, want1, diff, sizeof(diff),
		    &n) != '\0')
			found(l, LINT_SLASH_DIFFERS, l->ids, n, NULL,
			    "resource %s and %s, which decides %s, grant "
			    "differently (%s): a server redirects %s to %s "
			    "when it is a directory, and serves its index "
			    "there", l->res[i].name, l->res[w].name, want1,
			    diff, pat, want1);
	} else if (w == NONE)
		found(l, LINT_SLASH_ESCAPES, l->ids, res_ids(l, &l->res[i]),
		    NULL, "resource %s does not match %s, which no resource "
		    "matches (403)", l->res[i].name, want1);
	else
		found(l, LINT_SLASH_ESCAPES, l->ids, res_ids(l, &l->res[i]),
		    NULL, "resource %s does not match %s, which %s decides "
		    "instead", l->res[i].name, want1, l->res[w].name);
}

/* 9. Trailing slashes: each resource with rules not ending in "**". */
static void
lint_slash(struct lint *l)
{
	const char	*seg;
	size_t		 i, n;

	for (i = 0; i < l->pol->nresources; i++) {
		n = pat_last(l->pol->resources[i].pattern, &seg);
		if (l->res[i].nrules > 0 && n > 0 &&
		    policy_seg(seg, n) != POLSEG_GLOBSTAR)
			slash_one(l, i);
	}
}

/*
 * 9b. Directory index files, for resource i whose last segment is an
 * index name n bytes long.  A server answers GET /docs/ with
 * /docs/index.html; a resource for the index file that grants less
 * than the one deciding /docs/ protects it only when it is asked for
 * by name.  Compares with the resource that decides the directory
 * path (each "*" a fresh segment), on the same host.
 */
static void
dirindex_one(struct lint *l, size_t i, size_t n)
{
	const struct pol_resource	*x = &l->pol->resources[i];
	const struct pol_rule		*r;
	char				 dir[PATTERN_MAX + 1];
	char				 dirpat[PATTERN_MAX + 1];
	char				 diff[4096], lost[1024];
	size_t				 k, len, w;

	/* "/docs/" as a pattern and as a path. */
	(void)snprintf(dirpat, sizeof(dirpat), "%.*s",
	    (int)(strlen(x->pattern) - n), x->pattern);
	(void)pat_sample(dirpat, dir, sizeof(dir));
	if ((w = winner(l, dir, x->host)) == NONE)
		return;
	diff[0] = '\0';
	for (n = k = 0; k < l->res[w].nrules; k++) {
		r = &l->pol->rules[l->res[w].rules[k]];
		if (*lost_grants(l, r, &l->res[i], lost, sizeof(lost)) == '\0')
			continue;
		l->ids[n++] = r->id;
		len = strlen(diff);
		(void)snprintf(diff + len, sizeof(diff) - len, "%s%s to %s",
		    len == 0 ? "" : ", ", lost, r->principal);
	}
	if (n == 0)
		return;
	for (k = 0; k < l->res[i].nrules; k++)
		l->ids[n++] = l->pol->rules[l->res[i].rules[k]].id;
	found(l, LINT_INDEX_FILE, l->ids, n, NULL, "resource %s grants less "
	    "than %s, which decides %s: %s there reaches %s, which servers "
	    "serve for %s", l->res[i].name, l->res[w].name, dirpat, diff,
	    x->pattern, dirpat);
}

/* 9b. Directory index files: each resource for one, with rules. */
static void
lint_dirindex(struct lint *l)
{
	const char	*seg;
	size_t		 i, k, n;

	for (i = 0; i < l->pol->nresources; i++) {
		n = pat_last(l->pol->resources[i].pattern, &seg);
		if (l->res[i].nrules == 0)
			continue;
		for (k = 0; k < nitems(index_names); k++)
			if (strlen(index_names[k]) == n &&
			    strncmp(seg, index_names[k], n) == 0)
				break;
		if (k < nitems(index_names))
			dirindex_one(l, i, n);
	}
}

/*
 * 10. User u's hash, if the server cannot verify it, it is too costly,
 * or legacy.
 */
static void
user_hash(struct lint *l, const struct pol_user *u)
{
	const char	*name;
	char		 fmt[64], pre[NAME_MAX_LEN + 8], why[128];

	(void)snprintf(pre, sizeof(pre), "user %s", u->name);
	hash_format(u->hash, fmt, sizeof(fmt), &name);
	if (!pw_supported(u->hash)) {
		if (fmt[0] == '$' || fmt[0] == '{')
			found(l, LINT_HASH_UNSUPPORTED, NULL, 0, pre,
			    "unsupported hash %s%s%s%s, which never "
			    "verifies; set a new password", fmt,
			    name == NULL ? "" : " (", name == NULL ? "" : name,
			    name == NULL ? "" : ")");
		else
			found(l, LINT_HASH_UNSUPPORTED, NULL, 0, pre,
			    "unsupported hash (%s), which never verifies; set "
			    "a new password", fmt);
		return;
	}
	switch (pw_cost(u->hash, why, sizeof(why))) {
	case PW_TOOCOSTLY:
		found(l, LINT_HASH_COSTLY, NULL, 0, pre, "hash cost over the "
		    "cap: %s; the server refuses it without hashing (401): "
		    "set a new password", why);
		return;
	case PW_UNSUPPORTED:
		found(l, LINT_HASH_UNREADABLE, NULL, 0, pre, "unreadable %s "
		    "parameters, which never verify; set a new password", fmt);
		return;
	default:
		break;
	}
	if (strncmp(u->hash, "$argon2", 7) == 0)
		return;		/* libsodium's, not libxcrypt's */
#ifdef CRYPT_CHECKSALT_AVAILABLE
	if (crypt_checksalt(u->hash) != CRYPT_SALT_METHOD_LEGACY)
		return;
#else
	if (strncmp(u->hash, "$5$", 3) != 0)
		return;
#endif
	found(l, LINT_HASH_LEGACY, NULL, 0, pre, "legacy hash %s (%s); set a "
	    "new password", fmt, name == NULL ? "unknown" : name);
}

/* 10. Users' hashes. */
static void
lint_users(struct lint *l)
{
	size_t	 i;

	for (i = 0; i < l->pol->nusers; i++)
		if (l->pol->users[i].hash != NULL)
			user_hash(l, &l->pol->users[i]);
}

/* 11. The role hierarchy. */

/* How many rules grant to a role that holding role means holding. */
static size_t
role_grants(const struct lint *l, const char *role)
{
	size_t	 i, n = 0;

	for (i = 0; i < l->pol->nrules; i++)
		if (roles_holds(l->rg, role, l->pol->rules[i].principal))
			n++;
	return n;
}

/* An inclusion (r, inc) that another of r's implies. */
static void
include_implied(struct lint *l, const struct pol_include *x)
{
	const struct pol_include	*y;
	char				 subj[NAME_MAX_LEN + 8], chain[1024];
	size_t				 j;

	for (j = 0; j < l->pol->nincludes; j++) {
		y = &l->pol->includes[j];
		if (strcmp(y->role, x->role) != 0 ||
		    strcmp(y->includes, x->includes) == 0 ||
		    !roles_holds(l->rg, y->includes, x->includes) ||
		    roles_path(l->rg, y->includes, x->includes, chain,
		    sizeof(chain)) != 1)
			continue;
		(void)snprintf(subj, sizeof(subj), "role %s", x->role);
		found(l, LINT_INCLUDE_IMPLIED, NULL, 0, subj, "includes %s "
		    "directly and through %s (%s > %s): the direct inclusion "
		    "changes nothing (portcullis role exclude %s %s)",
		    x->includes, y->includes, x->role, chain, x->role,
		    x->includes);
		return;
	}
}

/* A role without rules that grants what one role it includes does. */
static void
role_nothing_new(struct lint *l, const char *role)
{
	const struct pol_include	*y;
	char				 subj[NAME_MAX_LEN + 8];
	size_t				 j, n;

	for (j = 0; j < l->pol->nrules; j++)
		if (strcmp(l->pol->rules[j].principal, role) == 0)
			return;
	n = role_grants(l, role);
	for (j = 0; j < l->pol->nincludes; j++) {
		y = &l->pol->includes[j];
		if (strcmp(y->role, role) != 0 ||
		    role_grants(l, y->includes) != n)
			continue;
		(void)snprintf(subj, sizeof(subj), "role %s", role);
		found(l, LINT_ROLE_NOTHING_NEW, NULL, 0, subj, "grants "
		    "nothing that %s does not: no rule names it, and what "
		    "else it includes adds no grant (grant %s instead)",
		    y->includes, y->includes);
		return;
	}
}

static void
lint_hierarchy(struct lint *l, const char *cycle)
{
	size_t	 i;

	if (cycle != NULL) {
		found(l, LINT_ROLE_CYCLE, NULL, 0, "role_includes", "%s: the "
		    "server answers 500 until it is mended", cycle);
		return;
	}
	if (l->rg == NULL)
		return;
	for (i = 0; i < l->pol->nincludes; i++)
		include_implied(l, &l->pol->includes[i]);
	for (i = 0; i < l->pol->nroles; i++)
		role_nothing_new(l, l->pol->roles[i].name);
}

/* The index of the resource rule r belongs to, or NONE. */
static size_t
rule_res(const struct policy *pol, const struct pol_rule *r)
{
	const struct pol_resource	*x;
	size_t				 j;

	for (j = 0; j < pol->nresources; j++) {
		x = &pol->resources[j];
		if (strcmp(x->pattern, r->pattern) == 0 &&
		    (x->host == NULL) == (r->host == NULL) &&
		    (x->host == NULL || strcmp(x->host, r->host) == 0))
			return j;
	}
	return NONE;
}

/*
 * Tie each rule to its resource, list each resource's rules (in id
 * order: the policy's) and allocate the scratch space.  Return 0, or
 * -1 out of memory.
 */
static int
lint_index(struct lint *l)
{
	const struct policy		*pol = l->pol;
	const struct pol_resource	*x;
	size_t				 i, j, at;

	if ((l->res = calloc(pol->nresources + 1, sizeof(*l->res))) == NULL ||
	    (l->ruleres = calloc(pol->nrules + 1, sizeof(size_t))) == NULL ||
	    (l->byres = calloc(pol->nrules + 1, sizeof(size_t))) == NULL ||
	    (l->ids = calloc(pol->nrules + 1, sizeof(int64_t))) == NULL ||
	    (l->gone = calloc(pol->nrules + 1, sizeof(int))) == NULL ||
	    (l->hiders = calloc(pol->nresources + 1, sizeof(size_t))) == NULL)
		return -1;
	for (i = 0; i < pol->nrules; i++)
		if ((l->ruleres[i] = rule_res(pol, &pol->rules[i])) != NONE)
			l->res[l->ruleres[i]].nrules++;
	for (at = j = 0; j < pol->nresources; j++) {
		x = &pol->resources[j];
		l->res[j].rules = l->byres + at;
		at += l->res[j].nrules;
		if (x->host == NULL)
			(void)snprintf(l->res[j].name, sizeof(l->res[j].name),
			    "%s", x->pattern);
		else
			(void)snprintf(l->res[j].name, sizeof(l->res[j].name),
			    "%s host %s", x->pattern, x->host);
		l->res[j].nrules = 0;
	}
	for (i = 0; i < pol->nrules; i++)
		if ((j = l->ruleres[i]) != NONE)
			l->res[j].rules[l->res[j].nrules++] = i;
	return 0;
}

/*
 * Run every check on pol, calling cb(arg, finding) for each finding
 * in order (the finding and its strings are valid during the call
 * only).  Returns the number of findings, notes not counted, or -1
 * out of memory (after reporting some findings, maybe not all).
 */
int
lint_run(const struct policy *pol,
    void (*cb)(void *, const struct lint_finding *), void *arg)
{
	struct lint	 l;
	char		 cycle[512];
	int		 ret = -1;

	memset(&l, 0, sizeof(l));
	l.pol = pol;
	l.cb = cb;
	l.arg = arg;
	if (lint_index(&l) == -1)
		goto out;
	/*
	 * The hierarchy: a cycle or a bound is check 11's finding, not
	 * an error (the server refuses the policy, lint says why).
	 */
	cycle[0] = '\0';
	if (adm_role_graph(pol, &l.rg, cycle, sizeof(cycle)) == -1 &&
	    strstr(cycle, "out of memory") != NULL)
		goto out;
	lint_methods(&l);
	lint_head(&l);
	lint_shadowed(&l);
	lint_roles(&l);
	lint_norules(&l);
	lint_hidden(&l);
	lint_hostbound(&l);
	lint_catchall(&l);
	lint_slash(&l);
	lint_dirindex(&l);
	lint_users(&l);
	/* 11-14 (sql/0009-networks.sql): lintnet.c. */
	if (lint_networks(pol, cb, arg, &l.nfound) == -1)
		l.oom = 1;
	lint_hierarchy(&l, *cycle != '\0' ? cycle : NULL);
	if (!l.oom)
		ret = l.nfound > INT_MAX ? INT_MAX : (int)l.nfound;
out:
	roles_free(l.rg);
	free(l.hiders);
	free(l.gone);
	free(l.ids);
	free(l.byres);
	free(l.ruleres);
	free(l.res);
	return ret;
}
