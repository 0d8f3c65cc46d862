/*
 * snapshot.c: the compiled policy, in memory, without any I/O.
 *
 * What a decision needs besides the users: the settings, the
 * resources and their rules, as store.c read them in one read
 * transaction (store_begin() rebuilds it when PRAGMA data_version
 * says another connection committed).  Users stay in the database.
 *
 * Resource choice costs what the request's path costs, not what the
 * number of resources does: a segment trie per virtual host (and one
 * for the any-host resources) gives the patterns that may match, and
 * policy_better() (policy_match(), policy_cmp()) picks among them as it
 * picked among all rows before (policy.c stays the one place where
 * matching and precedence are defined; the trie is only an index).
 *
 * The trie: a node is a pattern prefix.  A literal segment is an edge
 * in one hash table keyed by (parent node, segment bytes), and so is
 * "*", under a key no literal has; a pattern that ends at a node is
 * on its end list, one that ends in "/STARSTAR" on its glob list.  Host
 * names are edges from the pseudo-node NODE_HOSTS to each host's
 * root, so the same table finds them.  Walking a path visits each
 * node at most once (the trie is a tree), and only nodes whose prefix
 * matches the path's: at most two children per segment (the literal
 * and "*"), never a node of a pattern that cannot match.
 *
 * Memory is what the database holds, once: the strings live in
 * fixed chunks that never move (so everything points into them from
 * the start), hosts, method lists and principals are stored once each
 * however many rules name them, and rules are kept with their
 * resource, as store.c reads them (one join, in resource order).
 *
 * Ownership: snap_new() returns a snapshot the caller frees with
 * snap_free(); snap_add_*() copy their strings; after snap_finish()
 * the snapshot is read-only and the pointers it hands out live until
 * snap_free().
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define NONE		UINT32_MAX
#define NODE_ANY	0	/* root of the any-host resources */
#define NODE_HOSTS	1	/* pseudo-node: edges are host names */
#define CHUNK_SIZE	(64 * 1024)

/*
 * A trie node: 24 bytes.  Its star child is in the edge table too,
 * under the segment length NONE, which no literal has.
 */
struct node {
	const char	*seg;		/* edge bytes (in a pattern or host) */
	uint32_t	 segsz;		/* NONE for a star child */
	uint32_t	 parent;	/* NONE for NODE_ANY, NODE_HOSTS */
	uint32_t	 end;		/* first resource ending here */
	uint32_t	 glob;		/* first resource "here/STARSTAR" */
};

/* Strings, NUL-terminated, in chunks that never move. */
struct chunk {
	struct chunk	*next;
	size_t		 used;
	size_t		 cap;
	char		 buf[];
};

struct snapshot {
	struct settings	 set;
	struct chunk	*chunks;	/* the newest first */
	const char	**itab;		/* interned strings, or NULL */
	size_t		 nitab;		/* a power of two, or 0 */
	size_t		 ninterned;
	struct snap_grant **gtab;	/* interned grants, or NULL */
	size_t		 ngtab;		/* a power of two, or 0 */
	size_t		 ngranted;
	struct snap_res	*res;		/* in the order added */
	size_t		 nres;
	size_t		 capres;
	struct snap_rule *rules;	/* grouped by resource, in its order */
	size_t		 nrules;
	size_t		 caprules;
	uint32_t	*next;		/* next resource on an end/glob list */
	struct node	*nodes;
	size_t		 nnodes;
	size_t		 capnodes;
	uint32_t	*slots;		/* literal edges: node indices */
	size_t		 nslots;	/* a power of two, or 0 */
	int		 done;
	struct netset	*nets;		/* named networks, or NULL: none */
	struct roles	*roles;		/* the role hierarchy, or NULL */
};

/* The candidates of one lookup: the best by policy_better() so far. */
struct pick {
	const struct snapshot	*sn;
	const char		*path;
	const struct snap_res	*best;
};

struct snapshot *
snap_new(void)
{
	struct snapshot	*sn;

	if ((sn = calloc(1, sizeof(*sn))) == NULL)
		return NULL;
	snprintf(sn->set.realm, sizeof(sn->set.realm), "%s", REALM_DEFAULT);
	return sn;
}

void
snap_free(struct snapshot *sn)
{
	struct chunk	*c;

	if (sn == NULL)
		return;
	while ((c = sn->chunks) != NULL) {
		sn->chunks = c->next;
		free(c);
	}
	free(sn->itab);
	free(sn->gtab);
	free(sn->res);
	free(sn->rules);
	free(sn->next);
	free(sn->nodes);
	free(sn->slots);
	net_free(sn->nets);
	roles_free(sn->roles);
	free(sn);
}

