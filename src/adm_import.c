/*
 * adm_import.c: `portcullis import htpasswd|htgroup|policy
 * [--dry-run] FILE`.
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
 *			policy_apply()).
 */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

#define IMPORT_FILE_MAX	(64 * 1024 * 1024)	/* bytes of FILE */
#define IMPORT_HEADER	"-- portcullis policy, format 1"

/* What an import prints, kept until it is committed or rolled back. */
struct out {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 nchanges;	/* lines that are changes */
	int		 dry;		/* a dry run: "add", not "added" */
	int		 oom;
};

/* An import: the file, its name for messages, the store, the output. */
struct imp {
	const char	*fname;		/* "stdin" for "-" */
	char		*buf;		/* the whole file, NUL-terminated */
	size_t		 len;
	struct adm	*adm;
	struct admp	*p;
	struct out	 out;
	char		 what[1024];	/* "FILE:LINE" of an error */
	char		 why[1024];
};

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
 * Return buf.
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
		return buf;
	}
	(void)snprintf(buf, bufsz, "plaintext or DES");
	return buf;
}

static int
fail(const char *what, const char *why)
{
	fprintf(stderr, "portcullis: %s: %s\n", what, why);
	return 1;
}

/* Keep "FILE:LINE" (LINE 0: just FILE) and why of an error. */
static int
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
out_line(struct out *o, const char *fmt, ...)
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
static void
change(struct out *o, const char *verb, const char *done,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 rest[8192];

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

/*
 * Whether s[0..n) may be a user name: 1-255 bytes of UTF-8 without
 * ':' (RFC 7617 §2) or control bytes, as `portcullis user add` and
 * the schema hold.
 */
static int
user_name_ok(const char *s, size_t n)
{
	return n > 0 && n <= NAME_MAX_LEN && utf8_valid(s, n) &&
	    !has_ctl(s, n) && memchr(s, ':', n) == NULL;
}

#define USER_NAME_MSG	"user name must be 1-255 bytes of UTF-8 without " \
			"':' or control characters"
#define ROLE_NAME_MSG	"role name must be 1-255 of A-Z a-z 0-9 . _ - " \
			"and not 'all' or 'valid-user'"

/* Whether s[0..n) may be a role name (the schema's CHECK). */
static int
role_name_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > NAME_MAX_LEN ||
	    (n == 3 && memcmp(s, "all", 3) == 0) ||
	    (n == 10 && memcmp(s, "valid-user", 10) == 0))
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) == NULL ||
		    s[i] == '\0')
			return 0;
	return 1;
}

/*
 * The next line of im's buffer from *pos: NUL-terminated in place,
 * without "\n", and without trailing "\r", blanks and tabs (as
 * Apache's ap_cfg_getline()).  Return it and its length in *n, or
 * NULL at the end.
 */
static char *
line_next(struct imp *im, size_t *pos, size_t *n)
{
	char	*s, *nl;

	if (*pos >= im->len)
		return NULL;
	s = im->buf + *pos;
	if ((nl = memchr(s, '\n', im->len - *pos)) == NULL)
		nl = im->buf + im->len;
	*pos = (size_t)(nl - im->buf) + 1;
	while (nl > s && (nl[-1] == '\r' || nl[-1] == ' ' || nl[-1] == '\t'))
		nl--;
	*nl = '\0';
	*n = (size_t)(nl - s);
	return s;
}

/* --- htpasswd ------------------------------------------------------- */

struct pwent {
	const char	*user;		/* into the file's buffer */
	const char	*hash;
	size_t		 line;
};

static int
pwent_cmp(const void *a, const void *b)
{
	const struct pwent	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->user, y->user)) != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/*
 * Parse the htpasswd file into *ents (*n of them).  Blank lines and
 * lines starting with '#' are skipped, as Apache does; anything else
 * must be "user:hash" with a valid user name, a non-empty hash, no
 * control bytes, each user once.  Return 0, or -1 with the message.
 */
static int
htpasswd_parse(struct imp *im, struct pwent **ents, size_t *n)
{
	struct pwent	*e, *sorted = NULL;
	char		*s, *colon;
	size_t		 pos = 0, len, line = 0, i, cap = 0;
	int		 ret = -1;

	*ents = NULL;
	*n = 0;
	while ((s = line_next(im, &pos, &len)) != NULL) {
		line++;
		if (len == 0 || s[0] == '#')
			continue;
		if (has_ctl(s, len))
			return imp_err(im, line, "control character");
		if ((colon = strchr(s, ':')) == NULL)
			return imp_err(im, line, "no ':' after the user name");
		if (colon == s)
			return imp_err(im, line, "empty user name");
		*colon = '\0';
		if (!user_name_ok(s, (size_t)(colon - s)))
			return imp_err(im, line, "%s", USER_NAME_MSG);
		if (colon[1] == '\0')
			return imp_err(im, line, "empty hash for %s", s);
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((e = reallocarray(*ents, cap,
			    sizeof(**ents))) == NULL)
				return imp_err(im, 0, "%s", strerror(errno));
			*ents = e;
		}
		(*ents)[*n].user = s;
		(*ents)[*n].hash = colon + 1;
		(*ents)[(*n)++].line = line;
	}
	/* Each user once: sort a copy, compare neighbours. */
	if (*n == 0)
		return 0;
	if ((sorted = calloc(*n, sizeof(*sorted))) == NULL)
		return imp_err(im, 0, "%s", strerror(errno));
	memcpy(sorted, *ents, *n * sizeof(*sorted));
	qsort(sorted, *n, sizeof(*sorted), pwent_cmp);
	for (i = 1; i < *n; i++)
		if (strcmp(sorted[i].user, sorted[i - 1].user) == 0) {
			imp_err(im, sorted[i].line, "%s again (line %zu)",
			    sorted[i].user, sorted[i - 1].line);
			goto out;
		}
	ret = 0;
