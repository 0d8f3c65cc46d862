/*
 * fuzz_htfile.c: ht_read() (src/htfile.c) over an Apache htpasswd
 * file (built as fuzz_htpasswd, -DHTKIND=HTK_PASSWD) or htgroup file
 * (fuzz_htgroup, -DHTKIND=HTK_GROUP).  Properties:
 *  - a refusal has a message and names a line of the file (1 up to
 *    one more than its newlines);
 *  - accepted entries point into the buffer, NUL-terminated there,
 *    each at such a line, in file order;
 *  - htpasswd: every user name satisfies name_valid(), every hash is
 *    non-empty without control bytes, and no user comes twice;
 *  - htgroup: every group name satisfies the schema's rule for roles
 *    (restated here from sql/0001-init.sql, not htfile.c's own),
 *    every member name_valid(), a group's own entry comes before its
 *    members, and no entry (group, or group and member) comes twice;
 *  - the entries written out as a file of the same kind, one per line,
 *    read back as the same entries.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "extern.h"
#include "admin.h"
#include "fuzz.h"

#ifndef HTKIND
#error "build with -DHTKIND=HTK_PASSWD or -DHTKIND=HTK_GROUP"
#endif

/* The schema's CHECK on roles.name: 1-255 of [A-Za-z0-9._-], not all
 * or valid-user. */
static int
schema_role(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= 255 && strcmp(s, "all") != 0 &&
	    strcmp(s, "valid-user") != 0 &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == n;
}

/* Whether s is a NUL-terminated string inside buf[0..len]. */
static int
inside(const char *s, const char *buf, size_t len)
{
	return s >= buf && s <= buf + len &&
	    memchr(s, '\0', (size_t)(buf + len - s) + 1) != NULL;
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
check_ents(const struct htfile *ht, const char *buf, size_t len,
    size_t maxline)
{
	const struct htent	*e;
	size_t			 i, j;
	int			 seen;

	for (i = 0; i < ht->nents; i++) {
		e = &ht->ents[i];
		PROPERTY(e->line >= 1 && e->line <= maxline);
		PROPERTY(i == 0 || e->line >= ht->ents[i - 1].line);
		PROPERTY(inside(e->name, buf, len));
		PROPERTY(e->value == NULL || inside(e->value, buf, len));
		if (HTKIND == HTK_PASSWD) {
			PROPERTY(name_valid(e->name, strlen(e->name)));
			PROPERTY(e->value != NULL && e->value[0] != '\0');
			PROPERTY(!has_ctl(e->value, strlen(e->value)));
		} else {
			PROPERTY(schema_role(e->name));
			PROPERTY(e->value == NULL ||
			    name_valid(e->value, strlen(e->value)));
		}
		/* No entry twice; a member after its group's entry. */
		for (j = 0, seen = 0; j < i; j++) {
			PROPERTY(strcmp(e->name, ht->ents[j].name) != 0 ||
			    (HTKIND == HTK_GROUP &&
			    !same_str(e->value, ht->ents[j].value)));
			seen |= strcmp(e->name, ht->ents[j].name) == 0 &&
			    ht->ents[j].value == NULL;
		}
		PROPERTY(HTKIND == HTK_PASSWD || e->value == NULL || seen);
	}
}

/*
 * The entries as a file of the same kind, one per line, after a
 * comment: a user name may start with U+FEFF, which at the very start
 * of a file would be read as a byte order mark.
 */
static char *
rewrite(const struct htfile *ht, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 i;

	*len = 0;
	if ((fp = open_memstream(&buf, len)) == NULL)
		abort();
	fputs("# rewritten\n", fp);
	for (i = 0; i < ht->nents; i++)
		fprintf(fp, "%s:%s%s\n", ht->ents[i].name,
		    HTKIND == HTK_GROUP ? " " : "",
		    ht->ents[i].value == NULL ? "" : ht->ents[i].value);
	if (fclose(fp) != 0)
		abort();
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct htfile	 ht, again;
	char		*buf, *w;
	size_t		 maxline = 1, i, n;
	enum htres	 rc;

	for (i = 0; i < size; i++)
		maxline += data[i] == '\n';
	/* ht_read() writes buf[size]: one byte more, no more. */
	if ((buf = malloc(size + 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	memset(&ht, 0, sizeof(ht));
	rc = ht_read(&ht, HTKIND, buf, size);
	PROPERTY(rc == HT_OK || rc == HT_BAD || rc == HT_NOMEM);
	if (rc == HT_BAD) {
		PROPERTY(ht.line >= 1 && ht.line <= maxline);
		PROPERTY(ht.why[0] != '\0');
	}
	if (rc != HT_OK)
		goto out;
	check_ents(&ht, buf, size, maxline);

	w = rewrite(&ht, &n);
	memset(&again, 0, sizeof(again));
	PROPERTY(ht_read(&again, HTKIND, w, n) == HT_OK);
	PROPERTY(again.nents == ht.nents);
	for (i = 0; i < ht.nents; i++) {
		PROPERTY(strcmp(again.ents[i].name, ht.ents[i].name) == 0);
		PROPERTY(same_str(again.ents[i].value, ht.ents[i].value));
	}
	ht_free(&again);
	free(w);
out:
	ht_free(&ht);
	free(buf);
	return 0;
}