/* Grow *p (of *cap elements of sz bytes) to hold n + 1.  0 or -1. */
static int
grow(void *p, size_t *cap, size_t n, size_t sz)
{
	void	*np;
	size_t	 nc;

	if (n < *cap)
		return 0;
	nc = *cap == 0 ? 16 : *cap * 2;
	if (nc > SIZE_MAX / sz ||
	    (np = realloc(*(void **)p, nc * sz)) == NULL)
		return -1;
	*(void **)p = np;
	*cap = nc;
	return 0;
}

/* n bytes in the chunks, aligned for a pointer if align; or NULL. */
static void *
chunk_alloc(struct snapshot *sn, size_t n, int align)
{
	struct chunk	*c = sn->chunks;
	size_t		 cap, at;

	at = c == NULL ? 0 : c->used;
	if (align)
		at = (at + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
	if (c == NULL || at > c->cap || c->cap - at < n) {
		cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->cap = cap;
		c->used = at = 0;
		c->next = sn->chunks;
		sn->chunks = c;
	}
	c->used = at + n;
	return c->buf + at;
}

/* A copy of s in the chunks, or NULL. */
static const char *
str_copy(struct snapshot *sn, const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p;

	if ((p = chunk_alloc(sn, n, 0)) != NULL)
		memcpy(p, s, n);
	return p;
}

/* FNV-1a over n bytes, after the 4 bytes of seed. */
static uint32_t
fnv(uint32_t seed, const char *p, size_t n)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < 4; i++) {
		h ^= (seed >> (i * 8)) & 0xff;
		h *= 16777619u;
	}
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * s stored once: the copy made for an equal string before, or a new
 * one.  For the few distinct hosts, method lists and principals that
 * many rows name.  Returns it, or NULL.
 */
static const char *
str_intern(struct snapshot *sn, const char *s)
{
	const char	**nt, *p;
	size_t		 i, k, cap, n = strlen(s), mask;

	if (sn->ninterned >= sn->nitab / 2) {
		cap = sn->nitab == 0 ? 64 : sn->nitab * 2;
		if ((nt = calloc(cap, sizeof(*nt))) == NULL)
			return NULL;
		mask = cap - 1;
		for (i = 0; i < sn->nitab; i++) {
			if ((p = sn->itab[i]) == NULL)
				continue;
			for (k = fnv(0, p, strlen(p)) & mask; nt[k] != NULL;
			    k = (k + 1) & mask)
				continue;
			nt[k] = p;
		}
		free(sn->itab);
		sn->itab = nt;
		sn->nitab = cap;
	}
	mask = sn->nitab - 1;
	for (i = fnv(0, s, n) & mask; sn->itab[i] != NULL;
	    i = (i + 1) & mask)
		if (strcmp(sn->itab[i], s) == 0)
			return sn->itab[i];
	if ((p = str_copy(sn, s)) == NULL)
		return NULL;
	sn->itab[i] = p;
	sn->ninterned++;
	return p;
}

/*
 * The grant (methods, principal), interned strings, stored once however
 * many rules make it.  Returns it, or NULL.
 */
static const struct snap_grant *
grant_intern(struct snapshot *sn, const char *methods, const char *principal)
{
	struct snap_grant	**nt, *g;
	uintptr_t		 key[2];
	size_t			 i, k, cap, mask;

	if (sn->ngranted >= sn->ngtab / 2) {
		cap = sn->ngtab == 0 ? 64 : sn->ngtab * 2;
		if ((nt = calloc(cap, sizeof(*nt))) == NULL)
			return NULL;
		mask = cap - 1;
		for (i = 0; i < sn->ngtab; i++) {
			if ((g = sn->gtab[i]) == NULL)
				continue;
			key[0] = (uintptr_t)g->methods;
			key[1] = (uintptr_t)g->principal;
			for (k = fnv(0, (const char *)key, sizeof(key)) & mask;
			    nt[k] != NULL; k = (k + 1) & mask)
				continue;
			nt[k] = g;
		}
		free(sn->gtab);
		sn->gtab = nt;
		sn->ngtab = cap;
	}
	mask = sn->ngtab - 1;
	key[0] = (uintptr_t)methods;
	key[1] = (uintptr_t)principal;
	for (i = fnv(0, (const char *)key, sizeof(key)) & mask;
	    (g = sn->gtab[i]) != NULL; i = (i + 1) & mask)
		if (g->methods == methods && g->principal == principal)
			return g;
	if ((g = chunk_alloc(sn, sizeof(*g), 1)) == NULL)
		return NULL;
	g->methods = methods;
	g->principal = principal;
	sn->gtab[i] = g;
	sn->ngranted++;
	return g;
}

