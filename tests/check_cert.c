/*
 * check_cert.c: client certificates (cert.c, sql/0008-certificates.sql,
 * decide.c's cert_auth()): the PEM, escaped or not, to the SHA-256 of
 * its DER (checked against `openssl x509 -outform DER | sha256sum`),
 * every refusal of the parser, what cert_read() takes from the
 * server's parameters (and never from a client's header), and the
 * decision on a real database: a mapped certificate logs in, every
 * other certificate leaves the decision to the Authorization header,
 * with the reason and the fingerprint prefix for the log.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "extern.h"
#include "testlib.h"

/* openssl req -x509 -newkey ec ... -subj "/CN=alice/O=Example" */
#define L1	"MIIBnDCCAUGgAwIBAgIUV4SijHn0ZfTjvf/MAjKSzNHzEM0wCgYIKoZIzj0EAwIw"
#define L2	"IjEOMAwGA1UEAwwFYWxpY2UxEDAOBgNVBAoMB0V4YW1wbGUwIBcNMjYxMjAyMTQ0"
#define L3	"NjIxWhgPMjEyNjExMDgxNDQ2MjFaMCIxDjAMBgNVBAMMBWFsaWNlMRAwDgYDVQQK"
#define L4	"DAdFeGFtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdGSxLaBq/cjrAcYp"
#define L5	"DeYRMeWjd9FcGmfYIGPhJgWVOdhojEc1TAriXpSvpcXSlTClErTa46kqBSV5uP/N"
#define L6	"NAsYZ6NTMFEwHQYDVR0OBBYEFJZefhlBqf5d9P6TyhAX9ZpmhiocMB8GA1UdIwQY"
#define L7	"MBaAFJZefhlBqf5d9P6TyhAX9ZpmhiocMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI"
#define L8	"zj0EAwIDSQAwRgIhAPsxmwTD/3rcKoyDi+wPu6X/NSCvqFCcGbl9v4elR1llAiEA"
#define L9	"33ii6ZMltsytaqii0H5f8cSodDBQKRcBXPP2H4mzuVw="
#define BODY	L1 "\n" L2 "\n" L3 "\n" L4 "\n" L5 "\n" L6 "\n" L7 "\n" L8 "\n"
#define BEGIN	"-----BEGIN CERTIFICATE-----"
#define END	"-----END CERTIFICATE-----"
#define PEM	BEGIN "\n" BODY L9 "\n" END "\n"
/* openssl x509 -in c.pem -outform DER | sha256sum */
#define FP	"a5ee9cbb6b579bd790ff67fc3496c5357c1284c2f8017d4b77af0d5a1854f091"

