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

/* The noun of a table's row in the message about a repeated one. */
static const char *const dup_what[POL__MAX] = {
	[POL_SETTINGS] = "setting",
	[POL_USERS] = "user",
	[POL_ROLES] = "role",
	[POL_MEMBERS] = "member",
	[POL_RESOURCES] = "resource",
	[POL_NETWORKS] = "network row",
	[POL_RULES] = "rule id",
	[POL_CERTS] = "certificate",
	[POL_INCLUDES] = "inclusion",
};

/*
 * Networks (sql/0009-networks.sql): whether network name has a row in
 * the file f.
 */
static int
net_in_file(const struct policy *f, const char *name)
{
	size_t	 i;

	for (i = 0; i < f->nnetworks; i++)
		if (strcmp(f->networks[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * The networks rule r of the file names (a principal net:NAME, a
 * restriction) must be networks of the file.  Return 0, or -1.
 */
static int
net_check(struct imp *im, const struct policy *f, const struct pol_rule *r)
{
	if (strncmp(r->principal, "net:", 4) == 0 &&
	    !net_in_file(f, r->principal + 4))
		return imp_err(im, r->line, "rule %" PRId64 ": no network %s "
		    "in the file", r->id, r->principal + 4);
	if (r->network != NULL && !net_in_file(f, r->network))
		return imp_err(im, r->line, "rule %" PRId64 ": no network %s "
		    "in the file", r->id, r->network);
	return 0;
}

/*
 * Sort the rows of table t of f by key and refuse two with one key.
 * Return 0, or -1 naming the later line of an equal pair.
 */
static int
sort_unique(struct imp *im, struct policy *f, enum pol_tab t)
{
	const char	*p, *q;
	size_t		 i, a, b, off = pol_tables[t].lineoff;

	pol_sort(f, t);
	for (i = 1; i < pol_nrows(f, t); i++) {
		p = pol_row(f, t, i - 1);
		q = pol_row(f, t, i);
		if (pol_cmp(t, p, q) != 0)
			continue;
		memcpy(&a, p + off, sizeof(a));
		memcpy(&b, q + off, sizeof(b));
		return imp_err(im, a > b ? a : b, "%s again (line %zu)",
		    dup_what[t], a > b ? b : a);
	}
	return 0;
}

/*
 * The file's role_includes rows: both roles among its roles, and no
 * cycle (the schema would refuse it row by row; said here whole).
 * Return 0, or -1 with the message.
 */
static int
includes_check(struct imp *im, const struct policy *f)
{
	struct pol_role		 rkey;
	struct roles		*rg;
	char			 why[512];
	size_t			 i;

	memset(&rkey, 0, sizeof(rkey));
	for (i = 0; i < f->nincludes; i++) {
		rkey.name = f->includes[i].role;
		if (pol_find(f, POL_ROLES, &rkey) != NULL) {
			rkey.name = f->includes[i].includes;
			if (pol_find(f, POL_ROLES, &rkey) != NULL)
				continue;
		}
		return imp_err(im, f->includes[i].line, "inclusion %s %s: "
		    "no role %s in the file", f->includes[i].role,
		    f->includes[i].includes, rkey.name);
	}
	if (adm_role_graph(f, &rg, why, sizeof(why)) == -1)
		return imp_err(im, 0, "%s", why);
	roles_free(rg);
	return 0;
}

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
	size_t			 i, t;

	for (t = 0; t < POL__MAX; t++)
		if (sort_unique(im, f, (enum pol_tab)t) == -1)
			return -1;
	memset(&ukey, 0, sizeof(ukey));
	memset(&rkey, 0, sizeof(rkey));
	for (i = 0; i < f->nmembers; i++) {
		ukey.name = f->members[i].user;
		rkey.name = f->members[i].role;
		if (pol_find(f, POL_ROLES, &rkey) == NULL)
			return imp_err(im, f->members[i].line, "member %s %s: "
			    "no role %s in the file", ukey.name, rkey.name,
			    rkey.name);
		if (pol_find(f, POL_USERS, &ukey) == NULL &&
		    pol_find(db, POL_USERS, &ukey) == NULL)
			return imp_err(im, f->members[i].line, "member %s %s: "
			    "no user %s in the file or the database",
			    ukey.name, rkey.name, ukey.name);
	}
	for (i = 0; i < f->ncerts; i++) {
		ukey.name = f->certs[i].user;
		if (pol_find(f, POL_USERS, &ukey) == NULL &&
		    pol_find(db, POL_USERS, &ukey) == NULL)
			return imp_err(im, f->certs[i].line, "certificate of "
			    "%s: no user %s in the file or the database",
			    ukey.name, ukey.name);
	}
	for (i = 0; i < f->nrules; i++) {
		if (net_check(im, f, &f->rules[i]) == -1)
			return -1;
		rkey.name = f->rules[i].principal;
		if (strncmp(rkey.name, "net:", 4) == 0)
			continue;
		if (strcmp(rkey.name, "all") != 0 &&
		    strcmp(rkey.name, "valid-user") != 0 &&
		    pol_find(f, POL_ROLES, &rkey) == NULL)
			return imp_err(im, f->rules[i].line, "rule %" PRId64
			    ": no role %s in the file", f->rules[i].id,
			    rkey.name);
	}
	return includes_check(im, f);
}

/* "ID (PATTERN[ host HOST] METHODS PRINCIPAL[ network NET])" into buf. */
static const char *
rule_name(char *buf, size_t bufsz, const struct pol_rule *r)
{
	char	 res[PATTERN_MAX + REQ_HOST_MAX + 8];

	(void)snprintf(buf, bufsz, "%" PRId64 " (%s %s %s%s%s)", r->id,
	    adm_res_name(res, sizeof(res), r->pattern, r->host), r->methods,
	    r->principal, r->network != NULL ? " network " : "",
	    r->network != NULL ? r->network : "");
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

/*
 * Add user u, which the database lacks, with a random hash (see
 * import_policy()).  Return 0, or -1 with the message.
 */
static int
user_add(struct imp *im, const struct pol_user *u, const char *what)
{
	char	 hash[PW_HASH_MAX];
	int	 ret = -1;

	if (hash_random(hash, sizeof(hash)) == -1)
		imp_err(im, u->line, "%s: cannot make a hash", what);
	else if (adm_user_add(im->adm, u->name, hash, u->disabled,
	    u->expires) != 1)
		imp_err(im, u->line, "%s: %s", what, adm_errmsg(im->adm));
	else {
		imp_change(im, "add", "added", "%s (no usable password: set "
		    "one with portcullis user passwd)", what);
		ret = 0;
	}
	explicit_bzero(hash, sizeof(hash));
	return ret;
}

/*
 * Write row of table t of the file, which the database lacks (add)
 * or holds otherwise, and note the change.  Return 0, or -1 with the
 * message.
 */
static int
apply_row(struct imp *im, enum pol_tab t, const void *row, int add)
{
	const struct pol_setting	*s = row;
	const struct pol_role		*r = row;
	const struct pol_user		*u = row;
	const struct pol_resource	*x = row;
	const struct pol_network	*nw = row;
	struct cidr			 c;
	const char			*why;
	char				 what[PATTERN_MAX + REQ_HOST_MAX + 16];
	size_t				 line;
	int				 ok = 0;

	memcpy(&line, (const char *)row + pol_tables[t].lineoff, sizeof(line));
	switch (t) {
	case POL_SETTINGS:
		(void)snprintf(what, sizeof(what), "setting %s", s->name);
		ok = adm_setting_set(im->adm, s->name, s->value) == 0;
		break;
	case POL_ROLES:
		(void)snprintf(what, sizeof(what), "role %s", r->name);
		ok = (add ? adm_role_add(im->adm, r->name, r->comment) :
		    adm_role_comment(im->adm, r->name, r->comment)) == 1;
		break;
	case POL_USERS:
		(void)snprintf(what, sizeof(what), "user %s", u->name);
		if (add)
			return user_add(im, u, what);
		ok = adm_user_set(im->adm, u->name, u->disabled,
		    u->expires) == 1;
		break;
	case POL_RESOURCES:
		memcpy(what, "resource ", 9);
		adm_res_name(what + 9, sizeof(what) - 9, x->pattern, x->host);
		ok = add ? adm_resource_add(im->adm, x->pattern, x->host,
		    x->comment) == 0 : adm_resource_comment(im->adm,
		    x->pattern, x->host, x->comment) == 1;
		break;
	case POL_NETWORKS:
		/* Parsed as `net add` parses it: the server's reading. */
		(void)snprintf(what, sizeof(what), "network %s %s", nw->name,
		    nw->cidr);
		if (cidr_parse(&c, nw->cidr, strlen(nw->cidr), &why) == -1)
			return imp_err(im, line, "%s: %s", what, why);
		ok = adm_net_add(im->adm, nw->name, nw->cidr) == 1;
		break;
	default:
		(void)snprintf(what, sizeof(what), "%s", pol_tables[t].name);
		break;
	}
	if (!ok)
		return imp_err(im, line, "%s: %s", what, adm_errmsg(im->adm));
	if (t == POL_SETTINGS)
		imp_change(im, "set", "set", "%s %s", s->name, s->value);
	else
		imp_change(im, add ? "add" : "update",
		    add ? "added" : "updated", "%s", what);
	return 0;
}

/*
 * Settings, roles, users and resources (in that order) that the file
 * adds or says otherwise than the database.
 */
static int
apply_adds(struct imp *im, const struct policy *f, const struct policy *db)
{
	static const enum pol_tab	 order[] = { POL_SETTINGS, POL_ROLES,
					    POL_USERS, POL_RESOURCES,
					    POL_NETWORKS };
	const void			*row, *drow;
	size_t				 k, i;

	for (k = 0; k < nitems(order); k++)
		for (i = 0; i < pol_nrows(f, order[k]); i++) {
			row = pol_row(f, order[k], i);
			drow = pol_find(db, order[k], row);
			if (drow != NULL && pol_same(order[k], drow, row))
				continue;
			if (apply_row(im, order[k], row, drow == NULL) == -1)
				return -1;
		}
	return 0;
}

/* Rules: added, updated and deleted by id. */
static int
apply_rules(struct imp *im, const struct policy *f, const struct policy *db)
{
	const struct pol_rule	*dr;
	char			 name[PATTERN_MAX + REQ_HOST_MAX + 1200];
	size_t			 i;

	for (i = 0; i < db->nrules; i++) {
		if (pol_find(f, POL_RULES, &db->rules[i]) != NULL)
			continue;
		if (adm_rule_del(im->adm, db->rules[i].id) == -1)
			return imp_err(im, 0, "rule %" PRId64 ": %s",
			    db->rules[i].id, adm_errmsg(im->adm));
		imp_change(im, "delete", "deleted", "rule %s",
		    rule_name(name, sizeof(name), &db->rules[i]));
	}
	for (i = 0; i < f->nrules; i++) {
		dr = pol_find(db, POL_RULES, &f->rules[i]);
		if (dr != NULL && pol_same(POL_RULES, dr, &f->rules[i]))
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
		if (pol_find(f, POL_MEMBERS, m) != NULL)
			continue;
		if (adm_revoke(im->adm, m->user, m->role) == -1)
			return imp_err(im, 0, "revoke %s %s: %s", m->user,
			    m->role, adm_errmsg(im->adm));
		imp_change(im, "revoke", "revoked", "%s %s", m->user, m->role);
	}
	for (i = 0; i < f->nmembers; i++) {
		m = &f->members[i];
		if (pol_find(db, POL_MEMBERS, m) != NULL)
			continue;
		if (adm_grant(im->adm, m->user, m->role) == -1)
			return imp_err(im, m->line, "grant %s %s: %s",
			    m->user, m->role, adm_errmsg(im->adm));
		imp_change(im, "grant", "granted", "%s %s", m->user, m->role);
	}
	for (i = 0; i < db->nresources; i++) {
		r = &db->resources[i];
		if (pol_find(f, POL_RESOURCES, r) != NULL ||
		    resource_used(f, r))
			continue;
		adm_res_name(res, sizeof(res), r->pattern, r->host);
		if (adm_resource_del(im->adm, r->pattern, r->host) == -1)
			return imp_err(im, 0, "resource %s: %s", res,
			    adm_errmsg(im->adm));
		imp_change(im, "delete", "deleted", "resource %s", res);
	}
	/* Network ranges the file lacks (its rules already checked). */
	for (i = 0; i < db->nnetworks; i++) {
		if (pol_find(f, POL_NETWORKS, &db->networks[i]) != NULL)
			continue;
		if (adm_net_del(im->adm, db->networks[i].name,
		    db->networks[i].cidr) == -1)
			return imp_err(im, 0, "network %s %s: %s",
			    db->networks[i].name, db->networks[i].cidr,
			    adm_errmsg(im->adm));
		imp_change(im, "delete", "deleted", "network %s %s",
		    db->networks[i].name, db->networks[i].cidr);
	}
	for (i = 0; i < db->nroles; i++) {
		if (pol_find(f, POL_ROLES, &db->roles[i]) != NULL)
			continue;
		if (adm_role_del(im->adm, db->roles[i].name) == -1)
			return imp_err(im, 0, "role %s: %s",
			    db->roles[i].name, adm_errmsg(im->adm));
		imp_change(im, "delete", "deleted", "role %s",
		    db->roles[i].name);
	}
	return 0;
}

/* What a certificate row maps, for the import's lines, into buf. */
static const char *
cert_name(char *buf, size_t bufsz, const struct pol_cert *c)
{
	if (c->fingerprint != NULL)
		(void)snprintf(buf, bufsz, "fingerprint %s", c->fingerprint);
	else
		(void)snprintf(buf, bufsz, "subject \"%s\"%s%s%s",
		    c->subject, c->issuer != NULL ? " issuer \"" : "",
		    c->issuer != NULL ? c->issuer : "",
		    c->issuer != NULL ? "\"" : "");
	return buf;
}

/*
 * Client certificate rows (sql/0008-certificates.sql), by key: the
 * database's rows the file lacks, or maps to another user or comment,
 * deleted first (a subject may move to another user), then the file's
 * that the database lacks added.
 */
static int
apply_certs(struct imp *im, const struct policy *f, const struct policy *db)
{
	const struct pol_cert	*c, *o;
	char			 what[2 * CERT_DN_MAX + 64];
	int64_t			 id;
	size_t			 i;

	for (i = 0; i < db->ncerts; i++) {
		c = &db->certs[i];
		if ((o = pol_find(f, POL_CERTS, c)) != NULL &&
		    pol_same(POL_CERTS, c, o))
			continue;
		cert_name(what, sizeof(what), c);
		if (adm_cert_del(im->adm, 0, c->fingerprint, c->subject,
		    c->issuer, &id) == -1)
			return imp_err(im, 0, "certificate %s: %s", what,
			    adm_errmsg(im->adm));
		imp_change(im, "delete", "deleted", "certificate %s of %s",
		    what, c->user);
	}
	for (i = 0; i < f->ncerts; i++) {
		c = &f->certs[i];
		if ((o = pol_find(db, POL_CERTS, c)) != NULL &&
		    pol_same(POL_CERTS, c, o))
			continue;
		cert_name(what, sizeof(what), c);
		if (adm_cert_add(im->adm, c->user, c->fingerprint, c->subject,
		    c->issuer, c->comment, &id) != 1)
			return imp_err(im, c->line, "certificate %s: %s", what,
			    adm_errmsg(im->adm));
		imp_change(im, "add", "added", "certificate %s of %s", what,
		    c->user);
	}
	return 0;
}

/*
 * Inclusions (sql/0010-roles.sql): the database's that the file lacks
 * deleted first, then the file's added, so that no step makes a
 * cycle the file does not have.
 */
static int
apply_includes(struct imp *im, const struct policy *f,
    const struct policy *db)
{
	const struct pol_include	*x;
	size_t				 i;

	for (i = 0; i < db->nincludes; i++) {
		x = &db->includes[i];
		if (pol_find(f, POL_INCLUDES, x) != NULL)
			continue;
		if (adm_include_del(im->adm, x->role, x->includes) == -1)
			return imp_err(im, 0, "exclude %s %s: %s", x->role,
			    x->includes, adm_errmsg(im->adm));
		imp_change(im, "exclude", "excluded", "%s %s", x->role,
		    x->includes);
	}
	for (i = 0; i < f->nincludes; i++) {
		x = &f->includes[i];
		if (pol_find(db, POL_INCLUDES, x) != NULL)
			continue;
		if (adm_include_add(im->adm, x->role, x->includes) == -1)
			return imp_err(im, x->line, "include %s %s: %s",
			    x->role, x->includes, adm_errmsg(im->adm));
		imp_change(im, "include", "included", "%s %s", x->role,
		    x->includes);
	}
	return 0;
}

/*
 * Make the database's policy the file's, inside the transaction:
 * settings named in the file set; roles, users and resources added or
 * updated; rules added, updated or deleted by id (ids are kept, as
 * the server's logs name them); memberships granted and revoked;
 * role inclusions excluded and included; resources that neither the
 * file lists nor a rule of the file uses deleted, then roles the file
 * does not list; client certificate rows deleted and added to be the
 * file's.  Users are never
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
	    apply_includes(im, &f, &db) == -1 ||
	    apply_rest(im, &f, &db) == -1 ||
	    apply_certs(im, &f, &db) == -1)
		goto out;
	ret = 0;
out:
	pol_free(&f);
	pol_free(&db);
	return ret;
}
