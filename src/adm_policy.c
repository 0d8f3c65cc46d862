/*
 * adm_policy.c: `portcullis import policy [--dry-run] FILE`, the
 * reader of what `portcullis export --format sql` (adm_export.c)
 * writes.  The database's policy is made equal to the file's (see
 * import_policy()); cmd_import() in adm_import.c reads the file, runs
 * the transaction and prints the changes.
 */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "admin.h"

#define IMPORT_HEADER	"-- portcullis policy, format 1"

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
		if (imp_check_user(im, line, u->name, strlen(u->name)) == -1) {
			vals[0].s = vals[2].s = NULL;
			return -1;
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
		imp_change(im, "set", "set", "%s %s", f->settings[i].name,
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
			imp_change(im, "add", "added", "role %s",
			    f->roles[i].name);
		} else if (strcmp(dr->comment, f->roles[i].comment) != 0) {
			if (admp_role_comment(im->p, f->roles[i].name,
			    f->roles[i].comment) != 1)
				return imp_err(im, f->roles[i].line, "role %s: "
				    "%s", f->roles[i].name,
				    admp_errmsg(im->p));
			imp_change(im, "update", "updated", "role %s",
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
			imp_change(im, "add", "added", "user %s (no usable "
			    "password: set one with portcullis user passwd)",
			    f->users[i].name);
		} else if (du->disabled != f->users[i].disabled ||
		    nstrcmp(du->expires, f->users[i].expires) != 0) {
			if (admp_user_set(im->p, f->users[i].name,
			    f->users[i].disabled, f->users[i].expires) != 1)
				return imp_err(im, f->users[i].line, "user %s: "
				    "%s", f->users[i].name,
				    admp_errmsg(im->p));
			imp_change(im, "update", "updated", "user %s",
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
			imp_change(im, "add", "added", "resource %s", res);
		} else if (strcmp(dres->comment,
		    f->resources[i].comment) != 0) {
			if (admp_resource_comment(im->p,
			    f->resources[i].pattern, f->resources[i].host,
			    f->resources[i].comment) != 1)
				return imp_err(im, f->resources[i].line,
				    "resource %s: %s", res,
				    admp_errmsg(im->p));
			imp_change(im, "update", "updated", "resource %s", res);
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
		imp_change(im, "delete", "deleted", "rule %s",
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
			imp_change(im, "add", "added", "rule %s",
			    rule_name(name, sizeof(name), &f->rules[i]));
		else
			imp_change(im, "update", "updated", "rule %s",
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
		imp_change(im, "revoke", "revoked", "%s %s", m->user, m->role);
	}
	for (i = 0; i < f->nmembers; i++) {
		m = &f->members[i];
		if (FIND(db->members, db->nmembers, m, member_cmp) != NULL)
			continue;
		if (admp_member_add(im->p, m->user, m->role) == -1)
			return imp_err(im, m->line, "grant %s %s: %s",
			    m->user, m->role, admp_errmsg(im->p));
		imp_change(im, "grant", "granted", "%s %s", m->user, m->role);
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
		imp_change(im, "delete", "deleted", "resource %s", res);
	}
	for (i = 0; i < db->nroles; i++) {
		if (FIND(f->roles, f->nroles, &db->roles[i],
		    role_cmp) != NULL)
			continue;
		if (admp_role_del(im->p, db->roles[i].name) == -1)
			return imp_err(im, 0, "role %s: %s",
			    db->roles[i].name, admp_errmsg(im->p));
		imp_change(im, "delete", "deleted", "role %s",
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
int
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