out:
	free(sorted);
	return ret;
}

/*
 * Apply the htpasswd entries inside the transaction.  Return 0, or
 * -1 with the message.
 */
static int
htpasswd_apply(struct imp *im, const struct pwent *ents, size_t n)
{
	char		 old[PW_HASH_MAX], fmt[64];
	const char	*name;
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		if ((rc = admp_user_hash(im->p, ents[i].user, old,
		    sizeof(old))) == -1)
			return imp_err(im, ents[i].line, "%s",
			    admp_errmsg(im->p));
		if (!pw_supported(ents[i].hash)) {
			out_line(&im->out, "%s %s: %s hashes cannot be "
			    "verified; set a new password with portcullis "
			    "user %s", im->out.dry ? "skip" : "skipped",
			    ents[i].user, hash_format(ents[i].hash, fmt,
			    sizeof(fmt), &name), rc == 1 ? "passwd" : "add");
			continue;
		}
		if (rc == 0) {
			if (admp_user_add(im->p, ents[i].user, ents[i].hash,
			    0, NULL) == -1)
				return imp_err(im, ents[i].line, "user %s: %s",
				    ents[i].user, admp_errmsg(im->p));
			change(&im->out, "add", "added", "user %s",
			    ents[i].user);
		} else if (strcmp(old, ents[i].hash) != 0) {
			if (admp_user_passwd(im->p, ents[i].user,
			    ents[i].hash) != 1)
				return imp_err(im, ents[i].line, "user %s: %s",
				    ents[i].user, admp_errmsg(im->p));
			change(&im->out, "update", "updated", "hash %s",
			    ents[i].user);
		}
	}
	explicit_bzero(old, sizeof(old));
	return 0;
}

static int
import_htpasswd(struct imp *im)
{
	struct pwent	*ents = NULL;
	size_t		 n = 0;
	int		 ret = -1;

	if (htpasswd_parse(im, &ents, &n) == 0 &&
	    htpasswd_apply(im, ents, n) == 0)
		ret = 0;
	free(ents);
	return ret;
}

/* --- htgroup --------------------------------------------------------- */

/*
 * Parse and apply "group: user1 user2" lines (blank and '#' lines
 * skipped; users separated by blanks or tabs): the role is added if
 * missing, every user (who must exist) made a member.  Memberships
 * are never removed.  Return 0, or -1 with the message.
 */
static int
import_htgroup(struct imp *im)
{
	char	 hash[PW_HASH_MAX];
	char	*s, *colon, *u, *end;
	size_t	 pos = 0, len, line = 0, un;
	int	 rc;

	while ((s = line_next(im, &pos, &len)) != NULL) {
		line++;
		if (len == 0 || s[0] == '#')
			continue;
		if ((colon = strchr(s, ':')) == NULL)
			return imp_err(im, line,
			    "no ':' after the group name");
		if (colon == s)
			return imp_err(im, line, "empty group name");
		*colon = '\0';
		if (!role_name_ok(s, (size_t)(colon - s)))
			return imp_err(im, line, "%s", ROLE_NAME_MSG);
		/* Check every user before changing anything. */
		for (u = colon + 1; *u != '\0'; u = end) {
			u += strspn(u, " \t");
			if ((un = strcspn(u, " \t")) == 0)
				break;
			end = u + un;
			if (!user_name_ok(u, un))
				return imp_err(im, line, "%s", USER_NAME_MSG);
		}
		if ((rc = admp_role_add(im->p, s, NULL)) == -1)
			return imp_err(im, line, "role %s: %s", s,
			    admp_errmsg(im->p));
		if (rc == 1)
			change(&im->out, "add", "added", "role %s", s);
		for (u = colon + 1; *u != '\0'; u = end) {
			u += strspn(u, " \t");
			if ((un = strcspn(u, " \t")) == 0)
				break;
			end = u + un;
			if (*end != '\0')
				*end++ = '\0';
			if ((rc = admp_user_hash(im->p, u, hash,
			    sizeof(hash))) == -1)
				return imp_err(im, line, "%s",
				    admp_errmsg(im->p));
			if (rc == 0)
				return imp_err(im, line, "no such user %s "
				    "(import the htpasswd file first)", u);
			if ((rc = admp_member_add(im->p, u, s)) == -1)
				return imp_err(im, line, "grant %s %s: %s", u,
				    s, admp_errmsg(im->p));
			if (rc == 1)
				change(&im->out, "grant", "granted", "%s %s",
				    u, s);
		}
	}
	explicit_bzero(hash, sizeof(hash));
	return 0;
}

