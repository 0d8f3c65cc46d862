/*
 * portcullis: the administrator's program.  Creates and migrates the
 * database, manages users, roles and rules through admstore.c, and
 * `check` runs one request through the server's own decision path.
 *
 * Exit status: 0 success; 1 an error, reported on one line
 * "portcullis: what: why" on stderr; 2 a usage error.  `check`
 * exits 0 on allow, 2 on a 5xx answer and 1 on any other denial.
 * Passwords come from the terminal or stdin, never argv, and every
 * buffer that held one is wiped.
 */
#include "config.h"

#include <crypt.h>	/* CRYPT_MAX_PASSPHRASE_SIZE */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "extern.h"

#define PASS_MAX	1023	/* password bytes, as the server's cap */
#define WR_BUF_MAX	16384	/* response headers of `check` */

struct cmd {
	const char	*name;
	int		(*fn)(const char *, int, char *[]);
};

/* A getter table for req_parse(): name/value pairs, NULL-terminated. */
struct param {
	const char	*name;
	const char	*value;
};

/* A struct writer into a fixed buffer. */
struct bufwr {
	char		 buf[WR_BUF_MAX];
	size_t		 len;
};

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: portcullis [-d DB] init\n"
	    "       portcullis [-d DB] user add|passwd NAME\n"
	    "       portcullis [-d DB] user del|disable|enable NAME\n"
	    "       portcullis [-d DB] user list\n"
	    "       portcullis [-d DB] role add|del NAME\n"
	    "       portcullis [-d DB] grant USER ROLE\n"
	    "       portcullis [-d DB] revoke USER ROLE\n"
	    "       portcullis [-d DB] rule add [--host HOST] "
	    "PATTERN METHODS PRINCIPAL\n"
	    "       portcullis [-d DB] rule list\n"
	    "       portcullis [-d DB] rule del ID\n"
	    "       portcullis [-d DB] check [--host HOST] "
	    "[--mode MODE] METHOD TARGET [USER]\n"
	    "       portcullis [-d DB] shell\n"
	    "       portcullis [-d DB] import htpasswd|htgroup|policy "
	    "[--dry-run] FILE\n"
	    "       portcullis [-d DB] export [--format sql|json]\n"
	    "       portcullis [-d DB] lint\n",
	    stderr);
	exit(2);
}

/*
 * Report an error as one line "portcullis: what: why".  Return 1, the
 * exit status of an error.
 */
static int
fail(const char *what, const char *why)
{
	fprintf(stderr, "portcullis: %s: %s\n", what, why);
	return 1;
}

/*
 * Return NULL if name may be a user name (users: 1-255 bytes of UTF-8
 * without ':' (RFC 7617 §2) or control bytes), else why not.  Role
 * names are held to the same rule but may hold ':', so that the
 * schema's stricter CHECK words the refusal; either way nothing
 * unprintable reaches a message.
 */
static const char *
name_bad(const char *name, int user)
{
	size_t	 n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN || !utf8_valid(name, n) ||
	    has_ctl(name, n) || (user && strchr(name, ':') != NULL))
		return user ? "must be 1-255 bytes of UTF-8 without ':' or "
		    "control characters" : "must be 1-255 bytes of UTF-8 "
		    "without control characters";
	return NULL;
}

/*
 * Check a user (user != 0) or role name, reporting a bad one.  Return
 * 0 if good, else 1 (the exit status).
 */
static int
name_check(const char *name, int user)
{
	const char	*why;

	if ((why = name_bad(name, user)) == NULL)
		return 0;
	return fail(user ? "user name" : "role name", why);
}

/*
 * Read one line from fd into buf[0..bufsz), bufsz >= 2: the bytes up
 * to '\n' or the end of the file, without the '\n' or a "\r\n".  Read
 * byte by byte so that no stdio buffer keeps a copy.  Return 0 and its
 * length in *len, or -1 with *why: a read error, a NUL byte, or a line
 * over PASS_MAX bytes.  buf may hold password bytes either way.
 */
