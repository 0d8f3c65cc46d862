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
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "admin.h"

/*
 * A command: its name, its function (the adm_*.c ones return -1 for a
 * usage error, admin.c's call adm_usage()), its usage lines without
 * "portcullis " ("\n"-separated) and one line saying what it does.
 */
struct cmd {
	const char	*name;
	int		(*fn)(const char *, int, char *[]);
	const char	*usage;
	const char	*desc;
};

static const struct cmd	*cur;	/* the command running, for its usage */

static void	 adm_usage(void) __attribute__((noreturn));
static void	 usage_print(FILE *, const struct cmd *, int);

/* A usage error in the command running: its usage on stderr, exit 2. */
static void
adm_usage(void)
{
	usage_print(stderr, cur, 1);
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
	int		 k, was, isnew;

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
	isnew = access(db, F_OK) == -1 && errno == ENOENT;
	if ((was = adm_init(db, gid, err, sizeof(err))) == -1)
		return adm_fail(db, err);
	if ((state = adm_state_path(db)) == NULL)
		return 1;
	if (state_init(state, gid, err, sizeof(err)) == -1)
		return adm_fail(state, err);
	if (isnew)
		printf("created %s (schema %d; lockout state %s)\n", db,
		    SCHEMA_VERSION, state);
	else if (was < SCHEMA_VERSION)
		printf("migrated %s from schema %d to %d (lockout state "
		    "%s)\n", db, was, SCHEMA_VERSION, state);
	else
		printf("%s is up to date (schema %d; lockout state %s)\n",
		    db, SCHEMA_VERSION, state);
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
	printf("replaced the policy of %s with %s's\n", db, argv[0]);
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
	if (ret == 0)
		printf(add ? "user %s added\n" : "password of %s changed\n",
		    name);
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
	if (ret == 0)
		printf("user %s %s\n", name, strcmp(sub, "del") == 0 ?
		    "deleted" : strcmp(sub, "disable") == 0 ? "disabled" :
		    "enabled");
out:
	adm_close(a);
	return ret;
}

/* Whether rule r grants to the role deleted (arg: its name). */
static int
gone_principal(const struct pol_rule *r, const void *arg)
{
	return strcmp(r->principal, arg) == 0;
}

static int
cmd_role(const char *db, int argc, char *argv[])
{
	struct policy	 pol;
	struct adm	*a;
	char		 what[NAME_MAX_LEN + 8];
	int		 add, rc, ret = 1;

	/* The hierarchy: adm_role.c. */
	if (argc >= 1 && (strcmp(argv[0], "include") == 0 ||
	    strcmp(argv[0], "exclude") == 0 || strcmp(argv[0], "list") == 0))
		return cmd_role_hier(db, argc, argv);
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
	/* The policy before a del: which resources it leaves bare. */
	memset(&pol, 0, sizeof(pol));
	if ((rc = adm_begin(a, 1)) == 0 && (add ||
	    (rc = adm_load(a, &pol, 0)) == 0))
		rc = add ? adm_role_add(a, argv[1], NULL) :
		    adm_role_del(a, argv[1]);
	rc = tx_end(a, rc);
	ret = row_status(a, rc, what, add ? "already exists" :
	    "no such role");
	if (ret == 0)
		printf("role %s %s\n", argv[1], add ? "added" : "deleted");
	if (ret == 0 && !add)
		adm_warn_bare(&pol, gone_principal, argv[1]);
	pol_free(&pol);
	adm_close(a);
	return ret;
}

/* The members table's triggers (sql/0001) and what to say instead. */
#define MEMBER_NOUSER	"members: no such user (add it to users first)"
#define MEMBER_NOROLE	"members: no such role (add it to roles first)"

/*
 * A grant refused for a user or role that does not exist: say which,
 * and the command that adds it, in a's message (else leave it).
 */
