/*
 * adm_policy.c: `portcullis import policy [--dry-run] FILE`: the
 * file's policy (read by policyfile.c) checked, compared with the
 * database's, and the database made equal to it (see
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

/* --- policy: order, checks, application -------------------------------- */

/* NULL-safe strcmp: NULL (the any-host resource) first. */
static int
nstrcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* The orders of the export (and of admstore.c's SELECTs). */
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
		if (adm_setting_set(im->adm, f->settings[i].name,
		    f->settings[i].value) == -1)
			return imp_err(im, f->settings[i].line, "setting %s: "
			    "%s", f->settings[i].name, adm_errmsg(im->adm));
		imp_change(im, "set", "set", "%s %s", f->settings[i].name,
		    f->settings[i].value);
	}
	for (i = 0; i < f->nroles; i++) {
		dr = FIND(db->roles, db->nroles, &f->roles[i], role_cmp);
		if (dr == NULL) {
			if (adm_role_add(im->adm, f->roles[i].name,
			    f->roles[i].comment) != 1)
				return imp_err(im, f->roles[i].line, "role %s: "
				    "%s", f->roles[i].name,
				    adm_errmsg(im->adm));
			imp_change(im, "add", "added", "role %s",
			    f->roles[i].name);
		} else if (strcmp(dr->comment, f->roles[i].comment) != 0) {
			if (adm_role_comment(im->adm, f->roles[i].name,
			    f->roles[i].comment) != 1)
				return imp_err(im, f->roles[i].line, "role %s: "
				    "%s", f->roles[i].name,
				    adm_errmsg(im->adm));
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
			if (adm_user_add(im->adm, f->users[i].name, hash,
			    f->users[i].disabled, f->users[i].expires) != 1)
				return imp_err(im, f->users[i].line, "user %s: "
				    "%s", f->users[i].name,
				    adm_errmsg(im->adm));
			imp_change(im, "add", "added", "user %s (no usable "
			    "password: set one with portcullis user passwd)",
			    f->users[i].name);
		} else if (du->disabled != f->users[i].disabled ||
		    nstrcmp(du->expires, f->users[i].expires) != 0) {
			if (adm_user_set(im->adm, f->users[i].name,
			    f->users[i].disabled, f->users[i].expires) != 1)
				return imp_err(im, f->users[i].line, "user %s: "
				    "%s", f->users[i].name,
				    adm_errmsg(im->adm));
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
			if (adm_resource_add(im->adm, f->resources[i].pattern,
			    f->resources[i].host,
			    f->resources[i].comment) == -1)
				return imp_err(im, f->resources[i].line,
				    "resource %s: %s", res,
				    adm_errmsg(im->adm));
			imp_change(im, "add", "added", "resource %s", res);
		} else if (strcmp(dres->comment,
		    f->resources[i].comment) != 0) {
			if (adm_resource_comment(im->adm,
			    f->resources[i].pattern, f->resources[i].host,
			    f->resources[i].comment) != 1)
				return imp_err(im, f->resources[i].line,
				    "resource %s: %s", res,
				    adm_errmsg(im->adm));
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
		if (adm_rule_del(im->adm, db->rules[i].id) == -1)
			return imp_err(im, 0, "rule %" PRId64 ": %s",
			    db->rules[i].id, adm_errmsg(im->adm));
		imp_change(im, "delete", "deleted", "rule %s",
		    rule_name(name, sizeof(name), &db->rules[i]));
	}
	for (i = 0; i < f->nrules; i++) {
		dr = FIND(db->rules, db->nrules, &f->rules[i], rule_cmp);
		if (dr != NULL && rule_same(dr, &f->rules[i]))
			continue;
		if ((dr == NULL ? adm_rule_add(im->adm, &f->rules[i], NULL) :
		    adm_rule_set(im->adm, &f->rules[i])) == -1)
			return imp_err(im, f->rules[i].line, "rule %" PRId64
			    ": %s", f->rules[i].id, adm_errmsg(im->adm));
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
		if (adm_revoke(im->adm, m->user, m->role) == -1)
			return imp_err(im, 0, "revoke %s %s: %s", m->user,
			    m->role, adm_errmsg(im->adm));
		imp_change(im, "revoke", "revoked", "%s %s", m->user, m->role);
	}
	for (i = 0; i < f->nmembers; i++) {
		m = &f->members[i];
		if (FIND(db->members, db->nmembers, m, member_cmp) != NULL)
			continue;
		if (adm_grant(im->adm, m->user, m->role) == -1)
			return imp_err(im, m->line, "grant %s %s: %s",
			    m->user, m->role, adm_errmsg(im->adm));
		imp_change(im, "grant", "granted", "%s %s", m->user, m->role);
	}
	for (i = 0; i < db->nresources; i++) {
		r = &db->resources[i];
		if (FIND(f->resources, f->nresources, r,
		    resource_cmp) != NULL || resource_used(f, r))
			continue;
		res_name(res, sizeof(res), r->pattern, r->host);
		if (adm_resource_del(im->adm, r->pattern, r->host) == -1)
			return imp_err(im, 0, "resource %s: %s", res,
			    adm_errmsg(im->adm));
		imp_change(im, "delete", "deleted", "resource %s", res);
	}
	for (i = 0; i < db->nroles; i++) {
		if (FIND(f->roles, f->nroles, &db->roles[i],
		    role_cmp) != NULL)
			continue;
		if (adm_role_del(im->adm, db->roles[i].name) == -1)
			return imp_err(im, 0, "role %s: %s",
			    db->roles[i].name, adm_errmsg(im->adm));
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
	char		 why[sizeof(im->why)];
	size_t		 line;
	int		 ret = -1;

	memset(&f, 0, sizeof(f));
	memset(&db, 0, sizeof(db));
	if (polfile_read(im->buf, im->len, &f, &line, why,
	    sizeof(why)) == -1) {
		imp_err(im, line, "%s", why);
		goto out;
	}
	if (adm_load(im->adm, &db, 0) == -1) {
		imp_err(im, 0, "%s", adm_errmsg(im->adm));
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
