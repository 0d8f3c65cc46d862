/*
 * adm_net.c: `portcullis net`, named networks (sql/0009-networks.sql,
 * README "Networks"):
 *
 *	net add NAME CIDR ...	"network NAME: CIDR added" per range
 *	net del NAME [CIDR]	"network NAME: CIDR deleted", or
 *				"network NAME deleted" (every range)
 *	net list		"NAME CIDR" per range, sorted
 *
 * Each CIDR is parsed strictly (cidr_parse()): ADDRESS/PREFIX or a
 * bare address (its /32 or /128); address bits set past the prefix,
 * an IPv4-mapped IPv6 network and anything inet_pton(3) refuses are
 * refused with the reason, and the range is stored as cidr_str()
 * writes it, so "2001:DB8::/32" is kept as "2001:db8::/32".  A
 * range a network already has is refused ("already exists"), and
 * nothing of the command is written.  When the last range of a
 * network goes, the rules that use it go too (the schema's
 * networks_delete): del says which, and warns about a resource left
 * without rules as `role del` does.  list marks a row the server
 * cannot parse (written with sqlite3): its network matches nothing.
 * Exit 0, 1 on an error, 2 (-1 here) on a usage error.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define NET_LIST_MAX	512	/* a message's list of rule ids */

/*
 * Whether name is a network name as the schema wants it; if not, say
 * so.  Returns 1 or 0.
 */
static int
net_name_ok(const char *name)
{
	size_t	 n = strlen(name);

	if (n > 0 && n <= NAME_MAX_LEN &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == n)
		return 1;
	(void)adm_fail("network name", "must be 1-255 of A-Z a-z 0-9 . _ -");
	return 0;
}

/*
 * CIDR s, parsed strictly, written canonically into buf (ADDR_NET_MAX
 * + 1 bytes).  Returns 0, or 1 after saying why not.
 */
static int
net_cidr(const char *s, char *buf, size_t bufsz)
{
	struct cidr	 c;
	const char	*why;
	char		 msg[128];

	if (has_ctl(s, strlen(s)) || strlen(s) > ADDR_NET_MAX) {
		buf[0] = '\0';
		return adm_fail("network", "not an IPv4 or IPv6 network");
	}
	if (cidr_parse(&c, s, strlen(s), &why) == -1) {
		(void)snprintf(msg, sizeof(msg), "%s", why);
		return adm_fail(s, msg);
	}
	if (cidr_str(buf, bufsz, &c) == -1)
		return adm_fail(s, "cannot write it");
	return 0;
}

/* Whether rule r uses network arg (a net:NAME grant or --net NAME). */
static int
uses_net(const struct pol_rule *r, const void *arg)
{
	const char	*name = arg;

	return (strncmp(r->principal, "net:", 4) == 0 &&
	    strcmp(r->principal + 4, name) == 0) ||
	    (r->network != NULL && strcmp(r->network, name) == 0);
}

/* How many ranges network name has in pol. */
static size_t
net_nranges(const struct policy *pol, const char *name)
{
	size_t	 i, n = 0;

	for (i = 0; i < pol->nnetworks; i++)
		n += strcmp(pol->networks[i].name, name) == 0;
	return n;
}

/* net add NAME CIDR ...: one transaction, a line per range. */
static int
netcmd_add(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	char		 err[512], (*c)[ADDR_NET_MAX + 1] = NULL;
	int		 i, rc = 0, ret = 1;

	if (argc < 2)
		return -1;
	if (!net_name_ok(argv[0]))
		return 1;
	if ((c = calloc((size_t)argc, sizeof(*c))) == NULL)
		return adm_fail("net add", "out of memory");
	for (i = 1; i < argc; i++)
		if (net_cidr(argv[i], c[i], sizeof(c[i])) != 0)
			goto out;
	if ((a = adm_open(db, err, sizeof(err))) == NULL) {
		adm_fail(db, err);
		goto out;
	}
	if (adm_begin(a, 1) == -1)
		rc = -1;
	for (i = 1; rc == 0 && i < argc; i++)
		if ((rc = adm_net_add(a, argv[0], c[i])) == 0) {
			(void)snprintf(err, sizeof(err), "network %s: %s",
			    argv[0], c[i]);
			adm_fail(err, "already exists");
			rc = -2;
		} else if (rc == 1)
			rc = 0;
	if (rc == 0 && adm_commit(a) == 0) {
		for (i = 1; i < argc; i++)
			printf("network %s: %s added\n", argv[0], c[i]);
		ret = 0;
	} else {
		if (rc == -1 || rc == 0)
			adm_fail("net add", adm_errmsg(a));
		adm_rollback(a);
	}
	adm_close(a);
out:
	free(c);
	return ret;
}

