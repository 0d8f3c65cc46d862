/*
 * Portcullis: serving a file once a decision allowed GET or HEAD in
 * responder mode.  The file is opened by walking the canonical path
 * below the document root one segment at a time without following a
 * symbolic link anywhere (nginx's "disable_symlinks on"), so no link
 * crosses from one resource to another and nothing can be swapped in
 * between a check and the open.  Dotfiles are never served.  A
 * directory serves its index.html, decided again for that name, and
 * is never listed; asked for without its trailing slash it is
 * redirected.  Conditional GET follows RFC 9110 §13.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define FILE_CHUNK	(64 * 1024)	/* read/write block */
#define HTTPDATE_LEN	29		/* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define ETAG_MAX	64		/* quoted "size-sec-nsec" in hex */

/*
 * openat(2) flags for the walk: the root (the administrator's, links
 * followed), a directory on the way (O_PATH where there is one: no
 * read permission needed to pass, as with a path), the file (non-
 * blocking, so that a FIFO cannot hang the process).
 */
#ifdef O_PATH
#define WALK_DIRFL	O_PATH
#else
#define WALK_DIRFL	O_RDONLY
#endif
#define WALK_ROOT	(WALK_DIRFL | O_DIRECTORY | O_CLOEXEC)
#define WALK_DIR	(WALK_DIRFL | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define WALK_FILE	(O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)

static const struct {
	const char	*ext;
	const char	*type;
} mimes[] = {
	{ "html",	"text/html; charset=utf-8" },
	{ "htm",	"text/html; charset=utf-8" },
	{ "css",	"text/css; charset=utf-8" },
	{ "js",		"text/javascript; charset=utf-8" },
	{ "json",	"application/json" },
	{ "txt",	"text/plain; charset=utf-8" },
	{ "xml",	"application/xml" },
	{ "svg",	"image/svg+xml" },
	{ "png",	"image/png" },
	{ "jpg",	"image/jpeg" },
	{ "jpeg",	"image/jpeg" },
	{ "gif",	"image/gif" },
	{ "webp",	"image/webp" },
	{ "ico",	"image/x-icon" },
	{ "pdf",	"application/pdf" },
	{ "wasm",	"application/wasm" },
	{ "woff2",	"font/woff2" },
};