/* The settings (store_settings() filled them); copied. */
void
snap_set_settings(struct snapshot *sn, const struct settings *set)
{
	sn->set = *set;
}

const struct settings *
snap_settings(const struct snapshot *sn)
{
	return &sn->set;
}

/*
 * Add a resource: pattern, and host (NULL or "" for any host).  The
 * rules added next are its rules.  A NULL pattern (the schema says
 * NOT NULL) is a resource that matches nothing.  Returns 0 or -1.
 */
int
snap_add_resource(struct snapshot *sn, const char *pattern,
    const char *host)
{
	struct snap_res	*r;

	if (sn->done || sn->nres >= NONE - 1 ||
	    grow(&sn->res, &sn->capres, sn->nres, sizeof(*sn->res)) == -1)
		return -1;
	r = &sn->res[sn->nres];
	memset(r, 0, sizeof(*r));
	r->host = "";
	if ((r->pattern = str_copy(sn, pattern == NULL ? "" :
	    pattern)) == NULL ||
	    (host != NULL && *host != '\0' &&
	    (r->host = str_intern(sn, host)) == NULL))
		return -1;
	sn->nres++;
	return 0;
}

/*
 * Add a rule (id, methods, principal) of the resource added last,
 * rules of one resource in id order (snap_finish() sorts them if
 * not).  A NULL methods or principal (the schema says NOT NULL) is
 * kept as NULL, for the decision to refuse.  Returns 0, or -1 (also
 * when no resource was added yet).
 */
int
snap_add_rule(struct snapshot *sn, int64_t id, const char *methods,
    const char *principal)
{
	static const struct snap_grant	 refuse = { NULL, NULL };
	struct snap_rule		*r;
	const char			*m, *p;

	if (sn->done || sn->nres == 0 || sn->nrules >= NONE - 1 ||
	    grow(&sn->rules, &sn->caprules, sn->nrules,
	    sizeof(*sn->rules)) == -1)
		return -1;
	r = &sn->rules[sn->nrules];
	r->id = id;
	r->network = NULL;
	r->grant = &refuse;
	if (methods != NULL && principal != NULL &&
	    ((m = str_intern(sn, methods)) == NULL ||
	    (p = str_intern(sn, principal)) == NULL ||
	    (r->grant = grant_intern(sn, m, p)) == NULL))
		return -1;
	sn->nrules++;
	sn->res[sn->nres - 1].nrules++;
	return 0;
}

/* The edge table's hash of a literal p[0..n), or of the star (n NONE). */
static uint32_t
edge_hash(uint32_t parent, const char *p, size_t n)
{
	return n == NONE ? fnv(parent, "*", 1) ^ 0x5bd1e995u :
	    fnv(parent, p, n);
}

/* The child of parent for p[0..n) (n NONE: the star child), or NONE. */
static uint32_t
child(const struct snapshot *sn, uint32_t parent, const char *p, size_t n)
{
	const struct node	*nd;
	size_t			 i, mask = sn->nslots - 1;
	uint32_t		 c;

	if (sn->nslots == 0)
		return NONE;
	for (i = edge_hash(parent, p, n) & mask; ; i = (i + 1) & mask) {
		if ((c = sn->slots[i]) == NONE)
			return NONE;
		nd = &sn->nodes[c];
		if (nd->parent == parent && nd->segsz == n &&
		    (n == NONE || memcmp(nd->seg, p, n) == 0))
			return c;
	}
}

/* Whether nd is an edge of the table (not a root). */
static int
edged(const struct node *nd)
{
	return nd->parent != NONE;
}

static void
slot_put(struct snapshot *sn, uint32_t c)
{
	const struct node	*nd = &sn->nodes[c];
	size_t			 i, mask = sn->nslots - 1;

	i = edge_hash(nd->parent, nd->seg, nd->segsz) & mask;
	while (sn->slots[i] != NONE)
		i = (i + 1) & mask;
	sn->slots[i] = c;
}

/* Keep the edge table at most half full.  Returns 0 or -1. */
static int
slots_grow(struct snapshot *sn)
{
	uint32_t	*ns;
	size_t		 n, i;

	if (sn->nslots != 0 && sn->nnodes < sn->nslots / 2)
		return 0;
	n = sn->nslots == 0 ? 64 : sn->nslots * 2;
	if (n > SIZE_MAX / sizeof(*ns) ||
	    (ns = malloc(n * sizeof(*ns))) == NULL)
		return -1;
	memset(ns, 0xff, n * sizeof(*ns));	/* NONE */
	free(sn->slots);
	sn->slots = ns;
	sn->nslots = n;
	for (i = 0; i < sn->nnodes; i++)
		if (edged(&sn->nodes[i]))
			slot_put(sn, (uint32_t)i);
	return 0;
}

