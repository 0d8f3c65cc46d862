/*
 * check_policy.c: patterns, precedence, coverage, methods and grants.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "extern.h"
#include "testlib.h"

static const struct {
	const char	*pat;
	int		 want;
} valid[] = {
	{ "/",			1 },
	{ "/status",		1 },
	{ "/docs/**",		1 },
	{ "/**",		1 },
	{ "/users/*/avatar",	1 },
	{ "/*",			1 },
	{ "/docs/",		1 },
	{ "/a/*/*/*/*/b",	1 },
	{ "",			0 },
	{ "status",		0 },
	{ "//a",		0 },
	{ "/a//b",		0 },
	{ "/a/./b",		0 },
	{ "/a/..",		0 },
	{ "/a*",		0 },
	{ "/*a",		0 },
	{ "/***",		0 },
	{ "/**/a",		0 },
	{ "/a/**/",		0 },
	{ "/a?b",		0 },
	{ "/a#b",		0 },
	{ "/a%20b",		0 },
	{ "/a\\b",		0 },
	{ "/a\tb",		0 },
};

START_TEST(test_pattern_valid)
{
	ck_assert_msg(policy_pattern_valid(valid[_i].pat) == valid[_i].want,
	    "pattern %s", valid[_i].pat);
}
END_TEST

static const struct {
	const char	*pat;
	const char	*path;
	int		 want;
} matches[] = {
	{ "/status",		"/status",		1 },
	{ "/status",		"/status/",		0 },
	{ "/status",		"/statusx",		0 },
	{ "/status",		"/",			0 },
	{ "/admin/**",		"/admin",		1 },
	{ "/admin/**",		"/admin/",		1 },
	{ "/admin/**",		"/admin/x/y",		1 },
	{ "/admin/**",		"/administrator",	0 },
	{ "/admin/**",		"/administrator/x",	0 },
	{ "/admin",		"/administrator",	0 },
	{ "/**",		"/",			1 },
	{ "/**",		"/anything/at/all",	1 },
	{ "/",			"/",			1 },
	{ "/",			"/a",			0 },
	{ "/*",			"/a",			1 },
	{ "/*",			"/",			0 },
	{ "/*",			"/a/",			0 },
	{ "/*",			"/a/b",			0 },
	{ "/users/*/avatar",	"/users/bob/avatar",	1 },
	{ "/users/*/avatar",	"/users/avatar",	0 },
	{ "/users/*/avatar",	"/users/a/b/avatar",	0 },
	{ "/users/*/avatar",	"/users/bob/avatar/",	0 },
	{ "/users/*/**",	"/users/bob",		1 },
	{ "/users/*/**",	"/users",		0 },
	{ "/docs/",		"/docs/",		1 },
	{ "/docs/",		"/docs",		0 },
	{ "/caf\xc3\xa9",	"/caf\xc3\xa9",		1 },
	{ "/a b",		"/a b",			1 },
};

START_TEST(test_match)
{
	ck_assert_msg(policy_match(matches[_i].pat, matches[_i].path) ==
	    matches[_i].want, "%s ~ %s", matches[_i].pat, matches[_i].path);
}
END_TEST

/* a beats b: cmp(a, b) > 0 and cmp(b, a) < 0. */
static const struct {
	const char	*a;
	int		 ahost;
	const char	*b;
	int		 bhost;
} beats[] = {
	{ "/docs",		0, "/docs/**",		0 },
	{ "/docs/a/*",		0, "/docs/**",		0 },
	{ "/docs/**",		0, "/**",		0 },
	{ "/docs/a/b",		0, "/docs/*/b",		0 },
	{ "/docs/*/b",		0, "/docs/*/**",	0 },
	{ "/a/b/**",		0, "/a/**",		0 },
	{ "/*/x",		0, "/**",		0 },
	{ "/x/*",		0, "/*/x",		0 },
	{ "/**",		1, "/exact",		0 },	/* host first */
	{ "/docs/**",		1, "/docs/**",		0 },
};