/* --- policy: the parser ------------------------------------------------ */

/*
 * The statements `portcullis export --format sql` writes, and the only
 * ones read back: INSERT INTO one of these tables with exactly these
 * columns, in this order, and literal values of these types: 't' a
 * string, 'n' a string or NULL, 'i' an integer.  Nothing is executed
 * as SQL; the values are bound to the fixed statements of
 * admstore_policy.c.
 */
enum ptab {
	PT_SETTINGS,
	PT_USERS,
	PT_ROLES,
	PT_MEMBERS,
	PT_RESOURCES,
	PT_RULES,
	PT__MAX
};

#define PCOLS_MAX	6

static const struct {
	const char	*name;
	const char	*cols[PCOLS_MAX];
	const char	*types;
} ptabs[PT__MAX] = {
	{ "settings",	{ "name", "value" },			"tt" },
	{ "users",	{ "name", "disabled", "expires" },	"tin" },
	{ "roles",	{ "name", "comment" },			"tt" },
	{ "members",	{ "user", "role" },			"tt" },
	{ "resources",	{ "pattern", "host", "comment" },	"tnt" },
	{ "rules",	{ "id", "pattern", "host", "methods",
			  "principal", "comment" },		"itnttt" },
};

enum tok {
	TK_END,
	TK_WORD,		/* [A-Za-z_][A-Za-z0-9_]* */
	TK_STR,			/* '...', '' for ' */
	TK_INT,
	TK_PUNCT,		/* ( ) , ; */
};

struct lex {
	struct imp	*im;
	size_t		 pos;
	size_t		 line;		/* of pos */
	enum tok	 t;		/* the current token ... */
	size_t		 tline;		/* ... its line */
	const char	*w;		/* TK_WORD: into the buffer */
	size_t		 wlen;
	char		*s;		/* TK_STR: owned until taken */
	int64_t		 i;		/* TK_INT */
	char		 c;		/* TK_PUNCT */
};

/* Read the next token.  Return 0, or -1 with the message. */
static int
lex_next(struct lex *l)
{
	const char	*b = l->im->buf, *q;
	size_t		 end = l->im->len, n, cap;
	char		*s;
	long long	 v;

	free(l->s);
	l->s = NULL;
	for (;;) {
		while (l->pos < end && strchr(" \t\r\n", b[l->pos]) != NULL)
			if (b[l->pos++] == '\n')
				l->line++;
		if (l->pos + 1 < end && b[l->pos] == '-' &&
		    b[l->pos + 1] == '-') {
			while (l->pos < end && b[l->pos] != '\n')
				l->pos++;
			continue;
		}
		break;
	}
	l->tline = l->line;
	if (l->pos >= end) {
		l->t = TK_END;
		return 0;
	}
	q = b + l->pos;
	if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
	    *q == '_') {
		n = strspn(q, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_");
		l->t = TK_WORD;
		l->w = q;
		l->wlen = n;
		l->pos += n;
		return 0;
	}
	if ((*q >= '0' && *q <= '9') || (*q == '-' && q[1] >= '0' &&
	    q[1] <= '9')) {
		n = 1 + strspn(q + 1, "0123456789");
		if (n > 19)
			return imp_err(l->im, l->tline, "number too long");
		errno = 0;
		v = strtoll(q, NULL, 10);
		if (errno == ERANGE)
			return imp_err(l->im, l->tline, "number too large");
		l->t = TK_INT;
		l->i = (int64_t)v;
		l->pos += n;
		return 0;
	}
	if (*q == '\'') {
		/* At most as long as the rest of the file. */
		cap = end - l->pos;
		if ((s = malloc(cap)) == NULL)
			return imp_err(l->im, 0, "%s", strerror(errno));
		for (n = 0, l->pos++; ; l->pos++) {
			if (l->pos >= end) {
				free(s);
				return imp_err(l->im, l->tline,
				    "unterminated string");
			}
			if (b[l->pos] == '\'') {
				if (l->pos + 1 < end && b[l->pos + 1] == '\'') {
					s[n++] = '\'';
					l->pos++;
					continue;
				}
				l->pos++;
				break;
			}
			if (b[l->pos] == '\n')
				l->line++;
			s[n++] = b[l->pos];
		}
		s[n] = '\0';
		l->t = TK_STR;
		l->s = s;
		return 0;
	}
	if (strchr("(),;", *q) != NULL) {
		l->t = TK_PUNCT;
		l->c = *q;
		l->pos++;
		return 0;
	}
	return imp_err(l->im, l->tline, "unexpected character '%c'",
	    *q >= 0x20 && *q < 0x7f ? *q : '?');
}

/* Whether the current token is the word w. */
static int
lex_is(const struct lex *l, const char *w)
{
	return l->t == TK_WORD && l->wlen == strlen(w) &&
	    memcmp(l->w, w, l->wlen) == 0;
}