static int
line_read(int fd, char *buf, size_t bufsz, size_t *len, const char **why)
{
	ssize_t	 r;
	size_t	 n = 0;
	char	 c = '\0';
	int	 ret = -1;

	for (;;) {
		if ((r = read(fd, &c, 1)) == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			*why = strerror(errno);
			goto out;
		}
		if (r == 0 || c == '\n')
			break;
		if (c == '\0') {
			*why = "password contains a NUL byte";
			goto out;
		}
		if (n >= bufsz - 1 || n > PASS_MAX) {
			*why = "password longer than 1023 bytes";
			goto out;
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n > PASS_MAX) {
		*why = "password longer than 1023 bytes";
		goto out;
	}
	buf[n] = '\0';
	*len = n;
	ret = 0;
out:
	explicit_bzero(&c, sizeof(c));
	return ret;
}

/*
 * Prompt on /dev/tty and read a line there with echo off.  Return as
 * line_read().
 * XXX a signal while echo is off leaves the terminal so, as with
 * getpass(3); readpassphrase(3) is not in glibc.
 */
static int
tty_read(const char *prompt, char *buf, size_t bufsz, size_t *len,
    const char **why)
{
	struct termios	 old, noecho;
	int		 fd, ret = -1;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
		*why = strerror(errno);
		return -1;
	}
	if (tcgetattr(fd, &old) == -1) {
		*why = strerror(errno);
		goto out;
	}
	noecho = old;
	noecho.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHONL);
	if (write(fd, prompt, strlen(prompt)) == -1 ||
	    tcsetattr(fd, TCSAFLUSH, &noecho) == -1) {
		*why = strerror(errno);
		goto out;
	}
	ret = line_read(fd, buf, bufsz, len, why);
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) == -1 && ret == 0) {
		*why = strerror(errno);
		ret = -1;
	}
out:
	close(fd);
	return ret;
}

/*
 * Read a password into buf (at least PASS_MAX + 2 bytes): from the
 * terminal without echo if stdin is one, typed twice if confirm; else
 * one line of stdin.  Return 0 and its length in *len, or -1 with
 * *why.  The caller wipes buf.
 */
static int
pass_read(char *buf, size_t bufsz, size_t *len, int confirm,
    const char **why)
{
	char	 again[PASS_MAX + 2];
	size_t	 n;
	int	 ret = -1;

	if (!isatty(STDIN_FILENO))
		return line_read(STDIN_FILENO, buf, bufsz, len, why);
	if (tty_read("Password: ", buf, bufsz, len, why) == -1)
		goto out;
	if (confirm) {
		if (tty_read("Retype password: ", again, sizeof(again),
		    &n, why) == -1)
			goto out;
		if (n != *len || memcmp(again, buf, n) != 0) {
			*why = "passwords do not match";
			goto out;
		}
	}
	ret = 0;
out:
	explicit_bzero(again, sizeof(again));
	return ret;
}

/*
 * Read a new password for user and hash it into hash (PW_HASH_MAX).
 * Return 0, or 1 (the exit status) after reporting why not.
 */
