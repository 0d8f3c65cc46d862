/*
 * net.c: the named networks of a compiled policy (sql/0009-networks.sql),
 * without any I/O.
 *
 * store.c reads every networks row into a netset once per snapshot
 * (net_add()); a decision asks net_contains() whether the client's
 * address is in a network, with no SQL.  Each row is parsed strictly
 * (cidr_parse()): a row that does not parse makes its whole network
 * match nothing, since both uses of a network (a net:NAME grant, a
 * rule restricted to NAME) only ever add an allow, so a network that
 * matches nothing fails closed.  `portcullis lint` names such rows.
 *
 * Ownership: net_new() returns a set the caller frees with
 * net_free(); net_add() copies its strings.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

struct net {
	char		*name;
	struct cidr	*cidrs;
	size_t		 ncidrs;
	int		 broken;	/* a row did not parse: matches nothing */
};

struct netset {
	struct net	*nets;		/* in the order added */
	size_t		 nnets;
	size_t		 cap;
};

struct netset *
net_new(void)
{
	return calloc(1, sizeof(struct netset));
}

void
net_free(struct netset *ns)
{
	size_t	 i;

	if (ns == NULL)
		return;
	for (i = 0; i < ns->nnets; i++) {
		free(ns->nets[i].name);
		free(ns->nets[i].cidrs);
	}
	free(ns->nets);
	free(ns);
}

/* The network called name, or NULL. */
static const struct net *
net_find(const struct netset *ns, const char *name)
{
	size_t	 i;

	if (ns == NULL || name == NULL)
		return NULL;
	for (i = 0; i < ns->nnets; i++)
		if (strcmp(ns->nets[i].name, name) == 0)
			return &ns->nets[i];
	return NULL;
}

/*
 * Add the row (name, cidr) to ns: a range of network name, made if
 * new.  A NULL or unparsable cidr marks the network broken (it then
 * matches nothing); a NULL name is ignored (the schema says NOT NULL).
 * Returns 0, or -1 out of memory.
 */
int
net_add(struct netset *ns, const char *name, const char *cidr)
{
	struct net	*n, *nn;
	struct cidr	 c, *nc;
	const char	*why;
	int		 ok;

	if (name == NULL)
		return 0;
	ok = cidr != NULL && cidr_parse(&c, cidr, strlen(cidr), &why) == 0;
	if ((n = (struct net *)(uintptr_t)net_find(ns, name)) == NULL) {
		if (ns->nnets == ns->cap) {
			if ((nn = reallocarray(ns->nets, ns->cap == 0 ? 8 :
			    ns->cap * 2, sizeof(*nn))) == NULL)
				return -1;
			ns->nets = nn;
			ns->cap = ns->cap == 0 ? 8 : ns->cap * 2;
		}
		n = &ns->nets[ns->nnets];
		memset(n, 0, sizeof(*n));
		if ((n->name = strdup(name)) == NULL)
			return -1;
		ns->nnets++;
	}
	if (!ok) {
		n->broken = 1;
		return 0;
	}
	if ((nc = reallocarray(n->cidrs, n->ncidrs + 1,
	    sizeof(*nc))) == NULL)
		return -1;
	n->cidrs = nc;
	n->cidrs[n->ncidrs++] = c;
	return 0;
}

/*
 * Whether the address a is in network name of ns.  A network that is
 * not there, or has a row that did not parse, holds no address; so
 * does a NULL a (the client's address is missing or unparsable).
 * Returns 1 or 0.
 */
int
net_contains(const struct netset *ns, const char *name,
    const struct addr *a)
{
	const struct net	*n;
	size_t			 i;

	if (a == NULL || (n = net_find(ns, name)) == NULL || n->broken)
		return 0;
	for (i = 0; i < n->ncidrs; i++)
		if (cidr_contains(&n->cidrs[i], a))
			return 1;
	return 0;
}

/*
 * What ns knows of network name: 1 usable, 0 no such network, -1 a
 * row of it did not parse (it matches nothing).
 */
int
net_state(const struct netset *ns, const char *name)
{
	const struct net	*n;

	if ((n = net_find(ns, name)) == NULL)
		return 0;
	return n->broken ? -1 : 1;
}