START_TEST(test_cmp)
{
	ck_assert_int_gt(policy_cmp(beats[_i].a, beats[_i].ahost,
	    beats[_i].b, beats[_i].bhost), 0);
	ck_assert_int_lt(policy_cmp(beats[_i].b, beats[_i].bhost,
	    beats[_i].a, beats[_i].ahost), 0);
}
END_TEST

START_TEST(test_cmp_equal)
{
	ck_assert_int_eq(policy_cmp("/a/*", 0, "/a/*", 0), 0);
	ck_assert_int_eq(policy_cmp("/a/**", 1, "/a/**", 1), 0);
	ck_assert_int_eq(policy_cmp("/", 0, "/", 0), 0);
}
END_TEST

/*
 * Which resource decides: pat (bound if bound) against the best so
 * far (NULL: none), for path.
 */
static const struct {
	const char	*pat;
	int		 bound;
	const char	*best;
	int		 bestbound;
	const char	*path;
	int		 want;
} better[] = {
	{ "/docs/**",	0, NULL,	0, "/docs/a",	1 },	/* first */
	{ "/docs/**",	0, NULL,	0, "/other",	0 },	/* no match */
	{ "/docs/a",	0, "/docs/**",	0, "/docs/a",	1 },
	{ "/docs/**",	0, "/docs/a",	0, "/docs/a",	0 },
	{ "/docs/**",	0, "/docs/**",	0, "/docs/a",	0 },	/* equal */
	{ "/**",	1, "/docs/a",	0, "/docs/a",	1 },	/* host */
	{ "/docs/a",	0, "/**",	1, "/docs/a",	0 },
	{ "/x",		0, "/**",	0, "/y",	0 },
};

START_TEST(test_better)
{
	ck_assert_msg(policy_better(better[_i].pat, better[_i].bound,
	    better[_i].best, better[_i].bestbound, better[_i].path) ==
	    better[_i].want, "%s over %s for %s", better[_i].pat,
	    better[_i].best == NULL ? "none" : better[_i].best,
	    better[_i].path);
}
END_TEST

static const struct {
	const char	*rhost;
	const char	*host;
	int		 want;
} hosts[] = {
	{ NULL,		NULL,		1 },
	{ NULL,		"ex.org",	1 },
	{ "",		"ex.org",	1 },	/* snapshot.c's any host */
	{ "ex.org",	"ex.org",	1 },
	{ "ex.org",	NULL,		0 },
	{ "ex.org",	"",		0 },
	{ "ex.org",	"ex.com",	0 },
	{ "ex.org",	"www.ex.org",	0 },
};

START_TEST(test_host_applies)
{
	ck_assert_int_eq(policy_host_applies(hosts[_i].rhost, hosts[_i].host),
	    hosts[_i].want);
}
END_TEST

/* Whether c matches every path s matches. */
static const struct {
	const char	*c;
	const char	*s;
	int		 want;
} covers[] = {
	{ "/**",		"/anything/**",		1 },
	{ "/**",		"/",			1 },
	{ "/docs/**",		"/docs",		1 },
	{ "/docs/**",		"/docs/a/*",		1 },
	{ "/docs/**",		"/docs/**",		1 },
	{ "/docs/**",		"/doc",			0 },
	{ "/docs/**",		"/**",			0 },
	{ "/docs/a/**",		"/docs/**",		0 },
	{ "/*",			"/a",			1 },
	{ "/*",			"/*",			1 },
	{ "/*",			"/",			0 },	/* empty */
	{ "/*",			"/a/b",			0 },
	{ "/*",			"/**",			0 },
	{ "/a",			"/*",			0 },
	{ "/a",			"/a",			1 },
	{ "/a",			"/a/",			0 },
	{ "/a/",		"/a",			0 },
	{ "/users/*/x",		"/users/bob/x",		1 },
	{ "/users/*/**",	"/users/bob",		1 },
	{ "/users/*/**",	"/users",		0 },
};

START_TEST(test_pattern_covers)
{
	ck_assert_msg(policy_pattern_covers(covers[_i].c, covers[_i].s) ==
	    covers[_i].want, "%s covers %s", covers[_i].c, covers[_i].s);
}
END_TEST

