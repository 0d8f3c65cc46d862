/*
 * check_lint.c: lint_run() on rule sets built in memory, one row per
 * finding kind plus the clean set.  Each row lists its rules (ids 1,
 * 2, ... in order), any resources without rules, roles nobody holds
 * and users with odd hashes, and the exact findings: kind, and the
 * line `portcullis lint` prints.  tests/lint.sh runs the same sets
 * through the program.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "extern.h"
#include "admin.h"
#include "testlib.h"

#define MAXRULES	10
#define MAXWANT		8

/* A finding as `portcullis lint` prints it, and its kind. */
struct want {
	enum lint_kind	 kind;
	const char	*line;
};

/* What lint notes for every host that rules are bound to. */
#define NOTE_EXORG \
    "note: host ex.org: its rules protect only if the server passes the " \
    "virtual host it chose (PORTCULLIS_HOST in its configuration); any " \
    "other Host a client sends gets the any-host rules"

static const struct {
	const char	*name;
	const char	*rules[MAXRULES][4];	/* pattern, methods, to, host */
	const char	*bare[2][2];		/* resources without rules */
	const char	*roles[2];		/* roles nobody holds */
	const char	*users[5][2];		/* name, hash */
	struct want	 want[MAXWANT];		/* up to a NULL line */
} rows[] = {
	{ "clean", { { "/public/**", "GET", "all" },
	    { "/docs/**", "GET", "viewer" },
	    { "/docs/**", "GET,PUT,DELETE", "editor" },
	    { "/docs/private/**", "GET", "editor" }, { "/", "GET", "all" },
	    { "/x", "GET", "admin" }, { "/x/**", "GET", "admin" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {{ 0, NULL }} },
	{ "methods", { { "/m/**", "GET,get", "viewer" },
	    { "/n/**", "FETCH,Put", "editor" },
	    { "/o/**", "PROPFIND,MKCOL", "editor" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_METHOD_CASE, "rule 1: method get is not GET (methods are "
	    "case-sensitive) and matches no request" },
	    { LINT_METHOD_UNKNOWN, "rule 2: unknown method FETCH (not in RFC "
	    "9110, 5789 or 4918)" },
	    { LINT_METHOD_CASE, "rule 2: method Put is not PUT (methods are "
	    "case-sensitive) and matches no request" } } },
	{ "head", { { "/h/**", "HEAD", "viewer" },
	    { "/i/**", "HEAD,POST", "viewer" },
	    { "/i/**", "GET", "valid-user" },
	    { "/j/**", "GET,HEAD", "editor" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_HEAD_NO_GET, "rule 1: HEAD without GET for viewer on "
	    "/h/**: HEAD shows what GET would (status, size, dates) while "
	    "GET is refused" } } },
	{ "shadowed", { { "/d/**", "GET", "viewer" },
	    { "/d/**", "GET", "viewer" }, { "/e/**", "GET", "editor" },
	    { "/e/**", "GET", "all" }, { "/f/**", "GET", "editor" },
	    { "/f/**", "PUT", "editor" }, { "/f/**", "GET,PUT", "editor" },
	    { "/g/**", "*", "editor" }, { "/g/**", "DELETE", "editor" },
	    { "/k/**", "GET", "valid-user" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_SHADOWED, "rule 2: shadowed by rule 1 (same resource "
	    "/d/**, GET to viewer)" },
	    { LINT_SHADOWED, "rule 3: shadowed by rule 4 (same resource "
	    "/e/**, GET to editor)" },
	    { LINT_SHADOWED, "rule 7: shadowed by rules 5,6 (same resource "
	    "/f/**, GET,PUT to editor)" },
	    { LINT_SHADOWED, "rule 9: shadowed by rule 8 (same resource "
	    "/g/**, DELETE to editor)" } } },
	{ "roles", { { "/g/**", "GET", "ghost" }, { "/g/**", "PUT", "ghost" },
	    { "/v/**", "GET", "viewer" } },
	    {{ NULL }}, { "ghost", "spare" }, {{ NULL }}, {
	    { LINT_ROLE_UNHELD, "rules 1,2: role ghost: no user holds it, so "
	    "the rules grant nothing" } } },
	{ "norules", {{ NULL }},
	    { { "/old/**", NULL }, { "/old/**", "ex.org" } },
	    { NULL }, {{ NULL }}, {
	    { LINT_NO_RULES, "resource /old/**: no rules, so every request "
	    "it decides is answered 405" },
	    { LINT_NO_RULES, "resource /old/** host ex.org: no rules, so "
	    "every request it decides is answered 405" },
	    { LINT_HOST_NOTE, NOTE_EXORG } } },
	{ "hidden", { { "/a", "GET", "all" }, { "/a/", "GET", "all" },
	    { "/a/*", "GET", "all" }, { "/a/*/**", "GET", "all" },
	    { "/a/**", "PUT", "editor" }, { "/b/**", "PUT", "editor" },
	    { "/b", "GET", "all" }, { "/b/*", "GET", "all" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_NEVER_CHOSEN, "rule 5: resource /a/** is never chosen: "
	    "/a, /a/, /a/*, /a/*/** are more specific wherever it matches" },
	    { LINT_SLASH_DIFFERS, "rules 6,7: resource /b and /b/**, which "
	    "decides /b/, grant differently (GET to all only at /b; PUT to "
	    "editor only at /b/): a server redirects /b to /b/ when it is a "
	    "directory, and serves its index there" },
	    { LINT_SLASH_ESCAPES, "rule 8: resource /b/* does not match "
	    "/b/*/, which /b/** decides instead" } } },
	{ "hidden-bare", { { "/a", "GET", "all" }, { "/a/", "GET", "all" },
	    { "/a/*", "GET", "all" }, { "/a/*/**", "GET", "all" } },
	    { { "/a/**", NULL } }, { NULL }, {{ NULL }}, {
	    { LINT_NO_RULES, "resource /a/**: no rules, so every request it "
	    "decides is answered 405" },
	    { LINT_NEVER_CHOSEN, "resource /a/**: never chosen: /a, /a/, "
	    "/a/*, /a/*/** are more specific wherever it matches" } } },
	{ "host", { { "/h/**", "GET,PUT", "all" },
	    { "/h/**", "PUT", "all", "ex.org" },
	    { "/s/**", "GET", "viewer" },
	    { "/s/**", "GET,PUT", "valid-user", "ex.org" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_HOST_NOTE, NOTE_EXORG },
	    { LINT_HOST_FALLBACK, "rule 1: does not apply on host ex.org, "
	    "where resource /h/** host ex.org decides: GET to all is not "
	    "granted there, but a request with any other Host gets it" } } },
	{ "host-note-only", { { "/**", "GET", "admin" },
	    { "/**", "GET", "admin", "ex.org" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_HOST_NOTE, NOTE_EXORG } } },
	{ "catchall", { { "/**", "GET,POST", "all" },
	    { "/admin/**", "GET", "admin" },
	    { "/admin/keys/**", "GET", "admin" },
	    { "/pub/**", "GET,POST", "all" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_CATCHALL, "rules 1,2: /admin/** overrides /** (GET,POST "
	    "to all) where it matches: only its own rules apply there; "
	    "POST: 405" } } },
	{ "catchall-star", { { "/**", "*", "all" },
	    { "/in/**", "GET,PUT", "valid-user" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_CATCHALL, "rules 1,2: /in/** overrides /** (* to all) "
	    "where it matches: only its own rules apply there; methods it "
	    "does not name: 405" } } },
	{ "slash", { { "/x", "GET", "admin" }, { "/y", "GET", "admin" },
	    { "/y/**", "GET", "admin" }, { "/z", "GET", "admin" },
	    { "/**", "GET", "valid-user" },
	    { "/u/*/avatar", "GET", "admin" }, { "/w", "GET", "admin" },
	    { "/w/", "GET", "admin" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_SLASH_ESCAPES, "rule 6: resource /u/*/avatar does not "
	    "match /u/*/avatar/, which /** decides instead" },
	    { LINT_SLASH_ESCAPES, "rule 1: resource /x does not match /x/, "
	    "which /** decides instead" },
	    { LINT_SLASH_ESCAPES, "rule 4: resource /z does not match /z/, "
	    "which /** decides instead" } } },
	{ "slash-none", { { "/status", "GET", "all" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_SLASH_ESCAPES, "rule 1: resource /status does not match "
	    "/status/, which no resource matches (403)" } } },
	{ "index", { { "/docs/**", "GET", "viewer" },
	    { "/docs/**", "GET", "admin" },
	    { "/docs/index.html", "GET", "admin" },
	    { "/docs/index.html/**", "GET", "admin" } },
	    {{ NULL }}, { NULL }, {{ NULL }}, {
	    { LINT_INDEX_FILE, "rules 1,3: resource /docs/index.html grants "
	    "less than /docs/**, which decides /docs/: GET to viewer there "
	    "reaches /docs/index.html, which servers serve for /docs/" } } },
	{ "hashes", {{ NULL }}, {{ NULL }}, { NULL }, {
	    { "bea", "$2b$14$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfm"
	    "JTqC" },
	    { "bob", "$5$abcdefghijklmnop$01234567890123456789012345678901"
	    "23456789012" },
	    { "dave", "$apr1$abcdefgh$0123456789012345678901" },
	    { "gus", "$y$j$abcdef$ghijkl" },
	    { "ivan", "ivan-pw" } }, {
	    { LINT_HASH_COSTLY, "user bea: hash cost over the cap: bcrypt "
	    "cost 14 is over 12; the server refuses it without hashing "
	    "(401): set a new password" },
	    { LINT_HASH_LEGACY, "user bob: legacy hash $5$ (sha256crypt); "
	    "set a new password" },
	    { LINT_HASH_UNSUPPORTED, "user dave: unsupported hash $apr1$ "
	    "(Apache MD5), which never verifies; set a new password" },
	    { LINT_HASH_UNREADABLE, "user gus: unreadable $y$ parameters, "
	    "which never verify; set a new password" },
	    { LINT_HASH_UNSUPPORTED, "user ivan: unsupported hash (plaintext "
	    "or DES), which never verifies; set a new password" } } },
};

/* A resource to be: (pattern, host). */
struct pres {
	const char	*pattern;
	const char	*host;
};

/* As SQLite's ORDER BY pattern, host: NULL hosts first. */
static int
pres_cmp(const void *a, const void *b)
{
	const struct pres	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->pattern, y->pattern)) != 0)
		return c;
	if (x->host == NULL || y->host == NULL)
		return (y->host == NULL) - (x->host == NULL);
	return strcmp(x->host, y->host);
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	ck_assert_ptr_nonnull(p = strdup(s));
	return p;
}