/*
 * net del NAME [CIDR]: the range, or every range; the rules that go
 * with the last one named.
 */
static int
netcmd_del(const char *db, int argc, char *argv[])
{
	struct policy	 pol;
	struct adm	*a;
	char		 err[512], cidr[ADDR_NET_MAX + 1], ids[NET_LIST_MAX];
	char		 id[32];
	const char	*range = NULL;
	size_t		 i, left, n = 0;
	int		 rc, ret = 1;

	if (argc != 1 && argc != 2)
		return -1;
	if (!net_name_ok(argv[0]))
		return 1;
	if (argc == 2) {
		/* A row the server cannot parse is deleted as written. */
		range = argv[1];
		if (strlen(argv[1]) <= ADDR_NET_MAX && !has_ctl(argv[1],
		    strlen(argv[1]))) {
			struct cidr	 c;
			const char	*why;

			if (cidr_parse(&c, argv[1], strlen(argv[1]),
			    &why) == 0 && cidr_str(cidr, sizeof(cidr),
			    &c) == 0)
				range = cidr;
		}
	}
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	memset(&pol, 0, sizeof(pol));
	if ((rc = adm_begin(a, 1)) == 0 && (rc = adm_load(a, &pol, 0)) == 0)
		rc = adm_net_del(a, argv[0], range);
	if (rc > 0 && adm_commit(a) == -1)
		rc = -1;
	if (rc <= 0)
		adm_rollback(a);
	if (rc == -1) {
		adm_fail("net del", adm_errmsg(a));
		goto out;
	}
	if (rc == 0) {
		(void)snprintf(err, sizeof(err), "network %s%s%s", argv[0],
		    range != NULL ? ": " : "", range != NULL ? range : "");
		adm_fail(err, range != NULL ? "no such range" :
		    "no such network");
		goto out;
	}
	left = net_nranges(&pol, argv[0]) - (size_t)rc;
	if (range != NULL)
		printf("network %s: %s deleted%s\n", argv[0], range,
		    left == 0 ? ", the last: the network is gone" : "");
	else
		printf("network %s deleted\n", argv[0]);
	ret = 0;
	if (left > 0)
		goto out;
	ids[0] = '\0';
	for (i = 0; i < pol.nrules; i++) {
		if (!uses_net(&pol.rules[i], argv[0]))
			continue;
		(void)snprintf(id, sizeof(id), "%" PRId64, pol.rules[i].id);
		if (strlen(ids) + strlen(id) + 8 < sizeof(ids))
			(void)snprintf(ids + strlen(ids), sizeof(ids) -
			    strlen(ids), "%s%s", n > 0 ? ", " : "", id);
		n++;
	}
	if (n > 0)
		fprintf(stderr, "portcullis: warning: rule%s %s used network "
		    "%s and %s deleted with it\n", n > 1 ? "s" : "", ids,
		    argv[0], n > 1 ? "were" : "was");
	adm_warn_bare(&pol, uses_net, argv[0]);
out:
	pol_free(&pol);
	adm_close(a);
	return ret;
}

/* net list: "NAME CIDR" per range, and what the server makes of it. */
static int
netcmd_list(const char *db, int argc, char *argv[])
{
	struct policy	 pol;
	struct adm	*a;
	struct cidr	 c;
	const char	*why, *cidr;
	char		 err[512];
	size_t		 i;
	int		 rc, ret = 0;

	(void)argv;
	if (argc != 0)
		return -1;
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	memset(&pol, 0, sizeof(pol));
	if ((rc = adm_begin(a, 0)) == 0)
		rc = adm_load(a, &pol, 0);
	if (rc == -1)
		ret = adm_fail("net list", adm_errmsg(a));
	adm_rollback(a);	/* a read: nothing to keep */
	for (i = 0; ret == 0 && i < pol.nnetworks; i++) {
		cidr = pol.networks[i].cidr;
		if (cidr_parse(&c, cidr, strlen(cidr), &why) == 0)
			printf("%s %s\n", pol.networks[i].name, cidr);
		else
			printf("%s %s (unparsable: %s; the network matches "
			    "nothing)\n", pol.networks[i].name, cidr, why);
	}
	pol_free(&pol);
	adm_close(a);
	return ret;
}

/*
 * The net command: add, del or list.  Returns the exit status, or -1
 * for a usage error.
 */
int
cmd_net(const char *db, int argc, char *argv[])
{
	if (argc < 1)
		return -1;
	if (strcmp(argv[0], "add") == 0)
		return netcmd_add(db, argc - 1, argv + 1);
	if (strcmp(argv[0], "del") == 0)
		return netcmd_del(db, argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0)
		return netcmd_list(db, argc - 1, argv + 1);
	return -1;
}