static const struct {
	const char	*pem;
	enum certres	 want;
} pems[] = {
	{ PEM, CERTRES_OK },
	{ BEGIN "\r\n" L1 "\r\n" L2 "\r\n" L3 "\r\n" L4 "\r\n" L5 "\r\n" L6
	    "\r\n" L7 "\r\n" L8 "\r\n" L9 "\r\n" END "\r\n", CERTRES_OK },
	/* nginx's old $ssl_client_cert: every line after the first indented */
	{ BEGIN "\n\t" L1 "\n\t" L2 "\n\t" L3 "\n\t" L4 "\n\t" L5 "\n\t" L6
	    "\n\t" L7 "\n\t" L8 "\n\t" L9 "\n\t" END "\n", CERTRES_OK },
	{ "  \n" BEGIN L1 L2 L3 L4 L5 L6 L7 L8 L9 END, CERTRES_OK },
	{ "", CERTRES_NONE },
	{ " \t\r\n", CERTRES_NONE },
	{ BODY L9, CERTRES_PEM },
	{ "-----BEGIN PRIVATE KEY-----\n" BODY L9 "\n"
	    "-----END PRIVATE KEY-----\n", CERTRES_PEM },
	{ BEGIN "\n" BODY L9 "\n-----END CERTIFICATE----\n", CERTRES_PEM },
	{ BEGIN "\n" BODY L9 "\n", CERTRES_PEM },
	{ BEGIN "\n" END "\n", CERTRES_PEM },
	{ PEM PEM, CERTRES_PEM },
	{ PEM "x", CERTRES_PEM },
	{ BEGIN "\n" BODY L9 "\n" END "x", CERTRES_PEM },
	{ BEGIN "\n" BODY L9 "\n" END "-", CERTRES_PEM },
	{ "x" PEM, CERTRES_PEM },
	{ BEGIN "\n" BODY "*" L9 "\n" END, CERTRES_BASE64 },
	{ BEGIN "\n" BODY "33ii6ZMltsytaqii0H5f8cSodDBQKRcBXPP2H4mzuVw\n" END,
	    CERTRES_BASE64 },			/* no padding */
	{ BEGIN "\n" BODY "33ii6ZMltsytaqii0H5f8cSodDBQKRcBXPP2H4mzuVx=\n" END,
	    CERTRES_BASE64 },			/* pad bits not zero */
	{ BEGIN "\n" BODY "33ii6ZMltsytaqii0H5f8cSodDBQKRcBXPP2H4mzuV==\n" END,
	    CERTRES_BASE64 },			/* "==" after 3 digits */
	{ BEGIN "\n" BODY "33ii6ZMltsytaqii0H5f8cSodDBQKRcBXPP2H4mz=Vw=\n" END,
	    CERTRES_BASE64 },			/* a digit after '=' */
	{ BEGIN "\n" BODY END, CERTRES_DER },	/* cut: length says more */
	{ BEGIN "\naGVsbG8=\n" END, CERTRES_DER },	/* "hello" */
	{ BEGIN "\nMAA=\n" END, CERTRES_OK },	/* an empty SEQUENCE */
	{ BEGIN "\nMIEA\n" END, CERTRES_DER },	/* long form for 0 */
	{ BEGIN "\nMAE=\n" END, CERTRES_DER },	/* 1 byte said, 0 there */
	{ "%", CERTRES_ESCAPE },
	{ BEGIN "%0", CERTRES_ESCAPE },
	{ BEGIN "%zz" BODY L9 "\n" END, CERTRES_ESCAPE },
	{ "-----BEGIN%20CERTIFICATE-----%0A" L1 "%0A" L2 "%0A" L3 "%0A" L4
	    "%0A" L5 "%0A" L6 "%0A" L7 "%0A" L8 "%0A" L9 "%0A" END "%0a",
	    CERTRES_OK },
	{ "-----BEGIN%20CERTIFICATE-----%0A" L1 "%0A" L9 "%0A" END "%",
	    CERTRES_ESCAPE },
};

/*
 * Percent-encode s as nginx's $ssl_client_escaped_cert does (every
 * byte but letters, digits, "-", "." and "_"), into a new string.
 */
static char *
escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*out, *p;

	ck_assert_ptr_nonnull(out = malloc(3 * strlen(s) + 1));
	for (p = out; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._", *s) != NULL)
			*p++ = *s;
		else {
			*p++ = '%';
			*p++ = hex[(unsigned char)*s >> 4];
			*p++ = hex[*s & 0xf];
		}
	}
	*p = '\0';
	return out;
}

START_TEST(test_cert_fingerprint)
{
	char		 fp[CERT_FPLEN + 1];
	char		*esc;
	enum certres	 res;

	res = cert_fingerprint(fp, pems[_i].pem, strlen(pems[_i].pem));
	ck_assert_msg(res == pems[_i].want, "row %d: %s", _i,
	    certres_str[res]);
	if (res != CERTRES_OK) {
		ck_assert_str_eq(fp, "");
		return;
	}
	ck_assert_uint_eq(strlen(fp), CERT_FPLEN);
	if (strstr(pems[_i].pem, L9) != NULL)
		ck_assert_str_eq(fp, FP);
	/* The same certificate escaped as nginx does it. */
	if (strchr(pems[_i].pem, '%') != NULL)
		return;
	esc = escape(pems[_i].pem);
	ck_assert_int_eq(cert_fingerprint(fp, esc, strlen(esc)), CERTRES_OK);
	if (strstr(pems[_i].pem, L9) != NULL)
		ck_assert_str_eq(fp, FP);
	free(esc);
}
END_TEST