/* RFC 9110 §5.6.7: day-name and month names, not the locale's. */
static const char *const days[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/*
 * The media type for the last segment of name, by extension (the
 * bytes after its last '.', case-insensitive; a leading dot does not
 * start an extension).  Unknown: application/octet-stream.
 */
static const char *
file_type(const char *name)
{
	const char	*base, *dot;
	size_t		 i;

	base = (base = strrchr(name, '/')) == NULL ? name : base + 1;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return "application/octet-stream";
	for (i = 0; i < nitems(mimes); i++)
		if (strcasecmp(dot + 1, mimes[i].ext) == 0)
			return mimes[i].type;
	return "application/octet-stream";
}

/*
 * Format t as an IMF-fixdate (RFC 9110 §5.6.7) into buf, which holds
 * at least HTTPDATE_LEN + 1 bytes.  Returns 0, or -1 if t has no
 * four-digit Gregorian year.
 */
static int
httpdate_fmt(char *buf, size_t bufsz, time_t t)
{
	struct tm	 tm;
	int		 n;

	if (gmtime_r(&t, &tm) == NULL ||
	    tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 ||
	    tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	n = snprintf(buf, bufsz, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return n == HTTPDATE_LEN ? 0 : -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t		 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Parse exactly n decimal digits at s.  Returns the value or -1. */
static int
digits(const char *s, size_t n)
{
	int	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Parse an IMF-fixdate (RFC 9110 §5.6.7) strictly: exact layout,
 * "GMT", a real calendar date whose day-name agrees, second <= 60.
 * The obsolete RFC 850 and asctime forms are not accepted (XXX: §5.6.7
 * says recipients MUST; clients send what we sent in Last-Modified).
 * Returns 0 and sets *t, or -1 if s is not such a date.
 */
static int
httpdate_parse(const char *s, int64_t *t)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int		 wday, day, mon, year, hh, mm, ss, leap;
	int64_t		 dn;

	if (strlen(s) != HTTPDATE_LEN || s[3] != ',' || s[4] != ' ' ||
	    s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
	    s[22] != ':' || strcmp(s + 25, " GMT") != 0)
		return -1;
	for (wday = 0; wday < 7; wday++)
		if (strncmp(s, days[wday], 3) == 0)
			break;
	for (mon = 0; mon < 12; mon++)
		if (strncmp(s + 8, months[mon], 3) == 0)
			break;
	day = digits(s + 5, 2);
	year = digits(s + 12, 4);
	hh = digits(s + 17, 2);
	mm = digits(s + 20, 2);
	ss = digits(s + 23, 2);
	if (wday == 7 || mon == 12 || day < 1 || year < 0 ||
	    hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return -1;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day > mdays[mon] || (mon == 1 && day == 29 && !leap))
		return -1;
	dn = days_from_civil(year, mon + 1, day);
	if (((dn % 7) + 11) % 7 != wday)	/* 1970-01-01 was a Thursday */
		return -1;
	*t = dn * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

/*
 * Whether If-None-Match value inm matches etag, a strong entity-tag
 * with its quotes (RFC 9110 §13.1.2): "*" matches any current
 * representation; otherwise a comma list (§5.6.1, empty elements
 * allowed) of entity-tags compared weakly (§8.8.3.2: "W/" ignored).
 * A malformed value matches nothing.
 */
static int
inm_match(const char *inm, const char *etag)
{
	const char	*p = inm, *q;
	size_t		 etagsz = strlen(etag);
	int		 match = 0;

	p += strspn(p, " \t");
	if (*p == '*')
		return p[1 + strspn(p + 1, " \t")] == '\0';
	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			return match;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;
		/* etagc = %x21 / %x23-7E / obs-text */
		for (q = p + 1; *q != '"'; q++)
			if ((unsigned char)*q <= 0x20 || *q == 0x7f)
				return 0;
		if ((size_t)(q + 1 - p) == etagsz &&
		    memcmp(p, etag, etagsz) == 0)
			match = 1;
		p = q + 1;
		p += strspn(p, " \t");
		if (*p != ',' && *p != '\0')
			return 0;
	}
}

/*
 * Whether the request's preconditions say "not modified", in the
 * order of RFC 9110 §13.2.2 for GET and HEAD: If-None-Match (step 3)
 * when present and not empty, otherwise If-Modified-Since (step 4).
 * §13.1.3: the date is read on the origin server's clock and the
 * condition is false when mtime <= the date; a value that is not a
 * valid HTTP-date is ignored.  So is a date later than now: no
 * Last-Modified we sent can be (§8.8.2.1), RFC 2616 §14.25 called
 * such a date invalid, and Apache httpd ignores it too; answering 304
 * to it would let a client pin a cache to what it has forever.
 */
static int
not_modified(const struct request *req, const char *etag,
    const struct stat *st, int havedate)
{
	int64_t		 ims;

	if (req->inm != NULL && req->inm[strspn(req->inm, " \t")] != '\0')
		return inm_match(req->inm, etag);
	if (!havedate || req->ims == NULL ||
	    httpdate_parse(req->ims, &ims) == -1 ||
	    ims > (int64_t)time(NULL))
		return 0;
	return (int64_t)st->st_mtim.tv_sec <= ims;
}

/*
 * Turn d into the refusal v (404 or 500, why says which kind for the
 * log) and answer it as resp_denial() does.  Returns the status, or
 * -1 if writing failed.
 */
static int
file_deny(struct writer *w, struct decision *d, enum verdict v,
    enum why why, int head)
{
	d->verdict = v;
	d->why = why;
	if (resp_denial(w, d, head) == -1)
		return -1;
	return verdict_status[v];
}

/* The verdict for a failed openat(): 404 or 500. */
static enum verdict
errno_verdict(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ELOOP:
	case ENAMETOOLONG:
		return VERDICT_NOTFOUND;
	default:
		return VERDICT_ERROR;
	}
}

/*
 * Whether the canonical path has a segment starting with '.' (".git",
 * ".htpasswd", ".env"): such names are never served.  The canonical
 * path has no "." or ".." segments left, so any dot is a dotfile.
 */
static int
has_dotfile(const char *path)
{
	const char	*p;

	for (p = path; (p = strchr(p, '/')) != NULL; p++)
		if (p[1] == '.')
			return 1;
	return 0;
}

/*
 * Open name in the directory dfd without following a symbolic link
 * (dir: as a directory to walk on).  On failure, *why says whether a
 * link was the reason (for the log); the refusal itself never
 * depends on that look.  Returns the descriptor or -1 (errno set).
 */
static int
open_at(int dfd, const char *name, int dir, enum why *why)
{
	struct stat	 lst;
	int		 fd, e;

	fd = openat(dfd, name, dir ? WALK_DIR : WALK_FILE);
	if (fd == -1) {
		e = errno;
		if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(lst.st_mode))
			*why = WHY_SYMLINK;
		errno = e;
	}
	return fd;
}

/*
 * Open the canonical path (it starts with '/', has no empty, "." or
 * ".." segments, and may end in '/') below the directory rootfd, one
 * segment at a time: every segment but the last is opened as a
 * directory, the last as a file (or a directory), none through a
 * symbolic link (O_NOFOLLOW), and ".." never occurs.  So the file
 * opened is below the root and named by path, whatever changes in
 * the tree meanwhile: there is no check-then-open race as with
 * realpath(3).  (openat2(2)'s RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 * would do the same in one call, on Linux 5.6 and later only, and
 * glibc 2.36 has no wrapper: this walk runs everywhere.)  rootfd is
 * consumed.  A path ending in '/' gives that directory.
 * Returns the descriptor, or -1 with *v (404 or 500) and *why set.
 */
static int
walk(int rootfd, const char *path, enum verdict *v, enum why *why)
{
	char		 seg[NAME_MAX + 1];
	const char	*p = path + 1, *e;
	size_t		 n;
	int		 dfd = rootfd, fd;

	while (*p != '\0') {
		e = strchr(p, '/');
		n = e == NULL ? strlen(p) : (size_t)(e - p);
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(seg, p, n);
		seg[n] = '\0';
		if ((fd = open_at(dfd, seg, e != NULL, why)) == -1)
			goto fail;
		close(dfd);
		dfd = fd;
		p += n;
		if (*p == '/')
			p++;
	}
	return dfd;
fail:
	*v = errno_verdict(errno);
	close(dfd);
	return -1;
}

/*
 * Write the bytes of s into a header, percent-encoding every byte
 * that is not kept (RFC 3986 §2.1): for a path (query == 0) the
 * unreserved characters, sub-delims, ':', '@' and '/' (§3.3, so a
 * decoded '%', '?' or '#' is encoded); for a query, which arrives
 * still encoded, every visible ASCII byte but those that may not
 * appear in a URI at all.  Control bytes can never reach the header.
 * Returns 0 or -1.
 */
static int
wr_uri(struct writer *w, const char *s, int query)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			 buf[256];
	size_t			 n = 0;
	int			 keep;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (n + 3 > sizeof(buf)) {
			if (w->write(w->arg, buf, n) == -1)
				return -1;
			n = 0;
		}
		if (query)
			keep = *p > 0x20 && *p < 0x7f &&
			    strchr("\"#<>\\^`{|}", *p) == NULL;
		else
			keep = (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') ||
			    strchr("-._~!$&'()*+,;=:@/", *p) != NULL;
		if (keep)
			buf[n++] = (char)*p;
		else {
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 0xf];
		}
	}
	return n == 0 ? 0 : w->write(w->arg, buf, n);
}

