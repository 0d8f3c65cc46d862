/*
 * check_policyfile.c: the policy file of policyfile.c, without a
 * database: writer rows (a policy built in memory, its exact sql and
 * json), reader rows (text, the policy read back as sql, or the
 * exact error and its line), the fields of one read, and round trips.
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

#define HEAD	POLFILE_HEADER "\n"
#define HEAD3	HEAD "-- Written by portcullis export; read by portcullis " \
		"import policy.\n-- Users carry no password hashes.\n"
#define JSON0	"{\n\"format\": \"portcullis policy 1\",\n"

/* strdup() that fails the test rather than return NULL. */
static char *
xstrdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	ck_assert_ptr_nonnull(p = strdup(s));
	return p;
}

static void
build_empty(struct policy *pol)
{
	(void)pol;
}

/* One row per table, with a NULL host and expires and a quote. */
static void
build_full(struct policy *pol)
{
	struct pol_setting	*s = pol_add_setting(pol);
	struct pol_user		*u;
	struct pol_role		*r = pol_add_role(pol);
	struct pol_member	*m = pol_add_member(pol);
	struct pol_resource	*x = pol_add_resource(pol);
	struct pol_rule		*ru = pol_add_rule(pol);
	struct pol_include	*inc;

	s->name = xstrdup("realm");
	s->value = xstrdup("Bob's site");
	ck_assert_ptr_nonnull(u = pol_add_user(pol));
	u->name = xstrdup("alice");
	u->disabled = 1;
	ck_assert_ptr_nonnull(u = pol_add_user(pol));
	u->name = xstrdup("bob");
	u->expires = xstrdup("2030-01-01");
	r->name = xstrdup("editor");
	r->comment = xstrdup("");
	m->user = xstrdup("alice");
	m->role = xstrdup("editor");
	x->pattern = xstrdup("/docs/**");
	x->comment = xstrdup("docs");
	ru->id = 7;
	ru->pattern = xstrdup("/docs/**");
	ru->host = xstrdup("example.com");
	ru->methods = xstrdup("GET,PUT");
	ru->principal = xstrdup("editor");
	ru->comment = xstrdup("");
	ck_assert_ptr_nonnull(inc = pol_add_include(pol));
	inc->role = xstrdup("admin");
	inc->includes = xstrdup("editor");
}

/* JSON escapes: quote, backslash, newline, tab, control, bad UTF-8. */
static void
build_escapes(struct policy *pol)
{
	struct pol_role	*r = pol_add_role(pol);

	r->name = xstrdup("r");
	r->comment = xstrdup("\"\\\n\t\x01 \xc3\xa4 \xff'");
}

static const struct {
	const char	*name;
	void		(*build)(struct policy *);
	const char	*sql;
	const char	*json;
} writes[] = {
	{ "empty", build_empty, HEAD3,
	  JSON0 "\"settings\": {},\n\"users\": [\n],\n\"roles\": [\n],\n"
	  "\"members\": [\n],\n\"resources\": [\n],\n\"networks\": [\n],\n"
	  "\"rules\": [\n],\n\"certificates\": [\n],\n\"role_includes\": [\n]\n}\n" },
	{ "full", build_full, HEAD3
	  "INSERT INTO settings (name, value) VALUES ('realm', "
	  "'Bob''s site');\n"
	  "INSERT INTO users (name, disabled, expires) VALUES "
	  "('alice', 1, NULL);\n"
	  "INSERT INTO users (name, disabled, expires) VALUES "
	  "('bob', 0, '2030-01-01');\n"
	  "INSERT INTO roles (name, comment) VALUES ('editor', '');\n"
	  "INSERT INTO members (user, role) VALUES ('alice', 'editor');\n"
	  "INSERT INTO resources (pattern, host, comment) VALUES "
	  "('/docs/**', NULL, 'docs');\n"
	  "INSERT INTO rules (id, pattern, host, methods, principal, "
	  "comment, network) VALUES (7, '/docs/**', 'example.com', "
	  "'GET,PUT', 'editor', '', NULL);\n"
	  "INSERT INTO role_includes (role, includes) VALUES "
	  "('admin', 'editor');\n",
	  JSON0 "\"settings\": {\n\"realm\": \"Bob's site\"\n},\n"
	  "\"users\": [\n"
	  "{\"name\": \"alice\", \"disabled\": true, \"expires\": null},\n"
	  "{\"name\": \"bob\", \"disabled\": false, "
	  "\"expires\": \"2030-01-01\"}\n],\n"
	  "\"roles\": [\n{\"name\": \"editor\", \"comment\": \"\"}\n],\n"
	  "\"members\": [\n{\"user\": \"alice\", \"role\": \"editor\"}\n],\n"
	  "\"resources\": [\n{\"pattern\": \"/docs/**\", \"host\": null, "
	  "\"comment\": \"docs\"}\n],\n"
	  "\"networks\": [\n],\n\"rules\": [\n{\"id\": 7, \"pattern\": \"/docs/**\", "
	  "\"host\": \"example.com\", \"methods\": \"GET,PUT\", "
	  "\"principal\": \"editor\", \"comment\": \"\", "
	  "\"network\": null}\n],\n"
	  "\"certificates\": [\n],\n"
	  "\"role_includes\": [\n{\"role\": \"admin\", "
	  "\"includes\": \"editor\"}\n]\n}\n" },
	{ "escapes", build_escapes, HEAD3
	  "INSERT INTO roles (name, comment) VALUES ('r', "
	  "'\"\\\n\t\x01 \xc3\xa4 \xff''');\n",
	  JSON0 "\"settings\": {},\n\"users\": [\n],\n\"roles\": [\n"
	  "{\"name\": \"r\", \"comment\": "
	  "\"\\\"\\\\\\n\\t\\u0001 \xc3\xa4 \\ufffd'\"}\n],\n"
	  "\"members\": [\n],\n\"resources\": [\n],\n\"networks\": [\n],\n"
	  "\"rules\": [\n],\n\"certificates\": [\n],\n\"role_includes\": [\n]\n}\n" },
};

