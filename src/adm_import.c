/*
 * adm_import.c: `portcullis import htpasswd|htgroup|policy
 * [--dry-run] FILE`: the command, shared by every kind, and the
 * application of the Apache files (htfile.c reads them).
 *
 * Every import reads the whole FILE ("-": standard input), checks its
 * syntax, then applies it in one BEGIN IMMEDIATE transaction: a file
 * is applied whole or not at all.  A dry run applies it the same way,
 * so that the schema's CHECK constraints and triggers judge it too,
 * and rolls back.  Either way the changes are printed one per line,
 * "add user alice" in a dry run and "added user alice" otherwise, or
 * "no changes"; an error is "portcullis: FILE:LINE: why" and exit 1
 * with nothing written.
 *
 *	htpasswd	"user:hash" lines (Apache's htpasswd(1)): users
 *			added, or their hash replaced if it differs;
 *			hashes the server cannot verify ($apr1$, {SHA},
 *			$1$, plaintext, DES) skipped with a note.
 *	htgroup		"group: user1 user2" lines (mod_authz_groupfile):
 *			roles added, users made members; never removed.
 *	policy		what `portcullis export --format sql` writes: the
 *			database's policy is made equal to it (see
 *			import_policy() in adm_policy.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "admin.h"

#define IMPORT_FILE_MAX	(64 * 1024 * 1024)	/* bytes of FILE */

/* Hash formats by prefix, for skip notes and lint. */
static const struct {
	const char	*prefix;
	const char	*name;
} hashfmts[] = {
	{ "$2a$",	"bcrypt" },
	{ "$2b$",	"bcrypt" },
	{ "$2y$",	"bcrypt" },
	{ "$y$",	"yescrypt" },
	{ "$gy$",	"gost-yescrypt" },
	{ "$7$",	"scrypt" },
	{ "$6$",	"sha512crypt" },
	{ "$5$",	"sha256crypt" },
	{ "$1$",	"md5crypt" },
	{ "$apr1$",	"Apache MD5" },
	{ "$argon2id$",	"argon2id" },
	{ "$argon2i$",	"argon2i" },
	{ "$argon2d$",	"argon2d" },
	{ "{SHA}",	"unsalted SHA-1" },
	{ "{SSHA}",	"salted SHA-1" },
};

/*
 * Name the format of hash without showing more of it than its prefix:
 * copy "$apr1$", "{SHA}" and the like into buf (bufsz >= 32) and set
 * *name to the method's name ("Apache MD5"), or to NULL if unknown; a
 * hash without a "$id$" or "{ID}" prefix is "plaintext or DES".
 * Return buf; or NULL if even the prefix is unreadable ("$$x", "{x"),
 * buf then holding "of an unknown format".
 */