static int
pass_new(const char *what, char *hash, size_t hashsz)
{
	static char	 msg[64];
	char		 pass[PASS_MAX + 2];
	const char	*why = NULL;
	size_t		 n = 0;
	int		 ret = 1;

	if (pass_read(pass, sizeof(pass), &n, 1, &why) == -1)
		goto out;
	if (n == 0) {
		why = "empty password";
		goto out;
	}
#ifdef CRYPT_MAX_PASSPHRASE_SIZE
	/* crypt_r() refuses longer ones, so the server could not check it. */
	if (n >= CRYPT_MAX_PASSPHRASE_SIZE) {
		(void)snprintf(msg, sizeof(msg), "password longer than %d "
		    "bytes (crypt(3))", CRYPT_MAX_PASSPHRASE_SIZE - 1);
		why = msg;
		goto out;
	}
#endif
	if (pw_init() == -1 || pw_hash(hash, hashsz, pass, n) == -1) {
		why = "cannot hash the password";
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(pass, sizeof(pass));
	if (ret != 0)
		fail(what, why);
	return ret;
}

/*
 * Open the database for a command other than init; report failure.
 */
static struct adm *
db_open(const char *db)
{
	struct adm	*a;
	char		 err[512];

	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		fail(db, err);
	return a;
}

static int
cmd_init(const char *db, int argc, char *argv[])
{
	char	 err[512];

	if (argc != 0)
		usage();
	if (adm_init(db, err, sizeof(err)) == -1)
		return fail(db, err);
	return 0;
}

static int
user_print(void *arg, const struct adm_userent *u)
{
	if (printf("%s\t%s\t%s\n", u->name, adm_ustate_str[u->state],
	    *u->roles == '\0' ? "-" : u->roles) < 0)
		return -1;
	return 0;
}

/*
 * user add|passwd NAME: read, hash and store a password.  The name is
 * looked up first so that a typo fails before the password is asked.
 */
static int
user_setpass(struct adm *a, const char *name, int add)
{
	char	 what[NAME_MAX_LEN + 8], hash[PW_HASH_MAX];
	int	 rc, ret = 1;

	(void)snprintf(what, sizeof(what), "user %s", name);
	if ((rc = adm_user_exists(a, name)) == -1)
		return fail(what, adm_errmsg(a));
	if (add && rc == 1)
		return fail(what, "already exists");
	if (!add && rc == 0)
		return fail(what, "no such user");
	if (pass_new(what, hash, sizeof(hash)) != 0)
		goto out;
	rc = add ? adm_user_add(a, name, hash) :
	    adm_user_passwd(a, name, hash);
	if (rc == -1)
		fail(what, adm_errmsg(a));
	else if (rc == 0)
		fail(what, add ? "already exists" : "no such user");
	else
		ret = 0;
out:
	explicit_bzero(hash, sizeof(hash));
	return ret;
}

static int
cmd_user(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	char		 what[NAME_MAX_LEN + 8];
	const char	*sub, *name;
	int		 rc, ret = 1;

	if (argc < 1)
		usage();
	sub = argv[0];
	if (strcmp(sub, "list") == 0) {
		if (argc != 1)
			usage();
		if ((a = db_open(db)) == NULL)
			return 1;
		if (adm_user_list(a, user_print, NULL) == -1)
			fail("user list", adm_errmsg(a));
		else
			ret = 0;
		adm_close(a);
		return ret;
	}
	if (argc != 2 || (strcmp(sub, "add") != 0 &&
	    strcmp(sub, "passwd") != 0 && strcmp(sub, "del") != 0 &&
	    strcmp(sub, "disable") != 0 && strcmp(sub, "enable") != 0))
		usage();
	name = argv[1];
	if (name_check(name, 1) != 0)
		return 1;
	if ((a = db_open(db)) == NULL)
		return 1;
	(void)snprintf(what, sizeof(what), "user %s", name);
	if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
		ret = user_setpass(a, name, strcmp(sub, "add") == 0);
		goto out;
	}
	if (strcmp(sub, "del") == 0)
		rc = adm_user_del(a, name);
	else
		rc = adm_user_disable(a, name, strcmp(sub, "disable") == 0);
	if (rc == -1)
		fail(what, adm_errmsg(a));
	else if (rc == 0)
		fail(what, "no such user");
	else
		ret = 0;
out:
	adm_close(a);
	return ret;
}

static int
cmd_role(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	char		 what[NAME_MAX_LEN + 8];
	int		 add, rc, ret = 1;

	if (argc != 2)
		usage();
	if (strcmp(argv[0], "add") == 0)
		add = 1;
	else if (strcmp(argv[0], "del") == 0)
		add = 0;
	else
		usage();
	if (name_check(argv[1], 0) != 0)
		return 1;
	if ((a = db_open(db)) == NULL)
		return 1;
	(void)snprintf(what, sizeof(what), "role %s", argv[1]);
	rc = add ? adm_role_add(a, argv[1]) : adm_role_del(a, argv[1]);
	if (rc == -1)
		fail(what, adm_errmsg(a));
	else if (rc == 0)
		fail(what, add ? "already exists" : "no such role");
	else
		ret = 0;
	adm_close(a);
	return ret;
}

