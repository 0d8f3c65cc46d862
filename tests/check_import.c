/*
 * check_import.c: `portcullis import htpasswd|htgroup|policy`
 * through cmd_import() (and cmd_export() for the round trip), on
 * databases made by adm_init().  Only the commands' entry points are
 * called, so that the rows hold whatever the data layer and the policy
 * file reader and writer underneath become.
 *
 * Each row runs one import on a fresh database (after its seed SQL)
 * and asserts the exit status, stdout and stderr byte for byte, and
 * the rows left behind, read back with sqlite3: exactly the rows given,
 * or, for a row that gives none (an error, a dry run), exactly the
 * rows from before: a file is applied whole or not at all.
 */
#include "config.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "extern.h"
#include "admin.h"
#include "testlib.h"

/* --- fixtures ------------------------------------------------------------ */

/* Hashes the server verifies (bcrypt, yescrypt as in testlib.h). */
#define H_BC		FX_BCRYPT
#define H_YES		FX_YESCRYPT
#define H_2Y		"$2y$05$KznRZPnjptrsHnVlxbFuKOHVg4oyQ/ZthPogo1dqLJoMXEJ0eyvxq"
#define H_SHA512	"$6$GF0Xns2sRuQ9cqbc$WnveElwnkrVtNc7k7uhROkBlxA8nU3afAt" \
			"qaG1LZs./HHRpYA85SFEQRFUA26FTJJNLBRuIKkSu.6ht5.EaU50"
#define H_SHA256	"$5$RO41eldedOyBoUNG$sFu4BFrNT5GqH7G3llKtMFXrWgn5dccy7k" \
			"wysetlTI4"
#define H_ARGON2	"$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFz" \
			"aGhhc2hoYXNoaGFzaA"
/* At the caps (extern.h): accepted. */
#define H_BC12		"$2y$12$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbK" \
			"fmJTqC"
#define H_SHA_100K	"$5$rounds=100000$zv5A8okABRVsNTGc$gQ81fZ7r6K.NVMTkgoy1" \
			"0wpzv8grUO3b"
/* Hashes the server cannot verify: skipped. */
#define H_APR1		"$apr1$Pl8N.IMA$w8yzpzkyg1cOwJa8Gx0OW."
#define H_SHA1		"{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM="
#define H_SSHA		"{SSHA}GpHWL3ymc5liWkNopqtdSjuqYHM="
#define H_MD5		"$1$Vlc4GdBq$9I/fs0n8u5HhV/9hXENYX."
#define H_DES		"A0er2yw4qO1zk"
/* Over the caps: refused, the whole file with them. */
#define H_BC13		"$2y$13$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbK" \
			"fmJTqC"
#define H_BC31		"$2y$31$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbK" \
			"fmJTqC"
#define H_SHA_OVER	"$6$rounds=10000000$zv5A8okABRVsNTGc$gQ81fZ7r6K.NVMTkgo" \
			"y10wpzv8grUO3b"
#define H_YES_OVER	"$y$jCT$tYjp9cUS7ZZ/ZSiHqyXDs0$bF.p0aVTz1XKRSA1txTuh/FH" \
			"aDhuHKB/ALn30Ee5YbD"
#define H_ARGON2_OVER	"$argon2id$v=19$m=262144,t=8,p=1$c2FsdHNhbHRzYWx0$aGFz" \
			"aGhhc2hoYXNoaGFzaA"

#define X16		"xxxxxxxxxxxxxxxx"
#define X255		X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 X16 \
			X16 X16 "xxxxxxxxxxxxxxx"

#define USER_MSG	"user name must be 1-255 bytes of UTF-8 without ':' " \
			"or control characters"
#define ROLE_MSG	"role name must be 1-255 of A-Z a-z 0-9 . _ - and " \
			"not 'all' or 'valid-user'"
#define NOPASS		" (no usable password: set one with portcullis user " \
			"passwd)"
#define SKIP(u, f, cmd)	u ": " f " hashes cannot be verified; set a new " \
			"password with portcullis user " cmd "\n"

/*
 * One import on a fresh database.  err is what follows "portcullis:
 * FILE" on stderr, FILE being the file's path, or "stdin" when args
 * name "-" (the file is then standard input); "" for nothing.
 */
struct irow {
	const char	*desc;
	const char	*seed;		/* SQL run first, or NULL */
	const char	*args[6];	/* after "import"; "@": the file */
	const char	*file;		/* its bytes; NULL: no such file */
	size_t		 filesz;	/* 0: strlen(file) */
	int		 status;	/* of cmd_import(); -1 usage */
	const char	*out;		/* stdout, exactly */
	const char	*err;
	const char	*rows;		/* after; NULL: as before */
};

/* A directory under /tmp with an adm_init() database in it. */
static void
imp_setup(struct fx *f)
{
	char	 err[512];

	snprintf(f->dir, sizeof(f->dir), "/tmp/portcullis-imp.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/auth.db", f->dir);
	ck_assert_msg(adm_init(f->db, (gid_t)-1, err, sizeof(err)) == 0,
	    "adm_init: %s", err);
}

/*
 * Run cmd (cmd_import(), cmd_export()) on db with args (NULL-ended;
 * "@" stands for path, and "-" feeds path to standard input), what it
 * prints captured into c.  Return its exit status.
 */
static int
run_cmd(int (*cmd)(const char *, int, char *[]), const char *db,
    const char *dir, const char *const *args, const char *path,
    struct cap *c)
{
	char	*argv[8];
	int	 argc, st, in = 0;

	for (argc = 0; args[argc] != NULL; argc++) {
		ck_assert_int_lt(argc, 7);
		if (strcmp(args[argc], "-") == 0)
			in = 1;
		argv[argc] = strdup(strcmp(args[argc], "@") == 0 ? path :
		    args[argc]);
		ck_assert_ptr_nonnull(argv[argc]);
	}
	argv[argc] = NULL;
	cap_start(c, dir, in ? path : NULL);
	st = cmd(db, argc, argv);
	cap_stop(c);
	while (argc-- > 0)
		free(argv[argc]);
	return st;
}

/*
 * Run row r, reading the rows with the SELECTs of query before and
 * after.
 */
static void
run_row(const struct irow *r, const char *query)
{
	struct fx	 f;
	struct cap	 c;
	char		 in[192], want[4096];
	char		*before, *after;
	const char	*fname;
	size_t		 i;
	int		 st;

	imp_setup(&f);
	if (r->seed != NULL)
		fx_exec(&f, r->seed);
	snprintf(in, sizeof(in), "%s/in", f.dir);
	if (r->file != NULL)
		file_put(in, r->file, r->filesz != 0 ? r->filesz :
		    strlen(r->file));
	fname = in;
	for (i = 0; r->args[i] != NULL; i++)
		if (strcmp(r->args[i], "-") == 0)
			fname = "stdin";
	if (*r->err == '\0')
		want[0] = '\0';
	else
		snprintf(want, sizeof(want), "portcullis: %s%s\n", fname,
		    r->err);

	before = db_rows(f.db, query);
	st = run_cmd(cmd_import, f.db, f.dir, r->args, in, &c);
	after = db_rows(f.db, query);

	ck_assert_msg(st == r->status, "%s: exit %d, want %d (stderr: %s)",
	    r->desc, st, r->status, c.err);
	ck_assert_msg(strcmp(c.out, r->out) == 0,
	    "%s: stdout\n%s\nwant\n%s", r->desc, c.out, r->out);
	ck_assert_msg(strcmp(c.err, want) == 0,
	    "%s: stderr\n%s\nwant\n%s", r->desc, c.err, want);
	ck_assert_msg(strcmp(after, r->rows != NULL ? r->rows : before) == 0,
	    "%s: rows\n%s\nwant\n%s", r->desc, after,
	    r->rows != NULL ? r->rows : before);

	cap_free(&c);
	free(before);
	free(after);
	(void)unlink(in);
	fx_teardown(&f);
}

/* --- import htpasswd ------------------------------------------------------ */

static const char users_q[] =
    "SELECT name, hash, disabled, expires FROM users ORDER BY name";