/* Segment k of pat, and how many pat has. */
static const struct {
	const char	*pat;
	size_t		 nseg;
	size_t		 k;
	const char	*seg;		/* NULL: none */
	enum polseg	 kind;
} segs[] = {
	{ "/",			1, 0, "",	POLSEG_LITERAL },
	{ "/",			1, 1, NULL,	POLSEG_LITERAL },
	{ "/a/b",		2, 1, "b",	POLSEG_LITERAL },
	{ "/a/",		2, 1, "",	POLSEG_LITERAL },
	{ "/users/*/avatar",	3, 1, "*",	POLSEG_STAR },
	{ "/docs/**",		2, 1, "**",	POLSEG_GLOBSTAR },
	{ "/docs/**",		2, 2, NULL,	POLSEG_LITERAL },
	{ "/a*/b",		2, 0, "a*",	POLSEG_LITERAL },
};

START_TEST(test_pattern_seg)
{
	const char	*seg = NULL;
	size_t		 n = 0;
	int		 ok;

	ck_assert_uint_eq(policy_pattern_nseg(segs[_i].pat), segs[_i].nseg);
	ok = policy_pattern_seg(segs[_i].pat, segs[_i].k, &seg, &n);
	ck_assert_int_eq(ok, segs[_i].seg != NULL);
	if (!ok)
		return;
	ck_assert_uint_eq(n, strlen(segs[_i].seg));
	ck_assert_int_eq(memcmp(seg, segs[_i].seg, n), 0);
	ck_assert_int_eq(policy_seg(seg, n), segs[_i].kind);
}
END_TEST

/* "all" covers "valid-user" covers every role. */
static const struct {
	const char	*a;
	const char	*b;
	int		 want;
} princs[] = {
	{ "all",		"all",		1 },
	{ "all",		"valid-user",	1 },
	{ "all",		"editor",	1 },
	{ "valid-user",		"all",		0 },
	{ "valid-user",		"valid-user",	1 },
	{ "valid-user",		"editor",	1 },
	{ "editor",		"all",		0 },
	{ "editor",		"valid-user",	0 },
	{ "editor",		"editor",	1 },
	{ "editor",		"viewer",	0 },
};

START_TEST(test_principal_covers)
{
	ck_assert_msg(policy_principal_covers(princs[_i].a, princs[_i].b) ==
	    princs[_i].want, "%s covers %s", princs[_i].a, princs[_i].b);
}
END_TEST

static const struct {
	const char	*methods;
	const char	*method;
	int		 valid;
	int		 has;
} methods[] = {
	{ "*",			"DELETE",	1, 1 },
	{ "GET",		"GET",		1, 1 },
	{ "GET",		"HEAD",		1, 1 },	/* GET implies HEAD */
	{ "HEAD",		"GET",		1, 0 },
	{ "GET,POST",		"POST",		1, 1 },
	{ "GET,POST",		"PUT",		1, 0 },
	{ "GET,POST",		"get",		1, 0 },	/* case-sensitive */
	{ "PROPFIND",		"PROPFIND",	1, 1 },
	{ "GETX",		"GET",		1, 0 },
	{ "GET",		"GETX",		1, 0 },
	{ "POST,GET",		"HEAD",		1, 1 },
	{ "",			"GET",		0, 0 },
	{ "GET,",		"GET",		0, 1 },
	{ ",GET",		"GET",		0, 1 },
	{ "GET,,POST",		"POST",		0, 1 },
	{ "GET POST",		"GET",		0, 0 },
	{ "GET,*",		"PUT",		0, 0 },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG", "GET", 0, 0 },	/* 33 */
};

START_TEST(test_methods)
{
	ck_assert_int_eq(policy_methods_valid(methods[_i].methods),
	    methods[_i].valid);
	ck_assert_int_eq(policy_methods_has(methods[_i].methods,
	    methods[_i].method), methods[_i].has);
}
END_TEST

/* A method, or "*" for a grant of every method: only "*" covers "*". */
static const struct {
	const char	*methods;
	const char	*m;
	int		 want;
} mcovers[] = {
	{ "*",		"*",		1 },
	{ "*",		"DELETE",	1 },
	{ "GET,PUT",	"*",		0 },
	{ "GET,PUT",	"PUT",		1 },
	{ "GET",	"HEAD",		1 },
	{ "HEAD",	"GET",		0 },
	{ "GET",	"get",		0 },
};

