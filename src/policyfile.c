/*
 * policyfile.c: the policy file, read and written through the one
 * description of its tables, pol_tables[] (polmodel.c).  No database
 * here: `portcullis export` (adm_export.c) loads a policy and writes
 * it; `import policy` (adm_policy.c) reads one and applies it.
 *
 * sql, the default, is the restricted statement set that
 * polfile_read() reads back: the line POLFILE_HEADER, comments, and
 * one "INSERT INTO table (columns) VALUES (literals);" per row, with
 * exactly a table's file columns in their order, strings quoted the
 * SQL way ('' for ').  Nothing of it is executed as SQL.  It is not
 * meant for the sqlite3 shell: the users' rows lack the required
 * hash.  json is one object with an array per table (settings: an
 * object of name: value), for other tools; it is not read back.
 * Rows are written in the policy's order; the database gives them
 * sorted (admstore.c), so an export can be kept and diffed.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define NUM_MAX		19	/* digits of an int64_t, after a '-' */

const char *const polfmt_str[POLFMT__MAX] = {
	"sql",		/* POLFMT_SQL */
	"json",		/* POLFMT_JSON */
};

/* What a value of each kind must be, for the parser's messages. */
static const char *const kind_want[POLK__MAX] = {
	"a string",		/* POLK_TEXT */
	"a string or NULL",	/* POLK_NTEXT */
	"an integer",		/* POLK_ID */
	"an integer",		/* POLK_BOOL */
};

/* --- writing ------------------------------------------------------------ */

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

/* The value of column c of row as SQL or JSON. */
static void
value_write(FILE *fp, enum polfmt f, const void *row,
    const struct pol_col *c)
{
	switch (c->kind) {
	case POLK_ID:
		fprintf(fp, "%" PRId64, *POL_CFIELD(int64_t, row, c));
		break;
	case POLK_BOOL:
		if (f == POLFMT_JSON)
			fputs(*POL_CFIELD(int, row, c) ? "true" : "false", fp);
		else
			fprintf(fp, "%d", *POL_CFIELD(int, row, c));
		break;
	default:
		(f == POLFMT_JSON ? json_str : sql_str)(fp,
		    *POL_CFIELD(char *, row, c));
		break;
	}
}

/* "INSERT INTO table (cols) VALUES (values);" */
static void
sql_row(FILE *fp, const struct pol_table *tab, const void *row)
{
	size_t	 j;

	fprintf(fp, "INSERT INTO %s (", tab->name);
	for (j = 0; j < tab->nfile; j++)
		fprintf(fp, "%s%s", j > 0 ? ", " : "", tab->cols[j].name);
	fputs(") VALUES (", fp);
	for (j = 0; j < tab->nfile; j++) {
		fputs(j > 0 ? ", " : "", fp);
		value_write(fp, POLFMT_SQL, row, &tab->cols[j]);
	}
	fputs(");\n", fp);
}

/*
 * One row of a JSON table: {"col": value, ...}, or of a jsonmap
 * table "col 0": col 1.
 */
static void
json_row(FILE *fp, const struct pol_table *tab, const void *row)
{
	size_t	 j;

	if (tab->jsonmap) {
		value_write(fp, POLFMT_JSON, row, &tab->cols[0]);
		fputs(": ", fp);
		value_write(fp, POLFMT_JSON, row, &tab->cols[1]);
		return;
	}
	for (j = 0; j < tab->nfile; j++) {
		fprintf(fp, "%s\"%s\": ", j > 0 ? ", " : "{",
		    tab->cols[j].name);
		value_write(fp, POLFMT_JSON, row, &tab->cols[j]);
	}
	putc('}', fp);
}

/*
 * One table of the JSON object: ,\n"name": [\nrow,\nrow\n] or, for a
 * jsonmap table, ,\n"name": {\nrow,\nrow\n} ({} if empty).
 */
static void
json_table(FILE *fp, const struct policy *pol, enum pol_tab t)
{
	const struct pol_table	*tab = &pol_tables[t];
	size_t			 i, n = pol_nrows(pol, t);

	fprintf(fp, ",\n\"%s\": %s", tab->name, tab->jsonmap ? "{" : "[\n");
	for (i = 0; i < n; i++) {
		if (tab->jsonmap)
			fputs(i == 0 ? "\n" : ",\n", fp);
		json_row(fp, tab, pol_row(pol, t, i));
		if (!tab->jsonmap)
			fputs(i + 1 < n ? ",\n" : "\n", fp);
	}
	fputs(tab->jsonmap ? (n > 0 ? "\n}" : "}") : "]", fp);
}

