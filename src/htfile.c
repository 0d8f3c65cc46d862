/*
 * htfile.c: Apache's htpasswd and htgroup files, read without a
 * database: (pointer, length) in, entries or a refusal with its line
 * out.  `portcullis import htpasswd|htgroup` (adm_import.c) applies
 * the entries; fuzz/fuzz_htfile.c checks what is accepted.
 *
 * Lines as Apache's ap_cfg_getline() and cfg_trim_line() give them:
 * split at "\n", without leading blanks and tabs and without trailing
 * "\r", blanks and tabs; a UTF-8 byte order mark at the very start of
 * the file is skipped (editors on Windows write one; Apache's own
 * config reader skips it too).  Empty lines and lines starting with
 * '#' are skipped.
 *
 *	htpasswd	"user:hash" (htpasswd(1)): a valid user name
 *			(name_valid()), a non-empty hash, no control
 *			byte in the line, each user once.  One entry per
 *			user: name = user, value = hash.
 *	htgroup		"group: user1 user2" (mod_authz_groupfile), users
 *			separated by blanks or tabs: a role name as the
 *			schema allows it, valid user names.  One entry
 *			(name = group, value = NULL) at a group's first
 *			line, then one (name = group, value = user) per
 *			member not seen before in that group: a group
 *			named twice, or a user twice in a group, is read
 *			once, in file order.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define BOM	"\xef\xbb\xbf"	/* U+FEFF in UTF-8 */

static enum htres	 ht_bad(struct htfile *, size_t, const char *, ...)
			    __attribute__((format(printf, 3, 4)));

/* Keep a refusal at line (0: of no line).  Return HT_BAD. */
static enum htres
ht_bad(struct htfile *ht, size_t line, const char *fmt, ...)
{
	va_list	 ap;

	ht->line = line;
	va_start(ap, fmt);
	(void)vsnprintf(ht->why, sizeof(ht->why), fmt, ap);
	va_end(ap);
	return HT_BAD;
}

/* Whether s[0..n) may be a role name (the schema's CHECK on roles). */
static int
ht_role_valid(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > NAME_MAX_LEN ||
	    (n == 3 && memcmp(s, "all", 3) == 0) ||
	    (n == 10 && memcmp(s, "valid-user", 10) == 0))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) == NULL)
			return 0;
	return 1;
}

/*
 * The next line of buf[0..len) from *pos, trimmed as described at the
 * top and NUL-terminated in place (buf[len] is writable).  Return it
 * and its length in *n, or NULL at the end.
 */
static char *
line_next(char *buf, size_t len, size_t *pos, size_t *n)
{
	char	*s, *nl;

	if (*pos >= len)
		return NULL;
	s = buf + *pos;
	if ((nl = memchr(s, '\n', len - *pos)) == NULL)
		nl = buf + len;
	*pos = (size_t)(nl - buf) + 1;
	while (s < nl && (*s == ' ' || *s == '\t'))
		s++;
	while (nl > s && (nl[-1] == '\r' || nl[-1] == ' ' || nl[-1] == '\t'))
		nl--;
	*nl = '\0';
	*n = (size_t)(nl - s);
	return s;
}

/* Append an entry.  Return 0, or -1 out of memory. */
static int
ent_add(struct htfile *ht, size_t *cap, const char *name,
    const char *value, size_t line)
{
	struct htent	*e;

	if (ht->nents == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		if ((e = reallocarray(ht->ents, *cap, sizeof(*e))) == NULL)
			return -1;
		ht->ents = e;
	}
	e = &ht->ents[ht->nents++];
	e->name = name;
	e->value = value;
	e->line = line;
	return 0;
}

/*
 * Order entries by name, then, if byvalue (htgroup), by value (NULL
 * first), then by place in the file: the first of equal entries comes
 * first.
 */
static int
ent_cmp(const struct htent *x, const struct htent *y, int byvalue)
{
	int	 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if (byvalue && (x->value == NULL || y->value == NULL)) {
		if (x->value != y->value)
			return x->value == NULL ? -1 : 1;
	} else if (byvalue && (c = strcmp(x->value, y->value)) != 0)
		return c;
	return x < y ? -1 : x > y;
}

/* ent_cmp() of two pointers to entries, as qsort(3) calls it. */
static int
ent_cmp_name(const void *a, const void *b)
{
	return ent_cmp(*(const struct htent *const *)a,
	    *(const struct htent *const *)b, 0);
}

static int
ent_cmp_value(const void *a, const void *b)
{
	return ent_cmp(*(const struct htent *const *)a,
	    *(const struct htent *const *)b, 1);
}

/* Whether two entries of an htgroup file are the same. */
static int
ent_same(const struct htent *x, const struct htent *y)
{
	if (strcmp(x->name, y->name) != 0)
		return 0;
	if (x->value == NULL || y->value == NULL)
		return x->value == y->value;
	return strcmp(x->value, y->value) == 0;
}

/*
 * Find entries equal to an earlier one.  htpasswd: refuse the first
 * such user ("alice again (line 1)", at the later line); htgroup: drop
 * them, keeping file order.  Return HT_OK, HT_BAD or HT_NOMEM.
 */
