/*
 * check_policy.c: patterns, precedence, methods and grants.
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
	tcase_add_loop_test(tc, test_methods, 0, nitems(methods));
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