/* Add the distinct resources of row i, in the store's order. */
static void
add_resources(struct policy *pol, size_t i)
{
	struct pres		 r[MAXRULES + 2];
	struct pol_resource	*x;
	size_t			 j, k, n = 0;

	for (j = 0; j < MAXRULES && rows[i].rules[j][0] != NULL; j++) {
		r[n].pattern = rows[i].rules[j][0];
		r[n++].host = rows[i].rules[j][3];
	}
	for (j = 0; j < 2 && rows[i].bare[j][0] != NULL; j++) {
		r[n].pattern = rows[i].bare[j][0];
		r[n++].host = rows[i].bare[j][1];
	}
	qsort(r, n, sizeof(r[0]), pres_cmp);
	for (j = 0; j < n; j++) {
		for (k = 0; k < j && pres_cmp(&r[k], &r[j]) != 0; k++)
			continue;
		if (k < j)
			continue;
		ck_assert_ptr_nonnull(x = pol_add_resource(pol));
		x->pattern = xstrdup(r[j].pattern);
		x->host = xstrdup(r[j].host);
	}
}

/*
 * Row i as admp_load() would give it: u1 (a yescrypt hash) holding
 * viewer, editor and admin, then the row's roles, users, resources
 * and rules.
 */
static void
build(struct policy *pol, size_t i)
{
	static const char *const held[] = { "admin", "editor", "viewer" };
	struct pol_user		*u;
	struct pol_role		*ro;
	struct pol_member	*m;
	struct pol_rule		*r;
	size_t			 j;

	memset(pol, 0, sizeof(*pol));
	ck_assert_ptr_nonnull(u = pol_add_user(pol));
	u->name = xstrdup("u1");
	u->hash = xstrdup(FX_YESCRYPT);
	for (j = 0; j < nitems(held); j++) {
		ck_assert_ptr_nonnull(ro = pol_add_role(pol));
		ro->name = xstrdup(held[j]);
		ck_assert_ptr_nonnull(m = pol_add_member(pol));
		m->user = xstrdup("u1");
		m->role = xstrdup(held[j]);
	}
	for (j = 0; j < 2 && rows[i].roles[j] != NULL; j++) {
		ck_assert_ptr_nonnull(ro = pol_add_role(pol));
		ro->name = xstrdup(rows[i].roles[j]);
	}
	for (j = 0; j < 5 && rows[i].users[j][0] != NULL; j++) {
		ck_assert_ptr_nonnull(u = pol_add_user(pol));
		u->name = xstrdup(rows[i].users[j][0]);
		u->hash = xstrdup(rows[i].users[j][1]);
	}
	add_resources(pol, i);
	for (j = 0; j < MAXRULES && rows[i].rules[j][0] != NULL; j++) {
		ck_assert_ptr_nonnull(r = pol_add_rule(pol));
		r->id = (int64_t)j + 1;
		r->pattern = xstrdup(rows[i].rules[j][0]);
		r->methods = xstrdup(rows[i].rules[j][1]);
		r->principal = xstrdup(rows[i].rules[j][2]);
		r->host = xstrdup(rows[i].rules[j][3]);
	}
}