/* The caps come first, and DER that would not fit is refused. */
START_TEST(test_cert_caps)
{
	unsigned char	 der[16];
	char		 fp[CERT_FPLEN + 1];
	char		*big;
	size_t		 n = 99;

	ck_assert_ptr_nonnull(big = malloc(CERT_PEM_MAX + 2));
	memset(big, ' ', CERT_PEM_MAX + 1);
	big[CERT_PEM_MAX + 1] = '\0';
	memcpy(big, PEM, sizeof(PEM) - 1);
	ck_assert_int_eq(cert_fingerprint(fp, big, CERT_PEM_MAX + 1),
	    CERTRES_TOOLONG);
	ck_assert_int_eq(cert_fingerprint(fp, big, CERT_PEM_MAX), CERTRES_OK);
	ck_assert_str_eq(fp, FP);
	free(big);
	ck_assert_int_eq(cert_der(der, sizeof(der), PEM, sizeof(PEM) - 1,
	    &n), CERTRES_TOOLONG);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(cert_der(der, sizeof(der), NULL, 0, &n),
	    CERTRES_NONE);
}
END_TEST

/*
 * What cert_read() makes of the server's parameters: verified only
 * for SSL_CLIENT_VERIFY "SUCCESS" over HTTPS "on"; the client's
 * headers (HTTP_*) are never read.
 */
static const struct {
	const char	*env[14];
	enum certst	 state;
	enum certres	 pem;
	const char	*fp;
	const char	*subject;
	const char	*issuer;
} reads[] = {
	{ { "SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "on", "SSL_CLIENT_CERT",
	    PEM, "SSL_CLIENT_S_DN", "CN=alice,O=Example", "SSL_CLIENT_I_DN",
	    "CN=CA" }, CERTST_VERIFIED, CERTRES_OK, FP, "CN=alice,O=Example",
	    "CN=CA" },
	{ { "SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "on",
	    "SSL_CLIENT_S_DN", "CN=alice" }, CERTST_VERIFIED, CERTRES_NONE,
	    "", "CN=alice", "" },
	{ { "SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "on", "SSL_CLIENT_CERT",
	    "garbage" }, CERTST_VERIFIED, CERTRES_PEM, "", "", "" },
	/* Not verified, or not by this server over TLS: nothing read. */
	{ { "SSL_CLIENT_VERIFY", "SUCCESS", "SSL_CLIENT_CERT", PEM,
	    "SSL_CLIENT_S_DN", "CN=alice" }, CERTST_UNVERIFIED,
	    CERTRES_NONE, "", "", "" },
	{ { "SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "off",
	    "SSL_CLIENT_CERT", PEM }, CERTST_UNVERIFIED, CERTRES_NONE, "",
	    "", "" },
	{ { "SSL_CLIENT_VERIFY", "FAILED:certificate revoked", "HTTPS", "on",
	    "SSL_CLIENT_CERT", PEM, "SSL_CLIENT_S_DN", "CN=alice" },
	    CERTST_UNVERIFIED, CERTRES_NONE, "", "", "" },
	{ { "SSL_CLIENT_VERIFY", "GENEROUS", "HTTPS", "on",
	    "SSL_CLIENT_CERT", PEM }, CERTST_UNVERIFIED, CERTRES_NONE, "", "",
	    "" },
	{ { "SSL_CLIENT_VERIFY", "success", "HTTPS", "on",
	    "SSL_CLIENT_CERT", PEM }, CERTST_UNVERIFIED, CERTRES_NONE, "", "",
	    "" },
	{ { "SSL_CLIENT_VERIFY", "NONE", "HTTPS", "on", "SSL_CLIENT_CERT",
	    PEM }, CERTST_NONE, CERTRES_NONE, "", "", "" },
	{ { "SSL_CLIENT_VERIFY", "", "HTTPS", "on", "SSL_CLIENT_CERT", PEM },
	    CERTST_NONE, CERTRES_NONE, "", "", "" },
	{ { "HTTPS", "on", "SSL_CLIENT_CERT", PEM, "SSL_CLIENT_S_DN",
	    "CN=alice" }, CERTST_NONE, CERTRES_NONE, "", "", "" },
	/* A client's headers under the servers' names: never read. */
	{ { "HTTP_SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "on",
	    "HTTP_SSL_CLIENT_CERT", PEM, "HTTP_X_SSL_CLIENT_S_DN",
	    "CN=alice", "HTTP_SSL_CLIENT_S_DN", "CN=alice" }, CERTST_NONE,
	    CERTRES_NONE, "", "", "" },
	/* A DN no row can hold is no DN. */
	{ { "SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "on",
	    "SSL_CLIENT_S_DN", "CN=a\nb", "SSL_CLIENT_I_DN", "" },
	    CERTST_VERIFIED, CERTRES_NONE, "", "", "" },
};