static void
member_why(struct adm *a, const char *user, const char *role)
{
	const char	*m = adm_errmsg(a);
	char		 why[2 * NAME_MAX_LEN + 64];

	if (strcmp(m, MEMBER_NOUSER) == 0)
		(void)snprintf(why, sizeof(why), "no user '%s' (portcullis "
		    "user add %s)", user, user);
	else if (strcmp(m, MEMBER_NOROLE) == 0)
		(void)snprintf(why, sizeof(why), "no role '%s' (portcullis "
		    "role add %s)", role, role);
	else
		return;
	adm_seterrmsg(a, why);
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
	if (rc == -1 && grant)
		member_why(a, argv[0], argv[1]);
	ret = row_status(a, rc, what, grant ? NULL : "no such membership");
	if (ret == 0 && grant)
		printf(rc == 1 ? "%s granted %s\n" : "%s already holds %s\n",
		    argv[0], argv[1]);
	else if (ret == 0)
		printf("%s revoked from %s\n", argv[1], argv[0]);
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

static int	 cmd_help(const char *, int, char *[]);

static const struct cmd cmds[] = {
	{ "init", cmd_init, "[-d DB] init [--group GROUP]",
	  "Create the database, or migrate it to this program's schema, "
	  "and the lockout state database beside it." },
	{ "replace", cmd_replace, "[-d DB] replace NEW.db",
	  "Install the database NEW.db in place of the live one, in one "
	  "transaction (never with mv)." },
	{ "user", cmd_user, "[-d DB] user add|passwd NAME\n"
	  "[-d DB] user del|disable|enable NAME\n"
	  "[-d DB] user list",
	  "Add a user or set its password (from the terminal or one line "
	  "of stdin), delete, disable, enable or list users." },
	{ "role", cmd_role, "[-d DB] role add|del NAME\n"
	  "[-d DB] role include|exclude ROLE INCLUDED\n"
	  "[-d DB] role list",
	  "Add a role, or delete one with its memberships, inclusions and "
	  "the rules that grant to it; make ROLE include INCLUDED (whoever "
	  "holds ROLE holds INCLUDED), or no longer; list the roles with "
	  "what they include." },
	{ "grant", cmd_grant, "[-d DB] grant USER ROLE",
	  "Make USER a member of ROLE." },
	{ "revoke", cmd_revoke, "[-d DB] revoke USER ROLE",
	  "End USER's membership of ROLE." },
	{ "rule", cmd_rule, "[-d DB] rule add [--host HOST] [--net NETWORK] "
	  "PATTERN METHODS PRINCIPAL\n"
	  "[-d DB] rule list\n"
	  "[-d DB] rule del ID",
	  "Grant METHODS on the resource PATTERN to PRINCIPAL (all, "
	  "valid-user, a role or net:NETWORK), with --net only to clients "
	  "in NETWORK; list the rules; delete one." },
	{ "resource", cmd_resource, "[-d DB] resource list\n"
	  "[-d DB] resource del [--host HOST] [--force] PATTERN",
	  "List the resources with their number of rules; delete one "
	  "(with its rules only if --force)." },
	{ "check", cmd_check, "[-d DB] check [--host HOST] "
	  "[--mode MODE] [--addr ADDR] METHOD TARGET [USER]\n"
	  "[-d DB] check [--host HOST] [--mode MODE] [--addr ADDR] --token ID METHOD TARGET\n"
	  "[-d DB] check [--host HOST] [--mode MODE] [--addr ADDR] (--cert FILE | "
	  "--subject DN [--issuer DN]) METHOD TARGET [USER]",
	  "Show what the server would answer a request in MODE, and why "
	  "(USER's password, or token ID, on stdin; --cert: as if the "
	  "server verified that client certificate)." },
	{ "shell", cmd_shell, "[-d DB] shell",
	  "Run the sqlite3 shell on the database, with hash_password() "
	  "and foreign keys." },
	{ "import", cmd_import, "[-d DB] import htpasswd|htgroup|policy "
	  "[--dry-run] FILE",
	  "Apply an htpasswd, htgroup or exported policy file in one "
	  "transaction, or only show what it would change." },
	{ "export", cmd_export, "[-d DB] export [--format sql|json]",
	  "Write the whole policy, without password hashes, on standard "
	  "output." },
	{ "lint", cmd_lint, "[-d DB] lint",
	  "Report rules that cannot mean what they say." },
	{ "lockout", cmd_lockout, "[-d DB] [-S STATE] lockout list\n"
	  "[-d DB] [-S STATE] lockout clear [USER | NETWORK]",
	  "List the failed logins the server counted, or forget them." },
	{ "token", cmd_token, "[-d DB] token add USER [--label TEXT] "
	  "[--expires DATE] [--roles ROLE,...]\n"
	  "[-d DB] token list [USER]\n"
	  "[-d DB] token del|disable|enable ID",
	  "Make an API token for USER (printed once), list tokens, or "
	  "delete, disable or enable one." },
	{ "cert", cmd_cert, "[-d DB] cert add USER (--pem FILE | "
	  "--fingerprint HEX | --subject DN [--issuer DN]) [--comment TEXT]\n"
	  "[-d DB] cert list [USER]\n"
	  "[-d DB] cert del ID | --pem FILE | --fingerprint HEX | "
	  "--subject DN [--issuer DN]",
	  "Map a client certificate the server verifies to USER (its "
	  "SHA-256, or its subject DN), list the mappings, or delete "
	  "one." },
	{ "net", cmd_net, "[-d DB] net add NAME CIDR ...\n"
	  "[-d DB] net del NAME [CIDR]\n"
	  "[-d DB] net list",
	  "Add ranges to a named network (for net:NAME rules and rule add "
	  "--net), delete a range or a whole network, or list them." },
	{ "help", cmd_help, "help [COMMAND]\n--version",
	  "Print the usage of every command, or of one with what it "
	  "does; print the version." },
};

/*
 * Print c's usage lines, each "portcullis " and the line, the first
 * after "usage: " if first, else indented to match; NULL: every
 * command's, then how to learn more.
 */
static void
usage_print(FILE *fp, const struct cmd *c, int first)
{
	const char	*p, *nl;
	size_t		 i;

	if (c == NULL) {
		for (i = 0; i < nitems(cmds); i++)
			usage_print(fp, &cmds[i], i == 0);
		fputs("The database is -d DB, else $PORTCULLIS_DB. "
		    "portcullis help COMMAND says what a command does;\n"
		    "portcullis(8) says the rest.\n", fp);
		return;
	}
	for (p = c->usage; ; p = nl + 1, first = 0) {
		nl = strchr(p, '\n');
		fprintf(fp, "%sportcullis %.*s\n", first ? "usage: " :
		    "       ", (int)(nl == NULL ? strlen(p) :
		    (size_t)(nl - p)), p);
		if (nl == NULL)
			break;
	}
}

/* The command named name, or NULL after saying there is none (exit 2). */
static const struct cmd *
cmd_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(cmds); i++)
		if (strcmp(name, cmds[i].name) == 0)
			return &cmds[i];
	if (has_ctl(name, strlen(name)))
		fputs("portcullis: unknown command (portcullis help lists "
		    "them)\n", stderr);
	else
		fprintf(stderr, "portcullis: unknown command '%s' (portcullis "
		    "help lists them)\n", name);
	return NULL;
}