/*
 * grant USER ROLE (idempotent) and revoke USER ROLE (a missing
 * membership is an error).
 */
static int
membership(const char *db, int argc, char *argv[], int grant)
{
	struct adm	*a;
	char		 what[2 * NAME_MAX_LEN + 16];
	int		 rc, ret = 1;

	if (argc != 2)
		usage();
	if (name_check(argv[0], 1) != 0 || name_check(argv[1], 0) != 0)
		return 1;
	if ((a = db_open(db)) == NULL)
		return 1;
	(void)snprintf(what, sizeof(what), "%s %s %s",
	    grant ? "grant" : "revoke", argv[0], argv[1]);
	rc = grant ? adm_grant(a, argv[0], argv[1]) :
	    adm_revoke(a, argv[0], argv[1]);
	if (rc == -1)
		fail(what, adm_errmsg(a));
	else if (rc == 0 && !grant)
		fail(what, "no such membership");
	else
		ret = 0;
	adm_close(a);
	return ret;
}

static int
cmd_grant(const char *db, int argc, char *argv[])
{
	return membership(db, argc, argv, 1);
}

static int
cmd_revoke(const char *db, int argc, char *argv[])
{
	return membership(db, argc, argv, 0);
}

/*
 * Take the options of a subcommand from argv: each "--name VALUE" or
 * "--name=VALUE" with name in names[0..n) stores VALUE in vals[i];
 * "--" ends them.  Return how many arguments they took; call usage()
 * on an unknown option or a missing value.
 */
static int
opts_parse(int argc, char *argv[], const char *const *names,
    const char **vals, size_t n)
{
	size_t	 i, len;
	int	 k = 0;

	while (k < argc && strncmp(argv[k], "--", 2) == 0) {
		if (argv[k][2] == '\0')
			return k + 1;
		for (i = 0; i < n; i++) {
			len = strlen(names[i]);
			if (strncmp(argv[k] + 2, names[i], len) != 0)
				continue;
			if (argv[k][2 + len] == '=') {
				vals[i] = argv[k] + 3 + len;
				break;
			}
			if (argv[k][2 + len] == '\0' && k + 1 < argc) {
				vals[i] = argv[++k];
				break;
			}
		}
		if (i == n)
			usage();
		k++;
	}
	return k;
}

static int
rule_print(void *arg, const struct adm_ruleent *r)
{
	if (printf("%" PRId64 "\t%s\t%s\t%s\t%s\n", r->id,
	    r->host == NULL ? "*" : r->host, r->pattern, r->methods,
	    r->principal) < 0)
		return -1;
	return 0;
}

/*
 * rule add [--host HOST] PATTERN METHODS PRINCIPAL: print the new id.
 */
static int
rule_add(struct adm *a, int argc, char *argv[])
{
	static const char *const names[] = { "host" };
	const char	*vals[1] = { NULL };
	char		 host[REQ_HOST_MAX + 1];
	int64_t		 id;
	int		 k;

	k = opts_parse(argc, argv, names, vals, nitems(names));
	argc -= k;
	argv += k;
	if (argc != 3)
		usage();
	if (vals[0] != NULL && host_canon(host, sizeof(host), vals[0],
	    strlen(vals[0])) != 1)
		return fail("rule add", "--host: not a valid host name");
	if (adm_rule_add(a, vals[0] == NULL ? NULL : host, argv[0],
	    argv[1], argv[2], &id) == -1)
		return fail("rule add", adm_errmsg(a));
	if (printf("%" PRId64 "\n", id) < 0)
		return 1;
	return 0;
}

/*
 * rule del ID
 */
static int
rule_del(struct adm *a, const char *arg)
{
	char		 what[64], *end;
	long long	 id;
	int		 rc;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno == ERANGE ||
	    id < 1)
		return fail("rule del", "not a rule id");
	(void)snprintf(what, sizeof(what), "rule %lld", id);
	if ((rc = adm_rule_del(a, (int64_t)id)) == -1)
		return fail(what, adm_errmsg(a));
	if (rc == 0)
		return fail(what, "no such rule");
	return 0;
}

