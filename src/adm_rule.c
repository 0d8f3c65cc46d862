/*
 * adm_rule.c: `portcullis rule add|list|del` and `portcullis resource
 * list|del`.  A rule is checked at entry, so that a refusal names the
 * value at fault (a lower-case method, an unknown role, a bad
 * pattern) rather than the schema constraint; the schema checks it
 * again.  Deleting the last rule of a resource warns that the
 * resource now answers 405, and says how to remove it.
 *
 * Each command reads the policy (adm_load()) and writes in one
 * transaction, so what it checks is what it changes.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define LIST_MAX	512	/* a message's list of roles or rule ids */

/* NULL-safe strcmp: NULL (the any-host resource) first. */
static int
nstrcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/*
 * Append s to the ", "-separated list in buf; past bufsz - 8 bytes
 * append ", ..." once instead.
 */
static void
list_add(char *buf, size_t bufsz, const char *s)
{
	size_t	 len = strlen(buf);

	if (len >= 5 && strcmp(buf + len - 5, ", ...") == 0)
		return;
	if (len + 2 + strlen(s) + 8 > bufsz) {
		(void)snprintf(buf + len, bufsz - len, ", ...");
		return;
	}
	(void)snprintf(buf + len, bufsz - len, "%s%s", len ? ", " : "", s);
}

/* The ids of the rules of resource (pattern, host) but skip, in buf. */
static size_t
res_rules(const struct policy *pol, const char *pattern, const char *host,
    int64_t skip, char *buf, size_t bufsz)
{
	char	 id[32];
	size_t	 i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < pol->nrules; i++) {
		if (pol->rules[i].id == skip ||
		    strcmp(pol->rules[i].pattern, pattern) != 0 ||
		    nstrcmp(pol->rules[i].host, host) != 0)
			continue;
		(void)snprintf(id, sizeof(id), "%" PRId64, pol->rules[i].id);
		list_add(buf, bufsz, id);
		n++;
	}
	return n;
}

/*
 * Whether the METHODS of a rule are "*" or a comma list of method
 * tokens in upper case; if not, why, naming the method, in why.
 * Methods are case-sensitive (RFC 9110 §9.1): a rule for "get"
 * matches no request a client sends.
 */
static int
methods_ok(const char *methods, char *why, size_t whysz)
{
	const char	*m;
	char		 up[REQ_METHOD_MAX + 1];
	size_t		 n, i;
	int		 lower;

	if (strcmp(methods, "*") == 0)
		return 1;
	for (m = methods; ; m += n + 1) {
		n = strcspn(m, ",");
		if (n == 0) {
			(void)snprintf(why, whysz, "methods '%s': an empty "
			    "method (a comma-separated list, such as "
			    "'GET,POST', or '*')", methods);
			return 0;
		}
		lower = 0;
		for (i = 0; i < n; i++)
			if (islower((unsigned char)m[i]))
				lower = 1;
		if (lower && n <= REQ_METHOD_MAX) {
			for (i = 0; i < n; i++)
				up[i] = (char)toupper((unsigned char)m[i]);
			up[n] = '\0';
			(void)snprintf(why, whysz, "method '%.*s' is not upper "
			    "case: methods are case-sensitive (RFC 9110 "
			    "\302\2479.1); did you mean %s?", (int)n, m, up);
			return 0;
		}
		if (m[n] == '\0')
			break;
	}
	if (policy_methods_valid(methods))
		return 1;
	(void)snprintf(why, whysz, "methods '%s' must be '*' or a "
	    "comma-separated list of HTTP method tokens, such as 'GET,POST'",
	    methods);
	return 0;
}

/*
 * Whether principal is "all", "valid-user" or a role of pol; if not,
 * why, naming it and the roles there are, in why.
 */