START_TEST(test_cert_read)
{
	const char	*env[20];
	struct reqcert	 c;
	size_t		 n;

	memset(env, 0, sizeof(env));
	for (n = 0; n < nitems(reads[_i].env) && reads[_i].env[n] != NULL;
	    n++)
		env[n] = reads[_i].env[n];
	cert_read(&c, env_get, env);
	ck_assert_int_eq(c.state, reads[_i].state);
	ck_assert_int_eq(c.pem, reads[_i].pem);
	ck_assert_str_eq(c.fp, reads[_i].fp);
	ck_assert_str_eq(c.subject, reads[_i].subject);
	ck_assert_str_eq(c.issuer, reads[_i].issuer);
}
END_TEST

/* A DN of CERT_DN_MAX bytes is kept; one more is none. */
START_TEST(test_cert_dn_cap)
{
	char		 dn[CERT_DN_MAX + 2];
	const char	*env[] = { "SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "on",
			    "SSL_CLIENT_S_DN", dn, NULL, NULL };
	struct reqcert	 c;

	memset(dn, 'a', sizeof(dn) - 1);
	dn[CERT_DN_MAX] = '\0';
	cert_read(&c, env_get, env);
	ck_assert_uint_eq(strlen(c.subject), CERT_DN_MAX);
	dn[CERT_DN_MAX] = 'a';
	dn[CERT_DN_MAX + 1] = '\0';
	cert_read(&c, env_get, env);
	ck_assert_str_eq(c.subject, "");
}
END_TEST