/* What the callback saw. */
struct got {
	enum lint_kind	 kind[MAXWANT + 1];
	char		*line[MAXWANT + 1];
	size_t		 n;
	size_t		 notes;
};

/*
 * Keep each finding as the printed line, after checking that its ids
 * ascend and are what its subject names.
 */
static void
collect(void *arg, const struct lint_finding *f)
{
	struct got	*g = arg;
	char		 subj[256];
	size_t		 i, len;

	ck_assert_int_lt(f->kind, LINT__MAX);
	ck_assert_ptr_nonnull(lint_kind_str[f->kind]);
	ck_assert_int_eq(f->note, f->kind == LINT_HOST_NOTE);
	if (f->nids > 0) {
		(void)snprintf(subj, sizeof(subj), "%s", f->nids == 1 ?
		    "rule " : "rules ");
		for (i = 0; i < f->nids; i++) {
			if (i > 0)
				ck_assert_int_lt(f->ids[i - 1], f->ids[i]);
			len = strlen(subj);
			(void)snprintf(subj + len, sizeof(subj) - len,
			    "%s%lld", i == 0 ? "" : ",", (long long)f->ids[i]);
		}
		ck_assert_str_eq(f->subject, subj);
	}
	ck_assert_uint_lt(g->n, MAXWANT + 1);
	g->kind[g->n] = f->kind;
	ck_assert_int_ne(asprintf(&g->line[g->n], "%s%s: %s",
	    f->note ? "note: " : "", f->subject, f->message), -1);
	g->n++;
	g->notes += f->note;
}