/* Users who exist before some rows run. */
static const char users_seed[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" H_BC "');"
    "INSERT INTO users (name, hash, disabled, expires) VALUES"
    "    ('bob', '" H_YES "', 1, '2030-01-01');";
#define SEEDED	"alice|" H_BC "|0|NULL\n" \
		"bob|" H_YES "|1|2030-01-01\n"

/* A file whose line 1 is good, for the refusals at line 2. */
#define GOOD	"nina:" H_YES "\n"

static const struct irow htpasswd_rows[] = {
	{ "users added, every format the server verifies", NULL,
	  { "htpasswd", "@" },
	  "alice:" H_2Y "\nbob:" H_SHA512 "\ncarl:" H_SHA256 "\n"
	  "dave:" H_YES "\nerin:" H_BC "\nfay:" H_ARGON2 "\n", 0, 0,
	  "added user alice\nadded user bob\nadded user carl\n"
	  "added user dave\nadded user erin\nadded user fay\n", "",
	  "alice|" H_2Y "|0|NULL\nbob|" H_SHA512 "|0|NULL\n"
	  "carl|" H_SHA256 "|0|NULL\ndave|" H_YES "|0|NULL\n"
	  "erin|" H_BC "|0|NULL\nfay|" H_ARGON2 "|0|NULL\n" },
	{ "costs at the caps are accepted", NULL, { "htpasswd", "@" },
	  "gus:" H_BC12 "\nhal:" H_SHA_100K "\n", 0, 0,
	  "added user gus\nadded user hal\n", "",
	  "gus|" H_BC12 "|0|NULL\nhal|" H_SHA_100K "|0|NULL\n" },
	{ "comments, blank lines, CRLF and trailing blanks", NULL,
	  { "htpasswd", "@" },
	  "# made by htpasswd\n\n  \t\nalice:" H_BC "\r\n"
	  "bob:" H_YES " \t\r\n\n# bob:" H_2Y "\n", 0, 0,
	  "added user alice\nadded user bob\n", "",
	  "alice|" H_BC "|0|NULL\nbob|" H_YES "|0|NULL\n" },
	{ "no newline at the end", NULL, { "htpasswd", "@" },
	  "alice:" H_BC, 0, 0, "added user alice\n", "",
	  "alice|" H_BC "|0|NULL\n" },
	{ "a 255-byte and a UTF-8 user name", NULL, { "htpasswd", "@" },
	  X255 ":" H_BC "\nj\xc3\xbcrgen:" H_BC "\n", 0, 0,
	  "added user " X255 "\nadded user j\xc3\xbcrgen\n", "",
	  "j\xc3\xbcrgen|" H_BC "|0|NULL\n" X255 "|" H_BC "|0|NULL\n" },
	{ "a changed hash replaced, state kept", users_seed,
	  { "htpasswd", "@" }, "bob:" H_SHA512 "\n", 0, 0,
	  "updated hash bob\n", "",
	  "alice|" H_BC "|0|NULL\nbob|" H_SHA512 "|1|2030-01-01\n" },
	{ "the same hash: no changes", users_seed, { "htpasswd", "@" },
	  "alice:" H_BC "\nbob:" H_YES "\n", 0, 0, "no changes\n", "",
	  SEEDED },
	{ "same, changed and new, in file order", users_seed,
	  { "htpasswd", "@" },
	  "carl:" H_2Y "\nalice:" H_BC "\nbob:" H_BC "\n", 0, 0,
	  "added user carl\nupdated hash bob\n", "",
	  "alice|" H_BC "|0|NULL\nbob|" H_BC "|1|2030-01-01\n"
	  "carl|" H_2Y "|0|NULL\n" },
	{ "users absent from the file are kept", users_seed,
	  { "htpasswd", "@" }, "carl:" H_2Y "\n", 0, 0,
	  "added user carl\n", "", SEEDED "carl|" H_2Y "|0|NULL\n" },
	{ "unverifiable hashes skipped with a note", NULL,
	  { "htpasswd", "@" },
	  "dave:" H_APR1 "\nerin:" H_SHA1 "\nivan:ivan-pw\njo:" H_DES "\n"
	  "kim:" H_MD5 "\nlee:" H_SSHA "\nmo:$9$ab$cd\nned:$$x\n"
	  "ola:$argon2d$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA\n"
	  "ann:" H_YES "\n", 0, 0,
	  "skipped " SKIP("dave", "$apr1$", "add")
	  "skipped " SKIP("erin", "{SHA}", "add")
	  "skipped " SKIP("ivan", "plaintext or DES", "add")
	  "skipped " SKIP("jo", "plaintext or DES", "add")
	  "skipped " SKIP("kim", "$1$", "add")
	  "skipped " SKIP("lee", "{SSHA}", "add")
	  "skipped " SKIP("mo", "$9$", "add")
	  "skipped ned: hashes of an unknown format cannot be verified; "
	  "set a new password with portcullis user add\n"
	  "skipped " SKIP("ola", "$argon2d$", "add")
	  "added user ann\n", "",
	  "ann|" H_YES "|0|NULL\n" },
	{ "an unverifiable hash for an existing user: passwd", users_seed,
	  { "htpasswd", "@" }, "alice:" H_APR1 "\n", 0, 0,
	  "skipped " SKIP("alice", "$apr1$", "passwd") "no changes\n", "",
	  SEEDED },
	{ "an empty file", users_seed, { "htpasswd", "@" }, "", 0, 0,
	  "no changes\n", "", SEEDED },
	{ "comments only", NULL, { "htpasswd", "@" }, "# none\n\n", 0, 0,
	  "no changes\n", "", "" },
	{ "--dry-run: what would change, nothing written", users_seed,
	  { "htpasswd", "--dry-run", "@" },
	  "carl:" H_2Y "\nalice:" H_BC "\nbob:" H_BC "\ndave:" H_APR1 "\n"
	  "erin:" H_SHA1 "\n", 0, 0,
	  "add user carl\nupdate hash bob\n"
	  "skip " SKIP("dave", "$apr1$", "add")
	  "skip " SKIP("erin", "{SHA}", "add"), "", NULL },
	{ "--dry-run of a file without changes", users_seed,
	  { "htpasswd", "--dry-run", "@" }, "alice:" H_BC "\n", 0, 0,
	  "no changes\n", "", NULL },
	{ "-- before the file", NULL, { "htpasswd", "--", "@" },
	  "alice:" H_BC "\n", 0, 0, "added user alice\n", "",
	  "alice|" H_BC "|0|NULL\n" },
	{ "--dry-run --", NULL, { "htpasswd", "--dry-run", "--", "@" },
	  "alice:" H_BC "\n", 0, 0, "add user alice\n", "", NULL },
	{ "standard input", NULL, { "htpasswd", "-" },
	  "alice:" H_BC "\n", 0, 0, "added user alice\n", "",
	  "alice|" H_BC "|0|NULL\n" },
	{ "standard input, an error names stdin", NULL,
	  { "htpasswd", "-" }, GOOD "omar\n", 0, 1, "",
	  ":2: no ':' after the user name", NULL },
	{ "no such file", users_seed, { "htpasswd", "@" }, NULL, 0, 1, "",
	  ": No such file or directory", NULL },
	/* Leading blanks and tabs go, as Apache's cfg_trim_line(). */
	{ "leading blanks and tabs stripped", NULL, { "htpasswd", "@" },
	  "  alice:" H_BC "\n\tbob:" H_YES "\n \t carl:" H_2Y " \n", 0, 0,
	  "added user alice\nadded user bob\nadded user carl\n", "",
	  "alice|" H_BC "|0|NULL\nbob|" H_YES "|0|NULL\n"
	  "carl|" H_2Y "|0|NULL\n" },
	{ "an indented comment is a comment", NULL, { "htpasswd", "@" },
	  "  # alice:" H_BC "\n\t#bob:" H_YES "\nann:" H_YES "\n", 0, 0,
	  "added user ann\n", "", "ann|" H_YES "|0|NULL\n" },
	{ "an indented user twice", NULL, { "htpasswd", "@" },
	  "alice:" H_BC "\n  alice:" H_YES "\n", 0, 1, "",
	  ":2: alice again (line 1)", NULL },
	/* A UTF-8 byte order mark at the start is skipped. */
	{ "a byte order mark before the first user", NULL,
	  { "htpasswd", "@" }, "\xef\xbb\xbf" "alice:" H_BC "\n", 0, 0,
	  "added user alice\n", "", "alice|" H_BC "|0|NULL\n" },
	{ "a byte order mark before a comment", NULL, { "htpasswd", "@" },
	  "\xef\xbb\xbf# users\nalice:" H_BC "\n", 0, 0,
	  "added user alice\n", "", "alice|" H_BC "|0|NULL\n" },
	{ "a byte order mark alone", users_seed, { "htpasswd", "@" },
	  "\xef\xbb\xbf", 0, 0, "no changes\n", "", SEEDED },
	{ "a byte order mark elsewhere is part of the name", NULL,
	  { "htpasswd", "@" },
	  "alice:" H_BC "\n\xef\xbb\xbf" "bob:" H_YES "\n", 0, 0,
	  "added user alice\nadded user \xef\xbb\xbf" "bob\n", "",
	  "alice|" H_BC "|0|NULL\n\xef\xbb\xbf" "bob|" H_YES "|0|NULL\n" },
	/* Unreadable prefixes: a note that reads. */
	{ "hashes of an unknown format", NULL,
	  { "htpasswd", "--dry-run", "@" },
	  "ned:$$x\nol:{x\npat:$\n", 0, 0,
	  "skip ned: hashes of an unknown format cannot be verified; set a "
	  "new password with portcullis user add\n"
	  "skip ol: hashes of an unknown format cannot be verified; set a "
	  "new password with portcullis user add\n"
	  "skip pat: hashes of an unknown format cannot be verified; set a "
	  "new password with portcullis user add\nno changes\n", "", NULL },
	{ "a hash of an unknown format for an existing user", users_seed,
	  { "htpasswd", "@" }, "alice:{x\n", 0, 0,
	  "skipped alice: hashes of an unknown format cannot be verified; "
	  "set a new password with portcullis user passwd\nno changes\n", "",
	  SEEDED },

	/* Refused at their line: nothing written, nothing printed. */
	{ "no colon", users_seed, { "htpasswd", "@" }, GOOD "omar\n", 0, 1,
	  "", ":2: no ':' after the user name", NULL },
	{ "empty user name", users_seed, { "htpasswd", "@" },
	  GOOD ":" H_BC "\n", 0, 1, "", ":2: empty user name", NULL },
	{ "empty hash", users_seed, { "htpasswd", "@" }, GOOD "omar:\n", 0,
	  1, "", ":2: empty hash for omar", NULL },
	{ "a 256-byte user name", users_seed, { "htpasswd", "@" },
	  GOOD X255 "x:" H_BC "\n", 0, 1, "", ":2: " USER_MSG, NULL },
	{ "a control byte", users_seed, { "htpasswd", "@" },
	  GOOD "om\001ar:" H_BC "\n", 0, 1, "", ":2: control character",
	  NULL },
	{ "a tab inside the line", users_seed, { "htpasswd", "@" },
	  GOOD "omar:\t" H_BC "\n", 0, 1, "", ":2: control character", NULL },
	{ "DEL", users_seed, { "htpasswd", "@" },
	  GOOD "om\177ar:" H_BC "\n", 0, 1, "", ":2: control character",
	  NULL },
	{ "invalid UTF-8", users_seed, { "htpasswd", "@" },
	  GOOD "om\377ar:" H_BC "\n", 0, 1, "", ":2: " USER_MSG, NULL },
	{ "a NUL byte", users_seed, { "htpasswd", "@" },
	  GOOD "om\0ar:" H_BC "\n", sizeof(GOOD "om\0ar:" H_BC "\n") - 1,
	  1, "", ":2: control character", NULL },
	{ "a user twice", users_seed, { "htpasswd", "@" },
	  GOOD "omar:" H_BC "\nnina:" H_BC "\n", 0, 1, "",
	  ":3: nina again (line 1)", NULL },
	{ "a hash the schema refuses, after adds and skips", users_seed,
	  { "htpasswd", "@" },
	  GOOD "dave:" H_APR1 "\nalice:" H_2Y "\nomar:$y$short\n", 0, 1, "",
	  ":4: user omar: hash must be a bcrypt, "
	  "yescrypt, sha-crypt or argon2 string (see portcullis(8))", NULL },
	{ "a new hash the schema refuses for an existing user", users_seed,
	  { "htpasswd", "@" }, GOOD "alice:$2b$05$x\n", 0, 1, "",
	  ":2: user alice: hash must be a bcrypt, "
	  "yescrypt, sha-crypt or argon2 string (see portcullis(8))", NULL },
	{ "bcrypt cost 13", users_seed, { "htpasswd", "@" },
	  GOOD "omar:" H_BC13 "\n", 0, 1, "",
	  ":2: user omar: hash cost over the cap: bcrypt cost 13 is over "
	  "12 (see portcullis(5))", NULL },
	{ "bcrypt cost 31", users_seed, { "htpasswd", "@" },
	  GOOD "omar:" H_BC31 "\n", 0, 1, "",
	  ":2: user omar: hash cost over the cap: bcrypt cost 31 is over "
	  "12 (see portcullis(5))", NULL },
	{ "sha-crypt rounds over the cap", users_seed, { "htpasswd", "@" },
	  GOOD "omar:" H_SHA_OVER "\n", 0, 1, "",
	  ":2: user omar: hash cost over the cap: sha-crypt rounds=10000000 "
	  "is over 100000 (see portcullis(5))", NULL },
	{ "yescrypt over the cap", users_seed, { "htpasswd", "@" },
	  GOOD "omar:" H_YES_OVER "\n", 0, 1, "",
	  ":2: user omar: hash cost over the cap: yescrypt needs over 65536 "
	  "KiB (N=2^15, r=32, p=1, t=0) (see portcullis(5))", NULL },
	{ "argon2 over the cap", users_seed, { "htpasswd", "@" },
	  GOOD "omar:" H_ARGON2_OVER "\n", 0, 1, "",
	  ":2: user omar: hash cost over the cap: argon2 m*t=2097152 KiB is "
	  "over 786432 (see portcullis(5))", NULL },
	{ "a costly hash for an existing user", users_seed,
	  { "htpasswd", "@" }, GOOD "alice:" H_BC13 "\n", 0, 1, "",
	  ":2: user alice: hash cost over the cap: bcrypt cost 13 is over "
	  "12 (see portcullis(5))", NULL },
	{ "a costly hash after adds, updates and skips, in a dry run",
	  users_seed, { "htpasswd", "--dry-run", "@" },
	  GOOD "bob:" H_BC "\ndave:" H_APR1 "\nomar:" H_BC13 "\n", 0, 1, "",
	  ":4: user omar: hash cost over the cap: bcrypt cost 13 is over "
	  "12 (see portcullis(5))", NULL },
};

START_TEST(test_htpasswd)
{
	run_row(&htpasswd_rows[_i], users_q);
}
END_TEST

/* --- import htgroup --------------------------------------------------------- */

static const char groups_q[] =
    "SELECT 'role', name, comment FROM roles ORDER BY name;"
    "SELECT 'member', user, role FROM members ORDER BY user, role;"
    "SELECT 'user', count(*) FROM users";

static const char groups_seed[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" H_BC "'),"
    "    ('bob', '" H_BC "'), ('carl', '" H_BC "'),"
    "    ('j\xc3\xbcrgen', '" H_BC "');";
static const char groups_seed2[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" H_BC "'),"
    "    ('bob', '" H_BC "'), ('carl', '" H_BC "'),"
    "    ('j\xc3\xbcrgen', '" H_BC "');"
    "INSERT INTO roles (name, comment) VALUES ('editor', 'edits'),"
    "    ('viewer', '');"
    "INSERT INTO members (user, role) VALUES ('alice', 'editor'),"
    "    ('bob', 'editor');";
#define SEEDED2	"role|editor|edits\nrole|viewer|\n" \
		"member|alice|editor\nmember|bob|editor\nuser|4\n"

#define GGOOD	"ops: carl\n"

static const struct irow htgroup_rows[] = {
	{ "roles added, members granted, in file order", groups_seed,
	  { "htgroup", "@" },
	  "editor: alice bob\nviewer:carl\talice  j\xc3\xbcrgen\n", 0, 0,
	  "added role editor\ngranted alice editor\ngranted bob editor\n"
	  "added role viewer\ngranted carl viewer\ngranted alice viewer\n"
	  "granted j\xc3\xbcrgen viewer\n", "",
	  "role|editor|\nrole|viewer|\n"
	  "member|alice|editor\nmember|alice|viewer\nmember|bob|editor\n"
	  "member|carl|viewer\nmember|j\xc3\xbcrgen|viewer\nuser|4\n" },
	{ "an existing role: its comment kept, new members granted",
	  groups_seed2, { "htgroup", "@" }, "editor: alice carl\n", 0, 0,
	  "granted carl editor\n", "",
	  "role|editor|edits\nrole|viewer|\n"
	  "member|alice|editor\nmember|bob|editor\nmember|carl|editor\n"
	  "user|4\n" },
	{ "members are never removed", groups_seed2, { "htgroup", "@" },
	  "editor: alice\nviewer:\n", 0, 0, "no changes\n", "", SEEDED2 },
	{ "a group without members", groups_seed, { "htgroup", "@" },
	  "empty:\nblank: \t\n", 0, 0, "added role empty\nadded role blank\n",
	  "", "role|blank|\nrole|empty|\nuser|4\n" },
	{ "a group twice, a user twice", groups_seed, { "htgroup", "@" },
	  "editor: alice alice\neditor: bob alice\n", 0, 0,
	  "added role editor\ngranted alice editor\ngranted bob editor\n", "",
	  "role|editor|\nmember|alice|editor\nmember|bob|editor\nuser|4\n" },
	{ "comments, blank lines, CRLF, no final newline", groups_seed,
	  { "htgroup", "@" },
	  "# groups\n\n \neditor: alice \r\n#viewer: bob\nops:\tbob", 0, 0,
	  "added role editor\ngranted alice editor\nadded role ops\n"
	  "granted bob ops\n", "",
	  "role|editor|\nrole|ops|\nmember|alice|editor\nmember|bob|ops\n"
	  "user|4\n" },
	{ "role names of every allowed character", groups_seed,
	  { "htgroup", "@" }, "A-z_0.9: alice\n", 0, 0,
	  "added role A-z_0.9\ngranted alice A-z_0.9\n", "",
	  "role|A-z_0.9|\nmember|alice|A-z_0.9\nuser|4\n" },
	{ "an empty file", groups_seed2, { "htgroup", "@" }, "", 0, 0,
	  "no changes\n", "", SEEDED2 },
	{ "--dry-run", groups_seed2, { "htgroup", "--dry-run", "@" },
	  "editor: alice carl\nops: bob\n", 0, 0,
	  "grant carl editor\nadd role ops\ngrant bob ops\n", "", NULL },
	{ "standard input", groups_seed, { "htgroup", "-" },
	  "ops: bob\n", 0, 0, "added role ops\ngranted bob ops\n", "",
	  "role|ops|\nmember|bob|ops\nuser|4\n" },
	{ "leading blanks and tabs, an indented comment, a byte order mark",
	  groups_seed, { "htgroup", "@" },
	  "\xef\xbb\xbf  editor: alice\n\t# viewer: bob\n \tops:\tcarl\n",
	  0, 0,
	  "added role editor\ngranted alice editor\nadded role ops\n"
	  "granted carl ops\n", "",
	  "role|editor|\nrole|ops|\nmember|alice|editor\nmember|carl|ops\n"
	  "user|4\n" },
	{ "a group again later: its new members granted there", groups_seed,
	  { "htgroup", "@" },
	  "editor: alice\nviewer: bob\neditor: carl alice\n", 0, 0,
	  "added role editor\ngranted alice editor\nadded role viewer\n"
	  "granted bob viewer\ngranted carl editor\n", "",
	  "role|editor|\nrole|viewer|\nmember|alice|editor\n"
	  "member|bob|viewer\nmember|carl|editor\nuser|4\n" },
	{ "the whole file is read before a user is looked up", groups_seed,
	  { "htgroup", "@" }, "ops: nobody\nadmins: a:b\n", 0, 1, "",
	  ":2: " USER_MSG, NULL },
	{ "a NUL byte among the members", groups_seed, { "htgroup", "@" },
	  GGOOD "ops: alice\0bob\n", sizeof(GGOOD "ops: alice\0bob\n") - 1,
	  1, "", ":2: control character", NULL },

	/* Refused at their line: nothing written, nothing printed. */
	{ "an unknown user, after a role was added", groups_seed,
	  { "htgroup", "@" }, GGOOD "admins: alice nobody\n", 0, 1, "",
	  ":2: no such user nobody (import the htpasswd file first)", NULL },
	{ "an unknown user in an existing role", groups_seed2,
	  { "htgroup", "@" }, GGOOD "editor: carl nobody\n", 0, 1, "",
	  ":2: no such user nobody (import the htpasswd file first)", NULL },
	{ "an unknown user, dry run", groups_seed,
	  { "htgroup", "--dry-run", "@" }, GGOOD "ops: nobody\n", 0, 1, "",
	  ":2: no such user nobody (import the htpasswd file first)", NULL },
	{ "a user name the users table cannot hold", groups_seed,
	  { "htgroup", "@" }, GGOOD "admins: alice a:b\n", 0, 1, "",
	  ":2: " USER_MSG, NULL },
	{ "a user name with a control byte", groups_seed,
	  { "htgroup", "@" }, GGOOD "admins: al\001ice\n", 0, 1, "",
	  ":2: " USER_MSG, NULL },
	{ "a user name of invalid UTF-8", groups_seed,
	  { "htgroup", "@" }, GGOOD "admins: al\377ice\n", 0, 1, "",
	  ":2: " USER_MSG, NULL },
	{ "no colon", groups_seed, { "htgroup", "@" },
	  GGOOD "admins alice\n", 0, 1, "",
	  ":2: no ':' after the group name", NULL },
	{ "empty group name", groups_seed, { "htgroup", "@" },
	  GGOOD ": alice\n", 0, 1, "", ":2: empty group name", NULL },
	{ "the reserved name all", groups_seed, { "htgroup", "@" },
	  GGOOD "all: alice\n", 0, 1, "", ":2: " ROLE_MSG, NULL },
	{ "the reserved name valid-user", groups_seed, { "htgroup", "@" },
	  GGOOD "valid-user: alice\n", 0, 1, "", ":2: " ROLE_MSG, NULL },
	{ "a blank in the group name", groups_seed, { "htgroup", "@" },
	  GGOOD "web admins: alice\n", 0, 1, "", ":2: " ROLE_MSG, NULL },
	{ "a blank before the colon", groups_seed, { "htgroup", "@" },
	  GGOOD "admins : alice\n", 0, 1, "", ":2: " ROLE_MSG, NULL },
	{ "a non-ASCII group name", groups_seed, { "htgroup", "@" },
	  GGOOD "r\xc3\xb4le: alice\n", 0, 1, "", ":2: " ROLE_MSG, NULL },
	{ "a 256-byte group name", groups_seed, { "htgroup", "@" },
	  GGOOD X255 "x: alice\n", 0, 1, "", ":2: " ROLE_MSG, NULL },
};

START_TEST(test_htgroup)
{
	run_row(&htgroup_rows[_i], groups_q);
}
END_TEST

/* --- import policy: the diff and its application -------------------------- */

/*
 * Every row of the policy; users' hashes as "bcrypt" (alice's seed),
 * "yescrypt" (bob's) or "random" (made by the import).
 */
static const char policy_q[] =
    "SELECT 'setting', name, value FROM settings ORDER BY name;"
    "SELECT 'user', name, disabled, expires, CASE"
    "    WHEN hash = '" H_BC "' THEN 'bcrypt'"
    "    WHEN hash = '" H_YES "' THEN 'yescrypt'"
    "    WHEN hash GLOB '$y$*' THEN 'random' ELSE hash END"
    "    FROM users ORDER BY name;"
    "SELECT 'role', name, comment FROM roles ORDER BY name;"
    "SELECT 'member', user, role FROM members ORDER BY user, role;"
    "SELECT 'resource', pattern, host, comment FROM resources"
    "    ORDER BY pattern, host;"
    "SELECT 'rule', id, pattern, host, methods, principal, comment"
    "    FROM rules ORDER BY id";

static const char policy_seed[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" H_BC "');"
    "INSERT INTO users (name, hash, disabled, expires) VALUES"
    "    ('bob', '" H_YES "', 1, '2030-01-01');"
    "INSERT INTO roles (name, comment) VALUES ('editor', 'edits'),"
    "    ('viewer', '');"
    "INSERT INTO members (user, role) VALUES ('alice', 'editor'),"
    "    ('bob', 'viewer');"
    "INSERT INTO resources (pattern, host, comment)"
    "    VALUES ('/empty', NULL, 'nothing yet');"
    "INSERT INTO rules (id, pattern, host, methods, principal, comment)"
    "    VALUES (3, '/docs/**', NULL, 'GET', 'viewer', ''),"
    "    (7, '/docs/**', 'ex.org', 'GET,PUT', 'editor', 'intranet'),"
    "    (9, '/', NULL, '*', 'all', '');";

/* The seed's export, line by line, ... */
#define P_HEAD		"-- portcullis policy, format 1\n"
#define P_EXPHEAD	P_HEAD "-- Written by portcullis export; read by " \
			"portcullis import policy.\n" \
			"-- Users carry no password hashes.\n"
#define P_SETTINGS	"INSERT INTO settings (name, value) VALUES " \
			"('credential_cache_entries', '4096');\n" \
			"INSERT INTO settings (name, value) VALUES " \
			"('credential_cache_seconds', '300');\n" \
			"INSERT INTO settings (name, value) VALUES " \
			"('proxy_auth', 'off');\n" \
			"INSERT INTO settings (name, value) VALUES " \
			"('realm', 'Portcullis');\n"
#define P_USER(n, d, e)	"INSERT INTO users (name, disabled, expires) " \
			"VALUES (" n ", " d ", " e ");\n"
#define P_ROLE(n, c)	"INSERT INTO roles (name, comment) VALUES " \
			"(" n ", " c ");\n"
#define P_MEMBER(u, r)	"INSERT INTO members (user, role) VALUES " \
			"(" u ", " r ");\n"
#define P_RES(p, h, c)	"INSERT INTO resources (pattern, host, comment) " \
			"VALUES (" p ", " h ", " c ");\n"
#define P_RULE(v)	"INSERT INTO rules (id, pattern, host, methods, " \
			"principal, comment, network) VALUES (" v \
			", NULL);\n"
#define P_ALICE		P_USER("'alice'", "0", "NULL")
#define P_BOB		P_USER("'bob'", "1", "'2030-01-01'")
#define P_EDITOR	P_ROLE("'editor'", "'edits'")
#define P_VIEWER	P_ROLE("'viewer'", "''")
#define P_M_ALICE	P_MEMBER("'alice'", "'editor'")
#define P_M_BOB		P_MEMBER("'bob'", "'viewer'")
#define P_RES_ROOT	P_RES("'/'", "NULL", "''")
#define P_RES_DOCS	P_RES("'/docs/**'", "NULL", "''")
#define P_RES_DOCS_EX	P_RES("'/docs/**'", "'ex.org'", "''")
#define P_RES_EMPTY	P_RES("'/empty'", "NULL", "'nothing yet'")
#define P_RULE3		P_RULE("3, '/docs/**', NULL, 'GET', 'viewer', ''")
#define P_RULE7		P_RULE("7, '/docs/**', 'ex.org', 'GET,PUT', " \
			"'editor', 'intranet'")
#define P_RULE9		P_RULE("9, '/', NULL, '*', 'all', ''")
#define P_USERS		P_ALICE P_BOB
#define P_ROLES		P_EDITOR P_VIEWER
#define P_MEMBERS	P_M_ALICE P_M_BOB
#define P_RESOURCES	P_RES_ROOT P_RES_DOCS P_RES_DOCS_EX P_RES_EMPTY
#define P_RULES		P_RULE3 P_RULE7 P_RULE9
#define P_EXPORT	P_EXPHEAD P_SETTINGS P_USERS P_ROLES P_MEMBERS \
			P_RESOURCES P_RULES

/* ... and its rows. */
#define R_SETTINGS	"setting|credential_cache_entries|4096\n" \
			"setting|credential_cache_seconds|300\n" \
			"setting|proxy_auth|off\nsetting|realm|Portcullis\n"
#define R_ALICE		"user|alice|0|NULL|bcrypt\n"
#define R_BOB		"user|bob|1|2030-01-01|yescrypt\n"
#define R_EDITOR	"role|editor|edits\n"
#define R_VIEWER	"role|viewer|\n"
#define R_M_ALICE	"member|alice|editor\n"
#define R_M_BOB		"member|bob|viewer\n"
#define R_RES_ROOT	"resource|/|NULL|\n"
#define R_RES_DOCS	"resource|/docs/**|NULL|\n"
#define R_RES_DOCS_EX	"resource|/docs/**|ex.org|\n"
#define R_RES_EMPTY	"resource|/empty|NULL|nothing yet\n"
#define R_RULE3		"rule|3|/docs/**|NULL|GET|viewer|\n"
#define R_RULE7		"rule|7|/docs/**|ex.org|GET,PUT|editor|intranet\n"
#define R_RULE9		"rule|9|/|NULL|*|all|\n"
#define R_USERS		R_ALICE R_BOB
#define R_ROLES		R_EDITOR R_VIEWER
#define R_MEMBERS	R_M_ALICE R_M_BOB
#define R_RESOURCES	R_RES_ROOT R_RES_DOCS R_RES_DOCS_EX R_RES_EMPTY
#define R_RULES		R_RULE3 R_RULE7 R_RULE9
#define R_BASE		R_SETTINGS R_USERS R_ROLES R_MEMBERS R_RESOURCES \
			R_RULES

static const struct irow policy_rows[] = {
	{ "its own export: no changes", policy_seed, { "policy", "@" },
	  P_EXPORT, 0, 0, "no changes\n", "", R_BASE },
	{ "the same policy reordered, spaced, commented, no settings",
	  policy_seed, { "policy", "@" },
	  P_HEAD P_RULES P_RESOURCES
	  "-- the roles\n"
	  "INSERT\tINTO roles(name,comment)VALUES('viewer','') ;"
	  "  INSERT INTO roles (name, comment) -- a comment\n"
	  "    VALUES ('editor', -- another\n 'edits');\n\n"
	  P_M_BOB P_M_ALICE P_BOB P_ALICE, 0, 0, "no changes\n", "",
	  R_BASE },
	{ "into an empty database: everything added", NULL,
	  { "policy", "@" }, P_EXPORT, 0, 0,
	  "added role editor\nadded role viewer\n"
	  "added user alice" NOPASS "\nadded user bob" NOPASS "\n"
	  "added resource /\nadded resource /docs/**\n"
	  "added resource /docs/** host ex.org\nadded resource /empty\n"
	  "added rule 3 (/docs/** GET viewer)\n"
	  "added rule 7 (/docs/** host ex.org GET,PUT editor)\n"
	  "added rule 9 (/ * all)\n"
	  "granted alice editor\ngranted bob viewer\n", "",
	  R_SETTINGS "user|alice|0|NULL|random\n"
	  "user|bob|1|2030-01-01|random\n"
	  R_ROLES R_MEMBERS R_RESOURCES R_RULES },
	{ "rows added; a rule keeps its id and makes its resource",
	  policy_seed, { "policy", "@" },
	  P_EXPORT P_ROLE("'admin'", "'the admins'")
	  P_USER("'carol'", "0", "'2031-02-03 04:05:06'")
	  P_MEMBER("'carol'", "'admin'") P_MEMBER("'alice'", "'viewer'")
	  P_RES("'/new'", "'[::1]'", "'n'")
	  P_RULE("42, '/admin/**', NULL, 'GET,POST', 'admin', 'ops'"), 0, 0,
	  "added role admin\nadded user carol" NOPASS "\n"
	  "added resource /new host [::1]\n"
	  "added rule 42 (/admin/** GET,POST admin)\n"
	  "granted alice viewer\ngranted carol admin\n", "",
	  R_SETTINGS R_USERS "user|carol|0|2031-02-03 04:05:06|random\n"
	  "role|admin|the admins\n" R_ROLES
	  R_M_ALICE "member|alice|viewer\n" R_M_BOB "member|carol|admin\n"
	  R_RES_ROOT "resource|/admin/**|NULL|\n" R_RES_DOCS R_RES_DOCS_EX
	  R_RES_EMPTY "resource|/new|[::1]|n\n"
	  R_RULES "rule|42|/admin/**|NULL|GET,POST|admin|ops\n" },
	{ "rows changed in place, rule ids kept", policy_seed,
	  { "policy", "@" },
	  P_HEAD
	  "INSERT INTO settings (name, value) VALUES ('realm', 'Staff');\n"
	  P_ALICE P_USER("'bob'", "0", "NULL")
	  P_EDITOR P_ROLE("'viewer'", "'it''s -- read\nonly'")
	  P_MEMBERS P_RES_ROOT P_RES_DOCS P_RES_DOCS_EX
	  P_RES("'/empty'", "NULL", "'still nothing'")
	  P_RULE3
	  P_RULE("7, '/docs/**', 'ex.org', 'GET', 'editor', ''")
	  P_RULE("9, '/', NULL, '*', 'valid-user', ''"), 0, 0,
	  "set realm Staff\nupdated role viewer\nupdated user bob\n"
	  "updated resource /empty\n"
	  "updated rule 7 (/docs/** host ex.org GET editor)\n"
	  "updated rule 9 (/ * valid-user)\n", "",
	  "setting|credential_cache_entries|4096\n"
	  "setting|credential_cache_seconds|300\n"
	  "setting|proxy_auth|off\nsetting|realm|Staff\n"
	  R_ALICE "user|bob|0|NULL|yescrypt\n"
	  R_EDITOR "role|viewer|it's -- read\nonly\n" R_MEMBERS
	  R_RES_ROOT R_RES_DOCS R_RES_DOCS_EX
	  "resource|/empty|NULL|still nothing\n"
	  R_RULE3 "rule|7|/docs/**|ex.org|GET|editor|\n"
	  "rule|9|/|NULL|*|valid-user|\n" },
	{ "a rule moved to a new resource keeps its id; the old one "
	  "stays while listed", policy_seed, { "policy", "@" },
	  P_HEAD P_USERS P_ROLES P_MEMBERS P_RESOURCES
	  P_RULE("3, '/doc/**', NULL, 'GET', 'viewer', ''") P_RULE7 P_RULE9,
	  0, 0, "updated rule 3 (/doc/** GET viewer)\n", "",
	  R_SETTINGS R_USERS R_ROLES R_MEMBERS R_RES_ROOT
	  "resource|/doc/**|NULL|\n" R_RES_DOCS R_RES_DOCS_EX R_RES_EMPTY
	  "rule|3|/doc/**|NULL|GET|viewer|\n" R_RULE7 R_RULE9 },
	{ "a rule under another id: deleted and added", policy_seed,
	  { "policy", "@" },
	  P_HEAD P_USERS P_ROLES P_MEMBERS P_RESOURCES
	  P_RULE("4, '/docs/**', NULL, 'GET', 'viewer', ''") P_RULE7 P_RULE9,
	  0, 0, "deleted rule 3 (/docs/** GET viewer)\n"
	  "added rule 4 (/docs/** GET viewer)\n", "",
	  R_SETTINGS R_USERS R_ROLES R_MEMBERS R_RESOURCES
	  "rule|4|/docs/**|NULL|GET|viewer|\n" R_RULE7 R_RULE9 },
	{ "rows removed: rules, members, resources, a role", policy_seed,
	  { "policy", "@" },
	  P_HEAD P_USERS P_VIEWER P_RES_ROOT P_RES_EMPTY P_RULE9, 0, 0,
	  "deleted rule 3 (/docs/** GET viewer)\n"
	  "deleted rule 7 (/docs/** host ex.org GET,PUT editor)\n"
	  "revoked alice editor\nrevoked bob viewer\n"
	  "deleted resource /docs/**\ndeleted resource /docs/** host ex.org\n"
	  "deleted role editor\n", "",
	  R_SETTINGS R_USERS R_VIEWER R_RES_ROOT R_RES_EMPTY R_RULE9 },
	{ "a resource a rule of the file uses is kept, unlisted",
	  policy_seed, { "policy", "@" },
	  P_HEAD P_USERS P_ROLES P_MEMBERS P_RES_EMPTY P_RULES, 0, 0,
	  "no changes\n", "", R_BASE },
	{ "users absent from the file are kept, members of the database's "
	  "users granted", policy_seed, { "policy", "@" },
	  P_HEAD P_ROLES P_MEMBERS P_MEMBER("'bob'", "'editor'")
	  P_RESOURCES P_RULES, 0, 0, "granted bob editor\n", "",
	  R_SETTINGS R_USERS R_ROLES R_M_ALICE "member|bob|editor\n"
	  R_M_BOB R_RESOURCES R_RULES },
	{ "the header alone: all but users and settings deleted",
	  policy_seed, { "policy", "@" }, P_HEAD, 0, 0,
	  "deleted rule 3 (/docs/** GET viewer)\n"
	  "deleted rule 7 (/docs/** host ex.org GET,PUT editor)\n"
	  "deleted rule 9 (/ * all)\n"
	  "revoked alice editor\nrevoked bob viewer\n"
	  "deleted resource /\ndeleted resource /docs/**\n"
	  "deleted resource /docs/** host ex.org\ndeleted resource /empty\n"
	  "deleted role editor\ndeleted role viewer\n", "",
	  R_SETTINGS R_USERS },
	{ "--dry-run of changes: the verbs, nothing written", policy_seed,
	  { "policy", "--dry-run", "@" },
	  P_HEAD
	  "INSERT INTO settings (name, value) VALUES ('realm', 'Staff');\n"
	  P_ALICE P_USER("'bob'", "0", "NULL")
	  P_USER("'carol'", "0", "NULL")
	  P_ROLE("'viewer'", "'readers'") P_M_BOB
	  P_MEMBER("'carol'", "'viewer'") P_RES_ROOT
	  P_RULE("3, '/docs/**', NULL, 'GET,HEAD', 'viewer', ''")
	  P_RULE("5, '/x', NULL, 'GET', 'viewer', ''") P_RULE9, 0, 0,
	  "set realm Staff\nupdate role viewer\nupdate user bob\n"
	  "add user carol" NOPASS "\n"
	  "delete rule 7 (/docs/** host ex.org GET,PUT editor)\n"
	  "update rule 3 (/docs/** GET,HEAD viewer)\n"
	  "add rule 5 (/x GET viewer)\n"
	  "revoke alice editor\ngrant carol viewer\n"
	  "delete resource /docs/** host ex.org\ndelete resource /empty\n"
	  "delete role editor\n", "", NULL },
	{ "--dry-run of the same policy", policy_seed,
	  { "policy", "--dry-run", "@" }, P_EXPORT, 0, 0, "no changes\n",
	  "", NULL },
	{ "standard input", policy_seed, { "policy", "-" }, P_EXPORT, 0, 0,
	  "no changes\n", "", R_BASE },
};

START_TEST(test_policy)
{
	run_row(&policy_rows[_i], policy_q);
}
END_TEST

/* --- import policy: refusals -------------------------------------------- */

/*
 * Each file is refused with "portcullis: FILE:LINE: why", exit 1,
 * nothing printed on stdout and not one row changed, though most
 * would delete the seed's rules before their bad line is reached.
 * Line 2 of most adds a role, line 3 is the bad one.
 */
#define NEWROLE		P_ROLE("'newrole'", "''")
#define BAD(s)		P_HEAD NEWROLE s "\n"
#define R(v)		P_RULE(v)
#define U(v)		"INSERT INTO users (name, disabled, expires) VALUES " \
			v ";"
#define NUL_FILE	P_HEAD NEWROLE "INSERT INTO roles (name, comment) " \
			"VALUES ('x\0', '');\n"
#define HDR_MSG		"not a policy export: the first line must be " \
			"\"-- portcullis policy, format 1\" (portcullis " \
			"export --format sql)"

static const struct irow policy_bad_rows[] = {
	/* the header */
	{ "no header", policy_seed, { "policy", "@" }, NEWROLE, 0, 1, "",
	  ":1: " HDR_MSG, NULL },
	{ "an empty file", policy_seed, { "policy", "@" }, "", 0, 1, "",
	  ":1: " HDR_MSG, NULL },
	{ "another format", policy_seed, { "policy", "@" },
	  "-- portcullis policy, format 2\n" NEWROLE, 0, 1, "",
	  ":1: " HDR_MSG, NULL },
	{ "the header on line 2", policy_seed, { "policy", "@" },
	  "\n" P_HEAD NEWROLE, 0, 1, "", ":1: " HDR_MSG, NULL },
	{ "the header with CRLF", policy_seed, { "policy", "@" },
	  "-- portcullis policy, format 1\r\n" NEWROLE, 0, 1, "",
	  ":1: " HDR_MSG, NULL },
	{ "the header without its newline", policy_seed, { "policy", "@" },
	  "-- portcullis policy, format 1", 0, 1, "", ":1: " HDR_MSG, NULL },
	{ "JSON", policy_seed, { "policy", "@" },
	  "{\n\"format\": \"portcullis policy 1\"\n}\n", 0, 1, "",
	  ":1: " HDR_MSG, NULL },
	{ "a NUL byte", policy_seed, { "policy", "@" }, NUL_FILE,
	  sizeof(NUL_FILE) - 1, 1, "", ":3: NUL byte", NULL },

	/* statements */
	{ "other SQL", policy_seed, { "policy", "@" },
	  BAD("DROP TABLE users;"), 0, 1, "", ":3: expected INSERT", NULL },
	{ "an UPDATE", policy_seed, { "policy", "@" },
	  BAD("UPDATE users SET hash = '" H_BC31 "' WHERE name = 'alice';"),
	  0, 1, "", ":3: expected INSERT", NULL },
	{ "lower case", policy_seed, { "policy", "@" },
	  BAD("insert into roles (name, comment) values ('x', '');"), 0, 1,
	  "", ":3: expected INSERT", NULL },
	{ "no INTO", policy_seed, { "policy", "@" },
	  BAD("INSERT roles (name, comment) VALUES ('x', '');"), 0, 1, "",
	  ":3: expected INTO", NULL },
	{ "an unknown table", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO sqlite_schema (name) VALUES ('x');"), 0, 1, "",
	  ":3: expected a table: settings, users, roles, members, resources, "
	  "networks, rules, certificates or role_includes", NULL },
	{ "a quoted table name", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO 'roles' (name, comment) VALUES ('x', '');"), 0, 1,
	  "", ":3: expected a table: settings, users, roles, members, "
	  "resources, networks, rules, certificates or role_includes", NULL },
	{ "no column list", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles VALUES ('x', '');"), 0, 1, "",
	  ":3: expected '('", NULL },
	{ "an unknown column", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, remark) VALUES ('x', '');"), 0, 1,
	  "", ":3: expected comment", NULL },
	{ "columns in another order", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (comment, name) VALUES ('', 'x');"), 0, 1,
	  "", ":3: expected name", NULL },
	{ "a column missing", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name) VALUES ('x');"), 0, 1, "",
	  ":3: expected ','", NULL },
	{ "a column too many", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment, x) VALUES ('x', '', '');"),
	  0, 1, "", ":3: expected ')'", NULL },
	{ "a users row with a hash column", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO users (name, hash, disabled, expires) VALUES "
	  "('eve', '" H_BC31 "', 0, NULL);"), 0, 1, "",
	  ":3: expected disabled", NULL },
	{ "no VALUES", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) ('x', '');"), 0, 1, "",
	  ":3: expected VALUES", NULL },
	{ "a value missing", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('x');"), 0, 1, "",
	  ":3: expected ','", NULL },
	{ "a value too many", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('x', '', '');"), 0,
	  1, "", ":3: expected ')'", NULL },
	{ "two rows in one statement", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('x', ''), "
	  "('y', '');"), 0, 1, "", ":3: expected ';'", NULL },
	{ "no semicolon before the next statement", policy_seed,
	  { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('x', '')\n"
	  "INSERT INTO roles (name, comment) VALUES ('y', '');"), 0, 1, "",
	  ":4: expected ';'", NULL },
	{ "no semicolon at the end", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('x', '')"), 0, 1,
	  "", ":4: expected ';'", NULL },
	{ "a statement cut short", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name,"), 0, 1, "", ":4: expected comment",
	  NULL },

	/* literals */
	{ "an integer for a string", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES (1, '');"), 0, 1, "",
	  ":3: roles.name: expected a string", NULL },
	{ "NULL for a string", policy_seed, { "policy", "@" },
	  BAD(U("(NULL, 0, NULL)")), 0, 1, "",
	  ":3: users.name: expected a string", NULL },
	{ "NULL for a comment", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('x', NULL);"), 0, 1,
	  "", ":3: roles.comment: expected a string", NULL },
	{ "a string for an integer", policy_seed, { "policy", "@" },
	  BAD(U("('x', '0', NULL)")), 0, 1, "",
	  ":3: users.disabled: expected an integer", NULL },
	{ "NULL for an integer", policy_seed, { "policy", "@" },
	  BAD(R("NULL, '/x', NULL, 'GET', 'all', ''")), 0, 1, "",
	  ":3: rules.id: expected an integer", NULL },
	{ "a word for a string or NULL", policy_seed, { "policy", "@" },
	  BAD(U("('x', 0, never)")), 0, 1, "",
	  ":3: users.expires: expected a string or NULL", NULL },
	{ "lower-case null", policy_seed, { "policy", "@" },
	  BAD(U("('x', 0, null)")), 0, 1, "",
	  ":3: users.expires: expected a string or NULL", NULL },
	{ "a double-quoted string", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES (\"x\", '');"), 0, 1,
	  "", ":3: unexpected character '\"'", NULL },
	{ "an expression", policy_seed, { "policy", "@" },
	  BAD(R("1 + 1, '/x', NULL, 'GET', 'all', ''")), 0, 1, "",
	  ":3: unexpected character '+'", NULL },
	{ "a byte outside ASCII", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES (\xc3\xa9, '');"), 0,
	  1, "", ":3: unexpected character '?'", NULL },
	{ "a lone minus", policy_seed, { "policy", "@" },
	  BAD(R("- 1, '/x', NULL, 'GET', 'all', ''")), 0, 1, "",
	  ":3: unexpected character '-'", NULL },
	{ "an unterminated string", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('x\n\n"), 0, 1, "",
	  ":3: unterminated string", NULL },
	{ "a number of 20 digits", policy_seed, { "policy", "@" },
	  BAD(R("12345678901234567890, '/x', NULL, 'GET', 'all', ''")), 0, 1,
	  "", ":3: number too long", NULL },
	{ "a number over INT64_MAX", policy_seed, { "policy", "@" },
	  BAD(R("9223372036854775808, '/x', NULL, 'GET', 'all', ''")), 0, 1,
	  "", ":3: number too large", NULL },

	/* values the reader refuses */
	{ "disabled 2", policy_seed, { "policy", "@" },
	  BAD(U("('x', 2, NULL)")), 0, 1, "",
	  ":3: users.disabled must be 0 or 1", NULL },
	{ "disabled -1", policy_seed, { "policy", "@" },
	  BAD(U("('x', -1, NULL)")), 0, 1, "",
	  ":3: users.disabled must be 0 or 1", NULL },
	{ "a user name with ':'", policy_seed, { "policy", "@" },
	  BAD(U("('a:b', 0, NULL)")), 0, 1, "", ":3: " USER_MSG, NULL },
	{ "an empty user name", policy_seed, { "policy", "@" },
	  BAD(U("('', 0, NULL)")), 0, 1, "", ":3: " USER_MSG, NULL },
	{ "a user name with a newline", policy_seed, { "policy", "@" },
	  BAD(U("('a\nb', 0, NULL)")), 0, 1, "", ":3: " USER_MSG, NULL },
	{ "rule id 0", policy_seed, { "policy", "@" },
	  BAD(R("0, '/x', NULL, 'GET', 'all', ''")), 0, 1, "",
	  ":3: rules.id must be 1 or more", NULL },
	{ "a negative rule id", policy_seed, { "policy", "@" },
	  BAD(R("-5, '/x', NULL, 'GET', 'all', ''")), 0, 1, "",
	  ":3: rules.id must be 1 or more", NULL },

	/* duplicates: the later line, naming the earlier */
	{ "a role twice", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('newrole', 'again');"),
	  0, 1, "", ":3: role again (line 2)", NULL },
	{ "a user twice", policy_seed, { "policy", "@" },
	  BAD(U("('x', 0, NULL)") "\n" U("('x', 1, NULL)")), 0, 1, "",
	  ":4: user again (line 3)", NULL },
	{ "a setting twice", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO settings (name, value) VALUES ('realm', 'a');\n"
	  "INSERT INTO settings (name, value) VALUES ('realm', 'b');"), 0, 1,
	  "", ":4: setting again (line 3)", NULL },
	{ "a member twice", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO members (user, role) VALUES ('bob', 'newrole');\n"
	  "INSERT INTO members (user, role) VALUES ('bob', 'newrole');"), 0,
	  1, "", ":4: member again (line 3)", NULL },
	{ "an any-host resource twice", policy_seed, { "policy", "@" },
	  BAD(P_RES("'/x'", "NULL", "''") P_RES("'/x'", "NULL", "'again'")),
	  0, 1, "", ":4: resource again (line 3)", NULL },
	{ "a host's resource twice", policy_seed, { "policy", "@" },
	  BAD(P_RES("'/x'", "'a.org'", "''") P_RES("'/x'", "NULL", "''")
	  P_RES("'/x'", "'a.org'", "''")), 0, 1, "",
	  ":5: resource again (line 3)", NULL },
	{ "a rule id twice", policy_seed, { "policy", "@" },
	  BAD(R("1, '/x', NULL, 'GET', 'all', ''")
	  R("1, '/y', NULL, 'GET', 'all', ''")), 0, 1, "",
	  ":4: rule id again (line 3)", NULL },

	/* references the file cannot satisfy */
	{ "a member of a role not in the file", policy_seed,
	  { "policy", "@" },
	  BAD("INSERT INTO members (user, role) VALUES ('bob', 'editor');"),
	  0, 1, "", ":3: member bob editor: no role editor in the file",
	  NULL },
	{ "a member not in the file or the database", policy_seed,
	  { "policy", "@" },
	  BAD("INSERT INTO members (user, role) VALUES ('nobody', "
	  "'newrole');"), 0, 1, "", ":3: member nobody newrole: no user "
	  "nobody in the file or the database", NULL },
	{ "a rule for a role not in the file", policy_seed,
	  { "policy", "@" }, BAD(R("1, '/x', NULL, 'GET', 'editor', ''")), 0,
	  1, "", ":3: rule 1: no role editor in the file", NULL },

	/* rows the schema refuses, once earlier ones were applied */
	{ "a bad pattern", policy_seed, { "policy", "@" },
	  BAD(R("1, 'x', NULL, 'GET', 'all', ''")), 0, 1, "",
	  ":3: rule 1: pattern must be an absolute "
	  "path; * and ** are whole segments, ** only last (portcullis(5), Patterns)",
	  NULL },
	{ "a bad host", policy_seed, { "policy", "@" },
	  BAD(P_RES("'/x'", "'Ex.org'", "''")), 0, 1, "",
	  ":3: resource /x host Ex.org: host must "
	  "be NULL, a lower-case host name (dot-separated labels of a-z 0-9 "
	  "_ -) or an IP literal such as [::1], without port or trailing "
	  "dot", NULL },
	{ "bad methods", policy_seed, { "policy", "@" },
	  BAD(R("1, '/x', NULL, 'GET,,PUT', 'all', ''")), 0, 1, "",
	  ":3: rule 1: methods must be '*' or a "
	  "comma-separated list of HTTP method tokens, e.g. 'GET,POST'",
	  NULL },
	{ "the reserved role name all", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO roles (name, comment) VALUES ('all', '');"), 0, 1,
	  "", ":3: role all: " ROLE_MSG, NULL },
	{ "a bad expiry", policy_seed, { "policy", "@" },
	  BAD(U("('x', 0, 'soon')")), 0, 1, "",
	  ":3: user x: expires must be NULL or a "
	  "date, YYYY-MM-DD[ HH:MM:SS] (UTC)", NULL },
	{ "an unknown setting", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO settings (name, value) VALUES ('colour', 'red');"),
	  0, 1, "", ":3: setting colour: unknown "
	  "setting (known: realm, proxy_auth, credential_cache_seconds, "
	  "credential_cache_entries, lockout_attempts, lockout_window_seconds, "
	  "lockout_seconds, lockout_network_attempts, "
	  "lockout_network_window_seconds, lockout_network_seconds)", NULL },
	{ "a realm with a quote", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO settings (name, value) VALUES ('realm', 'a\"b');"),
	  0, 1, "", ":3: setting realm: realm must "
	  "be 1-255 bytes without quotes, backslashes or control characters",
	  NULL },
	{ "a cache age out of range", policy_seed, { "policy", "@" },
	  BAD("INSERT INTO settings (name, value) VALUES "
	  "('credential_cache_seconds', '86401');"), 0, 1, "",
	  ":3: setting credential_cache_seconds: "
	  "credential_cache_seconds must be a whole number of seconds from 0 "
	  "(off) to 86400", NULL },
	{ "a bad rule, in a dry run", policy_seed,
	  { "policy", "--dry-run", "@" },
	  BAD(R("1, 'x', NULL, 'GET', 'all', ''")), 0, 1, "",
	  ":3: rule 1: pattern must be an absolute "
	  "path; * and ** are whole segments, ** only last (portcullis(5), Patterns)",
	  NULL },
	{ "a parse error, in a dry run", policy_seed,
	  { "policy", "--dry-run", "@" }, BAD("DROP TABLE users;"), 0, 1, "",
	  ":3: expected INSERT", NULL },
};