static int
cmd_rule(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	int		 ret = 1;

	if (argc < 1)
		usage();
	if (strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			usage();
	} else if (strcmp(argv[0], "del") == 0) {
		if (argc != 2)
			usage();
	} else if (strcmp(argv[0], "add") != 0)
		usage();
	if ((a = db_open(db)) == NULL)
		return 1;
	if (strcmp(argv[0], "add") == 0)
		ret = rule_add(a, argc - 1, argv + 1);
	else if (strcmp(argv[0], "del") == 0)
		ret = rule_del(a, argv[1]);
	else if (adm_rule_list(a, rule_print, NULL) == -1)
		fail("rule list", adm_errmsg(a));
	else
		ret = 0;
	adm_close(a);
	return ret;
}

/* req_getter over a struct param table. */
static const char *
param_get(void *arg, const char *name)
{
	const struct param	*p;

	for (p = arg; p->name != NULL; p++)
		if (strcmp(p->name, name) == 0)
			return p->value;
	return NULL;
}

/* struct writer into a struct bufwr: -1 when it is full. */
static int
buf_write(void *arg, const void *p, size_t n)
{
	struct bufwr	*b = arg;

	if (n > sizeof(b->buf) - b->len)
		return -1;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return 0;
}

/*
 * Print the decision as documented for `check`, then the header lines
 * the server would send, without "\r", up to the blank line.  Return
 * 0, or -1 if the response could not be made.
 */
static int
check_print(const struct request *r, const struct decision *d)
{
	struct bufwr	*b;
	struct writer	 w;
	const char	*p, *end, *nl;
	int		 rc;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	w.write = buf_write;
	w.arg = b;
	/* In responder mode the file's own headers follow the status. */
	if (d->verdict != VERDICT_ALLOW)
		rc = resp_denial(&w, d, 1);
	else if (d->mode == MODE_RESPONDER)
		rc = wr_puts(&w, "Status: 200 OK\r\n\r\n");
	else
		rc = resp_allowed(&w, d, 1);
	if (rc == -1) {
		free(b);
		return -1;
	}
	printf("path: %s\n", *r->path == '\0' ? "-" : r->path);
	printf("host: %s\n", *r->host == '\0' ? "-" : r->host);
	printf("resource: %s", *d->pattern == '\0' ? "-" : d->pattern);
	if (*d->rhost != '\0')
		printf(" host %s", d->rhost);
	putchar('\n');
	if (d->rule == 0)
		puts("rule: -");
	else
		printf("rule: %" PRId64 "\n", d->rule);
	printf("user: %s\n", *d->user == '\0' ? "-" : d->user);
	printf("reason: %s\n", why_str[d->why]);
	printf("status: %d %s\n", verdict_status[d->verdict],
	    verdict_reason[d->verdict]);
	for (p = b->buf, end = b->buf + b->len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p || (nl == p + 1 && *p == '\r'))
			break;
		for (; p < nl; p++)
			if (*p != '\r')
				putchar(*p);
		putchar('\n');
	}
	free(b);
	return 0;
}

/*
 * check [--host HOST] [--mode MODE] METHOD TARGET
 * [USER]: decide a request as the server would, USER's password on
 * stdin.  Exit 0 on allow, 2 on a 5xx, else 1.
 */