/* pol written in format f, as a string the caller frees. */
static char *
written(const struct policy *pol, enum polfmt f)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;

	ck_assert_ptr_nonnull(fp = open_memstream(&buf, &len));
	polfile_write(fp, pol, f);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

START_TEST(test_write)
{
	struct policy	 pol;
	char		*s;

	memset(&pol, 0, sizeof(pol));
	writes[_i].build(&pol);
	s = written(&pol, POLFMT_SQL);
	ck_assert_msg(strcmp(s, writes[_i].sql) == 0, "%s sql:\n%s",
	    writes[_i].name, s);
	free(s);
	s = written(&pol, POLFMT_JSON);
	ck_assert_msg(strcmp(s, writes[_i].json) == 0, "%s json:\n%s",
	    writes[_i].name, s);
	free(s);
	pol_free(&pol);
}
END_TEST

/* Round trip: what the sql writer wrote reads back to the same. */
START_TEST(test_roundtrip)
{
	struct policy	 pol, back;
	char		*s, *t, err[256];
	size_t		 line;

	memset(&pol, 0, sizeof(pol));
	memset(&back, 0, sizeof(back));
	writes[_i].build(&pol);
	s = written(&pol, POLFMT_SQL);
	ck_assert_msg(polfile_read(s, strlen(s), &back, &line, err,
	    sizeof(err)) == 0, "%s: line %zu: %s", writes[_i].name, line, err);
	t = written(&back, POLFMT_SQL);
	ck_assert_str_eq(t, s);
	free(t);
	free(s);
	pol_free(&back);
	pol_free(&pol);
}
END_TEST

#define INS_USER	"INSERT INTO users (name, disabled, expires) VALUES "
#define INS_ROLE	"INSERT INTO roles (name, comment) VALUES "
#define INS_RULE	"INSERT INTO rules (id, pattern, host, methods, " \
			"principal, comment) VALUES "
#define INS_RULE7	"INSERT INTO rules (id, pattern, host, methods, " \
			"principal, comment, network) VALUES "
#define INS_NET		"INSERT INTO networks (name, cidr) VALUES "

/*
 * Reader rows: the text, then either the policy written back as sql
 * (after HEAD3) or the error's line and message.
 */