/*
 * A new node below parent (NONE for a root): a literal child on the
 * edge seg[0..segsz), or a star child (segsz NONE).  Returns its
 * index, or NONE.
 */
static uint32_t
node_add(struct snapshot *sn, uint32_t parent, const char *seg,
    size_t segsz)
{
	struct node	*nd;
	uint32_t	 c;

	if (sn->nnodes >= NONE - 1 || segsz > NONE || slots_grow(sn) == -1 ||
	    grow(&sn->nodes, &sn->capnodes, sn->nnodes,
	    sizeof(*sn->nodes)) == -1)
		return NONE;
	c = (uint32_t)sn->nnodes++;
	nd = &sn->nodes[c];
	nd->seg = seg;
	nd->segsz = (uint32_t)segsz;
	nd->parent = parent;
	nd->end = nd->glob = NONE;
	if (edged(nd))
		slot_put(sn, c);
	return c;
}

/* The child of parent for p[0..n) (n NONE: star), made if new. */
static uint32_t
literal(struct snapshot *sn, uint32_t parent, const char *p, size_t n)
{
	uint32_t	 c;

	if ((c = child(sn, parent, p, n)) != NONE)
		return c;
	return node_add(sn, parent, p, n);
}

/*
 * Put resource i in the trie.  The segments are classified by
 * policy_seg(); a "**" ends the pattern for matching wherever it is
 * (policy_match() stops there), so it goes on the glob list of the
 * prefix before it.  A pattern not starting with '/' matches nothing
 * and is left out.  Returns 0 or -1.
 */
static int
trie_add(struct snapshot *sn, uint32_t i)
{
	const struct snap_res	*r = &sn->res[i];
	const char		*p;
	size_t			 n;
	uint32_t		 nd = NODE_ANY, c;

	if (r->pattern[0] != '/')
		return 0;
	if (*r->host != '\0' && (nd = literal(sn, NODE_HOSTS, r->host,
	    strlen(r->host))) == NONE)
		return -1;
	for (p = r->pattern + 1; ; p += n + 1) {
		n = strcspn(p, "/");
		switch (policy_seg(p, n)) {
		case POLSEG_GLOBSTAR:
			sn->next[i] = sn->nodes[nd].glob;
			sn->nodes[nd].glob = i;
			return 0;
		case POLSEG_STAR:
			if ((c = literal(sn, nd, NULL, NONE)) == NONE)
				return -1;
			break;
		default:
			if ((c = literal(sn, nd, p, n)) == NONE)
				return -1;
			break;
		}
		nd = c;
		if (p[n] == '\0') {
			sn->next[i] = sn->nodes[nd].end;
			sn->nodes[nd].end = i;
			return 0;
		}
	}
}