/*
 * The Vary and Cache-Control of a response that needed credentials,
 * so shared caches do not hand it to others (RFC 9111 §5.2.2.7).
 * Returns 0 or -1.
 */
static int
file_private(struct writer *w, const struct decision *d)
{
	if (d->anonymous)
		return 0;
	return wr_puts(w, "Vary: Authorization\r\nCache-Control: private\r\n");
}

/*
 * A directory asked for without its trailing slash: 301 to the same
 * path with one (RFC 9110 §15.4.2), the query kept, as nginx and
 * lighttpd answer.  The index is never served under "/dir": the rule
 * for "/dir/" (and its index.html) decides the follow-up request.
 * Location is a path-absolute reference (§10.2.2); the canonical path
 * never starts with "//".  No Vary: the answer is the same for every
 * credential that gets this far, and a shared cache does not store a
 * response to a request with Authorization anyway (RFC 9111 §3.5).
 * Returns 301, or -1 if writing failed.
 */
static int
file_redirect(struct writer *w, const struct request *req, int head)
{
	static const char	 body[] = "301 Moved Permanently\n";

	if (wr_puts(w, "Status: 301 Moved Permanently\r\nLocation: ") == -1 ||
	    wr_uri(w, req->path, 0) == -1 || wr_puts(w, "/") == -1)
		return -1;
	if (req->query != NULL && req->query[0] == '?' &&
	    req->query[1] != '\0' &&
	    (wr_puts(w, "?") == -1 || wr_uri(w, req->query + 1, 1) == -1))
		return -1;
	if (wr_printf(w, "\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n\r\n", sizeof(body) - 1) == -1)
		return -1;
	if (!head && wr_puts(w, body) == -1)
		return -1;
	return 301;
}