START_TEST(test_policy_bad)
{
	run_row(&policy_bad_rows[_i], policy_q);
}
END_TEST

/*
 * A text bound to the database is capped at 64 KiB: a role comment of
 * that size is added, one byte more refuses the file at its line.
 */
static const struct {
	size_t		 len;
	int		 status;
	const char	*out;
	const char	*err;		/* after "portcullis: FILE" */
	const char	*rows;
} cap_rows[] = {
	{ 65536, 0, "added role big\n", "", "big|65536\n" },
	{ 65537, 1, "", ":2: role big: text longer than 65536 bytes", "" },
};

START_TEST(test_policy_textcap)
{
	static const char *const imp[] = { "policy", "@", NULL };
	static const char head[] = P_HEAD
	    "INSERT INTO roles (name, comment) VALUES ('big', '";
	static const char tail[] = "');\n";
	struct fx	 f;
	struct cap	 c;
	char		 file[192], want[512];
	char		*buf, *rows;
	size_t		 n = cap_rows[_i].len;

	imp_setup(&f);
	snprintf(file, sizeof(file), "%s/in", f.dir);
	ck_assert_ptr_nonnull(buf = malloc(sizeof(head) + n + sizeof(tail)));
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'c', n);
	memcpy(buf + sizeof(head) - 1 + n, tail, sizeof(tail));
	file_put(file, buf, strlen(buf));
	free(buf);

	ck_assert_int_eq(run_cmd(cmd_import, f.db, f.dir, imp, file, &c),
	    cap_rows[_i].status);
	ck_assert_str_eq(c.out, cap_rows[_i].out);
	if (*cap_rows[_i].err == '\0')
		want[0] = '\0';
	else
		snprintf(want, sizeof(want), "portcullis: %s%s\n", file,
		    cap_rows[_i].err);
	ck_assert_str_eq(c.err, want);
	cap_free(&c);
	rows = db_rows(f.db, "SELECT name, length(comment) FROM roles");
	ck_assert_str_eq(rows, cap_rows[_i].rows);
	free(rows);
	(void)unlink(file);
	fx_teardown(&f);
}
END_TEST

