/*
 * portcullis: the administrator's program.  Parses the command line,
 * creates and migrates the database, manages users, roles and rules
 * through admstore.c, one transaction per command, and opens `shell`.
 * The other commands live in adm_check.c, adm_import.c, adm_export.c
 * and adm_lint.c; passwords are read by adm_pass.c.
 *
 * Exit status: 0 success; 1 an error, reported on one line
 * "portcullis: what: why" on stderr; 2 a usage error.  `check`
 * exits 0 on allow, 2 on a 5xx answer and 1 on any other denial.
 * Passwords come from the terminal or stdin, never argv, and every
 * buffer that held one is wiped.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "admin.h"

struct cmd {
	const char	*name;
	int		(*fn)(const char *, int, char *[]);
};

static void	 adm_usage(void) __attribute__((noreturn));

static void
adm_usage(void)
{
	fputs("usage: portcullis [-d DB] init [--group GROUP]\n"
	    "       portcullis [-d DB] replace NEW.db\n"
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
	    "       portcullis [-d DB] check [--host HOST] "
	    "[--mode MODE] --token ID METHOD TARGET\n"
	    "       portcullis [-d DB] shell\n"
	    "       portcullis [-d DB] import htpasswd|htgroup|policy "
	    "[--dry-run] FILE\n"
	    "       portcullis [-d DB] export [--format sql|json]\n"
	    "       portcullis [-d DB] lint\n"
	    "       portcullis [-d DB] [-S STATE] lockout list\n"
	    "       portcullis [-d DB] [-S STATE] lockout clear "
	    "[USER | NETWORK]\n"
	    "       portcullis [-d DB] token add USER [--label TEXT] "
	    "[--expires DATE] [--roles ROLE,...]\n"
	    "       portcullis [-d DB] token list [USER]\n"
	    "       portcullis [-d DB] token del|disable|enable ID\n",
	    stderr);
	exit(2);
}

/*
 * Return NULL if name may be a user name (name_valid()), else why not.
 * Role names are held to the same rule but may hold ':', so that the
 * schema's stricter CHECK words the refusal; either way nothing
 * unprintable reaches a message.
 */
static const char *
name_bad(const char *name, int user)
{
	size_t	 n = strlen(name);

	if (user)
		return name_valid(name, n) ? NULL : "must be 1-255 bytes of "
		    "UTF-8 without ':' or control characters";
	if (n == 0 || n > NAME_MAX_LEN || !utf8_valid(name, n) ||
	    has_ctl(name, n))
		return "must be 1-255 bytes of UTF-8 without control "
		    "characters";
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
	return adm_fail(user ? "user name" : "role name", why);
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
		adm_fail(db, err);
	return a;
}

/*
 * End the transaction of a one-statement command whose statement
 * returned rc: commit unless it failed (-1), else roll back.  Return
 * rc, or -1 if the commit failed (adm_errmsg() says why).  Each
 * command brackets its statement: adm_begin(), the statement, tx_end().
 */
static int
tx_end(struct adm *a, int rc)
{
	if (rc == -1)
		adm_rollback(a);
	else if (adm_commit(a) == -1)
		rc = -1;
	return rc;
}

/*
 * The exit status of a one-row command whose statement returned rc:
 * 0 for 1 (done), else 1 after reporting "what: why", why the error's
 * (-1) or none (0: unless NULL, when 0 is no error).
 */
static int
row_status(struct adm *a, int rc, const char *what, const char *none)
{
	if (rc == -1)
		return adm_fail(what, adm_errmsg(a));
	if (rc == 0 && none != NULL)
		return adm_fail(what, none);
	return 0;
}

/*
 * init [--group GROUP]: create or migrate the database; the database,
 * -wal and -shm are 0640 whatever the umask, in group GROUP (a name or
 * a number) if given: README, "Deploying".  Then the lockout state
 * database beside it (state_init(): 0660, the server writes it).
 */
