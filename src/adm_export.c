/*
 * adm_export.c: `portcullis export [--format sql|json]`.
 *
 * Writes the whole policy to standard output from one snapshot:
 * settings, users without their hashes (name, disabled, expires),
 * roles with comments, memberships, resources and rules with their
 * ids and comments.  The order is fixed (bytewise by name, rules by
 * id) and nothing varies between runs, so an export can be kept in
 * version control and diffed.
 *
 * sql (the default) is the restricted statement set that `portcullis
 * import policy` reads back: a header line, comments, and one
 * "INSERT INTO table (columns) VALUES (literals);" per row, strings
 * quoted the SQL way ('' for ').  It is not meant for the sqlite3
 * shell: the users' rows lack the required hash.  json is one object
 * with an array per table, for other tools; it is not read back.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define EXPORT_HEADER	"-- portcullis policy, format 1"

enum efmt {
	EF_SQL,
	EF_JSON,
};

/* A string as an SQL literal: '...' with ' doubled, or NULL. */
static void
sql_str(FILE *fp, const char *s)
{
	if (s == NULL) {
		fputs("NULL", fp);
		return;
	}
	putc('\'', fp);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			putc('\'', fp);
		putc(*s, fp);
	}
	putc('\'', fp);
}

static void
sql_export(FILE *fp, const struct policy *pol)
{
	size_t	 i;

	fputs(EXPORT_HEADER "\n"
	    "-- Written by portcullis export; read by portcullis import "
	    "policy.\n"
	    "-- Users carry no password hashes.\n", fp);
	for (i = 0; i < pol->nsettings; i++) {
		fputs("INSERT INTO settings (name, value) VALUES (", fp);
		sql_str(fp, pol->settings[i].name);
		fputs(", ", fp);
		sql_str(fp, pol->settings[i].value);
		fputs(");\n", fp);
	}
	for (i = 0; i < pol->nusers; i++) {
		fputs("INSERT INTO users (name, disabled, expires) VALUES (",
		    fp);
		sql_str(fp, pol->users[i].name);
		fprintf(fp, ", %d, ", pol->users[i].disabled);
		sql_str(fp, pol->users[i].expires);
		fputs(");\n", fp);
	}
	for (i = 0; i < pol->nroles; i++) {
		fputs("INSERT INTO roles (name, comment) VALUES (", fp);
		sql_str(fp, pol->roles[i].name);
		fputs(", ", fp);
		sql_str(fp, pol->roles[i].comment);
		fputs(");\n", fp);
	}
	for (i = 0; i < pol->nmembers; i++) {
		fputs("INSERT INTO members (user, role) VALUES (", fp);
		sql_str(fp, pol->members[i].user);
		fputs(", ", fp);
		sql_str(fp, pol->members[i].role);
		fputs(");\n", fp);
	}
	for (i = 0; i < pol->nresources; i++) {
		fputs("INSERT INTO resources (pattern, host, comment) VALUES (",
		    fp);
		sql_str(fp, pol->resources[i].pattern);
		fputs(", ", fp);
		sql_str(fp, pol->resources[i].host);
		fputs(", ", fp);
		sql_str(fp, pol->resources[i].comment);
		fputs(");\n", fp);
	}
	for (i = 0; i < pol->nrules; i++) {
		fprintf(fp, "INSERT INTO rules (id, pattern, host, methods, "
		    "principal, comment) VALUES (%" PRId64 ", ",
		    pol->rules[i].id);
		sql_str(fp, pol->rules[i].pattern);
		fputs(", ", fp);
		sql_str(fp, pol->rules[i].host);
		fputs(", ", fp);
		sql_str(fp, pol->rules[i].methods);
		fputs(", ", fp);
		sql_str(fp, pol->rules[i].principal);
		fputs(", ", fp);
		sql_str(fp, pol->rules[i].comment);
		fputs(");\n", fp);
	}
}

/* The length of the UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
utf8_seq(const char *s, size_t n)
{
	unsigned char	 c = (unsigned char)*s;
	size_t		 k;

	k = c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
	if (k == 0 || k > n || !utf8_valid(s, k))
		return 0;
	return k;
}

/*
 * A string as a JSON string (RFC 8259 §7), or null.  Control bytes
 * are escaped; a byte that is not part of valid UTF-8 (possible only
 * in a comment written with the sqlite3 shell) becomes U+FFFD, so the
 * output stays valid JSON.
 */
static void
json_str(FILE *fp, const char *s)
{
	size_t	 n, k;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	putc('"', fp);
	for (n = strlen(s); n > 0; s += k, n -= k) {
		k = 1;
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else if (*s == '\t')
			fputs("\\t", fp);
		else if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", (unsigned)(unsigned char)*s);
		else if ((unsigned char)*s < 0x80)
			putc(*s, fp);
		else if ((k = utf8_seq(s, n)) != 0)
			fwrite(s, 1, k, fp);
		else {
			fputs("\\ufffd", fp);
			k = 1;
		}
	}
	putc('"', fp);
}