/* --- usage ------------------------------------------------------------------ */

static const struct irow usage_rows[] = {
	{ "nothing", policy_seed, { NULL }, P_EXPORT, 0, -1, "", "", NULL },
	{ "no file", policy_seed, { "htpasswd" }, P_EXPORT, 0, -1, "", "",
	  NULL },
	{ "an unknown kind", policy_seed, { "frob", "@" }, P_EXPORT, 0, -1,
	  "", "", NULL },
	{ "--dry-run, no file", policy_seed, { "htpasswd", "--dry-run" },
	  P_EXPORT, 0, -1, "", "", NULL },
	{ "--dry-run --, no file", policy_seed,
	  { "htpasswd", "--dry-run", "--" }, P_EXPORT, 0, -1, "", "", NULL },
	{ "an unknown option", policy_seed, { "htpasswd", "--force", "@" },
	  P_EXPORT, 0, -1, "", "", NULL },
	{ "--dry-run twice", policy_seed,
	  { "htgroup", "--dry-run", "--dry-run", "@" }, P_EXPORT, 0, -1, "",
	  "", NULL },
	{ "--dry-run after the file", policy_seed,
	  { "policy", "@", "--dry-run" }, P_EXPORT, 0, -1, "", "", NULL },
	{ "two files", policy_seed, { "policy", "@", "@" }, P_EXPORT, 0, -1,
	  "", "", NULL },
	{ "policy without a file", policy_seed, { "policy" }, P_EXPORT, 0,
	  -1, "", "", NULL },
};