static int
principal_ok(const struct policy *pol, const char *principal, char *why,
    size_t whysz)
{
	struct pol_role	 key;
	char		 list[LIST_MAX];
	size_t		 i, n = strlen(principal);

	if (strcmp(principal, "all") == 0 ||
	    strcmp(principal, "valid-user") == 0)
		return 1;
	memset(&key, 0, sizeof(key));
	key.name = (char *)(uintptr_t)principal;
	if (pol_find(pol, POL_ROLES, &key) != NULL)
		return 1;
	if (n == 0 || n > NAME_MAX_LEN || has_ctl(principal, n) ||
	    !utf8_valid(principal, n)) {
		(void)snprintf(why, whysz, "principal must be all, "
		    "valid-user or the name of a role");
		return 0;
	}
	list[0] = '\0';
	for (i = 0; i < pol->nroles; i++)
		list_add(list, sizeof(list), pol->roles[i].name);
	(void)snprintf(why, whysz, "no role '%s' (portcullis role add %s; "
	    "%s%s)", principal, principal, *list == '\0' ? "there are no "
	    "roles yet" : "existing: ", list);
	return 0;
}

/*
 * Whether network name exists in pol; if not, why (naming those that
 * do) with what, e.g. "--net", first.
 */
static int
net_known(const struct policy *pol, const char *what, const char *name,
    char *why, size_t whysz)
{
	char	 list[LIST_MAX];
	size_t	 i;

	for (i = 0; i < pol->nnetworks; i++)
		if (strcmp(pol->networks[i].name, name) == 0)
			return 1;
	list[0] = '\0';
	for (i = 0; i < pol->nnetworks; i++)
		if (i == 0 || strcmp(pol->networks[i - 1].name,
		    pol->networks[i].name) != 0)
			list_add(list, sizeof(list), pol->networks[i].name);
	if (has_ctl(name, strlen(name)) || strlen(name) > NAME_MAX_LEN)
		(void)snprintf(why, whysz, "%s: not a network name", what);
	else
		(void)snprintf(why, whysz, "%s: no network '%s' (portcullis "
		    "net add %s CIDR...; %s%s)", what, name, name,
		    *list == '\0' ? "there are no networks yet" :
		    "existing: ", list);
	return 0;
}

/*
 * The networks of rule r (sql/0009-networks.sql): a principal
 * "net:NAME" names an existing network; a restriction (r->network)
 * names one too, on a grant to a role or valid-user only.
 */
static int
rule_net_ok(const struct policy *pol, const struct pol_rule *r, char *why,
    size_t whysz)
{
	int	 net = strncmp(r->principal, "net:", 4) == 0;

	if (net && !net_known(pol, "principal", r->principal + 4, why, whysz))
		return 0;
	if (r->network == NULL)
		return 1;
	if (net || strcmp(r->principal, "all") == 0) {
		(void)snprintf(why, whysz, "--net restricts a grant to a "
		    "role or valid-user; to grant everyone in network %s "
		    "without credentials use principal net:%s", r->network,
		    r->network);
		return 0;
	}
	return net_known(pol, "--net", r->network, why, whysz);
}

/*
 * Whether rule r may be added to pol; if not, why.  The pattern is
 * policy_pattern_valid()'s, as the schema's CHECK.
 */
static int
rule_ok(const struct policy *pol, const struct pol_rule *r, char *why,
    size_t whysz)
{
	size_t	 n = strlen(r->pattern);

	if (!policy_pattern_valid(r->pattern)) {
		if (has_ctl(r->pattern, n) || !utf8_valid(r->pattern, n))
			(void)snprintf(why, whysz, "the pattern holds a "
			    "control character or is not UTF-8");
		else
			(void)snprintf(why, whysz, "pattern '%s' is not "
			    "valid: an absolute path whose * and ** are "
			    "whole segments, ** only last, without //, ., "
			    ".., ?, #, %% or a backslash (portcullis(8), "
			    "Patterns)", r->pattern);
		return 0;
	}
	return methods_ok(r->methods, why, whysz) &&
	    (strncmp(r->principal, "net:", 4) == 0 ||
	    principal_ok(pol, r->principal, why, whysz)) &&
	    rule_net_ok(pol, r, why, whysz);
}

/*
 * rule add [--host HOST] PATTERN METHODS PRINCIPAL: check it, add it
 * and say so: "rule 7 added: /wiki/STARSTAR GET,HEAD staff".
 */