/* Expect the word w, then read on.  Return 0, or -1. */
static int
lex_word(struct lex *l, const char *w)
{
	if (!lex_is(l, w))
		return imp_err(l->im, l->tline, "expected %s", w);
	return lex_next(l);
}

/* Expect punctuation c, then read on.  Return 0, or -1. */
static int
lex_punct(struct lex *l, char c)
{
	if (l->t != TK_PUNCT || l->c != c)
		return imp_err(l->im, l->tline, "expected '%c'", c);
	return lex_next(l);
}

/* One value of a statement. */
struct pval {
	char		*s;		/* owned; NULL for NULL or an integer */
	int64_t		 i;
};

/*
 * Parse one "INSERT INTO table (cols) VALUES (vals);" at the current
 * token into *tab and vals[] (strings owned by the caller).  Return
 * 0, or -1 with the message.
 */
static int
stmt_parse(struct lex *l, enum ptab *tab, struct pval *vals)
{
	size_t		 i, ncols;
	const char	*ty;

	if (lex_word(l, "INSERT") == -1 || lex_word(l, "INTO") == -1)
		return -1;
	for (i = 0; i < PT__MAX; i++)
		if (lex_is(l, ptabs[i].name))
			break;
	if (i == PT__MAX)
		return imp_err(l->im, l->tline, "expected a table: settings, "
		    "users, roles, members, resources or rules");
	*tab = (enum ptab)i;
	ty = ptabs[i].types;
	ncols = strlen(ty);
	if (lex_next(l) == -1 || lex_punct(l, '(') == -1)
		return -1;
	for (i = 0; i < ncols; i++) {
		if (i > 0 && lex_punct(l, ',') == -1)
			return -1;
		if (lex_word(l, ptabs[*tab].cols[i]) == -1)
			return -1;
	}
	if (lex_punct(l, ')') == -1 || lex_word(l, "VALUES") == -1 ||
	    lex_punct(l, '(') == -1)
		return -1;
	for (i = 0; i < ncols; i++) {
		if (i > 0 && lex_punct(l, ',') == -1)
			return -1;
		if (ty[i] == 'i' && l->t == TK_INT)
			vals[i].i = l->i;
		else if (ty[i] == 'n' && lex_is(l, "NULL"))
			vals[i].s = NULL;
		else if (ty[i] != 'i' && l->t == TK_STR) {
			vals[i].s = l->s;
			l->s = NULL;
		} else
			return imp_err(l->im, l->tline, "%s.%s: expected %s",
			    ptabs[*tab].name, ptabs[*tab].cols[i],
			    ty[i] == 'i' ? "an integer" : ty[i] == 'n' ?
			    "a string or NULL" : "a string");
		if (lex_next(l) == -1)
			return -1;
	}
	if (lex_punct(l, ')') == -1 || lex_punct(l, ';') == -1)
		return -1;
	return 0;
}

/*
 * Move the values of one statement of line line into a row of pol.
 * The strings are taken (vals[] emptied).  Return 0, or -1.
 */
static int
stmt_store(struct imp *im, struct policy *pol, enum ptab tab,
    struct pval *vals, size_t line)
{
	struct pol_setting	*st;
	struct pol_user		*u;
	struct pol_role		*ro;
	struct pol_member	*m;
	struct pol_resource	*re;
	struct pol_rule		*ru;
	size_t			 i;

	switch (tab) {
	case PT_SETTINGS:
		if ((st = pol_add_setting(pol)) == NULL)
			break;
		st->name = vals[0].s;
		st->value = vals[1].s;
		st->line = line;
		goto taken;
	case PT_USERS:
		if ((u = pol_add_user(pol)) == NULL)
			break;
		u->name = vals[0].s;
		u->line = line;
		u->expires = vals[2].s;
		if (vals[1].i != 0 && vals[1].i != 1) {
			vals[0].s = vals[2].s = NULL;
			return imp_err(im, line, "users.disabled must be 0 "
			    "or 1");
		}
		u->disabled = (int)vals[1].i;
		if (!user_name_ok(u->name, strlen(u->name))) {
			vals[0].s = vals[2].s = NULL;
			return imp_err(im, line, "%s", USER_NAME_MSG);
		}
		goto taken;
	case PT_ROLES:
		if ((ro = pol_add_role(pol)) == NULL)
			break;
		ro->name = vals[0].s;
		ro->comment = vals[1].s;
		ro->line = line;
		goto taken;
	case PT_MEMBERS:
		if ((m = pol_add_member(pol)) == NULL)
			break;
		m->user = vals[0].s;
		m->role = vals[1].s;
		m->line = line;
		goto taken;
	case PT_RESOURCES:
		if ((re = pol_add_resource(pol)) == NULL)
			break;
		re->pattern = vals[0].s;
		re->host = vals[1].s;
		re->comment = vals[2].s;
		re->line = line;
		goto taken;
	case PT_RULES:
		if ((ru = pol_add_rule(pol)) == NULL)
			break;
		ru->id = vals[0].i;
		ru->pattern = vals[1].s;
		ru->host = vals[2].s;
		ru->methods = vals[3].s;
		ru->principal = vals[4].s;
		ru->comment = vals[5].s;
		ru->line = line;
		if (ru->id < 1) {
			for (i = 0; i < PCOLS_MAX; i++)
				vals[i].s = NULL;
			return imp_err(im, line, "rules.id must be 1 or "
			    "more");
		}
		goto taken;
	default:
		break;
	}
	return imp_err(im, line, "%s", strerror(ENOMEM));
taken:
	for (i = 0; i < PCOLS_MAX; i++)
		vals[i].s = NULL;
	return 0;
}