START_TEST(test_usage)
{
	run_row(&usage_rows[_i], policy_q);
}
END_TEST

/* --- the round trip ---------------------------------------------------------- */

/*
 * A policy with every kind of value export must quote: '' and "--" in
 * strings, newlines, tabs, backslashes, UTF-8, NULL hosts, expiry
 * times, settings changed from their defaults.
 */
static const char trip_seed[] =
    "INSERT INTO users (name, hash, disabled, expires) VALUES"
    "    ('bob', '" H_YES "', 1, '2030-01-01'),"
    "    ('alice', '" H_BC "', 0, NULL),"
    "    ('zo\xc3\xab', '" H_BC "', 0, '2031-02-03 04:05:06'),"
    "    ('o''brien', '" H_BC "', 0, NULL);"
    "INSERT INTO roles (name, comment) VALUES"
    "    ('editor', 'it''s -- edit' || char(10) || 'ors'),"
    "    ('viewer', 'tab' || char(9) || '\"q\" \\ \xc3\xa9'),"
    "    ('empty', '');"
    "INSERT INTO members (user, role) VALUES ('bob', 'viewer'),"
    "    ('alice', 'editor'), ('alice', 'viewer'), ('o''brien', 'viewer');"
    "INSERT INTO resources (pattern, host, comment)"
    "    VALUES ('/empty', NULL, 'nothing yet'),"
    "    ('/v6', '[::1]', '');"
    "INSERT INTO rules (id, pattern, host, methods, principal, comment)"
    "    VALUES (3, '/docs/**', NULL, 'GET', 'viewer', ''),"
    "    (7, '/docs/**', 'ex.org', 'GET,PUT', 'editor', 'intranet'),"
    "    (9, '/', NULL, '*', 'all', ''),"
    "    (12, '/users/*/avatar', NULL, 'GET,PUT', 'valid-user', '--'),"
    "    (9000000000, '/big', NULL, 'PROPFIND', 'editor', '''');"
    "UPDATE settings SET value = 'Staff only' WHERE name = 'realm';"
    "UPDATE settings SET value = '60'"
    "    WHERE name = 'credential_cache_seconds';";