static const struct {
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
	const char	*want;		/* NULL: an error */
	size_t		 line;
	const char	*msg;
} reads[] = {
	/* Good files. */
	{ HEAD, 0, "", 0, NULL },
	{ HEAD "-- a comment\n\n  \t\r\n", 0, "", 0, NULL },
	{ HEAD INS_USER "('alice',0,NULL);" INS_USER "('bob', 1, '2030');", 0,
	  INS_USER "('alice', 0, NULL);\n" INS_USER "('bob', 1, '2030');\n",
	  0, NULL },
	{ HEAD INS_ROLE "('a', 'it''s\ntwo lines');", 0,
	  INS_ROLE "('a', 'it''s\ntwo lines');\n", 0, NULL },
	/* A file from before rules.network (sql/0009) reads as NULL. */
	{ HEAD INS_RULE "(9223372036854775807, '/', NULL, 'GET', 'all', '');",
	  0, INS_RULE7 "(9223372036854775807, '/', NULL, 'GET', 'all', '', "
	  "NULL);\n", 0, NULL },
	/* Networks and a rule's network (sql/0009-networks.sql). */
	{ HEAD INS_RULE7 "(2, '/a', NULL, 'GET', 'valid-user', '', 'lab');"
	  INS_NET "('lab', '10.0.0.0/8');" INS_RULE7 "(1, '/', NULL, 'GET', "
	  "'net:lab', '', NULL);", 0,
	  INS_NET "('lab', '10.0.0.0/8');\n"
	  INS_RULE7 "(2, '/a', NULL, 'GET', 'valid-user', '', 'lab');\n"
	  INS_RULE7 "(1, '/', NULL, 'GET', 'net:lab', '', NULL);\n", 0, NULL },
	/* The header, NUL bytes. */
	{ "", 0, NULL, 1, "not a policy export: the first line must be \""
	  POLFILE_HEADER "\" (portcullis export --format sql)" },
	{ POLFILE_HEADER, 0, NULL, 1, "not a policy export: the first "
	  "line must be \"" POLFILE_HEADER "\" (portcullis export "
	  "--format sql)" },
	{ "{\"format\": 1}\n", 0, NULL, 1, "not a policy export: the first "
	  "line must be \"" POLFILE_HEADER "\" (portcullis export "
	  "--format sql)" },
	{ HEAD "\n\0", sizeof(HEAD "\n\0") - 1, NULL, 3, "NUL byte" },
	/* The lexer. */
	{ HEAD "INSERT INTO roles (name, comment) VALUES ('a', 'b);\n", 0,
	  NULL, 2, "unterminated string" },
	{ HEAD "INSERT @", 0, NULL, 2, "unexpected character '@'" },
	{ HEAD "\x01", 0, NULL, 2, "unexpected character '?'" },
	{ HEAD INS_RULE "(12345678901234567890, '/', NULL, 'GET', 'all', '');",
	  0, NULL, 2, "number too long" },
	{ HEAD INS_RULE "(9999999999999999999, '/', NULL, 'GET', 'all', '');",
	  0, NULL, 2, "number too large" },
	/* The statements. */
	{ HEAD "DELETE FROM users;", 0, NULL, 2, "expected INSERT" },
	{ HEAD "INSERT users", 0, NULL, 2, "expected INTO" },
	{ HEAD "INSERT INTO nosuch", 0, NULL, 2, "expected a table: "
	  "settings, users, roles, members, resources, networks, rules, "
	  "certificates or role_includes" },
	{ HEAD "INSERT INTO users name", 0, NULL, 2, "expected '('" },
	{ HEAD "INSERT INTO users (name, expires)", 0, NULL, 2,
	  "expected disabled" },
	{ HEAD "INSERT INTO users (name, disabled, expires) VALUE", 0, NULL,
	  2, "expected VALUES" },
	{ HEAD INS_USER "('a', '0', NULL);", 0, NULL, 2,
	  "users.disabled: expected an integer" },
	{ HEAD INS_USER "('a', 0, 5);", 0, NULL, 2,
	  "users.expires: expected a string or NULL" },
	{ HEAD INS_ROLE "('a', NULL);", 0, NULL, 2,
	  "roles.comment: expected a string" },
	{ HEAD INS_ROLE "('a' 'b');", 0, NULL, 2, "expected ','" },
	{ HEAD INS_ROLE "('a', 'b')\n", 0, NULL, 3, "expected ';'" },
	{ HEAD INS_ROLE "('a', 'b', 'c');", 0, NULL, 2, "expected ')'" },
	{ HEAD "\n" INS_USER "('a', 2, NULL);", 0, NULL, 3,
	  "users.disabled must be 0 or 1" },
	{ HEAD INS_USER "('a:b', 0, NULL);", 0, NULL, 2, USER_NAME_MSG },
	{ HEAD INS_USER "('', 0, NULL);", 0, NULL, 2, USER_NAME_MSG },
	{ HEAD INS_RULE "(0, '/', NULL, 'GET', 'all', '');", 0, NULL, 2,
	  "rules.id must be 1 or more" },
	{ HEAD INS_RULE "(-3, '/', NULL, 'GET', 'all', '');", 0, NULL, 2,
	  "rules.id must be 1 or more" },
	/*
	 * Lines: a syntax error is at its token (strings may span
	 * lines), a value out of range at its statement's INSERT.
	 */
	{ HEAD INS_ROLE "('a',\n'b\nc'\n);" INS_ROLE "\n('b', 1);", 0, NULL,
	  6, "roles.comment: expected a string" },
	{ HEAD INS_ROLE "\n('a',\n'b');\nINSERT INTO rules (id) VALUES (0);",
	  0, NULL, 5, "expected ','" },
	{ HEAD "\n" INS_USER "\n('a',\n 2, NULL);", 0, NULL, 3,
	  "users.disabled must be 0 or 1" },
};