/*
 * Parse the whole file into pol.  It must start with the line
 * IMPORT_HEADER and hold nothing but comments and the statements
 * above, and no NUL byte.  Return 0, or -1 with the message.
 */
static int
policy_parse(struct imp *im, struct policy *pol)
{
	struct lex	 l;
	struct pval	 vals[PCOLS_MAX];
	enum ptab	 tab = PT_SETTINGS;
	const char	*nul;
	size_t		 i, line;
	int		 ret = -1;

	if ((nul = memchr(im->buf, '\0', im->len)) != NULL) {
		for (line = 1, i = 0; im->buf + i < nul; i++)
			line += im->buf[i] == '\n';
		return imp_err(im, line, "NUL byte");
	}
	if (strncmp(im->buf, IMPORT_HEADER "\n",
	    sizeof(IMPORT_HEADER)) != 0)
		return imp_err(im, 1, "not a policy export: the first line "
		    "must be \"%s\" (portcullis export --format sql)",
		    IMPORT_HEADER);
	memset(&l, 0, sizeof(l));
	memset(vals, 0, sizeof(vals));
	l.im = im;
	l.line = 1;
	if (lex_next(&l) == -1)
		goto out;
	while (l.t != TK_END) {
		line = l.tline;
		if (stmt_parse(&l, &tab, vals) == -1 ||
		    stmt_store(im, pol, tab, vals, line) == -1)
			goto out;
	}
	ret = 0;
out:
	for (i = 0; i < PCOLS_MAX; i++)
		free(vals[i].s);
	free(l.s);
	return ret;
}

/* --- policy: order, checks, application -------------------------------- */

/* NULL-safe strcmp: NULL (the any-host resource) first. */
static int
nstrcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* The orders of the export (and of admstore_policy.c's SELECTs). */
static int
setting_cmp(const void *a, const void *b)
{
	const struct pol_setting	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int
user_cmp(const void *a, const void *b)
{
	const struct pol_user	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int
role_cmp(const void *a, const void *b)
{
	const struct pol_role	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int
member_cmp(const void *a, const void *b)
{
	const struct pol_member	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->user, y->user)) != 0)
		return c;
	return strcmp(x->role, y->role);
}

static int
resource_cmp(const void *a, const void *b)
{
	const struct pol_resource	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->pattern, y->pattern)) != 0)
		return c;
	return nstrcmp(x->host, y->host);
}

static int
rule_cmp(const void *a, const void *b)
{
	const struct pol_rule	*x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Sort the n elements of size sz at base by cmp and refuse two equal
 * ones.  lineoff is the offset of their size_t line.  Return 0, or -1
 * naming the later line of an equal pair.
 */
static int
sort_unique(struct imp *im, void *base, size_t n, size_t sz,
    int (*cmp)(const void *, const void *), size_t lineoff,
    const char *what)
{
	char	*p = base;
	size_t	 i, a, b;

	if (n == 0)
		return 0;
	qsort(base, n, sz, cmp);
	for (i = 1; i < n; i++) {
		if (cmp(p + (i - 1) * sz, p + i * sz) != 0)
			continue;
		memcpy(&a, p + (i - 1) * sz + lineoff, sizeof(a));
		memcpy(&b, p + i * sz + lineoff, sizeof(b));
		return imp_err(im, a > b ? a : b, "%s again (line %zu)",
		    what, a > b ? b : a);
	}
	return 0;
}

/* The row of pol's sorted array equal to key by cmp, or NULL. */
#define FIND(arr, n, key, cmp)	((n) == 0 ? NULL : bsearch((key), (arr), \
				    (n), sizeof(*(arr)), (cmp)))

/*
 * Order the file's rows as the export does, refuse duplicates and
 * references to what the file does not hold: a member's role and a
 * rule's role must be among its roles, a member's user among its
 * users or the database's (users are never deleted).  db is the
 * database's policy.  Return 0, or -1 with the message.
 */