static int
rule_add(struct adm *a, int argc, char *argv[])
{
	static const char *const names[] = { "host", "net" };
	const char	*vals[2] = { NULL, NULL };
	struct policy	 pol;
	struct pol_rule	 r;
	char		 host[REQ_HOST_MAX + 1], why[1024];
	char		 res[PATTERN_MAX + REQ_HOST_MAX + 8];
	int64_t		 id = 0;
	int		 k, rc, ret = 1;

	if ((k = adm_opts(argc, argv, names, vals, nitems(names))) == -1)
		return -1;
	argc -= k;
	argv += k;
	if (argc != 3)
		return -1;
	if (vals[0] != NULL && host_canon(host, sizeof(host), vals[0],
	    strlen(vals[0])) != 1)
		return adm_fail("rule add", "--host: not a valid host name");
	memset(&r, 0, sizeof(r));	/* id 0: a new one */
	r.host = vals[0] == NULL ? NULL : host;
	r.pattern = argv[0];
	r.methods = argv[1];
	r.principal = argv[2];
	r.network = (char *)(uintptr_t)vals[1];
	memset(&pol, 0, sizeof(pol));
	if ((rc = adm_begin(a, 1)) == 0 &&
	    (rc = adm_load(a, &pol, 0)) == 0) {
		if (!rule_ok(&pol, &r, why, sizeof(why))) {
			adm_rollback(a);
			ret = adm_fail("rule add", why);
			goto out;
		}
		rc = adm_rule_add(a, &r, &id);
	}
	if (rc == -1) {
		ret = adm_fail("rule add", adm_errmsg(a));
		adm_rollback(a);
		goto out;
	}
	if (adm_commit(a) == -1) {
		ret = adm_fail("rule add", adm_errmsg(a));
		goto out;
	}
	printf("rule %" PRId64 " added: %s %s %s%s%s%s\n", id,
	    adm_res_name(res, sizeof(res), r.pattern, r.host), r.methods,
	    r.principal, r.network != NULL ? " (network " : "",
	    r.network != NULL ? r.network : "",
	    r.network != NULL ? ")" : "");
	ret = 0;
out:
	pol_free(&pol);
	return ret;
}

/* A pattern quoted for sh(1): in single quotes, unless it holds one. */
static const char *
sh_quote(char *buf, size_t bufsz, const char *s)
{
	if (strchr(s, '\'') != NULL)
		(void)snprintf(buf, bufsz, "%s", s);
	else
		(void)snprintf(buf, bufsz, "'%s'", s);
	return buf;
}

/* Whether rule r is the one deleted (arg: its id). */
static int
gone_id(const struct pol_rule *r, const void *arg)
{
	return r->id == *(const int64_t *)arg;
}

/*
 * After a change that deleted the rules of pol (the policy before it)
 * that gone(rule, arg) names, warn on stderr for each resource they
 * leave without rules: the resource stays, and answers 405 (lint's
 * no-rules) where before a grant may have held, and how to remove it.
 */
void
adm_warn_bare(const struct policy *pol,
    int (*gone)(const struct pol_rule *, const void *), const void *arg)
{
	const struct pol_resource	*x;
	char				 res[PATTERN_MAX + REQ_HOST_MAX + 8];
	char				 q[PATTERN_MAX + 3];
	size_t				 i, j, had, left;

	for (i = 0; i < pol->nresources; i++) {
		x = &pol->resources[i];
		for (had = left = 0, j = 0; j < pol->nrules; j++) {
			if (strcmp(pol->rules[j].pattern, x->pattern) != 0 ||
			    nstrcmp(pol->rules[j].host, x->host) != 0)
				continue;
			had++;
			if (!gone(&pol->rules[j], arg))
				left++;
		}
		if (had == 0 || left > 0)
			continue;
		fprintf(stderr, "portcullis: warning: resource %s has no "
		    "rules left: every request it decides is now answered "
		    "405; portcullis resource del %s%s%s%s removes it\n",
		    adm_res_name(res, sizeof(res), x->pattern, x->host),
		    x->host == NULL ? "" : "--host ",
		    x->host == NULL ? "" : x->host, x->host == NULL ? "" : " ",
		    sh_quote(q, sizeof(q), x->pattern));
	}
}