static int
cmd_check(const char *db, int argc, char *argv[])
{
	static const char *const names[] = { "host", "mode" };
	const char	*vals[2] = { NULL, NULL };
	struct param	 params[9];
	struct request	 r;
	struct decision	 d;
	struct store	*s;
	enum storeres	 sr = STORE_ERROR;
	char		 pass[PASS_MAX + 2];
	char		 up[NAME_MAX_LEN + PASS_MAX + 2];
	char		 authz[6 + 4 * ((sizeof(up) + 2) / 3) + 1];
	char		 err[512];
	const char	*why = NULL;
	size_t		 n = 0, ulen, np = 0;
	int		 k, ret = 1;

	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	memset(pass, 0, sizeof(pass));
	memset(up, 0, sizeof(up));
	memset(authz, 0, sizeof(authz));
	k = opts_parse(argc, argv, names, vals, nitems(names));
	argc -= k;
	argv += k;
	if (argc != 2 && argc != 3)
		usage();
	/*
	 * The mode as the web server would signal it: the FastCGI role,
	 * or PORTCULLIS_MODE; forward_auth finds the original method and
	 * URI in X-Forwarded-*.
	 */
	if (vals[1] == NULL || strcmp(vals[1], "responder") == 0 ||
	    strcmp(vals[1], "auth_request") == 0) {
		params[np++] = (struct param){ "PORTCULLIS_MODE",
		    vals[1] == NULL ? "responder" : vals[1] };
		params[np++] = (struct param){ "REQUEST_METHOD", argv[0] };
		params[np++] = (struct param){ "REQUEST_URI", argv[1] };
	} else if (strcmp(vals[1], "authorizer") == 0) {
		params[np++] = (struct param){ "FCGI_ROLE", "AUTHORIZER" };
		params[np++] = (struct param){ "REQUEST_METHOD", argv[0] };
		params[np++] = (struct param){ "REQUEST_URI", argv[1] };
	} else if (strcmp(vals[1], "forward_auth") == 0) {
		params[np++] = (struct param){ "PORTCULLIS_MODE", vals[1] };
		params[np++] = (struct param){ "HTTP_X_FORWARDED_METHOD",
		    argv[0] };
		params[np++] = (struct param){ "HTTP_X_FORWARDED_URI",
		    argv[1] };
	} else
		usage();
	params[np++] = (struct param){ "REMOTE_ADDR", "cli" };
	if (vals[0] != NULL)
		params[np++] = (struct param){ "HTTP_HOST", vals[0] };
	if (argc == 3) {
		if (pass_read(pass, sizeof(pass), &n, 0, &why) == -1) {
			fail("password", why);
			goto out;
		}
		if ((ulen = strlen(argv[2])) > NAME_MAX_LEN) {
			fail("check", "user name longer than 255 bytes");
			goto out;
		}
		memcpy(up, argv[2], ulen);
		up[ulen] = ':';
		memcpy(up + ulen + 1, pass, n);
		memcpy(authz, "Basic ", 6);
		if (b64_encode(authz + 6, sizeof(authz) - 6, up,
		    ulen + 1 + n) == 0) {
			fail("check", "cannot encode the credentials");
			goto out;
		}
		/* The decision reads the one the proxy_auth setting names. */
		params[np++] = (struct param){ "HTTP_AUTHORIZATION", authz };
		params[np++] = (struct param){ "HTTP_PROXY_AUTHORIZATION",
		    authz };
	}
	params[np] = (struct param){ NULL, NULL };

	/* As main.c's serve(): parse, open the store, decide. */
	if (req_parse(&r, param_get, params) != REQ_OK)
		decide_badreq(&r, &d);
	else if ((s = store_open_ro(db, &sr, err, sizeof(err))) == NULL) {
		decide_nostore(&r, sr, err, &d);
		fail("check", sr == STORE_SCHEMA ? "wrong schema version: "
		    "run portcullis init" : err);
	} else {
		decide(s, &r, &d);
		store_close(s);
	}
	if ((unsigned)d.verdict >= VERDICT__MAX ||
	    (unsigned)d.why >= WHY__MAX) {
		d.verdict = VERDICT_ERROR;	/* fail closed */
		d.why = WHY_NONE;
	}
	if (check_print(&r, &d) == -1) {
		fail("check", "cannot make the response");
		ret = 2;
	} else if (d.verdict == VERDICT_ALLOW)
		ret = 0;
	else
		ret = verdict_status[d.verdict] >= 500 ? 2 : 1;
out:
	req_wipe(&r);
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(pass, sizeof(pass));
	explicit_bzero(up, sizeof(up));
	explicit_bzero(authz, sizeof(authz));
	return ret;
}

/*
 * The sqlite3 shell's options for `shell`: foreign keys on (the
 * shell's default is off), a busy timeout that waits for the server's
 * and other admins' transactions, and the extension (-cmd '.load').
 */
#define SHELL_FK	"PRAGMA foreign_keys = ON"
#define SHELL_TIMEOUT	".timeout 5000"
#define SHELL_EXT	PKGLIBDIR "/portcullis"

