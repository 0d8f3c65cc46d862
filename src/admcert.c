/*
 * admcert.c: the administrator's statements on the certificates table
 * (sql/0008-certificates.sql), for adm_cert.c and `portcullis lint`.
 * Beside admtoken.c, whose statement helpers it uses, with the same
 * contract: the caller owns the transaction; functions on a named row
 * return 1 (done or found), 0 (no such row) or -1 (error: adm_errmsg()
 * says why, for a refused row the schema's words).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "extern.h"
#include "admin.h"

/*
 * Map a certificate to user: by its fingerprint fp, or by subject
 * (with issuer, or NULL for any); comment "" for none.  The new row's
 * id into *id.  Returns 1, 0 if there is no such user, or -1 (a
 * certificate already mapped is the schema's refusal).
 */
int
adm_cert_add(struct adm *a, const char *user, const char *fp,
    const char *subject, const char *issuer, const char *comment,
    int64_t *id)
{
	const char	*v[5] = { user, fp, subject, issuer, comment };
	int		 rc;

	if ((rc = tok_exists(a, "SELECT 1 FROM users WHERE name = ?1",
	    v, 1)) != 1)
		return rc;
	if ((rc = tok_change(a, "INSERT INTO certificates (user, "
	    "fingerprint, subject, issuer, comment) VALUES (?1, ?2, ?3, ?4, "
	    "?5)", v, 5)) == 1)
		*id = sqlite3_last_insert_rowid(adm_conn(a));
	return rc == 0 ? -1 : rc;
}

/*
 * Delete the row id (> 0), or the row of fingerprint fp, or of
 * subject with issuer (NULL: the row naming none); its id into *id.
 * Returns 1, 0 if there is no such row, or -1.
 */
int
adm_cert_del(struct adm *a, int64_t id, const char *fp, const char *subject,
    const char *issuer, int64_t *gone)
{
	sqlite3_stmt	*st;
	char		 num[24];
	const char	*v[4] = { num, fp, subject, issuer };
	int		 rc, ret = -1;

	(void)snprintf(num, sizeof(num), "%lld", (long long)id);
	if ((st = tok_prep(a, "SELECT id FROM certificates WHERE "
	    "id = CAST(?1 AS INTEGER) OR fingerprint = ?2 OR (subject = ?3 "
	    "AND issuer IS ?4)", v, 4)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*gone = sqlite3_column_int64(st, 0);
		ret = 1;
	} else if (rc == SQLITE_DONE)
		ret = 0;
	else
		adm_conn_err(a, NULL);
	sqlite3_finalize(st);
	if (ret != 1)
		return ret;
	(void)snprintf(num, sizeof(num), "%lld", (long long)*gone);
	return tok_change(a, "DELETE FROM certificates WHERE "
	    "id = CAST(?1 AS INTEGER)", v, 1);
}

/*
 * Call cb for each row, of user only unless NULL, ordered by user and
 * id; cb returns 0 or -1 (stop: an error).  Returns 0, or -1.
 */
int
adm_cert_list(struct adm *a, const char *user,
    int (*cb)(void *, const struct adm_cert *), void *arg)
{
	static const char sql[] =
	    "SELECT c.id, c.user, c.fingerprint, c.subject, c.issuer, "
	    "c.comment, strftime('%Y-%m-%dT%H:%M:%SZ', c.created), "
	    "u.disabled, u.expires IS NOT NULL AND datetime(u.expires) <= "
	    "datetime('now'), EXISTS (SELECT 1 FROM certificates "
	    "WHERE issuer IS NOT NULL) "
	    "FROM certificates AS c JOIN users AS u ON u.name = c.user "
	    "WHERE ?1 IS NULL OR c.user = ?1 ORDER BY c.user, c.id";
	const char	*v[1] = { user };
	struct adm_cert	 c;
	sqlite3_stmt	*st;
	int		 rc, ret = 0;

	if ((st = tok_prep(a, sql, v, 1)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
#define COL(i)	((const char *)sqlite3_column_text(st, (i)))
		c.id = sqlite3_column_int64(st, 0);
		c.user = COL(1);
		c.fingerprint = COL(2);
		c.subject = COL(3);
		c.issuer = COL(4);
		c.comment = COL(5);
		c.created = COL(6);
		c.disabled = sqlite3_column_int(st, 7) != 0;
		c.expired = sqlite3_column_int(st, 8) != 0;
		c.pinned = sqlite3_column_int(st, 9) != 0;
#undef COL
		if (c.user == NULL || c.comment == NULL || c.created == NULL ||
		    (c.fingerprint == NULL && c.subject == NULL)) {
			adm_conn_err(a, "cert list: out of memory");
			ret = -1;
			break;
		}
		if (cb(arg, &c) == -1) {
			adm_conn_err(a, "cert list: cannot write");
			ret = -1;
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		adm_conn_err(a, NULL);
		ret = -1;
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * Read the PEM file path into buf (bufsz bytes, NUL-terminated), its
 * length into *n: at most CERT_PEM_MAX bytes, what the server may
 * pass.  Returns 0, or -1 after saying why (adm_fail()).
 */
int
adm_cert_pem(const char *path, char *buf, size_t bufsz, size_t *n)
{
	ssize_t	 r;
	int	 fd;

	*n = 0;
	if ((fd = open(path, O_RDONLY)) == -1) {
		adm_fail(path, strerror(errno));
		return -1;
	}
	while ((r = read(fd, buf + *n, bufsz - 1 - *n)) > 0)
		if ((*n += (size_t)r) == bufsz - 1)
			break;
	if (r == -1) {
		adm_fail(path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	buf[*n] = '\0';
	if (*n > CERT_PEM_MAX) {
		adm_fail(path, "longer than a certificate the server passes "
		    "(64 KiB)");
		return -1;
	}
	return 0;
}
