/*
 * polmodel.c: a whole policy in memory (struct policy, admin.h) and
 * the one description of its tables, pol_tables[]: each table's
 * columns with their kinds and places, in the order in which the
 * policy file (policyfile.c) and the database's SELECTs (admstore.c)
 * give them.  No I/O here.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define COL(T, f, k)	{ #f, (k), offsetof(struct T, f) }
#define ROWS(T, arr)	.rowsz = sizeof(struct T), \
			.lineoff = offsetof(struct T, line), \
			.arroff = offsetof(struct policy, arr), \
			.noff = offsetof(struct policy, n##arr)

/*
 * Per table: its name, its columns (name, kind, offset), how many the
 * database gives (ncols), how many of those the file holds (nfile),
 * how many make the key (nkey), and where its rows live.  users.hash
 * is read from the database for lint only and is never part of the
 * file: it comes after the file's columns.
 */
const struct pol_table pol_tables[POL__MAX] = {
	[POL_SETTINGS] = { "settings", {
		COL(pol_setting, name, POLK_TEXT),
		COL(pol_setting, value, POLK_TEXT) },
	  .ncols = 2, .nfile = 2, .nkey = 1, .jsonmap = 1,
	  ROWS(pol_setting, settings) },
	[POL_USERS] = { "users", {
		COL(pol_user, name, POLK_TEXT),
		COL(pol_user, disabled, POLK_BOOL),
		COL(pol_user, expires, POLK_NTEXT),
		COL(pol_user, hash, POLK_NTEXT) },
	  .ncols = 4, .nfile = 3, .nkey = 1, ROWS(pol_user, users) },
	[POL_ROLES] = { "roles", {
		COL(pol_role, name, POLK_TEXT),
		COL(pol_role, comment, POLK_TEXT) },
	  .ncols = 2, .nfile = 2, .nkey = 1, ROWS(pol_role, roles) },
	[POL_MEMBERS] = { "members", {
		COL(pol_member, user, POLK_TEXT),
		COL(pol_member, role, POLK_TEXT) },
	  .ncols = 2, .nfile = 2, .nkey = 2, ROWS(pol_member, members) },
	[POL_RESOURCES] = { "resources", {
		COL(pol_resource, pattern, POLK_TEXT),
		COL(pol_resource, host, POLK_NTEXT),
		COL(pol_resource, comment, POLK_TEXT) },
	  .ncols = 3, .nfile = 3, .nkey = 2, ROWS(pol_resource, resources) },
	/* sql/0009-networks.sql: one row per range of a network. */
	[POL_NETWORKS] = { "networks", {
		COL(pol_network, name, POLK_TEXT),
		COL(pol_network, cidr, POLK_TEXT) },
	  .ncols = 2, .nfile = 2, .nkey = 2, ROWS(pol_network, networks) },
	[POL_RULES] = { "rules", {
		COL(pol_rule, id, POLK_ID),
		COL(pol_rule, pattern, POLK_TEXT),
		COL(pol_rule, host, POLK_NTEXT),
		COL(pol_rule, methods, POLK_TEXT),
		COL(pol_rule, principal, POLK_TEXT),
		COL(pol_rule, comment, POLK_TEXT),
		COL(pol_rule, network, POLK_NTEXT) },
	  .ncols = 7, .nfile = 7, .nkey = 1, ROWS(pol_rule, rules) },
	/* Identity data like members, and no secret: exported. */
	[POL_CERTS] = { "certificates", {
		COL(pol_cert, fingerprint, POLK_NTEXT),
		COL(pol_cert, subject, POLK_NTEXT),
		COL(pol_cert, issuer, POLK_NTEXT),
		COL(pol_cert, user, POLK_TEXT),
		COL(pol_cert, comment, POLK_TEXT) },
	  .ncols = 5, .nfile = 5, .nkey = 3, ROWS(pol_cert, certs) },
	[POL_INCLUDES] = { "role_includes", {
		COL(pol_include, role, POLK_TEXT),
		COL(pol_include, includes, POLK_TEXT) },
	  .ncols = 2, .nfile = 2, .nkey = 2,
	  ROWS(pol_include, includes) },
};

/* The array of table t in pol and its count. */
#define ARR(pol, t)	((void **)(void *)((char *)(pol) + \
			    pol_tables[(t)].arroff))
#define NROWS(pol, t)	((size_t *)(void *)((char *)(pol) + \
			    pol_tables[(t)].noff))

/*
 * Make room for one more row at the end of table t of pol: the
 * capacity is 4, then the next power of two, so no field keeps it.
 * Return the new row, zeroed, counted; or NULL out of memory.
 */
void *
pol_add(struct policy *pol, enum pol_tab t)
{
	void	**pp = ARR(pol, t);
	size_t	 *n = NROWS(pol, t), sz = pol_tables[t].rowsz, cap;
	void	 *p;

	if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
		cap = *n == 0 ? 4 : *n * 2;
		if ((p = reallocarray(*pp, cap, sz)) == NULL)
			return NULL;
		*pp = p;
	}
	p = (char *)*pp + *n * sz;
	memset(p, 0, sz);
	(*n)++;
	return p;
}

/* The number of rows of table t. */
size_t
pol_nrows(const struct policy *pol, enum pol_tab t)
{
	size_t	 n;

	memcpy(&n, (const char *)pol + pol_tables[t].noff, sizeof(n));
	return n;
}