/*
 * help [COMMAND]: every command's usage, or COMMAND's and what it
 * does, on stdout.  Exit 0, 2 for an unknown command.
 */
static int
cmd_help(const char *db, int argc, char *argv[])
{
	const struct cmd	*c;

	(void)db;
	if (argc == 0) {
		usage_print(stdout, NULL, 1);
		return 0;
	}
	if (argc != 1)
		adm_usage();
	if ((c = cmd_find(argv[0])) == NULL)
		return 2;
	usage_print(stdout, c, 1);
	printf("%s\n", c->desc);
	return 0;
}

/*
 * The global options -d DB and -S STATE go before the command: one
 * after it (before a "--") is refused, naming it, rather than taken
 * for an argument.  Return 0, or 2 after saying so.
 */
static int
late_opts(int argc, char *argv[])
{
	int	 i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "-S") == 0) {
			fprintf(stderr, "portcullis: %s must come before the "
			    "command: portcullis %s %s %s ...\n", argv[i],
			    argv[i], argv[i][1] == 'd' ? "DB" : "STATE",
			    argv[0]);
			return 2;
		}
	return 0;
}

/* Whether argv holds "--help" before a "--". */
static int
wants_help(int argc, char *argv[])
{
	int	 i;

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};
	const char	*db = NULL;
	int		 ch, ret;

	/*
	 * "+": stop at the command, whose own options follow it; ":" and
	 * opterr 0: the messages are ours.
	 */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:d:hS:", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'S':
			adm_state_set(optarg);
			break;
		case 'h':
			usage_print(stdout, NULL, 1);
			return 0;
		case 'V':
			printf("portcullis %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "portcullis: -%c needs a value "
			    "(portcullis help)\n", optopt);
			return 2;
		default:
			if (optopt != 0 && optopt != '?')
				fprintf(stderr, "portcullis: unknown option "
				    "-%c (portcullis help)\n", optopt);
			else
				fprintf(stderr, "portcullis: unknown option "
				    "%s (portcullis help)\n", argv[optind - 1]);
			return 2;
		}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage_print(stdout, NULL, 1);
		return 0;
	}
	if ((cur = cmd_find(argv[0])) == NULL)
		return 2;
	if (cur->fn == cmd_help)
		return cmd_help(NULL, argc - 1, argv + 1);
	if (wants_help(argc - 1, argv + 1)) {
		usage_print(stdout, cur, 1);
		printf("%s\n", cur->desc);
		return 0;
	}
	if (late_opts(argc, argv) != 0)
		return 2;
	if (db == NULL)
		db = getenv("PORTCULLIS_DB");
	if (db == NULL || *db == '\0') {
		fputs("portcullis: no database: give -d DB or set "
		    "PORTCULLIS_DB\n", stderr);
		return 2;
	}
	ret = cur->fn(db, argc - 1, argv + 1);
	if (ret == -1)		/* the adm_*.c commands' usage error */
		adm_usage();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		adm_fail("stdout", strerror(errno));
		if (ret == 0)
			ret = 1;
	}
	return ret;
}