/*
 * Write the 200 or 304 headers: the validators (RFC 9110 §8.8), and
 * for a representation that needed credentials "Vary: Authorization"
 * and "Cache-Control: private".  type is NULL for 304 (§15.4.5: no
 * Content-Type or Content-Length).  A 200 carries
 * "X-Content-Type-Options: nosniff" (WHATWG Fetch): browsers then
 * believe our type, and a text/plain upload is not run as a script;
 * the 304 leaves the stored header as it is.  Returns 0 or -1.
 */
static int
file_headers(struct writer *w, const struct decision *d,
    const struct stat *st, const char *type, const char *date,
    const char *etag)
{
	if (type == NULL) {
		if (wr_puts(w, "Status: 304 Not Modified\r\n") == -1)
			return -1;
	} else if (wr_printf(w, "Status: 200 OK\r\nContent-Type: %s\r\n"
	    "Content-Length: %jd\r\nX-Content-Type-Options: nosniff\r\n",
	    type, (intmax_t)st->st_size) == -1)
		return -1;
	if (*date != '\0' &&
	    wr_printf(w, "Last-Modified: %s\r\n", date) == -1)
		return -1;
	if (wr_printf(w, "ETag: %s\r\n", etag) == -1)
		return -1;
	if (file_private(w, d) == -1)
		return -1;
	return wr_puts(w, "\r\n");
}

/*
 * Copy exactly size bytes of fd to w in FILE_CHUNK blocks.  A file
 * that shrank under us cannot honour the Content-Length sent: -1.
 * Returns 0 or -1.
 */