static int
cmd_init(const char *db, int argc, char *argv[])
{
	static const char *const names[] = { "group" };
	const char	*vals[1] = { NULL };
	struct group	*gr;
	const char	*state;
	char		 err[512], *end;
	unsigned long	 n;
	gid_t		 gid = (gid_t)-1;
	int		 k;

	k = adm_opts(argc, argv, names, vals, nitems(names));
	if (argc != k)
		adm_usage();
	if (vals[0] != NULL) {
		errno = 0;
		if ((gr = getgrnam(vals[0])) != NULL)
			gid = gr->gr_gid;
		else if (*vals[0] >= '0' && *vals[0] <= '9' &&
		    (n = strtoul(vals[0], &end, 10)) < (gid_t)-1 &&
		    *end == '\0' && errno == 0)
			gid = (gid_t)n;
		else
			return adm_fail("init --group", "no such group");
	}
	if (adm_init(db, gid, err, sizeof(err)) == -1)
		return adm_fail(db, err);
	if ((state = adm_state_path(db)) == NULL)
		return 1;
	if (state_init(state, gid, err, sizeof(err)) == -1)
		return adm_fail(state, err);
	return 0;
}

/*
 * replace NEW: copy the database NEW into the live one (adm_replace()):
 * the safe way to install a database made elsewhere.
 */
static int
cmd_replace(const char *db, int argc, char *argv[])
{
	char	 err[1024];

	if (argc != 1)
		adm_usage();
	if (adm_replace(db, argv[0], err, sizeof(err)) == -1)
		return adm_fail("replace", err);
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
	if ((rc = adm_begin(a, 0)) == 0)
		rc = tx_end(a, adm_user_hash(a, name, NULL, 0));
	if (rc == -1)
		return adm_fail(what, adm_errmsg(a));
	if (add && rc == 1)
		return adm_fail(what, "already exists");
	if (!add && rc == 0)
		return adm_fail(what, "no such user");
	if (adm_pass_new(what, hash, sizeof(hash)) != 0)
		goto out;
	if ((rc = adm_begin(a, 1)) == 0)
		rc = tx_end(a, add ? adm_user_add(a, name, hash, 0, NULL) :
		    adm_user_passwd(a, name, hash));
	ret = row_status(a, rc, what, add ? "already exists" :
	    "no such user");
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
		adm_usage();
	sub = argv[0];
	if (strcmp(sub, "list") == 0) {
		if (argc != 1)
			adm_usage();
		if ((a = db_open(db)) == NULL)
			return 1;
		if ((rc = adm_begin(a, 0)) == 0)
			rc = tx_end(a, adm_user_list(a, user_print, NULL));
		ret = rc == -1 ? adm_fail("user list", adm_errmsg(a)) : 0;
		adm_close(a);
		return ret;
	}
	if (argc != 2 || (strcmp(sub, "add") != 0 &&
	    strcmp(sub, "passwd") != 0 && strcmp(sub, "del") != 0 &&
	    strcmp(sub, "disable") != 0 && strcmp(sub, "enable") != 0))
		adm_usage();
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
	if ((rc = adm_begin(a, 1)) == 0)
		rc = tx_end(a, strcmp(sub, "del") == 0 ? adm_user_del(a, name) :
		    adm_user_disable(a, name, strcmp(sub, "disable") == 0));
	ret = row_status(a, rc, what, "no such user");
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
		adm_usage();
	if (strcmp(argv[0], "add") == 0)
		add = 1;
	else if (strcmp(argv[0], "del") == 0)
		add = 0;
	else
		adm_usage();
	if (name_check(argv[1], 0) != 0)
		return 1;
	if ((a = db_open(db)) == NULL)
		return 1;
	(void)snprintf(what, sizeof(what), "role %s", argv[1]);
	if ((rc = adm_begin(a, 1)) == 0)
		rc = tx_end(a, add ? adm_role_add(a, argv[1], NULL) :
		    adm_role_del(a, argv[1]));
	ret = row_status(a, rc, what, add ? "already exists" :
	    "no such role");
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
		adm_usage();
	if (name_check(argv[0], 1) != 0 || name_check(argv[1], 0) != 0)
		return 1;
	if ((a = db_open(db)) == NULL)
		return 1;
	(void)snprintf(what, sizeof(what), "%s %s %s",
	    grant ? "grant" : "revoke", argv[0], argv[1]);
	if ((rc = adm_begin(a, 1)) == 0)
		rc = tx_end(a, grant ? adm_grant(a, argv[0], argv[1]) :
		    adm_revoke(a, argv[0], argv[1]));
	ret = row_status(a, rc, what, grant ? NULL : "no such membership");
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

static int
rule_print(void *arg, const struct pol_rule *r)
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
	struct pol_rule	 r;
	char		 host[REQ_HOST_MAX + 1];
	int64_t		 id;
	int		 k, rc;

	k = adm_opts(argc, argv, names, vals, nitems(names));
	argc -= k;
	argv += k;
	if (argc != 3)
		adm_usage();
	if (vals[0] != NULL && host_canon(host, sizeof(host), vals[0],
	    strlen(vals[0])) != 1)
		return adm_fail("rule add", "--host: not a valid host name");
	memset(&r, 0, sizeof(r));	/* id 0: a new one */
	r.host = vals[0] == NULL ? NULL : host;
	r.pattern = argv[0];
	r.methods = argv[1];
	r.principal = argv[2];
	if ((rc = adm_begin(a, 1)) == 0)
		rc = tx_end(a, adm_rule_add(a, &r, &id));
	if (rc == -1)
		return adm_fail("rule add", adm_errmsg(a));
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
		return adm_fail("rule del", "not a rule id");
	(void)snprintf(what, sizeof(what), "rule %lld", id);
	if ((rc = adm_begin(a, 1)) == 0)
		rc = tx_end(a, adm_rule_del(a, (int64_t)id));
	return row_status(a, rc, what, "no such rule");
}