/* rule del ID: delete it, say so, and warn as adm_warn_bare(). */
static int
rule_del(struct adm *a, const char *arg)
{
	struct policy		 pol;
	const struct pol_rule	*r = NULL;
	char			 what[128], *end;
	char			 res[PATTERN_MAX + REQ_HOST_MAX + 8];
	long long		 id;
	int64_t			 rid;
	size_t			 i;
	int			 rc, ret = 1;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno == ERANGE ||
	    id < 1) {
		if (has_ctl(arg, strlen(arg)) || strlen(arg) > 64)
			return adm_fail("rule del", "not a rule id (portcullis "
			    "rule list shows them)");
		(void)snprintf(what, sizeof(what), "'%s' is not a rule id "
		    "(portcullis rule list shows them)", arg);
		return adm_fail("rule del", what);
	}
	rid = (int64_t)id;
	(void)snprintf(what, sizeof(what), "rule %lld", id);
	memset(&pol, 0, sizeof(pol));
	if ((rc = adm_begin(a, 1)) == 0 &&
	    (rc = adm_load(a, &pol, 0)) == 0) {
		for (i = 0; i < pol.nrules; i++)
			if (pol.rules[i].id == rid)
				r = &pol.rules[i];
		if (r == NULL) {
			adm_rollback(a);
			ret = adm_fail(what, "no such rule");
			goto out;
		}
		rc = adm_rule_del(a, rid);
	}
	if (rc == -1 || adm_commit(a) == -1) {
		ret = adm_fail(what, adm_errmsg(a));
		adm_rollback(a);
		goto out;
	}
	printf("rule %lld deleted: %s %s %s\n", id,
	    adm_res_name(res, sizeof(res), r->pattern, r->host), r->methods,
	    r->principal);
	adm_warn_bare(&pol, gone_id, &rid);
	ret = 0;
out:
	pol_free(&pol);
	return ret;
}

static int
rule_print(void *arg, const struct pol_rule *r)
{
	(void)arg;
	if (printf("%" PRId64 "\t%s\t%s\t%s\t%s%s%s%s\n", r->id,
	    r->host == NULL ? "*" : r->host, r->pattern, r->methods,
	    r->principal, r->network != NULL ? " (network " : "",
	    r->network != NULL ? r->network : "",
	    r->network != NULL ? ")" : "") < 0)
		return -1;
	return 0;
}

/*
 * rule add|list|del: exit 0, or 1 on an error; -1 for a usage error.
 */
int
cmd_rule(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	char		 err[512];
	int		 rc, ret = 1;

	if (argc < 1 ||
	    (strcmp(argv[0], "list") == 0 && argc != 1) ||
	    (strcmp(argv[0], "del") == 0 && argc != 2) ||
	    (strcmp(argv[0], "list") != 0 && strcmp(argv[0], "del") != 0 &&
	    strcmp(argv[0], "add") != 0))
		return -1;
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if (strcmp(argv[0], "add") == 0)
		ret = rule_add(a, argc - 1, argv + 1);
	else if (strcmp(argv[0], "del") == 0)
		ret = rule_del(a, argv[1]);
	else {
		if ((rc = adm_begin(a, 0)) == 0)
			rc = adm_rule_list(a, rule_print, NULL);
		adm_rollback(a);	/* a read: nothing to keep */
		ret = rc == -1 ? adm_fail("rule list", adm_errmsg(a)) : 0;
	}
	adm_close(a);
	return ret;
}

/*
 * resource list: "PATTERN<TAB>HOST<TAB>RULES" per resource, in the
 * export's order, HOST "*" for any host.
 */
static int
resource_list(struct adm *a)
{
	const struct pol_resource	*x;
	struct policy			 pol;
	char				 ids[LIST_MAX];
	size_t				 i;
	int				 ret = 1;

	memset(&pol, 0, sizeof(pol));
	if (adm_begin(a, 0) == -1 || adm_load(a, &pol, 0) == -1) {
		ret = adm_fail("resource list", adm_errmsg(a));
		goto out;
	}
	for (i = 0; i < pol.nresources; i++) {
		x = &pol.resources[i];
		printf("%s\t%s\t%zu\n", x->pattern,
		    x->host == NULL ? "*" : x->host,
		    res_rules(&pol, x->pattern, x->host, 0, ids,
		    sizeof(ids)));
	}
	ret = 0;
out:
	adm_rollback(a);	/* a read: nothing to keep */
	pol_free(&pol);
	return ret;
}

