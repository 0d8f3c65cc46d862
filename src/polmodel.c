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
#define ROWS(T, arr)	sizeof(struct T), offsetof(struct T, line), \
			offsetof(struct policy, arr), \
			offsetof(struct policy, n##arr)

/*
 * users.hash is read from the database for lint only and is never
 * part of the file: it comes after the file's columns.
 */
const struct pol_table pol_tables[POL__MAX] = {
	{ "settings", {
		COL(pol_setting, name, POLK_TEXT),
		COL(pol_setting, value, POLK_TEXT) },
	  2, 2, 1, ROWS(pol_setting, settings) },
	{ "users", {
		COL(pol_user, name, POLK_TEXT),
		COL(pol_user, disabled, POLK_BOOL),
		COL(pol_user, expires, POLK_NTEXT),
		COL(pol_user, hash, POLK_NTEXT) },
	  4, 3, 0, ROWS(pol_user, users) },
	{ "roles", {
		COL(pol_role, name, POLK_TEXT),
		COL(pol_role, comment, POLK_TEXT) },
	  2, 2, 0, ROWS(pol_role, roles) },
	{ "members", {
		COL(pol_member, user, POLK_TEXT),
		COL(pol_member, role, POLK_TEXT) },
	  2, 2, 0, ROWS(pol_member, members) },
	{ "resources", {
		COL(pol_resource, pattern, POLK_TEXT),
		COL(pol_resource, host, POLK_NTEXT),
		COL(pol_resource, comment, POLK_TEXT) },
	  3, 3, 0, ROWS(pol_resource, resources) },
	{ "rules", {
		COL(pol_rule, id, POLK_ID),
		COL(pol_rule, pattern, POLK_TEXT),
		COL(pol_rule, host, POLK_NTEXT),
		COL(pol_rule, methods, POLK_TEXT),
		COL(pol_rule, principal, POLK_TEXT),
		COL(pol_rule, comment, POLK_TEXT) },
	  6, 6, 0, ROWS(pol_rule, rules) },
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

struct pol_setting *
pol_add_setting(struct policy *pol)
{
	return pol_add(pol, POL_SETTINGS);
}

struct pol_user *
pol_add_user(struct policy *pol)
{
	return pol_add(pol, POL_USERS);
}

struct pol_role *
pol_add_role(struct policy *pol)
{
	return pol_add(pol, POL_ROLES);
}

struct pol_member *
pol_add_member(struct policy *pol)
{
	return pol_add(pol, POL_MEMBERS);
}

struct pol_resource *
pol_add_resource(struct policy *pol)
{
	return pol_add(pol, POL_RESOURCES);
}

struct pol_rule *
pol_add_rule(struct policy *pol)
{
	return pol_add(pol, POL_RULES);
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
