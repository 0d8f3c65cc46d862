/*
 * roles.c: the role hierarchy of one policy (sql/0010-roles.sql),
 * compiled once per snapshot, without any I/O.
 *
 * store.c hands every role_includes row to roles_add() as it builds a
 * snapshot; roles_finish() numbers the roles named there (in byte
 * order), refuses a cycle (the schema's triggers refuse them, but a
 * shell can drop triggers) and more than ROLES_GRAPH_MAX roles or
 * ROLES_EDGES_MAX rows, and computes the closure: per role, the set
 * of roles it includes, itself among them, as a bit row.  A request
 * then costs a bit test per role it holds directly, never a walk.
 *
 * The closure is built sinks first (Kahn's algorithm on the reversed
 * graph): a role's row is its own bit or-ed with the finished rows of
 * the roles it includes, each row once.  What Kahn cannot order is a
 * cycle; the walk along unordered roles names one.
 *
 * Role lists are what store.c's statements give: names joined by ","
 * in byte order (role names hold no ",": the schema allows only
 * A-Z a-z 0-9 . _ -).  roles_expand() turns a list of roles held
 * directly into the list of roles held, in the same form.
 *
 * Ownership: roles_new() returns an object the caller frees with
 * roles_free() (a snapshot takes it over: snap_set_roles()); after
 * roles_finish() it is read-only.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define NOROLE		SIZE_MAX
#define WORDS_MAX	((ROLES_GRAPH_MAX + 63) / 64)

struct roles {
	char		**edge;		/* 2 per row: role, includes; owned */
	size_t		 nedges;
	size_t		 capedges;	/* in rows */
	int		 toomany;	/* more than ROLES_EDGES_MAX rows */
	const char	**names;	/* node i, in byte order, into edge */
	size_t		 n;
	uint32_t	*out;		/* CSR of the rows: first[i].. */
	uint32_t	*outfirst;	/* n + 1 */
	uint32_t	*in;		/* ... and of the reversed rows */
	uint32_t	*infirst;
	uint64_t	*bits;		/* n rows of words words */
	size_t		 words;
	int		 done;
};

struct roles *
roles_new(void)
{
	return calloc(1, sizeof(struct roles));
}

void
roles_free(struct roles *rg)
{
	size_t	 i;

	if (rg == NULL)
		return;
	for (i = 0; i < 2 * rg->nedges; i++)
		free(rg->edge[i]);
	free(rg->edge);
	free(rg->names);
	free(rg->out);
	free(rg->outfirst);
	free(rg->in);
	free(rg->infirst);
	free(rg->bits);
	free(rg);
}

/*
 * Add the row (role, includes), copied.  More than ROLES_EDGES_MAX
 * rows are not kept: roles_finish() then fails.  Returns 0, or -1
 * (out of memory, or after roles_finish()).
 */