/* Rules by id. */
static int
rule_cmp(const void *a, const void *b)
{
	const struct snap_rule	*x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * After the last snap_add_*(): point each resource at its rules (in
 * id order) and build the trie.  Returns 0 or -1 (out of memory);
 * after -1 only snap_free() may follow.
 */
int
snap_finish(struct snapshot *sn)
{
	struct snap_res	*r;
	size_t		 i, k, j;

	if (sn->done)
		return -1;
	sn->done = 1;
	for (i = k = 0; i < sn->nres; k += r->nrules, i++) {
		r = &sn->res[i];
		r->first = (uint32_t)k;
		for (j = 1; j < r->nrules; j++)
			if (sn->rules[k + j - 1].id > sn->rules[k + j].id)
				break;
		if (j < r->nrules)
			qsort(sn->rules + k, r->nrules, sizeof(*sn->rules),
			    rule_cmp);
	}
	free(sn->itab);
	sn->itab = NULL;
	sn->nitab = sn->ninterned = 0;
	free(sn->gtab);
	sn->gtab = NULL;
	sn->ngtab = sn->ngranted = 0;

	if ((sn->next = calloc(sn->nres + 1, sizeof(*sn->next))) == NULL ||
	    node_add(sn, NONE, NULL, 0) != NODE_ANY ||
	    node_add(sn, NONE, NULL, 0) != NODE_HOSTS)
		return -1;
	for (i = 0; i < sn->nres; i++)
		if (trie_add(sn, (uint32_t)i) == -1)
			return -1;
	return 0;
}

/* Offer every resource on the list from i to the pick. */
static void
offer(struct pick *pk, uint32_t i)
{
	const struct snap_res	*r;

	for (; i != NONE; i = pk->sn->next[i]) {
		r = &pk->sn->res[i];
		if (policy_better(r->pattern, *r->host != '\0',
		    pk->best == NULL ? NULL : pk->best->pattern,
		    pk->best != NULL && *pk->best->host != '\0', pk->path))
			pk->best = r;
	}
}

/*
 * Offer what the node below the consumed part of the path holds; p
 * is the next segment of the path, or NULL when none is left.
 */
static void
walk(struct pick *pk, uint32_t nd, const char *p)
{
	const struct node	*n = &pk->sn->nodes[nd];
	const char		*next;
	size_t			 len;
	uint32_t		 c;

	offer(pk, n->glob);		/* STARSTAR: zero or more left */
	if (p == NULL) {
		offer(pk, n->end);
		return;
	}
	len = strcspn(p, "/");
	next = p[len] == '/' ? p + len + 1 : NULL;
	if ((c = child(pk->sn, nd, p, len)) != NONE)
		walk(pk, c, next);
	if (len > 0 && (c = child(pk->sn, nd, NULL, NONE)) != NONE)
		walk(pk, c, next);		/* STAR: one non-empty segment */
}

/*
 * The most specific resource for the canonical path on host ("" or
 * NULL: the request named none), as policy_cmp() orders them: the
 * any-host ones and those bound to host.  Returns it, or NULL if no
 * resource matches.
 */
const struct snap_res *
snap_resource(const struct snapshot *sn, const char *host, const char *path)
{
	struct pick	 pk;
	uint32_t	 root;

	if (!sn->done || sn->nnodes == 0 || path == NULL || path[0] != '/')
		return NULL;
	pk.sn = sn;
	pk.path = path;
	pk.best = NULL;
	walk(&pk, NODE_ANY, path + 1);
	if (host != NULL && *host != '\0' &&
	    (root = child(sn, NODE_HOSTS, host, strlen(host))) != NONE)
		walk(&pk, root, path + 1);
	return pk.best;
}

/*
 * The resource with exactly pattern and host ("" for any host), or
 * NULL: for `portcullis check`, which names what the deciding
 * resource grants.  A linear search: not for the request path.
 */
const struct snap_res *
snap_resource_named(const struct snapshot *sn, const char *pattern,
    const char *host)
{
	size_t	 i;

	if (!sn->done)
		return NULL;
	for (i = 0; i < sn->nres; i++)
		if (strcmp(sn->res[i].pattern, pattern) == 0 &&
		    strcmp(sn->res[i].host, host) == 0)
			return &sn->res[i];
	return NULL;
}

/* The rules of r (r->nrules of them, in id order). */
const struct snap_rule *
snap_rules(const struct snapshot *sn, const struct snap_res *r)
{
	return sn->rules + r->first;
}

/* How many resources and rules the snapshot holds (for tests). */
void
snap_counts(const struct snapshot *sn, size_t *nres, size_t *nrules)
{
	*nres = sn->nres;
	*nrules = sn->nrules;
}

/*
 * Named networks (sql/0009-networks.sql).  A row (name, cidr) of the
 * networks table, parsed by net.c (a row that does not parse makes
 * its network match nothing).  Returns 0, or -1 out of memory or
 * after snap_finish().
 */
int
snap_add_network(struct snapshot *sn, const char *name, const char *cidr)
{
	if (sn->done || (sn->nets == NULL && (sn->nets = net_new()) == NULL))
		return -1;
	return net_add(sn->nets, name, cidr);
}

/*
 * The rule added last applies only to clients in network (its
 * rules.network; NULL: anywhere).  Returns 0, or -1 (no rule yet, out
 * of memory, or after snap_finish()).
 */
int
snap_rule_network(struct snapshot *sn, const char *network)
{
	const char	*p = NULL;

	if (sn->done || sn->nrules == 0 ||
	    (network != NULL && (p = str_intern(sn, network)) == NULL))
		return -1;
	sn->rules[sn->nrules - 1].network = p;
	return 0;
}

/* The named networks, for net_contains(); NULL (none) is a valid set. */
const struct netset *
snap_networks(const struct snapshot *sn)
{
	return sn->nets;
}

/*
 * The role hierarchy (roles.c, after roles_finish()), which the
 * snapshot owns from now on; NULL: none (no role_includes rows).
 */
void
snap_set_roles(struct snapshot *sn, struct roles *rg)
{
	roles_free(sn->roles);
	sn->roles = rg;
}

/* The role hierarchy, or NULL when no role includes another. */
const struct roles *
snap_roles(const struct snapshot *sn)
{
	return sn->roles;
}