static const char trip_export[] =
    P_EXPHEAD
    "INSERT INTO settings (name, value) VALUES "
    "('credential_cache_entries', '4096');\n"
    "INSERT INTO settings (name, value) VALUES "
    "('credential_cache_seconds', '60');\n"
    "INSERT INTO settings (name, value) VALUES ('proxy_auth', 'off');\n"
    "INSERT INTO settings (name, value) VALUES ('realm', 'Staff only');\n"
    P_ALICE P_BOB
    P_USER("'o''brien'", "0", "NULL")
    P_USER("'zo\xc3\xab'", "0", "'2031-02-03 04:05:06'")
    P_ROLE("'editor'", "'it''s -- edit\nors'")
    P_ROLE("'empty'", "''")
    P_ROLE("'viewer'", "'tab\t\"q\" \\ \xc3\xa9'")
    P_MEMBER("'alice'", "'editor'") P_MEMBER("'alice'", "'viewer'")
    P_MEMBER("'bob'", "'viewer'") P_MEMBER("'o''brien'", "'viewer'")
    P_RES("'/'", "NULL", "''") P_RES("'/big'", "NULL", "''")
    P_RES_DOCS P_RES_DOCS_EX P_RES_EMPTY
    P_RES("'/users/*/avatar'", "NULL", "''")
    P_RES("'/v6'", "'[::1]'", "''")
    P_RULE3 P_RULE7 P_RULE9
    P_RULE("12, '/users/*/avatar', NULL, 'GET,PUT', 'valid-user', '--'")
    P_RULE("9000000000, '/big', NULL, 'PROPFIND', 'editor', ''''");