static const char policy_sql[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "'),"
    "    ('bob', '" FX_BCRYPT "'), ('erin', '" FX_BCRYPT "');"
    "INSERT INTO users (name, hash, disabled) VALUES "
    "    ('carol', '" FX_BCRYPT "', 1);"
    "INSERT INTO users (name, hash, expires) VALUES "
    "    ('dave', '" FX_BCRYPT "', '2000-01-01');"
    "INSERT INTO roles (name) VALUES ('editor');"
    "INSERT INTO members (user, role) VALUES ('alice', 'editor');"
    "INSERT INTO certificates (user, fingerprint) VALUES "
    "    ('alice', '" FP "');"
    "INSERT INTO certificates (user, subject, issuer) VALUES "
    "    ('bob', 'CN=bob', 'CN=CA1'), ('carol', 'CN=carol', NULL),"
    "    ('dave', 'CN=dave', NULL), ('erin', 'CN=alice,O=Example', NULL);"
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/pub/**', 'GET', 'all'),"
    "    ('/v/**', 'GET', 'valid-user'),"
    "    ('/ed/**', 'GET', 'editor');";

#define V	"SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "on"
#define OK	VERDICT_ALLOW
#define NOAUTH	VERDICT_NOAUTH

/*
 * One request in auth_request mode: its certificate parameters, a
 * Basic "user:pass" or none; the verdict, why, user and roles, and
 * what the log names: the certificate and why it was not used.
 */
static const struct {
	const char	*target;
	const char	*env[10];
	const char	*basic;
	enum verdict	 verdict;
	enum why	 why;
	const char	*user;
	const char	*roles;
	const char	*cert;
	enum why	 certwhy;
} rows[] = {
	/* The fingerprint row wins over erin's subject row. */
	{ "/ed/x", { V, "SSL_CLIENT_CERT", PEM, "SSL_CLIENT_S_DN",
	    "CN=alice,O=Example" }, NULL, OK, WHY_GRANT_ROLE, "alice",
	    "editor", "a5ee9cbb6b579bd7", WHY_NONE },
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=alice,O=Example" }, NULL, OK,
	    WHY_GRANT_VALID_USER, "erin", "", "subject", WHY_NONE },
	{ "/ed/x", { V, "SSL_CLIENT_S_DN", "CN=alice,O=Example" }, NULL,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "erin", "", "subject",
	    WHY_NONE },
	/* A certificate wins over the Authorization header. */
	{ "/v/x", { V, "SSL_CLIENT_CERT", PEM }, "bob:wrong", OK,
	    WHY_GRANT_VALID_USER, "alice", "editor", "a5ee9cbb6b579bd7",
	    WHY_NONE },
	/* Subject with the issuer the row names, and with another. */
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=bob", "SSL_CLIENT_I_DN",
	    "CN=CA1" }, NULL, OK, WHY_GRANT_VALID_USER, "bob", "", "subject",
	    WHY_NONE },
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=bob", "SSL_CLIENT_I_DN",
	    "CN=CA2" }, NULL, NOAUTH, WHY_NO_CREDENTIALS, "", "", "subject",
	    WHY_UNMAPPED_CERT },
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=bob" }, NULL, NOAUTH,
	    WHY_NO_CREDENTIALS, "", "", "subject", WHY_UNMAPPED_CERT },
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "cn=bob", "SSL_CLIENT_I_DN",
	    "CN=CA1" }, NULL, NOAUTH, WHY_NO_CREDENTIALS, "", "", "subject",
	    WHY_UNMAPPED_CERT },
	/* Unmapped: the Authorization decides. */
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=nobody" }, NULL, NOAUTH,
	    WHY_NO_CREDENTIALS, "", "", "subject", WHY_UNMAPPED_CERT },
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=nobody" }, "bob:s3cret", OK,
	    WHY_GRANT_VALID_USER, "bob", "", "subject", WHY_UNMAPPED_CERT },
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=nobody" }, "bob:wrong", NOAUTH,
	    WHY_BAD_PASSWORD, "", "", "subject", WHY_UNMAPPED_CERT },
	{ "/v/x", { V }, NULL, NOAUTH, WHY_NO_CREDENTIALS, "", "", "-",
	    WHY_UNMAPPED_CERT },
	{ "/v/x", { V, "SSL_CLIENT_CERT", "junk" }, NULL, NOAUTH,
	    WHY_NO_CREDENTIALS, "", "", "-", WHY_BAD_CERT },
	{ "/v/x", { V, "SSL_CLIENT_CERT", "junk", "SSL_CLIENT_S_DN",
	    "CN=bob", "SSL_CLIENT_I_DN", "CN=CA1" }, NULL, OK,
	    WHY_GRANT_VALID_USER, "bob", "", "subject", WHY_NONE },
	/* A mapped user who may not log in: the Authorization decides. */
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=carol" }, NULL, NOAUTH,
	    WHY_NO_CREDENTIALS, "", "", "subject", WHY_DISABLED_USER },
	{ "/v/x", { V, "SSL_CLIENT_S_DN", "CN=dave" }, "bob:s3cret", OK,
	    WHY_GRANT_VALID_USER, "bob", "", "subject", WHY_EXPIRED_USER },
	/* Not verified by the server: ignored. */
	{ "/v/x", { "SSL_CLIENT_VERIFY", "FAILED:certificate revoked",
	    "HTTPS", "on", "SSL_CLIENT_CERT", PEM }, NULL, NOAUTH,
	    WHY_NO_CREDENTIALS, "", "", "-", WHY_UNVERIFIED_CERT },
	{ "/v/x", { "SSL_CLIENT_VERIFY", "SUCCESS", "SSL_CLIENT_CERT", PEM },
	    "bob:s3cret", OK, WHY_GRANT_VALID_USER, "bob", "", "-",
	    WHY_UNVERIFIED_CERT },
	{ "/v/x", { "SSL_CLIENT_VERIFY", "NONE", "HTTPS", "on" }, NULL,
	    NOAUTH, WHY_NO_CREDENTIALS, "", "", "", WHY_NONE },
	/* Headers a client sends under the servers' names change nothing. */
	{ "/v/x", { "HTTP_SSL_CLIENT_VERIFY", "SUCCESS", "HTTPS", "on",
	    "HTTP_SSL_CLIENT_CERT", PEM, "HTTP_X_SSL_CLIENT_S_DN",
	    "CN=bob" }, NULL, NOAUTH, WHY_NO_CREDENTIALS, "", "", "",
	    WHY_NONE },
	/* A grant to all reads no certificate. */
	{ "/pub/x", { V, "SSL_CLIENT_CERT", PEM }, NULL, OK, WHY_GRANT_ALL,
	    "", "", "", WHY_NONE },
};