/* ",\n" between the elements of an array, "\n" after the last. */
static void
json_sep(FILE *fp, size_t i, size_t n)
{
	fputs(i + 1 < n ? ",\n" : "\n", fp);
}

static void
json_export(FILE *fp, const struct policy *pol)
{
	size_t	 i;

	fputs("{\n\"format\": \"portcullis policy 1\",\n\"settings\": {",
	    fp);
	for (i = 0; i < pol->nsettings; i++) {
		fputs(i == 0 ? "\n" : ",\n", fp);
		json_str(fp, pol->settings[i].name);
		fputs(": ", fp);
		json_str(fp, pol->settings[i].value);
	}
	fputs(pol->nsettings > 0 ? "\n},\n\"users\": [\n" :
	    "},\n\"users\": [\n", fp);
	for (i = 0; i < pol->nusers; i++) {
		fputs("{\"name\": ", fp);
		json_str(fp, pol->users[i].name);
		fprintf(fp, ", \"disabled\": %s, \"expires\": ",
		    pol->users[i].disabled ? "true" : "false");
		json_str(fp, pol->users[i].expires);
		putc('}', fp);
		json_sep(fp, i, pol->nusers);
	}
	fputs("],\n\"roles\": [\n", fp);
	for (i = 0; i < pol->nroles; i++) {
		fputs("{\"name\": ", fp);
		json_str(fp, pol->roles[i].name);
		fputs(", \"comment\": ", fp);
		json_str(fp, pol->roles[i].comment);
		putc('}', fp);
		json_sep(fp, i, pol->nroles);
	}
	fputs("],\n\"members\": [\n", fp);
	for (i = 0; i < pol->nmembers; i++) {
		fputs("{\"user\": ", fp);
		json_str(fp, pol->members[i].user);
		fputs(", \"role\": ", fp);
		json_str(fp, pol->members[i].role);
		putc('}', fp);
		json_sep(fp, i, pol->nmembers);
	}
	fputs("],\n\"resources\": [\n", fp);
	for (i = 0; i < pol->nresources; i++) {
		fputs("{\"pattern\": ", fp);
		json_str(fp, pol->resources[i].pattern);
		fputs(", \"host\": ", fp);
		json_str(fp, pol->resources[i].host);
		fputs(", \"comment\": ", fp);
		json_str(fp, pol->resources[i].comment);
		putc('}', fp);
		json_sep(fp, i, pol->nresources);
	}
	fputs("],\n\"rules\": [\n", fp);
	for (i = 0; i < pol->nrules; i++) {
		fprintf(fp, "{\"id\": %" PRId64 ", \"pattern\": ",
		    pol->rules[i].id);
		json_str(fp, pol->rules[i].pattern);
		fputs(", \"host\": ", fp);
		json_str(fp, pol->rules[i].host);
		fputs(", \"methods\": ", fp);
		json_str(fp, pol->rules[i].methods);
		fputs(", \"principal\": ", fp);
		json_str(fp, pol->rules[i].principal);
		fputs(", \"comment\": ", fp);
		json_str(fp, pol->rules[i].comment);
		putc('}', fp);
		json_sep(fp, i, pol->nrules);
	}
	fputs("]\n}\n", fp);
}

/*
 * export [--format sql|json]: exit 0, or 1 on an error (the output
 * may then be cut short: do not keep it); -1 for a usage error.
 */
int
cmd_export(const char *db, int argc, char *argv[])
{
	struct policy	 pol;
	struct adm	*a;
	struct admp	*p = NULL;
	enum efmt	 f = EF_SQL;
	char		 err[512];
	const char	*v = NULL;
	int		 ret = 1;

	if (argc == 1 && strncmp(argv[0], "--format=", 9) == 0)
		v = argv[0] + 9;
	else if (argc == 2 && strcmp(argv[0], "--format") == 0)
		v = argv[1];
	else if (argc != 0)
		return -1;
	if (v != NULL && strcmp(v, "json") == 0)
		f = EF_JSON;
	else if (v != NULL && strcmp(v, "sql") != 0)
		return -1;

	memset(&pol, 0, sizeof(pol));
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if ((p = admp_open(a, err, sizeof(err))) == NULL) {
		adm_fail(db, err);
		goto out;
	}
	if (admp_load(p, &pol, 0) == -1) {
		adm_fail("export", admp_errmsg(p));
		goto out;
	}
	if (f == EF_JSON)
		json_export(stdout, &pol);
	else
		sql_export(stdout, &pol);
	ret = 0;
out:
	pol_free(&pol);
	admp_close(p);
	adm_close(a);
	return ret;
}