int
roles_add(struct roles *rg, const char *role, const char *includes)
{
	char	**ne;
	size_t	 cap;

	if (rg->done || role == NULL || includes == NULL)
		return -1;
	if (rg->nedges >= ROLES_EDGES_MAX) {
		rg->toomany = 1;
		return 0;
	}
	if (rg->nedges == rg->capedges) {
		cap = rg->capedges == 0 ? 16 : rg->capedges * 2;
		if ((ne = reallocarray(rg->edge, cap, 2 * sizeof(*ne))) ==
		    NULL)
			return -1;
		rg->edge = ne;
		rg->capedges = cap;
	}
	if ((rg->edge[2 * rg->nedges] = strdup(role)) == NULL)
		return -1;
	if ((rg->edge[2 * rg->nedges + 1] = strdup(includes)) == NULL) {
		free(rg->edge[2 * rg->nedges]);
		return -1;
	}
	rg->nedges++;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Compare p[0..n) with the string s as strcmp() would. */
static int
span_cmp(const char *p, size_t n, const char *s)
{
	int	 d;

	if ((d = strncmp(p, s, n)) != 0)
		return d;
	return s[n] == '\0' ? 0 : -1;
}

/* The node of p[0..n), or NOROLE. */
static size_t
node_of(const struct roles *rg, const char *p, size_t n)
{
	size_t	 lo = 0, hi = rg->n, mid;
	int	 d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((d = span_cmp(p, n, rg->names[mid])) == 0)
			return mid;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NOROLE;
}

/* The nodes: every name of a row, sorted, once.  0 or -1. */
static int
nodes_make(struct roles *rg)
{
	size_t	 i, k;

	if ((rg->names = calloc(2 * rg->nedges + 1, sizeof(*rg->names))) ==
	    NULL)
		return -1;
	for (i = 0; i < 2 * rg->nedges; i++)
		rg->names[i] = rg->edge[i];
	qsort(rg->names, 2 * rg->nedges, sizeof(*rg->names), name_cmp);
	for (i = k = 0; i < 2 * rg->nedges; i++)
		if (k == 0 || strcmp(rg->names[k - 1], rg->names[i]) != 0)
			rg->names[k++] = rg->names[i];
	rg->n = k;
	return 0;
}

/*
 * One CSR: for each row (edge[2e + side], edge[2e + 1 - side]), the
 * second node listed under the first, each list in node order (so
 * that walks, and the chains they name, do not depend on row order).
 * Returns 0, or -1 out of memory.
 */
static int
csr_make(struct roles *rg, int side, uint32_t **listp, uint32_t **firstp)
{
	uint32_t	*list, *first, *fill, t;
	size_t		 e, j, k, a, b;

	first = calloc(rg->n + 1, sizeof(*first));
	list = calloc(rg->nedges + 1, sizeof(*list));
	fill = calloc(rg->n + 1, sizeof(*fill));
	*firstp = first;
	*listp = list;
	if (first == NULL || list == NULL || fill == NULL) {
		free(fill);
		return -1;
	}
	for (e = 0; e < rg->nedges; e++) {
		a = node_of(rg, rg->edge[2 * e + side],
		    strlen(rg->edge[2 * e + side]));
		first[a + 1]++;
	}
	for (j = 0; j < rg->n; j++)
		first[j + 1] += first[j];
	for (e = 0; e < rg->nedges; e++) {
		a = node_of(rg, rg->edge[2 * e + side],
		    strlen(rg->edge[2 * e + side]));
		b = node_of(rg, rg->edge[2 * e + 1 - side],
		    strlen(rg->edge[2 * e + 1 - side]));
		list[first[a] + fill[a]++] = (uint32_t)b;
	}
	/* Insertion sort: the lists are short. */
	for (j = 0; j < rg->n; j++)
		for (e = first[j] + 1; e < first[j + 1]; e++)
			for (k = e; k > first[j] && list[k - 1] > list[k];
			    k--) {
				t = list[k];
				list[k] = list[k - 1];
				list[k - 1] = t;
			}
	free(fill);
	return 0;
}

/*
 * The message of a cycle among the nodes that Kahn's algorithm left
 * (left[i] != 0: i still includes an unordered role): "a > b > a".
 */
static void
cycle_msg(const struct roles *rg, const uint32_t *left, char *err,
    size_t errsz)
{
	uint32_t	*seen;
	size_t		 u, v, e, len, steps;

	if ((seen = calloc(rg->n, sizeof(*seen))) == NULL) {
		(void)snprintf(err, errsz, "role hierarchy: a cycle");
		return;
	}
	for (u = 0; u < rg->n && left[u] == 0; u++)
		continue;
	/* Walk unordered roles until one comes again: seen[] = step + 1. */
	for (steps = 1; u < rg->n && seen[u] == 0; steps++) {
		seen[u] = (uint32_t)steps;
		for (v = NOROLE, e = rg->outfirst[u];
		    e < rg->outfirst[u + 1]; e++)
			if (left[rg->out[e]] != 0) {
				v = rg->out[e];
				break;
			}
		u = v;
	}
	len = (size_t)snprintf(err, errsz, "role hierarchy: a cycle: ");
	if (u >= rg->n) {
		free(seen);
		return;
	}
	/* Again from the first repeated role, around once. */
	for (v = u; len < errsz; ) {
		len += (size_t)snprintf(err + len, errsz - len, "%s > ",
		    rg->names[v]);
		for (e = rg->outfirst[v]; e < rg->outfirst[v + 1]; e++)
			if (left[rg->out[e]] != 0) {
				v = rg->out[e];
				break;
			}
		if (v == u)
			break;
	}
	if (len < errsz)
		(void)snprintf(err + len, errsz - len, "%s", rg->names[u]);
	free(seen);
}

/*
 * The closure, sinks first: a role is done when every role it
 * includes is.  Returns 0, or -1 with err naming a cycle.
 */
static int
closure_make(struct roles *rg, char *err, size_t errsz)
{
	uint32_t	*left, *queue;
	uint64_t	*row;
	size_t		 i, e, k, head = 0, tail = 0, w;
	int		 ret = -1;

	rg->words = (rg->n + 63) / 64;
	if ((rg->bits = calloc(rg->n * rg->words + 1, sizeof(*rg->bits))) ==
	    NULL)
		return -1;
	left = calloc(rg->n + 1, sizeof(*left));
	queue = calloc(rg->n + 1, sizeof(*queue));
	if (left == NULL || queue == NULL) {
		(void)snprintf(err, errsz, "role hierarchy: out of memory");
		goto out;
	}
	for (i = 0; i < rg->n; i++)
		if ((left[i] = rg->outfirst[i + 1] - rg->outfirst[i]) == 0)
			queue[tail++] = (uint32_t)i;
	while (head < tail) {
		i = queue[head++];
		row = rg->bits + i * rg->words;
		row[i / 64] |= (uint64_t)1 << (i % 64);
		for (e = rg->outfirst[i]; e < rg->outfirst[i + 1]; e++)
			for (k = rg->out[e], w = 0; w < rg->words; w++)
				row[w] |= rg->bits[k * rg->words + w];
		for (e = rg->infirst[i]; e < rg->infirst[i + 1]; e++)
			if (--left[rg->in[e]] == 0)
				queue[tail++] = rg->in[e];
	}
	if (tail < rg->n)
		cycle_msg(rg, left, err, errsz);
	else
		ret = 0;
out:
	free(left);
	free(queue);
	return ret;
}

/*
 * After the last roles_add(): number the roles and compute what each
 * includes.  Returns 0, or -1 with a message in err: more than
 * ROLES_EDGES_MAX rows or ROLES_GRAPH_MAX roles, a cycle ("role
 * hierarchy: a cycle: a > b > a"), out of memory.  After -1 only
 * roles_free() may follow.
 */
int
roles_finish(struct roles *rg, char *err, size_t errsz)
{
	if (rg->done) {
		(void)snprintf(err, errsz, "role hierarchy: built twice");
		return -1;
	}
	rg->done = 1;
	if (rg->toomany) {
		(void)snprintf(err, errsz, "role hierarchy: more than %d "
		    "role_includes rows", ROLES_EDGES_MAX);
		return -1;
	}
	if (nodes_make(rg) == -1 || csr_make(rg, 0, &rg->out,
	    &rg->outfirst) == -1 || csr_make(rg, 1, &rg->in,
	    &rg->infirst) == -1) {
		(void)snprintf(err, errsz, "role hierarchy: out of memory");
		return -1;
	}
	if (rg->n > ROLES_GRAPH_MAX) {
		(void)snprintf(err, errsz, "role hierarchy: more than %d "
		    "roles in role_includes", ROLES_GRAPH_MAX);
		return -1;
	}
	if (closure_make(rg, err, errsz) == -1) {
		if (*err == '\0')
			(void)snprintf(err, errsz, "role hierarchy: out of "
			    "memory");
		return -1;
	}
	return 0;
}

/* How many roles the rows name (for tests). */
size_t
roles_count(const struct roles *rg)
{
	return rg == NULL ? 0 : rg->n;
}

/*
 * Whether holding role means holding other: the same role, or one it
 * includes, directly or through others.  rg may be NULL (no
 * hierarchy).  Returns 1 or 0.
 */
int
roles_holds(const struct roles *rg, const char *role, const char *other)
{
	size_t	 a, b;

	if (strcmp(role, other) == 0)
		return 1;
	if (rg == NULL || !rg->done ||
	    (a = node_of(rg, role, strlen(role))) == NOROLE ||
	    (b = node_of(rg, other, strlen(other))) == NOROLE)
		return 0;
	return (rg->bits[a * rg->words + b / 64] >> (b % 64)) & 1;
}

/*
 * Whether the ","-joined list holds role.  Returns 1 or 0.
 */
int
roles_list_has(const char *list, const char *role)
{
	size_t	 n;

	for (; *list != '\0'; list += n + (list[n] == ',')) {
		n = strcspn(list, ",");
		if (span_cmp(list, n, role) == 0)
			return 1;
	}
	return 0;
}

/*
 * A ","-joined list being written into buf: each name appended once
 * (a name equal to the last one is not).
 */
struct listw {
	char		*buf;
	size_t		 bufsz;
	size_t		 len;
	const char	*last;
	size_t		 lastn;
};

/* Append p[0..n) unless it is the last name.  0, or -1 if full. */
static int
list_put(struct listw *lw, const char *p, size_t n)
{
	if (lw->last != NULL && lw->lastn == n && memcmp(lw->last, p, n) == 0)
		return 0;
	if (lw->len + (lw->len > 0) + n + 1 > lw->bufsz)
		return -1;
	if (lw->len > 0)
		lw->buf[lw->len++] = ',';
	memcpy(lw->buf + lw->len, p, n);
	lw->len += n;
	lw->buf[lw->len] = '\0';
	lw->last = p;
	lw->lastn = n;
	return 0;
}

/* The next role of list *p that rg does not know, into *x and *xn. */
static int
next_extra(const struct roles *rg, const char **p, const char **x,
    size_t *xn)
{
	size_t	 n;

	for (; **p != '\0'; *p += n + ((*p)[n] == ',')) {
		n = strcspn(*p, ",");
		if (rg == NULL || node_of(rg, *p, n) == NOROLE) {
			*x = *p;
			*xn = n;
			*p += n + ((*p)[n] == ',');
			return 1;
		}
	}
	return 0;
}

/*
 * The roles held by one who holds those of direct (","-joined, in
 * byte order, as store.c gives them): each, and all each includes,
 * in byte order, once each, ","-joined into buf.  rg may be NULL (no
 * hierarchy: a copy).  buf may not be direct.  Returns 0, or -1 if
 * the list does not fit bufsz.
 */
int
roles_expand(const struct roles *rg, const char *direct, char *buf,
    size_t bufsz)
{
	struct listw	 lw;
	uint64_t	 acc[WORDS_MAX];
	const char	*p, *x;
	size_t		 n, xn, k, w, i = 0;
	int		 more;

	if (bufsz == 0)
		return -1;
	memset(&lw, 0, sizeof(lw));
	lw.buf = buf;
	lw.bufsz = bufsz;
	buf[0] = '\0';
	if (rg != NULL && !rg->done)
		rg = NULL;
	memset(acc, 0, sizeof(acc));
	for (p = direct; rg != NULL && *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if ((k = node_of(rg, p, n)) != NOROLE)
			for (w = 0; w < rg->words; w++)
				acc[w] |= rg->bits[k * rg->words + w];
	}
	/*
	 * Merge the roles of the hierarchy (set bits, in node order,
	 * which is byte order) with the direct ones it does not know.
	 */
	for (p = direct; ; ) {
		x = NULL;
		xn = 0;
		more = next_extra(rg, &p, &x, &xn);
		for (; rg != NULL && i < rg->n; i++) {
			if (!((acc[i / 64] >> (i % 64)) & 1))
				continue;
			if (more && span_cmp(x, xn, rg->names[i]) < 0)
				break;
			if (list_put(&lw, rg->names[i],
			    strlen(rg->names[i])) == -1)
				return -1;
		}
		if (!more)
			return 0;
		if (list_put(&lw, x, xn) == -1)
			return -1;
	}
}

/*
 * The roles of both ","-joined lists a and b (each in byte order),
 * in byte order, into buf.  buf may not be a or b.  Returns 0, or -1
 * if they do not fit.
 */
int
roles_list_and(const char *a, const char *b, char *buf, size_t bufsz)
{
	struct listw	 lw;
	size_t		 an, bn;
	int		 d;

	if (bufsz == 0)
		return -1;
	memset(&lw, 0, sizeof(lw));
	lw.buf = buf;
	lw.bufsz = bufsz;
	buf[0] = '\0';
	while (*a != '\0' && *b != '\0') {
		an = strcspn(a, ",");
		bn = strcspn(b, ",");
		d = strncmp(a, b, an < bn ? an : bn);
		if (d == 0)
			d = an < bn ? -1 : an > bn;
		if (d == 0 && list_put(&lw, a, an) == -1)
			return -1;
		if (d <= 0)
			a += an + (a[an] == ',');
		if (d >= 0)
			b += bn + (b[bn] == ',');
	}
	return 0;
}

/*
 * The shortest chain by which holding from means holding to, as
 * "from > x > to" (the first in byte order of the shortest), into
 * buf; "from" alone when they are the same.  Returns 1, 0 if from
 * does not include to, or -1 (it does not fit, out of memory).  For
 * `portcullis check` and the administrator's commands, not for a
 * request.
 */
int
roles_path(const struct roles *rg, const char *from, const char *to,
    char *buf, size_t bufsz)
{
	uint32_t	*prev, *queue, *chain;
	size_t		 a, b, u, e, head = 0, tail = 0, n, len = 0;
	int		 ret = -1;

	if (strcmp(from, to) == 0)
		return (size_t)snprintf(buf, bufsz, "%s", from) < bufsz ?
		    1 : -1;
	if (!roles_holds(rg, from, to))
		return 0;
	a = node_of(rg, from, strlen(from));
	b = node_of(rg, to, strlen(to));
	prev = calloc(rg->n, sizeof(*prev));
	queue = calloc(rg->n, sizeof(*queue));
	chain = calloc(rg->n, sizeof(*chain));
	if (prev == NULL || queue == NULL || chain == NULL)
		goto out;
	/* prev[] = the node before + 1; 0 not reached. */
	prev[a] = (uint32_t)a + 1;
	queue[tail++] = (uint32_t)a;
	while (head < tail && prev[b] == 0) {
		u = queue[head++];
		for (e = rg->outfirst[u]; e < rg->outfirst[u + 1]; e++)
			if (prev[rg->out[e]] == 0) {
				prev[rg->out[e]] = (uint32_t)u + 1;
				queue[tail++] = rg->out[e];
			}
	}
	for (n = 0, u = b; ; u = prev[u] - 1) {
		chain[n++] = (uint32_t)u;
		if (u == a)
			break;
	}
	buf[0] = '\0';
	while (n > 0) {
		u = chain[--n];
		if ((size_t)snprintf(buf + len, bufsz - len, "%s%s",
		    len > 0 ? " > " : "", rg->names[u]) >= bufsz - len)
			goto out;
		len = strlen(buf);
	}
	ret = 1;
out:
	free(prev);
	free(queue);
	free(chain);
	return ret;
}