START_TEST(test_cert_decide)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	const char	*env[32];
	char		 b64[256], authz[300];
	size_t		 n = 0, i;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(pw_init(), 0);
	env[n++] = "PORTCULLIS_MODE";
	env[n++] = "auth_request";
	env[n++] = "REQUEST_METHOD";
	env[n++] = "GET";
	env[n++] = "REQUEST_URI";
	env[n++] = rows[_i].target;
	env[n++] = "REMOTE_ADDR";
	env[n++] = "192.0.2.7";
	for (i = 0; i < nitems(rows[_i].env) && rows[_i].env[i] != NULL; i++)
		env[n++] = rows[_i].env[i];
	if (rows[_i].basic != NULL) {
		ck_assert_uint_gt(b64_encode(b64, sizeof(b64), rows[_i].basic,
		    strlen(rows[_i].basic)), 0);
		snprintf(authz, sizeof(authz), "Basic %s", b64);
		env[n++] = "HTTP_AUTHORIZATION";
		env[n++] = authz;
	}
	env[n++] = NULL;
	env[n++] = NULL;
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide(s, &req, &d);
	ck_assert_msg(d.verdict == rows[_i].verdict && d.why == rows[_i].why,
	    "row %d: verdict %d why %s", _i, d.verdict, why_str[d.why]);
	ck_assert_str_eq(d.user, rows[_i].user);
	ck_assert_str_eq(d.roles, rows[_i].roles);
	ck_assert_str_eq(d.cert, rows[_i].cert);
	ck_assert_msg(d.certwhy == rows[_i].certwhy, "row %d: certwhy %s",
	    _i, why_str[d.certwhy]);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/*
 * The log line names the certificate by its fingerprint prefix and
 * why it was not used, never the PEM; an allowed one as the user.
 */
START_TEST(test_cert_log)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 k;
	struct writer	 w;

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	snprintf(req.method, sizeof(req.method), "GET");
	snprintf(req.path, sizeof(req.path), "/v/x");
	snprintf(req.addr, sizeof(req.addr), "192.0.2.7");
	d.verdict = VERDICT_NOAUTH;
	d.why = WHY_NO_CREDENTIALS;
	snprintf(d.cert, sizeof(d.cert), "a5ee9cbb6b579bd7");
	d.certwhy = WHY_UNMAPPED_CERT;
	sink_init(&k, &w, -1);
	log_decision(&w, &req, &d);
	ck_assert_str_eq(sink_str(&k), "portcullis: denied: client=192.0.2.7 "
	    "status=401 reason=no-credentials user=\"\" method=\"GET\" "
	    "uri=\"/v/x\" cert=a5ee9cbb6b579bd7 cert_reason=unmapped-cert\n");
	free(k.buf);
	d.verdict = VERDICT_ALLOW;
	d.why = WHY_GRANT_VALID_USER;
	d.certwhy = WHY_NONE;
	d.rule = 2;
	snprintf(d.user, sizeof(d.user), "alice");
	log_allowed(1);
	sink_init(&k, &w, -1);
	log_decision(&w, &req, &d);
	log_allowed(0);
	ck_assert_str_eq(sink_str(&k), "portcullis: allowed: "
	    "client=192.0.2.7 user=\"alice\" cache=- method=\"GET\" "
	    "uri=\"/v/x\" cert=a5ee9cbb6b579bd7 rule=2\n");
	free(k.buf);
}
END_TEST

