/*
 * adm_cert.c: `portcullis cert`, client certificates that log in as a
 * user (sql/0008-certificates.sql, README "Client certificates"):
 *
 *	cert add USER (--pem FILE | --fingerprint HEX |
 *	    --subject DN [--issuer DN]) [--comment TEXT]
 *	cert list [USER]
 *	cert del (ID | --pem FILE | --fingerprint HEX |
 *	    --subject DN [--issuer DN])
 *
 * --pem reads the certificate (PEM, as the server passes it) and maps
 * its fingerprint, the SHA-256 of its DER (cert.c), as --fingerprint
 * HEX (64 hex digits, any case, ':' between pairs allowed: openssl's
 * -fingerprint -sha256 form) does.  --subject maps the subject DN
 * exactly as the server passes it in SSL_CLIENT_S_DN, and --issuer
 * pins the CA by the DN the server passes in SSL_CLIENT_I_DN.  Each
 * change confirms in one line on standard output:
 *	certificate ID of USER added: fingerprint HEX
 *	certificate ID of USER added: subject "DN" [issuer "DN"]
 *	certificate ID deleted
 * list prints one line per row:
 *	ID USER STATE CREATED fingerprint=HEX [comment="TEXT"]
 *	ID USER STATE CREATED subject="DN" [issuer="DN"] [comment="TEXT"]
 * STATE the user's (enabled, disabled or expired: only an enabled
 * user's certificate logs in), CREATED YYYY-MM-DDTHH:MM:SSZ, quoted
 * values with '"' and '\' escaped by '\'.  Exit 0, 1 on an error, 2
 * (-1 here) on a usage error.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define CERT_COMMENT_MAX 255	/* the schema agrees */

/* The selector of add and del: one certificate, or one subject. */
struct certsel {
	char		 fp[CERT_FPLEN + 1];	/* or "" */
	const char	*subject;		/* or NULL */
	const char	*issuer;		/* or NULL */
};

/*
 * HEX as the schema keeps a fingerprint into fp: 64 hex digits, any
 * case, optionally ':' between pairs.  Returns 0, or -1.
 */
static int
fp_parse(const char *hex, char *fp)
{
	size_t	 i, n = 0;
	char	 c;

	for (i = 0; hex[i] != '\0'; i++) {
		c = hex[i];
		if (c == ':' && n % 2 == 0 && n > 0 && hex[i + 1] != '\0')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (n == CERT_FPLEN || !((c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'f')))
			return -1;
		fp[n++] = c;
	}
	fp[n] = '\0';
	return n == CERT_FPLEN ? 0 : -1;
}

/* A DN as the schema allows one: 1-CERT_DN_MAX bytes, no controls. */
static int
dn_valid(const char *dn)
{
	size_t	 n = strlen(dn);

	return n > 0 && n <= CERT_DN_MAX && !has_ctl(dn, n);
}

/*
 * The selector from --pem, --fingerprint, --subject and --issuer (vals
 * in that order): exactly one of the first three, --issuer only with
 * --subject.  Returns 0, 1 after saying what is wrong, or -1 for a
 * usage error.
 */
static int
sel_parse(const char *what, const char **vals, struct certsel *sel)
{
	char		*pem;
	size_t		 n;
	enum certres	 res;
	int		 k = (vals[0] != NULL) + (vals[1] != NULL) +
			    (vals[2] != NULL);

	memset(sel, 0, sizeof(*sel));
	if (k != 1 || (vals[3] != NULL && vals[2] == NULL))
		return -1;
	if (vals[0] != NULL) {
		if ((pem = malloc(CERT_PEM_MAX + 2)) == NULL)
			return adm_fail(what, "out of memory");
		if (adm_cert_pem(vals[0], pem, CERT_PEM_MAX + 2, &n) == -1) {
			free(pem);
			return 1;
		}
		res = cert_fingerprint(sel->fp, pem, n);
		free(pem);
		if (res != CERTRES_OK) {
			fprintf(stderr, "portcullis: %s: not one PEM "
			    "certificate (%s)\n", vals[0], certres_str[res]);
			return 1;
		}
	} else if (vals[1] != NULL && fp_parse(vals[1], sel->fp) == -1)
		return adm_fail(what, "--fingerprint must be 64 hex digits "
		    "(the SHA-256 of the DER certificate)");
	if (vals[2] != NULL && !dn_valid(vals[2]))
		return adm_fail(what, "--subject must be 1-1024 bytes "
		    "without control characters");
	if (vals[3] != NULL && !dn_valid(vals[3]))
		return adm_fail(what, "--issuer must be 1-1024 bytes "
		    "without control characters");
	sel->subject = vals[2];
	sel->issuer = vals[3];
	return 0;
}