START_TEST(test_read)
{
	struct policy	 pol;
	char		 err[256], *s;
	const char	*t = reads[_i].text;
	size_t		 line = 99, len;
	int		 rc;

	memset(&pol, 0, sizeof(pol));
	len = reads[_i].len > 0 ? reads[_i].len : strlen(t);
	rc = polfile_read(t, len, &pol, &line, err, sizeof(err));
	if (reads[_i].want == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, reads[_i].msg);
		ck_assert_uint_eq(line, reads[_i].line);
	} else {
		ck_assert_msg(rc == 0, "line %zu: %s", line, err);
		s = written(&pol, POLFMT_SQL);
		ck_assert_str_eq(s + strlen(HEAD3), reads[_i].want);
		free(s);
	}
	pol_free(&pol);
}
END_TEST

/* The fields of one read, with each row's line. */
START_TEST(test_read_fields)
{
	static const char text[] = HEAD
	    "INSERT INTO settings (name, value) VALUES ('realm', 'x');\n"
	    INS_USER "('alice', 1, NULL);\n"
	    INS_ROLE "('editor', 'e');\n"
	    "INSERT INTO members (user, role) VALUES ('alice', 'editor');\n"
	    "-- a comment\n"
	    "INSERT INTO resources (pattern, host, comment) VALUES "
	    "('/a', 'example.com', '');\n"
	    INS_RULE "(42, '/a', NULL, 'GET', 'editor', 'c');\n";
	struct policy	 pol;
	char		 err[256];
	size_t		 line;

	memset(&pol, 0, sizeof(pol));
	ck_assert_int_eq(polfile_read(text, sizeof(text) - 1, &pol, &line,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(pol.nsettings, 1);
	ck_assert_str_eq(pol.settings[0].value, "x");
	ck_assert_uint_eq(pol.settings[0].line, 2);
	ck_assert_uint_eq(pol.nusers, 1);
	ck_assert_str_eq(pol.users[0].name, "alice");
	ck_assert_int_eq(pol.users[0].disabled, 1);
	ck_assert_ptr_null(pol.users[0].expires);
	ck_assert_ptr_null(pol.users[0].hash);
	ck_assert_uint_eq(pol.users[0].line, 3);
	ck_assert_str_eq(pol.roles[0].comment, "e");
	ck_assert_str_eq(pol.members[0].role, "editor");
	ck_assert_uint_eq(pol.members[0].line, 5);
	ck_assert_str_eq(pol.resources[0].host, "example.com");
	ck_assert_uint_eq(pol.resources[0].line, 7);
	ck_assert_uint_eq(pol.nrules, 1);
	ck_assert_int_eq(pol.rules[0].id, 42);
	ck_assert_ptr_null(pol.rules[0].host);
	ck_assert_str_eq(pol.rules[0].principal, "editor");
	ck_assert_uint_eq(pol.rules[0].line, 8);
	pol_free(&pol);
}
END_TEST

/* A file without a final NUL: the reader keeps to len. */
START_TEST(test_read_bounded)
{
	static const char text[] = HEAD INS_ROLE "('a', 'b');\n'";
	struct policy	 pol;
	char		*buf, err[256];
	size_t		 line, len = sizeof(text) - 2;

	memset(&pol, 0, sizeof(pol));
	ck_assert_ptr_nonnull(buf = malloc(len));
	memcpy(buf, text, len);		/* without the last ' and NUL */
	ck_assert_int_eq(polfile_read(buf, len, &pol, &line, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(pol.nroles, 1);
	pol_free(&pol);
	free(buf);
}
END_TEST

static Suite *
policyfile_suite(void)
{
	Suite	*s = suite_create("policyfile");
	TCase	*tc = tcase_create("table");

	tcase_add_loop_test(tc, test_write, 0, nitems(writes));
	tcase_add_loop_test(tc, test_roundtrip, 0, nitems(writes));
	tcase_add_loop_test(tc, test_read, 0, nitems(reads));
	tcase_add_test(tc, test_read_fields);
	tcase_add_test(tc, test_read_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(policyfile_suite());
}