/*
 * shell: replace this process with the stock sqlite3 shell ($SQLITE3,
 * else sqlite3 on $PATH) on the database, which must exist and be
 * current, with foreign keys on, a 5-second busy timeout, this
 * build's extension loaded (hash_password(), verify_password();
 * $PORTCULLIS_EXTENSION overrides its path, for a build tree) and
 * SQLITE_HISTORY=/dev/null, so that a password given to
 * hash_password() does not land in ~/.sqlite_history.  Returns only
 * on failure: 1.
 */
static int
cmd_shell(const char *db, int argc, char *argv[])
{
	static char	 opt[] = "-cmd", fk[] = SHELL_FK;
	static char	 timeout[] = SHELL_TIMEOUT, dflt[] = "sqlite3";
	struct adm	*a;
	const char	*ext;
	char		*prog, *args[10];
	char		 load[PATH_MAX + 16], so[PATH_MAX], path[PATH_MAX];
	size_t		 n = 0;

	if (argc != 0)
		usage();
	if ((a = db_open(db)) == NULL)
		return 1;
	adm_close(a);
	if ((prog = getenv("SQLITE3")) == NULL || *prog == '\0')
		prog = dflt;
	if ((ext = getenv("PORTCULLIS_EXTENSION")) == NULL || *ext == '\0')
		ext = SHELL_EXT;
	/* Quoted for the shell's dot-command parser, which has no escape. */
	if (strchr(ext, '\'') != NULL)
		return fail(ext, "a quote in the extension path");
	if ((size_t)snprintf(so, sizeof(so), "%s.so", ext) >= sizeof(so) ||
	    (size_t)snprintf(load, sizeof(load), ".load '%s'", ext) >=
	    sizeof(load))
		return fail(ext, "path too long");
	/* As SQLite does: the name as given, else with ".so". */
	if (access(ext, R_OK) == -1 && access(so, R_OK) == -1)
		return fail(so, strerror(errno));
	/* "./": a relative name is not an option or a file: URI. */
	if ((size_t)snprintf(path, sizeof(path), "%s%s",
	    *db == '/' ? "" : "./", db) >= sizeof(path))
		return fail(db, "path too long");
	if (setenv("SQLITE_HISTORY", "/dev/null", 1) == -1)
		return fail("SQLITE_HISTORY", strerror(errno));

	args[n++] = prog;
	args[n++] = opt;
	args[n++] = fk;
	args[n++] = opt;
	args[n++] = timeout;
	args[n++] = opt;
	args[n++] = load;
	args[n++] = path;
	args[n] = NULL;
	if (fflush(stdout) == EOF)
		return fail("stdout", strerror(errno));
	execvp(prog, args);
	return fail(prog, strerror(errno));
}

static const struct cmd cmds[] = {
	{ "init",	cmd_init },
	{ "user",	cmd_user },
	{ "role",	cmd_role },
	{ "grant",	cmd_grant },
	{ "revoke",	cmd_revoke },
	{ "rule",	cmd_rule },
	{ "check",	cmd_check },
	{ "shell",	cmd_shell },
	{ "import",	cmd_import },	/* adm_import.c */
	{ "export",	cmd_export },	/* adm_export.c */
	{ "lint",	cmd_lint },	/* adm_lint.c */
};

int
main(int argc, char *argv[])
{
	const char	*db = NULL;
	size_t		 i;
	int		 ch, ret;

	/* "+": stop at the command, whose own options follow it. */
	while ((ch = getopt(argc, argv, "+d:")) != -1)
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (db == NULL)
		db = getenv("PORTCULLIS_DB");
	if (db == NULL || *db == '\0')
		usage();

	for (i = 0; i < nitems(cmds); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			break;
	if (i == nitems(cmds))
		usage();
	ret = cmds[i].fn(db, argc - 1, argv + 1);
	if (ret == -1)		/* the adm_*.c commands' usage error */
		usage();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fail("stdout", strerror(errno));
		if (ret == 0)
			ret = 1;
	}
	return ret;
}