START_TEST(test_methods_covers)
{
	ck_assert_msg(policy_methods_covers(mcovers[_i].methods,
	    mcovers[_i].m) == mcovers[_i].want, "%s covers %s",
	    mcovers[_i].methods, mcovers[_i].m);
}
END_TEST

/*
 * Grants: up to four rules of one resource, a method and a mode ->
 * supported, Allow, and the principals granted the method.
 */
static const struct {
	const char	*rules[4][2];	/* methods, principal */
	const char	*method;
	int		 responder;
	int		 supported;
	const char	*allow;
	int64_t		 all_rule;
	int64_t		 valid_rule;
	const char	*roles;		/* ","-joined */
} grants[] = {
	{ {{ "GET", "all" }}, "GET", 0, 1, "GET, HEAD", 1, 0, "" },
	{ {{ "GET", "all" }}, "HEAD", 0, 1, "GET, HEAD", 1, 0, "" },
	{ {{ "GET", "all" }}, "POST", 0, 0, "GET, HEAD", 0, 0, "" },
	{ {{ "GET", "all" }, { "PUT,DELETE", "editor" }}, "DELETE", 0, 1,
	    "GET, HEAD, PUT, DELETE", 0, 0, "editor" },
	{ {{ "PUT,DELETE", "editor" }, { "GET", "all" }}, "DELETE", 0, 1,
	    "GET, HEAD, PUT, DELETE", 0, 0, "editor" },
	{ {{ "PROPFIND,GET", "a" }, { "MKCOL", "b" }}, "MKCOL", 0, 1,
	    "GET, HEAD, PROPFIND, MKCOL", 0, 0, "b" },
	{ {{ "*", "valid-user" }}, "BREW", 0, 1, "GET, HEAD", 0, 1, "" },
	{ {{ "GET", "x" }, { "*", "valid-user" }}, "BREW", 0, 1,
	    "GET, HEAD", 0, 2, "" },
	{ {{ "GET", "r1" }, { "GET", "r2" }, { "GET", "valid-user" }}, "GET",
	    0, 1, "GET, HEAD", 0, 3, "r1,r2" },
	{ {{ "HEAD", "all" }}, "GET", 0, 0, "HEAD", 0, 0, "" },
	{ {{ "POST", "all" }}, "GET", 0, 0, "POST", 0, 0, "" },
	/* responder mode: the file server performs GET and HEAD only */
	{ {{ "GET,POST", "all" }}, "POST", 1, 0, "GET, HEAD", 0, 0, "" },
	{ {{ "POST", "all" }}, "POST", 1, 0, "", 0, 0, "" },
	{ {{ "*", "all" }}, "PUT", 1, 0, "GET, HEAD", 0, 0, "" },
	{ {{ "*", "all" }}, "HEAD", 1, 1, "GET, HEAD", 1, 0, "" },
	/* a resource with no rules supports nothing */
	{ {{ NULL, NULL }}, "GET", 0, 0, "", 0, 0, "" },
	/* the first granting rule is the one reported */
	{ {{ "GET", "all" }, { "GET", "all" }}, "GET", 0, 1, "GET, HEAD",
	    1, 0, "" },
};

START_TEST(test_grants)
{
	struct grants	 g;
	char		 roles[256];
	size_t		 i;

	policy_grants_init(&g);
	for (i = 0; i < 4 && grants[_i].rules[i][0] != NULL; i++)
		policy_grants_add(&g, grants[_i].method, grants[_i].responder,
		    (int64_t)i + 1, grants[_i].rules[i][0],
		    grants[_i].rules[i][1]);
	policy_grants_finish(&g, grants[_i].method, grants[_i].responder);
	ck_assert_int_eq(g.overflow, 0);
	ck_assert_int_eq(g.supported, grants[_i].supported);
	ck_assert_str_eq(g.allow, grants[_i].allow);
	ck_assert_int_eq(g.all_rule, grants[_i].all_rule);
	ck_assert_int_eq(g.valid_rule, grants[_i].valid_rule);
	roles[0] = '\0';
	for (i = 0; i < g.nroles; i++) {
		if (i > 0)
			strcat(roles, ",");
		strcat(roles, g.roles[i]);
	}
	ck_assert_str_eq(roles, grants[_i].roles);
}
END_TEST