static int
policy_check(struct imp *im, struct policy *f, const struct policy *db)
{
	struct pol_user		 ukey;
	struct pol_role		 rkey;
	size_t			 i;

	if (sort_unique(im, f->settings, f->nsettings, sizeof(*f->settings),
	    setting_cmp, offsetof(struct pol_setting, line), "setting") ==
	    -1 ||
	    sort_unique(im, f->users, f->nusers, sizeof(*f->users),
	    user_cmp, offsetof(struct pol_user, line), "user") == -1 ||
	    sort_unique(im, f->roles, f->nroles, sizeof(*f->roles),
	    role_cmp, offsetof(struct pol_role, line), "role") == -1 ||
	    sort_unique(im, f->members, f->nmembers, sizeof(*f->members),
	    member_cmp, offsetof(struct pol_member, line), "member") == -1 ||
	    sort_unique(im, f->resources, f->nresources,
	    sizeof(*f->resources), resource_cmp,
	    offsetof(struct pol_resource, line), "resource") == -1 ||
	    sort_unique(im, f->rules, f->nrules, sizeof(*f->rules),
	    rule_cmp, offsetof(struct pol_rule, line), "rule id") == -1)
		return -1;
	memset(&ukey, 0, sizeof(ukey));
	memset(&rkey, 0, sizeof(rkey));
	for (i = 0; i < f->nmembers; i++) {
		ukey.name = f->members[i].user;
		rkey.name = f->members[i].role;
		if (FIND(f->roles, f->nroles, &rkey, role_cmp) == NULL)
			return imp_err(im, f->members[i].line, "member %s %s: "
			    "no role %s in the file", ukey.name, rkey.name,
			    rkey.name);
		if (FIND(f->users, f->nusers, &ukey, user_cmp) == NULL &&
		    FIND(db->users, db->nusers, &ukey, user_cmp) == NULL)
			return imp_err(im, f->members[i].line, "member %s %s: "
			    "no user %s in the file or the database",
			    ukey.name, rkey.name, ukey.name);
	}
	for (i = 0; i < f->nrules; i++) {
		rkey.name = f->rules[i].principal;
		if (strcmp(rkey.name, "all") != 0 &&
		    strcmp(rkey.name, "valid-user") != 0 &&
		    FIND(f->roles, f->nroles, &rkey, role_cmp) == NULL)
			return imp_err(im, f->rules[i].line, "rule %" PRId64
			    ": no role %s in the file", f->rules[i].id,
			    rkey.name);
	}
	return 0;
}

/* "PATTERN" or "PATTERN host HOST" into buf. */
static const char *
res_name(char *buf, size_t bufsz, const char *pattern, const char *host)
{
	if (host == NULL)
		(void)snprintf(buf, bufsz, "%s", pattern);
	else
		(void)snprintf(buf, bufsz, "%s host %s", pattern, host);
	return buf;
}

/* "ID (PATTERN[ host HOST] METHODS PRINCIPAL)" into buf. */
static const char *
rule_name(char *buf, size_t bufsz, const struct pol_rule *r)
{
	char	 res[PATTERN_MAX + REQ_HOST_MAX + 8];

	(void)snprintf(buf, bufsz, "%" PRId64 " (%s %s %s)", r->id,
	    res_name(res, sizeof(res), r->pattern, r->host), r->methods,
	    r->principal);
	return buf;
}

/*
 * A hash nobody can log in with: yescrypt of 32 random bytes that are
 * forgotten at once.  Return 0, or -1.
 */