/*
 * Write pol to fp in format f, every table in pol_tables[] order.
 * Errors are fp's (ferror()).
 */
void
polfile_write(FILE *fp, const struct policy *pol, enum polfmt f)
{
	size_t	 t, i;

	if (f == POLFMT_JSON) {
		fputs("{\n\"format\": \"portcullis policy 1\"", fp);
		for (t = 0; t < POL__MAX; t++)
			json_table(fp, pol, (enum pol_tab)t);
		fputs("\n}\n", fp);
		return;
	}
	fputs(POLFILE_HEADER "\n"
	    "-- Written by portcullis export; read by portcullis import "
	    "policy.\n"
	    "-- Users carry no password hashes.\n", fp);
	for (t = 0; t < POL__MAX; t++)
		for (i = 0; i < pol_nrows(pol, (enum pol_tab)t); i++)
			sql_row(fp, &pol_tables[t],
			    pol_row(pol, (enum pol_tab)t, i));
}

/* --- reading: the lexer ------------------------------------------------- */

enum tok {
	TK_END,
	TK_WORD,		/* [A-Za-z_][A-Za-z0-9_]* */
	TK_STR,			/* '...', '' for ' */
	TK_INT,
	TK_PUNCT,		/* ( ) , ; */
};

struct lex {
	const char	*buf;		/* the file, without NUL bytes */
	size_t		 len;
	size_t		 pos;
	size_t		 line;		/* of pos */
	enum tok	 t;		/* the current token ... */
	size_t		 tline;		/* ... its line */
	const char	*w;		/* TK_WORD: into the buffer */
	size_t		 wlen;
	char		*s;		/* TK_STR: owned until taken */
	int64_t		 i;		/* TK_INT */
	char		 c;		/* TK_PUNCT */
	size_t		 errline;	/* of an error; 0: none */
	char		*err;
	size_t		 errsz;
};

