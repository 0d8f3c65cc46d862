/*
 * adm_lint.c: `portcullis lint`, the rule set's mistakes that the
 * schema cannot refuse.  One finding per line on standard output,
 * prefixed with the rules involved ("rule 4:", "rules 2,5:") or with
 * what else it is about ("resource /x:", "user bob:"); exit 1 if there
 * is any, 0 if none, 2 on an error.  Lines starting "note:" say what
 * the rule set needs from the server and count as no finding.
 *
 * The checks, in the order they print (README, "Decision semantics",
 * is what they reason with; policy.c's policy_match(), policy_cmp()
 * and policy_methods_has() do the matching):
 *
 *  1. methods: a method token that is not a standard or WebDAV one,
 *     or one in lower case ("get"): methods are case-sensitive.
 *  2. HEAD without GET for a principal on a resource.
 *  3. shadowed rules: a rule whose every (method, principal) grant
 *     other rules of the same resource already make ("all" covers
 *     "valid-user" covers every role; "*" covers every method; GET
 *     covers HEAD).  Rules are taken from the highest id down and
 *     each one reported counts as gone, so deleting every reported
 *     rule changes no decision; of two duplicates the later is
 *     reported.  Grants of several rules together count, but only
 *     "*" covers "*".
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
 *     (PORTCULLIS_HOST; notes do not change the exit status); and the
 *     any-host resource that decides a host-bound one's paths for
 *     every other host (the one with its pattern, else the most
 *     specific): its grants that the host-bound one does not make are
 *     lost on that host, and reached with any other Host.
 *  8. "all" catch-alls over protected subtrees: a resource granting
 *     to "all" covers (matches every path of) a more specific one
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
 */
#include "config.h"

#include <crypt.h>
#include <inttypes.h>
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

/* Methods of RFC 9110 §9, PATCH (RFC 5789) and WebDAV (RFC 4918). */
static const char *const known_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
	"TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE",
	"LOCK", "UNLOCK",
};

/* A resource and its rules (indices into the policy's, id order). */
struct lres {
	const struct pol_resource	*r;
	size_t				*rules;
	size_t				 nrules;
	char				 name[PATTERN_MAX + REQ_HOST_MAX + 8];
};