/*
 * resource del [--host HOST] [--force] PATTERN: refused while rules
 * use the resource, unless --force, which deletes them with it.
 */
static int
resource_del(struct adm *a, int argc, char *argv[])
{
	struct pol_resource	 key;
	struct policy		 pol;
	const char		*hostarg = NULL, *pattern = NULL;
	char			 host[REQ_HOST_MAX + 1], ids[LIST_MAX];
	char			 what[PATTERN_MAX + REQ_HOST_MAX + 16];
	char			 why[LIST_MAX + 128];
	size_t			 n;
	int			 k, force = 0, ret = 1;

	for (k = 0; k < argc; k++) {
		if (strcmp(argv[k], "--force") == 0)
			force = 1;
		else if (strcmp(argv[k], "--host") == 0 && k + 1 < argc)
			hostarg = argv[++k];
		else if (strncmp(argv[k], "--host=", 7) == 0)
			hostarg = argv[k] + 7;
		else if (strcmp(argv[k], "--") == 0 && k + 2 == argc)
			pattern = argv[++k];
		else if (strncmp(argv[k], "--", 2) == 0 || pattern != NULL)
			return -1;
		else
			pattern = argv[k];
	}
	if (pattern == NULL)
		return -1;
	if (hostarg != NULL && host_canon(host, sizeof(host), hostarg,
	    strlen(hostarg)) != 1)
		return adm_fail("resource del", "--host: not a valid host "
		    "name");
	memset(&key, 0, sizeof(key));
	key.pattern = (char *)(uintptr_t)pattern;
	key.host = hostarg == NULL ? NULL : host;
	memcpy(what, "resource ", 9);
	adm_res_name(what + 9, sizeof(what) - 9, key.pattern, key.host);
	memset(&pol, 0, sizeof(pol));
	if (adm_begin(a, 1) == -1 || adm_load(a, &pol, 0) == -1) {
		ret = adm_fail(what, adm_errmsg(a));
		goto out;
	}
	if (pol_find(&pol, POL_RESOURCES, &key) == NULL) {
		ret = adm_fail(what, "no such resource (portcullis resource "
		    "list shows them)");
		goto out;
	}
	n = res_rules(&pol, key.pattern, key.host, 0, ids, sizeof(ids));
	if (n > 0 && !force) {
		(void)snprintf(why, sizeof(why), "%s %s still use%s it "
		    "(portcullis rule del first, or resource del --force "
		    "deletes %s too)", n == 1 ? "rule" : "rules", ids,
		    n == 1 ? "s" : "", n == 1 ? "it" : "them");
		ret = adm_fail(what, why);
		goto out;
	}
	if (adm_resource_del(a, key.pattern, key.host) != 1 ||
	    adm_commit(a) == -1) {
		ret = adm_fail(what, adm_errmsg(a));
		goto out;
	}
	if (n == 0)
		printf("%s deleted\n", what);
	else
		printf("%s deleted with %s %s\n", what,
		    n == 1 ? "rule" : "rules", ids);
	ret = 0;
out:
	adm_rollback(a);
	pol_free(&pol);
	return ret;
}

/*
 * resource list | del [--host HOST] [--force] PATTERN: exit 0, or 1
 * on an error; -1 for a usage error.
 */
int
cmd_resource(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	char		 err[512];
	int		 ret;

	if (argc < 1 || (strcmp(argv[0], "list") == 0 && argc != 1) ||
	    (strcmp(argv[0], "list") != 0 && strcmp(argv[0], "del") != 0))
		return -1;
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if (strcmp(argv[0], "list") == 0)
		ret = resource_list(a);
	else
		ret = resource_del(a, argc - 1, argv + 1);
	adm_close(a);
	return ret;
}