static int
file_body(struct writer *w, int fd, off_t size)
{
	char	 buf[FILE_CHUNK];
	off_t	 left = size;
	ssize_t	 n;
	size_t	 want;

	while (left > 0) {
		want = left < (off_t)sizeof(buf) ? (size_t)left : sizeof(buf);
		if ((n = read(fd, buf, want)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (w->write(w->arg, buf, (size_t)n) == -1)
			return -1;
		left -= n;
	}
	return 0;
}

/*
 * The directory dfd (for req->path, which ends in '/') is served as
 * its index.html, under a name that was not the request's: decide
 * it again through check() first, and answer that decision if it is
 * a denial.  An allowed index that needed credentials makes the
 * response private.  dfd is consumed.
 * Returns the index's descriptor, or -1 with *ret set to what was
 * answered: the denial's status, 404/500 (*v, *why set, nothing
 * written yet: ret 0), or -1 if writing failed.
 */
static int
open_index(struct writer *w, int dfd, const struct request *req,
    struct decision *d, int head, const struct file_check *check,
    enum verdict *v, enum why *why, int *ret)
{
	struct decision	 nd;
	char		 name[REQ_PATH_MAX + sizeof(FILE_INDEX)];
	int		 fd, n;

	*ret = 0;
	n = snprintf(name, sizeof(name), "%s%s", req->path, FILE_INDEX);
	if (n < 0 || (size_t)n >= sizeof(name) || check == NULL) {
		*v = VERDICT_ERROR;
		goto fail;
	}
	check->fn(check->arg, name, &nd);
	if (nd.verdict != VERDICT_ALLOW) {
		*d = nd;
		*ret = resp_denial(w, d, head) == -1 ? -1 :
		    verdict_status[(size_t)d->verdict < VERDICT__MAX ?
		    d->verdict : VERDICT_ERROR];
		goto fail;
	}
	d->anonymous = d->anonymous && nd.anonymous;
	if ((fd = open_at(dfd, FILE_INDEX, 0, why)) == -1) {
		*v = errno_verdict(errno);
		goto fail;
	}
	close(dfd);
	return fd;
fail:
	close(dfd);
	return -1;
}

/*
 * Serve root + req->path for an allowed GET or HEAD (head != 0: no
 * body).  req->path is canonical; root need not be, and may itself
 * be a symbolic link (the administrator's).  Below the root:
 *  - a segment starting with '.' is 404 (why WHY_DOTFILE), as nginx's
 *    usual "location ~ /\. { return 404; }";
 *  - a symbolic link anywhere is 404 (WHY_SYMLINK), as nginx's
 *    "disable_symlinks on", so no link leads from one resource to
 *    another or out of the root (see walk());
 *  - a directory without its trailing slash is a 301 to it;
 *  - a directory with it serves its index.html, decided again
 *    through check (which must not be NULL for a directory), never
 *    a listing;
 *  - anything missing or not a regular file is 404 (WHY_NO_FILE).
 * A missing or unopenable root and other failures are 500.  Denials
 * go through resp_denial() and leave d as answered, for the log.  The
 * media type comes from the name served.
 * Returns the status written (200, 301, 304, 401, 403, 404, 500, ...),
 * or -1 if writing failed (possibly after the headers: the response
 * is then broken).
 */
int
file_serve(struct writer *w, const char *root, const struct request *req,
    struct decision *d, int head, const struct file_check *check)
{
	char		 date[HTTPDATE_LEN + 1], etag[ETAG_MAX];
	const char	*type;
	struct stat	 st;
	enum verdict	 v = VERDICT_ERROR;
	enum why	 why = WHY_NO_FILE;
	size_t		 len = strlen(req->path);
	int		 fd, rootfd, ret;

	if (req->path[0] != '/')
		return file_deny(w, d, VERDICT_ERROR, WHY_NO_FILE, head);
	if (has_dotfile(req->path))
		return file_deny(w, d, VERDICT_NOTFOUND, WHY_DOTFILE, head);
	if ((rootfd = open(root, WALK_ROOT)) == -1)
		return file_deny(w, d, VERDICT_ERROR, WHY_NO_FILE, head);
	if ((fd = walk(rootfd, req->path, &v, &why)) == -1)
		return file_deny(w, d, v, why, head);
	if (fstat(fd, &st) == -1)
		goto deny;
	type = file_type(req->path);

	if (S_ISDIR(st.st_mode)) {
		if (req->path[len - 1] != '/') {
			close(fd);
			return file_redirect(w, req, head);
		}
		if ((fd = open_index(w, fd, req, d, head, check, &v, &why,
		    &ret)) == -1)
			return ret != 0 ? ret : file_deny(w, d, v, why, head);
		if (fstat(fd, &st) == -1)
			goto deny;
		type = file_type(FILE_INDEX);
	}
	if (!S_ISREG(st.st_mode)) {
		v = VERDICT_NOTFOUND;
		goto deny;
	}

	/* Strong validator (RFC 9110 §8.8.3): size, mtime to the ns. */
	(void)snprintf(etag, sizeof(etag), "\"%jx-%jx-%lx\"",
	    (uintmax_t)st.st_size, (uintmax_t)st.st_mtim.tv_sec,
	    (unsigned long)st.st_mtim.tv_nsec);
	if (httpdate_fmt(date, sizeof(date), st.st_mtim.tv_sec) == -1)
		date[0] = '\0';

	if (not_modified(req, etag, &st, date[0] != '\0')) {
		ret = file_headers(w, d, &st, NULL, date, etag) == -1 ?
		    -1 : 304;
	} else if (file_headers(w, d, &st, type, date, etag) == -1 ||
	    (!head && file_body(w, fd, st.st_size) == -1))
		ret = -1;
	else
		ret = 200;
	close(fd);
	return ret;
deny:
	close(fd);
	return file_deny(w, d, v, why, head);
}