/* Row i (< pol_nrows()) of table t. */
const void *
pol_row(const struct policy *pol, enum pol_tab t, size_t i)
{
	const char	*arr;

	memcpy(&arr, (const char *)pol + pol_tables[t].arroff, sizeof(arr));
	return arr + i * pol_tables[t].rowsz;
}

/* pol_add() under the name and type of each table. */
#define POL_ADDER(T, t)							\
struct pol_##T *							\
pol_add_##T(struct policy *pol)						\
{									\
	return pol_add(pol, (t));					\
}
POL_ADDER(setting, POL_SETTINGS)
POL_ADDER(user, POL_USERS)
POL_ADDER(role, POL_ROLES)
POL_ADDER(member, POL_MEMBERS)
POL_ADDER(resource, POL_RESOURCES)
POL_ADDER(rule, POL_RULES)
POL_ADDER(network, POL_NETWORKS)
POL_ADDER(cert, POL_CERTS)
POL_ADDER(include, POL_INCLUDES)

/* Compare column c of rows a and b: bytewise, a NULL first; by value. */
static int
col_cmp(const struct pol_col *c, const void *a, const void *b)
{
	const char	*x, *y;
	int64_t		 i, k;

	switch (c->kind) {
	case POLK_ID:
		i = *POL_CFIELD(int64_t, a, c);
		k = *POL_CFIELD(int64_t, b, c);
		return (i > k) - (i < k);
	case POLK_BOOL:
		return *POL_CFIELD(int, a, c) - *POL_CFIELD(int, b, c);
	default:
		x = *POL_CFIELD(char *, a, c);
		y = *POL_CFIELD(char *, b, c);
		if (x == NULL || y == NULL)
			return (x != NULL) - (y != NULL);
		return strcmp(x, y);
	}
}

/*
 * Compare rows a and b of table t by their keys: the export's order,
 * and that of admstore.c's SELECTs (BINARY collation).  Return <0, 0
 * or >0.
 */
int
pol_cmp(enum pol_tab t, const void *a, const void *b)
{
	size_t	 j;
	int	 d = 0;

	for (j = 0; j < pol_tables[t].nkey && d == 0; j++)
		d = col_cmp(&pol_tables[t].cols[j], a, b);
	return d;
}

/*
 * Whether rows a and b of table t say the same besides their keys: in
 * every other column of the file (users.hash aside).
 */
int
pol_same(enum pol_tab t, const void *a, const void *b)
{
	size_t	 j;

	for (j = pol_tables[t].nkey; j < pol_tables[t].nfile; j++)
		if (col_cmp(&pol_tables[t].cols[j], a, b) != 0)
			return 0;
	return 1;
}

/* pol_cmp() of each table, as qsort(3) and bsearch(3) call it. */
#define POL_CMP(T, t)							\
static int								\
T##_cmp(const void *a, const void *b)					\
{									\
	return pol_cmp((t), a, b);					\
}
POL_CMP(setting, POL_SETTINGS)
POL_CMP(user, POL_USERS)
POL_CMP(role, POL_ROLES)
POL_CMP(member, POL_MEMBERS)
POL_CMP(resource, POL_RESOURCES)
POL_CMP(rule, POL_RULES)
POL_CMP(network, POL_NETWORKS)
POL_CMP(cert, POL_CERTS)
POL_CMP(include, POL_INCLUDES)

static int (*const cmps[POL__MAX])(const void *, const void *) = {
	[POL_SETTINGS] = setting_cmp,
	[POL_USERS] = user_cmp,
	[POL_ROLES] = role_cmp,
	[POL_MEMBERS] = member_cmp,
	[POL_RESOURCES] = resource_cmp,
	[POL_NETWORKS] = network_cmp,
	[POL_RULES] = rule_cmp,
	[POL_CERTS] = cert_cmp,
	[POL_INCLUDES] = include_cmp,
};

/* Sort the rows of table t by key (pol_cmp()). */
void
pol_sort(struct policy *pol, enum pol_tab t)
{
	if (*NROWS(pol, t) > 0)
		qsort(*ARR(pol, t), *NROWS(pol, t), pol_tables[t].rowsz,
		    cmps[t]);
}

/*
 * The row of table t whose key is key's (a row of that table), in
 * rows sorted by pol_sort() or read from the database; or NULL.
 */
const void *
pol_find(const struct policy *pol, enum pol_tab t, const void *key)
{
	size_t	 n = pol_nrows(pol, t);

	if (n == 0)
		return NULL;
	return bsearch(key, pol_row(pol, t, 0), n, pol_tables[t].rowsz,
	    cmps[t]);
}

/*
 * Free every string and array of pol and zero it.  Strings are wiped
 * first: users.hash is one.
 */
void
pol_free(struct policy *pol)
{
	const struct pol_table	*tab;
	char			*row, **s;
	size_t			 t, i, j;

	for (t = 0; t < POL__MAX; t++) {
		tab = &pol_tables[t];
		for (i = 0; i < *NROWS(pol, t); i++) {
			row = (char *)*ARR(pol, t) + i * tab->rowsz;
			for (j = 0; j < tab->ncols; j++) {
				if (tab->cols[j].kind != POLK_TEXT &&
				    tab->cols[j].kind != POLK_NTEXT)
					continue;
				s = POL_FIELD(char *, row, &tab->cols[j]);
				if (*s != NULL)
					explicit_bzero(*s, strlen(*s));
				free(*s);
			}
		}
		free(*ARR(pol, t));
	}
	memset(pol, 0, sizeof(*pol));
}