START_TEST(test_lint)
{
	struct policy	 pol;
	struct got	 g;
	const struct want *w = rows[_i].want;
	size_t		 i, n;
	int		 ret;

	build(&pol, _i);
	memset(&g, 0, sizeof(g));
	ret = lint_run(&pol, collect, &g);
	for (n = 0; n < MAXWANT && w[n].line != NULL; n++)
		continue;
	if (g.n != n)
		for (i = 0; i < g.n; i++)
			fprintf(stderr, "%s: got %s %s\n", rows[_i].name,
			    lint_kind_str[g.kind[i]], g.line[i]);
	ck_assert_uint_eq(g.n, n);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(lint_kind_str[g.kind[i]],
		    lint_kind_str[w[i].kind]);
		ck_assert_str_eq(g.line[i], w[i].line);
	}
	ck_assert_int_eq(ret, (int)(g.n - g.notes));
	for (i = 0; i < g.n; i++)
		free(g.line[i]);
	pol_free(&pol);
}
END_TEST

/* An empty policy: nothing to say. */
START_TEST(test_lint_empty)
{
	struct policy	 pol;
	struct got	 g;

	memset(&pol, 0, sizeof(pol));
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(lint_run(&pol, collect, &g), 0);
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

/* Every kind has a distinct name. */
START_TEST(test_lint_kinds)
{
	size_t	 i, j;

	for (i = 0; i < LINT__MAX; i++) {
		ck_assert_ptr_nonnull(lint_kind_str[i]);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(lint_kind_str[i], lint_kind_str[j]);
	}
}
END_TEST

static Suite *
lint_suite(void)
{
	Suite	*s = suite_create("lint");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_lint, 0, nitems(rows));
	tcase_add_test(tc, test_lint_empty);
	tcase_add_test(tc, test_lint_kinds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(lint_suite());
}