/* Print s quoted, '"' and '\' escaped: cert list, lint. */
void
cert_quoted(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

/* What the row or selector maps: fingerprint HEX, or subject "DN"... */
static void
sel_print(const char *fp, const char *subject, const char *issuer, char sep)
{
	if (fp != NULL && *fp != '\0') {
		printf("fingerprint%c%s", sep, fp);
		return;
	}
	printf("subject%c", sep);
	cert_quoted(subject);
	if (issuer != NULL) {
		printf(" issuer%c", sep);
		cert_quoted(issuer);
	}
}

/*
 * cert add USER (--pem FILE | --fingerprint HEX | --subject DN
 * [--issuer DN]) [--comment TEXT]
 */
static int
cert_add(const char *db, int argc, char *argv[])
{
	static const char *const names[] = { "pem", "fingerprint", "subject",
	    "issuer", "comment" };
	const char	*vals[5] = { NULL, NULL, NULL, NULL, NULL };
	struct certsel	 sel;
	struct adm	*a;
	const char	*user, *comment;
	char		 err[512], what[NAME_MAX_LEN + 8];
	int64_t		 id = 0;
	int		 k, rc, ret = 1;

	if (argc < 1)
		return -1;
	user = argv[0];
	if ((k = adm_opts(argc - 1, argv + 1, names, vals,
	    nitems(names))) == -1 || k != argc - 1)
		return -1;
	if (!name_valid(user, strlen(user)))
		return adm_fail("user name", "must be 1-255 bytes of UTF-8 "
		    "without ':' or control characters");
	comment = vals[4] != NULL ? vals[4] : "";
	if (strlen(comment) > CERT_COMMENT_MAX ||
	    has_ctl(comment, strlen(comment)))
		return adm_fail("cert add", "--comment must be 0-255 bytes "
		    "without control characters");
	if ((rc = sel_parse("cert add", vals, &sel)) != 0)
		return rc;
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	(void)snprintf(what, sizeof(what), "user %s", user);
	if (adm_begin(a, 1) == -1) {
		adm_fail("cert add", adm_errmsg(a));
		goto out;
	}
	rc = adm_cert_add(a, user, *sel.fp != '\0' ? sel.fp : NULL,
	    sel.subject, sel.issuer, comment, &id);
	if (rc != 1) {
		adm_fail(rc == 0 ? what : "cert add", rc == 0 ?
		    "no such user" : strcmp(adm_errmsg(a), "already exists") ==
		    0 ? "that certificate is mapped already (portcullis cert "
		    "list)" : adm_errmsg(a));
		adm_rollback(a);
		goto out;
	}
	if (adm_commit(a) == -1) {
		adm_fail("cert add", adm_errmsg(a));
		goto out;
	}
	printf("certificate %" PRId64 " of %s added: ", id, user);
	sel_print(sel.fp, sel.subject, sel.issuer, ' ');
	putchar('\n');
	ret = 0;
out:
	adm_close(a);
	return ret;
}

static int
cert_print(void *arg, const struct adm_cert *c)
{
	(void)arg;
	printf("%" PRId64 " %s %s %s ", c->id, c->user, c->disabled ?
	    "disabled" : c->expired ? "expired" : "enabled", c->created);
	sel_print(c->fingerprint, c->subject, c->issuer, '=');
	if (*c->comment != '\0') {
		fputs(" comment=", stdout);
		cert_quoted(c->comment);
	}
	return putchar('\n') == EOF ? -1 : 0;
}

/* cert list [USER] */
static int
cert_list(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	char		 err[512];
	int		 rc, ret = 0;

	if (argc > 1)
		return -1;
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if ((rc = adm_begin(a, 0)) == 0)
		rc = adm_cert_list(a, argc == 1 ? argv[0] : NULL, cert_print,
		    NULL);
	if (rc == -1)
		ret = adm_fail("cert list", adm_errmsg(a));
	adm_rollback(a);	/* a read: nothing to keep */
	adm_close(a);
	return ret;
}

/* cert del (ID | --pem FILE | --fingerprint HEX | --subject DN [--issuer DN]) */
static int
cert_del(const char *db, int argc, char *argv[])
{
	static const char *const names[] = { "pem", "fingerprint", "subject",
	    "issuer" };
	const char	*vals[4] = { NULL, NULL, NULL, NULL };
	struct certsel	 sel;
	struct adm	*a;
	char		 err[512], *end;
	long long	 id = 0;
	int64_t		 gone = 0;
	int		 k, rc;

	memset(&sel, 0, sizeof(sel));
	if (argc == 1 && strncmp(argv[0], "--", 2) != 0) {
		errno = 0;
		id = strtoll(argv[0], &end, 10);
		if (*argv[0] < '0' || *argv[0] > '9' || *end != '\0' ||
		    errno == ERANGE || id < 1)
			return adm_fail("cert del", "not a certificate id "
			    "(portcullis cert list shows them)");
	} else {
		if ((k = adm_opts(argc, argv, names, vals,
		    nitems(names))) == -1 || k != argc)
			return -1;
		if ((rc = sel_parse("cert del", vals, &sel)) != 0)
			return rc;
	}
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if ((rc = adm_begin(a, 1)) == 0) {
		rc = adm_cert_del(a, id, *sel.fp != '\0' ? sel.fp : NULL,
		    sel.subject, sel.issuer, &gone);
		if (rc == -1)
			adm_rollback(a);
		else if (adm_commit(a) == -1)
			rc = -1;
	}
	if (rc == -1)
		rc = adm_fail("cert del", adm_errmsg(a));
	else if (rc == 0)
		rc = adm_fail("cert del", "no such certificate");
	else {
		printf("certificate %" PRId64 " deleted\n", gone);
		rc = 0;
	}
	adm_close(a);
	return rc;
}

/* cert add|list|del ...: exit 0, 1 on an error; -1 for a usage error. */
int
cmd_cert(const char *db, int argc, char *argv[])
{
	if (argc < 1)
		return -1;
	if (strcmp(argv[0], "add") == 0)
		return cert_add(db, argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0)
		return cert_list(db, argc - 1, argv + 1);
	if (strcmp(argv[0], "del") == 0)
		return cert_del(db, argc - 1, argv + 1);
	return -1;
}