struct lint {
	struct policy	 pol;
	struct lres	*res;
	size_t		*ruleres;	/* per rule: its resource, or NONE */
	size_t		 maxseg;	/* longest pattern's segments + 1 */
	size_t		 nfound;
	int		 oom;
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

/* Print one finding: prefix, ": ", the message. */
static void
found(struct lint *l, const char *prefix, const char *fmt, ...)
{
	va_list	 ap;

	printf("%s: ", prefix);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	l->nfound++;
}

/*
 * "rule 4" or "rules 2,5" of the n ids (sorted here, duplicates
 * dropped) into buf.
 */
static const char *
ids_str(char *buf, size_t bufsz, int64_t *ids, size_t n)
{
	size_t	 i, j, len;
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
	n = j;
	(void)snprintf(buf, bufsz, "%s", n == 1 ? "rule " : "rules ");
	for (i = 0; i < n; i++) {
		len = strlen(buf);
		(void)snprintf(buf + len, bufsz - len, "%s%" PRId64,
		    i == 0 ? "" : ",", ids[i]);
	}
	return buf;
}

/* Whether principal a is granted whatever b is ("all" > "valid-user"). */
static int
princ_covers(const char *a, const char *b)
{
	if (strcmp(a, "all") == 0 || strcmp(a, b) == 0)
		return 1;
	return strcmp(a, "valid-user") == 0 && strcmp(b, "all") != 0;
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

/*
 * Whether resource x grants method m (a token, or "*" for a grant of
 * every method) to principal p through a rule other than skip (an
 * index, or NONE) and not in gone[].  Return the rule's index, or
 * NONE.
 */
static size_t
grant_of(const struct lint *l, const struct lres *x, const char *m,
    const char *p, size_t skip, const int *gone)
{
	const struct pol_rule	*r;
	size_t			 i;

	for (i = 0; i < x->nrules; i++) {
		if (x->rules[i] == skip || (gone != NULL && gone[i]))
			continue;
		r = &l->pol.rules[x->rules[i]];
		if (!princ_covers(r->principal, p))
			continue;
		if (strcmp(m, "*") == 0 ? strcmp(r->methods, "*") == 0 :
		    policy_methods_has(r->methods, m))
			return x->rules[i];
	}
	return NONE;
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

/* Whether some rule of x names method m ("*": names "*"). */
static int
names_method(const struct lint *l, const struct lres *x, const char *m)
{
	size_t	 i;

	for (i = 0; i < x->nrules; i++)
		if (strcmp(m, "*") == 0 ?
		    strcmp(l->pol.rules[x->rules[i]].methods, "*") == 0 :
		    policy_methods_has(l->pol.rules[x->rules[i]].methods, m))
			return 1;
	return 0;
}

/* 1. Unknown and lower-case methods. */
static void
lint_methods(struct lint *l)
{
	const struct pol_rule	*r;
	const char		*m;
	char			 tok[REQ_METHOD_MAX + 1];
	char			 up[REQ_METHOD_MAX + 1];
	char			 pre[32];
	size_t			 i, j, k;
	int64_t			 id;

	for (i = 0; i < l->pol.nrules; i++) {
		r = &l->pol.rules[i];
		if (strcmp(r->methods, "*") == 0)
			continue;
		id = r->id;
		ids_str(pre, sizeof(pre), &id, 1);
		for (m = r->methods; method_next(&m, tok); ) {
			for (j = 0; j < nitems(known_methods); j++)
				if (strcmp(tok, known_methods[j]) == 0)
					break;
			if (j < nitems(known_methods))
				continue;
			for (k = 0; tok[k] != '\0'; k++)
				up[k] = tok[k] >= 'a' && tok[k] <= 'z' ?
				    tok[k] - 'a' + 'A' : tok[k];
			up[k] = '\0';
			for (j = 0; j < nitems(known_methods); j++)
				if (strcmp(up, known_methods[j]) == 0)
					break;
			if (j < nitems(known_methods))
				found(l, pre, "method %s is not %s (methods "
				    "are case-sensitive) and matches no "
				    "request", tok, up);
			else
				found(l, pre, "unknown method %s (not in RFC "
				    "9110, 5789 or 4918)", tok);
		}
	}
}

/* 2. HEAD granted to a principal without GET. */
static void
lint_head(struct lint *l)
{
	const struct pol_rule	*r;
	const struct lres	*x;
	const char		*m;
	char			 tok[REQ_METHOD_MAX + 1], pre[32];
	size_t			 i;
	int64_t			 id;
	int			 head;

	for (i = 0; i < l->pol.nrules; i++) {
		r = &l->pol.rules[i];
		if (l->ruleres[i] == NONE || strcmp(r->methods, "*") == 0)
			continue;
		for (head = 0, m = r->methods; method_next(&m, tok); )
			if (strcmp(tok, "HEAD") == 0)
				head = 1;
		x = &l->res[l->ruleres[i]];
		if (!head || grant_of(l, x, "GET", r->principal, NONE,
		    NULL) != NONE)
			continue;
		id = r->id;
		found(l, ids_str(pre, sizeof(pre), &id, 1), "HEAD without GET "
		    "for %s on %s: HEAD shows what GET would (status, size, "
		    "dates) while GET is refused", r->principal, x->name);
	}
}

/* 3. Shadowed rules, per resource, from the highest id down. */
static void
lint_shadowed(struct lint *l)
{
	const struct pol_rule	*b;
	struct lres		*x;
	const char		*m;
	char			 tok[REQ_METHOD_MAX + 1], pre[32];
	char			 by[1024];
	int64_t			 ids[POLICY_METHODS_MAX + 1], id;
	size_t			 i, j, n, a;
	int			*gone, ok;

	for (i = 0; i < l->pol.nresources; i++) {
		x = &l->res[i];
		if (x->nrules < 2)
			continue;
		if ((gone = calloc(x->nrules, sizeof(*gone))) == NULL) {
			l->oom = 1;
			return;
		}
		for (j = x->nrules; j-- > 0; ) {
			b = &l->pol.rules[x->rules[j]];
			n = 0;
			ok = 1;
			if (strcmp(b->methods, "*") == 0) {
				a = grant_of(l, x, "*", b->principal,
				    x->rules[j], gone);
				if ((ok = a != NONE))
					ids[n++] = l->pol.rules[a].id;
			} else
				for (m = b->methods; ok &&
				    method_next(&m, tok); ) {
					a = grant_of(l, x, tok, b->principal,
					    x->rules[j], gone);
					if ((ok = a != NONE) &&
					    n < nitems(ids))
						ids[n++] = l->pol.rules[a].id;
				}
			if (!ok || n == 0)
				continue;
			gone[j] = 1;
			ids_str(by, sizeof(by), ids, n);
			id = b->id;
			found(l, ids_str(pre, sizeof(pre), &id, 1),
			    "shadowed by %s (same resource %s, %s to %s)",
			    by, x->name, b->methods, b->principal);
		}
		free(gone);
	}
}

/* 4. Roles granted to by rules that no user holds. */
static void
lint_roles(struct lint *l)
{
	const char	*role;
	char		 pre[4096];
	int64_t		*ids;
	size_t		 i, j, n;

	if (l->pol.nrules == 0)
		return;
	if ((ids = calloc(l->pol.nrules, sizeof(*ids))) == NULL) {
		l->oom = 1;
		return;
	}
	for (i = 0; i < l->pol.nroles; i++) {
		role = l->pol.roles[i].name;
		for (j = 0; j < l->pol.nmembers; j++)
			if (strcmp(l->pol.members[j].role, role) == 0)
				break;
		if (j < l->pol.nmembers)
			continue;
		for (n = j = 0; j < l->pol.nrules; j++)
			if (strcmp(l->pol.rules[j].principal, role) == 0)
				ids[n++] = l->pol.rules[j].id;
		if (n > 0)
			found(l, ids_str(pre, sizeof(pre), ids, n),
			    "role %s: no user holds it, so %s nothing",
			    role, n == 1 ? "the rule grants" :
			    "the rules grant");
	}
	free(ids);
}

/* 5. Resources without rules. */
static void
lint_norules(struct lint *l)
{
	char	 pre[sizeof(l->res[0].name) + 16];
	size_t	 i;

	for (i = 0; i < l->pol.nresources; i++) {
		if (l->res[i].nrules > 0)
			continue;
		(void)snprintf(pre, sizeof(pre), "resource %s",
		    l->res[i].name);
		found(l, pre, "no rules, so every request it decides is "
		    "answered 405");
	}
}

/*
 * The resource that decides path for host (NULL: a host no resource
 * is bound to), as decide.c chooses it: the most specific match by
 * policy_cmp().  Return its index, or NONE.
 */
static size_t
winner(const struct lint *l, const char *path, const char *host)
{
	const struct pol_resource	*r, *b = NULL;
	size_t				 i, w = NONE;

	for (i = 0; i < l->pol.nresources; i++) {
		r = &l->pol.resources[i];
		if (r->host != NULL && (host == NULL ||
		    strcmp(r->host, host) != 0))
			continue;
		if (!policy_match(r->pattern, path))
			continue;
		if (b != NULL && policy_cmp(r->pattern, r->host != NULL,
		    b->pattern, b->host != NULL) <= 0)
			continue;
		b = r;
		w = i;
	}
	return w;
}

/*
 * Segment k (0-based) of pattern into *seg and *n.  Return 1, or 0 if
 * the pattern has fewer segments.
 */
static int
pat_seg(const char *pat, size_t k, const char **seg, size_t *n)
{
	const char	*p = pat + 1;

	for (; k > 0; k--) {
		if ((p = strchr(p, '/')) == NULL)
			return 0;
		p++;
	}
	*seg = p;
	*n = strcspn(p, "/");
	return 1;
}

static size_t
pat_nseg(const char *pat)
{
	size_t	 n = 1;

	for (pat++; *pat != '\0'; pat++)
		n += *pat == '/';
	return n;
}

/* Whether a segment is a literal (not "*" or "**"). */
static int
seg_literal(const char *s, size_t n)
{
	return !((n == 1 && s[0] == '*') ||
	    (n == 2 && s[0] == '*' && s[1] == '*'));
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
	w = winner(l, path, l->pol.resources[s->target].host);
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
 * Call fn(l, s, seg) for each class of non-empty segment at position
 * k: a segment no pattern names first, then each literal that some
 * pattern (that can apply to the target's host) has at k.
 */
static void
sample_each(const struct lint *l, struct sample *s, size_t k,
    void (*fn)(const struct lint *, struct sample *, size_t))
{
	const struct pol_resource	*r;
	const char			*seg, *prev, *host;
	size_t				 i, j, n, pn;

	host = l->pol.resources[s->target].host;
	if (s->nseg >= LINT_SEGS_MAX) {
		s->toomany = 1;
		return;
	}
	s->seg[s->nseg++] = FRESH;
	fn(l, s, k + 1);
	s->nseg--;
	for (i = 0; i < l->pol.nresources && !s->reached && !s->toomany;
	    i++) {
		r = &l->pol.resources[i];
		if (r->host != NULL && (host == NULL ||
		    strcmp(r->host, host) != 0))
			continue;
		if (!pat_seg(r->pattern, k, &seg, &n) || n == 0 ||
		    !seg_literal(seg, n))
			continue;
		/* Once per literal: skip it if an earlier pattern had it. */
		for (j = 0; j < i; j++)
			if (pat_seg(l->pol.resources[j].pattern, k, &prev,
			    &pn) && pn == n && memcmp(prev, seg, n) == 0 &&
			    (l->pol.resources[j].host == NULL ||
			    (host != NULL &&
			    strcmp(l->pol.resources[j].host, host) == 0)))
				break;
		if (j < i)
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
	const char	*pat = l->pol.resources[s->target].pattern;
	const char	*seg = pat;
	size_t		 n = 0, total = pat_nseg(pat);
	int		 globstar;

	if (s->reached || s->toomany)
		return;
	(void)pat_seg(pat, total - 1, &seg, &n);
	globstar = !seg_literal(seg, n) && n == 2;
	if (k < total - (globstar ? 1 : 0)) {
		(void)pat_seg(pat, k, &seg, &n);
		if (seg_literal(seg, n)) {
			if (s->nseg >= LINT_SEGS_MAX) {
				s->toomany = 1;
				return;
			}
			s->seg[s->nseg++] = seg;
			sample_gen(l, s, k + 1);
			s->nseg--;
		} else
			sample_each(l, s, k, sample_gen);
		return;
	}
	if (!globstar) {
		sample_try(l, s);
		return;
	}
	/* "**": this many segments, or one more: a last empty one ... */
	sample_try(l, s);
	if (s->nseg + 1 > l->maxseg || s->nseg >= LINT_SEGS_MAX)
		return;
	s->seg[s->nseg++] = "";
	sample_try(l, s);
	s->nseg--;
	/* ... or any other, and so on. */
	sample_each(l, s, k, sample_gen);
}

/* 6. Resources that are never chosen. */
static void
lint_hidden(struct lint *l)
{
	struct sample	 s;
	char		 pre[PATTERN_MAX + REQ_HOST_MAX + 4096];
	char		 list[8192];
	int64_t		*ids;
	size_t		 i, j, len;

	l->maxseg = 0;
	for (i = 0; i < l->pol.nresources; i++)
		if (pat_nseg(l->pol.resources[i].pattern) > l->maxseg)
			l->maxseg = pat_nseg(l->pol.resources[i].pattern);
	l->maxseg++;
	for (i = 0; i < l->pol.nresources; i++) {
		memset(&s, 0, sizeof(s));
		s.target = i;
		if ((s.hiders = calloc(l->pol.nresources,
		    sizeof(*s.hiders))) == NULL) {
			l->oom = 1;
			return;
		}
		sample_gen(l, &s, 0);
		if (s.reached || s.toomany || s.nhiders == 0) {
			free(s.hiders);
			continue;
		}
		/* Name the hiders in resource order. */
		list[0] = '\0';
		for (j = 0; j < l->pol.nresources; j++) {
			size_t k;

			for (k = 0; k < s.nhiders && s.hiders[k] != j; k++)
				continue;
			if (k == s.nhiders)
				continue;
			len = strlen(list);
			(void)snprintf(list + len, sizeof(list) - len, "%s%s",
			    len == 0 ? "" : ", ", l->res[j].name);
		}
		if (l->res[i].nrules > 0 && (ids = calloc(l->res[i].nrules,
		    sizeof(*ids))) != NULL) {
			for (j = 0; j < l->res[i].nrules; j++)
				ids[j] = l->pol.rules[l->res[i].rules[j]].id;
			ids_str(pre, sizeof(pre), ids, l->res[i].nrules);
			free(ids);
			found(l, pre, "resource %s is never chosen: %s %s "
			    "more specific wherever it matches",
			    l->res[i].name, list,
			    s.nhiders == 1 ? "is" : "are");
		} else if (l->res[i].nrules > 0)
			l->oom = 1;
		else {
			(void)snprintf(pre, sizeof(pre), "resource %s",
			    l->res[i].name);
			found(l, pre, "never chosen: %s %s more specific "
			    "wherever it matches", list,
			    s.nhiders == 1 ? "is" : "are");
		}
		free(s.hiders);
	}
}

/*
 * The methods of rule r (of resource a) that resource b does not grant
 * to r's principal, as a comma list into buf ("" if none).
 */
static const char *
lost_grants(const struct lint *l, const struct pol_rule *r,
    const struct lres *b, char *buf, size_t bufsz)
{
	const char	*m;
	char		 tok[REQ_METHOD_MAX + 1];
	size_t		 len;

	buf[0] = '\0';
	if (strcmp(r->methods, "*") == 0) {
		if (grant_of(l, b, "*", r->principal, NONE, NULL) == NONE)
			(void)snprintf(buf, bufsz, "*");
		return buf;
	}
	for (m = r->methods; method_next(&m, tok); ) {
		if (grant_of(l, b, tok, r->principal, NONE, NULL) != NONE)
			continue;
		len = strlen(buf);
		(void)snprintf(buf + len, bufsz - len, "%s%s",
		    len == 0 ? "" : ",", tok);
	}
	return buf;
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

/*
 * 7. Host-bound resources and what a request with another Host gets.
 * A host-bound resource decides only requests that name its host, and
 * that name is the virtual host the server passes (PORTCULLIS_HOST,
 * else the Host header): a note per host says so.  Then for each
 * host-bound resource b, the any-host resource a that decides b's
 * paths for every other host (one of b's pattern if there is one,
 * else the most specific for a path of b's): each grant of a that b
 * does not make is lost on b's host but reached with any other Host.
 */
static void
lint_hostbound(struct lint *l)
{
	const struct pol_resource	*a, *b;
	const struct pol_rule		*r;
	char				 lost[1024], pre[32];
	char				 path[PATTERN_MAX + 1];
	size_t				 i, j, k, w;
	int64_t				 id;
	int				 same;

	for (j = 0; j < l->pol.nresources; j++) {
		b = &l->pol.resources[j];
		if (b->host == NULL)
			continue;
		for (k = 0; k < j; k++)
			if (l->pol.resources[k].host != NULL &&
			    strcmp(l->pol.resources[k].host, b->host) == 0)
				break;
		if (k == j)
			printf("note: host %s: its rules protect only if the "
			    "server passes the virtual host it chose "
			    "(PORTCULLIS_HOST in its configuration); any other "
			    "Host a client sends gets the any-host rules\n",
			    b->host);
	}
	for (j = 0; j < l->pol.nresources; j++) {
		b = &l->pol.resources[j];
		if (b->host == NULL)
			continue;
		for (w = NONE, i = 0; i < l->pol.nresources; i++)
			if (l->pol.resources[i].host == NULL &&
			    strcmp(l->pol.resources[i].pattern,
			    b->pattern) == 0)
				w = i;
		if (w == NONE)
			w = winner(l, pat_sample(b->pattern, path,
			    sizeof(path)), NULL);
		if (w == NONE)
			continue;
		a = &l->pol.resources[w];
		for (k = 0; k < l->res[w].nrules; k++) {
			r = &l->pol.rules[l->res[w].rules[k]];
			if (*lost_grants(l, r, &l->res[j], lost,
			    sizeof(lost)) == '\0')
				continue;
			id = r->id;
			same = strcmp(a->pattern, b->pattern) == 0;
			found(l, ids_str(pre, sizeof(pre), &id, 1),
			    "does not apply%s%s on host %s, where resource "
			    "%s decides: %s to %s is not granted there, but "
			    "a request with any other Host gets it",
			    same ? "" : " to ", same ? "" : b->pattern,
			    b->host, l->res[j].name, lost, r->principal);
		}
	}
}

/*
 * Whether pattern c matches every path pattern s matches.
 */
static int
pat_covers(const char *c, const char *s)
{
	size_t	 cn, sn;

	for (c++, s++; ; c += cn + 1, s += sn + 1) {
		cn = strcspn(c, "/");
		sn = strcspn(s, "/");
		if (cn == 2 && !seg_literal(c, cn))
			return 1;		/* "**": any rest */
		if (!seg_literal(s, sn) && sn == 2)
			return 0;		/* s: any rest, c not */
		if (!seg_literal(c, cn)) {	/* "*": non-empty */
			if (sn == 0)
				return 0;
		} else if (!seg_literal(s, sn) || cn != sn ||
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

/* Whether resource x can decide requests for the host of resource t. */
static int
applies(const struct pol_resource *x, const struct pol_resource *t)
{
	return x->host == NULL ||
	    (t->host != NULL && strcmp(x->host, t->host) == 0);
}

/* Whether resource c covers resource s (c applies on s's host). */
static int
res_covers(const struct pol_resource *c, const struct pol_resource *s)
{
	return applies(c, s) && pat_covers(c->pattern, s->pattern);
}

/* 8. "all" catch-alls over protected subtrees. */
static void
lint_catchall(struct lint *l)
{
	const struct pol_resource	*c, *s;
	const struct pol_rule		*r;
	const char			*m;
	char				 all[1024], lost[1024];
	char				 tok[REQ_METHOD_MAX + 1], pre[4096];
	int64_t				*ids;
	size_t				 i, j, k, n, len;
	int				 star, prot;

	if ((ids = calloc(l->pol.nrules + 1, sizeof(*ids))) == NULL) {
		l->oom = 1;
		return;
	}
	for (i = 0; i < l->pol.nresources; i++) {
		c = &l->pol.resources[i];
		for (j = 0; j < l->pol.nresources; j++) {
			s = &l->pol.resources[j];
			if (i == j || l->res[j].nrules == 0 ||
			    strcmp(c->pattern, s->pattern) == 0 ||
			    !res_covers(c, s))
				continue;
			/* s grants nothing to all ... */
			for (prot = 1, k = 0; k < l->res[j].nrules; k++)
				if (strcmp(l->pol.rules[l->res[j].rules[k]].
				    principal, "all") == 0)
					prot = 0;
			/* ... and nothing lies between c and s. */
			for (k = 0; prot && k < l->pol.nresources; k++)
				if (k != i && k != j &&
				    res_covers(&l->pol.resources[k], s) &&
				    res_covers(c, &l->pol.resources[k]))
					prot = 0;
			if (!prot)
				continue;
			/* What c grants to all, by which rules. */
			n = 0;
			star = 0;
			all[0] = '\0';
			for (k = 0; k < l->res[i].nrules; k++) {
				r = &l->pol.rules[l->res[i].rules[k]];
				if (strcmp(r->principal, "all") != 0)
					continue;
				ids[n++] = r->id;
				if (strcmp(r->methods, "*") == 0)
					star = 1;
				for (m = r->methods; method_next(&m, tok); ) {
					if (list_has(all, tok))
						continue;
					len = strlen(all);
					(void)snprintf(all + len,
					    sizeof(all) - len, "%s%s",
					    len == 0 ? "" : ",", tok);
				}
			}
			if (n == 0)
				continue;
			/* What of it s does not even name: 405 there. */
			lost[0] = '\0';
			if (star) {
				if (!names_method(l, &l->res[j], "*"))
					(void)snprintf(lost, sizeof(lost),
					    "methods it does not name");
			} else
				for (m = all; method_next(&m, tok); ) {
					if (names_method(l, &l->res[j], tok))
						continue;
					len = strlen(lost);
					(void)snprintf(lost + len,
					    sizeof(lost) - len, "%s%s",
					    len == 0 ? "" : ",", tok);
				}
			for (k = 0; k < l->res[j].nrules; k++)
				ids[n++] = l->pol.rules[l->res[j].rules[k]].id;
			ids_str(pre, sizeof(pre), ids, n);
			found(l, pre, "%s overrides %s (%s to all) where it "
			    "matches: only its own rules apply there%s%s%s",
			    l->res[j].name, l->res[i].name, all,
			    *lost == '\0' ? "" : "; ", lost,
			    *lost == '\0' ? "" : ": 405");
		}
	}
	free(ids);
}

/*
 * What resources x and y grant differently, as "GET to all only at
 * /x/; PUT to editor only at /x" into buf: each grant of a rule of one
 * that the other does not make, named by where it is made (xat, yat).
 * The rules involved are added to ids (n of them).  Return buf ("" if
 * they grant alike).
 */
static const char *
grant_diff(const struct lint *l, size_t x, const char *xat, size_t y,
    const char *yat, char *buf, size_t bufsz, int64_t *ids, size_t *n)
{
	const struct pol_rule	*r;
	char			 lost[1024];
	size_t			 k, len, from, to, pass;
	const char		*at;

	buf[0] = '\0';
	for (pass = 0; pass < 2; pass++) {
		from = pass == 0 ? x : y;
		to = pass == 0 ? y : x;
		at = pass == 0 ? xat : yat;
		for (k = 0; k < l->res[from].nrules; k++) {
			r = &l->pol.rules[l->res[from].rules[k]];
			if (*lost_grants(l, r, &l->res[to], lost,
			    sizeof(lost)) == '\0')
				continue;
			ids[(*n)++] = r->id;
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
 * 9. Trailing slashes.  A resource whose pattern ends in a literal or
 * "*" does not match the same path with "/" appended: another
 * resource decides it (or none: 403), unless a resource PATTERN/ or
 * PATTERN/STARSTAR does.  When one does, the two must grant alike: a
 * server redirects /x to /x/ when /x is a directory and serves its
 * index there, so whatever either grants reaches the same content.
 */
static void
lint_slash(struct lint *l)
{
	const struct pol_resource	*x;
	const char			*seg = NULL;
	char				 path[PATTERN_MAX * 2 + 2];
	char				 want1[PATTERN_MAX + 2];
	char				 want2[PATTERN_MAX + 4];
	char				 pre[4096], diff[4096];
	int64_t				*ids;
	size_t				 i, j, n = 0, len, w;

	for (i = 0; i < l->pol.nresources; i++) {
		x = &l->pol.resources[i];
		(void)pat_seg(x->pattern, pat_nseg(x->pattern) - 1, &seg, &n);
		if (l->res[i].nrules == 0 || n == 0 ||
		    (n == 2 && !seg_literal(seg, n)))
			continue;
		/* The pattern's own path with "/", each "*" a segment. */
		for (len = 0, seg = x->pattern; *seg != '\0'; seg++) {
			if (*seg == '*') {
				path[len++] = FRESH[0];
				continue;
			}
			path[len++] = *seg;
		}
		path[len++] = '/';
		path[len] = '\0';
		(void)snprintf(want1, sizeof(want1), "%s/", x->pattern);
		(void)snprintf(want2, sizeof(want2), "%s/**", x->pattern);
		w = winner(l, path, x->host);
		if ((ids = calloc(l->pol.nrules + 1, sizeof(*ids))) == NULL) {
			l->oom = 1;
			return;
		}
		if (w != NONE && (strcmp(l->pol.resources[w].pattern,
		    want1) == 0 || strcmp(l->pol.resources[w].pattern,
		    want2) == 0)) {
			n = 0;
			if (*grant_diff(l, i, x->pattern, w, want1, diff,
			    sizeof(diff), ids, &n) != '\0')
				found(l, ids_str(pre, sizeof(pre), ids, n),
				    "resource %s and %s, which decides %s, "
				    "grant differently (%s): a server "
				    "redirects %s to %s when it is a "
				    "directory, and serves its index there",
				    l->res[i].name, l->res[w].name, want1,
				    diff, x->pattern, want1);
			free(ids);
			continue;
		}
		for (j = 0; j < l->res[i].nrules; j++)
			ids[j] = l->pol.rules[l->res[i].rules[j]].id;
		ids_str(pre, sizeof(pre), ids, l->res[i].nrules);
		free(ids);
		if (w == NONE)
			found(l, pre, "resource %s does not match %s, which "
			    "no resource matches (403)", l->res[i].name,
			    want1);
		else
			found(l, pre, "resource %s does not match %s, which "
			    "%s decides instead", l->res[i].name, want1,
			    l->res[w].name);
	}
}

/*
 * The names a server answers a directory with (nginx and Apache:
 * index.html; lighttpd's index-file.names adds the others).
 */
static const char *const index_names[] = {
	"index.html", "index.htm", "index.php", "default.htm",
};

/*
 * 9b. Directory index files.  A server answers GET /docs/ with
 * /docs/index.html; a resource for the index file that grants less
 * than the one deciding /docs/ protects it only when it is asked for
 * by name.  Compares with the resource that decides the directory
 * path (each "*" a fresh segment), on the same host.
 */
static void
lint_dirindex(struct lint *l)
{
	const struct pol_resource	*x;
	const struct pol_rule		*r;
	const char			*seg = NULL;
	char				 dir[PATTERN_MAX + 1];
	char				 dirpat[PATTERN_MAX + 1];
	char				 pre[4096], diff[4096], lost[1024];
	int64_t				*ids;
	size_t				 i, k, n = 0, len, w;

	for (i = 0; i < l->pol.nresources; i++) {
		x = &l->pol.resources[i];
		(void)pat_seg(x->pattern, pat_nseg(x->pattern) - 1, &seg, &n);
		if (l->res[i].nrules == 0)
			continue;
		for (k = 0; k < nitems(index_names); k++)
			if (strlen(index_names[k]) == n &&
			    strncmp(seg, index_names[k], n) == 0)
				break;
		if (k == nitems(index_names))
			continue;
		/* "/docs/" as a pattern and as a path. */
		(void)snprintf(dirpat, sizeof(dirpat), "%.*s",
		    (int)(strlen(x->pattern) - n), x->pattern);
		(void)pat_sample(dirpat, dir, sizeof(dir));
		if ((w = winner(l, dir, x->host)) == NONE)
			continue;
		if ((ids = calloc(l->pol.nrules + 1, sizeof(*ids))) == NULL) {
			l->oom = 1;
			return;
		}
		diff[0] = '\0';
		for (n = k = 0; k < l->res[w].nrules; k++) {
			r = &l->pol.rules[l->res[w].rules[k]];
			if (*lost_grants(l, r, &l->res[i], lost,
			    sizeof(lost)) == '\0')
				continue;
			ids[n++] = r->id;
			len = strlen(diff);
			(void)snprintf(diff + len, sizeof(diff) - len,
			    "%s%s to %s", len == 0 ? "" : ", ", lost,
			    r->principal);
		}
		if (n > 0) {
			for (k = 0; k < l->res[i].nrules; k++)
				ids[n++] = l->pol.rules[l->res[i].rules[k]].id;
			found(l, ids_str(pre, sizeof(pre), ids, n),
			    "resource %s grants less than %s, which decides "
			    "%s: %s there reaches %s, which servers serve for "
			    "%s", l->res[i].name, l->res[w].name, dirpat,
			    diff, x->pattern, dirpat);
		}
		free(ids);
	}
}

/* 10. Users whose hash cannot be verified, is too costly, or legacy. */
static void
lint_users(struct lint *l)
{
	const struct pol_user	*u;
	const char		*name;
	char			 fmt[64], pre[NAME_MAX_LEN + 8], why[128];
	size_t			 i;

	for (i = 0; i < l->pol.nusers; i++) {
		u = &l->pol.users[i];
		if (u->hash == NULL)
			continue;
		(void)snprintf(pre, sizeof(pre), "user %s", u->name);
		hash_format(u->hash, fmt, sizeof(fmt), &name);
		if (!pw_supported(u->hash)) {
			if (fmt[0] == '$' || fmt[0] == '{')
				found(l, pre, "unsupported hash %s%s%s%s, "
				    "which never verifies; set a new password",
				    fmt, name == NULL ? "" : " (",
				    name == NULL ? "" : name,
				    name == NULL ? "" : ")");
			else
				found(l, pre, "unsupported hash (%s), which "
				    "never verifies; set a new password", fmt);
			continue;
		}
		switch (pw_cost(u->hash, why, sizeof(why))) {
		case PW_TOOCOSTLY:
			found(l, pre, "hash cost over the cap: %s; the server "
			    "refuses it without hashing (401): set a new "
			    "password", why);
			continue;
		case PW_UNSUPPORTED:
			found(l, pre, "unreadable %s parameters, which never "
			    "verify; set a new password", fmt);
			continue;
		default:
			break;
		}
		if (strncmp(u->hash, "$argon2", 7) == 0)
			continue;	/* libsodium's, not libxcrypt's */
#ifdef CRYPT_CHECKSALT_AVAILABLE
		if (crypt_checksalt(u->hash) != CRYPT_SALT_METHOD_LEGACY)
			continue;
#else
		if (strncmp(u->hash, "$5$", 3) != 0)
			continue;
#endif
		found(l, pre, "legacy hash %s (%s); set a new password", fmt,
		    name == NULL ? "unknown" : name);
	}
}

/*
 * Tie each rule to its resource and list each resource's rules.
 * Return 0, or -1 out of memory.
 */
static int
lint_index(struct lint *l)
{
	const struct pol_rule		*r;
	const struct pol_resource	*x;
	size_t				 i, j;

	if (l->pol.nresources > 0 && (l->res = calloc(l->pol.nresources,
	    sizeof(*l->res))) == NULL)
		return -1;
	if (l->pol.nrules > 0 && (l->ruleres = calloc(l->pol.nrules,
	    sizeof(*l->ruleres))) == NULL)
		return -1;
	for (i = 0; i < l->pol.nresources; i++) {
		x = l->res[i].r = &l->pol.resources[i];
		if (x->host == NULL)
			(void)snprintf(l->res[i].name, sizeof(l->res[i].name),
			    "%s", x->pattern);
		else
			(void)snprintf(l->res[i].name, sizeof(l->res[i].name),
			    "%s host %s", x->pattern, x->host);
		if (l->pol.nrules > 0 && (l->res[i].rules =
		    calloc(l->pol.nrules, sizeof(*l->res[i].rules))) == NULL)
			return -1;
	}
	for (i = 0; i < l->pol.nrules; i++) {
		r = &l->pol.rules[i];
		l->ruleres[i] = NONE;
		for (j = 0; j < l->pol.nresources; j++) {
			x = &l->pol.resources[j];
			if (strcmp(x->pattern, r->pattern) != 0 ||
			    (x->host == NULL) != (r->host == NULL) ||
			    (x->host != NULL && strcmp(x->host, r->host) != 0))
				continue;
			l->ruleres[i] = j;
			l->res[j].rules[l->res[j].nrules++] = i;
			break;
		}
	}
	return 0;
}

/*
 * lint: exit 0 no finding, 1 findings, 2 error; -1 for a usage error.
 */
int
cmd_lint(const char *db, int argc, char *argv[])
{
	struct lint	 l;
	struct adm	*a;
	char		 err[512];
	size_t		 i;
	int		 ret = 2;

	(void)argv;
	if (argc != 0)
		return -1;
	memset(&l, 0, sizeof(l));
	if ((a = adm_open(db, err, sizeof(err))) == NULL) {
		adm_fail(db, err);
		return 2;
	}
	if (adm_begin(a, 0) == -1 || adm_load(a, &l.pol, 1) == -1) {
		adm_fail("lint", adm_errmsg(a));
		goto out;
	}
	adm_rollback(a);	/* a read: nothing to keep */
	if (lint_index(&l) == -1) {
		adm_fail("lint", "out of memory");
		goto out;
	}
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
	if (l.oom) {
		adm_fail("lint", "out of memory");
		goto out;
	}
	ret = l.nfound > 0 ? 1 : 0;
out:
	if (l.res != NULL)
		for (i = 0; i < l.pol.nresources; i++)
			free(l.res[i].rules);
	free(l.res);
	free(l.ruleres);
	pol_free(&l.pol);
	adm_close(a);
	return ret;
}