static int
cmd_rule(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	int		 rc, ret = 1;

	if (argc < 1)
		adm_usage();
	if (strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			adm_usage();
	} else if (strcmp(argv[0], "del") == 0) {
		if (argc != 2)
			adm_usage();
	} else if (strcmp(argv[0], "add") != 0)
		adm_usage();
	if ((a = db_open(db)) == NULL)
		return 1;
	if (strcmp(argv[0], "add") == 0)
		ret = rule_add(a, argc - 1, argv + 1);
	else if (strcmp(argv[0], "del") == 0)
		ret = rule_del(a, argv[1]);
	else {
		if ((rc = adm_begin(a, 0)) == 0)
			rc = tx_end(a, adm_rule_list(a, rule_print, NULL));
		ret = rc == -1 ? adm_fail("rule list", adm_errmsg(a)) : 0;
	}
	adm_close(a);
	return ret;
}

/*
 * The sqlite3 shell's options for `shell`: foreign keys on (the
 * shell's default is off), a busy timeout that waits for the server's
 * and other admins' transactions, and the extension (-cmd '.load').
 */
#define SHELL_FK	"PRAGMA foreign_keys = ON"
#define SHELL_TIMEOUT	".timeout 5000"
/* Keep -wal and -shm (admstore.c, db_perms()), without printing "1". */
#define SHELL_QUIET	".output /dev/null"
#define SHELL_PERSIST	".filectrl persist_wal 1"
#define SHELL_LOUD	".output"
#define SHELL_EXT	PKGLIBDIR "/portcullis"

/*
 * shell: replace this process with the stock sqlite3 shell ($SQLITE3,
 * else sqlite3 on $PATH) on the database, which must exist and be
 * current, with foreign keys on, a 5-second busy timeout, this
 * build's extension loaded (hash_password(), verify_password();
 * $PORTCULLIS_EXTENSION overrides its path, for a build tree), -wal
 * and -shm kept when it closes last (the server may not make them) and
 * SQLITE_HISTORY=/dev/null, so that a password given to
 * hash_password() does not land in ~/.sqlite_history.  Returns only
 * on failure: 1.
 */