/* Keep the message of an error at line (0: of no line).  Return -1. */
static int
lex_err(struct lex *l, size_t line, const char *fmt, ...)
{
	va_list	 ap;

	l->errline = line;
	va_start(ap, fmt);
	(void)vsnprintf(l->err, l->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static int
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip blanks and "--" comments, counting lines. */
static void
lex_skip(struct lex *l)
{
	const char	*b = l->buf;

	for (;;) {
		while (l->pos < l->len && strchr(" \t\r\n", b[l->pos]) != NULL)
			if (b[l->pos++] == '\n')
				l->line++;
		if (l->pos + 1 >= l->len || b[l->pos] != '-' ||
		    b[l->pos + 1] != '-')
			return;
		while (l->pos < l->len && b[l->pos] != '\n')
			l->pos++;
	}
}

/* An integer of at most NUM_MAX digits at pos.  Return 0, or -1. */
static int
lex_int(struct lex *l)
{
	char		 num[NUM_MAX + 2];
	size_t		 n = 1;
	long long	 v;

	while (l->pos + n < l->len && is_digit(l->buf[l->pos + n]))
		n++;
	if (n > NUM_MAX)
		return lex_err(l, l->tline, "number too long");
	memcpy(num, l->buf + l->pos, n);
	num[n] = '\0';
	errno = 0;
	v = strtoll(num, NULL, 10);
	if (errno == ERANGE)
		return lex_err(l, l->tline, "number too large");
	l->t = TK_INT;
	l->i = (int64_t)v;
	l->pos += n;
	return 0;
}

/* A '...' string at pos, '' for '.  Return 0, or -1. */
static int
lex_str(struct lex *l)
{
	const char	*b = l->buf;
	char		*s;
	size_t		 n = 0;

	/* At most as long as the rest of the file. */
	if ((s = malloc(l->len - l->pos)) == NULL)
		return lex_err(l, 0, "%s", strerror(errno));
	for (l->pos++; ; l->pos++) {
		if (l->pos >= l->len) {
			free(s);
			return lex_err(l, l->tline, "unterminated string");
		}
		if (b[l->pos] == '\'') {
			if (l->pos + 1 >= l->len || b[l->pos + 1] != '\'')
				break;
			l->pos++;
		} else if (b[l->pos] == '\n')
			l->line++;
		s[n++] = b[l->pos];
	}
	l->pos++;
	s[n] = '\0';
	l->t = TK_STR;
	l->s = s;
	return 0;
}

/* Read the next token.  Return 0, or -1 with the message. */
static int
lex_next(struct lex *l)
{
	char	 c;

	free(l->s);
	l->s = NULL;
	lex_skip(l);
	l->tline = l->line;
	if (l->pos >= l->len) {
		l->t = TK_END;
		return 0;
	}
	c = l->buf[l->pos];
	if (is_alpha(c)) {
		l->t = TK_WORD;
		l->w = l->buf + l->pos;
		for (l->wlen = 1; l->pos + l->wlen < l->len &&
		    (is_alpha(l->w[l->wlen]) || is_digit(l->w[l->wlen]));
		    l->wlen++)
			continue;
		l->pos += l->wlen;
		return 0;
	}
	if (is_digit(c) || (c == '-' && l->pos + 1 < l->len &&
	    is_digit(l->buf[l->pos + 1])))
		return lex_int(l);
	if (c == '\'')
		return lex_str(l);
	if (strchr("(),;", c) != NULL) {
		l->t = TK_PUNCT;
		l->c = c;
		l->pos++;
		return 0;
	}
	return lex_err(l, l->tline, "unexpected character '%c'",
	    c >= 0x20 && c < 0x7f ? c : '?');
}

/* Whether the current token is the word w. */
static int
lex_is(const struct lex *l, const char *w)
{
	return l->t == TK_WORD && l->wlen == strlen(w) &&
	    memcmp(l->w, w, l->wlen) == 0;
}

/* Expect the word w, then read on.  Return 0, or -1. */
static int
lex_word(struct lex *l, const char *w)
{
	if (!lex_is(l, w))
		return lex_err(l, l->tline, "expected %s", w);
	return lex_next(l);
}

/* Expect punctuation c, then read on.  Return 0, or -1. */
static int
lex_punct(struct lex *l, char c)
{
	if (l->t != TK_PUNCT || l->c != c)
		return lex_err(l, l->tline, "expected '%c'", c);
	return lex_next(l);
}

/* --- reading: the statements -------------------------------------------- */

/*
 * The table named by the current word, or an error listing them all
 * ("settings, ... rules or certificates").  Return it, or POL__MAX.
 */
static enum pol_tab
stmt_table(struct lex *l)
{
	char	 names[256];
	size_t	 t, n = 0;

	for (t = 0; t < POL__MAX; t++)
		if (lex_is(l, pol_tables[t].name))
			return (enum pol_tab)t;
	for (t = 0; t < POL__MAX && n < sizeof(names); t++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
		    t == 0 ? "" : t + 1 < POL__MAX ? ", " : " or ",
		    pol_tables[t].name);
	lex_err(l, l->tline, "expected a table: %s", names);
	return POL__MAX;
}

/*
 * The value of column c at the current token into row (a string is
 * taken from the lexer), an integer into *iv.  Return 0, or -1.
 */
static int
stmt_value(struct lex *l, const struct pol_table *tab,
    const struct pol_col *c, void *row, int64_t *iv)
{
	if ((c->kind == POLK_ID || c->kind == POLK_BOOL) && l->t == TK_INT)
		*iv = l->i;
	else if (c->kind == POLK_NTEXT && lex_is(l, "NULL"))
		*POL_FIELD(char *, row, c) = NULL;
	else if ((c->kind == POLK_TEXT || c->kind == POLK_NTEXT) &&
	    l->t == TK_STR) {
		*POL_FIELD(char *, row, c) = l->s;
		l->s = NULL;
	} else
		return lex_err(l, l->tline, "%s.%s: expected %s", tab->name,
		    c->name, kind_want[c->kind]);
	return lex_next(l);
}

/*
 * Check the integers of a parsed row of line line and store them.
 * Return 0, or -1 naming the column.
 */
static int
stmt_ints(struct lex *l, const struct pol_table *tab, void *row,
    const int64_t *iv, size_t line)
{
	const struct pol_col	*c;
	size_t			 j;

	for (j = 0; j < tab->nfile; j++) {
		c = &tab->cols[j];
		if (c->kind == POLK_BOOL && iv[j] != 0 && iv[j] != 1)
			return lex_err(l, line, "%s.%s must be 0 or 1",
			    tab->name, c->name);
		if (c->kind == POLK_ID && iv[j] < 1)
			return lex_err(l, line, "%s.%s must be 1 or more",
			    tab->name, c->name);
		if (c->kind == POLK_BOOL)
			*POL_FIELD(int, row, c) = (int)iv[j];
		else if (c->kind == POLK_ID)
			*POL_FIELD(int64_t, row, c) = iv[j];
	}
	return 0;
}

/*
 * Parse one "INSERT INTO table (cols) VALUES (vals);" at the current
 * token into a new row of pol.  Return 0, or -1 with the message.
 */
static int
stmt_parse(struct lex *l, struct policy *pol)
{
	const struct pol_table	*tab;
	enum pol_tab		 t;
	int64_t			 iv[POL_COLS_MAX];
	struct pol_user		*u;
	size_t			 j, k, nf, line = l->tline;
	void			*row;

	if (lex_word(l, "INSERT") == -1 || lex_word(l, "INTO") == -1 ||
	    (t = stmt_table(l)) == POL__MAX)
		return -1;
	tab = &pol_tables[t];
	if (lex_next(l) == -1 || lex_punct(l, '(') == -1)
		return -1;
	/*
	 * Trailing nullable columns a file may leave out, as NULL: a
	 * file written before they were added (rules.network, schema
	 * sql/0009-networks.sql) reads as it did.
	 */
	for (j = 0; j < tab->nfile; j++) {
		for (k = j; j > 0 && k < tab->nfile; k++)
			if (tab->cols[k].kind != POLK_NTEXT)
				break;
		if (j > 0 && k == tab->nfile && l->t == TK_PUNCT &&
		    l->c == ')')
			break;
		if ((j > 0 && lex_punct(l, ',') == -1) ||
		    lex_word(l, tab->cols[j].name) == -1)
			return -1;
	}
	nf = j;
	if (lex_punct(l, ')') == -1 || lex_word(l, "VALUES") == -1 ||
	    lex_punct(l, '(') == -1)
		return -1;
	if ((row = pol_add(pol, t)) == NULL)
		return lex_err(l, line, "%s", strerror(ENOMEM));
	memcpy((char *)row + tab->lineoff, &line, sizeof(line));
	memset(iv, 0, sizeof(iv));
	for (j = 0; j < nf; j++)
		if ((j > 0 && lex_punct(l, ',') == -1) ||
		    stmt_value(l, tab, &tab->cols[j], row, &iv[j]) == -1)
			return -1;
	if (lex_punct(l, ')') == -1 || lex_punct(l, ';') == -1 ||
	    stmt_ints(l, tab, row, iv, line) == -1)
		return -1;
	u = row;
	if (t == POL_USERS && !name_valid(u->name, strlen(u->name)))
		return lex_err(l, line, "%s", USER_NAME_MSG);
	return 0;
}

/*
 * Read the sql form of a policy file from buf[0..len) into pol (zeroed
 * by the caller; free with pol_free() either way), each row with its
 * line.  The file must start with the line POLFILE_HEADER and hold
 * nothing but comments and the statements described at the top, and
 * no NUL byte.  Return 0, or -1 with a message in err and its line in
 * *errline (0: of no line in particular).
 */
int
polfile_read(const char *buf, size_t len, struct policy *pol,
    size_t *errline, char *err, size_t errsz)
{
	struct lex	 l;
	const char	*nul;
	size_t		 i;
	int		 ret = -1;

	memset(&l, 0, sizeof(l));
	l.buf = buf;
	l.len = len;
	l.line = 1;
	l.err = err;
	l.errsz = errsz;
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		for (l.errline = 1, i = 0; buf + i < nul; i++)
			l.errline += buf[i] == '\n';
		lex_err(&l, l.errline, "NUL byte");
	} else if (len < sizeof(POLFILE_HEADER) ||
	    memcmp(buf, POLFILE_HEADER "\n", sizeof(POLFILE_HEADER)) != 0)
		lex_err(&l, 1, "not a policy export: the first line must be "
		    "\"%s\" (portcullis export --format sql)", POLFILE_HEADER);
	else if (lex_next(&l) == 0) {
		while (l.t != TK_END)
			if (stmt_parse(&l, pol) == -1)
				goto out;
		ret = 0;
	}
out:
	free(l.s);
	*errline = l.errline;
	return ret;
}