/* Every row but the hashes, which an import never carries. */
static const char trip_q[] =
    "SELECT 'setting', name, value FROM settings ORDER BY name;"
    "SELECT 'user', name, disabled, expires FROM users ORDER BY name;"
    "SELECT 'role', name, comment FROM roles ORDER BY name;"
    "SELECT 'member', user, role FROM members ORDER BY user, role;"
    "SELECT 'resource', pattern, host, comment FROM resources"
    "    ORDER BY pattern, host;"
    "SELECT 'rule', id, pattern, host, methods, principal, comment"
    "    FROM rules ORDER BY id";

/* cmd_export of db with args: its stdout, asserted exit 0 and quiet. */
static char *
run_export(const struct fx *f, const char *db, const char *const *args)
{
	struct cap	 c;
	char		*out;

	ck_assert_int_eq(run_cmd(cmd_export, db, f->dir, args, NULL, &c), 0);
	ck_assert_str_eq(c.err, "");
	out = c.out;
	c.out = NULL;
	cap_free(&c);
	return out;
}

/*
 * export -> import policy into a fresh database -> export: the same
 * bytes (SQL and JSON), the same rows; then the import of the same
 * file changes nothing, and neither does the export's import into the
 * database it came from.
 */
START_TEST(test_roundtrip)
{
	static const char *const sql[] = { NULL };
	static const char *const json[] = { "--format", "json", NULL };
	static const char *const imp[] = { "policy", "@", NULL };
	struct fx	 f;
	struct cap	 c;
	char		 db2[192], file[192], p[256], err[512];
	char		*e1, *e2, *j1, *j2, *r1, *r2, *users;

	imp_setup(&f);
	fx_exec(&f, trip_seed);
	snprintf(db2, sizeof(db2), "%s/fresh.db", f.dir);
	snprintf(file, sizeof(file), "%s/export.sql", f.dir);
	ck_assert_msg(adm_init(db2, (gid_t)-1, err, sizeof(err)) == 0,
	    "adm_init: %s", err);

	e1 = run_export(&f, f.db, sql);
	ck_assert_str_eq(e1, trip_export);
	j1 = run_export(&f, f.db, json);
	file_put(file, e1, strlen(e1));

	ck_assert_int_eq(run_cmd(cmd_import, db2, f.dir, imp, file, &c), 0);
	ck_assert_str_eq(c.out,
	    "set credential_cache_seconds 60\nset realm Staff only\n"
	    "added role editor\nadded role empty\nadded role viewer\n"
	    "added user alice" NOPASS "\nadded user bob" NOPASS "\n"
	    "added user o'brien" NOPASS "\n"
	    "added user zo\xc3\xab" NOPASS "\n"
	    "added resource /\nadded resource /big\n"
	    "added resource /docs/**\nadded resource /docs/** host ex.org\n"
	    "added resource /empty\nadded resource /users/*/avatar\n"
	    "added resource /v6 host [::1]\n"
	    "added rule 3 (/docs/** GET viewer)\n"
	    "added rule 7 (/docs/** host ex.org GET,PUT editor)\n"
	    "added rule 9 (/ * all)\n"
	    "added rule 12 (/users/*/avatar GET,PUT valid-user)\n"
	    "added rule 9000000000 (/big PROPFIND editor)\n"
	    "granted alice editor\ngranted alice viewer\n"
	    "granted bob viewer\ngranted o'brien viewer\n");
	ck_assert_str_eq(c.err, "");
	cap_free(&c);

	r1 = db_rows(f.db, trip_q);
	r2 = db_rows(db2, trip_q);
	ck_assert_str_eq(r2, r1);
	users = db_rows(db2, "SELECT count(*) FROM users "
	    "WHERE hash GLOB '$y$*' AND hash <> '" H_YES "'");
	ck_assert_str_eq(users, "4\n");
	e2 = run_export(&f, db2, sql);
	ck_assert_str_eq(e2, e1);
	j2 = run_export(&f, db2, json);
	ck_assert_str_eq(j2, j1);

	/* Again, and back into the source: nothing to do. */
	ck_assert_int_eq(run_cmd(cmd_import, db2, f.dir, imp, file, &c), 0);
	ck_assert_str_eq(c.out, "no changes\n");
	ck_assert_str_eq(c.err, "");
	cap_free(&c);
	ck_assert_int_eq(run_cmd(cmd_import, f.db, f.dir, imp, file, &c), 0);
	ck_assert_str_eq(c.out, "no changes\n");
	ck_assert_str_eq(c.err, "");
	cap_free(&c);
	free(r2);
	r2 = db_rows(f.db, trip_q);
	ck_assert_str_eq(r2, r1);

	free(e1);
	free(e2);
	free(j1);
	free(j2);
	free(r1);
	free(r2);
	free(users);
	(void)unlink(file);
	(void)unlink(db2);
	snprintf(p, sizeof(p), "%s-wal", db2);
	(void)unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db2);
	(void)unlink(p);
	fx_teardown(&f);
}
END_TEST