static enum htres
ent_unique(struct htfile *ht, enum htkind k)
{
	struct htent	**s;
	size_t		  i, j;
	enum htres	  ret = HT_OK;

	if (ht->nents < 2)
		return HT_OK;
	if ((s = reallocarray(NULL, ht->nents, sizeof(*s))) == NULL)
		return HT_NOMEM;
	for (i = 0; i < ht->nents; i++)
		s[i] = &ht->ents[i];
	qsort(s, ht->nents, sizeof(*s),
	    k == HTK_PASSWD ? ent_cmp_name : ent_cmp_value);
	for (i = 1; i < ht->nents; i++) {
		if (k == HTK_PASSWD &&
		    strcmp(s[i]->name, s[i - 1]->name) == 0) {
			ret = ht_bad(ht, s[i]->line, "%s again (line %zu)",
			    s[i]->name, s[i - 1]->line);
			break;
		}
		if (k == HTK_GROUP && ent_same(s[i], s[i - 1]))
			s[i]->line = 0;		/* a repeat: drop it */
	}
	free(s);
	if (ret != HT_OK)
		return ret;
	for (i = j = 0; i < ht->nents; i++)
		if (ht->ents[i].line != 0)
			ht->ents[j++] = ht->ents[i];
	ht->nents = j;
	return HT_OK;
}

/*
 * Split line s (line line) at its first ':' into a non-empty name,
 * what ("user", "group"), NUL-terminated in place, and the rest.
 * Return the colon, or NULL with the refusal in ht.
 */
static char *
line_split(struct htfile *ht, char *s, size_t line, const char *what)
{
	char	*colon;

	if ((colon = strchr(s, ':')) == NULL)
		ht_bad(ht, line, "no ':' after the %s name", what);
	else if (colon == s)
		ht_bad(ht, line, "empty %s name", what);
	else {
		*colon = '\0';
		return colon;
	}
	return NULL;
}

/* One "user:hash" line s[0..n), of line line.  Return an htres. */
static enum htres
passwd_line(struct htfile *ht, size_t *cap, char *s, size_t n,
    size_t line)
{
	char	*colon;

	if (has_ctl(s, n))
		return ht_bad(ht, line, "control character");
	if ((colon = line_split(ht, s, line, "user")) == NULL)
		return HT_BAD;
	if (!name_valid(s, (size_t)(colon - s)))
		return ht_bad(ht, line, "%s", USER_NAME_MSG);
	if (colon[1] == '\0')
		return ht_bad(ht, line, "empty hash for %s", s);
	if (ent_add(ht, cap, s, colon + 1, line) == -1)
		return HT_NOMEM;
	return HT_OK;
}

/*
 * One "group: user1 user2" line s[0..n), of line line: every name is
 * checked before an entry is added.  Return an htres.
 */
static enum htres
group_line(struct htfile *ht, size_t *cap, char *s, size_t n,
    size_t line)
{
	char	*colon, *u, *end;
	size_t	 un;
	int	 pass;

	if (memchr(s, '\0', n) != NULL)
		return ht_bad(ht, line, "control character");
	if ((colon = line_split(ht, s, line, "group")) == NULL)
		return HT_BAD;
	if (!ht_role_valid(s, (size_t)(colon - s)))
		return ht_bad(ht, line, "%s", ROLE_NAME_MSG);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && ent_add(ht, cap, s, NULL, line) == -1)
			return HT_NOMEM;
		for (u = colon + 1; *u != '\0'; u = end) {
			u += strspn(u, " \t");
			if ((un = strcspn(u, " \t")) == 0)
				break;
			end = u + un;
			if (pass == 0 && !name_valid(u, un))
				return ht_bad(ht, line, "%s", USER_NAME_MSG);
			if (pass == 0)
				continue;
			if (*end != '\0')
				*end++ = '\0';
			if (ent_add(ht, cap, s, u, line) == -1)
				return HT_NOMEM;
		}
	}
	return HT_OK;
}

/*
 * Read the Apache file of kind k from buf[0..len) into ht (zeroed by
 * the caller; ht_free() it either way).  The lines are NUL-terminated
 * in place, so buf must have len + 1 writable bytes; the entries point
 * into it.  Return HT_OK with ht->ents[0..nents) in file order,
 * HT_BAD with ht->why and its line ht->line (1 or more), or HT_NOMEM.
 */
enum htres
ht_read(struct htfile *ht, enum htkind k, char *buf, size_t len)
{
	char		*s;
	size_t		 pos = 0, n, line = 0, cap = 0;
	enum htres	 rc;

	if (len >= sizeof(BOM) - 1 && memcmp(buf, BOM, sizeof(BOM) - 1) == 0)
		pos = sizeof(BOM) - 1;
	while ((s = line_next(buf, len, &pos, &n)) != NULL) {
		line++;
		if (n == 0 || s[0] == '#')
			continue;
		rc = k == HTK_PASSWD ? passwd_line(ht, &cap, s, n, line) :
		    group_line(ht, &cap, s, n, line);
		if (rc != HT_OK)
			return rc;
	}
	return ent_unique(ht, k);
}

/* Free what ht_read() gave ht (not the buffer), and zero it. */
void
ht_free(struct htfile *ht)
{
	free(ht->ents);
	memset(ht, 0, sizeof(*ht));
}