const char *
hash_format(const char *hash, char *buf, size_t bufsz, const char **name)
{
	size_t	 i, n;

	*name = NULL;
	for (i = 0; i < nitems(hashfmts); i++)
		if (strncmp(hash, hashfmts[i].prefix,
		    strlen(hashfmts[i].prefix)) == 0) {
			*name = hashfmts[i].name;
			(void)snprintf(buf, bufsz, "%s", hashfmts[i].prefix);
			return buf;
		}
	if (hash[0] == '$' || hash[0] == '{') {
		n = strspn(hash + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		if (n > 0 && n < 16 && hash[n + 1] ==
		    (hash[0] == '$' ? '$' : '}')) {
			(void)snprintf(buf, bufsz, "%.*s", (int)n + 2, hash);
			return buf;
		}
		(void)snprintf(buf, bufsz, "of an unknown format");
		return NULL;
	}
	(void)snprintf(buf, bufsz, "plaintext or DES");
	return buf;
}

/* Keep "FILE:LINE" (LINE 0: just FILE) and why of an error; -1. */
int
imp_err(struct imp *im, size_t line, const char *fmt, ...)
{
	va_list	 ap;

	if (line == 0)
		(void)snprintf(im->what, sizeof(im->what), "%s", im->fname);
	else
		(void)snprintf(im->what, sizeof(im->what), "%s:%zu",
		    im->fname, line);
	va_start(ap, fmt);
	(void)vsnprintf(im->why, sizeof(im->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* Append a line to the output. */
static void
out_line(struct imp_out *o, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	size_t	 cap;
	int	 n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf == NULL ? NULL : o->buf + o->len,
		    o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->oom = 1;
			return;
		}
		if ((size_t)n + 1 < o->cap - o->len) {
			o->len += (size_t)n;
			o->buf[o->len++] = '\n';
			o->buf[o->len] = '\0';
			return;
		}
		cap = (o->cap + (size_t)n + 2) * 2;
		if ((p = realloc(o->buf, cap)) == NULL) {
			o->oom = 1;
			return;
		}
		o->buf = p;
		o->cap = cap;
	}
}

/*
 * Note a change: "VERB rest" in a dry run, "DONE rest" otherwise.
 */
void
imp_change(struct imp *im, const char *verb, const char *done,
    const char *fmt, ...)
{
	struct imp_out	*o = &im->out;
	va_list		 ap;
	char		 rest[8192];

	va_start(ap, fmt);
	(void)vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	out_line(o, "%s %s", o->dry ? verb : done, rest);
	o->nchanges++;
}

/*
 * Read all of path ("-": standard input) into a NUL-terminated
 * buffer.  Return 0, or -1 with a message in im.
 */
static int
file_read(struct imp *im, const char *path)
{
	char	*p;
	size_t	 cap = 0;
	ssize_t	 r;
	int	 fd;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return imp_err(im, 0, "%s", strerror(errno));
	for (;;) {
		if (cap - im->len < 2) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((p = realloc(im->buf, cap)) == NULL) {
				imp_err(im, 0, "%s", strerror(errno));
				goto fail;
			}
			im->buf = p;
		}
		if ((r = read(fd, im->buf + im->len, cap - im->len - 1)) ==
		    -1 && errno == EINTR)
			continue;
		if (r == -1) {
			imp_err(im, 0, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		im->len += (size_t)r;
		if (im->len > IMPORT_FILE_MAX) {
			imp_err(im, 0, "larger than %d bytes",
			    IMPORT_FILE_MAX);
			goto fail;
		}
	}
	im->buf[im->len] = '\0';
	if (fd != STDIN_FILENO)
		close(fd);
	return 0;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	return -1;
}

/* --- htpasswd ------------------------------------------------------- */

/*
 * Apply the htpasswd entries inside the transaction: a hash the server
 * cannot verify is skipped (and said), one whose cost is over the caps
 * (pw_cost()) aborts the whole file at its line.  Return 0, or -1 with
 * the message.
 */
static int
htpasswd_apply(struct imp *im, const struct htent *ents, size_t n)
{
	char		 old[PW_HASH_MAX], fmt[64], what[80], why[128];
	const char	*name;
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		if ((rc = adm_user_hash(im->adm, ents[i].name, old,
		    sizeof(old))) == -1)
			return imp_err(im, ents[i].line, "%s",
			    adm_errmsg(im->adm));
		/* The server would refuse it unhashed: not a skip. */
		if (pw_cost(ents[i].value, why, sizeof(why)) == PW_TOOCOSTLY)
			return imp_err(im, ents[i].line, "user %s: hash cost "
			    "over the cap: %s (see portcullis(5))",
			    ents[i].name, why);
		if (!pw_supported(ents[i].value)) {
			if (hash_format(ents[i].value, fmt, sizeof(fmt),
			    &name) == NULL)
				(void)snprintf(what, sizeof(what), "%s",
				    "hashes of an unknown format");
			else
				(void)snprintf(what, sizeof(what), "%s hashes",
				    fmt);
			out_line(&im->out, "%s %s: %s cannot be verified; "
			    "set a new password with portcullis user %s",
			    im->out.dry ? "skip" : "skipped", ents[i].name,
			    what, rc == 1 ? "passwd" : "add");
			continue;
		}
		if (rc == 0) {
			if (adm_user_add(im->adm, ents[i].name, ents[i].value,
			    0, NULL) != 1)
				return imp_err(im, ents[i].line, "user %s: %s",
				    ents[i].name, adm_errmsg(im->adm));
			imp_change(im, "add", "added", "user %s", ents[i].name);
		} else if (strcmp(old, ents[i].value) != 0) {
			if (adm_user_passwd(im->adm, ents[i].name,
			    ents[i].value) != 1)
				return imp_err(im, ents[i].line, "user %s: %s",
				    ents[i].name, adm_errmsg(im->adm));
			imp_change(im, "update", "updated", "hash %s",
			    ents[i].name);
		}
	}
	explicit_bzero(old, sizeof(old));
	return 0;
}

/* --- htgroup --------------------------------------------------------- */

/*
 * Apply the htgroup entries inside the transaction, in file order: a
 * group is added if missing, every member (who must exist) granted.
 * Memberships are never removed.  Return 0, or -1 with the message.
 */
static int
htgroup_apply(struct imp *im, const struct htent *ents, size_t n)
{
	char		 hash[PW_HASH_MAX];
	const char	*g, *u;
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		g = ents[i].name;
		if ((u = ents[i].value) == NULL) {
			if ((rc = adm_role_add(im->adm, g, NULL)) == -1)
				return imp_err(im, ents[i].line, "role %s: %s",
				    g, adm_errmsg(im->adm));
			if (rc == 1)
				imp_change(im, "add", "added", "role %s", g);
			continue;
		}
		if ((rc = adm_user_hash(im->adm, u, hash,
		    sizeof(hash))) == -1)
			return imp_err(im, ents[i].line, "%s",
			    adm_errmsg(im->adm));
		if (rc == 0)
			return imp_err(im, ents[i].line, "no such user %s "
			    "(import the htpasswd file first)", u);
		if ((rc = adm_grant(im->adm, u, g)) == -1)
			return imp_err(im, ents[i].line, "grant %s %s: %s",
			    u, g, adm_errmsg(im->adm));
		if (rc == 1)
			imp_change(im, "grant", "granted", "%s %s", u, g);
	}
	explicit_bzero(hash, sizeof(hash));
	return 0;
}

/*
 * Import im's buffer as an Apache file of kind k: read it whole (see
 * htfile.c), then apply it.  Return 0, or -1 with the message.
 */
static int
import_ht(struct imp *im, enum htkind k)
{
	struct htfile	 ht;
	int		 ret = -1;

	memset(&ht, 0, sizeof(ht));
	switch (ht_read(&ht, k, im->buf, im->len)) {
	case HT_OK:
		ret = (k == HTK_PASSWD ? htpasswd_apply : htgroup_apply)(im,
		    ht.ents, ht.nents);
		break;
	case HT_BAD:
		imp_err(im, ht.line, "%s", ht.why);
		break;
	default:
		imp_err(im, 0, "%s", strerror(ENOMEM));
		break;
	}
	ht_free(&ht);
	return ret;
}

/* --- the command -------------------------------------------------------- */

/*
 * import htpasswd|htgroup|policy [--dry-run] FILE.  Exit 0 (changes
 * or not, skipped lines included), 1 on any error, nothing written;
 * -1 for a usage error.
 */
int
cmd_import(const char *db, int argc, char *argv[])
{
	struct imp	 im;
	char		 err[512];
	const char	*kind, *path;
	int		 k = 1, rc = -1, ret = 1;

	if (argc < 2)
		return -1;
	kind = argv[0];
	if (strcmp(kind, "htpasswd") != 0 && strcmp(kind, "htgroup") != 0 &&
	    strcmp(kind, "policy") != 0)
		return -1;
	memset(&im, 0, sizeof(im));
	if (strcmp(argv[k], "--dry-run") == 0) {
		im.out.dry = 1;
		k++;
	}
	if (k < argc && strcmp(argv[k], "--") == 0)
		k++;
	if (argc - k != 1 || (strncmp(argv[k], "--", 2) == 0 &&
	    strcmp(argv[k - 1], "--") != 0))
		return -1;
	path = argv[k];
	im.fname = strcmp(path, "-") == 0 ? "stdin" : path;

	if (file_read(&im, path) == -1) {
		adm_fail(im.what, im.why);
		goto out;
	}
	if ((im.adm = adm_open(db, err, sizeof(err))) == NULL) {
		adm_fail(db, err);
		goto out;
	}
	if (adm_begin(im.adm, 1) == -1) {
		adm_fail(db, adm_errmsg(im.adm));
		goto out;
	}
	if (strcmp(kind, "htpasswd") == 0)
		rc = import_ht(&im, HTK_PASSWD);
	else if (strcmp(kind, "htgroup") == 0)
		rc = import_ht(&im, HTK_GROUP);
	else
		rc = import_policy(&im);
	if (rc == -1) {
		adm_rollback(im.adm);
		adm_fail(im.what, im.why);
		goto out;
	}
	if (im.out.oom) {
		adm_rollback(im.adm);
		adm_fail("import", strerror(ENOMEM));
		goto out;
	}
	if (im.out.dry)
		adm_rollback(im.adm);
	else if (adm_commit(im.adm) == -1) {
		adm_fail(db, adm_errmsg(im.adm));
		goto out;
	}
	if (im.out.buf != NULL)
		fputs(im.out.buf, stdout);
	if (im.out.nchanges == 0)
		puts("no changes");
	ret = 0;
out:
	adm_close(im.adm);	/* rolls back what is still open */
	if (im.buf != NULL)
		explicit_bzero(im.buf, im.len);
	free(im.buf);
	free(im.out.buf);
	return ret;
}