static int
cmd_shell(const char *db, int argc, char *argv[])
{
	static char	 opt[] = "-cmd", fk[] = SHELL_FK;
	static char	 timeout[] = SHELL_TIMEOUT, dflt[] = "sqlite3";
	static char	 quiet[] = SHELL_QUIET, persist[] = SHELL_PERSIST;
	static char	 loud[] = SHELL_LOUD;
	struct adm	*a;
	const char	*ext;
	char		*prog, *args[16];
	char		 load[PATH_MAX + 16], so[PATH_MAX], path[PATH_MAX];
	size_t		 n = 0;

	if (argc != 0)
		adm_usage();
	if ((a = db_open(db)) == NULL)
		return 1;
	adm_close(a);
	if ((prog = getenv("SQLITE3")) == NULL || *prog == '\0')
		prog = dflt;
	if ((ext = getenv("PORTCULLIS_EXTENSION")) == NULL || *ext == '\0')
		ext = SHELL_EXT;
	/* Quoted for the shell's dot-command parser, which has no escape. */
	if (strchr(ext, '\'') != NULL)
		return adm_fail(ext, "a quote in the extension path");
	if ((size_t)snprintf(so, sizeof(so), "%s.so", ext) >= sizeof(so) ||
	    (size_t)snprintf(load, sizeof(load), ".load '%s'", ext) >=
	    sizeof(load))
		return adm_fail(ext, "path too long");
	/* As SQLite does: the name as given, else with ".so". */
	if (access(ext, R_OK) == -1 && access(so, R_OK) == -1)
		return adm_fail(so, strerror(errno));
	/* "./": a relative name is not an option or a file: URI. */
	if ((size_t)snprintf(path, sizeof(path), "%s%s",
	    *db == '/' ? "" : "./", db) >= sizeof(path))
		return adm_fail(db, "path too long");
	if (setenv("SQLITE_HISTORY", "/dev/null", 1) == -1)
		return adm_fail("SQLITE_HISTORY", strerror(errno));

	args[n++] = prog;
	args[n++] = opt;
	args[n++] = fk;
	args[n++] = opt;
	args[n++] = timeout;
	args[n++] = opt;
	args[n++] = load;
	args[n++] = opt;
	args[n++] = quiet;
	args[n++] = opt;
	args[n++] = persist;
	args[n++] = opt;
	args[n++] = loud;
	args[n++] = path;
	args[n] = NULL;
	if (fflush(stdout) == EOF)
		return adm_fail("stdout", strerror(errno));
	execvp(prog, args);
	return adm_fail(prog, strerror(errno));
}

static const struct cmd cmds[] = {
	{ "init",	cmd_init },
	{ "replace",	cmd_replace },
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
	{ "lockout",	cmd_lockout },	/* adm_lockout.c */
	{ "token",	cmd_token },	/* adm_token.c */
};

int
main(int argc, char *argv[])
{
	const char	*db = NULL;
	size_t		 i;
	int		 ch, ret;

	/* "+": stop at the command, whose own options follow it. */
	while ((ch = getopt(argc, argv, "+d:S:")) != -1)
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'S':
			adm_state_set(optarg);
			break;
		default:
			adm_usage();
		}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		adm_usage();
	if (db == NULL)
		db = getenv("PORTCULLIS_DB");
	if (db == NULL || *db == '\0')
		adm_usage();

	for (i = 0; i < nitems(cmds); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			break;
	if (i == nitems(cmds))
		adm_usage();
	ret = cmds[i].fn(db, argc - 1, argv + 1);
	if (ret == -1)		/* the adm_*.c commands' usage error */
		adm_usage();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		adm_fail("stdout", strerror(errno));
		if (ret == 0)
			ret = 1;
	}
	return ret;
}