/* The schema refuses what no certificate is, and keeps one user each. */
static const struct {
	const char	*sql;
	const char	*err;		/* a substring of the refusal */
} refusals[] = {
	{ "INSERT INTO certificates (user, fingerprint) VALUES ('alice', "
	    "'A5EE9CBB6B579BD790FF67FC3496C5357C1284C2F8017D4B77AF0D5A1854F091')",
	    "fingerprint must be 64 lowercase hex" },
	{ "INSERT INTO certificates (user, fingerprint) VALUES ('bob', '"
	    FP "')", "UNIQUE" },
	{ "INSERT INTO certificates (user) VALUES ('bob')",
	    "either a fingerprint or a subject" },
	{ "INSERT INTO certificates (user, fingerprint, subject) VALUES "
	    "('bob', '" "0000000000000000000000000000000000000000000000000000"
	    "000000000000', 'CN=x')", "either a fingerprint or a subject" },
	{ "INSERT INTO certificates (user, fingerprint, issuer) VALUES "
	    "('bob', '" "0000000000000000000000000000000000000000000000000000"
	    "000000000000', 'CN=x')", "issuer needs a subject" },
	{ "INSERT INTO certificates (user, subject) VALUES ('bob', '')",
	    "subject must be 1-1024 bytes" },
	{ "INSERT INTO certificates (user, subject) VALUES ('bob', "
	    "'CN=a' || char(10))", "subject must be 1-1024 bytes" },
	{ "INSERT INTO certificates (user, subject) VALUES ('nobody', "
	    "'CN=x')", "no such user" },
	{ "INSERT INTO certificates (user, subject, issuer) VALUES ('alice', "
	    "'CN=bob', 'CN=CA2')", "that subject maps to another user" },
	{ "INSERT INTO certificates (user, subject, issuer) VALUES ('bob', "
	    "'CN=bob', 'CN=CA1')", "UNIQUE" },
	{ "INSERT INTO certificates (user, subject) VALUES ('alice', "
	    "'CN=carol')", "that subject maps to another user" },
	{ "UPDATE certificates SET user = 'alice' WHERE subject = 'CN=bob'",
	    "" },	/* one row of a subject: moving it is fine */
	{ "INSERT INTO certificates (user, subject) VALUES ('bob', 'CN=x');"
	    "INSERT INTO certificates (user, subject, issuer) VALUES ('bob', "
	    "'CN=x', 'CN=CA9');"
	    "UPDATE certificates SET user = 'alice' WHERE issuer = 'CN=CA9'",
	    "that subject maps to another user" },
};

START_TEST(test_cert_schema)
{
	struct fx	 f;
	char		*got;
	char		 cmd[2048];
	FILE		*p;
	char		 out[512];
	size_t		 n;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	snprintf(cmd, sizeof(cmd), "sqlite3 -bail '%s' \"%s\" 2>&1", f.db,
	    refusals[_i].sql);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	if (*refusals[_i].err == '\0') {
		ck_assert_int_eq(pclose(p), 0);
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_int_ne(pclose(p), 0);
		ck_assert_msg(strstr(out, refusals[_i].err) != NULL,
		    "row %d: %s", _i, out);
	}
	/* A renamed user keeps its rows; a deleted one loses them. */
	fx_exec(&f, "UPDATE users SET name = 'bobby' WHERE name = 'bob'");
	got = db_rows(f.db, "SELECT user FROM certificates WHERE "
	    "subject = 'CN=bob' AND issuer = 'CN=CA1'");
	ck_assert_str_eq(got, *refusals[_i].err == '\0' ? "alice\n" :
	    "bobby\n");
	free(got);
	fx_exec(&f, "DELETE FROM users WHERE name = 'alice'");
	got = db_rows(f.db, "SELECT count(*) FROM certificates WHERE "
	    "user = 'alice'");
	ck_assert_str_eq(got, "0\n");
	free(got);
	fx_teardown(&f);
}
END_TEST

static Suite *
cert_suite(void)
{
	Suite	*s = suite_create("cert");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_cert_fingerprint, 0, nitems(pems));
	tcase_add_test(tc, test_cert_caps);
	tcase_add_loop_test(tc, test_cert_read, 0, nitems(reads));
	tcase_add_test(tc, test_cert_dn_cap);
	tcase_add_loop_test(tc, test_cert_decide, 0, nitems(rows));
	tcase_add_test(tc, test_cert_log);
	tcase_add_loop_test(tc, test_cert_schema, 0, nitems(refusals));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(cert_suite());
}
