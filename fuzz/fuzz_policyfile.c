/*
 * fuzz_policyfile.c: polfile_read() (src/policyfile.c) over a policy
 * file, what `portcullis export --format sql` writes and `import
 * policy` reads.  Properties:
 *  - a refusal has a message and names a line of the file: 1 up to
 *    the line the end of the file is on (one more than its newlines);
 *  - every row read names such a line, rows of a table in file order,
 *    and every user name satisfies name_valid();
 *  - an accepted file written back with the sql writer reads again
 *    as the same policy, row by row, and writing that gives the same
 *    bytes again (the writer's output is a fixed point).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "extern.h"
#include "admin.h"
#include "fuzz.h"

/* The policy written as sql: a string the caller frees, its length. */
static char *
written(const struct policy *pol, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;

	*len = 0;
	if ((fp = open_memstream(&buf, len)) == NULL)
		abort();
	polfile_write(fp, pol, POLFMT_SQL);
	if (fclose(fp) != 0)
		abort();
	return buf;
}

/* Every row of pol: its line within 1..maxline, in order per table. */
static void
check_rows(const struct policy *pol, size_t maxline)
{
	const struct pol_table	*tab;
	const struct pol_user	*u;
	size_t			 t, i, line, prev;

	for (t = 0; t < POL__MAX; t++) {
		tab = &pol_tables[t];
		for (i = 0, prev = 1; i < pol_nrows(pol, (enum pol_tab)t);
		    i++, prev = line) {
			memcpy(&line, (const char *)pol_row(pol,
			    (enum pol_tab)t, i) + tab->lineoff, sizeof(line));
			PROPERTY(line >= prev && line <= maxline);
		}
	}
	for (i = 0; i < pol->nusers; i++) {
		u = &pol->users[i];
		PROPERTY(name_valid(u->name, strlen(u->name)));
		PROPERTY(u->disabled == 0 || u->disabled == 1);
	}
	for (i = 0; i < pol->nrules; i++)
		PROPERTY(pol->rules[i].id >= 1);
}

/* Whether a and b hold the same rows in the same order. */
static int
same_policy(const struct policy *a, const struct policy *b)
{
	size_t	 t, i, n;

	for (t = 0; t < POL__MAX; t++) {
		n = pol_nrows(a, (enum pol_tab)t);
		if (n != pol_nrows(b, (enum pol_tab)t))
			return 0;
		for (i = 0; i < n; i++)
			if (pol_cmp((enum pol_tab)t,
			    pol_row(a, (enum pol_tab)t, i),
			    pol_row(b, (enum pol_tab)t, i)) != 0 ||
			    !pol_same((enum pol_tab)t,
			    pol_row(a, (enum pol_tab)t, i),
			    pol_row(b, (enum pol_tab)t, i)))
				return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data;
	struct policy	 pol, again;
	char		 err[512], *w1, *w2;
	size_t		 maxline = 1, errline, i, n1, n2;

	for (i = 0; i < size; i++)
		maxline += buf[i] == '\n';
	memset(&pol, 0, sizeof(pol));
	err[0] = '\0';
	if (polfile_read(buf, size, &pol, &errline, err,
	    sizeof(err)) == -1) {
		PROPERTY(errline >= 1 && errline <= maxline);
		PROPERTY(err[0] != '\0');
		pol_free(&pol);
		return 0;
	}
	check_rows(&pol, maxline);

	w1 = written(&pol, &n1);
	for (maxline = 1, i = 0; i < n1; i++)
		maxline += w1[i] == '\n';
	memset(&again, 0, sizeof(again));
	PROPERTY(polfile_read(w1, n1, &again, &errline, err,
	    sizeof(err)) == 0);
	check_rows(&again, maxline);
	PROPERTY(same_policy(&pol, &again));
	w2 = written(&again, &n2);
	PROPERTY(n1 == n2 && memcmp(w1, w2, n1) == 0);

	free(w2);
	free(w1);
	pol_free(&again);
	pol_free(&pol);
	return 0;
}