/* A database that does not exist: refused after the file was read. */
START_TEST(test_nodb)
{
	static const char *const imp[] = { "htpasswd", "@", NULL };
	struct fx	 f;
	struct cap	 c;
	char		 db[192], file[192], want[512];

	imp_setup(&f);
	snprintf(db, sizeof(db), "%s/none.db", f.dir);
	snprintf(file, sizeof(file), "%s/in", f.dir);
	file_put(file, "alice:" H_BC "\n", strlen("alice:" H_BC "\n"));
	ck_assert_int_eq(run_cmd(cmd_import, db, f.dir, imp, file, &c), 1);
	snprintf(want, sizeof(want),
	    "portcullis: %s: No such file or directory (make it with "
	    "portcullis init)\n", db);
	ck_assert_str_eq(c.out, "");
	ck_assert_str_eq(c.err, want);
	cap_free(&c);
	ck_assert_int_eq(access(db, F_OK), -1);
	(void)unlink(file);
	fx_teardown(&f);
}
END_TEST

int
main(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("import");
	tc = tcase_create("htpasswd");
	tcase_add_loop_test(tc, test_htpasswd, 0, nitems(htpasswd_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("htgroup");
	tcase_add_loop_test(tc, test_htgroup, 0, nitems(htgroup_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("policy");
	tcase_add_loop_test(tc, test_policy, 0, nitems(policy_rows));
	tcase_add_loop_test(tc, test_policy_bad, 0, nitems(policy_bad_rows));
	tcase_add_loop_test(tc, test_policy_textcap, 0, nitems(cap_rows));
	tcase_add_test(tc, test_roundtrip);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("usage");
	tcase_add_loop_test(tc, test_usage, 0, nitems(usage_rows));
	tcase_add_test(tc, test_nodb);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