/*
 * policy_grants_names(): whom the rules grant the method, as `check`
 * names them on a 403: all, valid-user, then the roles in rule order.
 */
static const struct {
	const char	*rules[4][2];	/* methods, principal */
	const char	*method;
	int		 responder;
	const char	*names;
} gnames[] = {
	{ {{ "GET", "editors" }, { "GET", "admins" }}, "GET", 0,
	    "editors, admins" },
	{ {{ "GET", "viewers" }, { "POST", "editors" }}, "POST", 0,
	    "editors" },
	{ {{ "GET", "r" }, { "GET", "valid-user" }, { "GET", "all" }}, "HEAD",
	    0, "all, valid-user, r" },
	{ {{ "GET", "viewers" }}, "POST", 0, "" },
	{ {{ "POST", "editors" }}, "POST", 1, "" },	/* not performed */
	{ {{ "*", "ops" }}, "BREW", 0, "ops" },
	{ {{ NULL, NULL }}, "GET", 0, "" },
};

START_TEST(test_grants_names)
{
	struct grants	 g;
	char		 buf[64], small[8];
	size_t		 i;

	policy_grants_init(&g);
	for (i = 0; i < 4 && gnames[_i].rules[i][0] != NULL; i++)
		policy_grants_add(&g, gnames[_i].method, gnames[_i].responder,
		    (int64_t)i + 1, gnames[_i].rules[i][0],
		    gnames[_i].rules[i][1]);
	policy_grants_finish(&g, gnames[_i].method, gnames[_i].responder);
	ck_assert_int_eq(policy_grants_names(&g, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, gnames[_i].names);
	/* Too small a buffer: -1 and "", never a name cut short. */
	if (strlen(gnames[_i].names) >= sizeof(small)) {
		ck_assert_int_eq(policy_grants_names(&g, small,
		    sizeof(small)), -1);
		ck_assert_str_eq(small, "");
	}
}
END_TEST

/* Bounds: too many roles or methods on one resource fail closed. */
START_TEST(test_grants_overflow)
{
	struct grants	 g;
	char		 name[32];
	int		 i;

	policy_grants_init(&g);
	for (i = 0; i <= POLICY_ROLES_MAX; i++) {
		snprintf(name, sizeof(name), "role%d", i);
		policy_grants_add(&g, "GET", 0, i + 1, "GET", name);
	}
	ck_assert_int_eq(g.overflow, 1);

	policy_grants_init(&g);
	for (i = 0; i <= POLICY_METHODS_MAX; i++) {
		snprintf(name, sizeof(name), "M%d", i);
		policy_grants_add(&g, "GET", 0, i + 1, name, "all");
	}
	ck_assert_int_eq(g.overflow, 1);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite	*s = suite_create("policy");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_pattern_valid, 0, nitems(valid));
	tcase_add_loop_test(tc, test_match, 0, nitems(matches));
	tcase_add_loop_test(tc, test_cmp, 0, nitems(beats));
	tcase_add_test(tc, test_cmp_equal);
	tcase_add_loop_test(tc, test_better, 0, nitems(better));
	tcase_add_loop_test(tc, test_host_applies, 0, nitems(hosts));
	tcase_add_loop_test(tc, test_pattern_covers, 0, nitems(covers));
	tcase_add_loop_test(tc, test_pattern_seg, 0, nitems(segs));
	tcase_add_loop_test(tc, test_principal_covers, 0, nitems(princs));
	tcase_add_loop_test(tc, test_methods, 0, nitems(methods));
	tcase_add_loop_test(tc, test_methods_covers, 0, nitems(mcovers));
	tcase_add_loop_test(tc, test_grants_names, 0, nitems(gnames));
	tcase_add_loop_test(tc, test_grants, 0, nitems(grants));
	tcase_add_test(tc, test_grants_overflow);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(policy_suite());
}