static int
hash_random(char *out, size_t outsz)
{
	unsigned char	 raw[32];
	char		 hex[sizeof(raw) * 2 + 1];
	size_t		 i;
	int		 ret;

	if (getentropy(raw, sizeof(raw)) == -1)
		return -1;
	for (i = 0; i < sizeof(raw); i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	ret = pw_hash(out, outsz, hex, sizeof(hex) - 1);
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(hex, sizeof(hex));
	return ret;
}

/* Settings, roles, users and resources that the file adds or changes. */
static int
apply_adds(struct imp *im, const struct policy *f, const struct policy *db)
{
	const struct pol_setting	*ds;
	const struct pol_role		*dr;
	const struct pol_user		*du;
	const struct pol_resource	*dres;
	char				 hash[PW_HASH_MAX], res[PATTERN_MAX +
					    REQ_HOST_MAX + 8];
	size_t				 i;

	for (i = 0; i < f->nsettings; i++) {
		ds = FIND(db->settings, db->nsettings, &f->settings[i],
		    setting_cmp);
		if (ds != NULL && strcmp(ds->value, f->settings[i].value) == 0)
			continue;
		if (admp_setting_set(im->p, f->settings[i].name,
		    f->settings[i].value) == -1)
			return imp_err(im, f->settings[i].line, "setting %s: "
			    "%s", f->settings[i].name, admp_errmsg(im->p));
		change(&im->out, "set", "set", "%s %s", f->settings[i].name,
		    f->settings[i].value);
	}
	for (i = 0; i < f->nroles; i++) {
		dr = FIND(db->roles, db->nroles, &f->roles[i], role_cmp);
		if (dr == NULL) {
			if (admp_role_add(im->p, f->roles[i].name,
			    f->roles[i].comment) != 1)
				return imp_err(im, f->roles[i].line, "role %s: "
				    "%s", f->roles[i].name,
				    admp_errmsg(im->p));
			change(&im->out, "add", "added", "role %s",
			    f->roles[i].name);
		} else if (strcmp(dr->comment, f->roles[i].comment) != 0) {
			if (admp_role_comment(im->p, f->roles[i].name,
			    f->roles[i].comment) != 1)
				return imp_err(im, f->roles[i].line, "role %s: "
				    "%s", f->roles[i].name,
				    admp_errmsg(im->p));
			change(&im->out, "update", "updated", "role %s",
			    f->roles[i].name);
		}
	}
	for (i = 0; i < f->nusers; i++) {
		du = FIND(db->users, db->nusers, &f->users[i], user_cmp);
		if (du == NULL) {
			if (hash_random(hash, sizeof(hash)) == -1)
				return imp_err(im, f->users[i].line, "user %s: "
				    "cannot make a hash", f->users[i].name);
			if (admp_user_add(im->p, f->users[i].name, hash,
			    f->users[i].disabled, f->users[i].expires) == -1)
				return imp_err(im, f->users[i].line, "user %s: "
				    "%s", f->users[i].name,
				    admp_errmsg(im->p));
			change(&im->out, "add", "added", "user %s (no usable "
			    "password: set one with portcullis user passwd)",
			    f->users[i].name);
		} else if (du->disabled != f->users[i].disabled ||
		    nstrcmp(du->expires, f->users[i].expires) != 0) {
			if (admp_user_set(im->p, f->users[i].name,
			    f->users[i].disabled, f->users[i].expires) != 1)
				return imp_err(im, f->users[i].line, "user %s: "
				    "%s", f->users[i].name,
				    admp_errmsg(im->p));
			change(&im->out, "update", "updated", "user %s",
			    f->users[i].name);
		}
	}
	explicit_bzero(hash, sizeof(hash));
	for (i = 0; i < f->nresources; i++) {
		dres = FIND(db->resources, db->nresources, &f->resources[i],
		    resource_cmp);
		res_name(res, sizeof(res), f->resources[i].pattern,
		    f->resources[i].host);
		if (dres == NULL) {
			if (admp_resource_add(im->p, f->resources[i].pattern,
			    f->resources[i].host,
			    f->resources[i].comment) == -1)
				return imp_err(im, f->resources[i].line,
				    "resource %s: %s", res,
				    admp_errmsg(im->p));
			change(&im->out, "add", "added", "resource %s", res);
		} else if (strcmp(dres->comment,
		    f->resources[i].comment) != 0) {
			if (admp_resource_comment(im->p,
			    f->resources[i].pattern, f->resources[i].host,
			    f->resources[i].comment) != 1)
				return imp_err(im, f->resources[i].line,
				    "resource %s: %s", res,
				    admp_errmsg(im->p));
			change(&im->out, "update", "updated", "resource %s",
			    res);
		}
	}
	return 0;
}

/* Whether two rules say the same (ids aside). */
static int
rule_same(const struct pol_rule *a, const struct pol_rule *b)
{
	return strcmp(a->pattern, b->pattern) == 0 &&
	    nstrcmp(a->host, b->host) == 0 &&
	    strcmp(a->methods, b->methods) == 0 &&
	    strcmp(a->principal, b->principal) == 0 &&
	    strcmp(a->comment, b->comment) == 0;
}

/* Rules: added, updated and deleted by id. */
static int
apply_rules(struct imp *im, const struct policy *f, const struct policy *db)
{
	const struct pol_rule	*dr;
	char			 name[PATTERN_MAX + REQ_HOST_MAX + 1200];
	size_t			 i;

	for (i = 0; i < db->nrules; i++) {
		if (FIND(f->rules, f->nrules, &db->rules[i], rule_cmp) != NULL)
			continue;
		if (admp_rule_del(im->p, db->rules[i].id) == -1)
			return imp_err(im, 0, "rule %" PRId64 ": %s",
			    db->rules[i].id, admp_errmsg(im->p));
		change(&im->out, "delete", "deleted", "rule %s",
		    rule_name(name, sizeof(name), &db->rules[i]));
	}
	for (i = 0; i < f->nrules; i++) {
		dr = FIND(db->rules, db->nrules, &f->rules[i], rule_cmp);
		if (dr != NULL && rule_same(dr, &f->rules[i]))
			continue;
		if (admp_rule_put(im->p, &f->rules[i], dr != NULL) == -1)
			return imp_err(im, f->rules[i].line, "rule %" PRId64
			    ": %s", f->rules[i].id, admp_errmsg(im->p));
		if (dr == NULL)
			change(&im->out, "add", "added", "rule %s",
			    rule_name(name, sizeof(name), &f->rules[i]));
		else
			change(&im->out, "update", "updated", "rule %s",
			    rule_name(name, sizeof(name), &f->rules[i]));
	}
	return 0;
}

/* Whether some rule of the file is on resource r. */
static int
resource_used(const struct policy *f, const struct pol_resource *r)
{
	size_t	 i;

	for (i = 0; i < f->nrules; i++)
		if (strcmp(f->rules[i].pattern, r->pattern) == 0 &&
		    nstrcmp(f->rules[i].host, r->host) == 0)
			return 1;
	return 0;
}

/*
 * Memberships granted and revoked, then the resources and roles the
 * file no longer holds deleted.
 */
static int
apply_rest(struct imp *im, const struct policy *f, const struct policy *db)
{
	const struct pol_member		*m;
	const struct pol_resource	*r;
	char				 res[PATTERN_MAX + REQ_HOST_MAX + 8];
	size_t				 i;

	for (i = 0; i < db->nmembers; i++) {
		m = &db->members[i];
		if (FIND(f->members, f->nmembers, m, member_cmp) != NULL)
			continue;
		if (admp_member_del(im->p, m->user, m->role) == -1)
			return imp_err(im, 0, "revoke %s %s: %s", m->user,
			    m->role, admp_errmsg(im->p));
		change(&im->out, "revoke", "revoked", "%s %s", m->user,
		    m->role);
	}
	for (i = 0; i < f->nmembers; i++) {
		m = &f->members[i];
		if (FIND(db->members, db->nmembers, m, member_cmp) != NULL)
			continue;
		if (admp_member_add(im->p, m->user, m->role) == -1)
			return imp_err(im, m->line, "grant %s %s: %s",
			    m->user, m->role, admp_errmsg(im->p));
		change(&im->out, "grant", "granted", "%s %s", m->user,
		    m->role);
	}
	for (i = 0; i < db->nresources; i++) {
		r = &db->resources[i];
		if (FIND(f->resources, f->nresources, r,
		    resource_cmp) != NULL || resource_used(f, r))
			continue;
		res_name(res, sizeof(res), r->pattern, r->host);
		if (admp_resource_del(im->p, r->pattern, r->host) == -1)
			return imp_err(im, 0, "resource %s: %s", res,
			    admp_errmsg(im->p));
		change(&im->out, "delete", "deleted", "resource %s", res);
	}
	for (i = 0; i < db->nroles; i++) {
		if (FIND(f->roles, f->nroles, &db->roles[i],
		    role_cmp) != NULL)
			continue;
		if (admp_role_del(im->p, db->roles[i].name) == -1)
			return imp_err(im, 0, "role %s: %s",
			    db->roles[i].name, admp_errmsg(im->p));
		change(&im->out, "delete", "deleted", "role %s",
		    db->roles[i].name);
	}
	return 0;
}

/*
 * Make the database's policy the file's, inside the transaction:
 * settings named in the file set; roles, users and resources added or
 * updated; rules added, updated or deleted by id (ids are kept, as
 * the server's logs name them); memberships granted and revoked;
 * resources that neither the file lists nor a rule of the file uses
 * deleted, then roles the file does not list.  Users are never
 * deleted, nor their hashes touched: a user the database lacks is
 * added with the file's disabled and expires and a random hash no one
 * knows, so that nobody can log in as it until `user passwd` (or an
 * `import htpasswd`) sets a password.  Settings the file does not name
 * are left alone.  Return 0, or -1 with the message.
 */
static int
import_policy(struct imp *im)
{
	struct policy	 f, db;
	int		 ret = -1;

	memset(&f, 0, sizeof(f));
	memset(&db, 0, sizeof(db));
	if (policy_parse(im, &f) == -1)
		goto out;
	if (admp_load(im->p, &db, 0) == -1) {
		imp_err(im, 0, "%s", admp_errmsg(im->p));
		goto out;
	}
	if (policy_check(im, &f, &db) == -1 ||
	    apply_adds(im, &f, &db) == -1 ||
	    apply_rules(im, &f, &db) == -1 ||
	    apply_rest(im, &f, &db) == -1)
		goto out;
	ret = 0;
out:
	pol_free(&f);
	pol_free(&db);
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
		fail(im.what, im.why);
		goto out;
	}
	if ((im.adm = adm_open(db, err, sizeof(err))) == NULL) {
		fail(db, err);
		goto out;
	}
	if ((im.p = admp_open(im.adm, err, sizeof(err))) == NULL) {
		fail(db, err);
		goto out;
	}
	if (admp_begin(im.p, 1) == -1) {
		fail(db, admp_errmsg(im.p));
		goto out;
	}
	if (strcmp(kind, "htpasswd") == 0)
		rc = import_htpasswd(&im);
	else if (strcmp(kind, "htgroup") == 0)
		rc = import_htgroup(&im);
	else
		rc = import_policy(&im);
	if (rc == -1) {
		admp_rollback(im.p);
		fail(im.what, im.why);
		goto out;
	}
	if (im.out.oom) {
		admp_rollback(im.p);
		fail("import", strerror(ENOMEM));
		goto out;
	}
	if (im.out.dry)
		admp_rollback(im.p);
	else if (admp_commit(im.p) == -1) {
		fail(db, admp_errmsg(im.p));
		goto out;
	}
	if (im.out.buf != NULL)
		fputs(im.out.buf, stdout);
	if (im.out.nchanges == 0)
		puts("no changes");
	ret = 0;
out:
	admp_close(im.p);
	adm_close(im.adm);
	if (im.buf != NULL)
		explicit_bzero(im.buf, im.len);
	free(im.buf);
	free(im.out.buf);
	return ret;
}
